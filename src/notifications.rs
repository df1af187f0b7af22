//! Email to customers: every message is first stored in the outbox (in the same transaction
//! as the change it reports), then delivered by SMTP when configured. Without SMTP it stays
//! in the outbox for admins to read. Sending never blocks a request.
//!
//! Every instance runs a sender; each round claims a few emails in the database first, so
//! however many instances share the outbox, each email is delivered by one of them.

use std::time::Duration;

use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::storage::{Database, OutboxEmail, now_millis};

/// How often the outbox is checked for new mail.
const POLL_INTERVAL: Duration = Duration::from_secs(5);
/// Emails claimed per round.
const CLAIM_BATCH: i64 = 10;
/// How long a claim lasts: long enough to deliver a batch to a slow SMTP server (lettre
/// gives up on one after a minute), short enough that the emails of an instance that
/// stopped mid-round are soon tried by another.
const CLAIM_MILLIS: i64 = 15 * 60 * 1000;

/// The background sender; stop it with [`EmailSender::stop`].
pub struct EmailSender {
    stop: watch::Sender<bool>,
    handle: Option<JoinHandle<()>>,
}

impl EmailSender {
    /// Starts delivering the outbox through `smtp_url`; with an empty URL nothing is sent.
    pub fn start(db: Database, smtp_url: &str, from: &str) -> Result<EmailSender, String> {
        let (stop, mut stopped) = watch::channel(false);
        if smtp_url.trim().is_empty() {
            return Ok(EmailSender { stop, handle: None });
        }
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|e| format!("smtp_url: {e}"))?
            .build();
        let from: Mailbox = from.parse().map_err(|e| format!("email_from: {e}"))?;
        let handle = tokio::spawn(async move {
            let mut ticker = tokio::time::interval(POLL_INTERVAL);
            loop {
                tokio::select! {
                    _ = ticker.tick() => {},
                    _ = stopped.changed() => break,
                }
                deliver_pending(&db, &transport, &from).await;
            }
        });
        Ok(EmailSender {
            stop,
            handle: Some(handle),
        })
    }

    /// Stops after the current delivery round.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        if let Some(handle) = self.handle {
            let _ = handle.await;
        }
    }
}

async fn deliver_pending(
    db: &Database,
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    from: &Mailbox,
) {
    let now = now_millis();
    let pending = match db
        .claim_unsent_emails(CLAIM_BATCH, now, now + CLAIM_MILLIS)
        .await
    {
        Ok(pending) => pending,
        Err(error) => {
            tracing::warn!(%error, "could not read the outbox");
            return;
        }
    };
    for email in pending {
        let outcome = match build_message(&email, from) {
            Ok(message) => transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Err(error) => Err(error),
        };
        let error = outcome.err();
        if let Some(error) = &error {
            // The recipient is personal data: log the outbox id only.
            tracing::warn!(outbox_id = email.id, %error, "email delivery failed; will retry");
        }
        if let Err(store_error) = db.mark_email_attempt(email.id, error.as_deref()).await {
            tracing::warn!(%store_error, "could not record an email delivery attempt");
        }
    }
}

fn build_message(email: &OutboxEmail, from: &Mailbox) -> Result<Message, String> {
    let to: Mailbox = email
        .recipient
        .parse()
        .map_err(|e| format!("recipient: {e}"))?;
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(email.subject.clone())
        .body(email.body.clone())
        .map_err(|e| e.to_string())
}

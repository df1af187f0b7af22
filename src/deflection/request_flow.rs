//! The request flow: from the first words of a support request to a deflection or a ticket.
//!
//! This is where a deflection is decided. Every channel (the portal's request form,
//! `POST /api/tickets`, the help widget) calls these functions and only turns their outcomes
//! into its own response: a page, JSON, a panel.
//!
//! - [`RequestFlow::new_draft_id`], [`RequestFlow::open`], [`RequestFlow::autosave`]: the
//!   draft that keeps everything the customer typed. A draft is stored only once there is
//!   something to keep (the first autosave or submit), never for a page view; its id is
//!   issued to the visitor's browser first, and only that browser can create a draft under it.
//!   Creating and saving drafts are limited per client address, and a draft never filed is
//!   deleted after the retention period ([`purge_unsubmitted_drafts`]).
//! - [`RequestFlow::submit`]: validation, the review step with confident articles the customer
//!   has not seen, the rate limit, filing.
//! - [`RequestFlow::confirm_solved`]: "Yes, this solved my problem", an explicit deflection.
//! - [`record_abandoned_requests`]: requests left after opening a suggestion, the implicit
//!   deflections (counted apart).

use std::net::IpAddr;
use std::time::Duration;

use sha2::{Digest, Sha256};

use super::learning_limits::LearningLimits;
use super::{Channel, DraftFields, DraftState, Event, EventRecorder, RequestDraft, ViewSource};
use crate::attachments::{
    Attachment, AttachmentLimits, DiskFiles, SpooledFile, UploadError, keep_all,
};
use crate::limits::{Attempt, AttemptLimit, LimitKey};
use crate::search::{SearchError, SearchIndex, SuggestRequest, Suggestion, truncate_query};
use crate::storage::{Database, StorageError};
use crate::tickets::filing::{
    FieldErrors, FiledTicket, FilingContext, TicketError, TicketRequest, file_ticket,
};
use crate::tickets::{SlaPolicy, TicketRules};

/// Tickets one client address may file in a window; shared by every channel (and, on
/// PostgreSQL, by every instance).
pub type TicketRateLimiter = crate::limits::AttemptLimit;

/// Articles offered on the review step at most.
pub const REVIEW_SUGGESTIONS: usize = 3;
/// Suggestions looked at per request text (the live panel shows as many).
const SUGGESTIONS_PER_TEXT: usize = 5;
/// How many seen articles one report may add to a draft.
const MAX_SEEN_PER_REPORT: usize = 20;

/// Lowercase letters, digits and hyphens: the shape of an article slug.
fn is_article_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 120
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}
/// A request left alone this long after opening a suggestion counts as abandoned.
pub const ABANDONED_AFTER_MILLIS: i64 = 30 * 60 * 1000;

/// The services a request needs, borrowed from the running portal.
pub struct RequestFlow<'a> {
    pub db: &'a Database,
    pub events: &'a EventRecorder,
    pub search: &'a SearchIndex,
    pub rules: &'a TicketRules,
    pub sla: &'a SlaPolicy,
    /// `None` when the limit is turned off.
    pub ticket_limiter: Option<&'a TicketRateLimiter>,
    /// Drafts one client address may create; `None` when turned off.
    pub draft_limiter: Option<&'a AttemptLimit>,
    /// Autosaves one client address may make; `None` when turned off.
    pub autosave_limiter: Option<&'a AttemptLimit>,
    /// Where attached files are kept, how many and how large they may be, and how many
    /// one client address may upload (`None` when turned off).
    pub files: &'a DiskFiles,
    pub attachment_limits: AttachmentLimits,
    pub upload_limiter: Option<&'a AttemptLimit>,
    /// How much one client address may teach the suggestions.
    pub learning_limits: &'a LearningLimits,
    /// The language of drafts and tickets until the customer's own is known.
    pub default_language: &'a str,
    /// The portal's public URL, for the status link in emails.
    pub base_url: String,
    pub site_name: &'a str,
}

/// Who is asking, as far as the channel knows.
#[derive(Clone, Debug)]
pub struct Requester {
    pub channel: Channel,
    /// The anonymous visitor cookie, when the channel has one.
    pub visitor_id: Option<String>,
    /// The client's address, for the per-address limit.
    pub address: Option<IpAddr>,
    /// The language the customer reads, when the channel knows it: a new draft (and the
    /// ticket filed from it) is in this language.
    pub lang: Option<String>,
}

/// What a submit carries.
#[derive(Debug, Default)]
pub struct Submission {
    /// The draft being submitted; `None` for a channel without drafts (the JSON API).
    pub draft_id: Option<String>,
    pub fields: DraftFields,
    /// Articles the channel showed the customer (the live panel), beyond those the draft
    /// already recorded.
    pub seen: Vec<String>,
    pub review: Review,
    /// Files chosen with this submit, and the draft's files the customer took away.
    pub files: SubmittedFiles,
}

/// The files of a submit.
#[derive(Debug, Default)]
pub struct SubmittedFiles {
    /// Newly chosen, each checked already (size, type) and waiting in a temporary file.
    pub new: Vec<SpooledFile>,
    /// Files kept in the draft earlier that the customer removed.
    pub remove: Vec<i64>,
    /// Why the channel refused the new files while receiving them (then `new` is empty).
    pub refused: Option<UploadError>,
}

/// Whether a submit may stop at the review step.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Review {
    /// A first submit: offer confident articles the customer has not seen.
    #[default]
    Offer,
    /// "No, submit my request", or a channel without a review step.
    Skip,
}

/// How a submit ended.
#[derive(Debug)]
pub enum SubmitOutcome {
    /// Some fields need fixing; nothing was filed (the draft kept everything typed).
    Invalid { fields: FieldErrors },
    /// Confident articles the customer has not seen yet: shown before filing.
    NeedsReview { articles: Vec<Suggestion> },
    /// Too many tickets from this address; the draft is kept.
    RateLimited,
    /// Filed now.
    Filed { ticket: FiledTicket },
    /// Filed already by an earlier submit of the same draft. The ticket is not named: a
    /// draft id must not lead to the ticket's private page.
    AlreadyFiled,
}

/// How an autosave ended.
#[derive(Debug)]
pub enum AutosaveOutcome {
    /// Kept.
    Saved,
    /// No draft under this id, and not an id this visitor may create one under.
    UnknownDraft,
    /// Fields longer than a ticket may hold: nothing was stored.
    TooLong { fields: FieldErrors },
    /// Too many drafts or saves from this address; nothing was stored.
    RateLimited { retry_after: Duration },
}

/// What opening a draft found.
#[derive(Debug)]
pub enum OpenedDraft {
    /// Still being written.
    Editing(Box<RequestDraft>),
    /// Already filed. Only the ticket's own private link leads to it, never the draft id
    /// (which sits in the browser's history and address bar).
    Filed,
    /// No such draft.
    Missing,
}

/// How "Yes, this solved my problem" ended.
#[derive(Debug)]
pub enum SolvedOutcome {
    /// Counted as deflected (once per draft); the article's title when one was named.
    Deflected { article_title: Option<String> },
    /// No such draft.
    UnknownDraft,
}

/// Why the flow could not answer.
#[derive(Debug, thiserror::Error)]
pub enum RequestFlowError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Search(#[from] SearchError),
    #[error(transparent)]
    Ticket(#[from] TicketError),
    /// A checked file could not be written to the store.
    #[error(transparent)]
    Upload(#[from] UploadError),
}

impl RequestFlow<'_> {
    /// An id for a new draft of this requester's, not stored until there is something to keep.
    pub fn new_draft_id(&self, requester: &Requester) -> String {
        let nonce = crate::tokens::random_token(8);
        let tag = draft_tag(requester.visitor_id.as_deref().unwrap_or(""), &nonce);
        format!("{nonce}{tag}")
    }

    /// Whether `draft_id` was issued to this requester by [`RequestFlow::new_draft_id`], so
    /// a draft may be created under it. An id from a link someone else sent is not: their
    /// draft would collect what this customer types.
    pub fn is_issued_to(&self, requester: &Requester, draft_id: &str) -> bool {
        let Some(visitor) = requester.visitor_id.as_deref() else {
            return false;
        };
        is_draft_id(draft_id) && {
            let (nonce, tag) = draft_id.split_at(16);
            crate::tokens::constant_time_equals(&draft_tag(visitor, nonce), tag)
        }
    }

    /// The visitor's unsent request, for "Contact support" to resume: their most recently
    /// changed open draft that was never filed, one in the requester's language before one
    /// in another. Only drafts this browser started (its visitor cookie), and only ids issued
    /// to it, so a shared or forwarded link never makes someone else's draft come back.
    pub async fn resumable_draft(
        &self,
        requester: &Requester,
    ) -> Result<Option<RequestDraft>, RequestFlowError> {
        let Some(visitor) = requester.visitor_id.as_deref().filter(|v| !v.is_empty()) else {
            return Ok(None);
        };
        let ids = self
            .db
            .open_drafts_of_visitor(&visitor_key(visitor), self.language_of(requester), 5)
            .await?;
        for id in ids {
            if !self.is_issued_to(requester, &id) {
                continue;
            }
            if let Some(draft) = self.db.find_draft(&id).await?
                && draft.state == DraftState::Open
                && draft.ticket_id.is_none()
            {
                return Ok(Some(draft));
            }
        }
        Ok(None)
    }

    /// The draft a submitted form belongs to: `draft_id` when it is stored or issued to this
    /// requester, otherwise a new one (what was typed is kept either way).
    pub async fn draft_for_form(
        &self,
        requester: &Requester,
        draft_id: &str,
    ) -> Result<String, RequestFlowError> {
        if self.is_issued_to(requester, draft_id)
            || (is_draft_id(draft_id) && self.db.find_draft(draft_id).await?.is_some())
        {
            return Ok(draft_id.to_owned());
        }
        Ok(self.new_draft_id(requester))
    }

    /// Resumes a draft: its fields while open, only the fact once filed.
    pub async fn open(&self, draft_id: &str) -> Result<OpenedDraft, RequestFlowError> {
        if !is_draft_id(draft_id) {
            return Ok(OpenedDraft::Missing);
        }
        let Some(draft) = self.db.find_draft(draft_id).await? else {
            return Ok(OpenedDraft::Missing);
        };
        Ok(match draft.ticket_id {
            Some(_) => OpenedDraft::Filed,
            None => OpenedDraft::Editing(Box::new(draft)),
        })
    }

    /// Keeps the draft current while the customer types, creating it on the first save. The
    /// first time the draft holds any text, the request counts as started.
    pub async fn autosave(
        &self,
        requester: &Requester,
        draft_id: &str,
        fields: &DraftFields,
    ) -> Result<AutosaveOutcome, RequestFlowError> {
        if !is_draft_id(draft_id) {
            return Ok(AutosaveOutcome::UnknownDraft);
        }
        let too_long = TicketRequest::from(fields).length_errors();
        if !too_long.is_empty() {
            return Ok(AutosaveOutcome::TooLong {
                fields: FieldErrors(too_long),
            });
        }
        if let Some(retry_after) = self.refused_by(self.autosave_limiter, requester).await? {
            return Ok(AutosaveOutcome::RateLimited { retry_after });
        }
        self.save(requester, draft_id, fields).await
    }

    /// Stores the fields in the draft, creating it (within the per-address limit) when it is
    /// not stored yet and was issued to this requester. Lengths are checked by the caller.
    async fn save(
        &self,
        requester: &Requester,
        draft_id: &str,
        fields: &DraftFields,
    ) -> Result<AutosaveOutcome, RequestFlowError> {
        if self.db.find_draft(draft_id).await?.is_none() {
            if !self.is_issued_to(requester, draft_id) {
                return Ok(AutosaveOutcome::UnknownDraft);
            }
            // Nothing typed: nothing to keep yet.
            if fields.is_blank() {
                return Ok(AutosaveOutcome::Saved);
            }
            if let Some(retry_after) = self.refused_by(self.draft_limiter, requester).await? {
                return Ok(AutosaveOutcome::RateLimited { retry_after });
            }
        }
        let started = self
            .db
            .save_draft_fields(
                draft_id,
                fields,
                self.language_of(requester),
                requester.channel,
                requester.visitor_id.as_deref().map(visitor_key).as_deref(),
            )
            .await?;
        if started {
            self.record(
                requester,
                Event::RequestStarted {
                    draft_id: draft_id.to_owned(),
                },
            );
        }
        Ok(AutosaveOutcome::Saved)
    }

    /// The wait `limit` imposes on this requester's address now, if it refuses (and counts
    /// the attempt when it does not).
    async fn refused_by(
        &self,
        limit: Option<&AttemptLimit>,
        requester: &Requester,
    ) -> Result<Option<Duration>, RequestFlowError> {
        let (Some(limit), Some(address)) = (limit, requester.address) else {
            return Ok(None);
        };
        Ok(match limit.attempt(&LimitKey::address(address)).await? {
            Attempt::Allowed => None,
            Attempt::Refused { retry_after } => Some(retry_after),
        })
    }

    /// Submits a request: kept in its draft, validated, offered the confident articles not
    /// yet seen (once), limited per address, then filed.
    pub async fn submit(
        &self,
        requester: &Requester,
        submission: Submission,
    ) -> Result<SubmitOutcome, RequestFlowError> {
        let mut draft_id = submission.draft_id.filter(|id| is_draft_id(id));
        let mut draft = None;
        let request = TicketRequest::from(&submission.fields);
        let SubmittedFiles {
            new: new_files,
            remove: removed_files,
            refused,
        } = submission.files;
        let mut file_error = refused;
        // Without a draft, files wait in their temporary files until the ticket is filed.
        let mut unfiled_files = Vec::new();
        if let Some(id) = draft_id.clone() {
            if let OpenedDraft::Filed = self.open(&id).await? {
                return Ok(SubmitOutcome::AlreadyFiled);
            }
            // Oversized fields are kept only up to the limits (validation below names them;
            // the page shows all of them), so a refresh still has everything else.
            let kept = submission.fields.clipped_to_ticket_limits();
            match self.save(requester, &id, &kept).await? {
                AutosaveOutcome::RateLimited { .. } => return Ok(SubmitOutcome::RateLimited),
                AutosaveOutcome::UnknownDraft => draft_id = None,
                AutosaveOutcome::Saved | AutosaveOutcome::TooLong { .. } => {}
            }
            if draft_id.is_some() {
                self.articles_seen(requester, &id, &submission.seen).await?;
                draft = self.db.find_draft(&id).await?;
            }
            // Kept with the draft now, so a validation error or the review step never makes
            // the customer choose them again.
            if draft.is_some()
                && file_error.is_none()
                && let Err(error) = self
                    .attach_to_draft(requester, &id, new_files, &removed_files)
                    .await?
            {
                file_error = Some(error);
            }
        } else if file_error.is_none() {
            match self.attachment_limits.check_together(&[], &new_files) {
                Ok(()) => unfiled_files = new_files,
                Err(error) => file_error = Some(error),
            }
        }
        let mut valid = request.validate();
        if let Some(error) = file_error {
            let mut fields = valid.err().unwrap_or_default();
            fields
                .0
                .insert("attachments", error.message_key().to_owned());
            valid = Err(fields);
        }
        let valid = match valid {
            Ok(valid) => valid,
            Err(fields) => return Ok(SubmitOutcome::Invalid { fields }),
        };
        if submission.review == Review::Offer {
            let mut seen = submission.seen;
            if let Some(draft) = &draft {
                seen.extend(draft.suggested_articles.iter().cloned());
            }
            let unseen: Vec<Suggestion> = self
                .suggestions_for(
                    &submission.fields.suggestion_text(),
                    requester.lang.as_deref(),
                )?
                .into_iter()
                .filter(|s| !seen.contains(&s.id))
                .take(REVIEW_SUGGESTIONS)
                .collect();
            if !unseen.is_empty() {
                if let Some(id) = &draft_id {
                    self.record_shown(requester, id, &unseen).await?;
                }
                return Ok(SubmitOutcome::NeedsReview { articles: unseen });
            }
        }
        if let (Some(limiter), Some(address)) = (self.ticket_limiter, requester.address)
            && !limiter
                .allow(&crate::limits::LimitKey::address(address))
                .await?
        {
            return Ok(SubmitOutcome::RateLimited);
        }
        if !unfiled_files.is_empty()
            && let Err(error) = self.count_uploads(requester, unfiled_files.len()).await?
        {
            let mut fields = FieldErrors::default();
            fields
                .0
                .insert("attachments", error.message_key().to_owned());
            return Ok(SubmitOutcome::Invalid { fields });
        }
        // Reaching here, this submit added no suggestions, so `draft` is current.
        let mut context =
            self.filing_context(requester.channel, draft_id.as_deref(), draft.as_ref());
        context.files = keep_all(self.files, unfiled_files).await?;
        let ticket = file_ticket(self.db, self.rules, self.sla, &valid, &context).await?;
        if ticket.newly_filed {
            self.record(
                requester,
                Event::TicketFiled {
                    ticket_id: ticket.id,
                    draft_id,
                    suggestions_shown: !context.suggested_articles.is_empty(),
                    suggestions_opened: !context.opened_articles.is_empty(),
                },
            );
        }
        Ok(SubmitOutcome::Filed { ticket })
    }

    /// Adds newly chosen files to a stored draft and removes those taken away, if together
    /// they fit one message and the address may upload that many; otherwise changes nothing.
    async fn attach_to_draft(
        &self,
        requester: &Requester,
        draft_id: &str,
        new: Vec<SpooledFile>,
        remove: &[i64],
    ) -> Result<Result<(), UploadError>, RequestFlowError> {
        if new.is_empty() && remove.is_empty() {
            return Ok(Ok(()));
        }
        let kept: Vec<Attachment> = self
            .db
            .draft_attachments(draft_id)
            .await?
            .into_iter()
            .filter(|file| !remove.contains(&file.id))
            .collect();
        if let Err(error) = self.attachment_limits.check_together(&kept, &new) {
            return Ok(Err(error));
        }
        if let Err(error) = self.count_uploads(requester, new.len()).await? {
            return Ok(Err(error));
        }
        let added = keep_all(self.files, new).await?;
        self.db
            .change_draft_attachments(draft_id, &added, remove)
            .await?;
        Ok(Ok(()))
    }

    /// Counts `files` uploads against the address's limit; refused once it is reached.
    async fn count_uploads(
        &self,
        requester: &Requester,
        files: usize,
    ) -> Result<Result<(), UploadError>, RequestFlowError> {
        for _ in 0..files {
            if self
                .refused_by(self.upload_limiter, requester)
                .await?
                .is_some()
            {
                return Ok(Err(UploadError::RateLimited));
            }
        }
        Ok(Ok(()))
    }

    /// The files waiting in a draft, for the form to list.
    pub async fn draft_files(&self, draft_id: &str) -> Result<Vec<Attachment>, RequestFlowError> {
        if !is_draft_id(draft_id) {
            return Ok(Vec::new());
        }
        Ok(self.db.draft_attachments(draft_id).await?)
    }

    /// "Yes, this solved my problem": closes the draft as deflected and records it, once.
    pub async fn confirm_solved(
        &self,
        requester: &Requester,
        draft_id: &str,
        article: Option<&str>,
    ) -> Result<SolvedOutcome, RequestFlowError> {
        let draft = match is_draft_id(draft_id) {
            true => self.db.find_draft(draft_id).await?,
            false => None,
        };
        let Some(draft) = draft else {
            return Ok(SolvedOutcome::UnknownDraft);
        };
        let article = article.map(str::trim).filter(|slug| !slug.is_empty());
        if draft.state == DraftState::Open
            && self.db.close_draft(draft_id, DraftState::Deflected).await?
        {
            let teaches = match article {
                Some(slug) => {
                    self.learning_limits
                        .may_teach(requester.address, slug)
                        .await?
                }
                None => true,
            };
            self.record(
                requester,
                Event::Deflected {
                    draft_id: draft_id.to_owned(),
                    slug: article.map(str::to_owned),
                    teaches,
                },
            );
        }
        let article_title = match article {
            Some(slug) => self.db.find_article_by_slug(slug).await?.map(|a| a.title),
            None => None,
        };
        Ok(SolvedOutcome::Deflected { article_title })
    }

    /// Records an article view; when it was opened from an open draft's suggestions, the
    /// draft remembers it and is returned (so the article can offer "this solved it").
    pub async fn article_opened(
        &self,
        requester: &Requester,
        slug: &str,
        source: ViewSource,
        draft_id: Option<&str>,
    ) -> Result<Option<RequestDraft>, RequestFlowError> {
        let draft = match draft_id.filter(|id| is_draft_id(id)) {
            Some(id) => self
                .db
                .find_draft(id)
                .await?
                .filter(|d| d.state == DraftState::Open),
            None => None,
        };
        if let Some(draft) = &draft {
            self.db.add_draft_opened_article(&draft.id, slug).await?;
        }
        self.record(
            requester,
            Event::ArticleViewed {
                slug: slug.to_owned(),
                source,
                draft_id: draft.as_ref().map(|d| d.id.clone()),
            },
        );
        Ok(draft)
    }

    /// Remembers the suggestions a channel showed while the customer typed into a draft.
    pub async fn suggestions_shown(
        &self,
        requester: &Requester,
        draft_id: &str,
        shown: &[Suggestion],
    ) -> Result<(), RequestFlowError> {
        if is_draft_id(draft_id) && !shown.is_empty() {
            self.record_shown(requester, draft_id, shown).await?;
        }
        Ok(())
    }

    /// Remembers the articles a channel reports as actually seen while the customer typed
    /// into a draft (the request form's panel: an item counts once it was on screen). Only
    /// article-shaped slugs not remembered yet are kept, a few per call.
    pub async fn articles_seen(
        &self,
        requester: &Requester,
        draft_id: &str,
        slugs: &[String],
    ) -> Result<(), RequestFlowError> {
        if !is_draft_id(draft_id) {
            return Ok(());
        }
        let Some(draft) = self.db.find_draft(draft_id).await? else {
            return Ok(());
        };
        let mut new: Vec<String> = Vec::new();
        for slug in slugs.iter().take(MAX_SEEN_PER_REPORT) {
            if is_article_slug(slug)
                && !draft.suggested_articles.contains(slug)
                && !new.contains(slug)
            {
                new.push(slug.clone());
            }
        }
        if new.is_empty() {
            return Ok(());
        }
        if self.db.add_draft_suggestions(draft_id, &new).await? {
            self.record(
                requester,
                Event::SuggestionsShown {
                    draft_id: Some(draft_id.to_owned()),
                    articles: new,
                },
            );
        }
        Ok(())
    }

    /// Suggestions confident enough to interrupt a customer with, for what they wrote: in the
    /// language they read (`lang`) first, in any other when nothing there fits (a request
    /// may be written in any language on any page).
    pub fn suggestions_for(
        &self,
        text: &str,
        lang: Option<&str>,
    ) -> Result<Vec<Suggestion>, RequestFlowError> {
        Ok(self.search.suggest_in_language_first(&SuggestRequest {
            text: truncate_query(text),
            lang,
            category: None,
            limit: SUGGESTIONS_PER_TEXT,
            offset: 0,
        })?)
    }

    async fn record_shown(
        &self,
        requester: &Requester,
        draft_id: &str,
        shown: &[Suggestion],
    ) -> Result<(), RequestFlowError> {
        let slugs: Vec<String> = shown.iter().map(|s| s.id.clone()).collect();
        if self.db.add_draft_suggestions(draft_id, &slugs).await? {
            self.record(
                requester,
                Event::SuggestionsShown {
                    draft_id: Some(draft_id.to_owned()),
                    articles: slugs,
                },
            );
        }
        Ok(())
    }

    /// What is known about the self-service tried before filing.
    fn filing_context(
        &self,
        channel: Channel,
        draft_id: Option<&str>,
        draft: Option<&RequestDraft>,
    ) -> FilingContext {
        FilingContext {
            draft_id: draft_id.map(str::to_owned),
            lang: draft.map_or_else(|| self.default_language.to_owned(), |d| d.lang.clone()),
            channel,
            suggested_articles: draft
                .map(|d| d.suggested_articles.clone())
                .unwrap_or_default(),
            opened_articles: draft.map(|d| d.opened_articles.clone()).unwrap_or_default(),
            base_url: self.base_url.clone(),
            site_name: self.site_name.to_owned(),
            files: Vec::new(),
        }
    }

    /// The language of a draft this requester starts.
    fn language_of<'r>(&'r self, requester: &'r Requester) -> &'r str {
        requester.lang.as_deref().unwrap_or(self.default_language)
    }

    /// The language a draft is written in, if there is such a draft.
    pub async fn draft_language(&self, draft_id: &str) -> Result<Option<String>, RequestFlowError> {
        if !is_draft_id(draft_id) {
            return Ok(None);
        }
        Ok(self.db.find_draft(draft_id).await?.map(|draft| draft.lang))
    }

    fn record(&self, requester: &Requester, event: Event) {
        self.events
            .record(event, requester.visitor_id.as_deref(), requester.channel);
    }
}

/// Marks requests abandoned after opening a suggestion and records each as an implicit
/// deflection; returns how many.
pub async fn record_abandoned_requests(
    db: &Database,
    events: &EventRecorder,
) -> Result<usize, StorageError> {
    let idle_before = crate::storage::now_millis() - ABANDONED_AFTER_MILLIS;
    let drafts = db.abandon_idle_drafts(idle_before).await?;
    for (draft_id, channel) in &drafts {
        events.record(
            Event::RequestAbandoned {
                draft_id: draft_id.clone(),
            },
            None,
            *channel,
        );
    }
    Ok(drafts.len())
}

/// The second half of a draft id: binds the random first half to the visitor cookie, a
/// secret of the visitor's browser, so nobody else can hand out an id it would write into.
fn draft_tag(visitor_id: &str, nonce: &str) -> String {
    let digest = Sha256::digest(format!("request draft\0{visitor_id}\0{nonce}").as_bytes());
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// What a stored draft keeps of the visitor who started it: a hash of their cookie, enough to
/// find their drafts again and nothing that would let anyone act as them. Learning keys a
/// visitor's votes with it too, so one person has one vote whichever way they answered.
pub(crate) fn visitor_key(visitor_id: &str) -> String {
    let digest = Sha256::digest(format!("request draft visitor\0{visitor_id}").as_bytes());
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// Deletes drafts never filed whose last change is older than `retention_days` before `now`
/// (what a customer typed is personal data, kept no longer than needed); returns how many.
pub async fn purge_unsubmitted_drafts(
    db: &Database,
    retention_days: u32,
    now: i64,
) -> Result<u64, StorageError> {
    let retention_millis = i64::from(retention_days) * 24 * 60 * 60 * 1000;
    db.delete_unsubmitted_drafts(now - retention_millis).await
}

/// Whether `id` has the shape of a draft id (so a malformed one never reaches storage).
pub fn is_draft_id(id: &str) -> bool {
    id.len() == 32 && id.chars().all(|c| c.is_ascii_hexdigit())
}

impl From<&DraftFields> for TicketRequest {
    fn from(fields: &DraftFields) -> TicketRequest {
        TicketRequest {
            name: fields.name.clone(),
            email: fields.email.clone(),
            subject: fields.subject.clone(),
            description: fields.description.clone(),
            category: fields.category.clone(),
        }
    }
}

//! The request flow: from the first words of a support request to a deflection or a ticket.
//!
//! This is where a deflection is decided. Every channel (the portal's request form,
//! `POST /api/tickets`, the help widget) calls these functions and only turns their outcomes
//! into its own response: a page, JSON, a panel.
//!
//! - [`RequestFlow::start`], [`RequestFlow::open`], [`RequestFlow::autosave`]: the draft that
//!   keeps everything the customer typed.
//! - [`RequestFlow::submit`]: validation, the review step with confident articles the customer
//!   has not seen, the rate limit, filing.
//! - [`RequestFlow::confirm_solved`]: "Yes, this solved my problem", an explicit deflection.
//! - [`record_abandoned_requests`]: requests left after opening a suggestion, the implicit
//!   deflections (counted apart).

use std::net::IpAddr;

use super::{Channel, DraftFields, DraftState, Event, EventRecorder, RequestDraft, ViewSource};
use crate::search::{SearchError, SearchIndex, SuggestRequest, Suggestion, truncate_query};
use crate::storage::{Database, StorageError};
use crate::tickets::filing::{
    FieldErrors, FiledTicket, FilingContext, MAX_SUBJECT_CHARS, TicketError, TicketRequest,
    file_ticket,
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
#[derive(Clone, Debug, Default)]
pub struct Submission {
    /// The draft being submitted; `None` for a channel without drafts (the JSON API).
    pub draft_id: Option<String>,
    pub fields: DraftFields,
    /// Articles the channel showed the customer (the live panel), beyond those the draft
    /// already recorded.
    pub seen: Vec<String>,
    pub review: Review,
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
}

impl RequestFlow<'_> {
    /// Opens a new draft, with a subject when the customer came from a search; returns its id.
    pub async fn start(
        &self,
        requester: &Requester,
        subject: &str,
    ) -> Result<String, RequestFlowError> {
        let id = new_draft_id();
        let subject: String = subject.trim().chars().take(MAX_SUBJECT_CHARS).collect();
        self.db
            .create_draft(
                &id,
                &subject,
                self.language_of(requester),
                requester.channel,
            )
            .await?;
        Ok(id)
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

    /// Keeps the draft current while the customer types; false for an id that cannot be a
    /// draft's. The first time the draft holds any text, the request counts as started.
    pub async fn autosave(
        &self,
        requester: &Requester,
        draft_id: &str,
        fields: &DraftFields,
    ) -> Result<bool, RequestFlowError> {
        if !is_draft_id(draft_id) {
            return Ok(false);
        }
        let started = self
            .db
            .save_draft_fields(
                draft_id,
                fields,
                self.language_of(requester),
                requester.channel,
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
        Ok(true)
    }

    /// Submits a request: kept in its draft, validated, offered the confident articles not
    /// yet seen (once), limited per address, then filed.
    pub async fn submit(
        &self,
        requester: &Requester,
        submission: Submission,
    ) -> Result<SubmitOutcome, RequestFlowError> {
        let draft_id = submission.draft_id.filter(|id| is_draft_id(id));
        let mut draft = None;
        if let Some(id) = &draft_id {
            if let OpenedDraft::Filed = self.open(id).await? {
                return Ok(SubmitOutcome::AlreadyFiled);
            }
            self.autosave(requester, id, &submission.fields).await?;
            self.articles_seen(requester, id, &submission.seen).await?;
            draft = self.db.find_draft(id).await?;
        }
        let request = TicketRequest::from(&submission.fields);
        let valid = match request.validate() {
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
        // Reaching here, this submit added no suggestions, so `draft` is current.
        let context = self.filing_context(requester.channel, draft_id.as_deref(), draft.as_ref());
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
            self.record(
                requester,
                Event::Deflected {
                    draft_id: draft_id.to_owned(),
                    slug: article.map(str::to_owned),
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

/// A new unguessable draft id (128 random bits, hex).
pub fn new_draft_id() -> String {
    crate::tokens::random_token(16)
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

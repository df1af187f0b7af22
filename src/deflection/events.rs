//! Self-service events, written by a bounded, batching background writer that never slows
//! a request. Tickets never go through here: they are stored synchronously.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::Channel;
use crate::storage::{Database, EventRow, now_millis};

/// How an article page was reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ViewSource {
    /// From a search results page.
    Search,
    /// From an as-you-type suggestion (search box or request form).
    Suggest,
    /// From a category, home or related-article link.
    Browse,
    /// Typed, bookmarked, or linked from elsewhere.
    Direct,
}

impl ViewSource {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ViewSource::Search => "search",
            ViewSource::Suggest => "suggest",
            ViewSource::Browse => "browse",
            ViewSource::Direct => "direct",
        }
    }

    /// Reads the `from` parameter of an article link; anything unknown is direct.
    pub fn from_parameter(value: Option<&str>) -> ViewSource {
        match value {
            Some("search") => ViewSource::Search,
            Some("suggest") => ViewSource::Suggest,
            Some("browse") => ViewSource::Browse,
            _ => ViewSource::Direct,
        }
    }
}

/// The stored kind of an event row: what `events.kind` holds and what the figures count.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// A search or results page.
    #[default]
    Search,
    /// One article shown as a suggestion (a row per article).
    SuggestionShown,
    ArticleViewed,
    HelpfulYes,
    HelpfulNo,
    RequestStarted,
    /// An explicit deflection.
    Deflected,
    /// An implicit deflection.
    RequestAbandoned,
    TicketFiled,
}

impl EventKind {
    /// Every kind.
    pub const ALL: [EventKind; 9] = [
        EventKind::Search,
        EventKind::SuggestionShown,
        EventKind::ArticleViewed,
        EventKind::HelpfulYes,
        EventKind::HelpfulNo,
        EventKind::RequestStarted,
        EventKind::Deflected,
        EventKind::RequestAbandoned,
        EventKind::TicketFiled,
    ];

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Search => "search",
            EventKind::SuggestionShown => "suggestion_shown",
            EventKind::ArticleViewed => "article_viewed",
            EventKind::HelpfulYes => "helpful_yes",
            EventKind::HelpfulNo => "helpful_no",
            EventKind::RequestStarted => "request_started",
            EventKind::Deflected => "deflected",
            EventKind::RequestAbandoned => "request_abandoned",
            EventKind::TicketFiled => "ticket_filed",
        }
    }

    /// Reads the stored spelling.
    pub fn parse(text: &str) -> Option<EventKind> {
        EventKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == text)
    }
}

/// Something a customer did on the way to (not) filing a ticket. No IP addresses and no
/// email addresses are ever part of an event; query text is kept.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// A search or results page (not each keystroke of a typeahead).
    Search {
        query: String,
        result_count: usize,
        lang: Option<String>,
    },
    /// Articles shown as suggestions, in order.
    SuggestionsShown {
        draft_id: Option<String>,
        articles: Vec<String>,
    },
    /// An article page was viewed.
    ArticleViewed {
        slug: String,
        source: ViewSource,
        draft_id: Option<String>,
    },
    /// "Did this answer your question?" `teaches` is false when the answer came past the
    /// learning caps of its address (see `learning_limits`).
    ArticleFeedback {
        slug: String,
        helpful: bool,
        teaches: bool,
    },
    /// A customer started typing a request.
    RequestStarted { draft_id: String },
    /// "Yes, this solved my problem": an explicit deflection; `teaches` as for feedback.
    Deflected {
        draft_id: String,
        slug: Option<String>,
        teaches: bool,
    },
    /// A request abandoned after opening a suggestion: an implicit deflection, counted apart.
    RequestAbandoned { draft_id: String },
    /// A ticket was filed; whether suggestions had been shown and opened first.
    TicketFiled {
        ticket_id: i64,
        draft_id: Option<String>,
        suggestions_shown: bool,
        suggestions_opened: bool,
    },
}

impl Event {
    /// The stored rows for this event (one per suggested article for `SuggestionsShown`).
    fn into_rows(
        self,
        visitor_id: Option<String>,
        channel: Channel,
        occurred_at: i64,
    ) -> Vec<EventRow> {
        let base = EventRow {
            occurred_at,
            visitor_id,
            channel: Some(channel),
            ..EventRow::default()
        };
        match self {
            Event::Search { query, result_count, lang } => vec![EventRow {
                kind: EventKind::Search,
                query: Some(normalise_query(&query)),
                result_count: Some(result_count as i64),
                lang,
                ..base
            }],
            Event::SuggestionsShown { draft_id, articles } => articles
                .into_iter()
                .enumerate()
                .map(|(index, slug)| EventRow {
                    kind: EventKind::SuggestionShown,
                    draft_id: draft_id.clone(),
                    article_slug: Some(slug),
                    position: Some(index as i64 + 1),
                    ..base.clone()
                })
                .collect(),
            Event::ArticleViewed { slug, source, draft_id } => vec![EventRow {
                kind: EventKind::ArticleViewed,
                article_slug: Some(slug),
                source: Some(source.as_str().to_owned()),
                draft_id,
                ..base
            }],
            Event::ArticleFeedback { slug, helpful, teaches } => vec![EventRow {
                kind: if helpful { EventKind::HelpfulYes } else { EventKind::HelpfulNo },
                article_slug: Some(slug),
                details: not_evidence(teaches),
                ..base
            }],
            Event::RequestStarted { draft_id } => {
                vec![EventRow { kind: EventKind::RequestStarted, draft_id: Some(draft_id), ..base }]
            }
            Event::Deflected { draft_id, slug, teaches } => vec![EventRow {
                kind: EventKind::Deflected,
                draft_id: Some(draft_id),
                article_slug: slug,
                details: not_evidence(teaches),
                ..base
            }],
            Event::RequestAbandoned { draft_id } => {
                vec![EventRow { kind: EventKind::RequestAbandoned, draft_id: Some(draft_id), ..base }]
            }
            Event::TicketFiled { ticket_id, draft_id, suggestions_shown, suggestions_opened } => vec![EventRow {
                kind: EventKind::TicketFiled,
                ticket_id: Some(ticket_id),
                draft_id,
                details: Some(
                    serde_json::json!({ "suggestions_shown": suggestions_shown, "suggestions_opened": suggestions_opened })
                        .to_string(),
                ),
                ..base
            }],
        }
    }
}

/// What `details` holds for an answer that must not teach (see `learning_limits`); what the
/// learning job looks for.
pub const NOT_EVIDENCE: &str = r#"{"teaches":false}"#;

fn not_evidence(teaches: bool) -> Option<String> {
    (!teaches).then(|| NOT_EVIDENCE.to_owned())
}

/// Hands events to the background writer; cheap to clone.
#[derive(Clone, Debug)]
pub struct EventRecorder {
    sender: mpsc::Sender<Vec<EventRow>>,
    dropped: Arc<AtomicU64>,
    /// Whether the writer is waiting for the database to come back.
    waiting: Arc<AtomicBool>,
}

/// The writer task; [`EventWriterTask::finish`] flushes what is queued.
pub struct EventWriterTask {
    handle: JoinHandle<()>,
}

/// Events waiting in memory at most; beyond it new events are dropped (and counted) rather
/// than slowing requests down. While the database is away they wait here.
const QUEUE_CAPACITY: usize = 16_384;
/// Rows written per transaction at most.
const BATCH_ROWS: usize = 512;
/// Queued events are written at least this often.
const FLUSH_INTERVAL: Duration = Duration::from_millis(250);
/// The first and the longest pause before writing again while the database is away.
const RETRY_FIRST: Duration = Duration::from_millis(250);
const RETRY_LONGEST: Duration = Duration::from_secs(5);
/// At shutdown, how long the writer keeps trying a database that is away before it gives
/// up on what is still queued (and counts it as dropped).
const SHUTDOWN_PATIENCE: Duration = Duration::from_secs(10);

/// What the writer is doing, for the readiness report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventQueueReport {
    /// Events dropped because the queue was full (or still unstored at shutdown).
    pub dropped: u64,
    /// Events waiting in the queue.
    pub queued: usize,
    /// Whether the writer is waiting for the database to come back.
    pub waiting_for_database: bool,
}

impl EventRecorder {
    /// Starts the background writer.
    pub fn start(db: Database) -> (EventRecorder, EventWriterTask) {
        let (sender, receiver) = mpsc::channel(QUEUE_CAPACITY);
        let dropped = Arc::new(AtomicU64::new(0));
        let waiting = Arc::new(AtomicBool::new(false));
        let writer = EventWriter {
            db,
            dropped: dropped.clone(),
            waiting: waiting.clone(),
        };
        let handle = tokio::spawn(writer.run(receiver));
        (
            EventRecorder {
                sender,
                dropped,
                waiting,
            },
            EventWriterTask { handle },
        )
    }

    /// Records an event now, without waiting: what happened, for which visitor (when known),
    /// through which channel.
    pub fn record(&self, event: Event, visitor_id: Option<&str>, channel: Channel) {
        self.record_at(event, visitor_id, channel, now_millis());
    }

    /// Records an event with an explicit time (imports and scripted histories).
    pub fn record_at(
        &self,
        event: Event,
        visitor_id: Option<&str>,
        channel: Channel,
        occurred_at: i64,
    ) {
        let rows = event.into_rows(visitor_id.map(str::to_owned), channel, occurred_at);
        if self.sender.try_send(rows).is_err() {
            count_dropped(&self.dropped, 1, "event queue full: events dropped");
        }
    }

    /// Events dropped because the queue was full.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// The queue's state now.
    pub fn report(&self) -> EventQueueReport {
        EventQueueReport {
            dropped: self.dropped(),
            queued: self.sender.max_capacity() - self.sender.capacity(),
            waiting_for_database: self.waiting.load(Ordering::Relaxed),
        }
    }
}

/// Adds to the dropped count, logging at each power of two so a flood stays readable.
fn count_dropped(dropped: &AtomicU64, events: u64, message: &'static str) {
    let before = dropped.fetch_add(events, Ordering::Relaxed);
    let after = before + events;
    if before == 0 || after.ilog2() > before.ilog2() {
        tracing::warn!(dropped = after, "{message}");
    }
}

impl EventWriterTask {
    /// Waits until every queued event is stored. Every recorder must be dropped first.
    pub async fn finish(self) {
        let _ = self.handle.await;
    }
}

/// The background writer's side.
struct EventWriter {
    db: Database,
    dropped: Arc<AtomicU64>,
    waiting: Arc<AtomicBool>,
}

/// Whether a batch was written (or given up for bad rows) or must wait for the database.
enum Flushed {
    Done,
    DatabaseAway,
}

impl EventWriter {
    async fn run(self, mut receiver: mpsc::Receiver<Vec<EventRow>>) {
        let mut batch: Vec<EventRow> = Vec::with_capacity(BATCH_ROWS);
        let mut ticker = tokio::time::interval(FLUSH_INTERVAL);
        loop {
            tokio::select! {
                received = receiver.recv() => match received {
                    Some(rows) => {
                        batch.extend(rows);
                        if batch.len() >= BATCH_ROWS {
                            self.flush_until_stored(&mut batch).await;
                        }
                    }
                    None => break,
                },
                _ = ticker.tick() => self.flush_until_stored(&mut batch).await,
            }
        }
        // Shutting down: a database that stays away only gets so long.
        let stored = tokio::time::timeout(SHUTDOWN_PATIENCE, self.flush_until_stored(&mut batch));
        if stored.await.is_err() {
            count_dropped(
                &self.dropped,
                batch.len() as u64,
                "database away at shutdown: queued events dropped",
            );
        }
    }

    /// Writes the batch, waiting with growing pauses while the database is away: the
    /// queue behind it holds new events meanwhile (and counts what it cannot hold).
    async fn flush_until_stored(&self, batch: &mut Vec<EventRow>) {
        let mut pause = RETRY_FIRST;
        while let Flushed::DatabaseAway = self.flush(batch).await {
            if !self.waiting.swap(true, Ordering::Relaxed) {
                tracing::warn!(
                    rows = batch.len(),
                    "database away: keeping events queued until it answers"
                );
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(RETRY_LONGEST);
        }
        if self.waiting.swap(false, Ordering::Relaxed) {
            tracing::info!("database back: queued events stored");
        }
    }

    async fn flush(&self, batch: &mut Vec<EventRow>) -> Flushed {
        if batch.is_empty() {
            return Flushed::Done;
        }
        let db = &self.db;
        if let Err(error) = db.insert_events(batch).await {
            if error.is_unavailable() {
                return Flushed::DatabaseAway;
            }
            // One bad row must not cost the batch: store the rows one by one, skipping the
            // bad; if the database goes away meanwhile, keep what is left for later.
            tracing::warn!(%error, rows = batch.len(), "could not store events as a batch");
            let mut index = 0;
            while index < batch.len() {
                match db.insert_events(std::slice::from_ref(&batch[index])).await {
                    Ok(()) => index += 1,
                    Err(error) if error.is_unavailable() => {
                        self.count_views(&batch[..index]).await;
                        batch.drain(..index);
                        return Flushed::DatabaseAway;
                    }
                    Err(error) => {
                        tracing::warn!(%error, kind = batch[index].kind.as_str(), "could not store an event");
                        index += 1;
                    }
                }
            }
        }
        self.count_views(batch).await;
        batch.clear();
        Flushed::Done
    }

    /// Article view counts (for "popular articles") ride on the same batches.
    async fn count_views(&self, rows: &[EventRow]) {
        let mut views: HashMap<&str, i64> = HashMap::new();
        for row in rows
            .iter()
            .filter(|row| row.kind == EventKind::ArticleViewed)
        {
            if let Some(slug) = &row.article_slug {
                *views.entry(slug).or_default() += 1;
            }
        }
        if views.is_empty() {
            return;
        }
        let views: Vec<(String, i64)> = views
            .into_iter()
            .map(|(slug, count)| (slug.to_owned(), count))
            .collect();
        if let Err(error) = self.db.add_article_views(&views).await {
            tracing::warn!(%error, "could not store article view counts");
        }
    }
}

/// Searches are counted case-insensitively, with spaces (and control characters, NUL among
/// them) collapsed, so "Refund " and
/// "refund" are one entry in the top lists.
fn normalise_query(query: &str) -> String {
    let collapsed = query
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    collapsed.to_lowercase().chars().take(500).collect()
}

//! Opening, recreating and writing the index: the single writer thread lives here.
//!
//! One tantivy `IndexWriter` is owned by one background thread fed by a channel; searches
//! only ever touch the `IndexReader`, which the writer reloads right after each commit. So no
//! search waits on indexing, and `upsert` / `remove` / `rebuild` resolve only once their change
//! is visible to searches. Consecutive upserts and removes that queue up while a commit runs
//! are committed together (group commit), which keeps bulk edits from paying one commit each.
//!
//! Documents are replaced and removed by their key (the article's database id in the
//! product). Each commit also records, in tantivy's commit payload, the number of the latest
//! database change the index holds ([`SearchIndex::synced_through`]), so the record and the
//! documents it describes are written atomically and survive a restart together.

use std::collections::HashMap;
use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock, mpsc};
use std::thread::JoinHandle;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use tantivy::directory::MmapDirectory;
use tantivy::{
    Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term, Warmer,
};
use tokio::sync::{oneshot, watch};

use super::analyzers::{self, Lang, fold_lower, for_each_word, primary_subtag};
use super::ranking::TitleCache;
use super::schema::{self, Fields, SCHEMA_VERSION};
use super::{ArticleDocument, IndexHealth, RebuildReport, SearchError};

/// File beside the index recording the schema version and whether the last rebuild finished.
const STATE_FILE: &str = "answerdesk-search.json";
/// At most this many queued writes go into one commit.
const MAX_GROUP_COMMIT: usize = 512;
/// Indexing memory budget per writer thread (tantivy flushes a segment when it is reached).
const WRITER_MEMORY_PER_THREAD: usize = 128 * 1024 * 1024;

#[derive(Debug, Serialize, Deserialize)]
struct StateFile {
    schema_version: u32,
    /// "ready" once a rebuild completed; "pending" from creation until then.
    state: String,
}

/// The commit payload: which database change the committed documents are current to.
#[derive(Debug, Serialize, Deserialize)]
struct CommitPayload {
    synced_through: i64,
}

type Reply<T> = oneshot::Sender<Result<T, SearchError>>;

/// A page of documents for [`SearchIndex::rebuild_from_pages`]; `None` marks the end, so a
/// producer that stops before it (its database failed) leaves the old index in place.
pub type RebuildPage = Option<Vec<ArticleDocument>>;

/// What a rebuild indexes: documents given at once, or pages of them as they are read.
enum RebuildDocuments {
    Given(Vec<ArticleDocument>),
    Pages(tokio::sync::mpsc::Receiver<RebuildPage>),
}

enum Command {
    Upsert(Box<ArticleDocument>, Reply<()>),
    /// Removes by key.
    Remove(String, Reply<()>),
    /// Upserts documents that bring the index up to the database change `through`.
    Apply {
        docs: Vec<ArticleDocument>,
        through: i64,
        reply: Reply<()>,
    },
    Rebuild {
        docs: RebuildDocuments,
        /// The database change the documents are current to, when they come from a database.
        through: Option<i64>,
        reply: Reply<RebuildReport>,
    },
    /// Reopens a writer that failed; answers whether the index can be written again.
    Recover(Reply<()>),
}

impl Command {
    /// Answers the command with `error` without doing it.
    fn refuse(self, error: &SearchError) {
        let error = || SearchError::WriterFailed(error.to_string());
        match self {
            Command::Upsert(_, reply)
            | Command::Remove(_, reply)
            | Command::Apply { reply, .. }
            | Command::Recover(reply) => {
                let _ = reply.send(Err(error()));
            }
            Command::Rebuild { reply, .. } => {
                let _ = reply.send(Err(error()));
            }
        }
    }
}

/// The article search index: cheap to clone, `Send + Sync`; one writer thread, many readers.
#[derive(Clone)]
pub struct SearchIndex {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) reader: IndexReader,
    /// Strong owner of the warmer the reader holds weakly.
    titles: Arc<TitleCache>,
    pub(crate) fields: Fields,
    /// The latest committed database change number, published by the writer thread.
    synced: Arc<watch::Sender<Option<i64>>>,
    /// Why the writer cannot write right now (`None` while it can), set by the writer thread.
    problem: Arc<RwLock<Option<String>>>,
    sender: Option<mpsc::Sender<Command>>,
    worker: Option<JoinHandle<()>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        // Closing the channel lets the writer finish queued work and release the directory lock
        // before we return, so the same directory can be reopened right away.
        self.sender.take();
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("documents", &self.document_count())
            .finish()
    }
}

enum OpenFailure {
    Locked,
    Corrupt(String),
}

impl SearchIndex {
    /// Opens the index in `dir`; reports whether it must be (re)built: missing, schema version
    /// changed, a rebuild that never finished, or corrupt (then it is wiped and recreated
    /// empty). `dir` must be dedicated to the index: recreating it deletes its contents.
    pub fn open_in_dir(dir: &Path) -> Result<(SearchIndex, IndexHealth), SearchError> {
        fs::create_dir_all(dir).map_err(|e| SearchError::io(dir, e))?;
        let titles = Arc::new(TitleCache::default());
        let state = read_state(dir);
        let has_meta = dir.join("meta.json").exists();
        let (index, writer, reader, reason) = if !has_meta {
            let (i, w, r) = create_fresh(dir, &titles)?;
            (i, w, r, Some("no index in the directory yet".to_string()))
        } else if state.as_ref().map(|s| s.schema_version) != Some(SCHEMA_VERSION) {
            let found = state
                .as_ref()
                .map_or("unknown".to_string(), |s| s.schema_version.to_string());
            let (i, w, r) = create_fresh(dir, &titles)?;
            let reason = format!("schema version changed from {found} to {SCHEMA_VERSION}");
            (i, w, r, Some(reason))
        } else {
            match open_existing(dir, &titles) {
                Ok((i, w, r)) => {
                    let finished = state.as_ref().is_some_and(|s| s.state == "ready");
                    let reason = (!finished).then(|| "the last rebuild did not finish".to_string());
                    (i, w, r, reason)
                }
                Err(OpenFailure::Locked) => return Err(SearchError::Locked(dir.to_path_buf())),
                Err(OpenFailure::Corrupt(why)) => {
                    tracing::warn!(dir = %dir.display(), %why, "search index corrupt; recreating it empty");
                    let (i, w, r) = create_fresh(dir, &titles)?;
                    (i, w, r, Some(format!("index was corrupt ({why})")))
                }
            }
        };
        let health = match reason {
            None => IndexHealth::Ready,
            Some(reason) => IndexHealth::NeedsRebuild { reason },
        };
        Ok((
            SearchIndex::start(index, writer, reader, titles, Some(dir.to_path_buf())),
            health,
        ))
    }

    /// Creates an empty index in RAM (tests, evaluation, benchmarks).
    pub fn in_memory() -> Result<SearchIndex, SearchError> {
        let (schema, _) = schema::build_schema();
        let index = Index::create_in_ram(schema);
        analyzers::register_tokenizers(&index);
        let writer = new_writer(&index)?;
        let titles = Arc::new(TitleCache::default());
        let reader = new_reader(&index, &titles)?;
        Ok(SearchIndex::start(index, writer, reader, titles, None))
    }

    fn start(
        index: Index,
        writer: IndexWriter,
        reader: IndexReader,
        titles: Arc<TitleCache>,
        dir: Option<PathBuf>,
    ) -> Self {
        let (_, fields) = schema::build_schema();
        let (sender, receiver) = mpsc::channel();
        let committed = committed_sync(&index);
        let synced = Arc::new(watch::Sender::new(committed));
        let problem = Arc::new(RwLock::new(None));
        let worker = {
            let state = WriterState {
                index,
                writer: Some(writer),
                reader: reader.clone(),
                fields: fields.clone(),
                dir,
                synced: synced.clone(),
                committed,
                problem: problem.clone(),
            };
            std::thread::Builder::new()
                .name("search-index-writer".to_string())
                .spawn(move || writer_loop(state, receiver))
        };
        let worker = match worker {
            Ok(handle) => Some(handle),
            Err(e) => {
                // Without a thread every write reports WriterStopped; searches still work.
                tracing::error!(error = %e, "could not start the search index writer thread");
                None
            }
        };
        SearchIndex {
            inner: Arc::new(Inner {
                reader,
                titles,
                fields,
                synced,
                problem,
                sender: Some(sender),
                worker,
            }),
        }
    }

    async fn call<T>(&self, make: impl FnOnce(Reply<T>) -> Command) -> Result<T, SearchError> {
        let (tx, rx) = oneshot::channel();
        let sender = self
            .inner
            .sender
            .as_ref()
            .ok_or(SearchError::WriterStopped)?;
        sender
            .send(make(tx))
            .map_err(|_| SearchError::WriterStopped)?;
        rx.await.map_err(|_| SearchError::WriterStopped)?
    }

    /// Replaces every document with `docs` (duplicate ids: the last one wins). Searches keep
    /// seeing the old content until this returns, then see only the new one.
    pub async fn rebuild(&self, docs: Vec<ArticleDocument>) -> Result<RebuildReport, SearchError> {
        self.call(|reply| Command::Rebuild {
            docs: RebuildDocuments::Given(docs),
            through: None,
            reply,
        })
        .await
    }

    /// Like [`SearchIndex::rebuild_through`] with the documents arriving in pages on
    /// `pages`, so a large help centre is indexed without being held in memory at once. Each
    /// key must come once. Without the final `None` nothing changes and this fails.
    pub async fn rebuild_from_pages(
        &self,
        pages: tokio::sync::mpsc::Receiver<RebuildPage>,
        through: i64,
    ) -> Result<RebuildReport, SearchError> {
        self.call(|reply| Command::Rebuild {
            docs: RebuildDocuments::Pages(pages),
            through: Some(through),
            reply,
        })
        .await
    }

    /// Like [`SearchIndex::rebuild`] with every article as the database stores it after its
    /// change number `through` (later changes may be included too: applying them again is
    /// harmless).
    pub async fn rebuild_through(
        &self,
        docs: Vec<ArticleDocument>,
        through: i64,
    ) -> Result<RebuildReport, SearchError> {
        self.call(|reply| Command::Rebuild {
            docs: RebuildDocuments::Given(docs),
            through: Some(through),
            reply,
        })
        .await
    }

    /// Adds or replaces documents (by key) that bring the index up to the database change
    /// `through`; searchable, and recorded as [`SearchIndex::synced_through`], when this
    /// returns.
    pub async fn apply_changes(
        &self,
        docs: Vec<ArticleDocument>,
        through: i64,
    ) -> Result<(), SearchError> {
        self.call(|reply| Command::Apply {
            docs,
            through,
            reply,
        })
        .await
    }

    /// Adds or replaces one article (by key); it is searchable when this returns.
    pub async fn upsert(&self, doc: ArticleDocument) -> Result<(), SearchError> {
        self.call(|reply| Command::Upsert(Box::new(doc), reply))
            .await
    }

    /// Removes a document by key ([`ArticleDocument::key`]; no error if it is not indexed).
    pub async fn remove(&self, key: &str) -> Result<(), SearchError> {
        let key = key.to_string();
        self.call(|reply| Command::Remove(key, reply)).await
    }

    /// Why the index cannot take changes right now, e.g. its directory became unwritable;
    /// `None` while it can. The writer reopens itself on [`SearchIndex::recover`] and on the
    /// next change once the cause is gone.
    pub fn writer_problem(&self) -> Option<String> {
        match self.inner.problem.read() {
            Ok(problem) => problem.clone(),
            Err(_) => Some("the writer's state is unreadable".to_owned()),
        }
    }

    /// Asks a writer that failed to reopen; `Ok` when the index can be written again.
    pub async fn recover(&self) -> Result<(), SearchError> {
        self.call(Command::Recover).await
    }

    /// The number of the latest database change the index holds, as committed: `None` for an
    /// index never built from a database (or built before change numbers existed).
    pub fn synced_through(&self) -> Option<i64> {
        *self.inner.synced.borrow()
    }

    /// Changes whenever a commit moves [`SearchIndex::synced_through`].
    pub fn sync_signal(&self) -> watch::Receiver<Option<i64>> {
        self.inner.synced.subscribe()
    }

    /// Number of articles in the index, published or not.
    pub fn document_count(&self) -> u64 {
        self.inner.reader.searcher().num_docs()
    }

    pub(crate) fn searcher(&self) -> Searcher {
        self.inner.reader.searcher()
    }

    pub(crate) fn fields(&self) -> &Fields {
        &self.inner.fields
    }

    pub(crate) fn titles(&self) -> &TitleCache {
        &self.inner.titles
    }
}

fn new_writer(index: &Index) -> Result<IndexWriter, SearchError> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 2);
    Ok(index.writer_with_num_threads(threads, threads * WRITER_MEMORY_PER_THREAD)?)
}

fn new_reader(index: &Index, titles: &Arc<TitleCache>) -> Result<IndexReader, SearchError> {
    let warmer: Arc<dyn Warmer> = titles.clone();
    // Manual: the writer thread reloads right after each commit, so readers never lag behind a
    // write that has already been acknowledged.
    Ok(index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .warmers(vec![Arc::downgrade(&warmer)])
        .try_into()?)
}

/// The change number recorded by the last commit, if any.
fn committed_sync(index: &Index) -> Option<i64> {
    let payload = index.load_metas().ok()?.payload?;
    let payload: CommitPayload = serde_json::from_str(&payload).ok()?;
    Some(payload.synced_through)
}

fn payload_text(synced_through: Option<i64>) -> Option<String> {
    synced_through.and_then(|n| serde_json::to_string(&CommitPayload { synced_through: n }).ok())
}

/// Commits what the writer holds, recording `synced_through` with it.
fn commit_with(writer: &mut IndexWriter, synced_through: Option<i64>) -> tantivy::Result<()> {
    let mut commit = writer.prepare_commit()?;
    if let Some(payload) = payload_text(synced_through) {
        commit.set_payload(&payload);
    }
    commit.commit()?;
    Ok(())
}

fn read_state(dir: &Path) -> Option<StateFile> {
    let text = fs::read_to_string(dir.join(STATE_FILE)).ok()?;
    serde_json::from_str(&text).ok()
}

fn write_state(dir: &Path, state: &str) -> Result<(), SearchError> {
    let path = dir.join(STATE_FILE);
    let tmp = dir.join(format!("{STATE_FILE}.tmp"));
    let body = serde_json::to_string(&StateFile {
        schema_version: SCHEMA_VERSION,
        state: state.to_string(),
    })
    .map_err(|e| SearchError::io(&path, std::io::Error::other(e)))?;
    // Write-then-rename so a crash never leaves a half-written state file.
    fs::write(&tmp, body).map_err(|e| SearchError::io(&tmp, e))?;
    fs::rename(&tmp, &path).map_err(|e| SearchError::io(&path, e))
}

fn wipe_dir(dir: &Path) -> Result<(), SearchError> {
    let entries = fs::read_dir(dir).map_err(|e| SearchError::io(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| SearchError::io(dir, e))?;
        let path = entry.path();
        let result = if path.is_dir() {
            fs::remove_dir_all(&path)
        } else {
            fs::remove_file(&path)
        };
        result.map_err(|e| SearchError::io(&path, e))?;
    }
    Ok(())
}

fn create_fresh(
    dir: &Path,
    titles: &Arc<TitleCache>,
) -> Result<(Index, IndexWriter, IndexReader), SearchError> {
    wipe_dir(dir)?;
    let (schema, _) = schema::build_schema();
    let mmap =
        MmapDirectory::open(dir).map_err(|e| SearchError::io(dir, std::io::Error::other(e)))?;
    let index = Index::create(mmap, schema, Default::default())?;
    analyzers::register_tokenizers(&index);
    let writer = new_writer(&index).map_err(|e| lock_or(e, dir))?;
    let reader = new_reader(&index, titles)?;
    write_state(dir, "pending")?;
    Ok((index, writer, reader))
}

fn lock_or(e: SearchError, dir: &Path) -> SearchError {
    match e {
        SearchError::Index(tantivy::TantivyError::LockFailure(..)) => {
            SearchError::Locked(dir.to_path_buf())
        }
        other => other,
    }
}

fn open_existing(
    dir: &Path,
    titles: &Arc<TitleCache>,
) -> Result<(Index, IndexWriter, IndexReader), OpenFailure> {
    // tantivy may panic on some malformed files; a panic here means "corrupt", not "crash".
    let attempt = catch_unwind(AssertUnwindSafe(
        || -> Result<(Index, IndexWriter, IndexReader), OpenFailure> {
            let corrupt = |e: tantivy::TantivyError| OpenFailure::Corrupt(e.to_string());
            let index = Index::open_in_dir(dir).map_err(corrupt)?;
            if !schema::schema_matches(&index.schema()) {
                return Err(OpenFailure::Corrupt(
                    "fields differ from this version's schema".into(),
                ));
            }
            let damaged = index.validate_checksum().map_err(corrupt)?;
            if !damaged.is_empty() {
                let names: Vec<String> = damaged.iter().map(|p| p.display().to_string()).collect();
                return Err(OpenFailure::Corrupt(format!(
                    "checksum mismatch in {}",
                    names.join(", ")
                )));
            }
            analyzers::register_tokenizers(&index);
            let reader =
                new_reader(&index, titles).map_err(|e| OpenFailure::Corrupt(e.to_string()))?;
            // Touch every segment's structures once so damage surfaces now, not in a search.
            let searcher = reader.searcher();
            let (_, fields) = schema::build_schema();
            for segment in searcher.segment_readers() {
                segment.inverted_index(fields.id).map_err(corrupt)?;
                segment
                    .get_fieldnorms_reader(fields.lang(Lang::En).title)
                    .map_err(corrupt)?;
                segment
                    .fast_fields()
                    .str(schema::MATCH_TITLES)
                    .map_err(corrupt)?;
            }
            let writer = match new_writer(&index) {
                Ok(w) => w,
                Err(SearchError::Index(tantivy::TantivyError::LockFailure(..))) => {
                    return Err(OpenFailure::Locked);
                }
                Err(e) => return Err(OpenFailure::Corrupt(e.to_string())),
            };
            Ok((index, writer, reader))
        },
    ));
    match attempt {
        Ok(result) => result,
        Err(_) => Err(OpenFailure::Corrupt("reading the index panicked".into())),
    }
}

/// Holds the writer lock of the index in `dir` (creating the directory if needed) for as long
/// as the returned guard lives: a portal serving this index holds it, so getting it means
/// none does, and none can start until it is dropped. [`SearchError::Locked`] otherwise.
pub fn lock_index_dir(dir: &Path) -> Result<IndexDirLock, SearchError> {
    fs::create_dir_all(dir).map_err(|e| SearchError::io(dir, e))?;
    let directory =
        MmapDirectory::open(dir).map_err(|e| SearchError::io(dir, std::io::Error::other(e)))?;
    match tantivy::Directory::acquire_lock(&directory, &tantivy::directory::INDEX_WRITER_LOCK) {
        Ok(lock) => Ok(IndexDirLock {
            _lock: lock,
            dir: dir.to_path_buf(),
        }),
        Err(tantivy::directory::error::LockError::LockBusy) => {
            Err(SearchError::Locked(dir.to_path_buf()))
        }
        Err(tantivy::directory::error::LockError::IoError(e)) => Err(SearchError::io(
            dir,
            std::io::Error::new(e.kind(), e.to_string()),
        )),
    }
}

/// The index directory, held by [`lock_index_dir`].
pub struct IndexDirLock {
    _lock: tantivy::directory::DirectoryLock,
    dir: PathBuf,
}

impl IndexDirLock {
    /// Makes the next start rebuild the index from the database (after the database was
    /// replaced under it), by forgetting which schema and state it was written with.
    pub fn rebuild_on_next_start(&self) -> Result<(), SearchError> {
        let path = self.dir.join(STATE_FILE);
        match fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(SearchError::io(&path, e)),
        }
    }
}

/// Normalised title text for the character n-gram similarity: folded words, single spaces.
pub(crate) fn title_key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for_each_word(text, |from, to| {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&fold_lower(&text[from..to]));
    });
    out
}

/// Converts an article to a tantivy document (text is indexed only when published).
pub(crate) fn to_tantivy(fields: &Fields, doc: &ArticleDocument) -> TantivyDocument {
    let mut d = TantivyDocument::default();
    d.add_text(fields.id, &doc.id);
    d.add_text(fields.key, doc.key());
    d.add_text(fields.lang, primary_subtag(&doc.lang));
    d.add_text(fields.category, &doc.category);
    d.add_bool(fields.published, doc.published);
    d.add_text(fields.title_stored, &doc.title);
    d.add_text(fields.body_stored, &doc.body);
    if !doc.published {
        return d;
    }
    let lang = Lang::from_code(&doc.lang);
    let lf = fields.lang(lang);
    d.add_text(fields.bucket, lang.key());
    d.add_text(lf.title, &doc.title);
    d.add_text(fields.match_titles, title_key(&doc.title));
    for alias in &doc.aliases {
        d.add_text(lf.aliases, alias);
        d.add_text(fields.match_titles, title_key(alias));
    }
    for learned in &doc.learned {
        d.add_text(lf.aliases, learned);
    }
    for heading in doc.headings.iter().chain(&doc.tags) {
        d.add_text(lf.headings, heading);
    }
    d.add_text(lf.body, &doc.body);
    // Prefix grams and the spelling dictionary get each distinct word once: frequencies there
    // only matter as "present or not".
    let mut seen: std::collections::HashSet<String> = Default::default();
    let mut distinct = String::new();
    let titleish = std::iter::once(&doc.title)
        .chain(&doc.aliases)
        .chain(&doc.headings)
        .chain(&doc.tags);
    for text in titleish {
        for_each_word(text, |from, to| {
            let folded = fold_lower(&text[from..to]);
            if !seen.contains(&folded) {
                distinct.push_str(&folded);
                distinct.push(' ');
                seen.insert(folded);
            }
        });
    }
    d.add_text(lf.prefix, &distinct);
    for_each_word(&doc.body, |from, to| {
        let folded = fold_lower(&doc.body[from..to]);
        if !seen.contains(&folded) {
            distinct.push_str(&folded);
            distinct.push(' ');
            seen.insert(folded);
        }
    });
    d.add_text(fields.words, &distinct);
    d
}

/// What the writer thread owns.
struct WriterState {
    index: Index,
    /// `None` after a failure, until it is reopened.
    writer: Option<IndexWriter>,
    reader: IndexReader,
    fields: Fields,
    dir: Option<PathBuf>,
    synced: Arc<watch::Sender<Option<i64>>>,
    /// The change number of what is committed.
    committed: Option<i64>,
    problem: Arc<RwLock<Option<String>>>,
}

/// A probe file written and removed to learn whether the index directory takes writes.
const PROBE_FILE: &str = ".answerdesk-write-probe";

fn writer_loop(mut state: WriterState, receiver: mpsc::Receiver<Command>) {
    while let Ok(first) = receiver.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_GROUP_COMMIT {
            match receiver.try_recv() {
                Ok(cmd) => batch.push(cmd),
                Err(_) => break,
            }
        }
        // A panic below (tantivy's or ours) costs this batch, whose callers see the writer
        // stopped and retry, never the thread: the next batch reopens the writer.
        let outcome = catch_unwind(AssertUnwindSafe(|| state.run_batch(batch)));
        if outcome.is_err() {
            state.lose_writer(&mut Vec::new(), "the index writer panicked".to_owned());
        }
    }
    // Channel closed: wait for background merges so the directory is left consistent.
    if let Some(writer) = state.writer.take()
        && let Err(e) = writer.wait_merging_threads()
    {
        tracing::warn!(error = %e, "search index merge did not finish cleanly");
    }
}

impl WriterState {
    fn run_batch(&mut self, batch: Vec<Command>) {
        let mut pending: Vec<Reply<()>> = Vec::new();
        // The change number the next commit will hold.
        let mut next = self.committed;
        // Reopening is tried once per batch.
        let mut reopen_failed: Option<SearchError> = None;
        for cmd in batch {
            if self.writer.is_none()
                && reopen_failed.is_none()
                && let Err(error) = self.reopen()
            {
                reopen_failed = Some(error);
            }
            if let Some(error) = &reopen_failed {
                cmd.refuse(error);
                continue;
            }
            match cmd {
                Command::Recover(reply) => {
                    let _ = reply.send(Ok(()));
                }
                Command::Upsert(doc, reply) => match self.add(&doc) {
                    Ok(()) => pending.push(reply),
                    Err(error) => {
                        next = self.committed;
                        self.lose_writer(&mut pending, error.to_string());
                        let _ = reply.send(Err(error));
                    }
                },
                Command::Remove(key, reply) => {
                    if let Some(writer) = &self.writer {
                        writer.delete_term(Term::from_field_text(self.fields.key, &key));
                    }
                    pending.push(reply);
                }
                Command::Apply {
                    docs,
                    through,
                    reply,
                } => match docs.iter().try_for_each(|doc| self.add(doc)) {
                    Ok(()) => {
                        next = Some(next.map_or(through, |n| n.max(through)));
                        pending.push(reply);
                    }
                    // Not recorded as synced: the next catch-up applies them again.
                    Err(error) => {
                        next = self.committed;
                        self.lose_writer(&mut pending, error.to_string());
                        let _ = reply.send(Err(error));
                    }
                },
                Command::Rebuild {
                    docs,
                    through,
                    reply,
                } => {
                    self.commit_pending(&mut pending, next);
                    let result = match self.writer.is_some() {
                        true => rebuild(self, docs, through),
                        false => Err(SearchError::WriterFailed(self.problem_text())),
                    };
                    match &result {
                        Ok(_) => {
                            self.committed = through;
                            self.synced.send_replace(through);
                        }
                        Err(error) => self.lose_writer(&mut Vec::new(), error.to_string()),
                    }
                    next = self.committed;
                    let _ = reply.send(result);
                }
            }
        }
        self.commit_pending(&mut pending, next);
    }

    /// Replaces the document with this one's key.
    fn add(&mut self, doc: &ArticleDocument) -> Result<(), SearchError> {
        let writer = self
            .writer
            .as_ref()
            .ok_or_else(|| SearchError::WriterFailed(self.problem_text()))?;
        writer.delete_term(Term::from_field_text(self.fields.key, &doc.key()));
        writer.add_document(to_tantivy(&self.fields, doc))?;
        Ok(())
    }

    fn problem_text(&self) -> String {
        self.problem
            .read()
            .ok()
            .and_then(|problem| problem.clone())
            .unwrap_or_else(|| "the writer is closed".to_owned())
    }

    /// Drops the writer after a failure (so nothing half-done is ever committed, and its
    /// directory lock is released), answers the writes waiting for a commit with the reason,
    /// and reports it until a writer is reopened.
    fn lose_writer(&mut self, pending: &mut Vec<Reply<()>>, reason: String) {
        tracing::error!(%reason, "search index writer failed; it reopens once the index can be written");
        self.writer = None;
        if let Ok(mut problem) = self.problem.write() {
            *problem = Some(reason.clone());
        }
        for reply in pending.drain(..) {
            let _ = reply.send(Err(SearchError::WriterFailed(reason.clone())));
        }
    }

    /// Opens a new writer once the directory takes writes again, and picks up what the
    /// last commit recorded (a commit that failed after writing its record did happen).
    fn reopen(&mut self) -> Result<(), SearchError> {
        match self.try_reopen() {
            Ok(writer) => {
                self.writer = Some(writer);
                if let Ok(mut problem) = self.problem.write() {
                    *problem = None;
                }
                tracing::info!("search index writer reopened");
                Ok(())
            }
            Err(error) => {
                if let Ok(mut problem) = self.problem.write() {
                    *problem = Some(error.to_string());
                }
                Err(error)
            }
        }
    }

    fn try_reopen(&mut self) -> Result<IndexWriter, SearchError> {
        if let Some(dir) = &self.dir {
            let probe = dir.join(PROBE_FILE);
            fs::write(&probe, b"probe").map_err(|e| SearchError::io(&probe, e))?;
            fs::remove_file(&probe).map_err(|e| SearchError::io(&probe, e))?;
        }
        let writer =
            catch_unwind(AssertUnwindSafe(|| new_writer(&self.index))).unwrap_or_else(|_| {
                Err(SearchError::WriterFailed(
                    "opening the writer panicked".into(),
                ))
            })?;
        self.reader.reload()?;
        self.committed = committed_sync(&self.index);
        self.synced.send_replace(self.committed);
        Ok(writer)
    }

    /// Commits the pending writes as holding change `next`; on failure the writer is
    /// dropped and the writes are reported failed (the next catch-up applies them again).
    fn commit_pending(&mut self, pending: &mut Vec<Reply<()>>, next: Option<i64>) {
        if pending.is_empty() {
            return;
        }
        let Some(writer) = self.writer.as_mut() else {
            let reason = self.problem_text();
            self.lose_writer(pending, reason);
            return;
        };
        let result = commit_with(writer, next).and_then(|_| self.reader.reload());
        match result {
            Ok(()) => {
                if next != self.committed {
                    self.committed = next;
                    self.synced.send_replace(next);
                }
                for reply in pending.drain(..) {
                    let _ = reply.send(Ok(()));
                }
            }
            Err(error) => self.lose_writer(pending, format!("commit failed: {error}")),
        }
    }
}

fn rebuild(
    state: &mut WriterState,
    docs: RebuildDocuments,
    through: Option<i64>,
) -> Result<RebuildReport, SearchError> {
    let started = Instant::now();
    let WriterState {
        index,
        writer,
        reader,
        fields,
        dir,
        ..
    } = state;
    let writer = writer
        .as_mut()
        .ok_or_else(|| SearchError::WriterFailed("the writer is closed".into()))?;
    if let Some(dir) = dir.as_deref() {
        write_state(dir, "pending")?;
    }
    writer.delete_all_documents()?;
    let mut documents = 0;
    let mut published = 0;
    match docs {
        RebuildDocuments::Given(docs) => {
            // Last occurrence of a key wins, as it would with successive upserts.
            let keys: Vec<String> = docs.iter().map(ArticleDocument::key).collect();
            let mut last: HashMap<&str, usize> = HashMap::with_capacity(docs.len());
            for (i, key) in keys.iter().enumerate() {
                last.insert(key.as_str(), i);
            }
            for (i, doc) in docs.iter().enumerate() {
                if last.get(keys[i].as_str()) != Some(&i) {
                    continue;
                }
                writer.add_document(to_tantivy(fields, doc))?;
                documents += 1;
                published += usize::from(doc.published);
            }
        }
        RebuildDocuments::Pages(mut pages) => loop {
            match pages.blocking_recv() {
                Some(Some(page)) => {
                    for doc in &page {
                        writer.add_document(to_tantivy(fields, doc))?;
                        documents += 1;
                        published += usize::from(doc.published);
                    }
                }
                Some(None) => break,
                None => {
                    writer.rollback()?;
                    return Err(SearchError::WriterFailed(
                        "the articles to index stopped coming before the last one".into(),
                    ));
                }
            }
        },
    }
    commit_with(writer, through)?;
    // One segment keeps per-query work minimal; worth the extra seconds on a full rebuild.
    let segments = index.searchable_segment_ids()?;
    if segments.len() > 1 {
        writer.merge(&segments).wait()?;
    }
    reader.reload()?;
    if let Some(dir) = dir.as_deref() {
        if let Err(e) = writer.garbage_collect_files().wait() {
            tracing::warn!(error = %e, "search index garbage collection failed");
        }
        write_state(dir, "ready")?;
    }
    Ok(RebuildReport {
        documents,
        published,
        seconds: started.elapsed().as_secs_f64(),
    })
}

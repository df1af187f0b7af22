//! The error type of the search module.

use std::path::PathBuf;

/// Everything that can go wrong in indexing, searching or evaluation.
///
/// Customer text never produces an error: any string is a valid query.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// tantivy failed (I/O below the index, a poisoned lock, a failed merge...).
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// Reading or writing a file beside the index failed.
    #[error("search index file {path}: {source}")]
    Io {
        /// The file or directory involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// Another process (or another `SearchIndex`) holds the index directory's writer lock.
    #[error("search index directory {0} is in use by another writer")]
    Locked(PathBuf),
    /// The background writer thread is gone (it panicked or the index is shutting down).
    #[error("the search index writer has stopped")]
    WriterStopped,
    /// The writer failed (I/O under the index, a full disk...) and cannot be reopened yet;
    /// it retries when asked again.
    #[error("the search index cannot be written: {0}")]
    WriterFailed(String),
    /// A line of an evaluation input file could not be used.
    #[error("{path}:{line}: {message}")]
    InputLine {
        /// The file being read.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong with the line.
        message: String,
    },
    /// A directory of articles given as an evaluation corpus could not be read.
    #[error("{path}: {message}")]
    Corpus {
        /// The directory.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
}

impl SearchError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        SearchError::Io {
            path: path.into(),
            source,
        }
    }
}

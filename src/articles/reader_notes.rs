//! "What was missing?": after a reader answers "No" to "Did this answer your question?", they
//! may say what the article lacked. Writing is optional; editors read the notes beside the
//! article in the editor.

use crate::i18n::Language;
use crate::storage::{Database, ReaderNote, StorageError};

/// The longest note a reader may leave: a few paragraphs, as on the request form's subject
/// and description, not a document.
pub const MAX_NOTE_CHARS: usize = 2_000;

/// How many of an article's notes the editor shows (the newest).
pub const NOTES_SHOWN: i64 = 20;

/// What became of a reader's note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteOutcome {
    /// The note is stored for the article's editors.
    Stored,
    /// The reader left the box empty: nothing to store, and that is fine.
    Empty,
}

/// Why a note was not taken.
#[derive(Debug, thiserror::Error)]
pub enum NoteError {
    #[error("the note is longer than {MAX_NOTE_CHARS} characters")]
    TooLong,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Stores what a reader of the article with this id said it lacked.
pub async fn leave_note(
    db: &Database,
    article_id: i64,
    reader_language: Language,
    note: &str,
) -> Result<NoteOutcome, NoteError> {
    let note = note.trim();
    if note.is_empty() {
        return Ok(NoteOutcome::Empty);
    }
    if note.chars().count() > MAX_NOTE_CHARS {
        return Err(NoteError::TooLong);
    }
    db.add_reader_note(article_id, reader_language, note)
        .await?;
    Ok(NoteOutcome::Stored)
}

/// The newest notes on an article and how many there are in all, for its editors.
pub async fn notes_for_editors(
    db: &Database,
    article_id: i64,
) -> Result<(Vec<ReaderNote>, i64), StorageError> {
    db.reader_notes(article_id, NOTES_SHOWN).await
}

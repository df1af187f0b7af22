//! Files attached to requests, replies and notes.
//!
//! An upload streams into a temporary file ([`Spool`]) that stops at the size limit, so no
//! body is ever held in memory whole; its real type comes from its first bytes, never from
//! its name or the client's header, and only an allowlist of types is kept. Kept files are
//! named by the SHA-256 of their bytes (stored once however often they are attached) in a
//! [`FileStore`]; which message a file belongs to, its shown name and type live in the
//! database.

mod kinds;
mod spool;
mod store;

pub use kinds::MediaType;
pub use spool::{Spool, SpooledFile};
pub use store::{DiskFiles, FileStore};

use serde::Serialize;

/// Files per message at most, unless configured otherwise.
pub const DEFAULT_MAX_FILES: usize = 5;
/// One file's size at most, unless configured otherwise.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;
/// All of one message's files together at most, unless configured otherwise.
pub const DEFAULT_MAX_MESSAGE_BYTES: u64 = 25 * 1024 * 1024;
/// The longest file name kept (in characters); longer ones keep their start and extension.
pub const MAX_NAME_CHARS: usize = 120;

/// How many and how large the files of one message may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AttachmentLimits {
    pub max_files: usize,
    pub max_file_bytes: u64,
    pub max_message_bytes: u64,
}

impl Default for AttachmentLimits {
    fn default() -> Self {
        Self {
            max_files: DEFAULT_MAX_FILES,
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            max_message_bytes: DEFAULT_MAX_MESSAGE_BYTES,
        }
    }
}

impl AttachmentLimits {
    /// The largest request body an upload form may send: every file at its largest, plus
    /// room for the typed fields and the multipart framing.
    pub fn max_body_bytes(&self) -> u64 {
        self.max_message_bytes + 1024 * 1024
    }

    /// Whether `existing` files kept already plus `new` ones fit one message.
    pub fn check_together(
        &self,
        existing: &[Attachment],
        new: &[SpooledFile],
    ) -> Result<(), UploadError> {
        if existing.len() + new.len() > self.max_files {
            return Err(UploadError::TooMany);
        }
        let bytes: u64 =
            existing.iter().map(|a| a.size).sum::<u64>() + new.iter().map(|f| f.size).sum::<u64>();
        if bytes > self.max_message_bytes {
            return Err(UploadError::MessageTooLarge);
        }
        Ok(())
    }
}

/// Why an upload was refused. Nothing of a refused upload is kept.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("the file is larger than allowed")]
    FileTooLarge,
    #[error("the files together are larger than allowed")]
    MessageTooLarge,
    #[error("too many files")]
    TooMany,
    #[error("this type of file is not accepted")]
    WrongType,
    #[error("the file is empty")]
    Empty,
    #[error("the upload was cut off before its end")]
    Truncated,
    #[error("too many files from this address; try again later")]
    RateLimited,
    #[error("cannot write the file: {0}")]
    Io(#[from] std::io::Error),
}

impl UploadError {
    /// The customer catalogues' message for this refusal (`locales/*/attachments.ftl`).
    pub fn message_key(&self) -> &'static str {
        match self {
            UploadError::FileTooLarge => "error-attachment-too-large",
            UploadError::MessageTooLarge => "error-attachments-too-large",
            UploadError::TooMany => "error-attachments-too-many",
            UploadError::WrongType => "error-attachment-type",
            UploadError::Empty => "error-attachment-empty",
            UploadError::Truncated => "error-attachment-truncated",
            UploadError::RateLimited => "error-attachments-rate-limited",
            UploadError::Io(_) => "error-internal",
        }
    }

    /// Whether the refusal is about size (HTTP `413`) rather than the content (`422`).
    pub fn is_too_large(&self) -> bool {
        matches!(
            self,
            UploadError::FileTooLarge | UploadError::MessageTooLarge
        )
    }
}

/// The hex SHA-256 of a file's bytes: its name in the store.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct ContentHash(String);

impl ContentHash {
    /// Reads a stored hash; `None` unless it is 64 lowercase hex digits (so a hash never
    /// names a path outside the store).
    pub fn parse(text: &str) -> Option<ContentHash> {
        (text.len() == 64
            && text
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
        .then(|| ContentHash(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A kept file ready to be attached to a message (its bytes are in the store).
#[derive(Clone, Debug)]
pub struct NewAttachment {
    pub hash: ContentHash,
    pub name: String,
    pub media_type: MediaType,
    pub size: u64,
}

/// A file attached to a draft or a message, as stored.
#[derive(Clone, Debug, Serialize)]
pub struct Attachment {
    pub id: i64,
    /// The message it belongs to; `None` while it waits in a request draft.
    pub message_id: Option<i64>,
    pub hash: ContentHash,
    pub name: String,
    pub media_type: MediaType,
    pub size: u64,
    /// Attached to an internal note: staff only.
    pub internal: bool,
}

/// Moves spooled uploads into the store (each stored once, by hash) and returns what the
/// database records of them. Call only once every check has passed.
pub async fn keep_all(
    store: &impl FileStore,
    files: Vec<SpooledFile>,
) -> Result<Vec<NewAttachment>, UploadError> {
    let mut kept = Vec::with_capacity(files.len());
    for file in files {
        let attachment = NewAttachment {
            hash: file.hash.clone(),
            name: file.name.clone(),
            media_type: file.media_type,
            size: file.size,
        };
        store.keep(file).await?;
        kept.push(attachment);
    }
    Ok(kept)
}

/// Deletes a ticket's data for a privacy request, its files with it (those no other ticket,
/// draft or message refers to). `false` when there was no such ticket.
pub async fn delete_ticket_data(
    db: &crate::storage::Database,
    store: &impl FileStore,
    ticket_id: i64,
) -> Result<bool, DeletionError> {
    let Some(hashes) = db.delete_ticket_data(ticket_id).await? else {
        return Ok(false);
    };
    let referenced = db.referenced_file_hashes().await?;
    for hash in hashes.iter().filter(|hash| !referenced.contains(hash)) {
        store.remove(hash).await?;
    }
    Ok(true)
}

/// Why deleting a ticket's data failed (the database part is all or nothing; a file left
/// behind is removed by the periodic sweep).
#[derive(Debug, thiserror::Error)]
pub enum DeletionError {
    #[error(transparent)]
    Storage(#[from] crate::storage::StorageError),
    #[error("cannot remove a file: {0}")]
    Io(#[from] std::io::Error),
}

/// A file name safe to store and show: the last path segment, without control characters
/// or bidirectional overrides (which can make `exe.txt` read as `txt.exe`), trimmed, at most
/// [`MAX_NAME_CHARS`] characters keeping the extension; `file` when nothing is left.
pub fn safe_file_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !is_bidi_control(*c))
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.').trim();
    if trimmed.is_empty() {
        return "file".to_owned();
    }
    if trimmed.chars().count() <= MAX_NAME_CHARS {
        return trimmed.to_owned();
    }
    let extension: String = match trimmed.rsplit_once('.') {
        Some((_, ext)) if !ext.is_empty() && ext.chars().count() <= 10 => format!(".{ext}"),
        _ => String::new(),
    };
    let keep = MAX_NAME_CHARS - extension.chars().count();
    let start: String = trimmed.chars().take(keep).collect();
    format!("{}{extension}", start.trim_end())
}

/// Marks and embeddings that change the direction text is shown in.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A size as people read it: `812 B`, `4.2 KB`, `10.0 MB`.
pub fn readable_size(bytes: u64) -> String {
    const KB: f64 = 1024.0;
    let b = bytes as f64;
    if b < KB {
        format!("{bytes} B")
    } else if b < KB * KB {
        format!("{:.1} KB", b / KB)
    } else {
        format!("{:.1} MB", b / (KB * KB))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_with_path_separators_keeps_only_its_last_part() {
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_file_name("C:\\Users\\ann\\invoice.pdf"), "invoice.pdf");
        assert_eq!(safe_file_name("../"), "file");
        assert_eq!(safe_file_name(".htaccess"), "htaccess");
    }

    #[test]
    fn control_characters_and_direction_marks_are_removed() {
        assert_eq!(safe_file_name("in\u{202E}fdp.exe"), "infdp.exe");
        assert_eq!(safe_file_name("a\nb\u{0}c\u{200F}.txt"), "abc.txt");
    }

    #[test]
    fn a_very_long_name_is_cut_keeping_its_extension() {
        let name = format!("{}.png", "a".repeat(300));
        let safe = safe_file_name(&name);
        assert_eq!(safe.chars().count(), MAX_NAME_CHARS);
        assert!(safe.ends_with(".png"));
    }

    #[test]
    fn hashes_that_could_name_a_path_are_refused() {
        assert!(ContentHash::parse(&"a".repeat(64)).is_some());
        assert!(ContentHash::parse(&format!("../{}", "a".repeat(61))).is_none());
        assert!(ContentHash::parse(&"A".repeat(64)).is_none());
    }

    #[test]
    fn sizes_read_in_the_unit_that_fits() {
        assert_eq!(readable_size(812), "812 B");
        assert_eq!(readable_size(4300), "4.2 KB");
        assert_eq!(readable_size(10 * 1024 * 1024), "10.0 MB");
    }
}

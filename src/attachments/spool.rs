//! One upload, streamed into a temporary file while it arrives.

use std::path::Path;

use sha2::{Digest, Sha256};
use tempfile::TempPath;
use tokio::io::AsyncWriteExt;

use super::{ContentHash, MediaType, UploadError, safe_file_name};

/// How much of the start of a file is kept in memory to tell its type.
const HEAD_BYTES: usize = 8 * 1024;

/// An upload being received: bytes go to a temporary file as they come, hashed and counted;
/// more than `limit` bytes stops it. Dropped unfinished, the temporary file is deleted.
pub struct Spool {
    file: tokio::fs::File,
    path: TempPath,
    hasher: Sha256,
    size: u64,
    limit: u64,
    head: Vec<u8>,
    /// UTF-8 without NUL bytes so far; `pending` holds a character cut by a chunk boundary.
    text: bool,
    pending: Vec<u8>,
    name: String,
}

/// A whole upload, checked: its temporary file, hash, size, real type and safe name.
#[derive(Debug)]
pub struct SpooledFile {
    pub path: TempPath,
    pub hash: ContentHash,
    pub size: u64,
    pub media_type: MediaType,
    pub name: String,
}

impl Spool {
    /// Starts receiving a file named `name` (as the client sent it) into `temp_dir`.
    pub async fn start(temp_dir: &Path, name: &str, limit: u64) -> Result<Spool, UploadError> {
        tokio::fs::create_dir_all(temp_dir).await?;
        let dir = temp_dir.to_path_buf();
        let named = tokio::task::spawn_blocking(move || tempfile::NamedTempFile::new_in(dir))
            .await
            .map_err(std::io::Error::other)??;
        let (file, path) = named.into_parts();
        Ok(Spool {
            file: tokio::fs::File::from_std(file),
            path,
            hasher: Sha256::new(),
            size: 0,
            limit,
            head: Vec::new(),
            text: true,
            pending: Vec::new(),
            name: safe_file_name(name),
        })
    }

    /// Takes the next bytes; past the limit, refuses (and what was written is dropped with
    /// the spool).
    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), UploadError> {
        self.size += chunk.len() as u64;
        if self.size > self.limit {
            return Err(UploadError::FileTooLarge);
        }
        if self.head.len() < HEAD_BYTES {
            let take = (HEAD_BYTES - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        if self.text {
            self.check_text(chunk);
        }
        self.hasher.update(chunk);
        self.file.write_all(chunk).await?;
        Ok(())
    }

    fn check_text(&mut self, chunk: &[u8]) {
        if chunk.contains(&0) {
            self.text = false;
            return;
        }
        let mut bytes = std::mem::take(&mut self.pending);
        bytes.extend_from_slice(chunk);
        match std::str::from_utf8(&bytes) {
            Ok(_) => {}
            // Only the last character is incomplete: it may end in the next chunk.
            Err(error) if error.error_len().is_none() => {
                self.pending = bytes[error.valid_up_to()..].to_vec();
            }
            Err(_) => self.text = false,
        }
    }

    /// The whole file: refused when empty or of a type not accepted.
    pub async fn finish(mut self) -> Result<SpooledFile, UploadError> {
        if self.size == 0 {
            return Err(UploadError::Empty);
        }
        self.file.flush().await?;
        self.file.sync_all().await?;
        let text = self.text && self.pending.is_empty();
        let media_type = MediaType::detect(&self.head, text, &self.name)?;
        let digest = self.hasher.finalize();
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        Ok(SpooledFile {
            path: self.path,
            hash: ContentHash(hex),
            size: self.size,
            media_type,
            name: self.name,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_upload_past_the_limit_is_refused_and_leaves_nothing() {
        let dir = tempfile::tempdir().expect("dir");
        let mut spool = Spool::start(dir.path(), "big.txt", 10)
            .await
            .expect("spool");
        spool.write(b"0123456789").await.expect("within the limit");
        assert!(matches!(
            spool.write(b"x").await,
            Err(UploadError::FileTooLarge)
        ));
        drop(spool);
        assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0);
    }

    #[tokio::test]
    async fn text_split_inside_a_character_is_still_text() {
        let dir = tempfile::tempdir().expect("dir");
        let mut spool = Spool::start(dir.path(), "ru.log", 100)
            .await
            .expect("spool");
        let bytes = "ошибка".as_bytes();
        spool.write(&bytes[..3]).await.expect("write");
        spool.write(&bytes[3..]).await.expect("write");
        let file = spool.finish().await.expect("text");
        assert_eq!(file.media_type, MediaType::Text);
        assert_eq!(file.size, bytes.len() as u64);
    }

    #[tokio::test]
    async fn an_empty_upload_is_refused() {
        let dir = tempfile::tempdir().expect("dir");
        let spool = Spool::start(dir.path(), "empty.txt", 100)
            .await
            .expect("spool");
        assert!(matches!(spool.finish().await, Err(UploadError::Empty)));
    }
}

//! Where the bytes of kept files live.

use std::collections::HashSet;
use std::future::Future;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::{ContentHash, SpooledFile};

/// The bytes of kept files by their hash. Files on disk today; an object store can take its
/// place by answering the same four questions.
pub trait FileStore: Send + Sync {
    /// Keeps an upload under its hash (once: the same bytes uploaded again are dropped).
    fn keep(&self, file: SpooledFile) -> impl Future<Output = io::Result<()>> + Send;
    /// Opens a kept file for reading; `None` when it is not there.
    fn open(
        &self,
        hash: &ContentHash,
    ) -> impl Future<Output = io::Result<Option<tokio::fs::File>>> + Send;
    /// Removes one kept file (gone already is fine).
    fn remove(&self, hash: &ContentHash) -> impl Future<Output = io::Result<()>> + Send;
    /// Removes kept files not in `referenced` and older than `grace` (an upload kept a moment
    /// ago may not be recorded in the database yet); returns how many went.
    fn remove_unreferenced(
        &self,
        referenced: &HashSet<ContentHash>,
        grace: Duration,
    ) -> impl Future<Output = io::Result<usize>> + Send;
}

/// Kept files under a directory: `<dir>/<first two hex digits>/<hash>`, uploads in
/// progress under `<dir>/tmp` (the same file system, so keeping one is a rename).
#[derive(Clone, Debug)]
pub struct DiskFiles {
    dir: PathBuf,
}

impl DiskFiles {
    pub fn new(dir: impl Into<PathBuf>) -> DiskFiles {
        DiskFiles { dir: dir.into() }
    }

    /// Where uploads are spooled while they arrive.
    pub fn temp_dir(&self) -> PathBuf {
        self.dir.join("tmp")
    }

    fn path_of(&self, hash: &ContentHash) -> PathBuf {
        self.dir.join(&hash.as_str()[..2]).join(hash.as_str())
    }
}

impl FileStore for DiskFiles {
    async fn keep(&self, file: SpooledFile) -> io::Result<()> {
        let target = self.path_of(&file.hash);
        if tokio::fs::try_exists(&target).await? {
            return Ok(());
        }
        if let Some(parent) = target.parent() {
            tokio::fs::create_dir_all(parent).await?;
        }
        tokio::task::spawn_blocking(move || file.path.persist(&target).map_err(|e| e.error))
            .await
            .map_err(io::Error::other)?
    }

    async fn open(&self, hash: &ContentHash) -> io::Result<Option<tokio::fs::File>> {
        match tokio::fs::File::open(self.path_of(hash)).await {
            Ok(file) => Ok(Some(file)),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error),
        }
    }

    async fn remove(&self, hash: &ContentHash) -> io::Result<()> {
        match tokio::fs::remove_file(self.path_of(hash)).await {
            Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error),
            _ => Ok(()),
        }
    }

    async fn remove_unreferenced(
        &self,
        referenced: &HashSet<ContentHash>,
        grace: Duration,
    ) -> io::Result<usize> {
        let dir = self.dir.clone();
        let referenced = referenced.clone();
        tokio::task::spawn_blocking(move || remove_unreferenced_in(&dir, &referenced, grace))
            .await
            .map_err(io::Error::other)?
    }
}

fn remove_unreferenced_in(
    dir: &Path,
    referenced: &HashSet<ContentHash>,
    grace: Duration,
) -> io::Result<usize> {
    let now = SystemTime::now();
    let old_enough = |path: &Path| {
        std::fs::metadata(path)
            .and_then(|m| m.modified())
            .map(|modified| now.duration_since(modified).unwrap_or_default() >= grace)
            .unwrap_or(false)
    };
    let mut removed = 0;
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(0);
    };
    for entry in entries {
        let entry = entry?;
        let folder = entry.path();
        if !entry.file_type()?.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&folder)? {
            let path = file?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            // Uploads cut off by a crash are left in `tmp`; kept files go once unreferenced.
            let unreferenced = match ContentHash::parse(name) {
                Some(hash) => !referenced.contains(&hash),
                None => folder.ends_with("tmp"),
            };
            if unreferenced && old_enough(&path) {
                std::fs::remove_file(&path)?;
                removed += 1;
            }
        }
    }
    Ok(removed)
}

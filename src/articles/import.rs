//! Syncing a directory of Markdown files into the database, and validating one without writing.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{
    ArticleError, ArticleSource, ContentError, LinkContext, RenderedArticle, images, parse_article,
    render_markdown,
};
use crate::attachments::{
    DEFAULT_MAX_FILE_BYTES, DiskFiles, FileStore, NewAttachment, Spool, UploadError,
};
use crate::storage::{ArticleWrite, Database, SaveOutcome};

/// One file read from a content directory: its article, or why it is invalid.
pub struct ContentFile {
    /// Path relative to the content directory, with `/` separators.
    pub relative_path: String,
    pub article: Result<(ArticleSource, RenderedArticle), ContentError>,
}

/// What happened to one file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", content = "error", rename_all = "lowercase")]
pub enum FileOutcome {
    Created,
    Updated,
    Unchanged,
    /// Skipped; its stored version (if any) is untouched.
    Invalid(String),
    /// Valid (only from `check-content`, which writes nothing).
    Valid,
}

/// The result of importing or checking a directory, one line per file.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ImportReport {
    pub files: Vec<(String, FileOutcome)>,
    /// Slugs whose stored article changed (for the search index).
    #[serde(skip)]
    pub changed_slugs: Vec<String>,
}

impl ImportReport {
    /// Whether any file was invalid: the CLI then exits non-zero.
    pub fn has_invalid(&self) -> bool {
        self.files
            .iter()
            .any(|(_, outcome)| matches!(outcome, FileOutcome::Invalid(_)))
    }

    /// How many files ended with an outcome like `outcome`.
    pub fn count(&self, outcome: &FileOutcome) -> usize {
        self.files
            .iter()
            .filter(|(_, o)| std::mem::discriminant(o) == std::mem::discriminant(outcome))
            .count()
    }

    /// A one-line summary such as `3 created, 1 updated, 40 unchanged, 1 invalid`.
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        for (label, outcome) in [
            ("created", FileOutcome::Created),
            ("updated", FileOutcome::Updated),
            ("unchanged", FileOutcome::Unchanged),
            ("valid", FileOutcome::Valid),
            ("invalid", FileOutcome::Invalid(String::new())),
        ] {
            let count = self.count(&outcome);
            if count > 0 {
                parts.push(format!("{count} {label}"));
            }
        }
        if parts.is_empty() {
            "no Markdown files found".to_owned()
        } else {
            parts.join(", ")
        }
    }
}

/// Reads, parses and renders every `*.md` file below `dir`, in path order.
/// Duplicate slugs within the directory make every file after the first invalid.
pub fn read_directory(
    dir: &Path,
    default_language: &str,
) -> Result<Vec<ContentFile>, ArticleError> {
    let directory = ContentDirectory::scan(dir, default_language)?;
    Ok((0..directory.len())
        .map(|index| directory.file(index))
        .collect())
}

/// A content directory scanned once for its files and their slugs, whose files are then read,
/// parsed and rendered one at a time ([`ContentDirectory::file`]): a directory of 100,000
/// articles never sits in memory whole.
pub struct ContentDirectory {
    dir: PathBuf,
    default_language: String,
    /// Each file's relative path (path order), with its slug or why it is invalid (a
    /// duplicate slug included).
    files: Vec<(String, Result<String, ContentError>)>,
    /// The path of each valid file → its slug, for links between files.
    slugs_by_path: HashMap<String, String>,
}

impl ContentDirectory {
    /// Finds every `*.md` file below `dir` and the slug each one claims. When two files claim
    /// one slug, the file named after the slug keeps it (then path order), so adding a file
    /// with a clashing `slug:` never takes over an existing article.
    pub fn scan(dir: &Path, default_language: &str) -> Result<ContentDirectory, ArticleError> {
        let mut paths = Vec::new();
        collect_markdown_files(dir, dir, &mut paths)?;
        paths.sort();

        let mut files: Vec<(String, Result<String, ContentError>)> =
            Vec::with_capacity(paths.len());
        for relative in paths {
            let full = dir.join(&relative);
            let relative = relative.to_string_lossy().replace('\\', "/");
            let slug = read_article(&full, &relative, default_language)
                .map(|source| source.slug.to_string());
            files.push((relative, slug));
        }

        let mut claim_order: Vec<usize> = (0..files.len()).collect();
        claim_order.sort_by_key(|&index| {
            let (path, slug) = &files[index];
            let named_after_slug = slug.as_ref().is_ok_and(|slug| {
                Path::new(path)
                    .file_stem()
                    .is_some_and(|stem| stem.to_string_lossy() == slug.as_str())
            });
            (!named_after_slug, path.clone())
        });
        let mut first_path_of_slug: HashMap<String, String> = HashMap::new();
        for index in claim_order {
            let (path, slug) = &mut files[index];
            if let Ok(claimed) = slug {
                if let Some(first) = first_path_of_slug.get(claimed.as_str()) {
                    *slug = Err(ContentError::at(
                        1,
                        format!("duplicate slug {claimed:?}: {first} already uses it"),
                    ));
                } else {
                    first_path_of_slug.insert(claimed.clone(), path.clone());
                }
            }
        }
        let slugs_by_path = first_path_of_slug
            .into_iter()
            .map(|(slug, path)| (path, slug))
            .collect();
        Ok(ContentDirectory {
            dir: dir.to_path_buf(),
            default_language: default_language.to_owned(),
            files,
            slugs_by_path,
        })
    }

    /// How many Markdown files the directory has.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether it has none.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The slugs of the valid files.
    pub fn slugs(&self) -> impl Iterator<Item = &str> {
        self.slugs_by_path.values().map(String::as_str)
    }

    /// The `index`th file (path order), read, parsed and rendered now. A file that changed
    /// since the scan to claim another slug is invalid: its links were resolved for the old.
    pub fn file(&self, index: usize) -> ContentFile {
        let (relative_path, scanned) = &self.files[index];
        let article = match scanned {
            Err(error) => Err(error.clone()),
            Ok(slug) => read_article(
                &self.dir.join(relative_path),
                relative_path,
                &self.default_language,
            )
            .and_then(|source| {
                if source.slug.as_str() == slug {
                    Ok(source)
                } else {
                    Err(ContentError::at(
                        1,
                        format!("the file changed while it was imported (slug {slug:?})"),
                    ))
                }
            })
            .map(|source| {
                let links = LinkContext {
                    source_path: relative_path,
                    slugs_by_path: Some(&self.slugs_by_path),
                };
                let rendered = render_markdown(&source.body_markdown, &links);
                (source, rendered)
            }),
        };
        ContentFile {
            relative_path: relative_path.clone(),
            article,
        }
    }
}

/// Reads and parses one file (its slug defaults to the file's name).
fn read_article(
    full: &Path,
    relative: &str,
    default_language: &str,
) -> Result<ArticleSource, ContentError> {
    let default_slug = Path::new(relative)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    match std::fs::read_to_string(full) {
        Ok(text) => parse_article(&text, &default_slug, default_language),
        Err(error) => Err(ContentError::at(1, format!("cannot read file: {error}"))),
    }
}

fn collect_markdown_files(
    root: &Path,
    dir: &Path,
    out: &mut Vec<PathBuf>,
) -> Result<(), ArticleError> {
    let entries = std::fs::read_dir(dir).map_err(|error| ArticleError::Io {
        path: dir.display().to_string(),
        message: error.to_string(),
    })?;
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        // Symbolic links are not followed, so nothing outside the directory is read.
        let Ok(file_type) = entry.file_type() else {
            continue;
        };
        if file_type.is_dir() {
            collect_markdown_files(root, &path, out)?;
        } else if file_type.is_file()
            && path.extension().is_some_and(|e| e == "md")
            && let Ok(relative) = path.strip_prefix(root)
        {
            out.push(relative.to_path_buf());
        }
    }
    Ok(())
}

/// Checks that `translation_of` points at an article that exists.
fn check_translation_target(
    source: &ArticleSource,
    known: &HashSet<String>,
    text_line: usize,
) -> Result<(), ContentError> {
    match &source.translation_of {
        Some(original) if !known.contains(original.as_str()) => Err(ContentError::at(
            text_line,
            format!(
                "translation_of {:?}: no article has that slug",
                original.as_str()
            ),
        )),
        _ => Ok(()),
    }
}

fn translation_line(path: &Path) -> usize {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|text| text.lines().position(|l| l.starts_with("translation_of")))
        .map(|index| index + 1)
        .unwrap_or(1)
}

/// Validates a directory without writing anything.
pub fn check_directory(dir: &Path, default_language: &str) -> Result<ImportReport, ArticleError> {
    let directory = ContentDirectory::scan(dir, default_language)?;
    let known: HashSet<String> = directory.slugs().map(str::to_owned).collect();
    let mut report = ImportReport::default();
    for index in 0..directory.len() {
        let file = directory.file(index);
        let outcome = match &file.article {
            Err(error) => FileOutcome::Invalid(error.to_string()),
            Ok((source, _)) => match check_translation_target(
                source,
                &known,
                translation_line(&dir.join(&file.relative_path)),
            ) {
                Ok(()) => FileOutcome::Valid,
                Err(error) => FileOutcome::Invalid(error.to_string()),
            },
        };
        report.files.push((file.relative_path, outcome));
    }
    Ok(report)
}

/// Keeps the images an imported article refers to (`folder/images/<sha256>.<ext>`): each must
/// be a real raster image whose bytes have the hash its name says. An image missing beside
/// the file is fine when the store has it already. `Err` names the first image that is not.
async fn keep_images(
    db: &Database,
    files: &DiskFiles,
    folder: &Path,
    found: &[images::ImageRef],
) -> Result<Result<Vec<NewAttachment>, String>, ArticleError> {
    let mut kept = Vec::new();
    for image in found {
        let name = format!("images/{}", image.file_name());
        let path = folder.join(&name);
        if !path.is_file() {
            match db.find_article_image(&image.hash).await? {
                Some(stored) => {
                    kept.push(NewAttachment {
                        hash: stored.hash,
                        name: stored.name,
                        media_type: stored.media_type,
                        size: stored.size,
                    });
                    continue;
                }
                None => return Ok(Err(format!("{name}: no such image"))),
            }
        }
        let io_error = |e: std::io::Error| ArticleError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        };
        let bytes = tokio::fs::read(&path).await.map_err(io_error)?;
        let spooled = async {
            let mut spool = Spool::start(
                &files.temp_dir(),
                &image.file_name(),
                DEFAULT_MAX_FILE_BYTES,
            )
            .await?;
            spool.write(&bytes).await?;
            spool.finish().await
        }
        .await;
        let spooled = match spooled {
            Ok(file) if file.media_type.is_image() && file.hash == image.hash => file,
            Ok(_) | Err(UploadError::WrongType) => {
                return Ok(Err(format!(
                    "{name}: not a PNG, JPEG, GIF or WebP image with the content its name says"
                )));
            }
            Err(error) => return Ok(Err(format!("{name}: {error}"))),
        };
        let record = NewAttachment {
            hash: spooled.hash.clone(),
            name: spooled.name.clone(),
            media_type: spooled.media_type,
            size: spooled.size,
        };
        files.keep(spooled).await.map_err(io_error)?;
        kept.push(record);
    }
    Ok(Ok(kept))
}

/// Imports every Markdown file below `dir`: one transaction per file, invalid files skipped
/// without touching their stored version, unchanged files leave no revision.
pub async fn import_directory(
    db: &Database,
    dir: &Path,
    default_language: &str,
    author: &str,
) -> Result<ImportReport, ArticleError> {
    import(db, None, dir, default_language, author).await
}

/// Like [`import_directory`], with images written by an export
/// (`images/<sha256>.<ext>` beside the Markdown) kept in the file store (once: the same
/// bytes are not stored again) and the Markdown referring to the served image again.
pub async fn import_directory_with_images(
    db: &Database,
    files: &DiskFiles,
    dir: &Path,
    default_language: &str,
    author: &str,
) -> Result<ImportReport, ArticleError> {
    import(db, Some(files), dir, default_language, author).await
}

async fn import(
    db: &Database,
    store: Option<&DiskFiles>,
    dir: &Path,
    default_language: &str,
    author: &str,
) -> Result<ImportReport, ArticleError> {
    let directory = ContentDirectory::scan(dir, default_language)?;
    let mut known: HashSet<String> = db.article_slugs().await?.into_iter().collect();
    known.extend(directory.slugs().map(str::to_owned));

    let mut report = ImportReport::default();
    for index in 0..directory.len() {
        let file = directory.file(index);
        let outcome = match &file.article {
            Err(error) => FileOutcome::Invalid(error.to_string()),
            Ok((source, rendered)) => {
                match check_translation_target(
                    source,
                    &known,
                    translation_line(&dir.join(&file.relative_path)),
                ) {
                    Err(error) => FileOutcome::Invalid(error.to_string()),
                    Ok(()) => 'save: {
                        let mut kept_images = Vec::new();
                        let mut with_images = None;
                        if let Some(store) = store {
                            let (body, found) = images::imported_body(&source.body_markdown);
                            if !found.is_empty() {
                                let folder = Path::new(&file.relative_path)
                                    .parent()
                                    .map(|p| dir.join(p))
                                    .unwrap_or_else(|| dir.to_path_buf());
                                match keep_images(db, store, &folder, &found).await? {
                                    Ok(kept) => kept_images = kept,
                                    Err(message) => break 'save FileOutcome::Invalid(message),
                                }
                                let mut changed = source.clone();
                                changed.body_markdown = body;
                                let links = LinkContext {
                                    source_path: &file.relative_path,
                                    slugs_by_path: None,
                                };
                                let rendered = render_markdown(&changed.body_markdown, &links);
                                with_images = Some((changed, rendered));
                            }
                        }
                        let (source, rendered) = match &with_images {
                            Some((source, rendered)) => (source, rendered),
                            None => (source, rendered),
                        };
                        let write = ArticleWrite {
                            source,
                            rendered,
                            source_path: Some(&file.relative_path),
                            author,
                        };
                        let outcome = db.save_article(write).await?;
                        if !kept_images.is_empty()
                            && let Some(article) =
                                db.find_article_by_slug(source.slug.as_str()).await?
                        {
                            for image in &kept_images {
                                db.add_article_image(article.id, image).await?;
                            }
                        }
                        match outcome {
                            SaveOutcome::Created => {
                                report.changed_slugs.push(source.slug.to_string());
                                FileOutcome::Created
                            }
                            SaveOutcome::Updated => {
                                report.changed_slugs.push(source.slug.to_string());
                                FileOutcome::Updated
                            }
                            SaveOutcome::Unchanged => FileOutcome::Unchanged,
                        }
                    }
                }
            }
        };
        report.files.push((file.relative_path, outcome));
    }
    Ok(report)
}

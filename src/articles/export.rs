//! Writing every stored article back to Markdown, so content can live in git.

use std::path::Path;

use super::{ArticleError, images, write_article};
use crate::attachments::FileStore;
use crate::storage::Database;

/// What an export wrote.
#[derive(Clone, Debug, Default)]
pub struct ExportReport {
    /// Paths written, relative to the export directory.
    pub written: Vec<String>,
}

/// Writes each article, in every status, to `dir/<lang>/<slug>.md` with its front matter.
/// Importing the result changes nothing.
pub async fn export_directory(db: &Database, dir: &Path) -> Result<ExportReport, ArticleError> {
    export(db, None::<&crate::attachments::DiskFiles>, dir).await
}

/// Like [`export_directory`], with every uploaded image of an article written beside it
/// (`dir/<lang>/images/<sha256>.<ext>`) and the Markdown referring to it relatively.
pub async fn export_directory_with_images(
    db: &Database,
    files: &impl FileStore,
    dir: &Path,
) -> Result<ExportReport, ArticleError> {
    export(db, Some(files), dir).await
}

async fn export(
    db: &Database,
    files: Option<&impl FileStore>,
    dir: &Path,
) -> Result<ExportReport, ArticleError> {
    let io_error = |path: &Path, error: std::io::Error| ArticleError::Io {
        path: path.display().to_string(),
        message: error.to_string(),
    };
    let mut report = ExportReport::default();
    for article in db.all_articles().await? {
        let mut source = article.to_source().map_err(|message| ArticleError::Io {
            path: article.slug.clone(),
            message,
        })?;
        let folder = dir.join(source.lang.as_str());
        std::fs::create_dir_all(&folder).map_err(|e| io_error(&folder, e))?;
        if let Some(files) = files {
            let (body, found) = images::exported_body(&source.body_markdown);
            for image in &found {
                let relative = format!("{}/images/{}", source.lang, image.file_name());
                let path = dir.join(&relative);
                let Some(mut kept) = files
                    .open(&image.hash)
                    .await
                    .map_err(|e| io_error(&path, e))?
                else {
                    return Err(ArticleError::Io {
                        path: article.slug.clone(),
                        message: format!(
                            "the image {} is missing from the file store",
                            image.file_name()
                        ),
                    });
                };
                let images_dir = folder.join("images");
                std::fs::create_dir_all(&images_dir).map_err(|e| io_error(&images_dir, e))?;
                let mut out = tokio::fs::File::create(&path)
                    .await
                    .map_err(|e| io_error(&path, e))?;
                tokio::io::copy(&mut kept, &mut out)
                    .await
                    .map_err(|e| io_error(&path, e))?;
                report.written.push(relative);
            }
            source.body_markdown = body;
        }
        let relative = format!("{}/{}.md", source.lang, source.slug);
        let path = dir.join(&relative);
        std::fs::write(&path, write_article(&source)).map_err(|e| io_error(&path, e))?;
        report.written.push(relative);
    }
    Ok(report)
}

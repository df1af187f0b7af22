//! Writing every stored article back to Markdown, so content can live in git.

use std::path::Path;

use super::{ArticleError, write_article};
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
    let io_error = |path: &Path, error: std::io::Error| ArticleError::Io {
        path: path.display().to_string(),
        message: error.to_string(),
    };
    let mut report = ExportReport::default();
    for article in db.all_articles().await? {
        let source = article.to_source().map_err(|message| ArticleError::Io {
            path: article.slug.clone(),
            message,
        })?;
        let folder = dir.join(source.lang.as_str());
        std::fs::create_dir_all(&folder).map_err(|e| io_error(&folder, e))?;
        let relative = format!("{}/{}.md", source.lang, source.slug);
        let path = dir.join(&relative);
        std::fs::write(&path, write_article(&source)).map_err(|e| io_error(&path, e))?;
        report.written.push(relative);
    }
    Ok(report)
}

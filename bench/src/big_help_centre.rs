//! `answerdesk-bench big-help-centre`: the memory and page times of one real `answerdesk
//! serve` process with a large help centre. Writes a synthetic content directory (articles in
//! many categories, as Markdown files), starts the server on it (the first start imports
//! every file and builds the search index), then drives the home, category, article and
//! search pages. Memory is the server's own, read from `/proc/<pid>/status` (Linux): its peak
//! resident size during the first start (`VmHWM`), and its resident size (`VmRSS`) after the
//! load, both on that first start and on a second start of the same data (no import).

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::http::Uri;
use serde::Serialize;

use crate::corpus::generate_corpus;
use crate::load::{self, LoadStats};
use crate::server::{Server, ServerBinary, ServerSetup};

/// Articles per category of the synthetic help centre.
const ARTICLES_PER_CATEGORY: usize = 2_000;

/// What to measure.
#[derive(Clone, Debug)]
pub struct BigHelpCentreOptions {
    pub articles: usize,
    /// Seconds of load per page kind.
    pub seconds: f64,
    /// Concurrent connections of the load.
    pub connections: usize,
    /// The product binary; this executable standing in for it when `None`.
    pub server: Option<std::path::PathBuf>,
}

/// One page kind under load.
#[derive(Clone, Debug, Serialize)]
pub struct PageLoad {
    pub page: String,
    #[serde(flatten)]
    pub stats: LoadStats,
}

/// Everything measured.
#[derive(Clone, Debug, Serialize)]
pub struct BigHelpCentreReport {
    pub articles: usize,
    pub categories: usize,
    /// Size of the Markdown files written.
    pub content_megabytes: f64,
    /// From starting the server to its listening: migrations, the import, the index build.
    pub first_start_seconds: f64,
    /// The server's peak resident memory during its first start (`VmHWM`).
    pub first_start_peak_rss_megabytes: f64,
    /// Its resident memory (`VmRSS`) after the load, on the first start.
    pub serving_rss_megabytes: f64,
    /// The same after a second start on the same data (nothing imported).
    pub restarted_serving_rss_megabytes: f64,
    pub restart_seconds: f64,
    /// The pages timed on the first start.
    pub pages: Vec<PageLoad>,
}

impl BigHelpCentreReport {
    /// A readable table.
    pub fn render(&self) -> String {
        let mut text = format!(
            "One `answerdesk serve` with {} articles in {} categories ({:.0} MB of Markdown)\n",
            self.articles, self.categories, self.content_megabytes
        );
        text.push_str(&format!(
            "  first start (import, index): {:.1} s, peak RSS {:.0} MB\n",
            self.first_start_seconds, self.first_start_peak_rss_megabytes
        ));
        text.push_str(&format!(
            "  RSS while serving: {:.0} MB; after a restart: {:.0} MB (restart {:.1} s)\n",
            self.serving_rss_megabytes, self.restarted_serving_rss_megabytes, self.restart_seconds
        ));
        text.push_str(&format!(
            "  {:<10} {:>9} {:>7} {:>9} {:>9}\n",
            "page", "requests", "errors", "p50 ms", "p99 ms"
        ));
        for page in &self.pages {
            text.push_str(&format!(
                "  {:<10} {:>9} {:>7} {:>9.1} {:>9.1}\n",
                page.page,
                page.stats.requests,
                page.stats.errors,
                page.stats.p50_ms,
                page.stats.p99_ms
            ));
        }
        text
    }
}

/// Writes the help centre, starts the server twice and measures.
pub async fn run(
    options: &BigHelpCentreOptions,
    progress: &mut dyn FnMut(&str),
) -> anyhow::Result<BigHelpCentreReport> {
    let binary = ServerBinary::new(options.server.clone())?;
    let scratch = tempfile::Builder::new()
        .prefix("answerdesk-big-help-centre-")
        .tempdir()?;
    let content_dir = scratch.path().join("content");
    let data_dir = scratch.path().join("data");
    std::fs::create_dir_all(&data_dir)?;
    progress(&format!("writing {} articles…", options.articles));
    let written = write_content(&content_dir, options.articles)?;
    let setup = ServerSetup {
        data_dir,
        content_dir,
        database_url: String::new(),
        ticket_rate_limit: 1_000,
    };
    // Generous: a large first import is part of what is measured, not a failure.
    let start_timeout = Duration::from_secs(120 + options.articles as u64 / 50);

    progress("first start: importing and indexing…");
    let started = Instant::now();
    let server = Server::start_within(&binary, setup.clone(), start_timeout).await?;
    let first_start_seconds = started.elapsed().as_secs_f64();
    let pid = server.pid().context("the server has no process id")?;
    let first_start_peak = memory_of(pid, "VmHWM")?;
    progress(&format!(
        "listening after {first_start_seconds:.1} s, peak RSS {first_start_peak:.0} MB"
    ));
    let outcome = drive_pages(&server, &written, options, progress).await;
    let serving = memory_of(pid, "VmRSS");
    server.stop().await;
    let pages = outcome?;
    let serving = serving?;

    progress("second start…");
    let started = Instant::now();
    let server = Server::start_within(&binary, setup, start_timeout).await?;
    let restart_seconds = started.elapsed().as_secs_f64();
    let pid = server.pid().context("the server has no process id")?;
    let outcome = drive_pages(&server, &written, options, progress).await;
    let restarted = memory_of(pid, "VmRSS");
    server.stop().await;
    outcome?;
    let restarted = restarted?;
    scratch.close()?;
    Ok(BigHelpCentreReport {
        articles: options.articles,
        categories: written.categories,
        content_megabytes: written.bytes as f64 / 1e6,
        first_start_seconds,
        first_start_peak_rss_megabytes: first_start_peak,
        serving_rss_megabytes: serving,
        restarted_serving_rss_megabytes: restarted,
        restart_seconds,
        pages,
    })
}

/// What [`write_content`] wrote, for choosing pages to ask for.
struct WrittenContent {
    categories: usize,
    bytes: u64,
    slugs: Vec<String>,
    /// A few words of titles, as search queries.
    queries: Vec<String>,
}

/// `articles` published English articles, `ARTICLES_PER_CATEGORY` to a category, one
/// Markdown file each in a folder per category.
fn write_content(dir: &Path, articles: usize) -> anyhow::Result<WrittenContent> {
    let categories = articles.div_ceil(ARTICLES_PER_CATEGORY).max(1);
    let mut written = WrittenContent {
        categories,
        bytes: 0,
        slugs: Vec::new(),
        queries: Vec::new(),
    };
    for number in 0..categories {
        std::fs::create_dir_all(dir.join(format!("category-{number}")))?;
    }
    for (number, document) in generate_corpus(articles, 0xB16_4E1F)
        .into_iter()
        .enumerate()
    {
        let category = number % categories;
        let slug = format!("article-{number:06}");
        let text = format!(
            "---\ntitle: {title:?}\ncategory: \"Category {category}\"\nlang: en\n\
             status: published\nupdated: 2026-{month:02}-{day:02}\n---\n\n{body}\n\n\
             ## Details\n\n{body}\n",
            title = document.title,
            month = 1 + number % 12,
            day = 1 + number % 28,
            body = document.body,
        );
        written.bytes += text.len() as u64;
        std::fs::write(dir.join(format!("category-{category}/{slug}.md")), text)?;
        if written.slugs.len() < 500 && number % 97 == 0 {
            written.slugs.push(slug);
            written.queries.push(
                document
                    .title
                    .split_whitespace()
                    .take(2)
                    .collect::<Vec<_>>()
                    .join(" "),
            );
        }
    }
    Ok(written)
}

/// Loads the home, category, article and search pages in turn.
async fn drive_pages(
    server: &Server,
    written: &WrittenContent,
    options: &BigHelpCentreOptions,
    progress: &mut dyn FnMut(&str),
) -> anyhow::Result<Vec<PageLoad>> {
    let base = format!("http://{}", server.address);
    let uris = |paths: Vec<String>| -> anyhow::Result<Arc<[Uri]>> {
        paths
            .iter()
            .map(|path| Ok(format!("{base}{path}").parse::<Uri>()?))
            .collect::<anyhow::Result<Vec<Uri>>>()
            .map(Arc::from)
    };
    let encode = |text: &str| crate::raw_http::encode_component(text);
    let kinds = [
        ("home", vec!["/en".to_owned()]),
        (
            "category",
            (0..written.categories.min(50))
                .map(|category| format!("/en/categories/category-{category}"))
                .collect(),
        ),
        (
            "article",
            written
                .slugs
                .iter()
                .map(|slug| format!("/en/articles/{slug}"))
                .collect(),
        ),
        (
            "search",
            written
                .queries
                .iter()
                .map(|query| format!("/en/search?q={}", encode(query)))
                .collect(),
        ),
    ];
    let client = load::client(options.connections);
    let mut pages = Vec::new();
    for (page, paths) in kinds {
        let stats = load::drive(
            &client,
            uris(paths)?,
            options.connections,
            Duration::from_secs_f64(options.seconds),
            false,
        )
        .await?;
        progress(&format!(
            "{page}: {} requests, {} errors, p50 {:.1} ms, p99 {:.1} ms",
            stats.requests, stats.errors, stats.p50_ms, stats.p99_ms
        ));
        pages.push(PageLoad {
            page: page.to_owned(),
            stats,
        });
    }
    Ok(pages)
}

/// A memory figure of a process from `/proc/<pid>/status`, in megabytes.
fn memory_of(pid: u32, field: &str) -> anyhow::Result<f64> {
    let path = format!("/proc/{pid}/status");
    let status = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {path} (memory is measured on Linux)"))?;
    let kilobytes: f64 = status
        .lines()
        .find_map(|line| line.strip_prefix(&format!("{field}:")))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|number| number.parse().ok())
        .with_context(|| format!("{path} has no {field}"))?;
    Ok(kilobytes / 1024.0)
}

//! `answerdesk-bench instances`: two portal instances on one scratch PostgreSQL database,
//! each with its own data directory and search index, as behind a load balancer. An editor
//! publishes on instance A, one article at a time; the figure is the time from the start of
//! the publish until instance B's search returns the article. The same publishes timed on A
//! itself (until the editor's page would return, when A's own index has the article) are the
//! baseline: B's extra time per publish is what the announcement and catch-up cost. (B may
//! even have it first: both catch up from the same commit.)

use std::time::{Duration, Instant};

use answerdesk::accounts::{NewUser, Role, add_user};
use answerdesk::app::{self, AppState, BackgroundTasks};
use answerdesk::articles::editing::{self, ArticleForm, EditAction};
use answerdesk::config::{Config, SecretUrl};
use answerdesk::search::SuggestRequest;
use serde::Serialize;

use crate::latency::Latencies;
use crate::staff::ScratchPostgres;

/// Longest wait for one publish to reach the other instance before the run fails.
const GIVE_UP_AFTER: Duration = Duration::from_secs(30);

/// What to measure.
#[derive(Clone, Debug)]
pub struct InstancesBenchOptions {
    /// A PostgreSQL server URL whose role may create databases.
    pub postgres_url: String,
    /// Articles published one after the other.
    pub publishes: usize,
    /// A content directory imported first, so the indexes are not empty.
    pub content_dir: Option<std::path::PathBuf>,
}

/// Publish latencies on each instance.
#[derive(Clone, Debug, Serialize)]
pub struct InstancesBenchReport {
    pub publishes: usize,
    /// Articles in the help centre before the first publish.
    pub articles_before: i64,
    /// Until the publishing instance's own index has the article (the baseline).
    pub same_instance: Timing,
    /// Until the other instance's search returns the article.
    pub other_instance: Timing,
    /// Per publish, how much later the other instance had it than the publishing one: what
    /// the announcement and catch-up add, apart from the write itself.
    pub other_after_same: Timing,
}

/// Percentiles of one series, in milliseconds.
#[derive(Clone, Debug, Serialize)]
pub struct Timing {
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl From<&Latencies> for Timing {
    fn from(latencies: &Latencies) -> Timing {
        Timing {
            p50_ms: latencies.quantile_ms(0.50),
            p99_ms: latencies.quantile_ms(0.99),
            max_ms: latencies.max_ms(),
        }
    }
}

impl InstancesBenchReport {
    /// A readable summary.
    pub fn render(&self) -> String {
        let row = |name: &str, t: &Timing| {
            format!(
                "  {name:<44} p50 {:>8.1} ms   p99 {:>8.1} ms   max {:>8.1} ms\n",
                t.p50_ms, t.p99_ms, t.max_ms
            )
        };
        let mut text = format!(
            "Publish on instance A, found by search on instance B: {} publishes, {} articles before\n",
            self.publishes, self.articles_before
        );
        text.push_str(&row(
            "searchable on A (baseline: the editor's wait)",
            &self.same_instance,
        ));
        text.push_str(&row("searchable on B", &self.other_instance));
        text.push_str(&row("B later than A, per publish", &self.other_after_same));
        text
    }
}

struct Instance {
    state: AppState,
    background: BackgroundTasks,
    _data_dir: tempfile::TempDir,
}

async fn start(url: &str, content_dir: &std::path::Path) -> anyhow::Result<Instance> {
    let data_dir = tempfile::Builder::new()
        .prefix("answerdesk-instance-")
        .tempdir()?;
    let config = Config {
        database_url: SecretUrl(url.to_owned()),
        data_dir: data_dir.path().to_path_buf(),
        content_dir: content_dir.to_path_buf(),
        ..Config::default()
    };
    let (state, background) = app::build(config).await?;
    Ok(Instance {
        state,
        background,
        _data_dir: data_dir,
    })
}

impl Instance {
    async fn stop(self) {
        drop(self.state);
        self.background.finish().await;
    }

    fn finds(&self, title: &str, slug: &str) -> anyhow::Result<bool> {
        let request = SuggestRequest {
            text: title,
            limit: 5,
            ..Default::default()
        };
        let hits = self.state.search.suggest_articles(&request)?;
        Ok(hits.iter().any(|hit| hit.id == slug))
    }
}

/// Starts both instances, publishes, and measures.
pub async fn run(
    options: &InstancesBenchOptions,
    progress: &mut dyn FnMut(&str),
) -> anyhow::Result<InstancesBenchReport> {
    let scratch = ScratchPostgres::create(&options.postgres_url).await?;
    let outcome = measure(&scratch.url, options, progress).await;
    scratch.drop_database().await;
    outcome
}

async fn measure(
    url: &str,
    options: &InstancesBenchOptions,
    progress: &mut dyn FnMut(&str),
) -> anyhow::Result<InstancesBenchReport> {
    let empty = tempfile::tempdir()?;
    let content = options.content_dir.as_deref().unwrap_or(empty.path());
    let a = start(url, content).await?;
    let b = start(url, content).await?;
    let articles_before = a.state.db.article_count().await?;
    let editor = add_user(
        &a.state.db,
        NewUser {
            email: "bench-editor@example.com".to_owned(),
            name: "Bench editor".to_owned(),
            role: Role::Editor,
            password: "a long enough benchmark password".to_owned(),
        },
        None,
    )
    .await?;
    progress(&format!(
        "two instances up ({articles_before} articles); publishing {} articles on A",
        options.publishes
    ));

    let mut same = Latencies::new();
    let mut other = Latencies::new();
    let mut gap = Latencies::new();
    let outcome = async {
        for n in 0..options.publishes {
            // Distinct made-up words, so each article is the only match for its title.
            let title = format!("Quarterly zentrifax report {}", word(n));
            let form = ArticleForm {
                title: title.clone(),
                // The first publish creates the category, the others use it.
                category: editing::NEW_CATEGORY_CHOICE.to_owned(),
                new_category: "Benchmarks".to_owned(),
                lang: "en".to_owned(),
                body: format!(
                    "How to read the {} section of the zentrifax report.",
                    word(n)
                ),
                ..ArticleForm::blank("en")
            };
            let mut index_moved = b.state.search.sync_signal();
            let started = Instant::now();
            let saved = editing::create_article(&a.state.db, &editor, &form, EditAction::Publish)
                .await
                .map_err(|e| anyhow::anyhow!("publish {n}: {e}"))?;
            // What the editor's request does before answering.
            a.state.index_article_changes().await?;
            let on_a = started.elapsed();
            same.record(on_a);
            loop {
                if b.finds(&title, &saved.slug)? {
                    let on_b = started.elapsed();
                    other.record(on_b);
                    gap.record(on_b.saturating_sub(on_a));
                    break;
                }
                let left = GIVE_UP_AFTER.saturating_sub(started.elapsed());
                if tokio::time::timeout(left, index_moved.changed())
                    .await
                    .is_err()
                {
                    anyhow::bail!("instance B never found publish {n} ({})", saved.slug);
                }
            }
        }
        Ok(())
    }
    .await;
    a.stop().await;
    b.stop().await;
    outcome?;
    Ok(InstancesBenchReport {
        publishes: options.publishes,
        articles_before,
        same_instance: Timing::from(&same),
        other_instance: Timing::from(&other),
        other_after_same: Timing::from(&gap),
    })
}

/// A pronounceable made-up word for `n`, unlike any English word a stemmer would fold.
fn word(n: usize) -> String {
    const SYLLABLES: [&str; 16] = [
        "ka", "lo", "mi", "nu", "pe", "ra", "so", "ti", "vu", "xe", "zo", "bri", "dra", "glo",
        "kri", "plu",
    ];
    let mut n = n;
    let mut word = String::from("q");
    loop {
        word.push_str(SYLLABLES[n % SYLLABLES.len()]);
        n /= SYLLABLES.len();
        if n == 0 {
            break;
        }
    }
    word
}

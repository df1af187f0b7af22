//! `answerdesk-bench`: measuring Answerdesk, apart from the product.
//!
//! - `search`: a synthetic help centre; engine latency (tantivy and SQLite FTS5), reindex
//!   time, and `/api/suggest` and `/healthz` under HTTP load over loopback.
//! - `staff`: the agents' inbox and the admins' dashboard on a synthetic history.
//! - `eval`: `answerdesk eval`, with `--baseline` adding SQLite FTS5 on the same data.
//! - `learning`: a query set split in halves; each half scored with no history, then after
//!   learning from the other half (clean, and with part of it pointing to wrong articles).
//! - `instances`: two instances on one PostgreSQL database; how soon a publish on one is
//!   found by search on the other.
//! - `hostile`: a real server process attacked with hostile input on every form and API.
//! - `mixed-load`: a mixed customer load against a running server, then a check that every
//!   ticket and search event it was told about was stored.
//!
//! Each prints a readable report, then one JSON object as the last line.

mod baseline;
mod big_help_centre;
mod corpus;
mod engine;
mod eval;
mod history;
mod hostile;
mod instances;
mod latency;
mod learning;
mod load;
mod mixed_load;
mod raw_http;
mod search;
mod server;
mod staff;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Measures Answerdesk: search speed, staff pages, search relevance against a baseline.
#[derive(Debug, Parser)]
#[command(name = "answerdesk-bench", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Measure speed on a synthetic help centre: engine latency, reindex time, HTTP throughput.
    ///
    /// Runs the portal in-process on 127.0.0.1 with a scratch database; needs no configured
    /// database or data directory. Prints a summary, then one JSON object as the last line.
    Search {
        /// Synthetic articles to index.
        #[arg(long, value_name = "N", default_value_t = 1_000,
              value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
        articles: u32,
        /// Measuring time; each of the four timed phases (tantivy, FTS5, /api/suggest,
        /// /healthz) gets half of it.
        #[arg(long, value_name = "S", default_value_t = 10.0, value_parser = parse_seconds)]
        seconds: f64,
        /// Concurrent keep-alive HTTP connections.
        #[arg(long, value_name = "C", default_value_t = 8,
              value_parser = clap::value_parser!(u32).range(1..=1_024))]
        connections: u32,
        /// Learned phrasings given to every article, as learning from deflections would
        /// (at most 30, what learning keeps per article).
        #[arg(long, value_name = "N", default_value_t = 0,
              value_parser = clap::value_parser!(u32).range(0..=30))]
        learned_phrasings: u32,
    },
    /// Time the agents' inbox and the admins' dashboard on a synthetic history.
    ///
    /// Fills a scratch SQLite database (and, with --postgres, a scratch database created on
    /// that server and dropped afterwards), then prints p50/p99 of the dashboard figures per
    /// period and of inbox and dashboard pages through the router; the last line is JSON.
    Staff {
        /// Tickets to generate.
        #[arg(long, value_name = "N", default_value_t = 10_000)]
        tickets: usize,
        /// Events to generate.
        #[arg(long, value_name = "M", default_value_t = 100_000)]
        events: usize,
        /// Timed runs per period.
        #[arg(long, value_name = "R", default_value_t = 20)]
        runs: usize,
        /// Timed runs per period of the raw-event computation the roll-ups replace (0: skip).
        #[arg(long, value_name = "R", default_value_t = 5)]
        raw_runs: usize,
        /// A PostgreSQL server URL whose role may create databases.
        #[arg(long, value_name = "URL")]
        postgres: Option<String>,
        /// Measure PostgreSQL only (for large histories).
        #[arg(long, requires = "postgres")]
        skip_sqlite: bool,
    },
    /// Measure relevance on labelled queries as `answerdesk eval` does; --baseline adds the
    /// SQLite FTS5 baseline on the same data.
    ///
    /// Builds temporary in-memory indexes; needs no database or data directory. Prints a
    /// table, then one JSON object as the last line (the baseline's figures under "baseline").
    Eval {
        /// Articles, one JSON object per line: id, title, body, lang.
        #[arg(long, value_name = "FILE")]
        corpus: PathBuf,
        /// Labelled queries, one JSON object per line: id, query, relevant.
        #[arg(long, value_name = "FILE")]
        queries: PathBuf,
        /// Also run the SQLite FTS5 baseline on the same queries.
        #[arg(long)]
        baseline: bool,
        /// Report progress on stderr every N queries (0: never).
        #[arg(long, value_name = "N", default_value_t = 100)]
        progress_every: usize,
    },
    /// Measure learning from deflections on a query set split in two halves by query.
    ///
    /// Each half is scored with no history, after learning from the other half as if each
    /// of its queries had ended in "this solved my problem", and after learning from a noisy
    /// copy in which --noise of it points to wrong articles. Prints a table, then JSON.
    Learning {
        /// Articles, one JSON object per line: id, title, body, lang (or a content directory).
        #[arg(long, value_name = "FILE")]
        corpus: PathBuf,
        /// Labelled queries, one JSON object per line: id, query, relevant.
        #[arg(long, value_name = "FILE")]
        queries: PathBuf,
        /// Seed of the split (and of the noisy history's choices).
        #[arg(long, value_name = "N", default_value_t = 7)]
        seed: u64,
        /// Share of the noisy history pointing to a wrong article.
        #[arg(long, value_name = "SHARE", default_value_t = 0.2)]
        noise: f64,
        /// A ranking parameter to try instead of the shipped one (repeatable), for tuning.
        #[arg(long = "param", value_name = "NAME=VALUE", value_parser = parse_param)]
        params: Vec<(String, f32)>,
    },
    /// Time how soon an article published on one instance is found on another.
    ///
    /// Starts two instances in-process on a scratch database created on the PostgreSQL
    /// server (dropped afterwards), each with its own index, publishes articles one at a time
    /// on the first and waits for the second's search to return each. Prints p50/p99/max
    /// beside the publishing instance's own figures; the last line is JSON.
    Instances {
        /// A PostgreSQL server URL whose role may create databases.
        #[arg(long, value_name = "URL")]
        postgres: String,
        /// Articles to publish.
        #[arg(long, value_name = "N", default_value_t = 100,
              value_parser = clap::value_parser!(u32).range(1..=100_000))]
        publishes: u32,
        /// A content directory imported first (an empty help centre without it).
        #[arg(long, value_name = "DIR")]
        content: Option<PathBuf>,
    },
    /// Attack a real server process with hostile input on every form and API.
    ///
    /// Starts `answerdesk serve` on a free loopback port with a fresh data directory (SQLite,
    /// or with --database-url a scratch database on that PostgreSQL server, dropped
    /// afterwards), signs in one staff member per role, and sends oversized, malformed and
    /// hostile input everywhere. Prints the counts; exits non-zero on any 5xx, reflected or
    /// unsanitised script, open redirect, header injection, traversal, or CSRF/role bypass.
    Hostile {
        /// The server binary (default: the product entry point built into this tool).
        #[arg(long, value_name = "PATH")]
        server: Option<PathBuf>,
        /// A PostgreSQL server URL whose role may create databases (default: SQLite).
        #[arg(long, value_name = "URL")]
        database_url: Option<String>,
    },
    /// Memory and page times of one real server process with a large help centre: writes
    /// a synthetic content directory, starts `answerdesk serve` on it (the first start imports
    /// and indexes it), reports its peak RSS during that start, its RSS while serving (and
    /// after a restart), and p50/p99 of the home, category, article and search pages.
    BigHelpCentre {
        /// Articles to write.
        #[arg(long, value_name = "N", default_value_t = 100_000,
              value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
        articles: u32,
        /// Seconds of load per page kind.
        #[arg(long, value_name = "S", default_value_t = 10.0, value_parser = parse_seconds)]
        seconds: f64,
        /// Concurrent connections.
        #[arg(long, value_name = "C", default_value_t = 4,
              value_parser = clap::value_parser!(u32).range(1..=256))]
        connections: u32,
        /// The product binary to start; by default this executable stands in for it.
        #[arg(long, value_name = "PATH")]
        server: Option<PathBuf>,
    },
    /// A mixed customer load against a running server, then a check of what was stored.
    ///
    /// 75 % suggestions and searches, 20 % pages, 5 % tickets filed through /api/tickets.
    /// With --database-url, the tickets answered 201 and the search events sent are compared
    /// with the rows stored. Prints requests/s, errors and p50/p99 per endpoint; the last
    /// line is JSON.
    MixedLoad {
        /// The server (or the load balancer in front of several).
        #[arg(long, value_name = "URL")]
        target: String,
        /// Load time.
        #[arg(long, value_name = "S", default_value_t = 60.0, value_parser = parse_seconds)]
        seconds: f64,
        /// Concurrent keep-alive connections.
        #[arg(long, value_name = "C", default_value_t = 16,
              value_parser = clap::value_parser!(u32).range(1..=1_024))]
        connections: u32,
        /// The database the server writes to (SQLite file or postgres:// URL), to count
        /// stored tickets and search events.
        #[arg(long, value_name = "URL")]
        database_url: Option<String>,
    },
}

fn parse_seconds(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(seconds) if seconds.is_finite() && (0.1..=86_400.0).contains(&seconds) => Ok(seconds),
        _ => Err(format!("expected seconds from 0.1 to 86400, got {text:?}")),
    }
}

fn main() -> ExitCode {
    // Started under the product's name: this process is the product (see `server`).
    if server::started_as_product() {
        return answerdesk::cli::main();
    }
    let cli = Cli::parse();
    let filter = tracing_subscriber::EnvFilter::try_from_env("ANSWERDESK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Runs one command; `false` when it found what it looks for (the exit status says so).
async fn run(command: Command) -> anyhow::Result<bool> {
    let mut progress = |line: &str| eprintln!("{line}");
    match command {
        Command::Search {
            articles,
            seconds,
            connections,
            learned_phrasings,
        } => {
            let options = search::SearchBenchOptions {
                articles: articles as usize,
                seconds,
                connections: connections as usize,
                learned_per_article: learned_phrasings as usize,
            };
            let report = search::run(&options, &mut progress).await?;
            print!("{}", report.render());
            println!("{}", serde_json::to_string(&report.figures())?);
        }
        Command::Staff {
            tickets,
            events,
            runs,
            raw_runs,
            postgres,
            skip_sqlite,
        } => {
            let options = staff::StaffBenchOptions {
                tickets,
                events,
                runs,
                raw_runs,
                skip_sqlite,
                postgres_url: postgres,
            };
            let report = staff::run(&options, &mut progress).await?;
            print!("{}", report.render());
            println!("{}", serde_json::to_string(&report)?);
        }
        Command::Eval {
            corpus,
            queries,
            baseline,
            progress_every,
        } => {
            let mut progress = |p: &answerdesk::search::eval::Progress<'_>| {
                eprintln!("{}: {}/{} queries", p.engine, p.done, p.total);
            };
            let report =
                eval::run(&corpus, &queries, baseline, progress_every, &mut progress).await?;
            print!("{}", report.render());
            println!("{}", serde_json::to_string(&report)?);
        }
        Command::Learning {
            corpus,
            queries,
            seed,
            noise,
            params,
        } => {
            let mut ranking = answerdesk::search::ranking::PARAMS;
            for (name, value) in &params {
                if !ranking.set(name, *value) {
                    anyhow::bail!("unknown ranking parameter {name:?}");
                }
            }
            let report = learning::run(&corpus, &queries, seed, noise, &ranking).await?;
            print!("{}", report.render());
            println!("{}", serde_json::to_string(&report)?);
        }
        Command::Instances {
            postgres,
            publishes,
            content,
        } => {
            let options = instances::InstancesBenchOptions {
                postgres_url: postgres,
                publishes: publishes as usize,
                content_dir: content,
            };
            let report = instances::run(&options, &mut progress).await?;
            print!("{}", report.render());
            println!("{}", serde_json::to_string(&report)?);
        }
        Command::Hostile {
            server,
            database_url,
        } => {
            let options = hostile::HostileOptions {
                server,
                database_url,
            };
            let report = hostile::run(&options, &mut progress).await?;
            print!("{}", report.render());
            println!("{}", serde_json::to_string(&report)?);
            return Ok(report.passed);
        }
        Command::BigHelpCentre {
            articles,
            seconds,
            connections,
            server,
        } => {
            let options = big_help_centre::BigHelpCentreOptions {
                articles: articles as usize,
                seconds,
                connections: connections as usize,
                server,
            };
            let report = big_help_centre::run(&options, &mut progress).await?;
            print!("{}", report.render());
            println!("{}", serde_json::to_string(&report)?);
        }
        Command::MixedLoad {
            target,
            seconds,
            connections,
            database_url,
        } => {
            let options = mixed_load::MixedLoadOptions {
                target,
                seconds,
                connections: connections as usize,
                database_url,
            };
            let report = mixed_load::run(&options, &mut progress).await?;
            print!("{}", report.render());
            println!("{}", serde_json::to_string(&report)?);
            return Ok(report.consistent());
        }
    }
    Ok(true)
}

/// Reads `NAME=VALUE` of `--param`.
fn parse_param(text: &str) -> Result<(String, f32), String> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| format!("{text:?} is not NAME=VALUE"))?;
    let value = value
        .parse()
        .map_err(|_| format!("{value:?} in {text:?} is not a number"))?;
    Ok((name.to_owned(), value))
}

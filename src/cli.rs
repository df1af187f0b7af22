//! The command line: argument parsing and wiring only, no business rules.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::accounts::{self, NewUser, Role, add_user};
use crate::app;
use crate::articles::{self, FileOutcome, ImportReport};
use crate::config::Config;
use crate::deflection::stats::day_label;
use crate::deflection::{DashboardFilter, DeflectionFigures, deflection_figures};
use crate::display::optional_duration;
use crate::search::eval::{self, EvalOptions};
use crate::storage::Database;
use crate::storage::backup::{self, BackupError};

/// Answerdesk: a knowledge base and self-service support portal that deflects tickets.
#[derive(Debug, Parser)]
#[command(name = "answerdesk", version, about)]
pub struct Cli {
    /// Configuration file (default: ./answerdesk.toml when it exists).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What to do; `serve` when none is given.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the help centre (the default).
    Serve,
    /// Sync Markdown articles from a directory into the database.
    Import {
        /// Directory of Markdown files (default: the configured content directory).
        dir: Option<PathBuf>,
    },
    /// Write every article back to Markdown files with front matter.
    Export {
        /// Directory to write into; created if missing.
        dir: PathBuf,
    },
    /// Validate a directory of Markdown articles without writing anything.
    CheckContent {
        /// Directory of Markdown files.
        dir: PathBuf,
    },
    /// Print the dashboard's figures: requests, deflections, tickets, searches, articles,
    /// response times, agents.
    Stats {
        /// How many UTC days to count, today included.
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=3650))]
        days: u32,
        /// First day (YYYY-MM-DD, UTC) instead of --days; needs --to.
        #[arg(long, value_name = "DATE", requires = "to")]
        from: Option<String>,
        /// Last day (YYYY-MM-DD, UTC, included); needs --from.
        #[arg(long, value_name = "DATE", requires = "from")]
        to: Option<String>,
        /// Only this language (e.g. en).
        #[arg(long, value_name = "CODE")]
        lang: Option<String>,
        /// Print one JSON object instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Write a consistent copy of the SQLite database to FILE, while the portal keeps
    /// serving (PostgreSQL: use pg_dump).
    Backup {
        /// The new file to write.
        file: PathBuf,
    },
    /// Replace the SQLite database with a backup made by `backup`; the portal must be
    /// stopped, and rebuilds its search index on its next start (PostgreSQL: use pg_restore).
    Restore {
        /// A file written by `answerdesk backup`.
        file: PathBuf,
    },
    /// Manage staff accounts (the first admin is made here).
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Measure relevance on labelled queries: Recall@1/3/5, MRR@5, no-answer handling.
    ///
    /// Builds a temporary in-memory index; needs no database or data directory. Prints a
    /// table, then one JSON object as the last line.
    Eval {
        /// Articles, one JSON object per line: id, title, body, lang.
        #[arg(long, value_name = "FILE")]
        corpus: PathBuf,
        /// Labelled queries, one JSON object per line: id, query, relevant.
        #[arg(long, value_name = "FILE")]
        queries: PathBuf,
        /// Moved: the SQLite FTS5 baseline is `answerdesk-bench eval --baseline`.
        #[arg(long, hide = true)]
        baseline: bool,
        /// Report progress on stderr every N queries (0: never).
        #[arg(long, value_name = "N", default_value_t = 100)]
        progress_every: usize,
        /// Learn first from this history (same format as --queries): each query counts as
        /// solved by its first relevant article for enough distinct visitors. It must not
        /// share a query with --queries.
        #[arg(long, value_name = "FILE")]
        learn_from: Option<PathBuf>,
    },
}

/// `answerdesk user …`
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a staff user. The password is asked for at the terminal, or read as one line
    /// from standard input when that is not a terminal; it is never an argument.
    Add {
        /// The user's email, used to sign in.
        #[arg(long)]
        email: String,
        /// admin, editor or agent.
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// The name shown to colleagues (default: the part of the email before `@`).
        #[arg(long, default_value = "")]
        name: String,
    },
    /// Set a new password for a user and end their sessions (password read as for `add`).
    Password {
        /// The user's email.
        #[arg(long)]
        email: String,
    },
    /// List staff users.
    List,
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).ok_or_else(|| format!("expected admin, editor or agent, got {text:?}"))
}

/// Reads a password: prompted twice at a terminal, else one line from standard input.
fn read_password() -> anyhow::Result<String> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let second = rpassword::prompt_password("Password again: ")?;
        if first != second {
            anyhow::bail!("the two passwords differ");
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }
}

async fn run_user_command(command: UserCommand, config: &Config) -> anyhow::Result<ExitCode> {
    let db = Database::connect(&config.resolved_database_url()).await?;
    let outcome = match command {
        UserCommand::Add { email, role, name } => {
            let password = read_password()?;
            let user = add_user(
                &db,
                NewUser {
                    email,
                    name,
                    role,
                    password,
                },
                None,
            )
            .await?;
            println!(
                "created {} {} ({})",
                user.role.as_str(),
                user.email,
                user.name
            );
            ExitCode::SUCCESS
        }
        UserCommand::Password { email } => {
            let email = accounts::users::normalize_email(&email)?;
            let Some(user) = db.find_user_by_email(&email).await? else {
                anyhow::bail!("no user with the email {email}");
            };
            let password = read_password()?;
            accounts::users::set_password(&db, user.id, &password, None).await?;
            println!("password changed for {email}; their sessions were ended");
            ExitCode::SUCCESS
        }
        UserCommand::List => {
            for user in accounts::users::list_users(&db).await? {
                let status = if user.active { "" } else { "  (deactivated)" };
                println!(
                    "{:<7} {:<40} {}{status}",
                    user.role.as_str(),
                    user.email,
                    user.name
                );
            }
            ExitCode::SUCCESS
        }
    };
    db.close().await;
    Ok(outcome)
}

impl Command {
    /// Whether the command works on the configured portal (database, data directory). `eval`
    /// builds everything it needs in temporary places.
    fn uses_configuration(&self) -> bool {
        !matches!(self, Command::Eval { .. })
    }
}

/// What `answerdesk eval --baseline` says: the baseline is a measuring tool, not the product.
pub const BASELINE_MOVED: &str = "the SQLite FTS5 baseline is part of the benchmark tool now: \
     run `answerdesk-bench eval --corpus FILE --queries FILE --baseline` \
     (`cargo run --release -p answerdesk-bench -- eval …` in the source tree)";

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let command = cli.command.unwrap_or(Command::Serve);
    let config = if command.uses_configuration() {
        match Config::load(cli.config.as_deref()) {
            Ok(config) => Some(config),
            Err(error) => {
                eprintln!("error: {error}");
                return ExitCode::from(2);
            }
        }
    } else {
        None
    };
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
    let outcome = match config {
        Some(config) => runtime.block_on(run(command, config)),
        None => runtime.block_on(run_standalone(command)),
    };
    match outcome {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("ANSWERDESK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

async fn run(command: Command, config: Config) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve => {
            app::serve(config).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Import { dir } => {
            let dir = dir.unwrap_or_else(|| config.content_dir.clone());
            require_directory(&dir)?;
            let db = Database::connect(&config.resolved_database_url()).await?;
            let files = crate::attachments::DiskFiles::new(config.files_dir());
            let report = articles::import_directory_with_images(
                &db,
                &files,
                &dir,
                &config.default_language,
                "import",
            )
            .await?;
            db.close().await;
            Ok(print_report(&dir, &report))
        }
        Command::Export { dir } => {
            let db = Database::connect(&config.resolved_database_url()).await?;
            let files = crate::attachments::DiskFiles::new(config.files_dir());
            let report = articles::export_directory_with_images(&db, &files, &dir).await?;
            db.close().await;
            println!(
                "exported {} articles to {}",
                report.written.iter().filter(|p| p.ends_with(".md")).count(),
                dir.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Stats {
            days,
            from,
            to,
            lang,
            json,
        } => {
            let lang = DashboardFilter::language(lang.as_deref())?;
            let filter = match (from, to) {
                (Some(from), Some(to)) => DashboardFilter::between_dates(&from, &to, lang)?,
                _ => DashboardFilter::last_days(days, crate::storage::now_millis(), lang),
            };
            let db = Database::connect(&config.resolved_database_url()).await?;
            let figures = deflection_figures(&db, &filter).await?;
            let channels = crate::deflection::channel::channel_figures(&db, &filter).await?;
            db.close().await;
            if json {
                let mut value = serde_json::to_value(&figures)?;
                value["channels"] = serde_json::to_value(&channels)?;
                println!("{}", serde_json::to_string_pretty(&value)?);
            } else {
                print_figures(&figures);
                print_channels(&channels);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::User { command } => run_user_command(command, &config).await,
        Command::Backup { file } => backup(&config, &file).await,
        Command::Restore { file } => restore(&config, &file).await,
        Command::CheckContent { dir } => {
            require_directory(&dir)?;
            let report = articles::check_directory(&dir, &config.default_language)?;
            Ok(print_report(&dir, &report))
        }
        Command::Eval { .. } => run_standalone(command).await,
    }
}

/// The SQLite database file of the configuration, or why there is none to copy.
fn sqlite_database_file(config: &Config) -> Result<PathBuf, BackupError> {
    let url = config.resolved_database_url();
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Err(BackupError::Postgres);
    }
    let path = url.strip_prefix("sqlite://").unwrap_or(&url);
    let path = path.split('?').next().unwrap_or(path);
    Ok(PathBuf::from(path))
}

/// `answerdesk backup FILE`.
async fn backup(config: &Config, file: &Path) -> anyhow::Result<ExitCode> {
    let database = match sqlite_database_file(config) {
        Ok(database) => database,
        Err(error) => {
            eprintln!("error: {error}");
            return Ok(ExitCode::from(2));
        }
    };
    if !database.is_file() {
        anyhow::bail!("there is no database at {} to back up", database.display());
    }
    let db = Database::connect(&database.display().to_string()).await?;
    let outcome = db.backup_to(file).await;
    db.close().await;
    let summary = outcome?;
    println!(
        "backed up {} to {}: {} articles, {} tickets, migration {}",
        database.display(),
        file.display(),
        summary.articles,
        summary.tickets,
        summary.migration
    );
    Ok(ExitCode::SUCCESS)
}

/// `answerdesk restore FILE`.
async fn restore(config: &Config, file: &Path) -> anyhow::Result<ExitCode> {
    let database = match sqlite_database_file(config) {
        Ok(database) => database,
        Err(error) => {
            eprintln!("error: {error}");
            return Ok(ExitCode::from(2));
        }
    };
    // Held until the end: no portal runs on this data directory now, and none starts
    // until the database is replaced.
    let index = match crate::search::index::lock_index_dir(&config.index_dir()) {
        Ok(lock) => lock,
        Err(crate::search::SearchError::Locked(_)) => {
            eprintln!(
                "error: a portal is serving {} (it holds the search index); stop it first, then restore",
                config.data_dir.display()
            );
            return Ok(ExitCode::from(2));
        }
        Err(error) => return Err(error.into()),
    };
    let summary = backup::restore_sqlite(file, &database).await?;
    index.rebuild_on_next_start()?;
    println!(
        "restored {} from {}: {} articles, {} tickets, migration {}; the search index is rebuilt on the next start",
        database.display(),
        file.display(),
        summary.articles,
        summary.tickets,
        summary.migration
    );
    Ok(ExitCode::SUCCESS)
}

/// The command that needs no configuration: `eval`.
async fn run_standalone(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Eval { baseline: true, .. } => {
            eprintln!("error: {BASELINE_MOVED}");
            Ok(ExitCode::from(2))
        }
        Command::Eval {
            corpus,
            queries,
            baseline: false,
            progress_every,
            learn_from,
        } => {
            let options = EvalOptions {
                progress_every,
                learn_from,
            };
            let mut progress = |p: &eval::Progress<'_>| {
                eprintln!("{}: {}/{} queries", p.engine, p.done, p.total);
            };
            let report = eval::run_eval(&corpus, &queries, &options, &mut progress).await?;
            print!("{}", eval::render_table(&report));
            println!("{}", serde_json::to_string(&report)?);
            Ok(ExitCode::SUCCESS)
        }
        other => anyhow::bail!("{other:?} needs the configuration"),
    }
}

fn require_directory(dir: &Path) -> anyhow::Result<()> {
    if dir.is_dir() {
        Ok(())
    } else {
        anyhow::bail!("{} is not a directory", dir.display())
    }
}

/// One line per file, then a summary; non-zero exit when any file was invalid.
fn print_report(dir: &Path, report: &ImportReport) -> ExitCode {
    for (path, outcome) in &report.files {
        let shown = dir.join(path);
        match outcome {
            FileOutcome::Invalid(error) => {
                // `path:line: message`, the format editors and their tools jump to.
                let (line, message) = error
                    .strip_prefix("line ")
                    .and_then(|rest| rest.split_once(": "))
                    .unwrap_or(("1", error));
                eprintln!("invalid   {}:{line}: {message}", shown.display())
            }
            FileOutcome::Created => println!("created   {}", shown.display()),
            FileOutcome::Updated => println!("updated   {}", shown.display()),
            FileOutcome::Unchanged => println!("unchanged {}", shown.display()),
            FileOutcome::Valid => println!("valid     {}", shown.display()),
        }
    }
    println!("{}", report.summary());
    if report.has_invalid() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// The figures as a plain-text report (the same numbers as the dashboard and the API).
/// The split by channel, as the dashboard shows it.
fn print_channels(channels: &[crate::deflection::channel::ChannelFigures]) {
    println!("By channel                 requests  deflected  abandoned    tickets   rate");
    for channel in channels {
        let rate = channel
            .deflection_rate
            .map_or("-".to_owned(), |rate| format!("{:.1}%", rate * 100.0));
        println!(
            "  {:<22} {:>10} {:>10} {:>10} {:>10} {:>6}",
            channel.label(),
            channel.requests_started,
            channel.deflected,
            channel.abandoned,
            channel.tickets_filed,
            rate
        );
    }
}

fn print_figures(figures: &DeflectionFigures) {
    let last_day = day_label((figures.until - 1).div_euclid(crate::storage::dashboard::DAY_MILLIS));
    let first_day = day_label(
        figures
            .since
            .div_euclid(crate::storage::dashboard::DAY_MILLIS),
    );
    let language = figures.lang.as_deref().unwrap_or("all languages");
    println!("Self-service from {first_day} to {last_day} (UTC), {language}");
    let percent = |rate: Option<f64>| match rate {
        Some(rate) => format!("{:.1}%", rate * 100.0),
        None => "-".to_owned(),
    };
    println!("  requests started       {:>8}", figures.requests_started);
    println!("  deflected (explicit)   {:>8}", figures.deflected);
    println!("  tickets filed          {:>8}", figures.tickets_filed);
    match figures.deflection_rate {
        Some(rate) => println!(
            "  deflection rate        {:>7.1}%   deflected / (deflected + tickets filed)",
            rate * 100.0
        ),
        None => println!("  deflection rate               -   no deflections or tickets yet"),
    }
    println!(
        "  implicit deflections   {:>8}   abandoned after opening a suggestion; not in the rate",
        figures.implicit_deflections
    );
    println!(
        "  help-centre visitors   {:>8}",
        figures.help_centre_visitors
    );
    match figures.self_service_score {
        Some(score) => {
            println!("  self-service score     {score:>8.1}   visitors per ticket filed")
        }
        None => println!("  self-service score            -   no tickets filed"),
    }
    println!("  searches               {:>8}", figures.searches);
    println!(
        "  zero-result searches   {:>8}   {}",
        figures.zero_result_searches,
        percent(figures.zero_result_rate)
    );
    println!(
        "  searches → ticket      {:>8}   followed by a ticket from the same visitor within an hour",
        figures.searches_ending_in_ticket
    );
    for (title, list) in [
        ("Top searches", &figures.top_searches),
        (
            "Top zero-result searches",
            &figures.top_zero_result_searches,
        ),
        (
            "Top searches that ended in a ticket",
            &figures.top_searches_ending_in_ticket,
        ),
    ] {
        println!("{title}");
        if list.is_empty() {
            println!("  (none)");
        }
        for entry in list.iter() {
            println!("  {:>6}  {}", entry.count, entry.query);
        }
    }
    println!(
        "Articles (views: search/suggest/browse/direct; helpful yes/no; deflections; tickets after viewing)"
    );
    if figures.articles.is_empty() {
        println!("  (none)");
    }
    for article in figures.articles.iter().take(20) {
        println!(
            "  {:>6} ({}/{}/{}/{})  {}/{}  {}  {}  {}",
            article.views,
            article.views_from_search,
            article.views_from_suggestions,
            article.views_from_browsing,
            article.views_direct,
            article.helpful_yes,
            article.helpful_no,
            article.deflections,
            article.tickets_after_viewing,
            article.slug
        );
    }
    println!("Tickets per priority (first response and resolution: median / 90th percentile)");
    for priority in &figures.priorities {
        println!(
            "  {:<7} filed {:>6}  first response {:>9} / {:<9}  resolution {:>9} / {:<9}  SLA breaches {} / {}",
            priority.priority,
            priority.tickets_filed,
            optional_duration(priority.first_response_median_ms),
            optional_duration(priority.first_response_p90_ms),
            optional_duration(priority.resolution_median_ms),
            optional_duration(priority.resolution_p90_ms),
            priority.first_response_breaches,
            priority.resolution_breaches
        );
    }
    println!(
        "  SLA breaches: {} first responses, {} resolutions",
        figures.first_response_breaches, figures.resolution_breaches
    );
    println!(
        "  satisfaction: {} good, {} bad",
        figures.satisfaction_good, figures.satisfaction_bad
    );
    let backlog: i64 = figures.backlog.iter().map(|b| b.tickets).sum();
    println!("Backlog now: {backlog} tickets not resolved or closed");
    for entry in figures.backlog.iter().filter(|b| b.tickets > 0) {
        println!(
            "  {:<10} {:<7} {:>6}",
            entry.status, entry.priority, entry.tickets
        );
    }
    println!("Agents (replies, resolutions)");
    if figures.agents.is_empty() {
        println!("  (none)");
    }
    for agent in &figures.agents {
        println!(
            "  {:>6} {:>6}  {}",
            agent.replies, agent.resolutions, agent.name
        );
    }
}

//! The command line: argument parsing and wiring only, no business rules.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::app;
use crate::articles::{self, FileOutcome, ImportReport};
use crate::config::Config;
use crate::storage::Database;

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
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let config = match Config::load(cli.config.as_deref()) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
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
    match runtime.block_on(run(cli.command.unwrap_or(Command::Serve), config)) {
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
            let report =
                articles::import_directory(&db, &dir, &config.default_language, "import").await?;
            db.close().await;
            Ok(print_report(&dir, &report))
        }
        Command::Export { dir } => {
            let db = Database::connect(&config.resolved_database_url()).await?;
            let report = articles::export_directory(&db, &dir).await?;
            db.close().await;
            println!(
                "exported {} articles to {}",
                report.written.len(),
                dir.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::CheckContent { dir } => {
            require_directory(&dir)?;
            let report = articles::check_directory(&dir, &config.default_language)?;
            Ok(print_report(&dir, &report))
        }
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

//! A real `answerdesk` server process on a free loopback port, with its own data directory,
//! for the tools that attack or load the portal from outside (`hostile`).
//!
//! The binary is the product's own (`--server PATH`), or, when none is named, this very
//! executable started under the name `answerdesk`: `main` then hands over to
//! [`answerdesk::cli::main`], the product's entry point, so the server is the code this tool
//! was built with and never a stale binary left in the target directory.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use anyhow::Context;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};

/// The name under which this executable behaves as the product.
pub const PRODUCT_NAME: &str = "answerdesk";
/// Longest wait for a server to migrate, import its content and listen.
const START_TIMEOUT: Duration = Duration::from_secs(120);
/// Longest wait for a server to finish after SIGTERM before it is killed.
const STOP_TIMEOUT: Duration = Duration::from_secs(20);

/// Whether this process was started as the product (see the module comment).
pub fn started_as_product() -> bool {
    std::env::args_os()
        .next()
        .map(PathBuf::from)
        .and_then(|arg0| arg0.file_name().map(|name| name == PRODUCT_NAME))
        .unwrap_or(false)
}

/// How to start the product.
#[derive(Clone, Debug)]
pub struct ServerBinary {
    path: PathBuf,
    /// Started under the product's name (this executable standing in for it).
    as_product: bool,
}

impl ServerBinary {
    /// `path`, or this executable when `None`.
    pub fn new(path: Option<PathBuf>) -> anyhow::Result<ServerBinary> {
        match path {
            Some(path) => {
                anyhow::ensure!(
                    path.is_file(),
                    "no server binary at {} (build it with `cargo build -p answerdesk`)",
                    path.display()
                );
                Ok(ServerBinary {
                    path,
                    as_product: false,
                })
            }
            None => Ok(ServerBinary {
                path: std::env::current_exe().context("cannot find this executable")?,
                as_product: true,
            }),
        }
    }

    /// What a report names as the server.
    pub fn describe(&self) -> String {
        if self.as_product {
            "the product entry point built into answerdesk-bench".to_owned()
        } else {
            self.path.display().to_string()
        }
    }

    fn command(&self, setup: &ServerSetup) -> Command {
        let mut command = Command::new(&self.path);
        if self.as_product {
            command.arg0(PRODUCT_NAME);
        }
        // Only the settings given here: nothing from the caller's environment or a stray
        // `answerdesk.toml` in the working directory.
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("ANSWERDESK_") {
                command.env_remove(name);
            }
        }
        command
            .current_dir(&setup.data_dir)
            .env("ANSWERDESK_LISTEN", "127.0.0.1:0")
            .env("ANSWERDESK_DATA_DIR", &setup.data_dir)
            .env("ANSWERDESK_CONTENT_DIR", &setup.content_dir)
            .env("ANSWERDESK_DATABASE_URL", &setup.database_url)
            .env(
                "ANSWERDESK_TICKET_RATE_LIMIT",
                setup.ticket_rate_limit.to_string(),
            )
            .env("ANSWERDESK_LOG", "error")
            .kill_on_drop(true);
        command
    }
}

/// Where a server keeps its data.
#[derive(Clone, Debug)]
pub struct ServerSetup {
    pub data_dir: PathBuf,
    pub content_dir: PathBuf,
    /// Empty: SQLite in the data directory.
    pub database_url: String,
    pub ticket_rate_limit: u32,
}

/// A running server.
pub struct Server {
    child: Child,
    pub address: SocketAddr,
    binary: ServerBinary,
    setup: ServerSetup,
}

impl Server {
    /// Starts the server and waits for the line naming its address.
    pub async fn start(binary: &ServerBinary, setup: ServerSetup) -> anyhow::Result<Server> {
        Server::start_within(binary, setup, START_TIMEOUT).await
    }

    /// Like [`Server::start`], waiting up to `timeout` (a large first import takes long).
    pub async fn start_within(
        binary: &ServerBinary,
        setup: ServerSetup,
        timeout: Duration,
    ) -> anyhow::Result<Server> {
        let mut child = binary
            .command(&setup)
            .arg("serve")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("cannot start {}", binary.describe()))?;
        let stdout = child.stdout.take().context("no server stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let address = tokio::time::timeout(timeout, async {
            while let Some(line) = lines.next_line().await? {
                if let Some(address) = listening_address(&line) {
                    return Ok(address);
                }
            }
            anyhow::bail!("the server stopped before it listened")
        })
        .await
        .map_err(|_| anyhow::anyhow!("the server did not listen within {timeout:?}"))??;
        // Keep reading stdout so the server never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok(Server {
            child,
            address,
            binary: binary.clone(),
            setup,
        })
    }

    /// `answerdesk user add` against this server's database.
    pub async fn add_user(&self, email: &str, role: &str, password: &str) -> anyhow::Result<()> {
        let mut child = self
            .binary
            .command(&self.setup)
            .args(["user", "add", "--email", email, "--role", role])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()?;
        let mut stdin = child.stdin.take().context("no stdin")?;
        stdin.write_all(format!("{password}\n").as_bytes()).await?;
        drop(stdin);
        let output = child.wait_with_output().await?;
        anyhow::ensure!(
            output.status.success(),
            "answerdesk user add {email}: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
        Ok(())
    }

    /// The server's process id (for reading its memory).
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// SIGTERM (the server flushes and exits), then a kill if it does not finish in time.
    pub async fn stop(mut self) {
        if let Some(pid) = self.child.id() {
            let _ = Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status()
                .await;
            if tokio::time::timeout(STOP_TIMEOUT, self.child.wait())
                .await
                .is_ok()
            {
                return;
            }
        }
        let _ = self.child.kill().await;
    }
}

/// The address in "Answerdesk is running at http://127.0.0.1:PORT/ …".
fn listening_address(line: &str) -> Option<SocketAddr> {
    let rest = line.split("running at http://").nth(1)?;
    rest.split('/').next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::listening_address;

    #[test]
    fn the_address_is_read_from_the_start_line() {
        assert_eq!(
            listening_address(
                "Answerdesk is running at http://127.0.0.1:40123/ (public URL http://x/)"
            ),
            Some("127.0.0.1:40123".parse().expect("address"))
        );
        assert_eq!(listening_address("something else"), None);
    }
}

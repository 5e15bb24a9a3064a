//! `qorgau`: the one binary. `serve` (the default) runs the server; `migrate` applies the
//! database migrations; `demo` starts a server with synthetic data to click through;
//! `config example` prints a commented configuration; `bench intake` measures intake.

mod admin;
mod bench;
mod demo;

use anyhow::Context;
use clap::{Parser, Subcommand};
use server::config::Config;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "qorgau",
    version,
    about = "Qorgau: complaints about violence against women and children, received and followed"
)]
struct Cli {
    /// A TOML configuration file (see `qorgau config example`).
    #[arg(long, global = true, env = "QORGAU_CONFIG")]
    config: Option<PathBuf>,
    /// `postgres://…` to use PostgreSQL instead of the embedded SQLite (QORGAU_DATABASE_URL).
    #[arg(long, global = true)]
    database_url: Option<String>,
    /// Where the embedded database and the secret live (QORGAU_DATA_DIR).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// The address to listen on (QORGAU_BIND).
    #[arg(long, global = true)]
    bind: Option<SocketAddr>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (the default).
    Serve,
    /// Apply the database migrations and exit.
    Migrate,
    /// Run the server with synthetic demo data, one account per role, and a demo token.
    Demo {
        /// How many synthetic complaints to add to an empty database.
        #[arg(long, default_value_t = 60)]
        complaints: u32,
    },
    /// Configuration helpers.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Staff accounts (the first administrator).
    User {
        #[command(subcommand)]
        command: admin::UserCommand,
    },
    /// The audit trail: verify the chain, export for a breach notification.
    Audit {
        #[command(subcommand)]
        command: admin::AuditCommand,
    },
    /// Anonymise closed complaints past the retention period now (the server also does it daily).
    Retention,
    /// Field encryption keys.
    Keys {
        #[command(subcommand)]
        command: admin::KeysCommand,
    },
    /// Benchmarks.
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Print a commented example configuration.
    Example,
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Start a server on a fresh database, drive POST /api/v1/complaints, print throughput
    /// and latency, then check that every acknowledged complaint is in the database.
    Intake(bench::IntakeOptions),
}

impl Cli {
    fn load_config(&self) -> anyhow::Result<Config> {
        let mut config = Config::load(self.config.as_deref(), |k| std::env::var(k).ok())?;
        if let Some(url) = &self.database_url {
            config.database_url = Some(url.clone());
        }
        if let Some(dir) = &self.data_dir {
            config.data_dir = dir.clone();
        }
        if let Some(bind) = self.bind {
            config.bind = bind;
        }
        Ok(config)
    }
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start the runtime")?;
    runtime.block_on(run(cli))
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match &cli.command {
        Some(Command::Config { command: ConfigCommand::Example }) => {
            print!("{}", server::config::EXAMPLE);
            Ok(())
        }
        Some(Command::Bench { command: BenchCommand::Intake(options) }) => bench::intake(options).await,
        Some(Command::Migrate) => {
            let config = cli.load_config()?;
            server::observability::init_logging(&config.log, &config.log_format);
            server::startup::open_database(&config).await?;
            println!("migrations applied");
            Ok(())
        }
        Some(Command::User { command }) => admin::user(cli.load_config()?, command).await,
        Some(Command::Audit { command }) => admin::audit(cli.load_config()?, command).await,
        Some(Command::Keys { command }) => admin::keys(cli.load_config()?, command).await,
        Some(Command::Retention) => admin::retention(cli.load_config()?).await,
        Some(Command::Demo { complaints }) => {
            let mut config = cli.load_config()?;
            if cli.data_dir.is_none() && std::env::var_os("QORGAU_DATA_DIR").is_none() {
                config.data_dir = PathBuf::from("qorgau-demo");
            }
            demo::run(config, *complaints).await
        }
        None | Some(Command::Serve) => {
            let config = cli.load_config()?;
            server::observability::init_logging(&config.log, &config.log_format);
            let db = server::startup::open_database(&config).await?;
            let state = server::startup::state(&config, db, std::sync::Arc::new(domain::clock::SystemClock))?;
            server::jobs::start(state.clone());
            server::startup::serve(&config, server::startup::app(state)).await
        }
    }
}

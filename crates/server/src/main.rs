//! Starts the Innovationsveckan server: `cargo run -p innovationsveckan-server`.
//! Every setting comes from a flag or an `IV_` environment variable (see `--help`).
//! `export FILE` and `import FILE` move a whole week's database instead.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Parser;
use server::Config;
use server::storage::Export;
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(
    version,
    about = "Innovationsveckan: the programme's API, database and web app"
)]
struct Cli {
    #[command(flatten)]
    config: Config,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Writes the whole database (editions, activities, idempotency keys,
    /// audit, e-mail outbox) to a JSON file, and exits.
    Export { file: PathBuf },
    /// Reads such a file into a new, empty database, and exits. The edit
    /// links keep working only with the same IV_TOKEN_SECRET.
    Import { file: PathBuf },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let Cli { config, command } = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("IV_LOG").unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    match command {
        None => {
            let running = server::start(config).await?;
            tracing::info!("Innovationsveckan serves on http://{}", running.addr);
            running.wait().await
        }
        Some(Command::Export { file }) => export(&config, &file).await,
        Some(Command::Import { file }) => import(&config, &file).await,
    }
}

async fn export(config: &Config, file: &Path) -> anyhow::Result<()> {
    let export = server::open_storage(config).await?.export().await?;
    let json = serde_json::to_vec_pretty(&export)?;
    // Written beside and renamed: a file that exists is whole.
    let partial = file.with_extension("partial");
    std::fs::write(&partial, json)
        .and_then(|()| std::fs::rename(&partial, file))
        .with_context(|| format!("cannot write {}", file.display()))?;
    let rows: usize = export.tables.values().map(Vec::len).sum();
    println!("exported {rows} rows to {}", file.display());
    Ok(())
}

async fn import(config: &Config, file: &Path) -> anyhow::Result<()> {
    let text = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let export: Export = serde_json::from_slice(&text)
        .with_context(|| format!("{} is not an export of this server", file.display()))?;
    let counts = server::open_storage(config).await?.import(export).await?;
    let counts: Vec<String> = counts
        .iter()
        .map(|(table, rows)| format!("{table} {rows}"))
        .collect();
    let into = match &config.database_url {
        Some(url) => server::without_password(url),
        None => config.data_dir.display().to_string(),
    };
    println!("imported into {into}: {}", counts.join(", "));
    Ok(())
}

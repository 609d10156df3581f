//! Starts the Innovationsveckan server: `cargo run -p innovationsveckan-server`.
//! Every setting comes from a flag or an `IV_` environment variable (see `--help`).

use clap::Parser;
use server::Config;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = Config::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("IV_LOG").unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let running = server::start(config).await?;
    tracing::info!("Innovationsveckan serves on http://{}", running.addr);
    running.wait().await
}

//! `gridline-relay`: `demo` builds a demo district, `serve` runs the relay.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "gridline-relay",
    version,
    about = "Gridline relay (网格通中继)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the Huiji District demo: divisions, grids, registry, accounts.
    Demo(gridline_relay::demo::DemoOptions),
    /// Serve the sync API and Open311 GeoReport v2.
    Serve {
        /// Folder holding relay.db and photos/.
        #[arg(long, default_value = ".gridline/relay")]
        data: PathBuf,
        #[arg(long, default_value = "127.0.0.1:8787")]
        listen: SocketAddr,
        /// The URL the relay is reached at from outside, such as
        /// `https://relay.example`; links it hands out (Open311 `media_url`)
        /// use it. Without it they follow each request's Host header.
        #[arg(long)]
        public_url: Option<String>,
    },
}

fn main() -> anyhow::Result<()> {
    gridline_relay::telemetry::init();
    let cli = Cli::parse();
    match cli.command {
        Command::Demo(opts) => {
            let summary = gridline_relay::demo::run(&opts).context("building the demo district")?;
            print!("{summary}");
            Ok(())
        }
        Command::Serve {
            data,
            listen,
            public_url,
        } => {
            let runtime = tokio::runtime::Runtime::new()?;
            runtime.block_on(gridline_relay::http::serve_configured(
                data, listen, public_url,
            ))
        }
    }
}

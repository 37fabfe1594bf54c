//! `dossier`: the portal in one binary.

use std::{io::Read, path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand};
use dossier::config::Settings;

#[derive(Parser)]
#[command(
    name = "dossier",
    version,
    about = "Dossier: the self-hosted client portal for law firms."
)]
struct Cli {
    #[command(flatten)]
    settings: Settings,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Start the portal (what `dossier` alone does).
    Serve,
    /// Bring the database schema up to date and exit.
    Migrate,
    /// Print a new one-time link for creating the first administrator.
    SetupLink,
    /// Copy the database and every stored document to a folder, while the portal runs. Run it
    /// again into the same folder: only objects not there yet are copied.
    Backup {
        /// The backup folder; created if missing.
        #[arg(long)]
        to: PathBuf,
    },
    /// Restore a backup into an empty data folder (and an empty bucket on S3).
    Restore {
        /// The backup folder `dossier backup` wrote.
        #[arg(long)]
        from: PathBuf,
        /// The old portal's secret.key (not needed when DOSSIER_SECRET_KEY is set).
        #[arg(long)]
        key_file: Option<PathBuf>,
    },
    /// Check the database and every stored document: present, the right size, the right
    /// SHA-256, and nothing stored that no row names. Exits non-zero on any problem.
    Check {
        /// Read through only this many files (spread over all of them); sizes are checked for all.
        #[arg(long)]
        sample: Option<usize>,
    },
    /// Manage administrator accounts.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an administrator without a browser; the password is read from
    /// DOSSIER_ADMIN_PASSWORD or, if unset, from standard input.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
    },
}

/// mimalloc rather than the C library's allocator: under 200 concurrent page renders glibc's
/// per-thread arenas spent a sixth of the CPU in malloc and free and kept 243 MiB afterwards
/// (mimalloc: 40% more pages a second, 135 MiB). Without transparent huge pages, which grew the
/// idle server by 16 MiB. It also stands in for `malloc` itself (the `override` feature), so
/// SQLite's allocations, a tenth of the CPU of a page's queries under glibc, are mimalloc's too.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    // The database, key file and stored files are readable by this account only (0600/0700).
    #[cfg(unix)]
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
    let cli = Cli::parse();
    dossier::telemetry::init(cli.settings.log_format);
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(sentence) => {
            eprintln!("dossier: {sentence}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    let config = cli.settings.validate()?;
    let command = cli.command.unwrap_or(Command::Serve);
    // Restoring must find the data folder empty: before `open` creates anything in it.
    if let Command::Restore { from, key_file } = &command {
        return dossier::restore::restore(&config, from, key_file.as_deref()).await;
    }
    let state = dossier::open(&config).await?;
    match command {
        Command::Restore { .. } => Ok(()),
        Command::Backup { to } => dossier::backup::backup(&state, &config.database.url, &to).await,
        Command::Check { sample } => dossier::check::check(&state, sample).await,
        Command::Serve => {
            dossier::announce_setup_link(&state).await?;
            dossier::serve(&config, state).await
        }
        Command::Migrate => {
            println!("The database schema is up to date.");
            Ok(())
        }
        Command::SetupLink => {
            let link = app::accounts::setup::issue_setup_link(&state.db, &state.portal.public_url)
                .await
                .map_err(|e| e.to_string())?;
            match link {
                Some(link) => {
                    println!("{link}");
                    Ok(())
                }
                None => Err(
                    "This portal already has an administrator; setup links are no longer issued."
                        .into(),
                ),
            }
        }
        Command::Admin {
            command: AdminCommand::Create { email, name },
        } => {
            let password = match std::env::var("DOSSIER_ADMIN_PASSWORD") {
                Ok(p) => p,
                Err(_) => {
                    let mut p = String::new();
                    std::io::stdin().read_to_string(&mut p).map_err(|e| {
                        format!("Cannot read the password from standard input: {e}.")
                    })?;
                    p.trim_end_matches(['\r', '\n']).to_string()
                }
            };
            let account = app::accounts::passwords::NewAccount::parse(&name, &email, password)
                .map_err(|e| e.to_string())?;
            let admin = app::accounts::setup::create_admin(&state.db, account)
                .await
                .map_err(|e| e.to_string())?;
            println!("Created administrator {}.", admin.email);
            Ok(())
        }
    }
}

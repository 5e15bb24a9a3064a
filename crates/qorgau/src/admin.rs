//! Commands of the server's operator: the first administrator, the audit trail's check and
//! export, and the rotation of field keys. They work on the database directly, with the
//! same configuration as the server, and are audited as "system".

use anyhow::Context;
use clap::{Args, Subcommand};
use server::config::Config;
use server::service::accounts::{self, NewUser};
use std::io::Write;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create an account, e.g. the first administrator. The password is read from
    /// QORGAU_NEW_PASSWORD, or from the first line of standard input.
    Create(CreateUser),
}

#[derive(Args)]
pub struct CreateUser {
    #[arg(long)]
    login: String,
    /// administrator (or admin), operator, supervisor, agency_officer, agency_head,
    /// family_support_specialist, school_reporter, analyst, auditor
    #[arg(long)]
    role: String,
    /// The name shown to colleagues.
    #[arg(long)]
    name: String,
    #[arg(long)]
    agency: Option<String>,
    #[arg(long)]
    institution: Option<String>,
    /// Where notices go by mail (optional).
    #[arg(long)]
    email: Option<String>,
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Check the hash chain; name the first broken link. Exits 1 if broken.
    Verify,
    /// Every event since a time, as JSON lines: who accessed which records, and when (for a
    /// breach notification).
    Export {
        /// RFC 3339 time or a date (YYYY-MM-DD, from the start of that day in Kazakhstan).
        #[arg(long)]
        since: String,
    },
}

#[derive(Subcommand)]
pub enum KeysCommand {
    /// Add a new field key, make it current, and re-seal every personal value with it. The
    /// key file is rewritten (old keys kept, so backups still open).
    Rotate {
        /// The new key's id, e.g. 2027-01.
        #[arg(long)]
        id: String,
    },
}

async fn state(config: &Config) -> anyhow::Result<server::state::AppState> {
    let db = server::startup::open_database(config).await?;
    server::startup::state(config, db, std::sync::Arc::new(domain::clock::SystemClock))
}

pub async fn user(config: Config, command: &UserCommand) -> anyhow::Result<()> {
    let UserCommand::Create(c) = command;
    let password = match std::env::var("QORGAU_NEW_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            eprintln!("Password (at least 12 characters), then Enter:");
            let mut line = String::new();
            std::io::stdin().read_line(&mut line).context("cannot read the password")?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    let state = state(&config).await?;
    let new = NewUser {
        login: c.login.clone(),
        display_name: c.name.clone(),
        // `admin` is accepted for `administrator`: the first command anyone types.
        role: if c.role == "admin" { "administrator".into() } else { c.role.clone() },
        agency_id: c.agency.clone(),
        institution_id: c.institution.clone(),
        password,
        email: c.email.clone(),
    };
    match accounts::create_user(&state, None, new).await {
        Ok(user) => {
            println!("created {} ({})", user.login, user.role.as_str());
            Ok(())
        }
        Err(server::error::AppError::Domain(domain::Error::Validation(fields))) => {
            for f in fields {
                eprintln!("{}: {}", f.field, f.message);
            }
            anyhow::bail!("the account was not created")
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn audit(config: Config, command: &AuditCommand) -> anyhow::Result<()> {
    let state = state(&config).await?;
    match command {
        AuditCommand::Verify => {
            let result = store::audit::verify(&state.db, &state.store_keys.chain).await?;
            match result.broken {
                None => {
                    println!("audit trail intact: {} events", result.events);
                    Ok(())
                }
                Some(link) => {
                    println!(
                        "audit trail BROKEN at event {}: {} ({} events before it are intact)",
                        link.seq, link.reason, result.events
                    );
                    std::process::exit(1);
                }
            }
        }
        AuditCommand::Export { since } => {
            let since = parse_since(since)?;
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            let entry = domain::audit::AuditEntry::new(
                OffsetDateTime::now_utc(),
                domain::audit::AuditActor::system(),
                domain::audit::AuditAction::AuditExport,
            )
            .with("since", since.format(&Rfc3339)?);
            store::audit::append(&state.db, &state.store_keys.chain, &[entry]).await?;
            let count = store::audit::export_since(&state.db, since, 1000, |events| {
                for e in events {
                    serde_json::to_writer(&mut out, e)?;
                    out.write_all(b"\n")?;
                }
                Ok(())
            })
            .await?;
            out.flush()?;
            eprintln!("{count} events since {}", since.format(&Rfc3339)?);
            Ok(())
        }
    }
}

fn parse_since(text: &str) -> anyhow::Result<OffsetDateTime> {
    let text = if text.len() == 10 { format!("{text}T00:00:00+05:00") } else { text.to_owned() };
    OffsetDateTime::parse(&text, &Rfc3339).context("--since: expected YYYY-MM-DD or an RFC 3339 time")
}

pub async fn keys(config: Config, command: &KeysCommand) -> anyhow::Result<()> {
    let KeysCommand::Rotate { id } = command;
    let id = vault::KeyId::new(id).map_err(|e| anyhow::anyhow!("--id: {e}"))?;
    if config.field_keys.is_some() {
        anyhow::bail!("the keys come from QORGAU_FIELD_KEYS: rotate them where that is kept, with a key file");
    }
    let path = server::startup::field_keys_path(&config);
    let current = server::startup::load_field_keys(&config)?;
    let (rotated, text) = current.with_new_key(&id).map_err(|e| anyhow::anyhow!("{e}"))?;
    let db = server::startup::open_database(&config).await?;
    let keys = store::Keys {
        fields: rotated,
        chain: store::audit::ChainKey::new(server::startup::load_keys(&config)?.derive("audit-chain")),
    };
    // The new file first (it opens old and new values alike), then the values.
    let temporary = path.with_extension("keys.new");
    std::fs::write(&temporary, &text).with_context(|| format!("cannot write {}", temporary.display()))?;
    std::fs::rename(&temporary, &path).with_context(|| format!("cannot replace {}", path.display()))?;
    let resealed = store::rotation::reseal_all(&db, &keys, &config.evidence_dir()).await?;
    println!("field key {} is current; {resealed} values re-sealed; {} keeps every key", id.as_str(), path.display());
    Ok(())
}

pub async fn retention(config: Config) -> anyhow::Result<()> {
    let state = state(&config).await?;
    let count = server::jobs::run_retention(&state).await?;
    println!("{count} closed complaints older than {} days anonymised", config.retention_days);
    Ok(())
}

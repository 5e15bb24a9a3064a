//! Persistence for Qorgau, on SQLite (embedded, the default) or PostgreSQL (for a ministry
//! running several servers), with one set of repository functions for both.
//!
//! Why not sqlx's `Any` driver: it cannot carry UUIDs, timestamps or JSON. Instead [`Db`]
//! holds a concrete pool and [`on_db!`] compiles each query body once per backend, with one
//! SQL string (`$1` placeholders work on both). Every store test runs on both backends.
//!
//! Writes of new complaints go through one [`writer::IntakeWriter`] task that batches
//! concurrent requests into one transaction (group commit): a complaint is acknowledged
//! only after the commit that holds it, and one fsync serves many complaints.

pub mod assignments;
pub mod audit;
pub mod complaints;
mod db;
pub mod escalation;
pub mod evidence;
pub mod institutions;
pub mod outbox;
pub mod retention;
pub mod rotation;
pub mod schema;
pub mod schools;
pub mod sealed;
pub mod statistics;
pub mod support;
pub mod test_support;
pub mod users;
pub mod writer;

pub use db::{Backend, Db};

/// The keys the store works with: the field keyring (sealing and blind indexes) and the key of
/// the audit chain.
#[derive(Debug)]
pub struct Keys {
    pub fields: vault::Keyring,
    pub chain: audit::ChainKey,
}

/// Why the store could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
    #[error("writing out: {0}")]
    Io(#[from] std::io::Error),
    #[error("the intake writer has stopped")]
    WriterGone,
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

//! The database handle and its configuration.

use crate::Result;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// A pool on one of the two backends.
#[derive(Debug, Clone)]
pub enum Db {
    Sqlite(SqlitePool),
    Pg(PgPool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// Runs `$body` with `$pool` bound to the concrete pool of either backend. The body is
/// compiled twice, so the same SQL and bindings must suit both.
#[macro_export]
macro_rules! on_db {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::Db::Sqlite($pool) => $body,
            $crate::Db::Pg($pool) => $body,
        }
    };
}

/// Runs `$body` in a transaction on `$tx`, appends `$events` to the audit trail in it, and
/// commits: a change and its audit event are one. The body may `return Ok(…)` early to leave
/// without committing (nothing changed, nothing audited).
macro_rules! audited {
    ($db:expr, $key:expr, $events:expr, $tx:ident => $body:expr) => {
        $crate::on_db!($db, pool => {
            let mut $tx = pool.begin().await?;
            let value = $body;
            $crate::audit::append_in(&mut $tx, $key, $events).await?;
            $tx.commit().await?;
            value
        })
    };
}
pub(crate) use audited;

impl Db {
    /// Opens (creating if missing) the SQLite file `qorgau.db` in `data_dir`.
    pub async fn open_data_dir(data_dir: &Path) -> Result<Db> {
        std::fs::create_dir_all(data_dir).map_err(sqlx::Error::Io)?;
        let options = SqliteConnectOptions::new().filename(data_dir.join("qorgau.db"));
        Self::open_sqlite(options).await
    }

    /// Connects to `postgres://…` or `sqlite://…` (`sqlite:` paths are created if missing).
    pub async fn connect(url: &str) -> Result<Db> {
        if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Self::open_postgres(PgConnectOptions::from_str(url)?).await
        } else {
            Self::open_sqlite(SqliteConnectOptions::from_str(url)?).await
        }
    }

    /// SQLite as Qorgau needs it: WAL, and `synchronous=FULL` so that a committed complaint
    /// survives a power cut.
    pub async fn open_sqlite(options: SqliteConnectOptions) -> Result<Db> {
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true)
            // 16 MiB of page cache per connection, and reads through mmap: the random tracking
            // codes land all over their index, which should not cost a read syscall each.
            // (Measured: a 64 MiB cache was slower; without mmap, slower still.)
            .pragma("cache_size", "-16384")
            .pragma("mmap_size", "1073741824")
            // Statement journals of multi-row inserts in memory, not in temporary files.
            .pragma("temp_store", "memory");
        let pool = SqlitePoolOptions::new().max_connections(8).min_connections(1).connect_with(options).await?;
        Ok(Db::Sqlite(pool))
    }

    pub async fn open_postgres(options: PgConnectOptions) -> Result<Db> {
        let pool =
            PgPoolOptions::new().max_connections(16).acquire_timeout(Duration::from_secs(10)).connect_with(options).await?;
        Ok(Db::Pg(pool))
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Pg(_) => Backend::Postgres,
        }
    }

    /// Applies the migrations embedded in the binary that have not run yet.
    pub async fn migrate(&self) -> Result<()> {
        match self {
            Db::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await?,
            Db::Pg(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        Ok(())
    }

    /// Whether the database answers (for `/readyz`).
    pub async fn ping(&self) -> Result<()> {
        on_db!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(drop)?);
        Ok(())
    }

    pub async fn close(&self) {
        on_db!(self, pool => pool.close().await)
    }
}

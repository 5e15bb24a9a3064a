//! What tables and columns a database defines: for the test that both backends' migrations
//! agree, and for operators checking a deployment.

use crate::{Db, Result};
use std::collections::BTreeSet;

/// `(table, column)` pairs of Qorgau's own tables (sqlx's bookkeeping left out).
pub async fn columns(db: &Db) -> Result<BTreeSet<(String, String)>> {
    let rows: Vec<(String, String)> = match db {
        Db::Sqlite(pool) => {
            sqlx::query_as(
                "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations'",
            )
            .fetch_all(pool)
            .await?
        }
        Db::Pg(pool) => {
            sqlx::query_as(
                "SELECT table_name::text, column_name::text FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations'",
            )
            .fetch_all(pool)
            .await?
        }
    };
    Ok(rows.into_iter().collect())
}

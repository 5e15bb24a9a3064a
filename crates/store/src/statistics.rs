//! Counts of complaints, for analysts and supervisors: no personal field is read.

use crate::{Db, Result, on_db};

/// Counts by region, channel, status and category, within one agency's complaints or all.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Statistics {
    pub total: i64,
    pub by_region: Vec<(String, i64)>,
    pub by_channel: Vec<(String, i64)>,
    pub by_status: Vec<(String, i64)>,
    pub by_risk: Vec<(String, i64)>,
    pub by_category: Vec<(String, i64)>,
}

/// `column` is one of ours, never user input.
async fn counts(db: &Db, column: &'static str, agency_id: Option<&str>) -> Result<Vec<(String, i64)>> {
    let sql = format!(
        "SELECT {column}, COUNT(*) FROM complaints WHERE ($1 IS NULL OR id IN (SELECT complaint_id FROM assignments WHERE agency_id = $1)) \
         GROUP BY {column} ORDER BY {column}"
    );
    Ok(on_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(agency_id).fetch_all(pool).await?))
}

pub async fn of(db: &Db, agency_id: Option<&str>) -> Result<Statistics> {
    let by_category: Vec<(String, i64)> = on_db!(db, pool => sqlx::query_as(
        "SELECT code, COUNT(*) FROM complaint_categories WHERE position = 0 AND ($1 IS NULL OR complaint_id IN \
         (SELECT complaint_id FROM assignments WHERE agency_id = $1)) GROUP BY code ORDER BY code")
        .bind(agency_id).fetch_all(pool).await?);
    let by_region = counts(db, "region", agency_id).await?;
    Ok(Statistics {
        total: by_region.iter().map(|(_, n)| n).sum(),
        by_region,
        by_channel: counts(db, "channel", agency_id).await?,
        by_status: counts(db, "status", agency_id).await?,
        by_risk: counts(db, "risk_level", agency_id).await?,
        by_category,
    })
}

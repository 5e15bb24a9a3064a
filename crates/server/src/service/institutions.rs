//! The registry of educational institutions: administrators import it from CSV (each row
//! accepted or refused with its reasons, the accepted ones written in one transaction, the
//! import audited); every staff member may look an institution up and print its QR poster
//! (a school only its own).

use super::Staff;
use crate::error::AppError;
use crate::state::AppState;
use domain::Error;
use domain::audit::{AuditAction, AuditEntry};
use domain::institution::{Bin, ImportReport, Institution, InstitutionKind, parse_csv};
use domain::policy::{Action, decide};
use store::institutions::{self, Filter, Registered, UpsertCounts};

/// What an import did.
pub struct Imported {
    pub report: ImportReport,
    pub counts: UpsertCounts,
}

/// The largest CSV file taken at once (the national registry is a few MiB).
pub const MAX_CSV_BYTES: usize = 16 * 1024 * 1024;

/// Imports a CSV file (UTF-8) of institutions.
pub async fn import_csv(state: &AppState, staff: &Staff, csv: &[u8]) -> Result<Imported, AppError> {
    decide(&staff.actor, &Action::ManageInstitutions).map_err(Error::from)?;
    let text = std::str::from_utf8(csv).map_err(|_| AppError::field("file", "not_utf8", "a CSV file in UTF-8"))?;
    let report = parse_csv(text, &state.reference.agencies)?;
    let now = state.clock.now();
    let counts = institutions::upsert_many(&state.db, &report.accepted, now).await?;
    let event = AuditEntry::new(now, staff.audit_actor(), AuditAction::InstitutionsImport)
        .with("inserted", counts.inserted.to_string())
        .with("updated", counts.updated.to_string())
        .with("refused", report.refused.len().to_string());
    store::audit::append(&state.db, &state.store_keys.chain, &[event]).await?;
    Ok(Imported { report, counts })
}

/// Whether this staff member may import (pages offer the upload form only then).
pub fn may_import(staff: &Staff) -> bool {
    decide(&staff.actor, &Action::ManageInstitutions).is_ok()
}

/// Institutions by region, kind and the start of the name (up to 200 at a time).
pub async fn list(
    state: &AppState,
    region: Option<&str>,
    kind: Option<&str>,
    name_prefix: Option<String>,
) -> Result<Vec<Registered>, AppError> {
    let region = match region {
        Some(code) => Some(
            domain::region::Region::by_code(code)
                .ok_or_else(|| AppError::field("region", "unknown_value", "an ISO 3166-2:KZ code"))?,
        ),
        None => None,
    };
    let kind = match kind {
        Some(code) => Some(
            InstitutionKind::parse(code)
                .ok_or_else(|| AppError::field("kind", "unknown_value", "school, college or kindergarten"))?,
        ),
        None => None,
    };
    let filter = Filter { region, kind, name_prefix };
    Ok(institutions::list(&state.db, &filter, 200, 0).await?)
}

/// An institution with the address of its report form and that address's QR code.
pub struct Poster {
    pub institution: Institution,
    /// `{public_url}/qr/{bin}`.
    pub url: String,
}

impl Poster {
    /// The QR code of [`Poster::url`] as an SVG document.
    pub fn svg_document(&self) -> Result<String, AppError> {
        crate::qr::svg_document(&self.url).map_err(|e| AppError::Internal(anyhow::anyhow!("QR code: {e}")))
    }

    /// The same as an element for a page.
    pub fn svg_element(&self) -> Result<String, AppError> {
        crate::qr::svg_element(&self.url).map_err(|e| AppError::Internal(anyhow::anyhow!("QR code: {e}")))
    }
}

/// The poster of the institution with this BIN, as typed in the address: not found when it is
/// not a BIN or not registered; forbidden to a school that is not this one.
pub async fn poster(state: &AppState, staff: &Staff, bin: &str) -> Result<Poster, AppError> {
    let bin = Bin::parse(bin).map_err(|_| Error::NotFound)?;
    decide(&staff.actor, &Action::ViewInstitutionPoster { bin: bin.as_str() }).map_err(Error::from)?;
    let registered = institutions::get(&state.db, &bin).await?.ok_or(Error::NotFound)?;
    let url = crate::qr::institution_url(&state.public_url, &bin);
    Ok(Poster { institution: registered.institution, url })
}

//! The registry of educational institutions for staff (`/staff/institutions`): search by
//! region, kind and the start of the name; an administrator's CSV upload with its report; and
//! for each institution its QR code (`qr.svg`) and a printable A4 poster for children.
//!
//! Why posters here: the QR codes in schools are how a child reaches us without an adult in
//! between. Staff print them for the schools they visit; a school prints its own. The poster
//! speaks to the child in plain words in the page's language, with 111 and 102 on it for a
//! child without a phone's camera or in danger now.

use super::account::{StaffPage, csrf_refusal, not_permitted};
use super::{FieldErrors, Options, PageError, PageLanguage, render};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::service::institutions::{self as service, Imported, Poster};
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::multipart::MultipartRejection;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use domain::FieldError;
use domain::institution::{Bin, InstitutionKind};
use domain::region::REGIONS;
use serde::Deserialize;
use store::institutions::Registered;

/// An institution as a row of the registry.
pub struct InstitutionRow {
    pub bin: String,
    pub name: String,
    pub kind: String,
    pub region: String,
    pub locality: String,
}

/// One problem of a refused row: its line, the column in words, the problem in words and its code.
pub struct ProblemRow {
    pub line: usize,
    pub field: String,
    pub problem: String,
    pub code: String,
}

/// What an upload did, in words.
pub struct ImportView {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub refused_rows: usize,
    pub problems: Vec<ProblemRow>,
}

#[derive(Template)]
#[template(path = "staff/institutions.html")]
struct RegistryPage {
    t: Tr,
    csrf: String,
    rows: Vec<InstitutionRow>,
    regions: Options,
    kinds: Options,
    q: String,
    may_import: bool,
    report: Option<ImportView>,
    errors: FieldErrors,
}

/// The search as the form sends it.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RegistryQuery {
    region: String,
    kind: String,
    q: String,
}

fn kind_name(tr: &Tr, kind: InstitutionKind) -> String {
    tr.t(&format!("institution-kind-{}", kind.as_str()))
}

fn row(tr: &Tr, r: Registered) -> InstitutionRow {
    let i = r.institution;
    InstitutionRow {
        bin: i.bin.to_string(),
        kind: kind_name(tr, i.kind),
        region: i.region.name(tr.language).to_owned(),
        name: i.name,
        locality: i.locality,
    }
}

/// The registry page: the search's results (or its errors), and an upload's report.
async fn registry_page(
    state: &AppState,
    staff: &StaffPage,
    lang: &PageLanguage,
    query: RegistryQuery,
    outcome: Result<Option<ImportView>, FieldErrors>,
) -> Response {
    let tr = lang.tr;
    let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
    let found = service::list(state, some(&query.region).as_deref(), some(&query.kind).as_deref(), some(&query.q)).await;
    let (rows, mut errors) = match found {
        Ok(found) => (found.into_iter().map(|r| row(&tr, r)).collect(), FieldErrors::default()),
        Err(e) => match super::validation_errors(&tr, &e) {
            Some(errors) => (Vec::new(), errors),
            None => return super::internal_error(lang),
        },
    };
    let (status, report) = match outcome {
        Ok(report) => (StatusCode::OK, report),
        Err(file_errors) => {
            file_errors.all().iter().for_each(|e| errors.push(PageError { id: e.id.clone(), message: e.message.clone() }));
            (StatusCode::UNPROCESSABLE_ENTITY, None)
        }
    };
    let page = RegistryPage {
        t: tr,
        csrf: staff.csrf().to_owned(),
        rows,
        regions: REGIONS.iter().map(|r| (r.code.to_owned(), r.name(tr.language).to_owned(), r.code == query.region)).collect(),
        kinds: InstitutionKind::ALL
            .iter()
            .map(|k| (k.as_str().to_owned(), kind_name(&tr, *k), k.as_str() == query.kind))
            .collect(),
        q: query.q,
        may_import: service::may_import(&staff.0),
        report,
        errors,
    };
    render(lang, status, &page)
}

pub async fn registry(
    State(state): State<AppState>,
    staff: StaffPage,
    lang: PageLanguage,
    query: Result<Query<RegistryQuery>, QueryRejection>,
) -> Response {
    let query = query.map(|Query(q)| q).unwrap_or_default();
    registry_page(&state, &staff, &lang, query, Ok(None)).await
}

/// The fields of the upload form.
#[derive(Default)]
struct Upload {
    csrf: String,
    file: Bytes,
}

/// Reads the upload; `Err` with the HTTP status of what went wrong (413 past the size limit).
async fn read_upload(mut multipart: Multipart) -> Result<Upload, StatusCode> {
    let mut upload = Upload::default();
    while let Some(field) = multipart.next_field().await.map_err(|e| e.status())? {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "csrf" => upload.csrf = field.text().await.map_err(|e| e.status())?,
            "file" => upload.file = field.bytes().await.map_err(|e| e.status())?,
            _ => {}
        }
    }
    Ok(upload)
}

/// An administrator's CSV upload (`multipart/form-data`: `csrf`, then `file`).
pub async fn import(
    State(state): State<AppState>,
    staff: StaffPage,
    lang: PageLanguage,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let Ok(multipart) = multipart else { return super::unreadable_form(&lang) };
    let upload = match read_upload(multipart).await {
        Ok(upload) => upload,
        Err(StatusCode::PAYLOAD_TOO_LARGE) => {
            let errors = file_errors(&lang.tr, &[FieldError::new("file", "too_large", "")]);
            return registry_page(&state, &staff, &lang, RegistryQuery::default(), Err(errors)).await;
        }
        Err(_) => return super::unreadable_form(&lang),
    };
    if let Some(refused) = csrf_refusal(&staff, &lang, &headers, &upload.csrf) {
        return refused;
    }
    let outcome = match service::import_csv(&state, &staff.0, &upload.file).await {
        Ok(imported) => Ok(Some(import_view(&lang.tr, imported))),
        Err(AppError::Domain(domain::Error::Forbidden)) => return not_permitted(&lang),
        Err(AppError::Domain(domain::Error::Validation(problems))) => Err(file_errors(&lang.tr, &problems)),
        Err(_) => return super::internal_error(&lang),
    };
    registry_page(&state, &staff, &lang, RegistryQuery::default(), outcome).await
}

/// A field (a column, `row`, `header` or `file`) in words.
fn place(tr: &Tr, field: &str) -> String {
    tr.try_t(&format!("import-field-{field}")).unwrap_or_else(|| field.to_owned())
}

/// A problem's code in words (the code itself for one we have no words for).
fn problem(tr: &Tr, code: &str) -> String {
    tr.try_t(&format!("import-code-{code}")).unwrap_or_else(|| code.to_owned())
}

/// A file refused whole: one message next to the upload field naming every problem.
fn file_errors(tr: &Tr, problems: &[FieldError]) -> FieldErrors {
    let text = problems.iter().map(|p| format!("{}: {}", place(tr, &p.field), problem(tr, p.code))).collect::<Vec<_>>();
    let message = format!("{} {}", tr.t("import-refused-file"), text.join("; "));
    FieldErrors::from_iter([PageError { id: "file".into(), message }])
}

fn import_view(tr: &Tr, imported: Imported) -> ImportView {
    let refused = imported.report.refused;
    let problems = refused
        .iter()
        .flat_map(|r| {
            r.problems.iter().map(|p| ProblemRow {
                line: r.line,
                field: place(tr, &p.field),
                problem: problem(tr, p.code),
                code: p.code.to_owned(),
            })
        })
        .collect();
    let counts = imported.counts;
    ImportView {
        inserted: counts.inserted,
        updated: counts.updated,
        unchanged: counts.unchanged,
        refused_rows: refused.len(),
        problems,
    }
}

/// The address of a school's own poster, for its navigation; `None` for other roles.
pub fn own_poster(staff: &StaffPage) -> Option<String> {
    let actor = &staff.0.actor;
    if actor.role() != Some(domain::policy::StaffRole::SchoolReporter) {
        return None;
    }
    let bin = Bin::parse(actor.institution_id.as_deref()?).ok()?;
    Some(format!("/staff/institutions/{bin}/poster"))
}

/// The answer to a refused look-up of a poster or its code.
fn refusal(lang: &PageLanguage, error: AppError) -> Response {
    match error {
        AppError::Domain(domain::Error::NotFound) => super::not_found(lang),
        AppError::Domain(domain::Error::Forbidden) => not_permitted(lang),
        _ => super::internal_error(lang),
    }
}

/// The QR code alone, to download and place in one's own layouts.
pub async fn qr_svg(State(state): State<AppState>, staff: StaffPage, lang: PageLanguage, Path(bin): Path<String>) -> Response {
    let svg = match service::poster(&state, &staff.0, &bin).await.and_then(|p| p.svg_document().map(|svg| (p, svg))) {
        Ok((poster, svg)) => (poster.institution.bin, svg),
        Err(e) => return refusal(&lang, e),
    };
    crate::api::svg_download(svg.0.as_str(), svg.1)
}

#[derive(Template)]
#[template(path = "staff/poster.html")]
struct PosterPage {
    t: Tr,
    bin: String,
    name: String,
    /// The address in the code.
    url: String,
    /// The same without `https://`, as printed under the code.
    short_url: String,
    /// The code as an `<svg>` element (made by us from the address: safe to put in the page).
    svg: String,
}

/// The printable A4 poster of an institution, in the page's language.
pub async fn poster(State(state): State<AppState>, staff: StaffPage, lang: PageLanguage, Path(bin): Path<String>) -> Response {
    let (poster, svg) = match service::poster(&state, &staff.0, &bin).await.and_then(|p| p.svg_element().map(|svg| (p, svg))) {
        Ok(found) => found,
        Err(e) => return refusal(&lang, e),
    };
    let Poster { institution, url } = poster;
    let short_url = url.split_once("://").map(|(_, rest)| rest.to_owned()).unwrap_or_else(|| url.clone());
    let page = PosterPage { t: lang.tr, bin: institution.bin.to_string(), name: institution.name, url, short_url, svg };
    render(&lang, StatusCode::OK, &page)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code a refused row or file can carry, each with its text `import-code-<code>`.
    const IMPORT_CODES: &[&str] = &[
        "missing_header",
        "missing_column",
        "duplicate_column",
        "not_utf8",
        "too_large",
        "unclosed_quote",
        "text_after_quote",
        "field_count",
        "required",
        "expected_text",
        "too_long",
        "unknown_value",
        "invalid_bin",
        "unknown_agency",
        "not_education_department",
        "other_region",
        "duplicate",
        "invalid",
    ];

    /// Every field a problem can name besides the columns, each with `import-field-<field>`.
    const IMPORT_PLACES: &[&str] = &["row", "header", "file"];

    #[test]
    fn every_import_problem_and_field_has_words_in_every_language() {
        for (language, defined) in crate::i18n::keys_by_language() {
            let codes = IMPORT_CODES.iter().map(|c| format!("import-code-{c}"));
            let columns = domain::institution::COLUMNS.iter().chain(IMPORT_PLACES).map(|f| format!("import-field-{f}"));
            let kinds = InstitutionKind::ALL.iter().map(|k| format!("institution-kind-{}", k.as_str()));
            for key in codes.chain(columns).chain(kinds) {
                assert!(defined.contains(&key), "{language:?} lacks {key}");
            }
        }
    }
}

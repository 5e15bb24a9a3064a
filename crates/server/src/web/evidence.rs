//! The evidence section of the assignment page and of a school's report page: the complaint's
//! files and links, and the forms to add a file (`multipart/form-data`, read with axum's
//! `Multipart`) or a link with the time the post was captured. Agency staff add to their own
//! agency's assignment (its action report); the contact center and schools to the complaint.
//! The service decides who may; these handlers parse, check the CSRF token, and render.

use super::account::{StaffPage, csrf_refusal, forbidden};
use super::agency::{Shown, assignment_page};
use super::{PageLanguage, local_time, validation_errors};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::service::Staff;
use crate::service::evidence as service;
use crate::state::AppState;
use axum::Form;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use domain::complaint::Complaint;
use domain::ids::{ComplaintId, EvidenceId};
use serde::Deserialize;
use store::evidence::{Content, EvidenceItem};
use time::{OffsetDateTime, PrimitiveDateTime};

/// A piece of evidence as the page shows it.
pub struct EvidenceLine {
    /// The file's type, or "link".
    pub what: String,
    pub size: String,
    pub added: String,
    pub download: Option<String>,
    pub url: Option<String>,
    pub captured: String,
}

impl EvidenceLine {
    fn of(item: EvidenceItem, tr: &Tr) -> EvidenceLine {
        let mut line = EvidenceLine {
            what: String::new(),
            size: String::new(),
            added: local_time(item.created_at),
            download: None,
            url: None,
            captured: String::new(),
        };
        match item.content {
            Content::File { media_type, size, .. } => {
                line.what = media_type.as_str().to_owned();
                line.size = tr.t1("evidence-size-kb", "size", format!("{:.1}", size as f64 / 1024.0));
                line.download = Some(format!("/api/v1/evidence/{}", item.id));
            }
            Content::Link { url, captured_at } => {
                line.what = tr.t("evidence-link");
                line.url = Some(url);
                line.captured = local_time(captured_at);
            }
        }
        line
    }
}

/// Where the page's two forms post, when the viewer may add evidence.
pub struct EvidenceForms {
    pub file: String,
    pub link: String,
}

/// What the link form held, shown again with its errors.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LinkForm {
    csrf: String,
    pub url: String,
    pub captured_at: String,
}

/// The page an evidence section is part of: where its forms post, and where they return.
pub enum Holder {
    /// An agency's assignment page (`/staff/assignments/{id}/{agency_id}`).
    Assignment { agency_id: String },
    /// A school's report page (`/staff/school-reports/{id}`).
    SchoolReport,
}

impl Holder {
    fn page(&self, id: ComplaintId) -> String {
        match self {
            Holder::Assignment { agency_id } => format!("/staff/assignments/{id}/{agency_id}"),
            Holder::SchoolReport => format!("/staff/school-reports/{id}"),
        }
    }

    /// An agency's staff add to their own agency's assignment; others to the complaint itself.
    fn target<'a>(&'a self, staff: &Staff) -> Option<&'a str> {
        match self {
            Holder::Assignment { agency_id } => (staff.actor.agency_id.as_deref() == Some(agency_id)).then_some(agency_id),
            Holder::SchoolReport => None,
        }
    }
}

/// The evidence section: its lines (the look is audited by the service) and its forms.
pub async fn section(
    state: &AppState,
    staff: &Staff,
    complaint: &Complaint,
    holder: &Holder,
    tr: &Tr,
) -> Result<(Vec<EvidenceLine>, Option<EvidenceForms>), AppError> {
    let items = service::list(state, staff, complaint.id).await?;
    let lines = items.into_iter().map(|item| EvidenceLine::of(item, tr)).collect();
    let forms = service::may_add_to(staff, complaint, holder.target(staff)).then(|| {
        let base = holder.page(complaint.id);
        EvidenceForms { file: format!("{base}/evidence?lang={}", tr.code()), link: format!("{base}/links?lang={}", tr.code()) }
    });
    Ok((lines, forms))
}

/// The file form of an assignment page: `csrf` and `file`.
pub async fn add_file(
    State(state): State<AppState>,
    staff: StaffPage,
    lang: PageLanguage,
    headers: HeaderMap,
    Path((id, agency_id)): Path<(String, String)>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    add_file_to(&state, &staff, &lang, &headers, &id, Holder::Assignment { agency_id }, multipart).await
}

/// The file form of a school's report page.
pub async fn add_file_to_school_report(
    State(state): State<AppState>,
    staff: StaffPage,
    lang: PageLanguage,
    headers: HeaderMap,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    add_file_to(&state, &staff, &lang, &headers, &id, Holder::SchoolReport, multipart).await
}

async fn add_file_to(
    state: &AppState,
    staff: &StaffPage,
    lang: &PageLanguage,
    headers: &HeaderMap,
    id: &str,
    holder: Holder,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let (Ok(uuid), Ok(multipart)) = (uuid::Uuid::parse_str(id), multipart) else { return super::unreadable_form(lang) };
    let complaint_id = ComplaintId(uuid);
    let (csrf, file) = match read_parts(multipart).await {
        Ok(parts) => parts,
        Err(StatusCode::PAYLOAD_TOO_LARGE) => {
            let error = AppError::field(domain::evidence::FILE_FIELD, "too_large", "at most 10 MiB");
            return refused(state, staff, lang, complaint_id, &holder, error, LinkForm::default()).await;
        }
        Err(_) => return super::unreadable_form(lang),
    };
    if let Some(refused) = csrf_refusal(staff, lang, headers, &csrf) {
        return refused;
    }
    let added = service::add_file(state, &staff.0, complaint_id, holder.target(&staff.0), &file).await;
    outcome(state, staff, lang, complaint_id, &holder, added, LinkForm::default()).await
}

/// The CSRF token and the file's bytes; the status of the failure if the form cannot be read.
async fn read_parts(mut multipart: Multipart) -> Result<(String, Vec<u8>), StatusCode> {
    let (mut csrf, mut file) = (String::new(), Vec::new());
    while let Some(field) = multipart.next_field().await.map_err(|e| e.status())? {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "csrf" => csrf = field.text().await.map_err(|e| e.status())?,
            domain::evidence::FILE_FIELD => file = field.bytes().await.map_err(|e| e.status())?.to_vec(),
            _ => {}
        }
    }
    Ok((csrf, file))
}

/// The link form of an assignment page: `csrf`, `url`, `captured_at` (the browser's local date
/// and time, read as Kazakhstan time).
pub async fn add_link(
    State(state): State<AppState>,
    staff: StaffPage,
    lang: PageLanguage,
    headers: HeaderMap,
    Path((id, agency_id)): Path<(String, String)>,
    form: Result<Form<LinkForm>, FormRejection>,
) -> Response {
    add_link_to(&state, &staff, &lang, &headers, &id, Holder::Assignment { agency_id }, form).await
}

/// The link form of a school's report page.
pub async fn add_link_to_school_report(
    State(state): State<AppState>,
    staff: StaffPage,
    lang: PageLanguage,
    headers: HeaderMap,
    Path(id): Path<String>,
    form: Result<Form<LinkForm>, FormRejection>,
) -> Response {
    add_link_to(&state, &staff, &lang, &headers, &id, Holder::SchoolReport, form).await
}

async fn add_link_to(
    state: &AppState,
    staff: &StaffPage,
    lang: &PageLanguage,
    headers: &HeaderMap,
    id: &str,
    holder: Holder,
    form: Result<Form<LinkForm>, FormRejection>,
) -> Response {
    let (Ok(uuid), Ok(Form(form))) = (uuid::Uuid::parse_str(id), form) else { return super::unreadable_form(lang) };
    if let Some(refused) = csrf_refusal(staff, lang, headers, &form.csrf) {
        return refused;
    }
    let complaint_id = ComplaintId(uuid);
    let added = match service::link_input(form.url.clone(), local_input_time(&form.captured_at)) {
        Ok(input) => service::add_link(state, &staff.0, complaint_id, holder.target(&staff.0), input).await,
        Err(error) => Err(error),
    };
    outcome(state, staff, lang, complaint_id, &holder, added, form).await
}

/// A `datetime-local` value (`2026-11-25T14:30`, seconds optional) as Kazakhstan time.
fn local_input_time(text: &str) -> Option<OffsetDateTime> {
    let minutes = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    let seconds = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    let text = text.trim();
    let local = PrimitiveDateTime::parse(text, &minutes).or_else(|_| PrimitiveDateTime::parse(text, &seconds)).ok()?;
    Some(local.assume_offset(domain::clock::KAZAKHSTAN_OFFSET))
}

/// Back to the page after an addition; the page again with the errors of a refused one.
async fn outcome(
    state: &AppState,
    staff: &StaffPage,
    lang: &PageLanguage,
    complaint_id: ComplaintId,
    holder: &Holder,
    added: Result<EvidenceId, AppError>,
    link: LinkForm,
) -> Response {
    match added {
        Ok(_) => Redirect::to(&format!("{}?lang={}#evidence", holder.page(complaint_id), lang.tr.code())).into_response(),
        Err(error) => refused(state, staff, lang, complaint_id, holder, error, link).await,
    }
}

async fn refused(
    state: &AppState,
    staff: &StaffPage,
    lang: &PageLanguage,
    complaint_id: ComplaintId,
    holder: &Holder,
    error: AppError,
    link: LinkForm,
) -> Response {
    let errors = match error {
        AppError::Domain(domain::Error::Forbidden) => return forbidden(lang),
        AppError::Domain(domain::Error::NotFound) => return super::not_found(lang),
        AppError::Domain(domain::Error::Conflict(_)) => {
            let tr = lang.tr;
            let page = super::ErrorPage { t: tr, title: tr.t("evidence-closed-title"), message: tr.t("evidence-closed") };
            return super::render(lang, StatusCode::CONFLICT, &page);
        }
        error => match validation_errors(&lang.tr, &error) {
            Some(errors) => errors,
            None => return super::internal_error(lang),
        },
    };
    match holder {
        Holder::Assignment { agency_id } => {
            assignment_page(state, staff, lang, complaint_id, agency_id, Shown::refused(errors, link)).await
        }
        Holder::SchoolReport => {
            super::school::report_page(state, staff, lang, complaint_id, false, Shown::refused(errors, link)).await
        }
    }
}

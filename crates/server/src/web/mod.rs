//! The public pages: home, the report form (`/report`, and `/qr` for the QR codes posted in
//! schools), the receipt, and the status page (`/status`). Rendered on the server, working without JavaScript, in Kazakh, Russian and
//! English, with a quick-exit button on every page.
//!
//! Like the API, handlers here parse the form, call the same `service` functions, and
//! render; the form is turned into the same JSON a client would send, so validation is one.

mod account;
mod admin;
mod agency;
mod centers;
mod children;
mod evidence;
mod institutions;
mod report;
mod school;
mod staff;
mod status;
mod support;

use crate::i18n::{Tr, negotiate};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use domain::complaint::{Language, Relation, Sex};

/// Where the quick-exit button goes: a neutral page that looks like any other search.
pub const QUICK_EXIT_URL: &str = "https://www.google.kz/search?q=weather";

/// Everything whose text goes through translation keys (for the test that every key used
/// is defined in every language).
pub const TRANSLATED_SOURCES: &[&str] = &[
    include_str!("../../templates/base.html"),
    include_str!("../../templates/home.html"),
    include_str!("../../templates/report.html"),
    include_str!("../../templates/receipt.html"),
    include_str!("../../templates/status.html"),
    include_str!("../../templates/error.html"),
    include_str!("../../templates/error_summary.html"),
    include_str!("../../templates/head_common.html"),
    include_str!("../../templates/languages.html"),
    include_str!("../../templates/fields.html"),
    include_str!("mod.rs"),
    include_str!("report.rs"),
    include_str!("status.rs"),
    include_str!("staff.rs"),
    include_str!("account.rs"),
    include_str!("admin.rs"),
    include_str!("agency.rs"),
    include_str!("school.rs"),
    include_str!("children.rs"),
    include_str!("centers.rs"),
    include_str!("../../templates/staff/centers.html"),
    include_str!("../../templates/staff/center.html"),
    include_str!("support.rs"),
    include_str!("../../templates/staff/support_inbox.html"),
    include_str!("../../templates/staff/support_case.html"),
    include_str!("../../templates/staff/support_referral.html"),
    include_str!("../../templates/staff/support_figures.html"),
    include_str!("../../templates/human_check.html"),
    include_str!("../../templates/child_start.html"),
    include_str!("../../templates/child_help.html"),
    include_str!("../../templates/child_form.html"),
    include_str!("../../templates/staff/school_report.html"),
    include_str!("../../templates/staff/school_reports.html"),
    include_str!("../../templates/staff/school_report_view.html"),
    include_str!("../../templates/staff/school_figures.html"),
    include_str!("../../templates/staff/period_fields.html"),
    include_str!("evidence.rs"),
    include_str!("../../templates/staff/evidence_section.html"),
    include_str!("institutions.rs"),
    include_str!("../../templates/staff/institutions.html"),
    include_str!("../../templates/staff/poster.html"),
    include_str!("../../templates/staff/inbox.html"),
    include_str!("../../templates/staff/urgency.html"),
    include_str!("../../templates/staff/assignment.html"),
    include_str!("../../templates/staff/compliance.html"),
    include_str!("../../templates/staff/account.html"),
    include_str!("../../templates/staff/users.html"),
    include_str!("../../templates/staff/audit.html"),
    include_str!("../../templates/staff/sign_out.html"),
    include_str!("../../templates/staff/sign_in.html"),
    include_str!("../../templates/staff/intake.html"),
    include_str!("../../templates/staff/preview.html"),
    include_str!("../../templates/staff/registered.html"),
];

/// The codes of field errors, each with its message key `error-<code>`.
pub const ERROR_CODES: &[&str] = &[
    "required",
    "too_long",
    "expected_text",
    "expected_number",
    "expected_boolean",
    "expected_object",
    "expected_list",
    "out_of_range",
    "unknown_value",
    "invalid_phone",
    "conflict",
    "too_many",
    "invalid_json",
    "invalid_code",
    "invalid_pin",
    "invalid",
    "duplicate",
    "invalid_iin",
    "too_short",
    "wrong_password",
    "taken",
    "not_allowed",
    "own_account",
    "invalid_date",
    "expected_time",
    "expected_date",
    "not_collected",
    "not_registered",
    "empty",
    "too_large",
    "unsupported_type",
    "invalid_url",
    "invalid_id",
];

/// Message keys for a field and code that deserve more than the general message.
pub const FIELD_MESSAGES: &[&str] = &[
    "error-narrative-required",
    "error-region-required",
    "error-reporter_name-required",
    "error-reporter_phone-required",
    "error-anonymous-conflict",
    "error-victim_age-conflict",
    "error-captured_at-out_of_range",
];

/// An upload of the institutions' registry (page or API): the largest CSV file and the form around it.
pub const IMPORT_BODY_LIMIT: usize = crate::service::institutions::MAX_CSV_BYTES + 64 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/report", get(report::form).post(report::submit))
        .route("/qr", get(report::form_from_qr))
        .route("/qr/{code}", get(children::start))
        .route("/qr/{code}/help", get(children::help))
        .route("/qr/{code}/tell", get(children::form).post(children::submit))
        .route("/status", get(status::form).post(status::check))
        .route("/staff", get(|| async { axum::response::Redirect::to("/staff/intake") }))
        .route("/staff/sign-in", get(account::sign_in_form).post(account::sign_in))
        .route("/staff/sign-out", post(account::sign_out))
        .route("/staff/account", get(account::account))
        .route("/staff/account/password", post(account::change_password))
        .route("/staff/account/email", post(account::set_email))
        .route("/staff/admin/users", get(admin::users).post(admin::create_user))
        .route("/staff/admin/users/access", post(admin::change_access))
        .route("/staff/admin/tokens", post(admin::issue_token))
        .route("/staff/admin/tokens/revoke", post(admin::revoke_token))
        .route("/staff/audit", get(admin::audit))
        .route("/staff/institutions", get(institutions::registry))
        .route("/staff/institutions/import", post(institutions::import).layer(DefaultBodyLimit::max(IMPORT_BODY_LIMIT)))
        .route("/staff/institutions/{bin}/qr.svg", get(institutions::qr_svg))
        .route("/staff/institutions/{bin}/poster", get(institutions::poster))
        .route("/staff/inbox", get(agency::inbox))
        .route("/staff/compliance", get(agency::compliance))
        .route("/staff/assignments/{id}/{agency_id}", get(agency::assignment).post(agency::take_step))
        .route(
            "/staff/assignments/{id}/{agency_id}/evidence",
            post(evidence::add_file).layer(axum::extract::DefaultBodyLimit::max(crate::api::UPLOAD_BODY_LIMIT)),
        )
        .route("/staff/assignments/{id}/{agency_id}/links", post(evidence::add_link))
        .route("/staff/intake", get(staff::intake_form).post(staff::submit))
        .route("/staff/intake/preview", post(staff::preview))
        .route("/staff/school-report", get(school::form).post(school::submit))
        .route("/staff/centers", get(centers::list))
        .route("/staff/centers/{id}", get(centers::show).post(centers::set_profile))
        .route("/staff/centers/{id}/occupancy", post(centers::set_occupancy))
        .route("/staff/school-reports", get(school::list))
        .route("/staff/school-reports/{id}", get(school::view))
        .route(
            "/staff/school-reports/{id}/evidence",
            post(evidence::add_file_to_school_report).layer(axum::extract::DefaultBodyLimit::max(crate::api::UPLOAD_BODY_LIMIT)),
        )
        .route("/staff/school-reports/{id}/links", post(evidence::add_link_to_school_report))
        .route("/staff/figures/schools", get(school::figures))
        .route("/staff/support", get(support::inbox))
        .route("/staff/support/referrals/{id}/{decision}", post(support::decide))
        .route("/staff/support-cases/{id}", get(support::case))
        .route("/staff/support-cases/{id}/{form}", post(support::work))
        .route("/staff/referrals/new", get(support::referral_form).post(support::refer))
        .route("/staff/figures/support", get(support::figures))
        .route("/assets/htmx-2.0.4.min.js", get(|| asset("text/javascript", include_str!("../../assets/htmx-2.0.4.min.js"))))
        .route("/assets/style.css", get(|| asset("text/css", include_str!("../../assets/style.css"))))
        .route("/assets/poster.css", get(|| asset("text/css", include_str!("../../assets/poster.css"))))
        .route("/assets/exit.js", get(|| asset("text/javascript", include_str!("../../assets/exit.js"))))
}

async fn asset(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "public, max-age=3600")], body).into_response()
}

/// The language of a page, and whether it was chosen just now (then it is remembered in a
/// cookie that lasts only as long as the browser is open).
pub struct PageLanguage {
    pub tr: Tr,
    chosen: bool,
}

impl<S: Send + Sync> FromRequestParts<S> for PageLanguage {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().and_then(|q| q.split('&').find_map(|p| p.strip_prefix("lang=")));
        let cookie = parts
            .headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .find_map(|c| c.trim().strip_prefix("lang="));
        let accept = parts.headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
        let language = negotiate(query, cookie, accept);
        Ok(PageLanguage { tr: Tr::new(language), chosen: query.and_then(Language::parse).is_some() })
    }
}

/// Renders a page: never cached (it may hold a PIN or a person's words), with the language
/// cookie when the language was just chosen.
pub fn render(lang: &PageLanguage, status: StatusCode, page: &impl Template) -> Response {
    let html = match page.render() {
        Ok(html) => html,
        Err(error) => {
            tracing::error!(%error, "a template failed to render");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let mut response = (status, Html(html)).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if lang.chosen {
        let cookie = format!("lang={}; Path=/; SameSite=Lax; HttpOnly", lang.tr.code());
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().insert(header::SET_COOKIE, value);
        }
    }
    response
}

/// A message next to a field, and in the error summary linking to it.
pub struct PageError {
    pub id: String,
    pub message: String,
}

/// The errors of a form, by field id (at most one message per field).
#[derive(Default)]
pub struct FieldErrors(Vec<PageError>);

impl FieldErrors {
    pub fn push(&mut self, error: PageError) {
        if !self.has(&error.id) {
            self.0.push(error);
        }
    }

    pub fn has(&self, id: &str) -> bool {
        self.0.iter().any(|e| e.id == id)
    }

    pub fn messages(&self, id: &str) -> Vec<&str> {
        self.0.iter().filter(|e| e.id == id).map(|e| e.message.as_str()).collect()
    }

    pub fn all(&self) -> &[PageError] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FromIterator<PageError> for FieldErrors {
    fn from_iter<I: IntoIterator<Item = PageError>>(iter: I) -> Self {
        let mut errors = FieldErrors::default();
        iter.into_iter().for_each(|e| errors.push(e));
        errors
    }
}

/// Turns a field error into a message in the page's language: the field's own message when
/// there is one, else the general one for its code, after the field's label.
pub fn page_error(tr: &Tr, id: &str, code: &str) -> PageError {
    let message = tr.try_t(&format!("error-{id}-{code}")).unwrap_or_else(|| {
        let label = tr.t(&format!("field-{}", id.replace('_', "-")));
        format!("{label}: {}", tr.t(&format!("error-{code}")))
    });
    PageError { id: id.to_owned(), message }
}

/// Options of a select: (value, label, selected).
/// The field errors of a refusal, each next to the field of the same name; `None` if the
/// error is not about fields.
pub fn validation_errors(tr: &Tr, error: &crate::error::AppError) -> Option<FieldErrors> {
    match error {
        crate::error::AppError::Domain(domain::Error::Validation(fields)) => {
            Some(fields.iter().map(|f| page_error(tr, &f.field, f.code)).collect())
        }
        _ => None,
    }
}

pub type Options = Vec<(String, String, bool)>;

fn options<T: Copy>(items: &[T], code: impl Fn(T) -> &'static str, label: impl Fn(T) -> String, selected: &str) -> Options {
    items.iter().map(|&i| (code(i).to_owned(), label(i), code(i) == selected)).collect()
}

pub fn sex_options(tr: &Tr, selected: &str) -> Options {
    options(&[Sex::Female, Sex::Male], Sex::as_str, |s| tr.t(&format!("sex-{}", s.as_str())), selected)
}

pub fn relation_options(tr: &Tr, selected: &str) -> Options {
    options(Relation::ALL, Relation::as_str, |r| tr.t(&format!("relation-{}", r.as_str())), selected)
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    t: Tr,
}

async fn home(lang: PageLanguage) -> Response {
    render(&lang, StatusCode::OK, &HomePage { t: lang.tr })
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub t: Tr,
    pub title: String,
    pub message: String,
}

/// A time as staff and reporters read it: Kazakhstan time, `25.11.2026 14:30`.
pub fn local_time(t: time::OffsetDateTime) -> String {
    let format = time::macros::format_description!("[day].[month].[year] [hour]:[minute]");
    domain::clock::local(t).format(format).unwrap_or_default()
}

/// The same, or a dash when there is no time.
pub fn local_time_or_dash(t: Option<time::OffsetDateTime>) -> String {
    t.map(local_time).unwrap_or_else(|| "—".into())
}

/// The page for a failure of ours: the request id is in the response headers and the log.
pub fn internal_error(lang: &PageLanguage) -> Response {
    let page = ErrorPage { t: lang.tr, title: lang.tr.t("error-internal-title"), message: lang.tr.t("error-internal") };
    render(lang, StatusCode::INTERNAL_SERVER_ERROR, &page)
}

/// The page for something that is not there (or not the viewer's to see).
pub fn not_found(lang: &PageLanguage) -> Response {
    let page = ErrorPage { t: lang.tr, title: lang.tr.t("error-not-found-title"), message: lang.tr.t("error-not-found") };
    render(lang, StatusCode::NOT_FOUND, &page)
}

/// The page for a form that could not be read (not sent by our pages).
pub fn unreadable_form(lang: &PageLanguage) -> Response {
    let page = ErrorPage { t: lang.tr, title: lang.tr.t("error-unreadable-title"), message: lang.tr.t("error-unreadable") };
    render(lang, StatusCode::BAD_REQUEST, &page)
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::complaint::Status;

    #[test]
    fn every_code_shown_on_a_page_has_a_text_in_every_language() {
        for (language, defined) in crate::i18n::keys_by_language() {
            let mut keys: Vec<String> = ERROR_CODES.iter().map(|c| format!("error-{c}")).collect();
            keys.extend(FIELD_MESSAGES.iter().map(|k| k.to_string()));
            keys.extend(Relation::ALL.iter().map(|r| format!("relation-{}", r.as_str())));
            keys.extend(Sex::ALL.iter().map(|s| format!("sex-{}", s.as_str())));
            keys.extend(domain::school::SchoolReportKind::ALL.iter().map(|k| format!("school-kind-{}", k.as_str())));
            keys.extend(domain::school::MinorRole::ALL.iter().map(|r| format!("minor-role-{}", r.as_str())));
            keys.extend(
                Status::ALL.iter().flat_map(|s| [format!("status-{}", s.as_str()), format!("status-{}-explanation", s.as_str())]),
            );
            for item in domain::triage::ITEMS {
                keys.push(format!("question-{}", item.code));
                keys.push(format!("reason-{}", item.code));
                if item.public {
                    keys.push(format!("public-question-{}", item.code));
                }
            }
            for reason in ["dash_count", "lethality_count", "cluster", "escalation", "professional_judgement"] {
                keys.push(format!("reason-{reason}"));
            }
            keys.extend(domain::triage::RiskLevel::ALL.iter().map(|l| format!("risk-{}", l.as_str())));
            keys.extend(domain::routing::Role::ALL.iter().map(|r| format!("role-{}", r.as_str())));
            keys.extend(domain::complaint::Channel::ALL.iter().map(|c| format!("channel-{}", c.as_str())));
            keys.extend(Language::ALL.iter().map(|l| format!("language-{}", l.as_str())));
            for id in report::FORM_FIELDS.iter().chain(status::FORM_FIELDS) {
                keys.push(format!("field-{}", id.replace('_', "-")));
            }
            for key in keys {
                assert!(defined.contains(&key), "{language:?} lacks {key}");
            }
        }
    }
}

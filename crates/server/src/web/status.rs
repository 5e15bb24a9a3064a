//! The status page: a reporter types their code and PIN (posted, so neither lands in a URL
//! or a browser history) and sees the status and dates, in Kazakhstan time.

use super::{FieldErrors, PageError, PageLanguage, internal_error, page_error, render};
use crate::api::ClientAddress;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::service::{Caller, complaints as service};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

#[cfg(test)]
pub const FORM_FIELDS: &[&str] = &["tracking_code", "pin"];

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StatusForm {
    tracking_code: String,
    pin: String,
}

pub struct StatusResult {
    pub code: String,
    pub status: String,
    pub explanation: String,
    pub received: String,
    pub updated: String,
    /// Each agency's name and where it stands.
    pub progress: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "status.html")]
struct StatusPage {
    t: Tr,
    code: String,
    errors: FieldErrors,
    result: Option<StatusResult>,
}

pub async fn form(lang: PageLanguage) -> Response {
    render(&lang, StatusCode::OK, &StatusPage { t: lang.tr, code: String::new(), errors: FieldErrors::default(), result: None })
}

/// `25.11.2026 14:05` in Kazakhstan time.
pub async fn check(
    State(state): State<AppState>,
    lang: PageLanguage,
    ClientAddress(address): ClientAddress,
    form: Result<Form<StatusForm>, FormRejection>,
) -> Response {
    let tr = lang.tr;
    let Ok(Form(form)) = form else { return super::unreadable_form(&lang) };
    let caller = Caller::Public { address, human_checked: false };
    let page = |errors: FieldErrors, result| StatusPage { t: tr, code: form.tracking_code.clone(), errors, result };
    match service::status(&state, &form.tracking_code, &form.pin, &caller).await {
        Ok(view) => {
            let status = view.status.as_str();
            let result = StatusResult {
                code: view.tracking_code.to_string(),
                status: tr.t(&format!("status-{status}")),
                explanation: tr.t(&format!("status-{status}-explanation")),
                received: super::local_time(view.received_at),
                updated: super::local_time(view.updated_at),
                progress: view
                    .progress
                    .iter()
                    .map(|p| {
                        let agency = state.reference.agencies.get(&p.agency_id).map(|a| a.names.get(tr.language).to_owned());
                        (agency.unwrap_or_default(), tr.t(&format!("assignment-status-{}", p.status.as_str())))
                    })
                    .collect(),
            };
            render(&lang, StatusCode::OK, &page(FieldErrors::default(), Some(result)))
        }
        Err(AppError::Domain(domain::Error::Validation(fields))) => {
            let errors =
                fields.iter().map(|f| page_error(&tr, if f.field == "pin" { "pin" } else { "tracking_code" }, f.code)).collect();
            render(&lang, StatusCode::UNPROCESSABLE_ENTITY, &page(errors, None))
        }
        Err(AppError::Domain(domain::Error::NotFound)) => {
            let error = PageError { id: "tracking_code".into(), message: tr.t("status-not-found") };
            render(&lang, StatusCode::NOT_FOUND, &page(FieldErrors::from_iter([error]), None))
        }
        Err(AppError::RateLimited(wait)) => {
            let minutes = wait.as_secs().div_ceil(60).max(1);
            let error = PageError { id: "tracking_code".into(), message: tr.t1("status-too-many", "minutes", minutes) };
            render(&lang, StatusCode::TOO_MANY_REQUESTS, &page(FieldErrors::from_iter([error]), None))
        }
        Err(error) => {
            if let AppError::Internal(e) = &error {
                tracing::error!(error = format!("{e:#}"), "the status page failed");
            }
            internal_error(&lang)
        }
    }
}

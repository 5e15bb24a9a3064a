//! Signing in and out of the staff pages, and one's own password.
//!
//! The session cookie holds a random value (the database keeps its digest); it is `Secure`,
//! `HttpOnly`, `SameSite=Strict`, and a new one is made at every sign-in. Every form that
//! changes something carries the session's CSRF token, and posts must come from our pages.

use super::{FieldErrors, PageError, PageLanguage, render};
use crate::api::{ClientAddress, SESSION_COOKIE, session_cookie};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::service::Staff;
use crate::service::accounts::{self, SESSION_HOURS, SignInError};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::clock::local;
use domain::policy::StaffRole;
use serde::Deserialize;
use time::macros::format_description;

/// A request from a signed-in staff member (a browser session). Others are sent to sign in.
pub struct StaffPage(pub Staff);

impl StaffPage {
    pub fn csrf(&self) -> &str {
        self.0.session.as_ref().map(|s| s.csrf_token.as_str()).unwrap_or("")
    }
}

impl FromRequestParts<AppState> for StaffPage {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let ClientAddress(address) =
            ClientAddress::from_request_parts(parts, state).await.map_err(IntoResponse::into_response)?;
        let staff = match session_cookie(parts) {
            Some(value) => accounts::session(state, value, address).await.map_err(IntoResponse::into_response)?,
            None => None,
        };
        match staff {
            Some(staff) => Ok(StaffPage(staff)),
            // htmx would swap the sign-in page into the panel: tell it to go there instead.
            None if parts.headers.contains_key("hx-request") => {
                Err(([("hx-redirect", "/staff/sign-in")], StatusCode::UNAUTHORIZED).into_response())
            }
            None => Err(Redirect::to("/staff/sign-in").into_response()),
        }
    }
}

/// Posts that change something must come from our own pages (`Origin`, `Sec-Fetch-Site`).
fn same_origin(headers: &HeaderMap) -> bool {
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    let site_ok = fetch_site.is_none_or(|s| s == "same-origin" || s == "none");
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let origin_ok = match (headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()), host) {
        // Browsers send `Origin: null` from a page whose referrer policy is `no-referrer` (ours
        // is): it says nothing, so the fetch metadata decides, and must be there.
        (Some("null"), _) => fetch_site == Some("same-origin"),
        (Some(origin), Some(host)) => origin.split("://").nth(1) == Some(host),
        (Some(_), None) => false,
        (None, _) => true,
    };
    site_ok && origin_ok
}

/// The page refusing a post from elsewhere or without the session's CSRF token, if it is one.
pub fn csrf_refusal(staff: &StaffPage, lang: &PageLanguage, headers: &HeaderMap, token: &str) -> Option<Response> {
    let ok = same_origin(headers) && !staff.csrf().is_empty() && crate::auth::same(token, staff.csrf());
    (!ok).then(|| forbidden(lang))
}

pub fn forbidden(lang: &PageLanguage) -> Response {
    let page = super::ErrorPage { t: lang.tr, title: lang.tr.t("error-forbidden-title"), message: lang.tr.t("error-forbidden") };
    render(lang, StatusCode::FORBIDDEN, &page)
}

/// The page refusing what the account's role may not do (or not on this record).
pub fn not_permitted(lang: &PageLanguage) -> Response {
    let page =
        super::ErrorPage { t: lang.tr, title: lang.tr.t("error-forbidden-title"), message: lang.tr.t("error-not-permitted") };
    render(lang, StatusCode::FORBIDDEN, &page)
}

fn cookie(value: &str, max_age: i64) -> HeaderValue {
    let text = format!("{SESSION_COOKIE}={value}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age={max_age}");
    HeaderValue::from_str(&text).expect("a cookie of hex digits is a valid header")
}

#[derive(Template)]
#[template(path = "staff/sign_in.html")]
struct SignInPage {
    t: Tr,
    login: String,
    errors: FieldErrors,
}

pub async fn sign_in_form(lang: PageLanguage) -> Response {
    render(&lang, StatusCode::OK, &SignInPage { t: lang.tr, login: String::new(), errors: FieldErrors::default() })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SignInForm {
    login: String,
    password: String,
}

/// Where each role starts.
pub fn home_of(role: StaffRole) -> &'static str {
    match role {
        StaffRole::Operator | StaffRole::Supervisor => "/staff/intake",
        StaffRole::SchoolReporter => "/staff/school-report",
        StaffRole::Administrator => "/staff/admin/users",
        StaffRole::Auditor => "/staff/audit",
        StaffRole::Analyst => "/staff/compliance",
        StaffRole::AgencyOfficer | StaffRole::AgencyHead => "/staff/inbox",
        StaffRole::FamilySupportSpecialist => "/staff/support",
    }
}

pub async fn sign_in(
    State(state): State<AppState>,
    lang: PageLanguage,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    form: Result<Form<SignInForm>, FormRejection>,
) -> Response {
    if !same_origin(&headers) {
        return forbidden(&lang);
    }
    let Ok(Form(form)) = form else { return super::unreadable_form(&lang) };
    let tr = lang.tr;
    let refused = |status, message: String| {
        let errors = FieldErrors::from_iter([PageError { id: "login".into(), message }]);
        render(&lang, status, &SignInPage { t: tr, login: form.login.clone(), errors })
    };
    match accounts::sign_in(&state, &form.login, &form.password, address).await {
        Ok(signed_in) => {
            let mut response = Redirect::to(home_of(signed_in.role)).into_response();
            response.headers_mut().insert(header::SET_COOKIE, cookie(&signed_in.cookie_value, SESSION_HOURS * 3600));
            response
        }
        Err(SignInError::Wrong) => refused(StatusCode::UNAUTHORIZED, tr.t("sign-in-wrong")),
        Err(SignInError::Locked(until)) => {
            let at = local(until).format(format_description!("[hour]:[minute]")).unwrap_or_default();
            refused(StatusCode::TOO_MANY_REQUESTS, tr.t1("sign-in-locked", "time", at))
        }
        Err(SignInError::Other(AppError::RateLimited(wait))) => {
            refused(StatusCode::TOO_MANY_REQUESTS, tr.t1("status-too-many", "minutes", wait.as_secs().div_ceil(60).max(1)))
        }
        Err(SignInError::Other(_)) => super::internal_error(&lang),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn sign_out(
    State(state): State<AppState>,
    staff: StaffPage,
    lang: PageLanguage,
    headers: HeaderMap,
    form: Result<Form<CsrfForm>, FormRejection>,
) -> Response {
    let token = form.map(|Form(f)| f.csrf).unwrap_or_default();
    if let Some(refused) = csrf_refusal(&staff, &lang, &headers, &token) {
        return refused;
    }
    if accounts::sign_out(&state, &staff.0).await.is_err() {
        return super::internal_error(&lang);
    }
    let mut response = Redirect::to("/staff/sign-in").into_response();
    response.headers_mut().insert(header::SET_COOKIE, cookie("", 0));
    response
}

#[derive(Template)]
#[template(path = "staff/account.html")]
struct AccountPage {
    t: Tr,
    csrf: String,
    name: String,
    role: String,
    agency: String,
    email: String,
    /// The confirmation to show (a locale key), after a change.
    done: Option<&'static str>,
    errors: FieldErrors,
}

impl AccountPage {
    async fn new(
        state: &AppState,
        staff: &StaffPage,
        tr: Tr,
        done: Option<&'static str>,
        errors: FieldErrors,
    ) -> Result<Self, AppError> {
        let role = staff.0.actor.role().map(|r| tr.t(&format!("staff-role-{}", r.as_str()))).unwrap_or_default();
        let agency = staff
            .0
            .actor
            .agency_id
            .as_deref()
            .and_then(|id| state.reference.agencies.get(id))
            .map(|a| a.names.get(tr.language).to_owned())
            .or_else(|| staff.0.actor.institution_id.clone())
            .unwrap_or_default();
        let email = accounts::own(state, &staff.0).await?.email.unwrap_or_default();
        Ok(AccountPage {
            t: tr,
            csrf: staff.csrf().to_owned(),
            name: staff.0.display_name.clone(),
            role,
            agency,
            email,
            done,
            errors,
        })
    }
}

/// The account page, with a confirmation or the errors of a form.
async fn account_page(
    state: &AppState,
    staff: &StaffPage,
    lang: &PageLanguage,
    outcome: Result<&'static str, AppError>,
) -> Response {
    let (status, done, errors) = match outcome {
        Ok(done) => (StatusCode::OK, Some(done), FieldErrors::default()),
        Err(error) => match super::validation_errors(&lang.tr, &error) {
            Some(errors) => (StatusCode::UNPROCESSABLE_ENTITY, None, errors),
            None => return super::internal_error(lang),
        },
    };
    match AccountPage::new(state, staff, lang.tr, done, errors).await {
        Ok(page) => render(lang, status, &page),
        Err(_) => super::internal_error(lang),
    }
}

pub async fn account(State(state): State<AppState>, staff: StaffPage, lang: PageLanguage) -> Response {
    match AccountPage::new(&state, &staff, lang.tr, None, FieldErrors::default()).await {
        Ok(page) => render(&lang, StatusCode::OK, &page),
        Err(_) => super::internal_error(&lang),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EmailForm {
    csrf: String,
    email: String,
}

/// Sets where one's own notices go by mail.
pub async fn set_email(
    State(state): State<AppState>,
    staff: StaffPage,
    lang: PageLanguage,
    headers: HeaderMap,
    form: Result<Form<EmailForm>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else { return super::unreadable_form(&lang) };
    if let Some(refused) = csrf_refusal(&staff, &lang, &headers, &form.csrf) {
        return refused;
    }
    let outcome = accounts::set_notice_email(&state, &staff.0, staff.0.actor.id(), Some(&form.email)).await;
    account_page(&state, &staff, &lang, outcome.map(|_| "email-saved")).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordForm {
    csrf: String,
    current_password: String,
    new_password: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    staff: StaffPage,
    lang: PageLanguage,
    headers: HeaderMap,
    form: Result<Form<PasswordForm>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else { return super::unreadable_form(&lang) };
    if let Some(refused) = csrf_refusal(&staff, &lang, &headers, &form.csrf) {
        return refused;
    }
    let outcome = accounts::change_password(&state, &staff.0, &form.current_password, &form.new_password).await;
    account_page(&state, &staff, &lang, outcome.map(|()| "password-changed")).await
}

//! The children's channel: the pages a school's QR code opens (`/qr/{bin}`).
//!
//! Most children reach the contact center this way (DOMAIN.md), often on a cheap phone and
//! sometimes with the person who hurts them nearby. So the first page asks one thing — "Is
//! someone hurting you right now?" — with two big buttons: yes leads at once to emergency help
//! (call 102, call 111, or write to us with the danger marked); no leads to a short form in
//! plain words (what happened, your age, who). The institution comes from the code: the child
//! never types a school, a region or a town. Every page has the quick exit, and nothing works
//! differently without JavaScript.
//!
//! The form is the public report form's ([`ReportForm`]) with fewer fields, sent through the
//! same path ([`report::send`]) with the QR door, so validation, the human check and the receipt
//! are one. An unknown code is not a dead end: it opens the general form of the QR channel.

use super::report::{self, Door, HumanCheck, ReportForm};
use super::{FieldErrors, Options, PageLanguage, internal_error, render};
use crate::api::ClientAddress;
use crate::i18n::Tr;
use crate::service::schools as service;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::institution::Institution;
use serde::Deserialize;

/// Who may be hurting a child, in a child's words: the relation each stands for.
const WHO: &[&str] = &["classmate", "teacher", "other_relative", "acquaintance", "stranger"];

#[derive(Template)]
#[template(path = "child_start.html")]
struct StartPage {
    t: Tr,
    code: String,
    school: String,
}

#[derive(Template)]
#[template(path = "child_help.html")]
struct HelpPage {
    t: Tr,
    code: String,
}

#[derive(Template)]
#[template(path = "child_form.html")]
struct FormPage {
    t: Tr,
    code: String,
    school: String,
    form: ReportForm,
    errors: FieldErrors,
    check: Option<HumanCheck>,
    who: Options,
    danger: bool,
}

impl FormPage {
    fn new(code: &str, school: &Institution, tr: Tr, form: ReportForm, errors: FieldErrors, check: Option<HumanCheck>) -> Self {
        let who = WHO.iter().map(|w| (w.to_string(), tr.t(&format!("child-who-{w}")), form.perpetrator_relation == *w)).collect();
        FormPage {
            code: code.to_owned(),
            school: school.name.clone(),
            danger: form.said_yes("danger_now"),
            form,
            errors,
            check,
            who,
            t: tr,
        }
    }
}

/// The institution of a code, or the response to give instead: the general QR form for an
/// unknown code, the error page if the registry cannot be read.
async fn institution_or(state: &AppState, lang: &PageLanguage, code: &str) -> Result<Institution, Response> {
    match service::qr_institution(state, code).await {
        Ok(Some(institution)) => Ok(institution),
        Ok(None) => Err(Redirect::to(&format!("/qr?lang={}", lang.tr.code())).into_response()),
        Err(error) => {
            tracing::error!(error = %error, "the registry could not be read for a QR code");
            Err(internal_error(lang))
        }
    }
}

/// "Is someone hurting you right now?"
pub async fn start(State(state): State<AppState>, lang: PageLanguage, Path(code): Path<String>) -> Response {
    let school = match institution_or(&state, &lang, &code).await {
        Ok(school) => school,
        Err(response) => return response,
    };
    render(&lang, StatusCode::OK, &StartPage { t: lang.tr, code, school: school.name })
}

/// Emergency help: call 102 or 111, or write to us with the danger marked.
pub async fn help(lang: PageLanguage, Path(code): Path<String>) -> Response {
    render(&lang, StatusCode::OK, &HelpPage { t: lang.tr, code })
}

/// `?danger=yes` when the child came from the emergency page.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FormQuery {
    danger: String,
}

/// The short form.
pub async fn form(
    State(state): State<AppState>,
    lang: PageLanguage,
    Path(code): Path<String>,
    Query(query): Query<FormQuery>,
) -> Response {
    let school = match institution_or(&state, &lang, &code).await {
        Ok(school) => school,
        Err(response) => return response,
    };
    let mut form = ReportForm { form_id: report::new_form_id(), ..ReportForm::default() };
    if query.danger == "yes" {
        form.questions.insert("q_danger_now".into(), "yes".into());
    }
    render(&lang, StatusCode::OK, &FormPage::new(&code, &school, lang.tr, form, FieldErrors::default(), None))
}

/// Sends the child's report into the contact center's queue with the institution attached.
pub async fn submit(
    State(state): State<AppState>,
    lang: PageLanguage,
    ClientAddress(address): ClientAddress,
    Path(code): Path<String>,
    form: Result<Form<ReportForm>, FormRejection>,
) -> Response {
    let Ok(Form(mut form)) = form else { return super::unreadable_form(&lang) };
    let school = match institution_or(&state, &lang, &code).await {
        Ok(school) => school,
        Err(response) => return response,
    };
    // A child reports anonymously: the form has no fields to identify them.
    form.anonymous = "yes".into();
    form.src = "qr".into();
    let redisplay =
        |tr, form, errors, check, status| render(&lang, status, &FormPage::new(&code, &school, tr, form, errors, check));
    report::send(&state, &lang, address, form, Door::Qr(&school), redisplay).await
}

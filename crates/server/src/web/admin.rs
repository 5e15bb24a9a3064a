//! The administrator's page of accounts (`/staff/admin/users`) and the auditor's page of the
//! audit trail (`/staff/audit`). Both ask the same services as the API; the policy decides.

use super::account::{StaffPage, csrf_refusal, forbidden};
use super::{FieldErrors, Options, PageLanguage, render, validation_errors};
use crate::api::AuditParams;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::service::accounts::{self, AccessChange, NewUser, TokenRequest};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use domain::audit::AuditAction;
use domain::clock::local;
use domain::policy::{Permission, StaffRole};
use serde::Deserialize;
use store::audit::StoredEvent;
use store::users::User;
use time::macros::format_description;

/// An account as a row of the table.
pub struct UserRow {
    pub id: String,
    pub login: String,
    pub name: String,
    pub roles: Options,
    pub agency_id: String,
    pub institution_id: String,
    pub disabled: bool,
    pub locked: bool,
}

#[derive(Template)]
#[template(path = "staff/users.html")]
struct UsersPage {
    t: Tr,
    csrf: String,
    users: Vec<UserRow>,
    roles: Options,
    agencies: Options,
    form: NewUserForm,
    errors: FieldErrors,
    saved: bool,
    tokens: Vec<TokenRow>,
    /// Messages that failed every attempt: (recipient, topic, attempts, last error).
    dead: Vec<(String, String, i64, String)>,
    permissions: Options,
    /// A token just issued: shown this once.
    issued: Option<String>,
}

/// An agency system's token as a row of the table.
pub struct TokenRow {
    pub id: String,
    pub name: String,
    pub agency: String,
    pub permissions: String,
    pub expires: String,
    pub live: bool,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct NewUserForm {
    csrf: String,
    login: String,
    display_name: String,
    role: String,
    agency_id: String,
    institution_id: String,
    password: String,
    email: String,
}

fn role_options(tr: &Tr, selected: &str) -> Options {
    StaffRole::ALL
        .iter()
        .map(|r| (r.as_str().to_owned(), tr.t(&format!("staff-role-{}", r.as_str())), r.as_str() == selected))
        .collect()
}

async fn users_page(
    state: &AppState,
    staff: &StaffPage,
    lang: &PageLanguage,
    status: StatusCode,
    form: NewUserForm,
    errors: FieldErrors,
    outcome: Outcome,
) -> Response {
    let tr = lang.tr;
    let listed = match accounts::list_users(state, &staff.0).await {
        Ok(users) => accounts::list_tokens(state, &staff.0).await.map(|tokens| (users, tokens)),
        Err(e) => Err(e),
    };
    let dead = accounts::outbox(state, &staff.0, "dead").await.unwrap_or_default();
    let (users, tokens) = match listed {
        Ok(listed) => listed,
        Err(AppError::Domain(domain::Error::Forbidden)) => return forbidden(lang),
        Err(_) => return super::internal_error(lang),
    };
    let now = state.clock.now();
    let row = |u: User| UserRow {
        id: u.id.to_string(),
        roles: role_options(&tr, u.role.as_str()),
        login: u.login,
        name: u.display_name,
        agency_id: u.agency_id.unwrap_or_default(),
        institution_id: u.institution_id.unwrap_or_default(),
        disabled: u.disabled,
        locked: u.locked_until.is_some_and(|t| t > now),
    };
    let agencies = state
        .reference
        .agencies
        .agencies()
        .iter()
        .map(|a| (a.id.clone(), a.names.get(tr.language).to_owned(), a.id == form.agency_id))
        .collect();
    let agency_name =
        |id: &str| state.reference.agencies.get(id).map(|a| a.names.get(tr.language).to_owned()).unwrap_or_default();
    let shown = |t: time::OffsetDateTime| local(t).format(format_description!("[day].[month].[year]")).unwrap_or_default();
    let token_row = |t: store::users::ApiToken| TokenRow {
        id: t.id.to_string(),
        agency: agency_name(&t.agency_id),
        permissions: t.permissions.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(", "),
        expires: shown(t.expires_at),
        live: t.revoked_at.is_none() && t.expires_at > now,
        name: t.name,
    };
    let page = UsersPage {
        t: tr,
        csrf: staff.csrf().to_owned(),
        users: users.into_iter().map(row).collect(),
        roles: role_options(&tr, &form.role),
        agencies,
        form,
        errors,
        saved: !matches!(outcome, Outcome::Shown),
        tokens: tokens.into_iter().map(token_row).collect(),
        dead: dead.into_iter().map(|m| (m.recipient, m.topic, m.attempts, m.last_error.unwrap_or_default())).collect(),
        permissions: Permission::ALL.iter().map(|p| (p.as_str().to_owned(), p.as_str().to_owned(), false)).collect(),
        issued: match outcome {
            Outcome::Issued(token) => Some(token),
            _ => None,
        },
    };
    render(lang, status, &page)
}

/// What the last post did, for the page to say.
enum Outcome {
    Shown,
    Saved,
    Issued(String),
}

pub async fn users(State(state): State<AppState>, staff: StaffPage, lang: PageLanguage) -> Response {
    users_page(&state, &staff, &lang, StatusCode::OK, NewUserForm::default(), FieldErrors::default(), Outcome::Shown).await
}

pub async fn create_user(
    State(state): State<AppState>,
    staff: StaffPage,
    lang: PageLanguage,
    headers: HeaderMap,
    form: Result<Form<NewUserForm>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else { return super::unreadable_form(&lang) };
    if let Some(refused) = csrf_refusal(&staff, &lang, &headers, &form.csrf) {
        return refused;
    }
    let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
    let new = NewUser {
        login: form.login.clone(),
        display_name: form.display_name.clone(),
        role: form.role.clone(),
        agency_id: some(&form.agency_id),
        institution_id: some(&form.institution_id),
        password: form.password.clone(),
        email: some(&form.email),
    };
    let result = accounts::create_user(&state, Some(&staff.0), new).await.map(|_| Outcome::Saved);
    let kept = NewUserForm { password: String::new(), ..form };
    answer_post(&state, &staff, &lang, result, kept).await
}

/// The accounts page after a post: the outcome, or the errors next to their fields (with what
/// the administrator typed kept), or a refusal.
async fn answer_post(
    state: &AppState,
    staff: &StaffPage,
    lang: &PageLanguage,
    result: Result<Outcome, AppError>,
    form: NewUserForm,
) -> Response {
    match result {
        Ok(outcome) => {
            users_page(state, staff, lang, StatusCode::OK, NewUserForm::default(), FieldErrors::default(), outcome).await
        }
        Err(AppError::Domain(domain::Error::Forbidden)) => forbidden(lang),
        Err(e) => match validation_errors(&lang.tr, &e) {
            Some(errors) => users_page(state, staff, lang, StatusCode::UNPROCESSABLE_ENTITY, form, errors, Outcome::Shown).await,
            None => super::internal_error(lang),
        },
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AccessForm {
    csrf: String,
    user_id: String,
    role: String,
    agency_id: String,
    institution_id: String,
    disabled: Option<String>,
}

pub async fn change_access(
    State(state): State<AppState>,
    staff: StaffPage,
    lang: PageLanguage,
    headers: HeaderMap,
    form: Result<Form<AccessForm>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else { return super::unreadable_form(&lang) };
    if let Some(refused) = csrf_refusal(&staff, &lang, &headers, &form.csrf) {
        return refused;
    }
    let Ok(id) = uuid::Uuid::parse_str(&form.user_id) else { return super::unreadable_form(&lang) };
    let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
    let change = AccessChange {
        role: form.role,
        agency_id: some(&form.agency_id),
        institution_id: some(&form.institution_id),
        disabled: form.disabled.is_some(),
    };
    let result = accounts::change_access(&state, &staff.0, id, change).await.map(|_| Outcome::Saved);
    answer_post(&state, &staff, &lang, result, NewUserForm::default()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TokenForm {
    csrf: String,
    name: String,
    agency_id: String,
    days: String,
    /// Ticked permissions, as `perm_<code>` = yes.
    #[serde(flatten)]
    ticks: std::collections::HashMap<String, String>,
}

pub async fn issue_token(
    State(state): State<AppState>,
    staff: StaffPage,
    lang: PageLanguage,
    headers: HeaderMap,
    form: Result<Form<TokenForm>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else { return super::unreadable_form(&lang) };
    if let Some(refused) = csrf_refusal(&staff, &lang, &headers, &form.csrf) {
        return refused;
    }
    let permissions = Permission::ALL
        .iter()
        .filter(|p| form.ticks.contains_key(&format!("perm_{}", p.as_str())))
        .map(|p| p.as_str().to_owned());
    let request = TokenRequest {
        name: form.name,
        agency_id: form.agency_id,
        permissions: permissions.collect(),
        days: form.days.trim().parse().unwrap_or(0),
    };
    let result = accounts::issue_token(&state, &staff.0, request).await.map(|(_, token)| Outcome::Issued(token));
    answer_post(&state, &staff, &lang, result, NewUserForm::default()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RevokeForm {
    csrf: String,
    token_id: String,
}

pub async fn revoke_token(
    State(state): State<AppState>,
    staff: StaffPage,
    lang: PageLanguage,
    headers: HeaderMap,
    form: Result<Form<RevokeForm>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else { return super::unreadable_form(&lang) };
    if let Some(refused) = csrf_refusal(&staff, &lang, &headers, &form.csrf) {
        return refused;
    }
    let Ok(id) = uuid::Uuid::parse_str(&form.token_id) else { return super::unreadable_form(&lang) };
    let result = accounts::revoke_token(&state, &staff.0, id).await.map(|_| Outcome::Saved);
    answer_post(&state, &staff, &lang, result, NewUserForm::default()).await
}

/// An event as a row of the auditor's table.
pub struct EventRow {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub actor_id: String,
    pub action: String,
    pub record: String,
    pub address: String,
}

#[derive(Template)]
#[template(path = "staff/audit.html")]
struct AuditPage {
    t: Tr,
    csrf: String,
    events: Vec<EventRow>,
    actions: Options,
    action: String,
    since: String,
    until: String,
    actor_id: String,
    record_id: String,
    older: Option<String>,
    errors: FieldErrors,
}

/// The filters as the form sends them (times as dates or RFC 3339).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AuditQuery {
    since: String,
    until: String,
    action: String,
    actor_id: String,
    record_id: String,
    before: Option<i64>,
}

fn as_time(date: &str) -> Option<String> {
    let date = date.trim();
    match date.len() {
        0 => None,
        // A date from the form's date field: the start of that day in Kazakhstan.
        10 => Some(format!("{date}T00:00:00+05:00")),
        _ => Some(date.to_owned()),
    }
}

fn event_row(tr: &Tr, e: StoredEvent) -> EventRow {
    let actor = match &e.actor_role {
        Some(role) => tr.t(&format!("staff-role-{role}")),
        None => tr.t(&format!("actor-{}", e.actor_kind)),
    };
    EventRow {
        seq: e.seq,
        at: local(e.at).format(format_description!("[day].[month].[year] [hour]:[minute]:[second]")).unwrap_or_default(),
        actor,
        actor_id: e.actor_id.map(|id| id.to_string()).unwrap_or_default(),
        action: e.action,
        record: match (e.record_kind, e.record_id) {
            (Some(kind), Some(id)) => format!("{kind} {id}"),
            _ => String::new(),
        },
        address: e.address.unwrap_or_default(),
    }
}

pub async fn audit(
    State(state): State<AppState>,
    staff: StaffPage,
    lang: PageLanguage,
    query: Result<Query<AuditQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let query = query.map(|Query(q)| q).unwrap_or_default();
    let tr = lang.tr;
    let params = AuditParams {
        since: as_time(&query.since),
        until: as_time(&query.until),
        actor_id: Some(query.actor_id.clone()),
        actor_kind: None,
        action: Some(query.action.clone()),
        record_id: Some(query.record_id.clone()),
        before: query.before,
        limit: Some(100),
    };
    let result = match params.filter() {
        Ok(filter) => crate::service::audit::events(&state, &staff.0, filter).await,
        Err(e) => Err(e),
    };
    let (events, errors) = match result {
        Ok(events) => (events, FieldErrors::default()),
        Err(AppError::Domain(domain::Error::Forbidden)) => return forbidden(&lang),
        Err(e) => match validation_errors(&tr, &e) {
            Some(errors) => (Vec::new(), errors),
            None => return super::internal_error(&lang),
        },
    };
    let older = (events.len() == 100).then(|| events.last().map(|e| e.seq.to_string())).flatten();
    let actions =
        AuditAction::ALL.iter().map(|a| (a.as_str().to_owned(), a.as_str().to_owned(), a.as_str() == query.action)).collect();
    let page = AuditPage {
        t: tr,
        csrf: staff.csrf().to_owned(),
        events: events.into_iter().map(|e| event_row(&tr, e)).collect(),
        actions,
        action: query.action,
        since: query.since,
        until: query.until,
        actor_id: query.actor_id,
        record_id: query.record_id,
        older,
        errors,
    };
    render(&lang, StatusCode::OK, &page)
}

//! The registry of family support centers (`/staff/centers`): every center of the agency
//! directory with what it offers and its shelter now; an administrator sets a center's profile
//! (address, services, capacity, shelter places), its head sets the shelter places occupied.
//!
//! The forms become the JSON of `PUT /api/v1/centers/{id}` and `…/occupancy` and go through
//! the same service, so the checks are one (occupancy never above the places).

use super::account::{StaffPage, csrf_refusal};
use super::support::{Refusal, Typed, agency_name, code_options, read, refusal};
use super::{FieldErrors, PageLanguage, render};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::service::support::{self as service, CenterView};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use domain::policy::StaffRole;
use domain::routing::AgencyKind;
use domain::support::{CenterInput, OccupancyInput, SupportService};
use serde_json::json;
use std::collections::BTreeMap;

/// A center as listed.
pub struct CenterLine {
    pub id: String,
    pub name: String,
    pub region: String,
    /// None until an administrator registers its profile.
    pub profile: Option<CenterView>,
    pub services: String,
}

#[derive(Template)]
#[template(path = "staff/centers.html")]
struct ListPage {
    t: Tr,
    csrf: String,
    centers: Vec<CenterLine>,
}

#[derive(Template)]
#[template(path = "staff/center.html")]
struct CenterPage {
    t: Tr,
    csrf: String,
    center: CenterLine,
    /// An administrator edits the profile; the center's head sets the occupancy.
    may_edit: bool,
    may_set_occupancy: bool,
    services: Vec<(String, String, bool)>,
    typed: BTreeMap<String, String>,
    errors: FieldErrors,
}

/// Every center of the directory, with its registered profile.
async fn lines(state: &AppState, staff: &StaffPage, tr: &Tr) -> Result<Vec<CenterLine>, AppError> {
    let registered = service::centers(state, &staff.0, None).await?;
    let lines = state.reference.agencies.agencies().iter().filter(|a| a.kind == AgencyKind::FamilySupportCenter);
    Ok(lines
        .map(|agency| {
            let profile = registered.iter().find(|c| c.agency_id == agency.id).cloned();
            let services = profile.as_ref().map(|p| services_text(tr, &p.services)).unwrap_or_default();
            let region = agency.region.as_deref().and_then(domain::region::Region::by_code);
            CenterLine {
                id: agency.id.clone(),
                name: agency_name(state, tr, &agency.id),
                region: region.map(|r| r.name(tr.language).to_owned()).unwrap_or_default(),
                profile,
                services,
            }
        })
        .collect())
}

fn services_text(tr: &Tr, services: &[SupportService]) -> String {
    services.iter().map(|s| tr.t(&format!("support-service-{}", s.as_str()))).collect::<Vec<_>>().join(", ")
}

/// The registry of centers.
pub async fn list(State(state): State<AppState>, staff: StaffPage, lang: PageLanguage) -> Response {
    let tr = lang.tr;
    match lines(&state, &staff, &tr).await {
        Ok(centers) => render(&lang, StatusCode::OK, &ListPage { t: tr, csrf: staff.csrf().to_owned(), centers }),
        Err(error) => refused_page(&lang, error),
    }
}

fn refused_page(lang: &PageLanguage, error: AppError) -> Response {
    match refusal(lang, error, |f| (f.to_owned(), f.to_owned())) {
        Refusal::Page(page) => page,
        _ => super::internal_error(lang),
    }
}

/// One center, with the forms the caller may use.
pub async fn show(State(state): State<AppState>, staff: StaffPage, lang: PageLanguage, Path(id): Path<String>) -> Response {
    center_page(&state, &staff, &lang, &id, BTreeMap::new(), FieldErrors::default(), StatusCode::OK).await
}

async fn center_page(
    state: &AppState,
    staff: &StaffPage,
    lang: &PageLanguage,
    id: &str,
    typed: BTreeMap<String, String>,
    errors: FieldErrors,
    status: StatusCode,
) -> Response {
    let tr = lang.tr;
    let center = match lines(state, staff, &tr).await {
        Ok(all) => all.into_iter().find(|c| c.id == id),
        Err(error) => return refused_page(lang, error),
    };
    let Some(center) = center else { return super::not_found(lang) };
    let role = staff.0.actor.role();
    let own = staff.0.actor.agency_id.as_deref() == Some(id);
    let offered: Vec<&str> = center.profile.iter().flat_map(|p| p.services.iter().map(|s| s.as_str())).collect();
    let services = code_options(&tr, &SupportService::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(), "support-service-", "")
        .into_iter()
        .map(|(code, label, _)| {
            let ticked = typed.contains_key(&format!("service_{code}")) || (typed.is_empty() && offered.contains(&code.as_str()));
            (code, label, ticked)
        })
        .collect();
    let page = CenterPage {
        t: tr,
        csrf: staff.csrf().to_owned(),
        may_edit: role == Some(StaffRole::Administrator),
        may_set_occupancy: role == Some(StaffRole::AgencyHead) && own && center.profile.is_some(),
        center,
        services,
        typed,
        errors,
    };
    render(lang, status, &page)
}

/// The administrator's profile form.
pub async fn set_profile(
    State(state): State<AppState>,
    staff: StaffPage,
    lang: PageLanguage,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<BTreeMap<String, String>>,
) -> Response {
    let typed = Typed(form);
    if let Some(refused) = csrf_refusal(&staff, &lang, &headers, typed.get("csrf")) {
        return refused;
    }
    let services: Vec<&str> =
        SupportService::ALL.iter().map(|s| s.as_str()).filter(|c| typed.ticked(&format!("service_{c}"))).collect();
    let body = json!({"address": typed.get("address"), "services": services, "capacity": typed.number("capacity"),
        "shelter_places": typed.number("shelter_places"), "shelter_occupied": typed.number("shelter_occupied")});
    let done = match read(CenterInput::from_json, body) {
        Ok(input) => service::set_center(&state, &staff.0, &id, input).await.map(drop),
        Err(error) => Err(error),
    };
    outcome(&state, &staff, &lang, &id, typed.0, done).await
}

/// The head's occupancy form.
pub async fn set_occupancy(
    State(state): State<AppState>,
    staff: StaffPage,
    lang: PageLanguage,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<BTreeMap<String, String>>,
) -> Response {
    let typed = Typed(form);
    if let Some(refused) = csrf_refusal(&staff, &lang, &headers, typed.get("csrf")) {
        return refused;
    }
    let done = match read(OccupancyInput::from_json, json!({"occupied": typed.number("occupied")})) {
        Ok(input) => service::set_occupancy(&state, &staff.0, &id, input).await.map(drop),
        Err(error) => Err(error),
    };
    outcome(&state, &staff, &lang, &id, typed.0, done).await
}

async fn outcome(
    state: &AppState,
    staff: &StaffPage,
    lang: &PageLanguage,
    id: &str,
    typed: BTreeMap<String, String>,
    done: Result<(), AppError>,
) -> Response {
    let error = match done {
        Ok(()) => return Redirect::to(&format!("/staff/centers/{id}?lang={}", lang.tr.code())).into_response(),
        Err(error) => error,
    };
    match refusal(lang, error, |f| (f.to_owned(), format!("center-field-{f}"))) {
        Refusal::Fields(errors) => center_page(state, staff, lang, id, typed, errors, StatusCode::UNPROCESSABLE_ENTITY).await,
        Refusal::Notice(_) => center_page(state, staff, lang, id, typed, FieldErrors::default(), StatusCode::CONFLICT).await,
        Refusal::Page(page) => page,
    }
}

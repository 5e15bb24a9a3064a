//! The family support centers' pages (issue 7): the center's inbox (`/staff/support`: referrals
//! to accept or refuse, and the center's cases), one support case (`/staff/support-cases/{id}`,
//! where the check-in reminders point) with a form for each kind of work, the referral form of
//! the contact center and of the agencies assigned (`/staff/referrals/new?complaint=…`), and
//! the figures (`/staff/figures/support`).
//!
//! Like the other staff pages, every form is turned into the JSON of `api::support` and goes
//! through the same service, so that validation, consent and audit are one. The case page shows
//! only what the service returns (a viewer the consent limits sees the summary and the consented
//! parts); the forms appear only for the center's own people. No JavaScript is needed: the
//! support plan is a few fixed rows of one goal and one service each, and rows with the same
//! goal become one goal.

use super::account::{StaffPage, csrf_refusal, forbidden};
use super::{FieldErrors, Options, PageError, PageLanguage, internal_error, local_time, not_found, render};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::service::support::{self as service, CaseView, EntryView, ReferralView};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use domain::policy::StaffRole;
use domain::routing::AgencyKind;
use domain::support::*;
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use uuid::Uuid;

/// How many rows the plan form offers beyond the plan's own.
const SPARE_PLAN_ROWS: usize = 3;
/// The most rows the plan form reads.
const MAX_PLAN_ROWS: usize = 40;
/// The most referrals and cases the inbox lists.
const INBOX_LIMIT: u32 = 200;

/// A posted form by field name. Each form of a page has its own names, so that a refused one is
/// shown again with what was typed and each error links to its field.
#[derive(Default)]
pub struct Typed(pub(super) BTreeMap<String, String>);

impl Typed {
    pub fn get(&self, name: &str) -> &str {
        self.0.get(name).map(|v| v.trim()).unwrap_or("")
    }

    pub fn ticked(&self, name: &str) -> bool {
        !self.get(name).is_empty()
    }

    /// The value as the API takes it: null when blank.
    pub(super) fn text(&self, name: &str) -> Value {
        match self.get(name) {
            "" => Value::Null,
            v => json!(v),
        }
    }

    /// A number, or what was typed for the validation to report.
    pub(super) fn number(&self, name: &str) -> Value {
        self.get(name).parse::<i64>().map(Value::from).unwrap_or_else(|_| self.text(name))
    }
}

/// How a page is shown: as opened, or again after a refused form.
struct Shown {
    typed: Typed,
    errors: FieldErrors,
    notice: Option<String>,
    status: StatusCode,
}

impl Shown {
    fn plain() -> Shown {
        Shown { typed: Typed::default(), errors: FieldErrors::default(), notice: None, status: StatusCode::OK }
    }
}

/// What a refused post leads to.
pub(super) enum Refusal {
    /// The page again, with the errors by field (422).
    Fields(FieldErrors),
    /// The page again, with a notice (409: the case or referral changed meanwhile).
    Notice(String),
    /// Another page (403, 404, 500).
    Page(Response),
}

/// Sorts a refusal; `place` gives a field of the API its field on the page and its label's key.
pub(super) fn refusal(lang: &PageLanguage, error: AppError, place: impl Fn(&str) -> (String, String)) -> Refusal {
    let tr = lang.tr;
    match error {
        AppError::Domain(domain::Error::Validation(fields)) => Refusal::Fields(
            fields
                .iter()
                .map(|f| {
                    let (id, label) = place(&f.field);
                    PageError { id, message: format!("{}: {}", tr.t(&label), tr.t(&format!("error-{}", f.code))) }
                })
                .collect(),
        ),
        AppError::Domain(domain::Error::Conflict(code) | domain::Error::InvalidTransition(code)) => {
            Refusal::Notice(tr.try_t(&format!("support-conflict-{code}")).unwrap_or_else(|| tr.t("support-conflict")))
        }
        AppError::Domain(domain::Error::Forbidden) => Refusal::Page(forbidden(lang)),
        AppError::Domain(domain::Error::NotFound) => Refusal::Page(not_found(lang)),
        other => Refusal::Page(failed(lang, &other)),
    }
}

fn failed(lang: &PageLanguage, error: &AppError) -> Response {
    if let AppError::Internal(e) = error {
        tracing::error!(error = format!("{e:#}"), "a support page failed");
    }
    internal_error(lang)
}

/// Reads the JSON a form became as the API's input.
pub(super) fn read<T>(from_json: fn(&[u8]) -> Result<T, domain::Error>, body: Value) -> Result<T, AppError> {
    Ok(from_json(body.to_string().as_bytes())?)
}

pub(super) fn agency_name(state: &AppState, tr: &Tr, id: &str) -> String {
    state.reference.agencies.get(id).map(|a| a.names.get(tr.language).to_owned()).unwrap_or_else(|| id.to_owned())
}

/// Options of a code list, labelled `<prefix><code>`.
pub(super) fn code_options(tr: &Tr, codes: &[&'static str], prefix: &str, selected: &str) -> Options {
    codes.iter().map(|c| (c.to_string(), tr.t(&format!("{prefix}{c}")), *c == selected)).collect()
}

/// Whether the caller is one of a family support center's people (they decide referrals).
fn of_a_center(state: &AppState, staff: &StaffPage) -> bool {
    let role = staff.0.actor.role();
    let center = staff.0.actor.agency_id.as_deref().and_then(|id| state.reference.agencies.get(id));
    matches!(role, Some(StaffRole::FamilySupportSpecialist | StaffRole::AgencyHead))
        && center.is_some_and(|a| a.kind == AgencyKind::FamilySupportCenter)
}

// --- The inbox ---

/// A referral as the inbox shows it.
pub struct ReferralLine {
    pub id: String,
    pub center: String,
    pub source: String,
    pub created: String,
    pub decide_by: String,
    pub status: String,
    pub overdue: bool,
    /// Still to decide (pending or overdue).
    pub open: bool,
    pub case_link: Option<String>,
}

/// A case as the inbox shows it.
pub struct CaseRow {
    pub link: String,
    pub center: String,
    pub status: String,
    pub category: String,
    pub next_check_in: String,
    pub overdue: bool,
}

#[derive(Template)]
#[template(path = "staff/support_inbox.html")]
struct InboxPage {
    t: Tr,
    csrf: String,
    /// Whether the viewer decides referrals (the center's people); others only read.
    decides: bool,
    referrals: Vec<ReferralLine>,
    cases: Vec<CaseRow>,
    typed: Typed,
    errors: FieldErrors,
    notice: Option<String>,
}

fn referral_line(state: &AppState, tr: &Tr, r: ReferralView) -> ReferralLine {
    let source =
        r.source_agency_id.as_deref().map(|a| agency_name(state, tr, a)).unwrap_or_else(|| tr.t("support-contact-center"));
    ReferralLine {
        id: r.id.to_string(),
        center: agency_name(state, tr, &r.center_id),
        source,
        created: local_time(r.created_at),
        decide_by: local_time(r.decide_by),
        status: tr.t(&format!("support-referral-{}", r.status)),
        overdue: r.status == "overdue",
        open: r.status == "overdue" || r.status == "pending",
        case_link: r.case_id.map(|id| format!("/staff/support-cases/{id}?lang={}", tr.code())),
    }
}

async fn inbox_page(state: &AppState, staff: &StaffPage, lang: &PageLanguage, shown: Shown) -> Response {
    let tr = lang.tr;
    let listed = match service::referrals(state, &staff.0, None, INBOX_LIMIT).await {
        Ok(referrals) => service::cases(state, &staff.0, INBOX_LIMIT).await.map(|cases| (referrals, cases)),
        Err(error) => Err(error),
    };
    let (referrals, cases) = match listed {
        Ok(listed) => listed,
        Err(AppError::Domain(domain::Error::Forbidden)) => return forbidden(lang),
        Err(error) => return failed(lang, &error),
    };
    let now = state.clock.now();
    let cases = cases
        .into_iter()
        .map(|c| CaseRow {
            link: format!("/staff/support-cases/{}?lang={}", c.id, tr.code()),
            center: agency_name(state, &tr, &c.center_id),
            overdue: c.status != CaseStatus::Closed.as_str() && c.next_check_in_at <= now,
            status: tr.t(&format!("support-status-{}", c.status)),
            category: c.category.map(|k| tr.t(&format!("support-category-{k}"))).unwrap_or_else(|| "—".into()),
            next_check_in: local_time(c.next_check_in_at),
        })
        .collect();
    let page = InboxPage {
        csrf: staff.csrf().to_owned(),
        decides: of_a_center(state, staff),
        referrals: referrals.into_iter().map(|r| referral_line(state, &tr, r)).collect(),
        cases,
        typed: shown.typed,
        errors: shown.errors,
        notice: shown.notice,
        t: tr,
    };
    render(lang, shown.status, &page)
}

/// The center's inbox: referrals to decide, then its cases (the contact center reads every
/// center's).
pub async fn inbox(State(state): State<AppState>, staff: StaffPage, lang: PageLanguage) -> Response {
    inbox_page(&state, &staff, &lang, Shown::plain()).await
}

/// Accepts (`accept`, with the days between check-ins) or refuses (`refuse`, with a reason) a
/// referral; an accepted one opens its case's page.
pub async fn decide(
    State(state): State<AppState>,
    staff: StaffPage,
    lang: PageLanguage,
    headers: HeaderMap,
    Path((id, decision)): Path<(String, String)>,
    form: Result<Form<BTreeMap<String, String>>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else { return super::unreadable_form(&lang) };
    let typed = Typed(form);
    if let Some(refused) = csrf_refusal(&staff, &lang, &headers, typed.get("csrf")) {
        return refused;
    }
    let Ok(uuid) = Uuid::parse_str(&id) else { return not_found(&lang) };
    let code = lang.tr.code();
    let (days, reason) = (format!("check_in_days-{uuid}"), format!("reason-{uuid}"));
    let outcome = match decision.as_str() {
        "accept" => match read(AcceptInput::from_json, json!({"check_in_days": typed.number(&days)})) {
            Ok(input) => {
                service::accept(&state, &staff.0, uuid, input).await.map(|_| format!("/staff/support-cases/{uuid}?lang={code}"))
            }
            Err(e) => Err(e),
        },
        "refuse" => match read(ReasonInput::from_json, json!({"reason": typed.text(&reason)})) {
            Ok(input) => service::refuse(&state, &staff.0, uuid, input).await.map(|_| format!("/staff/support?lang={code}")),
            Err(e) => Err(e),
        },
        _ => return not_found(&lang),
    };
    let error = match outcome {
        Ok(to) => return Redirect::to(&to).into_response(),
        Err(error) => error,
    };
    let place = |field: &str| match field {
        "check_in_days" => (days.clone(), "support-field-check-in-days".to_owned()),
        _ => (reason.clone(), "field-reason".to_owned()),
    };
    let shown = match refusal(&lang, error, place) {
        Refusal::Fields(errors) => Shown { typed, errors, notice: None, status: StatusCode::UNPROCESSABLE_ENTITY },
        Refusal::Notice(notice) => Shown { notice: Some(notice), status: StatusCode::CONFLICT, ..Shown::plain() },
        Refusal::Page(page) => return page,
    };
    inbox_page(&state, &staff, &lang, shown).await
}

// --- One case ---

/// A form of the case page, by the last segment of its address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CaseForm {
    Assessment,
    SafetyPlan,
    Plan,
    Service,
    CheckIn,
    Visit,
    Category,
    Step(CaseStep),
}

impl CaseForm {
    fn parse(segment: &str) -> Option<CaseForm> {
        Some(match segment {
            "assessment" => CaseForm::Assessment,
            "safety-plan" => CaseForm::SafetyPlan,
            "plan" => CaseForm::Plan,
            "service" => CaseForm::Service,
            "check-in" => CaseForm::CheckIn,
            "visit" => CaseForm::Visit,
            "category" => CaseForm::Category,
            step => CaseForm::Step(CaseStep::parse(&step.replace('-', "_"))?),
        })
    }
}

/// A line of one of the case's lists (services, check-ins, visits, changes).
pub struct EntryLine {
    pub at: String,
    pub what: String,
    pub detail: String,
    pub note: String,
}

/// An area of the assessment as shown, and its row of the form.
pub struct NeedRow {
    pub area: &'static str,
    pub label: String,
    pub level: String,
    pub note: String,
    pub levels: Options,
}

/// A service of the plan as shown.
pub struct PlanLine {
    pub goal: String,
    pub service: String,
    pub responsible: String,
    pub due_on: String,
    pub status: String,
}

/// A row of the plan form: one goal, one service.
pub struct PlanRow {
    pub i: usize,
    pub goal: String,
    pub services: Options,
    pub responsible: Options,
    pub due_on: String,
    pub statuses: Options,
}

/// A kind of agency a mobile group's member may come from: (code, label, ticked, who).
pub type MemberKind = (&'static str, String, bool, String);

#[derive(Template)]
#[template(path = "staff/support_case.html")]
struct CasePage {
    t: Tr,
    csrf: String,
    /// `/staff/support-cases/{id}`: the forms post to `{action}/{form}`.
    action: String,
    center: String,
    status_code: &'static str,
    status: String,
    category: String,
    opened: String,
    next_check_in: String,
    check_in_overdue: bool,
    check_in_days: u16,
    outcome: String,
    contact: Option<String>,
    needs: Option<Vec<NeedRow>>,
    safety_plan: Option<(String, String)>,
    plan: Vec<PlanLine>,
    services: Vec<EntryLine>,
    check_ins: Vec<EntryLine>,
    visits: Vec<EntryLine>,
    categories: Vec<EntryLine>,
    changes: Vec<EntryLine>,
    /// The work forms: the center's people, while the case is not closed.
    works: bool,
    may_request_closure: bool,
    /// The head's decision on a closure asked.
    head_decides: bool,
    may_reopen: bool,
    need_rows: Vec<NeedRow>,
    plan_rows: Vec<PlanRow>,
    service_options: Options,
    check_in_outcomes: Options,
    category_options: Options,
    outcome_options: Options,
    member_kinds: Vec<MemberKind>,
    typed: Typed,
    errors: FieldErrors,
    notice: Option<String>,
}

/// The case's own page.
pub async fn case(State(state): State<AppState>, staff: StaffPage, lang: PageLanguage, Path(id): Path<String>) -> Response {
    let Ok(id) = Uuid::parse_str(&id) else { return not_found(&lang) };
    case_page(&state, &staff, &lang, id, Shown::plain()).await
}

/// One of the case's forms; back to the page (303), or the page again with what was refused.
pub async fn work(
    State(state): State<AppState>,
    staff: StaffPage,
    lang: PageLanguage,
    headers: HeaderMap,
    Path((id, form_name)): Path<(String, String)>,
    form: Result<Form<BTreeMap<String, String>>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else { return super::unreadable_form(&lang) };
    let typed = Typed(form);
    if let Some(refused) = csrf_refusal(&staff, &lang, &headers, typed.get("csrf")) {
        return refused;
    }
    let (Ok(uuid), Some(kind)) = (Uuid::parse_str(&id), CaseForm::parse(&form_name)) else { return not_found(&lang) };
    let error = match submit(&state, &staff, uuid, kind, &typed).await {
        Ok(()) => return Redirect::to(&format!("/staff/support-cases/{uuid}?lang={}", lang.tr.code())).into_response(),
        Err(error) => error,
    };
    let shown = match refusal(&lang, error, |field| place(kind, &typed, field)) {
        Refusal::Fields(errors) => Shown { typed, errors, notice: None, status: StatusCode::UNPROCESSABLE_ENTITY },
        Refusal::Notice(notice) => Shown { notice: Some(notice), status: StatusCode::CONFLICT, ..Shown::plain() },
        Refusal::Page(page) => return page,
    };
    case_page(&state, &staff, &lang, uuid, shown).await
}

/// Sends a case form to the service as the API's JSON.
async fn submit(state: &AppState, staff: &StaffPage, id: Uuid, form: CaseForm, typed: &Typed) -> Result<(), AppError> {
    let staff = &staff.0;
    let done = match form {
        CaseForm::Assessment => {
            service::assess(state, staff, id, read(AssessmentInput::from_json, assessment_json(typed))?).await
        }
        CaseForm::SafetyPlan => {
            let input = read(SafetyPlanInput::from_json, json!({"text": typed.text("safety_text")}))?;
            service::set_safety_plan(state, staff, id, input).await
        }
        CaseForm::Plan => service::set_plan(state, staff, id, read(PlanInput::from_json, plan_json(typed))?).await,
        CaseForm::Service => {
            let body = json!({"service": typed.text("log_service"), "on": typed.text("log_on"),
                "minutes": typed.number("log_minutes"), "note": typed.text("log_note")});
            service::log_service(state, staff, id, read(ServiceLogInput::from_json, body)?).await
        }
        CaseForm::CheckIn => {
            let body = json!({"outcome": typed.text("check_in_outcome"), "note": typed.text("check_in_note"),
                "interval_days": typed.number("check_in_interval_days")});
            service::check_in(state, staff, id, read(CheckInInput::from_json, body)?).await
        }
        CaseForm::Visit => service::record_visit(state, staff, id, read(VisitInput::from_json, visit_json(typed))?).await,
        CaseForm::Category => {
            let body = json!({"category": typed.text("category"), "reason": typed.text("category_reason")});
            service::set_category(state, staff, id, read(CategoryInput::from_json, body)?).await
        }
        CaseForm::Step(step) => {
            let body =
                json!({"outcome": typed.text("closure_outcome"), "reason": typed.text(&format!("{}_reason", step.as_str()))});
            service::take_step(state, staff, id, step, read(CaseStepInput::from_json, body)?).await
        }
    };
    done.map(|_| ())
}

fn assessment_json(typed: &Typed) -> Value {
    let needs: serde_json::Map<String, Value> = NeedArea::ALL
        .iter()
        .map(|a| {
            let area = a.as_str();
            let need =
                json!({"level": typed.text(&format!("need_{area}_level")), "note": typed.text(&format!("need_{area}_note"))});
            (area.to_owned(), need)
        })
        .collect();
    json!({"needs": needs})
}

/// The plan form's filled rows grouped by goal: (goal, rows), in the order typed.
fn plan_groups(typed: &Typed) -> Vec<(String, Vec<usize>)> {
    let cell = |i: usize, name: &str| typed.get(&format!("g{i}_{name}")).to_owned();
    let filled =
        (0..MAX_PLAN_ROWS).filter(|&i| ["goal", "service", "responsible_id", "due_on"].iter().any(|c| !cell(i, c).is_empty()));
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    for i in filled {
        let goal = cell(i, "goal");
        match groups.iter_mut().find(|(g, _)| !goal.is_empty() && *g == goal) {
            Some((_, rows)) => rows.push(i),
            None => groups.push((goal, vec![i])),
        }
    }
    groups
}

fn plan_json(typed: &Typed) -> Value {
    let goals: Vec<Value> = plan_groups(typed)
        .into_iter()
        .map(|(goal, rows)| {
            let services: Vec<Value> = rows
                .iter()
                .map(|i| {
                    let cell = |name: &str| typed.text(&format!("g{i}_{name}"));
                    json!({"service": cell("service"), "responsible_id": cell("responsible_id"), "due_on": cell("due_on"), "status": cell("status")})
                })
                .collect();
            json!({"goal": if goal.is_empty() { Value::Null } else { json!(goal) }, "services": services})
        })
        .collect();
    json!({"goals": goals})
}

fn visit_json(typed: &Typed) -> Value {
    let members: Vec<Value> = AgencyKind::ALL
        .iter()
        .filter(|k| typed.ticked(&format!("member_{}", k.as_str())))
        .map(|k| json!({"agency_kind": k.as_str(), "name": typed.text(&format!("member_{}_who", k.as_str()))}))
        .collect();
    json!({"on": typed.text("visit_on"), "members": members, "findings": typed.text("visit_findings")})
}

/// The field of the page, and its label's key, of a field of the API's errors.
fn place(form: CaseForm, typed: &Typed, field: &str) -> (String, String) {
    let plain = |id: &str| (id.to_owned(), format!("support-field-{}", id.replace('_', "-")));
    match form {
        CaseForm::Assessment => {
            let mut path = field.split('.').skip(1);
            let area = path.next().and_then(NeedArea::parse).unwrap_or(NeedArea::Safety).as_str();
            let what = if path.next() == Some("note") { "note" } else { "level" };
            (format!("need_{area}_{what}"), format!("support-area-{area}"))
        }
        CaseForm::SafetyPlan => plain("safety_text"),
        CaseForm::Plan => plan_place(typed, field),
        CaseForm::Service => plain(&format!("log_{field}")),
        CaseForm::CheckIn => plain(&format!("check_in_{field}")),
        CaseForm::Visit if field.starts_with("members") => plain("visit_members"),
        CaseForm::Visit => plain(&format!("visit_{field}")),
        CaseForm::Category if field == "category" => plain("category"),
        CaseForm::Category => plain("category_reason"),
        CaseForm::Step(_) if field == "outcome" => plain("closure_outcome"),
        CaseForm::Step(step) => (format!("{}_reason", step.as_str()), "field-reason".to_owned()),
    }
}

/// `goals[1].services[0].due_on` → the row it was typed in (`g3_due_on`).
fn plan_place(typed: &Typed, field: &str) -> (String, String) {
    let groups = plan_groups(typed);
    let number = |s: &str| s.split(['[', ']']).nth(1).and_then(|n| n.parse::<usize>().ok()).unwrap_or(0);
    let parts: Vec<&str> = field.split('.').collect();
    let goal = number(parts.first().copied().unwrap_or(""));
    let (row, column) = match parts.as_slice() {
        [_, services, column] => (number(services), *column),
        _ => (0, "goal"),
    };
    let row = groups.get(goal).and_then(|(_, rows)| rows.get(row)).copied().unwrap_or(0);
    (format!("g{row}_{column}"), format!("support-field-plan-{}", column.replace('_', "-")))
}

/// What the forms hold when first shown: the case as it is, today for dates.
fn defaults(case: &CaseView, today: time::Date) -> BTreeMap<String, String> {
    let mut values = BTreeMap::new();
    for need in case.assessment.iter().flat_map(|a| a.needs.iter()) {
        let area = need.area.as_str();
        values.insert(format!("need_{area}_level"), need.level.as_str().to_owned());
        values.insert(format!("need_{area}_note"), need.note.clone().unwrap_or_default());
    }
    if let Some(plan) = &case.safety_plan {
        values.insert("safety_text".into(), plan.text.clone());
    }
    let rows = case.plan.iter().flat_map(|p| p.goals.iter()).flat_map(|g| g.services.iter().map(move |s| (g, s)));
    for (i, (goal, service)) in rows.enumerate() {
        values.insert(format!("g{i}_goal"), goal.goal.clone());
        values.insert(format!("g{i}_service"), service.service.as_str().to_owned());
        values.insert(format!("g{i}_responsible_id"), service.responsible_id.to_string());
        values.insert(format!("g{i}_due_on"), service.due_on.to_string());
        values.insert(format!("g{i}_status"), service.status.as_str().to_owned());
    }
    values.insert("check_in_interval_days".into(), case.check_in_days.to_string());
    values.insert("log_on".into(), today.to_string());
    values.insert("visit_on".into(), today.to_string());
    values
}

fn codes<T: Copy>(all: &[T], code: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|&c| code(c)).collect()
}

async fn case_page(state: &AppState, staff: &StaffPage, lang: &PageLanguage, id: Uuid, shown: Shown) -> Response {
    let tr = lang.tr;
    let case = match service::get(state, &staff.0, id).await {
        Ok(case) => case,
        Err(AppError::Domain(domain::Error::NotFound)) => return not_found(lang),
        Err(AppError::Domain(domain::Error::Forbidden)) => return forbidden(lang),
        Err(error) => return failed(lang, &error),
    };
    let people = match service::center_people(state, &case.center_id).await {
        Ok(people) => people,
        Err(error) => return failed(lang, &error),
    };
    let mut values = defaults(&case, domain::clock::local(state.clock.now()).date());
    values.extend(shown.typed.0);
    let typed = Typed(values);
    let works = case.may_work && case.status != CaseStatus::Closed;
    let is_head = staff.0.actor.role() == Some(StaffRole::AgencyHead);
    let page = CasePage {
        csrf: staff.csrf().to_owned(),
        action: format!("/staff/support-cases/{id}"),
        center: agency_name(state, &tr, &case.center_id),
        status_code: case.status.as_str(),
        status: tr.t(&format!("support-status-{}", case.status.as_str())),
        category: case.category.map(|c| tr.t(&format!("support-category-{}", c.as_str()))).unwrap_or_else(|| "—".into()),
        opened: local_time(case.opened_at),
        next_check_in: local_time(case.next_check_in_at),
        check_in_overdue: case.check_in_overdue,
        check_in_days: case.check_in_days,
        outcome: case.outcome.map(|o| tr.t(&format!("support-outcome-{}", o.as_str()))).unwrap_or_default(),
        contact: case.contact.clone(),
        needs: case.assessment.as_ref().map(|a| a.needs.iter().map(|n| need_row(&tr, n.area, &typed, n)).collect()),
        safety_plan: case.safety_plan.as_ref().map(|p| (p.text.clone(), p.edited_at.map(local_time).unwrap_or_default())),
        plan: plan_lines(&tr, &case, &people),
        services: entries(&case.history, "service", |e| service_line(&tr, e)),
        check_ins: entries(&case.history, "check_in", |e| check_in_line(&tr, e)),
        visits: entries(&case.history, "visit", |e| visit_line(&tr, e)),
        categories: entries(&case.history, "category", |e| category_line(&tr, e)),
        changes: case
            .history
            .iter()
            .filter(|e| ["step", "assessment", "safety_plan", "plan"].contains(&e.kind.as_str()))
            .map(|e| change_line(&tr, e))
            .collect(),
        works,
        may_request_closure: works && case.status == CaseStatus::Open,
        head_decides: case.may_work && is_head && case.status == CaseStatus::ClosureRequested,
        may_reopen: case.may_work && case.status == CaseStatus::Closed,
        need_rows: NeedArea::ALL.iter().map(|&a| empty_need_row(&tr, a, &typed)).collect(),
        plan_rows: plan_rows(&tr, &typed, &people),
        service_options: code_options(
            &tr,
            &codes(SupportService::ALL, SupportService::as_str),
            "support-service-",
            typed.get("log_service"),
        ),
        check_in_outcomes: code_options(
            &tr,
            &codes(CheckInOutcome::ALL, CheckInOutcome::as_str),
            "support-check-in-",
            typed.get("check_in_outcome"),
        ),
        category_options: code_options(
            &tr,
            &codes(FamilyCategory::ALL, FamilyCategory::as_str),
            "support-category-",
            typed.get("category"),
        ),
        outcome_options: code_options(
            &tr,
            &codes(Outcome::ALL, Outcome::as_str),
            "support-outcome-",
            typed.get("closure_outcome"),
        ),
        member_kinds: AgencyKind::ALL
            .iter()
            .map(|k| {
                let code = k.as_str();
                (
                    code,
                    tr.t(&format!("agency-kind-{code}")),
                    typed.ticked(&format!("member_{code}")),
                    typed.get(&format!("member_{code}_who")).to_owned(),
                )
            })
            .collect(),
        typed,
        errors: shown.errors,
        notice: shown.notice,
        t: tr,
    };
    render(lang, shown.status, &page)
}

/// The center's active accounts, by id: who may answer for a planned service.
fn need_row(tr: &Tr, area: NeedArea, typed: &Typed, need: &Need) -> NeedRow {
    NeedRow {
        level: tr.t(&format!("support-need-{}", need.level.as_str())),
        note: need.note.clone().unwrap_or_default(),
        ..empty_need_row(tr, area, typed)
    }
}

fn empty_need_row(tr: &Tr, area: NeedArea, typed: &Typed) -> NeedRow {
    let code = area.as_str();
    NeedRow {
        area: code,
        label: tr.t(&format!("support-area-{code}")),
        level: String::new(),
        note: typed.get(&format!("need_{code}_note")).to_owned(),
        levels: code_options(
            tr,
            &codes(NeedLevel::ALL, NeedLevel::as_str),
            "support-need-",
            typed.get(&format!("need_{code}_level")),
        ),
    }
}

/// The plan as shown: with the plan part, its goals; without, only the services' summary.
fn plan_lines(tr: &Tr, case: &CaseView, people: &[(Uuid, String)]) -> Vec<PlanLine> {
    let name = |id: Uuid| people.iter().find(|(p, _)| *p == id).map(|(_, n)| n.clone()).unwrap_or_else(|| "—".into());
    let service = |s: SupportService| tr.t(&format!("support-service-{}", s.as_str()));
    let status = |s: ServiceStatus| tr.t(&format!("support-service-status-{}", s.as_str()));
    match &case.plan {
        Some(plan) => plan
            .goals
            .iter()
            .flat_map(|g| g.services.iter().map(move |s| (g, s)))
            .map(|(g, s)| PlanLine {
                goal: g.goal.clone(),
                service: service(s.service),
                responsible: name(s.responsible_id),
                due_on: s.due_on.to_string(),
                status: status(s.status),
            })
            .collect(),
        None => case
            .services
            .iter()
            .map(|s| PlanLine {
                goal: String::new(),
                service: service(s.service),
                responsible: String::new(),
                due_on: s.due_on.clone(),
                status: status(s.status),
            })
            .collect(),
    }
}

fn plan_rows(tr: &Tr, typed: &Typed, people: &[(Uuid, String)]) -> Vec<PlanRow> {
    let last = (0..MAX_PLAN_ROWS)
        .rev()
        .find(|i| !typed.get(&format!("g{i}_service")).is_empty() || !typed.get(&format!("g{i}_goal")).is_empty());
    let count = (last.map_or(0, |i| i + 1) + SPARE_PLAN_ROWS).min(MAX_PLAN_ROWS);
    (0..count)
        .map(|i| {
            let cell = |name: &str| typed.get(&format!("g{i}_{name}")).to_owned();
            let responsible = cell("responsible_id");
            PlanRow {
                i,
                goal: cell("goal"),
                services: code_options(
                    tr,
                    &codes(SupportService::ALL, SupportService::as_str),
                    "support-service-",
                    &cell("service"),
                ),
                responsible: people.iter().map(|(id, n)| (id.to_string(), n.clone(), id.to_string() == responsible)).collect(),
                due_on: cell("due_on"),
                statuses: code_options(
                    tr,
                    &codes(ServiceStatus::ALL, ServiceStatus::as_str),
                    "support-service-status-",
                    &cell("status"),
                ),
            }
        })
        .collect()
}

fn entries(history: &[EntryView], kind: &str, line: impl Fn(&EntryView) -> EntryLine) -> Vec<EntryLine> {
    history.iter().filter(|e| e.kind == kind).map(line).collect()
}

fn coded(tr: &Tr, prefix: &str, code: Option<&str>) -> String {
    code.map(|c| tr.t(&format!("{prefix}{c}"))).unwrap_or_default()
}

fn service_line(tr: &Tr, e: &EntryView) -> EntryLine {
    EntryLine {
        at: e.on.clone().unwrap_or_default(),
        what: coded(tr, "support-service-", e.code.as_deref()),
        detail: e.minutes.map(|m| tr.t1("support-minutes", "minutes", m)).unwrap_or_default(),
        note: e.note.clone().unwrap_or_default(),
    }
}

fn check_in_line(tr: &Tr, e: &EntryView) -> EntryLine {
    EntryLine {
        at: local_time(e.at),
        what: coded(tr, "support-check-in-", e.code.as_deref()),
        detail: String::new(),
        note: e.note.clone().unwrap_or_default(),
    }
}

fn visit_line(tr: &Tr, e: &EntryView) -> EntryLine {
    let kind = |k: &str| tr.t(&format!("agency-kind-{k}"));
    let (members, findings) = match &e.visit {
        Some(v) => {
            let member = |m: &Member| match &m.name {
                Some(name) => format!("{} ({name})", kind(m.agency_kind.as_str())),
                None => kind(m.agency_kind.as_str()),
            };
            (v.members.iter().map(member).collect::<Vec<_>>().join(", "), v.findings.clone())
        }
        None => (e.code.iter().flat_map(|c| c.split(',')).map(kind).collect::<Vec<_>>().join(", "), String::new()),
    };
    EntryLine { at: e.on.clone().unwrap_or_default(), what: members, detail: String::new(), note: findings }
}

fn category_line(tr: &Tr, e: &EntryView) -> EntryLine {
    let from = e.previous.as_deref().map(|c| tr.t(&format!("support-category-{c}"))).unwrap_or_else(|| "—".into());
    EntryLine {
        at: local_time(e.at),
        what: format!("{from} → {}", coded(tr, "support-category-", e.code.as_deref())),
        detail: String::new(),
        note: e.note.clone().unwrap_or_default(),
    }
}

fn change_line(tr: &Tr, e: &EntryView) -> EntryLine {
    let what = match e.kind.as_str() {
        "step" => coded(tr, "support-step-", e.code.as_deref()),
        kind => tr.t(&format!("support-entry-{kind}")),
    };
    EntryLine { at: local_time(e.at), what, detail: String::new(), note: e.note.clone().unwrap_or_default() }
}

// --- The referral form ---

/// The complaint a referral is for, and whether one was just sent.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReferralQuery {
    complaint: String,
    sent: Option<String>,
}

#[derive(Template)]
#[template(path = "staff/support_referral.html")]
struct ReferralPage {
    t: Tr,
    csrf: String,
    action: String,
    sent: bool,
    centers: Options,
    /// (code, label, ticked): agency kinds to share with, and parts to share.
    kinds: Vec<(&'static str, String, bool)>,
    parts: Vec<(&'static str, String, bool)>,
    note: String,
    errors: FieldErrors,
}

/// The referral form for a complaint the caller may read.
pub async fn referral_form(
    State(state): State<AppState>,
    staff: StaffPage,
    lang: PageLanguage,
    Query(query): Query<ReferralQuery>,
) -> Response {
    let sent = query.sent.is_some();
    referral_page(&state, &staff, &lang, &query.complaint, sent, Shown::plain()).await
}

/// Sends the referral; back to an empty form saying it was sent.
pub async fn refer(
    State(state): State<AppState>,
    staff: StaffPage,
    lang: PageLanguage,
    headers: HeaderMap,
    Query(query): Query<ReferralQuery>,
    form: Result<Form<BTreeMap<String, String>>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else { return super::unreadable_form(&lang) };
    let typed = Typed(form);
    if let Some(refused) = csrf_refusal(&staff, &lang, &headers, typed.get("csrf")) {
        return refused;
    }
    let Ok(complaint) = Uuid::parse_str(query.complaint.trim()) else { return not_found(&lang) };
    let ticked = |prefix: &str, codes: Vec<&'static str>| -> Vec<&'static str> {
        codes.into_iter().filter(|c| typed.ticked(&format!("{prefix}{c}"))).collect()
    };
    let body = json!({"complaint_id": complaint, "center_id": typed.text("center_id"), "note": typed.text("note"),
        "consent": {"share_with": ticked("share_", codes(AgencyKind::ALL, AgencyKind::as_str)),
                    "parts": ticked("part_", codes(ConsentPart::ALL, ConsentPart::as_str))}});
    let outcome = match read(ReferralInput::from_json, body) {
        Ok(input) => service::refer(&state, &staff.0, input).await,
        Err(error) => Err(error),
    };
    let error = match outcome {
        Ok(_) => {
            return Redirect::to(&format!("/staff/referrals/new?complaint={complaint}&sent=1&lang={}", lang.tr.code()))
                .into_response();
        }
        Err(error) => error,
    };
    if matches!(&error, AppError::Domain(domain::Error::Validation(f)) if f.iter().any(|f| f.field == "complaint_id")) {
        return not_found(&lang);
    }
    let place = |field: &str| {
        let id = match field {
            f if f.starts_with("consent.share_with") => "share_with",
            f if f.starts_with("consent") => "parts",
            "note" => "note",
            _ => "center_id",
        };
        (id.to_owned(), format!("support-field-{}", id.replace('_', "-")))
    };
    let shown = match refusal(&lang, error, place) {
        Refusal::Fields(errors) => Shown { typed, errors, notice: None, status: StatusCode::UNPROCESSABLE_ENTITY },
        Refusal::Notice(_) => Shown::plain(),
        Refusal::Page(page) => return page,
    };
    referral_page(&state, &staff, &lang, &query.complaint, false, shown).await
}

async fn referral_page(
    state: &AppState,
    staff: &StaffPage,
    lang: &PageLanguage,
    complaint: &str,
    sent: bool,
    shown: Shown,
) -> Response {
    let tr = lang.tr;
    let Ok(id) = Uuid::parse_str(complaint.trim()) else { return not_found(lang) };
    let region = match crate::service::complaints::get(state, &staff.0, domain::ids::ComplaintId(id)).await {
        Ok(c) => c.details.region.code,
        Err(AppError::Domain(domain::Error::NotFound)) => return not_found(lang),
        Err(AppError::Domain(domain::Error::Forbidden)) => return forbidden(lang),
        Err(error) => return failed(lang, &error),
    };
    let typed = shown.typed;
    let all_centers = state.reference.agencies.agencies().iter().filter(|a| a.kind == AgencyKind::FamilySupportCenter);
    let in_region: Vec<_> = all_centers.clone().filter(|a| a.region.as_deref() == Some(region)).collect();
    let centers = if in_region.is_empty() { all_centers.collect() } else { in_region };
    let tick = |prefix: &str, code: &'static str, label: String| (code, label, typed.ticked(&format!("{prefix}{code}")));
    let page = ReferralPage {
        csrf: staff.csrf().to_owned(),
        action: format!("/staff/referrals/new?complaint={id}&lang={}", tr.code()),
        sent,
        centers: centers
            .iter()
            .map(|a| (a.id.clone(), a.names.get(tr.language).to_owned(), a.id == typed.get("center_id")))
            .collect(),
        kinds: AgencyKind::ALL
            .iter()
            .filter(|k| **k != AgencyKind::FamilySupportCenter)
            .map(|k| tick("share_", k.as_str(), tr.t(&format!("agency-kind-{}", k.as_str()))))
            .collect(),
        parts: ConsentPart::ALL
            .iter()
            .map(|p| tick("part_", p.as_str(), tr.t(&format!("support-part-{}", p.as_str()))))
            .collect(),
        note: typed.get("note").to_owned(),
        errors: shown.errors,
        t: tr,
    };
    render(lang, shown.status, &page)
}

// --- Figures ---

/// The period and region asked for.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FigureQuery {
    from: String,
    to: String,
    region: String,
}

/// The figures as shown.
pub struct FiguresView {
    pub people: i64,
    pub median_hours: String,
    /// (service, count, minutes).
    pub services: Vec<(String, i64, i64)>,
    pub outcomes: Vec<(String, i64)>,
    /// (center, region, places, occupied).
    pub shelters: Vec<(String, String, i64, i64)>,
}

#[derive(Template)]
#[template(path = "staff/support_figures.html")]
struct FiguresPage {
    t: Tr,
    csrf: String,
    query: FigureQuery,
    errors: FieldErrors,
    regions: Options,
    figures: Option<FiguresView>,
}

fn figures_view(state: &AppState, tr: &Tr, f: service::SupportFigures) -> FiguresView {
    let region = |code: &str| domain::region::Region::by_code(code).map(|r| r.name(tr.language).to_owned()).unwrap_or_default();
    FiguresView {
        people: f.people_supported,
        median_hours: f.median_hours_to_first_service.map(|h| format!("{h:.1}")).unwrap_or_else(|| "—".into()),
        services: f.services.into_iter().map(|s| (tr.t(&format!("support-service-{}", s.service)), s.count, s.minutes)).collect(),
        outcomes: f.outcomes.into_iter().map(|o| (tr.t(&format!("support-outcome-{}", o.outcome)), o.count)).collect(),
        shelters: f
            .shelters
            .into_iter()
            .map(|s| (agency_name(state, tr, &s.center_id), region(&s.region), s.places, s.occupied))
            .collect(),
    }
}

/// People supported, services by type, time to the first service, outcomes and shelters, for a
/// period (analysts, supervisors; a center's head, their center's).
pub async fn figures(
    State(state): State<AppState>,
    staff: StaffPage,
    lang: PageLanguage,
    Query(query): Query<FigureQuery>,
) -> Response {
    let tr = lang.tr;
    let region = domain::region::Region::by_code(query.region.trim());
    let asked = crate::service::schools::period(Some(&query.from), Some(&query.to), state.clock.now());
    let (figures, errors) = match asked {
        Ok(period) => match service::figures(&state, &staff.0, period, region).await {
            Ok(figures) => (Some(figures_view(&state, &tr, figures)), FieldErrors::default()),
            Err(AppError::Domain(domain::Error::Forbidden)) => return forbidden(&lang),
            Err(error) => return failed(&lang, &error),
        },
        Err(AppError::Domain(domain::Error::Validation(fields))) => {
            (None, fields.iter().map(|f| super::page_error(&tr, &f.field, f.code)).collect())
        }
        Err(error) => return failed(&lang, &error),
    };
    let regions =
        domain::region::REGIONS.iter().map(|r| (r.code.to_owned(), r.name(tr.language).to_owned(), Some(r) == region)).collect();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render(&lang, status, &FiguresPage { t: tr, csrf: staff.csrf().to_owned(), query, errors, regions, figures })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(cells: &[(&str, &str)]) -> Typed {
        Typed(cells.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    #[test]
    fn plan_rows_with_the_same_goal_become_one_goal_and_errors_point_at_their_row() {
        let form = typed(&[
            ("g0_goal", "Housing"),
            ("g0_service", "legal_aid"),
            ("g2_goal", "Work"),
            ("g2_service", "employment"),
            ("g3_goal", "Housing"),
            ("g3_service", "shelter_placement"),
        ]);
        let json = plan_json(&form);
        assert_eq!(json["goals"].as_array().map(Vec::len), Some(2));
        assert_eq!(json["goals"][0]["services"][1]["service"], "shelter_placement");
        assert_eq!(json["goals"][1]["services"][0]["due_on"], Value::Null, "blank is null");
        assert_eq!(plan_place(&form, "goals[0].services[1].due_on").0, "g3_due_on");
        assert_eq!(plan_place(&form, "goals[1].goal").0, "g2_goal");
    }

    #[test]
    fn every_code_the_support_pages_show_has_a_text_in_every_language() {
        let mut keys: Vec<String> = Vec::new();
        let mut add = |prefix: &str, codes: Vec<&'static str>| keys.extend(codes.into_iter().map(|c| format!("{prefix}{c}")));
        add("support-service-", codes(SupportService::ALL, SupportService::as_str));
        add("support-service-status-", codes(ServiceStatus::ALL, ServiceStatus::as_str));
        add("support-need-", codes(NeedLevel::ALL, NeedLevel::as_str));
        add("support-area-", codes(NeedArea::ALL, NeedArea::as_str));
        add("support-check-in-", codes(CheckInOutcome::ALL, CheckInOutcome::as_str));
        add("support-category-", codes(FamilyCategory::ALL, FamilyCategory::as_str));
        add("support-outcome-", codes(Outcome::ALL, Outcome::as_str));
        add("support-status-", codes(CaseStatus::ALL, CaseStatus::as_str));
        add("support-step-", codes(CaseStep::ALL, CaseStep::as_str));
        add("support-part-", codes(ConsentPart::ALL, ConsentPart::as_str));
        add("agency-kind-", codes(AgencyKind::ALL, AgencyKind::as_str));
        add("support-referral-", vec!["pending", "accepted", "refused", "overdue"]);
        add("support-entry-", vec!["assessment", "safety_plan", "plan"]);
        add("support-conflict-", vec!["shelter_full", "same_category", "referral_decided"]);
        let forms = [
            "safety_text",
            "log_service",
            "log_on",
            "log_minutes",
            "log_note",
            "check_in_outcome",
            "check_in_note",
            "check_in_interval_days",
            "visit_on",
            "visit_members",
            "visit_findings",
            "category",
            "category_reason",
            "closure_outcome",
            "center_id",
            "share_with",
            "parts",
            "note",
            "plan_goal",
            "plan_service",
            "plan_responsible_id",
            "plan_due_on",
            "plan_status",
            "check_in_days",
        ];
        keys.extend(forms.iter().map(|f| format!("support-field-{}", f.replace('_', "-"))));
        for (language, defined) in crate::i18n::keys_by_language() {
            for key in &keys {
                assert!(defined.contains(key), "{language:?} lacks {key}");
            }
        }
    }
}

//! The agency portal: the inbox sorted by deadline (`/staff/inbox`), and the assignment page
//! (`/staff/assignments/{complaint}/{agency}`) with the complaint as the role may see it, the
//! deadlines, the report, the history, and a form for each step the viewer may take now.
//! Operators review reports on the same page. Forms post the same `StepInput` as the API.

use super::account::{StaffPage, csrf_refusal, forbidden};
use super::evidence::{EvidenceForms, EvidenceLine, Holder, LinkForm};
use super::{FieldErrors, Options, PageLanguage, render, validation_errors};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::service::assignments::{self as service, StepInput};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use domain::assignment::escalation::Urgency;
use domain::assignment::{ActionKind, ActionReport, Step};
use domain::complaint::{Complaint, Reporter};
use domain::ids::ComplaintId;
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::HashMap;
use store::assignments::{Assignment, HistoryEntry};

/// A line of the inbox as shown.
pub struct InboxLine {
    pub link: String,
    pub received: String,
    pub region: String,
    pub risk: String,
    pub risk_code: String,
    pub status: String,
    pub acknowledge_due: String,
    pub report_due: String,
    pub overdue: bool,
    pub due_today: bool,
    /// The deadline the assignment works towards now is the acknowledgment's (its mark goes
    /// there), else the report's.
    pub acknowledging: bool,
}

#[derive(Template)]
#[template(path = "staff/inbox.html")]
struct InboxPage {
    t: Tr,
    csrf: String,
    lines: Vec<InboxLine>,
}

pub async fn inbox(State(state): State<AppState>, staff: StaffPage, lang: PageLanguage) -> Response {
    let tr = lang.tr;
    let rows = match service::inbox(&state, &staff.0, 200, false).await {
        Ok(rows) => rows,
        Err(AppError::Domain(domain::Error::Forbidden)) => return forbidden(&lang),
        Err(_) => return super::internal_error(&lang),
    };
    let now = state.clock.now();
    let line = |r: store::assignments::InboxRow| {
        let urgency = Urgency::of(r.next_deadline(), now);
        let acknowledging = r.next_deadline().is_some() && r.next_deadline() == r.acknowledge_due_at;
        let region = domain::region::Region::by_code(&r.region).map(|g| g.name(tr.language).to_owned()).unwrap_or_default();
        InboxLine {
            link: format!("/staff/assignments/{}/{}?lang={}", r.complaint_id, r.agency_id, tr.code()),
            received: super::local_time_or_dash(Some(r.received_at)),
            region,
            risk: tr.t(&format!("risk-{}", r.risk_level)),
            risk_code: r.risk_level,
            status: tr.t(&format!("assignment-status-{}", r.status)),
            acknowledge_due: super::local_time_or_dash(r.acknowledge_due_at),
            report_due: super::local_time_or_dash(r.report_due_at),
            overdue: urgency.overdue,
            due_today: urgency.due_today,
            acknowledging,
        }
    };
    let page = InboxPage { t: tr, csrf: staff.csrf().to_owned(), lines: rows.into_iter().map(line).collect() };
    render(&lang, StatusCode::OK, &page)
}

/// The form of every step (only the fields a step needs are read).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StepForm {
    csrf: String,
    step: String,
    reason: String,
    until: String,
    to_agency_id: String,
    officer_id: String,
    po_number: String,
    po_issued_on: String,
    po_term_days: String,
    case_number: String,
    article: String,
    no_grounds_reasons: String,
    results: String,
    follow_up_on: String,
    narrative: String,
    /// Ticked actions, as `act_<kind>` = yes.
    #[serde(flatten)]
    ticks: HashMap<String, String>,
}

impl StepForm {
    fn text(s: &str) -> Option<String> {
        Some(s.trim().to_owned()).filter(|s| !s.is_empty())
    }

    /// The action report as the API takes it.
    fn report(&self) -> Value {
        let actions: Vec<Value> = ActionKind::ALL
            .iter()
            .filter(|k| self.ticks.contains_key(&format!("act_{}", k.as_str())))
            .map(|k| match k {
                ActionKind::ProtectiveOrder => {
                    json!({"kind": k.as_str(), "number": self.po_number, "issued_on": self.po_issued_on,
                    "term_days": self.po_term_days.trim().parse::<i64>().map(Value::from).unwrap_or(json!(self.po_term_days))})
                }
                ActionKind::CriminalCase => json!({"kind": k.as_str(), "registration_number": self.case_number}),
                ActionKind::AdministrativeProtocol => json!({"kind": k.as_str(), "article": self.article}),
                ActionKind::NoGrounds => json!({"kind": k.as_str(), "reasons": self.no_grounds_reasons}),
                _ => json!({"kind": k.as_str()}),
            })
            .collect();
        json!({"actions": actions, "results": self.results, "follow_up_on": Self::text(&self.follow_up_on), "narrative": Self::text(&self.narrative)})
    }

    fn input(&self, step: Step) -> StepInput {
        StepInput {
            reason: Self::text(&self.reason),
            until: Self::text(&self.until),
            to_agency_id: Self::text(&self.to_agency_id),
            report: (step == Step::SubmitReport).then(|| self.report()),
        }
    }
}

/// The field of the page a step's error belongs to.
fn page_field(field: &str) -> String {
    let field = field.strip_prefix("report.").unwrap_or(field);
    match field {
        f if f.ends_with(".number") => "po_number".into(),
        f if f.ends_with(".issued_on") => "po_issued_on".into(),
        f if f.ends_with(".term_days") => "po_term_days".into(),
        f if f.ends_with(".registration_number") => "case_number".into(),
        f if f.ends_with(".article") => "article".into(),
        f if f.ends_with(".reasons") => "no_grounds_reasons".into(),
        f if f.starts_with("actions") => "actions".into(),
        f => f.to_owned(),
    }
}

/// A step the viewer may take, with the form it needs.
pub struct StepOffer {
    pub code: &'static str,
    pub label: String,
    pub needs_reason: bool,
    pub needs_until: bool,
}

/// An entry of the history as shown.
pub struct HistoryLine {
    pub at: String,
    pub step: String,
    pub status: String,
    pub by: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "staff/assignment.html")]
struct AssignmentPage {
    t: Tr,
    csrf: String,
    action: String,
    /// The referral form for this complaint's person (to a family support center).
    refer_link: String,
    agency: String,
    status: String,
    status_code: String,
    acknowledge_due: String,
    report_due: String,
    complaint: ComplaintView,
    report: Option<ReportView>,
    history: Vec<HistoryLine>,
    offers: Vec<StepOffer>,
    offers_report: bool,
    offers_forward: bool,
    actions: Vec<(&'static str, String, bool)>,
    agencies: Options,
    /// The agency's officers, for its head to give the assignment to (empty for others).
    officers: Options,
    form: StepForm,
    errors: FieldErrors,
    notice: Option<String>,
    evidence: Vec<EvidenceLine>,
    /// The evidence forms, for those who may add evidence here.
    evidence_forms: Option<EvidenceForms>,
    link: LinkForm,
}

/// What the page shows of the complaint (already redacted for the viewer's role).
pub struct ComplaintView {
    pub received: String,
    pub region: String,
    pub narrative: String,
    pub address: String,
    pub reporter: String,
    pub victims: Vec<String>,
}

pub struct ReportView {
    pub actions: Vec<String>,
    pub results: String,
    pub follow_up: String,
    pub narrative: String,
}

impl ComplaintView {
    fn of(c: &Complaint, tr: &Tr) -> ComplaintView {
        let reporter = match &c.details.reporter {
            Reporter::Anonymous => String::new(),
            Reporter::Identified(r) => {
                [r.name.as_deref(), r.phone.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(", ")
            }
        };
        let victims = c
            .details
            .victims
            .iter()
            .map(|v| {
                let age = v.age.map(|a| a.to_string()).unwrap_or_default();
                let sex = tr.t(&format!("sex-{}", v.sex.as_str()));
                [v.name.clone().unwrap_or_default(), age, sex]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .collect();
        ComplaintView {
            received: super::local_time_or_dash(Some(c.received_at)),
            region: c.details.region.name(tr.language).to_owned(),
            narrative: c.details.narrative.clone(),
            address: c.details.address.clone().unwrap_or_default(),
            reporter,
            victims,
        }
    }
}

impl ReportView {
    fn of(json: &str, tr: &Tr) -> Option<ReportView> {
        let report: ActionReport = serde_json::from_str(json).ok()?;
        let actions = report
            .actions
            .iter()
            .map(|a| {
                let name = tr.t(&format!("action-{}", a.kind().as_str()));
                match a {
                    domain::assignment::Action::ProtectiveOrder { number, issued_on, term_days } => {
                        format!("{name}: {number}, {issued_on}, {term_days}")
                    }
                    domain::assignment::Action::CriminalCase { registration_number } => format!("{name}: {registration_number}"),
                    domain::assignment::Action::AdministrativeProtocol { article } => format!("{name}: {article}"),
                    domain::assignment::Action::NoGrounds { reasons } => format!("{name}: {reasons}"),
                    _ => name,
                }
            })
            .collect();
        Some(ReportView {
            actions,
            results: report.results,
            follow_up: report.follow_up_on.map(|d| d.to_string()).unwrap_or_default(),
            narrative: report.narrative.unwrap_or_default(),
        })
    }
}

fn offers(staff: &StaffPage, assignment: &Assignment, tr: &Tr) -> Vec<StepOffer> {
    assignment
        .status
        .steps()
        .iter()
        .filter(|s| service::may_take(&staff.0, &assignment.agency_id, s.side()))
        .filter(|s| !matches!(s, Step::SubmitReport | Step::Forward))
        .map(|s| StepOffer {
            code: s.as_str(),
            label: tr.t(&format!("step-{}", s.as_str())),
            needs_reason: matches!(s, Step::Return | Step::RequestExtension | Step::RefuseExtension | Step::Reopen),
            needs_until: matches!(s, Step::RequestExtension | Step::GrantExtension),
        })
        .collect()
}

/// How the page is shown: after a refused form, with what it held and its errors.
pub(super) struct Shown {
    form: StepForm,
    pub(super) errors: FieldErrors,
    notice: Option<String>,
    pub(super) status: StatusCode,
    pub(super) link: LinkForm,
}

impl Shown {
    fn new(form: StepForm, errors: FieldErrors, notice: Option<String>, status: StatusCode) -> Shown {
        Shown { form, errors, notice, status, link: LinkForm::default() }
    }

    /// A page as opened, nothing refused.
    pub(super) fn plain() -> Shown {
        Shown::new(StepForm::default(), FieldErrors::default(), None, StatusCode::OK)
    }

    /// After an evidence form was refused: its errors, and the link form as it was.
    pub(super) fn refused(errors: FieldErrors, link: LinkForm) -> Shown {
        Shown { link, ..Shown::new(StepForm::default(), errors, None, StatusCode::UNPROCESSABLE_ENTITY) }
    }
}

pub(super) async fn assignment_page(
    state: &AppState,
    staff: &StaffPage,
    lang: &PageLanguage,
    complaint_id: ComplaintId,
    agency_id: &str,
    shown_as: Shown,
) -> Response {
    let tr = lang.tr;
    let (complaint, assignment, history) = match service::get(state, &staff.0, complaint_id, agency_id).await {
        Ok(found) => found,
        Err(AppError::Domain(domain::Error::NotFound)) => return super::not_found(lang),
        Err(AppError::Domain(domain::Error::Forbidden)) => return forbidden(lang),
        Err(_) => return super::internal_error(lang),
    };
    let Ok((evidence, evidence_forms)) =
        super::evidence::section(state, &staff.0, &complaint, &Holder::Assignment { agency_id: agency_id.to_owned() }, &tr).await
    else {
        return super::internal_error(lang);
    };
    let may = |step: Step| assignment.status.steps().contains(&step) && service::may_take(&staff.0, agency_id, step.side());
    let agency_name =
        |id: &str| state.reference.agencies.get(id).map(|a| a.names.get(tr.language).to_owned()).unwrap_or_default();
    let history = history.into_iter().map(|h: HistoryEntry| HistoryLine {
        at: super::local_time_or_dash(Some(h.at)),
        step: tr.t(&format!("step-{}", h.step)),
        status: tr.t(&format!("assignment-status-{}", h.status)),
        by: tr.t(&format!("history-by-{}", h.actor_kind)),
        note: h.note.unwrap_or_default(),
    });
    let page = AssignmentPage {
        csrf: staff.csrf().to_owned(),
        action: format!("/staff/assignments/{}/{}?lang={}", complaint_id, agency_id, tr.code()),
        refer_link: format!("/staff/referrals/new?complaint={}&lang={}", complaint_id, tr.code()),
        agency: agency_name(agency_id),
        status: tr.t(&format!("assignment-status-{}", assignment.status.as_str())),
        status_code: assignment.status.as_str().to_owned(),
        acknowledge_due: super::local_time_or_dash(assignment.acknowledge_due_at),
        report_due: super::local_time_or_dash(assignment.report_due_at),
        complaint: ComplaintView::of(&complaint, &tr),
        report: assignment.report.as_deref().and_then(|r| ReportView::of(r, &tr)),
        history: history.collect(),
        offers: offers(staff, &assignment, &tr),
        offers_report: may(Step::SubmitReport),
        offers_forward: may(Step::Forward),
        actions: ActionKind::ALL
            .iter()
            .map(|k| {
                (
                    k.as_str(),
                    tr.t(&format!("action-{}", k.as_str())),
                    shown_as.form.ticks.contains_key(&format!("act_{}", k.as_str())),
                )
            })
            .collect(),
        agencies: state
            .reference
            .agencies
            .agencies()
            .iter()
            .filter(|a| a.id != agency_id)
            .map(|a| (a.id.clone(), a.names.get(tr.language).to_owned(), a.id == shown_as.form.to_agency_id))
            .collect(),
        officers: officers(state, staff, &assignment).await,
        form: shown_as.form,
        errors: shown_as.errors,
        notice: shown_as.notice,
        evidence,
        evidence_forms,
        link: shown_as.link,
        t: tr,
    };
    render(lang, shown_as.status, &page)
}

pub async fn assignment(
    State(state): State<AppState>,
    staff: StaffPage,
    lang: PageLanguage,
    Path((id, agency_id)): Path<(String, String)>,
) -> Response {
    let Ok(id) = uuid::Uuid::parse_str(&id) else { return super::not_found(&lang) };
    let shown_as = Shown::new(StepForm::default(), FieldErrors::default(), None, StatusCode::OK);
    assignment_page(&state, &staff, &lang, ComplaintId(id), &agency_id, shown_as).await
}

pub async fn take_step(
    State(state): State<AppState>,
    staff: StaffPage,
    lang: PageLanguage,
    headers: HeaderMap,
    Path((id, agency_id)): Path<(String, String)>,
    form: Result<Form<StepForm>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else { return super::unreadable_form(&lang) };
    if let Some(refused) = csrf_refusal(&staff, &lang, &headers, &form.csrf) {
        return refused;
    }
    if form.step == "assign_officer" {
        return assign_officer(&state, &staff, &lang, &id, &agency_id, &form.officer_id).await;
    }
    let (Ok(uuid), Some(step)) = (uuid::Uuid::parse_str(&id), Step::parse(&form.step)) else {
        return super::unreadable_form(&lang);
    };
    let complaint_id = ComplaintId(uuid);
    let tr = lang.tr;
    let shown_as = Shown::new;
    match service::take_step(&state, &staff.0, complaint_id, &agency_id, step, form.input(step)).await {
        Ok(_) => Redirect::to(&format!("/staff/assignments/{id}/{agency_id}?lang={}", tr.code())).into_response(),
        Err(AppError::Domain(domain::Error::Forbidden)) => forbidden(&lang),
        Err(AppError::Domain(domain::Error::NotFound)) => super::not_found(&lang),
        Err(AppError::Domain(domain::Error::Conflict(_) | domain::Error::InvalidTransition(_))) => {
            let notice = Some(tr.t("assignment-conflict"));
            let shown = shown_as(StepForm::default(), FieldErrors::default(), notice, StatusCode::CONFLICT);
            assignment_page(&state, &staff, &lang, complaint_id, &agency_id, shown).await
        }
        Err(error) => match validation_errors(&tr, &error) {
            Some(errors) => {
                let errors =
                    errors.all().iter().map(|e| super::PageError { id: page_field(&e.id), message: e.message.clone() }).collect();
                let shown = shown_as(form, errors, None, StatusCode::UNPROCESSABLE_ENTITY);
                assignment_page(&state, &staff, &lang, complaint_id, &agency_id, shown).await
            }
            None => super::internal_error(&lang),
        },
    }
}

/// The agency's active accounts, for its head (nobody else may give assignments).
async fn officers(state: &AppState, staff: &StaffPage, assignment: &Assignment) -> Options {
    let agency = assignment.agency_id.as_str();
    if !service::may_assign(&staff.0, agency) {
        return Vec::new();
    }
    let people = store::users::of_agency(&state.db, agency).await.unwrap_or_default();
    people.into_iter().map(|(id, name)| (id.to_string(), name, Some(id) == assignment.officer_id)).collect()
}

async fn assign_officer(
    state: &AppState,
    staff: &StaffPage,
    lang: &PageLanguage,
    id: &str,
    agency_id: &str,
    officer_id: &str,
) -> Response {
    let (Ok(complaint), Ok(officer)) = (uuid::Uuid::parse_str(id), uuid::Uuid::parse_str(officer_id)) else {
        return super::unreadable_form(lang);
    };
    match service::assign_officer(state, &staff.0, ComplaintId(complaint), agency_id, officer).await {
        Ok(()) => Redirect::to(&format!("/staff/assignments/{id}/{agency_id}?lang={}", lang.tr.code())).into_response(),
        Err(AppError::Domain(domain::Error::Forbidden)) => forbidden(lang),
        Err(AppError::Domain(domain::Error::NotFound)) => super::not_found(lang),
        Err(AppError::Domain(domain::Error::Validation(_))) => super::unreadable_form(lang),
        Err(_) => super::internal_error(lang),
    }
}

/// A row of the compliance tables.
pub struct ComplianceRow {
    pub name: String,
    pub assignments: u64,
    pub acknowledged_on_time: String,
    pub reported_on_time: String,
    pub overdue: u64,
    pub to_acknowledge: String,
    pub to_report: String,
}

#[derive(Template)]
#[template(path = "staff/compliance.html")]
struct CompliancePage {
    t: Tr,
    csrf: String,
    /// A heading and its rows: by agency, then by region.
    sections: Vec<(String, Vec<ComplianceRow>)>,
}

fn compliance_row(name: String, f: &domain::assignment::compliance::Figures) -> ComplianceRow {
    let pct = |p: Option<f64>| p.map(|p| format!("{p:.1} %")).unwrap_or_else(|| "—".into());
    let hours = |m: Option<i64>| m.map(|m| format!("{:.1} h", m as f64 / 60.0)).unwrap_or_else(|| "—".into());
    ComplianceRow {
        name,
        assignments: f.assignments,
        acknowledged_on_time: pct(f.acknowledged_on_time_pct),
        reported_on_time: pct(f.reported_on_time_pct),
        overdue: f.overdue_now,
        to_acknowledge: hours(f.median_minutes_to_acknowledge),
        to_report: hours(f.median_minutes_to_report),
    }
}

/// Compliance with the deadlines, per agency and per region (`/staff/compliance`).
pub async fn compliance(State(state): State<AppState>, staff: StaffPage, lang: PageLanguage) -> Response {
    let tr = lang.tr;
    let figures = match crate::service::audit::compliance(&state, &staff.0).await {
        Ok(figures) => figures,
        Err(AppError::Domain(domain::Error::Forbidden)) => return forbidden(&lang),
        Err(_) => return super::internal_error(&lang),
    };
    let agency_name =
        |id: &str| state.reference.agencies.get(id).map(|a| a.names.get(tr.language).to_owned()).unwrap_or(id.to_owned());
    let region_name =
        |code: &str| domain::region::Region::by_code(code).map(|r| r.name(tr.language).to_owned()).unwrap_or(code.to_owned());
    let page = CompliancePage {
        t: tr,
        csrf: staff.csrf().to_owned(),
        sections: vec![
            (tr.t("compliance-by-agency"), figures.by_agency.iter().map(|(id, f)| compliance_row(agency_name(id), f)).collect()),
            (
                tr.t("compliance-by-region"),
                figures.by_region.iter().map(|(code, f)| compliance_row(region_name(code), f)).collect(),
            ),
        ],
    };
    render(&lang, StatusCode::OK, &page)
}

//! A school's pages: the report form (`/staff/school-report`), the school's reports
//! (`/staff/school-reports`) and one report with where each agency stands
//! (`/staff/school-reports/{id}`).
//!
//! The form is turned into the JSON of `POST /api/v1/school-reports` and goes through the same
//! service, so the validation is one. Minors are a few fixed rows (no JavaScript needed); blank
//! rows are left out. The time the school learned of it is typed in Kazakhstan time.

use super::account::{StaffPage, csrf_refusal, forbidden};
use super::agency::Shown;
use super::evidence::{EvidenceForms, EvidenceLine, Holder, LinkForm};
use super::{FieldErrors, Options, PageLanguage, internal_error, local_time, local_time_or_dash, page_error, render};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::service::complaints as complaints_service;
use crate::service::schools as service;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use domain::complaint::{Channel, Sex};
use domain::ids::ComplaintId;
use domain::school::{MinorRole, SchoolReportInput, SchoolReportKind, Timeliness};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use store::complaints::ListFilter;

/// How many rows of minors the form offers.
const MINOR_ROWS: usize = 6;

/// The form as posted.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SchoolForm {
    pub csrf: String,
    /// A random id per form: the idempotency key (a double click sends one report).
    pub form_id: String,
    pub kind: String,
    /// `YYYY-MM-DDTHH:MM` from a `datetime-local` input, in Kazakhstan time.
    pub learned_at: String,
    pub narrative: String,
    pub actions_taken: String,
    /// The minors' rows: `m<i>_role`, `m<i>_age`, `m<i>_sex`, `m<i>_name`.
    #[serde(flatten)]
    pub rows: BTreeMap<String, String>,
}

impl SchoolForm {
    fn cell(&self, row: usize, name: &str) -> &str {
        self.rows.get(&format!("m{row}_{name}")).map(|v| v.trim()).unwrap_or("")
    }

    /// The rows with anything typed in, by their number on the form.
    fn filled_rows(&self) -> Vec<usize> {
        (0..MINOR_ROWS).filter(|&i| ["role", "age", "name"].iter().any(|c| !self.cell(i, c).is_empty())).collect()
    }

    /// The JSON an API client would send.
    fn to_json(&self, tr: &Tr) -> Value {
        let text = |s: &str| if s.trim().is_empty() { Value::Null } else { json!(s.trim()) };
        let minors: Vec<Value> = self
            .filled_rows()
            .into_iter()
            .map(|i| {
                let age = self.cell(i, "age");
                json!({
                    "role": text(self.cell(i, "role")),
                    "age": age.parse::<i64>().map(|n| json!(n)).unwrap_or_else(|_| text(age)),
                    "sex": text(self.cell(i, "sex")),
                    "name": text(self.cell(i, "name")),
                })
            })
            .collect();
        json!({
            "kind": text(&self.kind),
            "learned_at": learned_at(&self.learned_at),
            "language": tr.code(),
            "narrative": text(&self.narrative),
            "minors": minors,
            "actions_taken": text(&self.actions_taken),
        })
    }

    /// The form's field for a field of the API's errors.
    fn field_of(&self, path: &str) -> String {
        let rows = self.filled_rows();
        let cell = path.strip_prefix("minors[").and_then(|rest| rest.split_once("]."));
        match cell {
            Some((n, column)) => match n.parse::<usize>().ok().and_then(|n| rows.get(n)) {
                Some(row) => format!("m{row}_{column}"),
                None => "m0_role".to_owned(),
            },
            None if path == "minors" => "m0_role".to_owned(),
            None => path.to_owned(),
        }
    }
}

/// A `datetime-local` value (`2026-11-20T09:30`) as an RFC 3339 time in Kazakhstan; anything
/// else is passed on as typed, for the validation to report.
fn learned_at(typed: &str) -> Value {
    let typed = typed.trim();
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    match time::PrimitiveDateTime::parse(typed, format) {
        Ok(at) => {
            let at = at.assume_offset(domain::clock::KAZAKHSTAN_OFFSET);
            json!(at.format(&time::format_description::well_known::Rfc3339).expect("a valid time formats"))
        }
        Err(_) if typed.is_empty() => Value::Null,
        Err(_) => json!(typed),
    }
}

/// One row of minors on the form.
pub struct MinorRow {
    pub i: usize,
    pub roles: Options,
    pub age: String,
    pub sexes: Options,
    pub name: String,
}

#[derive(Template)]
#[template(path = "staff/school_report.html")]
struct FormPage {
    t: Tr,
    csrf: String,
    form: SchoolForm,
    errors: FieldErrors,
    kinds: Options,
    rows: Vec<MinorRow>,
    limit_hours: i64,
    /// The school's own QR poster, offered in its navigation.
    own_poster: Option<String>,
}

impl FormPage {
    fn new(state: &AppState, staff: &StaffPage, tr: Tr, form: SchoolForm, errors: FieldErrors) -> Self {
        let choose = |codes: &[&'static str], prefix: &str, selected: &str| -> Options {
            codes.iter().map(|c| (c.to_string(), tr.t(&format!("{prefix}{c}")), *c == selected)).collect()
        };
        let kinds = SchoolReportKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>();
        let roles = MinorRole::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>();
        let sexes = Sex::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>();
        let rows = (0..MINOR_ROWS)
            .map(|i| MinorRow {
                i,
                roles: choose(&roles, "minor-role-", form.cell(i, "role")),
                age: form.cell(i, "age").to_owned(),
                sexes: choose(&sexes, "sex-", form.cell(i, "sex")),
                name: form.cell(i, "name").to_owned(),
            })
            .collect();
        FormPage {
            own_poster: super::institutions::own_poster(staff),
            csrf: staff.csrf().to_owned(),
            kinds: choose(&kinds, "school-kind-", &form.kind),
            rows,
            limit_hours: state.school_report_limit.whole_hours(),
            t: tr,
            form,
            errors,
        }
    }
}

/// The school's report form.
pub async fn form(State(state): State<AppState>, staff: StaffPage, lang: PageLanguage) -> Response {
    let form = SchoolForm { form_id: super::report::new_form_id(), ..SchoolForm::default() };
    render(&lang, StatusCode::OK, &FormPage::new(&state, &staff, lang.tr, form, FieldErrors::default()))
}

/// Sends the report; on success, its page.
pub async fn submit(
    State(state): State<AppState>,
    staff: StaffPage,
    lang: PageLanguage,
    headers: HeaderMap,
    form: Result<Form<SchoolForm>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else { return super::unreadable_form(&lang) };
    if let Some(refused) = csrf_refusal(&staff, &lang, &headers, &form.csrf) {
        return refused;
    }
    let tr = lang.tr;
    let body = form.to_json(&tr).to_string();
    let key = (!form.form_id.is_empty()).then(|| format!("form:{}", form.form_id));
    let outcome = match SchoolReportInput::from_json(body.as_bytes()) {
        Ok(input) => service::submit_report(&state, &staff.0, input, body.as_bytes(), key.as_deref()).await,
        Err(e) => Err(e.into()),
    };
    match outcome {
        Ok(done) => Redirect::to(&format!("/staff/school-reports/{}?sent=1&lang={}", done.receipt.id, tr.code())).into_response(),
        Err(AppError::Domain(domain::Error::Validation(fields))) => {
            let errors = fields.iter().map(|f| page_error(&tr, &form.field_of(&f.field), f.code)).collect();
            render(&lang, StatusCode::UNPROCESSABLE_ENTITY, &FormPage::new(&state, &staff, tr, form, errors))
        }
        Err(AppError::Domain(domain::Error::Forbidden)) => forbidden(&lang),
        Err(AppError::Domain(domain::Error::Conflict(_))) => {
            let page = super::ErrorPage { t: tr, title: tr.t("already-sent-title"), message: tr.t("already-sent") };
            render(&lang, StatusCode::CONFLICT, &page)
        }
        Err(error) => failed(&lang, &error),
    }
}

fn failed(lang: &PageLanguage, error: &AppError) -> Response {
    if let AppError::Internal(e) = error {
        tracing::error!(error = format!("{e:#}"), "a school page failed");
    }
    internal_error(lang)
}

/// One line of the school's list.
pub struct ReportLine {
    pub id: String,
    pub tracking_code: String,
    pub received: String,
    pub status: String,
}

#[derive(Template)]
#[template(path = "staff/school_reports.html")]
struct ListPage {
    t: Tr,
    csrf: String,
    reports: Vec<ReportLine>,
}

/// The school's own reports, newest first (the policy limits the list to its institution).
pub async fn list(State(state): State<AppState>, staff: StaffPage, lang: PageLanguage) -> Response {
    let tr = lang.tr;
    let filter = ListFilter { channel: Some(Channel::School), limit: 100, ..ListFilter::default() };
    let reports = match complaints_service::list(&state, &staff.0, filter).await {
        Ok((page, _)) => page,
        Err(AppError::Domain(domain::Error::Forbidden)) => return forbidden(&lang),
        Err(error) => return failed(&lang, &error),
    };
    let reports = reports
        .into_iter()
        .map(|c| ReportLine {
            id: c.id.to_string(),
            tracking_code: c.tracking_code.to_string(),
            received: local_time(c.received_at),
            status: tr.t(&format!("status-{}", c.status.as_str())),
        })
        .collect();
    render(&lang, StatusCode::OK, &ListPage { t: tr, csrf: staff.csrf().to_owned(), reports })
}

/// Where one agency stands with the report.
pub struct AgencyLine {
    pub agency: String,
    pub role: String,
    pub status: String,
    pub acknowledge_due: String,
    pub report_due: String,
}

/// A minor as shown.
pub struct MinorLine {
    pub role: String,
    pub age: u8,
    pub sex: String,
}

#[derive(Template)]
#[template(path = "staff/school_report_view.html")]
struct ReportPage {
    t: Tr,
    csrf: String,
    sent: bool,
    tracking_code: String,
    kind: String,
    learned: String,
    reported: String,
    delay: String,
    late: bool,
    limit_hours: i64,
    narrative: String,
    actions_taken: String,
    minors: Vec<MinorLine>,
    agencies: Vec<AgencyLine>,
    evidence: Vec<EvidenceLine>,
    evidence_forms: Option<EvidenceForms>,
    errors: FieldErrors,
    link: LinkForm,
}

/// Whether the page was reached right after sending (`?sent=1`).
#[derive(Deserialize)]
pub struct ViewQuery {
    #[serde(default)]
    sent: Option<String>,
}

/// One school report: what was sent, how timely, where each agency stands, and its evidence.
pub async fn view(
    State(state): State<AppState>,
    staff: StaffPage,
    lang: PageLanguage,
    Path(id): Path<String>,
    axum::extract::Query(query): axum::extract::Query<ViewQuery>,
) -> Response {
    let Ok(id) = uuid::Uuid::parse_str(&id).map(ComplaintId) else { return super::not_found(&lang) };
    report_page(&state, &staff, &lang, id, query.sent.is_some(), Shown::plain()).await
}

/// The report's page, right after sending (`sent`), or as `shown` after a refused evidence form.
pub(super) async fn report_page(
    state: &AppState,
    staff: &StaffPage,
    lang: &PageLanguage,
    id: ComplaintId,
    sent: bool,
    shown: Shown,
) -> Response {
    let tr = lang.tr;
    let found = match service::report_of(state, &staff.0, id).await {
        Ok(Some(report)) => complaints_service::get(state, &staff.0, id).await.map(|c| (report, c)),
        Ok(None) => Err(domain::Error::NotFound.into()),
        Err(error) => Err(error),
    };
    let (report, complaint) = match found {
        Ok(found) => found,
        Err(AppError::Domain(domain::Error::NotFound)) => return super::not_found(lang),
        Err(AppError::Domain(domain::Error::Forbidden)) => return forbidden(lang),
        Err(error) => return failed(lang, &error),
    };
    let (evidence, evidence_forms) = match super::evidence::section(state, &staff.0, &complaint, &Holder::SchoolReport, &tr).await
    {
        Ok(section) => section,
        Err(error) => return failed(lang, &error),
    };
    let agency_name =
        |id: &str| state.reference.agencies.get(id).map(|a| a.names.get(tr.language).to_owned()).unwrap_or_default();
    let page = ReportPage {
        csrf: staff.csrf().to_owned(),
        sent,
        tracking_code: complaint.tracking_code.to_string(),
        kind: tr.t(&format!("school-kind-{}", report.kind.as_str())),
        learned: local_time(report.learned_at),
        reported: local_time(report.reported_at),
        delay: delay_text(&tr, report.timeliness),
        late: report.timeliness.late,
        limit_hours: state.school_report_limit.whole_hours(),
        narrative: complaint.details.narrative.clone(),
        actions_taken: report.actions_taken.unwrap_or_default(),
        minors: report
            .minors
            .iter()
            .map(|m| MinorLine {
                role: tr.t(&format!("minor-role-{}", m.role.as_str())),
                age: m.age,
                sex: tr.t(&format!("sex-{}", m.sex.as_str())),
            })
            .collect(),
        agencies: complaint
            .assignments
            .iter()
            .map(|a| AgencyLine {
                agency: agency_name(&a.agency_id),
                role: tr.t(&format!("role-{}", a.role.as_str())),
                status: tr.t(&format!("assignment-status-{}", a.status)),
                acknowledge_due: local_time_or_dash(a.acknowledge_due_at),
                report_due: local_time_or_dash(a.report_due_at),
            })
            .collect(),
        evidence,
        evidence_forms,
        errors: shown.errors,
        link: shown.link,
        t: tr,
    };
    render(lang, shown.status, &page)
}

/// "3 h 20 min" in the page's language.
fn delay_text(tr: &Tr, timeliness: Timeliness) -> String {
    let minutes = timeliness.delay_seconds / 60;
    tr.tn("school-delay", &[("hours", (minutes / 60).to_string()), ("minutes", (minutes % 60).to_string())])
}

/// The period and region asked for on the figures page.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FigureQuery {
    from: String,
    to: String,
    region: String,
}

#[derive(Template)]
#[template(path = "staff/school_figures.html")]
struct FiguresPage {
    t: Tr,
    csrf: String,
    query: FigureQuery,
    errors: FieldErrors,
    regions: Options,
    /// The limit in force, once figures could be shown.
    limit_hours: Option<i64>,
    /// (heading, rows): by region, then by institution.
    sections: Vec<(String, Vec<service::FigureRow>)>,
}

/// Schools' reports, bullying and cyberbullying, lateness and QR reports per region and
/// institution, for a period (analysts, supervisors; an agency head sees their region).
pub async fn figures(
    State(state): State<AppState>,
    staff: StaffPage,
    lang: PageLanguage,
    axum::extract::Query(query): axum::extract::Query<FigureQuery>,
) -> Response {
    let tr = lang.tr;
    let region = domain::region::Region::by_code(query.region.trim());
    let asked = service::period(Some(&query.from), Some(&query.to), state.clock.now());
    let (figures, errors) = match asked {
        Ok(period) => match service::figures(&state, &staff.0, period, region, tr.language).await {
            Ok(figures) => (Some(figures), FieldErrors::default()),
            Err(AppError::Domain(domain::Error::Forbidden)) => return forbidden(&lang),
            Err(error) => return failed(&lang, &error),
        },
        Err(AppError::Domain(domain::Error::Validation(fields))) => {
            (None, fields.iter().map(|f| page_error(&tr, &f.field, f.code)).collect())
        }
        Err(error) => return failed(&lang, &error),
    };
    let regions =
        domain::region::REGIONS.iter().map(|r| (r.code.to_owned(), r.name(tr.language).to_owned(), Some(r) == region)).collect();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let limit_hours = figures.as_ref().map(|f| f.limit_hours);
    let sections = match figures {
        Some(f) => vec![(tr.t("compliance-by-region"), f.regions), (tr.t("school-figures-by-institution"), f.institutions)],
        None => vec![],
    };
    let page = FiguresPage { t: tr, csrf: staff.csrf().to_owned(), query, errors, regions, limit_hours, sections };
    render(&lang, status, &page)
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::complaint::Language;

    fn form(rows: &[(&str, &str)]) -> SchoolForm {
        SchoolForm {
            kind: "bullying".into(),
            learned_at: "2026-11-20T09:30".into(),
            rows: rows.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            ..SchoolForm::default()
        }
    }

    #[test]
    fn the_form_becomes_the_json_of_the_api_without_blank_rows() {
        let form = form(&[("m0_role", "victim"), ("m0_age", "12"), ("m2_role", "witness"), ("m2_age", "x"), ("m1_sex", "male")]);
        let json = form.to_json(&Tr::new(Language::Ru));
        assert_eq!(json["learned_at"], "2026-11-20T09:30:00+05:00");
        assert_eq!(json["language"], "ru");
        assert_eq!(json["minors"].as_array().map(Vec::len), Some(2), "a row with only a sex chosen is blank");
        assert_eq!(json["minors"][0]["age"], 12);
        assert_eq!(json["minors"][1]["age"], "x", "passed on for the validation to report");
    }

    #[test]
    fn an_error_of_a_minor_points_at_the_row_it_was_typed_in() {
        let form = form(&[("m0_role", "victim"), ("m0_age", "12"), ("m3_role", "witness"), ("m3_age", "40")]);
        assert_eq!(form.field_of("minors[1].age"), "m3_age");
        assert_eq!(form.field_of("minors"), "m0_role");
        assert_eq!(form.field_of("learned_at"), "learned_at");
    }
}

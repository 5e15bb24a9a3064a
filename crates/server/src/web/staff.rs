//! The operator's phone-intake screen (`/staff/intake`): caller and victim details, the
//! questionnaire, and the risk level and routing preview that update as the answers change
//! (htmx when JavaScript runs; a "check" button that posts the form otherwise), an emergency
//! banner with the 102 instruction for immediate danger, then submit.
//!
//! Staff sign in with their login and password (`web::account`); every post here carries the
//! session's CSRF token and must come from our own pages.

use super::account::{StaffPage, csrf_refusal};
use super::report::ReportForm;
use super::{FieldErrors, Options, PageLanguage, internal_error, page_error, relation_options, render, sex_options};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::service::Caller;
use crate::service::complaints::{self as service, Preview};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use domain::complaint::{Channel, ComplaintInput, Language};
use domain::region::REGIONS;
use domain::triage::{ITEMS, RiskLevel};
use serde::Deserialize;
use serde_json::{Value, json};

/// The intake form: the public form's fields, and what only an operator fills in.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct IntakeForm {
    /// The session's CSRF token.
    pub csrf: String,
    pub channel: String,
    pub language: String,
    pub primary_category: String,
    pub incidents: String,
    pub judgement_level: String,
    pub judgement_reason: String,
    /// Narrative, people, and (in its map) the `q_<item>` and `cat_<code>` ticks.
    #[serde(flatten)]
    pub base: ReportForm,
}

impl IntakeForm {
    fn ticked(&self, prefix: &str, code: &str) -> bool {
        self.base.questions.get(&format!("{prefix}{code}")).is_some_and(|v| v == "yes")
    }

    /// The categories, primary first, then the other ticked ones in taxonomy order.
    fn categories(&self, state: &AppState) -> Vec<String> {
        let mut codes: Vec<String> = Vec::new();
        if !self.primary_category.is_empty() {
            codes.push(self.primary_category.clone());
        }
        for c in state.reference.taxonomy.categories() {
            if self.ticked("cat_", &c.code) && !codes.contains(&c.code) {
                codes.push(c.code.clone());
            }
        }
        codes
    }

    /// The same JSON an API client would send.
    fn to_json(&self, state: &AppState, tr: &Tr) -> Value {
        let mut body = self.base.to_json(tr);
        let answers: serde_json::Map<String, Value> =
            ITEMS.iter().filter(|i| self.ticked("q_", i.code)).map(|i| (i.code.to_owned(), Value::Bool(true))).collect();
        let text = |s: &str| if s.trim().is_empty() { Value::Null } else { json!(s.trim()) };
        let judgement = if self.judgement_level.is_empty() && self.judgement_reason.trim().is_empty() {
            Value::Null
        } else {
            json!({"level": self.judgement_level, "reason": text(&self.judgement_reason)})
        };
        let incidents = self.incidents.trim().parse::<i64>().map(|n| json!(n)).unwrap_or_else(|_| text(&self.incidents));
        body["triage"] = json!({"answers": answers, "incidents_past_year": incidents, "judgement": judgement});
        body["channel"] = json!(if self.channel.is_empty() { "phone" } else { &self.channel });
        body["language"] = json!(if self.language.is_empty() { tr.code() } else { &self.language });
        body["categories"] = json!(self.categories(state));
        body
    }
}

/// The field of the intake page a domain field error belongs to.
fn intake_field(path: &str) -> &'static str {
    match path {
        p if p.starts_with("categories") => "primary_category",
        "triage.incidents_past_year" => "incidents",
        p if p.starts_with("triage.judgement.reason") => "judgement_reason",
        p if p.starts_with("triage.judgement") => "judgement_level",
        "channel" => "channel",
        "language" => "language",
        p => super::report::form_field(p),
    }
}

/// An assignment as the operator reads it.
pub struct AssignmentLine {
    pub agency: String,
    pub role: String,
    pub acknowledge_due: String,
    pub report_due: String,
    pub rule: String,
}

/// The preview panel.
pub struct PreviewPanel {
    pub level: String,
    pub level_code: &'static str,
    pub emergency: bool,
    pub reasons: Vec<String>,
    pub categories: Vec<String>,
    pub suggested: bool,
    pub forward_at_once: bool,
    pub assignments: Vec<AssignmentLine>,
}

impl PreviewPanel {
    fn new(state: &AppState, tr: &Tr, preview: &Preview) -> Self {
        let reference = &state.reference;
        let reasons = preview
            .risk
            .reasons
            .iter()
            .map(|r| match r.count {
                Some(n) => tr.t1(&format!("reason-{}", r.code), "count", n),
                None => tr.t(&format!("reason-{}", r.code)),
            })
            .collect();
        let categories = preview
            .categories
            .iter()
            .map(|c| reference.taxonomy.get(c).map(|c| c.names.get(tr.language).to_owned()).unwrap_or_default())
            .collect();
        let assignments = preview
            .assignments
            .iter()
            .map(|a| AssignmentLine {
                agency: reference
                    .agencies
                    .get(&a.agency_id)
                    .map(|g| g.names.get(tr.language).to_owned())
                    .unwrap_or_else(|| a.agency_id.clone()),
                role: tr.t(&format!("role-{}", a.role.as_str())),
                acknowledge_due: super::local_time_or_dash(a.acknowledge_due_at),
                report_due: super::local_time_or_dash(a.report_due_at),
                rule: a.rule_id.clone(),
            })
            .collect();
        PreviewPanel {
            level: tr.t(&format!("risk-{}", preview.risk.level.as_str())),
            level_code: preview.risk.level.as_str(),
            emergency: preview.risk.hand_to_police_now,
            reasons,
            categories,
            suggested: preview.risk.categories_suggested,
            forward_at_once: preview.risk.forward_at_once,
            assignments,
        }
    }
}

/// A question of the questionnaire on the page: (code, words, ticked).
type Question = (&'static str, String, bool);

#[derive(Template)]
#[template(path = "staff/intake.html")]
struct IntakePage {
    t: Tr,
    csrf: String,
    form: IntakeForm,
    errors: FieldErrors,
    preview: Option<PreviewPanel>,
    channels: Options,
    languages: Options,
    regions: Options,
    categories: Options,
    other_categories: Vec<(String, String, bool)>,
    sexes: Options,
    perpetrator_relations: Options,
    reporter_relations: Options,
    levels: Options,
    questions: Vec<(String, Vec<Question>)>,
    /// A school's own QR poster, offered in its navigation.
    own_poster: Option<String>,
}

/// The questionnaire in the groups an operator asks it.
fn question_groups(tr: &Tr, form: &IntakeForm) -> Vec<(String, Vec<Question>)> {
    let group = |key: &str, filter: &dyn Fn(&domain::triage::Item) -> bool| {
        let items = ITEMS
            .iter()
            .filter(|i| filter(i))
            .map(|i| (i.code, tr.t(&format!("question-{}", i.code)), form.ticked("q_", i.code)))
            .collect();
        (tr.t(key), items)
    };
    vec![
        group("questions-now", &|i| i.public),
        group("questions-dash", &|i| i.dash && !i.public),
        group("questions-lethality", &|i| !i.dash && !i.public),
    ]
}

impl IntakePage {
    fn new(
        state: &AppState,
        staff: &StaffPage,
        tr: Tr,
        form: IntakeForm,
        errors: FieldErrors,
        preview: Option<PreviewPanel>,
    ) -> Self {
        let language = tr.language;
        let taxonomy = &state.reference.taxonomy;
        let pick = |codes: Vec<(&'static str, String)>, selected: &str| -> Options {
            codes.into_iter().map(|(c, label)| (c.to_owned(), label, c == selected)).collect()
        };
        IntakePage {
            own_poster: super::institutions::own_poster(staff),
            channels: pick(
                Channel::ALL.iter().map(|c| (c.as_str(), tr.t(&format!("channel-{}", c.as_str())))).collect(),
                &form.channel,
            ),
            languages: pick(
                Language::ALL.iter().map(|l| (l.as_str(), tr.t(&format!("language-{}", l.as_str())))).collect(),
                &form.language,
            ),
            regions: REGIONS
                .iter()
                .map(|r| (r.code.to_owned(), r.name(language).to_owned(), r.code == form.base.region))
                .collect(),
            categories: taxonomy
                .categories()
                .iter()
                .map(|c| (c.code.clone(), c.names.get(language).to_owned(), c.code == form.primary_category))
                .collect(),
            other_categories: taxonomy
                .categories()
                .iter()
                .map(|c| (c.code.clone(), c.names.get(language).to_owned(), form.ticked("cat_", &c.code)))
                .collect(),
            sexes: sex_options(&tr, &form.base.victim_sex),
            perpetrator_relations: relation_options(&tr, &form.base.perpetrator_relation),
            reporter_relations: relation_options(&tr, &form.base.reporter_relation),
            levels: pick(
                RiskLevel::ALL.iter().map(|l| (l.as_str(), tr.t(&format!("risk-{}", l.as_str())))).collect(),
                &form.judgement_level,
            ),
            questions: question_groups(&tr, &form),
            csrf: staff.csrf().to_owned(),
            t: tr,
            form,
            errors,
            preview,
        }
    }
}

#[derive(Template)]
#[template(path = "staff/preview.html")]
struct PreviewFragment {
    t: Tr,
    preview: Option<PreviewPanel>,
    errors: FieldErrors,
}

pub async fn intake_form(State(state): State<AppState>, staff: StaffPage, lang: PageLanguage) -> Response {
    let form = IntakeForm {
        channel: "phone".into(),
        language: lang.tr.code().into(),
        base: ReportForm { form_id: super::report::new_form_id(), ..Default::default() },
        ..Default::default()
    };
    render(&lang, StatusCode::OK, &IntakePage::new(&state, &staff, lang.tr, form, FieldErrors::default(), None))
}

fn field_errors(tr: &Tr, error: &AppError) -> Option<FieldErrors> {
    match error {
        AppError::Domain(domain::Error::Validation(fields)) => {
            Some(fields.iter().map(|f| page_error(tr, intake_field(&f.field), f.code)).collect())
        }
        _ => None,
    }
}

/// The posted intake form and the JSON an API client would send for it, or the page that
/// refuses the post (from another site, without the session's token, or unreadable).
fn posted(
    state: &AppState,
    staff: &StaffPage,
    lang: &PageLanguage,
    headers: &HeaderMap,
    form: Result<Form<IntakeForm>, FormRejection>,
) -> Result<(IntakeForm, String), Box<Response>> {
    let Ok(Form(form)) = form else { return Err(Box::new(super::unreadable_form(lang))) };
    if let Some(refused) = csrf_refusal(staff, lang, headers, &form.csrf) {
        return Err(Box::new(refused));
    }
    let body = form.to_json(state, &lang.tr).to_string();
    Ok((form, body))
}

/// The preview: the whole page without JavaScript, the panel alone for htmx.
pub async fn preview(
    State(state): State<AppState>,
    staff: StaffPage,
    lang: PageLanguage,
    headers: HeaderMap,
    form: Result<Form<IntakeForm>, FormRejection>,
) -> Response {
    let (form, body) = match posted(&state, &staff, &lang, &headers, form) {
        Ok(posted) => posted,
        Err(refused) => return *refused,
    };
    let tr = lang.tr;
    let result =
        ComplaintInput::from_json(body.as_bytes()).map_err(AppError::from).and_then(|input| service::preview(&state, input));
    let (panel, errors) = match result {
        Ok(preview) => (Some(PreviewPanel::new(&state, &tr, &preview)), FieldErrors::default()),
        Err(error) => match field_errors(&tr, &error) {
            Some(errors) => (None, errors),
            None => return internal_error(&lang),
        },
    };
    if headers.contains_key("hx-request") {
        return render(&lang, StatusCode::OK, &PreviewFragment { t: tr, preview: panel, errors });
    }
    render(&lang, StatusCode::OK, &IntakePage::new(&state, &staff, tr, form, errors, panel))
}

#[derive(Template)]
#[template(path = "staff/registered.html")]
struct RegisteredPage {
    t: Tr,
    csrf: String,
    tracking_code: String,
    status_pin: String,
    may_be_contacted: bool,
    preview: Option<PreviewPanel>,
    errors: FieldErrors,
}

pub async fn submit(
    State(state): State<AppState>,
    staff: StaffPage,
    lang: PageLanguage,
    headers: HeaderMap,
    form: Result<Form<IntakeForm>, FormRejection>,
) -> Response {
    let (form, body) = match posted(&state, &staff, &lang, &headers, form) {
        Ok(posted) => posted,
        Err(refused) => return *refused,
    };
    let tr = lang.tr;
    let key = (!form.base.form_id.is_empty()).then(|| format!("intake:{}", form.base.form_id));
    let outcome = match ComplaintInput::from_json(body.as_bytes()) {
        Ok(input) => service::submit(&state, input, body.as_bytes(), &Caller::Staff(staff.0.clone()), key.as_deref()).await,
        Err(e) => Err(e.into()),
    };
    match outcome {
        Ok(receipt) => {
            let page = RegisteredPage {
                t: tr,
                csrf: staff.csrf().to_owned(),
                tracking_code: receipt.tracking_code.to_string(),
                status_pin: receipt.status_pin.as_str().to_owned(),
                may_be_contacted: receipt.may_be_contacted,
                preview: receipt.assessment.map(|p| PreviewPanel::new(&state, &tr, &p)),
                errors: FieldErrors::default(),
            };
            render(&lang, StatusCode::OK, &page)
        }
        Err(error) => match field_errors(&tr, &error) {
            Some(errors) => {
                render(&lang, StatusCode::UNPROCESSABLE_ENTITY, &IntakePage::new(&state, &staff, tr, form, errors, None))
            }
            None => internal_error(&lang),
        },
    }
}

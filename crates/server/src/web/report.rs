//! The report form, its human check, and the receipt.

use super::{FieldErrors, Options, PageLanguage, internal_error, page_error, relation_options, render, sex_options};
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
use domain::complaint::ComplaintInput;
use domain::region::REGIONS;
use serde::Deserialize;
use serde_json::{Value, json};

/// The form's fields, by id, as the domain's field paths map to them.
#[cfg(test)]
pub const FORM_FIELDS: &[&str] = &[
    "narrative",
    "region",
    "locality",
    "victim_age",
    "victim_sex",
    "victim_disability",
    "perpetrator_relation",
    "anonymous",
    "reporter_name",
    "reporter_phone",
    "reporter_relation",
    "consent",
    "safe",
    "safe_time",
];

pub(super) fn form_field(path: &str) -> &'static str {
    match path {
        "region" => "region",
        "locality" => "locality",
        "victims[0].age" | "victims[0].birth_year" | "victims[0].minor" => "victim_age",
        "victims[0].sex" => "victim_sex",
        "victims[0].disability" => "victim_disability",
        "perpetrators[0].relation" | "perpetrators[0].sex" => "perpetrator_relation",
        "reporter.anonymous" => "anonymous",
        "reporter.name" => "reporter_name",
        "reporter.phone" => "reporter_phone",
        "reporter.relation" => "reporter_relation",
        "reporter.consent_to_contact" => "consent",
        "reporter.safe_to_contact" => "safe",
        "reporter.safe_contact_time" => "safe_time",
        _ => "narrative",
    }
}

/// The form as posted (and as shown again when something needs fixing).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReportForm {
    /// A random id per form, used as the idempotency key: a double click sends one report.
    pub form_id: String,
    /// `qr` when the form was opened from a QR code.
    pub src: String,
    /// The honeypot: people never see it; some robots fill it.
    pub website: String,
    pub check_token: String,
    pub check_answer: String,
    pub narrative: String,
    pub region: String,
    pub locality: String,
    pub victim_age: String,
    pub victim_sex: String,
    pub victim_disability: Option<String>,
    pub perpetrator_relation: String,
    pub anonymous: String,
    pub reporter_name: String,
    pub reporter_phone: String,
    pub reporter_relation: String,
    pub consent: Option<String>,
    pub safe: Option<String>,
    pub safe_time: String,
    /// The questions of the short questionnaire, as `q_<item code>` = `yes`.
    #[serde(flatten)]
    pub questions: std::collections::BTreeMap<String, String>,
}

impl ReportForm {
    pub fn identified(&self) -> bool {
        self.anonymous == "no"
    }

    /// Whether the question of `item` was ticked.
    pub fn said_yes(&self, item: &str) -> bool {
        self.questions.get(&format!("q_{item}")).is_some_and(|v| v == "yes")
    }

    /// The same JSON an API client would send.
    pub(super) fn to_json(&self, tr: &Tr) -> Value {
        let text = |s: &str| if s.trim().is_empty() { Value::Null } else { json!(s) };
        let number = |s: &str| s.trim().parse::<i64>().map(|n| json!(n)).unwrap_or_else(|_| text(s));
        let mut victim = serde_json::Map::new();
        if !self.victim_age.trim().is_empty() {
            victim.insert("age".into(), number(&self.victim_age));
        }
        if !self.victim_sex.is_empty() {
            victim.insert("sex".into(), json!(self.victim_sex));
        }
        if self.victim_disability.is_some() {
            victim.insert("disability".into(), json!(true));
        }
        let victims = if victim.is_empty() { vec![] } else { vec![Value::Object(victim)] };
        let perpetrators =
            if self.perpetrator_relation.is_empty() { vec![] } else { vec![json!({"relation": self.perpetrator_relation})] };
        let reporter = json!({
            "anonymous": !self.identified(),
            "name": text(&self.reporter_name),
            "phone": text(&self.reporter_phone),
            "relation": if self.identified() { text(&self.reporter_relation) } else { Value::Null },
            "consent_to_contact": self.identified() && self.consent.is_some(),
            "safe_to_contact": self.identified() && self.safe.is_some(),
            "safe_contact_time": if self.identified() { text(&self.safe_time) } else { Value::Null },
        });
        let answers: serde_json::Map<String, Value> =
            public_items().filter(|code| self.said_yes(code)).map(|code| (code.to_owned(), Value::Bool(true))).collect();
        json!({
            "triage": {"answers": answers},
            "channel": if self.src == "qr" { "qr" } else { "web" },
            "language": tr.code(),
            "narrative": text(&self.narrative),
            "region": text(&self.region),
            "locality": text(&self.locality),
            "victims": victims,
            "perpetrators": perpetrators,
            "reporter": reporter,
        })
    }
}

/// A question a person answers at once and a robot does not: asked instead of refusing
/// when an address sends too many reports, or when the honeypot was filled.
pub struct HumanCheck {
    pub question: String,
    pub token: String,
    pub failed: bool,
}

const CHECK_VALID_SECS: i64 = 30 * 60;

impl HumanCheck {
    fn new(state: &AppState, tr: &Tr, failed: bool) -> Self {
        let (a, b) = (1 + rand::random::<u8>() % 9, 1 + rand::random::<u8>() % 9);
        let expires = state.clock.now().unix_timestamp() + CHECK_VALID_SECS;
        let message = format!("{a}.{b}.{expires}");
        let token = format!("{message}.{}", state.keys.sign(&format!("human:{message}")));
        HumanCheck { question: tr.t1("check-question", "sum", format!("{a} + {b}")), token, failed }
    }

    /// Whether the form carries a correctly answered, unexpired check of ours.
    fn passed(state: &AppState, form: &ReportForm) -> bool {
        let parts: Vec<&str> = form.check_token.split('.').collect();
        let [a, b, expires, signature] = parts[..] else { return false };
        let message = format!("{a}.{b}.{expires}");
        let signed = state.keys.sign(&format!("human:{message}")) == signature;
        let fresh = expires.parse::<i64>().is_ok_and(|e| e >= state.clock.now().unix_timestamp());
        let sum = a.parse::<u32>().ok().zip(b.parse::<u32>().ok()).map(|(a, b)| a + b);
        signed && fresh && sum.is_some_and(|s| form.check_answer.trim() == s.to_string())
    }
}

/// The items of the questionnaire asked on the public form, in words a child understands.
fn public_items() -> impl Iterator<Item = &'static str> {
    domain::triage::ITEMS.iter().filter(|i| i.public).map(|i| i.code)
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    t: Tr,
    form: ReportForm,
    errors: FieldErrors,
    check: Option<HumanCheck>,
    regions: Options,
    sexes: Options,
    perpetrator_relations: Options,
    reporter_relations: Options,
    /// (item code, its question, ticked)
    questions: Vec<(&'static str, String, bool)>,
}

impl ReportPage {
    fn new(tr: Tr, form: ReportForm, errors: FieldErrors, check: Option<HumanCheck>) -> Self {
        let regions =
            REGIONS.iter().map(|r| (r.code.to_owned(), r.name(tr.language).to_owned(), r.code == form.region)).collect();
        ReportPage {
            questions: public_items().map(|code| (code, tr.t(&format!("public-question-{code}")), form.said_yes(code))).collect(),
            sexes: sex_options(&tr, &form.victim_sex),
            perpetrator_relations: relation_options(&tr, &form.perpetrator_relation),
            reporter_relations: relation_options(&tr, &form.reporter_relation),
            regions,
            t: tr,
            form,
            errors,
            check,
        }
    }
}

/// The report form.
pub async fn form(lang: PageLanguage) -> Response {
    blank_form(lang, "")
}

/// The report form as the QR codes posted in schools open it (`/qr`): the report comes in by
/// the `qr` channel. A path rather than a query, so that switching language keeps it.
pub async fn form_from_qr(lang: PageLanguage) -> Response {
    blank_form(lang, "qr")
}

fn blank_form(lang: PageLanguage, src: &str) -> Response {
    let form = ReportForm { form_id: new_form_id(), src: src.to_owned(), ..Default::default() };
    render(&lang, StatusCode::OK, &ReportPage::new(lang.tr, form, FieldErrors::default(), None))
}

pub(super) fn new_form_id() -> String {
    format!("{:032x}", rand::random::<u128>())
}

#[derive(Template)]
#[template(path = "receipt.html")]
struct ReceiptPage {
    t: Tr,
    tracking_code: String,
    status_pin: String,
    /// Someone is in immediate danger: the page says to call 102 first.
    danger_now: bool,
}

pub async fn submit(
    State(state): State<AppState>,
    lang: PageLanguage,
    ClientAddress(address): ClientAddress,
    form: Result<Form<ReportForm>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else { return super::unreadable_form(&lang) };
    let redisplay = |tr, form, errors, check, status| render(&lang, status, &ReportPage::new(tr, form, errors, check));
    send(&state, &lang, address, form, Door::Form, redisplay).await
}

/// Where a public report comes in.
pub(super) enum Door<'a> {
    /// The report form (`/report`, `/qr`).
    Form,
    /// The children's form of a school's QR code.
    Qr(&'a domain::institution::Institution),
}

/// Sends a public form's report and shows what follows: the receipt, or the form again through
/// `redisplay` — with its errors, or with the human check when the honeypot was filled or the
/// address (or the QR code) sent too many. Nobody's report is turned away.
pub(super) async fn send(
    state: &AppState,
    lang: &PageLanguage,
    address: std::net::IpAddr,
    form: ReportForm,
    door: Door<'_>,
    redisplay: impl FnOnce(Tr, ReportForm, FieldErrors, Option<HumanCheck>, StatusCode) -> Response,
) -> Response {
    let tr = lang.tr;
    let tried_check = !form.check_token.is_empty();
    let human_checked = tried_check && HumanCheck::passed(state, &form);
    if !form.website.is_empty() && !human_checked {
        let check = HumanCheck::new(state, &tr, tried_check);
        return redisplay(tr, form, FieldErrors::default(), Some(check), StatusCode::OK);
    }
    let body = form.to_json(&tr).to_string();
    let key = (!form.form_id.is_empty()).then(|| format!("form:{}", form.form_id));
    let caller = Caller::Public { address, human_checked };
    let outcome = match (ComplaintInput::from_json(body.as_bytes()), door) {
        (Ok(input), Door::Form) => service::submit(state, input, body.as_bytes(), &caller, key.as_deref()).await,
        (Ok(input), Door::Qr(institution)) => {
            crate::service::schools::submit_from_qr(state, institution, input, body.as_bytes(), &caller, key.as_deref()).await
        }
        (Err(e), _) => Err(e.into()),
    };
    match outcome {
        Ok(receipt) => {
            let page = ReceiptPage {
                t: tr,
                tracking_code: receipt.tracking_code.to_string(),
                status_pin: receipt.status_pin.as_str().to_owned(),
                danger_now: receipt.assessment.is_some_and(|a| a.risk.hand_to_police_now),
            };
            render(lang, StatusCode::OK, &page)
        }
        Err(AppError::Domain(domain::Error::Validation(fields))) => {
            let errors = fields.iter().map(|f| page_error(&tr, form_field(&f.field), f.code)).collect();
            redisplay(tr, form, errors, None, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(AppError::RateLimited(_)) => {
            let check = HumanCheck::new(state, &tr, tried_check);
            redisplay(tr, form, FieldErrors::default(), Some(check), StatusCode::OK)
        }
        Err(AppError::Domain(domain::Error::Conflict(_))) => {
            let page = super::ErrorPage { t: tr, title: tr.t("already-sent-title"), message: tr.t("already-sent") };
            render(lang, StatusCode::CONFLICT, &page)
        }
        Err(error) => {
            if let AppError::Internal(e) = &error {
                tracing::error!(error = format!("{e:#}"), "the report form failed");
            }
            internal_error(lang)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::complaint::Language;

    #[test]
    fn every_field_path_maps_to_a_form_field() {
        for path in ["victims[0].age", "reporter.phone", "reporter.safe_contact_time", "region", "narrative"] {
            assert!(FORM_FIELDS.contains(&form_field(path)), "{path}");
        }
    }

    #[test]
    fn the_form_becomes_the_json_of_the_api() {
        let form = ReportForm {
            narrative: "Synthetic text".into(),
            region: "KZ-75".into(),
            victim_age: "9".into(),
            anonymous: "yes".into(),
            src: "qr".into(),
            ..Default::default()
        };
        let json = form.to_json(&Tr::new(Language::Ru));
        assert_eq!(json["channel"], "qr");
        assert_eq!(json["language"], "ru");
        assert_eq!(json["victims"][0]["age"], 9);
        assert_eq!(json["reporter"]["anonymous"], true);
        assert_eq!(json["reporter"]["consent_to_contact"], false);
    }
}

//! Risk triage: a questionnaire answered during a call (or, shorter, on the web form) and the
//! risk level it yields, with its reasons in words.
//!
//! Professional judgement may raise the computed level, never lower it, and is recorded with
//! its reason. Immediate danger means emergency priority and handing the call to 102 at once.

mod assess;
mod level;
mod questionnaire;

pub use assess::{DASH_HIGH, DASH_ITEMS, dash_count};
pub use level::RiskLevel;
pub use questionnaire::{ITEMS, Item, Lethality, item_by_code};

use crate::error::Errors;
use crate::priority::Priority;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeSet;
use utoipa::ToSchema;

/// Why a level was reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// A "yes" that counts on its own (its item code).
    Answer(&'static str),
    /// Many DASH items.
    Dash { yes: usize, of: usize },
    /// Four or more counted items of the Lethality Screen.
    LethalityScreen { yes: usize },
    /// Separation, coercive control and physical or sexual violence together.
    Cluster,
    /// Three or more incidents in twelve months.
    Escalation { incidents: u32 },
    /// Raised by the operator's professional judgement.
    Judgement,
}

impl Reason {
    /// A stable code (also the translation key's suffix).
    pub fn code(&self) -> String {
        match self {
            Reason::Answer(item) => item.to_string(),
            Reason::Dash { .. } => "dash_count".into(),
            Reason::LethalityScreen { .. } => "lethality_count".into(),
            Reason::Cluster => "cluster".into(),
            Reason::Escalation { .. } => "escalation".into(),
            Reason::Judgement => "professional_judgement".into(),
        }
    }

    /// The number a reason carries, if any (for "14 of 24 risk factors").
    pub fn count(&self) -> Option<u32> {
        match self {
            Reason::Dash { yes, .. } | Reason::LethalityScreen { yes } => Some(*yes as u32),
            Reason::Escalation { incidents } => Some(*incidents),
            _ => None,
        }
    }

    /// In plain English (the API's words; pages use translations of the code).
    pub fn text(&self) -> String {
        match self {
            Reason::Answer(item) => item_text(item).to_owned(),
            Reason::Dash { yes, of } => format!("{yes} of {of} risk factors"),
            Reason::LethalityScreen { yes } => format!("{yes} lethality factors"),
            Reason::Cluster => "separation, control and violence together".into(),
            Reason::Escalation { incidents } => format!("{incidents} incidents in the past year"),
            Reason::Judgement => "professional judgement".into(),
        }
    }
}

fn item_text(code: &str) -> &'static str {
    match code {
        "danger_now" => "someone is in danger right now",
        "child_alone_or_locked_in" => "a child is alone or locked in",
        "threats_to_kill" => "threats to kill",
        "fears_being_killed" => "the victim fears being killed",
        "weapon_used_or_threatened" => "a weapon used or threatened",
        "strangulation" => "strangulation",
        "stalking" => "stalking",
        "very_frightened" => "the victim is very frightened",
        "child_injured" => "a child is injured",
        "child_speaks_of_suicide" => "a child speaks of suicide",
        "child_witnessing_violence" => "a child witnesses violence",
        "abuser_lives_with_child" => "the abuser lives with the child",
        _ => "a risk factor",
    }
}

/// The answers as submitted: `{"answers": {"threats_to_kill": true, …}, "incidents_past_year": 3,
/// "judgement": {"level": "high", "reason": "…"}}`.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct TriageInput {
    /// Item code → true (yes) or false (no). Unanswered items count as no.
    #[schema(value_type = Option<Object>)]
    pub answers: Option<Value>,
    #[schema(value_type = Option<u32>)]
    pub incidents_past_year: Option<Value>,
    /// The operator's professional judgement: may raise the level, never lower it.
    #[schema(value_type = Option<JudgementInput>)]
    pub judgement: Option<Value>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct JudgementInput {
    #[schema(value_type = String)]
    pub level: Option<Value>,
    #[schema(value_type = String)]
    pub reason: Option<Value>,
}

/// Validated answers.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, ToSchema)]
pub struct Answers {
    /// The items answered yes.
    #[schema(value_type = Vec<String>)]
    pub yes: BTreeSet<&'static str>,
    pub incidents_past_year: Option<u32>,
    pub judgement: Option<Judgement>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Judgement {
    pub level: RiskLevel,
    pub reason: String,
}

pub const JUDGEMENT_REASON_CHARS: usize = 1000;

impl Answers {
    /// Reads the loose input under `field` (e.g. `triage`), pushing an error per bad part.
    pub fn read(value: Option<Value>, field: &str, errors: &mut Errors) -> Option<Answers> {
        let input = match value {
            None | Some(Value::Null) => return Some(Answers::default()),
            Some(v @ Value::Object(_)) => serde_json::from_value::<TriageInput>(v).unwrap_or_default(),
            Some(_) => {
                errors.push(field, "expected_object", "expected an object");
                return None;
            }
        };
        let before = errors.len();
        let yes = read_answers(input.answers, &format!("{field}.answers"), errors);
        let incidents = match input.incidents_past_year {
            None | Some(Value::Null) => None,
            Some(v) => match v.as_u64().filter(|n| *n <= 1000) {
                Some(n) => Some(n as u32),
                None => {
                    errors.push(format!("{field}.incidents_past_year"), "out_of_range", "expected a number from 0 to 1000");
                    None
                }
            },
        };
        let judgement = read_judgement(input.judgement, &format!("{field}.judgement"), errors);
        (errors.len() == before).then(|| Answers { yes, incidents_past_year: incidents, judgement: judgement.flatten() })
    }

    /// Answers from item codes said yes (for forms and tests). Unknown codes are ignored.
    pub fn from_yes(codes: &[&str]) -> Answers {
        let yes = codes.iter().filter_map(|c| item_by_code(c)).map(|i| i.code).collect();
        Answers { yes, ..Default::default() }
    }
}

fn read_answers(value: Option<Value>, field: &str, errors: &mut Errors) -> BTreeSet<&'static str> {
    let mut yes = BTreeSet::new();
    let map = match value {
        None | Some(Value::Null) => return yes,
        Some(Value::Object(map)) => map,
        Some(_) => {
            errors.push(field, "expected_object", "expected an object of item codes to true or false");
            return yes;
        }
    };
    for (code, answer) in map {
        let Some(item) = item_by_code(&code) else {
            errors.push(format!("{field}.{code}"), "unknown_value", "not an item of the questionnaire");
            continue;
        };
        match answer {
            Value::Bool(true) => {
                yes.insert(item.code);
            }
            Value::Bool(false) | Value::Null => {}
            _ => errors.push(format!("{field}.{code}"), "expected_boolean", "expected true or false"),
        }
    }
    yes
}

fn read_judgement(value: Option<Value>, field: &str, errors: &mut Errors) -> Option<Option<Judgement>> {
    let input = match value {
        None | Some(Value::Null) => return Some(None),
        Some(v @ Value::Object(_)) => serde_json::from_value::<JudgementInput>(v).unwrap_or_default(),
        Some(_) => {
            errors.push(field, "expected_object", "expected an object");
            return None;
        }
    };
    let level = input.level.as_ref().and_then(Value::as_str).and_then(RiskLevel::parse);
    let reason = input.reason.as_ref().and_then(Value::as_str).map(str::trim).filter(|r| !r.is_empty());
    if level.is_none() {
        errors.push(format!("{field}.level"), "unknown_value", "expected one of: standard, medium, high, immediate");
    }
    match reason {
        None => errors.push(format!("{field}.reason"), "required", "professional judgement needs its reason"),
        Some(r) if r.chars().count() > JUDGEMENT_REASON_CHARS => {
            errors.push(format!("{field}.reason"), "too_long", format!("at most {JUDGEMENT_REASON_CHARS} characters"))
        }
        _ => {}
    }
    Some(Some(Judgement { level: level?, reason: reason?.to_owned() }))
}

/// The result of triage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Triage {
    /// The level that counts: the computed one, raised by judgement if any.
    pub level: RiskLevel,
    /// The level the answers alone give.
    pub computed: RiskLevel,
    pub reasons: Vec<Reason>,
    pub dash_yes: usize,
    /// Judgement that asked for a level below the computed one is kept here, unapplied.
    pub judgement: Option<Judgement>,
}

impl Triage {
    /// Triage of `answers`. Judgement raises the level; it never lowers it.
    pub fn of(answers: &Answers) -> Triage {
        let (computed, mut reasons) = assess::assess(&answers.yes, answers.incidents_past_year);
        let mut level = computed;
        if let Some(j) = &answers.judgement
            && j.level > computed
        {
            level = j.level;
            reasons.push(Reason::Judgement);
        }
        Triage { level, computed, reasons, dash_yes: dash_count(&answers.yes), judgement: answers.judgement.clone() }
    }

    pub fn priority(&self) -> Priority {
        self.level.priority()
    }

    /// Immediate danger: the operator hands the call to 102 (police) at once.
    pub fn hand_to_police_now(&self) -> bool {
        self.level == RiskLevel::Immediate
    }
}

#[cfg(test)]
mod tests;

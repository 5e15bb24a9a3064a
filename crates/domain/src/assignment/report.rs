//! The action report: what an agency did about a complaint, as it tells the contact center.
//!
//! The contact center reviews the report before it accepts it, and statistics count what
//! agencies did (how many protective orders, criminal cases, shelter places), so the actions are
//! a closed list ([`ActionKind`]), each with the details that make it checkable: the number and
//! term of a protective order, the registration number of a criminal case in the Unified
//! Register of Pre-trial Investigations, the article of an administrative protocol. The
//! results and the narrative stay free text, in the agency's words.
//!
//! `no_grounds` (the agency found nothing to act on) is a report of its own: it says why, and
//! cannot stand next to actions taken, which would contradict it.
//!
//! [`ActionReportInput`] is read as loose JSON, like a complaint (see
//! [`crate::complaint::ComplaintInput`]), so that every bad field is reported at once; error
//! messages never repeat the rejected value. A validated [`ActionReport`] is stored as JSON,
//! its dates as `YYYY-MM-DD`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::Date;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use utoipa::ToSchema;

use crate::complaint::code_list;
use crate::error::{Error, Errors, FieldError};
use crate::input::{Reader, present};

/// The limits of a report's fields, documented in the API and enforced here.
pub mod limits {
    pub const ACTIONS: usize = 20;
    /// A protective order's number, a criminal case's registration number, an article.
    pub const REFERENCE_CHARS: usize = 50;
    pub const REASONS_CHARS: usize = 2_000;
    pub const RESULTS_CHARS: usize = 5_000;
    pub const NARRATIVE_CHARS: usize = 10_000;
    pub const MAX_TERM_DAYS: i64 = 365;
}

/// Dates as the API and the stored JSON spell them.
const DATE_FORMAT: &[BorrowedFormatItem<'static>] = format_description!("[year]-[month]-[day]");

time::serde::format_description!(iso_date, Date, DATE_FORMAT);

code_list! {
    /// What an agency did, as a code (the `kind` of an [`Action`]).
    ActionKind {
        HomeVisit = "home_visit",
        ProtectiveOrder = "protective_order",
        CriminalCase = "criminal_case",
        AdministrativeProtocol = "administrative_protocol",
        FamilySupportReferral = "family_support_referral",
        Shelter = "shelter",
        MedicalHelp = "medical_help",
        PsychologicalHelp = "psychological_help",
        LegalConsultation = "legal_consultation",
        ChildProtection = "child_protection",
        NoGrounds = "no_grounds",
    }
}

/// One thing an agency did, with the details that make it checkable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    /// Someone went to the home.
    HomeVisit,
    /// A protective order was issued to the person who did harm.
    ProtectiveOrder {
        /// Up to 50 characters.
        number: String,
        /// `YYYY-MM-DD`, not after the day of the report.
        #[serde(with = "iso_date")]
        #[schema(value_type = String, format = Date, example = "2026-11-20")]
        issued_on: Date,
        /// 1 to 365.
        term_days: u16,
    },
    /// A criminal case was registered.
    CriminalCase {
        /// The number in the Unified Register of Pre-trial Investigations, up to 50 characters.
        registration_number: String,
    },
    /// A protocol of an administrative offence was drawn up.
    AdministrativeProtocol {
        /// The article of the Code of Administrative Offences, up to 50 characters.
        article: String,
    },
    /// The family was referred to a family support center.
    FamilySupportReferral,
    /// A place in a shelter was found.
    Shelter,
    /// The victim was taken to, or seen by, a doctor.
    MedicalHelp,
    /// A psychologist saw the victim or the family.
    PsychologicalHelp,
    /// The victim was told their rights and how to use them.
    LegalConsultation,
    /// The guardianship authority or another child protection body took the child's case up.
    ChildProtection,
    /// Nothing to act on; the only action of its report.
    NoGrounds {
        /// Why, up to 2,000 characters.
        reasons: String,
    },
}

impl Action {
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::HomeVisit => ActionKind::HomeVisit,
            Action::ProtectiveOrder { .. } => ActionKind::ProtectiveOrder,
            Action::CriminalCase { .. } => ActionKind::CriminalCase,
            Action::AdministrativeProtocol { .. } => ActionKind::AdministrativeProtocol,
            Action::FamilySupportReferral => ActionKind::FamilySupportReferral,
            Action::Shelter => ActionKind::Shelter,
            Action::MedicalHelp => ActionKind::MedicalHelp,
            Action::PsychologicalHelp => ActionKind::PsychologicalHelp,
            Action::LegalConsultation => ActionKind::LegalConsultation,
            Action::ChildProtection => ActionKind::ChildProtection,
            Action::NoGrounds { .. } => ActionKind::NoGrounds,
        }
    }

    /// The action of a kind that needs no details.
    fn without_details(kind: ActionKind) -> Option<Action> {
        Some(match kind {
            ActionKind::HomeVisit => Action::HomeVisit,
            ActionKind::FamilySupportReferral => Action::FamilySupportReferral,
            ActionKind::Shelter => Action::Shelter,
            ActionKind::MedicalHelp => Action::MedicalHelp,
            ActionKind::PsychologicalHelp => Action::PsychologicalHelp,
            ActionKind::LegalConsultation => Action::LegalConsultation,
            ActionKind::ChildProtection => Action::ChildProtection,
            ActionKind::ProtectiveOrder
            | ActionKind::CriminalCase
            | ActionKind::AdministrativeProtocol
            | ActionKind::NoGrounds => return None,
        })
    }
}

/// An action report as submitted by an agency.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(example = json!({"actions":[{"kind":"home_visit"},{"kind":"protective_order","number":"PO-17","issued_on":"2026-11-20","term_days":30}],"results":"…","follow_up_on":"2026-12-20"}))]
pub struct ActionReportInput {
    /// 1 to 20 actions, each an object with its `kind` and the fields of that kind.
    /// `no_grounds` must be the only one.
    #[schema(value_type = Vec<Action>)]
    pub actions: Option<Value>,
    /// What came of the actions, up to 5,000 characters.
    #[schema(value_type = String)]
    pub results: Option<Value>,
    /// When the agency will check on the family again: `YYYY-MM-DD`, not before today.
    #[schema(value_type = Option<String>, format = Date)]
    pub follow_up_on: Option<Value>,
    /// Anything else, up to 10,000 characters.
    #[schema(value_type = Option<String>)]
    pub narrative: Option<Value>,
}

/// A validated action report, as stored (JSON) and shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ActionReport {
    pub actions: Vec<Action>,
    pub results: String,
    /// `YYYY-MM-DD`.
    #[serde(with = "iso_date::option", default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub follow_up_on: Option<Date>,
    pub narrative: Option<String>,
}

impl ActionReportInput {
    /// Reads a request body. A body that is not a JSON object is one field error (`body`).
    pub fn from_json(bytes: &[u8]) -> Result<Self, Error> {
        serde_json::from_slice(bytes).map_err(|_| {
            let (code, message) = match serde_json::from_slice::<Value>(bytes) {
                Ok(_) => ("expected_object", "the body must be a JSON object"),
                Err(_) => ("invalid_json", "the body is not valid JSON"),
            };
            Error::Validation(vec![FieldError::new("body", code, message)])
        })
    }

    /// Checks every field and builds the report, or reports every bad field. `today` is the
    /// day of the report in Kazakhstan time (see [`crate::clock::local`]).
    pub fn validate(self, today: Date) -> Result<ActionReport, Error> {
        let mut errors = Errors::default();
        let mut read = Reader { errors: &mut errors, today };
        let actions = read.actions(self.actions);
        let results = read.required(self.results, "results", |r, v, f| r.text(v, f, limits::RESULTS_CHARS));
        let follow_up_on = read.optional(self.follow_up_on, "follow_up_on", Reader::follow_up);
        let narrative = read.optional(self.narrative, "narrative", |r, v, f| r.text(v, f, limits::NARRATIVE_CHARS));
        errors.finish(|| ActionReport {
            actions: actions.expect("checked"),
            results: results.expect("checked"),
            follow_up_on,
            narrative,
        })
    }
}

/// The report's own reads.
impl Reader<'_> {
    fn date(&mut self, value: Value, field: &str) -> Option<Date> {
        let date = value.as_str().and_then(|s| Date::parse(s.trim(), DATE_FORMAT).ok());
        if date.is_none() {
            self.errors.push(field, "invalid_date", "expected a real date as YYYY-MM-DD");
        }
        date
    }

    fn issued_on(&mut self, value: Value, field: &str) -> Option<Date> {
        let date = self.date(value, field)?;
        if date > self.today {
            self.errors.push(field, "out_of_range", "may not be after today");
            return None;
        }
        Some(date)
    }

    fn follow_up(&mut self, value: Value, field: &str) -> Option<Date> {
        let date = self.date(value, field)?;
        if date < self.today {
            self.errors.push(field, "out_of_range", "may not be before today");
            return None;
        }
        Some(date)
    }

    /// The list of actions: 1 to 20, each valid, `no_grounds` alone.
    fn actions(&mut self, value: Option<Value>) -> Option<Vec<Action>> {
        let items = match present(value) {
            Some(Value::Array(items)) if !items.is_empty() => items,
            None | Some(Value::Array(_)) => {
                self.errors.push("actions", "required", "give at least one action");
                return None;
            }
            Some(_) => {
                self.errors.push("actions", "expected_list", "expected a list of actions");
                return None;
            }
        };
        if items.len() > limits::ACTIONS {
            self.errors.push("actions", "too_many", format!("at most {} actions", limits::ACTIONS));
            return None;
        }
        let no_grounds_alone = self.no_grounds_alone(&items);
        let actions: Vec<Option<Action>> =
            items.into_iter().enumerate().map(|(i, item)| self.action(item, &format!("actions[{i}]"))).collect();
        actions.into_iter().collect::<Option<Vec<_>>>().filter(|_| no_grounds_alone)
    }

    /// Whether `no_grounds` is absent or the only action; pushes the conflict when not.
    fn no_grounds_alone(&mut self, items: &[Value]) -> bool {
        let is_no_grounds = |item: &Value| item.get("kind").and_then(Value::as_str).map(str::trim) == Some("no_grounds");
        let alone = items.len() == 1 || !items.iter().any(is_no_grounds);
        if !alone {
            self.errors.push("actions", "conflict", "no_grounds cannot be combined with other actions");
        }
        alone
    }

    fn action(&mut self, item: Value, path: &str) -> Option<Action> {
        let Value::Object(mut fields) = item else {
            self.errors.push(path, "expected_object", "expected an object");
            return None;
        };
        let kind = self.required(fields.remove("kind"), &format!("{path}.kind"), |r, v, f| {
            r.code(v, f, ActionKind::parse, ActionKind::codes)
        })?;
        self.action_of(kind, fields, path)
    }

    /// The action of `kind`, its details read from the item's other fields.
    fn action_of(&mut self, kind: ActionKind, mut fields: Map<String, Value>, path: &str) -> Option<Action> {
        match kind {
            ActionKind::ProtectiveOrder => self.protective_order(fields, path),
            ActionKind::CriminalCase => self
                .detail(&mut fields, path, "registration_number", limits::REFERENCE_CHARS)
                .map(|registration_number| Action::CriminalCase { registration_number }),
            ActionKind::AdministrativeProtocol => self
                .detail(&mut fields, path, "article", limits::REFERENCE_CHARS)
                .map(|article| Action::AdministrativeProtocol { article }),
            ActionKind::NoGrounds => {
                self.detail(&mut fields, path, "reasons", limits::REASONS_CHARS).map(|reasons| Action::NoGrounds { reasons })
            }
            _ => Action::without_details(kind),
        }
    }

    /// A required text field of an action.
    fn detail(&mut self, fields: &mut Map<String, Value>, path: &str, name: &str, max_chars: usize) -> Option<String> {
        self.required(fields.remove(name), &format!("{path}.{name}"), |r, v, f| r.text(v, f, max_chars))
    }

    fn protective_order(&mut self, mut fields: Map<String, Value>, path: &str) -> Option<Action> {
        let at = |name: &str| format!("{path}.{name}");
        let number = self.required(fields.remove("number"), &at("number"), |r, v, f| r.text(v, f, limits::REFERENCE_CHARS));
        let issued_on = self.required(fields.remove("issued_on"), &at("issued_on"), Self::issued_on);
        let term_days =
            self.required(fields.remove("term_days"), &at("term_days"), |r, v, f| r.integer(v, f, 1, limits::MAX_TERM_DAYS));
        Some(Action::ProtectiveOrder { number: number?, issued_on: issued_on?, term_days: u16::try_from(term_days?).ok()? })
    }
}

#[cfg(test)]
mod tests;

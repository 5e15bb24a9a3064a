//! A school's report of an unlawful act involving a minor, of bullying or of cyberbullying.
//!
//! Why its own input: the law makes a school report at once (DOMAIN.md), and what the agencies
//! need from a school differs from what a caller tells the contact center: what kind of event it
//! was, when the school learned of it (the law's clock starts there), the minors involved by
//! role and age (a witness's name is not collected at all), and what the school did at once.
//!
//! [`SchoolReportInput::validate`] turns it into a [`NewSchoolReport`]: the school's own facts,
//! and the [`NewComplaint`] that intake stores, assesses and routes like any other (channel
//! `school`, the institution's region and locality, the kind's category of the taxonomy), so
//! that the routing rules — not this module — decide which agencies act.
//!
//! Lateness is the time from learning to reporting against a limit the caller passes in
//! (configurable, 24 hours by default).

use crate::complaint::{
    Channel, Language, NewComplaint, Perpetrator, Relation, Reporter, ReporterContact, Sex, Victim, code_list,
};
use crate::error::{Error, Errors};
use crate::input::{Reader, present};
use crate::institution::Institution;
use crate::triage::Answers;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::{Duration, OffsetDateTime};
use utoipa::ToSchema;

/// The limits of a school report's fields.
pub mod limits {
    pub const NARRATIVE_CHARS: usize = crate::complaint::limits::NARRATIVE_CHARS;
    pub const ACTIONS_CHARS: usize = 5_000;
    pub const NAME_CHARS: usize = crate::complaint::limits::SHORT_TEXT_CHARS;
    pub const MINORS: usize = 30;
    /// How far back a school may say it learned of an event.
    pub const OLDEST_DAYS: i64 = 366;
}

/// Clocks differ by a little: a learning time up to this far ahead of ours is taken as now.
const CLOCK_SKEW: Duration = Duration::minutes(5);

code_list! {
    /// What happened, as the school reports it.
    SchoolReportKind {
        UnlawfulAct = "unlawful_act",
        Bullying = "bullying",
        Cyberbullying = "cyberbullying",
        Other = "other",
    }
}

code_list! {
    /// A minor's part in what happened.
    MinorRole { Victim = "victim", Offender = "offender", Witness = "witness" }
}

impl SchoolReportKind {
    /// The taxonomy's category for this kind: what the routing rules route by. Anything other
    /// than bullying is a report of an unlawful act, which goes to law enforcement.
    pub fn category(self) -> &'static str {
        match self {
            SchoolReportKind::Bullying => "bullying_of_minor",
            SchoolReportKind::Cyberbullying => "cyberbullying_of_minor",
            SchoolReportKind::UnlawfulAct | SchoolReportKind::Other => "school_report_of_unlawful_act",
        }
    }
}

/// A school's report as submitted.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(example = json!({"kind":"bullying","learned_at":"2026-11-20T09:30:00+05:00","language":"ru","narrative":"…","minors":[{"role":"victim","age":12,"sex":"female"},{"role":"witness","age":13}],"actions_taken":"…"}))]
pub struct SchoolReportInput {
    /// unlawful_act, bullying, cyberbullying, other
    #[schema(value_type = String)]
    pub kind: Option<Value>,
    /// When the school learned of it, RFC 3339 with an offset (not in the future, not over a
    /// year ago).
    #[schema(value_type = String)]
    pub learned_at: Option<Value>,
    /// kk, ru or en.
    #[schema(value_type = String)]
    pub language: Option<Value>,
    /// What happened, up to 10,000 characters.
    #[schema(value_type = String)]
    pub narrative: Option<Value>,
    /// The minors involved; at least one, up to 30.
    #[schema(value_type = Vec<MinorInput>)]
    pub minors: Option<Value>,
    /// What the school did at once (separated the children, called the parents, …), up to 5,000
    /// characters.
    #[schema(value_type = String)]
    pub actions_taken: Option<Value>,
}

/// A minor involved.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct MinorInput {
    /// victim, offender, witness
    #[schema(value_type = String)]
    pub role: Option<Value>,
    /// 0 to 17.
    #[schema(value_type = u8)]
    pub age: Option<Value>,
    /// female, male, unknown
    #[schema(value_type = Option<String>)]
    pub sex: Option<Value>,
    /// A victim's or an offender's name, if the school gives it. Not taken for a witness.
    #[schema(value_type = Option<String>)]
    pub name: Option<Value>,
}

/// A minor as recorded with the report: role, age and sex (names live, sealed, with the
/// complaint's victims and perpetrators).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Minor {
    pub role: MinorRole,
    pub age: u8,
    pub sex: Sex,
}

/// A validated school report: its own facts and the complaint intake stores.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSchoolReport {
    pub kind: SchoolReportKind,
    pub learned_at: OffsetDateTime,
    pub minors: Vec<Minor>,
    pub actions_taken: String,
    pub complaint: NewComplaint,
}

/// The time from learning to reporting, and whether it was over the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct Timeliness {
    /// Seconds from when the school learned of it to the report.
    pub delay_seconds: i64,
    /// Over the limit in force when it was reported.
    pub late: bool,
}

impl Timeliness {
    pub fn of(learned_at: OffsetDateTime, reported_at: OffsetDateTime, limit: Duration) -> Timeliness {
        let delay = (reported_at - learned_at).max(Duration::ZERO);
        Timeliness { delay_seconds: delay.whole_seconds(), late: delay > limit }
    }
}

impl SchoolReportInput {
    pub fn from_json(body: &[u8]) -> Result<Self, Error> {
        crate::input::from_json(body)
    }

    /// Validates the report of `institution` received at `now`, reporting every bad field.
    pub fn validate(self, now: OffsetDateTime, institution: &Institution) -> Result<NewSchoolReport, Error> {
        let mut errors = Errors::default();
        let mut read = Reader { errors: &mut errors, today: crate::clock::local(now).date() };
        let kind = read.required(self.kind, "kind", |r, v, f| r.code(v, f, SchoolReportKind::parse, SchoolReportKind::codes));
        let learned_at = read.required(self.learned_at, "learned_at", |r, v, f| r.learned_at(v, f, now));
        let language = read.required(self.language, "language", |r, v, f| r.code(v, f, Language::parse, Language::codes));
        let narrative = read.required(self.narrative, "narrative", |r, v, f| r.text(v, f, limits::NARRATIVE_CHARS));
        let actions_taken = read.required(self.actions_taken, "actions_taken", |r, v, f| r.text(v, f, limits::ACTIONS_CHARS));
        let minors = read.required(self.minors, "minors", |r, v, f| r.minors(v, f));
        errors.finish(|| {
            let (kind, minors) = (kind.expect("checked"), minors.expect("checked"));
            let complaint = complaint_of(institution, kind, language.expect("checked"), narrative.expect("checked"), &minors);
            NewSchoolReport {
                kind,
                learned_at: learned_at.expect("checked"),
                minors: minors.iter().map(|m| m.minor).collect(),
                actions_taken: actions_taken.expect("checked"),
                complaint,
            }
        })
    }
}

/// A minor as read, with the name given for a victim or an offender.
struct ReadMinor {
    minor: Minor,
    name: Option<String>,
}

fn complaint_of(
    institution: &Institution,
    kind: SchoolReportKind,
    language: Language,
    narrative: String,
    minors: &[ReadMinor],
) -> NewComplaint {
    let with_role = |role| minors.iter().filter(move |m| m.minor.role == role);
    let victims = with_role(MinorRole::Victim)
        .map(|m| Victim {
            name: m.name.clone(),
            age: Some(m.minor.age),
            sex: m.minor.sex,
            minor: Some(true),
            ..Victim::default()
        })
        .collect();
    let perpetrators = with_role(MinorRole::Offender)
        .map(|m| Perpetrator { name: m.name.clone(), relation: Relation::Unknown, sex: m.minor.sex })
        .collect();
    NewComplaint {
        channel: Channel::School,
        region: institution.region,
        locality: Some(institution.locality.clone()),
        address: None,
        language,
        narrative,
        // The school is the reporter: its account is known, and nobody is to be called back
        // through this complaint.
        reporter: Reporter::Identified(ReporterContact { relation: Some(Relation::Other), ..ReporterContact::default() }),
        victims,
        perpetrators,
        categories: vec![kind.category().to_owned()],
        answers: Answers::default(),
    }
}

impl Reader<'_> {
    fn learned_at(&mut self, value: Value, field: &str, now: OffsetDateTime) -> Option<OffsetDateTime> {
        let parsed =
            value.as_str().and_then(|s| OffsetDateTime::parse(s.trim(), &time::format_description::well_known::Rfc3339).ok());
        let Some(at) = parsed else {
            self.errors.push(field, "expected_time", "expected a time such as 2026-11-20T09:30:00+05:00");
            return None;
        };
        if at > now + CLOCK_SKEW {
            self.errors.push(field, "out_of_range", "may not be in the future");
            return None;
        }
        if at < now - Duration::days(limits::OLDEST_DAYS) {
            self.errors.push(field, "out_of_range", "at most a year ago");
            return None;
        }
        Some(at.min(now))
    }

    fn minors(&mut self, value: Value, field: &str) -> Option<Vec<ReadMinor>> {
        let Value::Array(items) = value else {
            self.errors.push(field, "expected_list", "expected a list");
            return None;
        };
        if items.is_empty() {
            self.errors.push(field, "required", "at least one minor");
            return None;
        }
        if items.len() > limits::MINORS {
            self.errors.push(field, "too_many", format!("at most {}", limits::MINORS));
            return None;
        }
        let read: Vec<_> =
            items.into_iter().enumerate().map(|(i, item)| self.school_minor(item, &format!("{field}[{i}]"))).collect();
        read.into_iter().collect()
    }

    fn school_minor(&mut self, value: Value, path: &str) -> Option<ReadMinor> {
        let Ok(input) = serde_json::from_value::<MinorInput>(value) else {
            self.errors.push(path, "expected_object", "expected an object with role and age");
            return None;
        };
        let role = self.required(input.role, &format!("{path}.role"), |r, v, f| r.code(v, f, MinorRole::parse, MinorRole::codes));
        let age = self.required(input.age, &format!("{path}.age"), |r, v, f| r.integer(v, f, 0, 17));
        let sex = self.optional(input.sex, &format!("{path}.sex"), |r, v, f| r.code(v, f, Sex::parse, Sex::codes));
        let name_field = format!("{path}.name");
        let name = match (role, present(input.name)) {
            (Some(MinorRole::Witness), Some(_)) => {
                self.errors.push(&name_field, "not_collected", "a witness's name is not collected");
                None
            }
            (_, name) => name.and_then(|v| self.text(v, &name_field, limits::NAME_CHARS)),
        };
        let minor = Minor { role: role?, age: u8::try_from(age?).ok()?, sex: sex.unwrap_or_default() };
        Some(ReadMinor { minor, name })
    }
}

#[cfg(test)]
mod tests;

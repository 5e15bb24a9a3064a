//! What the law makes of a complaint: its categories, its risk, its priority, and the agencies
//! that must act on it, each with its deadlines. Pure: the same complaint, reference data and
//! time of receipt always give the same assessment, which is why `POST /api/v1/triage` can
//! preview exactly what intake will store.

use crate::calendar::{DeadlineKind, due};
use crate::complaint::{NewComplaint, Reporter};
use crate::priority::Priority;
use crate::reference::Reference;
use crate::routing::{AgencyKind, Role, RoutingInput, route};
use crate::taxonomy::CategoryKind;
use crate::triage::{Answers, Triage};
use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;

/// An agency that must act, and by when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PlannedAssignment {
    pub agency_id: String,
    pub agency_kind: AgencyKind,
    pub role: Role,
    /// The routing rule that produced it.
    pub rule_id: String,
    /// By when the agency must acknowledge it (none for agencies only informed).
    #[serde(with = "time::serde::rfc3339::option")]
    pub acknowledge_due_at: Option<OffsetDateTime>,
    /// By when it must report what it did.
    #[serde(with = "time::serde::rfc3339::option")]
    pub report_due_at: Option<OffsetDateTime>,
}

/// The assessment of one complaint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    /// Primary first.
    pub categories: Vec<String>,
    /// True when the categories were derived from the answers (none were chosen).
    pub categories_suggested: bool,
    pub triage: Triage,
    pub priority: Priority,
    /// An anonymous report of a criminal offence: forwarded to the police at once, never
    /// dropped (Administrative Procedural and Process Code, art. 76).
    pub forward_at_once: bool,
    pub assignments: Vec<PlannedAssignment>,
}

/// Categories a "yes" suggests when the operator (or the form) chose none, most serious first.
/// Codes of `data/taxonomy.toml`; a test checks each exists.
pub const SUGGESTIONS: &[(&str, &str)] = &[
    ("child_speaks_of_suicide", "child_suicide_risk"),
    ("threats_to_kill", "family_household_offence"),
    ("strangulation", "battery"),
    ("sexual_abuse", "sexual_violence"),
    ("stalking", "stalking"),
    ("breached_orders", "protective_order_violation"),
    ("child_alone_or_locked_in", "child_neglect"),
    ("child_injured", "battery"),
    ("current_injury", "battery"),
    ("child_witnessing_violence", "family_household_offence"),
];

/// When nothing suggests a category.
pub const FALLBACK_CATEGORY: &str = "family_conflict";

impl Assessment {
    /// Assesses `complaint`, received at `received_at`, with `categories` (codes, primary first,
    /// already checked against the taxonomy) and the questionnaire `answers`.
    pub fn of(
        reference: &Reference,
        complaint: &NewComplaint,
        categories: &[String],
        answers: &Answers,
        received_at: OffsetDateTime,
    ) -> Assessment {
        let triage = Triage::of(answers);
        let (categories, categories_suggested) =
            if categories.is_empty() { (suggest(answers), true) } else { (categories.to_vec(), false) };
        let criminal =
            categories.iter().filter_map(|c| reference.taxonomy.get(c)).any(|c| c.kind == CategoryKind::CriminalOffence);
        let forward_at_once = criminal && complaint.reporter == Reporter::Anonymous;
        let priority = categories
            .iter()
            .filter_map(|c| reference.taxonomy.get(c))
            .map(|c| c.default_priority)
            .fold(triage.priority(), Priority::most_urgent);
        let priority = if forward_at_once { priority.most_urgent(Priority::High) } else { priority };
        let input = RoutingInput {
            categories: &categories,
            region: complaint.region.code,
            any_minor: complaint.victims.iter().any(|v| v.minor == Some(true)),
            risk: triage.level,
            anonymous: complaint.reporter == Reporter::Anonymous,
        };
        let assignments = route(&reference.routing, &reference.agencies, &input)
            .into_iter()
            .map(|a| {
                let acts = a.role != Role::Informed;
                let at_once = forward_at_once && a.agency_kind == AgencyKind::Police && a.role == Role::Lead;
                let ack_kind = if at_once { DeadlineKind::Forwarding } else { DeadlineKind::Acknowledgment };
                let ack_priority = if at_once { Priority::Emergency } else { priority };
                PlannedAssignment {
                    acknowledge_due_at: acts
                        .then(|| due(&reference.calendar, &reference.deadlines, ack_kind, ack_priority, received_at)),
                    report_due_at: acts.then(|| {
                        due(&reference.calendar, &reference.deadlines, DeadlineKind::ActionReport, priority, received_at)
                    }),
                    agency_id: a.agency_id,
                    agency_kind: a.agency_kind,
                    role: a.role,
                    rule_id: a.rule_id,
                }
            })
            .collect();
        Assessment { categories, categories_suggested, triage, priority, forward_at_once, assignments }
    }
}

/// Categories from the answers: each suggestion once, in the order of `SUGGESTIONS`.
fn suggest(answers: &Answers) -> Vec<String> {
    let mut codes: Vec<String> = Vec::new();
    for (item, code) in SUGGESTIONS {
        if answers.yes.contains(item) && !codes.iter().any(|c| c == code) {
            codes.push((*code).to_owned());
        }
    }
    if codes.is_empty() {
        codes.push(FALLBACK_CATEGORY.to_owned());
    }
    codes
}

/// The risk of a stored complaint, as staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, ToSchema)]
pub struct RiskView {
    pub level: crate::triage::RiskLevel,
    /// The level the answers alone gave (judgement may have raised it).
    pub computed: crate::triage::RiskLevel,
    pub reasons: Vec<ReasonView>,
    /// How many of the 24 DASH items were answered yes.
    pub dash_yes: usize,
    pub categories_suggested: bool,
    pub forward_at_once: bool,
    /// Immediate danger: hand the call to 102 at once.
    pub hand_to_police_now: bool,
}

/// A reason in words, with its stable code (and a count where it has one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, ToSchema)]
pub struct ReasonView {
    pub code: String,
    pub text: String,
    pub count: Option<u32>,
}

impl Assessment {
    pub fn risk_view(&self) -> RiskView {
        RiskView {
            level: self.triage.level,
            computed: self.triage.computed,
            reasons: self
                .triage
                .reasons
                .iter()
                .map(|r| ReasonView { code: r.code(), text: r.text(), count: r.count() })
                .collect(),
            dash_yes: self.triage.dash_yes,
            categories_suggested: self.categories_suggested,
            forward_at_once: self.forward_at_once,
            hand_to_police_now: self.triage.hand_to_police_now(),
        }
    }
}

/// What is stored of the triage (one JSON text per complaint): the answers and the risk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct StoredTriage {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub yes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incidents_past_year: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judgement: Option<crate::triage::Judgement>,
    pub risk: RiskView,
}

impl StoredTriage {
    pub fn new(answers: &Answers, assessment: &Assessment) -> Self {
        StoredTriage {
            yes: answers.yes.iter().map(|c| (*c).to_owned()).collect(),
            incidents_past_year: answers.incidents_past_year,
            judgement: answers.judgement.clone(),
            risk: assessment.risk_view(),
        }
    }

    /// The answers back (item codes no longer in the questionnaire are dropped).
    pub fn answers(&self) -> Answers {
        let codes: Vec<&str> = self.yes.iter().map(String::as_str).collect();
        Answers { incidents_past_year: self.incidents_past_year, judgement: self.judgement.clone(), ..Answers::from_yes(&codes) }
    }
}

/// An assignment as stored: one agency's part in one complaint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct AssignmentView {
    pub agency_id: String,
    pub agency_kind: AgencyKind,
    pub role: Role,
    pub rule_id: String,
    /// Where the agency's work stands: a code of `assignment::AssignmentStatus`.
    pub status: String,
    #[serde(with = "time::serde::rfc3339::option")]
    pub acknowledge_due_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub report_due_at: Option<OffsetDateTime>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::complaint::ComplaintInput;
    use crate::routing::Role;
    use serde_json::{Value, json};
    use time::macros::datetime;

    /// Wednesday 25 November 2026, 10:00 in Astana.
    const RECEIVED: OffsetDateTime = datetime!(2026-11-25 05:00 UTC);

    fn assess(body: Value) -> Assessment {
        let reference = Reference::embedded();
        let complaint =
            ComplaintInput::from_json(body.to_string().as_bytes()).unwrap().validate(RECEIVED, &reference.taxonomy).unwrap();
        Assessment::of(&reference, &complaint, &complaint.categories, &complaint.answers, RECEIVED)
    }

    fn body(extra: Value) -> Value {
        let mut b = json!({"channel":"phone","region":"KZ-71","language":"ru","narrative":"Synthetic"});
        for (k, v) in extra.as_object().unwrap() {
            b[k] = v.clone();
        }
        b
    }

    fn lead(a: &Assessment) -> Option<(AgencyKind, String)> {
        a.assignments.iter().find(|x| x.role == Role::Lead).map(|x| (x.agency_kind, x.agency_id.clone()))
    }

    #[test]
    fn every_suggested_category_exists() {
        let taxonomy = crate::taxonomy::Taxonomy::embedded();
        for (item, code) in SUGGESTIONS.iter().chain([&("-", FALLBACK_CATEGORY)]) {
            assert!(taxonomy.get(code).is_some(), "{code} (for {item}) is not in the taxonomy");
            assert!(*item == "-" || crate::triage::item_by_code(item).is_some(), "{item} is not an item");
        }
    }

    #[test]
    fn an_anonymous_report_of_a_crime_in_progress_goes_to_the_police_at_once() {
        let a = assess(body(json!({"categories": ["battery"], "reporter": {"anonymous": true}})));
        assert!(a.forward_at_once);
        let police =
            a.assignments.iter().find(|x| x.agency_kind == AgencyKind::Police && x.role == Role::Lead).expect("police lead");
        assert_eq!(police.agency_id, "kz-71-police");
        assert_eq!(police.acknowledge_due_at, Some(RECEIVED), "forwarded at once");
        assert!(a.priority <= Priority::High);
        let named = assess(body(json!({"categories": ["battery"], "reporter": {"name": "Synthetic Person"}})));
        assert!(!named.forward_at_once);
    }

    #[test]
    fn deadlines_follow_the_risk() {
        let cases = [
            (json!({"danger_now": true}), Priority::Emergency, datetime!(2026-11-25 05:15 UTC)),
            (json!({"threats_to_kill": true}), Priority::High, datetime!(2026-11-25 06:00 UTC)),
            // One working day: Thursday 26 November, 23:59:59 in Astana.
            (json!({}), Priority::Normal, datetime!(2026-11-26 18:59:59 UTC)),
        ];
        for (answers, priority, acknowledge) in cases {
            let a = assess(body(
                json!({"categories": ["family_household_offence"], "reporter": {"name": "Synthetic"}, "triage": {"answers": answers}}),
            ));
            assert_eq!(a.priority, priority, "{answers}");
            let acting = a.assignments.iter().find(|x| x.role != Role::Informed).expect("an acting agency");
            assert_eq!(acting.acknowledge_due_at, Some(acknowledge), "{answers}");
            // 15 working days from Thursday 26 November: Wednesday 16 December is Independence Day, so 17 December.
            assert_eq!(acting.report_due_at, Some(datetime!(2026-12-17 18:59:59 UTC)), "{answers}");
        }
    }

    #[test]
    fn informed_agencies_have_no_deadline() {
        let a = assess(body(json!({"categories": ["battery"], "reporter": {"name": "Synthetic"}})));
        for x in a.assignments.iter().filter(|x| x.role == Role::Informed) {
            assert_eq!((x.acknowledge_due_at, x.report_due_at), (None, None), "{}", x.agency_id);
        }
        assert!(a.assignments.iter().any(|x| x.role == Role::Informed), "the prosecutor is informed of crimes");
    }

    #[test]
    fn categories_are_suggested_from_the_answers_when_none_are_chosen() {
        let a = assess(body(
            json!({"triage": {"answers": {"child_speaks_of_suicide": true, "stalking": true}}, "victims": [{"age": 12}]}),
        ));
        assert!(a.categories_suggested);
        assert_eq!(a.categories, ["child_suicide_risk", "stalking"]);
        let leads: Vec<_> = a.assignments.iter().filter(|x| x.role == Role::Lead).map(|x| x.agency_kind).collect();
        assert!(leads.contains(&AgencyKind::Health) && leads.contains(&AgencyKind::Police), "{leads:?}");
        let none = assess(body(json!({})));
        assert_eq!(none.categories, [FALLBACK_CATEGORY]);
        let chosen = assess(body(json!({"categories": ["bullying_of_minor"], "victims": [{"age": 13}]})));
        assert!(!chosen.categories_suggested);
        assert_eq!(lead(&chosen), Some((AgencyKind::EducationDepartment, "kz-71-education-department".into())));
    }
}

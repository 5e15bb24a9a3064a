//! A complaint: what a person reported, through which door, about whom, and where it stands.
//!
//! [`ComplaintInput`] is what arrives (loosely typed, so that every bad field can be
//! reported at once); [`ComplaintInput::validate`] turns it into a [`NewComplaint`], which
//! can only exist valid; the store gives it an id and a tracking code and it becomes a
//! [`Complaint`].

mod codes;
mod input;

pub(crate) use codes::code_list;
pub use codes::{Channel, Language, Relation, Sex, Status};
pub use input::{ComplaintInput, PerpetratorInput, ReporterInput, VictimInput, limits, normalise_phone};

use crate::ids::{ComplaintId, TrackingCode};
use crate::region::Region;
use crate::triage::Answers;
use serde::{Serialize, Serializer};
use time::OffsetDateTime;
use utoipa::ToSchema;

/// A validated complaint, before it is stored.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct NewComplaint {
    pub channel: Channel,
    #[serde(serialize_with = "region_code")]
    #[schema(value_type = String, example = "KZ-71")]
    pub region: &'static Region,
    pub locality: Option<String>,
    /// Where the victim can be found (street, house, flat, landmarks), in the reporter's words.
    pub address: Option<String>,
    pub language: Language,
    pub narrative: String,
    pub reporter: Reporter,
    pub victims: Vec<Victim>,
    pub perpetrators: Vec<Perpetrator>,
    /// Category codes chosen by the operator or the client, primary first (may be empty: then
    /// the assessment suggests them from the answers).
    pub categories: Vec<String>,
    /// The risk questionnaire's answers.
    #[serde(rename = "triage")]
    pub answers: Answers,
}

fn region_code<S: Serializer>(region: &&'static Region, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(region.code)
}

/// Who reported. An anonymous reporter leaves nothing to contact them by.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reporter {
    Anonymous,
    Identified(ReporterContact),
}

/// How and whether a reporter may be contacted. Nobody is contacted unless they consented
/// **and** said it is safe: the abuser may hold the phone.
#[derive(Debug, Clone, PartialEq, Default, Serialize, ToSchema)]
pub struct ReporterContact {
    pub name: Option<String>,
    /// E.164, e.g. `+77011234567`.
    pub phone: Option<String>,
    /// The reporter's IIN: 12 digits, with a real date of birth and a matching check digit.
    pub iin: Option<String>,
    pub relation: Option<Relation>,
    pub consent_to_contact: bool,
    pub safe_to_contact: bool,
    /// When it is safe to call, in the reporter's words.
    pub safe_contact_time: Option<String>,
}

impl Reporter {
    /// Whether staff may reach this reporter at all.
    pub fn may_be_contacted(&self) -> bool {
        matches!(self, Reporter::Identified(c) if c.consent_to_contact && c.safe_to_contact && c.phone.is_some())
    }
}

/// A person harmed (or at risk).
#[derive(Debug, Clone, PartialEq, Default, Serialize, ToSchema)]
pub struct Victim {
    pub name: Option<String>,
    /// The IIN: 12 digits, with a real date of birth and a matching check digit.
    pub iin: Option<String>,
    pub age: Option<u8>,
    /// As given, or the year of the IIN's date of birth when neither age nor birth year was.
    pub birth_year: Option<u16>,
    pub sex: Sex,
    /// Under 18, derived from the age or birth year when known. With only a birth year, a
    /// person who turns 18 this year counts as a minor: the safer reading.
    pub minor: Option<bool>,
    pub disability: Option<bool>,
}

/// A person the complaint says did harm.
#[derive(Debug, Clone, PartialEq, Default, Serialize, ToSchema)]
pub struct Perpetrator {
    pub name: Option<String>,
    /// Their relation to the victim.
    pub relation: Relation,
    pub sex: Sex,
}

/// A complaint as stored.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Complaint {
    #[schema(value_type = uuid::Uuid)]
    pub id: ComplaintId,
    #[schema(value_type = String, example = "K7M2Q-9XQP4")]
    pub tracking_code: TrackingCode,
    pub status: Status,
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    #[serde(flatten)]
    pub details: NewComplaint,
    /// The school (or other institution) whose account reported it.
    pub institution_id: Option<String>,
    /// The institution whose QR code it came through (a child's report from a school's poster).
    pub qr_institution: Option<String>,
    pub priority: crate::priority::Priority,
    pub risk: crate::assessment::RiskView,
    pub assignments: Vec<crate::assessment::AssignmentView>,
}

/// What a reporter may see with their tracking code and PIN: no personal data.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct StatusView {
    #[schema(value_type = String)]
    pub tracking_code: TrackingCode,
    pub status: Status,
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// Where each agency working on it stands.
    pub progress: Vec<Progress>,
}

/// One agency's part, as the reporter follows it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Progress {
    pub agency_id: String,
    pub status: crate::assignment::AssignmentStatus,
    #[serde(with = "time::serde::rfc3339")]
    pub since: OffsetDateTime,
}

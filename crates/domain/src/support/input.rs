//! The inputs of the support work, read as loose JSON (like a complaint or a school's report) so
//! that every bad field is reported at once. Messages never repeat a rejected value.
//!
//! What only the caller knows is passed in: the day (`today`, Kazakhstan time), the agency
//! directory (is a center id a center?), a center's shelter places, the ids of a center's
//! accounts (a plan's responsible specialist must be one of them).

use super::*;
use crate::error::Errors;
use crate::input::Reader;
use crate::routing::{AgencyDirectory, AgencyKind};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The limits of the support inputs' fields.
pub mod limits {
    pub const ADDRESS_CHARS: usize = 500;
    pub const NOTE_CHARS: usize = 2_000;
    pub const TEXT_CHARS: usize = 10_000;
    pub const NAME_CHARS: usize = 200;
    pub const MAX_CAPACITY: i64 = 100_000;
    pub const MAX_SHELTER_PLACES: i64 = 10_000;
    pub const GOALS: usize = 20;
    pub const SERVICES_PER_GOAL: usize = 20;
    pub const MEMBERS: usize = 20;
    /// One delivery's length: a day at most.
    pub const MAX_MINUTES: i64 = 1_440;
    pub const MAX_INTERVAL_DAYS: i64 = 90;
    pub const DEFAULT_INTERVAL_DAYS: u16 = 7;
    /// How far back a delivery or a visit may be recorded.
    pub const OLDEST_DAYS: i64 = 366;
}

macro_rules! loose_input {
    ($(#[$doc:meta])* $name:ident { $($(#[$fdoc:meta])* $field:ident: $ty:ty),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
        pub struct $name { $($(#[$fdoc])* #[schema(value_type = $ty)] pub $field: Option<Value>),+ }

        impl $name {
            /// Reads a request body; a body that is not a JSON object is one field error (`body`).
            pub fn from_json(body: &[u8]) -> Result<Self, Error> {
                crate::input::from_json(body)
            }
        }
    };
}

loose_input! {
    /// A center's profile, as the administrator sets it.
    CenterInput {
        /// Up to 500 characters.
        address: String,
        /// The services it offers (codes of `SupportService`), at least one.
        services: Vec<String>,
        /// People it can support at once, 0 to 100,000.
        capacity: u32,
        /// 0 to 10,000.
        shelter_places: u32,
        /// 0 to `shelter_places`; default 0.
        shelter_occupied: Option<u32>,
    }
}

loose_input! {
    /// The shelter places occupied now, as the center's head sets them.
    OccupancyInput {
        /// 0 to the center's shelter places.
        occupied: u32,
    }
}

loose_input! {
    /// A referral of a complaint's person to a family support center.
    ReferralInput {
        complaint_id: uuid::Uuid,
        /// A family support center of the directory.
        center_id: String,
        /// `{"share_with": [agency kinds], "parts": ["contact", "assessment", "plan", "log"]}`.
        consent: Consent,
        /// How to reach the person, what the center should know; up to 2,000 characters.
        note: Option<String>,
    }
}

loose_input! {
    /// The center's acceptance.
    AcceptInput {
        /// Days between safety check-ins, 1 to 90; default 7.
        check_in_days: Option<u16>,
    }
}

loose_input! {
    /// A reason: a refused referral, a returned closure, a reopened case.
    ReasonInput {
        /// Up to 2,000 characters.
        reason: String,
    }
}

loose_input! {
    /// The intake assessment.
    AssessmentInput {
        /// An object with every area (`safety`, `housing`, `income`, `health`, `children`,
        /// `legal`), each `{"level": "none|moderate|urgent", "note": "…"}`.
        needs: Object,
    }
}

loose_input! {
    /// The safety plan.
    SafetyPlanInput {
        /// Up to 10,000 characters.
        text: String,
    }
}

loose_input! {
    /// The individual support plan (replaces the last one).
    PlanInput {
        /// Up to 20 goals, each `{"goal": "…", "services": [{"service", "responsible_id",
        /// "due_on", "status"}]}`.
        goals: Vec<Goal>,
    }
}

loose_input! {
    /// A service delivered.
    ServiceLogInput {
        service: SupportService,
        /// `YYYY-MM-DD`, not in the future, at most a year ago.
        on: String,
        /// 1 to 1,440.
        minutes: u16,
        /// Up to 2,000 characters.
        note: Option<String>,
    }
}

loose_input! {
    /// A safety check-in.
    CheckInInput {
        outcome: CheckInOutcome,
        /// Up to 2,000 characters.
        note: Option<String>,
        /// A new interval between check-ins, 1 to 90 days.
        interval_days: Option<u16>,
    }
}

loose_input! {
    /// A mobile group's visit.
    VisitInput {
        /// `YYYY-MM-DD`, not in the future, at most a year ago.
        on: String,
        /// 1 to 20, each `{"agency_kind", "name", "role"}` (name and role optional).
        members: Vec<Member>,
        /// Up to 10,000 characters.
        findings: String,
    }
}

loose_input! {
    /// A change of the family's category.
    CategoryInput {
        /// `D` (crisis) or `E` (distressed).
        category: FamilyCategory,
        /// Up to 2,000 characters.
        reason: String,
    }
}

loose_input! {
    /// What a case's step carries.
    CaseStepInput {
        /// `request_closure`: why it closes.
        outcome: Option<Outcome>,
        /// `return_closure` and `reopen`: why. Up to 2,000 characters.
        reason: Option<String>,
    }
}

/// Runs `read` with a fresh reader and turns what it built into the result, or every error.
fn validated<T>(today: Date, read: impl FnOnce(&mut Reader) -> Option<T>) -> Result<T, Error> {
    let mut errors = Errors::default();
    let built = read(&mut Reader { errors: &mut errors, today });
    errors.finish(|| ())?;
    built.ok_or(Error::Validation(Vec::new()))
}

impl CenterInput {
    pub fn validate(self) -> Result<CenterProfile, Error> {
        validated(Date::MIN, |r| {
            let address = r.required(self.address, "address", |r, v, f| r.text(v, f, limits::ADDRESS_CHARS));
            let services = r.required(self.services, "services", |r, v, f| {
                let services = r.code_set(v, f, SupportService::parse, SupportService::codes)?;
                if services.is_empty() {
                    r.errors.push(f, "required", "at least one service");
                    return None;
                }
                Some(services)
            });
            let capacity = r.required(self.capacity, "capacity", |r, v, f| r.integer(v, f, 0, limits::MAX_CAPACITY));
            let places =
                r.required(self.shelter_places, "shelter_places", |r, v, f| r.integer(v, f, 0, limits::MAX_SHELTER_PLACES));
            let occupied = r.optional(self.shelter_occupied, "shelter_occupied", |r, v, f| {
                r.integer(v, f, 0, places.unwrap_or(limits::MAX_SHELTER_PLACES))
            });
            Some(CenterProfile {
                address: address?,
                services: services?,
                capacity: u32::try_from(capacity?).ok()?,
                shelter_places: u32::try_from(places?).ok()?,
                shelter_occupied: u32::try_from(occupied.unwrap_or(0)).ok()?,
            })
        })
    }
}

impl OccupancyInput {
    /// `places`: the center's shelter places.
    pub fn validate(self, places: u32) -> Result<u32, Error> {
        validated(Date::MIN, |r| {
            let n = r.required(self.occupied, "occupied", |r, v, f| r.integer(v, f, 0, places.into()))?;
            u32::try_from(n).ok()
        })
    }
}

impl ReferralInput {
    /// Checks the referral; the center must be a family support center of `directory`.
    pub fn validate(self, directory: &AgencyDirectory) -> Result<NewReferral, Error> {
        validated(Date::MIN, |r| {
            let complaint_id = r.required(self.complaint_id, "complaint_id", Reader::id_of);
            let center_id = r.required(self.center_id, "center_id", |r, v, f| r.center_id(v, f, directory));
            let consent = r.required(self.consent, "consent", Reader::consent_of);
            let note = r.optional(self.note, "note", |r, v, f| r.text(v, f, limits::NOTE_CHARS));
            Some(NewReferral { complaint_id: complaint_id?, center_id: center_id?, consent: consent?, note })
        })
    }
}

impl AcceptInput {
    /// The interval between check-ins.
    pub fn validate(self) -> Result<u16, Error> {
        validated(Date::MIN, |r| {
            let days = r.optional(self.check_in_days, "check_in_days", Reader::interval_days);
            Some(days.unwrap_or(limits::DEFAULT_INTERVAL_DAYS))
        })
    }
}

impl ReasonInput {
    pub fn validate(self) -> Result<String, Error> {
        validated(Date::MIN, |r| r.required(self.reason, "reason", |r, v, f| r.text(v, f, limits::NOTE_CHARS)))
    }
}

impl AssessmentInput {
    pub fn validate(self) -> Result<Assessment, Error> {
        validated(Date::MIN, |r| r.required(self.needs, "needs", Reader::needs_of).map(|needs| Assessment { needs }))
    }
}

impl SafetyPlanInput {
    pub fn validate(self) -> Result<String, Error> {
        validated(Date::MIN, |r| r.required(self.text, "text", |r, v, f| r.text(v, f, limits::TEXT_CHARS)))
    }
}

impl PlanInput {
    /// `staff`: the ids of the center's accounts, one of which must answer for each service.
    pub fn validate(self, today: Date, staff: &[Uuid]) -> Result<Plan, Error> {
        validated(today, |r| {
            let goals = r.required(self.goals, "goals", |r, v, f| {
                let items = r.items(v, f, limits::GOALS)?;
                let goals: Vec<_> =
                    items.into_iter().enumerate().map(|(i, g)| r.goal_of(g, &format!("{f}[{i}]"), staff)).collect();
                goals.into_iter().collect::<Option<Vec<_>>>()
            });
            goals.map(|goals| Plan { goals })
        })
    }
}

impl ServiceLogInput {
    pub fn validate(self, today: Date) -> Result<ServiceDelivery, Error> {
        validated(today, |r| {
            let service =
                r.required(self.service, "service", |r, v, f| r.code(v, f, SupportService::parse, SupportService::codes));
            let on = r.required(self.on, "on", Reader::past_day_of);
            let minutes = r.required(self.minutes, "minutes", |r, v, f| r.integer(v, f, 1, limits::MAX_MINUTES));
            let note = r.optional(self.note, "note", |r, v, f| r.text(v, f, limits::NOTE_CHARS));
            Some(ServiceDelivery { service: service?, on: on?, minutes: u16::try_from(minutes?).ok()?, note })
        })
    }
}

impl CheckInInput {
    pub fn validate(self) -> Result<CheckIn, Error> {
        validated(Date::MIN, |r| {
            let outcome =
                r.required(self.outcome, "outcome", |r, v, f| r.code(v, f, CheckInOutcome::parse, CheckInOutcome::codes));
            let note = r.optional(self.note, "note", |r, v, f| r.text(v, f, limits::NOTE_CHARS));
            let interval_days = r.optional(self.interval_days, "interval_days", Reader::interval_days);
            Some(CheckIn { outcome: outcome?, note, interval_days })
        })
    }
}

impl VisitInput {
    pub fn validate(self, today: Date) -> Result<Visit, Error> {
        validated(today, |r| {
            let on = r.required(self.on, "on", Reader::past_day_of);
            let members = r.required(self.members, "members", |r, v, f| {
                let items = r.items(v, f, limits::MEMBERS)?;
                let read: Vec<_> = items.into_iter().enumerate().map(|(i, m)| r.member_of(m, &format!("{f}[{i}]"))).collect();
                read.into_iter().collect::<Option<Vec<_>>>()
            });
            let findings = r.required(self.findings, "findings", |r, v, f| r.text(v, f, limits::TEXT_CHARS));
            Some(Visit { on: on?, members: members?, findings: findings? })
        })
    }
}

impl CategoryInput {
    pub fn validate(self) -> Result<CategoryChange, Error> {
        validated(Date::MIN, |r| {
            let category =
                r.required(self.category, "category", |r, v, f| r.code(v, f, FamilyCategory::parse, FamilyCategory::codes));
            let reason = r.required(self.reason, "reason", |r, v, f| r.text(v, f, limits::NOTE_CHARS));
            Some(CategoryChange { category: category?, reason: reason? })
        })
    }
}

impl CaseStepInput {
    /// What `step` needs: an outcome to ask for closure, a reason to return or reopen.
    pub fn validate(self, step: CaseStep) -> Result<StepDetails, Error> {
        validated(Date::MIN, |r| {
            let outcome = match step {
                CaseStep::RequestClosure => {
                    Some(r.required(self.outcome, "outcome", |r, v, f| r.code(v, f, Outcome::parse, Outcome::codes))?)
                }
                _ => None,
            };
            let reason = match step {
                CaseStep::ReturnClosure | CaseStep::Reopen => {
                    Some(r.required(self.reason, "reason", |r, v, f| r.text(v, f, limits::NOTE_CHARS))?)
                }
                _ => r.optional(self.reason, "reason", |r, v, f| r.text(v, f, limits::NOTE_CHARS)),
            };
            Some(StepDetails { outcome, reason })
        })
    }
}

/// The support inputs' own reads.
impl Reader<'_> {
    fn id_of(&mut self, value: Value, field: &str) -> Option<Uuid> {
        let id = value.as_str().and_then(|s| Uuid::parse_str(s.trim()).ok());
        if id.is_none() {
            self.errors.push(field, "invalid_id", "expected an id such as 0193a0c4-…");
        }
        id
    }

    fn center_id(&mut self, value: Value, field: &str, directory: &AgencyDirectory) -> Option<String> {
        let found = value.as_str().and_then(|id| directory.get(id.trim())).filter(|a| a.kind == AgencyKind::FamilySupportCenter);
        if found.is_none() {
            self.errors.push(field, "unknown_value", "expected the id of a family support center");
        }
        found.map(|a| a.id.clone())
    }

    fn interval_days(&mut self, value: Value, field: &str) -> Option<u16> {
        self.integer(value, field, 1, limits::MAX_INTERVAL_DAYS).and_then(|n| u16::try_from(n).ok())
    }

    fn items(&mut self, value: Value, field: &str, max: usize) -> Option<Vec<Value>> {
        match value {
            Value::Array(items) if items.len() > max => {
                self.errors.push(field, "too_many", format!("at most {max}"));
                None
            }
            Value::Array(items) => Some(items),
            _ => {
                self.errors.push(field, "expected_list", "expected a list");
                None
            }
        }
    }

    /// A list of codes, each checked, repeats dropped.
    fn code_set<T: PartialEq>(
        &mut self,
        value: Value,
        field: &str,
        parse: impl Fn(&str) -> Option<T>,
        allowed: impl Fn() -> String,
    ) -> Option<Vec<T>> {
        let items = self.items(value, field, 50)?;
        let mut codes = Vec::new();
        let mut ok = true;
        for (i, item) in items.into_iter().enumerate() {
            match self.code(item, &format!("{field}[{i}]"), &parse, &allowed) {
                Some(code) if !codes.contains(&code) => codes.push(code),
                Some(_) => {}
                None => ok = false,
            }
        }
        ok.then_some(codes)
    }

    fn object_of<T: DeserializeOwned>(&mut self, value: Value, field: &str) -> Option<T> {
        let read = serde_json::from_value(value).ok();
        if read.is_none() {
            self.errors.push(field, "expected_object", "expected an object");
        }
        read
    }

    fn consent_of(&mut self, value: Value, field: &str) -> Option<Consent> {
        #[derive(serde::Deserialize)]
        struct Loose {
            share_with: Option<Value>,
            parts: Option<Value>,
        }
        let loose: Loose = self.object_of(value, field)?;
        let share_with = self.optional(loose.share_with, &format!("{field}.share_with"), |r, v, f| {
            r.code_set(v, f, AgencyKind::parse, || AgencyKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", "))
        });
        let parts = self
            .optional(loose.parts, &format!("{field}.parts"), |r, v, f| r.code_set(v, f, ConsentPart::parse, ConsentPart::codes));
        let bad = self.errors.count_under(field) > 0;
        (!bad).then(|| Consent { share_with: share_with.unwrap_or_default(), parts: parts.unwrap_or_default() })
    }

    fn needs_of(&mut self, value: Value, field: &str) -> Option<Vec<Need>> {
        let Value::Object(mut areas) = value else {
            self.errors.push(field, "expected_object", "expected an object with every area");
            return None;
        };
        let needs: Vec<_> = NeedArea::ALL
            .iter()
            .map(|&area| {
                let path = format!("{field}.{}", area.as_str());
                self.required(areas.remove(area.as_str()), &path, |r, v, f| r.need_of(v, f, area))
            })
            .collect();
        for unknown in areas.keys() {
            self.errors.push(format!("{field}.{unknown}"), "unknown_field", format!("expected one of: {}", NeedArea::codes()));
        }
        needs.into_iter().collect()
    }

    fn need_of(&mut self, value: Value, field: &str, area: NeedArea) -> Option<Need> {
        #[derive(serde::Deserialize)]
        struct Loose {
            level: Option<Value>,
            note: Option<Value>,
        }
        let loose: Loose = self.object_of(value, field)?;
        let level =
            self.required(loose.level, &format!("{field}.level"), |r, v, f| r.code(v, f, NeedLevel::parse, NeedLevel::codes));
        let note = self.optional(loose.note, &format!("{field}.note"), |r, v, f| r.text(v, f, limits::NOTE_CHARS));
        Some(Need { area, level: level?, note })
    }

    fn goal_of(&mut self, value: Value, path: &str, staff: &[Uuid]) -> Option<Goal> {
        #[derive(serde::Deserialize)]
        struct Loose {
            goal: Option<Value>,
            services: Option<Value>,
        }
        let loose: Loose = self.object_of(value, path)?;
        let goal = self.required(loose.goal, &format!("{path}.goal"), |r, v, f| r.text(v, f, limits::NOTE_CHARS));
        let services = self.required(loose.services, &format!("{path}.services"), |r, v, f| {
            let items = r.items(v, f, limits::SERVICES_PER_GOAL)?;
            let read: Vec<_> = items.into_iter().enumerate().map(|(i, s)| r.planned_of(s, &format!("{f}[{i}]"), staff)).collect();
            read.into_iter().collect::<Option<Vec<_>>>()
        });
        Some(Goal { goal: goal?, services: services? })
    }

    fn planned_of(&mut self, value: Value, path: &str, staff: &[Uuid]) -> Option<PlannedService> {
        #[derive(serde::Deserialize)]
        struct Loose {
            service: Option<Value>,
            responsible_id: Option<Value>,
            due_on: Option<Value>,
            status: Option<Value>,
        }
        let loose: Loose = self.object_of(value, path)?;
        let at = |name: &str| format!("{path}.{name}");
        let service =
            self.required(loose.service, &at("service"), |r, v, f| r.code(v, f, SupportService::parse, SupportService::codes));
        let responsible = self.required(loose.responsible_id, &at("responsible_id"), |r, v, f| {
            let id = r.id_of(v, f)?;
            if !staff.contains(&id) {
                r.errors.push(f, "unknown_value", "expected an account of the center");
                return None;
            }
            Some(id)
        });
        let due_on = self.required(loose.due_on, &at("due_on"), Reader::day_of);
        let status =
            self.optional(loose.status, &at("status"), |r, v, f| r.code(v, f, ServiceStatus::parse, ServiceStatus::codes));
        Some(PlannedService {
            service: service?,
            responsible_id: responsible?,
            due_on: due_on?,
            status: status.unwrap_or(ServiceStatus::Planned),
        })
    }

    fn member_of(&mut self, value: Value, path: &str) -> Option<Member> {
        #[derive(serde::Deserialize)]
        struct Loose {
            agency_kind: Option<Value>,
            name: Option<Value>,
            role: Option<Value>,
        }
        let loose: Loose = self.object_of(value, path)?;
        let kind = self.required(loose.agency_kind, &format!("{path}.agency_kind"), |r, v, f| {
            r.code(v, f, AgencyKind::parse, || AgencyKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", "))
        });
        let name = self.optional(loose.name, &format!("{path}.name"), |r, v, f| r.text(v, f, limits::NAME_CHARS));
        let role = self.optional(loose.role, &format!("{path}.role"), |r, v, f| r.text(v, f, limits::NAME_CHARS));
        Some(Member { agency_kind: kind?, name, role })
    }

    fn day_of(&mut self, value: Value, field: &str) -> Option<Date> {
        let date = value.as_str().and_then(|s| Date::parse(s.trim(), DATE_FORMAT).ok());
        if date.is_none() {
            self.errors.push(field, "invalid_date", "expected a real date as YYYY-MM-DD");
        }
        date
    }

    /// A day from a year ago to today.
    fn past_day_of(&mut self, value: Value, field: &str) -> Option<Date> {
        let date = self.day_of(value, field)?;
        if date > self.today || date < self.today - Duration::days(limits::OLDEST_DAYS) {
            self.errors.push(field, "out_of_range", "from a year ago to today");
            return None;
        }
        Some(date)
    }
}

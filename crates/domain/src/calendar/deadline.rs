//! Deadlines of the state bodies (Administrative Procedural and Process Code, art. 76), and the
//! one convention by which Qorgau counts them ([`working_day_deadline`]).
//!
//! The spans are data (`data/deadlines.toml`): the deadline for agencies' feedback to 111 is not
//! confirmed, so the law's general deadlines are defaults an administrator can change.
//! Deadlines are worked out from the time of receipt passed in (in UTC) and returned in UTC.

use std::fmt;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};
use time::macros::time;
use time::{Date, Duration, Month, OffsetDateTime, PrimitiveDateTime, UtcOffset};
use utoipa::ToSchema;

use super::Calendar;
use crate::clock::{KAZAKHSTAN_OFFSET, local};
use crate::data::DataError;
use crate::error::{Error, FieldError};
use crate::priority::Priority;

const FILE: &str = "deadlines.toml";

/// Bounds that keep an administrator's typo from producing absurd (or unrepresentable) times.
const MAX_MINUTES: u32 = 31 * 24 * 60;
const MAX_WORKING_DAYS: u32 = 250;
const MAX_EXTENSION_MONTHS: u32 = 12;

/// What a deadline is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    /// 111 takes the complaint up.
    Acknowledgment,
    /// The agency reports the actions it took.
    ActionReport,
    /// An appeal outside the body's competence is forwarded.
    Forwarding,
    /// The applicant is told of an extension (counted from the extension decision).
    ExtensionNotice,
}

impl DeadlineKind {
    pub const ALL: &'static [DeadlineKind] =
        &[DeadlineKind::Acknowledgment, DeadlineKind::ActionReport, DeadlineKind::Forwarding, DeadlineKind::ExtensionNotice];

    pub fn as_str(self) -> &'static str {
        match self {
            DeadlineKind::Acknowledgment => "acknowledgment",
            DeadlineKind::ActionReport => "action_report",
            DeadlineKind::Forwarding => "forwarding",
            DeadlineKind::ExtensionNotice => "extension_notice",
        }
    }
}

/// How long a deadline runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineSpan {
    /// A plain duration from receipt; 0 means at once.
    Minutes(u32),
    /// Working days, by the convention of [`working_day_deadline`]. At least 1.
    WorkingDays(u32),
}

impl DeadlineSpan {
    /// Whether a deadline of this span always ends no later than one of `other`, whatever the
    /// time of receipt. A working-day deadline ends at the earliest at 23:59:59 on the day after
    /// receipt, so less than a day of minutes always comes first.
    fn never_later_than(self, other: DeadlineSpan) -> bool {
        match (self, other) {
            (DeadlineSpan::Minutes(a), DeadlineSpan::Minutes(b)) => a <= b,
            (DeadlineSpan::WorkingDays(a), DeadlineSpan::WorkingDays(b)) => a <= b,
            (DeadlineSpan::Minutes(a), DeadlineSpan::WorkingDays(_)) => a < 24 * 60,
            (DeadlineSpan::WorkingDays(_), DeadlineSpan::Minutes(_)) => false,
        }
    }
}

impl fmt::Display for DeadlineSpan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeadlineSpan::Minutes(n) => write!(f, "{n} minute{}", plural(*n)),
            DeadlineSpan::WorkingDays(n) => write!(f, "{n} working day{}", plural(*n)),
        }
    }
}

fn plural(n: u32) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The spans of every kind of deadline for every priority, and the cap of extensions. Built
/// only from checked data: a more urgent priority never has a later deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlinePolicies {
    /// Indexed by `DeadlineKind as usize`, then `Priority as usize`.
    spans: [[DeadlineSpan; 4]; 4],
    max_extension_months: u32,
}

static EMBEDDED: LazyLock<DeadlinePolicies> = LazyLock::new(|| {
    DeadlinePolicies::from_toml(include_str!("../../../../data/deadlines.toml")).expect("data/deadlines.toml is valid (tested)")
});

impl DeadlinePolicies {
    /// Parses deadline policies (TOML) and checks them; errors name the part that is wrong.
    pub fn from_toml(text: &str) -> Result<Self, DataError> {
        let file: File = toml::from_str(text).map_err(|e| DataError::new(FILE, e.to_string()))?;
        file.check().map_err(|message| DataError::new(FILE, message))
    }

    /// The policies embedded in the binary (`data/deadlines.toml`).
    pub fn embedded() -> Self {
        EMBEDDED.clone()
    }

    pub fn span(&self, kind: DeadlineKind, priority: Priority) -> DeadlineSpan {
        self.spans[kind as usize][priority as usize]
    }

    /// An extended deadline ends at most this many calendar months after receipt.
    pub fn max_extension_months(&self) -> u32 {
        self.max_extension_months
    }
}

/// When a deadline of `kind` falls for something received at `received_at`, with `priority`.
/// For [`DeadlineKind::ExtensionNotice`], `received_at` is when the extension was decided.
/// Returned in UTC.
pub fn due(
    calendar: &Calendar,
    policies: &DeadlinePolicies,
    kind: DeadlineKind,
    priority: Priority,
    received_at: OffsetDateTime,
) -> OffsetDateTime {
    match policies.span(kind, priority) {
        DeadlineSpan::Minutes(n) => (received_at + Duration::minutes(n.into())).to_offset(UtcOffset::UTC),
        DeadlineSpan::WorkingDays(n) => working_day_deadline(calendar, received_at, n),
    }
}

/// THE convention for deadlines in working days (DOMAIN.md), kept in this one place: the time
/// of receipt is read in Kazakhstan time (UTC+5); working days are counted from the next working
/// day after that date (a complaint received on a Saturday, or at 23:00 on a Friday, starts
/// counting on Monday); the deadline ends at 23:59:59 Kazakhstan time on the last working day.
/// Returned in UTC. `n = 0` would end on the day of receipt; the policies never hold it.
pub fn working_day_deadline(calendar: &Calendar, received_at: OffsetDateTime, n: u32) -> OffsetDateTime {
    end_of_local_day(calendar.add_working_days(local(received_at).date(), n))
}

/// The latest an extended deadline may be: the day of receipt (Kazakhstan time) plus the cap in
/// calendar months (2 by default; 31 March gives 31 May, 31 December gives the end of February),
/// at 23:59:59 Kazakhstan time. Returned in UTC.
pub fn extension_cap(policies: &DeadlinePolicies, received_at: OffsetDateTime) -> OffsetDateTime {
    end_of_local_day(add_months(local(received_at).date(), policies.max_extension_months))
}

/// Moves a deadline from `current` to `requested`, which must be later, and not past the cap
/// ([`extension_cap`]). Returns the new deadline in UTC.
pub fn extend(
    policies: &DeadlinePolicies,
    received_at: OffsetDateTime,
    current: OffsetDateTime,
    requested: OffsetDateTime,
) -> Result<OffsetDateTime, ExtensionError> {
    let cap = extension_cap(policies, received_at);
    if requested <= current {
        return Err(ExtensionError::NotLater);
    }
    if requested > cap {
        return Err(ExtensionError::PastCap { cap });
    }
    Ok(requested.to_offset(UtcOffset::UTC))
}

/// Why a deadline cannot be extended as asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ExtensionError {
    #[error("the new deadline must be later than the current one")]
    NotLater,
    #[error("the new deadline may not be later than {} (Kazakhstan time), the most the law allows", local_date(.cap))]
    PastCap { cap: OffsetDateTime },
}

fn local_date(t: &OffsetDateTime) -> Date {
    local(*t).date()
}

impl ExtensionError {
    /// The stable code of the field error.
    pub fn code(self) -> &'static str {
        match self {
            ExtensionError::NotLater => "not_later",
            ExtensionError::PastCap { .. } => "past_cap",
        }
    }
}

impl From<ExtensionError> for Error {
    fn from(e: ExtensionError) -> Self {
        Error::Validation(vec![FieldError::new("due_at", e.code(), e.to_string())])
    }
}

fn end_of_local_day(date: Date) -> OffsetDateTime {
    PrimitiveDateTime::new(date, time!(23:59:59)).assume_offset(KAZAKHSTAN_OFFSET).to_offset(UtcOffset::UTC)
}

/// `date` plus `months` calendar months; a day the month lacks becomes its last day.
fn add_months(date: Date, months: u32) -> Date {
    let index = date.year() * 12 + i32::from(u8::from(date.month())) - 1 + months as i32;
    let (year, month) = (index.div_euclid(12), index.rem_euclid(12) as u8 + 1);
    let month = Month::try_from(month).expect("a month from 1 to 12");
    let day = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).expect("a valid day of the month")
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    acknowledgment: PerPriority,
    action_report: PerPriority,
    forwarding: PerPriority,
    extension_notice: PerPriority,
    extension: Extension,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PerPriority {
    emergency: SpanEntry,
    high: SpanEntry,
    normal: SpanEntry,
    low: SpanEntry,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SpanEntry {
    minutes: Option<u32>,
    working_days: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Extension {
    max_total_months: u32,
}

impl File {
    fn check(&self) -> Result<DeadlinePolicies, String> {
        let tables = [&self.acknowledgment, &self.action_report, &self.forwarding, &self.extension_notice];
        let mut spans = [[DeadlineSpan::Minutes(0); 4]; 4];
        for (&kind, table) in DeadlineKind::ALL.iter().zip(tables) {
            spans[kind as usize] = table.check(kind.as_str())?;
        }
        let months = self.extension.max_total_months;
        if !(1..=MAX_EXTENSION_MONTHS).contains(&months) {
            return Err(format!("extension.max_total_months must be from 1 to {MAX_EXTENSION_MONTHS}"));
        }
        Ok(DeadlinePolicies { spans, max_extension_months: months })
    }
}

impl PerPriority {
    /// The spans in `Priority` order, each never later than the next.
    fn check(&self, kind: &str) -> Result<[DeadlineSpan; 4], String> {
        let entries = [&self.emergency, &self.high, &self.normal, &self.low];
        let mut spans = [DeadlineSpan::Minutes(0); 4];
        for (i, (&priority, entry)) in Priority::ALL.iter().zip(entries).enumerate() {
            spans[i] = entry.check(&format!("{kind}.{}", priority.as_str()))?;
        }
        for (i, pair) in spans.windows(2).enumerate() {
            if !pair[0].never_later_than(pair[1]) {
                let (urgent, other) = (Priority::ALL[i].as_str(), Priority::ALL[i + 1].as_str());
                return Err(format!("{kind}: {urgent} ({}) could end later than {other} ({})", pair[0], pair[1]));
            }
        }
        Ok(spans)
    }
}

impl SpanEntry {
    fn check(&self, what: &str) -> Result<DeadlineSpan, String> {
        match (self.minutes, self.working_days) {
            (Some(n), None) if n <= MAX_MINUTES => Ok(DeadlineSpan::Minutes(n)),
            (Some(_), None) => Err(format!("{what}: more than {MAX_MINUTES} minutes; use working_days")),
            (None, Some(n)) if (1..=MAX_WORKING_DAYS).contains(&n) => Ok(DeadlineSpan::WorkingDays(n)),
            (None, Some(_)) => Err(format!("{what}: working_days must be from 1 to {MAX_WORKING_DAYS} (minutes = 0 is at once)")),
            _ => Err(format!("{what}: give either minutes or working_days")),
        }
    }
}

#[cfg(test)]
mod tests;

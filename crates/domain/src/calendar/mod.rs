//! The working calendar of Kazakhstan, and the deadlines of state bodies counted on it.
//!
//! Agencies answer within a number of *working* days (Administrative Procedural and Process
//! Code, art. 76), so Qorgau must know which days are days off. Those change: public holidays by
//! law, religious days off (Kurban Ait) every year, and the government moves days off every year
//! by decree. So all of them are data (`data/calendar.toml`, confirmed each year by an
//! administrator); this module only applies the rules to the data:
//!
//! - Saturday and Sunday are the weekend;
//! - a holiday marked `moves` that falls on a weekend gives a day off on the next working day
//!   still free; several (Nauryz, 21–23 March) move in turn, in date order ([`days`]);
//! - a transfer makes a weekend day a working day and a weekday a day off.
//!
//! Days off are worked out once, for [`CACHED_YEARS`], when a calendar is built, so that counting
//! a deadline is a few lookups; other years are worked out when asked.

mod days;
mod deadline;
mod source;
#[cfg(test)]
mod tests;

pub use deadline::{
    DeadlineKind, DeadlinePolicies, DeadlineSpan, ExtensionError, due, extend, extension_cap, working_day_deadline,
};

use std::borrow::Cow;
use std::ops::RangeInclusive;
use std::sync::LazyLock;

use serde::{Serialize, Serializer};
use time::{Date, Weekday};
use utoipa::ToSchema;

use crate::data::DataError;
use days::Days;

/// Years whose days off are worked out when a calendar is built (the others, on demand).
const CACHED_YEARS: RangeInclusive<i32> = 2000..=2100;

pub use crate::data::Names;

/// Why a day is off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DayOffKind {
    /// A public holiday on its own date.
    PublicHoliday,
    /// The day off given for a public holiday that fell on a weekend.
    MovedHoliday,
    /// A religious day off (never moved).
    Religious,
    /// A day off moved by government decree from a weekend day, which becomes a working day.
    Transfer,
}

/// One day off and its reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct DayOff {
    /// `YYYY-MM-DD`.
    #[serde(serialize_with = "iso_date")]
    pub date: Date,
    pub kind: DayOffKind,
    /// For a moved holiday, the holiday's name.
    pub name: Names,
    /// For a moved holiday, the holiday's own date; for a transfer, the weekend day that became
    /// a working day in exchange.
    #[serde(serialize_with = "iso_date_opt", skip_serializing_if = "Option::is_none")]
    pub moved_from: Option<Date>,
}

fn iso_date<S: Serializer>(date: &Date, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(date)
}

fn iso_date_opt<S: Serializer>(date: &Option<Date>, serializer: S) -> Result<S::Ok, S::Error> {
    match date {
        Some(date) => serializer.collect_str(date),
        None => serializer.serialize_none(),
    }
}

/// The working calendar: checked rules from `calendar.toml` and the days off they give.
#[derive(Debug, Clone)]
pub struct Calendar {
    rules: source::Rules,
    cached: Days,
}

static EMBEDDED: LazyLock<Calendar> = LazyLock::new(|| {
    Calendar::from_toml(include_str!("../../../../data/calendar.toml")).expect("data/calendar.toml is valid (tested)")
});

impl Calendar {
    /// Parses calendar data (TOML) and checks it; errors name the file part that is wrong.
    pub fn from_toml(text: &str) -> Result<Calendar, DataError> {
        let rules = source::parse(text)?;
        let cached = days::work_out(&rules, around(&CACHED_YEARS));
        Ok(Calendar { rules, cached })
    }

    /// The calendar embedded in the binary (`data/calendar.toml`).
    pub fn embedded() -> Calendar {
        EMBEDDED.clone()
    }

    pub fn is_working_day(&self, date: Date) -> bool {
        let days = self.days_of(date.year());
        if is_weekend(date) { days.is_working_weekend(date) } else { !days.is_off(date) }
    }

    /// The `n`th working day after `from`: counting starts on the day after `from` (so a working
    /// day is never counted twice), and `n = 0` returns `from` unchanged.
    ///
    /// Panics past the last date `time` can hold (the year 9999).
    pub fn add_working_days(&self, from: Date, n: u32) -> Date {
        let mut date = from;
        let mut left = n;
        while left > 0 {
            date = date.next_day().expect("a working day before the year 10000");
            if self.is_working_day(date) {
                left -= 1;
            }
        }
        date
    }

    /// The named days off of `year` (plain weekends are not listed; a holiday falling on a
    /// weekend is, with its moved day off), sorted by date. For `GET /api/v1/calendar/{year}`.
    pub fn days_off(&self, year: i32) -> Vec<DayOff> {
        self.days_of(year).in_year(year).to_vec()
    }

    /// Weekend days of `year` that a transfer made working days, sorted.
    pub fn working_weekend_days(&self, year: i32) -> Vec<Date> {
        self.days_of(year).working_weekends_in(year)
    }

    /// The years whose own data (religious days off, transfers) is recorded, sorted. Deadlines
    /// in other years are counted with the fixed holidays only.
    pub fn years_with_data(&self) -> Vec<i32> {
        self.rules.years.clone()
    }

    /// Days off that are right for dates in `year`.
    fn days_of(&self, year: i32) -> Cow<'_, Days> {
        if CACHED_YEARS.contains(&year) {
            Cow::Borrowed(&self.cached)
        } else {
            Cow::Owned(days::work_out(&self.rules, around(&(year..=year))))
        }
    }
}

/// `years` and one year on each side: a holiday late in December may move into January, and a
/// day off in January must see the holidays of its own year.
fn around(years: &RangeInclusive<i32>) -> RangeInclusive<i32> {
    let (min, max) = (Date::MIN.year(), Date::MAX.year());
    (years.start() - 1).max(min)..=(years.end() + 1).min(max)
}

fn is_weekend(date: Date) -> bool {
    matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
}

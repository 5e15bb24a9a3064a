//! The shape of `data/calendar.toml` and the checks that turn it into [`Rules`], or say what is
//! wrong in words an administrator can act on (the file is edited by hand every year).

use std::collections::{BTreeMap, BTreeSet};
use std::ops::RangeInclusive;

use serde::Deserialize;
use time::{Date, Month};
use toml::value::Datetime;

use super::{DayOffKind, Names, is_weekend};
use crate::data::DataError;

const FILE: &str = "calendar.toml";

/// The checked content of the file.
#[derive(Debug, Clone)]
pub(super) struct Rules {
    fixed: Vec<Fixed>,
    dated: Vec<Holiday>,
    pub(super) transfers: Vec<Transfer>,
    pub(super) transfer_name: Names,
    pub(super) years: Vec<i32>,
}

/// A day off on the same date every year. Never 29 February (checked).
#[derive(Debug, Clone)]
struct Fixed {
    month: Month,
    day: u8,
    what: Template,
}

/// A day off without its date.
#[derive(Debug, Clone)]
struct Template {
    kind: DayOffKind,
    moves: bool,
    name: Names,
}

impl Template {
    fn on(&self, date: Date) -> Holiday {
        Holiday { date, kind: self.kind, moves: self.moves, name: self.name.clone() }
    }
}

/// One day off on one date.
#[derive(Debug, Clone)]
pub(super) struct Holiday {
    pub(super) date: Date,
    pub(super) kind: DayOffKind,
    pub(super) moves: bool,
    pub(super) name: Names,
}

#[derive(Debug, Clone)]
pub(super) struct Transfer {
    pub(super) working_day: Date,
    pub(super) day_off: Date,
}

impl Rules {
    /// The holidays (fixed and per year) of `years`, in date order.
    pub(super) fn holidays_in(&self, years: &RangeInclusive<i32>) -> Vec<Holiday> {
        let fixed = years.clone().flat_map(|year| {
            self.fixed.iter().filter_map(move |f| Date::from_calendar_date(year, f.month, f.day).ok().map(|date| f.what.on(date)))
        });
        let dated = self.dated.iter().filter(|h| years.contains(&h.date.year())).cloned();
        let mut all: Vec<Holiday> = fixed.chain(dated).collect();
        all.sort_by_key(|h| h.date);
        all
    }
}

pub(super) fn parse(text: &str) -> Result<Rules, DataError> {
    let file: File = toml::from_str(text).map_err(|e| DataError::new(FILE, e.to_string()))?;
    file.check().map_err(|message| DataError::new(FILE, message))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    transfer_name: Names,
    #[serde(default)]
    holiday: Vec<HolidayEntry>,
    #[serde(default)]
    yearly: Vec<YearlyEntry>,
    #[serde(default)]
    year: Vec<YearEntry>,
}

/// The kinds a holiday may have in the file (moved days and transfers are worked out).
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Kind {
    PublicHoliday,
    Religious,
}

impl From<Kind> for DayOffKind {
    fn from(kind: Kind) -> Self {
        match kind {
            Kind::PublicHoliday => DayOffKind::PublicHoliday,
            Kind::Religious => DayOffKind::Religious,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HolidayEntry {
    month: u8,
    days: Vec<u8>,
    kind: Kind,
    moves: bool,
    name: Names,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct YearlyEntry {
    id: String,
    kind: Kind,
    moves: bool,
    name: Names,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct YearEntry {
    year: i32,
    days: BTreeMap<String, Datetime>,
    transfers: Vec<TransferEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TransferEntry {
    working_day: Datetime,
    day_off: Datetime,
}

impl File {
    fn check(self) -> Result<Rules, String> {
        check_names(&self.transfer_name, "transfer_name")?;
        let fixed = check_fixed(self.holiday)?;
        let yearly = check_yearly(self.yearly)?;
        let mut years = Vec::new();
        let (mut dated, mut transfers) = (Vec::new(), Vec::new());
        for entry in self.year {
            if years.contains(&entry.year) {
                return Err(format!("year {} is listed twice", entry.year));
            }
            years.push(entry.year);
            dated.extend(entry.check_days(&yearly)?);
            transfers.extend(entry.check_transfers()?);
        }
        years.sort_unstable();
        Ok(Rules { fixed, dated, transfers, transfer_name: self.transfer_name, years })
    }
}

fn check_names(names: &Names, what: &str) -> Result<(), String> {
    for (lang, text) in [("kk", &names.kk), ("ru", &names.ru), ("en", &names.en)] {
        if text.trim().is_empty() {
            return Err(format!("{what}: name.{lang} is empty"));
        }
    }
    Ok(())
}

fn check_fixed(entries: Vec<HolidayEntry>) -> Result<Vec<Fixed>, String> {
    let mut fixed: Vec<Fixed> = Vec::new();
    for (i, entry) in entries.into_iter().enumerate() {
        let what = format!("holiday #{} ({})", i + 1, entry.name.en);
        check_names(&entry.name, &what)?;
        if entry.days.is_empty() {
            return Err(format!("{what}: days is empty"));
        }
        let month = Month::try_from(entry.month).map_err(|_| format!("{what}: month {} does not exist", entry.month))?;
        for &day in &entry.days {
            // 2001 is not a leap year: a fixed holiday must exist every year.
            if Date::from_calendar_date(2001, month, day).is_err() {
                return Err(format!("{what}: {month} {day} is not a date of every year"));
            }
            if fixed.iter().any(|f| f.month == month && f.day == day) {
                return Err(format!("{what}: {month} {day} is already a holiday"));
            }
            let what = Template { kind: entry.kind.into(), moves: entry.moves, name: entry.name.clone() };
            fixed.push(Fixed { month, day, what });
        }
    }
    Ok(fixed)
}

/// The days off set each year, by id, with the date still to be given.
fn check_yearly(entries: Vec<YearlyEntry>) -> Result<BTreeMap<String, Template>, String> {
    let mut yearly = BTreeMap::new();
    for entry in entries {
        check_names(&entry.name, &format!("yearly \"{}\"", entry.id))?;
        let template = Template { kind: entry.kind.into(), moves: entry.moves, name: entry.name };
        if yearly.insert(entry.id.clone(), template).is_some() {
            return Err(format!("yearly \"{}\" is listed twice", entry.id));
        }
    }
    Ok(yearly)
}

impl YearEntry {
    /// Every yearly day off must have its date in this year: a missing one would silently turn
    /// a day off into a working day.
    fn check_days(&self, yearly: &BTreeMap<String, Template>) -> Result<Vec<Holiday>, String> {
        let year = self.year;
        if let Some(id) = self.days.keys().find(|id| !yearly.contains_key(*id)) {
            let known: Vec<&str> = yearly.keys().map(String::as_str).collect();
            return Err(format!("year {year}: unknown day \"{id}\" (known: {})", known.join(", ")));
        }
        let mut holidays = Vec::new();
        for (id, template) in yearly {
            let value = self.days.get(id).ok_or_else(|| format!("year {year}: no date for \"{id}\""))?;
            let date = plain_date(value).map_err(|e| format!("year {year}: \"{id}\" {e}"))?;
            if date.year() != year {
                return Err(format!("year {year}: the date of \"{id}\" ({date}) is not in {year}"));
            }
            holidays.push(template.on(date));
        }
        Ok(holidays)
    }

    fn check_transfers(&self) -> Result<Vec<Transfer>, String> {
        let mut transfers = Vec::new();
        for (i, entry) in self.transfers.iter().enumerate() {
            let what = format!("year {}, transfer #{}", self.year, i + 1);
            let working_day = plain_date(&entry.working_day).map_err(|e| format!("{what}: working_day {e}"))?;
            let day_off = plain_date(&entry.day_off).map_err(|e| format!("{what}: day_off {e}"))?;
            if !is_weekend(working_day) {
                return Err(format!("{what}: working_day {working_day} is not a Saturday or Sunday"));
            }
            if is_weekend(day_off) {
                return Err(format!("{what}: day_off {day_off} is a Saturday or Sunday"));
            }
            transfers.push(Transfer { working_day, day_off });
        }
        let days_off: BTreeSet<Date> = transfers.iter().map(|t| t.day_off).collect();
        if days_off.len() != transfers.len() {
            return Err(format!("year {}: two transfers give the same day off", self.year));
        }
        Ok(transfers)
    }
}

/// A TOML local date (`2026-05-27`, no time, no offset) as a [`Date`].
fn plain_date(value: &Datetime) -> Result<Date, String> {
    let (Some(date), None, None) = (value.date, value.time, value.offset) else {
        return Err(format!("must be a date (YYYY-MM-DD), not {value}"));
    };
    let month = Month::try_from(date.month).map_err(|_| format!("{value} is not a date"))?;
    Date::from_calendar_date(date.year.into(), month, date.day).map_err(|_| format!("{value} is not a date"))
}

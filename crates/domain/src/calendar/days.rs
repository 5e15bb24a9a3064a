//! The rule that turns the calendar's data into days off: a holiday marked `moves` that falls on
//! a Saturday or Sunday gives a day off on the next weekday that is not already a day off.
//! Holidays are taken in date order, so that when several fall on a weekend (Nauryz, 21–23
//! March) each takes the next free day in turn: in 2026, 21 March (Saturday) gives 24 March and
//! 22 March (Sunday) gives 25 March, because 23 March is itself a holiday.

use std::collections::BTreeSet;
use std::ops::RangeInclusive;

use time::Date;

use super::source::{Holiday, Rules};
use super::{DayOff, DayOffKind, is_weekend};

/// The days off of a run of years. Right for every year of the run but the first and the last
/// (which may miss a holiday moving in from outside the run).
#[derive(Debug, Clone)]
pub(super) struct Days {
    /// Sorted by date, then kind.
    list: Vec<DayOff>,
    off: BTreeSet<Date>,
    working_weekends: BTreeSet<Date>,
}

impl Days {
    pub(super) fn is_off(&self, date: Date) -> bool {
        self.off.contains(&date)
    }

    pub(super) fn is_working_weekend(&self, date: Date) -> bool {
        self.working_weekends.contains(&date)
    }

    pub(super) fn in_year(&self, year: i32) -> &[DayOff] {
        let start = self.list.partition_point(|d| d.date.year() < year);
        let end = self.list.partition_point(|d| d.date.year() <= year);
        &self.list[start..end]
    }

    pub(super) fn working_weekends_in(&self, year: i32) -> Vec<Date> {
        self.working_weekends.iter().copied().filter(|d| d.year() == year).collect()
    }
}

/// Works out the days off of `years`.
pub(super) fn work_out(rules: &Rules, years: RangeInclusive<i32>) -> Days {
    let holidays = rules.holidays_in(&years);
    let transfers: Vec<_> = rules.transfers.iter().filter(|t| years.contains(&t.day_off.year())).collect();
    let mut off: BTreeSet<Date> = holidays.iter().map(|h| h.date).collect();
    off.extend(transfers.iter().map(|t| t.day_off));

    let mut list = Vec::with_capacity(holidays.len() + transfers.len());
    for holiday in holidays {
        if let Some(moved) = moved_day_off(&holiday, &mut off) {
            list.push(moved);
        }
        list.push(DayOff { date: holiday.date, kind: holiday.kind, name: holiday.name, moved_from: None });
    }
    for t in &transfers {
        list.push(DayOff {
            date: t.day_off,
            kind: DayOffKind::Transfer,
            name: rules.transfer_name.clone(),
            moved_from: Some(t.working_day),
        });
    }
    list.sort_by_key(|d| (d.date, d.kind));
    Days { list, off, working_weekends: transfers.iter().map(|t| t.working_day).collect() }
}

/// The day off given for `holiday` if it moves, and takes it in `off`.
fn moved_day_off(holiday: &Holiday, off: &mut BTreeSet<Date>) -> Option<DayOff> {
    if !holiday.moves || !is_weekend(holiday.date) {
        return None;
    }
    let mut date = holiday.date;
    while is_weekend(date) || off.contains(&date) {
        date = date.next_day()?;
    }
    off.insert(date);
    Some(DayOff { date, kind: DayOffKind::MovedHoliday, name: holiday.name.clone(), moved_from: Some(holiday.date) })
}

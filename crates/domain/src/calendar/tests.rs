//! The calendar as tables of dates worked out by hand (weekdays checked against a printed
//! calendar), and its properties.

use crate::complaint::Language;
use proptest::prelude::*;
use time::Date;
use time::macros::date;

use super::*;

const DATA: &str = include_str!("../../../../data/calendar.toml");

fn cal() -> &'static Calendar {
    &EMBEDDED
}

#[test]
fn embedded_data_is_valid_and_names_its_years() {
    Calendar::from_toml(DATA).expect("valid");
    assert_eq!(cal().years_with_data(), vec![2024, 2025, 2026, 2027]);
}

#[test]
fn working_days_around_the_holidays() {
    #[rustfmt::skip]
    let table: &[(Date, bool, &str)] = &[
        // New Year; Orthodox Christmas is a day off on its date, and does not move.
        (date!(2025-12-31), true, "Wednesday before New Year"),
        (date!(2026-01-01), false, "New Year, Thursday"),
        (date!(2026-01-02), false, "New Year, Friday"),
        (date!(2026-01-05), true, "Monday after New Year"),
        (date!(2026-01-07), false, "Orthodox Christmas, Wednesday"),
        (date!(2027-01-04), false, "2 January 2027 is a Saturday: moved to Monday"),
        (date!(2027-01-05), true, "Tuesday after the moved day"),
        (date!(2028-01-03), false, "1 January 2028 is a Saturday: moved to Monday"),
        (date!(2028-01-04), false, "2 January 2028 is a Sunday: moved to Tuesday"),
        (date!(2028-01-05), true, "Wednesday 5 January 2028"),
        (date!(2024-01-07), false, "Orthodox Christmas on a Sunday"),
        (date!(2024-01-08), true, "... does not give Monday off"),
        // 8 March.
        (date!(2025-03-07), true, "Friday before 8 March 2025 (a Saturday)"),
        (date!(2025-03-10), false, "8 March 2025 moved to Monday"),
        (date!(2026-03-09), false, "8 March 2026 (a Sunday) moved to Monday"),
        (date!(2026-03-10), true, "Tuesday 10 March 2026"),
        // Nauryz.
        (date!(2024-03-21), false, "Nauryz 2024, Thursday"),
        (date!(2024-03-22), false, "Nauryz 2024, Friday"),
        (date!(2024-03-25), false, "23 March 2024 (a Saturday) moved to Monday"),
        (date!(2024-03-26), true, "Tuesday 26 March 2024"),
        (date!(2026-03-20), true, "Friday before Nauryz 2026"),
        (date!(2026-03-23), false, "Nauryz 2026, Monday"),
        (date!(2026-03-24), false, "21 March 2026 (a Saturday) moved past 23 March"),
        (date!(2026-03-25), false, "22 March 2026 (a Sunday) moved next"),
        (date!(2026-03-26), true, "Thursday 26 March 2026"),
        (date!(2027-03-22), false, "Nauryz 2027, Monday"),
        (date!(2027-03-23), false, "Nauryz 2027, Tuesday"),
        (date!(2027-03-24), false, "21 March 2027 (a Sunday) moved past 22-23 March"),
        (date!(2027-03-25), true, "Thursday 25 March 2027"),
        (date!(2021-03-24), false, "21 March 2021 (a Sunday) moved to Wednesday"),
        (date!(2021-03-25), true, "Thursday 25 March 2021"),
        (date!(2025-03-24), false, "22 March 2025 (a Saturday) moved to Monday"),
        (date!(2025-03-25), false, "23 March 2025 (a Sunday) moved to Tuesday"),
        (date!(2025-03-26), true, "Wednesday 26 March 2025"),
        // May.
        (date!(2026-05-01), false, "Unity Day 2026, Friday"),
        (date!(2026-05-04), true, "Monday 4 May 2026"),
        (date!(2026-05-07), false, "Defender of the Fatherland Day 2026, Thursday"),
        (date!(2026-05-08), true, "Friday 8 May 2026"),
        (date!(2026-05-11), false, "Victory Day 2026 (a Saturday) moved to Monday"),
        (date!(2026-05-12), true, "Tuesday 12 May 2026"),
        (date!(2027-05-03), false, "1 May 2027 (a Saturday) moved to Monday"),
        (date!(2027-05-04), true, "Tuesday 4 May 2027"),
        (date!(2027-05-07), false, "7 May 2027, Friday"),
        (date!(2027-05-10), false, "9 May 2027 (a Sunday) moved to Monday"),
        (date!(2028-05-08), false, "7 May 2028 (a Sunday) moved to Monday"),
        // Kurban Ait: a day off on its date; on a Sunday it does not move.
        (date!(2026-05-27), false, "Kurban Ait 2026, Wednesday"),
        (date!(2026-05-28), true, "Thursday after Kurban Ait 2026"),
        (date!(2025-06-06), false, "Kurban Ait 2025, Friday"),
        (date!(2024-06-17), true, "Kurban Ait 2024 was a Sunday: Monday works"),
        (date!(2027-05-17), true, "Kurban Ait 2027 is a Sunday: Monday works"),
        // Summer and autumn.
        (date!(2026-07-06), false, "Capital City Day 2026, Monday"),
        (date!(2025-07-07), false, "6 July 2025 (a Sunday) moved to Monday"),
        (date!(2026-08-31), false, "30 August 2026 (a Sunday) moved to Monday"),
        (date!(2025-09-01), false, "30 August 2025 (a Saturday) moved to Monday"),
        (date!(2026-10-26), false, "25 October 2026 (a Sunday) moved to Monday"),
        (date!(2026-10-27), true, "Tuesday 27 October 2026"),
        // Independence Day.
        (date!(2026-12-15), true, "Tuesday before Independence Day 2026"),
        (date!(2026-12-16), false, "Independence Day 2026, Wednesday"),
        (date!(2026-12-17), true, "Thursday after Independence Day 2026"),
        (date!(2028-12-18), false, "16 December 2028 (a Saturday) moved to Monday"),
        (date!(2028-12-19), true, "Tuesday 19 December 2028"),
        // Plain weekends, and a year far outside the cached years.
        (date!(2026-03-14), false, "a Saturday"),
        (date!(2026-03-15), false, "a Sunday"),
        (date!(2200-03-21), false, "Nauryz 2200, Friday (worked out on demand)"),
        (date!(2200-03-24), false, "22 March 2200 (a Saturday) moved to Monday"),
        (date!(2200-03-25), false, "23 March 2200 (a Sunday) moved to Tuesday"),
        (date!(2200-03-26), true, "Wednesday 26 March 2200"),
    ];
    for &(day, working, why) in table {
        assert_eq!(cal().is_working_day(day), working, "{day}: {why}");
    }
}

#[test]
fn adds_working_days() {
    #[rustfmt::skip]
    let table: &[(Date, u32, Date, &str)] = &[
        (date!(2026-03-21), 0, date!(2026-03-21), "0 returns the day itself, even a holiday"),
        (date!(2026-03-02), 1, date!(2026-03-03), "counting starts the next day"),
        (date!(2026-03-06), 1, date!(2026-03-10), "Friday before the moved 8 March"),
        (date!(2026-03-20), 1, date!(2026-03-26), "over Nauryz 2026"),
        (date!(2027-03-19), 1, date!(2027-03-25), "over Nauryz 2027"),
        (date!(2026-03-02), 15, date!(2026-03-27), "15 working days over 9 March and Nauryz"),
        (date!(2025-12-31), 1, date!(2026-01-05), "over New Year 2026"),
        (date!(2025-12-31), 3, date!(2026-01-08), "over New Year and Orthodox Christmas"),
        (date!(2026-12-31), 1, date!(2027-01-05), "over New Year 2027 (2 January moved to the 4th)"),
        (date!(2026-12-31), 3, date!(2027-01-08), "and over 7 January 2027"),
        (date!(2026-04-30), 1, date!(2026-05-04), "over 1 May"),
        (date!(2026-05-06), 1, date!(2026-05-08), "over 7 May"),
        (date!(2026-05-08), 1, date!(2026-05-12), "over the moved 9 May"),
        (date!(2026-05-26), 1, date!(2026-05-28), "over Kurban Ait"),
        (date!(2026-12-15), 1, date!(2026-12-17), "over Independence Day"),
        (date!(2026-03-21), 1, date!(2026-03-26), "from a holiday on a Saturday"),
    ];
    for &(from, n, expected, why) in table {
        assert_eq!(cal().add_working_days(from, n), expected, "{from} + {n}: {why}");
    }
}

#[test]
fn lists_the_days_off_of_2026() {
    use DayOffKind::{MovedHoliday as M, PublicHoliday as P, Religious as R};
    #[rustfmt::skip]
    let expected: &[(Date, DayOffKind, Option<Date>, &str)] = &[
        (date!(2026-01-01), P, None, "New Year"),
        (date!(2026-01-02), P, None, "New Year"),
        (date!(2026-01-07), R, None, "Orthodox Christmas"),
        (date!(2026-03-08), P, None, "International Women's Day"),
        (date!(2026-03-09), M, Some(date!(2026-03-08)), "International Women's Day"),
        (date!(2026-03-21), P, None, "Nauryz"),
        (date!(2026-03-22), P, None, "Nauryz"),
        (date!(2026-03-23), P, None, "Nauryz"),
        (date!(2026-03-24), M, Some(date!(2026-03-21)), "Nauryz"),
        (date!(2026-03-25), M, Some(date!(2026-03-22)), "Nauryz"),
        (date!(2026-05-01), P, None, "Kazakhstan People's Unity Day"),
        (date!(2026-05-07), P, None, "Defender of the Fatherland Day"),
        (date!(2026-05-09), P, None, "Victory Day"),
        (date!(2026-05-11), M, Some(date!(2026-05-09)), "Victory Day"),
        (date!(2026-05-27), R, None, "Kurban Ait (first day)"),
        (date!(2026-07-06), P, None, "Capital City Day"),
        (date!(2026-08-30), P, None, "Constitution Day"),
        (date!(2026-08-31), M, Some(date!(2026-08-30)), "Constitution Day"),
        (date!(2026-10-25), P, None, "Republic Day"),
        (date!(2026-10-26), M, Some(date!(2026-10-25)), "Republic Day"),
        (date!(2026-12-16), P, None, "Independence Day"),
    ];
    let got: Vec<_> = cal().days_off(2026).into_iter().map(|d| (d.date, d.kind, d.moved_from, d.name.en)).collect();
    let expected: Vec<_> = expected.iter().map(|&(d, k, m, n)| (d, k, m, n.to_string())).collect();
    assert_eq!(got, expected);
    assert!(cal().working_weekend_days(2026).is_empty());
}

#[test]
#[rustfmt::skip] // keeps date!(YYYY-MM-DD) readable
fn christmas_on_a_sunday_is_listed_but_not_moved() {
    let days = cal().days_off(2024);
    assert!(days.iter().any(|d| d.date == date!(2024-01-07) && d.kind == DayOffKind::Religious));
    assert!(!days.iter().any(|d| d.moved_from == Some(date!(2024-01-07))));
    assert!(!days.iter().any(|d| d.moved_from == Some(date!(2024-06-16))), "Kurban Ait 2024 (Sunday) does not move");
}

#[test]
#[rustfmt::skip] // keeps date!(YYYY-MM-DD) readable
fn a_day_off_serializes_for_the_api() {
    let day = cal().days_off(2026).into_iter().find(|d| d.date == date!(2026-03-24)).expect("listed");
    let json = serde_json::to_value(&day).expect("serializes");
    assert_eq!(json["date"], "2026-03-24");
    assert_eq!(json["kind"], "moved_holiday");
    assert_eq!(json["moved_from"], "2026-03-21");
    assert_eq!(json["name"]["ru"], "Наурыз мейрамы");
    let plain = cal().days_off(2026).into_iter().next().expect("listed");
    assert!(serde_json::to_value(&plain).expect("serializes").get("moved_from").is_none());
}

#[test]
#[rustfmt::skip] // keeps date!(YYYY-MM-DD) readable
fn names_in_each_language() {
    let day = cal().days_off(2026).into_iter().find(|d| d.date == date!(2026-12-16)).expect("listed");
    assert_eq!(day.name.get(Language::Kk), "Тәуелсіздік күні");
    assert_eq!(day.name.get(Language::Ru), "День Независимости");
    assert_eq!(day.name.get(Language::En), "Independence Day");
}

/// A small calendar with a transfer: Saturday 7 March 2026 works, Monday 9 March is off; so 8
/// March (Sunday) moves on to Tuesday 10 March.
const WITH_TRANSFER: &str = r#"
transfer_name = { kk = "ауыстыру", ru = "перенос", en = "transfer" }

[[holiday]]
month = 3
days = [8]
kind = "public_holiday"
moves = true
name = { kk = "8 наурыз", ru = "8 марта", en = "8 March" }

[[year]]
year = 2026
days = {}
transfers = [{ working_day = 2026-03-07, day_off = 2026-03-09 }]
"#;

#[test]
#[rustfmt::skip] // keeps date!(YYYY-MM-DD) readable
fn a_transfer_swaps_a_saturday_for_a_weekday_and_moved_days_go_around_it() {
    let cal = Calendar::from_toml(WITH_TRANSFER).expect("valid");
    assert!(cal.is_working_day(date!(2026-03-07)), "the working Saturday");
    assert!(!cal.is_working_day(date!(2026-03-09)), "the transferred day off");
    assert!(!cal.is_working_day(date!(2026-03-10)), "8 March moved past the transfer");
    assert!(cal.is_working_day(date!(2026-03-11)));
    assert_eq!(cal.add_working_days(date!(2026-03-06), 1), date!(2026-03-07));
    assert_eq!(cal.working_weekend_days(2026), vec![date!(2026-03-07)]);
    let transfer = cal.days_off(2026).into_iter().find(|d| d.kind == DayOffKind::Transfer).expect("listed");
    assert_eq!((transfer.date, transfer.moved_from), (date!(2026-03-09), Some(date!(2026-03-07))));
    assert_eq!(cal.years_with_data(), vec![2026]);
}

#[test]
fn refuses_bad_data_and_says_what_is_wrong() {
    #[rustfmt::skip]
    let table: &[(&str, &str, &str)] = &[
        ("kurban_ait = 2026-05-27", "kurban_ait = 2026-02-30", "day between 01 and 28"),
        ("month = 8\ndays = [30]", "month = 2\ndays = [30]", "February 30 is not a date of every year"),
        ("month = 8\ndays = [30]", "month = 2\ndays = [29]", "February 29 is not a date of every year"),
        ("month = 8\ndays = [30]", "month = 13\ndays = [30]", "month 13 does not exist"),
        ("month = 8\ndays = [30]", "month = 8\ndays = []", "holiday #8 (Constitution Day): days is empty"),
        ("month = 8\ndays = [30]", "month = 7\ndays = [6]", "holiday #8 (Constitution Day): July 6 is already a holiday"),
        ("kind = \"religious\"\nmoves = false\nname = { kk = \"Православиелік", "kind = \"holy\"\nmoves = false\nname = { kk = \"Православиелік", "unknown variant `holy`"),
        ("kind = \"religious\"\nmoves = false\nname = { kk = \"Православиелік", "kind = \"moved_holiday\"\nmoves = false\nname = { kk = \"Православиелік", "unknown variant `moved_holiday`"),
        ("kurban_ait = 2026-05-27", "kurban = 2026-05-27", "year 2026: unknown day \"kurban\" (known: kurban_ait)"),
        ("days = { kurban_ait = 2026-05-27 }", "days = {}", "year 2026: no date for \"kurban_ait\""),
        ("kurban_ait = 2026-05-27", "kurban_ait = 2025-05-27", "year 2026: the date of \"kurban_ait\" (2025-05-27) is not in 2026"),
        ("kurban_ait = 2026-05-27", "kurban_ait = 2026-05-27T10:00:00", "must be a date (YYYY-MM-DD)"),
        ("year = 2027", "year = 2026", "year 2026 is listed twice"),
        ("en = \"Day off moved by government decree\"", "en = \" \"", "transfer_name: name.en is empty"),
        ("kind = \"public_holiday\"\nmoves = true\n", "kind = \"public_holiday\"\n", "missing field `moves`"),
        ("moves = true\n", "moves = true\nmoved = false\n", "unknown field `moved`"),
        ("year = 2026\ndays = { kurban_ait = 2026-05-27 }", "year = 2026\nday = { kurban_ait = 2026-05-27 }", "unknown field `day`"),
    ];
    for &(from, to, expected) in table {
        let text = DATA.replacen(from, to, 1);
        assert_ne!(text, DATA, "the fixture {from:?} is in the data");
        let err = Calendar::from_toml(&text).expect_err(expected);
        assert_eq!(err.file, "calendar.toml");
        assert!(err.message.contains(expected), "expected {expected:?} in: {err}");
    }
}

#[test]
fn refuses_transfers_that_do_not_swap_a_weekend_day_for_a_weekday() {
    #[rustfmt::skip]
    let table: &[(&str, &str)] = &[
        ("{ working_day = 2026-03-06, day_off = 2026-03-09 }", "working_day 2026-03-06 is not a Saturday or Sunday"),
        ("{ working_day = 2026-03-07, day_off = 2026-03-08 }", "day_off 2026-03-08 is a Saturday or Sunday"),
        ("{ working_day = 2026-03-07, day_off = 2026-03-09 }, { working_day = 2026-03-14, day_off = 2026-03-09 }", "two transfers give the same day off"),
        ("{ working_day = 2026-03-07 }", "missing field `day_off`"),
    ];
    for &(transfers, expected) in table {
        let text = WITH_TRANSFER.replace("{ working_day = 2026-03-07, day_off = 2026-03-09 }", transfers);
        let err = Calendar::from_toml(&text).expect_err(expected);
        assert!(err.message.contains(expected), "expected {expected:?} in: {err}");
    }
}

/// Any day from 2000 to 2100 (the cached years and their edges).
#[rustfmt::skip]
fn any_date() -> impl Strategy<Value = Date> {
    (0i64..36_890).prop_map(|n| date!(2000-01-01) + time::Duration::days(n))
}

proptest! {
    #[test]
    fn adding_n_then_m_working_days_is_adding_n_plus_m(from in any_date(), n in 0u32..40, m in 0u32..40) {
        let cal = cal();
        prop_assert_eq!(cal.add_working_days(cal.add_working_days(from, n), m), cal.add_working_days(from, n + m));
    }

    #[test]
    fn adding_working_days_lands_on_a_later_working_day(from in any_date(), n in 1u32..40) {
        let to = cal().add_working_days(from, n);
        prop_assert!(to > from);
        prop_assert!(cal().is_working_day(to));
    }

    #[test]
    fn the_cache_agrees_with_working_out_one_year(day in any_date()) {
        let cal = cal();
        let one_year = days::work_out(&cal.rules, around(&(day.year()..=day.year())));
        let working = if is_weekend(day) { one_year.is_working_weekend(day) } else { !one_year.is_off(day) };
        prop_assert_eq!(cal.is_working_day(day), working);
        prop_assert_eq!(cal.days_off(day.year()), one_year.in_year(day.year()).to_vec());
    }
}

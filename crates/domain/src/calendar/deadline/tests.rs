//! Deadlines as tables worked out by hand on the 2026 calendar, and their properties.

use proptest::prelude::*;
use time::macros::datetime;

use super::*;

const DATA: &str = include_str!("../../../../../data/deadlines.toml");

fn cal() -> &'static Calendar {
    &super::super::EMBEDDED
}

fn policies() -> &'static DeadlinePolicies {
    &EMBEDDED
}

#[test]
fn embedded_policies_follow_article_76() {
    use DeadlineKind::*;
    use DeadlineSpan::{Minutes as Min, WorkingDays as Wd};
    use Priority::*;
    DeadlinePolicies::from_toml(DATA).expect("valid");
    #[rustfmt::skip]
    let table: &[(DeadlineKind, Priority, DeadlineSpan)] = &[
        (Acknowledgment, Emergency, Min(15)), (Acknowledgment, High, Min(60)),
        (Acknowledgment, Normal, Wd(1)), (Acknowledgment, Low, Wd(1)),
        (ActionReport, Emergency, Wd(15)), (ActionReport, High, Wd(15)),
        (ActionReport, Normal, Wd(15)), (ActionReport, Low, Wd(15)),
        (Forwarding, Emergency, Min(0)), (Forwarding, High, Wd(3)),
        (Forwarding, Normal, Wd(3)), (Forwarding, Low, Wd(3)),
        (ExtensionNotice, Emergency, Wd(3)), (ExtensionNotice, High, Wd(3)),
        (ExtensionNotice, Normal, Wd(3)), (ExtensionNotice, Low, Wd(3)),
    ];
    for &(kind, priority, span) in table {
        assert_eq!(policies().span(kind, priority), span, "{kind:?} {priority:?}");
    }
    assert_eq!(policies().max_extension_months(), 2);
}

#[test]
fn due_times() {
    use DeadlineKind::*;
    use Priority::*;
    #[rustfmt::skip]
    let table: &[(DeadlineKind, Priority, OffsetDateTime, OffsetDateTime, &str)] = &[
        (Acknowledgment, Emergency, datetime!(2026-03-20 10:00 UTC), datetime!(2026-03-20 10:15 UTC), "15 minutes"),
        (Acknowledgment, High, datetime!(2026-03-20 10:00 UTC), datetime!(2026-03-20 11:00 UTC), "an hour"),
        (Acknowledgment, Normal, datetime!(2026-03-20 10:00 UTC), datetime!(2026-03-26 23:59:59 +5), "Friday before Nauryz 2026"),
        (Acknowledgment, Low, datetime!(2026-03-20 10:00 UTC), datetime!(2026-03-26 23:59:59 +5), "low as normal"),
        (Acknowledgment, Normal, datetime!(2026-03-19 18:00 UTC), datetime!(2026-03-20 23:59:59 +5), "23:00 Thursday in Almaty"),
        (Acknowledgment, Normal, datetime!(2026-03-19 19:30 UTC), datetime!(2026-03-26 23:59:59 +5), "00:30 Friday in Almaty"),
        (Acknowledgment, Normal, datetime!(2026-03-14 10:00 +5), datetime!(2026-03-16 23:59:59 +5), "received on a Saturday"),
        (ActionReport, Normal, datetime!(2026-03-02 09:00 +5), datetime!(2026-03-27 23:59:59 +5), "15 working days over 9 March and Nauryz"),
        (ActionReport, Emergency, datetime!(2026-03-02 09:00 +5), datetime!(2026-03-27 23:59:59 +5), "the same for every priority"),
        (ActionReport, Normal, datetime!(2026-05-20 12:00 +5), datetime!(2026-06-11 23:59:59 +5), "over Kurban Ait 2026"),
        (Forwarding, Emergency, datetime!(2026-03-20 10:00:30 UTC), datetime!(2026-03-20 10:00:30 UTC), "at once"),
        (Forwarding, High, datetime!(2025-12-31 12:00 +5), datetime!(2026-01-08 23:59:59 +5), "over New Year and Christmas"),
        (ExtensionNotice, Normal, datetime!(2026-03-20 12:00 +5), datetime!(2026-03-30 23:59:59 +5), "over Nauryz and a weekend"),
    ];
    for &(kind, priority, received, expected, why) in table {
        let got = due(cal(), policies(), kind, priority, received);
        assert_eq!(got, expected, "{kind:?} {priority:?} from {received}: {why}");
        assert_eq!(got.offset(), UtcOffset::UTC, "returned in UTC");
    }
}

#[test]
fn extension_caps() {
    #[rustfmt::skip]
    let table: &[(OffsetDateTime, OffsetDateTime, &str)] = &[
        (datetime!(2026-03-02 10:00 +5), datetime!(2026-05-02 23:59:59 +5), "two calendar months"),
        (datetime!(2026-03-31 12:00 +5), datetime!(2026-05-31 23:59:59 +5), "31 March to 31 May"),
        (datetime!(2026-03-31 20:00 UTC), datetime!(2026-06-01 23:59:59 +5), "already 1 April in Almaty"),
        (datetime!(2026-12-30 12:00 +5), datetime!(2027-02-28 23:59:59 +5), "end of a short February"),
        (datetime!(2027-12-31 12:00 +5), datetime!(2028-02-29 23:59:59 +5), "end of a leap February"),
        (datetime!(2026-11-15 12:00 +5), datetime!(2027-01-15 23:59:59 +5), "into the next year"),
    ];
    for &(received, expected, why) in table {
        let got = extension_cap(policies(), received);
        assert_eq!(got, expected, "{received}: {why}");
        assert_eq!(got.offset(), UtcOffset::UTC);
    }
}

#[test]
fn extensions() {
    let received = datetime!(2026-03-02 10:00 +5);
    let current = datetime!(2026-03-27 23:59:59 +5);
    let cap = datetime!(2026-05-02 23:59:59 +5);
    #[rustfmt::skip]
    let table: &[(OffsetDateTime, Result<OffsetDateTime, ExtensionError>)] = &[
        (datetime!(2026-04-15 23:59:59 +5), Ok(datetime!(2026-04-15 18:59:59 UTC))),
        (cap, Ok(cap)),
        (cap + Duration::seconds(1), Err(ExtensionError::PastCap { cap })),
        (current, Err(ExtensionError::NotLater)),
        (datetime!(2026-03-20 12:00 +5), Err(ExtensionError::NotLater)),
    ];
    for &(requested, expected) in table {
        assert_eq!(extend(policies(), received, current, requested), expected, "{requested}");
    }
}

#[test]
fn a_refused_extension_is_a_validation_error_on_due_at() {
    let cap = datetime!(2026-05-02 18:59:59 UTC);
    let Error::Validation(errors) = Error::from(ExtensionError::PastCap { cap }) else { panic!("a validation error") };
    assert_eq!(errors.len(), 1);
    assert_eq!((errors[0].field.as_str(), errors[0].code), ("due_at", "past_cap"));
    assert!(errors[0].message.contains("2026-05-02"), "{}", errors[0].message);
    let Error::Validation(errors) = Error::from(ExtensionError::NotLater) else { panic!("a validation error") };
    assert_eq!((errors[0].field.as_str(), errors[0].code), ("due_at", "not_later"));
}

#[test]
fn refuses_bad_policies_and_says_what_is_wrong() {
    #[rustfmt::skip]
    let table: &[(&str, &str, &str)] = &[
        ("emergency = { minutes = 15 }", "emergency = { minutes = 15, working_days = 1 }", "acknowledgment.emergency: give either minutes or working_days"),
        ("emergency = { minutes = 15 }", "emergency = {}", "acknowledgment.emergency: give either minutes or working_days"),
        ("emergency = { working_days = 15 }", "emergency = { working_days = 0 }", "action_report.emergency: working_days must be from 1 to 250"),
        ("high = { minutes = 60 }", "high = { minutes = 50000 }", "acknowledgment.high: more than 44640 minutes"),
        ("high = { minutes = 60 }", "high = { working_days = 2 }", "acknowledgment: high (2 working days) could end later than normal (1 working day)"),
        ("high = { minutes = 60 }", "high = { minutes = 10 }", "acknowledgment: emergency (15 minutes) could end later than high (10 minutes)"),
        ("emergency = { minutes = 0 }", "emergency = { minutes = 1440 }", "forwarding: emergency (1440 minutes) could end later than high (3 working days)"),
        ("minutes = 15", "minutes = -15", "invalid value: integer `-15`"),
        ("low = { working_days = 1 }", "lowest = { working_days = 1 }", "unknown field `lowest`"),
        ("[forwarding]", "[forward]", "unknown field `forward`"),
        ("max_total_months = 2", "max_total_months = 0", "extension.max_total_months must be from 1 to 12"),
    ];
    for &(from, to, expected) in table {
        let text = DATA.replacen(from, to, 1);
        assert_ne!(text, DATA, "the fixture {from:?} is in the data");
        let err = DeadlinePolicies::from_toml(&text).expect_err(expected);
        assert_eq!(err.file, "deadlines.toml");
        assert!(err.message.contains(expected), "expected {expected:?} in: {err}");
    }
}

/// Any time from 2024 to 2030.
fn any_time() -> impl Strategy<Value = OffsetDateTime> {
    (1_704_067_200i64..1_924_992_000).prop_map(|s| OffsetDateTime::from_unix_timestamp(s).expect("in range"))
}

fn any_kind() -> impl Strategy<Value = DeadlineKind> {
    prop::sample::select(DeadlineKind::ALL)
}

fn any_priority() -> impl Strategy<Value = Priority> {
    prop::sample::select(Priority::ALL)
}

proptest! {
    #[test]
    fn a_working_day_deadline_ends_at_the_end_of_a_working_day(received in any_time(), n in 1u32..40) {
        let end = local(working_day_deadline(cal(), received, n));
        prop_assert!(cal().is_working_day(end.date()));
        prop_assert_eq!(end.time(), time!(23:59:59));
        prop_assert!(end > received + Duration::hours(23));
    }

    #[test]
    fn every_due_time_is_on_time_or_on_a_working_day(received in any_time(), kind in any_kind(), priority in any_priority()) {
        let end = due(cal(), policies(), kind, priority, received);
        prop_assert!(end >= received);
        if let DeadlineSpan::WorkingDays(_) = policies().span(kind, priority) {
            prop_assert!(cal().is_working_day(local(end).date()));
        }
    }

    #[test]
    fn a_more_urgent_deadline_is_never_later(received in any_time(), kind in any_kind()) {
        let times: Vec<_> = Priority::ALL.iter().map(|&p| due(cal(), policies(), kind, p, received)).collect();
        for pair in times.windows(2) {
            prop_assert!(pair[0] <= pair[1], "{:?}: {} then {}", kind, pair[0], pair[1]);
        }
    }

    #[test]
    fn an_extension_never_passes_the_cap(received in any_time(), later in 0i64..(120 * 86_400)) {
        let current = due(cal(), policies(), DeadlineKind::ActionReport, Priority::Normal, received);
        let requested = received + Duration::seconds(later);
        let cap = extension_cap(policies(), received);
        match extend(policies(), received, current, requested) {
            Ok(new) => prop_assert!(new > current && new <= cap && new == requested),
            Err(ExtensionError::PastCap { cap: said }) => prop_assert!(requested > cap && said == cap),
            Err(ExtensionError::NotLater) => prop_assert!(requested <= current),
        }
    }

    #[test]
    fn the_cap_is_later_than_the_action_report(received in any_time(), priority in any_priority()) {
        let report = due(cal(), policies(), DeadlineKind::ActionReport, priority, received);
        prop_assert!(report < extension_cap(policies(), received));
    }
}

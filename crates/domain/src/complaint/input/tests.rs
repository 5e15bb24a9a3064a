//! Validation as a table: an input, and the field errors (or the complaint) it yields.

use super::*;
use crate::complaint::{Reporter, Sex};
use crate::iin::Iin;
use crate::taxonomy::Taxonomy;
use serde_json::json;
use time::macros::{date, datetime};

const NOW: OffsetDateTime = datetime!(2026-11-25 10:00 UTC);

fn minimal() -> Value {
    json!({"channel":"web","region":"KZ-71","language":"ru","narrative":"…","reporter":{"anonymous":true},"victims":[{"age":9,"sex":"female"}]})
}

fn validate(body: &Value) -> Result<NewComplaint, Error> {
    ComplaintInput::from_json(body.to_string().as_bytes())?.validate(NOW, &Taxonomy::embedded())
}

/// The fields and codes of the errors a body gets, in order.
fn errors(body: Value) -> Vec<(String, &'static str)> {
    match validate(&body) {
        Err(Error::Validation(errors)) => errors.into_iter().map(|e| (e.field, e.code)).collect(),
        other => panic!("expected field errors for {body}, got {other:?}"),
    }
}

fn with(patch: Value) -> Value {
    let mut body = minimal();
    for (k, v) in patch.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

#[test]
fn the_minimal_request_is_accepted_as_it_stands() {
    let c = validate(&minimal()).unwrap();
    assert_eq!(c.channel, Channel::Web);
    assert_eq!(c.region.code, "KZ-71");
    assert_eq!(c.language, Language::Ru);
    assert_eq!(c.narrative, "…");
    assert_eq!(c.reporter, Reporter::Anonymous);
    assert_eq!(c.victims.len(), 1);
    assert_eq!(c.victims[0].sex, Sex::Female);
    assert_eq!(c.victims[0].minor, Some(true));
    assert!(c.perpetrators.is_empty());
}

#[test]
fn every_bad_field_is_reported_at_once() {
    let body = json!({
        "channel": "fax", "region": "KZ-99", "language": 7, "narrative": "  ",
        "locality": "x".repeat(201),
        "victims": [{"age": 200, "sex": "robot"}, "nine", {"birth_year": 1800}],
        "perpetrators": {"relation": "father"},
    });
    assert_eq!(
        errors(body),
        [
            ("channel".into(), "unknown_value"),
            ("region".into(), "unknown_value"),
            ("language".into(), "unknown_value"),
            ("narrative".into(), "required"),
            ("locality".into(), "too_long"),
            ("victims[0].age".into(), "out_of_range"),
            ("victims[0].sex".into(), "unknown_value"),
            ("victims[1]".into(), "expected_object"),
            ("victims[2].birth_year".into(), "out_of_range"),
            ("perpetrators".into(), "expected_list"),
        ]
    );
}

#[test]
fn bodies_that_are_not_objects_are_one_error() {
    for (body, code) in [("[1,2]", "expected_object"), ("{\"channel\":", "invalid_json"), ("\"web\"", "expected_object")] {
        match ComplaintInput::from_json(body.as_bytes()) {
            Err(Error::Validation(e)) => assert_eq!((e[0].field.as_str(), e[0].code), ("body", code), "{body}"),
            other => panic!("{body}: {other:?}"),
        }
    }
}

#[test]
fn field_rules() {
    let cases: Vec<(Value, Vec<(&str, &str)>)> = vec![
        (with(json!({"narrative": "x".repeat(10_001)})), vec![("narrative", "too_long")]),
        (with(json!({"narrative": 5})), vec![("narrative", "expected_text")]),
        (with(json!({"victims": [{"age": "nine"}]})), vec![("victims[0].age", "expected_number")]),
        (with(json!({"victims": [{"age": 9.5}]})), vec![("victims[0].age", "expected_number")]),
        (with(json!({"victims": [{"age": 30, "minor": true}]})), vec![("victims[0].minor", "conflict")]),
        (with(json!({"victims": [{"age": 9, "birth_year": 1990}]})), vec![("victims[0].birth_year", "conflict")]),
        (with(json!({"victims": [{"birth_year": 2027}]})), vec![("victims[0].birth_year", "out_of_range")]),
        (with(json!({"victims": [{"disability": "yes"}]})), vec![("victims[0].disability", "expected_boolean")]),
        (with(json!({"victims": vec![json!({}); 21]})), vec![("victims", "too_many")]),
        (with(json!({"perpetrators": [{"relation": "dragon"}]})), vec![("perpetrators[0].relation", "unknown_value")]),
        (with(json!({"reporter": "me"})), vec![("reporter", "expected_object")]),
        (with(json!({"reporter": {"anonymous": true, "name": "Synthetic Name"}})), vec![("reporter.anonymous", "conflict")]),
        (with(json!({"reporter": {"anonymous": false}})), vec![("reporter.name", "required")]),
        (with(json!({"reporter": {"name": "Test Person", "consent_to_contact": true}})), vec![("reporter.phone", "required")]),
        (with(json!({"reporter": {"phone": "call me"}})), vec![("reporter.phone", "invalid_phone")]),
        (with(json!({"reporter": {"phone": "12"}})), vec![("reporter.phone", "invalid_phone")]),
        (with(json!({"reporter": {"relation": "boss", "name": "Test"}})), vec![("reporter.relation", "unknown_value")]),
        (
            with(json!({"categories": ["battery", "nonsense", "battery"]})),
            vec![("categories[1]", "unknown_value"), ("categories[2]", "duplicate")],
        ),
        (with(json!({"categories": "battery"})), vec![("categories", "expected_list")]),
        (with(json!({"address": "x".repeat(501)})), vec![("address", "too_long")]),
        (with(json!({"address": ["Synthetic street"]})), vec![("address", "expected_text")]),
        (with(json!({"victims": [{"name": "x".repeat(201)}]})), vec![("victims[0].name", "too_long")]),
        (with(json!({"victims": [{"iin": "850314401237"}]})), vec![("victims[0].iin", "invalid_iin")]),
        (with(json!({"victims": [{"iin": 850314401236u64}]})), vec![("victims[0].iin", "expected_text")]),
        (with(json!({"victims": [{"iin": "x".repeat(201)}]})), vec![("victims[0].iin", "too_long")]),
        // Born 15 July 2005: 21 in 2026.
        (with(json!({"victims": [{"iin": "050715600421", "minor": true}]})), vec![("victims[0].minor", "conflict")]),
        (with(json!({"perpetrators": [{"name": 7}]})), vec![("perpetrators[0].name", "expected_text")]),
        (with(json!({"reporter": {"anonymous": true, "iin": "850314401236"}})), vec![("reporter.anonymous", "conflict")]),
        (with(json!({"reporter": {"iin": "85031440123"}})), vec![("reporter.iin", "invalid_iin")]),
        (
            with(json!({"reporter": {"name": "Synthetic Name", "iin": "850314401237"}, "victims": [{"iin": "851314401236"}]})),
            vec![("reporter.iin", "invalid_iin"), ("victims[0].iin", "invalid_iin")],
        ),
        (
            with(json!({"triage": {"answers": {"threats_to_kill": "yes"}}})),
            vec![("triage.answers.threats_to_kill", "expected_boolean")],
        ),
    ];
    for (body, expected) in cases {
        let expected: Vec<(String, &str)> = expected.into_iter().map(|(f, c)| (f.to_owned(), c)).collect();
        assert_eq!(errors(body.clone()), expected, "{body}");
    }
}

#[test]
fn minors_are_derived_from_age_or_birth_year() {
    let cases = [
        (json!({"age": 17}), Some(true)),
        (json!({"age": 18}), Some(false)),
        (json!({"birth_year": 2008}), Some(true)), // turns 18 in 2026: counted as a minor
        (json!({"birth_year": 2007}), Some(false)),
        (json!({"minor": true}), Some(true)),
        (json!({}), None),
    ];
    for (victim, minor) in cases {
        let c = validate(&with(json!({ "victims": [victim.clone()] }))).unwrap();
        assert_eq!(c.victims[0].minor, minor, "{victim}");
    }
}

#[test]
fn phones_are_normalised_to_e164() {
    let cases = [
        ("+7 701 123 45 67", "+77011234567"),
        ("8 (701) 123-45-67", "+77011234567"),
        ("87011234567", "+77011234567"),
        ("7011234567", "+77011234567"),
        ("+49 30 1234567", "+49301234567"),
    ];
    for (raw, e164) in cases {
        let c = validate(&with(json!({"reporter": {"phone": raw}}))).unwrap();
        let Reporter::Identified(contact) = c.reporter else { panic!("{raw}: anonymous") };
        assert_eq!(contact.phone.as_deref(), Some(e164), "{raw}");
    }
}

#[test]
fn reporters_are_contacted_only_with_consent_and_safety() {
    let reporter = |r: Value| validate(&with(json!({ "reporter": r }))).unwrap().reporter;
    assert!(!reporter(json!({"anonymous": true})).may_be_contacted());
    assert!(!reporter(json!({"phone": "87011234567", "consent_to_contact": true})).may_be_contacted());
    assert!(reporter(json!({"phone": "87011234567", "consent_to_contact": true, "safe_to_contact": true})).may_be_contacted());
    assert_eq!(reporter(json!({})), Reporter::Anonymous);
    assert_eq!(
        validate(&{
            let mut b = minimal();
            b.as_object_mut().unwrap().remove("reporter");
            b
        })
        .unwrap()
        .reporter,
        Reporter::Anonymous
    );
}

#[test]
fn error_messages_never_repeat_the_value() {
    let secret = "Synthetic-Secret-Text";
    let body = with(json!({
        "reporter": {"phone": secret, "iin": secret}, "channel": secret, "victims": [{"sex": secret, "iin": "850314401237"}],
    }));
    let Err(Error::Validation(errors)) = validate(&body) else { panic!() };
    for e in errors {
        assert!(!e.message.contains(secret) && !e.message.contains("850314"), "{e:?}");
    }
}

#[test]
fn personal_fields_are_trimmed_and_normalised() {
    let body = with(json!({
        "address": "  Synthetic street 1, flat 2  ",
        "reporter": {"name": " Synthetic Reporter ", "iin": "850314 4012-36"},
        "victims": [{"name": "Synthetic Victim", "iin": " 050715600421 ", "sex": "female"}, {"name": "  "}],
        "perpetrators": [{"name": "Synthetic Perpetrator", "relation": "stranger"}, {}],
    }));
    let c = validate(&body).unwrap();
    assert_eq!(c.address.as_deref(), Some("Synthetic street 1, flat 2"));
    let Reporter::Identified(contact) = c.reporter else { panic!("anonymous") };
    assert_eq!((contact.name.as_deref(), contact.iin.as_deref()), (Some("Synthetic Reporter"), Some("850314401236")));
    assert_eq!((c.victims[0].name.as_deref(), c.victims[0].iin.as_deref()), (Some("Synthetic Victim"), Some("050715600421")));
    assert_eq!((c.victims[1].name.as_deref(), c.victims[1].iin.as_deref()), (None, None));
    assert_eq!(c.perpetrators[0].name.as_deref(), Some("Synthetic Perpetrator"));
    assert_eq!(c.perpetrators[1].name, None);
}

#[test]
fn blank_and_absent_personal_fields_are_not_given() {
    let c = validate(&with(json!({"address": " \t "}))).unwrap();
    assert_eq!(c.address, None);
    assert_eq!(validate(&minimal()).unwrap().address, None);
    let longest = "x".repeat(limits::ADDRESS_CHARS);
    assert_eq!(validate(&with(json!({ "address": longest }))).unwrap().address, Some(longest));
}

#[test]
fn an_iin_alone_identifies_a_reporter() {
    let c = validate(&with(json!({"reporter": {"iin": "850314401236"}}))).unwrap();
    let Reporter::Identified(contact) = c.reporter else { panic!("anonymous") };
    assert_eq!(contact.iin.as_deref(), Some("850314401236"));
    assert!(!Reporter::Identified(contact).may_be_contacted(), "no phone");
}

#[test]
fn iin_errors_say_what_is_wrong() {
    let cases = [
        ("85031440123", "an IIN has exactly 12 digits"),
        ("85031440123O", "an IIN has only digits (spaces or hyphens may separate them)"),
        ("850314901236", "the 7th digit (century and sex) must be from 1 to 6"),
        ("850231401236", "the first 6 digits are not a real date of birth (YYMMDD)"),
        ("850314401237", "the check digit does not match"),
    ];
    for (iin, message) in cases {
        let Err(Error::Validation(e)) = validate(&with(json!({"victims": [{ "iin": iin }]}))) else { panic!("{iin}") };
        assert_eq!((e[0].field.as_str(), e[0].code, e[0].message.as_str()), ("victims[0].iin", "invalid_iin", message));
    }
}

#[test]
#[rustfmt::skip] // keeps date!(YYYY-MM-DD) readable
fn the_birth_year_comes_from_the_iin_only_when_no_age_is_given() {
    let minor_iin = Iin::synthetic(date!(2012-05-01), Sex::Female, 1).unwrap();
    let future_iin = Iin::synthetic(date!(2090-01-01), Sex::Male, 1).unwrap();
    let cases = [
        (json!({"iin": "050715600421"}), None, Some(2005), Some(false)),
        (json!({"iin": minor_iin.as_str()}), None, Some(2012), Some(true)),
        (json!({"iin": "050715600421", "age": 30}), Some(30), None, Some(false)),
        (json!({"iin": "050715600421", "birth_year": 1990}), None, Some(1990), Some(false)),
        // Before 1900, or after this year: not a birth year `birth_year` would take.
        (json!({"iin": "991231200077"}), None, None, None),
        (json!({"iin": future_iin.as_str(), "minor": true}), None, None, Some(true)),
    ];
    for (victim, age, birth_year, minor) in cases {
        let c = validate(&with(json!({ "victims": [victim.clone()] }))).unwrap();
        let v = &c.victims[0];
        assert_eq!((v.age, v.birth_year, v.minor), (age, birth_year, minor), "{victim}");
    }
}

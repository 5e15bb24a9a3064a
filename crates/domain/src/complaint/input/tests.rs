//! Validation as a table: an input, and the field errors (or the complaint) it yields.

use super::*;
use crate::complaint::{Reporter, Sex};
use crate::taxonomy::Taxonomy;
use serde_json::json;
use time::macros::datetime;

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
    let body = with(json!({"reporter": {"phone": secret}, "channel": secret, "victims": [{"sex": secret}]}));
    let Err(Error::Validation(errors)) = validate(&body) else { panic!() };
    for e in errors {
        assert!(!e.message.contains(secret), "{e:?}");
    }
}

//! Validation as tables (an input, and the report or the field errors it yields) and the
//! stored JSON's round trip.

use serde_json::json;
use time::macros::date;

use super::*;

const TODAY: Date = date!(2026 - 11 - 25);

fn validate(body: &Value) -> Result<ActionReport, Error> {
    ActionReportInput::from_json(body.to_string().as_bytes())?.validate(TODAY)
}

/// The fields and codes of the errors a body gets, in order.
fn errors(body: &Value) -> Vec<(String, &'static str)> {
    match validate(body) {
        Err(Error::Validation(errors)) => errors.into_iter().map(|e| (e.field, e.code)).collect(),
        other => panic!("expected field errors for {body}, got {other:?}"),
    }
}

/// A report of these actions, valid otherwise.
fn with_actions(actions: Value) -> Value {
    json!({"actions": actions, "results": "Done."})
}

fn order(number: &str, issued_on: &str, term_days: u16) -> Action {
    Action::ProtectiveOrder { number: number.into(), issued_on: Date::parse(issued_on, DATE_FORMAT).unwrap(), term_days }
}

#[test]
fn each_kind_of_action_is_read() {
    #[rustfmt::skip]
    let table: Vec<(Value, Action)> = vec![
        (json!({"kind": "home_visit"}), Action::HomeVisit),
        (json!({"kind": " home_visit ", "number": "ignored"}), Action::HomeVisit),
        (json!({"kind": "protective_order", "number": " PO-17 ", "issued_on": "2026-11-20", "term_days": 30}), order("PO-17", "2026-11-20", 30)),
        (json!({"kind": "protective_order", "number": "1", "issued_on": "2026-11-25", "term_days": 1}), order("1", "2026-11-25", 1)),
        (json!({"kind": "protective_order", "number": "x".repeat(50), "issued_on": "2024-02-29", "term_days": 365}), order(&"x".repeat(50), "2024-02-29", 365)),
        (json!({"kind": "criminal_case", "registration_number": "267100031000123"}), Action::CriminalCase { registration_number: "267100031000123".into() }),
        (json!({"kind": "administrative_protocol", "article": "73"}), Action::AdministrativeProtocol { article: "73".into() }),
        (json!({"kind": "family_support_referral"}), Action::FamilySupportReferral),
        (json!({"kind": "shelter"}), Action::Shelter),
        (json!({"kind": "medical_help"}), Action::MedicalHelp),
        (json!({"kind": "psychological_help"}), Action::PsychologicalHelp),
        (json!({"kind": "legal_consultation"}), Action::LegalConsultation),
        (json!({"kind": "child_protection"}), Action::ChildProtection),
        (json!({"kind": "no_grounds", "reasons": "The family had moved away."}), Action::NoGrounds { reasons: "The family had moved away.".into() }),
    ];
    let kinds: std::collections::BTreeSet<_> = table.iter().map(|(_, a)| a.kind().as_str()).collect();
    assert_eq!(kinds.len(), ActionKind::ALL.len(), "an example of every kind");
    for (item, expected) in table {
        let report = validate(&with_actions(json!([item]))).unwrap_or_else(|e| panic!("{item}: {e:?}"));
        assert_eq!(report.actions, [expected], "{item}");
    }
}

#[test]
fn a_full_report_keeps_every_field_trimmed() {
    let body = json!({
        "actions": [{"kind": "home_visit"}, {"kind": "criminal_case", "registration_number": "267100031000123"}, {"kind": "home_visit"}],
        "results": "  The perpetrator was detained.  ",
        "follow_up_on": "2026-11-25",
        "narrative": " Visited twice. ",
    });
    let report = validate(&body).unwrap();
    assert_eq!(report.actions.len(), 3);
    assert_eq!(report.results, "The perpetrator was detained.");
    assert_eq!(report.follow_up_on, Some(TODAY));
    assert_eq!(report.narrative.as_deref(), Some("Visited twice."));
}

#[test]
fn optional_fields_may_be_absent_null_or_blank() {
    for body in [
        json!({"actions": [{"kind": "shelter"}], "results": "Placed."}),
        json!({"actions": [{"kind": "shelter"}], "results": "Placed.", "follow_up_on": null, "narrative": null}),
        json!({"actions": [{"kind": "shelter"}], "results": "Placed.", "follow_up_on": " ", "narrative": ""}),
    ] {
        let report = validate(&body).unwrap();
        assert_eq!((report.follow_up_on, report.narrative), (None, None), "{body}");
    }
}

#[test]
fn each_bad_field_gets_its_error() {
    let po = |patch: Value| {
        let mut item = json!({"kind": "protective_order", "number": "PO-1", "issued_on": "2026-11-20", "term_days": 30});
        for (k, v) in patch.as_object().unwrap() {
            item[k] = v.clone();
        }
        with_actions(json!([item]))
    };
    let report = |patch: Value| {
        let mut body = with_actions(json!([{"kind": "home_visit"}]));
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    let twenty_one: Vec<Value> = (0..21).map(|_| json!({"kind": "home_visit"})).collect();
    #[rustfmt::skip]
    let table: Vec<(Value, Vec<(&str, &str)>)> = vec![
        // The list.
        (json!({}), vec![("actions", "required"), ("results", "required")]),
        (with_actions(json!(null)), vec![("actions", "required")]),
        (with_actions(json!([])), vec![("actions", "required")]),
        (with_actions(json!("home_visit")), vec![("actions", "expected_list")]),
        (with_actions(json!({"kind": "home_visit"})), vec![("actions", "expected_list")]),
        (with_actions(json!(twenty_one)), vec![("actions", "too_many")]),
        (with_actions(json!(["home_visit"])), vec![("actions[0]", "expected_object")]),
        (with_actions(json!([{"kind": "shelter"}, 7])), vec![("actions[1]", "expected_object")]),
        // The kind.
        (with_actions(json!([{}])), vec![("actions[0].kind", "required")]),
        (with_actions(json!([{"kind": "fishing"}])), vec![("actions[0].kind", "unknown_value")]),
        (with_actions(json!([{"kind": 3}])), vec![("actions[0].kind", "unknown_value")]),
        (with_actions(json!([{"kind": "HomeVisit"}])), vec![("actions[0].kind", "unknown_value")]),
        // A protective order.
        (with_actions(json!([{"kind": "protective_order"}])), vec![
            ("actions[0].number", "required"), ("actions[0].issued_on", "required"), ("actions[0].term_days", "required"),
        ]),
        (po(json!({"number": "x".repeat(51)})), vec![("actions[0].number", "too_long")]),
        (po(json!({"number": 17})), vec![("actions[0].number", "expected_text")]),
        (po(json!({"issued_on": "2026-02-30"})), vec![("actions[0].issued_on", "invalid_date")]),
        (po(json!({"issued_on": "20.11.2026"})), vec![("actions[0].issued_on", "invalid_date")]),
        (po(json!({"issued_on": "2026-11-20T10:00:00Z"})), vec![("actions[0].issued_on", "invalid_date")]),
        (po(json!({"issued_on": 20261120})), vec![("actions[0].issued_on", "invalid_date")]),
        (po(json!({"issued_on": "2026-11-26"})), vec![("actions[0].issued_on", "out_of_range")]),
        (po(json!({"term_days": 0})), vec![("actions[0].term_days", "out_of_range")]),
        (po(json!({"term_days": 366})), vec![("actions[0].term_days", "out_of_range")]),
        (po(json!({"term_days": -30})), vec![("actions[0].term_days", "out_of_range")]),
        (po(json!({"term_days": "30"})), vec![("actions[0].term_days", "expected_number")]),
        (po(json!({"term_days": 1.5})), vec![("actions[0].term_days", "expected_number")]),
        // Criminal case, administrative protocol, no grounds.
        (with_actions(json!([{"kind": "criminal_case"}])), vec![("actions[0].registration_number", "required")]),
        (with_actions(json!([{"kind": "criminal_case", "registration_number": "9".repeat(51)}])), vec![("actions[0].registration_number", "too_long")]),
        (with_actions(json!([{"kind": "administrative_protocol", "article": " "}])), vec![("actions[0].article", "required")]),
        (with_actions(json!([{"kind": "administrative_protocol", "article": "7".repeat(51)}])), vec![("actions[0].article", "too_long")]),
        (with_actions(json!([{"kind": "administrative_protocol", "article": 73}])), vec![("actions[0].article", "expected_text")]),
        (with_actions(json!([{"kind": "no_grounds"}])), vec![("actions[0].reasons", "required")]),
        (with_actions(json!([{"kind": "no_grounds", "reasons": "r".repeat(2001)}])), vec![("actions[0].reasons", "too_long")]),
        // No grounds stands alone.
        (with_actions(json!([{"kind": "home_visit"}, {"kind": "no_grounds", "reasons": "r"}])), vec![("actions", "conflict")]),
        (with_actions(json!([{"kind": "no_grounds", "reasons": "r"}, {"kind": "no_grounds", "reasons": "s"}])), vec![("actions", "conflict")]),
        (with_actions(json!([{"kind": "no_grounds"}, {"kind": "shelter"}])), vec![("actions", "conflict"), ("actions[0].reasons", "required")]),
        // The report's own fields.
        (report(json!({"results": "  "})), vec![("results", "required")]),
        (report(json!({"results": 5})), vec![("results", "expected_text")]),
        (report(json!({"results": "r".repeat(5001)})), vec![("results", "too_long")]),
        (report(json!({"narrative": "n".repeat(10_001)})), vec![("narrative", "too_long")]),
        (report(json!({"narrative": ["n"]})), vec![("narrative", "expected_text")]),
        (report(json!({"follow_up_on": "2026-11-24"})), vec![("follow_up_on", "out_of_range")]),
        (report(json!({"follow_up_on": "next week"})), vec![("follow_up_on", "invalid_date")]),
        (report(json!({"follow_up_on": "2026-13-01"})), vec![("follow_up_on", "invalid_date")]),
    ];
    for (body, expected) in table {
        let expected: Vec<(String, &str)> = expected.into_iter().map(|(f, c)| (f.to_owned(), c)).collect();
        assert_eq!(errors(&body), expected, "{body}");
    }
}

#[test]
fn the_limits_themselves_are_accepted() {
    let body = json!({
        "actions": (0..20).map(|_| json!({"kind": "administrative_protocol", "article": "a".repeat(50)})).collect::<Vec<_>>(),
        "results": "r".repeat(5000),
        "narrative": "n".repeat(10_000),
    });
    assert_eq!(validate(&body).unwrap().actions.len(), 20);
    let reasons = json!([{"kind": "no_grounds", "reasons": "ы".repeat(2000)}]);
    assert!(validate(&with_actions(reasons)).is_ok(), "characters, not bytes");
}

#[test]
fn every_bad_field_is_reported_at_once() {
    let body = json!({
        "actions": [
            {"kind": "protective_order", "number": "", "issued_on": "2026-12-01", "term_days": 0},
            "shelter",
            {"kind": "criminal_case", "registration_number": ["x"]},
        ],
        "results": "",
        "follow_up_on": "2020-01-01",
        "narrative": 1,
    });
    assert_eq!(
        errors(&body),
        [
            ("actions[0].number".into(), "required"),
            ("actions[0].issued_on".into(), "out_of_range"),
            ("actions[0].term_days".into(), "out_of_range"),
            ("actions[1]".into(), "expected_object"),
            ("actions[2].registration_number".into(), "expected_text"),
            ("results".into(), "required"),
            ("follow_up_on".into(), "out_of_range"),
            ("narrative".into(), "expected_text"),
        ]
    );
}

#[test]
fn error_messages_never_repeat_the_value() {
    let secret = "SECRET-Aigerim-850314401236";
    let body = json!({
        "actions": [
            {"kind": secret},
            {"kind": "protective_order", "number": format!("{secret}{}", "x".repeat(50)), "issued_on": secret, "term_days": secret},
            {"kind": "no_grounds", "reasons": secret.repeat(100)},
        ],
        "results": secret.repeat(200),
        "follow_up_on": secret,
        "narrative": secret.repeat(400),
    });
    let Err(Error::Validation(errors)) = validate(&body) else { panic!("expected field errors") };
    assert!(errors.len() >= 8, "{errors:?}");
    for e in errors {
        assert!(!e.message.contains("SECRET"), "{}: {}", e.field, e.message);
    }
}

#[test]
fn bodies_that_are_not_objects_are_one_error() {
    for (body, code) in [("[1,2]", "expected_object"), ("{\"actions\":", "invalid_json"), ("\"home_visit\"", "expected_object")] {
        match ActionReportInput::from_json(body.as_bytes()) {
            Err(Error::Validation(e)) => assert_eq!((e[0].field.as_str(), e[0].code, e.len()), ("body", code, 1), "{body}"),
            other => panic!("{body}: {other:?}"),
        }
    }
}

fn every_action() -> Vec<Action> {
    vec![
        Action::HomeVisit,
        order("PO-17", "2026-11-20", 30),
        Action::CriminalCase { registration_number: "267100031000123".into() },
        Action::AdministrativeProtocol { article: "73".into() },
        Action::FamilySupportReferral,
        Action::Shelter,
        Action::MedicalHelp,
        Action::PsychologicalHelp,
        Action::LegalConsultation,
        Action::ChildProtection,
        Action::NoGrounds { reasons: "None found.".into() },
    ]
}

#[test]
fn a_stored_report_round_trips_with_plain_dates() {
    let report = ActionReport {
        actions: every_action(),
        results: "Done.".into(),
        follow_up_on: Some(date!(2026 - 12 - 20)),
        narrative: Some("Visited twice.".into()),
    };
    let stored = serde_json::to_value(&report).unwrap();
    assert_eq!(
        stored["actions"][1],
        json!({"kind": "protective_order", "number": "PO-17", "issued_on": "2026-11-20", "term_days": 30})
    );
    assert_eq!(stored["actions"][0], json!({"kind": "home_visit"}));
    assert_eq!(stored["follow_up_on"], json!("2026-12-20"));
    assert_eq!(serde_json::from_value::<ActionReport>(stored).unwrap(), report);

    let bare = ActionReport { actions: vec![Action::Shelter], results: "Placed.".into(), follow_up_on: None, narrative: None };
    let text = serde_json::to_string(&bare).unwrap();
    assert_eq!(text, r#"{"actions":[{"kind":"shelter"}],"results":"Placed.","follow_up_on":null,"narrative":null}"#);
    assert_eq!(serde_json::from_str::<ActionReport>(&text).unwrap(), bare);
    let without_optional = r#"{"actions":[{"kind":"shelter"}],"results":"Placed."}"#;
    assert_eq!(serde_json::from_str::<ActionReport>(without_optional).unwrap(), bare);
}

#[test]
fn an_actions_kind_is_its_code() {
    let actions = every_action();
    assert_eq!(actions.len(), ActionKind::ALL.len());
    for (action, kind) in actions.iter().zip(ActionKind::ALL) {
        assert_eq!(action.kind(), *kind);
        assert_eq!(serde_json::to_value(action).unwrap()["kind"], json!(kind.as_str()));
    }
}

#[test]
fn a_validated_report_is_what_gets_stored() {
    let body = json!({
        "actions": [{"kind": "protective_order", "number": "PO-17", "issued_on": "2026-11-20", "term_days": 30}],
        "results": "Done.",
        "follow_up_on": "2026-12-20",
    });
    let report = validate(&body).unwrap();
    let stored = serde_json::to_value(&report).unwrap();
    assert_eq!(stored["actions"], body["actions"]);
    assert_eq!(stored["follow_up_on"], body["follow_up_on"]);
    assert_eq!(serde_json::from_value::<ActionReport>(stored).unwrap(), report);
}

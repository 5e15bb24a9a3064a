use super::*;
use crate::assessment::Assessment;
use crate::institution::{Bin, InstitutionKind};
use crate::reference::Reference;
use crate::region::Region;
use crate::routing::AgencyKind;
use serde_json::json;
use time::macros::datetime;

const NOW: OffsetDateTime = datetime!(2026-11-20 12:00 +05:00);

fn school() -> Institution {
    Institution {
        bin: Bin::synthetic(7).expect("synthetic BIN"),
        kind: InstitutionKind::School,
        name: "Synthetic school No. 7".into(),
        region: Region::by_code("KZ-75").expect("Almaty"),
        locality: "Synthetic district".into(),
        education_department: "kz-75-education-department".into(),
    }
}

fn input(body: serde_json::Value) -> SchoolReportInput {
    SchoolReportInput::from_json(body.to_string().as_bytes()).expect("an object")
}

fn bullying() -> serde_json::Value {
    json!({
        "kind": "bullying",
        "learned_at": "2026-11-20T09:30:00+05:00",
        "language": "ru",
        "narrative": "Synthetic: older pupils took a pupil's things every day.",
        "minors": [
            {"role": "victim", "age": 12, "sex": "female", "name": "Synthetic Pupil"},
            {"role": "offender", "age": 14, "sex": "male"},
            {"role": "witness", "age": 13}
        ],
        "actions_taken": "Synthetic: separated the pupils, called the parents, the psychologist talked to the child."
    })
}

fn fields(result: Result<NewSchoolReport, Error>) -> Vec<(String, &'static str)> {
    match result {
        Err(Error::Validation(errors)) => errors.into_iter().map(|e| (e.field, e.code)).collect(),
        other => panic!("expected field errors, got {other:?}"),
    }
}

#[test]
fn a_report_becomes_a_school_complaint_in_the_institutions_region_with_the_kinds_category() {
    let report = input(bullying()).validate(NOW, &school()).expect("valid");
    assert_eq!(report.kind, SchoolReportKind::Bullying);
    assert_eq!(report.learned_at, datetime!(2026-11-20 09:30 +05:00));
    assert_eq!(report.minors.len(), 3);
    let c = &report.complaint;
    assert_eq!(c.channel, Channel::School);
    assert_eq!(c.region.code, "KZ-75");
    assert_eq!(c.locality.as_deref(), Some("Synthetic district"));
    assert_eq!(c.categories, vec!["bullying_of_minor".to_owned()]);
    assert_eq!(c.victims.len(), 1, "only the victim is a victim");
    assert_eq!((c.victims[0].age, c.victims[0].minor), (Some(12), Some(true)));
    assert_eq!(c.victims[0].name.as_deref(), Some("Synthetic Pupil"));
    assert_eq!(c.perpetrators.len(), 1);
    assert_eq!(c.perpetrators[0].sex, Sex::Male);
    assert!(!c.reporter.may_be_contacted(), "nobody is called back through a school's report");
}

#[test]
fn each_kind_has_a_category_of_the_taxonomy_that_routing_knows() {
    let reference = Reference::embedded();
    for kind in SchoolReportKind::ALL {
        assert!(reference.taxonomy.get(kind.category()).is_some(), "{kind:?}");
    }
}

#[test]
fn a_school_report_is_routed_to_the_juvenile_inspectorate_and_the_education_department_with_deadlines() {
    let reference = Reference::embedded();
    for kind in ["unlawful_act", "bullying", "cyberbullying", "other"] {
        let mut body = bullying();
        body["kind"] = json!(kind);
        let report = input(body).validate(NOW, &school()).expect("valid");
        let c = &report.complaint;
        let assessment = Assessment::of(&reference, c, &c.categories, &c.answers, NOW);
        for wanted in [AgencyKind::JuvenileInspectorate, AgencyKind::EducationDepartment] {
            let assignment = assessment.assignments.iter().find(|a| a.agency_kind == wanted);
            let assignment = assignment.unwrap_or_else(|| panic!("{kind}: no {wanted:?}"));
            assert!(assignment.agency_id.starts_with("kz-75-"), "{kind}: {}", assignment.agency_id);
        }
        let acting = assessment.assignments.iter().filter(|a| a.report_due_at.is_some()).count();
        assert!(acting >= 2, "{kind}: agencies that must act have deadlines");
    }
}

#[test]
fn every_missing_or_bad_field_is_reported_at_once() {
    let found = fields(input(json!({"kind": "fight", "learned_at": "yesterday", "minors": []})).validate(NOW, &school()));
    let expected = [
        ("kind", "unknown_value"),
        ("learned_at", "expected_time"),
        ("language", "required"),
        ("narrative", "required"),
        ("actions_taken", "required"),
        ("minors", "required"),
    ];
    for e in expected {
        assert!(found.iter().any(|(f, c)| (f.as_str(), *c) == e), "{e:?} in {found:?}");
    }
}

#[test]
fn minors_are_checked_one_by_one_and_a_witness_name_is_not_collected() {
    let mut body = bullying();
    body["minors"] = json!([
        {"role": "witness", "age": 13, "name": "Synthetic Witness"},
        {"role": "victim", "age": 18},
        {"role": "bystander", "age": 10},
        {"age": 9, "sex": "other"}
    ]);
    let found = fields(input(body).validate(NOW, &school()));
    assert_eq!(
        found,
        vec![
            ("minors[0].name".to_owned(), "not_collected"),
            ("minors[1].age".to_owned(), "out_of_range"),
            ("minors[2].role".to_owned(), "unknown_value"),
            ("minors[3].role".to_owned(), "required"),
            ("minors[3].sex".to_owned(), "unknown_value"),
        ]
    );
}

#[test]
fn the_time_of_learning_may_not_be_in_the_future_nor_over_a_year_ago() {
    for (at, ok) in [
        ("2026-11-20T12:04:00+05:00", true),
        ("2026-11-20T12:10:00+05:00", false),
        ("2025-11-20T12:00:00+05:00", true),
        ("2025-11-18T12:00:00+05:00", false),
    ] {
        let mut body = bullying();
        body["learned_at"] = json!(at);
        let result = input(body).validate(NOW, &school());
        assert_eq!(result.is_ok(), ok, "{at}");
        if let Ok(report) = result {
            assert!(report.learned_at <= NOW, "a little clock skew is taken as now");
        }
    }
}

#[test]
fn lateness_is_the_time_from_learning_to_reporting_against_the_limit() {
    let limit = Duration::hours(24);
    let learned = datetime!(2026-11-19 09:00 +05:00);
    let cases = [
        (datetime!(2026-11-19 10:00 +05:00), 3_600, false),
        (datetime!(2026-11-20 09:00 +05:00), 86_400, false),
        (datetime!(2026-11-20 09:00:01 +05:00), 86_401, true),
    ];
    for (reported, delay, late) in cases {
        assert_eq!(Timeliness::of(learned, reported, limit), Timeliness { delay_seconds: delay, late });
    }
}

#[test]
fn messages_never_repeat_the_refused_value() {
    let mut body = bullying();
    body["learned_at"] = json!("Synthetic Secret Name");
    body["minors"][2]["name"] = json!("Synthetic Secret Name");
    match input(body).validate(NOW, &school()) {
        Err(Error::Validation(errors)) => {
            assert!(errors.iter().all(|e| !e.message.contains("Secret")), "{errors:?}");
        }
        other => panic!("expected errors, got {other:?}"),
    }
}

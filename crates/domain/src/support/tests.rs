//! The support case's state machine as a table, and its inputs: every bad field at once.

use super::CaseStatus::*;
use super::CaseStep::*;
use super::*;
use crate::routing::AgencyDirectory;
use serde_json::json;
use time::macros::{date, datetime};

type Expected = Result<CaseStatus, &'static str>;

/// Every status by every step.
#[rustfmt::skip]
const TABLE: &[(CaseStatus, CaseStep, Expected)] = &[
    (Open, RequestClosure, Ok(ClosureRequested)),
    (Open, ApproveClosure, Err("no_closure_requested")),
    (Open, ReturnClosure, Err("no_closure_requested")),
    (Open, Reopen, Err("not_closed")),
    (ClosureRequested, RequestClosure, Err("closure_requested")),
    (ClosureRequested, ApproveClosure, Ok(Closed)),
    (ClosureRequested, ReturnClosure, Ok(Open)),
    (ClosureRequested, Reopen, Err("not_closed")),
    (Closed, RequestClosure, Err("case_closed")),
    (Closed, ApproveClosure, Err("case_closed")),
    (Closed, ReturnClosure, Err("case_closed")),
    (Closed, Reopen, Ok(Open)),
];

#[test]
fn every_status_and_step_has_its_outcome() {
    assert_eq!(TABLE.len(), CaseStatus::ALL.len() * CaseStep::ALL.len(), "every pair is in the table");
    for &(status, step, expected) in TABLE {
        let got = next(status, step).map_err(|e| match e {
            Error::InvalidTransition(code) => code,
            other => panic!("{other:?}"),
        });
        assert_eq!(got, expected, "{status:?} {step:?}");
    }
}

#[test]
fn only_the_head_decides_a_closure_and_a_closed_case_is_not_worked() {
    let heads: Vec<_> = CaseStep::ALL.iter().filter(|s| s.needs_head()).collect();
    assert_eq!(heads, [&ApproveClosure, &ReturnClosure]);
    assert_eq!(workable(Closed), Err(Error::InvalidTransition("case_closed")));
    assert!(workable(Open).is_ok() && workable(ClosureRequested).is_ok());
}

#[test]
fn a_pending_referral_past_its_deadline_shows_overdue() {
    let by = datetime!(2026-11-26 09:00 UTC);
    let table = [
        (ReferralStatus::Pending, datetime!(2026-11-26 08:59 UTC), "pending"),
        (ReferralStatus::Pending, datetime!(2026-11-26 09:01 UTC), "overdue"),
        (ReferralStatus::Accepted, datetime!(2026-11-27 09:00 UTC), "accepted"),
        (ReferralStatus::Refused, datetime!(2026-11-27 09:00 UTC), "refused"),
    ];
    for (status, now, shown) in table {
        assert_eq!(status.shown(by, now), shown, "{status:?} at {now}");
    }
}

#[test]
fn check_ins_medians_and_shelter_places() {
    assert_eq!(next_check_in(datetime!(2026-11-25 09:00 UTC), 7), datetime!(2026-12-02 09:00 UTC));
    assert_eq!(median(&mut []), None);
    assert_eq!(median(&mut [5.0, 1.0, 3.0]), Some(3.0));
    assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
    let placement = |status| Plan {
        goals: vec![Goal {
            goal: "Synthetic: a safe place to live".into(),
            services: vec![PlannedService {
                service: SupportService::ShelterPlacement,
                responsible_id: Uuid::nil(),
                due_on: date!(2026 - 12 - 01),
                status,
            }],
        }],
    };
    assert_eq!(shelter_change(None, &placement(ServiceStatus::InProgress)), 1, "a placement starts");
    assert_eq!(shelter_change(Some(&placement(ServiceStatus::InProgress)), &placement(ServiceStatus::Delivered)), -1, "ends");
    assert_eq!(shelter_change(None, &placement(ServiceStatus::Planned)), 0, "planned occupies nothing");
}

fn fields<T: std::fmt::Debug>(result: Result<T, Error>) -> Vec<(String, &'static str)> {
    match result {
        Err(Error::Validation(errors)) => errors.into_iter().map(|e| (e.field, e.code)).collect(),
        other => panic!("expected field errors, got {other:?}"),
    }
}

fn pairs(list: &[(&str, &'static str)]) -> Vec<(String, &'static str)> {
    list.iter().map(|(f, c)| (f.to_string(), *c)).collect()
}

#[test]
fn a_referral_names_a_center_and_a_consent_and_every_bad_field_is_reported() {
    let directory = AgencyDirectory::embedded();
    let body = json!({"complaint_id": "0193a0c4-0000-7000-8000-000000000001", "center_id": "kz-75-family-support-center",
        "consent": {"share_with": ["social_protection", "health"], "parts": ["assessment", "plan", "plan"]}, "note": "Synthetic"});
    let referral = ReferralInput::from_json(body.to_string().as_bytes()).unwrap().validate(&directory).expect("valid");
    assert_eq!(referral.center_id, "kz-75-family-support-center");
    assert_eq!(referral.consent.parts, [ConsentPart::Assessment, ConsentPart::Plan], "repeats dropped");
    let bad = json!({"complaint_id": "x", "center_id": "kz-75-police", "consent": {"share_with": ["army"], "parts": ["diary"]}});
    let got = fields(ReferralInput::from_json(bad.to_string().as_bytes()).unwrap().validate(&directory));
    let expected = [
        ("complaint_id", "invalid_id"),
        ("center_id", "unknown_value"),
        ("consent.share_with[0]", "unknown_value"),
        ("consent.parts[0]", "unknown_value"),
    ];
    assert_eq!(got, pairs(&expected));
    let missing = fields(ReferralInput::default().validate(&directory));
    assert_eq!(missing, pairs(&[("complaint_id", "required"), ("center_id", "required"), ("consent", "required")]));
}

#[test]
fn a_center_never_has_more_occupied_than_places() {
    let body = json!({"address": "Synthetic street 1", "services": ["legal_aid", "shelter_placement"], "capacity": 40,
        "shelter_places": 6, "shelter_occupied": 2});
    let center = CenterInput::from_json(body.to_string().as_bytes()).unwrap().validate().expect("valid");
    assert_eq!((center.shelter_places, center.shelter_occupied), (6, 2));
    let bad = json!({"address": 7, "services": [], "capacity": -1, "shelter_places": 2, "shelter_occupied": 3});
    let got = fields(CenterInput::from_json(bad.to_string().as_bytes()).unwrap().validate());
    let expected = [
        ("address", "expected_text"),
        ("services", "required"),
        ("capacity", "out_of_range"),
        ("shelter_occupied", "out_of_range"),
    ];
    assert_eq!(got, pairs(&expected));
    let over = OccupancyInput::from_json(br#"{"occupied": 7}"#).unwrap().validate(6);
    assert_eq!(fields(over), pairs(&[("occupied", "out_of_range")]));
}

#[test]
fn an_assessment_covers_every_area() {
    let level = |l: &str| json!({"level": l, "note": "Synthetic"});
    let all = json!({"needs": {"safety": level("urgent"), "housing": level("moderate"), "income": level("none"),
        "health": level("none"), "children": level("moderate"), "legal": level("urgent")}});
    let assessment = AssessmentInput::from_json(all.to_string().as_bytes()).unwrap().validate().expect("valid");
    assert_eq!(assessment.needs.len(), NeedArea::ALL.len());
    let partial = json!({"needs": {"safety": {"level": "high"}, "housing": level("none"), "pets": level("none")}});
    let got = fields(AssessmentInput::from_json(partial.to_string().as_bytes()).unwrap().validate());
    let expected = [
        ("needs.safety.level", "unknown_value"),
        ("needs.income", "required"),
        ("needs.health", "required"),
        ("needs.children", "required"),
        ("needs.legal", "required"),
        ("needs.pets", "unknown_field"),
    ];
    assert_eq!(got, pairs(&expected));
}

#[test]
fn a_plan_names_a_specialist_of_the_center_for_each_service() {
    let ours = Uuid::from_u128(7);
    let plan = |responsible: Uuid, service: &str| {
        json!({"goals": [{"goal": "Synthetic: safe housing", "services": [
            {"service": service, "responsible_id": responsible.to_string(), "due_on": "2026-12-10", "status": "in_progress"}]}]})
    };
    let read = |body: serde_json::Value| {
        PlanInput::from_json(body.to_string().as_bytes()).unwrap().validate(date!(2026 - 11 - 25), &[ours])
    };
    let good = read(plan(ours, "shelter_placement")).expect("valid");
    assert_eq!(good.services().count(), 1);
    let got = fields(read(plan(Uuid::from_u128(8), "massage")));
    let expected = [("goals[0].services[0].service", "unknown_value"), ("goals[0].services[0].responsible_id", "unknown_value")];
    assert_eq!(got, pairs(&expected));
}

#[test]
fn deliveries_check_ins_visits_categories_and_steps_are_checked() {
    let today = date!(2026 - 11 - 25);
    let log = json!({"service": "legal_aid", "on": "2026-11-26", "minutes": 0});
    let got = fields(ServiceLogInput::from_json(log.to_string().as_bytes()).unwrap().validate(today));
    assert_eq!(got, pairs(&[("on", "out_of_range"), ("minutes", "out_of_range")]));
    let check = CheckInInput::from_json(br#"{"outcome": "fine", "interval_days": 0}"#).unwrap().validate();
    assert_eq!(fields(check), pairs(&[("outcome", "unknown_value"), ("interval_days", "out_of_range")]));
    let visit = json!({"on": "2026-11-24", "members": [{"agency_kind": "health"}, {"name": "x"}]});
    let got = fields(VisitInput::from_json(visit.to_string().as_bytes()).unwrap().validate(today));
    assert_eq!(got, pairs(&[("members[1].agency_kind", "required"), ("findings", "required")]));
    let category = CategoryInput::from_json(br#"{"category": "C"}"#).unwrap().validate();
    assert_eq!(fields(category), pairs(&[("category", "unknown_value"), ("reason", "required")]));
    let step = |step, body: &str| CaseStepInput::from_json(body.as_bytes()).unwrap().validate(step);
    assert_eq!(fields(step(RequestClosure, "{}")), pairs(&[("outcome", "required")]));
    assert_eq!(fields(step(Reopen, "{}")), pairs(&[("reason", "required")]));
    assert_eq!(step(ApproveClosure, "{}").unwrap(), StepDetails { outcome: None, reason: None });
    assert_eq!(fields(ReasonInput::default().validate()), pairs(&[("reason", "required")]));
}

#[test]
fn codes_round_trip() {
    for s in SupportService::ALL {
        assert_eq!(SupportService::parse(s.as_str()), Some(*s));
    }
    for o in Outcome::ALL {
        assert_eq!(Outcome::parse(o.as_str()), Some(*o));
    }
}

//! The state machine as a table of every (status, step) pair, and properties of the whole.

use std::collections::BTreeSet;

use super::AssignmentStatus::*;
use super::Step::*;
use super::*;

type Expected = Result<AssignmentStatus, &'static str>;

/// Every status by every step, in the order of `ALL`: the status after, or the refusal's code.
#[rustfmt::skip]
const TABLE: &[(AssignmentStatus, Step, Expected)] = &[
    (Pending, Acknowledge, Ok(Acknowledged)),
    (Pending, RequestExtension, Err("not_acknowledged")),
    (Pending, GrantExtension, Err("no_extension_requested")),
    (Pending, RefuseExtension, Err("no_extension_requested")),
    (Pending, Forward, Ok(Forwarded)),
    (Pending, SubmitReport, Ok(Reported)),
    (Pending, Accept, Err("no_report_to_review")),
    (Pending, Return, Err("no_report_to_review")),
    (Pending, Close, Err("not_accepted")),
    (Pending, Reopen, Err("not_finished")),

    (Acknowledged, Acknowledge, Err("not_pending")),
    (Acknowledged, RequestExtension, Ok(ExtensionRequested)),
    (Acknowledged, GrantExtension, Err("no_extension_requested")),
    (Acknowledged, RefuseExtension, Err("no_extension_requested")),
    (Acknowledged, Forward, Ok(Forwarded)),
    (Acknowledged, SubmitReport, Ok(Reported)),
    (Acknowledged, Accept, Err("no_report_to_review")),
    (Acknowledged, Return, Err("no_report_to_review")),
    (Acknowledged, Close, Err("not_accepted")),
    (Acknowledged, Reopen, Err("not_finished")),

    (ExtensionRequested, Acknowledge, Err("not_pending")),
    (ExtensionRequested, RequestExtension, Err("extension_pending")),
    (ExtensionRequested, GrantExtension, Ok(Acknowledged)),
    (ExtensionRequested, RefuseExtension, Ok(Acknowledged)),
    (ExtensionRequested, Forward, Err("extension_pending")),
    (ExtensionRequested, SubmitReport, Ok(Reported)),
    (ExtensionRequested, Accept, Err("no_report_to_review")),
    (ExtensionRequested, Return, Err("no_report_to_review")),
    (ExtensionRequested, Close, Err("not_accepted")),
    (ExtensionRequested, Reopen, Err("not_finished")),

    (Reported, Acknowledge, Err("not_pending")),
    (Reported, RequestExtension, Err("not_in_work")),
    (Reported, GrantExtension, Err("no_extension_requested")),
    (Reported, RefuseExtension, Err("no_extension_requested")),
    (Reported, Forward, Err("report_submitted")),
    (Reported, SubmitReport, Err("not_in_work")),
    (Reported, Accept, Ok(Accepted)),
    (Reported, Return, Ok(Returned)),
    (Reported, Close, Err("not_accepted")),
    (Reported, Reopen, Err("not_finished")),

    (Returned, Acknowledge, Err("not_pending")),
    (Returned, RequestExtension, Ok(ExtensionRequested)),
    (Returned, GrantExtension, Err("no_extension_requested")),
    (Returned, RefuseExtension, Err("no_extension_requested")),
    (Returned, Forward, Err("report_submitted")),
    (Returned, SubmitReport, Ok(Reported)),
    (Returned, Accept, Err("no_report_to_review")),
    (Returned, Return, Err("no_report_to_review")),
    (Returned, Close, Err("not_accepted")),
    (Returned, Reopen, Err("not_finished")),

    (Accepted, Acknowledge, Err("not_pending")),
    (Accepted, RequestExtension, Err("not_in_work")),
    (Accepted, GrantExtension, Err("no_extension_requested")),
    (Accepted, RefuseExtension, Err("no_extension_requested")),
    (Accepted, Forward, Err("report_submitted")),
    (Accepted, SubmitReport, Err("not_in_work")),
    (Accepted, Accept, Err("no_report_to_review")),
    (Accepted, Return, Err("no_report_to_review")),
    (Accepted, Close, Ok(Closed)),
    (Accepted, Reopen, Ok(Acknowledged)),

    (Forwarded, Acknowledge, Err("assignment_forwarded")),
    (Forwarded, RequestExtension, Err("assignment_forwarded")),
    (Forwarded, GrantExtension, Err("assignment_forwarded")),
    (Forwarded, RefuseExtension, Err("assignment_forwarded")),
    (Forwarded, Forward, Err("assignment_forwarded")),
    (Forwarded, SubmitReport, Err("assignment_forwarded")),
    (Forwarded, Accept, Err("assignment_forwarded")),
    (Forwarded, Return, Err("assignment_forwarded")),
    (Forwarded, Close, Err("assignment_forwarded")),
    (Forwarded, Reopen, Err("assignment_forwarded")),

    (Closed, Acknowledge, Err("assignment_closed")),
    (Closed, RequestExtension, Err("assignment_closed")),
    (Closed, GrantExtension, Err("assignment_closed")),
    (Closed, RefuseExtension, Err("assignment_closed")),
    (Closed, Forward, Err("assignment_closed")),
    (Closed, SubmitReport, Err("assignment_closed")),
    (Closed, Accept, Err("assignment_closed")),
    (Closed, Return, Err("assignment_closed")),
    (Closed, Close, Err("assignment_closed")),
    (Closed, Reopen, Ok(Acknowledged)),
];

#[test]
fn the_table_covers_every_pair_once() {
    let pairs: BTreeSet<(&str, &str)> = TABLE.iter().map(|(s, t, _)| (s.as_str(), t.as_str())).collect();
    assert_eq!(TABLE.len(), AssignmentStatus::ALL.len() * Step::ALL.len());
    assert_eq!(pairs.len(), TABLE.len(), "a pair is listed twice");
    assert_eq!(TABLE.len(), 80);
}

#[test]
fn every_pair_gives_what_the_table_says() {
    for &(status, step, expected) in TABLE {
        let got = next(status, step).map_err(|e| match e {
            Error::InvalidTransition(code) => code,
            other => panic!("{status:?} --{step:?}-->: {other:?}"),
        });
        assert_eq!(got, expected, "{status:?} --{step:?}-->");
    }
}

#[test]
fn steps_are_exactly_those_that_succeed() {
    for &status in AssignmentStatus::ALL {
        let possible: Vec<Step> = Step::ALL.iter().copied().filter(|&step| next(status, step).is_ok()).collect();
        assert_eq!(status.steps(), possible, "{status:?}");
    }
}

#[test]
fn refusal_codes_are_few_and_snake_case() {
    let codes: BTreeSet<&str> = TABLE.iter().filter_map(|(_, _, e)| e.err()).collect();
    assert_eq!(codes.len(), 11, "{codes:?}");
    assert!(codes.iter().all(|c| c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_')), "{codes:?}");
}

#[test]
fn sides_of_the_steps() {
    #[rustfmt::skip]
    let table: &[(Step, Side)] = &[
        (Acknowledge, Side::Agency),
        (RequestExtension, Side::Agency),
        (GrantExtension, Side::ContactCenter),
        (RefuseExtension, Side::ContactCenter),
        (Forward, Side::Agency),
        (SubmitReport, Side::Agency),
        (Accept, Side::ContactCenter),
        (Return, Side::ContactCenter),
        (Close, Side::ContactCenter),
        (Reopen, Side::ContactCenter),
    ];
    assert_eq!(table.len(), Step::ALL.len());
    for &(step, side) in table {
        assert_eq!(step.side(), side, "{step:?}");
    }
}

#[test]
fn open_statuses_are_those_where_the_agency_owes() {
    #[rustfmt::skip]
    let table: &[(AssignmentStatus, bool)] = &[
        (Pending, true), (Acknowledged, true), (ExtensionRequested, true), (Returned, true),
        (Reported, false), (Accepted, false), (Forwarded, false), (Closed, false),
    ];
    assert_eq!(table.len(), AssignmentStatus::ALL.len());
    for &(status, open) in table {
        assert_eq!(status.is_open(), open, "{status:?}");
    }
}

#[test]
fn open_means_the_agency_can_act_and_otherwise_only_the_contact_center_can() {
    for &status in AssignmentStatus::ALL {
        let sides: Vec<Side> = status.steps().iter().map(|s| s.side()).collect();
        assert_eq!(sides.contains(&Side::Agency), status.is_open(), "{status:?}");
        if !status.is_open() {
            assert!(sides.iter().all(|&s| s == Side::ContactCenter), "{status:?}");
        }
    }
}

/// The statuses reachable from `from` by any steps.
fn reachable(from: AssignmentStatus) -> BTreeSet<&'static str> {
    let mut seen = BTreeSet::from([from.as_str()]);
    let mut todo = vec![from];
    while let Some(status) = todo.pop() {
        for &step in status.steps() {
            let to = next(status, step).expect("listed steps succeed");
            if seen.insert(to.as_str()) {
                todo.push(to);
            }
        }
    }
    seen
}

#[test]
fn every_status_is_reachable_from_pending_and_only_forwarded_is_a_dead_end() {
    assert_eq!(reachable(Pending).len(), AssignmentStatus::ALL.len());
    for &status in AssignmentStatus::ALL {
        let ends = reachable(status).contains(Closed.as_str()) || reachable(status).contains(Forwarded.as_str());
        assert!(ends, "{status:?} can neither close nor be forwarded");
        assert_eq!(status.steps().is_empty(), status == Forwarded, "{status:?}");
    }
    assert!(!reachable(Closed).contains(Pending.as_str()), "nothing goes back to pending");
}

#[test]
fn statuses_and_steps_keep_their_stored_codes() {
    assert_eq!(AssignmentStatus::parse("pending"), Some(Pending));
    assert_eq!(serde_json::to_string(&ExtensionRequested).unwrap(), "\"extension_requested\"");
    assert_eq!(Step::parse("submit_report"), Some(SubmitReport));
    assert_eq!(serde_json::from_str::<Step>("\"return\"").unwrap(), Return);
    for s in AssignmentStatus::ALL {
        assert_eq!(AssignmentStatus::parse(s.as_str()), Some(*s));
    }
    for s in Step::ALL {
        assert_eq!(Step::parse(s.as_str()), Some(*s));
    }
}

#[test]
fn a_complaint_closes_when_every_lead_is_done_and_one_was_closed() {
    #[rustfmt::skip]
    let table: &[(&[AssignmentStatus], bool, &str)] = &[
        (&[], false, "nobody assigned"),
        (&[Closed], true, "the one lead closed"),
        (&[Closed, Closed], true, "every lead closed"),
        (&[Forwarded, Closed], true, "forwarded, and the receiving agency's lead closed"),
        (&[Forwarded], false, "forwarded, the receiving agency's lead not passed: nobody reported"),
        (&[Forwarded, Forwarded], false, "every lead forwarded"),
        (&[Forwarded, Pending], false, "the receiving agency has not acknowledged"),
        (&[Closed, Accepted], false, "a report accepted but not closed"),
        (&[Closed, Reported], false, "a report awaiting review"),
        (&[Closed, Returned], false, "a report returned"),
        (&[Pending], false, "new"),
        (&[Acknowledged], false, "in work"),
        (&[ExtensionRequested, Closed], false, "an extension awaited"),
    ];
    for &(leads, closed, why) in table {
        assert_eq!(complaint_closed(leads), closed, "{why}");
    }
}

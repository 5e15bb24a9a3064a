//! The policy as a table: each role, each action, on a record of their own and of another.

use super::*;

const OWN_AGENCY: &str = "kz-71-police";
const OTHER_AGENCY: &str = "kz-75-police";
const OWN_SCHOOL: &str = "school-kz-71-0001";
const OTHER_SCHOOL: &str = "school-kz-75-0002";

fn actor(role: StaffRole) -> Actor {
    let agency = role.needs_agency().then(|| OWN_AGENCY.to_owned());
    let institution = role.needs_institution().then(|| OWN_SCHOOL.to_owned());
    Actor::user(Uuid::from_u128(1), role, agency, institution)
}

fn system(permissions: &[Permission]) -> Actor {
    Actor {
        kind: ActorKind::AgencySystem { token_id: Uuid::from_u128(2), permissions: permissions.to_vec() },
        agency_id: Some(OWN_AGENCY.to_owned()),
        institution_id: None,
    }
}

const OWN: RecordScope = RecordScope { agencies: &[OWN_AGENCY], institution_id: Some(OWN_SCHOOL), reporter_contactable: false };
const OTHER: RecordScope = RecordScope { agencies: &[OTHER_AGENCY], institution_id: None, reporter_contactable: false };

/// A role; what it sees of its own record and of another's (`None`: refused); whether it
/// may list, read statistics, read the audit trail.
type Row = (StaffRole, Option<Fields>, Option<Fields>, bool, bool, bool);

/// What each role may do; `None` is a refusal, `Some(fields)` an allowance with those fields.
#[test]
fn each_role_reaches_only_what_its_work_needs() {
    use Fields::*;
    use StaffRole::*;
    #[rustfmt::skip]
    let table: &[Row] = &[
        // role,                 view own,              view other's,   list,  statistics, audit
        (Administrator,          None,                  None,            false, false, false),
        (Operator,               Some(All),             Some(All),       true,  false, false),
        (Supervisor,             Some(All),             Some(All),       true,  true,  false),
        (AgencyOfficer,          Some(WithoutReporter), None,            true,  false, false),
        (AgencyHead,             Some(WithoutReporter), None,            true,  true,  false),
        (FamilySupportSpecialist, Some(WithoutReporter), None,           true,  false, false),
        (SchoolReporter,         Some(All),             None,            true,  false, false),
        (Analyst,                None,                  None,            false, true,  false),
        (Auditor,                None,                  None,            false, false, true),
    ];
    assert_eq!(table.len(), StaffRole::ALL.len(), "every role is in the table");
    for &(role, own, other, list, statistics, audit) in table {
        let a = actor(role);
        let fields = |record| decide(&a, &Action::ViewComplaint(record)).ok().map(|g| g.fields);
        assert_eq!(fields(OWN), own, "{role:?} viewing its own record");
        assert_eq!(fields(OTHER), other, "{role:?} viewing another's record");
        assert_eq!(decide(&a, &Action::ListComplaints).is_ok(), list, "{role:?} listing");
        assert_eq!(decide(&a, &Action::ViewStatistics).is_ok(), statistics, "{role:?} statistics");
        assert_eq!(decide(&a, &Action::ReadAudit).is_ok(), audit, "{role:?} audit");
        assert_eq!(decide(&a, &Action::ExportAudit).is_ok(), audit, "{role:?} audit export");
        assert_eq!(decide(&a, &Action::ManageUsers).is_ok(), role == Administrator, "{role:?} users");
        assert_eq!(decide(&a, &Action::ManageInstitutions).is_ok(), role == Administrator, "{role:?} institutions");
        assert!(decide(&a, &Action::ManageOwnAccount).is_ok(), "{role:?} own account");
    }
}

#[test]
fn every_staff_member_may_print_a_poster_and_a_school_only_its_own() {
    #[rustfmt::skip]
    let table: &[(Actor, &str, Result<(), Denied>)] = &[
        // who,                                   poster of,    answer
        (actor(StaffRole::Operator),              OTHER_SCHOOL, Ok(())),
        (actor(StaffRole::Administrator),         OTHER_SCHOOL, Ok(())),
        (actor(StaffRole::AgencyOfficer),         OTHER_SCHOOL, Ok(())),
        (actor(StaffRole::Analyst),               OTHER_SCHOOL, Ok(())),
        (actor(StaffRole::SchoolReporter),        OWN_SCHOOL,   Ok(())),
        (actor(StaffRole::SchoolReporter),        OTHER_SCHOOL, Err(Denied::OutOfScope)),
        (Actor::user(Uuid::nil(), StaffRole::SchoolReporter, None, None), OWN_SCHOOL, Err(Denied::NoAffiliation)),
        (system(&[Permission::ReadComplaints, Permission::WorkAssignments]), OWN_SCHOOL, Err(Denied::Role)),
    ];
    for (who, bin, expected) in table {
        let answer = decide(who, &Action::ViewInstitutionPoster { bin }).map(|g| assert_eq!(g.scope, Scope::NotRecords));
        assert_eq!(&answer, expected, "{who:?} on {bin}");
    }
}

#[test]
fn lists_are_scoped_to_the_agency_or_institution() {
    let scope = |role| decide(&actor(role), &Action::ListComplaints).unwrap().scope;
    assert_eq!(scope(StaffRole::Operator), Scope::All);
    assert_eq!(scope(StaffRole::AgencyOfficer), Scope::Agency(OWN_AGENCY.into()));
    assert_eq!(scope(StaffRole::SchoolReporter), Scope::Institution(OWN_SCHOOL.into()));
    let head = decide(&actor(StaffRole::AgencyHead), &Action::ViewStatistics).unwrap();
    assert_eq!(head, Grant { scope: Scope::Agency(OWN_AGENCY.into()), fields: Fields::NoPersonal });
}

#[test]
fn an_agency_sees_the_reporter_only_when_they_may_be_contacted() {
    let contactable = RecordScope { reporter_contactable: true, ..OWN };
    let grant = decide(&actor(StaffRole::AgencyOfficer), &Action::ViewComplaint(contactable)).unwrap();
    assert_eq!(grant.fields, Fields::All);
}

#[test]
fn an_agency_account_without_an_agency_reaches_nothing() {
    let orphan = Actor::user(Uuid::nil(), StaffRole::AgencyOfficer, None, None);
    assert_eq!(decide(&orphan, &Action::ListComplaints), Err(Denied::NoAffiliation));
    assert_eq!(decide(&orphan, &Action::ViewComplaint(OWN)), Err(Denied::NoAffiliation));
}

#[test]
fn who_may_register_complaints_by_which_channel() {
    let may = |a: &Actor, channel| decide(a, &Action::SubmitComplaint(channel)).is_ok();
    assert!(may(&actor(StaffRole::Operator), Channel::Phone));
    assert!(may(&actor(StaffRole::SchoolReporter), Channel::School));
    assert!(!may(&actor(StaffRole::SchoolReporter), Channel::Phone));
    assert!(!may(&actor(StaffRole::AgencyOfficer), Channel::Phone));
    assert!(!may(&actor(StaffRole::Analyst), Channel::Phone));
    assert!(may(&system(&[Permission::SubmitComplaints]), Channel::AgencyReferral));
    assert!(!may(&system(&[Permission::SubmitComplaints]), Channel::Phone));
    assert!(!may(&system(&[Permission::ReadComplaints]), Channel::AgencyReferral));
}

#[test]
fn an_agency_system_does_only_what_its_token_names() {
    let reader = system(&[Permission::ReadComplaints]);
    assert_eq!(decide(&reader, &Action::ViewComplaint(OWN)).unwrap().fields, Fields::WithoutReporter);
    assert_eq!(decide(&reader, &Action::ViewComplaint(OTHER)), Err(Denied::OutOfScope));
    let submitter = system(&[Permission::SubmitComplaints]);
    assert_eq!(decide(&submitter, &Action::ViewComplaint(OWN)), Err(Denied::Role));
    assert_eq!(decide(&submitter, &Action::ListComplaints), Err(Denied::Role));
    for action in
        [Action::ViewStatistics, Action::ReadAudit, Action::ManageUsers, Action::ManageTokens, Action::ManageInstitutions]
    {
        assert_eq!(decide(&reader, &action), Err(Denied::Role), "{action:?}");
    }
}

#[test]
fn codes_round_trip() {
    for role in StaffRole::ALL {
        assert_eq!(StaffRole::parse(role.as_str()), Some(*role));
    }
    for permission in Permission::ALL {
        assert_eq!(Permission::parse(permission.as_str()), Some(*permission));
    }
}

#[test]
fn agencies_work_their_own_assignments_and_the_contact_center_reviews_them() {
    let work = |a: &Actor, agency| decide(a, &Action::WorkAssignment { agency_id: agency }).is_ok();
    for role in [StaffRole::AgencyOfficer, StaffRole::AgencyHead] {
        assert!(work(&actor(role), OWN_AGENCY), "{role:?}");
        assert!(!work(&actor(role), OTHER_AGENCY), "{role:?} on another agency's assignment");
    }
    for role in [StaffRole::Operator, StaffRole::Analyst, StaffRole::Auditor, StaffRole::Administrator, StaffRole::SchoolReporter]
    {
        assert!(!work(&actor(role), OWN_AGENCY), "{role:?}");
    }
    assert!(work(&system(&[Permission::WorkAssignments]), OWN_AGENCY));
    assert!(!work(&system(&[Permission::ReadComplaints]), OWN_AGENCY), "reading is not working");
    let review = |role| decide(&actor(role), &Action::ReviewAssignment).is_ok();
    assert!(review(StaffRole::Operator) && review(StaffRole::Supervisor));
    assert!(!review(StaffRole::AgencyOfficer) && !review(StaffRole::Analyst));
    assert!(decide(&system(&[Permission::WorkAssignments]), &Action::ReviewAssignment).is_err());
    let inbox = decide(&actor(StaffRole::AgencyOfficer), &Action::ViewInbox).unwrap();
    assert_eq!(inbox.scope, Scope::Agency(OWN_AGENCY.into()));
    assert!(decide(&actor(StaffRole::Operator), &Action::ViewInbox).is_err());
}

#[test]
fn only_an_agency_head_gives_assignments_to_its_own_officers() {
    let assign = |role, agency| decide(&actor(role), &Action::AssignOfficer { agency_id: agency }).is_ok();
    assert!(assign(StaffRole::AgencyHead, OWN_AGENCY));
    assert!(!assign(StaffRole::AgencyHead, OTHER_AGENCY));
    for role in [StaffRole::AgencyOfficer, StaffRole::Operator, StaffRole::Supervisor, StaffRole::Administrator] {
        assert!(!assign(role, OWN_AGENCY), "{role:?}");
    }
}

/// Who may see a complaint's evidence, and who may add to it (and to which assignment).
#[test]
fn evidence_is_seen_by_whoever_sees_the_complaint_and_added_to_ones_own_work() {
    use StaffRole::*;
    let view = |a: &Actor, record| decide(a, &Action::ViewEvidence(record)).is_ok();
    let add = |a: &Actor, record, agency_id| decide(a, &Action::AddEvidence { record, agency_id }).is_ok();
    #[rustfmt::skip]
    let table: &[(StaffRole, bool, bool, bool, bool, bool, bool)] = &[
        // role,                  view own, view other's, add to the complaint, to own agency's, to another agency's, add to other's record
        (Administrator,           false, false, false, false, false, false),
        (Operator,                true,  true,  true,  false, false, true),
        (Supervisor,              true,  true,  true,  false, false, true),
        (AgencyOfficer,           true,  false, false, true,  false, false),
        (AgencyHead,              true,  false, false, true,  false, false),
        (FamilySupportSpecialist, true,  false, false, true,  false, false),
        (SchoolReporter,          true,  false, true,  false, false, false),
        (Analyst,                 false, false, false, false, false, false),
        (Auditor,                 false, false, false, false, false, false),
    ];
    assert_eq!(table.len(), StaffRole::ALL.len(), "every role is in the table");
    let both = RecordScope { agencies: &[OWN_AGENCY, OTHER_AGENCY], ..OWN };
    for &(role, own, other, complaint, own_agency, other_agency, others_record) in table {
        let a = actor(role);
        assert_eq!(view(&a, OWN), own, "{role:?} viewing its own record's evidence");
        assert_eq!(view(&a, OTHER), other, "{role:?} viewing another's record's evidence");
        assert_eq!(add(&a, OWN, None), complaint, "{role:?} adding to the complaint");
        assert_eq!(add(&a, both, Some(OWN_AGENCY)), own_agency, "{role:?} adding to its agency's assignment");
        assert_eq!(add(&a, both, Some(OTHER_AGENCY)), other_agency, "{role:?} adding to another agency's assignment");
        assert_eq!(
            add(&a, OTHER, None) || add(&a, OTHER, Some(OWN_AGENCY)),
            others_record,
            "{role:?} adding to another's record"
        );
    }
}

#[test]
fn an_agency_adding_to_another_agencys_work_is_out_of_scope() {
    let officer = actor(StaffRole::AgencyOfficer);
    let both = RecordScope { agencies: &[OWN_AGENCY, OTHER_AGENCY], ..OWN };
    let add = |record, agency_id| decide(&officer, &Action::AddEvidence { record, agency_id });
    assert_eq!(add(both, Some(OTHER_AGENCY)), Err(Denied::OutOfScope));
    assert_eq!(add(OTHER, Some(OWN_AGENCY)), Err(Denied::OutOfScope), "a complaint not assigned to it");
    assert_eq!(add(both, None), Err(Denied::Role), "the complaint itself is the contact center's");
}

#[test]
fn an_agency_system_sees_and_adds_evidence_as_its_token_allows() {
    let reader = system(&[Permission::ReadComplaints]);
    let worker = system(&[Permission::WorkAssignments]);
    let submitter = system(&[Permission::SubmitComplaints]);
    let add = |a: &Actor, record, agency_id| decide(a, &Action::AddEvidence { record, agency_id }).is_ok();
    assert!(decide(&reader, &Action::ViewEvidence(OWN)).is_ok());
    assert!(decide(&worker, &Action::ViewEvidence(OWN)).is_ok());
    assert_eq!(decide(&reader, &Action::ViewEvidence(OTHER)), Err(Denied::OutOfScope));
    assert_eq!(decide(&submitter, &Action::ViewEvidence(OWN)), Err(Denied::Role));
    assert!(add(&worker, OWN, Some(OWN_AGENCY)));
    assert!(!add(&worker, OWN, None) && !add(&worker, OTHER, Some(OWN_AGENCY)));
    assert!(!add(&reader, OWN, Some(OWN_AGENCY)), "reading is not working");
}

const CENTER: &str = "kz-71-family-support-center";
const OTHER_CENTER: &str = "kz-75-family-support-center";
const POLICE: &str = "kz-71-police";
const SOCIAL: &str = "kz-71-social-protection";

fn at(role: StaffRole, agency: &str) -> Actor {
    Actor::user(Uuid::from_u128(3), role, Some(agency.to_owned()), None)
}

/// A case of `CENTER` on a complaint assigned to the police and social protection, whose
/// consent shares the assessment and the plan with social protection only.
fn case_access_of(actor: &Actor) -> Result<CaseAccess, Denied> {
    use crate::routing::AgencyKind::*;
    let assigned = [(POLICE, Police), (SOCIAL, SocialProtection)];
    let scope = CaseScope {
        center_id: CENTER,
        assigned: &assigned,
        share_with: &[SocialProtection],
        parts: &[ConsentPart::Assessment, ConsentPart::Plan],
    };
    case_access(actor, &scope)
}

/// The parts shown and whether the actor works the case, or the refusal.
type Seen = Result<(Vec<ConsentPart>, bool), Denied>;

/// Who sees what of a support case.
#[test]
fn a_support_case_is_seen_as_the_persons_consent_allows() {
    use ConsentPart::*;
    use StaffRole::*;
    let consented = vec![Assessment, Plan];
    let table: Vec<(Actor, Seen)> = vec![
        (at(FamilySupportSpecialist, CENTER), Ok((ConsentPart::ALL.to_vec(), true))),
        (at(AgencyHead, CENTER), Ok((ConsentPart::ALL.to_vec(), true))),
        (at(FamilySupportSpecialist, OTHER_CENTER), Err(Denied::OutOfScope)),
        (at(AgencyHead, OTHER_CENTER), Err(Denied::OutOfScope)),
        (actor(Operator), Ok((consented.clone(), false))),
        (actor(Supervisor), Ok((consented.clone(), false))),
        (at(AgencyOfficer, SOCIAL), Ok((consented.clone(), false))),
        // The consent does not share with the police: nothing, not even that the case exists.
        (at(AgencyOfficer, POLICE), Err(Denied::OutOfScope)),
        (at(AgencyHead, POLICE), Err(Denied::OutOfScope)),
        (at(AgencyOfficer, "kz-71-health"), Err(Denied::OutOfScope)),
        (actor(Analyst), Err(Denied::Role)),
        (actor(Auditor), Err(Denied::Role)),
        (actor(Administrator), Err(Denied::Role)),
        (actor(SchoolReporter), Err(Denied::Role)),
        (system(&[Permission::ReadComplaints]), Err(Denied::Role)),
    ];
    for (who, expected) in table {
        let got = case_access_of(&who).map(|a| (a.parts, a.work));
        assert_eq!(got, expected, "{:?} at {:?}", who.role(), who.agency_id);
    }
}

#[test]
fn who_refers_decides_works_and_closes() {
    use StaffRole::*;
    let may = |a: &Actor, action: Action| decide(a, &action).is_ok();
    let assigned: &[&str] = &[POLICE];
    for referrer in [actor(Operator), actor(Supervisor), at(AgencyOfficer, POLICE), at(AgencyHead, POLICE)] {
        assert!(may(&referrer, Action::Refer { agencies: assigned }), "{:?}", referrer.role());
    }
    assert!(!may(&at(AgencyOfficer, SOCIAL), Action::Refer { agencies: assigned }), "an agency not on the complaint");
    assert!(!may(&actor(Analyst), Action::Refer { agencies: assigned }));
    for role in [FamilySupportSpecialist, AgencyHead] {
        assert!(may(&at(role, CENTER), Action::DecideReferral { center_id: CENTER }), "{role:?}");
        assert!(may(&at(role, CENTER), Action::WorkSupportCase { center_id: CENTER }), "{role:?}");
        assert!(!may(&at(role, OTHER_CENTER), Action::DecideReferral { center_id: CENTER }), "{role:?} of another center");
        assert!(!may(&at(role, OTHER_CENTER), Action::WorkSupportCase { center_id: CENTER }), "{role:?} of another center");
    }
    assert!(!may(&actor(Operator), Action::DecideReferral { center_id: CENTER }));
    assert!(may(&at(AgencyHead, CENTER), Action::ApproveClosure { center_id: CENTER }));
    assert!(!may(&at(FamilySupportSpecialist, CENTER), Action::ApproveClosure { center_id: CENTER }));
    assert!(may(&at(AgencyHead, CENTER), Action::SetOccupancy { center_id: CENTER }));
    assert!(!may(&at(FamilySupportSpecialist, CENTER), Action::SetOccupancy { center_id: CENTER }));
    assert!(!may(&at(AgencyHead, OTHER_CENTER), Action::SetOccupancy { center_id: CENTER }));
    assert!(may(&actor(Administrator), Action::ManageCenters) && !may(&actor(Supervisor), Action::ManageCenters));
    assert!(may(&actor(Operator), Action::ViewCenters) && !may(&actor(SchoolReporter), Action::ViewCenters));
    let inbox = decide(&at(FamilySupportSpecialist, CENTER), &Action::ViewReferrals).unwrap();
    assert_eq!(inbox.scope, Scope::Agency(CENTER.into()));
    assert_eq!(decide(&actor(Operator), &Action::ViewReferrals).unwrap().scope, Scope::All);
    assert!(!may(&at(AgencyOfficer, POLICE), Action::ViewReferrals));
    let figures = decide(&at(AgencyHead, CENTER), &Action::ViewStatistics).unwrap();
    assert_eq!(figures.scope, Scope::Agency(CENTER.into()), "a center's head sees its own figures");
}

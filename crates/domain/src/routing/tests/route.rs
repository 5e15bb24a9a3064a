//! `route` as a table: a complaint, and the agencies (kind, role, rule) it must reach, in order.

use super::super::*;
use super::embedded;
use AgencyKind::*;
use Role::*;
use proptest::prelude::*;

struct Case {
    name: &'static str,
    categories: &'static [&'static str],
    minor: bool,
    risk: RiskLevel,
    anonymous: bool,
    expected: &'static [(AgencyKind, Role, &'static str)],
}

const fn case(
    name: &'static str,
    categories: &'static [&'static str],
    minor: bool,
    expected: &'static [(AgencyKind, Role, &'static str)],
) -> Case {
    Case { name, categories, minor, risk: RiskLevel::Standard, anonymous: false, expected }
}

const fn with_risk(mut c: Case, risk: RiskLevel) -> Case {
    c.risk = risk;
    c
}

const fn anonymous(mut c: Case) -> Case {
    c.anonymous = true;
    c
}

const CASES: &[Case] = &[
    anonymous(case(
        "anonymous battery: the police lead, never dropped",
        &["battery"],
        false,
        &[(Police, Lead, "anonymous_criminal_offence"), (Prosecutor, Informed, "anonymous_criminal_offence")],
    )),
    anonymous(with_risk(
        case(
            "anonymous battery in progress: the first rule giving lead is recorded",
            &["battery"],
            false,
            &[(Police, Lead, "anonymous_criminal_offence"), (Prosecutor, Informed, "anonymous_criminal_offence")],
        ),
        RiskLevel::Immediate,
    )),
    case("battery", &["battery"], false, &[(Police, Lead, "criminal_offence"), (Prosecutor, Informed, "criminal_offence")]),
    case(
        "battery of a minor",
        &["battery"],
        true,
        &[
            (Police, Lead, "criminal_offence"),
            (JuvenileInspectorate, Support, "minor_victim"),
            (Prosecutor, Informed, "criminal_offence"),
            (ChildrensRightsCommittee, Informed, "minor_victim"),
        ],
    ),
    with_risk(case("no category, immediate danger", &[], false, &[(Police, Lead, "immediate_danger")]), RiskLevel::Immediate),
    with_risk(case("no category, high risk", &[], false, &[(Police, Support, "high_risk")]), RiskLevel::High),
    with_risk(case("no category, medium risk: kept until classified", &[], true, &[]), RiskLevel::Medium),
    case("no category, a minor: kept until classified", &[], true, &[]),
    case(
        "family-household offence",
        &["family_household_offence"],
        false,
        &[(Police, Lead, "domestic_administrative_offence"), (FamilySupportCenter, Support, "domestic_administrative_offence")],
    ),
    case(
        "violation of a protective order",
        &["protective_order_violation"],
        false,
        &[(Police, Lead, "domestic_administrative_offence"), (FamilySupportCenter, Support, "domestic_administrative_offence")],
    ),
    case(
        "bullying of a minor: education leads",
        &["bullying_of_minor"],
        true,
        &[
            (EducationDepartment, Lead, "bullying_of_minor"),
            (JuvenileInspectorate, Support, "minor_victim"),
            (ChildrensRightsCommittee, Informed, "minor_victim"),
        ],
    ),
    case(
        "cyberbullying, age not given",
        &["cyberbullying_of_minor"],
        false,
        &[(EducationDepartment, Lead, "bullying_of_minor"), (JuvenileInspectorate, Support, "bullying_of_minor")],
    ),
    case(
        "a school's report",
        &["school_report_of_unlawful_act"],
        true,
        &[
            (Police, Lead, "school_report"),
            (JuvenileInspectorate, Support, "minor_victim"),
            (ChildrensRightsCommittee, Informed, "minor_victim"),
            (EducationDepartment, Informed, "school_report"),
        ],
    ),
    case(
        "a child put off a bus",
        &["removal_of_child_from_public_transport"],
        false,
        &[(Police, Lead, "removal_from_public_transport"), (JuvenileInspectorate, Support, "removal_from_public_transport")],
    ),
    case(
        "neglect of a child",
        &["child_neglect"],
        true,
        &[
            (SocialProtection, Lead, "child_neglect"),
            (JuvenileInspectorate, Support, "minor_victim"),
            (FamilySupportCenter, Support, "child_neglect"),
            (ChildrensRightsCommittee, Informed, "minor_victim"),
        ],
    ),
    case(
        "a child's suicide risk: health leads",
        &["child_suicide_risk"],
        true,
        &[
            (Health, Lead, "child_suicide_risk"),
            (JuvenileInspectorate, Support, "minor_victim"),
            (Police, Support, "child_suicide_risk"),
            (FamilySupportCenter, Support, "child_suicide_risk"),
            (ChildrensRightsCommittee, Informed, "minor_victim"),
        ],
    ),
    case(
        "inducing suicide",
        &["inducing_or_assisting_suicide"],
        false,
        &[
            (Police, Lead, "criminal_offence"),
            (Health, Support, "suicide_inducement_care"),
            (Prosecutor, Informed, "criminal_offence"),
        ],
    ),
    case(
        "sexual violence",
        &["sexual_violence"],
        false,
        &[
            (Police, Lead, "criminal_offence"),
            (Health, Support, "sexual_violence_care"),
            (Prosecutor, Informed, "criminal_offence"),
        ],
    ),
    case(
        "family conflict",
        &["family_conflict"],
        false,
        &[(FamilySupportCenter, Lead, "family_difficulties"), (SocialProtection, Support, "family_difficulties")],
    ),
    anonymous(case(
        "a family in difficulty, anonymous: not a crime, still routed",
        &["family_in_difficult_life_situation"],
        false,
        &[(FamilySupportCenter, Lead, "family_difficulties"), (SocialProtection, Support, "family_difficulties")],
    )),
    with_risk(
        case(
            "family conflict at high risk: the police join",
            &["family_conflict"],
            false,
            &[
                (FamilySupportCenter, Lead, "family_difficulties"),
                (Police, Support, "high_risk"),
                (SocialProtection, Support, "family_difficulties"),
            ],
        ),
        RiskLevel::High,
    ),
    case(
        "two categories: both leads",
        &["battery", "family_conflict"],
        false,
        &[
            (Police, Lead, "criminal_offence"),
            (FamilySupportCenter, Lead, "family_difficulties"),
            (SocialProtection, Support, "family_difficulties"),
            (Prosecutor, Informed, "criminal_offence"),
        ],
    ),
    case("a request for information: answered by the contact center", &["information_request"], false, &[]),
    case("a child's legal consultation: answered by the contact center", &["legal_consultation"], true, &[]),
    case("psychological consultation: answered in confidence", &["psychological_consultation"], false, &[]),
];

fn input<'a>(c: &Case, categories: &'a [String], region: &'a str) -> RoutingInput<'a> {
    RoutingInput { categories, region, any_minor: c.minor, risk: c.risk, anonymous: c.anonymous }
}

fn codes(c: &Case) -> Vec<String> {
    c.categories.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn routes_each_case_to_its_agencies() {
    let (_, agencies, rules) = embedded();
    for c in CASES {
        let categories = codes(c);
        let got = route(&rules, &agencies, &input(c, &categories, "KZ-71"));
        let got: Vec<_> = got.iter().map(|a| (a.agency_kind, a.role, a.rule_id.as_str())).collect();
        assert_eq!(got, c.expected, "{}", c.name);
    }
}

#[test]
fn every_rule_is_exercised_by_the_table() {
    let (_, _, rules) = embedded();
    for rule in rules.rules() {
        let used = CASES.iter().flat_map(|c| c.expected).any(|(_, _, id)| *id == rule.id);
        assert!(used, "no case expects rule {}", rule.id);
    }
}

#[test]
fn assigns_the_agencies_of_the_complaints_region() {
    let (_, agencies, rules) = embedded();
    let c = &CASES[3]; // battery of a minor
    let categories = codes(c);
    for region in &crate::region::REGIONS {
        let prefix = format!("{}-", region.code.to_lowercase());
        let got = route(&rules, &agencies, &input(c, &categories, region.code));
        assert_eq!(got.len(), c.expected.len(), "{}", region.code);
        for a in got {
            let national = a.agency_kind == ChildrensRightsCommittee;
            assert_eq!(a.agency_id.starts_with(&prefix), !national, "{} in {}", a.agency_id, region.code);
        }
    }
}

/// Documented: an unknown region finds only national bodies; validated complaints never have one.
#[test]
fn an_unknown_region_reaches_only_national_bodies() {
    let (_, agencies, rules) = embedded();
    let categories = codes(&CASES[3]);
    let got = route(&rules, &agencies, &input(&CASES[3], &categories, "KZ-99"));
    let got: Vec<_> = got.iter().map(|a| a.agency_id.as_str()).collect();
    assert_eq!(got, ["kz-childrens-rights-committee"]);
}

#[test]
fn assignments_serialize_in_snake_case() {
    let (_, agencies, rules) = embedded();
    let categories = codes(&CASES[0]);
    let got = route(&rules, &agencies, &input(&CASES[0], &categories, "KZ-71"));
    let json = serde_json::to_value(&got[0]).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"agency_id": "kz-71-police", "agency_kind": "police", "role": "lead", "rule_id": "anonymous_criminal_offence"})
    );
}

fn risk() -> impl Strategy<Value = RiskLevel> {
    prop::sample::select(RiskLevel::ALL.to_vec())
}

proptest! {
    /// Whatever the complaint: each agency once, leads first, each with the strongest role any
    /// applicable rule gives its kind, and every criminal offence led by the police.
    #[test]
    fn route_keeps_its_promises(
        picks in prop::collection::vec(0usize..64, 0..4),
        any_minor: bool,
        anonymous: bool,
        risk in risk(),
        region in 0usize..20,
    ) {
        let (taxonomy, agencies, rules) = embedded();
        let all = taxonomy.categories();
        let categories: Vec<String> = picks.iter().map(|i| all[i % all.len()].code.clone()).collect();
        let region = crate::region::REGIONS[region].code;
        let input = RoutingInput { categories: &categories, region, any_minor, risk, anonymous };
        let got = route(&rules, &agencies, &input);

        let mut ids: Vec<&str> = got.iter().map(|a| a.agency_id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        prop_assert_eq!(ids.len(), got.len(), "an agency appears twice");
        prop_assert!(got.windows(2).all(|w| w[0].role <= w[1].role), "not sorted lead first");
        for a in &got {
            let strongest = rules.rules().iter().filter(|r| r.when.holds(&input))
                .flat_map(|r| &r.assign).filter(|(k, _)| *k == a.agency_kind).map(|(_, role)| *role).min();
            prop_assert_eq!(Some(a.role), strongest);
        }
        let criminal = categories.iter().any(|c| taxonomy.get(c).unwrap().kind == crate::taxonomy::CategoryKind::CriminalOffence);
        if criminal {
            prop_assert!(got.iter().any(|a| a.agency_kind == Police && a.role == Lead));
        }
    }
}

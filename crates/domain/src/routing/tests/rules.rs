//! The rules file: what the embedded one covers, and what a bad one is refused for.

use super::super::*;
use super::embedded;
use crate::taxonomy::{CategoryKind, Taxonomy};

const MINIMAL: &str = r#"
version = "test"
[[rules]]
id = "criminal_offence"
description = "Crimes go to the police."
[rules.when]
categories = ["battery"]
[[rules.assign]]
kind = "police"
role = "lead"
"#;

fn refusal(text: &str) -> String {
    match RoutingRules::from_toml(text, &Taxonomy::embedded()) {
        Err(e) => {
            assert_eq!(e.file, "data/routing.toml");
            e.message
        }
        Ok(_) => panic!("expected a refusal of:\n{text}"),
    }
}

#[test]
fn embedded_rules_parse() {
    let (_, _, rules) = embedded();
    assert!(!rules.version().is_empty());
    assert!(rules.rules().iter().all(|r| !r.assign.is_empty()));
}

/// A category no rule names would reach nobody; only what the contact center answers itself may.
#[test]
fn every_category_but_information_is_named_by_a_rule() {
    let (taxonomy, _, rules) = embedded();
    for category in taxonomy.categories() {
        let named = rules.rules().iter().any(|r| r.when.categories.contains(&category.code));
        assert_eq!(named, category.kind != CategoryKind::Information, "{}", category.code);
    }
}

#[test]
fn every_criminal_offence_goes_to_the_police_as_lead_even_anonymous() {
    let (taxonomy, _, rules) = embedded();
    for rule_id in ["criminal_offence", "anonymous_criminal_offence"] {
        let rule = rules.rules().iter().find(|r| r.id == rule_id).unwrap();
        assert!(rule.assign.contains(&(AgencyKind::Police, Role::Lead)));
        for category in taxonomy.categories().iter().filter(|c| c.kind == CategoryKind::CriminalOffence) {
            assert!(rule.when.categories.contains(&category.code), "{rule_id} misses {}", category.code);
        }
    }
}

#[test]
fn roles_order_by_strength_and_serialize_in_snake_case() {
    assert!(Role::Lead < Role::Support && Role::Support < Role::Informed);
    for role in Role::ALL {
        assert_eq!(Role::parse(role.as_str()), Some(*role));
        assert_eq!(serde_json::to_value(role).unwrap(), role.as_str());
    }
}

#[test]
fn assignments_are_tables_of_kind_and_role() {
    let rules = RoutingRules::from_toml(MINIMAL, &Taxonomy::embedded()).unwrap();
    assert_eq!(rules.rules()[0].assign, [(AgencyKind::Police, Role::Lead)]);
    let json = serde_json::to_value(&rules.rules()[0]).unwrap();
    assert_eq!(json["assign"], serde_json::json!([{"kind": "police", "role": "lead"}]));
}

#[test]
fn refuses_bad_rules_naming_the_problem() {
    let second = MINIMAL.split_once("[[rules]]").unwrap().1;
    let assign = "[[rules.assign]]\nkind = \"police\"\nrole = \"lead\"\n";
    let cases: Vec<(String, &str)> = vec![
        (
            MINIMAL.replace("[\"battery\"]", "[\"battery\", \"witchcraft\"]"),
            "rule \"criminal_offence\": unknown category \"witchcraft\"",
        ),
        (format!("{MINIMAL}[[rules]]{second}"), "rule \"criminal_offence\" is defined twice"),
        (MINIMAL.replace(assign, ""), "missing field `assign`"),
        (
            "version = \"t\"\n[[rules]]\nid = \"r\"\ndescription = \"d\"\nwhen = {}\nassign = []".into(),
            "rule \"r\": assigns no agency",
        ),
        (format!("{MINIMAL}{}", assign.replace("lead", "support")), "rule \"criminal_offence\": assigns police twice"),
        (MINIMAL.replace("\"Crimes go to the police.\"", "\"\""), "empty id or description"),
        ("version = \"test\"\nrules = []".into(), "no rules"),
        (MINIMAL.replace("role = \"lead\"", "role = \"owner\""), "unknown variant `owner`"),
        (MINIMAL.replace("kind = \"police\"", "kind = \"army\""), "unknown variant `army`"),
        (MINIMAL.replace("categories = [\"battery\"]", "minors = true"), "unknown field `minors`"),
        (MINIMAL.replace("categories = [\"battery\"]", "min_risk = \"extreme\""), "unknown variant `extreme`"),
        (MINIMAL.replace("[rules.when]\ncategories = [\"battery\"]\n", ""), "missing field `when`"),
    ];
    for (text, expected) in cases {
        let message = refusal(&text);
        assert!(message.contains(expected), "expected {expected:?} in {message:?}");
    }
}

#[test]
fn a_rule_naming_a_category_the_taxonomy_lost_is_refused() {
    let taxonomy = Taxonomy::from_toml(
        r#"
version = "t"
[[categories]]
code = "family_conflict"
kind = "protection_need"
default_priority = "normal"
names = { kk = "к", ru = "р", en = "e" }
"#,
    )
    .unwrap();
    let message = RoutingRules::from_toml(include_str!("../../../../../data/routing.toml"), &taxonomy).unwrap_err().message;
    assert!(message.contains("unknown category \"severe_harm_to_health\""), "{message}");
}

//! The agency directory: complete for every region, and refused when it is not.

use super::super::*;
use crate::region::REGIONS;

const REGIONAL: [AgencyKind; 7] = [
    AgencyKind::Police,
    AgencyKind::JuvenileInspectorate,
    AgencyKind::SocialProtection,
    AgencyKind::FamilySupportCenter,
    AgencyKind::EducationDepartment,
    AgencyKind::Health,
    AgencyKind::Prosecutor,
];

/// A complete directory for the tests to break: one police department per region, and the
/// national committee standing in for every other kind.
fn complete() -> String {
    let mut text = String::from("version = \"test\"\n");
    for kind in AgencyKind::ALL.iter().filter(|k| **k != AgencyKind::Police) {
        let kind = kind.as_str();
        text +=
            &format!("[[agencies]]\nid = \"kz-{kind}\"\nkind = \"{kind}\"\nnames = {{ kk = \"к\", ru = \"р\", en = \"e\" }}\n");
    }
    for region in &REGIONS {
        let code = region.code;
        let id = code.to_lowercase();
        text += &format!(
            "[[agencies]]\nid = \"{id}-police\"\nkind = \"police\"\nregion = \"{code}\"\nnames = {{ kk = \"к\", ru = \"р\", en = \"e\" }}\n"
        );
    }
    text
}

fn refusal(text: &str) -> String {
    match AgencyDirectory::from_toml(text) {
        Err(e) => {
            assert_eq!(e.file, "data/agencies.toml");
            e.message
        }
        Ok(_) => panic!("expected a refusal of:\n{text}"),
    }
}

#[test]
fn embedded_directory_parses() {
    let directory = AgencyDirectory::embedded();
    assert!(!directory.version().is_empty());
    assert_eq!(directory.agencies().len(), REGIONS.len() * REGIONAL.len() + 1);
}

#[test]
fn every_region_has_its_own_agency_of_every_regional_kind() {
    let directory = AgencyDirectory::embedded();
    for region in &REGIONS {
        for kind in REGIONAL {
            let agency = directory.find(kind, region.code).unwrap_or_else(|| panic!("{} has no {kind:?}", region.code));
            assert_eq!(agency.region.as_deref(), Some(region.code));
            let id = format!("{}-{}", region.code.to_lowercase(), kind.as_str().replace('_', "-"));
            assert_eq!(agency.id, id);
            assert!(agency.names.blank_languages().is_none(), "{id}");
        }
    }
}

#[test]
fn the_committee_for_childrens_rights_is_national() {
    let directory = AgencyDirectory::embedded();
    let committee = directory.get("kz-childrens-rights-committee").unwrap();
    assert_eq!((committee.kind, committee.region.as_deref()), (AgencyKind::ChildrensRightsCommittee, None));
    for region in &REGIONS {
        assert_eq!(directory.find(AgencyKind::ChildrensRightsCommittee, region.code), Some(committee));
    }
}

#[test]
fn names_follow_the_official_style() {
    let directory = AgencyDirectory::embedded();
    let police = &directory.get("kz-71-police").unwrap().names;
    assert_eq!(police.ru, "Департамент полиции города Астаны");
    assert_eq!(police.kk, "Астана қаласының Полиция департаменті");
    assert_eq!(police.en, "Police Department of Astana");
    let education = &directory.get("kz-10-education-department").unwrap().names;
    assert_eq!(education.ru, "Управление образования Абайской области");
}

#[test]
fn find_prefers_the_regional_agency_and_falls_back_to_the_national_one() {
    let directory = AgencyDirectory::from_toml(&complete()).unwrap();
    assert_eq!(directory.find(AgencyKind::Police, "KZ-75").map(|a| a.id.as_str()), Some("kz-75-police"));
    assert_eq!(directory.find(AgencyKind::Health, "KZ-75").map(|a| a.id.as_str()), Some("kz-health"));
    assert_eq!(directory.find(AgencyKind::Police, "KZ-99"), None, "no national police to fall back to");
}

#[test]
fn kinds_round_trip() {
    for kind in AgencyKind::ALL {
        assert_eq!(AgencyKind::parse(kind.as_str()), Some(*kind));
        assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
    }
    assert_eq!(AgencyKind::parse("army"), None);
}

#[test]
fn refuses_bad_directories_naming_the_problem() {
    let good = complete();
    assert!(AgencyDirectory::from_toml(&good).is_ok());
    let astana = "id = \"kz-71-police\"\nkind = \"police\"\nregion = \"KZ-71\"\n";
    let cases: Vec<(String, &str)> = vec![
        (good.replace("id = \"kz-75-police\"", "id = \"kz-71-police\""), "agency \"kz-71-police\" is defined twice"),
        (good.replace("region = \"KZ-71\"", "region = \"KZ-99\""), "agency \"kz-71-police\": unknown region \"KZ-99\""),
        (good.replace(astana, "id = \"kz-71-police\"\nkind = \"police\"\nregion = \"KZ-75\"\n"), "a second police for KZ-75"),
        (
            good.replace(astana, "id = \"kz-71-police\"\nkind = \"health\"\nregion = \"KZ-71\"\n"),
            "region KZ-71 has no agency of kind police",
        ),
        (
            good.replace("id = \"kz-health\"\nkind = \"health\"", "id = \"kz-health\"\nkind = \"prosecutor\""),
            "a second prosecutor for the whole country",
        ),
        (good.replacen("en = \"e\"", "en = \" \"", 1), "has no name in en"),
        (good.replacen("kind = \"health\"", "kind = \"hospital\"", 1), "unknown variant `hospital`"),
        (good.replacen("version = \"test\"", "version = \"\"", 1), "version is empty"),
        (good.replacen("region = \"KZ-71\"", "region = \"KZ-71\"\nphone = \"102\"", 1), "unknown field `phone`"),
    ];
    for (text, expected) in cases {
        let message = refusal(&text);
        assert!(message.contains(expected), "expected {expected:?} in {message:?}");
    }
}

//! Triage as a table: the answers said yes, and the level and reasons they give.

use super::*;
use serde_json::json;

fn level_and_reasons(yes: &[&str], incidents: Option<u32>) -> (RiskLevel, Vec<String>) {
    let answers = Answers { incidents_past_year: incidents, ..Answers::from_yes(yes) };
    let t = Triage::of(&answers);
    (t.level, t.reasons.iter().map(Reason::text).collect())
}

const ALL_DASH_BUT: fn(usize) -> Vec<&'static str> =
    |n| ITEMS.iter().filter(|i| i.dash && !i.red_flag && i.lethality == Lethality::No).take(n).map(|i| i.code).collect();

#[test]
fn levels_and_reasons() {
    /// Said yes, incidents in the past year → level, reasons.
    type Case = (Vec<&'static str>, Option<u32>, RiskLevel, Vec<&'static str>);
    let cases: Vec<Case> = vec![
        (vec![], None, RiskLevel::Standard, vec![]),
        (vec!["isolated"], None, RiskLevel::Standard, vec![]),
        (vec!["danger_now"], None, RiskLevel::Immediate, vec!["someone is in danger right now"]),
        (vec!["child_alone_or_locked_in"], None, RiskLevel::Immediate, vec!["a child is alone or locked in"]),
        (vec!["threats_to_kill"], None, RiskLevel::High, vec!["threats to kill"]),
        (vec!["strangulation"], None, RiskLevel::High, vec!["strangulation"]),
        (vec!["stalking"], None, RiskLevel::High, vec!["stalking"]),
        (vec!["very_frightened"], None, RiskLevel::High, vec!["the victim is very frightened"]),
        (vec!["weapon_used_or_threatened"], None, RiskLevel::High, vec!["a weapon used or threatened"]),
        (vec!["fears_being_killed"], None, RiskLevel::High, vec!["the victim fears being killed"]),
        (vec!["child_injured"], None, RiskLevel::High, vec!["a child is injured"]),
        (vec!["child_speaks_of_suicide"], None, RiskLevel::High, vec!["a child speaks of suicide"]),
        (
            vec!["separation", "controlling_jealous", "current_injury"],
            None,
            RiskLevel::High,
            vec!["separation, control and violence together"],
        ),
        (vec!["separation", "controlling_jealous"], None, RiskLevel::Standard, vec![]),
        (
            vec!["separation", "controlling_jealous", "gun_access", "perpetrator_unemployed"],
            None,
            RiskLevel::High,
            vec!["4 lethality factors"],
        ),
        (vec!["child_witnessing_violence"], None, RiskLevel::Medium, vec!["a child witnesses violence"]),
        (vec!["abuser_lives_with_child"], None, RiskLevel::Medium, vec!["the abuser lives with the child"]),
        (vec![], Some(3), RiskLevel::Medium, vec!["3 incidents in the past year"]),
        (vec![], Some(2), RiskLevel::Standard, vec![]),
        (
            vec!["danger_now", "threats_to_kill"],
            None,
            RiskLevel::Immediate,
            vec!["someone is in danger right now", "threats to kill"],
        ),
    ];
    for (yes, incidents, level, reasons) in cases {
        assert_eq!(level_and_reasons(&yes, incidents), (level, reasons.iter().map(|r| r.to_string()).collect()), "{yes:?}");
    }
}

#[test]
fn dash_counts_give_medium_then_high() {
    let plain: Vec<&str> = ALL_DASH_BUT(30);
    assert!(plain.len() >= 14, "enough DASH items without a red flag: {}", plain.len());
    assert_eq!(level_and_reasons(&plain[..9], None).0, RiskLevel::Standard);
    assert_eq!(level_and_reasons(&plain[..10], None), (RiskLevel::Medium, vec!["10 of 24 risk factors".to_string()]));
    assert_eq!(level_and_reasons(&plain[..14], None), (RiskLevel::High, vec!["14 of 24 risk factors".to_string()]));
}

#[test]
fn judgement_raises_never_lowers_and_is_kept() {
    let raise = Answers {
        judgement: Some(Judgement { level: RiskLevel::High, reason: "the caller whispered".into() }),
        ..Answers::from_yes(&["isolated"])
    };
    let t = Triage::of(&raise);
    assert_eq!((t.computed, t.level), (RiskLevel::Standard, RiskLevel::High));
    assert_eq!(t.reasons.last(), Some(&Reason::Judgement));

    let lower = Answers {
        judgement: Some(Judgement { level: RiskLevel::Standard, reason: "seems calm".into() }),
        ..Answers::from_yes(&["threats_to_kill"])
    };
    let t = Triage::of(&lower);
    assert_eq!(t.level, RiskLevel::High, "judgement never lowers");
    assert!(t.judgement.is_some(), "but it is recorded");
}

#[test]
fn immediate_danger_means_emergency_and_102() {
    let t = Triage::of(&Answers::from_yes(&["danger_now"]));
    assert!(t.hand_to_police_now());
    assert_eq!(t.priority(), Priority::Emergency);
    assert!(!Triage::of(&Answers::from_yes(&["threats_to_kill"])).hand_to_police_now());
}

#[test]
fn answers_are_read_with_field_errors() {
    let mut errors = Errors::default();
    let answers = Answers::read(
        Some(
            json!({"answers": {"threats_to_kill": true, "isolated": false, "unicorns": true, "stalking": "yes"}, "incidents_past_year": -1, "judgement": {"level": "extreme"}}),
        ),
        "triage",
        &mut errors,
    );
    assert!(answers.is_none());
    let Err(crate::Error::Validation(fields)) = errors.finish(|| ()) else { panic!() };
    let fields: Vec<_> = fields.iter().map(|f| (f.field.as_str(), f.code)).collect();
    assert_eq!(
        fields,
        [
            ("triage.answers.stalking", "expected_boolean"),
            ("triage.answers.unicorns", "unknown_value"),
            ("triage.incidents_past_year", "out_of_range"),
            ("triage.judgement.level", "unknown_value"),
            ("triage.judgement.reason", "required"),
        ]
    );
    let mut errors = Errors::default();
    let good = Answers::read(
        Some(json!({"answers": {"threats_to_kill": true, "isolated": false}, "incidents_past_year": 4})),
        "triage",
        &mut errors,
    )
    .unwrap();
    assert_eq!(good.yes.iter().copied().collect::<Vec<_>>(), ["threats_to_kill"]);
    assert_eq!(good.incidents_past_year, Some(4));
    assert_eq!(Answers::read(None, "triage", &mut errors), Some(Answers::default()));
}

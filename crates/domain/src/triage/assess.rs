//! From answers to a risk level with its reasons.
//!
//! The thresholds are those of the instruments (DOMAIN.md): DASH, 14 or more "yes" of 24 is
//! high risk, three or more incidents in 12 months is potential escalation; Lethality Screen,
//! any of its three trigger questions, or four of its counted ones, is high danger. Red flags
//! and the cluster (separation + control + physical or sexual violence) are high on their own.
//! Qorgau adds: someone in danger right now, or a child alone or locked in, is immediate
//! danger; a child injured or speaking of suicide is high; a child witnessing violence or
//! living with the abuser, 10 or more DASH items, or escalation is medium.

use super::questionnaire::{ITEMS, Lethality, item_by_code};
use super::{Reason, RiskLevel};
use std::collections::BTreeSet;

pub const DASH_HIGH: usize = 14;
pub const DASH_MEDIUM: usize = 10;
pub const DASH_ITEMS: usize = 24;
pub const LETHALITY_COUNTED_HIGH: usize = 4;
pub const ESCALATION_INCIDENTS: u32 = 3;

/// The computed level (before professional judgement) and why.
pub fn assess(yes: &BTreeSet<&'static str>, incidents_past_year: Option<u32>) -> (RiskLevel, Vec<Reason>) {
    let mut reasons = Vec::new();
    let has = |code: &str| yes.contains(code);
    let mut level = RiskLevel::Standard;
    let mut raise = |to: RiskLevel, reason: Reason, reasons: &mut Vec<Reason>| {
        level = level.max(to);
        reasons.push(reason);
    };
    for code in ["danger_now", "child_alone_or_locked_in"] {
        if has(code) {
            raise(RiskLevel::Immediate, Reason::Answer(code), &mut reasons);
        }
    }
    for item in ITEMS.iter().filter(|i| i.lethality == Lethality::Trigger || i.red_flag) {
        if has(item.code) {
            raise(RiskLevel::High, Reason::Answer(item.code), &mut reasons);
        }
    }
    for code in ["child_injured", "child_speaks_of_suicide"] {
        if has(code) {
            raise(RiskLevel::High, Reason::Answer(code), &mut reasons);
        }
    }
    if has("separation") && has("controlling_jealous") && (has("current_injury") || has("sexual_abuse")) {
        raise(RiskLevel::High, Reason::Cluster, &mut reasons);
    }
    let lethality = ITEMS.iter().filter(|i| i.lethality == Lethality::Counted && has(i.code)).count();
    if lethality >= LETHALITY_COUNTED_HIGH {
        raise(RiskLevel::High, Reason::LethalityScreen { yes: lethality }, &mut reasons);
    }
    let dash = dash_count(yes);
    if dash >= DASH_HIGH {
        raise(RiskLevel::High, Reason::Dash { yes: dash, of: DASH_ITEMS }, &mut reasons);
    } else if dash >= DASH_MEDIUM {
        raise(RiskLevel::Medium, Reason::Dash { yes: dash, of: DASH_ITEMS }, &mut reasons);
    }
    if let Some(n) = incidents_past_year.filter(|n| *n >= ESCALATION_INCIDENTS) {
        raise(RiskLevel::Medium, Reason::Escalation { incidents: n }, &mut reasons);
    }
    for code in ["child_witnessing_violence", "abuser_lives_with_child"] {
        if has(code) {
            raise(RiskLevel::Medium, Reason::Answer(code), &mut reasons);
        }
    }
    (level, reasons)
}

pub fn dash_count(yes: &BTreeSet<&'static str>) -> usize {
    yes.iter().filter_map(|c| item_by_code(c)).filter(|i| i.dash).count()
}

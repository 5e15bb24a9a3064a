//! The items of the questionnaire. One list serves both instruments of DOMAIN.md — the DASH
//! checklist (SafeLives, 24 items) and the police Lethality Screen (11 items) — so that an
//! operator never asks the same thing twice, plus the child-specific items and whether anyone
//! is in danger right now.

/// What an item counts for in the Lethality Screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lethality {
    /// Not an item of the screen.
    No,
    /// "Yes" means high danger at once (weapon, threats to kill, "might kill you").
    Trigger,
    /// Counted: four or more "yes" mean high danger.
    Counted,
}

/// One question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Item {
    pub code: &'static str,
    /// One of the 24 DASH items.
    pub dash: bool,
    pub lethality: Lethality,
    /// A red flag on its own (DOMAIN.md): strangulation, threats to kill, stalking, the victim's own fear.
    pub red_flag: bool,
    /// Asked on the public web form too (in words a child understands).
    pub public: bool,
}

const fn item(code: &'static str, dash: bool, lethality: Lethality, red_flag: bool, public: bool) -> Item {
    Item { code, dash, lethality, red_flag, public }
}

use Lethality::{Counted, No, Trigger};

/// Every item, in the order an operator asks them.
pub const ITEMS: &[Item] = &[
    item("danger_now", false, No, false, true),
    item("current_injury", true, No, false, true),
    item("very_frightened", true, No, true, false),
    item("fears_being_killed", true, Trigger, false, false),
    item("threats_to_kill", true, Trigger, true, true),
    item("weapon_used_or_threatened", true, Trigger, false, false),
    item("strangulation", true, Counted, true, false),
    item("sexual_abuse", true, No, false, false),
    item("stalking", true, Counted, true, false),
    item("controlling_jealous", true, Counted, false, false),
    item("separation", true, Counted, false, false),
    item("child_contact_conflict", true, No, false, false),
    item("isolated", true, No, false, false),
    item("depressed_or_suicidal", true, No, false, false),
    item("pregnancy", true, No, false, false),
    item("abuse_more_frequent", true, No, false, false),
    item("abuse_worse", true, No, false, false),
    item("others_threatening", true, No, false, false),
    item("hurt_children_or_dependants", true, No, false, false),
    item("animal_abuse", true, No, false, false),
    item("financial_dependence", true, No, false, false),
    item("perpetrator_substance_or_mental_health", true, No, false, false),
    item("perpetrator_suicide_threats", true, Counted, false, false),
    item("breached_orders", true, No, false, false),
    item("criminal_history", true, No, false, false),
    item("gun_access", false, Counted, false, false),
    item("perpetrator_unemployed", false, Counted, false, false),
    item("child_not_theirs", false, Counted, false, false),
    item("child_alone_or_locked_in", false, No, false, true),
    item("child_injured", false, No, false, true),
    item("child_witnessing_violence", false, No, false, true),
    item("child_speaks_of_suicide", false, No, false, true),
    item("abuser_lives_with_child", false, No, false, true),
];

pub fn item_by_code(code: &str) -> Option<&'static Item> {
    ITEMS.iter().find(|i| i.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_instruments_are_whole() {
        assert_eq!(ITEMS.iter().filter(|i| i.dash).count(), 24, "DASH has 24 items");
        assert_eq!(ITEMS.iter().filter(|i| i.lethality != No).count(), 11, "the Lethality Screen has 11 items");
        assert_eq!(ITEMS.iter().filter(|i| i.lethality == Trigger).count(), 3);
        let codes: std::collections::HashSet<_> = ITEMS.iter().map(|i| i.code).collect();
        assert_eq!(codes.len(), ITEMS.len(), "codes are unique");
    }
}

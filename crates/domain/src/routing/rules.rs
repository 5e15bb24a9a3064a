//! Routing rules: which kinds of agency must act on which complaints, and in which role.
//!
//! Rules are data (`data/routing.toml`) because who handles what is set by orders and
//! interagency agreements that change without the codes changing. Each rule says *when* it
//! applies (categories, a minor, the risk, anonymity) and *whom* it assigns; all rules that
//! apply contribute, so a rule can be read, tested and changed on its own.

use super::RoutingInput;
use super::agencies::AgencyKind;
use crate::data::DataError;
use crate::taxonomy::Taxonomy;
use crate::triage::RiskLevel;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use utoipa::ToSchema;

const FILE: &str = "data/routing.toml";

/// What an agency is asked to do. `Ord` follows strength: `Lead < Support < Informed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Handles the case and reports back to the contact center what it did.
    Lead,
    /// Acts alongside the lead and reports back too.
    Support,
    /// Told of the case; no action owed.
    Informed,
}

impl Role {
    pub const ALL: &'static [Role] = &[Role::Lead, Role::Support, Role::Informed];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Lead => "lead",
            Role::Support => "support",
            Role::Informed => "informed",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|r| r.as_str() == code)
    }
}

/// The rules in force, with the version of their file (recorded with each routing decision).
/// Only built by [`RoutingRules::from_toml`], so every category a rule names exists.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoutingRules {
    version: String,
    rules: Vec<Rule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RoutingFile {
    version: String,
    rules: Vec<Rule>,
}

/// One rule: when it applies, and the agencies it assigns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    pub description: String,
    pub when: Condition,
    /// In TOML, `[[rules.assign]]` tables of `kind` and `role`.
    #[serde(with = "assign_tables")]
    pub assign: Vec<(AgencyKind, Role)>,
}

/// When a rule applies: every condition given must hold; a condition left out always holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Condition {
    /// Any of these categories is among the complaint's; empty = whatever the categories (even none).
    pub categories: Vec<String>,
    /// Whether some victim is a minor.
    pub minor: Option<bool>,
    /// The triage's risk is at least this.
    pub min_risk: Option<RiskLevel>,
    /// Whether the reporter is anonymous.
    pub anonymous: Option<bool>,
}

impl Condition {
    pub fn holds(&self, input: &RoutingInput) -> bool {
        (self.categories.is_empty() || input.categories.iter().any(|c| self.categories.contains(c)))
            && self.minor.is_none_or(|m| m == input.any_minor)
            && self.min_risk.is_none_or(|r| input.risk >= r)
            && self.anonymous.is_none_or(|a| a == input.anonymous)
    }
}

impl RoutingRules {
    /// Parses and validates a rules file against `taxonomy`: unique rule ids, a description and at
    /// least one assignment each, no kind assigned twice by one rule, only categories that exist.
    pub fn from_toml(text: &str, taxonomy: &Taxonomy) -> Result<Self, DataError> {
        let file: RoutingFile = toml::from_str(text).map_err(|e| DataError::new(FILE, e.to_string()))?;
        let rules = RoutingRules { version: file.version, rules: file.rules };
        rules.validate(taxonomy).map_err(|message| DataError::new(FILE, message))?;
        Ok(rules)
    }

    /// The rules shipped with this build (`data/routing.toml`), checked against `taxonomy`.
    ///
    /// # Panics
    /// If `taxonomy` lacks a category the embedded rules name: a replaced taxonomy must be
    /// checked with [`RoutingRules::from_toml`] instead.
    pub fn embedded(taxonomy: &Taxonomy) -> Self {
        Self::from_toml(include_str!("../../../../data/routing.toml"), taxonomy).expect("the embedded data/routing.toml is valid")
    }

    pub fn version(&self) -> &str {
        &self.version
    }

    /// In the order of the file, which decides ties (see [`super::route`]).
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    fn validate(&self, taxonomy: &Taxonomy) -> Result<(), String> {
        if self.version.trim().is_empty() {
            return Err("version is empty".into());
        }
        if self.rules.is_empty() {
            return Err("no rules".into());
        }
        let mut ids = HashSet::new();
        for rule in &self.rules {
            if !ids.insert(rule.id.as_str()) {
                return Err(format!("rule {:?} is defined twice", rule.id));
            }
            rule.validate(taxonomy).map_err(|m| format!("rule {:?}: {m}", rule.id))?;
        }
        Ok(())
    }
}

impl Rule {
    fn validate(&self, taxonomy: &Taxonomy) -> Result<(), String> {
        if self.id.trim().is_empty() || self.description.trim().is_empty() {
            return Err("empty id or description".into());
        }
        if let Some(code) = self.when.categories.iter().find(|c| taxonomy.get(c).is_none()) {
            return Err(format!("unknown category {code:?}"));
        }
        if self.assign.is_empty() {
            return Err("assigns no agency".into());
        }
        let mut kinds = HashSet::new();
        match self.assign.iter().find(|(kind, _)| !kinds.insert(*kind)) {
            Some((kind, _)) => Err(format!("assigns {} twice", kind.as_str())),
            None => Ok(()),
        }
    }
}

/// `Vec<(AgencyKind, Role)>` as a list of `{ kind, role }` tables.
mod assign_tables {
    use super::{AgencyKind, Role};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Assign {
        kind: AgencyKind,
        role: Role,
    }

    pub fn serialize<S: Serializer>(assign: &[(AgencyKind, Role)], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(assign.iter().map(|&(kind, role)| Assign { kind, role }))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<(AgencyKind, Role)>, D::Error> {
        Ok(Vec::<Assign>::deserialize(d)?.into_iter().map(|a| (a.kind, a.role)).collect())
    }
}

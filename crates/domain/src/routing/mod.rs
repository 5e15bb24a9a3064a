//! Routing: which agencies must act on a complaint, and in which role.
//!
//! The contact center does not investigate; it "works with central and local state bodies on
//! every appeal received" and follows the case until they report back (Marriage and Family Code
//! art. 67-1). Routing turns a classified complaint into those agencies: the rules
//! ([`RoutingRules`], `data/routing.toml`) say which *kinds* of agency and roles a case calls for,
//! and the directory ([`AgencyDirectory`], `data/agencies.toml`) resolves each kind to the agency
//! of the complaint's region. Both are data, so that a change of the orders is an edit of a file.
//!
//! [`route`] is pure: the same input and data always give the same assignments, which is what
//! lets a preview show exactly what intake will store, and lets the rules be tested as a table.
//!
//! **Empty by design.** With the embedded rules, a case with no category gets only what its risk
//! calls for (the police, from high risk up); below that the answer is empty and the contact
//! center keeps the case until it is classified. Information, psychological and legal
//! consultations are empty too: the contact center answers them itself, in confidence.

mod agencies;
mod rules;

pub use agencies::{Agency, AgencyDirectory, AgencyKind};
pub use rules::{Condition, Role, RoutingRules, Rule};

use crate::triage::RiskLevel;
use serde::Serialize;
use utoipa::ToSchema;

/// What routing reads of a complaint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoutingInput<'a> {
    /// Category codes, the primary first.
    pub categories: &'a [String],
    /// ISO 3166-2:KZ code of a known region (a validated complaint's). For an unknown code
    /// only national bodies can be found, and regional assignments are left out.
    pub region: &'a str,
    /// Some victim is a minor.
    pub any_minor: bool,
    pub risk: RiskLevel,
    pub anonymous: bool,
}

/// One agency that must act on (or be told of) a complaint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Assignment {
    pub agency_id: String,
    pub agency_kind: AgencyKind,
    pub role: Role,
    /// The rule that gave this role, for the record of why.
    pub rule_id: String,
}

/// Every rule whose condition holds contributes its assignments; one agency appears once, with
/// the strongest role (lead > support > informed) and the id of the first rule, in file order,
/// that gave that role; sorted lead first, then by first appearance. Pure.
pub fn route(rules: &RoutingRules, agencies: &AgencyDirectory, input: &RoutingInput) -> Vec<Assignment> {
    let mut assignments: Vec<Assignment> = Vec::new();
    for rule in rules.rules().iter().filter(|r| r.when.holds(input)) {
        for &(kind, role) in &rule.assign {
            if let Some(agency) = agencies.find(kind, input.region) {
                merge(&mut assignments, agency, role, &rule.id);
            }
        }
    }
    assignments.sort_by_key(|a| a.role);
    assignments
}

/// Adds `agency` in `role`, or strengthens its role if it is already assigned more weakly.
fn merge(assignments: &mut Vec<Assignment>, agency: &Agency, role: Role, rule_id: &str) {
    match assignments.iter_mut().find(|a| a.agency_id == agency.id) {
        Some(existing) if role < existing.role => {
            existing.role = role;
            existing.rule_id = rule_id.to_owned();
        }
        Some(_) => {}
        None => assignments.push(Assignment {
            agency_id: agency.id.clone(),
            agency_kind: agency.kind,
            role,
            rule_id: rule_id.to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests;

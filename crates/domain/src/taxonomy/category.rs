//! One category and the legal facts it rests on.

use super::Names;
use crate::priority::Priority;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A kind of appeal, as the contact center classifies it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Category {
    /// Stable code, snake_case ASCII (`battery`): stored with complaints and named by routing rules.
    pub code: String,
    pub names: Names,
    pub kind: CategoryKind,
    /// The acts and articles it rests on; offences have at least one.
    #[serde(default)]
    pub legal_basis: Vec<LegalBasis>,
    /// The priority a complaint of this category starts with; triage may raise it, never lower it.
    pub default_priority: Priority,
    /// Only a minor can be the victim (bullying of a minor, a child's suicide risk…).
    #[serde(default)]
    pub minors_only: bool,
}

/// What the law makes of a category, which decides who must act on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CategoryKind {
    /// A crime under the Criminal Code: law enforcement must receive it, even anonymously.
    CriminalOffence,
    /// An offence under the Code of Administrative Offences (or rules fined under it).
    AdministrativeOffence,
    /// No offence named, but a person or family needs a state body to act (a child's suicide
    /// risk, a family in a difficult life situation).
    ProtectionNeed,
    /// The contact center answers itself: information, psychological or legal consultation.
    Information,
}

impl CategoryKind {
    pub fn is_offence(self) -> bool {
        matches!(self, CategoryKind::CriminalOffence | CategoryKind::AdministrativeOffence)
    }
}

/// One legal fact behind a category: an act, and an article of it where one is known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LegalBasis {
    pub act: LegalAct,
    /// As the act numbers it (`108-1`); `None` where the act matters but no article is known.
    pub article: Option<String>,
    /// `false` when the fact is unconfirmed (DOMAIN.md); such an entry must say why in `note`.
    pub confirmed: bool,
    pub note: Option<String>,
}

/// The acts that categories rest on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LegalAct {
    CriminalCode,
    AdministrativeOffencesCode,
    MarriageFamilyCode,
    AdministrativeProcedureCode,
    /// Law on Prevention of Domestic Violence No. 214-IV of 4 December 2009.
    DomesticViolenceLaw,
    /// Rules of carriage of passengers (amended by Order No. 226 of 28 June 2024).
    RulesOfCarriage,
    Other,
}

impl Category {
    pub(super) fn validate(&self) -> Result<(), String> {
        let code = &self.code;
        if !is_code(code) {
            return Err(format!("category code {code:?} is not snake_case ASCII (a-z, 0-9, _; starting with a letter)"));
        }
        if let Some(languages) = self.names.blank_languages() {
            return Err(format!("category {code:?} has no name in {languages}"));
        }
        if self.kind.is_offence() && self.legal_basis.is_empty() {
            return Err(format!("category {code:?} is an offence but has no legal_basis"));
        }
        self.legal_basis.iter().try_for_each(|basis| basis.validate().map_err(|m| format!("category {code:?}: {m}")))
    }
}

impl LegalBasis {
    fn validate(&self) -> Result<(), String> {
        if self.article.as_deref().is_some_and(|a| a.trim().is_empty()) {
            return Err("an article is empty (leave it out when none is known)".into());
        }
        let has_note = self.note.as_deref().is_some_and(|n| !n.trim().is_empty());
        if !self.confirmed && !has_note {
            return Err("an unconfirmed legal basis has no note saying what is unconfirmed".into());
        }
        Ok(())
    }
}

fn is_code(code: &str) -> bool {
    code.starts_with(|c: char| c.is_ascii_lowercase())
        && code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

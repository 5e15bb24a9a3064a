//! The agencies the contact center hands appeals to, one of each kind per region.
//!
//! A directory (`data/agencies.toml`) rather than code, because agencies are reorganised and
//! renamed by akimats and ministries far more often than the law changes. It is refused unless
//! every region has an agency of every kind (its own or a national one): routing must never find
//! nobody for a complaint of a real region.

use crate::data::DataError;
use crate::region::{REGIONS, Region};
use crate::taxonomy::Names;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use utoipa::ToSchema;

const FILE: &str = "data/agencies.toml";

/// What an agency is; routing rules assign kinds, the directory resolves them per region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AgencyKind {
    Police,
    /// The police's inspectorate for minors' affairs.
    JuvenileInspectorate,
    /// The akimat's employment and social protection unit.
    SocialProtection,
    /// Marriage and Family Code art. 5-1 p.3; runs the mobile groups.
    FamilySupportCenter,
    EducationDepartment,
    Health,
    Prosecutor,
    /// The national Committee for Protection of Children's Rights.
    ChildrensRightsCommittee,
}

impl AgencyKind {
    pub const ALL: &'static [AgencyKind] = &[
        AgencyKind::Police,
        AgencyKind::JuvenileInspectorate,
        AgencyKind::SocialProtection,
        AgencyKind::FamilySupportCenter,
        AgencyKind::EducationDepartment,
        AgencyKind::Health,
        AgencyKind::Prosecutor,
        AgencyKind::ChildrensRightsCommittee,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AgencyKind::Police => "police",
            AgencyKind::JuvenileInspectorate => "juvenile_inspectorate",
            AgencyKind::SocialProtection => "social_protection",
            AgencyKind::FamilySupportCenter => "family_support_center",
            AgencyKind::EducationDepartment => "education_department",
            AgencyKind::Health => "health",
            AgencyKind::Prosecutor => "prosecutor",
            AgencyKind::ChildrensRightsCommittee => "childrens_rights_committee",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.as_str() == code)
    }
}

/// One agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Agency {
    /// Stable id (`kz-71-police`), stored with assignments.
    pub id: String,
    pub kind: AgencyKind,
    /// ISO 3166-2:KZ code (`KZ-71`); `None` for a national body.
    #[serde(default)]
    pub region: Option<String>,
    pub names: Names,
}

/// All agencies. Only built by [`AgencyDirectory::from_toml`], so it is always complete.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct AgencyDirectory {
    version: String,
    agencies: Vec<Agency>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AgenciesFile {
    version: String,
    agencies: Vec<Agency>,
}

impl AgencyDirectory {
    /// Parses and validates a directory: unique ids, names in every language, known regions,
    /// at most one agency of a kind per region, and one of every kind for every region.
    pub fn from_toml(text: &str) -> Result<Self, DataError> {
        let file: AgenciesFile = toml::from_str(text).map_err(|e| DataError::new(FILE, e.to_string()))?;
        let directory = AgencyDirectory { version: file.version, agencies: file.agencies };
        directory.validate().map_err(|message| DataError::new(FILE, message))?;
        Ok(directory)
    }

    /// The directory shipped with this build (`data/agencies.toml`); its validity is tested.
    pub fn embedded() -> Self {
        Self::from_toml(include_str!("../../../../data/agencies.toml")).expect("the embedded data/agencies.toml is valid")
    }

    pub fn version(&self) -> &str {
        &self.version
    }

    pub fn agencies(&self) -> &[Agency] {
        &self.agencies
    }

    pub fn get(&self, id: &str) -> Option<&Agency> {
        self.agencies.iter().find(|a| a.id == id)
    }

    /// The agency of `kind` for `region`: the region's own, else the national one of that kind.
    pub fn find(&self, kind: AgencyKind, region: &str) -> Option<&Agency> {
        let of_kind = || self.agencies.iter().filter(move |a| a.kind == kind);
        of_kind().find(|a| a.region.as_deref() == Some(region)).or_else(|| of_kind().find(|a| a.region.is_none()))
    }

    fn validate(&self) -> Result<(), String> {
        if self.version.trim().is_empty() {
            return Err("version is empty".into());
        }
        let mut ids = HashSet::new();
        let mut places = HashSet::new();
        for agency in &self.agencies {
            agency.validate()?;
            if !ids.insert(agency.id.as_str()) {
                return Err(format!("agency {:?} is defined twice", agency.id));
            }
            if !places.insert((agency.kind, agency.region.as_deref())) {
                let place = agency.region.as_deref().unwrap_or("the whole country");
                return Err(format!("agency {:?}: a second {} for {place}", agency.id, agency.kind.as_str()));
            }
        }
        self.check_complete()
    }

    /// Every region finds an agency of every kind.
    fn check_complete(&self) -> Result<(), String> {
        for region in &REGIONS {
            let missing: Vec<&str> =
                AgencyKind::ALL.iter().filter(|k| self.find(**k, region.code).is_none()).map(|k| k.as_str()).collect();
            if !missing.is_empty() {
                return Err(format!("region {} has no agency of kind {}", region.code, missing.join(", ")));
            }
        }
        Ok(())
    }
}

impl Agency {
    fn validate(&self) -> Result<(), String> {
        let id = &self.id;
        if id.trim().is_empty() {
            return Err("an agency has an empty id".into());
        }
        if let Some(languages) = self.names.blank_languages() {
            return Err(format!("agency {id:?} has no name in {languages}"));
        }
        match self.region.as_deref() {
            Some(code) if Region::by_code(code).is_none() => Err(format!("agency {id:?}: unknown region {code:?}")),
            _ => Ok(()),
        }
    }
}

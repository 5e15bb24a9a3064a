//! All the reference data the rules read, loaded together: taxonomy, agencies, routing rules,
//! calendar and deadline policies. Embedded in the binary; an administrator may replace any
//! file without a rebuild (the server reads replacements at start and checks them here).

use crate::calendar::{Calendar, DeadlinePolicies};
use crate::data::DataError;
use crate::routing::{AgencyDirectory, RoutingRules};
use crate::taxonomy::Taxonomy;

pub struct Reference {
    pub taxonomy: Taxonomy,
    pub agencies: AgencyDirectory,
    pub routing: RoutingRules,
    pub calendar: Calendar,
    pub deadlines: DeadlinePolicies,
    /// The versions of the data, named once (stored with each complaint).
    version: String,
}

/// The texts of the reference files; `None` means "the embedded one".
#[derive(Debug, Default, Clone)]
pub struct ReferenceTexts {
    pub taxonomy: Option<String>,
    pub agencies: Option<String>,
    pub routing: Option<String>,
    pub calendar: Option<String>,
    pub deadlines: Option<String>,
}

/// The file names, as an administrator places them.
pub const FILES: [&str; 5] = ["taxonomy.toml", "agencies.toml", "routing.toml", "calendar.toml", "deadlines.toml"];

impl Reference {
    pub fn embedded() -> Reference {
        Self::from_texts(&ReferenceTexts::default()).expect("the embedded reference data is valid")
    }

    /// Parses and checks the given texts (the embedded data where a text is `None`).
    pub fn from_texts(texts: &ReferenceTexts) -> Result<Reference, DataError> {
        let taxonomy = match &texts.taxonomy {
            Some(t) => Taxonomy::from_toml(t)?,
            None => Taxonomy::embedded(),
        };
        let routing = match &texts.routing {
            Some(t) => RoutingRules::from_toml(t, &taxonomy)?,
            None => RoutingRules::embedded(&taxonomy),
        };
        let version = format!("taxonomy {} / routing {}", taxonomy.version(), routing.version());
        Ok(Reference {
            version,
            agencies: match &texts.agencies {
                Some(t) => AgencyDirectory::from_toml(t)?,
                None => AgencyDirectory::embedded(),
            },
            calendar: match &texts.calendar {
                Some(t) => Calendar::from_toml(t)?,
                None => Calendar::embedded(),
            },
            deadlines: match &texts.deadlines {
                Some(t) => DeadlinePolicies::from_toml(t)?,
                None => DeadlinePolicies::embedded(),
            },
            taxonomy,
            routing,
        })
    }

    /// Names the versions of the data a decision was made with (stored with each complaint).
    pub fn version(&self) -> &str {
        &self.version
    }
}

//! The registry of educational institutions: schools, colleges and kindergartens, each with
//! its BIN, region, locality and the education department it answers to.
//!
//! Why a registry: schools must report violence at once (DOMAIN.md), complaints come in through
//! QR codes posted in schools, and a complaint about a school is followed up with the education
//! department it belongs to. All of that needs to know which school is which, and whose it is.
//!
//! The ministry keeps its lists in spreadsheets, so the registry is filled by CSV import
//! ([`parse_csv`]): every row is validated like an API request ([`InstitutionInput::validate`]),
//! good rows are accepted and bad ones come back in a report with their line and every
//! problem, by field and code. Like every message of the domain, a problem never repeats the
//! refused value: a wrong column may hold a person's data.
//!
//! The education department is checked against the agency directory (`data/agencies.toml`): it
//! must exist, be an education department, and be of the institution's own region, so that a
//! complaint about a school is never sent to another region's department.

mod bin;
mod csv;
mod import;
mod synthetic;

pub use bin::{Bin, BinError};
pub use import::{COLUMNS, ImportReport, RefusedRow, parse_csv};
pub use synthetic::synthetic;

use crate::complaint::code_list;
use crate::error::{Error, Errors};
use crate::input::Reader;
use crate::region::Region;
use crate::routing::{AgencyDirectory, AgencyKind};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;
use utoipa::ToSchema;

/// The limits of an institution's fields.
pub mod limits {
    /// Official names of state schools are long (the school, its number, its patron, and the
    /// body it belongs to).
    pub const NAME_CHARS: usize = 500;
    pub const LOCALITY_CHARS: usize = 200;
    /// A BIN or an agency id as typed, before it is checked.
    pub const CODE_CHARS: usize = 100;
}

code_list! {
    /// What kind of educational institution. Names in each language are in the Fluent files.
    InstitutionKind { School = "school", College = "college", Kindergarten = "kindergarten" }
}

/// A validated institution of the registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Institution {
    #[schema(value_type = String)]
    pub bin: Bin,
    pub kind: InstitutionKind,
    pub name: String,
    #[serde(serialize_with = "region_code")]
    #[schema(value_type = String, example = "KZ-71")]
    pub region: &'static Region,
    /// Town, district or village.
    pub locality: String,
    /// The id of its education department in the agency directory (`kz-71-education-department`).
    pub education_department: String,
}

/// The form of a name that searches compare: lowercase, `ё` as `е`, spaces collapsed. Done here
/// rather than in SQL, because SQLite's `lower` knows only ASCII and the names are Kazakh and
/// Russian.
pub fn name_key(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase().replace('ё', "е")
}

fn region_code<S: Serializer>(region: &&'static Region, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(region.code)
}

/// An institution as given (an API body, or one CSV row); every field is required.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct InstitutionInput {
    /// 12 digits, the 5th from 4 to 6, with a matching check digit.
    #[schema(value_type = String)]
    pub bin: Option<Value>,
    /// school, college, kindergarten
    #[schema(value_type = String)]
    pub kind: Option<Value>,
    /// Up to 500 characters.
    #[schema(value_type = String)]
    pub name: Option<Value>,
    /// ISO 3166-2:KZ code, e.g. `KZ-71`.
    #[schema(value_type = String)]
    pub region: Option<Value>,
    /// Town, district or village, up to 200 characters.
    #[schema(value_type = String)]
    pub locality: Option<Value>,
    /// The id of an education department of the same region in the agency directory.
    #[schema(value_type = String, example = "kz-71-education-department")]
    pub education_department: Option<Value>,
}

impl InstitutionInput {
    /// Checks every field and builds the institution, or reports every bad field.
    pub fn validate(self, agencies: &AgencyDirectory) -> Result<Institution, Error> {
        let mut errors = Errors::default();
        // No field of an institution is a date or an age: nothing here reads `today`.
        let mut read = Reader { errors: &mut errors, today: time::Date::MIN };
        let bin = read.required(self.bin, "bin", Reader::bin);
        let kind = read.required(self.kind, "kind", |r, v, f| r.code(v, f, InstitutionKind::parse, InstitutionKind::codes));
        let name = read.required(self.name, "name", |r, v, f| r.text(v, f, limits::NAME_CHARS));
        let region = read
            .required(self.region, "region", |r, v, f| r.code(v, f, Region::by_code, || "KZ-10 … KZ-79 (ISO 3166-2:KZ)".into()));
        let locality = read.required(self.locality, "locality", |r, v, f| r.text(v, f, limits::LOCALITY_CHARS));
        let education_department =
            read.required(self.education_department, "education_department", |r, v, f| r.department(v, f, agencies, region));
        errors.finish(|| Institution {
            bin: bin.expect("checked"),
            kind: kind.expect("checked"),
            name: name.expect("checked"),
            region: region.expect("checked"),
            locality: locality.expect("checked"),
            education_department: education_department.expect("checked"),
        })
    }
}

/// The institution's own reads.
impl Reader<'_> {
    fn bin(&mut self, value: Value, field: &str) -> Option<Bin> {
        let raw = self.text(value, field, limits::CODE_CHARS)?;
        Bin::parse(&raw).map_err(|e| self.errors.push(field, "invalid_bin", e.to_string())).ok()
    }

    /// An education department of the directory, of `region` (when the region is known).
    fn department(&mut self, value: Value, field: &str, agencies: &AgencyDirectory, region: Option<&Region>) -> Option<String> {
        let id = self.text(value, field, limits::CODE_CHARS)?;
        let Some(agency) = agencies.get(&id) else {
            self.errors.push(field, "unknown_agency", "no agency of the directory has this id");
            return None;
        };
        if agency.kind != AgencyKind::EducationDepartment {
            self.errors.push(field, "not_education_department", "this agency is not an education department");
            return None;
        }
        match region {
            Some(region) if agency.region.as_deref() != Some(region.code) => {
                self.errors.push(field, "other_region", "this education department is not of the institution's region");
                None
            }
            _ => Some(id),
        }
    }
}

#[cfg(test)]
mod tests;

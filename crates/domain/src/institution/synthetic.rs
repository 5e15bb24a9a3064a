//! Synthetic institutions for demos and tests: a few of each kind in every region, the same
//! on every call. Names and localities say "(demo)" and BINs come from [`Bin::synthetic`]
//! (month `00`, which no real BIN has), so none can be taken for a real school.

use super::{Bin, Institution, InstitutionKind};
use crate::region::REGIONS;
use crate::routing::{AgencyDirectory, AgencyKind};

/// What each region gets: two schools, a college and a kindergarten.
const PER_REGION: [InstitutionKind; 4] =
    [InstitutionKind::School, InstitutionKind::School, InstitutionKind::College, InstitutionKind::Kindergarten];

/// Four institutions per region whose education department in `agencies` is the region's own
/// (all 20 with the embedded directory), each valid as [`super::InstitutionInput::validate`]
/// would have it.
pub fn synthetic(agencies: &AgencyDirectory) -> Vec<Institution> {
    let mut bins = (0..).filter_map(Bin::synthetic);
    let mut institutions = Vec::new();
    for (r, region) in REGIONS.iter().enumerate() {
        let Some(department) =
            agencies.find(AgencyKind::EducationDepartment, region.code).filter(|a| a.region.as_deref() == Some(region.code))
        else {
            continue;
        };
        for (k, kind) in PER_REGION.into_iter().enumerate() {
            institutions.push(Institution {
                bin: bins.next().expect("synthetic BINs run to millions"),
                kind,
                name: format!("{} No. {} (demo)", label(kind), 1 + (r * 7 + k * 13) % 40),
                region,
                locality: format!("Demo town {}", 1 + k % 2),
                education_department: department.id.clone(),
            });
        }
    }
    institutions
}

fn label(kind: InstitutionKind) -> &'static str {
    match kind {
        InstitutionKind::School => "School",
        InstitutionKind::College => "College",
        InstitutionKind::Kindergarten => "Kindergarten",
    }
}

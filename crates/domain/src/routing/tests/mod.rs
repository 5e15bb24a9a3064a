//! Routing as data: the embedded files, the files they must refuse, and a table of complaints
//! with the agencies each must reach.

mod agencies;
mod route;
mod rules;

use super::*;
use crate::taxonomy::Taxonomy;

fn embedded() -> (Taxonomy, AgencyDirectory, RoutingRules) {
    let taxonomy = Taxonomy::embedded();
    let rules = RoutingRules::embedded(&taxonomy);
    (taxonomy, AgencyDirectory::embedded(), rules)
}

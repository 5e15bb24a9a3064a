//! Use cases: what the API and the web pages both call. Handlers parse and render; the
//! decisions (through `domain::policy::decide`) and the calls to the store are here, once.

pub mod accounts;
pub mod assignments;
pub mod audit;
pub mod complaints;
pub mod evidence;
pub mod institutions;
pub mod schools;
pub mod support;

use domain::audit::AuditActor;
use domain::policy::Actor;
use std::net::IpAddr;

/// Who is asking.
#[derive(Debug, Clone)]
pub enum Caller {
    /// Anyone, from an address. `human_checked` when they answered the form's human check.
    Public { address: IpAddr, human_checked: bool },
    /// A signed-in staff member or an agency system.
    Staff(Staff),
}

/// A signed-in staff member (session), or an agency system (API token).
#[derive(Debug, Clone)]
pub struct Staff {
    pub actor: Actor,
    /// Where the request came from, for the audit trail.
    pub address: IpAddr,
    pub display_name: String,
    /// The browser session, when signed in through the pages.
    pub session: Option<SessionRef>,
}

/// A live browser session.
#[derive(Debug, Clone)]
pub struct SessionRef {
    pub id_hash: Vec<u8>,
    /// Forms and htmx requests must carry it.
    pub csrf_token: String,
}

impl Staff {
    pub fn audit_actor(&self) -> AuditActor {
        AuditActor::of(&self.actor, Some(self.address.to_string()))
    }
}

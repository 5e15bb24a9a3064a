//! Use cases: what the API and the web pages both call. Handlers parse and render; the
//! decisions and the calls to the store are here, once.

pub mod complaints;
pub mod staff_sign_in;

use std::net::IpAddr;

/// Who is asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    /// Anyone, from an address. `human_checked` when they answered the form's human check.
    Public { address: IpAddr, human_checked: bool },
    /// Staff or an integration, with the admin token.
    Staff,
}

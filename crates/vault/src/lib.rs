//! Field encryption at rest and keyed blind indexes for Qorgau's personal data.

mod blind;
mod key_file;
mod key_id;
mod keyring;
mod seal;

pub use blind::BLIND_INDEX_LEN;
pub use key_id::{KeyError, KeyId, LineProblem, MAX_KEY_ID_LEN};
pub use keyring::{KEY_LEN, Keyring};
pub use seal::{FORMAT_VERSION, OpenError, sealed_key_id};

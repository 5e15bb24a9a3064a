//! Field encryption at rest and keyed blind indexes for Qorgau's personal data.

mod key_id;

pub use key_id::{KeyError, KeyId, LineProblem, MAX_KEY_ID_LEN};

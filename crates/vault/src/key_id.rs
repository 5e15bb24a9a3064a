//! Key ids, and the errors of reading and changing a keyring.
//!
//! A key id is written into every sealed value, so it is short (one length byte, at most 16
//! bytes) and plain (`[a-z0-9-]`, e.g. `2027-01`): it must survive a key file edited by hand
//! and it is not secret.

use std::fmt;

/// The longest key id, in bytes.
pub const MAX_KEY_ID_LEN: usize = 16;

/// The name of a data key: 1 to 16 characters of `a-z`, `0-9` and `-`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId(String);

impl KeyId {
    /// Checks and wraps an id.
    pub fn new(id: &str) -> Result<KeyId, KeyError> {
        if is_valid(id) { Ok(KeyId(id.to_owned())) } else { Err(KeyError::BadId) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn is_valid(id: &str) -> bool {
    (1..=MAX_KEY_ID_LEN).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({:?})", self.0)
    }
}

/// What is wrong with a key id, a key file or a change to a keyring.
///
/// No variant carries key material: a key file line is described, never quoted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("a key id must be 1 to 16 characters of a-z, 0-9 and '-'")]
    BadId,
    #[error("key file line {line}: {problem}")]
    Line { line: usize, problem: LineProblem },
    #[error("the key file has no `index` line")]
    NoIndex,
    #[error("the key file has no `key` line")]
    NoKey,
    #[error("the key file has no `current` line")]
    NoCurrent,
    #[error("the keyring already has a key {0}")]
    Exists(KeyId),
}

/// What is wrong with one line of a key file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LineProblem {
    #[error("expected a line starting with `index`, `key` or `current`")]
    UnknownWord,
    #[error("expected `index <64 hex>`, `key <id> <64 hex>` or `current <id>`")]
    WrongFieldCount,
    #[error("a key id must be 1 to 16 characters of a-z, 0-9 and '-'")]
    BadId,
    #[error("a key must be 64 hex characters (32 bytes)")]
    BadHex,
    #[error("a second `index` line (there must be exactly one)")]
    SecondIndex,
    #[error("a second `current` line (there must be exactly one)")]
    SecondCurrent,
    #[error("key {0} is already defined above")]
    DuplicateId(KeyId),
    #[error("`current` names {0}, which no `key` line defines")]
    UnknownCurrent(KeyId),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_plain_ids() {
        for id in ["a", "2027-01", "k-0123456789abcd", "x-y-z"] {
            assert_eq!(KeyId::new(id).unwrap().as_str(), id);
        }
    }

    #[test]
    fn refuses_other_ids() {
        for id in ["", "2027_01", "Key", "a b", "k-0123456789abcde", "ключ", "a\n"] {
            assert_eq!(KeyId::new(id), Err(KeyError::BadId), "{id:?}");
        }
    }
}

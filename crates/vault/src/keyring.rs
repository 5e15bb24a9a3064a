//! The keyring: every data key by id, which one seals new values, and the index key.
//!
//! Old data keys stay in the ring after a rotation so that values sealed under them still
//! open; only the current key seals. The index key is separate because blind indexes must
//! stay comparable across rotations: a new index key would make every stored index useless
//! until all of them were recomputed, so it never rotates.
//!
//! Key bytes are wiped when a keyring is dropped, and `Debug` shows only key ids.

use crate::key_id::{KeyError, KeyId};
use rand::RngCore;
use std::fmt;
use zeroize::Zeroize;

/// The length of every key, in bytes.
pub const KEY_LEN: usize = 32;

/// 32 secret bytes, wiped on drop.
#[derive(Clone)]
pub(crate) struct Secret(pub(crate) [u8; KEY_LEN]);

impl Secret {
    /// Fresh bytes from rand's thread rng (a CSPRNG seeded from the operating system).
    fn random() -> Secret {
        let mut bytes = [0u8; KEY_LEN];
        rand::rng().fill_bytes(&mut bytes);
        Secret(bytes)
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

/// Data keys by id, the current one, and the blind-index key.
#[derive(Clone)]
pub struct Keyring {
    /// In key-file order; ids are unique.
    pub(crate) keys: Vec<(KeyId, Secret)>,
    /// Index into `keys` of the key that seals.
    pub(crate) current: usize,
    pub(crate) index: Secret,
}

impl Keyring {
    /// The text of a new key file: a fresh index key and one fresh data key `id`, current.
    pub fn generate(id: &KeyId) -> String {
        let ring = Keyring { keys: vec![(id.clone(), Secret::random())], current: 0, index: Secret::random() };
        ring.to_text()
    }

    /// For rotation: this keyring plus a fresh data key `id`, which becomes current, and the
    /// text of its key file. The old keys stay so that old values still open; the index key
    /// is kept as it is.
    pub fn with_new_key(&self, id: &KeyId) -> Result<(Keyring, String), KeyError> {
        if self.key(id.as_str()).is_some() {
            return Err(KeyError::Exists(id.clone()));
        }
        let mut ring = self.clone();
        ring.keys.push((id.clone(), Secret::random()));
        ring.current = ring.keys.len() - 1;
        let text = ring.to_text();
        Ok((ring, text))
    }

    /// The id of the key that seals new values.
    pub fn current_id(&self) -> &KeyId {
        &self.keys[self.current].0
    }

    /// Every data key id, in key-file order.
    pub fn key_ids(&self) -> impl Iterator<Item = &KeyId> {
        self.keys.iter().map(|(id, _)| id)
    }

    pub(crate) fn current_key(&self) -> &Secret {
        &self.keys[self.current].1
    }

    pub(crate) fn key(&self, id: &str) -> Option<&Secret> {
        self.keys.iter().find(|(known, _)| known.as_str() == id).map(|(_, key)| key)
    }
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ids: Vec<&str> = self.key_ids().map(KeyId::as_str).collect();
        f.debug_struct("Keyring").field("keys", &ids).field("current", &self.current_id().as_str()).finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> KeyId {
        KeyId::new(s).unwrap()
    }

    #[test]
    fn generated_file_reads_back_with_its_one_key_current() {
        let ring = Keyring::from_text(&Keyring::generate(&id("2026-11"))).unwrap();
        assert_eq!(ring.current_id().as_str(), "2026-11");
        assert_eq!(ring.key_ids().count(), 1);
    }

    #[test]
    fn generated_keys_are_fresh() {
        let (a, b) = (Keyring::generate(&id("k")), Keyring::generate(&id("k")));
        assert_ne!(a, b);
        let ring = Keyring::from_text(&a).unwrap();
        assert_ne!(ring.index.0, ring.keys[0].1.0);
    }

    #[test]
    fn new_key_becomes_current_and_old_keys_stay() {
        let ring = Keyring::from_text(&Keyring::generate(&id("2026-11"))).unwrap();
        let (rotated, text) = ring.with_new_key(&id("2027-01")).unwrap();
        assert_eq!(rotated.current_id().as_str(), "2027-01");
        let ids: Vec<&str> = rotated.key_ids().map(KeyId::as_str).collect();
        assert_eq!(ids, ["2026-11", "2027-01"]);
        assert_eq!(rotated.index.0, ring.index.0);
        assert_eq!(Keyring::from_text(&text).unwrap().to_text(), text);
    }

    #[test]
    fn new_key_with_a_known_id_is_refused() {
        let ring = Keyring::from_text(&Keyring::generate(&id("2026-11"))).unwrap();
        assert_eq!(ring.with_new_key(&id("2026-11")).unwrap_err(), KeyError::Exists(id("2026-11")));
    }
}

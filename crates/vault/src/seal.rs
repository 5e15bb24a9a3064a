//! Sealing and opening one field value.
//!
//! A sealed value is self-describing, so that values sealed under several keys can sit in
//! one column while a rotation is under way:
//!
//! ```text
//! [1: format version][n: key id length][n bytes: key id][24 bytes: nonce][ciphertext + 16-byte tag]
//! ```
//!
//! The cipher is XChaCha20-Poly1305. Its 24-byte nonce is large enough to be drawn at random
//! for every value with a negligible chance of reuse, so there is no counter to keep. The field name
//! (e.g. `complaints.narrative`) is the associated data: it is not stored but it is
//! authenticated, so a value copied into another column by someone with write access to the
//! database (a narrative shown as a name) fails to open instead of being shown. Rows are not
//! bound, so a value can still be copied to another row of the same column; a caller that
//! must prevent that can put the row id into the field name (`complaints.phone:<id>`).

use crate::key_id::{KeyId, MAX_KEY_ID_LEN};
use crate::keyring::{Keyring, Secret};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use zeroize::Zeroize;

/// The first byte of every sealed value.
pub const FORMAT_VERSION: u8 = 1;

const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;

/// Why a sealed value did not open.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    #[error("not a sealed value of a known format")]
    Format,
    #[error("sealed with key {0}, which is not in the keyring")]
    UnknownKey(KeyId),
    #[error("the sealed value was changed, or belongs to another field")]
    Tampered,
    #[error("the opened value is not UTF-8")]
    NotUtf8,
}

/// A sealed value taken apart: the layout and the key id are checked, nothing else.
struct Parts<'a> {
    key_id: &'a str,
    nonce: &'a [u8; NONCE_LEN],
    ciphertext: &'a [u8],
}

fn parse(sealed: &[u8]) -> Option<Parts<'_>> {
    let (&version, rest) = sealed.split_first()?;
    let (&id_len, rest) = rest.split_first()?;
    let id_len = usize::from(id_len);
    if version != FORMAT_VERSION || id_len > MAX_KEY_ID_LEN || rest.len() < id_len + NONCE_LEN + TAG_LEN {
        return None;
    }
    let (id, rest) = rest.split_at(id_len);
    let key_id = std::str::from_utf8(id).ok().filter(|id| KeyId::new(id).is_ok())?;
    let (nonce, ciphertext) = rest.split_first_chunk::<NONCE_LEN>()?;
    Some(Parts { key_id, nonce, ciphertext })
}

/// The id of the key a value was sealed with, if it looks like a sealed value.
pub fn sealed_key_id(sealed: &[u8]) -> Option<&str> {
    parse(sealed).map(|parts| parts.key_id)
}

impl Keyring {
    /// Encrypts `plaintext` under the current key, bound to `field` (e.g. `complaints.narrative`).
    pub fn seal(&self, field: &str, plaintext: &str) -> Vec<u8> {
        self.seal_bytes(field, plaintext.as_bytes())
    }

    /// Decrypts a value sealed for `field` under any key of the ring.
    pub fn open(&self, field: &str, sealed: &[u8]) -> Result<String, OpenError> {
        String::from_utf8(self.open_bytes(field, sealed)?).map_err(|error| {
            error.into_bytes().zeroize();
            OpenError::NotUtf8
        })
    }

    /// [`Keyring::seal`] for bytes that are not text (files): the same format, and `context`
    /// is the associated data as a field name is (e.g. `evidence:<address>`).
    pub fn seal_bytes(&self, context: &str, plaintext: &[u8]) -> Vec<u8> {
        let id = self.current_id().as_str();
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let payload = Payload { msg: plaintext, aad: context.as_bytes() };
        let ciphertext = cipher(self.current_key())
            .encrypt(&XNonce::from(nonce), payload)
            .expect("XChaCha20-Poly1305 seals any value that fits in memory");
        let mut sealed = header(id, NONCE_LEN + ciphertext.len());
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&ciphertext);
        sealed
    }

    /// Decrypts bytes sealed for `context` by [`Keyring::seal_bytes`] (or text sealed by
    /// [`Keyring::seal`]) under any key of the ring.
    pub fn open_bytes(&self, context: &str, sealed: &[u8]) -> Result<Vec<u8>, OpenError> {
        let parts = parse(sealed).ok_or(OpenError::Format)?;
        let key = self.key(parts.key_id).ok_or_else(|| OpenError::UnknownKey(known_id(parts.key_id)))?;
        let payload = Payload { msg: parts.ciphertext, aad: context.as_bytes() };
        cipher(key).decrypt(&XNonce::from(*parts.nonce), payload).map_err(|_| OpenError::Tampered)
    }

    /// [`Keyring::seal`] for a value that may be absent.
    pub fn seal_opt(&self, field: &str, plaintext: Option<&str>) -> Option<Vec<u8>> {
        plaintext.map(|text| self.seal(field, text))
    }

    /// [`Keyring::open`] for a value that may be absent.
    pub fn open_opt(&self, field: &str, sealed: Option<&[u8]>) -> Result<Option<String>, OpenError> {
        sealed.map(|sealed| self.open(field, sealed)).transpose()
    }

    /// Whether `sealed` was sealed under the current key (if not, a rotation re-seals it).
    /// A value that is not a sealed value at all is not current either.
    pub fn is_current(&self, sealed: &[u8]) -> bool {
        sealed_key_id(sealed) == Some(self.current_id().as_str())
    }
}

/// The version and key id, in a vector with room for `rest` more bytes.
fn header(id: &str, rest: usize) -> Vec<u8> {
    let id_len = u8::try_from(id.len()).expect("key ids are at most 16 bytes");
    let mut sealed = Vec::with_capacity(2 + id.len() + rest);
    sealed.extend_from_slice(&[FORMAT_VERSION, id_len]);
    sealed.extend_from_slice(id.as_bytes());
    sealed
}

/// An id that [`parse`] has already checked.
fn known_id(id: &str) -> KeyId {
    KeyId::new(id).expect("parse checks key ids")
}

fn cipher(key: &Secret) -> XChaCha20Poly1305 {
    XChaCha20Poly1305::new_from_slice(&key.0).expect("a data key is 32 bytes")
}

#[cfg(test)]
mod tests {
    use super::*;

    const INDEX: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    const K1: &str = "1111111111111111111111111111111111111111111111111111111111111111";
    const K2: &str = "2222222222222222222222222222222222222222222222222222222222222222";
    const NARRATIVE: &str = "complaints.narrative";

    fn ring(keys: &[(&str, &str)], current: &str) -> Keyring {
        let mut text = format!("index {INDEX}\ncurrent {current}\n");
        for (id, hex) in keys {
            text.push_str(&format!("key {id} {hex}\n"));
        }
        Keyring::from_text(&text).unwrap()
    }

    fn one_key() -> Keyring {
        ring(&[("2026-11", K1)], "2026-11")
    }

    #[test]
    fn round_trip() {
        let ring = one_key();
        for text in ["Айгүл Сейітқызы", "+7 701 234 56 78", "", "line one\nline two"] {
            assert_eq!(ring.open(NARRATIVE, &ring.seal(NARRATIVE, text)).unwrap(), text);
        }
    }

    #[test]
    fn layout_is_version_key_id_nonce_ciphertext() {
        let sealed = one_key().seal(NARRATIVE, "abc");
        assert_eq!(&sealed[..9], b"\x01\x072026-11");
        assert_eq!(sealed.len(), 9 + NONCE_LEN + 3 + TAG_LEN);
        assert_eq!(sealed_key_id(&sealed), Some("2026-11"));
        assert!(!sealed.windows(3).any(|w| w == b"abc"));
    }

    #[test]
    fn same_text_seals_differently() {
        let ring = one_key();
        let (a, b) = (ring.seal(NARRATIVE, "same"), ring.seal(NARRATIVE, "same"));
        assert_ne!(a, b);
        assert_ne!(a[9..9 + NONCE_LEN], b[9..9 + NONCE_LEN]);
    }

    #[test]
    fn another_field_is_tampered() {
        let ring = one_key();
        let sealed = ring.seal("persons.name", "Айгүл");
        assert_eq!(ring.open("persons.phone", &sealed), Err(OpenError::Tampered));
    }

    #[test]
    fn any_flipped_byte_after_the_key_id_is_tampered() {
        let ring = one_key();
        let sealed = ring.seal(NARRATIVE, "text");
        for at in 9..sealed.len() {
            let mut changed = sealed.clone();
            changed[at] ^= 0x01;
            assert_eq!(ring.open(NARRATIVE, &changed), Err(OpenError::Tampered), "byte {at}");
        }
    }

    #[test]
    fn a_key_not_in_the_ring_is_unknown() {
        let sealed = ring(&[("old", K1)], "old").seal(NARRATIVE, "text");
        let other = ring(&[("new", K2)], "new");
        assert_eq!(other.open(NARRATIVE, &sealed), Err(OpenError::UnknownKey(KeyId::new("old").unwrap())));
    }

    #[test]
    fn the_same_id_with_another_key_is_tampered() {
        let sealed = ring(&[("a", K1)], "a").seal(NARRATIVE, "text");
        assert_eq!(ring(&[("a", K2)], "a").open(NARRATIVE, &sealed), Err(OpenError::Tampered));
    }

    #[test]
    fn malformed_values_are_format_errors() {
        let ring = one_key();
        let good = ring.seal(NARRATIVE, "text");
        let mut wrong_version = good.clone();
        wrong_version[0] = 2;
        let mut long_id = good.clone();
        long_id[1] = 17;
        let mut bad_id = good.clone();
        bad_id[2] = b'A';
        let cases: [&[u8]; 7] = [&[], &[1], &good[..2 + 7 + NONCE_LEN + TAG_LEN - 1], &wrong_version, &long_id, &bad_id, &[1, 0]];
        for sealed in cases {
            assert_eq!(ring.open(NARRATIVE, sealed), Err(OpenError::Format), "{sealed:?}");
        }
        assert_eq!(sealed_key_id(&bad_id), None);
    }

    #[test]
    fn bytes_that_are_not_utf8_are_refused() {
        let ring = one_key();
        let mut sealed = header("2026-11", 0);
        let nonce = [7u8; NONCE_LEN];
        sealed.extend_from_slice(&nonce);
        let payload = Payload { msg: &[0xff, 0xfe], aad: NARRATIVE.as_bytes() };
        sealed.extend(cipher(ring.key("2026-11").unwrap()).encrypt(&XNonce::from(nonce), payload).unwrap());
        assert_eq!(ring.open(NARRATIVE, &sealed), Err(OpenError::NotUtf8));
    }

    #[test]
    fn old_values_open_after_a_new_key_and_new_values_use_it() {
        let old = one_key();
        let sealed_before = old.seal(NARRATIVE, "before");
        let (new, text) = old.with_new_key(&KeyId::new("2027-01").unwrap()).unwrap();
        let new_from_file = Keyring::from_text(&text).unwrap();
        for ring in [&new, &new_from_file] {
            assert_eq!(ring.open(NARRATIVE, &sealed_before).unwrap(), "before");
            assert!(!ring.is_current(&sealed_before));
            let sealed_after = ring.seal(NARRATIVE, "after");
            assert_eq!(sealed_key_id(&sealed_after), Some("2027-01"));
            assert!(ring.is_current(&sealed_after));
            assert_eq!(old.open(NARRATIVE, &sealed_after), Err(OpenError::UnknownKey(KeyId::new("2027-01").unwrap())));
        }
        assert!(old.is_current(&sealed_before));
        assert!(!old.is_current(b"not sealed"));
    }

    #[test]
    fn bytes_round_trip_under_their_context_only() {
        let ring = one_key();
        let file = [0x89, b'P', b'N', b'G', 0x00, 0xff, 0xfe, 0x00];
        let sealed = ring.seal_bytes("evidence:abc", &file);
        assert_eq!(ring.open_bytes("evidence:abc", &sealed).unwrap(), file);
        assert_eq!(ring.open_bytes("evidence:abd", &sealed), Err(OpenError::Tampered));
        assert_eq!(ring.open("evidence:abc", &sealed), Err(OpenError::NotUtf8));
        assert_eq!(ring.open_bytes("evidence:abc", &ring.seal_bytes("evidence:abc", &[])).unwrap(), Vec::<u8>::new());
    }

    #[test]
    fn bytes_and_text_share_one_format() {
        let ring = one_key();
        let sealed = ring.seal_bytes(NARRATIVE, "текст".as_bytes());
        assert_eq!(&sealed[..9], b"\x01\x072026-11");
        assert_eq!(ring.open(NARRATIVE, &sealed).unwrap(), "текст");
        assert_eq!(ring.open_bytes(NARRATIVE, &ring.seal(NARRATIVE, "текст")).unwrap(), "текст".as_bytes());
    }

    #[test]
    fn optional_values() {
        let ring = one_key();
        assert_eq!(ring.seal_opt(NARRATIVE, None), None);
        assert_eq!(ring.open_opt(NARRATIVE, None), Ok(None));
        let sealed = ring.seal_opt(NARRATIVE, Some("x")).unwrap();
        assert_eq!(ring.open_opt(NARRATIVE, Some(&sealed)), Ok(Some("x".to_owned())));
        assert_eq!(ring.open_opt("other", Some(&sealed)), Err(OpenError::Tampered));
    }
}

//! Blind indexes: exact look-ups on sealed fields without opening them.
//!
//! A sealed value is different every time, so it cannot be searched. Beside it the store keeps
//! an HMAC-SHA256 of the normalised value under the index key: equal values give equal
//! indexes. Without the key an index shows only which rows share a value: it cannot be
//! checked against a guess, as a plain hash could (every 12-digit IIN or phone number can be
//! hashed in minutes). The caller normalises (digits only, one case) so that the same person matches.
//!
//! The `kind` (e.g. `phone`, `iin`) goes into the MAC ahead of the value, prefixed by its
//! length, so that the same digits as a phone and as an IIN give unrelated indexes and a
//! kind cannot run into its value.
//!
//! # Content addresses
//!
//! Evidence files are stored under a name computed from their content, so the same photo
//! uploaded twice is stored once. [`Keyring::content_address`] is the same keyed MAC over the
//! file's bytes, in hex, with a prefix no blind index can have. It is keyed, not a plain
//! SHA-256, because addresses are visible to anyone who can list the evidence folder, read the
//! database, or hold a backup of either: with a plain hash, whoever holds a copy of a known picture (the abuser who took it, a
//! circulated image) could hash it and learn that it, and so the complaint about it, is in
//! Qorgau. Under the index key an address cannot be computed from a file without the key
//! file, and says nothing about the content. The index key never rotates, so an address stays
//! the same for the life of the data.

use crate::keyring::Keyring;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The length of a blind index, in bytes.
pub const BLIND_INDEX_LEN: usize = 32;

impl Keyring {
    /// The blind index of a `normalised` value of one `kind`: 32 bytes, the same for the same
    /// kind and value under the same index key.
    pub fn blind_index(&self, kind: &str, normalised: &str) -> Vec<u8> {
        let mut mac = self.index_mac();
        mac.update(&(kind.len() as u64).to_be_bytes());
        mac.update(kind.as_bytes());
        mac.update(normalised.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    /// The address of a file's content: 64 lowercase hex digits, the same for the same bytes
    /// under the same index key, meaningless without it (see the module docs).
    pub fn content_address(&self, bytes: &[u8]) -> String {
        let mut mac = self.index_mac();
        mac.update(&CONTENT_PREFIX);
        mac.update(b"content");
        mac.update(bytes);
        crate::key_file::hex(&mac.finalize().into_bytes())
    }

    fn index_mac(&self) -> Hmac<Sha256> {
        Hmac::<Sha256>::new_from_slice(&self.index.0).expect("HMAC takes any key length")
    }
}

/// What content addresses start with, where a blind index has its kind's length: no kind is
/// 2^64 - 1 bytes long, so no blind index of any kind can equal a content address.
const CONTENT_PREFIX: [u8; 8] = u64::MAX.to_be_bytes();

/// The length of a content address, in hex digits.
pub const CONTENT_ADDRESS_LEN: usize = 2 * BLIND_INDEX_LEN;

#[cfg(test)]
mod tests {
    use super::*;

    const K1: &str = "1111111111111111111111111111111111111111111111111111111111111111";

    fn ring(index: &str) -> Keyring {
        Keyring::from_text(&format!("index {index}\nkey a {K1}\ncurrent a\n")).unwrap()
    }

    fn one() -> Keyring {
        ring("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff")
    }

    #[test]
    fn stable_for_the_same_input() {
        let index = one().blind_index("phone", "77012345678");
        assert_eq!(index.len(), BLIND_INDEX_LEN);
        assert_eq!(one().blind_index("phone", "77012345678"), index);
    }

    #[test]
    fn differs_across_values_and_kinds() {
        let ring = one();
        let phone = ring.blind_index("phone", "synthetic-phone-a");
        assert_ne!(ring.blind_index("phone", "synthetic-phone-b"), phone);
        assert_ne!(ring.blind_index("iin", "synthetic-phone-a"), phone);
        let joined = ring.blind_index("phone", "7synthetic-a");
        assert_ne!(ring.blind_index("phone7", "synthetic-a"), joined, "a kind cannot run into its value");
    }

    #[test]
    fn differs_across_index_keys() {
        let other = ring("ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100");
        assert_ne!(other.blind_index("iin", "synthetic-iin-a"), one().blind_index("iin", "synthetic-iin-a"));
    }

    #[test]
    fn does_not_depend_on_the_data_keys() {
        let index = one().blind_index("iin", "synthetic-iin-a");
        let (rotated, _) = one().with_new_key(&crate::KeyId::new("b").unwrap()).unwrap();
        assert_eq!(rotated.blind_index("iin", "synthetic-iin-a"), index);
    }

    #[test]
    fn content_addresses_are_keyed_hex_and_stable() {
        let file = b"\x89PNG synthetic picture";
        let address = one().content_address(file);
        assert_eq!(address.len(), CONTENT_ADDRESS_LEN);
        assert!(address.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)), "{address}");
        assert_eq!(one().content_address(file), address);
        assert_ne!(one().content_address(b"\x89PNG synthetic picturf"), address);
        let other = ring("ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100");
        assert_ne!(other.content_address(file), address, "another index key, another address");
    }

    #[test]
    fn a_content_address_is_not_the_plain_hash_nor_a_blind_index() {
        use sha2::Digest;
        let file = b"synthetic known picture";
        let address = one().content_address(file);
        assert_ne!(address, crate::key_file::hex(&Sha256::digest(file)));
        let index = one().blind_index("content", "synthetic known picture");
        assert_ne!(address, crate::key_file::hex(&index), "kinds are apart from content");
        let mut mac = Hmac::<Sha256>::new_from_slice(&one().index.0).unwrap();
        mac.update(b"\xff\xff\xff\xff\xff\xff\xff\xffcontentsynthetic known picture");
        assert_eq!(address, crate::key_file::hex(&mac.finalize().into_bytes()));
    }

    #[test]
    fn matches_hmac_sha256_over_the_length_prefixed_kind_and_value() {
        let mut mac = Hmac::<Sha256>::new_from_slice(&one().index.0).unwrap();
        mac.update(b"\0\0\0\0\0\0\0\x03iinsynthetic-iin-a");
        assert_eq!(one().blind_index("iin", "synthetic-iin-a"), mac.finalize().into_bytes().to_vec());
    }
}

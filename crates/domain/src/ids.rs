//! Identifiers: the complaint id, the tracking code a reporter writes down, and the PIN
//! that goes with it.
//!
//! Randomness comes from the caller (this crate does no I/O): the server draws it from the
//! operating system and passes it in.

use serde::{Deserialize, Serialize};
use std::fmt;
use time::OffsetDateTime;
use uuid::Uuid;

/// A complaint's id: a UUIDv7, so ids sort by the time they were made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ComplaintId(pub Uuid);

impl ComplaintId {
    /// The id of a complaint received at `at`, with 10 random bytes.
    pub fn new(at: OffsetDateTime, random: [u8; 10]) -> Self {
        let millis = (at.unix_timestamp_nanos() / 1_000_000) as u64;
        Self(uuid::Builder::from_unix_timestamp_millis(millis, &random).into_uuid())
    }
}

impl ComplaintId {
    /// The smallest id a complaint received at `at` (to the millisecond) can have: ids sort by
    /// time, so a range of receipt times is a range of ids.
    pub fn first_at(at: OffsetDateTime) -> Self {
        Self::new(at, [0; 10])
    }
}

impl fmt::Display for ComplaintId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The id of one piece of evidence (a file or a link): a UUIDv7, made by the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EvidenceId(pub Uuid);

impl fmt::Display for EvidenceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Letters and digits that cannot be mistaken for one another when read aloud over the phone
/// or copied by hand: no 0/O, 1/I/L, and no U.
const ALPHABET: &[u8; 30] = b"23456789ABCDEFGHJKMNPQRSTVWXYZ";
const RANDOM_CHARS: usize = 9;

/// The code a reporter uses to follow a complaint: 9 random characters and a check character
/// (Luhn mod 30, which catches any single mistyped character and most swaps of neighbours),
/// shown as `XXXXX-XXXXX`. About 44 bits of randomness: not guessable, not sequential.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(into = "String")]
pub struct TrackingCode(String);

impl TrackingCode {
    /// Makes a code from a random number (from a cryptographic source).
    pub fn from_random(mut random: u64) -> Self {
        let mut chars = Vec::with_capacity(RANDOM_CHARS + 1);
        for _ in 0..RANDOM_CHARS {
            chars.push(ALPHABET[(random % 30) as usize]);
            random /= 30;
        }
        chars.push(ALPHABET[check_index(&chars)]);
        Self(String::from_utf8(chars).expect("the alphabet is ASCII"))
    }

    /// Reads a code as a person typed it: any case, with or without dashes and spaces.
    /// `None` when it is not a well-formed code (wrong length, letters outside the alphabet,
    /// or a failed check character).
    pub fn parse(input: &str) -> Option<Self> {
        let chars: Vec<u8> = input.bytes().filter(|b| !matches!(b, b'-' | b' ')).map(|b| b.to_ascii_uppercase()).collect();
        if chars.len() != RANDOM_CHARS + 1 || !chars.iter().all(|c| ALPHABET.contains(c)) {
            return None;
        }
        let (body, check) = chars.split_at(RANDOM_CHARS);
        (ALPHABET[check_index(body)] == check[0]).then(|| Self(String::from_utf8(chars).expect("the alphabet is ASCII")))
    }

    /// The compact form, as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TrackingCode {
    /// The form shown to people: `XXXXX-XXXXX`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", &self.0[..5], &self.0[5..])
    }
}

impl From<TrackingCode> for String {
    fn from(code: TrackingCode) -> String {
        code.to_string()
    }
}

/// Luhn mod N over the alphabet: the index of the character that makes the sum divisible by 30.
fn check_index(body: &[u8]) -> usize {
    let n = ALPHABET.len();
    let mut sum = 0;
    for (i, c) in body.iter().rev().enumerate() {
        let value = ALPHABET.iter().position(|a| a == c).expect("checked against the alphabet");
        let addend = if i % 2 == 0 { value * 2 } else { value };
        sum += addend / n + addend % n;
    }
    (n - sum % n) % n
}

/// The 6-digit PIN that, with the tracking code, lets a reporter see the status.
#[derive(Clone, PartialEq, Eq)]
pub struct StatusPin(String);

impl StatusPin {
    /// The PIN for a number (taken modulo 1,000,000).
    pub fn from_number(n: u64) -> Self {
        Self(format!("{:06}", n % 1_000_000))
    }

    /// Reads a PIN as typed: exactly six digits, spaces around ignored.
    pub fn parse(input: &str) -> Option<Self> {
        let pin = input.trim();
        (pin.len() == 6 && pin.bytes().all(|b| b.is_ascii_digit())).then(|| Self(pin.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for StatusPin {
    /// Never printed: a PIN is a secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StatusPin(******)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_parse_back_in_any_case_and_grouping() {
        for seed in [0u64, 1, 29, 30, 123_456_789, u64::MAX, 0x9E37_79B9_7F4A_7C15] {
            let code = TrackingCode::from_random(seed);
            let shown = code.to_string();
            assert_eq!(shown.len(), 11, "{shown}");
            assert_eq!(TrackingCode::parse(&shown), Some(code.clone()));
            assert_eq!(TrackingCode::parse(&shown.to_lowercase()), Some(code.clone()));
            assert_eq!(TrackingCode::parse(&shown.replace('-', " ")), Some(code));
        }
    }

    #[test]
    fn every_single_mistyped_character_is_caught() {
        let code = TrackingCode::from_random(987_654_321_012);
        let compact = code.as_str().as_bytes().to_vec();
        for position in 0..compact.len() {
            for &other in ALPHABET.iter().filter(|&&c| c != compact[position]) {
                let mut typo = compact.clone();
                typo[position] = other;
                let typo = String::from_utf8(typo).unwrap();
                assert_eq!(TrackingCode::parse(&typo), None, "{typo} passed the check");
            }
        }
    }

    #[test]
    fn malformed_codes_are_refused() {
        for bad in ["", "ABC", "AAAAA-AAAAA-A", "OOOOO-OOOOO", "11111-11111", "ÄÄÄÄÄ-ÄÄÄÄÄ"] {
            assert_eq!(TrackingCode::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn codes_from_different_numbers_differ() {
        let codes: std::collections::HashSet<_> =
            (0..10_000u64).map(|i| TrackingCode::from_random(i.wrapping_mul(0x9E37_79B9_7F4A_7C15))).collect();
        assert_eq!(codes.len(), 10_000);
    }

    #[test]
    fn pins_are_six_digits() {
        assert_eq!(StatusPin::from_number(42).as_str(), "000042");
        assert_eq!(StatusPin::from_number(123_456_789).as_str(), "456789");
        assert!(StatusPin::parse(" 012345 ").is_some());
        for bad in ["12345", "1234567", "12a456", ""] {
            assert!(StatusPin::parse(bad).is_none(), "{bad}");
        }
        assert_eq!(format!("{:?}", StatusPin::from_number(1)), "StatusPin(******)");
    }

    #[test]
    fn ids_sort_by_time() {
        let early = ComplaintId::new(time::macros::datetime!(2026-01-01 00:00 UTC), [9; 10]);
        let late = ComplaintId::new(time::macros::datetime!(2026-01-01 00:00:01 UTC), [0; 10]);
        assert!(early < late);
        assert_eq!(early.0.get_version_num(), 7);
        let at = time::macros::datetime!(2026-01-01 00:00:00.5 UTC);
        assert!(ComplaintId::first_at(at) <= ComplaintId::new(at, [0xff; 10]));
        assert!(ComplaintId::new(at - time::Duration::milliseconds(1), [0xff; 10]) < ComplaintId::first_at(at));
    }
}

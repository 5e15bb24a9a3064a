//! The BIN (business identification number, БСН/БИН) of an organisation, read and checked.
//!
//! The structure, by the rules of the national register (Law No. 223 of 12 January 2007):
//!
//! - digits 1–4: year and month of registration, `YYMM`;
//! - digit 5: the kind of registrant: 4 a resident legal entity, 5 a non-resident one,
//!   6 individual entrepreneurs in joint entrepreneurship;
//! - digit 6: the unit: 0 head office, 1 branch, 2 representative office, 3 a farm in joint
//!   entrepreneurship;
//! - digits 7–11: a serial;
//! - digit 12: the check digit, by the IIN's rule (the crate's `id_number` module).
//!
//! What is checked: 12 ASCII digits, digit 5 from 4 to 6, and the check digit. Digit 5's
//! rule is the one of the structure we are sure of, and it does useful work: in an IIN digit
//! 5 is the first digit of a day of the month (0–3), so an IIN typed into a BIN column (a
//! person's number, personal data) is refused instead of being stored as a school's. Digits
//! 1–4 and 6 are not checked: we have not confirmed their rules well enough (for instance for
//! organisations registered before the register existed) to refuse a real school on them.
//!
//! A BIN names an organisation, not a person, so unlike an IIN it may be shown and logged.
//! Errors still never repeat the text that was refused: it may be something else entirely.

use crate::id_number::{check_digit, check_digit_holds, digits_of};
use serde::Serialize;
use std::fmt;

/// A valid BIN: 12 ASCII digits, digit 5 from 4 to 6, and a matching check digit.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Bin(String);

/// Why a text is not a BIN. The messages name what is wrong, never the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BinError {
    #[error("a BIN has only digits")]
    NotDigits,
    #[error("a BIN has exactly 12 digits (a spreadsheet may have dropped a leading zero)")]
    Length,
    #[error("the 5th digit of a BIN (the kind of registrant) must be 4, 5 or 6")]
    EntityType,
    #[error("the check digit does not match")]
    CheckDigit,
}

impl BinError {
    /// A stable code: `not_digits`, `length`, `entity_type` or `check_digit`.
    pub fn code(self) -> &'static str {
        match self {
            BinError::NotDigits => "not_digits",
            BinError::Length => "length",
            BinError::EntityType => "entity_type",
            BinError::CheckDigit => "check_digit",
        }
    }
}

/// Digit 5 of a resident legal entity (a state school is one).
const RESIDENT_LEGAL_ENTITY: u8 = 4;

impl Bin {
    /// Reads a BIN; surrounding whitespace is ignored, nothing else. Checks, in order: digits
    /// only, 12 of them, digit 5, the check digit; the first that fails is the error.
    pub fn parse(raw: &str) -> Result<Bin, BinError> {
        let text = raw.trim();
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(BinError::NotDigits);
        }
        let digits = digits_of(text).ok_or(BinError::Length)?;
        if !(4..=6).contains(&digits[4]) {
            return Err(BinError::EntityType);
        }
        if !check_digit_holds(&digits) {
            return Err(BinError::CheckDigit);
        }
        Ok(Bin(text.to_owned()))
    }

    /// The 12 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A valid BIN for fixtures and demos, **synthetic**: its month (digits 3–4) is `00`,
    /// which no registered organisation has, so it can never be a real organisation's number.
    /// Digits 1–2 are `serial / 100_000`, digit 5 is 4 (a resident legal entity), digit 6 is
    /// 0 (a head office), digits 7–11 are `serial % 100_000`. `None` when `serial` is 10
    /// million or more, or when no check digit exists for those 11 digits (about one serial
    /// in 121; take the next one).
    pub fn synthetic(serial: u32) -> Option<Bin> {
        if serial >= 10_000_000 {
            return None;
        }
        let (year, number) = (serial / 100_000, serial % 100_000);
        let first11 = format!("{year:02}00{RESIDENT_LEGAL_ENTITY}0{number:05}");
        let values: Vec<u8> = first11.bytes().map(|b| b - b'0').collect();
        let check = check_digit(&values)?;
        Some(Bin(format!("{first11}{check}")))
    }
}

impl fmt::Display for Bin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

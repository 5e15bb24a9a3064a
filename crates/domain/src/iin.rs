//! Kazakhstan's IIN (individual identification number, ЖСН/ИИН): read, checked, built.
//!
//! Operators take IINs down over the phone and reporters type them on a phone keyboard, so
//! typos are common; the number's own check digit catches most of them at the door, where
//! the person can still be asked again. The rule (DOMAIN.md, "Identity numbers"):
//!
//! - digits 1–6: the date of birth, `YYMMDD`;
//! - digit 7: century and sex: 1/2 born in the 1800s, 3/4 in the 1900s, 5/6 in the 2000s,
//!   odd for a man, even for a woman;
//! - digits 8–11: a serial;
//! - digit 12: the check digit: `Σ digit[i] × i` for i = 1..11, mod 11; if that is 10, the
//!   same with the weights 3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2; if that is 10 again, no
//!   number with those 11 digits is valid. A BIN ends in the same check digit; both use
//!   the crate's `id_number` module.
//!
//! The check does not catch every typo. Digit 11 weighs 11 ≡ 0 (mod 11) in the first sum,
//! so when the first sum decides, changing digit 11 leaves the number valid; and a change
//! that moves a number from one sum to the other can land on a valid number (see the
//! tests). Validation says "this could be an IIN", never "this is the right person".
//!
//! An IIN is personal data: [`Iin`]'s `Debug` does not print it, so that it cannot slip
//! into a log through a `{:?}`. [`Iin::synthetic`] builds valid numbers for fixtures and
//! demos, so that no real person's number is ever needed there.

use crate::complaint::Sex;
use crate::id_number::{check_digit, check_digit_holds, digits_of};
use std::fmt;
use time::{Date, Month};

/// A valid IIN: 12 ASCII digits whose date, century digit and check digit all hold.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Iin(String);

/// Why a text is not an IIN. The messages name what is wrong, never the number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IinError {
    #[error("an IIN has exactly 12 digits")]
    Length,
    #[error("an IIN has only digits (spaces or hyphens may separate them)")]
    NotDigits,
    #[error("the 7th digit (century and sex) must be from 1 to 6")]
    CenturyDigit,
    #[error("the first 6 digits are not a real date of birth (YYMMDD)")]
    BirthDate,
    #[error("the check digit does not match")]
    CheckDigit,
}

impl IinError {
    /// A stable code: `length`, `not_digits`, `century`, `birth_date` or `check_digit`.
    pub fn code(self) -> &'static str {
        match self {
            IinError::Length => "length",
            IinError::NotDigits => "not_digits",
            IinError::CenturyDigit => "century",
            IinError::BirthDate => "birth_date",
            IinError::CheckDigit => "check_digit",
        }
    }
}

impl Iin {
    /// Reads an IIN as people write it: surrounding whitespace is ignored, and spaces or
    /// hyphens may separate the digits (`850314 401236`, `850314-4012-36`). Checks, in
    /// order: digits only, 12 of them, the century digit, the date, the check digit; the
    /// first that fails is the error.
    pub fn parse(raw: &str) -> Result<Iin, IinError> {
        let text = strip_separators(raw)?;
        let digits = digits_of(&text).ok_or(IinError::Length)?;
        century_start(digits[6]).ok_or(IinError::CenturyDigit)?;
        date_of(&digits).ok_or(IinError::BirthDate)?;
        if !check_digit_holds(&digits) {
            return Err(IinError::CheckDigit);
        }
        Ok(Iin(text))
    }

    /// The 12 digits, without separators.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The date of birth the number encodes.
    pub fn birth_date(&self) -> Date {
        date_of(&self.digits()).expect("checked when parsed or built")
    }

    /// The sex the number encodes: odd century digits are men, even ones women.
    pub fn sex(&self) -> Sex {
        if self.digits()[6] % 2 == 1 { Sex::Male } else { Sex::Female }
    }

    /// A valid IIN for a person born on `birth`, with `serial` as digits 8–11: for
    /// fixtures and demos, never for a real person. `None` when the number cannot be
    /// built: `sex` is `Unknown`, `birth` is outside 1800–2099, `serial` is over 9999, or
    /// both check sums give 10 (then no check digit makes these 11 digits valid; about one
    /// serial in 121).
    pub fn synthetic(birth: Date, sex: Sex, serial: u16) -> Option<Iin> {
        let century = century_digit(birth.year(), sex)?;
        if serial > 9999 {
            return None;
        }
        let (yy, mm, dd) = (birth.year() % 100, u8::from(birth.month()), birth.day());
        let first11 = format!("{yy:02}{mm:02}{dd:02}{century}{serial:04}");
        let values: Vec<u8> = first11.bytes().map(|b| b - b'0').collect();
        let check = check_digit(&values)?;
        Some(Iin(format!("{first11}{check}")))
    }

    fn digits(&self) -> [u8; 12] {
        digits_of(&self.0).expect("an Iin holds 12 digits")
    }
}

/// Personal data: the digits are never printed.
impl fmt::Debug for Iin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Iin(…)")
    }
}

/// The text without its separators, if it has only digits and separators between them.
fn strip_separators(raw: &str) -> Result<String, IinError> {
    let raw = raw.trim();
    let is_separator = |c: char| c == ' ' || c == '-';
    let only_digits_and_separators = raw.chars().all(|c| c.is_ascii_digit() || is_separator(c));
    if !only_digits_and_separators || raw.starts_with(is_separator) || raw.ends_with(is_separator) {
        return Err(IinError::NotDigits);
    }
    Ok(raw.chars().filter(|c| c.is_ascii_digit()).collect())
}

/// The first year of the century that digit 7 names.
fn century_start(digit: u8) -> Option<i32> {
    (1..=6).contains(&digit).then(|| 1800 + 100 * i32::from((digit - 1) / 2))
}

/// Digit 7 for a person of `sex` born in `year`.
fn century_digit(year: i32, sex: Sex) -> Option<u8> {
    let parity = match sex {
        Sex::Male => 1,
        Sex::Female => 2,
        Sex::Unknown => return None,
    };
    let century = u8::try_from((year - 1800).div_euclid(100)).ok().filter(|c| *c <= 2)?;
    Some(2 * century + parity)
}

/// The date of birth of digits 1–7, if it is a real date.
fn date_of(digits: &[u8; 12]) -> Option<Date> {
    let pair = |i: usize| digits[i] * 10 + digits[i + 1];
    let year = century_start(digits[6])? + i32::from(pair(0));
    let month = Month::try_from(pair(2)).ok()?;
    Date::from_calendar_date(year, month, pair(4)).ok()
}

#[cfg(test)]
mod tests;

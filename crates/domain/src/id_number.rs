//! What Kazakhstan's two 12-digit identification numbers share: the IIN of a person
//! ([`crate::iin`]) and the BIN of an organisation ([`crate::institution::Bin`]) end in the
//! same check digit (Law No. 223 of 12 January 2007 "On national registers of identification
//! numbers", and DOMAIN.md, "Identity numbers"). One implementation, so the two cannot drift.
//!
//! The rule: `Σ digit[i] × i` for i = 1..11, mod 11; if that is 10, the same with the weights
//! 3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2; if that is 10 again, no number with those 11 digits is
//! valid.

/// The weights of the first check sum, for digits 1 to 11.
pub(crate) const FIRST_WEIGHTS: [u32; 11] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
/// The weights used when the first sum gives 10.
pub(crate) const SECOND_WEIGHTS: [u32; 11] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];

/// The values of exactly 12 ASCII digits.
pub(crate) fn digits_of(text: &str) -> Option<[u8; 12]> {
    let bytes: &[u8; 12] = text.as_bytes().try_into().ok()?;
    bytes.iter().all(u8::is_ascii_digit).then(|| bytes.map(|b| b - b'0'))
}

/// The check digit of the first 11 digits, or `None` when both sums give 10.
pub(crate) fn check_digit(first11: &[u8]) -> Option<u8> {
    [FIRST_WEIGHTS, SECOND_WEIGHTS].iter().map(|weights| remainder(first11, weights)).find(|r| *r != 10)
}

/// Whether the 12th digit is the check digit of the first 11.
pub(crate) fn check_digit_holds(digits: &[u8; 12]) -> bool {
    check_digit(&digits[..11]) == Some(digits[11])
}

/// Σ digit × weight, mod 11.
pub(crate) fn remainder(first11: &[u8], weights: &[u32; 11]) -> u8 {
    let sum: u32 = first11.iter().zip(weights).map(|(d, w)| u32::from(*d) * w).sum();
    (sum % 11) as u8
}

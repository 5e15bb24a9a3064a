//! The key file: reading and writing a keyring as text.
//!
//! The format is line-based so that an operator can read it, back it up and add a key by
//! hand:
//!
//! ```text
//! # Qorgau field keys. Keep secret; back up; never commit.
//! index <64 hex chars>
//! key 2026-11 <64 hex chars>
//! key 2027-01 <64 hex chars>
//! current 2027-01
//! ```
//!
//! Blank lines and lines starting with `#` are skipped. Errors give the line number and what
//! is wrong with it, and never quote the line, which may hold a key.

use crate::key_id::{KeyError, KeyId, LineProblem};
use crate::keyring::{KEY_LEN, Keyring, Secret};
use std::fmt::Write;

const HEADER: &str = "# Qorgau field keys. Keep secret; back up; never commit.\n\
# The index key never changes; old `key` lines must stay so old values still open.\n";

/// The keyring's pieces as they are read, before the whole-file rules are checked.
#[derive(Default)]
struct Draft {
    index: Option<Secret>,
    keys: Vec<(KeyId, Secret)>,
    /// The id named by `current`, and its line number.
    current: Option<(KeyId, usize)>,
}

impl Keyring {
    /// Reads a key file (see the module docs for the format).
    ///
    /// There must be exactly one `index` line, at least one `key` line, no two keys with the
    /// same id, and exactly one `current` line naming a defined key.
    pub fn from_text(text: &str) -> Result<Keyring, KeyError> {
        let mut draft = Draft::default();
        for (number, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let line_no = number + 1;
            read_line(&mut draft, line, line_no).map_err(|problem| KeyError::Line { line: line_no, problem })?;
        }
        finish(draft)
    }

    /// The key file of this keyring; [`Keyring::from_text`] reads it back unchanged.
    ///
    /// The text holds every key: write it to a file only its owner can read, and drop it.
    pub fn to_text(&self) -> String {
        let mut text = String::from(HEADER);
        let _ = writeln!(text, "index {}", hex(&self.index.0));
        for (id, key) in &self.keys {
            let _ = writeln!(text, "key {id} {}", hex(&key.0));
        }
        let _ = writeln!(text, "current {}", self.current_id());
        text
    }
}

fn read_line(draft: &mut Draft, line: &str, line_no: usize) -> Result<(), LineProblem> {
    let words: Vec<&str> = line.split_whitespace().collect();
    match words.as_slice() {
        ["index", hex] => read_index(draft, hex),
        ["key", id, hex] => read_key(draft, id, hex),
        ["current", id] => read_current(draft, id, line_no),
        ["index" | "key" | "current", ..] => Err(LineProblem::WrongFieldCount),
        _ => Err(LineProblem::UnknownWord),
    }
}

fn read_index(draft: &mut Draft, hex: &str) -> Result<(), LineProblem> {
    if draft.index.is_some() {
        return Err(LineProblem::SecondIndex);
    }
    draft.index = Some(unhex(hex)?);
    Ok(())
}

fn read_key(draft: &mut Draft, id: &str, hex: &str) -> Result<(), LineProblem> {
    let id = KeyId::new(id).map_err(|_| LineProblem::BadId)?;
    if draft.keys.iter().any(|(known, _)| *known == id) {
        return Err(LineProblem::DuplicateId(id));
    }
    let key = unhex(hex)?;
    draft.keys.push((id, key));
    Ok(())
}

fn read_current(draft: &mut Draft, id: &str, line_no: usize) -> Result<(), LineProblem> {
    if draft.current.is_some() {
        return Err(LineProblem::SecondCurrent);
    }
    let id = KeyId::new(id).map_err(|_| LineProblem::BadId)?;
    draft.current = Some((id, line_no));
    Ok(())
}

/// Checks the whole-file rules. `current` may come before the key it names.
fn finish(draft: Draft) -> Result<Keyring, KeyError> {
    let index = draft.index.ok_or(KeyError::NoIndex)?;
    if draft.keys.is_empty() {
        return Err(KeyError::NoKey);
    }
    let (current_id, line) = draft.current.ok_or(KeyError::NoCurrent)?;
    let current = draft
        .keys
        .iter()
        .position(|(id, _)| *id == current_id)
        .ok_or(KeyError::Line { line, problem: LineProblem::UnknownCurrent(current_id) })?;
    Ok(Keyring { keys: draft.keys, current, index })
}

/// Lowercase hex digits of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::with_capacity(2 * bytes.len()), |mut text, b| {
        let _ = write!(text, "{b:02x}");
        text
    })
}

/// Exactly 64 hex digits, either case, into a key.
fn unhex(text: &str) -> Result<Secret, LineProblem> {
    let digits = text.as_bytes();
    if digits.len() != 2 * KEY_LEN {
        return Err(LineProblem::BadHex);
    }
    let mut key = Secret([0u8; KEY_LEN]);
    for (byte, pair) in key.0.iter_mut().zip(digits.chunks_exact(2)) {
        *byte = (nibble(pair[0])? << 4) | nibble(pair[1])?;
    }
    Ok(key)
}

fn nibble(digit: u8) -> Result<u8, LineProblem> {
    match digit {
        b'0'..=b'9' => Ok(digit - b'0'),
        b'a'..=b'f' => Ok(digit - b'a' + 10),
        b'A'..=b'F' => Ok(digit - b'A' + 10),
        _ => Err(LineProblem::BadHex),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INDEX: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    const K1: &str = "1111111111111111111111111111111111111111111111111111111111111111";
    const K2: &str = "2222222222222222222222222222222222222222222222222222222222222222";

    fn file(lines: &[&str]) -> String {
        lines.join("\n")
    }

    fn line_error(text: &str) -> (usize, LineProblem) {
        match Keyring::from_text(text).unwrap_err() {
            KeyError::Line { line, problem } => (line, problem),
            other => panic!("expected a line error, got {other:?}"),
        }
    }

    fn id(s: &str) -> KeyId {
        KeyId::new(s).unwrap()
    }

    #[test]
    fn reads_the_documented_format() {
        let text = file(&[
            "# Qorgau field keys. Keep secret; back up; never commit.",
            "",
            &format!("index {INDEX}"),
            &format!("key 2026-11 {K1}"),
            &format!("  key 2027-01 {}  ", K2.to_uppercase()),
            "current 2027-01",
        ]);
        let ring = Keyring::from_text(&text).unwrap();
        assert_eq!(ring.current_id().as_str(), "2027-01");
        assert_eq!(ring.key_ids().map(KeyId::as_str).collect::<Vec<_>>(), ["2026-11", "2027-01"]);
        assert_eq!(hex(&ring.index.0), INDEX);
        assert_eq!(hex(&ring.key("2027-01").unwrap().0), K2);
    }

    #[test]
    fn text_round_trips() {
        let text = file(&[&format!("index {INDEX}"), "current b", &format!("key a {K1}"), &format!("key b {K2}")]);
        let written = Keyring::from_text(&text).unwrap().to_text();
        assert!(written.starts_with("# Qorgau field keys."));
        assert!(written.contains(&format!("key a {K1}\nkey b {K2}\ncurrent b\n")));
        assert_eq!(Keyring::from_text(&written).unwrap().to_text(), written);
    }

    #[test]
    fn current_may_come_first() {
        let text = file(&["current a", &format!("index {INDEX}"), &format!("key a {K1}")]);
        assert_eq!(Keyring::from_text(&text).unwrap().current_id().as_str(), "a");
    }

    #[test]
    fn each_line_rule_names_its_line() {
        let cases = [
            (file(&["# c", &format!("secret {INDEX}")]), 2, LineProblem::UnknownWord),
            (file(&[K1]), 1, LineProblem::UnknownWord),
            (file(&["", "", &format!("index {INDEX} extra")]), 3, LineProblem::WrongFieldCount),
            (file(&[&format!("key {K1}")]), 1, LineProblem::WrongFieldCount),
            (file(&[&format!("index {INDEX}"), &format!("key Bad_Id {K1}")]), 2, LineProblem::BadId),
            (file(&[&format!("index {INDEX}"), "current NO"]), 2, LineProblem::BadId),
            (file(&[&format!("index {}", &INDEX[..62])]), 1, LineProblem::BadHex),
            (file(&[&format!("index {INDEX}"), &format!("key a {}g", &K1[..63])]), 2, LineProblem::BadHex),
            (file(&[&format!("index {INDEX}"), &format!("index {INDEX}")]), 2, LineProblem::SecondIndex),
            (file(&[&format!("index {INDEX}"), &format!("key a {K1}"), "current a", "current a"]), 4, LineProblem::SecondCurrent),
            (
                file(&[&format!("index {INDEX}"), &format!("key a {K1}"), "#", &format!("key a {K2}")]),
                4,
                LineProblem::DuplicateId(id("a")),
            ),
            (file(&[&format!("index {INDEX}"), &format!("key a {K1}"), "current b"]), 3, LineProblem::UnknownCurrent(id("b"))),
        ];
        for (text, line, problem) in cases {
            assert_eq!(line_error(&text), (line, problem), "{text}");
        }
    }

    #[test]
    fn each_file_rule_is_checked() {
        let cases = [
            (file(&[&format!("key a {K1}"), "current a"]), KeyError::NoIndex),
            (file(&[&format!("index {INDEX}"), "current a"]), KeyError::NoKey),
            (file(&[&format!("index {INDEX}"), &format!("key a {K1}")]), KeyError::NoCurrent),
            (String::new(), KeyError::NoIndex),
        ];
        for (text, error) in cases {
            assert_eq!(Keyring::from_text(&text).unwrap_err(), error, "{text}");
        }
    }

    #[test]
    fn errors_never_quote_key_material() {
        let texts = [
            file(&[&format!("index {INDEX} {K1}")]),
            file(&[K1]),
            file(&[&format!("index {}z", &K1[..63])]),
            file(&[&format!("key {K1} {K2}")]),
        ];
        for text in texts {
            let message = Keyring::from_text(&text).unwrap_err().to_string();
            assert!(!message.contains("1111") && !message.contains("2222") && !message.contains("0011"), "{message}");
        }
    }

    #[test]
    fn debug_shows_ids_not_keys() {
        let text = file(&[&format!("index {INDEX}"), &format!("key 2026-11 {K1}"), "current 2026-11"]);
        let debug = format!("{:?}", Keyring::from_text(&text).unwrap());
        assert!(debug.contains("2026-11"), "{debug}");
        for key in [INDEX, K1, &INDEX[..16], &K1[..16]] {
            assert!(!debug.contains(key), "{debug}");
        }
        assert!(!debug.contains("17, 17"), "nor as decimal bytes: {debug}");
    }
}

//! Field encryption at rest and keyed blind indexes for Qorgau's personal data.
//!
//! Complaints hold names, phone numbers, addresses, IINs and narratives of violence. This
//! crate seals each such field on its own before it is stored, so that a stolen database file
//! or backup reveals nothing personal without the key file, which is kept apart from it. It
//! does not protect against someone who holds both, or who controls the running server.
//!
//! # Sealed values
//!
//! [`Keyring::seal`] encrypts one value with XChaCha20-Poly1305 under the current data key
//! and a random 24-byte nonce (so sealing the same text twice gives different bytes).
//! The bytes are:
//!
//! ```text
//! [1: format version][n: key id length][n bytes: key id][24 bytes: nonce][ciphertext + 16-byte tag]
//! ```
//!
//! The associated data is the field name, e.g. `complaints.narrative`. It is authenticated
//! but not stored: a value only opens under the name it was sealed for, so someone who can
//! write to the database cannot move a sealed value into another column (a narrative shown as
//! a name, an IIN as a phone) and have it shown there. The row is not bound, so a value can
//! still be copied to another row of the same column, unless the caller puts the row id into
//! the field name. [`Keyring::open`] tells a
//! malformed value ([`OpenError::Format`]), a key that is not in the ring
//! ([`OpenError::UnknownKey`]) and a changed or moved value ([`OpenError::Tampered`]) apart.
//!
//! # Blind indexes
//!
//! A sealed value cannot be searched, so exact look-ups (by phone, by IIN) go through
//! [`Keyring::blind_index`]: an HMAC-SHA256 under a separate index key over the
//! length-prefixed kind and the normalised value. The index key **does not rotate**: a new
//! one would change every stored index at once. Data keys rotate without touching indexes.
//!
//! # Files and content addresses
//!
//! [`Keyring::seal_bytes`] and [`Keyring::open_bytes`] seal and open bytes that are not text
//! (evidence files) in the same format. [`Keyring::content_address`] names a file by a keyed
//! MAC of its content under the index key (not a plain hash, which would let anyone with a
//! copy of a known picture find out that it is stored).
//!
//! # The key file
//!
//! ```text
//! # Qorgau field keys. Keep secret; back up; never commit.
//! index <64 hex chars>
//! key 2026-11 <64 hex chars>
//! key 2027-01 <64 hex chars>
//! current 2027-01
//! ```
//!
//! Exactly one `index` line, at least one `key` line with distinct ids (1–16 characters of
//! `a-z`, `0-9`, `-`), and exactly one `current` line naming the key that seals new values.
//! Blank lines and `#` comments are allowed. [`Keyring::generate`] writes a new file;
//! [`Keyring::from_text`] reads one, and its errors give the line number but never the line.
//! Losing the file loses every sealed value: back it up, apart from the database.
//!
//! # Rotation
//!
//! [`Keyring::with_new_key`] adds a fresh key and makes it current; the old keys stay so old
//! values still open. A rotation job then re-seals every value for which
//! [`Keyring::is_current`] is false. Only once none is left may an old `key` line be removed.
//!
//! ```
//! use vault::{KeyId, Keyring};
//!
//! let first = KeyId::new("2026-11").unwrap();
//! let ring = Keyring::from_text(&Keyring::generate(&first)).unwrap();
//! let sealed = ring.seal("complaints.narrative", "…");
//! assert_eq!(ring.open("complaints.narrative", &sealed).unwrap(), "…");
//! assert!(ring.open("persons.name", &sealed).is_err());
//!
//! let (ring, _new_key_file) = ring.with_new_key(&KeyId::new("2027-01").unwrap()).unwrap();
//! assert!(!ring.is_current(&sealed));
//! let resealed = ring.seal("complaints.narrative", &ring.open("complaints.narrative", &sealed).unwrap());
//! assert_eq!(vault::sealed_key_id(&resealed), Some("2027-01"));
//! ```

mod blind;
mod key_file;
mod key_id;
mod keyring;
mod seal;

pub use blind::{BLIND_INDEX_LEN, CONTENT_ADDRESS_LEN};
pub use key_id::{KeyError, KeyId, LineProblem, MAX_KEY_ID_LEN};
pub use keyring::{KEY_LEN, Keyring};
pub use seal::{FORMAT_VERSION, OpenError, sealed_key_id};

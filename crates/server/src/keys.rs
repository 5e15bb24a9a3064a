//! The server secret and what it keys: status PINs and their stored hashes, and the
//! signed human checks of the public form.
//!
//! A PIN is derived from the complaint id with the secret (so an idempotent retry can show
//! the same PIN again without the PIN ever being stored), and the database keeps only a
//! keyed hash of it. A slow password hash would cap intake at a few dozen a second; a
//! 6-digit PIN is protected by the secret and by the rate limit on wrong attempts instead.

use domain::ids::{ComplaintId, StatusPin, TrackingCode};
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use std::path::Path;

type HmacSha256 = Hmac<Sha256>;

/// The server's secret key (32 bytes). Never logged.
#[derive(Clone)]
pub struct Keys {
    secret: [u8; 32],
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys(…)")
    }
}

impl Keys {
    pub fn from_bytes(secret: [u8; 32]) -> Self {
        Self { secret }
    }

    /// From 64 hex digits (the `QORGAU_SECRET` form).
    pub fn from_hex(hex: &str) -> Option<Self> {
        let hex = hex.trim();
        if hex.len() != 64 {
            return None;
        }
        let mut secret = [0u8; 32];
        for (i, byte) in secret.iter_mut().enumerate() {
            *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
        }
        Some(Self { secret })
    }

    /// Reads `secret.key` in `data_dir`, creating it (readable by the owner only) on first start.
    pub fn load_or_create(data_dir: &Path) -> std::io::Result<Self> {
        let path = data_dir.join("secret.key");
        if let Ok(text) = std::fs::read_to_string(&path) {
            return Self::from_hex(&text)
                .ok_or_else(|| std::io::Error::other(format!("{} is not 64 hex digits", path.display())));
        }
        std::fs::create_dir_all(data_dir)?;
        let secret: [u8; 32] = rand::random();
        let hex: String = secret.iter().map(|b| format!("{b:02x}")).collect();
        write_private(&path, &hex)?;
        Ok(Self { secret })
    }

    /// An HMAC over `parts`, each prefixed by its length (so that parts cannot run together).
    fn keyed(&self, parts: &[&[u8]]) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.secret).expect("HMAC takes any key length");
        for part in parts {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part);
        }
        mac
    }

    fn mac(&self, parts: &[&[u8]]) -> [u8; 32] {
        self.keyed(parts).finalize().into_bytes().into()
    }

    /// The PIN of a complaint.
    pub fn status_pin(&self, id: ComplaintId) -> StatusPin {
        let mac = self.mac(&[b"status-pin", id.0.as_bytes()]);
        StatusPin::from_number(u64::from_be_bytes(mac[..8].try_into().expect("8 bytes")))
    }

    /// The hash stored for a PIN: keyed, and bound to the tracking code.
    pub fn pin_hash(&self, code: &TrackingCode, pin: &StatusPin) -> Vec<u8> {
        self.mac(&[b"status-pin-hash", code.as_str().as_bytes(), pin.as_str().as_bytes()]).to_vec()
    }

    /// Whether `pin` is the PIN whose hash is `stored` (in constant time).
    pub fn pin_matches(&self, code: &TrackingCode, pin: &StatusPin, stored: &[u8]) -> bool {
        self.keyed(&[b"status-pin-hash", code.as_str().as_bytes(), pin.as_str().as_bytes()]).verify_slice(stored).is_ok()
    }

    /// A key for one purpose (the audit chain, say), derived from the secret.
    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        self.mac(&[b"derive", purpose.as_bytes()])
    }

    /// A signature over `message` (for the human check of the public form).
    pub fn sign(&self, message: &str) -> String {
        self.mac(&[b"signed", message.as_bytes()])[..16].iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// The SHA-256 of a request body (to tell an idempotent retry from a different request).
pub fn request_hash(body: &[u8]) -> Vec<u8> {
    Sha256::digest(body).to_vec()
}

#[cfg(unix)]
pub fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    f.write_all(text.as_bytes())
}

#[cfg(not(unix))]
pub fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_verify_only_against_their_own_code_and_key() {
        let keys = Keys::from_bytes([7; 32]);
        let id = ComplaintId(uuid::Uuid::now_v7());
        let code = TrackingCode::from_random(99);
        let pin = keys.status_pin(id);
        let stored = keys.pin_hash(&code, &pin);
        assert!(keys.pin_matches(&code, &pin, &stored));
        assert_eq!(keys.status_pin(id), pin, "the same complaint has the same PIN");
        let wrong = StatusPin::from_number(pin.as_str().parse::<u64>().unwrap() + 1);
        assert!(!keys.pin_matches(&code, &wrong, &stored));
        assert!(!keys.pin_matches(&TrackingCode::from_random(100), &pin, &stored));
        assert!(!Keys::from_bytes([8; 32]).pin_matches(&code, &pin, &stored));
    }

    #[test]
    fn secrets_are_64_hex_digits_and_created_once() {
        assert!(Keys::from_hex(&"ab".repeat(32)).is_some());
        assert!(Keys::from_hex("abc").is_none());
        assert!(Keys::from_hex(&"zz".repeat(32)).is_none());
        let dir = std::env::temp_dir().join(format!("qorgau-keys-{}", uuid::Uuid::now_v7()));
        let first = Keys::load_or_create(&dir).unwrap();
        let again = Keys::load_or_create(&dir).unwrap();
        assert_eq!(first.secret, again.secret);
        std::fs::remove_dir_all(dir).ok();
    }
}

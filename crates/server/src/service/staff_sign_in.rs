//! Signing in to the staff pages with the staff token, until staff accounts exist (issue 4).
//!
//! A session is `<expiry>.<signature>`: the server secret signs the expiry, so nothing is
//! stored and the token itself never lives in a cookie.

use crate::error::AppError;
use crate::state::AppState;
use std::net::IpAddr;

/// How long a session lasts: one shift.
pub const SESSION_SECS: i64 = 12 * 60 * 60;

/// Whether `token` is the configured staff token (compared in constant time). With no token
/// configured, nothing is.
pub fn token_is_valid(state: &AppState, token: &str) -> bool {
    let Some(expected) = &state.admin_token else { return false };
    expected.len() == token.len() && expected.bytes().zip(token.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

/// A new session for the right token; wrong tokens are limited per address.
pub fn sign_in(state: &AppState, token: &str, address: IpAddr) -> Result<String, AppError> {
    state.wrong_tokens_by_address.has_left(&address).map_err(AppError::RateLimited)?;
    if !token_is_valid(state, token.trim()) {
        let _ = state.wrong_tokens_by_address.take(&address);
        return Err(AppError::Unauthorized);
    }
    let expires = state.clock.now().unix_timestamp() + SESSION_SECS;
    Ok(format!("{expires}.{}", state.keys.sign(&format!("staff-session:{expires}"))))
}

/// Whether a session cookie's value is ours and unexpired at `now` (unix seconds).
pub fn session_is_valid(state: &AppState, value: &str, now: i64) -> bool {
    let Some((expires, signature)) = value.split_once('.') else { return false };
    let fresh = expires.parse::<i64>().is_ok_and(|e| e > now);
    fresh && state.admin_token.is_some() && state.keys.sign(&format!("staff-session:{expires}")) == signature
}

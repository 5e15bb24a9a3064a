//! What handlers learn about the caller: who they are (an agency system's token, a staff
//! session, or the public), and their address (believing `X-Forwarded-For` only from our own
//! proxies).

use crate::error::AppError;
use crate::service::{Caller, Staff, accounts};
use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::{Method, header};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// The session cookie: a random value, stored only as a digest.
pub const SESSION_COOKIE: &str = "qorgau_session";
/// The header that carries the session's CSRF token on API calls made with the cookie.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A signed-in staff member or an agency system. Refused with 401 otherwise.
pub struct StaffCaller(pub Staff);

/// `Caller::Staff` with valid credentials, `Caller::Public` with none; wrong credentials are
/// refused rather than treated as public.
pub struct OptionalStaff(pub Caller);

/// The address the request came from.
pub struct ClientAddress(pub IpAddr);

fn bearer(parts: &Parts) -> Option<&str> {
    parts.headers.get(AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ").map(str::trim)
}

/// The value of the session cookie, if the request carries one.
pub fn session_cookie(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix(SESSION_COOKIE)?.strip_prefix('='))
        .filter(|v| !v.is_empty())
}

fn has_credentials(parts: &Parts) -> bool {
    parts.headers.contains_key(AUTHORIZATION) || session_cookie(parts).is_some()
}

impl FromRequestParts<AppState> for StaffCaller {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let ClientAddress(address) = ClientAddress::from_request_parts(parts, state).await?;
        if let Some(token) = bearer(parts) {
            return accounts::bearer(state, token, address).await?.map(StaffCaller).ok_or(AppError::Unauthorized);
        }
        let Some(cookie) = session_cookie(parts) else { return Err(AppError::Unauthorized) };
        let staff = accounts::session(state, cookie, address).await?.ok_or(AppError::Unauthorized)?;
        // A cookie is sent by the browser on its own: a change must also carry the token
        // that only our pages know.
        let changes = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        let token = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("");
        let csrf = staff.session.as_ref().map(|s| s.csrf_token.as_str()).unwrap_or("");
        if changes && !crate::auth::same(token, csrf) {
            return Err(AppError::Domain(domain::Error::Forbidden));
        }
        Ok(StaffCaller(staff))
    }
}

impl FromRequestParts<AppState> for OptionalStaff {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if has_credentials(parts) {
            let StaffCaller(staff) = StaffCaller::from_request_parts(parts, state).await?;
            return Ok(OptionalStaff(Caller::Staff(staff)));
        }
        let ClientAddress(address) = ClientAddress::from_request_parts(parts, state).await?;
        Ok(OptionalStaff(Caller::Public { address, human_checked: false }))
    }
}

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let peer =
            parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip()).unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        Ok(ClientAddress(client_address(
            peer,
            parts.headers.get("x-forwarded-for").and_then(|v| v.to_str().ok()),
            &state.trusted_proxies,
        )))
    }
}

/// The peer, unless the peer is one of our proxies: then the nearest address in
/// `X-Forwarded-For` that is not one of ours.
fn client_address(peer: IpAddr, forwarded: Option<&str>, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    forwarded
        .into_iter()
        .flat_map(|f| f.rsplit(','))
        .filter_map(|a| a.trim().parse::<IpAddr>().ok())
        .find(|a| !trusted.contains(a))
        .unwrap_or(peer)
}

#[cfg(test)]
mod tests {
    use super::client_address;
    use std::net::IpAddr;

    #[test]
    fn forwarded_for_is_believed_only_from_our_proxies() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let proxy = ip("10.0.0.1");
        assert_eq!(client_address(ip("203.0.113.9"), Some("198.51.100.1"), &[proxy]), ip("203.0.113.9"));
        assert_eq!(client_address(proxy, Some("198.51.100.1, 198.51.100.2"), &[proxy]), ip("198.51.100.2"));
        assert_eq!(client_address(proxy, Some("garbage"), &[proxy]), proxy);
        assert_eq!(client_address(proxy, None, &[]), proxy);
    }
}

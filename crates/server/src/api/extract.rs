//! What handlers learn about the caller: their staff token, and their address (believing
//! `X-Forwarded-For` only from our own proxies).

use crate::error::AppError;
use crate::service::Caller;
use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// A request with a valid staff token.
pub struct Staff;

/// `Caller::Staff` with a valid token, `Caller::Public` with none; a wrong token is refused
/// rather than treated as public.
pub struct OptionalStaff(pub Caller);

/// The address the request came from.
pub struct ClientAddress(pub IpAddr);

fn bearer(parts: &Parts) -> Option<&str> {
    parts.headers.get(AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ").map(str::trim)
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        match bearer(parts) {
            Some(token) if crate::service::staff_sign_in::token_is_valid(state, token) => Ok(Staff),
            _ => Err(AppError::Unauthorized),
        }
    }
}

impl FromRequestParts<AppState> for OptionalStaff {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if parts.headers.contains_key(AUTHORIZATION) {
            Staff::from_request_parts(parts, state).await?;
            return Ok(OptionalStaff(Caller::Staff));
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

//! Outgoing connections for delivery: TCP, and TLS (rustls with the ring provider) checked
//! against the system's trusted roots plus `QORGAU_TLS_CA_FILE` (a ministry's network often
//! has its own root), and one small HTTP/1.1 POST used by webhooks and the SMS gateway.
//!
//! One connection per message: deliveries are few (notices, not traffic), and a fresh
//! connection never carries one agency's state into another's.

use http_body_util::Full;
use hyper::body::Bytes;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

/// How long a connection, a TLS handshake, or an answer may take.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// A byte stream, plain or under TLS.
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// The TLS client configuration: which roots are trusted.
#[derive(Clone, Debug)]
pub struct Tls {
    config: Arc<rustls::ClientConfig>,
}

impl Tls {
    /// The system's roots and the certificates of `extra_roots` (PEM), if given.
    pub fn new(extra_roots: Option<&Path>) -> Result<Tls, String> {
        let mut roots = rustls::RootCertStore::empty();
        // A system root that does not parse is skipped, as every TLS client does.
        roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
        if let Some(path) = extra_roots {
            let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
                .and_then(|certs| certs.collect())
                .map_err(|e| format!("QORGAU_TLS_CA_FILE {}: {e}", path.display()))?;
            if certs.is_empty() {
                return Err(format!("QORGAU_TLS_CA_FILE {}: no certificate in it", path.display()));
            }
            for cert in certs {
                roots.add(cert).map_err(|e| format!("QORGAU_TLS_CA_FILE {}: {e}", path.display()))?;
            }
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS: {e}"))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Tls { config: Arc::new(config) })
    }

    /// Wraps `stream` in TLS to `host`, checking its certificate.
    pub async fn wrap(&self, host: &str, stream: Box<dyn Io>) -> Result<Box<dyn Io>, String> {
        let name = ServerName::try_from(host.to_owned()).map_err(|_| "TLS: not a host name".to_owned())?;
        let connector = tokio_rustls::TlsConnector::from(self.config.clone());
        let tls = tokio::time::timeout(TIMEOUT, connector.connect(name, stream))
            .await
            .map_err(|_| "TLS: no handshake within 10 s".to_owned())?
            .map_err(|e| format!("TLS: {e}"))?;
        Ok(Box::new(tls))
    }

    /// A connection to `host:port`, under TLS when `secure`.
    pub async fn connect(&self, host: &str, port: u16, secure: bool) -> Result<Box<dyn Io>, String> {
        let stream = tokio::time::timeout(TIMEOUT, TcpStream::connect((host, port)))
            .await
            .map_err(|_| "connection: no answer within 10 s".to_owned())?
            .map_err(|e| format!("connection: {e}"))?;
        let stream: Box<dyn Io> = Box::new(stream);
        if secure { self.wrap(host, stream).await } else { Ok(stream) }
    }
}

/// Where an `http://` or `https://` address points.
struct Target {
    secure: bool,
    host: String,
    port: u16,
    authority: String,
    path: String,
}

fn target(url: &str) -> Result<Target, String> {
    let uri: hyper::Uri = url.parse().map_err(|_| "address: not a URL".to_owned())?;
    let secure = match uri.scheme_str() {
        Some("https") => true,
        Some("http") => false,
        _ => return Err("address: http:// or https:// only".into()),
    };
    let authority = uri.authority().ok_or("address: no host")?;
    let host = authority.host().trim_start_matches('[').trim_end_matches(']').to_owned();
    let port = authority.port_u16().unwrap_or(if secure { 443 } else { 80 });
    let path = uri.path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "/".into());
    Ok(Target { secure, host, port, authority: authority.as_str().to_owned(), path })
}

/// Checks that `url` is an `http://` or `https://` address with a host (what a webhook or a
/// gateway must be), naming the problem.
pub fn check_url(url: &str) -> Result<(), String> {
    target(url).map(|_| ())
}

/// Posts `body` (JSON) to `url` with `headers`; `Ok` only for a 2xx answer.
pub async fn post_json(tls: &Tls, url: &str, headers: &[(&str, String)], body: String) -> Result<(), String> {
    let target = target(url)?;
    let io = tls.connect(&target.host, target.port, target.secure).await?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(io)).await.map_err(|e| format!("connection: {e}"))?;
    tokio::spawn(connection);
    let mut request = hyper::Request::post(&target.path)
        .header("host", &target.authority)
        .header("content-type", "application/json")
        .header("user-agent", "qorgau");
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let request = request.body(Full::new(Bytes::from(body))).map_err(|e| format!("request: {e}"))?;
    match tokio::time::timeout(TIMEOUT, sender.send_request(request)).await {
        Ok(Ok(response)) if response.status().is_success() => Ok(()),
        Ok(Ok(response)) => Err(format!("the receiver answered {}", response.status().as_u16())),
        Ok(Err(e)) => Err(format!("connection: {e}")),
        Err(_) => Err("no answer within 10 s".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_give_their_scheme_host_port_and_path() {
        let t = target("https://hooks.example.kz/qorgau?x=1").unwrap();
        assert!(t.secure);
        assert_eq!((t.host.as_str(), t.port, t.path.as_str()), ("hooks.example.kz", 443, "/qorgau?x=1"));
        let t = target("http://127.0.0.1:8081").unwrap();
        assert!(!t.secure);
        assert_eq!((t.host.as_str(), t.port, t.path.as_str(), t.authority.as_str()), ("127.0.0.1", 8081, "/", "127.0.0.1:8081"));
        assert!(target("ftp://example.kz/").is_err());
        assert!(target("not a url").is_err());
    }

    #[test]
    fn a_roots_file_without_certificates_is_refused() {
        let dir = std::env::temp_dir().join(format!("qorgau-tls-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("empty.pem");
        std::fs::write(&path, "nothing here\n").unwrap();
        assert!(Tls::new(Some(&path)).unwrap_err().contains("no certificate"));
        assert!(Tls::new(Some(&dir.join("missing.pem"))).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

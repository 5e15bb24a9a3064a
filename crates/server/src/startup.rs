//! Assembling the application: the database, the state, the routes and their layers, and
//! serving until asked to stop.

use crate::config::Config;
use crate::keys::Keys;
use crate::state::AppState;
use anyhow::Context;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use domain::clock::Clock;
use domain::reference::{Reference, ReferenceTexts};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use store::Db;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa_swagger_ui::{Config as SwaggerConfig, SwaggerUi};

/// Requests larger than this are refused (413): a complaint is a few kilobytes.
pub const BODY_LIMIT: usize = 64 * 1024;

/// Our pages load nothing from elsewhere and run only our own script.
const PAGE_POLICY: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
     frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'";
/// The API docs page (vendored Swagger UI) needs inline styles.
const DOCS_POLICY: &str =
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'";

/// Opens the database the configuration names (PostgreSQL, or SQLite in the data
/// directory) and applies pending migrations.
pub async fn open_database(config: &Config) -> anyhow::Result<Db> {
    let db = match &config.database_url {
        Some(url) => Db::connect(url).await.context("cannot connect to the database")?,
        None => Db::open_data_dir(&config.data_dir)
            .await
            .with_context(|| format!("cannot open the database in {}", config.data_dir.display()))?,
    };
    db.migrate().await.context("cannot apply the migrations")?;
    Ok(db)
}

/// The secret from the configuration, or from (a new) `secret.key` in the data directory.
pub fn load_keys(config: &Config) -> anyhow::Result<Keys> {
    match &config.secret {
        Some(hex) => Keys::from_hex(hex).context("QORGAU_SECRET must be 64 hex digits"),
        None => Keys::load_or_create(&config.data_dir).context("cannot read or create the secret in the data directory"),
    }
}

/// The reference data: the embedded files, each replaced by its namesake in the reference
/// directory when there is one. Checked whole: a bad file stops the start.
pub fn load_reference(config: &Config) -> anyhow::Result<Reference> {
    let dir = config.reference_dir();
    let read = |name: &str| -> anyhow::Result<Option<String>> {
        let path = dir.join(name);
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                tracing::info!(file = %path.display(), "reference data replaced by the administrator's file");
                Ok(Some(text))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
        }
    };
    let texts = ReferenceTexts {
        taxonomy: read("taxonomy.toml")?,
        agencies: read("agencies.toml")?,
        routing: read("routing.toml")?,
        calendar: read("calendar.toml")?,
        deadlines: read("deadlines.toml")?,
    };
    Reference::from_texts(&texts).with_context(|| format!("the reference data in {} is not valid", dir.display()))
}

/// The keys that seal personal fields: from `QORGAU_FIELD_KEYS`, or the key file (created,
/// readable by the owner only, on first start).
pub fn load_field_keys(config: &Config) -> anyhow::Result<vault::Keyring> {
    if let Some(text) = &config.field_keys {
        return vault::Keyring::from_text(text).context("QORGAU_FIELD_KEYS is not a valid key file");
    }
    let path = field_keys_path(config);
    match std::fs::read_to_string(&path) {
        Ok(text) => vault::Keyring::from_text(&text).with_context(|| format!("{} is not a valid key file", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let id = vault::KeyId::new("k1").expect("a valid key id");
            let text = vault::Keyring::generate(&id);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            crate::keys::write_private(&path, &text).with_context(|| format!("cannot create {}", path.display()))?;
            tracing::warn!(file = %path.display(), "created new field keys: back this file up apart from the database");
            vault::Keyring::from_text(&text).context("a generated key file")
        }
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// Where the field key file is.
pub fn field_keys_path(config: &Config) -> std::path::PathBuf {
    config.field_keys_file.clone().unwrap_or_else(|| config.data_dir.join("field.keys"))
}

/// Refuses what a configuration must not combine or hold: a bootstrap token outside demo
/// mode, a public address that is not `http(s)://host`.
pub fn check(config: &Config) -> anyhow::Result<()> {
    config.check_public_url()?;
    if config.admin_token.is_some() && !config.demo {
        anyhow::bail!(
            "QORGAU_ADMIN_TOKEN is for `qorgau demo` only: create the first administrator with `qorgau user create --role administrator`"
        );
    }
    Ok(())
}

/// The state of a server on `db`. Outside demo mode, a bootstrap token is refused: accounts
/// and agency tokens replace it.
pub fn state(config: &Config, db: Db, clock: Arc<dyn Clock>) -> anyhow::Result<AppState> {
    check(config)?;
    let senders = crate::delivery::Senders::from_config(config).map_err(anyhow::Error::msg)?;
    Ok(AppState::new(config, db, load_keys(config)?, load_field_keys(config)?, clock, load_reference(config)?, senders))
}

/// Every route, with the layers every request goes through.
pub fn app(state: AppState) -> Router {
    let (api, openapi) = crate::api::router();
    let docs = Router::new()
        // No validator badge: it would call a server on the internet.
        .merge(
            SwaggerUi::new("/api/docs").url("/api/openapi.json", openapi).config(SwaggerConfig::default().validator_url("none")),
        )
        .layer(SetResponseHeaderLayer::overriding(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(DOCS_POLICY)));
    let request_id = HeaderName::from_static("x-request-id");
    Router::new()
        .merge(api)
        .merge(crate::web::router())
        .route_layer(axum::middleware::from_fn(crate::observability::track))
        .with_state(state)
        .merge(docs)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, Duration::from_secs(30)))
        .layer(SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(PAGE_POLICY)))
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
            // Never the path or the query: they may hold codes or PINs. The route pattern is
            // recorded by `observability::track` once routing has matched it.
            let id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
            tracing::info_span!("request", method = %request.method(), route = tracing::field::Empty, request_id = id)
        }))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
}

/// Serves `app` on `config.bind` until Ctrl-C or SIGTERM, then lets requests in flight finish.
pub async fn serve(config: &Config, app: Router) -> anyhow::Result<()> {
    let listener =
        tokio::net::TcpListener::bind(config.bind).await.with_context(|| format!("cannot listen on {}", config.bind))?;
    tracing::info!(address = %listener.local_addr()?, "listening");
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("the server failed")
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
    tracing::info!("shutting down");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_keys_are_created_once_readable_by_the_owner_only() {
        let dir = std::env::temp_dir().join(format!("qorgau-field-keys-{}", uuid::Uuid::now_v7().simple()));
        let config = Config { data_dir: dir.clone(), ..Config::default() };
        let first = load_field_keys(&config).unwrap();
        let again = load_field_keys(&config).unwrap();
        let sealed = first.seal("t.c:1", "synthetic");
        assert_eq!(again.open("t.c:1", &sealed).unwrap(), "synthetic", "the same keys the second time");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(field_keys_path(&config)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::remove_dir_all(dir).ok();
    }
}

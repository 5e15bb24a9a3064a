//! What every request can reach: the database, the intake writer, the clock, the keys and
//! the limiters. Built once at start (or per test by the harness).

use crate::config::Config;
use crate::keys::Keys;
use crate::ratelimit::Limiter;
use domain::clock::Clock;
use domain::reference::Reference;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;
use store::Db;
use store::writer::IntakeWriter;

#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    pub db: Db,
    pub writer: IntakeWriter,
    pub clock: Arc<dyn Clock>,
    pub keys: Keys,
    /// Taxonomy, agencies, routing rules, calendar and deadline policies.
    pub reference: Arc<Reference>,
    pub admin_token: Option<String>,
    pub trusted_proxies: Vec<IpAddr>,
    /// Public reports per address.
    pub public_reports: Limiter<IpAddr>,
    /// Wrong status PINs per address, and per tracking code.
    pub wrong_pins_by_address: Limiter<IpAddr>,
    pub wrong_pins_by_code: Limiter<String>,
    /// Wrong staff tokens on the sign-in page, per address.
    pub wrong_tokens_by_address: Limiter<IpAddr>,
    pub metrics: crate::observability::Metrics,
}

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// Wrong PINs: 5 per tracking code and 20 per address, each coming back over 15 minutes.
const PIN_WINDOW: Duration = Duration::from_secs(15 * 60);

impl AppState {
    /// Starts the intake writer on `db` and assembles the state.
    pub fn new(config: &Config, db: Db, keys: Keys, clock: Arc<dyn Clock>, reference: Reference) -> Self {
        let per_public_report = Duration::from_secs(60) / config.public_per_minute.max(1);
        AppState(Arc::new(Shared {
            writer: IntakeWriter::start(db.clone()),
            db,
            clock,
            keys,
            reference: Arc::new(reference),
            admin_token: config.admin_token.clone().filter(|t| !t.is_empty()),
            trusted_proxies: config.trusted_proxies.clone(),
            public_reports: Limiter::new(config.public_burst, per_public_report),
            wrong_pins_by_address: Limiter::new(20, PIN_WINDOW / 20),
            wrong_pins_by_code: Limiter::new(5, PIN_WINDOW / 5),
            wrong_tokens_by_address: Limiter::new(10, PIN_WINDOW / 10),
            metrics: crate::observability::Metrics::install(),
        }))
    }
}

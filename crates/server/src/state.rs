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
    /// Field keys and the audit chain's key.
    pub store_keys: Arc<store::Keys>,
    pub password_cost: crate::auth::PasswordCost,
    /// Demo mode's bootstrap token, acting as an operator. `None` outside demo mode.
    pub demo_token: Option<String>,
    pub retention_days: u32,
    /// Where evidence files are kept (`<data_dir>/evidence`).
    pub evidence_dir: std::path::PathBuf,
    /// When reminders and escalations are due.
    pub escalation: domain::assignment::escalation::Chain,
    /// How notices leave: mail relay or sink, SMS gateway or log, TLS roots.
    pub senders: crate::delivery::Senders,
    /// Taxonomy, agencies, routing rules, calendar and deadline policies.
    pub reference: Arc<Reference>,
    pub trusted_proxies: Vec<IpAddr>,
    /// Where the public reaches us, without a trailing `/` (the QR codes of posters).
    pub public_url: String,
    /// Public reports per address.
    pub public_reports: Limiter<IpAddr>,
    /// Reports through each institution's QR code (by BIN).
    pub qr_reports: Limiter<String>,
    /// A school's report later than this after it learned of the event is late.
    pub school_report_limit: time::Duration,
    /// A family support center decides on a referral within this long.
    pub referral_decision: time::Duration,
    /// Wrong status PINs per address, and per tracking code.
    pub wrong_pins_by_address: Limiter<IpAddr>,
    pub wrong_pins_by_code: Limiter<String>,
    /// Failed sign-ins per address (accounts lock on their own failures too).
    pub wrong_sign_ins_by_address: Limiter<IpAddr>,
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
    pub fn new(
        config: &Config,
        db: Db,
        keys: Keys,
        fields: vault::Keyring,
        clock: Arc<dyn Clock>,
        reference: Reference,
        senders: crate::delivery::Senders,
    ) -> Self {
        let per_public_report = Duration::from_secs(60) / config.public_per_minute.max(1);
        let store_keys = Arc::new(store::Keys { fields, chain: store::audit::ChainKey::new(keys.derive("audit-chain")) });
        AppState(Arc::new(Shared {
            writer: IntakeWriter::start(db.clone(), store_keys.clone()),
            db,
            clock,
            keys,
            store_keys,
            password_cost: crate::auth::PasswordCost { memory_kib: config.password_memory_kib },
            demo_token: config.admin_token.clone().filter(|t| config.demo && !t.is_empty()),
            retention_days: config.retention_days,
            evidence_dir: config.evidence_dir(),
            escalation: domain::assignment::escalation::Chain {
                remind_before: time::Duration::minutes(config.remind_before_minutes.into()),
                after_deadline: config.escalation_hours.map(|h| time::Duration::hours(h.into())),
            },
            senders,
            reference: Arc::new(reference),
            trusted_proxies: config.trusted_proxies.clone(),
            public_url: config.public_url(),
            public_reports: Limiter::new(config.public_burst, per_public_report),
            qr_reports: Limiter::new(config.qr_burst, Duration::from_secs(60) / config.qr_per_minute.max(1)),
            school_report_limit: time::Duration::hours(config.school_report_limit_hours.into()),
            referral_decision: time::Duration::hours(config.referral_decision_hours.into()),
            wrong_pins_by_address: Limiter::new(20, PIN_WINDOW / 20),
            wrong_pins_by_code: Limiter::new(5, PIN_WINDOW / 5),
            wrong_sign_ins_by_address: Limiter::new(20, PIN_WINDOW / 20),
            metrics: crate::observability::Metrics::install(),
        }))
    }
}

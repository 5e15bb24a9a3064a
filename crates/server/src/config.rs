//! Configuration: defaults, then a TOML file, then `QORGAU_*` environment variables, then
//! command-line flags (applied by the binary). The variable names are a stable interface
//! for deployment scripts.

use serde::Deserialize;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

/// Everything the server needs to start.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// `QORGAU_BIND`: where to listen.
    pub bind: SocketAddr,
    /// `QORGAU_PUBLIC_URL`: where the public reaches this server (`https://111.example.kz`):
    /// `http` or `https`, a host, no path or query. The QR codes on school posters lead to
    /// `{public_url}/qr/{bin}`, so it must be the address children's phones can open, not the
    /// bind address behind the proxy. Default: `http://` and the bind address.
    pub public_url: Option<String>,
    /// `QORGAU_DATA_DIR`: the SQLite database and the generated secret live here.
    pub data_dir: PathBuf,
    /// `QORGAU_DATABASE_URL`: `postgres://…` to use PostgreSQL instead of the embedded SQLite.
    pub database_url: Option<String>,
    /// `QORGAU_ADMIN_TOKEN`: in demo mode only, a bearer token that acts as an operator.
    /// Outside demo mode the server refuses to start with it: create accounts with
    /// `qorgau user create` and issue agency systems their own tokens.
    pub admin_token: Option<String>,
    /// Set by `qorgau demo`, never by configuration.
    #[serde(skip)]
    pub demo: bool,
    /// `QORGAU_FIELD_KEYS`: the text of the field key file (see `qorgau keys`), for
    /// deployments that pass secrets in the environment.
    pub field_keys: Option<String>,
    /// `QORGAU_FIELD_KEYS_FILE`: the field key file; default `<data_dir>/field.keys`, created
    /// on first start. Keep it (and its backups) apart from the database's backups.
    pub field_keys_file: Option<PathBuf>,
    /// `QORGAU_RETENTION_DAYS`: closed complaints older than this are anonymised.
    pub retention_days: u32,
    /// `QORGAU_PASSWORD_MEMORY_KIB`: the memory argon2id uses per password hash.
    pub password_memory_kib: u32,
    /// `QORGAU_REMIND_BEFORE_MINUTES`: an agency is reminded this long before a deadline.
    pub remind_before_minutes: u32,
    /// `QORGAU_ESCALATION_HOURS`: after a missed deadline, the agency head, then the regional
    /// supervisor, then the prosecutor's office are told, this many hours after it (three numbers).
    pub escalation_hours: [u32; 3],
    /// `QORGAU_SECRET`: 64 hex digits keying the status-PIN hashes. When absent, one is
    /// generated in the data directory. Servers sharing one PostgreSQL must share it.
    pub secret: Option<String>,
    /// `QORGAU_REFERENCE_DIR`: replacements of the embedded reference data (`taxonomy.toml`,
    /// `agencies.toml`, `routing.toml`, `calendar.toml`, `deadlines.toml`); default
    /// `<data_dir>/reference`. A file that is absent means the embedded one.
    pub reference_dir: Option<PathBuf>,
    /// `QORGAU_TRUSTED_PROXIES`: comma-separated addresses of our own reverse proxies,
    /// whose `X-Forwarded-For` is believed. Nobody else's is.
    pub trusted_proxies: Vec<IpAddr>,
    /// `QORGAU_LOG`: a tracing filter, e.g. `info` or `qorgau=debug`.
    pub log: String,
    /// `QORGAU_LOG_FORMAT`: `json` (default) or `pretty`.
    pub log_format: String,
    /// `QORGAU_PUBLIC_BURST`: how many public reports one address may send at once before
    /// it is asked to prove it is a person.
    pub public_burst: u32,
    /// `QORGAU_PUBLIC_PER_MINUTE`: how fast that allowance comes back.
    pub public_per_minute: u32,
    /// `QORGAU_SCHOOL_REPORT_LIMIT_HOURS`: a school's report made later than this after the
    /// school learned of the event is flagged late in the figures.
    pub school_report_limit_hours: u32,
    /// `QORGAU_REFERRAL_DECISION_HOURS`: a family support center accepts or refuses a referral
    /// within this long; later, the referral shows `overdue`.
    pub referral_decision_hours: u32,
    /// `QORGAU_QR_BURST`, `QORGAU_QR_PER_MINUTE`: reports through one institution's QR code at
    /// once, and how fast that allowance comes back. Past it, the form asks a question a child
    /// can answer; no report is turned away.
    pub qr_burst: u32,
    pub qr_per_minute: u32,
    /// `QORGAU_SMTP_URL`: the mail relay for staff notices, `smtp://host:port` (inside a
    /// closed network) or `smtps://user:password@host:465`. Without it, the file sink.
    pub smtp_url: Option<String>,
    /// `QORGAU_MAIL_FROM`: the sender of notices by mail.
    pub mail_from: String,
    /// `QORGAU_SMS_URL`: the SMS gateway (`https://…`, JSON `{"to", "text"}` posted). Without
    /// it, the log sink (which never logs the number).
    pub sms_url: Option<String>,
    /// `QORGAU_SMS_TOKEN`: the gateway's bearer token.
    pub sms_token: Option<String>,
    /// `QORGAU_TLS_CA_FILE`: PEM certificates trusted besides the system's roots, for
    /// webhooks, the relay and the gateway (e.g. a national root or an internal CA).
    pub tls_ca_file: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("qorgau-data"),
            public_url: None,
            database_url: None,
            admin_token: None,
            demo: false,
            field_keys: None,
            field_keys_file: None,
            retention_days: 5 * 365,
            password_memory_kib: 19 * 1024,
            remind_before_minutes: 120,
            escalation_hours: [0, 24, 72],
            secret: None,
            reference_dir: None,
            trusted_proxies: Vec::new(),
            log: "info".into(),
            log_format: "json".into(),
            public_burst: 30,
            public_per_minute: 10,
            school_report_limit_hours: 24,
            referral_decision_hours: 24,
            qr_burst: 60,
            qr_per_minute: 2,
            smtp_url: None,
            mail_from: "qorgau@localhost".into(),
            sms_url: None,
            sms_token: None,
            tls_ca_file: None,
        }
    }
}

/// Why the configuration could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{path}: {source}")]
    Toml { path: PathBuf, source: toml::de::Error },
    #[error("{var}: {message}")]
    Env { var: &'static str, message: String },
}

impl Config {
    /// Where evidence files are kept (sealed, by content address): `<data_dir>/evidence`.
    /// Servers sharing one PostgreSQL must share this folder too.
    pub fn evidence_dir(&self) -> PathBuf {
        self.data_dir.join("evidence")
    }

    /// Where replacements of the reference data are looked for.
    pub fn reference_dir(&self) -> PathBuf {
        self.reference_dir.clone().unwrap_or_else(|| self.data_dir.join("reference"))
    }

    /// Reads `file` (if given) and then the environment through `env`.
    pub fn load(file: Option<&Path>, env: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let mut config = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read { path: path.into(), source })?;
                toml::from_str(&text).map_err(|source| ConfigError::Toml { path: path.into(), source })?
            }
            None => Config::default(),
        };
        config.apply_env(env)?;
        config.check_public_url()?;
        Ok(config)
    }

    /// The public address, without a trailing `/`: the configured one, or `http://` and the
    /// bind address.
    pub fn public_url(&self) -> String {
        match &self.public_url {
            Some(url) => url.trim().trim_end_matches('/').to_owned(),
            None => format!("http://{}", self.bind),
        }
    }

    /// Refuses a public address that is not `http(s)://host[:port]` (with at most a `/`).
    pub fn check_public_url(&self) -> Result<(), ConfigError> {
        match &self.public_url {
            Some(url) => check_public_url(url).map_err(|message| ConfigError::Env { var: "QORGAU_PUBLIC_URL", message }),
            None => Ok(()),
        }
    }

    fn apply_env(&mut self, env: impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        let env = |var: &str| env(var).filter(|v| !v.is_empty());
        if let Some(v) = env("QORGAU_BIND") {
            self.bind =
                v.parse().map_err(|_| ConfigError::Env { var: "QORGAU_BIND", message: "expected address:port".into() })?;
        }
        if let Some(v) = env("QORGAU_PUBLIC_URL") {
            self.public_url = Some(v);
        }
        if let Some(v) = env("QORGAU_DATA_DIR") {
            self.data_dir = v.into();
        }
        if let Some(v) = env("QORGAU_DATABASE_URL") {
            self.database_url = Some(v);
        }
        if let Some(v) = env("QORGAU_ADMIN_TOKEN") {
            self.admin_token = Some(v);
        }
        if let Some(v) = env("QORGAU_FIELD_KEYS") {
            self.field_keys = Some(v);
        }
        if let Some(v) = env("QORGAU_FIELD_KEYS_FILE") {
            self.field_keys_file = Some(v.into());
        }
        if let Some(v) = env("QORGAU_SECRET") {
            self.secret = Some(v);
        }
        if let Some(v) = env("QORGAU_REFERENCE_DIR") {
            self.reference_dir = Some(v.into());
        }
        if let Some(v) = env("QORGAU_TRUSTED_PROXIES") {
            self.trusted_proxies = v
                .split(',')
                .map(|a| a.trim().parse())
                .collect::<Result<_, _>>()
                .map_err(|_| ConfigError::Env { var: "QORGAU_TRUSTED_PROXIES", message: "expected IP addresses".into() })?;
        }
        if let Some(v) = env("QORGAU_SMTP_URL") {
            self.smtp_url = Some(v);
        }
        if let Some(v) = env("QORGAU_MAIL_FROM") {
            self.mail_from = v;
        }
        if let Some(v) = env("QORGAU_SMS_URL") {
            self.sms_url = Some(v);
        }
        if let Some(v) = env("QORGAU_SMS_TOKEN") {
            self.sms_token = Some(v);
        }
        if let Some(v) = env("QORGAU_TLS_CA_FILE") {
            self.tls_ca_file = Some(PathBuf::from(v));
        }
        if let Some(v) = env("QORGAU_LOG") {
            self.log = v;
        }
        if let Some(v) = env("QORGAU_LOG_FORMAT") {
            self.log_format = v;
        }
        let number = |var: &'static str| -> Result<Option<u32>, ConfigError> {
            env(var)
                .map(|v| v.parse().map_err(|_| ConfigError::Env { var, message: "expected a whole number".into() }))
                .transpose()
        };
        if let Some(n) = number("QORGAU_PUBLIC_BURST")? {
            self.public_burst = n;
        }
        if let Some(n) = number("QORGAU_PUBLIC_PER_MINUTE")? {
            self.public_per_minute = n;
        }
        if let Some(n) = number("QORGAU_SCHOOL_REPORT_LIMIT_HOURS")? {
            self.school_report_limit_hours = n;
        }
        if let Some(n) = number("QORGAU_REFERRAL_DECISION_HOURS")? {
            self.referral_decision_hours = n;
        }
        if let Some(n) = number("QORGAU_QR_BURST")? {
            self.qr_burst = n;
        }
        if let Some(n) = number("QORGAU_QR_PER_MINUTE")? {
            self.qr_per_minute = n;
        }
        if let Some(n) = number("QORGAU_RETENTION_DAYS")? {
            self.retention_days = n;
        }
        if let Some(n) = number("QORGAU_REMIND_BEFORE_MINUTES")? {
            self.remind_before_minutes = n;
        }
        if let Some(v) = env("QORGAU_ESCALATION_HOURS") {
            let hours: Vec<u32> = v.split(',').filter_map(|h| h.trim().parse().ok()).collect();
            self.escalation_hours = hours.try_into().map_err(|_| ConfigError::Env {
                var: "QORGAU_ESCALATION_HOURS",
                message: "expected three whole numbers of hours, e.g. 0,24,72".into(),
            })?;
        }
        if let Some(n) = number("QORGAU_PASSWORD_MEMORY_KIB")? {
            self.password_memory_kib = n.max(8);
        }
        Ok(())
    }
}

/// The longest public address taken: it is printed under the QR code of every poster.
const PUBLIC_URL_CHARS: usize = 100;

/// Checks a public address: `http://` or `https://`, a host, no user, path, query or fragment.
fn check_public_url(url: &str) -> Result<(), String> {
    let url = url.trim();
    if url.len() > PUBLIC_URL_CHARS {
        return Err(format!("at most {PUBLIC_URL_CHARS} characters"));
    }
    let uri: axum::http::Uri = url.parse().map_err(|_| "expected an address like https://111.example.kz".to_owned())?;
    if !matches!(uri.scheme_str(), Some("http" | "https")) {
        return Err("expected http:// or https://".into());
    }
    match uri.authority() {
        None => return Err("expected a host, e.g. https://111.example.kz".into()),
        Some(a) if a.as_str().contains('@') || a.host().is_empty() => return Err("expected a host without a user".into()),
        Some(_) => {}
    }
    if (uri.path() != "/" && !uri.path().is_empty()) || uri.query().is_some() || url.contains('#') {
        return Err("expected no path or query: the QR codes add /qr/… themselves".into());
    }
    Ok(())
}

/// The commented example printed by `qorgau config example`.
pub const EXAMPLE: &str = r#"# Qorgau configuration. Pass it with `qorgau --config qorgau.toml`.
# Every setting can also come from an environment variable (shown next to it),
# which wins over this file; command-line flags win over both.

# QORGAU_BIND: the address and port to listen on. Put a TLS-terminating proxy in front.
bind = "127.0.0.1:8080"

# QORGAU_PUBLIC_URL: the address the public reaches this server at, as children's phones
# will open it: http(s), a host, no path. The QR codes on school posters lead to
# <public_url>/qr/<BIN>. Default: http:// and the bind address (fine for a demo only).
# public_url = "https://111.example.kz"

# QORGAU_DATA_DIR: where the embedded SQLite database (qorgau.db) and the generated
# secret (secret.key) are kept. Created on first start.
data_dir = "qorgau-data"

# QORGAU_DATABASE_URL: use PostgreSQL instead of the embedded SQLite.
# database_url = "postgres://qorgau@127.0.0.1:5432/qorgau"

# Staff accounts: create the first administrator with
#   qorgau user create --role administrator --login admin --name "…"
# then the others on /staff/admin/users. QORGAU_ADMIN_TOKEN is for `qorgau demo` only.

# QORGAU_FIELD_KEYS_FILE: the keys that seal personal data (names, phones, addresses, IINs,
# narratives) in the database. Created in data_dir on first start if absent. Keep it and its
# backups apart from the database's backups: a copy of the database alone reveals nothing.
# Rotate with `qorgau keys rotate --id 2027-01`. (QORGAU_FIELD_KEYS may hold the file's text.)
# field_keys_file = "/etc/qorgau/field.keys"

# QORGAU_RETENTION_DAYS: closed complaints older than this have their personal fields
# erased (statistics kept) by a daily job.
retention_days = 1825

# QORGAU_PASSWORD_MEMORY_KIB: memory per argon2id password hash (OWASP minimum: 19456).
password_memory_kib = 19456

# QORGAU_REMIND_BEFORE_MINUTES: an agency is reminded this long before a deadline.
remind_before_minutes = 120
# QORGAU_ESCALATION_HOURS: after a missed deadline, the agency head, the contact center's
# regional supervisor and the prosecutor's office are told, this many hours after it.
escalation_hours = [0, 24, 72]

# QORGAU_SECRET: 64 hex digits that key the status-PIN hashes. Without it a secret is
# generated in data_dir. Every server sharing one PostgreSQL must use the same secret.
# secret = "…"

# QORGAU_REFERENCE_DIR: where an administrator puts replacements of the reference data
# (taxonomy.toml, agencies.toml, routing.toml, calendar.toml, deadlines.toml; start from
# the files under data/ in the source). Checked at start: a bad file stops the server with
# a message naming the problem. Default: <data_dir>/reference.
# reference_dir = "/etc/qorgau/reference"

# QORGAU_TRUSTED_PROXIES: comma-separated addresses of your own reverse proxies, whose
# X-Forwarded-For header is believed for rate limits. Nobody else's is.
trusted_proxies = []

# QORGAU_LOG: what to log (a tracing filter). Logs never contain personal data.
log = "info"
# QORGAU_LOG_FORMAT: "json" or "pretty".
log_format = "json"

# QORGAU_PUBLIC_BURST, QORGAU_PUBLIC_PER_MINUTE: public reports one address may send at
# once, and how fast that comes back. Past it, the form asks a question a person can
# answer; nobody is turned away. (Schools share one address: keep the burst generous.)
public_burst = 30
public_per_minute = 10

# QORGAU_QR_BURST, QORGAU_QR_PER_MINUTE: reports through one school's QR code at once, and
# how fast that comes back. Past it, the children's form asks a simple question; no report
# is turned away.
qr_burst = 60
qr_per_minute = 2

# QORGAU_SCHOOL_REPORT_LIMIT_HOURS: a school must report at once; a report made later than
# this after the school learned of the event is flagged late in the figures.
school_report_limit_hours = 24

# QORGAU_REFERRAL_DECISION_HOURS: a family support center accepts or refuses a referral within
# this long; later, the referral shows overdue.
referral_decision_hours = 24

# Notices to staff and agencies. An agency with a webhook (set on /staff/admin/users) gets
# its notices there, signed; otherwise they go by mail to the addresses its people gave.
# QORGAU_SMTP_URL: the mail relay, "smtp://relay.local:25" inside a closed network, or
# "smtps://user:password@mail.example.kz:465" (TLS). Without it, notices are written to
# <data_dir>/outbox/notices.jsonl.
# smtp_url = "smtps://qorgau:…@mail.example.kz:465"
# QORGAU_MAIL_FROM: the sender of notices.
mail_from = "qorgau@localhost"
# QORGAU_SMS_URL, QORGAU_SMS_TOKEN: the SMS gateway, for news to a reporter who consented to
# contact and said it is safe. Without it, the log sink (a line without the number).
# sms_url = "https://sms.example.kz/send"
# QORGAU_TLS_CA_FILE: PEM certificates to trust besides the system's roots.
# tls_ca_file = "/etc/qorgau/ca.pem"
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn the_example_is_a_valid_configuration_of_the_defaults() {
        let example: Config = toml::from_str(EXAMPLE).unwrap();
        let default = Config::default();
        assert_eq!(example.bind, default.bind);
        assert_eq!(example.data_dir, default.data_dir);
        assert_eq!(example.public_burst, default.public_burst);
    }

    #[test]
    fn environment_wins_over_defaults_and_bad_values_are_named() {
        let vars: HashMap<&str, &str> =
            [("QORGAU_BIND", "127.0.0.1:9999"), ("QORGAU_DATABASE_URL", "postgres://x/y"), ("QORGAU_ADMIN_TOKEN", "t")].into();
        let config = Config::load(None, |k| vars.get(k).map(|v| v.to_string())).unwrap();
        assert_eq!(config.bind.port(), 9999);
        assert_eq!(config.database_url.as_deref(), Some("postgres://x/y"));
        let err = Config::load(None, |k| (k == "QORGAU_BIND").then(|| "nowhere".to_string())).unwrap_err();
        assert!(err.to_string().starts_with("QORGAU_BIND"), "{err}");
    }

    #[test]
    fn the_public_url_is_an_origin_and_defaults_to_the_bind_address() {
        assert_eq!(Config::default().public_url(), "http://127.0.0.1:8080");
        let load = |url: &str| Config::load(None, |k| (k == "QORGAU_PUBLIC_URL").then(|| url.to_string()));
        assert_eq!(load("https://111.example.kz/").unwrap().public_url(), "https://111.example.kz");
        assert_eq!(load("http://10.0.0.5:8080").unwrap().public_url(), "http://10.0.0.5:8080");
        for bad in ["ftp://111.example.kz", "111.example.kz", "https://111.example.kz/qr", "https://x.kz/?a=1", "https://u@x.kz"]
        {
            let err = load(bad).unwrap_err();
            assert!(err.to_string().starts_with("QORGAU_PUBLIC_URL"), "{bad}: {err}");
        }
    }

    #[test]
    fn the_escalation_chain_is_three_numbers_of_hours() {
        let config = Config::load(None, |k| (k == "QORGAU_ESCALATION_HOURS").then(|| "1, 12, 48".to_string())).unwrap();
        assert_eq!(config.escalation_hours, [1, 12, 48]);
        let err = Config::load(None, |k| (k == "QORGAU_ESCALATION_HOURS").then(|| "1,2".to_string())).unwrap_err();
        assert!(err.to_string().starts_with("QORGAU_ESCALATION_HOURS"), "{err}");
    }
}

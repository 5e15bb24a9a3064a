//! `qorgau demo`: a server a newcomer can click through, on an embedded database with
//! synthetic complaints (about nobody), one synthetic account per role (password printed),
//! a bootstrap API token (demo mode only), and one tracking code and PIN to try on the status
//! page.

use domain::complaint::ComplaintInput;
use server::config::Config;
use server::service::accounts::{self, NewUser};
use server::service::{Caller, Staff, complaints};
use std::sync::Arc;

pub async fn run(mut config: Config, count: u32) -> anyhow::Result<()> {
    server::observability::init_logging(&config.log, if config.log_format == "json" { "pretty" } else { &config.log_format });
    config.demo = true;
    let token = config.admin_token.get_or_insert_with(|| format!("demo-{:032x}", rand::random::<u128>())).clone();
    let db = server::startup::open_database(&config).await?;
    let state = server::startup::state(&config, db.clone(), demo_clock()?)?;
    let mut example = None;
    let mut password = None;
    // The synthetic registry is the same on every run: its first school in Almaty is the demo's.
    let schools = domain::institution::synthetic(&state.reference.agencies);
    let school = schools.iter().find(|s| s.region.code == "KZ-75" && s.kind == domain::institution::InstitutionKind::School);
    if store::complaints::count(&db).await? == 0 {
        let operator = Staff {
            actor: domain::policy::Actor::demo_operator(),
            address: std::net::Ipv4Addr::LOCALHOST.into(),
            display_name: "demo".into(),
            session: None,
        };
        for seed in 0..u64::from(count) {
            let body = domain::synthetic::complaint_json(seed, None).to_string();
            let input = ComplaintInput::from_json(body.as_bytes())?;
            let receipt = complaints::submit(&state, input, body.as_bytes(), &Caller::Staff(operator.clone()), None).await?;
            example.get_or_insert(receipt);
        }
        store::institutions::upsert_many(&db, &schools, time::OffsetDateTime::now_utc()).await?;
        if let Some(first) = &example {
            demo_family_support(&state, &operator, first.id).await?;
        }
        password = Some(demo_accounts(&state, school.map(|s| s.bin.to_string())).await?);
    }
    let url = format!("http://{}", config.bind);
    println!("\nQorgau demo — synthetic data only, in {}", config.data_dir.display());
    println!("  Public pages:    {url}/  (report form: {url}/report, status: {url}/status)");
    if let Some(school) = school {
        println!("  A school's QR:   {url}/qr/{}  (what a child sees; the `school` account belongs to it)", school.bin);
    }
    println!("  Staff pages:     {url}/staff/sign-in");
    match &password {
        Some(p) => {
            println!("  Accounts:        {} — password {p}", DEMO_ACCOUNTS.iter().map(|a| a.0).collect::<Vec<_>>().join(", "))
        }
        None => println!("  Accounts:        as created on the first run of this demo (its password was printed then)"),
    }
    println!("  API docs:        {url}/api/docs");
    println!("  Demo API token:  {token}  (acts as an operator; demo mode only)");
    println!("  Try:             curl -H 'Authorization: Bearer {token}' {url}/api/v1/complaints?limit=5");
    match &example {
        Some(r) => println!("  Status page:     tracking code {} with PIN {}", r.tracking_code, r.status_pin.as_str()),
        None => println!("  (the database already had complaints; send a report at {url}/report to get a code and PIN)"),
    }
    println!("  Stop with Ctrl-C.\n");
    server::jobs::start(state.clone());
    server::startup::serve(&config, server::startup::app(state)).await
}

/// The demo's clock: the real one, or moved by `QORGAU_DEMO_CLOCK_OFFSET_HOURS` (demo only), so
/// that a newcomer or a browser test can see deadlines pass and escalations go out.
fn demo_clock() -> anyhow::Result<Arc<dyn domain::clock::Clock>> {
    let Ok(hours) = std::env::var("QORGAU_DEMO_CLOCK_OFFSET_HOURS") else { return Ok(Arc::new(domain::clock::SystemClock)) };
    let hours: i64 = hours.parse().map_err(|_| anyhow::anyhow!("QORGAU_DEMO_CLOCK_OFFSET_HOURS: expected whole hours"))?;
    Ok(Arc::new(MovedClock(time::Duration::hours(hours))))
}

/// The system's time moved by a fixed offset.
struct MovedClock(time::Duration);

impl domain::clock::Clock for MovedClock {
    fn now(&self) -> time::OffsetDateTime {
        time::OffsetDateTime::now_utc() + self.0
    }
}

/// The demo's family support center (Almaty): its profile, and the first demo complaint's
/// person referred to it with consent that shares with social protection only, so that the
/// `family-center` account finds a referral to accept and work.
async fn demo_family_support(
    state: &server::state::AppState,
    operator: &Staff,
    complaint_id: domain::ids::ComplaintId,
) -> anyhow::Result<()> {
    use domain::support::{CenterInput, ReferralInput};
    use server::service::support;
    let admin = Staff {
        actor: domain::policy::Actor::user(uuid::Uuid::nil(), domain::policy::StaffRole::Administrator, None, None),
        ..operator.clone()
    };
    let center = serde_json::json!({"address": "Synthetic street 1, Almaty", "capacity": 40, "shelter_places": 12,
        "services": ["psychological_counselling", "legal_aid", "social_benefits_application", "shelter_placement"]});
    let center = CenterInput::from_json(center.to_string().as_bytes())?;
    support::set_center(state, &admin, DEMO_CENTER, center).await.map_err(|e| anyhow::anyhow!("demo center: {e}"))?;
    let referral = serde_json::json!({"complaint_id": complaint_id.0, "center_id": DEMO_CENTER,
        "consent": {"share_with": ["social_protection"], "parts": ["assessment", "plan"]}});
    let referral = ReferralInput::from_json(referral.to_string().as_bytes())?;
    support::refer(state, operator, referral).await.map_err(|e| anyhow::anyhow!("demo referral: {e}"))?;
    Ok(())
}

const DEMO_CENTER: &str = "kz-75-family-support-center";

/// One synthetic account per role: (login, role, agency).
const DEMO_ACCOUNTS: &[(&str, &str, Option<&str>)] = &[
    ("admin", "administrator", None),
    ("operator", "operator", None),
    ("supervisor", "supervisor", None),
    ("police", "agency_officer", Some("kz-75-police")),
    ("police-head", "agency_head", Some("kz-75-police")),
    ("family-center", "family_support_specialist", Some(DEMO_CENTER)),
    ("family-center-head", "agency_head", Some(DEMO_CENTER)),
    ("school", "school_reporter", None),
    ("analyst", "analyst", None),
    ("auditor", "auditor", None),
];

/// Creates the demo accounts with one random password, and returns it.
async fn demo_accounts(state: &server::state::AppState, school_bin: Option<String>) -> anyhow::Result<String> {
    let password = format!("demo-{:016x}", rand::random::<u64>());
    for (login, role, agency) in DEMO_ACCOUNTS {
        let new = NewUser {
            login: (*login).into(),
            display_name: format!("Demo {login}"),
            role: (*role).into(),
            agency_id: agency.map(str::to_owned),
            // A synthetic school of the demo registry (Almaty).
            institution_id: if *role == "school_reporter" { school_bin.clone() } else { None },
            password: password.clone(),
            // The reserved `.invalid` domain: a demo notice can never reach anyone.
            email: Some(format!("{login}@demo.qorgau.invalid")),
        };
        accounts::create_user(state, None, new).await.map_err(|e| anyhow::anyhow!("demo account {login}: {e}"))?;
    }
    Ok(password)
}

//! `qorgau demo`: a server a newcomer can click through, on an embedded database with
//! synthetic complaints (about nobody), a printed staff token, and one tracking code and
//! PIN to try on the status page.

use domain::complaint::ComplaintInput;
use server::config::Config;
use server::service::{Caller, complaints};
use std::sync::Arc;

pub async fn run(mut config: Config, count: u32) -> anyhow::Result<()> {
    server::observability::init_logging(&config.log, if config.log_format == "json" { "pretty" } else { &config.log_format });
    let token = config.admin_token.get_or_insert_with(|| format!("demo-{:032x}", rand::random::<u128>())).clone();
    let db = server::startup::open_database(&config).await?;
    let state = server::startup::state(&config, db.clone(), Arc::new(domain::clock::SystemClock))?;
    let mut example = None;
    if store::complaints::count(&db).await? == 0 {
        for seed in 0..u64::from(count) {
            let body = domain::synthetic::complaint_json(seed, None).to_string();
            let input = ComplaintInput::from_json(body.as_bytes())?;
            let receipt = complaints::submit(&state, input, body.as_bytes(), Caller::Staff, None).await?;
            example.get_or_insert(receipt);
        }
    }
    let url = format!("http://{}", config.bind);
    println!("\nQorgau demo — synthetic data only, in {}", config.data_dir.display());
    println!("  Public pages:    {url}/  (report form: {url}/report, status: {url}/status)");
    println!("  Operator screen: {url}/staff/intake  (sign in with the staff token)");
    println!("  API docs:        {url}/api/docs");
    println!("  Staff token:     {token}");
    println!("  Try:             curl -H 'Authorization: Bearer {token}' {url}/api/v1/complaints?limit=5");
    match &example {
        Some(r) => println!("  Status page:     tracking code {} with PIN {}", r.tracking_code, r.status_pin.as_str()),
        None => println!("  (the database already had complaints; send a report at {url}/report to get a code and PIN)"),
    }
    println!("  Stop with Ctrl-C.\n");
    server::startup::serve(&config, server::startup::app(state)).await
}

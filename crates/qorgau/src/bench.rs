//! `qorgau bench intake`: the intake benchmark.
//!
//! Starts `qorgau serve` as a child process on a fresh embedded database, drives
//! `POST /api/v1/complaints` from N keep-alive connections with varied synthetic complaints
//! for a few seconds, prints throughput and latency percentiles, then **kills the server
//! with SIGKILL** and checks that every complaint acknowledged with 201 is in the database.
//! A benchmark, not a test: it prints figures and gates nothing on time.

use anyhow::{Context, bail};
use domain::ids::ComplaintId;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{Request, StatusCode};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub struct IntakeOptions {
    /// How long to drive load.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Concurrent keep-alive connections.
    #[arg(long, default_value_t = 64)]
    connections: usize,
    /// A fresh, empty PostgreSQL database to run on instead of a new SQLite file.
    #[arg(long)]
    postgres: Option<String>,
}

const TOKEN: &str = "bench-token-not-a-secret";
/// Distinct synthetic bodies, cycled through.
const BODIES: u64 = 20_000;

struct ServerProcess {
    child: Child,
    address: SocketAddr,
    data_dir: PathBuf,
}

impl ServerProcess {
    fn start(postgres: Option<&str>) -> anyhow::Result<Self> {
        let address = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
        let data_dir = std::env::temp_dir().join(format!("qorgau-bench-{}", uuid::Uuid::now_v7().simple()));
        let mut command = Command::new(std::env::current_exe()?);
        // Demo mode, for its bootstrap token; intake runs the same code as `serve`.
        command
            .args(["demo", "--complaints", "0"])
            .env("QORGAU_BIND", address.to_string())
            .env("QORGAU_DATA_DIR", &data_dir)
            .env("QORGAU_ADMIN_TOKEN", TOKEN)
            .env("QORGAU_LOG", "warn")
            .env_remove("QORGAU_DATABASE_URL")
            .stdout(Stdio::null());
        if let Some(url) = postgres {
            command.env("QORGAU_DATABASE_URL", url);
        }
        let child = command.spawn().context("cannot start qorgau serve")?;
        Ok(Self { child, address, data_dir })
    }

    async fn wait_ready(&self) -> anyhow::Result<()> {
        for _ in 0..200 {
            if let Ok(mut sender) = connect(self.address).await {
                let request = Request::get("/readyz").header("host", "127.0.0.1").body(Full::new(Bytes::new()))?;
                if sender.send_request(request).await.is_ok_and(|r| r.status() == StatusCode::OK) {
                    return Ok(());
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        bail!("the server did not become ready")
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

type Sender = hyper::client::conn::http1::SendRequest<Full<Bytes>>;

async fn connect(address: SocketAddr) -> anyhow::Result<Sender> {
    let stream = tokio::net::TcpStream::connect(address).await?;
    stream.set_nodelay(true)?;
    let (sender, connection) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    Ok(sender)
}

/// What one connection saw.
#[derive(Default)]
struct Tally {
    acknowledged: Vec<ComplaintId>,
    latencies_us: Vec<u32>,
    refused: u64,
}

async fn drive(address: SocketAddr, bodies: Arc<Vec<Bytes>>, first: usize, step: usize, until: Instant) -> anyhow::Result<Tally> {
    let mut sender = connect(address).await?;
    let mut tally = Tally::default();
    let mut next = first;
    while Instant::now() < until {
        let body = bodies[next % bodies.len()].clone();
        next += step;
        let request = Request::post("/api/v1/complaints")
            .header("host", "127.0.0.1")
            .header("content-type", "application/json")
            .header("authorization", format!("Bearer {TOKEN}"))
            .body(Full::new(body))?;
        sender.ready().await?;
        let start = Instant::now();
        let response = sender.send_request(request).await?;
        let status = response.status();
        let bytes = response.into_body().collect().await?.to_bytes();
        tally.latencies_us.push(start.elapsed().as_micros().min(u128::from(u32::MAX)) as u32);
        if status == StatusCode::CREATED {
            let receipt: serde_json::Value = serde_json::from_slice(&bytes)?;
            let id = receipt["id"].as_str().and_then(|s| uuid::Uuid::parse_str(s).ok()).context("a 201 without an id")?;
            tally.acknowledged.push(ComplaintId(id));
        } else {
            tally.refused += 1;
        }
    }
    Ok(tally)
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    f64::from(sorted[rank]) / 1000.0
}

pub async fn intake(options: &IntakeOptions) -> anyhow::Result<()> {
    let bodies: Arc<Vec<Bytes>> =
        Arc::new((0..BODIES).map(|seed| Bytes::from(domain::synthetic::complaint_json(seed, None).to_string())).collect());
    let mean_size = bodies.iter().map(|b| b.len()).sum::<usize>() / bodies.len();
    let server = ServerProcess::start(options.postgres.as_deref())?;
    server.wait_ready().await?;
    let backend = if options.postgres.is_some() { "postgres" } else { "sqlite" };
    println!(
        "intake benchmark: {backend}, {} connections, {} s, {} distinct synthetic complaints (mean {mean_size} bytes)",
        options.connections, options.seconds, BODIES
    );
    let start = Instant::now();
    let until = start + Duration::from_secs(options.seconds);
    let tasks: Vec<_> = (0..options.connections)
        .map(|i| tokio::spawn(drive(server.address, bodies.clone(), i, options.connections, until)))
        .collect();
    let mut total = Tally::default();
    for task in tasks {
        let tally = task.await??;
        total.acknowledged.extend(tally.acknowledged);
        total.latencies_us.extend(tally.latencies_us);
        total.refused += tally.refused;
    }
    let elapsed = start.elapsed().as_secs_f64();
    total.latencies_us.sort_unstable();
    let acknowledged = total.acknowledged.len();
    println!("acknowledged (201): {acknowledged}   refused: {}", total.refused);
    println!("throughput: {:.0} complaints/s", acknowledged as f64 / elapsed);
    println!(
        "latency ms: p50 {:.2}  p90 {:.2}  p99 {:.2}  max {:.2}",
        percentile(&total.latencies_us, 50.0),
        percentile(&total.latencies_us, 90.0),
        percentile(&total.latencies_us, 99.0),
        percentile(&total.latencies_us, 100.0)
    );

    // Pull the plug, then look at what is on disk.
    let mut server = server;
    server.child.kill().context("cannot kill the server")?;
    server.child.wait()?;
    let db = match &options.postgres {
        Some(url) => store::Db::connect(url).await?,
        None => store::Db::open_data_dir(&server.data_dir).await?,
    };
    let found = store::complaints::count_existing(&db, &total.acknowledged).await?;
    let stored = store::complaints::count(&db).await?;
    db.close().await;
    let lost = acknowledged as u64 - found;
    println!(
        "after SIGKILL: {found} of {acknowledged} acknowledged complaints are in the database ({stored} rows); lost: {lost}"
    );
    if lost > 0 {
        bail!("{lost} acknowledged complaints were lost");
    }
    Ok(())
}

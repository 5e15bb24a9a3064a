#!/usr/bin/env bash
# The intake benchmark, in one run on this machine:
#   1. the machine's ceiling (../shared/bench/ceiling: a bare server, and a bare durable server);
#   2. Qorgau driven by the same tool (wrk) with varied synthetic complaints;
#   3. `qorgau bench intake`: Qorgau driven by its own client, killed with SIGKILL, and every
#      complaint acknowledged with 201 looked for in the database.
# Usage: bench/intake.sh [seconds] [connections]. Needs wrk (apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10} conns=${2:-64}
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 2; }
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/qorgau-target}"
cargo build --release -q -p qorgau
bin="$CARGO_TARGET_DIR/release/qorgau"

echo "== machine: $(nproc) cores, $(uname -r), $(date -u +%Y-%m-%dT%H:%MZ)"
echo "== 1. ceiling (shared/bench/ceiling, wrk, ${secs}s, ${conns} connections)"
../shared/bench/ceiling/run.sh "$secs" "$conns"

echo "== 2. qorgau, SQLite, driven by wrk"
data=$(mktemp -d)
QORGAU_BIND=127.0.0.1:18093 QORGAU_DATA_DIR="$data" QORGAU_ADMIN_TOKEN=bench-token-not-a-secret QORGAU_LOG=warn "$bin" demo --complaints 0 >/dev/null &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do curl -sf http://127.0.0.1:18093/readyz >/dev/null && break; sleep 0.1; done
wrk -t1 -c"$conns" -d"${secs}s" -s bench/intake.lua http://127.0.0.1:18093 | grep -E "Requests/sec|latency ms|Non-2xx"
kill $server; wait $server 2>/dev/null || true

echo "== 3. qorgau bench intake (own client, SIGKILL, then the check that nothing acknowledged was lost)"
"$bin" bench intake --seconds "$secs" --connections "$conns"

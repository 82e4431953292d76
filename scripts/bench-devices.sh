#!/usr/bin/env bash
# Device-domain figures in one run: in-memory token auth vs argon2 per connect (the peer),
# presence updates, alarm evaluation; then SQL token lookups (cold and warm cache) and
# presence flushes on SQLite and PostgreSQL.
#   scripts/bench-devices.sh [devices-in-memory=50000] [devices-in-sql=10000] [postgres-url]
set -euo pipefail
cd "$(dirname "$0")/.."
mem=${1:-50000}
sql=${2:-10000}
pg=${3:-${SHANGYUN_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/test}}
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg), cores: $(nproc)"
cargo run --quiet --release -p shangyun-devices --example hot_path -- "$mem"
cargo run --quiet --release -p shangyun-device-store --example auth_bench -- "$sql" "$pg"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

#!/usr/bin/env bash
# HTTP device API throughput: wrk POSTs ThingsBoard 3-point telemetry to
# /api/v1/{token}/telemetry of a release `shangyun serve` (embedded tsdb, fresh data dir); every
# 200 means durable. Peer in the same run: wrk against the same server's 401 path (bad token:
# routing + access layer + token lookup, no store), the cost floor of the HTTP stack.
# usage: scripts/bench-http-ingest.sh [seconds=10] [connections=64]
set -euo pipefail
secs=${1:-10}; conns=${2:-64}
root=$(cd "$(dirname "$0")/.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
bin=$target/release/shangyun
# SHANGYUN_BENCH_NO_BUILD=1 uses the release binary as it is.
[ -n "${SHANGYUN_BENCH_NO_BUILD:-}" ] && [ -x "$bin" ] || cargo build --release -q -p shangyun --manifest-path "$root/Cargo.toml"
data=$(mktemp -d); trap 'kill $server 2>/dev/null || true; rm -rf "$data"' EXIT
export SHANGYUN_DATA=$data
token=bench-token-0123456789abcdef
"$bin" devices add meter-1 --token "$token" >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" serve --listen 127.0.0.1:$port --mqtt-listen 127.0.0.1:$mport >"$data/serve.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/api/v1/openapi.json" && break; sleep 0.1; done
lua=$data/post.lua
cat >"$lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, string.format(
    '{"ts":%d,"values":{"temperature":21.5,"humidity":63,"kwh":%d.25}}', 1764000000000 + n, n))
end
LUA
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== durable telemetry: POST /api/v1/{token}/telemetry (200 = fsynced) =="
wrk -t2 -c"$conns" -d"${secs}s" --latency -s "$lua" "http://127.0.0.1:$port/api/v1/$token/telemetry" | grep -E "Requests/sec|Latency|50%|99%|Non-2xx|requests in"
echo "== peer: same server, unknown token (401, nothing stored) =="
wrk -t2 -c"$conns" -d"${secs}s" --latency -s "$lua" "http://127.0.0.1:$port/api/v1/no-such-token-00000000/telemetry" | grep -E "Requests/sec|Latency|50%|99%|requests in"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

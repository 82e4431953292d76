#!/usr/bin/env bash
# MQTT device endpoint load benchmark, one command:
#   scripts/bench-mqtt.sh                  # 10,000 connections, 20 s busy
#   CONNS="10000 50000" SECS=30 WINDOW=1 scripts/bench-mqtt.sh
# For each N: the endpoint (crates/device-endpoint/examples/mqtt_server.rs, tsdb in a temp
# dir) takes N device connections from crates/mqtt-load (ThingsBoard 3-point telemetry at QoS 1,
# PUBACK only after fdatasync), idle then busy; then Mosquitto (our own instance on another
# port, storing nothing) relays the same load to one QoS 1 subscriber (mosquitto_sub), the peer.
# Prints msg/s, points/s, PUBACK p50/p99, CPU, memory per connection, bytes per stored point,
# and the machine's load average (the machine is shared: note it beside the figures).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
CONNS="${CONNS:-10000}"
SECS="${SECS:-20}"
WINDOW="${WINDOW:-1}"
PORT="${PORT:-18841}"
PEER_PORT="${PEER_PORT:-18842}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
cargo build --release --quiet -p shangyun-device-endpoint --example mqtt_server
cargo build --release --quiet -p shangyun-mqtt-load
server="$CARGO_TARGET_DIR/release/examples/mqtt_server"
load="$CARGO_TARGET_DIR/release/mqtt-load"
# Each connection is a file descriptor on both sides.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
echo "file descriptor limit: $(ulimit -n) (hard $(ulimit -Hn)); cores: $(nproc); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

for n in $CONNS; do
    if [ "$n" -ge "$(( $(ulimit -n) - 100 ))" ]; then
        echo "== $n connections: skipped, over this shell's file descriptor limit $(ulimit -n) (raise the hard limit: needs CAP_SYS_RESOURCE)"
        continue
    fi
    echo "== shangyun endpoint, $n connections, window $WINDOW, ${SECS} s busy"
    rm -rf "$work/tsdb"
    "$server" "0.0.0.0:$PORT" "$work/tsdb" "$n" > "$work/server.out" 2> "$work/server.err" &
    spid=$!; pids+=("$spid")
    for _ in $(seq 100); do grep -q '^ready' "$work/server.out" 2>/dev/null && break; sleep 0.1; done
    "$load" conns="$n" secs="$SECS" window="$WINDOW" port="$PORT" pid="$spid"
    kill -TERM "$spid"; wait "$spid" || true
    stored=$(grep '^stored' "$work/server.out" || true)
    points=$(sed -n 's/.*points=\([0-9]*\).*/\1/p' <<<"$stored")
    bytes=$(sed -n 's/.*chunk_bytes=\([0-9]*\).*/\1/p' <<<"$stored")
    if [ -n "$points" ] && [ "$points" -gt 0 ]; then
        echo "stored: $points points in $bytes bytes of chunk files = $(awk "BEGIN{printf \"%.2f\", $bytes/$points}") bytes per point (meter-like voltage/current/kWh, 1 s apart)"
    fi

    echo "== peer: mosquitto $(mosquitto -h 2>&1 | sed -n 's/mosquitto version //p' | head -1) relaying to one QoS 1 subscriber, $n connections"
    cat > "$work/mosquitto.conf" <<CONF
listener $PEER_PORT 0.0.0.0
allow_anonymous true
max_queued_messages 1000000
persistence false
log_dest none
CONF
    mosquitto -c "$work/mosquitto.conf" &
    mpid=$!; pids+=("$mpid")
    sleep 0.5
    # One "." line per message received.
    mosquitto_sub -h 127.0.0.1 -p "$PEER_PORT" -q 1 -t 'v1/#' -i bench-peer-sub -F . > "$work/sub.out" &
    subpid=$!
    sleep 0.5
    "$load" conns="$n" secs="$SECS" window="$WINDOW" port="$PEER_PORT" pid="$mpid" prefix=peer-token-
    sleep 2
    kill -INT "$subpid" 2>/dev/null || true
    wait "$subpid" || true
    echo "peer subscriber received $(wc -l < "$work/sub.out") messages in total"
    kill "$mpid"; wait "$mpid" 2>/dev/null || true
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

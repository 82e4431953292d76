#!/usr/bin/env bash
# Another writer during an import, one command: `shangyun import` of a generated CSV into a
# fresh SQLite registry while scripts/bench/lock_wait.py takes the write lock every 100 ms,
# as the console or a second process would; prints how long each attempt waited. The
# console's edits give up after 5 s (their busy timeout), so the longest wait is the figure
# that matters. A figure printer: nothing here fails on a slow machine.
#
#   bash scripts/bench-import-lock.sh            # 1m rows
#   BENCH_ROWS=200000 bash scripts/bench-import-lock.sh
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS="${BENCH_ROWS:-1000000}"
TARGET="${CARGO_TARGET_DIR:-target}"
echo "== building (release)" >&2
cargo build --release -p shangyun >&2
BIN="$TARGET/release/shangyun"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/shangyun-lock.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
"$BIN" demo --csv "$WORK/demo.csv" --rows "$ROWS" --seed 1 >/dev/null
"$BIN" migrate --database "$WORK/registry.db" >/dev/null
echo "== $ROWS rows: shangyun import, another writer every 100 ms (load $(cut -d' ' -f1 /proc/loadavg))"
python3 scripts/bench/lock_wait.py "$WORK/registry.db" \
  "$BIN" import "$WORK/demo.csv" --database "$WORK/registry.db"

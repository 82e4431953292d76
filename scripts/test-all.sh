#!/usr/bin/env bash
# Runs every test of shangyun: the Rust workspace (unit, property, doc, conformance against the
# real PostgreSQL), then the cross-checks against tools nobody here wrote.
# Needs: PostgreSQL on 127.0.0.1:5432 (trust auth), Mosquitto on 127.0.0.1:1883, python3 with
# scripts/requirements.txt, mosquitto-clients, curl, node + npm, chromium with fonts-wqy-microhei.
# .ci/run installs and starts those on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."

export SHANGYUN_TEST_POSTGRES="${SHANGYUN_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/test}"

echo "== cargo test (workspace) =="
cargo test --workspace --all-targets
cargo test --workspace --doc

echo "== cross-checks with third-party tools =="
cargo build --bin shangyun
for script in scripts/crosscheck_*.py; do
  [ -e "$script" ] || continue
  echo "-- $script"
  SHANGYUN_BIN=target/debug/shangyun python3 "$script"
done

echo "== the console in a real browser (playwright-core driving Debian's chromium) =="
SHANGYUN_BIN=target/debug/shangyun bash tests/browser/run.sh   # screenshots: target/browser-screenshots/

echo "== schemathesis against /api/v1/openapi.json: no 5xx =="
bash scripts/schemathesis.sh
echo "all tests passed"

#!/usr/bin/env bash
# The console in a real browser: builds shangyun, starts `shangyun serve` on a temporary data
# directory with demo data and a known officer, and runs console.test.mjs (playwright-core
# driving Debian's chromium; no browser download). Screenshots go to
# target/browser-screenshots/.
#
# Needs: node + npm, chromium (apt: chromium), CJK fonts (apt: fonts-wqy-microhei).
#   bash tests/browser/run.sh
# CHROMIUM=/path/to/chromium overrides the browser; SHANGYUN_BIN a prebuilt binary.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

target="${CARGO_TARGET_DIR:-$root/target}"
bin="${SHANGYUN_BIN:-}"
if [ -z "$bin" ]; then
  cargo build --quiet --bin shangyun
  bin="$target/debug/shangyun"
fi
(cd "$here" && npm ci --no-audit --no-fund --silent)

work="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

data="$work/data"
mkdir -p "$data"
db="$data/registry.db"
# Demo registry and a Zhejiang officer with a known (one-time) password.
"$bin" --database "$db" demo --enterprises 2000 --seed 4 >/dev/null
password="$("$bin" --database "$db" serve add-user zj-officer --role officer --region 330000 2>&1 \
  | awk 'NF==1 && length($1) >= 12 {print $1}' | tail -1)"
[ -n "$password" ] || { echo "could not read the one-time password" >&2; exit 1; }

# An import file with bad rows: demo rows from every province (those outside 浙江 are out of
# the officer's scope) plus one row with a mistyped USCC.
"$bin" demo --enterprises 40 --seed 99 --csv "$work/名录-导入.csv" >/dev/null
printf '91330106MA27XK7R0X,校验码错误有限公司,330106,,6511,,2024,10,,,,,,,,,,,,,,\n' >> "$work/名录-导入.csv"
# A file over the upload limit configured below (1 MiB).
head -c 1500000 /dev/zero | tr '\0' 'x' > "$work/too-big.csv"

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
cat > "$work/shangyun.toml" <<TOML
listen = "127.0.0.1:$port"
data_dir = "$data"
upload_limit = "1MiB"
TOML
"$bin" serve --config "$work/shangyun.toml" 2>"$work/serve.log" &
server=$!
for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$port/login" >/dev/null 2>&1; then break; fi
  sleep 0.1
done

mkdir -p "$target/browser-screenshots"
BASE_URL="http://127.0.0.1:$port" \
USER_NAME=zj-officer USER_PASSWORD="$password" \
IMPORT_FILE="$work/名录-导入.csv" TOO_BIG_FILE="$work/too-big.csv" \
DOWNLOADS="$work/downloads" SCREENSHOTS="$target/browser-screenshots" \
CHROMIUM="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}" \
  node "$here/console.test.mjs" || { echo "--- serve.log"; tail -50 "$work/serve.log"; exit 1; }

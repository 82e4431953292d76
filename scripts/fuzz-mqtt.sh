#!/usr/bin/env bash
# Short bounded runs of the cargo-fuzz targets (CI); longer locally: FUZZ_SECONDS=600.
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds="${FUZZ_SECONDS:-30}"
targets="${FUZZ_TARGETS:-$(cargo +nightly fuzz list)}"
for t in $targets; do
    echo "== fuzz $t for ${seconds}s"
    mkdir -p "corpus/$t"
    cargo +nightly fuzz run "$t" "corpus/$t" -- -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=4096
done

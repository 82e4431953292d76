#!/usr/bin/env bash
# Short bounded runs of every cargo-fuzz target in the repository (CI); longer locally:
# FUZZ_SECONDS=600. Fuzz crates: fuzz/ (network decoders: the MQTT packet decoder) and any
# crates/*/fuzz/ (e.g. the ThingsBoard payload decoder), each its own [workspace].
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${FUZZ_SECONDS:-30}"
for dir in "$root"/fuzz "$root"/crates/*/fuzz; do
    [ -f "$dir/Cargo.toml" ] || continue
    cd "$dir"
    for t in ${FUZZ_TARGETS:-$(cargo +nightly fuzz list)}; do
        echo "== fuzz ${dir#"$root"/} $t for ${seconds}s"
        mkdir -p "corpus/$t"
        seeds=()
        [ -d "seeds/$t" ] && seeds=("seeds/$t")
        cargo +nightly fuzz run "$t" "corpus/$t" "${seeds[@]}" -- \
            -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=4096
    done
done

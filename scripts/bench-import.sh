#!/usr/bin/env bash
# Import benchmark, one command: `shangyun import` of generated CSVs (100k and 1m rows by
# default) into a fresh SQLite file and a fresh PostgreSQL database, side by side with the
# plain peers on the same CSV:
#   - SQLite: the sqlite3 shell's `.import --csv` into a bare table (22 TEXT columns, no
#     constraints, WAL + synchronous=NORMAL as shangyun uses);
#   - PostgreSQL: psql `\copy … FROM … (FORMAT csv)` into a bare table (22 TEXT columns).
# The peers parse nothing and check nothing; shangyun reads, maps, validates every cell (USCC
# check characters, region and industry codes, ranges, duplicates), derives size class and tier
# verdicts, journals and audits.
#
# Prints seconds, rows/s, the client's CPU seconds (user + system) and peak RSS (/usr/bin/time:
# of the client process; the PostgreSQL server's CPU and memory are not counted, for shangyun
# and psql alike), the ratio of shangyun's time to the peer's, and how time grows from the
# smallest to the largest size, with the machine's load average before each run (on a shared
# machine wall times follow the load; CPU seconds much less). A figure printer, not a test:
# nothing here fails on a slow machine.
#
#   bash scripts/bench-import.sh                 # 100000 and 1000000 rows
#   BENCH_SIZES="100000" bash scripts/bench-import.sh
#
# Needs: sqlite3, psql and PostgreSQL at $SHANGYUN_TEST_POSTGRES
# (default postgres://postgres@127.0.0.1:5432/test; a database is created and dropped per run).
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES="${BENCH_SIZES:-100000 1000000}"
PG="${SHANGYUN_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/test}"
PG_BASE="${PG%/*}"            # the server, without the database name
TARGET="${CARGO_TARGET_DIR:-target}"

for tool in sqlite3 psql /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench-import: $tool is needed" >&2; exit 2; }
done

echo "== building (release)" >&2
cargo build --release -p shangyun >&2
BIN="$TARGET/release/shangyun"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/shangyun-bench.XXXXXX")"
cleanup() {
  # fresh_pg runs in a command substitution (a subshell): the databases are found by name.
  for db in $(psql -Atq "$PG" -c "SELECT datname FROM pg_database WHERE datname LIKE 'shangyun_bench_$$\_%'" 2>/dev/null); do
    psql -q "$PG" -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

COLUMNS_SQL="$(seq -f 'c%g TEXT' -s ', ' 1 22)"

# measure NAME CMD… — runs CMD, records "seconds peak_kib cpu_seconds" in $WORK/NAME.time.
measure() {
  local name="$1"; shift
  cut -d' ' -f1 /proc/loadavg >"$WORK/$name.load" 2>/dev/null || echo '?' >"$WORK/$name.load"
  if ! /usr/bin/time -f '%e %M %U %S' -o "$WORK/$name.time" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"; then
    # shangyun import exits 1 when rows are rejected; a generated file has none.
    echo "bench-import: $name failed:" >&2
    cat "$WORK/$name.err" >&2
    exit 1
  fi
}

fresh_pg() {
  local db="shangyun_bench_$$_$1"
  psql -q "$PG" -c "DROP DATABASE IF EXISTS $db" >/dev/null
  psql -q "$PG" -c "CREATE DATABASE $db" >/dev/null
  echo "$PG_BASE/$db"
}

RESULTS="$WORK/results.tsv"
: >"$RESULTS"
record() { # size target name-of-measurement
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$(time_of "$3")" "$(peak_of "$3")" \
    "$(cpu_of "$3")" "$(cat "$WORK/$3.load")" >>"$RESULTS"
}
time_of() { cut -d' ' -f1 "$WORK/$1.time"; }
peak_of() { cut -d' ' -f2 "$WORK/$1.time"; }
cpu_of() { awk '{ printf "%.2f", $3 + $4 }' "$WORK/$1.time"; }

for n in $SIZES; do
  csv="$WORK/demo-$n.csv"
  echo "== $n rows: generating $csv" >&2
  "$BIN" demo --csv "$csv" --rows "$n" --seed 1 >&2
  echo "   $(du -m "$csv" | cut -f1) MB" >&2

  echo "== $n rows: shangyun import → SQLite" >&2
  measure "sy-sqlite-$n" "$BIN" --database "$WORK/sy-$n.db" import "$csv"
  record "$n" "shangyun→sqlite" "sy-sqlite-$n"
  grep -E "rows/s|imported" "$WORK/sy-sqlite-$n.out" | head -3 >&2

  echo "== $n rows: sqlite3 .import → bare table" >&2
  peer_db="$WORK/peer-$n.db"
  sqlite3 "$peer_db" "PRAGMA journal_mode=WAL;" "PRAGMA synchronous=NORMAL;" \
    "CREATE TABLE t ($COLUMNS_SQL);" >/dev/null
  measure "peer-sqlite-$n" sqlite3 "$peer_db" "PRAGMA synchronous=NORMAL;" \
    ".import --csv --skip 1 $csv t"
  record "$n" "sqlite3 .import" "peer-sqlite-$n"
  echo "   $(sqlite3 "$peer_db" 'SELECT count(*) FROM t') rows in the bare table" >&2

  echo "== $n rows: shangyun import → PostgreSQL" >&2
  url="$(fresh_pg "sy_$n")"
  measure "sy-pg-$n" "$BIN" --database "$url" import "$csv"
  record "$n" "shangyun→postgres" "sy-pg-$n"
  grep -E "rows/s" "$WORK/sy-pg-$n.out" | head -1 >&2

  echo "== $n rows: psql \\copy → bare table" >&2
  url="$(fresh_pg "peer_$n")"
  psql -q "$url" -c "CREATE TABLE t ($COLUMNS_SQL)" >/dev/null
  measure "peer-pg-$n" psql -q "$url" -c "\\copy t FROM '$csv' WITH (FORMAT csv, HEADER true)"
  record "$n" "psql \\copy" "peer-pg-$n"
  echo "   $(psql -qtA "$url" -c 'SELECT count(*) FROM t') rows in the bare table" >&2
done

echo
echo "shangyun import benchmark — $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
awk -F'\t' -v sizes="$SIZES" '
  { key = $1 SUBSEP $2; secs[key] = $3; peak[key] = $4; cpu[key] = $5; load[key] = $6; if (!($2 in seen)) { seen[$2] = 1; order[++n] = $2 } }
  END {
    split(sizes, s, " ");
    first = s[1]; last = s[length(s)];
    peer["shangyun→sqlite"] = "sqlite3 .import"; peer["shangyun→postgres"] = "psql \\copy";
    printf "%-9s %-19s %9s %12s %9s %9s %14s %6s\n", "rows", "target", "seconds", "rows/s", "CPU s", "peak MB", "× peer time", "load";
    for (i = 1; i <= length(s); i++) {
      for (j = 1; j <= n; j++) {
        t = order[j]; key = s[i] SUBSEP t;
        if (!(key in secs)) continue;
        rate = secs[key] > 0 ? s[i] / secs[key] : 0;
        ratio = "";
        if (t in peer && (s[i] SUBSEP peer[t]) in secs && secs[s[i] SUBSEP peer[t]] > 0)
          ratio = sprintf("%.2f", secs[key] / secs[s[i] SUBSEP peer[t]]);
        printf "%-9s %-19s %9.2f %12.0f %9.2f %9.1f %14s %6s\n", s[i], t, secs[key], rate, cpu[key], peak[key] / 1024, ratio, load[key];
      }
    }
    if (first != last) {
      printf "\ngrowth %s → %s rows (×%.0f rows): time ×, peak memory ×\n", first, last, last / first;
      for (j = 1; j <= n; j++) {
        t = order[j]; a = first SUBSEP t; b = last SUBSEP t;
        if ((a in secs) && (b in secs) && secs[a] > 0 && peak[a] > 0)
          printf "  %-19s time ×%.1f   peak ×%.1f\n", t, secs[b] / secs[a], peak[b] / peak[a];
      }
    }
  }' "$RESULTS"

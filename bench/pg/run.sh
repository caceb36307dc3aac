#!/usr/bin/env bash
# kpiscope's pushdown to PostgreSQL vs exporting the table to CSV vs DuckDB's
# postgres scanner, on ROWS post-level rows (issue 15; see bench/README.md).
#
# usage (from the repo root): bash bench/pg/run.sh [ROWS]     default 20000000
# env:  KPISCOPE_BENCH_PG  a server's URL (a user that may create a database);
#                          else the script starts its own (bench/pg/server.sh)
#       KPISCOPE_BIN       the kpiscope binary; else `cargo build --release`
#       BENCH_KEEP=1       keep the temp folder (CSV, outputs) and, when the
#                          script started the server, the server
#       BENCH_PG_VENV      where the DuckDB 1.5.5 virtualenv goes
#                          (default ~/.cache/kpiscope-bench/duckdb-pg)
#
# Every step runs under /usr/bin/time (wall s, peak RSS); a step that cannot
# run says why and the others go on. The table is reloaded only when it does
# not hold ROWS rows already (BENCH_PG_RELOAD=1 forces it).
set -euo pipefail

ROWS="${1:-20000000}"
[[ "$ROWS" =~ ^[1-9][0-9]*$ ]] || { echo "bench/pg: ROWS must be a positive integer, got '$ROWS'" >&2; exit 1; }
KPIS="posts,er,err,love_rate,talk_rate,amplification_rate,ctr,cpc,cpl"
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
say() { echo "bench/pg: $*"; }

[[ -x /usr/bin/time ]] || { say "/usr/bin/time (GNU time) is needed (apt-get install time)"; exit 1; }
command -v psql >/dev/null || { say "psql is needed (apt-get install postgresql-client)"; exit 1; }

tmp="$(mktemp -d "${TMPDIR:-/tmp}/kpiscope-bench-pg.XXXXXX")"
# shellcheck source=server.sh
source "$HERE/server.sh"
unset PG_SERVER_DIR  # stop only a server this run starts
cleanup() {
    if [[ "${BENCH_KEEP:-}" == 1 ]]; then
        say "kept $tmp${PG_SERVER_DIR:+ and the server in $PG_SERVER_DIR (stop: pg_ctl -D $PG_SERVER_DIR/data stop)}"
    else
        pg_server_stop
        rm -rf "$tmp"
    fi
}
trap cleanup EXIT

# 1. A server.
if [[ -n "${KPISCOPE_BENCH_PG:-}" ]]; then
    ADMIN="$KPISCOPE_BENCH_PG"
    say "server: KPISCOPE_BENCH_PG"
else
    # Memory for the 20M-row load and scans on a 24 GB machine; no WAL for
    # the table created in its loading transaction; fsync off (a throwaway).
    pg_server_start shared_buffers=2GB work_mem=256MB maintenance_work_mem=2GB \
        wal_level=minimal max_wal_senders=0 max_wal_size=8GB checkpoint_timeout=30min \
        || { say "no PostgreSQL server could be started (see above)"; exit 1; }
    ADMIN="$PG_SERVER_URL"
    say "server: PostgreSQL $("$PG_SERVER_BIN/postgres" --version | awk '{ print $3 }') started on 127.0.0.1:$PG_SERVER_PORT ($PG_SERVER_DIR)"
fi
# The benchmark's database on that server: the admin URL's path replaced.
URL="$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/kpiscope_bench")))' "$ADMIN")"
psql -X -q -At -d "$ADMIN" -c "SELECT 1 FROM pg_database WHERE datname = 'kpiscope_bench'" | grep -q 1 ||
    psql -X -q -d "$ADMIN" -c "CREATE DATABASE kpiscope_bench"

# 2. The table.
have=0
if [[ "$(psql -X -At -d "$URL" -c "SELECT to_regclass('social.post_metrics') IS NOT NULL")" == t ]]; then
    have="$(psql -X -At -d "$URL" -c "SELECT count(*) FROM social.post_metrics")"
fi
if [[ "$have" != "$ROWS" || "${BENCH_PG_RELOAD:-}" == 1 ]]; then
    say "loading $ROWS rows into social.post_metrics (generate_series, primary key, VACUUM ANALYZE)"
    /usr/bin/time -f "%e %M" -o "$tmp/load.time" psql -X -q -d "$URL" -v rows="$ROWS" -f "$HERE/load.sql"
    say "loaded in $(awk '{ print $1 }' "$tmp/load.time") s"
else
    say "social.post_metrics already holds $ROWS rows"
fi
size="$(psql -X -At -d "$URL" -c "SELECT pg_size_pretty(pg_table_size('social.post_metrics')) || ' table, ' || pg_size_pretty(pg_indexes_size('social.post_metrics')) || ' key'")"
cells="$(psql -X -At -d "$URL" -c "SELECT count(*) FROM (SELECT DISTINCT network, account_id, date_trunc('month', published_at AT TIME ZONE 'UTC') FROM social.post_metrics) AS c")"
say "$ROWS rows ($size); $cells (network, account, month) cells"

# 3. The kpiscope binary.
if [[ -n "${KPISCOPE_BIN:-}" ]]; then
    BIN="$KPISCOPE_BIN"
else
    say "cargo build --release"
    (cd "$ROOT" && cargo build --release --quiet) || { say "cargo build --release failed"; exit 1; }
    BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/kpiscope"
    [[ "$BIN" = /* ]] || BIN="$ROOT/$BIN"
fi
[[ -x "$BIN" ]] || { say "no kpiscope binary at $BIN"; exit 1; }

# Runs NAME CMD... under GNU time; fills $tmp/NAME.{time,stdout,stderr};
# returns the command's status.
timed() {
    local name="$1"; shift
    /usr/bin/time -f "%e %M" -o "$tmp/$name.time" "$@" >"$tmp/$name.stdout" 2>"$tmp/$name.stderr"
}
wall() { tail -n 1 "$tmp/$1.time" | awk '{ printf "%.2f", $1 }'; }
rss() { tail -n 1 "$tmp/$1.time" | awk '{ printf "%.0f", $2 / 1024 }'; }
first_error() { grep -v '^Command exited' "$tmp/$1.stderr" | grep -m1 -i -E 'error|unknown|fail|no ' || tail -n 1 "$tmp/$1.stderr"; }
results=()
row() { results+=("$(printf '%-44s %9s %8s  %s' "$1" "$2" "$3" "$4")"); }

# (0) The floor: the cells' GROUP BY run in the server by psql, rows to a file.
# Followers by max: the last value in this data, where followers only grow.
CELLS_SQL="SELECT network, account_id, date_trunc('month', published_at AT TIME ZONE 'UTC') AS month, count(*) AS posts,
    max(followers_count) AS followers, sum(impressions), sum(reach), sum(likes), sum(comments), sum(shares),
    sum(clicks), sum(spend), sum(leads) FROM social.post_metrics GROUP BY 1, 2, 3"
if timed groupby psql -X -At -d "$URL" -o "$tmp/groupby.out" -c "$CELLS_SQL"; then
    row "PostgreSQL GROUP BY in psql (the floor)" "$(wall groupby)" "$(rss groupby)" "$(wc -l <"$tmp/groupby.out") cells"
fi

# (a) kpiscope's pushdown.
mkdir -p "$tmp/ws-pg"
cp -R "$HERE/workspace/." "$tmp/ws-pg/"
if KPISCOPE_PG="$URL" timed pushdown "$BIN" -v --workspace "$tmp/ws-pg" eval --kpi "$KPIS" \
        --by network,account --grain month --format csv -o "$tmp/kpiscope-pg.csv"; then
    transferred="$(grep -i -m1 -E 'cells|rows' "$tmp/pushdown.stderr" || echo "see -v")"
    row "kpiscope pushdown (eval on postgres)" "$(wall pushdown)" "$(rss pushdown)" "$transferred"
else
    say "kpiscope: not available ($(first_error pushdown))"
    row "kpiscope pushdown (eval on postgres)" "-" "-" "not available"
fi

# (b) export the table to canonical CSV, kpiscope reads it.
EXPORT="SELECT to_char(published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS date, network, account_id AS account,
    post_id AS post, campaign AS \"dim.campaign\", followers_count AS followers, impressions, reach, likes,
    comments, shares, clicks, spend, leads FROM social.post_metrics"
mkdir -p "$tmp/ws-csv/data"
cat >"$tmp/ws-csv/kpiscope.toml" <<TOML
[workspace]
name = "bench-pg-csv"
timezone = "UTC"

[[source]]
plugin = "canonical"
path = "data/posts.csv"
TOML
timed export psql -X -d "$URL" -c "\\copy ($(tr '\n' ' ' <<<"$EXPORT")) TO '$tmp/ws-csv/data/posts.csv' WITH (FORMAT csv, HEADER)" ||
    { say "export failed: $(first_error export)"; exit 1; }
exported="$(grep -o 'COPY [0-9]*' "$tmp/export.stdout" | awk '{ print $2 }')"
csv_mb="$(du -m "$tmp/ws-csv/data/posts.csv" | cut -f1)"
row "export to CSV (psql \\copy)" "$(wall export)" "$(rss export)" "$exported rows, $csv_mb MB"
if timed csvread "$BIN" --workspace "$tmp/ws-csv" eval --kpi "$KPIS" \
        --by network,account --grain month --format csv -o "$tmp/kpiscope-csv.csv"; then
    row "kpiscope on the CSV" "$(wall csvread)" "$(rss csvread)" ""
    row "  = export + kpiscope" "$(awk -v a="$(wall export)" -v b="$(wall csvread)" 'BEGIN { printf "%.2f", a + b }')" "" "$exported rows"
else
    say "kpiscope on the CSV failed: $(first_error csvread)"
    row "kpiscope on the CSV" "-" "-" "failed"
fi

# (c) DuckDB: its postgres scanner, and the exported CSV.
# The scanner is an extension that DuckDB downloads from its own site, which
# this machine cannot reach. PyPI's duckdb-extension-postgres carries the
# signed binary, built for DuckDB 1.5.5 at the newest (none for 2.0.x), so
# the scanner runs in a virtualenv with duckdb==1.5.5.
if python3 "$HERE/peer_duckdb_pg.py" pg "$URL" "$tmp/duck-scan-sys.csv" >/dev/null 2>"$tmp/duck-sys.err"; then
    say "the installed DuckDB has a postgres extension of its own"
else
    say "$(tail -n 1 "$tmp/duck-sys.err")"
    say "  (INSTALL postgres downloads from DuckDB's own site, which this machine cannot reach;" \
        "no package registry has the extension for DuckDB 2.0.x: PyPI's duckdb-extension-postgres stops at 1.5.5)"
fi
VENV="${BENCH_PG_VENV:-$HOME/.cache/kpiscope-bench/duckdb-pg}"
EXT=""
if [[ -x "$VENV/bin/python" ]] ||
    { python3 -m venv "$VENV" && "$VENV/bin/pip" install --quiet "duckdb==1.5.5" "duckdb-extension-postgres==1.5.5"; }; then
    shipped="$("$VENV/bin/python" -c 'import duckdb_extension_postgres as e, os; print(os.path.join(os.path.dirname(e.__file__), "extensions", "v1.5.5", "postgres.duckdb_extension"))' 2>/dev/null || true)"
    if [[ -f "$shipped" ]]; then
        # Its entry point is postgres_scanner's: DuckDB takes the name from the file's.
        EXT="$tmp/postgres_scanner.duckdb_extension"
        cp "$shipped" "$EXT"
    fi
fi
if [[ -n "$EXT" ]] && timed duckscan "$VENV/bin/python" "$HERE/peer_duckdb_pg.py" pg "$URL" "$tmp/duck-scan.csv" --extension "$EXT"; then
    row "DuckDB 1.5.5 postgres scanner" "$(wall duckscan)" "$(rss duckscan)" "$ROWS rows (no aggregate pushdown)"
else
    why="${EXT:+$(tail -n 1 "$tmp/duckscan.stderr" 2>/dev/null)}"
    say "duckdb postgres scanner: not available (${why:-duckdb==1.5.5 and duckdb-extension-postgres==1.5.5 could not be installed from PyPI into $VENV})"
    row "DuckDB postgres scanner" "-" "-" "not available"
fi
if timed duckcsv python3 "$HERE/peer_duckdb_pg.py" csv "$tmp/ws-csv/data/posts.csv" "$tmp/duck-csv.csv"; then
    row "DuckDB $(python3 -c 'import duckdb; print(duckdb.__version__)') on the CSV" "$(wall duckcsv)" "$(rss duckcsv)" ""
    row "  = export + DuckDB" "$(awk -v a="$(wall export)" -v b="$(wall duckcsv)" 'BEGIN { printf "%.2f", a + b }')" "" "$exported rows"
else
    say "DuckDB on the CSV failed: $(tail -n 1 "$tmp/duckcsv.stderr")"
fi

# 4. Agreement (bench/compare.py), where both sides ran.
agree=()
check() {  # LABEL A B
    [[ -s "$2" && -s "$3" ]] || return 0
    local out rc=0
    out="$(python3 "$ROOT/bench/compare.py" "$2" "$3" 2>&1)" || rc=$?
    agree+=("$1: $([[ $rc == 0 ]] && echo agree || echo DISAGREE): $(head -n 1 <<<"$out")")
}
check "kpiscope on the CSV vs DuckDB on the CSV" "$tmp/kpiscope-csv.csv" "$tmp/duck-csv.csv"
check "kpiscope pushdown vs DuckDB scanner" "$tmp/kpiscope-pg.csv" "$tmp/duck-scan.csv"
check "kpiscope pushdown vs DuckDB on the CSV" "$tmp/kpiscope-pg.csv" "$tmp/duck-csv.csv"
check "DuckDB scanner vs DuckDB on the CSV" "$tmp/duck-scan.csv" "$tmp/duck-csv.csv"

cpu="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)"
echo
echo "== kpiscope on PostgreSQL: $ROWS rows; KPIs $KPIS by network,account, grain month"
echo "   machine: $(nproc) CPUs${cpu:+, $cpu}; load $(cut -d' ' -f1-3 /proc/loadavg); one run each"
printf '%-44s %9s %8s  %s\n' "step" "wall s" "RSS MB" "transferred"
printf '%s\n' "${results[@]}"
printf '%s\n' "${agree[@]}"

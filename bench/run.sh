#!/usr/bin/env bash
# kpiscope vs DuckDB vs Polars on the same KPI set (see bench/README.md).
#
# usage (from the repo root): bash bench/run.sh [ROWS...]   default: 2000000 8000000
# env:   BENCH_RUNS=3   runs per tool (best wall time, max peak RSS are reported)
#        BENCH_KEEP=1   keep the temp folder (data, outputs) and print its path
#
# Exit: 0 when kpiscope agrees with both peers (or when ../shared/bench is absent),
#       1 when numbers disagree or a step fails.
set -euo pipefail

SIZES=("$@")
[[ ${#SIZES[@]} -eq 0 ]] && SIZES=(2000000 8000000)
RUNS="${BENCH_RUNS:-3}"
KPIS="posts,post_count,er,err,love_rate,talk_rate,amplification_rate,ctr,cpc,cpl"

die() { echo "bench: $*" >&2; exit 1; }

for ROWS in "${SIZES[@]}"; do
    [[ "$ROWS" =~ ^[1-9][0-9]*$ ]] || die "ROWS must be a positive integer, got '$ROWS'"
done
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer, got '$RUNS'"

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"

# 1. The peers' scripts live outside the repo, in ../shared/bench.
if ! SHARED="$(cd "$HERE/../../shared/bench" 2>/dev/null && pwd)"; then
    echo "bench: skipped: $(dirname "$0")/../../shared/bench not found (gen_posts.py and the peer scripts live there)"
    exit 0
fi
for f in gen_posts.py peer_duckdb.py peer_polars.py; do
    if [[ ! -f "$SHARED/$f" ]]; then
        echo "bench: skipped: $SHARED/$f not found"
        exit 0
    fi
done

[[ -x /usr/bin/time ]] || die "/usr/bin/time (GNU time) is needed to measure wall time and peak RSS (apt-get install time)"
command -v python3 >/dev/null || die "python3 is needed"
if ! python3 -c 'import duckdb, polars' 2>/dev/null; then
    echo "bench: installing duckdb and polars for the peers"
    python3 -m pip install --quiet duckdb polars || die "pip install duckdb polars failed"
    python3 -c 'import duckdb, polars' || die "duckdb/polars still not importable after pip install"
fi

# 2. Build kpiscope.
echo "bench: cargo build --release"
(cd "$ROOT" && cargo build --release) || die "cargo build --release failed"
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/kpiscope"
[[ "$BIN" = /* ]] || BIN="$ROOT/$BIN"
[[ -x "$BIN" ]] || die "no binary at $BIN after the build"

# 3. Data and workspace in a temp folder.
tmp="$(mktemp -d "${TMPDIR:-/tmp}/kpiscope-bench.XXXXXX")"
if [[ "${BENCH_KEEP:-}" == 1 ]]; then
    trap 'echo "bench: kept $tmp"' EXIT
else
    trap 'rm -rf "$tmp"' EXIT
fi
mkdir -p "$tmp/ws"
cp -R "$HERE/workspace/." "$tmp/ws/"
mkdir -p "$tmp/ws/data"
# GNU time writes "wall_seconds peak_rss_kib" on its last line.
timed() {  # NAME CMD...
    local name="$1"; shift
    if ! /usr/bin/time -f "%e %M" -o "$tmp/$name.time" "$@" >"$tmp/$name.stdout" 2>"$tmp/$name.stderr"; then
        echo "bench: $name failed: $*" >&2
        tail -n 20 "$tmp/$name.stderr" >&2
        exit 1
    fi
    tail -n 1 "$tmp/$name.time" >>"$tmp/$name.times"
}
best() { awk 'NR == 1 || $1 < m { m = $1 } END { printf "%.2f", m }' "$tmp/$1.times"; }
peak() { awk '$2 > m { m = $2 } END { printf "%.1f", m / 1024 }' "$tmp/$1.times"; }
verdict() { if [[ "$1" == 0 ]]; then echo "agree"; else echo "DISAGREE"; fi; }

# One size: generate the rows, time each tool BENCH_RUNS times, compare the
# numbers; appends a row to the summary and sets bad=1 when they disagree.
bad=0
summary=()
run_size() {
    local rows="$1" posts="$tmp/ws/data/posts.csv"
    rm -f "$tmp"/*.times
    echo "bench: generating $rows rows"
    python3 "$SHARED/gen_posts.py" "$rows" "$posts"
    local mb_file
    mb_file="$(du -m "$posts" | cut -f1)"
    for ((i = 1; i <= RUNS; i++)); do
        echo "bench: $rows rows, run $i/$RUNS"
        timed duckdb python3 "$SHARED/peer_duckdb.py" "$posts" "$tmp/duck.csv"
        timed polars python3 "$SHARED/peer_polars.py" "$posts" "$tmp/polars.csv"
        timed kpiscope "$BIN" --workspace "$tmp/ws" eval --kpi "$KPIS" \
            --by network,account --grain month --format csv -o "$tmp/kpiscope.csv"
    done
    local t_duck t_pol t_kpi r_duck r_pol r_kpi t_peer ratio target
    t_duck="$(best duckdb)"; r_duck="$(peak duckdb)"
    t_pol="$(best polars)";  r_pol="$(peak polars)"
    t_kpi="$(best kpiscope)"; r_kpi="$(peak kpiscope)"
    t_peer="$(awk -v a="$t_duck" -v b="$t_pol" 'BEGIN { print (a < b ? a : b) }')"
    ratio="$(awk -v k="$t_kpi" -v p="$t_peer" 'BEGIN { if (p > 0) printf "%.2f", k / p; else print "inf" }')"
    target="$(awk -v q="$ratio" -v r="$r_kpi" 'BEGIN { print ((q <= 0.5 && r <= 100) ? "met" : "NOT met") }')"

    set +e
    local cmp_duck cmp_pol cmp_peers rc_duck rc_pol rc_peers
    cmp_duck="$(python3 "$HERE/compare.py" "$tmp/kpiscope.csv" "$tmp/duck.csv" --also post_count=posts)"; rc_duck=$?
    cmp_pol="$(python3 "$HERE/compare.py" "$tmp/kpiscope.csv" "$tmp/polars.csv" --also post_count=posts)"; rc_pol=$?
    cmp_peers="$(python3 "$HERE/compare.py" "$tmp/duck.csv" "$tmp/polars.csv")"; rc_peers=$?
    set -e
    echo "agreement at $rows rows with duckdb: $(verdict $rc_duck): $cmp_duck"
    echo "agreement at $rows rows with polars: $(verdict $rc_pol): $cmp_pol"
    echo "(peers with each other: $(verdict $rc_peers): $(head -n 1 <<<"$cmp_peers"))"
    if [[ $rc_peers != 0 ]]; then
        echo "note: the peers differ where a group's metric has only empty cells: Polars sums it to 0," \
             "DuckDB (and kpiscope: a missing metric is no data) to empty; this only happens with" \
             "few rows per group, so use ROWS >= 200000 to judge agreement."
    fi
    if [[ $rc_duck != 0 || $rc_pol != 0 ]]; then
        bad=1
    fi
    summary+=("$(printf '%10s %6s %10s %10s %10s %10s %10s %10s %7s  %s' \
        "$rows" "$mb_file" "$t_duck" "$r_duck" "$t_pol" "$r_pol" "$t_kpi" "$r_kpi" "$ratio" "$target")")
}

for rows in "${SIZES[@]}"; do
    run_size "$rows"
done

cpu="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)"
echo
echo "== kpiscope benchmark: KPIs $KPIS, by network,account, grain month"
echo "   machine: $(nproc 2>/dev/null || echo '?') CPUs${cpu:+, $cpu}; best wall time of $RUNS runs (s), peak RSS (MB)"
printf '%10s %6s %10s %10s %10s %10s %10s %10s %7s  %s\n' \
    rows "MB" "duckdb s" "duckdb MB" "polars s" "polars MB" "kpiscope s" "kpiscope MB" ratio "target (ratio <= 0.5, RSS <= 100 MB)"
printf '%s\n' "${summary[@]}"
if [[ $bad != 0 ]]; then
    echo "bench: kpiscope's numbers disagree with a peer" >&2
    exit 1
fi

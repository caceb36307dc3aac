#!/usr/bin/env bash
# The plugin path on a large real-format export: an X account analytics
# content export (quoted dates like "Tue, Jul 14, 2026", "12,345" numbers,
# texts with commas) read by the built-in `x` plugin, against DuckDB reading
# the same CSV with the same parsing in SQL. See bench/README.md.
#
# usage (from the repo root): bash bench/export.sh [ROWS]    ROWS defaults to 300000
# env:   BENCH_RUNS=3   runs per tool (best wall time, max peak RSS)
# Exit: 0 when both give the same monthly totals, 1 otherwise.
set -euo pipefail

ROWS="${1:-300000}"
RUNS="${BENCH_RUNS:-3}"
die() { echo "bench: $*" >&2; exit 1; }
[[ "$ROWS" =~ ^[1-9][0-9]*$ ]] || die "ROWS must be a positive integer, got '$ROWS'"

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
[[ -x /usr/bin/time ]] || die "/usr/bin/time (GNU time) is needed"
python3 -c 'import duckdb' 2>/dev/null || python3 -m pip install --quiet duckdb || die "pip install duckdb failed"
(cd "$ROOT" && cargo build --release) || die "cargo build --release failed"
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/kpiscope"
[[ "$BIN" = /* ]] || BIN="$ROOT/$BIN"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/kpiscope-export.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
python3 - "$ROWS" "$tmp/account_analytics_content_2026-01-01_2026-12-31.csv" <<'PY'
import datetime, random, sys
rows, path = int(sys.argv[1]), sys.argv[2]
random.seed(7)
start = datetime.date(2026, 1, 1)
with open(path, "w") as f:
    f.write("Post id,Date,Post text,Post Link,Impressions,Likes,Engagements,Bookmarks,Shares,"
            "New follows,Replies,Reposts,Profile visits,Detail Expands,URL Clicks,Hashtag Clicks,Permalink Clicks\n")
    for i in range(rows):
        d = start + datetime.timedelta(days=i * 365 // rows)
        pid = 10**18 + i
        n = [random.randint(0, k) for k in (99999, 500, 900, 50, 20, 5, 40, 60, 70, 80, 30, 5, 9)]
        f.write(f'{pid},"{d.strftime("%a, %b %-d, %Y")}","Post {i}, with a comma",'
                f'https://x.com/acme/status/{pid},"{n[0]:,}",' + ",".join(map(str, n[1:])) + "\n")
PY
printf '[workspace]\nname = "export bench"\ntimezone = "UTC"\n\n[[source]]\nplugin = "x"\npath = "account_analytics_content_*.csv"\n' > "$tmp/kpiscope.toml"
cat > "$tmp/peer.py" <<'PY'
import sys, duckdb
con = duckdb.connect()
con.execute(f"""
  COPY (
    SELECT strftime(strptime("Date", '%a, %b %-d, %Y'), '%Y-%m') AS month,
           sum(CAST(replace("Impressions", ',', '') AS BIGINT)) AS impressions,
           sum(CAST("Likes" AS BIGINT)) AS likes,
           sum(CAST("Reposts" AS BIGINT)) AS shares,
           count(DISTINCT "Post Link") AS posts
    FROM read_csv('{sys.argv[1]}', all_varchar = true, header = true)
    GROUP BY month ORDER BY month
  ) TO '{sys.argv[2]}' (HEADER, DELIMITER ',')""")
PY

best() { sort -n | head -1; }
time_runs() { # name, command...
    local name="$1"; shift
    : > "$tmp/$name.times"
    for _ in $(seq "$RUNS"); do
        /usr/bin/time -f "%e %M" -o "$tmp/t" "$@" > /dev/null
        cat "$tmp/t" >> "$tmp/$name.times"
    done
}
cd "$tmp"
time_runs duckdb python3 peer.py account_analytics_content_2026-01-01_2026-12-31.csv duck.csv
time_runs kpiscope "$BIN" eval --grain month --kpi impressions,likes,shares,posts --format csv -o kpiscope.csv

python3 - <<'PY'
import csv
duck = {r["month"]: r for r in csv.DictReader(open("duck.csv"))}
bad = 0
for r in csv.DictReader(open("kpiscope.csv")):
    want = float(duck[r["period"]][r["kpi"]])
    if abs(float(r["value"]) - want) > 1e-9 * max(1, abs(want)):
        bad += 1
        print("mismatch", r["period"], r["kpi"], r["value"], want)
print(f"agreement with duckdb: {'agree' if bad == 0 else 'DISAGREE'}: {len(duck) * 4} values, {bad} mismatches")
raise SystemExit(1 if bad else 0)
PY
ok=$?
size=$(du -m account_analytics_content_2026-01-01_2026-12-31.csv | cut -f1)
for t in duckdb kpiscope; do
    w=$(cut -d' ' -f1 "$t.times" | best)
    m=$(cut -d' ' -f2 "$t.times" | sort -n | tail -1)
    printf '   %-9s %6.2f s  %7.1f MB\n' "$t" "$w" "$(echo "$m / 1024" | bc -l)"
done
echo "   ($ROWS rows, ${size} MB export, best of $RUNS)"
exit $ok

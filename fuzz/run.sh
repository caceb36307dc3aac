#!/usr/bin/env bash
# Coverage-guided fuzzing of kpiscope's decoders (cargo-fuzz, libFuzzer).
#
#   fuzz/run.sh [SECONDS] [TARGET...]
#
# Runs each target for SECONDS (default 60) and prints, per target, the
# executions, the time and the crashes found. Targets (fuzz/fuzz_targets/):
#   decode  any bytes as an export: sniffing, CSV/TSV, XLSX, XLS, ODS, zip,
#           JSON, NDJSON, UTF-16, then the data-row rules
#   read    any bytes read end to end by each built-in plugin (table, rhai
#           and canonical paths), aggregated and evaluated
#   values  numbers, durations and dates in every supported shape
#   config  any text as kpiscope.toml and as plugin.toml
#
# Each corpus (fuzz/corpus/TARGET, not committed) is seeded on every run
# with the repository's fixtures: the plugins' fixtures and the demo's
# exports for decode and read, the demo's and the plugins' TOML for config,
# fuzz/seeds/values for values. A crash is written to fuzz/artifacts/TARGET/
# and makes the script exit 1; reproduce it with
#   RUSTC_BOOTSTRAP=1 cargo fuzz run -s none TARGET fuzz/artifacts/TARGET/crash-...
#
# cargo-fuzz needs nightly flags; RUSTC_BOOTSTRAP=1 lets the stable
# toolchain take them. `-s none`: the code is safe Rust, so the fuzzer looks
# for panics (debug assertions on: overflows too), aborts, hangs past 10 s
# and memory past 2 GB, and runs faster without a sanitizer.
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(decode read values config)
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "cargo-fuzz is missing: cargo install cargo-fuzz" >&2
    exit 2
fi

seed() {
    local target=$1
    local dir=corpus/$target
    mkdir -p "$dir" "artifacts/$target"
    case $target in
    decode | read)
        find ../plugins/*/fixtures ../examples/demo/data -type f \
            ! -name '*.expected.jsonl' ! -name '*.md' -size -256k -print0 |
            while IFS= read -r -d '' f; do
                cp -n "$f" "$dir/seed-$(basename "$(dirname "$f")")-$(basename "$f")"
            done
        ;;
    config)
        cp -n ../examples/demo/kpiscope.toml "$dir/seed-demo.toml"
        for f in ../plugins/*/plugin.toml; do
            cp -n "$f" "$dir/seed-$(basename "$(dirname "$f")").toml"
        done
        ;;
    values)
        cp -n seeds/values/* "$dir/"
        ;;
    esac
}

cargo fuzz build -s none
status=0
printf '%-8s %12s %8s %8s\n' target executions seconds crashes
for t in "${targets[@]}"; do
    seed "$t"
    log=$(mktemp)
    set +e
    cargo fuzz run -s none "$t" "corpus/$t" -- \
        -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
        -max_len=262144 -print_final_stats=1 >"$log" 2>&1
    code=$?
    set -e
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
    crashes=$(find "artifacts/$t" -type f | wc -l)
    printf '%-8s %12s %8s %8s\n' "$t" "${runs:-0}" "$secs" "$crashes"
    if [ "$code" -ne 0 ] || [ "$crashes" -gt 0 ]; then
        status=1
        echo "--- $t failed (exit $code); the end of its log:" >&2
        tail -40 "$log" >&2
    fi
    rm -f "$log"
done
exit $status

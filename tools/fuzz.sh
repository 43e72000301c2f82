#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the libFuzzer harnesses of tests/fuzz (clang, ASan + UBSan) and runs each for a while, side by side.
# usage: bash tools/fuzz.sh [--seconds N] [--workers K] [--build DIR] [--corpus DIR] [HARNESS...]
#   --seconds N   wall-clock seconds per harness (default 60); all harnesses run at once
#   --workers K   processes per harness (libFuzzer -fork=K; default 1)
#   --build DIR   the build folder (default build-fuzz)
#   --corpus DIR  where the growing corpora live (default DIR/corpus); seeded from tests/fuzz/seeds.tsv,
#                 tests/fuzz/corpus/ and tests/fuzz/regressions/
#   --no-build    use the harnesses already built in --build
# Prints one row per harness (executions, coverage, corpus, findings), appends it to DIR/fuzz-totals.tsv (so
# CPU time adds up over runs) and exits 1 when a harness found something: the reproducers are in
# DIR/findings/HARNESS/; replay one with DIR/bin/fuzz_HARNESS FILE, then keep it in tests/fuzz/regressions/HARNESS/.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
seconds=60 workers=1 build="$here/build-fuzz" corpus="" do_build=1
harnesses=()
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds=$2; shift 2 ;;
        --workers) workers=$2; shift 2 ;;
        --build) build=$(realpath -m "$2"); shift 2 ;;
        --corpus) corpus=$(realpath -m "$2"); shift 2 ;;
        --no-build) do_build=0; shift ;;
        -h|--help) sed -n '3,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
        *) harnesses+=("$1"); shift ;;
    esac
done
corpus=${corpus:-$build/corpus}
fuzz_dir="$here/tests/fuzz"
[ ${#harnesses[@]} -gt 0 ] || mapfile -t harnesses < <(sed -n 's/^\([a-z_]*\)\t.*/\1/p' "$fuzz_dir/seeds.tsv" | sort -u)

if [ "$do_build" = 1 ]; then
    cxx=$(command -v clang++ || true)
    [ -n "$cxx" ] || { echo "fuzz.sh: clang++ is needed (libFuzzer)" >&2; exit 2; }
    cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLAYERCUT_FUZZ=ON \
          -DCMAKE_CXX_COMPILER="$cxx" >/dev/null
    cmake --build "$build" >/dev/null
fi

# Seeds: the fixtures named in seeds.tsv (prefixed with the harness's selector bytes, given in hex), then the
# committed corpus and reproducers.
seed() {
    local h=$1 n=0 prefix file
    mkdir -p "$corpus/$h"
    while IFS=$'\t' read -r name prefix file; do
        [ "$name" = "$h" ] || continue
        n=$((n + 1))
        { [ "$prefix" = - ] || printf "$(sed 's/../\\x&/g' <<<"$prefix")"; cat "$here/tests/$file"; } \
            >"$corpus/$h/seed-$n"
    done < <(grep -v '^#' "$fuzz_dir/seeds.tsv")
    for extra in "$fuzz_dir/corpus/$h" "$fuzz_dir/regressions/$h"; do
        [ -d "$extra" ] && cp -f "$extra"/* "$corpus/$h/" 2>/dev/null || true
    done
}

logs="$build/logs"
mkdir -p "$logs"
# Findings of this run only: earlier ones stay in findings/ until someone has looked at them.
stamp="$build/run-started"
touch "$stamp"
pids=()
for h in "${harnesses[@]}"; do
    [ -x "$build/bin/fuzz_$h" ] || { echo "fuzz.sh: no harness fuzz_$h in $build/bin" >&2; exit 2; }
    seed "$h"
    mkdir -p "$build/findings/$h"
    args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=512
          -artifact_prefix="$build/findings/$h/" -print_final_stats=1)
    [ -f "$fuzz_dir/dictionaries/$h.dict" ] && args+=(-dict="$fuzz_dir/dictionaries/$h.dict")
    [ "$workers" -gt 1 ] && args+=(-fork="$workers" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
    # Each run in a folder of its own: fork mode writes its temporary files into the working directory.
    mkdir -p "$build/work/$h"
    # `times` in the subshell: the CPU time of the fuzzer and every process it waited for (fork mode's workers).
    (cd "$build/work/$h" && { "$build/bin/fuzz_$h" "${args[@]}" "$corpus/$h" >"$logs/$h.log" 2>&1 || true; } &&
         times >"$logs/$h.times") &
    pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || true; done

printf '%-18s %8s %8s %8s %12s %10s %7s %7s %7s %9s\n' harness seconds workers cpu_s executions exec/s cov ft corpus \
       findings
for h in "${harnesses[@]}"; do
    last=$(grep -aE '^#[0-9]+:?[[:space:]].*cov: [0-9]+ ft: [0-9]+' "$logs/$h.log" | tail -1 || true)
    execs=$(sed -nE 's/^#([0-9]+).*/\1/p' <<<"$last")
    cov=$(sed -nE 's/.*cov: ([0-9]+).*/\1/p' <<<"$last")
    ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$last")
    files=$(find "$corpus/$h" -type f | wc -l)
    found=$(find "$build/findings/$h" -type f ! -name 'slow-unit-*' -newer "$stamp" | wc -l)
    rate=$(( ${execs:-0} / (seconds > 0 ? seconds : 1) ))
    # "0m12.345s 0m1.234s": user and system CPU time of the harness's processes.
    cpu=$(awk 'END {t = 0; for (i = 1; i <= 2; ++i) { split($i, p, /[ms]/); t += p[1] * 60 + p[2] } printf "%d", t}' \
          "$logs/$h.times" 2>/dev/null || echo 0)
    printf '%-18s %8s %8s %8s %12s %10s %7s %7s %7s %9s\n' "$h" "$seconds" "$workers" "$cpu" "${execs:-?}" "$rate" \
           "${cov:-?}" "${ft:-?}" "$files" "$found"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$h" "$cpu" "${execs:-0}" \
           "${cov:-0}" "${ft:-0}" "$files" "$found" >>"$build/fuzz-totals.tsv"
    if [ "$found" -gt 0 ] || grep -aqE 'FUZZ FINDING|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:' "$logs/$h.log"; then
        failed=1
        echo "  -> $h: see $logs/$h.log and $build/findings/$h/" >&2
    fi
done
echo "CPU seconds per harness over all runs ($build/fuzz-totals.tsv):"
awk -F'\t' '{s[$2]+=$3; e[$2]+=$4} END {for (h in s) printf "  %-18s %7d s %12d executions\n", h, s[h], e[h]}' \
    "$build/fuzz-totals.tsv" | sort
exit $failed

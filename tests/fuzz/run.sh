#!/bin/sh
# Runs every libFuzzer target for a bounded time: tests/fuzz/run.sh [SECONDS_PER_TARGET] (default 60).
# Builds build-fuzz first (clang, ASan + UBSan, coverage in the library too; .ci/setup-build reuses it).
# Each target starts from its committed seeds and regression inputs (tests/fuzz/corpus/<target>, never written to)
# and keeps what it learns in build-fuzz/tests/fuzz/corpus/<target>, so later runs go on from there. Crash inputs
# land in build-fuzz/tests/fuzz/artifacts/. Exits non-zero if any target found a crash, a leak, a timeout or a broken
# invariant. FUZZ_TARGETS="ws_frames ws_inflate" limits the run to those targets.
set -u
seconds=${1:-60}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build="$root/build-fuzz"

CC=clang CXX=clang++ "$root/.ci/setup-build" "$build" -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false \
    -Dc_args=-fsanitize=fuzzer-no-link -Dcpp_args=-fsanitize=fuzzer-no-link -Dwerror=true || exit 2
targets=${FUZZ_TARGETS:-$(cd "$here" && ls fuzz_*.cpp | sed 's/^fuzz_//; s/\.cpp$//')}
executables=$(for t in $targets; do printf 'tests/fuzz/fuzz_%s ' "$t"; done)
# shellcheck disable=SC2086 # one word per target
ninja -C "$build" -j2 $executables || exit 2

# UBSan reports and goes on by default; a finding must stop the run like an ASan one does.
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
out="$build/tests/fuzz"
status=0
for t in $targets; do
    log="$out/$t.log"
    "$out/fuzz_$t" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 -create_missing_dirs=1 \
        -artifact_prefix="$out/artifacts/$t-" "$out/corpus/$t" "$here/corpus/$t" >"$log" 2>&1
    rc=$?
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    if [ "$rc" -eq 0 ]; then
        printf '%-18s ok     %12s executions in %ss\n' "$t" "${executions:-?}" "$seconds"
    else
        printf '%-18s FAILED (exit %s) after %s executions; log: %s\n' "$t" "$rc" "${executions:-?}" "$log"
        grep -E 'invariant broken|ERROR:|SUMMARY:|Test unit written' "$log" | head -n 5
        status=1
    fi
done
exit "$status"

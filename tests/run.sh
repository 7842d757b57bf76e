#!/usr/bin/env bash
# Fresh machine to every test: installs what is missing, builds, runs the unit, integration and browser suites,
# then builds again under AddressSanitizer + UndefinedBehaviorSanitizer and runs the unit and integration suites
# there too, runs the cross-thread test under ThreadSanitizer, and every fuzz target for FUZZ_SECONDS (15) each.
# Ends with one summary line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
.ci/install-deps --tests || exit 1

passed=0; failed=0
run_suites() {  # build dir, then meson test arguments; counts test cases, not just suites
    local dir=$1; shift
    meson test -C "$dir" --print-errorlogs "$@" 2>&1 | tee "$dir/run-suites.log"
    local log="$dir/meson-logs/testlog.txt" ok fail dp df dn pp pf pn
    ok=$(grep -E '^Ok:' "$dir/run-suites.log" | awk '{print $2}')
    fail=$(grep -E '^(Fail|Unexpected Pass|Timeout):' "$dir/run-suites.log" | awk '{s+=$2} END {print s+0}')
    [[ -z "$ok" ]] && { ok=0; fail=$((fail + 1)); }
    # doctest's "test cases: N | P passed | F failed" and the browser test's "P passed, F failed" lines
    read -r dp df dn < <(grep -hoE 'test cases: *[0-9]+ \| *[0-9]+ passed \| *[0-9]+ failed' "$log" 2>/dev/null |
        awk -F'|' '{gsub(/[^0-9]/,"",$2); gsub(/[^0-9]/,"",$3); p+=$2; f+=$3; n++} END {print p+0, f+0, n+0}')
    read -r pp pf pn < <(grep -hE '^[0-9]+ passed, [0-9]+ failed$' "$log" 2>/dev/null |
        awk '{p+=$1; f+=$3; n++} END {print p+0, f+0, n+0}')
    local bare=$((ok - dn - pn)); ((bare < 0)) && bare=0   # suites without a count of their own (install)
    passed=$((passed + dp + pp + bare))
    failed=$((failed + df + pf))
    ((fail > 0 && df + pf == 0)) && failed=$((failed + fail))   # a suite that died before counting
}

[[ -d build ]] || meson setup build >/dev/null || exit 1
ninja -C build || exit 1
run_suites build

[[ -d build-asan ]] || meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false \
    --buildtype=debugoptimized >/dev/null || exit 1
ninja -C build-asan || exit 1
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ASAN_OPTIONS=detect_leaks=1 \
    run_suites build-asan --suite unit --suite integration

# ThreadSanitizer on the cross-thread entry point (EventLoop::post): only that executable is built there.
[[ -d build-tsan ]] || meson setup build-tsan -Db_sanitize=thread -Db_lundef=false \
    --buildtype=debugoptimized >/dev/null || exit 1
ninja -C build-tsan tests/tsan/tsan_tests || exit 1
run_suites build-tsan --no-rebuild --suite tsan

# libFuzzer (clang): every target for a bounded time from its committed corpus (tests/fuzz/run.sh).
fuzz_log=$(mktemp)
tests/fuzz/run.sh "${FUZZ_SECONDS:-15}" 2>&1 | tee "$fuzz_log"
fuzz_ok=$(grep -cE '^[a-z_]+ +ok ' "$fuzz_log"); fuzz_bad=$(grep -cE '^[a-z_]+ +FAILED' "$fuzz_log")
((fuzz_ok + fuzz_bad == 0)) && fuzz_bad=1  # the build itself failed
passed=$((passed + fuzz_ok)); failed=$((failed + fuzz_bad))
rm -f "$fuzz_log"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]

#!/usr/bin/env bash
# Fresh machine to every test: installs what is missing, builds, runs the unit, integration and browser suites,
# then builds again under AddressSanitizer + UndefinedBehaviorSanitizer and runs the unit and integration suites
# there too, runs the cross-thread test under ThreadSanitizer, builds the whole tree as users do (release -O3 with GCC,
# and with clang) and runs the unit suite there, every fuzz target for FUZZ_SECONDS (15) each, and last the newcomer
# suite (the README's two commands in a scratch clone).
# Every build has its own directory (build, build-asan, build-tsan, build-release-gcc, build-clang, build-fuzz; see
# .ci/setup-build), all with -Werror; apps/demo/run.sh uses build-demo.
# DUPLEX_REQUIRE_ALL=1 is set for the tests: CI installs every peer, so a test that would skip fails instead.
# DUPLEX_CI_QUICK=1: only `build` and its unit suite (the newcomer test runs the script that way).
# Ends with one summary line "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
.ci/install-deps --tests || exit 1
export DUPLEX_REQUIRE_ALL=1

passed=0; failed=0; skipped=0
failures=()  # one line per failed test or step, printed just above the summary so a log's tail names them
fail_step() { failed=$((failed + 1)); failures+=("$1"); }
run_suites() {  # build dir, then meson test arguments; counts test cases, not just suites
    local dir=$1; shift
    meson test -C "$dir" --print-errorlogs "$@" 2>&1 | tee "$dir/run-suites.log"
    local log="$dir/meson-logs/testlog.txt" ok fail skip dp df dn pp pf pn sc sp
    ok=$(grep -E '^Ok:' "$dir/run-suites.log" | awk '{print $2}')
    fail=$(grep -E '^(Fail|Unexpected Pass|Timeout):' "$dir/run-suites.log" | awk '{s+=$2} END {print s+0}')
    skip=$(grep -E '^Skipped:' "$dir/run-suites.log" | awk '{s+=$2} END {print s+0}')  # scripts exiting 77
    [[ -z "$ok" ]] && { ok=0; fail=$((fail + 1)); }
    # doctest's "test cases: N | P passed | F failed" and the browser test's "P passed, F failed" lines
    read -r dp df dn < <(grep -hoE 'test cases: *[0-9]+ \| *[0-9]+ passed \| *[0-9]+ failed' "$log" 2>/dev/null |
        awk -F'|' '{gsub(/[^0-9]/,"",$2); gsub(/[^0-9]/,"",$3); p+=$2; f+=$3; n++} END {print p+0, f+0, n+0}')
    read -r pp pf pn < <(grep -hE '^[0-9]+ passed, [0-9]+ failed$' "$log" 2>/dev/null |
        awk '{p+=$1; f+=$3; n++} END {print p+0, f+0, n+0}')
    # DUPLEX_SKIP (tests/support/skip.h): doctest counted a skipped test case as passed.
    sc=$(grep -c '^DUPLEX SKIPPED test case:' "$log" 2>/dev/null); sc=${sc:-0}
    sp=$(grep -c '^DUPLEX SKIPPED part:' "$log" 2>/dev/null); sp=${sp:-0}
    local bare=$((ok - dn - pn)); ((bare < 0)) && bare=0   # suites without a count of their own (install)
    passed=$((passed + dp + pp + bare - sc))
    failed=$((failed + df + pf))
    skipped=$((skipped + skip + sc + sp))
    ((fail > 0 && df + pf == 0)) && failed=$((failed + fail))   # a suite that died before counting
    local line
    while IFS= read -r line; do failures+=("$dir: $line"); done < <(
        grep -E '^ *[0-9]+/[0-9]+ .* (FAIL|TIMEOUT|UNEXPECTEDPASS) ' "$dir/run-suites.log"
        awk '/^TEST CASE: /{tc=$0} /^[^ ]+:[0-9]+: ERROR: /{print tc " -- " $0}' "$log" 2>/dev/null | head -40)
}
step_start=$SECONDS
step_done() { echo "tests/run.sh: $1 took $((SECONDS - step_start)) s"; step_start=$SECONDS; }
summary() {
    ((${#failures[@]})) && { echo "Failed:"; printf '  %s\n' "${failures[@]}"; }
    echo "$passed passed, $failed failed, $skipped skipped"; [[ $failed -eq 0 ]]; exit; }

.ci/setup-build build --buildtype=debugoptimized -Dwerror=true || exit 1
if [[ "${DUPLEX_CI_QUICK:-}" == 1 ]]; then
    ninja -C build tests/unit_tests || exit 1
    run_suites build --no-rebuild --suite unit
    summary
fi
ninja -C build || exit 1
run_suites build --no-suite newcomer
step_done "build + unit, integration, browser, install"

# Sanitizer builds at -O1 with line tables only (-g1): what the sanitizers' reports need, and less than half the
# compile time of -O2 -g, which is most of this step.
san_opts=(--buildtype=plain -Doptimization=1 -Dc_args=-g1 -Dcpp_args=-g1 -Db_lundef=false -Dwerror=true)
.ci/setup-build build-asan -Db_sanitize=address,undefined "${san_opts[@]}" || exit 1
ninja -C build-asan || exit 1
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ASAN_OPTIONS=detect_leaks=1 \
    run_suites build-asan --suite unit --suite integration
step_done "ASan+UBSan build + unit, integration"

# ThreadSanitizer on the cross-thread entry point (EventLoop::post): only that executable is built there.
.ci/setup-build build-tsan -Db_sanitize=thread "${san_opts[@]}" || exit 1
ninja -C build-tsan tests/tsan/tsan_tests || exit 1
run_suites build-tsan --no-rebuild --suite tsan
step_done "TSan build + tsan"

# What users build: the whole tree (tests too) at -O3 with GCC, where its optimizer warns differently, and with
# clang. Only the unit suite runs there; a build that fails counts as one failure and the run goes on.
build_and_unit() {  # build dir; the build was set up by the caller
    if ninja -C "$1"; then run_suites "$1" --no-rebuild --suite unit; else fail_step "$1: build"; fi
}
if .ci/setup-build build-release-gcc --buildtype=release -Dwerror=true; then
    build_and_unit build-release-gcc
else fail_step "build-release-gcc: setup"; fi
step_done "release (-O3, GCC) build + unit"
# clang's warnings come from its front end: no optimizer and no debug info needed, the quickest build.
if CC=clang CXX=clang++ .ci/setup-build build-clang --buildtype=plain -Dwerror=true; then
    build_and_unit build-clang
else fail_step "build-clang: setup"; fi
step_done "clang build + unit"

# Soak: the release demo (build-release, as bench/run builds it) under a mixed load for 60 s (bench/soak); a wrong
# answer, or RSS / descriptors growing past the tolerance, is one failure. Report in build-release/soak/.
if bench/soak 60s --out build-release/soak; then passed=$((passed + 1)); else fail_step "soak (60 s)"; fi
step_done "soak (60 s)"

# libFuzzer (clang): every target for a bounded time from its committed corpus (tests/fuzz/run.sh).
fuzz_log=$(mktemp)
tests/fuzz/run.sh "${FUZZ_SECONDS:-15}" 2>&1 | tee "$fuzz_log"
fuzz_ok=$(grep -cE '^[a-z_]+ +ok ' "$fuzz_log"); fuzz_bad=$(grep -cE '^[a-z_]+ +FAILED' "$fuzz_log")
((fuzz_ok + fuzz_bad == 0)) && fuzz_bad=1  # the build itself failed
passed=$((passed + fuzz_ok)); failed=$((failed + fuzz_bad))
while IFS= read -r line; do failures+=("fuzz: $line"); done < <(grep -E '^[a-z_]+ +FAILED' "$fuzz_log")
rm -f "$fuzz_log"
step_done "fuzz"

# The README's two commands in a scratch clone, in both orders (tests/newcomer).
run_suites build --no-rebuild --suite newcomer
step_done "newcomer"

summary

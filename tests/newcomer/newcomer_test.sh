#!/usr/bin/env bash
# The README's two commands as a newcomer meets them, in a scratch clone of this repository's HEAD (committed work
# only, as a clone gets it), with the real scripts and their real build directories:
#   1. apps/demo/run.sh interrupted while it builds;
#   2. tests/run.sh (after the interrupted demo build);
#   3. apps/demo/run.sh (after tests/run.sh): serves, GET / answers, SIGINT ends it;
#   4. tests/run.sh interrupted while it runs, then tests/run.sh again, then apps/demo/run.sh again (both repeated,
#      both orders once more).
# The long parts are stubbed: DUPLEX_CI_QUICK=1 makes tests/run.sh build `build` and run its unit suite only, and the
# demo is ended once it answered. The clone links tests/node_modules from this tree (npm ci needs the network).
# Every step has a deadline. Usage: newcomer_test.sh SOURCE_ROOT
set -euo pipefail
src=$1
work=$(mktemp -d "${TMPDIR:-/tmp}/duplex-newcomer-XXXXXX")
pid=
cleanup() {
    [[ -n $pid ]] && kill -KILL -- "-$pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
fail() {  # message, then the tail of the step's log (the nested run's count lines renamed, not to be counted twice)
    echo "newcomer: FAILED: $1"
    [[ -f $work/step.log ]] &&
        tail -n 40 "$work/step.log" | sed 's/^/    | /; s/test cases:/test-cases:/; s/ passed, / ok, /'
    exit 1
}
t0=$SECONDS
took() { echo "newcomer: $1 ($((SECONDS - t0)) s)"; t0=$SECONDS; }

git clone -q "$src" "$work/duplex"
cd "$work/duplex"
[[ -d $src/tests/node_modules ]] && ln -s "$src/tests/node_modules" tests/node_modules

interrupt_after() {  # seconds, command...: starts it in its own process group and ends the whole group then
    local seconds=$1; shift
    setsid "$@" >"$work/step.log" 2>&1 &
    pid=$!
    sleep "$seconds"
    kill -INT -- "-$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    pid=
}
quick_tests() {  # tests/run.sh with its unit suite only: must pass and end with the summary line
    DUPLEX_CI_QUICK=1 timeout 1200 tests/run.sh >"$work/step.log" 2>&1 || fail "tests/run.sh ($1)"
    tail -n 1 "$work/step.log" | grep -qE '^[1-9][0-9]* passed, 0 failed, 0 skipped$' ||
        fail "tests/run.sh ($1): no passing summary line"
    took "tests/run.sh $1"
}
serve_demo() {  # apps/demo/run.sh on free ports; GET / must answer, then SIGINT must end it with status 0
    setsid apps/demo/run.sh --http-port 0 --ws-port 0 >"$work/step.log" 2>&1 &
    pid=$!
    local url=
    for _ in $(seq 1 12000); do  # the build comes first: up to 20 minutes
        url=$(sed -n 's/^HTTP listening on \(http:[^ ]*\)$/\1/p' "$work/step.log")
        [[ -n $url ]] && break
        kill -0 "$pid" 2>/dev/null || fail "apps/demo/run.sh ($1) ended before serving"
        sleep 0.1
    done
    [[ -n $url ]] || fail "apps/demo/run.sh ($1) did not serve"
    local page
    page=$(curl -sS --max-time 10 "$url/") || fail "apps/demo/run.sh ($1): GET / failed"
    [[ $page == *"<html"* ]] || fail "apps/demo/run.sh ($1): GET / is not the page"
    kill -INT -- "-$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && fail "apps/demo/run.sh ($1) still runs 10 s after SIGINT"
    local rc=0
    wait "$pid" || rc=$?
    pid=
    ((rc == 0)) || fail "apps/demo/run.sh ($1): exit status $rc after SIGINT"
    took "apps/demo/run.sh $1"
}

interrupt_after 20 apps/demo/run.sh --build-only
took "apps/demo/run.sh interrupted after 20 s"
quick_tests "after an interrupted demo build"
serve_demo "after tests/run.sh"
interrupt_after 5 env DUPLEX_CI_QUICK=1 tests/run.sh
took "tests/run.sh interrupted after 5 s"
quick_tests "again, after it was interrupted"
serve_demo "again"
echo "newcomer: both commands passed in both orders, repeated and after interrupted runs"

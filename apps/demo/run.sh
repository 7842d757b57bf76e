#!/usr/bin/env bash
# Fresh machine to running demo: installs what is missing, builds, and starts the demo
# (HTTP on http://127.0.0.1:3000, WebSockets on ws://127.0.0.1:8080). Extra arguments go to the demo.
# The release build lives in build-demo, a directory of its own: tests/run.sh's builds (build, build-asan, ...) and
# bench/run's (build-release) never share one with it, so the commands work in any order.
# --build-only (first argument): stop after the build (tests/newcomer uses it).
set -euo pipefail
cd "$(dirname "$0")/../.."
.ci/install-deps
.ci/setup-build build-demo --buildtype=release -Dtests=false
ninja -C build-demo apps/demo/demo
[[ "${1:-}" == --build-only ]] && exit 0
exec build-demo/apps/demo/demo --static static "$@"

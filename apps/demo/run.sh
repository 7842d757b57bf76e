#!/usr/bin/env bash
# Fresh machine to running demo: installs what is missing, builds, and starts the demo
# (HTTP on http://127.0.0.1:3000, WebSockets on ws://127.0.0.1:8080). Extra arguments go to the demo.
set -euo pipefail
cd "$(dirname "$0")/../.."
.ci/install-deps
[[ -d build ]] || meson setup build --buildtype=release >/dev/null
ninja -C build apps/demo/demo
exec build/apps/demo/demo --static static "$@"

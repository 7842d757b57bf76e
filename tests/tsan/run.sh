#!/bin/sh
# ThreadSanitizer run of EventLoop::post from other threads: configures build-tsan (once) with
# -Db_sanitize=thread, builds the tsan test executable and runs it. Any data race fails the run.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
if [ ! -d build-tsan ]; then
    meson setup build-tsan -Db_sanitize=thread -Db_lundef=false -Dbuildtype=debugoptimized
fi
ninja -C build-tsan -j2 tests/tsan/tsan_tests
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" build-tsan/tests/tsan/tsan_tests "$@"

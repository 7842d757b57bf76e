#!/bin/sh
# One way into duplex from someone else's project, checked end to end with tests/install/app.cpp (a route and a
# WebSocket echo, queried with curl and Python websockets):
#   pkg-config  meson-installs the build into a temporary DESTDIR and compiles app.cpp with `pkg-config duplex` only;
#   cmake       the same staged install, found by a CMake project with find_package(duplex CONFIG REQUIRED) and
#               linked with duplex::duplex (CMAKE_PREFIX_PATH into the staged prefix);
#   subproject  a meson project with subprojects/duplex (a symlink to this tree) and dependency('duplex').
# The staged install must hold exactly one library, libduplex. A missing tool skips (exit 77), or fails under
# DUPLEX_REQUIRE_ALL=1 as tests/run.sh sets it.
# Usage: install_test.sh ROUTE BUILD_DIR SOURCE_ROOT CXX SANITIZE
set -eu
route=$1
build_dir=$2
source_root=$3
cxx=$4
sanitize=$5
here=$(cd "$(dirname "$0")" && pwd)

skip() {
    if [ "${DUPLEX_REQUIRE_ALL:-}" = 1 ]; then echo "$1: failing, not skipping (DUPLEX_REQUIRE_ALL=1)"; exit 1; fi
    echo "skipped: $1"
    exit 77
}
command -v curl >/dev/null || skip "curl not found"
/usr/bin/python3 -c 'import websockets' 2>/dev/null || skip "/usr/bin/python3 with websockets not found"

work=$(mktemp -d "${TMPDIR:-/tmp}/duplex-install-XXXXXX")
server_pid=
cleanup() {
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
# An instrumented library needs the same runtime in the program that links it.
san_flags=
if [ "$sanitize" != none ]; then san_flags="-fsanitize=$sanitize"; fi

stage() {  # meson install into $work/root; prints the install prefix
    meson install -C "$build_dir" --no-rebuild --quiet --destdir "$work/root" >"$work/install.log" 2>&1 || {
        cat "$work/install.log" >&2; exit 1; }
    libs=$(cd "$work/root" && find . \( -name 'lib*.a' -o -name 'lib*.so*' \) -printf '%f ')
    case $libs in
        "libduplex.a " | "libduplex.so ") ;;
        *) echo "the install must add one library, libduplex; it has: $libs" >&2; exit 1 ;;
    esac
    [ -f "$(find "$work/root" -path '*/include/duplex/duplex.h' | head -n 1)" ] || {
        echo "headers missing" >&2; exit 1; }
    meson introspect "$build_dir" --buildoptions | /usr/bin/python3 -c \
        'import json, sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))'
}

case $route in
pkg-config)
    command -v pkg-config >/dev/null || skip "pkg-config not found"
    prefix=$(stage)
    pc=$(find "$work/root" -name duplex.pc | head -n 1)
    [ -n "$pc" ] || { echo "duplex.pc was not installed"; exit 1; }
    export PKG_CONFIG_PATH="$(dirname "$pc")"
    export PKG_CONFIG_SYSROOT_DIR="$work/root"
    cflags=$(pkg-config --cflags duplex)
    libs=$(pkg-config --libs duplex)
    case "$cflags $libs" in
        *"$build_dir"*) echo "pkg-config flags point into the build dir: $cflags $libs"; exit 1 ;;
    esac
    # shellcheck disable=SC2086  # the flag lists are meant to split
    "$cxx" -std=c++20 $san_flags $cflags "$here/app.cpp" -o "$work/app" $libs
    ;;
cmake)
    command -v cmake >/dev/null || skip "cmake not found"
    prefix=$(stage)
    mkdir "$work/cmake"
    cp "$here/app.cpp" "$work/cmake/"
    cat >"$work/cmake/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.16)
project(app CXX)
find_package(duplex CONFIG REQUIRED)
add_executable(app app.cpp)
target_link_libraries(app PRIVATE duplex::duplex)
CMAKE
    CXX=$cxx cmake -S "$work/cmake" -B "$work/cmake/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_PREFIX_PATH="$work/root$prefix" -DCMAKE_CXX_FLAGS="$san_flags" >"$work/cmake.log" 2>&1 || {
        cat "$work/cmake.log"; exit 1; }
    cmake --build "$work/cmake/build" >>"$work/cmake.log" 2>&1 || { cat "$work/cmake.log"; exit 1; }
    cp "$work/cmake/build/app" "$work/app"
    ;;
subproject)
    mkdir -p "$work/sub/subprojects"
    ln -s "$source_root" "$work/sub/subprojects/duplex"
    cp "$here/app.cpp" "$work/sub/"
    cat >"$work/sub/meson.build" <<'MESON'
project('app', 'cpp', default_options : ['cpp_std=c++20'])
executable('app', 'app.cpp', dependencies : dependency('duplex'))
MESON
    # No optimizer and no debug info: the library is compiled here again, as quickly as possible.
    CXX=$cxx meson setup "$work/sub/build" "$work/sub" --buildtype=plain >"$work/sub.log" 2>&1 || {
        cat "$work/sub.log"; exit 1; }
    ninja -C "$work/sub/build" app >>"$work/sub.log" 2>&1 || { cat "$work/sub.log"; exit 1; }
    if [ -e "$work/sub/build/subprojects/duplex/apps" ] || [ -e "$work/sub/build/subprojects/duplex/tests" ]; then
        echo "duplex as a subproject must build only its library"; exit 1
    fi
    cp "$work/sub/build/app" "$work/app"
    ;;
*) echo "unknown route $route"; exit 2 ;;
esac

"$work/app" >"$work/port" &
server_pid=$!
port=
for _ in $(seq 1 100); do
    port=$(head -n 1 "$work/port")
    [ -n "$port" ] && break
    sleep 0.05
done
[ -n "$port" ] || { echo "the app did not start"; exit 1; }

body=$(curl -sS --max-time 10 "http://127.0.0.1:$port/hello/installed%20copy")
[ "$body" = '{"hello":"installed copy"}' ] || { echo "unexpected answer: $body"; exit 1; }
timeout 30 /usr/bin/python3 "$here/ws_echo_check.py" "ws://127.0.0.1:$port/echo"
[ "$(curl -sS --max-time 10 "http://127.0.0.1:$port/quit")" = bye ] || { echo "/quit did not answer"; exit 1; }

# /quit closed the server: the program must now end by itself, with status 0.
for _ in $(seq 1 100); do
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.05
done
if kill -0 "$server_pid" 2>/dev/null; then echo "the app did not exit after closing its server"; exit 1; fi
wait "$server_pid"
server_pid=
echo "duplex through $route: built, answered $body and echoed over WebSocket"

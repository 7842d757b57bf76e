#!/bin/sh
# meson-installs the build into a temporary DESTDIR, then compiles hello_installed.cpp with nothing but
# `pkg-config duplex` (pointed at that DESTDIR through PKG_CONFIG_SYSROOT_DIR) and checks it answers a request.
# Usage: install_test.sh BUILD_DIR SOURCE_FILE CXX SANITIZE
set -eu
build_dir=$1
source_file=$2
cxx=$3
sanitize=$4

work=$(mktemp -d "${TMPDIR:-/tmp}/duplex-install-XXXXXX")
server_pid=
cleanup() {
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

meson install -C "$build_dir" --no-rebuild --quiet --destdir "$work/root" >"$work/install.log" 2>&1 || {
    cat "$work/install.log"; exit 1; }

pc=$(find "$work/root" -name duplex.pc | head -n 1)
[ -n "$pc" ] || { echo "duplex.pc was not installed"; exit 1; }
[ -f "$(find "$work/root" -path '*/include/duplex/duplex.h' | head -n 1)" ] || { echo "headers missing"; exit 1; }

export PKG_CONFIG_PATH="$(dirname "$pc")"
export PKG_CONFIG_SYSROOT_DIR="$work/root"
cflags=$(pkg-config --cflags duplex)
libs=$(pkg-config --libs duplex)
case "$cflags $libs" in
    *"$build_dir"*) echo "pkg-config flags point into the build dir: $cflags $libs"; exit 1 ;;
esac
# An instrumented library needs the same runtime in the program that links it.
san_flags=
if [ "$sanitize" != none ]; then san_flags="-fsanitize=$sanitize"; fi

# shellcheck disable=SC2086  # the flag lists are meant to split
"$cxx" -std=c++20 $san_flags $cflags "$source_file" -o "$work/hello" $libs

"$work/hello" >"$work/port" &
server_pid=$!
port=
for _ in $(seq 1 100); do
    port=$(head -n 1 "$work/port")
    [ -n "$port" ] && break
    sleep 0.05
done
[ -n "$port" ] || { echo "the installed program did not start"; exit 1; }

body=$(curl -sS --max-time 10 "http://127.0.0.1:$port/hello/installed%20copy")
[ "$body" = '{"hello":"installed copy"}' ] || { echo "unexpected answer: $body"; exit 1; }

# The handler closed the server: the program must now end by itself, with status 0.
for _ in $(seq 1 100); do
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.05
done
if kill -0 "$server_pid" 2>/dev/null; then echo "the program did not exit after closing its server"; exit 1; fi
wait "$server_pid"
server_pid=
echo "installed duplex: compiled with pkg-config and answered $body"

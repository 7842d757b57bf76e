#!/usr/bin/python3
"""An independent WebSocket client (Python `websockets`, Debian's python3-websockets) for duplex's tests.

Usage: ws_client.py BASE_URL SCENARIO...   (BASE_URL like ws://127.0.0.1:8080)
Runs each scenario against the endpoints described in tests/support/ws_peers.h and prints "ok <name>" or
"FAIL <name>: <why>". Exits 0 only when every scenario passed. Every wait is bounded.
"""
import asyncio
import os
import sys

import websockets


class Failed(Exception):
    pass


def check(condition, why):
    if not condition:
        raise Failed(why)


class Context:
    def __init__(self, base, name):
        self.base = base
        self.name = name

    def connect(self, path="/echo", **options):
        # Compression only where a scenario asks for it, so the other scenarios test plain frames.
        options.setdefault("compression", None)
        options.setdefault("max_size", None)
        options.setdefault("open_timeout", 5)
        options.setdefault("close_timeout", 5)
        return websockets.connect(f"{self.base}{path}?case={self.name}", **options)


async def echo(ws, message):
    await ws.send(message)
    got = await asyncio.wait_for(ws.recv(), 20)
    check(type(got) is type(message), f"echo came back as {type(got).__name__}")
    check(got == message, f"echo of {len(message)} units differs ({len(got)} back)")


async def text(ctx):
    async with ctx.connect() as ws:
        await echo(ws, "héllo wörld ✓")
        await echo(ws, "")


async def binary(ctx):
    async with ctx.connect() as ws:
        await echo(ws, bytes(range(256)) * 4)
        await echo(ws, b"")


async def big_1m(ctx):
    async with ctx.connect() as ws:
        await echo(ws, ("0123456789abcdef" * 65536))


async def big_16m(ctx):
    async with ctx.connect() as ws:
        await echo(ws, os.urandom(16 << 20))


async def fragments(ctx):
    async with ctx.connect() as ws:
        await ws.send(["frag", "ment", "ed ✓"])
        check(await asyncio.wait_for(ws.recv(), 5) == "fragmented ✓", "text fragments not reassembled")
        await ws.send([b"\x00\x01", b"", b"\x02"])
        check(await asyncio.wait_for(ws.recv(), 5) == b"\x00\x01\x02", "binary fragments not reassembled")


async def ping(ctx):
    async with ctx.connect() as ws:
        # The waiter resolves only on a pong carrying the same payload.
        waiter = await ws.ping(b"probe-123")
        await asyncio.wait_for(waiter, 5)
        await echo(ws, "still open")


async def client_close(ctx):
    ws = await ctx.connect()
    await ws.close(4000, "client bye")
    check(ws.close_code == 4000, f"server echoed close code {ws.close_code}")


async def server_close(ctx):
    ws = await ctx.connect()
    await ws.send("close-me")
    try:
        await asyncio.wait_for(ws.recv(), 5)
        raise Failed("a message came instead of the close")
    except websockets.ConnectionClosed:
        pass
    await asyncio.wait_for(ws.wait_closed(), 5)
    check(ws.close_code == 4001, f"close code {ws.close_code}")
    check(ws.close_reason == "server bye", f"close reason {ws.close_reason!r}")


async def abrupt(ctx):
    ws = await ctx.connect()
    await echo(ws, "before the cut")
    ws.transport.abort()


async def deflate(ctx):
    async with ctx.connect(compression="deflate") as ws:
        ext = ws.response_headers.get("Sec-WebSocket-Extensions", "")
        check(ext.startswith("permessage-deflate"), f"extensions {ext!r}")
        await echo(ws, "compress me, " * 20000)
        await echo(ws, "short")
        await echo(ws, bytes(5000))
        await echo(ws, "compress me again, " * 1000)


async def deflate_pings(ctx):
    # Control frames are never compressed (RFC 7692 6.1): a ping or pong with RSV1 would fail the connection.
    async with ctx.connect(compression="deflate") as ws:
        ext = ws.response_headers.get("Sec-WebSocket-Extensions", "")
        check(ext.startswith("permessage-deflate"), f"extensions {ext!r}")
        for size in range(126):  # our pings, every control payload size: each answered with its payload
            waiter = await ws.ping(bytes([97 + size % 26]) * size)
            await asyncio.wait_for(waiter, 5)
        await ws.send("ping-all")  # the server's pings, every size, answered by websockets itself
        got = await asyncio.wait_for(ws.recv(), 10)
        check(got == "pongs-ok", f"server says {got!r}")
        await echo(ws, "compressed after the pings, " * 50)


async def refused(ctx):
    async with ctx.connect(path="/plain", compression="deflate") as ws:
        check("Sec-WebSocket-Extensions" not in ws.response_headers, "extension accepted on /plain")
        await echo(ws, "plain " * 100)


async def proto(ctx):
    async with ctx.connect(path="/proto", subprotocols=["chat.v1", "chat.v2"]) as ws:
        check(ws.subprotocol == "chat.v2", f"subprotocol {ws.subprotocol!r}")
        await echo(ws, "with a protocol")


SCENARIOS = {
    "text": text, "binary": binary, "big-1m": big_1m, "big-16m": big_16m, "fragments": fragments,
    "ping": ping, "client-close": client_close, "server-close": server_close, "abrupt": abrupt,
    "deflate": deflate, "deflate-pings": deflate_pings, "refused": refused, "proto": proto,
}


async def main():
    base, names = sys.argv[1], sys.argv[2:]
    failed = 0
    for name in names:
        try:
            await asyncio.wait_for(SCENARIOS[name](Context(base, name)), 30)
            print("ok", name, flush=True)
        except Exception as e:  # report every failure and go on with the next scenario
            failed += 1
            print(f"FAIL {name}: {type(e).__name__}: {e}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

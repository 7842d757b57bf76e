"""A Python `websockets` server for the duplex client tests.

Listens on 127.0.0.1, port 0, prints the port on its first stdout line and serves until killed. The path chooses
the behaviour (the same paths as client_peer_server.mjs):
  /echo            echoes every message with its opcode
  /fragments       sends "fragmented hello world" in 3 text fragments and bytes 0..255 in 4 binary fragments,
                   then echoes
  /ping            pings with "hi-ping"; when the pong comes back, sends the text "pong:<payload>"
  /close?code=C&reason=R   closes at once with C and R
  /drop            drops the TCP connection without a Close frame
Subprotocols: "chat.v2" is preferred over "chat.v1". permessage-deflate is accepted when offered.
Run with /usr/bin/python3 (Debian's python3-websockets 10.4). With `--tls CERT KEY` it serves wss://.
"""
import asyncio
import ssl
import sys
from urllib.parse import parse_qs, urlsplit

import websockets

SUPPORTED = ["chat.v2", "chat.v1"]


def prefer_server_order(client_protocols, server_protocols):
    for p in server_protocols:
        if p in client_protocols:
            return p
    return None


async def echo(ws):
    try:
        async for message in ws:
            await ws.send(message)
    except websockets.ConnectionClosed:
        pass  # any close code is the test's business, not an error of this server


async def handler(ws, path=None):
    url = urlsplit(ws.path)
    if url.path == "/echo":
        await echo(ws)
    elif url.path == "/fragments":
        await ws.send(["fragmented ", "hello ", "world"])
        data = bytes(range(256))
        await ws.send([data[0:64], data[64:128], data[128:192], data[192:256]])
        await echo(ws)
    elif url.path == "/ping":
        pong = await ws.ping(b"hi-ping")
        await pong
        await ws.send("pong:hi-ping")
        await echo(ws)
    elif url.path == "/close":
        query = parse_qs(url.query)
        await ws.close(code=int(query["code"][0]), reason=query.get("reason", [""])[0])
    elif url.path == "/drop":
        ws.transport.abort()
    else:
        await ws.close(code=4404, reason="unknown path")


async def main():
    tls = None
    if len(sys.argv) == 4 and sys.argv[1] == "--tls":
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(sys.argv[2], sys.argv[3])
    async with websockets.serve(handler, "127.0.0.1", 0, ssl=tls, subprotocols=SUPPORTED,
                                select_subprotocol=prefer_server_order, max_size=32 * 1024 * 1024,
                                compression="deflate") as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.Future()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)

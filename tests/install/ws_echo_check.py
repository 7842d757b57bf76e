"""ws_echo_check.py URL: sends a text and a binary message to a WebSocket echo endpoint (Python websockets, an
independent client) and exits 0 when both come back unchanged."""
import asyncio
import sys

import websockets


async def main(url):
    async with websockets.connect(url, open_timeout=10, close_timeout=5) as ws:
        for message in ("installed echo", b"\x00\x01binary\xff"):
            await ws.send(message)
            answer = await asyncio.wait_for(ws.recv(), 10)
            if answer != message:
                print(f"sent {message!r}, got {answer!r}")
                return 1
    print("websocket echo ok")
    return 0


sys.exit(asyncio.run(main(sys.argv[1])))

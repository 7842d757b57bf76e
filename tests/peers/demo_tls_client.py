#!/usr/bin/python3
"""The demo over TLS, as a client that trusts only make-cert.sh's CA sees it, across a certificate reload:
   demo_tls_client.py HTTP_PORT WS_PORT DEMO_PID OLD_CA NEW_CA LIVE_DIR NEW_DIR
Opens a keep-alive https connection and a wss connection (permessage-deflate offered, as websockets does) with
OLD_CA, copies NEW_DIR's cert.pem and key.pem over LIVE_DIR's (the files the demo serves), sends the demo SIGHUP,
waits (bounded) for a new handshake that NEW_CA verifies, then checks that OLD_CA no longer verifies a new
handshake and that both open connections still work. Prints one 'name: value' line per check."""
import asyncio
import os
import re
import shutil
import signal
import socket
import ssl
import sys
import time

import websockets

http_port, ws_port, demo_pid = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
old_ca, new_ca, live_dir, new_dir = sys.argv[4:8]


def context(ca):
    return ssl.create_default_context(cafile=ca)


def connect(ca):
    raw = socket.create_connection(('127.0.0.1', http_port), timeout=10)
    try:
        return context(ca).wrap_socket(raw, server_hostname='localhost')
    except Exception:
        raw.close()
        raise


def get(conn, path):
    """One request on a keep-alive connection; the body (Content-Length framed)."""
    conn.sendall(('GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n' % path).encode())
    data = b''
    while b'\r\n\r\n' not in data:
        piece = conn.recv(4096)
        if not piece:
            raise EOFError('closed before the head')
        data += piece
    head, body = data.split(b'\r\n\r\n', 1)
    length = int(re.search(rb'(?i)content-length: *(\d+)', head).group(1))
    while len(body) < length:
        piece = conn.recv(4096)
        if not piece:
            raise EOFError('closed in the body')
        body += piece
    return body.decode()


async def main():
    kept = connect(old_ca)
    print('https:', get(kept, '/api/hello/tls'), flush=True)
    async with websockets.connect('wss://localhost:%d/echo' % ws_port, ssl=context(old_ca)) as ws:
        await ws.send('over wss')
        print('wss:', await ws.recv(), flush=True)
        for name in ('cert.pem', 'key.pem'):
            shutil.copy(os.path.join(new_dir, name), os.path.join(live_dir, name))
        os.kill(demo_pid, signal.SIGHUP)
        deadline = time.monotonic() + 10
        reloaded = None
        while reloaded is None and time.monotonic() < deadline:
            try:
                fresh = connect(new_ca)
                reloaded = get(fresh, '/api/hello/new')
                fresh.close()
            except ssl.SSLCertVerificationError:
                await asyncio.sleep(0.1)
        print('new handshake, new CA:', reloaded, flush=True)
        try:
            connect(old_ca).close()
            print('new handshake, old CA: accepted', flush=True)
        except ssl.SSLCertVerificationError:
            print('new handshake, old CA: refused', flush=True)
        print('kept https:', get(kept, '/api/hello/kept'), flush=True)
        await ws.send('still open')
        print('kept wss:', await ws.recv(), flush=True)
    kept.close()


asyncio.run(main())

#!/usr/bin/python3
"""Writes the seed corpora under tests/fuzz/corpus/<target>/: a handful of valid and near-valid inputs per target,
laid out as each target's FuzzedDataProvider reads them (integers from the end, see each fuzz_*.cpp header).
Regression inputs found by fuzzing are added next to these by hand and are not touched here.
Run from anywhere: /usr/bin/python3 tests/fuzz/make_seeds.py"""
import os
import struct
import zlib

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'corpus')


def write(target, name, data):
    folder = os.path.join(ROOT, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, 'seed-' + name), 'wb') as f:
        f.write(data)


def u16_tail(value):
    """A uint16 as ConsumeIntegral reads it from the end: the last byte is the high one."""
    return struct.pack('<H', value)


def http_request():
    seeds = {
        'get': b'GET /a/b?x=1 HTTP/1.1\r\nHost: example.com\r\n\r\n',
        'post-length': b'POST /form HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello',
        'post-chunked': b'POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
        'pipelined': b'GET /1 HTTP/1.1\r\nHost: a\r\n\r\nHEAD /2 HTTP/1.1\r\nHost: a\r\n\r\n'
                     b'DELETE /3 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
        'expect': b'PUT /up HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc',
        'upgrade': b'GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n'
                   b'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n\x81\x85abcd',
        'http10': b'GET / HTTP/1.0\r\n\r\n',
        'absolute': b'OPTIONS http://example.com:8080/p?q HTTP/1.1\r\nHost: example.com\r\n\r\n'
                    b'OPTIONS * HTTP/1.1\r\nHost: example.com\r\n\r\n',
        'folded-dup': b'GET / HTTP/1.1\r\nHost: a\r\nX-A: 1 \r\nx-a:2\r\nCookie: a=b\r\n\r\n',
        'bad-method': b'G@T / HTTP/1.1\r\n\r\n',
        'bad-header': b'GET / HTTP/1.1\r\nHost a\r\n\r\n',
        'smuggle': b'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
        'bad-expect': b'POST / HTTP/1.1\r\nHost: a\r\nExpect: nothing\r\nContent-Length: 1\r\n\r\nx',
    }
    for name, stream in seeds.items():
        write('http_request', name, stream + bytes([0]) + u16_tail(len(stream) // 2))
    # Odd limits byte: the small limits, so the same requests hit 414/431/413.
    write('http_request', 'small-limits', seeds['post-length'] + bytes([0x45]) + u16_tail(7))


def url_and_router():
    def seed(pattern, path, text, flags):
        esc = lambda s: s.replace(b'\\', b'\\\\')
        return esc(pattern) + b'\\;' + esc(path) + b'\\;' + text + bytes([flags])
    write('url_and_router', 'param', seed(b'/users/:id', b'/users/42', b'a=1&b=%20x+y&c&a=2', 4))
    write('url_and_router', 'two-params', seed(b'/:from-:to', b'/a-b-c', b'caf%C3%A9', 0))
    write('url_and_router', 'wildcard', seed(b'/files/*path', b'/files/a/b%2Fc.txt', b'%zz&=&==', 1))
    write('url_and_router', 'star', seed(b'*', b'*', b'x=%00', 2))
    write('url_and_router', 'escaped', seed(b'/a\\:b/%41/:p/', b'/a:b/A/x/', b'http://h/p?q#f', 3))
    write('url_and_router', 'prefix', seed(b'/api', b'/API/v1?x', b'/p?q=1+2', 0))
    write('url_and_router', 'reserved', seed(b'/a(b)?', b'//a//', b'%', 7))


def static_resolve():
    paths = [b'/index.html', b'/a/b/../c/./d', b'/%2e%2e/etc/passwd', b'/a/..%2F..%2Fb', b'/.git/config',
             b'/dir/', b'', b'/a%00b', b'//x///y/', b'/caf%C3%A9.txt', b'/a/b/../../..']
    for i, path in enumerate(paths):
        write('static_resolve', 'p%d' % i, path + bytes([i % 21]))


def ws_handshake():
    def seed(mask, config, fields, extra=(b'X-Extra', b'1')):
        esc = lambda s: s.replace(b'\\', b'\\\\') + b'\\;'
        return b''.join(esc(f) for f in fields) + esc(extra[0]) + esc(extra[1]) + bytes([config]) + u16_tail(mask)
    write('ws_handshake', 'valid', seed(0, 1, []))
    write('ws_handshake', 'post', seed(1 << 0, 1, [b'POST']))
    write('ws_handshake', 'http10', seed(1 << 1, 0, [], (b'A', b'b')) + b'')
    write('ws_handshake', 'no-host', seed(1 << 2, 0, [b'  ']))
    write('ws_handshake', 'no-upgrade', seed((1 << 3) | (1 << 4), 0, [b'close', b'h2c']))
    write('ws_handshake', 'version', seed(1 << 5, 0, [b'8']))
    write('ws_handshake', 'bad-key', seed(1 << 6, 0, [b'dGhlIHNhbXBsZSBub25jZQ']))
    write('ws_handshake', 'protocols', seed(1 << 7, 0, [b'chat, , v2.json,x y']))
    write('ws_handshake', 'deflate', seed(1 << 8, 0x3f, [
        b'permessage-deflate; client_max_window_bits=10; server_no_context_takeover, permessage-deflate']))
    write('ws_handshake', 'deflate-bad', seed(1 << 8, 1, [b'permessage-deflate; server_max_window_bits="8"; x']))
    write('ws_handshake', 'extra-bad', seed(0, 1, [], (b'X-Ctl', b'a\x01b')))


def mask(payload, key):
    return bytes(b ^ key[i % 4] for i, b in enumerate(payload))


def frame(opcode, payload, fin=True, rsv1=False, key=None):
    first = (0x80 if fin else 0) | (0x40 if rsv1 else 0) | opcode
    n = len(payload)
    if n < 126:
        length = bytes([n])
    elif n < 65536:
        length = bytes([126]) + struct.pack('>H', n)
    else:
        length = bytes([127]) + struct.pack('>Q', n)
    if key is None:
        return bytes([first]) + length + payload
    length = bytes([length[0] | 0x80]) + length[1:]
    return bytes([first]) + length + key + mask(payload, key)


def deflate_raw(message, wbits=15):
    c = zlib.compressobj(wbits=-wbits)
    out = c.compress(message) + c.flush(zlib.Z_SYNC_FLUSH)
    return out[:-4] if out.endswith(b'\x00\x00\xff\xff') else out


def ws_frames():
    key = b'\x37\xfa\x21\x3d'

    def seed(stream, config, cuts=()):
        tail = b''.join(u16_tail(c) for c in reversed(cuts))
        return stream + tail + bytes([len(cuts), config])
    server = lambda op, p, **kw: frame(op, p, key=key, **kw)
    write('ws_frames', 'text', seed(server(1, b'Hello'), 0, [3]))
    write('ws_frames', 'fragmented', seed(server(1, 'caf'.encode(), fin=False) + server(9, b'ping') +
                                          server(0, '\u00e9!'.encode()), 0, [4, 11, 20]))
    write('ws_frames', 'binary-16', seed(server(2, bytes(range(256)) * 2), 0, [1, 300]))
    write('ws_frames', 'close', seed(server(8, struct.pack('>H', 1000) + b'bye') + server(1, b'late'), 0))
    write('ws_frames', 'client-role', seed(frame(1, b'hi') + frame(10, b'') + frame(8, b''), 1, [2]))
    write('ws_frames', 'compressed', seed(server(1, deflate_raw(b'Hello Hello Hello'), rsv1=True), 2))
    write('ws_frames', 'bad-utf8', seed(server(1, b'\xed\xa0\x80'), 0))
    write('ws_frames', 'unmasked', seed(frame(1, b'x'), 0))
    write('ws_frames', 'big-ping', seed(server(9, b'p' * 126), 0))
    write('ws_frames', 'too-big', seed(server(2, b'x' * 200), 3 << 2))
    write('ws_frames', 'fragments', seed(server(2, b'a', fin=False) + server(0, b'b', fin=False) +
                                         server(0, b'c'), 1 << 5))
    write('ws_frames', 'utf8', seed('\u00e9\u20ac\U0001f600 ok'.encode(), 0, [1, 2, 5, 9]))


def ws_inflate():
    def seed(data, bits, max_out, cuts=()):
        tail = b''.join(u16_tail(c) for c in reversed(cuts))
        return data + tail + bytes([len(cuts)]) + u16_tail(max_out) + bytes([bits])
    hello = deflate_raw(b'Hello, hello, hello, hello!')
    write('ws_inflate', 'hello', seed(hello, 7, 1000))
    write('ws_inflate', 'hello-tight', seed(hello, 7, 5))
    two = deflate_raw(b'first message') + deflate_raw(b'second message')
    write('ws_inflate', 'two', seed(two, 7 | 8, 100, [(len(deflate_raw(b'first message')) << 1) | 1]))
    write('ws_inflate', 'bomb', seed(deflate_raw(b'\0' * 100000), 7, 1024))
    c = zlib.compressobj(wbits=-15)
    final = c.compress(b'final block') + c.flush(zlib.Z_FINISH)
    write('ws_inflate', 'bfinal', seed(final + b'extra', 7, 1000, [len(final) << 1]))
    write('ws_inflate', 'window9', seed(deflate_raw(b'abcabcabc' * 50, 9), 1 | (3 << 4), 4096, [21, 40]))
    write('ws_inflate', 'garbage', seed(b'\xff\xfe\x00\x01garbage', 0, 100))


def client_handshake():
    def seed(response, client, server, split):
        return response + u16_tail(split) + bytes([server, client])
    ok = (b'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n'
          b'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n')
    write('client_handshake', 'ok', seed(ok + b'\r\n\x81\x02hi', 0, 0, 20))
    write('client_handshake', 'protocol', seed(ok + b'Sec-WebSocket-Protocol: chat\r\n\r\n', 0, 0, 50))
    write('client_handshake', 'deflate', seed(
        ok + b'Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=10; client_max_window_bits=9\r\n\r\n',
        1 | (2 << 3), 0x3f, 9))
    write('client_handshake', 'unoffered', seed(ok + b'Sec-WebSocket-Protocol: other\r\n\r\n', 0, 0, 0))
    write('client_handshake', 'bad-accept', seed(ok.replace(b'xOo=', b'xOp=') + b'\r\n', 0, 0, 3))
    write('client_handshake', 'refused', seed(
        b'HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\nContent-Length: 3\r\n\r\nno\n', 0, 0, 15))
    write('client_handshake', 'split-headers', seed(ok.replace(b'Connection: Upgrade', b'Connection: keep-alive\r\n'
                                                               b'Connection: upgrade') + b'\r\n', 1, 7, 70))
    write('client_handshake', 'garbage', seed(b'HTTP/1.1 1O1 x\r\n\r\n', 0, 0, 4))


def accept_encoding():
    # The first byte seeds the cut points; the rest is the header value.
    write('accept_encoding', 'browser', b'\x07gzip, deflate, br, zstd')
    write('accept_encoding', 'weights', b'\x03br;q=0.5, gzip;q=1.0, identity;q=0, *;q=0.001')
    write('accept_encoding', 'ows', b'\x11 , ,x-gzip ;Q=0.25,, deflate\t; q=1.')
    write('accept_encoding', 'invalid', b'\x01gzip;q=1.5')


def redis_bus():
    # An odd first byte: a redis:// URL; an even one: a message envelope (version, 8-byte origin, opcode, payload).
    write('redis_bus', 'url-full', b'\x01redis://:p%40ss@[::1]:6380/3')
    write('redis_bus', 'url-plain', b'\x01redis://127.0.0.1:6379')
    write('redis_bus', 'url-bad', b'\x01redis://user:pw@host:0/x?q')
    write('redis_bus', 'envelope-text', b'\x00\x01\x01\x02\x03\x04\x05\x06\x07\x08tworld')
    write('redis_bus', 'envelope-binary', b'\x00\x01\x01\x02\x03\x04\x05\x06\x07\x08b\x00\xff')


def tls_server():
    # ClientHellos as Python's ssl module (OpenSSL) sends them; the last byte is the largest piece (0: whole).
    import ssl

    def hello(configure):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        configure(ctx)
        incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        conn = ctx.wrap_bio(incoming, outgoing, server_hostname='localhost')
        try:
            conn.do_handshake()
        except ssl.SSLWantReadError:
            pass
        return outgoing.read()

    tls13 = hello(lambda ctx: ctx.set_alpn_protocols(['http/1.1']))
    tls12 = hello(lambda ctx: setattr(ctx, 'maximum_version', ssl.TLSVersion.TLSv1_2))
    h2 = hello(lambda ctx: ctx.set_alpn_protocols(['h2']))
    write('tls_server', 'tls13-whole', tls13 + b'\x00')
    write('tls_server', 'tls13-bytes', tls13 + b'\x01')
    write('tls_server', 'tls12-pieces', tls12 + bytes([7, 100, 3, 60, 9, 200]) + b'\xff')
    write('tls_server', 'h2-only', h2 + b'\x00')
    write('tls_server', 'plaintext', b'GET / HTTP/1.1\r\nHost: a\r\n\r\n\x00')
    write('tls_server', 'truncated', tls13[:len(tls13) // 2] + b'\x00')


if __name__ == '__main__':
    for make in (http_request, url_and_router, static_resolve, ws_handshake, ws_frames, ws_inflate,
                 client_handshake, accept_encoding, redis_bus, tls_server):
        make()

// An independent WebSocket client (Node `ws` from tests/node_modules) for duplex's tests.
//
// Usage: node ws_client.mjs BASE_URL SCENARIO...   (BASE_URL like ws://127.0.0.1:8080)
// Runs each scenario against the endpoints described in tests/support/ws_peers.h and prints "ok <name>" or
// "FAIL <name>: <why>". "many=N" opens N connections to /greet at once. Exits 0 only when all passed.
// Every wait is bounded.
import WebSocket from 'ws';

class Failed extends Error {}
const check = (condition, why) => { if (!condition) throw new Failed(why); };

function within(ms, promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Failed(`timed out: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// One connection with a message queue, so a scenario can await "the next message" and "the close".
class Peer {
  static async open(url, { protocols = [], deflate = false } = {}) {
    const ws = new WebSocket(url, protocols, { perMessageDeflate: deflate, handshakeTimeout: 5000 });
    const peer = new Peer(ws);
    await within(5000, new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    }), 'open');
    return peer;
  }

  constructor(ws) {
    this.ws = ws;
    this.queue = [];
    this.waiters = [];
    ws.on('message', (data, isBinary) => {
      const m = { data, isBinary };
      const waiter = this.waiters.shift();
      if (waiter) waiter(m); else this.queue.push(m);
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });
    ws.on('error', () => {});  // reported through 'close'
  }

  next() {
    if (this.queue.length) return Promise.resolve(this.queue.shift());
    return within(20000, new Promise((resolve) => this.waiters.push(resolve)), 'message');
  }

  async echo(data, binary = false) {
    this.ws.send(data, { binary });
    const m = await this.next();
    check(m.isBinary === binary, `echo came back with binary=${m.isBinary}`);
    check(Buffer.compare(m.data, Buffer.from(data)) === 0,
      `echo of ${data.length} bytes differs (${m.data.length} back)`);
  }

  async close(code, reason) {
    this.ws.close(code, reason);
    return within(5000, this.closed, 'close');
  }
}

const scenarios = {
  async text(url) {
    const p = await Peer.open(url);
    await p.echo('héllo wörld ✓');
    await p.echo('');
    await p.close(1000);
  },
  async binary(url) {
    const p = await Peer.open(url);
    await p.echo(Buffer.from(Array.from({ length: 1024 }, (_, i) => i & 0xff)), true);
    await p.close(1000);
  },
  async 'big-1m'(url) {
    const p = await Peer.open(url);
    await p.echo(Buffer.alloc(1 << 20, 'duplex '), true);
    await p.close(1000);
  },
  async fragments(url) {
    const p = await Peer.open(url);
    p.ws.send('frag', { fin: false });
    p.ws.send('ment', { fin: false });
    p.ws.send('ed ✓', { fin: true });
    const m = await p.next();
    check(!m.isBinary && m.data.toString() === 'fragmented ✓', `reassembled ${m.data.toString()}`);
    await p.close(1000);
  },
  async ping(url) {
    const p = await Peer.open(url);
    const pong = new Promise((resolve) => p.ws.once('pong', resolve));
    p.ws.ping(Buffer.from('probe-456'));
    const data = await within(5000, pong, 'pong');
    check(data.toString() === 'probe-456', `pong payload ${data.toString()}`);
    await p.close(1000);
  },
  async 'client-close'(url) {
    const p = await Peer.open(url);
    const ev = await p.close(4000, 'client bye');
    check(ev.code === 4000, `close code ${ev.code}`);
  },
  async 'server-close'(url) {
    const p = await Peer.open(url);
    p.ws.send('close-me');
    const ev = await within(5000, p.closed, 'server close');
    check(ev.code === 4001 && ev.reason === 'server bye', `close ${ev.code} ${ev.reason}`);
  },
  async abrupt(url) {
    const p = await Peer.open(url);
    await p.echo('before the cut');
    p.ws.terminate();
  },
  async deflate(url) {
    const p = await Peer.open(url, { deflate: true });
    check(p.ws.extensions.startsWith('permessage-deflate'), `extensions ${p.ws.extensions}`);
    await p.echo('compress me, '.repeat(20000));
    await p.echo('short');
    await p.echo(Buffer.alloc(5000), true);
    await p.close(1000);
  },
  // Control frames are never compressed (RFC 7692 6.1): ws fails the connection on a ping or pong with RSV1.
  async 'deflate-pings'(url) {
    const p = await Peer.open(url, { deflate: true });
    check(p.ws.extensions.startsWith('permessage-deflate'), `extensions ${p.ws.extensions}`);
    const letter = (size) => String.fromCharCode(97 + (size % 26));
    for (let size = 0; size <= 125; ++size) {  // our pings, every control payload size
      const payload = Buffer.alloc(size, letter(size));
      const pong = new Promise((resolve) => p.ws.once('pong', resolve));
      p.ws.ping(payload);
      const data = await within(5000, pong, `pong of ${size} bytes`);
      check(Buffer.compare(data, payload) === 0, `pong of ${size} bytes carries ${data.length}`);
    }
    const pings = [];
    p.ws.on('ping', (data) => pings.push(data));
    p.ws.send('ping-all');  // the server's pings, every size, answered by ws itself
    const m = await p.next();
    check(m.data.toString() === 'pongs-ok', `server says ${m.data.toString()}`);
    check(pings.length === 126, `${pings.length} pings came`);
    pings.forEach((d, size) => check(Buffer.compare(d, Buffer.alloc(size, letter(size))) === 0,
      `ping of ${size} bytes carries ${d.length}`));
    await p.echo('compressed after the pings, '.repeat(50));
    await p.close(1000);
  },
  async refused(url) {
    const p = await Peer.open(url.replace('/echo?', '/plain?'), { deflate: true });
    check(p.ws.extensions === '', `extension accepted on /plain: ${p.ws.extensions}`);
    await p.echo('plain '.repeat(100));
    await p.close(1000);
  },
  async proto(url) {
    const p = await Peer.open(url.replace('/echo?', '/proto?'), { protocols: ['chat.v1', 'chat.v2'] });
    check(p.ws.protocol === 'chat.v2', `subprotocol ${p.ws.protocol}`);
    await p.close(1000);
  },
};

// N connections open at the same time: all greeted, all echoing, then all closed cleanly.
async function many(base, n) {
  const peers = [];
  const greetings = [];
  const batch = 100;  // connects in waves, so that the listen backlog never overflows
  for (let i = 0; i < n; i += batch) {
    const wave = await Promise.all(
      Array.from({ length: Math.min(batch, n - i) }, (_, j) => Peer.open(`${base}/greet?case=many-${i + j}`)));
    for (const p of wave) greetings.push(p.next());
    peers.push(...wave);
  }
  const greeted = await Promise.all(greetings);
  check(greeted.every((m) => m.data.toString() === 'hello'), 'a greeting differs');
  await Promise.all(peers.map((p, i) => p.echo(`message ${i}`)));
  const closes = await Promise.all(peers.map((p) => p.close(1000)));
  check(closes.every((ev) => ev.code === 1000), 'a close code differs');
}

async function main() {
  const [base, ...names] = process.argv.slice(2);
  let failed = 0;
  for (const name of names) {
    try {
      if (name.startsWith('many=')) await within(30000, many(base, Number(name.slice(5))), name);
      else await within(30000, scenarios[name](`${base}/echo?case=${name}`), name);
      console.log(`ok ${name}`);
    } catch (e) {
      failed += 1;
      console.log(`FAIL ${name}: ${e && e.message}`);
    }
  }
  process.exit(failed ? 1 : 0);
}

main();

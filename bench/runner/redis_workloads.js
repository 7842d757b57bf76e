// The redis_fanout row (issue 18): WebSocket topics across processes over one redis-server. For each measurement
// the runner starts a redis-server (fresh free port, persistence off), then two processes of the server under test
// attached to it with --redis: A holds the publisher, B the 1,000 subscribers. duplex runs two release demos,
// socket.io two peers/socketio_redis.js (its Redis adapter). Everything is pinned to the server core(s), the
// loadgen (fanout with --publish-url A) to the load core, and every process is stopped by its pid afterwards.
// The loadgen reads B's CPU time: B does the 1,000 sends per message; A and Redis handle one message each.
//
// redis_fanout keeps 32 messages in flight (the ws_fanout_1k shape): its latencies are mostly queueing behind the
// window (about window x subscribers / deliveries per second). The _w1 rows keep one message in flight, in-process
// and over Redis: their latencies are what one message takes to reach all 1,000 subscribers.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const processes = require('./processes');

const redisFanout = {
  id: 'redis_fanout', title: 'WS fan-out over Redis, publisher on process A, 1,000 subscribers on process B',
  tool: 'loadgen', path: '/ws', unit: 'deliveries/s', servers: ['duplex', 'socketio_redis'],
  args: ['fanout', '-c', '1000', '-s', '32', '--window', '32'],
  launch,
};
const oneInFlight = (row, title) => ({ ...row, id: `${row.id}_w1`, title, args: [...row.args.slice(0, -1), '1'] });
const rows = [
  redisFanout,
  oneInFlight(redisFanout, 'WS fan-out over Redis, one message in flight (latency)'),
  oneInFlight({ id: 'ws_fanout_1k', path: '/ws', tool: 'loadgen', unit: 'deliveries/s', servers: ['duplex'],
    args: redisFanout.args }, 'WS fan-out to 1,000 subscribers, one message in flight (latency)'),
];

// How the loadgen reaches each server's chat: the demo's /ws, or socket.io's engine.io endpoint over WebSocket.
const chats = {
  socketio_redis: { path: '/socket.io/?EIO=4&transport=websocket', args: ['--protocol', 'socketio'] },
};

async function startRedis(cpu) {
  const port = await processes.freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duplex-bench-redis-'));
  const child = processes.start('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '',
    '--appendonly', 'no', '--dir', dir], { cpu });
  const stop = async () => {
    await processes.stop(child, 1000);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await processes.waitForOutput(child, ['Ready to accept connections'], 10000);
  } catch (e) {
    await stop();
    throw new Error(`redis-server did not start: ${e.message}`);
  }
  return { child, url: `redis://127.0.0.1:${port}`, stop };
}

// Starts Redis, A and B; resolves to B as a running server (the subscribers' end, whose CPU the loadgen reads) with
// the loadgen's extra arguments and stopCompanions(), which stops A and Redis and says which of them had died.
async function launch(server, options) {
  const servers = require('./servers');  // here, not at the top: servers.js requires workloads.js, which lists us
  const redis = await startRedis(options.cpu);
  const started = [];
  const stopCompanions = async () => {
    const died = started.filter((s) => s.child.exitInfo).map((s) => `${s.name} (${processes.describeExit(s.child.exitInfo)})`);
    if (redis.child.exitInfo) died.push(`redis-server (${processes.describeExit(redis.child.exitInfo)})`);
    for (const s of started.reverse()) await processes.stop(s.child);
    await redis.stop();
    return died.length ? `died during the run: ${died.join(', ')}` : null;
  };
  let b = null;
  try {
    const attached = { ...server, args: [...server.args, '--redis', redis.url] };
    const a = await servers.launch(attached, options);
    started.push({ name: 'process A', child: a.child });
    b = await servers.launch(attached, options);
    await Promise.all([a, b].map((p) => processes.waitForOutput(p.child, ['Redis connected'], 10000)));
    const chat = chats[server.id] || { path: redisFanout.path, args: [] };
    return { ...b, path: chat.path, loadgenArgs: [...chat.args, '--publish-url', `ws://127.0.0.1:${a.wsPort}${chat.path}`],
      stopCompanions };
  } catch (e) {
    if (b) await processes.stop(b.child);
    await stopCompanions();
    throw new Error(`${server.label} over Redis did not start: ${e.message}`);
  }
}

const fmt = (x, digits = 0) => (Number.isFinite(x)
  ? x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a');

// "duplex >= 10x socket.io" on deliveries/s, with the latencies and the in-process fan-out beside it.
function judge(summaries, labels) {
  const get = (w, s) => {
    const g = summaries.get(`${w}/${s}`);
    return g && Number.isFinite(g.median) ? g : null;
  };
  const d = get('redis_fanout', 'duplex');
  const s = get('redis_fanout', 'socketio_redis');
  const text = `duplex >= 10x ${labels.socketio_redis} deliveries/s on redis_fanout`;
  if (!d || !s) return [{ text, status: 'not measured', detail: 'missing samples' }];
  const row = (g) => `${fmt(g.median)} deliveries/s, p50 ${fmt(g.p50Us)} us, p99 ${fmt(g.p99Us)} us`;
  const beside = [['duplex in-process (ws_fanout_1k)', get('ws_fanout_1k', 'duplex')],
    ['one in flight: duplex', get('redis_fanout_w1', 'duplex')],
    [labels.socketio_redis, get('redis_fanout_w1', 'socketio_redis')],
    ['duplex in-process', get('ws_fanout_1k_w1', 'duplex')]].filter(([, g]) => g);
  const factor = d.median / s.median;
  return [{ text, status: factor >= 10 ? 'met' : 'not met',
    detail: [`${fmt(factor, 2)}x; duplex ${row(d)}`, `${labels.socketio_redis} ${row(s)}`,
      ...beside.map(([name, g]) => `${name} ${row(g)}`)].join('; ') }];
}

module.exports = { list: rows, judge };

// The servers bench/run compares. Each takes the demo's flags, prints the demo's two ready lines, runs pinned to
// the server core, and is started fresh for every measurement so that no run inherits another's heap or sockets.
'use strict';

const fs = require('fs');
const path = require('path');
const processes = require('./processes');
const workloads = require('./workloads');

const bench = path.join(__dirname, '..');
const labels = { duplex: 'duplex', express_ws: 'express+ws', uws: 'uWebSockets.js', raw: 'raw epoll',
  socketio_redis: 'socket.io+redis' };

// workloads: the ones the server implements. The raw ceiling has no broadcast; neither it nor the uWS peer codes
// answers (http_index_gzip is duplex next to express + compression).
function definitions(paths) {
  return [
    {
      id: 'duplex', label: labels.duplex, command: paths.demo, args: [],
      workloads: 'all',
    },
    {
      id: 'express_ws', label: labels.express_ws, command: process.execPath, args: [path.join(bench, 'peers', 'express_ws.js')],
      workloads: 'all',
    },
    {
      id: 'uws', label: labels.uws, command: process.execPath, args: [path.join(bench, 'peers', 'uws.js')],
      workloads: ['http_hello', 'http_index', 'http_1mib', 'http_1mib_disk', 'ws_echo_32', 'ws_echo_16k', 'ws_idle_10k',
        'ws_connect', 'ws_fanout_1k', 'https_hello', 'wss_echo_32', 'wss_connect', 'wss_idle_10k'],
    },
    {
      id: 'raw', label: labels.raw, command: paths.raw, args: [],
      workloads: ['http_hello', 'http_index', 'http_1mib', 'ws_echo_32', 'ws_echo_16k', 'ws_idle_10k', 'ws_connect'],
    },
    {
      // socket.io with @socket.io/redis-adapter: the peer of redis_fanout only (redis_workloads.js).
      id: 'socketio_redis', label: labels.socketio_redis, command: process.execPath,
      args: [path.join(bench, 'peers', 'socketio_redis.js')], workloads: ['redis_fanout', 'redis_fanout_w1'],
    },
  ];
}

// duplex once per loop thread count (bench/run --threads 1,2,4): 'duplex' is one thread, 'duplex_tN' N threads.
function withThreads(list, threads) {
  const duplex = list.find((s) => s.id === 'duplex');
  const rows = threads.map((n) => (n === 1 ? duplex
    : { ...duplex, id: `duplex_t${n}`, label: `duplex ${n} threads`, args: [...duplex.args, '--threads', String(n)], threads: n }));
  return [...rows, ...list.filter((s) => s !== duplex)];
}

// The servers to run, with the reason each missing one is left out.
function available(paths, wanted, threads = [1]) {
  const servers = [];
  const skipped = [];
  for (const server of withThreads(definitions(paths), threads)) {
    const isDuplex = server.id === 'duplex' || server.id.startsWith('duplex_t');
    if (wanted && !wanted.includes(server.id) && !(isDuplex && wanted.includes('duplex'))) continue;
    if (isDuplex && paths.duplexStatus !== 'built') {
      skipped.push({ id: server.id, reason: paths.duplexStatus });
    } else if (!fs.existsSync(server.command)) {
      skipped.push({ id: server.id, reason: `${server.command} does not exist` });
    } else {
      servers.push(server);
    }
  }
  return { servers, skipped };
}

function supports(server, workload) {
  const only = workloads.list.find((w) => w.id === workload)?.servers;  // rows for some servers only
  if (only && !only.includes(server.threads ? 'duplex' : server.id)) return false;
  return server.workloads === 'all' || server.workloads.includes(workload);
}

// Starts the server on fresh ports and resolves once both ready lines are out. tls ({ cert, key }): both ports speak
// TLS (the demo's --tls-cert/--tls-key) and the ready lines say https:// and wss://.
async function launch(server, { staticDir, cpu, tls = null }) {
  const httpPort = await processes.freePort();
  const wsPort = await processes.freePort();
  const args = [...server.args, '--host', '127.0.0.1', '--http-port', String(httpPort), '--ws-port', String(wsPort),
    '--static', staticDir, '--quiet', ...(tls ? ['--tls-cert', tls.cert, '--tls-key', tls.key] : [])];
  const child = processes.start(server.command, args, { cpu });
  const s = tls ? 's' : '';
  try {
    await processes.waitForOutput(child, [
      `HTTP listening on http${s}://127.0.0.1:${httpPort}`,
      `WebSocket listening on ws${s}://127.0.0.1:${wsPort}`,
    ], 15000);
  } catch (e) {
    await processes.stop(child, 1000);
    throw new Error(`${server.label} did not start: ${e.message}`);
  }
  return { child, pid: child.pid, httpPort, wsPort };
}

module.exports = { labels, available, supports, launch };

// The workloads of issue 7 and how each is measured. HTTP ones use wrk (one thread, keep-alive); WebSocket ones use
// our loadgen. Both run pinned to the load core. Server CPU per operation is the server's utime + stime delta over
// the measured window divided by the operations completed in it.
'use strict';

const http = require('http');
const https = require('https');
const zlib = require('zlib');
const procstat = require('./procstat');
const processes = require('./processes');
const tlsWorkloads = require('./tls_workloads');
const redisWorkloads = require('./redis_workloads');

const list = [
  { id: 'http_hello', title: 'GET /api/hello/bench (JSON)', tool: 'wrk', path: '/api/hello/bench', connections: 100,
    unit: 'req/s', check: (body) => body.toString() === '{"hello":"bench"}' },
  // The hello route behind duplex::session, with a valid session cookie (taken from a first visit): the cookie's
  // signature checked, the session loaded, touched and its cookie re-sent on every request. duplex only: the
  // target compares it with duplex's own http_hello.
  { id: 'http_hello_session', title: 'GET /api/session/hello/bench (session middleware, signed cookie)', tool: 'wrk',
    path: '/api/session/hello/bench', connections: 100, unit: 'req/s', session: true, servers: ['duplex'],
    check: (body) => body.toString() === '{"hello":"bench"}' },
  { id: 'http_index', title: 'GET / (static index.html)', tool: 'wrk', path: '/', connections: 100,
    unit: 'req/s', check: (body, ctx) => body.equals(ctx.files.index) },
  // The same index coded: from duplex's file cache (the coded form is made once), from express + compression (coded
  // on every request). The probe must see gzip: a server answering identity fast must not score.
  { id: 'http_index_gzip', title: 'GET / with Accept-Encoding: gzip (index.html coded)', tool: 'wrk', path: '/',
    connections: 100, unit: 'req/s', headers: { 'Accept-Encoding': 'gzip' },
    check: (body, ctx, res) => res.headers['content-encoding'] === 'gzip' && zlib.gunzipSync(body).equals(ctx.files.index) },
  { id: 'http_1mib', title: 'GET /big.bin (1 MiB static file)', tool: 'wrk', path: '/big.bin', connections: 10,
    unit: 'req/s', check: (body, ctx) => body.equals(ctx.files.big) },
  // 1 MiB + 1 B, over duplex's per-file cache limit: read from the page cache per request (duplex on its thread
  // pool, uWebSockets.js with readFileSync), not served from memory.
  { id: 'http_1mib_disk', title: 'GET /big-disk.bin (1 MiB + 1 B static file, read per request)', tool: 'wrk',
    path: '/big-disk.bin', connections: 10, unit: 'req/s', check: (body, ctx) => body.equals(ctx.files.bigDisk) },
  { id: 'ws_echo_32', title: 'WS echo, 32 B x 100 connections', tool: 'loadgen', path: '/echo', unit: 'msgs/s',
    args: ['echo', '-c', '100', '-s', '32', '-k', '1'] },
  { id: 'ws_echo_16k', title: 'WS echo, 16 KiB x 10 connections', tool: 'loadgen', path: '/echo', unit: 'msgs/s',
    args: ['echo', '-c', '10', '-s', '16384', '-k', '1'] },
  { id: 'ws_idle_10k', title: 'Idle memory, 10,000 WS connections', tool: 'idle', path: '/echo', unit: 'B/conn',
    lowerIsBetter: true, args: ['idle', '-c', '10000', '--sources', '4', '--prewarm', '200', '--settle', '0.5', '-d', '0.1'] },
  { id: 'ws_connect', title: 'WS connect + handshake + close', tool: 'loadgen', path: '/echo', unit: 'conns/s',
    args: ['connect', '-c', '50', '--sources', '8'] },
  { id: 'ws_fanout_1k', title: 'WS fan-out to 1,000 subscribers', tool: 'loadgen', path: '/ws', unit: 'deliveries/s',
    args: ['fanout', '-c', '1000', '-s', '32', '--window', '32'] },
  ...redisWorkloads.list,
];
list.push(...tlsWorkloads.twins(list));  // https_hello, wss_echo_32, wss_connect, wss_idle_10k (tls: true)

// GET once through Node's client and check the body: a server answering the wrong thing fast must not score.
// tls: over https (the run's own certificate, not verified).
function probe(port, urlPath, headers = {}, tls = false) {
  return new Promise((resolve, reject) => {
    const get = tls ? https.get : http.get;
    const req = get({ host: '127.0.0.1', port, path: urlPath, headers, agent: false, timeout: 5000,
      rejectUnauthorized: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks), headers: res.headers,
        setCookie: res.headers['set-cookie'] }));
    });
    req.on('timeout', () => req.destroy(new Error('probe timed out')));
    req.on('error', reject);
  });
}

// "1.23ms" -> microseconds
function toMicros(text) {
  const m = /^([\d.]+)(us|ms|s)$/.exec(text);
  if (!m) return NaN;
  return Number(m[1]) * { us: 1, ms: 1e3, s: 1e6 }[m[2]];
}

function parseWrk(output) {
  const number = (re) => { const m = re.exec(output); return m ? Number(m[1]) : NaN; };
  const latency = (p) => { const m = new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm').exec(output); return m ? toMicros(m[1]) : NaN; };
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const transfer = /Transfer\/sec:\s+([\d.]+)(\w+)/.exec(output);
  const mb = transfer ? Number(transfer[1]) * { B: 1e-6, KB: 1024 / 1e6, MB: 1048576 / 1e6, GB: 1073741824 / 1e6 }[transfer[2]] : NaN;
  return {
    requests: number(/(\d+) requests in/),
    perSecond: number(/Requests\/sec:\s+([\d.]+)/),
    mbPerS: mb,
    p50Us: latency(50),
    p99Us: latency(99),
    errors: (socketErrors ? socketErrors.slice(1).reduce((a, b) => a + Number(b), 0) : 0) +
      (number(/Non-2xx or 3xx responses: (\d+)/) || 0),
  };
}

// A session workload's cookie: the first visit creates the session; the second, with its cookie, must load it (and
// set no new session). Returns wrk's header arguments.
async function sessionHeaders(port, workload) {
  const first = await probe(port, workload.path);
  const line = (first.setCookie || [])[0];
  if (!line) throw new Error(`GET ${workload.path} set no session cookie`);
  const cookie = line.split(';')[0];
  const again = await probe(port, workload.path, { Cookie: cookie });
  const same = (again.setCookie || []).length === 1 && again.setCookie[0].split(';')[0] === cookie;
  if (!same) throw new Error(`GET ${workload.path} with the session cookie did not keep the session`);
  return ['-H', `Cookie: ${cookie}`];
}

async function runWrk(workload, server, ctx) {
  const port = server.httpPort;
  const answer = await probe(port, workload.path, workload.headers, workload.tls);
  if (answer.status !== 200 || !workload.check(answer.body, ctx, answer)) {
    throw new Error(`GET ${workload.path} answered ${answer.status} with an unexpected body`);
  }
  const headers = workload.session ? await sessionHeaders(port, workload) : [];
  const url = `${workload.tls ? 'https' : 'http'}://127.0.0.1:${port}${workload.path}`;
  const headerArgs = Object.entries(workload.headers || {}).flatMap(([name, value]) => ['-H', `${name}: ${value}`]);
  const wrk = (seconds, extra) => processes.run('wrk', ['-t1', `-c${workload.connections}`, `-d${seconds}s`,
    ...headerArgs, ...headers, ...extra, url],
    { cpu: ctx.loadCpu, timeoutMs: (seconds + 30) * 1000 });
  // wrk takes whole seconds only.
  await wrk(Math.max(1, Math.round(ctx.warmup)), []);
  const seconds = Math.max(1, Math.round(ctx.duration));
  const cpu0 = procstat.cpuMicros(server.pid);
  const load0 = procstat.reapedChildrenCpuMicros();
  const t0 = process.hrtime.bigint();
  const result = await wrk(seconds, ['--latency']);
  const wallUs = Number(process.hrtime.bigint() - t0) / 1e3;
  const serverUs = procstat.cpuMicros(server.pid) - cpu0;
  const loadUs = procstat.reapedChildrenCpuMicros() - load0;
  if (result.code !== 0) throw new Error(`wrk failed: ${result.errors.trim()}`);
  const w = parseWrk(result.output);
  return {
    value: w.perSecond, ops: w.requests, errors: w.errors, mbPerS: w.mbPerS, p50Us: w.p50Us, p99Us: w.p99Us,
    cpuUsPerOp: serverUs / w.requests, serverCpuPct: (100 * serverUs) / wallUs, loadCpuPct: (100 * loadUs) / wallUs,
  };
}

async function runLoadgen(workload, server, ctx) {
  // A server may reach the workload at a path of its own and need more arguments (redis_workloads.js).
  const url = `${workload.tls ? 'wss' : 'ws'}://127.0.0.1:${server.wsPort}${server.path ?? workload.path}`;
  const args = [...workload.args, ...(server.loadgenArgs || []), '--url', url, '--server-pid', String(server.pid)];
  if (workload.tool !== 'idle') args.push('-d', String(ctx.duration), '-w', String(ctx.warmup));
  const result = await processes.run(ctx.paths.loadgen, args,
    { cpu: ctx.loadCpu, timeoutMs: (ctx.duration + ctx.warmup + 90) * 1000 });
  const line = result.output.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (!line) throw new Error(`loadgen printed no result (exit ${result.code}): ${result.errors.trim()}`);
  const r = JSON.parse(line);
  if (r.error) throw new Error(`loadgen: ${r.error}`);
  const sample = {
    errors: r.errors, loadCpuPct: r.load_cpu_pct, serverCpuPct: r.server_cpu_pct, cpuUsPerOp: r.server_cpu_us_per_op,
    p50Us: r.p50_us, p99Us: r.p99_us, mbPerS: r.mb_per_s,
  };
  if (workload.tool === 'idle') {
    return { ...sample, value: r.bytes_per_conn, rssPerConn: r.rss_bytes_per_conn, openSeconds: r.open_seconds, ops: r.opened };
  }
  const ops = r.messages ?? r.cycles ?? r.deliveries;
  return { ...sample, value: r.msgs_per_s ?? r.conns_per_s, ops };
}

// Measures one workload against one running server. Throws when the run is not valid.
async function measure(workload, server, ctx) {
  const sample = workload.tool === 'wrk' ? await runWrk(workload, server, ctx) : await runLoadgen(workload, server, ctx);
  if (sample.errors > 0) throw new Error(`${sample.errors} errors during the run`);
  if (!Number.isFinite(sample.value)) throw new Error('no result');
  return sample;
}

module.exports = { list, measure };

// The soak test (bench/soak): the release demo under a mixed load for a long time, its RSS, open descriptors and
// /api/stats (and /metrics when the demo serves it) sampled every 10 s. Fails when any answer is wrong, or when
// memory or descriptors grow after the first minute beyond the tolerance below. Writes soak.md, soak.png and
// samples.tsv into --out.
//
// The load, each in rounds until the end (a round's tool checks its own answers):
//   HTTP hello and static index (wrk, checked first by a probe; any non-2xx or socket error is wrong),
//   pipelined bursts (16 requests in one write, each answer checked), WebSocket echo, chat fan-out on /ws and
//   connect/close churn (loadgen: exit status 0 only when every message and handshake behaved), slow readers
//   (WebSockets on /ws that read nothing for a while, then leave) and vanishing peers (half a request or a
//   handshake, then a reset).
'use strict';

const fs = require('fs');
const net = require('net');
const path = require('path');
const procstat = require('./procstat');
const processes = require('./processes');
const servers = require('./servers');

// The most connections the load below holds at once: wrk 16 + 16, a pipelined burst 1, echo 20, fan-out 50 and
// its publisher, churn 8, slow readers 4, a vanishing peer 1.
const LOAD_CONNECTIONS = 16 + 16 + 1 + 20 + 51 + 8 + 4 + 1;

// RSS: growth allowed after the baseline (the first sample at one minute, or a third of a shorter run). Open fds:
// the load opens and closes connections all the time, so one sample under load says little (a sample between two
// rounds sees few); what the count may never pass is the fds at rest plus every connection the load can hold,
// with room for the ones still closing. After the load, at rest, every connection of the load must be gone.
const TOLERANCE = {
  rssBytes: (base) => base * 0.10 + 16 * 1048576,  // 10% + 16 MiB: allocator noise, not a leak
  fdsLoaded: LOAD_CONNECTIONS + 32,
  fdsQuiet: 4,
};

function parseOptions(argv) {
  const o = { duration: 1800, interval: 10, repo: null, buildDir: null, out: null };
  for (let i = 0; i < argv.length; i++) {
    const next = () => argv[++i];
    switch (argv[i]) {
      case '--duration': o.duration = Number(next()); break;
      case '--interval': o.interval = Number(next()); break;
      case '--repo': o.repo = next(); break;
      case '--build-dir': o.buildDir = next(); break;
      case '--out': o.out = next(); break;
      default: throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  if (!(o.duration > 0) || !o.repo || !o.buildDir || !o.out) throw new Error('usage: soak.js --duration S --repo DIR --build-dir DIR --out DIR');
  return o;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// One HTTP GET on a fresh connection, through Node's client.
function get(port, urlPath) {
  return new Promise((resolve, reject) => {
    const req = require('http').get({ host: '127.0.0.1', port, path: urlPath, agent: false, timeout: 10000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${urlPath} timed out`)));
    req.on('error', reject);
  });
}

// A raw TCP exchange: writes `bytes`, resolves with everything read until `done(buffer)` is true, or rejects.
function exchange(port, bytes, done, timeoutMs = 10000) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    const timer = setTimeout(() => { socket.destroy(); reject(new Error('no complete answer in time')); }, timeoutMs);
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (d) => {
      data = Buffer.concat([data, d]);
      if (done(data)) { clearTimeout(timer); socket.end(); resolve(data); }
    });
    socket.on('error', (e) => { clearTimeout(timer); reject(e); });
    socket.on('close', () => { clearTimeout(timer); if (!done(data)) reject(new Error('closed before the answer')); });
  });
}

function wsHandshake(target) {
  return `GET ${target} HTTP/1.1\r\nHost: soak\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n';
}

// The workers: each returns a function running one round and resolving to the operations it completed; a wrong
// answer throws.
function workers(ctx) {
  const { demo, paths, indexHtml } = ctx;
  const wrk = async (urlPath, check) => {
    const probe = await get(demo.httpPort, urlPath);
    if (probe.status !== 200 || !check(probe.body)) throw new Error(`GET ${urlPath}: ${probe.status}, wrong body`);
    const r = await processes.run('wrk', ['-t1', '-c16', '-d10s', `http://127.0.0.1:${demo.httpPort}${urlPath}`],
      { timeoutMs: 40000 });
    const requests = Number((/(\d+) requests in/.exec(r.output) || [])[1]);
    const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(r.output);
    const socketErrors = /Socket errors: (.*)/.exec(r.output);
    if (r.code !== 0 || !(requests > 0) || non2xx || socketErrors) {
      throw new Error(`wrk ${urlPath}: ${non2xx ? `${non2xx[1]} non-2xx` : ''} ${socketErrors ? socketErrors[1] : ''} ${r.errors}`.trim());
    }
    return requests;
  };
  const loadgen = async (args, urlPath) => {
    const r = await processes.run(paths.loadgen, [...args, '--url', `ws://127.0.0.1:${demo.wsPort}${urlPath}`,
      '-d', '10', '-w', '0'], { timeoutMs: 90000 });
    const line = r.output.trim().split('\n').filter((l) => l.startsWith('{')).pop();
    const result = line ? JSON.parse(line) : { error: r.errors.trim() };
    if (r.code !== 0 || result.error || result.errors) {
      throw new Error(`loadgen ${args[0]} ${urlPath}: exit ${r.code}, ${result.error || `${result.errors} errors`}`);
    }
    return result.messages ?? result.cycles ?? result.deliveries;
  };
  return {
    http_hello: () => wrk('/api/hello/soak', (b) => b.toString() === '{"hello":"soak"}'),
    http_static: () => wrk('/index.html', (b) => b.equals(indexHtml)),
    pipelined: async () => {
      let ops = 0;
      for (let burst = 0; burst < 50; burst++) {
        const names = Array.from({ length: 16 }, (_, i) => `p${burst}-${i}`);
        const bytes = names.map((n) => `GET /api/hello/${n} HTTP/1.1\r\nHost: soak\r\n\r\n`).join('');
        const expected = names.map((n) => `{"hello":"${n}"}`);
        const text = (await exchange(demo.httpPort, bytes,
          (d) => d.toString().split('HTTP/1.1 200 OK').length - 1 === 16 && d.toString().endsWith(expected[15]))).toString();
        let at = 0;
        for (const body of expected) {
          at = text.indexOf(body, at);
          if (at < 0) throw new Error(`pipelined burst: "${body}" missing or out of order`);
        }
        ops += 16;
        await sleep(100);
      }
      return ops;
    },
    ws_echo: () => loadgen(['echo', '-c', '20', '-s', '64', '-k', '1'], '/echo'),
    chat_fanout: () => loadgen(['fanout', '-c', '50', '-s', '32', '--window', '8'], '/ws'),
    churn: () => loadgen(['connect', '-c', '8'], '/echo'),
    slow_readers: async () => {
      // Four /ws clients that never read while the chat fan-out fills their queues, then leave.
      const sockets = await Promise.all(Array.from({ length: 4 }, () => new Promise((resolve, reject) => {
        const s = net.connect(ctx.demo.wsPort, '127.0.0.1', () => { s.write(wsHandshake('/ws')); s.pause(); resolve(s); });
        s.on('error', reject);
      })));
      await sleep(8000);
      for (const s of sockets) s.destroy();
      return sockets.length;
    },
    vanishing: async () => {
      let ops = 0;
      for (let i = 0; i < 20; i++) {
        const half = i % 2 === 0 ? 'GET /api/hello/gone HTTP/1.1\r\nHo' : wsHandshake('/echo').slice(0, 40);
        const port = i % 2 === 0 ? demo.httpPort : demo.wsPort;
        await new Promise((resolve) => {
          const s = net.connect(port, '127.0.0.1', () => { s.write(half); setTimeout(() => { s.resetAndDestroy(); resolve(); }, 20); });
          s.on('error', resolve);
        });
        ops++;
        await sleep(200);
      }
      return ops;
    },
  };
}

function fdCount(pid) {
  return fs.readdirSync(`/proc/${pid}/fd`).length;
}

async function sample(demo, t0) {
  const s = { t: (Date.now() - t0) / 1000, rss: procstat.rssBytes(demo.pid), fds: fdCount(demo.pid) };
  try {
    const stats = JSON.parse((await get(demo.httpPort, '/api/stats')).body.toString());
    Object.assign(s, { http_requests: stats.http_requests, ws_connections: stats.ws_connections, ws_messages: stats.ws_messages });
  } catch (e) {
    s.error = `/api/stats: ${e.message}`;
  }
  try {
    const metrics = await get(demo.httpPort, '/metrics');
    if (metrics.status === 200) s.metrics_lines = metrics.body.toString().split('\n').filter((l) => l && !l.startsWith('#')).length;
  } catch { /* no /metrics in this build */ }
  return s;
}

const mib = (b) => (b / 1048576).toFixed(1);

function judge(samples, quietBefore, quietAfter, duration) {
  const baseAt = Math.min(60, duration / 3);
  const base = samples.find((s) => s.t >= baseAt) || samples[0];
  const later = samples.filter((s) => s.t > base.t);
  const maxRss = Math.max(base.rss, ...later.map((s) => s.rss));
  const maxFds = Math.max(...samples.map((s) => s.fds));
  const problems = [];
  if (maxRss - base.rss > TOLERANCE.rssBytes(base.rss)) {
    problems.push(`RSS grew from ${mib(base.rss)} MiB at ${base.t.toFixed(0)} s to ${mib(maxRss)} MiB`);
  }
  if (maxFds - quietBefore.fds > TOLERANCE.fdsLoaded) {
    problems.push(`${maxFds} fds open under load: more than the ${quietBefore.fds} at rest + ${TOLERANCE.fdsLoaded}`);
  }
  if (quietAfter.fds - quietBefore.fds > TOLERANCE.fdsQuiet) {
    problems.push(`${quietAfter.fds} fds open at rest after the load, ${quietBefore.fds} before it`);
  }
  return { base, maxRss, maxFds, problems };
}

function plot(out, samples) {
  const data = path.join(out, 'samples.tsv');
  fs.writeFileSync(data, ['# t_s\trss_mib\tfds\thttp_requests\tws_messages',
    ...samples.map((s) => [s.t.toFixed(1), mib(s.rss), s.fds, s.http_requests ?? '', s.ws_messages ?? ''].join('\t'))].join('\n') + '\n');
  const script = [
    'set terminal pngcairo size 900,420 font ",10"', `set output "${path.join(out, 'soak.png')}"`,
    'set title "duplex demo under the soak load"', 'set xlabel "seconds"', 'set ylabel "RSS (MiB)"',
    'set y2label "open fds"', 'set ytics nomirror', 'set y2tics', 'set yrange [0:*]', 'set y2range [0:*]',
    'set key bottom right', 'set grid',
    `plot "${data}" using 1:2 with linespoints title "RSS", "${data}" using 1:3 axes x1y2 with linespoints title "open fds"`,
  ].join('; ');
  return processes.run('gnuplot', ['-e', script], { timeoutMs: 30000 });
}

function report(o, ctx, rounds, samples, verdict, failures, quiet) {
  const rows = Object.entries(rounds).map(([name, r]) => `| ${name} | ${r.rounds} | ${r.ops} | ${r.failures} |`);
  const sampleRows = samples.map((s) => `| ${s.t.toFixed(0)} | ${mib(s.rss)} | ${s.fds} | ${s.http_requests ?? '-'} | ` +
    `${s.ws_connections ?? '-'} | ${s.ws_messages ?? '-'} | ${s.metrics_lines ?? '-'} |`);
  return [
    '# Soak: the release demo under a mixed load', '',
    `${new Date().toISOString()}, ${o.duration} s, samples every ${o.interval} s; load average at the end ` +
      `${procstat.loadAverage()}; ${require('os').cpus().length} CPUs (shared with whatever else runs).`, '',
    `**Result: ${failures.length === 0 && verdict.problems.length === 0 ? 'PASS' : 'FAIL'}**`, '',
    ...verdict.problems.map((p) => `- growth: ${p}`), ...failures.slice(0, 20).map((f) => `- wrong answer: ${f}`),
    '', '## Tolerance', '',
    `Baseline: the sample at ${verdict.base.t.toFixed(0)} s (the first minute, or a third of a shorter run): ` +
      `RSS ${mib(verdict.base.rss)} MiB, ${verdict.base.fds} fds. After it, RSS may rise at most 10% + 16 MiB ` +
      `(highest: ${mib(verdict.maxRss)} MiB). Open fds under load at most ${TOLERANCE.fdsLoaded} over the count at ` +
      `rest (the load's ${LOAD_CONNECTIONS} connections + 32 closing; highest: ${verdict.maxFds}); ` +
      `at rest after the load at most ${TOLERANCE.fdsQuiet} more than at rest before it ` +
      `(${quiet.before.fds} before, ${quiet.after.fds} after; RSS ${mib(quiet.before.rss)} -> ${mib(quiet.after.rss)} MiB).`,
    '', '## Load', '', '| worker | rounds | operations | failed rounds |', '|---|---:|---:|---:|', ...rows,
    '', '## Samples', '', '![RSS and open fds](soak.png)', '',
    '| t (s) | RSS (MiB) | fds | http_requests | ws_connections | ws_messages | /metrics series |',
    '|---:|---:|---:|---:|---:|---:|---:|', ...sampleRows, '',
  ].join('\n');
}

async function main() {
  const o = parseOptions(process.argv.slice(2));
  fs.mkdirSync(o.out, { recursive: true });
  const paths = { loadgen: path.join(o.buildDir, 'loadgen'), demo: path.join(o.repo, 'build-release/apps/demo/demo') };
  const staticDir = path.join(o.repo, 'static');
  const demo = await servers.launch({ label: 'duplex demo', command: paths.demo, args: [] }, { staticDir });
  const ctx = { demo, paths, indexHtml: fs.readFileSync(path.join(staticDir, 'index.html')) };
  const t0 = Date.now();
  const end = t0 + o.duration * 1000;
  const quietBefore = await sample(demo, t0);
  const samples = [];
  const failures = [];
  const rounds = {};
  const runWorker = async (name, round) => {
    rounds[name] = { rounds: 0, ops: 0, failures: 0 };
    while (Date.now() < end) {
      try {
        rounds[name].ops += await round();
      } catch (e) {
        rounds[name].failures++;
        failures.push(`${name} at ${((Date.now() - t0) / 1000).toFixed(0)} s: ${e.message}`);
        await sleep(1000);
      }
      rounds[name].rounds++;
    }
  };
  const sampler = (async () => {
    while (Date.now() < end) {
      const s = await sample(demo, t0);
      if (s.error) failures.push(`sample at ${s.t.toFixed(0)} s: ${s.error}`);
      samples.push(s);
      console.log(`soak: ${s.t.toFixed(0)} s  RSS ${mib(s.rss)} MiB  fds ${s.fds}  http ${s.http_requests}  ws msgs ${s.ws_messages}`);
      await sleep(Math.max(0, Math.min(o.interval * 1000, end - Date.now())));
    }
  })();
  await Promise.all([sampler, ...Object.entries(workers(ctx)).map(([name, round]) => runWorker(name, round))]);
  // At rest: closes the load started have finished (close handshakes, lingering HTTP connections).
  await sleep(3000);
  const quietAfter = await sample(demo, t0);
  samples.push(quietAfter);
  const stopped = await processes.stop(demo.child, 10000);
  if (stopped.killed || stopped.code !== 0) failures.push(`the demo did not stop cleanly on SIGTERM (${processes.describeExit(stopped)})`);
  const verdict = judge(samples.slice(0, -1), quietBefore, quietAfter, o.duration);
  const plotted = await plot(o.out, samples);
  if (plotted.code !== 0) console.log(`soak: gnuplot failed: ${plotted.errors.trim()}`);
  fs.writeFileSync(path.join(o.out, 'soak.md'), report(o, ctx, rounds, samples, verdict,
    failures, { before: quietBefore, after: quietAfter }));
  for (const p of [...verdict.problems, ...failures]) console.log(`soak: FAIL ${p}`);
  const ok = failures.length === 0 && verdict.problems.length === 0;
  console.log(`soak: ${ok ? 'PASS' : 'FAIL'}; report in ${path.join(o.out, 'soak.md')}`);
  process.exitCode = ok ? 0 : 1;
}

process.on('SIGINT', () => { processes.killAll(); process.exit(130); });
main().catch((e) => {
  console.error(`soak: ${e.stack || e.message}`);
  processes.killAll();
  process.exit(1);
});

// bench/run's driver (bench/run builds, then hands over here): starts every server fresh for every measurement,
// runs each workload against each server in alternation, and writes bench/results/latest.{md,json} and the plots.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const processes = require('./processes');
const procstat = require('./procstat');
const servers = require('./servers');
const workloads = require('./workloads');
const tlsWorkloads = require('./tls_workloads');
const { summarize } = require('./stats');
const { judge } = require('./targets');
const report = require('./report');
const plots = require('./plots');

function parseOptions(argv) {
  // serverCpus / loadCpus: taskset core lists ("0", "0-3", "0,2"); threads: duplex's loop thread counts, one server
  // row each (duplex, duplex_t2, ...).
  const o = { reps: 5, warmup: 1, duration: 4, only: null, servers: null, out: path.join(__dirname, '..', 'results'),
    serverCpus: '0', loadCpus: '1', threads: [1],
    repo: path.join(__dirname, '..', '..'), buildDir: null, duplexStatus: 'not built', userArgs: [] };
  const internal = new Set(['--repo', '--build-dir', '--duplex-status']);
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--quick') {
      Object.assign(o, { reps: 3, warmup: 0.5, duration: 1 });
      o.userArgs.push(flag);
      continue;
    }
    const value = argv[++i];
    if (value === undefined) throw new Error(`missing value after ${flag}`);
    if (!internal.has(flag)) o.userArgs.push(flag, value);
    if (flag === '--reps') o.reps = Number(value);
    else if (flag === '--warmup') o.warmup = Number(value);
    else if (flag === '--duration') o.duration = Number(value);
    else if (flag === '--only') o.only = value.split(',');
    else if (flag === '--servers') o.servers = value.split(',');
    else if (flag === '--out') o.out = path.resolve(value);
    else if (flag === '--server-cpus') o.serverCpus = value;
    else if (flag === '--load-cpus') o.loadCpus = value;
    else if (flag === '--threads') o.threads = value.split(',').map(Number);
    else if (flag === '--repo') o.repo = value;
    else if (flag === '--build-dir') o.buildDir = value;
    else if (flag === '--duplex-status') o.duplexStatus = value;
    else throw new Error(`unknown option ${flag}`);
  }
  if (!(o.reps >= 1 && o.duration > 0 && o.warmup >= 0)) throw new Error('--reps, --duration and --warmup need positive values');
  if (!o.threads.every((n) => Number.isInteger(n) && n >= 1)) throw new Error('--threads takes a list of counts: 1,2,4');
  return o;
}

// A deterministic static dir: a ~2 KiB index.html, a 1 MiB file of pseudo-random bytes, and the same plus one byte
// (just over duplex's 1 MiB cache_file_bytes: read from disk, the page cache, on every request).
function makeStaticDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duplex-bench-static-'));
  const rows = Array.from({ length: 24 }, (_, i) => `    <li>Item ${i}: a line of text to give the page a realistic size.</li>`);
  const index = Buffer.from(`<!doctype html>\n<html lang="en">\n<head>\n  <meta charset="utf-8">\n  <title>duplex bench</title>\n` +
    `</head>\n<body>\n  <h1>duplex bench</h1>\n  <ul>\n${rows.join('\n')}\n  </ul>\n</body>\n</html>\n`);
  const big = Buffer.alloc(1 << 20);
  let x = 2463534242;
  for (let i = 0; i < big.length; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    big[i] = x & 0xff;
  }
  fs.writeFileSync(path.join(dir, 'index.html'), index);
  fs.writeFileSync(path.join(dir, 'big.bin'), big);
  const bigDisk = Buffer.concat([big, Buffer.from('\n')]);
  fs.writeFileSync(path.join(dir, 'big-disk.bin'), bigDisk);
  return { dir, files: { index, big, bigDisk } };
}

function describeMachine(o) {
  const sh = (cmd, args) => {
    try {
      return execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString().trim();
    } catch (e) {
      return (e.stdout || '').toString().trim() || 'unknown';  // wrk -v prints its version, then exits 1
    }
  };
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  const dirty = sh('git', ['-C', o.repo, 'status', '--porcelain']) !== '' ? ' (with uncommitted changes)' : '';
  return {
    args: o.userArgs, date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    commit: sh('git', ['-C', o.repo, 'rev-parse', '--short', 'HEAD']) + dirty,
    cpu: (/model name\s*:\s*(.*)/.exec(cpuinfo) || [])[1] || 'unknown CPU', cores: os.cpus().length, kernel: os.release(),
    node: process.version, wrk: sh('wrk', ['-v']).split('\n')[0].split(' Copyright')[0] || 'wrk',
    reps: o.reps, warmup: o.warmup, duration: o.duration, serverCpu: o.serverCpus, loadCpu: o.loadCpus,
    threads: o.threads, loadStart: procstat.loadAverage(),
  };
}

async function main() {
  const o = parseOptions(process.argv.slice(2));
  const paths = {
    demo: path.join(o.repo, 'build-release', 'apps', 'demo', 'demo'),
    raw: path.join(o.buildDir, 'raw_server'),
    loadgen: path.join(o.buildDir, 'loadgen'),
    duplexStatus: o.duplexStatus,
  };
  const { servers: chosen, skipped } = servers.available(paths, o.servers, o.threads);
  const chosenWorkloads = workloads.list.filter((w) => !o.only || o.only.includes(w.id));
  const meta = describeMachine(o);
  const statics = makeStaticDir();
  const certs = chosenWorkloads.some((w) => w.tls) ? tlsWorkloads.makeCerts(o.repo) : null;
  const cleanup = () => { fs.rmSync(statics.dir, { recursive: true, force: true }); tlsWorkloads.removeCerts(certs); };
  process.on('SIGINT', () => { processes.killAll(); cleanup(); process.exit(130); });
  process.on('SIGTERM', () => { processes.killAll(); cleanup(); process.exit(143); });

  for (const s of skipped) console.log(`skipping ${s.id}: ${s.reason}`);
  const plan = [];
  for (let rep = 0; rep < o.reps; rep++) {
    for (const w of chosenWorkloads) {
      const eligible = chosen.filter((s) => servers.supports(s, w.id));
      // Rotate the order each repetition so no server always runs first (or right after a heavy one).
      for (let i = 0; i < eligible.length; i++) plan.push({ rep, workload: w, server: eligible[(i + rep) % eligible.length] });
    }
  }
  console.log(`${plan.length} runs: ${chosen.map((s) => s.label).join(', ')} x ${chosenWorkloads.length} workloads x ${o.reps} repetitions`);

  const ctx = { paths, files: statics.files, loadCpu: o.loadCpus, warmup: o.warmup, duration: o.duration };
  const samples = [];
  const started = Date.now();
  for (const [i, step] of plan.entries()) {
    const record = { workload: step.workload.id, server: step.server.id, rep: step.rep };
    let running = null;
    try {
      // A workload with processes of its own (redis_fanout: Redis and a second server) launches them itself.
      running = await (step.workload.launch || servers.launch)(step.server, { staticDir: statics.dir, cpu: o.serverCpus,
        tls: step.workload.tls ? certs : null });
      Object.assign(record, await workloads.measure(step.workload, running, ctx), { ok: true });
    } catch (e) {
      Object.assign(record, { ok: false, error: e.message });
    }
    if (running) {
      // A server that died mid-run fails the run whatever the load tool saw, and says how it died. After a failure,
      // give its exit a moment to be noticed: it may have died just before the load tool gave up.
      if (!record.ok) await processes.settle(running.child.exited, 500);
      if (running.child.exitInfo) {
        Object.assign(record, { ok: false, error: `the server died during the run (${processes.describeExit(running.child.exitInfo)})` });
      }
      const stopped = await processes.stop(running.child);
      record.shutdown = stopped.killed ? 'killed' : processes.describeExit(stopped);
      const lost = running.stopCompanions && await running.stopCompanions();
      if (lost) Object.assign(record, { ok: false, error: lost });
    }
    samples.push(record);
    const what = record.ok
      ? `${Math.round(record.value).toLocaleString('en-US')} ${step.workload.unit}` +
        (Number.isFinite(record.cpuUsPerOp) ? `, ${record.cpuUsPerOp.toFixed(2)} us/op` : '')
      : `FAILED: ${record.error.split('\n')[0]}`;
    console.log(`[${i + 1}/${plan.length} ${((Date.now() - started) / 1000).toFixed(0)}s] ${step.workload.id} ` +
      `${step.server.label} #${step.rep + 1}: ${what}`);
  }
  cleanup();
  meta.loadEnd = procstat.loadAverage();

  const summaries = summarize(samples);
  const targets = [...judge(summaries, servers.labels), ...tlsWorkloads.judge(summaries, servers.labels)];
  fs.mkdirSync(o.out, { recursive: true });
  const drawn = plots.draw({ outDir: o.out, workloads: chosenWorkloads, servers: chosen, summaries });
  fs.writeFileSync(path.join(o.out, 'latest.json'), JSON.stringify({ meta, skipped, samples }, null, 1) + '\n');
  fs.writeFileSync(path.join(o.out, 'latest.md'), report.render({
    meta, workloads: chosenWorkloads, servers: chosen, skipped, samples, summaries, targets, plots: drawn,
  }) + '\n');
  console.log('\nTargets:');
  for (const t of targets) console.log(`  ${t.status.padEnd(12)} ${t.text}: ${t.detail}`);
  console.log(`\nWrote ${path.join(o.out, 'latest.md')} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

main().catch((e) => {
  console.error(`bench: ${e.stack || e.message}`);
  processes.killAll();
  process.exit(1);
});

// Starting and stopping the processes of a run. Every process is started here, remembered by pid, and ended by
// that pid only (SIGTERM, then SIGKILL after a grace period); every wait has a deadline.
'use strict';

const { spawn } = require('child_process');
const net = require('net');

const live = new Map();  // pid -> ChildProcess

function start(command, args, { cpu, env } = {}) {
  const argv = cpu === undefined ? [command, ...args] : ['taskset', '-c', String(cpu), command, ...args];
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: env || process.env });
  // taskset execs the command, so the pid is the server's or the load tool's own.
  live.set(child.pid, child);
  child.exited = new Promise((resolve) => child.on('exit', (code, signal) => {
    live.delete(child.pid);
    child.exitInfo = { code, signal };
    resolve(child.exitInfo);
  }));
  child.on('error', () => live.delete(child.pid));
  child.output = '';
  child.errors = '';
  child.stdout.on('data', (d) => { child.output += d; });
  child.stderr.on('data', (d) => { child.errors += d; });
  return child;
}

// Waits for promise, at most ms; resolves to 'timeout' when it did not settle in time.
function withTimeout(promise, ms) {
  let timer;
  const timeout = new Promise((resolve) => { timer = setTimeout(() => resolve('timeout'), ms); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const stopGraceMs = 2000;

// Resolves to { code, signal, killed }: killed when SIGTERM was not enough within graceMs.
async function stop(child, graceMs = stopGraceMs) {
  if (!live.has(child.pid)) return { ...(await child.exited), killed: false };
  process.kill(child.pid, 'SIGTERM');
  let killed = false;
  if ((await withTimeout(child.exited, graceMs)) === 'timeout' && live.has(child.pid)) {
    process.kill(child.pid, 'SIGKILL');
    killed = true;
  }
  return { ...(await child.exited), killed };
}

// "exit code 1", "signal SIGPIPE": how a process ended, for messages.
function describeExit({ code, signal }) {
  return signal ? `signal ${signal}` : `exit code ${code}`;
}

// Resolves when every pattern has appeared on stdout; rejects on exit or after timeoutMs.
function waitForOutput(child, patterns, timeoutMs) {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (patterns.every((p) => child.output.includes(p))) {
        cleanup();
        resolve();
      }
    };
    const onExit = () => { cleanup(); reject(new Error(`exited before printing: ${patterns.join(', ')}\n${child.errors}`)); };
    const timer = setTimeout(() => { cleanup(); reject(new Error(`no "${patterns.join('", "')}" within ${timeoutMs} ms`)); }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout.off('data', check);
      child.off('exit', onExit);
    };
    child.stdout.on('data', check);
    child.on('exit', onExit);
    check();
  });
}

// Runs a command to completion (killed after timeoutMs) and returns { code, output, errors }.
async function run(command, args, { cpu, timeoutMs }) {
  const child = start(command, args, { cpu });
  if ((await withTimeout(child.exited, timeoutMs)) === 'timeout') {
    await stop(child, 1000);
    return { code: null, output: child.output, errors: `${child.errors}\ntimed out after ${timeoutMs} ms` };
  }
  const { code } = await child.exited;
  return { code, output: child.output, errors: child.errors };
}

// A port that was free a moment ago on 127.0.0.1 (the kernel picks it).
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// Ends whatever is still running: called when the runner itself is interrupted.
function killAll() {
  for (const pid of live.keys()) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
  }
}

module.exports = { stopGraceMs, start, stop, describeExit, run, waitForOutput, freePort, killAll, settle: withTimeout };

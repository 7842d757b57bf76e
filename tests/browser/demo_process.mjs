// Runs the demo binary for the browser test: starts it on port 0, learns the real ports from its
// "listening" lines, keeps its output for the artifacts, and stops it by pid with SIGTERM.
// One DemoProcess per test run; used from the test's single async flow only. driveDemo is the frame around a test's
// checks: Chromium up, the checks, then everything closed and the demo's output saved.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import readline from 'node:readline';
import { withBrowser } from './check_run.mjs';

const HTTP_LINE = /HTTP listening on https?:\/\/\S+:(\d+)/;
const WS_LINE = /WebSocket listening on wss?:\/\/\S+:(\d+)/;
export const EXIT_MS = 5_000;
const LOG_LINES = 1000; // the demo's last lines kept in the artifacts (a load test logs every request)

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export class DemoProcess {
  // extraArgs: more flags (the TLS test's --tls-cert / --tls-key).
  constructor(binary, staticDir, extraArgs = []) {
    this.output = []; // every line the demo printed, tagged with its stream
    this.child = spawn(binary,
      ['--host', '127.0.0.1', '--http-port', '0', '--ws-port', '0', '--static', staticDir, ...extraArgs],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => resolve({ code, signal }));
      // A binary that cannot be spawned never emits 'exit'.
      this.child.once('error', (error) => resolve({ code: null, signal: null, error }));
    });
    this.ports = new Promise((resolve, reject) => {
      const found = {};
      const onLine = (stream) => (line) => {
        this.output.push(`[${stream}] ${line}`);
        const http = HTTP_LINE.exec(line);
        const ws = WS_LINE.exec(line);
        if (http) found.http = Number(http[1]);
        if (ws) found.ws = Number(ws[1]);
        if (found.http && found.ws) resolve(found);
      };
      readline.createInterface({ input: this.child.stdout }).on('line', onLine('stdout'));
      readline.createInterface({ input: this.child.stderr }).on('line', onLine('stderr'));
      this.exited.then(({ code, signal, error }) => reject(new Error(error
        ? `cannot start the demo: ${error.message}`
        : `the demo exited (code ${code}, signal ${signal}) before printing both listening lines`)));
    });
    this.ports.catch(() => {}); // reported by waitForPorts; not an unhandled rejection meanwhile
  }

  // Resolves to {http, ws} once both listeners are announced; rejects on exit or timeout.
  waitForPorts(timeoutMs) {
    return withTimeout(this.ports, timeoutMs, 'waiting for the demo\'s listening lines');
  }

  get running() {
    return this.child.exitCode === null && this.child.signalCode === null && this.child.pid !== undefined;
  }

  // SIGTERM, then the exit status within timeoutMs; a demo that hangs is killed and reported.
  async stop(timeoutMs) {
    if (this.running) this.child.kill('SIGTERM');
    try {
      return await withTimeout(this.exited, timeoutMs, 'waiting for the demo to exit after SIGTERM');
    } catch (error) {
      this.child.kill('SIGKILL');
      throw error;
    }
  }
}

// The frame of a demo test in Chromium (see withBrowser): afterwards a demo still running is stopped and reported
// (each run ends with its own "exits 0 on SIGTERM" check) and the demo's output is written to `logFile`.
export async function driveDemo(checks, demo, { chromiumPath, chromiumArgs, logFile }, run) {
  await withBrowser(checks, { chromiumPath, chromiumArgs }, run, async () => {
    if (demo.running) {
      checks.fail('demo', 'still running at the end; stopping it');
      await demo.stop(EXIT_MS).catch(() => {});
    }
    fs.writeFileSync(logFile, demo.output.slice(-LOG_LINES).join('\n') + '\n');
  });
}

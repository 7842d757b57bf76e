// What every browser test here shares: its command line, Chromium's flags for this closed machine and its launch, the
// test servers' start, and a tiny check runner (named steps; a failure is recorded and the run goes on; the last line,
// "N passed, M failed", is what tests/run.sh counts) under a watchdog.
import { spawn } from 'node:child_process';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const STARTUP_MS = 10_000;

// The command line of a browser test: the string options `required` (each must be given) and `optional`
// ({name: default}, undefined for none), plus --chromium; without a required one, the usage goes to stderr and the
// process exits 2.
export function testOptions(usage, required, optional = {}) {
  const options = { chromium: { type: 'string', default: '/usr/bin/chromium' } };
  for (const name of required) options[name] = { type: 'string' };
  for (const [name, value] of Object.entries(optional)) {
    options[name] = value === undefined ? { type: 'string' } : { type: 'string', default: value };
  }
  const { values } = parseArgs({ options });
  if (required.some((name) => !values[name])) {
    console.error(`usage: ${usage} [--chromium <path>]`);
    process.exit(2);
  }
  return values;
}

// The first lines of what went wrong: Playwright appends a coloured call log.
function reason(error) {
  const message = String(error && error.message ? error.message : error).replace(/\x1b\[[0-9;]*m/g, '');
  return message.split('\n').filter((line) => line.trim() && line.trim() !== 'Call log:').slice(0, 2).join(' | ');
}

export function expect(condition, message) {
  if (!condition) throw new Error(message);
}

export class CheckRun {
  passed = 0;
  failed = 0;

  async check(name, body) {
    try {
      await body();
      this.passed += 1;
      console.log(`ok   ${name}`);
    } catch (error) {
      this.fail(name, error);
    }
  }

  // A failure outside a named check (setup, harness, the watchdog).
  fail(name, error) {
    this.failed += 1;
    console.log(`FAIL ${name}: ${reason(error)}`);
  }

  // The summary line; the exit status to end with.
  finish() {
    console.log(`${this.passed} passed, ${this.failed} failed`);
    return this.failed === 0 ? 0 : 1;
  }
}

// The ready-line parser of the test servers here: "name N" lines fill `found`, then "ready" ends the start.
export function namedPorts(line, found) {
  const [name, value] = line.split(' ');
  if (name === 'ready') return true;
  if (value) found[name] = Number(value);
  return false;
}

// The ready-line parser of an example: its "listening on http://127.0.0.1:PORT" line gives `found.port`.
export function listeningLine(line, found) {
  const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(line);
  if (m) found.port = Number(m[1]);
  return Boolean(m);
}

// Starts a server and reads its stdout line by line through parseLine(line, found), which fills `found` and
// returns true once the server is ready: `ready` resolves with `found` then, and rejects when that does not happen
// within STARTUP_MS or the process exits first.
export function startServer(path, args = [], parseLine = namedPorts) {
  const child = spawn(path, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = new Promise((resolve, reject) => {
    const found = {};
    const timer = setTimeout(() => reject(new Error(`${path}: not ready within ${STARTUP_MS} ms`)), STARTUP_MS);
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      if (parseLine(line, found)) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    child.once('exit', (code) => reject(new Error(`${path} exited with ${code}`)));
  });
  return { child, ready };
}

// Launches Chromium (`chromiumPath`, with `chromiumArgs`) and awaits run(browser); a failure of the harness is
// recorded and, whatever happened, the browser is closed and then cleanup() awaited (the test's servers ended).
export async function withBrowser(checks, { chromiumPath, chromiumArgs = CHROMIUM_ARGS }, run, cleanup) {
  let browser = null;
  try {
    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, timeout: STARTUP_MS });
    await run(browser);
  } catch (error) {
    checks.fail('test harness', error);
  } finally {
    if (browser) await browser.close();
    await cleanup();
  }
}

// Runs main under a watchdog of `ms` (a run that hangs fails instead), then ends the process with the run's status.
export async function runChecks(checks, ms, main) {
  const watchdog = setTimeout(() => {
    checks.fail('watchdog', `the whole run took more than ${ms} ms`);
    process.exit(checks.finish());
  }, ms);
  await main();
  clearTimeout(watchdog);
  process.exit(checks.finish());
}

// What every browser test here shares: Chromium's flags for this closed machine, and a tiny check runner (named
// steps; a failure is recorded and the run goes on; the last line, "N passed, M failed", is what tests/run.sh counts).
import { spawn } from 'node:child_process';
import readline from 'node:readline';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const STARTUP_MS = 10_000;

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

// Starts a test server whose stdout announces "name N" lines and then "ready": `ready` resolves with {name: N, ...}
// and rejects when "ready" does not come within STARTUP_MS or the process exits first.
export function startServer(path, args = []) {
  const child = spawn(path, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = new Promise((resolve, reject) => {
    const found = {};
    const timer = setTimeout(() => reject(new Error('server: no ready line')), STARTUP_MS);
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      const [name, value] = line.split(' ');
      if (name === 'ready') {
        clearTimeout(timer);
        resolve(found);
      } else if (value) {
        found[name] = Number(value);
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { child, ready };
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

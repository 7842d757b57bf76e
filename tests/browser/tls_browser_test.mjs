// The demo over TLS in Chromium: certificates from apps/demo/make-cert.sh, the demo with --tls-cert/--tls-key,
// the page loaded over https and talking wss; Chromium trusts the certificate through its SPKI hash.
//   node tests/browser/tls_browser_test.mjs --demo <binary> --static <dir> --make-cert <script> --artifacts <dir>
// Every wait is bounded; the last line is "N passed, M failed" and the exit status is 1 on failure.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHROMIUM_ARGS, CheckRun, STARTUP_MS, expect, runChecks, testOptions } from './check_run.mjs';
import { DemoProcess, EXIT_MS, driveDemo } from './demo_process.mjs';

const WAIT_MS = 5_000;
const WATCHDOG_MS = 90_000;

const opts = testOptions('tls_browser_test.mjs --demo <binary> --static <dir> --make-cert <script> --artifacts <dir>',
  ['demo', 'static', 'make-cert', 'artifacts']);
fs.mkdirSync(opts.artifacts, { recursive: true });
const checks = new CheckRun();
const check = checks.check.bind(checks);

// Chromium's --ignore-certificate-errors-spki-list takes base64 SHA-256 hashes of SubjectPublicKeyInfo.
function spkiHash(certFile) {
  const der = new crypto.X509Certificate(fs.readFileSync(certFile)).publicKey.export({ type: 'spki', format: 'der' });
  return crypto.createHash('sha256').update(der).digest('base64');
}

async function run(demo, browser) {
  let ports = null;
  await check('the demo starts over TLS and announces https and wss', async () => {
    ports = await demo.waitForPorts(STARTUP_MS);
    const lines = demo.output.join('\n');
    expect(/HTTP listening on https:\/\//.test(lines) && /WebSocket listening on wss:\/\//.test(lines), lines);
  });
  if (!ports) return;
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const wsUrl = `wss://127.0.0.1:${ports.ws}/ws`;

  await check('the page loads over https', async () => {
    const response = await page.goto(`https://127.0.0.1:${ports.http}/?ws=${wsUrl}`, { timeout: WAIT_MS });
    expect(response && response.status() === 200, `GET / answered ${response && response.status()}`);
    const security = await response.securityDetails();
    expect(security && /TLS 1\.3/.test(security.protocol), `protocol ${security && security.protocol}`);
  });

  await check('the page opens its socket over wss and is greeted with "world"', async () => {
    await page.locator('#ready-state[data-state="1"]').waitFor({ timeout: WAIT_MS });
    await page.locator('#log li[data-direction="in"] .msg-text', { hasText: /^world$/ }).waitFor({ timeout: WAIT_MS });
  });

  await check('a message sent over wss comes back (broadcast to the sender)', async () => {
    await page.locator('#message-input').fill('hello over tls');
    await page.locator('#message-input').press('Enter');
    await page.locator('#log li[data-direction="in"] .msg-text', { hasText: /^hello over tls$/ })
      .waitFor({ timeout: WAIT_MS });
  });

  await check('an https page picks wss:// by itself', async () => {
    // The URL the page builds without ?ws=, from an https location (the page's own function).
    const url = await page.evaluate(() => socketUrl({ search: '', protocol: 'https:', hostname: 'example.test' }));
    expect(url === 'wss://example.test:8080/ws', url);
  });

  await check('fetch over https reaches the JSON API', async () => {
    const body = await page.evaluate(async () => (await fetch('/api/hello/tls')).json());
    expect(body.hello === 'tls', JSON.stringify(body));
  });

  await check('screenshot saved', async () => {
    await page.screenshot({ path: path.join(opts.artifacts, 'demo-tls.png') });
  });

  await check('no page errors', async () => {
    expect(errors.length === 0, errors.join(' | '));
  });

  await check('the demo exits 0 on SIGTERM', async () => {
    const { code } = await demo.stop(EXIT_MS);
    expect(code === 0, `exit code ${code}`);
  });
}

async function main() {
  const certs = fs.mkdtempSync(path.join(os.tmpdir(), 'duplex-tls-'));
  try {
    execFileSync(opts['make-cert'], [certs], { stdio: 'ignore', timeout: 20_000 });
    const cert = path.join(certs, 'cert.pem');
    const key = path.join(certs, 'key.pem');
    const demo = new DemoProcess(opts.demo, opts.static, ['--tls-cert', cert, '--tls-key', key]);
    await driveDemo(checks, demo, {
      chromiumPath: opts.chromium,
      chromiumArgs: [...CHROMIUM_ARGS, `--ignore-certificate-errors-spki-list=${spkiHash(cert)}`],
      logFile: path.join(opts.artifacts, 'demo-tls.log'),
    }, (browser) => run(demo, browser));
  } catch (error) {
    checks.fail('test harness', error);
  } finally {
    fs.rmSync(certs, { recursive: true, force: true });
  }
}

await runChecks(checks, WATCHDOG_MS, main);

// The demo's live dashboard in Chromium:
//   node tests/browser/dashboard_browser_test.mjs --demo <demo binary> --static <static dir> --artifacts <dir>
//        [--screenshot <png>] [--load-seconds N]
// Starts the demo on port 0, opens /dashboard, puts HTTP and WebSocket load on the demo from here, and checks
// that the feed arrives, that the numbers and the charts move with the load, and that the page fetched nothing
// from elsewhere. Saves a screenshot into <artifacts> (and to --screenshot when given, for the README).
// Every wait is bounded; the last line is "N passed, M failed" and the exit status is 1 on failure.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import WebSocket from 'ws';
import { CheckRun, STARTUP_MS, expect, runChecks, testOptions } from './check_run.mjs';
import { DemoProcess, EXIT_MS, driveDemo } from './demo_process.mjs';

const FEED_MS = 8_000;   // a feed message comes once a second: this allows for a loaded machine
const WATCHDOG_MS = 90_000;

const opts = testOptions(
  'dashboard_browser_test.mjs --demo <binary> --static <dir> --artifacts <dir> [--screenshot <png>] [--load-seconds N]',
  ['demo', 'static', 'artifacts'], { screenshot: undefined, 'load-seconds': '4' });
fs.mkdirSync(opts.artifacts, { recursive: true });
const LOAD_MS = 1000 * Number(opts['load-seconds']);  // how long the load runs (longer for a README screenshot)

const checks = new CheckRun();
const check = checks.check.bind(checks);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Keep-alive GETs from `workers` loops until `until`; resolves to the number answered 200.
async function httpLoad(port, until, workers) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: workers });
  let ok = 0;
  const one = (i) => new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: `/api/hello/load${i}`, agent }, (res) => {
      res.resume();
      res.on('end', () => { if (res.statusCode === 200) ok += 1; resolve(); });
    });
    req.on('error', () => resolve());
    req.setTimeout(5_000, () => req.destroy());
  });
  await Promise.all(Array.from({ length: workers }, async (_, w) => {
    for (let i = 0; Date.now() < until; i++) await one(w * 100000 + i);
  }));
  agent.destroy();
  return ok;
}

// Echo round trips on the demo's /echo until `until`; resolves to the number of echoes received.
function wsLoad(port, until) {
  return new Promise((resolve) => {
    let echoes = 0;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/echo`, { perMessageDeflate: false });
    const done = () => { ws.terminate(); resolve(echoes); };
    ws.on('open', () => ws.send('ping'));
    ws.on('message', () => {
      echoes += 1;
      if (Date.now() < until) ws.send('ping'); else done();
    });
    ws.on('error', done);
    setTimeout(done, until - Date.now() + 5_000);
  });
}

const numberAt = (page, selector, attribute) =>
  page.locator(selector).getAttribute(attribute).then((v) => (v === '' || v === null ? NaN : Number(v)));

const canvasPixels = (page) => page.evaluate(() =>
  [...document.querySelectorAll('canvas')].map((c) => c.toDataURL()));

async function run(demo, browser) {
  const ports = await demo.waitForPorts(STARTUP_MS);
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  const foreign = [];
  page.on('request', (r) => { if (!r.url().startsWith(`http://127.0.0.1:${ports.http}/`) &&
                                  !r.url().startsWith(`ws://127.0.0.1:${ports.http}/`)) foreign.push(r.url()); });
  try {
    await check('/dashboard loads and its feed goes live', async () => {
      await page.goto(`http://127.0.0.1:${ports.http}/dashboard`, { timeout: FEED_MS });
      await page.locator('#feed-state[data-state="live"]').waitFor({ timeout: FEED_MS });
      await page.waitForFunction(() => window.dashboard.state.samples >= 2, null, { timeout: FEED_MS });
      expect(await numberAt(page, '#open', 'data-ws') >= 1, 'the dashboard\'s own WebSocket is not counted');
    });

    const before = await canvasPixels(page);
    let answered = 0, echoes = 0;
    await check('HTTP and WebSocket load on the demo', async () => {
      const until = Date.now() + LOAD_MS;
      [answered, echoes] = await Promise.all([httpLoad(ports.http, until, 8), wsLoad(ports.ws, until)]);
      expect(answered > 100, `only ${answered} HTTP answers`);
      expect(echoes > 100, `only ${echoes} echoes`);
    });

    await check('requests/s, latency percentiles and WebSocket messages/s show the load', async () => {
      await page.waitForFunction(() => Math.max(0, ...window.dashboard.series.rps) > 50 &&
                                       Math.max(0, ...window.dashboard.series.wsps) > 50 &&
                                       window.dashboard.series.p50.some((v) => v > 0), null, { timeout: FEED_MS });
      const peak = await page.evaluate(() => Math.max(...window.dashboard.series.rps));
      // The feed counts every request the demo served in a second; the load made `answered` in LOAD_MS.
      expect(peak <= answered + 1000, `peak ${peak}/s is more than the ${answered} requests made`);
      const p50 = await page.evaluate(() => Math.max(...window.dashboard.series.p50.filter((v) => v !== null)));
      const p99 = await page.evaluate(() => Math.max(...window.dashboard.series.p99.filter((v) => v !== null)));
      expect(p50 > 0 && p99 >= p50, `percentiles p50 ${p50}, p99 ${p99}`);
    });

    await check('every chart was redrawn with the load', async () => {
      const after = await canvasPixels(page);
      expect(after.length === 4, `${after.length} canvases`);
      after.forEach((url, i) => expect(url !== before[i], `chart ${i + 1} did not change`));
    });

    await check('the page made no request to another origin', async () => {
      expect(foreign.length === 0, `foreign requests: ${foreign.join(', ')}`);
    });

    await page.screenshot({ path: path.join(opts.artifacts, 'dashboard.png') });
    if (opts.screenshot) await page.screenshot({ path: opts.screenshot });
  } finally {
    await context.close();
  }

  await check('the demo exits 0 on SIGTERM', async () => {
    const { code, signal } = await demo.stop(EXIT_MS);
    expect(code === 0, `exit code ${code}, signal ${signal}`);
  });
}

async function main() {
  const demo = new DemoProcess(opts.demo, opts.static);
  await driveDemo(checks, demo,
    { chromiumPath: opts.chromium, logFile: path.join(opts.artifacts, 'dashboard-demo.log') },
    (browser) => run(demo, browser));
}

await runChecks(checks, WATCHDOG_MS, main);

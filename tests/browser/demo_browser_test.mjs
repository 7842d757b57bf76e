// End-to-end test of the demo page in a real browser (Debian's Chromium driven by playwright-core):
//   node tests/browser/demo_browser_test.mjs --demo <demo binary> --static <static dir> --artifacts <dir>
// It starts the demo on port 0, opens the page in two tabs, checks the page's promises one by one,
// saves screenshots and the demo's output into <artifacts>, and stops the demo with SIGTERM.
// Every wait is bounded; the last line is "N passed, M failed" and the exit status is 1 on failure.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import { CheckRun, STARTUP_MS, expect, runChecks, testOptions } from './check_run.mjs';
import { DemoProcess, EXIT_MS, driveDemo } from './demo_process.mjs';

const WAIT_MS = 5_000; // any single expectation on the page
const QUIET_MS = 2_500; // how long "nothing happens" must hold (longer than the first backoff delays)
const WATCHDOG_MS = 180_000;

const opts = testOptions('demo_browser_test.mjs --demo <binary> --static <dir> --artifacts <dir>',
  ['demo', 'static', 'artifacts']);
fs.mkdirSync(opts.artifacts, { recursive: true });

const checks = new CheckRun();
const check = checks.check.bind(checks);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- page helpers -----------------------------------------------------------------------------

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// The log entry whose whole text is `text`, with direction "in" (received), "out" (sent) or "sys".
function logEntry(page, direction, text) {
  return page.locator(`#log li[data-direction="${direction}"]`, {
    has: page.locator('.msg-text', { hasText: new RegExp(`^${escapeRegExp(text)}$`) }),
  });
}

async function waitForState(page, state) {
  await page.locator(`#ready-state[data-state="${state}"]`).waitFor({ timeout: WAIT_MS });
}

async function stateText(page) {
  return (await page.locator('#ready-state').innerText()).replace(/\s+/g, ' ').trim();
}

async function statValue(page, id) {
  return Number(await page.locator(`#${id}`).getAttribute('data-value'));
}

async function typeAndSend(page, text, how) {
  await page.locator('#message-input').fill(text);
  if (how === 'enter') await page.locator('#message-input').press('Enter');
  else await page.locator('#send').click();
}

// Counts every console error and uncaught exception of a page: a clean page has none.
function watchErrors(page, label, errors) {
  page.on('pageerror', (error) => errors.push(`${label}: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`${label}: console: ${message.text()}`);
  });
}

async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function reconnectDelays(entries) {
  return entries.map((text) => /Reconnect attempt \d+ in ([\d.]+) s/.exec(text)).filter(Boolean).map((m) => Number(m[1]));
}

// ---- the run ----------------------------------------------------------------------------------

async function run(demo, browser) {
  let ports = null;
  await check('demo starts and announces both listeners', async () => {
    ports = await demo.waitForPorts(STARTUP_MS);
  });
  if (!ports) return;

  const base = `http://127.0.0.1:${ports.http}`;
  const pageUrl = `${base}/?ws=ws://127.0.0.1:${ports.ws}/ws`;
  const errors = [];
  const foreignRequests = [];
  const contextA = await browser.newContext({ viewport: { width: 1280, height: 860 }, colorScheme: 'light' });
  const contextB = await browser.newContext({ viewport: { width: 1280, height: 860 }, colorScheme: 'dark' });
  const pageA = await contextA.newPage();
  const pageB = await contextB.newPage();
  watchErrors(pageA, 'A', errors);
  watchErrors(pageB, 'B', errors);
  for (const page of [pageA, pageB]) {
    page.on('request', (request) => {
      if (!request.url().startsWith(`${base}/`)) foreignRequests.push(request.url());
    });
  }

  await check('page A loads with its title', async () => {
    const response = await pageA.goto(pageUrl, { timeout: WAIT_MS });
    expect(response && response.status() === 200, `GET / answered ${response && response.status()}`);
    const title = await pageA.title();
    expect(/duplex/i.test(title) && /WebSocket/i.test(title), `unexpected title "${title}"`);
  });

  await check('page A shows the WebSocket URL from ?ws=', async () => {
    const shown = await pageA.locator('#ws-url').innerText({ timeout: WAIT_MS });
    expect(shown === `ws://127.0.0.1:${ports.ws}/ws`, `shows "${shown}"`);
  });

  await check('page A readyState reaches OPEN (1)', async () => {
    await waitForState(pageA, 1);
    const text = await stateText(pageA);
    expect(text === 'OPEN 1', `state pill reads "${text}"`);
  });

  await check('page A receives the greeting "world" with a timestamp', async () => {
    const entry = logEntry(pageA, 'in', 'world').first();
    await entry.waitFor({ timeout: WAIT_MS });
    const time = await entry.locator('time').innerText();
    expect(/^\d\d:\d\d:\d\d\.\d{3}$/.test(time), `timestamp "${time}"`);
  });

  await check('page A sends "from client: hello" on open, marked as sent, and gets it back', async () => {
    await logEntry(pageA, 'out', 'from client: hello').waitFor({ timeout: WAIT_MS });
    await logEntry(pageA, 'in', 'from client: hello').first().waitFor({ timeout: WAIT_MS });
  });

  await check('page B loads, reaches OPEN (1) and receives "world"', async () => {
    await pageB.goto(pageUrl, { timeout: WAIT_MS });
    await waitForState(pageB, 1);
    await logEntry(pageB, 'in', 'world').waitFor({ timeout: WAIT_MS });
  });

  const typed = `typed in A ${Date.now()} <b>not bold</b> ünïcødé ✓`;
  await check('a message typed in A (Enter) is broadcast to B and back to A', async () => {
    await typeAndSend(pageA, typed, 'enter');
    await logEntry(pageA, 'out', typed).waitFor({ timeout: WAIT_MS });
    await logEntry(pageB, 'in', typed).waitFor({ timeout: WAIT_MS });
    await logEntry(pageA, 'in', typed).waitFor({ timeout: WAIT_MS });
    expect(await pageA.locator('#message-input').inputValue() === '', 'the input was not cleared after sending');
    expect(await pageB.locator('#log b').count() === 0, 'message text was rendered as HTML');
  });

  await check('a message sent from B with the Send button reaches A', async () => {
    const text = `clicked in B ${Date.now()}`;
    await typeAndSend(pageB, text, 'click');
    await logEntry(pageA, 'in', text).waitFor({ timeout: WAIT_MS });
  });

  await check('bufferedAmount is shown as a byte count', async () => {
    const shown = await pageA.locator('#buffered-amount').innerText();
    expect(/^\d+$/.test(shown), `bufferedAmount shows "${shown}"`);
  });

  await check('the stats figures update (ws_messages grows)', async () => {
    // The server's own figure right now, so that a stale figure on the page cannot pass.
    const response = await fetch(`${base}/api/stats`, { signal: AbortSignal.timeout(WAIT_MS) });
    const stats = await response.json();
    for (const key of ['http_requests', 'ws_connections', 'ws_messages']) {
      expect(Number.isInteger(stats[key]), `/api/stats has no integer "${key}": ${JSON.stringify(stats)}`);
    }
    await typeAndSend(pageA, 'one more for the stats', 'enter');
    await pageA.waitForFunction((min) => Number(document.getElementById('stat-ws-messages').dataset.value) > min,
      stats.ws_messages, { timeout: WAIT_MS });
    // Shown after the refresh that followed both tabs' connections and requests.
    expect(await statValue(pageA, 'stat-ws-connections') >= 2, 'ws_connections is below the 2 open tabs');
    expect(await statValue(pageA, 'stat-http-requests') >= 2, 'http_requests is below the 2 page loads');
  });

  await check('the page uses no external resources', async () => {
    expect(foreignRequests.length === 0, `requests outside the demo: ${foreignRequests.join(', ')}`);
  });

  await check('screenshots saved', async () => {
    // Finished animations, so that a figure caught mid-highlight does not look tinted for ever.
    const shot = { fullPage: true, animations: 'disabled', timeout: WAIT_MS };
    await pageA.screenshot({ ...shot, path: path.join(opts.artifacts, 'demo.png') });
    await pageB.screenshot({ ...shot, path: path.join(opts.artifacts, 'demo-dark.png') });
  });

  await check('large stats figures stay on one line at 1280 px (compact form, exact number as the tooltip)', async () => {
    // A page whose /api/stats answers large counts (the browser's own request is answered here, not by the demo).
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-US' });
    try {
      const page = await context.newPage();
      const large = { http_requests: 10162, ws_connections: 99999, ws_messages: 123456789012 };
      await page.route('**/api/stats', (route) => route.fulfill({ json: large }));
      await page.goto(pageUrl, { timeout: WAIT_MS });
      await page.waitForFunction(() => document.getElementById('stat-ws-messages').dataset.value === '123456789012',
        null, { timeout: WAIT_MS });
      const tiles = await page.evaluate(() => [...document.querySelectorAll('.tile-value')].map((el) => {
        const box = el.getBoundingClientRect();
        const tile = el.parentElement.getBoundingClientRect();
        const card = el.closest('.card').getBoundingClientRect();
        return {
          text: el.textContent, title: el.title, height: box.height,
          line: parseFloat(getComputedStyle(el).lineHeight),
          overflows: el.scrollWidth > el.clientWidth + 1 || box.right > tile.right + 1 || tile.right > card.right + 1,
        };
      }));
      expect(tiles.length === 3, `${tiles.length} tiles`);
      for (const t of tiles) {
        expect(t.height < 1.5 * t.line, `"${t.text}" takes ${t.height} px, over one line of ${t.line} px`);
        expect(!t.overflows, `"${t.text}" overflows its tile or the card`);
      }
      expect(tiles[0].text === '10.2K' && tiles[0].title === '10,162', `10162 shows "${tiles[0].text}" / "${tiles[0].title}"`);
      expect(tiles[2].text.length <= 6, `123456789012 shows "${tiles[2].text}"`);
    } finally {
      await context.close();
    }
  });

  await check('Disconnect shows CLOSED (3) and no reconnect happens', async () => {
    await pageA.locator('#disconnect').click({ timeout: WAIT_MS });
    await waitForState(pageA, 3);
    const text = await stateText(pageA);
    expect(text === 'CLOSED 3', `state pill reads "${text}"`);
    const connectsBefore = await logEntriesCount(pageA, /^Connecting to /);
    await sleep(QUIET_MS);
    expect(await pageA.locator('#ready-state').getAttribute('data-state') === '3', 'the state left CLOSED');
    expect(await logEntriesCount(pageA, /^Connecting to /) === connectsBefore, 'a reconnect was attempted');
    expect(await pageA.locator('#reconnect').getAttribute('data-pending') === 'false', 'a reconnect is pending');
    expect(await pageA.locator('#connect').isEnabled(), 'Connect is not enabled');
    expect(await pageA.locator('#send').isDisabled(), 'Send stays enabled while closed');
  });

  await check('Connect after Disconnect opens again', async () => {
    await pageA.locator('#connect').click({ timeout: WAIT_MS });
    await waitForState(pageA, 1);
  });

  await check('no console errors or uncaught exceptions in A and B', async () => {
    expect(errors.length === 0, errors.join(' ; '));
  });

  await checkReconnect(browser, pageUrl.replace(/\?.*$/, ''));

  await check('the demo exits 0 within 5 s of SIGTERM', async () => {
    const { code, signal } = await demo.stop(EXIT_MS);
    expect(code === 0, `exit code ${code}, signal ${signal}`);
  });

  await check('page B notices the server going away (CLOSED, reconnect pending)', async () => {
    await waitForState(pageB, 3);
    await pageB.locator('#reconnect[data-pending="true"]').waitFor({ timeout: WAIT_MS });
  });
}

async function logEntriesCount(page, pattern) {
  const texts = await page.locator('#log li[data-direction="sys"] .msg-text').allInnerTexts();
  return texts.filter((text) => pattern.test(text)).length;
}

// Backoff and auto-reconnect against a WebSocket server this test controls: nothing listens at
// first, then the server appears, then it drops the connection.
async function checkReconnect(browser, pageBase) {
  const port = await freePort();
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  let server = null;
  const sysTexts = () => page.locator('#log li[data-direction="sys"] .msg-text').allInnerTexts();
  try {
    await check('with no server the page retries with a growing, visible delay', async () => {
      await page.goto(`${pageBase}?ws=ws://127.0.0.1:${port}/ws`, { timeout: WAIT_MS });
      await page.locator('#reconnect[data-pending="true"]').waitFor({ timeout: WAIT_MS });
      expect(/^attempt \d+ in \d+\.\d s$/.test(await page.locator('#reconnect').innerText()), 'no countdown shown');
      await page.waitForFunction(() => /attempt 2 in/.test(document.getElementById('reconnect').textContent),
        null, { timeout: WAIT_MS });
      const delays = reconnectDelays(await sysTexts());
      expect(delays.length >= 2 && delays[1] > delays[0], `delays ${delays.join(', ')} do not grow`);
    });

    await check('once the server is up the page reconnects by itself', async () => {
      server = new WebSocketServer({ host: '127.0.0.1', port, path: '/ws' });
      server.on('connection', (socket) => socket.send('world'));
      await new Promise((resolve, reject) => { server.once('listening', resolve); server.once('error', reject); });
      await page.locator('#ready-state[data-state="1"]').waitFor({ timeout: 2 * WAIT_MS });
      await logEntry(page, 'in', 'world').waitFor({ timeout: WAIT_MS });
    });

    await check('a dropped connection is retried, and Disconnect cancels the countdown', async () => {
      const connections = server.clients.size;
      for (const client of server.clients) client.terminate();
      await page.locator('#reconnect[data-pending="true"]').waitFor({ timeout: WAIT_MS });
      await page.locator('#disconnect').click({ timeout: WAIT_MS });
      await page.locator('#reconnect[data-pending="false"]').waitFor({ timeout: WAIT_MS });
      await sleep(QUIET_MS);
      expect(await page.locator('#ready-state').getAttribute('data-state') === '3', 'the state left CLOSED');
      expect(server.clients.size === connections - 1, 'the page reconnected after Disconnect');
    });
  } finally {
    if (server) await new Promise((resolve) => server.close(resolve));
    await context.close();
  }
}

async function main() {
  const demo = new DemoProcess(opts.demo, opts.static);
  await driveDemo(checks, demo, { chromiumPath: opts.chromium, logFile: path.join(opts.artifacts, 'demo.log') },
    (browser) => run(demo, browser));
}

await runChecks(checks, WATCHDOG_MS, main);

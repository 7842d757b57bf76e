// Server-sent events judged by a real EventSource (Debian's Chromium driven by playwright-core):
//   node tests/browser/sse_browser_test.mjs --server <sse_server binary>
// The page opens an EventSource on /events: it must receive the typed events with their two-line data, reconnect
// by itself each time the server ends the stream (after the retry delay the server set), send Last-Event-ID with
// the id of the last event it got so the server resumes after it, and, once the page closes it, the server must be
// told that the client went. Every wait is bounded; the last line is "N passed, M failed", exit status 1 on failure.
import { CheckRun, expect, runChecks, startServer, testOptions, withBrowser } from './check_run.mjs';

const WATCHDOG_MS = 90_000;

const opts = testOptions('sse_browser_test.mjs --server <sse_server binary>', ['server']);

const checks = new CheckRun();
const check = checks.check.bind(checks);


async function serverLog(page) {
  return page.evaluate(async () => (await fetch('/log')).json());
}

// Polls the server's log until ready(log) or the bound passes; returns the last log.
async function waitForLog(page, ready, boundMs = 10_000) {
  const deadline = Date.now() + boundMs;
  let log = await serverLog(page);
  while (!ready(log) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    log = await serverLog(page);
  }
  return log;
}

async function main() {
  const server = startServer(opts.server);
  await withBrowser(checks, { chromiumPath: opts.chromium }, async (browser) => {
    const { port } = await server.ready;
    const page = await (await browser.newContext()).newPage();
    await page.goto(`http://127.0.0.1:${port}/`);

    // Nine events over three connections (the server ends the first two after three events each).
    const seen = await page.evaluate(() => new Promise((resolve) => {
      const got = { ticks: [], messages: 0, opens: 0, errors: 0 };
      const es = new EventSource('/events');
      window.es = es;
      es.onopen = () => { got.opens += 1; };
      es.onerror = () => { got.errors += 1; };
      es.onmessage = () => { got.messages += 1; };  // none: every event is typed
      es.addEventListener('tick', (e) => {
        got.ticks.push({ data: e.data, id: e.lastEventId });
        if (got.ticks.length === 9) resolve(got);
      });
      setTimeout(() => resolve(got), 15_000);
    }));

    await check('the typed events arrive with their ids and their two lines of data', async () => {
      expect(seen.ticks.length === 9, `got ${seen.ticks.length} events: ${JSON.stringify(seen)}`);
      seen.ticks.forEach((t, i) => {
        expect(t.id === String(i + 1), `event ${i}: id ${t.id}`);
        expect(t.data === `tick ${i + 1}\nsecond line`, `event ${i}: data ${JSON.stringify(t.data)}`);
      });
      expect(seen.messages === 0, `${seen.messages} untyped messages`);
    });
    await check('the browser reconnects by itself after the server ends the stream', async () => {
      expect(seen.opens === 3, `opens ${seen.opens}`);
      expect(seen.errors >= 2, `errors ${seen.errors}`);
    });
    await check('each reconnection sends Last-Event-ID: the id of the last event received', async () => {
      const log = await serverLog(page);
      expect(JSON.stringify(log.last_ids.slice(0, 3)) === JSON.stringify(['', '3', '6']),
        `Last-Event-IDs ${JSON.stringify(log.last_ids)}`);
    });
    await check('the server is told when the page closes its EventSource', async () => {
      const before = (await serverLog(page)).gone;
      await page.evaluate(() => window.es.close());
      const log = await waitForLog(page, (l) => l.gone > before);
      expect(log.gone === before + 1, `gone ${before} -> ${log.gone}`);
    });
  }, () => server.child.kill('SIGTERM'));
}

await runChecks(checks, WATCHDOG_MS, main);

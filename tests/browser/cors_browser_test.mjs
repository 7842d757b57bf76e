// CORS judged by a real browser (Debian's Chromium driven by playwright-core):
//   node tests/browser/cors_browser_test.mjs --server <cors_server binary>
// A page on one port calls the API on another port: a simple request, a credentialed one (the cookie goes and the
// answer is readable only because the origin is echoed with Allow-Credentials), a custom header and a PUT that need a
// preflight, a header the API does not allow, and the same calls from a page on an origin the API does not allow.
// Chromium's own CORS enforcement decides: a fetch the browser blocks rejects with a TypeError in the page.
// Every wait is bounded; the last line is "N passed, M failed" and the exit status is 1 on failure.
import { CheckRun, expect, runChecks, startServer, testOptions, withBrowser } from './check_run.mjs';

const WATCHDOG_MS = 120_000;

const opts = testOptions('cors_browser_test.mjs --server <cors_server binary>', ['server']);

const checks = new CheckRun();
const check = checks.check.bind(checks);


// Runs fetch(url, init) in the page; returns {ok, status, body, exposed, hidden}, or {error} when the browser
// blocked it.
function call(page, url, init = {}) {
  return page.evaluate(async ({ url, init }) => {
    try {
      const res = await fetch(url, init);
      return { ok: res.ok, status: res.status, body: await res.text(),
        exposed: res.headers.get('X-Api-Version'), hidden: res.headers.get('X-Hidden') };
    } catch (error) {
      return { error: `${error.name}: ${error.message}` };
    }
  }, { url, init });
}

async function main() {
  const server = startServer(opts.server);
  await withBrowser(checks, { chromiumPath: opts.chromium }, async (browser) => {
    const ports = await server.ready;
    const api = `http://127.0.0.1:${ports.api}`;
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${ports.page}/`);
    const preflights = async () => JSON.parse((await call(page, `${api}/api/preflights`)).body).count;

    await check('allowed origin, simple GET: readable, the exposed header visible, the others hidden', async () => {
      const r = await call(page, `${api}/api/data`);
      expect(!r.error && r.ok, `blocked: ${r.error}`);
      expect(JSON.parse(r.body).ok === true, `body ${r.body}`);
      expect(r.exposed === '7', `X-Api-Version ${r.exposed}`);
      expect(r.hidden === null, `X-Hidden visible: ${r.hidden}`);
    });
    await check('credentials: the cookie set by a credentialed answer goes with the next one', async () => {
      const login = await call(page, `${api}/api/login`, { credentials: 'include' });
      expect(!login.error && login.ok, `login blocked: ${login.error}`);
      const r = await call(page, `${api}/api/data`, { credentials: 'include' });
      expect(!r.error && r.ok, `blocked: ${r.error}`);
      expect(JSON.parse(r.body).cookie.includes('sid=s3cr3t'), `cookie not sent: ${r.body}`);
    });
    await check('a custom header: preflighted, then allowed', async () => {
      const before = await preflights();
      const r = await call(page, `${api}/api/data`, { headers: { 'X-Custom': 'hello' }, credentials: 'include' });
      expect(!r.error && r.ok, `blocked: ${r.error}`);
      expect(JSON.parse(r.body).custom === 'hello', `body ${r.body}`);
      expect(await preflights() === before + 1, 'no preflight reached the server');
    });
    await check('PUT with a JSON body: preflighted, then allowed', async () => {
      const r = await call(page, `${api}/api/data`, { method: 'PUT', headers: { 'Content-Type': 'application/json' },
        body: '{"x":1}' });
      expect(!r.error && r.ok, `blocked: ${r.error}`);
      expect(JSON.parse(r.body).put === '{"x":1}', `body ${r.body}`);
    });
    await check('a header the API does not allow: the browser blocks the call', async () => {
      const r = await call(page, `${api}/api/data`, { headers: { 'X-Forbidden': '1' } });
      expect(r.error && r.error.startsWith('TypeError'), `not blocked: ${JSON.stringify(r)}`);
    });
    await check('"*" without credentials: readable; with credentials the browser refuses "*"', async () => {
      const open = await call(page, `${api}/open/data`);
      expect(!open.error && open.ok, `blocked: ${open.error}`);
      const r = await call(page, `${api}/open/data`, { credentials: 'include' });
      expect(r.error && r.error.startsWith('TypeError'), `not blocked: ${JSON.stringify(r)}`);
    });

    const stranger = await context.newPage();
    await stranger.goto(`http://127.0.0.1:${ports.other}/`);
    await check('disallowed origin, simple GET: blocked by the browser', async () => {
      const r = await call(stranger, `${api}/api/data`);
      expect(r.error && r.error.startsWith('TypeError'), `not blocked: ${JSON.stringify(r)}`);
    });
    await check('disallowed origin, credentials: blocked', async () => {
      const r = await call(stranger, `${api}/api/data`, { credentials: 'include' });
      expect(r.error && r.error.startsWith('TypeError'), `not blocked: ${JSON.stringify(r)}`);
    });
    await check('disallowed origin, a custom header: the preflight fails, the call never happens', async () => {
      const r = await call(stranger, `${api}/api/data`, { method: 'PUT', headers: { 'X-Custom': '1' }, body: 'x' });
      expect(r.error && r.error.startsWith('TypeError'), `not blocked: ${JSON.stringify(r)}`);
    });
  }, () => server.child.kill('SIGTERM'));
}

await runChecks(checks, WATCHDOG_MS, main);

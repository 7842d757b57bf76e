// Cookies and sessions in a real browser (Debian's Chromium driven by playwright-core), the browser as the judge:
//   node tests/browser/session_browser_test.mjs --example <session_login binary> --artifacts <dir>
// It starts examples/session_login on port 0 and a cross-site page (http://localhost:<port>, another site than
// http://127.0.0.1:<port>) from this process, then: signs in with the form, checks the session cookie is HttpOnly
// (absent from document.cookie) and SameSite=Lax, reloads, shows that a cross-site form POST to /logout arrives
// without the cookie (it signs nobody out) while a cross-site link still carries it, tampers with the cookie (401),
// and signs out. Every wait is bounded; the last line is "N passed, M failed" and the exit status is 1 on failure.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { CheckRun, expect, listeningLine, runChecks, startServer, testOptions, withBrowser } from './check_run.mjs';

const WAIT_MS = 5_000;
const WATCHDOG_MS = 120_000;

const opts = testOptions('session_browser_test.mjs --example <session_login binary> --artifacts <dir>',
  ['example', 'artifacts']);
fs.mkdirSync(opts.artifacts, { recursive: true });

const checks = new CheckRun();
const check = checks.check.bind(checks);

// The other site: a page with a form posting to the example's /logout and a link to its /me.
function startCrossSite(target) {
  const page = `<!doctype html><title>elsewhere</title>
<form method=post action="${target}/logout"><button id=xlogout>cross-site sign-out</button></form>
<a id=xme href="${target}/me">cross-site link</a>`;
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(page);
  });
  return new Promise((resolve) => server.listen(0, 'localhost', () => resolve(server)));
}

async function sessionCookie(context) {
  return (await context.cookies()).find((c) => c.name === 'duplex.sid');
}

async function main() {
  const example = startServer(opts.example, ['--port', '0'], listeningLine);
  let crossSite;
  await withBrowser(checks, { chromiumPath: opts.chromium }, async (browser) => {
    const { port } = await example.ready;
    const site = `http://127.0.0.1:${port}`;
    crossSite = await startCrossSite(site);
    const elsewhere = `http://localhost:${crossSite.address().port}`;
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT_MS);

    await check('signed out at first: the page shows the form, /me is 401', async () => {
      await page.goto(`${site}/`);
      await page.locator('#name').waitFor();
      const me = await page.goto(`${site}/me`);
      expect(me.status() === 401, `GET /me answered ${me.status()}`);
      expect(!(await sessionCookie(context)), 'a cookie was set for an empty session');
    });

    await check('sign in with the form: the page greets the name (escaped)', async () => {
      await page.goto(`${site}/`);
      await page.locator('#name').fill('Ada <b>');
      await Promise.all([page.waitForURL(`${site}/`), page.locator('#login').click()]);
      const who = await page.locator('#who').innerText();
      expect(who === 'Signed in as Ada <b>', `the page says "${who}"`);
    });

    await check('the session cookie is HttpOnly (invisible to document.cookie) and SameSite=Lax', async () => {
      const cookie = await sessionCookie(context);
      expect(cookie, 'no duplex.sid cookie in the browser');
      expect(cookie.httpOnly === true, 'not HttpOnly');
      expect(cookie.sameSite === 'Lax', `SameSite is ${cookie.sameSite}`);
      expect(cookie.secure === false, 'Secure over plain HTTP');
      const visible = await page.evaluate(() => document.cookie);
      expect(!visible.includes('duplex.sid'), `document.cookie shows it: "${visible}"`);
    });

    await check('reload: still signed in; /me answers the name', async () => {
      await page.reload();
      expect((await page.locator('#who').innerText()) === 'Signed in as Ada <b>', 'lost the session on reload');
      const me = await page.goto(`${site}/me`);
      expect(me.status() === 200, `GET /me answered ${me.status()}`);
      const body = JSON.parse(await me.text());
      expect(body.name === 'Ada <b>', `GET /me answered ${JSON.stringify(body)}`);
    });

    await check('SameSite=Lax: a cross-site form POST to /logout comes without the cookie and signs nobody out', async () => {
      await page.goto(`${elsewhere}/`);
      await Promise.all([page.waitForURL(`${site}/`), page.locator('#xlogout').click()]);
      // The 303 lands on the example's page as a top-level GET, which Lax lets the cookie ride on.
      expect((await page.locator('#who').innerText()) === 'Signed in as Ada <b>', 'the cross-site POST signed out');
      expect(await sessionCookie(context), 'the cookie is gone');
    });

    await check('SameSite=Lax: a cross-site link (top-level GET) carries the cookie', async () => {
      await page.goto(`${elsewhere}/`);
      await Promise.all([page.waitForURL(`${site}/me`), page.locator('#xme').click()]);
      const body = JSON.parse(await page.locator('body').innerText());
      expect(body.name === 'Ada <b>', `GET /me after the link answered ${JSON.stringify(body)}`);
    });

    await check('a tampered cookie is a 401, and the browser is told to drop it', async () => {
      const cookie = await sessionCookie(context);
      const last = cookie.value.at(-1) === 'A' ? 'B' : 'A';
      await context.addCookies([{ ...cookie, value: cookie.value.slice(0, -1) + last }]);
      const me = await page.goto(`${site}/me`);
      expect(me.status() === 401, `GET /me with a tampered cookie answered ${me.status()}`);
      expect(!(await sessionCookie(context)), 'the tampered cookie is still there');
      await context.addCookies([cookie]);  // the genuine one back
      const again = await page.goto(`${site}/me`);
      expect(again.status() === 200, `the genuine cookie answered ${again.status()}`);
    });

    await check('sign out: the form again, the cookie cleared, /me 401', async () => {
      await page.goto(`${site}/`);
      await Promise.all([page.waitForURL(`${site}/`), page.locator('#logout').click()]);
      await page.locator('#name').waitFor();
      expect(!(await sessionCookie(context)), 'the cookie is still there');
      await page.screenshot({ path: path.join(opts.artifacts, 'session_login.png') });
      const me = await page.goto(`${site}/me`);
      expect(me.status() === 401, `GET /me answered ${me.status()}`);
    });
  }, () => {
    if (crossSite) crossSite.close();
    example.child.kill('SIGTERM');
  });
}

await runChecks(checks, WATCHDOG_MS, main);

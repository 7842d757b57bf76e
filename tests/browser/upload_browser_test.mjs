// File uploads from a real form in a real browser (Debian's Chromium driven by playwright-core):
//   node tests/browser/upload_browser_test.mjs --example <upload binary> --artifacts <dir>
// It starts examples/upload on port 0 with its folder under the artifacts directory, fills the form's two text
// fields, picks two files (one of 3 MiB of every byte value, one with a hostile name), submits, and checks the JSON
// the browser lands on: the fields, each file's name, size and SHA-256 (computed here), and the saved copies on
// disk. Every wait is bounded; the last line is "N passed, M failed" and the exit status is 1 on failure.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CheckRun, expect, listeningLine, runChecks, startServer, testOptions, withBrowser } from './check_run.mjs';

const WAIT_MS = 15_000;
const WATCHDOG_MS = 120_000;

const opts = testOptions('upload_browser_test.mjs --example <upload binary> --artifacts <dir>',
  ['example', 'artifacts']);
const folder = path.join(opts.artifacts, 'upload_browser');
fs.rmSync(folder, { recursive: true, force: true });
fs.mkdirSync(folder, { recursive: true });

const checks = new CheckRun();
const check = checks.check.bind(checks);

const sha256 = (bytes) => crypto.createHash('sha256').update(bytes).digest('hex');

async function main() {
  const example = startServer(opts.example, ['--port', '0', '--dir', path.join(folder, 'saved')], listeningLine);
  await withBrowser(checks, { chromiumPath: opts.chromium }, async (browser) => {
    const { port } = await example.ready;
    const site = `http://127.0.0.1:${port}`;
    // The files the browser picks: 3 MiB cycling through every byte value, and a small one.
    const big = Buffer.alloc(3 << 20);
    for (let i = 0; i < big.length; i += 1) big[i] = (i * 7 + (i >> 10)) & 255;
    const small = Buffer.from('a small text file\r\n--with a dash line\r\n');
    const bigPath = path.join(folder, 'big.bin');
    const smallPath = path.join(folder, 'notes.txt');
    fs.writeFileSync(bigPath, big);
    fs.writeFileSync(smallPath, small);

    const page = await browser.newPage();
    page.setDefaultTimeout(WAIT_MS);

    let answer;
    await check('the form: two text fields and a file field', async () => {
      await page.goto(`${site}/`);
      expect(await page.locator('form[enctype="multipart/form-data"]').count() === 1, 'no multipart form');
      await page.locator('#title').fill('Holiday «photos»');
      await page.locator('#note').fill('line one & two');
      await page.locator('#file').setInputFiles([bigPath, smallPath]);
    });

    await check('submitting it answers JSON with the fields', async () => {
      const [response] = await Promise.all([page.waitForResponse(`${site}/upload`), page.locator('#send').click()]);
      expect(response.status() === 200, `POST /upload answered ${response.status()}`);
      answer = JSON.parse(await response.text());
      expect(answer.fields.title === 'Holiday «photos»', `title: ${JSON.stringify(answer.fields)}`);
      expect(answer.fields.note === 'line one & two', `note: ${JSON.stringify(answer.fields)}`);
    });

    await check('each file: name, size and SHA-256 as the browser sent it, and the saved copy', async () => {
      expect(answer && answer.files.length === 2, `files: ${JSON.stringify(answer && answer.files)}`);
      const want = [['big.bin', big], ['notes.txt', small]];
      for (const [i, [name, bytes]] of want.entries()) {
        const f = answer.files[i];
        expect(f.name === name, `file ${i} is named ${f.name}`);
        expect(f.size === bytes.length, `${name}: size ${f.size}, sent ${bytes.length}`);
        expect(f.sha256 === sha256(bytes), `${name}: sha256 ${f.sha256}`);
        expect(sha256(fs.readFileSync(f.saved)) === f.sha256, `${name}: the saved copy differs`);
      }
      await page.screenshot({ path: path.join(opts.artifacts, 'upload.png') });
    });

    await check('no temporary directory is left in the upload folder', async () => {
      const left = fs.readdirSync(path.join(folder, 'saved')).filter((n) => n.startsWith('duplex-upload-'));
      expect(left.length === 0, `left behind: ${left.join(', ')}`);
    });
  }, () => example.child.kill('SIGTERM'));
}

await runChecks(checks, WATCHDOG_MS, main);

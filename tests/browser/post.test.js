// post.test.js — a reader with JavaScript disabled posts a Persian comment
// from the article page in headless Chromium, and sees it held. Prints TAP.
//
// Env: NAZAR_URL (the article page), CHROMIUM (default /usr/bin/chromium),
// NAZAR_SHOT (optional path of a PNG screenshot of the result).
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const articleUrl = process.env.NAZAR_URL;
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const shot = process.env.NAZAR_SHOT || '';

const { tap, ok, chromiumArgs } = require('./tap');

// Each reader gets a fresh profile: no cookies from an earlier run.
async function reader(dirs) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nazar-chromium-'));
  dirs.push(dir);
  return chromium.launchPersistentContext(dir, {
    executablePath,
    headless: true,
    javaScriptEnabled: false,
    locale: 'fa-IR',
    timeout: 60000,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run',
      '--disable-dev-shm-usage'],
  });
}

async function main() {
  if (!articleUrl) throw new Error('NAZAR_URL is not set');
  const dirs = [];
  const contexts = [];
  try {
    const author = await reader(dirs);
    contexts.push(author);
    const page = author.pages()[0] || await author.newPage();
    page.setDefaultTimeout(30000);

    const resp = await page.goto(articleUrl);
    ok(resp && resp.status() === 200, 'the article page loads', resp && resp.status());
    const section = page.locator('section.nazar');
    ok(await section.count() === 1 && await section.getAttribute('dir') === 'rtl',
      'the thread is included in the page, right to left');

    const name = 'نسرین کاظمی';
    const body = 'سلام! ساعت کار کتابخانه در روزهای جمعه چطور است؟';
    await page.fill('#nazar-name', name);
    await page.fill('#nazar-body', body);
    await Promise.all([
      page.waitForURL(/#nazar-comment-\d+$/, { waitUntil: 'load' }),
      page.click('.nazar-form button[type=submit]'),
    ]);
    const url = page.url();
    const m = /#nazar-comment-(\d+)$/.exec(url);
    ok(m && url.startsWith(articleUrl + '#'),
      'submitting lands back on the article at #nazar-comment-N', url);
    const id = m ? m[1] : '0';
    const mine = page.locator(`#nazar-comment-${id}`);
    ok(await mine.count() === 1, 'the new comment is on the page');
    const cls = (await mine.count()) ? await mine.getAttribute('class') : '';
    const text = (await mine.count()) ? await mine.innerText() : '';
    ok(/nazar-pending/.test(cls || '') && text.includes('در انتظار بررسی'),
      'it is marked as awaiting moderation', `${cls}\n${text}`);
    ok(text.includes(body) && text.includes(name), 'it shows the name and text as typed', text);
    if (shot) await page.screenshot({ path: shot, fullPage: true });

    await page.reload();
    ok(await page.locator(`#nazar-comment-${id}.nazar-pending`).count() === 1,
      'it is still there for its author after a reload');

    const other = await reader(dirs);
    contexts.push(other);
    const page2 = other.pages()[0] || await other.newPage();
    await page2.goto(articleUrl);
    ok(await page2.locator('section.nazar').count() === 1 &&
      await page2.locator(`#nazar-comment-${id}`).count() === 0,
      'another reader does not see it');
  } finally {
    for (const c of contexts) await c.close().catch(() => {});
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  }
}

main().then(() => {
  console.log(`1..${tap.n}`);
  process.exit(tap.failed ? 1 : 0);
}, (err) => {
  tap.n++;
  console.log(`not ok ${tap.n} - the browser test ran to the end`);
  console.log(String(err && err.stack || err).split('\n').map((l) => `# ${l}`).join('\n'));
  console.log(`1..${tap.n}`);
  process.exit(1);
});

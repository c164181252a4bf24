// replies.test.js — a comment with more replies than a thread page shows,
// in Persian, in headless Chromium with JavaScript off and on: the article
// shows replies_shown (20) of its 26 replies and a link "۶ پاسخ دیگر"; the
// link is a plain link to a whole page with the comment and all of its
// replies and a way back to the article; a reply of the link's comment
// does not repeat its link; nothing overflows at 360 px. Prints TAP.
//
// Env (see run.sh): NAZAR_URL, NAZAR_CONF, NAZARCTL, CHROMIUM.
'use strict';

const { execFileSync } = require('child_process');
const { chromium } = require('playwright-core');

const { tap, ok, chromiumArgs } = require('./tap');

const articleUrl = process.env.NAZAR_URL;
const conf = process.env.NAZAR_CONF;
const nazarctl = process.env.NAZARCTL;
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const article = articleUrl ? articleUrl.replace(/.*\//, '') : '';
const REPLIES = 26;

function ctl(...args) {
  return execFileSync(nazarctl, ['-c', conf, ...args], { encoding: 'utf8' }).trim();
}

// The comment and its replies, published; returns the comment's id.
function seed() {
  const out = ctl('comment', 'add', '--article', article, '--name', 'نیما', '--status',
    'approved', '--body', 'نظری که پاسخ‌های بسیار گرفت');
  const id = (out.match(/\d+/) || [])[0];
  for (let i = 1; i <= REPLIES; i++) {
    ctl('comment', 'add', '--article', article, '--parent', id, '--name', `خواننده ${i}`,
      '--status', 'approved', '--body', `پاسخ آزمون ${i}`);
  }
  return id;
}

async function visit(browser, js, width, id) {
  const ctx = await browser.newContext({ javaScriptEnabled: js, viewport: { width, height: 800 } });
  const page = await ctx.newPage();
  const how = `${js ? 'with' : 'without'} the script at ${width} px`;
  await page.goto(articleUrl);
  const shown = await page.locator('.nazar-body', { hasText: 'پاسخ آزمون' }).count();
  const link = page.locator(`#nazar-comment-${id} > .nazar-more a`);
  const text = (await link.count()) ? (await link.textContent()).trim() : '';
  ok(shown === 20 && text === '۶ پاسخ دیگر', `${how}: 20 of ${REPLIES} replies, and "۶ پاسخ دیگر"`,
    { shown, text });
  ok(await page.locator('.nazar-more').count() === 1, `${how}: one link, on that comment only`);
  await Promise.all([page.waitForNavigation(), link.click()]);
  const all = await page.locator('.nazar-body', { hasText: 'پاسخ آزمون' }).count();
  ok(/\/comments\/replies\?article=.*&comment=\d+$/.test(page.url()) && all === REPLIES &&
    await page.locator(`#nazar-comment-${id}`).count() === 1,
  `${how}: the link opens a page of the comment and all ${REPLIES} replies`,
  { url: page.url(), all });
  const back = await page.locator('.nazar-back a').getAttribute('href');
  ok(back && back.endsWith(`#nazar-comment-${id}`), `${how}: a way back to the comment`, back);
  const wide = await page.evaluate(() => document.documentElement.scrollWidth >
    document.documentElement.clientWidth);
  ok(!wide, `${how}: nothing wider than the page`);
  await ctx.close();
}

async function main() {
  for (const k of ['NAZAR_URL', 'NAZAR_CONF', 'NAZARCTL']) {
    if (!process.env[k]) throw new Error(`${k} is not set (see run.sh)`);
  }
  const id = seed();
  const browser = await chromium.launch({ executablePath, headless: true, args: chromiumArgs,
    timeout: 60000 });
  try {
    await visit(browser, false, 360, id);
    await visit(browser, true, 1280, id);
  } finally {
    await browser.close().catch(() => {});
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

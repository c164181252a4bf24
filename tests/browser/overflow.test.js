// overflow.test.js — nothing a reader types widens the page: long strings
// without a space (a name typed as "<script>…</script>", a pasted URL, a
// Persian word chain, a Latin one) in every field the thread shows (the
// author's name, the text, its links, a reply's name, the reader's own
// held comment, the form shown again with errors, the reply form the
// script opens), in Persian (right to left) and English (left to right),
// with JavaScript off and on, at 360 px: the page does not scroll sideways
// and no element reaches past its edges. The moderators' queue and the
// comment's own admin page are checked too, since they show the same
// fields. Prints TAP.
//
// Env (see run.sh): NAZAR_URL and NAZAR_EN_URL, NAZAR_BASE, NAZAR_CONF and
// NAZAR_EN_CONF, NAZARCTL, NAZAR_TMP (screenshots go there), CHROMIUM.
'use strict';

const path = require('path');
const { execFileSync } = require('child_process');
const { chromium } = require('playwright-core');

const base = process.env.NAZAR_BASE;
const nazarctl = process.env.NAZARCTL;
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const tmp = process.env.NAZAR_TMP || '';

const { tap, ok, chromiumArgs } = require('./tap');

function site(locale) {
  const url = locale === 'fa' ? process.env.NAZAR_URL : process.env.NAZAR_EN_URL;
  const conf = locale === 'fa' ? process.env.NAZAR_CONF : process.env.NAZAR_EN_CONF;
  const prefix = locale === 'fa' ? '/comments' : '/en-comments';
  return { locale, url, conf, prefix, article: url.replace(/.*\//, ''),
    admin: `${base}${prefix}/admin`, browserLocale: locale === 'fa' ? 'fa-IR' : 'en-GB' };
}

function ctl(s, args, input) {
  return execFileSync(nazarctl, ['-c', s.conf, ...args],
    { encoding: 'utf8', input: input || '', stdio: ['pipe', 'pipe', 'pipe'] }).trim();
}

// The long strings: each at most 80 characters for a name, longer in text.
const names = {
  script: '<script>alert(1)</script>'.repeat(3),
  latin: 'Supercalifragilisticexpialidocious'.repeat(2),
  persian: 'کتابخانه‌مرکزی‌شهر'.repeat(4),
};
const url = `https://example.com/${'a/b-c_d'.repeat(60)}?q=${'x'.repeat(200)}`;
const bodies = {
  latin: 'A'.repeat(1500),
  persian: 'ب'.repeat(1500),
  url: `see ${url} and www.${'e'.repeat(180)}.com`,
  mixed: `${'کتاب'.repeat(200)}${'book'.repeat(200)}`,
};

const cleanup = [];

function seed(s) {
  const add = (name, body, status, parent) => ctl(s, ['comment', 'add', '--article', s.article,
    '--name', name, '--status', status, '--body', body, ...(parent ? ['--parent', parent] : [])]);
  const ids = [];
  ids.push(add(names.script, bodies.latin, 'approved'));
  ids.push(add(names.persian, bodies.persian, 'approved'));
  ids.push(add(names.latin, bodies.url, 'approved', ids[0]));
  ids.push(add(names.persian, bodies.mixed, 'approved', ids[2]));
  ids.push(add(names.latin, bodies.mixed, 'pending'));
  cleanup.push(() => { for (const id of ids) ctl(s, ['comment', 'delete', id]); });
  return ids;
}

// The page at 360 px: its width, and the elements that reach past it
// (but for what a scrolling box holds).
async function measure(page) {
  return page.evaluate(() => {
    const w = document.documentElement.clientWidth;
    const wide = [];
    const inScroller = (el) => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        if (/^(auto|scroll|hidden|clip)$/.test(getComputedStyle(p).overflowX)) return true;
      }
      return false;
    };
    for (const el of document.querySelectorAll('body *')) {
      if (inScroller(el)) continue;
      const r = el.getBoundingClientRect();
      if (r.width > 0 && (r.right > w + 1 || r.left < -1)) {
        wide.push(`${el.tagName.toLowerCase()}.${el.className} ${Math.round(r.left)}..${
          Math.round(r.right)}`);
      }
    }
    return { scroll: document.documentElement.scrollWidth, width: w, wide: wide.slice(0, 8) };
  });
}

let shots = 0;
async function narrow(page, label) {
  const f = await measure(page);
  if (tmp) {
    shots++;
    // The first screen only: the check is measure()'s; a whole page of
    // long unbroken text at 360 px is tens of thousands of pixels tall,
    // and drawing it all took Chromium past the time limit on a busy
    // machine.
    await page.screenshot({ path: path.join(tmp, `overflow-${String(shots).padStart(2, '0')}.png`) });
  }
  ok(f.scroll <= f.width && f.wide.length === 0, `360 px: ${label}: nothing overflows sideways`, f);
}

async function reader(browser, s, js) {
  const L = (what) => `${s.locale} JS ${js ? 'on' : 'off'}: ${what}`;
  const ctx = await browser.newContext({ locale: s.browserLocale, javaScriptEnabled: js,
    viewport: { width: 360, height: 740 } });
  const page = await ctx.newPage();
  page.setDefaultTimeout(20000);
  await page.goto(s.url);
  const shown = await page.locator('.nazar-author').allTextContents();
  ok(shown.includes(names.script) && shown.includes(names.persian) && shown.includes(names.latin),
    L('the long names are shown as typed'), shown);
  await narrow(page, L('the thread with long names, words and links'));
  await page.goto(`${base}${s.prefix}/embed?article=${encodeURIComponent(s.article)}`);
  await narrow(page, L('the embed page'));
  await page.goto(s.url);

  // The reader's own comment, held: its name and text shown to its author.
  await page.fill('#nazar-name', names.script);
  await page.fill('#nazar-body', `${bodies.url} ${js ? 'on' : 'off'}`);
  await Promise.all([
    js ? page.waitForSelector('.nazar-pending') : page.waitForURL(/#nazar-comment-\d+$/,
      { waitUntil: 'load' }),
    page.click('.nazar-form button[type=submit]'),
  ]);
  const own = js ? await page.locator('.nazar-pending').first().getAttribute('id') :
    (/#(nazar-comment-\d+)$/.exec(page.url()) || [])[1];
  ok(own, L('the reader\'s own long comment is held and shown'), page.url());
  if (own) cleanup.push(() => ctl(s, ['comment', 'delete', own.replace(/\D+/g, '')]));
  await narrow(page, L('the reader\'s own held comment'));

  // The form again with errors: a long address without a domain, a text
  // over the limit; every value kept as typed.
  if (js) await page.goto(s.url);
  await page.fill('#nazar-name', names.persian);
  await page.fill('#nazar-email', `${'m'.repeat(60)}@localhost`);
  await page.fill('#nazar-body', 'خ'.repeat(5001));
  if (js) {
    await Promise.all([page.waitForSelector('[aria-invalid="true"]'),
      page.click('.nazar-form button[type=submit]')]);
  } else {
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }),
      page.click('.nazar-form button[type=submit]')]);
  }
  ok(await page.locator('[aria-invalid="true"]').count() >= 2, L('the errors are shown'));
  await narrow(page, L('the form with errors and long values'));

  if (js) {
    // The reply form the script opens under a comment with a long name.
    await page.goto(s.url);
    await page.locator('.nazar-reply').first().click();
    await page.waitForTimeout(100);
    await narrow(page, L('the reply form open under a long comment'));
  }
  await ctx.close();
}

async function moderator(browser, s) {
  const L = (what) => `${s.locale} admin: ${what}`;
  const user = `overflow-${s.locale}`;
  const password = 'overflow-password-1403';
  ctl(s, ['user', 'add', user, '--role', 'moderator', '--display-name',
    s.locale === 'fa' ? 'ناظر عریض' : 'Wide Watch'], `${password}\n`);
  const ctx = await browser.newContext({ locale: s.browserLocale,
    viewport: { width: 360, height: 740 } });
  const page = await ctx.newPage();
  page.setDefaultTimeout(20000);
  await page.goto(`${s.admin}/`);
  await page.fill('#nazar-username', user);
  await page.fill('#nazar-password', password);
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }),
    page.click('.nazar-login button[type=submit]')]);
  // Signing in lands on the overview: its busiest articles hold the long ids.
  await narrow(page, L('the overview'));
  await page.goto(`${s.admin}/queue?status=approved`);
  await narrow(page, L('the queue of long comments'));
  const first = await page.locator('a[href*="/admin/comments/"]').first().getAttribute('href');
  if (first) {
    await page.goto(new URL(first, page.url()).href);
    await narrow(page, L('a long comment\'s own page'));
  }
  await ctx.close();
}

async function main() {
  for (const k of ['NAZAR_URL', 'NAZAR_EN_URL', 'NAZAR_BASE', 'NAZAR_CONF', 'NAZAR_EN_CONF', 'NAZARCTL']) {
    if (!process.env[k]) throw new Error(`${k} is not set (see run.sh)`);
  }
  const browser = await chromium.launch({ executablePath, headless: true, args: chromiumArgs,
    timeout: 60000 });
  try {
    for (const locale of ['fa', 'en']) {
      const s = site(locale);
      seed(s);
      await reader(browser, s, false);
      await reader(browser, s, true);
      await moderator(browser, s);
    }
  } finally {
    await browser.close().catch(() => {});
    for (const undo of cleanup) {
      try { undo(); } catch (e) { ok(false, 'the test undoes what it left behind', String(e)); }
    }
  }
}

main().then(() => {
  console.log(`1..${tap.n}`);
  process.exit(tap.failed ? 1 : 0);
}, (e) => {
  ok(false, 'overflow.test.js runs to the end', String(e && e.stack || e));
  console.log(`1..${tap.n}`);
  process.exit(1);
});

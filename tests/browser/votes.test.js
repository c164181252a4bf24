// votes.test.js — the agree and disagree buttons, the thread's orders and
// pinned comments, as readers and moderators use them: in Persian and in
// English, with JavaScript on (the vote sent with fetch, the counts changed
// in place, no page load) and off (a plain form: 303 back to the comment),
// at 360 and 1280 px. A vote, taken back, and the other vote; the order
// links (the current one marked, the choice in the URL); a pinned comment
// first with its badge; the moderator's pin, unpin and reset buttons on the
// comment page. Every page checked with axe (WCAG 2.1 A/AA), the Nu HTML
// Checker and for sideways overflow; screenshots of the thread (from its
// heading to its last comment) with earlier readers' votes and a pinned
// comment (copied to NAZAR_SCREENSHOTS_DIR when it is set, for
// docs/screenshots/ by dev/screenshots). Prints TAP.
//
// Env (see run.sh): NAZAR_URL, NAZAR_EN_URL, NAZAR_BASE, NAZAR_CONF,
// NAZAR_EN_CONF, NAZARCTL, NAZAR_TMP, CHROMIUM, JAVA, NAZAR_SCREENSHOTS_DIR.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync, spawnSync } = require('child_process');
const { chromium } = require('playwright-core');

const base = process.env.NAZAR_BASE;
const nazarctl = process.env.NAZARCTL;
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const java = process.env.JAVA || 'java';
const tmp = process.env.NAZAR_TMP || fs.mkdtempSync(path.join(os.tmpdir(), 'nazar-votes-'));
const shotsDir = process.env.NAZAR_SCREENSHOTS_DIR || '';
const axePath = require.resolve('axe-core/axe.min.js');
const vnuJar = path.join(path.dirname(require.resolve('vnu-jar/package.json')), 'build', 'dist', 'vnu.jar');
const axeTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

const { tap, ok, chromiumArgs } = require('./tap');

function site(locale) {
  const url = locale === 'fa' ? process.env.NAZAR_URL : process.env.NAZAR_EN_URL;
  const conf = locale === 'fa' ? process.env.NAZAR_CONF : process.env.NAZAR_EN_CONF;
  const prefix = locale === 'fa' ? '/comments' : '/en-comments';
  return {
    locale, url, conf, prefix,
    article: url ? url.replace(/.*\//, '') : '',
    admin: `${base}${prefix}/admin`,
    browserLocale: locale === 'fa' ? 'fa-IR' : 'en-GB',
    text: locale === 'fa' ?
      { agree: 'موافقم', disagree: 'مخالفم', oldest: 'قدیمی‌ترین', newest: 'تازه‌ترین',
        agreed: 'پرموافق‌ترین', pinned: 'سنجاق‌شده', pin: 'سنجاق کردن بالای گفت‌وگو',
        unpin: 'برداشتن سنجاق', reset: 'صفر کردن رأی‌های این نظر' } :
      { agree: 'Agree', disagree: 'Disagree', oldest: 'Oldest first', newest: 'Newest first',
        agreed: 'Most agreed', pinned: 'Pinned', pin: 'Pin to the top of the thread',
        unpin: 'Unpin', reset: 'Reset this comment\'s votes' },
  };
}

function ctl(s, args, input) {
  return execFileSync(nazarctl, ['-c', s.conf, ...args],
    { encoding: 'utf8', input: input || '', stdio: ['pipe', 'pipe', 'pipe'] }).trim();
}

// A count as shown ("۱۲" or "12"; "" when hidden) as a number.
function count(text) {
  const latin = String(text || '').replace(/[۰-۹]/g, (d) => String('۰۱۲۳۴۵۶۷۸۹'.indexOf(d)));
  return latin === '' ? 0 : Number(latin);
}

// --- the checks every page gets ---
const pages = [];
const documents = [];
let overflowChecked = 0;

async function axe(page, label) {
  await page.addScriptTag({ path: axePath });
  const violations = await page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
      targets: v.nodes.map((x) => x.target.join(' ')) }));
  }, axeTags);
  pages.push({ label, violations });
  ok(violations.length === 0, `axe: ${label}: no WCAG 2.1 A/AA violation`,
    violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.targets.join(', ')}`).join('\n'));
}

function keep(label, html) {
  const file = path.join(tmp, 'vnu-votes', `${String(documents.length + 1).padStart(2, '0')}-${
    label.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '')}.html`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, html);
  documents.push({ label, file });
}

async function narrow(page, label) {
  const f = await page.evaluate(() => {
    const w = document.documentElement.clientWidth;
    const wide = [];
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && (r.right > w + 1 || r.left < -1)) {
        wide.push(`${el.tagName.toLowerCase()}.${el.className} ${Math.round(r.left)}..${Math.round(r.right)}`);
      }
    }
    return { scroll: document.documentElement.scrollWidth, width: w, wide: wide.slice(0, 8) };
  });
  overflowChecked++;
  ok(f.scroll <= f.width && f.wide.length === 0, `${label}: nothing overflows sideways`, f);
}

async function check(page, label, html) {
  if (html) keep(label, html);
  await axe(page, label);
  await narrow(page, label);
}

// The thread from its heading to its last comment (the form and the rest
// of the page are in the other screenshots), so that the picture is small.
async function shot(page, name) {
  const file = path.join(tmp, `${name}.png`);
  const box = await page.evaluate(() => {
    const y = (sel, edge) => document.querySelector(sel).getBoundingClientRect()[edge] + window.scrollY;
    return { top: y('section.nazar', 'top'), bottom: y('.nazar-comments', 'bottom') };
  });
  const pad = 12;
  const top = Math.max(0, Math.floor(box.top - pad));
  await page.screenshot({ path: file, fullPage: true, clip: { x: 0, y: top,
    width: page.viewportSize().width, height: Math.ceil(box.bottom + pad) - top } });
  if (shotsDir) fs.copyFileSync(file, path.join(shotsDir, path.basename(file)));
}

// --- the data ---
// Four comments, oldest to newest, a reply to the first; the third pinned.
function seed(s) {
  const fa = s.locale === 'fa';
  const add = (name, body, parent) => ctl(s, ['comment', 'add', '--article', s.article, '--name', name,
    '--status', 'approved', '--body', body, ...(parent ? ['--parent', parent] : [])]);
  const c = {};
  c.first = add(fa ? 'مریم رضایی' : 'Sara Jones', fa ? 'کتابخانهٔ تازه عالی است.' : 'The new library is great.');
  c.reply = add(fa ? 'علی' : 'Peter Hall', fa ? 'موافقم، ساعت کارش هم خوب است.' : 'Agreed, and the hours are good.', c.first);
  c.second = add(fa ? 'پرویز ناصری' : 'Paul Grey', fa ? 'پارکینگ کافی ندارد.' : 'There is not enough parking.');
  c.third = add(fa ? 'سردبیر' : 'The editors', fa ? 'پاسخ پرسش خبر: روزهای جمعه هم باز است.' :
    'The answer to the story\'s question: it opens on Fridays too.');
  c.fourth = add(fa ? 'زهرا' : 'Zara', fa ? 'کاش زودتر ساخته می‌شد.' : 'If only it had been built sooner.');
  ctl(s, ['comment', 'pin', c.third]);
  const admin = { user: `votes-admin-${s.locale}`, password: 'votes-گذرواژه-1403 x' };
  ctl(s, ['user', 'add', admin.user, '--role', 'admin', '--display-name', fa ? 'ویراستار' : 'Editor'],
    `${admin.password}\n`);
  c.admin = admin;
  return c;
}

// Earlier readers' votes, so that the thread (and its screenshots) looks
// like one under a story people have read: each from a new reader (no
// cookie) through POST /vote, as a browser without the script sends it.
// run.sh lifts the limits per address group: every reader of these tests
// comes from loopback.
async function earlierVotes(s, c) {
  const t = await fetch(`${base}${s.prefix}/thread.json?article=${encodeURIComponent(s.article)}`);
  const token = (await t.json()).form.token;
  const plan = [[c.third, 14, 2], [c.first, 9, 1], [c.reply, 3, 0], [c.second, 5, 6], [c.fourth, 1, 4]];
  let sent = 0;
  const bad = [];
  for (const [id, agree, disagree] of plan) {
    for (const [vote, n] of [['agree', agree], ['disagree', disagree]]) {
      for (let i = 0; i < n; i++) {
        const r = await fetch(`${base}${s.prefix}/vote`, { method: 'POST', redirect: 'manual',
          headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ article: s.article, comment: id, vote, token }).toString() });
        sent++;
        if (r.status !== 200) bad.push(`${id} ${vote}: ${r.status} ${await r.text()}`);
      }
    }
  }
  const shown = plan.map(([id]) => ctl(s, ['comment', 'show', id]).split('\n')
    .find((l) => l.startsWith('votes: ')));
  ok(bad.length === 0 && shown.every((l, i) => l === `votes: agree ${plan[i][1]}, disagree ${plan[i][2]}`),
    `${s.locale}: ${sent} votes of earlier readers, each counted`, { bad: bad.slice(0, 5), shown });
}

// The ids of the top-level comments, in the order shown.
function heads(page) {
  return page.evaluate(() => [...document.querySelectorAll('.nazar-comments > .nazar-comment')]
    .map((e) => e.id.replace('nazar-comment-', '')));
}

// The state of one comment's buttons.
function buttons(page, id) {
  return page.evaluate((cid) => {
    const one = (kind) => {
      const b = document.querySelector(`#nazar-comment-${cid} > footer .nazar-${kind}`);
      return b ? { pressed: b.getAttribute('aria-pressed'), value: b.value,
        count: b.querySelector('.nazar-vote-count').textContent } : null;
    };
    return { agree: one('agree'), disagree: one('disagree') };
  }, id);
}

// Clicks a vote button: with the script, the answer changes the buttons in
// place (the document stays); without it, the form is posted and the page
// comes back at the comment.
async function vote(page, id, kind, js) {
  const sel = `#nazar-comment-${id} > footer .nazar-${kind}`;
  if (js) {
    await page.evaluate(() => { window.nazarMarker = 'still here'; });
    const before = await page.getAttribute(sel, 'aria-pressed');
    await page.click(sel);
    await page.waitForFunction(({ s, b }) => {
      const el = document.querySelector(s);
      return el && el.getAttribute('aria-pressed') !== b &&
        el.closest('form').getAttribute('aria-busy') !== 'true';
    }, { s: sel, b: before });
    return { stayed: await page.evaluate(() => window.nazarMarker === 'still here'), status: 200 };
  }
  const [resp] = await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.click(sel),
  ]);
  const first = resp && resp.request().redirectedFrom();
  const r = first ? await first.response() : null;
  return { stayed: false, status: r ? r.status() : resp && resp.status(), url: page.url() };
}

async function reader(browser, s, c, js, width) {
  const L = (what) => `${s.locale} ${js ? 'JS on' : 'JS off'} ${width} px: ${what}`;
  const ctx = await browser.newContext({ locale: s.browserLocale, bypassCSP: true,
    viewport: { width, height: 900 } });
  const page = await ctx.newPage();
  page.setDefaultTimeout(20000);
  if (!js) {
    await page.route('**/static/nazar.js', (route) => route.fulfill({ status: 200,
      contentType: 'application/javascript; charset=utf-8', body: '' }));
  }
  let resp = await page.goto(s.url);
  if (js) await page.waitForSelector('section.nazar.nazar-votes-js');
  const order = await heads(page);
  ok(order[0] === c.third && await page.locator(`#nazar-comment-${c.third} .nazar-pinned-badge`).count() === 1,
    L('the pinned comment comes first, with its badge'), order);
  const start = await buttons(page, c.second);
  ok(start.agree && start.disagree && start.agree.pressed === 'false' && start.disagree.pressed === 'false',
    L('each published comment has both buttons, none pressed for a new reader'), start);

  // Agree, take it back, disagree.
  let v = await vote(page, c.second, 'agree', js);
  let now = await buttons(page, c.second);
  ok(now.agree.pressed === 'true' && now.agree.value === 'none' &&
    count(now.agree.count) === count(start.agree.count) + 1 && (js ? v.stayed : v.status === 303),
  L(`agree: the button pressed, its count one more${js ? ', in place' : ', after a 303 back to the comment'}`),
  { start, now, v });
  if (!js) ok(/#nazar-comment-\d+$/.test(page.url()), L('back at the comment'), page.url());
  if (js) await shot(page, `votes-${s.locale}-${width}`);
  await check(page, L('the thread with a vote'), js ? null : await (await page.request.get(page.url())).text());
  v = await vote(page, c.second, 'agree', js);
  now = await buttons(page, c.second);
  ok(now.agree.pressed === 'false' && now.agree.value === 'agree' &&
    count(now.agree.count) === count(start.agree.count), L('pressed again: the vote taken back'), { start, now });
  v = await vote(page, c.second, 'disagree', js);
  now = await buttons(page, c.second);
  ok(now.disagree.pressed === 'true' && now.agree.pressed === 'false' &&
    count(now.disagree.count) === count(start.disagree.count) + 1, L('disagree instead'), { start, now });
  // Keyboard: the agree button of the fourth, by Tab and Enter.
  await page.focus(`#nazar-comment-${c.fourth} > footer .nazar-agree`);
  if (js) {
    await page.keyboard.press('Enter');
    await page.waitForFunction((id) => document.querySelector(
      `#nazar-comment-${id} > footer .nazar-agree`).getAttribute('aria-pressed') === 'true', c.fourth);
  } else {
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
  }
  ok((await buttons(page, c.fourth)).agree.pressed === 'true', L('a vote with the keyboard (Enter)'));

  // The orders: plain links, the choice in the URL.
  for (const which of ['newest', 'agreed', 'oldest']) {
    const [r] = await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      page.click(`.nazar-sort a:text-is("${s.text[which]}")`),
    ]);
    const o = await heads(page);
    const current = await page.evaluate(() => {
      const a = document.querySelector('.nazar-sort a[aria-current="true"]');
      return a ? a.textContent : null;
    });
    let right;
    if (which === 'newest') right = o.join() === [c.third, c.fourth, c.second, c.first].join();
    else if (which === 'oldest') right = o.join() === [c.third, c.first, c.second, c.fourth].join();
    else {
      const counts = await page.evaluate((ids) => ids.map((id) => document.querySelector(
        `#nazar-comment-${id} > footer .nazar-agree .nazar-vote-count`).textContent), o.slice(1));
      right = o[0] === c.third && counts.map(count).every((n, i, a) => i === 0 || a[i - 1] >= n);
    }
    ok(r && r.status() === 200 && current === s.text[which] && right &&
      (which === 'oldest' || page.url().includes(`sort=${which}`)),
    L(`the order "${which}": the link marked current, the pinned one first, the rest in order`),
    { url: page.url(), current, o });
    if (which === 'newest') {
      ok(await page.locator(`#nazar-comment-${c.first} .nazar-replies #nazar-comment-${c.reply}`).count() === 1,
        L('newest first: the reply stays under its parent'));
      await check(page, L('the thread newest first'), js ? null : await r.text());
    }
  }
  await ctx.close();
}

// The moderator pins, unpins and resets votes on the comment page.
async function moderator(browser, s, c, js, width) {
  const L = (what) => `${s.locale} ${js ? 'JS on' : 'JS off'} ${width} px: ${what}`;
  const ctx = await browser.newContext({ locale: s.browserLocale, bypassCSP: true,
    viewport: { width, height: 900 } });
  const page = await ctx.newPage();
  page.setDefaultTimeout(20000);
  if (!js) {
    await page.route('**/static/*.js', (route) => route.fulfill({ status: 200,
      contentType: 'application/javascript; charset=utf-8', body: '' }));
  }
  await page.goto(`${s.admin}/`);
  await page.fill('#nazar-username', c.admin.user);
  await page.fill('#nazar-password', c.admin.password);
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }),
    page.click('.nazar-login button[type=submit]')]);
  const queue = await page.goto(`${s.admin}/queue?status=approved`);
  ok(queue && queue.status() === 200 && await page.locator(`#nazar-item-${c.second} .nazar-item-votes`).count() === 1,
    L('the queue shows a comment\'s votes'));
  let resp = await page.goto(`${s.admin}/comments/${c.first}`);
  await check(page, L('the comment page with its pin button'), js ? null : await resp.text());
  await Promise.all([page.waitForURL(/done=pinned/, { waitUntil: 'load' }),
    page.click(`.nazar-pin button:text-is("${s.text.pin}")`)]);
  const thread = await page.request.get(s.url);
  const html = await thread.text();
  ok(html.indexOf(`id="nazar-comment-${c.third}"`) < html.indexOf(`id="nazar-comment-${c.first}"`) &&
    html.indexOf(`id="nazar-comment-${c.first}"`) < html.indexOf(`id="nazar-comment-${c.second}"`) &&
    await page.locator('.nazar-pin button').textContent() === s.text.unpin,
  L('pinned from the comment page: first after the one pinned before, the button now unpins'));
  await Promise.all([page.waitForURL(/done=unpinned/, { waitUntil: 'load' }),
    page.click(`.nazar-pin button:text-is("${s.text.unpin}")`)]);
  ok(await page.locator('.nazar-pin button').textContent() === s.text.pin, L('unpinned again'));
  resp = await page.goto(`${s.admin}/comments/${c.fourth}`);
  ok(await page.locator('.nazar-item-votes').count() === 1, L('the comment page shows the votes'));
  await check(page, L('the comment page with votes'), js ? null : await resp.text());
  await Promise.all([page.waitForURL(/done=votes/, { waitUntil: 'load' }),
    page.click(`.nazar-reset-votes button:text-is("${s.text.reset}")`)]);
  ok(await page.locator('.nazar-item-votes').count() === 0 &&
    ctl(s, ['comment', 'show', c.fourth]).includes('votes: agree 0, disagree 0'),
  L('the votes reset from the comment page'));
  await ctx.close();
}

function vnu() {
  if (documents.length === 0) return;
  const r = spawnSync(java, ['-jar', vnuJar, '--format', 'json', '--errors-only',
    ...documents.map((d) => d.file)], { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 120000 });
  if (r.error || (r.status !== 0 && r.status !== 1)) {
    ok(false, 'vnu.jar runs (Debian\'s java)', String(r.error || r.stderr).slice(0, 2000));
    return;
  }
  let messages;
  try {
    messages = JSON.parse(r.stderr || r.stdout).messages;
  } catch (e) {
    ok(false, 'vnu.jar answers JSON', String(e));
    return;
  }
  const errors = messages.filter((m) => m.type === 'error' || m.subType === 'fatal');
  for (const d of documents) {
    const mine = errors.filter((m) => m.url && decodeURIComponent(m.url).endsWith(d.file));
    ok(mine.length === 0, `vnu: ${d.label}: valid HTML`, mine.map((m) =>
      `line ${m.lastLine}: ${m.message}`).join('\n'));
  }
  console.log(`# documents checked with vnu: ${documents.length}, errors: ${errors.length}`);
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
      const c = seed(s);
      await earlierVotes(s, c);
      for (const js of [true, false]) {
        for (const width of [360, 1280]) {
          await reader(browser, s, c, js, width);
        }
        await moderator(browser, s, c, js, js ? 1280 : 360);
      }
    }
  } finally {
    await browser.close().catch(() => {});
  }
  vnu();
  const total = pages.reduce((t, p) => t + p.violations.reduce((u, v) => u + v.targets.length, 0), 0);
  console.log(`# pages checked with axe: ${pages.length}, violations: ${total}`);
  console.log(`# pages checked for overflow: ${overflowChecked}`);
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

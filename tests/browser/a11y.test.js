// a11y.test.js — every page of nazar, in Persian and in English, checked
// the way a reader's and a moderator's tools see it: axe-core (WCAG 2.1 A
// and AA) on the article page with its thread, the embed page, the form
// shown again with its errors, the sign-in page (also with an error), the
// queue, a comment page, the users, account, audit, blocklist and outbox
// pages, the page behind a link in mail to readers; the
// Nu HTML Checker (vnu.jar, run once with Debian's java) on the HTML each of
// them was served as, and on the thread fragment wrapped in a minimal
// document; nothing overflows sideways at 360 px; and the layout reads in
// the site's direction: in Persian the thread's text is right-aligned and
// the form reads right to left, a name mixing Persian and English keeps its
// own order in both locales. Prints TAP, with each violation and each
// checker error as diagnostics, and the totals as comments.
//
// Env (see run.sh): NAZAR_URL and NAZAR_EN_URL (this test's article on the
// Persian and the English site), NAZAR_BASE, NAZAR_CONF and NAZAR_EN_CONF,
// NAZARCTL, NAZAR_TMP (the checked documents go there), CHROMIUM (default
// /usr/bin/chromium), JAVA (default java).
//
// The axe script is injected by Playwright into pages whose CSP allows
// scripts only from nazar's own files, so the contexts bypass the CSP (the
// CSP itself is admin.test.js's business).
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
const tmp = process.env.NAZAR_TMP || fs.mkdtempSync(path.join(os.tmpdir(), 'nazar-a11y-'));
const axePath = require.resolve('axe-core/axe.min.js');
const vnuJar = path.join(path.dirname(require.resolve('vnu-jar/package.json')), 'build', 'dist', 'vnu.jar');
const axeTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

const { tap, ok, chromiumArgs } = require('./tap');


// The two sites run.sh serves: the same nazar in Persian under /comments/
// and in English under /en-comments/, each with its own database.
function site(locale) {
  const url = locale === 'fa' ? process.env.NAZAR_URL : process.env.NAZAR_EN_URL;
  const conf = locale === 'fa' ? process.env.NAZAR_CONF : process.env.NAZAR_EN_CONF;
  const prefix = locale === 'fa' ? '/comments' : '/en-comments';
  return {
    locale, url, conf, prefix,
    article: url ? url.replace(/.*\//, '') : '',
    admin: `${base}${prefix}/admin`,
    browserLocale: locale === 'fa' ? 'fa-IR' : 'en-GB',
    dir: locale === 'fa' ? 'rtl' : 'ltr',
  };
}

function ctl(s, args, input) {
  return execFileSync(nazarctl, ['-c', s.conf, ...args],
    { encoding: 'utf8', input: input || '', stdio: ['pipe', 'pipe', 'pipe'] }).trim();
}

// What the test leaves behind is undone at the end (comments still held
// would show up in the other tests' queue and its screenshots).
const cleanup = [];

// --- what is checked ---
const pages = [];      // { label, violations }
const documents = [];  // { label, file }
let overflowChecked = 0;

// axe at a desktop's width and again at a phone's (where tables scroll and
// fields wrap); each violation once per element and width.
async function axe(page, label) {
  await page.addScriptTag({ path: axePath });
  const size = page.viewportSize();
  const violations = [];
  for (const width of [size.width, 360]) {
    await page.setViewportSize({ width, height: size.height });
    const found = await page.evaluate(async (tags) => {
      const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags },
        resultTypes: ['violations'] });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
        targets: v.nodes.map((x) => x.target.join(' ')) }));
    }, axeTags);
    for (const v of found) violations.push({ ...v, width });
  }
  await page.setViewportSize(size);
  pages.push({ label, violations });
  const lines = [];
  for (const v of violations) {
    for (const t of v.targets) lines.push(`${v.id} (${v.impact}, ${v.width} px): ${v.help} — ${t}`);
  }
  ok(violations.length === 0, `axe: ${label}: no WCAG 2.1 A/AA violation at ${size.width} or 360 px`,
    lines.join('\n'));
}

// The HTML as served (not the DOM after scripts), kept for vnu.
function keep(label, html) {
  const file = path.join(tmp, 'vnu', `${String(documents.length + 1).padStart(2, '0')}-${
    label.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '')}.html`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, html);
  documents.push({ label, file });
}

// Nothing sticks out sideways on a 360 px wide screen: the page does not
// scroll sideways and no element reaches past its edges, but for what a
// scrolling box (a wide table) holds. The viewport is put back afterwards.
async function narrow(page, label) {
  const size = page.viewportSize();
  await page.setViewportSize({ width: 360, height: 740 });
  const f = await page.evaluate(() => {
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
        wide.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${el.className} ${
          Math.round(r.left)}..${Math.round(r.right)}`);
      }
    }
    return { scroll: document.documentElement.scrollWidth, width: w, wide: wide.slice(0, 8) };
  });
  await page.setViewportSize(size);
  overflowChecked++;
  ok(f.scroll <= f.width && f.wide.length === 0, `360 px: ${label}: nothing overflows sideways`, f);
}

async function check(page, label, resp) {
  ok(resp !== null, `${label}: the page was served`, page.url());
  if (resp) keep(label, await resp.text());
  await axe(page, label);
  await narrow(page, label);
}

async function main() {
  for (const k of ['NAZAR_URL', 'NAZAR_EN_URL', 'NAZAR_BASE', 'NAZAR_CONF', 'NAZAR_EN_CONF', 'NAZARCTL']) {
    if (!process.env[k]) throw new Error(`${k} is not set (see run.sh)`);
  }
  const browser = await chromium.launch({ executablePath, headless: true, args: chromiumArgs,
    timeout: 60000 });
  try {
    await canary(browser);
    for (const locale of ['fa', 'en']) {
      const s = site(locale);
      const seeded = seed(s);
      await reader(browser, s, seeded);
      await moderator(browser, s, seeded);
    }
  } finally {
    await browser.close().catch(() => {});
    for (const undo of cleanup) {
      try { undo(); } catch (e) { ok(false, 'the test undoes what it left behind', String(e)); }
    }
  }
  vnu();
  const total = pages.reduce((t, p) => t + p.violations.reduce((u, v) => u + v.targets.length, 0), 0);
  console.log(`# pages checked with axe: ${pages.length}, violations: ${total}`);
  console.log(`# pages checked at 360 px: ${overflowChecked}`);
}

// axe must be able to fail: a field without a label and grey on grey.
async function canary(browser) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.setContent('<!doctype html><html lang="en"><head><title>t</title></head><body><main>' +
    '<p style="color:#bbb;background:#ccc">faint</p><input name="q"></main></body></html>');
  await page.addScriptTag({ path: axePath });
  const ids = await page.evaluate(async (tags) => (await window.axe.run(document,
    { runOnly: { type: 'tag', values: tags } })).violations.map((v) => v.id), axeTags);
  ok(ids.includes('label') && ids.includes('color-contrast'),
    'axe finds an unlabelled field and faint text (its silence means something)', ids);
  await ctx.close();
}

// --- the data every page shows ---
// A moderator of each kind, comments approved, held and replied to, names
// that mix scripts, a link, and a blocklist entry.
function seed(s) {
  const fa = s.locale === 'fa';
  const admin = { user: `a11y-admin-${s.locale}`, password: 'a11y-گذرواژه-1403 x',
    display: fa ? 'نگار دسترس‌پذیر' : 'Nora Access' };
  ctl(s, ['user', 'add', admin.user, '--role', 'admin', '--display-name', admin.display],
    `${admin.password}\n`);
  ctl(s, ['user', 'add', `a11y-mod-${s.locale}`, '--role', 'moderator', '--display-name',
    fa ? 'بهرام ناظر' : 'Ben Watch'], 'another-password-1403\n');
  const add = (name, body, status, parent) => ctl(s, ['comment', 'add', '--article', s.article,
    '--name', name, '--status', status, '--body', body, ...(parent ? ['--parent', parent] : [])]);
  const out = { admin };
  // A short line of text in the site's language, so that its alignment
  // shows; a name in the other script's order; a reply; a link.
  out.short = add(fa ? 'مریم رضایی' : 'Sara Jones', fa ? 'خبر خوبی بود.' : 'Good news.', 'approved');
  out.mixed = add(fa ? 'Sara علی Jones' : 'علی Smith رضایی',
    fa ? 'کتابخانه روزهای جمعه هم باز است؟' : 'Is it open on Fridays?', 'approved');
  out.reply = add(fa ? 'Sara Jones' : 'Peter Hall', fa ? 'Yes, from ten in the morning; see https://example.com/hours' :
    'Yes, from ten in the morning; see https://example.com/hours', 'approved', out.mixed);
  out.held = add(fa ? 'پرویز ناصری' : 'Paul Grey', fa ? 'پاسخ من هنوز منتظر بررسی است.' :
    'My answer still awaits a moderator.', 'pending', out.short);
  out.held2 = add(fa ? 'Ali 2' : 'زهرا ۲', fa ? 'A second comment, waiting.' : 'نظر دوم، در انتظار.', 'pending');
  cleanup.push(() => {
    for (const id of [out.held, out.held2]) ctl(s, ['comment', 'delete', id]);
  });
  const block = fa ? 'کلاهبرداری‌آزمایشی' : 'testscamword';
  ctl(s, ['block', 'add', 'word', block, '--action', 'hold', '--note', fa ? 'آزمون' : 'a test']);
  ctl(s, ['block', 'add', 'address', '203.0.113.0/24', '--action', 'spam']);
  cleanup.push(() => {
    ctl(s, ['block', 'remove', 'word', block]);
    ctl(s, ['block', 'remove', 'address', '203.0.113.0/24']);
  });
  return out;
}

// --- the reader's pages ---
async function reader(browser, s, seeded) {
  const ctx = await browser.newContext({ locale: s.browserLocale, bypassCSP: true,
    viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  page.setDefaultTimeout(20000);
  const L = (what) => `${s.locale} ${what}`;

  // The plain form, as without JavaScript: nazar.js answers empty, so the
  // browser posts the form itself and gets the page back (axe still runs).
  await page.route('**/static/nazar.js', (route) => route.fulfill({ status: 200,
    contentType: 'application/javascript; charset=utf-8', body: '' }));
  await page.goto(s.url);
  const name = s.locale === 'fa' ? 'رضا Kamali' : 'Rosa Kamali';
  await page.fill('#nazar-name', name);
  await page.fill('#nazar-body', s.locale === 'fa' ? 'این نظر منتظر بررسی می‌ماند.' :
    'This comment waits for a moderator.');
  await Promise.all([
    page.waitForURL(/#nazar-comment-\d+$/, { waitUntil: 'load' }),
    page.click('.nazar-form button[type=submit]'),
  ]);
  const own = (/#nazar-comment-(\d+)$/.exec(page.url()) || [])[1];
  ok(own && await page.locator(`#nazar-comment-${own}.nazar-pending`).count() === 1,
    L('the reader\'s own comment is held and shown as such'), page.url());
  if (own) cleanup.push(() => ctl(s, ['comment', 'delete', own]));

  // Errors next to their fields: an address without a domain (the browser
  // lets it through) and a text over the limit.
  await page.fill('#nazar-name', name);
  await page.fill('#nazar-email', 'reader@localhost');
  await page.fill('#nazar-body', 'خ'.repeat(5001));
  const [errResp] = await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.click('.nazar-form button[type=submit]'),
  ]);
  const errs = await page.evaluate(() => [...document.querySelectorAll('[aria-invalid="true"]')]
    .map((f) => ({ id: f.id, described: (f.getAttribute('aria-describedby') || '').split(' ')
      .map((i) => document.getElementById(i)).filter(Boolean).map((e) => e.textContent) })));
  ok(errResp && errResp.status() === 422 && errs.length === 2 && errs.every((e) => e.described.length === 1),
    L('the form with errors: 422, both fields marked invalid and described by their error'),
    { status: errResp && errResp.status(), errs });
  await check(page, L('the form with errors (422)'), errResp);
  await page.unroute('**/static/nazar.js');

  // The article page with the thread, enhanced by the script.
  let resp = await page.goto(s.url);
  await page.waitForSelector('section.nazar.nazar-js');
  await check(page, L('the article page with its thread'), resp);
  await layout(page, s, seeded);

  resp = await page.goto(`${base}${s.prefix}/embed?article=${encodeURIComponent(s.article)}`);
  await page.waitForSelector('section.nazar.nazar-js');
  await check(page, L('the embed page'), resp);

  // The page behind a link in mail to a reader; this link is not one, and
  // the page says so.
  resp = await page.goto(`${base}${s.prefix}/confirm?t=not-a-token`);
  ok(resp && resp.status() === 400 && await page.locator('main h1').count() === 1 &&
    await page.locator('[role=alert]').count() === 1,
  L('a mail link that is not valid: a page that says so (400)'), resp && resp.status());
  await check(page, L('the page of a mail link'), resp);
  resp = await page.goto(`${base}${s.prefix}/decide?t=not-a-token`);
  ok(resp && resp.status() === 400 && await page.locator('[role=alert]').count() === 1,
    L('a moderator\'s mail link that is not valid: a page that says so (400)'),
    resp && resp.status());
  await check(page, L('the page of a moderator\'s mail link'), resp);

  // The fragment alone, as SSI includes it, in a minimal document.
  const frag = await page.request.get(`${base}${s.prefix}/thread?article=${encodeURIComponent(s.article)}`);
  ok(frag.status() === 200, L('the thread fragment is served'), frag.status());
  keep(L('the thread fragment'), `<!doctype html><html lang=${s.locale} dir=${s.dir}><head>` +
    `<meta charset=utf-8><title>t</title></head><body>${await frag.text()}</body></html>`);
  await ctx.close();
}

// In the site's direction: the thread's text and the form start at the
// right in Persian; a name mixing scripts keeps its own order and stays
// apart from the date beside it.
async function layout(page, s, seeded) {
  const L = (what) => `${s.locale} ${what}`;
  const got = await page.evaluate(({ short, mixed, words }) => {
    const box = (node, from, to) => {
      const r = document.createRange();
      if (from === undefined) r.selectNodeContents(node);
      else { r.setStart(node, from); r.setEnd(node, to); }
      return r.getBoundingClientRect();
    };
    const body = document.querySelector(`#nazar-comment-${short} > .nazar-body`);
    const para = body.querySelector('p') || body;
    const inner = para.getBoundingClientRect();
    const text = box(para);
    const form = document.querySelector('.nazar-form');
    const label = form.querySelector('label[for="nazar-body"]');
    const area = form.querySelector('#nazar-body').getBoundingClientRect();
    const button = form.querySelector('button[type=submit]').getBoundingClientRect();
    const author = document.querySelector(`#nazar-comment-${mixed} > header .nazar-author`);
    const time = document.querySelector(`#nazar-comment-${mixed} > header time`).getBoundingClientRect();
    const t = author.firstChild;
    const at = {};
    for (const w of words) {
      const i = t.textContent.indexOf(w);
      at[w] = i < 0 ? null : (({ left, right }) => ({ left, right }))(box(t, i, i + w.length));
    }
    return {
      dir: getComputedStyle(document.querySelector('section.nazar')).direction,
      align: getComputedStyle(para).textAlign,
      text: { left: text.left, right: text.right }, para: { left: inner.left, right: inner.right },
      formDir: getComputedStyle(form).direction,
      label: (({ left, right }) => ({ left, right }))(box(label)),
      area: { left: area.left, right: area.right },
      button: { left: button.left, right: button.right },
      name: author.textContent, words: at,
      author: (({ left, right }) => ({ left, right }))(author.getBoundingClientRect()),
      time: { left: time.left, right: time.right },
    };
  }, { short: seeded.short, mixed: seeded.mixed,
    words: s.locale === 'fa' ? ['Sara', 'علی', 'Jones'] : ['علی', 'Smith', 'رضایی'] });
  const near = (a, b) => Math.abs(a - b) < 2;
  if (s.locale === 'fa') {
    ok(got.dir === 'rtl' && near(got.text.right, got.para.right) && got.text.left > got.para.left + 40,
      L('the thread is right to left: a short comment\'s text sits at the right edge'), got);
    ok(got.formDir === 'rtl' && near(got.label.right, got.area.right) && got.label.left > got.area.left + 20 &&
      near(got.button.right, got.area.right),
    L('the form reads right to left: labels and the button start at the right edge'), got);
    // Typed as "Sara علی Jones": a left-to-right name (its first strong
    // letter is Latin) shown in that order, not in the thread's.
    const w = got.words;
    ok(w.Sara && w.Jones && w['علی'] && w.Sara.right <= w['علی'].left + 1 &&
      w['علی'].right <= w.Jones.left + 1 && got.author.left >= got.time.right - 1,
    L('a name mixing English and Persian keeps its order and stays apart from the date'), got);
  } else {
    ok(got.dir === 'ltr' && near(got.text.left, got.para.left) && near(got.label.left, got.area.left),
      L('the thread is left to right: text and labels at the left edge'), got);
    // Typed as "علی Smith رضایی": a right-to-left name (its first strong
    // letter is Persian), so علی is its rightmost word.
    const w = got.words;
    ok(w.Smith && w['علی'] && w['رضایی'] && w['علی'].left >= w.Smith.right - 1 &&
      w.Smith.left >= w['رضایی'].right - 1 && got.author.right <= got.time.left + 1,
    L('a name mixing Persian and English keeps its order and stays apart from the date'), got);
  }
}

// --- the moderator's pages ---
async function moderator(browser, s, seeded) {
  const L = (what) => `${s.locale} ${what}`;
  const ctx = await browser.newContext({ locale: s.browserLocale, bypassCSP: true,
    viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  page.setDefaultTimeout(20000);
  const { user, password } = seeded.admin;
  const signIn = async (pw) => {
    await page.fill('#nazar-username', user);
    await page.fill('#nazar-password', pw);
    const [r] = await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      page.click('.nazar-login button[type=submit]'),
    ]);
    return r;
  };

  let resp = await page.goto(`${s.admin}/`);
  await check(page, L('the sign-in page'), resp);
  resp = await signIn('not-the-password-123');
  ok(resp && resp.status() === 401 && await page.locator('#nazar-page-error').count() === 1,
    L('a wrong password: 401 and the error on the page'), resp && resp.status());
  await check(page, L('the sign-in page with an error'), resp);
  resp = await signIn(password);
  ok(resp && resp.status() === 200 && page.url() === `${s.admin}/overview` &&
    await page.locator('.nazar-chart svg rect').count() > 0,
  L('signed in: the overview, its chart drawn'), page.url());
  await check(page, L('the overview'), resp);
  resp = await page.goto(`${s.admin}/queue`);
  ok(resp && resp.status() === 200 && await page.locator(`#nazar-item-${seeded.held}`).count() === 1,
    L('the queue lists the held comments'), page.url());
  await check(page, L('the queue'), resp);

  // The comment page with an edit in its history and a reply for the site.
  await page.goto(`${s.admin}/comments/${seeded.short}`);
  await page.fill('#nazar-reply-body', s.locale === 'fa' ? 'سپاس از نظر شما.' : 'Thank you for writing.');
  await Promise.all([
    page.waitForURL(/done=reply/, { waitUntil: 'load' }),
    page.click('.nazar-site-reply button[type=submit]'),
  ]);
  await page.fill('#nazar-edit-body', s.locale === 'fa' ? 'خبر بسیار خوبی بود.' : 'Very good news.');
  const [edited] = await Promise.all([
    page.waitForNavigation({ url: /done=edit/, waitUntil: 'load' }),
    page.click('.nazar-edit button[type=submit]'),
  ]);
  ok(await page.locator('.nazar-history li').count() === 1,
    L('the comment page shows the edit in its history'), page.url());
  await check(page, L('the comment page'), edited);

  for (const [where, what] of [['users', 'the users page'], ['account', 'the account page'],
    ['audit', 'the audit page'], ['blocklist', 'the blocklist page'],
    ['outbox?state=all', 'the outbox page']]) {
    resp = await page.goto(`${s.admin}/${where}`);
    ok(resp && resp.status() === 200, L(`${what} is served`), resp && resp.status());
    await check(page, L(what), resp);
  }
  await ctx.close();
}

// --- the Nu HTML Checker, once for every document ---
function vnu() {
  // The checker must be able to fail: a broken document beside the others
  // (a list item outside a list, an image without alt text).
  const canary = path.join(tmp, 'vnu', '00-canary.html');
  fs.mkdirSync(path.dirname(canary), { recursive: true });
  fs.writeFileSync(canary, '<!doctype html><html lang=en><head><meta charset=utf-8><title>t</title>' +
    '</head><body><li>item</li><img src=x.png></body></html>');
  const files = [canary, ...documents.map((d) => d.file)];
  const r = spawnSync(java, ['-jar', vnuJar, '--format', 'json', '--errors-only', ...files],
    { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 120000 });
  if (r.error || (r.status !== 0 && r.status !== 1)) {
    ok(false, 'vnu.jar runs (Debian\'s java)', String(r.error || r.stderr).slice(0, 2000));
    return;
  }
  let messages = null;
  try {
    messages = JSON.parse(r.stderr || r.stdout).messages;
  } catch (e) {
    ok(false, 'vnu.jar answers JSON', `${e}\n${(r.stderr || r.stdout).slice(0, 2000)}`);
    return;
  }
  const all = messages.filter((m) => m.type === 'error' || m.subType === 'fatal');
  const of = (m, file) => m.url && decodeURIComponent(m.url).endsWith(file);
  const caught = all.filter((m) => of(m, canary));
  ok(caught.length >= 2, 'vnu finds the errors of a broken document (its silence means something)',
    caught);
  const errors = all.filter((m) => !of(m, canary));
  for (const d of documents) {
    const mine = errors.filter((m) => of(m, d.file));
    ok(mine.length === 0, `vnu: ${d.label}: valid HTML`, mine.map((m) =>
      `line ${m.lastLine}: ${m.message}${m.extract ? ` — ${m.extract.replace(/\s+/g, ' ')}` : ''}`).join('\n'));
  }
  const orphans = errors.filter((m) => !documents.some((d) => of(m, d.file)));
  ok(orphans.length === 0, 'vnu: no error outside the checked documents', orphans);
  console.log(`# documents checked with vnu: ${documents.length}, errors: ${errors.length}`);
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

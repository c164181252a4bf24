// admin.test.js — the moderator's journey in headless Chromium, in Persian:
// a reader posts two comments and sees them held; a moderator signs in
// (a wrong password first), finds both in the queue with their article and
// Jalali dates, approves one by clicking (JavaScript off) and rejects the
// other from the keyboard (JavaScript on); the reader then sees the approved
// one published and the rejected one marked as not published (for its
// author only); after signing out the back
// button shows nothing private. No page has console errors or CSP
// violations, nothing overflows at 360 px, and screenshots are taken at
// 360 and 1280 px. Prints TAP.
//
// Env (see run.sh): NAZAR_URL (this test's article page), NAZAR_BASE,
// NAZAR_CONF, NAZARCTL, NAZAR_TMP (screenshots go there), CHROMIUM (default
// /usr/bin/chromium), NAZAR_SCREENSHOTS_DIR (optional: the screenshots are
// copied there as admin-PAGE-fa-WIDTH.png, e.g. for docs/screenshots/).
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { chromium } = require('playwright-core');

const articleUrl = process.env.NAZAR_URL;
const base = process.env.NAZAR_BASE;
const conf = process.env.NAZAR_CONF;
const nazarctl = process.env.NAZARCTL;
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const shotsDir = process.env.NAZAR_SCREENSHOTS_DIR || '';
const article = articleUrl ? articleUrl.replace(/.*\//, '') : '';
const admin = `${base}/comments/admin`;

const { tap, ok, chromiumArgs } = require('./tap');

// --- Persian text ---
const faDigits = '۰۱۲۳۴۵۶۷۸۹';
function fa(num) {
  return String(num).replace(/[0-9]/g, (d) => faDigits[d]);
}
function fromFa(s) {
  const t = String(s).trim().replace(/[۰-۹]/g, (d) => String(faDigits.indexOf(d)));
  return /^[0-9]+$/.test(t) ? Number(t) : NaN;
}
// How nazar writes a date in Persian (جمعه ۴ خرداد ۱۳۹۷، ساعت ۱۴:۳۰), in
// the site's time zone, from ICU's Persian calendar: an oracle independent
// of nazar's own conversion. ZWNJ and bidi marks are not compared.
function jalali(iso) {
  const parts = {};
  for (const p of new Intl.DateTimeFormat('fa-IR-u-ca-persian-nu-arabext', {
    timeZone: 'Asia/Tehran', weekday: 'long', day: 'numeric', month: 'long',
    year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(iso))) parts[p.type] = p.value;
  return `${parts.weekday} ${parts.day} ${parts.month} ${parts.year}، ساعت ${parts.hour}:${parts.minute}`;
}
const plain = (s) => String(s).replace(/[\u200c\u200e\u200f\u061c]/g, '').replace(/\s+/g, ' ').trim();
// A <time>: its text is the Jalali date of its datetime, in Persian digits
// only, and that instant is now (give or take the test's own run).
async function jalaliTime(loc) {
  if (await loc.count() !== 1) return { good: false, why: 'no <time>' };
  const iso = await loc.getAttribute('datetime');
  const text = plain(await loc.innerText());
  const want = plain(jalali(iso));
  const age = (Date.now() - Date.parse(iso)) / 1000;
  return {
    good: text === want && /[۰-۹]/.test(text) && !/[0-9]/.test(text) && age > -60 && age < 600,
    why: `shown "${text}", ICU says "${want}" for ${iso} (${Math.round(age)} s ago)`,
  };
}

// --- the browser ---

// Console errors, uncaught exceptions, CSP violations and failed
// subresources of a page, each tagged with what the page was showing.
function watch(page, problems, state) {
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) {
      problems.push({ page: state.label, url: page.url(), console: m.text() });
    }
  });
  page.on('pageerror', (e) => problems.push({ page: state.label, url: page.url(), error: String(e) }));
  page.on('requestfailed', (r) => problems.push({ page: state.label, failed: r.url(),
    why: r.failure() && r.failure().errorText }));
  page.on('response', (r) => {
    if (r.status() >= 400 && r.request().resourceType() !== 'document') {
      problems.push({ page: state.label, url: r.url(), status: r.status() });
    }
  });
}
function problemsOf(problems, label) {
  return problems.filter((p) => p.page === label);
}
function describe(problems) {
  return [...new Set(problems.map((p) => `${p.url || p.failed}: ${p.console || p.error ||
    p.why || p.status}`.slice(0, 240)))].join('\n');
}

// The queue's tabs as { pending: 2, approved: 0, … }.
async function tabCounts(page) {
  const pairs = await page.locator('.nazar-tabs a').evaluateAll((as) => as.map((a) => [
    new URL(a.href).searchParams.get('status'),
    (a.querySelector('.nazar-tab-count') || {}).textContent || '']));
  const out = {};
  for (const [k, v] of pairs) out[k] = fromFa(v);
  return out;
}

async function overflows(page) {
  return page.evaluate(() => {
    const w = document.documentElement.clientWidth;
    const wide = [];
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && (r.right > w + 1 || r.left < -1)) {
        wide.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${el.className} ${Math.round(r.left)}..${Math.round(r.right)}`);
      }
    }
    return { scroll: document.documentElement.scrollWidth, width: w, wide: wide.slice(0, 8) };
  });
}

// Screenshots at a phone's and a desktop's width (restoring the desktop
// size), and the check that nothing overflows sideways at 360 px.
const shots = [];
async function screenshots(page, name) {
  const tmp = process.env.NAZAR_TMP || os.tmpdir();
  let narrow = null;
  for (const [w, h] of [[360, 780], [1280, 900]]) {
    await page.setViewportSize({ width: w, height: h });
    if (w === 360) narrow = await overflows(page);
    const file = path.join(tmp, `admin-${name}-fa-${w}.png`);
    await page.screenshot({ path: file, fullPage: true });
    shots.push(file);
  }
  ok(narrow && narrow.scroll <= 360 && narrow.wide.length === 0,
    `the ${name} page fits a 360 px wide screen: nothing overflows sideways`, narrow);
}

async function signIn(page, user, password) {
  await page.fill('#nazar-username', user);
  await page.fill('#nazar-password', password);
  const [resp] = await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.click('.nazar-login button[type=submit]'),
  ]);
  return resp;
}

async function main() {
  for (const [k, v] of Object.entries({ NAZAR_URL: articleUrl, NAZAR_BASE: base,
    NAZAR_CONF: conf, NAZARCTL: nazarctl })) {
    if (!v) throw new Error(`${k} is not set`);
  }
  // The moderator, made the way an operator makes one.
  const user = 'sara';
  const password = 'سارا-گذرواژه-1403 x';
  const display = 'سارا محمدی';
  execFileSync(nazarctl, ['-c', conf, 'user', 'add', user, '--role', 'moderator',
    '--display-name', display], { input: `${password}\n`, stdio: ['pipe', 'ignore', 'pipe'] });
  const list = execFileSync(nazarctl, ['-c', conf, 'user', 'list'], { encoding: 'utf8' });
  ok(list.split('\n').some((l) => l.includes(user) && l.includes(display) && l.includes('moderator')),
    'nazarctl user add makes the moderator (password on stdin)', list);

  const browser = await chromium.launch({ executablePath, headless: true, args: chromiumArgs,
    timeout: 60000 });
  try {
    await journey(browser, user, password, display);
  } finally {
    await browser.close().catch(() => {});
  }
}

async function journey(browser, user, password, display) {
  const problems = [];
  const ctxOpts = { locale: 'fa-IR', viewport: { width: 1280, height: 900 } };

  // --- 1. a reader posts two comments and sees them held ---
  // JavaScript off: the plain form and its 303 (reader.test.js covers the
  // script, which posts without leaving the page).
  const reader = await browser.newContext({ ...ctxOpts, javaScriptEnabled: false });
  const rp = await reader.newPage();
  rp.setDefaultTimeout(20000);
  const readerName = 'پرویز ناصری';
  const keep = 'تالار مطالعه‌ای که تا نیمه‌شب باز است برای دانشجوها عالی است. دستتان درد نکند!';
  const drop = 'به نظرم تیم ملی بازی دیروز را باید می‌برد؛ داور ناعادلانه سوت زد.';
  const ids = [];
  await rp.goto(articleUrl);
  for (const body of [keep, drop]) {
    await rp.fill('#nazar-name', readerName);
    await rp.fill('#nazar-body', body);
    await Promise.all([
      rp.waitForURL(/#nazar-comment-\d+$/, { waitUntil: 'load' }),
      rp.click('.nazar-form button[type=submit]'),
    ]);
    const m = /#nazar-comment-(\d+)$/.exec(rp.url());
    ids.push(m ? m[1] : '0');
    const mine = rp.locator(`#nazar-comment-${ids[ids.length - 1]}`);
    const text = (await mine.count()) ? await mine.innerText() : '';
    ok(m && await mine.count() === 1 && /nazar-pending/.test(await mine.getAttribute('class')) &&
      text.includes('در انتظار بررسی') && text.includes(body) && text.includes(readerName),
    `the reader posts comment ${ids.length} and sees it awaiting moderation`, `${rp.url()}\n${text}`);
  }
  const [idKeep, idDrop] = ids;
  await rp.reload();
  ok(await rp.locator(`#nazar-comment-${idKeep}.nazar-pending`).count() === 1 &&
    await rp.locator(`#nazar-comment-${idDrop}.nazar-pending`).count() === 1,
  'after a reload the reader still sees both as awaiting moderation');

  // --- 2. the moderator signs in (JavaScript on) ---
  const mod = await browser.newContext(ctxOpts);
  const mp = await mod.newPage();
  mp.setDefaultTimeout(20000);
  const mstate = { label: 'sign-in' };
  watch(mp, problems, mstate);
  // Chromium logs CSP violations as console errors; the page's own event
  // names the directive too. The self-check at the end proves the watcher
  // sees them, so that its silence means something.
  await mod.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });

  let resp = await mp.goto(`${admin}/`);
  const headers = resp ? resp.headers() : {};
  ok(resp && resp.status() === 200 && await mp.locator('form.nazar-login #nazar-password').count() === 1 &&
    (await mp.title()).includes('ورود مدیران') && await mp.getAttribute('html', 'dir') === 'rtl',
  'the admin shows the sign-in form, in Persian, right to left', resp && resp.status());
  ok(/no-store/.test(headers['cache-control'] || '') &&
    /script-src 'self'/.test(headers['content-security-policy'] || ''),
  'the sign-in page is not cached and carries the CSP', headers);
  await screenshots(mp, 'login');

  resp = await signIn(mp, user, 'not-the-password-123');
  const err = mp.locator('#nazar-page-error');
  ok(resp && resp.status() === 401 && await err.count() === 1 &&
    (await err.innerText()).includes('نام کاربری یا گذرواژه نادرست است') &&
    await mp.locator('form.nazar-login #nazar-password').count() === 1 &&
    await mp.inputValue('#nazar-username') === user && await mp.inputValue('#nazar-password') === '',
  'a wrong password: the error is shown, the form again with the name kept and the password empty',
  resp && `${resp.status()} ${mp.url()}`);
  // A wrong password answers 401 with the form; Chromium reports any 4xx
  // document as a failed resource. That one line is expected, nothing else.
  for (let i = problems.length - 1; i >= 0; i--) {
    if (/status of 401/.test(problems[i].console || '') && /\/login$/.test(problems[i].url || '')) {
      problems.splice(i, 1);
    }
  }

  mstate.label = 'overview';
  resp = await signIn(mp, user, password);
  ok(resp && resp.status() === 200 && mp.url() === `${admin}/overview` &&
    await mp.locator('.nazar-chart svg').count() === 1,
  'the right password opens the overview, with its chart', `${mp.url()}`);
  await screenshots(mp, 'overview');
  mstate.label = 'queue';
  resp = await mp.goto(`${admin}/queue`);
  ok(resp && resp.status() === 200 && mp.url() === `${admin}/queue` &&
    (await mp.locator('h1').innerText()).includes('صف بررسی نظرها') &&
    (await mp.locator('.nazar-admin-who').innerText()).includes(display),
  'the queue is one link away, with the moderator\'s name', `${mp.url()}`);

  // Both held comments, with author, text, article and date.
  for (const [id, body] of [[idKeep, keep], [idDrop, drop]]) {
    const item = mp.locator(`#nazar-item-${id}`);
    const exists = await item.count() === 1;
    const text = exists ? await item.innerText() : '';
    const link = item.locator('.nazar-item-article a');
    const href = exists && await link.count() === 1 ? await link.getAttribute('href') : '';
    ok(exists && text.includes(body) && (await item.locator('.nazar-author').innerText()) === readerName &&
      href === articleUrl && (await link.innerText()).trim() === article &&
      (await item.locator('.nazar-status').innerText()).includes('در انتظار'),
    `the queue shows held comment ${id}: its text, author, status and article link`, `${href}\n${text}`);
    const date = exists ? await jalaliTime(item.locator('time')) : { good: false, why: 'missing' };
    ok(date.good, `comment ${id}'s date is the Jalali date in Persian digits`, date.why);
  }
  const counts0 = await tabCounts(mp);
  ok(counts0.pending >= 2 && Number.isInteger(counts0.approved) && Number.isInteger(counts0.rejected),
    'the tabs count each status in Persian digits', counts0);
  await screenshots(mp, 'queue');

  // The keyboard moves between comments and selects without acting.
  const order = await mp.locator('.nazar-items > li').evaluateAll((l) => l.map((e) => e.id));
  const at = order.indexOf(`nazar-item-${idKeep}`);
  for (let i = 0; i <= at; i++) await mp.keyboard.press('j');
  const active = () => mp.evaluate(() => document.activeElement && document.activeElement.id);
  const onKeep = await active();
  await mp.keyboard.press('j');
  const onNext = await active();
  await mp.keyboard.press('k');
  const back = await active();
  const box = mp.locator(`#nazar-select-${idKeep}`);
  await mp.keyboard.press('x');
  const ticked = await box.isChecked();
  await mp.keyboard.press('x');
  ok(at >= 0 && onKeep === `nazar-item-${idKeep}` && onNext === `nazar-item-${idDrop}` &&
    back === `nazar-item-${idKeep}` &&
    await mp.locator(`#nazar-item-${idKeep}.nazar-current`).count() === 1 &&
    ticked && !(await box.isChecked()) && mp.url() === `${admin}/queue`,
  'keys j and k move between comments, x selects and unselects, nothing is decided',
  { order, onKeep, onNext, back, ticked, url: mp.url() });

  // The comment page.
  mstate.label = 'comment';
  resp = await mp.goto(`${admin}/comments/${idKeep}`);
  ok(resp && resp.status() === 200 && (await mp.locator('.nazar-item-page .nazar-body').innerText()).includes(keep) &&
    await mp.locator('#nazar-edit-body').count() === 1 &&
    await mp.locator('.nazar-item-page button.nazar-act-approve').count() === 1,
  'the comment page shows the comment with its actions and the edit form', resp && resp.status());
  await screenshots(mp, 'comment');

  // --- 3a. approve by clicking, JavaScript off ---
  const plainMod = await browser.newContext({ ...ctxOpts, javaScriptEnabled: false });
  const pp = await plainMod.newPage();
  pp.setDefaultTimeout(20000);
  const pstate = { label: 'sign-in' };
  watch(pp, problems, pstate);
  await pp.goto(`${admin}/`);
  pstate.label = 'queue';
  resp = await signIn(pp, user, password);
  ok(resp && resp.status() === 200 && pp.url() === `${admin}/overview`,
    'with JavaScript off the moderator signs in to the overview', pp.url());
  resp = await pp.goto(`${admin}/queue`);
  ok(resp && resp.status() === 200 && pp.url() === `${admin}/queue` &&
    await pp.locator(`#nazar-item-${idKeep}`).count() === 1,
  'with JavaScript off the moderator signs in with the same form and sees the queue', pp.url());
  await Promise.all([
    pp.waitForURL(/done=approve/, { waitUntil: 'load' }),
    pp.click(`#nazar-item-${idKeep} button.nazar-act-approve`),
  ]);
  const notice1 = pp.locator('.nazar-admin-notice');
  const counts1 = await tabCounts(pp);
  ok(await notice1.count() === 1 && plain(await notice1.innerText()) === 'منتشر شد: ۱',
    'clicking "publish" approves it: the notice says so in Persian',
    await notice1.count() ? await notice1.innerText() : pp.url());
  ok(counts1.pending === counts0.pending - 1 && counts1.approved === counts0.approved + 1 &&
    counts1.rejected === counts0.rejected &&
    await pp.locator(`#nazar-item-${idKeep}`).count() === 0 &&
    await pp.locator(`#nazar-item-${idDrop}`).count() === 1,
  'it leaves the pending tab; the counts follow', { before: counts0, after: counts1 });

  // --- 3b. reject from the keyboard, JavaScript on ---
  mstate.label = 'queue';
  await mp.goto(`${admin}/queue`);
  const order2 = await mp.locator('.nazar-items > li').evaluateAll((l) => l.map((e) => e.id));
  const at2 = order2.indexOf(`nazar-item-${idDrop}`);
  for (let i = 0; i <= at2; i++) await mp.keyboard.press('j');
  const focused = await active();
  let rejected = false;
  if (focused === `nazar-item-${idDrop}`) {
    // A key that does nothing must fail this case, not stall the test.
    const landed = mp.waitForURL(/done=reject/, { waitUntil: 'load', timeout: 5000 })
      .then(() => true, () => false);
    await mp.keyboard.press('r');
    rejected = await landed;
  }
  const notice2 = mp.locator('.nazar-admin-notice');
  const counts2 = await tabCounts(mp);
  ok(rejected && await notice2.count() === 1 && plain(await notice2.innerText()) === 'رد شد: ۱',
    'j then r rejects the focused comment: the notice says so',
    { order2, focused, url: mp.url() });
  ok(counts2.pending === counts0.pending - 2 && counts2.approved === counts0.approved + 1 &&
    counts2.rejected === counts0.rejected + 1 && await mp.locator(`#nazar-item-${idDrop}`).count() === 0,
  'the pending tab lost it and the rejected tab counts it', { before: counts0, after: counts2 });
  await mp.goto(`${admin}/queue?status=rejected`);
  ok(await mp.locator(`#nazar-item-${idDrop} .nazar-status-rejected`).count() === 1,
    'the rejected tab lists it as rejected');

  // --- 4. what the reader sees now ---
  await rp.reload();
  const pub = rp.locator(`#nazar-comment-${idKeep}`);
  const pubDate = (await pub.count()) === 1 ?
    await jalaliTime(pub.locator(':scope > header time')) : { good: false, why: 'missing' };
  ok(await pub.count() === 1 && !/nazar-pending/.test(await pub.getAttribute('class')) &&
    !(await pub.innerText()).includes('در انتظار بررسی') && (await pub.innerText()).includes(keep),
  'the reader\'s page shows the approved comment as published', await pub.count() ? await pub.innerText() : '');
  ok(pubDate.good, 'with its Jalali date in Persian digits', pubDate.why);
  // A rejected comment is not published; its author is told so (their
  // signed cookie lists it) instead of seeing their words vanish.
  const dropped = rp.locator(`#nazar-comment-${idDrop}`);
  ok(await dropped.count() === 1 && /nazar-rejected/.test(await dropped.getAttribute('class')) &&
    (await dropped.innerText()).includes('منتشر نشد') &&
    await dropped.locator('.nazar-reply').count() === 0,
  'the rejected comment shows to its author as not published, without a reply link',
    await dropped.count() ? await dropped.innerText() : 'missing');
  const other = await browser.newContext(ctxOpts);
  const op = await other.newPage();
  await op.goto(articleUrl);
  ok(await op.locator(`#nazar-comment-${idKeep}`).count() === 1 &&
    await op.locator(`#nazar-comment-${idDrop}`).count() === 0,
  'another reader sees the approved comment and not the rejected one');
  await other.close();

  // --- 5. signing out; the back button shows nothing private ---
  mstate.label = 'queue';
  await mp.goto(`${admin}/queue?status=approved`);
  const hadIt = await mp.locator(`#nazar-item-${idKeep}`).count() === 1;
  mstate.label = 'sign-out';
  await Promise.all([
    mp.waitForURL(/signed_out=1/, { waitUntil: 'load' }),
    mp.click('.nazar-logout button[type=submit]'),
  ]);
  ok(hadIt && await mp.locator('form.nazar-login').count() === 1 &&
    (await mp.locator('.nazar-admin-notice').innerText()).includes('از حساب خود خارج شدید'),
  'signing out lands on the sign-in form with a notice', mp.url());
  for (const [pg, label] of [[mp, 'JavaScript on'], [pp, null]]) {
    if (label === null) {
      pstate.label = 'sign-out';
      // The JavaScript-off window signs out too, from its own page.
      await Promise.all([
        pp.waitForURL(/signed_out=1/, { waitUntil: 'load' }),
        pp.click('.nazar-logout button[type=submit]'),
      ]);
    }
    await pg.goBack({ waitUntil: 'load' });
    const html = await pg.content();
    const leaked = [keep, drop, readerName].filter((s) => html.includes(s));
    ok(leaked.length === 0 && await pg.locator('form.nazar-login').count() === 1 &&
      pg.url().startsWith(`${admin}/`) && !/\/queue/.test(pg.url()),
    `after signing out (${label || 'JavaScript off'}) the back button shows the sign-in form, no comment`,
    { url: pg.url(), leaked });
  }
  resp = await mp.goto(`${admin}/queue`);
  ok(mp.url() === `${admin}/` && await mp.locator('form.nazar-login').count() === 1,
    'the queue\'s address now leads to the sign-in form', mp.url());

  // --- 6. no console errors, no CSP violations ---
  for (const label of ['sign-in', 'overview', 'queue', 'comment', 'sign-out']) {
    const p = problemsOf(problems, label);
    ok(p.length === 0, `the ${label} pages: no console errors, no CSP violations, every resource loads`,
      describe(p));
  }
  // The watcher's self-check: a script the CSP must refuse.
  mstate.label = 'self-check';
  await mp.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.nazarInline = 1';
    document.body.appendChild(s);
  });
  for (let i = 0; i < 20 && problemsOf(problems, 'self-check').length === 0; i++) {
    await mp.waitForTimeout(100);
  }
  const selfCheck = problemsOf(problems, 'self-check');
  ok(selfCheck.some((p) => /Content Security Policy|CSP violation/.test(p.console || '')) &&
    await mp.evaluate(() => window.nazarInline === undefined),
  'the CSP refuses an inline script and the watcher sees it (the checks above can fail)',
  describe(selfCheck));

  // --- 7. screenshots ---
  const sizes = shots.map((f) => (fs.existsSync(f) ? fs.statSync(f).size : 0));
  const pngs = shots.every((f) => fs.existsSync(f) &&
    fs.readFileSync(f).subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])));
  ok(shots.length === 8 && pngs && sizes.every((s) => s > 1000),
    'screenshots of the sign-in page, the overview, the queue and the comment page at 360 and 1280 px',
    shots.map((f, i) => `${path.basename(f)} ${sizes[i]}`).join('\n'));
  if (shotsDir) {
    fs.mkdirSync(shotsDir, { recursive: true });
    for (const f of shots) fs.copyFileSync(f, path.join(shotsDir, path.basename(f)));
  }

  await Promise.all([reader.close(), mod.close(), plainMod.close()].map((p) => p.catch(() => {})));
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

// journey-en-keyboard.test.js — two journeys in headless Chromium with
// JavaScript on, and the screenshots of the main pages:
//  1. English: a reader posts on the English site and sees it held; an
//     English moderator (an administrator made with nazarctl) signs in,
//     approves it by clicking and signs out; the reader then sees it
//     published with its Gregorian date in English, the way nazar writes it
//     ("Friday 27 November 2026, 05:10"), checked against ICU.
//  2. Persian, from the keyboard alone (Tab, Shift+Tab, Enter and typing,
//     never the mouse): a reader reaches the comment form by Tab from the
//     top of the article, fills it, sends it with Enter on the button and
//     hears it is held; every element the focus lands on shows a focus ring
//     (an outline or a box-shadow). A moderator signs in from the keyboard,
//     moves with j and k, approves with a, and signs out by Tab and Enter.
// Both locales are photographed at 360 and 1280 px: the article with its
// thread, the form with its errors, the sign-in page, the queue and a
// comment page (PAGE-LOCALE-WIDTH.png in NAZAR_TMP, copied to
// NAZAR_SCREENSHOTS_DIR when it is set, e.g. for docs/screenshots/).
// Prints TAP.
//
// Env (see run.sh): NAZAR_URL and NAZAR_EN_URL (this test's article on the
// Persian and the English site), NAZAR_BASE, NAZAR_CONF and NAZAR_EN_CONF,
// NAZARCTL, NAZAR_TMP, CHROMIUM (default /usr/bin/chromium),
// NAZAR_SCREENSHOTS_DIR (optional).
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { chromium } = require('playwright-core');

const base = process.env.NAZAR_BASE;
const nazarctl = process.env.NAZARCTL;
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const shotsDir = process.env.NAZAR_SCREENSHOTS_DIR || '';
const tmp = process.env.NAZAR_TMP || fs.mkdtempSync(path.join(os.tmpdir(), 'nazar-journey-'));

const { tap, ok, chromiumArgs } = require('./tap');

// The two sites run.sh serves: the same nazar in Persian under /comments/
// and in English under /en-comments/, each with its own database.
function site(locale) {
  const fa = locale === 'fa';
  const url = fa ? process.env.NAZAR_URL : process.env.NAZAR_EN_URL;
  const prefix = fa ? '/comments' : '/en-comments';
  return {
    locale, url,
    conf: fa ? process.env.NAZAR_CONF : process.env.NAZAR_EN_CONF,
    article: url ? url.replace(/.*\//, '') : '',
    admin: `${base}${prefix}/admin`,
    ctx: { locale: fa ? 'fa-IR' : 'en-GB', viewport: { width: 1280, height: 900 } },
  };
}
function ctl(s, args, input) {
  return execFileSync(nazarctl, ['-c', s.conf, ...args],
    { encoding: 'utf8', input: input || '', stdio: ['pipe', 'pipe', 'pipe'] }).trim();
}

// --- dates ---
const plain = (s) => String(s).replace(/[\u200c\u200e\u200f\u061c]/g, '').replace(/\s+/g, ' ').trim();
// How nazar writes a date in English and in Persian, in the site's time
// zone, from ICU: an oracle independent of nazar's own formatting.
function icuDate(iso, locale) {
  const fa = locale === 'fa';
  const parts = {};
  for (const p of new Intl.DateTimeFormat(fa ? 'fa-IR-u-ca-persian-nu-arabext' : 'en-GB', {
    timeZone: fa ? 'Asia/Tehran' : 'Europe/London', weekday: 'long', day: 'numeric',
    month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(iso))) parts[p.type] = p.value;
  return fa ? `${parts.weekday} ${parts.day} ${parts.month} ${parts.year}، ساعت ${parts.hour}:${parts.minute}` :
    `${parts.weekday} ${parts.day} ${parts.month} ${parts.year}, ${parts.hour}:${parts.minute}`;
}
// A <time>: its text is that date of its datetime, and that instant is
// now (give or take the test's own run).
async function dateOf(loc, locale) {
  if (await loc.count() !== 1) return { good: false, why: 'no <time>' };
  const iso = await loc.getAttribute('datetime');
  const text = plain(await loc.innerText());
  const want = plain(icuDate(iso, locale));
  const age = (Date.now() - Date.parse(iso)) / 1000;
  const digits = locale === 'fa' ? /[۰-۹]/.test(text) && !/[0-9]/.test(text) :
    /^[A-Z][a-z]+day [0-9]{1,2} [A-Z][a-z]+ [0-9]{4}, [0-9]{2}:[0-9]{2}$/.test(text);
  return { good: text === want && digits && age > -60 && age < 600,
    why: `shown "${text}", ICU says "${want}" for ${iso} (${Math.round(age)} s ago)` };
}

// --- the browser ---

// Exceptions thrown by a page's scripts: there must be none.
const thrown = [];
function watch(page) {
  page.setDefaultTimeout(20000);
  page.on('pageerror', (e) => thrown.push(`${page.url()}: ${e}`));
  return page;
}

// --- screenshots: PAGE-LOCALE-WIDTH.png at a phone's and a desktop's
// width (the desktop size restored afterwards) ---
const shots = [];
async function screenshots(page, name, locale) {
  for (const [w, h] of [[360, 780], [1280, 900]]) {
    await page.setViewportSize({ width: w, height: h });
    const file = path.join(tmp, `${name}-${locale}-${w}.png`);
    await page.screenshot({ path: file, fullPage: true });
    shots.push(file);
  }
}

// --- the keyboard ---
// What has the focus: its id, tag, classes, and whether it shows a ring.
function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { id: '', tag: 'body', ring: false };
    const cs = getComputedStyle(el);
    const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0;
    const shadow = cs.boxShadow !== 'none' && cs.boxShadow !== '';
    return { id: el.id, tag: el.tagName.toLowerCase(), cls: String(el.className),
      text: (el.textContent || el.value || '').trim().slice(0, 40), ring: outline || shadow,
      style: `outline: ${cs.outlineStyle} ${cs.outlineWidth}; box-shadow: ${cs.boxShadow}` };
  });
}
// Presses KEY (Tab or Shift+Tab) until WANT(focused) holds, at most LIMIT
// times; returns the last focused element and every stop on the way.
async function tabTo(page, want, key = 'Tab', limit = 60) {
  const path = [];
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press(key);
    const f = await focused(page);
    path.push(f);
    if (want(f)) return { at: f, path };
  }
  return { at: null, path };
}
const noRing = (path) => path.filter((f) => f.tag !== 'body' && !f.ring)
  .map((f) => `${f.tag}#${f.id}.${f.cls} "${f.text}" ${f.style}`);

// A reader's posts: the name, the text, and an invalid attempt that leaves
// the form with its errors on the page.
async function invalidPost(page, locale) {
  await page.fill('#nazar-name', locale === 'fa' ? 'نسیم' : 'Ann Smith');
  await page.fill('#nazar-email', 'reader@localhost');
  await page.fill('#nazar-body', (locale === 'fa' ? 'خ' : 'x').repeat(5001));
  await page.click('.nazar-form button[type=submit]');
  await page.waitForSelector('#nazar-body-error');
  return await page.locator('.nazar-form .nazar-error').count();
}

function seed(s, texts) {
  const first = ctl(s, ['comment', 'add', '--article', s.article, '--name', texts[0][0],
    '--status', 'approved', '--body', texts[0][1]]);
  ctl(s, ['comment', 'add', '--article', s.article, '--name', texts[1][0],
    '--status', 'approved', '--parent', first, '--body', texts[1][1]]);
  ctl(s, ['comment', 'add', '--article', s.article, '--name', texts[2][0],
    '--status', 'approved', '--body', texts[2][1]]);
}

async function main() {
  for (const [k, v] of Object.entries({ NAZAR_URL: process.env.NAZAR_URL,
    NAZAR_EN_URL: process.env.NAZAR_EN_URL, NAZAR_BASE: base, NAZAR_CONF: process.env.NAZAR_CONF,
    NAZAR_EN_CONF: process.env.NAZAR_EN_CONF, NAZARCTL: nazarctl })) {
    if (!v) throw new Error(`${k} is not set`);
  }
  const browser = await chromium.launch({ executablePath, headless: true, args: chromiumArgs,
    timeout: 60000 });
  try {
    await english(browser, site('en'));
    await keyboard(browser, site('fa'));
  } finally {
    await browser.close().catch(() => {});
  }
  ok(thrown.length === 0, 'no page threw an exception', thrown.join('\n'));

  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const sizes = shots.map((f) => (fs.existsSync(f) ? fs.statSync(f).size : 0));
  const names = shots.map((f) => path.basename(f)).sort();
  const want = [];
  for (const p of ['comment', 'errors', 'login', 'queue', 'thread']) {
    for (const l of ['en', 'fa']) for (const w of [1280, 360]) want.push(`${p}-${l}-${w}.png`);
  }
  want.sort();
  ok(JSON.stringify(names) === JSON.stringify(want) && sizes.every((s) => s > 1000) &&
    shots.every((f) => fs.readFileSync(f).subarray(0, 8).equals(png)),
  'screenshots of the thread, the form with errors, the sign-in page, the queue and a comment page, ' +
    'in both locales at 360 and 1280 px', shots.map((f, i) => `${path.basename(f)} ${sizes[i]}`).join('\n'));
  if (shotsDir) {
    fs.mkdirSync(shotsDir, { recursive: true });
    for (const f of shots) fs.copyFileSync(f, path.join(shotsDir, path.basename(f)));
  }
}

// --- 1. the English moderator's journey ---
async function english(browser, s) {
  seed(s, [['Sara Jones', 'Will the library stay open late during the exam weeks?'],
    ['Tom Baker', 'Until midnight, according to the opening notice at the entrance.'],
    ['Priya Patel', 'A reading room with daylight at last. Well done to everyone who built it.']]);
  const user = 'emma';
  const password = 'emma-pass-2026 library';
  const display = 'Emma Wilson';
  ctl(s, ['user', 'add', user, '--role', 'admin', '--display-name', display], `${password}\n`);
  const list = ctl(s, ['user', 'list']);
  ok(list.split('\n').some((l) => l.includes(user) && l.includes(display) && l.includes('admin')),
    'en: nazarctl user add makes the English administrator (password on stdin)', list);

  // The reader.
  const reader = await browser.newContext(s.ctx);
  const rp = watch(await reader.newPage());
  await rp.goto(s.url);
  ok(await rp.locator('section.nazar.nazar-js').count() === 1 &&
    await rp.getAttribute('html', 'dir') !== 'rtl',
  'en: the article page shows the thread, enhanced by the script');
  const errors = await invalidPost(rp, 'en');
  ok(errors >= 2 && /e-mail/i.test(await rp.locator('#nazar-email-error').innerText()),
    'en: invalid input shows its errors in English next to the fields', errors);
  await screenshots(rp, 'errors', 'en');

  const body = 'Is there a quiet room for group study, or only the silent floors?';
  await rp.fill('#nazar-name', 'Oliver Grant');
  await rp.fill('#nazar-email', '');
  await rp.fill('#nazar-body', body);
  await rp.click('.nazar-form button[type=submit]');
  const mine = rp.locator('.nazar-comments .nazar-just-posted');
  await mine.waitFor();
  const id = ((await mine.getAttribute('id')) || '').replace('nazar-comment-', '');
  ok(/^\d+$/.test(id) && (await mine.innerText()).includes('Awaiting moderation') &&
    (await rp.locator('.nazar-live').innerText()).includes('awaits moderation'),
  'en: the reader posts and sees the comment awaiting moderation', await mine.innerText());

  // The moderator signs in, approves by clicking.
  const mod = await browser.newContext(s.ctx);
  const mp = watch(await mod.newPage());
  let resp = await mp.goto(`${s.admin}/`);
  ok(resp && resp.status() === 200 && await mp.locator('form.nazar-login').count() === 1 &&
    await mp.getAttribute('html', 'lang') === 'en' && await mp.getAttribute('html', 'dir') === 'ltr',
  'en: the admin shows the sign-in form in English, left to right', resp && resp.status());
  await screenshots(mp, 'login', 'en');
  await mp.fill('#nazar-username', user);
  await mp.fill('#nazar-password', password);
  [resp] = await Promise.all([
    mp.waitForNavigation({ waitUntil: 'load' }),
    mp.click('.nazar-login button[type=submit]'),
  ]);
  ok(resp && resp.status() === 200 && mp.url() === `${s.admin}/overview`,
    'en: signed in, the overview first', mp.url());
  resp = await mp.goto(`${s.admin}/queue`);
  const item = mp.locator(`#nazar-item-${id}`);
  ok(resp && resp.status() === 200 && mp.url() === `${s.admin}/queue` &&
    (await mp.locator('.nazar-admin-who').innerText()).includes(display) &&
    await item.count() === 1 && (await item.innerText()).includes(body),
  'en: signed in, the queue lists the held comment, with the moderator\'s name', mp.url());
  const qdate = await dateOf(item.locator('time'), 'en');
  ok(qdate.good, 'en: the queue dates it in English, Gregorian', qdate.why);
  await screenshots(mp, 'queue', 'en');
  await mp.goto(`${s.admin}/comments/${id}`);
  ok((await mp.locator('.nazar-item-page .nazar-body').innerText()).includes(body),
    'en: the comment page shows it');
  await screenshots(mp, 'comment', 'en');
  await mp.goto(`${s.admin}/queue`);
  await Promise.all([
    mp.waitForURL(/done=approve/, { waitUntil: 'load' }),
    mp.click(`#nazar-item-${id} button.nazar-act-approve`),
  ]);
  const notice = mp.locator('.nazar-admin-notice');
  ok(await notice.count() === 1 && plain(await notice.innerText()) === 'Approved: 1.' &&
    await mp.locator(`#nazar-item-${id}`).count() === 0,
  'en: clicking "Approve" approves it: the notice says so, it leaves the queue',
    await notice.count() ? await notice.innerText() : mp.url());

  // The reader sees it published, with its English date.
  await rp.reload();
  const pub = rp.locator(`#nazar-comment-${id}`);
  const pubDate = await pub.count() === 1 ? await dateOf(pub.locator(':scope > header time'), 'en') :
    { good: false, why: 'missing' };
  ok(await pub.count() === 1 && !/nazar-pending/.test(await pub.getAttribute('class')) &&
    !(await pub.innerText()).includes('Awaiting moderation') && (await pub.innerText()).includes(body),
  'en: the reader\'s page shows the comment published', await pub.count() ? await pub.innerText() : '');
  ok(pubDate.good, 'en: with its date as "Weekday day Month year, HH:MM" (Gregorian, London time)',
    pubDate.why);
  await screenshots(rp, 'thread', 'en');

  // Signing out.
  await Promise.all([
    mp.waitForURL(/signed_out=1/, { waitUntil: 'load' }),
    mp.click('.nazar-logout button[type=submit]'),
  ]);
  ok(await mp.locator('form.nazar-login').count() === 1 &&
    (await mp.locator('.nazar-admin-notice').innerText()).includes('You are signed out'),
  'en: signing out lands on the sign-in form with "You are signed out."', mp.url());
  await mp.goto(`${s.admin}/queue`);
  ok(mp.url() === `${s.admin}/` && await mp.locator('form.nazar-login').count() === 1,
    'en: the queue\'s address now leads to the sign-in form', mp.url());
  await Promise.all([reader.close(), mod.close()]);
}

// --- 2. the keyboard alone, in Persian ---
async function keyboard(browser, s) {
  seed(s, [['مریم رضایی', 'کتابخانهٔ مرکزی روزهای جمعه هم باز است؟'],
    ['حمید کریمی', 'بله، از ساعت ده صبح تا شش عصر.'],
    ['Leila Ahmadi لیلا', 'بالاخره یک سالن مطالعه با نور طبیعی. دست سازندگانش درد نکند.']]);
  // An older comment held for moderation, so that j and k have somewhere
  // to go; nazarctl's comments carry no address and no rate limit.
  const older = ctl(s, ['comment', 'add', '--article', s.article, '--name', 'بهرام',
    '--status', 'pending', '--body', 'پارکینگ کتابخانه برای دوچرخه جا دارد؟']);
  const user = 'kaveh-kb';
  const password = 'کاوه-گذرواژه-1403 kb';
  const display = 'کاوه صفایی';
  ctl(s, ['user', 'add', user, '--role', 'moderator', '--display-name', display], `${password}\n`);

  // The form with its errors (not a keyboard case: the page to photograph).
  const shooter = await browser.newContext(s.ctx);
  const sp = watch(await shooter.newPage());
  await sp.goto(s.url);
  const errors = await invalidPost(sp, 'fa');
  ok(errors >= 2 && /[\u0600-\u06ff]/.test(await sp.locator('#nazar-body-error').innerText()),
    'fa: invalid input shows its errors in Persian next to the fields', errors);
  await screenshots(sp, 'errors', 'fa');
  await shooter.close();

  // The reader: Tab from the top of the article page to the form.
  const reader = await browser.newContext(s.ctx);
  const rp = watch(await reader.newPage());
  await rp.goto(s.url);
  await rp.waitForSelector('section.nazar.nazar-js');
  const toName = await tabTo(rp, (f) => f.id === 'nazar-name');
  ok(toName.at !== null, 'fa: Tab from the top of the article reaches the name field',
    toName.path.map((f) => `${f.tag}#${f.id}`).join(' '));
  await rp.keyboard.type('پروانه ملکی');
  const toBody = await tabTo(rp, (f) => f.id === 'nazar-body', 'Tab', 6);
  const body = 'ساعت کار کتابخانه در ماه رمضان تغییر می‌کند؟';
  await rp.keyboard.type(body);
  const toSend = await tabTo(rp, (f) => f.tag === 'button' && /nazar-button/.test(f.cls) &&
    !/nazar-cancel|nazar-forget/.test(f.cls), 'Tab', 6);
  // Shift+Tab goes back the same way.
  const back = await tabTo(rp, (f) => f.id === 'nazar-body', 'Shift+Tab', 6);
  const again = await tabTo(rp, (f) => f.tag === 'button' && !/nazar-cancel|nazar-forget/.test(f.cls),
    'Tab', 6);
  const stops = [...toName.path, ...toBody.path, ...toSend.path, ...back.path, ...again.path];
  ok(toBody.at && toSend.at && back.at && again.at && stops.every((f) => f.id !== 'nazar-website'),
    'fa: Tab goes on to the text and the send button, Shift+Tab back; the honeypot is never a stop',
    stops.map((f) => `${f.tag}#${f.id}`).join(' '));
  const unringed = noRing(stops);
  ok(stops.length > 3 && unringed.length === 0,
    `fa: every one of the ${stops.length} stops shows a focus ring (outline or box-shadow)`,
    unringed.join('\n'));
  // The ring check's self-check: a button stripped of its ring is seen so.
  const bare = await rp.evaluate(() => {
    const b = document.activeElement;
    b.style.setProperty('outline', 'none', 'important');
    b.style.setProperty('box-shadow', 'none', 'important');
    return true;
  }) && await focused(rp);
  await rp.evaluate(() => document.activeElement.removeAttribute('style'));
  ok(bare && bare.tag === 'button' && !bare.ring && (await focused(rp)).ring,
    'fa: the ring check sees a button without one (the check above can fail)', bare);
  const answered = rp.waitForResponse((r) => r.url().endsWith('/comments/post'));
  await rp.keyboard.press('Enter');
  const res = await answered;
  const mine = rp.locator('.nazar-comments .nazar-just-posted');
  await mine.waitFor();
  const id = ((await mine.getAttribute('id')) || '').replace('nazar-comment-', '');
  const live = await rp.locator('.nazar-live').innerText();
  ok(res.status() === 201 && /^\d+$/.test(id) && (await mine.innerText()).includes('در انتظار بررسی') &&
    (await mine.innerText()).includes(body) && live.includes('پس از بررسی منتشر می‌شود'),
  'fa: Enter on the button sends it; the pending notice is shown and announced', `${res.status()} ${live}`);
  const onIt = await focused(rp);
  ok(/nazar-just-posted/.test(onIt.cls) && onIt.ring,
    'fa: the focus moves to the new comment, with its ring', onIt);

  // The moderator: sign in from the keyboard.
  const mod = await browser.newContext(s.ctx);
  const mp = watch(await mod.newPage());
  await mp.goto(`${s.admin}/`);
  await screenshots(mp, 'login', 'fa');
  const toUser = await tabTo(mp, (f) => f.id === 'nazar-username', 'Tab', 10);
  await mp.keyboard.type(user);
  const toPass = await tabTo(mp, (f) => f.id === 'nazar-password', 'Tab', 3);
  await mp.keyboard.type(password);
  const signedIn = mp.waitForURL(`${s.admin}/overview`, { waitUntil: 'load' }).then(() => true, () => false);
  await mp.keyboard.press('Enter');
  const inQueue = await signedIn &&
    await mp.goto(`${s.admin}/queue`, { waitUntil: 'load' }).then((r) => r.status() === 200, () => false);
  ok(toUser.at && toPass.at && inQueue &&
    (await mp.locator('.nazar-admin-who').innerText()).includes(display),
  'fa: the moderator signs in with Tab, typing and Enter', mp.url());
  ok(noRing([...toUser.path, ...toPass.path]).length === 0, 'fa: the sign-in fields show a focus ring',
    noRing([...toUser.path, ...toPass.path]).join('\n'));
  await screenshots(mp, 'queue', 'fa');

  // j and k, then a.
  const order = await mp.locator('.nazar-items > li').evaluateAll((l) => l.map((e) => e.id));
  const at = order.indexOf(`nazar-item-${id}`);
  for (let i = 0; i <= at; i++) await mp.keyboard.press('j');
  const onMine = await focused(mp);
  await mp.keyboard.press('k');
  const onPrev = await focused(mp);
  await mp.keyboard.press('j');
  const onMineAgain = await focused(mp);
  ok(at >= 1 && order.indexOf(`nazar-item-${older}`) < at && onMine.id === `nazar-item-${id}` &&
    onPrev.id === order[at - 1] && onMineAgain.id === `nazar-item-${id}` && onMine.ring && onPrev.ring,
  'fa: j moves down to the comment, k up to the one before, j back; each shows its ring',
  { order, at, onMine, onPrev, onMineAgain });
  let approved = false;
  if (onMineAgain.id === `nazar-item-${id}`) {
    // A key that does nothing must fail this case, not stall the test.
    const landed = mp.waitForURL(/done=approve/, { waitUntil: 'load', timeout: 5000 })
      .then(() => true, () => false);
    await mp.keyboard.press('a');
    approved = await landed;
  }
  const notice = mp.locator('.nazar-admin-notice');
  ok(approved && await notice.count() === 1 && plain(await notice.innerText()) === 'منتشر شد: ۱' &&
    await mp.locator(`#nazar-item-${id}`).count() === 0 &&
    await mp.locator(`#nazar-item-${older}`).count() === 1,
  'fa: a approves the focused comment, and only it', mp.url());

  await mp.goto(`${s.admin}/comments/${id}`);
  await screenshots(mp, 'comment', 'fa');
  await mp.goto(`${s.admin}/queue`);
  // Sign out: Tab from the top of the page to the button, Enter.
  const toOut = await tabTo(mp, (f) => f.tag === 'button' && f.text === 'خروج', 'Tab', 20);
  const out = mp.waitForURL(/signed_out=1/, { waitUntil: 'load', timeout: 5000 })
    .then(() => true, () => false);
  if (toOut.at) await mp.keyboard.press('Enter');
  ok(toOut.at && await out && await mp.locator('form.nazar-login').count() === 1 &&
    noRing(toOut.path).length === 0,
  'fa: Tab reaches "sign out" (every stop with its ring), Enter signs out',
    { stops: toOut.path.map((f) => `${f.tag}#${f.id} ${f.text}`), noRing: noRing(toOut.path) });

  // The reader sees it published, with its Jalali date.
  await rp.reload();
  const pub = rp.locator(`#nazar-comment-${id}`);
  const pubDate = await pub.count() === 1 ? await dateOf(pub.locator(':scope > header time'), 'fa') :
    { good: false, why: 'missing' };
  ok(await pub.count() === 1 && !/nazar-pending/.test(await pub.getAttribute('class')) &&
    pubDate.good, 'fa: the reader then sees it published, with its Jalali date', pubDate.why);
  await screenshots(rp, 'thread', 'fa');
  await Promise.all([reader.close(), mod.close()]);
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

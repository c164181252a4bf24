// reader.test.js — a reader with JavaScript on, in Persian, in headless
// Chromium: static/nazar.js posts without leaving the page and shows the
// comment held in place (still held after a reload, unseen by another
// reader); invalid input gets its errors next to the fields with the text
// kept; a failed network keeps the text too; the reply form opens under the
// comment without moving anything above it; the name and e-mail are
// remembered only when asked and forgotten on request; two threads on one
// page each get their own form; the embed page tells its host page its
// height; nothing overflows at 360 px; no page logs an error. Prints TAP.
//
// Env (see run.sh): NAZAR_URL (this test's article page), NAZAR_BASE,
// NAZAR_CONF, NAZARCTL, NAZAR_TMP (screenshots go there), CHROMIUM (default
// /usr/bin/chromium), NAZAR_SCREENSHOTS_DIR (optional: the screenshots are
// copied there as reader-PAGE-LOCALE-WIDTH.png).
//
// The host pages (an iframe around the embed, two threads in one page) are
// answered by the test itself on nginx's own origin (page.route), so that
// nothing has to be written into nginx's document root. So is the English
// site: run.sh's nazar speaks Persian, so under /en-comments/ the test runs
// nazar as plain CGI with an English config and a database of its own, and
// serves an English article page around its thread (as SSI would, with the
// reader's cookie).
'use strict';

const fs = require('fs');
const path = require('path');
const { execFileSync, spawn } = require('child_process');
const { chromium } = require('playwright-core');

const articleUrl = process.env.NAZAR_URL;
const base = process.env.NAZAR_BASE;
const conf = process.env.NAZAR_CONF;
const nazarctl = process.env.NAZARCTL;
const tmp = process.env.NAZAR_TMP || '';
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const shotsDir = process.env.NAZAR_SCREENSHOTS_DIR || '';
const article = articleUrl ? articleUrl.replace(/.*\//, '') : '';
const second = `${article}-second`;

const { tap, ok, chromiumArgs } = require('./tap');


// Console errors, uncaught exceptions and failed requests of a page, each
// tagged with the step it happened in. Steps that break the network on
// purpose are labelled so, and only their exceptions count.
function watch(page, problems, state) {
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push({ step: state.step, url: page.url(), console: m.text() });
  });
  page.on('pageerror', (e) => problems.push({ step: state.step, url: page.url(), error: String(e),
    exception: true }));
  page.on('requestfailed', (r) => problems.push({ step: state.step, failed: r.url(),
    why: r.failure() && r.failure().errorText }));
  page.on('response', (r) => {
    if (r.status() >= 400 && r.request().resourceType() !== 'document') {
      problems.push({ step: state.step, url: r.url(), status: r.status() });
    }
  });
}
function describe(problems) {
  return [...new Set(problems.map((p) => `[${p.step}] ${p.url || p.failed}: ${p.console ||
    p.error || p.why || p.status}`.slice(0, 240)))].join('\n');
}

function ctl(...args) {
  return execFileSync(nazarctl, ['-c', conf, ...args], { encoding: 'utf8' }).trim();
}

async function shot(page, name, width, locale = 'fa') {
  if (!tmp) return;
  const file = path.join(tmp, `reader-${name}-${locale}-${width}.png`);
  await page.screenshot({ path: file, fullPage: true });
  if (shotsDir) fs.copyFileSync(file, path.join(shotsDir, path.basename(file)));
}

// The page stayed the same document: the marker set before survives.
async function setMarker(page) {
  await page.evaluate(() => { window.nazarTestMarker = 'still here'; });
}
async function sameDocument(page) {
  return page.evaluate(() => window.nazarTestMarker === 'still here');
}

// No horizontal scrolling: nothing is wider than the viewport.
async function fits(page) {
  return page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
    wide: [...document.querySelectorAll('.nazar *')]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5 ||
        e.getBoundingClientRect().left < -0.5)
      .slice(0, 5).map((e) => `${e.tagName}.${e.className}`),
  }));
}

// Where the field's error is and how the field points at it.
async function fieldError(page, field) {
  return page.evaluate((f) => {
    const input = document.querySelector(`.nazar-form [name="${f}"]`);
    const err = document.getElementById(`${input.id}-error`);
    return {
      value: input.value,
      invalid: input.getAttribute('aria-invalid'),
      describedby: input.getAttribute('aria-describedby') || '',
      id: input.id,
      text: err ? err.textContent : null,
      beside: !!err && err.parentNode === input.parentNode && err.classList.contains('nazar-error'),
    };
  }, field);
}

const persian = /[\u0600-\u06ff]/;

async function main() {
  if (!articleUrl || !base || !conf || !nazarctl) {
    throw new Error('NAZAR_URL, NAZAR_BASE, NAZAR_CONF and NAZARCTL must be set (see run.sh)');
  }
  // An approved comment to answer (with an approved reply of its own), and
  // one under a second article for the page with two threads.
  const first = ctl('comment', 'add', '--article', article, '--name', 'مریم رضایی',
    '--status', 'approved', '--body', 'کتابخانه روزهای جمعه هم باز است؟');
  const firstReply = ctl('comment', 'add', '--article', article, '--name', 'Sara Jones',
    '--status', 'approved', '--parent', first, '--body', 'Yes, from ten in the morning.');
  const other = ctl('comment', 'add', '--article', second, '--name', 'علی',
    '--status', 'approved', '--body', 'خبر خوبی بود.');
  ok(/^\d+$/.test(first) && /^\d+$/.test(firstReply) && /^\d+$/.test(other),
    'nazarctl seeds approved comments to answer', `${first} ${firstReply} ${other}`);

  const problems = [];
  const browser = await chromium.launch({ executablePath, headless: true, args: chromiumArgs,
    timeout: 60000 });
  try {
    await desktop(browser, problems, first);
    await twoThreads(browser, problems, other);
    await embed(browser, problems, first);
    await phone(browser, problems, firstReply);
    await english(browser, problems);
  } finally {
    await browser.close().catch(() => {});
  }
  // "Failed to load resource" repeats a response seen above (with its
  // address), or is the browser's own favicon request; the 422 of the
  // invalid post and the failures of the network step are the point.
  const real = problems.filter((p) => !(p.console && /^Failed to load resource/.test(p.console)) &&
    !(p.step === 'invalid' && p.status === 422 && /comments\/post$/.test(p.url)) &&
    (p.step !== 'network' || p.exception));
  ok(real.length === 0, 'no page logged an error, threw, or failed a request', describe(real));
}

// --- the reader at a desktop: post, errors, reply, remember ---
async function desktop(browser, problems, first) {
  const ctxOpts = { locale: 'fa-IR', viewport: { width: 1280, height: 900 } };
  const reader = await browser.newContext(ctxOpts);
  const page = await reader.newPage();
  page.setDefaultTimeout(20000);
  const state = { step: 'article' };
  watch(page, problems, state);
  let scripts = 0;
  page.on('response', (r) => { if (/\/static\/nazar\.js$/.test(r.url()) && r.status() === 200) scripts++; });

  const resp = await page.goto(articleUrl);
  ok(resp && resp.status() === 200 && scripts === 1 &&
    await page.locator('section.nazar.nazar-js').count() === 1,
  'the article page loads nazar.js once and the thread is enhanced', { status: resp && resp.status(), scripts });
  ok(await page.locator('.nazar-remember').isVisible() && !await page.locator('.nazar-forget').isVisible() &&
    !await page.locator('.nazar-cancel').isVisible() && !await page.locator('.nazar-new').isVisible(),
  'the remember box shows; forget, cancel and new-comment wait until needed');
  await shot(page, 'thread', 1280);

  // --- invalid input: a moderator's name, an address without a domain
  // (the browser lets it through, nazar does not), a body over the limit.
  state.step = 'invalid';
  const long = 'خ'.repeat(5001);
  await page.fill('#nazar-name', 'تحریریه');
  await page.fill('#nazar-email', 'reader@localhost');
  await page.fill('#nazar-body', long);
  await setMarker(page);
  const posted422 = page.waitForResponse((r) => r.url().endsWith('/comments/post'));
  await page.click('.nazar-form button[type=submit]');
  const r422 = await posted422;
  await page.waitForSelector('#nazar-body-error');
  ok(r422.status() === 422 && await sameDocument(page) && page.url() === articleUrl,
    'invalid input: answered 422 without leaving the page', { status: r422.status(), url: page.url() });
  const errs = {};
  for (const f of ['name', 'email', 'body']) errs[f] = await fieldError(page, f);
  ok(['name', 'email', 'body'].every((f) => errs[f].beside && persian.test(errs[f].text || '') &&
    errs[f].invalid === 'true' && errs[f].describedby.split(' ').includes(`${errs[f].id}-error`)),
  'each error sits next to its field, in Persian, tied to it by aria-invalid and aria-describedby',
  errs);
  ok(errs.name.value === 'تحریریه' && errs.email.value === 'reader@localhost' && errs.body.value === long,
    'everything typed is kept');
  ok(await page.evaluate(() => document.activeElement && document.activeElement.id) === 'nazar-name' &&
    await page.locator('.nazar-live[role=status]').count() === 1,
  'the focus goes to the first field to correct; a status region is there for the rest');

  // --- a good post, with "remember me" ticked ---
  state.step = 'post';
  const name = 'نسرین کاظمی';
  const email = 'nasrin@example.org';
  const body = 'آیا تالار مطالعهٔ شبانه برای همه باز است یا فقط برای اعضا؟';
  await page.fill('#nazar-name', name);
  await page.fill('#nazar-email', email);
  await page.fill('#nazar-body', body);
  await page.check('#nazar-remember');
  const posted201 = page.waitForResponse((r) => r.url().endsWith('/comments/post'));
  await page.click('.nazar-form button[type=submit]');
  const r201 = await posted201;
  ok(r201.status() === 201 && await sameDocument(page) && page.url() === articleUrl,
    'a good post is answered 201 without leaving the page', `${r201.status()} ${await r201.text()}`);
  const mine = page.locator('.nazar-comments > .nazar-comment.nazar-just-posted');
  await mine.waitFor();
  const id = ((await mine.getAttribute('id')) || '').replace('nazar-comment-', '');
  const text = await mine.innerText();
  ok(/^\d+$/.test(id) && /nazar-pending/.test(await mine.getAttribute('class')) &&
    text.includes('در انتظار بررسی') && text.includes(name) && text.includes(body),
  'the comment appears in place, with its name and text, marked as awaiting moderation', text);
  ok(await page.evaluate(() => document.activeElement &&
    document.activeElement.classList.contains('nazar-just-posted')) &&
    (await page.locator('.nazar-live').innerText()).includes('پس از بررسی منتشر می‌شود') &&
    await page.locator('.nazar-form .nazar-error, .nazar-form [aria-invalid]').count() === 0,
  'the focus moves to it, the status region says it is held, the old errors are gone');
  ok(await page.inputValue('#nazar-body') === '' && await page.inputValue('#nazar-name') === name,
    'the text box is emptied for the next comment; the name stays');

  state.step = 'reload';
  await page.reload();
  ok(await page.locator(`#nazar-comment-${id}.nazar-pending`).count() === 1,
    'after a reload the author still sees it awaiting moderation');
  ok(await page.inputValue('#nazar-name') === name && await page.inputValue('#nazar-email') === email &&
    await page.isChecked('#nazar-remember') && await page.locator('.nazar-forget').isVisible(),
  'the name and e-mail were remembered (the reader asked), with an offer to forget them');

  // --- another reader ---
  state.step = 'other reader';
  const otherCtx = await browser.newContext(ctxOpts);
  const op = await otherCtx.newPage();
  op.setDefaultTimeout(20000);
  watch(op, problems, state);
  await op.goto(articleUrl);
  ok(await op.locator('section.nazar.nazar-js').count() === 1 &&
    await op.locator(`#nazar-comment-${id}`).count() === 0 && await op.inputValue('#nazar-name') === '',
  'another reader sees neither the held comment nor the first reader\'s name');
  // Without the box ticked nothing is kept.
  await op.fill('#nazar-name', 'Reza');
  await op.fill('#nazar-body', 'A second reader, who wants nothing remembered.');
  await op.click('.nazar-form button[type=submit]');
  await op.locator('.nazar-just-posted').waitFor();
  const kept = await op.evaluate(() => window.localStorage.getItem('nazar.reader'));
  await op.reload();
  ok(kept === null && await op.inputValue('#nazar-name') === '',
    'a reader who does not tick the box has nothing remembered', kept);
  await otherCtx.close();

  // --- the reply form opens under the comment, nothing above it moves ---
  state.step = 'reply';
  const parent = page.locator(`#nazar-comment-${first}`);
  const link = parent.locator(':scope > footer a.nazar-reply');
  await link.scrollIntoViewIfNeeded();
  const before = await page.evaluate((f) => ({
    comment: document.getElementById(`nazar-comment-${f}`).getBoundingClientRect().top,
    link: document.querySelector(`#nazar-comment-${f} > footer a`).getBoundingClientRect().top,
    title: document.querySelector('.nazar-title').getBoundingClientRect().top,
    scroll: window.scrollY,
  }), first);
  await setMarker(page);
  await link.click();
  const after = await page.evaluate((f) => {
    const form = document.querySelector('.nazar-form');
    return {
      comment: document.getElementById(`nazar-comment-${f}`).getBoundingClientRect().top,
      link: document.querySelector(`#nazar-comment-${f} > footer a`).getBoundingClientRect().top,
      title: document.querySelector('.nazar-title').getBoundingClientRect().top,
      scroll: window.scrollY,
      inside: form.parentNode.id,
      afterFooter: !!form.previousElementSibling && form.previousElementSibling.tagName === 'FOOTER',
      parent: form.querySelector('[name="parent"]').value,
      heading: form.querySelector('h3').textContent,
      expanded: document.querySelector(`#nazar-comment-${f} > footer a`).getAttribute('aria-expanded'),
      focus: document.activeElement && document.activeElement.id,
    };
  }, first);
  ok(await sameDocument(page) && after.inside === `nazar-comment-${first}` && after.afterFooter &&
    after.parent === first && after.heading === 'پاسخ شما' && after.expanded === 'true',
  'the reply form opens inline, right under the comment, set to answer it', after);
  ok(['comment', 'link', 'title', 'scroll'].every((k) => Math.abs(after[k] - before[k]) < 1),
    'opening it moves nothing above it (no layout shift)', { before, after });
  ok(after.focus === 'nazar-body' && await page.locator('.nazar-cancel').isVisible() &&
    await page.locator('.nazar-new').isVisible(),
  'the focus is in its text box (the name is filled in); cancel and "new comment" show');
  await shot(page, 'reply', 1280);

  await page.keyboard.press('Escape');
  const closed = await page.evaluate(() => {
    const form = document.querySelector('.nazar-form');
    return {
      home: !!form.previousElementSibling && form.previousElementSibling.classList.contains('nazar-new'),
      parent: form.querySelector('[name="parent"]').value,
      heading: form.querySelector('h3').textContent,
      focus: document.activeElement && document.activeElement.className,
    };
  });
  ok(closed.home && closed.parent === '' && closed.heading === 'نظر شما' && closed.focus === 'nazar-reply' &&
    !await page.locator('.nazar-new').isVisible(),
  'Escape closes it: the form is back at the end, the focus back on the reply link', closed);

  // The cancel button does the same; "new comment" at the end of the
  // thread takes the form back there and into it.
  const where = () => page.evaluate(() => ({
    home: document.querySelector('.nazar-form').previousElementSibling.classList.contains('nazar-new'),
    focus: document.activeElement && (document.activeElement.id || document.activeElement.className),
  }));
  await link.click();
  await page.click('.nazar-cancel');
  const byCancel = await where();
  await link.click();
  await page.click('.nazar-new button');
  const byNew = await where();
  ok(byCancel.home && byCancel.focus === 'nazar-reply' && byNew.home && byNew.focus === 'nazar-body',
    'the cancel button closes it too; "new comment" takes the form back and focuses it', { byCancel, byNew });

  await link.click();
  await page.fill('#nazar-body', 'بله، از ساعت ده صبح باز است.');
  await page.click('.nazar-form button[type=submit]');
  const reply = page.locator(`#nazar-comment-${first} > .nazar-replies > .nazar-comment.nazar-just-posted`);
  await reply.waitFor();
  const replyHome = await page.evaluate(() => {
    const form = document.querySelector('.nazar-form');
    return form.previousElementSibling.classList.contains('nazar-new') &&
      form.querySelector('[name="parent"]').value === '';
  });
  ok(await sameDocument(page) && /nazar-pending/.test(await reply.getAttribute('class')) &&
    (await reply.innerText()).includes('بله، از ساعت ده صبح باز است.') && replyHome,
  'the reply is posted from there and appears among the comment\'s replies, held; the form goes back');

  // --- the network fails: the text stays, the reader is told ---
  state.step = 'network';
  const kept1 = 'این متن نباید گم شود.';
  await page.route('**/comments/post', (route) => route.abort('internetdisconnected'));
  await page.fill('#nazar-body', kept1);
  await page.click('.nazar-form button[type=submit]');
  const networkMsg = await page.locator('.nazar-form').getAttribute('data-network-error');
  await page.waitForFunction((m) => document.querySelector('.nazar-live').textContent === m, networkMsg);
  ok(await sameDocument(page) && await page.inputValue('#nazar-body') === kept1 && persian.test(networkMsg) &&
    await page.locator('.nazar-live.nazar-live-error').count() === 1,
  'a failed network: the message (from the template, in Persian) shows, the text stays');
  await page.unroute('**/comments/post');
  await page.route('**/comments/post', (route) => route.fulfill({ status: 502,
    contentType: 'text/html', body: '<html><body>502 Bad Gateway</body></html>' }));
  await page.click('.nazar-form button[type=submit]');
  const serverMsg = await page.locator('.nazar-form').getAttribute('data-server-error');
  await page.waitForFunction((m) => document.querySelector('.nazar-live').textContent === m, serverMsg);
  ok(await page.inputValue('#nazar-body') === kept1 && persian.test(serverMsg),
    'an answer that is not nazar\'s (502 from the proxy): its own message, the text stays');
  await page.unroute('**/comments/post');
  await page.fill('#nazar-body', '');

  // --- forgetting ---
  state.step = 'forget';
  await page.click('.nazar-forget');
  const forgotten = await page.evaluate(() => ({
    stored: window.localStorage.getItem('nazar.reader'),
    name: document.querySelector('#nazar-name').value,
    email: document.querySelector('#nazar-email').value,
    box: document.querySelector('#nazar-remember').checked,
    live: document.querySelector('.nazar-live').textContent,
  }));
  const forgottenMsg = await page.locator('.nazar-form').getAttribute('data-forgotten');
  await page.reload();
  ok(forgotten.stored === null && forgotten.name === '' && forgotten.email === '' && !forgotten.box &&
    forgotten.live === forgottenMsg && await page.inputValue('#nazar-name') === '',
  'forget: nothing stays stored, the fields are emptied, and a reload finds nothing', forgotten);
  await reader.close();
}

// --- two threads on one page: the script runs once and each gets its own form ---
async function twoThreads(browser, problems, other) {
  const ctx = await browser.newContext({ locale: 'fa-IR', viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  page.setDefaultTimeout(20000);
  const state = { step: 'two threads' };
  watch(page, problems, state);
  const one = await (await ctx.request.get(`${base}/comments/thread?article=${article}`)).text();
  const two = await (await ctx.request.get(`${base}/comments/thread?article=${second}`)).text();
  const host = `${base}/reader-two-threads.html`;
  await page.route(host, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8',
    body: '<!doctype html><html lang="fa" dir="rtl"><head><meta charset="utf-8">' +
      '<title>دو خبر</title><link rel="stylesheet" href="/comments/static/nazar.css"></head><body>' +
      `<main>${one}${two}</main></body></html>` }));
  await page.goto(host);
  await page.waitForFunction(() => document.querySelectorAll('section.nazar.nazar-js').length === 2);
  const forms = await page.evaluate(() => [...document.querySelectorAll('.nazar-form')].map((f) => ({
    name: f.querySelector('[name="name"]').id,
    label: f.querySelector('label[for^="nazar-name"]') && f.querySelector('label[for^="nazar-name"]').htmlFor,
    scripts: document.querySelectorAll('script[src$="/static/nazar.js"]').length,
    globals: typeof window.nazar === 'object' && typeof window.nazar.reader.enhance === 'function',
  })));
  ok(forms.length === 2 && forms[0].name === 'nazar-name' && forms[1].name !== 'nazar-name' &&
    forms.every((f) => f.label === f.name && f.scripts === 2 && f.globals),
  'two threads, the script included twice: both are enhanced, the second form gets ids of its own',
  forms);
  await page.click(`#nazar-comment-${other} > footer a.nazar-reply`);
  const where = await page.evaluate(() => [...document.querySelectorAll('.nazar-form')].map((f) =>
    f.parentNode.id || f.parentNode.className));
  ok(where[0] === 'nazar' && where[1] === `nazar-comment-${other}`,
    'a reply in the second thread moves the second thread\'s form, not the first', where);
  await ctx.close();
}

// --- the embed page in an iframe posts its height ---
async function embed(browser, problems, first) {
  const ctx = await browser.newContext({ locale: 'fa-IR', viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  page.setDefaultTimeout(20000);
  const state = { step: 'embed' };
  watch(page, problems, state);
  const host = `${base}/reader-host.html`;
  // The listener of nazar.js's head comment, recording what it gets.
  await page.route(host, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8',
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title>
<script>
window.heights = [];
window.addEventListener('message', function (e) {
  var f = document.getElementById('nazar-frame');
  if (e.source === f.contentWindow && e.data && e.data.nazar === 'height') {
    window.heights.push(e.data.value);
    f.style.height = e.data.value + 'px';
  }
});
</script></head><body style="margin:0"><h1>Host page</h1>
<iframe id="nazar-frame" src="/comments/embed?article=${article}" title="Comments" style="width:100%;border:0;height:40px"></iframe>
</body></html>` }));
  await page.goto(host);
  await page.waitForFunction(() => window.heights.length > 0);
  const frame = page.frame({ url: /\/comments\/embed\?/ });
  await frame.waitForSelector('section.nazar.nazar-js');
  // Fonts and late layout may send more than one; wait for it to settle.
  await page.waitForTimeout(300);
  const measure = async () => ({
    heights: await page.evaluate(() => window.heights.slice()),
    frame: await page.evaluate(() => document.getElementById('nazar-frame').getBoundingClientRect().height),
    doc: await frame.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height)),
    inner: await frame.evaluate(() => ({ scroll: document.documentElement.scrollHeight,
      client: document.documentElement.clientHeight })),
  });
  const m1 = await measure();
  const last1 = m1.heights[m1.heights.length - 1];
  ok(last1 > 300 && Math.abs(m1.frame - last1) < 1 && Math.abs(m1.doc - last1) <= 1 &&
    m1.inner.scroll <= m1.inner.client + 1,
  'the embed posts {nazar: "height"} on load; the host sizes the iframe to fit without a scrollbar', m1);
  ok(!await frame.locator('.nazar-back').isVisible(),
    'in a frame the page hides its "back to the article" link');

  await page.setViewportSize({ width: 360, height: 740 });
  await page.waitForFunction((h) => window.heights[window.heights.length - 1] > h, last1);
  await page.waitForTimeout(300);
  const m2 = await measure();
  const last2 = m2.heights[m2.heights.length - 1];
  ok(last2 > last1 && Math.abs(m2.frame - last2) < 1 && Math.abs(m2.doc - last2) <= 1,
    'a narrower host page: the embed grows and says so again (ResizeObserver)', { last1, m2 });
  await frame.click(`#nazar-comment-${first} > footer a.nazar-reply`);
  ok(await frame.locator(`#nazar-comment-${first} > .nazar-form`).count() === 1 &&
    page.url() === host && /\/comments\/embed\?/.test(frame.url()),
  'the reply link inside the iframe opens the form inline too');
  await ctx.close();
}

// --- a 360 px phone ---
async function phone(browser, problems, deepest) {
  const ctx = await browser.newContext({ locale: 'fa-IR', viewport: { width: 360, height: 740 },
    deviceScaleFactor: 2, hasTouch: true, isMobile: true });
  const page = await ctx.newPage();
  page.setDefaultTimeout(20000);
  const state = { step: 'phone' };
  watch(page, problems, state);
  await page.goto(articleUrl);
  const f1 = await fits(page);
  ok(f1.scroll <= f1.inner && f1.wide.length === 0, 'at 360 px the article with its thread does not overflow', f1);
  await shot(page, 'thread', 360);
  await page.click(`#nazar-comment-${deepest} > footer a.nazar-reply`);
  const f2 = await fits(page);
  ok(await page.locator(`#nazar-comment-${deepest} > .nazar-form`).count() === 1 &&
    f2.scroll <= f2.inner && f2.wide.length === 0,
  'at 360 px a reply form under a nested comment does not overflow either', f2);
  await shot(page, 'reply', 360);
  const dir = await page.evaluate(() => {
    const s = document.querySelector('.nazar');
    const range = document.createRange();
    range.selectNodeContents(document.querySelector('.nazar-field label'));
    const text = range.getBoundingClientRect();
    const input = document.querySelector('.nazar-field input').getBoundingClientRect();
    return { dir: getComputedStyle(s).direction, textLeft: text.left, textRight: text.right,
      inputLeft: input.left, inputRight: input.right };
  });
  ok(dir.dir === 'rtl' && Math.abs(dir.textRight - dir.inputRight) < 2 && dir.textLeft > dir.inputLeft + 20,
    'the thread reads right to left: a label\'s text starts at the right edge of its field', dir);
  await page.goto(`${base}/comments/embed?article=${article}`);
  const f3 = await fits(page);
  ok(f3.scroll <= f3.inner && f3.wide.length === 0, 'at 360 px the embed page does not overflow', f3);
  // One global: window.nazar.
  const globals = await page.evaluate(() => {
    const f = document.createElement('iframe');
    document.body.appendChild(f);
    const std = new Set(Object.getOwnPropertyNames(f.contentWindow));
    const extra = Object.getOwnPropertyNames(window).filter((k) => !std.has(k) && !/^\d+$/.test(k));
    f.remove();
    return extra;
  });
  ok(globals.length === 1 && globals[0] === 'nazar', 'the script adds one global, window.nazar', globals);
  await ctx.close();
}

// --- the English site, through nazar as CGI ---
const srcStatic = path.join(__dirname, '..', '..', 'static');
const nazarBin = nazarctl ? path.join(path.dirname(nazarctl), 'nazar') : '';

function englishConf() {
  const dir = tmp || fs.mkdtempSync(path.join(require('os').tmpdir(), 'nazar-reader-'));
  const file = path.join(dir, 'en.conf');
  const set = {
    listen: `unix:${path.join(dir, 'en.sock')}`,
    base_path: '/en-comments',
    path: path.join(dir, 'en.db'),
    name: 'Example News',
    locale: 'en',
    timezone: 'Europe/London',
    article_url: `${base}/en/news/{article}`,
    reasons: 'Insults | Advertising | Off topic',
  };
  const text = fs.readFileSync(conf, 'utf8').split('\n').map((line) => {
    const m = /^([a-z_]+) = /.exec(line);
    return m && set[m[1]] !== undefined ? `${m[1]} = ${set[m[1]]}` : line;
  }).join('\n');
  fs.writeFileSync(file, text);
  return file;
}

// One request through `nazar` as CGI: { status, headers, body, problem }.
function cgi(enConf, method, pathInfo, query, headers, body) {
  const env = {
    PATH: process.env.PATH || '/usr/bin:/bin',
    GATEWAY_INTERFACE: 'CGI/1.1',
    NAZAR_CONFIG: enConf,
    SERVER_PROTOCOL: 'HTTP/1.1',
    REMOTE_ADDR: '127.0.0.1',
    REQUEST_METHOD: method,
    PATH_INFO: pathInfo,
    QUERY_STRING: query,
  };
  for (const k of ['ASAN_OPTIONS', 'UBSAN_OPTIONS']) if (process.env[k]) env[k] = process.env[k];
  const pass = { accept: 'HTTP_ACCEPT', cookie: 'HTTP_COOKIE', host: 'HTTP_HOST',
    'user-agent': 'HTTP_USER_AGENT', origin: 'HTTP_ORIGIN', 'sec-fetch-site': 'HTTP_SEC_FETCH_SITE',
    'content-type': 'CONTENT_TYPE' };
  for (const [h, v] of Object.entries(pass)) if (headers[h] !== undefined) env[v] = headers[h];
  if (body) env.CONTENT_LENGTH = String(body.length);
  return new Promise((resolve) => {
    const child = spawn(nazarBin, [], { env });
    const out = [];
    let err = '';
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => { err += d; });
    child.on('error', (e) => resolve({ status: 500, headers: {}, body: '', problem: String(e) }));
    child.on('close', (code) => {
      const all = Buffer.concat(out);
      const text = all.toString('latin1');
      const cut = text.search(/\r?\n\r?\n/);
      const head = cut < 0 ? text : text.slice(0, cut);
      const bodyStart = cut < 0 ? all.length : cut + text.slice(cut).match(/^\r?\n\r?\n/)[0].length;
      const res = { status: 200, headers: {}, body: all.subarray(bodyStart),
        problem: code === 0 ? '' : `nazar (CGI) exited ${code}: ${err.slice(-600)}` };
      for (const line of head.split(/\r?\n/)) {
        const i = line.indexOf(':');
        if (i < 0) continue;
        const k = line.slice(0, i).trim().toLowerCase();
        const v = line.slice(i + 1).trim();
        if (k === 'status') res.status = parseInt(v, 10);
        else res.headers[k] = res.headers[k] ? `${res.headers[k]}\n${v}` : v;
      }
      resolve(res);
    });
    child.stdin.end(body || '');
  });
}

async function englishSite(ctx, problems, enConf) {
  const answer = async (route, res) => {
    if (res.problem) problems.push({ step: 'en', url: route.request().url(), error: res.problem, exception: true });
    await route.fulfill({ status: res.status, headers: res.headers, body: res.body });
  };
  await ctx.route(`${base}/en-comments/**`, async (route) => {
    const req = route.request();
    const url = new URL(req.url());
    const file = /^\/en-comments\/static\/([a-z]+\.(css|js))$/.exec(url.pathname);
    if (file) {
      await route.fulfill({ status: 200, body: fs.readFileSync(path.join(srcStatic, file[1])),
        contentType: file[2] === 'css' ? 'text/css; charset=utf-8' : 'application/javascript; charset=utf-8' });
      return;
    }
    await answer(route, await cgi(enConf, req.method(), url.pathname.replace(/^\/en-comments/, ''),
      url.search.replace(/^\?/, ''), await req.allHeaders(), req.postDataBuffer()));
  });
  await ctx.route(`${base}/en/news/*`, async (route) => {
    const req = route.request();
    const id = new URL(req.url()).pathname.replace(/.*\//, '');
    const headers = await req.allHeaders();
    const res = await cgi(enConf, 'GET', '/thread', `article=${encodeURIComponent(id)}`,
      { cookie: headers.cookie, host: headers.host, accept: 'text/html' }, null);
    if (res.problem) problems.push({ step: 'en', url: req.url(), error: res.problem, exception: true });
    await route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8',
      body: '<!doctype html><html lang="en" dir="ltr"><head><meta charset="utf-8">' +
        '<meta name="viewport" content="width=device-width, initial-scale=1">' +
        '<title>The new central library opens</title>' +
        '<link rel="stylesheet" href="/en-comments/static/nazar.css"></head><body><main>' +
        '<article><h1>The new central library opens its doors</h1><p>After four years of ' +
        'building work the new central library opened on Friday morning.</p></article>' +
        `${res.body.toString('utf8')}</main></body></html>` });
  });
}

async function english(browser, problems) {
  if (!fs.existsSync(nazarBin)) {
    ok(false, 'the English site: nazar is next to nazarctl', nazarBin);
    return;
  }
  const enConf = englishConf();
  execFileSync(nazarctl, ['-c', enConf, 'init'], { stdio: 'ignore' });
  const enArticle = 'library-en';
  const asked = execFileSync(nazarctl, ['-c', enConf, 'comment', 'add', '--article', enArticle,
    '--name', 'Sara Jones', '--status', 'approved', '--body', 'Is it open on Fridays?'],
  { encoding: 'utf8' }).trim();
  const url = `${base}/en/news/${enArticle}`;
  const ctx = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } });
  await englishSite(ctx, problems, enConf);
  const page = await ctx.newPage();
  page.setDefaultTimeout(20000);
  const state = { step: 'en' };
  watch(page, problems, state);
  await page.goto(url);
  const look = await page.evaluate(() => {
    const s = document.querySelector('section.nazar');
    return { js: s.classList.contains('nazar-js'), dir: getComputedStyle(s).direction,
      remember: document.querySelector('.nazar-remember label').textContent };
  });
  ok(look.js && look.dir === 'ltr' && look.remember === 'Remember my name and e-mail on this device',
    'en: the thread is enhanced, left to right, the script\'s controls in English', look);

  const long = 'x'.repeat(5001);
  await page.fill('#nazar-name', 'Ann Smith');
  await page.fill('#nazar-email', 'ann@localhost');
  await page.fill('#nazar-body', long);
  await setMarker(page);
  state.step = 'invalid';
  await page.click('.nazar-form button[type=submit]');
  await page.waitForSelector('#nazar-body-error');
  state.step = 'en';
  const e = { email: await fieldError(page, 'email'), body: await fieldError(page, 'body') };
  ok(await sameDocument(page) && e.email.beside && e.body.beside && e.email.invalid === 'true' &&
    /e-mail/i.test(e.email.text) && /at most 5,?000 characters/.test(e.body.text) && e.body.value === long,
  'en: errors in English next to their fields, the text kept', e);

  const body = 'Will the reading room stay open during the holidays?';
  await page.fill('#nazar-email', '');
  await page.fill('#nazar-body', body);
  await page.click('.nazar-form button[type=submit]');
  const mine = page.locator('.nazar-just-posted');
  await mine.waitFor();
  const id = ((await mine.getAttribute('id')) || '').replace('nazar-comment-', '');
  ok(await sameDocument(page) && (await mine.innerText()).includes('Awaiting moderation') &&
    (await page.locator('.nazar-live').innerText()).includes('awaits moderation'),
  'en: posted in place, "Awaiting moderation", the status in English');
  await page.reload();
  ok(/^\d+$/.test(id) && await page.locator(`#nazar-comment-${id}.nazar-pending`).count() === 1,
    'en: after a reload still there, held');

  await page.click(`#nazar-comment-${asked} > footer a.nazar-reply`);
  const ltr = await page.evaluate((a) => {
    const form = document.querySelector('.nazar-form');
    const range = document.createRange();
    range.selectNodeContents(form.querySelector('.nazar-field label'));
    const text = range.getBoundingClientRect();
    const input = form.querySelector('.nazar-field input').getBoundingClientRect();
    return { inside: form.parentNode.id === `nazar-comment-${a}`, heading: form.querySelector('h3').textContent,
      cancel: form.querySelector('.nazar-cancel').textContent, textLeft: text.left,
      textRight: text.right, inputLeft: input.left, inputRight: input.right };
  }, asked);
  ok(ltr.inside && ltr.heading === 'Your reply' && ltr.cancel === 'Cancel reply' &&
    Math.abs(ltr.textLeft - ltr.inputLeft) < 2 && ltr.textRight < ltr.inputRight - 20,
  'en: the reply form opens under the comment, in English, labels at the left edge', ltr);

  state.step = 'network';
  await page.route('**/en-comments/post', (route) => route.abort('internetdisconnected'));
  await page.fill('#nazar-name', 'Ann Smith');
  await page.fill('#nazar-body', 'Kept after a failure.');
  await page.click('.nazar-form button[type=submit]');
  await page.waitForFunction(() => /could not be reached/.test(document.querySelector('.nazar-live').textContent))
    .catch(async (err) => { throw new Error(`${err.message}: ${await page.locator('.nazar-live').innerText()}`); });
  ok(await page.inputValue('#nazar-body') === 'Kept after a failure.',
    'en: a failed network is explained in English, the text kept');
  await page.unroute('**/en-comments/post');
  state.step = 'en';

  await page.setViewportSize({ width: 360, height: 740 });
  const f = await fits(page);
  ok(f.scroll <= f.inner && f.wide.length === 0, 'en: at 360 px, with the reply form open, nothing overflows', f);
  await shot(page, 'reply', 360, 'en');
  await ctx.close();
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

// own.test.js — a reader's own comment, as its author uses it: Edit and
// Delete under the comment they just posted (ویرایش / حذف in Persian), in
// Persian and in English, with JavaScript on (the text edited in place,
// the answer said in the comment's live region, the deletion asked first
// and done without a page load) and off (the edit page, 303 back to the
// comment; a text too long answered 422 with the text kept; the delete
// form), at 360 and 1280 px. Another reader (no cookie) sees no controls.
// Every page and state checked with axe (WCAG 2.1 A/AA), the Nu HTML
// Checker and for sideways overflow. Prints TAP.
//
// Env (see run.sh): NAZAR_URL, NAZAR_EN_URL, NAZAR_BASE, NAZAR_CONF,
// NAZAR_EN_CONF, NAZARCTL, NAZAR_TMP, CHROMIUM, JAVA.
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
const tmp = process.env.NAZAR_TMP || fs.mkdtempSync(path.join(os.tmpdir(), 'nazar-own-'));
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
    browserLocale: locale === 'fa' ? 'fa-IR' : 'en-GB',
    text: locale === 'fa' ?
      { edit: 'ویرایش', del: 'حذف', save: 'ذخیره', title: 'ویرایش نظر شما',
        saved: 'ویرایش شما ذخیره شد.', deleted: 'نظر شما حذف شد.', name: 'نویسندهٔ نظر',
        body: 'نظری با غلط املائی', fixed: 'نظری با املای درست' } :
      { edit: 'Edit', del: 'Delete', save: 'Save', title: 'Edit your comment',
        saved: 'Your edit is saved.', deleted: 'Your comment is deleted.', name: 'The author',
        body: 'A comment with a tpyo', fixed: 'A comment with the typo fixed' },
  };
}

function ctl(s, args) {
  return execFileSync(nazarctl, ['-c', s.conf, ...args],
    { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] }).trim();
}

// --- the checks every page gets (as in votes.test.js) ---
const pages = [];
const documents = [];
let overflowChecked = 0;

// axe's script element is taken out again once it has run (window.axe
// stays): the markup sent to vnu afterwards must stay the page's own.
async function axe(page, label) {
  if (!await page.evaluate(() => Boolean(window.axe))) {
    const tag = await page.addScriptTag({ path: axePath });
    await tag.evaluate((e) => e.remove());
  }
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
  const file = path.join(tmp, 'vnu-own', `${String(documents.length + 1).padStart(2, '0')}-${
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

// The page as it is now: its markup (with the script's changes) to vnu.
async function check(page, label) {
  keep(label, await page.content());
  await axe(page, label);
  await narrow(page, label);
}

// A comment posted as this browser (the context's cookies), as the form
// would: the reader cookie then names it. Returns its id.
async function post(page, s, body) {
  const t = await page.request.get(`${base}${s.prefix}/thread.json?article=${encodeURIComponent(s.article)}`);
  const token = (await t.json()).form.token;
  const r = await page.request.post(`${base}${s.prefix}/post`, {
    form: { article: s.article, token, name: s.text.name, body, return: s.url },
    maxRedirects: 0,
  });
  const m = /#nazar-comment-(\d+)$/.exec(r.headers().location || '');
  ok(r.status() === 303 && m, `${s.locale}: a comment posted (303)`, { status: r.status(), body: body });
  return m ? m[1] : '0';
}

function bodyText(page, id) {
  return page.evaluate((cid) => {
    const b = document.querySelector(`#nazar-comment-${cid} > .nazar-body`);
    return b ? b.textContent.trim() : null;
  }, id);
}

async function author(browser, s, js, width, n) {
  const L = (what) => `${s.locale} ${js ? 'JS on' : 'JS off'} ${width} px: ${what}`;
  const ctx = await browser.newContext({ locale: s.browserLocale, bypassCSP: true,
    viewport: { width, height: 900 } });
  const page = await ctx.newPage();
  page.setDefaultTimeout(20000);
  if (!js) {
    await page.route('**/static/nazar.js', (route) => route.fulfill({ status: 200,
      contentType: 'application/javascript; charset=utf-8', body: '' }));
  }
  const body = `${s.text.body} ${n}`;
  const id = await post(page, s, body);
  await page.goto(`${s.url}#nazar-comment-${id}`);
  if (js) await page.waitForSelector('section.nazar.nazar-own-js');
  const sel = `#nazar-comment-${id} .nazar-own`;
  ok(await page.locator(`${sel} a.nazar-edit`).textContent() === s.text.edit &&
    (await page.locator(`${sel} .nazar-delete`).textContent()).trim() === s.text.del,
  L(`the author sees "${s.text.edit}" and "${s.text.del}" under their comment`));
  ok(await page.locator('.nazar-own').count() === 1, L('and under no other comment'));
  await check(page, L('the thread with the author\'s controls'));

  const fixed = `${s.text.fixed} ${n}`;
  if (js) {
    await page.evaluate(() => { window.nazarMarker = 'still here'; });
    await page.click(`${sel} a.nazar-edit`);
    const area = `#nazar-comment-${id} > .nazar-inline-edit textarea`;
    await page.waitForSelector(area);
    ok(await page.inputValue(area) === body && await page.evaluate(() => document.activeElement &&
      document.activeElement.tagName === 'TEXTAREA'),
    L('Edit opens the text in place, focused'));
    await check(page, L('the editor in place'));
    await page.fill(area, fixed);
    await page.click(`#nazar-comment-${id} > .nazar-inline-edit button:text-is("${s.text.save}")`);
    await page.waitForFunction((cid) => !document.querySelector(`#nazar-comment-${cid} > .nazar-inline-edit`),
      id);
    const live = await page.locator(`${sel} .nazar-own-live`).textContent();
    ok(await bodyText(page, id) === fixed && live === s.text.saved &&
      await page.evaluate(() => window.nazarMarker === 'still here'),
    L('saved in place: the new text shown, said in the live region, no page load'), { live });
    await check(page, L('the thread after an edit in place'));
  } else {
    const [edit] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }),
      page.click(`${sel} a.nazar-edit`)]);
    ok(edit && edit.status() === 200 && await page.inputValue('textarea[name=body]') === body &&
      (await page.locator('h1').textContent()) === s.text.title,
    L('Edit opens the edit page with the text'));
    await check(page, L('the edit page'));
    // A text too long: 422, the text kept.
    const long = 'ب'.repeat(6000);
    await page.fill('textarea[name=body]', long);
    const [refused] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }),
      page.click(`button:text-is("${s.text.save}")`)]);
    ok(refused && refused.status() === 422 && await page.inputValue('textarea[name=body]') === long &&
      await page.locator('.nazar-error').count() === 1, L('a text too long: 422, the text kept'));
    await check(page, L('the edit page refusing a text'));
    await page.fill('textarea[name=body]', fixed);
    const [back] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }),
      page.click(`button:text-is("${s.text.save}")`)]);
    const first = back && back.request().redirectedFrom();
    const r = first ? await first.response() : null;
    ok(r && r.status() === 303 && page.url().endsWith(`#nazar-comment-${id}`) &&
      await bodyText(page, id) === fixed, L('saved: 303 back to the comment, the new text shown'));
  }

  // Deleted by its author, at one width per mode (posts to one article
  // are limited to 5 a minute): the comment just edited.
  if (width === 1280) {
    const gone = id;
    await page.goto('about:blank');
    await page.goto(`${s.url}#nazar-comment-${gone}`);
    if (js) await page.waitForSelector('section.nazar.nazar-own-js');
    const form = `#nazar-comment-${gone} .nazar-withdraw`;
    if (js) {
      let asked = '';
      page.once('dialog', (d) => { asked = d.message(); d.accept(); });
      await page.click(`${form} button`);
      await page.waitForFunction((cid) => !document.getElementById(`nazar-comment-${cid}`), gone);
      const note = await page.locator('.nazar-comments p.nazar-notice[role=status], .nazar p.nazar-notice[role=status]')
        .allTextContents();
      ok(asked.length > 0 && note.includes(s.text.deleted), L('Delete asks first, then the comment goes in place'),
        { asked, note });
      await check(page, L('the thread after a deletion in place'));
    } else {
      const [r] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }),
        page.click(`${form} button`)]);
      ok(r && r.status() === 200 && await page.locator(`#nazar-comment-${gone}`).count() === 0,
        L('Delete: 303 back to the thread, without the comment'));
    }
    ok(ctl(s, ['comment', 'show', gone]).includes('withdrawn'), L('its status is withdrawn'));
  }

  // Another reader: no cookie, no controls.
  const other = await browser.newContext({ locale: s.browserLocale, viewport: { width, height: 900 } });
  const op = await other.newPage();
  await op.goto(s.url);
  ok(await op.locator('.nazar-own').count() === 0, L('another reader sees no Edit or Delete'));
  await other.close();
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
  let n = 0;
  try {
    for (const locale of ['fa', 'en']) {
      const s = site(locale);
      for (const js of [true, false]) {
        for (const width of [360, 1280]) {
          await author(browser, s, js, width, ++n);
        }
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

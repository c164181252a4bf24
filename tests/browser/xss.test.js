// xss.test.js — stored XSS, in headless Chromium with JavaScript on. Some
// eighty hostile strings (script tags, event handlers, javascript: and
// data: URLs in text that gets linkified, SVG and MathML, broken and
// unclosed tags, attribute breakouts with either quote, </textarea> and
// </title> breakouts, comment and CDATA tricks, Mustache delimiters, CSS
// expressions and url(), bidi overrides and full-width look-alikes, iframe
// srcdoc, meta refresh, base, entity- and percent-encoded forms) are stored
// as names and texts through nazarctl (the form's own rules) and approved;
// a moderator whose display name is one of them edits a comment and
// replies for the site with more; blocklist patterns and notes carry more;
// a reader posts a few through the form with the script (the held comment
// shown in place, then after a reload, the name remembered) and without it
// (the form shown again with the values kept). They are then shown on the
// article page, the embed page, the queue, every comment's page (its edit
// textarea), the audit trail, the blocklist and the users page.
//
// A case fails when a dialog opens, the page logs an error or throws,
// anything is requested that nazar's pages do not ask for, an element or
// attribute that could run script or load anything appears outside what
// nazar's templates make (script, svg, iframe, img, on* attributes,
// javascript:/data: URLs, style attributes…), a comment's text holds any
// element but nazar's own links and line breaks, or a name, text or field
// value differs from what was stored (escaped once: shown as typed). Each
// payload calls alert() with its own number, so a dialog names it. Prints
// TAP and, as comments, the payloads tried and the ones that ran.
//
// Env (see run.sh): NAZAR_URL, NAZAR_EN_URL, NAZAR_BASE, NAZAR_CONF,
// NAZAR_EN_CONF, NAZARCTL, CHROMIUM (default /usr/bin/chromium).
'use strict';

const { execFileSync } = require('child_process');
const { chromium } = require('playwright-core');

const articleUrl = process.env.NAZAR_URL;
const enUrl = process.env.NAZAR_EN_URL;
const base = process.env.NAZAR_BASE;
const conf = process.env.NAZAR_CONF;
const enConf = process.env.NAZAR_EN_CONF;
const nazarctl = process.env.NAZARCTL;
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const article = articleUrl ? articleUrl.replace(/.*\//, '') : '';
const admin = `${base}/comments/admin`;

const { tap, ok, chromiumArgs } = require('./tap');


// --- the payloads: § is each one's own number ---
const PAYLOADS = [
  '<script>alert(§)</script>',
  '<SCRIPT SRC=//127.0.0.1/x§.js></SCRIPT>',
  '<script>alert(String.fromCharCode(88,83,83,§))</script>',
  '<script type="module">alert(§)</script>',
  '<img src=x onerror=alert(§)>',
  '<img src="x" onerror="alert(\'§\')">',
  '<IMG SRC=x ONERROR=alert(§)//',
  '<img src=x:alert(alt) onerror=eval(src) alt=§>',
  '<svg onload=alert(§)>',
  '<svg><script>alert(§)</script></svg>',
  '<svg/onload=alert(§)//',
  '<svg><a xlink:href="javascript:alert(§)"><text x="20" y="20">x</text></a></svg>',
  '<svg><animate onbegin=alert(§) attributeName=x dur=1s>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(§)>',
  '<body onload=alert(§)>',
  '<iframe src="javascript:alert(§)"></iframe>',
  '<iframe srcdoc="<script>parent.alert(§)</script>"></iframe>',
  '<object data="javascript:alert(§)">',
  '<embed src="javascript:alert(§)">',
  '<a href="javascript:alert(§)">click me</a>',
  'javascript:alert(§)',
  'JaVaScRiPt:alert(§)//http://example.com/',
  'data:text/html,<script>alert(§)</script>',
  'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg== §',
  'http://example.com/"onmouseover="alert(§)',
  'http://example.com/\'onmouseover=\'alert(§)',
  'https://example.com/<script>alert(§)</script>',
  'www.example.com/"><img src=x onerror=alert(§)>',
  'http://example.com/?a=1&b=<svg/onload=alert(§)>',
  'https://example.com/#"><script>alert(§)</script>',
  'http://javascript:alert(§)@example.com/',
  'https://example.com/path?q=`${alert(§)}`',
  '"><script>alert(§)</script>',
  '\'><img src=x onerror=alert(§)>',
  '" onfocus="alert(§)" autofocus="',
  '\' onmouseover=\'alert(§)\' x=\'',
  '`><img src=x onerror=alert(§)>`',
  '</textarea><script>alert(§)</script>',
  '</TEXTAREA ><img src=x onerror=alert(§)>',
  '</title><script>alert(§)</script>',
  '</bdi></header><script>alert(§)</script>',
  '</p></div></article></section></main><script>alert(§)</script>',
  '</td></tr></table><img src=x onerror=alert(§)>',
  '<!--<script>alert(§)//-->',
  '--><script>alert(§)</script><!--',
  '<![CDATA[<script>alert(§)</script>]]>',
  '<scr<script>ipt>alert(§)</scr</script>ipt>',
  '<<script>alert(§);//<</script>',
  '<img """><script>alert(§)</script>">',
  '<img src=x onerror=alert(§)',
  '<a href=javascript&colon;alert(§)>x',
  '<a href="&#106;avascript:alert(§)">x</a>',
  '<a href="jav&#x09;ascript:alert(§)">x</a>',
  '&lt;script&gt;alert(§)&lt;/script&gt;',
  '&#60;script&#62;alert(§)&#60;/script&#62;',
  '&#x3C;img src=x onerror=alert(§)&#x3E;',
  '%3Cscript%3Ealert(§)%3C/script%3E',
  '\\u003cscript\\u003ealert(§)\\u003c/script\\u003e',
  '{{constructor.constructor(\'alert(§)\')()}}',
  '{{{body}}}{{#t}}{{/t}}{{>comment}}{{! § }}{{&name}}',
  '{{=<% %>=}}<%alert%> §',
  '${alert(§)} <%= alert(§) %> #{alert(§)}',
  '<style>*{background:url("javascript:alert(§)")}</style>',
  '<div style="width: expression(alert(§))">x</div>',
  '<p style="background-image:url(javascript:alert(§))">x</p>',
  '<link rel=stylesheet href=javascript:alert(§)>',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(§)">',
  '<base href="javascript:alert(§)//">',
  '<form action=javascript:alert(§)><button>x</button></form>',
  '<input autofocus onfocus=alert(§)>',
  '<details open ontoggle=alert(§)>',
  '<video><source onerror=alert(§)>',
  '<marquee onstart=alert(§)>x</marquee>',
  '<template><img src=x onerror=alert(§)></template>',
  '<noscript><p title="</noscript><img src=x onerror=alert(§)>">',
  '<x onclick=alert(§) onmouseover=alert(§)>hover',
  '\u202e<script>alert(§)</script>\u202c',
  'علی\u202e<svg onload=alert(§)>',
  '\uff1cscript\uff1ealert(§)\uff1c/script\uff1e',
  '<\u200bscript>alert(§)</script>',
  'نظر <script>alert(\'§\')</script> پایان',
  '<scr\nipt>alert(§)</scr\nipt>\n<img\nsrc=x\nonerror=alert(§)>',
  'javascript://%0aalert(§)',
];

// Every step names where it is, for the diagnostics.
const problems = [];
const ran = new Set();

// A page watched for script running: dialogs (closed at once), errors,
// exceptions, and requests nazar's pages never make.
function guard(page, state) {
  page.on('dialog', async (d) => {
    const m = /(\d+)/.exec(d.message());
    ran.add(m ? m[1] : d.message());
    problems.push({ where: state.where, dialog: `${d.type()}: ${d.message()}` });
    await d.dismiss().catch(() => {});
  });
  page.on('pageerror', (e) => problems.push({ where: state.where, error: String(e) }));
  // Chromium logs "Failed to load resource" without the address: the
  // response itself says which (a form with errors is answered 422 on
  // purpose).
  page.on('console', (m) => {
    if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) {
      problems.push({ where: state.where, console: m.text() });
    }
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !(state.expect422 && r.status() === 422 && /\/post$/.test(r.url()))) {
      problems.push({ where: state.where, request: `${r.status()} ${r.url()}` });
    }
  });
  page.on('request', (r) => {
    if (!allowed(r.url())) problems.push({ where: state.where, request: r.url() });
  });
}
function allowed(url) {
  if (!url.startsWith(`${base}/`)) return false;
  const p = url.slice(base.length).replace(/[?#].*$/, '');
  return /^\/(en\/)?news\/[a-z0-9-]+$/.test(p) || p === '/favicon.ico' ||
    /^\/(en-)?comments\/(static\/(nazar|admin)\.(css|js)|thread|embed|post)$/.test(p) ||
    /^\/comments\/admin\/([a-z]+(\/\d+(\/[a-z]+)?)?)?$/.test(p);
}

// What may not be on any of nazar's pages, found in the page: elements that
// run or load things, event handler attributes, script URLs, inline style
// (but for the honeypot's), scripts but nazar's own files; and in the
// comments' texts anything but nazar's links and line breaks; in names,
// nothing but text.
function scan(page) {
  return page.evaluate(() => {
    const bad = [];
    const say = (el, why) => bad.push(`${why}: <${el.localName}${[...el.attributes].map((a) =>
      ` ${a.name}="${a.value.slice(0, 40)}"`).join('')}>`.slice(0, 200));
    const never = new Set(['iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'svg', 'math',
      'img', 'image', 'video', 'audio', 'source', 'track', 'picture', 'base', 'template', 'marquee',
      'details', 'noscript', 'x', 'animate', 'set', 'portal', 'canvas', 'param', 'xmp', 'plaintext']);
    const headOnly = new Set(['meta', 'link', 'style', 'title']);
    // The overview's own chart: one SVG of lines, bars and labels drawn by
    // the template, right under figure.nazar-chart, and the details element
    // beside it that holds the same numbers as a table; their attributes
    // are checked like any others.
    const chartTags = new Set(['svg', 'g', 'line', 'rect', 'text', 'title', 'desc']);
    const inChart = (el) => {
      if (el.matches('figure.nazar-chart + details.nazar-chart-data')) return true;
      const svg = el.closest('svg');
      return svg !== null && svg.parentElement !== null &&
        svg.parentElement.matches('figure.nazar-chart') && chartTags.has(el.localName);
    };
    for (const el of document.querySelectorAll('*')) {
      const tag = el.localName;
      if (never.has(tag) && !inChart(el)) say(el, 'element');
      if (headOnly.has(tag) && !el.closest('head') && !inChart(el)) say(el, 'outside the head');
      if (tag === 'script' && !/\/static\/(nazar|admin)\.js$/.test(el.getAttribute('src') || '')) {
        say(el, 'script');
      }
      if (tag === 'body' && el !== document.body) say(el, 'second body');
      for (const a of el.attributes) {
        const name = a.name.toLowerCase();
        const v = a.value.replace(/[\s\u0000-\u001f]/g, '').toLowerCase();
        if (name.startsWith('on')) say(el, `handler ${name}`);
        if (/^(href|src|action|formaction|data|xlink:href|background|poster)$/.test(name) &&
          /^(javascript|vbscript|data):/.test(v)) say(el, `script or data URL in ${name}`);
        if (/^(style|content)$/.test(name) && /(javascript|vbscript|data):|expression\(|url\(/.test(v)) {
          say(el, `script or URL in ${name}`);
        }
        if (name === 'srcdoc' || name === 'autofocus' || name === 'xmlns:xlink') say(el, name);
        if (name === 'style' && !(el.classList.contains('nazar-hp') && a.value === 'display:none')) {
          say(el, 'style');
        }
      }
    }
    for (const b of document.querySelectorAll('.nazar-body')) {
      for (const el of b.querySelectorAll('*')) {
        const link = el.localName === 'a' && /^https?:\/\//.test(el.getAttribute('href') || '') &&
          [...el.attributes].every((a) => ['href', 'rel', 'target'].includes(a.name));
        if (el.localName !== 'br' && !link) say(el, 'in a text');
      }
    }
    for (const t of document.querySelectorAll('.nazar-author, bdi, .nazar-parent p[dir], time, .nazar-email')) {
      for (const el of t.querySelectorAll('*')) say(el, 'in a name');
    }
    return bad;
  });
}

const ctl = (cfg, args, input) => execFileSync(nazarctl, ['-c', cfg, ...args],
  { encoding: 'utf8', input: input === undefined ? '' : input, stdio: ['pipe', 'pipe', 'pipe'] }).trim();
// nazarctl's answer, or null when it refuses (its own rules).
function tryCtl(cfg, args, input) {
  try {
    return ctl(cfg, args, input);
  } catch (e) {
    return null;
  }
}

const cleanup = [];
const tried = new Set();

async function main() {
  for (const k of ['NAZAR_URL', 'NAZAR_EN_URL', 'NAZAR_BASE', 'NAZAR_CONF', 'NAZAR_EN_CONF', 'NAZARCTL']) {
    if (!process.env[k]) throw new Error(`${k} is not set (see run.sh)`);
  }
  const stored = seed();
  const browser = await chromium.launch({ executablePath, headless: true, args: chromiumArgs,
    timeout: 60000 });
  try {
    // A payload that breaks a page can stop a step; the others still run.
    for (const [what, step] of [['the self-check', selfCheck], ['the moderator', moderator],
      ['the public pages', publicPages], ['the admin pages', adminPages], ['the reader', readerPosts]]) {
      try {
        await step(browser, stored);
      } catch (e) {
        ok(false, `${what}: the step ran to the end`, String(e && e.stack || e));
      }
    }
  } finally {
    await browser.close().catch(() => {});
    for (const undo of cleanup) {
      try { undo(); } catch (e) { ok(false, 'the test undoes what it left behind', String(e)); }
    }
  }
  ok(tried.size >= 50, `at least 50 distinct payloads were stored and shown (${tried.size})`);
  const dialogs = problems.filter((p) => p.dialog);
  ok(dialogs.length === 0 && ran.size === 0, 'no payload ran on any page (no dialog opened)',
    dialogs.map((p) => `[${p.where}] ${p.dialog}`).join('\n'));
  const others = problems.filter((p) => !p.dialog);
  ok(others.length === 0, 'no page logged an error, threw, or requested anything nazar does not ask for',
    [...new Set(others.map((p) => `[${p.where}] ${p.error || p.console || p.request}`))].join('\n'));
  console.log(`# XSS payloads tried: ${tried.size}, executed: ${ran.size}`);
}

// The watcher and the scan see a payload that does run: without them the
// silence above would mean nothing.
async function selfCheck(browser) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const state = { where: 'self-check' };
  const before = problems.length;
  guard(page, state);
  await page.route(`${base}/self-check`, (route) => route.fulfill({ status: 200,
    contentType: 'text/html; charset=utf-8',
    body: '<!doctype html><title>t</title><div class="nazar-body"><b>x</b></div>' +
      '<img src="data:," onerror="alert(4242)">' }));
  await page.goto(`${base}/self-check`);
  for (let i = 0; i < 20 && !ran.has('4242'); i++) await page.waitForTimeout(50);
  const found = await scan(page);
  ok(ran.has('4242') && found.some((f) => /handler onerror/.test(f)) && found.some((f) => /in a text/.test(f)),
    'self-check: a payload that runs opens a dialog the watcher sees, and the scan finds it', found);
  ran.delete('4242');
  problems.splice(before);
  await ctx.close();
}

// --- storing them ---
// Each payload is a comment's text and, when it fits the name's rules, its
// author's name; odd ones reply to the one before (50 top-level comments
// make a page). E-mail addresses that pass nazar's check carry some too.
function seed() {
  // (An address may not hold "(),:;<>[\]@ before its @: backticks call.)
  const emails = ['x\'onmouseover=alert`§`//@example.com', '{{{body}}}§@example.com',
    '%3Cscript%3E§@example.com', '&#x3Csvg/onload=alert`§`&#x3E@example.com',
    'javascript.alert§@example.com', '`${alert`§`}`@example.com',
    'x\'/onfocus=alert`§`/autofocus/@example.com'];
  const items = PAYLOADS.map((p, i) => {
    const num = String(100 + i);
    return { num, text: p.replace(/§/g, num), email: emails[i % 9] ? emails[i % 9].replace(/§/g, num) : '' };
  });
  const add = (it, parent, asName) => tryCtl(conf, ['comment', 'add', '--article', article,
    '--name', asName ? it.text : `XSS ${it.num}`, ...(it.email ? ['--email', it.email] : []),
    ...(parent ? ['--parent', parent] : [])], it.text);
  const ids = [];
  const refused = [];
  for (const round of [0, 1]) {
    const fresh = [];
    items.forEach((it, i) => {
      if (i % 2 !== round) return;
      const parent = round === 1 ? items[i - 1].id : null;
      // As name and text, else (a name may not hold a line break or be
      // over 80 characters) as text only; without the address when that
      // is what nazar refuses.
      it.id = add(it, parent, true) || add(it, parent, false);
      if (!it.id && it.email) {
        it.email = '';
        it.id = add(it, parent, true) || add(it, parent, false);
      }
      if (it.id) fresh.push(it.id); else refused.push(it.text);
    });
    if (fresh.length) ctl(conf, ['comment', 'approve', ...fresh]);
    ids.push(...fresh);
  }
  ok(refused.length === 0, `nazarctl stores all ${items.length} payload comments, and they are approved`,
    refused.join('\n'));
  for (const it of items) if (it.id) tried.add(it.text);
  for (const e of emails) tried.add(e);

  // The blocklist: patterns and notes.
  const blocks = [['word', '<script>alert(950)</script>', '<img src=x onerror=alert(951)>'],
    ['word', '"><svg onload=alert(952)>', '</td></tr></table><script>alert(953)</script>'],
    ['email', 'x\'onmouseover=alert`954`//@example.com', '{{{note}}}javascript:alert(955)']];
  let blocked = 0;
  for (const [kind, pattern, note] of blocks) {
    if (tryCtl(conf, ['block', 'add', kind, pattern, '--note', note]) !== null) {
      blocked++;
      tried.add(pattern);
      tried.add(note);
      cleanup.push(() => ctl(conf, ['block', 'remove', kind, pattern]));
    }
  }
  ok(blocked >= 2, `the blocklist holds payloads as patterns and notes (${blocked} of ${blocks.length})`);
  return { items, ids };
}

// A moderator whose display name is a payload edits a comment and replies
// for the site (its name then shows in the thread, the history and the
// audit trail, the texts in the audit's excerpts).
const mod = { user: 'xss-mod', password: 'xss-گذرواژه-1403 x',
  display: '"><img src=x onerror=alert(960)></bdi>' };
async function moderator(browser, stored) {
  ctl(conf, ['user', 'add', mod.user, '--role', 'admin', '--display-name', mod.display],
    `${mod.password}\n`);
  tried.add(mod.display);
  const ctx = await browser.newContext({ locale: 'fa-IR' });
  const page = await ctx.newPage();
  page.setDefaultTimeout(20000);
  const state = { where: 'moderator' };
  guard(page, state);
  await page.goto(`${admin}/`);
  await page.fill('#nazar-username', mod.user);
  await page.fill('#nazar-password', mod.password);
  // Signing in lands on the overview.
  await Promise.all([page.waitForURL(/\/overview$/, { waitUntil: 'load' }),
    page.click('.nazar-login button[type=submit]')]);
  const target = stored.items[0].id;
  await page.goto(`${admin}/comments/${target}`);
  const edit = '</textarea><img src=x onerror=alert(961)>\n<script>alert(962)</script>';
  const reply = '<svg onload=alert(963)> http://example.com/"onclick="alert(964)';
  await page.fill('#nazar-edit-body', edit);
  await Promise.all([page.waitForURL(/done=edit/, { waitUntil: 'load' }),
    page.click('.nazar-edit button[type=submit]')]);
  await page.fill('#nazar-reply-body', reply);
  await Promise.all([page.waitForURL(/done=reply/, { waitUntil: 'load' }),
    page.click('.nazar-site-reply button[type=submit]')]);
  tried.add(edit);
  tried.add(reply);
  ok(await page.inputValue('#nazar-edit-body') === edit &&
    (await page.locator('.nazar-history .nazar-body').innerText()).includes('<script>alert(100)</script>'),
  'the moderator\'s edit is kept as typed; the history shows the text before it as text',
  await page.inputValue('#nazar-edit-body'));
  await ctx.close();
}

// What thread.json says was stored: id → { name, body }.
async function storedTexts(request, url) {
  const res = await request.get(url, { headers: { Accept: 'application/json' } });
  const data = await res.json();
  const out = {};
  const walk = (list) => {
    for (const c of list || []) {
      out[c.id] = { name: c.name, body: c.body };
      walk(c.replies);
    }
  };
  walk(data.comments);
  return out;
}

// Names and texts on the page as stored (the scan has found no element in
// them: their text is the whole of them).
async function sameTexts(page, texts, itemSel, bodySel) {
  const shown = await page.evaluate(({ itemSel, bodySel }) => {
    const out = {};
    for (const el of document.querySelectorAll(itemSel)) {
      const id = el.id.replace(/\D+/g, '');
      const body = el.querySelector(bodySel);
      const name = el.querySelector('.nazar-author');
      out[id] = { name: name && name.textContent, body: body && body.innerText };
    }
    return out;
  }, { itemSel, bodySel });
  const norm = (s) => String(s).replace(/\s+/g, ' ').trim();
  const wrong = [];
  for (const [id, s] of Object.entries(shown)) {
    const want = texts[id];
    if (!want) continue;
    if (s.name !== want.name || norm(s.body) !== norm(want.body)) {
      wrong.push({ id, shown: s, stored: want });
    }
  }
  return { count: Object.keys(shown).filter((id) => texts[id]).length, wrong: wrong.slice(0, 5) };
}

// --- where they are shown ---
async function publicPages(browser, stored) {
  const ctx = await browser.newContext({ locale: 'fa-IR' });
  const page = await ctx.newPage();
  page.setDefaultTimeout(20000);
  const state = { where: 'article' };
  guard(page, state);
  const texts = await storedTexts(page.request, `${base}/comments/thread.json?article=${article}`);
  ok(stored.ids.every((id) => texts[id]), 'thread.json lists every payload comment (its JSON parses)',
    stored.ids.filter((id) => !texts[id]));
  for (const [where, url] of [['article', articleUrl], ['embed', `${base}/comments/embed?article=${article}`]]) {
    state.where = where;
    await page.goto(url);
    ok(await page.waitForSelector('section.nazar.nazar-js', { timeout: 5000 }).then(() => true, () => false),
      `the ${where} page: the script runs and enhances the thread`);
    // Hover and focus everything: handlers that wait for a person.
    await page.evaluate(() => {
      for (const el of document.querySelectorAll('.nazar *')) {
        for (const t of ['mouseover', 'mouseenter', 'focus', 'click']) {
          if (t === 'click' && el.closest('a, button, form')) continue;
          el.dispatchEvent(new Event(t, { bubbles: true }));
        }
      }
    });
    await page.waitForTimeout(200);
    const found = await scan(page);
    ok(found.length === 0, `the ${where} page: no payload element or attribute`, found.join('\n'));
    const same = await sameTexts(page, texts, '.nazar-comment', ':scope > .nazar-body');
    ok(same.count >= stored.ids.length && same.wrong.length === 0,
      `the ${where} page shows every name and text as stored (${same.count})`, same.wrong);
    const site = page.locator('.nazar-from-site .nazar-author');
    ok(await site.count() >= 1 && (await site.first().textContent()) === mod.display,
      `the ${where} page shows the moderator's display name as text on the site's reply`);
  }
  await ctx.close();
}

async function adminPages(browser, stored) {
  const ctx = await browser.newContext({ locale: 'fa-IR' });
  const page = await ctx.newPage();
  page.setDefaultTimeout(20000);
  const state = { where: 'sign-in' };
  guard(page, state);
  // The CSP would stop an inline script; Chromium then logs it, which the
  // watcher counts. admin.test.js proves that.
  await page.goto(`${admin}/`);
  await page.fill('#nazar-username', mod.user);
  await page.fill('#nazar-password', mod.password);
  await Promise.all([page.waitForURL(/\/overview$/, { waitUntil: 'load' }),
    page.click('.nazar-login button[type=submit]')]);
  const texts = await storedTexts(page.request, `${base}/comments/thread.json?article=${article}`);

  // The overview names the busiest articles and the rules that caught spam.
  state.where = 'overview';
  const onOverview = await scan(page);
  ok(onOverview.length === 0, 'the overview: no payload element or attribute',
    onOverview.join('\n'));

  // The queue, page by page.
  state.where = 'queue';
  let url = `${admin}/queue?status=approved&article=${article}`;
  const seen = new Set();
  const found = [];
  const wrong = [];
  for (let pageNo = 1; url && pageNo <= 5; pageNo++) {
    await page.goto(url);
    found.push(...await scan(page));
    const same = await sameTexts(page, texts, '.nazar-items > li', '.nazar-body');
    wrong.push(...same.wrong);
    for (const id of await page.locator('.nazar-items > li').evaluateAll((l) => l.map((e) => e.id))) {
      seen.add(id.replace(/\D+/g, ''));
    }
    const next = page.locator('.nazar-pages a[rel=next]');
    url = await next.count() ? new URL(await next.getAttribute('href'), page.url()).href : null;
  }
  ok(found.length === 0, 'the queue: no payload element or attribute', found.join('\n'));
  ok(stored.ids.every((id) => seen.has(id)) && wrong.length === 0,
    `the queue lists every payload comment, names and texts as stored (${seen.size})`, wrong);

  // Every comment's page: the text in its edit field exactly as stored.
  state.where = 'comment page';
  const bad = [];
  const fields = [];
  for (const id of stored.ids) {
    await page.goto(`${admin}/comments/${id}`);
    bad.push(...(await scan(page)).map((f) => `#${id} ${f}`));
    const value = await page.inputValue('#nazar-edit-body');
    const name = await page.locator('.nazar-item-page .nazar-author').textContent();
    if (value !== texts[id].body || name !== texts[id].name) {
      fields.push({ id, value, name, stored: texts[id] });
    }
  }
  ok(bad.length === 0, `every comment's page (${stored.ids.length}): no payload element or attribute`,
    bad.join('\n'));
  ok(fields.length === 0, 'every comment\'s edit field holds its text exactly, the name shown as text',
    fields.slice(0, 5));

  for (const [where, check] of [['audit', (t) => t.includes('alert(961)') && t.includes('alert(963)')],
    ['blocklist', (t) => t.includes('alert(950)') && t.includes('alert(951)')],
    ['users', (t) => t.includes(mod.display)]]) {
    state.where = where;
    await page.goto(`${admin}/${where}`);
    const f = await scan(page);
    const text = await page.locator('main').innerText();
    ok(f.length === 0 && check(text), `the ${where} page: the payloads shown as text, no element or attribute`,
      f.join('\n') || text.slice(0, 1500));
  }
  await ctx.close();
}

// --- a reader posts them (the English site: its own limits per minute) ---
async function readerPosts(browser) {
  const enArticle = enUrl.replace(/.*\//, '');
  const ctx = await browser.newContext({ locale: 'en-GB' });
  const page = await ctx.newPage();
  page.setDefaultTimeout(20000);
  const state = { where: 'reader (script)' };
  guard(page, state);
  await page.goto(enUrl);
  await page.waitForSelector('section.nazar.nazar-js');
  const posts = [
    { name: '"><svg onload=alert(801)>', email: 'x\'onmouseover=alert`802`//@example.com',
      body: '</textarea><img src=x onerror=alert(803)>\nhttp://example.com/"onmouseover="alert(804)' },
    { name: '{{{name}}}<script>alert(805)</script>', email: '',
      body: '<iframe srcdoc="<script>parent.alert(806)</script>"></iframe> {{#form}}x{{/form}}' },
    { name: '\'><img src=x onerror=alert(807)>', email: '', remember: true,
      body: 'javascript:alert(808) data:text/html,<script>alert(809)</script> www.example.com/\'><b>' },
  ];
  const ids = [];
  for (const p of posts) {
    await page.fill('#nazar-name', p.name);
    await page.fill('#nazar-email', p.email);
    await page.fill('#nazar-body', p.body);
    if (p.remember) await page.check('#nazar-remember');
    const last = page.locator('.nazar-just-posted');
    const before = await last.count() ? await last.getAttribute('id') : null;
    await page.click('.nazar-form button[type=submit]');
    await page.waitForFunction((b) => {
      const el = document.querySelector('.nazar-just-posted');
      return el && el.id !== b;
    }, before);
    ids.push((await page.locator('.nazar-just-posted').getAttribute('id')).replace(/\D+/g, ''));
    for (const s of [p.name, p.email, p.body]) if (s) tried.add(s);
  }
  const own = await page.evaluate((ids) => ids.map((id) => {
    const el = document.getElementById(`nazar-comment-${id}`);
    return el && { name: el.querySelector('.nazar-author').textContent,
      body: el.querySelector(':scope > .nazar-body').innerText };
  }), ids);
  const norm = (s) => String(s).replace(/\s+/g, ' ').trim();
  const asTyped = own.every((o, i) => o && o.name === posts[i].name && norm(o.body) === norm(posts[i].body));
  let found = await scan(page);
  ok(found.length === 0 && asTyped,
    'posted with the script: each held comment is shown in place, as typed, no payload element',
    found.join('\n') || own);
  state.where = 'reader (reload)';
  await page.reload();
  await page.waitForSelector('section.nazar.nazar-js');
  found = await scan(page);
  ok(found.length === 0 && await page.locator('.nazar-pending').count() >= ids.length &&
    await page.inputValue('#nazar-name') === posts[2].name,
  'after a reload: held and shown as text; the remembered name back in its field as typed',
  found.join('\n') || await page.inputValue('#nazar-name'));

  // Without the script: the form shown again, every value in its field.
  state.where = 'reader (no script)';
  state.expect422 = true;
  await page.route('**/static/nazar.js', (route) => route.fulfill({ status: 200,
    contentType: 'application/javascript; charset=utf-8', body: '' }));
  await page.goto(enUrl);
  const typed = { name: '"><script>alert(810)</script>', email: '"><img src=x onerror=alert(811)>@localhost',
    body: '</textarea><script>alert(812)</script>' };
  await page.fill('#nazar-name', typed.name);
  await page.fill('#nazar-email', typed.email);
  await page.fill('#nazar-body', typed.body);
  // type=email would stop the browser from sending that address.
  await page.evaluate(() => { document.getElementById('nazar-email').type = 'text'; });
  const [resp] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }),
    page.click('.nazar-form button[type=submit]')]);
  const values = { name: await page.inputValue('#nazar-name'), email: await page.inputValue('#nazar-email'),
    body: await page.inputValue('#nazar-body') };
  found = await scan(page);
  ok(resp && resp.status() === 422 && found.length === 0 && values.name === typed.name &&
    values.email === typed.email && values.body === typed.body,
  'without the script: 422, the form again with every value as typed, no payload element',
  { status: resp && resp.status(), found, values });
  for (const s of Object.values(typed)) tried.add(s);
  await ctx.close();
  cleanup.push(() => ctl(enConf, ['comment', 'delete', ...ids]));
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

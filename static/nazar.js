/* nazar - the readers' conveniences on a comment thread. Everything works
   without this file (plain forms, 303 redirects, the reply link opens
   nazar's own page); with it a reader
   - posts without a page reload and sees the comment in place, held;
   - sees errors next to the fields, with the text kept, also when the
     network fails;
   - writes a reply in a form that opens under the comment;
   - agrees or disagrees with a comment (or takes the vote back) and sees
     the counts change in place;
   - may have the name and e-mail remembered on this device (opt-in);
   - and an embedded thread (GET /comments/embed?article=ID in an iframe)
     tells the host page its height.

   No framework, no build step, no inline script, no eval: a site's CSP
   needs only script-src 'self'. The thread fragment loads it with defer
   once per thread, so it runs once per page and then enhances every
   .nazar section; it touches nothing outside them (the embed page is
   nazar's own). Every message it shows comes from the data- attributes
   of the form, in the site's language. A thread added to the page later
   is enhanced by calling window.nazar.reader.enhance().

   The host page of an embed sets the iframe's height from the message
   {nazar: 'height', value: pixels} that the embed posts on load and on
   every change of size:

     <iframe id="nazar-frame" src="/comments/embed?article=ID" title="Comments" style="width:100%;border:0"></iframe>
     <script>
     window.addEventListener('message', function (e) {
       var f = document.getElementById('nazar-frame');
       if (e.source === f.contentWindow && e.data && e.data.nazar === 'height') f.style.height = e.data.value + 'px';
     });
     </script>
*/
(function () {
	'use strict';

	var ns = window.nazar = window.nazar || {};
	if (ns.reader) { return; }	/* a second thread on the page: loaded again */

	var STORE_KEY = 'nazar.reader';	/* localStorage: {name, email} */
	var TIMEOUT_MS = 30000;
	var FIELDS = ['name', 'email', 'body'];	/* errors shown next to the field */

	function $(root, selector) { return root.querySelector(selector); }

	/* --- remembering the name and e-mail (only when asked to) --- */

	function storage() {
		try {
			var s = window.localStorage;
			var probe = STORE_KEY + '.probe';
			s.setItem(probe, '1');
			s.removeItem(probe);
			return s;
		} catch (e) {
			return null;	/* disabled, full or private mode */
		}
	}

	function loadSaved(s) {
		try {
			var o = JSON.parse(s.getItem(STORE_KEY) || 'null');
			if (!o || typeof o.name !== 'string' || typeof o.email !== 'string') { return null; }
			return { name: o.name.slice(0, 80), email: o.email.slice(0, 254) };
		} catch (e) {
			return null;
		}
	}

	function save(s, name, email) {
		try { s.setItem(STORE_KEY, JSON.stringify({ name: name, email: email })); } catch (e) { /* full */ }
	}

	function forget(s) {
		try { s.removeItem(STORE_KEY); } catch (e) { /* nothing to do */ }
	}

	/* --- messages --- */

	/* The live region under the submit button: status and form-wide errors. */
	function say(ui, text, isError) {
		ui.live.textContent = text || '';
		ui.live.classList.toggle('nazar-live-error', !!isError && !!text);
	}

	function clearErrors(ui) {
		var old = ui.form.querySelectorAll('.nazar-error');
		for (var i = 0; i < old.length; i++) { old[i].parentNode.removeChild(old[i]); }
		FIELDS.forEach(function (f) {
			var input = ui.fields[f];
			if (!input) { return; }
			input.removeAttribute('aria-invalid');
			var ids = (input.getAttribute('aria-describedby') || '').split(/\s+/).filter(function (id) {
				return id && id !== input.id + '-error';
			});
			if (ids.length) { input.setAttribute('aria-describedby', ids.join(' ')); } else { input.removeAttribute('aria-describedby'); }
		});
		say(ui, '');
	}

	/* Each error next to its field as the server renders it; the others
	   (the form as a whole, a reply to a vanished comment) in the live
	   region. Focus goes to the first field to correct. */
	function showErrors(ui, errors) {
		var general = [];
		var first = null;
		Object.keys(errors).forEach(function (key) {
			var msg = String(errors[key]);
			var input = FIELDS.indexOf(key) >= 0 ? ui.fields[key] : null;
			if (!input) { general.push(msg); return; }
			var span = document.createElement('span');
			span.className = 'nazar-error';
			span.id = input.id + '-error';
			span.textContent = msg;
			input.parentNode.insertBefore(span, input.nextSibling);
			input.setAttribute('aria-invalid', 'true');
			var by = input.getAttribute('aria-describedby');
			input.setAttribute('aria-describedby', by ? by + ' ' + span.id : span.id);
			if (!first || FIELDS.indexOf(key) < FIELDS.indexOf(first.name)) { first = input; }
		});
		say(ui, general.join(' '), true);
		if (first) { first.focus(); }
	}

	/* --- the new comment, in place --- */

	/* Takes the new comment from the thread as the server now renders it
	   for this reader (the response to the post set the cookie that shows
	   a held comment to its author), and puts it where it belongs: after
	   the comment before it, or first in its list. Null when it is not
	   on this page of the thread. */
	function insertComment(ui, html, id) {
		var doc = new DOMParser().parseFromString(html, 'text/html');
		/* Published at once (mode = post): the count changed too. */
		var count = doc.querySelector('.nazar-count');
		var localCount = $(ui.section, '.nazar-count');
		if (count && localCount) { localCount.textContent = count.textContent; }
		var fresh = doc.getElementById('nazar-comment-' + id);
		if (!fresh || !fresh.classList.contains('nazar-comment') ||
		    document.getElementById('nazar-comment-' + id)) { return null; }
		var node = document.importNode(fresh, true);
		var prev = fresh.previousElementSibling;
		var local = prev && prev.id ? ui.section.querySelector('#' + prev.id) : null;
		if (local) {
			local.parentNode.insertBefore(node, local.nextSibling);
			return node;
		}
		var list = fresh.parentNode;
		var target = null;
		if (list.classList.contains('nazar-replies')) {
			var owner = list.parentNode && list.parentNode.id ? ui.section.querySelector('#' + list.parentNode.id) : null;
			target = owner ? $(owner, ':scope > .nazar-replies') : null;
		} else if (list.classList.contains('nazar-comments')) {
			target = $(ui.section, '.nazar-comments');
			if (!target) {
				/* The first comment of the thread: the list replaces
				   "no comments yet". */
				target = document.createElement('div');
				target.className = 'nazar-comments';
				var empty = $(ui.section, '.nazar-empty');
				if (empty) {
					empty.parentNode.replaceChild(target, empty);
				} else {
					ui.section.insertBefore(target, $(ui.section, '.nazar-pages') || ui.home);
				}
			}
		}
		if (!target) { return null; }
		/* First in its list, or after comments this page does not show
		   yet (approved since it was loaded): last. */
		target.insertBefore(node, prev ? null : target.firstChild);
		return node;
	}

	function threadUrl(ui) {
		var base = ui.section.getAttribute('data-base') || ui.form.getAttribute('action').replace(/\/post$/, '');
		var page = parseInt(ui.section.getAttribute('data-page') || '1', 10);
		var sort = ui.section.getAttribute('data-sort') || '';
		return base + '/thread?article=' + encodeURIComponent(ui.field('article').value) +
		    (page > 1 ? '&page=' + page : '') + (/^[a-z]+$/.test(sort) ? '&sort=' + sort : '');
	}

	function posted(ui, data) {
		if (ui.store) {
			if (ui.remember.checked) {
				save(ui.store, ui.fields.name.value, ui.fields.email ? ui.fields.email.value : '');
				ui.forget.hidden = false;
			} else {
				forget(ui.store);
				ui.forget.hidden = true;
			}
		}
		ui.fields.body.value = '';
		closeReply(ui, false);
		say(ui, data.message || '');
		return fetch(threadUrl(ui), { credentials: 'same-origin', headers: { Accept: 'text/html' } })
			.then(function (res) { return res.ok ? res.text() : ''; })
			.then(function (html) {
				var node = html ? insertComment(ui, html, data.id) : null;
				if (node) {
					var older = ui.section.querySelectorAll('.nazar-just-posted');
					for (var i = 0; i < older.length; i++) { older[i].classList.remove('nazar-just-posted'); }
					node.classList.add('nazar-just-posted');
					node.setAttribute('tabindex', '-1');
					node.focus();
				} else if (!ui.form.contains(document.activeElement)) {
					/* Moving the form back from under a comment took
					   the focus with it; the message is next to it. */
					ui.submit.focus();
				}
			}, function () { /* the message above says it all */ });
	}

	/* --- posting --- */

	function answer(ui, status, data) {
		if (status === 201 && data && data.id) { return posted(ui, data); }
		if (data && typeof data.token === 'string') { ui.field('token').value = data.token; }
		if (data && data.errors && typeof data.errors === 'object') {
			showErrors(ui, data.errors);
		} else if (data && typeof data.error === 'string') {
			say(ui, data.error, true);
		} else {
			say(ui, ui.form.getAttribute('data-server-error'), true);
		}
	}

	function send(ui) {
		var form = ui.form;
		clearErrors(ui);
		ui.busy = true;
		ui.submit.setAttribute('aria-disabled', 'true');
		say(ui, form.getAttribute('data-sending'));
		var ctrl = window.AbortController ? new AbortController() : null;
		var timer = ctrl ? window.setTimeout(function () { ctrl.abort(); }, TIMEOUT_MS) : 0;
		var done = function () {
			window.clearTimeout(timer);
			ui.busy = false;
			ui.submit.removeAttribute('aria-disabled');
		};
		fetch(form.getAttribute('action'), {
			method: 'POST',
			body: new URLSearchParams(new FormData(form)),
			headers: { Accept: 'application/json' },
			credentials: 'same-origin',
			signal: ctrl ? ctrl.signal : undefined
		}).then(function (res) {
			return res.text().then(function (text) {
				var data = null;
				try { data = JSON.parse(text); } catch (e) { /* an HTML error page */ }
				done();
				return answer(ui, res.status, data);
			});
		}).catch(function () {
			/* The text stays in the form: nothing is ever cleared on failure. */
			done();
			say(ui, form.getAttribute('data-network-error'), true);
		});
	}

	/* --- the reply form under the comment --- */

	function setTitle(ui, reply) {
		if (ui.title) {
			ui.title.textContent = ui.form.getAttribute(reply ? 'data-reply-title' : 'data-title');
		}
	}

	function focusForm(ui) {
		var f = ui.fields.name && !ui.fields.name.value ? ui.fields.name : ui.fields.body;
		if (f) { f.focus(); }
	}

	/* The one form moves (with whatever is typed in it) to just under the
	   comment's own footer: nothing above it moves. */
	function openReply(ui, comment, link) {
		if (ui.replyLink === link) {
			closeReply(ui, true);
			return;
		}
		closeReply(ui, false);
		var footer = link.parentNode;
		comment.insertBefore(ui.form, footer.nextSibling);
		ui.field('parent').value = link.getAttribute('data-parent');
		ui.replyLink = link;
		link.setAttribute('aria-expanded', 'true');
		setTitle(ui, true);
		ui.cancel.hidden = false;
		if (ui.home) { ui.home.hidden = false; }
		focusForm(ui);
	}

	function closeReply(ui, focusLink) {
		var link = ui.replyLink;
		if (!link) { return; }
		ui.replyLink = null;
		link.setAttribute('aria-expanded', 'false');
		ui.anchor.parentNode.insertBefore(ui.form, ui.anchor.nextSibling);
		if (ui.home) { ui.home.hidden = true; }
		ui.field('parent').value = ui.parent;
		setTitle(ui, ui.parent !== '');
		ui.cancel.hidden = true;
		if (focusLink) { link.focus(); }
	}

	/* --- one thread --- */

	/* Two threads on one page repeat the form's ids; the second gets its
	   own, so that its labels and error descriptions point at its fields. */
	var renamed = 0;
	function ownIds(form) {
		var els = form.querySelectorAll('[id]');
		var map = {};
		var suffix = '-' + (++renamed);
		var i;
		for (i = 0; i < els.length; i++) {
			if (document.getElementById(els[i].id) !== els[i]) {
				map[els[i].id] = els[i].id + suffix;
				els[i].id += suffix;
			}
		}
		var refs = form.querySelectorAll('label[for], [aria-describedby]');
		for (i = 0; i < refs.length; i++) {
			var r = refs[i];
			if (r.htmlFor && map[r.htmlFor]) { r.htmlFor = map[r.htmlFor]; }
			var by = r.getAttribute('aria-describedby');
			if (by) {
				r.setAttribute('aria-describedby', by.split(/\s+/).map(function (id) {
					return map[id] || id;
				}).join(' '));
			}
		}
	}

	function enhance(section) {
		if (section.classList.contains('nazar-js')) { return; }
		var form = $(section, 'form.nazar-form');
		if (!form || !window.fetch || !window.FormData || !window.URLSearchParams || !window.DOMParser) { return; }
		var ui = {
			section: section,
			form: form,
			title: $(form, '.nazar-form-title'),
			submit: $(form, '[type="submit"]'),
			cancel: $(form, '.nazar-cancel') || document.createElement('button'),
			live: $(form, '.nazar-live'),
			remember: $(form, '#nazar-remember') || document.createElement('input'),
			forget: $(form, '.nazar-forget') || document.createElement('button'),
			home: $(section, '.nazar-new'),
			fields: {},
			busy: false,
			replyLink: null,
			store: null,
			field: function (name) { return form.querySelector('[name="' + name + '"]') || document.createElement('input'); }
		};
		FIELDS.forEach(function (f) { ui.fields[f] = form.querySelector('[name="' + f + '"]'); });
		/* A template edited beyond recognition keeps the plain form. */
		if (!ui.fields.name || !ui.fields.body || !ui.submit || !ui.live) { return; }
		section.classList.add('nazar-js');
		ownIds(form);
		/* Where the form goes back to: after the "new comment" button, or
		   (a template without one) after a marker of its own. */
		ui.anchor = ui.home;
		if (!ui.anchor) {
			ui.anchor = document.createElement('span');
			ui.anchor.hidden = true;
			form.parentNode.insertBefore(ui.anchor, form);
		}
		ui.parent = ui.field('parent').value;

		form.addEventListener('submit', function (e) {
			e.preventDefault();
			if (!ui.busy) { send(ui); }
		});

		section.addEventListener('click', function (e) {
			if (e.defaultPrevented || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) { return; }
			var t = e.target;
			var link = t && t.closest ? t.closest('a.nazar-reply[data-parent]') : null;
			if (link && section.contains(link)) {
				var comment = link.closest('.nazar-comment');
				if (!comment || link.parentNode.parentNode !== comment) { return; }
				e.preventDefault();
				openReply(ui, comment, link);
			} else if (t && t.closest && t.closest('button.nazar-cancel, .nazar-new button')) {
				/* Cancel: back to the reply link. New comment: into the
				   form, back at the end of the thread. */
				e.preventDefault();
				var cancel = !!t.closest('.nazar-cancel');
				closeReply(ui, cancel);
				if (!cancel) { focusForm(ui); }
			}
		});

		form.addEventListener('keydown', function (e) {
			if (e.key === 'Escape' && ui.replyLink) {
				e.preventDefault();
				closeReply(ui, true);
			}
		});

		ui.store = $(form, '.nazar-remember') ? storage() : null;
		if (ui.store) {
			var saved = loadSaved(ui.store);
			if (saved) {
				if (!ui.fields.name.value) { ui.fields.name.value = saved.name; }
				if (ui.fields.email && !ui.fields.email.value) { ui.fields.email.value = saved.email; }
				ui.remember.checked = true;
				ui.forget.hidden = false;
			}
			$(form, '.nazar-remember').hidden = false;
			ui.forget.addEventListener('click', function () {
				var had = loadSaved(ui.store);
				forget(ui.store);
				if (had && ui.fields.name.value === had.name) { ui.fields.name.value = ''; }
				if (had && ui.fields.email && ui.fields.email.value === had.email) { ui.fields.email.value = ''; }
				ui.remember.checked = false;
				ui.forget.hidden = true;
				ui.remember.focus();
				say(ui, form.getAttribute('data-forgotten'));
			});
		}
	}

	/* --- votes: sent without a reload, the counts updated in place --- */

	/* The buttons as the server now sees this reader's vote: the pressed
	   one asks to withdraw it, each count in the site's digits. */
	function showVote(form, data) {
		var buttons = form.querySelectorAll('button[data-vote]');
		for (var i = 0; i < buttons.length; i++) {
			var b = buttons[i];
			var kind = b.getAttribute('data-vote');
			var pressed = data.vote === kind;
			b.setAttribute('aria-pressed', pressed ? 'true' : 'false');
			b.value = pressed ? 'none' : kind;
			var count = $(b, '.nazar-vote-count');
			var text = data[kind + '_text'];
			if (count && typeof text === 'string') { count.textContent = text; }
		}
	}

	function sendVote(form, button) {
		var live = $(form, '.nazar-vote-live');
		var section = form.closest ? form.closest('section.nazar') : null;
		var failed = function (message) {
			form.removeAttribute('aria-busy');
			if (live) {
				live.textContent = message ||
				    (section && section.getAttribute('data-vote-error')) || '';
			}
		};
		var body = new URLSearchParams(new FormData(form));
		body.set('vote', button.value);
		form.setAttribute('aria-busy', 'true');
		if (live) { live.textContent = ''; }
		fetch(form.getAttribute('action'), {
			method: 'POST',
			body: body,
			headers: { Accept: 'application/json' },
			credentials: 'same-origin'
		}).then(function (res) {
			return res.text().then(function (text) {
				var data = null;
				try { data = JSON.parse(text); } catch (e) { /* an HTML error page */ }
				if (res.ok && data && typeof data.agree === 'number') {
					form.removeAttribute('aria-busy');
					showVote(form, data);
				} else {
					failed(data && typeof data.error === 'string' ? data.error : null);
				}
			});
		}).catch(function () { failed(null); });
	}

	function enhanceVotes(section) {
		if (section.classList.contains('nazar-votes-js') || !window.fetch || !window.FormData ||
		    !window.URLSearchParams) { return; }
		section.classList.add('nazar-votes-js');
		var clicked = null;	/* for browsers without SubmitEvent.submitter */
		section.addEventListener('click', function (e) {
			var b = e.target && e.target.closest ? e.target.closest('form.nazar-votes button[data-vote]') : null;
			if (b) { clicked = b; }
		});
		section.addEventListener('submit', function (e) {
			var form = e.target;
			if (!form.classList || !form.classList.contains('nazar-votes')) { return; }
			var b = e.submitter || clicked;
			clicked = null;
			if (!b || !form.contains(b)) { return; }	/* a plain post then */
			e.preventDefault();
			if (form.getAttribute('aria-busy') !== 'true') { sendVote(form, b); }
		});
	}

	/* --- a reader's own comment: edited in place, deleted after asking --- */

	/* Sends a form's fields (with extra ones set) as JSON, then calls
	   done(ok, data) with the parsed answer (null for an HTML page). */
	function sendJson(url, fields, done) {
		var body = new URLSearchParams();
		Object.keys(fields).forEach(function (k) { body.set(k, fields[k]); });
		fetch(url, {
			method: 'POST',
			body: body,
			headers: { Accept: 'application/json' },
			credentials: 'same-origin'
		}).then(function (res) {
			return res.text().then(function (text) {
				var data = null;
				try { data = JSON.parse(text); } catch (e) { /* an HTML error page */ }
				done(res.ok && data !== null, data);
			});
		}).catch(function () { done(false, null); });
	}

	function problem(data) {
		if (!data) { return null; }
		if (typeof data.error === 'string') { return data.error; }
		if (data.errors && typeof data.errors.body === 'string') { return data.errors.body; }
		return null;
	}

	function ownSay(own, text, ok) {
		var live = $(own, '.nazar-own-live');
		if (!live) { return; }
		live.classList.toggle('nazar-ok', !!ok);
		live.textContent = text || '';
	}

	function closeEditor(comment, own, focusLink) {
		var editor = $(comment, ':scope > .nazar-inline-edit');
		if (editor) { editor.parentNode.removeChild(editor); }
		var body = $(comment, ':scope > .nazar-body');
		if (body) { body.hidden = false; }
		var link = $(own, '.nazar-edit');
		if (link) {
			link.hidden = false;
			if (focusLink) { link.focus(); }
		}
	}

	/* The editor in place of the text: the text and a fresh token come
	   from the edit page itself (the waiting edit, if any, too). */
	function openEditor(comment, own, link) {
		var body = $(comment, ':scope > .nazar-body');
		if (!body || $(comment, ':scope > .nazar-inline-edit')) { return; }
		ownSay(own, '');
		link.setAttribute('aria-disabled', 'true');
		fetch(link.href, { credentials: 'same-origin' }).then(function (res) {
			return res.text().then(function (html) {
				link.removeAttribute('aria-disabled');
				var page = new DOMParser().parseFromString(html, 'text/html');
				var area = page.querySelector('textarea[name="body"]');
				if (!res.ok || !area) {
					var err = page.querySelector('.nazar-error');
					ownSay(own, err ? err.textContent : link.getAttribute('data-error'));
					return;
				}
				var form = page.querySelector('form');
				var fields = {};
				['comment', 'token', 'return'].forEach(function (k) {
					var f = form.querySelector('[name="' + k + '"]');
					fields[k] = f ? f.value : '';
				});
				showEditor(comment, own, link, body, area.value, form.getAttribute('action'), fields);
			});
		}).catch(function () {
			link.removeAttribute('aria-disabled');
			ownSay(own, link.getAttribute('data-error'));
		});
	}

	function showEditor(comment, own, link, body, text, action, fields) {
		var id = 'nazar-inline-' + fields.comment;
		var editor = document.createElement('div');
		editor.className = 'nazar-inline-edit';
		var area = document.createElement('textarea');
		area.id = id;
		area.name = 'body';
		area.dir = 'auto';
		area.rows = 5;
		area.value = text;
		area.setAttribute('aria-label', link.getAttribute('data-label') || '');
		var actions = document.createElement('p');
		actions.className = 'nazar-actions';
		var save = document.createElement('button');
		save.type = 'button';
		save.className = 'nazar-button';
		save.textContent = link.getAttribute('data-save');
		var cancel = document.createElement('button');
		cancel.type = 'button';
		cancel.className = 'nazar-button nazar-secondary';
		cancel.textContent = link.getAttribute('data-cancel');
		actions.appendChild(save);
		actions.appendChild(cancel);
		editor.appendChild(area);
		editor.appendChild(actions);
		body.parentNode.insertBefore(editor, body.nextSibling);
		body.hidden = true;
		link.hidden = true;
		area.focus();
		cancel.addEventListener('click', function () { closeEditor(comment, own, true); });
		editor.addEventListener('keydown', function (e) {
			if (e.key === 'Escape') { closeEditor(comment, own, true); }
		});
		save.addEventListener('click', function () {
			if (save.getAttribute('aria-disabled') === 'true') { return; }
			save.setAttribute('aria-disabled', 'true');
			fields.body = area.value;
			sendJson(action, fields, function (ok, data) {
				save.removeAttribute('aria-disabled');
				if (!ok) {
					area.setAttribute('aria-invalid', 'true');
					ownSay(own, problem(data) || link.getAttribute('data-error'));
					return;
				}
				if (typeof data.body_html === 'string') { body.innerHTML = data.body_html; }
				closeEditor(comment, own, true);
				ownSay(own, data.message, true);
			});
		});
	}

	function withdraw(comment, own, form) {
		if (form.getAttribute('aria-busy') === 'true') { return; }
		if (!window.confirm(form.getAttribute('data-confirm'))) { return; }
		var fields = {};
		['comment', 'token', 'return'].forEach(function (k) {
			var f = form.querySelector('[name="' + k + '"]');
			fields[k] = f ? f.value : '';
		});
		form.setAttribute('aria-busy', 'true');
		sendJson(form.getAttribute('action'), fields, function (ok, data) {
			form.removeAttribute('aria-busy');
			if (!ok) {
				ownSay(own, problem(data) || form.getAttribute('data-error'));
				return;
			}
			/* The comment is gone: what is left says so. */
			var note = document.createElement('p');
			note.className = 'nazar-notice';
			note.setAttribute('role', 'status');
			note.setAttribute('tabindex', '-1');
			note.textContent = data.message;
			comment.parentNode.replaceChild(note, comment);
			note.focus();
		});
	}

	function enhanceOwn(section) {
		if (section.classList.contains('nazar-own-js') || !window.fetch || !window.DOMParser ||
		    !window.URLSearchParams) { return; }
		section.classList.add('nazar-own-js');
		section.addEventListener('click', function (e) {
			var link = e.target && e.target.closest ? e.target.closest('.nazar-own a.nazar-edit') : null;
			if (!link) { return; }
			var own = link.closest('.nazar-own');
			var comment = own.closest('.nazar-comment');
			if (!comment) { return; }
			e.preventDefault();
			openEditor(comment, own, link);
		});
		section.addEventListener('submit', function (e) {
			var form = e.target;
			if (!form.classList || !form.classList.contains('nazar-withdraw')) { return; }
			var own = form.closest('.nazar-own');
			var comment = own ? own.closest('.nazar-comment') : null;
			if (!comment) { return; }
			e.preventDefault();
			withdraw(comment, own, form);
		});
	}

	function enhanceAll() {
		var sections = document.querySelectorAll('section.nazar');
		for (var i = 0; i < sections.length; i++) {
			enhance(sections[i]);
			enhanceVotes(sections[i]);
			enhanceOwn(sections[i]);
		}
	}

	/* --- the embed: tell the host page how tall the thread is --- */

	function embed() {
		var body = document.body;
		if (window.parent === window || !body || !body.classList.contains('nazar-page')) { return; }
		/* In a frame the host page is the article: no way "back" to it. */
		var back = $(body, '.nazar-back');
		if (back) { back.hidden = true; }
		var root = document.documentElement;
		var last = -1;
		function post(always) {
			var h = Math.ceil(root.getBoundingClientRect().height);
			if (h === last && !always) { return; }
			last = h;
			window.parent.postMessage({ nazar: 'height', value: h }, '*');
		}
		post(true);
		window.addEventListener('load', function () { post(true); });
		if (window.ResizeObserver) {
			new ResizeObserver(function () { post(false); }).observe(root);
		} else {
			window.addEventListener('resize', function () { post(false); });
			if (window.MutationObserver) {
				new MutationObserver(function () { post(false); }).observe(body, { childList: true, subtree: true, attributes: true });
			}
		}
	}

	function start() {
		enhanceAll();
		embed();
	}

	ns.reader = { enhance: enhanceAll };
	if (document.readyState === 'loading') {
		document.addEventListener('DOMContentLoaded', start);
	} else {
		start();
	}
}());

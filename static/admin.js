/* nazar — optional keyboard moderation for the queue. Loaded as a file
   (the admin's CSP allows no inline script); without it every action still
   works through the plain form.
   j / k: next / previous comment; a: approve, r: reject, s: spam (the
   focused comment); x: select or unselect it. */
(function () {
	'use strict';
	var form = document.getElementById('nazar-queue');
	if (!form) { return; }
	var items = Array.prototype.slice.call(form.querySelectorAll('.nazar-item'));
	if (items.length === 0) { return; }
	var current = -1;
	/* The keys only work with this script: say so only now. */
	var hint = document.querySelector('.nazar-keys');
	if (hint) { hint.hidden = false; }

	function focusItem(i) {
		if (i < 0 || i >= items.length) { return; }
		if (current >= 0) { items[current].classList.remove('nazar-current'); }
		current = i;
		items[i].classList.add('nazar-current');
		items[i].focus();
		items[i].scrollIntoView({ block: 'nearest' });
	}

	function act(key) {
		if (current < 0) { return; }
		var button = items[current].querySelector('button[data-key="' + key + '"]');
		if (button) { button.click(); }
	}

	document.addEventListener('keydown', function (e) {
		if (e.altKey || e.ctrlKey || e.metaKey) { return; }
		var t = e.target;
		if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable)) {
			return;
		}
		switch (e.key) {
		case 'j': focusItem(current + 1); break;
		case 'k': focusItem(current < 0 ? 0 : current - 1); break;
		case 'a': case 'r': case 's': act(e.key); break;
		case 'x':
			if (current >= 0) {
				var box = items[current].querySelector('input[type="checkbox"]');
				if (box) { box.checked = !box.checked; }
			}
			break;
		default: return;
		}
		e.preventDefault();
	});

	items.forEach(function (item, i) {
		item.addEventListener('focusin', function () {
			if (current >= 0 && current !== i) { items[current].classList.remove('nazar-current'); }
			current = i;
			item.classList.add('nazar-current');
		});
	});
}());

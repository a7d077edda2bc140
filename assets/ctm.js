/*
 * ctm.js - progressive enhancement only; every page works without it.
 *
 * Loaded with <script src="/assets/ctm.js" defer> under the CSP
 * script-src 'self': no inline code, no eval.
 *   <select data-autosubmit>  submits its form when changed (the language
 *                             switcher); the form's fallback submit button
 *                             carries data-js-hide
 *   [data-js-hide]            hidden once this script runs
 *   <form data-confirm="..."> asks before submitting (also on a submit
 *   <button data-confirm=...> button, for one action of a form)
 */
(function () {
	'use strict';

	function init() {
		var hide = document.querySelectorAll('[data-js-hide]');
		for (var i = 0; i < hide.length; i++)
			hide[i].hidden = true;
	}

	document.addEventListener('change', function (e) {
		var el = e.target;
		if (!(el instanceof HTMLSelectElement) ||
		    !el.hasAttribute('data-autosubmit') || !el.form)
			return;
		if (typeof el.form.requestSubmit === 'function')
			el.form.requestSubmit();
		else
			el.form.submit();
	});

	/* Capture phase, so a refusal also stops htmx-boosted forms. */
	document.addEventListener('submit', function (e) {
		var form = e.target;
		var by = e.submitter;
		var msg = (by && by.getAttribute('data-confirm')) ||
			(form instanceof HTMLFormElement &&
			 form.getAttribute('data-confirm'));
		if (msg && !window.confirm(msg)) {
			e.preventDefault();
			e.stopImmediatePropagation();
		}
	}, true);

	if (document.readyState === 'loading')
		document.addEventListener('DOMContentLoaded', init);
	else
		init();
})();

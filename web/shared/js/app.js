// motcua shared page helpers. Every page loads this module (directly or by
// importing it); importing it translates the page and wires the language
// switch. No inline scripts or styles anywhere: the CSP forbids them.
//
// Exports:
//   api(path, {method, body, headers, signal})  JSON over fetch; throws ApiError
//   ApiError (err.problem = RFC 9457 object, err.status)
//   setCsrfToken(token) / getCsrfToken()
//   showProblem(formEl, problem) / clearProblem(formEl)
//   createPager({...})                     cursor paging for {items, next_cursor}
//   formatDateTime(v) "dd/mm/yyyy hh:mm", formatDate(v) "dd/mm/yyyy",
//   formatTime(v) "hh:mm" — always in Vietnam time (UTC+7), whatever the
//   browser's zone; parseDateVN("dd/mm/yyyy") -> "yyyy-mm-dd"
//   statusBadge(status)  <span class="badge badge--STATUS">label</span>
//   h(tag, attrs, ...children)  small safe DOM builder (never innerHTML)
//   t, getLang, setLang, extend, setTitle  re-exported from i18n.js

import * as i18n from './i18n.js';

export { t, getLang, setLang, extend, setTitle } from './i18n.js';

const { t } = i18n;

/* ---------------------------------------------------------------- API -- */

export const API_BASE = '/api/v1/';

let csrfToken = null;

/** Remember the CSRF token (from the login response); null clears it. */
export function setCsrfToken(token) {
  csrfToken = token || null;
}

export function getCsrfToken() {
  return csrfToken;
}

/** An API failure; `.problem` holds the RFC 9457 problem details. */
export class ApiError extends Error {
  constructor(problem) {
    super(problem.detail || problem.title || `HTTP ${problem.status}`);
    this.name = 'ApiError';
    this.problem = problem;
    this.status = problem.status;
  }
}

function resolveUrl(path) {
  // "/healthz" and "/api/v1/x" are used as they are; "dossiers?x=1" is
  // relative to the API base.
  return path.startsWith('/') ? path : API_BASE + path;
}

function isJson(contentType) {
  return /^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType || '');
}

/**
 * Fetch JSON. `body` is sent as JSON (or as is for FormData/Blob).
 * Resolves to the parsed JSON (null for 204/empty bodies); rejects with an
 * ApiError whose `.problem` is the server's problem+json or one made up for
 * network and non-JSON failures (status 0 = no response).
 */
export async function api(path, { method = 'GET', body, headers = {}, signal } = {}) {
  const h = {
    Accept: 'application/json, application/problem+json',
    'Accept-Language': i18n.getLang(),
    ...headers,
  };
  let payload;
  if (body !== undefined && body !== null) {
    if (body instanceof FormData || body instanceof Blob || body instanceof URLSearchParams) {
      payload = body;
    } else {
      h['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
  }
  if (csrfToken) h['X-CSRF-Token'] = csrfToken;

  let res;
  try {
    res = await fetch(resolveUrl(path), {
      method,
      headers: h,
      body: payload,
      credentials: 'same-origin',
      signal,
    });
  } catch (err) {
    if (err && err.name === 'AbortError') throw err;
    throw new ApiError({
      type: 'about:blank',
      title: t('error.title'),
      status: 0,
      detail: t('error.network'),
    });
  }

  const ct = res.headers.get('Content-Type');
  let data = null;
  // Read every body to its end, even an empty or non-JSON one: a caller
  // that navigates away right after (sign-out) must not abort a response
  // the browser still counts as loading.
  const text = await res.text();
  if (res.status !== 204 && isJson(ct)) {
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        throw new ApiError({
          type: 'about:blank',
          title: t('error.title'),
          status: res.status,
          detail: t('error.bad_json'),
        });
      }
    }
  }

  if (!res.ok) {
    const problem = data && typeof data === 'object' ? { ...data } : {};
    problem.type ??= 'about:blank';
    problem.status ??= res.status;
    problem.title ??= res.statusText || t('error.title');
    problem.detail ??= t('error.http', { status: res.status });
    if (!Array.isArray(problem.invalid_params)) problem.invalid_params = [];
    throw new ApiError(problem);
  }
  return data;
}

/* ---------------------------------------------------------- DOM helper -- */

/**
 * h('a', {href: '/x', class: 'btn', dataset: {id: 1}, onclick: fn}, 'text', child)
 * Strings become text nodes; null/false children are skipped.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'style') throw new Error('inline styles are forbidden by the CSP; use a class');
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/* -------------------------------------------------------- form errors -- */

let uid = 0;
function ensureId(el, prefix) {
  if (!el.id) el.id = `${prefix}-${++uid}`;
  return el.id;
}

function findControl(form, name) {
  if (!name) return null;
  const candidates = [name];
  // "/applicant/phone" (JSON pointer) or "applicant.phone" -> try the leaf too
  const leaf = name.replace(/^\//, '').split(/[/.]/).pop();
  if (leaf && leaf !== name) candidates.push(leaf);
  for (const n of candidates) {
    const c = form.elements.namedItem(n);
    if (c) return c instanceof RadioNodeList ? c[0] : c;
  }
  return null;
}

function fieldLabel(control) {
  const field = control.closest('.field');
  const label = field?.querySelector('.field__label, legend') ||
    (control.id && control.form?.querySelector(`label[for="${CSS.escape(control.id)}"]`));
  if (!label) return control.name;
  // the label without its "*" / "(không bắt buộc)" markers
  const copy = label.cloneNode(true);
  for (const m of copy.querySelectorAll('.field__required, .field__optional, [aria-hidden="true"]')) m.remove();
  return copy.textContent.replace(/\s+/g, ' ').trim() || control.name;
}

function alertRegion(form) {
  let region = form.querySelector('[data-problem]');
  if (!region) {
    region = h('div', { 'data-problem': '', class: 'alert alert--error', role: 'alert', tabindex: '-1', hidden: true });
    form.prepend(region);
  }
  return region;
}

/** Remove every error mark that showProblem added. */
export function clearProblem(form) {
  for (const el of form.querySelectorAll('[data-problem-error]')) {
    const control = el.closest('.field')?.querySelector('[aria-describedby]');
    if (control) {
      const ids = control.getAttribute('aria-describedby').split(/\s+/).filter((x) => x && x !== el.id);
      if (ids.length) control.setAttribute('aria-describedby', ids.join(' '));
      else control.removeAttribute('aria-describedby');
    }
    el.remove();
  }
  for (const el of form.querySelectorAll('.field--error')) el.classList.remove('field--error');
  for (const el of form.querySelectorAll('[aria-invalid="true"]')) el.removeAttribute('aria-invalid');
  const region = form.querySelector('[data-problem]');
  if (region) {
    region.replaceChildren();
    region.hidden = true;
  }
}

/**
 * Show an RFC 9457 problem on a form: each invalid_params entry marks its
 * field (.field--error, aria-invalid, a .field__error message linked by
 * aria-describedby); the alert region ([data-problem], created if missing)
 * shows the title, the detail and a list of links to the invalid fields,
 * and takes focus so screen readers and keyboards land on it.
 */
export function showProblem(form, problem) {
  clearProblem(form);
  const p = problem || {};
  const region = alertRegion(form);
  region.classList.add('alert', 'alert--error');
  region.setAttribute('role', 'alert');
  if (!region.hasAttribute('tabindex')) region.setAttribute('tabindex', '-1');

  const items = [];
  let first = null;
  for (const ip of p.invalid_params || []) {
    const control = findControl(form, ip.name);
    if (!control) {
      items.push(h('li', {}, t('error.field', { name: ip.name, reason: ip.reason })));
      continue;
    }
    first ??= control;
    const field = control.closest('.field');
    field?.classList.add('field--error');
    control.setAttribute('aria-invalid', 'true');
    const id = ensureId(control, 'field');
    const msg = h('p', { class: 'field__error', id: `${id}-error`, 'data-problem-error': '' }, ip.reason);
    // the message goes right before the control, after label and hint
    (field && control.parentElement !== field ? control.parentElement : control).before(msg);
    const described = (control.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
    described.push(msg.id);
    control.setAttribute('aria-describedby', described.join(' '));
    items.push(h('li', {}, h('a', { href: `#${id}`, onclick: (e) => { e.preventDefault(); control.focus(); } },
      `${fieldLabel(control)}: ${ip.reason}`)));
  }

  const title = (p.invalid_params || []).length ? t('error.form_title') : (p.title || t('error.title'));
  region.append(h('strong', { class: 'alert__title' }, title));
  if (p.detail) region.append(h('p', {}, p.detail));
  if (items.length) region.append(h('ul', { class: 'alert__list' }, items));
  region.hidden = false;
  region.focus();
  return first;
}

/* --------------------------------------------------------------- paging -- */

/**
 * Cursor paging for lists that answer {items, next_cursor}.
 *
 *   const pager = createPager({
 *     bar: document.querySelector('.paging'),   // has [data-paging-prev],
 *                                              // [data-paging-next], [data-paging-status]
 *     fetchPage: (cursor) => api(`dossiers?limit=20${cursor ? '&cursor=' + encodeURIComponent(cursor) : ''}`),
 *     render: (items) => { ... fill the tbody ... },
 *   });
 *   pager.load();          // first page
 *
 * The cursors of earlier pages are kept so "previous" works without the
 * server supporting backwards cursors. Missing bar parts are created.
 */
export function createPager({ bar, fetchPage, render, onError }) {
  const stack = [];        // cursors of the pages before the current one
  let cursor = null;       // cursor of the current page (null = first)
  let next = null;
  let busy = false;
  let lastCount = 0;

  if (!bar.hasAttribute('aria-label')) bar.setAttribute('aria-label', t('paging.label'));
  let status = bar.querySelector('[data-paging-status]');
  let prevBtn = bar.querySelector('[data-paging-prev]');
  let nextBtn = bar.querySelector('[data-paging-next]');
  if (!status) {
    status = h('p', { class: 'paging__status', 'data-paging-status': '', role: 'status' });
    bar.append(status);
  }
  if (!prevBtn || !nextBtn) {
    prevBtn = h('button', { type: 'button', class: 'btn btn--secondary btn--small', 'data-paging-prev': '', 'data-i18n': 'paging.prev' }, t('paging.prev'));
    nextBtn = h('button', { type: 'button', class: 'btn btn--secondary btn--small', 'data-paging-next': '', 'data-i18n': 'paging.next' }, t('paging.next'));
    bar.append(h('div', { class: 'paging__buttons' }, prevBtn, nextBtn));
  }

  function page() {
    return stack.length + 1;
  }

  // aria-disabled rather than disabled: a button that is pressed and then
  // becomes unavailable keeps the keyboard focus instead of dropping it.
  function update() {
    prevBtn.disabled = false;
    nextBtn.disabled = false;
    prevBtn.setAttribute('aria-disabled', String(busy || stack.length === 0));
    nextBtn.setAttribute('aria-disabled', String(busy || !next));
    status.textContent = busy ? t('paging.loading')
      : lastCount === 0 && page() === 1 ? t('paging.empty')
        : t('paging.page_count', { page: page(), count: lastCount });
  }

  // Load the page at cursor c; `moved` adjusts the cursor stack on success,
  // before the bar shows the new page number.
  async function go(c, moved) {
    busy = true;
    update();
    try {
      const res = await fetchPage(c);
      const items = Array.isArray(res?.items) ? res.items : [];
      cursor = c;
      next = res?.next_cursor || null;
      lastCount = items.length;
      render(items);
      moved?.();
      return true;
    } catch (err) {
      if (onError) onError(err);
      else throw err;
      return false;
    } finally {
      busy = false;
      update();
    }
  }

  prevBtn.addEventListener('click', () => goPrev());
  nextBtn.addEventListener('click', () => goNext());
  document.addEventListener('motcua:langchange', update);

  async function goNext() {
    if (!next || busy) return;
    const before = cursor;
    await go(next, () => stack.push(before));
  }

  async function goPrev() {
    if (!stack.length || busy) return;
    await go(stack[stack.length - 1], () => stack.pop());
  }

  return {
    load() { return go(null, () => { stack.length = 0; }); },
    reload() { return go(cursor); },
    next: goNext,
    prev: goPrev,
    get page() { return page(); },
    get hasNext() { return Boolean(next); },
  };
}

/* ---------------------------------------------------------------- dates -- */

const VN_OFFSET_MS = 7 * 3600 * 1000;   // Vietnam has no daylight saving time
const pad = (n) => String(n).padStart(2, '0');

/** Date from a Date, an ISO 8601 string or Unix seconds; null if invalid. */
export function toDate(v) {
  if (v === null || v === undefined || v === '') return null;
  let d;
  if (v instanceof Date) d = v;
  else if (typeof v === 'number') d = new Date(v * 1000);
  else if (/^\d{4}-\d{2}-\d{2}$/.test(v)) d = new Date(`${v}T00:00:00+07:00`); // a calendar date in Vietnam
  else d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** {y, m, d, hh, mm, ss} of the instant in Vietnam time (UTC+7). */
export function vnParts(v) {
  const d = toDate(v);
  if (!d) return null;
  const s = new Date(d.getTime() + VN_OFFSET_MS);
  return {
    y: s.getUTCFullYear(), m: s.getUTCMonth() + 1, d: s.getUTCDate(),
    hh: s.getUTCHours(), mm: s.getUTCMinutes(), ss: s.getUTCSeconds(),
  };
}

/** "dd/mm/yyyy hh:mm" in Vietnam time; "" for empty or invalid input. */
export function formatDateTime(v) {
  const p = vnParts(v);
  return p ? `${pad(p.d)}/${pad(p.m)}/${p.y} ${pad(p.hh)}:${pad(p.mm)}` : '';
}

/** "dd/mm/yyyy" in Vietnam time. */
export function formatDate(v) {
  const p = vnParts(v);
  return p ? `${pad(p.d)}/${pad(p.m)}/${p.y}` : '';
}

/** "hh:mm" in Vietnam time. */
export function formatTime(v) {
  const p = vnParts(v);
  return p ? `${pad(p.hh)}:${pad(p.mm)}` : '';
}

/** "dd/mm/yyyy" typed by a person -> "yyyy-mm-dd", or null when not a real date. */
export function parseDateVN(s) {
  const m = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$/.exec(s || '');
  if (!m) return null;
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(y, mo - 1, d));
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d) return null;
  return `${y}-${pad(mo)}-${pad(d)}`;
}

/** ISO 8601 with +07:00 for an instant, e.g. to send in an API body. */
export function toIsoVN(v) {
  const p = vnParts(v);
  return p ? `${p.y}-${pad(p.m)}-${pad(p.d)}T${pad(p.hh)}:${pad(p.mm)}:${pad(p.ss)}+07:00` : '';
}

/* ------------------------------------------------------- status badges -- */

export const DOSSIER_STATUSES = [
  'submitted', 'received', 'processing', 'awaiting_supplement', 'awaiting_payment',
  'result_ready', 'returned', 'refused', 'rejected', 'withdrawn', 'stopped',
];

/** A status badge: colour, shape and text; follows language switches. */
export function statusBadge(status) {
  const known = DOSSIER_STATUSES.includes(status);
  const span = h('span', { class: known ? `badge badge--${status}` : 'badge' });
  if (known) {
    span.setAttribute('data-i18n', `dossier.status.${status}`);
    span.textContent = t(`dossier.status.${status}`);
  } else {
    span.textContent = String(status);
  }
  return span;
}

/* ------------------------------------------------------ system status -- */

/**
 * Fill a status line from GET /healthz: "Hệ thống hoạt động" when the server
 * and its database answer {"status":"ok"}, a calm warning otherwise. Never
 * throws: the page works without it.
 */
export async function checkSystemStatus(el) {
  let ok = false;
  try {
    const res = await api('/healthz');
    ok = res?.status === 'ok';
  } catch {
    ok = false;
  }
  const key = ok ? 'status.ok' : 'status.down';
  el.setAttribute('data-i18n', key);
  el.textContent = t(key);
  el.classList.toggle('system-status--ok', ok);
  el.classList.toggle('system-status--down', !ok);
}

/* ------------------------------------------------------ navigation -- */

/**
 * Narrow screens fold the navigation behind its "Danh mục" button. The
 * button is hidden in the HTML, so without JavaScript the menu stays open.
 */
export function initNav() {
  for (const nav of document.querySelectorAll('.site-nav')) {
    const btn = nav.querySelector('.site-nav__toggle');
    if (!btn) continue;
    const menu = document.getElementById(btn.getAttribute('aria-controls'));
    if (!menu) continue;
    const set = (open) => {
      btn.setAttribute('aria-expanded', String(open));
      nav.classList.toggle('site-nav--open', open);
    };
    nav.classList.add('site-nav--collapsible');
    btn.hidden = false;
    set(false);
    btn.addEventListener('click', () => set(btn.getAttribute('aria-expanded') !== 'true'));
    nav.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && btn.getAttribute('aria-expanded') === 'true' && getComputedStyle(btn).display !== 'none') {
        set(false);
        btn.focus();
      }
    });
  }
}

/* -------------------------------------------------------- page start -- */

i18n.init();
initNav();
for (const el of document.querySelectorAll('[data-system-status]')) checkSystemStatus(el);

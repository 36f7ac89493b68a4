// The satisfaction rating part of the staff dossier page, in its own module
// (docs/RATING.md): the dossier's rating with its comment and who entered
// it, and — for desk officials (rating.enter) once the dossier has its
// outcome — a short form to enter a paper slip or a counter device's
// answer (POST /api/v1/dossiers/{code}/rating). The server refuses to
// overwrite what the applicant said online (409), and says so here.
import {
  api, ApiError, clearProblem, extend, formatDateTime, h, showProblem, t,
} from '/shared/js/app.js';
import { summaryRows } from '/portal/js/dossier-common.js';
import { ratingFields, ratingSummary, readRating } from '/portal/js/rating-common.js';

extend({
  vi: {
    'slip.title': 'Đánh giá mức độ hài lòng',
    'slip.none': 'Chưa có đánh giá.',
    'slip.form_title': 'Nhập phiếu đánh giá',
    'slip.form_lead': 'Nhập đúng các mức người nộp đã chọn trên phiếu giấy hoặc thiết bị đánh giá tại quầy.',
    'slip.correct_title': 'Sửa phiếu đã nhập',
    'slip.channel_legend': 'Nguồn phiếu',
    'slip.submit': 'Lưu phiếu đánh giá',
    'slip.busy': 'Đang lưu…',
    'slip.saved': 'Đã lưu phiếu đánh giá.',
    'slip.comment_staff': 'Ý kiến của người nộp',
    'slip.entered_by': 'Người nhập',
    'slip.not_rateable': 'Không nhập được phiếu lúc này: {reason}',
  },
  en: {
    'slip.title': 'Satisfaction rating',
    'slip.none': 'Not rated yet.',
    'slip.form_title': 'Enter a rating slip',
    'slip.form_lead': 'Enter exactly the levels the applicant chose on the paper slip or the counter device.',
    'slip.correct_title': 'Correct the entered slip',
    'slip.channel_legend': 'Source',
    'slip.submit': 'Save the rating',
    'slip.busy': 'Saving…',
    'slip.saved': 'The rating was saved.',
    'slip.comment_staff': 'The applicant’s comment',
    'slip.entered_by': 'Entered by',
    'slip.not_rateable': 'No slip can be entered now: {reason}',
  },
});

const code = new URLSearchParams(location.search).get('code');
let view = null;
let mayEnter = false;
let saved = false;

function place() {
  let sec = document.getElementById('dos-rating');
  if (sec) return sec;
  const anchor = document.getElementById('dos-summary')?.closest('.grid');
  if (!anchor) return null;
  sec = h('section', { class: 'section panel', id: 'dos-rating', 'aria-labelledby': 'dos-rating-title', 'data-print-hide': '' });
  (document.getElementById('dos-bundle') || anchor).after(sec);
  return sec;
}

function slipForm() {
  const form = h('form', { class: 'form dq-rating', id: 'slip-form', novalidate: true, 'aria-labelledby': 'slip-form-title' },
    h('h3', { class: 'h4', id: 'slip-form-title' }, t(view.rating ? 'slip.correct_title' : 'slip.form_title')),
    h('p', { class: 'muted' }, t('slip.form_lead')),
    h('div', { 'data-problem': '', class: 'alert alert--error', role: 'alert', tabindex: '-1', hidden: true }),
    h('fieldset', { class: 'fieldset field dq-rating__group' },
      h('legend', { class: 'fieldset__legend' }, t('slip.channel_legend')),
      h('div', { class: 'dq-rating__choices' }, ['slip', 'device'].map((ch) => h('div', { class: 'choice' },
        h('input', { type: 'radio', id: `slip-channel-${ch}`, name: 'channel', value: ch,
          checked: (view.rating?.channel || 'slip') === ch ? true : null }),
        h('label', { for: `slip-channel-${ch}` }, t(`rating.channel_${ch}`)))))),
    ...ratingFields('slip', view.rating),
    h('div', { class: 'form-actions' },
      h('button', { class: 'btn btn--primary', type: 'submit', id: 'slip-submit' }, t('slip.submit'))),
    h('p', { class: 'dq-lookup__busy', role: 'status', id: 'slip-busy' }));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    send(form);
  });
  return form;
}

function render() {
  const sec = place();
  if (!sec || !view) return;
  const parts = [h('h2', { class: 'h3', id: 'dos-rating-title', tabindex: '-1' }, t('slip.title'))];
  if (saved) parts.push(h('div', { class: 'alert alert--success', role: 'status' }, h('p', { class: 'mb-0' }, t('slip.saved'))));
  if (view.rating) {
    const dl = h('dl', { class: 'summary-list', id: 'slip-summary' });
    summaryRows(dl, [
      ...ratingSummary(view.rating, formatDateTime),
      view.rating.comment ? [t('slip.comment_staff'), view.rating.comment] : null,
      view.rating.entered_by ? [t('slip.entered_by'), view.rating.entered_by] : null,
    ]);
    parts.push(dl);
  } else {
    parts.push(h('p', { class: 'muted' }, t('slip.none')));
  }
  if (mayEnter && view.rateable) parts.push(slipForm());
  else if (mayEnter && view.reason && !view.rating) parts.push(h('p', { class: 'muted' }, t('slip.not_rateable', { reason: view.reason })));
  sec.replaceChildren(...parts);
}

async function send(form) {
  const { body, missing } = readRating(form);
  clearProblem(form);
  if (missing.length) {
    showProblem(form, { title: t('error.form_title'), invalid_params: missing });
    return;
  }
  body.channel = form.querySelector('input[name="channel"]:checked')?.value || 'slip';
  const button = form.querySelector('#slip-submit');
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  form.querySelector('#slip-busy').textContent = t('slip.busy');
  try {
    await api(`dossiers/${encodeURIComponent(code)}/rating`, { method: 'POST', body });
    saved = true;
    await load();
    document.getElementById('dos-rating-title')?.focus();
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    button.disabled = false;
    button.removeAttribute('aria-busy');
    form.querySelector('#slip-busy').textContent = '';
    showProblem(form, err.problem);
  }
}

async function load() {
  if (!code) return;
  try {
    const [v, me] = await Promise.all([api(`dossiers/${encodeURIComponent(code)}/rating`), api('auth/me')]);
    view = v;
    mayEnter = Array.isArray(me?.permissions) && me.permissions.includes('rating.enter');
    // A component is rated through its bundle: nothing to show here.
    if (view.component_of) return;
    render();
  } catch (err) {
    if (!(err instanceof ApiError)) throw err; // the page itself reports the error
  }
}

document.addEventListener('motcua:langchange', () => { if (view) load(); });

// Only once the page has shown the dossier (#dos-body visible): a code that
// does not exist or is out of scope costs no second request and no second
// error here.
const body = document.getElementById('dos-body');
if (body && body.hidden) {
  const obs = new MutationObserver(() => {
    if (!body.hidden) {
      obs.disconnect();
      load();
    }
  });
  obs.observe(body, { attributes: true, attributeFilter: ['hidden'] });
} else {
  load();
}

// The rating part of the public lookup page (docs/RATING.md): once the
// dossier has its outcome the applicant rates the service with the same
// code and lookup key (GET/POST /api/v1/public/dossiers/{code}/rating),
// then sees a thank-you with the answers (never the comment, which the
// server does not send back). A rating may be changed for a few days; the
// page says until when. The lookup page calls showRating(code, key) after
// each successful lookup and hideRating() otherwise.
import {
  api, ApiError, clearProblem, extend, formatDateTime, h, showProblem, t,
} from '/shared/js/app.js';
import { summaryRows } from './dossier-common.js';
import { ratingFields, ratingSummary, readRating } from './rating-common.js';

extend({
  vi: {
    'prating.title': 'Đánh giá mức độ hài lòng',
    'prating.lead': 'Hồ sơ đã có kết quả giải quyết. Xin Ông/Bà dành một phút cho biết mức độ hài lòng với việc giải quyết hồ sơ này; ý kiến giúp cơ quan phục vụ tốt hơn (Nghị định 61/2018/NĐ-CP, Điều 29, 31).',
    'prating.change_lead': 'Ông/Bà đã đánh giá hồ sơ này. Có thể thay đổi đánh giá đến {until}.',
    'prating.submit': 'Gửi đánh giá',
    'prating.change': 'Thay đổi đánh giá',
    'prating.busy': 'Đang gửi…',
    'prating.thanks_title': 'Cảm ơn Ông/Bà đã đánh giá',
    'prating.thanks': 'Đánh giá đã được ghi nhận và được tổng hợp vào số liệu công khai về mức độ hài lòng (chỉ số lượng, không có thông tin cá nhân).',
    'prating.done_title': 'Hồ sơ đã được đánh giá',
  },
  en: {
    'prating.title': 'How satisfied are you?',
    'prating.lead': 'Your dossier has its outcome. Please take a minute to tell us how satisfied you are with how it was handled; it helps the agency serve better (Decree 61/2018, Art. 29 and 31).',
    'prating.change_lead': 'You have rated this dossier. You can change your answers until {until}.',
    'prating.submit': 'Send my rating',
    'prating.change': 'Change my rating',
    'prating.busy': 'Sending…',
    'prating.thanks_title': 'Thank you for your rating',
    'prating.thanks': 'Your rating is recorded and counted in the published satisfaction figures (counts only, no personal data).',
    'prating.done_title': 'This dossier has been rated',
  },
});

const section = () => document.getElementById('lookup-rating');
let state = null; // {code, key, view, thanked}
let seq = 0;

export function hideRating() {
  seq++;
  state = null;
  const sec = section();
  if (sec) {
    sec.hidden = true;
    sec.replaceChildren();
  }
}

function rated(view, thanked) {
  const r = view.rating;
  const dl = h('dl', { class: 'summary-list' });
  summaryRows(dl, ratingSummary(r, formatDateTime));
  const parts = [
    h('h2', { class: 'h3', id: 'lookup-rating-title', tabindex: '-1' },
      t(thanked ? 'prating.thanks_title' : 'prating.done_title')),
    thanked ? h('div', { class: 'alert alert--success', role: 'status' }, h('p', { class: 'mb-0' }, t('prating.thanks'))) : null,
    dl,
  ];
  if (view.rateable) {
    parts.push(h('div', { class: 'form-actions' },
      h('button', { class: 'btn btn--secondary', type: 'button', id: 'rating-change', onclick: () => draw({ ...view, editing: true }) },
        t('prating.change'))));
  }
  return parts;
}

function formFor(view) {
  const r = view.rating;
  const form = h('form', { class: 'form dq-rating', id: 'rating-form', novalidate: true, 'aria-labelledby': 'lookup-rating-title' },
    h('div', { 'data-problem': '', class: 'alert alert--error', role: 'alert', tabindex: '-1', hidden: true }),
    ...ratingFields('rating', r),
    h('div', { class: 'form-actions' },
      h('button', { class: 'btn btn--primary', type: 'submit', id: 'rating-submit', 'data-i18n': r ? 'prating.change' : 'prating.submit' },
        t(r ? 'prating.change' : 'prating.submit'))),
    h('p', { class: 'dq-lookup__busy', role: 'status', id: 'rating-busy' }));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    send(form);
  });
  return [
    h('h2', { class: 'h3', id: 'lookup-rating-title', tabindex: '-1', 'data-i18n': 'prating.title' }, t('prating.title')),
    h('p', {}, r && r.changeable_until ? t('prating.change_lead', { until: formatDateTime(r.changeable_until) })
      : t('prating.lead')),
    form,
  ];
}

function draw(view, { thanked = false, focus = false } = {}) {
  const sec = section();
  if (!sec || !state) return;
  state.view = view;
  state.thanked = thanked;
  const editing = view.rateable && (!view.rating || view.editing);
  if (!editing && !view.rating) {
    // Not yet (no outcome) or never (a component): nothing to show.
    sec.hidden = true;
    sec.replaceChildren();
    return;
  }
  sec.replaceChildren(...(editing ? formFor(view) : rated(view, thanked)));
  sec.hidden = false;
  if (focus) document.getElementById('lookup-rating-title')?.focus();
}

async function send(form) {
  const { body, missing } = readRating(form);
  clearProblem(form);
  if (missing.length) {
    showProblem(form, { title: t('error.form_title'), invalid_params: missing });
    return;
  }
  const button = form.querySelector('#rating-submit');
  const busy = form.querySelector('#rating-busy');
  const mine = seq;
  const { code, key } = state;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  busy.textContent = t('prating.busy');
  try {
    const r = await api(`public/dossiers/${encodeURIComponent(code)}/rating?key=${encodeURIComponent(key)}`,
      { method: 'POST', body });
    if (mine !== seq) return;
    draw({ code, rateable: Boolean(r.changeable_until), reason: null, rating: r }, { thanked: true, focus: true });
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (mine !== seq) return;
    busy.textContent = '';
    button.disabled = false;
    button.removeAttribute('aria-busy');
    showProblem(form, err.problem);
  }
}

/** After a successful lookup: ask the server whether the dossier can be rated. */
export async function showRating(code, key) {
  const mine = ++seq;
  state = { code, key, view: null, thanked: false };
  try {
    const view = await api(`public/dossiers/${encodeURIComponent(code)}/rating?key=${encodeURIComponent(key)}`);
    if (mine !== seq) return;
    draw(view);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (mine === seq) hideRating(); // the lookup itself already reported any problem
  }
}

document.addEventListener('motcua:langchange', () => {
  // Read-only views are redrawn; a form being filled in is translated in
  // place (its texts carry data-i18n) so nothing typed is lost.
  if (state?.view && !(state.view.rateable && (!state.view.rating || state.view.editing))) {
    draw(state.view, { thanked: state.thanked });
  }
});

// The catalogue search (GET /api/v1/procedures): the form is a plain GET
// form, so the address holds the search and a result list can be linked;
// this script fills the field and agency lists, reads the address, shows
// the results with cursor paging and keeps the form in step.
import { api, ApiError, createPager, extend, h, t } from '/shared/js/app.js';
import {
  levelsLabel, onlineLabel, shareRows, shareSummary, timeLabel,
} from './catalog-common.js';

extend({
  vi: {
    'procs.doc_title': 'Tra cứu thủ tục hành chính — motcua',
    'procs.meta_description': 'Tra cứu thủ tục hành chính: thành phần hồ sơ, thời hạn giải quyết, phí, lệ phí, cơ quan thực hiện, mức độ dịch vụ công trực tuyến.',
    'procs.title': 'Tra cứu thủ tục hành chính',
    'procs.lead': 'Tìm thủ tục theo tên, mã, lĩnh vực, cơ quan, cấp thực hiện hoặc mức độ dịch vụ công trực tuyến. Gõ có dấu hay không dấu đều được.',
    'procs.form_title': 'Điều kiện tìm kiếm',
    'procs.q': 'Tên hoặc mã thủ tục',
    'procs.q_hint': 'Ví dụ: đăng ký khai sinh, dang ky thuong tru, H19-HT-01',
    'procs.field': 'Lĩnh vực',
    'procs.agency': 'Cơ quan',
    'procs.level': 'Cấp thực hiện',
    'procs.online': 'Dịch vụ công trực tuyến',
    'procs.any': 'Tất cả',
    'procs.submit': 'Tìm thủ tục',
    'procs.reset': 'Xoá điều kiện',
    'procs.results': 'Kết quả',
    'procs.results_for': 'Kết quả cho “{q}”',
    'procs.col_code': 'Mã',
    'procs.col_name': 'Tên thủ tục',
    'procs.col_field': 'Lĩnh vực',
    'procs.col_level': 'Cấp thực hiện',
    'procs.col_time': 'Thời hạn',
    'procs.col_online': 'Trực tuyến',
    'procs.none': 'Không tìm thấy thủ tục nào. Hãy thử từ khoá ngắn hơn hoặc bỏ bớt điều kiện.',
    'procs.share_title': 'Dịch vụ công trực tuyến mức độ 3, 4',
    'procs.share_by_agency': 'Tỷ lệ theo từng cơ quan',
  },
  en: {
    'procs.doc_title': 'Administrative procedures — motcua',
    'procs.meta_description': 'Search administrative procedures: required documents, time limits, fees, competent agencies, online service levels.',
    'procs.title': 'Administrative procedures',
    'procs.lead': 'Find a procedure by name, code, field, agency, level or online service level. With or without Vietnamese diacritics.',
    'procs.form_title': 'Search criteria',
    'procs.q': 'Procedure name or code',
    'procs.q_hint': 'For example: đăng ký khai sinh, dang ky thuong tru, H19-HT-01',
    'procs.field': 'Field',
    'procs.agency': 'Agency',
    'procs.level': 'Level',
    'procs.online': 'Online service',
    'procs.any': 'Any',
    'procs.submit': 'Search',
    'procs.reset': 'Clear',
    'procs.results': 'Results',
    'procs.results_for': 'Results for “{q}”',
    'procs.col_code': 'Code',
    'procs.col_name': 'Procedure',
    'procs.col_field': 'Field',
    'procs.col_level': 'Level',
    'procs.col_time': 'Time limit',
    'procs.col_online': 'Online',
    'procs.none': 'No procedure found. Try a shorter word or fewer criteria.',
    'procs.share_title': 'Online public services at level 3/4',
    'procs.share_by_agency': 'Share by agency',
  },
});

const PARAMS = ['q', 'field', 'agency', 'level', 'online_level'];
const form = document.getElementById('procs-form');
const body = document.getElementById('procs-body');
const errorBox = document.getElementById('procs-error');
const title = document.getElementById('procs-results-title');

function showError(err) {
  errorBox.replaceChildren(h('strong', { class: 'alert__title' }, err.problem?.title || t('error.title')),
    h('p', {}, err.message));
  errorBox.hidden = false;
  errorBox.focus();
}

async function fillFields() {
  const sel = document.getElementById('procs-field');
  const res = await api('fields');
  for (const f of res.items) sel.append(h('option', { value: f.code }, `${f.name} (${f.procedures})`));
}

async function fillAgencies() {
  const sel = document.getElementById('procs-agency');
  const root = await api(`agencies/${encodeURIComponent(sel.dataset.root)}`);
  sel.append(h('option', { value: root.code }, root.name));
  for (const c of root.children) {
    if (c.kind === 'unit') continue;
    sel.append(h('option', { value: c.code }, c.name));
  }
}

function row(p) {
  const link = h('a', { href: `/portal/procedure.html?code=${encodeURIComponent(p.code)}` }, p.name);
  return h('tr', {},
    h('td', { class: 'nowrap' }, h('code', {}, p.code)),
    h('td', {}, link),
    h('td', {}, p.field_name),
    h('td', {}, levelsLabel(p.levels)),
    h('td', { class: 'nowrap' }, timeLabel(p.time_limit)),
    h('td', {}, onlineLabel(p.online)));
}

let lastItems = null;
function render(items) {
  lastItems = items;
  if (!items.length) {
    body.replaceChildren(h('tr', {}, h('td', { class: 'table__empty', colspan: '6' }, t('procs.none'))));
    return;
  }
  body.replaceChildren(...items.map(row));
}

// The level 3/4 share against the plan's 50 % target: overall, and per
// agency behind a disclosure (a long table under the search results).
let share = null;
function renderShare() {
  if (!share) return;
  document.getElementById('procs-share-summary').textContent = shareSummary(share);
  document.getElementById('procs-share-body').replaceChildren(...shareRows(share.by_agency));
  document.getElementById('procs-share').hidden = false;
}

async function loadShare() {
  try {
    share = await api('catalog/online-share');
    renderShare();
  } catch (err) {
    if (!(err instanceof ApiError)) throw err; // the figures are optional on this page
  }
}
document.addEventListener('motcua:langchange', () => {
  renderShare();
  if (lastItems) render(lastItems);
});

async function main() {
  loadShare();
  const url = new URLSearchParams(location.search);
  const query = new URLSearchParams();
  for (const k of PARAMS) {
    const v = (url.get(k) || '').trim();
    if (v) query.set(k, v);
  }
  try {
    await Promise.all([fillFields(), fillAgencies()]);
  } catch (err) {
    if (err instanceof ApiError) showError(err); else throw err;
  }
  for (const k of PARAMS) {
    const el = form.elements.namedItem(k);
    if (el && query.has(k)) el.value = query.get(k);
  }
  if (query.get('q')) title.textContent = t('procs.results_for', { q: query.get('q') });
  const pager = createPager({
    bar: document.getElementById('procs-paging'),
    fetchPage: (cursor) => {
      const q = new URLSearchParams(query);
      q.set('limit', '20');
      if (cursor) q.set('cursor', cursor);
      return api(`procedures?${q}`);
    },
    render,
    onError: (err) => { if (err instanceof ApiError) showError(err); else throw err; },
  });
  await pager.load();
}

main();

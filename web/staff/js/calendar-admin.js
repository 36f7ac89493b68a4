// The holiday-table editor: an administrator opens a year's table
// (GET /api/v1/calendar/years/{year}: the edited, shipped or computed one),
// adds and removes days with their kind and name, sets the citation, and
// saves it (PUT, with If-Match so two editors cannot silently overwrite each
// other) or drops the edit (DELETE).  Errors are the server's problem+json,
// shown on the form: invalid_params names like "days[3].date" are the
// names of the inputs, so showProblem() marks the very field.
import {
  api, ApiError, clearProblem, extend, getLang, h, showProblem, t, vnParts,
} from '/shared/js/app.js';
import { KINDS, kindLabel, weekdayName } from '/portal/js/calendar-common.js';
import { can, requireSession } from './staff.js';

extend({
  vi: {
    'cala.doc_title': 'Lịch ngày nghỉ — motcua',
    'cala.breadcrumb': 'Vị trí trang',
    'cala.title': 'Lịch ngày nghỉ, ngày làm bù',
    'cala.lead': 'Bảng ngày nghỉ lễ, Tết, nghỉ bù và ngày làm bù của từng năm theo thông báo của cơ quan có thẩm quyền. Bảng đã lưu được áp dụng ngay để tính hạn giải quyết hồ sơ; mọi thay đổi được ghi vào nhật ký kiểm toán.',
    'cala.denied_title': 'Không có quyền sửa lịch',
    'cala.denied': 'Tài khoản của bạn không có quyền sửa lịch ngày nghỉ. Hãy liên hệ quản trị hệ thống.',
    'cala.choose_year': 'Chọn năm',
    'cala.year': 'Năm',
    'cala.open': 'Mở bảng',
    'cala.loading': 'Đang tải…',
    'cala.table_title': 'Bảng ngày nghỉ năm {year}',
    'cala.origin.edited': 'Đang áp dụng: bảng do quản trị viên sửa (lưu trong cơ sở dữ liệu).',
    'cala.origin.notice': 'Đang áp dụng: bảng gửi kèm phần mềm theo thông báo của năm (data/holidays).',
    'cala.origin.computed': 'Đang áp dụng: ngày nghỉ tính tự động theo Bộ luật Lao động; năm này chưa có bảng theo thông báo.',
    'cala.source': 'Căn cứ (số, ngày văn bản thông báo)',
    'cala.source_hint': 'Ví dụ: Thông báo số …/TB-BNV ngày … của Bộ Nội vụ về nghỉ Tết Âm lịch, Quốc khánh năm ….',
    'cala.source_note': 'Ghi chú về nguồn',
    'cala.source_note_hint': 'Điều gì chưa đối chiếu được với bản gốc, lựa chọn đã đưa ra.',
    'cala.optional': '(không bắt buộc)',
    'cala.days_title': 'Các ngày trong bảng',
    'cala.days_hint': 'Liệt kê mọi ngày nghỉ rơi vào ngày làm việc trong tuần (nghỉ lễ, Tết, nghỉ bù, nghỉ hoán đổi) và các ngày thứ Bảy, Chủ nhật đi làm bù. Bảng thay thế toàn bộ ngày nghỉ tính tự động của năm.',
    'cala.row': 'Ngày thứ {n}',
    'cala.row_named': 'Ngày thứ {n}: {weekday} {date}',
    'cala.date': 'Ngày',
    'cala.kind': 'Loại ngày',
    'cala.name': 'Tên hiển thị',
    'cala.note': 'Ghi chú (không bắt buộc)',
    'cala.remove': 'Xoá',
    'cala.remove_label': 'Xoá ngày thứ {n}',
    'cala.add': '+ Thêm ngày',
    'cala.save': 'Lưu bảng ngày nghỉ',
    'cala.saving': 'Đang lưu…',
    'cala.reset': 'Bỏ chỉnh sửa, dùng bảng mặc định',
    'cala.reset_confirm': 'Bỏ bảng đã sửa của năm {year} và dùng lại bảng gửi kèm phần mềm hoặc ngày nghỉ tính tự động?',
    'cala.view': 'Xem trên lịch',
    'cala.saved': 'Đã lưu bảng ngày nghỉ năm {year}. Từ nay hạn giải quyết hồ sơ được tính theo bảng này.',
    'cala.reset_done': 'Đã bỏ chỉnh sửa; năm {year} dùng lại bảng mặc định.',
    'cala.bad_year': 'Năm phải là số từ 1900 đến 2199.',
    'cala.empty': 'Bảng chưa có ngày nào.',
  },
  en: {
    'cala.doc_title': 'Holiday calendar — motcua',
    'cala.breadcrumb': 'You are here',
    'cala.title': 'Holidays and make-up working days',
    'cala.lead': 'Each year’s table of public holidays, Tết, days off in lieu and make-up working days, as the competent authority announced them. A saved table applies at once to dossier deadlines; every change is written to the audit log.',
    'cala.denied_title': 'Not allowed to edit the calendar',
    'cala.denied': 'Your account may not edit the holiday calendar. Ask a system administrator.',
    'cala.choose_year': 'Choose a year',
    'cala.year': 'Year',
    'cala.open': 'Open table',
    'cala.loading': 'Loading…',
    'cala.table_title': 'Holiday table {year}',
    'cala.origin.edited': 'In force: the table an administrator edited (stored in the database).',
    'cala.origin.notice': 'In force: the table shipped with the software from the year’s notice (data/holidays).',
    'cala.origin.computed': 'In force: days off computed from the Labour Code; this year has no notice table yet.',
    'cala.source': 'Source (number and date of the notice)',
    'cala.source_hint': 'E.g. Notice No. …/TB-BNV of … by the Ministry of Home Affairs on the Tết and National Day holidays ….',
    'cala.source_note': 'Notes on the source',
    'cala.source_note_hint': 'What could not be checked against the original, choices made.',
    'cala.optional': '(optional)',
    'cala.days_title': 'Days in the table',
    'cala.days_hint': 'List every day off that falls on a weekday (holidays, Tết, days in lieu, swapped days) and every Saturday or Sunday worked. The table replaces all computed days off of the year.',
    'cala.row': 'Day {n}',
    'cala.row_named': 'Day {n}: {weekday} {date}',
    'cala.date': 'Date',
    'cala.kind': 'Kind of day',
    'cala.name': 'Name shown',
    'cala.note': 'Note (optional)',
    'cala.remove': 'Remove',
    'cala.remove_label': 'Remove day {n}',
    'cala.add': '+ Add a day',
    'cala.save': 'Save the holiday table',
    'cala.saving': 'Saving…',
    'cala.reset': 'Drop the edit, use the default table',
    'cala.reset_confirm': 'Drop the edited table of {year} and go back to the shipped table or the computed days off?',
    'cala.view': 'See it on the calendar',
    'cala.saved': 'The {year} holiday table is saved. Dossier deadlines are now computed with it.',
    'cala.reset_done': 'The edit is dropped; {year} uses the default table again.',
    'cala.bad_year': 'The year must be a number from 1900 to 2199.',
    'cala.empty': 'The table has no days yet.',
  },
});

const el = (id) => document.getElementById(id);
const form = el('cala-form');
const daysBox = el('cala-days');
const state = { year: 0, etag: null, origin: null };
let uid = 0;

/* ------------------------------------------------------------ the rows -- */

function rows() {
  return [...daysBox.querySelectorAll('fieldset[data-row]')];
}

function field(id, key, control) {
  return h('div', { class: 'field' },
    h('label', { class: 'field__label', for: id, 'data-i18n': key }, t(key)),
    control);
}

function rowLegend(fs, n) {
  const date = fs.querySelector('input[type="date"]').value;
  const legend = fs.querySelector('legend');
  if (/^\d{4}-\d{2}-\d{2}$/.test(date)) {
    const d = new Date(`${date}T00:00:00Z`);
    const iso = d.getUTCDay() === 0 ? 7 : d.getUTCDay();
    const [y, m, dd] = date.split('-');
    legend.textContent = t('cala.row_named', { n, weekday: weekdayName(iso), date: `${dd}/${m}/${y}` });
  } else {
    legend.textContent = t('cala.row', { n });
  }
}

/** Give every row the names the API's invalid_params use, in order. */
function renumber() {
  rows().forEach((fs, i) => {
    for (const c of fs.querySelectorAll('[data-key]')) c.name = `days[${i}].${c.dataset.key}`;
    rowLegend(fs, i + 1);
    fs.querySelector('[data-remove]').setAttribute('aria-label', t('cala.remove_label', { n: i + 1 }));
  });
  el('cala-days').toggleAttribute('data-empty', rows().length === 0);
}

function kindSelect(id, value) {
  const sel = h('select', { class: 'select', id, 'data-key': 'kind' },
    KINDS.map((k) => h('option', { value: k }, `${kindLabel(k)} — ${kindLabel(k, true)}`)));
  sel.value = KINDS.includes(value) ? value : 'holiday';
  return sel;
}

function addRow(day = {}, focus = false) {
  const id = `cala-d${++uid}`;
  const date = h('input', {
    class: 'input', type: 'date', id: `${id}-date`, 'data-key': 'date', value: day.date || '',
    min: `${state.year}-01-01`, max: `${state.year}-12-31`, required: true,
  });
  const fs = h('fieldset', { class: 'cal-edit__row', 'data-row': '' },
    h('legend', {}, ''),
    field(`${id}-date`, 'cala.date', date),
    field(`${id}-kind`, 'cala.kind', kindSelect(`${id}-kind`, day.kind)),
    field(`${id}-name`, 'cala.name', h('input', {
      class: 'input', type: 'text', id: `${id}-name`, 'data-key': 'name', value: day.name || '',
      maxlength: '191', required: true,
    })),
    field(`${id}-note`, 'cala.note', h('input', {
      class: 'input', type: 'text', id: `${id}-note`, 'data-key': 'note', value: day.note || '',
      maxlength: '4096',
    })),
    h('button', {
      type: 'button', class: 'btn btn--secondary btn--small cal-edit__remove', 'data-remove': '',
      'data-i18n': 'cala.remove',
      onclick: (e) => {
        const all = rows();
        const i = all.indexOf(fs);
        fs.remove();
        renumber();
        const next = rows()[Math.min(i, rows().length - 1)];
        (next ? next.querySelector('input') : el('cala-add')).focus();
        e.preventDefault();
      },
    }, t('cala.remove')));
  // Per-day citations are kept as they came (the form does not edit them).
  if (day.source) fs.dataset.source = day.source;
  date.addEventListener('change', () => renumber());
  daysBox.append(fs);
  renumber();
  if (focus) date.focus();
  return fs;
}

function collect() {
  const body = {
    year: state.year,
    source: form.elements.namedItem('source').value.trim(),
    days: rows().map((fs) => {
      const get = (k) => fs.querySelector(`[data-key="${k}"]`).value.trim();
      const d = { date: get('date'), kind: get('kind'), name: get('name') };
      if (get('note')) d.note = get('note');
      if (fs.dataset.source) d.source = fs.dataset.source;
      return d;
    }),
  };
  const note = form.elements.namedItem('source_note').value.trim();
  if (note) body.source_note = note;
  return body;
}

/* ------------------------------------------------------------ loading -- */

/** GET the year's table with its ETag and origin (api() gives no headers). */
async function fetchYear(year) {
  const res = await fetch(`/api/v1/calendar/years/${year}`, {
    headers: { Accept: 'application/json, application/problem+json', 'Accept-Language': getLang() },
    credentials: 'same-origin',
    cache: 'no-store',
  });
  let body = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  if (!res.ok || !body) {
    throw new ApiError({
      type: 'about:blank', title: t('error.title'), status: res.status,
      detail: t('error.http', { status: res.status }), invalid_params: [], ...(body || {}),
    });
  }
  return { table: body, etag: res.headers.get('ETag'), origin: res.headers.get('X-Calendar-Origin') };
}

function showOrigin() {
  el('cala-origin').textContent = state.origin ? t(`cala.origin.${state.origin}`) : '';
  el('cala-form-title').textContent = t('cala.table_title', { year: state.year });
  el('cala-form-title').removeAttribute('data-i18n');
  el('cala-reset').hidden = state.origin !== 'edited';
}

async function load(year) {
  const { table, etag, origin } = await fetchYear(year);
  state.year = year;
  state.etag = etag;
  state.origin = origin;
  el('cala-year').value = String(year);
  clearProblem(form);
  form.elements.namedItem('source').value = table.source || '';
  form.elements.namedItem('source_note').value = table.source_note || '';
  daysBox.replaceChildren();
  for (const d of table.days || []) addRow(d);
  renumber();
  showOrigin();
  const first = (table.days || []).map((d) => d.date).find(Boolean);
  el('cala-view').href = `/portal/calendar.html?y=${year}&m=${first ? Number(first.slice(5, 7)) : 1}`;
  history.replaceState(null, '', `${location.pathname}?year=${year}`);
}

function status(text) {
  const box = el('cala-status');
  box.textContent = text;
  box.hidden = false;
  box.focus();
}

function busy(btn, on, key) {
  btn.disabled = on;
  if (on) btn.setAttribute('aria-busy', 'true');
  else btn.removeAttribute('aria-busy');
  btn.textContent = t(key);
}

/* ------------------------------------------------------------- events -- */

el('cala-add').addEventListener('click', () => addRow({}, true));

el('cala-year-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const yf = el('cala-year-form');
  const y = Number(el('cala-year').value);
  clearProblem(yf);
  el('cala-status').hidden = true;
  if (!Number.isInteger(y) || y < 1900 || y > 2199) {
    showProblem(yf, { title: t('error.form_title'), invalid_params: [{ name: 'year', reason: t('cala.bad_year') }] });
    return;
  }
  try {
    await load(y);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    showProblem(yf, err.problem);
  }
});

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  const btn = el('cala-save');
  clearProblem(form);
  el('cala-status').hidden = true;
  busy(btn, true, 'cala.saving');
  try {
    await api(`calendar/years/${state.year}`, {
      method: 'PUT',
      body: collect(),
      headers: state.etag ? { 'If-Match': state.etag } : {},
    });
    await load(state.year);
    status(t('cala.saved', { year: state.year }));
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    showProblem(form, err.problem);
  } finally {
    busy(btn, false, 'cala.save');
  }
});

el('cala-reset').addEventListener('click', async () => {
  // eslint-disable-next-line no-alert
  if (!window.confirm(t('cala.reset_confirm', { year: state.year }))) return;
  const btn = el('cala-reset');
  clearProblem(form);
  btn.disabled = true;
  try {
    await api(`calendar/years/${state.year}`, {
      method: 'DELETE',
      headers: state.etag ? { 'If-Match': state.etag } : {},
    });
    await load(state.year);
    status(t('cala.reset_done', { year: state.year }));
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    showProblem(form, err.problem);
  } finally {
    btn.disabled = false;
  }
});

document.addEventListener('motcua:langchange', () => {
  renumber();
  for (const sel of daysBox.querySelectorAll('select[data-key="kind"]')) {
    for (const o of sel.options) o.textContent = `${kindLabel(o.value)} — ${kindLabel(o.value, true)}`;
  }
  if (state.year) showOrigin();
});

/* -------------------------------------------------------------- start -- */

const me = await requireSession();
if (!can(me, 'calendar.write')) {
  el('cala-denied').hidden = false;
} else {
  el('cala-editor').hidden = false;
  const q = Number(new URLSearchParams(location.search).get('year'));
  const year = Number.isInteger(q) && q >= 1900 && q <= 2199 ? q : vnParts(new Date()).y;
  try {
    await load(year);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    showProblem(form, err.problem);
  }
}

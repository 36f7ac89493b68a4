// Catalogue administration: find a procedure, edit it by publishing a new
// version (effective date + publishing decision; the old version stays for
// the dossiers pinned to it), create one, abolish one, see its history;
// edit an agency's public details and the agencies a one-stop desk receives
// for; the share of procedures online at level 3/4. The server checks every
// permission; this page only leaves out what the caller may not do.
import {
  api, ApiError, clearProblem, createPager, extend, getLang, h, showProblem, t, vnParts,
} from '/shared/js/app.js';
import { can, requireSession } from './staff.js';
import {
  dateVN, LEVELS, CHANNELS, shareRows, shareSummary,
} from '/portal/js/catalog-common.js';

extend({
  vi: {
    'staff.breadcrumb': 'Vị trí trang',
    'catadm.doc_title': 'Quản trị bộ thủ tục — motcua',
    'catadm.title': 'Quản trị bộ thủ tục hành chính',
    'catadm.lead': 'Sửa thủ tục bằng cách công bố phiên bản mới có ngày hiệu lực và quyết định công bố; phiên bản cũ giữ nguyên cho các hồ sơ đã tiếp nhận. Mọi thay đổi được ghi vào nhật ký kiểm toán.',
    'catadm.share_title': 'Tỷ lệ thủ tục cung cấp trực tuyến mức độ 3, 4',
    'catadm.share_by_agency': 'Theo cơ quan',
    'catadm.share_by_field': 'Theo lĩnh vực',
    'catadm.find_title': 'Tìm thủ tục',
    'catadm.find_q': 'Tên hoặc mã thủ tục',
    'catadm.find_abolished': 'Chỉ thủ tục đã bãi bỏ',
    'catadm.find_submit': 'Tìm',
    'catadm.new': 'Thêm thủ tục mới',
    'catadm.col_version': 'Phiên bản',
    'catadm.open': 'Mở',
    'catadm.open_label': 'Mở thủ tục {code}',
    'catadm.none': 'Không có thủ tục nào.',
    'catadm.editor_title': 'Thủ tục',
    'catadm.editor_new': 'Thêm thủ tục mới',
    'catadm.editor_edit': 'Sửa thủ tục {code} (phiên bản {n})',
    'catadm.national_hint': 'Dạng 1.001612; để trống nếu chưa đối chiếu được.',
    'catadm.codes_hint': 'Mã định danh, cách nhau bởi dấu phẩy (ví dụ 000.00.04.H19). Để trống nếu mọi UBND cấp huyện/xã cùng thực hiện.',
    'catadm.codes_only_hint': 'Mã định danh, cách nhau bởi dấu phẩy.',
    'catadm.unit': 'Đơn vị',
    'catadm.unit_day': 'Ngày làm việc',
    'catadm.unit_hour': 'Giờ làm việc',
    'catadm.cutoff': 'Giờ chốt nhận hồ sơ',
    'catadm.time_note': 'Ghi chú thời hạn',
    'catadm.fee_note': 'Ghi chú phí, lệ phí',
    'catadm.documents_hint': 'JSON: [{"name", "originals", "copies", "required", "form", "note"}]',
    'catadm.fees_hint': 'JSON: [{"kind": "fee" (lệ phí) hoặc "charge" (phí), "name", "amount" (đồng, null nếu chưa rõ), "per", "collector", "note"}]',
    'catadm.steps': 'Các bước xử lý nội bộ',
    'catadm.steps_hint': 'JSON: [{"name", "unit", "role": receiver|specialist|leader|clerk|other, "hours", "note"}]; tổng số giờ không vượt thời hạn.',
    'catadm.legal_hint': 'JSON: [{"ref", "title", "issued_on" (YYYY-MM-DD hoặc null), "issuer"}]',
    'catadm.publish': 'Công bố phiên bản',
    'catadm.effective_from': 'Có hiệu lực từ ngày',
    'catadm.change_note': 'Nội dung thay đổi',
    'catadm.save': 'Công bố phiên bản mới',
    'catadm.create': 'Tạo thủ tục',
    'catadm.cancel': 'Đóng',
    'catadm.bad_json': 'JSON không hợp lệ: {why}',
    'catadm.saved': 'Đã công bố phiên bản {n} của thủ tục {code}, hiệu lực từ {from}.',
    'catadm.created': 'Đã tạo thủ tục {code}.',
    'catadm.abolish_title': 'Bãi bỏ thủ tục',
    'catadm.abolish_on': 'Bãi bỏ từ ngày',
    'catadm.abolish': 'Bãi bỏ',
    'catadm.abolished': 'Đã bãi bỏ thủ tục {code} từ ngày {on}.',
    'catadm.agency_title': 'Cơ quan, đơn vị',
    'catadm.agency_code': 'Mã định danh (QCVN 102)',
    'catadm.agency_load': 'Mở',
    'catadm.agency_name': 'Tên cơ quan',
    'catadm.agency_short': 'Tên ngắn',
    'catadm.agency_en': 'Tên tiếng Anh',
    'catadm.agency_phone': 'Điện thoại',
    'catadm.agency_email': 'Thư điện tử',
    'catadm.agency_address': 'Địa chỉ',
    'catadm.agency_website': 'Trang thông tin điện tử',
    'catadm.agency_hours': 'Giờ làm việc',
    'catadm.agency_desk': 'Là bộ phận một cửa (tiếp nhận hồ sơ)',
    'catadm.agency_receives': 'Tiếp nhận hồ sơ cho các cơ quan',
    'catadm.agency_save': 'Lưu cơ quan',
    'catadm.agency_saved': 'Đã lưu cơ quan {code}.',
    'catadm.history_item': 'Phiên bản {n} — hiệu lực từ {from}{to}: {decision}',
    'catadm.history_to': ' đến {to}',
    'catadm.changed': 'Thay đổi: {fields}',
    // Labels this editor shares with the public procedure pages and the
    // user list (those pages' scripts are not loaded here).
    'proc.authority': 'Cơ quan thực hiện',
    'proc.bundle': 'Thuộc nhóm liên thông',
    'proc.channels': 'Cách thức nộp hồ sơ',
    'proc.code': 'Mã thủ tục',
    'proc.coop': 'Cơ quan phối hợp',
    'proc.decision': 'Quyết định công bố',
    'proc.field': 'Lĩnh vực',
    'proc.history': 'Lịch sử thay đổi',
    'proc.lead': 'Cơ quan chủ trì',
    'proc.levels': 'Cấp thực hiện',
    'proc.national_code': 'Mã trên Cơ sở dữ liệu quốc gia',
    'proc.online': 'Mức độ dịch vụ công trực tuyến',
    'proc.result': 'Kết quả thực hiện',
    'proc.s_conditions': 'Yêu cầu, điều kiện',
    'proc.s_docs': 'Thành phần, số lượng hồ sơ',
    'proc.s_fees': 'Phí, lệ phí',
    'proc.s_legal': 'Căn cứ pháp lý',
    'proc.s_steps': 'Trình tự thực hiện',
    'proc.s_time': 'Thời hạn giải quyết',
    'proc.source': 'Ghi chú nguồn dữ liệu',
    'proc.where': 'Nơi tiếp nhận hồ sơ',
    'procs.col_code': 'Mã',
    'procs.col_name': 'Tên thủ tục',
    'staff.users.actions': 'Thao tác',
  },
  en: {
    'staff.breadcrumb': 'You are here',
    'catadm.doc_title': 'Procedure catalogue administration — motcua',
    'catadm.title': 'Procedure catalogue administration',
    'catadm.lead': 'Change a procedure by publishing a new version with its effective date and publishing decision; the old version stays for the dossiers received under it. Every change is audited.',
    'catadm.share_title': 'Share of procedures online at level 3/4',
    'catadm.share_by_agency': 'By agency',
    'catadm.share_by_field': 'By field',
    'catadm.find_title': 'Find a procedure',
    'catadm.find_q': 'Procedure name or code',
    'catadm.find_abolished': 'Abolished procedures only',
    'catadm.find_submit': 'Search',
    'catadm.new': 'New procedure',
    'catadm.col_version': 'Version',
    'catadm.open': 'Open',
    'catadm.open_label': 'Open procedure {code}',
    'catadm.none': 'No procedure.',
    'catadm.editor_title': 'Procedure',
    'catadm.editor_new': 'New procedure',
    'catadm.editor_edit': 'Edit procedure {code} (version {n})',
    'catadm.save': 'Publish a new version',
    'catadm.create': 'Create the procedure',
    'catadm.cancel': 'Close',
    'catadm.bad_json': 'Invalid JSON: {why}',
    'catadm.saved': 'Published version {n} of {code}, in force from {from}.',
    'catadm.created': 'Created procedure {code}.',
    'catadm.abolish_title': 'Abolish the procedure',
    'catadm.abolish_on': 'Abolished from',
    'catadm.abolish': 'Abolish',
    'catadm.abolished': 'Procedure {code} abolished from {on}.',
    'catadm.agency_title': 'Agencies',
    'catadm.agency_load': 'Open',
    'catadm.agency_save': 'Save the agency',
    'catadm.agency_saved': 'Saved agency {code}.',
    'catadm.history_item': 'Version {n} — in force from {from}{to}: {decision}',
    'catadm.history_to': ' to {to}',
    'catadm.changed': 'Changed: {fields}',
    'catadm.national_hint': 'Like 1.001612; leave empty until checked against the national database.',
    'catadm.codes_hint': 'Agency identifiers separated by commas (for example 000.00.04.H19). Leave empty when every district or commune people’s committee performs it.',
    'catadm.codes_only_hint': 'Agency identifiers separated by commas.',
    'catadm.unit': 'Unit',
    'catadm.unit_day': 'Working days',
    'catadm.unit_hour': 'Working hours',
    'catadm.cutoff': 'Cut-off time for receiving dossiers',
    'catadm.time_note': 'Note on the time limit',
    'catadm.fee_note': 'Note on fees and charges',
    'catadm.documents_hint': 'JSON: [{"name", "originals", "copies", "required", "form", "note"}]',
    'catadm.fees_hint': 'JSON: [{"kind": "fee" or "charge", "name", "amount" (VND, null when not known), "per", "collector", "note"}]',
    'catadm.steps': 'Internal processing steps',
    'catadm.steps_hint': 'JSON: [{"name", "unit", "role": receiver|specialist|leader|clerk|other, "hours", "note"}]; the hours may not add up to more than the time limit.',
    'catadm.legal_hint': 'JSON: [{"ref", "title", "issued_on" (YYYY-MM-DD or null), "issuer"}]',
    'catadm.publish': 'Publishing the version',
    'catadm.effective_from': 'In force from',
    'catadm.change_note': 'What changed',
    'catadm.agency_code': 'Identifier (QCVN 102)',
    'catadm.agency_name': 'Agency name',
    'catadm.agency_short': 'Short name',
    'catadm.agency_en': 'Name in English',
    'catadm.agency_phone': 'Telephone',
    'catadm.agency_email': 'E-mail',
    'catadm.agency_address': 'Address',
    'catadm.agency_website': 'Website',
    'catadm.agency_hours': 'Office hours',
    'catadm.agency_desk': 'Is a one-stop desk (receives dossiers)',
    'catadm.agency_receives': 'Receives dossiers for these agencies',
    // Shared with the public procedure pages and the user list.
    'proc.authority': 'Competent authority',
    'proc.bundle': 'Interlinked group',
    'proc.channels': 'Channels',
    'proc.code': 'Procedure code',
    'proc.coop': 'Co-operating agencies',
    'proc.decision': 'Publishing decision',
    'proc.field': 'Field',
    'proc.history': 'Change history',
    'proc.lead': 'Lead agency',
    'proc.levels': 'Level',
    'proc.national_code': 'National database code',
    'proc.online': 'Online service level',
    'proc.result': 'Result',
    'proc.s_conditions': 'Requirements and conditions',
    'proc.s_docs': 'Required documents',
    'proc.s_fees': 'Fees and charges',
    'proc.s_legal': 'Legal basis',
    'proc.s_steps': 'Steps',
    'proc.s_time': 'Time limit',
    'proc.source': 'Notes on the data source',
    'proc.where': 'Where to submit',
    'procs.col_code': 'Code',
    'procs.col_name': 'Procedure',
    'staff.users.actions': 'Actions',
  },
});

const statusBox = document.getElementById('cat-status');
const errorBox = document.getElementById('cat-error');
const editor = document.getElementById('editor');
const form = document.getElementById('proc-form');
const abolishForm = document.getElementById('abolish-form');
const agencyForm = document.getElementById('agency-form');
const JSON_FIELDS = ['documents', 'fees', 'steps', 'legal_basis'];
let current = null; // {code, versions} of the procedure being edited, null = new
let me = null;

function today() {
  const p = vnParts(new Date());
  return `${p.y}-${String(p.m).padStart(2, '0')}-${String(p.d).padStart(2, '0')}`;
}

function say(text) {
  errorBox.hidden = true;
  statusBox.textContent = text;
  statusBox.hidden = false;
  statusBox.focus();
}

function fail(err) {
  if (!(err instanceof ApiError)) throw err;
  statusBox.hidden = true;
  errorBox.replaceChildren(h('strong', { class: 'alert__title' }, err.problem?.title || t('error.title')),
    h('p', {}, err.message));
  errorBox.hidden = false;
  errorBox.focus();
}

const codes = (s) => String(s || '').split(/[\s,;]+/).filter(Boolean);
const el = (name, f = form) => f.elements.namedItem(name);

/* ---- online share ---------------------------------------------------- */

let share = null;
function renderShare() {
  if (!share) return;
  document.getElementById('share-summary').textContent = shareSummary(share);
  document.getElementById('share-agency-body').replaceChildren(...shareRows(share.by_agency));
  document.getElementById('share-field-body').replaceChildren(...shareRows(share.by_field));
}

async function loadShare() {
  share = await api('catalog/online-share');
  renderShare();
}

/* ---- finding ----------------------------------------------------------- */

function findRow(p) {
  return h('tr', {},
    h('td', { class: 'nowrap' }, h('code', {}, p.code)),
    h('td', {}, h('a', { href: `/portal/procedure.html?code=${encodeURIComponent(p.code)}` }, p.name)),
    h('td', { class: 'num' }, String(p.version)),
    h('td', {}, h('button', {
      type: 'button', class: 'btn btn--secondary btn--small', 'aria-label': t('catadm.open_label', { code: p.code }),
      onclick: () => openProcedure(p.code).catch(fail),
    }, t('catadm.open'))));
}

let pager = null;
let findItems = [];
// Rows are built in the current language; a language switch rebuilds them.
function renderFind() {
  const body = document.getElementById('find-body');
  body.replaceChildren(...(findItems.length ? findItems.map(findRow)
    : [h('tr', {}, h('td', { class: 'table__empty', colspan: '4' }, t('catadm.none')))]));
}

function search() {
  const f = document.getElementById('find-form');
  const q = new URLSearchParams();
  if (f.elements.namedItem('q').value.trim()) q.set('q', f.elements.namedItem('q').value.trim());
  if (f.elements.namedItem('abolished').checked) q.set('abolished', '1');
  q.set('limit', '20');
  pager = createPager({
    bar: document.getElementById('find-paging'),
    fetchPage: (cursor) => {
      const qq = new URLSearchParams(q);
      if (cursor) qq.set('cursor', cursor);
      return api(`procedures?${qq}`);
    },
    render: (items) => { findItems = items; renderFind(); },
    onError: fail,
  });
  return pager.load();
}

/* ---- the procedure editor ---------------------------------------------- */

function setChecks(name, values) {
  for (const box of form.querySelectorAll(`input[name="${name}"]`)) box.checked = values.includes(box.value);
}

function fill(p) {
  el('code').value = p?.code || '';
  el('code').readOnly = Boolean(p);
  el('national_code').value = p?.national_code || '';
  el('name').value = p?.name || '';
  el('field').value = p?.field || el('field').options[0]?.value || '';
  el('authority').value = p?.authority || '';
  setChecks('levels', p?.levels || []);
  el('lead').value = (p?.agencies?.lead || []).map((a) => a.code).join(', ');
  el('cooperating').value = (p?.agencies?.cooperating || []).map((a) => a.code).join(', ');
  el('value').value = p?.time_limit?.value ?? '';
  el('unit').value = p?.time_limit?.unit || 'day';
  el('note').value = p?.time_limit?.note || '';
  el('cutoff').value = p?.cutoff || '';
  el('level').value = String(p?.online?.level || 2);
  el('bundle').value = p?.bundle || '';
  setChecks('channels', p?.channels || ['counter']);
  for (const k of ['result', 'conditions', 'description', 'where_to_submit', 'fee_note', 'source_note']) el(k).value = p?.[k] || '';
  for (const k of JSON_FIELDS) el(k).value = JSON.stringify(p?.[k] || [], null, 2);
  el('effective_from').value = today();
  el('decision').value = '';
  el('change_note').value = '';
}

/** The form as the API body; throws a problem for bad JSON areas. */
function body() {
  const online = Number(el('level').value);
  const b = {
    name: el('name').value.trim(),
    field: el('field').value,
    levels: LEVELS.filter((l) => form.querySelector(`input[name="levels"][value="${l}"]`).checked),
    authority: el('authority').value.trim(),
    agencies: { lead: codes(el('lead').value), cooperating: codes(el('cooperating').value) },
    time_limit: { value: Number(el('value').value), unit: el('unit').value, note: el('note').value.trim() },
    cutoff: el('cutoff').value.trim() || null,
    online: { level: online, class: online === 4 ? 'full' : online === 3 ? 'partial' : 'none', url: '' },
    channels: CHANNELS.filter((c) => form.querySelector(`input[name="channels"][value="${c}"]`).checked),
    bundle: el('bundle').value.trim() || null,
    effective_from: el('effective_from').value,
    decision: el('decision').value.trim(),
    change_note: el('change_note').value.trim(),
  };
  for (const k of ['result', 'conditions', 'description', 'where_to_submit', 'fee_note', 'source_note']) b[k] = el(k).value.trim();
  const bad = [];
  for (const k of JSON_FIELDS) {
    try {
      b[k] = JSON.parse(el(k).value || '[]');
    } catch (e) {
      bad.push({ name: k, reason: t('catadm.bad_json', { why: e.message }) });
    }
  }
  if (bad.length) {
    throw new ApiError({ type: 'about:blank', status: 400, title: t('error.form_title'), detail: '', invalid_params: bad });
  }
  b.national_code = el('national_code').value.trim() || null;
  if (current) b.based_on_version = current.versions;
  else b.code = el('code').value.trim();
  return b;
}

async function history(code) {
  const list = document.getElementById('history-list');
  const hist = await api(`procedures/${encodeURIComponent(code)}/versions`);
  list.replaceChildren(...hist.items.map((v) => h('li', {},
    t('catadm.history_item', {
      n: v.version, from: dateVN(v.effective_from),
      to: v.effective_to ? t('catadm.history_to', { to: dateVN(v.effective_to) }) : '', decision: v.decision,
    }),
    v.changes.length ? h('br') : null,
    v.changes.length ? h('span', { class: 'small muted' }, t('catadm.changed', { fields: v.changes.map((c) => c.field).join(', ') })) : null)));
}

async function openProcedure(code) {
  const p = await api(`procedures/${encodeURIComponent(code)}`);
  // Edit from the latest version, even when it is not in force yet.
  const latest = p.latest ? p : await api(`procedures/${encodeURIComponent(code)}?at=9999-12-31`).catch(() => p);
  current = { code: p.code, versions: p.versions_count };
  clearProblem(form);
  fill(latest);
  document.getElementById('editor-title').textContent = t('catadm.editor_edit', { code: p.code, n: p.versions_count });
  document.getElementById('pf-submit').textContent = t('catadm.save');
  abolishForm.closest('section').hidden = !can(me, 'catalog.write') || Boolean(p.abolished);
  editor.hidden = false;
  await history(p.code);
  el('name').focus();
}

// The editor's title and button depend on what is open; after a language
// switch (which resets the marked elements) they are set again.
function editorLabels() {
  if (editor.hidden) return;
  document.getElementById('editor-title').textContent = current
    ? t('catadm.editor_edit', { code: current.code, n: current.versions })
    : t('catadm.editor_new');
  document.getElementById('pf-submit').textContent = t(current ? 'catadm.save' : 'catadm.create');
}

function newProcedure() {
  current = null;
  clearProblem(form);
  fill(null);
  document.getElementById('editor-title').textContent = t('catadm.editor_new');
  document.getElementById('pf-submit').textContent = t('catadm.create');
  document.getElementById('history-list').replaceChildren();
  abolishForm.closest('section').hidden = true;
  editor.hidden = false;
  el('code').focus();
}

async function save(e) {
  e.preventDefault();
  clearProblem(form);
  try {
    const b = body();
    const p = current
      ? await api(`procedures/${encodeURIComponent(current.code)}`, { method: 'PUT', body: b })
      : await api('procedures', { method: 'POST', body: b });
    await openProcedure(p.code);
    say(current && p.version > 1
      ? t('catadm.saved', { n: p.version, code: p.code, from: dateVN(p.effective_from) })
      : t('catadm.created', { code: p.code }));
    pager?.reload();
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    showProblem(form, err.problem);
  }
}

async function abolish(e) {
  e.preventDefault();
  clearProblem(abolishForm);
  try {
    const on = el('on', abolishForm).value;
    await api(`procedures/${encodeURIComponent(current.code)}/abolish`, {
      method: 'POST', body: { on, decision: el('decision', abolishForm).value.trim() },
    });
    await openProcedure(current.code);
    say(t('catadm.abolished', { code: current.code, on: dateVN(on) }));
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    showProblem(abolishForm, err.problem);
  }
}

/* ---- agencies ---------------------------------------------------------- */

let agencyCode = null;
async function openAgency(e) {
  e.preventDefault();
  try {
    const code = el('code', document.getElementById('agency-find')).value.trim();
    const a = await api(`agencies/${encodeURIComponent(code)}`);
    agencyCode = a.code;
    for (const k of ['name', 'short_name', 'name_en', 'phone', 'email', 'address', 'website', 'office_hours', 'source_note']) {
      el(k, agencyForm).value = a[k] || '';
    }
    el('is_desk', agencyForm).checked = Boolean(a.is_desk);
    el('receives_for', agencyForm).value = a.receives_for.map((x) => x.code).join(', ');
    clearProblem(agencyForm);
    agencyForm.hidden = false;
    el('name', agencyForm).focus();
  } catch (err) {
    fail(err);
  }
}

async function saveAgency(e) {
  e.preventDefault();
  clearProblem(agencyForm);
  const b = {};
  for (const k of ['name', 'short_name', 'name_en', 'phone', 'email', 'address', 'website', 'office_hours', 'source_note']) {
    b[k] = el(k, agencyForm).value.trim();
  }
  b.is_desk = el('is_desk', agencyForm).checked;
  b.receives_for = b.is_desk ? codes(el('receives_for', agencyForm).value) : [];
  try {
    await api(`agencies/${encodeURIComponent(agencyCode)}`, { method: 'PUT', body: b });
    say(t('catadm.agency_saved', { code: agencyCode }));
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    showProblem(agencyForm, err.problem);
  }
}

/* ---- start ------------------------------------------------------------- */

async function main() {
  me = await requireSession();
  const fields = await api('fields');
  const fillFields = () => {
    const keep = el('field').value;
    el('field').replaceChildren(...fields.items.map((f) => h('option', { value: f.code },
      getLang() === 'en' && f.name_en ? f.name_en : f.name)));
    if (keep) el('field').value = keep;
  };
  fillFields();
  document.addEventListener('motcua:langchange', () => { fillFields(); renderShare(); renderFind(); editorLabels(); });
  if (!can(me, 'catalog.write')) {
    for (const b of form.querySelectorAll('.form-actions button[type="submit"]')) b.hidden = true;
  }
  document.getElementById('find-form').addEventListener('submit', (e) => { e.preventDefault(); search(); });
  document.getElementById('new-proc').addEventListener('click', newProcedure);
  document.getElementById('pf-cancel').addEventListener('click', () => { editor.hidden = true; });
  form.addEventListener('submit', save);
  abolishForm.addEventListener('submit', abolish);
  document.getElementById('agency-find').addEventListener('submit', openAgency);
  agencyForm.addEventListener('submit', saveAgency);
  await Promise.all([search(), loadShare()]);
}

main().catch(fail);

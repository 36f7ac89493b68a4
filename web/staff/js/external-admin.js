// The external systems of interlinked procedures (/staff/admin/external.html):
// the list (GET /api/v1/external-systems: address, agency, the secret's
// fingerprint, enabled, the events waiting to go out and the last failure),
// and for administrators adding a system (POST), a new secret (POST
// .../rotate) and pausing or resuming deliveries (POST .../disable, .../enable).
// A secret the server generated is shown once, in a box the user can copy
// from; it is never stored in the page afterwards. Errors are the server's
// problem+json, shown on the form (invalid_params name the inputs).
import {
  api, ApiError, clearProblem, extend, formatDateTime, h, showProblem, t,
} from '/shared/js/app.js';
import { can, requireSession } from './staff.js';

extend({
  vi: {
    'ext.doc_title': 'Hệ thống ngoài liên thông — motcua',
    'staff.breadcrumb': 'Vị trí trang',
    'ext.title': 'Hệ thống ngoài nhận hồ sơ liên thông',
    'ext.lead': 'Hệ thống chuyên ngành (cơ sở dữ liệu cư trú, thuế, bảo hiểm xã hội…) nhận phần việc của hồ sơ liên thông qua webhook. Mỗi hệ thống có địa chỉ nhận và khóa bí mật riêng để ký (HMAC-SHA256); khóa chỉ hiện một lần khi tạo hoặc thay. Hệ thống tạm dừng giữ nguyên thứ tự các sự kiện đang chờ và gửi tiếp khi bật lại.',
    'ext.denied_title': 'Không có quyền xem',
    'ext.denied': 'Chỉ quản trị hệ thống (và thanh tra, chỉ xem) quản lý hệ thống ngoài. Hãy liên hệ quản trị hệ thống.',
    'ext.secret_title': 'Khóa bí mật mới (chỉ hiện một lần)',
    'ext.secret_text': 'Hãy chép khóa này và trao cho đơn vị quản lý hệ thống nhận qua kênh an toàn. Sau khi rời trang, motcua chỉ còn hiện dấu vân tay của khóa.',
    'ext.list_title': 'Danh sách hệ thống',
    'ext.caption': 'Hệ thống ngoài, địa chỉ webhook, dấu vân tay khóa và sự kiện đang chờ gửi',
    'ext.col_system': 'Hệ thống',
    'ext.col_agency': 'Cơ quan',
    'ext.col_url': 'Địa chỉ webhook',
    'ext.col_fp': 'Dấu vân tay khóa',
    'ext.col_state': 'Trạng thái',
    'ext.col_pending': 'Đang chờ gửi',
    'ext.col_actions': 'Thao tác',
    'ext.empty': 'Chưa có hệ thống ngoài nào. Sự kiện của hệ thống chưa khai báo được gửi đến địa chỉ chung trong cấu hình (bundle_webhook_url), nếu có.',
    'ext.enabled': 'Đang gửi',
    'ext.disabled': 'Tạm dừng',
    'ext.rotated': 'Thay khóa {at}',
    'ext.pending': '{n} sự kiện',
    'ext.pending_none': 'Không có',
    'ext.oldest': 'cũ nhất {at}',
    'ext.last_error': 'Lỗi gần nhất: {error}',
    'ext.rotate': 'Thay khóa',
    'ext.rotate_label': 'Thay khóa bí mật của {code}',
    'ext.rotate_confirm': 'Thay khóa bí mật của {code}? Hệ thống nhận phải dùng khóa mới ngay từ lần gửi sau.',
    'ext.disable': 'Tạm dừng',
    'ext.disable_label': 'Tạm dừng gửi đến {code}',
    'ext.enable': 'Bật lại',
    'ext.enable_label': 'Bật lại việc gửi đến {code}',
    'ext.done_rotate': 'Đã thay khóa của {code}.',
    'ext.done_disable': 'Đã tạm dừng gửi đến {code}; sự kiện mới chờ đến khi bật lại.',
    'ext.done_enable': 'Đã bật lại {code}; các sự kiện đang chờ được gửi theo thứ tự.',
    'ext.done_add': 'Đã thêm hệ thống {code}.',
    'ext.add_title': 'Thêm hệ thống ngoài',
    'ext.code': 'Mã hệ thống',
    'ext.code_hint': 'Đúng tên "external" trong định nghĩa nhóm liên thông: chữ thường a–z, số, dấu gạch ngang; ví dụ police-residence, tax, social-insurance.',
    'ext.name': 'Tên hệ thống',
    'ext.agency': 'Mã cơ quan mà hệ thống làm việc thay (QCVN 102)',
    'ext.agency_hint': 'Ví dụ 000.00.40.H19 (Công an tỉnh).',
    'ext.url': 'Địa chỉ webhook',
    'ext.url_hint': 'Bắt đầu bằng https:// (http:// chỉ dùng cho máy chủ này). Không ghi tài khoản, mật khẩu trong địa chỉ.',
    'ext.secret_in': 'Khóa bí mật đã thỏa thuận',
    'ext.optional': '(không bắt buộc)',
    'ext.secret_hint': '32–256 ký tự ASCII, không dấu cách. Bỏ trống để motcua tự sinh khóa ngẫu nhiên 256 bit.',
    'ext.submit': 'Thêm hệ thống',
  },
  en: {
    'ext.doc_title': 'External systems — motcua',
    'staff.breadcrumb': 'You are here',
    'ext.title': 'External systems of interlinked procedures',
    'ext.lead': 'Specialised systems (the residence database, tax, social insurance …) take their part of an interlinked dossier by webhook. Each has its own address and secret key that signs what motcua sends (HMAC-SHA256); the key is shown once, when it is created or rotated. A paused system keeps its waiting events in order and gets them when it is resumed.',
    'ext.denied_title': 'Not allowed',
    'ext.denied': 'Only system administrators (and inspectors, read-only) manage external systems. Ask a system administrator.',
    'ext.secret_title': 'New secret key (shown once)',
    'ext.secret_text': 'Copy this key and hand it to the receiving system’s operators over a safe channel. Once you leave this page motcua shows only its fingerprint.',
    'ext.list_title': 'Systems',
    'ext.caption': 'External systems, webhook addresses, key fingerprints and events waiting to go out',
    'ext.col_system': 'System',
    'ext.col_agency': 'Agency',
    'ext.col_url': 'Webhook address',
    'ext.col_fp': 'Key fingerprint',
    'ext.col_state': 'State',
    'ext.col_pending': 'Waiting to go out',
    'ext.col_actions': 'Actions',
    'ext.empty': 'No external system yet. Events of systems not listed go to the common address in the settings (bundle_webhook_url), if any.',
    'ext.enabled': 'Delivering',
    'ext.disabled': 'Paused',
    'ext.rotated': 'Key changed {at}',
    'ext.pending': '{n} events',
    'ext.pending_none': 'None',
    'ext.oldest': 'oldest {at}',
    'ext.last_error': 'Last failure: {error}',
    'ext.rotate': 'Rotate key',
    'ext.rotate_label': 'Rotate the secret key of {code}',
    'ext.rotate_confirm': 'Rotate the secret key of {code}? The receiving system must use the new key from the next delivery on.',
    'ext.disable': 'Pause',
    'ext.disable_label': 'Pause deliveries to {code}',
    'ext.enable': 'Resume',
    'ext.enable_label': 'Resume deliveries to {code}',
    'ext.done_rotate': 'The key of {code} is rotated.',
    'ext.done_disable': 'Deliveries to {code} are paused; new events wait until it is resumed.',
    'ext.done_enable': '{code} is resumed; the waiting events go out in order.',
    'ext.done_add': 'System {code} added.',
    'ext.add_title': 'Add an external system',
    'ext.code': 'System code',
    'ext.code_hint': 'The "external" name in the interlinked group definitions: lower-case a–z, digits, hyphens; e.g. police-residence, tax, social-insurance.',
    'ext.name': 'System name',
    'ext.agency': 'Code of the agency the system acts for (QCVN 102)',
    'ext.agency_hint': 'E.g. 000.00.40.H19 (provincial police).',
    'ext.url': 'Webhook address',
    'ext.url_hint': 'Starts with https:// (http:// only for this server). No user name or password in the address.',
    'ext.secret_in': 'Agreed secret key',
    'ext.optional': '(optional)',
    'ext.secret_hint': '32–256 ASCII characters without spaces. Leave empty to have motcua generate a random 256-bit key.',
    'ext.submit': 'Add the system',
  },
});

const el = (id) => document.getElementById(id);
const body = el('ext-body');
const form = el('ext-form');
let systems = [];
let writer = false;

function status(text) {
  const box = el('ext-status');
  box.textContent = text;
  box.hidden = false;
  box.focus();
}

// The one-time secret: shown until the next action, never kept elsewhere.
function showSecret(secret) {
  const box = el('ext-secret');
  el('ext-secret-value').textContent = secret || '';
  box.hidden = !secret;
  if (secret) box.focus();
}

function showError(err) {
  const p = err?.problem || {};
  const box = el('ext-error');
  box.replaceChildren(
    h('strong', { class: 'alert__title' }, p.title || t('error.title')),
    h('p', {}, p.detail || err?.message || ''),
  );
  box.hidden = false;
  box.focus();
}

const cell = (key, ...c) => h('td', { 'data-label': t(key) }, ...c);
const sub = (...c) => h('span', { class: 'dq-cell__sub' }, ...c);

function actions(s) {
  if (!writer) return '';
  const rotate = h('button', {
    type: 'button', class: 'btn btn--secondary btn--small', 'data-action': 'rotate',
    'aria-label': t('ext.rotate_label', { code: s.code }),
  }, t('ext.rotate'));
  const toggle = s.enabled
    ? h('button', {
      type: 'button', class: 'btn btn--secondary btn--small', 'data-action': 'disable',
      'aria-label': t('ext.disable_label', { code: s.code }),
    }, t('ext.disable'))
    : h('button', {
      type: 'button', class: 'btn btn--primary btn--small', 'data-action': 'enable',
      'aria-label': t('ext.enable_label', { code: s.code }),
    }, t('ext.enable'));
  return h('span', { class: 'cluster' }, rotate, toggle);
}

function row(s) {
  const p = s.pending || {};
  return h('tr', { 'data-system': s.code },
    cell('ext.col_system', h('strong', {}, s.code), sub(s.name)),
    cell('ext.col_agency', s.agency?.name || '', sub(s.agency?.code || '')),
    cell('ext.col_url', h('span', { class: 'ext-url' }, s.webhook_url)),
    cell('ext.col_fp', h('code', {}, s.secret_fingerprint),
      s.secret_rotated_at ? sub(t('ext.rotated', { at: formatDateTime(s.secret_rotated_at) })) : null),
    cell('ext.col_state', h('span', { class: s.enabled ? 'badge badge--processing' : 'badge badge--waiting' },
      t(s.enabled ? 'ext.enabled' : 'ext.disabled'))),
    cell('ext.col_pending',
      p.events ? t('ext.pending', { n: p.events }) : h('span', { class: 'muted' }, t('ext.pending_none')),
      p.oldest_at ? sub(t('ext.oldest', { at: formatDateTime(p.oldest_at) })) : null,
      p.last_error ? sub(t('ext.last_error', { error: p.last_error })) : null),
    cell('ext.col_actions', actions(s)));
}

function render() {
  if (!systems.length) {
    body.replaceChildren(h('tr', {}, h('td', { class: 'table__empty', colspan: '7' }, t('ext.empty'))));
    return;
  }
  body.replaceChildren(...systems.map(row));
}

async function load() {
  const res = await api('external-systems');
  systems = res.items || [];
  render();
}

body.addEventListener('click', async (ev) => {
  const btn = ev.target.closest('button[data-action]');
  if (!btn) return;
  const code = btn.closest('tr')?.getAttribute('data-system');
  const action = btn.getAttribute('data-action');
  // eslint-disable-next-line no-alert
  if (action === 'rotate' && !window.confirm(t('ext.rotate_confirm', { code }))) return;
  el('ext-error').hidden = true;
  el('ext-status').hidden = true;
  showSecret('');
  btn.disabled = true;
  try {
    const res = await api(`external-systems/${encodeURIComponent(code)}/${action}`, { method: 'POST' });
    await load();
    status(t(`ext.done_${action}`, { code }));
    if (res?.secret) showSecret(res.secret);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    showError(err);
  } finally {
    btn.disabled = false;
  }
});

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  clearProblem(form);
  el('ext-status').hidden = true;
  showSecret('');
  const data = {
    code: form.elements.namedItem('code').value.trim(),
    name: form.elements.namedItem('name').value.trim(),
    agency: form.elements.namedItem('agency').value.trim(),
    webhook_url: form.elements.namedItem('webhook_url').value.trim(),
  };
  if (form.elements.namedItem('secret').value) data.secret = form.elements.namedItem('secret').value;
  const btn = el('ext-submit');
  btn.disabled = true;
  try {
    const res = await api('external-systems', { method: 'POST', body: data });
    form.reset();
    await load();
    status(t('ext.done_add', { code: data.code }));
    if (res?.secret) showSecret(res.secret);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    showProblem(form, err.problem);
  } finally {
    btn.disabled = false;
  }
});

document.addEventListener('motcua:langchange', render);

const me = await requireSession();
if (!can(me, 'external.read')) {
  el('ext-denied').hidden = false;
} else {
  writer = can(me, 'external.write');
  el('ext-main').hidden = false;
  el('ext-add').hidden = !writer;
  try {
    await load();
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    showError(err);
  }
}

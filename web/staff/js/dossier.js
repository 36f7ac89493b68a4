// One dossier (GET /api/v1/dossiers/{code}): applicant, documents, legal
// and per-step due times, supplements, the hand-over history (Mẫu 05) with
// early / on time / late per hand-over, and a button for every action the
// server allows this user now (`allowed_actions`). An action opens a short
// form with the members it takes and posts {action, version, ...} to
// /api/v1/dossiers/{code}/actions; a stale version (409) asks to reload,
// any other refusal is shown on the form (showProblem). The slip given at
// reception (Mẫu 01, 02 or 03, from `receipt`) can be shown and printed
// again, identical, with the same lookup key.
import {
  api, ApiError, clearProblem, extend, formatDateTime, h, setTitle, showProblem, statusBadge, t,
} from '/shared/js/app.js';
import { requireSession } from './staff.js';
import { renderReceipt } from './receipt.js';
import {
  actionLabel, channelLabel, flag, lookupPath, resultTag, returnLabel, roleLabel, summaryRows, textOr,
} from '/portal/js/dossier-common.js';

extend({
  vi: {
    'dos.doc_title': 'Hồ sơ — motcua',
    'dos.doc_title_code': 'Hồ sơ {code} — motcua',
    'dos.title': 'Hồ sơ',
    'dos.no_code': 'Không có mã hồ sơ trong địa chỉ trang. Hãy mở hồ sơ từ danh sách hồ sơ cần xử lý.',
    'dos.actions_title': 'Thao tác',
    'dos.actions_none': 'Bạn không có thao tác nào với hồ sơ ở trạng thái này.',
    'dos.confirm': 'Xác nhận',
    'dos.cancel': 'Huỷ',
    'dos.busy': 'Đang thực hiện…',
    'dos.action_title': 'Xác nhận thao tác: {label}',
    'dos.done': 'Đã thực hiện “{label}”. Trạng thái hồ sơ: {status}.',
    'dos.conflict_title': 'Hồ sơ vừa được người khác cập nhật',
    'dos.conflict': 'Trong lúc bạn xem, hồ sơ đã có thay đổi mới nên thao tác chưa được thực hiện. Hãy tải lại hồ sơ, xem thay đổi rồi thực hiện lại nếu vẫn cần.',
    'dos.reload': 'Tải lại hồ sơ',
    'dos.general_title': 'Thông tin chung',
    'dos.applicant_title': 'Người nộp hồ sơ',
    'dos.docs_title': 'Thành phần hồ sơ',
    'dos.supps_title': 'Yêu cầu bổ sung, hoàn thiện hồ sơ',
    'dos.steps_title': 'Quy trình nội bộ và thời hạn từng bước',
    'dos.history_title': 'Phiếu kiểm soát quá trình giải quyết hồ sơ (Mẫu 05)',
    'dos.history_intro': 'Mỗi lần giao, nhận hồ sơ giữa các bộ phận: thời điểm, bên giao, bên nhận, hạn của bước được giao và kết quả trước hạn, đúng hạn hay quá hạn.',
    'dos.col_doc': 'Tên giấy tờ',
    'dos.col_originals': 'Bản chính',
    'dos.col_copies': 'Bản sao',
    'dos.col_added': 'Nhận lúc',
    'dos.col_step': 'Bước',
    'dos.col_unit': 'Đơn vị, vai trò',
    'dos.col_started': 'Bắt đầu',
    'dos.col_step_due': 'Hạn',
    'dos.col_finished': 'Hoàn thành',
    'dos.col_result': 'Kết quả',
    'dos.col_at': 'Thời gian',
    'dos.col_action': 'Nội dung',
    'dos.col_from': 'Bên giao',
    'dos.col_to': 'Bên nhận',
    'dos.col_note': 'Ghi chú',
    'dos.current': 'Đang thực hiện',
    'dos.no_docs': 'Chưa có giấy tờ nào được ghi nhận.',
    'dos.status': 'Trạng thái',
    'dos.procedure': 'Thủ tục',
    'dos.procedure_value': '{name} ({code}, phiên bản {version})',
    'dos.time_limit': 'Thời hạn giải quyết',
    'dos.channel': 'Hình thức nộp',
    'dos.agency': 'Cơ quan tiếp nhận',
    'dos.lead_agency': 'Cơ quan giải quyết',
    'dos.created_at': 'Ngày nộp',
    'dos.received_at': 'Ngày tiếp nhận',
    'dos.not_received': 'Chưa tiếp nhận',
    'dos.due_at': 'Hẹn trả kết quả',
    'dos.no_due': 'Chưa tính hạn',
    'dos.legal_due_at': 'Hạn theo quy định',
    'dos.register_no': 'Số theo dõi (sổ/năm)',
    'dos.current_step': 'Bước hiện tại',
    'dos.current_step_value': 'Bước {seq}/{n}: {name}',
    'dos.step_due': 'hạn {due}',
    'dos.assignee': 'Cán bộ đang xử lý',
    'dos.receiver': 'Cán bộ tiếp nhận',
    'dos.approved': 'Phê duyệt',
    'dos.approved_yes': 'Đã phê duyệt kết quả',
    'dos.result': 'Kết quả giải quyết',
    'dos.finished_at': 'Hoàn thành lúc',
    'dos.returned_at': 'Đã trả kết quả lúc',
    'dos.reason': 'Lý do',
    'dos.apology': 'Xin lỗi, hẹn lại (Mẫu 04)',
    'dos.apology_value': 'Ngày {at}, hẹn mới {due}. Lý do: {reason}',
    'dos.lookup_key': 'Mã tra cứu',
    'dos.lookup_link': 'Xem như người nộp hồ sơ',
    'dos.name': 'Họ và tên',
    'dos.id_number': 'Số định danh, CCCD, hộ chiếu',
    'dos.phone': 'Điện thoại',
    'dos.email': 'Thư điện tử',
    'dos.address': 'Địa chỉ',
    'dos.return_method': 'Nhận kết quả',
    'dos.sets': 'Số bộ hồ sơ',
    'dos.note': 'Ghi chú khi tiếp nhận',
    'dos.supp_phase.reception': 'Khi tiếp nhận',
    'dos.supp_phase.appraisal': 'Sau khi thẩm định',
    'dos.supp_head': '{phase} — {at}, {by}',
    'dos.supp_fulfilled': 'Đã bổ sung đầy đủ lúc {at}.',
    'dos.supp_open': 'Chưa bổ sung.',
    'dos.detail.missing': 'Cần bổ sung: {items}',
    'dos.detail.new_due': 'Hẹn trả mới: {due}',
    'dos.detail.consult': 'Xin ý kiến: {agency}{due}',
    'dos.detail.consult_due': ', hạn trả lời {due}',
    'dos.detail.amount': 'Số tiền: {amount} đồng',
    'dos.detail.receipt_no': 'Biên lai số {no}',
    'dos.field.note': 'Ghi chú',
    'dos.field.note_required': 'Nội dung, lý do',
    'dos.field.reason': 'Lý do',
    'dos.field.missing': 'Giấy tờ cần bổ sung, hoàn thiện',
    'dos.field.missing_hint': 'Mỗi dòng một giấy tờ, nêu đủ mọi thứ còn thiếu trong một lần. Có thể ghi lý do sau dấu hai chấm, ví dụ: Bản sao giấy khai sinh: bản chụp bị mờ.',
    'dos.field.documents': 'Giấy tờ nhận thêm',
    'dos.field.documents_hint': 'Mỗi dòng một giấy tờ (tính 01 bản chính). Để trống nếu không nhận thêm.',
    'dos.field.to_user': 'Cán bộ nhận hồ sơ',
    'dos.field.to_user_hint': 'Cán bộ đang hoạt động có vai trò của bước được giao, tại cơ quan thực hiện bước đó.',
    'dos.field.to_user_step': 'Bước {seq}: {name} — {unit}. Cán bộ {role} của {agency}.',
    'dos.field.to_user_loading': 'Đang tải danh sách cán bộ…',
    'dos.field.to_user_choose': '— Chọn cán bộ —',
    'dos.field.to_user_none': '— Không chỉ định (đơn vị tự phân công) —',
    'dos.field.to_user_empty': 'Không có cán bộ nào phù hợp với bước này. Hãy nhờ quản trị cơ quan tạo tài khoản.',
    'dos.field.to_user_failed': 'Không tải được danh sách cán bộ.',
    'dos.apology_print': 'In phiếu xin lỗi (Mẫu 04)',
    'dos.field.agency': 'Mã định danh của cơ quan được xin ý kiến',
    'dos.field.agency_hint': 'Ví dụ 000.00.05.H19',
    'dos.field.due_at': 'Hạn trả lời ý kiến',
    'dos.field.new_due_at': 'Thời gian hẹn trả kết quả mới',
    'dos.field.datetime_hint': 'Giờ Việt Nam.',
    'dos.field.amount': 'Số tiền (đồng)',
    'dos.field.receipt_no': 'Số biên lai',
    'dos.optional': '(không bắt buộc)',
    'dos.not_found_title': 'Không tìm thấy hồ sơ',
    'dos.receipt_title': 'Phiếu đã cấp cho người nộp',
    'dos.receipt_kind': 'Mẫu {form}: {title}',
    'dos.receipt_show': 'Xem, in lại phiếu',
    'dos.receipt_hide': 'Ẩn phiếu',
    'dos.receipt_print': 'In phiếu',
  },
  en: {
    'dos.doc_title': 'Dossier — motcua',
    'dos.doc_title_code': 'Dossier {code} — motcua',
    'dos.title': 'Dossier',
    'dos.no_code': 'The address names no dossier. Open a dossier from the work queue.',
    'dos.actions_title': 'Actions',
    'dos.actions_none': 'You have no action on a dossier in this status.',
    'dos.confirm': 'Confirm',
    'dos.cancel': 'Cancel',
    'dos.busy': 'Working…',
    'dos.action_title': 'Confirm: {label}',
    'dos.done': 'Done: “{label}”. Dossier status: {status}.',
    'dos.conflict_title': 'Someone else has just changed this dossier',
    'dos.conflict': 'The dossier changed while you were looking at it, so the action was not taken. Reload it, look at the change and try again if it is still needed.',
    'dos.reload': 'Reload the dossier',
    'dos.general_title': 'General information',
    'dos.applicant_title': 'Applicant',
    'dos.docs_title': 'Documents handed in',
    'dos.supps_title': 'Supplement requests',
    'dos.steps_title': 'Internal process and step due times',
    'dos.history_title': 'Process control sheet (Form 05)',
    'dos.history_intro': 'Every hand-over between units: when, from whom, to whom, the due time of the step handed over and whether it finished early, on time or late.',
    'dos.col_doc': 'Document',
    'dos.col_originals': 'Originals',
    'dos.col_copies': 'Copies',
    'dos.col_added': 'Received',
    'dos.col_step': 'Step',
    'dos.col_unit': 'Unit, role',
    'dos.col_started': 'Started',
    'dos.col_step_due': 'Due',
    'dos.col_finished': 'Finished',
    'dos.col_result': 'Result',
    'dos.col_at': 'Time',
    'dos.col_action': 'What',
    'dos.col_from': 'Handed over by',
    'dos.col_to': 'Handed over to',
    'dos.col_note': 'Note',
    'dos.current': 'In progress',
    'dos.no_docs': 'No document recorded.',
    'dos.status': 'Status',
    'dos.procedure': 'Procedure',
    'dos.procedure_value': '{name} ({code}, version {version})',
    'dos.time_limit': 'Time limit',
    'dos.channel': 'Submitted',
    'dos.agency': 'Receiving agency',
    'dos.lead_agency': 'Deciding agency',
    'dos.created_at': 'Submitted on',
    'dos.received_at': 'Received on',
    'dos.not_received': 'Not received yet',
    'dos.due_at': 'Result due',
    'dos.no_due': 'Not started',
    'dos.legal_due_at': 'Legal due time',
    'dos.register_no': 'Register number',
    'dos.current_step': 'Current step',
    'dos.current_step_value': 'Step {seq} of {n}: {name}',
    'dos.step_due': 'due {due}',
    'dos.assignee': 'Handled by',
    'dos.receiver': 'Received by',
    'dos.approved': 'Approval',
    'dos.approved_yes': 'Result approved',
    'dos.result': 'Outcome',
    'dos.finished_at': 'Finished on',
    'dos.returned_at': 'Returned on',
    'dos.reason': 'Reason',
    'dos.apology': 'Apology and new date (Form 04)',
    'dos.apology_value': 'On {at}, new due time {due}. Reason: {reason}',
    'dos.lookup_key': 'Lookup key',
    'dos.lookup_link': 'See it as the applicant does',
    'dos.name': 'Full name',
    'dos.id_number': 'ID or passport number',
    'dos.phone': 'Phone',
    'dos.email': 'E-mail',
    'dos.address': 'Address',
    'dos.return_method': 'Result collected',
    'dos.sets': 'Sets',
    'dos.note': 'Reception note',
    'dos.supp_phase.reception': 'At reception',
    'dos.supp_phase.appraisal': 'After appraisal',
    'dos.supp_head': '{phase} — {at}, {by}',
    'dos.supp_fulfilled': 'Supplemented on {at}.',
    'dos.supp_open': 'Not supplemented yet.',
    'dos.detail.missing': 'Missing: {items}',
    'dos.detail.new_due': 'New due time: {due}',
    'dos.detail.consult': 'Consulted: {agency}{due}',
    'dos.detail.consult_due': ', answer due {due}',
    'dos.detail.amount': 'Amount: {amount} đồng',
    'dos.detail.receipt_no': 'Receipt no. {no}',
    'dos.field.note': 'Note',
    'dos.field.note_required': 'Content, reason',
    'dos.field.reason': 'Reason',
    'dos.field.missing': 'Documents to add or complete',
    'dos.field.missing_hint': 'One document per line; list everything missing at once. A reason may follow a colon, e.g.: Birth certificate copy: the scan is blurred.',
    'dos.field.documents': 'Documents received now',
    'dos.field.documents_hint': 'One document per line (counted as 1 original). Leave empty if none.',
    'dos.field.to_user': 'Official taking the dossier',
    'dos.field.to_user_hint': 'An active official with the role of the step handed over, in the agency doing that step.',
    'dos.field.to_user_step': 'Step {seq}: {name} — {unit}. Officials ({role}) of {agency}.',
    'dos.field.to_user_loading': 'Loading the officials…',
    'dos.field.to_user_choose': '— Choose an official —',
    'dos.field.to_user_none': '— Nobody in particular (the unit assigns) —',
    'dos.field.to_user_empty': 'No official fits this step. Ask the agency administrator to create an account.',
    'dos.field.to_user_failed': 'Could not load the officials.',
    'dos.apology_print': 'Print the apology (Form 04)',
    'dos.field.agency': 'Identifier of the agency consulted',
    'dos.field.agency_hint': 'For example 000.00.05.H19',
    'dos.field.due_at': 'Answer due',
    'dos.field.new_due_at': 'New due time for the result',
    'dos.field.datetime_hint': 'Vietnam time.',
    'dos.field.amount': 'Amount (đồng)',
    'dos.field.receipt_no': 'Receipt number',
    'dos.optional': '(optional)',
    'dos.not_found_title': 'Dossier not found',
    'dos.receipt_title': 'Slip given to the applicant',
    'dos.receipt_kind': 'Form {form}: {title}',
    'dos.receipt_show': 'Show and reprint the slip',
    'dos.receipt_hide': 'Hide the slip',
    'dos.receipt_print': 'Print the slip',
  },
});

// Which actions move the dossier forward (primary buttons) and which end it.
const PRIMARY = ['receive', 'supplement', 'forward', 'approve', 'result_ready', 'return_result', 'record_payment'];
const ENDING = ['refuse', 'reject', 'withdraw', 'stop'];
// The note is required by the server for these.
const NOTE_REQUIRED = ['send_back', 'consult'];

await requireSession();

const el = (id) => document.getElementById(id);
const code = (new URLSearchParams(location.search).get('code') || '').trim();
const form = el('dos-action-form');
const fieldsBox = el('dos-action-fields');
const done = el('dos-done');
const errorBox = el('dos-error');
let dossier = null;
let chosen = null; // the allowed action whose form is open
let opener = null; // its button, to give the focus back

/* ---------------------------------------------------------- messages -- */

function showError(title, detail, extra) {
  errorBox.replaceChildren(h('strong', { class: 'alert__title' }, title), detail ? h('p', {}, detail) : null, extra || null);
  errorBox.hidden = false;
  errorBox.focus();
}

function hideMessages() {
  errorBox.hidden = true;
  errorBox.replaceChildren();
  done.hidden = true;
}

/* --------------------------------------------------------- rendering -- */

const sub = (...c) => h('span', { class: 'dq-cell__sub' }, ...c);
const td = (key, ...c) => h('td', { 'data-label': t(key) }, ...c);
const num = (key, v) => h('td', { class: 'num', 'data-label': t(key) }, String(v));

function renderHead(d) {
  setTitle(t('dos.doc_title_code', { code: d.code }));
  el('dos-title').textContent = d.code;
  el('dos-title').removeAttribute('data-i18n');
  el('crumb-code').textContent = d.code;
  el('crumb-code').removeAttribute('data-i18n');
  const badges = [statusBadge(d.status)];
  if (d.overdue) badges.push(flag('overdue'));
  if (d.apology) badges.push(flag('apologized'));
  el('dos-badges').replaceChildren(...badges);
  el('dos-procedure').textContent = d.procedure?.name || '';
}

function renderSummary(d) {
  const step = d.current_step;
  const a = d.apology;
  summaryRows(el('dos-summary'), [
    [t('dos.status'), h('span', { class: 'dq-flags' }, statusBadge(d.status), d.overdue ? flag('overdue') : null)],
    [t('dos.procedure'), t('dos.procedure_value', { name: d.procedure.name, code: d.procedure.code, version: d.procedure.version })],
    [t('dos.time_limit'), d.procedure.time_limit?.text],
    [t('dos.channel'), channelLabel(d.channel)],
    [t('dos.agency'), d.agency ? `${d.agency.name} (${d.agency.code})` : ''],
    [t('dos.lead_agency'), d.lead_agency ? `${d.lead_agency.name} (${d.lead_agency.code})` : ''],
    d.created_at !== d.received_at ? [t('dos.created_at'), formatDateTime(d.created_at)] : null,
    [t('dos.received_at'), d.received_at ? formatDateTime(d.received_at) : t('dos.not_received')],
    [t('dos.due_at'), d.due_at ? h('strong', {}, formatDateTime(d.due_at)) : t('dos.no_due')],
    d.legal_due_at && d.legal_due_at !== d.due_at ? [t('dos.legal_due_at'), formatDateTime(d.legal_due_at)] : null,
    [t('dos.register_no'), d.register_no],
    step ? [t('dos.current_step'), [
      t('dos.current_step_value', { seq: step.seq, n: d.nsteps, name: step.name }),
      sub([step.unit, step.due_at ? t('dos.step_due', { due: formatDateTime(step.due_at) }) : ''].filter(Boolean).join(' · '))]] : null,
    [t('dos.assignee'), d.assignee?.name],
    [t('dos.receiver'), d.receiver?.name],
    d.approved ? [t('dos.approved'), t('dos.approved_yes')] : null,
    [t('dos.result'), resultTag(d.result)],
    [t('dos.finished_at'), d.finished_at ? formatDateTime(d.finished_at) : ''],
    [t('dos.returned_at'), d.returned_at ? formatDateTime(d.returned_at) : ''],
    [t('dos.reason'), d.reason],
    a ? [t('dos.apology'), [t('dos.apology_value', { at: formatDateTime(a.issued_at), due: formatDateTime(a.new_due_at), reason: a.reason }),
      ' · ', h('a', { href: `/staff/apology.html?code=${encodeURIComponent(d.code)}`, 'data-apology-link': '' }, t('dos.apology_print'))]] : null,
    [t('dos.lookup_key'), d.lookup_key ? [h('span', { class: 'mono' }, d.lookup_key), ' · ',
      h('a', { href: lookupPath(d.code, d.lookup_key) }, t('dos.lookup_link'))] : ''],
  ]);
  const ap = d.applicant || {};
  summaryRows(el('dos-applicant'), [
    [t('dos.name'), h('strong', {}, ap.name)],
    [t('dos.id_number'), ap.id_number],
    [t('dos.phone'), ap.phone],
    [t('dos.email'), ap.email],
    [t('dos.address'), ap.address],
    [t('dos.return_method'), returnLabel(d.return_method)],
    [t('dos.sets'), String(d.sets)],
    [t('dos.note'), d.note],
  ]);
}

function renderDocs(d) {
  const rows = (d.documents || []).map((doc) => h('tr', {},
    td('dos.col_doc', doc.name),
    num('dos.col_originals', doc.originals),
    num('dos.col_copies', doc.copies),
    td('dos.col_added', formatDateTime(doc.added_at))));
  el('dos-docs').replaceChildren(...(rows.length ? rows
    : [h('tr', {}, h('td', { class: 'table__empty', colspan: '4' }, t('dos.no_docs')))]));
}

function itemText(it) {
  return typeof it === 'string' ? it : [it.name, it.reason].filter(Boolean).join(': ');
}

function renderSupps(d) {
  const list = d.supplements || [];
  el('dos-supps-section').hidden = list.length === 0;
  el('dos-supps').replaceChildren(...list.map((s) => h('div', { class: 'panel mb-4' },
    h('p', {}, h('strong', {}, t('dos.supp_head', {
      phase: t(`dos.supp_phase.${s.phase}`), at: formatDateTime(s.requested_at), by: s.requested_by,
    }))),
    h('ul', { class: 'dq-list' }, (s.items || []).map((it) => h('li', {}, itemText(it)))),
    s.note ? h('p', {}, s.note) : null,
    h('p', { class: 'mb-0 muted' }, s.fulfilled_at ? t('dos.supp_fulfilled', { at: formatDateTime(s.fulfilled_at) }) : t('dos.supp_open')))));
}

function renderSteps(d) {
  el('dos-steps').replaceChildren(...(d.steps || []).map((s) => h('tr', { class: s.current ? 'dq-step--current' : null, 'aria-current': s.current ? 'step' : null },
    td('dos.col_step', h('strong', {}, `${s.seq}. `), s.name, s.current ? sub(h('strong', {}, t('dos.current'))) : null),
    td('dos.col_unit', s.unit, s.role ? sub(roleLabel(s.role)) : null),
    td('dos.col_started', textOr(formatDateTime(s.started_at))),
    td('dos.col_step_due', textOr(formatDateTime(s.due_at))),
    td('dos.col_finished', textOr(formatDateTime(s.finished_at))),
    td('dos.col_result', resultTag(s.result) || t('dossier.none')))));
}

function detailText(hi) {
  const det = hi.detail || {};
  const out = [];
  if (Array.isArray(det.missing) && det.missing.length) out.push(t('dos.detail.missing', { items: det.missing.map(itemText).join('; ') }));
  if (det.new_due_at) out.push(t('dos.detail.new_due', { due: formatDateTime(det.new_due_at) }));
  if (det.agency_name) {
    out.push(t('dos.detail.consult', {
      agency: det.agency_name, due: det.due_at ? t('dos.detail.consult_due', { due: formatDateTime(det.due_at) }) : '',
    }));
  }
  if (typeof det.amount === 'number') out.push(t('dos.detail.amount', { amount: det.amount.toLocaleString('vi-VN') }));
  if (det.receipt_no) out.push(t('dos.detail.receipt_no', { no: det.receipt_no }));
  return out;
}

function renderHistory(d) {
  el('dos-history').replaceChildren(...(d.history || []).map((hi) => {
    const notes = [hi.note, ...detailText(hi)].filter(Boolean);
    return h('tr', { 'data-action': hi.action },
      td('dos.col_at', h('span', { class: 'nowrap' }, formatDateTime(hi.at))),
      td('dos.col_action', h('strong', {}, actionLabel(hi.action, hi.action_label)), sub(statusBadge(hi.status))),
      td('dos.col_from', textOr(hi.from_unit), hi.actor?.name ? sub(hi.actor.name) : null),
      td('dos.col_to', textOr(hi.to_unit), hi.to_user?.name ? sub(hi.to_user.name) : null),
      td('dos.col_step_due', textOr(formatDateTime(hi.step_due_at))),
      td('dos.col_result', resultTag(hi.result) || t('dossier.none')),
      td('dos.col_note', notes.length ? notes.map((n) => h('span', { class: 'dq-cell__line' }, n)) : t('dossier.none')));
  }));
}

function renderActions(d) {
  const allowed = d.allowed_actions || [];
  el('dos-actions-none').hidden = allowed.length > 0;
  el('dos-action-buttons').replaceChildren(...allowed.map((a) => {
    const kind = PRIMARY.includes(a.action) ? 'btn--primary' : ENDING.includes(a.action) ? 'btn--danger' : 'btn--secondary';
    return h('button', {
      type: 'button',
      class: `btn ${kind}`,
      'data-action': a.action,
      'aria-expanded': 'false',
      'aria-controls': 'dos-action-form',
      onclick: (e) => openAction(a, e.currentTarget),
    }, actionLabel(a.action, a.label));
  }));
}

/* ----------------------------------------------------------- receipt -- */

const receiptBox = el('dos-receipt');
const receiptToggle = el('dos-receipt-toggle');

function showReceipt(open) {
  receiptBox.hidden = !open;
  el('dos-receipt-print').hidden = !open;
  receiptToggle.setAttribute('aria-expanded', String(open));
  receiptToggle.setAttribute('data-i18n', open ? 'dos.receipt_hide' : 'dos.receipt_show');
  receiptToggle.textContent = t(open ? 'dos.receipt_hide' : 'dos.receipt_show');
  // While the slip is shown, printing the page prints the slip alone, on A5.
  document.body.classList.toggle('dq-printing', open);
  document.body.classList.toggle('print-a5', open);
  if (open) renderReceipt(receiptBox, dossier);
  else receiptBox.replaceChildren();
}

function renderReceiptSection(d) {
  const r = d.receipt;
  el('dos-receipt-section').hidden = !r?.form;
  el('dos-receipt-kind').textContent = r?.form ? t('dos.receipt_kind', { form: r.form, title: r.title }) : '';
  showReceipt(false);
}

receiptToggle.addEventListener('click', () => showReceipt(receiptBox.hidden));
el('dos-receipt-print').addEventListener('click', () => window.print());

function render(d) {
  dossier = d;
  renderHead(d);
  renderSummary(d);
  renderDocs(d);
  renderSupps(d);
  renderSteps(d);
  renderHistory(d);
  renderActions(d);
  renderReceiptSection(d);
  closeAction(false);
  el('dos-loading').hidden = true;
  el('dos-body').hidden = false;
  // The interlinked part (bundle-view.js) follows what an action changed.
  document.dispatchEvent(new CustomEvent('motcua:dossier', { detail: d }));
}

/* ------------------------------------------------------- action form -- */

let fid = 0;
function field(name, labelKey, control, { hintKey, required = false } = {}) {
  const id = `dos-f-${name}-${++fid}`;
  control.id = id;
  control.name = name;
  if (required) control.required = true;
  const hint = hintKey ? h('span', { class: 'field__hint', id: `${id}-hint` }, t(hintKey)) : null;
  if (hint) control.setAttribute('aria-describedby', hint.id);
  return h('div', { class: 'field' },
    h('label', { class: 'field__label', for: id }, t(labelKey),
      required ? null : h('span', { class: 'field__optional' }, t('dos.optional'))),
    hint, control);
}

const textarea = (rows = 3) => h('textarea', { class: 'textarea', rows: String(rows), maxlength: '2000' });
const input = (type, cls = 'input') => h('input', { class: cls, type, autocomplete: 'off' });

/**
 * The officials who can take the step an assignment or a hand-over gives
 * the dossier to (GET .../candidates?action=…), as a <select> of usernames.
 * A hand-over may name nobody (the unit assigns); an assignment must.
 */
function picker(a) {
  const select = h('select', { class: 'select input--medium', 'aria-busy': 'true' },
    h('option', { value: '' }, t('dos.field.to_user_loading')));
  const code = dossier.code;
  api(`dossiers/${encodeURIComponent(code)}/candidates?action=${encodeURIComponent(a.action)}`)
    .then((c) => {
      if (!select.isConnected) return;
      const items = c.items || [];
      const first = h('option', { value: '' }, t(a.action === 'assign' ? 'dos.field.to_user_choose' : 'dos.field.to_user_none'));
      select.replaceChildren(first, ...items.map((u) => h('option', { value: u.username, 'data-role': u.role },
        `${u.name} — ${u.role_label}${u.agency?.code && u.agency.code !== c.agency?.code ? ` (${u.agency.name})` : ''}`)));
      const hint = document.getElementById(select.getAttribute('aria-describedby'));
      if (hint) {
        hint.textContent = items.length
          ? t('dos.field.to_user_step', { seq: c.step.seq, name: c.step.name, unit: c.step.unit, role: roleLabel(c.step.role), agency: c.agency.name })
          : t('dos.field.to_user_empty');
      }
    })
    .catch((err) => {
      if (!(err instanceof ApiError)) throw err;
      select.replaceChildren(h('option', { value: '' }, t('dos.field.to_user_failed')));
    })
    .finally(() => select.removeAttribute('aria-busy'));
  return select;
}

function controlsFor(a) {
  const out = [];
  for (const f of a.fields || []) {
    switch (f) {
      case 'reason': out.push(field('reason', 'dos.field.reason', textarea(), { required: true })); break;
      case 'missing': out.push(field('missing', 'dos.field.missing', textarea(5), { required: true, hintKey: 'dos.field.missing_hint' })); break;
      case 'documents': out.push(field('documents', 'dos.field.documents', textarea(3), { hintKey: 'dos.field.documents_hint' })); break;
      case 'to_user': out.push(field('to_user', 'dos.field.to_user', picker(a), { required: a.action === 'assign', hintKey: 'dos.field.to_user_hint' })); break;
      case 'agency': out.push(field('agency', 'dos.field.agency', input('text', 'input input--medium input--code'), { required: true, hintKey: 'dos.field.agency_hint' })); break;
      case 'due_at': out.push(field('due_at', 'dos.field.due_at', input('datetime-local', 'input input--medium'), { hintKey: 'dos.field.datetime_hint' })); break;
      case 'new_due_at': out.push(field('new_due_at', 'dos.field.new_due_at', input('datetime-local', 'input input--medium'), { required: true, hintKey: 'dos.field.datetime_hint' })); break;
      case 'amount': {
        const c = input('number', 'input input--short');
        c.min = '0';
        c.step = '1';
        c.inputMode = 'numeric';
        out.push(field('amount', 'dos.field.amount', c));
        break;
      }
      case 'receipt_no': out.push(field('receipt_no', 'dos.field.receipt_no', input('text', 'input input--medium'))); break;
      default: break;
    }
  }
  const noteRequired = NOTE_REQUIRED.includes(a.action);
  out.push(field('note', noteRequired ? 'dos.field.note_required' : 'dos.field.note', textarea(), { required: noteRequired }));
  return out;
}

function openAction(a, button) {
  hideMessages();
  chosen = a;
  for (const b of el('dos-action-buttons').querySelectorAll('button')) b.setAttribute('aria-expanded', String(b === button));
  opener = button;
  clearProblem(form);
  el('dos-action-title').textContent = t('dos.action_title', { label: actionLabel(a.action, a.label) });
  fieldsBox.replaceChildren(...controlsFor(a));
  form.dataset.action = a.action;
  form.hidden = false;
  el('dos-action-title').focus();
}

function closeAction(refocus = true) {
  chosen = null;
  form.hidden = true;
  fieldsBox.replaceChildren();
  for (const b of el('dos-action-buttons').querySelectorAll('button')) b.setAttribute('aria-expanded', 'false');
  if (refocus && opener?.isConnected) opener.focus();
  opener = null;
}

const lines = (s) => String(s || '').split('\n').map((x) => x.trim()).filter(Boolean);

/** "Tên: lý do" -> {name, reason}; a bare line stays a name. */
function missingItem(line) {
  const i = line.indexOf(':');
  if (i <= 0 || i === line.length - 1) return line;
  return { name: line.slice(0, i).trim(), reason: line.slice(i + 1).trim() };
}

/** "2026-12-05T16:00" typed in Vietnam time -> ISO 8601 with +07:00. */
const vnInstant = (v) => (v ? `${v.length === 16 ? `${v}:00` : v}+07:00` : '');

function body(a) {
  const b = { action: a.action, version: dossier.version };
  const val = (n) => form.elements.namedItem(n)?.value ?? '';
  for (const f of a.fields || []) {
    const v = val(f).trim();
    switch (f) {
      case 'missing': b.missing = lines(v).map(missingItem); break;
      case 'documents': if (lines(v).length) b.documents = lines(v).map((name) => ({ name, originals: 1, copies: 0 })); break;
      case 'due_at': if (v) b.due_at = vnInstant(v); break;
      case 'new_due_at': b.new_due_at = vnInstant(v); break;
      case 'amount': if (v !== '') b.amount = Number(v); break;
      case 'to_user': case 'receipt_no': if (v) b[f] = v; break;
      default: b[f] = v;
    }
  }
  const note = val('note').trim();
  if (note) b.note = note;
  return b;
}

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  if (!chosen || !dossier) return;
  const a = chosen;
  const submit = el('dos-action-submit');
  clearProblem(form);
  hideMessages();
  submit.disabled = true;
  submit.setAttribute('aria-busy', 'true');
  try {
    const d = await api(`dossiers/${encodeURIComponent(dossier.code)}/actions`, { method: 'POST', body: body(a) });
    render(d);
    done.textContent = t('dos.done', { label: actionLabel(a.action, a.label), status: t(`dossier.status.${d.status}`) });
    done.hidden = false;
    done.focus();
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (err.status === 409) {
      closeAction(false);
      showError(t('dos.conflict_title'), t('dos.conflict'),
        h('p', { class: 'mb-0' }, h('button', { type: 'button', class: 'btn btn--secondary btn--small', onclick: () => load(true) }, t('dos.reload'))));
    } else {
      showProblem(form, err.problem);
    }
  } finally {
    submit.disabled = false;
    submit.removeAttribute('aria-busy');
  }
});

el('dos-action-cancel').addEventListener('click', () => { clearProblem(form); closeAction(); });

/* ------------------------------------------------------------- load -- */

async function load(focusTitle = false) {
  hideMessages();
  if (!code) {
    el('dos-loading').hidden = true;
    showError(t('dos.not_found_title'), t('dos.no_code'));
    return;
  }
  try {
    render(await api(`dossiers/${encodeURIComponent(code)}`));
    if (focusTitle) el('dos-title').setAttribute('tabindex', '-1');
    if (focusTitle) el('dos-title').focus();
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    el('dos-loading').hidden = true;
    el('dos-body').hidden = true;
    showError(err.status === 404 ? t('dos.not_found_title') : (err.problem.title || t('error.title')), err.problem.detail);
  }
}

// Read again in the new language (the server words the time limit and the
// slip's texts); an open action form is closed.
document.addEventListener('motcua:langchange', () => { if (dossier) load(); });

load();

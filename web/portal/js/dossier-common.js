// What the dossier pages share — the public lookup (portal), the work queue,
// the dossier page and the reception desk (staff): the texts of actions,
// early/on-time/late results, channels and return methods in both
// languages, the navigation labels of the dossier pages, and a few small
// builders. Statuses and their badges are the design system's
// (statusBadge in /shared/js/app.js).
//
// Exports:
//   actionLabel(action, fallback)  "Chuyển bước tiếp theo", the server's label when unknown
//   resultTag(result)              <span class="dq-result dq-result--late">Quá hạn</span> or null
//   channelLabel(c), returnLabel(m), roleLabel(r)
//   flag(kind)                     <span class="dq-flag dq-flag--overdue">Quá hạn</span>
//   lookupPath(code, key)          /portal/lookup.html?code=…&key=…
//   summaryRows(dl, rows)          fill a <dl class="summary-list"> with [label, value] pairs
//   timeline(items)                the step timeline (public and staff) as an <ol>
//   textOr(v, dash)                v, or "—" for empty values
import { extend, formatDateTime, h, statusBadge, t } from '/shared/js/app.js';
import { has } from '/shared/js/i18n.js';

export const ACTIONS = [
  'receive', 'request_supplement', 'supplement', 'refuse', 'assign', 'forward', 'send_back',
  'consult', 'approve', 'reject', 'apologize', 'result_ready', 'return_result', 'withdraw',
  'stop', 'request_payment', 'record_payment',
];

extend({
  vi: {
    'dossier.card.reception_text': 'Kiểm tra hồ sơ tại quầy, cấp mã hồ sơ và hẹn ngày trả kết quả; in Giấy tiếp nhận (Mẫu 01), phiếu hướng dẫn bổ sung (Mẫu 02) hoặc phiếu từ chối (Mẫu 03).',
    'dossier.card.queue_text': 'Hồ sơ trong phạm vi của bạn, quá hạn và sắp đến hạn lên trước. Mở hồ sơ để xem quá trình giải quyết, chuyển bước, phê duyệt, trả kết quả.',
    'staff.breadcrumb': 'Vị trí trang',
    'dossier.action.receive': 'Tiếp nhận hồ sơ',
    'dossier.action.submit': 'Nộp hồ sơ trực tuyến',
    'dossier.action.request_supplement': 'Yêu cầu bổ sung, hoàn thiện hồ sơ',
    'dossier.action.supplement': 'Nhận hồ sơ đã bổ sung đầy đủ',
    'dossier.action.refuse': 'Từ chối tiếp nhận hồ sơ',
    'dossier.action.assign': 'Phân công xử lý',
    'dossier.action.forward': 'Chuyển bước tiếp theo',
    'dossier.action.send_back': 'Trả lại bước trước',
    'dossier.action.consult': 'Xin ý kiến cơ quan, đơn vị liên quan',
    'dossier.action.approve': 'Phê duyệt kết quả',
    'dossier.action.reject': 'Không giải quyết (không đủ điều kiện)',
    'dossier.action.apologize': 'Xin lỗi và hẹn lại ngày trả kết quả',
    'dossier.action.result_ready': 'Chuyển kết quả về Bộ phận Một cửa',
    'dossier.action.return_result': 'Trả kết quả',
    'dossier.action.withdraw': 'Rút hồ sơ theo đề nghị của người nộp',
    'dossier.action.stop': 'Dừng xử lý hồ sơ',
    'dossier.action.request_payment': 'Yêu cầu thực hiện nghĩa vụ tài chính',
    'dossier.action.record_payment': 'Xác nhận đã thực hiện nghĩa vụ tài chính',
    'dossier.result.early': 'Trước hạn',
    'dossier.result.on_time': 'Đúng hạn',
    'dossier.result.late': 'Quá hạn',
    'dossier.channel.counter': 'Trực tiếp tại Bộ phận Một cửa',
    'dossier.channel.post': 'Qua dịch vụ bưu chính',
    'dossier.channel.online': 'Trực tuyến',
    'dossier.return.counter': 'Tại Bộ phận Một cửa',
    'dossier.return.post': 'Qua dịch vụ bưu chính công ích',
    'dossier.return.online': 'Trực tuyến',
    'dossier.flag.overdue': 'Quá hạn',
    'dossier.flag.due_soon': 'Sắp đến hạn',
    'dossier.flag.apologized': 'Đã hẹn lại',
    'dossier.step_n': 'Bước {seq}',
    'dossier.step_of': 'Bước {seq}/{n}',
    'dossier.step_due': 'Hạn của bước: {due}',
    'dossier.handover': '{from} → {to}',
    'dossier.none': '—',
    'dossier.role.receiver': 'Cán bộ tiếp nhận, trả kết quả',
    'dossier.role.specialist': 'Chuyên viên xử lý',
    'dossier.role.leader': 'Lãnh đạo phê duyệt',
    'dossier.role.clerk': 'Văn thư',
  },
  en: {
    'dossier.card.reception_text': 'Check a dossier at the desk, issue its code and the due date; print the receipt (Form 01), the supplement request (Form 02) or the refusal (Form 03).',
    'dossier.card.queue_text': 'Dossiers within your scope, overdue and due-soon ones first. Open one to follow its progress, forward it, approve it, return the result.',
    'staff.breadcrumb': 'You are here',
    'dossier.action.receive': 'Receive',
    'dossier.action.submit': 'Submitted online',
    'dossier.action.request_supplement': 'Request a supplement',
    'dossier.action.supplement': 'Receive the supplemented dossier',
    'dossier.action.refuse': 'Refuse',
    'dossier.action.assign': 'Assign',
    'dossier.action.forward': 'Forward to the next step',
    'dossier.action.send_back': 'Send back to the previous step',
    'dossier.action.consult': 'Consult another agency',
    'dossier.action.approve': 'Approve',
    'dossier.action.reject': 'Reject (not eligible)',
    'dossier.action.apologize': 'Apologise and reschedule',
    'dossier.action.result_ready': 'Result ready at the desk',
    'dossier.action.return_result': 'Return the result',
    'dossier.action.withdraw': 'Withdraw at the applicant\'s request',
    'dossier.action.stop': 'Stop processing',
    'dossier.action.request_payment': 'Request payment',
    'dossier.action.record_payment': 'Record the payment',
    'dossier.result.early': 'Early',
    'dossier.result.on_time': 'On time',
    'dossier.result.late': 'Late',
    'dossier.channel.counter': 'In person at the one-stop desk',
    'dossier.channel.post': 'By post',
    'dossier.channel.online': 'Online',
    'dossier.return.counter': 'At the one-stop desk',
    'dossier.return.post': 'By public postal service',
    'dossier.return.online': 'Online',
    'dossier.flag.overdue': 'Overdue',
    'dossier.flag.due_soon': 'Due soon',
    'dossier.flag.apologized': 'Rescheduled',
    'dossier.step_n': 'Step {seq}',
    'dossier.step_of': 'Step {seq} of {n}',
    'dossier.step_due': 'Step due: {due}',
    'dossier.handover': '{from} → {to}',
    'dossier.none': '—',
    'dossier.role.receiver': 'Desk officer',
    'dossier.role.specialist': 'Specialist',
    'dossier.role.leader': 'Approving leader',
    'dossier.role.clerk': 'Clerk',
  },
});

/** The label of an action in the current language; the server's when unknown. */
export function actionLabel(action, fallback) {
  if (action === '' || action === 'submit') return t('dossier.action.submit');
  const key = `dossier.action.${action}`;
  return has(key) ? t(key) : (fallback || String(action));
}

/** Early / on time / late as text (never colour alone), or null. */
export function resultTag(result) {
  if (!result || !result.code) return null;
  const key = `dossier.result.${result.code}`;
  return h('span', { class: `dq-result dq-result--${result.code}` }, has(key) ? t(key) : (result.label || result.code));
}

/** The role a step of the internal process belongs to. */
export function roleLabel(r) {
  const key = `dossier.role.${r}`;
  return has(key) ? t(key) : String(r || '');
}

export function channelLabel(c) {
  const key = `dossier.channel.${c}`;
  return has(key) ? t(key) : String(c || '');
}

export function returnLabel(m) {
  const key = `dossier.return.${m}`;
  return has(key) ? t(key) : String(m || '');
}

/** A text flag: overdue, due_soon, apologized. */
export function flag(kind) {
  return h('span', { class: `dq-flag dq-flag--${kind}` }, t(`dossier.flag.${kind}`));
}

/** The public lookup address the receipt's QR code will carry. */
export function lookupPath(code, key) {
  const q = new URLSearchParams({ code, key });
  return `/portal/lookup.html?${q}`;
}

export function textOr(v, dash = t('dossier.none')) {
  return v === null || v === undefined || v === '' ? dash : v;
}

/** Fill a <dl class="summary-list"> with [label, value] pairs; empty values are skipped. */
export function summaryRows(dl, rows) {
  dl.replaceChildren();
  for (const row of rows) {
    if (!row) continue;
    const [label, value, attrs = {}] = row;
    if (value === null || value === undefined || value === '') continue;
    dl.append(h('dt', {}, label), h('dd', attrs, value));
  }
  return dl;
}

function handover(item) {
  const from = item.from_unit || '';
  const to = item.to_unit || '';
  if (from && to && from !== to) return t('dossier.handover', { from, to });
  return to || from || '';
}

/**
 * The dossier's way so far, one entry per recorded action (public
 * `timeline` or staff `history`): time, what happened, the status it led
 * to, the hand-over between units and, for a finished step, its due time
 * and whether it finished early, on time or late.
 */
export function timeline(items) {
  const ol = h('ol', { class: 'dq-timeline' });
  for (const it of items || []) {
    const result = resultTag(it.result);
    const units = handover(it);
    ol.append(h('li', { class: 'dq-timeline__item', 'data-action': it.action },
      h('p', { class: 'dq-timeline__head' },
        h('time', { class: 'dq-timeline__time', datetime: it.at }, formatDateTime(it.at)),
        h('strong', { class: 'dq-timeline__action' }, actionLabel(it.action, it.action_label)),
        statusBadge(it.status)),
      units ? h('p', { class: 'dq-timeline__units' }, units) : null,
      it.step_due_at || result
        ? h('p', { class: 'dq-timeline__due' },
          it.step_due_at ? t('dossier.step_due', { due: formatDateTime(it.step_due_at) }) : null,
          it.step_due_at && result ? ' · ' : null,
          result)
        : null));
  }
  return ol;
}

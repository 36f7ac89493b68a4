// The progress of an interlinked dossier (liên thông): one row per
// component procedure with its agency, status, due time and whether its
// result is ready — shared by the public lookup and the staff dossier page
// (which adds each component's code, current step and outputs).
import { extend, formatDateTime, h, statusBadge, t } from '/shared/js/app.js';

extend({
  vi: {
    'bundle.title': 'Tiến độ giải quyết liên thông',
    'bundle.lead': 'Hồ sơ gồm {n} thủ tục do các cơ quan giải quyết theo thứ tự; mỗi cơ quan có thời hạn riêng.',
    'bundle.caption': 'Các thủ tục trong hồ sơ liên thông',
    'bundle.col_procedure': 'Thủ tục',
    'bundle.col_agency': 'Cơ quan giải quyết',
    'bundle.col_status': 'Tình trạng',
    'bundle.col_due': 'Hạn của cơ quan',
    'bundle.col_result': 'Kết quả',
    'bundle.col_code': 'Mã hồ sơ thành phần',
    'bundle.col_step': 'Bước đang thực hiện',
    'bundle.waiting_for': 'Chờ: {list}',
    'bundle.not_started': 'Chưa bắt đầu',
    'bundle.ready': 'Đã có kết quả',
    'bundle.ready_release': 'Đã có kết quả — có thể nhận ngay',
    'bundle.pending': 'Chưa có',
    'bundle.external': 'Giải quyết trên hệ thống {name}',
    'bundle.overdue': 'quá hạn',
    'bundle.limit_due': 'Hạn theo thời hạn của nhóm: {at}',
    'bundle.outputs': 'Thông tin chuyển cho cơ quan sau',
  },
  en: {
    'bundle.title': 'Progress across agencies',
    'bundle.lead': 'This dossier holds {n} procedures handled by several agencies in turn; each agency has its own time limit.',
    'bundle.caption': 'Procedures of the interlinked dossier',
    'bundle.col_procedure': 'Procedure',
    'bundle.col_agency': 'Agency',
    'bundle.col_status': 'Status',
    'bundle.col_due': "Agency's due time",
    'bundle.col_result': 'Result',
    'bundle.col_code': 'Component code',
    'bundle.col_step': 'Current step',
    'bundle.waiting_for': 'Waiting for: {list}',
    'bundle.not_started': 'Not started',
    'bundle.ready': 'Result ready',
    'bundle.ready_release': 'Result ready — can be collected now',
    'bundle.pending': 'Not yet',
    'bundle.external': 'Handled in the {name} system',
    'bundle.overdue': 'overdue',
    'bundle.limit_due': "Due by the group's limit: {at}",
    'bundle.outputs': 'Handed to the next agencies',
  },
});

function statusCell(c, byKey) {
  if (c.status === 'waiting') {
    const names = (c.waiting_for || []).map((k) => byKey[k]?.name || k);
    return [h('span', { class: 'badge' }, t('bundle.not_started')),
      names.length ? h('span', { class: 'dq-cell__sub' }, t('bundle.waiting_for', { list: names.join(', ') })) : null];
  }
  return [statusBadge(c.status), c.external
    ? h('span', { class: 'dq-cell__sub' }, t('bundle.external', { name: c.external })) : null,
  c.reason && c.status === 'rejected' ? h('span', { class: 'dq-cell__sub' }, c.reason) : null];
}

/**
 * A table of the components (the `components` array of a bundle dossier);
 * staff = also each component's code (a link to it) and current step.
 */
export function bundleProgress(components, { staff = false } = {}) {
  const byKey = Object.fromEntries((components || []).map((c) => [c.key, c]));
  const head = [t('bundle.col_procedure'), t('bundle.col_agency'), t('bundle.col_status'),
    t('bundle.col_due'), t('bundle.col_result')];
  if (staff) head.push(t('bundle.col_step'));
  const rows = (components || []).map((c) => {
    const ready = c.result_ready;
    const result = ready ? t(c.release ? 'bundle.ready_release' : 'bundle.ready') : t('bundle.pending');
    const cells = [
      h('td', {}, h('strong', {}, c.name || c.procedure?.name), staff && c.code
        ? h('span', { class: 'dq-cell__sub' }, h('a', { href: `/staff/dossier.html?code=${encodeURIComponent(c.code)}` }, c.code))
        : h('span', { class: 'dq-cell__sub' }, c.procedure?.code || '')),
      h('td', {}, c.agency?.name || ''),
      h('td', {}, ...statusCell(c, byKey)),
      h('td', {}, c.due_at ? formatDateTime(c.due_at) : '—', c.overdue
        ? h('span', { class: 'dq-flag dq-flag--overdue' }, ` ${t('bundle.overdue')}`) : null),
      h('td', { 'data-component-result': c.key }, result, c.result_label
        ? h('span', { class: 'dq-cell__sub' }, c.result_label) : null),
    ];
    if (staff) {
      cells.push(h('td', {}, c.current_step ? [c.current_step.name, c.current_step.unit].filter(Boolean).join(' — ') : '—'));
    }
    return h('tr', { 'data-component': c.key }, ...cells);
  });
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t('bundle.caption') },
    h('table', { class: 'table' },
      h('caption', {}, t('bundle.caption')),
      h('thead', {}, h('tr', {}, ...head.map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, ...rows)));
}

/** The section's heading text and lead. */
export function bundleLead(d) {
  const n = (d.components || []).length;
  const parts = [t('bundle.lead', { n })];
  if (d.bundle?.limit_due_at && d.due_at && d.bundle.limit_due_at !== d.due_at) {
    parts.push(t('bundle.limit_due', { at: formatDateTime(d.bundle.limit_due_at) }));
  }
  return parts.join(' ');
}

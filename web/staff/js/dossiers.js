// The work queue (GET /api/v1/dossiers): the dossiers in the caller's
// scope, most urgent first as the server orders them (queue_key: running
// clocks by due time, overdue first; then the applicant's turn; then closed
// dossiers). The filters are a plain GET form, so the address holds them
// and a filtered queue can be linked; paging follows the server's cursor.
// Overdue rows carry the word "Quá hạn", not only a colour.
import {
  api, ApiError, createPager, extend, formatDateTime, h, statusBadge, t,
} from '/shared/js/app.js';
import { requireSession } from './staff.js';
import { channelLabel, flag, resultTag } from '/portal/js/dossier-common.js';

extend({
  vi: {
    'queue.doc_title': 'Hồ sơ cần xử lý — motcua',
    'queue.title': 'Hồ sơ cần xử lý',
    'queue.lead': 'Hồ sơ trong phạm vi của bạn, xếp theo mức độ khẩn: quá hạn trước, rồi hạn gần nhất; sau đó hồ sơ chờ người nộp bổ sung hoặc nhận kết quả; cuối cùng hồ sơ đã kết thúc.',
    'queue.filters': 'Bộ lọc',
    'queue.status': 'Trạng thái',
    'queue.status_open': 'Chưa kết thúc',
    'queue.status_all': 'Tất cả',
    'queue.overdue': 'Chỉ hồ sơ quá hạn',
    'queue.due_soon': 'Sắp đến hạn (trong 1 ngày làm việc)',
    'queue.mine': 'Được giao cho tôi',
    'queue.apply': 'Lọc',
    'queue.reset': 'Bỏ lọc',
    'queue.list_title': 'Danh sách hồ sơ',
    'queue.caption': 'Danh sách hồ sơ, hồ sơ khẩn nhất ở trên cùng',
    'queue.col_code': 'Mã hồ sơ',
    'queue.col_procedure': 'Thủ tục',
    'queue.col_applicant': 'Người nộp',
    'queue.col_status': 'Trạng thái',
    'queue.col_due': 'Hạn trả kết quả',
    'queue.col_step': 'Bước hiện tại',
    'queue.col_assignee': 'Cán bộ xử lý',
    'queue.empty': 'Không có hồ sơ nào phù hợp với bộ lọc.',
    'queue.no_due': 'Chưa tính hạn',
    'queue.unassigned': 'Chưa phân công',
    'queue.step': 'Bước {seq}/{n}: {name}',
    'queue.waiting_filter': 'Hồ sơ liên thông chờ thủ tục trước',
    'queue.waiting_any': 'Hiện cả hồ sơ đang chờ',
    'queue.waiting_only': 'Chỉ hồ sơ đang chờ thủ tục trước',
    'queue.waiting_none': 'Ẩn hồ sơ đang chờ thủ tục trước',
    'queue.waiting': 'Chờ thủ tục trước',
    'queue.waits_for': 'Chờ: {name} ({agency}) — {status}',
  },
  en: {
    'queue.doc_title': 'Work queue — motcua',
    'queue.title': 'Work queue',
    'queue.lead': 'Dossiers within your scope, most urgent first: overdue, then the closest due time; then those waiting for the applicant (a supplement or collecting the result); closed dossiers last.',
    'queue.filters': 'Filters',
    'queue.status': 'Status',
    'queue.status_open': 'Not closed',
    'queue.status_all': 'All',
    'queue.overdue': 'Overdue only',
    'queue.due_soon': 'Due soon (within 1 working day)',
    'queue.mine': 'Assigned to me',
    'queue.apply': 'Filter',
    'queue.reset': 'Clear filters',
    'queue.list_title': 'Dossiers',
    'queue.caption': 'Dossiers, most urgent first',
    'queue.col_code': 'Dossier code',
    'queue.col_procedure': 'Procedure',
    'queue.col_applicant': 'Applicant',
    'queue.col_status': 'Status',
    'queue.col_due': 'Result due',
    'queue.col_step': 'Current step',
    'queue.col_assignee': 'Handled by',
    'queue.empty': 'No dossier matches the filters.',
    'queue.no_due': 'Not started',
    'queue.unassigned': 'Not assigned',
    'queue.step': 'Step {seq} of {n}: {name}',
    'queue.waiting_filter': 'Interlinked components waiting for a predecessor',
    'queue.waiting_any': 'Show waiting components too',
    'queue.waiting_only': 'Only components waiting for a predecessor',
    'queue.waiting_none': 'Hide components waiting for a predecessor',
    'queue.waiting': 'Waiting for a predecessor',
    'queue.waits_for': 'Waits for: {name} ({agency}) — {status}',
  },
});

const PAGE = 20;
const STATUSES = ['open', 'all', 'submitted', 'received', 'processing', 'awaiting_supplement',
  'awaiting_payment', 'result_ready', 'returned', 'refused', 'rejected', 'withdrawn', 'stopped'];

await requireSession();

const el = (id) => document.getElementById(id);
const body = el('queue-body');
const errorBox = el('queue-error');

// The filters from the address, shown in the form.
const q = new URLSearchParams(location.search);
const filters = {
  status: STATUSES.includes(q.get('status')) ? q.get('status') : 'open',
  overdue: q.get('overdue') === '1',
  due_soon: q.get('due_soon') === '1',
  mine: q.get('assigned') === 'me',
  // Components of an interlinked dossier that wait for another agency's
  // part: '' both, '1' only those, '0' all but those.
  waiting: ['0', '1'].includes(q.get('waiting')) ? q.get('waiting') : '',
};
el('queue-status').value = filters.status;
el('queue-overdue').checked = filters.overdue;
el('queue-due-soon').checked = filters.due_soon;
el('queue-mine').checked = filters.mine;
el('queue-waiting').value = filters.waiting;

function query(cursor) {
  const p = new URLSearchParams();
  if (filters.status !== 'all') p.set('status', filters.status);
  if (filters.overdue) p.set('overdue', '1');
  if (filters.due_soon) p.set('due_soon', '1');
  if (filters.mine) p.set('assigned', 'me');
  if (filters.waiting) p.set('waiting', filters.waiting);
  p.set('limit', String(PAGE));
  if (cursor) p.set('cursor', cursor);
  return `dossiers?${p}`;
}

// With due_soon=1 the server may answer short pages (it refines its indexed
// pre-selection against the calendar): follow the cursor to fill the page.
async function fetchPage(cursor) {
  let res = await api(query(cursor));
  let items = res.items || [];
  let next = res.next_cursor || null;
  for (let round = 0; items.length < PAGE && next && round < 10; round++) {
    res = await api(query(next));
    items = items.concat(res.items || []);
    next = res.next_cursor || null;
  }
  return { items, next_cursor: next };
}

function cell(labelKey, ...children) {
  return h('td', { 'data-label': t(labelKey) }, ...children);
}

const sub = (...c) => h('span', { class: 'dq-cell__sub' }, ...c);

function row(d) {
  const flags = [];
  if (d.overdue) flags.push(flag('overdue'));
  else if (d.due_soon) flags.push(flag('due_soon'));
  if (d.apologized) flags.push(flag('apologized'));
  const step = d.current_step;
  // A component waiting for its predecessors: not the applicant's
  // "awaiting reception", and what it waits for (names only).
  const badge = d.waiting
    ? h('span', { class: 'badge badge--waiting', 'data-waiting': '' }, t('queue.waiting'))
    : statusBadge(d.status);
  const waits = (d.waiting_for || []).map((w) => sub(t('queue.waits_for', {
    name: w.name, agency: w.agency, status: w.status_label,
  })));
  return h('tr', { class: d.overdue ? 'dq-row dq-row--overdue' : 'dq-row', 'data-code': d.code },
    cell('queue.col_code',
      h('a', { class: 'dq-code-link', href: `/staff/dossier.html?code=${encodeURIComponent(d.code)}` }, d.code),
      sub(channelLabel(d.channel))),
    cell('queue.col_procedure', d.procedure?.name || '', sub(d.procedure?.code || '')),
    cell('queue.col_applicant', d.applicant_name || ''),
    cell('queue.col_status', h('span', { class: 'dq-flags' }, badge, flags), ...waits),
    cell('queue.col_due',
      d.due_at ? h('span', { class: 'nowrap' }, formatDateTime(d.due_at)) : h('span', { class: 'muted' }, t('queue.no_due')),
      d.result ? sub(resultTag(d.result)) : null),
    cell('queue.col_step',
      step ? t('queue.step', { seq: d.step, n: d.nsteps, name: step.name }) : '',
      step?.unit ? sub(step.unit) : null),
    cell('queue.col_assignee', d.assignee?.name || h('span', { class: 'muted' }, t('queue.unassigned'))));
}

let shown = [];
function render(items) {
  shown = items;
  if (!items.length) {
    body.replaceChildren(h('tr', {}, h('td', { class: 'table__empty', colspan: '7' }, t('queue.empty'))));
    return;
  }
  body.replaceChildren(...items.map(row));
}

function showError(err) {
  const p = err?.problem || {};
  errorBox.replaceChildren(
    h('strong', { class: 'alert__title' }, p.title || t('error.title')),
    h('p', {}, p.detail || err?.message || ''),
    (p.invalid_params || []).length
      ? h('ul', { class: 'alert__list' }, p.invalid_params.map((ip) => h('li', {}, `${ip.name}: ${ip.reason}`)))
      : null,
  );
  errorBox.hidden = false;
  errorBox.focus();
}

const pager = createPager({
  bar: el('queue-paging'),
  fetchPage,
  render: (items) => { errorBox.hidden = true; render(items); },
  onError: (err) => {
    if (!(err instanceof ApiError)) throw err;
    body.replaceChildren();
    showError(err);
  },
});

document.addEventListener('motcua:langchange', () => render(shown));
pager.load();

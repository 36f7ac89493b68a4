// The reports page: the official resolution report (GET
// /api/v1/reports/resolution) for a month, quarter, six months, year or any
// range, by agency, field or procedure; every number opens the list of
// dossiers behind it (GET .../resolution/dossiers); CSV and XLSX exports;
// publishing (freezing) the period for those allowed. The form is a plain
// GET form, so a report can be linked.
import { api, ApiError, extend, formatDateTime, h, t } from '/shared/js/app.js';
import { can, requireSession } from './staff.js';

extend({
  vi: {
    'rpt.doc_title': 'Báo cáo, thống kê — motcua',
    'rpt.title': 'Báo cáo tình hình, kết quả giải quyết thủ tục hành chính',
    'rpt.lead': 'Số liệu theo Nghị định 61/2018 Điều 30: hồ sơ phải giải quyết, đã giải quyết (trước hạn, đúng hạn, quá hạn), đang giải quyết. Bấm vào một con số để xem danh sách hồ sơ.',
    'rpt.kind': 'Kỳ báo cáo', 'rpt.kind_month': 'Tháng', 'rpt.kind_quarter': 'Quý', 'rpt.kind_half': '6 tháng',
    'rpt.kind_year': 'Năm', 'rpt.kind_range': 'Khoảng thời gian', 'rpt.from': 'Từ ngày', 'rpt.to': 'Đến ngày',
    'rpt.group': 'Tổng hợp theo', 'rpt.group_agency': 'Cơ quan, đơn vị', 'rpt.group_field': 'Lĩnh vực',
    'rpt.group_procedure': 'Thủ tục hành chính', 'rpt.show': 'Xem báo cáo', 'rpt.table_title': 'Kết quả giải quyết',
    'rpt.csv': 'Tải CSV', 'rpt.xlsx': 'Tải Excel (XLSX)', 'rpt.print': 'In báo cáo', 'rpt.publish': 'Chốt số liệu kỳ này',
    'rpt.caption': 'Bảng kết quả giải quyết hồ sơ theo kỳ báo cáo',
    'rpt.d_code': 'Mã hồ sơ', 'rpt.d_procedure': 'Thủ tục', 'rpt.d_agency': 'Cơ quan giải quyết',
    'rpt.d_received': 'Ngày tiếp nhận', 'rpt.d_due': 'Hạn giải quyết', 'rpt.d_finished': 'Ngày có kết quả',
    'rpt.period': 'Từ {from} đến {to} — {scope}; số liệu tính đến {asof}.',
    'rpt.published': 'Số liệu kỳ này đã được chốt lúc {at} bởi {by} (định nghĩa {defs}). Số liệu chốt không thay đổi.',
    'rpt.differs': ' Có {n} ô mà số liệu hiện tại khác số liệu đã chốt (đánh dấu *).',
    'rpt.diff_title': 'Số liệu hiện tại: {live}',
    'rpt.drill': '{col} — {row}: {n} hồ sơ',
    'rpt.more': 'Xem thêm',
    'rpt.no_rows': 'Không có hồ sơ nào trong kỳ này.',
    'rpt.publish_done': 'Đã chốt số liệu kỳ {from} – {to}.',
    'rpt.stt': 'STT', 'rpt.rate': 'Tỷ lệ đúng hạn',
    'rpt.h_received': 'Số hồ sơ nhận giải quyết', 'rpt.h_result': 'Kết quả giải quyết',
    'rpt.h_new': 'Mới tiếp nhận', 'rpt.h_done': 'Đã giải quyết', 'rpt.h_open': 'Đang giải quyết',
    'rpt.h_apart': 'Không tính vào kết quả',
    'rpt.h_sat': 'Đánh giá mức độ hài lòng trong kỳ', 'rpt.sat_rate': 'Tỷ lệ hài lòng',
  },
  en: {
    'rpt.doc_title': 'Reports and statistics — motcua',
    'rpt.title': 'Report on the handling of administrative procedures',
    'rpt.lead': 'Figures of Decree 61/2018 Art. 30: dossiers to handle, handled (early, on time, late), in progress. Select a number to see the dossiers behind it.',
    'rpt.kind': 'Period', 'rpt.kind_month': 'Month', 'rpt.kind_quarter': 'Quarter', 'rpt.kind_half': 'Six months',
    'rpt.kind_year': 'Year', 'rpt.kind_range': 'Date range', 'rpt.from': 'From', 'rpt.to': 'To',
    'rpt.group': 'Group by', 'rpt.group_agency': 'Agency', 'rpt.group_field': 'Field',
    'rpt.group_procedure': 'Procedure', 'rpt.show': 'Show report', 'rpt.table_title': 'Handling results',
    'rpt.csv': 'Download CSV', 'rpt.xlsx': 'Download Excel (XLSX)', 'rpt.print': 'Print', 'rpt.publish': 'Publish (freeze) this period',
    'rpt.caption': 'Dossier handling results for the period',
    'rpt.d_code': 'Dossier code', 'rpt.d_procedure': 'Procedure', 'rpt.d_agency': 'Handling agency',
    'rpt.d_received': 'Received', 'rpt.d_due': 'Due', 'rpt.d_finished': 'Result',
    'rpt.period': 'From {from} to {to} — {scope}; figures as of {asof}.',
    'rpt.published': 'This period was published on {at} by {by} (definitions {defs}). Published figures never change.',
    'rpt.differs': ' {n} cells differ from the live figures now (marked *).',
    'rpt.diff_title': 'Live figure: {live}',
    'rpt.drill': '{col} — {row}: {n} dossiers',
    'rpt.more': 'Show more',
    'rpt.no_rows': 'No dossiers in this period.',
    'rpt.publish_done': 'Period {from} – {to} published.',
    'rpt.stt': 'No.', 'rpt.rate': 'On-time rate',
    'rpt.h_received': 'Dossiers to handle', 'rpt.h_result': 'Results',
    'rpt.h_new': 'New', 'rpt.h_done': 'Handled', 'rpt.h_open': 'In progress',
    'rpt.h_apart': 'Not counted as handled',
    'rpt.h_sat': 'Satisfaction ratings in the period', 'rpt.sat_rate': 'Satisfaction rate',
  },
});

// The form's layout, as the paper form (and the CSV/XLSX exports).
const COLS = ['to_handle', 'carried_over', 'received', 'received_online', 'received_counter',
  'handled', 'handled_early', 'handled_on_time', 'handled_late', 'in_progress', 'in_progress_on_time',
  'in_progress_overdue', 'rejected', 'withdrawn', 'stopped', 'on_time_rate', 'apologies',
  'rated', 'satisfied', 'satisfaction_rate'];
const RATES = ['on_time_rate', 'satisfaction_rate'];

const $ = (id) => document.getElementById(id);
const pad = (n) => String(n).padStart(2, '0');
const iso = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const vnDate = (s) => `${s.slice(8, 10)}/${s.slice(5, 7)}/${s.slice(0, 4)}`;

/** First and last day of the kind of period containing day d. */
function presetRange(kind, d) {
  const y = d.getFullYear(); const m = d.getMonth();
  const span = { month: [m, m], quarter: [m - (m % 3), m - (m % 3) + 2], half: [m < 6 ? 0 : 6, m < 6 ? 5 : 11], year: [0, 11] }[kind];
  if (!span) return null;
  return [iso(new Date(y, span[0], 1)), iso(new Date(y, span[1] + 1, 0))];
}

// query: the form's current query; report and shown: the report on the page
// and the query it answers (what a number drills into); seq and drillSeq:
// the latest load and drill, so a slower answer to an earlier request never
// replaces a newer one.
let state = { query: null, report: null, shown: null, labels: {}, seq: 0, drillSeq: 0 };

function cellText(row, col) {
  const v = row[col];
  if (RATES.includes(col)) return v === null || v === undefined ? '—' : `${(v * 100).toFixed(2)} %`;
  return String(v ?? 0);
}

function renderHead(rep) {
  const name = { agency: t('rpt.group_agency'), field: t('rpt.group_field'), procedure: t('rpt.group_procedure') }[rep.group_by];
  const L = state.labels;
  const th = (text, attrs = {}) => h('th', { scope: 'col', ...attrs }, text);
  $('rpt-head').replaceChildren(
    h('tr', {}, th(t('rpt.stt'), { rowspan: 3 }), th(name, { rowspan: 3 }),
      th(t('rpt.h_received'), { colspan: 5 }), th(t('rpt.h_result'), { colspan: 10 }),
      th(t('rpt.rate'), { rowspan: 3 }), th(L.apologies, { rowspan: 3 }), th(t('rpt.h_sat'), { colspan: 3 })),
    h('tr', {}, th(L.to_handle, { rowspan: 2 }), th(L.carried_over, { rowspan: 2 }), th(t('rpt.h_new'), { colspan: 3 }),
      th(t('rpt.h_done'), { colspan: 4 }), th(t('rpt.h_open'), { colspan: 3 }), th(t('rpt.h_apart'), { colspan: 3 }),
      th(L.rated, { rowspan: 2 }), th(L.satisfied, { rowspan: 2 }), th(t('rpt.sat_rate'), { rowspan: 2 })),
    h('tr', {}, ...['received', 'received_online', 'received_counter', 'handled', 'handled_early', 'handled_on_time',
      'handled_late', 'in_progress', 'in_progress_on_time', 'in_progress_overdue', 'rejected', 'withdrawn', 'stopped']
      .map((c) => th(L[c]))),
  );
}

function renderRow(row, i, diffs) {
  const cells = COLS.map((col) => {
    const text = cellText(row, col);
    const diff = diffs.get(`${row.key}|${col}`);
    if (RATES.includes(col) || row[col] === 0) {
      return h('td', {}, text, diff ? h('span', { class: 'rpt-diff', title: t('rpt.diff_title', { live: diff.live }) }, '*') : null);
    }
    const btn = h('button', {
      type: 'button', class: 'btn--link rpt-cell-link', dataset: { row: row.key, col },
      'aria-label': `${state.labels[col]} — ${row.name}: ${text}`,
      onclick: () => drill(row, col, true),
    }, text);
    return h('td', {}, btn, diff ? h('span', { class: 'rpt-diff', title: t('rpt.diff_title', { live: diff.live }) }, '*') : null);
  });
  return h('tr', { dataset: { key: row.key } },
    i === null ? h('td', {}, '') : h('td', {}, String(i + 1)),
    h('th', { scope: 'row', class: 'rpt-name' }, row.key === 'total' ? row.name : `${row.name} (${row.key})`),
    ...cells);
}

async function load() {
  const q = state.query;
  const seq = ++state.seq;
  state.drillSeq += 1;
  $('rpt-error').hidden = true;
  $('rpt-drill').hidden = true;
  let rep;
  try {
    rep = await api(`reports/resolution?${q}`);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (seq !== state.seq) return;
    $('rpt-error').textContent = err.problem.detail;
    $('rpt-error').hidden = false;
    return;
  }
  if (seq !== state.seq) return; // the form asked for another period meanwhile
  state.report = rep;
  state.shown = q;
  state.labels = Object.fromEntries(rep.columns.map((c) => [c.name, c.label]));
  renderHead(rep);
  const diffs = new Map((rep.live_differences || []).map((d) => [`${d.key}|${d.column}`, d]));
  $('rpt-body').replaceChildren(...(rep.rows.length ? rep.rows.map((r, i) => renderRow(r, i, diffs))
    : [h('tr', {}, h('td', { class: 'table__empty', colspan: COLS.length + 2 }, t('rpt.no_rows')))]));
  $('rpt-foot').replaceChildren(renderRow(rep.total, null, diffs));
  $('rpt-period').textContent = t('rpt.period', {
    from: vnDate(rep.period.from), to: vnDate(rep.period.to), scope: rep.scope, asof: formatDateTime(rep.period.as_of),
  });
  const pub = $('rpt-published');
  if (rep.published) {
    pub.textContent = t('rpt.published', { at: formatDateTime(rep.published.published_at), by: rep.published.published_by, defs: rep.published.definitions })
      + (rep.live_differences.length ? t('rpt.differs', { n: rep.live_differences.length }) : '');
    pub.hidden = false;
  } else {
    pub.hidden = true;
  }
  $('rpt-csv').href = `/api/v1/reports/resolution?${q}&format=csv`;
  $('rpt-xlsx').href = `/api/v1/reports/resolution?${q}&format=xlsx`;
  const publish = $('rpt-publish');
  publish.hidden = !state.canPublish || !!rep.published || Date.parse(`${rep.period.to}T23:59:59+07:00`) > Date.now();
}

async function drill(row, col, focus) {
  const sec = $('rpt-drill');
  const body = $('rpt-drill-body');
  const paging = $('rpt-drill-paging');
  const rep = state.report;
  const query = state.shown;
  const seq = ++state.drillSeq;
  let cursor = null;
  let count = 0;
  body.replaceChildren();
  sec.hidden = false;
  const title = $('rpt-drill-title');
  async function page() {
    const p = new URLSearchParams(query);
    p.set('row', row.key);
    p.set('column', col);
    p.set('limit', '50');
    if (cursor) p.set('cursor', cursor);
    const res = await api(`reports/resolution/dossiers?${p}`);
    if (seq !== state.drillSeq) return; // another number, or another report, was chosen meanwhile
    for (const d of res.items) {
      body.append(h('tr', {},
        h('td', {}, h('a', { href: `/staff/dossier.html?code=${encodeURIComponent(d.code)}` }, d.code)),
        h('td', {}, d.procedure_name), h('td', {}, d.agency.name),
        h('td', {}, formatDateTime(d.received_at)), h('td', {}, d.legal_due_at ? formatDateTime(d.legal_due_at) : '—'),
        h('td', {}, d.finished_at ? formatDateTime(d.finished_at) : '—')));
    }
    count += res.items.length;
    cursor = res.next_cursor;
    title.textContent = t('rpt.drill', { col: state.labels[col], row: row.key === 'total' ? rep.total.name : row.name, n: cursor ? `${count}+` : count });
    paging.replaceChildren(cursor ? h('button', { type: 'button', class: 'btn btn--secondary', onclick: () => page() }, t('rpt.more')) : '');
  }
  await page();
  if (focus && seq === state.drillSeq) title.focus();
}

async function publish() {
  const rep = state.report;
  const btn = $('rpt-publish');
  btn.disabled = true;
  try {
    await api('reports/publications', { method: 'POST', body: { from: rep.period.from, to: rep.period.to } });
    await load();
    $('rpt-published').textContent = `${t('rpt.publish_done', { from: vnDate(rep.period.from), to: vnDate(rep.period.to) })} ${$('rpt-published').textContent}`;
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    $('rpt-error').textContent = err.problem.detail;
    $('rpt-error').hidden = false;
  } finally {
    btn.disabled = false;
  }
}

async function main() {
  const me = await requireSession();
  state.canPublish = can(me, 'report.publish');
  const form = $('rpt-form');
  const params = new URLSearchParams(location.search);
  const kind = params.get('kind') || 'month';
  form.elements.kind.value = kind;
  const [f, to] = presetRange(kind === 'range' ? 'month' : kind, new Date());
  form.elements.from.value = params.get('from') || f;
  form.elements.to.value = params.get('to') || to;
  form.elements.group_by.value = params.get('group_by') || 'agency';
  form.elements.kind.addEventListener('change', () => {
    const base = form.elements.from.value ? new Date(`${form.elements.from.value}T00:00:00`) : new Date();
    const r = presetRange(form.elements.kind.value, base);
    if (r) [form.elements.from.value, form.elements.to.value] = r;
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = new URLSearchParams({ from: form.elements.from.value, to: form.elements.to.value, group_by: form.elements.group_by.value });
    history.replaceState(null, '', `?kind=${form.elements.kind.value}&${q}`);
    state.query = q.toString();
    load();
  });
  $('rpt-print').addEventListener('click', () => window.print());
  $('rpt-publish').addEventListener('click', publish);
  state.query = new URLSearchParams({ from: form.elements.from.value, to: form.elements.to.value, group_by: form.elements.group_by.value }).toString();
  document.addEventListener('motcua:langchange', () => load());
  await load();
}

main();

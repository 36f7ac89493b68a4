// Public disclosure of results (GET /api/v1/public/statistics): each
// agency's figures for a week or a month, with links to the same data as
// CSV and JSON (open data). No sign-in, no personal data.
import { api, ApiError, extend, formatDateTime, h, t } from '/shared/js/app.js';

extend({
  vi: {
    'stat.doc_title': 'Công khai kết quả giải quyết — motcua',
    'stat.meta_description': 'Số hồ sơ tiếp nhận, giải quyết đúng hạn, quá hạn và tỷ lệ hài lòng của từng cơ quan theo tuần, theo tháng; dữ liệu mở CSV, JSON.',
    'stat.title': 'Công khai kết quả giải quyết thủ tục hành chính',
    'stat.lead': 'Số hồ sơ tiếp nhận và kết quả giải quyết của từng cơ quan theo tuần và theo tháng. Chỉ có số liệu tổng hợp, không có thông tin cá nhân.',
    'stat.kind': 'Kỳ', 'stat.week': 'Tuần', 'stat.month': 'Tháng', 'stat.date': 'Một ngày trong kỳ', 'stat.show': 'Xem',
    'stat.table_title': 'Kết quả theo cơ quan', 'stat.csv': 'Dữ liệu mở (CSV)', 'stat.json': 'Dữ liệu mở (JSON)',
    'stat.caption': 'Số liệu giải quyết hồ sơ của từng cơ quan',
    'stat.agency': 'Cơ quan', 'stat.rate': 'Tỷ lệ đúng hạn', 'stat.sat_rate': 'Tỷ lệ hài lòng',
    'stat.period': 'Từ {from} đến {to}; số liệu tính đến {asof}. {pub}',
    'stat.published': 'Số liệu đã chốt.', 'stat.live': 'Số liệu chưa chốt, có thể thay đổi.',
    'stat.none': 'Chưa có hồ sơ nào trong kỳ này.',
  },
  en: {
    'stat.doc_title': 'Published results — motcua',
    'stat.meta_description': 'Dossiers received, handled on time and late, and satisfaction rates of each agency per week and per month; open data in CSV and JSON.',
    'stat.title': 'Published results of administrative procedures',
    'stat.lead': 'Dossiers received and handled by each agency, per week and per month. Totals only, no personal data.',
    'stat.kind': 'Period', 'stat.week': 'Week', 'stat.month': 'Month', 'stat.date': 'A day in the period', 'stat.show': 'Show',
    'stat.table_title': 'Results by agency', 'stat.csv': 'Open data (CSV)', 'stat.json': 'Open data (JSON)',
    'stat.caption': 'Handling figures of each agency',
    'stat.agency': 'Agency', 'stat.rate': 'On-time rate', 'stat.sat_rate': 'Satisfaction rate',
    'stat.period': 'From {from} to {to}; figures as of {asof}. {pub}',
    'stat.published': 'Published (frozen) figures.', 'stat.live': 'Not yet published; may change.',
    'stat.none': 'No dossiers in this period.',
  },
});

const $ = (id) => document.getElementById(id);
const vnDate = (s) => `${s.slice(8, 10)}/${s.slice(5, 7)}/${s.slice(0, 4)}`;

// The latest load: a slower answer to an earlier query never replaces a newer one.
let loadSeq = 0;

async function load(q) {
  const seq = ++loadSeq;
  $('stat-error').hidden = true;
  let res;
  try {
    res = await api(`public/statistics?${q}`);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (seq !== loadSeq) return;
    $('stat-error').textContent = err.problem.detail;
    $('stat-error').hidden = false;
    return;
  }
  if (seq !== loadSeq) return;
  const cols = res.columns;
  $('stat-head').replaceChildren(h('tr', {}, h('th', { scope: 'col' }, t('stat.agency')),
    ...cols.map((c) => h('th', { scope: 'col' }, c.label)), h('th', { scope: 'col' }, t('stat.rate')),
    h('th', { scope: 'col' }, t('stat.sat_rate'))));
  const rate = (v) => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(2)} %`);
  const row = (r) => h('tr', {}, h('th', { scope: 'row', class: 'rpt-name' }, r.name),
    ...cols.map((c) => h('td', {}, String(r[c.name]))),
    h('td', {}, rate(r.on_time_rate)), h('td', {}, rate(r.satisfaction_rate)));
  $('stat-body').replaceChildren(...(res.agencies.length ? res.agencies.map(row)
    : [h('tr', {}, h('td', { class: 'table__empty', colspan: cols.length + 3 }, t('stat.none')))]));
  $('stat-foot').replaceChildren(row(res.total));
  $('stat-period').textContent = t('stat.period', {
    from: vnDate(res.period.from), to: vnDate(res.period.to), asof: formatDateTime(res.as_of),
    pub: res.published ? t('stat.published') : t('stat.live'),
  });
  $('stat-csv').href = `/api/v1/public/statistics?${q}&format=csv`;
  $('stat-json').href = `/api/v1/public/statistics?${q}`;
}

function main() {
  const form = $('stat-form');
  const p = new URLSearchParams(location.search);
  form.elements.kind.value = p.get('kind') === 'month' ? 'month' : 'week';
  if (p.get('date')) form.elements.date.value = p.get('date');
  const query = () => {
    const q = new URLSearchParams({ kind: form.elements.kind.value });
    if (form.elements.date.value) q.set('date', form.elements.date.value);
    return q.toString();
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    history.replaceState(null, '', `?${query()}`);
    load(query());
  });
  document.addEventListener('motcua:langchange', () => load(query()));
  load(query());
}

main();

// The leaders' dashboard: the plan's targets beside this month's actual
// values (GET /api/v1/reports/summary), the 12-month trend as inline SVG
// charts (GET /api/v1/reports/trend, drawn by charts.js: on-time rate,
// satisfaction, new dossiers; rates with their target line), and the most
// overdue dossiers of the agency (GET /api/v1/dossiers?overdue=1, in the
// server's urgency order). Readable on a phone, printable.
import { api, ApiError, extend, formatDateTime, h, t } from '/shared/js/app.js';
import { requireSession } from './staff.js';
import { barChart, lineChart } from './charts.js';

extend({
  vi: {
    'dash.doc_title': 'Bảng điều hành — motcua',
    'dash.title': 'Bảng điều hành',
    'dash.lead': 'Chỉ tiêu của kế hoạch cải cách hành chính bên cạnh kết quả thực tế tháng này, xu hướng 12 tháng và các hồ sơ quá hạn lâu nhất của cơ quan.',
    'dash.targets': 'Chỉ tiêu và thực hiện', 'dash.trend': 'Xu hướng theo tháng', 'dash.overdue': 'Hồ sơ quá hạn',
    'dash.step': 'Đang ở',
    'dash.on_time_rate': 'Tỷ lệ giải quyết đúng hạn', 'dash.online_share': 'Tỷ lệ hồ sơ nộp trực tuyến',
    'dash.level34_share': 'Tỷ lệ thủ tục mức độ 3, 4', 'dash.satisfaction': 'Mức độ hài lòng',
    'dash.target': 'Chỉ tiêu: {v}', 'dash.meets': 'Đạt chỉ tiêu', 'dash.misses': 'Chưa đạt chỉ tiêu', 'dash.no_data': 'Chưa có số liệu',
    'dash.period': 'Tháng {from} – {to}, {scope}.',
    'dash.chart_rate': 'Tỷ lệ giải quyết đúng hạn theo tháng (đường đứt: chỉ tiêu 90 %)',
    'dash.chart_volume': 'Hồ sơ mới tiếp nhận theo tháng: tổng số và trực tuyến',
    'dash.chart_satisfaction': 'Mức độ hài lòng theo tháng: tỷ lệ lượt đánh giá hài lòng (đường đứt: chỉ tiêu 75 %)',
    'dash.chart_satisfaction_note': 'Tính trên các lượt đánh giá trong tháng tại cơ quan giải quyết; tháng không có lượt đánh giá để trống.',
    'dash.total': 'Tổng số', 'dash.online': 'Trực tuyến',
    'dash.none_overdue': 'Không có hồ sơ quá hạn.',
    'dash.ratings': '{n} lượt đánh giá trong tháng; hài lòng khi không có tiêu chí nào “Không hài lòng”.',
  },
  en: {
    'dash.doc_title': 'Dashboard — motcua',
    'dash.title': 'Dashboard',
    'dash.lead': 'The reform plan’s targets beside this month’s actual values, the 12-month trend and the agency’s most overdue dossiers.',
    'dash.targets': 'Targets and results', 'dash.trend': 'Monthly trend', 'dash.overdue': 'Overdue dossiers',
    'dash.step': 'Now at',
    'dash.on_time_rate': 'On-time rate', 'dash.online_share': 'Dossiers filed online',
    'dash.level34_share': 'Procedures at level 3/4', 'dash.satisfaction': 'Satisfaction',
    'dash.target': 'Target: {v}', 'dash.meets': 'Target met', 'dash.misses': 'Target not met', 'dash.no_data': 'No data yet',
    'dash.period': 'Month {from} – {to}, {scope}.',
    'dash.chart_rate': 'On-time rate per month (dashed: the 90 % target)',
    'dash.chart_volume': 'New dossiers per month: all and online',
    'dash.chart_satisfaction': 'Satisfaction per month: share of satisfied ratings (dashed: the 75 % target)',
    'dash.chart_satisfaction_note': 'Over the ratings made in the month at the handling agency; a month without ratings is left empty.',
    'dash.total': 'All', 'dash.online': 'Online',
    'dash.none_overdue': 'No overdue dossiers.',
    'dash.ratings': '{n} ratings this month; satisfied when no criterion is “dissatisfied”.',
  },
});

const $ = (id) => document.getElementById(id);
const pct = (v) => `${(v * 100).toFixed(1)} %`;
const pad = (n) => String(n).padStart(2, '0');
const iso = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

function card(key, ind, note = null) {
  const has = ind.actual !== null && ind.actual !== undefined;
  const cls = !has ? 'dash-card--none' : ind.meets ? 'dash-card--ok' : 'dash-card--bad';
  return h('article', { class: `dash-card ${cls}`, dataset: { indicator: key } },
    h('h3', {}, t(`dash.${key}`)),
    h('p', { class: 'dash-card__value' }, has ? pct(ind.actual) : '—'),
    h('p', { class: 'dash-card__target' }, t('dash.target', { v: pct(ind.target) })),
    h('p', { class: 'muted small mb-0' }, !has ? t('dash.no_data') : ind.meets ? t('dash.meets') : t('dash.misses')),
    note ? h('p', { class: 'muted small mb-0 dash-card__note' }, note) : null);
}

async function load() {
  const now = new Date();
  const from = iso(new Date(now.getFullYear(), now.getMonth(), 1));
  const to = iso(new Date(now.getFullYear(), now.getMonth() + 1, 0));
  try {
    const [sum, trend, overdue] = await Promise.all([
      api(`reports/summary?from=${from}&to=${to}`),
      api('reports/trend?months=12'),
      api('dossiers?overdue=1&limit=10'),
    ]);
    $('dash-period').textContent = t('dash.period', { from, to, scope: sum.scope });
    $('dash-cards').replaceChildren(...['on_time_rate', 'online_share', 'level34_share', 'satisfaction']
      .map((k) => card(k, sum.indicators[k], k === 'satisfaction'
        ? t('dash.ratings', { n: sum.satisfaction_criteria?.rated ?? 0 }) : null)));
    const labels = trend.items.map((i) => i.month);
    const rate = $('dash-chart-rate');
    rate.replaceChildren(h('figcaption', {}, t('dash.chart_rate')),
      lineChart({ title: t('dash.chart_rate'), labels, values: trend.items.map((i) => i.on_time_rate), target: trend.targets.on_time_rate }));
    // Satisfaction: the ratings made each month; the point says how many.
    const sat = $('dash-chart-satisfaction');
    sat.replaceChildren(h('figcaption', {}, t('dash.chart_satisfaction')),
      lineChart({
        title: t('dash.chart_satisfaction'), labels,
        values: trend.items.map((i) => i.satisfaction_rate),
        target: trend.targets.satisfaction_rate,
        counts: trend.items.map((i) => i.rated),
      }),
      h('p', { class: 'muted small mb-0' }, t('dash.chart_satisfaction_note')));
    const vol = $('dash-chart-volume');
    vol.replaceChildren(h('figcaption', {}, t('dash.chart_volume')),
      barChart({
        title: t('dash.chart_volume'), labels,
        series: [{ name: t('dash.total'), values: trend.items.map((i) => i.received) },
          { name: t('dash.online'), cls: 'chart-bar--online', values: trend.items.map((i) => i.received_online) }],
      }));
    const rows = overdue.items.map((d) => h('tr', {},
      h('td', {}, h('a', { href: `/staff/dossier.html?code=${encodeURIComponent(d.code)}` }, d.code)),
      h('td', {}, d.procedure?.name || d.procedure_name || ''),
      h('td', {}, d.due_at ? formatDateTime(d.due_at) : '—'),
      h('td', {}, d.current_step?.unit || d.current_step?.name || '')));
    $('dash-overdue-body').replaceChildren(...(rows.length ? rows
      : [h('tr', {}, h('td', { class: 'table__empty', colspan: 4 }, t('dash.none_overdue')))]));
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    $('dash-error').textContent = err.problem.detail;
    $('dash-error').hidden = false;
  }
}

async function main() {
  await requireSession();
  document.addEventListener('motcua:langchange', () => load());
  await load();
}

main();

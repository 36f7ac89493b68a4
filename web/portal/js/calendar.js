// The month view: every solar date of a month with its lunar date, the
// holidays, Tết, compensatory and swapped days off and the Saturdays worked
// (GET /api/v1/calendar/month), the year's notice table and its citation.
// The month shown is in the address (?y=2026&m=2) so it can be linked and
// printed; "today" is today in Vietnam, whatever the browser's zone.
import { api, ApiError, extend, h, setTitle, t, vnParts } from '/shared/js/app.js';
import {
  KINDS, kindLabel, lunarMonthName, lunarShort, pad2, weekdayName,
} from './calendar-common.js';

extend({
  vi: {
    'cal.doc_title': 'Lịch làm việc, ngày nghỉ lễ — motcua',
    'cal.meta_description': 'Lịch dương lịch kèm âm lịch, các ngày nghỉ lễ, Tết, nghỉ bù và ngày làm bù dùng để tính hạn giải quyết hồ sơ.',
    'cal.title': 'Lịch làm việc, ngày nghỉ lễ',
    'cal.lead': 'Ngày dương lịch kèm ngày âm lịch, các ngày nghỉ lễ, Tết, nghỉ bù, nghỉ hoán đổi và ngày làm bù theo thông báo của năm. Hạn giải quyết hồ sơ được tính theo đúng lịch này.',
    'cal.loading': 'Đang tải…',
    'cal.jump_title': 'Chọn tháng',
    'cal.month': 'Tháng',
    'cal.year': 'Năm',
    'cal.show': 'Xem',
    'cal.prev': '‹ Tháng trước',
    'cal.next': 'Tháng sau ›',
    'cal.today_button': 'Hôm nay',
    'cal.today': 'Hôm nay',
    'cal.month_name': 'Tháng {month}',
    'cal.month_title': 'Tháng {month} năm {year}',
    'cal.lunar_years': 'Âm lịch: {names}',
    'cal.lunar_year': 'năm {name}',
    'cal.legend_title': 'Chú thích',
    'cal.weekend': 'Ngày nghỉ hằng tuần',
    'cal.leap_legend': '{short}: tháng âm lịch nhuận',
    'cal.days_title': 'Ngày nghỉ, ngày làm bù trong tháng',
    'cal.days_none': 'Tháng này không có ngày nghỉ lễ hay ngày làm bù.',
    'cal.source_title': 'Căn cứ bảng ngày nghỉ năm {year}',
    'cal.origin.notice': 'Theo thông báo nghỉ lễ của năm:',
    'cal.origin.computed': 'Chưa có thông báo nghỉ lễ của năm; các ngày nghỉ được tính tự động theo Bộ luật Lao động:',
    'cal.note': 'Ghi chú về nguồn',
    'cal.day_sr': '{weekday} {date}; âm lịch {lunar} năm {lyear}',
    'cal.day_sr_lunar': 'ngày {day} {month}',
    'cal.workday': 'ngày làm việc',
    'cal.dayoff': 'ngày nghỉ',
    'cal.bad_year': 'Năm phải từ 1900 đến 2199.',
  },
  en: {
    'cal.doc_title': 'Working days and public holidays — motcua',
    'cal.meta_description': 'Solar and lunar calendar with public holidays, Tết, days off in lieu and make-up working days used to compute dossier deadlines.',
    'cal.title': 'Working days and public holidays',
    'cal.lead': 'Solar dates with their lunar dates, public holidays, Tết, days off in lieu, swapped days and make-up working days as the year’s notice sets them. Dossier deadlines are computed with exactly this calendar.',
    'cal.loading': 'Loading…',
    'cal.jump_title': 'Choose a month',
    'cal.month': 'Month',
    'cal.year': 'Year',
    'cal.show': 'Show',
    'cal.prev': '‹ Previous month',
    'cal.next': 'Next month ›',
    'cal.today_button': 'Today',
    'cal.today': 'Today',
    'cal.month_name': 'Month {month}',
    'cal.month_title': '{month}/{year}',
    'cal.lunar_years': 'Lunar year: {names}',
    'cal.lunar_year': '{name}',
    'cal.legend_title': 'Legend',
    'cal.weekend': 'Weekly rest day',
    'cal.leap_legend': '{short}: leap lunar month',
    'cal.days_title': 'Days off and make-up days this month',
    'cal.days_none': 'No holidays or make-up days this month.',
    'cal.source_title': 'Source of the {year} holiday table',
    'cal.origin.notice': 'From the year’s holiday notice:',
    'cal.origin.computed': 'No holiday notice for this year yet; the days off are computed from the Labour Code:',
    'cal.note': 'Notes on the source',
    'cal.day_sr': '{weekday} {date}; lunar {lunar}, {lyear}',
    'cal.day_sr_lunar': 'day {day} of {month}',
    'cal.workday': 'working day',
    'cal.dayoff': 'day off',
    'cal.bad_year': 'The year must be 1900 to 2199.',
  },
});

const el = (id) => document.getElementById(id);
const grid = { body: el('cal-body'), weekdays: el('cal-weekdays') };
let current = null; // {year, month}
let data = null; // the last /calendar/month answer
let seq = 0; // answers to older requests are dropped

function todayVN() {
  const p = vnParts(new Date());
  return { year: p.y, month: p.m, date: `${p.y}-${pad2(p.m)}-${pad2(p.d)}` };
}

function fromAddress() {
  const q = new URLSearchParams(location.search);
  const y = Number(q.get('y'));
  const m = Number(q.get('m'));
  if (Number.isInteger(y) && y >= 1900 && y <= 2199 && Number.isInteger(m) && m >= 1 && m <= 12) {
    return { year: y, month: m };
  }
  const today = todayVN();
  return { year: today.year, month: today.month };
}

function showError(err) {
  const box = el('cal-error');
  box.replaceChildren(
    h('strong', { class: 'alert__title' }, err?.problem?.title || t('error.title')),
    h('p', {}, err?.problem?.detail || err?.message || t('error.title')),
  );
  box.hidden = false;
}

/* ----------------------------------------------------------- rendering -- */

function renderWeekdays() {
  grid.weekdays.replaceChildren(...[1, 2, 3, 4, 5, 6, 7].map((wd) => h('th', { scope: 'col' },
    h('span', { class: 'cal-wd__long' }, weekdayName(wd)),
    h('span', { class: 'cal-wd__short', 'aria-hidden': 'true' }, weekdayName(wd, true)))));
}

function dayCell(d, today, yearNames) {
  const [y, m, dd] = d.date.split('-').map(Number);
  const off = !d.workday;
  const classes = ['cal-day'];
  if (d.kind) classes.push(`cal-day--${d.kind}`);
  else if (off) classes.push('cal-day--weekend');
  if (off) classes.push('cal-day--off');
  const isToday = d.date === today;
  if (isToday) classes.push('cal-day--today');

  const l = d.lunar;
  const named = l.day === 1 || l.day === 15;
  const lyear = yearNames?.[String(l.year)] || String(l.year);
  const sr = [
    t('cal.day_sr', {
      weekday: weekdayName(d.weekday),
      date: `${pad2(dd)}/${pad2(m)}/${y}`,
      lunar: t('cal.day_sr_lunar', { day: l.day, month: lunarMonthName(l.month, l.leap) }),
      lyear,
    }),
  ];
  if (d.name) sr.push(`${kindLabel(d.kind)}: ${d.name}`);
  sr.push(off ? t('cal.dayoff') : t('cal.workday'));
  if (isToday) sr.push(t('cal.today'));

  return h('td', {
    class: classes.join(' '),
    'data-date': d.date,
    'data-kind': d.kind || null,
    title: d.name || null,
    'aria-current': isToday ? 'date' : null,
  },
  h('span', { class: 'cal-day__num', 'aria-hidden': 'true' }, String(dd),
    isToday ? h('span', { class: 'cal-day__today' }, t('cal.today')) : null),
  h('span', { class: 'cal-day__lunar', 'aria-hidden': 'true' }, lunarShort(l)),
  named ? h('span', { class: 'cal-day__lmonth', 'aria-hidden': 'true' }, lunarMonthName(l.month, l.leap)) : null,
  d.kind ? h('span', { class: 'cal-day__tag', 'aria-hidden': 'true' }, kindLabel(d.kind)) : null,
  h('span', { class: 'visually-hidden' }, `${sr.join('; ')}.`));
}

function renderGrid() {
  const today = todayVN().date;
  const rows = [];
  let cells = [];
  for (let i = 1; i < data.days[0].weekday; i++) cells.push(h('td', { class: 'cal-blank' }));
  for (const d of data.days) {
    cells.push(dayCell(d, today, data.year_names));
    if (cells.length === 7) {
      rows.push(h('tr', {}, cells));
      cells = [];
    }
  }
  if (cells.length) {
    while (cells.length < 7) cells.push(h('td', { class: 'cal-blank' }));
    rows.push(h('tr', {}, cells));
  }
  grid.body.replaceChildren(...rows);
}

function renderTitle() {
  const names = [...new Set(data.days.map((d) => data.year_names?.[String(d.lunar.year)]))]
    .filter(Boolean).map((name) => t('cal.lunar_year', { name }));
  el('cal-title').replaceChildren(
    t('cal.month_title', { month: data.month, year: data.year }),
    h('span', { class: 'cal-toolbar__sub' }, t('cal.lunar_years', { names: names.join(' – ') })),
  );
  setTitle(`${t('cal.month_title', { month: data.month, year: data.year })} — ${t('cal.doc_title')}`);
}

function renderLegend() {
  const items = KINDS.map((k) => h('li', {},
    h('span', { class: `cal-legend__chip cal-day--${k}`, 'aria-hidden': 'true' }),
    `${kindLabel(k)} — ${kindLabel(k, true)}`));
  items.push(h('li', {}, h('span', { class: 'cal-legend__chip cal-day--weekend', 'aria-hidden': 'true' }), t('cal.weekend')));
  items.push(h('li', {}, h('span', { class: 'cal-legend__chip cal-day--today', 'aria-hidden': 'true' }), t('cal.today')));
  items.push(h('li', {}, t('cal.leap_legend', { short: t('cal.leap_short') })));
  el('cal-legend').replaceChildren(...items);
}

function renderLists() {
  const listed = data.days.filter((d) => d.kind);
  el('cal-days').replaceChildren(...(listed.length ? listed.map((d) => {
    const [y, m, dd] = d.date.split('-');
    return h('li', { 'data-date': d.date },
      h('strong', {}, `${weekdayName(d.weekday)} ${dd}/${m}/${y}`), ` — ${d.name} `,
      h('span', { class: 'muted' }, `(${kindLabel(d.kind)})`));
  }) : [h('li', {}, t('cal.days_none'))]));

  el('cal-source-title').textContent = t('cal.source_title', { year: data.year });
  el('cal-origin').textContent = t(`cal.origin.${data.loaded_from === 'notice' ? 'notice' : 'computed'}`);
  el('cal-source').textContent = data.source || '';
  el('cal-note').textContent = data.source_note || '';
  el('cal-note-box').hidden = !data.source_note;
}

function renderJump() {
  const sel = el('cal-month');
  if (!sel.options.length) {
    for (let m = 1; m <= 12; m++) sel.append(h('option', { value: String(m) }, ''));
  }
  for (const o of sel.options) o.textContent = t('cal.month_name', { month: o.value });
  if (current) {
    sel.value = String(current.month);
    el('cal-year').value = String(current.year);
  }
}

function render() {
  renderWeekdays();
  renderLegend();
  renderJump();
  if (!data) return;
  renderTitle();
  renderGrid();
  renderLists();
}

/* ------------------------------------------------------------- loading -- */

async function show(year, month, { push = false } = {}) {
  const my = ++seq;
  current = { year, month };
  renderJump();
  try {
    const res = await api(`calendar/month?year=${year}&month=${month}`);
    if (my !== seq) return;
    data = res;
    el('cal-error').hidden = true;
    render();
    const url = `${location.pathname}?y=${year}&m=${month}`;
    if (push) history.pushState({ year, month }, '', url);
    else history.replaceState({ year, month }, '', url);
  } catch (err) {
    if (my !== seq) return;
    if (!(err instanceof ApiError)) throw err;
    showError(err);
  }
}

function step(delta) {
  let { year, month } = current;
  month += delta;
  if (month < 1) { month = 12; year -= 1; }
  if (month > 12) { month = 1; year += 1; }
  if (year < 1900 || year > 2199) return;
  show(year, month, { push: true });
}

el('cal-prev').addEventListener('click', () => step(-1));
el('cal-next').addEventListener('click', () => step(1));
el('cal-today').addEventListener('click', () => {
  const today = todayVN();
  show(today.year, today.month, { push: true });
});
el('cal-jump').addEventListener('submit', (e) => {
  e.preventDefault();
  const y = Number(el('cal-year').value);
  const m = Number(el('cal-month').value);
  if (!Number.isInteger(y) || y < 1900 || y > 2199) {
    showError({ problem: { title: t('error.form_title'), detail: t('cal.bad_year') } });
    el('cal-year').focus();
    return;
  }
  show(y, m, { push: true });
});
window.addEventListener('popstate', () => {
  const a = fromAddress();
  show(a.year, a.month);
});
document.addEventListener('motcua:langchange', render);

render();
const start = fromAddress();
show(start.year, start.month);

// One procedure laid out like its public notice (niêm yết công khai):
// identity, where and how to submit, time limit, fees, required documents
// with originals and copies, steps, result, conditions, legal basis, online
// level, the version in force and its history. ?code=H19-HT-01[&at=DATE].
// Printable on A4 (body.print-a4; the print button calls window.print()).
import { api, ApiError, extend, h, setTitle, t } from '/shared/js/app.js';
import {
  CHANNELS, dateVN, levelsLabel, moneyLabel, onlineLabel, timeLabel,
} from './catalog-common.js';

extend({
  vi: {
    'proc.doc_title': 'Thủ tục hành chính — motcua',
    'proc.meta_description': 'Nội dung thủ tục hành chính: trình tự, thành phần hồ sơ, thời hạn, phí, lệ phí, căn cứ pháp lý, nơi tiếp nhận.',
    'proc.breadcrumb': 'Vị trí trang',
    'proc.home': 'Trang chủ',
    'proc.crumb': 'Thủ tục',
    'proc.kicker': 'Thủ tục hành chính',
    'proc.print': 'In trang này (A4)',
    'proc.back': '‹ Về trang tra cứu',
    'proc.no_code': 'Thiếu mã thủ tục trong địa chỉ trang (?code=...).',
    'proc.subtitle': 'Mã {code} · Lĩnh vực {field}',
    'proc.s_general': 'Thông tin chung',
    'proc.code': 'Mã thủ tục',
    'proc.national_code': 'Mã trên Cơ sở dữ liệu quốc gia',
    'proc.national_unknown': 'Chưa đối chiếu',
    'proc.field': 'Lĩnh vực',
    'proc.levels': 'Cấp thực hiện',
    'proc.authority': 'Cơ quan thực hiện',
    'proc.lead': 'Cơ quan chủ trì',
    'proc.coop': 'Cơ quan phối hợp',
    'proc.result': 'Kết quả thực hiện',
    'proc.bundle': 'Thuộc nhóm liên thông',
    'proc.s_submit': 'Cách thức và địa điểm thực hiện',
    'proc.channels': 'Cách thức nộp hồ sơ',
    'proc.where': 'Nơi tiếp nhận hồ sơ',
    'proc.desks': 'Bộ phận tiếp nhận và trả kết quả',
    'proc.online': 'Mức độ dịch vụ công trực tuyến',
    'proc.s_time': 'Thời hạn giải quyết',
    'proc.cutoff': 'Hồ sơ nhận sau {time} được tính từ ngày làm việc tiếp theo.',
    'proc.s_fees': 'Phí, lệ phí',
    'proc.fee_kind': 'Loại',
    'proc.fee_name': 'Tên',
    'proc.fee_amount': 'Mức thu',
    'proc.fee_per': 'Đơn vị tính',
    'proc.fee_note': 'Ghi chú',
    'proc.fees_none': 'Không thu phí, lệ phí.',
    'proc.s_docs': 'Thành phần, số lượng hồ sơ',
    'proc.doc_no': 'STT',
    'proc.doc_name': 'Tên giấy tờ',
    'proc.doc_orig': 'Bản chính',
    'proc.doc_copy': 'Bản sao',
    'proc.doc_form': 'Mẫu đơn, tờ khai',
    'proc.doc_optional': '(nếu có)',
    'proc.docs_none': 'Chưa có danh mục giấy tờ.',
    'proc.s_steps': 'Trình tự thực hiện',
    'proc.steps_intro': 'Các bước xử lý nội bộ và thời gian dành cho từng bước:',
    'proc.step_hours': '{unit} · {hours} giờ làm việc',
    'proc.s_conditions': 'Yêu cầu, điều kiện',
    'proc.s_legal': 'Căn cứ pháp lý',
    'proc.s_version': 'Phiên bản và hiệu lực',
    'proc.version': 'Phiên bản {n}, có hiệu lực từ {from}',
    'proc.version_to': ', đến hết ngày trước {to}',
    'proc.decision': 'Quyết định công bố',
    'proc.history': 'Lịch sử thay đổi',
    'proc.history_item': 'Phiên bản {n} — hiệu lực từ {from}',
    'proc.changed': 'Thay đổi: {fields}',
    'proc.first': 'Phiên bản đầu tiên.',
    'proc.current': '(đang áp dụng)',
    'proc.source': 'Ghi chú nguồn dữ liệu',
    'proc.abolished': 'Thủ tục này đã bị bãi bỏ từ ngày {on} theo {decision}. Nội dung dưới đây để tra cứu.',
    'proc.not_yet': 'Phiên bản này chưa có hiệu lực (từ ngày {from}).',
    'proc.at': 'Nội dung có hiệu lực ngày {at}.',
  },
  en: {
    'proc.doc_title': 'Administrative procedure — motcua',
    'proc.meta_description': 'An administrative procedure: steps, required documents, time limit, fees, legal basis, where to submit.',
    'proc.breadcrumb': 'You are here',
    'proc.home': 'Home',
    'proc.crumb': 'Procedure',
    'proc.kicker': 'Administrative procedure',
    'proc.print': 'Print this page (A4)',
    'proc.back': '‹ Back to the search',
    'proc.no_code': 'The address lacks the procedure code (?code=...).',
    'proc.subtitle': 'Code {code} · Field {field}',
    'proc.s_general': 'General information',
    'proc.code': 'Procedure code',
    'proc.national_code': 'National database code',
    'proc.national_unknown': 'Not verified',
    'proc.field': 'Field',
    'proc.levels': 'Level',
    'proc.authority': 'Competent authority',
    'proc.lead': 'Lead agency',
    'proc.coop': 'Co-operating agencies',
    'proc.result': 'Result',
    'proc.bundle': 'Interlinked group',
    'proc.s_submit': 'How and where to submit',
    'proc.channels': 'Channels',
    'proc.where': 'Where to submit',
    'proc.desks': 'One-stop desks',
    'proc.online': 'Online service level',
    'proc.s_time': 'Time limit',
    'proc.cutoff': 'Dossiers received after {time} count from the next working day.',
    'proc.s_fees': 'Fees and charges',
    'proc.fee_kind': 'Kind',
    'proc.fee_name': 'Name',
    'proc.fee_amount': 'Amount',
    'proc.fee_per': 'Per',
    'proc.fee_note': 'Note',
    'proc.fees_none': 'No fee or charge.',
    'proc.s_docs': 'Required documents',
    'proc.doc_no': 'No.',
    'proc.doc_name': 'Document',
    'proc.doc_orig': 'Originals',
    'proc.doc_copy': 'Copies',
    'proc.doc_form': 'Form',
    'proc.doc_optional': '(if any)',
    'proc.docs_none': 'No document list yet.',
    'proc.s_steps': 'Steps',
    'proc.steps_intro': 'Internal steps and the time each may take:',
    'proc.step_hours': '{unit} · {hours} working hours',
    'proc.s_conditions': 'Requirements and conditions',
    'proc.s_legal': 'Legal basis',
    'proc.s_version': 'Version and validity',
    'proc.version': 'Version {n}, in force from {from}',
    'proc.version_to': ', until the day before {to}',
    'proc.decision': 'Publishing decision',
    'proc.history': 'Change history',
    'proc.history_item': 'Version {n} — in force from {from}',
    'proc.changed': 'Changed: {fields}',
    'proc.first': 'First version.',
    'proc.current': '(in force)',
    'proc.source': 'Notes on the data source',
    'proc.abolished': 'This procedure was abolished from {on} by {decision}. Shown for reference.',
    'proc.not_yet': 'This version is not in force yet (from {from}).',
    'proc.at': 'As in force on {at}.',
  },
});

const body = document.getElementById('proc-body');
const titleEl = document.getElementById('proc-title');
const subtitle = document.getElementById('proc-subtitle');
const errorBox = document.getElementById('proc-error');
const notice = document.getElementById('proc-notice');

document.getElementById('proc-print').addEventListener('click', () => window.print());

function showError(message, heading) {
  errorBox.replaceChildren(h('strong', { class: 'alert__title' }, heading || t('error.title')), h('p', {}, message));
  errorBox.hidden = false;
  titleEl.textContent = heading || t('error.title');
  errorBox.focus();
}

/** A section with an h2 and its content. */
function section(key, ...content) {
  return h('section', {}, h('h2', {}, t(key)), ...content);
}

/** Text with its line breaks kept as paragraphs. */
function paras(text) {
  return String(text || '').split(/\n+/).filter(Boolean).map((p) => h('p', {}, p));
}

function summary(pairs) {
  const dl = h('dl', { class: 'summary-list' });
  for (const [key, value] of pairs) {
    if (value === null || value === undefined || value === '' || (Array.isArray(value) && !value.length)) continue;
    dl.append(h('dt', {}, t(key)), h('dd', {}, value));
  }
  return dl;
}

function table(caption, head, rows) {
  return h('div', { class: 'table-wrap', role: 'region', tabindex: '0', 'aria-label': caption },
    h('table', { class: 'table' },
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', {}, h('tr', {}, head.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null }, c.label)))),
      h('tbody', {}, rows)));
}

function agencyNames(list) {
  return (list || []).map((a) => `${a.name} (${a.code})`).join('; ');
}

function renderDocs(p) {
  if (!p.documents.length) return h('p', {}, t('proc.docs_none'));
  return table(t('proc.s_docs'), [
    { label: t('proc.doc_no'), num: true }, { label: t('proc.doc_name') },
    { label: t('proc.doc_orig'), num: true }, { label: t('proc.doc_copy'), num: true },
    { label: t('proc.doc_form') },
  ], p.documents.map((d, i) => h('tr', {},
    h('td', { class: 'num' }, String(i + 1)),
    h('td', {}, d.name, d.required ? null : ` ${t('proc.doc_optional')}`,
      d.note ? h('br') : null, d.note ? h('span', { class: 'small muted' }, d.note) : null),
    h('td', { class: 'num' }, String(d.originals)),
    h('td', { class: 'num' }, String(d.copies)),
    h('td', {}, d.form || ''))));
}

function renderFees(p) {
  const parts = [];
  if (p.fees.length) {
    parts.push(table(t('proc.s_fees'), [
      { label: t('proc.fee_kind') }, { label: t('proc.fee_name') }, { label: t('proc.fee_amount') },
      { label: t('proc.fee_per') }, { label: t('proc.fee_note') },
    ], p.fees.map((f) => h('tr', {},
      h('td', {}, t(`cat.fee.${f.kind}`)), h('td', {}, f.name), h('td', { class: 'nowrap' }, moneyLabel(f.amount)),
      h('td', {}, f.per || ''), h('td', {}, f.note || '')))));
  }
  if (p.fee_note) parts.push(h('p', {}, p.fee_note));
  if (!parts.length) parts.push(h('p', {}, t('proc.fees_none')));
  return parts;
}

function renderSteps(p) {
  const parts = paras(p.description);
  if (p.steps.length) {
    parts.push(h('p', {}, t('proc.steps_intro')));
    parts.push(h('ol', { class: 'cat-steps' }, p.steps.map((s) => h('li', {},
      h('strong', {}, s.name), h('br'),
      h('span', { class: 'small muted' }, t('proc.step_hours', { unit: s.unit, hours: s.hours }))))));
  }
  return parts;
}

async function renderHistory(code, box) {
  const hist = await api(`procedures/${encodeURIComponent(code)}/versions`);
  const list = h('ol', {}, hist.items.map((v) => h('li', {},
    h('strong', {}, t('proc.history_item', { n: v.version, from: dateVN(v.effective_from) })),
    v.in_force ? ` ${t('proc.current')}` : null, h('br'),
    h('span', { class: 'small' }, v.decision), h('br'),
    h('span', { class: 'small muted' }, v.changes.length
      ? t('proc.changed', { fields: v.changes.map((c) => c.field).join(', ') })
      : t('proc.first')),
    v.change_note ? h('span', { class: 'small muted' }, ` — ${v.change_note}`) : null)));
  box.replaceChildren(h('h3', { class: 'h4' }, t('proc.history')), list);
}

function render(p, at) {
  setTitle(`${p.name} — motcua`);
  titleEl.textContent = p.name;
  document.getElementById('proc-crumb').textContent = p.code;
  subtitle.textContent = t('proc.subtitle', { code: p.code, field: p.field_name });

  const msgs = [];
  if (p.abolished) msgs.push(t('proc.abolished', { on: dateVN(p.abolished.on), decision: p.abolished.decision }));
  else if (!p.in_force) msgs.push(t('proc.not_yet', { from: dateVN(p.effective_from) }));
  if (at) msgs.push(t('proc.at', { at: dateVN(at) }));
  notice.replaceChildren(...msgs.map((m) => h('p', { class: 'mb-0' }, m)));
  notice.hidden = msgs.length === 0;

  const desks = (p.desks || []).map((d) => h('li', {}, h('strong', {}, d.name),
    d.address ? ` — ${d.address}` : null, d.office_hours ? h('span', { class: 'small muted' }, ` (${d.office_hours})`) : null));
  const cutoff = p.cutoff ? ` ${t('proc.cutoff', { time: p.cutoff })}` : '';
  const history = h('div', { class: 'cat-history' });

  body.replaceChildren(
    section('proc.s_general', summary([
      ['proc.code', p.code],
      ['proc.national_code', p.national_code || t('proc.national_unknown')],
      ['proc.field', p.field_name],
      ['proc.levels', levelsLabel(p.levels)],
      ['proc.authority', p.authority],
      ['proc.lead', agencyNames(p.agencies.lead)],
      ['proc.coop', agencyNames(p.agencies.cooperating)],
      ['proc.result', p.result],
      ['proc.bundle', p.bundle_name],
    ])),
    section('proc.s_submit', summary([
      ['proc.channels', (p.channels || []).filter((c) => CHANNELS.includes(c)).map((c) => t(`cat.channel.${c}`)).join('; ')],
      ['proc.where', p.where_to_submit],
      ['proc.online', onlineLabel(p.online)],
    ]), desks.length ? h('div', {}, h('h3', { class: 'h4' }, t('proc.desks')), h('ul', {}, desks)) : null),
    section('proc.s_time', h('p', {}, h('strong', {}, timeLabel(p.time_limit)), cutoff),
      ...paras(p.time_limit.note)),
    section('proc.s_fees', ...renderFees(p)),
    section('proc.s_docs', renderDocs(p)),
    section('proc.s_steps', ...renderSteps(p)),
    p.conditions ? section('proc.s_conditions', ...paras(p.conditions)) : null,
    section('proc.s_legal', h('ul', {}, p.legal_basis.map((l) => h('li', {},
      h('strong', {}, l.ref), ` — ${l.title}`,
      l.issued_on || l.issuer ? h('span', { class: 'small muted' }, ` (${[l.issuer, dateVN(l.issued_on)].filter(Boolean).join(', ')})`) : null)))),
    section('proc.s_version',
      h('p', {}, t('proc.version', { n: p.version, from: dateVN(p.effective_from) }),
        p.effective_to ? t('proc.version_to', { to: dateVN(p.effective_to) }) : '', '.'),
      summary([['proc.decision', p.decision]]),
      history),
    p.source_note ? h('section', { class: 'cat-source' }, h('h2', {}, t('proc.source')), ...paras(p.source_note)) : null,
  );
  renderHistory(p.code, history).catch(() => history.replaceChildren());
}

async function main() {
  const q = new URLSearchParams(location.search);
  const code = (q.get('code') || '').trim();
  const at = (q.get('at') || '').trim();
  if (!code) {
    showError(t('proc.no_code'));
    body.replaceChildren();
    return;
  }
  try {
    const p = await api(`procedures/${encodeURIComponent(code)}${at ? `?at=${encodeURIComponent(at)}` : ''}`);
    render(p, at);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    body.replaceChildren();
    showError(err.message, err.problem?.title);
  }
}

main();

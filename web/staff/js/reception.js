// The reception desk: find the procedure (GET /api/v1/procedures?q=), tick
// the documents handed in from its list (GET /api/v1/procedures/{code}),
// enter the applicant, the channel, where the result is collected and the
// outcome of the check — received (Mẫu 01), incomplete with everything
// missing listed at once (Mẫu 02) or refused with the reason (Mẫu 03) —
// and POST /api/v1/dossiers with an Idempotency-Key (a retried click never
// receives the dossier twice). The answer's `receipt` is then shown as the
// printable A5 slip with the lookup key and link (receipt.js).
import {
  api, ApiError, clearProblem, extend, h, showProblem, t,
} from '/shared/js/app.js';
import { requireSession } from './staff.js';
import { channelLabel } from '/portal/js/dossier-common.js';
import { renderReceipt } from './receipt.js';
import { bundleProcedure, findBundles } from './bundle-pick.js';

extend({
  vi: {
    'rc.doc_title': 'Tiếp nhận hồ sơ — motcua',
    'rc.title': 'Tiếp nhận hồ sơ',
    'rc.lead': 'Chọn thủ tục, đánh dấu các giấy tờ người nộp đã đưa, ghi thông tin người nộp và kết quả kiểm tra hồ sơ. Hệ thống cấp mã hồ sơ, tính hạn trả kết quả và lập phiếu để in (Mẫu 01, 02 hoặc 03).',
    'rc.proc_legend': '1. Thủ tục hành chính',
    'rc.q': 'Tìm thủ tục theo tên hoặc mã',
    'rc.q_hint': 'Gõ có dấu hay không dấu đều được, ví dụ: trich luc ho tich, H19-HT-10. Nhấn Enter để tìm.',
    'rc.search': 'Tìm thủ tục',
    'rc.searching': 'Đang tìm…',
    'rc.found': 'Tìm thấy {n} thủ tục.',
    'rc.found_more': 'Hiển thị {n} thủ tục đầu tiên; gõ thêm từ khoá để thu hẹp.',
    'rc.found_none': 'Không tìm thấy thủ tục nào. Hãy thử từ khoá khác.',
    'rc.proc_choose': 'Chọn thủ tục',
    'rc.proc_loading': 'Đang tải thành phần hồ sơ…',
    'rc.proc_chosen': 'Đã chọn: {name}.',
    'rc.proc_name': 'Thủ tục',
    'rc.proc_time': 'Thời hạn giải quyết',
    'rc.proc_cutoff': 'Giờ tiếp nhận tính trong ngày',
    'rc.proc_cutoff_value': 'Trước {cutoff}; sau giờ này tính từ ngày làm việc tiếp theo',
    'rc.proc_channels': 'Hình thức nộp được nhận',
    'rc.proc_choose_first': 'Hãy tìm và chọn thủ tục.',
    'rc.time_days': '{n} ngày làm việc',
    'rc.time_hours': '{n} giờ làm việc',
    'rc.time_same_day': 'Trong ngày làm việc',
    'rc.docs_legend': '2. Thành phần hồ sơ đã nhận',
    'rc.docs_hint': 'Đánh dấu từng giấy tờ người nộp đã đưa và ghi số bản chính, bản sao. Giấy tờ bắt buộc có ghi chú “bắt buộc”.',
    'rc.doc_required': 'bắt buộc',
    'rc.doc_optional': 'nếu có',
    'rc.originals': 'Bản chính',
    'rc.copies': 'Bản sao',
    'rc.count_of': '{what} — {doc}',
    'rc.other_docs': 'Giấy tờ khác đã nhận',
    'rc.other_docs_hint': 'Mỗi dòng một giấy tờ, tính 01 bản chính.',
    'rc.optional': '(không bắt buộc)',
    'rc.applicant_legend': '3. Người nộp hồ sơ',
    'rc.name': 'Họ và tên (tổ chức, cá nhân)',
    'rc.id_number': 'Số định danh cá nhân, CCCD, hộ chiếu hoặc mã số doanh nghiệp',
    'rc.phone': 'Số điện thoại',
    'rc.email': 'Thư điện tử',
    'rc.address': 'Địa chỉ',
    'rc.address_hint': 'Cần khi trả kết quả qua bưu chính.',
    'rc.how_legend': '4. Hình thức nộp và nhận kết quả',
    'rc.channel': 'Hình thức nộp',
    'rc.return_method': 'Nơi nhận kết quả',
    'rc.sets': 'Số lượng hồ sơ (bộ)',
    'rc.outcome_legend': '5. Kết quả kiểm tra hồ sơ',
    'rc.outcome_received': 'Hồ sơ đầy đủ: tiếp nhận, cấp Giấy tiếp nhận và hẹn trả kết quả (Mẫu 01)',
    'rc.outcome_incomplete': 'Hồ sơ chưa đầy đủ: hướng dẫn bổ sung, hoàn thiện (Mẫu 02)',
    'rc.outcome_refused': 'Không tiếp nhận: lập Phiếu từ chối tiếp nhận (Mẫu 03)',
    'rc.missing': 'Những gì cần bổ sung, hoàn thiện',
    'rc.missing_hint': 'Nêu đầy đủ trong một lần, mỗi dòng một nội dung; có thể ghi lý do sau dấu hai chấm. Các giấy tờ bắt buộc chưa đánh dấu được điền sẵn.',
    'rc.reason': 'Lý do từ chối tiếp nhận',
    'rc.reason_hint': 'Ví dụ: thủ tục không thuộc thẩm quyền của cơ quan; hướng dẫn người nộp đến cơ quan có thẩm quyền.',
    'rc.note': 'Ghi chú',
    'rc.submit': 'Ghi nhận và lập phiếu',
    'rc.busy': 'Đang ghi nhận…',
    'rc.done_01': 'Đã tiếp nhận hồ sơ {code}',
    'rc.done_02': 'Đã lập phiếu hướng dẫn bổ sung cho hồ sơ {code}',
    'rc.done_03': 'Đã lập phiếu từ chối tiếp nhận hồ sơ {code}',
    'rc.done_text_01': 'Hạn trả kết quả: {due}. In Giấy tiếp nhận hồ sơ và hẹn trả kết quả (02 bản), giao một bản cho người nộp.',
    'rc.done_text_02': 'Thời hạn giải quyết chưa bắt đầu; khi người nộp mang hồ sơ đã bổ sung đến, mở hồ sơ và chọn “Nhận hồ sơ đã bổ sung đầy đủ”.',
    'rc.done_text_03': 'In phiếu và giao cho người nộp.',
    'rc.print': 'In phiếu',
    'rc.open': 'Mở hồ sơ',
    'rc.again': 'Tiếp nhận hồ sơ khác',
    'rc.receipt_label': 'Phiếu để in',
  },
  en: {
    'rc.doc_title': 'Receive a dossier — motcua',
    'rc.title': 'Receive a dossier',
    'rc.lead': 'Choose the procedure, tick the documents handed in, enter the applicant and the outcome of the check. The system issues the dossier code, computes the due time and prepares the slip to print (Form 01, 02 or 03).',
    'rc.proc_legend': '1. Administrative procedure',
    'rc.q': 'Find the procedure by name or code',
    'rc.q_hint': 'With or without Vietnamese diacritics, e.g. trich luc ho tich, H19-HT-10. Press Enter to search.',
    'rc.search': 'Find',
    'rc.searching': 'Searching…',
    'rc.found': '{n} procedures found.',
    'rc.found_more': 'Showing the first {n} procedures; add words to narrow the search.',
    'rc.found_none': 'No procedure found. Try other words.',
    'rc.proc_choose': 'Choose the procedure',
    'rc.proc_loading': 'Loading the required documents…',
    'rc.proc_chosen': 'Chosen: {name}.',
    'rc.proc_name': 'Procedure',
    'rc.proc_time': 'Time limit',
    'rc.proc_cutoff': 'Same-day cut-off',
    'rc.proc_cutoff_value': 'Before {cutoff}; later receipts count from the next working day',
    'rc.proc_channels': 'Channels accepted',
    'rc.proc_choose_first': 'Find and choose the procedure.',
    'rc.time_days': '{n} working days',
    'rc.time_hours': '{n} working hours',
    'rc.time_same_day': 'Within the working day',
    'rc.docs_legend': '2. Documents handed in',
    'rc.docs_hint': 'Tick each document the applicant handed in and give the number of originals and copies. Required documents are marked “required”.',
    'rc.doc_required': 'required',
    'rc.doc_optional': 'if applicable',
    'rc.originals': 'Originals',
    'rc.copies': 'Copies',
    'rc.count_of': '{what} — {doc}',
    'rc.other_docs': 'Other documents received',
    'rc.other_docs_hint': 'One document per line, counted as 1 original.',
    'rc.optional': '(optional)',
    'rc.applicant_legend': '3. Applicant',
    'rc.name': 'Full name (person or organisation)',
    'rc.id_number': 'Personal ID, citizen ID, passport or enterprise code',
    'rc.phone': 'Phone',
    'rc.email': 'E-mail',
    'rc.address': 'Address',
    'rc.address_hint': 'Needed when the result is sent by post.',
    'rc.how_legend': '4. Channel and result collection',
    'rc.channel': 'Submitted',
    'rc.return_method': 'Result collected',
    'rc.sets': 'Number of sets',
    'rc.outcome_legend': '5. Outcome of the check',
    'rc.outcome_received': 'Complete: receive it and issue the receipt with the due date (Form 01)',
    'rc.outcome_incomplete': 'Incomplete: list what must be added (Form 02)',
    'rc.outcome_refused': 'Not receivable: refuse with the reason (Form 03)',
    'rc.missing': 'What must be added or completed',
    'rc.missing_hint': 'Everything at once, one item per line; a reason may follow a colon. Required documents not ticked are filled in.',
    'rc.reason': 'Reason for refusing',
    'rc.reason_hint': 'E.g. the procedure is not within this agency’s competence; direct the applicant to the competent agency.',
    'rc.note': 'Note',
    'rc.submit': 'Record and prepare the slip',
    'rc.busy': 'Recording…',
    'rc.done_01': 'Dossier {code} received',
    'rc.done_02': 'Supplement request issued for dossier {code}',
    'rc.done_03': 'Refusal issued for dossier {code}',
    'rc.done_text_01': 'Result due: {due}. Print the receipt (2 copies) and give one to the applicant.',
    'rc.done_text_02': 'The time limit has not started; when the applicant brings the completed dossier, open it and choose “Receive the supplemented dossier”.',
    'rc.done_text_03': 'Print the slip and give it to the applicant.',
    'rc.print': 'Print the slip',
    'rc.open': 'Open the dossier',
    'rc.again': 'Receive another dossier',
    'rc.receipt_label': 'Slip to print',
  },
});

await requireSession();

const el = (id) => document.getElementById(id);
const form = el('rc-form');
const q = el('rc-q');
const procStatus = el('rc-proc-status');
const procList = el('rc-proc-list');
const docList = el('rc-doc-list');
const submit = el('rc-submit');
const SEARCH_LIMIT = 15;

let procedure = null; // GET /procedures/{code} of the chosen one
let idemKey = null; // one Idempotency-Key per dossier being entered
let searchSeq = 0;
let bundleCodes = new Set(); // interlinked groups among the search results

function newKey() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return `rc-${Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')}`;
}

function timeText(tl) {
  if (!tl) return '';
  if (tl.unit === 'hour') return t('rc.time_hours', { n: tl.value });
  if (!tl.value) return t('rc.time_same_day');
  return t('rc.time_days', { n: String(tl.value).padStart(2, '0') });
}

/* -------------------------------------------------------- procedures -- */

async function search() {
  const text = q.value.trim();
  const mine = ++searchSeq;
  procStatus.textContent = t('rc.searching');
  try {
    const res = await api(`procedures?${new URLSearchParams({ q: text, limit: String(SEARCH_LIMIT) })}`);
    // Interlinked groups first: one application for several procedures.
    const bundles = (await findBundles(text)).map((b) => ({ ...b, bundle: true }));
    if (mine !== searchSeq) return;
    bundleCodes = new Set(bundles.map((b) => b.code));
    const items = [...bundles, ...(res.items || [])];
    procStatus.textContent = !items.length ? t('rc.found_none')
      : res.next_cursor ? t('rc.found_more', { n: items.length }) : t('rc.found', { n: items.length });
    procList.replaceChildren(...items.map((p, i) => {
      const id = `rc-proc-${i}`;
      return h('li', {}, h('label', { class: 'choice', for: id },
        h('input', { type: 'radio', name: 'procedure_code', id, value: p.code, onchange: () => choose(p.code) }),
        h('span', {}, p.bundle ? h('span', { class: 'badge' }, t('rc.bundle_tag')) : null, p.bundle ? ' ' : null,
          h('strong', {}, p.name), h('span', { class: 'dq-cell__sub' },
            [p.code, p.field_name, timeText(p.time_limit)].filter(Boolean).join(' · ')))));
    }));
    el('rc-proc-results').hidden = items.length === 0;
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    procStatus.textContent = '';
    showProblem(form, err.problem);
  }
}

function docRow(d, i) {
  const id = `rc-doc-${i}`;
  const noteKey = d.required ? 'rc.doc_required' : 'rc.doc_optional';
  const count = (kind, value) => {
    const cid = `${id}-${kind}`;
    return h('div', { class: 'field' },
      h('label', { class: 'field__label', for: cid },
        h('span', { 'data-i18n': kind === 'o' ? 'rc.originals' : 'rc.copies' }, t(kind === 'o' ? 'rc.originals' : 'rc.copies')),
        h('span', { class: 'visually-hidden' }, ` — ${d.name}`)),
      h('input', {
        class: 'input', id: cid, name: `${kind === 'o' ? 'originals' : 'copies'}-${i}`, type: 'number',
        min: '0', max: '99', step: '1', value: String(value), inputmode: 'numeric',
      }));
  };
  return h('li', { class: 'dq-doc', 'data-doc': String(i) },
    h('label', { class: 'choice', for: id },
      h('input', { type: 'checkbox', id, name: 'documents', value: String(i), onchange: fillMissing }),
      h('span', {}, d.name, ' ', h('span', { class: d.required ? 'field__required' : 'field__optional' },
        '(', h('span', { 'data-i18n': noteKey }, t(noteKey)), ')'),
        d.form ? h('span', { class: 'dq-cell__sub' }, d.form) : null)),
    h('div', { class: 'dq-doc__counts' }, count('o', d.originals ?? 1), count('c', d.copies ?? 0)));
}

function renderChosen() {
  const p = procedure;
  if (!p) return;
  procStatus.textContent = t('rc.proc_chosen', { name: p.name });
  // replaceChildren() would write a null as the text "null" (an interlinked
  // group has no cut-off): only elements go in.
  el('rc-proc-summary').replaceChildren(...[
    h('dt', {}, t('rc.proc_name')), h('dd', {}, h('strong', {}, p.name), ` (${p.code})`),
    h('dt', {}, t('rc.proc_time')), h('dd', {}, timeText(p.time_limit)),
    p.cutoff ? h('dt', {}, t('rc.proc_cutoff')) : null,
    p.cutoff ? h('dd', {}, t('rc.proc_cutoff_value', { cutoff: p.cutoff })) : null,
    h('dt', {}, t('rc.proc_channels')), h('dd', {}, (p.channels || []).map(channelLabel).join('; ')),
    ...(p.parts ? [h('dt', {}, t('rc.bundle_tag')), h('dd', {}, p.parts)] : []),
  ].filter(Boolean));
}

// The chosen procedure's summary follows a language switch; the document
// rows carry data-i18n and are translated in place (ticks are kept).
document.addEventListener('motcua:langchange', renderChosen);

async function choose(code) {
  clearProblem(form);
  procStatus.textContent = t('rc.proc_loading');
  try {
    const p = bundleCodes.has(code) ? await bundleProcedure(code) : await api(`procedures/${encodeURIComponent(code)}`);
    procedure = p;
    renderChosen();
    el('rc-proc-chosen').hidden = false;
    docList.replaceChildren(...(p.documents || []).map(docRow));
    el('rc-docs').hidden = false;
    fillMissing();
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    procStatus.textContent = '';
    showProblem(form, err.problem);
  }
}

q.addEventListener('keydown', (e) => {
  if (e.key === 'Enter') {
    e.preventDefault();
    search();
  }
});
el('rc-search').addEventListener('click', search);

/* ----------------------------------------------------------- outcome -- */

const outcome = () => form.elements.namedItem('outcome').value;
let missingEdited = false;

/** Prefill the Mẫu 02 list with the required documents not ticked (until edited by hand). */
function fillMissing() {
  if (missingEdited || !procedure) return;
  const ticked = new Set(Array.from(docList.querySelectorAll('input[name="documents"]:checked'), (c) => Number(c.value)));
  el('rc-missing').value = (procedure.documents || [])
    .filter((d, i) => d.required && !ticked.has(i)).map((d) => d.name).join('\n');
}

function showOutcome() {
  const o = outcome();
  el('rc-missing-field').hidden = o !== 'incomplete';
  el('rc-reason-field').hidden = o !== 'refused';
}

el('rc-missing').addEventListener('input', () => { missingEdited = true; });
for (const r of form.querySelectorAll('input[name="outcome"]')) r.addEventListener('change', showOutcome);

/* ------------------------------------------------------------ submit -- */

const lines = (s) => String(s || '').split('\n').map((x) => x.trim()).filter(Boolean);
const intOr = (v, dflt) => (v === '' || v === null || v === undefined ? dflt : Number(v));

function body() {
  const val = (n) => form.elements.namedItem(n)?.value ?? '';
  const documents = [];
  for (const c of docList.querySelectorAll('input[name="documents"]:checked')) {
    const i = Number(c.value);
    documents.push({
      name: procedure.documents[i].name,
      originals: intOr(val(`originals-${i}`), 1),
      copies: intOr(val(`copies-${i}`), 0),
    });
  }
  for (const name of lines(val('other_documents'))) documents.push({ name, originals: 1, copies: 0 });
  const applicant = { name: val('applicant.name').trim() };
  for (const k of ['id_number', 'phone', 'email', 'address']) {
    const v = val(`applicant.${k}`).trim();
    if (v) applicant[k] = v;
  }
  const b = {
    procedure_code: procedure.code,
    channel: val('channel'),
    applicant,
    documents,
    return_method: val('return_method'),
    sets: intOr(val('sets'), 1),
    outcome: outcome(),
  };
  if (b.outcome === 'incomplete') {
    b.missing = lines(val('missing')).map((l) => {
      const i = l.indexOf(':');
      return i > 0 && i < l.length - 1 ? { name: l.slice(0, i).trim(), reason: l.slice(i + 1).trim() } : l;
    });
  }
  if (b.outcome === 'refused') b.reason = val('reason').trim();
  const note = val('note').trim();
  if (note) b.note = note;
  return b;
}

function showDone(d) {
  const form01 = renderReceipt(el('rc-receipt'), d);
  const kind = form01 || '01';
  el('rc-done-title').textContent = t(`rc.done_${kind}`, { code: d.code });
  el('rc-done-text').textContent = t(`rc.done_text_${kind}`, { due: d.receipt?.due_at_text || '' });
  el('rc-open').href = `/staff/dossier.html?code=${encodeURIComponent(d.code)}`;
  el('rc-form-section').hidden = true;
  el('rc-done').hidden = false;
  // Printing this page now prints the slip alone, on A5.
  document.body.classList.add('dq-printing', 'print-a5');
  el('rc-done-alert').focus();
}

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  clearProblem(form);
  if (!procedure) {
    showProblem(form, { title: t('error.form_title'), invalid_params: [{ name: 'procedure_q', reason: t('rc.proc_choose_first') }] });
    return;
  }
  idemKey ??= newKey();
  submit.disabled = true;
  submit.setAttribute('aria-busy', 'true');
  const label = submit.textContent;
  submit.textContent = t('rc.busy');
  try {
    const d = await api('dossiers', { method: 'POST', body: body(), headers: { 'Idempotency-Key': idemKey } });
    idemKey = null;
    showDone(d);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    // Nothing was written: the same key is used again for the corrected dossier.
    showProblem(form, err.problem);
  } finally {
    submit.disabled = false;
    submit.removeAttribute('aria-busy');
    submit.textContent = label;
  }
});

el('rc-print').addEventListener('click', () => window.print());

el('rc-again').addEventListener('click', () => {
  form.reset();
  clearProblem(form);
  procedure = null;
  missingEdited = false;
  idemKey = null;
  procList.replaceChildren();
  docList.replaceChildren();
  procStatus.textContent = '';
  el('rc-proc-results').hidden = true;
  el('rc-proc-chosen').hidden = true;
  el('rc-docs').hidden = true;
  showOutcome();
  el('rc-receipt').replaceChildren();
  el('rc-done').hidden = true;
  el('rc-form-section').hidden = false;
  document.body.classList.remove('dq-printing', 'print-a5');
  q.focus();
});

showOutcome();

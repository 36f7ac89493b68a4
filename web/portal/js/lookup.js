// Public dossier lookup (GET /api/v1/public/dossiers/{code}?key=KEY), no
// sign-in: the citizen types the dossier code and the 8-character lookup
// key from the receipt, or arrives from the receipt's QR link
// (/portal/lookup.html?code=…&key=…) and sees the answer at once, as
// from the home page's quick-lookup form (same names; old links that
// carry the key as `secret` are still read). An unknown code and a wrong
// key get the same message (the server answers both with the same 404);
// too many lookups (429) are explained.
import {
  api, ApiError, clearProblem, extend, formatDateTime, h, showProblem, statusBadge, t,
} from '/shared/js/app.js';
import { flag, resultTag, summaryRows, timeline } from './dossier-common.js';
import { bundleLead, bundleProgress } from './bundle-common.js';
import { hideRating, showRating } from './rating.js';

extend({
  vi: {
    'lookup.doc_title': 'Tra cứu hồ sơ — motcua',
    'lookup.meta_description': 'Tra cứu tình trạng giải quyết hồ sơ thủ tục hành chính bằng mã hồ sơ và mã tra cứu in trên giấy tiếp nhận.',
    'lookup.title': 'Tra cứu hồ sơ',
    'lookup.lead': 'Nhập mã hồ sơ và mã tra cứu in trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả để biết hồ sơ đang ở bước nào, ngày hẹn trả và đã có kết quả chưa.',
    'lookup.form_title': 'Thông tin tra cứu',
    'lookup.code': 'Mã hồ sơ',
    'lookup.code_hint': 'In trên giấy tiếp nhận, ví dụ 000.00.01.H19-261130-0001',
    'lookup.key': 'Mã tra cứu',
    'lookup.key_hint': '8 ký tự in trên giấy tiếp nhận, ngay dưới mã hồ sơ; gõ chữ hoa hay chữ thường đều được.',
    'lookup.submit': 'Tra cứu',
    'lookup.privacy': 'Kết quả tra cứu không hiển thị thông tin cá nhân của người nộp hồ sơ.',
    'lookup.busy': 'Đang tra cứu…',
    'lookup.code_required': 'Hãy nhập mã hồ sơ.',
    'lookup.key_required': 'Hãy nhập mã tra cứu.',
    'lookup.not_found_title': 'Không tìm thấy hồ sơ',
    'lookup.not_found': 'Không tìm thấy hồ sơ với mã hồ sơ và mã tra cứu đã nhập. Hãy kiểm tra lại từng ký tự trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả; nếu vẫn không được, hãy liên hệ Bộ phận Một cửa nơi đã nộp hồ sơ.',
    'lookup.too_many_title': 'Tạm dừng tra cứu',
    'lookup.too_many': 'Bạn đã tra cứu quá nhiều lần trong thời gian ngắn. Vui lòng đợi một lát rồi thử lại.',
    'lookup.result_title': 'Thông tin hồ sơ',
    'lookup.timeline_title': 'Quá trình giải quyết',
    'lookup.timeline_empty': 'Chưa có bước xử lý nào được ghi nhận.',
    'lookup.status': 'Tình trạng',
    'lookup.procedure': 'Thủ tục',
    'lookup.submitted_at': 'Ngày nộp hồ sơ',
    'lookup.received_at': 'Ngày tiếp nhận',
    'lookup.not_received': 'Chưa tiếp nhận',
    'lookup.due_at': 'Hẹn trả kết quả',
    'lookup.no_due': 'Chưa có (thời hạn tính từ khi hồ sơ được tiếp nhận đầy đủ)',
    'lookup.agency': 'Nơi tiếp nhận',
    'lookup.current_agency': 'Cơ quan đang giải quyết',
    'lookup.current_step': 'Bước đang thực hiện',
    'lookup.result': 'Kết quả',
    'lookup.result_ready': 'Đã có kết quả — mời Ông/Bà đến nhận theo giấy hẹn',
    'lookup.result_returned': 'Đã trả kết quả lúc {at}',
    'lookup.result_pending': 'Chưa có kết quả',
    'lookup.result_class': 'Thời hạn giải quyết',
  },
  en: {
    'lookup.doc_title': 'Track a dossier — motcua',
    'lookup.meta_description': 'Track an administrative dossier with the dossier code and the lookup key printed on the receipt.',
    'lookup.title': 'Track a dossier',
    'lookup.lead': 'Enter the dossier code and the lookup key printed on your receipt to see which step your dossier is at, when the result is due and whether it is ready.',
    'lookup.form_title': 'Lookup details',
    'lookup.code': 'Dossier code',
    'lookup.code_hint': 'Printed on the receipt, e.g. 000.00.01.H19-261130-0001',
    'lookup.key': 'Lookup key',
    'lookup.key_hint': 'The 8 characters printed on the receipt below the dossier code; upper or lower case.',
    'lookup.submit': 'Look up',
    'lookup.privacy': 'The answer shows no personal data of the applicant.',
    'lookup.busy': 'Looking up…',
    'lookup.code_required': 'Enter the dossier code.',
    'lookup.key_required': 'Enter the lookup key.',
    'lookup.not_found_title': 'No dossier found',
    'lookup.not_found': 'No dossier matches this dossier code and lookup key. Check every character against your receipt; if it still fails, contact the one-stop desk where you applied.',
    'lookup.too_many_title': 'Lookups paused',
    'lookup.too_many': 'You have made too many lookups in a short time. Please wait a moment and try again.',
    'lookup.result_title': 'Dossier',
    'lookup.timeline_title': 'Progress',
    'lookup.timeline_empty': 'No step has been recorded yet.',
    'lookup.status': 'Status',
    'lookup.procedure': 'Procedure',
    'lookup.submitted_at': 'Submitted',
    'lookup.received_at': 'Received',
    'lookup.not_received': 'Not received yet',
    'lookup.due_at': 'Result due',
    'lookup.no_due': 'Not yet (the time limit runs from the receipt of the complete dossier)',
    'lookup.agency': 'Received by',
    'lookup.current_agency': 'Agency handling it',
    'lookup.current_step': 'Current step',
    'lookup.result': 'Result',
    'lookup.result_ready': 'Ready — please collect it as stated on your receipt',
    'lookup.result_returned': 'Returned on {at}',
    'lookup.result_pending': 'Not ready yet',
    'lookup.result_class': 'Handled',
  },
});

const ENDED = ['refused', 'rejected', 'withdrawn', 'stopped'];
const CLOCK_RUNS = ['received', 'processing', 'awaiting_payment'];

const form = document.getElementById('lookup-form');
const codeInput = document.getElementById('lookup-code');
const keyInput = document.getElementById('lookup-key');
const button = document.getElementById('lookup-submit');
const busy = document.getElementById('lookup-busy');
const section = document.getElementById('lookup-result');
let shown = null; // the last answer, re-drawn on a language switch
let seq = 0;

const clean = (s) => String(s || '').replace(/\s+/g, '').toUpperCase();

function render(d) {
  document.getElementById('lookup-result-code').textContent = d.code;
  const ended = ENDED.includes(d.status);
  const st = h('span', {}, statusBadge(d.status));
  let result = null;
  if (d.returned_at) result = t('lookup.result_returned', { at: formatDateTime(d.returned_at) });
  else if (d.result_ready) result = t('lookup.result_ready');
  else if (!ended) result = t('lookup.result_pending');
  const step = d.current_step
    ? [d.current_step.name, d.current_step.unit].filter(Boolean).join(' — ') : '';
  // As the server counts it for staff: the clock runs and the due time is past.
  const overdue = CLOCK_RUNS.includes(d.status) && d.due_at && Date.parse(d.due_at) < Date.now();
  const showSubmitted = d.submitted_at && d.submitted_at !== d.received_at;
  summaryRows(document.getElementById('lookup-summary'), [
    [t('lookup.status'), st],
    [t('lookup.procedure'), `${d.procedure?.name || ''}${d.procedure?.code ? ` (${d.procedure.code})` : ''}`],
    showSubmitted ? [t('lookup.submitted_at'), formatDateTime(d.submitted_at)] : null,
    [t('lookup.received_at'), d.received_at ? formatDateTime(d.received_at) : t('lookup.not_received')],
    ended && !d.due_at ? null
      : [t('lookup.due_at'), d.due_at ? [h('strong', {}, formatDateTime(d.due_at)), overdue ? ' ' : null,
        overdue ? flag('overdue') : null] : t('lookup.no_due')],
    [t('lookup.agency'), d.agency?.name],
    ended ? null : [t('lookup.current_agency'), d.current_agency],
    [t('lookup.current_step'), step],
    [t('lookup.result'), result, { 'data-result': '' }],
    [t('lookup.result_class'), resultTag(d.result)],
  ]);
  // An interlinked dossier: each agency's part (docs/BUNDLE.md §5).
  const bundle = document.getElementById('lookup-bundle');
  bundle.hidden = d.kind !== 'bundle';
  if (d.kind === 'bundle') {
    document.getElementById('lookup-bundle-lead').textContent = bundleLead(d);
    document.getElementById('lookup-bundle-table').replaceChildren(bundleProgress(d.components));
  }
  const tl = document.getElementById('lookup-timeline');
  tl.replaceChildren(d.timeline?.length ? timeline(d.timeline)
    : h('p', { class: 'muted' }, t('lookup.timeline_empty')));
  section.hidden = false;
}

async function lookup(code, key, { focus = true } = {}) {
  clearProblem(form);
  const missing = [];
  if (!code) missing.push({ name: 'code', reason: t('lookup.code_required') });
  if (!key) missing.push({ name: 'key', reason: t('lookup.key_required') });
  if (missing.length) {
    section.hidden = true;
    shown = null;
    showProblem(form, { title: t('error.form_title'), invalid_params: missing });
    return;
  }
  const mine = ++seq;
  button.setAttribute('aria-busy', 'true');
  button.disabled = true;
  busy.textContent = t('lookup.busy');
  try {
    const d = await api(`public/dossiers/${encodeURIComponent(code)}?key=${encodeURIComponent(key)}`);
    if (mine !== seq) return;
    shown = d;
    busy.textContent = '';
    render(d);
    showRating(d.code, key);
    if (focus) section.focus();
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (mine !== seq) return;
    busy.textContent = '';
    section.hidden = true;
    shown = null;
    hideRating();
    const p = err.problem;
    if (err.status === 404) {
      // The same words whatever was wrong: the code or the key.
      showProblem(form, { title: t('lookup.not_found_title'), detail: t('lookup.not_found') });
    } else if (err.status === 429) {
      showProblem(form, { title: t('lookup.too_many_title'), detail: p.detail || t('lookup.too_many') });
    } else {
      showProblem(form, { title: p.title, detail: p.detail });
    }
  } finally {
    if (mine === seq) {
      button.disabled = false;
      button.removeAttribute('aria-busy');
    }
  }
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  const code = clean(codeInput.value);
  const key = clean(keyInput.value);
  codeInput.value = code;
  keyInput.value = key;
  lookup(code, key);
});

document.addEventListener('motcua:langchange', () => {
  if (shown) render(shown);
});

// From the receipt's QR link or the home page's form (?code=…&key=…).
const q = new URLSearchParams(location.search);
const qCode = clean(q.get('code'));
const qKey = clean(q.get('key') || q.get('secret'));
if (qCode) codeInput.value = qCode;
if (qKey) keyInput.value = qKey;
if (qCode && qKey) lookup(qCode, qKey, { focus: false });

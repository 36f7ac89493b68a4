// Mẫu 04 — Phiếu xin lỗi và hẹn lại ngày trả kết quả — of one dossier
// (/staff/apology.html?code=…), printable on A5: the `apology` member of
// GET /api/v1/dossiers/{code}, which the server fills once the dossier's
// one apology was recorded (action `apologize`). The page prints the slip
// alone (body.print-a5.dq-printing); the slip stays in Vietnamese.
import { api, ApiError, extend, setTitle, t } from '/shared/js/app.js';
import { requireSession } from './staff.js';
import { renderApology } from './receipt.js';

extend({
  vi: {
    'ap.doc_title': 'Phiếu xin lỗi và hẹn lại ngày trả kết quả — motcua',
    'ap.doc_title_code': 'Mẫu 04 của hồ sơ {code} — motcua',
    'ap.title': 'Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04)',
    'ap.crumb_dossier': 'Hồ sơ',
    'ap.crumb': 'Mẫu 04',
    'ap.intro': 'Phiếu gửi người nộp hồ sơ khi hồ sơ không kịp trả đúng hẹn (Nghị định 61/2018/NĐ-CP, Điều 19 khoản 9). In trên khổ A5, thủ trưởng cơ quan ký và đóng dấu.',
    'ap.print': 'In phiếu',
    'ap.back': 'Quay lại hồ sơ',
    'ap.no_code': 'Không có mã hồ sơ trong địa chỉ trang. Hãy mở phiếu từ trang hồ sơ.',
    'ap.not_found_title': 'Không tìm thấy hồ sơ',
    'ap.none_title': 'Hồ sơ chưa có phiếu xin lỗi',
    'ap.none': 'Hồ sơ {code} chưa được xin lỗi và hẹn lại ngày trả kết quả. Phiếu chỉ có sau thao tác “Xin lỗi và hẹn lại ngày trả kết quả” trên trang hồ sơ.',
  },
  en: {
    'ap.doc_title': 'Apology and new due date — motcua',
    'ap.doc_title_code': 'Form 04 of dossier {code} — motcua',
    'ap.title': 'Apology and new due date (Form 04)',
    'ap.crumb_dossier': 'Dossier',
    'ap.crumb': 'Form 04',
    'ap.intro': 'Sent to the applicant when a dossier cannot be finished by its due date (Decree 61/2018, Art. 19.9). Printed on A5, signed and stamped by the head of the agency. The form itself stays in Vietnamese.',
    'ap.print': 'Print',
    'ap.back': 'Back to the dossier',
    'ap.no_code': 'The address names no dossier. Open the form from the dossier page.',
    'ap.not_found_title': 'Dossier not found',
    'ap.none_title': 'No apology for this dossier',
    'ap.none': 'Dossier {code} has no apology and new due date yet. The form exists once “Apologise and reschedule” was done on the dossier page.',
  },
});

await requireSession();

const el = (id) => document.getElementById(id);
const code = (new URLSearchParams(location.search).get('code') || '').trim();

function showError(title, detail) {
  const box = el('ap-error');
  box.replaceChildren();
  const strong = document.createElement('strong');
  strong.className = 'alert__title';
  strong.textContent = title;
  const p = document.createElement('p');
  p.textContent = detail || '';
  box.append(strong, p);
  box.hidden = false;
  el('ap-loading').hidden = true;
  box.focus();
}

el('ap-print').addEventListener('click', () => window.print());

async function load() {
  if (!code) {
    showError(t('ap.not_found_title'), t('ap.no_code'));
    return;
  }
  const back = `/staff/dossier.html?code=${encodeURIComponent(code)}`;
  el('ap-back').href = back;
  el('ap-crumb-dossier').href = back;
  el('ap-crumb-dossier').textContent = code;
  el('ap-crumb-dossier').removeAttribute('data-i18n');
  let d;
  try {
    d = await api(`dossiers/${encodeURIComponent(code)}`);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    showError(err.status === 404 ? t('ap.not_found_title') : (err.problem.title || t('error.title')), err.problem.detail);
    return;
  }
  setTitle(t('ap.doc_title_code', { code: d.code }));
  if (!renderApology(el('ap-slip'), d.apology)) {
    showError(t('ap.none_title'), t('ap.none', { code: d.code }));
    return;
  }
  el('ap-loading').hidden = true;
  el('ap-tools').hidden = false;
  el('ap-slip').hidden = false;
}

document.addEventListener('motcua:langchange', () => {
  if (!el('ap-slip').hidden) setTitle(t('ap.doc_title_code', { code }));
});

load();

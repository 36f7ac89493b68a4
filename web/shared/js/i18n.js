// motcua i18n: Vietnamese first, English switchable.
//
// Markup:
//   <h1 data-i18n="home.title">Tiếng Việt ở đây</h1>       text content
//   <input data-i18n-attr="placeholder:lookup.code_ph">      attributes
//   <a data-i18n-attr="aria-label:nav.home;title:nav.home">  several, ";"-separated
//   <title data-i18n="home.doc_title">                       document title too
// The Vietnamese text in the HTML is what a page shows before (or without)
// JavaScript; the `vi` dictionary must say the same thing.
//
// API:
//   t(key, params)          translate in the current language, "{name}" placeholders
//   getLang(), setLang(l)   current language; setLang remembers it and re-applies
//   extend({vi:{}, en:{}})  a page adds its own keys (re-applies if already applied)
//   apply(root)             translate every marked element under root
//   init()                  read the remembered language, apply, wire [data-lang] buttons
// Every change fires `document` event "motcua:langchange" with detail {lang}.

export const LANGS = ['vi', 'en'];
export const DEFAULT_LANG = 'vi';
const STORAGE_KEY = 'motcua.lang';

export const dict = {
  vi: {
    // Shared chrome
    'site.name': 'motcua',
    'site.tagline': 'Một cửa điện tử',
    'skip.main': 'Bỏ qua, đến nội dung chính',
    'lang.label': 'Ngôn ngữ',
    'lang.vi': 'Tiếng Việt',
    'lang.en': 'English',
    'nav.label': 'Điều hướng chính',
    'nav.menu': 'Danh mục',
    'nav.citizen': 'Công dân, doanh nghiệp',
    'nav.procedures': 'Tra cứu thủ tục',
    'nav.lookup': 'Tra cứu hồ sơ',
    'nav.statistics': 'Công khai kết quả',
    'nav.dashboard': 'Bảng điều hành',
    'nav.reports': 'Báo cáo, thống kê',
    'nav.submit': 'Nộp hồ sơ trực tuyến',
    'nav.dossiers': 'Hồ sơ cần xử lý',
    'nav.reception': 'Tiếp nhận hồ sơ',
    'cal.nav': 'Lịch làm việc',
    'catadm.nav': 'Bộ thủ tục hành chính',
    'cala.nav': 'Lịch ngày nghỉ',
    'ext.nav': 'Hệ thống ngoài liên thông',
    'nav.staff': 'Cán bộ',
    'nav.staff_login': 'Đăng nhập cán bộ',
    'footer.about_title': 'Về motcua',
    'footer.about': 'Hệ thống một cửa điện tử tiếp nhận, giải quyết và trả kết quả thủ tục hành chính theo Nghị định 61/2018/NĐ-CP.',
    'footer.citizen_title': 'Công dân, doanh nghiệp',
    'footer.staff_title': 'Cán bộ, công chức',
    'footer.styleguide': 'Hệ thống thiết kế giao diện',
    'footer.copyright': '© motcua — phần mềm một cửa điện tử',
    'footer.status_label': 'Trạng thái hệ thống',

    // System status line (GET /healthz)
    'status.checking': 'Đang kiểm tra trạng thái hệ thống…',
    'status.ok': 'Hệ thống hoạt động',
    'status.down': 'Không kiểm tra được trạng thái hệ thống',

    // Dossier statuses (DOMAIN.md §4): the server's labels, word for word
    // (GET /api/v1/public/dossier-labels; tests/e2e/dossier.test.mjs compares).
    'dossier.status.submitted': 'Chờ tiếp nhận',
    'dossier.status.received': 'Đã tiếp nhận',
    'dossier.status.processing': 'Đang giải quyết',
    'dossier.status.awaiting_supplement': 'Chờ bổ sung, hoàn thiện hồ sơ',
    'dossier.status.awaiting_payment': 'Chờ thực hiện nghĩa vụ tài chính',
    'dossier.status.result_ready': 'Đã có kết quả, chờ trả',
    'dossier.status.returned': 'Đã trả kết quả',
    'dossier.status.refused': 'Từ chối tiếp nhận',
    'dossier.status.rejected': 'Không đủ điều kiện giải quyết',
    'dossier.status.withdrawn': 'Đã rút hồ sơ',
    'dossier.status.stopped': 'Dừng xử lý',

    // Paging bar
    'paging.prev': 'Trang trước',
    'paging.next': 'Trang sau',
    'paging.page': 'Trang {page}',
    'paging.page_count': 'Trang {page} · {count} dòng',
    'paging.loading': 'Đang tải…',
    'paging.empty': 'Không có dữ liệu.',
    'paging.label': 'Phân trang',

    // Errors
    'error.title': 'Có lỗi xảy ra',
    'error.form_title': 'Vui lòng kiểm tra lại thông tin',
    'error.network': 'Không kết nối được tới máy chủ. Vui lòng kiểm tra kết nối mạng và thử lại.',
    'error.http': 'Máy chủ trả về lỗi {status}.',
    'error.bad_json': 'Máy chủ trả về dữ liệu không hợp lệ.',
    'error.field': '{name}: {reason}',
  },
  en: {
    'site.name': 'motcua',
    'site.tagline': 'One-stop e-service',
    'skip.main': 'Skip to main content',
    'lang.label': 'Language',
    'lang.vi': 'Tiếng Việt',
    'lang.en': 'English',
    'nav.label': 'Main navigation',
    'nav.menu': 'Menu',
    'nav.citizen': 'Citizens and businesses',
    'nav.procedures': 'Find a procedure',
    'nav.lookup': 'Track a dossier',
    'nav.statistics': 'Published results',
    'nav.dashboard': 'Dashboard',
    'nav.reports': 'Reports and statistics',
    'nav.submit': 'Apply online',
    'nav.dossiers': 'Work queue',
    'nav.reception': 'Receive a dossier',
    'cal.nav': 'Working calendar',
    'catadm.nav': 'Procedure catalogue',
    'cala.nav': 'Holiday calendar',
    'ext.nav': 'External systems',
    'nav.staff': 'Staff',
    'nav.staff_login': 'Staff sign-in',
    'footer.about_title': 'About motcua',
    'footer.about': 'A one-stop system that receives, processes and returns administrative procedures under Decree 61/2018/ND-CP.',
    'footer.citizen_title': 'Citizens and businesses',
    'footer.staff_title': 'Officials',
    'footer.styleguide': 'Interface design system',
    'footer.copyright': '© motcua — one-stop e-service software',
    'footer.status_label': 'System status',

    'status.checking': 'Checking system status…',
    'status.ok': 'System operational',
    'status.down': 'System status could not be checked',

    'dossier.status.submitted': 'Awaiting reception',
    'dossier.status.received': 'Received',
    'dossier.status.processing': 'Being processed',
    'dossier.status.awaiting_supplement': 'Awaiting supplement',
    'dossier.status.awaiting_payment': 'Awaiting payment',
    'dossier.status.result_ready': 'Result ready for collection',
    'dossier.status.returned': 'Result returned',
    'dossier.status.refused': 'Refused at reception',
    'dossier.status.rejected': 'Rejected after appraisal',
    'dossier.status.withdrawn': 'Withdrawn',
    'dossier.status.stopped': 'Processing stopped',

    'paging.prev': 'Previous',
    'paging.next': 'Next',
    'paging.page': 'Page {page}',
    'paging.page_count': 'Page {page} · {count} rows',
    'paging.loading': 'Loading…',
    'paging.empty': 'No data.',
    'paging.label': 'Pagination',

    'error.title': 'Something went wrong',
    'error.form_title': 'Please check the information',
    'error.network': 'Could not reach the server. Please check your connection and try again.',
    'error.http': 'The server answered with error {status}.',
    'error.bad_json': 'The server sent an invalid response.',
    'error.field': '{name}: {reason}',
  },
};

let current = DEFAULT_LANG;
let applied = false;
// The Vietnamese text each element had in the HTML: the fallback when a
// key is missing from a dictionary (or not registered yet).
const originals = new WeakMap();

function storedLang() {
  try {
    const v = window.localStorage.getItem(STORAGE_KEY);
    return LANGS.includes(v) ? v : null;
  } catch {
    return null; // storage disabled: fall back to the default
  }
}

function remember(lang) {
  try {
    window.localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    /* storage disabled: the choice lasts for this page only */
  }
}

export function getLang() {
  return current;
}

/** Translate `key`; `{name}` in the text is replaced by params.name. */
export function t(key, params) {
  let s = dict[current]?.[key];
  if (s === undefined) s = dict[DEFAULT_LANG][key];
  if (s === undefined) return key;
  if (params) {
    s = s.replace(/\{(\w+)\}/g, (m, name) =>
      Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : m);
  }
  return s;
}

/** True when `key` exists in every language. */
export function has(key) {
  return LANGS.every((l) => Object.prototype.hasOwnProperty.call(dict[l], key));
}

/**
 * A title the page computes (a dossier's code, a procedure's name): the
 * <title>'s own data-i18n key goes, or the next apply() — after any late
 * extend() — would put the generic title back.  Pages re-set it on
 * 'motcua:langchange'.
 */
export function setTitle(text) {
  document.querySelector('title')?.removeAttribute('data-i18n');
  document.title = text;
}

/** Merge page dictionaries: extend({vi: {...}, en: {...}}). */
export function extend(more) {
  for (const lang of LANGS) {
    if (more[lang]) Object.assign(dict[lang], more[lang]);
  }
  if (applied) apply();
}

function lookup(key) {
  return dict[current]?.[key];
}

function original(el, slot, value) {
  let o = originals.get(el);
  if (!o) originals.set(el, (o = {}));
  if (!(slot in o)) o[slot] = value;
  return o[slot];
}

function translateAttrs(el) {
  const spec = el.getAttribute('data-i18n-attr');
  if (!spec) return;
  for (const pair of spec.split(';')) {
    const i = pair.indexOf(':');
    if (i <= 0) continue;
    const attr = pair.slice(0, i).trim();
    const key = pair.slice(i + 1).trim();
    if (!attr || !key) continue;
    const orig = original(el, `@${attr}`, el.getAttribute(attr));
    const s = lookup(key);
    if (s !== undefined) el.setAttribute(attr, s);
    else if (current === DEFAULT_LANG && orig !== null) el.setAttribute(attr, orig);
  }
}

/** Translate every marked element under root (default: the whole document). */
export function apply(root = document) {
  const scope = root === document ? document.documentElement : root;
  const nodes = [];
  if (scope.matches?.('[data-i18n], [data-i18n-attr]')) nodes.push(scope);
  nodes.push(...scope.querySelectorAll('[data-i18n], [data-i18n-attr]'));
  for (const el of nodes) {
    const key = el.getAttribute('data-i18n');
    if (key) {
      // Keys a page has not registered (yet) keep their HTML text; going
      // back to Vietnamese restores that text when `vi` lacks the key.
      const orig = original(el, 'text', el.textContent);
      const s = lookup(key);
      if (s !== undefined) el.textContent = s;
      else if (current === DEFAULT_LANG) el.textContent = orig;
    }
    translateAttrs(el);
  }
  if (root === document) {
    document.documentElement.lang = current;
    for (const btn of document.querySelectorAll('[data-lang]')) {
      btn.setAttribute('aria-pressed', String(btn.getAttribute('data-lang') === current));
    }
    applied = true;
  }
}

/** Switch language, remember it, re-translate the page and tell listeners. */
export function setLang(lang) {
  if (!LANGS.includes(lang)) return;
  current = lang;
  remember(lang);
  apply();
  document.dispatchEvent(new CustomEvent('motcua:langchange', { detail: { lang } }));
}

/** Read the remembered language, translate the page, wire the switch buttons. */
export function init() {
  current = storedLang() || DEFAULT_LANG;
  for (const btn of document.querySelectorAll('[data-lang]')) {
    btn.addEventListener('click', () => setLang(btn.getAttribute('data-lang')));
  }
  apply();
}

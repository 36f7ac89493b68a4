// Staff workspace: the texts every staff page shares, the signed-in user in
// the header, sign-out, and showing only what the user's role permits (the
// server checks every request anyway; hiding is for clarity, not security).
//
// Exports:
//   requireSession()  GET /api/v1/auth/me; not signed in -> the login page
//                     (coming back here afterwards). Resolves to `me`
//                     ({user, csrf_token, permissions}) with the CSRF token
//                     set for api() and the header filled.
//   can(me, action)   the user's role allows action ("user.read", ...)
//   safeNext(value)   a same-site /staff/ path to return to, or the default
import { api, ApiError, extend, setCsrfToken, t } from '/shared/js/app.js';

extend({
  vi: {
    'staff.workspace': 'Khu làm việc cán bộ',
    'staff.nav.label': 'Điều hướng khu cán bộ',
    'staff.nav.home': 'Bàn làm việc',
    'staff.nav.users': 'Quản trị tài khoản',
    'staff.user_label': 'Người dùng đang đăng nhập',
    'staff.logout': 'Đăng xuất',
    'staff.loading': 'Đang tải…',
    'staff.signed_out': 'Bạn đã đăng xuất.',
    'staff.session_expired': 'Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.',

    'staff.login.doc_title': 'Đăng nhập cán bộ — motcua',
    'staff.login.meta_description': 'Đăng nhập khu làm việc của cán bộ, công chức trên hệ thống một cửa điện tử motcua.',
    'staff.login.title': 'Đăng nhập cán bộ',
    'staff.login.lead': 'Khu làm việc của cán bộ, công chức: tiếp nhận, xử lý hồ sơ và quản trị hệ thống.',
    'staff.login.form_title': 'Thông tin đăng nhập',
    'staff.login.username': 'Tên đăng nhập',
    'staff.login.password': 'Mật khẩu',
    'staff.login.submit': 'Đăng nhập',
    'staff.login.busy': 'Đang đăng nhập…',
    'staff.login.help': 'Quên mật khẩu hoặc tài khoản bị khoá? Liên hệ quản trị viên của cơ quan để được đặt lại.',
  },
  en: {
    'staff.workspace': 'Staff workspace',
    'staff.nav.label': 'Staff navigation',
    'staff.nav.home': 'Workspace',
    'staff.nav.users': 'Account administration',
    'staff.user_label': 'Signed-in user',
    'staff.logout': 'Sign out',
    'staff.loading': 'Loading…',
    'staff.signed_out': 'You have signed out.',
    'staff.session_expired': 'Your session has expired. Please sign in again.',

    'staff.login.doc_title': 'Staff sign-in — motcua',
    'staff.login.meta_description': 'Sign in to the staff workspace of the motcua one-stop e-service.',
    'staff.login.title': 'Staff sign-in',
    'staff.login.lead': 'The workspace of officials: receiving and processing dossiers, and administering the system.',
    'staff.login.form_title': 'Sign-in details',
    'staff.login.username': 'Username',
    'staff.login.password': 'Password',
    'staff.login.submit': 'Sign in',
    'staff.login.busy': 'Signing in…',
    'staff.login.help': 'Forgot your password or locked out? Ask your agency’s administrator to reset it.',
  },
});

export const LOGIN_PAGE = '/staff/login.html';
export const HOME_PAGE = '/staff/index.html';

/** A path under /staff/ on this site to go back to; anything else -> home. */
export function safeNext(value) {
  if (typeof value !== 'string') return HOME_PAGE;
  if (!/^\/staff\/[A-Za-z0-9/_.-]*(?:\?[A-Za-z0-9=&%_.-]*)?$/.test(value)) return HOME_PAGE;
  if (value.includes('//') || value.includes('..') || value.startsWith(LOGIN_PAGE)) return HOME_PAGE;
  return value;
}

export function can(me, action) {
  return Array.isArray(me?.permissions) && me.permissions.includes(action);
}

function goLogin(reason) {
  const next = location.pathname + location.search;
  const q = new URLSearchParams({ next });
  if (reason) q.set('reason', reason);
  location.replace(`${LOGIN_PAGE}?${q}`);
}

function fillHeader(me) {
  const u = me.user || {};
  for (const el of document.querySelectorAll('[data-user-name]')) el.textContent = u.full_name || u.username || '';
  for (const el of document.querySelectorAll('[data-user-role]')) el.textContent = u.role_label || u.role || '';
  for (const el of document.querySelectorAll('[data-user-agency]')) {
    el.textContent = u.agency ? `${u.agency.name} (${u.agency.code})` : '';
  }
  for (const el of document.querySelectorAll('[data-staff-user]')) el.hidden = false;
  for (const el of document.querySelectorAll('[data-perm]')) {
    el.hidden = !el.getAttribute('data-perm').split(/\s+/).every((a) => can(me, a));
  }
}

function wireLogout() {
  for (const btn of document.querySelectorAll('[data-logout]')) {
    btn.addEventListener('click', async () => {
      btn.disabled = true;
      try {
        await api('auth/logout', { method: 'POST' });
      } catch (err) {
        // An expired session is signed out already; anything else is
        // reported on the login page by the next sign-in.
        if (!(err instanceof ApiError)) throw err;
      }
      setCsrfToken(null);
      location.replace(`${LOGIN_PAGE}?reason=signed_out`);
    });
  }
}

/**
 * The signed-in user, or a trip to the login page. Elements marked
 * [data-staff-content] stay hidden until the user is known.
 */
export async function requireSession() {
  let me;
  try {
    me = await api('auth/me');
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      goLogin('expired');
      return new Promise(() => {}); // the page is going away
    }
    throw err;
  }
  setCsrfToken(me.csrf_token);
  fillHeader(me);
  wireLogout();
  for (const el of document.querySelectorAll('[data-staff-content]')) el.hidden = false;
  document.addEventListener('motcua:langchange', () => {
    // Role labels come from the server in the language of the request.
    api('auth/me').then((m) => fillHeader(m)).catch(() => {});
  });
  return me;
}

export { t };

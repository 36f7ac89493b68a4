// Account administration: staff accounts within the caller's scope (list,
// create, disable, enable) and API tokens (list, create with the secret
// shown once, revoke).  The server decides what is allowed; this page only
// leaves out what the caller's permissions do not include.
import {
  api, ApiError, clearProblem, createPager, extend, formatDateTime, h, showProblem, t,
} from '/shared/js/app.js';
import { can, requireSession } from './staff.js';

extend({
  vi: {
    'staff.breadcrumb': 'Vị trí trang',
    'staff.users.doc_title': 'Quản trị tài khoản — motcua',
    'staff.users.lead': 'Tài khoản cán bộ trong phạm vi quản lý của bạn và mã truy cập API của các hệ thống đối tác. Mọi thay đổi đều được ghi vào nhật ký kiểm toán.',
    'staff.users.list_title': 'Tài khoản cán bộ',
    'staff.users.username': 'Tên đăng nhập',
    'staff.users.username_hint': '3–64 ký tự: chữ không dấu, số, dấu chấm, gạch dưới, gạch ngang.',
    'staff.users.full_name': 'Họ và tên',
    'staff.users.role': 'Vai trò',
    'staff.users.agency': 'Cơ quan',
    'staff.users.state': 'Trạng thái',
    'staff.users.actions': 'Thao tác',
    'staff.users.active': 'Đang hoạt động',
    'staff.users.disabled': 'Đã khoá',
    'staff.users.disable': 'Khoá',
    'staff.users.enable': 'Mở khoá',
    'staff.users.disable_label': 'Khoá tài khoản {name}',
    'staff.users.enable_label': 'Mở khoá tài khoản {name}',
    'staff.users.you': '(bạn)',
    'staff.users.none': '—',
    'staff.users.create_title': 'Tạo tài khoản',
    'staff.users.password': 'Mật khẩu ban đầu',
    'staff.users.password_hint': 'Ít nhất 12 ký tự, không trùng tên đăng nhập. Trao cho người dùng qua kênh an toàn và đề nghị họ đổi ngay.',
    'staff.users.create_submit': 'Tạo tài khoản',
    'staff.users.choose': '— Chọn —',
    'staff.users.created': 'Đã tạo tài khoản {name}.',
    'staff.users.disabled_done': 'Đã khoá tài khoản {name}; các phiên đăng nhập của tài khoản này đã kết thúc.',
    'staff.users.enabled_done': 'Đã mở khoá tài khoản {name}.',
    'staff.tokens.title': 'Mã truy cập API',
    'staff.tokens.intro': 'Dành cho hệ thống đối tác (Cổng Dịch vụ công quốc gia, phần mềm chuyên ngành). Mã bí mật chỉ hiện một lần khi cấp; hệ thống chỉ lưu giá trị băm.',
    'staff.tokens.name': 'Tên',
    'staff.tokens.name_hint': 'Hệ thống nào dùng mã này, ví dụ “Cổng Dịch vụ công quốc gia”.',
    'staff.tokens.prefix': 'Mã nhận diện',
    'staff.tokens.scopes': 'Quyền',
    'staff.tokens.expires': 'Hết hạn vào cuối ngày',
    'staff.tokens.optional': '(không bắt buộc)',
    'staff.tokens.create_title': 'Cấp mã truy cập',
    'staff.tokens.create_submit': 'Cấp mã',
    'staff.tokens.active': 'Còn hiệu lực',
    'staff.tokens.revoked': 'Đã thu hồi',
    'staff.tokens.expired': 'Đã hết hạn',
    'staff.tokens.revoke': 'Thu hồi',
    'staff.tokens.revoke_label': 'Thu hồi mã truy cập {name}',
    'staff.tokens.revoked_done': 'Đã thu hồi mã truy cập {name}.',
    'staff.tokens.created': 'Đã cấp mã truy cập {name}.',
    'staff.tokens.secret_title': 'Mã bí mật — chỉ hiện một lần',
    'staff.tokens.secret_text': 'Hãy sao chép và lưu vào hệ thống đối tác ngay bây giờ. Sau khi ẩn, không ai xem lại được mã này.',
    'staff.tokens.secret_hide': 'Tôi đã lưu, ẩn mã',
    'staff.tokens.until': 'đến {time}',
  },
  en: {
    'staff.breadcrumb': 'You are here',
    'staff.users.doc_title': 'Account administration — motcua',
    'staff.users.lead': 'Staff accounts within your scope and the API tokens of partner systems. Every change is recorded in the audit log.',
    'staff.users.list_title': 'Staff accounts',
    'staff.users.username': 'Username',
    'staff.users.username_hint': '3–64 characters: unaccented letters, digits, dot, underscore, hyphen.',
    'staff.users.full_name': 'Full name',
    'staff.users.role': 'Role',
    'staff.users.agency': 'Agency',
    'staff.users.state': 'Status',
    'staff.users.actions': 'Actions',
    'staff.users.active': 'Active',
    'staff.users.disabled': 'Disabled',
    'staff.users.disable': 'Disable',
    'staff.users.enable': 'Enable',
    'staff.users.disable_label': 'Disable account {name}',
    'staff.users.enable_label': 'Enable account {name}',
    'staff.users.you': '(you)',
    'staff.users.none': '—',
    'staff.users.create_title': 'Create an account',
    'staff.users.password': 'Initial password',
    'staff.users.password_hint': 'At least 12 characters, not the username. Hand it over safely and ask the user to change it at once.',
    'staff.users.create_submit': 'Create account',
    'staff.users.choose': '— Choose —',
    'staff.users.created': 'Account {name} created.',
    'staff.users.disabled_done': 'Account {name} disabled; its sessions have ended.',
    'staff.users.enabled_done': 'Account {name} enabled.',
    'staff.tokens.title': 'API tokens',
    'staff.tokens.intro': 'For partner systems (the national public service portal, sector software). The secret is shown once, when issued; only its hash is stored.',
    'staff.tokens.name': 'Name',
    'staff.tokens.name_hint': 'Which system uses this token, e.g. “National public service portal”.',
    'staff.tokens.prefix': 'Identifier',
    'staff.tokens.scopes': 'Scopes',
    'staff.tokens.expires': 'Expires at the end of',
    'staff.tokens.optional': '(optional)',
    'staff.tokens.create_title': 'Issue a token',
    'staff.tokens.create_submit': 'Issue token',
    'staff.tokens.active': 'Active',
    'staff.tokens.revoked': 'Revoked',
    'staff.tokens.expired': 'Expired',
    'staff.tokens.revoke': 'Revoke',
    'staff.tokens.revoke_label': 'Revoke token {name}',
    'staff.tokens.revoked_done': 'Token {name} revoked.',
    'staff.tokens.created': 'Token {name} issued.',
    'staff.tokens.secret_title': 'Secret — shown only once',
    'staff.tokens.secret_text': 'Copy it into the partner system now. Once hidden, nobody can see it again.',
    'staff.tokens.secret_hide': 'I have saved it, hide it',
    'staff.tokens.until': 'until {time}',
  },
});

const me = await requireSession();
const statusBox = document.getElementById('admin-status');
const errorBox = document.getElementById('admin-error');

function say(text) {
  errorBox.hidden = true;
  statusBox.textContent = text;
  statusBox.hidden = false;
}

function fail(err) {
  if (!(err instanceof ApiError)) throw err;
  statusBox.hidden = true;
  errorBox.replaceChildren(h('strong', { class: 'alert__title' }, err.problem.title || t('error.title')),
    h('p', {}, err.problem.detail || ''));
  errorBox.hidden = false;
  errorBox.focus();
}

/* ---- reference data: roles, actions, agencies -------------------------- */

let roles = { roles: [], actions: [], assignable_roles: [] };
let agencies = [];

async function loadReference() {
  roles = await api('auth/roles');
  agencies = [];
  let cursor = null;
  for (let i = 0; i < 20; i++) { // at most 10 000 agencies
    const page = await api(`admin/agencies?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    agencies.push(...page.items);
    cursor = page.next_cursor;
    if (!cursor) break;
  }
}

function fillSelect(select, options) {
  const keep = select.value;
  select.replaceChildren(h('option', { value: '' }, t('staff.users.choose')),
    ...options.map(([value, label]) => h('option', { value }, label)));
  if (options.some(([v]) => v === keep)) select.value = keep;
}

function fillForms() {
  const label = (name) => roles.roles.find((r) => r.name === name)?.label || name;
  fillSelect(document.getElementById('cu-role'), roles.assignable_roles.map((n) => [n, label(n)]));
  const ag = agencies.map((a) => [a.code, `${a.name} (${a.code})`]);
  fillSelect(document.getElementById('cu-agency'), ag);
  fillSelect(document.getElementById('ct-agency'), ag);
  const box = document.getElementById('ct-scopes');
  const checked = new Set([...box.querySelectorAll('input[type="checkbox"]:checked')].map((c) => c.value));
  for (const el of box.querySelectorAll('.choice')) el.remove();
  for (const a of roles.actions.filter((x) => x.token)) {
    const id = `ct-scope-${a.name.replace(/\W/g, '-')}`;
    box.append(h('div', { class: 'choice' },
      h('input', { type: 'checkbox', id, name: 'scope', value: a.name, checked: checked.has(a.name) }),
      h('label', { for: id }, h('code', {}, a.name), ` — ${a.label}`)));
  }
}

/* ---- accounts ---------------------------------------------------------- */

const usersBody = document.getElementById('users-body');

function userRow(u) {
  const self = u.id === me.user.id;
  const actions = h('td', {});
  if (can(me, 'user.write') && !self) {
    const disabling = !u.disabled;
    actions.append(h('button', {
      type: 'button',
      class: `btn ${disabling ? 'btn--danger' : 'btn--secondary'} btn--small`,
      'aria-label': t(disabling ? 'staff.users.disable_label' : 'staff.users.enable_label', { name: u.username }),
      onclick: async (e) => {
        e.currentTarget.disabled = true;
        try {
          await api(`users/${u.id}/${disabling ? 'disable' : 'enable'}`, { method: 'POST' });
          say(t(disabling ? 'staff.users.disabled_done' : 'staff.users.enabled_done', { name: u.username }));
          await usersPager.reload();
        } catch (err) {
          fail(err);
          e.currentTarget.disabled = false;
        }
      },
    }, t(disabling ? 'staff.users.disable' : 'staff.users.enable')));
  }
  return h('tr', { dataset: { username: u.username } },
    h('td', {}, h('code', {}, u.username), self ? ` ${t('staff.users.you')}` : ''),
    h('td', {}, u.full_name),
    h('td', {}, u.role_label || u.role),
    h('td', {}, u.agency ? u.agency.code : t('staff.users.none')),
    h('td', {}, t(u.disabled ? 'staff.users.disabled' : 'staff.users.active')),
    actions);
}

const usersPager = createPager({
  bar: document.getElementById('users-paging'),
  fetchPage: (cursor) => api(`users?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`),
  render: (items) => usersBody.replaceChildren(...items.map(userRow)),
  onError: fail,
});

const userForm = document.getElementById('create-user-form');
userForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  const f = userForm.elements;
  const button = userForm.querySelector('button[type="submit"]');
  clearProblem(userForm);
  button.disabled = true;
  try {
    const u = await api('users', {
      method: 'POST',
      body: {
        username: f.namedItem('username').value.trim(),
        full_name: f.namedItem('full_name').value.trim(),
        role: f.namedItem('role').value || null,
        agency: f.namedItem('agency').value || null,
        password: f.namedItem('password').value,
      },
    });
    userForm.reset();
    say(t('staff.users.created', { name: u.username }));
    await usersPager.load();
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    f.namedItem('password').value = '';
    showProblem(userForm, err.problem);
  } finally {
    button.disabled = false;
  }
});

/* ---- API tokens -------------------------------------------------------- */

const tokensBody = document.getElementById('tokens-body');
const secretBox = document.getElementById('token-secret');
const secretValue = document.getElementById('token-secret-value');

document.getElementById('token-secret-hide').addEventListener('click', () => {
  secretValue.textContent = '';
  secretBox.hidden = true;
});

function tokenState(tk) {
  if (tk.revoked_at) return t('staff.tokens.revoked');
  if (!tk.active) return t('staff.tokens.expired');
  return tk.expires_at ? `${t('staff.tokens.active')} ${t('staff.tokens.until', { time: formatDateTime(tk.expires_at) })}`
    : t('staff.tokens.active');
}

function tokenRow(tk) {
  const actions = h('td', {});
  if (can(me, 'token.write') && tk.active) {
    actions.append(h('button', {
      type: 'button',
      class: 'btn btn--danger btn--small',
      'aria-label': t('staff.tokens.revoke_label', { name: tk.name }),
      onclick: async (e) => {
        e.currentTarget.disabled = true;
        try {
          await api(`tokens/${tk.id}/revoke`, { method: 'POST' });
          say(t('staff.tokens.revoked_done', { name: tk.name }));
          await tokensPager.reload();
        } catch (err) {
          fail(err);
          e.currentTarget.disabled = false;
        }
      },
    }, t('staff.tokens.revoke')));
  }
  return h('tr', { dataset: { token: tk.name } },
    h('td', {}, tk.name),
    h('td', {}, h('code', {}, `${tk.prefix}…`)),
    h('td', {}, tk.scopes.join(', ')),
    h('td', {}, tk.agency.code),
    h('td', {}, tokenState(tk)),
    actions);
}

const tokensPager = can(me, 'token.read') ? createPager({
  bar: document.getElementById('tokens-paging'),
  fetchPage: (cursor) => api(`tokens?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`),
  render: (items) => tokensBody.replaceChildren(...items.map(tokenRow)),
  onError: fail,
}) : null;

const tokenForm = document.getElementById('create-token-form');
tokenForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  const f = tokenForm.elements;
  const button = tokenForm.querySelector('button[type="submit"]');
  const day = f.namedItem('expires_at').value;
  clearProblem(tokenForm);
  button.disabled = true;
  try {
    const res = await api('tokens', {
      method: 'POST',
      body: {
        name: f.namedItem('name').value.trim(),
        agency: f.namedItem('agency').value || null,
        scopes: [...tokenForm.querySelectorAll('input[name="scope"]:checked')].map((c) => c.value),
        expires_at: day ? `${day}T23:59:59+07:00` : null,
      },
    });
    tokenForm.reset();
    secretValue.textContent = res.secret;
    secretBox.hidden = false;
    say(t('staff.tokens.created', { name: res.token.name }));
    secretBox.focus();
    await tokensPager?.load();
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    showProblem(tokenForm, err.problem);
  } finally {
    button.disabled = false;
  }
});

/* ---- start ------------------------------------------------------------- */

try {
  await loadReference();
  fillForms();
} catch (err) {
  fail(err);
}
usersPager.load();
tokensPager?.load();
document.addEventListener('motcua:langchange', async () => {
  try {
    roles = await api('auth/roles');
    fillForms();
  } catch (err) {
    fail(err);
  }
  usersPager.reload();
  tokensPager?.reload();
});

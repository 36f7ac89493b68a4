// The staff workspace: who is signed in, what they may open, and changing
// one's own password.
import { api, ApiError, clearProblem, extend, showProblem } from '/shared/js/app.js';
import { requireSession } from './staff.js';

extend({
  vi: {
    'staff.home.doc_title': 'Bàn làm việc — motcua',
    'staff.home.title': 'Bàn làm việc',
    'staff.home.hello': 'Xin chào',
    'staff.home.tasks': 'Công việc',
    'staff.home.users_text': 'Tạo, khoá, mở khoá tài khoản cán bộ và cấp, thu hồi mã truy cập API cho hệ thống đối tác.',
    'staff.home.external': 'Hệ thống ngoài liên thông',
    'staff.home.external_text': 'Địa chỉ webhook và khóa ký của từng hệ thống chuyên ngành nhận hồ sơ liên thông; thay khóa, tạm dừng, bật lại; sự kiện đang chờ gửi.',
    'staff.home.pw_title': 'Đổi mật khẩu',
    'staff.home.pw_current': 'Mật khẩu hiện tại',
    'staff.home.pw_new': 'Mật khẩu mới',
    'staff.home.pw_hint': 'Ít nhất 12 ký tự, không trùng tên đăng nhập. Nên dùng một câu dễ nhớ.',
    'staff.home.pw_submit': 'Đổi mật khẩu',
    'staff.home.pw_done': 'Đã đổi mật khẩu. Các phiên đăng nhập khác của bạn đã kết thúc.',
  },
  en: {
    'staff.home.doc_title': 'Workspace — motcua',
    'staff.home.title': 'Workspace',
    'staff.home.hello': 'Hello',
    'staff.home.tasks': 'Tasks',
    'staff.home.users_text': 'Create, disable and enable staff accounts, and issue and revoke API tokens for partner systems.',
    'staff.home.external': 'External systems',
    'staff.home.external_text': 'The webhook address and signing key of each specialised system that takes interlinked components; rotate keys, pause, resume; events waiting to go out.',
    'staff.home.pw_title': 'Change password',
    'staff.home.pw_current': 'Current password',
    'staff.home.pw_new': 'New password',
    'staff.home.pw_hint': 'At least 12 characters, not your username. A memorable sentence works well.',
    'staff.home.pw_submit': 'Change password',
    'staff.home.pw_done': 'Password changed. Your other sessions have ended.',
  },
});

await requireSession();

const form = document.getElementById('password-form');
const done = document.getElementById('pw-done');

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  const button = form.querySelector('button[type="submit"]');
  const cur = form.elements.namedItem('current_password');
  const neu = form.elements.namedItem('new_password');
  clearProblem(form);
  done.hidden = true;
  button.disabled = true;
  try {
    await api('auth/password', {
      method: 'POST',
      body: { current_password: cur.value, new_password: neu.value },
    });
    cur.value = '';
    neu.value = '';
    done.hidden = false;
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    showProblem(form, err.problem);
  } finally {
    button.disabled = false;
  }
});

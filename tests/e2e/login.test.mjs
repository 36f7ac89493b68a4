// Staff sign-in through the real pages: /staff/login.html, the workspace
// /staff/index.html and the account administration page
// /staff/admin/users.html, against the real binary with accounts made by
// the CLI (`motcua agency add`, `motcua user add` with the password on stdin).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launchBrowser, newPage, checkA11y, hasHorizontalScroll,
} from './lib/harness.mjs';
import { addUser, allowAuth401, excuse, motcua, signIn } from './lib/setup.mjs';

const T = { timeout: 60_000 };
const PW = 'Mật-khẩu-trình-duyệt-2025';

describe('staff sign-in', { concurrency: 1 }, () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    const db = ['--db', server.dbUrl];
    await motcua(['agency', 'add', '--code', '000.00.00.H19', '--name', 'UBND tỉnh Đồng Nai', '--kind', 'province', ...db]);
    await motcua(['agency', 'add', '--code', '000.00.01.H19', '--name', 'Sở Tư pháp', '--parent', '000.00.00.H19', '--kind', 'department', ...db]);
    await addUser(server, { username: 'quantri', role: 'admin', agency: '000.00.00.H19', name: 'Nguyễn Văn Quản', password: PW });
    await addUser(server, { username: 'tiepnhan', role: 'receiver', agency: '000.00.01.H19', name: 'Trần Thị Tiếp', password: PW });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('signs in through the login page, refusing a wrong password first', T, async () => {
    const allow = allowAuth401;
    const { context, page, problems, assertClean } = await newPage(browser, { allow });
    try {
      const res = await page.goto(`${server.url}/staff/login.html`);
      assert.equal(res.status(), 200);
      assert.equal(await page.getAttribute('html', 'lang'), 'vi');
      assert.match(await page.title(), /motcua/);
      assert.equal(await page.locator('h1').innerText(), 'Đăng nhập cán bộ');
      await checkA11y(page);

      await signIn(page, server.url, 'quantri', 'mật khẩu sai rồi nhé');
      const alert = page.getByRole('alert');
      await alert.filter({ hasText: 'Tên đăng nhập hoặc mật khẩu không đúng' }).waitFor();
      assert.equal(await page.getByLabel('Mật khẩu').inputValue(), '', 'the wrong password is cleared');
      assert.match(page.url(), /\/staff\/login\.html$/);
      await checkA11y(page);

      await signIn(page, server.url, 'quantri', PW);
      await page.waitForURL(`${server.url}/staff/index.html`);
      await page.getByRole('heading', { level: 1, name: 'Bàn làm việc' }).waitFor();
      const header = page.locator('[data-staff-user]');
      await header.getByText('Nguyễn Văn Quản').waitFor();
      await header.getByText('Quản trị hệ thống').waitFor();
      await header.getByText('UBND tỉnh Đồng Nai (000.00.00.H19)').waitFor();

      // The session cookie: HttpOnly and SameSite=Strict, invisible to scripts.
      const cookies = await context.cookies();
      const c = cookies.find((x) => x.name === 'motcua_session');
      assert.ok(c, 'no session cookie');
      assert.equal(c.httpOnly, true);
      assert.equal(c.sameSite, 'Strict');
      assert.equal(await page.evaluate(() => document.cookie.includes('motcua_session')), false);

      // An admin sees the administration link; the page passes axe.
      await page.getByRole('navigation', { name: 'Điều hướng khu cán bộ' })
        .getByRole('link', { name: 'Quản trị tài khoản' }).waitFor();
      await checkA11y(page);
      excuse(problems, allow);
      assertClean('staff workspace');
    } finally {
      await context.close();
    }
  });

  it('sends a signed-out visitor to the login page and back', T, async () => {
    // Leaving the page at once may abort its favicon request: not a defect.
    const allow = (url, status) => allowAuth401(url, status) || (status === 0 && url.endsWith('/favicon.svg'));
    const { context, page, problems, assertClean } = await newPage(browser, { allow });
    try {
      await page.goto(`${server.url}/staff/admin/users.html`);
      await page.waitForURL(/\/staff\/login\.html\?/);
      const next = new URL(page.url()).searchParams.get('next');
      assert.equal(next, '/staff/admin/users.html');
      await page.getByRole('status').filter({ hasText: 'Phiên đăng nhập đã hết hạn' }).waitFor();
      await signIn(page, server.url, 'quantri', PW);
      await page.waitForURL(`${server.url}/staff/admin/users.html`);
      await page.getByRole('heading', { level: 1, name: 'Quản trị tài khoản' }).waitFor();
      excuse(problems, allow);
      assertClean('redirect through login');
    } finally {
      await context.close();
    }
  });

  it('never follows a login "next" to another site', T, async () => {
    const allow = allowAuth401;
    const { context, page, problems, assertClean } = await newPage(browser, { allow });
    try {
      await page.goto(`${server.url}/staff/login.html?next=${encodeURIComponent('//evil.example/staff/')}`);
      await signIn(page, server.url, 'quantri', PW);
      await page.waitForURL(`${server.url}/staff/index.html`);
      excuse(problems, allow);
      assertClean('login with a hostile next');
    } finally {
      await context.close();
    }
  });

  it('lets an admin create and disable an account and issue and revoke a token', T, async () => {
    // The first attempt sends a too short password on purpose.
    const allow = (url, status) => allowAuth401(url, status) || (status === 400 && url.endsWith('/api/v1/users'));
    const { context, page, problems, assertClean } = await newPage(browser, { allow });
    try {
      await page.goto(`${server.url}/staff/login.html?next=/staff/admin/users.html`);
      await signIn(page, server.url, 'quantri', PW);
      await page.waitForURL(`${server.url}/staff/admin/users.html`);
      const users = page.locator('#users-body');
      await users.locator('tr[data-username="tiepnhan"]').waitFor();
      await checkA11y(page);

      // Create: a bad password is explained beside its field, nothing created.
      const form = page.locator('#create-user-form');
      await form.getByLabel('Tên đăng nhập').fill('chuyenvien1');
      await form.getByLabel('Họ và tên').fill('Lê Văn Chuyên');
      await form.getByLabel('Vai trò').selectOption('specialist');
      await form.getByLabel('Cơ quan').selectOption('000.00.01.H19');
      await form.getByLabel('Mật khẩu ban đầu').fill('ngắn');
      await form.getByRole('button', { name: 'Tạo tài khoản' }).click();
      await form.locator('.field__error').filter({ hasText: 'ít nhất 12 ký tự' }).waitFor();
      assert.equal(await users.locator('tr[data-username="chuyenvien1"]').count(), 0);
      await form.getByLabel('Mật khẩu ban đầu').fill('một mật khẩu đủ dài');
      await form.getByRole('button', { name: 'Tạo tài khoản' }).click();
      await page.getByRole('status').filter({ hasText: 'Đã tạo tài khoản chuyenvien1.' }).waitFor();
      const row = users.locator('tr[data-username="chuyenvien1"]');
      await row.waitFor();
      assert.match(await row.innerText(), /Chuyên viên xử lý/);
      assert.match(await row.innerText(), /Đang hoạt động/);

      // Disable, then enable.
      await row.getByRole('button', { name: 'Khoá tài khoản chuyenvien1' }).click();
      await page.getByRole('status').filter({ hasText: 'Đã khoá tài khoản chuyenvien1' }).waitFor();
      await users.locator('tr[data-username="chuyenvien1"]').filter({ hasText: 'Đã khoá' }).waitFor();
      await users.locator('tr[data-username="chuyenvien1"]')
        .getByRole('button', { name: 'Mở khoá tài khoản chuyenvien1' }).click();
      await users.locator('tr[data-username="chuyenvien1"]').filter({ hasText: 'Đang hoạt động' }).waitFor();
      // No button to lock oneself out.
      assert.equal(await users.locator('tr[data-username="quantri"] button').count(), 0);

      // Issue a token: the secret is shown once.
      const tf = page.locator('#create-token-form');
      await tf.getByLabel('Tên', { exact: true }).fill('Cổng Dịch vụ công quốc gia');
      await tf.getByLabel('Cơ quan', { exact: true }).selectOption('000.00.01.H19');
      await tf.getByRole('checkbox', { name: /dossier\.read/ }).check();
      await tf.getByRole('button', { name: 'Cấp mã' }).click();
      const secret = page.locator('#token-secret-value');
      await secret.waitFor();
      const value = await secret.innerText();
      assert.match(value, /^mct_[0-9a-f]{64}$/);
      const trow = page.locator('#tokens-body tr[data-token="Cổng Dịch vụ công quốc gia"]');
      await trow.waitFor();
      assert.match(await trow.innerText(), /dossier\.read/);
      assert.ok(!(await page.locator('#tokens-body').innerText()).includes(value.slice(12)), 'the table shows the secret');
      await checkA11y(page);
      await page.getByRole('button', { name: 'Tôi đã lưu, ẩn mã' }).click();
      assert.equal(await page.locator('#token-secret').isHidden(), true);
      assert.equal(await secret.innerText(), '');

      // The token works until it is revoked.
      const api = await page.request.get(`${server.url}/api/v1/admin/agencies`, { headers: { Authorization: `Bearer ${value}` } });
      assert.equal(api.status(), 403, 'dossier.read does not grant agency.read');
      await trow.getByRole('button', { name: 'Thu hồi mã truy cập Cổng Dịch vụ công quốc gia' }).click();
      await page.locator('#tokens-body tr[data-token="Cổng Dịch vụ công quốc gia"]').filter({ hasText: 'Đã thu hồi' }).waitFor();
      const after = await page.request.get(`${server.url}/api/v1/admin/agencies`, { headers: { Authorization: `Bearer ${value}` } });
      assert.equal(after.status(), 401);
      excuse(problems, allow);
      assertClean('account administration');
    } finally {
      await context.close();
    }
  });

  it('shows a receiver no administration, and signs out', T, async () => {
    const allow = allowAuth401;
    const { context, page, problems, assertClean } = await newPage(browser, { allow });
    try {
      await page.goto(`${server.url}/staff/login.html`);
      await signIn(page, server.url, 'tiepnhan', PW);
      await page.waitForURL(`${server.url}/staff/index.html`);
      await page.locator('[data-staff-user]').getByText('Cán bộ tiếp nhận (Một cửa)').waitFor();
      assert.equal(await page.getByRole('link', { name: 'Quản trị tài khoản' }).count(), 0);
      await page.getByRole('button', { name: 'Đăng xuất' }).click();
      await page.waitForURL(/\/staff\/login\.html\?reason=signed_out$/);
      await page.getByRole('status').filter({ hasText: 'Bạn đã đăng xuất.' }).waitFor();
      // The old session is gone: the workspace sends us back to sign in.
      await page.goto(`${server.url}/staff/index.html`);
      await page.waitForURL(/\/staff\/login\.html\?/);
      excuse(problems, allow);
      assertClean('sign-out');
    } finally {
      await context.close();
    }
  });

  it('changes the password from the workspace', T, async () => {
    const allow = (url, status) => allowAuth401(url, status) || (status === 400 && url.endsWith('/api/v1/auth/password'));
    const { context, page, problems, assertClean } = await newPage(browser, { allow });
    try {
      await page.goto(`${server.url}/staff/login.html`);
      await signIn(page, server.url, 'tiepnhan', PW);
      await page.waitForURL(`${server.url}/staff/index.html`);
      const form = page.locator('#password-form');
      await form.getByLabel('Mật khẩu hiện tại').fill('không phải mật khẩu');
      await form.getByLabel('Mật khẩu mới').fill('mật khẩu mới của tôi 2026');
      await form.getByRole('button', { name: 'Đổi mật khẩu' }).click();
      await form.locator('.field__error').filter({ hasText: 'Mật khẩu hiện tại không đúng' }).waitFor();
      await form.getByLabel('Mật khẩu hiện tại').fill(PW);
      await form.getByRole('button', { name: 'Đổi mật khẩu' }).click();
      await page.getByRole('status').filter({ hasText: 'Đã đổi mật khẩu' }).waitFor();
      await checkA11y(page);
      excuse(problems, allow);
      assertClean('password change');
    } finally {
      await context.close();
    }
  });

  it('works in English and on a 375 px phone', T, async () => {
    const allow = allowAuth401;
    const { context, page, problems, assertClean } = await newPage(browser, {
      allow, viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true,
    });
    try {
      await page.goto(`${server.url}/staff/login.html`);
      assert.equal(await hasHorizontalScroll(page), false);
      await page.getByRole('button', { name: 'English' }).tap();
      assert.equal(await page.locator('h1').innerText(), 'Staff sign-in');
      await page.getByLabel('Username').fill('quantri');
      await page.getByLabel('Password').fill(PW);
      await page.getByRole('button', { name: 'Sign in' }).tap();
      await page.waitForURL(`${server.url}/staff/index.html`);
      await page.getByRole('heading', { level: 1, name: 'Workspace' }).waitFor();
      await page.locator('[data-staff-user]').getByText('System administrator').waitFor();
      assert.equal(await hasHorizontalScroll(page), false, 'workspace scrolls sideways at 375 px');
      await page.goto(`${server.url}/staff/admin/users.html`);
      await page.locator('#users-body tr').first().waitFor();
      assert.equal(await hasHorizontalScroll(page), false, 'administration scrolls sideways at 375 px');
      await checkA11y(page);

      // Every key the staff pages use exists in both dictionaries.
      const missing = await page.evaluate(async () => {
        const { dict } = await import('/shared/js/i18n.js');
        const out = [];
        for (const el of document.querySelectorAll('[data-i18n]')) {
          const k = el.getAttribute('data-i18n');
          for (const l of ['vi', 'en']) if (!(k in dict[l])) out.push(`${l}:${k}`);
        }
        return out;
      });
      assert.deepEqual(missing, []);
      await page.getByRole('button', { name: 'Tiếng Việt' }).tap();
      excuse(problems, allow);
      assertClean('English and phone');
    } finally {
      await context.close();
    }
  });
});

// Interlinked procedures, staff side, in the browser against the real binary
// with the seed catalogue: the work queue's "waiting for a predecessor"
// filter (/staff/dossiers.html?waiting=1|0: the police's and social
// insurance's parts of a birth-registration group wait for the ward's part,
// named), and the administrators' page of external systems
// (/staff/admin/external.html: add one with a generated secret shown once, a
// refused one explained on its field, rotate, pause and resume; English; an
// inspector reads without the controls).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, checkA11y, hasHorizontalScroll } from './lib/harness.mjs';
import { DATA, addUser, apiSession, seed, signIn } from './lib/setup.mjs';

const T = { timeout: 120_000 };
const PW = 'Mật-khẩu-hệ-thống-ngoài-2026';
const DESK = '000.01.21.H19'; // a ward with its own one-stop desk
const PROVINCE = '000.00.00.H19';

// "Am I signed in?" before signing in, and the refused system (400).
const allowed = (url, status) =>
  ((status === 401 || status === null) && /\/api\/v1\/auth\/(?:login|me)$/.test(url)) ||
  ((status === 400 || status === null) && /\/api\/v1\/external-systems$/.test(url));

describe('interlinked procedures: waiting queue and external systems', { concurrency: 1 }, () => {
  let server;
  let browser;
  let bundle;

  before(async () => {
    server = await startServer({ args: ['--data', DATA] });
    await seed(server);
    for (const [username, role, agency] of [['ht.tiepnhan', 'receiver', DESK], ['ht.quantri', 'admin', PROVINCE],
      ['ht.thanhtra', 'inspector', PROVINCE]]) {
      await addUser(server, { username, role, agency, name: 'Cán Bộ Thử', password: PW });
    }
    browser = await launchBrowser();
    const rcv = await apiSession(browser, server.url, 'ht.tiepnhan', PW);
    bundle = await rcv.post('dossiers', {
      procedure_code: 'lt-khai-sinh',
      channel: 'counter',
      applicant: { name: 'Lê Thị Mỹ Duyên', phone: '0911 222 333', address: 'Tổ 5, phường Tân Phong' },
      documents: [{ name: 'Tờ khai đăng ký khai sinh', originals: 1, copies: 0 },
        { name: 'Giấy chứng sinh', originals: 1, copies: 0 }],
    }, 201);
    await rcv.close();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('filters the work queue to the components waiting for a predecessor', T, async () => {
    const { context, page, assertClean } = await newPage(browser, { allow: allowed });
    try {
      await signIn(page, server.url, 'ht.quantri', PW, '/staff/dossiers.html');
      await page.locator('#queue-body tr').first().waitFor();
      await page.getByLabel('Hồ sơ liên thông chờ thủ tục trước').selectOption('1');
      await page.getByRole('button', { name: 'Lọc' }).click();
      await page.waitForURL(/waiting=1/);
      const waiting = page.locator('#queue-body tr[data-code]');
      await waiting.first().waitFor();
      assert.equal(await waiting.count(), 2); // the police's and social insurance's parts
      for (let i = 0; i < 2; i++) {
        const text = await waiting.nth(i).innerText();
        assert.match(text, /Chờ thủ tục trước/);
        assert.match(text, /Chờ: Đăng ký khai sinh \(Ủy ban nhân dân phường Tân Phong\)/);
      }
      assert.equal(await page.locator('#queue-body [data-waiting]').count(), 2);
      assert.equal(await page.getByLabel('Hồ sơ liên thông chờ thủ tục trước').inputValue(), '1');
      await checkA11y(page);

      // Hidden with waiting=0: the ward's own part is still listed.
      await page.goto(`${server.url}/staff/dossiers.html?waiting=0&status=all`);
      await page.locator('#queue-body tr[data-code]').first().waitFor();
      assert.equal(await page.locator('#queue-body [data-waiting]').count(), 0);
      const birth = bundle.components.find((c) => c.key === 'khai-sinh');
      assert.equal(await page.locator(`#queue-body tr[data-code="${birth.code}"]`).count(), 1);

      // English, and a phone.
      await page.goto(`${server.url}/staff/dossiers.html?waiting=1`);
      await page.locator('#queue-body [data-waiting]').first().waitFor();
      await page.getByRole('button', { name: 'English' }).click();
      await page.locator('#queue-body [data-waiting]').first().filter({ hasText: 'Waiting for a predecessor' }).waitFor();
      assert.match(await page.locator('#queue-body').innerText(), /Waits for: Đăng ký khai sinh/);
      await page.setViewportSize({ width: 375, height: 800 });
      assert.equal(await hasHorizontalScroll(page), false);
      assertClean('waiting queue');
    } finally {
      await context.close();
    }
  });

  it('lets an administrator add, rotate, pause and resume external systems', T, async () => {
    const { context, page, assertClean } = await newPage(browser, { allow: allowed });
    page.on('dialog', (d) => d.accept());
    try {
      await signIn(page, server.url, 'ht.quantri', PW, '/staff/admin/external.html');
      await page.locator('#ext-body td.table__empty').waitFor();
      await checkA11y(page);

      // Refused: the code and the address are named on their fields.
      await page.getByLabel('Mã hệ thống').fill('Cu Tru');
      await page.getByLabel('Tên hệ thống').fill('Cơ sở dữ liệu quốc gia về cư trú');
      await page.getByLabel('Mã cơ quan mà hệ thống làm việc thay (QCVN 102)').fill('000.00.40.H19');
      await page.getByLabel('Địa chỉ webhook').fill('http://cutru.example.vn/motcua');
      await page.getByRole('button', { name: 'Thêm hệ thống' }).click();
      await page.locator('#ext-code[aria-invalid="true"]').waitFor();
      assert.equal(await page.locator('#ext-url').getAttribute('aria-invalid'), 'true');
      assert.equal(await page.locator('#ext-body tr[data-system]').count(), 0);

      // Accepted: the generated secret is shown once.
      await page.getByLabel('Mã hệ thống').fill('police-residence');
      await page.getByLabel('Địa chỉ webhook').fill('https://cutru.example.vn/motcua');
      await page.getByRole('button', { name: 'Thêm hệ thống' }).click();
      const row = page.locator('#ext-body tr[data-system="police-residence"]');
      await row.waitFor();
      await page.locator('#ext-secret:not([hidden])').waitFor();
      const secret = await page.locator('#ext-secret-value').innerText();
      assert.match(secret, /^[0-9a-f]{64}$/);
      assert.match(await row.innerText(), /Công an tỉnh Đồng Nai/);
      assert.match(await row.innerText(), /Đang gửi/);
      const fp = await row.locator('code').innerText();
      assert.match(fp, /^[0-9a-f]{16}$/);
      assert.ok(!(await page.locator('#ext-body').innerText()).includes(secret));

      // Rotate: another secret, another fingerprint.
      await row.getByRole('button', { name: 'Thay khóa bí mật của police-residence' }).click();
      await page.locator('#ext-status').filter({ hasText: 'Đã thay khóa của police-residence.' }).waitFor();
      const secret2 = await page.locator('#ext-secret-value').innerText();
      assert.match(secret2, /^[0-9a-f]{64}$/);
      assert.notEqual(secret2, secret);
      assert.notEqual(await row.locator('code').innerText(), fp);

      // Pause and resume.
      await row.getByRole('button', { name: 'Tạm dừng gửi đến police-residence' }).click();
      await row.filter({ hasText: 'Tạm dừng' }).getByRole('button', { name: 'Bật lại việc gửi đến police-residence' }).waitFor();
      assert.equal(await page.locator('#ext-secret').isHidden(), true); // the secret is gone
      await checkA11y(page);
      await row.getByRole('button', { name: 'Bật lại việc gửi đến police-residence' }).click();
      await row.filter({ hasText: 'Đang gửi' }).waitFor();

      // English.
      await page.getByRole('button', { name: 'English' }).click();
      await page.locator('h1').filter({ hasText: 'External systems of interlinked procedures' }).waitFor();
      assert.match(await row.innerText(), /Delivering/);
      await page.setViewportSize({ width: 375, height: 800 });
      assert.equal(await hasHorizontalScroll(page), false);
      assertClean('external systems, admin');
    } finally {
      await context.close();
    }
  });

  it('shows an inspector the systems without the controls', T, async () => {
    const { context, page, assertClean } = await newPage(browser, { allow: allowed });
    try {
      await signIn(page, server.url, 'ht.thanhtra', PW, '/staff/admin/external.html');
      const row = page.locator('#ext-body tr[data-system="police-residence"]');
      await row.waitFor();
      assert.equal(await row.locator('button').count(), 0);
      assert.equal(await page.locator('#ext-add').isHidden(), true);
      await checkA11y(page);
      assertClean('external systems, inspector');
    } finally {
      await context.close();
    }
  });
});

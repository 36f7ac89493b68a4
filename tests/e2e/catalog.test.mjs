// The procedure catalogue in the browser: a citizen searches without
// diacritics, filters, opens a procedure's public notice (documents, fees,
// legal basis, version in force on a date, printable); an administrator
// opens the catalogue editor and publishes a new version. Every page passes
// axe and keeps a clean console under the real CSP.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launchBrowser, newPage, checkA11y, hasHorizontalScroll } from './lib/harness.mjs';

const T = { timeout: 90_000 };
const PW = 'Mật-khẩu-trình-duyệt-2025';
const here = path.dirname(fileURLToPath(import.meta.url));
const DATA = path.resolve(here, '../../data');

function motcua(args, input = '') {
  return new Promise((resolve, reject) => {
    const child = spawn(process.env.MOTCUA_BIN, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`motcua ${args.join(' ')}: timeout`)); }, 60_000);
    child.stdout.on('data', (c) => { out += c; });
    child.stderr.on('data', (c) => { err += c; });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`motcua ${args.join(' ')} exited ${code}\n${err}`));
    });
    child.stdin.end(input);
  });
}

/** Drop Chromium's "Failed to load resource" lines for answers a test provokes. */
function excuse(problems, allow) {
  for (let i = problems.length - 1; i >= 0; i -= 1) {
    const m = /^console error: Failed to load resource: the server responded with a status of (\d+) .*\((\S+?):\d+\)$/.exec(problems[i]);
    if (m && allow(m[2], Number(m[1]))) problems.splice(i, 1);
  }
}

describe('procedure catalogue', { concurrency: 1 }, () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    const out = await motcua(['seed', '--db', server.dbUrl, '--data', DATA]);
    assert.match(out, /91 thủ tục/);
    await motcua(['user', 'add', '--username', 'quantri', '--role', 'admin', '--agency', '000.00.00.H19',
      '--name', 'Nguyễn Văn Quản', '--db', server.dbUrl], `${PW}\n`);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('finds a procedure without diacritics and opens its public notice', T, async () => {
    const { context, page, assertClean } = await newPage(browser);
    try {
      await page.goto(`${server.url}/portal/procedures.html`);
      assert.equal(await page.locator('h1').innerText(), 'Tra cứu thủ tục hành chính');
      // The first page lists the catalogue; the field list is filled.
      await page.locator('#procs-body a').first().waitFor();
      assert.ok(await page.locator('#procs-field option').count() > 10);
      await checkA11y(page);

      await page.getByLabel('Tên hoặc mã thủ tục').fill('dang ky khai sinh');
      await page.getByRole('button', { name: 'Tìm thủ tục' }).click();
      await page.waitForURL(/q=dang\+ky\+khai\+sinh/);
      const first = page.locator('#procs-body tr').first().getByRole('link');
      await first.waitFor();
      assert.equal(await first.innerText(), 'Đăng ký khai sinh');
      assert.equal(await page.getByLabel('Tên hoặc mã thủ tục').inputValue(), 'dang ky khai sinh');
      await checkA11y(page);

      await first.click();
      await page.waitForURL(/\/portal\/procedure\.html\?code=H19-HT-01$/);
      await page.getByRole('heading', { level: 1, name: 'Đăng ký khai sinh' }).waitFor();
      const doc = page.locator('#proc-doc');
      await doc.getByRole('heading', { name: 'Thành phần, số lượng hồ sơ' }).waitFor();
      await doc.getByRole('cell', { name: /Tờ khai đăng ký khai sinh/ }).waitFor();
      await doc.getByText('60/2014/QH13').first().waitFor();
      await doc.getByText('Mức độ 4 — toàn trình').waitFor();
      await doc.getByRole('heading', { name: 'Lịch sử thay đổi' }).waitFor();
      assert.match(await page.title(), /Đăng ký khai sinh — motcua/);
      assert.equal(await page.evaluate(() => document.body.classList.contains('print-a4')), true);
      // Printing hides the navigation and the buttons.
      await page.emulateMedia({ media: 'print' });
      assert.equal(await page.locator('.site-nav').isVisible(), false);
      assert.equal(await page.locator('#proc-print').isVisible(), false);
      await page.emulateMedia({ media: 'screen' });
      await checkA11y(page);
      assertClean('search and notice');
    } finally {
      await context.close();
    }
  });

  it('filters from the address and shows the version in force on a date', T, async () => {
    const allow = (url, status) => status === 404 && /\/api\/v1\/procedures\/KHONG-CO$/.test(url);
    const { context, page, problems, assertClean } = await newPage(browser, { allow, viewport: { width: 390, height: 844 } });
    try {
      await page.goto(`${server.url}/portal/procedures.html?field=xay-dung&level=district`);
      await page.locator('#procs-body a').first().waitFor();
      assert.equal(await page.locator('#procs-field').inputValue(), 'xay-dung');
      assert.equal(await page.locator('#procs-body tr').count(), 6);
      assert.equal(await hasHorizontalScroll(page), false, 'the page scrolls sideways on a phone');
      await checkA11y(page);

      await page.goto(`${server.url}/portal/procedure.html?code=H19-CU-01&at=2019-05-05`);
      await page.getByRole('heading', { level: 1, name: 'Đăng ký thường trú' }).waitFor();
      await page.getByText('15 ngày làm việc').waitFor();
      await page.getByText('Nội dung có hiệu lực ngày 05/05/2019.').waitFor();
      await checkA11y(page);

      await page.goto(`${server.url}/portal/procedure.html?code=KHONG-CO`);
      await page.getByRole('alert').filter({ hasText: 'Không có thủ tục hành chính mã này.' }).waitFor();
      excuse(problems, allow);
      assertClean('filters and dates');
    } finally {
      await context.close();
    }
  });

  it('lets an administrator publish a new version', T, async () => {
    const allow = (url, status) => status === 401 && /\/api\/v1\/auth\/me$/.test(url);
    const { context, page, problems, assertClean } = await newPage(browser, { allow });
    try {
      await page.goto(`${server.url}/staff/login.html?next=/staff/admin/catalog.html`);
      await page.getByLabel('Tên đăng nhập').fill('quantri');
      await page.getByLabel('Mật khẩu').fill(PW);
      await page.getByRole('button', { name: 'Đăng nhập' }).click();
      await page.waitForURL(`${server.url}/staff/admin/catalog.html`);
      await page.getByRole('heading', { level: 1, name: 'Quản trị bộ thủ tục hành chính' }).waitFor();
      await page.locator('#share-summary').filter({ hasText: 'chỉ tiêu' }).waitFor();
      await page.locator('#find-body button').first().waitFor();
      await checkA11y(page);

      await page.getByLabel('Tên hoặc mã thủ tục').fill('xac nhan tinh trang hon nhan');
      await page.getByRole('button', { name: 'Tìm', exact: true }).click();
      await page.getByRole('button', { name: 'Mở thủ tục H19-HT-09' }).click();
      await page.getByRole('heading', { name: 'Sửa thủ tục H19-HT-09 (phiên bản 1)' }).waitFor();
      assert.equal(await page.locator('#pf-name').inputValue(), 'Cấp Giấy xác nhận tình trạng hôn nhân');
      await page.locator('#pf-effective').fill('2030-01-01');
      await page.locator('#pf-decision').fill('Quyết định thử nghiệm trình duyệt');
      await page.locator('#pf-change').fill('Bổ sung ghi chú thời hạn');
      await page.locator('#pf-time-note').fill('03 ngày làm việc (ghi chú mới)');
      await page.getByRole('button', { name: 'Công bố phiên bản mới' }).click();
      await page.locator('#cat-status').filter({ hasText: 'Đã công bố phiên bản 2 của thủ tục H19-HT-09' }).waitFor();
      await page.locator('#history-list li').nth(1).waitFor();
      await checkA11y(page);
      excuse(problems, allow);
      assertClean('catalogue editor');
    } finally {
      await context.close();
    }
  });
});

// The procedure catalogue in the browser: a citizen searches without
// diacritics, filters, opens a procedure's public notice (documents, fees,
// legal basis, version in force on a date, printable); an administrator
// opens the catalogue editor and publishes a new version; the level 3/4
// share against the 50 % target on the public page and the admin overview;
// the editor in English with no Vietnamese-only label left. Every page
// passes axe and keeps a clean console under the real CSP.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, checkA11y, hasHorizontalScroll } from './lib/harness.mjs';
import { addUser, excuse, seed, signIn } from './lib/setup.mjs';

const T = { timeout: 90_000 };
const PW = 'Mật-khẩu-trình-duyệt-2025';

describe('procedure catalogue', { concurrency: 1 }, () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    assert.match(await seed(server), /91 thủ tục/);
    await addUser(server, { username: 'quantri', role: 'admin', agency: '000.00.00.H19', name: 'Nguyễn Văn Quản', password: PW });
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

  it('shows the level 3/4 share against the target on the public page', T, async () => {
    const { context, page, assertClean } = await newPage(browser);
    try {
      await page.goto(`${server.url}/portal/procedures.html`);
      const summary = page.locator('#procs-share-summary');
      await summary.filter({ hasText: 'mức độ 3, 4' }).waitFor();
      const text = await summary.innerText();
      // "{online} trên {total} thủ tục (x%) ...: {full} toàn trình, {partial} một phần ..."
      const m = /^(\d+) trên (\d+) thủ tục \(([\d,]+)%\).*: (\d+) toàn trình, (\d+) một phần.*từ 50% — (đã đạt|chưa đạt)\.$/.exec(text);
      assert.ok(m, `unexpected summary: ${text}`);
      const [online, total, full, partial] = [m[1], m[2], m[4], m[5]].map(Number);
      assert.ok(total >= 91 && online > 0 && online <= total);
      assert.ok(full + partial >= online && full <= online);
      assert.equal(m[6] === 'đã đạt', online * 2 >= total);
      // Per agency behind a disclosure, each row against the target.
      const details = page.locator('#procs-share details');
      assert.equal(await page.locator('#procs-share-agency').isVisible(), false);
      await details.locator('summary').click();
      const row = page.locator('#procs-share-body tr').filter({ hasText: 'Sở Tư pháp tỉnh Đồng Nai' });
      await row.waitFor();
      assert.match(await row.locator('td').last().innerText(), /^(Đạt|Chưa đạt)$/);
      assert.ok(await page.locator('#procs-share-body tr').count() > 20);
      await checkA11y(page);
      // English: the same figures, translated.
      await page.getByRole('button', { name: 'English' }).click();
      await summary.filter({ hasText: `${online} of ${total} procedures` }).waitFor();
      await page.locator('#procs-share-agency th', { hasText: 'Partial' }).waitFor();
      assert.match(await row.locator('td').last().innerText(), /^(Met|Not met)$/);
      assertClean('online share (public)');
    } finally {
      await context.close();
    }
  });

  it('lets an administrator publish a new version', T, async () => {
    const allow = (url, status) => status === 401 && /\/api\/v1\/auth\/me$/.test(url);
    const { context, page, problems, assertClean } = await newPage(browser, { allow });
    try {
      await signIn(page, server.url, 'quantri', PW, '/staff/admin/catalog.html');
      await page.getByRole('heading', { level: 1, name: 'Quản trị bộ thủ tục hành chính' }).waitFor();
      await page.locator('#share-summary').filter({ hasText: 'chỉ tiêu' }).waitFor();
      // The overview: per agency and per field against the 50 % target.
      await page.locator('#share-agency-body tr').filter({ hasText: 'Sở Tư pháp tỉnh Đồng Nai' }).waitFor();
      assert.equal(await page.locator('#share-field-body tr').count(), 13);
      assert.match(await page.locator('#share-field-body tr').first().locator('td').last().innerText(),
        /^(Đạt|Chưa đạt)$/);
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
  it('shows the catalogue editor in English with no Vietnamese-only label', T, async () => {
    const allow = (url, status) => status === 401 && /\/api\/v1\/auth\/me$/.test(url);
    const { context, page, problems, assertClean } = await newPage(browser, { allow });
    try {
      await signIn(page, server.url, 'quantri', PW, '/staff/admin/catalog.html');
      await page.locator('#find-body button').first().waitFor();
      await page.getByRole('button', { name: 'English' }).click();
      await page.getByRole('heading', { level: 1, name: 'Procedure catalogue administration' }).waitFor();
      // Open everything the editor has: a procedure (form, history,
      // abolition) and an agency's form.
      await page.getByRole('button', { name: 'Open procedure H19-HT-01' }).click();
      await page.getByRole('heading', { name: 'Edit procedure H19-HT-01 (version 1)' }).waitFor();
      await page.locator('#history-list li').first().waitFor();
      await page.getByLabel('Identifier (QCVN 102)').fill('000.00.04.H19');
      await page.locator('#agency-find').getByRole('button', { name: 'Open' }).click();
      await page.locator('#agency-form').waitFor();
      await page.getByLabel('Agency name').waitFor();
      await page.locator('#share-summary').filter({ hasText: 'procedures' }).waitFor();
      // Every visible label of the page's own interface (not the catalogue's
      // data: table bodies, the history list, typed values) must be English.
      const left = await page.evaluate(() => {
        const VI = /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđ]/i;
        const data = (el) => el.closest('tbody, #history-list, [data-staff-user]');
        const seen = [];
        const sel = 'h1, h2, h3, h4, p, label, legend, button, th, summary, caption, option, .field__hint, a, span';
        for (const el of document.querySelectorAll(`#main :is(${sel})`)) {
          if (data(el) || el.closest('[hidden]')) continue;
          const own = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join(' ').trim();
          if (own && VI.test(own)) seen.push(`${el.tagName.toLowerCase()}#${el.id}: ${own}`);
        }
        for (const el of document.querySelectorAll('#main [aria-label], #main [placeholder], #main [title]')) {
          if (data(el) || el.closest('[hidden]')) continue;
          for (const a of ['aria-label', 'placeholder', 'title']) {
            const v = el.getAttribute(a);
            if (v && VI.test(v)) seen.push(`${el.tagName.toLowerCase()}[${a}]: ${v}`);
          }
        }
        return seen;
      });
      assert.deepEqual(left, [], `Vietnamese-only labels in English:\n${left.join('\n')}`);
      // Field names follow the language too.
      assert.equal(await page.locator('#pf-field option:checked').innerText(), 'Civil status');
      assert.equal(await page.title(), 'Procedure catalogue administration — motcua');
      await checkA11y(page);
      excuse(problems, allow);
      assertClean('catalogue editor in English');
    } finally {
      await context.close();
    }
  });
});

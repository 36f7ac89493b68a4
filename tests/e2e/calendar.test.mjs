// The working-day calendar in the browser: the public month view
// /portal/calendar.html (lunar dates, Tết, swapped days, the notice's
// citation, navigation, phone and print layouts, English) and the
// administrators' editor /staff/admin/calendar.html (sign-in, a refused
// table shown on the form, a saved table that the public view shows at
// once, the reset), against the real binary with the shipped holiday tables
// (--data) and accounts made by the CLI.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launchBrowser, newPage, checkA11y, hasHorizontalScroll,
} from './lib/harness.mjs';
import { DATA, addUser, motcua, signIn, vnDate, vnMonth } from './lib/setup.mjs';

const T = { timeout: 60_000 };
const PW = 'Mật-khẩu-lịch-làm-việc-2026';

/** Answers the tests provoke: "am I signed in?" before signing in, and the
 *  table the server refuses (status null: Chromium's console line for it). */
const allowed = (url, status) =>
  ((status === 401 || status === null) && /\/api\/v1\/auth\/me$/.test(url)) ||
  ((status === 400 || status === null) && /\/api\/v1\/calendar\/years\/\d+$/.test(url)) ||
  (status === 0 && url.endsWith('/favicon.svg'));

const cell = (page, date) => page.locator(`td[data-date="${date}"]`);

describe('working-day calendar', { concurrency: 1 }, () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer({ args: ['--data', DATA] });
    const db = ['--db', server.dbUrl];
    await motcua(['agency', 'add', '--code', '000.00.00.H19', '--name', 'UBND tỉnh Đồng Nai', '--kind', 'province', ...db]);
    await addUser(server, { username: 'quantri', role: 'admin', agency: '000.00.00.H19', name: 'Nguyễn Văn Quản', password: PW, fastHash: true });
    await addUser(server, { username: 'tiepnhan', role: 'receiver', agency: '000.00.00.H19', name: 'Trần Thị Tiếp', password: PW, fastHash: true });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows February 2026 with Tết, lunar dates and the notice it follows', T, async () => {
    const { context, page, assertClean } = await newPage(browser);
    try {
      const res = await page.goto(`${server.url}/portal/calendar.html?y=2026&m=2`);
      assert.equal(res.status(), 200);
      await page.getByRole('heading', { level: 2, name: /Tháng 2 năm 2026/ }).waitFor();
      assert.match(await page.locator('#cal-title').innerText(), /Ất Tỵ – năm Bính Ngọ/);
      assert.equal(await page.getByRole('columnheader').first().innerText(), 'Thứ Hai');

      // Mùng 1 Tết: Tuesday 17/2/2026, lunar 1/1, named month, a Tết label.
      const tet = cell(page, '2026-02-17');
      assert.match(await tet.getAttribute('class'), /\bcal-day--tet\b/);
      assert.match(await tet.getAttribute('class'), /\bcal-day--off\b/);
      assert.equal(await tet.locator('.cal-day__lunar').innerText(), '1/1');
      assert.equal(await tet.locator('.cal-day__lmonth').innerText(), 'tháng Giêng');
      assert.equal(await tet.locator('.cal-day__tag').innerText(), 'Tết');
      assert.match(await tet.locator('.visually-hidden').innerText(),
        /^Thứ Ba 17\/02\/2026; âm lịch ngày 1 tháng Giêng năm Bính Ngọ; Tết: Tết Nguyên đán \(mùng 1 tháng Giêng\); ngày nghỉ\.$/);
      for (const d of ['2026-02-16', '2026-02-18', '2026-02-19', '2026-02-20']) {
        assert.match(await cell(page, d).getAttribute('class'), /\bcal-day--tet\b/, d);
      }
      // 29 tháng Chạp, the full moon of tháng Chạp, a plain working day
      assert.equal(await cell(page, '2026-02-16').locator('.cal-day__lunar').innerText(), '29/12');
      assert.equal(await cell(page, '2026-02-02').locator('.cal-day__lmonth').innerText(), 'tháng Chạp');
      const plain = cell(page, '2026-02-10');
      assert.doesNotMatch(await plain.getAttribute('class'), /cal-day--(?:off|tet|holiday)/);
      assert.equal(await plain.locator('.cal-day__tag').count(), 0);
      // Saturday 14/2 is a weekend day inside the break: weekend style, no tag
      assert.match(await cell(page, '2026-02-14').getAttribute('class'), /\bcal-day--weekend\b/);

      // The listed days and the citation of the 2026 notice
      const list = page.locator('#cal-days');
      await list.getByText('Tết Nguyên đán (mùng 1 tháng Giêng)').waitFor();
      assert.equal(await list.locator('li').count(), 5);
      assert.match(await page.locator('#cal-origin').innerText(), /Theo thông báo nghỉ lễ của năm/);
      assert.match(await page.locator('#cal-source').innerText(), /12729\/VPCP-KGVX/);
      assert.equal(await page.getByRole('heading', { name: 'Căn cứ bảng ngày nghỉ năm 2026' }).count(), 1);
      await checkA11y(page);

      // January: the swapped Friday 2/1 and the Saturday 10/1 worked
      await page.getByRole('button', { name: '‹ Tháng trước' }).click();
      await page.getByRole('heading', { level: 2, name: /Tháng 1 năm 2026/ }).waitFor();
      assert.match(page.url(), /\?y=2026&m=1$/);
      assert.match(await cell(page, '2026-01-02').getAttribute('class'), /\bcal-day--swap_off\b/);
      assert.equal(await cell(page, '2026-01-02').locator('.cal-day__tag').innerText(), 'Nghỉ hoán đổi');
      const sat = cell(page, '2026-01-10');
      assert.match(await sat.getAttribute('class'), /\bcal-day--swap_work\b/);
      assert.doesNotMatch(await sat.getAttribute('class'), /\bcal-day--off\b/);
      assert.equal(await sat.locator('.cal-day__tag').innerText(), 'Làm bù');
      await checkA11y(page);

      // April: Giỗ Tổ on Sunday 26/4 and the compensatory Monday
      await page.getByLabel('Tháng', { exact: true }).selectOption('4');
      await page.getByLabel('Năm', { exact: true }).fill('2026');
      await page.getByRole('button', { name: 'Xem', exact: true }).click();
      await page.getByRole('heading', { level: 2, name: /Tháng 4 năm 2026/ }).waitFor();
      assert.match(await cell(page, '2026-04-27').getAttribute('class'), /\bcal-day--compensatory\b/);
      assert.match(await cell(page, '2026-04-26').getAttribute('class'), /\bcal-day--holiday\b/);

      // Back in history, then today in Vietnam
      await page.goBack();
      await page.getByRole('heading', { level: 2, name: /Tháng 1 năm 2026/ }).waitFor();
      await page.getByRole('button', { name: 'Hôm nay' }).click();
      const now = Date.now();
      const { year, month } = vnMonth(0, now);
      await page.getByRole('heading', { level: 2, name: new RegExp(`Tháng ${month} năm ${year}`) }).waitFor();
      const today = cell(page, vnDate(0, now));
      assert.equal(await today.getAttribute('aria-current'), 'date');
      assert.equal(await page.locator('td[aria-current="date"]').count(), 1);
      assertClean('calendar month view');
    } finally {
      await context.close();
    }
  });

  it('marks leap months (tháng Sáu nhuận 2025)', T, async () => {
    const { context, page, assertClean } = await newPage(browser);
    try {
      await page.goto(`${server.url}/portal/calendar.html?y=2025&m=7`);
      await page.getByRole('heading', { level: 2, name: /Tháng 7 năm 2025/ }).waitFor();
      const first = cell(page, '2025-07-25');
      assert.equal(await first.locator('.cal-day__lunar').innerText(), '1/6N');
      assert.equal(await first.locator('.cal-day__lmonth').innerText(), 'tháng Sáu nhuận');
      assert.equal(await cell(page, '2025-07-24').locator('.cal-day__lunar').innerText(), '30/6');
      await page.getByText('N: tháng âm lịch nhuận').waitFor();
      assertClean('leap month');
    } finally {
      await context.close();
    }
  });

  it('fits a phone, prints without the controls, switches to English', T, async () => {
    const { context, page, assertClean } = await newPage(browser, { viewport: { width: 360, height: 740 } });
    try {
      await page.goto(`${server.url}/portal/calendar.html?y=2026&m=2`);
      await page.getByRole('heading', { level: 2, name: /Tháng 2 năm 2026/ }).waitFor();
      assert.equal(await hasHorizontalScroll(page), false, 'sideways scroll on a phone');
      assert.equal(await page.locator('.cal-wd__short').first().innerText(), 'T2');
      await checkA11y(page);

      await page.emulateMedia({ media: 'print' });
      assert.equal(await page.locator('#cal-jump').isVisible(), false);
      assert.equal(await page.getByRole('button', { name: 'Tháng sau ›' }).isVisible(), false);
      assert.equal(await cell(page, '2026-02-17').isVisible(), true);
      await page.emulateMedia({ media: 'screen' });

      await page.getByRole('button', { name: 'English' }).click();
      await page.getByRole('heading', { level: 2, name: /2\/2026/ }).waitFor();
      assert.equal(await cell(page, '2026-02-17').locator('.cal-day__tag').innerText(), 'Tết');
      assert.equal(await cell(page, '2026-01-01').count(), 0);
      await page.getByRole('heading', { name: 'Source of the 2026 holiday table' }).waitFor();
      await page.getByRole('button', { name: 'Tiếng Việt' }).click();
      await page.getByRole('heading', { level: 2, name: /Tháng 2 năm 2026/ }).waitFor();
      assertClean('calendar on a phone');
    } finally {
      await context.close();
    }
  });

  it('lets an administrator edit a year and the public view follows', T, async () => {
    const { context, page, assertClean } = await newPage(browser, { allow: allowed });
    page.on('dialog', (d) => d.accept());
    try {
      await page.goto(`${server.url}/staff/admin/calendar.html?year=2027`);
      await page.waitForURL(/\/staff\/login\.html\?/);
      assert.equal(new URL(page.url()).searchParams.get('next'), '/staff/admin/calendar.html?year=2027');
      await signIn(page, server.url, 'quantri', PW);
      await page.waitForURL(`${server.url}/staff/admin/calendar.html?year=2027`);
      await page.getByRole('heading', { level: 1, name: 'Lịch ngày nghỉ, ngày làm bù' }).waitFor();
      await page.getByRole('heading', { level: 2, name: 'Bảng ngày nghỉ năm 2027' }).waitFor();
      await page.getByText('Đang áp dụng: ngày nghỉ tính tự động theo Bộ luật Lao động').waitFor();
      const form = page.locator('#cala-form');
      const before = await form.locator('fieldset[data-row]').count();
      assert.ok(before >= 8, `computed 2027 table has ${before} days`);
      await checkA11y(page);

      // A new day: Wednesday 3/3/2027, first as a "Saturday worked" (refused)
      await form.getByLabel('Căn cứ (số, ngày văn bản thông báo)').fill('Thông báo thử nghiệm số 9/TB-E2E ngày 01/12/2026');
      await page.getByRole('button', { name: '+ Thêm ngày' }).click();
      const row = form.locator('fieldset[data-row]').last();
      await row.getByLabel('Ngày', { exact: true }).fill('2027-03-03');
      await row.getByLabel('Loại ngày').selectOption('swap_work');
      await row.getByLabel('Tên hiển thị').fill('Ngày nghỉ thử nghiệm e2e');
      assert.match(await row.locator('legend').innerText(), /Thứ Tư 03\/03\/2027/);
      await page.getByRole('button', { name: 'Lưu bảng ngày nghỉ' }).click();
      const alert = form.locator('[data-problem]');
      await alert.getByText('Vui lòng kiểm tra lại thông tin').waitFor();
      assert.match(await alert.innerText(), /swap_work phải rơi vào thứ Bảy hoặc Chủ nhật/);
      assert.equal(await row.getByLabel('Loại ngày').getAttribute('aria-invalid'), 'true');
      await checkA11y(page);

      // Fixed: a holiday.  Saved, and the page shows the edited table.
      await row.getByLabel('Loại ngày').selectOption('holiday');
      await page.getByRole('button', { name: 'Lưu bảng ngày nghỉ' }).click();
      await page.getByRole('status').filter({ hasText: 'Đã lưu bảng ngày nghỉ năm 2027' }).waitFor();
      await page.getByText('Đang áp dụng: bảng do quản trị viên sửa').waitFor();
      assert.equal(await form.locator('fieldset[data-row]').count(), before + 1);
      assert.equal(await form.locator('[aria-invalid="true"]').count(), 0);
      await page.getByRole('button', { name: 'Bỏ chỉnh sửa, dùng bảng mặc định' }).waitFor();

      // The public month view shows it at once, with the new citation.
      const pub = await context.newPage();
      await pub.goto(`${server.url}/portal/calendar.html?y=2027&m=3`);
      await pub.getByRole('heading', { level: 2, name: /Tháng 3 năm 2027/ }).waitFor();
      const day = cell(pub, '2027-03-03');
      assert.match(await day.getAttribute('class'), /\bcal-day--holiday\b/);
      assert.equal(await day.locator('.cal-day__tag').innerText(), 'Nghỉ lễ');
      await pub.locator('#cal-days').getByText('Ngày nghỉ thử nghiệm e2e').waitFor();
      assert.match(await pub.locator('#cal-source').innerText(), /9\/TB-E2E/);
      await pub.close();

      // And a deadline crosses it.
      const due = await page.evaluate(async () => (await fetch('/api/v1/calendar/due?from=2027-03-02T10:00:00%2B07:00&days=1')).json());
      assert.equal(due.due, '2027-03-04T17:00:00+07:00');

      // Reset: back to the computed days, the public view too.
      await page.getByRole('button', { name: 'Bỏ chỉnh sửa, dùng bảng mặc định' }).click();
      await page.getByRole('status').filter({ hasText: 'Đã bỏ chỉnh sửa' }).waitFor();
      await page.getByText('Đang áp dụng: ngày nghỉ tính tự động theo Bộ luật Lao động').waitFor();
      assert.equal(await form.locator('fieldset[data-row]').count(), before);
      const pub2 = await context.newPage();
      await pub2.goto(`${server.url}/portal/calendar.html?y=2027&m=3`);
      await pub2.getByRole('heading', { level: 2, name: /Tháng 3 năm 2027/ }).waitFor();
      assert.doesNotMatch(await cell(pub2, '2027-03-03').getAttribute('class'), /cal-day--holiday/);
      await pub2.close();
      assertClean('calendar administration');
    } finally {
      await context.close();
    }
  });

  it('tells a signed-in official without the permission', T, async () => {
    const { context, page, assertClean } = await newPage(browser, { allow: allowed });
    try {
      await page.goto(`${server.url}/staff/login.html?next=/staff/admin/calendar.html`);
      await signIn(page, server.url, 'tiepnhan', PW);
      await page.waitForURL(`${server.url}/staff/admin/calendar.html`);
      await page.getByRole('alert').filter({ hasText: 'Không có quyền sửa lịch' }).waitFor();
      assert.equal(await page.locator('#cala-editor').isVisible(), false);
      await checkA11y(page);
      assertClean('calendar administration without permission');
    } finally {
      await context.close();
    }
  });
});

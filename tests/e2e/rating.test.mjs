// Satisfaction ratings in the browser, against the real binary
// (docs/RATING.md): the rating form on the public lookup page (radio groups
// operated by keyboard, a missing answer explained, the thank-you without
// the comment, English), the paper-slip form on the staff dossier page, and
// the dashboard's satisfaction card and monthly satisfaction chart showing
// the month's value against the 75 % target. Data: `motcua seed`, `motcua dossier demo`, two dossiers that
// have their result from `motcua dossier list`.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launchBrowser, newPage, checkA11y, hasHorizontalScroll,
} from './lib/harness.mjs';
import { DATA, addUser, allowAuth401, demo, dossierRows, dossierShow, seed, signIn } from './lib/setup.mjs';

const T = { timeout: 120_000 };
const PW = 'Mật-khẩu-trình-duyệt-2025';
const COMMENT = 'Ý kiến riêng không được công khai 4711';

describe('satisfaction ratings', { concurrency: 1 }, () => {
  let server;
  let browser;
  let online; // rated by the applicant on the lookup page
  let slip; // entered at the desk

  before(async () => {
    server = await startServer({ args: ['--data', DATA] });
    await seed(server);
    // No demo ratings: this test rates two dossiers and counts on them.
    await demo(server, { count: 40, days: 60, ratings: 0 });
    await addUser(server, { username: 'quantri', role: 'admin', agency: '000.00.00.H19', name: 'Nguyễn Văn Quản', password: PW });
    const rows = await dossierRows(server, ['--status', 'result_ready,returned']);
    assert.ok(rows.length >= 2, `two dossiers with a result in\n${rows.join('\n')}`);
    online = await dossierShow(server, rows[0][0]);
    slip = await dossierShow(server, rows[1][0]);
    // A desk official of the slip dossier's receiving agency.
    await addUser(server, { username: 'quaythu', role: 'receiver', agency: slip.agency.code, name: 'Đỗ Thị Quầy', password: PW });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('lets the applicant rate from the lookup page, by keyboard, and thanks without the comment', T, async () => {
    const { context, page, assertClean } = await newPage(browser, { viewport: { width: 375, height: 800 } });
    try {
      await page.goto(`${server.url}/portal/lookup.html?${new URLSearchParams({ code: online.code, key: online.lookup_key })}`);
      const sec = page.locator('#lookup-rating');
      await sec.getByRole('heading', { name: 'Đánh giá mức độ hài lòng' }).waitFor();
      // Five radio groups, each a fieldset with its legend.
      const groups = sec.getByRole('group');
      assert.equal(await groups.count(), 5);
      const access = sec.getByRole('group', { name: 'Tiếp cận dịch vụ' });
      // Keyboard: focus the first level, the arrow key moves the choice.
      await access.getByLabel('Rất hài lòng').focus();
      await page.keyboard.press('Space');
      assert.equal(await access.getByLabel('Rất hài lòng').isChecked(), true);
      await page.keyboard.press('ArrowDown');
      assert.equal(await access.getByLabel('Hài lòng', { exact: true }).isChecked(), true);
      await sec.getByRole('group', { name: 'Thủ tục hành chính' }).getByLabel('Rất hài lòng').check();
      await sec.getByRole('group', { name: 'Kết quả giải quyết' }).getByLabel('Hài lòng', { exact: true }).check();
      // The officer criterion is left out: the form says so and sends nothing.
      await sec.getByRole('button', { name: 'Gửi đánh giá' }).click();
      const problem = sec.locator('[data-problem]');
      await problem.filter({ hasText: 'Hãy chọn một mức.' }).waitFor();
      assert.match(await problem.innerText(), /Cán bộ, công chức giải quyết/);
      await checkA11y(page);
      await sec.getByRole('group', { name: 'Cán bộ, công chức giải quyết' }).getByLabel('Rất hài lòng').check();
      await sec.getByLabel(/Ý kiến khác/).fill(COMMENT);
      assert.equal(await hasHorizontalScroll(page), false, 'no sideways scrolling on a phone');
      await sec.getByRole('button', { name: 'Gửi đánh giá' }).click();
      await sec.getByRole('heading', { name: 'Cảm ơn Ông/Bà đã đánh giá' }).waitFor();
      const text = await sec.innerText();
      assert.match(text, /Hài lòng \(không có tiêu chí nào “Không hài lòng”\)/);
      assert.match(text, /Không có phản ánh, kiến nghị/);
      assert.ok(!(await page.locator('body').innerText()).includes(COMMENT), 'the comment is not shown back');
      await checkA11y(page);
      // English, then a fresh lookup shows the rating (and the change button).
      await page.getByRole('button', { name: 'English' }).click();
      await sec.getByRole('heading', { name: 'Thank you for your rating' }).waitFor();
      await page.getByRole('button', { name: 'Tiếng Việt' }).click();
      await page.reload();
      await sec.getByRole('heading', { name: 'Hồ sơ đã được đánh giá' }).waitFor();
      await sec.getByRole('button', { name: 'Thay đổi đánh giá' }).waitFor();
      assertClean('lookup rating');
    } finally {
      await context.close();
    }
  });

  it('lets the desk enter a paper slip on the dossier page', T, async () => {
    const { context, page, assertClean } = await newPage(browser, { allow: allowAuth401 });
    try {
      await signIn(page, server.url, 'quaythu', PW, `/staff/dossier.html?code=${encodeURIComponent(slip.code)}`);
      const sec = page.locator('#dos-rating');
      await sec.getByRole('heading', { name: 'Nhập phiếu đánh giá' }).waitFor();
      assert.match(await sec.innerText(), /Chưa có đánh giá/);
      assert.equal(await sec.getByLabel('Phiếu đánh giá giấy').isChecked(), true);
      await sec.getByRole('group', { name: 'Tiếp cận dịch vụ' }).getByLabel('Hài lòng', { exact: true }).check();
      await sec.getByRole('group', { name: 'Thủ tục hành chính' }).getByLabel('Hài lòng', { exact: true }).check();
      await sec.getByRole('group', { name: 'Cán bộ, công chức giải quyết' }).getByLabel('Rất hài lòng').check();
      await sec.getByRole('group', { name: 'Kết quả giải quyết' }).getByLabel('Không hài lòng').check();
      await sec.getByLabel(/Ý kiến khác/).fill('Phải đi lại hai lần');
      await checkA11y(page);
      await sec.getByRole('button', { name: 'Lưu phiếu đánh giá' }).click();
      await sec.getByText('Đã lưu phiếu đánh giá.').waitFor();
      const text = await sec.innerText();
      assert.match(text, /Không hài lòng \(có tiêu chí “Không hài lòng”\)/);
      assert.match(text, /Phiếu đánh giá giấy/);
      assert.match(text, /Phải đi lại hai lần/); // staff read the comment
      assert.match(text, /Đỗ Thị Quầy/);
      // A slip may still be corrected for a few days.
      await sec.getByRole('heading', { name: 'Sửa phiếu đã nhập' }).waitFor();
      await checkA11y(page);
      assertClean('staff slip');
    } finally {
      await context.close();
    }
  });

  it('shows the month\'s satisfaction against 75 % on the dashboard', T, async () => {
    const { context, page, assertClean } = await newPage(browser, { allow: allowAuth401 });
    try {
      await signIn(page, server.url, 'quantri', PW, '/staff/dashboard.html');
      const card = page.locator('[data-indicator="satisfaction"]');
      await card.filter({ hasText: '2 lượt đánh giá' }).waitFor();
      const text = await card.innerText();
      // One of the two ratings is satisfied: 50 %, below the plan's 75 %.
      assert.match(text, /50\.0 %/);
      assert.match(text, /Chỉ tiêu: 75\.0 %/);
      assert.match(text, /Chưa đạt chỉ tiêu/);
      assert.match(await card.getAttribute('class'), /dash-card--bad/);
      // The monthly trend: this month's point is the same 50 % of two
      // ratings, drawn against the 75 % target line; no other month has any.
      const month = new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 7);
      const chart = page.locator('#dash-chart-satisfaction');
      await chart.locator('svg').waitFor();
      const desc = await chart.locator('svg desc').textContent();
      assert.ok(desc.includes(`${month}: 50.0 % (2)`), desc);
      assert.equal(await chart.locator('svg circle').count(), 1);
      assert.equal(await chart.locator('svg .chart-target').count(), 1);
      assert.match(await chart.locator('figcaption').innerText(), /Mức độ hài lòng theo tháng.*75 %/);
      await checkA11y(page);
      await page.getByRole('button', { name: 'English' }).click();
      await chart.locator('figcaption').filter({ hasText: 'Satisfaction per month' }).waitFor();
      assert.match(await card.innerText(), /2 ratings this month/);
      await checkA11y(page);
      await page.getByRole('button', { name: 'Tiếng Việt' }).click();
      assertClean('dashboard satisfaction');
    } finally {
      await context.close();
    }
  });
});

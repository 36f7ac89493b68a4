// Reports in the browser, against the real binary: the reports page
// (/staff/reports.html: the table in the form's layout, a number opening
// the dossiers behind it, exports, publishing), the leaders' dashboard
// (/staff/dashboard.html: targets, SVG charts, overdue dossiers, phone
// width, print CSS) and the public statistics page
// (/portal/statistics.html: no personal data). Data from `motcua seed` and
// `motcua dossier demo`.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launchBrowser, newPage, checkA11y, hasHorizontalScroll,
} from './lib/harness.mjs';
import {
  DATA, addUser, allowAuth401, demo, dossierRows, dossierShow, seed, signIn, vnMonth,
} from './lib/setup.mjs';

const T = { timeout: 120_000 };
const PW = 'Mật-khẩu-trình-duyệt-2025';

/** dd/mm/yyyy, as the pages write a date. */
const vn = (iso) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

describe('report pages', { concurrency: 1 }, () => {
  let server;
  let browser;
  let applicants = [];

  before(async () => {
    server = await startServer({ args: ['--data', DATA] });
    await seed(server);
    await demo(server, { count: 40, days: 60 });
    await addUser(server, { username: 'quantri', role: 'admin', agency: '000.00.00.H19', name: 'Nguyễn Văn Quản', password: PW });
    for (const r of (await dossierRows(server)).slice(0, 5)) {
      const d = await dossierShow(server, r[0]);
      applicants.push(d.applicant.name, d.applicant.phone, d.applicant.id_number, d.code);
    }
    applicants = applicants.filter(Boolean);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows the report, drills down to the dossiers and offers the exports', T, async () => {
    const { context, page, assertClean } = await newPage(browser, { allow: allowAuth401 });
    try {
      await signIn(page, server.url, 'quantri', PW, '/staff/reports.html');
      assert.match(await page.title(), /Báo cáo, thống kê — motcua/);
      // Two months back to now: the demo's dossiers are there. The page
      // loaded this month's report on its own; the figures read below must
      // be the range's, so wait until the page shows the range (a slower
      // answer to the first query must not be taken for it).
      await page.getByLabel('Kỳ báo cáo').selectOption('range');
      const from = vnMonth(-2).first;
      await page.getByLabel('Từ ngày').fill(from);
      await page.getByRole('button', { name: 'Xem báo cáo' }).click();
      await page.locator('#rpt-period').filter({ hasText: `Từ ${vn(from)} ` }).waitFor();
      await page.locator('#rpt-head').getByText('Số hồ sơ nhận giải quyết').waitFor();
      await page.locator('#rpt-head').getByText('Kỳ trước chuyển sang').waitFor();
      const toHandle = page.locator('#rpt-foot button[data-col="to_handle"]');
      const n = Number(await toHandle.innerText());
      assert.ok(n > 0, 'the demo dossiers are counted');
      await toHandle.click();
      const title = page.locator('#rpt-drill-title');
      await title.filter({ hasText: /hồ sơ/ }).waitFor();
      // Follow "Xem thêm" until the list is complete: it adds up to the cell.
      // (Each click waits for its page of rows: the button is away while it loads.)
      const rows = page.locator('#rpt-drill-body tr');
      for (let i = 0; i < 20 && await rows.count() < n; i += 1) {
        const before = await rows.count();
        await page.getByRole('button', { name: 'Xem thêm' }).click();
        await page.waitForFunction((b) => document.querySelectorAll('#rpt-drill-body tr').length > b, before);
      }
      await page.waitForFunction((want) => document.querySelectorAll('#rpt-drill-body tr').length === want, n);
      assert.match(await title.innerText(), new RegExp(`: ${n} hồ sơ$`));
      // Exports: the links answer CSV with a BOM and an XLSX workbook.
      const csvHref = await page.locator('#rpt-csv').getAttribute('href');
      const csv = await page.request.get(`${server.url}${csvHref}`);
      assert.equal(csv.status(), 200);
      const bytes = await csv.body();
      assert.deepEqual([...bytes.subarray(0, 3)], [0xEF, 0xBB, 0xBF]);
      assert.match(bytes.toString('utf8'), /Tổng cộng/);
      const xlsx = await page.request.get(`${server.url}${await page.locator('#rpt-xlsx').getAttribute('href')}`);
      assert.equal(xlsx.status(), 200);
      assert.equal((await xlsx.body()).subarray(0, 2).toString(), 'PK');
      // A finished month can be published by the administrator.
      await page.getByLabel('Kỳ báo cáo').selectOption('month');
      const last = vnMonth(-1);
      await page.getByLabel('Từ ngày').fill(last.first);
      await page.getByLabel('Đến ngày').fill(last.last);
      await page.getByRole('button', { name: 'Xem báo cáo' }).click();
      await page.locator('#rpt-period').filter({ hasText: `Từ ${vn(last.first)} đến ${vn(last.last)} ` }).waitFor();
      await page.getByRole('button', { name: 'Chốt số liệu kỳ này' }).click();
      await page.locator('#rpt-published').filter({ hasText: 'đã được chốt' }).waitFor();
      assert.equal(await page.getByRole('button', { name: 'Chốt số liệu kỳ này' }).isHidden(), true);
      await checkA11y(page);
      assertClean('reports page');
    } finally {
      await context.close();
    }
  });

  it('shows the dashboard with targets, charts and overdue dossiers, on a phone and in print', T, async () => {
    const { context, page, assertClean } = await newPage(browser, { allow: allowAuth401, viewport: { width: 375, height: 740 } });
    try {
      await signIn(page, server.url, 'quantri', PW, '/staff/dashboard.html');
      const cards = page.locator('#dash-cards .dash-card');
      await cards.first().waitFor();
      assert.equal(await cards.count(), 4);
      assert.match(await page.locator('[data-indicator="on_time_rate"]').innerText(), /Chỉ tiêu: 90\.0 %/);
      assert.match(await page.locator('[data-indicator="level34_share"]').innerText(), /Chỉ tiêu: 50\.0 %/);
      // The demo rated its dossiers: the card shows this month's figure (or
      // says there is none yet, early in a month), the monthly chart one
      // point per month with ratings against the 75 % target.
      const trend = await (await page.request.get(`${server.url}/api/v1/reports/trend?months=12`)).json();
      const rated = trend.items.filter((i) => i.rated > 0);
      assert.ok(rated.length >= 1, 'the demo made ratings');
      assert.equal(trend.targets.satisfaction_rate, 0.75);
      const satCard = page.locator('[data-indicator="satisfaction"]');
      assert.match(await satCard.innerText(), /Chỉ tiêu: 75\.0 %/);
      const value = await satCard.locator('.dash-card__value').innerText();
      assert.match(value, /^(?:\d{1,3}\.\d %|—)$/);
      assert.equal(value === '—', /Chưa có số liệu/.test(await satCard.innerText()));
      const sat = page.locator('#dash-chart-satisfaction');
      await sat.locator('svg').waitFor();
      assert.equal(await sat.locator('svg circle').count(), rated.length);
      assert.equal(await sat.locator('svg .chart-target').count(), 1);
      const satDesc = await sat.locator('svg desc').textContent();
      for (const i of rated) {
        assert.ok(satDesc.includes(`${i.month}: ${(i.satisfaction_rate * 100).toFixed(1)} % (${i.rated})`), satDesc);
      }
      await page.locator('#dash-chart-rate svg').waitFor();
      assert.equal(await page.locator('#dash-chart-rate svg circle').count() > 0, true);
      assert.equal(await page.locator('#dash-chart-volume svg rect').count(), 24);
      assert.match(await page.locator('#dash-chart-rate svg desc').textContent(), /\d{4}-\d\d: /);
      await page.locator('#dash-overdue-body tr').first().waitFor();
      assert.equal(await hasHorizontalScroll(page), false, 'no sideways scrolling on a phone');
      await checkA11y(page);
      await page.emulateMedia({ media: 'print' });
      assert.equal(await page.locator('.site-nav').isHidden(), true);
      assert.equal(await page.locator('#dash-chart-rate svg').isVisible(), true);
      assertClean('dashboard');
    } finally {
      await context.close();
    }
  });

  it('publishes each agency\'s figures without personal data', T, async () => {
    const { context, page, assertClean } = await newPage(browser);
    try {
      await page.goto(`${server.url}/portal/statistics.html?kind=month`);
      assert.match(await page.title(), /Công khai kết quả giải quyết — motcua/);
      await page.locator('#stat-foot tr').waitFor();
      assert.ok(await page.locator('#stat-body tr').count() >= 1);
      assert.match(await page.locator('#stat-period').innerText(), /số liệu tính đến/);
      const body = await page.locator('body').innerText();
      for (const secret of applicants) assert.ok(!body.includes(secret), `the page shows ${secret}`);
      await page.getByLabel('Kỳ', { exact: true }).selectOption('week');
      await page.getByRole('button', { name: 'Xem', exact: true }).click();
      // The week's answer is on the page (its links say so), not the month's.
      await page.locator('#stat-csv[href*="kind=week"]').waitFor({ state: 'attached' });
      await page.locator('#stat-period').filter({ hasText: /Từ/ }).waitFor();
      const csv = await page.request.get(`${server.url}${await page.locator('#stat-csv').getAttribute('href')}`);
      assert.equal(csv.status(), 200);
      const text = (await csv.body()).toString('utf8');
      for (const secret of applicants) assert.ok(!text.includes(secret), `the open data holds ${secret}`);
      await checkA11y(page);
      assertClean('public statistics');
    } finally {
      await context.close();
    }
  });
});

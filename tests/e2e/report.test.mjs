// Reports in the browser, against the real binary: the reports page
// (/staff/reports.html: the table in the form's layout, a number opening
// the dossiers behind it, exports, publishing), the leaders' dashboard
// (/staff/dashboard.html: targets, SVG charts, overdue dossiers, phone
// width, print CSS) and the public statistics page
// (/portal/statistics.html: no personal data). Data from `motcua seed` and
// `motcua dossier demo`.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  startServer, launchBrowser, newPage, checkA11y, hasHorizontalScroll,
} from './lib/harness.mjs';

const T = { timeout: 120_000 };
const here = path.dirname(fileURLToPath(import.meta.url));
const DATA = path.resolve(here, '../../data');
const PW = 'Mật-khẩu-trình-duyệt-2025';

function motcua(args, input = '') {
  return new Promise((resolve, reject) => {
    const child = spawn(process.env.MOTCUA_BIN, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`motcua ${args.join(' ')}: timeout`)); }, 90_000);
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

const allow401 = (url, status) => status === 401 && /\/api\/v1\/auth\/(?:login|me)$/.test(url);

async function signIn(page, base, next) {
  await page.goto(`${base}/staff/login.html?${new URLSearchParams({ next })}`);
  await page.getByLabel('Tên đăng nhập').fill('quantri');
  await page.getByLabel('Mật khẩu').fill(PW);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.waitForURL(`${base}${next}`);
  await page.locator('[data-staff-user]').waitFor();
}

describe('report pages', { concurrency: 1 }, () => {
  let server;
  let browser;
  let applicants = [];

  before(async () => {
    server = await startServer({ args: ['--data', DATA] });
    const db = ['--db', server.dbUrl, '--data', DATA];
    await motcua(['seed', ...db]);
    await motcua(['dossier', 'demo', '--count', '40', '--days', '60', ...db]);
    await motcua(['user', 'add', '--username', 'quantri', '--role', 'admin', '--agency', '000.00.00.H19',
      '--name', 'Nguyễn Văn Quản', '--db', server.dbUrl], `${PW}\n`);
    const rows = (await motcua(['dossier', 'list', ...db])).trim().split('\n').map((l) => l.split('\t'));
    for (const r of rows.slice(0, 5)) {
      const d = JSON.parse(await motcua(['dossier', 'show', r[0], ...db]));
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
    const { context, page, assertClean } = await newPage(browser, { allow: allow401 });
    try {
      await signIn(page, server.url, '/staff/reports.html');
      assert.match(await page.title(), /Báo cáo, thống kê — motcua/);
      // Two months back to now: the demo's dossiers are there.
      await page.getByLabel('Kỳ báo cáo').selectOption('range');
      const now = new Date();
      const from = new Date(now.getFullYear(), now.getMonth() - 2, 1);
      const pad = (n) => String(n).padStart(2, '0');
      await page.getByLabel('Từ ngày').fill(`${from.getFullYear()}-${pad(from.getMonth() + 1)}-01`);
      await page.getByRole('button', { name: 'Xem báo cáo' }).click();
      const total = page.locator('#rpt-foot tr');
      await total.waitFor();
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
      const last = new Date(now.getFullYear(), now.getMonth() - 1, 1);
      await page.getByLabel('Từ ngày').fill(`${last.getFullYear()}-${pad(last.getMonth() + 1)}-01`);
      const end = new Date(now.getFullYear(), now.getMonth(), 0);
      await page.getByLabel('Đến ngày').fill(`${end.getFullYear()}-${pad(end.getMonth() + 1)}-${pad(end.getDate())}`);
      await page.getByRole('button', { name: 'Xem báo cáo' }).click();
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
    const { context, page, assertClean } = await newPage(browser, { allow: allow401, viewport: { width: 375, height: 740 } });
    try {
      await signIn(page, server.url, '/staff/dashboard.html');
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

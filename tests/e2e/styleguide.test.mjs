// The style guide shows every component of the design system; it must pass
// axe, keep a clean console, and its live examples must behave.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launchBrowser, newPage, checkA11y, hasHorizontalScroll,
} from './lib/harness.mjs';

const T = { timeout: 30_000 };
const STATUSES = ['submitted', 'received', 'processing', 'awaiting_supplement', 'awaiting_payment',
  'result_ready', 'returned', 'refused', 'rejected', 'withdrawn', 'stopped'];

describe('style guide', { concurrency: 1 }, () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('loads, passes axe and keeps a clean console', T, async () => {
    const { context, page, assertClean } = await newPage(browser);
    try {
      const res = await page.goto(`${server.url}/styleguide.html`);
      assert.equal(res.status(), 200);
      assert.match(res.headers()['content-type'], /^text\/html/);
      assert.match(await page.title(), /motcua/);
      assert.equal(await page.getAttribute('html', 'lang'), 'vi');
      await page.getByRole('heading', { level: 1, name: 'Hệ thống thiết kế giao diện' }).waitFor();
      await page.locator('#demo-table tbody tr').nth(4).waitFor();
      await checkA11y(page);
      assertClean('style guide');
    } finally {
      await context.close();
    }
  });

  it('shows every dossier status as a distinct, labelled badge', T, async () => {
    const { context, page, assertClean } = await newPage(browser);
    try {
      await page.goto(`${server.url}/styleguide.html`);
      const badges = await page.evaluate((statuses) => statuses.map((s) => {
        const el = document.querySelector(`#badge-list .badge--${s}`);
        if (!el) return { s, missing: true };
        const cs = getComputedStyle(el);
        return { s, text: el.textContent.trim(), colours: `${cs.color}|${cs.backgroundColor}` };
      }), STATUSES);
      for (const b of badges) {
        assert.ok(!b.missing, `badge for ${b.s} is missing`);
        assert.ok(b.text.length > 2, `badge for ${b.s} has no text label`);
      }
      assert.equal(new Set(badges.map((b) => b.colours)).size, STATUSES.length, 'two statuses share colours');
      assert.equal(new Set(badges.map((b) => b.text)).size, STATUSES.length, 'two statuses share a label');
      assertClean('style guide');
    } finally {
      await context.close();
    }
  });

  it('pages through the table and shows Vietnam time in any browser zone', T, async () => {
    // A browser in New York must still see Vietnam time (UTC+7).
    const { context, page, assertClean } = await newPage(browser, { timezoneId: 'America/New_York' });
    try {
      await page.goto(`${server.url}/styleguide.html`);
      const rows = page.locator('#demo-table tbody tr');
      const bar = page.getByRole('navigation', { name: 'Phân trang hồ sơ' });
      const prev = bar.getByRole('button', { name: 'Trang trước' });
      const next = bar.getByRole('button', { name: 'Trang sau' });
      await rows.nth(4).waitFor();
      assert.equal(await rows.count(), 5);
      // 2026-11-30T01:15:00Z is 08:15 in Vietnam (and 20:15 the day before in New York).
      assert.equal(await rows.nth(0).locator('td').nth(3).innerText(), '30/11/2026 08:15');
      assert.equal(await prev.getAttribute('aria-disabled'), 'true');
      assert.match(await bar.getByRole('status').innerText(), /Trang 1/);

      await next.click();
      await page.locator('#demo-table tbody tr:first-child code', { hasText: '-0006' }).waitFor();
      assert.match(await bar.getByRole('status').innerText(), /Trang 2/);
      await next.click();
      await page.locator('#demo-table tbody tr:first-child code', { hasText: '-0011' }).waitFor();
      assert.equal(await rows.count(), 2);
      assert.equal(await next.getAttribute('aria-disabled'), 'true');

      await prev.click();
      await page.locator('#demo-table tbody tr:first-child code', { hasText: '-0006' }).waitFor();
      await prev.click();
      await page.locator('#demo-table tbody tr:first-child code', { hasText: '-0001' }).waitFor();
      assert.equal(await prev.getAttribute('aria-disabled'), 'true');
      assertClean('style guide');
    } finally {
      await context.close();
    }
  });

  it('shows a server problem on the form and clears it again', T, async () => {
    const { context, page, assertClean } = await newPage(browser);
    try {
      await page.goto(`${server.url}/styleguide.html`);
      const form = page.locator('#demo-form');
      await form.getByRole('button', { name: 'Gửi thử' }).click();

      const alert = form.getByRole('alert');
      await alert.waitFor();
      assert.match(await alert.innerText(), /Vui lòng kiểm tra lại thông tin/);
      assert.equal(await alert.evaluate((el) => el === document.activeElement), true, 'the alert takes focus');

      const id = form.getByLabel('Số định danh cá nhân');
      assert.equal(await id.getAttribute('aria-invalid'), 'true');
      const described = (await id.getAttribute('aria-describedby')).split(' ');
      assert.ok(described.includes('demo-id-hint'), 'hint no longer described');
      const errId = described.find((x) => x !== 'demo-id-hint');
      assert.match(await page.locator(`#${errId}`).innerText(), /12 chữ số/);
      assert.equal(await id.evaluate((el) => el.closest('.field').classList.contains('field--error')), true);

      // the summary link moves focus to the field
      await alert.getByRole('link', { name: /Số điện thoại: Vui lòng nhập/ }).click();
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'demo-phone');
      await checkA11y(page);

      await form.getByRole('button', { name: 'Xóa lỗi' }).click();
      assert.equal(await alert.isVisible(), false);
      assert.equal(await id.getAttribute('aria-invalid'), null);
      assert.equal(await id.getAttribute('aria-describedby'), 'demo-id-hint');
      assert.equal(await form.locator('.field--error').count(), 0);
      assertClean('style guide');
    } finally {
      await context.close();
    }
  });

  it('fits a 360 px phone and hides navigation in print', T, async () => {
    const { context, page, assertClean } = await newPage(browser, { viewport: { width: 360, height: 740 } });
    try {
      await page.goto(`${server.url}/styleguide.html`);
      await page.locator('#demo-table tbody tr').nth(4).waitFor();
      assert.equal(await hasHorizontalScroll(page), false, 'page scrolls sideways at 360 px');
      await checkA11y(page);

      await page.emulateMedia({ media: 'print' });
      for (const sel of ['.site-nav', '.lang-switch', '.site-footer', '.paging', '.skip-link']) {
        const display = await page.locator(sel).first().evaluate((el) => getComputedStyle(el).display);
        assert.equal(display, 'none', `${sel} is printed`);
      }
      assert.notEqual(await page.locator('h1').evaluate((el) => getComputedStyle(el).display), 'none');
      assertClean('style guide');
    } finally {
      await context.close();
    }
  });
});

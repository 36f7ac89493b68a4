// The home page: title, language, language switch, accessibility, phone
// width, clean console; run against the real binary (MOTCUA_BIN).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launchBrowser, newPage, checkA11y, hasHorizontalScroll,
} from './lib/harness.mjs';

const T = { timeout: 30_000 };

describe('home page', { concurrency: 1 }, () => {
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

  it('is Vietnamese, titled motcua, and passes axe with a clean console', T, async () => {
    const { context, page, assertClean } = await newPage(browser);
    try {
      const res = await page.goto(`${server.url}/`);
      assert.equal(res.status(), 200);
      const csp = res.headers()['content-security-policy'] || '';
      assert.match(csp, /script-src 'self'/, 'the server must send its CSP so the test sees violations');

      assert.match(await page.title(), /motcua/);
      assert.match(await page.title(), /Một cửa điện tử/);
      assert.equal(await page.getAttribute('html', 'lang'), 'vi');

      // One h1, Vietnamese with its diacritics.
      assert.equal(await page.locator('h1').count(), 1);
      assert.match(await page.locator('h1').innerText(), /thủ tục hành chính/);

      // Navigation separates the citizen portal from the staff workspace.
      const nav = page.getByRole('navigation', { name: 'Điều hướng chính' });
      for (const name of ['Tra cứu thủ tục', 'Tra cứu hồ sơ', 'Nộp hồ sơ trực tuyến']) {
        await nav.getByRole('list', { name: 'Công dân, doanh nghiệp' }).getByRole('link', { name }).waitFor();
      }
      await nav.getByRole('list', { name: 'Cán bộ' }).getByRole('link', { name: 'Đăng nhập cán bộ' }).waitFor();
      assert.equal(await nav.getByRole('link', { name: 'Đăng nhập cán bộ' }).getAttribute('href'), '/staff/login.html');

      // Stylesheet applied (no CSP or MIME problem): the nav bar is the brand blue.
      const navBg = await page.locator('.site-nav').evaluate((el) => getComputedStyle(el).backgroundColor);
      assert.equal(navBg, 'rgb(10, 77, 140)');

      // Favicon is linked (the browser must not go looking for /favicon.ico).
      assert.equal(await page.getAttribute('link[rel="icon"]', 'href'), '/favicon.svg');
      const fav = await page.request.get(`${server.url}/favicon.svg`);
      assert.equal(fav.status(), 200);
      assert.match(fav.headers()['content-type'], /^image\/svg\+xml/);

      // The status line reads GET /healthz.
      await page.getByRole('status').filter({ hasText: 'Hệ thống hoạt động' }).waitFor();

      // Skip link goes to main.
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => document.activeElement?.getAttribute('href'));
      assert.equal(focused, '#main');

      await checkA11y(page);
      assertClean('home page');
    } finally {
      await context.close();
    }
  });

  it('switches to English and back, and remembers the choice', T, async () => {
    const { context, page, assertClean } = await newPage(browser);
    try {
      await page.goto(`${server.url}/`);
      const vi = page.getByRole('button', { name: 'Tiếng Việt' });
      const en = page.getByRole('button', { name: 'English' });
      assert.equal(await vi.getAttribute('aria-pressed'), 'true');
      assert.equal(await en.getAttribute('aria-pressed'), 'false');
      const h1vi = await page.locator('h1').innerText();

      await en.click();
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
      assert.equal(await en.getAttribute('aria-pressed'), 'true');
      assert.equal(await vi.getAttribute('aria-pressed'), 'false');
      assert.match(await page.locator('h1').innerText(), /Administrative procedures/);
      const nav = page.getByRole('navigation', { name: 'Main navigation' });
      await nav.getByRole('link', { name: 'Track a dossier' }).waitFor();
      await nav.getByRole('link', { name: 'Staff sign-in' }).waitFor();
      assert.match(await page.title(), /motcua/);
      assert.match(await page.title(), /One-stop/);
      await page.getByRole('status').filter({ hasText: 'System operational' }).waitFor();

      // Remembered across a reload.
      await page.reload();
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
      assert.match(await page.locator('h1').innerText(), /Administrative procedures/);
      assert.equal(await page.getByRole('button', { name: 'English' }).getAttribute('aria-pressed'), 'true');
      await checkA11y(page);

      // And back.
      await page.getByRole('button', { name: 'Tiếng Việt' }).click();
      assert.equal(await page.getAttribute('html', 'lang'), 'vi');
      assert.equal(await page.locator('h1').innerText(), h1vi);
      await page.getByRole('navigation', { name: 'Điều hướng chính' })
        .getByRole('link', { name: 'Tra cứu hồ sơ' }).waitFor();
      await page.reload();
      assert.equal(await page.getAttribute('html', 'lang'), 'vi');
      assert.equal(await page.locator('h1').innerText(), h1vi);
      assertClean('home page (language switch)');
    } finally {
      await context.close();
    }
  });

  it('every translated text exists in both dictionaries', T, async () => {
    const { context, page, assertClean } = await newPage(browser);
    try {
      await page.goto(`${server.url}/`);
      const missing = await page.evaluate(async () => {
        const { dict } = await import('/shared/js/i18n.js');
        const keys = new Set();
        for (const el of document.querySelectorAll('[data-i18n]')) keys.add(el.getAttribute('data-i18n'));
        for (const el of document.querySelectorAll('[data-i18n-attr]')) {
          for (const pair of el.getAttribute('data-i18n-attr').split(';')) keys.add(pair.split(':')[1].trim());
        }
        const out = [];
        for (const k of keys) for (const l of ['vi', 'en']) if (!(k in dict[l])) out.push(`${l}:${k}`);
        return out;
      });
      assert.deepEqual(missing, []);
      assertClean('home page');
    } finally {
      await context.close();
    }
  });

  it('is usable on a 375 px phone: no sideways scroll, menu opens and closes', T, async () => {
    const { context, page, assertClean } = await newPage(browser, {
      viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2,
    });
    try {
      await page.goto(`${server.url}/`);
      assert.equal(await hasHorizontalScroll(page), false, 'page scrolls sideways at 375 px');
      const nav = page.getByRole('navigation', { name: 'Điều hướng chính' });
      const names = ['Tra cứu thủ tục', 'Tra cứu hồ sơ', 'Nộp hồ sơ trực tuyến', 'Đăng nhập cán bộ'];

      // Folded behind the menu button, which sits in the first screenful.
      const menu = nav.getByRole('button', { name: 'Danh mục' });
      assert.equal(await menu.getAttribute('aria-expanded'), 'false');
      const mbox = await menu.boundingBox();
      assert.ok(mbox && mbox.y + mbox.height < 740, 'menu button is below the first screen');
      assert.ok(mbox.height >= 44, `menu button is too small to tap (${mbox.height}px)`);
      assert.equal(await nav.getByRole('link', { name: names[0] }).isVisible(), false);

      await menu.tap();
      assert.equal(await menu.getAttribute('aria-expanded'), 'true');
      for (const name of names) {
        const link = nav.getByRole('link', { name });
        assert.equal(await link.isVisible(), true, `${name} is not visible`);
        const box = await link.boundingBox();
        assert.ok(box.x >= 0 && box.x + box.width <= 375, `${name} sticks out of the screen`);
        assert.ok(box.height >= 44, `${name} is too small to tap (${box.height}px)`);
      }
      assert.equal(await hasHorizontalScroll(page), false, 'open menu scrolls sideways');
      await checkA11y(page);

      // Escape closes it and gives focus back to the button.
      await nav.getByRole('link', { name: names[1] }).focus();
      await page.keyboard.press('Escape');
      assert.equal(await menu.getAttribute('aria-expanded'), 'false');
      assert.equal(await menu.evaluate((el) => el === document.activeElement), true);

      // Still no sideways scroll in English (longer words).
      await page.getByRole('button', { name: 'English' }).tap();
      const navEn = page.getByRole('navigation', { name: 'Main navigation' });
      await navEn.getByRole('button', { name: 'Menu' }).tap();
      await navEn.getByRole('link', { name: 'Staff sign-in' }).waitFor();
      assert.equal(await hasHorizontalScroll(page), false, 'page scrolls sideways at 375 px in English');
      await checkA11y(page);
      assertClean('home page (phone)');
    } finally {
      await context.close();
    }
  });

  it('keeps the menu open on a desktop screen', T, async () => {
    const { context, page, assertClean } = await newPage(browser);
    try {
      await page.goto(`${server.url}/`);
      const nav = page.getByRole('navigation', { name: 'Điều hướng chính' });
      assert.equal(await nav.getByRole('button', { name: 'Danh mục' }).isVisible(), false);
      assert.equal(await nav.getByRole('link', { name: 'Nộp hồ sơ trực tuyến' }).isVisible(), true);
      assertClean('home page (desktop nav)');
    } finally {
      await context.close();
    }
  });

  it('leads to the apply-online page, which marks its own link and passes axe', T, async () => {
    const { context, page, assertClean } = await newPage(browser);
    try {
      await page.goto(`${server.url}/`);
      const nav = page.getByRole('navigation', { name: 'Điều hướng chính' });
      await nav.getByRole('link', { name: 'Nộp hồ sơ trực tuyến' }).click();
      await page.waitForURL(/\/portal\/submit\.html$/);
      assert.equal(await page.locator('h1').innerText(), 'Nộp hồ sơ trực tuyến');
      // The shared header was included by the server with this page's link current.
      const current = page.locator('.site-nav a[aria-current="page"]');
      assert.equal(await current.count(), 1);
      assert.equal(await current.getAttribute('href'), '/portal/submit.html');
      assert.equal(await page.locator('a[href="/portal/procedures.html?online_level=4"]').count(), 1);
      await checkA11y(page);
      await page.getByRole('button', { name: 'English' }).click();
      await page.getByRole('heading', { level: 1, name: 'Apply online' }).waitFor();
      // The shared header's labels are translated too (the menu may be folded).
      assert.equal((await page.locator('.site-nav a[href="/portal/calendar.html"]').textContent()).trim(), 'Working calendar');
      assertClean('apply-online page');
    } finally {
      await context.close();
    }
  });

  it('the server stops cleanly on SIGTERM', T, async () => {
    await browser.close();
    browser = null;
    const res = await server.stop();
    assert.equal(res.timedOut, undefined, 'server did not exit within the stop timeout');
    assert.equal(res.code, 0, `server exited ${res.code ?? res.signal}\n${res.stderr.slice(-4000)}`);
  });
});

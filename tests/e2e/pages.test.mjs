// The shared page parts (web/shared/partials/, docs/ARCHITECTURE.md "Shared
// page parts") as the server sends them: every page under web/ fetched from
// the real binary carries the head partial first in <head>, one footer, and
// no directive left over; in the browser the footer's status line works on
// both sides (portal and staff), the head and footer follow the language
// switch, and print leaves them out.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  startServer, launchBrowser, newPage, checkA11y, webDir,
} from './lib/harness.mjs';

const T = { timeout: 60_000 };

async function walk(dir) {
  const out = [];
  for (const ent of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name);
    if (ent.isDirectory()) out.push(...await walk(p));
    else if (ent.name.endsWith('.html')) out.push(p);
  }
  return out;
}

const web = webDir();
const urlOf = (file) => `/${path.relative(web, file).split(path.sep).join('/')}`;
const pages = (await walk(web)).map(urlOf).filter((u) => !u.startsWith('/shared/partials/'));
const partial = async (name) => readFile(path.join(web, 'shared/partials', `${name}.html`), 'utf8');
const count = (s, sub) => s.split(sub).length - 1;

/** The login page asks "am I signed in?" (401) before anyone is. */
const allowMe = (url, status) => (status === 401 || status === null) && /\/api\/v1\/auth\/me$/.test(url);

describe('shared page parts', { concurrency: 1 }, () => {
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

  it('every page is sent with its head partial first and one footer', T, async () => {
    const head = await partial('head');
    const footer = await partial('footer');
    assert.ok(pages.length >= 20, `only ${pages.length} pages found under ${web}`);
    const problems = [];
    for (const url of pages) {
      const res = await fetch(`${server.url}${url}`);
      const html = await res.text();
      const bad = (why) => problems.push(`${url}: ${why}`);
      if (res.status !== 200) { bad(`HTTP ${res.status}`); continue; }
      if (html.includes('<!--#include')) bad('an include directive was sent');
      const inHead = html.slice(html.indexOf('<head>') + '<head>'.length).trimStart();
      if (!inHead.startsWith(head.trimStart())) bad('<head> does not start with the head partial');
      if (count(html, head) !== 1) bad(`the head partial ${count(html, head)} times`);
      if (count(html, '<meta charset=') !== 1) bad('not exactly one charset');
      if (count(html, '<footer') !== 1) bad(`${count(html, '<footer')} footers`);
      if (url !== '/index.html' && !html.includes(footer)) bad('not the footer partial');
      if (!/<title data-i18n="[a-z0-9._]+">[^<]*motcua[^<]*<\/title>/.test(html) && url !== '/styleguide.html') {
        bad('no translatable <title> naming motcua');
      }
    }
    assert.deepEqual(problems, []);
  });

  it('the staff sign-in page shares the head and the status footer, in both languages', T, async () => {
    const { context, page, assertClean } = await newPage(browser, { allow: allowMe });
    try {
      await page.goto(`${server.url}/staff/login.html`);
      assert.equal(await page.getAttribute('meta[name="referrer"]', 'content'), 'no-referrer');
      assert.equal(await page.getAttribute('link[rel="icon"]', 'href'), '/favicon.svg');
      const footer = page.getByRole('contentinfo');
      await footer.getByRole('status').filter({ hasText: 'Hệ thống hoạt động' }).waitFor();
      await footer.getByText('© motcua — phần mềm một cửa điện tử').waitFor();
      await checkA11y(page);

      await page.getByRole('button', { name: 'English' }).click();
      await footer.getByRole('status').filter({ hasText: 'System operational' }).waitFor();
      await footer.getByText('© motcua — one-stop e-service software').waitFor();
      assert.match(await page.getAttribute('meta[name="description"]', 'content'), /^Sign in to the staff workspace/);
      await page.getByRole('button', { name: 'Tiếng Việt' }).click();
      await footer.getByRole('status').filter({ hasText: 'Hệ thống hoạt động' }).waitFor();
      assertClean('staff sign-in page');
    } finally {
      await context.close();
    }
  });

  it('public pages that lacked one have a description and the status line; print drops the footer', T, async () => {
    const want = {
      '/portal/statistics.html': [/^Số hồ sơ tiếp nhận/, /^Dossiers received/],
      '/portal/submit.html': [/^Cách nộp hồ sơ/, /^How to apply online/],
    };
    for (const [url, [vi, en]] of Object.entries(want)) {
      const { context, page, assertClean } = await newPage(browser);
      try {
        await page.goto(`${server.url}${url}`);
        assert.match(await page.getAttribute('meta[name="description"]', 'content'), vi, url);
        await page.getByRole('contentinfo').getByRole('status').filter({ hasText: 'Hệ thống hoạt động' }).waitFor();
        await page.getByRole('button', { name: 'English' }).click();
        assert.match(await page.getAttribute('meta[name="description"]', 'content'), en, url);
        await page.getByRole('contentinfo').getByRole('status').filter({ hasText: 'System operational' }).waitFor();
        await page.getByRole('button', { name: 'Tiếng Việt' }).click();
        assert.match(await page.getAttribute('meta[name="description"]', 'content'), vi, url);

        await page.emulateMedia({ media: 'print' });
        assert.equal(await page.locator('.site-footer').evaluate((el) => getComputedStyle(el).display), 'none', url);
        await page.emulateMedia({ media: 'screen' });
        assert.notEqual(await page.locator('.site-footer').evaluate((el) => getComputedStyle(el).display), 'none', url);
        await checkA11y(page);
        assertClean(url);
      } finally {
        await context.close();
      }
    }
  });
});

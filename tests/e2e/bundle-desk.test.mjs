// The desk's side of interlinked dossiers (liên thông) in the browser,
// against the real binary with the seed catalogue, at a ward that receives
// the group "birth registration + permanent residence + health-insurance
// card" (lt-khai-sinh): the reception page answers "incomplete" for the
// whole group and prints Mẫu 02 naming the component whose documents are
// missing; the staff dossier page withdraws the whole application at the
// applicant's request, and every agency's part stops with it; the apology
// page prints the group's one Mẫu 04 naming the late agency (two servers on
// one database, their clocks three working days apart).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, launchBrowser, newPage, checkA11y, hasHorizontalScroll } from './lib/harness.mjs';
import { DATA, addUser, allowAuth401, apiGet, apiSession, seed, signIn } from './lib/setup.mjs';

const T = { timeout: 150_000 };
const PW = 'Mật-khẩu-một-cửa-2025';
const DESK = '000.01.21.H19'; // a ward: its own one-stop desk, registers births itself

describe('interlinked dossiers at the desk', { concurrency: 1 }, () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer({ args: ['--data', DATA] });
    await seed(server);
    await addUser(server, { username: 'mc.tiepnhan', role: 'receiver', agency: DESK, name: 'Cán Bộ Một Cửa', password: PW });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** A server on the database `db` with its clock at `now`. */
  async function serverAt(db, now) {
    const saved = process.env.MOTCUA_DB_URL;
    process.env.MOTCUA_DB_URL = db;
    try {
      return await startServer({ args: ['--data', DATA], env: { MOTCUA_NOW: now } });
    } finally {
      if (saved === undefined) delete process.env.MOTCUA_DB_URL;
      else process.env.MOTCUA_DB_URL = saved;
    }
  }

  it('prints the group\'s one Mẫu 04 naming the late agency', T, async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'motcua-e2e-apology-'));
    const db = process.env.MOTCUA_DB_URL || `sqlite:${dir}/t.db`;
    let early;
    let late;
    try {
      early = await serverAt(db, '2026-03-16T09:00:00+07:00');
      await seed({ dbUrl: db });
      await addUser({ dbUrl: db }, { username: 'mc.tiepnhan', role: 'receiver', agency: DESK, name: 'Cán Bộ Một Cửa', password: PW })
        .catch(() => {}); // already there on a shared PostgreSQL
      let rcv = await apiSession(browser, early.url, 'mc.tiepnhan', PW);
      const bundle = await rcv.post('dossiers', {
        procedure_code: 'lt-khai-sinh',
        channel: 'counter',
        applicant: { name: 'Lý Thị Chờ Lâu', address: 'Tổ 5, phường Tân Phong' },
        documents: [{ name: 'Tờ khai đăng ký khai sinh', originals: 1, copies: 0 }],
      }, 201);
      await rcv.close();
      await early.stop();
      early = null;

      // Three working days later the birth registration (one day) is late.
      late = await serverAt(db, '2026-03-19T09:00:00+07:00');
      rcv = await apiSession(browser, late.url, 'mc.tiepnhan', PW);
      const cur = await rcv.get(`dossiers/${encodeURIComponent(bundle.code)}`);
      const done = await rcv.post(`dossiers/${encodeURIComponent(bundle.code)}/actions`, {
        action: 'apologize', version: cur.version, reason: 'Chưa xác minh xong thông tin khai sinh',
        new_due_at: '2026-03-27T16:00:00+07:00',
      }, 200);
      assert.equal(done.apology.late[0].component, 'khai-sinh');
      await rcv.close();

      const { context, page, assertClean } = await newPage(browser, { allow: allowAuth401 });
      try {
        await signIn(page, late.url, 'mc.tiepnhan', PW, `/staff/apology.html?code=${encodeURIComponent(bundle.code)}`);
        const slip = page.locator('#ap-slip .receipt[data-form="04"]');
        await slip.waitFor();
        assert.match(await slip.innerText(), /PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ/);
        assert.match(await slip.innerText(), /Liên thông đăng ký khai sinh/);
        assert.match(await slip.locator('[data-apology-late]').innerText(), /Cơ quan giải quyết chậm: .*\(Đăng ký khai sinh\)/);
        assert.match(await slip.locator('[data-apology-new-due]').innerText(), /27\/03\/2026/);
        await checkA11y(page);
        assertClean('bundle apology slip');
      } finally {
        await context.close();
      }
    } finally {
      await early?.stop();
      await late?.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('answers "incomplete" for a whole group with Mẫu 02 naming the component', T, async () => {
    const { context, page, assertClean } = await newPage(browser, { allow: allowAuth401 });
    try {
      await signIn(page, server.url, 'mc.tiepnhan', PW, '/staff/reception.html');
      const form = page.locator('#rc-form');
      await form.locator('#rc-q').fill('lien thong khai sinh');
      await form.locator('#rc-search').click();
      await form.getByRole('radio', { name: /Liên thông đăng ký khai sinh/ }).first().check();
      await form.locator('#rc-doc-list li').first().waitFor();
      await form.locator('#rc-doc-list li').first().getByRole('checkbox').check();
      await form.getByLabel('Họ và tên (tổ chức, cá nhân)').fill('Phạm Thị Thiếu Giấy');
      await form.getByRole('radio', { name: /Hồ sơ chưa đầy đủ/ }).check();
      const missing = form.getByLabel('Những gì cần bổ sung, hoàn thiện');
      // The group's required documents not ticked are listed (the birth
      // registration's "Giấy chứng sinh" among them).
      assert.match(await missing.inputValue(), /Giấy chứng sinh/);
      await missing.fill(`${await missing.inputValue()}\nẢnh chân dung của trẻ: chưa có`);
      await checkA11y(page);
      await form.getByRole('button', { name: 'Ghi nhận và lập phiếu' }).click();
      await page.locator('#rc-done-alert').filter({ hasText: 'Đã lập phiếu hướng dẫn bổ sung' }).waitFor();
      const slip = page.locator('#rc-receipt .receipt');
      assert.equal(await slip.getAttribute('data-form'), '02');
      assert.match(await slip.innerText(), /PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ/);
      assert.match(await slip.innerText(), /Liên thông đăng ký khai sinh/);
      const birth = slip.locator('[data-receipt-items] li').filter({ hasText: 'Giấy chứng sinh' });
      assert.match(await birth.innerText(), /\(thủ tục Đăng ký khai sinh\)/);
      assert.equal(await birth.locator('[data-receipt-component]').getAttribute('data-receipt-component'), 'khai-sinh');
      // The free-text item concerns the whole application: no component.
      const photo = slip.locator('[data-receipt-items] li').filter({ hasText: 'Ảnh chân dung' });
      assert.equal(await photo.locator('[data-receipt-component]').count(), 0);
      assert.match(await photo.innerText(), /lý do: chưa có/);
      const code = (await slip.locator('[data-receipt-code]').innerText()).trim();
      const d = await apiGet(page, server.url, `dossiers/${encodeURIComponent(code)}`);
      assert.equal(d.kind, 'bundle');
      assert.equal(d.status, 'awaiting_supplement');
      assert.deepEqual(d.components.map((c) => c.status), ['waiting', 'waiting', 'waiting']);
      assert.equal(await hasHorizontalScroll(page), false);
      assertClean('bundle Mẫu 02 at the desk');
    } finally {
      await context.close();
    }
  });

  it('withdraws the whole application from the staff dossier page', T, async () => {
    const { context, page, assertClean } = await newPage(browser, { allow: allowAuth401 });
    try {
      // Signed in through the API (the page's context shares the cookie).
      const login = await context.request.post(`${server.url}/api/v1/auth/login`,
        { data: { username: 'mc.tiepnhan', password: PW } });
      assert.equal(login.status(), 200);
      const { csrf_token: csrf } = await login.json();
      const r = await context.request.post(`${server.url}/api/v1/dossiers`, {
        headers: { 'X-CSRF-Token': csrf },
        data: {
          procedure_code: 'lt-khai-sinh',
          channel: 'counter',
          applicant: { name: 'Đỗ Văn Rút', phone: '0912 000 111' },
          documents: [{ name: 'Tờ khai đăng ký khai sinh', originals: 1, copies: 0 }],
        },
      });
      const bundle = await r.json();
      assert.equal(r.status(), 201, JSON.stringify(bundle));
      await page.goto(`${server.url}/staff/dossier.html?code=${encodeURIComponent(bundle.code)}`);
      const sec = page.locator('#dos-bundle');
      await sec.locator('tbody tr').first().waitFor();
      const buttons = page.locator('#dos-action-buttons button');
      await buttons.first().waitFor();
      const offered = await buttons.evaluateAll((bs) => bs.map((b) => b.dataset.action));
      assert.ok(offered.includes('withdraw'), `offered: ${offered}`);
      assert.ok(!offered.includes('forward'), `offered: ${offered}`);
      await page.locator('#dos-action-buttons button[data-action="withdraw"]').click();
      const form = page.locator('#dos-action-form');
      await form.getByLabel('Lý do').fill('Gia đình đề nghị rút để bổ sung giấy tờ sau.');
      await checkA11y(page);
      await form.getByRole('button', { name: 'Xác nhận' }).click();
      await page.locator('#dos-done').filter({ hasText: 'Đã rút hồ sơ' }).waitFor();
      // The table follows: every agency's part is withdrawn with it.
      await sec.locator('tbody tr').filter({ hasText: 'Đã rút hồ sơ' }).nth(2).waitFor();
      const d = await apiGet(page, server.url, `dossiers/${encodeURIComponent(bundle.code)}`);
      assert.equal(d.status, 'withdrawn');
      assert.deepEqual(d.components.map((c) => c.status), ['withdrawn', 'withdrawn', 'withdrawn']);
      assert.match(d.components[1].reason, /Gia đình đề nghị rút/);
      await checkA11y(page);
      assertClean('bundle withdrawal');
    } finally {
      await context.close();
    }
  });
});

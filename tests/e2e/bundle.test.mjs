// Interlinked dossiers (liên thông) in the browser, against the real binary
// with the seed catalogue: a ward receives the group "birth registration +
// permanent residence + health-insurance card" (lt-khai-sinh); the public
// lookup page shows each agency's part and its progress (waiting, then the
// birth registration's result ready while the police and social insurance
// parts run), without personal data; the staff dossier page shows every
// component's agency, status and due time; the reception desk's search
// finds the group.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, checkA11y, hasHorizontalScroll } from './lib/harness.mjs';
import { DATA, addUser, allowAuth401, apiSession, seed, signIn } from './lib/setup.mjs';

const T = { timeout: 120_000 };
const PW = 'Mật-khẩu-liên-thông-2025';
const DESK = '000.01.21.H19'; // a ward: its own one-stop desk, registers births itself

describe('interlinked dossiers', { concurrency: 1 }, () => {
  let server;
  let browser;
  let bundle; // the reception's answer
  const s = {};

  async function act(who, code, action, extra = {}) {
    const d = await s.rcv.get(`dossiers/${encodeURIComponent(code)}`);
    return s[who].post(`dossiers/${encodeURIComponent(code)}/actions`, { action, version: d.version, ...extra });
  }

  before(async () => {
    server = await startServer({ args: ['--data', DATA] });
    await seed(server);
    for (const [username, role] of [['lt.tiepnhan', 'receiver'], ['lt.chuyenvien', 'specialist'], ['lt.lanhdao', 'leader']]) {
      await addUser(server, { username, role, agency: DESK, name: 'Cán Bộ Phường', password: PW });
    }
    browser = await launchBrowser();
    s.rcv = await apiSession(browser, server.url, 'lt.tiepnhan', PW);
    s.spc = await apiSession(browser, server.url, 'lt.chuyenvien', PW);
    s.ldr = await apiSession(browser, server.url, 'lt.lanhdao', PW);
    bundle = await s.rcv.post('dossiers', {
      procedure_code: 'lt-khai-sinh',
      channel: 'counter',
      applicant: { name: 'Võ Thị Hạnh Dung', phone: '0987 654 321', id_number: '075195009999', address: 'Tổ 3, phường Tân Phong' },
      documents: [{ name: 'Tờ khai đăng ký khai sinh', originals: 1, copies: 0 },
        { name: 'Giấy chứng sinh', originals: 1, copies: 0 }],
    }, 201);
    assert.equal(bundle.kind, 'bundle');
    assert.equal(bundle.components.length, 3);
  });

  after(async () => {
    for (const x of Object.values(s)) await x.context.close();
    await browser?.close();
    await server?.stop();
  });

  const lookupUrl = () => `${server.url}/portal/lookup.html?${new URLSearchParams({ code: bundle.code, key: bundle.lookup_key })}`;

  it('shows each agency\'s part on the lookup page, waiting parts named', T, async () => {
    const { context, page, assertClean } = await newPage(browser);
    try {
      await page.goto(lookupUrl());
      const sec = page.locator('#lookup-bundle');
      await sec.waitFor();
      assert.equal(await sec.locator('h2').innerText(), 'Tiến độ giải quyết liên thông');
      const rows = sec.locator('tbody tr');
      assert.equal(await rows.count(), 3);
      const birth = sec.locator('tr[data-component="khai-sinh"]');
      assert.match(await birth.innerText(), /Đăng ký khai sinh/);
      assert.match(await birth.innerText(), /Đã tiếp nhận/);
      const police = sec.locator('tr[data-component="thuong-tru"]');
      assert.match(await police.innerText(), /Công an tỉnh Đồng Nai/);
      assert.match(await police.innerText(), /Chưa bắt đầu/);
      assert.match(await police.innerText(), /Chờ: Đăng ký khai sinh/);
      const body = await page.locator('body').innerText();
      for (const secret of ['Võ Thị Hạnh Dung', '0987 654 321', '075195009999']) {
        assert.ok(!body.includes(secret), `the page shows ${secret}`);
      }
      await checkA11y(page);
      assert.equal(await hasHorizontalScroll(page), false);
      assertClean('bundle lookup, waiting');
    } finally {
      await context.close();
    }
  });

  it('shows the birth registration ready and the next agencies at work', T, async () => {
    const birth = bundle.components.find((c) => c.key === 'khai-sinh');
    await act('rcv', birth.code, 'forward');
    await s.spc.post(`bundles/${encodeURIComponent(bundle.code)}/components/${birth.id}/outputs`,
      { outputs: { so_dinh_danh: '075225000001', so_giay_khai_sinh: '15/2025' } });
    await act('spc', birth.code, 'forward');
    await act('ldr', birth.code, 'approve');
    await act('rcv', birth.code, 'result_ready');

    const { context, page, assertClean } = await newPage(browser);
    try {
      await page.goto(lookupUrl());
      const sec = page.locator('#lookup-bundle');
      await sec.waitFor();
      assert.match(await sec.locator('tr[data-component="khai-sinh"]').innerText(), /Đã có kết quả — có thể nhận ngay/);
      for (const key of ['thuong-tru', 'bhyt']) {
        const row = await sec.locator(`tr[data-component="${key}"]`).innerText();
        assert.match(row, /Đã tiếp nhận/);
        assert.match(row, /\d\d\/\d\d\/\d{4} \d\d:\d\d/);
        assert.match(row, /Giải quyết trên hệ thống/);
      }
      // English on request.
      await page.getByRole('button', { name: 'English' }).click();
      await sec.locator('h2').filter({ hasText: 'Progress across agencies' }).waitFor();
      await checkA11y(page);
      assertClean('bundle lookup, in progress');
    } finally {
      await context.close();
    }
  });

  it('shows the components on the staff dossier page and finds the group at the desk', T, async () => {
    const { context, page, assertClean } = await newPage(browser, { allow: allowAuth401 });
    try {
      await signIn(page, server.url, 'lt.tiepnhan', PW, `/staff/dossier.html?code=${bundle.code}`);
      const sec = page.locator('#dos-bundle');
      await sec.waitFor();
      assert.equal(await sec.locator('tbody tr').count(), 3);
      assert.match(await sec.innerText(), /Bảo hiểm xã hội tỉnh Đồng Nai/);
      assert.match(await sec.innerText(), /075225000001/);
      await checkA11y(page);

      await page.goto(`${server.url}/staff/reception.html`);
      await page.locator('#rc-q').fill('lien thong khai sinh');
      await page.locator('#rc-search').click();
      const hit = page.locator('#rc-proc-list li').filter({ hasText: 'Liên thông' }).first();
      await hit.waitFor();
      assert.match(await hit.innerText(), /lt-khai-sinh/);
      assertClean('staff bundle views');
    } finally {
      await context.close();
    }
  });
});

// Dossier pages in the browser, against the real binary: the public lookup
// (/portal/lookup.html) from the receipt's link and by hand, with the same
// message for an unknown code and a wrong key, and 429 explained; the work
// queue (/staff/dossiers.html) in the server's urgency order with its
// filters and paging; the dossier page's actions with the picker of
// officials, the receipt with its QR code, Mẫu 04 after an apology, slips
// on one A5 sheet; the status labels against the server's table; the
// home page's quick lookup. Data comes from the CLI: `motcua seed`, `motcua
// dossier demo` (its officials' passwords are printed once), then a code
// and its key from `motcua dossier list` / `motcua dossier show`.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launchBrowser, newPage, checkA11y, hasHorizontalScroll,
} from './lib/harness.mjs';
import {
  DATA, addUser, allowAuth401, apiGet, apiPost, demo as runDemo, dossierRows, dossierShow, excuse, seed, signIn,
} from './lib/setup.mjs';

const T = { timeout: 90_000 };

const PW = 'Mật-khẩu-trình-duyệt-2025';

/** Sheets of A5 paper the page prints on (page.pdf with format A5, print media). */
async function sheets(page) {
  const pdf = (await page.pdf({ format: 'A5' })).toString('latin1');
  return pdf.match(/\/Type\s*\/Page[^s]/g)?.length ?? 0;
}

/** The desk and the officials of the tests' own: a ward that decides H19-HT-10 itself. */
const DESK = '000.01.21.H19';
const PROC = 'H19-HT-10';
const STAFF = {
  tiepnhan: { role: 'receiver', name: 'Trần Thị Tiếp' },
  chuyenvien: { role: 'specialist', name: 'Lê Văn Chuyên' },
  lanhdao: { role: 'leader', name: 'Phạm Văn Lãnh' },
};

const lookupUrl = (base, code, key) => `${base}/portal/lookup.html?${new URLSearchParams({ code, key })}`;

/** Every data-i18n / data-i18n-attr key of the page exists in both dictionaries. */
async function missingKeys(page) {
  return page.evaluate(async () => {
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
}

describe('dossier pages', { concurrency: 1 }, () => {
  let server;
  let browser;
  let demo; // a processing demo dossier as `motcua dossier show` prints it
  const officials = {}; // demo.tiepnhan.1 -> password, as `dossier demo` prints them

  before(async () => {
    server = await startServer({ args: ['--data', DATA] });
    await seed(server);
    const out = await runDemo(server, { count: 30 });
    assert.match(out, /30 hồ sơ \(0 lỗi\)/);
    for (const m of out.matchAll(/^\s+(demo\.[a-z]+\.\d+)\s+[a-z_]+\s+(\S+)\s*$/gm)) officials[m[1]] = m[2];
    assert.ok(officials['demo.tiepnhan.1'] && officials['demo.chuyenvien.1'], `no demo officials in\n${out}`);
    await addUser(server, { username: 'quantri', role: 'admin', agency: '000.00.00.H19', name: 'Nguyễn Văn Quản', password: PW });
    for (const [username, u] of Object.entries(STAFF)) {
      await addUser(server, { username, role: u.role, agency: DESK, name: u.name, password: PW });
    }
    const rows = await dossierRows(server);
    const row = rows.find((r) => r[1] === 'processing');
    assert.ok(row, `no processing dossier in\n${rows.join('\n')}`);
    demo = await dossierShow(server, row[0]);
    assert.match(demo.lookup_key, /^[2-9A-HJKMNP-Z]{8}$/);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows a dossier from the receipt link, with no personal data', T, async () => {
    const { context, page, assertClean } = await newPage(browser);
    try {
      await page.goto(lookupUrl(server.url, demo.code, demo.lookup_key));
      assert.equal(await page.locator('h1').innerText(), 'Tra cứu hồ sơ');
      assert.match(await page.title(), /Tra cứu hồ sơ — motcua/);
      const result = page.locator('#lookup-result');
      await result.waitFor();
      assert.equal(await page.getByLabel('Mã hồ sơ').inputValue(), demo.code);
      assert.equal(await page.getByLabel('Mã tra cứu').inputValue(), demo.lookup_key);
      assert.equal(await page.locator('#lookup-result-code').innerText(), demo.code);
      const summary = page.locator('#lookup-summary');
      await summary.locator('.badge--processing').filter({ hasText: 'Đang giải quyết' }).waitFor();
      const text = await summary.innerText();
      assert.ok(text.includes(demo.procedure.name), 'procedure name missing');
      assert.match(text, /Ngày tiếp nhận\s+\d\d\/\d\d\/\d{4} \d\d:\d\d/);
      assert.match(text, /Hẹn trả kết quả\s+\d\d\/\d\d\/\d{4} \d\d:\d\d/);
      assert.match(text, /Cơ quan đang giải quyết/);
      assert.match(text, /Chưa có kết quả/);
      // Overdue is said in words, not by colour alone.
      assert.equal(await summary.locator('.dq-flag--overdue').filter({ hasText: 'Quá hạn' }).count(),
        Date.parse(demo.due_at) < Date.now() ? 1 : 0);
      // One timeline entry per recorded action, each with its time and label.
      const items = page.locator('#lookup-timeline li');
      assert.equal(await items.count(), demo.history.length);
      assert.match(await items.first().innerText(), /\d\d\/\d\d\/\d{4} \d\d:\d\d\s+Tiếp nhận hồ sơ/);
      // No name, phone, ID number, address or officer on the page.
      const body = await page.locator('body').innerText();
      for (const secret of [demo.applicant.name, demo.applicant.phone, demo.applicant.id_number,
        demo.applicant.address, demo.receiver?.name].filter(Boolean)) {
        assert.ok(!body.includes(secret), `the page shows ${secret}`);
      }
      await checkA11y(page);
      assertClean('lookup from the receipt link');
    } finally {
      await context.close();
    }
  });

  it('looks up by hand, in lower case, and says the same for an unknown code and a wrong key', T, async () => {
    const allow = (url, status) => status === 404 && /\/api\/v1\/public\/dossiers\//.test(url);
    const { context, page, problems, assertClean } = await newPage(browser, { allow });
    try {
      await page.goto(`${server.url}/portal/lookup.html`);
      await checkA11y(page);
      const form = page.locator('#lookup-form');
      // Nothing typed: both fields are named.
      await form.getByRole('button', { name: 'Tra cứu' }).click();
      await form.locator('.field__error').filter({ hasText: 'Hãy nhập mã hồ sơ.' }).waitFor();
      await form.locator('.field__error').filter({ hasText: 'Hãy nhập mã tra cứu.' }).waitFor();
      await checkA11y(page);

      await page.getByLabel('Mã hồ sơ').fill(demo.code);
      await page.getByLabel('Mã tra cứu').fill('ZZZZZZZZ');
      await form.getByRole('button', { name: 'Tra cứu' }).click();
      const alert = form.getByRole('alert');
      await alert.filter({ hasText: 'Không tìm thấy hồ sơ' }).waitFor();
      const wrongKey = await alert.innerText();
      assert.equal(await page.locator('#lookup-result').isHidden(), true);
      assert.equal(await alert.evaluate((el) => el === document.activeElement), true, 'the message takes focus');

      await page.getByLabel('Mã hồ sơ').fill('000.00.01.H19-200101-9999');
      await page.getByLabel('Mã tra cứu').fill(demo.lookup_key);
      const answered = page.waitForResponse((r) => r.url().includes('200101-9999'));
      await form.getByRole('button', { name: 'Tra cứu' }).click();
      await answered;
      await alert.filter({ hasText: 'Không tìm thấy hồ sơ' }).waitFor();
      assert.equal(await alert.innerText(), wrongKey, 'an unknown code and a wrong key must read the same');
      await checkA11y(page);

      // Lower case and stray spaces are forgiven.
      await page.getByLabel('Mã hồ sơ').fill(` ${demo.code} `);
      await page.getByLabel('Mã tra cứu').fill(demo.lookup_key.toLowerCase());
      await form.getByRole('button', { name: 'Tra cứu' }).click();
      await page.locator('#lookup-result').waitFor();
      assert.equal(await alert.isHidden(), true);
      assert.equal(await page.locator('#lookup-result-code').innerText(), demo.code);
      assert.equal(await page.locator('#lookup-timeline li').count(), demo.history.length);
      excuse(problems, allow);
      assertClean('lookup by hand');
    } finally {
      await context.close();
    }
  });

  it('works in English and on a 375 px phone, and takes the home page form', T, async () => {
    const { context, page, assertClean } = await newPage(browser, {
      viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true,
    });
    try {
      // The home page's quick lookup sends the code and the key, as the lookup page does.
      await page.goto(`${server.url}/`);
      // Let the page's own status check finish: leaving earlier aborts it.
      await page.locator('[data-system-status].system-status--ok').waitFor();
      const quick = page.locator('form[aria-labelledby="quick-lookup-title"]');
      assert.match(await quick.locator('#ql-key-hint').innerText(), /8 ký tự in trên giấy tiếp nhận/);
      assert.doesNotMatch(await quick.innerText(), /điện thoại/, 'the form offers phone digits the server does not accept');
      await quick.getByLabel('Mã hồ sơ').fill(demo.code);
      await quick.getByLabel('Mã tra cứu').fill(demo.lookup_key.toLowerCase());
      await quick.getByRole('button', { name: 'Tra cứu' }).tap();
      await page.waitForURL(/\/portal\/lookup\.html\?/);
      const sent = new URL(page.url()).searchParams;
      assert.deepEqual([...sent.keys()].sort(), ['code', 'key']);
      assert.equal(sent.get('code'), demo.code);
      await page.locator('#lookup-result').waitFor();
      assert.equal(await page.locator('#lookup-result-code').innerText(), demo.code);
      assert.equal(await hasHorizontalScroll(page), false, 'the lookup scrolls sideways at 375 px');
      await checkA11y(page);
      await page.getByRole('button', { name: 'English' }).tap();
      assert.equal(await page.locator('h1').innerText(), 'Track a dossier');
      await page.locator('#lookup-summary .badge--processing').filter({ hasText: 'Being processed' }).waitFor();
      // The summary is re-read from the server in the new language: wait for it.
      await page.locator('#lookup-summary').filter({ hasText: 'Result due' }).waitFor();
      assert.match(await page.locator('#lookup-timeline li').first().innerText(), /Receive/);
      assert.equal(await hasHorizontalScroll(page), false, 'the lookup scrolls sideways in English');
      assert.deepEqual(await missingKeys(page), []);
      await checkA11y(page);
      await page.getByRole('button', { name: 'Tiếng Việt' }).tap();
      assert.equal(await page.locator('h1').innerText(), 'Tra cứu hồ sơ');
      assertClean('lookup in English on a phone');
    } finally {
      await context.close();
    }
  });
  it('shows the work queue in the urgency order of the server, overdue in words', T, async () => {
    const allow = allowAuth401;
    const { context, page, problems, assertClean } = await newPage(browser, { allow });
    try {
      await signIn(page, server.url, 'quantri', PW, '/staff/index.html');
      await page.getByRole('navigation', { name: 'Điều hướng khu cán bộ' })
        .getByRole('link', { name: 'Hồ sơ cần xử lý' }).click();
      await page.waitForURL(`${server.url}/staff/dossiers.html`);
      await page.getByRole('heading', { level: 1, name: 'Hồ sơ cần xử lý' }).waitFor();
      const rows = page.locator('#queue-body tr[data-code]');
      await rows.first().waitFor();
      const open = await apiGet(page, server.url, 'dossiers?status=open&limit=20');
      assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.code)),
        open.items.map((d) => d.code), 'the rows are not in the server\'s order');
      const overdue = open.items.filter((d) => d.overdue);
      assert.ok(overdue.length > 0, 'the demo has no overdue dossier');
      assert.equal(await page.locator('#queue-body tr.dq-row--overdue').count(), overdue.length);
      for (const d of overdue) {
        await page.locator(`#queue-body tr[data-code="${d.code}"] .dq-flag--overdue`).filter({ hasText: 'Quá hạn' }).waitFor();
      }
      const first = open.items[0];
      const link = page.locator(`#queue-body tr[data-code="${first.code}"]`).getByRole('link', { name: first.code });
      assert.equal(await link.getAttribute('href'), `/staff/dossier.html?code=${encodeURIComponent(first.code)}`);
      assert.match(await page.locator('#queue-body tr[data-code]').first().innerText(), new RegExp(first.procedure.name));
      await page.getByRole('navigation', { name: 'Điều hướng khu cán bộ' })
        .getByRole('link', { name: 'Hồ sơ cần xử lý' }).waitFor();
      await checkA11y(page);

      // Every status: the demo's dossiers (with its interlinked ones and
      // their components, docs/BUNDLE.md §9), pages of 20.
      await page.getByLabel('Trạng thái').selectOption('all');
      await page.getByRole('button', { name: 'Lọc', exact: true }).click();
      await page.waitForURL(/status=all/);
      await page.getByRole('status').filter({ hasText: 'Trang 1 · 20 dòng' }).waitFor();
      const all = await apiGet(page, server.url, 'dossiers?limit=500');
      const n2 = Math.min(20, all.items.length - 20);
      assert.ok(n2 > 0, `${all.items.length} dossiers`);
      await page.getByRole('button', { name: 'Trang sau' }).click();
      await page.getByRole('status').filter({ hasText: `Trang 2 · ${n2} dòng` }).waitFor();
      assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.code)),
        all.items.slice(20, 40).map((d) => d.code));
      await page.getByRole('button', { name: 'Trang trước' }).click();
      await page.getByRole('status').filter({ hasText: 'Trang 1 · 20 dòng' }).waitFor();
      assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.code)),
        all.items.slice(0, 20).map((d) => d.code));

      // Overdue only.
      await page.getByLabel('Chỉ hồ sơ quá hạn').check();
      await page.getByRole('button', { name: 'Lọc', exact: true }).click();
      await page.waitForURL(/overdue=1/);
      assert.equal(await page.getByLabel('Chỉ hồ sơ quá hạn').isChecked(), true);
      const od = await apiGet(page, server.url, 'dossiers?overdue=1&limit=500');
      await page.getByRole('status').filter({ hasText: `Trang 1 · ${od.items.length} dòng` }).waitFor();
      assert.equal(await page.locator('#queue-body tr.dq-row--overdue').count(), od.items.length);
      await checkA11y(page);
      excuse(problems, allow);
      assertClean('work queue');
    } finally {
      await context.close();
    }
  });

  it('filters the queue to what is assigned to me and what is due soon', T, async () => {
    const allow = allowAuth401;
    const { context, page, problems, assertClean } = await newPage(browser, { allow });
    try {
      await signIn(page, server.url, 'demo.chuyenvien.1', officials['demo.chuyenvien.1'],
        '/staff/dossiers.html?status=all&assigned=me');
      assert.equal(await page.getByLabel('Được giao cho tôi').isChecked(), true);
      assert.equal(await page.getByLabel('Trạng thái').inputValue(), 'all');
      const mine = await apiGet(page, server.url, 'dossiers?assigned=me&limit=20');
      const rows = page.locator('#queue-body tr[data-code]');
      if (mine.items.length) {
        await rows.first().waitFor();
        assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.code)), mine.items.map((d) => d.code));
      } else {
        await page.locator('#queue-body').getByText('Không có hồ sơ nào phù hợp với bộ lọc.').waitFor();
      }
      await page.goto(`${server.url}/staff/dossiers.html?due_soon=1`);
      const soon = await apiGet(page, server.url, 'dossiers?status=open&due_soon=1&limit=500');
      await page.getByRole('status').filter({ hasText: soon.items.length ? `Trang 1 · ${soon.items.length} dòng` : 'Không có dữ liệu.' }).waitFor();
      assert.equal(await page.getByLabel('Sắp đến hạn (trong 1 ngày làm việc)').isChecked(), true);
      await checkA11y(page);
      excuse(problems, allow);
      assertClean('work queue filters');
    } finally {
      await context.close();
    }
  });

  it('shows the work queue on a 375 px phone and in English', T, async () => {
    const allow = allowAuth401;
    const { context, page, problems, assertClean } = await newPage(browser, {
      allow, viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true,
    });
    try {
      await signIn(page, server.url, 'quantri', PW, '/staff/dossiers.html');
      await page.locator('#queue-body tr[data-code]').first().waitFor();
      assert.equal(await hasHorizontalScroll(page), false, 'the queue scrolls sideways at 375 px');
      // Each cell says which column it is: the table reads as cards.
      assert.match(await page.locator('#queue-body tr[data-code] td').nth(4).evaluate(
        (td) => getComputedStyle(td, '::before').content), /Hạn trả kết quả/);
      await checkA11y(page);
      await page.getByRole('button', { name: 'English' }).tap();
      assert.equal(await page.locator('h1').innerText(), 'Work queue');
      assert.match(await page.locator('#queue-body tr[data-code] td').nth(4).evaluate(
        (td) => getComputedStyle(td, '::before').content), /Result due/);
      assert.equal(await hasHorizontalScroll(page), false, 'the queue scrolls sideways in English');
      assert.deepEqual(await missingKeys(page), []);
      await checkA11y(page);
      await page.getByRole('button', { name: 'Tiếng Việt' }).tap();
      excuse(problems, allow);
      assertClean('work queue on a phone');
    } finally {
      await context.close();
    }
  });
  it('moves a dossier through its workflow from the dossier page, reloading after a conflict', { timeout: 150_000 }, async () => {
    // The dossier comes from the API here (the reception desk has its own test).
    const allow = (url, status) => allowAuth401(url, status) ||
      ([400, 409].includes(status) && /\/api\/v1\/dossiers\/[^/]+\/actions$/.test(url));
    const desk = await newPage(browser, { allow });
    const spec = await newPage(browser, { allow });
    const lead = await newPage(browser, { allow });
    try {
      const p = desk.page;
      await signIn(p, server.url, 'tiepnhan', PW, '/staff/index.html');
      const created = await apiPost(p, server.url, 'dossiers', {
        procedure_code: PROC,
        channel: 'counter',
        applicant: { name: 'Nguyễn Thị Bích Ngọc', id_number: '079190001234', phone: '0912 345 678', address: '12 Lê Lợi, phường Tân Phong' },
        documents: [
          { name: 'Tờ khai cấp bản sao Trích lục hộ tịch', originals: 1, copies: 0 },
          { name: 'Giấy tờ tùy thân', originals: 1, copies: 1 },
        ],
        return_method: 'counter',
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const { code } = created.body;
      const url = `${server.url}/staff/dossier.html?code=${encodeURIComponent(code)}`;

      // The receiver: everything about the dossier, and a button per allowed action.
      await p.goto(url);
      await p.getByRole('heading', { level: 1, name: code }).waitFor();
      assert.match(await p.title(), new RegExp(`Hồ sơ ${code.replace(/\./g, '\\.')} — motcua`));
      await p.locator('#dos-badges .badge--received').filter({ hasText: 'Đã tiếp nhận' }).waitFor();
      const applicant = await p.locator('#dos-applicant').innerText();
      for (const s of ['Nguyễn Thị Bích Ngọc', '079190001234', '0912 345 678', '12 Lê Lợi']) assert.ok(applicant.includes(s), `${s} missing`);
      assert.equal(await p.locator('#dos-docs tr').count(), 2);
      assert.match(await p.locator('#dos-docs tr').nth(1).innerText(), /Giấy tờ tùy thân\s+1\s+1/);
      assert.match(await p.locator('#dos-summary').innerText(), /Hẹn trả kết quả\s+\d\d\/\d\d\/\d{4} \d\d:\d\d/);
      assert.equal(await p.locator('#dos-steps tr').count(), 4);
      assert.equal(await p.locator('#dos-steps tr[aria-current="step"]').count(), 1);
      assert.equal(await p.locator('#dos-history tr').count(), 1);
      assert.match(await p.locator('#dos-history tr').first().innerText(), /Tiếp nhận hồ sơ/);
      // The slip given at reception, shown again to reprint it.
      assert.match(await p.locator('#dos-receipt-kind').innerText(), /Mẫu 01: GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ/);
      await p.getByRole('button', { name: 'Xem, in lại phiếu' }).click();
      const slip = p.locator('#dos-receipt .receipt[data-form="01"]');
      await slip.waitFor();
      assert.equal(await slip.locator('[data-receipt-code]').innerText(), code);
      assert.equal(await slip.locator('[data-receipt-key]').innerText(), created.body.lookup_key);
      assert.equal(await slip.locator('[data-receipt-docs] tr').count(), 2);
      await checkA11y(p);
      await p.emulateMedia({ media: 'print' });
      assert.equal(await p.locator('#dos-history').isVisible(), false);
      assert.equal(await slip.isVisible(), true);
      await p.emulateMedia({ media: 'screen' });
      await p.getByRole('button', { name: 'Ẩn phiếu' }).click();
      assert.equal(await p.locator('#dos-receipt').isHidden(), true);
      const buttons = p.locator('#dos-action-buttons button');
      assert.deepEqual(await buttons.evaluateAll((bs) => bs.map((b) => b.dataset.action)), ['forward', 'withdraw']);
      await checkA11y(p);

      // Forward to the specialist.
      await p.getByRole('button', { name: 'Chuyển bước tiếp theo' }).click();
      const form = p.locator('#dos-action-form');
      await form.getByRole('heading', { name: 'Xác nhận thao tác: Chuyển bước tiếp theo' }).waitFor();
      // The picker offers the specialists of the agency doing step 2, nobody else.
      const picker = form.getByLabel('Cán bộ nhận hồ sơ');
      await picker.locator('option[value="chuyenvien"]').waitFor({ state: 'attached' });
      const offered = await picker.locator('option').evaluateAll((os) => os.map((o) => [o.value, o.textContent]));
      const cand = await apiGet(p, server.url, `dossiers/${encodeURIComponent(code)}/candidates?action=forward`);
      assert.deepEqual(offered.slice(1).map((o) => o[0]), cand.items.map((u) => u.username));
      assert.ok(offered.some(([v, l]) => v === 'chuyenvien' && l.startsWith('Lê Văn Chuyên — Chuyên viên xử lý')), JSON.stringify(offered));
      assert.ok(!offered.some(([v]) => v === 'tiepnhan' || v === 'lanhdao'), 'only specialists take step 2');
      assert.ok(cand.items.every((u) => u.role === 'specialist'));
      assert.match(await form.locator('#' + await picker.getAttribute('aria-describedby')).innerText(), /Bước 2: .*Chuyên viên xử lý/);
      await picker.selectOption('chuyenvien');
      await checkA11y(p);
      await form.getByRole('button', { name: 'Xác nhận' }).click();
      await p.getByRole('status').filter({ hasText: 'Đã thực hiện “Chuyển bước tiếp theo”. Trạng thái hồ sơ: Đang giải quyết.' }).waitFor();
      await p.locator('#dos-badges .badge--processing').waitFor();
      assert.equal(await form.isHidden(), true);
      assert.equal(await p.locator('#dos-history tr').count(), 2);
      assert.match(await p.locator('#dos-history tr').nth(1).innerText(), /Chuyển bước tiếp theo[\s\S]*Lê Văn Chuyên/);
      assert.match(await p.locator('#dos-summary').innerText(), /Cán bộ đang xử lý\s+Lê Văn Chuyên/);

      // The specialist: a refused action is explained beside its fields.
      const s = spec.page;
      await signIn(s, server.url, 'chuyenvien', PW, `/staff/dossier.html?code=${encodeURIComponent(code)}`);
      await s.getByRole('heading', { level: 1, name: code }).waitFor();
      await s.getByRole('button', { name: 'Xin ý kiến cơ quan, đơn vị liên quan' }).click();
      const sform = s.locator('#dos-action-form');
      await sform.getByRole('button', { name: 'Xác nhận' }).click();
      await sform.locator('.field__error').first().waitFor();
      assert.equal(await sform.locator('[aria-invalid="true"]').count(), 2, 'agency and note are named');
      await checkA11y(s);
      await sform.getByRole('button', { name: 'Huỷ' }).click();
      assert.equal(await sform.isHidden(), true);

      // Meanwhile someone else changes the dossier: the stale page is told to reload.
      await s.getByRole('button', { name: 'Chuyển bước tiếp theo' }).click();
      const detail = await apiGet(s, server.url, `dossiers/${encodeURIComponent(code)}`);
      const other = await apiPost(s, server.url, `dossiers/${encodeURIComponent(code)}/actions`, {
        action: 'consult', version: detail.version, agency: '000.00.01.H19', note: 'Xin ý kiến về trích lục.',
      });
      assert.equal(other.status, 200, JSON.stringify(other.body));
      await sform.getByRole('button', { name: 'Xác nhận' }).click();
      const alert = s.locator('#dos-error');
      await alert.filter({ hasText: 'Hồ sơ vừa được người khác cập nhật' }).waitFor();
      assert.equal(await s.locator('#dos-history tr').count(), 2, 'nothing changed on the page yet');
      await alert.getByRole('button', { name: 'Tải lại hồ sơ' }).click();
      await s.locator('#dos-history tr').nth(2).filter({ hasText: 'Xin ý kiến' }).waitFor();
      assert.equal(await alert.isHidden(), true);
      await s.getByRole('button', { name: 'Chuyển bước tiếp theo' }).click();
      // Step 3 is the leader's: the picker offers the leader.
      const spicker = sform.getByLabel('Cán bộ nhận hồ sơ');
      await spicker.locator('option[value="lanhdao"]').waitFor({ state: 'attached' });
      assert.match(await spicker.locator('option[value="lanhdao"]').innerText(), /^Phạm Văn Lãnh — Lãnh đạo/);
      assert.equal(await spicker.locator('option[value="chuyenvien"]').count(), 0);
      await spicker.selectOption('lanhdao');
      await sform.getByRole('button', { name: 'Xác nhận' }).click();
      await s.getByRole('status').filter({ hasText: 'Đã thực hiện “Chuyển bước tiếp theo”' }).waitFor();
      assert.match(await s.locator('#dos-summary').innerText(), /Cán bộ đang xử lý\s+Phạm Văn Lãnh/);
      assert.match(await s.locator('#dos-summary').innerText(), /Bước 3\/4/);

      // The leader approves.
      const l = lead.page;
      await signIn(l, server.url, 'lanhdao', PW, `/staff/dossier.html?code=${encodeURIComponent(code)}`);
      await l.getByRole('button', { name: 'Phê duyệt kết quả' }).click();
      await l.locator('#dos-action-form').getByLabel('Ghi chú').fill('Đồng ý cấp bản sao.');
      await l.locator('#dos-action-form').getByRole('button', { name: 'Xác nhận' }).click();
      await l.getByRole('status').filter({ hasText: 'Đã thực hiện “Phê duyệt kết quả”' }).waitFor();
      assert.match(await l.locator('#dos-summary').innerText(), /Đã phê duyệt kết quả/);
      assert.match(await l.locator('#dos-history tr').last().innerText(), /Đồng ý cấp bản sao\./);

      // Back at the desk: result ready (classified), then returned.
      await p.reload();
      await p.getByRole('button', { name: 'Chuyển kết quả về Bộ phận Một cửa' }).click();
      await form.getByRole('button', { name: 'Xác nhận' }).click();
      await p.locator('#dos-badges .badge--result_ready').waitFor();
      await p.locator('#dos-summary .dq-result').filter({ hasText: /^(Trước hạn|Đúng hạn|Quá hạn)$/ }).waitFor();
      await p.getByRole('button', { name: 'Trả kết quả' }).click();
      await form.getByRole('button', { name: 'Xác nhận' }).click();
      await p.getByRole('status').filter({ hasText: 'Trạng thái hồ sơ: Đã trả kết quả.' }).waitFor();
      await p.locator('#dos-actions-none').waitFor();
      assert.equal(await p.locator('#dos-action-buttons button').count(), 0);
      // Mẫu 05: one row per hand-over, each finished step early, on time or late.
      const hist = p.locator('#dos-history tr');
      assert.equal(await hist.count(), 7);
      assert.ok(await p.locator('#dos-history .dq-result').count() >= 3);
      assert.equal(await p.locator('#dos-steps .dq-result').count(), 4, 'every step classified');
      await checkA11y(p);

      // The citizen sees it returned.
      const key = (await apiGet(p, server.url, `dossiers/${encodeURIComponent(code)}`)).lookup_key;
      await p.goto(lookupUrl(server.url, code, key));
      await p.locator('#lookup-summary .badge--returned').waitFor();
      assert.match(await p.locator('#lookup-summary').innerText(), /Đã trả kết quả lúc/);
      for (const x of [desk, spec, lead]) {
        excuse(x.problems, allow);
        x.assertClean('workflow');
      }
    } finally {
      await desk.context.close();
      await spec.context.close();
      await lead.context.close();
    }
  });

  it('prints Mẫu 04 on one A5 sheet after an apology given on the dossier page', { timeout: 150_000 }, async () => {
    const allow = allowAuth401;
    const desk = await newPage(browser, { allow });
    const spec = await newPage(browser, { allow });
    try {
      const p = desk.page;
      await signIn(p, server.url, 'tiepnhan', PW, '/staff/index.html');
      const created = await apiPost(p, server.url, 'dossiers', {
        procedure_code: 'H19-HT-03',
        channel: 'counter',
        applicant: { name: 'Võ Thị Xin Lỗi', phone: '0903 111 222', address: '45 Hà Huy Giáp, phường Quyết Thắng' },
        documents: [{ name: 'Tờ khai đăng ký kết hôn', originals: 1, copies: 0 }],
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const { code } = created.body;
      const fwd = await apiPost(p, server.url, `dossiers/${encodeURIComponent(code)}/actions`, {
        action: 'forward', version: created.body.version, to_user: 'chuyenvien',
      });
      assert.equal(fwd.status, 200, JSON.stringify(fwd.body));
      // No apology yet: the form's page says so.
      await p.goto(`${server.url}/staff/apology.html?code=${encodeURIComponent(code)}`);
      await p.locator('#ap-error').filter({ hasText: 'Hồ sơ chưa có phiếu xin lỗi' }).waitFor();
      assert.equal(await p.locator('#ap-slip').isHidden(), true);
      await checkA11y(p);

      // The specialist apologises on the dossier page with a new due time.
      const s = spec.page;
      await signIn(s, server.url, 'chuyenvien', PW, `/staff/dossier.html?code=${encodeURIComponent(code)}`);
      await s.getByRole('heading', { level: 1, name: code }).waitFor();
      const due = fwd.body.due_at;
      const newDue = new Date(Date.parse(due) + 7 * 86400_000 + 7 * 3600_000).toISOString().slice(0, 16);
      await s.getByRole('button', { name: 'Xin lỗi và hẹn lại ngày trả kết quả' }).click();
      const form = s.locator('#dos-action-form');
      await form.getByLabel('Lý do').fill('Cần xác minh thêm thông tin tại nơi cư trú của người nộp.');
      await form.getByLabel('Thời gian hẹn trả kết quả mới').fill(newDue);
      await form.getByRole('button', { name: 'Xác nhận' }).click();
      await s.getByRole('status').filter({ hasText: 'Đã thực hiện “Xin lỗi và hẹn lại ngày trả kết quả”' }).waitFor();
      await s.locator('#dos-badges .dq-flag--apologized').waitFor();
      const d = await apiGet(s, server.url, `dossiers/${encodeURIComponent(code)}`);
      const a = d.apology;
      assert.equal(a.form, '04');
      await s.locator('#dos-summary [data-apology-link]').filter({ hasText: 'In phiếu xin lỗi (Mẫu 04)' }).click();
      await s.waitForURL(`${server.url}/staff/apology.html?code=${encodeURIComponent(code)}`);

      // Every part of the form, as the server stored it.
      const slip = s.locator('#ap-slip .receipt[data-form="04"]');
      await slip.waitFor();
      assert.equal(await slip.getAttribute('lang'), 'vi');
      assert.match(await s.title(), new RegExp(`Mẫu 04 của hồ sơ ${code.replace(/\./g, '\\.')}`));
      const text = await slip.innerText();
      for (const x of [
        'PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', code,
        'Kính gửi: Võ Thị Xin Lỗi', '45 Hà Huy Giáp, phường Quyết Thắng', a.request, a.received_at_text,
        a.time_limit, a.original_due_at_text, 'Cần xác minh thêm thông tin tại nơi cư trú của người nộp.',
        'xin lỗi Ông/Bà/Tổ chức', a.new_due_at_text, 'THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ', '(Ký, ghi rõ họ tên và đóng dấu)',
        a.agency.name, 'Lê Văn Chuyên',
      ]) assert.ok(text.includes(x), `Mẫu 04 lacks “${x}”`);
      assert.equal(await slip.locator('[data-apology-original]').innerText(), `Thời gian hẹn trả kết quả theo Giấy tiếp nhận: ${a.original_due_at_text}`);
      assert.equal(await slip.locator('[data-apology-new-due]').innerText(), a.new_due_at_text);
      assert.match(a.new_due_at_text, /^\d\d giờ \d\d phút, ngày \d\d\/\d\d\/\d{4}$/);
      assert.equal(a.new_due_at, d.due_at);
      assert.equal(a.original_due_at, d.legal_due_at);
      // Only what the letter needs: no phone number.
      assert.ok(!text.includes('0903 111 222'));
      await checkA11y(s);

      // Printed: the form alone, one A5 sheet.
      await s.emulateMedia({ media: 'print' });
      assert.equal(await s.locator('.site-nav').isVisible(), false);
      assert.equal(await s.locator('#ap-tools').isVisible(), false);
      assert.equal(await slip.isVisible(), true);
      assert.equal(await s.locator('#ap-slip').evaluate((e) => getComputedStyle(e).page), 'a5');
      assert.equal(await slip.evaluate((e) => getComputedStyle(e).paddingTop), '0px');
      const pdf = (await s.pdf({ preferCSSPageSize: true })).toString('latin1');
      assert.equal(pdf.match(/\/Type\s*\/Page[^s]/g)?.length, 1, 'Mẫu 04 takes more than one sheet');
      assert.match(pdf, /\/MediaBox\s*\[0 0 42\d(?:\.\d+)? 59[45](?:\.\d+)?\]/);
      assert.equal(await sheets(s), 1, 'Mẫu 04 takes more than one A5 sheet');
      await s.emulateMedia({ media: 'screen' });

      // In English the page is translated; the form stays Vietnamese.
      await s.getByRole('button', { name: 'English' }).click();
      await s.getByRole('heading', { level: 1, name: 'Apology and new due date (Form 04)' }).waitFor();
      assert.match(await slip.innerText(), /PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ/);
      assert.deepEqual(await missingKeys(s), []);
      await checkA11y(s);
      await s.getByRole('button', { name: 'Tiếng Việt' }).click();
      await s.getByRole('link', { name: 'Quay lại hồ sơ' }).click();
      await s.waitForURL(`${server.url}/staff/dossier.html?code=${encodeURIComponent(code)}`);
      for (const x of [desk, spec]) {
        excuse(x.problems, allow);
        x.assertClean('Mẫu 04');
      }
    } finally {
      await desk.context.close();
      await spec.context.close();
    }
  });

  it('prints a document on an A5 page without its screen padding on top of the sheet margins', T, async () => {
    const { context, page, assertClean } = await newPage(browser);
    try {
      // Any page with an A5 document: the style guide's sample, on an A5 body.
      await page.goto(`${server.url}/styleguide.html`);
      const doc = page.locator('.document.document--a5').first();
      await page.evaluate(() => document.body.classList.add('print-a5'));
      await page.emulateMedia({ media: 'print' });
      assert.equal(await doc.evaluate((e) => getComputedStyle(e).paddingTop), '0px');
      assert.equal(await doc.evaluate((e) => getComputedStyle(e).maxWidth), 'none');
      await page.emulateMedia({ media: 'screen' });
      assert.notEqual(await doc.evaluate((e) => getComputedStyle(e).paddingTop), '0px', 'paper-like on screen');
      assertClean('print padding');
    } finally {
      await context.close();
    }
  });

  it('labels statuses and actions exactly as the server does', T, async () => {
    const { context, page, assertClean } = await newPage(browser);
    try {
      await page.goto(`${server.url}/portal/lookup.html`);
      const res = await page.request.get(`${server.url}/api/v1/public/dossier-labels`);
      assert.equal(res.status(), 200);
      const table = await res.json();
      const dict = await page.evaluate(async () => (await import('/shared/js/i18n.js')).dict);
      const mine = (kind, rows) => rows.map((r) => ({
        code: r.code, vi: dict.vi[`dossier.${kind}.${r.code}`], en: dict.en[`dossier.${kind}.${r.code}`],
      }));
      const theirs = (rows) => rows.map((r) => ({ code: r.code, vi: r.vi, en: r.en }));
      assert.equal(table.statuses.length, 11);
      assert.deepEqual(mine('status', table.statuses), theirs(table.statuses));
      // The statuses the pages know are the server's, no more.
      const pageStatuses = Object.keys(dict.vi).filter((k) => k.startsWith('dossier.status.')).map((k) => k.slice(15)).sort();
      assert.deepEqual(pageStatuses, table.statuses.map((r) => r.code).sort());
      // Actions: the dossier pages' labels (dossier-common.js, loaded by this page).
      assert.deepEqual(mine('action', table.actions), theirs(table.actions));
      assert.equal(table.statuses.find((r) => r.code === 'processing').vi, 'Đang giải quyết');
      assertClean('labels');
    } finally {
      await context.close();
    }
  });

  it('shows a dossier page on a 375 px phone and in English, and 404 for a dossier out of reach', T, async () => {
    const allow = (url, status) => allowAuth401(url, status) || (status === 404 && /\/api\/v1\/dossiers\/000\.00\.01\.H19-200101-0001$/.test(url));
    const { context, page, problems, assertClean } = await newPage(browser, {
      allow, viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true,
    });
    try {
      await signIn(page, server.url, 'quantri', PW, '/staff/dossier.html?code=000.00.01.H19-200101-0001');
      await page.locator('#dos-error').filter({ hasText: 'Không tìm thấy hồ sơ' }).waitFor();
      assert.equal(await page.locator('#dos-body').isHidden(), true);
      await checkA11y(page);
      await page.goto(`${server.url}/staff/dossier.html?code=${encodeURIComponent(demo.code)}`);
      await page.getByRole('heading', { level: 1, name: demo.code }).waitFor();
      await page.locator('#dos-history tr').first().waitFor();
      assert.equal(await page.locator('#dos-history tr').count(), demo.history.length);
      // An administrator reads but does not act.
      await page.locator('#dos-actions-none').waitFor();
      assert.equal(await hasHorizontalScroll(page), false, 'the dossier page scrolls sideways at 375 px');
      await checkA11y(page);
      await page.getByRole('button', { name: 'English' }).tap();
      await page.getByRole('heading', { name: 'Process control sheet (Form 05)' }).waitFor();
      // The summary is re-read from the server in the new language: wait for it.
      await page.locator('#dos-summary').filter({ hasText: 'Result due' }).waitFor();
      assert.equal(await hasHorizontalScroll(page), false, 'the dossier page scrolls sideways in English');
      assert.deepEqual(await missingKeys(page), []);
      await checkA11y(page);
      await page.getByRole('button', { name: 'Tiếng Việt' }).tap();
      await page.getByRole('heading', { name: 'Phiếu kiểm soát quá trình giải quyết hồ sơ (Mẫu 05)' }).waitFor();
      excuse(problems, allow);
      assertClean('dossier page on a phone');
    } finally {
      await context.close();
    }
  });

  it('receives a dossier at the desk and prints the A5 receipt with every field of Mẫu 01', { timeout: 150_000 }, async () => {
    const allow = (url, status) => allowAuth401(url, status) || (status === 400 && /\/api\/v1\/dossiers$/.test(url));
    const { context, page, problems, assertClean } = await newPage(browser, { allow });
    try {
      await signIn(page, server.url, 'tiepnhan', PW, '/staff/index.html');
      await page.getByRole('navigation', { name: 'Điều hướng khu cán bộ' }).getByRole('link', { name: 'Tiếp nhận hồ sơ' }).click();
      await page.waitForURL(`${server.url}/staff/reception.html`);
      await page.getByRole('heading', { level: 1, name: 'Tiếp nhận hồ sơ' }).waitFor();
      await checkA11y(page);
      const form = page.locator('#rc-form');

      // No procedure yet: said beside the search field.
      await form.getByRole('button', { name: 'Ghi nhận và lập phiếu' }).click();
      await form.locator('.field__error').filter({ hasText: 'Hãy tìm và chọn thủ tục.' }).waitFor();

      // Find it without diacritics, choose it: its documents appear.
      await form.getByLabel('Tìm thủ tục theo tên hoặc mã').fill('cap ban sao trich luc ho tich');
      await form.getByLabel('Tìm thủ tục theo tên hoặc mã').press('Enter');
      const choice = form.getByRole('radio', { name: /Cấp bản sao Trích lục hộ tịch/ });
      await choice.first().check();
      const docs = form.locator('#rc-doc-list li');
      await docs.first().waitFor();
      const proc = await apiGet(page, server.url, `procedures/${PROC}`);
      assert.equal(await docs.count(), proc.documents.length);
      assert.match(await form.locator('#rc-proc-summary').innerText(), /H19-HT-10/);
      await checkA11y(page);

      // Nothing ticked and no name: the server names both, nothing is received.
      await form.getByRole('button', { name: 'Ghi nhận và lập phiếu' }).click();
      await form.locator('#rc-name').and(page.locator('[aria-invalid="true"]')).waitFor();
      assert.match(await form.getByRole('alert').innerText(), /Vui lòng kiểm tra lại thông tin/);
      await checkA11y(page);

      // The first two documents, one with a copy; the applicant; by post.
      await docs.nth(0).getByRole('checkbox').check();
      await docs.nth(1).getByRole('checkbox').check();
      await docs.nth(1).getByLabel(/^Bản sao/).fill('1');
      await form.getByLabel('Họ và tên (tổ chức, cá nhân)').fill('Nguyễn Thị Bích Ngọc');
      await form.getByLabel(/^Số định danh/).fill('079190001234');
      await form.getByLabel(/^Số điện thoại/).fill('0912 345 678');
      await form.getByLabel(/^Thư điện tử/).fill('ngoc@example.vn');
      await form.getByLabel(/^Địa chỉ/).fill('12 Lê Lợi, phường Tân Phong');
      await form.getByLabel('Nơi nhận kết quả').selectOption('post');
      await form.getByRole('button', { name: 'Ghi nhận và lập phiếu' }).click();

      const done = page.locator('#rc-done-alert');
      await done.filter({ hasText: /Đã tiếp nhận hồ sơ 000\.01\.21\.H19-\d{6}-\d{4}/ }).waitFor();
      const code = (await page.locator('[data-receipt-code]').innerText()).trim();
      assert.match(code, /^000\.01\.21\.H19-\d{6}-\d{4}$/);
      assert.equal(await page.locator('#rc-form-section').isHidden(), true);
      const d = await apiGet(page, server.url, `dossiers/${encodeURIComponent(code)}`);
      assert.equal(d.status, 'received');
      const r = d.receipt;

      // The slip: every field of Mẫu 01, as the server stored it.
      const slip = page.locator('#rc-receipt.print-a5 .receipt');
      assert.equal(await slip.getAttribute('lang'), 'vi');
      assert.equal(await slip.getAttribute('data-form'), '01');
      const text = await slip.innerText();
      for (const s of [
        'GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ', code, r.agency.name, 'Nguyễn Thị Bích Ngọc',
        '12 Lê Lợi, phường Tân Phong', '0912 345 678', 'ngoc@example.vn', r.request,
        'Thành phần hồ sơ', '01 (bộ)', r.time_limit.text, r.received_at_text, r.due_at_text,
        r.return_place, `Quyển số ${r.register.book}`, `Số thứ tự ${r.register.number}`,
        'NGƯỜI NỘP HỒ SƠ', 'NGƯỜI TIẾP NHẬN HỒ SƠ', 'Trần Thị Tiếp', '02 bản',
      ]) assert.ok(text.includes(s), `the receipt lacks “${s}”`);
      assert.match(r.received_at_text, /^\d\d giờ \d\d phút, ngày \d\d\/\d\d\/\d{4}$/);
      assert.match(r.return_place, /bưu chính/);
      assert.equal(await slip.locator('[data-receipt-docs] tr').count(), 2);
      assert.match(await slip.locator('[data-receipt-docs] tr').nth(1).innerText(), /\s1\s+1$/);
      assert.equal(await slip.locator('[data-receipt-key]').innerText(), d.lookup_key);
      const link = slip.locator('[data-receipt-link]');
      const href = new URL(await link.getAttribute('href'));
      assert.equal(href.pathname, '/portal/lookup.html');
      assert.equal(href.searchParams.get('code'), code);
      assert.equal(href.searchParams.get('key'), d.lookup_key);
      // The QR code of that link, drawn by the server (libqrencode) and loaded.
      const qr = slip.locator('img[data-receipt-qr]');
      assert.equal(await qr.getAttribute('src'), `/api/v1/dossiers/${encodeURIComponent(code)}/qr.svg`);
      assert.match(await qr.getAttribute('alt'), /Mã QR/);
      await page.waitForFunction((img) => img.complete && img.naturalWidth > 0, await qr.elementHandle());
      const svg = await page.request.get(`${server.url}/api/v1/dossiers/${encodeURIComponent(code)}/qr.svg`);
      assert.equal(svg.status(), 200);
      assert.equal(svg.headers()['content-type'], 'image/svg+xml');
      const svgText = await svg.text();
      assert.match(svgText, /^<svg [^>]*viewBox="0 0 (\d+) \1"/);
      assert.ok((svgText.match(/M\d+,\d+h\d+v1h-\d+z/g) || []).length > 50, 'the QR code has no modules');
      assert.ok((await qr.boundingBox()).width >= 100, 'the QR code is too small to scan');
      await checkA11y(page);

      // Printed: the slip alone on A5.
      await page.emulateMedia({ media: 'print' });
      assert.equal(await page.locator('.site-nav').isVisible(), false);
      assert.equal(await page.locator('#main h1').isVisible(), false);
      assert.equal(await done.isVisible(), false);
      assert.equal(await slip.isVisible(), true);
      assert.equal(await page.locator('#rc-receipt').evaluate((e) => getComputedStyle(e).page), 'a5');
      // One A5 sheet (148 × 210 mm = 420 × 595 pt), the link printed once.
      const pdf = (await page.pdf({ preferCSSPageSize: true })).toString('latin1');
      assert.equal(pdf.match(/\/Type\s*\/Page[^s]/g)?.length, 1, 'the receipt takes more than one sheet');
      assert.match(pdf, /\/MediaBox\s*\[0 0 42\d(?:\.\d+)? 59[45](?:\.\d+)?\]/);
      assert.equal(await sheets(page), 1, 'the receipt takes more than one A5 sheet');
      assert.equal(await page.locator('[data-receipt-link]').evaluate((a) => getComputedStyle(a, '::after').content), 'none');
      assert.equal(await slip.evaluate((e) => getComputedStyle(e).paddingTop), '0px', 'screen padding on top of the sheet margins');
      assert.equal(await qr.isVisible(), true);
      await page.emulateMedia({ media: 'screen' });

      // It is in the queue, and the dossier opens from the slip's page.
      await done.getByRole('link', { name: 'Mở hồ sơ' }).click();
      await page.waitForURL(/\/staff\/dossier\.html\?code=/);
      await page.getByRole('heading', { level: 1, name: code }).waitFor();
      await page.locator('#dos-badges .badge--received').waitFor();
      await page.goto(`${server.url}/staff/dossiers.html`);
      await page.locator(`#queue-body tr[data-code="${code}"]`).getByRole('link', { name: code }).click();
      await page.waitForURL(`${server.url}/staff/dossier.html?code=${encodeURIComponent(code)}`);
      await page.getByRole('heading', { level: 1, name: code }).waitFor();

      // The citizen follows the slip's link.
      await page.goto(href.href);
      await page.locator('#lookup-summary .badge--received').waitFor();
      assert.equal(await page.locator('#lookup-result-code').innerText(), code);
      excuse(problems, allow);
      assertClean('reception desk');
    } finally {
      await context.close();
    }
  });

  it('issues Mẫu 02 for an incomplete dossier and Mẫu 03 for a refusal, on a 375 px phone', { timeout: 150_000 }, async () => {
    const allow = allowAuth401;
    const { context, page, problems, assertClean } = await newPage(browser, {
      allow, viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true,
    });
    try {
      await signIn(page, server.url, 'tiepnhan', PW, '/staff/reception.html');
      const form = page.locator('#rc-form');
      assert.equal(await hasHorizontalScroll(page), false, 'reception scrolls sideways at 375 px');
      const pick = async () => {
        await form.getByLabel('Tìm thủ tục theo tên hoặc mã').fill(PROC);
        await form.getByRole('button', { name: 'Tìm thủ tục' }).tap();
        await form.getByRole('radio', { name: /Cấp bản sao Trích lục hộ tịch/ }).first().check();
        await form.locator('#rc-doc-list li').first().waitFor();
      };

      // Incomplete: the required documents not ticked are listed for Mẫu 02.
      await pick();
      await form.locator('#rc-doc-list li').first().getByRole('checkbox').check();
      await form.getByLabel('Họ và tên (tổ chức, cá nhân)').fill('Trần Văn Bổ Sung');
      await form.getByRole('radio', { name: /Hồ sơ chưa đầy đủ/ }).check();
      const missing = form.getByLabel('Những gì cần bổ sung, hoàn thiện');
      const proc = await apiGet(page, server.url, `procedures/${PROC}`);
      const expected = proc.documents.slice(1).filter((x) => x.required).map((x) => x.name);
      assert.ok(expected.length > 0);
      assert.equal(await missing.inputValue(), expected.join('\n'));
      await missing.fill(`${expected.join('\n')}\nBản sao giấy khai sinh: bản chụp bị mờ`);
      assert.equal(await hasHorizontalScroll(page), false);
      await checkA11y(page);
      await form.getByRole('button', { name: 'Ghi nhận và lập phiếu' }).tap();
      await page.locator('#rc-done-alert').filter({ hasText: 'Đã lập phiếu hướng dẫn bổ sung' }).waitFor();
      const slip = page.locator('#rc-receipt .receipt');
      assert.equal(await slip.getAttribute('data-form'), '02');
      assert.match(await slip.innerText(), /PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ/);
      assert.equal(await slip.locator('[data-receipt-items] li').count(), expected.length + 1);
      assert.match(await slip.locator('[data-receipt-items] li').last().innerText(), /Bản sao giấy khai sinh — lý do: bản chụp bị mờ/);
      await slip.locator('[data-receipt-key]').waitFor();
      const code02 = (await slip.locator('[data-receipt-code]').innerText()).trim();
      assert.equal((await apiGet(page, server.url, `dossiers/${encodeURIComponent(code02)}`)).status, 'awaiting_supplement');
      assert.equal(await hasHorizontalScroll(page), false, 'the slip scrolls sideways at 375 px');
      await slip.locator('img[data-receipt-qr]').waitFor();
      await checkA11y(page);
      await page.emulateMedia({ media: 'print' });
      assert.equal(await sheets(page), 1, 'Mẫu 02 takes more than one A5 sheet');
      await page.emulateMedia({ media: 'screen' });

      // Refused: Mẫu 03 with the reason.
      await page.getByRole('button', { name: 'Tiếp nhận hồ sơ khác' }).tap();
      assert.equal(await form.getByLabel('Họ và tên (tổ chức, cá nhân)').inputValue(), '');
      await pick();
      await form.getByLabel('Họ và tên (tổ chức, cá nhân)').fill('Lê Thị Từ Chối');
      await form.getByRole('radio', { name: /Không tiếp nhận/ }).check();
      await form.getByLabel('Lý do từ chối tiếp nhận').fill('Sổ hộ tịch không lưu tại phường; đề nghị liên hệ nơi đã đăng ký.');
      await form.getByRole('button', { name: 'Ghi nhận và lập phiếu' }).tap();
      await page.locator('#rc-done-alert').filter({ hasText: 'Đã lập phiếu từ chối tiếp nhận' }).waitFor();
      assert.equal(await slip.getAttribute('data-form'), '03');
      assert.match(await slip.locator('[data-receipt-reason]').innerText(), /Sổ hộ tịch không lưu tại phường/);
      const code03 = (await slip.locator('[data-receipt-code]').innerText()).trim();
      assert.equal((await apiGet(page, server.url, `dossiers/${encodeURIComponent(code03)}`)).status, 'refused');
      await checkA11y(page);
      await page.emulateMedia({ media: 'print' });
      assert.equal(await sheets(page), 1, 'Mẫu 03 takes more than one A5 sheet');
      await page.emulateMedia({ media: 'screen' });

      // In English the form is translated; the slip stays Vietnamese.
      await page.getByRole('button', { name: 'English' }).tap();
      await page.getByRole('heading', { level: 1, name: 'Receive a dossier' }).waitFor();
      assert.match(await slip.innerText(), /PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ/);
      assert.deepEqual(await missingKeys(page), []);
      await page.getByRole('button', { name: 'Receive another dossier' }).tap();
      await page.getByRole('button', { name: 'Record and prepare the slip' }).waitFor();
      await form.getByLabel('Find the procedure by name or code').fill(PROC);
      await form.getByRole('button', { name: 'Find', exact: true }).tap();
      await form.getByRole('radio', { name: /Cấp bản sao Trích lục hộ tịch/ }).first().check();
      await form.locator('#rc-doc-list li').first().getByText('(required)').waitFor();
      await form.locator('#rc-doc-list li').first().getByLabel(/^Originals/).waitFor();
      assert.match(await form.locator('#rc-proc-summary').innerText(), /Time limit/);
      assert.deepEqual(await missingKeys(page), []);
      assert.equal(await hasHorizontalScroll(page), false, 'reception scrolls sideways in English');
      await checkA11y(page);
      await page.getByRole('button', { name: 'Tiếng Việt' }).tap();
      await page.getByRole('heading', { level: 1, name: 'Tiếp nhận hồ sơ' }).waitFor();
      await form.locator('#rc-doc-list li').first().getByText('(bắt buộc)').waitFor();
      assert.match(await form.locator('#rc-proc-summary').innerText(), /Thời hạn giải quyết/);
      excuse(problems, allow);
      assertClean('Mẫu 02 and 03');
    } finally {
      await context.close();
    }
  });

  it('is linked from the home page and the staff workspace', T, async () => {
    const allow = allowAuth401;
    const { context, page, problems, assertClean } = await newPage(browser, { allow });
    try {
      await page.goto(`${server.url}/`);
      const footer = page.locator('footer');
      assert.equal(await footer.getByRole('link', { name: 'Tra cứu hồ sơ' }).getAttribute('href'), '/portal/lookup.html');
      assert.equal(await footer.getByRole('link', { name: 'Hồ sơ cần xử lý' }).getAttribute('href'), '/staff/dossiers.html');
      assert.equal(await footer.getByRole('link', { name: 'Tiếp nhận hồ sơ' }).getAttribute('href'), '/staff/reception.html');
      assert.deepEqual(await missingKeys(page), []);
      await page.getByRole('status').filter({ hasText: 'Hệ thống hoạt động' }).waitFor();
      await signIn(page, server.url, 'demo.tiepnhan.1', officials['demo.tiepnhan.1'], '/staff/index.html');
      const cards = page.locator('#main .card');
      assert.equal(await cards.getByRole('link', { name: 'Tiếp nhận hồ sơ' }).getAttribute('href'), '/staff/reception.html');
      await cards.getByRole('link', { name: 'Hồ sơ cần xử lý' }).click();
      await page.waitForURL(`${server.url}/staff/dossiers.html`);
      await page.locator('#queue-body tr').first().waitFor();
      excuse(problems, allow);
      assertClean('links to the dossier pages');
    } finally {
      await context.close();
    }
  });
});

describe('public dossier lookup, rate-limited', { concurrency: 1 }, () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer({ args: ['--data', DATA, '--lookup_burst', '1', '--lookup_rate_per_minute', '1'] });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('explains 429 instead of "not found"', T, async () => {
    const allow = (url, status) => [404, 429].includes(status) && /\/api\/v1\/public\/dossiers\//.test(url);
    const { context, page, problems, assertClean } = await newPage(browser, { allow });
    try {
      await page.goto(lookupUrl(server.url, '000.00.01.H19-200101-0001', 'ABCDEFGH'));
      const alert = page.locator('#lookup-form').getByRole('alert');
      await alert.filter({ hasText: 'Không tìm thấy hồ sơ' }).waitFor();
      await page.locator('#lookup-form').getByRole('button', { name: 'Tra cứu' }).click();
      await alert.filter({ hasText: 'Tạm dừng tra cứu' }).waitFor();
      assert.match(await alert.innerText(), /thử lại sau \d+ giây/);
      await checkA11y(page);
      excuse(problems, allow);
      assertClean('lookup rate limit');
    } finally {
      await context.close();
    }
  });
});

// The shared helpers of web/shared/js/app.js, run in the browser against the
// real server: api() and its problem+json errors, the CSRF header, dates in
// Vietnam time whatever the browser's zone.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage } from './lib/harness.mjs';

const T = { timeout: 30_000 };

describe('shared app.js helpers', { concurrency: 1 }, () => {
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

  it('api() reads JSON and turns problem+json into an ApiError', T, async () => {
    const { context, page, assertClean } = await newPage(browser, {
      // the two answers this test provokes on purpose
      allow: (url) => /\/api\/v1\/(no-such-route-e2e|e2e-invalid)$/.test(url),
    });
    try {
      await page.goto(`${server.url}/`);
      // A problem with invalid_params, as the validation of a form answers.
      await page.route('**/api/v1/e2e-invalid', (route) => route.fulfill({
        status: 422,
        contentType: 'application/problem+json',
        body: JSON.stringify({
          type: 'about:blank', title: 'Dữ liệu không hợp lệ', status: 422, detail: 'Sai 1 trường',
          invalid_params: [{ name: 'phone', reason: 'Số điện thoại không hợp lệ' }],
        }),
      }));
      const out = await page.evaluate(async () => {
        const app = await import('/shared/js/app.js');
        const health = await app.api('/healthz');
        const errs = {};
        for (const [path, method] of [['no-such-route-e2e', 'GET'], ['e2e-invalid', 'POST']]) {
          try {
            await app.api(path, { method, body: method === 'POST' ? { a: 1 } : undefined });
            errs[path] = 'no error';
          } catch (e) {
            errs[path] = { name: e.name, isApiError: e instanceof app.ApiError, status: e.status, problem: e.problem };
          }
        }
        return { health, errs };
      });
      assert.equal(out.health.status, 'ok');

      const nf = out.errs['no-such-route-e2e'];
      assert.equal(nf.isApiError, true);
      assert.ok(nf.status >= 400 && nf.status < 500, `unknown route answered ${nf.status}`);
      assert.equal(nf.problem.status, nf.status);
      assert.equal(typeof nf.problem.title, 'string');
      assert.ok(nf.problem.title.length > 0);

      const inv = out.errs['e2e-invalid'];
      assert.equal(inv.isApiError, true);
      assert.equal(inv.status, 422);
      assert.equal(inv.problem.detail, 'Sai 1 trường');
      assert.deepEqual(inv.problem.invalid_params, [{ name: 'phone', reason: 'Số điện thoại không hợp lệ' }]);
      assertClean('api()');
    } finally {
      await context.close();
    }
  });

  it('api() sends the CSRF token and JSON body, same-origin', T, async () => {
    const { context, page, assertClean } = await newPage(browser);
    try {
      await page.goto(`${server.url}/`);
      const seen = [];
      await page.route('**/api/v1/e2e-echo', (route) => {
        const req = route.request();
        seen.push({ method: req.method(), headers: req.headers(), body: req.postData() });
        return route.fulfill({ status: 200, contentType: 'application/json', body: '{"ok":true}' });
      });
      const res = await page.evaluate(async () => {
        const app = await import('/shared/js/app.js');
        const a = await app.api('e2e-echo');
        app.setCsrfToken('tok-123');
        const b = await app.api('e2e-echo', { method: 'POST', body: { ten: 'Nguyễn Văn Ánh' } });
        app.setCsrfToken(null);
        return [a, b];
      });
      assert.deepEqual(res, [{ ok: true }, { ok: true }]);
      assert.equal(seen.length, 2);
      assert.equal(seen[0].headers['x-csrf-token'], undefined);
      assert.equal(seen[1].method, 'POST');
      assert.equal(seen[1].headers['x-csrf-token'], 'tok-123');
      assert.match(seen[1].headers['content-type'], /^application\/json/);
      assert.deepEqual(JSON.parse(seen[1].body), { ten: 'Nguyễn Văn Ánh' });
      assertClean('api() csrf');
    } finally {
      await context.close();
    }
  });

  it('a network failure becomes an ApiError with status 0', T, async () => {
    const { context, page, assertClean } = await newPage(browser, {
      allow: (url) => url.endsWith('/api/v1/e2e-down'),
    });
    try {
      await page.goto(`${server.url}/`);
      await page.route('**/api/v1/e2e-down', (route) => route.abort('connectionrefused'));
      const e = await page.evaluate(async () => {
        const app = await import('/shared/js/app.js');
        try { await app.api('e2e-down'); return null; } catch (err) {
          return { isApiError: err instanceof app.ApiError, status: err.status, detail: err.problem.detail };
        }
      });
      assert.equal(e.isApiError, true);
      assert.equal(e.status, 0);
      assert.match(e.detail, /Không kết nối được/);
      assertClean('api() network failure');
    } finally {
      await context.close();
    }
  });

  for (const zone of ['America/Los_Angeles', 'Europe/London', 'Asia/Ho_Chi_Minh', 'Pacific/Kiritimati']) {
    it(`formats dates in Vietnam time in a browser set to ${zone}`, T, async () => {
      const { context, page, assertClean } = await newPage(browser, { timezoneId: zone });
      try {
        await page.goto(`${server.url}/`);
        const r = await page.evaluate(async () => {
          const app = await import('/shared/js/app.js');
          return {
            utcEvening: app.formatDateTime('2026-11-30T17:30:00Z'),
            offset: app.formatDateTime('2026-01-01T00:05:00+07:00'),
            unix: app.formatDateTime(1767225600),            // 2026-01-01T00:00:00Z
            dateOnly: app.formatDate('2026-12-31'),
            date: app.formatDate('2026-11-30T17:30:00Z'),
            time: app.formatTime('2026-11-30T17:30:00Z'),
            iso: app.toIsoVN('2026-11-30T17:30:00Z'),
            empty: app.formatDateTime(''),
            bad: app.formatDateTime('không phải ngày'),
            parsed: [app.parseDateVN('5/9/1990'), app.parseDateVN('31/02/2026'), app.parseDateVN('29/02/2028')],
          };
        });
        assert.deepEqual(r, {
          utcEvening: '01/12/2026 00:30',
          offset: '01/01/2026 00:05',
          unix: '01/01/2026 07:00',
          dateOnly: '31/12/2026',
          date: '01/12/2026',
          time: '00:30',
          iso: '2026-12-01T00:30:00+07:00',
          empty: '',
          bad: '',
          parsed: ['1990-09-05', null, '2028-02-29'],
        });
        assertClean('date helpers');
      } finally {
        await context.close();
      }
    });
  }
});

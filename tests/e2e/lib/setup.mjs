// Set-up the browser tests share, beside harness.mjs (which starts the
// server and the browser): the motcua CLI on the test server's database
// (seed, demo, officials), signing in through the staff login page, API
// calls with a signed-in session, the calendar date in Vietnam, and
// excusing the HTTP errors a test provokes on purpose.
//
// API:
//   DATA                              the repository's data/ directory
//   motcua(args, {input, timeoutMs})  -> stdout; rejects on a non-zero exit
//   seed(server) / demo(server, {count, days, ratings})   -> stdout
//   addUser(server, {username, role, agency, name, password, fastHash})
//   dossierRows(server, args)         -> `dossier list` rows, split on tabs
//   dossierShow(server, code)         -> the dossier's JSON
//   allowAuth401(url, status)         the 401s of "am I signed in?" / a wrong password
//   excuse(problems, allow)           drop Chromium's console lines for allowed answers
//   signIn(page, base, user, password, next)
//   apiGet(page, base, path) / apiPost(page, base, path, data)
//   apiSession(browser, base, user, password) -> {context, get, post, close}
//   vnDate(offsetDays) / vnMonth(offsetMonths)   dates in Asia/Ho_Chi_Minh

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export const DATA = path.resolve(here, '../../../data');

/**
 * Run `$MOTCUA_BIN args...` with `input` on stdin; resolve its stdout, or
 * reject with its stderr when it exits non-zero or outlives timeoutMs (it is
 * then killed: no test waits on a hung command).
 */
export function motcua(args, { input = '', timeoutMs = 90_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.env.MOTCUA_BIN, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`motcua ${args.join(' ')}: no exit within ${timeoutMs} ms\n${err}`));
    }, timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (c) => { out += c; });
    child.stderr.on('data', (c) => { err += c; });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`motcua ${args.join(' ')} exited ${code ?? signal}\n${err}`));
    });
    child.stdin.end(input);
  });
}

/** The reference data (agencies, procedures, calendar) into the server's database. */
export function seed(server) {
  return motcua(['seed', '--db', server.dbUrl, '--data', DATA]);
}

/** `motcua dossier demo` on the server's database; its output (the officials' passwords). */
export function demo(server, { count, days, ratings } = {}) {
  const args = ['dossier', 'demo', '--db', server.dbUrl, '--data', DATA];
  if (count !== undefined) args.push('--count', String(count));
  if (days !== undefined) args.push('--days', String(days));
  if (ratings !== undefined) args.push('--ratings', String(ratings));
  return motcua(args);
}

/**
 * An official through `motcua user add` (the password on stdin, never on the
 * command line). fastHash: the cheapest Argon2 cost, for tests that sign in
 * often.
 */
export function addUser(server, { username, role, agency, name, password, fastHash = false }) {
  const args = ['user', 'add', '--username', username, '--role', role, '--agency', agency,
    '--name', name, '--db', server.dbUrl];
  if (fastHash) args.push('--argon2_m_cost', '8', '--argon2_t_cost', '1');
  return motcua(args, { input: `${password}\n` });
}

/** `motcua dossier list [args]` as rows of tab-separated fields (code first). */
export async function dossierRows(server, args = []) {
  const out = await motcua(['dossier', 'list', ...args, '--db', server.dbUrl, '--data', DATA]);
  return out.trim().split('\n').filter(Boolean).map((l) => l.split('\t'));
}

/** `motcua dossier show code`, parsed. */
export async function dossierShow(server, code) {
  return JSON.parse(await motcua(['dossier', 'show', code, '--db', server.dbUrl, '--data', DATA]));
}

/* ------------------------------------------------------ signing in, API -- */

/** The 401s a staff page provokes on purpose: "am I signed in?" before signing in, a wrong password. */
export const allowAuth401 = (url, status) => status === 401 && /\/api\/v1\/auth\/(?:login|me)$/.test(url);

/**
 * Chromium also reports every HTTP error of a fetch on the console ("Failed
 * to load resource: ... status of 404"): drop those lines for the answers
 * `allow(url, status)` excuses, keep every other one. For pages watched
 * without an `allow` of their own.
 */
export function excuse(problems, allow) {
  for (let i = problems.length - 1; i >= 0; i -= 1) {
    const m = /^console error: Failed to load resource: the server responded with a status of (\d+) .*\((\S+?):\d+\)$/.exec(problems[i]);
    if (m && allow(m[2], Number(m[1]))) problems.splice(i, 1);
  }
}

/**
 * Sign in as user through the staff login page. With `next`, open
 * /staff/login.html?next=... first, then wait for the page `next` and for its
 * session (the header shows the user once GET auth/me answered, so leaving
 * the page afterwards aborts nothing). Without `next`, fill the login form
 * the page already shows and submit it (for tests of the login page itself).
 */
export async function signIn(page, base, user, password, next) {
  if (next !== undefined) await page.goto(`${base}/staff/login.html?${new URLSearchParams({ next })}`);
  await page.getByLabel('Tên đăng nhập').fill(user);
  await page.getByLabel('Mật khẩu').fill(password);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  if (next === undefined) return;
  await page.waitForURL(`${base}${next}`);
  await page.locator('[data-staff-user]').waitFor();
}

/** GET /api/v1/<p> with the page's session; asserts 200, resolves the JSON. */
export async function apiGet(page, base, p) {
  const res = await page.request.get(`${base}/api/v1/${p}`);
  assert.equal(res.status(), 200, `GET ${p}: ${res.status()}`);
  return res.json();
}

/** POST /api/v1/<p> with the page's session and CSRF token; resolves {status, body}. */
export async function apiPost(page, base, p, data) {
  const me = await apiGet(page, base, 'auth/me');
  const res = await page.request.post(`${base}/api/v1/${p}`, {
    headers: { 'X-CSRF-Token': me.csrf_token }, data,
  });
  return { status: res.status(), body: await res.json() };
}

/**
 * An API session of `user` in a browser context of its own (cookies and the
 * CSRF token), without a page: for set-up through the API. get/post assert
 * the status (200 unless given) and resolve the JSON. close() when done.
 */
export async function apiSession(browser, base, user, password) {
  const context = await browser.newContext();
  const login = await context.request.post(`${base}/api/v1/auth/login`, { data: { username: user, password } });
  assert.equal(login.status(), 200, `login ${user}`);
  const { csrf_token: csrf } = await login.json();
  return {
    context,
    async get(p, status = 200) {
      const r = await context.request.get(`${base}/api/v1/${p}`);
      assert.equal(r.status(), status, `GET ${p}: ${r.status()}`);
      return r.json();
    },
    async post(p, data, status = 200) {
      const r = await context.request.post(`${base}/api/v1/${p}`, { headers: { 'X-CSRF-Token': csrf }, data });
      const body = await r.json();
      assert.equal(r.status(), status, `POST ${p}: ${r.status()} ${JSON.stringify(body)}`);
      return body;
    },
    close: () => context.close(),
  };
}

/* ----------------------------------------------------------------- dates -- */

// The pages run in Asia/Ho_Chi_Minh (newPage's timezoneId) and the server
// counts in Vietnam's days, while node runs in whatever TZ the machine has
// (UTC under CI): from 17:00 UTC node's "today" is the day before the
// page's, and on the last day of a month that is the month before. Tests
// compute dates here, in Vietnam's time (UTC+7 all year, no DST).
const VN_OFFSET_MS = 7 * 3600 * 1000;
const pad = (n) => String(n).padStart(2, '0');

/** 'YYYY-MM-DD' of today in Vietnam, plus offsetDays. */
export function vnDate(offsetDays = 0, now = Date.now()) {
  const d = new Date(now + VN_OFFSET_MS + offsetDays * 86_400_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/**
 * The month offsetMonths from this month in Vietnam (-1: last month):
 * {first: 'YYYY-MM-01', last: 'YYYY-MM-DD' (28..31), year, month (1..12)}.
 */
export function vnMonth(offsetMonths = 0, now = Date.now()) {
  const today = new Date(now + VN_OFFSET_MS);
  // Day 1 of the month: adding months to day 1 never spills into the next.
  const first = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + offsetMonths, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0));
  const y = first.getUTCFullYear();
  const m = first.getUTCMonth() + 1;
  return { first: `${y}-${pad(m)}-01`, last: `${y}-${pad(m)}-${pad(last.getUTCDate())}`, year: y, month: m };
}

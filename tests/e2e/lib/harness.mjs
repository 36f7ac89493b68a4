// End-to-end harness: the real motcua binary on a temp database and a free
// port, driven by Debian's headless Chromium through playwright-core, pages
// checked with axe-core.
//
// Environment:
//   MOTCUA_BIN     the motcua executable (required; CTest sets it)
//   MOTCUA_WEB     the web/ directory (default: ../../web beside this file)
//   MOTCUA_DB_URL  use this database instead of a temp SQLite file
//                  (e.g. the throw-away PostgreSQL cluster of pg-test.sh)
//   CHROMIUM       browser executable (default /usr/bin/chromium)
//
// API:
//   startServer({env, args})  -> {url, dbUrl, tmp, logs(), stop()}; args are
//                       extra `motcua serve` flags (e.g. ['--data', dir])
//   launchBrowser()     -> playwright Browser
//   newPage(browser, {viewport, locale, ...})  -> {context, page, problems}
//   watchPage(page)     -> {problems, assertClean(msg)}   console errors,
//                          page errors, failed requests, HTTP >= 400
//   checkA11y(page, {exclude, disableRules})   throws on serious/critical
//   hasHorizontalScroll(page)

import { spawn } from 'node:child_process';
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

export const START_TIMEOUT_MS = 20_000;
export const STOP_TIMEOUT_MS = 10_000;
const LOG_LIMIT = 64 * 1024;

function motcuaBin() {
  const bin = process.env.MOTCUA_BIN;
  if (!bin) {
    throw new Error('MOTCUA_BIN is not set: point it at the motcua binary ' +
      '(ctest sets it; by hand: MOTCUA_BIN=build/check/motcua node --test)');
  }
  return bin;
}

export function webDir() {
  return process.env.MOTCUA_WEB || path.resolve(here, '../../../web');
}

/** Keep the last LOG_LIMIT characters of a stream (and keep it drained). */
function collect(stream) {
  const buf = { text: '' };
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    buf.text += chunk;
    if (buf.text.length > LOG_LIMIT) buf.text = buf.text.slice(-LOG_LIMIT);
  });
  return buf;
}

/** Run `motcua args...` to completion (bounded); resolve {code, stdout, stderr}. */
function run(bin, args, env, timeoutMs) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = collect(child.stdout);
    const err = collect(child.stderr);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${path.basename(bin)} ${args.join(' ')}: no exit within ${timeoutMs} ms\n${err.text}`));
    }, timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: out.text, stderr: err.text });
    });
  });
}

/**
 * Migrate a fresh database and start `motcua serve` on 127.0.0.1:0.
 * Resolves once the server printed `listening on http://...` (at most
 * START_TIMEOUT_MS). `stop()` sends SIGTERM, waits (bounded) for the exit,
 * removes the temp dir and resolves {code, signal, stderr}.
 */
export async function startServer({ env: extraEnv = {}, args: extraArgs = [] } = {}) {
  const bin = motcuaBin();
  const tmp = await mkdtemp(path.join(tmpdir(), 'motcua-e2e-'));
  const dbUrl = process.env.MOTCUA_DB_URL || `sqlite:${tmp}/t.db`;
  const env = { ...process.env, ...extraEnv };

  const cleanup = () => rm(tmp, { recursive: true, force: true });

  try {
    const mig = await run(bin, ['migrate', '--db', dbUrl], env, START_TIMEOUT_MS);
    if (mig.code !== 0) {
      throw new Error(`motcua migrate --db ${dbUrl} exited ${mig.code ?? mig.signal}\n${mig.stderr}${mig.stdout}`);
    }
  } catch (e) {
    await cleanup();
    throw e;
  }

  const child = spawn(bin, ['serve', '--db', dbUrl, '--listen', '127.0.0.1:0', '--web', webDir(), ...extraArgs], {
    env, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr = collect(child.stderr);
  let stdoutText = '';
  const exited = new Promise((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal }));
  });

  let url;
  try {
    url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`motcua serve printed no "listening on" line within ${START_TIMEOUT_MS} ms\n` +
          `stdout: ${stdoutText}\nstderr: ${stderr.text}`));
      }, START_TIMEOUT_MS);
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk) => {
        stdoutText += chunk;
        if (stdoutText.length > LOG_LIMIT) stdoutText = stdoutText.slice(-LOG_LIMIT);
        const m = /listening on (http:\/\/[^\s]+)/.exec(stdoutText);
        if (m) { clearTimeout(timer); resolve(m[1].replace(/\/$/, '')); }
      });
      child.on('error', (e) => { clearTimeout(timer); reject(e); });
      exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`motcua serve exited (${code ?? signal}) before listening\n${stderr.text}`));
      });
    });
  } catch (e) {
    child.kill('SIGKILL');
    await exited;
    await cleanup();
    throw e;
  }

  let stopped = null;
  async function stop() {
    if (stopped) return stopped;
    stopped = (async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      let timer;
      const result = await Promise.race([
        exited,
        new Promise((resolve) => { timer = setTimeout(() => resolve(null), STOP_TIMEOUT_MS); }),
      ]);
      clearTimeout(timer);
      let res = result;
      if (!res) {
        child.kill('SIGKILL');
        res = { ...(await exited), timedOut: true };
      }
      await cleanup();
      return { ...res, stderr: stderr.text, stdout: stdoutText };
    })();
    return stopped;
  }

  return {
    url,
    dbUrl,
    tmp,
    pid: child.pid,
    logs: () => ({ stdout: stdoutText, stderr: stderr.text }),
    stop,
  };
}

/* ----------------------------------------------------------------- browser -- */

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    timeout: 20_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
}

/**
 * Record everything that should never happen on a page of ours: console
 * errors (a CSP violation is one), uncaught exceptions, requests that fail
 * at the network level and HTTP answers >= 400 (a missing favicon, a broken
 * link to a stylesheet). `allow(url, status)` may excuse expected failures
 * (status is 0 for a network failure, null for the matching console line).
 */
export function watchPage(page, { allow = () => false } = {}) {
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const loc = msg.location();
    // Chromium also logs every HTTP error answer as "Failed to load
    // resource" at the resource's URL: excused when the answer is.
    if (/^Failed to load resource/.test(msg.text()) && loc?.url && allow(loc.url, null)) return;
    problems.push(`console error: ${msg.text()}${loc?.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.stack || err.message}`));
  page.on('requestfailed', (req) => {
    const why = req.failure()?.errorText || 'failed';
    // Navigating away aborts whatever is still loading (the page itself, its
    // favicon, images): not a defect of the page.  Aborted fetch/XHR calls
    // still count, since a script that navigates before its own request
    // finishes is a bug.
    if (why === 'net::ERR_ABORTED' && !['fetch', 'xhr'].includes(req.resourceType())) return;
    // The shared footer's status line (/healthz) is fire-and-forget: a page
    // that sends a signed-out visitor to the login page at once aborts it.
    if (why === 'net::ERR_ABORTED' && new URL(req.url()).pathname === '/healthz') return;
    if (!allow(req.url(), 0)) problems.push(`request failed: ${req.method()} ${req.url()} — ${why}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400 && !allow(res.url(), res.status())) {
      problems.push(`HTTP ${res.status()}: ${res.request().method()} ${res.url()}`);
    }
  });
  return {
    problems,
    assertClean(what = 'page') {
      if (problems.length) {
        throw new Error(`${what} had ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
      }
    },
  };
}

/** A fresh context and page, already watched. Close with context.close(). */
export async function newPage(browser, options = {}) {
  const { allow, ...contextOptions } = options;
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
    ...contextOptions,
  });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(15_000);
  const page = await context.newPage();
  const watch = watchPage(page, { allow });
  return { context, page, ...watch };
}

/* ------------------------------------------------------------------ axe -- */

let axeSource = null;

async function axe() {
  axeSource ??= await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

/**
 * Run axe-core (WCAG 2.0/2.1 A and AA rules) on the page; throw a readable
 * list when any violation is of impact serious or critical. Returns all
 * violations (minor and moderate ones too) for callers who want them.
 *
 * Injection: page.evaluate(source) runs the script through the DevTools
 * protocol, which the page's Content-Security-Policy does not govern, so the
 * server's real CSP stays in force for the page itself (we want the browser
 * to report any violation of it) while axe still gets in. addScriptTag would
 * add an inline <script> that the CSP blocks, and bypassCSP would hide
 * exactly the violations these tests must catch.
 */
export async function checkA11y(page, { exclude = [], disableRules = [] } = {}) {
  const hasAxe = await page.evaluate(() => typeof window.axe === 'object');
  if (!hasAxe) await page.evaluate(await axe());
  const results = await page.evaluate(async ({ exclude, disableRules }) => {
    const rules = {};
    for (const r of disableRules) rules[r] = { enabled: false };
    const r = await window.axe.run(
      exclude.length ? { include: [document], exclude: exclude.map((s) => [s]) } : document,
      {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
        rules,
        resultTypes: ['violations'],
      },
    );
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
    }));
  }, { exclude, disableRules });

  const bad = results.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length) {
    const lines = [];
    for (const v of bad) {
      lines.push(`[${v.impact}] ${v.id}: ${v.help}`);
      for (const n of v.nodes.slice(0, 10)) {
        lines.push(`    at ${n.target}`);
        if (n.summary) lines.push(`       ${n.summary.replace(/\n\s*/g, ' / ')}`);
      }
      if (v.nodes.length > 10) lines.push(`    … and ${v.nodes.length - 10} more`);
    }
    throw new Error(`axe: ${bad.length} serious/critical accessibility violation(s) on ${page.url()}\n${lines.join('\n')}`);
  }
  return results;
}

/** True when the document is wider than the viewport (a sideways scrollbar). */
export function hasHorizontalScroll(page) {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
}

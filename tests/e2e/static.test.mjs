// Static checks over every page under web/ (no browser): what the CSP would
// block, what every page must carry, and that every page has a browser test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { webDir } from './lib/harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

async function walk(dir, ext) {
  const out = [];
  for (const ent of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name);
    if (ent.isDirectory()) out.push(...await walk(p, ext));
    else if (ent.name.endsWith(ext)) out.push(p);
  }
  return out;
}

const web = webDir();
const urlOf = (file) => `/${path.relative(web, file).split(path.sep).join('/')}`;
// Partials are the pieces pages include (src/http/include.c): checked for
// what the CSP forbids, not for a page's frame, and tested through the pages.
const isPartial = (file) => urlOf(file).startsWith('/shared/partials/');
const files = await walk(web, '.html');
const pages = files.filter((f) => !isPartial(f));

// A page as the server sends it: each include replaced by its partial (the
// page frame lives in the partials, so the frame checks read the result).
// `current` only adds aria-current, which none of these checks look at.
const INCLUDE = /<!--#include partial="([a-z0-9-]+)"(?: current="[a-z0-9-]+")? -->/g;
const partialText = new Map();
for (const f of files.filter(isPartial)) {
  partialText.set(path.basename(f, '.html'), await readFile(f, 'utf8'));
}
const expand = (html) => html.replace(INCLUDE, (m, name) => partialText.get(name) ?? m);
const count = (html, re) => [...html.matchAll(re)].length;

test('web/ has pages to check', () => {
  assert.ok(pages.some((p) => urlOf(p) === '/index.html'), `no index.html under ${web}`);
});

for (const file of files) {
  const url = urlOf(file);
  test(`${url}: nothing the CSP forbids${isPartial(file) ? '' : ', the shared page frame present'}`, async () => {
    let html = await readFile(file, 'utf8');
    const problems = [];
    for (const m of html.matchAll(/<script\b([^>]*)>/gi)) {
      if (!/\bsrc\s*=/.test(m[1])) problems.push('inline <script> (CSP script-src \'self\')');
    }
    if (/<style\b/i.test(html)) problems.push('<style> block (CSP style-src \'self\')');
    if (/\sstyle\s*=/i.test(html)) problems.push('style= attribute (CSP style-src \'self\')');
    const handler = /<[a-z][^>]*\s(on[a-z]+)\s*=/i.exec(html);
    if (handler) problems.push(`inline event handler ${handler[1]}=`);
    if (/javascript:/i.test(html)) problems.push('javascript: URL');
    // Resources come from here only; a link (<a href>) may lead elsewhere.
    const foreign = /^(?:https?:)?\/\//i;
    for (const m of html.matchAll(/<([a-z]+)\b[^>]*?\s(src|href)\s*=\s*["']?([^"'\s>]*)/gi)) {
      if (foreign.test(m[3]) && !(m[1].toLowerCase() === 'a' && m[2].toLowerCase() === 'href')) {
        problems.push(`resource from another origin: <${m[1]} ${m[2]}="${m[3]}">`);
      }
    }
    if (isPartial(file)) {
      assert.deepEqual(problems, [], `${url}:\n  ${problems.join('\n  ')}`);
      return;
    }

    for (const m of html.matchAll(/<!--#include partial="([a-z0-9-]+)"/g)) {
      if (!partialText.has(m[1])) problems.push(`includes a missing partial ${m[1]}`);
    }
    // The head basics come from the head partial, first in <head> (the
    // charset must be in the first 1024 bytes), and only from there.
    if (!/<head>\s*<!--#include partial="head" -->/.test(html)) problems.push('<head> does not start with the head partial');
    for (const tag of ['<meta charset=', '<meta name="viewport"', '<meta name="theme-color"', '<meta name="referrer"',
      '<link rel="icon"', '<link rel="stylesheet" href="/shared/css/motcua.css"']) {
      if (html.includes(tag)) problems.push(`${tag} written in the page (it is in the head partial)`);
    }
    if (url !== '/index.html' && count(html, /<!--#include partial="footer" -->/g) !== 1) problems.push('no footer partial');
    html = expand(html);
    for (const re of [/<meta\s+charset=/gi, /<meta\s+name="viewport"/gi, /<link\s+rel="icon"/gi, /<footer\b/gi]) {
      if (count(html, re) !== 1) problems.push(`${re.source} ${count(html, re)} times, want once`);
    }

    if (!/^<!doctype html>/i.test(html)) problems.push('no <!doctype html>');
    if (!/<html\s[^>]*lang="vi"/i.test(html)) problems.push('<html> is not lang="vi"');
    if (!/<meta\s+charset="utf-8"/i.test(html)) problems.push('no <meta charset="utf-8">');
    if (!/<meta\s+name="viewport"/i.test(html)) problems.push('no viewport meta');
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(html);
    if (!title || !/motcua/.test(title[1])) problems.push('<title> without "motcua"');
    if (!/<link\s+rel="icon"\s+href="\/favicon\.svg"/i.test(html)) problems.push('favicon not linked');
    if (!/<link\s+rel="stylesheet"\s+href="\/shared\/css\/motcua\.css"/i.test(html)) problems.push('motcua.css not linked');
    if (!/class="skip-link"\s+href="#main"/.test(html) || !/<main\s[^>]*id="main"/.test(html)) problems.push('no skip link to <main id="main">');
    assert.deepEqual(problems, [], `${url}:\n  ${problems.join('\n  ')}`);
  });
}

// The home page keeps its own, larger footer (about text and a site map);
// its bottom row must say what every other page's footer says.
test('the home footer ends with the footer partial\'s bottom row', async () => {
  const bottom = (html) => /<div class="site-footer__bottom">[\s\S]*?<\/div>/.exec(html)?.[0];
  const home = await readFile(path.join(web, 'index.html'), 'utf8');
  assert.ok(partialText.has('footer'), 'no web/shared/partials/footer.html');
  assert.ok(bottom(partialText.get('footer')), 'the footer partial has no site-footer__bottom');
  assert.equal(bottom(home), bottom(partialText.get('footer')));
});

test('every page has a browser test', async () => {
  const tests = await walk(here, '.test.mjs');
  let text = '';
  for (const t of tests) if (!t.endsWith('static.test.mjs')) text += await readFile(t, 'utf8');
  const untested = pages.map(urlOf).filter((u) => {
    if (u === '/index.html') return !/\$\{server\.url\}\/[`'"]/.test(text) && !text.includes('/index.html');
    return !text.includes(u);
  });
  assert.deepEqual(untested, [], `pages without a test in tests/e2e: ${untested.join(', ')}`);
});

test('every JavaScript file is an ES module without eval', async () => {
  const problems = [];
  for (const file of await walk(web, '.js')) {
    const src = await readFile(file, 'utf8');
    if (/\beval\s*\(|new\s+Function\s*\(/.test(src)) problems.push(`${urlOf(file)}: eval/new Function (CSP)`);
    if (/\.innerHTML\s*=|insertAdjacentHTML|document\.write/.test(src)) problems.push(`${urlOf(file)}: HTML from strings`);
    if (/\.style\.|setAttribute\(\s*['"]style/.test(src)) problems.push(`${urlOf(file)}: inline style`);
  }
  assert.deepEqual(problems, []);
});

// The interlinked (liên thông) part of the staff dossier page, kept in its
// own module: for a bundle dossier every component's agency, step, status
// and due time (with links to the component dossiers) and the outputs
// handed between agencies; for a component, the bundle it belongs to.
// It reads the same GET /api/v1/dossiers/{code} the page reads.
import { api, ApiError, extend, h, t } from '/shared/js/app.js';
import { bundleLead, bundleProgress } from '/portal/js/bundle-common.js';

extend({
  vi: {
    'bundle.part_of': 'Thủ tục thành phần của hồ sơ liên thông {code} ({name}).',
    'bundle.open_parent': 'Mở hồ sơ liên thông',
    'bundle.not_started_note': 'Thủ tục này bắt đầu khi các cơ quan giải quyết trước có kết quả.',
    'bundle.external_note': 'Thủ tục này do hệ thống {name} giải quyết; kết quả được gửi về qua API.',
  },
  en: {
    'bundle.part_of': 'A component of interlinked dossier {code} ({name}).',
    'bundle.open_parent': 'Open the interlinked dossier',
    'bundle.not_started_note': 'It starts when the agencies before it have their results.',
    'bundle.external_note': 'It is handled in the {name} system; the outcome comes back through the API.',
  },
});

const code = new URLSearchParams(location.search).get('code');
let shown = null;

function place() {
  let sec = document.getElementById('dos-bundle');
  if (sec) return sec;
  const anchor = document.getElementById('dos-summary')?.closest('.grid');
  if (!anchor) return null;
  sec = h('section', { class: 'section panel', id: 'dos-bundle', 'aria-labelledby': 'dos-bundle-title' });
  anchor.after(sec);
  return sec;
}

function render(d) {
  const sec = place();
  if (!sec) return;
  if (d.kind === 'bundle') {
    const outs = Object.entries(d.outputs || {});
    sec.replaceChildren(
      h('h2', { class: 'h3', id: 'dos-bundle-title' }, t('bundle.title')),
      h('p', {}, bundleLead(d)),
      bundleProgress(d.components, { staff: true }),
      outs.length ? h('h3', { class: 'h4' }, t('bundle.outputs')) : null,
      outs.length ? h('dl', { class: 'summary-list' }, ...outs.flatMap(([k, v]) => [h('dt', {}, k), h('dd', { class: 'mono' }, v)])) : null);
  } else if (d.kind === 'component' && d.bundle) {
    sec.replaceChildren(
      h('h2', { class: 'h3', id: 'dos-bundle-title' }, t('bundle.title')),
      h('p', {}, t('bundle.part_of', { code: d.bundle.code, name: d.bundle.name }), ' ',
        h('a', { href: `/staff/dossier.html?code=${encodeURIComponent(d.bundle.code)}` }, t('bundle.open_parent'))),
      !d.bundle.started ? h('p', { class: 'muted' }, t('bundle.not_started_note')) : null,
      d.bundle.external ? h('p', { class: 'muted' }, t('bundle.external_note', { name: d.bundle.external })) : null);
  } else {
    sec.remove();
  }
}

async function load() {
  if (!code) return;
  try {
    shown = await api(`dossiers/${encodeURIComponent(code)}`);
    if (shown.kind === 'bundle' || shown.kind === 'component') render(shown);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err; // the page itself reports the error
  }
}

document.addEventListener('motcua:langchange', () => {
  if (shown && (shown.kind === 'bundle' || shown.kind === 'component')) render(shown);
});
load();

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
    'bundle.desk_note': 'Bộ phận Một cửa thao tác trên hồ sơ liên thông này cho cả nhóm: tiếp nhận, yêu cầu bổ sung (Mẫu 02), từ chối (Mẫu 03), rút hồ sơ theo đề nghị của người nộp (mọi thủ tục thành phần dừng theo), xin lỗi và hẹn lại (Mẫu 04, nêu cơ quan giải quyết chậm), trả kết quả. Các cơ quan giải quyết trên hồ sơ thành phần của mình.',
    'bundle.waiting_desk': 'Hồ sơ chưa được tiếp nhận: các cơ quan bắt đầu giải quyết khi Bộ phận Một cửa tiếp nhận hồ sơ đầy đủ; thời hạn tính từ lúc đó.',
  },
  en: {
    'bundle.part_of': 'A component of interlinked dossier {code} ({name}).',
    'bundle.open_parent': 'Open the interlinked dossier',
    'bundle.not_started_note': 'It starts when the agencies before it have their results.',
    'bundle.external_note': 'It is handled in the {name} system; the outcome comes back through the API.',
    'bundle.desk_note': 'The desk acts on this interlinked dossier for the whole group: receive, request a supplement (Form 02), refuse (Form 03), withdraw at the applicant\'s request (every component stops with it), apologise with a new date (Form 04, naming the late agency), hand the result over. The agencies work on their own component dossiers.',
    'bundle.waiting_desk': 'Not received yet: the agencies start once the desk receives the complete application; the time limit runs from then.',
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
      d.components?.length ? h('p', {}, bundleLead(d)) : null,
      ['submitted', 'awaiting_supplement'].includes(d.status) ? h('p', { class: 'muted', 'data-bundle-waiting-desk': '' }, t('bundle.waiting_desk')) : null,
      d.components?.length ? bundleProgress(d.components, { staff: true }) : null,
      h('p', { class: 'muted' }, t('bundle.desk_note')),
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

// After an action on the page (withdrawal, reception, ...) the answer
// carries the components as they are now.
document.addEventListener('motcua:dossier', (e) => {
  if (!e.detail || (e.detail.kind !== 'bundle' && e.detail.kind !== 'component')) return;
  shown = e.detail;
  render(shown);
});

document.addEventListener('motcua:langchange', () => {
  if (shown && (shown.kind === 'bundle' || shown.kind === 'component')) render(shown);
});
load();

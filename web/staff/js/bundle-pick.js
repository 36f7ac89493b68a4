// Interlinked groups (liên thông) at the reception desk: the procedure
// search also finds the groups of GET /api/v1/bundles (matched here,
// diacritics-insensitive), and a chosen group looks like a procedure to
// the form — its documents are those of its component procedures — so
// the same POST /api/v1/dossiers receives it with the group's code.
import { api, extend, t } from '/shared/js/app.js';

extend({
  vi: { 'rc.bundle_tag': 'Liên thông', 'rc.bundle_parts': 'Gồm: {list}' },
  en: { 'rc.bundle_tag': 'Interlinked', 'rc.bundle_parts': 'Includes: {list}' },
});

let all = null;

const fold = (s) => String(s || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '')
  .replace(/[đĐ]/g, 'd').toLowerCase();

/** Receivable groups whose code or name holds every word of text. */
export async function findBundles(text) {
  all ??= (await api('bundles')).items || [];
  const words = fold(text).split(/\s+/).filter(Boolean);
  return all.filter((b) => b.receivable
    && words.every((w) => fold(`${b.code} ${b.name}`).includes(w)));
}

/** The group as the reception form uses a procedure. */
export async function bundleProcedure(code) {
  all ??= (await api('bundles')).items || [];
  const b = all.find((x) => x.code === code);
  if (!b) throw new Error(`no bundle ${code}`);
  const seen = new Set();
  const documents = [];
  for (const c of b.components) {
    const p = await api(`procedures/${encodeURIComponent(c.procedure)}`);
    for (const d of p.documents || []) {
      if (seen.has(d.name)) continue;
      seen.add(d.name);
      documents.push(d);
    }
  }
  return {
    code: b.code,
    name: b.name,
    bundle: true,
    time_limit: b.time_limit,
    channels: ['counter', 'post'],
    documents,
    parts: t('rc.bundle_parts', { list: b.components.map((c) => c.name || c.procedure).join('; ') }),
  };
}

// Labels shared by the catalogue pages (portal search, the procedure's
// public notice, the staff catalogue editor): levels, time limits, online
// service levels, channels, fees. Vietnamese first, English switchable.
import { extend, getLang, h, t } from '/shared/js/app.js';

extend({
  vi: {
    'cat.level.province': 'Cấp tỉnh',
    'cat.level.district': 'Cấp huyện',
    'cat.level.commune': 'Cấp xã',
    'cat.time.same_day': 'Trong ngày làm việc',
    'cat.time.days': '{n} ngày làm việc',
    'cat.time.hours': '{n} giờ làm việc',
    'cat.online.1': 'Mức độ 1 (thông tin)',
    'cat.online.2': 'Mức độ 2 (biểu mẫu)',
    'cat.online.3': 'Mức độ 3 — một phần',
    'cat.online.4': 'Mức độ 4 — toàn trình',
    'cat.channel.counter': 'Trực tiếp tại Bộ phận Một cửa',
    'cat.channel.post': 'Qua dịch vụ bưu chính',
    'cat.channel.online': 'Trực tuyến',
    'cat.fee.fee': 'Lệ phí',
    'cat.fee.charge': 'Phí',
    'cat.fee.free': 'Miễn',
    'cat.fee.unknown': 'Theo quy định (chưa có mức cụ thể)',
    'cat.money': '{amount} đồng',
    'cat.role.receiver': 'Tiếp nhận',
    'cat.role.specialist': 'Chuyên viên',
    'cat.role.leader': 'Lãnh đạo',
    'cat.role.clerk': 'Văn thư',
    'cat.role.other': 'Cơ quan khác',
    'cat.share.summary': '{online} trên {total} thủ tục ({rate}) được cung cấp trực tuyến mức độ 3, 4: {full} toàn trình, {partial} một phần (Nghị định 42/2022/NĐ-CP). Chỉ tiêu của Kế hoạch là từ 50% — {verdict}.',
    'cat.share.met': 'đã đạt',
    'cat.share.not_met': 'chưa đạt',
    'cat.share.col_agency': 'Cơ quan',
    'cat.share.col_field': 'Lĩnh vực',
    'cat.share.col_total': 'Số thủ tục',
    'cat.share.col_online': 'Mức độ 3, 4',
    'cat.share.col_full': 'Toàn trình',
    'cat.share.col_partial': 'Một phần',
    'cat.share.col_rate': 'Tỷ lệ',
    'cat.share.col_target': 'Chỉ tiêu 50%',
    'cat.share.yes': 'Đạt',
    'cat.share.no': 'Chưa đạt',
  },
  en: {
    'cat.level.province': 'Province',
    'cat.level.district': 'District',
    'cat.level.commune': 'Commune',
    'cat.time.same_day': 'Same working day',
    'cat.time.days': '{n} working days',
    'cat.time.hours': '{n} working hours',
    'cat.online.1': 'Level 1 (information)',
    'cat.online.2': 'Level 2 (forms)',
    'cat.online.3': 'Level 3 — partial',
    'cat.online.4': 'Level 4 — full',
    'cat.channel.counter': 'In person at the one-stop desk',
    'cat.channel.post': 'By post',
    'cat.channel.online': 'Online',
    'cat.fee.fee': 'Fee',
    'cat.fee.charge': 'Charge',
    'cat.fee.free': 'Free',
    'cat.fee.unknown': 'As regulated (amount not recorded)',
    'cat.money': '{amount} VND',
    'cat.role.receiver': 'Reception',
    'cat.role.specialist': 'Specialist',
    'cat.role.leader': 'Leadership',
    'cat.role.clerk': 'Clerk',
    'cat.role.other': 'Other agency',
    'cat.share.summary': '{online} of {total} procedures ({rate}) are offered online at level 3/4: {full} full, {partial} partial (Decree No. 42/2022/ND-CP). The plan’s target is at least 50% — {verdict}.',
    'cat.share.met': 'met',
    'cat.share.not_met': 'not met yet',
    'cat.share.col_agency': 'Agency',
    'cat.share.col_field': 'Field',
    'cat.share.col_total': 'Procedures',
    'cat.share.col_online': 'Level 3/4',
    'cat.share.col_full': 'Full',
    'cat.share.col_partial': 'Partial',
    'cat.share.col_rate': 'Share',
    'cat.share.col_target': '50% target',
    'cat.share.yes': 'Met',
    'cat.share.no': 'Not met',
  },
});

export const LEVELS = ['province', 'district', 'commune'];
export const CHANNELS = ['counter', 'post', 'online'];

export function levelsLabel(levels) {
  return (levels || []).map((l) => t(`cat.level.${l}`)).join(', ');
}

export function timeLabel(tl) {
  if (!tl) return '';
  if (tl.unit === 'hour') return t('cat.time.hours', { n: tl.value });
  if (tl.value === 0) return t('cat.time.same_day');
  return t('cat.time.days', { n: tl.value });
}

export function onlineLabel(online) {
  return online ? t(`cat.online.${online.level}`) : '';
}

export function moneyLabel(amount) {
  if (amount === null || amount === undefined) return t('cat.fee.unknown');
  if (amount === 0) return t('cat.fee.free');
  return t('cat.money', { amount: Number(amount).toLocaleString('vi-VN') });
}

/** "2016-01-01" -> "01/01/2016"; "" for nothing. */
export function dateVN(d) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d || '');
  return m ? `${m[3]}/${m[2]}/${m[1]}` : '';
}

/* ---- the level 3/4 share (GET /api/v1/catalog/online-share) ------------ */

export function sharePct(x) {
  return `${(x * 100).toLocaleString(getLang() === 'en' ? 'en-GB' : 'vi-VN', { maximumFractionDigits: 1 })}%`;
}

/** The overall sentence: level 3/4 against the 50 % target, full / partial. */
export function shareSummary(s) {
  return t('cat.share.summary', {
    online: s.total.online_3_4, total: s.total.procedures, rate: sharePct(s.total.share),
    full: s.total.full, partial: s.total.partial,
    verdict: t(s.total.meets_target ? 'cat.share.met' : 'cat.share.not_met'),
  });
}

/** <thead> and <tbody> rows for a list of share rows (by_agency or by_field). */
export function shareHead(firstCol) {
  return h('thead', {}, h('tr', {},
    h('th', { scope: 'col' }, t(firstCol)),
    ...['total', 'online', 'full', 'partial', 'rate', 'target'].map((c) =>
      h('th', { scope: 'col', class: c === 'target' ? '' : 'num' }, t(`cat.share.col_${c}`)))));
}

export function shareRows(rows) {
  return rows.map((r) => h('tr', {},
    h('th', { scope: 'row' }, r.name),
    h('td', { class: 'num' }, String(r.procedures)),
    h('td', { class: 'num' }, String(r.online_3_4)),
    h('td', { class: 'num' }, String(r.full)),
    h('td', { class: 'num' }, String(r.partial)),
    h('td', { class: 'num' }, sharePct(r.share)),
    h('td', {}, h('span', { class: `badge ${r.meets_target ? 'badge--result_ready' : 'badge--awaiting_supplement'}` },
      t(r.meets_target ? 'cat.share.yes' : 'cat.share.no')))));
}

// Labels shared by the catalogue pages (portal search, the procedure's
// public notice, the staff catalogue editor): levels, time limits, online
// service levels, channels, fees. Vietnamese first, English switchable.
import { extend, t } from '/shared/js/app.js';

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

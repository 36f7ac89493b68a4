// Texts and helpers the month view (portal) and the holiday-table editor
// (staff) share: the kinds of listed days, weekday and lunar month names.
//
// Exports:
//   KINDS                       the day kinds of the API, in display order
//   kindLabel(kind)             "Nghỉ lễ", "Tết", ... in the current language
//   weekdayName(iso, short)     1 = Monday .. 7 = Sunday
//   lunarMonthName(m, leap)     "tháng Giêng", "tháng Sáu nhuận"
//   lunarShort(l)               "3/6", "3/6N" in a leap month
//   pad2(n)
import { extend, t } from '/shared/js/app.js';

export const KINDS = ['holiday', 'tet', 'compensatory', 'swap_off', 'swap_work'];

extend({
  vi: {
    'cal.kind.holiday': 'Nghỉ lễ',
    'cal.kind.tet': 'Tết',
    'cal.kind.compensatory': 'Nghỉ bù',
    'cal.kind.swap_off': 'Nghỉ hoán đổi',
    'cal.kind.swap_work': 'Làm bù',
    'cal.kind_long.holiday': 'ngày lễ theo Bộ luật Lao động',
    'cal.kind_long.tet': 'Tết Nguyên đán (5 ngày)',
    'cal.kind_long.compensatory': 'ngày lễ trùng ngày nghỉ hằng tuần được nghỉ bù',
    'cal.kind_long.swap_off': 'ngày thường được nghỉ, đã làm bù vào ngày khác',
    'cal.kind_long.swap_work': 'thứ Bảy hoặc Chủ nhật đi làm bù',
    'cal.wd.1': 'Thứ Hai', 'cal.wd.2': 'Thứ Ba', 'cal.wd.3': 'Thứ Tư', 'cal.wd.4': 'Thứ Năm',
    'cal.wd.5': 'Thứ Sáu', 'cal.wd.6': 'Thứ Bảy', 'cal.wd.7': 'Chủ nhật',
    'cal.wds.1': 'T2', 'cal.wds.2': 'T3', 'cal.wds.3': 'T4', 'cal.wds.4': 'T5',
    'cal.wds.5': 'T6', 'cal.wds.6': 'T7', 'cal.wds.7': 'CN',
    'cal.lm.1': 'tháng Giêng', 'cal.lm.2': 'tháng Hai', 'cal.lm.3': 'tháng Ba',
    'cal.lm.4': 'tháng Tư', 'cal.lm.5': 'tháng Năm', 'cal.lm.6': 'tháng Sáu',
    'cal.lm.7': 'tháng Bảy', 'cal.lm.8': 'tháng Tám', 'cal.lm.9': 'tháng Chín',
    'cal.lm.10': 'tháng Mười', 'cal.lm.11': 'tháng Mười Một', 'cal.lm.12': 'tháng Chạp',
    'cal.leap': 'nhuận',
    'cal.leap_short': 'N',
  },
  en: {
    'cal.kind.holiday': 'Holiday',
    'cal.kind.tet': 'Tết',
    'cal.kind.compensatory': 'In lieu',
    'cal.kind.swap_off': 'Swapped off',
    'cal.kind.swap_work': 'Make-up day',
    'cal.kind_long.holiday': 'a public holiday under the Labour Code',
    'cal.kind_long.tet': 'Lunar New Year (5 days)',
    'cal.kind_long.compensatory': 'a holiday on a weekend, taken on a working day',
    'cal.kind_long.swap_off': 'a weekday off, worked on another day',
    'cal.kind_long.swap_work': 'a Saturday or Sunday worked instead',
    'cal.wd.1': 'Monday', 'cal.wd.2': 'Tuesday', 'cal.wd.3': 'Wednesday', 'cal.wd.4': 'Thursday',
    'cal.wd.5': 'Friday', 'cal.wd.6': 'Saturday', 'cal.wd.7': 'Sunday',
    'cal.wds.1': 'Mo', 'cal.wds.2': 'Tu', 'cal.wds.3': 'We', 'cal.wds.4': 'Th',
    'cal.wds.5': 'Fr', 'cal.wds.6': 'Sa', 'cal.wds.7': 'Su',
    'cal.lm.1': 'lunar month 1', 'cal.lm.2': 'lunar month 2', 'cal.lm.3': 'lunar month 3',
    'cal.lm.4': 'lunar month 4', 'cal.lm.5': 'lunar month 5', 'cal.lm.6': 'lunar month 6',
    'cal.lm.7': 'lunar month 7', 'cal.lm.8': 'lunar month 8', 'cal.lm.9': 'lunar month 9',
    'cal.lm.10': 'lunar month 10', 'cal.lm.11': 'lunar month 11', 'cal.lm.12': 'lunar month 12',
    'cal.leap': '(leap)',
    'cal.leap_short': 'L',
  },
});

export const pad2 = (n) => String(n).padStart(2, '0');

export function kindLabel(kind, long = false) {
  return KINDS.includes(kind) ? t(`cal.${long ? 'kind_long' : 'kind'}.${kind}`) : String(kind);
}

export function weekdayName(iso, short = false) {
  return t(`cal.${short ? 'wds' : 'wd'}.${iso}`);
}

export function lunarMonthName(m, leap) {
  return leap ? `${t(`cal.lm.${m}`)} ${t('cal.leap')}` : t(`cal.lm.${m}`);
}

/** "3/6", "3/6N" in a leap month. */
export function lunarShort(l) {
  return `${l.day}/${l.month}${l.leap ? t('cal.leap_short') : ''}`;
}

// The satisfaction rating form shared by the public lookup page (the
// applicant rates online) and the staff dossier page (a paper slip or a
// counter device's answer entered at the desk); docs/RATING.md.
//
// Five criteria (DOMAIN §7: access, procedure, officer, result, feedback
// handling), each a keyboard-accessible radio group (fieldset + legend, one
// Tab stop, arrow keys move) on three levels; feedback handling has a
// fourth choice "no feedback made" (not applicable). An optional comment
// (at most 1000 characters) is never shown publicly.
//
// Exports:
//   CRITERIA                   the criterion names, in order
//   ratingFields(prefix)       the fieldsets and the comment field (DOM nodes)
//   readRating(form)           the body {access, ..., feedback, comment}
//   ratingSummary(rating)      [[label, value]] rows for summaryRows()
import { extend, h, t } from '/shared/js/app.js';

extend({
  vi: {
    'rating.access': 'Tiếp cận dịch vụ',
    'rating.access_q': 'Việc tìm hiểu thủ tục, liên hệ và nộp hồ sơ có thuận tiện không?',
    'rating.procedure': 'Thủ tục hành chính',
    'rating.procedure_q': 'Thủ tục có được công khai đầy đủ, rõ ràng; giấy tờ phải nộp và số lần đi lại có hợp lý không?',
    'rating.officer': 'Cán bộ, công chức giải quyết',
    'rating.officer_q': 'Thái độ và sự hướng dẫn của cán bộ, công chức tiếp nhận và giải quyết hồ sơ?',
    'rating.result': 'Kết quả giải quyết',
    'rating.result_q': 'Kết quả (hoặc thông báo trả lại) có đúng quy định, đúng hẹn, chi phí đúng quy định không?',
    'rating.feedback': 'Tiếp nhận, xử lý phản ánh, kiến nghị',
    'rating.feedback_q': 'Nếu Ông/Bà đã phản ánh, kiến nghị: việc tiếp nhận và trả lời có thỏa đáng không?',
    'rating.very_satisfied': 'Rất hài lòng',
    'rating.satisfied': 'Hài lòng',
    'rating.dissatisfied': 'Không hài lòng',
    'rating.not_applicable': 'Không có phản ánh, kiến nghị',
    'rating.comment': 'Ý kiến khác',
    'rating.optional': '(không bắt buộc)',
    'rating.comment_hint': 'Tối đa 1000 ký tự. Ý kiến này chỉ cán bộ có thẩm quyền xem, không công khai.',
    'rating.channel': 'Hình thức',
    'rating.channel_online': 'Trực tuyến (người nộp tự đánh giá)',
    'rating.channel_slip': 'Phiếu đánh giá giấy',
    'rating.channel_device': 'Thiết bị đánh giá tại quầy',
    'rating.overall': 'Tổng hợp',
    'rating.overall_yes': 'Hài lòng (không có tiêu chí nào “Không hài lòng”)',
    'rating.overall_no': 'Không hài lòng (có tiêu chí “Không hài lòng”)',
    'rating.rated_at': 'Đánh giá lúc',
    'rating.changeable_until': 'Có thể thay đổi đến',
    'rating.choose': 'Hãy chọn một mức.',
  },
  en: {
    'rating.access': 'Access to the service',
    'rating.access_q': 'Was it easy to learn about the procedure, get in touch and hand in the dossier?',
    'rating.procedure': 'The procedure',
    'rating.procedure_q': 'Was the procedure published fully and clearly; were the papers asked and the visits needed reasonable?',
    'rating.officer': 'The officials',
    'rating.officer_q': 'How were the conduct and guidance of the officials who received and handled the dossier?',
    'rating.result': 'The result',
    'rating.result_q': 'Was the result (or the refusal) lawful, on time and at the lawful cost?',
    'rating.feedback': 'Handling of feedback',
    'rating.feedback_q': 'If you gave feedback or made a complaint: was it received and answered well?',
    'rating.very_satisfied': 'Very satisfied',
    'rating.satisfied': 'Satisfied',
    'rating.dissatisfied': 'Dissatisfied',
    'rating.not_applicable': 'I gave no feedback',
    'rating.comment': 'Other comments',
    'rating.optional': '(optional)',
    'rating.comment_hint': 'At most 1000 characters. Only authorised officials read it; it is never published.',
    'rating.channel': 'Channel',
    'rating.channel_online': 'Online (by the applicant)',
    'rating.channel_slip': 'Paper slip',
    'rating.channel_device': 'Counter device',
    'rating.overall': 'Overall',
    'rating.overall_yes': 'Satisfied (no criterion “dissatisfied”)',
    'rating.overall_no': 'Not satisfied (a criterion is “dissatisfied”)',
    'rating.rated_at': 'Rated on',
    'rating.changeable_until': 'Can be changed until',
    'rating.choose': 'Choose one level.',
  },
});

export const CRITERIA = ['access', 'procedure', 'officer', 'result', 'feedback'];
const LEVELS = ['very_satisfied', 'satisfied', 'dissatisfied'];

/**
 * The five radio groups and the comment, ids prefixed with `prefix`.
 * `current` (a rating from the server) pre-selects its answers.
 */
export function ratingFields(prefix, current = null) {
  const groups = CRITERIA.map((c) => {
    const levels = c === 'feedback' ? [...LEVELS, ''] : LEVELS;
    const chosen = current?.criteria?.[c] ?? (current && c === 'feedback' ? '' : undefined);
    const hintId = `${prefix}-${c}-q`;
    return h('fieldset', { class: 'fieldset field dq-rating__group', 'aria-describedby': hintId },
      h('legend', { class: 'fieldset__legend', 'data-i18n': `rating.${c}` }, t(`rating.${c}`)),
      h('p', { class: 'field__hint', id: hintId, 'data-i18n': `rating.${c}_q` }, t(`rating.${c}_q`)),
      h('div', { class: 'dq-rating__choices' }, levels.map((lv, i) => {
        const id = `${prefix}-${c}-${lv || 'na'}`;
        return h('div', { class: 'choice' },
          h('input', {
            type: 'radio', id, name: c, value: lv, required: c !== 'feedback' && i === 0 ? true : null,
            checked: chosen !== undefined && chosen === lv ? true : null,
          }),
          h('label', { for: id, 'data-i18n': lv ? `rating.${lv}` : 'rating.not_applicable' },
            t(lv ? `rating.${lv}` : 'rating.not_applicable')));
      })));
  });
  const commentId = `${prefix}-comment`;
  const comment = h('div', { class: 'field' },
    h('label', { class: 'field__label', for: commentId }, h('span', { 'data-i18n': 'rating.comment' }, t('rating.comment')), ' ',
      h('span', { class: 'field__optional', 'data-i18n': 'rating.optional' }, t('rating.optional'))),
    h('span', { class: 'field__hint', id: `${commentId}-hint`, 'data-i18n': 'rating.comment_hint' }, t('rating.comment_hint')),
    h('textarea', { class: 'textarea', id: commentId, name: 'comment', maxlength: '1000', rows: '3',
      'aria-describedby': `${commentId}-hint` }));
  return [...groups, comment];
}

/**
 * The answer of a form built with ratingFields(): {body, missing} where
 * missing lists [{name, reason}] of unanswered required groups.
 */
export function readRating(form) {
  const body = {};
  const missing = [];
  for (const c of CRITERIA) {
    const el = form.querySelector(`input[name="${c}"]:checked`);
    if (c === 'feedback') body.feedback = el && el.value ? el.value : null;
    else if (el) body[c] = el.value;
    else missing.push({ name: c, reason: t('rating.choose') });
  }
  const comment = form.elements.namedItem('comment')?.value.trim();
  if (comment) body.comment = comment;
  return { body, missing };
}

/** Rows for summaryRows(): each criterion, the overall verdict, times. */
export function ratingSummary(r, formatDateTime) {
  return [
    ...CRITERIA.map((c) => [t(`rating.${c}`),
      r.criteria?.[c] ? t(`rating.${r.criteria[c]}`) : t('rating.not_applicable')]),
    [t('rating.overall'), h('strong', {}, t(r.satisfied ? 'rating.overall_yes' : 'rating.overall_no'))],
    [t('rating.channel'), t(`rating.channel_${r.channel}`)],
    [t('rating.rated_at'), formatDateTime(r.rated_at)],
    r.changeable_until ? [t('rating.changeable_until'), formatDateTime(r.changeable_until)] : null,
  ];
}

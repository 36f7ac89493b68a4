// Style guide: live examples of the shared helpers (paging over a local
// list, an RFC 9457 problem shown on a form, Vietnam-time dates).
import {
  createPager, showProblem, clearProblem, statusBadge, formatDateTime, h,
} from './shared/js/app.js';

const PROCEDURES = ['Đăng ký khai sinh', 'Chứng thực bản sao', 'Cấp phiếu lý lịch tư pháp', 'Đăng ký kết hôn'];
const PEOPLE = ['Nguyễn Thị Ánh', 'Trần Văn Bình', 'Lê Thị Cúc', 'Phạm Quốc Dũng', 'Hoàng Thị Ểnh', 'Đỗ Văn Phước'];
const STATUSES = ['submitted', 'received', 'processing', 'awaiting_supplement', 'awaiting_payment',
  'result_ready', 'returned', 'refused', 'rejected', 'withdrawn', 'stopped', 'processing'];

// Times in UTC ("Z"): the table shows them in Vietnam time, +7 hours.
const ROWS = STATUSES.map((status, i) => ({
  code: `000.00.01.H19-261130-${String(i + 1).padStart(4, '0')}`,
  procedure: PROCEDURES[i % PROCEDURES.length],
  applicant: PEOPLE[i % PEOPLE.length],
  received_at: new Date(Date.UTC(2026, 10, 30, 1, 15 + i * 7)).toISOString(),
  due_at: new Date(Date.UTC(2026, 11, 4 + (i % 3), 9, 30)).toISOString(),
  status,
}));

const PAGE_SIZE = 5;

// Stands in for api('dossiers?limit=5&cursor=...'): {items, next_cursor}.
async function fetchPage(cursor) {
  const start = cursor ? Number(cursor) : 0;
  const items = ROWS.slice(start, start + PAGE_SIZE);
  const next = start + PAGE_SIZE < ROWS.length ? String(start + PAGE_SIZE) : null;
  return { items, next_cursor: next };
}

const tbody = document.querySelector('#demo-table tbody');

function render(items) {
  tbody.replaceChildren(...items.map((r) => h('tr', {},
    h('td', { class: 'nowrap' }, h('code', {}, r.code)),
    h('td', {}, r.procedure),
    h('td', {}, r.applicant),
    h('td', { class: 'nowrap' }, formatDateTime(r.received_at)),
    h('td', { class: 'nowrap' }, formatDateTime(r.due_at)),
    h('td', {}, statusBadge(r.status)))));
  if (!items.length) {
    tbody.replaceChildren(h('tr', {}, h('td', { class: 'table__empty', colspan: '6' }, 'Không có hồ sơ.')));
  }
}

createPager({ bar: document.getElementById('demo-paging'), fetchPage, render }).load();

// "Gửi thử": show the kind of problem+json the server answers with.
const form = document.getElementById('demo-form');
form.addEventListener('submit', (e) => {
  e.preventDefault();
  showProblem(form, {
    type: 'https://motcua.invalid/problems/validation',
    title: 'Dữ liệu không hợp lệ',
    status: 422,
    detail: 'Có 2 thông tin chưa đúng. Vui lòng sửa rồi gửi lại.',
    invalid_params: [
      { name: 'id_number', reason: 'Số định danh cá nhân phải gồm đúng 12 chữ số' },
      { name: 'phone', reason: 'Vui lòng nhập số điện thoại để nhận tin nhắn báo kết quả' },
    ],
  });
});
form.addEventListener('reset', () => clearProblem(form));

for (const el of document.querySelectorAll('[data-demo-now]')) {
  el.textContent = formatDateTime(new Date());
}

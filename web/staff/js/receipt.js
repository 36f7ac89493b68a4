// The printed slips of reception (Circular 01/2018/TT-VPCP), drawn from the
// `receipt` member the server builds from what it stored (the answer of
// POST /api/v1/dossiers, and GET /api/v1/dossiers/{code} for a reprint):
//   Mẫu 01  Giấy tiếp nhận hồ sơ và hẹn trả kết quả (every field of the form)
//   Mẫu 02  Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ
//   Mẫu 03  Phiếu từ chối tiếp nhận giải quyết hồ sơ
//   Mẫu 04  Phiếu xin lỗi và hẹn lại ngày trả kết quả (the `apology` member
//           of GET /api/v1/dossiers/{code}, printed from /staff/apology.html)
// plus the lookup key, the public lookup link and its QR code, which the
// server draws with libqrencode (GET /api/v1/dossiers/{code}/qr.svg, staff
// only: the link holds the key). The slips are legal forms and stay in
// Vietnamese whatever the interface language (lang="vi").
//
// Exports:
//   renderReceipt(container, {code, lookup_key, receipt})  fills container
//   (an element with class print-a5) with the slip; returns the form number
//   renderApology(container, apology)  the same for Mẫu 04; returns "04" or null
import { h, vnParts } from '/shared/js/app.js';
import { lookupPath } from '/portal/js/dossier-common.js';

const pad = (n) => String(n).padStart(2, '0');
const dash = (v) => (v === null || v === undefined || v === '' ? '…………………………' : String(v));

/** "ngày 03 tháng 03 năm 2025" of an instant, in Vietnam time. */
function dateLine(iso) {
  const p = vnParts(iso);
  return p ? `ngày ${pad(p.d)} tháng ${pad(p.m)} năm ${p.y}` : 'ngày …… tháng …… năm ……';
}

function top(r, issued) {
  return h('div', { class: 'receipt__top' },
    h('div', {},
      h('p', { class: 'receipt__strong' }, r.agency?.name || ''),
      h('p', { class: 'receipt__strong' }, 'BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ')),
    h('div', {},
      h('p', { class: 'receipt__strong' }, 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM'),
      h('p', { class: 'receipt__motto' }, 'Độc lập - Tự do - Hạnh phúc'),
      h('p', {}, h('em', {}, dateLine(issued)))));
}

function head(r, form, issued) {
  return [
    top(r, issued),
    h('h2', { class: 'receipt__title' }, r.title),
    h('p', { class: 'receipt__code' }, `Mẫu số ${form} · Mã hồ sơ: `, h('span', { class: 'mono', 'data-receipt-code': '' }, r.code)),
  ];
}

function line(label, value, attrs = {}) {
  return h('p', attrs, `${label}: `, h('strong', {}, dash(value)));
}

function desk(r) {
  const a = r.agency || {};
  return [
    line('Bộ phận tiếp nhận và trả kết quả', a.name),
    a.address || a.phone
      ? h('p', {}, [a.address ? `Địa chỉ: ${a.address}` : null, a.phone ? `Điện thoại: ${a.phone}` : null].filter(Boolean).join(' · '))
      : null,
  ];
}

function applicant(r, lead) {
  const ap = r.applicant || {};
  return [
    line(lead, ap.name, { 'data-receipt-applicant': '' }),
    line('Địa chỉ', ap.address),
    line('Số điện thoại', ap.phone),
    line('Thư điện tử', ap.email),
  ];
}

/** The lookup key, the public link and the place of its QR code. */
function lookup(code, key) {
  if (!key) return null;
  const url = new URL(lookupPath(code, key), location.origin).href;
  return h('div', { class: 'receipt__lookup no-break' },
    h('div', {},
      h('p', {}, 'Tra cứu tình trạng hồ sơ tại địa chỉ dưới đây (hoặc quét mã QR), nhập mã hồ sơ và mã tra cứu:'),
      h('p', {}, 'Mã tra cứu: ', h('strong', { class: 'mono', 'data-receipt-key': '' }, key)),
      h('p', {}, h('a', { class: 'receipt__url', href: url, 'data-receipt-link': '' }, url))),
    h('img', {
      class: 'receipt__qr',
      src: `/api/v1/dossiers/${encodeURIComponent(code)}/qr.svg`,
      alt: 'Mã QR của đường dẫn tra cứu hồ sơ',
      width: '120',
      height: '120',
      'data-receipt-qr': '',
    }));
}

function signs(left, leftName, right, rightName, hint = '(Ký và ghi rõ họ tên)') {
  const box = (title, name) => h('div', {},
    h('p', { class: 'receipt__strong' }, title),
    h('p', {}, h('em', {}, hint)),
    h('p', { class: 'receipt__sign-space' }),
    h('p', { class: 'receipt__name' }, name || ''));
  return h('div', { class: 'receipt__signs no-break' },
    left ? box(left, leftName) : h('div', {}), box(right, rightName));
}

function form01(code, key, r) {
  const docs = r.documents || [];
  const reg = r.register || {};
  return [
    ...head(r, '01', r.received_at),
    ...desk(r),
    ...applicant(r, 'Tiếp nhận hồ sơ của'),
    line('Nội dung yêu cầu giải quyết', `${r.request}${r.procedure_code ? ` (mã thủ tục ${r.procedure_code})` : ''}`),
    h('p', {}, '1. Thành phần hồ sơ nộp gồm:'),
    h('table', { class: 'receipt__table' },
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col', class: 'num' }, 'TT'),
        h('th', { scope: 'col' }, 'Tên loại giấy tờ'),
        h('th', { scope: 'col', class: 'num' }, 'Bản chính'),
        h('th', { scope: 'col', class: 'num' }, 'Bản sao'))),
      h('tbody', { 'data-receipt-docs': '' }, docs.map((d, i) => h('tr', {},
        h('td', { class: 'num' }, String(i + 1)),
        h('td', {}, d.name),
        h('td', { class: 'num' }, String(d.originals)),
        h('td', { class: 'num' }, String(d.copies)))))),
    line('2. Số lượng hồ sơ', `${pad(r.sets)} (bộ)`),
    line('3. Thời gian giải quyết hồ sơ theo quy định là', r.time_limit?.text),
    line('4. Thời gian nhận hồ sơ', r.received_at_text, { 'data-receipt-received': '' }),
    line('5. Thời gian trả kết quả giải quyết hồ sơ', r.due_at_text, { 'data-receipt-due': '' }),
    line('6. Đăng ký nhận kết quả tại', r.return_place),
    h('p', { 'data-receipt-register': '' }, 'Vào Sổ theo dõi hồ sơ: Quyển số ', h('strong', {}, dash(reg.book)),
      ', Số thứ tự ', h('strong', {}, dash(reg.number)), r.register_no ? ` (số ${r.register_no})` : ''),
    lookup(code, key || r.lookup_key),
    signs('NGƯỜI NỘP HỒ SƠ', r.applicant?.name, 'NGƯỜI TIẾP NHẬN HỒ SƠ', r.receiver),
    h('p', { class: 'receipt__note' },
      `Giấy tiếp nhận hồ sơ và hẹn trả kết quả được lập thành ${pad(r.copies || 2)} bản: 01 bản giao cho người nộp hồ sơ, 01 bản lưu tại Bộ phận tiếp nhận và trả kết quả.`),
  ];
}

function form02(code, key, r) {
  const items = r.items || [];
  return [
    ...head(r, '02', r.issued_at),
    ...applicant(r, 'Kính gửi'),
    h('p', {}, `Bộ phận tiếp nhận và trả kết quả ${r.agency?.name || ''} đã tiếp nhận hồ sơ đề nghị giải quyết thủ tục: `,
      h('strong', {}, r.request), '.'),
    h('p', {}, 'Sau khi xem xét, hồ sơ của Ông/Bà cần bổ sung, hoàn thiện những nội dung sau:'),
    // An interlinked group's items name the component procedure whose
    // documents are missing (the server attributes them).
    h('ol', { 'data-receipt-items': '' }, items.map((it) => h('li', {},
      typeof it === 'string' ? it : it.name,
      it.component_name ? h('span', { 'data-receipt-component': it.component || '' }, ` (thủ tục ${it.component_name})`) : null,
      it.reason ? ` — lý do: ${it.reason}` : null))),
    r.note ? line('Ghi chú', r.note) : null,
    h('p', {}, 'Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, Ông/Bà liên hệ ', h('strong', {}, dash(r.officer)),
      ', số điện thoại ', h('strong', {}, dash(r.contact)), ' để được hướng dẫn.'),
    line('Thời gian lập phiếu', r.issued_at_text),
    lookup(code, key || r.lookup_key),
    signs(null, null, 'NGƯỜI HƯỚNG DẪN', r.officer),
  ];
}

function form03(code, key, r) {
  return [
    ...head(r, '03', r.issued_at),
    ...applicant(r, 'Kính gửi'),
    h('p', {}, `Bộ phận tiếp nhận và trả kết quả ${r.agency?.name || ''} nhận được hồ sơ đề nghị giải quyết thủ tục: `,
      h('strong', {}, r.request), '.'),
    h('p', {}, 'Qua nghiên cứu, xem xét, cơ quan từ chối tiếp nhận hồ sơ với lý do sau:'),
    h('p', { 'data-receipt-reason': '' }, h('strong', {}, r.reason)),
    h('p', {}, 'Xin thông báo để Ông/Bà được biết và thực hiện.'),
    line('Thời gian lập phiếu', r.issued_at_text),
    lookup(code, key),
    signs(null, null, 'NGƯỜI TIẾP NHẬN HỒ SƠ', r.officer),
  ];
}

/**
 * Mẫu 04, sent by the agency that decides (its head signs) to the
 * applicant: the dossier as received, the due time the receipt promised,
 * why it is late, the apology and the one new due time.
 */
function form04(a) {
  const who = a.agency?.name || '';
  return [
    topApology(a),
    h('h2', { class: 'receipt__title' }, a.title),
    h('p', { class: 'receipt__code' }, 'Mẫu số 04 · Mã hồ sơ: ', h('span', { class: 'mono', 'data-receipt-code': '' }, a.code)),
    line('Kính gửi', a.applicant?.name, { 'data-receipt-applicant': '' }),
    a.applicant?.address ? line('Địa chỉ', a.applicant.address) : null,
    h('p', {}, `Ngày ${dateShort(a.received_at)}, `, h('strong', {}, a.desk?.name || who),
      ' tiếp nhận hồ sơ của Ông/Bà/Tổ chức đề nghị giải quyết thủ tục hành chính: ',
      h('strong', {}, a.request), a.procedure_code ? ` (mã thủ tục ${a.procedure_code})` : '', '.'),
    line('Mã hồ sơ', a.code),
    line('Thời gian tiếp nhận', a.received_at_text, { 'data-receipt-received': '' }),
    line('Thời hạn giải quyết theo quy định', a.time_limit),
    line('Thời gian hẹn trả kết quả theo Giấy tiếp nhận', a.original_due_at_text, { 'data-apology-original': '' }),
    h('p', {}, `Tuy nhiên đến nay, ${who} chưa trả kết quả giải quyết hồ sơ của Ông/Bà/Tổ chức.`),
    // An interlinked dossier: the one slip of the group names the agencies
    // whose part is late (Decree 61 Art. 19.9).
    Array.isArray(a.late) && a.late.length
      ? h('p', { 'data-apology-late': '' }, 'Cơ quan giải quyết chậm: ',
        h('strong', {}, a.late.map((l) => `${l.agency?.name || ''} (${l.name})`).join('; ')), '.')
      : null,
    h('p', { 'data-apology-reason': '' }, 'Lý do: ', h('strong', {}, a.reason)),
    h('p', {}, `Sự chậm trễ này đã gây phiền hà cho Ông/Bà/Tổ chức. ${who} xin lỗi Ông/Bà/Tổ chức và sẽ trả kết quả giải quyết hồ sơ cho Ông/Bà/Tổ chức vào lúc `,
      h('strong', { 'data-apology-new-due': '' }, dash(a.new_due_at_text)), '.'),
    h('p', {}, 'Xin trân trọng cảm ơn sự hợp tác của Ông/Bà/Tổ chức./.'),
    signs(null, null, 'THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ', '', '(Ký, ghi rõ họ tên và đóng dấu)'),
    a.officer ? h('p', { class: 'receipt__note' }, `Người lập phiếu: ${a.officer} · lập lúc ${a.issued_at_text}.`) : null,
  ];
}

/** "03/03/2025" of an instant, in Vietnam time. */
function dateShort(iso) {
  const p = vnParts(iso);
  return p ? `${pad(p.d)}/${pad(p.m)}/${p.y}` : '……/……/……';
}

/** The heading block of Mẫu 04: the issuing agency (no desk line) and the date. */
function topApology(a) {
  return h('div', { class: 'receipt__top' },
    h('div', {},
      h('p', { class: 'receipt__strong' }, a.agency?.name || ''),
      h('p', {}, 'Số: ……/……')),
    h('div', {},
      h('p', { class: 'receipt__strong' }, 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM'),
      h('p', { class: 'receipt__motto' }, 'Độc lập - Tự do - Hạnh phúc'),
      h('p', {}, h('em', {}, dateLine(a.issued_at)))));
}

/** Fill `container` with Mẫu 04 of `apology`; returns "04" or null. */
export function renderApology(container, apology) {
  container.replaceChildren();
  if (!apology || apology.form !== '04') return null;
  container.append(h('div', { class: 'document receipt', lang: 'vi', 'data-form': '04' }, form04(apology)));
  return '04';
}

/** Fill `container` with the slip of `d.receipt`; returns "01", "02", "03" or null. */
export function renderReceipt(container, d) {
  const r = d.receipt;
  container.replaceChildren();
  if (!r || !r.form) return null;
  const build = { '01': form01, '02': form02, '03': form03 }[r.form];
  if (!build) return null;
  container.append(h('div', { class: 'document receipt', lang: 'vi', 'data-form': r.form }, build(d.code, d.lookup_key, r)));
  return r.form;
}

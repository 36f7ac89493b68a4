// How to apply online. motcua is the province's one-stop system: online
// dossiers reach it from a public-service portal (Decree 45/2020/NĐ-CP) over
// an API token, so this page explains that path and lists the procedures
// offered online; it has no form of its own.
import { extend } from '/shared/js/app.js';

extend({
  vi: {
    'sub.doc_title': 'Nộp hồ sơ trực tuyến — motcua',
    'sub.meta_description': 'Cách nộp hồ sơ thủ tục hành chính trực tuyến qua Cổng Dịch vụ công và các thủ tục có dịch vụ công trực tuyến toàn trình, một phần.',
    'sub.title': 'Nộp hồ sơ trực tuyến',
    'sub.lead': 'Hồ sơ trực tuyến được nộp trên Cổng Dịch vụ công, đăng nhập bằng tài khoản định danh điện tử VNeID. Hồ sơ được chuyển về Bộ phận Một cửa, được cấp mã số hồ sơ và theo dõi tại đây như hồ sơ nộp trực tiếp.',
    'sub.steps_title': 'Các bước',
    'sub.step1': 'Tìm thủ tục và xem thành phần hồ sơ, thời hạn, phí, lệ phí trên trang Tra cứu thủ tục.',
    'sub.step2': 'Với thủ tục có dịch vụ công trực tuyến, nộp hồ sơ trên Cổng Dịch vụ công quốc gia (dichvucong.gov.vn) hoặc Cổng Dịch vụ công của tỉnh.',
    'sub.step3': 'Bộ phận Một cửa kiểm tra hồ sơ: tiếp nhận, hướng dẫn bổ sung hoặc từ chối có nêu lý do. Thời hạn giải quyết tính từ khi tiếp nhận.',
    'sub.step4': 'Theo dõi hồ sơ trên trang Tra cứu hồ sơ bằng mã số hồ sơ và mã tra cứu được gửi cho bạn.',
    'sub.list_title': 'Thủ tục có dịch vụ công trực tuyến',
    'sub.full': 'Dịch vụ công trực tuyến toàn trình (mức độ 4): nộp, thanh toán và nhận kết quả trực tuyến',
    'sub.partial': 'Dịch vụ công trực tuyến một phần (mức độ 3): nộp trực tuyến, nhận kết quả tại Bộ phận Một cửa hoặc qua bưu chính',
    'sub.portal': 'Đến Cổng Dịch vụ công quốc gia',
    'sub.lookup': 'Tra cứu hồ sơ đã nộp',
  },
  en: {
    'sub.doc_title': 'Apply online — motcua',
    'sub.meta_description': 'How to apply online for an administrative procedure through the public-service portal, and which procedures are offered fully or partly online.',
    'sub.title': 'Apply online',
    'sub.lead': 'Online applications are made on the public-service portal, signed in with a VNeID electronic identity. They reach the one-stop desk, get a dossier code and are followed here like applications handed in at the desk.',
    'sub.steps_title': 'Steps',
    'sub.step1': 'Find the procedure and read its documents, time limit and fees on the procedure search page.',
    'sub.step2': 'For a procedure offered online, apply on the National Public Service Portal (dichvucong.gov.vn) or the province\'s portal.',
    'sub.step3': 'The one-stop desk checks the application: receives it, asks for missing documents or refuses it with the reasons. The time limit runs from the reception.',
    'sub.step4': 'Follow the dossier on the dossier lookup page with the dossier code and lookup key sent to you.',
    'sub.list_title': 'Procedures offered online',
    'sub.full': 'Full online service (level 4): apply, pay and receive the result online',
    'sub.partial': 'Partial online service (level 3): apply online, collect the result at the desk or by post',
    'sub.portal': 'Go to the National Public Service Portal',
    'sub.lookup': 'Track a submitted dossier',
  },
});

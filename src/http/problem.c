/* RFC 9457 problem details: one table of kinds, one renderer.  Vietnamese
 * by default; English when the client prefers it (Accept-Language). */
#include <jansson.h>
#include <string.h>

#include "http.h"

struct problem_def {
	int status;
	const char *slug;
	const char *title_vi;
	const char *title_en;
};

static const struct problem_def problems[PROB__MAX] = {
	[PROB_BAD_REQUEST] = { 400, "bad-request", "Yêu cầu không hợp lệ", "Bad request" },
	[PROB_INVALID_JSON] = { 400, "invalid-json", "JSON không hợp lệ", "Invalid JSON" },
	[PROB_VALIDATION] = { 400, "validation", "Dữ liệu không hợp lệ", "Invalid data" },
	[PROB_UNAUTHENTICATED] = { 401, "unauthenticated", "Chưa đăng nhập", "Not signed in" },
	[PROB_FORBIDDEN] = { 403, "forbidden", "Không có quyền", "Forbidden" },
	[PROB_CSRF] = { 403, "csrf", "Thiếu hoặc sai mã chống giả mạo (CSRF)", "Missing or wrong CSRF token" },
	[PROB_NOT_FOUND] = { 404, "not-found", "Không tìm thấy", "Not found" },
	[PROB_METHOD_NOT_ALLOWED] = { 405, "method-not-allowed", "Phương thức không được hỗ trợ", "Method not allowed" },
	[PROB_NOT_ACCEPTABLE] = { 406, "not-acceptable", "Không có định dạng phù hợp", "Not acceptable" },
	[PROB_CONFLICT] = { 409, "conflict", "Xung đột dữ liệu", "Conflict" },
	[PROB_GONE] = { 410, "gone", "Không còn tồn tại", "Gone" },
	[PROB_PAYLOAD_TOO_LARGE] = { 413, "payload-too-large", "Nội dung quá lớn", "Payload too large" },
	[PROB_UNSUPPORTED_MEDIA] = { 415, "unsupported-media-type", "Kiểu nội dung không được hỗ trợ", "Unsupported media type" },
	[PROB_HEADERS_TOO_LARGE] = { 431, "headers-too-large", "Phần đầu yêu cầu quá lớn", "Request headers too large" },
	[PROB_URI_TOO_LONG] = { 414, "uri-too-long", "Địa chỉ quá dài", "URI too long" },
	[PROB_UNPROCESSABLE] = { 422, "unprocessable", "Không thể xử lý yêu cầu", "Unprocessable request" },
	[PROB_TOO_MANY_REQUESTS] = { 429, "too-many-requests", "Quá nhiều yêu cầu", "Too many requests" },
	[PROB_INTERNAL] = { 500, "internal", "Lỗi hệ thống", "Internal error" },
	[PROB_UNAVAILABLE] = { 503, "unavailable", "Hệ thống tạm thời không phục vụ được", "Service unavailable" },
};

int
problem_status(enum problem_kind k)
{
	return k < PROB__MAX ? problems[k].status : 500;
}

void
resp_problem_params(struct resp *w, const struct req *r, enum problem_kind k,
    const char *detail_vi, const char *detail_en, const struct problem_param *p,
    size_t np)
{
	const struct problem_def *d = &problems[k < PROB__MAX ? k : PROB_INTERNAL];
	int en = r != NULL && r->lang != NULL && strcmp(r->lang, "en") == 0;
	const char *title = en ? d->title_en : d->title_vi;
	const char *detail = en ? detail_en : detail_vi;
	struct buf *b = &w->body;

	w->status = d->status;
	w->content_type = "application/problem+json";
	w->kind = RESP_BODY_BUF;
	buf_reset(b);
	buf_puts(b, "{\"type\":\"/problems/");
	buf_puts(b, d->slug);
	buf_puts(b, "\",\"title\":");
	buf_put_json_str(b, title);
	buf_printf(b, ",\"status\":%d,\"detail\":", d->status);
	buf_put_json_str(b, detail ? detail : title);
	if (r != NULL && r->request_id[0] != '\0') {
		buf_puts(b, ",\"request_id\":");
		buf_put_json_str(b, r->request_id);
	}
	if (np > 0) {
		buf_puts(b, ",\"invalid_params\":[");
		for (size_t i = 0; i < np; i++) {
			buf_puts(b, i ? ",{\"name\":" : "{\"name\":");
			buf_put_json_str(b, p[i].name);
			buf_puts(b, ",\"reason\":");
			buf_put_json_str(b, p[i].reason);
			buf_putc(b, '}');
		}
		buf_putc(b, ']');
	}
	buf_putc(b, '}');
}

void
resp_problem(struct resp *w, const struct req *r, enum problem_kind k,
    const char *detail_vi, const char *detail_en)
{
	resp_problem_params(w, r, k, detail_vi, detail_en, NULL, 0);
}

/*
 * Reception (Decree 61/2018 Art. 16-17): POST /api/v1/dossiers.
 *
 * The body is validated completely first (every bad field named at once,
 * nothing written), the procedure version in force on the Vietnam date of
 * receipt is pinned, the desk's competence checked, and then ONE
 * transaction: the Idempotency-Key claim, the agency's daily sequence and
 * yearly register counters, the dossier with its documents and steps, the
 * outcome (Mẫu 01 received, Mẫu 02 incomplete, Mẫu 03 refused, or an online
 * submission awaiting reception), the history row, the outbox event, the
 * audit entry and the stored answer.  The 201 is sent only after COMMIT.
 *
 * In the server that transaction is usually shared: the body runs as one
 * unit of the group commit (src/db/group.c) in its own savepoint, beside
 * the other receptions that arrived meanwhile, and the HTTP answer is
 * deferred (http_defer) until the shared COMMIT is durable, so no worker
 * thread waits for the disk.  docs/ARCHITECTURE.md ("Group commit").
 */
#include <stdlib.h>
#include <string.h>

#include "../bundle/bundle.h"
#include "../catalog/catalog.h"
#include "../idem/idem.h"
#include "dossier_int.h"

/* What the version in force says. */
struct proc_in_force {
	int64_t id, version_id, version;
	const char *code, *name, *unit;
	int64_t limit, cutoff;
	int ch_counter, ch_post, ch_online;
	int lv_province, lv_district, lv_commune;
};

struct intake {
	const char *procedure_code, *channel, *return_method, *note, *reason;
	const char *name, *id_number, *phone, *email, *address;
	int64_t sets;
	enum dossier_outcome outcome;
	json_t *documents; /* borrowed */
	json_t *missing; /* owned, normalised */
};

/* ---- field validation ------------------------------------------------------ */

static int
phone_ok(const char *s)
{
	size_t digits = 0;

	for (size_t i = 0; s[i] != '\0'; i++) {
		char c = s[i];

		if (c >= '0' && c <= '9')
			digits++;
		else if (c == '+' && i == 0)
			continue;
		else if (c != ' ' && c != '.' && c != '-')
			return 0;
	}
	return digits >= 9 && digits <= 15 && strlen(s) <= 20;
}

static int
email_ok(const char *s)
{
	const char *at = strchr(s, '@');
	size_t n = strlen(s);

	if (n < 3 || n > DOS_EMAIL_MAX || at == NULL || at == s || strchr(at + 1, '@') != NULL ||
	    (size_t)(at - s) > 64 || strchr(at + 1, '.') == NULL || at[1] == '.' ||
	    s[n - 1] == '.')
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return 0;
	return 1;
}

static int
id_number_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < 6 || n > 20)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= 'a' && s[i] <= 'z') || s[i] == '-'))
			return 0;
	return 1;
}

/* An optional string member: NULL when absent or null; *bad when present
 * but not a string. */
static const char *
opt_str(json_t *o, const char *key, int *bad)
{
	json_t *v = json_object_get(o, key);

	*bad = 0;
	if (v == NULL || json_is_null(v))
		return NULL;
	if (!json_is_string(v)) {
		*bad = 1;
		return NULL;
	}
	return json_string_value(v);
}

static void
known_keys(json_t *o, const char *prefix, const char *const *keys, struct dossier_err *err)
{
	const char *key;
	json_t *v;

	json_object_foreach(o, key, v) {
		int ok = 0;
		char name[64];

		(void)v;
		for (size_t i = 0; keys[i] != NULL && !ok; i++)
			ok = strcmp(keys[i], key) == 0;
		if (ok)
			continue;
		snprintf(name, sizeof(name), "%s%s", prefix, key);
		dossier_err_param(err, name, "Trường không được hỗ trợ.", "Unknown member.");
	}
}

int
dossier_documents_parse(json_t *docs, int required, struct dossier_err *err)
{
	static const char *const keys[] = { "name", "originals", "copies", NULL };
	size_t i, before = err->n;
	json_t *d;

	if (docs == NULL || json_is_null(docs)) {
		if (required) {
			dossier_err_param(err, "documents", "Cần liệt kê các giấy tờ đã nộp "
			    "(thành phần hồ sơ).", "List the documents handed in.");
			return -1;
		}
		return 0;
	}
	if (!json_is_array(docs) || json_array_size(docs) > DOS_DOCS_MAX ||
	    (required && json_array_size(docs) == 0)) {
		dossier_err_param(err, "documents", "Cần danh sách %s%d giấy tờ "
		    "{name, originals, copies}.", "Must be a list of %s%d documents "
		    "{name, originals, copies}.", required ? "1–" : "tối đa ", DOS_DOCS_MAX,
		    required ? "1–" : "at most ", DOS_DOCS_MAX);
		return -1;
	}
	json_array_foreach(docs, i, d) {
		char pre[64];
		json_t *n, *o, *c;

		snprintf(pre, sizeof(pre), "documents[%zu].", i);
		if (!json_is_object(d)) {
			snprintf(pre, sizeof(pre), "documents[%zu]", i);
			dossier_err_param(err, pre, "Cần {name, originals, copies}.",
			    "Must be {name, originals, copies}.");
			continue;
		}
		known_keys(d, pre, keys, err);
		n = json_object_get(d, "name");
		o = json_object_get(d, "originals");
		c = json_object_get(d, "copies");
		if (!json_is_string(n) || !dossier_text_ok(json_string_value(n), 1, DOS_DOC_NAME_MAX,
		    0)) {
			snprintf(pre, sizeof(pre), "documents[%zu].name", i);
			dossier_err_param(err, pre, "Cần tên giấy tờ (1–%d ký tự).",
			    "The document's name is required (1–%d characters).", DOS_DOC_NAME_MAX,
			    DOS_DOC_NAME_MAX);
		}
		if (o != NULL && (!json_is_integer(o) || json_integer_value(o) < 0 ||
		    json_integer_value(o) > DOS_COUNT_MAX)) {
			snprintf(pre, sizeof(pre), "documents[%zu].originals", i);
			dossier_err_param(err, pre, "Số bản chính từ 0 đến %d.",
			    "Originals from 0 to %d.", DOS_COUNT_MAX, DOS_COUNT_MAX);
		}
		if (c != NULL && (!json_is_integer(c) || json_integer_value(c) < 0 ||
		    json_integer_value(c) > DOS_COUNT_MAX)) {
			snprintf(pre, sizeof(pre), "documents[%zu].copies", i);
			dossier_err_param(err, pre, "Số bản sao từ 0 đến %d.", "Copies from 0 to %d.",
			    DOS_COUNT_MAX, DOS_COUNT_MAX);
		}
		if (json_integer_value(o) + json_integer_value(c) == 0 && o != NULL && c != NULL &&
		    json_is_integer(o) && json_is_integer(c)) {
			snprintf(pre, sizeof(pre), "documents[%zu]", i);
			dossier_err_param(err, pre, "Giấy tờ phải có ít nhất một bản (chính hoặc sao).",
			    "A document has at least one original or copy.");
		}
	}
	return err->n > before ? -1 : 0;
}

enum db_rc
dossier_documents_write(struct dossier_ctx *x, int64_t dossier_id, json_t *docs, int64_t at)
{
	int64_t seq = 0;
	json_t *d;
	size_t i;
	enum db_rc rc;

	if (!json_is_array(docs) || json_array_size(docs) == 0)
		return DB_OK;
	if ((rc = db_scalar_int(x->c, STMT_DOS_DOC_MAXSEQ, (struct db_param[]){
	    DB_INT(dossier_id) }, 1, &seq)) != DB_OK)
		return rc;
	json_array_foreach(docs, i, d) {
		json_t *o = json_object_get(d, "originals"), *c = json_object_get(d, "copies");

		rc = db_exec(x->c, STMT_DOS_DOC_INSERT, (struct db_param[]){ DB_INT(dossier_id),
		    DB_INT(++seq), DB_TEXT(json_string_value(json_object_get(d, "name"))),
		    DB_INT(o ? json_integer_value(o) : 1), DB_INT(c ? json_integer_value(c) : 0),
		    DB_INT(at) }, 6, NULL);
		if (rc != DB_OK)
			return rc;
	}
	return DB_OK;
}

int
dossier_missing_parse(json_t *v, const char *name, json_t **out, struct dossier_err *err)
{
	size_t i, before = err->n;
	json_t *it, *items;

	*out = NULL;
	if (!json_is_array(v) || json_array_size(v) == 0 || json_array_size(v) > DOS_MISSING_MAX) {
		dossier_err_param(err, name, "Cần liệt kê một lần đầy đủ những gì phải bổ sung "
		    "(1–%d mục, mỗi mục là tên giấy tờ hoặc {name, reason}).", "List everything "
		    "that must be supplemented at once (1–%d items, each a name or {name, reason}).",
		    DOS_MISSING_MAX, DOS_MISSING_MAX);
		return -1;
	}
	items = json_array();
	json_array_foreach(v, i, it) {
		const char *n = NULL, *why = "", *comp = NULL;
		char pre[64];

		if (json_is_string(it))
			n = json_string_value(it);
		else if (json_is_object(it)) {
			/* component: the key of the bundle component whose documents
			 * are missing (interlinked dossiers only: bundle_missing_check). */
			static const char *const keys[] = { "name", "reason", "component", NULL };
			json_t *r = json_object_get(it, "reason"), *c = json_object_get(it, "component");

			snprintf(pre, sizeof(pre), "%s[%zu].", name, i);
			known_keys(it, pre, keys, err);
			if (json_is_string(json_object_get(it, "name")))
				n = json_string_value(json_object_get(it, "name"));
			if (r != NULL && (!json_is_string(r) ||
			    !dossier_text_ok(json_string_value(r), 0, DOS_TEXT_MAX, 1))) {
				snprintf(pre, sizeof(pre), "%s[%zu].reason", name, i);
				dossier_err_param(err, pre, "Lý do tối đa %d ký tự.",
				    "A reason of at most %d characters.", DOS_TEXT_MAX, DOS_TEXT_MAX);
			} else if (r != NULL)
				why = json_string_value(r);
			if (c != NULL && (!json_is_string(c) || json_string_length(c) < 1 ||
			    json_string_length(c) > 32 || strspn(json_string_value(c),
			    "abcdefghijklmnopqrstuvwxyz0123456789_-") != json_string_length(c))) {
				snprintf(pre, sizeof(pre), "%s[%zu].component", name, i);
				dossier_err_param(err, pre, "Cần mã thủ tục thành phần của nhóm liên thông "
				    "(1–32 ký tự a-z, 0-9, _ hoặc -).", "Must be a component key of the "
				    "interlinked group (1–32 characters a-z, 0-9, _ or -).");
			} else if (c != NULL)
				comp = json_string_value(c);
		}
		if (n == NULL || !dossier_text_ok(n, 1, DOS_DOC_NAME_MAX, 0)) {
			snprintf(pre, sizeof(pre), "%s[%zu]", name, i);
			dossier_err_param(err, pre, "Cần tên giấy tờ hoặc nội dung phải bổ sung "
			    "(1–%d ký tự).", "The document or what must be added is required "
			    "(1–%d characters).", DOS_DOC_NAME_MAX, DOS_DOC_NAME_MAX);
			continue;
		}
		json_array_append_new(items, json_pack("{s:s, s:s}", "name", n, "reason", why));
		if (comp != NULL)
			json_object_set_new(json_array_get(items, json_array_size(items) - 1),
			    "component", json_string(comp));
	}
	if (err->n > before) {
		json_decref(items);
		return -1;
	}
	*out = items;
	return 0;
}

enum db_rc
dossier_register_assign(struct dossier_ctx *x, struct dossier *d)
{
	struct civil c;
	char period[16];
	int64_t n = 0;
	enum db_rc rc;

	time_to_vn(x->now, &c);
	snprintf(period, sizeof(period), "y:%04d", c.year);
	if ((rc = dossier_counter_next(x->c, d->agency_id, period, &n)) != DB_OK)
		return rc;
	d->register_book = arena_printf(x->arena, "%04d", c.year);
	d->register_seq = n;
	return d->register_book != NULL ? DB_OK : DB_ERROR;
}

/* ---- the body ----------------------------------------------------------------- */

static int
intake_parse(json_t *body, struct intake *in, struct dossier_err *err)
{
	static const char *const keys[] = { "procedure_code", "channel", "applicant", "documents",
		"return_method", "sets", "outcome", "missing", "reason", "note", NULL };
	static const char *const akeys[] = { "name", "id_number", "phone", "email", "address",
		NULL };
	json_t *ap, *v;
	const char *outcome;
	int bad;

	memset(in, 0, sizeof(*in));
	if (!json_is_object(body)) {
		dossier_err_set(err, PROB_INVALID_JSON, "Nội dung yêu cầu phải là một đối tượng JSON.",
		    "The body must be a JSON object.");
		return -1;
	}
	known_keys(body, "", keys, err);

	in->procedure_code = opt_str(body, "procedure_code", &bad);
	if (in->procedure_code == NULL || !dossier_text_ok(in->procedure_code, 1, 32, 0))
		dossier_err_param(err, "procedure_code", "Cần mã thủ tục hành chính (mã của tỉnh "
		    "hoặc mã quốc gia, ví dụ 1.001612).", "The procedure code is required (local or "
		    "national, e.g. 1.001612).");

	in->channel = opt_str(body, "channel", &bad);
	if (in->channel == NULL || (strcmp(in->channel, "counter") != 0 &&
	    strcmp(in->channel, "post") != 0 && strcmp(in->channel, "online") != 0)) {
		dossier_err_param(err, "channel", "Cần cách thức nộp: counter (trực tiếp), post (bưu "
		    "chính) hoặc online (trực tuyến).", "Must be counter, post or online.");
		in->channel = "";
	}

	ap = json_object_get(body, "applicant");
	if (!json_is_object(ap))
		dossier_err_param(err, "applicant", "Cần thông tin người nộp {name, id_number, phone, "
		    "email, address}.", "The applicant {name, id_number, phone, email, address} is "
		    "required.");
	else {
		known_keys(ap, "applicant.", akeys, err);
		in->name = opt_str(ap, "name", &bad);
		if (in->name == NULL || !dossier_text_ok(in->name, 1, DOS_NAME_MAX, 0) ||
		    in->name[strspn(in->name, " ")] == '\0')
			dossier_err_param(err, "applicant.name", "Cần họ tên người nộp hoặc tên tổ chức "
			    "(1–%d ký tự).", "The applicant's name is required (1–%d characters).",
			    DOS_NAME_MAX, DOS_NAME_MAX);
		in->id_number = opt_str(ap, "id_number", &bad);
		if (bad || (in->id_number != NULL && in->id_number[0] != '\0' &&
		    !id_number_ok(in->id_number)))
			dossier_err_param(err, "applicant.id_number", "Số định danh cá nhân, CCCD, hộ "
			    "chiếu hoặc mã số doanh nghiệp: 6–20 chữ số, chữ cái hoặc dấu gạch ngang.",
			    "ID number, passport or enterprise code: 6–20 digits, letters or hyphens.");
		in->phone = opt_str(ap, "phone", &bad);
		if (bad || (in->phone != NULL && in->phone[0] != '\0' && !phone_ok(in->phone)))
			dossier_err_param(err, "applicant.phone", "Số điện thoại 9–15 chữ số (có thể "
			    "bắt đầu bằng +).", "A phone number of 9–15 digits (may start with +).");
		in->email = opt_str(ap, "email", &bad);
		if (bad || (in->email != NULL && in->email[0] != '\0' && !email_ok(in->email)))
			dossier_err_param(err, "applicant.email", "Địa chỉ thư điện tử không hợp lệ.",
			    "Not a valid e-mail address.");
		in->address = opt_str(ap, "address", &bad);
		if (bad || (in->address != NULL && !dossier_text_ok(in->address, 0, DOS_ADDRESS_MAX,
		    0)))
			dossier_err_param(err, "applicant.address", "Địa chỉ tối đa %d ký tự.",
			    "An address of at most %d characters.", DOS_ADDRESS_MAX, DOS_ADDRESS_MAX);
	}

	in->return_method = opt_str(body, "return_method", &bad);
	if (bad || (in->return_method != NULL && strcmp(in->return_method, "counter") != 0 &&
	    strcmp(in->return_method, "post") != 0 && strcmp(in->return_method, "online") != 0))
		dossier_err_param(err, "return_method", "Cần hình thức nhận kết quả: counter (tại Bộ "
		    "phận Một cửa), post (bưu chính) hoặc online.",
		    "Must be counter, post or online.");
	if (in->return_method == NULL)
		in->return_method = "counter";

	in->sets = 1;
	if ((v = json_object_get(body, "sets")) != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > DOS_COUNT_MAX)
			dossier_err_param(err, "sets", "Số bộ hồ sơ từ 1 đến %d.", "Sets from 1 to %d.",
			    DOS_COUNT_MAX, DOS_COUNT_MAX);
		else
			in->sets = json_integer_value(v);
	}

	in->note = opt_str(body, "note", &bad);
	if (bad || (in->note != NULL && !dossier_text_ok(in->note, 0, DOS_TEXT_MAX, 1)))
		dossier_err_param(err, "note", "Ghi chú tối đa %d ký tự.",
		    "A note of at most %d characters.", DOS_TEXT_MAX, DOS_TEXT_MAX);
	if (in->note == NULL)
		in->note = "";

	outcome = opt_str(body, "outcome", &bad);
	in->outcome = DO_RECEIVED;
	if (strcmp(in->channel, "online") == 0) {
		in->outcome = DO_SUBMITTED;
		if (outcome != NULL || bad)
			dossier_err_param(err, "outcome", "Hồ sơ trực tuyến được tiếp nhận sau bằng thao "
			    "tác receive, request_supplement hoặc refuse; không gửi outcome.",
			    "An online dossier is decided later with receive, request_supplement or "
			    "refuse; send no outcome.");
	} else if (bad || (outcome != NULL && strcmp(outcome, "received") != 0 &&
	    strcmp(outcome, "incomplete") != 0 && strcmp(outcome, "refused") != 0))
		dossier_err_param(err, "outcome", "Cần kết quả kiểm tra: received (đủ, Mẫu 01), "
		    "incomplete (chưa đủ, Mẫu 02) hoặc refused (từ chối, Mẫu 03).",
		    "Must be received (Mẫu 01), incomplete (Mẫu 02) or refused (Mẫu 03).");
	else if (outcome != NULL && strcmp(outcome, "incomplete") == 0)
		in->outcome = DO_INCOMPLETE;
	else if (outcome != NULL && strcmp(outcome, "refused") == 0)
		in->outcome = DO_REFUSED;

	in->documents = json_object_get(body, "documents");
	(void)dossier_documents_parse(in->documents, in->outcome == DO_RECEIVED, err);

	v = json_object_get(body, "missing");
	if (in->outcome == DO_INCOMPLETE)
		(void)dossier_missing_parse(v, "missing", &in->missing, err);
	else if (v != NULL)
		dossier_err_param(err, "missing", "Chỉ dùng với outcome incomplete (Mẫu 02).",
		    "Only with outcome incomplete (Mẫu 02).");

	in->reason = opt_str(body, "reason", &bad);
	if (in->outcome == DO_REFUSED) {
		if (in->reason == NULL || !dossier_text_ok(in->reason, 1, DOS_TEXT_MAX, 1) ||
		    in->reason[0] == '\0')
			dossier_err_param(err, "reason", "Cần nêu rõ lý do từ chối tiếp nhận (Mẫu 03).",
			    "The reason for the refusal is required (Mẫu 03).");
	} else if (bad || in->reason != NULL)
		dossier_err_param(err, "reason", "Chỉ dùng với outcome refused (Mẫu 03); ghi chú "
		    "khác đặt vào note.", "Only with outcome refused (Mẫu 03); put other remarks "
		    "in note.");
	return err->n > 0 || err->vi[0] != '\0' ? -1 : 0;
}

/* ---- the catalogue ---------------------------------------------------------------- */

static enum db_rc
proc_resolve(struct dossier_ctx *x, const char *code, const char *date, struct proc_in_force *p)
{
	struct db_res *res = NULL;
	enum db_rc rc;
	int k;

	if ((rc = db_exec(x->c, STMT_DOS_PROC_IN_FORCE, (struct db_param[]){ DB_TEXT(code),
	    DB_TEXT(date) }, 2, &res)) != DB_OK)
		return rc;
	if ((k = db_res_next(res)) != 1) {
		rc = k == 0 ? DB_NOTFOUND : db_res_rc(res);
		db_res_free(res);
		return rc;
	}
	p->id = db_res_int(res, 0);
	p->version_id = db_res_int(res, 1);
	p->version = db_res_int(res, 2);
	p->code = dossier_strdup(x, db_res_text(res, 3));
	p->name = dossier_strdup(x, db_res_text(res, 4));
	p->limit = db_res_int(res, 5);
	p->unit = dossier_strdup(x, db_res_text(res, 6));
	p->cutoff = db_res_int(res, 7);
	p->ch_counter = (int)db_res_int(res, 8);
	p->ch_post = (int)db_res_int(res, 9);
	p->ch_online = (int)db_res_int(res, 10);
	p->lv_province = (int)db_res_int(res, 11);
	p->lv_district = (int)db_res_int(res, 12);
	p->lv_commune = (int)db_res_int(res, 13);
	while (db_res_next(res) == 1)
		;
	db_res_free(res);
	return DB_OK;
}

enum db_rc
dossier_agency_get(struct dossier_ctx *x, int64_t id, struct agency_row *a)
{
	struct db_res *res = NULL;
	enum db_rc rc;
	int k;

	if ((rc = db_exec(x->c, STMT_DOS_AGENCY, (struct db_param[]){ DB_INT(id) }, 1, &res)) !=
	    DB_OK)
		return rc;
	if ((k = db_res_next(res)) == 1) {
		a->id = db_res_int(res, 0);
		a->code = dossier_strdup(x, db_res_text(res, 1));
		a->name = dossier_strdup(x, db_res_text(res, 2));
		a->tier = dossier_strdup(x, db_res_text(res, 3));
	}
	rc = k == 1 ? DB_OK : k == 0 ? DB_NOTFOUND : db_res_rc(res);
	db_res_free(res);
	return rc;
}

/* The lead agency this desk receives for: itself, an agency it is the
 * one-stop desk of (agency_desks), or one below it.  A version naming no
 * lead agency is handled at the level the procedure is done at by every
 * agency of that tier (the receiving agency itself).  *lead = 0 and
 * *competent = 0 when the desk does not receive the procedure. */
static enum db_rc
competence(struct dossier_ctx *x, const struct proc_in_force *p, const struct agency_row *ag,
    int64_t *lead, int *competent)
{
	struct db_res *res = NULL;
	int64_t leads[32];
	size_t n = 0;
	enum db_rc rc;
	int k;

	*lead = 0;
	*competent = 0;
	if ((rc = db_exec(x->c, STMT_DOS_PROC_LEADS, (struct db_param[]){ DB_INT(p->version_id) },
	    1, &res)) != DB_OK)
		return rc;
	while ((k = db_res_next(res)) == 1)
		if (n < CORE_NELEM(leads))
			leads[n++] = db_res_int(res, 0);
	rc = k < 0 ? db_res_rc(res) : DB_OK;
	db_res_free(res);
	if (rc != DB_OK)
		return rc;
	if (n == 0) {
		const char *t = ag->tier;

		*competent = (strcmp(t, "district") == 0 && p->lv_district) ||
		    (strcmp(t, "commune") == 0 && p->lv_commune) ||
		    ((strcmp(t, "province") == 0 || t[0] == '\0') && p->lv_province);
		*lead = *competent ? ag->id : 0;
		return DB_OK;
	}
	for (size_t i = 0; i < n && !*competent; i++) {
		int64_t cnt = 0;
		struct scope below = { 0, ag->id };

		if (leads[i] == ag->id)
			*competent = 1;
		else if ((rc = db_scalar_int(x->c, STMT_DOS_DESK_FOR, (struct db_param[]){
		    DB_INT(ag->id), DB_INT(leads[i]) }, 2, &cnt)) != DB_OK)
			return rc;
		else if (cnt > 0)
			*competent = 1;
		else if ((k = auth_scope_contains(x->c, &below, leads[i])) == -1)
			return DB_ERROR;
		else
			*competent = k;
		if (*competent)
			*lead = leads[i];
	}
	return DB_OK;
}

/* ---- reception ---------------------------------------------------------------------- */

static const char *const outcome_action[DO__MAX] = {
	[DO_RECEIVED] = "receive",
	[DO_INCOMPLETE] = "request_supplement",
	[DO_REFUSED] = "refuse",
	[DO_SUBMITTED] = "submit",
};

/* The steps of the pinned version (at most DOS_STEPS_MAX) into the arena;
 * a version without an internal process gets one step spanning the whole
 * limit at the lead agency. */
static enum db_rc
steps_read(struct dossier_ctx *x, const struct proc_in_force *p, const char *unit,
    struct dossier_step **out, int64_t *n)
{
	struct db_res *res = NULL;
	struct dossier_step *s;
	enum db_rc rc;
	int k;

	*n = 0;
	if ((s = arena_alloc(x->arena, DOS_STEPS_MAX * sizeof(*s))) == NULL)
		return DB_ERROR;
	*out = s;
	if ((rc = db_exec(x->c, STMT_DOS_PROC_STEPS, (struct db_param[]){
	    DB_INT(p->version_id) }, 1, &res)) != DB_OK)
		return rc;
	while ((k = db_res_next(res)) == 1)
		if (*n < DOS_STEPS_MAX) {
			struct dossier_step *t = &s[(*n)++];

			t->seq = *n;
			t->name = dossier_strdup(x, db_res_text(res, 1));
			t->unit = dossier_strdup(x, db_res_text(res, 2));
			t->role = dossier_strdup(x, db_res_text(res, 3));
			t->hours = db_res_int(res, 4);
			t->result_class = "";
		}
	rc = k < 0 ? db_res_rc(res) : DB_OK;
	db_res_free(res);
	if (rc == DB_OK && *n == 0) {
		enum catalog_unit u = strcmp(p->unit, "hour") == 0 ? CATALOG_HOURS : CATALOG_DAYS;

		s[0].seq = 1;
		s[0].name = "Giải quyết hồ sơ";
		s[0].unit = unit;
		s[0].role = "specialist";
		s[0].hours = catalog_budget_hours(u, p->limit, catalog_hours_per_day());
		s[0].result_class = "";
		*n = 1;
	}
	return rc;
}

/* A reception between its checks and its answer.  The checks and the
 * catalogue reads run on the request's own connection (reception_prepare);
 * the transaction body (reception_tx) runs on whatever connection the
 * caller's transaction is on: the request's own, or the group commit
 * writer's, inside a savepoint of a transaction shared with other
 * receptions.  The answer leaves only after that transaction's COMMIT. */
struct reception {
	struct dossier_ctx x; /* x.c: the connection the current step runs on */
	struct intake in;
	struct proc_in_force p;
	struct agency_row ag, lead;
	const char *ag_address, *ag_phone; /* the desk's, for the receipt */
	int64_t lead_id;
	struct dossier_step *steps; /* as read from the version; each run copies them */
	int64_t nsteps;
	const char *idem_key, *body_text;
	json_t *body; /* owned by the HTTP path (NULL otherwise) */
	/* What the last run produced (reset at each run). */
	struct dossier_answer ans;
	struct dossier_err err;
	enum dossier_status status;
	/* The HTTP path. */
	enum db_rc rc; /* of the transaction: DB_OK once durable */
	struct db_unit unit;
	struct db_group *group;
	struct http_defer *defer;
	/* An interlinked group's code: the bundle slice receives it, in a
	 * transaction of its own on the worker's connection (bundles are rare;
	 * they do not join the commit group). */
	int bundle;
};

static void
reception_db_err(struct dossier_err *err, enum db_rc rc)
{
	if (rc == DB_BUSY || rc == DB_CONFLICT)
		dossier_err_set(err, PROB_UNAVAILABLE, "Hệ thống đang bận, hồ sơ chưa được ghi. Hãy "
		    "thử lại.", "The system is busy; the dossier was not recorded. Try again.");
	else
		dossier_err_set(err, PROB_UNAVAILABLE, "Không ghi được hồ sơ vào cơ sở dữ liệu; hồ sơ "
		    "chưa được tiếp nhận. Hãy thử lại.", "The dossier could not be written; it was "
		    "not received. Try again.");
}

/* The desk's address and phone, which the receipt prints. */
static enum db_rc
agency_contact(struct dossier_ctx *x, struct reception *rs)
{
	struct db_res *res = NULL;
	enum db_rc rc;
	int k;

	if ((rc = db_exec(x->c, STMT_DOS_RCV_AGENCY_CONTACT, (struct db_param[]){
	    DB_INT(rs->ag.id) }, 1, &res)) != DB_OK)
		return rc;
	if ((k = db_res_next(res)) == 1) {
		rs->ag_address = dossier_strdup(x, db_res_text(res, 0));
		rs->ag_phone = dossier_strdup(x, db_res_text(res, 1));
	}
	rc = k == 1 ? DB_OK : k == 0 ? DB_NOTFOUND : db_res_rc(res);
	db_res_free(res);
	return rc;
}

/* Everything that needs no write: the body, who receives, the procedure
 * version in force, the desk's competence, the steps.  0, or -1 with
 * rs->err filled. */
static int
reception_prepare(struct reception *rs, void *bodyp, const char *idem_key,
    const char *body_text)
{
	struct dossier_ctx *x = &rs->x;
	struct dossier_err *err = &rs->err;
	struct intake *in = &rs->in;
	char date[16];
	int competent = 0;
	enum db_rc rc;

	rs->idem_key = idem_key;
	rs->body_text = body_text;
	if (intake_parse(bodyp, in, err) == -1)
		return -1;
	if (x->who == NULL || x->who->agency_id == 0) {
		dossier_err_set(err, PROB_FORBIDDEN, "Chỉ cán bộ (hoặc hệ thống) của một cơ quan tiếp "
		    "nhận mới được tiếp nhận hồ sơ.", "Only an agency's official or system may "
		    "receive dossiers.");
		return -1;
	}
	if (x->who->kind == PRINCIPAL_TOKEN && in->outcome != DO_SUBMITTED) {
		dossier_err_set(err, PROB_FORBIDDEN, "Mã truy cập API chỉ được nộp hồ sơ trực tuyến "
		    "(channel online); hồ sơ tại quầy hoặc qua bưu chính do cán bộ tiếp nhận.",
		    "An API token may only submit online dossiers; counter and post dossiers are "
		    "received by an official.");
		return -1;
	}
	if (x->cal == NULL) {
		dossier_err_set(err, PROB_UNAVAILABLE, "Lịch làm việc chưa sẵn sàng.",
		    "The working-day calendar is not loaded.");
		return -1;
	}
	/* An interlinked group's code: the bundle slice receives it (one
	 * parent, one component per procedure; docs/BUNDLE.md). */
	if ((rs->bundle = bundle_is_code(x->c, in->procedure_code)) != 0) {
		if (rs->bundle == 1)
			return 0;
		dossier_err_set(err, PROB_UNAVAILABLE, "Không đọc được bộ thủ tục.",
		    "Could not read the catalogue.");
		return -1;
	}
	if (in->missing != NULL && bundle_missing_check(x, NULL, in->missing, err) == -1)
		return -1;
	time_format_date(x->now, date);
	if ((rc = dossier_agency_get(x, x->who->agency_id, &rs->ag)) != DB_OK)
		goto db_fail;
	if (!catalog_agency_code_valid(rs->ag.code)) {
		dossier_err_set(err, PROB_UNPROCESSABLE, "Mã định danh của cơ quan tiếp nhận (%s) "
		    "không theo QCVN 102, không cấp được mã hồ sơ.", "The receiving agency's "
		    "identifier (%s) is not a QCVN 102 code; no dossier code can be issued.",
		    rs->ag.code, rs->ag.code);
		return -1;
	}
	if ((rc = proc_resolve(x, in->procedure_code, date, &rs->p)) == DB_NOTFOUND) {
		dossier_err_param(err, "procedure_code", "Không có thủ tục %s đang có hiệu lực ngày %s.",
		    "No procedure %s in force on %s.", in->procedure_code, date, in->procedure_code,
		    date);
		return -1;
	} else if (rc != DB_OK)
		goto db_fail;
	if ((rc = competence(x, &rs->p, &rs->ag, &rs->lead_id, &competent)) != DB_OK)
		goto db_fail;
	if (in->outcome != DO_REFUSED) {
		int ch = strcmp(in->channel, "counter") == 0 ? rs->p.ch_counter :
		    strcmp(in->channel, "post") == 0 ? rs->p.ch_post : rs->p.ch_online;

		if (!competent) {
			dossier_err_set(err, PROB_UNPROCESSABLE, "%s không tiếp nhận thủ tục %s. Hãy "
			    "từ chối tiếp nhận (outcome refused, Mẫu 03) và hướng dẫn người nộp đến "
			    "đúng cơ quan.", "%s does not receive procedure %s. Refuse it (outcome "
			    "refused, Mẫu 03) and direct the applicant to the right agency.",
			    rs->ag.name, rs->p.code, rs->ag.name, rs->p.code);
			dossier_err_param(err, "procedure_code", "Thủ tục không thuộc thẩm quyền tiếp "
			    "nhận của cơ quan.", "Not a procedure this agency receives.");
			return -1;
		}
		if (!ch) {
			dossier_err_param(err, "channel", "Thủ tục %s không nhận hồ sơ theo cách thức này.",
			    "Procedure %s does not accept this channel.", rs->p.code, rs->p.code);
			return -1;
		}
	}
	if (rs->lead_id != 0 && rs->lead_id != rs->ag.id &&
	    (rc = dossier_agency_get(x, rs->lead_id, &rs->lead)) != DB_OK)
		goto db_fail;
	if (rs->lead_id == rs->ag.id)
		rs->lead = rs->ag;
	if ((rc = steps_read(x, &rs->p, rs->lead.name ? rs->lead.name : rs->ag.name, &rs->steps,
	    &rs->nsteps)) != DB_OK || (rc = agency_contact(x, rs)) != DB_OK)
		goto db_fail;
	return 0;
db_fail:
	reception_db_err(err, rc);
	return -1;
}

/* The daily sequence and, for a received dossier, the yearly register
 * number, in one statement when both are taken. */
static enum db_rc
reception_counters(struct dossier_ctx *x, int64_t agency_id, const char *day_period,
    const char *year_period, int64_t *seq, int64_t *reg)
{
	struct db_res *res = NULL;
	enum db_rc rc;
	int k;

	*seq = *reg = 0;
	if (year_period == NULL)
		return dossier_counter_next(x->c, agency_id, day_period, seq);
	if ((rc = db_exec(x->c, STMT_DOS_RCV_COUNTERS, (struct db_param[]){ DB_INT(agency_id),
	    DB_TEXT(day_period), DB_TEXT(year_period) }, 3, &res)) != DB_OK)
		return rc;
	while ((k = db_res_next(res)) == 1) {
		if (strcmp(db_res_text(res, 0), day_period) == 0)
			*seq = db_res_int(res, 1);
		else if (strcmp(db_res_text(res, 0), year_period) == 0)
			*reg = db_res_int(res, 1);
	}
	rc = k < 0 ? db_res_rc(res) : *seq > 0 && *reg > 0 ? DB_OK : DB_ERROR;
	db_res_free(res);
	return rc;
}

/* The transaction body (a db_unit_fn): the Idempotency-Key claim, the
 * agency's daily sequence and yearly register counters, the dossier with
 * its documents and steps, the outcome, the history row, the outbox event,
 * the audit entry and the stored answer — in the caller's transaction,
 * never beginning or ending one.  DB_OK with rs->ans filled (a new dossier
 * or a replay), or another code with rs->err filled; the caller then rolls
 * this unit back.  Starts from scratch at every call.
 *
 * It runs on the group-commit writer, one unit after another, so it does
 * as few statements as it can (docs/ARCHITECTURE.md, "Group commit"): both
 * counters in one, the dossier row written once with its outcome, each
 * step written with its start, and the answer rendered from what it wrote
 * rather than read back. */
static enum db_rc
reception_tx(struct db_conn *c, void *arg)
{
	struct reception *rs = arg;
	struct dossier_ctx *x = &rs->x;
	struct dossier_err *err = &rs->err;
	struct intake *in = &rs->in;
	const struct proc_in_force *p = &rs->p;
	const struct agency_row *ag = &rs->ag;
	struct dossier d;
	json_t *answer = NULL, *docs = NULL, *supps = NULL, *receipt = NULL, *it;
	char day[8], period[16], yperiod[16], book[8], code[DOSSIER_CODE_LEN + 1];
	char key[DOSSIER_KEY_LEN + 1];
	char *text = NULL;
	struct idem ik = { 0 }; /* ik.key[0] != '\0' once the key is claimed */
	int64_t seq = 0, reg = 0, lead_id = rs->lead_id;
	size_t i;
	enum db_rc rc = DB_ERROR;
	static const char *const onames[DO__MAX] = { "received", "incomplete", "refused",
		"submitted" };

	x->c = c;
	json_decref(rs->ans.json);
	memset(&rs->ans, 0, sizeof(rs->ans));
	memset(err, 0, sizeof(*err));
	memset(&d, 0, sizeof(d));
	/* The steps change as the clock starts: work on a copy. */
	if ((d.steps = arena_alloc(x->arena, DOS_STEPS_MAX * sizeof(*d.steps))) == NULL)
		goto db_fail;
	memcpy(d.steps, rs->steps, (size_t)rs->nsteps * sizeof(*d.steps));
	d.nsteps = rs->nsteps;

	if (rs->idem_key != NULL) {
		const char *caller = arena_printf(x->arena, "%s:%lld",
		    x->who->kind == PRINCIPAL_TOKEN ? "t" : "u", (long long)x->who->id);
		enum idem_state st;

		if (caller == NULL)
			goto db_fail;
		st = idem_claim(x->c, "dossier.create", caller, rs->idem_key, rs->body_text,
		    rs->body_text ? strlen(rs->body_text) : 0, x->now, &ik);
		if (st == IDEM_ERROR)
			goto db_fail;
		if (st != IDEM_NEW) {
			/* Seen before (perhaps earlier in this very transaction): the
			 * stored answer, sent like any other after the COMMIT. */
			if (st == IDEM_MISMATCH) {
				dossier_err_set(err, PROB_UNPROCESSABLE, "Idempotency-Key này đã được dùng "
				    "cho một yêu cầu có nội dung khác.", "This Idempotency-Key was used "
				    "for a request with another body.");
				rc = DB_CONSTRAINT;
				goto out;
			}
			if (st != IDEM_REPLAY || (answer = json_loads(ik.body, 0, NULL)) == NULL) {
				dossier_err_set(err, PROB_CONFLICT, "Yêu cầu với Idempotency-Key này đang "
				    "được xử lý.", "A request with this Idempotency-Key is in progress.");
				rc = DB_CONFLICT;
				goto out;
			}
			rs->ans.status = ik.status;
			rs->ans.replayed = 1;
			rs->ans.json = answer;
			answer = NULL;
			rc = DB_OK;
			goto out;
		}
	}
	dossier_code_day(x->now, day);
	snprintf(period, sizeof(period), "d:%s", day);
	if (in->outcome == DO_RECEIVED) {
		struct civil cv;

		/* The register book is the year's (Mẫu 06), as
		 * dossier_register_assign names it. */
		time_to_vn(x->now, &cv);
		snprintf(book, sizeof(book), "%04d", cv.year);
		snprintf(yperiod, sizeof(yperiod), "y:%s", book);
	}
	if ((rc = reception_counters(x, ag->id, period, in->outcome == DO_RECEIVED ? yperiod :
	    NULL, &seq, &reg)) != DB_OK)
		goto db_fail;
	if (seq > DOSSIER_SEQ_MAX || dossier_code_format(ag->code, x->now, seq, code,
	    sizeof(code)) == -1) {
		dossier_err_set(err, PROB_UNAVAILABLE, "%s đã cấp hết %d số hồ sơ của ngày hôm nay.",
		    "%s has used all %d dossier numbers of the day.", ag->name, DOSSIER_SEQ_MAX,
		    ag->name, DOSSIER_SEQ_MAX);
		rc = DB_CONSTRAINT;
		goto out;
	}
	if (dossier_lookup_key_new(key, sizeof(key)) == -1) {
		rc = DB_ERROR;
		goto db_fail;
	}

	/* The dossier as dossier_load would read it back after the COMMIT. */
	d.code = dossier_strdup(x, code);
	d.lookup_key = dossier_strdup(x, key);
	d.version = 1;
	d.status = dossier_outcome_status(in->outcome);
	d.channel = in->channel;
	d.agency_id = ag->id;
	d.agency_code = ag->code;
	d.agency_name = ag->name;
	d.agency_address = rs->ag_address;
	d.agency_phone = rs->ag_phone;
	d.lead_agency_id = lead_id;
	d.lead_code = lead_id && rs->lead.code ? rs->lead.code : "";
	d.lead_name = lead_id && rs->lead.name ? rs->lead.name : "";
	d.procedure_id = p->id;
	d.procedure_version_id = p->version_id;
	d.procedure_version = p->version;
	d.procedure_code = p->code;
	d.procedure_name = p->name;
	d.time_limit = p->limit;
	d.time_unit = p->unit;
	d.cutoff_minute = p->cutoff;
	d.applicant_name = in->name;
	d.applicant_id_number = in->id_number ? in->id_number : "";
	d.applicant_phone = in->phone ? in->phone : "";
	d.applicant_email = in->email ? in->email : "";
	d.applicant_address = in->address ? in->address : "";
	d.return_method = in->return_method;
	d.sets = in->sets;
	d.note = in->note;
	d.created_at = x->now;
	d.updated_at = x->now;
	d.receiver_id = dossier_actor_id(x);
	d.receiver_name = d.receiver_id && x->who->full_name ? x->who->full_name : "";
	d.assignee_name = "";
	d.reason = "";
	d.apology_reason = "";
	d.result_class = "";
	d.register_book = "";
	d.hand.to_unit = d.agency_name;
	switch (in->outcome) {
	case DO_RECEIVED:
		if (dossier_clock_start(x, &d, x->now, err) == -1) {
			rc = DB_ERROR;
			goto out;
		}
		d.register_book = dossier_strdup(x, book);
		d.register_seq = reg;
		/* The first step starts at once, with the receiver. */
		if (dossier_step_due(x, &d.steps[0], x->now, &d.steps[0].due_at) == -1) {
			rc = DB_ERROR;
			goto db_fail;
		}
		d.steps[0].started_at = x->now;
		d.steps[0].handler_id = d.receiver_id;
		d.step = 1;
		d.assignee_id = d.receiver_id;
		d.assignee_name = d.receiver_name;
		d.hand.to_step = 1;
		d.hand.to_unit = d.steps[0].unit[0] ? d.steps[0].unit : d.agency_name;
		break;
	case DO_INCOMPLETE:
		if ((text = json_dumps(in->missing, JSON_COMPACT)) == NULL) {
			rc = DB_ERROR;
			goto db_fail;
		}
		d.supplement_requests = 1;
		d.hand.to_unit = "Người nộp hồ sơ";
		d.hand.detail = json_pack("{s:O, s:s}", "missing", in->missing, "phase", "reception");
		break;
	case DO_REFUSED:
		d.reason = in->reason;
		d.hand.reason = in->reason;
		d.closed_at = x->now;
		d.hand.to_unit = "Người nộp hồ sơ";
		break;
	default:
		break;
	}
	d.queue_key = dossier_queue_key(&d);
	rc = db_scalar_int(x->c, STMT_DOS_RCV_INSERT, (struct db_param[]){ DB_TEXT(d.code),
	    DB_TEXT(d.lookup_key), DB_TEXT(dossier_status_name(d.status)), DB_TEXT(d.channel),
	    DB_INT(d.agency_id), lead_id ? DB_INT(lead_id) : DB_NULL, DB_INT(p->id),
	    DB_INT(p->version_id), DB_TEXT(p->code), DB_TEXT(p->name), DB_INT(p->version),
	    DB_INT(p->limit), DB_TEXT(p->unit), DB_INT(p->cutoff), DB_TEXT(in->name),
	    DB_TEXT(d.applicant_id_number), DB_TEXT(d.applicant_phone),
	    DB_TEXT(d.applicant_email), DB_TEXT(d.applicant_address),
	    DB_TEXT(in->return_method), DB_INT(in->sets), DB_TEXT(in->note), DB_INT(x->now),
	    DB_INT(d.nsteps), d.receiver_id ? DB_INT(d.receiver_id) : DB_NULL,
	    DB_INT(d.queue_key), d.received_at ? DB_INT(d.received_at) : DB_NULL,
	    d.legal_due_at ? DB_INT(d.legal_due_at) : DB_NULL,
	    d.due_at ? DB_INT(d.due_at) : DB_NULL,
	    d.register_seq ? DB_TEXT(d.register_book) : DB_NULL,
	    d.register_seq ? DB_INT(d.register_seq) : DB_NULL, DB_INT(d.step),
	    d.assignee_id ? DB_INT(d.assignee_id) : DB_NULL, DB_INT(d.supplement_requests),
	    d.closed_at ? DB_INT(d.closed_at) : DB_NULL, DB_TEXT(d.reason) }, 36, &d.id);
	if (rc != DB_OK)
		goto db_fail;
	for (int64_t k = 0; k < d.nsteps; k++) {
		const struct dossier_step *st = &d.steps[k];

		if ((rc = db_exec(x->c, STMT_DOS_RCV_STEP, (struct db_param[]){ DB_INT(d.id),
		    DB_INT(st->seq), DB_TEXT(st->name), DB_TEXT(st->unit), DB_TEXT(st->role),
		    DB_INT(st->hours), st->started_at ? DB_INT(st->started_at) : DB_NULL,
		    st->started_at ? DB_INT(st->due_at) : DB_NULL,
		    st->started_at && st->handler_id ? DB_INT(st->handler_id) : DB_NULL }, 9,
		    NULL)) != DB_OK)
			goto db_fail;
	}
	/* The documents, numbered from 1 (a new dossier has none), and the
	 * receipt's list of them as documents_json would read it. */
	if ((docs = json_array()) == NULL || (supps = json_array()) == NULL) {
		rc = DB_ERROR;
		goto db_fail;
	}
	json_array_foreach(in->documents, i, it) {
		json_t *o = json_object_get(it, "originals"), *cp = json_object_get(it, "copies");
		const char *name = json_string_value(json_object_get(it, "name"));
		int64_t no = o ? json_integer_value(o) : 1, nc = cp ? json_integer_value(cp) : 0;

		if ((rc = db_exec(x->c, STMT_DOS_DOC_INSERT, (struct db_param[]){ DB_INT(d.id),
		    DB_INT((int64_t)i + 1), DB_TEXT(name), DB_INT(no), DB_INT(nc), DB_INT(x->now) },
		    6, NULL)) != DB_OK)
			goto db_fail;
		json_array_append_new(docs, json_pack("{s:I, s:s, s:I, s:I, s:o}", "seq",
		    (json_int_t)i + 1, "name", name, "originals", (json_int_t)no, "copies",
		    (json_int_t)nc, "added_at", dossier_time_json(x->now)));
	}
	if (in->outcome == DO_INCOMPLETE) {
		if ((rc = db_exec(x->c, STMT_DOS_SUPP_INSERT, (struct db_param[]){ DB_INT(d.id),
		    DB_TEXT("reception"), DB_INT(x->now), d.receiver_id ? DB_INT(d.receiver_id) :
		    DB_NULL, DB_TEXT(dossier_actor_name(x)), DB_TEXT(text), DB_TEXT(in->note) }, 7,
		    NULL)) != DB_OK)
			goto db_fail;
		json_array_append_new(supps, json_pack("{s:I, s:s, s:o, s:s, s:O, s:s, s:o}", "seq",
		    (json_int_t)1, "phase", "reception", "requested_at", dossier_time_json(x->now),
		    "requested_by", dossier_actor_name(x), "items", in->missing, "note", in->note,
		    "fulfilled_at", dossier_time_json(0)));
	}
	if ((rc = dossier_record(x, &d, outcome_action[in->outcome], DS__MAX, in->note)) != DB_OK)
		goto db_fail;
	/* The answer as a reprint would show it (tests/api/test_dossier.c
	 * compares the two), from memory: the read-back was four statements. */
	if ((receipt = dossier_receipt_build(x, &d, docs, supps)) == NULL ||
	    (answer = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, "
	    "s:o}", "code", d.code, "lookup_key", d.lookup_key, "status",
	    dossier_status_name(d.status), "status_label", dossier_status_label(d.status, x->en),
	    "outcome", onames[in->outcome], "version", (json_int_t)d.version, "received_at",
	    dossier_time_json(d.received_at), "due_at", dossier_time_json(d.due_at),
	    "legal_due_at", dossier_time_json(d.legal_due_at), "register_no",
	    d.register_seq ? json_string(arena_printf(x->arena, "%lld/%s",
	    (long long)d.register_seq, d.register_book)) : json_null(), "register",
	    d.register_seq ? json_pack("{s:s, s:I}", "book", d.register_book, "number",
	    (json_int_t)d.register_seq) : json_null(), "procedure", json_pack("{s:s, s:s, s:I}",
	    "code", d.procedure_code, "name", d.procedure_name, "version",
	    (json_int_t)d.procedure_version), "agency", json_pack("{s:s, s:s}", "code",
	    d.agency_code, "name", d.agency_name), "receipt", receipt)) == NULL) {
		receipt = NULL; /* s:o consumed it even on failure */
		rc = DB_ERROR;
		goto db_fail;
	}
	receipt = NULL;
	if ((rc = idem_store_json(x->c, &ik, 201, answer)) != DB_OK)
		goto db_fail;
	rs->status = d.status;
	rs->ans.status = 201;
	rs->ans.json = answer;
	answer = NULL;
	rc = DB_OK;
	goto out;
db_fail:
	if (rc == DB_OK)
		rc = DB_ERROR;
	reception_db_err(err, rc);
out:
	json_decref(d.hand.detail);
	json_decref(answer);
	json_decref(receipt);
	json_decref(docs);
	json_decref(supps);
	free(text);
	idem_free(&ik);
	return rc;
}

/* After the transaction: rs->rc is its outcome.  Only a durable COMMIT
 * keeps the answer; otherwise the unit's own error, or "not recorded". */
static void
reception_settle(struct reception *rs)
{
	if (rs->rc == DB_OK && rs->ans.json != NULL) {
		if (!rs->ans.replayed)
			log_msg(LOG_INFO, rs->x.request_id, "dossier", "action=%s status=%s",
			    outcome_action[rs->in.outcome], dossier_status_name(rs->status));
		return;
	}
	json_decref(rs->ans.json);
	memset(&rs->ans, 0, sizeof(rs->ans));
	if (rs->err.vi[0] == '\0')
		reception_db_err(&rs->err, rs->rc == DB_OK ? DB_ERROR : rs->rc);
}

/* The body in a transaction of its own on rs->x.c (the CLI, the demo, and
 * the server when group commit is off). */
static void
reception_run_alone(struct reception *rs)
{
	struct db_conn *c = rs->x.c;
	enum db_rc rc;

	if ((rc = db_begin(c)) == DB_OK) {
		if ((rc = reception_tx(c, rs)) == DB_OK)
			rc = db_commit(c);
		else
			db_rollback(c);
	}
	rs->rc = rc;
	reception_settle(rs);
}

/* A bundle's reception, in the bundle slice's own transaction. */
static void
reception_run_bundle(struct reception *rs, void *bodyp)
{
	if (bundle_receive(&rs->x, bodyp, rs->idem_key, rs->body_text, &rs->ans, &rs->err) == -1) {
		json_decref(rs->ans.json);
		memset(&rs->ans, 0, sizeof(rs->ans));
	}
}

int
dossier_receive(struct dossier_ctx *x, void *bodyp, const char *idem_key, const char *body_text,
    struct dossier_answer *ans, struct dossier_err *err)
{
	struct reception *rs = calloc(1, sizeof(*rs));
	int ret;

	memset(ans, 0, sizeof(*ans));
	if (rs == NULL) {
		reception_db_err(err, DB_ERROR);
		return -1;
	}
	rs->x = *x;
	if (reception_prepare(rs, bodyp, idem_key, body_text) == 0) {
		if (rs->bundle)
			reception_run_bundle(rs, bodyp);
		else
			reception_run_alone(rs);
	}
	*ans = rs->ans;
	ret = ans->json != NULL ? 0 : -1;
	if (ret == -1)
		*err = rs->err;
	json_decref(rs->in.missing);
	free(rs);
	return ret;
}

/* ---- HTTP ---------------------------------------------------------------------------- */

/* The answer, on a server thread; releases what the reception holds. */
static void
reception_answer(struct req *r, struct resp *w, struct reception *rs)
{
	if (rs->ans.json != NULL) {
		const char *code = json_string_value(json_object_get(rs->ans.json, "code"));

		if (code != NULL)
			resp_header(w, "Location", arena_printf(r->arena, "/api/v1/dossiers/%s", code));
		if (rs->ans.replayed)
			resp_header(w, "Idempotent-Replayed", "true");
		resp_json(w, rs->ans.status, rs->ans.json);
		resp_header(w, "Cache-Control", "no-store");
		rs->ans.json = NULL;
	} else
		dossier_err_render(r, w, &rs->err);
	json_decref(rs->in.missing);
	rs->in.missing = NULL;
	json_decref(rs->body);
	rs->body = NULL;
}

/* db_done_fn, on the writer thread once the batch's COMMIT returned. */
static void
reception_done(void *arg, enum db_rc rc)
{
	struct reception *rs = arg;

	rs->rc = rc;
	reception_settle(rs);
	http_defer_resume(rs->defer);
}

/* http_finish_fn. */
static void
reception_finish(struct req *r, struct resp *w, void *arg)
{
	reception_answer(r, w, arg);
}

/* http_cancel_fn, at shutdown: a reception still queued is taken back. */
static int
reception_cancel(void *arg)
{
	struct reception *rs = arg;

	if (db_group_cancel(rs->group, &rs->unit) == -1)
		return -1;
	rs->rc = DB_BUSY;
	dossier_err_set(&rs->err, PROB_UNAVAILABLE, "Máy chủ đang dừng, hồ sơ chưa được ghi. Hãy "
	    "thử lại sau ít phút.", "The server is stopping; the dossier was not recorded. Try "
	    "again in a few minutes.");
	return 0;
}

void
dossier_http_create(struct req *r, struct resp *w)
{
	struct dossier_ctx x;
	struct dossier_err err;
	struct reception *rs;
	struct db_group *g = APP(r)->group;
	const char *idem = req_header(r, "Idempotency-Key");
	json_t *body;

	memset(&err, 0, sizeof(err));
	if (dossier_ctx_staff(r, w, &x) == -1)
		return;
	if (idem != NULL && !idem_key_valid(idem)) {
		dossier_err_param(&err, "Idempotency-Key", "Cần 1–%d ký tự ASCII in được, không có "
		    "dấu cách.", "Must be 1–%d printable ASCII characters without spaces.",
		    IDEM_KEY_MAX, IDEM_KEY_MAX);
		dossier_err_render(r, w, &err);
		return;
	}
	if ((body = req_json_object(r, w)) == NULL)
		return;
	/* In the arena: it outlives this function when the answer is deferred. */
	if ((rs = arena_alloc(r->arena, sizeof(*rs))) == NULL) {
		json_decref(body);
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		return;
	}
	memset(rs, 0, sizeof(*rs));
	rs->x = x;
	rs->body = body;
	if (reception_prepare(rs, body, idem, r->body) == -1) {
		reception_answer(r, w, rs);
		return;
	}
	if (rs->bundle) {
		reception_run_bundle(rs, body);
		reception_answer(r, w, rs);
		return;
	}
	if (g == NULL) {
		reception_run_alone(rs);
		reception_answer(r, w, rs);
		return;
	}
	rs->group = g;
	rs->unit.run = reception_tx;
	rs->unit.done = reception_done;
	rs->unit.arg = rs;
	if ((rs->defer = http_defer(r, reception_finish, reception_cancel, rs)) != NULL) {
		/* The worker goes back to its other connections; the writer
		 * resumes this one after the COMMIT. */
		if (db_group_submit(g, &rs->unit) == -1) {
			rs->rc = DB_BUSY;
			reception_settle(rs);
			http_defer_resume(rs->defer);
		}
		return;
	}
	/* No deferral here (a thread per connection, or the server stopping):
	 * wait on this thread, still in the shared commit. */
	rs->rc = db_group_run(g, reception_tx, rs);
	reception_settle(rs);
	reception_answer(r, w, rs);
}

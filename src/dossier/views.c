/*
 * Loading and saving a dossier, the JSON every answer shares (the staff
 * view with documents, steps, history and allowed actions; the forms'
 * data), the history/outbox/audit writes of every change, and the staff
 * routes GET /api/v1/dossiers and GET /api/v1/dossiers/{code}.
 */
#include <stdlib.h>
#include <string.h>

#include "../audit/audit.h"
#include "../bundle/bundle.h"
#include "../core/config.h"
#include "dossier_int.h"

/* ---- load and save --------------------------------------------------------- */

static const char *
col_str(struct dossier_ctx *x, struct db_res *res, int col)
{
	return dossier_strdup(x, db_res_text(res, col));
}

static enum db_rc
load_steps(struct dossier_ctx *x, struct dossier *d)
{
	struct db_res *res = NULL;
	int64_t n = d->nsteps > 0 ? d->nsteps : 1;
	enum db_rc rc;
	int k;

	if ((d->steps = arena_alloc(x->arena, (size_t)n * sizeof(*d->steps))) == NULL)
		return DB_ERROR;
	if ((rc = db_exec(x->c, STMT_DOS_STEPS, (struct db_param[]){ DB_INT(d->id) }, 1, &res))
	    != DB_OK)
		return rc;
	while ((k = db_res_next(res)) == 1) {
		int64_t seq = db_res_int(res, 0);
		struct dossier_step *s;

		if (seq < 1 || seq > n)
			continue;
		s = &d->steps[seq - 1];
		s->seq = seq;
		s->name = col_str(x, res, 1);
		s->unit = col_str(x, res, 2);
		s->role = col_str(x, res, 3);
		s->hours = db_res_int(res, 4);
		s->started_at = db_res_int(res, 5);
		s->due_at = db_res_int(res, 6);
		s->finished_at = db_res_int(res, 7);
		s->result_class = col_str(x, res, 8);
		s->handler_id = db_res_int(res, 9);
	}
	rc = k < 0 ? db_res_rc(res) : DB_OK;
	db_res_free(res);
	for (int64_t i = 0; i < n; i++)
		if (d->steps[i].seq == 0) { /* defensive: a hole in the copy */
			d->steps[i].seq = i + 1;
			d->steps[i].name = d->steps[i].unit = d->steps[i].role = "";
			d->steps[i].result_class = "";
		}
	return rc;
}

enum db_rc
dossier_load(struct dossier_ctx *x, const char *code, struct dossier *d)
{
	struct db_param p[3];
	struct db_res *res = NULL;
	enum db_rc rc;
	int k;

	memset(d, 0, sizeof(*d));
	if (!dossier_code_valid(code))
		return DB_NOTFOUND;
	auth_scope_bind(&x->scope, p);
	p[2] = DB_TEXT(code);
	if ((rc = db_exec(x->c, STMT_DOS_GET_SCOPED, p, 3, &res)) != DB_OK)
		return rc;
	if ((k = db_res_next(res)) != 1) {
		rc = k == 0 ? DB_NOTFOUND : db_res_rc(res);
		db_res_free(res);
		return rc;
	}
	d->id = db_res_int(res, 0);
	d->version = db_res_int(res, 1);
	d->code = col_str(x, res, 2);
	d->lookup_key = col_str(x, res, 3);
	d->status = dossier_status_from(db_res_text(res, 4));
	d->channel = col_str(x, res, 5);
	d->agency_id = db_res_int(res, 6);
	d->lead_agency_id = db_res_int(res, 7);
	d->agency_code = col_str(x, res, 8);
	d->agency_name = col_str(x, res, 9);
	d->agency_address = col_str(x, res, 10);
	d->agency_phone = col_str(x, res, 11);
	d->lead_code = col_str(x, res, 12);
	d->lead_name = col_str(x, res, 13);
	d->procedure_id = db_res_int(res, 14);
	d->procedure_version_id = db_res_int(res, 15);
	d->procedure_version = db_res_int(res, 16);
	d->procedure_code = col_str(x, res, 17);
	d->procedure_name = col_str(x, res, 18);
	d->time_limit = db_res_int(res, 19);
	d->time_unit = col_str(x, res, 20);
	d->cutoff_minute = db_res_int(res, 21);
	d->applicant_name = col_str(x, res, 22);
	d->applicant_id_number = col_str(x, res, 23);
	d->applicant_phone = col_str(x, res, 24);
	d->applicant_email = col_str(x, res, 25);
	d->applicant_address = col_str(x, res, 26);
	d->return_method = col_str(x, res, 27);
	d->sets = db_res_int(res, 28);
	d->note = col_str(x, res, 29);
	d->created_at = db_res_int(res, 30);
	d->received_at = db_res_int(res, 31);
	d->legal_due_at = db_res_int(res, 32);
	d->due_at = db_res_int(res, 33);
	d->register_book = col_str(x, res, 34);
	d->register_seq = db_res_int(res, 35);
	d->step = db_res_int(res, 36);
	d->nsteps = db_res_int(res, 37);
	d->receiver_id = db_res_int(res, 38);
	d->assignee_id = db_res_int(res, 39);
	d->receiver_name = col_str(x, res, 40);
	d->assignee_name = col_str(x, res, 41);
	d->approved = db_res_int(res, 42);
	d->supplement_requests = db_res_int(res, 43);
	d->appraisal_supplements = db_res_int(res, 44);
	d->apologized_at = db_res_int(res, 45);
	d->apology_reason = col_str(x, res, 46);
	d->finished_at = db_res_int(res, 47);
	d->result_class = col_str(x, res, 48);
	d->returned_at = db_res_int(res, 49);
	d->closed_at = db_res_int(res, 50);
	d->due_soon_at = db_res_int(res, 51);
	d->overdue_at = db_res_int(res, 52);
	d->reason = col_str(x, res, 53);
	d->queue_key = db_res_int(res, 54);
	d->updated_at = db_res_int(res, 55);
	while (db_res_next(res) == 1)
		;
	db_res_free(res);
	if (d->status == DS__MAX)
		return DB_ERROR;
	return load_steps(x, d);
}

struct dossier_step *
dossier_step_at(struct dossier *d, int64_t seq)
{
	if (d->steps == NULL || seq < 1 || seq > d->nsteps)
		return NULL;
	return &d->steps[seq - 1];
}

int64_t
dossier_queue_key(const struct dossier *d)
{
	switch (d->status) {
	case DS_RECEIVED:
	case DS_PROCESSING:
	case DS_AWAITING_PAYMENT:
		return d->due_at != 0 ? d->due_at : d->created_at;
	case DS_SUBMITTED:
		return d->created_at;
	case DS_AWAITING_SUPPLEMENT:
		return DOS_BAND + d->created_at;
	case DS_RESULT_READY:
		return DOS_BAND + (d->finished_at ? d->finished_at : d->updated_at);
	default:
		return 3 * DOS_BAND - (d->closed_at ? d->closed_at : d->updated_at);
	}
}

static struct db_param
opt_int(int64_t v)
{
	return v != 0 ? DB_INT(v) : DB_NULL;
}

static struct db_param
opt_text(const char *s)
{
	return s != NULL && s[0] != '\0' ? DB_TEXT(s) : DB_NULL;
}

enum db_rc
dossier_save(struct dossier_ctx *x, const struct dossier *d)
{
	return db_exec(x->c, STMT_DOS_SAVE, (struct db_param[]){
	    DB_INT(d->id), DB_TEXT(dossier_status_name(d->status)), opt_int(d->received_at),
	    opt_int(d->legal_due_at), opt_int(d->due_at), opt_text(d->register_book),
	    opt_int(d->register_seq), DB_INT(d->step), opt_int(d->assignee_id),
	    DB_INT(d->approved), DB_INT(d->supplement_requests), DB_INT(d->appraisal_supplements),
	    opt_int(d->apologized_at), DB_TEXT(d->apology_reason ? d->apology_reason : ""),
	    opt_int(d->finished_at), opt_text(d->result_class), opt_int(d->returned_at),
	    opt_int(d->closed_at), opt_int(d->due_soon_at), opt_int(d->overdue_at),
	    DB_TEXT(d->reason ? d->reason : ""), DB_INT(d->queue_key), DB_INT(d->updated_at),
	    opt_int(d->lead_agency_id) }, 24, NULL);
}

/* ---- who acts -------------------------------------------------------------- */

const char *
dossier_actor_name(const struct dossier_ctx *x)
{
	const struct principal *p = x->who;

	if (p == NULL)
		return "Hệ thống";
	if (p->kind == PRINCIPAL_TOKEN)
		return p->name ? p->name : "API";
	return p->full_name && p->full_name[0] ? p->full_name : p->name ? p->name : "?";
}

int64_t
dossier_actor_id(const struct dossier_ctx *x)
{
	return x->who != NULL && x->who->kind == PRINCIPAL_USER ? x->who->id : 0;
}

/* ---- history, outbox, audit ------------------------------------------------- */

enum db_rc
dossier_outbox(struct dossier_ctx *x, const struct dossier *d, const char *type, json_t *extra)
{
	json_t *p = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o}", "event", type, "code", d->code,
	    "status", dossier_status_name(d->status), "at", dossier_time_json(x->now), "due_at",
	    dossier_time_json(d->due_at), "legal_due_at", dossier_time_json(d->legal_due_at));
	char *text;
	enum db_rc rc = DB_ERROR;

	if (p != NULL && extra != NULL)
		json_object_update(p, extra);
	json_decref(extra);
	text = p ? json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	if (text != NULL)
		rc = db_exec(x->c, STMT_DOS_OUTBOX_INSERT, (struct db_param[]){ DB_TEXT(type),
		    DB_INT(d->id), DB_TEXT(text), DB_INT(x->now) }, 4, NULL);
	free(text);
	json_decref(p);
	return rc;
}

enum db_rc
dossier_audit(struct dossier_ctx *x, const struct dossier *d, const char *action, json_t *detail)
{
	const struct principal *p = x->who;
	char *text = audit_detail_text(detail);
	const char *actor = "system";
	char object[64];
	struct audit_entry e;
	enum db_rc rc;

	if (p != NULL)
		actor = p->kind == PRINCIPAL_TOKEN ?
		    arena_printf(x->arena, "token:%s", p->name ? p->name : "") : p->name;
	snprintf(object, sizeof(object), "dossier:%s", d->code);
	e = (struct audit_entry){
		.at = x->now,
		.actor_id = dossier_actor_id(x),
		.actor = actor ? actor : "?",
		.agency_id = d->agency_id,
		.action = action,
		.object = object,
		.request_id = x->request_id ? x->request_id : "",
		.detail = text,
	};
	rc = text != NULL ? audit_append(x->c, &e, NULL) : DB_ERROR;
	free(text);
	json_decref(detail);
	return rc;
}

enum db_rc
dossier_record(struct dossier_ctx *x, struct dossier *d, const char *action,
    enum dossier_status from, const char *note)
{
	struct dossier_hand *h = &d->hand;
	const char *from_name = from < DS__MAX ? dossier_status_name(from) : "";
	char *detail = h->detail != NULL ? json_dumps(h->detail, JSON_COMPACT | JSON_SORT_KEYS) :
	    strdup("{}");
	char type[64];
	json_t *ad;
	enum db_rc rc = DB_ERROR;

	if (detail == NULL)
		goto out;
	rc = db_exec(x->c, STMT_DOS_HIST_INSERT, (struct db_param[]){
	    DB_INT(d->id), DB_INT(x->now), DB_TEXT(action), DB_TEXT(from_name),
	    DB_TEXT(dossier_status_name(d->status)), DB_INT(h->from_step), DB_INT(h->to_step),
	    DB_TEXT(h->from_unit ? h->from_unit : ""), DB_TEXT(h->to_unit ? h->to_unit : ""),
	    opt_int(dossier_actor_id(x)), DB_TEXT(dossier_actor_name(x)), opt_int(h->to_user_id),
	    DB_TEXT(h->to_user_name ? h->to_user_name : ""), opt_int(h->step_due_at),
	    opt_text(h->result_class), DB_TEXT(note && note[0] ? note : (h->reason ? h->reason : "")),
	    DB_TEXT(detail) }, 17, NULL);
	if (rc != DB_OK)
		goto out;
	snprintf(type, sizeof(type), "dossier.%s", action);
	if ((rc = dossier_outbox(x, d, type, json_pack("{s:s, s:s}", "action", action,
	    "from_status", from_name))) != DB_OK)
		goto out;
	ad = json_pack("{s:s, s:s, s:I, s:I, s:I}", "from", from_name, "to",
	    dossier_status_name(d->status), "version", (json_int_t)d->version, "from_step",
	    (json_int_t)h->from_step, "to_step", (json_int_t)h->to_step);
	if (h->detail != NULL)
		json_object_set(ad, "detail", h->detail);
	if (h->reason != NULL)
		json_object_set_new(ad, "reason", json_string(h->reason));
	rc = dossier_audit(x, d, type, ad);
out:
	free(detail);
	json_decref(h->detail);
	h->detail = NULL;
	return rc;
}

/* ---- JSON ------------------------------------------------------------------ */

static json_t *
jstr(const char *s)
{
	json_t *j = json_string(s ? s : "");

	return j ? j : json_string("");
}

const char *
dossier_class_label(const char *cls, int en)
{
	static const char *const vi[] = { "Trước hạn", "Đúng hạn", "Quá hạn" };
	static const char *const eng[] = { "Early", "On time", "Late" };

	for (int i = 0; i < CALENDAR_CLASS__MAX; i++)
		if (cls != NULL && strcmp(cls, calendar_class_name((enum calendar_class)i)) == 0)
			return en ? eng[i] : vi[i];
	return NULL;
}

static json_t *
class_json(const char *cls, int en)
{
	const char *label = dossier_class_label(cls, en);

	return label != NULL ? json_pack("{s:s, s:s}", "code", cls, "label", label) : json_null();
}

static const char *
limit_text(struct dossier_ctx *x, const struct dossier *d)
{
	if (strcmp(d->time_unit, "hour") == 0)
		return arena_printf(x->arena, x->en ? "%lld working hours" : "%lld giờ làm việc",
		    (long long)d->time_limit);
	if (d->time_limit == 0)
		return x->en ? "the same working day" : "trong ngày làm việc";
	return arena_printf(x->arena, x->en ? "%lld working days" : "%02lld ngày làm việc",
	    (long long)d->time_limit);
}

static json_t *
agency_json(const char *code, const char *name)
{
	if (code == NULL || code[0] == '\0')
		return json_null();
	return json_pack("{s:s, s:s}", "code", code, "name", name ? name : "");
}

static json_t *
register_no_json(struct dossier_ctx *x, const struct dossier *d)
{
	if (d->register_seq == 0)
		return json_null();
	return jstr(arena_printf(x->arena, "%lld/%s", (long long)d->register_seq,
	    d->register_book));
}

static enum db_rc
documents_json(struct dossier_ctx *x, const struct dossier *d, json_t **out)
{
	struct db_res *res = NULL;
	json_t *a = json_array();
	enum db_rc rc;
	int k;

	*out = a;
	if ((rc = db_exec(x->c, STMT_DOS_DOCS, (struct db_param[]){ DB_INT(d->id) }, 1, &res)) !=
	    DB_OK)
		return rc;
	while ((k = db_res_next(res)) == 1)
		json_array_append_new(a, json_pack("{s:I, s:s, s:I, s:I, s:o}", "seq",
		    (json_int_t)db_res_int(res, 0), "name", db_res_text(res, 1), "originals",
		    (json_int_t)db_res_int(res, 2), "copies", (json_int_t)db_res_int(res, 3),
		    "added_at", dossier_time_json(db_res_int(res, 4))));
	rc = k < 0 ? db_res_rc(res) : DB_OK;
	db_res_free(res);
	return rc;
}

static enum db_rc
supplements_json(struct dossier_ctx *x, const struct dossier *d, json_t **out)
{
	struct db_res *res = NULL;
	json_t *a = json_array();
	enum db_rc rc;
	int k;

	*out = a;
	if ((rc = db_exec(x->c, STMT_DOS_SUPPS, (struct db_param[]){ DB_INT(d->id) }, 1, &res)) !=
	    DB_OK)
		return rc;
	while ((k = db_res_next(res)) == 1) {
		json_t *items = json_loads(db_res_text(res, 4), 0, NULL);

		json_array_append_new(a, json_pack("{s:I, s:s, s:o, s:s, s:o, s:s, s:o}", "seq",
		    (json_int_t)db_res_int(res, 0), "phase", db_res_text(res, 1), "requested_at",
		    dossier_time_json(db_res_int(res, 2)), "requested_by", db_res_text(res, 3),
		    "items", items ? items : json_array(), "note", db_res_text(res, 5),
		    "fulfilled_at", dossier_time_json(db_res_int(res, 6))));
	}
	rc = k < 0 ? db_res_rc(res) : DB_OK;
	db_res_free(res);
	return rc;
}

/* The history; with public = 1 only what the lookup may show (no persons,
 * no notes, no detail). */
static enum db_rc
history_json(struct dossier_ctx *x, const struct dossier *d, int public, json_t **out)
{
	struct db_res *res = NULL;
	json_t *a = json_array();
	enum db_rc rc;
	int k;

	*out = a;
	if ((rc = db_exec(x->c, STMT_DOS_HISTORY, (struct db_param[]){ DB_INT(d->id) }, 1, &res))
	    != DB_OK)
		return rc;
	while ((k = db_res_next(res)) == 1) {
		enum dossier_action act = dossier_action_from(db_res_text(res, 2));
		enum dossier_status to = dossier_status_from(db_res_text(res, 4));
		const char *label = act != DA__MAX ? dossier_action_label(act, x->en) :
		    (x->en ? "Submitted online" : "Nộp hồ sơ trực tuyến");
		json_t *h = json_pack("{s:I, s:o, s:s, s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:o, s:o}",
		    "seq", (json_int_t)db_res_int(res, 0), "at", dossier_time_json(db_res_int(res, 1)),
		    "action", db_res_text(res, 2), "action_label", label, "status",
		    db_res_text(res, 4), "status_label", dossier_status_label(to, x->en),
		    "from_step", (json_int_t)db_res_int(res, 5), "to_step",
		    (json_int_t)db_res_int(res, 6), "from_unit", db_res_text(res, 7), "to_unit",
		    db_res_text(res, 8), "step_due_at", dossier_time_json(db_res_int(res, 13)),
		    "result", class_json(db_res_text(res, 14), x->en));

		if (!public) {
			json_t *det = json_loads(db_res_text(res, 16), 0, NULL);

			json_object_set_new(h, "from_status", jstr(db_res_text(res, 3)));
			json_object_set_new(h, "actor", json_pack("{s:o, s:s}", "id",
			    db_res_int(res, 9) ? json_integer(db_res_int(res, 9)) : json_null(), "name",
			    db_res_text(res, 10)));
			json_object_set_new(h, "to_user", db_res_int(res, 11) || db_res_text(res, 12)[0] ?
			    json_pack("{s:o, s:s}", "id", db_res_int(res, 11) ?
			    json_integer(db_res_int(res, 11)) : json_null(), "name",
			    db_res_text(res, 12)) : json_null());
			json_object_set_new(h, "note", jstr(db_res_text(res, 15)));
			json_object_set_new(h, "detail", det ? det : json_object());
		}
		json_array_append_new(a, h);
	}
	rc = k < 0 ? db_res_rc(res) : DB_OK;
	db_res_free(res);
	return rc;
}

static json_t *
steps_json(struct dossier_ctx *x, const struct dossier *d)
{
	json_t *a = json_array();

	for (int64_t i = 0; d->steps != NULL && i < d->nsteps; i++) {
		const struct dossier_step *s = &d->steps[i];

		json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:s, s:I, s:o, s:o, s:o, s:o, "
		    "s:b}", "seq", (json_int_t)s->seq, "name", s->name, "unit", s->unit, "role",
		    s->role, "hours", (json_int_t)s->hours, "started_at",
		    dossier_time_json(s->started_at), "due_at", dossier_time_json(s->due_at),
		    "finished_at", dossier_time_json(s->finished_at), "result",
		    class_json(s->result_class, x->en), "current", s->seq == d->step));
	}
	return a;
}

static const char *
return_place(struct dossier_ctx *x, const struct dossier *d)
{
	if (strcmp(d->return_method, "post") == 0)
		return arena_printf(x->arena, "Qua dịch vụ bưu chính công ích đến địa chỉ: %s",
		    d->applicant_address[0] ? d->applicant_address : "(chưa ghi địa chỉ)");
	if (strcmp(d->return_method, "online") == 0)
		return "Trực tuyến trên Cổng Dịch vụ công";
	return arena_printf(x->arena, "Bộ phận Một cửa – %s%s%s", d->agency_name,
	    d->agency_address[0] ? ", " : "", d->agency_address);
}

static json_t *
applicant_json(const struct dossier *d, int with_id)
{
	json_t *a = json_pack("{s:s, s:s, s:s, s:s}", "name", d->applicant_name, "address",
	    d->applicant_address, "phone", d->applicant_phone, "email", d->applicant_email);

	if (with_id)
		json_object_set_new(a, "id_number", jstr(d->applicant_id_number));
	return a;
}

/* The latest reception-phase supplement request, for Mẫu 02. */
static json_t *
reception_request(json_t *supps)
{
	json_t *best = NULL, *s;
	size_t i;

	json_array_foreach(supps, i, s)
		if (strcmp(json_string_value(json_object_get(s, "phase")), "reception") == 0)
			best = s;
	return best;
}

enum db_rc
dossier_receipt_json(struct dossier_ctx *x, struct dossier *d, json_t **out)
{
	json_t *docs = NULL, *supps = NULL;
	enum db_rc rc;

	*out = NULL;
	if ((rc = documents_json(x, d, &docs)) == DB_OK &&
	    (rc = supplements_json(x, d, &supps)) == DB_OK &&
	    (*out = dossier_receipt_build(x, d, docs, supps)) == NULL)
		rc = DB_ERROR;
	json_decref(docs);
	json_decref(supps);
	return rc;
}

json_t *
dossier_receipt_build(struct dossier_ctx *x, struct dossier *d, json_t *docs, json_t *supps)
{
	json_t *r, *req;

	r = json_pack("{s:o, s:s, s:o, s:s, s:s}", "agency", json_pack("{s:s, s:s, s:s, s:s}",
	    "code", d->agency_code, "name", d->agency_name, "address", d->agency_address, "phone",
	    d->agency_phone), "code", d->code, "applicant", applicant_json(d, 0), "request",
	    d->procedure_name, "procedure_code", d->procedure_code);
	if (d->received_at != 0) {
		/* Mẫu 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả. */
		json_object_update_new(r, json_pack("{s:s, s:s, s:s, s:O, s:I, s:o, s:o, s:s, s:o, "
		    "s:s, s:s, s:s, s:o, s:o, s:s, s:i}",
		    "form", "01", "title", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "lookup_key",
		    d->lookup_key, "documents", docs, "sets", (json_int_t)d->sets, "time_limit",
		    json_pack("{s:I, s:s, s:s}", "value", (json_int_t)d->time_limit, "unit",
		    d->time_unit, "text", limit_text(x, d)), "received_at",
		    dossier_time_json(d->received_at), "received_at_text",
		    dossier_time_text(x->arena, d->received_at), "due_at",
		    dossier_time_json(d->legal_due_at), "due_at_text",
		    dossier_time_text(x->arena, d->legal_due_at), "return_method", d->return_method, "return_place", return_place(x, d),
		    "register", d->register_seq ? json_pack("{s:s, s:I}", "book", d->register_book,
		    "number", (json_int_t)d->register_seq) : json_null(), "register_no",
		    register_no_json(x, d), "receiver", d->receiver_name, "copies", 2));
	} else if (d->status == DS_REFUSED) {
		/* Mẫu 03: Phiếu từ chối tiếp nhận giải quyết hồ sơ. */
		json_object_update_new(r, json_pack("{s:s, s:s, s:s, s:o, s:o, s:s}", "form", "03",
		    "title", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", "reason", d->reason,
		    "issued_at", dossier_time_json(d->closed_at), "issued_at_text",
		    jstr(dossier_time_text(x->arena, d->closed_at)), "officer",
		    d->receiver_name[0] ? d->receiver_name : ""));
	} else if ((req = reception_request(supps)) != NULL) {
		int64_t issued = 0;

		/* Mẫu 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ. */
		if (time_parse_iso(json_string_value(json_object_get(req, "requested_at")), &issued)
		    == -1)
			issued = d->created_at;
		json_object_update_new(r, json_pack("{s:s, s:s, s:O, s:O, s:O, s:O, s:o, s:s, s:s}",
		    "form", "02", "title", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", "items",
		    json_object_get(req, "items"), "note", json_object_get(req, "note"), "issued_at",
		    json_object_get(req, "requested_at"), "officer",
		    json_object_get(req, "requested_by"), "issued_at_text",
		    jstr(dossier_time_text(x->arena, issued)), "contact", d->agency_phone,
		    "lookup_key", d->lookup_key));
	} else {
		/* Submitted online, not yet decided: no form. */
		json_decref(r);
		r = json_null();
	}
	return r;
}

/* Mẫu 04 (Phiếu xin lỗi và hẹn lại ngày trả kết quả) when an apology was
 * given: to the applicant; received on, code, request, the due time the
 * receipt promised (the legal one: an apology never moves it); the reason;
 * the new due time; the agency whose head signs — the deciding agency, the
 * desk when there is none — and the official who recorded it (from the
 * history, hist as history_json built it). */
static json_t *
apology_json(struct dossier_ctx *x, const struct dossier *d, json_t *hist)
{
	const char *officer = "";
	json_t *h, *o;
	size_t i;

	if (d->apologized_at == 0)
		return json_null();
	json_array_foreach(hist, i, h)
		if (strcmp(json_string_value(json_object_get(h, "action")), "apologize") == 0)
			officer = json_string_value(json_object_get(json_object_get(h, "actor"),
			    "name"));
	o = json_pack("{s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:o, s:s, s:o, s:s}",
	    "form", "04", "title", "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", "issued_at",
	    dossier_time_json(d->apologized_at), "issued_at_text",
	    dossier_time_text(x->arena, d->apologized_at), "code", d->code, "request",
	    d->procedure_name, "procedure_code", d->procedure_code, "received_at",
	    dossier_time_json(d->received_at), "received_at_text",
	    dossier_time_text(x->arena, d->received_at), "original_due_at",
	    dossier_time_json(d->legal_due_at), "original_due_at_text",
	    dossier_time_text(x->arena, d->legal_due_at));
	json_object_update_new(o, json_pack("{s:s, s:o, s:s, s:s, s:o, s:o, s:o, s:s}",
	    "reason", d->apology_reason, "new_due_at", dossier_time_json(d->due_at),
	    "new_due_at_text", dossier_time_text(x->arena, d->due_at), "time_limit",
	    limit_text(x, d), "applicant", applicant_json(d, 0), "agency",
	    d->lead_code[0] ? agency_json(d->lead_code, d->lead_name) :
	    agency_json(d->agency_code, d->agency_name), "desk", agency_json(d->agency_code,
	    d->agency_name), "officer", officer ? officer : ""));
	return o;
}

enum db_rc
dossier_json(struct dossier_ctx *x, struct dossier *d, json_t **out)
{
	json_t *o, *docs = NULL, *supps = NULL, *hist = NULL, *receipt = NULL;
	const struct dossier_step *cur = dossier_step_at(d, d->step);
	int overdue = dossier_status_clock_runs(d->status) && d->due_at != 0 && x->now > d->due_at;
	enum db_rc rc;

	*out = NULL;
	if ((rc = documents_json(x, d, &docs)) != DB_OK ||
	    (rc = supplements_json(x, d, &supps)) != DB_OK ||
	    (rc = history_json(x, d, 0, &hist)) != DB_OK ||
	    (rc = dossier_receipt_json(x, d, &receipt)) != DB_OK) {
		json_decref(docs);
		json_decref(supps);
		json_decref(hist);
		return rc;
	}
	o = json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:o, s:o, s:o, s:o}",
	    "code", d->code, "status", dossier_status_name(d->status), "status_label",
	    dossier_status_label(d->status, x->en), "version", (json_int_t)d->version, "channel",
	    d->channel, "lookup_key", d->lookup_key, "procedure",
	    json_pack("{s:s, s:s, s:I, s:o}", "code", d->procedure_code, "name", d->procedure_name,
	    "version", (json_int_t)d->procedure_version, "time_limit", json_pack("{s:I, s:s, s:s}",
	    "value", (json_int_t)d->time_limit, "unit", d->time_unit, "text", limit_text(x, d))),
	    "agency", agency_json(d->agency_code, d->agency_name), "lead_agency",
	    agency_json(d->lead_code, d->lead_name), "applicant", applicant_json(d, 1));
	json_object_update_new(o, json_pack("{s:s, s:I, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
	    "return_method", d->return_method, "sets", (json_int_t)d->sets, "note", d->note,
	    "created_at", dossier_time_json(d->created_at), "received_at",
	    dossier_time_json(d->received_at), "due_at", dossier_time_json(d->due_at),
	    "legal_due_at", dossier_time_json(d->legal_due_at), "register",
	    d->register_seq ? json_pack("{s:s, s:I}", "book", d->register_book, "number",
	    (json_int_t)d->register_seq) : json_null(), "register_no", register_no_json(x, d),
	    "current_step", cur ? json_pack("{s:I, s:s, s:s, s:s, s:o, s:o}", "seq",
	    (json_int_t)cur->seq, "name", cur->name, "unit", cur->unit, "role", cur->role,
	    "started_at", dossier_time_json(cur->started_at), "due_at",
	    dossier_time_json(cur->due_at)) : json_null()));
	json_object_update_new(o, json_pack("{s:I, s:o, s:o, s:b, s:I, s:I, s:o, s:o, s:o, s:o, s:o}",
	    "nsteps", (json_int_t)d->nsteps, "receiver", d->receiver_id ? json_pack("{s:I, s:s}",
	    "id", (json_int_t)d->receiver_id, "name", d->receiver_name) : json_null(), "assignee",
	    d->assignee_id ? json_pack("{s:I, s:s}", "id", (json_int_t)d->assignee_id, "name",
	    d->assignee_name) : json_null(), "approved", (int)d->approved, "supplement_requests",
	    (json_int_t)d->supplement_requests, "appraisal_supplements",
	    (json_int_t)d->appraisal_supplements, "finished_at", dossier_time_json(d->finished_at),
	    "result", class_json(d->result_class, x->en), "returned_at",
	    dossier_time_json(d->returned_at), "closed_at", dossier_time_json(d->closed_at),
	    "apology", apology_json(x, d, hist)));
	json_object_update_new(o, json_pack("{s:o, s:o, s:b, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
	    "due_soon_at", dossier_time_json(d->due_soon_at), "overdue_at",
	    dossier_time_json(d->overdue_at), "overdue", overdue, "reason", d->reason, "documents",
	    docs, "steps", steps_json(x, d), "supplements", supps, "history", hist, "receipt",
	    receipt, "allowed_actions", dossier_allowed_json(x, d), "updated_at",
	    dossier_time_json(d->updated_at)));
	if (o != NULL && (rc = bundle_json_extend(x, d, o, 0)) != DB_OK) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return o != NULL ? DB_OK : DB_ERROR;
}

enum db_rc
dossier_public_json(struct dossier_ctx *x, struct dossier *d, json_t **out)
{
	json_t *hist = NULL;
	const struct dossier_step *cur = dossier_step_at(d, d->step);
	const char *current;
	enum db_rc rc;

	*out = NULL;
	if ((rc = history_json(x, d, 1, &hist)) != DB_OK) {
		json_decref(hist);
		return rc;
	}
	switch (d->status) {
	case DS_PROCESSING:
	case DS_AWAITING_PAYMENT:
		current = d->lead_name[0] ? d->lead_name : d->agency_name;
		break;
	default:
		current = d->agency_name;
	}
	*out = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:o, s:b, s:o, s:o, "
	    "s:o}",
	    "code", d->code, "status", dossier_status_name(d->status), "status_label",
	    dossier_status_label(d->status, x->en), "procedure", json_pack("{s:s, s:s}", "code",
	    d->procedure_code, "name", d->procedure_name), "submitted_at",
	    dossier_time_json(d->created_at), "received_at", dossier_time_json(d->received_at),
	    "due_at", dossier_time_json(d->due_at), "agency", agency_json(d->agency_code,
	    d->agency_name), "lead_agency", agency_json(d->lead_code, d->lead_name),
	    "current_agency", current, "current_step", cur && !dossier_status_terminal(d->status) ?
	    json_pack("{s:I, s:s, s:s}", "seq", (json_int_t)cur->seq, "name", cur->name, "unit",
	    cur->unit) : json_null(), "result_ready",
	    d->status == DS_RESULT_READY || d->status == DS_RETURNED, "returned_at",
	    dossier_time_json(d->returned_at), "result", class_json(d->result_class, x->en),
	    "timeline", hist);
	if (*out != NULL && (rc = bundle_json_extend(x, d, *out, 1)) != DB_OK) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	return *out != NULL ? DB_OK : DB_ERROR;
}

/* ---- HTTP: context and staff routes ------------------------------------------ */

int
dossier_ctx_staff(struct req *r, struct resp *w, struct dossier_ctx *x)
{
	struct scoped s;

	memset(x, 0, sizeof(*x));
	if (auth_scoped(r, w, &s) == -1)
		return -1;
	x->c = s.conn;
	x->who = s.who;
	x->scope = s.scope;
	x->cal = APP(r)->cal;
	x->now = clock_now();
	x->request_id = r->request_id;
	x->arena = r->arena;
	x->en = r->lang != NULL && strcmp(r->lang, "en") == 0;
	return 0;
}

int
dossier_ctx_public(struct req *r, struct resp *w, struct dossier_ctx *x)
{
	memset(x, 0, sizeof(*x));
	if ((x->c = app_conn(r, w)) == NULL)
		return -1;
	x->scope.all = 1; /* the key is the authorisation; see lookup.c */
	x->cal = APP(r)->cal;
	x->now = clock_now();
	x->request_id = r->request_id;
	x->arena = r->arena;
	x->en = r->lang != NULL && strcmp(r->lang, "en") == 0;
	return 0;
}

int
dossier_detail(struct dossier_ctx *x, const char *code, void **outp, struct dossier_err *err)
{
	struct dossier d;
	json_t *out = NULL;
	enum db_rc rc;

	*outp = NULL;
	if ((rc = dossier_load(x, code, &d)) == DB_NOTFOUND) {
		dossier_err_set(err, PROB_NOT_FOUND, "Không tìm thấy hồ sơ %s.", "No dossier %s.",
		    code, code);
		return -1;
	}
	if (rc != DB_OK || dossier_json(x, &d, &out) != DB_OK) {
		dossier_err_set(err, PROB_UNAVAILABLE, "Không đọc được hồ sơ.",
		    "Could not read the dossier.");
		return -1;
	}
	*outp = out;
	return 0;
}

void
dossier_http_get(struct req *r, struct resp *w)
{
	struct dossier_ctx x;
	struct dossier_err err;
	void *out;

	memset(&err, 0, sizeof(err));
	if (dossier_ctx_staff(r, w, &x) == -1)
		return;
	if (dossier_detail(&x, req_param(r, "code"), &out, &err) == -1) {
		dossier_err_render(r, w, &err);
		return;
	}
	resp_json(w, 200, out);
	resp_header(w, "Cache-Control", "no-store");
}

/* Vietnam midnight of a YYYY-MM-DD date (+ days). */
static int
day_start(const char *s, int plus, int64_t *out)
{
	struct civil c = { 0 };
	int64_t days;

	if (time_parse_date(s, &c.year, &c.month, &c.day) == -1)
		return -1;
	days = time_days_from_civil(c.year, c.month, c.day) + plus;
	time_civil_from_days(days, &c.year, &c.month, &c.day);
	*out = time_from_vn(&c);
	return 0;
}

/* The status filter "a,b" (or "open") as ",a,b,"; -1 on an unknown name. */
static int
status_filter(struct dossier_ctx *x, const char *s, const char **out)
{
	struct buf b;
	int ok = 0;

	*out = "";
	if (s == NULL || s[0] == '\0')
		return 0;
	buf_init(&b, 512);
	buf_putc(&b, ',');
	if (strcmp(s, "open") == 0) {
		for (int i = 0; i < DS__MAX; i++)
			if (!dossier_status_terminal((enum dossier_status)i))
				buf_printf(&b, "%s,", dossier_status_name((enum dossier_status)i));
		ok = 1;
	} else {
		const char *p = s;

		ok = 1;
		while (ok && *p != '\0') {
			size_t n = strcspn(p, ",");
			char name[32];

			if (n == 0 || n >= sizeof(name)) {
				ok = 0;
				break;
			}
			memcpy(name, p, n);
			name[n] = '\0';
			if (dossier_status_from(name) == DS__MAX)
				ok = 0;
			buf_printf(&b, "%s,", name);
			p += n;
			if (*p == ',')
				p++;
		}
	}
	if (ok && !b.overflow && b.data != NULL)
		*out = dossier_strdup(x, b.data);
	buf_free(&b);
	return ok && (*out)[0] != '\0' ? 0 : -1;
}

void
dossier_http_list(struct req *r, struct resp *w)
{
	struct dossier_ctx x;
	struct dossier_err err;
	const char *status = "", *q, *channel = "";
	int64_t agency = 0, proc = 0, assignee = 0, from = 0, to = 0, limit = DOS_LIST_DEFAULT;
	int64_t ck = -1, cid = 0, horizon = 0, last_k = 0, last_id = 0, fetched = 0;
	int overdue = 0, due_soon = 0, waiting = 0, k;
	int64_t *wait_ids;
	size_t nwait = 0;
	struct db_param p[17];
	struct db_res *res = NULL;
	json_t *items;
	char cur[48];

	memset(&err, 0, sizeof(err));
	if (dossier_ctx_staff(r, w, &x) == -1)
		return;
	if (status_filter(&x, req_query(r, "status"), &status) == -1)
		dossier_err_param(&err, "status", "Cần trạng thái hồ sơ (submitted, received, "
		    "processing, ...), danh sách cách nhau bởi dấu phẩy, hoặc open.",
		    "Must be dossier statuses (submitted, received, processing, ...) separated by "
		    "commas, or open.");
	if ((q = req_query(r, "agency")) != NULL) {
		struct db_res *ar = NULL;

		if (db_exec(x.c, STMT_DOS_AGENCY_BY_CODE, (struct db_param[]){ DB_TEXT(q) }, 1, &ar)
		    == DB_OK && db_res_next(ar) == 1)
			agency = db_res_int(ar, 0);
		else
			dossier_err_param(&err, "agency", "Không có cơ quan mã này.", "No such agency.");
		db_res_free(ar);
	}
	if ((q = req_query(r, "procedure")) != NULL &&
	    db_scalar_int(x.c, STMT_DOS_PROC_ID, (struct db_param[]){ DB_TEXT(q) }, 1, &proc) !=
	    DB_OK)
		dossier_err_param(&err, "procedure", "Không có thủ tục mã này.", "No such procedure.");
	if ((q = req_query(r, "channel")) != NULL) {
		if (strcmp(q, "counter") != 0 && strcmp(q, "post") != 0 && strcmp(q, "online") != 0)
			dossier_err_param(&err, "channel", "Cần counter, post hoặc online.",
			    "Must be counter, post or online.");
		channel = q;
	}
	if ((q = req_query(r, "assigned")) != NULL) {
		if (strcmp(q, "me") != 0 || dossier_actor_id(&x) == 0)
			dossier_err_param(&err, "assigned", "Chỉ hỗ trợ assigned=me (tài khoản cán bộ).",
			    "Only assigned=me (a staff account) is supported.");
		assignee = dossier_actor_id(&x);
	}
	if ((q = req_query(r, "overdue")) != NULL) {
		if (strcmp(q, "1") != 0 && strcmp(q, "0") != 0)
			dossier_err_param(&err, "overdue", "Cần 0 hoặc 1.", "Must be 0 or 1.");
		overdue = strcmp(q, "1") == 0;
	}
	if ((q = req_query(r, "due_soon")) != NULL) {
		if (strcmp(q, "1") != 0 && strcmp(q, "0") != 0)
			dossier_err_param(&err, "due_soon", "Cần 0 hoặc 1.", "Must be 0 or 1.");
		due_soon = strcmp(q, "1") == 0;
	}
	/* Components of a bundle that wait for their predecessors: 1 = only
	 * those, 0 = all but those (absent = both, each marked). */
	if ((q = req_query(r, "waiting")) != NULL) {
		if (strcmp(q, "1") != 0 && strcmp(q, "0") != 0)
			dossier_err_param(&err, "waiting", "Cần 0 hoặc 1.", "Must be 0 or 1.");
		waiting = strcmp(q, "1") == 0 ? 1 : 2;
	}
	if ((q = req_query(r, "received_from")) != NULL && day_start(q, 0, &from) == -1)
		dossier_err_param(&err, "received_from", "Cần ngày dạng YYYY-MM-DD.",
		    "Must be a YYYY-MM-DD date.");
	if ((q = req_query(r, "received_to")) != NULL && day_start(q, 1, &to) == -1)
		dossier_err_param(&err, "received_to", "Cần ngày dạng YYYY-MM-DD.",
		    "Must be a YYYY-MM-DD date.");
	if ((q = req_query(r, "limit")) != NULL && str_to_i64(q, 1, DOS_LIST_MAX, &limit) == -1)
		dossier_err_param(&err, "limit", "Cần số nguyên từ 1 đến %d.",
		    "Must be an integer from 1 to %d.", DOS_LIST_MAX, DOS_LIST_MAX);
	if ((q = req_query(r, "cursor")) != NULL) {
		char a[24];
		const char *dot = strchr(q, '.');

		if (dot == NULL || (size_t)(dot - q) >= sizeof(a) ||
		    (memcpy(a, q, (size_t)(dot - q)), a[dot - q] = '\0',
		    str_to_i64(a, -1, INT64_MAX, &ck)) == -1 ||
		    str_to_i64(dot + 1, 0, INT64_MAX, &cid) == -1)
			dossier_err_param(&err, "cursor", "Con trỏ trang không hợp lệ.",
			    "Invalid page cursor.");
	}
	if (err.n > 0) {
		dossier_err_render(r, w, &err);
		return;
	}
	if (due_soon) {
		int64_t hours = (dossier_workday_seconds(x.cal) + 3599) / 3600;

		if (x.cal == NULL || calendar_due(x.cal, x.now, CALENDAR_HOURS, (int)hours, 1440,
		    &horizon) == -1)
			horizon = x.now + 86400;
	}
	auth_scope_bind(&x.scope, p);
	p[2] = DB_TEXT(status);
	p[3] = DB_INT(agency);
	p[4] = DB_INT(proc);
	p[5] = DB_TEXT(channel);
	p[6] = DB_INT(assignee);
	p[7] = DB_INT(overdue);
	p[8] = DB_INT(x.now);
	p[9] = DB_INT(due_soon);
	p[10] = DB_INT(horizon);
	p[11] = DB_INT(from);
	p[12] = DB_INT(to);
	p[13] = DB_INT(ck);
	p[14] = DB_INT(cid);
	p[15] = DB_INT(limit);
	p[16] = DB_INT(waiting);
	wait_ids = arena_alloc(x.arena, (size_t)limit * sizeof(*wait_ids));
	if (db_exec(x.c, STMT_DOS_LIST_SCOPED, p, 17, &res) != DB_OK) {
		resp_problem(w, r, PROB_UNAVAILABLE, NULL, NULL);
		return;
	}
	items = json_array();
	while ((k = db_res_next(res)) == 1) {
		enum dossier_status st = dossier_status_from(db_res_text(res, 1));
		int64_t due = db_res_int(res, 8);
		int runs = dossier_status_clock_runs(st);

		fetched++;
		last_k = db_res_int(res, 24);
		last_id = db_res_int(res, 25);
		/* Pages are cut on the stored order; the due-soon filter is
		 * refined here against the calendar (a page may be short). */
		if (due_soon && x.cal != NULL &&
		    calendar_due_within_one_workday(x.cal, x.now, due) != 1)
			continue;
		json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s}, s:s, "
		    "s:o, s:o, s:o, s:o}", "code", db_res_text(res, 0), "status", db_res_text(res, 1),
		    "status_label", dossier_status_label(st, x.en), "channel", db_res_text(res, 2),
		    "procedure", "code", db_res_text(res, 3), "name", db_res_text(res, 4),
		    "applicant_name", db_res_text(res, 5), "created_at",
		    dossier_time_json(db_res_int(res, 6)), "received_at",
		    dossier_time_json(db_res_int(res, 7)), "due_at", dossier_time_json(due),
		    "legal_due_at", dossier_time_json(db_res_int(res, 9))));
		json_object_update_new(json_array_get(items, json_array_size(items) - 1),
		    json_pack("{s:I, s:I, s:o, s:o, s:o, s:o, s:b, s:b, s:b, s:o, s:I}",
		    "step", (json_int_t)db_res_int(res, 10), "nsteps", (json_int_t)db_res_int(res, 11),
		    "current_step", db_res_int(res, 10) ? json_pack("{s:s, s:s, s:o}", "name",
		    db_res_text(res, 12), "unit", db_res_text(res, 13), "due_at",
		    dossier_time_json(db_res_int(res, 14))) : json_null(), "agency",
		    agency_json(db_res_text(res, 15), db_res_text(res, 16)), "lead_agency",
		    agency_json(db_res_text(res, 17), db_res_text(res, 18)), "assignee",
		    db_res_int(res, 19) ? json_pack("{s:I, s:s}", "id", (json_int_t)db_res_int(res, 19),
		    "name", db_res_text(res, 20)) : json_null(), "overdue", runs && due != 0 &&
		    x.now > due, "due_soon", runs && due != 0 && x.cal != NULL &&
		    calendar_due_within_one_workday(x.cal, x.now, due) == 1, "apologized",
		    db_res_int(res, 21) != 0, "result", class_json(db_res_text(res, 22), x.en),
		    "version", (json_int_t)db_res_int(res, 23)));
		if (db_res_int(res, 28) != 0) {
			json_t *o = json_array_get(items, json_array_size(items) - 1);

			json_object_set_new(o, "waiting", json_true());
			json_object_set_new(o, "status_label", json_string(x.en ?
			    "Waiting for a predecessor" : "Đang chờ thủ tục trước"));
			if (wait_ids != NULL && nwait < (size_t)limit)
				wait_ids[nwait++] = db_res_int(res, 25);
		} else
			json_object_set_new(json_array_get(items, json_array_size(items) - 1),
			    "waiting", json_false());
	}
	db_res_free(res);
	if (k < 0) {
		json_decref(items);
		resp_problem(w, r, PROB_UNAVAILABLE, NULL, NULL);
		return;
	}
	/* What each waiting component waits for (after the page is read: one
	 * statement at a time on the connection). */
	for (size_t i = 0, j = 0; i < json_array_size(items) && j < nwait; i++) {
		json_t *o = json_array_get(items, i), *wf;

		if (!json_is_true(json_object_get(o, "waiting")))
			continue;
		if ((wf = bundle_waiting_for(x.c, wait_ids[j++], x.en)) == NULL) {
			json_decref(items);
			resp_problem(w, r, PROB_UNAVAILABLE, NULL, NULL);
			return;
		}
		json_object_set_new(o, "waiting_for", wf);
	}
	snprintf(cur, sizeof(cur), "%lld.%lld", (long long)last_k, (long long)last_id);
	resp_json(w, 200, json_pack("{s:o, s:o}", "items", items, "next_cursor",
	    fetched == limit ? json_string(cur) : json_null()));
	resp_header(w, "Cache-Control", "no-store");
}

/* ---- the action route --------------------------------------------------------- */

void
dossier_http_action(struct req *r, struct resp *w)
{
	struct dossier_ctx x;
	struct dossier_err err;
	json_t *body;
	void *out;

	memset(&err, 0, sizeof(err));
	if (dossier_ctx_staff(r, w, &x) == -1)
		return;
	if ((body = req_json_object(r, w)) == NULL)
		return;
	if (dossier_act(&x, req_param(r, "code"), body, &out, &err) == -1)
		dossier_err_render(r, w, &err);
	else {
		resp_json(w, 200, out);
		resp_header(w, "Cache-Control", "no-store");
	}
	json_decref(body);
}

/* The slice's routes.  POST .../actions needs only dossier.read at the
 * guard: each row of the transition table names the permission its action
 * needs, checked by dossier_act(). */
const struct route dossier_routes[] = {
	{ HTTP_POST, "/api/v1/dossiers", dossier_http_create, ACT_DOSSIER_RECEIVE },
	{ HTTP_GET, "/api/v1/dossiers", dossier_http_list, ACT_DOSSIER_READ },
	{ HTTP_GET, "/api/v1/dossiers/{code}", dossier_http_get, ACT_DOSSIER_READ },
	{ HTTP_POST, "/api/v1/dossiers/{code}/actions", dossier_http_action, ACT_DOSSIER_READ },
	{ HTTP_GET, "/api/v1/public/dossiers/{code}", dossier_http_public, ACT_PUBLIC },
	{ HTTP_GET, "/api/v1/dossiers/{code}/qr.svg", dossier_http_qr, ACT_DOSSIER_READ },
	{ HTTP_GET, "/api/v1/dossiers/{code}/candidates", dossier_http_candidates, ACT_DOSSIER_READ },
	{ HTTP_GET, "/api/v1/public/dossier-labels", dossier_http_labels, ACT_PUBLIC },
};
const size_t dossier_nroutes = CORE_NELEM(dossier_routes);

/*
 * The workflow: statuses, actions and ONE transition table.  A row says
 * from which status an action may be taken, to which status it leads, which
 * row of the permission table (src/auth/perms.def) the caller needs, the
 * guard that must hold, and the effect (steps, clock, documents, ...).
 * dossier_act() runs every action the same way, in one transaction:
 * optimistic version check, guard, effect, the row written back, a history
 * row (Mẫu 05), an outbox event and an audit entry.
 */
#include <string.h>

#include "../bundle/bundle.h"
#include "../catalog/catalog.h"
#include "dossier_int.h"

/* ---- names and labels ------------------------------------------------------ */

struct status_def {
	const char *name, *vi, *en;
	int terminal, clock;
};

/* Labels as provincial portals show them (Circular 22/2019 requires a
 * visible status at every step). */
static const struct status_def status_defs[DS__MAX] = {
	[DS_SUBMITTED] = { "submitted", "Chờ tiếp nhận", "Awaiting reception", 0, 0 },
	[DS_RECEIVED] = { "received", "Đã tiếp nhận", "Received", 0, 1 },
	[DS_PROCESSING] = { "processing", "Đang giải quyết", "Being processed", 0, 1 },
	[DS_AWAITING_SUPPLEMENT] = { "awaiting_supplement", "Chờ bổ sung, hoàn thiện hồ sơ",
	    "Awaiting supplement", 0, 0 },
	[DS_AWAITING_PAYMENT] = { "awaiting_payment", "Chờ thực hiện nghĩa vụ tài chính",
	    "Awaiting payment", 0, 1 },
	[DS_RESULT_READY] = { "result_ready", "Đã có kết quả, chờ trả",
	    "Result ready for collection", 0, 0 },
	[DS_RETURNED] = { "returned", "Đã trả kết quả", "Result returned", 1, 0 },
	[DS_REFUSED] = { "refused", "Từ chối tiếp nhận", "Refused at reception", 1, 0 },
	[DS_REJECTED] = { "rejected", "Không đủ điều kiện giải quyết",
	    "Rejected after appraisal", 1, 0 },
	[DS_WITHDRAWN] = { "withdrawn", "Đã rút hồ sơ", "Withdrawn", 1, 0 },
	[DS_STOPPED] = { "stopped", "Dừng xử lý", "Processing stopped", 1, 0 },
};

/* Body members each action takes besides action, version and note. */
static const char *const f_none[] = { NULL };
static const char *const f_documents[] = { "documents", NULL };
static const char *const f_missing[] = { "missing", NULL };
static const char *const f_reason[] = { "reason", NULL };
static const char *const f_to_user[] = { "to_user", NULL };
static const char *const f_consult[] = { "agency", "due_at", NULL };
static const char *const f_apology[] = { "reason", "new_due_at", NULL };
static const char *const f_payment[] = { "amount", NULL };
static const char *const f_paid[] = { "amount", "receipt_no", NULL };

struct action_def {
	const char *name, *vi, *en;
	const char *const *fields;
};

static const struct action_def action_defs[DA__MAX] = {
	[DA_RECEIVE] = { "receive", "Tiếp nhận hồ sơ", "Receive", f_documents },
	[DA_REQUEST_SUPPLEMENT] = { "request_supplement", "Yêu cầu bổ sung, hoàn thiện hồ sơ",
	    "Request a supplement", f_missing },
	[DA_SUPPLEMENT] = { "supplement", "Nhận hồ sơ đã bổ sung đầy đủ",
	    "Receive the supplemented dossier", f_documents },
	[DA_REFUSE] = { "refuse", "Từ chối tiếp nhận hồ sơ", "Refuse", f_reason },
	[DA_ASSIGN] = { "assign", "Phân công xử lý", "Assign", f_to_user },
	[DA_FORWARD] = { "forward", "Chuyển bước tiếp theo", "Forward to the next step", f_to_user },
	[DA_SEND_BACK] = { "send_back", "Trả lại bước trước", "Send back to the previous step",
	    f_none },
	[DA_CONSULT] = { "consult", "Xin ý kiến cơ quan, đơn vị liên quan",
	    "Consult another agency", f_consult },
	[DA_APPROVE] = { "approve", "Phê duyệt kết quả", "Approve", f_none },
	[DA_REJECT] = { "reject", "Không giải quyết (không đủ điều kiện)",
	    "Reject (not eligible)", f_reason },
	[DA_APOLOGIZE] = { "apologize", "Xin lỗi và hẹn lại ngày trả kết quả",
	    "Apologise and reschedule", f_apology },
	[DA_RESULT_READY] = { "result_ready", "Chuyển kết quả về Bộ phận Một cửa",
	    "Result ready at the desk", f_none },
	[DA_RETURN_RESULT] = { "return_result", "Trả kết quả", "Return the result", f_none },
	[DA_WITHDRAW] = { "withdraw", "Rút hồ sơ theo đề nghị của người nộp",
	    "Withdraw at the applicant's request", f_reason },
	[DA_STOP] = { "stop", "Dừng xử lý hồ sơ", "Stop processing", f_reason },
	[DA_REQUEST_PAYMENT] = { "request_payment", "Yêu cầu thực hiện nghĩa vụ tài chính",
	    "Request payment", f_payment },
	[DA_RECORD_PAYMENT] = { "record_payment", "Xác nhận đã thực hiện nghĩa vụ tài chính",
	    "Record the payment", f_paid },
};

const char *
dossier_status_name(enum dossier_status s)
{
	return s < DS__MAX ? status_defs[s].name : NULL;
}

const char *
dossier_status_label(enum dossier_status s, int en)
{
	return s < DS__MAX ? (en ? status_defs[s].en : status_defs[s].vi) : "?";
}

enum dossier_status
dossier_status_from(const char *name)
{
	for (int i = 0; name != NULL && i < DS__MAX; i++)
		if (strcmp(status_defs[i].name, name) == 0)
			return (enum dossier_status)i;
	return DS__MAX;
}

int
dossier_status_terminal(enum dossier_status s)
{
	return s < DS__MAX && status_defs[s].terminal;
}

int
dossier_status_clock_runs(enum dossier_status s)
{
	return s < DS__MAX && status_defs[s].clock;
}

const char *
dossier_action_name(enum dossier_action a)
{
	return a < DA__MAX ? action_defs[a].name : NULL;
}

const char *const *
dossier_action_fields(enum dossier_action a)
{
	return a < DA__MAX ? action_defs[a].fields : f_none;
}

const char *
dossier_action_label(enum dossier_action a, int en)
{
	return a < DA__MAX ? (en ? action_defs[a].en : action_defs[a].vi) : "?";
}

enum dossier_action
dossier_action_from(const char *name)
{
	for (int i = 0; name != NULL && i < DA__MAX; i++)
		if (strcmp(action_defs[i].name, name) == 0)
			return (enum dossier_action)i;
	return DA__MAX;
}

enum dossier_status
dossier_outcome_status(enum dossier_outcome o)
{
	switch (o) {
	case DO_RECEIVED: return DS_RECEIVED;
	case DO_INCOMPLETE: return DS_AWAITING_SUPPLEMENT;
	case DO_REFUSED: return DS_REFUSED;
	case DO_SUBMITTED: return DS_SUBMITTED;
	default: return DS__MAX;
	}
}

/* ---- input helpers ------------------------------------------------------- */

static const char *
in_str(const struct dossier_input *in, const char *key)
{
	json_t *v = json_object_get(in->body, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* A required reason (1..DOS_TEXT_MAX characters) from member `key`. */
static const char *
in_reason(const struct dossier_input *in, const char *key, struct dossier_err *err)
{
	json_t *v = json_object_get(in->body, key);

	if (!json_is_string(v) || !dossier_text_ok(json_string_value(v), 1, DOS_TEXT_MAX, 1) ||
	    json_string_length(v) == 0) {
		dossier_err_param(err, key, "Cần nêu rõ lý do (1–%d ký tự).",
		    "A reason is required (1–%d characters).", DOS_TEXT_MAX, DOS_TEXT_MAX);
		return NULL;
	}
	return json_string_value(v);
}


/* A staff user named by member `key` who may take the dossier over:
 * active, staff, in the subtree of its receiving or lead agency.  *id = 0
 * when absent and not required. */
static int
in_user(struct dossier_ctx *x, const struct dossier *d, const struct dossier_input *in,
    const char *key, int required, int64_t *id, const char **name, struct dossier_err *err)
{
	json_t *v = json_object_get(in->body, key);
	struct db_res *res = NULL;
	int64_t agency = 0;
	int k, disabled = 0, in_scope = 0;
	enum auth_role role = ROLE__MAX;

	*id = 0;
	*name = "";
	if (v == NULL || json_is_null(v)) {
		if (!required)
			return 0;
		dossier_err_param(err, key, "Cần tên đăng nhập của cán bộ nhận hồ sơ.",
		    "The username of the official who takes the dossier is required.");
		return -1;
	}
	if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > 64) {
		dossier_err_param(err, key, "Cần tên đăng nhập (1–64 ký tự).",
		    "Must be a username (1–64 characters).");
		return -1;
	}
	if (db_exec(x->c, STMT_DOS_USER_BY_NAME, (struct db_param[]){
	    DB_TEXT(json_string_value(v)) }, 1, &res) != DB_OK) {
		dossier_err_set(err, PROB_UNAVAILABLE, "Không đọc được tài khoản cán bộ.",
		    "Could not read the account.");
		return -1;
	}
	if ((k = db_res_next(res)) == 1) {
		*id = db_res_int(res, 0);
		*name = dossier_strdup(x, db_res_text(res, 1));
		role = auth_role_from(db_res_text(res, 2));
		agency = db_res_int(res, 3);
		disabled = (int)db_res_int(res, 4);
	}
	db_res_free(res);
	if (k == 1 && !disabled && role != ROLE__MAX && role != ROLE_CITIZEN && agency != 0) {
		struct scope s1 = { 0, d->agency_id }, s2 = { 0, d->lead_agency_id };

		in_scope = auth_scope_contains(x->c, &s1, agency) == 1 ||
		    (d->lead_agency_id != 0 && auth_scope_contains(x->c, &s2, agency) == 1);
	}
	if (!in_scope) {
		dossier_err_param(err, key, "Không có cán bộ đang hoạt động tên \"%s\" thuộc cơ quan "
		    "tiếp nhận hoặc cơ quan giải quyết hồ sơ này.",
		    "No active official \"%s\" of this dossier's receiving or processing agency.",
		    json_string_value(v), json_string_value(v));
		*id = 0;
		return -1;
	}
	return 0;
}

/* An optional non-negative amount in đồng. */
static int
in_amount(const struct dossier_input *in, int64_t *amount, struct dossier_err *err)
{
	json_t *v = json_object_get(in->body, "amount");

	*amount = -1;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > 100000000000LL) {
		dossier_err_param(err, "amount", "Cần số tiền (đồng) từ 0 đến 100 tỷ.",
		    "Must be an amount in đồng from 0 to 100 billion.");
		return -1;
	}
	*amount = json_integer_value(v);
	return 0;
}

/* The unit doing the current step, or the agency's name. */
static const char *
cur_unit(const struct dossier *d)
{
	const struct dossier_step *s = d->steps != NULL && d->step >= 1 && d->step <= d->nsteps ?
	    &d->steps[d->step - 1] : NULL;

	if (s != NULL && s->unit[0] != '\0')
		return s->unit;
	if (d->status == DS_PROCESSING && d->lead_name != NULL && d->lead_name[0] != '\0')
		return d->lead_name;
	return d->agency_name;
}

static int
has_leader_step(const struct dossier *d)
{
	for (int64_t i = 0; d->steps != NULL && i < d->nsteps; i++)
		if (strcmp(d->steps[i].role, "leader") == 0)
			return 1;
	return 0;
}

/* ---- guards ---------------------------------------------------------------- */

/* Decree 61 Art. 19.4: after appraisal the supplement request goes out
 * within 3 working days of receipt, and (DOMAIN §3) only once. */
static int
g_appraisal_supplement(const struct dossier_ctx *x, const struct dossier *d,
    struct dossier_err *err)
{
	if (d->appraisal_supplements > 0) {
		dossier_err_set(err, PROB_UNPROCESSABLE,
		    "Hồ sơ đã được yêu cầu bổ sung một lần sau khi thẩm định; chỉ được yêu cầu bổ "
		    "sung một lần (Nghị định 61/2018/NĐ-CP, Điều 19 khoản 4).",
		    "A supplement was already requested after appraisal; it may be requested only once "
		    "(Decree 61/2018, Art. 19.4).");
		return -1;
	}
	if (!dossier_within_workdays(x->cal, d->received_at, x->now, 3)) {
		dossier_err_set(err, PROB_UNPROCESSABLE,
		    "Đã quá 03 ngày làm việc kể từ ngày tiếp nhận hồ sơ: không còn được yêu cầu bổ "
		    "sung (Nghị định 61/2018/NĐ-CP, Điều 19 khoản 4).",
		    "More than 3 working days have passed since receipt: a supplement can no longer "
		    "be requested (Decree 61/2018, Art. 19.4).");
		return -1;
	}
	return 0;
}

static int
g_forward(const struct dossier_ctx *x, const struct dossier *d, struct dossier_err *err)
{
	(void)x;
	if (d->step >= d->nsteps) {
		dossier_err_set(err, PROB_UNPROCESSABLE,
		    "Hồ sơ đang ở bước cuối của quy trình, không còn bước để chuyển tiếp.",
		    "The dossier is at the last step of the process; there is no next step.");
		return -1;
	}
	return 0;
}

static int
g_send_back(const struct dossier_ctx *x, const struct dossier *d, struct dossier_err *err)
{
	(void)x;
	if (d->step <= 2) {
		dossier_err_set(err, PROB_UNPROCESSABLE,
		    "Hồ sơ đang ở bước xử lý đầu tiên, không có bước trước để trả lại.",
		    "The dossier is at the first processing step; there is no step to send it back to.");
		return -1;
	}
	return 0;
}

static int
g_approve(const struct dossier_ctx *x, const struct dossier *d, struct dossier_err *err)
{
	(void)x;
	if (d->approved) {
		dossier_err_set(err, PROB_UNPROCESSABLE, "Kết quả của hồ sơ đã được phê duyệt.",
		    "The result has already been approved.");
		return -1;
	}
	return 0;
}

static int
g_result_ready(const struct dossier_ctx *x, const struct dossier *d, struct dossier_err *err)
{
	(void)x;
	if (!d->approved && has_leader_step(d)) {
		dossier_err_set(err, PROB_UNPROCESSABLE,
		    "Kết quả chưa được lãnh đạo phê duyệt.", "The result has not been approved yet.");
		return -1;
	}
	if (d->step < d->nsteps - 1) {
		dossier_err_set(err, PROB_UNPROCESSABLE,
		    "Hồ sơ chưa đi hết các bước của quy trình nội bộ (đang ở bước %lld/%lld).",
		    "The dossier has not gone through the internal process (step %lld of %lld).",
		    (long long)d->step, (long long)d->nsteps, (long long)d->step,
		    (long long)d->nsteps);
		return -1;
	}
	return 0;
}

/* Decree 61 Art. 19.9: at the latest one (working) day before the due
 * time, only once. */
static int
g_apologize(const struct dossier_ctx *x, const struct dossier *d, struct dossier_err *err)
{
	int64_t left = 0;

	if (d->apologized_at != 0) {
		dossier_err_set(err, PROB_UNPROCESSABLE,
		    "Hồ sơ đã được xin lỗi và hẹn lại ngày trả kết quả một lần; việc hẹn lại chỉ được "
		    "thực hiện một lần (Nghị định 61/2018/NĐ-CP, Điều 19 khoản 9).",
		    "An apology with a new date was already given; it may be given only once "
		    "(Decree 61/2018, Art. 19.9).");
		return -1;
	}
	if (x->cal == NULL || d->due_at == 0 ||
	    calendar_work_seconds(x->cal, x->now, d->due_at, &left) == -1 ||
	    left < dossier_workday_seconds(x->cal)) {
		dossier_err_set(err, PROB_UNPROCESSABLE,
		    "Phiếu xin lỗi và hẹn lại ngày trả kết quả phải gửi chậm nhất 01 ngày làm việc "
		    "trước thời hạn trả kết quả (Nghị định 61/2018/NĐ-CP, Điều 19 khoản 9).",
		    "The apology must go out at least one working day before the due time "
		    "(Decree 61/2018, Art. 19.9).");
		return -1;
	}
	return 0;
}

/* The parent of an interlinked dossier stays `received` while its
 * components run; its one Mẫu 04 is given there, by the desk
 * (docs/BUNDLE.md §4).  A single dossier apologises while processing. */
static int
g_apologize_bundle(const struct dossier_ctx *x, const struct dossier *d,
    struct dossier_err *err)
{
	if (bundle_is_code(x->c, d->procedure_code) != 1) {
		dossier_err_set(err, PROB_UNPROCESSABLE, "Hồ sơ đã tiếp nhận, chưa chuyển xử lý: "
		    "việc xin lỗi, hẹn lại do cơ quan giải quyết thực hiện khi đang giải quyết.",
		    "The dossier is received but not yet being processed: the deciding agency "
		    "apologises while processing it.");
		return -1;
	}
	return g_apologize(x, d, err);
}

/* ---- effects --------------------------------------------------------------- */

static int
e_receive(struct dossier_ctx *x, struct dossier *d, const struct dossier_input *in,
    struct dossier_err *err)
{
	json_t *docs = json_object_get(in->body, "documents");

	if (dossier_documents_parse(docs, 0, err) == -1)
		return -1;
	if (dossier_clock_start(x, d, x->now, err) == -1)
		return -1;
	d->receiver_id = dossier_actor_id(x);
	if (dossier_register_assign(x, d) != DB_OK ||
	    dossier_documents_write(x, d->id, docs, x->now) != DB_OK ||
	    dossier_step_start(x, d, 1, x->now, d->receiver_id) != DB_OK)
		goto fail;
	d->assignee_id = d->receiver_id;
	d->hand.to_step = 1;
	d->hand.to_unit = cur_unit(d);
	return 0;
fail:
	dossier_err_set(err, PROB_UNAVAILABLE, "Không ghi được hồ sơ.", "Could not write the dossier.");
	return -1;
}

static int
e_request_supplement(struct dossier_ctx *x, struct dossier *d, const struct dossier_input *in,
    struct dossier_err *err)
{
	int appraisal = d->received_at != 0;
	json_t *items = NULL;
	char *text = NULL;
	enum db_rc rc;

	if (dossier_missing_parse(json_object_get(in->body, "missing"), "missing", &items, err)
	    == -1)
		return -1;
	/* A bundle's items name the component whose documents are missing. */
	if (bundle_missing_check(x, d, items, err) == -1) {
		json_decref(items);
		return -1;
	}
	if (appraisal && dossier_step_finish(x, d, x->now) != DB_OK)
		goto fail;
	text = json_dumps(items, JSON_COMPACT);
	rc = text == NULL ? DB_ERROR : db_exec(x->c, STMT_DOS_SUPP_INSERT, (struct db_param[]){
	    DB_INT(d->id), DB_TEXT(appraisal ? "appraisal" : "reception"), DB_INT(x->now),
	    dossier_actor_id(x) ? DB_INT(dossier_actor_id(x)) : DB_NULL,
	    DB_TEXT(dossier_actor_name(x)), DB_TEXT(text), DB_TEXT(in->note) }, 7, NULL);
	free(text);
	if (rc != DB_OK)
		goto fail;
	d->supplement_requests++;
	if (appraisal)
		d->appraisal_supplements++;
	d->assignee_id = 0;
	d->hand.to_unit = "Người nộp hồ sơ";
	d->hand.detail = json_pack("{s:o, s:s}", "missing", items, "phase",
	    appraisal ? "appraisal" : "reception");
	return 0;
fail:
	json_decref(items);
	dossier_err_set(err, PROB_UNAVAILABLE, "Không ghi được yêu cầu bổ sung.",
	    "Could not write the supplement request.");
	return -1;
}

/* The complete dossier arrived: the limit restarts from zero (Decree 61
 * Art. 19.4) and the process starts again at its first step. */
static int
e_supplement(struct dossier_ctx *x, struct dossier *d, const struct dossier_input *in,
    struct dossier_err *err)
{
	json_t *docs = json_object_get(in->body, "documents");
	int64_t old_due = d->legal_due_at;

	if (dossier_documents_parse(docs, 0, err) == -1)
		return -1;
	if (dossier_clock_start(x, d, x->now, err) == -1)
		return -1;
	if (d->receiver_id == 0)
		d->receiver_id = dossier_actor_id(x);
	d->approved = 0;
	d->finished_at = 0;
	d->result_class = "";
	if ((d->register_seq == 0 && dossier_register_assign(x, d) != DB_OK) ||
	    dossier_documents_write(x, d->id, docs, x->now) != DB_OK ||
	    db_exec(x->c, STMT_DOS_SUPP_FULFIL, (struct db_param[]){ DB_INT(d->id),
	    DB_INT(x->now) }, 2, NULL) != DB_OK ||
	    dossier_step_start(x, d, 1, x->now, dossier_actor_id(x)) != DB_OK) {
		dossier_err_set(err, PROB_UNAVAILABLE, "Không ghi được hồ sơ bổ sung.",
		    "Could not write the supplement.");
		return -1;
	}
	d->assignee_id = dossier_actor_id(x);
	d->hand.to_step = 1;
	d->hand.to_unit = cur_unit(d);
	d->hand.detail = json_pack("{s:o, s:o}", "previous_legal_due_at", dossier_time_json(old_due),
	    "legal_due_at", dossier_time_json(d->legal_due_at));
	return 0;
}

/* refuse, reject, withdraw, stop: a reason, the current step closed, the
 * dossier closed; reject also classifies the whole dossier. */
static int
e_close(struct dossier_ctx *x, struct dossier *d, const struct dossier_input *in,
    struct dossier_err *err)
{
	const char *reason = in_reason(in, "reason", err);

	if (reason == NULL)
		return -1;
	if (dossier_step_finish(x, d, x->now) != DB_OK) {
		dossier_err_set(err, PROB_UNAVAILABLE, "Không ghi được hồ sơ.",
		    "Could not write the dossier.");
		return -1;
	}
	if (in->action == DA_REJECT)
		dossier_clock_finish(d, x->now);
	d->closed_at = x->now;
	d->assignee_id = 0;
	d->hand.reason = reason;
	d->hand.to_unit = in->action == DA_REJECT || in->action == DA_REFUSE ?
	    "Người nộp hồ sơ (qua Bộ phận Một cửa)" : "";
	return 0;
}

static int
e_assign(struct dossier_ctx *x, struct dossier *d, const struct dossier_input *in,
    struct dossier_err *err)
{
	int64_t uid;
	const char *uname;

	if (in_user(x, d, in, "to_user", 1, &uid, &uname, err) == -1)
		return -1;
	if (d->step >= 1 && db_exec(x->c, STMT_DOS_STEP_HANDLER, (struct db_param[]){
	    DB_INT(d->id), DB_INT(d->step), DB_INT(uid) }, 3, NULL) != DB_OK) {
		dossier_err_set(err, PROB_UNAVAILABLE, "Không ghi được phân công.",
		    "Could not write the assignment.");
		return -1;
	}
	d->assignee_id = uid;
	d->hand.to_user_id = uid;
	d->hand.to_user_name = uname;
	d->hand.to_unit = cur_unit(d);
	return 0;
}

/* forward and approve: the current step ends (classified), the next one
 * starts; approve also records the approval. */
static int
e_forward(struct dossier_ctx *x, struct dossier *d, const struct dossier_input *in,
    struct dossier_err *err)
{
	int64_t uid = 0;
	const char *uname = "";

	if (in->action == DA_FORWARD && in_user(x, d, in, "to_user", 0, &uid, &uname, err) == -1)
		return -1;
	if (dossier_step_finish(x, d, x->now) != DB_OK ||
	    (d->step < d->nsteps && dossier_step_start(x, d, d->step + 1, x->now, uid) != DB_OK)) {
		dossier_err_set(err, PROB_UNAVAILABLE, "Không ghi được việc chuyển bước.",
		    "Could not write the hand-over.");
		return -1;
	}
	if (in->action == DA_APPROVE)
		d->approved = 1;
	d->assignee_id = uid;
	d->hand.to_step = d->step;
	d->hand.to_unit = cur_unit(d);
	d->hand.to_user_id = uid;
	d->hand.to_user_name = uname;
	return 0;
}

static int
e_send_back(struct dossier_ctx *x, struct dossier *d, const struct dossier_input *in,
    struct dossier_err *err)
{
	int64_t back = d->step - 1, handler = d->steps[back - 1].handler_id;

	if (in->note[0] == '\0') {
		dossier_err_param(err, "note", "Cần nêu lý do trả lại bước trước.",
		    "Say why the dossier is sent back.");
		return -1;
	}
	if (dossier_step_finish(x, d, x->now) != DB_OK ||
	    dossier_step_start(x, d, back, x->now, handler) != DB_OK) {
		dossier_err_set(err, PROB_UNAVAILABLE, "Không ghi được việc trả lại.",
		    "Could not write the hand-over.");
		return -1;
	}
	d->approved = 0;
	d->assignee_id = handler;
	d->hand.to_step = back;
	d->hand.to_unit = cur_unit(d);
	d->hand.to_user_id = handler;
	return 0;
}

/* Decree 61 Art. 19.5: the consultation is recorded with the agency asked,
 * the content (note) and the deadline for the answer. */
static int
e_consult(struct dossier_ctx *x, struct dossier *d, const struct dossier_input *in,
    struct dossier_err *err)
{
	const char *code = in_str(in, "agency"), *due_s = in_str(in, "due_at");
	struct db_res *res = NULL;
	const char *aname = NULL;
	int64_t due = 0;

	if (code == NULL || !catalog_agency_code_valid(code))
		dossier_err_param(err, "agency", "Cần mã định danh của cơ quan được xin ý kiến "
		    "(ví dụ 000.00.05.H19).", "The identifier of the agency consulted is required "
		    "(e.g. 000.00.05.H19).");
	else if (db_exec(x->c, STMT_DOS_AGENCY_BY_CODE, (struct db_param[]){ DB_TEXT(code) }, 1,
	    &res) == DB_OK && db_res_next(res) == 1)
		aname = dossier_strdup(x, db_res_text(res, 2));
	else
		dossier_err_param(err, "agency", "Không có cơ quan mã %s.", "No agency %s.", code,
		    code);
	db_res_free(res);
	if (json_object_get(in->body, "due_at") != NULL &&
	    (due_s == NULL || time_parse_iso(due_s, &due) == -1 || due <= x->now))
		dossier_err_param(err, "due_at", "Cần thời hạn trả lời ý kiến (ISO 8601) sau thời "
		    "điểm hiện tại.", "Must be the answer's deadline (ISO 8601), in the future.");
	if (in->note[0] == '\0')
		dossier_err_param(err, "note", "Cần nêu nội dung xin ý kiến.",
		    "Say what the agency is consulted about.");
	if (err->n > 0)
		return -1;
	d->hand.to_unit = aname;
	d->hand.to_step = d->step;
	d->hand.detail = json_pack("{s:s, s:s, s:o}", "agency", code, "agency_name", aname,
	    "due_at", dossier_time_json(due));
	return 0;
}

static int
e_apologize(struct dossier_ctx *x, struct dossier *d, const struct dossier_input *in,
    struct dossier_err *err)
{
	const char *reason = in_reason(in, "reason", err), *nd = in_str(in, "new_due_at");
	int64_t t = 0;

	if (nd == NULL || time_parse_iso(nd, &t) == -1)
		dossier_err_param(err, "new_due_at", "Cần thời gian hẹn trả kết quả mới (ISO 8601, "
		    "ví dụ 2026-12-05T16:00:00+07:00).",
		    "The new due time is required (ISO 8601, e.g. 2026-12-05T16:00:00+07:00).");
	else if (t <= d->due_at)
		dossier_err_param(err, "new_due_at", "Thời gian hẹn mới phải sau thời hạn hiện tại "
		    "(%s).", "The new due time must be after the current one (%s).",
		    dossier_time_text(x->arena, d->due_at), dossier_time_text(x->arena, d->due_at));
	if (reason == NULL || err->n > 0)
		return -1;
	d->hand.detail = json_pack("{s:o, s:o}", "previous_due_at", dossier_time_json(d->due_at),
	    "new_due_at", dossier_time_json(t));
	/* A bundle's one Mẫu 04 names the late components' agencies. */
	if (bundle_apology_late(x, d, d->hand.detail, err) == -1)
		return -1;
	d->apologized_at = x->now;
	d->apology_reason = reason;
	d->due_at = t;
	d->due_soon_at = 0;
	d->overdue_at = 0;
	d->hand.reason = NULL;
	d->hand.to_unit = "Người nộp hồ sơ (qua Bộ phận Một cửa)";
	return 0;
}

/* The result reaches the desk: the processing step ends, the return step
 * (if the process has one) starts, the dossier is classified. */
static int
e_result_ready(struct dossier_ctx *x, struct dossier *d, const struct dossier_input *in,
    struct dossier_err *err)
{
	(void)in;
	if (dossier_step_finish(x, d, x->now) != DB_OK ||
	    (d->step < d->nsteps && dossier_step_start(x, d, d->nsteps, x->now, 0) != DB_OK)) {
		dossier_err_set(err, PROB_UNAVAILABLE, "Không ghi được hồ sơ.",
		    "Could not write the dossier.");
		return -1;
	}
	dossier_clock_finish(d, x->now);
	d->assignee_id = 0;
	d->hand.to_step = d->step;
	d->hand.to_unit = d->agency_name;
	d->hand.detail = json_pack("{s:s}", "result_class", d->result_class);
	return 0;
}

static int
e_return_result(struct dossier_ctx *x, struct dossier *d, const struct dossier_input *in,
    struct dossier_err *err)
{
	(void)in;
	if (dossier_step_finish(x, d, x->now) != DB_OK) {
		dossier_err_set(err, PROB_UNAVAILABLE, "Không ghi được hồ sơ.",
		    "Could not write the dossier.");
		return -1;
	}
	d->returned_at = x->now;
	d->closed_at = x->now;
	d->assignee_id = 0;
	d->hand.to_unit = "Người nộp hồ sơ";
	return 0;
}

static int
e_payment(struct dossier_ctx *x, struct dossier *d, const struct dossier_input *in,
    struct dossier_err *err)
{
	int64_t amount;
	const char *rno = in_str(in, "receipt_no");

	(void)x;
	if (in_amount(in, &amount, err) == -1)
		return -1;
	if (json_object_get(in->body, "receipt_no") != NULL &&
	    (rno == NULL || !dossier_text_ok(rno, 1, 64, 0))) {
		dossier_err_param(err, "receipt_no", "Cần số biên lai (1–64 ký tự).",
		    "Must be a receipt number (1–64 characters).");
		return -1;
	}
	d->hand.to_unit = in->action == DA_REQUEST_PAYMENT ? "Người nộp hồ sơ" : cur_unit(d);
	d->hand.to_step = d->step;
	d->hand.detail = json_pack("{s:o, s:o}", "amount", amount >= 0 ? json_integer(amount) :
	    json_null(), "receipt_no", rno ? json_string(rno) : json_null());
	return 0;
}

/* ---- the table -------------------------------------------------------------- */

#define T(from, act, to, perm, guard, effect) { from, act, to, perm, guard, effect }

static const struct dossier_transition transitions[] = {
	/* Online submissions at the desk (Decree 61 Art. 17.2). */
	T(DS_SUBMITTED, DA_RECEIVE, DS_RECEIVED, ACT_DOSSIER_RECEIVE, NULL, e_receive),
	T(DS_SUBMITTED, DA_REQUEST_SUPPLEMENT, DS_AWAITING_SUPPLEMENT, ACT_DOSSIER_RECEIVE, NULL,
	    e_request_supplement),
	T(DS_SUBMITTED, DA_REFUSE, DS_REFUSED, ACT_DOSSIER_RECEIVE, NULL, e_close),
	T(DS_SUBMITTED, DA_WITHDRAW, DS_WITHDRAWN, ACT_DOSSIER_RECEIVE, NULL, e_close),
	/* Received at the desk: to the processing agency (Art. 18). */
	T(DS_RECEIVED, DA_FORWARD, DS_PROCESSING, ACT_DOSSIER_RECEIVE, g_forward, e_forward),
	T(DS_RECEIVED, DA_WITHDRAW, DS_WITHDRAWN, ACT_DOSSIER_RECEIVE, NULL, e_close),
	/* An interlinked dossier's parent: the desk's one apology (Mẫu 04). */
	T(DS_RECEIVED, DA_APOLOGIZE, DS_RECEIVED, ACT_DOSSIER_RECEIVE, g_apologize_bundle,
	    e_apologize),
	/* Processing (Art. 19). */
	T(DS_PROCESSING, DA_ASSIGN, DS_PROCESSING, ACT_DOSSIER_PROCESS, NULL, e_assign),
	T(DS_PROCESSING, DA_FORWARD, DS_PROCESSING, ACT_DOSSIER_PROCESS, g_forward, e_forward),
	T(DS_PROCESSING, DA_SEND_BACK, DS_PROCESSING, ACT_DOSSIER_PROCESS, g_send_back,
	    e_send_back),
	T(DS_PROCESSING, DA_CONSULT, DS_PROCESSING, ACT_DOSSIER_PROCESS, NULL, e_consult),
	T(DS_PROCESSING, DA_REQUEST_SUPPLEMENT, DS_AWAITING_SUPPLEMENT, ACT_DOSSIER_PROCESS,
	    g_appraisal_supplement, e_request_supplement),
	T(DS_PROCESSING, DA_REQUEST_PAYMENT, DS_AWAITING_PAYMENT, ACT_DOSSIER_PROCESS, NULL,
	    e_payment),
	T(DS_PROCESSING, DA_APOLOGIZE, DS_PROCESSING, ACT_DOSSIER_PROCESS, g_apologize,
	    e_apologize),
	T(DS_PROCESSING, DA_APPROVE, DS_PROCESSING, ACT_DOSSIER_APPROVE, g_approve, e_forward),
	T(DS_PROCESSING, DA_REJECT, DS_REJECTED, ACT_DOSSIER_APPROVE, NULL, e_close),
	T(DS_PROCESSING, DA_RESULT_READY, DS_RESULT_READY, ACT_DOSSIER_RETURN, g_result_ready,
	    e_result_ready),
	T(DS_PROCESSING, DA_WITHDRAW, DS_WITHDRAWN, ACT_DOSSIER_RECEIVE, NULL, e_close),
	T(DS_PROCESSING, DA_STOP, DS_STOPPED, ACT_DOSSIER_APPROVE, NULL, e_close),
	/* The applicant's turn (Art. 17.1.a, 19.4). */
	T(DS_AWAITING_SUPPLEMENT, DA_SUPPLEMENT, DS_RECEIVED, ACT_DOSSIER_RECEIVE, NULL,
	    e_supplement),
	T(DS_AWAITING_SUPPLEMENT, DA_WITHDRAW, DS_WITHDRAWN, ACT_DOSSIER_RECEIVE, NULL, e_close),
	T(DS_AWAITING_SUPPLEMENT, DA_STOP, DS_STOPPED, ACT_DOSSIER_APPROVE, NULL, e_close),
	T(DS_AWAITING_PAYMENT, DA_RECORD_PAYMENT, DS_PROCESSING, ACT_DOSSIER_RETURN, NULL,
	    e_payment),
	T(DS_AWAITING_PAYMENT, DA_APOLOGIZE, DS_AWAITING_PAYMENT, ACT_DOSSIER_PROCESS, g_apologize,
	    e_apologize),
	T(DS_AWAITING_PAYMENT, DA_WITHDRAW, DS_WITHDRAWN, ACT_DOSSIER_RECEIVE, NULL, e_close),
	T(DS_AWAITING_PAYMENT, DA_STOP, DS_STOPPED, ACT_DOSSIER_APPROVE, NULL, e_close),
	/* Return (Art. 20). */
	T(DS_RESULT_READY, DA_RETURN_RESULT, DS_RETURNED, ACT_DOSSIER_RETURN, NULL,
	    e_return_result),
};

#undef T

const struct dossier_transition *
dossier_transitions(size_t *n)
{
	*n = CORE_NELEM(transitions);
	return transitions;
}

const struct dossier_transition *
dossier_transition_find(enum dossier_status from, enum dossier_action a)
{
	for (size_t i = 0; i < CORE_NELEM(transitions); i++)
		if (transitions[i].from == from && transitions[i].action == a)
			return &transitions[i];
	return NULL;
}

json_t *
dossier_allowed_json(struct dossier_ctx *x, const struct dossier *d)
{
	json_t *a = json_array();

	for (size_t i = 0; i < CORE_NELEM(transitions); i++) {
		const struct dossier_transition *t = &transitions[i];
		const char *const *f = action_defs[t->action].fields;
		json_t *fields;
		struct dossier_err e;

		memset(&e, 0, sizeof(e));
		if (t->from != d->status || (x->who != NULL && !auth_can(x->who, t->perm)) ||
		    (t->guard != NULL && t->guard(x, d, &e) == -1) ||
		    bundle_check_action(x, d, (int)t->action, &e) == -1)
			continue;
		fields = json_array();
		for (size_t k = 0; f[k] != NULL; k++)
			json_array_append_new(fields, json_string(f[k]));
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:o}", "action",
		    action_defs[t->action].name, "label", dossier_action_label(t->action, x->en),
		    "to", status_defs[t->to].name, "fields", fields));
	}
	return a;
}

/* ---- running an action -------------------------------------------------------- */

/* Parse {action, version, note, ...}: every member known for the action. */
static int
act_parse(json_t *body, struct dossier_input *in, struct dossier_err *err)
{
	json_t *a, *v, *n, *val;
	const char *key;

	memset(in, 0, sizeof(*in));
	in->action = DA__MAX;
	in->note = "";
	in->body = body;
	if (!json_is_object(body)) {
		dossier_err_set(err, PROB_INVALID_JSON, "Nội dung yêu cầu phải là một đối tượng JSON.",
		    "The body must be a JSON object.");
		return -1;
	}
	a = json_object_get(body, "action");
	if (!json_is_string(a) || (in->action = dossier_action_from(json_string_value(a))) ==
	    DA__MAX) {
		dossier_err_param(err, "action", "Cần một thao tác: receive, request_supplement, "
		    "supplement, refuse, assign, forward, send_back, consult, approve, reject, "
		    "apologize, result_ready, return_result, withdraw, stop, request_payment, "
		    "record_payment.", "Must be one of the actions: receive, request_supplement, "
		    "supplement, refuse, assign, forward, send_back, consult, approve, reject, "
		    "apologize, result_ready, return_result, withdraw, stop, request_payment, "
		    "record_payment.");
		return -1;
	}
	v = json_object_get(body, "version");
	if (!json_is_integer(v) || json_integer_value(v) < 1)
		dossier_err_param(err, "version", "Cần phiên bản hồ sơ (số nguyên ≥ 1) đã đọc, để "
		    "tránh ghi đè thay đổi của người khác.", "The dossier version read (an integer "
		    "≥ 1) is required, so that nobody's change is overwritten.");
	else
		in->version = json_integer_value(v);
	n = json_object_get(body, "note");
	if (n != NULL && !json_is_null(n)) {
		if (!json_is_string(n) || !dossier_text_ok(json_string_value(n), 0, DOS_TEXT_MAX, 1))
			dossier_err_param(err, "note", "Ghi chú tối đa %d ký tự.",
			    "A note of at most %d characters.", DOS_TEXT_MAX, DOS_TEXT_MAX);
		else
			in->note = json_string_value(n);
	}
	json_object_foreach(body, key, val) {
		int ok = strcmp(key, "action") == 0 || strcmp(key, "version") == 0 ||
		    strcmp(key, "note") == 0;

		(void)val;
		for (size_t k = 0; !ok && action_defs[in->action].fields[k] != NULL; k++)
			ok = strcmp(key, action_defs[in->action].fields[k]) == 0;
		if (!ok)
			dossier_err_param(err, key, "Thao tác %s không nhận trường này.",
			    "Action %s takes no such member.", action_defs[in->action].name,
			    action_defs[in->action].name);
	}
	return err->n > 0 ? -1 : 0;
}

int
dossier_act(struct dossier_ctx *x, const char *code, void *bodyp, void **outp,
    struct dossier_err *err)
{
	struct dossier_input in;
	struct dossier d;
	const struct dossier_transition *t;
	enum dossier_status from;
	json_t *out = NULL;
	enum db_rc rc;
	int began = 0, ret = -1;

	*outp = NULL;
	memset(&d, 0, sizeof(d));
	if (act_parse(bodyp, &in, err) == -1)
		return -1;
	if (x->cal == NULL) {
		dossier_err_set(err, PROB_UNAVAILABLE, "Lịch làm việc chưa sẵn sàng.",
		    "The working-day calendar is not loaded.");
		return -1;
	}
	if ((rc = db_begin(x->c)) != DB_OK)
		goto db_fail;
	began = 1;
	if ((rc = dossier_load(x, code, &d)) != DB_OK) {
		if (rc != DB_NOTFOUND)
			goto db_fail;
		dossier_err_set(err, PROB_NOT_FOUND, "Không tìm thấy hồ sơ %s.",
		    "No dossier %s.", code, code);
		goto out;
	}
	from = d.status;
	if ((t = dossier_transition_find(from, in.action)) == NULL) {
		dossier_err_set(err, PROB_UNPROCESSABLE,
		    "Không thể thực hiện thao tác \"%s\" khi hồ sơ đang ở trạng thái \"%s\".",
		    "The action \"%s\" is not allowed while the dossier is \"%s\".",
		    dossier_action_label(in.action, 0), dossier_status_label(from, 0),
		    dossier_action_label(in.action, 1), dossier_status_label(from, 1));
		goto out;
	}
	if (x->who != NULL && !auth_can(x->who, t->perm)) {
		dossier_err_set(err, PROB_FORBIDDEN,
		    "Vai trò của bạn không được thực hiện thao tác \"%s\" (cần quyền %s).",
		    "Your role may not take the action \"%s\" (it needs %s).",
		    dossier_action_label(in.action, 0), auth_action_name(t->perm),
		    dossier_action_label(in.action, 1), auth_action_name(t->perm));
		goto out;
	}
	if (in.version != d.version) {
		dossier_err_set(err, PROB_CONFLICT,
		    "Hồ sơ đã được cập nhật bởi người khác (phiên bản hiện tại %lld, bạn gửi %lld). "
		    "Hãy tải lại hồ sơ rồi thực hiện lại.",
		    "The dossier was changed by someone else (current version %lld, you sent %lld). "
		    "Reload it and try again.", (long long)d.version, (long long)in.version,
		    (long long)d.version, (long long)in.version);
		goto out;
	}
	if (t->guard != NULL && t->guard(x, &d, err) == -1)
		goto out;
	if (bundle_check_action(x, &d, (int)in.action, err) == -1)
		goto out;
	/* The optimistic lock: the first write of the transaction. */
	if ((rc = db_exec(x->c, STMT_DOS_CLAIM, (struct db_param[]){ DB_INT(d.id),
	    DB_INT(d.version) }, 2, NULL)) != DB_OK)
		goto db_fail;
	if (db_changes(x->c) != 1) {
		dossier_err_set(err, PROB_CONFLICT,
		    "Hồ sơ vừa được người khác cập nhật. Hãy tải lại hồ sơ rồi thực hiện lại.",
		    "The dossier was just changed by someone else. Reload it and try again.");
		goto out;
	}
	d.version++;
	d.hand.from_step = d.step;
	d.hand.from_unit = cur_unit(&d);
	d.hand.to_step = d.step;
	d.hand.to_unit = "";
	d.hand.to_user_name = "";
	d.status = t->to;
	if (t->effect != NULL && t->effect(x, &d, &in, err) == -1)
		goto out;
	if (d.hand.reason != NULL)
		d.reason = d.hand.reason;
	d.updated_at = x->now;
	d.queue_key = dossier_queue_key(&d);
	if ((rc = dossier_save(x, &d)) != DB_OK ||
	    (rc = dossier_record(x, &d, action_defs[in.action].name, from, in.note)) != DB_OK ||
	    (rc = bundle_after_action(x, &d)) != DB_OK)
		goto db_fail;
	if ((rc = db_commit(x->c)) != DB_OK)
		goto db_fail;
	began = 0;
	log_msg(LOG_INFO, x->request_id, "dossier", "action=%s from=%s to=%s",
	    action_defs[in.action].name, status_defs[from].name, status_defs[d.status].name);
	/* Read back what was committed, as GET shows it. */
	memset(&d, 0, sizeof(d));
	if (dossier_load(x, code, &d) != DB_OK || dossier_json(x, &d, &out) != DB_OK) {
		dossier_err_set(err, PROB_UNAVAILABLE, "Thao tác đã được ghi nhận nhưng không đọc lại "
		    "được hồ sơ.", "The action was recorded but the dossier could not be read back.");
		goto out;
	}
	*outp = out;
	ret = 0;
	goto out;
db_fail:
	if (rc == DB_CONFLICT || rc == DB_BUSY)
		dossier_err_set(err, rc == DB_CONFLICT ? PROB_CONFLICT : PROB_UNAVAILABLE,
		    "Hồ sơ đang được người khác cập nhật. Hãy thử lại.",
		    "The dossier is being changed by someone else. Try again.");
	else
		dossier_err_set(err, PROB_UNAVAILABLE,
		    "Không ghi được thao tác vào cơ sở dữ liệu. Hãy thử lại.",
		    "The action could not be written to the database. Try again.");
out:
	json_decref(d.hand.detail);
	d.hand.detail = NULL;
	if (began)
		db_rollback(x->c);
	return ret;
}

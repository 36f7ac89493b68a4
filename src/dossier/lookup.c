/*
 * Public lookup without login: GET /api/v1/public/dossiers/{code}?key=KEY.
 *
 * The dossier code is not a secret (it is sequential and printed on
 * paper); the 8-character key printed on the receipt is.  An unknown code,
 * a malformed key and a wrong key all give the same 404 with the same
 * body, and the key is compared in constant time against the stored one
 * (or a dummy when there is none).  The answer carries no personal data:
 * no name, phone, ID number, address, e-mail, officer or note.  Each
 * client IP is rate-limited (429 with Retry-After).
 *
 * This is the busiest route after a province's SMS blast, so a single
 * dossier is answered on a short path (bench/RESULTS.md, "Public lookup"):
 * one statement (STMT_DOS_PUBLIC: the dossier, its current step and its
 * history, one snapshot, one round trip on PostgreSQL) whose rows are
 * written straight into the response body with jsonw, in the order and with
 * the bytes dossier_public_json() and jansson would produce.  Interlinked
 * dossiers (kind bundle or component) take the general path — the dossier
 * loaded, dossier_public_json() and the bundle slice's part — in one read
 * snapshot.  Test builds (MOTCUA_TEST_CHECKS) render every answer of the
 * short path both ways and refuse to answer when they differ, so every
 * lookup in the API and browser tests checks that the two agree.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../core/config.h"
#include "dossier_int.h"

static struct ratelimit *lookup_limiter;
static pthread_once_t lookup_once = PTHREAD_ONCE_INIT;

static void
lookup_init(void)
{
	/* Lives as long as the process; the config is read-only by now. */
	lookup_limiter = ratelimit_new((unsigned)config_int(CFG_LOOKUP_RATE), 60,
	    (unsigned)config_int(CFG_LOOKUP_BURST), 8192);
}

/* The columns of STMT_DOS_PUBLIC, in order. */
enum pub_col {
	PC_CODE,
	PC_KEY,
	PC_STATUS,
	PC_KIND,
	PC_AGENCY_CODE,
	PC_AGENCY_NAME,
	PC_LEAD_CODE,
	PC_LEAD_NAME,
	PC_PROC_CODE,
	PC_PROC_NAME,
	PC_CREATED,
	PC_RECEIVED,
	PC_DUE,
	PC_RETURNED,
	PC_RESULT,
	PC_STEP,
	PC_NSTEPS,
	PC_STEP_NAME,
	PC_STEP_UNIT,
	PC_H_SEQ,
	PC_H_AT,
	PC_H_ACTION,
	PC_H_STATUS,
	PC_H_FROM_STEP,
	PC_H_TO_STEP,
	PC_H_FROM_UNIT,
	PC_H_TO_UNIT,
	PC_H_STEP_DUE,
	PC_H_RESULT,
	PC__MAX
};

/* What the short path found. */
enum pub_rc {
	PUB_OK, /* the answer is in the body */
	PUB_NOTFOUND, /* no such code, or the key does not match */
	PUB_GENERAL, /* an interlinked dossier: take the general path */
	PUB_ERROR
};

static void
pub_time(struct jsonw *w, const char *key, int64_t t)
{
	char iso[32];

	jsonw_key(w, key);
	if (t == 0) {
		jsonw_null(w);
		return;
	}
	time_format_iso(t, iso);
	jsonw_str(w, iso);
}

static void
pub_agency(struct jsonw *w, const char *key, const char *code, const char *name)
{
	jsonw_key(w, key);
	if (code[0] == '\0') {
		jsonw_null(w);
		return;
	}
	jsonw_object_begin(w);
	jsonw_key(w, "code");
	jsonw_str(w, code);
	jsonw_key(w, "name");
	jsonw_str(w, name);
	jsonw_object_end(w);
}

static void
pub_class(struct jsonw *w, const char *cls, int en)
{
	const char *label = dossier_class_label(cls, en);

	jsonw_key(w, "result");
	if (label == NULL) {
		jsonw_null(w);
		return;
	}
	jsonw_object_begin(w);
	jsonw_key(w, "code");
	jsonw_str(w, cls);
	jsonw_key(w, "label");
	jsonw_str(w, label);
	jsonw_object_end(w);
}

static void
pub_kstr(struct jsonw *w, const char *key, const char *s)
{
	jsonw_key(w, key);
	jsonw_str(w, s);
}

static void
pub_kint(struct jsonw *w, const char *key, int64_t v)
{
	jsonw_key(w, key);
	jsonw_int(w, v);
}

/* The dossier's part of the answer, up to the opening of "timeline". */
static void
pub_head(struct dossier_ctx *x, struct db_res *res, enum dossier_status st, struct jsonw *w)
{
	int64_t step = db_res_int(res, PC_STEP);
	const char *lead_name = db_res_text(res, PC_LEAD_NAME);
	const char *current = db_res_text(res, PC_AGENCY_NAME);

	if ((st == DS_PROCESSING || st == DS_AWAITING_PAYMENT) && lead_name[0] != '\0')
		current = lead_name;
	jsonw_object_begin(w);
	pub_kstr(w, "code", db_res_text(res, PC_CODE));
	pub_kstr(w, "status", dossier_status_name(st));
	pub_kstr(w, "status_label", dossier_status_label(st, x->en));
	jsonw_key(w, "procedure");
	jsonw_object_begin(w);
	pub_kstr(w, "code", db_res_text(res, PC_PROC_CODE));
	pub_kstr(w, "name", db_res_text(res, PC_PROC_NAME));
	jsonw_object_end(w);
	pub_time(w, "submitted_at", db_res_int(res, PC_CREATED));
	pub_time(w, "received_at", db_res_int(res, PC_RECEIVED));
	pub_time(w, "due_at", db_res_int(res, PC_DUE));
	pub_agency(w, "agency", db_res_text(res, PC_AGENCY_CODE), db_res_text(res, PC_AGENCY_NAME));
	pub_agency(w, "lead_agency", db_res_text(res, PC_LEAD_CODE), lead_name);
	pub_kstr(w, "current_agency", current);
	jsonw_key(w, "current_step");
	/* dossier_step_at(): a step only within 1..nsteps. */
	if (step >= 1 && step <= db_res_int(res, PC_NSTEPS) && !dossier_status_terminal(st)) {
		jsonw_object_begin(w);
		pub_kint(w, "seq", step);
		pub_kstr(w, "name", db_res_text(res, PC_STEP_NAME));
		pub_kstr(w, "unit", db_res_text(res, PC_STEP_UNIT));
		jsonw_object_end(w);
	} else
		jsonw_null(w);
	jsonw_key(w, "result_ready");
	jsonw_bool(w, st == DS_RESULT_READY || st == DS_RETURNED);
	pub_time(w, "returned_at", db_res_int(res, PC_RETURNED));
	pub_class(w, db_res_text(res, PC_RESULT), x->en);
	jsonw_key(w, "timeline");
	jsonw_array_begin(w);
}

/* One history row as the public timeline shows it (history_json with
 * public = 1). */
static void
pub_history(struct dossier_ctx *x, struct db_res *res, struct jsonw *w)
{
	const char *action = db_res_text(res, PC_H_ACTION);
	enum dossier_action act = dossier_action_from(action);
	const char *to = db_res_text(res, PC_H_STATUS);

	jsonw_object_begin(w);
	pub_kint(w, "seq", db_res_int(res, PC_H_SEQ));
	pub_time(w, "at", db_res_int(res, PC_H_AT));
	pub_kstr(w, "action", action);
	pub_kstr(w, "action_label", act != DA__MAX ? dossier_action_label(act, x->en) :
	    (x->en ? "Submitted online" : "Nộp hồ sơ trực tuyến"));
	pub_kstr(w, "status", to);
	pub_kstr(w, "status_label", dossier_status_label(dossier_status_from(to), x->en));
	pub_kint(w, "from_step", db_res_int(res, PC_H_FROM_STEP));
	pub_kint(w, "to_step", db_res_int(res, PC_H_TO_STEP));
	pub_kstr(w, "from_unit", db_res_text(res, PC_H_FROM_UNIT));
	pub_kstr(w, "to_unit", db_res_text(res, PC_H_TO_UNIT));
	pub_time(w, "step_due_at", db_res_int(res, PC_H_STEP_DUE));
	pub_class(w, db_res_text(res, PC_H_RESULT), x->en);
	jsonw_object_end(w);
}

/* The short path: k is the normalised key, key_ok whether it is well
 * formed.  The body is written only once the key matched. */
static enum pub_rc
pub_short(struct dossier_ctx *x, const char *code, const char *k, int key_ok, struct buf *out)
{
	static const char dummy[DOSSIER_KEY_LEN + 1] = "ZZZZZZZZ";
	struct db_res *res = NULL;
	struct jsonw w;
	enum dossier_status st;
	enum pub_rc rc = PUB_ERROR;
	const char *kind;
	int n, match;

	if (db_exec(x->c, STMT_DOS_PUBLIC, (struct db_param[]){ DB_TEXT(code) }, 1, &res) != DB_OK)
		goto out;
	if ((n = db_res_next(res)) < 0)
		goto out;
	/* The same comparison whether or not the code exists. */
	match = str_ct_equal(n == 1 && strlen(db_res_text(res, PC_KEY)) == DOSSIER_KEY_LEN ?
	    db_res_text(res, PC_KEY) : dummy, key_ok ? k : dummy, DOSSIER_KEY_LEN);
	if (n == 0 || !key_ok || !match) {
		rc = PUB_NOTFOUND;
		goto out;
	}
	kind = db_res_text(res, PC_KIND);
	if (strcmp(kind, "bundle") == 0 || strcmp(kind, "component") == 0) {
		rc = PUB_GENERAL;
		goto out;
	}
	if ((st = dossier_status_from(db_res_text(res, PC_STATUS))) == DS__MAX)
		goto out; /* as dossier_load */
	jsonw_init(&w, out);
	pub_head(x, res, st, &w);
	do {
		/* LEFT JOIN: a dossier without history has one row of NULLs. */
		if (db_res_int(res, PC_H_SEQ) != 0)
			pub_history(x, res, &w);
	} while ((n = db_res_next(res)) == 1);
	if (n < 0)
		goto out;
	jsonw_array_end(&w);
	/* bundle_json_extend() of a single dossier. */
	pub_kstr(&w, "kind", "single");
	jsonw_object_end(&w);
	if (jsonw_finish(&w) == 0)
		rc = PUB_OK;
out:
	db_res_free(res);
	return rc;
}

static int
pub_dump(const char *p, size_t n, void *ctx)
{
	return buf_append(ctx, p, n);
}

/* The general path: the dossier loaded, dossier_public_json() (with the
 * bundle slice's part) and jansson, in one read snapshot. */
static enum pub_rc
pub_general(struct dossier_ctx *x, const char *code, const char *k, int key_ok,
    struct buf *out)
{
	static const char dummy[DOSSIER_KEY_LEN + 1] = "ZZZZZZZZ";
	struct dossier d;
	json_t *o = NULL;
	enum db_rc rc;
	enum pub_rc prc = PUB_ERROR;
	int match;

	if (db_read_begin(x->c) != DB_OK)
		goto out;
	if ((rc = dossier_load(x, code, &d)) != DB_OK && rc != DB_NOTFOUND)
		goto out;
	match = str_ct_equal(rc == DB_OK ? d.lookup_key : dummy, key_ok ? k : dummy,
	    DOSSIER_KEY_LEN);
	if (rc != DB_OK || !key_ok || !match) {
		prc = PUB_NOTFOUND;
		goto out;
	}
	if (dossier_public_json(x, &d, &o) != DB_OK)
		goto out;
	buf_reset(out);
	if (json_dump_callback(o, pub_dump, out, JSON_COMPACT | JSON_ENCODE_ANY) == 0 &&
	    !out->overflow)
		prc = PUB_OK;
out:
	db_read_end(x->c);
	json_decref(o);
	return prc;
}

#ifdef MOTCUA_TEST_CHECKS
/* Test builds: the short path's answer must be the general path's, byte
 * for byte.  Twice before giving up, in case a write landed between the
 * two reads (PostgreSQL reads each statement in its own snapshot). */
static enum pub_rc
pub_check(struct dossier_ctx *x, const char *code, const char *k, int key_ok, struct buf *out)
{
	enum pub_rc rc = PUB_ERROR;

	for (int attempt = 0; attempt < 2; attempt++) {
		struct buf ref;

		buf_init(&ref, out->max);
		rc = pub_general(x, code, k, key_ok, &ref);
		if (rc == PUB_OK && ref.len == out->len && memcmp(ref.data, out->data, ref.len) == 0) {
			buf_free(&ref);
			return PUB_OK;
		}
		log_msg(LOG_ERROR, x->request_id, "lookup_mismatch", "code=%s short=\"%s\" general=\"%s\"",
		    code, out->data ? out->data : "", ref.data ? ref.data : "");
		buf_free(&ref);
		buf_reset(out);
		if ((rc = pub_short(x, code, k, key_ok, out)) != PUB_OK)
			return rc;
	}
	return PUB_ERROR;
}
#endif

int
dossier_public(struct dossier_ctx *x, const char *code, const char *key, struct buf *out,
    struct dossier_err *err)
{
	char k[DOSSIER_KEY_LEN + 1];
	enum pub_rc rc = PUB_NOTFOUND;
	int key_ok = 0;

	memset(k, 0, sizeof(k));
	/* Keys are printed in capitals; accept what a person types. */
	if (key != NULL && strlen(key) == DOSSIER_KEY_LEN) {
		for (size_t i = 0; i < DOSSIER_KEY_LEN; i++)
			k[i] = key[i] >= 'a' && key[i] <= 'z' ? (char)(key[i] - 'a' + 'A') : key[i];
		key_ok = dossier_lookup_key_valid(k);
	}
	if (code != NULL && dossier_code_valid(code)) {
		rc = pub_short(x, code, k, key_ok, out);
#ifdef MOTCUA_TEST_CHECKS
		if (rc == PUB_OK)
			rc = pub_check(x, code, k, key_ok, out);
#endif
		if (rc == PUB_GENERAL)
			rc = pub_general(x, code, k, key_ok, out);
	}
	if (rc == PUB_OK)
		return 0;
	buf_reset(out);
	if (rc == PUB_NOTFOUND)
		dossier_err_set(err, PROB_NOT_FOUND, "Không tìm thấy hồ sơ với mã số hồ sơ và mã tra "
		    "cứu đã nhập. Hãy kiểm tra lại trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả.",
		    "No dossier matches this code and lookup key. Check them on the receipt.");
	else
		dossier_err_set(err, PROB_UNAVAILABLE, "Không tra cứu được lúc này. Hãy thử lại sau.",
		    "The lookup is unavailable. Try again later.");
	return -1;
}

void
dossier_http_public(struct req *r, struct resp *w)
{
	struct dossier_ctx x;
	struct dossier_err err;
	int wait;

	/* Only what dossier_err_set/_render use: zeroing all of its 10 KB was
	 * a tenth of a lookup's instructions. */
	err.kind = PROB_INTERNAL;
	err.vi[0] = err.en[0] = '\0';
	err.n = 0;
	err.retry_after = 0;
	pthread_once(&lookup_once, lookup_init);
	if ((wait = ratelimit_take(lookup_limiter, r->remote_ip, clock_mono_ns() / 1000000u)) > 0) {
		dossier_err_set(&err, PROB_TOO_MANY_REQUESTS, "Bạn tra cứu quá nhiều lần. Hãy thử lại "
		    "sau %d giây.", "Too many lookups. Try again in %d seconds.", wait, wait);
		err.retry_after = wait;
		dossier_err_render(r, w, &err);
		return;
	}
	if (dossier_ctx_public(r, w, &x) == -1)
		return;
	if (dossier_public(&x, req_param(r, "code"), req_query(r, "key"), resp_json_body(w, 200),
	    &err) == -1)
		dossier_err_render(r, w, &err);
	resp_header(w, "Cache-Control", "no-store");
}

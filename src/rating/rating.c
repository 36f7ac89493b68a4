/*
 * Satisfaction ratings (see rating.h and docs/RATING.md): parsing, the
 * rules, one transaction per answer with its audit entry, the routes.
 *
 * Rules (docs/RATING.md §2):
 *  - a dossier can be rated once it has its outcome: result_ready,
 *    returned or rejected (the service is rated, not the answer); a
 *    component of a bundle is never rated (its bundle is);
 *  - one rating per dossier; it may be changed for rating_change_days
 *    after the first answer (which keeps deciding the period): online by
 *    the applicant whatever the channel of the first answer, at the desk
 *    only a slip or device entry (staff never overwrite what the applicant
 *    said online); every version is in the audit log;
 *  - the public routes compare the lookup key like the lookup does (same
 *    404 for an unknown code, a malformed key and a wrong key, constant
 *    time) and are rate-limited per client IP with the lookup's settings.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../app.h"
#include "../auth/auth.h"
#include "../core/config.h"
#include "../dossier/dossier.h"
#include "rating.h"

static const char *const criterion_names[RCR__MAX] = { "access", "procedure", "officer",
	"result", "feedback" };
static const char *const level_names[RL__MAX] = { "dissatisfied", "satisfied",
	"very_satisfied" };

const char *
rating_criterion_name(enum rating_criterion c)
{
	return c < RCR__MAX ? criterion_names[c] : NULL;
}

int
rating_level_from(const char *s)
{
	for (int i = 0; s != NULL && i < RL__MAX; i++)
		if (strcmp(level_names[i], s) == 0)
			return i;
	return -1;
}

int
rating_satisfied(const int score[RCR__MAX])
{
	for (int i = 0; i < RCR__MAX; i++)
		if (score[i] == RL_DISSATISFIED)
			return 0;
	return 1;
}

/* The dossier as the rating needs it. */
struct rdos {
	int64_t id, ag; /* ag: the handling agency (lead, else receiving) */
	char code[DOSSIER_CODE_LEN + 1], key[DOSSIER_KEY_LEN + 1];
	char status[24], kind[16], parent[DOSSIER_CODE_LEN + 1];
};

/* One rating (stored or new).  comment is arena-owned or borrowed. */
struct rating {
	char channel[8];
	int score[RCR__MAX]; /* feedback -1 = not applicable */
	int satisfied;
	const char *comment;
	int64_t rated_at, updated_at, revision, entered_by;
	const char *entered_by_name;
};

static struct ratelimit *public_limiter;
static pthread_once_t public_once = PTHREAD_ONCE_INIT;

static void
public_init(void)
{
	/* Lives as long as the process; the config is read-only by now. */
	public_limiter = ratelimit_new((unsigned)config_int(CFG_LOOKUP_RATE), 60,
	    (unsigned)config_int(CFG_LOOKUP_BURST), 8192);
}

static void
unavailable(struct dossier_err *err)
{
	dossier_err_set(err, PROB_UNAVAILABLE, "Không ghi nhận được đánh giá lúc này. Hãy thử lại "
	    "sau.", "The rating service is unavailable. Try again later.");
}

/* ---- reading ------------------------------------------------------------------ */

/* The dossier `code`: every caller when s is NULL, else inside s.
 * DB_OK, DB_NOTFOUND or an error. */
static enum db_rc
dossier_get(struct db_conn *c, const struct scope *s, const char *code, struct rdos *d)
{
	struct db_param a[3];
	struct db_res *res = NULL;
	enum db_rc rc;
	int k;

	memset(d, 0, sizeof(*d));
	if (code == NULL || !dossier_code_valid(code))
		return DB_NOTFOUND;
	if (s != NULL) {
		auth_scope_bind(s, a);
		a[2] = DB_TEXT(code);
		rc = db_exec(c, STMT_RATING_DOSSIER_SCOPED, a, 3, &res);
	} else {
		rc = db_exec(c, STMT_RATING_DOSSIER, (struct db_param[]){ DB_TEXT(code) }, 1, &res);
	}
	if (rc != DB_OK)
		return rc;
	if ((k = db_res_next(res)) == 1) {
		d->id = db_res_int(res, 0);
		str_lcpy(d->code, db_res_text(res, 1), sizeof(d->code));
		str_lcpy(d->key, db_res_text(res, 2), sizeof(d->key));
		str_lcpy(d->status, db_res_text(res, 3), sizeof(d->status));
		str_lcpy(d->kind, db_res_text(res, 4), sizeof(d->kind));
		d->ag = db_res_int(res, 5);
		str_lcpy(d->parent, db_res_text(res, 6), sizeof(d->parent));
	}
	rc = k == 1 ? DB_OK : k == 0 ? DB_NOTFOUND : db_res_rc(res);
	db_res_free(res);
	return rc;
}

/* The stored rating of dossier id into *o (strings in arena a): DB_OK,
 * DB_NOTFOUND or an error. */
static enum db_rc
rating_get(struct db_conn *c, struct arena *a, int64_t id, struct rating *o)
{
	struct db_res *res = NULL;
	enum db_rc rc;
	int k;

	memset(o, 0, sizeof(*o));
	if ((rc = db_exec(c, STMT_RATING_GET, (struct db_param[]){ DB_INT(id) }, 1, &res)) !=
	    DB_OK)
		return rc;
	if ((k = db_res_next(res)) == 1) {
		str_lcpy(o->channel, db_res_text(res, 0), sizeof(o->channel));
		for (int i = 0; i < RCR__MAX; i++)
			o->score[i] = (int)db_res_int(res, 1 + i);
		o->satisfied = (int)db_res_int(res, 6);
		o->comment = arena_strdup(a, db_res_text(res, 7));
		o->rated_at = db_res_int(res, 8);
		o->updated_at = db_res_int(res, 9);
		o->revision = db_res_int(res, 10);
		o->entered_by = db_res_int(res, 11);
		o->entered_by_name = arena_strdup(a, db_res_text(res, 12));
		if (o->comment == NULL || o->entered_by_name == NULL)
			k = -1;
	}
	rc = k == 1 ? DB_OK : k == 0 ? DB_NOTFOUND : (db_res_rc(res) != DB_OK ? db_res_rc(res) :
	    DB_ERROR);
	db_res_free(res);
	return rc;
}

/* ---- the rules ------------------------------------------------------------------ */

/* 0 when d can be rated at all, else -1 with the 422 in err. */
static int
rateable(const struct rdos *d, struct dossier_err *err)
{
	if (strcmp(d->kind, "component") == 0) {
		dossier_err_set(err, PROB_UNPROCESSABLE, "Đây là một thủ tục thành phần của hồ sơ "
		    "liên thông %s; đánh giá được ghi cho hồ sơ liên thông, không cho từng thủ tục "
		    "thành phần.", "This is a component of the interlinked dossier %s; the rating "
		    "belongs to that dossier, not to each component.", d->parent, d->parent);
		return -1;
	}
	if (strcmp(d->status, "result_ready") != 0 && strcmp(d->status, "returned") != 0 &&
	    strcmp(d->status, "rejected") != 0) {
		dossier_err_set(err, PROB_UNPROCESSABLE, "Hồ sơ chưa có kết quả giải quyết; chỉ đánh "
		    "giá được khi hồ sơ đã có kết quả (kể cả khi bị trả lại vì không đủ điều kiện).",
		    "The dossier has no outcome yet; it can be rated once it has one (a rejection "
		    "included).");
		return -1;
	}
	return 0;
}

/* Until when a rating made at rated_at may change (0 = never). */
static int64_t
change_until(int64_t rated_at)
{
	int64_t days = config_int(CFG_RATING_CHANGE_DAYS);

	return days > 0 ? rated_at + days * 86400 : 0;
}

/* May a new answer by `channel` replace `old` at `now`?  0, or -1 with the
 * 409 in err. */
static int
may_replace(const struct rating *old, const char *channel, int64_t now,
    struct dossier_err *err)
{
	int64_t until = change_until(old->rated_at);
	char iso[32];

	if (strcmp(channel, "online") != 0 && strcmp(old->channel, "online") == 0) {
		dossier_err_set(err, PROB_CONFLICT, "Người nộp hồ sơ đã tự đánh giá trực tuyến; "
		    "phiếu đánh giá tại quầy không thay thế đánh giá đó.", "The applicant rated this "
		    "dossier online; a desk entry does not replace that rating.");
		return -1;
	}
	if (until == 0 || now > until) {
		time_format_iso(until, iso);
		if (until == 0)
			dossier_err_set(err, PROB_CONFLICT, "Hồ sơ này đã được đánh giá; đánh giá không "
			    "thay đổi được.", "This dossier has already been rated; ratings are final.");
		else
			dossier_err_set(err, PROB_CONFLICT, "Hồ sơ này đã được đánh giá; chỉ được thay "
			    "đổi đến %s.", "This dossier has already been rated; it could be changed "
			    "until %s.", iso, iso);
		return -1;
	}
	return 0;
}

/* ---- input ------------------------------------------------------------------------ */

/* 1 if s is 0..max characters of valid UTF-8 without control characters
 * other than line breaks and tabs. */
static int
comment_ok(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (!str_utf8_valid(s, n) || str_utf8_len(s) > max)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if ((ch < 0x20 && ch != '\n' && ch != '\t' && ch != '\r') || ch == 0x7f)
			return 0;
	}
	return 1;
}

/* The body of an answer.  staff: channel slip|device is required and key
 * is not a member; public: channel is online, key may be a member (*key
 * then points into body).  0, or -1 with every invalid member in err. */
static int
parse_body(json_t *body, int staff, struct rating *o, const char **key, struct dossier_err *err)
{
	const char *k;
	json_t *v;

	memset(o, 0, sizeof(*o));
	o->comment = "";
	json_object_foreach(body, k, v) {
		int known = strcmp(k, "comment") == 0 ||
		    (staff ? strcmp(k, "channel") == 0 : strcmp(k, "key") == 0);

		for (int i = 0; i < RCR__MAX && !known; i++)
			known = strcmp(k, criterion_names[i]) == 0;
		if (!known)
			dossier_err_param(err, k, "Trường không được hỗ trợ.", "Unknown member.");
	}
	for (int i = 0; i < RCR__MAX; i++) {
		json_t *x = json_object_get(body, criterion_names[i]);

		o->score[i] = -1;
		if (i == RCR_FEEDBACK && (x == NULL || json_is_null(x)))
			continue; /* no feedback was made: not applicable */
		if ((o->score[i] = rating_level_from(json_string_value(x))) < 0)
			dossier_err_param(err, criterion_names[i], "Chọn một mức: very_satisfied (Rất "
			    "hài lòng), satisfied (Hài lòng) hoặc dissatisfied (Không hài lòng).",
			    "Choose one level: very_satisfied, satisfied or dissatisfied.");
	}
	if ((v = json_object_get(body, "comment")) != NULL && !json_is_null(v)) {
		if (!json_is_string(v) || !comment_ok(json_string_value(v), RATING_COMMENT_MAX))
			dossier_err_param(err, "comment", "Ý kiến tối đa %d ký tự, không có ký tự điều "
			    "khiển.", "At most %d characters, no control characters.",
			    RATING_COMMENT_MAX, RATING_COMMENT_MAX);
		else
			o->comment = json_string_value(v);
	}
	if (staff) {
		const char *ch = json_string_value(json_object_get(body, "channel"));

		if (ch == NULL || (strcmp(ch, "slip") != 0 && strcmp(ch, "device") != 0))
			dossier_err_param(err, "channel", "Chọn slip (phiếu giấy) hoặc device (thiết bị "
			    "đánh giá tại quầy).", "One of slip (paper slip), device (counter device).");
		else
			str_lcpy(o->channel, ch, sizeof(o->channel));
	} else {
		str_lcpy(o->channel, "online", sizeof(o->channel));
		if ((v = json_object_get(body, "key")) != NULL) {
			if (!json_is_string(v))
				dossier_err_param(err, "key", "Mã tra cứu là một chuỗi.",
				    "The lookup key is a string.");
			else if (*key == NULL)
				*key = json_string_value(v);
		}
	}
	if (err->n > 0)
		return -1;
	o->satisfied = rating_satisfied(o->score);
	return 0;
}

/* ---- output ----------------------------------------------------------------------- */

static json_t *
iso_or_null(int64_t t)
{
	char iso[32];

	if (t == 0)
		return json_null();
	time_format_iso(t, iso);
	return json_string(iso);
}

/* The rating as JSON; staff also see the comment and who entered it. */
static json_t *
rating_json(const struct rating *o, int staff, int64_t now)
{
	json_t *crit = json_object(), *j;
	int64_t until = change_until(o->rated_at);

	for (int i = 0; i < RCR__MAX; i++)
		json_object_set_new(crit, criterion_names[i], o->score[i] >= 0 &&
		    o->score[i] < RL__MAX ? json_string(level_names[o->score[i]]) : json_null());
	j = json_pack("{s:s, s:o, s:b, s:o, s:o, s:I, s:o}", "channel", o->channel, "criteria",
	    crit, "satisfied", o->satisfied, "rated_at", iso_or_null(o->rated_at), "updated_at",
	    iso_or_null(o->updated_at), "revision", (json_int_t)o->revision, "changeable_until",
	    until > now ? iso_or_null(until) : json_null());
	if (staff && j != NULL) {
		json_object_set_new(j, "comment", json_string(o->comment ? o->comment : ""));
		json_object_set_new(j, "entered_by", o->entered_by_name && o->entered_by_name[0] ?
		    json_string(o->entered_by_name) : json_null());
	}
	return j;
}

/* The audit detail of an answer. */
static json_t *
audit_json(const struct rating *o)
{
	json_t *j = json_pack("{s:s, s:b, s:s, s:I}", "channel", o->channel, "satisfied",
	    o->satisfied, "comment", o->comment ? o->comment : "", "revision",
	    (json_int_t)o->revision);

	for (int i = 0; j != NULL && i < RCR__MAX; i++)
		json_object_set_new(j, criterion_names[i], o->score[i] >= 0 ?
		    json_string(level_names[o->score[i]]) : json_null());
	return j;
}

/* ---- the transaction -------------------------------------------------------------- */

static struct db_param
score_param(int s)
{
	return s >= 0 ? DB_INT(s) : DB_NULL;
}

/* A desk entry names the official (or the device token) who entered it. */
static void
entered_by(struct rating *n, const struct principal *who)
{
	n->entered_by = who->kind == PRINCIPAL_USER ? who->id : 0;
	n->entered_by_name = who->full_name && who->full_name[0] ? who->full_name : who->name;
}

/* Who gives an answer, when, and where its strings live: a route's
 * request or a caller without one (the demo).  who NULL = nobody signed in
 * (the applicant online). */
struct rating_actor {
	const struct principal *who;
	const char *request_id;
	int64_t now;
	struct arena *arena;
};

/* Store answer n for d at n->updated_at (= x->now) in one transaction with
 * its audit entry.  *created = 1 for a first rating.  0, or -1 with err
 * (nothing written). */
static int
rating_store(const struct rating_actor *x, struct db_conn *c, const struct rdos *d,
    struct rating *n, int *created, struct dossier_err *err)
{
	struct rating old;
	struct db_res *res = NULL;
	char obj[64];
	int64_t now = n->updated_at;
	enum db_rc rc;
	int k;

	*created = 0;
	if (db_begin(c) != DB_OK) {
		unavailable(err);
		return -1;
	}
	if ((rc = rating_get(c, x->arena, d->id, &old)) != DB_OK && rc != DB_NOTFOUND)
		goto fail_db;
	if (rc == DB_OK && may_replace(&old, n->channel, now, err) == -1)
		goto fail;
	{
		struct db_param a[12] = { DB_INT(d->id), DB_TEXT(n->channel),
			score_param(n->score[0]), score_param(n->score[1]), score_param(n->score[2]),
			score_param(n->score[3]), score_param(n->score[4]), DB_INT(n->satisfied),
			DB_TEXT(n->comment), DB_INT(now), n->entered_by ? DB_INT(n->entered_by) :
			DB_NULL, DB_INT(old.revision) };

		if (rc == DB_NOTFOUND)
			rc = db_exec(c, STMT_RATING_INSERT, a, 11, &res);
		else
			rc = db_exec(c, STMT_RATING_UPDATE, a, 12, &res);
	}
	if (rc != DB_OK)
		goto fail_db;
	k = db_res_next(res);
	if (k == 1)
		n->revision = db_res_int(res, 0);
	db_res_free(res);
	if (k < 0)
		goto fail_db;
	if (k == 0) {
		/* Another answer was stored between our read and our write. */
		dossier_err_set(err, PROB_CONFLICT, "Hồ sơ vừa được đánh giá bởi một yêu cầu khác; "
		    "hãy tải lại và thử lại.", "The dossier was just rated by another request; "
		    "reload and try again.");
		goto fail;
	}
	*created = old.revision == 0;
	n->rated_at = *created ? now : old.rated_at;
	snprintf(obj, sizeof(obj), "dossier:%s", d->code);
	{
		json_t *detail = audit_json(n);

		if (!*created)
			json_object_set_new(detail, "previous", audit_json(&old));
		if (auth_audit_by(c, x->who, x->request_id, x->arena, x->now, d->ag, *created ?
		    "rating.create" : "rating.change", obj, detail) != DB_OK)
			goto fail_db;
	}
	if (db_commit(c) != DB_OK)
		goto fail_db;
	return 0;
fail_db:
	unavailable(err);
fail:
	db_rollback(c);
	return -1;
}

/* ---- handlers ----------------------------------------------------------------------- */

/* The state of d for the pages: {code, rateable, reason, rating,
 * component_of}.  staff picks the staff view (comment, who entered it)
 * and asks whether a desk entry may be made; else an online answer. */
static json_t *
state_json(struct req *r, struct db_conn *c, const struct rdos *d, int staff, int en,
    enum db_rc *rcp)
{
	struct dossier_err why;
	struct rating o;
	int64_t now = clock_now();
	enum db_rc rc = rating_get(c, r->arena, d->id, &o);
	int can;

	memset(&why, 0, sizeof(why));
	*rcp = rc == DB_NOTFOUND ? DB_OK : rc;
	if (*rcp != DB_OK)
		return NULL;
	can = rateable(d, &why) == 0 && (rc == DB_NOTFOUND ||
	    may_replace(&o, staff ? "slip" : "online", now, &why) == 0);
	return json_pack("{s:s, s:b, s:o, s:o, s:o}", "code", d->code, "rateable", can, "reason",
	    can ? json_null() : json_string(en ? why.en : why.vi), "rating", rc == DB_OK ?
	    rating_json(&o, staff, now) : json_null(), "component_of",
	    strcmp(d->kind, "component") == 0 ? json_string(d->parent) : json_null());
}

/* The public routes' common start: the limiter, the dossier by code and
 * key.  0 with *c and d, or -1 after answering. */
static int
public_open(struct req *r, struct resp *w, const char *key, struct db_conn **c,
    struct rdos *d)
{
	static const char dummy[DOSSIER_KEY_LEN + 1] = "ZZZZZZZZ";
	struct dossier_err err;
	char k[DOSSIER_KEY_LEN + 1];
	enum db_rc rc;
	int key_ok = 0, wait, match;

	memset(&err, 0, sizeof(err));
	memset(k, 0, sizeof(k));
	pthread_once(&public_once, public_init);
	if ((wait = ratelimit_take(public_limiter, r->remote_ip, clock_mono_ns() / 1000000u)) > 0) {
		dossier_err_set(&err, PROB_TOO_MANY_REQUESTS, "Bạn gửi quá nhiều yêu cầu. Hãy thử "
		    "lại sau %d giây.", "Too many requests. Try again in %d seconds.", wait, wait);
		err.retry_after = wait;
		goto fail;
	}
	if ((*c = app_conn(r, w)) == NULL)
		return -1;
	/* Keys are printed in capitals; accept what a person types. */
	if (key != NULL && strlen(key) == DOSSIER_KEY_LEN) {
		for (size_t i = 0; i < DOSSIER_KEY_LEN; i++)
			k[i] = key[i] >= 'a' && key[i] <= 'z' ? (char)(key[i] - 'a' + 'A') : key[i];
		key_ok = dossier_lookup_key_valid(k);
	}
	rc = dossier_get(*c, NULL, req_param(r, "code"), d);
	if (rc != DB_OK && rc != DB_NOTFOUND) {
		unavailable(&err);
		goto fail;
	}
	/* Compared in constant time against the stored key or a dummy, so an
	 * unknown code and a wrong key take the same path (as the lookup). */
	match = str_ct_equal(rc == DB_OK ? d->key : dummy, key_ok ? k : dummy, DOSSIER_KEY_LEN);
	if (rc != DB_OK || !key_ok || !match) {
		dossier_err_set(&err, PROB_NOT_FOUND, "Không tìm thấy hồ sơ với mã số hồ sơ và mã tra "
		    "cứu đã nhập. Hãy kiểm tra lại trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả.",
		    "No dossier matches this code and lookup key. Check them on the receipt.");
		goto fail;
	}
	return 0;
fail:
	dossier_err_render(r, w, &err);
	resp_header(w, "Cache-Control", "no-store");
	return -1;
}

static int
req_en(const struct req *r)
{
	return r->lang != NULL && strcmp(r->lang, "en") == 0;
}

/* GET /api/v1/public/dossiers/{code}/rating?key= */
static void
rating_http_public_get(struct req *r, struct resp *w)
{
	struct db_conn *c;
	struct rdos d;
	enum db_rc rc;
	json_t *j;

	if (public_open(r, w, req_query(r, "key"), &c, &d) == -1)
		return;
	if ((j = state_json(r, c, &d, 0, req_en(r), &rc)) == NULL) {
		resp_problem(w, r, PROB_UNAVAILABLE, NULL, NULL);
		return;
	}
	resp_json(w, 200, j);
	resp_header(w, "Cache-Control", "no-store");
}

/* The answer of both POST routes. */
static void
answer(struct resp *w, const struct rdos *d, struct rating *n, int staff, int created)
{
	json_t *j = rating_json(n, staff, n->updated_at);

	json_object_set_new(j, "code", json_string(d->code));
	resp_json(w, created ? 201 : 200, j);
	resp_header(w, "Cache-Control", "no-store");
}

/* POST /api/v1/public/dossiers/{code}/rating?key= (or key in the body) */
static void
rating_http_public_post(struct req *r, struct resp *w)
{
	struct dossier_err err;
	struct rating_actor x;
	struct db_conn *c;
	struct rdos d;
	struct rating n;
	const char *key = req_query(r, "key");
	json_t *body;
	int created;

	memset(&err, 0, sizeof(err));
	if ((body = req_json_object(r, w)) == NULL)
		return;
	/* The body first: a malformed answer says so without spending a
	 * lookup, and carries the key when the query does not. */
	if (parse_body(body, 0, &n, &key, &err) == -1) {
		dossier_err_render(r, w, &err);
		goto out;
	}
	if (public_open(r, w, key, &c, &d) == -1)
		goto out;
	if (rateable(&d, &err) == -1) {
		dossier_err_render(r, w, &err);
		goto out;
	}
	n.updated_at = clock_now();
	x = (struct rating_actor){ auth_principal(r), r->request_id, n.updated_at, r->arena };
	if (rating_store(&x, c, &d, &n, &created, &err) == -1) {
		dossier_err_render(r, w, &err);
		goto out;
	}
	answer(w, &d, &n, 0, created);
out:
	json_decref(body);
}

/* GET /api/v1/dossiers/{code}/rating (staff, scoped) */
static void
rating_http_staff_get(struct req *r, struct resp *w)
{
	struct scoped s;
	struct rdos d;
	enum db_rc rc;
	json_t *j;

	if (auth_scoped(r, w, &s) == -1)
		return;
	if ((rc = dossier_get(s.conn, &s.scope, req_param(r, "code"), &d)) == DB_NOTFOUND) {
		resp_problem(w, r, PROB_NOT_FOUND, "Không có hồ sơ này trong phạm vi của bạn.",
		    "No such dossier within your scope.");
		return;
	}
	if (rc != DB_OK || (j = state_json(r, s.conn, &d, 1, req_en(r), &rc)) == NULL) {
		resp_problem(w, r, PROB_UNAVAILABLE, NULL, NULL);
		return;
	}
	resp_json(w, 200, j);
	resp_header(w, "Cache-Control", "no-store");
}

/* POST /api/v1/dossiers/{code}/rating (rating.enter, scoped): a paper
 * slip or a counter device's answer entered at the desk. */
static void
rating_http_staff_post(struct req *r, struct resp *w)
{
	struct dossier_err err;
	struct rating_actor x;
	struct scoped s;
	struct rdos d;
	struct rating n;
	const char *nokey = NULL;
	json_t *body = NULL;
	enum db_rc rc;
	int created;

	memset(&err, 0, sizeof(err));
	if (auth_scoped(r, w, &s) == -1)
		return;
	if ((body = req_json_object(r, w)) == NULL)
		return;
	if (parse_body(body, 1, &n, &nokey, &err) == -1)
		goto fail;
	if ((rc = dossier_get(s.conn, &s.scope, req_param(r, "code"), &d)) == DB_NOTFOUND) {
		dossier_err_set(&err, PROB_NOT_FOUND, "Không có hồ sơ này trong phạm vi của bạn.",
		    "No such dossier within your scope.");
		goto fail;
	}
	if (rc != DB_OK) {
		unavailable(&err);
		goto fail;
	}
	if (rateable(&d, &err) == -1)
		goto fail;
	n.updated_at = clock_now();
	entered_by(&n, s.who);
	x = (struct rating_actor){ s.who, r->request_id, n.updated_at, r->arena };
	if (rating_store(&x, s.conn, &d, &n, &created, &err) == -1)
		goto fail;
	answer(w, &d, &n, 1, created);
	goto out;
fail:
	dossier_err_render(r, w, &err);
out:
	json_decref(body);
}

/* ---- without HTTP --------------------------------------------------------------------- */

int
rating_record(struct db_conn *c, struct arena *a, const struct principal *staff,
    const char *code, json_t *body, int64_t now, struct dossier_err *err)
{
	struct rating_actor x = { staff, "", now, a };
	struct scope s = auth_scope_of(staff);
	const char *nokey = NULL;
	struct rating n;
	struct rdos d;
	enum db_rc rc;
	int created;

	if (staff != NULL && !auth_can(staff, ACT_RATING_ENTER)) {
		dossier_err_set(err, PROB_FORBIDDEN, "Tài khoản không có quyền nhập phiếu đánh giá.",
		    "The account may not enter rating slips.");
		return -1;
	}
	if (parse_body(body, staff != NULL, &n, &nokey, err) == -1)
		return -1;
	/* The applicant reaches any dossier they hold; staff only their scope
	 * (the routes' rules). */
	if ((rc = dossier_get(c, staff != NULL ? &s : NULL, code, &d)) == DB_NOTFOUND) {
		dossier_err_set(err, PROB_NOT_FOUND, "Không có hồ sơ %s.", "No dossier %s.", code ?
		    code : "", code ? code : "");
		return -1;
	}
	if (rc != DB_OK) {
		unavailable(err);
		return -1;
	}
	if (rateable(&d, err) == -1)
		return -1;
	n.updated_at = now;
	if (staff != NULL)
		entered_by(&n, staff);
	return rating_store(&x, c, &d, &n, &created, err);
}

const struct route rating_routes[] = {
	{ HTTP_GET, "/api/v1/public/dossiers/{code}/rating", rating_http_public_get, ACT_PUBLIC },
	{ HTTP_POST, "/api/v1/public/dossiers/{code}/rating", rating_http_public_post,
	    ACT_PUBLIC },
	{ HTTP_GET, "/api/v1/dossiers/{code}/rating", rating_http_staff_get, ACT_DOSSIER_READ },
	{ HTTP_POST, "/api/v1/dossiers/{code}/rating", rating_http_staff_post, ACT_RATING_ENTER },
};
const size_t rating_nroutes = CORE_NELEM(rating_routes);

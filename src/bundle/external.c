/*
 * External systems (police residence database, tax, social insurance ...)
 * that interlinked components are handed off to: one webhook URL and one
 * HMAC-SHA256 secret per system, managed by the province's administrators
 * through the API (admin role), the CLI (`motcua bundle external ...`) and
 * web/staff/admin/external.html.  docs/BUNDLE.md §6.
 *
 * The secret is stored as given (it must be usable to sign; the database
 * is the trust boundary, as for the applicants' data the hand-offs carry),
 * leaves the server only in the answer that created it, and only when the
 * server generated it; afterwards only its fingerprint (the first 16 hex
 * digits of its SHA-256) is shown.  It is never logged nor audited.
 * Every change is one transaction with its audit entry.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../audit/audit.h"
#include "../core/config.h"
#include "bundle_int.h"

#define EXT_CODE_MAX 32
#define EXT_NAME_MAX 200 /* characters */
#define EXT_URL_MAX 2048
#define EXT_SECRET_MIN 32
#define EXT_SECRET_MAX 256
#define EXT_FP_LEN 16

/* Who changes a system: an HTTP request (audited as its principal) or the
 * CLI (audited as "cli"). */
struct ext_actor {
	struct req *r; /* NULL = the command line */
	int64_t now;
};

/* ---- validation -------------------------------------------------------------------- */

static int
ext_code_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > EXT_CODE_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

static int
ext_name_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > 4 * EXT_NAME_MAX || !str_utf8_valid(s, n) || strspn(s, " ") == n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return str_utf8_len(s) <= EXT_NAME_MAX;
}

int
bundle_external_url_ok(const char *s)
{
	const char *host, *end;
	size_t n = s ? strlen(s) : 0, hl;
	int https;

	if (n == 0 || n > EXT_URL_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return 0;
	https = strncmp(s, "https://", 8) == 0;
	if (!https && strncmp(s, "http://", 7) != 0)
		return 0;
	host = s + (https ? 8 : 7);
	if (strchr(host, '@') != NULL && strchr(host, '@') < host + strcspn(host, "/?#"))
		return 0; /* no credentials in the URL: the secret signs, nothing else */
	if (host[0] == '[')
		end = strchr(host, ']') ? strchr(host, ']') + 1 : host;
	else
		end = host + strcspn(host, ":/?#");
	hl = (size_t)(end - host);
	if (hl == 0)
		return 0;
	if (https)
		return 1;
	/* Plain HTTP would carry the applicant's personal data in clear: only
	 * to this machine (a local relay, the tests). */
	return (hl == 9 && strncmp(host, "127.0.0.1", 9) == 0) ||
	    (hl == 9 && strncmp(host, "localhost", 9) == 0) ||
	    (hl == 5 && strncmp(host, "[::1]", 5) == 0);
}

static int
ext_secret_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n < EXT_SECRET_MIN || n > EXT_SECRET_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return 0;
	return 1;
}

static void
ext_fingerprint(const char *secret, char out[EXT_FP_LEN + 1])
{
	char hex[AUTH_HEX256];

	auth_sha256_hex(secret, strlen(secret), hex);
	memcpy(out, hex, EXT_FP_LEN);
	out[EXT_FP_LEN] = '\0';
	str_wipe(hex, sizeof(hex));
}

/* A new secret: 256 random bits in hex. */
static int
ext_secret_new(char out[65])
{
	unsigned char b[32];
	static const char hex[] = "0123456789abcdef";

	if (rand_bytes(b, sizeof(b)) == -1)
		return -1;
	for (size_t i = 0; i < sizeof(b); i++) {
		out[2 * i] = hex[b[i] >> 4];
		out[2 * i + 1] = hex[b[i] & 15];
	}
	out[64] = '\0';
	str_wipe(b, sizeof(b));
	return 0;
}

/* The optional "secret" member: -1 (and an invalid param) when malformed. */
static int
ext_body_secret(json_t *body, const char **out, struct dossier_err *err)
{
	json_t *v = body ? json_object_get(body, "secret") : NULL;

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v) || !ext_secret_ok(json_string_value(v))) {
		dossier_err_param(err, "secret", "Khóa bí mật cần %d–%d ký tự ASCII in được, không có "
		    "dấu cách (bỏ trống để hệ thống tự sinh).", "The secret must be %d–%d printable "
		    "ASCII characters without spaces (leave it out to have one generated).",
		    EXT_SECRET_MIN, EXT_SECRET_MAX, EXT_SECRET_MIN, EXT_SECRET_MAX);
		return -1;
	}
	*out = json_string_value(v);
	return 0;
}

/* Wipe a given secret from a parsed body before it is freed. */
static void
ext_wipe_body(json_t *body)
{
	json_t *v = body ? json_object_get(body, "secret") : NULL;

	if (json_is_string(v))
		str_wipe((char *)json_string_value(v), json_string_length(v));
}

static void
ext_err_db(struct dossier_err *err)
{
	dossier_err_set(err, PROB_UNAVAILABLE, "Không đọc/ghi được cơ sở dữ liệu.",
	    "The database could not be read or written.");
}

static void
ext_err_missing(struct dossier_err *err, const char *code)
{
	dossier_err_set(err, PROB_NOT_FOUND, "Không có hệ thống ngoài mã \"%s\".",
	    "No external system \"%s\".", code, code);
}

/* ---- reading ------------------------------------------------------------------------- */

static json_t *
ext_time(int64_t t)
{
	return t != 0 ? dossier_time_json(t) : json_null();
}

/* The systems (code NULL or "" = all) as JSON objects, never the secret. */
static enum db_rc
ext_list(struct db_conn *c, const char *code, json_t **out, int64_t *agency_id)
{
	struct db_res *res = NULL;
	enum db_rc rc;
	int k;

	*out = json_array();
	if ((rc = db_exec(c, STMT_BUN_EXT_LIST, (struct db_param[]){ DB_TEXT(code ? code : "") }, 1,
	    &res)) != DB_OK)
		return rc;
	while ((k = db_res_next(res)) == 1) {
		json_t *o = json_pack("{s:s, s:s, s:{s:s, s:s}, s:s, s:s, s:b, s:o, s:o, s:o}",
		    "code", db_res_text(res, 0), "name", db_res_text(res, 1), "agency", "code",
		    db_res_text(res, 2), "name", db_res_text(res, 3), "webhook_url",
		    db_res_text(res, 4), "secret_fingerprint", db_res_text(res, 5), "enabled",
		    db_res_int(res, 6) != 0, "created_at", ext_time(db_res_int(res, 7)), "updated_at",
		    ext_time(db_res_int(res, 8)), "secret_rotated_at", ext_time(db_res_int(res, 9)));

		json_object_set_new(o, "pending", json_pack("{s:I, s:o, s:s}", "events",
		    (json_int_t)db_res_int(res, 11), "oldest_at", ext_time(db_res_int(res, 12)),
		    "last_error", db_res_text(res, 13)));
		if (agency_id != NULL)
			*agency_id = db_res_int(res, 10);
		json_array_append_new(*out, o);
	}
	rc = k < 0 ? db_res_rc(res) : DB_OK;
	db_res_free(res);
	return rc;
}

/* One system by code: DB_OK with *out, DB_NOTFOUND, or an error. */
static enum db_rc
ext_one(struct db_conn *c, const char *code, json_t **out, int64_t *agency_id)
{
	json_t *list = NULL;
	enum db_rc rc = ext_list(c, code, &list, agency_id);

	*out = NULL;
	if (rc == DB_OK && json_array_size(list) == 0)
		rc = DB_NOTFOUND;
	if (rc == DB_OK)
		*out = json_incref(json_array_get(list, 0));
	json_decref(list);
	return rc;
}

/* ---- writing ------------------------------------------------------------------------- */

static enum db_rc
ext_audit(struct db_conn *c, const struct ext_actor *a, int64_t agency, const char *action,
    const char *code, json_t *detail)
{
	char object[64];
	struct audit_entry e;
	char *text;
	enum db_rc rc;

	snprintf(object, sizeof(object), "external:%s", code);
	if (a->r != NULL)
		return auth_audit(a->r, c, agency, action, object, detail);
	text = audit_detail_text(detail);
	json_decref(detail);
	if (text == NULL)
		return DB_ERROR;
	e = (struct audit_entry){ .at = a->now, .actor = "cli", .agency_id = agency,
		.action = action, .object = object, .request_id = "", .detail = text };
	rc = audit_append(c, &e, NULL);
	free(text);
	return rc;
}

/* Commit, or roll back and say why. */
static int
ext_finish(struct db_conn *c, enum db_rc rc, struct dossier_err *err)
{
	if (rc == DB_OK && (rc = db_commit(c)) == DB_OK)
		return 0;
	db_rollback(c);
	ext_err_db(err);
	return -1;
}

/* {code, name, agency, webhook_url, secret?, enabled?}: create a system.
 * *out = {system, secret (only when generated)}. */
static int
ext_create(struct db_conn *c, const struct ext_actor *a, json_t *body, json_t **out,
    struct dossier_err *err)
{
	json_t *jc = json_object_get(body, "code"), *jn = json_object_get(body, "name");
	json_t *ja = json_object_get(body, "agency"), *ju = json_object_get(body, "webhook_url");
	json_t *je = json_object_get(body, "enabled"), *sys = NULL;
	const char *given = NULL, *code = json_string_value(jc);
	char gen[65] = "", fp[EXT_FP_LEN + 1];
	int64_t agency = 0, id = 0;
	enum db_rc rc;
	int ret = -1;

	*out = NULL;
	if (!ext_code_ok(code))
		dossier_err_param(err, "code", "Cần mã hệ thống 1–32 ký tự a–z, 0–9, - (đúng tên "
		    "\"external\" trong định nghĩa nhóm), ví dụ police-residence.", "A system code of "
		    "1–32 characters a–z, 0–9, - (the \"external\" name in the group definitions), "
		    "e.g. police-residence.");
	if (!json_is_string(jn) || !ext_name_ok(json_string_value(jn)))
		dossier_err_param(err, "name", "Cần tên hệ thống (1–200 ký tự).",
		    "A system name of 1–200 characters is required.");
	if (!json_is_string(ju) || !bundle_external_url_ok(json_string_value(ju)))
		dossier_err_param(err, "webhook_url", "Cần địa chỉ https:// (http:// chỉ cho máy này: "
		    "127.0.0.1, localhost), tối đa 2048 ký tự, không chứa tài khoản.", "An https:// "
		    "URL is required (http:// only to this machine: 127.0.0.1, localhost), at most 2048 "
		    "characters, without credentials.");
	if (je != NULL && !json_is_boolean(je))
		dossier_err_param(err, "enabled", "Cần true hoặc false.", "Must be true or false.");
	(void)ext_body_secret(body, &given, err);
	if (!json_is_string(ja))
		dossier_err_param(err, "agency", "Cần mã cơ quan mà hệ thống làm việc thay (QCVN 102).",
		    "The code of the agency the system acts for (QCVN 102) is required.");
	else if ((rc = db_scalar_int(c, STMT_BUN_AGENCY_ID, (struct db_param[]){
	    DB_TEXT(json_string_value(ja)) }, 1, &agency)) == DB_NOTFOUND)
		dossier_err_param(err, "agency", "Không có cơ quan mã này.", "No such agency.");
	else if (rc != DB_OK) {
		ext_err_db(err);
		return -1;
	}
	if (err->n > 0)
		return -1;
	if (given == NULL && ext_secret_new(gen) == -1) {
		dossier_err_set(err, PROB_INTERNAL, "Không sinh được khóa bí mật.",
		    "Could not generate a secret.");
		return -1;
	}
	ext_fingerprint(given ? given : gen, fp);
	if ((rc = db_begin(c)) != DB_OK) {
		ext_err_db(err);
		goto out;
	}
	rc = db_scalar_int(c, STMT_BUN_EXT_INSERT, (struct db_param[]){ DB_TEXT(code),
	    DB_TEXT(json_string_value(jn)), DB_INT(agency), DB_TEXT(json_string_value(ju)),
	    DB_TEXT(given ? given : gen), DB_TEXT(fp), DB_INT(je == NULL || json_is_true(je)),
	    DB_INT(a->now) }, 8, &id);
	if (rc == DB_CONSTRAINT) {
		db_rollback(c);
		dossier_err_set(err, PROB_CONFLICT, "Đã có hệ thống ngoài mã \"%s\".",
		    "External system \"%s\" exists already.", code, code);
		goto out;
	}
	if (rc == DB_OK)
		rc = ext_audit(c, a, agency, "external.create", code, json_pack("{s:s, s:s, s:s, s:s, "
		    "s:b}", "name", json_string_value(jn), "agency", json_string_value(ja),
		    "webhook_url", json_string_value(ju), "secret_fingerprint", fp, "enabled",
		    je == NULL || json_is_true(je)));
	if (ext_finish(c, rc, err) == -1)
		goto out;
	if (ext_one(c, code, &sys, NULL) != DB_OK) {
		ext_err_db(err);
		goto out;
	}
	*out = json_pack("{s:o}", "system", sys);
	if (given == NULL) /* the only time it leaves the server */
		json_object_set_new(*out, "secret", json_string(gen));
	ret = 0;
out:
	str_wipe(gen, sizeof(gen));
	return ret;
}

/* A new secret for `code` (given in body.secret or generated). */
static int
ext_rotate(struct db_conn *c, const struct ext_actor *a, const char *code, json_t *body,
    json_t **out, struct dossier_err *err)
{
	const char *given = NULL;
	char gen[65] = "", fp[EXT_FP_LEN + 1];
	json_t *sys = NULL;
	int64_t agency = 0;
	enum db_rc rc;
	int ret = -1;

	*out = NULL;
	if (ext_body_secret(body, &given, err) == -1)
		return -1;
	if ((rc = ext_one(c, code, &sys, &agency)) != DB_OK) {
		if (rc == DB_NOTFOUND)
			ext_err_missing(err, code);
		else
			ext_err_db(err);
		return -1;
	}
	json_decref(sys);
	if (given == NULL && ext_secret_new(gen) == -1) {
		dossier_err_set(err, PROB_INTERNAL, "Không sinh được khóa bí mật.",
		    "Could not generate a secret.");
		return -1;
	}
	ext_fingerprint(given ? given : gen, fp);
	if ((rc = db_begin(c)) == DB_OK)
		rc = db_exec(c, STMT_BUN_EXT_ROTATE, (struct db_param[]){ DB_TEXT(code),
		    DB_TEXT(given ? given : gen), DB_TEXT(fp), DB_INT(a->now) }, 4, NULL);
	if (rc == DB_OK)
		rc = ext_audit(c, a, agency, "external.rotate", code, json_pack("{s:s}",
		    "secret_fingerprint", fp));
	if (ext_finish(c, rc, err) == -1)
		goto out;
	if (ext_one(c, code, &sys, NULL) != DB_OK) {
		ext_err_db(err);
		goto out;
	}
	*out = json_pack("{s:o}", "system", sys);
	if (given == NULL)
		json_object_set_new(*out, "secret", json_string(gen));
	ret = 0;
out:
	str_wipe(gen, sizeof(gen));
	return ret;
}

/* Disable (its events wait) or enable (they go out again). */
static int
ext_enable(struct db_conn *c, const struct ext_actor *a, const char *code, int on,
    json_t **out, struct dossier_err *err)
{
	json_t *sys = NULL;
	int64_t agency = 0;
	enum db_rc rc;

	*out = NULL;
	if ((rc = ext_one(c, code, &sys, &agency)) != DB_OK) {
		if (rc == DB_NOTFOUND)
			ext_err_missing(err, code);
		else
			ext_err_db(err);
		return -1;
	}
	if (json_is_true(json_object_get(sys, "enabled")) == on) { /* nothing to change */
		*out = sys;
		return 0;
	}
	json_decref(sys);
	if ((rc = db_begin(c)) == DB_OK)
		rc = db_exec(c, STMT_BUN_EXT_ENABLE, (struct db_param[]){ DB_TEXT(code), DB_INT(on),
		    DB_INT(a->now) }, 3, NULL);
	if (rc == DB_OK)
		rc = ext_audit(c, a, agency, on ? "external.enable" : "external.disable", code, NULL);
	if (ext_finish(c, rc, err) == -1)
		return -1;
	if (ext_one(c, code, out, NULL) != DB_OK) {
		ext_err_db(err);
		return -1;
	}
	return 0;
}

/* {name?, webhook_url?, agency?}: change what is given. */
static int
ext_update(struct db_conn *c, const struct ext_actor *a, const char *code, json_t *body,
    json_t **out, struct dossier_err *err)
{
	json_t *jn = json_object_get(body, "name"), *ju = json_object_get(body, "webhook_url");
	json_t *ja = json_object_get(body, "agency"), *sys = NULL, *det;
	const char *name, *url, *key;
	int64_t agency = 0;
	enum db_rc rc;
	json_t *v;

	*out = NULL;
	json_object_foreach(body, key, v)
		if (strcmp(key, "name") != 0 && strcmp(key, "webhook_url") != 0 &&
		    strcmp(key, "agency") != 0)
			dossier_err_param(err, key, "Chỉ sửa được name, webhook_url, agency (khóa bí mật: "
			    "dùng rotate; tạm dừng: disable).", "Only name, webhook_url and agency can be "
			    "changed (the secret: rotate; pausing: disable).");
	if (jn != NULL && (!json_is_string(jn) || !ext_name_ok(json_string_value(jn))))
		dossier_err_param(err, "name", "Cần tên hệ thống (1–200 ký tự).",
		    "A system name of 1–200 characters is required.");
	if (ju != NULL && (!json_is_string(ju) || !bundle_external_url_ok(json_string_value(ju))))
		dossier_err_param(err, "webhook_url", "Cần địa chỉ https:// (http:// chỉ cho máy này: "
		    "127.0.0.1, localhost), tối đa 2048 ký tự, không chứa tài khoản.", "An https:// "
		    "URL is required (http:// only to this machine: 127.0.0.1, localhost), at most 2048 "
		    "characters, without credentials.");
	if (ja != NULL) {
		if (!json_is_string(ja) || (rc = db_scalar_int(c, STMT_BUN_AGENCY_ID,
		    (struct db_param[]){ DB_TEXT(json_string_value(ja)) }, 1, &agency)) == DB_NOTFOUND)
			dossier_err_param(err, "agency", "Không có cơ quan mã này.", "No such agency.");
		else if (rc != DB_OK) {
			ext_err_db(err);
			return -1;
		}
	}
	if (err->n > 0)
		return -1;
	if ((rc = ext_one(c, code, &sys, ja == NULL ? &agency : NULL)) != DB_OK) {
		if (rc == DB_NOTFOUND)
			ext_err_missing(err, code);
		else
			ext_err_db(err);
		return -1;
	}
	name = jn ? json_string_value(jn) : json_string_value(json_object_get(sys, "name"));
	url = ju ? json_string_value(ju) : json_string_value(json_object_get(sys, "webhook_url"));
	det = json_pack("{s:s, s:s, s:s}", "name", name, "webhook_url", url, "agency", ja ?
	    json_string_value(ja) : json_string_value(json_object_get(json_object_get(sys,
	    "agency"), "code")));
	if ((rc = db_begin(c)) == DB_OK)
		rc = db_exec(c, STMT_BUN_EXT_UPDATE, (struct db_param[]){ DB_TEXT(code), DB_TEXT(name),
		    DB_TEXT(url), DB_INT(agency), DB_INT(a->now) }, 5, NULL);
	json_decref(sys);
	if (rc == DB_OK)
		rc = ext_audit(c, a, agency, "external.update", code, det);
	else
		json_decref(det);
	if (ext_finish(c, rc, err) == -1)
		return -1;
	if (ext_one(c, code, out, NULL) != DB_OK) {
		ext_err_db(err);
		return -1;
	}
	return 0;
}

/* ---- HTTP ------------------------------------------------------------------------------ */

/* The scoped connection of an administrator (province-wide). */
static struct db_conn *
ext_conn(struct req *r, struct resp *w)
{
	struct scoped s;

	if (auth_scoped(r, w, &s) == -1)
		return NULL;
	if (!s.scope.all) {
		resp_problem(w, r, PROB_FORBIDDEN, "Chỉ quản trị hệ thống cấp tỉnh quản lý hệ thống "
		    "ngoài.", "Only province-wide administrators manage external systems.");
		return NULL;
	}
	return s.conn;
}

static void
ext_answer(struct req *r, struct resp *w, int rc, int status, json_t *out,
    const struct dossier_err *err)
{
	if (rc == -1) {
		dossier_err_render(r, w, err);
		return;
	}
	resp_json(w, status, out);
	resp_header(w, "Cache-Control", "no-store");
}

static void
http_ext_list(struct req *r, struct resp *w)
{
	struct db_conn *c = ext_conn(r, w);
	json_t *items = NULL;

	if (c == NULL)
		return;
	if (ext_list(c, NULL, &items, NULL) != DB_OK) {
		json_decref(items);
		resp_problem(w, r, PROB_UNAVAILABLE, NULL, NULL);
		return;
	}
	resp_json(w, 200, json_pack("{s:o, s:n}", "items", items, "next_cursor"));
	resp_header(w, "Cache-Control", "no-store");
}

static void
http_ext_create(struct req *r, struct resp *w)
{
	struct db_conn *c = ext_conn(r, w);
	struct ext_actor a = { r, clock_now() };
	struct dossier_err err;
	json_t *body, *out = NULL;
	int rc;

	memset(&err, 0, sizeof(err));
	if (c == NULL || (body = req_json_object(r, w)) == NULL)
		return;
	rc = ext_create(c, &a, body, &out, &err);
	if (rc == 0)
		resp_header(w, "Location", arena_printf(r->arena, "/api/v1/external-systems/%s",
		    json_string_value(json_object_get(body, "code"))));
	ext_wipe_body(body);
	json_decref(body);
	ext_answer(r, w, rc, 201, out, &err);
}

static void
http_ext_rotate(struct req *r, struct resp *w)
{
	struct db_conn *c = ext_conn(r, w);
	struct ext_actor a = { r, clock_now() };
	struct dossier_err err;
	json_t *body = NULL, *out = NULL;
	int rc;

	memset(&err, 0, sizeof(err));
	if (c == NULL)
		return;
	/* The body is optional: none = generate a secret. */
	if (r->body != NULL && r->body_len > 0 && (body = req_json_object(r, w)) == NULL)
		return;
	rc = ext_rotate(c, &a, req_param(r, "code"), body, &out, &err);
	ext_wipe_body(body);
	json_decref(body);
	ext_answer(r, w, rc, 200, out, &err);
}

static void
ext_http_enable(struct req *r, struct resp *w, int on)
{
	struct db_conn *c = ext_conn(r, w);
	struct ext_actor a = { r, clock_now() };
	struct dossier_err err;
	json_t *out = NULL;
	int rc;

	memset(&err, 0, sizeof(err));
	if (c == NULL)
		return;
	rc = ext_enable(c, &a, req_param(r, "code"), on, &out, &err);
	ext_answer(r, w, rc, 200, out, &err);
}

static void
http_ext_disable(struct req *r, struct resp *w)
{
	ext_http_enable(r, w, 0);
}

static void
http_ext_enable(struct req *r, struct resp *w)
{
	ext_http_enable(r, w, 1);
}

static void
http_ext_update(struct req *r, struct resp *w)
{
	struct db_conn *c = ext_conn(r, w);
	struct ext_actor a = { r, clock_now() };
	struct dossier_err err;
	json_t *body, *out = NULL;
	int rc;

	memset(&err, 0, sizeof(err));
	if (c == NULL || (body = req_json_object(r, w)) == NULL)
		return;
	rc = ext_update(c, &a, req_param(r, "code"), body, &out, &err);
	json_decref(body);
	ext_answer(r, w, rc, 200, out, &err);
}

const struct route bundle_external_routes[] = {
	{ HTTP_GET, "/api/v1/external-systems", http_ext_list, ACT_EXTERNAL_READ },
	{ HTTP_POST, "/api/v1/external-systems", http_ext_create, ACT_EXTERNAL_WRITE },
	{ HTTP_PATCH, "/api/v1/external-systems/{code}", http_ext_update, ACT_EXTERNAL_WRITE },
	{ HTTP_POST, "/api/v1/external-systems/{code}/rotate", http_ext_rotate,
	    ACT_EXTERNAL_WRITE },
	{ HTTP_POST, "/api/v1/external-systems/{code}/disable", http_ext_disable,
	    ACT_EXTERNAL_WRITE },
	{ HTTP_POST, "/api/v1/external-systems/{code}/enable", http_ext_enable,
	    ACT_EXTERNAL_WRITE },
};
const size_t bundle_external_nroutes = CORE_NELEM(bundle_external_routes);

/* ---- the command line -------------------------------------------------------------- */

static const char cli_usage[] =
    "cách dùng: motcua bundle external add --code C --name N --agency CODE --url URL "
    "[--secret -]\n"
    "           motcua bundle external list | rotate CODE [--secret -] | disable CODE | "
    "enable CODE\n"
    "           motcua bundle external set-url CODE --url URL\n"
    "  (--secret - đọc khóa bí mật từ stdin; không có: hệ thống tự sinh và in ra một lần)\n";

static int
cli_print_err(const struct dossier_err *err)
{
	fprintf(stderr, "motcua: %s\n", err->vi[0] ? err->vi : "dữ liệu không hợp lệ");
	for (size_t i = 0; i < err->n; i++)
		fprintf(stderr, "  %s: %s\n", err->p[i].name, err->p[i].vi);
	return err->kind == PROB_UNAVAILABLE || err->kind == PROB_INTERNAL ? 1 : 2;
}

/* --secret: only "-" (one line from stdin); a secret on the command line
 * would end up in the shell's history and in `ps`. */
static int
cli_secret(const char *flag, char *out, size_t outsz)
{
	size_t n;

	out[0] = '\0';
	if (flag == NULL)
		return 0;
	if (strcmp(flag, "-") != 0) {
		fputs("motcua: --secret chỉ nhận \"-\" (đọc từ stdin), không nhận khóa trên dòng "
		    "lệnh\n", stderr);
		return -1;
	}
	if (fgets(out, (int)outsz, stdin) == NULL) {
		fputs("motcua: không đọc được khóa bí mật từ stdin\n", stderr);
		return -1;
	}
	n = strcspn(out, "\r\n");
	out[n] = '\0';
	return 0;
}

static void
cli_print_system(json_t *s)
{
	json_t *p = json_object_get(s, "pending");

	printf("%-20s %-8s %-16s %-14s %5lld  %s  %s\n",
	    json_string_value(json_object_get(s, "code")),
	    json_is_true(json_object_get(s, "enabled")) ? "bật" : "tạm dừng",
	    json_string_value(json_object_get(s, "secret_fingerprint")),
	    json_string_value(json_object_get(json_object_get(s, "agency"), "code")),
	    (long long)json_integer_value(json_object_get(p, "events")),
	    json_string_value(json_object_get(s, "webhook_url")),
	    json_string_value(json_object_get(s, "name")));
}

int
bundle_cli(int argc, char **argv)
{
	static const char *const names[] = { "code", "name", "agency", "url", "secret", NULL };
	struct cli_args a = { .names = names };
	struct ext_actor who = { NULL, 0 };
	struct dossier_err err;
	struct db *db = NULL;
	struct db_conn *c;
	const char *sub;
	char secret[EXT_SECRET_MAX + 2];
	json_t *out = NULL, *body = NULL;
	int rc = 2, ok;

	memset(&err, 0, sizeof(err));
	if (argc < 3 || strcmp(argv[1], "external") != 0 || auth_cli_parse(argc, argv, 3, &a) == -1) {
		fputs(cli_usage, stderr);
		return 2;
	}
	sub = argv[2];
	ok = (strcmp(sub, "add") == 0 && a.npos == 0) || (strcmp(sub, "list") == 0 &&
	    a.npos == 0) || ((strcmp(sub, "rotate") == 0 || strcmp(sub, "disable") == 0 ||
	    strcmp(sub, "enable") == 0 || strcmp(sub, "set-url") == 0) && a.npos == 1);
	if (!ok) {
		fputs(cli_usage, stderr);
		return 2;
	}
	if (cli_secret(a.vals[4], secret, sizeof(secret)) == -1)
		return 2;
	if ((c = auth_cli_open(&db)) == NULL)
		return 1;
	who.now = clock_now();
	if (strcmp(sub, "list") == 0) {
		if (ext_list(c, NULL, &out, NULL) != DB_OK) {
			fputs("motcua: lỗi cơ sở dữ liệu\n", stderr);
			rc = 1;
			goto out;
		}
		for (size_t i = 0; i < json_array_size(out); i++)
			cli_print_system(json_array_get(out, i));
		rc = 0;
		goto out;
	}
	body = json_object();
	if (secret[0] != '\0')
		json_object_set_new(body, "secret", json_string(secret));
	if (strcmp(sub, "add") == 0) {
		json_object_set_new(body, "code", a.vals[0] ? json_string(a.vals[0]) : json_null());
		json_object_set_new(body, "name", a.vals[1] ? json_string(a.vals[1]) : json_null());
		json_object_set_new(body, "agency", a.vals[2] ? json_string(a.vals[2]) : json_null());
		json_object_set_new(body, "webhook_url", a.vals[3] ? json_string(a.vals[3]) :
		    json_null());
		ok = ext_create(c, &who, body, &out, &err);
	} else if (strcmp(sub, "rotate") == 0)
		ok = ext_rotate(c, &who, a.pos[0], body, &out, &err);
	else if (strcmp(sub, "set-url") == 0) {
		json_object_clear(body);
		json_object_set_new(body, "webhook_url", a.vals[3] ? json_string(a.vals[3]) :
		    json_null());
		ok = ext_update(c, &who, a.pos[0], body, &out, &err);
	} else
		ok = ext_enable(c, &who, a.pos[0], strcmp(sub, "enable") == 0, &out, &err);
	if (ok == -1) {
		rc = cli_print_err(&err);
		goto out;
	}
	cli_print_system(json_object_get(out, "system") ? json_object_get(out, "system") : out);
	if (json_is_string(json_object_get(out, "secret")))
		printf("khóa bí mật (chỉ in một lần, hãy trao cho hệ thống nhận qua kênh an toàn):\n"
		    "%s\n", json_string_value(json_object_get(out, "secret")));
	rc = 0;
out:
	str_wipe(secret, sizeof(secret));
	ext_wipe_body(body);
	json_decref(out);
	json_decref(body);
	auth_cli_close(db, c);
	return rc;
}

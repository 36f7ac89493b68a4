/*
 * The catalogue's reads and writes through the statement table.  Writers
 * run inside the caller's transaction and never commit; a validation or
 * reference error is reported in catalog_errs with DB_CONSTRAINT so the
 * caller rolls everything back.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../audit/audit.h"
#include "../bundle/bundle.h"
#include "../core/core.h"
#include "catalog_int.h"

#define SEARCH_TEXT_MAX 8192

void
catalog_today(char out[16])
{
	time_format_date(clock_now(), out);
}

static json_t *
jstr(const char *s)
{
	json_t *j = json_string(s ? s : "");

	return j ? j : json_string("");
}

/* A text column as a JSON string, or null when the column is NULL. */
static json_t *
jcol(struct db_res *res, int col)
{
	return db_res_isnull(res, col) ? json_null() : jstr(db_res_text(res, col));
}

static const char *
jget_str(json_t *o, const char *key)
{
	json_t *x = json_object_get(o, key);

	return json_is_string(x) ? json_string_value(x) : "";
}

static int64_t
jget_int(json_t *o, const char *key, int64_t def)
{
	json_t *x = json_object_get(o, key);

	return json_is_integer(x) ? json_integer_value(x) : def;
}

/* Append " folded(s)" to b (nothing for empty or unfoldable text). */
static void
fold_append(struct buf *b, const char *s)
{
	char tmp[4096];

	if (s == NULL || s[0] == '\0' || catalog_fold(s, tmp, sizeof(tmp)) <= 0)
		return;
	buf_puts(b, tmp);
	buf_putc(b, ' ');
}

enum db_rc
cat_audit(struct db_conn *c, const struct catalog_actor *who, const char *action,
    const char *object, json_t *detail)
{
	struct audit_entry e = { 0 };
	json_t *d = detail ? detail : json_object();
	char *text = audit_detail_text(d);
	enum db_rc rc;

	json_decref(d);
	if (text == NULL)
		return DB_ERROR;
	e.actor_id = who->user_id;
	e.actor = who->name;
	e.agency_id = who->agency_id;
	e.action = action;
	e.object = object;
	e.request_id = who->request_id ? who->request_id : "";
	e.detail = text;
	rc = audit_append(c, &e, NULL);
	free(text);
	/* Every catalogue write audits in its transaction, so this is where
	 * the catalogue's version moves: answers cached from an older version
	 * (cache.c) are stale from this commit on, in every process. */
	if (rc == DB_OK)
		rc = db_exec(c, STMT_CAT_STATE_BUMP, NULL, 0, NULL);
	return rc;
}

enum db_rc
cat_version_get(struct db_conn *c, int64_t *version)
{
	return db_scalar_int(c, STMT_CAT_STATE_GET, NULL, 0, version);
}

/* ---- lookups ----------------------------------------------------------- */

static enum db_rc
lookup_id(struct db_conn *c, enum stmt_id st, const char *code, int64_t *id, char *name,
    size_t namesz)
{
	struct db_res *res = NULL;
	enum db_rc rc = db_exec(c, st, (struct db_param[]){ DB_TEXT(code) }, 1, &res);
	int k;

	if (rc != DB_OK)
		return rc;
	if ((k = db_res_next(res)) == 1) {
		*id = db_res_int(res, 0);
		if (name != NULL)
			str_lcpy(name, db_res_text(res, 1), namesz);
		rc = DB_OK;
	} else
		rc = k == 0 ? DB_NOTFOUND : db_res_rc(res);
	db_res_free(res);
	return rc;
}

struct agency_row {
	int64_t id, updated_at, row_version, parent_id;
	char kind[16], tier[16];
};

static enum db_rc
agency_row(struct db_conn *c, enum stmt_id st, struct db_param key, struct agency_row *a)
{
	struct db_res *res = NULL;
	enum db_rc rc = db_exec(c, st, &key, 1, &res);
	int k;

	if (rc != DB_OK)
		return rc;
	if ((k = db_res_next(res)) == 1) {
		a->id = db_res_int(res, 0);
		str_lcpy(a->kind, db_res_text(res, 1), sizeof(a->kind));
		str_lcpy(a->tier, db_res_text(res, 2), sizeof(a->tier));
		a->updated_at = db_res_int(res, 3);
		a->row_version = db_res_int(res, 4);
		a->parent_id = db_res_isnull(res, 5) ? 0 : db_res_int(res, 5);
	} else
		rc = k == 0 ? DB_NOTFOUND : db_res_rc(res);
	db_res_free(res);
	return rc;
}

enum db_rc
cat_field_find(struct db_conn *c, const char *code, int64_t *id)
{
	if (code == NULL || strlen(code) > 64)
		return DB_NOTFOUND;
	return lookup_id(c, STMT_CAT_FIELD_BY_CODE, code, id, NULL, 0);
}

enum db_rc
cat_agency_find(struct db_conn *c, const char *key, int64_t *id)
{
	struct agency_row a;
	int64_t n;
	enum db_rc rc;

	if (key == NULL)
		return DB_NOTFOUND;
	if (str_to_i64(key, 1, INT64_MAX, &n) == 0)
		rc = agency_row(c, STMT_CAT_AGENCY_BY_ID, DB_INT(n), &a);
	else if (catalog_agency_code_valid(key))
		rc = agency_row(c, STMT_CAT_AGENCY_BY_CODE, DB_TEXT(key), &a);
	else
		return DB_NOTFOUND;
	if (rc == DB_OK)
		*id = a.id;
	return rc;
}

enum db_rc
cat_proc_get(struct db_conn *c, const char *code, struct cat_proc *p)
{
	struct db_res *res = NULL;
	enum db_rc rc;
	int k;

	memset(p, 0, sizeof(*p));
	if (code == NULL || strlen(code) > 32)
		return DB_NOTFOUND;
	if ((rc = db_exec(c, STMT_CAT_PROC_BY_CODE, (struct db_param[]){ DB_TEXT(code) }, 1,
	    &res)) != DB_OK)
		return rc;
	if ((k = db_res_next(res)) == 1) {
		p->id = db_res_int(res, 0);
		str_lcpy(p->code, db_res_text(res, 1), sizeof(p->code));
		str_lcpy(p->national, db_res_text(res, 2), sizeof(p->national));
		p->nversions = db_res_int(res, 3);
		str_lcpy(p->abolished_on, db_res_text(res, 4), sizeof(p->abolished_on));
		str_lcpy(p->abolish_decision, db_res_text(res, 5), sizeof(p->abolish_decision));
		p->abolished_at = db_res_isnull(res, 6) ? 0 : db_res_int(res, 6);
		p->created_at = db_res_int(res, 7);
		p->updated_at = db_res_int(res, 8);
		p->row_version = db_res_int(res, 9);
	} else
		rc = k == 0 ? DB_NOTFOUND : db_res_rc(res);
	db_res_free(res);
	return rc;
}

/* ---- writing a version --------------------------------------------------- */

#define REF_MAX 50

struct refs {
	int64_t field_id, bundle_id;
	char field_name[800];
	int64_t lead[REF_MAX], coop[REF_MAX];
	size_t nlead, ncoop;
};

static enum db_rc
refs_agencies(struct db_conn *c, json_t *list, const char *prefix, const char *name,
    int64_t *ids, size_t *n, struct catalog_errs *errs)
{
	size_t i;
	json_t *x;

	*n = 0;
	json_array_foreach(list, i, x) {
		struct agency_row a;
		enum db_rc rc = agency_row(c, STMT_CAT_AGENCY_BY_CODE, DB_TEXT(json_string_value(x)),
		    &a);
		char path[96];

		if (rc == DB_NOTFOUND) {
			snprintf(path, sizeof(path), "%sagencies.%s[%zu]", prefix, name, i);
			catalog_err_add(errs, path, "Không có cơ quan mã %s.", "No agency with code %s.",
			    json_string_value(x));
			continue;
		}
		if (rc != DB_OK)
			return rc;
		if (*n < REF_MAX)
			ids[(*n)++] = a.id;
	}
	return DB_OK;
}

static enum db_rc
refs_resolve(struct db_conn *c, json_t *v, const char *prefix, struct catalog_errs *errs,
    struct refs *r)
{
	json_t *ag = json_object_get(v, "agencies"), *b = json_object_get(v, "bundle");
	char path[96];
	enum db_rc rc;

	memset(r, 0, sizeof(*r));
	rc = lookup_id(c, STMT_CAT_FIELD_BY_CODE, jget_str(v, "field"), &r->field_id, r->field_name,
	    sizeof(r->field_name));
	if (rc == DB_NOTFOUND) {
		snprintf(path, sizeof(path), "%sfield", prefix);
		catalog_err_add(errs, path, "Không có lĩnh vực mã %s.", "No field with code %s.",
		    jget_str(v, "field"));
	} else if (rc != DB_OK)
		return rc;
	if (json_is_string(b)) {
		rc = lookup_id(c, STMT_CAT_BUNDLE_BY_CODE, json_string_value(b), &r->bundle_id, NULL, 0);
		if (rc == DB_NOTFOUND) {
			snprintf(path, sizeof(path), "%sbundle", prefix);
			catalog_err_add(errs, path, "Không có nhóm liên thông mã %s.",
			    "No interlinked group with code %s.", json_string_value(b));
		} else if (rc != DB_OK)
			return rc;
	}
	if (json_is_object(ag)) {
		json_t *l = json_object_get(ag, "lead"), *k = json_object_get(ag, "cooperating");

		if (json_is_array(l) &&
		    (rc = refs_agencies(c, l, prefix, "lead", r->lead, &r->nlead, errs)) != DB_OK)
			return rc;
		if (json_is_array(k) &&
		    (rc = refs_agencies(c, k, prefix, "cooperating", r->coop, &r->ncoop, errs)) != DB_OK)
			return rc;
	}
	return DB_OK;
}

static int
has_string(json_t *arr, const char *s)
{
	size_t i;
	json_t *x;

	json_array_foreach(arr, i, x)
		if (json_is_string(x) && strcmp(json_string_value(x), s) == 0)
			return 1;
	return 0;
}

static enum db_rc
version_children(struct db_conn *c, int64_t vid, json_t *v, const struct refs *r)
{
	json_t *a, *x;
	size_t i;
	enum db_rc rc = DB_OK;

	for (i = 0; rc == DB_OK && i < r->nlead; i++)
		rc = db_exec(c, STMT_CAT_VAGENCY_ADD, (struct db_param[]){ DB_INT(vid),
		    DB_INT(r->lead[i]), DB_TEXT("lead") }, 3, NULL);
	for (i = 0; rc == DB_OK && i < r->ncoop; i++)
		rc = db_exec(c, STMT_CAT_VAGENCY_ADD, (struct db_param[]){ DB_INT(vid),
		    DB_INT(r->coop[i]), DB_TEXT("cooperating") }, 3, NULL);
	a = json_object_get(v, "documents");
	json_array_foreach(a, i, x) {
		json_t *req = json_object_get(x, "required");

		if (rc != DB_OK)
			break;
		rc = db_exec(c, STMT_CAT_DOC_ADD, (struct db_param[]){ DB_INT(vid), DB_INT(i + 1),
		    DB_TEXT(jget_str(x, "name")), DB_INT(jget_int(x, "originals", 0)),
		    DB_INT(jget_int(x, "copies", 0)), DB_INT(req == NULL || json_is_true(req)),
		    DB_TEXT(jget_str(x, "form")), DB_TEXT(jget_str(x, "note")) }, 8, NULL);
	}
	a = json_object_get(v, "fees");
	json_array_foreach(a, i, x) {
		json_t *amt = json_object_get(x, "amount");

		if (rc != DB_OK)
			break;
		rc = db_exec(c, STMT_CAT_FEE_ADD, (struct db_param[]){ DB_INT(vid), DB_INT(i + 1),
		    DB_TEXT(jget_str(x, "kind")), DB_TEXT(jget_str(x, "name")),
		    json_is_integer(amt) ? DB_INT(json_integer_value(amt)) : DB_NULL,
		    DB_TEXT(jget_str(x, "per")), DB_TEXT(jget_str(x, "collector")),
		    DB_TEXT(jget_str(x, "note")) }, 8, NULL);
	}
	a = json_object_get(v, "steps");
	json_array_foreach(a, i, x) {
		if (rc != DB_OK)
			break;
		rc = db_exec(c, STMT_CAT_STEP_ADD, (struct db_param[]){ DB_INT(vid), DB_INT(i + 1),
		    DB_TEXT(jget_str(x, "name")), DB_TEXT(jget_str(x, "unit")),
		    DB_TEXT(jget_str(x, "role")), DB_INT(jget_int(x, "hours", 0)),
		    DB_TEXT(jget_str(x, "note")) }, 7, NULL);
	}
	a = json_object_get(v, "legal_basis");
	json_array_foreach(a, i, x) {
		json_t *d = json_object_get(x, "issued_on");

		if (rc != DB_OK)
			break;
		rc = db_exec(c, STMT_CAT_LEGAL_ADD, (struct db_param[]){ DB_INT(vid), DB_INT(i + 1),
		    DB_TEXT(jget_str(x, "ref")), DB_TEXT(jget_str(x, "title")),
		    json_is_string(d) ? DB_TEXT(json_string_value(d)) : DB_NULL,
		    DB_TEXT(jget_str(x, "issuer")) }, 6, NULL);
	}
	return rc;
}

/* The folded search text of a version: codes, name, field, authority and
 * the lead agencies' names, padded with spaces. */
static enum db_rc
version_search_text(struct db_conn *c, const struct cat_proc *p, json_t *v,
    const struct refs *r, struct buf *b)
{
	buf_putc(b, ' ');
	fold_append(b, p->code);
	fold_append(b, p->national);
	fold_append(b, jget_str(v, "name"));
	fold_append(b, r->field_name);
	fold_append(b, jget_str(v, "authority"));
	for (size_t i = 0; i < r->nlead && b->len < SEARCH_TEXT_MAX / 2; i++) {
		struct db_res *res = NULL;
		enum db_rc rc = db_exec(c, STMT_CAT_AGENCY_GET, (struct db_param[]){
		    DB_INT(r->lead[i]) }, 1, &res);

		if (rc != DB_OK)
			return rc;
		if (db_res_next(res) == 1) {
			fold_append(b, db_res_text(res, 5));
			fold_append(b, db_res_text(res, 6));
		}
		db_res_free(res);
	}
	return b->overflow ? DB_ERROR : DB_OK;
}

#define TOKENS_MAX 256 /* distinct words indexed per version */

/* One procedure_tokens row per distinct word of the search text (cut at
 * CATALOG_TOKEN_MAX bytes, as query words are). */
static enum db_rc
version_tokens(struct db_conn *c, int64_t vid, const char *text)
{
	char tok[CATALOG_TOKEN_MAX + 1];
	int n = 0;
	enum db_rc rc = DB_OK;

	while (*text != '\0' && rc == DB_OK && n < TOKENS_MAX) {
		size_t len, k;

		text += strspn(text, " ");
		if ((len = strcspn(text, " ")) == 0)
			break;
		k = len > CATALOG_TOKEN_MAX ? CATALOG_TOKEN_MAX : len;
		while (k < len && k > 0 && ((unsigned char)text[k] & 0xC0) == 0x80)
			k--;
		memcpy(tok, text, k);
		tok[k] = '\0';
		text += len;
		/* duplicates are ignored by the table */
		rc = db_exec(c, STMT_CAT_TOKEN_ADD, (struct db_param[]){ DB_TEXT(tok), DB_INT(vid) },
		    2, NULL);
		n++;
	}
	return rc;
}

static int
hhmm_minutes(const char *s)
{
	if (s == NULL || strlen(s) != 5)
		return -1;
	return ((s[0] - '0') * 10 + (s[1] - '0')) * 60 + (s[3] - '0') * 10 + (s[4] - '0');
}

/* Insert the version row and its children for p (whose nversions was just
 * bumped to the new number). */
static enum db_rc
version_insert(struct db_conn *c, const struct cat_proc *p, json_t *v, const struct refs *r,
    const struct catalog_actor *who, int64_t now, int64_t *vid)
{
	json_t *lv = json_object_get(v, "levels"), *ch = json_object_get(v, "channels");
	json_t *tl = json_object_get(v, "time_limit"), *on = json_object_get(v, "online");
	json_t *cut = json_object_get(v, "cutoff");
	char name_folded[2100];
	struct buf st;
	enum db_rc rc;

	buf_init(&st, SEARCH_TEXT_MAX);
	name_folded[0] = ' ';
	if (catalog_fold(jget_str(v, "name"), name_folded + 1, sizeof(name_folded) - 2) < 0) {
		rc = DB_ERROR;
		goto out;
	}
	str_lcpy(name_folded + strlen(name_folded), " ", 2);
	if ((rc = version_search_text(c, p, v, r, &st)) != DB_OK)
		goto out;
	rc = db_scalar_int(c, STMT_CAT_VERSION_INSERT, (struct db_param[]){
	    DB_INT(p->id), DB_INT(p->nversions), DB_TEXT(jget_str(v, "effective_from")),
	    DB_TEXT(jget_str(v, "decision")), DB_TEXT(jget_str(v, "change_note")), DB_INT(now),
	    DB_TEXT(who->name), DB_TEXT(jget_str(v, "name")), DB_TEXT(name_folded),
	    DB_TEXT(st.data ? st.data : " "), DB_INT(r->field_id),
	    DB_INT(has_string(lv, "province")), DB_INT(has_string(lv, "district")),
	    DB_INT(has_string(lv, "commune")), DB_TEXT(jget_str(v, "authority")),
	    DB_INT(jget_int(tl, "value", 0)), DB_TEXT(jget_str(tl, "unit")),
	    DB_TEXT(jget_str(tl, "note")),
	    json_is_string(cut) ? DB_INT(hhmm_minutes(json_string_value(cut))) : DB_NULL,
	    DB_INT(jget_int(on, "level", 1)), DB_TEXT(jget_str(on, "class")),
	    DB_TEXT(jget_str(on, "url")), DB_INT(has_string(ch, "counter")),
	    DB_INT(has_string(ch, "post")), DB_INT(has_string(ch, "online")),
	    DB_TEXT(jget_str(v, "result")), DB_TEXT(jget_str(v, "conditions")),
	    DB_TEXT(jget_str(v, "description")), DB_TEXT(jget_str(v, "where_to_submit")),
	    DB_TEXT(jget_str(v, "fee_note")), r->bundle_id ? DB_INT(r->bundle_id) : DB_NULL,
	    DB_TEXT(jget_str(v, "source_note")) }, 32, vid);
	if (rc == DB_OK)
		rc = version_children(c, *vid, v, r);
	if (rc == DB_OK)
		rc = version_tokens(c, *vid, st.data ? st.data : "");
out:
	buf_free(&st);
	return rc;
}

struct last_version {
	int64_t id, version;
	char from[16];
};

static enum db_rc
version_last(struct db_conn *c, int64_t pid, struct last_version *lv)
{
	struct db_res *res = NULL;
	enum db_rc rc;
	int k;

	memset(lv, 0, sizeof(*lv));
	if ((rc = db_exec(c, STMT_CAT_VERSION_LAST, (struct db_param[]){ DB_INT(pid) }, 1,
	    &res)) != DB_OK)
		return rc;
	if ((k = db_res_next(res)) == 1) {
		lv->id = db_res_int(res, 0);
		lv->version = db_res_int(res, 1);
		str_lcpy(lv->from, db_res_text(res, 2), sizeof(lv->from));
	} else
		rc = k == 0 ? DB_NOTFOUND : db_res_rc(res);
	db_res_free(res);
	return rc;
}

enum db_rc
cat_proc_add_version(struct db_conn *c, struct cat_proc *p, json_t *body,
    const struct catalog_actor *who, int64_t now, const char *prefix, struct catalog_errs *errs)
{
	struct refs *r = malloc(sizeof(*r));
	struct last_version last;
	json_t *nc = json_object_get(body, "national_code");
	const char *from = jget_str(body, "effective_from");
	char path[96];
	int64_t vid = 0;
	size_t before = errs->total;
	enum db_rc rc;

	if (r == NULL)
		return DB_ERROR;
	if (p->abolished_on[0] != '\0') {
		rc = DB_CONFLICT;
		goto out;
	}
	if ((rc = refs_resolve(c, body, prefix, errs, r)) != DB_OK)
		goto out;
	rc = version_last(c, p->id, &last);
	if (rc != DB_OK && rc != DB_NOTFOUND)
		goto out;
	if (rc == DB_OK && strcmp(from, last.from) <= 0) {
		snprintf(path, sizeof(path), "%seffective_from", prefix);
		catalog_err_add(errs, path,
		    "Ngày hiệu lực phải sau ngày hiệu lực của phiên bản trước (%s).",
		    "The effective date must be after the previous version's (%s).", last.from);
	}
	if (errs->total > before) {
		rc = DB_CONSTRAINT;
		goto out;
	}
	if (nc != NULL)
		str_lcpy(p->national, json_is_string(nc) ? json_string_value(nc) : "",
		    sizeof(p->national));
	rc = db_exec(c, STMT_CAT_PROC_BUMP, (struct db_param[]){ DB_INT(p->id),
	    p->national[0] ? DB_TEXT(p->national) : DB_NULL, DB_INT(now), DB_INT(p->row_version) },
	    4, NULL);
	if (rc == DB_CONSTRAINT) {
		snprintf(path, sizeof(path), "%snational_code", prefix);
		catalog_err_add(errs, path, "Mã thủ tục quốc gia này đã dùng cho thủ tục khác.",
		    "This national code belongs to another procedure.");
		goto out;
	}
	if (rc != DB_OK)
		goto out;
	if (db_changes(c) != 1) {
		rc = DB_CONFLICT;
		goto out;
	}
	p->nversions++;
	p->row_version++;
	p->updated_at = now;
	if (last.id != 0 && (rc = db_exec(c, STMT_CAT_VERSION_CLOSE, (struct db_param[]){
	    DB_INT(last.id), DB_TEXT(from) }, 2, NULL)) != DB_OK)
		goto out;
	rc = version_insert(c, p, body, r, who, now, &vid);
out:
	free(r);
	return rc;
}

enum db_rc
cat_proc_create(struct db_conn *c, json_t *body, const struct catalog_actor *who, int64_t now,
    struct catalog_errs *errs, struct cat_proc *out)
{
	const char *code = jget_str(body, "code");
	json_t *nc = json_object_get(body, "national_code");
	struct cat_proc exists;
	int64_t id = 0;
	enum db_rc rc;

	memset(out, 0, sizeof(*out));
	/* A code must not collide with another's local or national code. */
	rc = cat_proc_get(c, code, &exists);
	if (rc == DB_OK) {
		catalog_err_add(errs, "code", "Mã thủ tục %s đã có.", "Procedure code %s exists.", code);
		return DB_CONSTRAINT;
	}
	if (rc != DB_NOTFOUND)
		return rc;
	if (json_is_string(nc)) {
		rc = cat_proc_get(c, json_string_value(nc), &exists);
		if (rc == DB_OK) {
			catalog_err_add(errs, "national_code",
			    "Mã thủ tục quốc gia này đã dùng cho thủ tục khác.",
			    "This national code belongs to another procedure.");
			return DB_CONSTRAINT;
		}
		if (rc != DB_NOTFOUND)
			return rc;
	}
	rc = db_scalar_int(c, STMT_CAT_PROC_INSERT, (struct db_param[]){ DB_TEXT(code),
	    json_is_string(nc) ? DB_TEXT(json_string_value(nc)) : DB_NULL, DB_INT(now) }, 3, &id);
	if (rc == DB_CONSTRAINT) {
		catalog_err_add(errs, "code", "Mã thủ tục %s đã có.", "Procedure code %s exists.", code);
		return rc;
	}
	if (rc != DB_OK)
		return rc;
	out->id = id;
	out->row_version = 1;
	out->created_at = out->updated_at = now;
	str_lcpy(out->code, code, sizeof(out->code));
	return cat_proc_add_version(c, out, body, who, now, "", errs);
}

enum db_rc
cat_proc_abolish(struct db_conn *c, struct cat_proc *p, const char *on, const char *decision,
    int64_t now, struct catalog_errs *errs)
{
	struct last_version last;
	enum db_rc rc;

	if (p->abolished_on[0] != '\0')
		return DB_CONFLICT;
	if ((rc = version_last(c, p->id, &last)) != DB_OK)
		return rc;
	if (strcmp(on, last.from) <= 0) {
		catalog_err_add(errs, "effective_from",
		    "Ngày bãi bỏ phải sau ngày hiệu lực của phiên bản cuối (%s).",
		    "The abolition date must be after the last version's effective date (%s).",
		    last.from);
		return DB_CONSTRAINT;
	}
	rc = db_exec(c, STMT_CAT_PROC_ABOLISH, (struct db_param[]){ DB_INT(p->id), DB_TEXT(on),
	    DB_TEXT(decision), DB_INT(now), DB_INT(p->row_version) }, 5, NULL);
	if (rc != DB_OK)
		return rc;
	if (db_changes(c) != 1)
		return DB_CONFLICT;
	str_lcpy(p->abolished_on, on, sizeof(p->abolished_on));
	str_lcpy(p->abolish_decision, decision, sizeof(p->abolish_decision));
	p->abolished_at = now;
	p->row_version++;
	return db_exec(c, STMT_CAT_VERSION_CLOSE, (struct db_param[]){ DB_INT(last.id),
	    DB_TEXT(on) }, 2, NULL);
}

/* ---- reading a version ------------------------------------------------- */

static json_t *
levels_json(int64_t p, int64_t d, int64_t c)
{
	json_t *a = json_array();

	if (p)
		json_array_append_new(a, json_string("province"));
	if (d)
		json_array_append_new(a, json_string("district"));
	if (c)
		json_array_append_new(a, json_string("commune"));
	return a;
}

/* The version as JSON.  export_form: exactly the import keys (agencies as
 * codes); else the display form (agencies with names, field name, version
 * number, dates of force, creation). */
static enum db_rc
version_json(struct db_conn *c, int64_t vid, int export_form, json_t **out)
{
	struct db_res *res = NULL;
	json_t *v = NULL, *a, *lead, *coop;
	enum db_rc rc;
	int k;
	char iso[32];

	*out = NULL;
	if ((rc = db_exec(c, STMT_CAT_VERSION_GET, (struct db_param[]){ DB_INT(vid) }, 1,
	    &res)) != DB_OK)
		return rc;
	if ((k = db_res_next(res)) != 1) {
		rc = k == 0 ? DB_NOTFOUND : db_res_rc(res);
		db_res_free(res);
		return rc;
	}
	v = json_object();
	if (!export_form) {
		json_object_set_new(v, "version", json_integer(db_res_int(res, 1)));
		json_object_set_new(v, "effective_to", jcol(res, 3));
		time_format_iso(db_res_int(res, 6), iso);
		json_object_set_new(v, "created_at", jstr(iso));
		json_object_set_new(v, "created_by", jstr(db_res_text(res, 7)));
	}
	json_object_set_new(v, "effective_from", jstr(db_res_text(res, 2)));
	json_object_set_new(v, "decision", jstr(db_res_text(res, 4)));
	json_object_set_new(v, "change_note", jstr(db_res_text(res, 5)));
	json_object_set_new(v, "name", jstr(db_res_text(res, 8)));
	json_object_set_new(v, "field", jstr(db_res_text(res, 9)));
	if (!export_form)
		json_object_set_new(v, "field_name", jstr(db_res_text(res, 10)));
	json_object_set_new(v, "levels", levels_json(db_res_int(res, 11), db_res_int(res, 12),
	    db_res_int(res, 13)));
	json_object_set_new(v, "authority", jstr(db_res_text(res, 14)));
	json_object_set_new(v, "time_limit", json_pack("{s:I, s:s, s:o}", "value",
	    (json_int_t)db_res_int(res, 15), "unit", db_res_text(res, 16), "note",
	    jstr(db_res_text(res, 17))));
	if (db_res_isnull(res, 18))
		json_object_set_new(v, "cutoff", json_null());
	else {
		int64_t m = db_res_int(res, 18);
		char hm[8];

		snprintf(hm, sizeof(hm), "%02d:%02d", (int)(m / 60) % 100, (int)(m % 60));
		json_object_set_new(v, "cutoff", jstr(hm));
	}
	json_object_set_new(v, "online", json_pack("{s:I, s:s, s:o}", "level",
	    (json_int_t)db_res_int(res, 19), "class", db_res_text(res, 20), "url",
	    jstr(db_res_text(res, 21))));
	a = json_array();
	if (db_res_int(res, 22))
		json_array_append_new(a, json_string("counter"));
	if (db_res_int(res, 23))
		json_array_append_new(a, json_string("post"));
	if (db_res_int(res, 24))
		json_array_append_new(a, json_string("online"));
	json_object_set_new(v, "channels", a);
	json_object_set_new(v, "result", jstr(db_res_text(res, 25)));
	json_object_set_new(v, "conditions", jstr(db_res_text(res, 26)));
	json_object_set_new(v, "description", jstr(db_res_text(res, 27)));
	json_object_set_new(v, "where_to_submit", jstr(db_res_text(res, 28)));
	json_object_set_new(v, "fee_note", jstr(db_res_text(res, 29)));
	json_object_set_new(v, "bundle", db_res_text(res, 30)[0] ? jstr(db_res_text(res, 30)) :
	    json_null());
	if (!export_form)
		json_object_set_new(v, "bundle_name", db_res_text(res, 31)[0] ?
		    jstr(db_res_text(res, 31)) : json_null());
	json_object_set_new(v, "source_note", jstr(db_res_text(res, 32)));
	db_res_free(res);
	res = NULL;

	lead = json_array();
	coop = json_array();
	json_object_set_new(v, "agencies", json_pack("{s:o, s:o}", "lead", lead, "cooperating",
	    coop));
	if ((rc = db_exec(c, STMT_CAT_VAGENCIES, (struct db_param[]){ DB_INT(vid) }, 1, &res)) != DB_OK)
		goto fail;
	while ((k = db_res_next(res)) == 1) {
		json_t *to = strcmp(db_res_text(res, 0), "lead") == 0 ? lead : coop;

		json_array_append_new(to, export_form ? jstr(db_res_text(res, 2)) :
		    json_pack("{s:o, s:o}", "code", jstr(db_res_text(res, 2)), "name",
		    jstr(db_res_text(res, 3))));
	}
	if (k < 0)
		goto fail_res;
	db_res_free(res);

	a = json_array();
	json_object_set_new(v, "documents", a);
	if ((rc = db_exec(c, STMT_CAT_DOCS, (struct db_param[]){ DB_INT(vid) }, 1, &res)) != DB_OK)
		goto fail;
	while ((k = db_res_next(res)) == 1)
		json_array_append_new(a, json_pack("{s:o, s:I, s:I, s:b, s:o, s:o}", "name",
		    jstr(db_res_text(res, 0)), "originals", (json_int_t)db_res_int(res, 1), "copies",
		    (json_int_t)db_res_int(res, 2), "required", (int)db_res_int(res, 3), "form",
		    jstr(db_res_text(res, 4)), "note", jstr(db_res_text(res, 5))));
	if (k < 0)
		goto fail_res;
	db_res_free(res);

	a = json_array();
	json_object_set_new(v, "fees", a);
	if ((rc = db_exec(c, STMT_CAT_FEES, (struct db_param[]){ DB_INT(vid) }, 1, &res)) != DB_OK)
		goto fail;
	while ((k = db_res_next(res)) == 1)
		json_array_append_new(a, json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "kind",
		    jstr(db_res_text(res, 0)), "name", jstr(db_res_text(res, 1)), "amount",
		    db_res_isnull(res, 2) ? json_null() : json_integer(db_res_int(res, 2)), "per",
		    jstr(db_res_text(res, 3)), "collector", jstr(db_res_text(res, 4)), "note",
		    jstr(db_res_text(res, 5))));
	if (k < 0)
		goto fail_res;
	db_res_free(res);

	a = json_array();
	json_object_set_new(v, "steps", a);
	if ((rc = db_exec(c, STMT_CAT_STEPS, (struct db_param[]){ DB_INT(vid) }, 1, &res)) != DB_OK)
		goto fail;
	while ((k = db_res_next(res)) == 1)
		json_array_append_new(a, json_pack("{s:o, s:o, s:o, s:I, s:o}", "name",
		    jstr(db_res_text(res, 0)), "unit", jstr(db_res_text(res, 1)), "role",
		    jstr(db_res_text(res, 2)), "hours", (json_int_t)db_res_int(res, 3), "note",
		    jstr(db_res_text(res, 4))));
	if (k < 0)
		goto fail_res;
	db_res_free(res);

	a = json_array();
	json_object_set_new(v, "legal_basis", a);
	if ((rc = db_exec(c, STMT_CAT_LEGAL, (struct db_param[]){ DB_INT(vid) }, 1, &res)) != DB_OK)
		goto fail;
	while ((k = db_res_next(res)) == 1)
		json_array_append_new(a, json_pack("{s:o, s:o, s:o, s:o}", "ref",
		    jstr(db_res_text(res, 0)), "title", jstr(db_res_text(res, 1)), "issued_on",
		    jcol(res, 2), "issuer", jstr(db_res_text(res, 3))));
	if (k < 0)
		goto fail_res;
	db_res_free(res);
	*out = v;
	return DB_OK;
fail_res:
	rc = db_res_rc(res);
	db_res_free(res);
fail:
	json_decref(v);
	return rc == DB_OK ? DB_ERROR : rc;
}

struct vspan {
	int64_t id, version;
	char from[16], to[16];
	int open;
};

/* Every version of p (at most max) in version order. */
static enum db_rc
versions_list(struct db_conn *c, int64_t pid, struct vspan *vs, size_t max, size_t *n)
{
	struct db_res *res = NULL;
	enum db_rc rc;
	int k;

	*n = 0;
	if ((rc = db_exec(c, STMT_CAT_VERSIONS_OF, (struct db_param[]){ DB_INT(pid) }, 1,
	    &res)) != DB_OK)
		return rc;
	while ((k = db_res_next(res)) == 1 && *n < max) {
		struct vspan *s = &vs[(*n)++];

		s->id = db_res_int(res, 0);
		s->version = db_res_int(res, 1);
		str_lcpy(s->from, db_res_text(res, 2), sizeof(s->from));
		s->open = db_res_isnull(res, 3);
		str_lcpy(s->to, db_res_text(res, 3), sizeof(s->to));
	}
	rc = k < 0 ? db_res_rc(res) : DB_OK;
	db_res_free(res);
	return rc;
}

#define VERSIONS_MAX 256

/* Index of the version in force on date, -1 if none. */
static int
versions_pick(const struct vspan *vs, size_t n, const char *date)
{
	struct catalog_span spans[VERSIONS_MAX];

	for (size_t i = 0; i < n; i++) {
		spans[i].from = vs[i].from;
		spans[i].to = vs[i].open ? NULL : vs[i].to;
	}
	return catalog_version_at(spans, n, date);
}

static enum db_rc
desks_json(struct db_conn *c, json_t *leads, json_t *out)
{
	size_t i;
	json_t *l;

	json_array_foreach(leads, i, l) {
		struct agency_row a;
		struct db_res *res = NULL;
		enum db_rc rc = agency_row(c, STMT_CAT_AGENCY_BY_CODE,
		    DB_TEXT(jget_str(l, "code")), &a);
		int k;

		if (rc == DB_NOTFOUND)
			continue;
		if (rc != DB_OK || (rc = db_exec(c, STMT_CAT_DESKS_OF, (struct db_param[]){
		    DB_INT(a.id) }, 1, &res)) != DB_OK)
			return rc;
		while ((k = db_res_next(res)) == 1) {
			json_t *d = json_pack("{s:o, s:o, s:o, s:o, s:o, s:s}", "code",
			    jstr(db_res_text(res, 0)), "name", jstr(db_res_text(res, 1)), "address",
			    jstr(db_res_text(res, 2)), "phone", jstr(db_res_text(res, 3)),
			    "office_hours", jstr(db_res_text(res, 4)), "receives_for",
			    jget_str(l, "code"));
			size_t j;
			json_t *x;
			int dup = 0;

			json_array_foreach(out, j, x)
				if (json_equal(json_object_get(x, "code"), json_object_get(d, "code")))
					dup = 1;
			if (dup)
				json_decref(d);
			else
				json_array_append_new(out, d);
		}
		rc = k < 0 ? db_res_rc(res) : DB_OK;
		db_res_free(res);
		if (rc != DB_OK)
			return rc;
	}
	return DB_OK;
}

enum db_rc
cat_proc_json(struct db_conn *c, const struct cat_proc *p, const char *date, json_t **out)
{
	struct vspan *vs = calloc(VERSIONS_MAX, sizeof(*vs));
	json_t *v = NULL, *desks;
	char today[16], iso[32];
	size_t n = 0;
	int idx, in_force = 1;
	enum db_rc rc;

	*out = NULL;
	if (vs == NULL)
		return DB_ERROR;
	catalog_today(today);
	if ((rc = versions_list(c, p->id, vs, VERSIONS_MAX, &n)) != DB_OK)
		goto out;
	if (n == 0) {
		rc = DB_NOTFOUND;
		goto out;
	}
	idx = versions_pick(vs, n, date ? date : today);
	if (idx == -1) {
		if (date != NULL) {
			rc = DB_NOTFOUND;
			goto out;
		}
		/* Not in force today: abolished, or not yet in force. */
		in_force = 0;
		idx = (int)n - 1;
		for (size_t i = 0; i < n; i++)
			if (strcmp(vs[i].from, today) > 0) {
				idx = (int)i;
				break;
			}
	}
	if ((rc = version_json(c, vs[idx].id, 0, &v)) != DB_OK)
		goto out;
	json_object_set_new(v, "code", jstr(p->code));
	json_object_set_new(v, "national_code", p->national[0] ? jstr(p->national) : json_null());
	json_object_set_new(v, "versions_count", json_integer(p->nversions));
	json_object_set_new(v, "in_force", json_boolean(in_force));
	json_object_set_new(v, "latest", json_boolean(idx == (int)n - 1));
	if (p->abolished_on[0] != '\0') {
		time_format_iso(p->abolished_at, iso);
		json_object_set_new(v, "abolished", json_pack("{s:s, s:o, s:s}", "on",
		    p->abolished_on, "decision", jstr(p->abolish_decision), "recorded_at", iso));
	} else
		json_object_set_new(v, "abolished", json_null());
	desks = json_array();
	json_object_set_new(v, "desks", desks);
	if ((rc = desks_json(c, json_object_get(json_object_get(v, "agencies"), "lead"), desks))
	    != DB_OK)
		goto out;
	*out = v;
	v = NULL;
out:
	json_decref(v);
	free(vs);
	return rc;
}

/* Top-level keys whose change is part of every new version, not news. */
static int
diff_ignored(const char *key)
{
	static const char *const skip[] = { "effective_from", "decision", "change_note", NULL };

	for (size_t i = 0; skip[i] != NULL; i++)
		if (strcmp(key, skip[i]) == 0)
			return 1;
	return 0;
}

/* What changed from a to b: [{field, from, to}] with the values for
 * scalars and small objects, only the field name for lists. */
static json_t *
diff_versions(json_t *a, json_t *b)
{
	json_t *changes = json_array(), *vb;
	const char *key;

	json_object_foreach(b, key, vb) {
		json_t *va = json_object_get(a, key);

		if (diff_ignored(key) || (va != NULL && json_equal(va, vb)))
			continue;
		if (json_is_array(vb) || json_is_array(va))
			json_array_append_new(changes, json_pack("{s:s, s:I, s:I}", "field", key,
			    "from_count", (json_int_t)json_array_size(va), "to_count",
			    (json_int_t)json_array_size(vb)));
		else
			json_array_append_new(changes, json_pack("{s:s, s:O, s:O}", "field", key,
			    "from", va ? va : json_null(), "to", vb));
	}
	return changes;
}

enum db_rc
cat_proc_versions_json(struct db_conn *c, const struct cat_proc *p, json_t **out)
{
	struct vspan *vs = calloc(VERSIONS_MAX, sizeof(*vs));
	json_t *items = json_array(), *prev = NULL;
	char today[16];
	size_t n = 0;
	int cur;
	enum db_rc rc;

	*out = NULL;
	if (vs == NULL) {
		json_decref(items);
		return DB_ERROR;
	}
	catalog_today(today);
	if ((rc = versions_list(c, p->id, vs, VERSIONS_MAX, &n)) != DB_OK)
		goto out;
	cur = versions_pick(vs, n, today);
	for (size_t i = 0; i < n; i++) {
		json_t *ex = NULL, *disp = NULL, *item;

		if ((rc = version_json(c, vs[i].id, 1, &ex)) != DB_OK ||
		    (rc = version_json(c, vs[i].id, 0, &disp)) != DB_OK) {
			json_decref(ex);
			goto out;
		}
		item = json_pack("{s:I, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:b}", "version",
		    (json_int_t)vs[i].version, "effective_from", json_object_get(disp, "effective_from"),
		    "effective_to", json_object_get(disp, "effective_to"), "decision",
		    json_object_get(disp, "decision"), "change_note", json_object_get(disp, "change_note"),
		    "created_at", json_object_get(disp, "created_at"), "created_by",
		    json_object_get(disp, "created_by"), "name", json_object_get(disp, "name"),
		    "in_force", (int)i == cur);
		json_object_set_new(item, "changes", prev ? diff_versions(prev, ex) : json_array());
		json_array_append_new(items, item);
		json_decref(disp);
		json_decref(prev);
		prev = ex;
	}
	*out = json_pack("{s:s, s:o, s:o, s:o}", "code", p->code, "national_code",
	    p->national[0] ? jstr(p->national) : json_null(), "abolished",
	    p->abolished_on[0] ? json_pack("{s:s, s:o}", "on", p->abolished_on, "decision",
	    jstr(p->abolish_decision)) : json_null(), "items", items);
	items = NULL;
out:
	json_decref(prev);
	json_decref(items);
	free(vs);
	return rc;
}

enum db_rc
cat_proc_leads(struct db_conn *c, const struct cat_proc *p, int64_t *ids, size_t max, size_t *n)
{
	struct vspan *vs = calloc(VERSIONS_MAX, sizeof(*vs));
	struct db_res *res = NULL;
	char today[16];
	size_t nv = 0;
	int idx, k;
	enum db_rc rc;

	*n = 0;
	if (vs == NULL)
		return DB_ERROR;
	catalog_today(today);
	if ((rc = versions_list(c, p->id, vs, VERSIONS_MAX, &nv)) != DB_OK || nv == 0)
		goto out;
	if ((idx = versions_pick(vs, nv, today)) == -1)
		idx = (int)nv - 1;
	if ((rc = db_exec(c, STMT_CAT_VAGENCIES, (struct db_param[]){ DB_INT(vs[idx].id) }, 1,
	    &res)) != DB_OK)
		goto out;
	while ((k = db_res_next(res)) == 1)
		if (strcmp(db_res_text(res, 0), "lead") == 0 && *n < max)
			ids[(*n)++] = db_res_int(res, 1);
	rc = k < 0 ? db_res_rc(res) : DB_OK;
	db_res_free(res);
out:
	free(vs);
	return rc;
}

/* The procedure in the import format: code, national_code, versions,
 * abolished. */
static enum db_rc
proc_export(struct db_conn *c, int64_t pid, const char *code, const char *national,
    const char *abolished_on, const char *decision, json_t **out)
{
	struct vspan *vs = calloc(VERSIONS_MAX, sizeof(*vs));
	json_t *versions = json_array();
	size_t n = 0;
	enum db_rc rc;

	*out = NULL;
	if (vs == NULL) {
		json_decref(versions);
		return DB_ERROR;
	}
	if ((rc = versions_list(c, pid, vs, VERSIONS_MAX, &n)) != DB_OK)
		goto out;
	for (size_t i = 0; i < n; i++) {
		json_t *v;

		if ((rc = version_json(c, vs[i].id, 1, &v)) != DB_OK)
			goto out;
		json_array_append_new(versions, v);
	}
	*out = json_pack("{s:s, s:o, s:O, s:o}", "code", code, "national_code",
	    national[0] ? jstr(national) : json_null(), "versions", versions, "abolished",
	    abolished_on[0] ? json_pack("{s:s, s:o}", "on", abolished_on, "decision",
	    jstr(decision)) : json_null());
out:
	json_decref(versions);
	free(vs);
	return rc;
}

/* ---- agencies ------------------------------------------------------------ */

json_t *
cat_agency_row_json(struct db_res *res, int export_form)
{
	json_t *a = json_object();

	if (!export_form)
		json_object_set_new(a, "id", json_integer(db_res_int(res, 0)));
	json_object_set_new(a, "code", jstr(db_res_text(res, 1)));
	json_object_set_new(a, "parent", db_res_text(res, 2)[0] ? jstr(db_res_text(res, 2)) :
	    json_null());
	json_object_set_new(a, "kind", jstr(db_res_text(res, 3)));
	if (!export_form)
		json_object_set_new(a, "tier", jstr(db_res_text(res, 4)));
	json_object_set_new(a, "name", jstr(db_res_text(res, 5)));
	json_object_set_new(a, "short_name", jstr(db_res_text(res, 6)));
	json_object_set_new(a, "name_en", jstr(db_res_text(res, 7)));
	json_object_set_new(a, "address", jstr(db_res_text(res, 8)));
	json_object_set_new(a, "phone", jstr(db_res_text(res, 9)));
	json_object_set_new(a, "email", jstr(db_res_text(res, 10)));
	json_object_set_new(a, "website", jstr(db_res_text(res, 11)));
	json_object_set_new(a, "office_hours", jstr(db_res_text(res, 12)));
	json_object_set_new(a, "is_desk", json_boolean(db_res_int(res, 13)));
	json_object_set_new(a, "sort_order", json_integer(db_res_int(res, 14)));
	json_object_set_new(a, "source_note", jstr(db_res_text(res, 15)));
	if (!export_form) {
		char iso[32];

		json_object_set_new(a, "row_version", json_integer(db_res_int(res, 17)));
		time_format_iso(db_res_int(res, 18), iso);
		json_object_set_new(a, "created_at", jstr(iso));
		if (db_res_int(res, 16) > 0) {
			time_format_iso(db_res_int(res, 16), iso);
			json_object_set_new(a, "updated_at", jstr(iso));
		} else
			json_object_set_new(a, "updated_at", json_null());
	}
	return a;
}

/* Codes and names of a statement's rows (code, name[, ...]) appended to
 * arr as {code, name} (or as codes only). */
static enum db_rc
code_name_list(struct db_conn *c, enum stmt_id st, int64_t id, int codes_only, json_t *arr)
{
	struct db_res *res = NULL;
	enum db_rc rc = db_exec(c, st, (struct db_param[]){ DB_INT(id) }, 1, &res);
	int k;

	if (rc != DB_OK)
		return rc;
	while ((k = db_res_next(res)) == 1) {
		json_t *x = codes_only ? jstr(db_res_text(res, 0)) : json_pack("{s:o, s:o}", "code",
		    jstr(db_res_text(res, 0)), "name", jstr(db_res_text(res, 1)));

		/* children also carry their kind */
		if (!codes_only && st == STMT_CAT_AGENCY_CHILDREN)
			json_object_set_new(x, "kind", jstr(db_res_text(res, 2)));
		json_array_append_new(arr, x);
	}
	rc = k < 0 ? db_res_rc(res) : DB_OK;
	db_res_free(res);
	return rc;
}

enum db_rc
cat_agency_json(struct db_conn *c, int64_t id, json_t **out)
{
	struct db_res *res = NULL;
	json_t *a, *children, *rf, *desks;
	enum db_rc rc;
	int k;

	*out = NULL;
	if ((rc = db_exec(c, STMT_CAT_AGENCY_GET, (struct db_param[]){ DB_INT(id) }, 1,
	    &res)) != DB_OK)
		return rc;
	if ((k = db_res_next(res)) != 1) {
		rc = k == 0 ? DB_NOTFOUND : db_res_rc(res);
		db_res_free(res);
		return rc;
	}
	a = cat_agency_row_json(res, 0);
	db_res_free(res);
	children = json_array();
	rf = json_array();
	desks = json_array();
	json_object_set_new(a, "children", children);
	json_object_set_new(a, "receives_for", rf);
	json_object_set_new(a, "desks", desks);
	if ((rc = code_name_list(c, STMT_CAT_AGENCY_CHILDREN, id, 0, children)) != DB_OK ||
	    (rc = code_name_list(c, STMT_CAT_DESK_RECEIVES_FOR, id, 0, rf)) != DB_OK ||
	    (rc = code_name_list(c, STMT_CAT_DESKS_OF, id, 0, desks)) != DB_OK) {
		json_decref(a);
		return rc;
	}
	*out = a;
	return DB_OK;
}

/* The tier of an agency of kind under a parent of tier parent_tier. */
static const char *
agency_tier(const char *kind, const char *parent_tier)
{
	if (strcmp(kind, "province") == 0)
		return "province";
	if (strcmp(kind, "district") == 0)
		return "district";
	if (strcmp(kind, "commune") == 0)
		return "commune";
	return parent_tier && parent_tier[0] ? parent_tier : "province";
}

enum db_rc
cat_agency_set_desks(struct db_conn *c, int64_t desk, json_t *codes, const char *name,
    struct catalog_errs *errs)
{
	size_t i;
	json_t *x;
	enum db_rc rc;

	if ((rc = db_exec(c, STMT_CAT_DESK_CLEAR, (struct db_param[]){ DB_INT(desk) }, 1,
	    NULL)) != DB_OK)
		return rc;
	json_array_foreach(codes, i, x) {
		struct agency_row a;
		char path[96];

		rc = agency_row(c, STMT_CAT_AGENCY_BY_CODE, DB_TEXT(json_string_value(x)), &a);
		if (rc == DB_NOTFOUND) {
			snprintf(path, sizeof(path), "%s[%zu]", name, i);
			catalog_err_add(errs, path, "Không có cơ quan mã %s.", "No agency with code %s.",
			    json_string_value(x));
			continue;
		}
		if (rc != DB_OK || (rc = db_exec(c, STMT_CAT_DESK_ADD, (struct db_param[]){
		    DB_INT(desk), DB_INT(a.id) }, 2, NULL)) != DB_OK)
			return rc;
	}
	return errs->total ? DB_CONSTRAINT : DB_OK;
}

enum db_rc
cat_agency_write(struct db_conn *c, json_t *rec, int64_t existing, int64_t now, int defer_desks,
    struct catalog_errs *errs, int64_t *id_out)
{
	json_t *cur = NULL, *m = NULL, *x;
	struct agency_row parent = { 0 }, self = { 0 };
	struct buf st;
	const char *tier;
	int64_t id = existing;
	size_t before = errs->total;
	enum db_rc rc;

	buf_init(&st, 4096);
	if (existing > 0) {
		struct db_res *res = NULL;
		int k;

		if ((rc = agency_row(c, STMT_CAT_AGENCY_BY_ID, DB_INT(existing), &self)) != DB_OK)
			goto out;
		if ((rc = db_exec(c, STMT_CAT_AGENCY_GET, (struct db_param[]){ DB_INT(existing) }, 1,
		    &res)) != DB_OK)
			goto out;
		if ((k = db_res_next(res)) != 1) {
			rc = k == 0 ? DB_NOTFOUND : db_res_rc(res);
			db_res_free(res);
			goto out;
		}
		cur = cat_agency_row_json(res, 1);
		db_res_free(res);
		m = json_deep_copy(cur);
		json_object_update(m, rec);
	} else
		m = json_incref(rec);

	x = json_object_get(m, "parent");
	if (json_is_string(x)) {
		rc = agency_row(c, STMT_CAT_AGENCY_BY_CODE, DB_TEXT(json_string_value(x)), &parent);
		if (rc == DB_NOTFOUND)
			catalog_err_add(errs, "parent", "Không có cơ quan cấp trên mã %s.",
			    "No parent agency with code %s.", json_string_value(x));
		else if (rc != DB_OK)
			goto out;
		else if (existing > 0) {
			int64_t n = 0;

			/* The new parent must not sit below the agency itself. */
			if ((rc = db_scalar_int(c, STMT_CAT_AGENCY_IS_ANCESTOR, (struct db_param[]){
			    DB_INT(parent.id), DB_INT(existing) }, 2, &n)) != DB_OK)
				goto out;
			if (n > 0)
				catalog_err_add(errs, "parent",
				    "Cơ quan cấp trên không được là chính nó hoặc đơn vị trực thuộc nó.",
				    "The parent cannot be the agency itself or one of its units.");
		}
	}
	if (errs->total > before) {
		rc = DB_CONSTRAINT;
		goto out;
	}
	tier = agency_tier(jget_str(m, "kind"), parent.id ? parent.tier : NULL);
	buf_putc(&st, ' ');
	fold_append(&st, jget_str(m, "code"));
	fold_append(&st, jget_str(m, "name"));
	fold_append(&st, jget_str(m, "short_name"));
	fold_append(&st, jget_str(m, "name_en"));
	if (st.overflow) {
		rc = DB_ERROR;
		goto out;
	}
	if (existing > 0) {
		rc = db_exec(c, STMT_CAT_AGENCY_UPDATE, (struct db_param[]){ DB_INT(existing),
		    parent.id ? DB_INT(parent.id) : DB_NULL, DB_TEXT(jget_str(m, "kind")),
		    DB_TEXT(jget_str(m, "name")), DB_TEXT(jget_str(m, "short_name")),
		    DB_TEXT(jget_str(m, "name_en")), DB_TEXT(tier), DB_TEXT(jget_str(m, "address")),
		    DB_TEXT(jget_str(m, "phone")), DB_TEXT(jget_str(m, "email")),
		    DB_TEXT(jget_str(m, "website")), DB_TEXT(jget_str(m, "office_hours")),
		    DB_INT(json_is_true(json_object_get(m, "is_desk"))),
		    DB_INT(jget_int(m, "sort_order", 0)), DB_TEXT(jget_str(m, "source_note")),
		    DB_TEXT(st.data), DB_INT(now), DB_INT(self.row_version) }, 18, NULL);
		if (rc == DB_OK && db_changes(c) != 1)
			rc = DB_CONFLICT;
	} else
		rc = db_scalar_int(c, STMT_CAT_AGENCY_INSERT, (struct db_param[]){
		    DB_TEXT(jget_str(m, "code")), parent.id ? DB_INT(parent.id) : DB_NULL,
		    DB_TEXT(jget_str(m, "kind")), DB_TEXT(jget_str(m, "name")), DB_INT(now),
		    DB_TEXT(jget_str(m, "short_name")), DB_TEXT(jget_str(m, "name_en")),
		    DB_TEXT(tier), DB_TEXT(jget_str(m, "address")), DB_TEXT(jget_str(m, "phone")),
		    DB_TEXT(jget_str(m, "email")), DB_TEXT(jget_str(m, "website")),
		    DB_TEXT(jget_str(m, "office_hours")),
		    DB_INT(json_is_true(json_object_get(m, "is_desk"))),
		    DB_INT(jget_int(m, "sort_order", 0)), DB_TEXT(jget_str(m, "source_note")),
		    DB_TEXT(st.data) }, 17, &id);
	if (rc == DB_CONSTRAINT)
		catalog_err_add(errs, "code", "Mã cơ quan %s đã có.", "Agency code %s exists.",
		    jget_str(m, "code"));
	if (rc != DB_OK)
		goto out;
	if (!defer_desks && (x = json_object_get(rec, "receives_for")) != NULL &&
	    (rc = cat_agency_set_desks(c, id, json_is_array(x) ? x : json_array(), "receives_for",
	    errs)) != DB_OK)
		goto out;
	/* A desk no longer: it receives for nobody. */
	if (!json_is_true(json_object_get(m, "is_desk")) && existing > 0 &&
	    (rc = db_exec(c, STMT_CAT_DESK_CLEAR, (struct db_param[]){ DB_INT(id) }, 1, NULL)) != DB_OK)
		goto out;
	if (id_out != NULL)
		*id_out = id;
out:
	buf_free(&st);
	json_decref(cur);
	json_decref(m);
	return rc;
}

/* ---- search ------------------------------------------------------------ */

int
cat_search_query(struct cat_search *s, const char *q)
{
	char tok[CATALOG_QUERY_TOKENS][CATALOG_TOKEN_MAX + 1], folded[1024];
	int n;

	for (int i = 0; i < CATALOG_QUERY_TOKENS; i++) {
		str_lcpy(s->pat[i], "%", sizeof(s->pat[i]));
		s->lo[i][0] = s->hi[i][0] = '\0';
	}
	s->exact[0] = s->prefix[0] = s->phrase[0] = '\0';
	s->raw = "";
	s->ntok = 0;
	if (q == NULL)
		return 0;
	while (*q == ' ')
		q++;
	if ((n = catalog_query_tokens(q, tok, CATALOG_QUERY_TOKENS)) < 0)
		return -1;
	if (n == 0)
		return 0;
	s->raw = q;
	/* A word matches every token it starts: [word, word || U+10FFFF), the
	 * largest UTF-8 sequence, in byte order on both backends. */
	for (int i = 0; i < n; i++)
		snprintf(s->pat[i], sizeof(s->pat[i]), "%% %.64s%%", tok[i]);
	/* The first word drives the search: take the longest (in Vietnamese
	 * the short ones, "cấp", "ký", are the common ones), the later on a
	 * tie (the object of "đăng ký ..." comes last). */
	for (int i = 0, best = 0; i < n; i++) {
		int k = 0;

		if (i == 0) {
			for (int j = 1; j < n; j++)
				if (strlen(tok[j]) >= strlen(tok[best]))
					best = j;
			k = best;
		} else
			k = i == best ? 0 : i;
		str_lcpy(s->lo[i], tok[k], sizeof(s->lo[i]));
		snprintf(s->hi[i], sizeof(s->hi[i]), "%.64s\xF4\x8F\xBF\xBF", tok[k]);
	}
	s->ntok = n;
	if (catalog_fold(q, folded, sizeof(folded)) < 0 || strlen(folded) > 1000)
		return -1;
	snprintf(s->exact, sizeof(s->exact), " %s ", folded);
	snprintf(s->prefix, sizeof(s->prefix), " %s%%", folded);
	snprintf(s->phrase, sizeof(s->phrase), "%% %s%%", folded);
	return 0;
}

/* Put the word with the fewest versions first (it drives the search; the
 * others are checked per row); reorders s's words in place. */
static enum db_rc
search_pick_driver(struct db_conn *c, struct cat_search *s)
{
	int64_t best = -1, n;
	int bi = 0;
	enum db_rc rc;

	for (int i = 0; i < s->ntok; i++) {
		if ((rc = db_scalar_int(c, STMT_CAT_TOKEN_COUNT, (struct db_param[]){
		    DB_TEXT(s->lo[i]), DB_TEXT(s->hi[i]) }, 2, &n)) != DB_OK)
			return rc;
		if (best == -1 || n < best) {
			best = n;
			bi = i;
		}
	}
	if (bi != 0) {
		char lo[sizeof(s->lo[0])], hi[sizeof(s->hi[0])];

		memcpy(lo, s->lo[0], sizeof(lo));
		memcpy(hi, s->hi[0], sizeof(hi));
		memcpy(s->lo[0], s->lo[bi], sizeof(lo));
		memcpy(s->hi[0], s->hi[bi], sizeof(hi));
		memcpy(s->lo[bi], lo, sizeof(lo));
		memcpy(s->hi[bi], hi, sizeof(hi));
	}
	return DB_OK;
}

enum db_rc
cat_search_run(struct db_conn *c, struct cat_search *s, json_t *items, int64_t *rank,
    int64_t *pid, int *more)
{
	struct db_res *res = NULL;
	int64_t n = 0;
	enum db_rc rc;
	int k;

	*more = 0;
	if (s->ntok > 1 && (rc = search_pick_driver(c, s)) != DB_OK)
		return rc;
	if (s->ntok > 0)
		rc = db_exec(c, STMT_CAT_SEARCH, (struct db_param[]){ DB_TEXT(s->today),
		    DB_TEXT(s->pat[0]), DB_TEXT(s->pat[1]), DB_TEXT(s->pat[2]), DB_TEXT(s->pat[3]),
		    DB_TEXT(s->pat[4]), DB_TEXT(s->pat[5]), DB_INT(s->field_id), DB_INT(s->level),
		    DB_INT(s->online_level), DB_INT(s->agency_id), DB_TEXT(s->agency_tier),
		    DB_TEXT(s->exact), DB_TEXT(s->prefix), DB_TEXT(s->phrase), DB_TEXT(s->raw),
		    DB_INT(s->abolished), DB_INT(s->cur_rank), DB_INT(s->cur_pid),
		    DB_INT(s->limit + 1), DB_TEXT(s->lo[0]), DB_TEXT(s->lo[1]), DB_TEXT(s->lo[2]),
		    DB_TEXT(s->lo[3]), DB_TEXT(s->lo[4]), DB_TEXT(s->lo[5]), DB_TEXT(s->hi[0]),
		    DB_TEXT(s->hi[1]), DB_TEXT(s->hi[2]), DB_TEXT(s->hi[3]), DB_TEXT(s->hi[4]),
		    DB_TEXT(s->hi[5]) }, 32, &res);
	else
		rc = db_exec(c, STMT_CAT_BROWSE, (struct db_param[]){ DB_TEXT(s->today),
		    DB_INT(s->field_id), DB_INT(s->level), DB_INT(s->online_level),
		    DB_INT(s->agency_id), DB_TEXT(s->agency_tier), DB_INT(s->abolished),
		    DB_INT(s->cur_rank), DB_INT(s->cur_pid), DB_INT(s->limit + 1) }, 10, &res);
	if (rc != DB_OK)
		return rc;
	while ((k = db_res_next(res)) == 1) {
		if (n == s->limit) {
			*more = 1;
			continue;
		}
		*pid = db_res_int(res, 0);
		*rank = db_res_int(res, 18);
		json_array_append_new(items, json_pack(
		    "{s:o, s:o, s:o, s:o, s:o, s:o, s:{s:I, s:s}, s:{s:I, s:s}, s:o, s:I, s:o, s:o}",
		    "code", jstr(db_res_text(res, 1)), "national_code", jcol(res, 2), "name",
		    jstr(db_res_text(res, 4)), "field", jstr(db_res_text(res, 5)), "field_name",
		    jstr(db_res_text(res, 6)), "levels", levels_json(db_res_int(res, 7),
		    db_res_int(res, 8), db_res_int(res, 9)), "online", "level",
		    (json_int_t)db_res_int(res, 10), "class", db_res_text(res, 11), "time_limit",
		    "value", (json_int_t)db_res_int(res, 12), "unit", db_res_text(res, 13), "authority",
		    jstr(db_res_text(res, 14)), "version", (json_int_t)db_res_int(res, 15),
		    "effective_from", jstr(db_res_text(res, 16)), "abolished_on", jcol(res, 17)));
		n++;
	}
	rc = k < 0 ? db_res_rc(res) : DB_OK;
	db_res_free(res);
	return rc;
}

/* ---- import -------------------------------------------------------------- */

static void
errs_record(struct catalog_errs *errs, const char *list, size_t i, const char *code)
{
	snprintf(errs->record, sizeof(errs->record), "%s[%zu]%s%.40s", list, i,
	    code && code[0] ? " " : "", code ? code : "");
}

static const char *
rec_code(json_t *o)
{
	json_t *x = json_object_get(o, "code");

	return json_is_string(x) ? json_string_value(x) : "";
}

static enum db_rc
import_fields(struct db_conn *c, json_t *list, enum catalog_import_mode mode, int64_t now,
    struct catalog_import_stats *st, struct catalog_errs *errs)
{
	size_t i;
	json_t *f;

	json_array_foreach(list, i, f) {
		size_t before = errs->total;
		int64_t id;
		enum db_rc rc;

		errs_record(errs, "fields", i, rec_code(f));
		catalog_validate_field(f, "", errs);
		if (errs->total > before)
			continue;
		rc = lookup_id(c, STMT_CAT_FIELD_BY_CODE, rec_code(f), &id, NULL, 0);
		if (rc == DB_OK) {
			if (mode == CATALOG_IMPORT_SEED)
				st->skipped++;
			else
				catalog_err_add(errs, "code", "Lĩnh vực mã %s đã có.", "Field %s exists.",
				    rec_code(f));
			continue;
		}
		if (rc != DB_NOTFOUND)
			return rc;
		if ((rc = db_scalar_int(c, STMT_CAT_FIELD_INSERT, (struct db_param[]){
		    DB_TEXT(rec_code(f)), DB_TEXT(jget_str(f, "name")), DB_TEXT(jget_str(f, "name_en")),
		    DB_INT(jget_int(f, "sort_order", 0)), DB_TEXT(jget_str(f, "source_note")),
		    DB_INT(now) }, 6, &id)) != DB_OK)
			return rc;
		st->fields++;
	}
	return DB_OK;
}

static enum db_rc
import_bundles(struct db_conn *c, json_t *list, enum catalog_import_mode mode, int64_t now,
    struct catalog_import_stats *st, struct catalog_errs *errs)
{
	size_t i;
	json_t *b;

	json_array_foreach(list, i, b) {
		size_t before = errs->total;
		int64_t id;
		enum db_rc rc;

		errs_record(errs, "bundles", i, rec_code(b));
		catalog_validate_bundle(b, "", errs);
		if (errs->total > before)
			continue;
		rc = lookup_id(c, STMT_CAT_BUNDLE_BY_CODE, rec_code(b), &id, NULL, 0);
		if (rc == DB_OK) {
			if (mode == CATALOG_IMPORT_SEED)
				st->skipped++;
			else
				catalog_err_add(errs, "code", "Nhóm liên thông mã %s đã có.",
				    "Interlinked group %s exists.", rec_code(b));
			continue;
		}
		if (rc != DB_NOTFOUND)
			return rc;
		if ((rc = db_scalar_int(c, STMT_CAT_BUNDLE_INSERT, (struct db_param[]){
		    DB_TEXT(rec_code(b)), DB_TEXT(jget_str(b, "name")),
		    DB_TEXT(jget_str(b, "description")), DB_TEXT(jget_str(b, "source_note")),
		    DB_INT(now) }, 5, &id)) != DB_OK)
			return rc;
		st->bundles++;
	}
	return DB_OK;
}

static enum db_rc
import_agencies(struct db_conn *c, json_t *list, enum catalog_import_mode mode, int64_t now,
    struct catalog_import_stats *st, struct catalog_errs *errs)
{
	size_t i;
	json_t *a;
	/* ids written by this import (desks are applied to them afterwards) */
	int64_t *ids = calloc(json_array_size(list) + 1, sizeof(*ids));
	enum db_rc rc = DB_OK;

	if (ids == NULL)
		return DB_ERROR;
	json_array_foreach(list, i, a) {
		struct agency_row cur;
		size_t before = errs->total;
		int64_t id = 0;

		errs_record(errs, "agencies", i, rec_code(a));
		catalog_validate_agency(a, 1, "", errs);
		if (errs->total > before)
			continue;
		rc = agency_row(c, STMT_CAT_AGENCY_BY_CODE, DB_TEXT(rec_code(a)), &cur);
		if (rc == DB_OK) {
			/* The seed fills in an agency the catalogue never edited
			 * (one made by `motcua agency add`, say) and leaves the
			 * others alone. */
			if (mode == CATALOG_IMPORT_SEED && cur.updated_at != 0) {
				st->skipped++;
				rc = DB_OK;
				continue;
			}
			if (mode != CATALOG_IMPORT_SEED) {
				catalog_err_add(errs, "code", "Mã cơ quan %s đã có.", "Agency code %s exists.",
				    rec_code(a));
				rc = DB_OK;
				continue;
			}
			id = cur.id;
		} else if (rc != DB_NOTFOUND)
			goto out;
		rc = cat_agency_write(c, a, id, now, 1, errs, &ids[i]);
		if (rc == DB_CONSTRAINT) {
			rc = DB_OK;
			continue;
		}
		if (rc != DB_OK)
			goto out;
		st->agencies++;
	}
	/* Desks receive for agencies anywhere in the file. */
	json_array_foreach(list, i, a) {
		json_t *rf = json_object_get(a, "receives_for");

		if (ids[i] == 0 || !json_is_array(rf))
			continue;
		errs_record(errs, "agencies", i, rec_code(a));
		rc = cat_agency_set_desks(c, ids[i], rf, "receives_for", errs);
		if (rc == DB_CONSTRAINT)
			rc = DB_OK;
		if (rc != DB_OK)
			goto out;
	}
out:
	free(ids);
	return rc;
}

static const char *const proc_record_keys[] = { "code", "national_code", "versions", "abolished",
	NULL };

static enum db_rc
import_procedure(struct db_conn *c, json_t *p, size_t idx, enum catalog_import_mode mode,
    const struct catalog_actor *who, int64_t now, struct catalog_import_stats *st,
    struct catalog_errs *errs)
{
	json_t *versions = json_object_get(p, "versions"), *ab = json_object_get(p, "abolished");
	static const char *const flat_extra[] = { "abolished", NULL };
	struct cat_proc proc, exists;
	size_t before = errs->total, i;
	json_t *v;
	enum db_rc rc;

	errs_record(errs, "procedures", idx, rec_code(p));
	if (!json_is_object(p)) {
		catalog_err_add(errs, "/", "Cần một đối tượng JSON.", "Must be a JSON object.");
		return DB_OK;
	}
	if (versions != NULL) {
		/* {code, national_code, versions: [...], abolished} */
		const char *key;
		json_t *val;

		json_object_foreach(p, key, val) {
			int ok = 0;

			(void)val;
			for (size_t k = 0; proc_record_keys[k] != NULL; k++)
				ok |= strcmp(key, proc_record_keys[k]) == 0;
			if (!ok)
				catalog_err_add(errs, key, "Trường không được hỗ trợ (bản ghi có versions).",
				    "Unknown field (a record with versions).");
		}
		if (!json_is_array(versions) || json_array_size(versions) < 1 ||
		    json_array_size(versions) > VERSIONS_MAX)
			catalog_err_add(errs, "versions", "Cần danh sách 1–256 phiên bản.",
			    "Must be a list of 1–256 versions.");
		else
			json_array_foreach(versions, i, v) {
				char pre[32];

				snprintf(pre, sizeof(pre), "versions[%zu].", i);
				catalog_validate_version(v, 0, NULL, pre, errs);
			}
		{
			json_t *x = json_object_get(p, "code");

			if (!json_is_string(x) || !catalog_code_valid(json_string_value(x)))
				catalog_err_add(errs, "code",
				    "Cần mã thủ tục 1–32 ký tự A–Z, 0–9, dấu chấm hoặc gạch ngang.",
				    "Must be a procedure code of 1–32 characters A–Z, 0–9, dot or hyphen.");
			x = json_object_get(p, "national_code");
			if (x != NULL && !json_is_null(x) &&
			    (!json_is_string(x) || !catalog_national_code_valid(json_string_value(x))))
				catalog_err_add(errs, "national_code",
				    "Mã thủ tục quốc gia có dạng 1.001612, hoặc null khi chưa biết chắc.",
				    "A national procedure code looks like 1.001612, or null when unknown.");
		}
	} else
		catalog_validate_version(p, 1, flat_extra, "", errs);
	if (ab != NULL && !json_is_null(ab)) {
		json_t *on = json_object_get(ab, "on"), *dec = json_object_get(ab, "decision");
		int y, m, d;

		if (!json_is_object(ab) || !json_is_string(on) ||
		    time_parse_date(json_string_value(on), &y, &m, &d) == -1 || !json_is_string(dec) ||
		    json_string_length(dec) == 0 || json_string_length(dec) > 1200)
			catalog_err_add(errs, "abolished",
			    "Cần {on: ngày bãi bỏ YYYY-MM-DD, decision: quyết định công bố} hoặc null.",
			    "Must be {on: YYYY-MM-DD abolition date, decision: publishing decision} or null.");
	}
	if (errs->total > before)
		return DB_OK;

	rc = cat_proc_get(c, rec_code(p), &exists);
	if (rc == DB_OK) {
		if (mode == CATALOG_IMPORT_SEED)
			st->skipped++;
		else
			catalog_err_add(errs, "code", "Mã thủ tục %s đã có.", "Procedure code %s exists.",
			    rec_code(p));
		return DB_OK;
	}
	if (rc != DB_NOTFOUND)
		return rc;
	if (versions == NULL) {
		rc = cat_proc_create(c, p, who, now, errs, &proc);
		if (rc == DB_OK)
			st->versions++;
	} else {
		json_t *first = json_deep_copy(json_array_get(versions, 0));

		json_object_set(first, "code", json_object_get(p, "code"));
		if (json_object_get(p, "national_code") != NULL)
			json_object_set(first, "national_code", json_object_get(p, "national_code"));
		rc = cat_proc_create(c, first, who, now, errs, &proc);
		json_decref(first);
		if (rc == DB_OK)
			st->versions++;
		for (i = 1; rc == DB_OK && i < json_array_size(versions); i++) {
			char pre[32];

			snprintf(pre, sizeof(pre), "versions[%zu].", i);
			rc = cat_proc_add_version(c, &proc, json_array_get(versions, i), who, now, pre,
			    errs);
			if (rc == DB_OK)
				st->versions++;
		}
	}
	if (rc == DB_OK && json_is_object(ab))
		rc = cat_proc_abolish(c, &proc, json_string_value(json_object_get(ab, "on")),
		    json_string_value(json_object_get(ab, "decision")), now, errs);
	if (rc == DB_CONSTRAINT)
		return DB_OK; /* reported in errs */
	if (rc == DB_OK)
		st->procedures++;
	return rc;
}

enum db_rc
catalog_import(struct db_conn *c, const void *docp, enum catalog_import_mode mode,
    const struct catalog_actor *who, struct catalog_import_stats *st, struct catalog_errs *errs)
{
	static const char *const keys[] = { "format", "agencies", "fields", "bundles", "procedures",
		NULL };
	json_t *doc = (json_t *)docp, *list, *x;
	const char *key;
	int64_t now = clock_now();
	size_t i;
	enum db_rc rc;

	memset(st, 0, sizeof(*st));
	errs->record[0] = '\0';
	if (!json_is_object(doc)) {
		catalog_err_add(errs, "/", "Tệp nhập phải là một đối tượng JSON.",
		    "The import must be a JSON object.");
		return DB_CONSTRAINT;
	}
	json_object_foreach(doc, key, x) {
		int ok = 0;

		for (i = 0; keys[i] != NULL; i++)
			ok |= strcmp(key, keys[i]) == 0;
		if (!ok)
			catalog_err_add(errs, key, "Trường không được hỗ trợ.", "Unknown field.");
		else if (strcmp(key, "format") == 0) {
			if (!json_is_string(x) || strcmp(json_string_value(x), CAT_FORMAT) != 0)
				catalog_err_add(errs, key, "Cần \"%s\".", "Must be \"%s\".", CAT_FORMAT,
				    CAT_FORMAT);
		} else if (!json_is_array(x) || json_array_size(x) > 100000)
			catalog_err_add(errs, key, "Cần một danh sách.", "Must be a list.");
	}
	if (errs->total)
		return DB_CONSTRAINT;
	if ((list = json_object_get(doc, "fields")) != NULL &&
	    (rc = import_fields(c, list, mode, now, st, errs)) != DB_OK)
		return rc;
	if ((list = json_object_get(doc, "bundles")) != NULL &&
	    (rc = import_bundles(c, list, mode, now, st, errs)) != DB_OK)
		return rc;
	if ((list = json_object_get(doc, "agencies")) != NULL &&
	    (rc = import_agencies(c, list, mode, now, st, errs)) != DB_OK)
		return rc;
	if ((list = json_object_get(doc, "procedures")) != NULL) {
		json_array_foreach(list, i, x)
			if ((rc = import_procedure(c, x, i, mode, who, now, st, errs)) != DB_OK)
				return rc;
	}
	/* Interlinked groups' processes, once their procedures are in. */
	if (errs->total == 0 && (list = json_object_get(doc, "bundles")) != NULL &&
	    (rc = bundle_def_import(c, list, mode == CATALOG_IMPORT_SEED, errs)) != DB_OK &&
	    rc != DB_CONSTRAINT)
		return rc;
	errs->record[0] = '\0';
	if (errs->total)
		return DB_CONSTRAINT;
	if (st->agencies + st->fields + st->bundles + st->procedures == 0)
		return DB_OK;
	return cat_audit(c, who, mode == CATALOG_IMPORT_SEED ? "catalog.seed" : "catalog.import",
	    "catalog", json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "agencies",
	    (json_int_t)st->agencies, "fields", (json_int_t)st->fields, "bundles",
	    (json_int_t)st->bundles, "procedures", (json_int_t)st->procedures, "versions",
	    (json_int_t)st->versions, "skipped", (json_int_t)st->skipped));
}

/* ---- export -------------------------------------------------------------- */

enum db_rc
catalog_export_json(struct db_conn *c, void **outp)
{
	json_t *doc = json_object(), *agencies = json_array(), *fields = json_array();
	json_t *bundles = json_array(), *procs = json_array(), *done;
	struct db_res *res = NULL;
	char today[16];
	enum db_rc rc;
	size_t added;
	int k;

	*outp = NULL;
	json_object_set_new(doc, "format", json_string(CAT_FORMAT));
	json_object_set_new(doc, "fields", fields);
	json_object_set_new(doc, "bundles", bundles);
	json_object_set_new(doc, "agencies", agencies);
	json_object_set_new(doc, "procedures", procs);
	catalog_today(today);
	if ((rc = db_exec(c, STMT_CAT_FIELD_LIST, (struct db_param[]){ DB_TEXT(today) }, 1,
	    &res)) != DB_OK)
		goto out;
	while ((k = db_res_next(res)) == 1)
		json_array_append_new(fields, json_pack("{s:o, s:o, s:o, s:I, s:o}", "code",
		    jstr(db_res_text(res, 1)), "name", jstr(db_res_text(res, 2)), "name_en",
		    jstr(db_res_text(res, 3)), "sort_order", (json_int_t)db_res_int(res, 4),
		    "source_note", jstr(db_res_text(res, 5))));
	rc = k < 0 ? db_res_rc(res) : DB_OK;
	db_res_free(res);
	if (rc != DB_OK || (rc = db_exec(c, STMT_CAT_BUNDLE_ALL, NULL, 0, &res)) != DB_OK)
		goto out;
	while ((k = db_res_next(res)) == 1)
		json_array_append_new(bundles, json_pack("{s:o, s:o, s:o, s:o}", "code",
		    jstr(db_res_text(res, 0)), "name", jstr(db_res_text(res, 1)), "description",
		    jstr(db_res_text(res, 2)), "source_note", jstr(db_res_text(res, 3))));
	rc = k < 0 ? db_res_rc(res) : DB_OK;
	db_res_free(res);
	res = NULL;
	if (rc == DB_OK)
		rc = bundle_def_export(c, bundles);
	if (rc != DB_OK || (rc = db_exec(c, STMT_CAT_AGENCY_ALL, NULL, 0, &res)) != DB_OK)
		goto out;
	{
		json_t *all = json_array();

		while ((k = db_res_next(res)) == 1) {
			json_t *a = cat_agency_row_json(res, 1);

			json_object_set_new(a, "_id", json_integer(db_res_int(res, 0)));
			json_array_append_new(all, a);
		}
		rc = k < 0 ? db_res_rc(res) : DB_OK;
		db_res_free(res);
		/* Parents before their units, whatever the ids: repeated passes
		 * take every agency whose parent is already out. */
		done = json_object();
		do {
			size_t i;
			json_t *a;

			added = 0;
			json_array_foreach(all, i, a) {
				json_t *par = json_object_get(a, "parent");
				const char *code = jget_str(a, "code");
				json_t *rf;

				if (json_object_get(done, code) != NULL ||
				    (json_is_string(par) && json_object_get(done, json_string_value(par)) == NULL))
					continue;
				json_object_set_new(done, code, json_true());
				added++;
				rf = json_array();
				if (rc == DB_OK)
					rc = code_name_list(c, STMT_CAT_DESK_RECEIVES_FOR,
					    jget_int(a, "_id", 0), 1, rf);
				json_object_set_new(a, "receives_for", rf);
				json_array_append(agencies, a);
			}
		} while (added > 0);
		{
			size_t i;
			json_t *a;

			json_array_foreach(agencies, i, a)
				json_object_del(a, "_id");
		}
		json_decref(done);
		json_decref(all);
		if (rc != DB_OK)
			goto out;
	}
	if ((rc = db_exec(c, STMT_CAT_PROC_ALL, NULL, 0, &res)) != DB_OK)
		goto out;
	{
		/* Collect first: a cursor must be finished before the next
		 * statement runs on this connection. */
		json_t *rows = json_array();
		size_t i;
		json_t *r;

		while ((k = db_res_next(res)) == 1)
			json_array_append_new(rows, json_pack("{s:I, s:o, s:o, s:o, s:o}", "id",
			    (json_int_t)db_res_int(res, 0), "code", jstr(db_res_text(res, 1)), "national",
			    jstr(db_res_text(res, 2)), "ab", jstr(db_res_text(res, 3)), "dec",
			    jstr(db_res_text(res, 4))));
		rc = k < 0 ? db_res_rc(res) : DB_OK;
		db_res_free(res);
		json_array_foreach(rows, i, r) {
			json_t *p = NULL;

			if (rc != DB_OK)
				break;
			rc = proc_export(c, jget_int(r, "id", 0), jget_str(r, "code"),
			    jget_str(r, "national"), jget_str(r, "ab"), jget_str(r, "dec"), &p);
			if (rc == DB_OK)
				json_array_append_new(procs, p);
		}
		json_decref(rows);
		if (rc != DB_OK)
			goto out;
	}
	*outp = doc;
	doc = NULL;
out:
	json_decref(doc);
	return rc;
}

static void
csv_field(struct buf *b, const char *s, int last)
{
	buf_putc(b, '"');
	for (; s && *s; s++) {
		if (*s == '"')
			buf_putc(b, '"');
		buf_putc(b, *s == '\n' || *s == '\r' ? ' ' : *s);
	}
	buf_putc(b, '"');
	buf_puts(b, last ? "\r\n" : ",");
}

enum db_rc
catalog_export_csv(struct db_conn *c, const char *today, struct buf *b)
{
	struct cat_search s;
	int more = 1;
	enum db_rc rc = DB_OK;

	memset(&s, 0, sizeof(s));
	str_lcpy(s.today, today, sizeof(s.today));
	cat_search_query(&s, NULL);
	s.agency_tier = "";
	s.limit = CAT_LIST_MAX;
	s.cur_rank = INT64_MAX / 2;
	/* UTF-8 BOM: spreadsheet programs then read Vietnamese correctly. */
	buf_puts(b, "\xEF\xBB\xBF");
	buf_puts(b, "code,national_code,name,field,levels,time_limit,time_unit,online_level,"
	    "online_class,authority,version,effective_from\r\n");
	while (more && rc == DB_OK) {
		json_t *items = json_array(), *it;
		size_t i;

		rc = cat_search_run(c, &s, items, &s.cur_rank, &s.cur_pid, &more);
		json_array_foreach(items, i, it) {
			char num[32];
			struct buf lv;
			size_t j;
			json_t *x;

			buf_init(&lv, 64);
			json_array_foreach(json_object_get(it, "levels"), j, x) {
				if (j)
					buf_putc(&lv, ';');
				buf_puts(&lv, json_string_value(x));
			}
			csv_field(b, jget_str(it, "code"), 0);
			csv_field(b, jget_str(it, "national_code"), 0);
			csv_field(b, jget_str(it, "name"), 0);
			csv_field(b, jget_str(it, "field"), 0);
			csv_field(b, lv.data ? lv.data : "", 0);
			snprintf(num, sizeof(num), "%lld", (long long)jget_int(json_object_get(it,
			    "time_limit"), "value", 0));
			csv_field(b, num, 0);
			csv_field(b, jget_str(json_object_get(it, "time_limit"), "unit"), 0);
			snprintf(num, sizeof(num), "%lld", (long long)jget_int(json_object_get(it,
			    "online"), "level", 0));
			csv_field(b, num, 0);
			csv_field(b, jget_str(json_object_get(it, "online"), "class"), 0);
			csv_field(b, jget_str(it, "authority"), 0);
			snprintf(num, sizeof(num), "%lld", (long long)jget_int(it, "version", 0));
			csv_field(b, num, 0);
			csv_field(b, jget_str(it, "effective_from"), 1);
			buf_free(&lv);
		}
		json_decref(items);
	}
	if (rc == DB_OK && b->overflow)
		rc = DB_ERROR;
	return rc;
}

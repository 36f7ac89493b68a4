/*
 * Bundle definitions in the catalogue: a catalogue "bundles" record may
 * carry "time_limit" {value, unit} and "components" [{key, name,
 * procedure, agency, share, after, release, external, provides,
 * requires}] (docs/BUNDLE.md §2).  The catalogue validates the record's
 * own members and calls bundle_def_import() once its procedures are in,
 * so a component may name a procedure of the same import.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../core/core.h"
#include "bundle_int.h"

static int
slug_ok(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > max)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
		    s[i] == '_'))
			return 0;
	return 1;
}

/* 'desk', 'desk-parent', a QCVN 102 code or 'served:<code>'. */
static int
agency_spec_ok(const char *s)
{
	if (s == NULL)
		return 0;
	if (strcmp(s, "desk") == 0 || strcmp(s, "desk-parent") == 0)
		return 1;
	if (strncmp(s, "served:", 7) == 0)
		return catalog_agency_code_valid(s + 7);
	return catalog_agency_code_valid(s);
}

/* The fixed agency code a spec names ("" for desk-relative ones). */
static const char *
agency_spec_code(const char *s)
{
	if (strncmp(s, "served:", 7) == 0)
		return s + 7;
	if (strcmp(s, "desk") == 0 || strcmp(s, "desk-parent") == 0)
		return "";
	return s;
}

static const char *
str_or(json_t *o, const char *key, const char *dflt)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : dflt;
}

static int
names_parse(json_t *arr, int objects, char out[][BUNDLE_KEY_MAX + 1], int *n, const char *field,
    int i, struct catalog_errs *errs)
{
	size_t k;
	json_t *v;
	char name[96];

	*n = 0;
	if (arr == NULL || json_is_null(arr))
		return 0;
	snprintf(name, sizeof(name), "components[%d].%s", i, field);
	if (!json_is_array(arr) || json_array_size(arr) > BUNDLE_NAMES_MAX) {
		catalog_err_add(errs, name, "Cần danh sách tối đa %d tên.", "Must be a list of at "
		    "most %d names.", BUNDLE_NAMES_MAX, BUNDLE_NAMES_MAX);
		return -1;
	}
	json_array_foreach(arr, k, v) {
		const char *s = objects && json_is_object(v) ? str_or(v, "name", NULL) :
		    json_string_value(v);

		if (objects && json_is_object(v)) {
			const char *label = str_or(v, "label", "");

			if (strlen(label) > 200)
				catalog_err_add(errs, name, "Nhãn tối đa 200 ký tự.",
				    "A label of at most 200 characters.");
		}
		if (!slug_ok(s, BUNDLE_KEY_MAX)) {
			catalog_err_add(errs, name, "Cần tên 1–%d ký tự a–z, 0–9, - hoặc _%s.",
			    "Must be names of 1–%d characters a–z, 0–9, - or _%s.", BUNDLE_KEY_MAX,
			    objects ? " ({name, label})" : "", BUNDLE_KEY_MAX,
			    objects ? " ({name, label})" : "");
			return -1;
		}
		snprintf(out[(*n)++], BUNDLE_KEY_MAX + 1, "%s", s);
	}
	return 0;
}

void
bundle_def_validate(const void *json, struct bundle_graph *gout, struct catalog_errs *errs)
{
	static const char *const ckeys[] = { "key", "name", "procedure", "agency", "share", "after",
		"release", "external", "provides", "requires", NULL };
	json_t *o = (json_t *)json, *tl, *comps, *c;
	struct bundle_graph g;
	size_t before = errs->total, i;
	const char *unit;

	memset(&g, 0, sizeof(g));
	comps = json_object_get(o, "components");
	tl = json_object_get(o, "time_limit");
	if (comps == NULL && tl == NULL)
		goto out; /* a group without its process yet */
	if (!json_is_object(tl) || !json_is_integer(json_object_get(tl, "value")) ||
	    json_integer_value(json_object_get(tl, "value")) < 1 ||
	    json_integer_value(json_object_get(tl, "value")) > 365 ||
	    json_object_size(tl) > 2 || ((unit = str_or(tl, "unit", "day")) != NULL &&
	    strcmp(unit, "day") != 0 && strcmp(unit, "hour") != 0))
		catalog_err_add(errs, "time_limit", "Cần thời hạn của cả nhóm {value: 1–365, unit: "
		    "day|hour}.", "The group's limit {value: 1–365, unit: day|hour} is required.");
	else
		g.total = json_integer_value(json_object_get(tl, "value"));
	if (!json_is_array(comps) || json_array_size(comps) < 2 ||
	    json_array_size(comps) > BUNDLE_COMPONENTS_MAX) {
		catalog_err_add(errs, "components", "Cần 2–%d thủ tục thành phần.",
		    "2–%d component procedures are required.", BUNDLE_COMPONENTS_MAX,
		    BUNDLE_COMPONENTS_MAX);
		goto out;
	}
	g.n = (int)json_array_size(comps);
	json_array_foreach(comps, i, c) {
		struct bundle_node *v = &g.node[i];
		const char *key, *k;
		char name[96];
		json_t *x;

		if (!json_is_object(c)) {
			snprintf(name, sizeof(name), "components[%zu]", i);
			catalog_err_add(errs, name, "Cần một đối tượng.", "Must be an object.");
			continue;
		}
		json_object_foreach(c, k, x) {
			int ok = 0;

			for (size_t m = 0; ckeys[m] != NULL && !ok; m++)
				ok = strcmp(ckeys[m], k) == 0;
			if (!ok) {
				snprintf(name, sizeof(name), "components[%zu].%.40s", i, k);
				catalog_err_add(errs, name, "Trường không được hỗ trợ.", "Unknown field.");
			}
		}
		key = str_or(c, "key", NULL);
		snprintf(name, sizeof(name), "components[%zu].key", i);
		if (!slug_ok(key, BUNDLE_KEY_MAX))
			catalog_err_add(errs, name, "Cần khóa 1–%d ký tự a–z, 0–9, - hoặc _.",
			    "A key of 1–%d characters a–z, 0–9, - or _ is required.", BUNDLE_KEY_MAX,
			    BUNDLE_KEY_MAX);
		else {
			snprintf(v->key, sizeof(v->key), "%s", key);
			for (size_t m = 0; m < i; m++)
				if (strcmp(g.node[m].key, key) == 0)
					catalog_err_add(errs, name, "Khóa %s trùng với thành phần %zu.",
					    "Key %s repeats component %zu.", key, m, key, m);
		}
		snprintf(name, sizeof(name), "components[%zu].procedure", i);
		if (!catalog_code_valid(str_or(c, "procedure", "")))
			catalog_err_add(errs, name, "Cần mã thủ tục của tỉnh (ví dụ H19-HT-01).",
			    "The procedure's local code (e.g. H19-HT-01) is required.");
		snprintf(name, sizeof(name), "components[%zu].name", i);
		if (strlen(str_or(c, "name", "")) > 300 || (json_object_get(c, "name") != NULL &&
		    !json_is_string(json_object_get(c, "name"))))
			catalog_err_add(errs, name, "Tên tối đa 300 ký tự.", "A name of at most 300 "
			    "characters.");
		snprintf(name, sizeof(name), "components[%zu].agency", i);
		if (!agency_spec_ok(str_or(c, "agency", "desk")))
			catalog_err_add(errs, name, "Cần desk, desk-parent, mã định danh cơ quan (QCVN "
			    "102) hoặc served:<mã>.", "Must be desk, desk-parent, an agency code "
			    "(QCVN 102) or served:<code>.");
		x = json_object_get(c, "share");
		snprintf(name, sizeof(name), "components[%zu].share", i);
		if (!json_is_integer(x) || json_integer_value(x) < 0 || json_integer_value(x) > 365)
			catalog_err_add(errs, name, "Cần phần thời gian của cơ quan (0–365, cùng đơn vị "
			    "với thời hạn của nhóm).", "The agency's share of the time (0–365, in the "
			    "group's unit) is required.");
		else
			v->share = json_integer_value(x);
		x = json_object_get(c, "release");
		snprintf(name, sizeof(name), "components[%zu].release", i);
		if (x != NULL && !json_is_boolean(x))
			catalog_err_add(errs, name, "Cần true hoặc false.", "Must be true or false.");
		x = json_object_get(c, "external");
		snprintf(name, sizeof(name), "components[%zu].external", i);
		if (x != NULL && !json_is_null(x) && !slug_ok(json_string_value(x), 32))
			catalog_err_add(errs, name, "Cần tên hệ thống bên ngoài (a–z, 0–9, -), ví dụ "
			    "police-residence.", "Must name the external system (a–z, 0–9, -), e.g. "
			    "police-residence.");
		(void)names_parse(json_object_get(c, "provides"), 1, v->prov, &v->nprov, "provides",
		    (int)i, errs);
		(void)names_parse(json_object_get(c, "requires"), 0, v->req, &v->nreq, "requires",
		    (int)i, errs);
	}
	if (errs->total > before)
		goto out;
	/* Predecessors by key, once every key is known. */
	json_array_foreach(comps, i, c) {
		json_t *after = json_object_get(c, "after"), *a;
		size_t k;
		char name[96];

		snprintf(name, sizeof(name), "components[%zu].after", i);
		if (after == NULL || json_is_null(after))
			continue;
		if (!json_is_array(after) || json_array_size(after) > BUNDLE_COMPONENTS_MAX) {
			catalog_err_add(errs, name, "Cần danh sách khóa các thành phần phải xong trước.",
			    "Must be the list of keys of components that finish first.");
			continue;
		}
		json_array_foreach(after, k, a) {
			int found = -1;

			for (int m = 0; m < g.n && found < 0 && json_is_string(a); m++)
				if (strcmp(g.node[m].key, json_string_value(a)) == 0)
					found = m;
			if (found < 0)
				catalog_err_add(errs, name, "Không có thành phần khóa %.40s.",
				    "No component with key %.40s.", json_is_string(a) ?
				    json_string_value(a) : "?", json_is_string(a) ? json_string_value(a) :
				    "?");
			else
				g.node[i].after[g.node[i].nafter++] = found;
		}
	}
	if (errs->total == before)
		(void)bundle_graph_check(&g, errs);
out:
	if (gout != NULL)
		*gout = g;
}

static enum db_rc
write_def(struct db_conn *c, int64_t id, json_t *o, const struct bundle_graph *g)
{
	json_t *comps = json_object_get(o, "components"), *cp;
	size_t i;
	enum db_rc rc;

	json_array_foreach(comps, i, cp) {
		json_t *prov = json_object_get(cp, "provides"), *norm = json_array(), *p;
		char *ptext, *rtext;
		json_t *req = json_object_get(cp, "requires");
		size_t k;
		const char *ext = str_or(cp, "external", "");

		json_array_foreach(prov, k, p)
			json_array_append_new(norm, json_is_object(p) ? json_pack("{s:s, s:s}", "name",
			    str_or(p, "name", ""), "label", str_or(p, "label", "")) :
			    json_pack("{s:s, s:s}", "name", json_string_value(p), "label", ""));
		ptext = json_dumps(norm, JSON_COMPACT);
		rtext = json_is_array(req) ? json_dumps(req, JSON_COMPACT) : strdup("[]");
		json_decref(norm);
		rc = ptext && rtext ? db_exec(c, STMT_BUN_COMP_INSERT, (struct db_param[]){ DB_INT(id),
		    DB_INT((int64_t)i + 1), DB_TEXT(g->node[i].key), DB_TEXT(str_or(cp, "name", "")),
		    DB_TEXT(str_or(cp, "procedure", "")), DB_TEXT(str_or(cp, "agency", "desk")),
		    DB_INT(g->node[i].share), DB_INT(json_is_true(json_object_get(cp, "release"))),
		    DB_TEXT(ext), DB_TEXT(ptext), DB_TEXT(rtext) }, 11, NULL) : DB_ERROR;
		free(ptext);
		free(rtext);
		if (rc != DB_OK)
			return rc;
		for (int k2 = 0; k2 < g->node[i].nafter; k2++)
			if ((rc = db_exec(c, STMT_BUN_EDGE_INSERT, (struct db_param[]){ DB_INT(id),
			    DB_INT((int64_t)i + 1), DB_INT(g->node[i].after[k2] + 1) }, 3, NULL)) !=
			    DB_OK)
				return rc;
	}
	return db_exec(c, STMT_BUN_SET_LIMIT, (struct db_param[]){ DB_INT(id), DB_INT(g->total),
	    DB_TEXT(str_or(json_object_get(o, "time_limit"), "unit", "day")), DB_INT(g->n) }, 4,
	    NULL);
}

enum db_rc
bundle_def_import(struct db_conn *c, const void *listp, int seed_mode, struct catalog_errs *errs)
{
	json_t *list = (json_t *)listp, *o;
	size_t i, before = errs->total;
	enum db_rc rc = DB_OK;

	json_array_foreach(list, i, o) {
		struct bundle_graph g;
		struct db_res *res = NULL;
		size_t mine = errs->total;
		json_t *comps = json_object_get(o, "components"), *cp;
		int64_t id = 0, ncomp = 0;
		size_t k;
		int n;

		if (!json_is_object(o) || (comps == NULL && json_object_get(o, "time_limit") == NULL))
			continue;
		snprintf(errs->record, sizeof(errs->record), "bundles[%zu] %.40s", i,
		    str_or(o, "code", ""));
		bundle_def_validate(o, &g, errs);
		if (errs->total > mine)
			continue;
		json_array_foreach(comps, k, cp) {
			const char *ag = agency_spec_code(str_or(cp, "agency", "desk"));
			int64_t cnt = 0;
			char name[96];

			if ((rc = db_scalar_int(c, STMT_BUN_PROC_EXISTS, (struct db_param[]){
			    DB_TEXT(str_or(cp, "procedure", "")) }, 1, &cnt)) != DB_OK)
				return rc;
			if (cnt == 0) {
				snprintf(name, sizeof(name), "components[%zu].procedure", k);
				catalog_err_add(errs, name, "Không có thủ tục %.40s trong bộ thủ tục.",
				    "No procedure %.40s in the catalogue.", str_or(cp, "procedure", ""),
				    str_or(cp, "procedure", ""));
			}
			if (ag[0] != '\0') {
				rc = db_scalar_int(c, STMT_BUN_AGENCY_ID, (struct db_param[]){
				    DB_TEXT(ag) }, 1, &cnt);
				if (rc != DB_OK && rc != DB_NOTFOUND)
					return rc;
				if (rc == DB_NOTFOUND) {
					snprintf(name, sizeof(name), "components[%zu].agency", k);
					catalog_err_add(errs, name, "Không có cơ quan mã %s.",
					    "No agency with code %s.", ag, ag);
				}
				rc = DB_OK;
			}
		}
		if (errs->total > mine)
			continue;
		if ((rc = db_exec(c, STMT_BUN_BY_CODE, (struct db_param[]){ DB_TEXT(str_or(o, "code",
		    "")) }, 1, &res)) != DB_OK)
			return rc;
		if ((n = db_res_next(res)) == 1) {
			id = db_res_int(res, 0);
			ncomp = db_res_int(res, 7);
		}
		rc = n < 0 ? db_res_rc(res) : DB_OK;
		db_res_free(res);
		if (rc != DB_OK)
			return rc;
		if (id == 0)
			continue; /* the catalogue reported it */
		if (ncomp > 0) {
			if (!seed_mode)
				catalog_err_add(errs, "components", "Nhóm đã có quy trình liên thông; "
				    "thay đổi bằng một mã nhóm mới.", "The group has its process "
				    "already; a change needs a new group code.");
			continue;
		}
		if ((rc = write_def(c, id, o, &g)) != DB_OK)
			return rc;
	}
	errs->record[0] = '\0';
	return errs->total > before ? DB_CONSTRAINT : DB_OK;
}

/* The components of bundle id as JSON (for the list and the export). */
static enum db_rc
comps_json(struct db_conn *c, int64_t id, int with_names, json_t **out)
{
	struct db_res *res = NULL;
	json_t *arr = json_array(), *keys = json_object();
	enum db_rc rc;
	int k;

	*out = NULL;
	if ((rc = db_exec(c, STMT_BUN_COMPS, (struct db_param[]){ DB_INT(id) }, 1, &res)) != DB_OK)
		goto out;
	while ((k = db_res_next(res)) == 1) {
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:I, s:b, s:o, s:o, s:o, s:o}", "key",
		    db_res_text(res, 1), "name", db_res_text(res, 2), "procedure", db_res_text(res, 3),
		    "agency", db_res_text(res, 4), "share", (json_int_t)db_res_int(res, 5), "release",
		    (int)db_res_int(res, 6), "external", db_res_text(res, 7)[0] ?
		    json_string(db_res_text(res, 7)) : json_null(), "provides",
		    json_loads(db_res_text(res, 8), 0, NULL), "requires",
		    json_loads(db_res_text(res, 9), 0, NULL), "after", json_array());

		if (o == NULL) {
			rc = DB_ERROR;
			break;
		}
		if (with_names)
			json_object_update_new(o, json_pack("{s:s, s:o}", "procedure_name",
			    db_res_text(res, 10), "agency_name", db_res_text(res, 11)[0] ?
			    json_string(db_res_text(res, 11)) : json_null()));
		json_object_set_new(keys, db_res_text(res, 0), json_string(db_res_text(res, 1)));
		json_array_append_new(arr, o);
	}
	if (k < 0)
		rc = db_res_rc(res);
	db_res_free(res);
	res = NULL;
	if (rc != DB_OK || (rc = db_exec(c, STMT_BUN_EDGES, (struct db_param[]){ DB_INT(id) }, 1,
	    &res)) != DB_OK)
		goto out;
	while ((k = db_res_next(res)) == 1) {
		json_t *o = json_array_get(arr, (size_t)db_res_int(res, 0) - 1);
		json_t *key = json_object_get(keys, db_res_text(res, 1));

		if (o != NULL && key != NULL)
			json_array_append(json_object_get(o, "after"), key);
	}
	if (k < 0)
		rc = db_res_rc(res);
out:
	db_res_free(res);
	json_decref(keys);
	if (rc == DB_OK)
		*out = arr;
	else
		json_decref(arr);
	return rc;
}

enum db_rc
bundle_def_export(struct db_conn *c, void *listp)
{
	json_t *list = listp, *o;
	size_t i;

	json_array_foreach(list, i, o) {
		struct db_res *res = NULL;
		int64_t id = 0, limit = 0, ncomp = 0;
		char unit[8] = "day";
		json_t *comps = NULL;
		enum db_rc rc;
		int k;

		if ((rc = db_exec(c, STMT_BUN_BY_CODE, (struct db_param[]){ DB_TEXT(str_or(o, "code",
		    "")) }, 1, &res)) != DB_OK)
			return rc;
		if ((k = db_res_next(res)) == 1) {
			id = db_res_int(res, 0);
			limit = db_res_int(res, 5);
			snprintf(unit, sizeof(unit), "%s", db_res_text(res, 6));
			ncomp = db_res_int(res, 7);
		}
		db_res_free(res);
		if (k < 0)
			return DB_ERROR;
		if (ncomp == 0)
			continue;
		if ((rc = comps_json(c, id, 0, &comps)) != DB_OK)
			return rc;
		json_object_set_new(o, "time_limit", json_pack("{s:I, s:s}", "value",
		    (json_int_t)limit, "unit", unit));
		json_object_set_new(o, "components", comps);
	}
	return DB_OK;
}

/* GET /api/v1/bundles (public): every definition with its components. */
enum db_rc
bundle_list_json(struct db_conn *c, json_t **out)
{
	struct db_res *res = NULL;
	json_t *items = json_array();
	enum db_rc rc;
	int k;

	*out = NULL;
	if ((rc = db_exec(c, STMT_BUN_LIST, NULL, 0, &res)) != DB_OK) {
		json_decref(items);
		return rc;
	}
	while ((k = db_res_next(res)) == 1)
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:b}", "_id",
		    (json_int_t)db_res_int(res, 0), "code", db_res_text(res, 1), "name",
		    db_res_text(res, 2), "description", db_res_text(res, 3), "source_note",
		    db_res_text(res, 4), "time_limit", db_res_int(res, 7) > 0 ? json_pack("{s:I, s:s}",
		    "value", (json_int_t)db_res_int(res, 5), "unit", db_res_text(res, 6)) :
		    json_null(), "receivable", db_res_int(res, 7) > 0));
	rc = k < 0 ? db_res_rc(res) : DB_OK;
	db_res_free(res);
	for (size_t i = 0; rc == DB_OK && i < json_array_size(items); i++) {
		json_t *o = json_array_get(items, i), *comps = NULL;

		if ((rc = comps_json(c, json_integer_value(json_object_get(o, "_id")), 1, &comps)) ==
		    DB_OK)
			json_object_set_new(o, "components", comps);
		json_object_del(o, "_id");
	}
	if (rc != DB_OK) {
		json_decref(items);
		return rc;
	}
	*out = items;
	return DB_OK;
}

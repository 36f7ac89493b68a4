/*
 * HTTP of the bundle slice:
 *   GET  /api/v1/bundles                                    public list
 *   POST /api/v1/bundles/{code}/components/{id}/outputs     staff (component's agency)
 *   POST /api/v1/bundles/{code}/components/{id}/outcome     API token of the agency
 * Reception of a bundle is the dossier slice's POST /api/v1/dossiers.
 */
#include <stdlib.h>
#include <string.h>

#include "../idem/idem.h"
#include "bundle_int.h"

static void
http_list(struct req *r, struct resp *w)
{
	struct db_conn *c = app_conn(r, w);
	json_t *items = NULL;

	if (c == NULL)
		return;
	if (bundle_list_json(c, &items) != DB_OK) {
		resp_problem(w, r, PROB_UNAVAILABLE, "Không đọc được danh sách nhóm liên thông.",
		    "Could not read the interlinked groups.");
		return;
	}
	resp_json(w, 200, json_pack("{s:o, s:n}", "items", items, "next_cursor"));
	resp_header(w, "Cache-Control", "public, max-age=60");
}

/* {id} as a positive integer, or 0. */
static int64_t
param_id(const struct req *r)
{
	const char *s = req_param(r, "id");
	int64_t v = 0;

	if (s == NULL || s[0] == '\0' || strlen(s) > 18)
		return 0;
	for (const char *p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		v = v * 10 + (*p - '0');
	}
	return v;
}

static int
idem_ok(struct req *r, struct resp *w, const char *idem)
{
	struct dossier_err err;

	if (idem == NULL || idem_key_valid(idem))
		return 1;
	memset(&err, 0, sizeof(err));
	dossier_err_param(&err, "Idempotency-Key", "Cần 1–%d ký tự ASCII in được, không có dấu "
	    "cách.", "Must be 1–%d printable ASCII characters without spaces.", IDEM_KEY_MAX,
	    IDEM_KEY_MAX);
	dossier_err_render(r, w, &err);
	return 0;
}

static void
http_outcome(struct req *r, struct resp *w)
{
	struct dossier_ctx x;
	struct dossier_err err;
	struct dossier_answer ans;
	const char *idem = req_header(r, "Idempotency-Key");
	json_t *body;

	memset(&err, 0, sizeof(err));
	if (dossier_ctx_staff(r, w, &x) == -1 || !idem_ok(r, w, idem))
		return;
	if ((body = req_json_object(r, w)) == NULL)
		return;
	if (bundle_outcome(&x, req_param(r, "code"), param_id(r), body, idem, r->body, &ans,
	    &err) == -1) {
		json_decref(body);
		dossier_err_render(r, w, &err);
		return;
	}
	json_decref(body);
	if (ans.replayed)
		resp_header(w, "Idempotent-Replayed", "true");
	resp_json(w, ans.status, ans.json);
	resp_header(w, "Cache-Control", "no-store");
}

static void
http_outputs(struct req *r, struct resp *w)
{
	struct dossier_ctx x;
	struct dossier_err err;
	json_t *body, *out = NULL;

	memset(&err, 0, sizeof(err));
	if (dossier_ctx_staff(r, w, &x) == -1)
		return;
	if ((body = req_json_object(r, w)) == NULL)
		return;
	if (bundle_outputs(&x, req_param(r, "code"), param_id(r), body, &out, &err) == -1) {
		json_decref(body);
		dossier_err_render(r, w, &err);
		return;
	}
	json_decref(body);
	resp_json(w, 200, out);
	resp_header(w, "Cache-Control", "no-store");
}

const struct route bundle_routes[] = {
	{ HTTP_GET, "/api/v1/bundles", http_list, ACT_PUBLIC },
	{ HTTP_POST, "/api/v1/bundles/{code}/components/{id}/outputs", http_outputs,
	    ACT_DOSSIER_PROCESS },
	{ HTTP_POST, "/api/v1/bundles/{code}/components/{id}/outcome", http_outcome,
	    ACT_BUNDLE_OUTCOME },
};
const size_t bundle_nroutes = CORE_NELEM(bundle_routes);

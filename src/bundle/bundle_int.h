/* Private to src/bundle: what its files share. */
#ifndef MOTCUA_BUNDLE_INT_H
#define MOTCUA_BUNDLE_INT_H

#include <jansson.h>

#include "../dossier/dossier_int.h"
#include "bundle.h"

/* One component of a definition (strings in the ctx arena). */
struct bundle_comp {
	int64_t seq; /* 1.. */
	const char *key, *name, *procedure, *agency, *external;
	int64_t share;
	int release;
	json_t *provides, *requires; /* owned by the bundle_def */
};

struct bundle_def {
	int64_t id, limit;
	const char *code, *name, *unit;
	int n;
	struct bundle_comp c[BUNDLE_COMPONENTS_MAX];
	struct bundle_graph g; /* shares and edges (prov/req unused) */
};

/* Load the definition of bundle id (code when id is 0): DB_OK,
 * DB_NOTFOUND, or another db_rc.  bundle_def_free() it. */
enum db_rc bundle_def_load(struct dossier_ctx *x, int64_t id, const char *code,
    struct bundle_def *b);
void bundle_def_free(struct bundle_def *b);
/* The public list of definitions (GET /api/v1/bundles). */
enum db_rc bundle_list_json(struct db_conn *c, json_t **out);
/* The external outcome of component `id` of bundle dossier `code` (see
 * http.c for the contract).  0 with the answer (status + JSON), or -1. */
int bundle_outcome(struct dossier_ctx *x, const char *code, int64_t id, json_t *body,
    const char *idem_key, const char *body_text, struct dossier_answer *ans,
    struct dossier_err *err);
/* Record outputs {name: value} of component `id` (staff). */
int bundle_outputs(struct dossier_ctx *x, const char *code, int64_t id, json_t *body,
    json_t **out, struct dossier_err *err);

#endif

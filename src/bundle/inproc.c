/*
 * In-process callers of the bundle slice's write paths (`motcua dossier
 * demo` makes its interlinked dossiers through them): exactly what
 * POST /api/v1/bundles/{code}/components/{id}/outputs and .../outcome run,
 * without an Idempotency-Key.
 */
#include <string.h>

#include "bundle_int.h"

int
bundle_record_outputs(struct dossier_ctx *x, const char *code, int64_t id, void *body,
    struct dossier_err *err)
{
	json_t *out = NULL;
	int rc = bundle_outputs(x, code, id, body, &out, err);

	json_decref(out);
	return rc;
}

int
bundle_record_outcome(struct dossier_ctx *x, const char *code, int64_t id, void *body,
    struct dossier_err *err)
{
	struct dossier_answer ans;
	int rc;

	memset(&ans, 0, sizeof(ans));
	rc = bundle_outcome(x, code, id, body, NULL, NULL, &ans, err);
	json_decref(ans.json);
	return rc;
}

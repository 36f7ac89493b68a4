/*
 * The staff work queue's "waiting for a predecessor" view: a component
 * dossier that has not started (status submitted, bundle_members.started_at
 * NULL) is shown apart in GET /api/v1/dossiers (filter `waiting`), with
 * the components it waits for.  Only names, agencies and statuses of the
 * predecessors are shown, never their codes: the predecessor may belong
 * to an agency outside the caller's scope.  docs/BUNDLE.md §5.
 */
#include "bundle_int.h"

void *
bundle_waiting_for(struct db_conn *c, int64_t dossier_id, int en)
{
	struct db_res *res = NULL;
	json_t *out;
	int k;

	if (db_exec(c, STMT_BUN_WAITING_FOR, (struct db_param[]){ DB_INT(dossier_id) }, 1, &res) !=
	    DB_OK)
		return NULL;
	out = json_array();
	while ((k = db_res_next(res)) == 1) {
		enum dossier_status st = dossier_status_from(db_res_text(res, 3));
		int waits = st == DS_SUBMITTED && db_res_int(res, 4) == 0;

		json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:s, s:s}", "key",
		    db_res_text(res, 0), "name", db_res_text(res, 1), "agency", db_res_text(res, 2),
		    "status", waits ? "waiting" : db_res_text(res, 3), "status_label", waits ?
		    (en ? "Waiting for a predecessor" : "Đang chờ thủ tục trước") : st < DS__MAX ?
		    dossier_status_label(st, en) : db_res_text(res, 3)));
	}
	db_res_free(res);
	if (k < 0) {
		json_decref(out);
		return NULL;
	}
	return out;
}

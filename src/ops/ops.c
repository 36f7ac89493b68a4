/* Operational endpoints: liveness with a real database round trip,
 * Prometheus metrics, and the service's identity. */
#include <jansson.h>
#include <string.h>

#include "../app.h"
#include "ops.h"

struct db_conn *
app_conn(struct req *r, struct resp *w)
{
	struct db_conn *c = db_conn(APP(r)->db);

	if (c == NULL)
		resp_problem(w, r, PROB_UNAVAILABLE,
		    "Không kết nối được cơ sở dữ liệu. Vui lòng thử lại sau.",
		    "The database is unreachable. Please try again later.");
	return c;
}

static void
ops_healthz(struct req *r, struct resp *w)
{
	struct db_conn *c = db_conn(APP(r)->db);
	int64_t one = 0;
	char now[32];

	time_format_iso(clock_now(), now);
	if (c == NULL || db_scalar_int(c, STMT_PING, NULL, 0, &one) != DB_OK || one != 1) {
		resp_json(w, 503, json_pack("{s:s, s:s, s:s}", "status", "unavailable",
		    "database", "down", "time", now));
		return;
	}
	resp_json(w, 200, json_pack("{s:s, s:s, s:s, s:s}", "status", "ok",
	    "database", db_backend(APP(r)->db) == DB_SQLITE ? "sqlite" : "postgresql",
	    "version", MOTCUA_VERSION, "time", now));
	resp_header(w, "Cache-Control", "no-store");
}

static void
ops_metrics(struct req *r, struct resp *w)
{
	struct db_group_stats gs;

	w->status = 200;
	w->content_type = "text/plain; version=0.0.4; charset=utf-8";
	metrics_render(&w->body);
	buf_printf(&w->body, "# HELP motcua_db_errors_total Database errors.\n"
	    "# TYPE motcua_db_errors_total counter\nmotcua_db_errors_total %llu\n",
	    (unsigned long long)db_error_count());
	db_group_stats(APP(r)->group, &gs);
	buf_printf(&w->body, "# HELP motcua_group_commits_total Transactions of the group "
	    "commit writer.\n# TYPE motcua_group_commits_total counter\n"
	    "motcua_group_commits_total %llu\n"
	    "# HELP motcua_group_units_total Units of work committed by the group writer.\n"
	    "# TYPE motcua_group_units_total counter\nmotcua_group_units_total %llu\n"
	    "# HELP motcua_group_failed_total Units of work rolled back alone.\n"
	    "# TYPE motcua_group_failed_total counter\nmotcua_group_failed_total %llu\n"
	    "# HELP motcua_group_largest Most units committed together.\n"
	    "# TYPE motcua_group_largest gauge\nmotcua_group_largest %llu\n"
	    "# HELP motcua_group_run_seconds_total Writer time running units.\n"
	    "# TYPE motcua_group_run_seconds_total counter\n"
	    "motcua_group_run_seconds_total %.6f\n"
	    "# HELP motcua_group_commit_seconds_total Writer time in COMMIT.\n"
	    "# TYPE motcua_group_commit_seconds_total counter\n"
	    "motcua_group_commit_seconds_total %.6f\n",
	    (unsigned long long)gs.batches, (unsigned long long)gs.units,
	    (unsigned long long)gs.failed, (unsigned long long)gs.largest,
	    (double)gs.run_ns / 1e9, (double)gs.commit_ns / 1e9);
	resp_header(w, "Cache-Control", "no-store");
}

static void
ops_meta(struct req *r, struct resp *w)
{
	char now[32], started[32];

	time_format_iso(clock_now(), now);
	time_format_iso(APP(r)->started_at, started);
	resp_json(w, 200, json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", "motcua",
	    "version", MOTCUA_VERSION, "time", now, "started_at", started,
	    "time_zone", "+07:00"));
}

#ifdef MOTCUA_TEST_CLOCK
/*
 * Test builds only: a JSON write through the whole stack (parse, validate,
 * one transaction) so the platform's bad-input rules can be proven before
 * any business route exists.  Release builds do not contain these routes.
 */
static void
ops_test_setting_put(struct req *r, struct resp *w)
{
	json_t *j = req_json_object(r, w), *k, *v;
	struct problem_param bad[2];
	size_t nbad = 0;
	struct db_conn *c;

	if (j == NULL)
		return;
	k = json_object_get(j, "key");
	v = json_object_get(j, "value");
	if (!json_is_string(k) || json_string_length(k) == 0 || json_string_length(k) > 64)
		bad[nbad++] = (struct problem_param){ "key", "Cần chuỗi 1–64 ký tự." };
	if (!json_is_string(v) || json_string_length(v) > 1000)
		bad[nbad++] = (struct problem_param){ "value", "Cần chuỗi tối đa 1000 ký tự." };
	if (nbad > 0) {
		resp_problem_params(w, r, PROB_VALIDATION, "Dữ liệu gửi lên không hợp lệ.",
		    "The submitted data is invalid.", bad, nbad);
		goto out;
	}
	if ((c = app_conn(r, w)) == NULL)
		goto out;
	if (db_begin(c) != DB_OK ||
	    db_exec(c, STMT_SETTING_PUT, (struct db_param[]){ DB_TEXT(json_string_value(k)),
	    DB_TEXT(json_string_value(v)), DB_INT(clock_now()) }, 3, NULL) != DB_OK ||
	    db_commit(c) != DB_OK) {
		db_rollback(c);
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		goto out;
	}
	resp_json(w, 200, json_pack("{s:O, s:O}", "key", k, "value", v));
out:
	json_decref(j);
}

static void
ops_test_setting_get(struct req *r, struct resp *w)
{
	struct db_conn *c;
	struct db_res *res = NULL;

	if ((c = app_conn(r, w)) == NULL)
		return;
	if (db_exec(c, STMT_SETTING_GET, (struct db_param[]){ DB_TEXT(req_param(r, "key")) },
	    1, &res) != DB_OK) {
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		return;
	}
	if (db_res_next(res) == 1)
		resp_json(w, 200, json_pack("{s:s, s:s}", "key", req_param(r, "key"),
		    "value", db_res_text(res, 0)));
	else
		resp_problem(w, r, PROB_NOT_FOUND, "Không có thiết lập này.", "No such setting.");
	db_res_free(res);
}
#endif

const struct route ops_routes[] = {
	{ HTTP_GET, "/healthz", ops_healthz, 0 },
	{ HTTP_GET, "/metrics", ops_metrics, 0 },
	{ HTTP_GET, "/api/v1/meta", ops_meta, 0 },
#ifdef MOTCUA_TEST_CLOCK
	{ HTTP_PUT, "/api/v1/_test/settings", ops_test_setting_put, 0 },
	{ HTTP_GET, "/api/v1/_test/settings/{key}", ops_test_setting_get, 0 },
#endif
};
const size_t ops_nroutes = CORE_NELEM(ops_routes);

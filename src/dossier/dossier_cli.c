/*
 * `motcua dossier demo|show|list|scan` and `motcua bench-data`.
 *
 *   dossier demo [--db URL] [--count N] [--days D] [--ratings PCT]
 *                                                    demo officials, dossiers, ratings
 *   dossier show CODE [--db URL]                     the staff view as JSON
 *   dossier list [--db URL] [--status S] [--limit N] code, status, due per line
 *   dossier scan [--db URL]                          one pass of the scanner
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../calendar/calendar_http.h"
#include "../core/config.h"
#include "dossier_int.h"

static const char *const cli_usage =
    "cách dùng:\n"
    "  motcua dossier demo [--db URL] [--count N] [--days D] [--ratings PHẦN-TRĂM]\n"
    "  motcua dossier show MÃ-HỒ-SƠ [--db URL]\n"
    "  motcua dossier list [--db URL] [--status S[,S...]|open] [--limit N]\n"
    "  motcua dossier scan [--db URL]\n";

/* The calendar a server on this database would use. */
static struct calendar *
cli_calendar(struct db *db)
{
	char err[512];
	struct calendar *cal = calendar_store_open(db, config_str(CFG_DATA), err, sizeof(err));

	if (cal == NULL)
		fprintf(stderr, "motcua dossier: lịch làm việc: %s\n", err);
	return cal;
}

static int
cli_show(struct db_conn *c, struct calendar *cal, const char *code)
{
	struct arena *a = arena_new(64u << 20);
	struct dossier_ctx x = { .c = c, .cal = cal, .now = clock_now(), .request_id = "",
		.arena = a };
	struct dossier_err err;
	void *out = NULL;
	char *text;
	int rc = 1;

	memset(&err, 0, sizeof(err));
	x.scope.all = 1;
	if (a == NULL)
		return 1;
	if (dossier_detail(&x, code, &out, &err) == -1) {
		fprintf(stderr, "motcua dossier show: %s\n", err.vi);
		goto out;
	}
	if ((text = json_dumps(out, JSON_INDENT(1) | JSON_PRESERVE_ORDER)) != NULL) {
		puts(text);
		free(text);
		rc = 0;
	}
out:
	json_decref(out);
	arena_free(a);
	return rc;
}

static int
cli_list(struct db_conn *c, const char *status, const char *limit_s)
{
	struct db_param p[17];
	struct scope all = { 1, 0 };
	struct db_res *res = NULL;
	char filter[512] = "";
	int64_t limit = 1000000, last_k = -1, last_id = 0, n;
	int k;

	if (limit_s != NULL && str_to_i64(limit_s, 1, INT64_MAX, &limit) == -1) {
		fprintf(stderr, "motcua dossier list: --limit cần số nguyên dương\n");
		return 2;
	}
	if (status != NULL) {
		if (strcmp(status, "open") == 0) {
			str_lcpy(filter, ",", sizeof(filter));
			for (int i = 0; i < DS__MAX; i++)
				if (!dossier_status_terminal((enum dossier_status)i)) {
					size_t l = strlen(filter);

					snprintf(filter + l, sizeof(filter) - l, "%s,",
					    dossier_status_name((enum dossier_status)i));
				}
		} else if (strlen(status) + 3 < sizeof(filter))
			snprintf(filter, sizeof(filter), ",%s,", status);
	}
	/* Pages of 1000 in queue order until the limit. */
	do {
		int64_t page = limit < 1000 ? limit : 1000;

		auth_scope_bind(&all, p);
		p[2] = DB_TEXT(filter);
		for (int i = 3; i < 17; i++) /* $17: waiting components too */
			p[i] = DB_INT(0);
		p[5] = DB_TEXT(""); /* channel: any */
		p[13] = DB_INT(last_k);
		p[14] = DB_INT(last_id);
		p[15] = DB_INT(page);
		if (db_exec(c, STMT_DOS_LIST_SCOPED, p, 17, &res) != DB_OK)
			return 1;
		n = 0;
		while ((k = db_res_next(res)) == 1) {
			char due[32] = "-";

			if (db_res_int(res, 8) != 0)
				time_format_iso(db_res_int(res, 8), due);
			printf("%s\t%s\t%s\t%s\n", db_res_text(res, 0), db_res_text(res, 1), due,
			    db_res_text(res, 3));
			last_k = db_res_int(res, 24);
			last_id = db_res_int(res, 25);
			n++;
		}
		db_res_free(res);
		if (k < 0)
			return 1;
		limit -= n;
	} while (n == 1000 && limit > 0);
	return 0;
}

int
dossier_cli(int argc, char **argv)
{
	static const char *const names[] = { "count", "days", "status", "limit", "ratings",
		NULL };
	struct cli_args a = { .names = names };
	struct db *db = NULL;
	struct db_conn *c = NULL;
	struct calendar *cal = NULL;
	int rc = 2;

	if (argc < 2 || auth_cli_parse(argc, argv, 1, &a) == -1 || a.npos < 1) {
		fputs(cli_usage, stderr);
		return 2;
	}
	if ((c = auth_cli_open(&db)) == NULL)
		return 1;
	if (strcmp(a.pos[0], "demo") == 0 && a.npos == 1) {
		struct dossier_demo_opts o = { .count = 300, .days = 120, .out = stdout };
		int64_t v;

		if (a.vals[0] != NULL && str_to_i64(a.vals[0], 1, 100000, &v) == 0)
			o.count = (int)v;
		else if (a.vals[0] != NULL) {
			fprintf(stderr, "motcua dossier demo: --count cần số từ 1 đến 100000\n");
			goto out;
		}
		if (a.vals[1] != NULL && str_to_i64(a.vals[1], 7, 3650, &v) == 0)
			o.days = (int)v;
		else if (a.vals[1] != NULL) {
			fprintf(stderr, "motcua dossier demo: --days cần số từ 7 đến 3650\n");
			goto out;
		}
		/* The share of finished dossiers that are rated (0: none, for
		 * tests that rate themselves). */
		if (a.vals[4] != NULL && str_to_i64(a.vals[4], 0, 100, &v) == 0)
			o.rated_pct = v == 0 ? -1 : (int)v;
		else if (a.vals[4] != NULL) {
			fprintf(stderr, "motcua dossier demo: --ratings cần số từ 0 đến 100\n");
			goto out;
		}
		if ((cal = cli_calendar(db)) == NULL) {
			rc = 1;
			goto out;
		}
		rc = dossier_demo_load(c, cal, &o) == 0 ? 0 : 1;
	} else if (strcmp(a.pos[0], "show") == 0 && a.npos == 2) {
		if ((cal = cli_calendar(db)) == NULL) {
			rc = 1;
			goto out;
		}
		rc = cli_show(c, cal, a.pos[1]);
	} else if (strcmp(a.pos[0], "list") == 0 && a.npos == 1)
		rc = cli_list(c, a.vals[2], a.vals[3]);
	else if (strcmp(a.pos[0], "scan") == 0 && a.npos == 1) {
		int n;

		if ((cal = cli_calendar(db)) == NULL) {
			rc = 1;
			goto out;
		}
		n = dossier_scan_once(c, cal, clock_now(), 100000);
		if (n >= 0)
			printf("scan: %d hồ sơ được đánh dấu\n", n);
		rc = n >= 0 ? 0 : 1;
	} else
		fputs(cli_usage, stderr);
out:
	if (cal != NULL) {
		calendar_store_close();
		calendar_free(cal);
	}
	auth_cli_close(db, c);
	return rc;
}

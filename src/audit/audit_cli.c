/* motcua audit verify|list: prove the chain unbroken, or read it. */
#include <stdio.h>
#include <string.h>

#include "../auth/auth.h"
#include "audit.h"

static const char audit_usage[] =
    "cách dùng:\n"
    "  motcua audit verify [--db URL]   (kiểm tra chuỗi băm; mã thoát 1 nếu bị sửa, nêu mục hỏng)\n"
    "  motcua audit list [--db URL] [--object X] [--limit N]\n";

static int
audit_cli_list(struct db_conn *c, const char *object, const char *limit_s)
{
	struct db_res *res = NULL;
	int64_t limit = 50;
	char at[32];
	int k;

	if (limit_s != NULL && str_to_i64(limit_s, 1, 100000, &limit) == -1) {
		fputs(audit_usage, stderr);
		return 2;
	}
	if (db_exec(c, STMT_AUDIT_QUERY_SCOPED, (struct db_param[]){ DB_INT(1), DB_INT(0),
	    DB_INT(INT64_MAX), DB_TEXT(object ? object : ""), DB_TEXT(""), DB_TEXT(""),
	    DB_INT(limit) }, 7, &res) != DB_OK)
		return 1;
	printf("id\tat\tactor\taction\tobject\tdetail\n");
	while ((k = db_res_next(res)) == 1) {
		time_format_iso(db_res_int(res, 1), at);
		printf("%lld\t%s\t%s\t%s\t%s\t%s\n", (long long)db_res_int(res, 0), at,
		    db_res_text(res, 3), db_res_text(res, 5), db_res_text(res, 6), db_res_text(res, 8));
	}
	db_res_free(res);
	return k < 0 ? 1 : 0;
}

int
audit_cli(int argc, char **argv)
{
	static const char *const names[] = { "object", "limit", NULL };
	struct cli_args a = { .names = names };
	struct db *db = NULL;
	struct db_conn *c;
	int64_t n = 0, bad = 0;
	char why[512];
	int rc;

	if (argc < 2 || auth_cli_parse(argc, argv, 2, &a) == -1 || a.npos != 0 ||
	    (strcmp(argv[1], "verify") != 0 && strcmp(argv[1], "list") != 0)) {
		fputs(audit_usage, stderr);
		return 2;
	}
	if ((c = auth_cli_open(&db)) == NULL)
		return 1;
	if (strcmp(argv[1], "list") == 0) {
		rc = audit_cli_list(c, a.vals[0], a.vals[1]);
		goto out;
	}
	rc = audit_verify(c, &n, &bad, why, sizeof(why));
	if (rc == 0)
		printf("nhật ký kiểm toán nguyên vẹn: %lld mục\n", (long long)n);
	else if (rc == 1)
		fprintf(stderr, "motcua audit verify: HỎNG tại mục %lld: %s\n", (long long)bad, why);
	else
		fprintf(stderr, "motcua audit verify: lỗi đọc cơ sở dữ liệu\n");
	rc = rc == 0 ? 0 : 1;
out:
	auth_cli_close(db, c);
	return rc;
}

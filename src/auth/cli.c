/* The command line of the auth slice: motcua user|token|agency|auth ...
 * Every change is audited with actor "cli" in the same transaction. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "../core/config.h"
#include "auth_int.h"

int
auth_cli_parse(int argc, char **argv, int first, struct cli_args *a)
{
	char err[512];
	int i;

	config_defaults();
	memset(a->vals, 0, sizeof(a->vals));
	a->npos = 0;
	for (i = first; i + 1 < argc; i++)
		if (strcmp(argv[i], "--config") == 0 &&
		    config_load_file(argv[i + 1], err, sizeof(err)) == -1) {
			fprintf(stderr, "motcua: %s\n", err);
			return -1;
		}
	for (i = first; i < argc; i++) {
		const char *arg = argv[i];
		size_t k;

		if (strncmp(arg, "--", 2) != 0) {
			if (a->npos == CORE_NELEM(a->pos)) {
				fprintf(stderr, "motcua: thừa đối số \"%s\"\n", arg);
				return -1;
			}
			a->pos[a->npos++] = arg;
			continue;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "motcua: %s cần một giá trị\n", arg);
			return -1;
		}
		for (k = 0; a->names != NULL && a->names[k] != NULL && k < CORE_NELEM(a->vals); k++)
			if (strcmp(a->names[k], arg + 2) == 0)
				break;
		if (a->names != NULL && a->names[k] != NULL && k < CORE_NELEM(a->vals))
			a->vals[k] = argv[i + 1];
		else if (strcmp(arg, "--config") != 0 &&
		    config_set(arg + 2, argv[i + 1], err, sizeof(err)) == -1) {
			fprintf(stderr, "motcua: %s\n", err);
			return -1;
		}
		i++;
	}
	if (strcmp(config_str(CFG_LOG_LEVEL), "debug") == 0)
		log_set_level(LOG_DEBUG);
	else if (strcmp(config_str(CFG_LOG_LEVEL), "error") == 0)
		log_set_level(LOG_ERROR);
	else
		log_set_level(LOG_WARN); /* a command's stderr is for the person typing */
	return 0;
}

struct db_conn *
auth_cli_open(struct db **db)
{
	const char *err;
	struct db_conn *c;

	if ((*db = db_open(config_str(CFG_DB), &err)) == NULL) {
		fprintf(stderr, "motcua: --db %s: %s\n", config_str(CFG_DB), err);
		return NULL;
	}
	if ((c = db_conn_new(*db)) == NULL) {
		fprintf(stderr, "motcua: không mở được cơ sở dữ liệu %s hoặc chưa chạy "
		    "\"motcua migrate\"\n", db_url_safe(*db));
		db_close(*db);
		*db = NULL;
	}
	return c;
}

void
auth_cli_close(struct db *db, struct db_conn *c)
{
	db_conn_free(c);
	db_close(db);
}

/* One line from stdin (echo off on a terminal); -1 on EOF or too long. */
static int
cli_read_secret(const char *prompt, char *out, size_t outsz)
{
	struct termios old, quiet;
	int tty = isatty(STDIN_FILENO), rc = -1;
	size_t n;

	if (tty) {
		fprintf(stderr, "%s", prompt);
		if (tcgetattr(STDIN_FILENO, &old) == 0) {
			quiet = old;
			quiet.c_lflag &= ~(tcflag_t)ECHO;
			tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
		} else
			tty = 0;
	}
	if (fgets(out, (int)outsz, stdin) != NULL) {
		n = strlen(out);
		if (n > 0 && out[n - 1] == '\n')
			out[--n] = '\0';
		else if (!feof(stdin))
			goto done; /* longer than the buffer */
		if (n > 0 && out[n - 1] == '\r')
			out[--n] = '\0';
		rc = 0;
	}
done:
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (rc == -1)
		str_wipe(out, outsz);
	return rc;
}

static enum db_rc
cli_audit(struct db_conn *c, int64_t agency, const char *action, const char *object,
    json_t *detail)
{
	return auth_audit_as(c, "", 0, "cli", agency, action, object, detail);
}

static int
cli_agency_id(struct db_conn *c, const char *code, int64_t *id)
{
	enum db_rc rc = db_scalar_int(c, STMT_AGENCY_BY_CODE, (struct db_param[]){ DB_TEXT(code) }, 1,
	    id);

	if (rc == DB_NOTFOUND)
		fprintf(stderr, "motcua: không có cơ quan mã \"%s\" (tạo bằng: motcua agency add)\n",
		    code);
	else if (rc != DB_OK)
		fprintf(stderr, "motcua: lỗi cơ sở dữ liệu (%s)\n", db_rc_name(rc));
	return rc == DB_OK ? 0 : -1;
}

/* ---- motcua user ------------------------------------------------------- */

static int
cli_user_add(struct db_conn *c, struct cli_args *a)
{
	const char *role_s = a->vals[1], *agency_s = a->vals[2], *name = a->vals[3];
	const char *unit_s = a->vals[4];
	char uname[AUTH_USERNAME_MAX + 1], pw[AUTH_PASSWORD_MAX_BYTES + 2], hash[AUTH_HASH_MAX];
	char reason[160];
	enum auth_role role = auth_role_from(role_s);
	enum pw_verdict v;
	int64_t agency = 0, unit = 0, id = 0, now = clock_now();
	enum db_rc rc;
	int ret = 1;

	pw[0] = hash[0] = '\0';
	if (a->vals[0] == NULL || auth_username_norm(a->vals[0], uname, sizeof(uname)) == -1) {
		fprintf(stderr, "motcua: --username cần 3–64 ký tự a-z, 0-9, . _ -\n");
		return 2;
	}
	if (role == ROLE__MAX) {
		fprintf(stderr, "motcua: --role phải là một trong: admin, agency_admin, receiver, "
		    "specialist, leader, clerk, inspector, citizen\n");
		return 2;
	}
	if (role != ROLE_CITIZEN && agency_s == NULL) {
		fprintf(stderr, "motcua: tài khoản cán bộ cần --agency MÃ_CƠ_QUAN\n");
		return 2;
	}
	if (name == NULL)
		name = uname;
	if (!auth_text_valid(name, AUTH_NAME_MAX)) {
		fprintf(stderr, "motcua: --name cần 1–200 ký tự\n");
		return 2;
	}
	if (agency_s != NULL && cli_agency_id(c, agency_s, &agency) == -1)
		return 1;
	if (unit_s != NULL) {
		int64_t n = 0;

		if (cli_agency_id(c, unit_s, &unit) == -1)
			return 1;
		if (unit == agency || db_scalar_int(c, STMT_AGENCY_IN_SUBTREE, (struct db_param[]){
		    DB_INT(agency), DB_INT(unit) }, 2, &n) != DB_OK || n == 0) {
			fprintf(stderr, "motcua: --unit phải trực thuộc --agency\n");
			return 1;
		}
	}
	if (cli_read_secret("Mật khẩu: ", pw, sizeof(pw)) == -1) {
		fprintf(stderr, "motcua: đọc mật khẩu từ stdin không được (một dòng, tối đa 512 byte)\n");
		return 2;
	}
	if ((v = auth_password_check(pw, uname)) != PW_OK) {
		auth_password_reason(v, 0, reason, sizeof(reason));
		fprintf(stderr, "motcua: %s\n", reason);
		goto out;
	}
	if (auth_password_hash(pw, hash, sizeof(hash)) == -1)
		goto out;
	if ((rc = db_begin(c)) == DB_OK)
		rc = db_scalar_int(c, STMT_USER_INSERT, (struct db_param[]){ DB_TEXT(uname),
		    DB_TEXT(name), DB_TEXT(auth_role_name(role)), agency ? DB_INT(agency) : DB_NULL,
		    unit ? DB_INT(unit) : DB_NULL, DB_TEXT(hash), DB_INT(now) }, 7, &id);
	if (rc == DB_OK) {
		char obj[32];

		snprintf(obj, sizeof(obj), "user:%lld", (long long)id);
		rc = cli_audit(c, agency, "user.create", obj, json_pack("{s:s, s:s, s:s?, s:s?}",
		    "username", uname, "role", auth_role_name(role), "agency", agency_s, "unit", unit_s));
	}
	if (rc == DB_OK)
		rc = db_commit(c);
	if (rc != DB_OK) {
		db_rollback(c);
		if (rc == DB_CONSTRAINT)
			fprintf(stderr, "motcua: tên đăng nhập \"%s\" đã có\n", uname);
		else
			fprintf(stderr, "motcua: lỗi cơ sở dữ liệu (%s)\n", db_rc_name(rc));
		goto out;
	}
	printf("%lld\n", (long long)id);
	fprintf(stderr, "đã tạo tài khoản %s (%s)\n", uname, auth_role_name(role));
	ret = 0;
out:
	str_wipe(pw, sizeof(pw));
	str_wipe(hash, sizeof(hash));
	return ret;
}

static int
cli_user_list(struct db_conn *c)
{
	struct db_res *res = NULL;
	int64_t after = 0;
	int k, rows;

	printf("id\tusername\trole\tagency\tdisabled\tfull_name\n");
	do {
		rows = 0;
		if (db_exec(c, STMT_USER_LIST_SCOPED, (struct db_param[]){ DB_INT(1), DB_INT(0),
		    DB_INT(after), DB_INT(500) }, 4, &res) != DB_OK)
			return 1;
		while ((k = db_res_next(res)) == 1) {
			after = db_res_int(res, 0);
			printf("%lld\t%s\t%s\t%s\t%lld\t%s\n", (long long)after, db_res_text(res, 1),
			    db_res_text(res, 3), db_res_text(res, 5)[0] ? db_res_text(res, 5) : "-",
			    (long long)db_res_int(res, 9), db_res_text(res, 2));
			rows++;
		}
		db_res_free(res);
		if (k < 0)
			return 1;
	} while (rows == 500);
	return 0;
}

static int
cli_user_lookup(struct db_conn *c, const char *username, char *uname, size_t n, int64_t *id)
{
	enum db_rc rc;

	if (username == NULL || auth_username_norm(username, uname, n) == -1) {
		fprintf(stderr, "motcua: cần tên đăng nhập hợp lệ\n");
		return 2;
	}
	rc = db_scalar_int(c, STMT_USER_ID_BY_USERNAME, (struct db_param[]){ DB_TEXT(uname) }, 1, id);
	if (rc == DB_NOTFOUND)
		fprintf(stderr, "motcua: không có tài khoản \"%s\"\n", uname);
	else if (rc != DB_OK)
		fprintf(stderr, "motcua: lỗi cơ sở dữ liệu (%s)\n", db_rc_name(rc));
	return rc == DB_OK ? 0 : 1;
}

static int
cli_user_set_disabled(struct db_conn *c, const char *username, int disabled)
{
	char uname[AUTH_USERNAME_MAX + 1], obj[32];
	int64_t id;
	enum db_rc rc;
	int k;

	if ((k = cli_user_lookup(c, username, uname, sizeof(uname), &id)) != 0)
		return k;
	snprintf(obj, sizeof(obj), "user:%lld", (long long)id);
	if ((rc = db_begin(c)) == DB_OK)
		rc = db_exec(c, STMT_USER_SET_DISABLED, (struct db_param[]){ DB_INT(id), DB_INT(disabled),
		    DB_INT(clock_now()) }, 3, NULL);
	if (rc == DB_OK && disabled)
		rc = db_exec(c, STMT_SESSION_DELETE_USER, (struct db_param[]){ DB_INT(id) }, 1, NULL);
	if (rc == DB_OK)
		rc = cli_audit(c, 0, disabled ? "user.disable" : "user.enable", obj, NULL);
	if (rc == DB_OK)
		rc = db_commit(c);
	if (rc != DB_OK) {
		db_rollback(c);
		fprintf(stderr, "motcua: lỗi cơ sở dữ liệu (%s)\n", db_rc_name(rc));
		return 1;
	}
	fprintf(stderr, "đã %s tài khoản %s\n", disabled ? "khoá" : "mở khoá", uname);
	return 0;
}

static int
cli_user_passwd(struct db_conn *c, const char *username)
{
	char uname[AUTH_USERNAME_MAX + 1], obj[32], pw[AUTH_PASSWORD_MAX_BYTES + 2];
	char hash[AUTH_HASH_MAX] = "", reason[160];
	enum pw_verdict v;
	int64_t id;
	enum db_rc rc;
	int k, ret = 1;

	if ((k = cli_user_lookup(c, username, uname, sizeof(uname), &id)) != 0)
		return k;
	if (cli_read_secret("Mật khẩu mới: ", pw, sizeof(pw)) == -1) {
		fprintf(stderr, "motcua: đọc mật khẩu từ stdin không được\n");
		return 2;
	}
	if ((v = auth_password_check(pw, uname)) != PW_OK) {
		auth_password_reason(v, 0, reason, sizeof(reason));
		fprintf(stderr, "motcua: %s\n", reason);
		goto out;
	}
	if (auth_password_hash(pw, hash, sizeof(hash)) == -1)
		goto out;
	snprintf(obj, sizeof(obj), "user:%lld", (long long)id);
	if ((rc = db_begin(c)) == DB_OK)
		rc = db_exec(c, STMT_USER_SET_PASSWORD, (struct db_param[]){ DB_INT(id), DB_TEXT(hash),
		    DB_INT(clock_now()) }, 3, NULL);
	if (rc == DB_OK)
		rc = db_exec(c, STMT_SESSION_DELETE_USER, (struct db_param[]){ DB_INT(id) }, 1, NULL);
	if (rc == DB_OK)
		rc = cli_audit(c, 0, "user.password_reset", obj, NULL);
	if (rc == DB_OK)
		rc = db_commit(c);
	if (rc != DB_OK) {
		db_rollback(c);
		fprintf(stderr, "motcua: lỗi cơ sở dữ liệu (%s)\n", db_rc_name(rc));
		goto out;
	}
	fprintf(stderr, "đã đặt lại mật khẩu của %s\n", uname);
	ret = 0;
out:
	str_wipe(pw, sizeof(pw));
	str_wipe(hash, sizeof(hash));
	return ret;
}

static const char cli_user_usage[] =
    "cách dùng:\n"
    "  motcua user add --username U --role R --agency MÃ [--unit MÃ] [--name \"Họ tên\"]"
    "   (mật khẩu đọc từ stdin)\n"
    "  motcua user list\n"
    "  motcua user disable U | enable U | passwd U\n"
    "  (mọi lệnh nhận thêm --db URL, --config FILE)\n";

int
auth_cli_user(int argc, char **argv)
{
	static const char *const names[] = { "username", "role", "agency", "name", "unit", NULL };
	struct cli_args a = { .names = names };
	struct db *db = NULL;
	struct db_conn *c;
	const char *sub;
	int rc = 2;

	if (argc < 2 || auth_cli_parse(argc, argv, 2, &a) == -1) {
		fputs(cli_user_usage, stderr);
		return 2;
	}
	sub = argv[1];
	if (strcmp(sub, "add") != 0 && strcmp(sub, "list") != 0 && strcmp(sub, "disable") != 0 &&
	    strcmp(sub, "enable") != 0 && strcmp(sub, "passwd") != 0) {
		fputs(cli_user_usage, stderr);
		return 2;
	}
	if ((strcmp(sub, "add") == 0 || strcmp(sub, "list") == 0) ? a.npos != 0 : a.npos != 1) {
		fputs(cli_user_usage, stderr);
		return 2;
	}
	if ((c = auth_cli_open(&db)) == NULL)
		return 1;
	if (strcmp(sub, "add") == 0)
		rc = cli_user_add(c, &a);
	else if (strcmp(sub, "list") == 0)
		rc = cli_user_list(c);
	else if (strcmp(sub, "passwd") == 0)
		rc = cli_user_passwd(c, a.pos[0]);
	else
		rc = cli_user_set_disabled(c, a.pos[0], strcmp(sub, "disable") == 0);
	auth_cli_close(db, c);
	return rc;
}

/* ---- motcua token ------------------------------------------------------ */

static int
cli_token_create(struct db_conn *c, struct cli_args *a)
{
	char secret[AUTH_TOKEN_LEN + 1] = "", hash[AUTH_HEX256], prefix[16], bad[64], obj[32];
	struct buf scopes;
	uint64_t mask = 0;
	int64_t agency = 0, expires = 0, id = 0;
	enum db_rc rc;
	int ret = 1;

	buf_init(&scopes, 4096);
	if (a->vals[0] == NULL || !auth_text_valid(a->vals[0], 100)) {
		fprintf(stderr, "motcua: --name cần 1–100 ký tự\n");
		ret = 2;
		goto out;
	}
	if (a->vals[1] == NULL || auth_scopes_parse(a->vals[1], &mask, bad, sizeof(bad)) == -1) {
		fprintf(stderr, "motcua: --scopes \"%s\": quyền \"%s\" không có hoặc không cấp được "
		    "cho mã truy cập\n", a->vals[1] ? a->vals[1] : "", a->vals[1] ? bad : "");
		ret = 2;
		goto out;
	}
	if (a->vals[2] == NULL) {
		fprintf(stderr, "motcua: cần --agency MÃ_CƠ_QUAN\n");
		ret = 2;
		goto out;
	}
	if (a->vals[3] != NULL && (time_parse_iso(a->vals[3], &expires) == -1 ||
	    expires <= clock_now())) {
		fprintf(stderr, "motcua: --expires cần thời điểm ISO 8601 ở tương lai\n");
		ret = 2;
		goto out;
	}
	if (cli_agency_id(c, a->vals[2], &agency) == -1)
		goto out;
	auth_scopes_format(mask, &scopes);
	if (auth_token_new(secret, sizeof(secret)) == -1)
		goto out;
	auth_sha256_hex(secret, strlen(secret), hash);
	str_lcpy(prefix, secret, 13);
	if ((rc = db_begin(c)) == DB_OK)
		rc = db_scalar_int(c, STMT_TOKEN_INSERT, (struct db_param[]){ DB_TEXT(a->vals[0]),
		    DB_TEXT(hash), DB_TEXT(prefix), DB_TEXT(scopes.data), DB_INT(agency), DB_NULL,
		    DB_INT(clock_now()), expires ? DB_INT(expires) : DB_NULL }, 8, &id);
	if (rc == DB_OK) {
		snprintf(obj, sizeof(obj), "token:%lld", (long long)id);
		rc = cli_audit(c, agency, "token.create", obj, json_pack("{s:s, s:s, s:s, s:s}",
		    "name", a->vals[0], "scopes", scopes.data, "agency", a->vals[2], "prefix", prefix));
	}
	if (rc == DB_OK)
		rc = db_commit(c);
	if (rc != DB_OK) {
		db_rollback(c);
		fprintf(stderr, "motcua: lỗi cơ sở dữ liệu (%s)\n", db_rc_name(rc));
		goto out;
	}
	/* The secret, once, on stdout alone; everything else on stderr. */
	printf("%s\n", secret);
	fprintf(stderr, "đã cấp mã truy cập %lld \"%s\" (%s); hãy lưu bí mật ở trên, "
	    "nó không được hiện lại\n", (long long)id, a->vals[0], scopes.data);
	ret = 0;
out:
	str_wipe(secret, sizeof(secret));
	buf_free(&scopes);
	return ret;
}

static int
cli_token_list(struct db_conn *c)
{
	struct db_res *res = NULL;
	char t[32];
	int64_t after = 0;
	int k, rows;

	printf("id\tname\tprefix\tagency\tscopes\tstate\tcreated_at\n");
	do {
		rows = 0;
		if (db_exec(c, STMT_TOKEN_LIST_SCOPED, (struct db_param[]){ DB_INT(1), DB_INT(0),
		    DB_INT(after), DB_INT(500) }, 4, &res) != DB_OK)
			return 1;
		while ((k = db_res_next(res)) == 1) {
			after = db_res_int(res, 0);
			time_format_iso(db_res_int(res, 6), t);
			printf("%lld\t%s\t%s\t%s\t%s\t%s\t%s\n", (long long)after, db_res_text(res, 1),
			    db_res_text(res, 2), db_res_text(res, 5), db_res_text(res, 3),
			    !db_res_isnull(res, 8) ? "revoked" : (!db_res_isnull(res, 7) &&
			    db_res_int(res, 7) <= clock_now()) ? "expired" : "active", t);
			rows++;
		}
		db_res_free(res);
		if (k < 0)
			return 1;
	} while (rows == 500);
	return 0;
}

static int
cli_token_revoke(struct db_conn *c, const char *ids)
{
	int64_t id;
	char obj[32];
	enum db_rc rc;

	if (str_to_i64(ids, 1, INT64_MAX, &id) == -1) {
		fprintf(stderr, "motcua: cần số hiệu mã truy cập (xem: motcua token list)\n");
		return 2;
	}
	snprintf(obj, sizeof(obj), "token:%lld", (long long)id);
	if ((rc = db_begin(c)) == DB_OK)
		rc = db_exec(c, STMT_TOKEN_REVOKE, (struct db_param[]){ DB_INT(id), DB_INT(clock_now()) },
		    2, NULL);
	if (rc == DB_OK && db_changes(c) != 1) {
		db_rollback(c);
		fprintf(stderr, "motcua: không có mã truy cập %lld đang hiệu lực\n", (long long)id);
		return 1;
	}
	if (rc == DB_OK)
		rc = cli_audit(c, 0, "token.revoke", obj, NULL);
	if (rc == DB_OK)
		rc = db_commit(c);
	if (rc != DB_OK) {
		db_rollback(c);
		fprintf(stderr, "motcua: lỗi cơ sở dữ liệu (%s)\n", db_rc_name(rc));
		return 1;
	}
	fprintf(stderr, "đã thu hồi mã truy cập %lld\n", (long long)id);
	return 0;
}

static const char cli_token_usage[] =
    "cách dùng:\n"
    "  motcua token create --name N --scopes a,b --agency MÃ [--expires ISO8601]\n"
    "  motcua token list\n"
    "  motcua token revoke ID\n";

int
auth_cli_token(int argc, char **argv)
{
	static const char *const names[] = { "name", "scopes", "agency", "expires", NULL };
	struct cli_args a = { .names = names };
	struct db *db = NULL;
	struct db_conn *c;
	const char *sub;
	int rc;

	if (argc < 2 || auth_cli_parse(argc, argv, 2, &a) == -1) {
		fputs(cli_token_usage, stderr);
		return 2;
	}
	sub = argv[1];
	if (!((strcmp(sub, "create") == 0 && a.npos == 0) || (strcmp(sub, "list") == 0 &&
	    a.npos == 0) || (strcmp(sub, "revoke") == 0 && a.npos == 1))) {
		fputs(cli_token_usage, stderr);
		return 2;
	}
	if ((c = auth_cli_open(&db)) == NULL)
		return 1;
	if (strcmp(sub, "create") == 0)
		rc = cli_token_create(c, &a);
	else if (strcmp(sub, "list") == 0)
		rc = cli_token_list(c);
	else
		rc = cli_token_revoke(c, a.pos[0]);
	auth_cli_close(db, c);
	return rc;
}

/* ---- motcua agency ----------------------------------------------------- */

static int
cli_agency_add(struct db_conn *c, struct cli_args *a)
{
	const char *code = a->vals[0], *name = a->vals[1], *parent_s = a->vals[2];
	const char *kind = a->vals[3] ? a->vals[3] : "other";
	int64_t parent = 0, id = 0;
	char obj[64];
	enum db_rc rc;

	if (!auth_agency_code_valid(code)) {
		fprintf(stderr, "motcua: --code cần mã định danh QCVN 102, ví dụ 000.00.00.H19\n");
		return 2;
	}
	if (name == NULL || !auth_text_valid(name, AUTH_NAME_MAX)) {
		fprintf(stderr, "motcua: --name cần 1–200 ký tự\n");
		return 2;
	}
	if (!auth_agency_kind_valid(kind)) {
		fprintf(stderr, "motcua: --kind là province, department, district, commune, unit, "
		    "center hoặc other\n");
		return 2;
	}
	if (parent_s != NULL && cli_agency_id(c, parent_s, &parent) == -1)
		return 1;
	if ((rc = db_begin(c)) == DB_OK)
		rc = db_scalar_int(c, STMT_AGENCY_INSERT, (struct db_param[]){ DB_TEXT(code),
		    parent ? DB_INT(parent) : DB_NULL, DB_TEXT(kind), DB_TEXT(name),
		    DB_INT(clock_now()) }, 5, &id);
	if (rc == DB_OK) {
		snprintf(obj, sizeof(obj), "agency:%s", code);
		rc = cli_audit(c, id, "agency.create", obj, json_pack("{s:s, s:s, s:s, s:s?}", "code",
		    code, "name", name, "kind", kind, "parent", parent_s));
	}
	if (rc == DB_OK)
		rc = db_commit(c);
	if (rc != DB_OK) {
		db_rollback(c);
		if (rc == DB_CONSTRAINT)
			fprintf(stderr, "motcua: mã cơ quan \"%s\" đã có\n", code);
		else
			fprintf(stderr, "motcua: lỗi cơ sở dữ liệu (%s)\n", db_rc_name(rc));
		return 1;
	}
	printf("%lld\n", (long long)id);
	return 0;
}

static int
cli_agency_list(struct db_conn *c)
{
	struct db_res *res = NULL;
	int64_t after = 0;
	int k, rows;

	printf("id\tcode\tparent\tkind\tname\n");
	do {
		rows = 0;
		if (db_exec(c, STMT_AGENCY_LIST, (struct db_param[]){ DB_INT(after), DB_INT(500) }, 2,
		    &res) != DB_OK)
			return 1;
		while ((k = db_res_next(res)) == 1) {
			after = db_res_int(res, 0);
			printf("%lld\t%s\t%s\t%s\t%s\n", (long long)after, db_res_text(res, 1),
			    db_res_text(res, 2)[0] ? db_res_text(res, 2) : "-", db_res_text(res, 3),
			    db_res_text(res, 4));
			rows++;
		}
		db_res_free(res);
		if (k < 0)
			return 1;
	} while (rows == 500);
	return 0;
}

static const char cli_agency_usage[] =
    "cách dùng:\n"
    "  motcua agency add --code MÃ --name TÊN [--parent MÃ] [--kind LOẠI]\n"
    "      LOẠI: province, department, district, commune, unit, center, other\n"
    "  motcua agency list\n";

int
auth_cli_agency(int argc, char **argv)
{
	static const char *const names[] = { "code", "name", "parent", "kind", NULL };
	struct cli_args a = { .names = names };
	struct db *db = NULL;
	struct db_conn *c;
	int rc;

	if (argc < 2 || auth_cli_parse(argc, argv, 2, &a) == -1 || a.npos != 0 ||
	    (strcmp(argv[1], "add") != 0 && strcmp(argv[1], "list") != 0)) {
		fputs(cli_agency_usage, stderr);
		return 2;
	}
	if ((c = auth_cli_open(&db)) == NULL)
		return 1;
	rc = strcmp(argv[1], "add") == 0 ? cli_agency_add(c, &a) : cli_agency_list(c);
	auth_cli_close(db, c);
	return rc;
}

/* ---- motcua auth ------------------------------------------------------- */

int
auth_cli_auth(int argc, char **argv, const struct router *rt)
{
	struct buf b;

	if (argc != 2 || (strcmp(argv[1], "matrix") != 0 && strcmp(argv[1], "roles") != 0)) {
		fputs("cách dùng:\n  motcua auth matrix   (JSON: vai trò, quyền, mọi route)\n"
		    "  motcua auth roles    (docs/ROLES.md sinh từ bảng quyền)\n", stderr);
		return 2;
	}
	buf_init(&b, 4u << 20);
	if (strcmp(argv[1], "matrix") == 0)
		auth_matrix_json(rt, &b);
	else
		auth_roles_markdown(&b);
	fputs(b.data ? b.data : "", stdout);
	buf_free(&b);
	return 0;
}

/*
 * motcua — the command line.  One table of subcommands; each parses its own
 * flags, loads the config and opens what it needs.
 */
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "calendar/calendar.h"
#include "calendar/calendar_http.h"
#include "bundle/bundle.h"
#include "catalog/catalog.h"
#include "core/config.h"
#include "dossier/dossier.h"
#include "ops/ops.h"
#include "report/report.h"
#include "rating/rating.h"

enum cmd {
	CMD_SERVE,
	CMD_MIGRATE,
	CMD_VERSION,
	CMD_DB,
	CMD_CONFIG,
	CMD_ROUTES,
	CMD_CALENDAR,
	CMD_USER,
	CMD_TOKEN,
	CMD_AGENCY,
	CMD_AUDIT,
	CMD_AUTH,
	CMD_CATALOG,
	CMD_SEED,
	CMD_DOSSIER,
	CMD_BENCH_DATA,
	CMD_BUNDLE,
	CMD__MAX
};

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
};

/* Flags every command shares: --db, --config, --listen, --web, --data and
 * any other config key as --key VALUE.  The config file is applied first so
 * flags win whatever their order.  Positional arguments are compacted into
 * argv[1..*npos] in their order. */
static int
main_flags(int argc, char **argv, int *npos)
{
	char err[512];
	int i, n = 0;

	config_defaults();
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			if (config_load_file(argv[i + 1], err, sizeof(err)) == -1) {
				fprintf(stderr, "motcua: %s\n", err);
				return -1;
			}
		}
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strncmp(a, "--", 2) != 0) {
			argv[1 + n++] = argv[i];
			continue;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "motcua: %s cần một giá trị\n", a);
			return -1;
		}
		if (strcmp(a, "--config") != 0 &&
		    config_set(a + 2, argv[i + 1], err, sizeof(err)) == -1) {
			fprintf(stderr, "motcua: %s\n", err);
			return -1;
		}
		i++;
	}
	*npos = n;
	if (strcmp(config_str(CFG_LOG_LEVEL), "debug") == 0)
		log_set_level(LOG_DEBUG);
	else if (strcmp(config_str(CFG_LOG_LEVEL), "warn") == 0)
		log_set_level(LOG_WARN);
	else if (strcmp(config_str(CFG_LOG_LEVEL), "error") == 0)
		log_set_level(LOG_ERROR);
	return 0;
}

static struct db *
main_open_db(void)
{
	const char *err;
	struct db *db = db_open(config_str(CFG_DB), &err);

	if (db == NULL)
		fprintf(stderr, "motcua: --db %s: %s\n", config_str(CFG_DB), err);
	return db;
}

static int
main_split_listen(const char *listen, char *host, size_t hostsz, unsigned *port)
{
	const char *colon = strrchr(listen, ':');
	int64_t p;

	if (colon == NULL || (size_t)(colon - listen) >= hostsz || colon == listen ||
	    str_to_i64(colon + 1, 0, 65535, &p) == -1)
		return -1;
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	*port = (unsigned)p;
	return 0;
}

/* Every slice's route table, in one place: serve, `motcua routes` and the
 * OpenAPI agreement test all see the same router. */
static struct router *
main_build_router(void)
{
	struct router *rt = router_new();

	if (rt == NULL || router_add(rt, ops_routes, ops_nroutes) == -1 ||
	    router_add(rt, auth_routes, auth_nroutes) == -1 ||
	    router_add(rt, auth_admin_routes, auth_admin_nroutes) == -1 ||
	    router_add(rt, audit_routes, audit_nroutes) == -1 ||
	    router_add(rt, calendar_routes, calendar_nroutes) == -1 ||
	    router_add(rt, catalog_routes, catalog_nroutes) == -1 ||
	    router_add(rt, catalog_agency_routes, catalog_agency_nroutes) == -1 ||
	    router_add(rt, dossier_routes, dossier_nroutes) == -1 ||
	    router_add(rt, bundle_routes, bundle_nroutes) == -1 ||
	    router_add(rt, bundle_external_routes, bundle_external_nroutes) == -1 ||
	    router_add(rt, report_routes, report_nroutes) == -1 ||
	    router_add(rt, rating_routes, rating_nroutes) == -1)
		fatal("router: bad route table");
	return rt;
}

static int
cmd_serve(int argc, char **argv)
{
	struct app app = { 0 };
	struct http_app happ = { 0 };
	struct server_opts so = { 0 };
	struct server *srv = NULL;
	struct router *rt = NULL;
	struct db_conn *probe;
	int pg_local;
	sigset_t set;
	char host[64], cal_err[512];
	int npos, sig, rc = 1;
	long ncpu;

	if (main_flags(argc, argv, &npos) == -1)
		return 2;
	if (npos != 0) {
		fprintf(stderr, "motcua serve: thừa đối số \"%s\"\n", argv[1]);
		return 2;
	}
	if (main_split_listen(config_str(CFG_LISTEN), host, sizeof(host), &so.port) == -1) {
		fprintf(stderr, "motcua: --listen cần dạng HOST:PORT\n");
		return 2;
	}
	if ((app.db = main_open_db()) == NULL)
		return 2;
	/* Prove now, not at the first request, that the schema is there and
	 * every statement of the table prepares. */
	if ((probe = db_conn_new(app.db)) == NULL) {
		fprintf(stderr, "motcua: không mở được cơ sở dữ liệu %s hoặc chưa chạy "
		    "\"motcua migrate\"\n", db_url_safe(app.db));
		goto out;
	}
	pg_local = db_server_local(probe);
	db_conn_free(probe);
	/* The working-day calendar: shipped tables, then the edited ones. */
	if ((app.cal = calendar_store_open(app.db, config_str(CFG_DATA), cal_err,
	    sizeof(cal_err))) == NULL) {
		fprintf(stderr, "motcua: lịch làm việc: %s\n", cal_err);
		rc = 2;
		goto out;
	}
	if (calendar_store_sync_start((int)config_int(CFG_CALENDAR_SYNC)) == -1)
		fprintf(stderr, "motcua: không chạy được luồng đồng bộ lịch; sửa đổi của "
		    "máy chủ khác chỉ được nạp khi khởi động lại\n");
	app.started_at = clock_now();
	app.behind_tls = (int)config_int(CFG_BEHIND_TLS);

	rt = main_build_router();
	happ.router = rt;
	happ.guard = auth_guard;
	happ.web_root = config_str(CFG_WEB);
	happ.hsts = app.behind_tls;
	happ.ctx = &app;

	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	so.host = host;
	so.threads = config_int(CFG_THREADS) ? (unsigned)config_int(CFG_THREADS)
	    : (unsigned)(ncpu > 0 ? ncpu : 2);
	/* A worker waits out every PostgreSQL round trip: when the server is
	 * on another machine, four per core keep the CPUs busy meanwhile; not
	 * past 64, one connection each.  A PostgreSQL on this machine runs on
	 * the same CPUs, and there the extra workers and backends only made
	 * the tail: the 1M public lookup had the same rate with one worker per
	 * core and four, but p99 11-13 ms against 15-440 ms (bench/RESULTS.md,
	 * "Public lookup on PostgreSQL"). */
	if (config_int(CFG_THREADS) == 0 && db_backend(app.db) == DB_PG && !pg_local)
		so.threads = so.threads < 16 ? so.threads * 4 : so.threads;
	so.conn_limit = (unsigned)config_int(CFG_CONN_LIMIT);
	so.per_ip_limit = (unsigned)config_int(CFG_PER_IP_LIMIT);
	so.idle_timeout_s = (unsigned)config_int(CFG_IDLE_TIMEOUT);
	so.max_header_bytes = (size_t)config_int(CFG_MAX_HEADER_BYTES);
	so.max_body_bytes = (size_t)config_int(CFG_MAX_BODY_BYTES);
	so.arena_bytes = (size_t)config_int(CFG_ARENA_BYTES);
	so.thread_per_connection = (int)config_int(CFG_THREAD_PER_CONN);
	so.access_log = (int)config_int(CFG_ACCESS_LOG);

	/* Worker threads inherit this mask, so only sigwait() below sees the
	 * signals and shutdown runs on the main thread. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (config_int(CFG_GROUP_MAX) > 0) {
		struct db_group_opts go = { (unsigned)config_int(CFG_GROUP_MAX),
			(unsigned)config_int(CFG_GROUP_WAIT_US) };

		if ((app.group = db_group_start(app.db, &go)) == NULL) {
			fprintf(stderr, "motcua: không chạy được luồng ghi nhóm (group commit)\n");
			goto out;
		}
	}
	if ((srv = server_start(&so, &happ)) == NULL) {
		fprintf(stderr, "motcua: không lắng nghe được trên %s\n", config_str(CFG_LISTEN));
		rc = 2;
		goto out;
	}
	if (dossier_scanner_start(app.db, app.cal) == -1)
		fprintf(stderr, "motcua: không chạy được luồng quét hồ sơ sắp đến hạn, quá hạn\n");
	if (bundle_hook_start(app.db) == -1)
		fprintf(stderr, "motcua: không chạy được luồng gửi webhook liên thông\n");
	log_msg(LOG_INFO, NULL, "start", "version=%s db=%s threads=%u mode=%s",
	    MOTCUA_VERSION, db_url_safe(app.db), so.threads,
	    so.thread_per_connection ? "thread_per_connection" : "epoll_pool");
	printf("listening on http://%s:%u\n", host, server_port(srv));
	fflush(stdout);

	if (sigwait(&set, &sig) != 0)
		sig = SIGTERM;
	log_msg(LOG_INFO, NULL, "stop", "signal=%s", sig == SIGINT ? "INT" : "TERM");
	server_stop(srv, (unsigned)config_int(CFG_SHUTDOWN_GRACE));
	dossier_scanner_stop();
	bundle_hook_stop();
	rc = 0;
out:
	dossier_scanner_stop();
	/* After the server: every deferred answer is out; what is still queued
	 * runs to its commit. */
	db_group_stop(app.group);
	bundle_hook_stop();
	router_free(rt);
	calendar_store_close();
	db_close(app.db);
	calendar_free(app.cal);
	return rc;
}

static int
cmd_migrate(int argc, char **argv)
{
	struct db *db;
	int npos, rc;

	if (main_flags(argc, argv, &npos) == -1 || npos != 0)
		return 2;
	if ((db = main_open_db()) == NULL)
		return 2;
	rc = db_migrate(db) == 0 ? 0 : 1;
	if (rc != 0)
		fprintf(stderr, "motcua migrate: thất bại, xem nhật ký ở trên\n");
	db_close(db);
	return rc;
}

static int
cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("motcua %s\n", MOTCUA_VERSION);
	return 0;
}

/* motcua db schema: the tables and columns as the database sees them. */
static int
cmd_db(int argc, char **argv)
{
	struct db *db = NULL;
	struct db_conn *c = NULL;
	struct buf b;
	int npos, rc = 1;

	buf_init(&b, 4u << 20);
	if (main_flags(argc, argv, &npos) == -1)
		return 2;
	if (npos != 1 || strcmp(argv[1], "schema") != 0) {
		fprintf(stderr, "cách dùng: motcua db [--db URL] schema\n");
		return 2;
	}
	if ((db = main_open_db()) == NULL)
		return 2;
	if ((c = db_conn_new(db)) != NULL && db_schema(c, &b) == DB_OK) {
		fputs(b.data ? b.data : "", stdout);
		rc = 0;
	}
	buf_free(&b);
	db_conn_free(c);
	db_close(db);
	return rc;
}

/* 1 if name is a config key (so "--name VALUE" is a setting). */
static int
main_is_config_key(const char *name)
{
	for (int k = 0; k < CFG__MAX; k++)
		if (strcmp(config_name((enum config_key)k), name) == 0)
			return 1;
	return 0;
}

/* motcua calendar [--data DIR] [--db URL] [--config FILE] [--office_hours
 * ...] lunar|solar|holidays|due|bench ...: the year tables come from
 * DIR/holidays (default data/holidays) and, when --db or --config is
 * given, also from the database's edited years, which win -- the calendar
 * a server on that database would use.  Settings may appear anywhere on the
 * line; every other argument goes to calendar_cli(). */
static int
cmd_calendar(int argc, char **argv)
{
	struct calendar *cal = NULL;
	struct db *db = NULL;
	char *args[64], err[512];
	int n = 0, use_db = 0, rc = 1;

	config_defaults();
	args[n++] = "calendar";
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strncmp(a, "--", 2) == 0 && i + 1 < argc &&
		    (strcmp(a, "--config") == 0 || main_is_config_key(a + 2))) {
			if (strcmp(a, "--config") == 0 ?
			    config_load_file(argv[i + 1], err, sizeof(err)) == -1 :
			    config_set(a + 2, argv[i + 1], err, sizeof(err)) == -1) {
				fprintf(stderr, "motcua: %s\n", err);
				return 2;
			}
			if (strcmp(a, "--config") == 0 || strcmp(a, "--db") == 0)
				use_db = 1;
			i++;
			continue;
		}
		if (n == (int)CORE_NELEM(args) - 1) {
			fprintf(stderr, "motcua calendar: quá nhiều đối số\n");
			return 2;
		}
		args[n++] = argv[i];
	}
	args[n] = NULL;
	/* JSON on stdout, only warnings and errors on stderr. */
	log_set_level(strcmp(config_str(CFG_LOG_LEVEL), "debug") == 0 ? LOG_DEBUG : LOG_WARN);
	if (use_db && (db = main_open_db()) == NULL)
		return 2;
	if ((cal = calendar_store_open(db, config_str(CFG_DATA), err, sizeof(err))) == NULL) {
		fprintf(stderr, "motcua calendar: %s\n", err);
		goto out;
	}
	rc = calendar_cli(cal, n, args, stdout, stderr);
out:
	calendar_store_close();
	calendar_free(cal);
	db_close(db);
	return rc;
}

/* motcua routes: "METHOD PATTERN" per line, for docs and the OpenAPI test.
 * Test-build-only routes (under /api/v1/_test/) are left out. */
static int
cmd_routes(int argc, char **argv)
{
	struct router *rt;

	(void)argc;
	(void)argv;
	rt = main_build_router();
	for (size_t i = 0; i < router_count(rt); i++) {
		const struct route *r = router_at(rt, i);

		if (strncmp(r->pattern, "/api/v1/_test/", 14) != 0)
			printf("%s %s\n", http_method_name(r->method), r->pattern);
	}
	router_free(rt);
	return 0;
}

/* motcua auth matrix|roles: the permission table against the real router. */
static int
cmd_auth(int argc, char **argv)
{
	struct router *rt = main_build_router();
	int rc = auth_cli_auth(argc, argv, rt);

	router_free(rt);
	return rc;
}

static void
main_describe(const char *name, const char *def, const char *doc, void *ctx)
{
	(void)ctx;
	printf("%-22s %-24s %s\n", name, def, doc);
}

static int
cmd_config(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	config_describe(main_describe, NULL);
	return 0;
}

static const struct command commands[CMD__MAX] = {
	[CMD_SERVE] = { "serve", cmd_serve,
	    "serve [--db URL] [--listen HOST:PORT] [--config FILE] [--web DIR]" },
	[CMD_MIGRATE] = { "migrate", cmd_migrate, "migrate [--db URL] [--config FILE]" },
	[CMD_VERSION] = { "version", cmd_version, "version" },
	[CMD_DB] = { "db", cmd_db, "db [--db URL] schema" },
	[CMD_CONFIG] = { "config", cmd_config, "config   (list every setting)" },
	[CMD_ROUTES] = { "routes", cmd_routes, "routes   (list every API route)" },
	[CMD_CALENDAR] = { "calendar", cmd_calendar,
	    "calendar [--data DIR] [--db URL] lunar DATE | solar DATE [--leap] | holidays YEAR | "
	    "due --from ISO8601 (--days N | --hours N) [--cutoff HH:MM] | bench [--n N]" },
	[CMD_USER] = { "user", auth_cli_user,
	    "user add --username U --role R --agency CODE [--name N] | list | disable U | enable U | passwd U" },
	[CMD_TOKEN] = { "token", auth_cli_token,
	    "token create --name N --scopes a,b --agency CODE [--expires ISO] | list | revoke ID" },
	[CMD_AGENCY] = { "agency", auth_cli_agency,
	    "agency add --code C --name N [--parent CODE] [--kind K] | list" },
	[CMD_AUDIT] = { "audit", audit_cli, "audit verify [--db URL] | list [--object X]" },
	[CMD_AUTH] = { "auth", cmd_auth, "auth matrix | roles   (permission table as JSON / Markdown)" },
	[CMD_CATALOG] = { "catalog", catalog_cli,
	    "catalog import FILE [--skip-existing] | export [--format json|csv] | bench-data --procedures N   [--db URL]" },
	[CMD_SEED] = { "seed", catalog_cli_seed, "seed [--db URL] [--data DIR] [--demo]" },
	[CMD_DOSSIER] = { "dossier", dossier_cli,
	    "dossier demo [--count N] [--days D] [--ratings PCT] | show CODE | list [--status S] [--limit N] | scan   [--db URL]" },
	[CMD_BENCH_DATA] = { "bench-data", dossier_cli_bench_data,
	    "bench-data --dossiers N [--agencies M] [--years Y] [--detail full|lean] [--codes-out FILE] "
	    "[--db URL]   (benchmarks only: no audit entry per dossier)" },
	[CMD_BUNDLE] = { "bundle", bundle_cli,
	    "bundle external add --code C --name N --agency CODE --url URL [--secret -] | list | "
	    "rotate C [--secret -] | disable C | enable C | set-url C --url URL   [--db URL]" },
};

static void
main_usage(FILE *f)
{
	fputs("motcua — hệ thống một cửa điện tử\ncách dùng:\n", f);
	for (int i = 0; i < CMD__MAX; i++)
		fprintf(f, "  motcua %s\n", commands[i].usage);
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		main_usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		main_usage(stdout);
		return 0;
	}
	for (int i = 0; i < CMD__MAX; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "motcua: không có lệnh \"%s\"\n", argv[1]);
	main_usage(stderr);
	return 2;
}

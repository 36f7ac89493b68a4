/*
 * `motcua catalog import FILE`, `motcua catalog export` and `motcua seed`.
 * Messages in Vietnamese on stderr, data on stdout; exit 0 on success, 1
 * when the data or the database failed, 2 on bad usage.
 */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/config.h"
#include "../core/core.h"
#include "catalog_int.h"

#define CLI_FILE_MAX (64u << 20) /* an import file at most */
#define CLI_SEED_FILES 64

struct cli_opts {
	const char *pos[4];
	size_t npos;
	const char *format;
	const char *nprocs; /* bench-data --procedures */
	int demo, skip_existing;
};

/* Flags: --config FILE first, then --format, --demo, --skip-existing and
 * any config key as --key VALUE; the rest are positional. */
static int
cli_parse(int argc, char **argv, struct cli_opts *o)
{
	char err[512];

	memset(o, 0, sizeof(*o));
	config_defaults();
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc &&
		    config_load_file(argv[i + 1], err, sizeof(err)) == -1) {
			fprintf(stderr, "motcua: %s\n", err);
			return -1;
		}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--demo") == 0)
			o->demo = 1;
		else if (strcmp(a, "--skip-existing") == 0)
			o->skip_existing = 1;
		else if (strncmp(a, "--", 2) != 0) {
			if (o->npos == CORE_NELEM(o->pos)) {
				fprintf(stderr, "motcua: thừa đối số \"%s\"\n", a);
				return -1;
			}
			o->pos[o->npos++] = a;
		} else if (i + 1 >= argc) {
			fprintf(stderr, "motcua: %s cần một giá trị\n", a);
			return -1;
		} else if (strcmp(a, "--format") == 0)
			o->format = argv[++i];
		else if (strcmp(a, "--procedures") == 0)
			o->nprocs = argv[++i];
		else if (strcmp(a, "--config") == 0)
			i++;
		else if (config_set(a + 2, argv[++i], err, sizeof(err)) == -1) {
			fprintf(stderr, "motcua: %s\n", err);
			return -1;
		}
	}
	return 0;
}

static struct db_conn *
cli_open(struct db **db, int migrate)
{
	const char *err;
	struct db_conn *c;

	if ((*db = db_open(config_str(CFG_DB), &err)) == NULL) {
		fprintf(stderr, "motcua: --db %s: %s\n", config_str(CFG_DB), err);
		return NULL;
	}
	if (migrate && db_migrate(*db) == -1) {
		fprintf(stderr, "motcua: không cập nhật được lược đồ cơ sở dữ liệu %s\n",
		    db_url_safe(*db));
		return NULL;
	}
	if ((c = db_conn_new(*db)) == NULL)
		fprintf(stderr, "motcua: không mở được cơ sở dữ liệu %s hoặc chưa chạy "
		    "\"motcua migrate\"\n", db_url_safe(*db));
	return c;
}

static json_t *
cli_load(const char *path)
{
	json_error_t e;
	json_t *j;
	FILE *f = fopen(path, "rb");
	long size;

	if (f == NULL) {
		fprintf(stderr, "motcua: không mở được %s\n", path);
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || (size_t)size > CLI_FILE_MAX ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fprintf(stderr, "motcua: %s: tệp quá lớn (tối đa %u MiB) hoặc không đọc được\n", path,
		    CLI_FILE_MAX >> 20);
		fclose(f);
		return NULL;
	}
	j = json_loadf(f, JSON_REJECT_DUPLICATES, &e);
	fclose(f);
	if (j == NULL)
		fprintf(stderr, "motcua: %s dòng %d cột %d: JSON không hợp lệ: %s\n", path, e.line,
		    e.column, e.text);
	return j;
}

static void
cli_print_errors(const char *what, const struct catalog_errs *errs)
{
	for (size_t i = 0; i < errs->n; i++) {
		const struct catalog_err *e = &errs->e[i];

		fprintf(stderr, "%s: lỗi: %s%s%s: %s\n", what, e->record, e->record[0] ? " › " : "",
		    e->name, e->vi);
	}
	if (errs->total > errs->n)
		fprintf(stderr, "%s: … và %zu lỗi khác\n", what, errs->total - errs->n);
	fprintf(stderr, "%s: không nhập gì (%zu lỗi); cơ sở dữ liệu không thay đổi\n", what,
	    errs->total);
}

/* Import doc in one transaction; 0, or 1 after printing why. */
static int
cli_import_doc(struct db_conn *c, json_t *doc, enum catalog_import_mode mode, const char *actor,
    const char *what, struct catalog_import_stats *st)
{
	struct catalog_actor who = { 0, actor, 0, "" };
	struct catalog_errs *errs = calloc(1, sizeof(*errs));
	enum db_rc rc;
	int ret = 1;

	if (errs == NULL)
		return 1;
	if ((rc = db_begin(c)) != DB_OK) {
		fprintf(stderr, "%s: không bắt đầu được giao dịch (%s)\n", what, db_rc_name(rc));
		goto out;
	}
	rc = catalog_import(c, doc, mode, &who, st, errs);
	if (rc == DB_CONSTRAINT) {
		db_rollback(c);
		cli_print_errors(what, errs);
		goto out;
	}
	if (rc != DB_OK || (rc = db_commit(c)) != DB_OK) {
		db_rollback(c);
		fprintf(stderr, "%s: lỗi cơ sở dữ liệu (%s); không nhập gì\n", what, db_rc_name(rc));
		goto out;
	}
	ret = 0;
out:
	free(errs);
	return ret;
}

static void
cli_print_stats(const char *what, const struct catalog_import_stats *st)
{
	printf("%s: %lld cơ quan, %lld lĩnh vực, %lld nhóm liên thông, %lld thủ tục (%lld phiên bản) "
	    "được thêm; %lld bản ghi đã có được giữ nguyên\n", what, (long long)st->agencies,
	    (long long)st->fields, (long long)st->bundles, (long long)st->procedures,
	    (long long)st->versions, (long long)st->skipped);
}

static int
cli_import(struct cli_opts *o)
{
	struct catalog_import_stats st;
	struct db *db = NULL;
	struct db_conn *c = NULL;
	json_t *doc = NULL;
	int rc = 1;

	if (o->npos != 2) {
		fprintf(stderr, "cách dùng: motcua catalog import FILE [--skip-existing] [--db URL]\n");
		return 2;
	}
	if ((doc = cli_load(o->pos[1])) == NULL)
		return 1;
	if ((c = cli_open(&db, 0)) == NULL)
		goto out;
	rc = cli_import_doc(c, doc, o->skip_existing ? CATALOG_IMPORT_SEED : CATALOG_IMPORT_STRICT,
	    "cli", "catalog import", &st);
	if (rc == 0)
		cli_print_stats("catalog import", &st);
out:
	json_decref(doc);
	db_conn_free(c);
	db_close(db);
	return rc;
}

static int
cli_export(struct cli_opts *o)
{
	struct db *db = NULL;
	struct db_conn *c = NULL;
	void *doc = NULL;
	int csv, rc = 1;

	if (o->npos != 1 || (o->format != NULL && strcmp(o->format, "json") != 0 &&
	    strcmp(o->format, "csv") != 0)) {
		fprintf(stderr, "cách dùng: motcua catalog export [--format json|csv] [--db URL]\n");
		return 2;
	}
	csv = o->format != NULL && strcmp(o->format, "csv") == 0;
	if ((c = cli_open(&db, 0)) == NULL)
		goto out;
	if (csv) {
		struct buf b;
		char today[16];

		buf_init(&b, 256u << 20);
		catalog_today(today);
		if (catalog_export_csv(c, today, &b) == DB_OK &&
		    fwrite(b.data, 1, b.len, stdout) == b.len)
			rc = 0;
		buf_free(&b);
	} else if (catalog_export_json(c, &doc) == DB_OK &&
	    json_dumpf(doc, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER) == 0 &&
	    fputc('\n', stdout) != EOF)
		rc = 0;
	if (rc != 0)
		fprintf(stderr, "catalog export: không xuất được dữ liệu\n");
out:
	json_decref(doc);
	db_conn_free(c);
	db_close(db);
	return rc;
}

/* ---- bench-data: many realistic procedures for the search benchmark ------ */

/* Qualifiers that real procedure names carry ("... cấp lại", "... có yếu tố
 * nước ngoài"): each benchmark procedure is a seeded one with one of them,
 * so names, words and their frequencies stay like the real catalogue's. */
static const char *const bench_qual[] = {
	"", " (cấp lại)", " (điều chỉnh)", " có yếu tố nước ngoài", " cho tổ chức",
	" cho hộ kinh doanh", " lần đầu", " trường hợp bị mất, hư hỏng",
	" tại khu công nghiệp", " đối với người nước ngoài", " (gia hạn)",
	" thực hiện liên thông", " cho cá nhân", " theo thủ tục rút gọn",
	" trên địa bàn nông thôn", " đối với doanh nghiệp nhỏ và vừa",
};

/* The last version of every procedure in force in the export, as flat
 * records (NULL-free array, borrowed references into doc). */
static json_t *
cli_bench_bases(json_t *doc)
{
	json_t *bases = json_array(), *p;
	size_t i;

	json_array_foreach(json_object_get(doc, "procedures"), i, p) {
		json_t *vs = json_object_get(p, "versions");
		json_t *ab = json_object_get(p, "abolished");

		if (ab != NULL && !json_is_null(ab))
			continue;
		if (json_is_array(vs) && json_array_size(vs) > 0)
			json_array_append(bases, json_array_get(vs, json_array_size(vs) - 1));
		else if (json_object_get(p, "name") != NULL)
			json_array_append(bases, p);
	}
	return bases;
}

/* `motcua catalog bench-data --procedures N`: N procedures made from the
 * catalogue already in the database (run `motcua seed` first) with codes
 * BD-00001..; idempotent (existing codes are kept), one transaction. */
static int
cli_bench_data(struct cli_opts *o)
{
	struct catalog_import_stats st;
	struct db *db = NULL;
	struct db_conn *c = NULL;
	void *exported = NULL;
	json_t *bases = NULL, *procs = NULL, *doc = NULL;
	int64_t n = 0;
	int rc = 1;

	if (o->npos != 1 || o->nprocs == NULL || str_to_i64(o->nprocs, 1, 100000, &n) == -1) {
		fprintf(stderr, "cách dùng: motcua catalog bench-data --procedures N [--db URL]  "
		    "(N từ 1 đến 100000; chạy motcua seed trước)\n");
		return 2;
	}
	if ((c = cli_open(&db, 0)) == NULL)
		goto out;
	if (catalog_export_json(c, &exported) != DB_OK) {
		fprintf(stderr, "catalog bench-data: không đọc được bộ thủ tục\n");
		goto out;
	}
	bases = cli_bench_bases(exported);
	if (json_array_size(bases) == 0) {
		fprintf(stderr, "catalog bench-data: chưa có thủ tục nào (chạy motcua seed trước)\n");
		goto out;
	}
	procs = json_array();
	for (int64_t k = 0; k < n; k++) {
		size_t nb = json_array_size(bases);
		json_t *v = json_deep_copy(json_array_get(bases, (size_t)k % nb));
		const char *q = bench_qual[((size_t)k / nb) % CORE_NELEM(bench_qual)];
		const char *base = json_string_value(json_object_get(v, "name"));
		char code[32], name[600];

		if (v == NULL)
			goto out;
		snprintf(code, sizeof(code), "BD-%05lld", (long long)(k + 1));
		snprintf(name, sizeof(name), "%.500s%s", base ? base : "", q);
		json_object_set_new(v, "name", json_string(name));
		json_object_set_new(v, "code", json_string(code));
		json_object_set_new(v, "national_code", json_null());
		json_object_del(v, "bundle");
		json_object_set_new(v, "source_note", json_string("Dữ liệu đo hiệu năng (motcua "
		    "catalog bench-data), biến thể của một thủ tục mẫu; không phải thủ tục thật."));
		json_array_append_new(procs, v);
	}
	doc = json_pack("{s:s, s:o}", "format", CAT_FORMAT, "procedures", procs);
	procs = NULL;
	if ((rc = cli_import_doc(c, doc, CATALOG_IMPORT_SEED, "bench-data", "catalog bench-data",
	    &st)) == 0)
		cli_print_stats("catalog bench-data", &st);
out:
	json_decref(doc);
	json_decref(procs);
	json_decref(bases);
	json_decref(exported);
	db_conn_free(c);
	db_close(db);
	return rc;
}

int
catalog_cli(int argc, char **argv)
{
	struct cli_opts o;

	if (cli_parse(argc, argv, &o) == -1)
		return 2;
	if (o.npos >= 1 && strcmp(o.pos[0], "import") == 0)
		return cli_import(&o);
	if (o.npos >= 1 && strcmp(o.pos[0], "export") == 0)
		return cli_export(&o);
	if (o.npos >= 1 && strcmp(o.pos[0], "bench-data") == 0)
		return cli_bench_data(&o);
	fprintf(stderr, "cách dùng:\n"
	    "  motcua catalog import FILE [--skip-existing] [--db URL]\n"
	    "      nhập bộ thủ tục từ tệp JSON (tất cả hoặc không gì cả)\n"
	    "  motcua catalog export [--format json|csv] [--db URL]\n"
	    "      xuất bộ thủ tục (JSON đầy đủ, hoặc CSV danh sách thủ tục đang có hiệu lực)\n"
	    "  motcua catalog bench-data --procedures N [--db URL]\n"
	    "      thêm N thủ tục đo hiệu năng (BD-00001…), biến thể của các thủ tục đã có\n");
	return 2;
}

static int
cli_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Merge every data/catalog/ *.json (sorted by name) into one document. */
static json_t *
cli_seed_doc(const char *dir)
{
	static const char *const lists[] = { "fields", "bundles", "agencies", "procedures", NULL };
	char *names[CLI_SEED_FILES];
	size_t n = 0;
	json_t *doc = json_object();
	DIR *d = opendir(dir);
	struct dirent *e;
	int ok = 1;

	if (d == NULL) {
		fprintf(stderr, "seed: không mở được thư mục %s (đặt --data DIR)\n", dir);
		json_decref(doc);
		return NULL;
	}
	for (size_t i = 0; lists[i] != NULL; i++)
		json_object_set_new(doc, lists[i], json_array());
	while ((e = readdir(d)) != NULL && n < CLI_SEED_FILES) {
		size_t len = strlen(e->d_name);

		if (len > 5 && strcmp(e->d_name + len - 5, ".json") == 0 && e->d_name[0] != '.')
			names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cli_cmp);
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		json_t *part, *x;
		const char *key;

		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, names[i] ? names[i] : "") >=
		    sizeof(path) || !ok || names[i] == NULL || (part = cli_load(path)) == NULL) {
			ok = 0;
			continue;
		}
		json_object_foreach(part, key, x) {
			json_t *to = json_object_get(doc, key);

			if (strcmp(key, "format") == 0)
				continue;
			if (to == NULL || !json_is_array(x)) {
				fprintf(stderr, "seed: %s: \"%s\" không phải danh sách fields, bundles, "
				    "agencies hoặc procedures\n", path, key);
				ok = 0;
				continue;
			}
			json_array_extend(to, x);
		}
		json_decref(part);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	if (!ok) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}

int
catalog_cli_seed(int argc, char **argv)
{
	struct catalog_import_stats st;
	struct cli_opts o;
	struct db *db = NULL;
	struct db_conn *c = NULL;
	json_t *doc = NULL;
	char dir[4096];
	int rc = 1;

	if (cli_parse(argc, argv, &o) == -1)
		return 2;
	if (o.npos != 0 || o.format != NULL || o.skip_existing) {
		fprintf(stderr, "cách dùng: motcua seed [--db URL] [--data DIR] [--demo]\n");
		return 2;
	}
	snprintf(dir, sizeof(dir), "%s/catalog", config_str(CFG_DATA));
	if ((doc = cli_seed_doc(dir)) == NULL)
		return 1;
	if ((c = cli_open(&db, 1)) == NULL)
		goto out;
	if ((rc = cli_import_doc(c, doc, CATALOG_IMPORT_SEED, "seed", "seed", &st)) != 0)
		goto out;
	cli_print_stats("seed", &st);
	/* The calendar reads the shipped tables of data/holidays itself when
	 * the server starts (calendar_store_open); only administrators' edits
	 * live in the database, so the seed has no holidays to load. */
	printf("seed: lịch nghỉ lễ: máy chủ đọc %s/holidays khi khởi động\n", config_str(CFG_DATA));
	if (o.demo)
		printf("seed: --demo: chưa có dữ liệu mẫu (cán bộ, hồ sơ) ngoài dữ liệu tham chiếu\n");
out:
	json_decref(doc);
	db_conn_free(c);
	db_close(db);
	return rc;
}

/*
 * The calendar's persistence, in process on a temp SQLite database: office
 * hours from the config texts, the start-up order (shipped files, then the
 * database's edits, which win), the sync applying and undoing other nodes'
 * edits, and a bad row refusing the start.  The HTTP side is in
 * tests/api/test_calendar.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "calendar/calendar_http.h"
#include "core/config.h"
#include "core/core.h"
#include "db/db.h"

static char tmpdir[] = "/tmp/motcua-calstore-XXXXXX";

static int
setup(void **state)
{
	(void)state;
	config_defaults();
	log_set_level(LOG_ERROR);
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[512];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* ---- office hours --------------------------------------------------------- */

static void
test_hours_parse(void **state)
{
	static const struct {
		const char *periods, *days, *cutoff;
		int nperiods, start0, end_last;
		unsigned weekdays;
		int cut;
	} ok[] = {
		{ "07:30-11:30,13:00-17:00", "1-5", "15:00", 2, 450, 1020, 0x1f, 900 },
		{ "08:00-12:00", "1-6", "24:00", 1, 480, 720, 0x3f, 1440 },
		{ "07:00-11:00,13:30-16:30", "1,3,5", "00:00", 2, 420, 990, 0x15, 0 },
		{ "07:00-09:00,10:00-11:00,13:00-15:00,16:00-24:00", "1-5,7", "16:30", 4, 420, 1440,
		    0x5f, 990 },
	};
	static const struct {
		const char *periods, *days, *cutoff, *key;
	} bad[] = {
		{ "07:30-11:30,11:00-17:00", "1-5", "15:00", "office_hours" }, /* overlap */
		{ "7:30-11:30", "1-5", "15:00", "office_hours" },
		{ "", "1-5", "15:00", "office_hours" },
		{ "08:00-12:00,", "1-5", "15:00", "office_hours" },
		{ "12:00-08:00", "1-5", "15:00", "office_hours" },
		{ "08:00-25:00", "1-5", "15:00", "office_hours" },
		{ "01:00-02:00,03:00-04:00,05:00-06:00,07:00-08:00,09:00-10:00", "1-5", "15:00",
		    "office_hours" },
		{ "08:00-12:00", "0", "15:00", "office_days" },
		{ "08:00-12:00", "8", "15:00", "office_days" },
		{ "08:00-12:00", "5-1", "15:00", "office_days" },
		{ "08:00-12:00", "1-", "15:00", "office_days" },
		{ "08:00-12:00", "1,,2", "15:00", "office_days" },
		{ "08:00-12:00", "", "15:00", "office_days" },
		{ "08:00-12:00", "1-5", "25:00", "receipt_cutoff" },
		{ "08:00-12:00", "1-5", "15", "receipt_cutoff" },
	};
	struct calendar_hours h;
	char err[512];

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(calendar_hours_parse(ok[i].periods, ok[i].days, ok[i].cutoff, &h,
		    err, sizeof(err)), 0);
		assert_int_equal(h.nperiods, ok[i].nperiods);
		assert_int_equal(h.period[0].start, ok[i].start0);
		assert_int_equal(h.period[h.nperiods - 1].end, ok[i].end_last);
		assert_int_equal(h.weekdays, ok[i].weekdays);
		assert_int_equal(h.cutoff, ok[i].cut);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (calendar_hours_parse(bad[i].periods, bad[i].days, bad[i].cutoff, &h, err,
		    sizeof(err)) != -1)
			fail_msg("accepted %s / %s / %s", bad[i].periods, bad[i].days, bad[i].cutoff);
		if (strncmp(err, bad[i].key, strlen(bad[i].key)) != 0)
			fail_msg("error \"%s\" does not name %s", err, bad[i].key);
	}
}

/* ---- the store -------------------------------------------------------------- */

static const char shipped_2025[] =
    "{\"year\":2025,\"source\":\"Tệp gốc 2025\",\"days\":["
    "{\"date\":\"2025-04-26\",\"kind\":\"swap_work\",\"name\":\"Làm bù\"},"
    "{\"date\":\"2025-05-02\",\"kind\":\"swap_off\",\"name\":\"Nghỉ hoán đổi\"}]}";
static const char edited_2025[] =
    "{\"year\":2025,\"source\":\"Bản sửa 2025\",\"days\":["
    "{\"date\":\"2025-03-04\",\"kind\":\"holiday\",\"name\":\"Nghỉ thử\"}]}";
static const char edited_2030[] =
    "{\"year\":2030,\"source\":\"Bản sửa 2030\",\"days\":["
    "{\"date\":\"2030-03-05\",\"kind\":\"holiday\",\"name\":\"Nghỉ thử\"}]}";

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* Write (body != NULL) or delete year's row the way the API does: bump the
 * revision and stamp the row with it. */
static void
db_edit(struct db_conn *c, int year, const char *body)
{
	struct db_res *res = NULL;
	int64_t rev, version = 0;

	assert_int_equal(db_begin(c), DB_OK);
	assert_int_equal(db_scalar_int(c, STMT_CAL_REV_BUMP, NULL, 0, &rev), DB_OK);
	if (db_exec(c, STMT_CAL_YEAR_GET, (struct db_param[]){ DB_INT(year) }, 1, &res) == DB_OK &&
	    db_res_next(res) == 1)
		version = db_res_int(res, 1);
	db_res_free(res);
	if (version != 0)
		assert_int_equal(db_exec(c, STMT_CAL_YEAR_DELETE, (struct db_param[]){
		    DB_INT(year), DB_INT(version) }, 2, NULL), DB_OK);
	if (body != NULL)
		assert_int_equal(db_exec(c, STMT_CAL_YEAR_INSERT, (struct db_param[]){
		    DB_INT(year), DB_TEXT(body), DB_INT(rev), DB_INT(0), DB_TEXT("test") }, 5,
		    NULL), DB_OK);
	assert_int_equal(db_commit(c), DB_OK);
}

static int
workday(struct calendar *cal, int y, int m, int d)
{
	return calendar_is_workday(cal, time_days_from_civil(y, m, d));
}

static void
test_store_open_and_sync(void **state)
{
	char url[512], dir[512], path[600], err[512];
	const char *e;
	struct db *db;
	struct db_conn *c;
	struct calendar *cal;

	(void)state;
	snprintf(url, sizeof(url), "sqlite:%s/t.db", tmpdir);
	snprintf(dir, sizeof(dir), "%s/data", tmpdir);
	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/holidays", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/holidays/2025.json", dir);
	write_file(path, shipped_2025);
	assert_non_null(db = db_open(url, &e));
	assert_int_equal(db_migrate(db), 0);
	assert_non_null(c = db_conn_new(db));

	/* shipped only */
	cal = calendar_store_open(db, dir, err, sizeof(err));
	assert_non_null(cal);
	assert_int_equal(workday(cal, 2025, 4, 26), 1);
	assert_int_equal(workday(cal, 2025, 3, 4), 1);
	assert_int_equal(calendar_store_sync(c), 0); /* nothing new */

	/* another node edits 2025 and 2030: the sync applies both */
	db_edit(c, 2025, edited_2025);
	db_edit(c, 2030, edited_2030);
	assert_int_equal(calendar_store_sync(c), 1);
	assert_int_equal(workday(cal, 2025, 3, 4), 0);
	assert_int_equal(workday(cal, 2025, 4, 26), 0); /* the edit replaced the file */
	assert_int_equal(workday(cal, 2030, 3, 5), 0);
	assert_int_equal(calendar_store_sync(c), 0);

	/* ... and resets them: 2025 back to the shipped file, 2030 computed */
	db_edit(c, 2025, NULL);
	db_edit(c, 2030, NULL);
	assert_int_equal(calendar_store_sync(c), 1);
	assert_int_equal(workday(cal, 2025, 3, 4), 1);
	assert_int_equal(workday(cal, 2025, 4, 26), 1);
	assert_int_equal(workday(cal, 2030, 3, 5), 1);
	assert_int_equal(calendar_year_loaded(cal, 2030), 0);
	calendar_store_close();
	calendar_free(cal);

	/* at start-up the database wins over the file */
	db_edit(c, 2025, edited_2025);
	cal = calendar_store_open(db, dir, err, sizeof(err));
	assert_non_null(cal);
	assert_int_equal(workday(cal, 2025, 3, 4), 0);
	assert_int_equal(workday(cal, 2025, 4, 26), 0);
	/* a second open while one is open is refused */
	assert_null(calendar_store_open(db, dir, err, sizeof(err)));
	calendar_store_close();
	calendar_free(cal);

	/* a row that no longer validates refuses the start, naming it */
	db_edit(c, 2030, "{\"year\":2030,\"source\":\"x\",\"days\":[{\"date\":\"2030-02-30\","
	    "\"kind\":\"holiday\",\"name\":\"a\"}]}");
	assert_null(calendar_store_open(db, dir, err, sizeof(err)));
	assert_non_null(strstr(err, "2030"));
	assert_non_null(strstr(err, "days[0].date"));
	db_edit(c, 2030, NULL);

	/* bad office hours refuse it too */
	assert_int_equal(config_set("office_days", "9", err, sizeof(err)), 0);
	assert_null(calendar_store_open(db, dir, err, sizeof(err)));
	assert_non_null(strstr(err, "office_days"));
	config_defaults();

	/* no holidays directory: computed days, not an error */
	cal = calendar_store_open(NULL, "/nonexistent-motcua-data", err, sizeof(err));
	assert_non_null(cal);
	assert_int_equal(calendar_year_loaded(cal, 2025), 0);
	calendar_store_close();
	calendar_free(cal);

	db_conn_free(c);
	db_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hours_parse),
		cmocka_unit_test(test_store_open_and_sync),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

/*
 * `motcua calendar ...`: the calendar from the command line, JSON on
 * stdout, Vietnamese messages on stderr, exit code 2 for any bad input.
 * A table of subcommands, as tmux does it; each handler gets the arguments
 * after its name.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/core.h"
#include "calendar.h"

#define EXIT_USAGE 2

static const char usage[] =
    "Cách dùng:\n"
    "  motcua calendar lunar YYYY-MM-DD\n"
    "      đổi ngày dương lịch sang âm lịch\n"
    "  motcua calendar solar YYYY-MM-DD [--leap]\n"
    "      đổi ngày âm lịch (--leap: tháng nhuận) sang dương lịch\n"
    "  motcua calendar holidays YYYY\n"
    "      các ngày nghỉ lễ, Tết, nghỉ bù và ngày hoán đổi của năm\n"
    "  motcua calendar due --from ISO8601 (--days N | --hours N) "
    "[--cutoff HH:MM]\n"
    "      hạn giải quyết tính theo ngày hoặc giờ làm việc\n"
    "  motcua calendar bench [--n N]\n"
    "      đo tốc độ tính hạn (mặc định N = 2000000 lần, một lõi)\n"
    "Khoảng hỗ trợ: 01/01/1900 - 31/12/2199 (dương lịch).\n";

/* Print j compactly with a newline and drop it; 0, or 2 on failure. */
static int
cli_emit(json_t *j, FILE *out, FILE *err)
{
	int rc = EXIT_USAGE;

	if (j != NULL && json_dumpf(j, out, JSON_COMPACT) == 0 &&
	    fputc('\n', out) != EOF)
		rc = 0;
	else
		fprintf(err, "calendar: không ghi được kết quả\n");
	json_decref(j);
	return rc;
}

/* "YYYY-MM-DD" by shape only (the lunar day 30 of a month is not a solar
 * date): 4, 2 and 2 digits, month 1..12, day 1..30. */
int
calendar_parse_lunar(const char *s, int *y, int *m, int *d)
{
	int v[3] = { 0, 0, 0 }, len[3] = { 4, 2, 2 }, k = 0;

	for (int f = 0; f < 3; f++) {
		for (int i = 0; i < len[f]; i++, k++) {
			if (s[k] < '0' || s[k] > '9')
				return -1;
			v[f] = v[f] * 10 + (s[k] - '0');
		}
		if (s[k++] != (f < 2 ? '-' : '\0'))
			return -1;
	}
	if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 30)
		return -1;
	*y = v[0];
	*m = v[1];
	*d = v[2];
	return 0;
}

/* "HH:MM" (00:00..24:00) into minutes after midnight. */
int
calendar_parse_hhmm(const char *s, int *out)
{
	int h, m;

	if (strlen(s) != 5 || s[2] != ':' || s[0] < '0' || s[0] > '9' ||
	    s[1] < '0' || s[1] > '9' || s[3] < '0' || s[3] > '5' ||
	    s[4] < '0' || s[4] > '9')
		return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (h * 60 + m > 1440)
		return -1;
	*out = h * 60 + m;
	return 0;
}

void *
calendar_lunar_json(const char *solar, const struct lunar_date *ld)
{
	char name[32];

	if (lunar_year_name(ld->year, name, sizeof(name)) == -1)
		return NULL;
	return json_pack("{s:s, s:{s:i, s:i, s:i, s:b}, s:s}", "solar", solar,
	    "lunar", "day", ld->day, "month", ld->month, "year", ld->year,
	    "leap", ld->leap, "year_name", name);
}

static int
cli_lunar(struct calendar *cal, int argc, char **argv, FILE *out, FILE *err)
{
	struct lunar_date ld;
	int y, m, d;

	(void)cal;
	if (argc != 1) {
		fputs(usage, err);
		return EXIT_USAGE;
	}
	if (time_parse_date(argv[0], &y, &m, &d) == -1 ||
	    lunar_from_solar(y, m, d, &ld) == -1) {
		fprintf(err, "calendar: ngày dương lịch không hợp lệ: \"%s\" (cần "
		    "YYYY-MM-DD có thật, từ 1900-01-01 đến 2199-12-31)\n", argv[0]);
		return EXIT_USAGE;
	}
	return cli_emit(calendar_lunar_json(argv[0], &ld), out, err);
}

static int
cli_solar(struct calendar *cal, int argc, char **argv, FILE *out, FILE *err)
{
	struct lunar_date ld = { 0, 0, 0, 0 };
	const char *arg = NULL;
	char solar[16];
	int y, m, d;

	(void)cal;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--leap") == 0)
			ld.leap = 1;
		else if (arg == NULL && argv[i][0] != '-')
			arg = argv[i];
		else {
			fputs(usage, err);
			return EXIT_USAGE;
		}
	}
	if (arg == NULL) {
		fputs(usage, err);
		return EXIT_USAGE;
	}
	if (calendar_parse_lunar(arg, &ld.year, &ld.month, &ld.day) == -1 ||
	    lunar_to_solar(&ld, &y, &m, &d) == -1) {
		fprintf(err, "calendar: ngày âm lịch không tồn tại: \"%s\"%s (cần "
		    "YYYY-MM-DD; tháng nhuận chỉ với --leap khi năm đó nhuận "
		    "tháng ấy; kết quả trong 1900-2199)\n", arg,
		    ld.leap ? " nhuận" : "");
		return EXIT_USAGE;
	}
	snprintf(solar, sizeof(solar), "%04d-%02d-%02d", y, m, d);
	return cli_emit(calendar_lunar_json(solar, &ld), out, err);
}

static int
cli_holidays(struct calendar *cal, int argc, char **argv, FILE *out,
    FILE *err)
{
	struct calendar_day *days = NULL;
	json_t *list = NULL;
	int64_t year;
	size_t n;
	int rc = EXIT_USAGE;

	if (argc != 1) {
		fputs(usage, err);
		return EXIT_USAGE;
	}
	if (str_to_i64(argv[0], CALENDAR_YEAR_MIN, CALENDAR_YEAR_MAX, &year) ==
	    -1) {
		fprintf(err, "calendar: năm không hợp lệ: \"%s\" (cần %d-%d)\n",
		    argv[0], CALENDAR_YEAR_MIN, CALENDAR_YEAR_MAX);
		return EXIT_USAGE;
	}
	if (calendar_holidays(cal, (int)year, &days, &n) == -1 ||
	    (list = json_array()) == NULL) {
		fprintf(err, "calendar: hết bộ nhớ\n");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		char date[16];
		int y, m, d;

		time_civil_from_days(days[i].day, &y, &m, &d);
		snprintf(date, sizeof(date), "%04d-%02d-%02d", y, m, d);
		if (json_array_append_new(list, json_pack("{s:s, s:s, s:s}",
		    "date", date, "name", days[i].name, "kind",
		    calendar_kind_name(days[i].kind))) == -1) {
			fprintf(err, "calendar: hết bộ nhớ\n");
			goto out;
		}
	}
	rc = cli_emit(list, out, err);
	list = NULL;
out:
	json_decref(list);
	free(days);
	return rc;
}

static int
cli_due(struct calendar *cal, int argc, char **argv, FILE *out, FILE *err)
{
	const char *from = NULL, *days = NULL, *hours = NULL, *cutoff = NULL;
	char a[32], b[32];
	int64_t received, n, due;
	int cut = -1;

	for (int i = 0; i < argc; i++) {
		const char **slot = NULL;

		if (strcmp(argv[i], "--from") == 0)
			slot = &from;
		else if (strcmp(argv[i], "--days") == 0)
			slot = &days;
		else if (strcmp(argv[i], "--hours") == 0)
			slot = &hours;
		else if (strcmp(argv[i], "--cutoff") == 0)
			slot = &cutoff;
		if (slot == NULL || *slot != NULL || i + 1 == argc) {
			fputs(usage, err);
			return EXIT_USAGE;
		}
		*slot = argv[++i];
	}
	if (from == NULL || (days == NULL) == (hours == NULL)) {
		fprintf(err, "calendar: cần --from và đúng một trong --days, "
		    "--hours\n");
		return EXIT_USAGE;
	}
	if (time_parse_iso(from, &received) == -1) {
		fprintf(err, "calendar: thời điểm không hợp lệ: \"%s\" (cần ISO "
		    "8601, ví dụ 2026-02-13T16:00:00+07:00)\n", from);
		return EXIT_USAGE;
	}
	if (str_to_i64(days != NULL ? days : hours, 0, CALENDAR_LIMIT_MAX,
	    &n) == -1) {
		fprintf(err, "calendar: thời hạn không hợp lệ: \"%s\" (cần số "
		    "nguyên từ 0 đến %d)\n", days != NULL ? days : hours,
		    CALENDAR_LIMIT_MAX);
		return EXIT_USAGE;
	}
	if (cutoff != NULL && calendar_parse_hhmm(cutoff, &cut) == -1) {
		fprintf(err, "calendar: giờ tiếp nhận tối đa không hợp lệ: \"%s\" "
		    "(cần HH:MM, 00:00-24:00)\n", cutoff);
		return EXIT_USAGE;
	}
	if (calendar_due(cal, received, days != NULL ? CALENDAR_DAYS :
	    CALENDAR_HOURS, (int)n, cut, &due) == -1) {
		fprintf(err, "calendar: không tính được hạn: thời điểm hoặc kết "
		    "quả nằm ngoài 1900-2199\n");
		return EXIT_USAGE;
	}
	time_format_iso(received, a);
	time_format_iso(due, b);
	return cli_emit(json_pack("{s:s, s:s}", "from", a, "due", b), out, err);
}

/*
 * Time n calendar_due() calls on one core with the year tables loaded, for
 * bench/run.sh (issue goal: 1,000,000 per second).  The receipts are spread
 * over 2025 at every minute of the day (so cut-offs, days off and lunch
 * breaks all occur) with limits of 1-30 working days or 1-40 working hours,
 * half of each; the sum of the due times keeps the loop from being elided.
 */
static int
cli_bench(struct calendar *cal, int argc, char **argv, FILE *out, FILE *err)
{
	struct civil c = { 2025, 1, 1, 0, 0, 0 };
	int64_t n = 2000000, base = time_from_vn(&c), due;
	uint64_t t0, ns, sum = 0;
	double secs;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--n") != 0 || i + 1 == argc ||
		    str_to_i64(argv[++i], 1, 1000000000, &n) == -1) {
			fprintf(err, "calendar: cần \"bench [--n N]\" với N từ 1 "
			    "đến 1000000000\n");
			return EXIT_USAGE;
		}
	}
	t0 = clock_mono_ns();
	for (int64_t i = 0; i < n; i++) {
		uint64_t k = (uint64_t)i * 2654435761u;
		int64_t at = base + (int64_t)(k % (365u * 86400u)) / 60 * 60;
		int hours = (int)(i & 1);

		if (calendar_due(cal, at, hours ? CALENDAR_HOURS : CALENDAR_DAYS,
		    1 + (int)(k % (hours ? 40u : 30u)), -1, &due) == -1) {
			fprintf(err, "calendar: không tính được hạn trong phép đo\n");
			return EXIT_USAGE;
		}
		sum += (uint64_t)due;
	}
	ns = clock_mono_ns() - t0;
	secs = ns > 0 ? (double)ns / 1e9 : 1e-9;
	return cli_emit(json_pack("{s:I, s:I, s:f, s:I}", "due_per_second",
	    (json_int_t)((double)n / secs), "n", (json_int_t)n, "seconds", secs,
	    "checksum", (json_int_t)(sum & 0x7fffffffffffffffu)), out, err);
}

enum cli_cmd { CLI_LUNAR, CLI_SOLAR, CLI_HOLIDAYS, CLI_DUE, CLI_BENCH, CLI__MAX };

static const struct {
	const char *name;
	int (*fn)(struct calendar *, int, char **, FILE *, FILE *);
} cli_cmds[CLI__MAX] = {
	[CLI_LUNAR] = { "lunar", cli_lunar },
	[CLI_SOLAR] = { "solar", cli_solar },
	[CLI_HOLIDAYS] = { "holidays", cli_holidays },
	[CLI_DUE] = { "due", cli_due },
	[CLI_BENCH] = { "bench", cli_bench },
};

int
calendar_cli(struct calendar *cal, int argc, char **argv, FILE *out,
    FILE *err)
{
	if (argc >= 2 && (strcmp(argv[1], "help") == 0 ||
	    strcmp(argv[1], "--help") == 0)) {
		fputs(usage, out);
		return 0;
	}
	if (argc < 2) {
		fputs(usage, err);
		return EXIT_USAGE;
	}
	if (cal == NULL) {
		fprintf(err, "calendar: lịch chưa được khởi tạo\n");
		return EXIT_USAGE;
	}
	for (int i = 0; i < CLI__MAX; i++)
		if (strcmp(argv[1], cli_cmds[i].name) == 0)
			return cli_cmds[i].fn(cal, argc - 2, argv + 2, out, err);
	fprintf(err, "calendar: lệnh không rõ: \"%s\"\n", argv[1]);
	fputs(usage, err);
	return EXIT_USAGE;
}

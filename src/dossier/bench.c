/*
 * `motcua bench-data --dossiers N [--agencies M] [--years Y | --from DATE]
 * [--until DATE] [--codes-out FILE]` — realistic dossiers for the
 * benchmarks, fast.
 *
 * BENCHMARKS ONLY.  Unlike every other write in motcua it does not go
 * through the reception and workflow code and writes NO audit entry per
 * dossier (one summary entry for the whole run): the point is millions of
 * rows in seconds, in ONE transaction with prepared statements.  The rows
 * are what the real code would have written — codes V1V2V3.Z1Z2.Y1Y2.MX1X2-
 * YYMMDD-XXXX numbered per agency and day from the counters (so later real
 * receptions continue the numbering, never reuse it), lookup keys of the
 * receipt alphabet, due times from the working-day calendar, statuses by
 * age, early/on-time/late finishes, the steps and a short history — spread
 * over the working days from --from (default: the first of the month Y
 * years before --until) to the day before --until (default: today), so a
 * database can be built from an older history (--until) and then the same
 * recent part as a smaller one (--from, appended).  --detail lean (the default) keeps
 * child rows few: the history of a closed dossier is its reception and its
 * end (an open one keeps every hand-over so far) and only an open dossier's
 * current step has a row; --detail full writes every step and hand-over.
 * The rows go through db_bulk (one prepared INSERT per table on SQLite with
 * synchronous=OFF and an in-memory journal for the load; COPY on
 * PostgreSQL), with explicit ids, the secondary indexes dropped and rebuilt
 * when the load is larger than the table, and no printf per row.  Agencies "000.YY.ZZ.H99" of a
 * benchmark province and five benchmark procedures are created (seed mode)
 * through the catalogue's import.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "../audit/audit.h"
#include "../calendar/calendar_http.h"
#include "../catalog/catalog.h"
#include "../core/config.h"
#include "dossier_int.h"

/* What the generator writes, as a number: bump it whenever a change alters
 * the generated rows (columns, distributions, the seed, history placement),
 * not for a change of speed alone.  bench/run.sh keys its cache of
 * generated databases on this line (with the migrations and the reference
 * data). */
#define BENCH_DATA_FORMAT 2

#define BENCH_PROCS 5
#define BENCH_STEPS 4
#define BENCH_YEARS_MAX 24 /* years the --from..--until range may touch */

struct bench_proc {
	const char *code, *name, *unit_name;
	int limit;
	enum calendar_unit unit;
	int hours[BENCH_STEPS];
	int64_t id, version_id;
};

static struct bench_proc bench_procs[BENCH_PROCS] = {
	{ "BENCH-01", "Cấp Phiếu lý lịch tư pháp (dữ liệu đo hiệu năng)", "day", 10, CALENDAR_DAYS,
	  { 4, 56, 12, 8 }, 0, 0 },
	{ "BENCH-02", "Chứng thực bản sao từ bản chính (dữ liệu đo hiệu năng)", "day", 2,
	  CALENDAR_DAYS, { 2, 8, 4, 2 }, 0, 0 },
	{ "BENCH-03", "Đăng ký kết hôn (dữ liệu đo hiệu năng)", "day", 5, CALENDAR_DAYS,
	  { 4, 24, 8, 4 }, 0, 0 },
	{ "BENCH-04", "Cấp giấy phép xây dựng (dữ liệu đo hiệu năng)", "day", 15, CALENDAR_DAYS,
	  { 8, 80, 24, 8 }, 0, 0 },
	{ "BENCH-05", "Xác nhận thông tin cư trú (dữ liệu đo hiệu năng)", "hour", 8, CALENDAR_HOURS,
	  { 1, 4, 2, 1 }, 0, 0 },
};

static const char *const step_names[BENCH_STEPS] = { "Tiếp nhận hồ sơ", "Thẩm định hồ sơ",
	"Phê duyệt kết quả", "Trả kết quả" };
static const char *const step_units[BENCH_STEPS] = { "Bộ phận Một cửa", "Phòng chuyên môn",
	"Lãnh đạo", "Bộ phận Một cửa" };
static const char *const step_roles[BENCH_STEPS] = { "receiver", "specialist", "leader",
	"receiver" };

static uint64_t bench_rng = 0x62656e6368ULL;

static uint64_t
brnd(void)
{
	bench_rng ^= bench_rng >> 12;
	bench_rng ^= bench_rng << 25;
	bench_rng ^= bench_rng >> 27;
	return bench_rng * 2685821657736338717ULL;
}

/* n as exactly w decimal digits (leading zeros) at o; no printf in the
 * per-row path. */
static char *
put_digits(char *o, uint64_t n, int w)
{
	for (int i = w - 1; i >= 0; i--, n /= 10)
		o[i] = (char)('0' + n % 10);
	return o + w;
}

/* The benchmark agencies and procedures, as a catalogue import (seed mode:
 * what exists is kept). */
static int
bench_catalog(struct db_conn *c, int nagencies)
{
	json_t *doc = json_object(), *ag = json_array(), *procs = json_array();
	struct catalog_actor who = { 0, "bench-data", 0, "" };
	struct catalog_import_stats st;
	struct catalog_errs *errs = calloc(1, sizeof(*errs));
	int rc = -1;

	json_object_set_new(doc, "format", json_string("motcua-catalog/1"));
	json_object_set_new(doc, "fields", json_pack("[{s:s, s:s}]", "code", "do-hieu-nang", "name",
	    "Đo hiệu năng"));
	json_array_append_new(ag, json_pack("{s:s, s:n, s:s, s:s}", "code", "000.00.00.H99",
	    "parent", "kind", "province", "name", "Tỉnh Thử Nghiệm Hiệu Năng"));
	for (int i = 1; i <= nagencies; i++) {
		char code[32], name[96];

		snprintf(code, sizeof(code), "000.%02d.%02d.H99", (i / 100) % 100, i % 100);
		snprintf(name, sizeof(name), "Cơ quan đo hiệu năng số %d", i);
		json_array_append_new(ag, json_pack("{s:s, s:s, s:s, s:s, s:b}", "code", code,
		    "parent", "000.00.00.H99", "kind", "department", "name", name, "is_desk", 1));
	}
	json_object_set_new(doc, "agencies", ag);
	for (int p = 0; p < BENCH_PROCS; p++) {
		json_t *steps = json_array();

		for (int s = 0; s < BENCH_STEPS; s++)
			json_array_append_new(steps, json_pack("{s:s, s:s, s:s, s:i}", "name",
			    step_names[s], "unit", step_units[s], "role", step_roles[s], "hours",
			    bench_procs[p].hours[s]));
		json_array_append_new(procs, json_pack("{s:s, s:s, s:s, s:[s], s:{s:i, s:s}, "
		    "s:{s:i, s:s}, s:[s, s], s:o, s:[{s:s, s:s}], s:s, s:s, s:s}",
		    "code", bench_procs[p].code, "name", bench_procs[p].name, "field", "do-hieu-nang",
		    "levels", "province", "time_limit", "value", bench_procs[p].limit, "unit",
		    bench_procs[p].unit_name, "online", "level", 3, "class", "partial", "channels",
		    "counter", "online", "steps", steps, "legal_basis", "ref", "61/2018/NĐ-CP",
		    "title", "Nghị định về cơ chế một cửa", "source_note",
		    "Dữ liệu đo hiệu năng (motcua bench-data), không phải thủ tục thật.",
		    "effective_from", "2000-01-01", "decision", "Dữ liệu đo hiệu năng"));
	}
	json_object_set_new(doc, "procedures", procs);
	if (errs == NULL || db_begin(c) != DB_OK)
		goto out;
	if (catalog_import(c, doc, CATALOG_IMPORT_SEED, &who, &st, errs) != DB_OK ||
	    db_commit(c) != DB_OK) {
		db_rollback(c);
		if (errs->n > 0)
			fprintf(stderr, "bench-data: %s: %s\n", errs->e[0].name, errs->e[0].vi);
		goto out;
	}
	rc = 0;
out:
	free(errs);
	json_decref(doc);
	return rc;
}

struct bench_agency {
	int64_t id;
	char code[32];
	int64_t doff; /* day (from day0) of the open daily counter, -1 = none */
	int64_t seq; /* last sequence used that day */
	int yoff; /* year (from year0) of the open register, -1 = none */
	int64_t reg; /* last register number used that year */
	int64_t *dseq; /* last sequence per day of the range (ndays) */
	int64_t yreg[BENCH_YEARS_MAX]; /* last register number per year of the range */
};

/* A counter row outside the generated range, written back as it was. */
struct bench_counter {
	int64_t agency;
	char period[16];
	int64_t n;
};

/* The counters (dossier code sequence per agency and day, register number
 * per agency and year) live in memory during the load: one query per agency
 * reads what is stored, and at the end each agency's rows are replaced in
 * one bulk write.  Per-day queries cost a round trip each (7,500 for three
 * years of ten agencies: seconds on PostgreSQL). */
struct bench_counters {
	int64_t day0, ndays;
	int year0;
	struct bench_counter *keep;
	size_t nkeep, capkeep;
};

static int
counter_keep(struct bench_counters *bc, int64_t agency, const char *period, int64_t n)
{
	if (bc->nkeep == bc->capkeep) {
		size_t cap = bc->capkeep ? 2 * bc->capkeep : 256;
		struct bench_counter *k = realloc(bc->keep, cap * sizeof(*k));

		if (k == NULL)
			return -1;
		bc->keep = k;
		bc->capkeep = cap;
	}
	bc->keep[bc->nkeep].agency = agency;
	str_lcpy(bc->keep[bc->nkeep].period, period, sizeof(bc->keep[0].period));
	bc->keep[bc->nkeep++].n = n;
	return 0;
}

static int
digits_at(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Read agency a's stored counters into memory. */
static enum db_rc
counters_load(struct db_conn *c, struct bench_counters *bc, struct bench_agency *a)
{
	struct db_res *res = NULL;
	enum db_rc rc;
	int more;

	a->doff = -1;
	a->yoff = -1;
	if ((a->dseq = calloc((size_t)bc->ndays, sizeof(*a->dseq))) == NULL)
		return DB_ERROR;
	if ((rc = db_exec(c, STMT_DOS_BENCH_COUNTERS, (struct db_param[]){ DB_INT(a->id) }, 1,
	    &res)) != DB_OK)
		return rc;
	while ((more = db_res_next(res)) == 1) {
		const char *p = db_res_text(res, 0);
		int64_t n = db_res_int(res, 1), off = -1;

		if (strlen(p) == 8 && p[0] == 'd' && p[1] == ':' && digits_at(p + 2, 6) >= 0)
			off = time_days_from_civil(2000 + digits_at(p + 2, 2), digits_at(p + 4, 2),
			    digits_at(p + 6, 2)) - bc->day0;
		if (off >= 0 && off < bc->ndays) {
			a->dseq[off] = n;
			continue;
		}
		if (strlen(p) == 6 && p[0] == 'y' && p[1] == ':' && digits_at(p + 2, 4) >= 0)
			off = digits_at(p + 2, 4) - bc->year0;
		if (p[0] == 'y' && off >= 0 && off < BENCH_YEARS_MAX) {
			a->yreg[off] = n;
			continue;
		}
		if (counter_keep(bc, a->id, p, n) == -1) {
			db_res_free(res);
			return DB_ERROR;
		}
	}
	rc = more == 0 ? DB_OK : db_res_rc(res);
	db_res_free(res);
	return rc;
}

/* Switch agency a to day doff of year yoff (in memory). */
static void
agency_day(struct bench_agency *a, int64_t doff, int yoff)
{
	if (a->doff != doff) {
		if (a->doff >= 0)
			a->dseq[a->doff] = a->seq;
		a->seq = a->dseq[doff];
		a->doff = doff;
	}
	if (a->yoff != yoff) {
		if (a->yoff >= 0)
			a->yreg[a->yoff] = a->reg;
		a->reg = a->yreg[yoff];
		a->yoff = yoff;
	}
}

/* Replace every agency's counter rows with what is in memory. */
static enum db_rc
counters_store(struct db_conn *c, struct bench_counters *bc, struct bench_agency *ag,
    int64_t nag)
{
	static const char *const cols[] = { "agency_id", "period", "n" };
	struct db_bulk *b = NULL;
	enum db_rc rc = DB_OK;

	for (int64_t i = 0; i < nag && rc == DB_OK; i++) {
		if (ag[i].doff >= 0)
			ag[i].dseq[ag[i].doff] = ag[i].seq;
		if (ag[i].yoff >= 0)
			ag[i].yreg[ag[i].yoff] = ag[i].reg;
		rc = db_exec(c, STMT_DOS_BENCH_COUNTERS_DEL, (struct db_param[]){ DB_INT(ag[i].id) },
		    1, NULL);
	}
	if (rc != DB_OK || (b = db_bulk_begin(c, "dossier_counters", cols, CORE_NELEM(cols))) ==
	    NULL)
		return DB_ERROR;
	for (int64_t i = 0; i < nag && rc == DB_OK; i++) {
		char period[16];

		for (int64_t d = 0; d < bc->ndays && rc == DB_OK; d++) {
			int y, m, dd;

			if (ag[i].dseq[d] == 0)
				continue;
			time_civil_from_days(bc->day0 + d, &y, &m, &dd);
			memcpy(period, "d:", 2);
			*put_digits(period + 2, (uint64_t)(y % 100) * 10000u + (uint64_t)m * 100u +
			    (uint64_t)dd, 6) = '\0';
			rc = db_bulk_row(b, (struct db_param[]){ DB_INT(ag[i].id), DB_TEXT(period),
			    DB_INT(ag[i].dseq[d]) });
		}
		for (int y = 0; y < BENCH_YEARS_MAX && rc == DB_OK; y++) {
			if (ag[i].yreg[y] == 0)
				continue;
			memcpy(period, "y:", 2);
			*put_digits(period + 2, (uint64_t)(bc->year0 + y), 4) = '\0';
			rc = db_bulk_row(b, (struct db_param[]){ DB_INT(ag[i].id), DB_TEXT(period),
			    DB_INT(ag[i].yreg[y]) });
		}
	}
	for (size_t k = 0; k < bc->nkeep && rc == DB_OK; k++)
		rc = db_bulk_row(b, (struct db_param[]){ DB_INT(bc->keep[k].agency),
		    DB_TEXT(bc->keep[k].period), DB_INT(bc->keep[k].n) });
	if (rc != DB_OK) {
		db_bulk_discard(b);
		return rc;
	}
	return db_bulk_end(b);
}

static const char *const bho[] = { "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng" };
static const char *const bten[] = { "Văn An", "Thị Bình", "Minh Châu", "Thu Hà", "Đức Long",
	"Ngọc Mai", "Quốc Việt", "Thanh Tâm" };

/* The three loaders and what every row shares. */
enum { BL_DOSSIERS, BL_STEPS, BL_HISTORY, BL__MAX };

static const char *const dossier_cols[] = { "id", "code", "lookup_key", "status", "version",
	"channel", "agency_id", "lead_agency_id", "procedure_id", "procedure_version_id",
	"procedure_code", "procedure_name", "procedure_version", "time_limit", "time_unit",
	"cutoff_minute", "applicant_name", "applicant_id_number", "applicant_phone",
	"applicant_email", "applicant_address", "return_method", "sets", "note", "created_at",
	"received_at", "legal_due_at", "due_at", "register_book", "register_seq", "step", "nsteps",
	"approved", "finished_at", "result_class", "returned_at", "closed_at", "reason", "queue_key",
	"updated_at", "kind" };
static const char *const step_cols[] = { "dossier_id", "seq", "name", "unit", "role", "hours",
	"started_at", "due_at", "finished_at", "result_class" };
static const char *const hist_cols[] = { "dossier_id", "seq", "at", "action", "from_status",
	"to_status", "from_step", "to_step", "from_unit", "to_unit", "actor_name", "step_due_at",
	"result_class" };
/* The tables a load fills, for db_bulk_analyze (counters are rewritten in
 * place, a few thousand rows). */
static const char *const bulk_tables[] = { "dossiers", "dossier_steps", "dossier_history",
	"dossier_counters" };

struct bench_run {
	struct db_conn *c;
	struct calendar *cal;
	struct db_bulk *bl[BL__MAX];
	int64_t now, next_id;
	int lean;
	FILE *codes;
	char day[8]; /* YYMMDD of the day being generated */
};

static const char *
cls_name(int64_t finished, int64_t due)
{
	return calendar_class_name(calendar_classify(finished, due));
}

/* One dossier received at t by agency a: its row, its steps (lean: only the
 * step an open dossier is at) and its history (reception, each hand-over
 * done, the end), queued on the loaders of the open transaction.  The
 * status and finish come from its age at now. */
static enum db_rc
bench_one(struct bench_run *br, struct bench_agency *a, int64_t t, int year)
{
	const struct bench_proc *p = &bench_procs[brnd() % BENCH_PROCS];
	static const char alpha[] = DOSSIER_KEY_ALPHABET;
	char code[DOSSIER_CODE_LEN + 1], key[DOSSIER_KEY_LEN + 1], name[64], idn[16], phone[16];
	char book[8], *o;
	int64_t due, step_due[BENCH_STEPS], step_start[BENCH_STEPS], step_end[BENCH_STEPS];
	int64_t id, finished = 0, returned = 0, closed = 0, qk, updated, now = br->now;
	const char *status, *cls = NULL, *reason = "";
	int nsteps_done, approved = 0, step, refused, hseq = 1;
	uint64_t r0 = brnd(), k = brnd();
	unsigned r = (unsigned)(r0 % 1000);
	const char *ho = bho[(r0 >> 10) % CORE_NELEM(bho)], *ten = bten[(r0 >> 14) %
	    CORE_NELEM(bten)];
	enum db_rc rc;

	if (a->seq >= DOSSIER_SEQ_MAX)
		return DB_OK; /* the day is full: skip, as the desk would */
	a->seq++;
	a->reg++;
	id = br->next_id++;
	/* V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX */
	memcpy(code, a->code, DOSSIER_AGENCY_CODE_LEN);
	code[DOSSIER_AGENCY_CODE_LEN] = '-';
	memcpy(code + DOSSIER_AGENCY_CODE_LEN + 1, br->day, 6);
	code[DOSSIER_AGENCY_CODE_LEN + 7] = '-';
	put_digits(code + DOSSIER_AGENCY_CODE_LEN + 8, (uint64_t)a->seq, 4);
	code[DOSSIER_CODE_LEN] = '\0';
	for (int i = 0; i < DOSSIER_KEY_LEN; i++, k >>= 5)
		key[i] = alpha[(k & 31) % (sizeof(alpha) - 1)];
	key[DOSSIER_KEY_LEN] = '\0';
	o = name;
	memcpy(o, ho, strlen(ho));
	o += strlen(ho);
	*o++ = ' ';
	memcpy(o, ten, strlen(ten) + 1);
	memcpy(idn, "075", 3);
	*put_digits(idn + 3, (k >> 24) % 1000000000u, 9) = '\0';
	memcpy(phone, "09", 2);
	*put_digits(phone + 2, (r0 >> 20) % 100000000u, 8) = '\0';
	*put_digits(book, (uint64_t)year, 4) = '\0';
	if (calendar_due(br->cal, t, p->unit, p->limit, -1, &due) == -1)
		due = t + 86400;
	/* The steps at a pace that finishes most dossiers in time: 85 % brisk,
	 * 15 % slow (late). */
	{
		int slow = r % 100 < 15;
		int64_t at = t;

		for (int s = 0; s < BENCH_STEPS; s++) {
			int h = p->hours[s];
			int used = slow ? h + h / 2 + 1 : 1 + (int)(brnd() % (unsigned)(h > 1 ? h : 1));

			step_start[s] = at;
			if (calendar_due(br->cal, at, CALENDAR_HOURS, h, 1440, &step_due[s]) == -1)
				step_due[s] = at + 3600;
			if (calendar_due(br->cal, at, CALENDAR_HOURS, used, 1440, &step_end[s]) == -1)
				step_end[s] = at + 3600;
			at = step_end[s];
		}
	}
	/* How far it got by now. */
	for (nsteps_done = 0; nsteps_done < BENCH_STEPS && step_end[nsteps_done] <= now;
	    nsteps_done++)
		;
	if (r < 20) {
		status = "refused";
		nsteps_done = 0;
		closed = t;
		reason = "Hồ sơ không thuộc thẩm quyền tiếp nhận.";
	} else if (r < 35 && nsteps_done >= 2) {
		status = "rejected";
		nsteps_done = 2;
		finished = closed = step_end[1];
		reason = "Không đủ điều kiện theo quy định.";
	} else if (r < 45 && nsteps_done >= 1) {
		status = "withdrawn";
		nsteps_done = 1;
		closed = step_end[0];
		reason = "Người nộp xin rút hồ sơ.";
	} else if (r < 50 && nsteps_done >= 2) {
		status = "stopped";
		nsteps_done = 2;
		closed = step_end[1];
		reason = "Dừng xử lý theo yêu cầu của cơ quan có thẩm quyền.";
	} else if (nsteps_done == BENCH_STEPS) {
		status = "returned";
		finished = step_end[2];
		returned = closed = step_end[3];
		approved = 1;
	} else if (nsteps_done == 3) {
		status = "result_ready";
		finished = step_end[2];
		approved = 1;
	} else if (nsteps_done == 0)
		status = "received";
	else
		status = "processing";
	refused = status[0] == 'r' && status[2] == 'f'; /* "refused" */
	if (finished)
		cls = cls_name(finished, due);
	step = refused ? 0 : nsteps_done < BENCH_STEPS ? nsteps_done + 1 : BENCH_STEPS;
	updated = closed ? closed : finished ? finished : nsteps_done ? step_end[nsteps_done - 1] : t;
	if (!closed && !finished)
		qk = due;
	else if (!closed)
		qk = DOS_BAND + finished; /* result_ready */
	else
		qk = 3 * DOS_BAND - closed;
	rc = db_bulk_row(br->bl[BL_DOSSIERS], (struct db_param[]){ DB_INT(id), DB_TEXT(code),
	    DB_TEXT(key), DB_TEXT(status), DB_INT(2 + nsteps_done), DB_TEXT(r % 4 ? "counter" :
	    "online"), DB_INT(a->id), DB_INT(a->id), DB_INT(p->id), DB_INT(p->version_id),
	    DB_TEXT(p->code), DB_TEXT(p->name), DB_INT(1), DB_INT(p->limit), DB_TEXT(p->unit_name),
	    DB_INT(-1), DB_TEXT(name), DB_TEXT(idn), DB_TEXT(phone), DB_TEXT(""),
	    DB_TEXT("Biên Hòa, Đồng Nai"), DB_TEXT("counter"), DB_INT(1), DB_TEXT(""), DB_INT(t),
	    DB_INT(t), DB_INT(due), DB_INT(due), refused ? DB_NULL : DB_TEXT(book),
	    refused ? DB_NULL : DB_INT(a->reg), DB_INT(step), DB_INT(BENCH_STEPS),
	    DB_INT(approved), finished ? DB_INT(finished) : DB_NULL, cls ? DB_TEXT(cls) : DB_NULL,
	    returned ? DB_INT(returned) : DB_NULL, closed ? DB_INT(closed) : DB_NULL,
	    DB_TEXT(reason), DB_INT(qk), DB_INT(updated), DB_TEXT("single") });
	if (rc != DB_OK)
		return rc;
	if (!refused)
		for (int s = 0; s < BENCH_STEPS; s++) {
			int started = s < nsteps_done + 1 && (s == 0 || step_end[s - 1] <= now);
			int done = s < nsteps_done;

			/* Lean: only the step an open dossier is at. */
			if (br->lean && (closed || finished || s != step - 1))
				continue;
			rc = db_bulk_row(br->bl[BL_STEPS], (struct db_param[]){ DB_INT(id),
			    DB_INT(s + 1), DB_TEXT(step_names[s]), DB_TEXT(step_units[s]),
			    DB_TEXT(step_roles[s]), DB_INT(p->hours[s]),
			    started ? DB_INT(step_start[s]) : DB_NULL,
			    started ? DB_INT(step_due[s]) : DB_NULL,
			    done ? DB_INT(step_end[s]) : DB_NULL,
			    done ? DB_TEXT(cls_name(step_end[s], step_due[s])) : DB_NULL });
			if (rc != DB_OK)
				return rc;
		}
	/* The history, short as real ones are: the reception, each hand-over
	 * done, the end (1 to 5 rows). */
	rc = db_bulk_row(br->bl[BL_HISTORY], (struct db_param[]){ DB_INT(id), DB_INT(1), DB_INT(t),
	    DB_TEXT(refused ? "refuse" : "receive"), DB_TEXT(""),
	    DB_TEXT(refused ? "refused" : "received"), DB_INT(0), DB_INT(refused ? 0 : 1),
	    DB_TEXT(""), DB_TEXT(step_units[0]), DB_TEXT("Cán bộ tiếp nhận"), DB_NULL, DB_NULL });
	for (int s = 0; rc == DB_OK && s < nsteps_done && s < 3; s++) {
		static const char *const act[] = { "forward", "forward", "result_ready" };
		int last = s == nsteps_done - 1 && closed && !returned;

		/* Lean: a closed dossier keeps its reception and its end. */
		if (br->lean && closed && !last)
			continue;
		rc = db_bulk_row(br->bl[BL_HISTORY], (struct db_param[]){ DB_INT(id), DB_INT(++hseq),
		    DB_INT(step_end[s]), DB_TEXT(last ? (strcmp(status, "rejected") == 0 ? "reject" :
		    strcmp(status, "withdrawn") == 0 ? "withdraw" : "stop") : act[s]),
		    DB_TEXT(s == 0 ? "received" : "processing"), DB_TEXT(last ? status : s == 2 ?
		    "result_ready" : "processing"), DB_INT(s + 1), DB_INT(s + 2),
		    DB_TEXT(step_units[s]), DB_TEXT(step_units[s + 1]), DB_TEXT("Cán bộ xử lý"),
		    DB_INT(step_due[s]), DB_TEXT(cls_name(step_end[s], step_due[s])) });
	}
	if (rc == DB_OK && returned)
		rc = db_bulk_row(br->bl[BL_HISTORY], (struct db_param[]){ DB_INT(id), DB_INT(++hseq),
		    DB_INT(returned), DB_TEXT("return_result"), DB_TEXT("result_ready"),
		    DB_TEXT("returned"), DB_INT(4), DB_INT(4), DB_TEXT(step_units[3]),
		    DB_TEXT("Người nộp hồ sơ"), DB_TEXT("Cán bộ tiếp nhận"), DB_INT(step_due[3]),
		    DB_TEXT(cls_name(returned, step_due[3])) });
	if (rc == DB_OK && br->codes != NULL) {
		char line[DOSSIER_CODE_LEN + DOSSIER_KEY_LEN + 3];

		memcpy(line, code, DOSSIER_CODE_LEN);
		line[DOSSIER_CODE_LEN] = '\t';
		memcpy(line + DOSSIER_CODE_LEN + 1, key, DOSSIER_KEY_LEN);
		line[DOSSIER_CODE_LEN + 1 + DOSSIER_KEY_LEN] = '\n';
		fwrite(line, 1, sizeof(line) - 1, br->codes);
	}
	return rc;
}

/* User + system CPU time of this process: on a shared machine the wall
 * clock says more about the neighbours than about the load. */
static double
bench_cpu_seconds(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) == -1)
		return 0;
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* PostgreSQL runs one COPY at a time: send what is buffered, parents first. */
static enum db_rc
bench_flush(struct bench_run *br)
{
	enum db_rc rc = DB_OK;

	for (int i = 0; i < BL__MAX && rc == DB_OK; i++)
		rc = db_bulk_flush(br->bl[i]);
	return rc;
}

int
dossier_cli_bench_data(int argc, char **argv)
{
	static const char *const names[] = { "dossiers", "agencies", "years", "codes-out", "detail",
		"from", "until", "indexes", NULL };
	struct cli_args a = { .names = names };
	struct db *db = NULL;
	struct db_conn *c = NULL;
	struct calendar *cal = NULL;
	struct bench_agency *ag = NULL;
	struct bench_run br;
	struct bench_counters bc;
	FILE *codes = NULL;
	char err[512];
	int64_t n = 0, nag = 10, years = 3, now = clock_now(), start, day0, nday, made = 0, day_now;
	uint64_t t0, t1, t_rows = 0, t_index = 0, t_commit = 0;
	double cpu0, cpu_rows = 0, cpu_index = 0;
	int fy = 0, fm = 0, fd = 0, uy = 0, um = 0, ud = 0;
	char from_s[16], until_s[16];
	int rc = 1, rebuild = 0, lean, bulk = 0;
	static const enum stmt_id idx_drop[] = { STMT_DOS_IDX_DROP_QUEUE, STMT_DOS_IDX_DROP_AGENCY,
		STMT_DOS_IDX_DROP_LEAD, STMT_DOS_IDX_DROP_CLOCK, STMT_DOS_IDX_DROP_ASSIGNEE,
		STMT_DOS_IDX_DROP_RECEIVED, STMT_DOS_IDX_DROP_PARENT, STMT_DOS_IDX_DROP_REPORT_END,
		STMT_DOS_IDX_DROP_REPORT_CLOSED };
	static const enum stmt_id idx_make[] = { STMT_DOS_IDX_MAKE_QUEUE, STMT_DOS_IDX_MAKE_AGENCY,
		STMT_DOS_IDX_MAKE_LEAD, STMT_DOS_IDX_MAKE_CLOCK, STMT_DOS_IDX_MAKE_ASSIGNEE,
		STMT_DOS_IDX_MAKE_RECEIVED, STMT_DOS_IDX_MAKE_PARENT, STMT_DOS_IDX_MAKE_REPORT_END,
		STMT_DOS_IDX_MAKE_REPORT_CLOSED };

	if (auth_cli_parse(argc, argv, 1, &a) == -1 || a.npos != 0 || a.vals[0] == NULL ||
	    str_to_i64(a.vals[0], 1, 100000000, &n) == -1 ||
	    (a.vals[1] != NULL && str_to_i64(a.vals[1], 1, 9999, &nag) == -1) ||
	    (a.vals[2] != NULL && str_to_i64(a.vals[2], 1, 20, &years) == -1) ||
	    (a.vals[4] != NULL && strcmp(a.vals[4], "full") != 0 && strcmp(a.vals[4], "lean") != 0) ||
	    (a.vals[5] != NULL && time_parse_date(a.vals[5], &fy, &fm, &fd) == -1) ||
	    (a.vals[6] != NULL && time_parse_date(a.vals[6], &uy, &um, &ud) == -1) ||
	    (a.vals[5] != NULL && a.vals[2] != NULL) ||
	    (a.vals[7] != NULL && strcmp(a.vals[7], "auto") != 0 &&
	    strcmp(a.vals[7], "keep") != 0 && strcmp(a.vals[7], "rebuild") != 0)) {
		fprintf(stderr, "cách dùng: motcua bench-data --dossiers N [--agencies M] "
		    "[--years Y | --from YYYY-MM-DD] [--until YYYY-MM-DD] [--detail full|lean] "
		    "[--indexes auto|keep|rebuild] [--codes-out FILE] [--db URL]\n"
		    "  --until: hồ sơ tiếp nhận trước ngày này (mặc định: hôm nay, không tính hôm nay); "
		    "--from: từ ngày này (mặc định: ngày 1 của tháng Y năm trước --until, Y = 3).\n"
		    "  --detail lean (mặc định): hồ sơ, lịch sử ngắn (tiếp nhận, các lần chuyển của hồ "
		    "sơ đang giải quyết, sự kiện kết thúc của hồ sơ đã đóng) và bước hiện tại của hồ sơ "
		    "đang giải quyết; full: mọi bước và mọi lần chuyển bước.\n"
		    "  CHỈ DÙNG ĐỂ ĐO HIỆU NĂNG: ghi N hồ sơ (1–100.000.000) trong một giao dịch, "
		    "không ghi nhật ký kiểm toán cho từng hồ sơ.\n"
		    "  BENCHMARKS ONLY: writes N dossiers in one transaction without an audit entry "
		    "per dossier.\n");
		return 2;
	}
	memset(&br, 0, sizeof(br));
	memset(&bc, 0, sizeof(bc));
	/* Working days from --from to the day before --until, receptions
	 * spread evenly over them in time order (07:30-16:30). */
	{
		struct civil cv;
		int64_t until;

		time_to_vn(now, &cv);
		day_now = time_days_from_civil(cv.year, cv.month, cv.day);
		until = a.vals[6] != NULL ? time_days_from_civil(uy, um, ud) : day_now;
		if (a.vals[6] == NULL) {
			uy = cv.year;
			um = cv.month;
		}
		day0 = a.vals[5] != NULL ? time_days_from_civil(fy, fm, fd) :
		    time_days_from_civil(uy - (int)years, um, 1);
		time_civil_from_days(day0, &fy, &fm, &fd);
		time_civil_from_days(until - 1, &uy, &um, &ud);
		/* Receptions today or later would lie in the future of their
		 * own statuses; the counters' year table bounds the span. */
		if (until > day_now || day0 >= until || uy - fy >= BENCH_YEARS_MAX) {
			fprintf(stderr, "bench-data: khoảng ngày không hợp lệ: --from phải trước --until, "
			    "--until không sau hôm nay, tối đa %d năm\n", BENCH_YEARS_MAX - 1);
			rc = 2;
			goto out;
		}
		nday = until - day0;
		bc.day0 = day0;
		bc.ndays = nday + 1;
		bc.year0 = fy;
		snprintf(from_s, sizeof(from_s), "%04d-%02d-%02d", fy, fm, fd);
		time_civil_from_days(until, &uy, &um, &ud);
		snprintf(until_s, sizeof(until_s), "%04d-%02d-%02d", uy, um, ud);
	}
	/* Lean by default: the benchmarks need millions of dossiers quickly. */
	lean = a.vals[4] == NULL || strcmp(a.vals[4], "lean") == 0;
	{
		const char *why;

		/* A fresh database is fine: migrate first. */
		if ((db = db_open(config_str(CFG_DB), &why)) == NULL) {
			fprintf(stderr, "bench-data: --db %s: %s\n", config_str(CFG_DB), why);
			return 1;
		}
		if (db_migrate(db) == -1 || (c = db_conn_new(db)) == NULL) {
			fprintf(stderr, "bench-data: không mở được cơ sở dữ liệu %s\n", db_url_safe(db));
			goto out;
		}
	}
	if ((cal = calendar_store_open(db, config_str(CFG_DATA), err, sizeof(err))) == NULL) {
		fprintf(stderr, "bench-data: lịch làm việc: %s\n", err);
		goto out;
	}
	if (a.vals[3] != NULL && (codes = fopen(a.vals[3], "w")) == NULL) {
		fprintf(stderr, "bench-data: không ghi được %s\n", a.vals[3]);
		goto out;
	}
	if (bench_catalog(c, (int)nag) == -1) {
		fprintf(stderr, "bench-data: không tạo được cơ quan và thủ tục đo hiệu năng\n");
		goto out;
	}
	for (int p = 0; p < BENCH_PROCS; p++) {
		struct db_res *res = NULL;
		char date[16];

		time_format_date(now, date);
		if (db_exec(c, STMT_DOS_PROC_IN_FORCE, (struct db_param[]){
		    DB_TEXT(bench_procs[p].code), DB_TEXT(date) }, 2, &res) != DB_OK ||
		    db_res_next(res) != 1) {
			db_res_free(res);
			fprintf(stderr, "bench-data: thiếu thủ tục %s\n", bench_procs[p].code);
			goto out;
		}
		bench_procs[p].id = db_res_int(res, 0);
		bench_procs[p].version_id = db_res_int(res, 1);
		db_res_free(res);
	}
	if ((ag = calloc((size_t)nag, sizeof(*ag))) == NULL)
		goto out;
	for (int64_t i = 0; i < nag; i++) {
		snprintf(ag[i].code, sizeof(ag[i].code), "000.%02d.%02d.H99", (int)((i + 1) / 100) % 100,
		    (int)(i + 1) % 100);
		if (db_scalar_int(c, STMT_DOS_BENCH_AGENCY, (struct db_param[]){
		    DB_TEXT(ag[i].code) }, 1, &ag[i].id) != DB_OK)
			goto out;
	}
	t0 = clock_mono_ns();
	cpu0 = bench_cpu_seconds();
	/* synchronous=OFF and no WAL for the load; back to normal before the
	 * commit's checkpoint matters (see db_bulk_session). */
	if (db_bulk_session(c, 1) != DB_OK)
		goto out;
	bulk = 1;
	if (db_begin(c) != DB_OK)
		goto out;
	/* A load bigger than what is there: build the secondary indexes once
	 * at the end instead of row by row. */
	if (db_scalar_int(c, STMT_DOS_BENCH_COUNT, NULL, 0, &start) != DB_OK ||
	    db_scalar_int(c, STMT_DOS_BENCH_MAXID, NULL, 0, &br.next_id) != DB_OK) {
		db_rollback(c);
		goto out;
	}
	br.next_id++;
	for (int64_t i = 0; i < nag; i++)
		if (counters_load(c, &bc, &ag[i]) != DB_OK)
			goto fail;
	br.c = c;
	br.cal = cal;
	br.now = now;
	br.lean = lean;
	br.codes = codes;
	br.bl[BL_DOSSIERS] = db_bulk_begin(c, "dossiers", dossier_cols, CORE_NELEM(dossier_cols));
	br.bl[BL_STEPS] = db_bulk_begin(c, "dossier_steps", step_cols, CORE_NELEM(step_cols));
	br.bl[BL_HISTORY] = db_bulk_begin(c, "dossier_history", hist_cols, CORE_NELEM(hist_cols));
	if (br.bl[BL_DOSSIERS] == NULL || br.bl[BL_STEPS] == NULL || br.bl[BL_HISTORY] == NULL)
		goto fail;
	/* auto: rebuild when the load at least doubles the table. */
	rebuild = a.vals[7] != NULL && strcmp(a.vals[7], "auto") != 0 ?
	    strcmp(a.vals[7], "rebuild") == 0 : n >= start;
	for (size_t i = 0; rebuild && i < CORE_NELEM(idx_drop); i++)
		if (db_exec(c, idx_drop[i], NULL, 0, NULL) != DB_OK)
			goto fail;
	{
		int64_t workdays = 0, w = 0;

		for (int64_t d = 0; d < nday; d++)
			workdays += calendar_is_workday(cal, day0 + d) == 1;
		if (workdays == 0)
			workdays = 1;
		for (int64_t d = 0; d < nday && made < n; d++) {
			int64_t today, share, first;
			struct civil cv = { 0 };

			if (calendar_is_workday(cal, day0 + d) != 1)
				continue;
			/* This day's share of n, so the total is exactly n. */
			first = n * w / workdays;
			share = n * (w + 1) / workdays - first;
			w++;
			time_civil_from_days(day0 + d, &cv.year, &cv.month, &cv.day);
			cv.hour = 7;
			cv.min = 30;
			today = time_from_vn(&cv);
			put_digits(br.day, (uint64_t)(cv.year % 100) * 10000u + (uint64_t)cv.month * 100u +
			    (uint64_t)cv.day, 6);
			for (int64_t i = 0; i < share; i++) {
				/* 07:30-16:30, in time order. */
				int64_t t = today + (9 * 3600 * i) / (share ? share : 1);
				struct bench_agency *ap = &ag[(made + (int64_t)(brnd() % 7)) % nag];

				agency_day(ap, d, cv.year - bc.year0);
				if (bench_one(&br, ap, t, cv.year) != DB_OK ||
				    ((made + 1) % 16384 == 0 && bench_flush(&br) != DB_OK)) {
					fprintf(stderr, "bench-data: lỗi ghi hồ sơ thứ %lld\n",
					    (long long)made);
					goto fail;
				}
				made++;
			}
		}
	}
	t_rows = clock_mono_ns();
	cpu_rows = bench_cpu_seconds() - cpu0;
	for (int i = 0; i < BL__MAX; i++) {
		enum db_rc e = db_bulk_end(br.bl[i]);

		br.bl[i] = NULL;
		if (e != DB_OK)
			goto fail;
	}
	if (counters_store(c, &bc, ag, nag) != DB_OK)
		goto fail;
	for (size_t i = 0; rebuild && i < CORE_NELEM(idx_make); i++)
		if (db_exec(c, idx_make[i], NULL, 0, NULL) != DB_OK)
			goto fail;
	t_index = clock_mono_ns();
	cpu_index = bench_cpu_seconds() - cpu0 - cpu_rows;
	{
		/* One audit entry says what was done (not one per dossier). */
		json_t *detail = json_pack("{s:I, s:I, s:s, s:s}", "dossiers", (json_int_t)made,
		    "agencies", (json_int_t)nag, "from", from_s, "until", until_s);
		char *text = audit_detail_text(detail);
		struct audit_entry e = { .at = now, .actor = "bench-data", .action = "dossier.bench_data",
			.object = "dossiers", .request_id = "", .detail = text };

		json_decref(detail);
		if (text == NULL || audit_append(c, &e, NULL) != DB_OK) {
			free(text);
			db_rollback(c);
			goto out;
		}
		free(text);
	}
	if (db_commit(c) != DB_OK)
		goto out;
	t_commit = clock_mono_ns();
	/* Part of the load, as an import in service would end (db.h). */
	for (size_t i = 0; i < CORE_NELEM(bulk_tables); i++)
		if (db_bulk_analyze(c, bulk_tables[i]) != DB_OK)
			goto out;
	if (db_bulk_session(c, 0) != DB_OK)
		goto out;
	bulk = 0;
	t1 = clock_mono_ns();
	printf("{\"format\": %d, \"dossiers\": %lld, \"agencies\": %lld, \"from\": \"%s\", "
	    "\"until\": \"%s\", "
	    "\"detail\": \"%s\", \"indexes\": \"%s\", "
	    "\"seconds\": %.3f, \"rows_seconds\": %.3f, \"index_seconds\": %.3f, "
	    "\"commit_seconds\": %.3f, \"analyze_seconds\": %.3f, \"rows_cpu_seconds\": %.3f, "
	    "\"index_cpu_seconds\": %.3f, "
	    "\"cpu_seconds\": %.3f, \"dossiers_per_second\": %.0f, "
	    "\"dossiers_per_cpu_second\": %.0f}\n", BENCH_DATA_FORMAT, (long long)made,
	    (long long)nag, from_s, until_s, lean ? "lean" : "full", rebuild ? "rebuilt" : "kept",
	    (double)(t1 - t0) / 1e9,
	    (double)(t_rows - t0) / 1e9, (double)(t_index - t_rows) / 1e9,
	    (double)(t_commit - t_index) / 1e9, (double)(t1 - t_commit) / 1e9, cpu_rows, cpu_index,
	    bench_cpu_seconds() - cpu0,
	    (double)made / ((double)(t1 - t0) / 1e9),
	    (double)made / (bench_cpu_seconds() - cpu0 > 0 ? bench_cpu_seconds() - cpu0 : 1e-9));
	rc = 0;
	goto out;
fail:
	db_rollback(c);
out:
	for (int i = 0; i < BL__MAX; i++)
		db_bulk_discard(br.bl[i]); /* only after a failure: nothing buffered is wanted */
	if (bulk && c != NULL)
		db_bulk_session(c, 0);
	if (codes != NULL)
		fclose(codes);
	for (int64_t i = 0; ag != NULL && i < nag; i++)
		free(ag[i].dseq);
	free(ag);
	free(bc.keep);
	if (cal != NULL) {
		calendar_store_close();
		calendar_free(cal);
	}
	auth_cli_close(db, c);
	return rc;
}

/*
 * Demo data for newcomers: officials for a few one-stop desks and the
 * agencies behind them, and a few hundred dossiers in every status spread
 * over recent months, made through the REAL reception and workflow code
 * (dossier_receive, dossier_act) at the instants the events would have
 * happened, so codes, registers, deadlines, classifications, history,
 * outbox and audit entries are exactly what production would hold.
 *
 * Events of all dossiers are sorted by time and run in that order, so the
 * audit chain and the daily code sequences are chronological.  Choices are
 * made with a seeded generator (the same seed gives the same story; lookup
 * keys and passwords still come from the CSPRNG).
 *
 * Most dossiers that end with an outcome are then rated through the rating
 * slice (rating_record: the routes' rules, transaction and audit entry):
 * online by the applicant, or a paper slip or counter device entered at the
 * desk, at the moment the story ends, with a mix of answers that puts the
 * satisfaction near the plan's figures (docs/RATING.md §5).  Their choices
 * come from a second generator, so the dossiers' stories stay those of
 * the seed.  Only the run's own dossiers are rated: a second run rates its
 * new dossiers and never touches earlier ones.
 */
#include <stdlib.h>
#include <string.h>

#include "../audit/audit.h"
#include "../bundle/bundle.h"
#include "../catalog/catalog.h"
#include "../rating/rating.h"
#include "dossier_int.h"

#define DEMO_GROUPS 3
#define DEMO_PROCS 8 /* procedures per group */
#define DEMO_EVENTS 14 /* events per dossier at most */
#define DEMO_PW_LEN 16

/* ---- a small deterministic generator ---------------------------------------- */

static uint64_t demo_rng, rate_rng; /* the stories; the ratings */

static uint64_t
rnd_of(uint64_t *s)
{
	*s ^= *s >> 12; /* xorshift64* */
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static uint64_t
rnd(void)
{
	return rnd_of(&demo_rng);
}

/* 0..n-1 from the ratings' generator. */
static int
rrnd(int n)
{
	return (int)(rnd_of(&rate_rng) % (uint64_t)n);
}

static int
rnd_int(int lo, int hi)
{
	return lo + (int)(rnd() % (uint64_t)(hi - lo + 1));
}

static const char *
pick(const char *const *a, size_t n)
{
	return a[rnd() % n];
}

/* ---- groups: a desk, the agency behind it, its procedures ------------------- */

struct demo_group {
	int64_t desk, lead;
	char procs[DEMO_PROCS][40];
	int nprocs;
	struct principal who[ROLE__MAX]; /* receiver at the desk, the rest at the lead */
	char usernames[ROLE__MAX][48]; /* what who[].name points to */
	struct principal portal; /* the national portal's API token at the desk */
};

static void
group_add(struct demo_group *g, int *ng, int max, int64_t desk, int64_t lead, const char *code)
{
	struct demo_group *x = NULL;

	for (int i = 0; i < *ng; i++)
		if (g[i].desk == desk && g[i].lead == lead)
			x = &g[i];
	if (x == NULL) {
		if (*ng == max)
			return;
		x = &g[(*ng)++];
		memset(x, 0, sizeof(*x));
		x->desk = desk;
		x->lead = lead;
	}
	if (x->nprocs < DEMO_PROCS)
		str_lcpy(x->procs[x->nprocs++], code, sizeof(x->procs[0]));
}

static int
group_cmp(const void *a, const void *b)
{
	const struct demo_group *x = a, *y = b;

	return y->nprocs - x->nprocs;
}

/* The desks and agencies with procedures to show: by lead agency and by
 * level; the DEMO_GROUPS biggest groups with different desks. */
static int
groups_find(struct db_conn *c, const char *today, struct demo_group *out)
{
	static const enum stmt_id q[] = { STMT_DOS_DEMO_LEAD_PAIRS, STMT_DOS_DEMO_LEVEL_PAIRS };
	struct demo_group *all = calloc(256, sizeof(*all));
	int nall = 0, n = 0;

	if (all == NULL)
		return -1;
	for (size_t i = 0; i < CORE_NELEM(q); i++) {
		struct db_res *res = NULL;

		if (db_exec(c, q[i], (struct db_param[]){ DB_TEXT(today) }, 1, &res) != DB_OK) {
			free(all);
			return -1;
		}
		while (db_res_next(res) == 1)
			group_add(all, &nall, 256, db_res_int(res, 0), db_res_int(res, 1),
			    db_res_text(res, 2));
		db_res_free(res);
	}
	qsort(all, (size_t)nall, sizeof(*all), group_cmp);
	for (int i = 0; i < nall && n < DEMO_GROUPS; i++) {
		int dup = 0;

		for (int j = 0; j < n; j++)
			dup |= out[j].desk == all[i].desk;
		if (!dup && all[i].nprocs >= 1)
			out[n++] = all[i];
	}
	free(all);
	return n;
}

/* A minimal catalogue for an empty database (no seed loaded): one desk,
 * one department, two procedures.  Idempotent (seed mode). */
static const char demo_catalog[] =
    "{\"format\": \"motcua-catalog/1\","
    " \"fields\": [{\"code\": \"tu-phap\", \"name\": \"Tư pháp\"}],"
    " \"agencies\": ["
    "  {\"code\": \"000.00.00.H19\", \"parent\": null, \"kind\": \"province\","
    "   \"name\": \"Ủy ban nhân dân tỉnh Đồng Nai\"},"
    "  {\"code\": \"000.00.01.H19\", \"parent\": \"000.00.00.H19\", \"kind\": \"center\","
    "   \"name\": \"Trung tâm Phục vụ hành chính công tỉnh Đồng Nai\", \"is_desk\": true,"
    "   \"receives_for\": [\"000.00.04.H19\"]},"
    "  {\"code\": \"000.00.04.H19\", \"parent\": \"000.00.00.H19\", \"kind\": \"department\","
    "   \"name\": \"Sở Tư pháp tỉnh Đồng Nai\"}],"
    " \"procedures\": ["
    "  {\"code\": \"DEMO-LLTP\", \"name\": \"Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam\","
    "   \"field\": \"tu-phap\", \"levels\": [\"province\"],"
    "   \"agencies\": {\"lead\": [\"000.00.04.H19\"]}, \"time_limit\": {\"value\": 10,"
    "   \"unit\": \"day\"}, \"online\": {\"level\": 4, \"class\": \"full\"},"
    "   \"channels\": [\"counter\", \"post\", \"online\"],"
    "   \"documents\": [{\"name\": \"Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp\", \"originals\": 1,"
    "   \"copies\": 0}, {\"name\": \"Bản chụp giấy tờ tùy thân\", \"originals\": 0, \"copies\": 1}],"
    "   \"steps\": [{\"name\": \"Tiếp nhận, chuyển hồ sơ\", \"unit\": \"Bộ phận Một cửa\","
    "   \"role\": \"receiver\", \"hours\": 4}, {\"name\": \"Tra cứu, xác minh, thẩm định\","
    "   \"unit\": \"Phòng Hành chính tư pháp\", \"role\": \"specialist\", \"hours\": 56},"
    "   {\"name\": \"Phê duyệt\", \"unit\": \"Lãnh đạo Sở\", \"role\": \"leader\", \"hours\": 8},"
    "   {\"name\": \"Đóng dấu, trả kết quả về Một cửa\", \"unit\": \"Văn thư Sở\","
    "   \"role\": \"clerk\", \"hours\": 4}],"
    "   \"legal_basis\": [{\"ref\": \"28/2009/QH12\", \"title\": \"Luật Lý lịch tư pháp\"}],"
    "   \"source_note\": \"Dữ liệu minh họa của motcua dossier demo.\","
    "   \"effective_from\": \"2020-01-01\", \"decision\": \"Dữ liệu minh họa\"},"
    "  {\"code\": \"DEMO-CT\", \"name\": \"Chứng thực bản sao từ bản chính giấy tờ, văn bản\","
    "   \"field\": \"tu-phap\", \"levels\": [\"province\"],"
    "   \"agencies\": {\"lead\": [\"000.00.04.H19\"]}, \"time_limit\": {\"value\": 2,"
    "   \"unit\": \"day\"}, \"online\": {\"level\": 2, \"class\": \"none\"},"
    "   \"channels\": [\"counter\"],"
    "   \"steps\": [{\"name\": \"Tiếp nhận\", \"unit\": \"Bộ phận Một cửa\", \"role\": \"receiver\","
    "   \"hours\": 2}, {\"name\": \"Chứng thực\", \"unit\": \"Phòng Hành chính tư pháp\","
    "   \"role\": \"specialist\", \"hours\": 10}, {\"name\": \"Ký\", \"unit\": \"Lãnh đạo Sở\","
    "   \"role\": \"leader\", \"hours\": 4}],"
    "   \"legal_basis\": [{\"ref\": \"23/2015/NĐ-CP\", \"title\": \"Nghị định về chứng thực\"}],"
    "   \"source_note\": \"Dữ liệu minh họa của motcua dossier demo.\","
    "   \"effective_from\": \"2020-01-01\", \"decision\": \"Dữ liệu minh họa\"}]}";

static int
demo_catalog_load(struct db_conn *c)
{
	json_t *doc = json_loads(demo_catalog, 0, NULL);
	struct catalog_actor who = { 0, "demo", 0, "" };
	struct catalog_import_stats st;
	struct catalog_errs *errs = calloc(1, sizeof(*errs));
	int rc = -1;

	if (doc == NULL || errs == NULL || db_begin(c) != DB_OK)
		goto out;
	if (catalog_import(c, doc, CATALOG_IMPORT_SEED, &who, &st, errs) != DB_OK ||
	    db_commit(c) != DB_OK) {
		db_rollback(c);
		goto out;
	}
	rc = 0;
out:
	free(errs);
	json_decref(doc);
	return rc;
}

/* ---- officials ---------------------------------------------------------------- */

static const char *const demo_people[] = {
	"Nguyễn Thị Thu Hà", "Trần Văn Bình", "Lê Minh Tuấn", "Phạm Thị Lan", "Hoàng Đức Anh",
	"Võ Thị Mỹ Linh", "Đặng Quốc Việt", "Bùi Thị Hồng Nhung", "Đỗ Văn Khánh", "Huỳnh Thị Kim Ngân",
	"Phan Thanh Sơn", "Ngô Thị Bích Thủy",
};

/* The account `username` (created with a random password printed to out
 * when it does not exist) as a principal of agency. */
static int
official(struct db_conn *c, FILE *out, const char *username, enum auth_role role,
    int64_t agency, const char *full_name, struct principal *p, int64_t now)
{
	static const char pwchars[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	char pw[DEMO_PW_LEN + 1], hash[AUTH_HASH_MAX];
	unsigned char b[DEMO_PW_LEN];
	int64_t id = 0;
	enum db_rc rc;

	memset(p, 0, sizeof(*p));
	rc = db_scalar_int(c, STMT_USER_ID_BY_USERNAME, (struct db_param[]){ DB_TEXT(username) }, 1,
	    &id);
	if (rc == DB_NOTFOUND) {
		char object[96];
		json_t *detail;
		char *text;
		struct audit_entry e;

		if (rand_bytes(b, sizeof(b)) == -1)
			return -1;
		for (size_t i = 0; i < DEMO_PW_LEN; i++)
			pw[i] = pwchars[b[i] % (sizeof(pwchars) - 1)];
		pw[DEMO_PW_LEN] = '\0';
		if (auth_password_hash(pw, hash, sizeof(hash)) == -1)
			return -1;
		if (db_scalar_int(c, STMT_USER_INSERT, (struct db_param[]){ DB_TEXT(username),
		    DB_TEXT(full_name), DB_TEXT(auth_role_name(role)), DB_INT(agency), DB_NULL,
		    DB_TEXT(hash), DB_INT(now) }, 7, &id) != DB_OK)
			return -1;
		snprintf(object, sizeof(object), "user:%lld", (long long)id);
		detail = json_pack("{s:s, s:s, s:s}", "username", username, "role",
		    auth_role_name(role), "origin", "demo");
		text = audit_detail_text(detail);
		json_decref(detail);
		e = (struct audit_entry){ .at = now, .actor = "demo", .agency_id = agency,
			.action = "user.create", .object = object, .request_id = "", .detail = text };
		rc = text != NULL ? audit_append(c, &e, NULL) : DB_ERROR;
		free(text);
		if (rc != DB_OK)
			return -1;
		fprintf(out, "  %-22s %-12s %s\n", username, auth_role_name(role), pw);
		str_wipe(pw, sizeof(pw));
	} else if (rc == DB_OK)
		fprintf(out, "  %-22s %-12s (đã có, giữ mật khẩu cũ)\n", username,
		    auth_role_name(role));
	else
		return -1;
	p->kind = PRINCIPAL_USER;
	p->id = id;
	p->name = username;
	p->full_name = full_name;
	p->role = role;
	p->agency_id = agency;
	p->agency_code = "";
	p->agency_name = "";
	return 0;
}

/* ---- dossiers ------------------------------------------------------------------ */

/* Where a dossier should end (if time allows). */
enum demo_target {
	T_SUBMITTED, T_RECEIVED, T_PROCESSING, T_SUPPLEMENT_DESK, T_SUPPLEMENT_APPRAISAL,
	T_PAYMENT, T_RESULT_READY, T_RETURNED, T_REFUSED, T_REJECTED, T_WITHDRAWN, T_STOPPED,
	T__MAX
};

struct demo_dossier {
	int group, proc;
	enum demo_target target;
	int online, apologize, late, done, failed, nactions, max_processing;
	int rate; /* rated when its story ends (an outcome) */
	char code[DOSSIER_CODE_LEN + 1];
	int64_t version;
	int64_t at[DEMO_EVENTS];
	int next; /* index of the next event */
	/* state after the last answer */
	char status[24];
	int64_t step, nsteps, approved, due_at;
	char step_role[16];
};

struct demo_event {
	int64_t at;
	int dossier, seq;
};

static int
event_cmp(const void *a, const void *b)
{
	const struct demo_event *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	if (x->dossier != y->dossier)
		return x->dossier - y->dossier;
	return x->seq - y->seq;
}

/* A working instant about `days_ago` days before now (07:45-16:30), never
 * after now: a dossier whose reception lies in the future would never be
 * received, and the demo would hold fewer dossiers than asked for. */
static int64_t
demo_start(struct calendar *cal, int64_t now, int days_ago)
{
	struct civil c;
	int64_t day, t;

	time_to_vn(now, &c);
	day = time_days_from_civil(c.year, c.month, c.day) - days_ago;
	for (;;) {
		while (calendar_is_workday(cal, day) == 0)
			day--;
		time_civil_from_days(day, &c.year, &c.month, &c.day);
		c.hour = rnd_int(7, 16);
		c.min = c.hour == 7 ? rnd_int(45, 59) : rnd_int(0, 59);
		if (c.hour == 16)
			c.min = rnd_int(0, 30);
		c.sec = rnd_int(0, 59);
		if ((t = time_from_vn(&c)) <= now)
			return t;
		day--; /* later today: take an earlier working day */
	}
}

static void
demo_update_state(struct demo_dossier *x, json_t *o)
{
	json_t *cur = json_object_get(o, "current_step"), *due = json_object_get(o, "due_at");
	int64_t t = 0;

	str_lcpy(x->status, json_string_value(json_object_get(o, "status")) ?
	    json_string_value(json_object_get(o, "status")) : "", sizeof(x->status));
	x->version = json_integer_value(json_object_get(o, "version"));
	x->nsteps = json_integer_value(json_object_get(o, "nsteps"));
	x->approved = json_is_true(json_object_get(o, "approved"));
	x->step = cur ? json_integer_value(json_object_get(cur, "seq")) : 0;
	str_lcpy(x->step_role, cur && json_is_string(json_object_get(cur, "role")) ?
	    json_string_value(json_object_get(cur, "role")) : "", sizeof(x->step_role));
	x->due_at = json_is_string(due) && time_parse_iso(json_string_value(due), &t) == 0 ? t : 0;
}

static const char *const ho[] = { "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ",
	"Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý" };
static const char *const dem[] = { "Văn", "Thị", "Minh", "Thanh", "Ngọc", "Đức", "Thị Thu",
	"Hoàng", "Quốc", "Thị Kim", "Hữu", "Bảo" };
static const char *const ten[] = { "An", "Bình", "Cường", "Dung", "Giang", "Hà", "Hải", "Hạnh",
	"Hiếu", "Hòa", "Hùng", "Hương", "Khoa", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phúc",
	"Phương", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vy", "Yến" };
static const char *const streets[] = { "Phạm Văn Thuận", "Đồng Khởi", "Võ Thị Sáu",
	"Nguyễn Ái Quốc", "Hà Huy Giáp", "Cách Mạng Tháng Tám", "Phan Chu Trinh", "30 Tháng 4" };
static const char *const wards[] = { "phường Tân Phong", "phường Trảng Dài", "phường Tam Hiệp",
	"phường Quyết Thắng", "phường Thống Nhất", "phường Hố Nai" };

static json_t *
demo_body(struct db_conn *c, struct arena *a, const struct demo_group *g,
    struct demo_dossier *x)
{
	int ch_post = 0, ch_online = 0;
	char name[128], phone[16], idn[16], addr[256];
	json_t *docs = json_array(), *body;
	struct db_res *res = NULL;

	(void)a;
	snprintf(name, sizeof(name), "%s %s %s", pick(ho, CORE_NELEM(ho)),
	    pick(dem, CORE_NELEM(dem)), pick(ten, CORE_NELEM(ten)));
	snprintf(phone, sizeof(phone), "09%08d", rnd_int(0, 99999999));
	snprintf(idn, sizeof(idn), "075%09d", rnd_int(0, 999999999));
	snprintf(addr, sizeof(addr), "Số %d đường %s, %s, thành phố Biên Hòa, tỉnh Đồng Nai",
	    rnd_int(1, 350), pick(streets, CORE_NELEM(streets)), pick(wards, CORE_NELEM(wards)));
	/* The documents the procedure asks for, as handed in. */
	{
		struct db_res *pv = NULL;
		int64_t vid = 0;
		char date[16];

		time_format_date(x->at[0], date);
		if (db_exec(c, STMT_DOS_PROC_IN_FORCE, (struct db_param[]){
		    DB_TEXT(g->procs[x->proc]), DB_TEXT(date) }, 2, &pv) == DB_OK &&
		    db_res_next(pv) == 1) {
			vid = db_res_int(pv, 1);
			ch_post = (int)db_res_int(pv, 9);
			ch_online = (int)db_res_int(pv, 10);
		}
		db_res_free(pv);
		if (vid != 0 && db_exec(c, STMT_DOS_PROC_DOCS, (struct db_param[]){ DB_INT(vid) }, 1,
		    &res) == DB_OK)
			while (db_res_next(res) == 1 && json_array_size(docs) < 8) {
				int64_t o = db_res_int(res, 1), k = db_res_int(res, 2);

				if (o + k == 0)
					o = 1;
				json_array_append_new(docs, json_pack("{s:s, s:I, s:I}", "name",
				    db_res_text(res, 0), "originals", (json_int_t)o, "copies",
				    (json_int_t)k));
			}
		db_res_free(res);
	}
	if (json_array_size(docs) == 0)
		json_array_append_new(docs, json_pack("{s:s, s:i, s:i}", "name",
		    "Đơn đề nghị (theo mẫu)", "originals", 1, "copies", 0));
	/* Online only where the procedure offers it; some paper by post. */
	if (!ch_online)
		x->online = 0;
	body = json_pack("{s:s, s:s, s:{s:s, s:s, s:s, s:s}, s:o, s:s}", "procedure_code",
	    g->procs[x->proc], "channel", x->online ? "online" : ch_post && rnd_int(0, 9) == 0 ?
	    "post" : "counter", "applicant", "name", name, "id_number", idn, "phone", phone, "address", addr,
	    "documents", docs, "return_method", rnd_int(0, 4) == 0 ? "post" : "counter");
	if (x->target == T_SUPPLEMENT_DESK && !x->online)
		json_object_update_new(body, json_pack("{s:s, s:[{s:s, s:s}]}", "outcome",
		    "incomplete", "missing", "name", "Bản sao giấy tờ chứng minh nơi cư trú", "reason",
		    "Giấy tờ đã nộp hết hạn sử dụng"));
	if (x->target == T_REFUSED && !x->online)
		json_object_update_new(body, json_pack("{s:s, s:s}", "outcome", "refused", "reason",
		    "Yêu cầu không thuộc thẩm quyền giải quyết; đã hướng dẫn người nộp đến cơ quan "
		    "có thẩm quyền."));
	return body;
}

/* The next action toward x's target, with the acting role and the body's
 * extra members; DA__MAX when there is nothing more to do. */
static enum dossier_action
demo_next(const struct demo_dossier *x, enum auth_role *role, json_t **extra)
{
	*extra = NULL;
	*role = ROLE_RECEIVER;
	if (strcmp(x->status, "submitted") == 0) {
		if (x->target == T_SUBMITTED)
			return DA__MAX;
		if (x->target == T_REFUSED) {
			*extra = json_pack("{s:s}", "reason", "Hồ sơ không thuộc thẩm quyền tiếp nhận.");
			return DA_REFUSE;
		}
		if (x->target == T_SUPPLEMENT_DESK) {
			*extra = json_pack("{s:[s]}", "missing", "Bản scan rõ nét của tờ khai có chữ ký");
			return DA_REQUEST_SUPPLEMENT;
		}
		return DA_RECEIVE;
	}
	if (strcmp(x->status, "received") == 0) {
		if (x->target == T_RECEIVED)
			return DA__MAX;
		if (x->target == T_WITHDRAWN) {
			*extra = json_pack("{s:s}", "reason", "Người nộp có đơn xin rút hồ sơ.");
			return DA_WITHDRAW;
		}
		return DA_FORWARD;
	}
	if (strcmp(x->status, "processing") == 0) {
		*role = ROLE_SPECIALIST;
		if (x->apologize == 1) {
			*extra = json_pack("{s:s}", "reason", "Cần xác minh thêm thông tin tại cơ quan "
			    "liên quan.");
			return DA_APOLOGIZE;
		}
		switch (x->target) {
		case T_PROCESSING:
			if (x->nactions >= x->max_processing)
				return DA__MAX;
			break;
		case T_SUPPLEMENT_APPRAISAL:
			*extra = json_pack("{s:[{s:s, s:s}]}", "missing", "name",
			    "Văn bản ủy quyền có chứng thực", "reason", "Người nộp không phải người "
			    "yêu cầu");
			return DA_REQUEST_SUPPLEMENT;
		case T_PAYMENT:
			*extra = json_pack("{s:i}", "amount", 200000);
			return DA_REQUEST_PAYMENT;
		case T_REJECTED:
			*role = ROLE_LEADER;
			*extra = json_pack("{s:s}", "reason", "Hồ sơ không đủ điều kiện theo quy định.");
			return DA_REJECT;
		case T_STOPPED:
			*role = ROLE_LEADER;
			*extra = json_pack("{s:s}", "reason", "Dừng xử lý theo đề nghị của cơ quan có "
			    "thẩm quyền.");
			return DA_STOP;
		default:
			break;
		}
		if (x->step >= x->nsteps - 1 && (x->approved || strcmp(x->step_role, "leader") != 0) &&
		    (x->approved || x->step == x->nsteps)) {
			*role = ROLE_CLERK;
			return DA_RESULT_READY;
		}
		if (strcmp(x->step_role, "leader") == 0 && !x->approved) {
			*role = ROLE_LEADER;
			return DA_APPROVE;
		}
		if (x->step < x->nsteps)
			return DA_FORWARD;
		*role = ROLE_CLERK;
		return DA_RESULT_READY;
	}
	if (strcmp(x->status, "result_ready") == 0 && x->target == T_RETURNED)
		return DA_RETURN_RESULT;
	return DA__MAX;
}

/* Run one event of x at `at`; 0 or -1 (logged, the dossier stops). */
static int
demo_step(struct db_conn *c, struct calendar *cal, struct demo_group *g,
    struct demo_dossier *x, int64_t at)
{
	struct arena *a = arena_new(16u << 20);
	struct dossier_ctx ctx = { .c = c, .cal = cal, .now = at, .request_id = "", .arena = a };
	struct dossier_err err;
	json_t *out = NULL, *body = NULL, *extra = NULL;
	int rc = -1;

	ctx.scope.all = 1;
	memset(&err, 0, sizeof(err));
	if (a == NULL)
		return -1;
	if (x->code[0] == '\0') {
		struct dossier_answer ans;

		body = demo_body(c, a, g, x);
		ctx.who = x->online ? &g->portal : &g->who[ROLE_RECEIVER];
		if (dossier_receive(&ctx, body, NULL, NULL, &ans, &err) == -1)
			goto fail;
		str_lcpy(x->code, json_string_value(json_object_get(ans.json, "code")),
		    sizeof(x->code));
		json_decref(ans.json);
		/* The state as staff see it. */
		if (dossier_detail(&ctx, x->code, (void **)&out, &err) == -1)
			goto fail;
	} else {
		enum auth_role role;
		enum dossier_action act = demo_next(x, &role, &extra);

		if (act == DA__MAX) {
			x->done = 1;
			rc = 0;
			goto out;
		}
		if (act == DA_APOLOGIZE) {
			int64_t nd = 0;

			if (calendar_due(cal, x->due_at, CALENDAR_DAYS, 3, 1440, &nd) == -1)
				goto fail;
			json_object_set_new(extra, "new_due_at", dossier_time_json(nd));
			x->apologize = 2;
		}
		if (act == DA_FORWARD && role == ROLE_RECEIVER)
			json_object_set_new(extra ? extra : (extra = json_object()), "to_user",
			    json_string(g->who[ROLE_SPECIALIST].name));
		body = json_pack("{s:s, s:I}", "action", dossier_action_name(act), "version",
		    (json_int_t)x->version);
		if (extra != NULL)
			json_object_update(body, extra);
		ctx.who = &g->who[role];
		if (dossier_act(&ctx, x->code, body, (void **)&out, &err) == -1) {
			/* An apology no longer in time is simply not given. */
			if (act == DA_APOLOGIZE) {
				rc = 0;
				goto out;
			}
			goto fail;
		}
		if (x->status[0] != '\0' && strcmp(x->status, "processing") == 0 &&
		    act != DA_APOLOGIZE)
			x->nactions++;
	}
	demo_update_state(x, out);
	rc = 0;
	goto out;
fail:
	log_msg(LOG_WARN, NULL, "demo", "code=%s err=\"%s\" field=%s", x->code[0] ? x->code : "-",
	    err.vi, err.n > 0 ? err.p[0].name : "-");
	x->failed = 1;
out:
	json_decref(out);
	json_decref(body);
	json_decref(extra);
	arena_free(a);
	return rc;
}

/* ---- satisfaction ratings ----------------------------------------------------------- */

enum demo_rchannel { DR_ONLINE, DR_SLIP, DR_DEVICE, DR__MAX };

struct demo_rstats {
	int n[DR__MAX], satisfied, failed;
};

static const char *const demo_levels[] = { "dissatisfied", "satisfied", "very_satisfied" };

static const char *const demo_praise[] = {
	"Cán bộ hướng dẫn tận tình, hồ sơ được trả sớm.",
	"Thủ tục rõ ràng, không phải đi lại nhiều lần.",
	"Nhận kết quả đúng hẹn, cảm ơn cán bộ bộ phận một cửa.",
};
static const char *const demo_complaints[] = {
	"Phải bổ sung giấy tờ hai lần vì hướng dẫn ban đầu chưa đủ.",
	"Chờ ở quầy lâu, đề nghị bố trí thêm cán bộ tiếp nhận.",
	"Kết quả trả chậm hơn ngày hẹn, không được báo trước.",
};

/* The answers of one rating.  About nine in ten are satisfied (fewer when
 * the answer was a rejection); a dissatisfied rating has one or two
 * criteria "Không hài lòng", mostly the result or the officials. */
static json_t *
demo_rating_body(int rejected, enum demo_rchannel ch, int *satisfied)
{
	static const int blame[] = { 3, 3, 2, 1, 0, 3, 2 }; /* criterion indices */
	int l[5], sat = rrnd(100) < (rejected ? 70 : 90);
	json_t *b;

	for (int i = 0; i < 4; i++)
		l[i] = sat ? (rrnd(100) < 55 ? 2 : 1) : (rrnd(100) < 25 ? 2 : 1);
	if (!sat) {
		l[rejected ? 3 : blame[rrnd((int)CORE_NELEM(blame))]] = 0;
		if (rrnd(100) < 30)
			l[blame[rrnd((int)CORE_NELEM(blame))]] = 0;
	}
	/* Feedback is answered only by those who made some (one in five). */
	l[4] = rrnd(100) < 20 ? (sat ? 1 + rrnd(2) : rrnd(2)) : -1;
	*satisfied = 1;
	for (int i = 0; i < 5; i++)
		if (l[i] == 0)
			*satisfied = 0;
	b = json_pack("{s:s, s:s, s:s, s:s, s:o}", "access", demo_levels[l[0]], "procedure",
	    demo_levels[l[1]], "officer", demo_levels[l[2]], "result", demo_levels[l[3]],
	    "feedback", l[4] < 0 ? json_null() : json_string(demo_levels[l[4]]));
	if (b != NULL && rrnd(100) < 15)
		json_object_set_new(b, "comment", json_string(*satisfied ?
		    demo_praise[rrnd((int)CORE_NELEM(demo_praise))] :
		    demo_complaints[rrnd((int)CORE_NELEM(demo_complaints))]));
	if (b != NULL && ch != DR_ONLINE)
		json_object_set_new(b, "channel", json_string(ch == DR_SLIP ? "slip" : "device"));
	return b;
}

/* Rate dossier `code` at `at`: online by the applicant when they filed
 * online (and a quarter of the counter applicants, who look the dossier up
 * with the receipt's key), else a paper slip typed in by the desk's
 * receiver or a counter device's answer (the desk's device token).  0 or
 * -1 (logged, counted). */
static int
demo_rate(struct db_conn *c, const struct demo_group *g, const char *code, int online,
    int rejected, int64_t at, struct demo_rstats *st)
{
	struct arena *a = arena_new(1u << 20);
	struct dossier_err err;
	struct principal device;
	const struct principal *who = NULL;
	enum demo_rchannel ch = DR_ONLINE;
	json_t *body = NULL;
	int sat = 0, rc = -1, k;

	memset(&err, 0, sizeof(err));
	if (!online && (k = rrnd(100)) >= 25) {
		ch = k < 80 ? DR_SLIP : DR_DEVICE;
		who = &g->who[ROLE_RECEIVER];
		if (ch == DR_DEVICE) {
			device = g->who[ROLE_RECEIVER];
			device.kind = PRINCIPAL_TOKEN;
			device.id = 0;
			device.name = "thiet-bi-danh-gia";
			device.role = ROLE__MAX;
			device.scopes = 1ULL << ACT_RATING_ENTER;
			who = &device;
		}
	}
	if (a != NULL && (body = demo_rating_body(rejected, ch, &sat)) != NULL &&
	    rating_record(c, a, who, code, body, at, &err) == 0) {
		st->n[ch]++;
		st->satisfied += sat;
		rc = 0;
	} else {
		log_msg(LOG_WARN, NULL, "demo", "rating code=%s err=\"%s\" field=%s", code, err.vi,
		    err.n > 0 ? err.p[0].name : "-");
		st->failed++;
	}
	json_decref(body);
	arena_free(a);
	return rc;
}

/* ---- interlinked (bundle) dossiers ------------------------------------------------ */

/* A few bundle dossiers of the seeded groups at different stages, received
 * at a commune desk the stories above do not use (so its daily sequence
 * stays chronological), run through the same code as the API: reception,
 * staff actions, recorded outputs, external systems' outcomes.  Their
 * steps are events of the main timeline.  Skipped when the catalogue has
 * no such groups (a database without `motcua seed`). */

enum demo_bop {
	B_RECEIVE, /* receive the bundle at the commune desk */
	B_FORWARD, /* the desk forwards component `key` to the specialist */
	B_FINISH, /* component `key` to result_ready (outputs recorded first) */
	B_FINISH_RETURN, /* ... and its result handed to the citizen (released early) */
	B_OUTCOME, /* the external system of `key` sends its result */
	B_RETURN_PARENT /* the desk hands over the whole bundle */
};

struct demo_bstep {
	int back, hh, mm; /* `back` working days before today, at hh:mm */
	enum demo_bop op;
	const char *key;
};

#define DEMO_BSTEPS 6

static const struct demo_bstory {
	const char *bundle, *stage;
	struct demo_bstep s[DEMO_BSTEPS];
	int n;
} demo_bstories[] = {
	{ "lt-khai-sinh", "đã trả kết quả", { { 4, 8, 5, B_RECEIVE, NULL },
	    { 4, 8, 20, B_FINISH_RETURN, "khai-sinh" }, { 3, 9, 0, B_OUTCOME, "thuong-tru" },
	    { 3, 10, 30, B_OUTCOME, "bhyt" }, { 3, 14, 0, B_RETURN_PARENT, NULL } }, 5 },
	{ "lt-khai-sinh", "đã trả một phần kết quả", { { 2, 8, 10, B_RECEIVE, NULL },
	    { 2, 8, 25, B_FINISH_RETURN, "khai-sinh" }, { 1, 9, 0, B_OUTCOME, "bhyt" } }, 3 },
	{ "lt-khai-tu", "đã chuyển hệ thống ngoài", { { 1, 8, 30, B_RECEIVE, NULL },
	    { 1, 8, 45, B_FINISH, "khai-tu" } }, 2 },
	{ "lt-khai-sinh", "đang chờ thủ tục trước", { { 1, 14, 0, B_RECEIVE, NULL },
	    { 1, 14, 20, B_FORWARD, "khai-sinh" } }, 2 },
};

#define DEMO_BSTORIES ((int)CORE_NELEM(demo_bstories))

/* The outputs a seeded component records before its result (by key). */
static json_t *
demo_boutputs(const char *key, int story, int year)
{
	char a[32], b[32];

	snprintf(a, sizeof(a), "0752%02d%06d", year % 100, 120 + story);
	snprintf(b, sizeof(b), "%d/%d", 37 + story, year);
	if (strcmp(key, "khai-sinh") == 0)
		return json_pack("{s:{s:s, s:s}}", "outputs", "so_dinh_danh", a, "so_giay_khai_sinh",
		    b);
	if (strcmp(key, "khai-tu") == 0)
		return json_pack("{s:{s:s}}", "outputs", "so_trich_luc_khai_tu", b);
	return NULL;
}

struct demo_bundles {
	int on; /* the groups exist and a desk was found */
	struct demo_group g; /* the commune: desk = lead */
	char code[DEMO_BSTORIES][DOSSIER_CODE_LEN + 1]; /* the parents' codes */
	int failed[DEMO_BSTORIES];
	int64_t at[DEMO_BSTORIES][DEMO_BSTEPS];
};

/* `back` working days before now's day, at hh:mm Vietnam time. */
static int64_t
demo_bday(struct calendar *cal, int64_t now, int back, int hh, int mm)
{
	struct civil c;
	int64_t day;

	time_to_vn(now, &c);
	day = time_days_from_civil(c.year, c.month, c.day);
	for (int k = 0; k < back; k++)
		do
			day--;
		while (calendar_is_workday(cal, day) == 0);
	memset(&c, 0, sizeof(c));
	time_civil_from_days(day, &c.year, &c.month, &c.day);
	c.hour = hh;
	c.min = mm;
	return time_from_vn(&c);
}

/* Officials of the commune desk and the timeline of the stories; on = 0
 * (and a note) when there is nothing to do. */
static int
demo_bundles_prepare(struct db_conn *c, struct calendar *cal, FILE *out, int64_t now,
    const struct demo_group *used, int nused, struct demo_bundles *b)
{
	static const enum auth_role roles[] = { ROLE_RECEIVER, ROLE_SPECIALIST, ROLE_LEADER,
		ROLE_CLERK };
	static const char *const role_slug[] = { "tiepnhan", "chuyenvien", "lanhdao", "vanthu" };
	struct db_res *res = NULL;
	int64_t desk = 0;
	int k;

	memset(b, 0, sizeof(*b));
	for (int i = 0; i < DEMO_BSTORIES; i++)
		if (bundle_is_code(c, demo_bstories[i].bundle) != 1) {
			fprintf(out, "demo: chưa có nhóm thủ tục liên thông %s (chạy \"motcua seed\"); "
			    "bỏ qua hồ sơ liên thông\n", demo_bstories[i].bundle);
			return 0;
		}
	if (db_exec(c, STMT_DOS_DEMO_COMMUNE_DESKS, NULL, 0, &res) != DB_OK)
		return -1;
	while (desk == 0 && (k = db_res_next(res)) == 1) {
		int64_t id = db_res_int(res, 0);
		int dup = 0;

		for (int i = 0; i < nused; i++)
			dup |= used[i].desk == id;
		if (!dup)
			desk = id;
	}
	db_res_free(res);
	if (desk == 0) {
		fprintf(out, "demo: không có bộ phận một cửa cấp xã; bỏ qua hồ sơ liên thông\n");
		return 0;
	}
	b->g.desk = b->g.lead = desk;
	if (db_begin(c) != DB_OK)
		return -1;
	for (size_t r = 0; r < CORE_NELEM(roles); r++) {
		char *username = b->g.usernames[roles[r]];

		snprintf(username, sizeof(b->g.usernames[0]), "demo.lienthong.%s", role_slug[r]);
		if (official(c, out, username, roles[r], desk, demo_people[(7 + (int)r) %
		    CORE_NELEM(demo_people)], &b->g.who[roles[r]], now) == -1) {
			db_rollback(c);
			return -1;
		}
	}
	if (db_commit(c) != DB_OK)
		return -1;
	for (int i = 0; i < DEMO_BSTORIES; i++)
		for (int j = 0; j < demo_bstories[i].n; j++) {
			const struct demo_bstep *st = &demo_bstories[i].s[j];

			b->at[i][j] = demo_bday(cal, now, st->back, st->hh, st->mm);
		}
	b->on = 1;
	return 0;
}

/* The reception body of story i (a counter application). */
static json_t *
demo_bbody(int i)
{
	int birth = strcmp(demo_bstories[i].bundle, "lt-khai-sinh") == 0;
	char name[128], phone[16], idn[16], addr[256];

	snprintf(name, sizeof(name), "%s %s %s", pick(ho, CORE_NELEM(ho)),
	    pick(dem, CORE_NELEM(dem)), pick(ten, CORE_NELEM(ten)));
	snprintf(phone, sizeof(phone), "09%08d", rnd_int(0, 99999999));
	snprintf(idn, sizeof(idn), "075%09d", rnd_int(0, 999999999));
	snprintf(addr, sizeof(addr), "Số %d đường %s, %s, thành phố Biên Hòa, tỉnh Đồng Nai",
	    rnd_int(1, 350), pick(streets, CORE_NELEM(streets)), pick(wards, CORE_NELEM(wards)));
	return json_pack("{s:s, s:s, s:{s:s, s:s, s:s, s:s}, s:[{s:s, s:i, s:i}, {s:s, s:i, s:i}], "
	    "s:s}", "procedure_code", demo_bstories[i].bundle, "channel", "counter", "applicant",
	    "name", name, "id_number", idn, "phone", phone, "address", addr, "documents", "name",
	    birth ? "Tờ khai đăng ký khai sinh" : "Tờ khai đăng ký khai tử", "originals", 1,
	    "copies", 0, "name", birth ? "Giấy chứng sinh" : "Giấy báo tử", "originals", 1,
	    "copies", 0, "return_method", "counter");
}

/* The component `key` of bundle dossier `code` (id and code). */
static int
demo_bcomp(struct dossier_ctx *ctx, const char *code, const char *key, int64_t *id,
    char ccode[DOSSIER_CODE_LEN + 1], char agency[32], struct dossier_err *err)
{
	json_t *o = NULL, *c;
	size_t i;
	int rc = -1;

	if (dossier_detail(ctx, code, (void **)&o, err) == -1)
		return -1;
	json_array_foreach(json_object_get(o, "components"), i, c)
		if (strcmp(json_string_value(json_object_get(c, "key")), key) == 0) {
			*id = json_integer_value(json_object_get(c, "id"));
			str_lcpy(ccode, json_string_value(json_object_get(c, "code")),
			    DOSSIER_CODE_LEN + 1);
			str_lcpy(agency, json_string_value(json_object_get(json_object_get(c, "agency"),
			    "code")), 32);
			rc = 0;
		}
	json_decref(o);
	if (rc == -1)
		dossier_err_set(err, PROB_NOT_FOUND, "Không có thủ tục thành phần %s.",
		    "No component %s.", key, key);
	return rc;
}

/* One action on `code` toward target (the demo's workflow choices); 1 done,
 * 0 nothing more to do, -1 error. */
static int
demo_bact(struct dossier_ctx *ctx, struct demo_group *g, const char *code,
    enum demo_target target, struct dossier_err *err)
{
	struct demo_dossier x;
	json_t *o = NULL, *body, *extra = NULL;
	enum auth_role role;
	enum dossier_action act;
	int rc;

	memset(&x, 0, sizeof(x));
	if (dossier_detail(ctx, code, (void **)&o, err) == -1)
		return -1;
	demo_update_state(&x, o);
	json_decref(o);
	x.target = target;
	if ((act = demo_next(&x, &role, &extra)) == DA__MAX)
		return 0;
	if (act == DA_FORWARD && role == ROLE_RECEIVER)
		json_object_set_new(extra ? extra : (extra = json_object()), "to_user",
		    json_string(g->who[ROLE_SPECIALIST].name));
	body = json_pack("{s:s, s:I}", "action", dossier_action_name(act), "version",
	    (json_int_t)x.version);
	if (extra != NULL)
		json_object_update(body, extra);
	ctx->who = &g->who[role];
	o = NULL;
	rc = dossier_act(ctx, code, body, (void **)&o, err) == -1 ? -1 : 1;
	json_decref(o);
	json_decref(body);
	json_decref(extra);
	return rc;
}

/* Run step j of story i at `at`; 0 or -1 (logged, the story stops). */
static int
demo_bstep_run(struct db_conn *c, struct calendar *cal, struct demo_bundles *b, int i, int j,
    int64_t at)
{
	const struct demo_bstep *st = &demo_bstories[i].s[j];
	struct arena *a = arena_new(16u << 20);
	struct dossier_ctx ctx = { .c = c, .cal = cal, .now = at, .request_id = "", .arena = a };
	struct dossier_err err;
	char ccode[DOSSIER_CODE_LEN + 1] = "", agency[32] = "";
	int64_t id = 0;
	json_t *body = NULL;
	struct civil cv;
	int rc = -1, k, year;

	ctx.scope.all = 1;
	memset(&err, 0, sizeof(err));
	if (a == NULL)
		return -1;
	if (st->op == B_RECEIVE) {
		struct dossier_answer ans;

		body = demo_bbody(i);
		ctx.who = &b->g.who[ROLE_RECEIVER];
		if (dossier_receive(&ctx, body, NULL, NULL, &ans, &err) == -1)
			goto out;
		str_lcpy(b->code[i], json_string_value(json_object_get(ans.json, "code")),
		    sizeof(b->code[i]));
		json_decref(ans.json);
		rc = 0;
		goto out;
	}
	if (st->op == B_RETURN_PARENT) {
		rc = demo_bact(&ctx, &b->g, b->code[i], T_RETURNED, &err) == 1 ? 0 : -1;
		goto out;
	}
	if (demo_bcomp(&ctx, b->code[i], st->key, &id, ccode, agency, &err) == -1)
		goto out;
	switch (st->op) {
	case B_FORWARD:
		rc = demo_bact(&ctx, &b->g, ccode, T_PROCESSING, &err) == 1 ? 0 : -1;
		break;
	case B_FINISH:
	case B_FINISH_RETURN:
		time_to_vn(at, &cv);
		year = cv.year;
		/* A few minutes per action: forward, appraise, approve, result. */
		for (k = 0; k < DEMO_EVENTS; k++) {
			struct demo_dossier x;
			json_t *o = NULL;

			memset(&x, 0, sizeof(x));
			if (dossier_detail(&ctx, ccode, (void **)&o, &err) == -1)
				goto out;
			demo_update_state(&x, o);
			json_decref(o);
			if (strcmp(x.status, "processing") == 0 && body == NULL &&
			    (body = demo_boutputs(st->key, i, year)) != NULL) {
				ctx.who = &b->g.who[ROLE_SPECIALIST];
				if (bundle_record_outputs(&ctx, b->code[i], id, body, &err) == -1)
					goto out;
			}
			if ((rc = demo_bact(&ctx, &b->g, ccode, st->op == B_FINISH_RETURN ? T_RETURNED :
			    T_RESULT_READY, &err)) != 1)
				break;
			ctx.now += 600 + 60 * k;
		}
		rc = rc == 0 ? 0 : -1;
		break;
	case B_OUTCOME: {
		struct principal tok;
		int64_t aid = 0;
		char ref[48];

		if (db_scalar_int(c, STMT_DOS_AGENCY_BY_CODE, (struct db_param[]){ DB_TEXT(agency) },
		    1, &aid) != DB_OK)
			goto out;
		memset(&tok, 0, sizeof(tok));
		tok.kind = PRINCIPAL_TOKEN;
		tok.name = strcmp(st->key, "bhyt") == 0 ? "he-thong-bhxh" : "he-thong-cu-tru";
		tok.full_name = tok.agency_code = tok.agency_name = "";
		tok.role = ROLE__MAX;
		tok.scopes = 1ULL << ACT_BUNDLE_OUTCOME;
		tok.agency_id = aid;
		ctx.who = &tok;
		snprintf(ref, sizeof(ref), "%s-%s", strcmp(st->key, "bhyt") == 0 ? "BHXH" : "CT",
		    ccode + strlen(ccode) - 11);
		body = json_pack("{s:s, s:s, s:s}", "outcome", "result_ready", "reference", ref,
		    "note", "Đã giải quyết trên hệ thống chuyên ngành");
		rc = bundle_record_outcome(&ctx, b->code[i], id, body, &err) == -1 ? -1 : 0;
		break;
	}
	default:
		break;
	}
out:
	if (rc == -1)
		log_msg(LOG_WARN, NULL, "demo", "bundle=%s step=%d code=%s err=\"%s\" field=%s",
		    demo_bstories[i].bundle, j, b->code[i][0] ? b->code[i] : "-", err.vi,
		    err.n > 0 ? err.p[0].name : "-");
	json_decref(body);
	arena_free(a);
	return rc;
}

int
dossier_demo_load(struct db_conn *c, struct calendar *cal, const struct dossier_demo_opts *opts)
{
	static const enum auth_role roles[] = { ROLE_RECEIVER, ROLE_SPECIALIST, ROLE_LEADER,
		ROLE_CLERK };
	static const char *const role_slug[] = { "tiepnhan", "chuyenvien", "lanhdao", "vanthu" };
	/* The first dossiers cover every status; then a realistic mix. */
	static const enum demo_target mix[] = { T_RETURNED, T_RETURNED, T_RETURNED, T_RETURNED,
		T_RETURNED, T_RETURNED, T_RETURNED, T_RETURNED, T_RETURNED, T_PROCESSING,
		T_PROCESSING, T_PROCESSING, T_RESULT_READY, T_RESULT_READY, T_RECEIVED,
		T_SUPPLEMENT_APPRAISAL, T_SUPPLEMENT_DESK, T_PAYMENT, T_REFUSED, T_REJECTED,
		T_WITHDRAWN, T_STOPPED, T_SUBMITTED };
	FILE *out = opts != NULL && opts->out != NULL ? opts->out : stdout;
	int count = opts != NULL && opts->count > 0 ? opts->count : 300;
	int days = opts != NULL && opts->days >= 7 ? opts->days : 120;
	int rated_pct = opts == NULL || opts->rated_pct == 0 || opts->rated_pct > 100 ? 70 :
	    opts->rated_pct < 0 ? 0 : opts->rated_pct;
	struct demo_group g[DEMO_GROUPS];
	struct demo_bundles *bun = NULL;
	struct demo_dossier *d = NULL;
	struct demo_event *ev = NULL;
	int64_t now = clock_now();
	char today[16];
	int ng, nev = 0, failed = 0, made = 0, rc = -1;
	int per_status[DS__MAX] = { 0 };
	struct demo_rstats rs;

	memset(&rs, 0, sizeof(rs));
	demo_rng = opts != NULL && opts->seed != 0 ? opts->seed : 0x6d6f74637561ULL;
	rate_rng = demo_rng ^ 0x726174696e67ULL; /* "rating" */
	if (rate_rng == 0)
		rate_rng = 1;
	if (cal == NULL)
		return -1;
	time_format_date(now, today);
	if ((ng = groups_find(c, today, g)) == 0) {
		if (demo_catalog_load(c) == -1 || (ng = groups_find(c, today, g)) <= 0) {
			fprintf(out, "demo: không có thủ tục nào có quy trình nội bộ và cơ quan tiếp nhận; "
			    "hãy chạy \"motcua seed\" trước\n");
			return -1;
		}
		fprintf(out, "demo: chưa có bộ thủ tục, đã nạp hai thủ tục minh họa\n");
	}
	if (ng < 0)
		return -1;

	/* Officials. */
	fprintf(out, "demo: tài khoản cán bộ minh họa (chỉ in một lần, hãy đổi mật khẩu khi dùng "
	    "thật):\n");
	if (db_begin(c) != DB_OK)
		return -1;
	for (int i = 0; i < ng; i++)
		for (size_t r = 0; r < CORE_NELEM(roles); r++) {
			char *username = g[i].usernames[roles[r]];

			snprintf(username, sizeof(g[i].usernames[0]), "demo.%s.%d", role_slug[r], i + 1);
			if (official(c, out, username, roles[r], roles[r] == ROLE_RECEIVER ? g[i].desk :
			    g[i].lead, demo_people[(i * 4 + (int)r) % CORE_NELEM(demo_people)],
			    &g[i].who[roles[r]], now) == -1) {
				db_rollback(c);
				fprintf(out, "demo: không tạo được tài khoản %s\n", username);
				return -1;
			}
		}
	if (db_commit(c) != DB_OK)
		return -1;
	for (int i = 0; i < ng; i++) {
		g[i].portal = g[i].who[ROLE_RECEIVER];
		g[i].portal.kind = PRINCIPAL_TOKEN;
		g[i].portal.id = 0;
		g[i].portal.name = "cong-dich-vu-cong";
	}

	/* The interlinked dossiers' officials and timeline. */
	if ((bun = calloc(1, sizeof(*bun))) == NULL ||
	    demo_bundles_prepare(c, cal, out, now, g, ng, bun) == -1) {
		fprintf(out, "demo: không chuẩn bị được hồ sơ liên thông\n");
		goto out;
	}

	/* The dossiers' stories, then every event in time order. */
	if ((d = calloc((size_t)count, sizeof(*d))) == NULL ||
	    (ev = calloc((size_t)count * DEMO_EVENTS + DEMO_BSTORIES * DEMO_BSTEPS,
	    sizeof(*ev))) == NULL)
		goto out;
	for (int i = 0; i < count; i++) {
		struct demo_dossier *x = &d[i];
		int open, ago, pace;

		x->group = i % ng;
		x->proc = rnd_int(0, g[x->group].nprocs - 1);
		x->target = i < (int)T__MAX ? (enum demo_target)i : mix[rnd() % CORE_NELEM(mix)];
		open = x->target == T_SUBMITTED || x->target == T_RECEIVED ||
		    x->target == T_PROCESSING || x->target == T_SUPPLEMENT_DESK ||
		    x->target == T_SUPPLEMENT_APPRAISAL || x->target == T_PAYMENT ||
		    x->target == T_RESULT_READY;
		/* Open work is recent (some already overdue); closed work spreads
		 * over the whole period. */
		ago = open ? rnd_int(0, 12) : rnd_int(14, days);
		x->online = (x->target != T_SUPPLEMENT_DESK && x->target != T_REFUSED &&
		    rnd_int(0, 3) == 0) || x->target == T_SUBMITTED;
		x->apologize = x->target == T_RETURNED && rnd_int(0, 9) == 0;
		x->max_processing = rnd_int(1, 2);
		/* rated_pct (seven in ten) of those that get an outcome are rated. */
		x->rate = (x->target == T_RETURNED || x->target == T_RESULT_READY ||
		    x->target == T_REJECTED) && rrnd(100) < rated_pct;
		pace = rnd_int(0, 9) < 7 ? 3 : 14; /* working hours per step: brisk or slow */
		x->at[0] = demo_start(cal, now, ago);
		for (int k = 1; k < DEMO_EVENTS; k++) {
			int64_t t;

			if (calendar_due(cal, x->at[k - 1], CALENDAR_HOURS, rnd_int(1, pace), 1440,
			    &t) == -1)
				t = x->at[k - 1] + 3600;
			x->at[k] = t + rnd_int(0, 900);
		}
		for (int k = 0; k < DEMO_EVENTS; k++)
			if (x->at[k] <= now)
				ev[nev++] = (struct demo_event){ x->at[k], i, k };
	}
	/* Bundle stories are "dossiers" count.. of the timeline. */
	for (int i = 0; bun->on && i < DEMO_BSTORIES; i++)
		for (int j = 0; j < demo_bstories[i].n; j++)
			if (bun->at[i][j] <= now)
				ev[nev++] = (struct demo_event){ bun->at[i][j], count + i, j };
	qsort(ev, (size_t)nev, sizeof(*ev), event_cmp);
	for (int e = 0; e < nev; e++) {
		struct demo_dossier *x;

		if (ev[e].dossier >= count) {
			int i = ev[e].dossier - count;

			if (bun->failed[i] || (ev[e].seq != 0 && bun->code[i][0] == '\0'))
				continue;
			if (demo_bstep_run(c, cal, bun, i, ev[e].seq, ev[e].at) == -1)
				bun->failed[i] = 1;
			/* The bundle handed over is rated as one dossier. */
			else if (demo_bstories[i].s[ev[e].seq].op == B_RETURN_PARENT && rated_pct > 0)
				demo_rate(c, &bun->g, bun->code[i], 0, 0, ev[e].at, &rs);
			continue;
		}
		x = &d[ev[e].dossier];
		if (x->done || x->failed)
			continue;
		if (demo_step(c, cal, &g[x->group], x, ev[e].at) == -1)
			failed++;
		/* The story has ended: rated now, if it ended with an outcome. */
		if (x->done && x->rate && (strcmp(x->status, "returned") == 0 ||
		    strcmp(x->status, "result_ready") == 0 || strcmp(x->status, "rejected") == 0)) {
			x->rate = 0;
			demo_rate(c, &g[x->group], x->code, x->online, strcmp(x->status,
			    "rejected") == 0, ev[e].at, &rs);
		}
	}
	for (int i = 0; i < count; i++) {
		enum dossier_status st = dossier_status_from(d[i].status);

		if (st < DS__MAX)
			per_status[st]++;
		if (d[i].code[0] != '\0')
			made++;
	}
	/* What was made, not what was asked for. */
	fprintf(out, "demo: %d hồ sơ (%d lỗi):", made, failed);
	for (int s = 0; s < DS__MAX; s++)
		fprintf(out, " %s=%d", dossier_status_name((enum dossier_status)s), per_status[s]);
	fputc('\n', out);
	if (bun->on) {
		int bfailed = 0;

		for (int i = 0; i < DEMO_BSTORIES; i++)
			bfailed += bun->failed[i] || bun->code[i][0] == '\0';
		fprintf(out, "demo: %d hồ sơ liên thông (%d lỗi), đăng nhập demo.lienthong.*:\n",
		    DEMO_BSTORIES - bfailed, bfailed);
		for (int i = 0; i < DEMO_BSTORIES; i++)
			if (!bun->failed[i] && bun->code[i][0] != '\0')
				fprintf(out, "  %s  %-13s %s\n", bun->code[i], demo_bstories[i].bundle,
				    demo_bstories[i].stage);
		failed += bfailed;
	}
	fprintf(out, "demo: %d đánh giá mức độ hài lòng (%d hài lòng; trực tuyến=%d phiếu=%d "
	    "thiết_bị=%d; %d lỗi)\n", rs.n[DR_ONLINE] + rs.n[DR_SLIP] + rs.n[DR_DEVICE],
	    rs.satisfied, rs.n[DR_ONLINE], rs.n[DR_SLIP], rs.n[DR_DEVICE], rs.failed);
	failed += rs.failed;
	rc = failed * 10 > count ? -1 : 0;
out:
	free(bun);
	free(d);
	free(ev);
	return rc;
}

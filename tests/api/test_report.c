/*
 * The official statistics (src/report) against the real binary on SQLite
 * and PostgreSQL.  A dataset is played through the dossier API with the
 * server's clock moved across January–March 2025 (MOTCUA_NOW): dossiers
 * carried over from January into February, handled early, on time and
 * late (one apologised but still late), rejected, withdrawn, stopped,
 * still in progress within time and overdue, online and at the counter,
 * one refused at the desk (never received) and one sent back for a
 * supplement after the period was published; two interlinked (bundle)
 * dossiers whose components are handled by two agencies (one component
 * late, one bundle rejected, its waiting component stopped and never
 * received); satisfaction ratings online, by paper slip, changed, of a
 * rejected dossier and of the bundles.
 *
 * The expected cells are computed HERE, independently of the report's
 * SQL, from what the dossier API says about each dossier (received_at,
 * finished_at, closed_at, status, result, legal_due_at, apology) and the
 * handling agency the test gave it (components count at their own
 * agency, bundle parents never; a rating counts at the rated dossier's
 * handling agency, a bundle's at the desk under the bundle's code, in the
 * period of its first answer), and compared with the report for several
 * periods and every group_by.  Then:
 * drill-down lists add up to (and are exactly) the cells; CSV and XLSX
 * (read back with unzip, shared strings resolved) hold the JSON's
 * numbers; a published period stays frozen after later changes and shows
 * the live differences; scoping; public statistics without personal data.
 */
#define _GNU_SOURCE

#include "dossier_fixture.h"

#define C_LEAD_NAME "Sở Tư pháp"
#define NDOS 32
#define NRATINGS 16
#define RATE_COMMENT "Ý kiến riêng: chờ quá lâu ở quầy số 3"

enum { X_CARRIED, X_ONLINE, X_COUNTER, X_EARLY, X_ON_TIME, X_LATE, X_REJECTED, X_WITHDRAWN,
	X_STOPPED, X_IP_ON_TIME, X_IP_OVERDUE, X_APOLOGIES, X_RATED, X_SATISFIED, X__MAX };

static const char *const xcol[X__MAX] = { "carried_over", "received_online",
	"received_counter", "handled_early", "handled_on_time", "handled_late", "rejected",
	"withdrawn", "stopped", "in_progress_on_time", "in_progress_overdue", "apologies", "rated",
	"satisfied" };

/* What the dossier API says about one dossier of the dataset; agency is
 * the handling agency the test gave it. */
struct fact {
	char code[32];
	char proc[16];
	char agency[16];
	int online;
	int64_t received, finished, closed, legal_due, apologized;
	char status[32], cls[16];
};

/* One rating the test made: the rated dossier's handling agency and
 * procedure row (a bundle's: the desk and the bundle's code), the time of
 * the first answer, and whether the latest answer has no "dissatisfied". */
struct rfact {
	char code[32], agency[16], proc[16];
	int64_t at;
	int satisfied;
};

static struct fact facts[NDOS];
static int nfacts;
static struct rfact rfacts[NRATINGS];
static int nrfacts;
static char refused_code[32], b6[32], k1[32], k2[32], k2b[32];
static struct sess sess_ldr_o, sess_tn_lead;

/* The interlinked group of the dataset: A at the lead agency (the desk
 * receives for it), then B at the other department. */
static const char bundle_catalog[] =
    "{\"format\": \"motcua-catalog/1\","
    " \"bundles\": ["
    "  {\"code\": \"lt-rpt\", \"name\": \"Liên thông báo cáo thử nghiệm\","
    "   \"time_limit\": {\"value\": 6, \"unit\": \"day\"}, \"components\": ["
    "    {\"key\": \"a\", \"name\": \"Thủ tục A\", \"procedure\": \"BT-A\","
    "     \"agency\": \"served:" C_PROV "\", \"share\": 2},"
    "    {\"key\": \"b\", \"procedure\": \"BT-B\", \"agency\": \"" C_OTHER "\", \"share\": 3,"
    "     \"after\": [\"a\"]}]}],"
    " \"procedures\": ["
    BT_PROC("BT-A", "Thủ tục thành phần A", C_LEAD) ","
    BT_PROC("BT-B", "Thủ tục thành phần B", C_OTHER)
    " ]}";

/* ---- building the dataset ---------------------------------------------------------- */

static const char *
add(const char *proc, int online)
{
	struct fact *f = &facts[nfacts++];
	struct http_res *r;
	char *b;

	assert_true(nfacts <= NDOS);
	snprintf(f->proc, sizeof(f->proc), "%s", proc);
	snprintf(f->agency, sizeof(f->agency), "%s", C_LEAD);
	f->online = online;
	if (!online) {
		receive(proc, f->code);
		return f->code;
	}
	b = body_for(proc, "online", "");
	r = as_token("POST", "/api/v1/dossiers", b);
	expect(r, 201);
	snprintf(f->code, sizeof(f->code), "%s", jstr(r->json, "code"));
	http_res_free(r);
	free(b);
	act_ok(W_RCV, f->code, "receive", "");
	return f->code;
}

/* T1: receiver forward, specialist forward, leader approve, result_ready. */
static void
finish_t1(const char *code)
{
	act_ok(W_RCV, code, "forward", "");
	act_ok(W_SPC, code, "forward", "");
	act_ok(W_LDR, code, "approve", "");
	act_ok(W_CLK, code, "result_ready", "");
}

/* A signed-in session of `user` (password PW) on the running server:
 * "Cookie: ..." and "X-CSRF-Token: ..." in s. */
static void
sess_login(struct sess *s, const char *user)
{
	if (s->gen == srv_gen)
		return;
	{
		char *b = harness_strdupf("{\"username\": \"%s\", \"password\": \"" PW "\"}", user);
		struct http_res *r = http_json(g, "POST", "/api/v1/auth/login", b);
		const char *sc;

		expect(r, 200);
		sc = http_header(r, "Set-Cookie");
		snprintf(s->cookie, sizeof(s->cookie), "Cookie: %.*s", (int)strcspn(sc, ";"), sc);
		snprintf(s->csrf_hdr, sizeof(s->csrf_hdr), "X-CSRF-Token: %s",
		    jstr(r->json, "csrf_token"));
		s->gen = srv_gen;
		http_res_free(r);
		free(b);
	}
}

/* An action by the lead agency's own receiver (components start there). */
static void
lead_act_ok(const char *code, const char *action, const char *extra)
{
	char *path = harness_strdupf("/api/v1/dossiers/%s/actions", code);
	char *body = harness_strdupf("{\"action\": \"%s\", \"version\": %lld%s%s}", action,
	    (long long)version_of(code), extra[0] ? ", " : "", extra);
	struct http_res *r;

	sess_login(&sess_tn_lead, "tn_lead");
	r = http_req(g, "POST", path, (const char *const[]){ sess_tn_lead.cookie,
	    sess_tn_lead.csrf_hdr, JSON_CT, NULL }, body);
	if (r->status != 200)
		fail_msg("%s %s by tn_lead: %ld %s", action, code, r->status, r->body);
	http_res_free(r);
	free(path);
	free(body);
}

/* Receive the group lt-rpt at the desk: the parent's code into parent,
 * component a's and b's codes into ca and cb; a is a fact at the lead
 * agency (it starts now), b is added when it starts (add_component). */
static void
receive_bundle(char parent[32], char ca[32], char cb[32])
{
	char *b = body_for("lt-rpt", "counter", "");
	struct http_res *r = as(W_RCV, "POST", "/api/v1/dossiers", b);
	json_t *c;
	size_t i;

	expect(r, 201);
	assert_string_equal(jstr(r->json, "kind"), "bundle");
	snprintf(parent, 32, "%s", jstr(r->json, "code"));
	http_res_free(r);
	free(b);
	r = get_as(W_ADM, parent);
	expect(r, 200);
	json_array_foreach(json_object_get(r->json, "components"), i, c)
		snprintf(strcmp(jstr(c, "key"), "a") == 0 ? ca : cb, 32, "%s", jstr(c, "code"));
	http_res_free(r);
}

/* A component dossier as a fact of its own agency. */
static void
add_component(const char *code, const char *proc, const char *agency)
{
	struct fact *f = &facts[nfacts++];

	assert_true(nfacts <= NDOS);
	snprintf(f->code, sizeof(f->code), "%s", code);
	snprintf(f->proc, sizeof(f->proc), "%s", proc);
	snprintf(f->agency, sizeof(f->agency), "%s", agency);
	f->online = 0;
}

/* ---- ratings ------------------------------------------------------------------------- */

static const char *const lv[3] = { "dissatisfied", "satisfied", "very_satisfied" };

/* A rating body: levels of access, procedure, officer, result (0..2),
 * feedback -1 = none; extra members (JSON text, may be ""). */
static char *
rating_body(const int l[5], const char *extra)
{
	char fb[32];

	snprintf(fb, sizeof(fb), l[4] < 0 ? "null" : "\"%s\"", l[4] < 0 ? "" : lv[l[4]]);
	return harness_strdupf("{\"access\": \"%s\", \"procedure\": \"%s\", \"officer\": \"%s\", "
	    "\"result\": \"%s\", \"feedback\": %s, \"comment\": \"" RATE_COMMENT "\"%s%s}", lv[l[0]],
	    lv[l[1]], lv[l[2]], lv[l[3]], fb, extra[0] ? ", " : "", extra);
}

/* The test's own definition: satisfied when no answered criterion is 0. */
static int
levels_satisfied(const int l[5])
{
	for (int i = 0; i < 5; i++)
		if (l[i] == 0)
			return 0;
	return 1;
}

static struct rfact *
rfact_of(const char *code)
{
	for (int i = 0; i < nrfacts; i++)
		if (strcmp(rfacts[i].code, code) == 0)
			return &rfacts[i];
	return NULL;
}

static int64_t now_t;

/* Rate dossier `code` now: online with its lookup key (who = W__MAX) or
 * as a slip entered by who.  A first rating becomes an rfact of (agency,
 * proc); a change keeps its time and updates satisfied. */
static void
rate(enum who w, const char *code, const char *agency, const char *proc, const int l[5],
    long want)
{
	struct rfact *f = rfact_of(code);
	struct http_res *r;
	char *path, *b;

	if (w == W__MAX) {
		char key[16];

		r = get_as(W_ADM, code);
		expect(r, 200);
		snprintf(key, sizeof(key), "%s", jstr(r->json, "lookup_key"));
		http_res_free(r);
		path = harness_strdupf("/api/v1/public/dossiers/%s/rating?key=%s", code, key);
		b = rating_body(l, "");
		r = http_json(g, "POST", path, b);
	} else {
		path = harness_strdupf("/api/v1/dossiers/%s/rating", code);
		b = rating_body(l, "\"channel\": \"slip\"");
		r = as(w, "POST", path, b);
	}
	expect(r, want);
	assert_int_equal(json_is_true(json_object_get(r->json, "satisfied")), levels_satisfied(l));
	http_res_free(r);
	free(path);
	free(b);
	if (f == NULL) {
		assert_int_equal(want, 201);
		assert_true(nrfacts < NRATINGS);
		f = &rfacts[nrfacts++];
		snprintf(f->code, sizeof(f->code), "%s", code);
		snprintf(f->agency, sizeof(f->agency), "%s", agency);
		snprintf(f->proc, sizeof(f->proc), "%s", proc);
		f->at = now_t;
	}
	f->satisfied = levels_satisfied(l);
}

static int64_t
iso_time(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	int64_t t = 0;

	if (s != NULL)
		assert_int_equal(time_parse_iso(s, &t), 0);
	return t;
}

/* Read every dossier's facts from the dossier API. */
static void
read_facts(void)
{
	for (int i = 0; i < nfacts; i++) {
		struct fact *f = &facts[i];
		struct http_res *r = get_as(W_ADM, f->code);
		json_t *res, *ap;

		expect(r, 200);
		f->received = iso_time(r->json, "received_at");
		f->finished = iso_time(r->json, "finished_at");
		f->closed = iso_time(r->json, "closed_at");
		f->legal_due = iso_time(r->json, "legal_due_at");
		ap = json_object_get(r->json, "apology");
		f->apologized = json_is_object(ap) ? iso_time(ap, "issued_at") : 0;
		snprintf(f->status, sizeof(f->status), "%s", jstr(r->json, "status"));
		res = json_object_get(r->json, "result");
		snprintf(f->cls, sizeof(f->cls), "%s", json_is_object(res) ?
		    json_string_value(json_object_get(res, "code")) : "");
		http_res_free(r);
	}
}

/* ---- the expected figures, computed from the facts --------------------------------- */

/* Vietnam midnight of date + plus days (test side). */
static int
report_like_day(const char *date, int plus, int64_t *out)
{
	struct civil c = { 0 };
	int64_t days;

	if (time_parse_date(date, &c.year, &c.month, &c.day) == -1)
		return -1;
	days = time_days_from_civil(c.year, c.month, c.day) + plus;
	time_civil_from_days(days, &c.year, &c.month, &c.day);
	*out = time_from_vn(&c);
	return 0;
}

/* Which cells dossier f adds to in [t0, t1) seen at as_of: bitmask of X_*,
 * 0 when it is not part of the period. */
static unsigned
cells_of(const struct fact *f, int64_t t0, int64_t t1, int64_t as_of)
{
	int64_t end = f->finished ? f->finished : f->closed;
	unsigned m = 0;

	if (f->received == 0 || f->received >= t1 || (end != 0 && end < t0))
		return 0;
	if (f->received < t0)
		m |= 1u << X_CARRIED;
	else
		m |= 1u << (f->online ? X_ONLINE : X_COUNTER);
	if (end == 0 || end >= t1)
		m |= 1u << (f->legal_due < as_of ? X_IP_OVERDUE : X_IP_ON_TIME);
	else if (strcmp(f->status, "rejected") == 0)
		m |= 1u << X_REJECTED;
	else if (strcmp(f->status, "withdrawn") == 0)
		m |= 1u << X_WITHDRAWN;
	else if (strcmp(f->status, "stopped") == 0)
		m |= 1u << X_STOPPED;
	else if (strcmp(f->cls, "early") == 0)
		m |= 1u << X_EARLY;
	else if (strcmp(f->cls, "on_time") == 0)
		m |= 1u << X_ON_TIME;
	else
		m |= 1u << X_LATE;
	if (f->apologized >= t0 && f->apologized < t1)
		m |= 1u << X_APOLOGIES;
	return m;
}

/* The expected counts of [from, to] seen at now, of one procedure row
 * and/or one agency row (NULL = any). */
static void
expected_of(const char *from, const char *to, int64_t now, const char *proc, const char *agency,
    int64_t out[X__MAX])
{
	int64_t t0, t1;

	assert_int_equal(report_like_day(from, 0, &t0), 0);
	assert_int_equal(report_like_day(to, 1, &t1), 0);
	memset(out, 0, sizeof(int64_t) * X__MAX);
	for (int i = 0; i < nfacts; i++) {
		unsigned m;

		if ((proc != NULL && strcmp(facts[i].proc, proc) != 0) ||
		    (agency != NULL && strcmp(facts[i].agency, agency) != 0))
			continue;
		m = cells_of(&facts[i], t0, t1, now < t1 ? now : t1);
		for (int c = 0; c < X__MAX; c++)
			if (m & (1u << c))
				out[c]++;
	}
	for (int i = 0; i < nrfacts; i++) {
		const struct rfact *f = &rfacts[i];

		if (f->at < t0 || f->at >= t1 || (proc != NULL && strcmp(f->proc, proc) != 0) ||
		    (agency != NULL && strcmp(f->agency, agency) != 0))
			continue;
		out[X_RATED]++;
		out[X_SATISFIED] += f->satisfied;
	}
}

static void
expected(const char *from, const char *to, int64_t now, const char *proc, int64_t out[X__MAX])
{
	expected_of(from, to, now, proc, NULL, out);
}

/* ---- reading answers ----------------------------------------------------------------- */

/* o.a.b as an object (borrowed), NULL when absent. */
static json_t *
sub_obj(json_t *o, const char *a, const char *b)
{
	return json_object_get(json_object_get(o, a), b);
}

static struct http_res *
report_get(enum who w, const char *query)
{
	char *path = harness_strdupf("/api/v1/reports/resolution?%s", query);
	struct http_res *r = as(w, "GET", path, NULL);

	free(path);
	return r;
}

static json_t *
row_of(json_t *rep, const char *key)
{
	size_t i;
	json_t *row;

	if (strcmp(key, "total") == 0)
		return json_object_get(rep, "total");
	json_array_foreach(json_object_get(rep, "rows"), i, row)
		if (strcmp(jstr(row, "key"), key) == 0)
			return row;
	return NULL;
}

static void
check_row(json_t *row, const int64_t want[X__MAX], const char *what)
{
	int64_t handled = want[X_EARLY] + want[X_ON_TIME] + want[X_LATE];

	if (row == NULL)
		fail_msg("%s: no row", what);
	for (int c = 0; c < X__MAX; c++)
		if (jint(row, xcol[c]) != want[c])
			fail_msg("%s %s: want %lld, got %lld", what, xcol[c], (long long)want[c],
			    (long long)jint(row, xcol[c]));
	assert_int_equal(jint(row, "handled"), handled);
	assert_int_equal(jint(row, "to_handle"), want[X_CARRIED] + want[X_ONLINE] +
	    want[X_COUNTER]);
	/* The balance of the form: to handle = handled + apart + in progress. */
	assert_int_equal(jint(row, "to_handle"), handled + want[X_REJECTED] + want[X_WITHDRAWN] +
	    want[X_STOPPED] + want[X_IP_ON_TIME] + want[X_IP_OVERDUE]);
	if (handled == 0) {
		assert_true(json_is_null(json_object_get(row, "on_time_rate")));
	} else {
		double want_rate = (double)(want[X_EARLY] + want[X_ON_TIME]) / (double)handled;
		double got = json_number_value(json_object_get(row, "on_time_rate"));

		if (got < want_rate - 0.00005 || got > want_rate + 0.00005)
			fail_msg("%s on_time_rate: want %f, got %f", what, want_rate, got);
	}
	if (want[X_RATED] == 0) {
		assert_true(json_is_null(json_object_get(row, "satisfaction_rate")));
	} else {
		double want_rate = (double)want[X_SATISFIED] / (double)want[X_RATED];
		double got = json_number_value(json_object_get(row, "satisfaction_rate"));

		if (got < want_rate - 0.00005 || got > want_rate + 0.00005)
			fail_msg("%s satisfaction_rate: want %f, got %f", what, want_rate, got);
	}
}

/* A row that must hold want, or be absent when want is all zero. */
static void
check_row_or_absent(json_t *row, const int64_t want[X__MAX], const char *what)
{
	if (row == NULL) {
		for (int c = 0; c < X__MAX; c++)
			if (want[c] != 0)
				fail_msg("%s: no row, but %s should be %lld", what, xcol[c],
				    (long long)want[c]);
		return;
	}
	check_row(row, want, what);
}

/* The report of [from, to] (or a named period) seen now, by every group. */
static void
check_period(const char *query, const char *from, const char *to, int64_t now)
{
	static const char *const groups[] = { "agency", "field", "procedure" };
	int64_t want[X__MAX];

	for (size_t gi = 0; gi < 3; gi++) {
		char *q = harness_strdupf("%s&group_by=%s", query, groups[gi]);
		struct http_res *r = report_get(W_ADM, q);
		char what[160];

		expect(r, 200);
		assert_string_equal(sub(r->json, "period", "from"), from);
		assert_string_equal(sub(r->json, "period", "to"), to);
		expected(from, to, now, NULL, want);
		snprintf(what, sizeof(what), "%s by %s total", query, groups[gi]);
		check_row(row_of(r->json, "total"), want, what);
		if (gi == 0) {
			static const char *const ags[] = { C_LEAD, C_OTHER, C_DESK };

			for (size_t a = 0; a < 3; a++) {
				expected_of(from, to, now, NULL, ags[a], want);
				snprintf(what, sizeof(what), "%s agency %s", query, ags[a]);
				check_row_or_absent(row_of(r->json, ags[a]), want, what);
			}
			if (row_of(r->json, C_LEAD) != NULL)
				assert_string_equal(jstr(row_of(r->json, C_LEAD), "name"), C_LEAD_NAME);
		} else if (gi == 1) {
			snprintf(what, sizeof(what), "%s field", query);
			check_row_or_absent(row_of(r->json, "tu-phap"), want, what);
		} else {
			static const char *const procs[] = { "DOS-T1", "DOS-T3", "BT-A", "BT-B",
				"lt-rpt" };

			for (size_t p = 0; p < 5; p++) {
				expected(from, to, now, procs[p], want);
				snprintf(what, sizeof(what), "%s %s", query, procs[p]);
				check_row_or_absent(row_of(r->json, procs[p]), want, what);
			}
		}
		http_res_free(r);
		free(q);
	}
}

static void
set_now(const char *iso)
{
	at(iso);
	assert_int_equal(time_parse_iso(iso, &now_t), 0);
}

/* ---- 1. the dataset and the cells ----------------------------------------------------- */

static void
test_dataset_and_cells(void **state)
{
	const char *a1, *a2, *a3, *a4, *o1;
	char b1[32], b2[32], b3[32], b4[32], b5[32], o2[32], k1a[32], k1b[32], k2a[32];
	struct http_res *r;
	char *bd;
	int64_t want[X__MAX];

	(void)state;
	/* Monday 20 January 2025: five dossiers, one online, and one refused at the
	 * desk (never received, never counted). */
	set_now("2025-01-20T09:00:00+07:00");
	a1 = add("DOS-T1", 0);
	a2 = add("DOS-T1", 0);
	a3 = add("DOS-T3", 0);
	a4 = add("DOS-T1", 0);
	o1 = add("DOS-T1", 1);
	act_ok(W_RCV, a4, "forward", "");
	act_ok(W_RCV, a3, "forward", "");
	bd = body_for("DOS-T1", "counter", "\"outcome\": \"refused\", \"reason\": \"Không thuộc "
	    "thẩm quyền\"");
	r = as(W_RCV, "POST", "/api/v1/dossiers", bd);
	expect(r, 201);
	snprintf(refused_code, sizeof(refused_code), "%s", jstr(r->json, "code"));
	http_res_free(r);
	free(bd);
	/* Wednesday 22: a3 handled early and returned; a4 apologised (still due by
	 * law before Tết ends). */
	set_now("2025-01-22T10:00:00+07:00");
	act_ok(W_CLK, a3, "result_ready", "");
	act_ok(W_CLK, a3, "return_result", "");
	rate(W__MAX, a3, C_LEAD, "DOS-T3", (const int[]){ 2, 2, 2, 2, -1 }, 201);
	act_ok(W_SPC, a4, "apologize", "\"reason\": \"Cần xác minh thêm\", \"new_due_at\": "
	    "\"2025-02-12T17:00:00+07:00\"");
	/* Tuesday 4 February (after Tết): a1 and a4 finished after their due
	 * time (a4 apologised but late); six new dossiers. */
	set_now("2025-02-04T10:00:00+07:00");
	finish_t1(a1);
	act_ok(W_SPC, a4, "forward", "");
	act_ok(W_LDR, a4, "approve", "");
	act_ok(W_CLK, a4, "result_ready", "");
	snprintf(b1, sizeof(b1), "%s", add("DOS-T1", 0));
	snprintf(b2, sizeof(b2), "%s", add("DOS-T3", 0));
	snprintf(b3, sizeof(b3), "%s", add("DOS-T1", 0));
	snprintf(b4, sizeof(b4), "%s", add("DOS-T1", 0));
	snprintf(b5, sizeof(b5), "%s", add("DOS-T3", 0));
	snprintf(o2, sizeof(o2), "%s", add("DOS-T1", 1));
	act_ok(W_RCV, b1, "forward", "");
	act_ok(W_RCV, b2, "forward", "");
	act_ok(W_RCV, b4, "forward", "");
	act_ok(W_RCV, b5, "forward", "");
	/* Two interlinked dossiers: their components count at their own
	 * agencies (b only once it starts), the parents never. */
	receive_bundle(k1, k1a, k1b);
	receive_bundle(k2, k2a, k2b);
	add_component(k1a, "BT-A", C_LEAD);
	add_component(k2a, "BT-A", C_LEAD);
	/* Friday 7: b2 (3 working days) on its due day: on time; its paper
	 * slip says the result was not satisfying. */
	set_now("2025-02-07T10:00:00+07:00");
	act_ok(W_CLK, b2, "result_ready", "");
	rate(W_RCV, b2, C_LEAD, "DOS-T3", (const int[]){ 1, 1, 1, 0, -1 }, 201);
	/* Monday 10: withdrawn, rejected, stopped; o1 handled. */
	set_now("2025-02-10T09:00:00+07:00");
	act_ok(W_RCV, b3, "withdraw", "\"reason\": \"Người nộp xin rút\"");
	act_ok(W_LDR, b4, "reject", "\"reason\": \"Không đủ điều kiện\"");
	act_ok(W_LDR, b5, "stop", "\"reason\": \"Người nộp đề nghị dừng\"");
	finish_t1(o1);
	/* k1's A, due Thursday 6 (two working days), done today: late; B
	 * starts.  k2's A is rejected: k2 is rejected and its waiting B
	 * stopped, never received. */
	lead_act_ok(k1a, "forward", "");
	act_ok(W_CLK, k1a, "result_ready", "");
	add_component(k1b, "BT-B", C_OTHER);
	lead_act_ok(k2a, "forward", "");
	act_ok(W_LDR, k2a, "reject", "\"reason\": \"Không đủ điều kiện\"");
	/* Ratings: a rejected dossier online (the service is rated), a1 online
	 * (changed tomorrow), the rejected bundle by slip at the desk; a
	 * component is never rated on its own. */
	rate(W__MAX, b4, C_LEAD, "DOS-T1", (const int[]){ 1, 1, 1, 1, -1 }, 201);
	rate(W__MAX, a1, C_LEAD, "DOS-T1", (const int[]){ 2, 2, 2, 2, 2 }, 201);
	rate(W_RCV, k2, C_DESK, "lt-rpt", (const int[]){ 1, 0, 1, 1, -1 }, 201);
	{
		char *path = harness_strdupf("/api/v1/dossiers/%s/rating", k1a);
		char *rb = rating_body((const int[]){ 2, 2, 2, 2, -1 }, "\"channel\": \"slip\"");

		r = as(W_CLK, "POST", path, rb);
		assert_problem(r, 422, "unprocessable");
		assert_non_null(strstr(r->body, k1));
		http_res_free(r);
		free(path);
		free(rb);
	}
	/* Tuesday 11: k1's B done early at the other department; k1 has its
	 * result and is rated online; a1's applicant changes the answer (the
	 * rating stays in February, now not satisfied). */
	set_now("2025-02-11T10:00:00+07:00");
	act_ok(W_RCV_O, k1b, "forward", "");
	act_ok(W_RCV_O, k1b, "result_ready", "");
	rate(W__MAX, k1, C_DESK, "lt-rpt", (const int[]){ 2, 2, 2, 2, -1 }, 201);
	rate(W__MAX, a1, C_LEAD, "DOS-T1", (const int[]){ 2, 2, 0, 2, -1 }, 200);
	/* Wednesday 26 and Thursday 27: b6 received, then sent back for a
	 * supplement after appraisal (the clock stops). */
	set_now("2025-02-26T09:00:00+07:00");
	snprintf(b6, sizeof(b6), "%s", add("DOS-T1", 0));
	act_ok(W_RCV, b6, "forward", "");
	set_now("2025-02-27T10:00:00+07:00");
	act_ok(W_SPC, b6, "request_supplement", "\"missing\": [\"Bản sao giấy khai sinh\"]");
	/* Monday 10 March: o1 rated; the report. */
	set_now("2025-03-10T09:00:00+07:00");
	rate(W__MAX, o1, C_LEAD, "DOS-T1", (const int[]){ 1, 2, 1, 2, 1 }, 201);
	read_facts();
	(void)a2;
	/* The dataset has what the issue names. */
	expected("2025-02-01", "2025-02-28", now_t, NULL, want);
	assert_true(want[X_CARRIED] >= 3);
	assert_true(want[X_EARLY] + want[X_ON_TIME] >= 1 && want[X_LATE] >= 2);
	assert_int_equal(want[X_REJECTED], 2); /* b4 and k2's A */
	assert_int_equal(want[X_WITHDRAWN], 1);
	assert_int_equal(want[X_STOPPED], 1); /* b5; k2's B was never received */
	assert_int_equal(want[X_RATED], 5);
	assert_int_equal(want[X_SATISFIED], 2);
	assert_true(want[X_IP_OVERDUE] >= 1);
	assert_int_equal(want[X_ONLINE], 1);
	expected("2025-01-01", "2025-01-31", now_t, NULL, want);
	assert_int_equal(want[X_APOLOGIES], 1);
	assert_int_equal(want[X_EARLY], 1);
	/* The bundles as the dossier API says: k1 has its result through
	 * its components (A late), k2 is rejected, k2's B stopped unreceived. */
	for (int i = 0; i < nfacts; i++)
		if (strcmp(facts[i].code, k1a) == 0)
			assert_string_equal(facts[i].cls, "late");
	r = get_as(W_ADM, k1);
	expect_field(r, "status", "result_ready");
	http_res_free(r);
	r = get_as(W_ADM, k2);
	expect_field(r, "status", "rejected");
	http_res_free(r);
	r = get_as(W_ADM, k2b);
	expect_field(r, "status", "stopped");
	assert_true(json_is_null(json_object_get(r->json, "received_at")));
	http_res_free(r);
	/* a4: apologised, finished after the original legal due time: late. */
	for (int i = 0; i < nfacts; i++)
		if (strcmp(facts[i].code, a4) == 0) {
			assert_true(facts[i].apologized != 0);
			assert_string_equal(facts[i].cls, "late");
		}

	check_period("from=2025-01-01&to=2025-01-31", "2025-01-01", "2025-01-31", now_t);
	check_period("from=2025-02-01&to=2025-02-28", "2025-02-01", "2025-02-28", now_t);
	check_period("period=2025-02", "2025-02-01", "2025-02-28", now_t);
	check_period("from=2025-01-15&to=2025-02-15", "2025-01-15", "2025-02-15", now_t);
	check_period("period=2025-Q1", "2025-01-01", "2025-03-31", now_t);
	check_period("period=2025-W06", "2025-02-03", "2025-02-09", now_t);
	check_period("from=2025-03-01&to=2025-03-10", "2025-03-01", "2025-03-10", now_t);
	/* The refused dossier is in no period. */
	{
		int64_t q1[X__MAX];

		expected("2025-01-01", "2025-03-31", now_t, NULL, q1);
		r = report_get(W_ADM, "period=2025-Q1");
		expect(r, 200);
		assert_int_equal(jint(json_object_get(r->json, "total"), "to_handle"),
		    nfacts);
		assert_null(strstr(r->body, refused_code));
		http_res_free(r);
		/* The dossiers behind "to handle" are exactly the facts: no bundle
		 * parent, no unreceived component, no refused dossier. */
		r = as(W_ADM, "GET", "/api/v1/reports/resolution/dossiers?period=2025-Q1&"
		    "column=to_handle&limit=500", NULL);
		expect(r, 200);
		assert_int_equal(json_array_size(json_object_get(r->json, "items")), nfacts);
		assert_null(strstr(r->body, k1));
		assert_null(strstr(r->body, k2));
		assert_null(strstr(r->body, k2b));
		assert_null(strstr(r->body, refused_code));
		http_res_free(r);
	}
}

/* ---- 2. drill-down: exactly the dossiers behind each cell --------------------------- */

static unsigned
mask_of(const char *col)
{
	if (strcmp(col, "to_handle") == 0)
		return 1u << X_CARRIED | 1u << X_ONLINE | 1u << X_COUNTER;
	if (strcmp(col, "received") == 0)
		return 1u << X_ONLINE | 1u << X_COUNTER;
	if (strcmp(col, "handled") == 0)
		return 1u << X_EARLY | 1u << X_ON_TIME | 1u << X_LATE;
	if (strcmp(col, "in_progress") == 0)
		return 1u << X_IP_ON_TIME | 1u << X_IP_OVERDUE;
	for (int c = 0; c < X__MAX; c++)
		if (strcmp(col, xcol[c]) == 0)
			return 1u << c;
	return 0;
}

static void
test_drilldown(void **state)
{
	static const char *const cols[] = { "carried_over", "received_online", "received_counter",
		"handled_early", "handled_on_time", "handled_late", "rejected", "withdrawn",
		"stopped", "in_progress_on_time", "in_progress_overdue", "apologies", "to_handle",
		"received", "handled", "in_progress", "rated", "satisfied" };
	static const char *const rows[] = { "DOS-T1", "DOS-T3", "BT-A", "BT-B", "total" };
	const char *periods[][2] = { { "2025-01-01", "2025-01-31" }, { "2025-02-01", "2025-02-28" } };
	struct http_res *rep, *r;

	(void)state;
	set_now("2025-03-10T09:00:00+07:00");
	for (size_t p = 0; p < 2; p++) {
		int64_t t0, t1;
		char *q = harness_strdupf("from=%s&to=%s&group_by=procedure", periods[p][0],
		    periods[p][1]);

		assert_int_equal(report_like_day(periods[p][0], 0, &t0), 0);
		assert_int_equal(report_like_day(periods[p][1], 1, &t1), 0);
		rep = report_get(W_ADM, q);
		expect(rep, 200);
		for (size_t ri = 0; ri < 5; ri++) {
			for (size_t ci = 0; ci < sizeof(cols) / sizeof(cols[0]); ci++) {
				json_t *row = row_of(rep->json, rows[ri]);
				int64_t cell = row ? jint(row, cols[ci]) : 0, got = 0, want = 0;
				char cursor[32] = "";
				unsigned m = mask_of(cols[ci]);
				/* The rating columns list the dossiers rated in the period. */
				int rating = strcmp(cols[ci], "rated") == 0 ||
				    strcmp(cols[ci], "satisfied") == 0;
				int sat_only = strcmp(cols[ci], "satisfied") == 0;

				for (int i = 0; i < nfacts && !rating; i++)
					if ((strcmp(rows[ri], "total") == 0 ||
					    strcmp(rows[ri], facts[i].proc) == 0) &&
					    (cells_of(&facts[i], t0, t1, now_t < t1 ? now_t : t1) & m))
						want++;
				for (int i = 0; i < nrfacts && rating; i++)
					if ((strcmp(rows[ri], "total") == 0 ||
					    strcmp(rows[ri], rfacts[i].proc) == 0) &&
					    rfacts[i].at >= t0 && rfacts[i].at < t1 &&
					    (!sat_only || rfacts[i].satisfied))
						want++;
				assert_int_equal(cell, want);
				/* Pages of two, following next_cursor. */
				for (int page = 0; page < 20; page++) {
					char *path = harness_strdupf("/api/v1/reports/resolution/dossiers?"
					    "%s&row=%s&column=%s&limit=2%s%s", q, rows[ri], cols[ci],
					    cursor[0] ? "&cursor=" : "", cursor);
					json_t *it, *nc;
					size_t k;

					r = as(W_ADM, "GET", path, NULL);
					free(path);
					expect(r, 200);
					json_array_foreach(json_object_get(r->json, "items"), k, it) {
						int found = 0;

						for (int i = 0; i < nrfacts && rating; i++)
							if (strcmp(rfacts[i].code, jstr(it, "code")) == 0) {
								found = 1;
								assert_true(rfacts[i].at >= t0 && rfacts[i].at < t1);
								assert_true(!sat_only || rfacts[i].satisfied);
								/* Never the comment. */
								assert_null(json_object_get(it, "comment"));
							}
						for (int i = 0; i < nfacts && !rating; i++)
							if (strcmp(facts[i].code, jstr(it, "code")) == 0) {
								found = 1;
								assert_true(cells_of(&facts[i], t0, t1,
								    now_t < t1 ? now_t : t1) & m);
							}
						assert_true(found);
						/* Staff list: no applicant data in the drill-down. */
						assert_null(json_object_get(it, "applicant"));
						got++;
					}
					nc = json_object_get(r->json, "next_cursor");
					if (json_is_null(nc)) {
						http_res_free(r);
						break;
					}
					snprintf(cursor, sizeof(cursor), "%s", json_string_value(nc));
					http_res_free(r);
				}
				if (got != cell)
					fail_msg("%s %s %s: cell %lld, list %lld", periods[p][0], rows[ri],
					    cols[ci], (long long)cell, (long long)got);
			}
		}
		http_res_free(rep);
		free(q);
	}
	/* Bad requests change nothing and say what is wrong. */
	r = as(W_ADM, "GET", "/api/v1/reports/resolution/dossiers?period=2025-02&column=nope", NULL);
	assert_problem(r, 400, "validation");
	assert_invalid_param(r, "column");
	http_res_free(r);
	r = as(W_ADM, "GET", "/api/v1/reports/resolution/dossiers?period=2025-02&column=handled"
	    "&group_by=procedure&row=KHONG-CO", NULL);
	assert_problem(r, 400, "validation");
	assert_invalid_param(r, "row");
	http_res_free(r);
}

/* ---- 3. CSV and XLSX hold the JSON's numbers ------------------------------------------- */

/* Export columns 3.. in order (src/report/export.c's layout). */
static const char *const layout_cols[] = { "to_handle", "carried_over", "received",
	"received_online", "received_counter", "handled", "handled_early", "handled_on_time",
	"handled_late", "in_progress", "in_progress_on_time", "in_progress_overdue", "rejected",
	"withdrawn", "stopped", "on_time_rate", "apologies", "rated", "satisfied",
	"satisfaction_rate" };
#define NLAYOUT (sizeof(layout_cols) / sizeof(layout_cols[0]))

/* Split one CSV line (RFC 4180) into at most max fields (malloc'd). */
static size_t
csv_split(const char *line, size_t len, char **out, size_t max)
{
	size_t n = 0, i = 0;

	while (i <= len && n < max) {
		char *f = calloc(len + 1, 1);
		size_t k = 0;

		assert_non_null(f);
		if (i < len && line[i] == '"') {
			for (i++; i < len; i++) {
				if (line[i] == '"' && i + 1 < len && line[i + 1] == '"') {
					f[k++] = '"';
					i++;
				} else if (line[i] == '"') {
					i++;
					break;
				} else {
					f[k++] = line[i];
				}
			}
		} else {
			while (i < len && line[i] != ',')
				f[k++] = line[i++];
		}
		out[n++] = f;
		if (i >= len)
			break;
		i++; /* the comma */
	}
	return n;
}

static void
check_export_row(json_t *row, char **f, size_t nf, const char *what, int percent)
{
	if (row == NULL)
		fail_msg("%s: no such row in the JSON", what);
	assert_true(nf >= 3 + NLAYOUT);
	for (size_t c = 0; c < NLAYOUT; c++) {
		json_t *v = json_object_get(row, layout_cols[c]);
		const char *s = f[3 + c];

		if (json_is_null(v)) {
			if (s[0] != '\0')
				fail_msg("%s %s: want empty, got %s", what, layout_cols[c], s);
		} else if (json_is_real(v)) {
			double got = strtod(s, NULL) / (percent ? 100.0 : 1.0);

			if (got < json_real_value(v) - 0.000001 || got > json_real_value(v) + 0.000001)
				fail_msg("%s %s: want %f, got %s", what, layout_cols[c],
				    json_real_value(v), s);
		} else if (strtoll(s, NULL, 10) != json_integer_value(v) || s[0] == '\0') {
			fail_msg("%s %s: want %lld, got '%s'", what, layout_cols[c],
			    (long long)json_integer_value(v), s);
		}
	}
}

/* The text of <tag>...</tag> pieces: minimal XML reading for our own
 * sheets (no nested markup inside <t> or <v>). */
static char *
xml_unescape(const char *s, size_t n)
{
	char *o = calloc(n + 1, 1);
	size_t k = 0;

	assert_non_null(o);
	for (size_t i = 0; i < n; i++) {
		if (strncmp(s + i, "&amp;", 5) == 0) {
			o[k++] = '&';
			i += 4;
		} else if (strncmp(s + i, "&lt;", 4) == 0) {
			o[k++] = '<';
			i += 3;
		} else if (strncmp(s + i, "&gt;", 4) == 0) {
			o[k++] = '>';
			i += 3;
		} else if (strncmp(s + i, "&quot;", 6) == 0) {
			o[k++] = '"';
			i += 5;
		} else {
			o[k++] = s[i];
		}
	}
	return o;
}

static char *
unzip_part(const char *file, const char *part)
{
	struct cli_res cr;
	char *out;

	/* harness_run does not search PATH; the shell does. */
	harness_run((const char *const[]){ "/bin/sh", "-c", "exec unzip -p \"$0\" \"$1\"", file,
	    part, NULL }, &cr, 30000);
	if (cr.status != 0)
		fail_msg("unzip -p %s %s: %d %s", file, part, cr.status, cr.err);
	out = cr.out;
	cr.out = NULL;
	cli_res_free(&cr);
	return out;
}

#define XL_ROWS 64
#define XL_COLS 26

static void
test_exports(void **state)
{
	struct http_res *js, *r;
	const char *q = "from=2025-02-01&to=2025-02-28&group_by=procedure";
	char *path, *lines, *fields[40], *file, *sst, *sheet;
	char *strings[200] = { 0 }, *grid[XL_ROWS][XL_COLS];
	size_t nstr = 0, nrows_seen = 0;
	const char *p;

	(void)state;
	memset(grid, 0, sizeof(grid));
	set_now("2025-03-10T09:00:00+07:00");
	js = report_get(W_ADM, q);
	expect(js, 200);

	/* CSV: BOM, Vietnamese headings, one line per row and the total. */
	path = harness_strdupf("/api/v1/reports/resolution?%s&format=csv", q);
	r = as(W_ADM, "GET", path, NULL);
	free(path);
	expect(r, 200);
	assert_non_null(strstr(http_header(r, "Content-Type"), "text/csv"));
	assert_non_null(strstr(http_header(r, "Content-Disposition"), ".csv"));
	assert_memory_equal(r->body, "\xEF\xBB\xBF", 3);
	assert_non_null(strstr(r->body, "Số hồ sơ nhận giải quyết"));
	assert_non_null(strstr(r->body, "Kỳ trước chuyển qua"));
	assert_non_null(strstr(r->body, "Trước hạn"));
	lines = r->body + 3;
	for (int ln = 0; *lines; ln++) {
		char *end = strstr(lines, "\r\n");
		size_t len = end ? (size_t)(end - lines) : strlen(lines), nf;

		nf = csv_split(lines, len, fields, 40);
		if (ln >= 6) {
			const char *key = nf > 2 ? fields[2] : "";

			check_export_row(row_of(js->json, key), fields, nf, key, 1);
			nrows_seen++;
		}
		for (size_t i = 0; i < nf; i++)
			free(fields[i]);
		lines += len + (end ? 2 : 0);
	}
	assert_int_equal(nrows_seen, json_array_size(json_object_get(js->json, "rows")) + 1);
	http_res_free(r);

	/* XLSX: written to a file, read back with unzip. */
	path = harness_strdupf("/api/v1/reports/resolution?%s&format=xlsx", q);
	r = as(W_ADM, "GET", path, NULL);
	free(path);
	expect(r, 200);
	assert_string_equal(http_header(r, "Content-Type"),
	    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
	assert_memory_equal(r->body, "PK", 2);
	file = harness_strdupf("%s/report.xlsx", harness_tmpdir());
	{
		FILE *f = fopen(file, "wb");

		assert_non_null(f);
		assert_int_equal(fwrite(r->body, 1, r->len, f), r->len);
		fclose(f);
	}
	http_res_free(r);
	sst = unzip_part(file, "xl/sharedStrings.xml");
	for (p = sst; (p = strstr(p, "<si>")) != NULL && nstr < 200; p += 4) {
		const char *t = strstr(p, "<t"), *a, *b;

		assert_non_null(t);
		a = strchr(t, '>') + 1;
		b = strstr(a, "</t>");
		strings[nstr++] = xml_unescape(a, (size_t)(b - a));
	}
	sheet = unzip_part(file, "xl/worksheets/sheet1.xml");
	for (p = sheet; (p = strstr(p, "<c r=\"")) != NULL; p += 6) {
		const char *ref = p + 6, *endtag = strchr(p, '>'), *v;
		int col = 0, row = 0, shared;

		while (*ref >= 'A' && *ref <= 'Z')
			col = col * 26 + (*ref++ - 'A' + 1);
		row = (int)strtol(ref, NULL, 10);
		shared = strstr(p, "t=\"s\"") != NULL && strstr(p, "t=\"s\"") < endtag;
		if (endtag[-1] == '/')
			continue; /* empty cell */
		v = strstr(endtag, "<v>");
		if (v == NULL || v > strstr(endtag, "</c>") || row < 1 || row > XL_ROWS || col < 1 ||
		    col > XL_COLS)
			continue;
		v += 3;
		grid[row - 1][col - 1] = shared ? strdup(strings[strtol(v, NULL, 10)]) :
		    strndup(v, strcspn(v, "<"));
	}
	/* The merged headings of the form. */
	{
		int merged = 0;

		for (p = sheet; (p = strstr(p, "<mergeCell ")) != NULL; p++)
			merged++;
		assert_true(merged >= 10);
		assert_non_null(strstr(sst, "Kết quả giải quyết"));
		assert_non_null(strstr(sst, "Đang giải quyết"));
	}
	nrows_seen = 0;
	for (int y = 7; y < XL_ROWS; y++) {
		char *f[3 + NLAYOUT];
		const char *key = grid[y][2];

		if (key == NULL)
			continue;
		for (size_t c = 0; c < 3 + NLAYOUT; c++)
			f[c] = grid[y][c] ? grid[y][c] : "";
		check_export_row(row_of(js->json, key), f, 3 + NLAYOUT, key, 0);
		nrows_seen++;
	}
	assert_int_equal(nrows_seen, json_array_size(json_object_get(js->json, "rows")) + 1);
	for (int y = 0; y < XL_ROWS; y++)
		for (int c = 0; c < XL_COLS; c++)
			free(grid[y][c]);
	for (size_t i = 0; i < nstr; i++)
		free(strings[i]);
	free(sst);
	free(sheet);
	free(file);
	http_res_free(js);
}

/* ---- 4. publishing freezes a period ------------------------------------------------------ */

static void
test_publish_frozen(void **state)
{
	struct http_res *r, *before, *after;
	struct cli_res cr;
	int64_t want[X__MAX];
	json_t *d, *e;
	size_t i;
	int seen_counter = 0, seen_ip = 0;

	(void)state;
	set_now("2025-03-10T09:00:00+07:00");
	/* Only an authorised official publishes; an unfinished period cannot be. */
	r = as(W_LDR, "POST", "/api/v1/reports/publications", "{\"period\": \"2025-02\"}");
	assert_problem(r, 403, "forbidden");
	http_res_free(r);
	r = as(W_ADM, "POST", "/api/v1/reports/publications", "{\"period\": \"2025-03\"}");
	assert_problem(r, 422, "unprocessable");
	http_res_free(r);
	r = as(W_ADM, "POST", "/api/v1/reports/publications", "{\"period\": \"2025-02\", \"x\": 1}");
	assert_problem(r, 400, "validation");
	assert_invalid_param(r, "x");
	http_res_free(r);
	before = report_get(W_ADM, "period=2025-02&group_by=procedure");
	expect(before, 200);
	assert_true(json_is_null(json_object_get(before->json, "published")));
	r = as(W_ADM, "POST", "/api/v1/reports/publications",
	    "{\"period\": \"2025-02\", \"note\": \"Báo cáo tháng 2\"}");
	expect(r, 201);
	expect_field(r, "from", "2025-02-01");
	expect_field(r, "to", "2025-02-28");
	expect_field(r, "definitions", "motcua-report/2");
	http_res_free(r);
	r = as(W_ADM, "POST", "/api/v1/reports/publications", "{\"from\": \"2025-02-01\", "
	    "\"to\": \"2025-02-28\"}");
	assert_problem(r, 409, "conflict");
	http_res_free(r);
	/* Its audit entry. */
	motcua_run((const char *const[]){ "audit", "list", "--object", "report:2025-02-01..2025-02-28",
	    "--db", srv_db_url(g), NULL }, &cr, 60000);
	assert_int_equal(cr.status, 0);
	assert_non_null(strstr(cr.out, "report.publish"));
	cli_res_free(&cr);
	r = as(W_ADM, "GET", "/api/v1/reports/publications", NULL);
	expect(r, 200);
	assert_int_equal(json_array_size(json_object_get(r->json, "items")), 1);
	http_res_free(r);

	/* 11 March: b6's complete dossier arrives; the clock restarts and it is
	 * received anew in March — February's live figures change. */
	set_now("2025-03-11T09:00:00+07:00");
	act_ok(W_RCV, b6, "supplement", "");
	read_facts();
	after = report_get(W_ADM, "period=2025-02&group_by=procedure");
	expect(after, 200);
	assert_false(json_is_null(json_object_get(after->json, "published")));
	/* The published numbers are exactly those of before. */
	assert_true(json_equal(json_object_get(before->json, "rows"),
	    json_object_get(after->json, "rows")));
	assert_true(json_equal(json_object_get(before->json, "total"),
	    json_object_get(after->json, "total")));
	/* ... and the live figures, which now differ, are listed. */
	expected("2025-02-01", "2025-02-28", now_t, NULL, want);
	d = json_object_get(after->json, "live_differences");
	assert_true(json_array_size(d) > 0);
	json_array_foreach(d, i, e) {
		if (strcmp(jstr(e, "key"), "total") != 0)
			continue;
		if (strcmp(jstr(e, "column"), "received_counter") == 0) {
			assert_int_equal(jint(e, "live"), want[X_COUNTER]);
			assert_int_equal(jint(e, "published"), jint(json_object_get(before->json,
			    "total"), "received_counter"));
			seen_counter = 1;
		}
		if (strncmp(jstr(e, "column"), "in_progress", 11) == 0)
			seen_ip = 1;
	}
	assert_true(seen_counter && seen_ip);
	/* Every export of a frozen period says so and holds the frozen numbers. */
	r = report_get(W_ADM, "period=2025-02&group_by=procedure&format=csv");
	expect(r, 200);
	assert_non_null(strstr(r->body, "Số liệu đã chốt"));
	http_res_free(r);
	/* A period nobody published follows the live data. */
	check_period("from=2025-02-01&to=2025-02-27", "2025-02-01", "2025-02-27", now_t);
	http_res_free(before);
	http_res_free(after);
}

/* ---- 5. scope ------------------------------------------------------------------------------ */

static struct http_res *
as_ldr_o(const char *path)
{
	if (sess_ldr_o.gen != srv_gen) {
		struct http_res *r = http_json(g, "POST", "/api/v1/auth/login", "{\"username\": "
		    "\"ld_khac\", \"password\": \"" PW "\"}");
		const char *sc;

		expect(r, 200);
		sc = http_header(r, "Set-Cookie");
		snprintf(sess_ldr_o.cookie, sizeof(sess_ldr_o.cookie), "Cookie: %.*s",
		    (int)strcspn(sc, ";"), sc);
		snprintf(sess_ldr_o.csrf_hdr, sizeof(sess_ldr_o.csrf_hdr), "X-CSRF-Token: %s",
		    jstr(r->json, "csrf_token"));
		sess_ldr_o.gen = srv_gen;
		http_res_free(r);
	}
	return http_req(g, "GET", path, (const char *const[]){ sess_ldr_o.cookie, NULL }, NULL);
}

static void
test_scope(void **state)
{
	struct http_res *r;
	struct cli_res cr;
	char hdr[200];

	(void)state;
	set_now("2025-03-11T09:00:00+07:00");
	/* A leader of another department sees nothing of Sở Tư pháp. */
	r = as_ldr_o("/api/v1/reports/resolution?period=2025-01");
	expect(r, 200);
	assert_int_equal(json_array_size(json_object_get(r->json, "rows")), 0);
	assert_int_equal(jint(json_object_get(r->json, "total"), "to_handle"), 0);
	http_res_free(r);
	r = as_ldr_o("/api/v1/reports/resolution?period=2025-01&agency=" C_LEAD);
	assert_problem(r, 404, NULL);
	http_res_free(r);
	r = as_ldr_o("/api/v1/reports/resolution/dossiers?period=2025-01&column=to_handle");
	expect(r, 200);
	assert_int_equal(json_array_size(json_object_get(r->json, "items")), 0);
	http_res_free(r);
	/* Even a published period is cut to the caller's agencies: only the
	 * department's own component of the interlinked dossier. */
	r = as_ldr_o("/api/v1/reports/resolution?period=2025-02");
	expect(r, 200);
	assert_int_equal(json_array_size(json_object_get(r->json, "rows")), 1);
	assert_null(row_of(r->json, C_LEAD));
	assert_null(row_of(r->json, C_DESK));
	{
		int64_t want[X__MAX];

		expected_of("2025-02-01", "2025-02-28", now_t, NULL, C_OTHER, want);
		assert_int_equal(want[X_ON_TIME] + want[X_EARLY], 1);
		check_row(row_of(r->json, C_OTHER), want, "other department, published February");
		check_row(json_object_get(r->json, "total"), want, "other department total");
	}
	assert_false(json_is_null(json_object_get(r->json, "published")));
	http_res_free(r);
	/* The lead agency's leader sees its own; the receiver has no report.read. */
	r = report_get(W_LDR, "period=2025-01&agency=" C_LEAD);
	expect(r, 200);
	assert_int_equal(jint(json_object_get(r->json, "total"), "to_handle"), 5);
	http_res_free(r);
	r = report_get(W_RCV, "period=2025-01");
	assert_problem(r, 403, "forbidden");
	http_res_free(r);
	r = http_get(g, "/api/v1/reports/resolution?period=2025-01");
	assert_problem(r, 401, NULL);
	http_res_free(r);
	/* A bearer API token with report.read (the benchmark's way in). */
	motcua_run((const char *const[]){ "token", "create", "--name", "Báo cáo", "--scopes",
	    "report.read", "--agency", C_PROV, "--db", srv_db_url(g), NULL }, &cr, 60000);
	assert_int_equal(cr.status, 0);
	snprintf(hdr, sizeof(hdr), "Authorization: Bearer %.*s", (int)strcspn(cr.out, "\r\n \t"),
	    cr.out);
	cli_res_free(&cr);
	r = http_req(g, "GET", "/api/v1/reports/resolution?from=2025-01-01&to=2025-01-31",
	    (const char *const[]){ hdr, NULL }, NULL);
	expect(r, 200);
	assert_int_equal(jint(json_object_get(r->json, "total"), "to_handle"), 5);
	http_res_free(r);
}

/* ---- 6. other figures ------------------------------------------------------------------------ */

/* The trend's satisfaction per month (January–March 2025, seen on 11
 * March), province-wide and per agency (the desk holds the bundles'
 * ratings), against the ratings the test made. */
static void
trend_ratings(void)
{
	static const char *const months[3][3] = { { "2025-01", "2025-01-01", "2025-01-31" },
		{ "2025-02", "2025-02-01", "2025-02-28" }, { "2025-03", "2025-03-01", "2025-03-31" } };
	static const char *const agencies[] = { NULL, C_LEAD, C_DESK, C_OTHER };
	int64_t rated = 0, unsatisfied = 0;

	for (size_t k = 0; k < sizeof(agencies) / sizeof(agencies[0]); k++) {
		char *path = agencies[k] ? harness_strdupf("/api/v1/reports/trend?months=3&agency=%s",
		    agencies[k]) : harness_strdupf("/api/v1/reports/trend?months=3");
		struct http_res *r = as(W_ADM, "GET", path, NULL);
		json_t *items, *target;

		expect(r, 200);
		items = json_object_get(r->json, "items");
		target = json_object_get(json_object_get(r->json, "targets"), "satisfaction_rate");
		assert_true(json_real_value(target) > 0.7499 && json_real_value(target) < 0.7501);
		assert_int_equal(json_array_size(items), 3);
		for (int m = 0; m < 3; m++) {
			json_t *it = json_array_get(items, (size_t)m), *got;
			int64_t want[X__MAX];

			expected_of(months[m][1], months[m][2], now_t, NULL, agencies[k], want);
			assert_string_equal(jstr(it, "month"), months[m][0]);
			if (jint(it, "rated") != want[X_RATED] || jint(it, "satisfied") !=
			    want[X_SATISFIED])
				fail_msg("trend %s %s: want %lld/%lld rated/satisfied, got %lld/%lld",
				    agencies[k] ? agencies[k] : "province", months[m][0],
				    (long long)want[X_RATED], (long long)want[X_SATISFIED],
				    (long long)jint(it, "rated"), (long long)jint(it, "satisfied"));
			got = json_object_get(it, "satisfaction_rate");
			if (want[X_RATED] == 0) {
				assert_true(json_is_null(got));
			} else {
				double w = (double)want[X_SATISFIED] / (double)want[X_RATED];

				assert_true(json_is_number(got));
				if (json_number_value(got) < w - 0.00005 || json_number_value(got) >
				    w + 0.00005)
					fail_msg("trend %s satisfaction_rate: want %f, got %f",
					    months[m][0], w, json_number_value(got));
			}
			if (agencies[k] == NULL) {
				rated += want[X_RATED];
				unsatisfied += want[X_RATED] - want[X_SATISFIED];
			}
		}
		http_res_free(r);
		free(path);
	}
	/* The dataset has ratings in the three months, some not satisfied. */
	assert_true(rated >= 3);
	assert_true(unsatisfied >= 1);
}

static void
test_other_figures(void **state)
{
	struct http_res *r;
	json_t *it, *x;
	size_t i;
	int64_t want[X__MAX], steps = 0;

	(void)state;
	set_now("2025-03-11T09:00:00+07:00");
	expected("2025-02-01", "2025-02-28", now_t, NULL, want);
	r = as(W_ADM, "GET", "/api/v1/reports/summary?period=2025-02", NULL);
	expect(r, 200);
	x = json_object_get(json_object_get(r->json, "indicators"), "online_share");
	assert_true(json_real_value(json_object_get(x, "target")) > 0.29);
	{
		double ws = (double)want[X_ONLINE] / (double)(want[X_ONLINE] + want[X_COUNTER]);
		double got = json_number_value(json_object_get(x, "actual"));

		assert_true(got > ws - 0.0001 && got < ws + 0.0001);
	}
	x = json_object_get(json_object_get(r->json, "indicators"), "level34_share");
	/* DOS-T1 is level 3; DOS-T3, DOS-XD, BT-A and BT-B level 2: one of five. */
	assert_true(json_number_value(json_object_get(x, "actual")) > 0.1999 &&
	    json_number_value(json_object_get(x, "actual")) < 0.2001);
	assert_false(json_is_true(json_object_get(x, "meets")));
	/* Satisfaction: the ratings made in February against 75 %. */
	x = json_object_get(json_object_get(r->json, "indicators"), "satisfaction");
	{
		double ws = (double)want[X_SATISFIED] / (double)want[X_RATED];
		double got = json_number_value(json_object_get(x, "actual"));

		assert_true(want[X_RATED] > 0);
		assert_true(got > ws - 0.0001 && got < ws + 0.0001);
		assert_true(json_real_value(json_object_get(x, "target")) > 0.749);
		assert_int_equal(json_is_true(json_object_get(x, "meets")), ws >= 0.75);
	}
	x = json_object_get(r->json, "satisfaction_criteria");
	assert_int_equal(jint(x, "rated"), want[X_RATED]);
	assert_int_equal(jint(x, "satisfied"), want[X_SATISFIED]);
	/* b2's result, k2's procedure, a1's officer (its changed answer). */
	assert_int_equal(jint(sub_obj(x, "criteria", "result"), "dissatisfied"), 1);
	assert_int_equal(jint(sub_obj(x, "criteria", "procedure"), "dissatisfied"), 1);
	assert_int_equal(jint(sub_obj(x, "criteria", "officer"), "dissatisfied"), 1);
	assert_int_equal(jint(sub_obj(x, "criteria", "access"), "dissatisfied"), 0);
	assert_int_equal(jint(sub_obj(x, "criteria", "access"), "answered"), want[X_RATED]);
	assert_int_equal(jint(sub_obj(x, "criteria", "feedback"), "answered"), 0);
	http_res_free(r);

	r = as(W_ADM, "GET", "/api/v1/reports/trend?months=3", NULL);
	expect(r, 200);
	assert_int_equal(json_array_size(json_object_get(r->json, "items")), 3);
	it = json_array_get(json_object_get(r->json, "items"), 1);
	assert_string_equal(jstr(it, "month"), "2025-02");
	assert_int_equal(jint(it, "handled"), want[X_EARLY] + want[X_ON_TIME] + want[X_LATE]);
	assert_int_equal(jint(it, "handled_late"), want[X_LATE]);
	http_res_free(r);
	trend_ratings();

	r = as(W_ADM, "GET", "/api/v1/reports/officials?period=2025-02", NULL);
	expect(r, 200);
	json_array_foreach(json_object_get(r->json, "items"), i, it)
		steps += jint(it, "steps");
	assert_true(steps > 0);
	http_res_free(r);

	r = as(W_ADM, "GET", "/api/v1/reports/durations?period=2025-02", NULL);
	expect(r, 200);
	it = json_object_get(r->json, "procedures");
	assert_true(json_array_size(it) >= 1);
	json_array_foreach(it, i, x)
		assert_true(json_real_value(json_object_get(x, "p90_hours")) >=
		    json_real_value(json_object_get(x, "avg_hours")) - 1e-9 ||
		    jint(x, "count") == 1);
	assert_true(json_array_size(json_object_get(r->json, "steps")) >= 1);
	http_res_free(r);

	r = as(W_ADM, "GET", "/api/v1/reports/reasons?period=2025-02", NULL);
	expect(r, 200);
	assert_string_equal(jstr(json_array_get(json_object_get(r->json, "supplements"), 0), "item"),
	    "Bản sao giấy khai sinh");
	assert_string_equal(jstr(json_array_get(json_object_get(r->json, "rejections"), 0), "reason"),
	    "Không đủ điều kiện");
	http_res_free(r);
	r = as(W_ADM, "GET", "/api/v1/reports/reasons?period=2025-01", NULL);
	expect(r, 200);
	assert_string_equal(jstr(json_array_get(json_object_get(r->json, "rejections"), 0), "kind"),
	    "refused");
	http_res_free(r);
}

/* ---- 7. public statistics: figures, no personal data ---------------------------------------- */

static void
no_personal_data(const struct http_res *r)
{
	static const char *const bad[] = { "Nguyễn Thị Bích Ngọc", "079190001234", "0912 345 678",
		"ngoc.nguyen@example.vn", "Phan Chu Trinh", "Cán Bộ Thử Nghiệm", "tn_desk", "cv_lead",
		"-2502", "-2501", RATE_COMMENT, "quầy số 3" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (strstr(r->body, bad[i]) != NULL)
			fail_msg("public answer holds \"%s\": %s", bad[i], r->body);
}

static void
test_public(void **state)
{
	struct http_res *r;
	json_t *row;
	int64_t want[X__MAX];
	size_t i;

	(void)state;
	set_now("2025-03-11T09:00:00+07:00");
	/* January is not published: live figures. */
	expected("2025-01-01", "2025-01-31", now_t, NULL, want);
	r = http_get(g, "/api/v1/public/statistics?kind=month&date=2025-01-15");
	expect(r, 200);
	no_personal_data(r);
	assert_false(json_is_true(json_object_get(r->json, "published")));
	row = NULL;
	json_array_foreach(json_object_get(r->json, "agencies"), i, row)
		if (strcmp(jstr(row, "code"), C_LEAD) == 0)
			break;
	assert_non_null(row);
	assert_int_equal(jint(row, "received"), want[X_ONLINE] + want[X_COUNTER]);
	assert_int_equal(jint(row, "received_online"), want[X_ONLINE]);
	assert_int_equal(jint(row, "handled_in_time"), want[X_EARLY] + want[X_ON_TIME]);
	assert_int_equal(jint(row, "in_progress"), want[X_IP_ON_TIME] + want[X_IP_OVERDUE]);
	/* Satisfaction counts only (a3's rating). */
	assert_int_equal(want[X_RATED], 1);
	assert_int_equal(jint(row, "rated"), want[X_RATED]);
	assert_int_equal(jint(row, "satisfied"), want[X_SATISFIED]);
	assert_true(json_real_value(json_object_get(row, "satisfaction_rate")) > 0.9999);
	http_res_free(r);
	/* February is published: the frozen figures. */
	r = http_get(g, "/api/v1/public/statistics?kind=month&date=2025-02-10");
	expect(r, 200);
	no_personal_data(r);
	assert_true(json_is_true(json_object_get(r->json, "published")));
	/* The desk's row: the two bundles' ratings, one satisfied. */
	expected_of("2025-02-01", "2025-02-28", now_t, NULL, C_DESK, want);
	assert_int_equal(want[X_RATED], 2);
	json_array_foreach(json_object_get(r->json, "agencies"), i, row)
		if (strcmp(jstr(row, "code"), C_DESK) == 0)
			break;
	assert_non_null(row);
	assert_int_equal(jint(row, "rated"), want[X_RATED]);
	assert_int_equal(jint(row, "satisfied"), want[X_SATISFIED]);
	assert_int_equal(jint(json_object_get(r->json, "total"), "rated"), 5);
	http_res_free(r);
	r = http_get(g, "/api/v1/public/statistics?kind=week&date=2025-02-05&format=csv");
	expect(r, 200);
	no_personal_data(r);
	assert_memory_equal(r->body, "\xEF\xBB\xBF", 3);
	assert_non_null(strstr(r->body, "week,2025-02-03,2025-02-09"));
	assert_non_null(strstr(r->body, "satisfaction_rate_percent"));
	assert_non_null(strstr(r->body, C_LEAD_NAME));
	http_res_free(r);
	r = http_get(g, "/api/v1/public/statistics?kind=year");
	assert_problem(r, 400, "validation");
	assert_invalid_param(r, "kind");
	http_res_free(r);
	/* The staff report's drill-down is not public. */
	r = http_get(g, "/api/v1/reports/resolution/dossiers?period=2025-02&column=handled");
	assert_problem(r, 401, NULL);
	http_res_free(r);
}

static void
test_public_rate_limit(void **state)
{
	struct http_res *r = NULL;
	int limited = 0;

	(void)state;
	at_args("2025-03-11T09:00:00+07:00", (const char *const[]){ "--data", data_arg,
	    "--calendar_sync_seconds", "0", "--dossier_scan_seconds", "0", "--lookup_rate_per_minute",
	    "1", "--lookup_burst", "2", FAST_ARGON, NULL });
	for (int i = 0; i < 5 && !limited; i++) {
		r = http_get(g, "/api/v1/public/statistics?kind=week");
		if (r->status == 429) {
			limited = 1;
			assert_problem(r, 429, NULL);
			assert_non_null(http_header(r, "Retry-After"));
		} else {
			expect(r, 200);
		}
		http_res_free(r);
	}
	assert_true(limited);
}

/* ---- 8. validation ---------------------------------------------------------------------------- */

static void
test_validation(void **state)
{
	static const struct {
		const char *q, *param;
	} bad[] = {
		{ "from=2025-02-01", "to" },
		{ "from=2025-02-30&to=2025-03-01", "from" },
		{ "from=2025-03-01&to=2025-02-01", "to" },
		{ "from=2015-01-01&to=2025-02-01", "to" },
		{ "period=2025-13", "period" },
		{ "period=2025-Q5", "period" },
		{ "period=2025-02&from=2025-02-01", "period" },
		{ "period=2025-02&group_by=nope", "group_by" },
		{ "period=2025-02&format=pdf", "format" },
	};

	(void)state;
	set_now("2025-03-11T09:00:00+07:00");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct http_res *r = report_get(W_ADM, bad[i].q);

		assert_problem(r, 400, "validation");
		assert_invalid_param(r, bad[i].param);
		http_res_free(r);
	}
}

static int
setup(void **state)
{
	struct http_res *r;

	group_setup(state);
	r = as(W_ADM, "POST", "/api/v1/users", "{\"username\": \"ld_khac\", \"password\": \""
	    PW "\", \"role\": \"leader\", \"full_name\": \"Lãnh Đạo Khác\", \"agency\": \""
	    C_OTHER "\"}");
	expect(r, 201);
	http_res_free(r);
	/* The lead agency's own receiver starts its components. */
	r = as(W_ADM, "POST", "/api/v1/users", "{\"username\": \"tn_lead\", \"password\": \""
	    PW "\", \"role\": \"receiver\", \"full_name\": \"Tiếp Nhận Sở\", \"agency\": \""
	    C_LEAD "\"}");
	expect(r, 201);
	http_res_free(r);
	/* The interlinked group, imported with the server stopped. */
	{
		char *file = harness_strdupf("%s/bundles.json", harness_tmpdir());

		harness_write_file(file, bundle_catalog);
		assert_int_equal(srv_terminate(g, SIGTERM, 15000), 0);
		g->pid = 0;
		cli_ok((const char *const[]){ "catalog", "import", file, "--db", srv_db_url(g),
		    NULL });
		free(file);
		at(NULL);
	}
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dataset_and_cells),
		cmocka_unit_test(test_drilldown),
		cmocka_unit_test(test_exports),
		cmocka_unit_test(test_publish_frozen),
		cmocka_unit_test(test_scope),
		cmocka_unit_test(test_other_figures),
		cmocka_unit_test(test_public),
		cmocka_unit_test(test_validation),
		cmocka_unit_test(test_public_rate_limit),
	};

	return HARNESS_RUN(tests, setup, group_teardown);
}

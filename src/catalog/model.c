/*
 * Validation of catalogue records as JSON: every field typed, bounded and
 * named in the error, so an import or an API call either passes whole or
 * is answered with the list of what is wrong (nothing is written).
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../core/config.h"
#include "../core/core.h"
#include "catalog.h"

/* Bounds, in characters unless said otherwise. */
#define LEN_NAME 500
#define LEN_SHORT 300
#define LEN_LONG 4000
#define LEN_NOTE 1000
#define MAX_ITEMS 100
#define MAX_AGENCIES 50
#define MAX_FEES 30
#define MAX_STEPS 50
#define MAX_LEGAL 50
#define MAX_COUNT 20 /* originals or copies of one document */
#define MAX_AMOUNT 100000000000LL /* 100 billion đồng */

void
catalog_err_add(struct catalog_errs *errs, const char *name, const char *vi, const char *en, ...)
{
	struct catalog_err *e;
	va_list ap;

	if (errs == NULL)
		return;
	errs->total++;
	if (errs->n == CATALOG_ERRS_MAX)
		return;
	e = &errs->e[errs->n++];
	str_lcpy(e->record, errs->record, sizeof(e->record));
	str_lcpy(e->name, name, sizeof(e->name));
	va_start(ap, en);
	vsnprintf(e->vi, sizeof(e->vi), vi, ap);
	va_end(ap);
	va_start(ap, en);
	vsnprintf(e->en, sizeof(e->en), en, ap);
	va_end(ap);
}

int64_t
catalog_budget_hours(enum catalog_unit unit, int64_t limit, int64_t hours_per_day)
{
	if (unit == CATALOG_HOURS)
		return limit;
	return (limit == 0 ? 1 : limit) * hours_per_day;
}

int64_t
catalog_hours_per_day(void)
{
	return config_int(CFG_CATALOG_HOURS_PER_DAY);
}

int
catalog_code_valid(const char *s)
{
	size_t n;

	if (s == NULL || (n = strlen(s)) == 0 || n > 32)
		return 0;
	if (!((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= '0' && s[0] <= '9')))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
		    s[i] == '-'))
			return 0;
	return 1;
}

/* "1.001612": one digit, a dot, six digits. */
int
catalog_national_code_valid(const char *s)
{
	if (s == NULL || strlen(s) != 8 || s[0] < '1' || s[0] > '9' || s[1] != '.')
		return 0;
	for (int i = 2; i < 8; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* QCVN 102:2016: V1V2V3.Z1Z2.Y1Y2.MX1X2, digits (or capitals) and a
 * capital letter for M, e.g. 000.00.00.H19. */
int
catalog_agency_code_valid(const char *s)
{
	static const char shape[] = "xxx.xx.xx.Lxx";

	if (s == NULL || strlen(s) != sizeof(shape) - 1)
		return 0;
	for (size_t i = 0; shape[i] != '\0'; i++) {
		char c = s[i];
		int digit = c >= '0' && c <= '9', upper = c >= 'A' && c <= 'Z';

		if (shape[i] == '.' ? c != '.' : shape[i] == 'L' ? !upper : !(digit || upper))
			return 0;
	}
	return 1;
}

int
catalog_version_at(const struct catalog_span *spans, size_t n, const char *date)
{
	int best = -1;

	if (spans == NULL || date == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (spans[i].from == NULL || strcmp(spans[i].from, date) > 0)
			continue;
		if (spans[i].to != NULL && strcmp(spans[i].to, date) <= 0)
			continue;
		if (best == -1 || strcmp(spans[i].from, spans[best].from) > 0)
			best = (int)i;
	}
	return best;
}

/* ---- field checks ------------------------------------------------------- */

struct vctx {
	struct catalog_errs *errs;
	const char *prefix;
	char path[96];
};

static const char *
vc_path(struct vctx *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static const char *
vc_path(struct vctx *v, const char *fmt, ...)
{
	char tail[80];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tail, sizeof(tail), fmt, ap);
	va_end(ap);
	snprintf(v->path, sizeof(v->path), "%s%s", v->prefix, tail);
	return v->path;
}

/* 1 if s is UTF-8 text of at most max characters (min..max) with no
 * control characters (newline and tab allowed when multiline). */
static int
text_ok(const char *s, size_t min, size_t max, int multiline)
{
	size_t n = strlen(s), chars;

	if (n > 4 * max || !str_utf8_valid(s, n))
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && !(multiline && (c == '\n' || c == '\t' || c == '\r'))) || c == 0x7f)
			return 0;
	}
	chars = str_utf8_len(s);
	if (chars < min || chars > max)
		return 0;
	/* Required text is not only blanks. */
	if (min > 0 && strspn(s, " \t\r\n") == n)
		return 0;
	return 1;
}

/* A string member: required (min >= 1) or optional (absent or null means
 * empty).  Returns the value or NULL. */
static const char *
v_text(struct vctx *v, json_t *o, const char *key, size_t min, size_t max, int multiline)
{
	json_t *x = json_object_get(o, key);

	if (x == NULL || json_is_null(x)) {
		if (min > 0)
			catalog_err_add(v->errs, vc_path(v, "%s", key), "Bắt buộc phải có.",
			    "Required.");
		return NULL;
	}
	if (!json_is_string(x) || !text_ok(json_string_value(x), min, max, multiline)) {
		catalog_err_add(v->errs, vc_path(v, "%s", key),
		    min > 0 ? "Cần chuỗi %zu–%zu ký tự, không có ký tự điều khiển." :
		    "Cần chuỗi tối đa %zu ký tự, không có ký tự điều khiển.",
		    min > 0 ? "Must be text of %zu–%zu characters without control characters." :
		    "Must be text of at most %zu characters without control characters.",
		    min > 0 ? min : max, max);
		return NULL;
	}
	return json_string_value(x);
}

static int
v_int(struct vctx *v, json_t *o, const char *key, int required, int64_t min, int64_t max,
    int64_t *out)
{
	json_t *x = json_object_get(o, key);

	if (x == NULL || json_is_null(x)) {
		if (required)
			catalog_err_add(v->errs, vc_path(v, "%s", key), "Bắt buộc phải có.",
			    "Required.");
		return -1;
	}
	if (!json_is_integer(x) || json_integer_value(x) < min || json_integer_value(x) > max) {
		catalog_err_add(v->errs, vc_path(v, "%s", key), "Cần số nguyên từ %lld đến %lld.",
		    "Must be an integer from %lld to %lld.", (long long)min, (long long)max);
		return -1;
	}
	*out = json_integer_value(x);
	return 0;
}

static void
v_bool(struct vctx *v, json_t *o, const char *key)
{
	json_t *x = json_object_get(o, key);

	if (x != NULL && !json_is_boolean(x))
		catalog_err_add(v->errs, vc_path(v, "%s", key), "Cần true hoặc false.",
		    "Must be true or false.");
}

static int
date_ok(const char *s)
{
	int y, m, d;

	return s != NULL && time_parse_date(s, &y, &m, &d) == 0 && y >= 1945 && y <= 2199;
}

static const char *
v_date(struct vctx *v, json_t *o, const char *key, int required)
{
	json_t *x = json_object_get(o, key);

	if (x == NULL || json_is_null(x)) {
		if (required)
			catalog_err_add(v->errs, vc_path(v, "%s", key),
			    "Bắt buộc phải có (ngày dạng YYYY-MM-DD).", "Required (a YYYY-MM-DD date).");
		return NULL;
	}
	if (!json_is_string(x) || !date_ok(json_string_value(x))) {
		catalog_err_add(v->errs, vc_path(v, "%s", key),
		    "Cần ngày có thật dạng YYYY-MM-DD (1945–2199).",
		    "Must be a real YYYY-MM-DD date (1945–2199).");
		return NULL;
	}
	return json_string_value(x);
}

/* The value is one of the NULL-terminated names; returns its index. */
static int
one_of(json_t *x, const char *const *names)
{
	if (!json_is_string(x))
		return -1;
	for (int i = 0; names[i] != NULL; i++)
		if (strcmp(json_string_value(x), names[i]) == 0)
			return i;
	return -1;
}

static int
v_enum(struct vctx *v, json_t *o, const char *key, const char *const *names, const char *list)
{
	json_t *x = json_object_get(o, key);
	int k;

	if (x == NULL || (k = one_of(x, names)) == -1) {
		catalog_err_add(v->errs, vc_path(v, "%s", key), "Cần một trong: %s.",
		    "Must be one of: %s.", list);
		return -1;
	}
	return k;
}

/* Every key of o is in the allowed lists. */
static void
v_known_keys(struct vctx *v, json_t *o, const char *const *allowed, const char *const *extra)
{
	const char *key;
	json_t *val;

	json_object_foreach(o, key, val) {
		int ok = 0;

		(void)val;
		for (size_t i = 0; !ok && allowed[i] != NULL; i++)
			ok = strcmp(key, allowed[i]) == 0;
		for (size_t i = 0; !ok && extra != NULL && extra[i] != NULL; i++)
			ok = strcmp(key, extra[i]) == 0;
		if (!ok)
			catalog_err_add(v->errs, vc_path(v, "%.60s", key), "Trường không được hỗ trợ.",
			    "Unknown field.");
	}
}

/* An array member (absent = empty unless required); NULL if invalid. */
static json_t *
v_array(struct vctx *v, json_t *o, const char *key, size_t min, size_t max)
{
	json_t *x = json_object_get(o, key);

	if (x == NULL || json_is_null(x)) {
		if (min > 0)
			catalog_err_add(v->errs, vc_path(v, "%s", key),
			    "Bắt buộc phải có (ít nhất %zu mục).", "Required (at least %zu items).", min);
		return NULL;
	}
	if (!json_is_array(x) || json_array_size(x) < min || json_array_size(x) > max) {
		catalog_err_add(v->errs, vc_path(v, "%s", key), "Cần danh sách %zu–%zu mục.",
		    "Must be a list of %zu–%zu items.", min, max);
		return NULL;
	}
	return x;
}

/* A list of agency codes, each valid and listed once. */
static void
v_agency_codes(struct vctx *v, json_t *a, const char *name)
{
	size_t i;
	json_t *x;

	json_array_foreach(a, i, x) {
		if (!json_is_string(x) || !catalog_agency_code_valid(json_string_value(x))) {
			catalog_err_add(v->errs, vc_path(v, "%s[%zu]", name, i),
			    "Cần mã định danh cơ quan theo QCVN 102, ví dụ 000.00.00.H19.",
			    "Must be a QCVN 102 agency identifier such as 000.00.00.H19.");
			continue;
		}
		for (size_t j = 0; j < i; j++)
			if (json_equal(json_array_get(a, j), x)) {
				catalog_err_add(v->errs, vc_path(v, "%s[%zu]", name, i),
				    "Mã cơ quan bị lặp.", "Agency listed twice.");
				break;
			}
	}
}

/* "HH:MM" into minutes. */
static int
hhmm_parse(const char *s, int *out)
{
	if (strlen(s) != 5 || s[2] != ':')
		return -1;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');

	if (h > 24 || m > 59 || (h == 24 && m != 0))
		return -1;
	*out = h * 60 + m;
	return 0;
}

static const char *const version_keys[] = {
	"name", "field", "levels", "authority", "agencies", "time_limit", "cutoff", "online",
	"channels", "result", "conditions", "description", "where_to_submit", "fee_note", "fees",
	"documents", "steps", "legal_basis", "bundle", "source_note", "effective_from",
	"decision", "change_note", NULL,
};
static const char *const identity_keys[] = { "code", "national_code", NULL };
static const char *const level_names[] = { "province", "district", "commune", NULL };
static const char *const unit_names[] = { "day", "hour", NULL };
static const char *const class_names[] = { "full", "partial", "none", NULL };
static const char *const channel_names[] = { "counter", "post", "online", NULL };
static const char *const fee_kinds[] = { "fee", "charge", NULL };
static const char *const step_roles[] = { "receiver", "specialist", "leader", "clerk", "other",
	NULL };

static void
v_identity(struct vctx *v, json_t *o)
{
	json_t *x = json_object_get(o, "code");

	if (!json_is_string(x) || !catalog_code_valid(json_string_value(x)))
		catalog_err_add(v->errs, vc_path(v, "code"),
		    "Cần mã thủ tục 1–32 ký tự A–Z, 0–9, dấu chấm hoặc gạch ngang.",
		    "Must be a procedure code of 1–32 characters A–Z, 0–9, dot or hyphen.");
	x = json_object_get(o, "national_code");
	if (x != NULL && !json_is_null(x) &&
	    (!json_is_string(x) || !catalog_national_code_valid(json_string_value(x))))
		catalog_err_add(v->errs, vc_path(v, "national_code"),
		    "Mã thủ tục quốc gia có dạng 1.001612, hoặc null khi chưa biết chắc.",
		    "A national procedure code looks like 1.001612, or null when not known for sure.");
}

static void
v_levels_channels(struct vctx *v, json_t *o, int online_level, int online_class)
{
	json_t *a, *x;
	size_t i;
	int seen_online = 0;

	if ((a = v_array(v, o, "levels", 1, 3)) != NULL)
		json_array_foreach(a, i, x) {
			if (one_of(x, level_names) == -1)
				catalog_err_add(v->errs, vc_path(v, "levels[%zu]", i),
				    "Cần province, district hoặc commune.",
				    "Must be province, district or commune.");
			for (size_t j = 0; j < i; j++)
				if (json_equal(json_array_get(a, j), x))
					catalog_err_add(v->errs, vc_path(v, "levels[%zu]", i),
					    "Cấp bị lặp.", "Level listed twice.");
		}
	if ((a = v_array(v, o, "channels", 1, 3)) != NULL) {
		json_array_foreach(a, i, x) {
			int k = one_of(x, channel_names);

			if (k == -1)
				catalog_err_add(v->errs, vc_path(v, "channels[%zu]", i),
				    "Cần counter, post hoặc online.", "Must be counter, post or online.");
			if (k == 2)
				seen_online = 1;
			for (size_t j = 0; j < i; j++)
				if (json_equal(json_array_get(a, j), x))
					catalog_err_add(v->errs, vc_path(v, "channels[%zu]", i),
					    "Cách thức nộp bị lặp.", "Channel listed twice.");
		}
		if ((online_level >= 3 || (online_class >= 0 && online_class <= 1)) && !seen_online)
			catalog_err_add(v->errs, vc_path(v, "channels"),
			    "Dịch vụ công trực tuyến mức 3, 4 (một phần, toàn trình) phải nhận hồ sơ "
			    "trực tuyến (online).",
			    "Online service levels 3 and 4 (partial, full) must accept the online channel.");
	}
}

/* online {level, class, url}; level and class into the outs (-1 unknown). */
static void
v_online(struct vctx *v, json_t *o, int *level, int *klass)
{
	json_t *x = json_object_get(o, "online");
	struct vctx sub = { v->errs, NULL, "" };
	char pre[96];
	int64_t lv = -1;
	static const char *const keys[] = { "level", "class", "url", NULL };

	*level = -1;
	*klass = -1;
	if (!json_is_object(x)) {
		catalog_err_add(v->errs, vc_path(v, "online"),
		    "Cần {level: 1–4, class: full|partial|none, url}.",
		    "Must be {level: 1–4, class: full|partial|none, url}.");
		return;
	}
	snprintf(pre, sizeof(pre), "%sonline.", v->prefix);
	sub.prefix = pre;
	v_known_keys(&sub, x, keys, NULL);
	if (v_int(&sub, x, "level", 1, 1, 4, &lv) == 0)
		*level = (int)lv;
	*klass = v_enum(&sub, x, "class", class_names, "full, partial, none");
	v_text(&sub, x, "url", 0, LEN_SHORT, 0);
	/* Decree 42/2022: "toàn trình" is what level 4 was; "một phần" needs
	 * online submission, so it cannot be level 1 or 2's information only. */
	if (*level != -1 && *klass == 0 && *level != 4)
		catalog_err_add(v->errs, vc_path(v, "online.class"),
		    "Dịch vụ toàn trình (full) tương ứng mức độ 4.", "A full online service is level 4.");
	if (*level == 4 && *klass != -1 && *klass != 0)
		catalog_err_add(v->errs, vc_path(v, "online.class"),
		    "Mức độ 4 là dịch vụ toàn trình (full).", "Level 4 is a full online service.");
	if (*level == 3 && *klass == 2)
		catalog_err_add(v->errs, vc_path(v, "online.class"),
		    "Mức độ 3 là dịch vụ một phần (partial).", "Level 3 is a partial online service.");
}

/* time_limit {value, unit, note}; the budget in hours into *budget (-1 when
 * the limit is invalid). */
static void
v_time(struct vctx *v, json_t *o, int64_t *budget)
{
	json_t *x = json_object_get(o, "time_limit");
	struct vctx sub = { v->errs, NULL, "" };
	char pre[96];
	int64_t val = -1;
	int unit;
	static const char *const keys[] = { "value", "unit", "note", NULL };

	*budget = -1;
	if (!json_is_object(x)) {
		catalog_err_add(v->errs, vc_path(v, "time_limit"),
		    "Cần {value: số ngày hoặc giờ làm việc, unit: day|hour, note}.",
		    "Must be {value: working days or hours, unit: day|hour, note}.");
		return;
	}
	snprintf(pre, sizeof(pre), "%stime_limit.", v->prefix);
	sub.prefix = pre;
	v_known_keys(&sub, x, keys, NULL);
	unit = v_enum(&sub, x, "unit", unit_names, "day, hour");
	if (v_int(&sub, x, "value", 1, 0, unit == 1 ? 24 * 365 : 3650, &val) == 0 && unit != -1)
		*budget = catalog_budget_hours(unit == 1 ? CATALOG_HOURS : CATALOG_DAYS, val,
		    catalog_hours_per_day());
	if (unit == 1 && val == 0)
		catalog_err_add(v->errs, vc_path(v, "time_limit.value"),
		    "Thời hạn tính theo giờ phải ít nhất 1 giờ.", "A limit in hours is at least 1 hour.");
	v_text(&sub, x, "note", 0, LEN_NOTE, 1);
}

static void
v_documents(struct vctx *v, json_t *o)
{
	static const char *const keys[] = { "name", "originals", "copies", "required", "form",
		"note", NULL };
	json_t *a = v_array(v, o, "documents", 0, MAX_ITEMS), *d;
	size_t i;

	if (a == NULL)
		return;
	json_array_foreach(a, i, d) {
		struct vctx sub = { v->errs, NULL, "" };
		char pre[96];
		int64_t orig = 0, cop = 0;

		snprintf(pre, sizeof(pre), "%sdocuments[%zu].", v->prefix, i);
		sub.prefix = pre;
		if (!json_is_object(d)) {
			catalog_err_add(v->errs, vc_path(v, "documents[%zu]", i),
			    "Cần {name, originals, copies, required, form, note}.",
			    "Must be {name, originals, copies, required, form, note}.");
			continue;
		}
		v_known_keys(&sub, d, keys, NULL);
		v_text(&sub, d, "name", 1, LEN_NOTE, 1);
		v_int(&sub, d, "originals", 1, 0, MAX_COUNT, &orig);
		v_int(&sub, d, "copies", 1, 0, MAX_COUNT, &cop);
		v_bool(&sub, d, "required");
		v_text(&sub, d, "form", 0, LEN_SHORT, 0);
		v_text(&sub, d, "note", 0, LEN_NOTE, 1);
	}
}

static void
v_fees(struct vctx *v, json_t *o)
{
	static const char *const keys[] = { "kind", "name", "amount", "per", "collector", "note",
		NULL };
	json_t *a = v_array(v, o, "fees", 0, MAX_FEES), *f;
	size_t i;

	if (a == NULL)
		return;
	json_array_foreach(a, i, f) {
		struct vctx sub = { v->errs, NULL, "" };
		char pre[96];
		int64_t amt;

		snprintf(pre, sizeof(pre), "%sfees[%zu].", v->prefix, i);
		sub.prefix = pre;
		if (!json_is_object(f)) {
			catalog_err_add(v->errs, vc_path(v, "fees[%zu]", i),
			    "Cần {kind, name, amount, per, collector, note}.",
			    "Must be {kind, name, amount, per, collector, note}.");
			continue;
		}
		v_known_keys(&sub, f, keys, NULL);
		v_enum(&sub, f, "kind", fee_kinds, "fee (lệ phí), charge (phí)");
		v_text(&sub, f, "name", 1, LEN_SHORT, 0);
		v_int(&sub, f, "amount", 0, 0, MAX_AMOUNT, &amt);
		v_text(&sub, f, "per", 0, 100, 0);
		v_text(&sub, f, "collector", 0, LEN_SHORT, 0);
		v_text(&sub, f, "note", 0, LEN_NOTE, 1);
	}
}

static void
v_steps(struct vctx *v, json_t *o, int64_t budget)
{
	static const char *const keys[] = { "name", "unit", "role", "hours", "note", NULL };
	json_t *a = v_array(v, o, "steps", 0, MAX_STEPS), *s;
	int64_t sum = 0;
	int sum_ok = 1;
	size_t i;

	if (a == NULL)
		return;
	json_array_foreach(a, i, s) {
		struct vctx sub = { v->errs, NULL, "" };
		char pre[96];
		int64_t h = 0;

		snprintf(pre, sizeof(pre), "%ssteps[%zu].", v->prefix, i);
		sub.prefix = pre;
		if (!json_is_object(s)) {
			catalog_err_add(v->errs, vc_path(v, "steps[%zu]", i),
			    "Cần {name, unit, role, hours, note}.", "Must be {name, unit, role, hours, note}.");
			sum_ok = 0;
			continue;
		}
		v_known_keys(&sub, s, keys, NULL);
		v_text(&sub, s, "name", 1, LEN_SHORT, 0);
		v_text(&sub, s, "unit", 1, 200, 0);
		v_enum(&sub, s, "role", step_roles, "receiver, specialist, leader, clerk, other");
		if (v_int(&sub, s, "hours", 1, 0, 24 * 3650, &h) == 0)
			sum += h;
		else
			sum_ok = 0;
		v_text(&sub, s, "note", 0, LEN_NOTE, 1);
	}
	if (sum_ok && budget >= 0 && sum > budget)
		catalog_err_add(v->errs, vc_path(v, "steps"),
		    "Tổng thời gian các bước (%lld giờ làm việc) vượt thời hạn giải quyết "
		    "(%lld giờ làm việc).",
		    "The steps' budgets (%lld working hours) exceed the time limit (%lld working hours).",
		    (long long)sum, (long long)budget);
}

static void
v_legal(struct vctx *v, json_t *o)
{
	static const char *const keys[] = { "ref", "title", "issued_on", "issuer", NULL };
	json_t *a = v_array(v, o, "legal_basis", 1, MAX_LEGAL), *l;
	size_t i;

	if (a == NULL)
		return;
	json_array_foreach(a, i, l) {
		struct vctx sub = { v->errs, NULL, "" };
		char pre[96];

		snprintf(pre, sizeof(pre), "%slegal_basis[%zu].", v->prefix, i);
		sub.prefix = pre;
		if (!json_is_object(l)) {
			catalog_err_add(v->errs, vc_path(v, "legal_basis[%zu]", i),
			    "Cần {ref, title, issued_on, issuer}.", "Must be {ref, title, issued_on, issuer}.");
			continue;
		}
		v_known_keys(&sub, l, keys, NULL);
		v_text(&sub, l, "ref", 1, 100, 0);
		v_text(&sub, l, "title", 1, LEN_NAME, 0);
		v_date(&sub, l, "issued_on", 0);
		v_text(&sub, l, "issuer", 0, 200, 0);
	}
}

void
catalog_validate_version(const void *json, int with_identity, const char *const *allow_unknown,
    const char *prefix, struct catalog_errs *errs)
{
	json_t *o = (json_t *)json, *x;
	struct vctx v = { errs, prefix ? prefix : "", "" };
	int64_t budget = -1;
	int level, klass;

	if (!json_is_object(o)) {
		catalog_err_add(errs, v.prefix[0] ? v.prefix : "/", "Cần một đối tượng JSON.",
		    "Must be a JSON object.");
		return;
	}
	if (with_identity) {
		const char *const *extra = allow_unknown;
		static const char *const none[] = { NULL };
		const char *merged[16];
		size_t k = 0;

		/* identity keys + caller's extras */
		for (size_t i = 0; identity_keys[i] != NULL && k < 15; i++)
			merged[k++] = identity_keys[i];
		for (size_t i = 0; extra != NULL && extra[i] != NULL && k < 15; i++)
			merged[k++] = extra[i];
		merged[k] = NULL;
		v_known_keys(&v, o, version_keys, k ? merged : none);
		v_identity(&v, o);
	} else
		v_known_keys(&v, o, version_keys, allow_unknown);

	v_text(&v, o, "name", 1, LEN_NAME, 0);
	x = json_object_get(o, "field");
	if (!json_is_string(x) || !text_ok(json_string_value(x), 1, 64, 0))
		catalog_err_add(errs, vc_path(&v, "field"), "Cần mã lĩnh vực.", "A field code is required.");
	v_text(&v, o, "authority", 0, LEN_SHORT, 0);
	if ((x = json_object_get(o, "agencies")) != NULL && !json_is_null(x)) {
		static const char *const keys[] = { "lead", "cooperating", NULL };
		struct vctx sub = { errs, NULL, "" };
		char pre[96];
		json_t *a;

		snprintf(pre, sizeof(pre), "%sagencies.", v.prefix);
		sub.prefix = pre;
		if (!json_is_object(x))
			catalog_err_add(errs, vc_path(&v, "agencies"),
			    "Cần {lead: [mã cơ quan], cooperating: [mã cơ quan]}.",
			    "Must be {lead: [agency codes], cooperating: [agency codes]}.");
		else {
			v_known_keys(&sub, x, keys, NULL);
			if ((a = v_array(&sub, x, "lead", 0, MAX_AGENCIES)) != NULL)
				v_agency_codes(&sub, a, "lead");
			if ((a = v_array(&sub, x, "cooperating", 0, MAX_AGENCIES)) != NULL)
				v_agency_codes(&sub, a, "cooperating");
		}
	}
	v_time(&v, o, &budget);
	if ((x = json_object_get(o, "cutoff")) != NULL && !json_is_null(x)) {
		int m;

		if (!json_is_string(x) || hhmm_parse(json_string_value(x), &m) == -1)
			catalog_err_add(errs, vc_path(&v, "cutoff"),
			    "Cần giờ dạng HH:MM (00:00–24:00) hoặc null.",
			    "Must be a HH:MM time (00:00–24:00) or null.");
	}
	v_online(&v, o, &level, &klass);
	v_levels_channels(&v, o, level, klass);
	v_text(&v, o, "result", 0, LEN_LONG, 1);
	v_text(&v, o, "conditions", 0, LEN_LONG, 1);
	v_text(&v, o, "description", 0, LEN_LONG, 1);
	v_text(&v, o, "where_to_submit", 0, LEN_LONG, 1);
	v_text(&v, o, "fee_note", 0, LEN_LONG, 1);
	v_fees(&v, o);
	v_documents(&v, o);
	v_steps(&v, o, budget);
	v_legal(&v, o);
	if ((x = json_object_get(o, "bundle")) != NULL && !json_is_null(x) &&
	    (!json_is_string(x) || !text_ok(json_string_value(x), 1, 64, 0)))
		catalog_err_add(errs, vc_path(&v, "bundle"), "Cần mã nhóm liên thông hoặc null.",
		    "Must be an interlinked group code or null.");
	v_text(&v, o, "source_note", 0, LEN_LONG, 1);
	v_date(&v, o, "effective_from", 1);
	v_text(&v, o, "decision", 1, LEN_SHORT, 0);
	v_text(&v, o, "change_note", 0, LEN_NOTE, 1);
}

static const char *const agency_kinds[] = { "province", "department", "district", "commune",
	"unit", "center", "other", NULL };

void
catalog_validate_agency(const void *json, int creating, const char *prefix,
    struct catalog_errs *errs)
{
	static const char *const keys[] = { "code", "parent", "kind", "name", "short_name",
		"name_en", "address", "phone", "email", "website", "office_hours", "is_desk",
		"receives_for", "sort_order", "source_note", NULL };
	json_t *o = (json_t *)json, *x;
	struct vctx v = { errs, prefix ? prefix : "", "" };
	int64_t k;

	if (!json_is_object(o)) {
		catalog_err_add(errs, v.prefix[0] ? v.prefix : "/", "Cần một đối tượng JSON.",
		    "Must be a JSON object.");
		return;
	}
	v_known_keys(&v, o, keys, NULL);
	x = json_object_get(o, "code");
	if (creating ? !json_is_string(x) || !catalog_agency_code_valid(json_string_value(x))
	    : x != NULL)
		catalog_err_add(errs, vc_path(&v, "code"),
		    creating ? "Cần mã định danh theo QCVN 102, ví dụ 000.00.00.H19." :
		    "Không đổi được mã định danh.",
		    creating ? "Must be a QCVN 102 identifier such as 000.00.00.H19." :
		    "The identifier cannot change.");
	x = json_object_get(o, "parent");
	if (x != NULL && !json_is_null(x) &&
	    (!json_is_string(x) || !catalog_agency_code_valid(json_string_value(x))))
		catalog_err_add(errs, vc_path(&v, "parent"),
		    "Cần mã cơ quan cấp trên theo QCVN 102 hoặc null.",
		    "Must be the parent's QCVN 102 identifier or null.");
	if (creating || json_object_get(o, "kind") != NULL)
		v_enum(&v, o, "kind", agency_kinds,
		    "province, department, district, commune, unit, center, other");
	v_text(&v, o, "name", creating || json_object_get(o, "name") ? 1 : 0, 200, 0);
	v_text(&v, o, "short_name", 0, 100, 0);
	v_text(&v, o, "name_en", 0, 200, 0);
	v_text(&v, o, "address", 0, LEN_SHORT, 0);
	v_text(&v, o, "phone", 0, 50, 0);
	v_text(&v, o, "email", 0, 200, 0);
	v_text(&v, o, "website", 0, LEN_SHORT, 0);
	v_text(&v, o, "office_hours", 0, LEN_SHORT, 1);
	v_bool(&v, o, "is_desk");
	if ((x = v_array(&v, o, "receives_for", 0, 200)) != NULL) {
		v_agency_codes(&v, x, "receives_for");
		if (json_array_size(x) > 0 && !json_is_true(json_object_get(o, "is_desk")))
			catalog_err_add(errs, vc_path(&v, "receives_for"),
			    "Chỉ bộ phận một cửa (is_desk: true) mới tiếp nhận hồ sơ cho cơ quan khác.",
			    "Only a one-stop desk (is_desk: true) receives for other agencies.");
	}
	v_int(&v, o, "sort_order", 0, 0, 1000000, &k);
	v_text(&v, o, "source_note", 0, LEN_LONG, 1);
}

static int
slug_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return s[0] != '-';
}

void
catalog_validate_field(const void *json, const char *prefix, struct catalog_errs *errs)
{
	static const char *const keys[] = { "code", "name", "name_en", "sort_order", "source_note",
		NULL };
	json_t *o = (json_t *)json, *x;
	struct vctx v = { errs, prefix ? prefix : "", "" };
	int64_t k;

	if (!json_is_object(o)) {
		catalog_err_add(errs, v.prefix[0] ? v.prefix : "/", "Cần một đối tượng JSON.",
		    "Must be a JSON object.");
		return;
	}
	v_known_keys(&v, o, keys, NULL);
	x = json_object_get(o, "code");
	if (!json_is_string(x) || !slug_ok(json_string_value(x)))
		catalog_err_add(errs, vc_path(&v, "code"), "Cần mã 1–64 ký tự a–z, 0–9, gạch ngang.",
		    "Must be a code of 1–64 characters a–z, 0–9, hyphen.");
	v_text(&v, o, "name", 1, 200, 0);
	v_text(&v, o, "name_en", 0, 200, 0);
	v_int(&v, o, "sort_order", 0, 0, 1000000, &k);
	v_text(&v, o, "source_note", 0, LEN_LONG, 1);
}

void
catalog_validate_bundle(const void *json, const char *prefix, struct catalog_errs *errs)
{
	/* time_limit and components: the bundle slice validates them
	 * (bundle_def_validate; docs/BUNDLE.md). */
	static const char *const keys[] = { "code", "name", "description", "source_note",
		"time_limit", "components", NULL };
	json_t *o = (json_t *)json, *x;
	struct vctx v = { errs, prefix ? prefix : "", "" };

	if (!json_is_object(o)) {
		catalog_err_add(errs, v.prefix[0] ? v.prefix : "/", "Cần một đối tượng JSON.",
		    "Must be a JSON object.");
		return;
	}
	v_known_keys(&v, o, keys, NULL);
	x = json_object_get(o, "code");
	if (!json_is_string(x) || !slug_ok(json_string_value(x)))
		catalog_err_add(errs, vc_path(&v, "code"), "Cần mã 1–64 ký tự a–z, 0–9, gạch ngang.",
		    "Must be a code of 1–64 characters a–z, 0–9, hyphen.");
	v_text(&v, o, "name", 1, LEN_NAME, 0);
	v_text(&v, o, "description", 0, LEN_LONG, 1);
	v_text(&v, o, "source_note", 0, LEN_LONG, 1);
}

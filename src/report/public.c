/*
 * Public disclosure ("công khai kết quả giải quyết TTHC … định kỳ hàng
 * tuần", plan 12835/KH-UBND; Decree 61 Art. 30): each agency's figures of
 * a week or a month, without sign-in, as JSON and as CSV open data.
 * Only counts and agency names — no dossier codes, no names, phones, ID
 * numbers or officers.  The figures of a published period are the frozen
 * ones.  Rate-limited per client IP like the public lookup (same
 * settings, a limiter of its own).
 *
 * GET /api/v1/public/statistics?kind=week|month&date=YYYY-MM-DD&format=json|csv
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../app.h"
#include "../core/config.h"
#include "report_int.h"

static struct ratelimit *public_limiter;
static pthread_once_t public_once = PTHREAD_ONCE_INIT;

static void
public_init(void)
{
	/* Lives as long as the process; the config is read-only by now. */
	public_limiter = ratelimit_new((unsigned)config_int(CFG_LOOKUP_RATE), 60,
	    (unsigned)config_int(CFG_LOOKUP_BURST), 8192);
}

/* The public columns: name, Vietnamese heading, value of a row. */
enum pub_col {
	PC_CARRIED,
	PC_NEW,
	PC_ONLINE,
	PC_HANDLED,
	PC_ON_TIME, /* early + on time */
	PC_LATE,
	PC_OTHER, /* rejected, withdrawn, stopped */
	PC_IN_PROGRESS,
	PC_OVERDUE,
	PC_RATED, /* satisfaction ratings made in the period */
	PC_SATISFIED,
	PC__MAX
};

static const struct {
	const char *name, *vi;
} pub_cols[PC__MAX] = {
	[PC_CARRIED] = { "carried_over", "Kỳ trước chuyển qua" },
	[PC_NEW] = { "received", "Mới tiếp nhận" },
	[PC_ONLINE] = { "received_online", "Trong đó trực tuyến" },
	[PC_HANDLED] = { "handled", "Đã giải quyết" },
	[PC_ON_TIME] = { "handled_in_time", "Trước hạn và đúng hạn" },
	[PC_LATE] = { "handled_late", "Quá hạn" },
	[PC_OTHER] = { "returned_withdrawn_stopped", "Trả lại, rút, dừng xử lý" },
	[PC_IN_PROGRESS] = { "in_progress", "Đang giải quyết" },
	[PC_OVERDUE] = { "in_progress_overdue", "Đang giải quyết quá hạn" },
	[PC_RATED] = { "rated", "Lượt đánh giá hài lòng" },
	[PC_SATISFIED] = { "satisfied", "Trong đó hài lòng" },
};

static int64_t
pub_val(const struct report_row *r, int c)
{
	switch (c) {
	case PC_CARRIED:
		return r->n[RC_CARRIED];
	case PC_NEW:
		return r->n[RC__MAX + RS_NEW];
	case PC_ONLINE:
		return r->n[RC_ONLINE];
	case PC_HANDLED:
		return r->n[RC__MAX + RS_HANDLED];
	case PC_ON_TIME:
		return r->n[RC_EARLY] + r->n[RC_ON_TIME];
	case PC_LATE:
		return r->n[RC_LATE];
	case PC_OTHER:
		return r->n[RC_REJECTED] + r->n[RC_WITHDRAWN] + r->n[RC_STOPPED];
	case PC_IN_PROGRESS:
		return r->n[RC__MAX + RS_IN_PROGRESS];
	case PC_RATED:
		return r->n[RC_RATED];
	case PC_SATISFIED:
		return r->n[RC_SATISFIED];
	default:
		return r->n[RC_IP_OVERDUE];
	}
}

static json_t *
pub_row_json(const struct report_row *r)
{
	json_t *o = json_pack("{s:s, s:s}", "code", r->key, "name", r->name);

	for (int c = 0; c < PC__MAX; c++)
		json_object_set_new(o, pub_cols[c].name, json_integer(pub_val(r, c)));
	json_object_set_new(o, "on_time_rate", report_rate_json(report_on_time_rate(r)));
	json_object_set_new(o, "satisfaction_rate", report_rate_json(report_satisfaction_rate(r)));
	return o;
}

/* A rate as a CSV percentage with two decimals ("" when none). */
static void
pub_rate_csv(struct buf *b, double rate)
{
	buf_putc(b, ',');
	if (rate >= 0)
		buf_printf(b, "%.2f", (double)(int64_t)(rate * 10000.0 + 0.5) / 100.0);
}

static void
pub_row_csv(struct buf *b, const char *kind, const struct report_period *p,
    const struct report_row *r)
{
	buf_printf(b, "%s,%s,%s,", kind, p->from, p->to);
	report_csv_field(b, r->key);
	buf_putc(b, ',');
	report_csv_field(b, r->name);
	for (int c = 0; c < PC__MAX; c++)
		buf_printf(b, ",%lld", (long long)pub_val(r, c));
	pub_rate_csv(b, report_on_time_rate(r));
	pub_rate_csv(b, report_satisfaction_rate(r));
	buf_puts(b, "\r\n");
}

void
report_http_public(struct req *r, struct resp *w)
{
	struct dossier_err err;
	struct db_conn *c;
	struct report_period p;
	struct report_cells cells;
	struct report_pub pub;
	struct report_row *rows = NULL, total;
	struct scope all = { 1, 0 };
	const char *kind = req_query(r, "kind"), *date = req_query(r, "date");
	const char *fmt = req_query(r, "format");
	int64_t now = clock_now(), t = now, as_of;
	size_t n = 0;
	int wait, published = 0;
	enum db_rc rc;

	memset(&err, 0, sizeof(err));
	memset(&cells, 0, sizeof(cells));
	memset(&pub, 0, sizeof(pub));
	pthread_once(&public_once, public_init);
	if ((wait = ratelimit_take(public_limiter, r->remote_ip, clock_mono_ns() / 1000000u)) > 0) {
		dossier_err_set(&err, PROB_TOO_MANY_REQUESTS, "Quá nhiều yêu cầu. Hãy thử lại sau %d "
		    "giây.", "Too many requests. Try again in %d seconds.", wait, wait);
		err.retry_after = wait;
		dossier_err_render(r, w, &err);
		return;
	}
	if (kind == NULL)
		kind = "month";
	if (strcmp(kind, "week") != 0 && strcmp(kind, "month") != 0)
		dossier_err_param(&err, "kind", "Chỉ nhận week (tuần) hoặc month (tháng).",
		    "One of week, month.");
	if (date != NULL && report_day_start(date, 0, &t) == -1)
		dossier_err_param(&err, "date", "Cần một ngày dạng YYYY-MM-DD.",
		    "Must be a date YYYY-MM-DD.");
	if (fmt != NULL && strcmp(fmt, "json") != 0 && strcmp(fmt, "csv") != 0)
		dossier_err_param(&err, "format", "Chỉ nhận json hoặc csv.", "One of json, csv.");
	if (err.n > 0) {
		dossier_err_render(r, w, &err);
		return;
	}
	if (strcmp(kind, "week") == 0)
		report_period_week(t, &p);
	else
		report_period_month(t, &p);
	if (p.t0 > now) {
		dossier_err_param(&err, "date", "Kỳ này chưa bắt đầu.", "This period has not begun.");
		dossier_err_render(r, w, &err);
		return;
	}
	if ((c = app_conn(r, w)) == NULL)
		return;
	if ((rc = report_pub_get(c, &p, &pub)) == DB_OK)
		published = 1;
	else if (rc != DB_NOTFOUND || report_cells_live(c, &all, &p, now, &cells) != DB_OK)
		goto fail;
	if (report_rollup(published ? &pub.cells : &cells, RG_AGENCY, &rows, &n, &total) == -1)
		goto fail;
	as_of = published ? pub.as_of : (now < p.t1 ? now : p.t1);
	if (fmt != NULL && strcmp(fmt, "csv") == 0) {
		struct buf b;

		buf_init(&b, 16u << 20);
		buf_puts(&b, "\xEF\xBB\xBF" "ky,tu_ngay,den_ngay,ma_co_quan,ten_co_quan");
		for (int k = 0; k < PC__MAX; k++)
			buf_printf(&b, ",%s", pub_cols[k].name);
		buf_puts(&b, ",on_time_rate_percent,satisfaction_rate_percent\r\n");
		for (size_t i = 0; i < n; i++)
			pub_row_csv(&b, kind, &p, &rows[i]);
		pub_row_csv(&b, kind, &p, &total);
		if (b.overflow) {
			buf_free(&b);
			goto fail;
		}
		resp_text(w, 200, "text/csv; charset=utf-8", b.data, b.len);
		buf_free(&b);
		resp_header(w, "Content-Disposition", arena_printf(r->arena,
		    "attachment; filename=\"thong-ke-%s-%s.csv\"", kind, p.from));
	} else {
		json_t *a = json_array(), *cols = json_array();
		char iso[32];

		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, pub_row_json(&rows[i]));
		for (int k = 0; k < PC__MAX; k++)
			json_array_append_new(cols, json_pack("{s:s, s:s}", "name", pub_cols[k].name,
			    "label", pub_cols[k].vi));
		time_format_iso(as_of, iso);
		resp_json(w, 200, json_pack("{s:s, s:{s:s, s:s}, s:s, s:b, s:s, s:o, s:o, s:o}",
		    "kind", kind, "period", "from", p.from, "to", p.to, "as_of", iso, "published",
		    published, "definitions", published ? pub.definitions : REPORT_DEFINITIONS,
		    "columns", cols, "agencies", a, "total", pub_row_json(&total)));
	}
	resp_header(w, "Cache-Control", "public, max-age=300");
	goto out;
fail:
	resp_problem(w, r, PROB_UNAVAILABLE, "Không đọc được số liệu lúc này.",
	    "The figures are unavailable now.");
out:
	free(rows);
	report_cells_free(&cells);
	report_pub_free(&pub);
}

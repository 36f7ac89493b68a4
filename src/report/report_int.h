/*
 * The report slice's private interface (see report.h for the files).
 * Everything a function returns is the caller's unless it says "arena"
 * (the request's arena) or "borrowed".
 */
#ifndef MOTCUA_REPORT_INT_H
#define MOTCUA_REPORT_INT_H

#include <jansson.h>
#include <stdint.h>

#include "../auth/auth.h"
#include "../db/db.h"
#include "../dossier/dossier.h"
#include "report.h"

/* The counted columns, in the order of STMT_RPT_CELLS and of the SQL
 * classification codes (src 0..2, fate 3..10, apologies 11), then the
 * satisfaction ratings made in the period (STMT_RATING_CELLS, src/rating). */
enum report_col {
	RC_CARRIED, /* kỳ trước chuyển sang */
	RC_ONLINE, /* mới tiếp nhận trực tuyến */
	RC_COUNTER, /* mới tiếp nhận trực tiếp và qua bưu chính */
	RC_EARLY, /* đã giải quyết trước hạn */
	RC_ON_TIME, /* đúng hạn */
	RC_LATE, /* quá hạn */
	RC_REJECTED, /* không đủ điều kiện, trả lại */
	RC_WITHDRAWN, /* rút hồ sơ */
	RC_STOPPED, /* dừng xử lý */
	RC_IP_ON_TIME, /* đang giải quyết trong hạn */
	RC_IP_OVERDUE, /* đang giải quyết quá hạn */
	RC_APOLOGIES, /* phiếu xin lỗi đã gửi */
	RC_RATED, /* lượt đánh giá mức độ hài lòng */
	RC_SATISFIED, /* trong đó hài lòng */
	RC__MAX
};

/* Derived figures shown beside the counted ones (and drillable). */
enum report_sum {
	RS_RECEIVED, /* tổng số hồ sơ phải giải quyết = carried + online + counter */
	RS_NEW, /* online + counter */
	RS_HANDLED, /* early + on time + late */
	RS_IN_PROGRESS, /* within time + overdue */
	RS__MAX
};

/* Name in the API ("carried_over"), Vietnamese and English labels. */
struct report_coldef {
	const char *name, *vi, *en;
	int src_lo, src_hi, fate_lo, fate_hi, apol; /* the drill-down predicate */
	int rating; /* 1 = a rating count: drilled through the ratings (sat_min) */
	int sat_min;
};
/* Columns RC_* then RS_* (RC__MAX + RS__MAX entries). */
extern const struct report_coldef report_cols[RC__MAX + RS__MAX];
#define REPORT_NCOLS (RC__MAX + RS__MAX)
/* The columns STMT_RPT_CELLS counts (the dossier classification); a
 * motcua-report/1 snapshot holds only these. */
#define REPORT_NCLS (RC_APOLOGIES + 1)
/* Index into report_cols of a column name, or -1. */
int report_col_from(const char *name);

/* ---- periods (period.c) -------------------------------------------------- */

struct report_period {
	char from[11], to[11]; /* Vietnam dates, both inclusive */
	int64_t t0, t1; /* [t0, t1): Vietnam midnights, UTC seconds */
};

/* Vietnam midnight of a YYYY-MM-DD date plus days; 0 or -1. */
int report_day_start(const char *date, int plus, int64_t *out);
/* From the query: period=YYYY-MM | YYYY-Qn | YYYY-Hn | YYYY | YYYY-Wnn,
 * or from=&to= (inclusive dates, at most 5 years).  0, or -1 with the
 * invalid parameters in err. */
int report_period_parse(const char *period, const char *from, const char *to,
    struct report_period *out, struct dossier_err *err);
/* The week (Monday..Sunday) or month containing the Vietnam date of t. */
void report_period_week(int64_t t, struct report_period *out);
void report_period_month(int64_t t, struct report_period *out);
/* Shift a month period by n months (negative: back). */
void report_period_month_add(const struct report_period *p, int n, struct report_period *out);
/* Fill t0/t1 from from/to; 0 or -1. */
int report_period_times(struct report_period *p);

/* ---- the resolution report (compute.c) ----------------------------------- */

enum report_group { RG_AGENCY, RG_FIELD, RG_PROCEDURE, RG__MAX };
const char *report_group_name(enum report_group g);
enum report_group report_group_from(const char *s); /* RG__MAX when unknown */

/* One fine-grained cell: a (handling agency, field, procedure) triple. */
struct report_cell {
	int64_t ag, fl, pr;
	char *ag_code, *ag_name, *fl_code, *fl_name, *pr_code, *pr_name;
	int64_t n[RC__MAX];
};

struct report_cells {
	struct report_cell *v;
	size_t n, cap;
};

/* NULL-safe; frees the strings and the array, not c itself. */
void report_cells_free(struct report_cells *c);
/* Live cells of period p in scope s at `now`.  DB_OK or the error. */
enum db_rc report_cells_live(struct db_conn *c, const struct scope *s,
    const struct report_period *p, int64_t now, struct report_cells *out);
/* Cells as JSON (the snapshot format) and back; -1 on a malformed text. */
json_t *report_cells_json(const struct report_cells *c);
int report_cells_from_json(json_t *a, struct report_cells *out);

/* A rolled-up row. */
struct report_row {
	const char *key, *name; /* borrowed from the cells */
	int64_t n[REPORT_NCOLS];
};

/* Roll cells up by g into rows (sorted by key) plus the total; the caller
 * frees *rows.  0 or -1 (ENOMEM). */
int report_rollup(const struct report_cells *c, enum report_group g, struct report_row **rows,
    size_t *nrows, struct report_row *total);
/* (early + on time) / handled, or -1 when nothing was handled. */
double report_on_time_rate(const struct report_row *r);
/* satisfied / rated, or -1 when nobody rated (docs/REPORTS.md §1). */
double report_satisfaction_rate(const struct report_row *r);
/* The rate rounded to 4 decimals as JSON (null when -1). */
json_t *report_rate_json(double rate);
/* A row as JSON {key, name, carried_over, ..., on_time_rate}. */
json_t *report_row_json(const struct report_row *r);
/* [{name, label}] of every column, in the request's language. */
json_t *report_columns_json(int en);

/* ---- publications (publish.c) -------------------------------------------- */

struct report_pub {
	int64_t id, as_of, published_at;
	char *from, *to, *definitions, *by, *note;
	struct report_cells cells;
};

void report_pub_free(struct report_pub *p);
/* The publication of exactly this period: DB_OK, DB_NOTFOUND or an error. */
enum db_rc report_pub_get(struct db_conn *c, const struct report_period *p,
    struct report_pub *out);
/* Keep only the cells of agencies inside s (a province-wide publication
 * seen by an agency's staff). */
enum db_rc report_cells_scope(struct db_conn *c, const struct scope *s,
    struct report_cells *cells);
/* The publication's metadata as JSON. */
json_t *report_pub_json(const struct report_pub *p);

/* ---- exports (export.c) --------------------------------------------------- */

struct report_table {
	const struct report_period *period;
	enum report_group group;
	const char *scope_name; /* "Tỉnh ..." or the agency's name */
	const struct report_row *rows;
	size_t nrows;
	const struct report_row *total;
	const struct report_pub *pub; /* NULL when live */
	int64_t as_of;
};

/* CSV with a UTF-8 BOM, two header lines (groups, columns) in Vietnamese,
 * one line per row and the total; into b.  0 or -1. */
/* One CSV field (RFC 4180: quoted only when it holds a comma, quote or
 * line break). */
void report_csv_field(struct buf *b, const char *s);
int report_csv(const struct report_table *t, struct buf *b);
/* XLSX into a new unlinked temporary file: its descriptor and size, the
 * caller closes it (or hands it to the response).  0 or -1. */
int report_xlsx(const struct report_table *t, int *fd, uint64_t *size);
/* Serve a table as CSV or XLSX with a download name; sets w. */
void report_send_csv(struct req *r, struct resp *w, const struct report_table *t,
    const char *name);
void report_send_xlsx(struct req *r, struct resp *w, const struct report_table *t,
    const char *name);

/* ---- handlers of the other files ----------------------------------------- */

void report_http_resolution(struct req *r, struct resp *w);
void report_http_drill(struct req *r, struct resp *w);
void report_http_publish(struct req *r, struct resp *w);
void report_http_publications(struct req *r, struct resp *w);
void report_http_summary(struct req *r, struct resp *w);
void report_http_trend(struct req *r, struct resp *w);
void report_http_officials(struct req *r, struct resp *w);
void report_http_durations(struct req *r, struct resp *w);
void report_http_reasons(struct req *r, struct resp *w);
void report_http_public(struct req *r, struct resp *w);

/* Shared by the handlers: the caller's scope narrowed by ?agency=CODE
 * (must be inside it), the period from the query, en.  0, or -1 after
 * answering.  scope_name is arena-owned. */
struct report_req {
	struct scoped s;
	struct scope scope; /* effective */
	struct report_period p;
	const char *scope_name;
	int64_t now;
	int en;
};
int report_req_init(struct req *r, struct resp *w, struct report_req *q, int need_period);

#endif

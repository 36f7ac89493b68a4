/*
 * Exports of the resolution report in the layout of the paper form
 * (Circular 02/2017/TT-VPCP practice: "Số hồ sơ nhận giải quyết" and "Kết
 * quả giải quyết" with their sub-columns), Vietnamese headings:
 *
 *  - CSV: UTF-8 with a byte-order mark (Excel otherwise reads Vietnamese
 *    as Windows-1252), comma-separated, RFC 4180 quoting, three heading
 *    lines like the merged heading of the form, one line per row and the
 *    total.  The on-time rate is a percentage with two decimals.
 *  - XLSX (libxlsxwriter): the same table with merged heading cells,
 *    borders, the rate as a number formatted 0.00 %, landscape A4 with the
 *    heading repeated on every printed page.
 *
 * Both take their columns from one layout table, so they cannot disagree.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "report_int.h"

#define L_RATE (-1) /* the on-time rate */
#define L_SAT (-2) /* the satisfaction rate */

/* Data columns after STT, name and code: report_cols index, L_RATE or
 * L_SAT. */
static const int layout[] = {
	RC__MAX + RS_RECEIVED, RC_CARRIED, RC__MAX + RS_NEW, RC_ONLINE, RC_COUNTER,
	RC__MAX + RS_HANDLED, RC_EARLY, RC_ON_TIME, RC_LATE,
	RC__MAX + RS_IN_PROGRESS, RC_IP_ON_TIME, RC_IP_OVERDUE,
	RC_REJECTED, RC_WITHDRAWN, RC_STOPPED, L_RATE, RC_APOLOGIES,
	RC_RATED, RC_SATISFIED, L_SAT,
};
#define NDATA ((int)(sizeof(layout) / sizeof(layout[0])))
#define NCOLS (3 + NDATA)

/* A heading cell: text spanning rows r0..r1 and columns c0..c1. */
struct head {
	int r0, c0, r1, c1;
	const char *text;
};

static const char *const name_heading[RG__MAX] = { "Cơ quan, đơn vị", "Lĩnh vực",
	"Thủ tục hành chính" };

/* The merged heading of the form (rows 0..2 of the table). */
static const struct head heads[] = {
	{ 0, 0, 2, 0, "STT" },
	{ 0, 1, 2, 1, NULL }, /* name_heading[group] */
	{ 0, 2, 2, 2, "Mã" },
	{ 0, 3, 0, 7, "Số hồ sơ nhận giải quyết" },
	{ 1, 3, 2, 3, "Tổng số" },
	{ 1, 4, 2, 4, "Kỳ trước chuyển qua" },
	{ 1, 5, 1, 7, "Mới tiếp nhận" },
	{ 2, 5, 2, 5, "Tổng số" },
	{ 2, 6, 2, 6, "Trực tuyến" },
	{ 2, 7, 2, 7, "Trực tiếp, dịch vụ bưu chính" },
	{ 0, 8, 0, 17, "Kết quả giải quyết" },
	{ 1, 8, 1, 11, "Đã giải quyết" },
	{ 2, 8, 2, 8, "Tổng số" },
	{ 2, 9, 2, 9, "Trước hạn" },
	{ 2, 10, 2, 10, "Đúng hạn" },
	{ 2, 11, 2, 11, "Quá hạn" },
	{ 1, 12, 1, 14, "Đang giải quyết" },
	{ 2, 12, 2, 12, "Tổng số" },
	{ 2, 13, 2, 13, "Trong hạn" },
	{ 2, 14, 2, 14, "Quá hạn" },
	{ 1, 15, 1, 17, "Không tính vào kết quả giải quyết" },
	{ 2, 15, 2, 15, "Không đủ điều kiện, trả lại" },
	{ 2, 16, 2, 16, "Rút hồ sơ" },
	{ 2, 17, 2, 17, "Dừng xử lý" },
	{ 0, 18, 2, 18, "Tỷ lệ giải quyết đúng hạn (%)" },
	{ 0, 19, 2, 19, "Số phiếu xin lỗi, hẹn lại" },
	{ 0, 20, 0, 22, "Đánh giá mức độ hài lòng trong kỳ" },
	{ 1, 20, 2, 20, "Số lượt đánh giá" },
	{ 1, 21, 2, 21, "Hài lòng" },
	{ 1, 22, 2, 22, "Tỷ lệ hài lòng (%)" },
};

/* The rate of a layout column (L_RATE or L_SAT), -1 when none. */
static double
layout_rate(const struct report_row *r, int col)
{
	return col == L_RATE ? report_on_time_rate(r) : report_satisfaction_rate(r);
}

static const char *
head_text(const struct report_table *t, const struct head *h)
{
	return h->text != NULL ? h->text : name_heading[t->group];
}

static void
vn_date(const char *iso, char out[11])
{
	/* YYYY-MM-DD -> DD/MM/YYYY */
	snprintf(out, 11, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
}

static void
title_lines(const struct report_table *t, char *l1, size_t n1, char *l2, size_t n2)
{
	char a[11], b[11], asof[32];

	vn_date(t->period->from, a);
	vn_date(t->period->to, b);
	time_format_iso(t->as_of, asof);
	snprintf(l1, n1, "Kỳ báo cáo: từ ngày %s đến ngày %s — Phạm vi: %s", a, b, t->scope_name);
	snprintf(l2, n2, "%s — số liệu tính đến %.10s %.5s (giờ Việt Nam); định nghĩa %s",
	    t->pub != NULL ? "Số liệu đã chốt" : "Số liệu trực tiếp, chưa chốt", asof, asof + 11,
	    t->pub != NULL ? t->pub->definitions : REPORT_DEFINITIONS);
}

/* ---- CSV -------------------------------------------------------------------------- */

void
report_csv_field(struct buf *b, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		buf_puts(b, s);
		return;
	}
	buf_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			buf_putc(b, '"');
		buf_putc(b, *s);
	}
	buf_putc(b, '"');
}

static void
csv_row(struct buf *b, const struct report_row *r, int no)
{
	if (no > 0)
		buf_printf(b, "%d,", no);
	else
		buf_putc(b, ',');
	report_csv_field(b, r->name);
	buf_putc(b, ',');
	report_csv_field(b, r->key);
	for (int i = 0; i < NDATA; i++) {
		buf_putc(b, ',');
		if (layout[i] < 0) {
			double rate = layout_rate(r, layout[i]);

			if (rate >= 0)
				buf_printf(b, "%.2f", (double)(int64_t)(rate * 10000.0 + 0.5) / 100.0);
		} else {
			buf_printf(b, "%lld", (long long)r->n[layout[i]]);
		}
	}
	buf_puts(b, "\r\n");
}

int
report_csv(const struct report_table *t, struct buf *b)
{
	char l1[512], l2[256];

	title_lines(t, l1, sizeof(l1), l2, sizeof(l2));
	buf_puts(b, "\xEF\xBB\xBF");
	report_csv_field(b, "BÁO CÁO TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH");
	buf_puts(b, "\r\n");
	report_csv_field(b, l1);
	buf_puts(b, "\r\n");
	report_csv_field(b, l2);
	buf_puts(b, "\r\n");
	for (int row = 0; row < 3; row++) {
		for (int c = 0; c < NCOLS; c++) {
			if (c > 0)
				buf_putc(b, ',');
			for (size_t h = 0; h < CORE_NELEM(heads); h++)
				if (heads[h].r0 == row && heads[h].c0 == c)
					report_csv_field(b, head_text(t, &heads[h]));
		}
		buf_puts(b, "\r\n");
	}
	for (size_t i = 0; i < t->nrows; i++)
		csv_row(b, &t->rows[i], (int)i + 1);
	csv_row(b, t->total, 0);
	return b->overflow ? -1 : 0;
}

void
report_send_csv(struct req *r, struct resp *w, const struct report_table *t, const char *name)
{
	struct buf b;
	char *cd;

	buf_init(&b, 64u << 20);
	if (report_csv(t, &b) == -1) {
		buf_free(&b);
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		return;
	}
	resp_text(w, 200, "text/csv; charset=utf-8", b.data, b.len);
	buf_free(&b);
	cd = arena_printf(r->arena, "attachment; filename=\"%s.csv\"", name);
	resp_header(w, "Content-Disposition", cd);
	resp_header(w, "Cache-Control", "no-store");
}

/* ---- XLSX ------------------------------------------------------------------------- */

int
report_xlsx(const struct report_table *t, int *fdp, uint64_t *size)
{
	const char *tmp = getenv("TMPDIR");
	char path[512], l1[512], l2[256];
	lxw_workbook *wb = NULL;
	lxw_worksheet *ws;
	lxw_format *fh, *fn, *ft, *fr, *fb, *ftitle, *ftr;
	struct stat st;
	int fd = -1, rc = -1, top = 4;

	*fdp = -1;
	*size = 0;
	snprintf(path, sizeof(path), "%s/motcua-report-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	if ((fd = mkstemp(path)) == -1)
		return -1;
	close(fd);
	fd = -1;
	if ((wb = workbook_new(path)) == NULL)
		goto out;
	ws = workbook_add_worksheet(wb, "Báo cáo");
	ftitle = workbook_add_format(wb);
	format_set_bold(ftitle);
	format_set_font_size(ftitle, 13);
	fh = workbook_add_format(wb);
	format_set_bold(fh);
	format_set_text_wrap(fh);
	format_set_align(fh, LXW_ALIGN_CENTER);
	format_set_align(fh, LXW_ALIGN_VERTICAL_CENTER);
	format_set_border(fh, LXW_BORDER_THIN);
	format_set_bg_color(fh, 0xDDEBF7);
	fn = workbook_add_format(wb);
	format_set_border(fn, LXW_BORDER_THIN);
	ft = workbook_add_format(wb);
	format_set_border(ft, LXW_BORDER_THIN);
	format_set_text_wrap(ft);
	fr = workbook_add_format(wb);
	format_set_border(fr, LXW_BORDER_THIN);
	format_set_num_format(fr, "0.00%");
	fb = workbook_add_format(wb);
	format_set_border(fb, LXW_BORDER_THIN);
	format_set_bold(fb);
	ftr = workbook_add_format(wb);
	format_set_border(ftr, LXW_BORDER_THIN);
	format_set_bold(ftr);
	format_set_num_format(ftr, "0.00%");
	if (ws == NULL || ftitle == NULL || fh == NULL || fn == NULL || ft == NULL || fr == NULL ||
	    fb == NULL || ftr == NULL)
		goto out;
	worksheet_set_landscape(ws);
	worksheet_set_paper(ws, 9); /* A4 */
	worksheet_fit_to_pages(ws, 1, 0);
	worksheet_repeat_rows(ws, (lxw_row_t)top, (lxw_row_t)(top + 2));
	worksheet_set_column(ws, 0, 0, 5, NULL);
	worksheet_set_column(ws, 1, 1, 36, NULL);
	worksheet_set_column(ws, 2, 2, 16, NULL);
	worksheet_set_column(ws, 3, NCOLS - 1, 11, NULL);
	title_lines(t, l1, sizeof(l1), l2, sizeof(l2));
	worksheet_write_string(ws, 0, 0, "BÁO CÁO TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH",
	    ftitle);
	worksheet_write_string(ws, 1, 0, l1, NULL);
	worksheet_write_string(ws, 2, 0, l2, NULL);
	for (size_t h = 0; h < CORE_NELEM(heads); h++) {
		const struct head *x = &heads[h];

		if (x->r0 == x->r1 && x->c0 == x->c1)
			worksheet_write_string(ws, (lxw_row_t)(top + x->r0), (lxw_col_t)x->c0,
			    head_text(t, x), fh);
		else
			worksheet_merge_range(ws, (lxw_row_t)(top + x->r0), (lxw_col_t)x->c0,
			    (lxw_row_t)(top + x->r1), (lxw_col_t)x->c1, head_text(t, x), fh);
	}
	for (size_t i = 0; i <= t->nrows; i++) {
		const struct report_row *row = i < t->nrows ? &t->rows[i] : t->total;
		lxw_row_t y = (lxw_row_t)(top + 3 + i);
		int tot = i == t->nrows;

		if (!tot)
			worksheet_write_number(ws, y, 0, (double)(i + 1), fn);
		else
			worksheet_write_blank(ws, y, 0, fb);
		worksheet_write_string(ws, y, 1, row->name, tot ? fb : ft);
		worksheet_write_string(ws, y, 2, row->key, tot ? fb : fn);
		for (int c = 0; c < NDATA; c++) {
			if (layout[c] < 0) {
				double rate = layout_rate(row, layout[c]);

				if (rate >= 0)
					worksheet_write_number(ws, y, (lxw_col_t)(3 + c),
					    (double)(int64_t)(rate * 10000.0 + 0.5) / 10000.0,
					    tot ? ftr : fr);
				else
					worksheet_write_blank(ws, y, (lxw_col_t)(3 + c), tot ? ftr : fr);
			} else {
				worksheet_write_number(ws, y, (lxw_col_t)(3 + c),
				    (double)row->n[layout[c]], tot ? fb : fn);
			}
		}
	}
	if (workbook_close(wb) != LXW_NO_ERROR) {
		wb = NULL;
		goto out;
	}
	wb = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 || fstat(fd, &st) == -1)
		goto out;
	*fdp = fd;
	*size = (uint64_t)st.st_size;
	fd = -1;
	rc = 0;
out:
	if (wb != NULL)
		workbook_close(wb);
	if (fd != -1)
		close(fd);
	unlink(path);
	return rc;
}

void
report_send_xlsx(struct req *r, struct resp *w, const struct report_table *t, const char *name)
{
	uint64_t size;
	int fd;

	if (report_xlsx(t, &fd, &size) == -1) {
		resp_problem(w, r, PROB_INTERNAL, "Không tạo được tệp Excel.",
		    "Could not build the spreadsheet.");
		return;
	}
	w->status = 200;
	w->kind = RESP_BODY_FD;
	w->fd = fd;
	w->fd_size = size;
	w->content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	resp_header(w, "Content-Disposition", arena_printf(r->arena,
	    "attachment; filename=\"%s.xlsx\"", name));
	resp_header(w, "Cache-Control", "no-store");
}

/*
 * The QR code printed on the reception slips: the public lookup address
 * with the dossier's key (/portal/lookup.html?code=…&key=…), encoded by
 * libqrencode (error correction M: a creased or stamped slip still scans)
 * and drawn as SVG from the modules themselves — one path of the dark
 * modules, one unit per module, a quiet zone of 4 modules — so nothing but
 * libqrencode is needed and the printed code is as sharp as the printer.
 *
 * GET /api/v1/dossiers/{code}/qr.svg is a staff route scoped exactly like
 * the dossier (the address holds the lookup key).  The address starts with
 * the `public_url` setting, or, when that is empty, with the scheme and
 * Host of the request (https when behind_tls = 1).
 */
#include <qrencode.h>
#include <string.h>

#include "../core/config.h"
#include "dossier_int.h"

/* An SVG of a version-40 code (177 modules, at most ~16 KiB of path per
 * row in the worst pattern) stays far below this. */
#define QR_SVG_MAX (1024u * 1024u)

int
dossier_qr_svg(const char *text, struct buf *out)
{
	QRcode *q;
	int n, rc = -1;

	if (text == NULL || text[0] == '\0' || strlen(text) > DOSSIER_QR_TEXT_MAX)
		return -1;
	/* Case-sensitive 8-bit mode: the address keeps its lower-case path. */
	if ((q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1)) == NULL)
		return -1;
	buf_init(out, QR_SVG_MAX);
	n = q->width + 2 * DOSSIER_QR_QUIET;
	buf_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
	    "width=\"%d\" height=\"%d\" shape-rendering=\"crispEdges\">"
	    "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"", n, n,
	    4 * n, 4 * n, n, n);
	/* Each horizontal run of dark modules is one rectangle. */
	for (int y = 0; y < q->width; y++)
		for (int x = 0; x < q->width;) {
			int run = 0;

			while (x + run < q->width && (q->data[y * q->width + x + run] & 1))
				run++;
			if (run == 0) {
				x++;
				continue;
			}
			buf_printf(out, "M%d,%dh%dv1h-%dz", x + DOSSIER_QR_QUIET, y + DOSSIER_QR_QUIET,
			    run, run);
			x += run;
		}
	buf_puts(out, "\"/></svg>\n");
	rc = out->overflow ? -1 : 0;
	QRcode_free(q);
	if (rc == -1)
		buf_free(out);
	return rc;
}

/* The scheme and host of the public site, without a trailing slash: the
 * public_url setting, or the request's own (staff print from the same
 * site the citizen will open).  NULL when the Host header is unusable. */
static const char *
public_base(struct req *r)
{
	const char *base = config_str(CFG_PUBLIC_URL), *host;
	size_t n;

	if (base != NULL && base[0] != '\0') {
		n = strlen(base);
		while (n > 0 && base[n - 1] == '/')
			n--;
		return arena_printf(r->arena, "%.*s", (int)n, base);
	}
	host = req_header(r, "Host");
	if (host == NULL || host[0] == '\0' || strlen(host) > 255 ||
	    strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") !=
	    strlen(host))
		return NULL;
	return arena_printf(r->arena, "%s://%s", config_int(CFG_BEHIND_TLS) ? "https" : "http",
	    host);
}

void
dossier_http_qr(struct req *r, struct resp *w)
{
	struct dossier_ctx x;
	struct dossier d;
	struct dossier_err err;
	struct buf svg;
	const char *base, *url;
	enum db_rc rc;

	memset(&err, 0, sizeof(err));
	if (dossier_ctx_staff(r, w, &x) == -1)
		return;
	if ((rc = dossier_load(&x, req_param(r, "code"), &d)) == DB_NOTFOUND) {
		dossier_err_set(&err, PROB_NOT_FOUND, "Không tìm thấy hồ sơ %s.", "No dossier %s.",
		    req_param(r, "code"), req_param(r, "code"));
		dossier_err_render(r, w, &err);
		return;
	}
	if (rc != DB_OK) {
		dossier_err_set(&err, PROB_UNAVAILABLE, "Không đọc được hồ sơ.",
		    "Could not read the dossier.");
		dossier_err_render(r, w, &err);
		return;
	}
	if ((base = public_base(r)) == NULL) {
		dossier_err_set(&err, PROB_UNPROCESSABLE, "Không xác định được địa chỉ trang tra cứu: "
		    "hãy đặt public_url trong cấu hình máy chủ.", "The public address is unknown: set "
		    "public_url in the server's configuration.");
		dossier_err_render(r, w, &err);
		return;
	}
	/* Codes and keys are [0-9A-Z.-]: nothing to percent-encode. */
	url = arena_printf(r->arena, "%s/portal/lookup.html?code=%s&key=%s", base, d.code,
	    d.lookup_key);
	if (url == NULL || dossier_qr_svg(url, &svg) == -1) {
		dossier_err_set(&err, PROB_UNAVAILABLE, "Không tạo được mã QR.",
		    "Could not make the QR code.");
		dossier_err_render(r, w, &err);
		return;
	}
	resp_text(w, 200, "image/svg+xml", svg.data, svg.len);
	resp_header(w, "Cache-Control", "no-store");
	buf_free(&svg);
}

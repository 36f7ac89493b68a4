/* Dossier codes (Decree 61/2018 Art. 26, Circular 01/2018 Art. 19),
 * lookup keys, the per-agency counters behind them, the error struct and
 * small helpers the slice shares. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../catalog/catalog.h"
#include "dossier_int.h"

void
dossier_code_day(int64_t at, char out[8])
{
	struct civil c;

	time_to_vn(at, &c);
	snprintf(out, 8, "%02d%02d%02d", c.year % 100, c.month, c.day);
}

int
dossier_code_format(const char *agency_code, int64_t at, int64_t seq, char *out, size_t outsz)
{
	char day[8];

	if (!catalog_agency_code_valid(agency_code) || seq < 1 || seq > DOSSIER_SEQ_MAX ||
	    outsz < DOSSIER_CODE_LEN + 1)
		return -1;
	dossier_code_day(at, day);
	snprintf(out, outsz, "%s-%s-%04d", agency_code, day, (int)seq);
	return 0;
}

int
dossier_code_valid(const char *s)
{
	char agency[DOSSIER_AGENCY_CODE_LEN + 1];
	int y, m, d;

	if (s == NULL || strlen(s) != DOSSIER_CODE_LEN || s[13] != '-' || s[20] != '-')
		return 0;
	memcpy(agency, s, DOSSIER_AGENCY_CODE_LEN);
	agency[DOSSIER_AGENCY_CODE_LEN] = '\0';
	if (!catalog_agency_code_valid(agency))
		return 0;
	for (int i = 14; i < 25; i++)
		if (i != 20 && (s[i] < '0' || s[i] > '9'))
			return 0;
	if (memcmp(s + 21, "0000", 4) == 0)
		return 0;
	y = 2000 + (s[14] - '0') * 10 + (s[15] - '0');
	m = (s[16] - '0') * 10 + (s[17] - '0');
	d = (s[18] - '0') * 10 + (s[19] - '0');
	return m >= 1 && m <= 12 && d >= 1 && d <= time_days_in_month(y, m);
}

int
dossier_lookup_key_new(char *out, size_t outsz)
{
	static const char alpha[] = DOSSIER_KEY_ALPHABET;
	const unsigned n = sizeof(alpha) - 1; /* 31 */
	/* Rejection sampling: bytes >= 248 (8 x 31) are drawn again, so every
	 * character is equally likely. */
	const unsigned limit = 256 - 256 % n;
	unsigned char b[32];
	size_t have = 0, used = sizeof(b);

	if (outsz < DOSSIER_KEY_LEN + 1)
		return -1;
	while (have < DOSSIER_KEY_LEN) {
		if (used == sizeof(b)) {
			if (rand_bytes(b, sizeof(b)) == -1)
				return -1;
			used = 0;
		}
		if (b[used] < limit)
			out[have++] = alpha[b[used] % n];
		used++;
	}
	out[DOSSIER_KEY_LEN] = '\0';
	str_wipe(b, sizeof(b));
	return 0;
}

int
dossier_lookup_key_valid(const char *s)
{
	if (s == NULL || strlen(s) != DOSSIER_KEY_LEN)
		return 0;
	for (size_t i = 0; i < DOSSIER_KEY_LEN; i++)
		if (strchr(DOSSIER_KEY_ALPHABET, s[i]) == NULL || s[i] == '\0')
			return 0;
	return 1;
}

enum db_rc
dossier_counter_next(struct db_conn *c, int64_t agency_id, const char *period, int64_t *n)
{
	return db_scalar_int(c, STMT_DOS_COUNTER_NEXT, (struct db_param[]){ DB_INT(agency_id),
	    DB_TEXT(period) }, 2, n);
}

/* ---- errors ---------------------------------------------------------------- */

/* Step *ap past the arguments FMT consumes (the conversions these messages
 * use: integers of any length, strings, pointers, doubles, '*' widths). */
static void
err_skip(const char *fmt, va_list *ap)
{
	for (const char *f = fmt; *f != '\0'; f++) {
		int wide = 0;

		if (*f != '%' || *++f == '%')
			continue;
		for (; *f != '\0' && strchr("-+ #0123456789.*", *f) != NULL; f++)
			if (*f == '*')
				(void)va_arg(*ap, int);
		for (; *f != '\0' && strchr("hlzjtL", *f) != NULL; f++)
			wide |= *f != 'h'; /* h, hh: promoted to int */
		switch (*f) {
		case 's': case 'p':
			(void)va_arg(*ap, void *);
			break;
		case 'f': case 'g': case 'e':
			(void)va_arg(*ap, double);
			break;
		case '\0':
			return;
		default: /* d i u x X o c */
			if (wide)
				(void)va_arg(*ap, long long);
			else
				(void)va_arg(*ap, int);
		}
	}
}

/* The messages' convention: the Vietnamese text's arguments, then the
 * English text's (often the same values twice, but labels differ). */
static void
err_format(char *vi, size_t nvi, char *en, size_t nen, const char *fvi, const char *fen,
    va_list ap)
{
	va_list aq;

	va_copy(aq, ap);
	vsnprintf(vi, nvi, fvi, aq);
	va_end(aq);
	va_copy(aq, ap);
	err_skip(fvi, &aq);
	vsnprintf(en, nen, fen, aq);
	va_end(aq);
}

void
dossier_err_set(struct dossier_err *e, enum problem_kind k, const char *vi, const char *en, ...)
{
	va_list ap;

	if (e == NULL)
		return;
	e->kind = k;
	va_start(ap, en);
	err_format(e->vi, sizeof(e->vi), e->en, sizeof(e->en), vi, en, ap);
	va_end(ap);
}

void
dossier_err_param(struct dossier_err *e, const char *name, const char *vi, const char *en, ...)
{
	va_list ap;

	if (e == NULL)
		return;
	if (e->vi[0] == '\0') {
		e->kind = PROB_VALIDATION;
		str_lcpy(e->vi, "Dữ liệu gửi lên không hợp lệ.", sizeof(e->vi));
		str_lcpy(e->en, "The submitted data is invalid.", sizeof(e->en));
	}
	if (e->n >= DOSSIER_ERR_PARAMS)
		return;
	str_lcpy(e->p[e->n].name, name, sizeof(e->p[e->n].name));
	va_start(ap, en);
	err_format(e->p[e->n].vi, sizeof(e->p[e->n].vi), e->p[e->n].en, sizeof(e->p[e->n].en), vi,
	    en, ap);
	va_end(ap);
	e->n++;
}

void
dossier_err_render(struct req *r, struct resp *w, const struct dossier_err *e)
{
	struct problem_param p[DOSSIER_ERR_PARAMS];
	int en = r->lang != NULL && strcmp(r->lang, "en") == 0;

	for (size_t i = 0; i < e->n; i++) {
		p[i].name = e->p[i].name;
		p[i].reason = en ? e->p[i].en : e->p[i].vi;
	}
	resp_problem_params(w, r, e->kind, e->vi[0] ? e->vi : NULL, e->en[0] ? e->en : NULL, p,
	    e->n);
	if (e->kind == PROB_TOO_MANY_REQUESTS && e->retry_after > 0) {
		char ra[16];

		snprintf(ra, sizeof(ra), "%d", e->retry_after);
		resp_header(w, "Retry-After", arena_strdup(r->arena, ra));
	}
}

/* ---- helpers --------------------------------------------------------------- */

json_t *
dossier_time_json(int64_t t)
{
	char iso[32];

	if (t == 0)
		return json_null();
	time_format_iso(t, iso);
	return json_string(iso);
}

const char *
dossier_time_text(struct arena *a, int64_t t)
{
	struct civil c;

	if (t == 0)
		return "";
	time_to_vn(t, &c);
	return arena_printf(a, "%02d giờ %02d phút, ngày %02d/%02d/%04d", c.hour, c.min, c.day,
	    c.month, c.year);
}

const char *
dossier_strdup(struct dossier_ctx *x, const char *s)
{
	const char *p = arena_strdup(x->arena, s ? s : "");

	return p ? p : "";
}

int
dossier_text_ok(const char *s, size_t min, size_t max, int multiline)
{
	size_t n;

	if (s == NULL)
		return min == 0;
	n = strlen(s);
	if (!str_utf8_valid(s, n))
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 && !(multiline && (c == '\n' || c == '\t' || c == '\r')))
			return 0;
		if (c == 0x7f)
			return 0;
	}
	n = str_utf8_len(s);
	return n >= min && n <= max;
}

/* Small validators and helpers shared by the auth slice's handlers and
 * command line. */
#include <openssl/evp.h>
#include <string.h>

#include "auth_int.h"

void
auth_sha256_hex(const void *p, size_t n, char out[AUTH_HEX256])
{
	static const char hx[] = "0123456789abcdef";
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dn = 0;

	out[0] = '\0';
	if (EVP_Digest(p, n, d, &dn, EVP_sha256(), NULL) != 1 || dn != 32)
		return;
	for (unsigned int i = 0; i < dn; i++) {
		out[2 * i] = hx[d[i] >> 4];
		out[2 * i + 1] = hx[d[i] & 15];
	}
	out[64] = '\0';
	str_wipe(d, sizeof(d));
}

int
auth_username_norm(const char *s, char *out, size_t outsz)
{
	size_t n;

	if (s == NULL)
		return -1;
	n = strlen(s);
	if (n < AUTH_USERNAME_MIN || n > AUTH_USERNAME_MAX || n >= outsz)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    (i > 0 && (c == '.' || c == '_' || c == '-'))))
			return -1;
		out[i] = c;
	}
	out[n] = '\0';
	return 0;
}

/* QCVN 102:2016: V1V2V3.Z1Z2.Y1Y2.MX1X2, e.g. 000.00.00.H19 (M a letter). */
int
auth_agency_code_valid(const char *s)
{
	static const char shape[] = "ddd.dd.dd.Ldd";

	if (s == NULL || strlen(s) != sizeof(shape) - 1)
		return 0;
	for (size_t i = 0; shape[i] != '\0'; i++) {
		char c = s[i];
		int digit = c >= '0' && c <= '9', upper = c >= 'A' && c <= 'Z';

		switch (shape[i]) {
		case '.': if (c != '.') return 0; break;
		case 'L': if (!upper) return 0; break;
		default: if (!digit && !upper) return 0; break;
		}
	}
	return 1;
}

static const char *const agency_kinds[] = {
	"province", "department", "district", "commune", "unit", "center", "other",
};

int
auth_agency_kind_valid(const char *s)
{
	for (size_t i = 0; s != NULL && i < CORE_NELEM(agency_kinds); i++)
		if (strcmp(s, agency_kinds[i]) == 0)
			return 1;
	return 0;
}

int
auth_text_valid(const char *s, size_t max)
{
	size_t n, chars;

	if (s == NULL || (n = strlen(s)) == 0 || n > 4 * max || !str_utf8_valid(s, n))
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	chars = str_utf8_len(s);
	/* Not only blanks. */
	if (strspn(s, " ") == n)
		return 0;
	return chars <= max;
}

int
auth_en(const struct req *r)
{
	return r->lang != NULL && strcmp(r->lang, "en") == 0;
}

void
auth_bad_param(struct req *r, struct resp *w, const char *name, const char *vi, const char *en)
{
	struct problem_param p = { name, auth_en(r) ? en : vi };

	resp_problem_params(w, r, PROB_VALIDATION, "Dữ liệu gửi lên không hợp lệ.",
	    "The submitted data is invalid.", &p, 1);
}

int
auth_list_params(struct req *r, struct resp *w, int64_t *limit, int64_t *after,
    int64_t cursor_default)
{
	const char *l = req_query(r, "limit"), *cur = req_query(r, "cursor");

	*limit = AUTH_LIST_DEFAULT;
	*after = cursor_default;
	if (l != NULL && str_to_i64(l, 1, AUTH_LIST_MAX, limit) == -1) {
		auth_bad_param(r, w, "limit", "Cần số nguyên từ 1 đến 500.",
		    "Must be an integer from 1 to 500.");
		return -1;
	}
	if (cur != NULL && str_to_i64(cur, 0, INT64_MAX, after) == -1) {
		auth_bad_param(r, w, "cursor", "Con trỏ trang không hợp lệ.", "Invalid page cursor.");
		return -1;
	}
	return 0;
}

/*
 * Public lookup without login: GET /api/v1/public/dossiers/{code}?key=KEY.
 *
 * The dossier code is not a secret (it is sequential and printed on
 * paper); the 8-character key printed on the receipt is.  An unknown code,
 * a malformed key and a wrong key all give the same 404 with the same
 * body, and the key is compared in constant time against the stored one
 * (or a dummy when there is none).  The answer carries no personal data:
 * no name, phone, ID number, address, e-mail, officer or note.  Each
 * client IP is rate-limited (429 with Retry-After).
 */
#include <pthread.h>
#include <string.h>

#include "../core/config.h"
#include "dossier_int.h"

static struct ratelimit *lookup_limiter;
static pthread_once_t lookup_once = PTHREAD_ONCE_INIT;

static void
lookup_init(void)
{
	/* Lives as long as the process; the config is read-only by now. */
	lookup_limiter = ratelimit_new((unsigned)config_int(CFG_LOOKUP_RATE), 60,
	    (unsigned)config_int(CFG_LOOKUP_BURST), 8192);
}

int
dossier_public(struct dossier_ctx *x, const char *code, const char *key, void **outp,
    struct dossier_err *err)
{
	static const char dummy[DOSSIER_KEY_LEN + 1] = "ZZZZZZZZ";
	char k[DOSSIER_KEY_LEN + 1];
	struct dossier d;
	enum db_rc rc = DB_NOTFOUND;
	int key_ok = 0, match;
	json_t *out = NULL;

	*outp = NULL;
	memset(k, 0, sizeof(k));
	memset(&d, 0, sizeof(d));
	/* Keys are printed in capitals; accept what a person types. */
	if (key != NULL && strlen(key) == DOSSIER_KEY_LEN) {
		for (size_t i = 0; i < DOSSIER_KEY_LEN; i++)
			k[i] = key[i] >= 'a' && key[i] <= 'z' ? (char)(key[i] - 'a' + 'A') : key[i];
		key_ok = dossier_lookup_key_valid(k);
	}
	/* The dossier, its steps and its history in one read snapshot: one
	 * read lock instead of one per statement (bench/RESULTS.md). */
	if (db_read_begin(x->c) != DB_OK || (dossier_code_valid(code) &&
	    (rc = dossier_load(x, code, &d)) != DB_OK && rc != DB_NOTFOUND)) {
		db_read_end(x->c);
		dossier_err_set(err, PROB_UNAVAILABLE, "Không tra cứu được lúc này. Hãy thử lại sau.",
		    "The lookup is unavailable. Try again later.");
		return -1;
	}
	match = str_ct_equal(rc == DB_OK ? d.lookup_key : dummy, key_ok ? k : dummy,
	    DOSSIER_KEY_LEN);
	if (rc != DB_OK || !key_ok || !match) {
		db_read_end(x->c);
		dossier_err_set(err, PROB_NOT_FOUND, "Không tìm thấy hồ sơ với mã số hồ sơ và mã tra "
		    "cứu đã nhập. Hãy kiểm tra lại trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả.",
		    "No dossier matches this code and lookup key. Check them on the receipt.");
		return -1;
	}
	rc = dossier_public_json(x, &d, &out);
	db_read_end(x->c);
	if (rc != DB_OK) {
		dossier_err_set(err, PROB_UNAVAILABLE, "Không tra cứu được lúc này. Hãy thử lại sau.",
		    "The lookup is unavailable. Try again later.");
		return -1;
	}
	*outp = out;
	return 0;
}

void
dossier_http_public(struct req *r, struct resp *w)
{
	struct dossier_ctx x;
	struct dossier_err err;
	void *out;
	int wait;

	memset(&err, 0, sizeof(err));
	pthread_once(&lookup_once, lookup_init);
	if ((wait = ratelimit_take(lookup_limiter, r->remote_ip, clock_mono_ns() / 1000000u)) > 0) {
		dossier_err_set(&err, PROB_TOO_MANY_REQUESTS, "Bạn tra cứu quá nhiều lần. Hãy thử lại "
		    "sau %d giây.", "Too many lookups. Try again in %d seconds.", wait, wait);
		err.retry_after = wait;
		dossier_err_render(r, w, &err);
		return;
	}
	if (dossier_ctx_public(r, w, &x) == -1)
		return;
	if (dossier_public(&x, req_param(r, "code"), req_query(r, "key"), &out, &err) == -1) {
		dossier_err_render(r, w, &err);
		resp_header(w, "Cache-Control", "no-store");
		return;
	}
	resp_json(w, 200, out);
	resp_header(w, "Cache-Control", "no-store");
}

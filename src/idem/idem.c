/*
 * idem: Idempotency-Key claims and replays (idem.h explains the protocol).
 * Slice-agnostic: callers name the route and the caller themselves.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../auth/auth.h"
#include "idem.h"

int
idem_key_valid(const char *k)
{
	size_t n = k ? strlen(k) : 0;

	if (n < 1 || n > IDEM_KEY_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (k[i] <= 0x20 || k[i] >= 0x7f)
			return 0;
	return 1;
}

int
idem_header(struct req *r, struct resp *w, const char **key)
{
	const char *k = req_header(r, "Idempotency-Key");
	int en = r->lang != NULL && strcmp(r->lang, "en") == 0;
	struct problem_param p = { "Idempotency-Key", en ?
		"Must be 1–128 printable ASCII characters without spaces." :
		"Cần 1–128 ký tự ASCII in được, không có dấu cách." };

	*key = NULL;
	if (k == NULL)
		return 0;
	if (!idem_key_valid(k)) {
		resp_problem_params(w, r, PROB_BAD_REQUEST, "Tiêu đề Idempotency-Key không hợp lệ.",
		    "Invalid Idempotency-Key header.", &p, 1);
		return -1;
	}
	*key = k;
	return 0;
}

enum idem_state
idem_claim(struct db_conn *c, const char *route, const char *caller, const char *key,
    const void *body, size_t n, int64_t now, struct idem *x)
{
	struct db_res *res = NULL;
	char scope[IDEM_KEY_MAX + 512];
	int k, len;

	memset(x, 0, sizeof(*x));
	len = snprintf(scope, sizeof(scope), "%.300s\n%.64s\n%s", route, caller, key);
	if (len < 0 || (size_t)len >= sizeof(scope))
		return IDEM_ERROR;
	auth_sha256_hex(scope, (size_t)len, x->key);
	auth_sha256_hex(body ? body : "", body ? n : 0, x->hash);
	if (x->key[0] == '\0' || x->hash[0] == '\0')
		return IDEM_ERROR;
	if (db_exec(c, STMT_IDEM_CLAIM, (struct db_param[]){ DB_TEXT(x->key), DB_TEXT(x->hash),
	    DB_INT(now) }, 3, &res) != DB_OK)
		return IDEM_ERROR;
	k = db_res_next(res);
	while (k == 1 && db_res_next(res) == 1)
		;
	db_res_free(res);
	if (k == 1)
		return IDEM_NEW;
	if (k < 0)
		return IDEM_ERROR;
	/* Seen before: committed by an earlier request (a concurrent one holds
	 * the row's lock until it commits, so its answer is there). */
	if (db_exec(c, STMT_IDEM_GET, (struct db_param[]){ DB_TEXT(x->key) }, 1, &res) != DB_OK)
		return IDEM_ERROR;
	if ((k = db_res_next(res)) == 1) {
		int same = strcmp(db_res_text(res, 0), x->hash) == 0;

		x->status = (int)db_res_int(res, 1);
		x->body = strdup(db_res_text(res, 2));
		db_res_free(res);
		if (x->body == NULL)
			return IDEM_ERROR;
		if (!same)
			return IDEM_MISMATCH;
		return x->status == 0 ? IDEM_IN_FLIGHT : IDEM_REPLAY;
	}
	db_res_free(res);
	return IDEM_ERROR;
}

enum db_rc
idem_store_json(struct db_conn *c, const struct idem *x, int status, const json_t *answer)
{
	enum db_rc rc;
	char *text;

	if (x->key[0] == '\0')
		return DB_OK;
	if ((text = json_dumps(answer, JSON_COMPACT)) == NULL)
		return DB_ERROR;
	rc = idem_store(c, x, status, text, strlen(text));
	free(text);
	return rc;
}

enum db_rc
idem_store(struct db_conn *c, const struct idem *x, int status, const char *body, size_t n)
{
	char *text = strndup(body ? body : "", body ? n : 0);
	enum db_rc rc;

	if (text == NULL)
		return DB_ERROR;
	rc = db_exec(c, STMT_IDEM_SET, (struct db_param[]){ DB_TEXT(x->key), DB_INT(status),
	    DB_TEXT(text) }, 3, NULL);
	free(text);
	return rc;
}

void
idem_answer(struct req *r, struct resp *w, enum idem_state st, const struct idem *x)
{
	switch (st) {
	case IDEM_REPLAY:
		resp_json_text(w, x->status, x->body ? x->body : "{}", x->body ? strlen(x->body) : 2);
		resp_header(w, "Idempotent-Replayed", "true");
		resp_header(w, "Cache-Control", "no-store");
		break;
	case IDEM_MISMATCH:
		resp_problem(w, r, PROB_UNPROCESSABLE,
		    "Idempotency-Key này đã được dùng cho một yêu cầu có nội dung khác.",
		    "This Idempotency-Key was used for a request with another body.");
		break;
	case IDEM_IN_FLIGHT:
		resp_problem(w, r, PROB_CONFLICT, "Yêu cầu với Idempotency-Key này đang được xử lý.",
		    "A request with this Idempotency-Key is in progress.");
		break;
	default:
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		break;
	}
}

enum db_rc
idem_sweep(struct db_conn *c, int64_t before)
{
	return db_exec(c, STMT_IDEM_SWEEP, (struct db_param[]){ DB_INT(before) }, 1, NULL);
}

void
idem_free(struct idem *x)
{
	if (x == NULL)
		return;
	free(x->body);
	x->body = NULL;
}

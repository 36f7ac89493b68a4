/*
 * idem: the Idempotency-Key of POSTs that create something, for any slice.
 *
 * A client that may retry (a lost answer, a double click) sends
 * `Idempotency-Key: <1–128 printable ASCII>`.  The first request with a
 * key is carried out and its answer stored in the same transaction as its
 * effect; the same key with the same body gets that answer again
 * (`Idempotent-Replayed: true`) and changes nothing; the same key with
 * another body is refused with 422.  Keys are scoped by route and caller:
 * the stored key is SHA-256("route\ncaller\nclient key"), so two users, or
 * one user on two routes, never share a key.  The body's SHA-256 tells
 * "same request" from "another request".  Rows live in idempotency_keys
 * (sql/{sqlite,pg}/0005_dossier.sql) and are swept after a day.
 *
 * Use, inside the handler's transaction:
 *
 *   idem_header(r, w, &key)            before reading the body (400 if bad)
 *   db_begin(c)
 *   st = idem_claim(c, route, caller, key, r->body, r->body_len, now, &x)
 *   IDEM_NEW: do the work, render the answer, idem_store(c, &x, status,
 *             text, n), commit, answer
 *   otherwise: db_rollback(c); idem_answer(r, w, st, &x)
 *   idem_free(&x)
 */
#ifndef MOTCUA_IDEM_H
#define MOTCUA_IDEM_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "../db/db.h"
#include "../http/http.h"

#define IDEM_KEY_MAX 128 /* characters of a client's key */
#define IDEM_TTL (24 * 3600) /* seconds a key is remembered */

enum idem_state {
	IDEM_NEW, /* claimed: carry the request out, then idem_store */
	IDEM_REPLAY, /* seen with the same body: x->status / x->body are the answer */
	IDEM_MISMATCH, /* seen with another body: 422 */
	IDEM_IN_FLIGHT, /* seen, its answer not stored (cannot happen after a commit) */
	IDEM_ERROR, /* database error */
};

/* One claim.  body is malloc'd (idem_free); "" until a replay fills it. */
struct idem {
	char key[65]; /* scoped key (hex SHA-256) */
	char hash[65]; /* the request body's hex SHA-256 */
	int status;
	char *body;
};

/* 1 if k is an acceptable client key: 1..IDEM_KEY_MAX characters from
 * '!' to '~'. */
int idem_key_valid(const char *k);

/* The request's Idempotency-Key into *key (NULL when absent).  -1 after
 * answering 400 (problem+json naming the header) when it is malformed. */
int idem_header(struct req *r, struct resp *w, const char **key);

/* Claim key for (route, caller) inside the caller's open transaction.
 * route names the operation ("POST /api/v1/procedures"); caller the
 * principal ("u:12", "t:3").  body/n: the raw request body. */
enum idem_state idem_claim(struct db_conn *c, const char *route, const char *caller,
    const char *key, const void *body, size_t n, int64_t now, struct idem *x);

/* Store the answer of a claimed key (same transaction as the effect). */
enum db_rc idem_store(struct db_conn *c, const struct idem *x, int status, const char *body,
    size_t n);
/* The same for an answer still in jansson form (written compact); DB_OK
 * without a write when the request carried no key. */
enum db_rc idem_store_json(struct db_conn *c, const struct idem *x, int status,
    const json_t *answer);

/* Answer a state other than IDEM_NEW: the stored answer with
 * `Idempotent-Replayed: true`, 422, 409 or 500. */
void idem_answer(struct req *r, struct resp *w, enum idem_state st, const struct idem *x);

/* Forget keys created before `before` (Unix seconds). */
enum db_rc idem_sweep(struct db_conn *c, int64_t before);

void idem_free(struct idem *x);

#endif

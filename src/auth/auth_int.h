/* Private to src/auth: helpers shared by the slice's files. */
#ifndef MOTCUA_AUTH_INT_H
#define MOTCUA_AUTH_INT_H

#include "../app.h"
#include "auth.h"

#define AUTH_COOKIE "motcua_session"
#define AUTH_USERNAME_MIN 3
#define AUTH_USERNAME_MAX 64
#define AUTH_NAME_MAX 200 /* full names, token names, agency names (characters) */
#define AUTH_LIST_DEFAULT 50
#define AUTH_LIST_MAX 500

/* Append an audit entry with an explicit actor (sign-in, CLI); detail is a
 * json_t * whose reference is stolen (NULL = {}). */
enum db_rc auth_audit_as(struct db_conn *c, const char *request_id, int64_t actor_id,
    const char *actor, int64_t agency_id, const char *action, const char *object,
    void *detail);

/* 0 and a lower-cased copy in out if s is a valid username
 * ([a-z0-9._-], 3..64, starting with a letter or digit); else -1. */
int auth_username_norm(const char *s, char *out, size_t outsz);
/* 1 if s is a QCVN 102 agency code such as "000.00.00.H19". */
int auth_agency_code_valid(const char *s);
/* 1 if s is an agency kind we know. */
int auth_agency_kind_valid(const char *s);
/* 1 if s is valid UTF-8 text of 1..max characters without control chars. */
int auth_text_valid(const char *s, size_t max);

/* Cookie value for a new session, or the one that clears it, into the
 * arena; Secure when behind TLS. */
const char *auth_cookie_set(struct req *r, const char *token);
const char *auth_cookie_clear(struct req *r);
/* The session token from the Cookie header (64 hex) or NULL. */
const char *auth_cookie_token(const struct req *r);

/* Sessions: create one for user (token out, 65 bytes); delete by id. */
enum db_rc auth_session_create(struct db_conn *c, int64_t user_id, char token[AUTH_HEX256],
    char sid[AUTH_HEX256]);

/* JSON of a user row selected with AUTH_USER_COLS (new reference). */
void *auth_user_json(const struct req *r, struct db_res *res);
/* Read one user by id through the scope into a new JSON object; NULL with
 * *rc = DB_NOTFOUND when absent or out of scope. */
void *auth_user_load(struct req *r, struct db_conn *c, const struct scope *s, int64_t id,
    enum db_rc *rc);

/* List paging: limit (default 50, max 500) and an id cursor.  -1 after
 * answering 400. */
int auth_list_params(struct req *r, struct resp *w, int64_t *limit, int64_t *after,
    int64_t cursor_default);

/* Answer 400 with one invalid parameter. */
void auth_bad_param(struct req *r, struct resp *w, const char *name, const char *vi,
    const char *en);
/* 1 if the request asked for English. */
int auth_en(const struct req *r);

#endif

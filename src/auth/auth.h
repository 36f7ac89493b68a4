/*
 * auth: who the caller is, what they may do, and in which agencies.
 *
 *  - one permission table (perms.def) of role x action drives every check:
 *    the route guard reads route->perm as an enum auth_action;
 *  - staff sign in with argon2id-hashed passwords and get a session cookie
 *    (a random 256-bit token stored only as its SHA-256) plus a CSRF token
 *    bound to it; partner systems use bearer API tokens with scopes;
 *  - the scope (own agency and its descendants, or everything for admin and
 *    inspector) is derived from the principal in ONE place, auth_scoped(),
 *    which is the way handlers of staff routes get their DB connection.
 */
#ifndef MOTCUA_AUTH_H
#define MOTCUA_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "../db/db.h"
#include "../http/http.h"

/* ---- roles and actions ------------------------------------------------- */

enum auth_role {
	ROLE_ADMIN,
	ROLE_AGENCY_ADMIN,
	ROLE_RECEIVER,
	ROLE_SPECIALIST,
	ROLE_LEADER,
	ROLE_CLERK,
	ROLE_INSPECTOR,
	ROLE_CITIZEN,
	ROLE__MAX
};

enum auth_action {
#define PERM(id, ...) id,
#include "perms.def"
#undef PERM
	ACT__MAX
};

/* "admin", "agency_admin", ...; "?" out of range. */
const char *auth_role_name(enum auth_role role);
/* Vietnamese label of a role ("Quản trị hệ thống"); English when en. */
const char *auth_role_label(enum auth_role role, int en);
/* ROLE__MAX when the name is unknown (or NULL). */
enum auth_role auth_role_from(const char *name);
/* "user.read", ...; "?" out of range. */
const char *auth_action_name(enum auth_action a);
/* ACT__MAX when unknown. */
enum auth_action auth_action_from(const char *name);
/* What the action allows, in Vietnamese (English when en). */
const char *auth_action_label(enum auth_action a, int en);
/* The table's cell: 1 if role may perform a. */
int auth_role_can(enum auth_role role, enum auth_action a);
/* 1 if a may be granted to an API token. */
int auth_action_token_ok(enum auth_action a);
/* 1 if a changes shared data. */
int auth_action_writes(enum auth_action a);
/* 1 if a user of role actor may give role target to an account (admins any
 * role; agency admins the agency roles only; nobody else). */
int auth_role_assignable(enum auth_role actor, enum auth_role target);
/* 1 if the role belongs to no agency-bound scope (province-wide). */
int auth_role_province_wide(enum auth_role role);

/* Parse "a,b,c" into a bitmask of token-grantable actions.  0, or -1 with
 * the first offending name copied into bad (NUL-terminated). */
int auth_scopes_parse(const char *s, uint64_t *out, char *bad, size_t badsz);
/* "a,b,c" of the bits set, into b. */
void auth_scopes_format(uint64_t scopes, struct buf *b);

/* docs/ROLES.md, generated from the table. */
void auth_roles_markdown(struct buf *b);
/* JSON {roles, actions, routes} for `motcua auth matrix` (the API test
 * iterates it to try every route with every role). */
void auth_matrix_json(const struct router *rt, struct buf *b);

/* ---- the principal ----------------------------------------------------- */

enum principal_kind { PRINCIPAL_USER, PRINCIPAL_TOKEN };

#define AUTH_HEX256 65 /* 64 hex characters and a NUL */

/* Filled by the guard; arena-owned, reached through auth_principal(). */
struct principal {
	enum principal_kind kind;
	int64_t id; /* users.id or api_tokens.id */
	const char *name; /* username, or the token's name */
	const char *full_name; /* users only, else "" */
	enum auth_role role; /* ROLE__MAX for tokens */
	uint64_t scopes; /* tokens: granted actions (bit = enum auth_action) */
	int64_t agency_id; /* 0 = none (citizens) */
	const char *agency_code; /* "" when none */
	const char *agency_name;
	int64_t unit_id; /* 0 = none */
	int by_cookie; /* authenticated by the session cookie (CSRF applies) */
	char sid[AUTH_HEX256]; /* session id (SHA-256 of the cookie token) */
	char csrf[AUTH_HEX256]; /* the CSRF token bound to this session */
};

/* The guard's principal, or NULL on public routes / no credentials. */
const struct principal *auth_principal(const struct req *r);
/* 1 if p may perform a (users: role table; tokens: scopes). */
int auth_can(const struct principal *p, enum auth_action a);

/* ---- the scope: ONE place decides which agencies a caller sees --------- */

struct scope {
	int all; /* province-wide (admin, inspector) */
	int64_t root; /* otherwise this agency and its descendants; 0 = nothing */
};

/* The scope a principal works in (NULL principal: nothing). */
struct scope auth_scope_of(const struct principal *p);
/* Bind s as the first two statement parameters: $1 = all (0/1), $2 = root.
 * Every scoped statement starts with AUTH_SCOPE_CTE and filters with
 * AUTH_SCOPE_WHERE(column) (see auth/stmts.def). */
void auth_scope_bind(const struct scope *s, struct db_param out[2]);
/* 1 if agency_id is inside s, 0 if not, -1 on a DB error. */
int auth_scope_contains(struct db_conn *c, const struct scope *s, int64_t agency_id);

/* What a handler of a guarded route works with. */
struct scoped {
	const struct principal *who;
	struct scope scope;
	struct db_conn *conn;
};

/* The only way handlers of staff routes should reach the database: fills
 * out from the guard's principal and the thread's connection.  -1 after
 * answering 401 (no principal) or 503 (no database). */
int auth_scoped(struct req *r, struct resp *w, struct scoped *out);

/* ---- the guard --------------------------------------------------------- */

/* http_app.guard: resolve the principal from the Bearer token or the
 * session cookie, check CSRF on state-changing cookie requests, then the
 * permission table for route->perm.  0 = go on, -1 = answered (401/403). */
int auth_guard(struct req *r, const struct route *rt, struct resp *w);

/* ---- passwords --------------------------------------------------------- */

#define AUTH_PASSWORD_MAX 128 /* characters */
#define AUTH_PASSWORD_MAX_BYTES 512
#define AUTH_HASH_MAX 160 /* encoded argon2id hash */

enum pw_verdict {
	PW_OK,
	PW_TOO_SHORT,
	PW_TOO_LONG,
	PW_BAD_TEXT, /* not UTF-8, or control characters */
	PW_SAME_AS_USERNAME,
	PW_COMMON,
	PW__MAX
};

/* The policy (ASVS 2.1): length by characters from config, at most
 * AUTH_PASSWORD_MAX, not the username, not a well-known password.  No
 * composition rules. */
enum pw_verdict auth_password_check(const char *pw, const char *username);
/* Why, in Vietnamese (or English when en), into out. */
void auth_password_reason(enum pw_verdict v, int en, char *out, size_t outsz);
/* argon2id with the configured costs and a random salt into out (encoded
 * form).  0 or -1. */
int auth_password_hash(const char *pw, char *out, size_t outsz);
/* 1 if pw matches encoded, 0 if not, -1 on a malformed hash. */
int auth_password_verify(const char *encoded, const char *pw);
/* 1 if encoded was made with other costs than the configured ones. */
int auth_password_needs_rehash(const char *encoded);
/* Run one verification against a fixed hash, so that an unknown username
 * costs as much time as a wrong password. */
void auth_password_burn(const char *pw);

/* ---- tokens and hashing ------------------------------------------------ */

#define AUTH_TOKEN_PREFIX "mct_"
#define AUTH_TOKEN_LEN (4 + 64) /* prefix + 256 bits in hex */

/* SHA-256 of s as lower-case hex. */
void auth_sha256_hex(const void *p, size_t n, char out[AUTH_HEX256]);
/* A new API token secret "mct_<64 hex>" into out (AUTH_TOKEN_LEN + 1). */
int auth_token_new(char *out, size_t outsz);
/* The CSRF token bound to a session token: SHA-256("csrf\0" || token). */
void auth_csrf_for(const char *session_token, char out[AUTH_HEX256]);

/* ---- audit from handlers ----------------------------------------------- */

/* Append an audit entry by the caller of r inside the caller's open
 * transaction: actor and request id come from the principal; agency_id is
 * the agency the object belongs to (0 = the caller's).  detail is a
 * jansson object whose reference is stolen (NULL = {}). */
enum db_rc auth_audit(struct req *r, struct db_conn *c, int64_t agency_id, const char *action,
    const char *object, void *detail);
/* The same without a request (the demo data): by p (NULL = anonymous, the
 * applicant online), at time at (0 = now); the actor's name for a token is
 * made in a. */
enum db_rc auth_audit_by(struct db_conn *c, const struct principal *p, const char *request_id,
    struct arena *a, int64_t at, int64_t agency_id, const char *action, const char *object,
    void *detail);

/* ---- routes and command line ------------------------------------------- */

/* Sign-in, sign-out, me, own password. */
extern const struct route auth_routes[];
extern const size_t auth_nroutes;
/* Users, API tokens and agencies administration. */
extern const struct route auth_admin_routes[];
extern const size_t auth_admin_nroutes;

/* motcua user|token|agency ... (argv[0] is the command name); exit codes. */
int auth_cli_user(int argc, char **argv);
int auth_cli_token(int argc, char **argv);
int auth_cli_agency(int argc, char **argv);
/* motcua auth matrix|roles: the route matrix JSON or docs/ROLES.md. */
int auth_cli_auth(int argc, char **argv, const struct router *rt);

/* Shared by the CLIs of auth and audit: apply "--config FILE" and every
 * "--key value" naming a config key, collect the flags listed in names
 * (values into vals, NULL when absent) and the positional arguments.  0, or
 * -1 after printing why. */
struct cli_args {
	const char *const *names; /* flag names without "--", NULL-terminated */
	const char *vals[16];
	const char *pos[8];
	size_t npos;
};
int auth_cli_parse(int argc, char **argv, int first, struct cli_args *a);
/* Open the configured database and a private connection; NULL after
 * printing why.  Free with auth_cli_close. */
struct db_conn *auth_cli_open(struct db **db);
void auth_cli_close(struct db *db, struct db_conn *c);

#endif

/*
 * audit: the append-only, hash-chained event log.  Every state change
 * appends its entry in the SAME transaction as the change, so a change
 * without its entry (or an entry without its change) cannot be committed.
 * Each entry's hash = SHA-256(previous hash || canonical entry); `motcua
 * audit verify` walks the chain and names the first broken entry.
 */
#ifndef MOTCUA_AUDIT_H
#define MOTCUA_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "../db/db.h"
#include "../http/http.h"

#define AUDIT_HASH_HEX 65 /* 64 hex characters and a NUL */

/* One entry as callers describe it.  Strings are borrowed for the call. */
struct audit_entry {
	int64_t at; /* Unix seconds; 0 = clock_now() */
	int64_t actor_id; /* users.id of the actor, 0 = none (token, CLI, anonymous) */
	const char *actor; /* "username", "token:<name>", "cli", "anonymous" */
	int64_t agency_id; /* agency the change belongs to, 0 = none */
	const char *action; /* "auth.login", "user.create", "dossier.receive" ... */
	const char *object; /* "user:12", "dossier:000.00.01.H19-261130-0001" */
	const char *request_id; /* X-Request-Id, "" outside a request */
	const char *detail; /* JSON object text, canonical (sorted keys, compact); NULL = "{}" */
};

/* Append e inside the caller's open transaction (db_begin): takes the
 * chain head (serialising concurrent appenders), inserts the entry and
 * moves the head.  On error the caller must roll back.  The entry's id is
 * stored in *id_out when not NULL. */
enum db_rc audit_append(struct db_conn *c, const struct audit_entry *e, int64_t *id_out);

/* A JSON value (jansson json_t *) as canonical detail text: sorted keys,
 * compact, UTF-8.  malloc()ed; the caller free()s it.  NULL on ENOMEM. */
char *audit_detail_text(const void *json);

/* The canonical byte string an entry's hash covers (for tests and auditors):
 * "motcua-audit-v1\n" then one "name=value\n" line per field, text values
 * as "<byte length>:<bytes>", NULL integers empty. */
struct audit_row {
	int64_t id, at;
	int64_t actor_id; /* 0 = NULL */
	const char *actor;
	int64_t agency_id; /* 0 = NULL */
	const char *action, *object, *request_id, *detail;
};
void audit_canonical(const struct audit_row *r, struct buf *out);
/* hash = SHA-256(prev_hex || canonical(r)) as hex. */
void audit_hash(const char *prev_hex, const struct audit_row *r, char out[AUDIT_HASH_HEX]);

/* Walk the whole chain.  0 = intact (count in *n), 1 = broken (first bad
 * entry id in *bad and a reason in why), -1 = DB error. */
int audit_verify(struct db_conn *c, int64_t *n, int64_t *bad, char *why, size_t whysz);

extern const struct route audit_routes[];
extern const size_t audit_nroutes;

/* motcua audit verify|list [--db URL]; exit code. */
int audit_cli(int argc, char **argv);

#endif

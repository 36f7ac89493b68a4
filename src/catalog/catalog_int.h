/* Private to src/catalog: what store.c offers api.c and catalog_cli.c. */
#ifndef MOTCUA_CATALOG_INT_H
#define MOTCUA_CATALOG_INT_H

#include <jansson.h>

#include "catalog.h"

#define CAT_LIST_DEFAULT 50
#define CAT_LIST_MAX 500
#define CAT_FORMAT "motcua-catalog/1"

/* A procedures row. */
struct cat_proc {
	int64_t id, nversions, row_version, created_at, updated_at, abolished_at;
	char code[40];
	char national[16]; /* "" = none */
	char abolished_on[16]; /* "" = not abolished */
	char abolish_decision[1300];
};

/* The row for a local or national code; DB_NOTFOUND when none. */
enum db_rc cat_proc_get(struct db_conn *c, const char *code, struct cat_proc *out);

/* Create a procedure from a validated body (identity + version fields) as
 * version 1.  Reference errors (unknown field, agency, bundle; code or
 * national code taken) go to errs and give DB_CONSTRAINT.  Inside the
 * caller's transaction. */
enum db_rc cat_proc_create(struct db_conn *c, json_t *body, const struct catalog_actor *who,
    int64_t now, struct catalog_errs *errs, struct cat_proc *out);
/* Add a new version to p from a validated body.  national_code in the body
 * (when present) replaces the procedure's.  DB_CONFLICT when p changed
 * since it was read or is abolished; DB_CONSTRAINT with errs on bad
 * references or an effective date not after the latest version's. */
enum db_rc cat_proc_add_version(struct db_conn *c, struct cat_proc *p, json_t *body,
    const struct catalog_actor *who, int64_t now, const char *prefix, struct catalog_errs *errs);
/* Abolish p from date on (exclusive of on: the last day in force is the
 * day before) by decision.  Same error rules. */
enum db_rc cat_proc_abolish(struct db_conn *c, struct cat_proc *p, const char *on,
    const char *decision, int64_t now, struct catalog_errs *errs);

/* The procedure as the API shows it, with the version in force on date
 * (NULL = today; when none is in force today, the latest version with
 * "in_force": false).  With an explicit date and no version in force then:
 * DB_NOTFOUND.  New reference in *out. */
enum db_rc cat_proc_json(struct db_conn *c, const struct cat_proc *p, const char *date,
    json_t **out);
/* The version history with what changed between versions. */
enum db_rc cat_proc_versions_json(struct db_conn *c, const struct cat_proc *p, json_t **out);
/* The lead agencies' ids of the version in force today (or the latest);
 * for scope checks.  *n is their number (at most max). */
enum db_rc cat_proc_leads(struct db_conn *c, const struct cat_proc *p, int64_t *ids, size_t max,
    size_t *n);

/* Agencies.  Create (id_out) or update (existing > 0: absent keys keep
 * their value) from a validated record; receives_for is applied too unless
 * defer_desks (imports apply it once every agency exists). */
enum db_rc cat_agency_write(struct db_conn *c, json_t *rec, int64_t existing, int64_t now,
    int defer_desks, struct catalog_errs *errs, int64_t *id_out);
/* Replace the agencies a desk receives for. */
enum db_rc cat_agency_set_desks(struct db_conn *c, int64_t desk, json_t *codes,
    const char *name, struct catalog_errs *errs);
/* Field id by code: DB_NOTFOUND when none. */
enum db_rc cat_field_find(struct db_conn *c, const char *code, int64_t *id);
/* Agency by id ("12") or code ("000.00.00.H19"): DB_NOTFOUND when none. */
enum db_rc cat_agency_find(struct db_conn *c, const char *key, int64_t *id);
/* The agency as the API shows it (parent, children, desks). */
enum db_rc cat_agency_json(struct db_conn *c, int64_t id, json_t **out);
/* One list row of STMT_CAT_AGENCY_LIST/GET/ALL as a JSON object. */
json_t *cat_agency_row_json(struct db_res *res, int export_form);

/* Search (see STMT_CAT_SEARCH). */
struct cat_search {
	char today[16];
	char pat[CATALOG_QUERY_TOKENS][CATALOG_TOKEN_MAX + 4]; /* "% word%" or "%" */
	char lo[CATALOG_QUERY_TOKENS][CATALOG_TOKEN_MAX + 1]; /* the word, "" unused */
	char hi[CATALOG_QUERY_TOKENS][CATALOG_TOKEN_MAX + 5]; /* the word + U+10FFFF */
	int ntok; /* words in the query; 0 = browse */
	char exact[1040], prefix[1040], phrase[1040]; /* '' when no query */
	const char *raw; /* trimmed query, "" when none */
	int64_t field_id, agency_id;
	const char *agency_tier; /* "" when no agency */
	int level, online_level, abolished;
	int64_t cur_rank, cur_pid;
	int64_t limit;
};

/* Fill the query parts of s from q (NULL = none); -1 on a bad query. */
int cat_search_query(struct cat_search *s, const char *q);
/* Run s (its words may be reordered: the rarest drives the search); append
 * each hit as JSON to items; the last row's rank and id go to *rank and
 * *pid, and *more says whether more rows follow. */
enum db_rc cat_search_run(struct db_conn *c, struct cat_search *s, json_t *items,
    int64_t *rank, int64_t *pid, int *more);

/* Append an audit entry for who (inside the caller's transaction). */
enum db_rc cat_audit(struct db_conn *c, const struct catalog_actor *who, const char *action,
    const char *object, json_t *detail);

/* ---- catalogue version and search cache (cache.c) ----------------------- */

#define CAT_CACHE_SETS 256
#define CAT_CACHE_WAYS 4
#define CAT_CACHE_BODY_MAX (16u << 10) /* bigger answers (limit > ~30) are not kept */
#define CAT_CACHE_KEY_MAX 1024

/* The catalogue's version: catalog_state.version, bumped by cat_audit in
 * every catalogue write transaction. */
enum db_rc cat_version_get(struct db_conn *c, int64_t *version);
/* The answer cached for key at version, copied into the arena (*body,
 * NUL-terminated, *n bytes): 1 found, 0 not. */
int cat_cache_get(int64_t version, const char *key, struct arena *a, char **body, size_t *n);
/* Keep an answer (copied) computed after reading version. */
void cat_cache_put(int64_t version, const char *key, const char *body, size_t n);
/* Drop everything (tests). */
void cat_cache_clear(void);
/* Lookups answered from the cache and not, since start. */
void cat_cache_stats(uint64_t *hits, uint64_t *misses);

#endif

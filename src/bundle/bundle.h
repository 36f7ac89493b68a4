/*
 * bundle: interlinked procedures (một cửa liên thông, Decree 61 Art.
 * 19.6-19.7) — one application, one code, one receipt for a group of
 * procedures handled by several agencies.  docs/BUNDLE.md is the reference.
 *
 *  - graph.c   the dependency graph: order, cycles, shares, outputs (pure)
 *  - def.c     definitions in the catalogue: import, validation, list, export
 *  - run.c     bundle dossiers: reception, component start, the parent's
 *              status and due time, staff/public views, hooks the dossier
 *              slice calls
 *  - hook.c    outbound webhooks to external systems from the outbox
 *  - http.c    GET /api/v1/bundles, component outputs and outcomes
 *
 * A bundle dossier is a row of `dossiers` (kind 'bundle') with one
 * component dossier per procedure (kind 'component', parent_id); the
 * dossier slice's machinery (codes, clock, steps, history, audit) runs
 * both.  This slice includes src/dossier/dossier_int.h: it drives
 * component dossiers from inside the dossier slice's transactions.
 */
#ifndef MOTCUA_BUNDLE_H
#define MOTCUA_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include "../catalog/catalog.h"
#include "../db/db.h"
#include "../http/http.h"

#define BUNDLE_COMPONENTS_MAX 32
#define BUNDLE_NAMES_MAX 8 /* outputs a component provides or requires */
#define BUNDLE_KEY_MAX 32 /* bytes of a component key or an output name */

/* ---- the graph (graph.c) ---------------------------------------------------- */

struct bundle_node {
	char key[BUNDLE_KEY_MAX + 1];
	int64_t share; /* in the bundle's unit */
	int nafter;
	int after[BUNDLE_COMPONENTS_MAX]; /* indexes of predecessors */
	int nprov, nreq;
	char prov[BUNDLE_NAMES_MAX][BUNDLE_KEY_MAX + 1];
	char req[BUNDLE_NAMES_MAX][BUNDLE_KEY_MAX + 1];
};

struct bundle_graph {
	int n;
	int64_t total; /* the bundle's total limit */
	struct bundle_node node[BUNDLE_COMPONENTS_MAX];
};

/* A topological order of g into order[0..n): 0, or -1 when g has a cycle
 * (then *cycle_at is a component on it). */
int bundle_graph_order(const struct bundle_graph *g, int order[BUNDLE_COMPONENTS_MAX],
    int *cycle_at);
/* The longest chain of shares (the critical path) of an acyclic g. */
int64_t bundle_graph_span(const struct bundle_graph *g);
/* 1 if a is a (transitive) predecessor of b in an acyclic g. */
int bundle_graph_before(const struct bundle_graph *g, int a, int b);
/* Validate g: no cycle, no self or duplicate edge, the critical path of
 * shares within total, every required output provided by a predecessor,
 * no output provided twice.  Errors (naming components[i].field) go to
 * errs; returns the number added. */
size_t bundle_graph_check(const struct bundle_graph *g, struct catalog_errs *errs);

/* ---- definitions (def.c) ---------------------------------------------------- */

/* Validate the bundle-slice members of one catalogue bundle record
 * (time_limit, components) without the database: shapes, bounds, the
 * graph.  Fills g when given.  Errors go to errs (names without prefix). */
void bundle_def_validate(const void *json, struct bundle_graph *g, struct catalog_errs *errs);
/* Write the definitions of an import's "bundles" list inside the caller's
 * transaction, after its procedures were imported: every component's
 * procedure and fixed agency must exist.  In seed mode a bundle that has
 * components already is left alone.  DB_OK, DB_CONSTRAINT (errors in errs,
 * naming "bundles[i] code" and the field) or another db_rc. */
enum db_rc bundle_def_import(struct db_conn *c, const void *list, int seed_mode,
    struct catalog_errs *errs);
/* Add "time_limit" and "components" to each exported bundle object of
 * list (objects with "code"). */
enum db_rc bundle_def_export(struct db_conn *c, void *list);

/* ---- hooks the dossier slice calls (run.c) ---------------------------------- */

struct dossier_ctx;
struct dossier;
struct dossier_err;
struct dossier_answer;

/* Reception: 1 if code names a bundle (the caller then hands the request
 * to bundle_receive), 0 if not, -1 on a database error. */
int bundle_is_code(struct db_conn *c, const char *code);
/* Receive a bundle dossier: body already validated by the dossier slice's
 * reception.  Same contract as dossier_receive(). */
int bundle_receive(struct dossier_ctx *x, void *body, const char *idem_key,
    const char *body_text, struct dossier_answer *out, struct dossier_err *err);
/* May the action happen to d as part of a bundle?  0, or -1 with a 422 in
 * err (a component not started yet, an external one, a parent's action
 * that belongs to its components).  Plain dossiers: always 0. */
int bundle_check_action(struct dossier_ctx *x, const struct dossier *d, int action,
    struct dossier_err *err);
/* After an action on d (in its transaction, after its history row):
 * start successors, settle the parent, recompute its due time. */
enum db_rc bundle_after_action(struct dossier_ctx *x, struct dossier *d);
/* The Mẫu 02 items (normalised by dossier_missing_parse) of a supplement
 * request on d (NULL: a dossier being received that is no bundle): for a
 * bundle dossier each item is attributed to its component (the one it
 * names in `component`, or the component whose procedure lists a document
 * of that name) and gets `component_name`; for any other dossier an item
 * naming a component is refused.  0, or -1 with a 422 in err. */
int bundle_missing_check(struct dossier_ctx *x, const struct dossier *d, void *items,
    struct dossier_err *err);
/* The apology (Mẫu 04) of d: for a bundle dossier, add "late" (the
 * components late by the clock, their agencies) to the history detail,
 * or -1 with a 422 in err when none is late.  Other dossiers: 0. */
int bundle_apology_late(struct dossier_ctx *x, const struct dossier *d, void *detail,
    struct dossier_err *err);
/* Add the bundle members of d's JSON: "kind", and "components" of a
 * bundle dossier or "bundle" of a component (public = no codes, steps,
 * officers or outputs). */
enum db_rc bundle_json_extend(struct dossier_ctx *x, const struct dossier *d, void *o,
    int public);

/* ---- webhooks (hook.c) ------------------------------------------------------ */

/* HMAC-SHA256 of body with secret as lower-case hex into out (65 bytes). */
void bundle_hook_sign(const char *secret, const char *body, size_t n, char out[65]);
/* The back-off after `attempts` failed tries: base × 2^(attempts-1),
 * capped at max (seconds). */
int64_t bundle_hook_backoff(int64_t attempts, int64_t base, int64_t max);
/* Deliver due events once (oldest first; stops at the first failure so
 * delivery stays in order).  The number delivered, or -1 on a DB error. */
int bundle_hook_pass(struct db_conn *c, int64_t now);
/* Start / stop the delivery thread of `serve` (no-op without a URL). */
int bundle_hook_start(struct db *db);
void bundle_hook_stop(void);

/* ---- HTTP -------------------------------------------------------------------- */

extern const struct route bundle_routes[];
extern const size_t bundle_nroutes;

/* ---- external systems (external.c) and the waiting queue (waiting.c) ------- */

/* Administration of the external systems (one webhook URL and secret
 * each): GET/POST /api/v1/external-systems, PATCH .../{code},
 * POST .../{code}/rotate|disable|enable (admin). */
extern const struct route bundle_external_routes[];
extern const size_t bundle_external_nroutes;
/* 1 if s is a webhook URL motcua may post to: https://, or http:// to
 * this machine only; no credentials, no blanks, at most 2048 bytes. */
int bundle_external_url_ok(const char *s);
/* motcua bundle external add|list|rotate|disable|enable|set-url (argv[0]
 * is "bundle"); an exit code. */
int bundle_cli(int argc, char **argv);
/* The unfinished predecessors a waiting component dossier waits for, as a
 * new JSON array of {key, name, agency, status} (empty when it waits for
 * nothing).  NULL on a database error. */
void *bundle_waiting_for(struct db_conn *c, int64_t dossier_id, int en);
/* The outputs {"outputs": {name: value}} of component `id` of bundle
 * dossier `code`, and an external system's outcome {outcome, reason?,
 * outputs?, reference?, note?} (x->who: an API token principal of the
 * component's agency with bundle.outcome) — the code paths of the two
 * routes, for in-process callers (the demo).  0, or -1 with err. */
int bundle_record_outputs(struct dossier_ctx *x, const char *code, int64_t id, void *body,
    struct dossier_err *err);
int bundle_record_outcome(struct dossier_ctx *x, const char *code, int64_t id, void *body,
    struct dossier_err *err);

#endif

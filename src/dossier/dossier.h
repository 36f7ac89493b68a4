/*
 * dossier: the one-stop mechanism of Decree 61/2018 end to end — reception
 * (Mẫu 01/02/03), dossier codes, the processing workflow driven by ONE
 * transition table, legal deadlines, the hand-over history (Mẫu 05), the
 * public lookup, staff views, the due-soon/overdue scanner, demo data and
 * the benchmark generator.  docs/DOSSIER.md is the reference.
 *
 *  - code.c      dossier codes, lookup keys, register numbers, counters
 *  - intake.c    reception (POST /api/v1/dossiers), Idempotency-Key
 *  - workflow.c  the transition table and POST .../actions
 *  - clock.c     legal deadlines, step due times, classification
 *  - lookup.c    public lookup (no login, rate-limited)
 *  - views.c     staff list and detail, the JSON every answer shares
 *  - scanner.c   background due-soon/overdue scanner
 *  - demo.c      demo officials and dossiers through the real functions
 *  - bench.c     `motcua bench-data` (fast, not audited; benchmarks only)
 *  - dossier_cli.c  `motcua dossier ...`
 *
 * Every state change is one transaction: the change, its history row, an
 * outbox event and an audit entry.  Staff reads and writes go through the
 * caller's scope (auth_scoped / AUTH_SCOPE_WHERE).
 */
#ifndef MOTCUA_DOSSIER_H
#define MOTCUA_DOSSIER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../auth/auth.h"
#include "../db/db.h"
#include "../http/http.h"

struct calendar;

/* ---- statuses and actions ----------------------------------------------- */

enum dossier_status {
	DS_SUBMITTED, /* online, awaiting reception */
	DS_RECEIVED, /* received at the desk, clock running */
	DS_PROCESSING, /* at the processing agency */
	DS_AWAITING_SUPPLEMENT, /* Mẫu 02 issued, clock stopped */
	DS_AWAITING_PAYMENT, /* financial obligation requested */
	DS_RESULT_READY, /* result at the desk, waiting for the applicant */
	DS_RETURNED, /* result handed over */
	DS_REFUSED, /* Mẫu 03: not received */
	DS_REJECTED, /* not eligible after appraisal */
	DS_WITHDRAWN, /* withdrawn at the applicant's request */
	DS_STOPPED, /* processing stopped */
	DS__MAX
};

enum dossier_action {
	DA_RECEIVE,
	DA_REQUEST_SUPPLEMENT,
	DA_SUPPLEMENT,
	DA_REFUSE,
	DA_ASSIGN,
	DA_FORWARD,
	DA_SEND_BACK,
	DA_CONSULT,
	DA_APPROVE,
	DA_REJECT,
	DA_APOLOGIZE,
	DA_RESULT_READY,
	DA_RETURN_RESULT,
	DA_WITHDRAW,
	DA_STOP,
	DA_REQUEST_PAYMENT,
	DA_RECORD_PAYMENT,
	DA__MAX
};

/* "submitted", ...; NULL out of range. */
const char *dossier_status_name(enum dossier_status s);
/* Vietnamese label ("Đang giải quyết"), English when en. */
const char *dossier_status_label(enum dossier_status s, int en);
/* DS__MAX when unknown or NULL. */
enum dossier_status dossier_status_from(const char *name);
/* 1 for returned, refused, rejected, withdrawn, stopped. */
int dossier_status_terminal(enum dossier_status s);
/* 1 while the legal clock runs (received, processing, awaiting_payment). */
int dossier_status_clock_runs(enum dossier_status s);

const char *dossier_action_name(enum dossier_action a);
/* The body members action a takes besides action, version and note
 * (NULL-terminated; static). */
const char *const *dossier_action_fields(enum dossier_action a);
const char *dossier_action_label(enum dossier_action a, int en);
enum dossier_action dossier_action_from(const char *name);

/* ---- the transition table (workflow.c) ---------------------------------- */

struct dossier;
struct dossier_ctx;
struct dossier_err;
struct dossier_input;

/* A guard looks at the dossier as loaded (no input) and says whether the
 * action may happen now: 0, or -1 with the reason in err. */
typedef int (*dossier_guard_fn)(const struct dossier_ctx *, const struct dossier *,
    struct dossier_err *);
/* An effect validates the action's own fields, changes the dossier in
 * memory and writes its own rows, inside the action's transaction: 0, or -1
 * with err filled (the transaction is rolled back). */
typedef int (*dossier_effect_fn)(struct dossier_ctx *, struct dossier *,
    const struct dossier_input *, struct dossier_err *);

struct dossier_transition {
	enum dossier_status from;
	enum dossier_action action;
	enum dossier_status to;
	enum auth_action perm; /* row of src/auth/perms.def the caller needs */
	dossier_guard_fn guard; /* NULL = always */
	dossier_effect_fn effect; /* NULL = status change only */
};

/* The whole table and its length. */
const struct dossier_transition *dossier_transitions(size_t *n);
/* The row for (from, action), or NULL when the action is not allowed from
 * that status. */
const struct dossier_transition *dossier_transition_find(enum dossier_status from,
    enum dossier_action a);
/* How a dossier can come into being at reception: outcome → status. */
enum dossier_outcome { DO_RECEIVED, DO_INCOMPLETE, DO_REFUSED, DO_SUBMITTED, DO__MAX };
enum dossier_status dossier_outcome_status(enum dossier_outcome o);

/* ---- codes (code.c) ----------------------------------------------------- */

#define DOSSIER_CODE_LEN 25 /* 000.00.01.H19-261130-0001 */
#define DOSSIER_AGENCY_CODE_LEN 13
#define DOSSIER_KEY_LEN 8
/* The lookup-key alphabet: digits and capitals without 0, O, 1, I, L. */
#define DOSSIER_KEY_ALPHABET "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
#define DOSSIER_SEQ_MAX 9999 /* XXXX */

/* Format agency-YYMMDD-XXXX for the Vietnam date of `at` into out
 * (DOSSIER_CODE_LEN + 1 bytes).  0, or -1 on a bad agency code or a
 * sequence outside 1..9999. */
int dossier_code_format(const char *agency_code, int64_t at, int64_t seq, char *out,
    size_t outsz);
/* 1 if s has the exact shape of a dossier code (and a real date). */
int dossier_code_valid(const char *s);
/* "YYMMDD" of the Vietnam date of at into out (7 bytes). */
void dossier_code_day(int64_t at, char out[8]);
/* A new lookup key from the CSPRNG (DOSSIER_KEY_LEN + 1 bytes); 0 or -1. */
int dossier_lookup_key_new(char *out, size_t outsz);
/* 1 if s is DOSSIER_KEY_LEN characters of the alphabet (case-insensitive
 * input is normalised by the caller). */
int dossier_lookup_key_valid(const char *s);
/* Next number of an agency's counter (period "d:YYMMDD" or "y:YYYY") in
 * the caller's transaction. */
enum db_rc dossier_counter_next(struct db_conn *c, int64_t agency_id, const char *period,
    int64_t *n);

/* ---- QR code of the lookup address (qr.c) ----------------------------- */

#define DOSSIER_QR_QUIET 4 /* modules of white border around the code */
#define DOSSIER_QR_TEXT_MAX 1024 /* bytes encoded at most */

/* The QR code of text (error correction M, 8-bit mode, case kept) as an
 * SVG document: viewBox of width + 2 * DOSSIER_QR_QUIET units, a white
 * square, then one path whose subpaths "M{x},{y}h{n}v1h-{n}z" are the
 * horizontal runs of dark modules (x, y include the quiet zone).  0 with
 * the document in *out (initialised here; the caller buf_free()s it), or
 * -1 (nothing to free) for empty or too long text or a libqrencode error. */
int dossier_qr_svg(const char *text, struct buf *out);

/* ---- context, errors, input --------------------------------------------- */

/* Who acts, when, on which connection.  who may be NULL for the system
 * (scanner, CLI): its scope is everything. */
struct dossier_ctx {
	struct db_conn *c;
	struct calendar *cal;
	const struct principal *who;
	struct scope scope;
	int64_t now;
	const char *request_id; /* "" outside a request */
	struct arena *arena; /* strings of loaded dossiers live here */
	int en; /* answer in English */
};

#define DOSSIER_ERR_PARAMS 24

/* An error as the API shows it: a problem kind, a detail and the invalid
 * fields, in Vietnamese and English.  dossier_err_render() turns it into
 * the problem+json answer. */
struct dossier_err {
	enum problem_kind kind;
	char vi[512], en[512];
	size_t n;
	struct {
		char name[64];
		char vi[256], en[256];
	} p[DOSSIER_ERR_PARAMS];
	int retry_after; /* seconds, for 429 */
};

void dossier_err_set(struct dossier_err *e, enum problem_kind k, const char *vi,
    const char *en, ...);
/* Add an invalid parameter (reasons are printf formats); also sets the kind
 * to PROB_VALIDATION if none was set. */
void dossier_err_param(struct dossier_err *e, const char *name, const char *vi,
    const char *en, ...);
void dossier_err_render(struct req *r, struct resp *w, const struct dossier_err *e);

/* ---- the operations (usable without HTTP: demo, CLI, tests) ------------- */

/* What a reception answers. */
struct dossier_answer {
	int status; /* HTTP status: 201, or the first answer's on a replay */
	int replayed; /* 1 when idem_key was seen before with the same body */
	void *json; /* new jansson reference, the caller's */
};

/* Reception: body as documented in docs/DOSSIER.md §2.  0 with the answer
 * in *out, or -1 with err (nothing written).  idem_key may be NULL;
 * body_text is the raw body (the idempotency hash; may be NULL when
 * idem_key is NULL). */
int dossier_receive(struct dossier_ctx *x, void *body, const char *idem_key,
    const char *body_text, struct dossier_answer *out, struct dossier_err *err);
/* One action on the dossier `code`: body {action, version, note, ...}.
 * 0 with the dossier as GET shows it in *out, or -1 with err. */
int dossier_act(struct dossier_ctx *x, const char *code, void *body, void **out,
    struct dossier_err *err);
/* The dossier as staff see it (documents, steps, history, allowed actions
 * for x->who); -1 with a 404 in err when absent or out of scope. */
int dossier_detail(struct dossier_ctx *x, const char *code, void **out, struct dossier_err *err);
/* The public view (no personal data) when key matches, as JSON text into
 * out (reset first; the caller owns it); -1 with the same 404 whether the
 * code is unknown or the key wrong, out then empty. */
int dossier_public(struct dossier_ctx *x, const char *code, const char *key, struct buf *out,
    struct dossier_err *err);

/* ---- scanner (scanner.c) ------------------------------------------------- */

/* One pass at `now`: mark dossiers due within one working day and overdue,
 * once each, with an outbox event and an audit entry; sweep old
 * idempotency keys.  At most `max` dossiers per pass.  The number marked,
 * or -1 on a database error. */
int dossier_scan_once(struct db_conn *c, struct calendar *cal, int64_t now, int max);
/* Start the scanner thread (interval from the config; 0 = none) on its
 * own connection.  0 or -1. */
int dossier_scanner_start(struct db *db, struct calendar *cal);
/* Stop and join it; a no-op when not running. */
void dossier_scanner_stop(void);

/* ---- demo data and benchmark data --------------------------------------- */

struct dossier_demo_opts {
	int count; /* dossiers to create (default 300) */
	int days; /* spread over this many past days (default 120) */
	uint64_t seed; /* deterministic choices; 0 = fixed default */
	int rated_pct; /* % of the dossiers ending with an outcome that are rated
	                * (satisfaction ratings), 1..100; 0 = default (70);
	                * negative = none */
	FILE *out; /* credentials and a summary are printed here (NULL = stdout) */
};

/* Create demo officials (receiver, specialist, leader, clerk per agency,
 * random passwords printed to opts->out) and dossiers in every status over
 * recent months, through dossier_receive/dossier_act, and satisfaction
 * ratings of most that end with an outcome, through rating_record.
 * Idempotent in the sense that a second run adds more dossiers (and rates
 * only those) but no second set of users.
 * 0 or -1 (printed). */
int dossier_demo_load(struct db_conn *c, struct calendar *cal,
    const struct dossier_demo_opts *opts);

/* ---- HTTP and CLI -------------------------------------------------------- */

/* POST/GET /api/v1/dossiers, GET /api/v1/dossiers/{code}, POST
 * /api/v1/dossiers/{code}/actions, GET /api/v1/public/dossiers/{code}. */
extern const struct route dossier_routes[];
extern const size_t dossier_nroutes;

/* `motcua dossier demo|show|list|scan ...` (argv[0] = "dossier"). */
int dossier_cli(int argc, char **argv);
/* `motcua bench-data --dossiers N [--agencies M] [--db URL]`. */
int dossier_cli_bench_data(int argc, char **argv);

#endif

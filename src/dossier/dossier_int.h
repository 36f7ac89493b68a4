/* Private to src/dossier: the loaded dossier and what the slice's files
 * share.  Nothing outside src/dossier includes this header except src/bundle,
 * which drives component dossiers of interlinked procedures with it
 * (docs/BUNDLE.md). */
#ifndef MOTCUA_DOSSIER_INT_H
#define MOTCUA_DOSSIER_INT_H

#include <jansson.h>

#include "../app.h"
#include "../calendar/calendar.h"
#include "dossier.h"

/* Bounds of what the API accepts (characters unless said). */
#define DOS_NAME_MAX 200 /* applicant name */
#define DOS_ADDRESS_MAX 500
#define DOS_EMAIL_MAX 254
#define DOS_TEXT_MAX 2000 /* notes and reasons */
#define DOS_DOC_NAME_MAX 500
#define DOS_DOCS_MAX 50 /* documents in one request */
#define DOS_MISSING_MAX 50 /* items of one supplement request */
#define DOS_COUNT_MAX 99 /* originals or copies of one document, sets */
#define DOS_STEPS_MAX 64
#define DOS_LIST_DEFAULT 50
#define DOS_LIST_MAX 500

/* The queue_key bands (see docs/DOSSIER.md §6): clock running and online
 * submissions by time; the applicant's turn; closed, newest first. */
#define DOS_BAND 10000000000LL

/* One step of the dossier's copy of the internal process. */
struct dossier_step {
	int64_t seq;
	const char *name, *unit, *role;
	int64_t hours;
	int64_t started_at, due_at, finished_at; /* 0 = not yet */
	const char *result_class; /* "" = none */
	int64_t handler_id;
};

/* The history row an action writes (Mẫu 05); effects fill what they know,
 * dossier_act fills the rest. */
struct dossier_hand {
	int64_t from_step, to_step;
	const char *from_unit, *to_unit;
	int64_t to_user_id;
	const char *to_user_name;
	int64_t step_due_at; /* due time of the step handed over, 0 = none */
	const char *result_class; /* how that step finished, NULL = not finished */
	json_t *detail; /* owned; NULL = {} */
	const char *reason; /* stored as the dossier's reason too when not NULL */
};

/* A dossier row as loaded (strings in the ctx arena; times 0 = NULL). */
struct dossier {
	int64_t id, version;
	const char *code, *lookup_key;
	enum dossier_status status;
	const char *channel;
	int64_t agency_id, lead_agency_id;
	const char *agency_code, *agency_name, *agency_address, *agency_phone;
	const char *lead_code, *lead_name;
	int64_t procedure_id, procedure_version_id, procedure_version;
	const char *procedure_code, *procedure_name;
	int64_t time_limit;
	const char *time_unit;
	int64_t cutoff_minute;
	const char *applicant_name, *applicant_id_number, *applicant_phone, *applicant_email,
	    *applicant_address;
	const char *return_method;
	int64_t sets;
	const char *note;
	int64_t created_at, received_at, legal_due_at, due_at;
	const char *register_book;
	int64_t register_seq;
	int64_t step, nsteps;
	int64_t receiver_id, assignee_id;
	const char *receiver_name, *assignee_name;
	int64_t approved, supplement_requests, appraisal_supplements;
	int64_t apologized_at;
	const char *apology_reason;
	int64_t finished_at;
	const char *result_class;
	int64_t returned_at, closed_at, due_soon_at, overdue_at;
	const char *reason;
	int64_t queue_key, updated_at;
	/* Loaded with the row by dossier_load(). */
	struct dossier_step *steps; /* nsteps of them, seq 1..nsteps */
	/* The action in progress. */
	struct dossier_hand hand;
};

/* The action's input: the parsed body. */
struct dossier_input {
	enum dossier_action action;
	int64_t version;
	const char *note; /* "" when absent */
	json_t *body; /* borrowed */
};

/* ---- loading and saving (views.c) ---------------------------------------- */

/* Load a dossier by code through x->scope (the system context sees all);
 * DB_NOTFOUND when absent or out of scope. */
enum db_rc dossier_load(struct dossier_ctx *x, const char *code, struct dossier *d);
/* The step of seq (1..nsteps) or NULL. */
struct dossier_step *dossier_step_at(struct dossier *d, int64_t seq);
/* Write every mutable column of d back (the caller holds the row: it
 * claimed the version in this transaction). */
enum db_rc dossier_save(struct dossier_ctx *x, const struct dossier *d);
/* queue_key for d's status and times. */
int64_t dossier_queue_key(const struct dossier *d);

/* The staff JSON of a loaded dossier: summary fields, applicant,
 * documents, steps, supplements, history, receipt, allowed actions. */
enum db_rc dossier_json(struct dossier_ctx *x, struct dossier *d, json_t **out);
/* The receipt of the reception outcome (Mẫu 01, 02 or 03) of d. */
enum db_rc dossier_receipt_json(struct dossier_ctx *x, struct dossier *d, json_t **out);
/* The same from its documents and supplements as the staff JSON lists them
 * ([{seq, name, originals, copies, added_at}], [{seq, phase, requested_at,
 * requested_by, items, note, fulfilled_at}]; borrowed), without reading the
 * database: the reception renders its answer from what it just wrote.
 * A new reference, or NULL when out of memory. */
json_t *dossier_receipt_build(struct dossier_ctx *x, struct dossier *d, json_t *docs,
    json_t *supps);
/* The public view (lookup.c): no name, phone, ID number, address, e-mail,
 * persons or notes. */
enum db_rc dossier_public_json(struct dossier_ctx *x, struct dossier *d, json_t **out);
/* The label of a classification ("early", "on_time", "late") in the
 * language asked for; NULL for anything else (shown as null). */
const char *dossier_class_label(const char *cls, int en);
/* The actions x->who may take now, as [{action, label}]. */
json_t *dossier_allowed_json(struct dossier_ctx *x, const struct dossier *d);

/* ---- writes shared by intake and workflow -------------------------------- */

/* Append d->hand as the history row of `action` (an action name, or
 * "submit" for an online submission) moving from status `from` (DS__MAX:
 * the dossier is new) to d->status, by x->who; an outbox event
 * "dossier.<action>"; an audit entry "dossier.<action>" on
 * "dossier:<code>".  In the caller's transaction; frees d->hand.detail. */
enum db_rc dossier_record(struct dossier_ctx *x, struct dossier *d, const char *action,
    enum dossier_status from, const char *note);
/* Outbox event of type with a small JSON payload about d. */
enum db_rc dossier_outbox(struct dossier_ctx *x, const struct dossier *d, const char *type,
    json_t *extra);
/* Audit entry by x->who (or "system") on d. */
enum db_rc dossier_audit(struct dossier_ctx *x, const struct dossier *d, const char *action,
    json_t *detail);
/* The actor's display name and users.id (0 for tokens and the system). */
const char *dossier_actor_name(const struct dossier_ctx *x);
int64_t dossier_actor_id(const struct dossier_ctx *x);

/* ---- the legal clock (clock.c) ------------------------------------------- */

/* Start the clock at `at` (reception or complete supplement): received_at,
 * legal_due_at = due_at by the calendar, due-soon/overdue marks cleared.
 * -1 when the calendar cannot compute it (err filled). */
int dossier_clock_start(struct dossier_ctx *x, struct dossier *d, int64_t at,
    struct dossier_err *err);
/* The due time of step s started at `at` (its budget in working hours, no
 * cut-off inside the agency): 0, or -1 when the calendar cannot say. */
int dossier_step_due(struct dossier_ctx *x, const struct dossier_step *s, int64_t at,
    int64_t *due);
/* Start step seq at `at`: its due time from its budget in working hours
 * (no cut-off inside the agency).  Writes the step row. */
enum db_rc dossier_step_start(struct dossier_ctx *x, struct dossier *d, int64_t seq,
    int64_t at, int64_t handler_id);
/* Finish the current step at `at` with its classification; fills
 * d->hand.step_due_at and result_class.  No-op without a current step. */
enum db_rc dossier_step_finish(struct dossier_ctx *x, struct dossier *d, int64_t at);
/* Classify the whole dossier at `at` against legal_due_at. */
void dossier_clock_finish(struct dossier *d, int64_t at);
/* Length of a working day in seconds (the office periods). */
int64_t dossier_workday_seconds(struct calendar *cal);
/* 1 if at most `days` working days have passed since `from` at `at`. */
int dossier_within_workdays(struct calendar *cal, int64_t from, int64_t at, int days);

/* ---- input shared by reception and actions (intake.c) -------------------- */

/* Validate documents [{name, originals, copies}] (absent = none unless
 * required): 0, or -1 with err filled. */
int dossier_documents_parse(json_t *docs, int required, struct dossier_err *err);
/* Append them to the dossier, handed in at `at`. */
enum db_rc dossier_documents_write(struct dossier_ctx *x, int64_t dossier_id, json_t *docs,
    int64_t at);
/* Items of a supplement request, ["name"] or [{name, reason}], normalised
 * to [{name, reason}] in *out (new reference): 0, or -1 with err naming
 * member `name`. */
int dossier_missing_parse(json_t *v, const char *name, json_t **out, struct dossier_err *err);
/* Give d the next number of its agency's yearly register (Mẫu 06). */
enum db_rc dossier_register_assign(struct dossier_ctx *x, struct dossier *d);

/* An agency as reception needs it (strings in the ctx arena; tier "" when
 * unset).  Also the receiving desk and the components' agencies of an
 * interlinked dossier (src/bundle). */
struct agency_row {
	int64_t id;
	const char *code, *name, *tier;
};
/* The agency `id` into *a: DB_OK, DB_NOTFOUND or the error. */
enum db_rc dossier_agency_get(struct dossier_ctx *x, int64_t id, struct agency_row *a);

/* ---- small helpers (code.c) ---------------------------------------------- */

/* ISO 8601 +07:00 of t into the arena, or JSON null for 0. */
json_t *dossier_time_json(int64_t t);
/* "hh giờ mm phút, ngày dd/mm/yyyy" (the forms' wording) into the arena. */
const char *dossier_time_text(struct arena *a, int64_t t);
/* Text copied into the arena ("" for NULL). */
const char *dossier_strdup(struct dossier_ctx *x, const char *s);
/* 1 if s is valid UTF-8 of 1..max characters (0..max when optional) with
 * no control characters except, when multiline, \n and \t. */
int dossier_text_ok(const char *s, size_t min, size_t max, int multiline);

/* ---- HTTP handlers ------------------------------------------------------- */

/* The context of a guarded staff request (scope from auth_scoped); -1
 * after answering. */
int dossier_ctx_staff(struct req *r, struct resp *w, struct dossier_ctx *x);
/* The context of a public request (no principal, no scope). */
int dossier_ctx_public(struct req *r, struct resp *w, struct dossier_ctx *x);

void dossier_http_create(struct req *r, struct resp *w);
void dossier_http_action(struct req *r, struct resp *w);
void dossier_http_list(struct req *r, struct resp *w);
void dossier_http_get(struct req *r, struct resp *w);
void dossier_http_public(struct req *r, struct resp *w);
/* GET .../{code}/qr.svg (qr.c), .../{code}/candidates and
 * /api/v1/public/dossier-labels (candidates.c). */
void dossier_http_qr(struct req *r, struct resp *w);
void dossier_http_candidates(struct req *r, struct resp *w);
void dossier_http_labels(struct req *r, struct resp *w);

#endif

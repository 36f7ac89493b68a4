/*
 * catalog: the Bộ thủ tục hành chính — agencies' public details, fields,
 * procedures with dated versions (documents, fees, internal steps, legal
 * basis), interlinked-group definitions, search, import/export and seed.
 *
 *  - fold.c       Vietnamese/Latin folding for diacritics-insensitive search
 *  - model.c      validation of JSON records (bounded, problem-style errors)
 *  - store.c      reads and writes through the statement table
 *  - cache.c      answers of repeated searches, per catalogue version
 *  - api.c        HTTP handlers (public reads; guarded admin writes;
 *                 Idempotency-Key through src/idem)
 *  - catalog_cli.c  `motcua catalog import|export|bench-data` and `motcua seed`
 *
 * docs/CATALOG.md describes the model, the import format and the search.
 */
#ifndef MOTCUA_CATALOG_H
#define MOTCUA_CATALOG_H

#include <stddef.h>
#include <stdint.h>

#include "../db/db.h"
#include "../http/http.h"

/* ---- folding (fold.c) -------------------------------------------------- */

/* Fold UTF-8 text for search: lower case, Vietnamese and other Latin
 * diacritics removed (precomposed or combining), đ/Đ → d, every run of
 * characters that are neither letters nor digits → one space, no leading
 * or trailing space.  Letters outside the Latin ranges are kept as they
 * are.  Writes a NUL-terminated string into out and returns its length,
 * or -1 on invalid UTF-8 or when out is too small (out is then "").
 * The output never contains '%', '_' or '\\', so it is safe in LIKE. */
int catalog_fold(const char *in, char *out, size_t outsz);

#define CATALOG_QUERY_TOKENS 6 /* words of a search query that are matched */
#define CATALOG_TOKEN_MAX 64 /* bytes of one folded word (longer ones are cut) */

/* Split a search query into at most CATALOG_QUERY_TOKENS folded words
 * (duplicates dropped) into tok; returns their number, or -1 on invalid
 * UTF-8 or a query longer than 200 characters. */
int catalog_query_tokens(const char *q, char tok[][CATALOG_TOKEN_MAX + 1], size_t max);

/* ---- validation (model.c) ---------------------------------------------- */

#define CATALOG_ERRS_MAX 24

/* Validation errors: a field path ("steps[2].hours") and a reason in
 * Vietnamese and English.  `total` counts every error, `n` the ones kept. */
struct catalog_err {
	char record[96]; /* "procedures[3] H19-HT-03", "" for a single record */
	char name[96];
	char vi[256];
	char en[256];
};

struct catalog_errs {
	struct catalog_err e[CATALOG_ERRS_MAX];
	size_t n, total;
	char record[96]; /* copied into each error added */
};

/* Add one error; the reasons are printf formats.  NULL-safe on errs. */
void catalog_err_add(struct catalog_errs *errs, const char *name, const char *vi,
    const char *en, ...);

enum catalog_unit { CATALOG_DAYS, CATALOG_HOURS };

/* Working hours a time limit gives the internal steps to share: n days are
 * n × hours_per_day hours (a same-day limit, 0 days, gets one day's
 * hours); n hours are n hours. */
int64_t catalog_budget_hours(enum catalog_unit unit, int64_t limit, int64_t hours_per_day);

/* Validate one procedure version as JSON (the API body or one entry of an
 * import's "versions").  Checks types, bounds, enumerations, dates and the
 * step budget; references (field, agencies, bundle) are resolved later by
 * the store.  with_identity = 1 also checks "code" and "national_code";
 * allow_unknown lists extra top-level keys tolerated (NULL-terminated, may
 * be NULL).  Errors go to errs with prefix before each name (may be ""). */
void catalog_validate_version(const void *json, int with_identity,
    const char *const *allow_unknown, const char *prefix, struct catalog_errs *errs);
/* Same for an agency record, a field and an interlinked group. */
void catalog_validate_agency(const void *json, int creating, const char *prefix,
    struct catalog_errs *errs);
void catalog_validate_field(const void *json, const char *prefix, struct catalog_errs *errs);
void catalog_validate_bundle(const void *json, const char *prefix, struct catalog_errs *errs);

/* 1 if s is a procedure's local code: 1..32 of [A-Z0-9.-], starting with a
 * letter or digit. */
int catalog_code_valid(const char *s);
/* 1 if s looks like a national TTHC code ("1.001612"). */
int catalog_national_code_valid(const char *s);
/* 1 if s is a QCVN 102 agency identifier ("000.00.00.H19"). */
int catalog_agency_code_valid(const char *s);

/* ---- versions in force ------------------------------------------------- */

struct catalog_span {
	const char *from; /* YYYY-MM-DD, inclusive */
	const char *to; /* YYYY-MM-DD, exclusive; NULL = open */
};

/* Index of the span in force on date (YYYY-MM-DD) among n spans, or -1.
 * Spans are a procedure's versions in any order; when two claim the date
 * (bad data), the one that starts later wins. */
int catalog_version_at(const struct catalog_span *spans, size_t n, const char *date);

/* ---- store (store.c) --------------------------------------------------- */

/* Who makes a change (for created_by and the audit entry). */
struct catalog_actor {
	int64_t user_id; /* 0 = none */
	const char *name; /* "username", "token:<name>", "cli", "seed" */
	int64_t agency_id; /* 0 = none */
	const char *request_id; /* "" outside a request */
};

enum catalog_import_mode {
	CATALOG_IMPORT_STRICT, /* a code that exists already is an error */
	CATALOG_IMPORT_SEED, /* existing records are left alone (idempotent) */
};

struct catalog_import_stats {
	int64_t agencies, fields, bundles, procedures, versions, skipped;
};

/* Validate and write a whole import document ({"agencies", "fields",
 * "bundles", "procedures"}) inside the caller's open transaction, with one
 * audit entry when something was written.  Errors name the record and the
 * field; on any error nothing must be committed (the caller rolls back).
 * Returns DB_OK, DB_CONSTRAINT for validation errors (in errs), or another
 * db_rc on a database failure. */
enum db_rc catalog_import(struct db_conn *c, const void *doc, enum catalog_import_mode mode,
    const struct catalog_actor *who, struct catalog_import_stats *st, struct catalog_errs *errs);

/* The whole catalogue in the import format (a new jansson reference). */
enum db_rc catalog_export_json(struct db_conn *c, void **out);
/* The procedures in force today as CSV (one line each) into b. */
enum db_rc catalog_export_csv(struct db_conn *c, const char *today, struct buf *b);

/* Working hours per working day used by the step-budget check. */
int64_t catalog_hours_per_day(void);

/* Today's date in Vietnam (YYYY-MM-DD) into out (>= 11 bytes). */
void catalog_today(char out[16]);

/* ---- HTTP and CLI ------------------------------------------------------ */

/* Public reads and guarded writes. */
extern const struct route catalog_routes[];
extern const size_t catalog_nroutes;
/* GET and POST /api/v1/agencies: the public directory and agency creation
 * with the catalogue's fields (kept apart: the accounts slice has an admin
 * list on the same paths; main.c registers whichever it is given first). */
extern const struct route catalog_agency_routes[];
extern const size_t catalog_agency_nroutes;

/* `motcua catalog import FILE | export [--format json|csv]`; argv[0] is
 * "catalog".  Exit code. */
int catalog_cli(int argc, char **argv);
/* `motcua seed [--db URL] [--demo]`: load data/ idempotently.  Exit code. */
int catalog_cli_seed(int argc, char **argv);

#endif

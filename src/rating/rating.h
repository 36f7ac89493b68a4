/*
 * rating: citizens' satisfaction with the service of one dossier (Decree
 * 61/2018 Art. 29 and 31, Circular 01/2018 Art. 12; DOMAIN §7).  The five
 * criteria of the plan's surveys (access, procedure, officer, result,
 * feedback handling) on the usual three levels, an optional comment that
 * is never shown publicly, the channel (online, paper slip, counter
 * device) and the time.  One rating per dossier the applicant holds (a
 * bundle's parent, never a component); docs/RATING.md is the reference.
 *
 *  - rating.c   parsing, the rules (when a dossier can be rated, who may
 *               change a rating and until when), the transaction, and the
 *               routes:
 *     GET/POST /api/v1/public/dossiers/{code}/rating?key=  (no sign-in,
 *               code + lookup key compared as the lookup does, rate-limited)
 *     GET  /api/v1/dossiers/{code}/rating   (dossier.read, scoped)
 *     POST /api/v1/dossiers/{code}/rating   (rating.enter, scoped: slip or
 *               device entered at the desk)
 *
 * The report slice reads ratings through STMT_RATING_CELLS and
 * STMT_RATING_CRITERIA (src/rating/stmts.def).
 */
#ifndef MOTCUA_RATING_H
#define MOTCUA_RATING_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "../http/http.h"

#define RATING_COMMENT_MAX 1000 /* characters */

/* The criteria, in the order of the table's columns. */
enum rating_criterion { RCR_ACCESS, RCR_PROCEDURE, RCR_OFFICER, RCR_RESULT, RCR_FEEDBACK,
	RCR__MAX };

/* The three levels: 2 "Rất hài lòng", 1 "Hài lòng", 0 "Không hài lòng". */
enum rating_level { RL_DISSATISFIED, RL_SATISFIED, RL_VERY_SATISFIED, RL__MAX };

/* "access", ...; NULL out of range. */
const char *rating_criterion_name(enum rating_criterion c);
/* "very_satisfied" | "satisfied" | "dissatisfied" → level, or -1. */
int rating_level_from(const char *s);
/* 1 when no answered criterion is RL_DISSATISFIED (a score of -1 is "not
 * applicable" and only allowed for RCR_FEEDBACK). */
int rating_satisfied(const int score[RCR__MAX]);

struct arena;
struct db_conn;
struct dossier_err;
struct principal;

/* One answer without HTTP (the demo data): body as the routes take it
 * (the criteria, comment; `channel` slip|device for a desk entry).  staff
 * NULL: the applicant's own online answer (the caller knows the applicant
 * holds the dossier; no key is compared); else a desk entry by staff, who
 * needs rating.enter and the dossier in scope.  The routes' rules,
 * transaction and audit entry, at time now; strings of the work live in
 * a.  0 (stored, first answer or change), or -1 with err (nothing
 * written). */
int rating_record(struct db_conn *c, struct arena *a, const struct principal *staff,
    const char *code, json_t *body, int64_t now, struct dossier_err *err);

extern const struct route rating_routes[];
extern const size_t rating_nroutes;

#endif

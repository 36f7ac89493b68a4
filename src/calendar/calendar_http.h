/*
 * calendar_http: the working-day calendar made persistent and reachable.
 * calendar.h stays pure logic; this header is the part that knows the
 * configuration, the database and HTTP:
 *
 *   - the process's calendar ("the store"): office hours from the config,
 *     the shipped notice tables of <data>/holidays, then the tables
 *     administrators edited (table calendar_years), which win;
 *   - a thread that applies edits made by other server nodes on the same
 *     database (they bump calendar_revision) every calendar_sync_seconds;
 *   - the routes under /api/v1/calendar/ (calendar_http.c).
 *
 * docs/CALENDAR.md §9-§11 describe the API, the persistence and the UI.
 */
#ifndef MOTCUA_CALENDAR_HTTP_H
#define MOTCUA_CALENDAR_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "../db/db.h"
#include "../http/http.h"
#include "calendar.h"

/* Office hours from the texts of the config keys office_hours
 * ("07:30-11:30,13:00-17:00"), office_days ("1-5": 1 = Monday .. 7 =
 * Sunday, lists and ranges) and receipt_cutoff ("15:00", "24:00" = none).
 * 0, or -1 with a Vietnamese reason naming the key in err. */
int calendar_hours_parse(const char *periods, const char *days,
    const char *cutoff, struct calendar_hours *out, char *err, size_t errsz);

/* Build the process's calendar: office hours from the config, the tables
 * of data_dir/holidays (a missing directory is only a warning: computed
 * holidays apply), then, when db is not NULL, every row of calendar_years
 * on top.  It becomes the store the HTTP handlers and the sync thread work
 * on.  The caller owns the calendar: calendar_store_close() first, then
 * calendar_free().  NULL with a Vietnamese reason in err (bad office hours,
 * a bad shipped file or database row, a database error). */
struct calendar *calendar_store_open(struct db *db, const char *data_dir,
    char *err, size_t errsz);
/* Start the thread that calls calendar_store_sync() every `seconds` on a
 * private connection (0: no thread).  0 or -1. */
int calendar_store_sync_start(int seconds);
/* Stop the sync thread (waits for it) and forget the store; NULL-safe in
 * spirit: a no-op when nothing is open. */
void calendar_store_close(void);
/* Apply the edits of calendar_years that the store has not seen, if the
 * revision counter moved: changed rows are installed, rows that
 * disappeared fall back to the shipped file or the computed holidays.  A
 * row that fails validation is logged and skipped.  1 applied something,
 * 0 nothing to do, -1 database error. */
int calendar_store_sync(struct db_conn *c);

/* ---- module-internal: for calendar_http.c ------------------------------ */

/* The store's calendar, or NULL when none is open. */
struct calendar *calendar_store_cal(void);
/* Serialise this node's calendar writers (API edits and the sync) from
 * before their transaction until the calendar shows its result. */
void calendar_store_lock(void);
void calendar_store_unlock(void);
/* Under the lock: the calendar now holds year's table from the database row
 * of this version (0 = no row any more), written at revision rev. */
void calendar_store_note(int year, int64_t version, int64_t rev);
/* The shipped table data_dir/holidays/YEAR.json as malloc'd text the
 * caller frees; NULL with err[0] == '\0' when there is no such file, NULL
 * with a reason in err when it is unreadable. */
char *calendar_store_shipped(int year, char *err, size_t errsz);
/* Put year back to what it is without an administrator's edit: the
 * shipped table, else the computed holidays.  0 or -1 (logged). */
int calendar_store_restore(struct calendar *cal, int year);

/* GET lunar, solar, month, holidays, due, years/{year}; PUT and DELETE
 * years/{year} (permission calendar.write). */
extern const struct route calendar_routes[];
extern const size_t calendar_nroutes;

#endif

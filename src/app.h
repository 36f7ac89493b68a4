/*
 * The application context every handler reaches through req->ctx: the
 * long-lived handles main.c opens at start-up.  Read-only after start.
 */
#ifndef MOTCUA_APP_H
#define MOTCUA_APP_H

#include "db/db.h"
#include "http/http.h"

struct calendar;

struct app {
	struct db *db;
	struct calendar *cal; /* working-day calendar, may be NULL until loaded */
	struct db_group *group; /* group commit of receptions; NULL = own transactions */
	int64_t started_at;
	int behind_tls;
};

#define APP(r) ((struct app *)(r)->ctx)

/* The calling thread's DB connection, or NULL after answering 503. */
struct db_conn *app_conn(struct req *r, struct resp *w);

#endif

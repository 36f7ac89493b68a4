/*
 * PostgreSQL backend over libpq: every statement prepared by name ("s<N>")
 * when the connection opens; parameters go as text, which PostgreSQL casts
 * to the types it inferred at prepare time.
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_int.h"

#define PG(c) ((PGconn *)(c)->h)
#define DBPG_MAX_PARAMS 64

static enum db_rc
dbpg_map(const PGresult *res)
{
	const char *state;

	switch (PQresultStatus(res)) {
	case PGRES_COMMAND_OK:
	case PGRES_TUPLES_OK:
		return DB_OK;
	default:
		break;
	}
	state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	if (state == NULL)
		return DB_ERROR;
	if (strncmp(state, "23", 2) == 0)
		return DB_CONSTRAINT;
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0)
		return DB_CONFLICT;
	if (strcmp(state, "55P03") == 0 || strcmp(state, "57014") == 0)
		return DB_BUSY;
	return DB_ERROR;
}

static void
dbpg_log(const char *what, const PGresult *res, PGconn *h)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	char clean[256];
	size_t i;

	/* Messages can quote row values (personal data) in DETAIL; only the
	 * primary message and SQLSTATE are logged. */
	str_lcpy(clean, msg ? msg : PQerrorMessage(h), sizeof(clean));
	for (i = 0; clean[i] != '\0'; i++)
		if (clean[i] == '"' || clean[i] == '\n')
			clean[i] = '\'';
	log_msg(state && strncmp(state, "23", 2) == 0 ? LOG_DEBUG : LOG_WARN, NULL, "db",
	    "backend=pg op=%s sqlstate=%s msg=\"%s\"", what, state ? state : "-", clean);
}

static void
dbpg_notice(void *arg, const char *msg)
{
	(void)arg;
	(void)msg; /* NOTICEs (e.g. "already exists, skipping") are not errors */
}

int
dbpg_open(struct db_conn *c, const char *conninfo)
{
	PGconn *h = PQconnectdb(conninfo);

	c->h = h;
	if (h == NULL || PQstatus(h) != CONNECTION_OK) {
		char msg[256];

		str_lcpy(msg, h ? PQerrorMessage(h) : "out of memory", sizeof(msg));
		for (size_t i = 0; msg[i] != '\0'; i++)
			if (msg[i] == '\n' || msg[i] == '"')
				msg[i] = ' ';
		log_msg(LOG_ERROR, NULL, "db", "backend=pg op=connect msg=\"%s\"", msg);
		return -1;
	}
	PQsetNoticeProcessor(h, dbpg_notice, NULL);
	/* Times are passed in as integers; make server-side text stable. */
	return dbpg_script(c, "SET TIME ZONE 'UTC'; SET client_encoding = 'UTF8'") == DB_OK ? 0 : -1;
}

int
dbpg_in_tx(const struct db_conn *c)
{
	/* INERROR (a failed statement not yet rolled back to its savepoint)
	 * is not healthy: nothing more may run in it. */
	return c->h != NULL && PQstatus(PG(c)) == CONNECTION_OK &&
	    PQtransactionStatus(PG(c)) == PQTRANS_INTRANS;
}

void
dbpg_close(struct db_conn *c)
{
	PQfinish(PG(c));
	c->h = NULL;
}

enum db_rc
dbpg_prepare_all(struct db_conn *c)
{
	char name[16];

	for (int i = 0; i < STMT__MAX; i++) {
		PGresult *res;
		enum db_rc rc;

		snprintf(name, sizeof(name), "s%d", i);
		res = PQprepare(PG(c), name, db_stmt_sql(i), 0, NULL);
		rc = dbpg_map(res);
		if (rc != DB_OK) {
			dbpg_log(db_stmt_name(i), res, PG(c));
			PQclear(res);
			return DB_ERROR;
		}
		PQclear(res);
	}
	return DB_OK;
}

enum db_rc
dbpg_script(struct db_conn *c, const char *sql)
{
	PGresult *res = PQexec(PG(c), sql);
	enum db_rc rc = dbpg_map(res);

	if (rc != DB_OK)
		dbpg_log("script", res, PG(c));
	PQclear(res);
	return rc;
}

enum db_rc
dbpg_exec(struct db_conn *c, enum stmt_id id, const struct db_param *p, size_t np,
    struct db_res *res)
{
	const char *vals[DBPG_MAX_PARAMS];
	char nums[DBPG_MAX_PARAMS][24], name[16];
	PGresult *pr;
	enum db_rc rc;

	if (np > DBPG_MAX_PARAMS)
		return DB_ERROR;
	for (size_t i = 0; i < np; i++) {
		switch (p[i].type) {
		case DBP_NULL: vals[i] = NULL; break;
		case DBP_INT:
			snprintf(nums[i], sizeof(nums[i]), "%lld", (long long)p[i].i);
			vals[i] = nums[i];
			break;
		case DBP_TEXT: vals[i] = p[i].s; break;
		}
	}
	snprintf(name, sizeof(name), "s%d", (int)id);
	pr = PQexecPrepared(PG(c), name, (int)np, vals, NULL, NULL, 0);
	rc = dbpg_map(pr);
	if (rc != DB_OK) {
		dbpg_log(db_stmt_name(id), pr, PG(c));
		PQclear(pr);
		/* A broken connection is not coming back by itself. */
		if (PQstatus(PG(c)) != CONNECTION_OK) {
			PQreset(PG(c));
			c->in_tx = 0;
		}
		return rc;
	}
	c->changes = strtoll(PQcmdTuples(pr)[0] ? PQcmdTuples(pr) : "0", NULL, 10);
	res->pgres = pr;
	res->nrows = PQntuples(pr);
	res->ncols = PQnfields(pr);
	res->row = -1;
	return DB_OK;
}

int
dbpg_next(struct db_res *r)
{
	if (r->rc != DB_OK)
		return -1;
	if (r->row + 1 >= r->nrows)
		return 0;
	r->row++;
	return 1;
}

int
dbpg_isnull(const struct db_res *r, int col)
{
	return PQgetisnull(r->pgres, r->row, col);
}

int64_t
dbpg_int(const struct db_res *r, int col)
{
	const char *v = PQgetvalue(r->pgres, r->row, col);

	/* Booleans from expressions come back as t/f. */
	if (v[0] == 't' && v[1] == '\0')
		return 1;
	return strtoll(v, NULL, 10);
}

const char *
dbpg_text(const struct db_res *r, int col)
{
	return PQgetvalue(r->pgres, r->row, col);
}

void
dbpg_res_free(struct db_res *r)
{
	PQclear(r->pgres);
	r->pgres = NULL;
}

enum db_rc
dbpg_schema(struct db_conn *c, struct buf *out)
{
	static const char q[] =
	    "SELECT table_name, column_name, data_type, is_nullable = 'NO' "
	    "FROM information_schema.columns WHERE table_schema = current_schema() "
	    "ORDER BY table_name COLLATE \"C\", column_name COLLATE \"C\"";
	PGresult *res = PQexec(PG(c), q);
	enum db_rc rc = dbpg_map(res);

	if (rc == DB_OK) {
		for (int i = 0; i < PQntuples(res); i++) {
			const char *type = PQgetvalue(res, i, 2);

			buf_printf(out, "%s.%s %s%s\n", PQgetvalue(res, i, 0),
			    PQgetvalue(res, i, 1),
			    strstr(type, "int") ? "integer" : strcmp(type, "bytea") == 0 ? "blob" : "text",
			    PQgetvalue(res, i, 3)[0] == 't' ? " not null" : "");
		}
	} else
		dbpg_log("schema", res, PG(c));
	PQclear(res);
	return rc;
}

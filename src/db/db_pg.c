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

/* What a session needs before the statements: times are passed in as
 * integers; make server-side text stable. */
static enum db_rc
dbpg_session(struct db_conn *c)
{
	PGresult *res = PQexec(PG(c), "SET TIME ZONE 'UTC'; SET client_encoding = 'UTF8'");
	enum db_rc rc = dbpg_map(res);

	if (rc != DB_OK)
		dbpg_log("session", res, PG(c));
	PQclear(res);
	return rc;
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
	return dbpg_session(c) == DB_OK ? 0 : -1;
}

/* After a statement (id; STMT__MAX for SQL) failed outside pipeline mode.
 * A broken connection (the server restarted, a failover, an idle timeout)
 * does not come back by itself: reconnect and set the session up again;
 * the new session has none of the old one's prepared statements, so each
 * is prepared again at its next use.  Without this every statement after a
 * PostgreSQL restart failed with "prepared statement does not exist" until
 * motcua itself was restarted.  The failed statement is not retried (a
 * write's outcome is unknown); the next one runs on the new session.  A
 * statement the session lost otherwise (26000) is prepared at its next use. */
static void
dbpg_recover(struct db_conn *c, enum stmt_id id, const PGresult *failed)
{
	const char *state = failed ? PQresultErrorField(failed, PG_DIAG_SQLSTATE) : NULL;

	if (PQstatus(PG(c)) != CONNECTION_OK) {
		PQreset(PG(c));
		c->in_tx = 0;
		memset(c->pg_prepared, 0, sizeof(c->pg_prepared));
		if (PQstatus(PG(c)) != CONNECTION_OK || dbpg_session(c) != DB_OK)
			return; /* the next statement tries again */
		log_msg(LOG_WARN, NULL, "db", "backend=pg op=reconnect msg=\"connection restored\"");
	} else if (state != NULL && strcmp(state, "26000") == 0 && id < STMT__MAX)
		c->pg_prepared[id] = 0;
}

/* Statement id on this session, unless it is there already. */
static enum db_rc
dbpg_prepare(struct db_conn *c, enum stmt_id id)
{
	char name[16];
	PGresult *res;
	enum db_rc rc;

	if (c->pg_prepared[id])
		return DB_OK;
	snprintf(name, sizeof(name), "s%d", (int)id);
	res = PQprepare(PG(c), name, db_stmt_sql(id), 0, NULL);
	if ((rc = dbpg_map(res)) == DB_OK)
		c->pg_prepared[id] = 1;
	else {
		dbpg_log(db_stmt_name(id), res, PG(c));
		dbpg_recover(c, id, res);
	}
	PQclear(res);
	return rc;
}

int
dbpg_host_local(const char *host)
{
	if (host == NULL || host[0] == '\0' || host[0] == '/' || host[0] == '@')
		return 1;
	return strcmp(host, "localhost") == 0 || strncmp(host, "127.", 4) == 0 ||
	    strcmp(host, "::1") == 0;
}

int
dbpg_server_local(struct db_conn *c)
{
	return c->h != NULL && dbpg_host_local(PQhost(PG(c)));
}

int
dbpg_in_tx(struct db_conn *c)
{
	/* What is still in flight decides it (a failed statement aborts the
	 * transaction). */
	if (c->pending > 0 && dbpg_collect(c) != DB_OK)
		return 0;
	/* INERROR (a failed statement not yet rolled back to its savepoint)
	 * is not healthy: nothing more may run in it. */
	return c->h != NULL && PQstatus(PG(c)) == CONNECTION_OK &&
	    PQtransactionStatus(PG(c)) == PQTRANS_INTRANS;
}

/* ---- pipeline mode ------------------------------------------------------------
 *
 * Why: the group-commit writer runs a reception as ~15 statements, and each
 * was a round trip to a backend competing for the same CPUs (measured: 6 ms
 * a reception on the writer, 30 times the COMMIT's share).  In pipeline
 * mode the statements whose results nobody reads (the inserts) are only
 * sent; everything sent is collected, in order, at the next statement that
 * returns rows, at db_changes / db_in_tx, and at transaction control, with
 * one Sync each time.  Inside BEGIN ... COMMIT a Sync commits nothing; after
 * an error the server skips what follows up to the Sync and the transaction
 * is aborted, so the unit that sent the failing statement fails at its next
 * collection and is rolled back to its savepoint exactly as before.  The
 * error is the first one's (logged with its statement's name). */

int
dbpg_pipeline(struct db_conn *c)
{
	/* dbpg_send sends by name: every statement first. */
	if (c->h == NULL || dbpg_prepare_all(c) != DB_OK || PQenterPipelineMode(PG(c)) != 1)
		return -1;
	c->pipeline = 1;
	c->pending = 0;
	return 0;
}

static void
dbpg_values(const struct db_param *p, size_t np, const char **vals,
    char (*nums)[24])
{
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
}

enum db_rc
dbpg_send(struct db_conn *c, enum stmt_id id, const struct db_param *p, size_t np,
    const char *sql)
{
	const char *vals[DBPG_MAX_PARAMS];
	char nums[DBPG_MAX_PARAMS][24], name[16];
	int ok;

	if (np > DBPG_MAX_PARAMS || !c->pipeline)
		return DB_ERROR;
	if (c->pending >= DB_PIPE_MAX) {
		enum db_rc rc = dbpg_collect(c);

		if (rc != DB_OK)
			return rc;
	}
	if (sql != NULL)
		ok = PQsendQueryParams(PG(c), sql, 0, NULL, NULL, NULL, NULL, 0);
	else {
		dbpg_values(p, np, vals, nums);
		snprintf(name, sizeof(name), "s%d", (int)id);
		ok = PQsendQueryPrepared(PG(c), name, (int)np, vals, NULL, NULL, 0);
	}
	if (ok != 1) {
		dbpg_log(sql != NULL ? "send" : db_stmt_name(id), NULL, PG(c));
		return DB_ERROR;
	}
	c->pend_one[c->pending] = 0;
	c->pend_id[c->pending++] = sql != NULL ? -1 : (int)id;
	return DB_OK;
}

void
dbpg_expect_one(struct db_conn *c)
{
	if (c->pending > 0)
		c->pend_one[c->pending - 1] = 1;
}

/* Sync and read every result up to the Sync's.  With last != NULL the
 * final command's result is handed over (the caller clears it) when
 * everything succeeded.  DB_OK or the first error. */
static enum db_rc
dbpg_sync(struct db_conn *c, PGresult **last)
{
	enum db_rc rc = DB_OK;
	PGresult *keep = NULL;
	int cmd = 0, n = c->pending;

	if (last != NULL)
		*last = NULL;
	c->pending = 0;
	if (PQpipelineSync(PG(c)) != 1) {
		dbpg_log("sync", NULL, PG(c));
		c->in_tx = 0;
		return DB_ERROR;
	}
	for (;;) {
		PGresult *r = PQgetResult(PG(c));
		ExecStatusType st;

		if (r == NULL) {
			if (PQstatus(PG(c)) != CONNECTION_OK) {
				/* The connection broke: nothing of the transaction
				 * survives; the writer opens a new connection. */
				dbpg_log("pipeline", NULL, PG(c));
				c->in_tx = 0;
				rc = DB_ERROR;
				break;
			}
			cmd++; /* the end of one command's results */
			continue;
		}
		st = PQresultStatus(r);
		if (st == PGRES_PIPELINE_SYNC) {
			PQclear(r);
			break;
		}
		if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
			c->changes = strtoll(PQcmdTuples(r)[0] ? PQcmdTuples(r) : "0", NULL, 10);
			if (cmd < n && c->pend_one[cmd] && c->changes != 1 && rc == DB_OK) {
				/* db_exec_one's check; the transaction goes on, the
				 * caller's unit is rolled back to its savepoint. */
				log_msg(LOG_WARN, NULL, "db", "backend=pg op=%s msg=\"changed %lld "
				    "rows, not 1\"", db_stmt_name((enum stmt_id)c->pend_id[cmd]),
				    (long long)c->changes);
				rc = DB_CONFLICT;
			}
			if (last != NULL && cmd == n - 1) {
				PQclear(keep);
				keep = r;
				continue;
			}
		} else if (st != PGRES_PIPELINE_ABORTED && rc == DB_OK) {
			rc = dbpg_map(r);
			if (rc == DB_OK)
				rc = DB_ERROR;
			dbpg_log(cmd < n && cmd < DB_PIPE_MAX && c->pend_id[cmd] >= 0 ?
			    db_stmt_name((enum stmt_id)c->pend_id[cmd]) : "pipeline", r, PG(c));
		} else if (st == PGRES_PIPELINE_ABORTED && rc == DB_OK)
			rc = DB_ERROR;
		PQclear(r);
	}
	if (rc != DB_OK || last == NULL)
		PQclear(keep);
	else
		*last = keep;
	if (rc == DB_OK && last != NULL && keep == NULL)
		rc = DB_ERROR;
	return rc;
}

enum db_rc
dbpg_collect(struct db_conn *c)
{
	if (!c->pipeline || c->pending == 0)
		return DB_OK;
	return dbpg_sync(c, NULL);
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
	for (int i = 0; i < STMT__MAX; i++)
		if (dbpg_prepare(c, (enum stmt_id)i) != DB_OK)
			return DB_ERROR;
	return DB_OK;
}

enum db_rc
dbpg_script(struct db_conn *c, const char *sql)
{
	PGresult *res;

	/* PQexec is not allowed in pipeline mode: send it after what is in
	 * flight and collect everything. */
	if (c->pipeline) {
		enum db_rc rc = dbpg_send(c, STMT__MAX, NULL, 0, sql);

		return rc != DB_OK ? rc : dbpg_sync(c, NULL);
	}
	res = PQexec(PG(c), sql);
	enum db_rc rc = dbpg_map(res);

	if (rc != DB_OK) {
		dbpg_log("script", res, PG(c));
		dbpg_recover(c, STMT__MAX, res);
	}
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
	if (c->pipeline) {
		/* Behind what is in flight; its rows come with their results. */
		if ((rc = dbpg_send(c, id, p, np, NULL)) != DB_OK ||
		    (rc = dbpg_sync(c, &pr)) != DB_OK)
			return rc;
		goto ok;
	}
	if ((rc = dbpg_prepare(c, id)) != DB_OK)
		return rc;
	dbpg_values(p, np, vals, nums);
	snprintf(name, sizeof(name), "s%d", (int)id);
	pr = PQexecPrepared(PG(c), name, (int)np, vals, NULL, NULL, 0);
	rc = dbpg_map(pr);
	if (rc != DB_OK) {
		dbpg_log(db_stmt_name(id), pr, PG(c));
		dbpg_recover(c, id, pr);
		PQclear(pr);
		return rc;
	}
	c->changes = strtoll(PQcmdTuples(pr)[0] ? PQcmdTuples(pr) : "0", NULL, 10);
ok:
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

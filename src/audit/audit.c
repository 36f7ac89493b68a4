/* The hash chain: canonical form, append inside the caller's transaction,
 * and verification. */
#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"

#define AUDIT_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"
#define AUDIT_MAX_TEXT 65536 /* canonical entries are small; detail is bounded by callers */

static void
audit_put_text(struct buf *b, const char *name, const char *v)
{
	if (v == NULL)
		v = "";
	buf_printf(b, "%s=%zu:", name, strlen(v));
	buf_puts(b, v);
	buf_putc(b, '\n');
}

static void
audit_put_int(struct buf *b, const char *name, int64_t v, int nullable)
{
	if (nullable && v == 0)
		buf_printf(b, "%s=\n", name);
	else
		buf_printf(b, "%s=%lld\n", name, (long long)v);
}

void
audit_canonical(const struct audit_row *r, struct buf *out)
{
	buf_puts(out, "motcua-audit-v1\n");
	audit_put_int(out, "id", r->id, 0);
	audit_put_int(out, "at", r->at, 0);
	audit_put_int(out, "actor_id", r->actor_id, 1);
	audit_put_text(out, "actor", r->actor);
	audit_put_int(out, "agency_id", r->agency_id, 1);
	audit_put_text(out, "action", r->action);
	audit_put_text(out, "object", r->object);
	audit_put_text(out, "request_id", r->request_id);
	audit_put_text(out, "detail", r->detail);
}

static void
audit_hex(const unsigned char *d, size_t n, char *out)
{
	static const char hx[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hx[d[i] >> 4];
		out[2 * i + 1] = hx[d[i] & 15];
	}
	out[2 * n] = '\0';
}

void
audit_hash(const char *prev_hex, const struct audit_row *r, char out[AUDIT_HASH_HEX])
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dn = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	struct buf b;

	buf_init(&b, 4 * AUDIT_MAX_TEXT);
	audit_canonical(r, &b);
	out[0] = '\0';
	if (ctx == NULL || b.overflow || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, prev_hex, strlen(prev_hex)) != 1 ||
	    EVP_DigestUpdate(ctx, b.data, b.len) != 1 || EVP_DigestFinal_ex(ctx, d, &dn) != 1 ||
	    dn != 32)
		goto out;
	audit_hex(d, 32, out);
out:
	EVP_MD_CTX_free(ctx);
	buf_free(&b);
}

char *
audit_detail_text(const void *json)
{
	if (json == NULL)
		return strdup("{}");
	return json_dumps(json, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
}

/* The head as this thread last wrote it inside a transaction, with that
 * transaction's mark (db_tx_mark).  The group-commit writer appends one
 * entry per reception to the same transaction: after the first, the head
 * row is ours and locked until COMMIT, so reading it again (a round trip
 * on PostgreSQL) would only return what is here. */
static _Thread_local struct {
	uint64_t mark;
	int64_t seq;
	char hash[AUDIT_HASH_HEX];
} audit_known;

enum db_rc
audit_append(struct db_conn *c, const struct audit_entry *e, int64_t *id_out)
{
	struct audit_row row = { 0 };
	struct db_res *res = NULL;
	char prev[AUDIT_HASH_HEX], hash[AUDIT_HASH_HEX];
	uint64_t mark = db_tx_mark(c);
	int known = mark != 0 && audit_known.mark == mark;
	enum db_rc rc;
	int k;

	if (e->action == NULL || e->object == NULL)
		return DB_ERROR;
	audit_known.mark = 0; /* until this append has succeeded */
	if (known) {
		row.id = audit_known.seq + 1;
		str_lcpy(prev, audit_known.hash, sizeof(prev));
	} else {
		/* Take the head: on PostgreSQL the row lock makes the next
		 * appender wait for our commit and then read our hash. */
		if ((rc = db_exec(c, STMT_AUDIT_HEAD_NEXT, NULL, 0, &res)) != DB_OK)
			return rc;
		if ((k = db_res_next(res)) != 1) {
			rc = k == 0 ? DB_NOTFOUND : db_res_rc(res);
			db_res_free(res);
			log_msg(LOG_ERROR, NULL, "audit", "op=head msg=\"no chain head\"");
			return rc == DB_OK ? DB_ERROR : rc;
		}
		row.id = db_res_int(res, 0);
		str_lcpy(prev, db_res_text(res, 1), sizeof(prev));
		while (db_res_next(res) == 1)
			;
		db_res_free(res);
	}

	row.at = e->at != 0 ? e->at : clock_now();
	row.actor_id = e->actor_id;
	row.actor = e->actor != NULL ? e->actor : "anonymous";
	row.agency_id = e->agency_id;
	row.action = e->action;
	row.object = e->object;
	row.request_id = e->request_id != NULL ? e->request_id : "";
	row.detail = e->detail != NULL ? e->detail : "{}";
	audit_hash(prev, &row, hash);
	if (hash[0] == '\0')
		return DB_ERROR;
	/* Known head: move it first, so nothing is inserted unless the head
	 * really was the entry we wrote (db_exec_one). */
	if (known && (rc = db_exec_one(c, STMT_AUDIT_HEAD_ADVANCE, (struct db_param[]){
	    DB_TEXT(hash), DB_INT(row.id), DB_INT(row.id - 1) }, 3)) != DB_OK)
		return rc;
	rc = db_exec(c, STMT_AUDIT_INSERT, (struct db_param[]){
	    DB_INT(row.id), DB_INT(row.at),
	    row.actor_id ? DB_INT(row.actor_id) : DB_NULL, DB_TEXT(row.actor),
	    row.agency_id ? DB_INT(row.agency_id) : DB_NULL, DB_TEXT(row.action),
	    DB_TEXT(row.object), DB_TEXT(row.request_id), DB_TEXT(row.detail),
	    DB_TEXT(prev), DB_TEXT(hash) }, 11, NULL);
	if (rc != DB_OK)
		return rc;
	/* Exactly the head we took (db_exec_one: on the group-commit writer's
	 * pipelined connection this costs no round trip of its own). */
	if (!known)
		rc = db_exec_one(c, STMT_AUDIT_HEAD_SET, (struct db_param[]){ DB_TEXT(hash),
		    DB_INT(row.id) }, 2);
	if (rc != DB_OK)
		return rc;
	if (mark != 0) {
		audit_known.mark = mark;
		audit_known.seq = row.id;
		str_lcpy(audit_known.hash, hash, sizeof(audit_known.hash));
	}
	if (id_out != NULL)
		*id_out = row.id;
	return DB_OK;
}

#define AUDIT_WALK_PAGE 1000

int
audit_verify(struct db_conn *c, int64_t *n, int64_t *bad, char *why, size_t whysz)
{
	char prev[AUDIT_HASH_HEX] = AUDIT_GENESIS, calc[AUDIT_HASH_HEX];
	char head_hash[AUDIT_HASH_HEX];
	int64_t last = 0, head_seq = 0, count = 0;
	struct db_res *res = NULL;
	int rc = -1, k, rows;

	*n = 0;
	*bad = 0;
	why[0] = '\0';
	if (db_exec(c, STMT_AUDIT_HEAD_GET, NULL, 0, &res) != DB_OK)
		goto out;
	if ((k = db_res_next(res)) != 1) {
		if (k == 0) {
			*bad = 1;
			snprintf(why, whysz, "mất dòng đầu chuỗi (audit_head)");
			rc = 1;
		}
		goto out;
	}
	head_seq = db_res_int(res, 0);
	str_lcpy(head_hash, db_res_text(res, 1), sizeof(head_hash));
	db_res_free(res);
	res = NULL;

	do {
		if (db_exec(c, STMT_AUDIT_WALK, (struct db_param[]){ DB_INT(last),
		    DB_INT(AUDIT_WALK_PAGE) }, 2, &res) != DB_OK)
			goto out;
		rows = 0;
		while ((k = db_res_next(res)) == 1) {
			struct audit_row row = {
				.id = db_res_int(res, 0),
				.at = db_res_int(res, 1),
				.actor_id = db_res_isnull(res, 2) ? 0 : db_res_int(res, 2),
				.actor = db_res_text(res, 3),
				.agency_id = db_res_isnull(res, 4) ? 0 : db_res_int(res, 4),
				.action = db_res_text(res, 5),
				.object = db_res_text(res, 6),
				.request_id = db_res_text(res, 7),
				.detail = db_res_text(res, 8),
			};
			const char *stored_prev = db_res_text(res, 9), *stored = db_res_text(res, 10);

			rows++;
			if (row.id != last + 1) {
				*bad = last + 1;
				snprintf(why, whysz, "mục %lld bị thiếu (đã bị xoá); mục kế tiếp là %lld",
				    (long long)(last + 1), (long long)row.id);
				rc = 1;
				goto out;
			}
			if (strcmp(stored_prev, prev) != 0) {
				*bad = row.id;
				snprintf(why, whysz, "mục %lld không nối với mục %lld (prev_hash khác "
				    "hash của mục trước: một trong hai mục đã bị sửa)",
				    (long long)row.id, (long long)last);
				rc = 1;
				goto out;
			}
			audit_hash(prev, &row, calc);
			if (strcmp(calc, stored) != 0) {
				*bad = row.id;
				snprintf(why, whysz, "nội dung mục %lld đã bị sửa (hash không khớp)",
				    (long long)row.id);
				rc = 1;
				goto out;
			}
			str_lcpy(prev, stored, sizeof(prev));
			last = row.id;
			count++;
		}
		if (k < 0)
			goto out;
		db_res_free(res);
		res = NULL;
	} while (rows == AUDIT_WALK_PAGE);

	if (head_seq > last) {
		*bad = last + 1;
		snprintf(why, whysz, "mục %lld bị thiếu (đã bị xoá); đầu chuỗi ghi %lld mục",
		    (long long)(last + 1), (long long)head_seq);
		rc = 1;
		goto out;
	}
	if (head_seq < last) {
		*bad = head_seq + 1;
		snprintf(why, whysz, "mục %lld được chèn ngoài chương trình (đầu chuỗi ghi %lld mục)",
		    (long long)(head_seq + 1), (long long)head_seq);
		rc = 1;
		goto out;
	}
	if (strcmp(head_hash, prev) != 0) {
		*bad = last;
		snprintf(why, whysz, "hash ở đầu chuỗi khác hash của mục cuối %lld", (long long)last);
		rc = 1;
		goto out;
	}
	*n = count;
	rc = 0;
out:
	db_res_free(res);
	return rc;
}

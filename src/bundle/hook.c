/*
 * Hand-offs to external systems (police residence database, tax, social
 * insurance): the component's start wrote a `bundle.handoff` event in the
 * outbox in its own transaction; this thread of `serve` POSTs each event
 * as JSON to the configured webhook with
 *   X-Motcua-Signature: sha256=<hex HMAC-SHA256 of the body, key = secret>
 *   X-Motcua-Timestamp: <Unix seconds>  (also "sent_at" inside the body)
 *   X-Motcua-Event-Id: <outbox id>      (receivers deduplicate on it)
 * oldest first, one at a time: a failure stops the pass (so events are
 * delivered in order) and schedules the next try with exponential
 * back-off.  A 2xx marks the event delivered (`delivered_at`), once.
 * The schedule runs on the wall clock, not the legal clock (MOTCUA_NOW
 * in tests fixes the latter only).  The secret is never logged.
 */
#include <curl/curl.h>
#include <openssl/hmac.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/config.h"
#include "../core/core.h"
#include "bundle_int.h"

#define HOOK_BATCH 100 /* events per pass at most */

void
bundle_hook_sign(const char *secret, const char *body, size_t n, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	static const char hex[] = "0123456789abcdef";

	out[0] = '\0';
	if (HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)body, n, md,
	    &len) == NULL || len != 32)
		return;
	for (unsigned i = 0; i < len; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
}

int64_t
bundle_hook_backoff(int64_t attempts, int64_t base, int64_t max)
{
	int64_t d = base < 1 ? 1 : base;

	for (int64_t i = 1; i < attempts && d < max; i++)
		d *= 2;
	return d > max ? max : d;
}

static int64_t
wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}

static size_t
discard(char *p, size_t size, size_t n, void *ud)
{
	(void)p;
	(void)ud;
	return size * n;
}

/* POST body to url: 0 on a 2xx, -1 otherwise with the reason in why. */
static int
post(const char *url, const char *body, const char *sig, int64_t ts, int64_t id,
    const char *type, char *why, size_t whysz)
{
	CURL *h = curl_easy_init();
	struct curl_slist *hdr = NULL;
	char line[160];
	long status = 0;
	CURLcode cc;

	if (h == NULL) {
		snprintf(why, whysz, "curl init");
		return -1;
	}
	hdr = curl_slist_append(hdr, "Content-Type: application/json");
	snprintf(line, sizeof(line), "X-Motcua-Signature: sha256=%s", sig);
	hdr = curl_slist_append(hdr, line);
	snprintf(line, sizeof(line), "X-Motcua-Timestamp: %lld", (long long)ts);
	hdr = curl_slist_append(hdr, line);
	snprintf(line, sizeof(line), "X-Motcua-Event-Id: %lld", (long long)id);
	hdr = curl_slist_append(hdr, line);
	snprintf(line, sizeof(line), "X-Motcua-Event: %s", type);
	hdr = curl_slist_append(hdr, line);
	hdr = curl_slist_append(hdr, "Expect:");
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)config_int(CFG_BUNDLE_HOOK_TIMEOUT));
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)config_int(CFG_BUNDLE_HOOK_TIMEOUT));
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	cc = curl_easy_perform(h);
	if (cc == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(h);
	if (cc != CURLE_OK) {
		snprintf(why, whysz, "%s", curl_easy_strerror(cc));
		return -1;
	}
	if (status < 200 || status > 299) {
		snprintf(why, whysz, "HTTP %ld", status);
		return -1;
	}
	return 0;
}

/* The body of event (id, type, payload): the payload, the applicant the
 * external agency needs (read now from the component dossier; the outbox
 * itself holds no personal data), and sent_at.  New string or NULL. */
static char *
event_body(struct db_conn *c, int64_t id, const char *type, int64_t dossier_id,
    const char *payload, int64_t created_at, int64_t sent_at)
{
	json_t *p = json_loads(payload, 0, NULL), *o;
	struct db_res *res = NULL;
	char *text = NULL;

	if (p == NULL)
		return NULL;
	o = json_pack("{s:I, s:s, s:I, s:I, s:o}", "id", (json_int_t)id, "type", type,
	    "created_at", (json_int_t)created_at, "sent_at", (json_int_t)sent_at, "data", p);
	if (o != NULL && strcmp(type, "bundle.handoff") == 0 && dossier_id != 0 &&
	    db_exec(c, STMT_BUN_HOOK_APPLICANT, (struct db_param[]){ DB_INT(dossier_id) }, 1,
	    &res) == DB_OK) {
		if (db_res_next(res) == 1)
			json_object_set_new(o, "applicant", json_pack("{s:s, s:s, s:s, s:s, s:s}", "name",
			    db_res_text(res, 0), "id_number", db_res_text(res, 1), "phone",
			    db_res_text(res, 2), "email", db_res_text(res, 3), "address",
			    db_res_text(res, 4)));
		db_res_free(res);
	}
	if (o != NULL)
		text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	return text;
}

int
bundle_hook_pass(struct db_conn *c, int64_t now)
{
	const char *url = config_str(CFG_BUNDLE_HOOK_URL);
	const char *secret = config_str(CFG_BUNDLE_HOOK_SECRET);
	int delivered = 0;

	if (url == NULL || url[0] == '\0')
		return 0;
	for (int n = 0; n < HOOK_BATCH; n++) {
		struct db_res *res = NULL;
		int64_t id, dossier_id, created, attempts, next;
		char *type = NULL, *payload = NULL, *body = NULL, sig[65], why[256];
		int k, ok;

		if (db_exec(c, STMT_BUN_HOOK_NEXT, NULL, 0, &res) != DB_OK)
			return -1;
		if ((k = db_res_next(res)) != 1) {
			db_res_free(res);
			return k < 0 ? -1 : delivered;
		}
		id = db_res_int(res, 0);
		type = strdup(db_res_text(res, 1));
		dossier_id = db_res_int(res, 2);
		payload = strdup(db_res_text(res, 3));
		created = db_res_int(res, 4);
		attempts = db_res_int(res, 5);
		next = db_res_int(res, 6);
		db_res_free(res);
		if (next > now || type == NULL || payload == NULL) {
			free(type);
			free(payload);
			return delivered; /* the oldest waits: keep the order */
		}
		body = event_body(c, id, type, dossier_id, payload, created, now);
		ok = body != NULL;
		if (ok) {
			bundle_hook_sign(secret ? secret : "", body, strlen(body), sig);
			why[0] = '\0';
			ok = post(url, body, sig, now, id, type, why, sizeof(why)) == 0;
		} else
			snprintf(why, sizeof(why), "bad payload");
		if (ok) {
			if (db_exec(c, STMT_BUN_HOOK_DONE, (struct db_param[]){ DB_INT(id),
			    DB_INT(now) }, 2, NULL) != DB_OK)
				ok = -1;
			else
				delivered++;
			log_msg(LOG_INFO, NULL, "bundle", "webhook=delivered event=%lld type=%s "
			    "attempts=%lld", (long long)id, type, (long long)attempts + 1);
		} else {
			int64_t wait = bundle_hook_backoff(attempts + 1,
			    config_int(CFG_BUNDLE_HOOK_INTERVAL), config_int(CFG_BUNDLE_HOOK_BACKOFF_MAX));

			(void)db_exec(c, STMT_BUN_HOOK_FAIL, (struct db_param[]){ DB_INT(id),
			    DB_INT(now + wait), DB_TEXT(why) }, 3, NULL);
			log_msg(LOG_WARN, NULL, "bundle", "webhook=failed event=%lld type=%s "
			    "attempts=%lld retry_in=%lld reason=\"%s\"", (long long)id, type,
			    (long long)attempts + 1, (long long)wait, why);
		}
		free(type);
		free(payload);
		free(body);
		if (ok != 1)
			return ok == -1 ? -1 : delivered;
	}
	return delivered;
}

/* ---- the thread ------------------------------------------------------------------ */

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t th;
	struct db *db;
	int running, stop;
} hook = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, NULL, 0, 0 };

static void *
hook_main(void *arg)
{
	struct db_conn *c = NULL;

	(void)arg;
	pthread_mutex_lock(&hook.mu);
	while (!hook.stop) {
		struct timespec ts;

		pthread_mutex_unlock(&hook.mu);
		if (c == NULL)
			c = db_conn_new(hook.db);
		if (c != NULL && bundle_hook_pass(c, wall_now()) == -1) {
			db_conn_free(c);
			c = NULL;
		}
		pthread_mutex_lock(&hook.mu);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1; /* due events are looked for every second */
		while (!hook.stop && pthread_cond_timedwait(&hook.cv, &hook.mu, &ts) == 0)
			;
	}
	pthread_mutex_unlock(&hook.mu);
	db_conn_free(c);
	return NULL;
}

int
bundle_hook_start(struct db *db)
{
	const char *url = config_str(CFG_BUNDLE_HOOK_URL);

	if (db == NULL || url == NULL || url[0] == '\0')
		return 0;
	pthread_mutex_lock(&hook.mu);
	if (hook.running) {
		pthread_mutex_unlock(&hook.mu);
		return 0;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	hook.db = db;
	hook.stop = 0;
	if (pthread_create(&hook.th, NULL, hook_main, NULL) != 0) {
		pthread_mutex_unlock(&hook.mu);
		return -1;
	}
	hook.running = 1;
	pthread_mutex_unlock(&hook.mu);
	return 0;
}

void
bundle_hook_stop(void)
{
	pthread_mutex_lock(&hook.mu);
	if (!hook.running) {
		pthread_mutex_unlock(&hook.mu);
		return;
	}
	hook.stop = 1;
	pthread_cond_broadcast(&hook.cv);
	pthread_mutex_unlock(&hook.mu);
	pthread_join(hook.th, NULL);
	pthread_mutex_lock(&hook.mu);
	hook.running = 0;
	pthread_mutex_unlock(&hook.mu);
}

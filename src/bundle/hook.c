/*
 * Hand-offs to external systems (police residence database, tax, social
 * insurance): the component's start wrote a `bundle.handoff` event in the
 * outbox in its own transaction; this thread of `serve` POSTs each event
 * as JSON to the webhook of the event's external system (its
 * bundle_externals row, external.c; the bundle_webhook_url / _secret
 * settings for a system without a row) with
 *   X-Motcua-Signature: sha256=<hex HMAC-SHA256 of the body, key = secret>
 *   X-Motcua-Timestamp: <Unix seconds>  (also "sent_at" inside the body)
 *   X-Motcua-Event-Id: <outbox id>      (receivers deduplicate on it)
 * Each system's events go oldest first, one at a time: a failure stops
 * that system's queue for the pass (so its events are delivered in order)
 * and schedules the next try with exponential back-off; other systems go
 * on.  A disabled system's events wait until it is enabled.  A 2xx marks
 * the event delivered (`delivered_at`), once.  The schedule runs on the
 * wall clock, not the legal clock (MOTCUA_NOW in tests fixes the latter
 * only).  Secrets are never logged.
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

/* ---- per external system ----------------------------------------------------------- */

#define HOOK_SYSTEMS 64 /* systems served per pass (STMT_BUN_HOOK_HEADS' LIMIT) */
#define HOOK_URL_MAX 2048
#define HOOK_SECRET_MAX 256

/* One system's queue in a pass: where it goes, and its oldest event. */
struct hook_sys {
	char code[40];
	char url[HOOK_URL_MAX + 1];
	char secret[HOOK_SECRET_MAX + 1];
	int blocked; /* no endpoint, disabled, waiting for its retry, or failed now */
	int64_t id, dossier_id, created, attempts, next; /* the head event (id 0 = none) */
	char *type, *payload;
};

static void
sys_clear_head(struct hook_sys *s)
{
	free(s->type);
	free(s->payload);
	s->type = s->payload = NULL;
	s->id = 0;
}

/* Stamp new hand-off events with their system (payload.external), so that
 * each system has a queue of its own. */
static int
hook_stamp(struct db_conn *c)
{
	for (int round = 0; round < 10; round++) {
		struct db_res *res = NULL;
		int64_t ids[100];
		char targets[100][40];
		int n = 0, k;

		if (db_exec(c, STMT_BUN_HOOK_UNSTAMPED, NULL, 0, &res) != DB_OK)
			return -1;
		while ((k = db_res_next(res)) == 1 && n < 100) {
			json_t *p = json_loads(db_res_text(res, 1), 0, NULL);
			const char *ext = json_string_value(json_object_get(p, "external"));

			ids[n] = db_res_int(res, 0);
			/* No system named: "?", which no system code can be (they are
			 * [a-z0-9-]), so it goes to the configured fallback URL. */
			snprintf(targets[n], sizeof(targets[0]), "%s", ext != NULL && ext[0] != '\0' &&
			    strlen(ext) < sizeof(targets[0]) ? ext : "?");
			n++;
			json_decref(p);
		}
		db_res_free(res);
		if (k < 0)
			return -1;
		for (int i = 0; i < n; i++)
			if (db_exec(c, STMT_BUN_HOOK_STAMP, (struct db_param[]){ DB_INT(ids[i]),
			    DB_TEXT(targets[i]) }, 2, NULL) != DB_OK)
				return -1;
		if (n < 100)
			break;
	}
	return 0;
}

/* Where system s's events go: its row when it has one (disabled = they
 * wait), otherwise the bundle_webhook_url / _secret fallback (empty = they
 * wait).  Read at every pass, so a rotation or a new URL applies to the
 * next delivery. */
static int
sys_endpoint(struct db_conn *c, struct hook_sys *s)
{
	struct db_res *res = NULL;
	int k;

	if (db_exec(c, STMT_BUN_EXT_ENDPOINT, (struct db_param[]){ DB_TEXT(s->code) }, 1, &res) !=
	    DB_OK)
		return -1;
	if ((k = db_res_next(res)) == 1) {
		s->blocked = db_res_int(res, 0) == 0;
		str_lcpy(s->url, db_res_text(res, 1), sizeof(s->url));
		str_lcpy(s->secret, db_res_text(res, 2), sizeof(s->secret));
	} else if (k == 0) {
		const char *url = config_str(CFG_BUNDLE_HOOK_URL);
		const char *secret = config_str(CFG_BUNDLE_HOOK_SECRET);

		str_lcpy(s->url, url ? url : "", sizeof(s->url));
		str_lcpy(s->secret, secret ? secret : "", sizeof(s->secret));
	}
	db_res_free(res);
	if (k < 0)
		return -1;
	if (s->url[0] == '\0')
		s->blocked = 1;
	return 0;
}

/* Load s's oldest undelivered event; blocks s when it has none or when
 * its retry is not due. */
static int
sys_head(struct db_conn *c, struct hook_sys *s, int64_t now)
{
	struct db_res *res = NULL;
	int k;

	sys_clear_head(s);
	if (db_exec(c, STMT_BUN_HOOK_NEXT, (struct db_param[]){ DB_TEXT(s->code) }, 1, &res) !=
	    DB_OK)
		return -1;
	if ((k = db_res_next(res)) == 1) {
		s->id = db_res_int(res, 0);
		s->type = strdup(db_res_text(res, 1));
		s->dossier_id = db_res_int(res, 2);
		s->payload = strdup(db_res_text(res, 3));
		s->created = db_res_int(res, 4);
		s->attempts = db_res_int(res, 5);
		s->next = db_res_int(res, 6);
	}
	db_res_free(res);
	if (k < 0)
		return -1;
	if (k == 0 || s->type == NULL || s->payload == NULL || s->next > now)
		s->blocked = 1; /* the oldest waits: keep the order */
	return 0;
}

/* Deliver s's head event: 1 delivered, 0 failed (s blocked), -1 DB error. */
static int
sys_deliver(struct db_conn *c, struct hook_sys *s, int64_t now)
{
	char *body = event_body(c, s->id, s->type, s->dossier_id, s->payload, s->created, now);
	char sig[65], why[256];
	int ok = body != NULL;

	why[0] = '\0';
	if (ok) {
		bundle_hook_sign(s->secret, body, strlen(body), sig);
		ok = post(s->url, body, sig, now, s->id, s->type, why, sizeof(why)) == 0;
	} else
		snprintf(why, sizeof(why), "bad payload");
	free(body);
	if (ok) {
		if (db_exec(c, STMT_BUN_HOOK_DONE, (struct db_param[]){ DB_INT(s->id), DB_INT(now) },
		    2, NULL) != DB_OK)
			return -1;
		log_msg(LOG_INFO, NULL, "bundle", "webhook=delivered system=%s event=%lld type=%s "
		    "attempts=%lld", s->code, (long long)s->id, s->type, (long long)s->attempts + 1);
		return 1;
	} else {
		int64_t wait = bundle_hook_backoff(s->attempts + 1,
		    config_int(CFG_BUNDLE_HOOK_INTERVAL), config_int(CFG_BUNDLE_HOOK_BACKOFF_MAX));

		(void)db_exec(c, STMT_BUN_HOOK_FAIL, (struct db_param[]){ DB_INT(s->id),
		    DB_INT(now + wait), DB_TEXT(why) }, 3, NULL);
		log_msg(LOG_WARN, NULL, "bundle", "webhook=failed system=%s event=%lld type=%s "
		    "attempts=%lld retry_in=%lld reason=\"%s\"", s->code, (long long)s->id, s->type,
		    (long long)s->attempts + 1, (long long)wait, why);
		s->blocked = 1;
		return 0;
	}
}

int
bundle_hook_pass(struct db_conn *c, int64_t now)
{
	struct hook_sys *sys = NULL;
	struct db_res *res = NULL;
	int n = 0, k, delivered = 0, rc = -1;

	if (hook_stamp(c) == -1)
		return -1;
	if (db_exec(c, STMT_BUN_HOOK_HEADS, NULL, 0, &res) != DB_OK)
		return -1;
	while ((k = db_res_next(res)) == 1 && n < HOOK_SYSTEMS) {
		if (sys == NULL && (sys = calloc(HOOK_SYSTEMS, sizeof(*sys))) == NULL)
			break;
		str_lcpy(sys[n].code, db_res_text(res, 0), sizeof(sys[n].code));
		n++;
	}
	db_res_free(res);
	if (k < 0 || (n > 0 && sys == NULL))
		goto out;
	for (int i = 0; i < n; i++)
		if (sys_endpoint(c, &sys[i]) == -1 || (!sys[i].blocked &&
		    sys_head(c, &sys[i], now) == -1))
			goto out;
	/* Oldest first across the systems that can go (so one receiver for
	 * every system sees them in the order they happened); each system in
	 * its own order, one that is down or disabled holding back only its
	 * own events. */
	while (delivered < HOOK_BATCH) {
		struct hook_sys *best = NULL;
		int got;

		for (int i = 0; i < n; i++)
			if (!sys[i].blocked && (best == NULL || sys[i].id < best->id))
				best = &sys[i];
		if (best == NULL)
			break;
		if ((got = sys_deliver(c, best, now)) == -1)
			goto out;
		if (got == 1) {
			delivered++;
			if (sys_head(c, best, now) == -1)
				goto out;
		}
	}
	rc = delivered;
out:
	for (int i = 0; sys != NULL && i < n; i++) {
		sys_clear_head(&sys[i]);
		str_wipe(sys[i].secret, sizeof(sys[i].secret));
	}
	free(sys);
	return rc;
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
	/* Always: external systems can be added while the server runs. */
	if (db == NULL)
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

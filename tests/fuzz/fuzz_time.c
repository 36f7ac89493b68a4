/* Fuzz target: the date and instant parsers every API query goes through.
 * A parsed instant must format and re-parse to itself. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[64], out[32];
	int64_t t, t2;
	int y, m, d;

	if (size >= sizeof(s))
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (time_parse_date(s, &y, &m, &d) == 0 &&
	    (m < 1 || m > 12 || d < 1 || d > time_days_in_month(y, m)))
		abort();
	if (time_parse_iso(s, &t) == 0) {
		time_format_iso(t, out);
		if (time_parse_iso(out, &t2) != 0 || t2 != t)
			abort();
	}
	return 0;
}

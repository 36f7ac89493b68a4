/* Fuzz target: the dossier-code and lookup-key checks the public lookup
 * runs on untrusted path and query input.  A code accepted as valid must
 * be exactly what dossier_code_format() writes for its own parts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "dossier/dossier.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[64], agency[DOSSIER_AGENCY_CODE_LEN + 1], again[DOSSIER_CODE_LEN + 1];
	struct civil c = { 0 };
	int64_t seq;

	if (size >= sizeof(s))
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (dossier_lookup_key_valid(s) && strlen(s) != DOSSIER_KEY_LEN)
		abort();
	if (!dossier_code_valid(s))
		return 0;
	memcpy(agency, s, DOSSIER_AGENCY_CODE_LEN);
	agency[DOSSIER_AGENCY_CODE_LEN] = '\0';
	c.year = 2000 + (s[14] - '0') * 10 + (s[15] - '0');
	c.month = (s[16] - '0') * 10 + (s[17] - '0');
	c.day = (s[18] - '0') * 10 + (s[19] - '0');
	c.hour = 12;
	seq = strtoll(s + 21, NULL, 10);
	if (dossier_code_format(agency, time_from_vn(&c), seq, again, sizeof(again)) != 0 ||
	    strcmp(again, s) != 0)
		abort();
	return 0;
}

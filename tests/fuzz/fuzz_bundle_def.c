/* Fuzz target: the validator of a bundle definition (the catalogue
 * import's "time_limit" and "components" of a group) on untrusted JSON.
 * A definition it accepts must have an acyclic graph whose critical path
 * fits the total, and the validator never crashes or leaks. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/bundle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct catalog_errs errs;
	struct bundle_graph g;
	json_t *j;
	int order[BUNDLE_COMPONENTS_MAX], cyc;

	if (size > 65536)
		return 0;
	j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	if (j == NULL)
		return 0;
	memset(&errs, 0, sizeof(errs));
	if (json_is_object(j)) {
		bundle_def_validate(j, &g, &errs);
		if (errs.total == 0 && g.n > 0 && (bundle_graph_order(&g, order, &cyc) != 0 ||
		    bundle_graph_span(&g) > g.total))
			abort();
	}
	json_decref(j);
	return 0;
}

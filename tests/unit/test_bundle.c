/*
 * Unit tests of the bundle slice's pure parts: the dependency graph
 * (order, cycles, the critical path of shares, outputs from predecessors),
 * the definition validator (errors naming the field), the webhook
 * signature (RFC 4231 test vector) and the retry back-off.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/bundle.h"

/* A graph from "key:share:after1,after2" specs. */
static void
graph(struct bundle_graph *g, int64_t total, const char *const *spec)
{
	memset(g, 0, sizeof(*g));
	g->total = total;
	for (int i = 0; spec[i] != NULL; i++) {
		char buf[32], *p, *after;

		snprintf(buf, sizeof(buf), "%s", spec[i]);
		p = strchr(buf, ':');
		*p = '\0';
		snprintf(g->node[i].key, sizeof(g->node[i].key), "%s", buf);
		g->node[i].share = strtol(p + 1, &after, 10);
		g->n = i + 1;
	}
	for (int i = 0; spec[i] != NULL; i++) {
		const char *a = strchr(strchr(spec[i], ':') + 1, ':');

		while (a != NULL && a[1] != '\0') {
			a++;
			for (int k = 0; k < g->n; k++)
				if (strncmp(a, g->node[k].key, strlen(g->node[k].key)) == 0 &&
				    (a[strlen(g->node[k].key)] == ',' || a[strlen(g->node[k].key)] == '\0')) {
					g->node[i].after[g->node[i].nafter++] = k;
					break;
				}
			a = strchr(a, ',');
		}
	}
}

static void
test_order_and_span(void **state)
{
	struct bundle_graph g;
	int order[BUNDLE_COMPONENTS_MAX], cyc;

	(void)state;
	/* Sequential a → b → c: 1 + 3 + 2. */
	graph(&g, 6, (const char *const[]){ "c:2:b", "b:3:a", "a:1:", NULL });
	assert_int_equal(bundle_graph_order(&g, order, &cyc), 0);
	assert_int_equal(order[0], 2);
	assert_int_equal(order[1], 1);
	assert_int_equal(order[2], 0);
	assert_int_equal(bundle_graph_span(&g), 6);
	assert_true(bundle_graph_before(&g, 2, 0));
	assert_false(bundle_graph_before(&g, 0, 2));
	/* Parallel: a then b ∥ c, the longer branch counts. */
	graph(&g, 5, (const char *const[]){ "a:1:", "b:3:a", "c:4:a", NULL });
	assert_int_equal(bundle_graph_span(&g), 5);
	assert_false(bundle_graph_before(&g, 1, 2));
	/* A cycle has no order. */
	graph(&g, 5, (const char *const[]){ "a:1:c", "b:1:a", "c:1:b", NULL });
	assert_int_equal(bundle_graph_order(&g, order, &cyc), -1);
	assert_true(cyc >= 0 && cyc < 3);
	assert_int_equal(bundle_graph_span(&g), -1);
}

static size_t
check(struct bundle_graph *g, const char *want_name)
{
	struct catalog_errs errs;
	size_t n;

	memset(&errs, 0, sizeof(errs));
	n = bundle_graph_check(g, &errs);
	if (want_name != NULL) {
		int found = 0;

		for (size_t i = 0; i < errs.n; i++)
			found |= strcmp(errs.e[i].name, want_name) == 0;
		if (!found)
			fail_msg("no error on %s (%zu errors, first %s)", want_name, n,
			    errs.n ? errs.e[0].name : "-");
	}
	return n;
}

static void
test_check(void **state)
{
	struct bundle_graph g;

	(void)state;
	graph(&g, 5, (const char *const[]){ "a:1:", "b:3:a", "c:3:a", NULL });
	snprintf(g.node[0].prov[0], sizeof(g.node[0].prov[0]), "so_a");
	g.node[0].nprov = 1;
	snprintf(g.node[1].req[0], sizeof(g.node[1].req[0]), "so_a");
	g.node[1].nreq = 1;
	assert_int_equal(check(&g, NULL), 0);
	/* Shares over the total. */
	g.total = 3;
	check(&g, "time_limit");
	g.total = 5;
	/* Required from a component that is not before it. */
	snprintf(g.node[2].prov[0], sizeof(g.node[2].prov[0]), "so_c");
	g.node[2].nprov = 1;
	snprintf(g.node[1].req[1], sizeof(g.node[1].req[1]), "so_c");
	g.node[1].nreq = 2;
	check(&g, "components[1].requires");
	g.node[1].nreq = 1;
	/* An output provided twice. */
	snprintf(g.node[2].prov[0], sizeof(g.node[2].prov[0]), "so_a");
	check(&g, "components[2].provides");
	g.node[2].nprov = 0;
	/* A cycle and a self edge. */
	graph(&g, 9, (const char *const[]){ "a:1:b", "b:1:a", NULL });
	check(&g, "components[0].after");
	graph(&g, 9, (const char *const[]){ "a:1:a", "b:1:", NULL });
	check(&g, "components[0].after");
}

static void
test_validate_json(void **state)
{
	static const struct {
		const char *json, *field; /* NULL field = valid */
	} cases[] = {
		{ "{\"time_limit\": {\"value\": 4}, \"components\": [{\"key\": \"a\", \"procedure\": "
		  "\"X-1\", \"share\": 1}, {\"key\": \"b\", \"procedure\": \"X-2\", \"share\": 3, "
		  "\"after\": [\"a\"]}]}", NULL },
		{ "{\"time_limit\": {\"value\": 3}, \"components\": [{\"key\": \"a\", \"procedure\": "
		  "\"X-1\", \"share\": 1}, {\"key\": \"b\", \"procedure\": \"X-2\", \"share\": 3, "
		  "\"after\": [\"a\"]}]}", "time_limit" },
		{ "{\"time_limit\": {\"value\": 4}, \"components\": [{\"key\": \"a\", \"procedure\": "
		  "\"X-1\", \"share\": 1}, {\"key\": \"b\", \"procedure\": \"X-2\", \"share\": 3, "
		  "\"after\": [\"zz\"]}]}", "components[1].after" },
		{ "{\"time_limit\": {\"value\": 4}, \"components\": [{\"key\": \"a\", \"procedure\": "
		  "\"X-1\", \"share\": 1, \"agency\": \"nowhere\"}, {\"key\": \"a\", \"procedure\": "
		  "\"X-2\", \"share\": 1}]}", "components[0].agency" },
		{ "{\"time_limit\": {\"value\": 4}, \"components\": [{\"key\": \"a\", \"procedure\": "
		  "\"X-1\", \"share\": 1}, {\"key\": \"a\", \"procedure\": \"X-2\", \"share\": 1}]}",
		  "components[1].key" },
		{ "{\"time_limit\": {\"value\": 4}, \"components\": [{\"key\": \"a\", \"procedure\": "
		  "\"X-1\", \"share\": 1}]}", "components" },
		{ "{\"components\": [{\"key\": \"a\", \"procedure\": \"X-1\", \"share\": 1, \"x\": 1}, "
		  "{\"key\": \"b\", \"procedure\": \"X-2\", \"share\": 1, \"external\": \"tax\", "
		  "\"agency\": \"served:000.00.42.H19\"}]}", "components[0].x" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct catalog_errs errs;
		json_t *j = json_loads(cases[i].json, 0, NULL);
		int found = 0;

		assert_non_null(j);
		memset(&errs, 0, sizeof(errs));
		bundle_def_validate(j, NULL, &errs);
		if (cases[i].field == NULL && errs.total != 0)
			fail_msg("case %zu: unexpected error on %s", i, errs.e[0].name);
		for (size_t k = 0; k < errs.n; k++)
			found |= cases[i].field != NULL && strcmp(errs.e[k].name, cases[i].field) == 0;
		if (cases[i].field != NULL && !found)
			fail_msg("case %zu: no error on %s (%zu errors)", i, cases[i].field, errs.total);
		json_decref(j);
	}
}

static void
test_signature_and_backoff(void **state)
{
	char out[65];

	(void)state;
	/* RFC 4231 test case 2. */
	bundle_hook_sign("Jefe", "what do ya want for nothing?", 28, out);
	assert_string_equal(out,
	    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	assert_int_equal(bundle_hook_backoff(1, 30, 3600), 30);
	assert_int_equal(bundle_hook_backoff(2, 30, 3600), 60);
	assert_int_equal(bundle_hook_backoff(4, 30, 3600), 240);
	assert_int_equal(bundle_hook_backoff(40, 30, 3600), 3600);
	assert_int_equal(bundle_hook_backoff(3, 1, 1), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_span),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_validate_json),
		cmocka_unit_test(test_signature_and_backoff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

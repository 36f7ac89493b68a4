/*
 * The dependency graph of an interlinked group: components with their
 * predecessors (sequential when chained, parallel when they share one),
 * each with its share of the time and the outputs it provides or
 * requires.  Pure functions: the import and the unit tests use them.
 */
#include <stdio.h>
#include <string.h>

#include "../core/core.h"
#include "bundle.h"

int
bundle_graph_order(const struct bundle_graph *g, int order[BUNDLE_COMPONENTS_MAX], int *cycle_at)
{
	int indeg[BUNDLE_COMPONENTS_MAX] = { 0 }, done[BUNDLE_COMPONENTS_MAX] = { 0 };
	int n = 0;

	*cycle_at = -1;
	for (int i = 0; i < g->n; i++)
		indeg[i] = g->node[i].nafter;
	/* Kahn's algorithm, lowest index first so the order is stable. */
	while (n < g->n) {
		int pick = -1;

		for (int i = 0; i < g->n && pick < 0; i++)
			if (!done[i] && indeg[i] == 0)
				pick = i;
		if (pick < 0) {
			for (int i = 0; i < g->n && *cycle_at < 0; i++)
				if (!done[i])
					*cycle_at = i;
			return -1;
		}
		done[pick] = 1;
		order[n++] = pick;
		for (int j = 0; j < g->n; j++)
			for (int k = 0; k < g->node[j].nafter; k++)
				if (g->node[j].after[k] == pick)
					indeg[j]--;
	}
	return 0;
}

int64_t
bundle_graph_span(const struct bundle_graph *g)
{
	int order[BUNDLE_COMPONENTS_MAX], cyc;
	int64_t end[BUNDLE_COMPONENTS_MAX] = { 0 }, span = 0;

	if (bundle_graph_order(g, order, &cyc) == -1)
		return -1;
	for (int i = 0; i < g->n; i++) {
		const struct bundle_node *v = &g->node[order[i]];
		int64_t start = 0;

		for (int k = 0; k < v->nafter; k++)
			if (end[v->after[k]] > start)
				start = end[v->after[k]];
		end[order[i]] = start + v->share;
		if (end[order[i]] > span)
			span = end[order[i]];
	}
	return span;
}

int
bundle_graph_before(const struct bundle_graph *g, int a, int b)
{
	int stack[BUNDLE_COMPONENTS_MAX * BUNDLE_COMPONENTS_MAX], seen[BUNDLE_COMPONENTS_MAX] = { 0 };
	int sp = 0;

	if (b < 0 || b >= g->n)
		return 0;
	stack[sp++] = b;
	while (sp > 0) {
		const struct bundle_node *v = &g->node[stack[--sp]];

		for (int k = 0; k < v->nafter; k++) {
			int p = v->after[k];

			if (p == a)
				return 1;
			if (p >= 0 && p < g->n && !seen[p] && sp < (int)CORE_NELEM(stack)) {
				seen[p] = 1;
				stack[sp++] = p;
			}
		}
	}
	return 0;
}

size_t
bundle_graph_check(const struct bundle_graph *g, struct catalog_errs *errs)
{
	size_t before = errs->total;
	int order[BUNDLE_COMPONENTS_MAX], cyc;
	char name[96];

	for (int i = 0; i < g->n; i++) {
		const struct bundle_node *v = &g->node[i];

		for (int k = 0; k < v->nafter; k++) {
			snprintf(name, sizeof(name), "components[%d].after", i);
			if (v->after[k] == i)
				catalog_err_add(errs, name, "Thành phần %s không thể chờ chính nó.",
				    "Component %s cannot wait for itself.", v->key, v->key);
			for (int m = 0; m < k; m++)
				if (v->after[m] == v->after[k])
					catalog_err_add(errs, name, "Thành phần %s được nêu hai lần.",
					    "Component %s is listed twice.",
					    g->node[v->after[k]].key, g->node[v->after[k]].key);
		}
	}
	if (errs->total > before)
		return errs->total - before;
	if (bundle_graph_order(g, order, &cyc) == -1) {
		snprintf(name, sizeof(name), "components[%d].after", cyc);
		catalog_err_add(errs, name, "Thứ tự các thành phần có vòng lặp (qua %s): không thành "
		    "phần nào trong vòng bắt đầu được.", "The order of the components has a cycle "
		    "(through %s): none of them could ever start.", g->node[cyc].key,
		    g->node[cyc].key);
		return errs->total - before;
	}
	if (g->n > 0 && bundle_graph_span(g) > g->total)
		catalog_err_add(errs, "time_limit", "Tổng thời gian của các cơ quan theo chuỗi dài "
		    "nhất (%lld) vượt thời hạn của nhóm (%lld).", "The agencies' shares along the "
		    "longest chain (%lld) exceed the group's limit (%lld).",
		    (long long)bundle_graph_span(g), (long long)g->total,
		    (long long)bundle_graph_span(g), (long long)g->total);
	for (int i = 0; i < g->n; i++) {
		const struct bundle_node *v = &g->node[i];

		for (int r = 0; r < v->nreq; r++) {
			int ok = 0;

			for (int j = 0; j < g->n && !ok; j++)
				for (int p = 0; p < g->node[j].nprov && !ok; p++)
					ok = strcmp(g->node[j].prov[p], v->req[r]) == 0 &&
					    bundle_graph_before(g, j, i);
			if (!ok) {
				snprintf(name, sizeof(name), "components[%d].requires", i);
				catalog_err_add(errs, name, "Không thành phần nào đứng trước %s cung cấp "
				    "\"%s\".", "No component before %s provides \"%s\".", v->key,
				    v->req[r], v->key, v->req[r]);
			}
		}
		for (int p = 0; p < v->nprov; p++)
			for (int j = 0; j <= i; j++)
				for (int q = 0; q < g->node[j].nprov; q++)
					if ((j < i || q < p) && strcmp(g->node[j].prov[q], v->prov[p]) == 0) {
						snprintf(name, sizeof(name), "components[%d].provides", i);
						catalog_err_add(errs, name, "Kết quả \"%s\" đã do %s cung cấp.",
						    "Output \"%s\" is already provided by %s.", v->prov[p],
						    g->node[j].key, v->prov[p], g->node[j].key);
					}
	}
	return errs->total - before;
}

/*
 * Bundle dossiers (docs/BUNDLE.md §3-§5): reception creates the parent
 * (kind 'bundle': the code, the receipt and the lookup key the applicant
 * holds) and one component dossier per procedure (kind 'component', its
 * own agency, code, steps, clock and history) in ONE transaction.  A
 * component waits in `submitted` until its predecessors have their
 * results; its start is a `receive` by the bundle (history row, clock
 * from that moment, with its agency's share as the limit).  The parent is
 * settled after every action on a component: result_ready when all are,
 * rejected (with the reasons) when one is rejected, and its due time is
 * the later of the group's limit and the projection of the components'
 * clocks along the graph.
 */
#include <stdlib.h>
#include <string.h>

#include "../catalog/catalog.h"
#include "../idem/idem.h"
#include "bundle_int.h"

/* ---- definitions --------------------------------------------------------------- */

void
bundle_def_free(struct bundle_def *b)
{
	for (int i = 0; b != NULL && i < b->n; i++) {
		json_decref(b->c[i].provides);
		json_decref(b->c[i].requires);
		b->c[i].provides = b->c[i].requires = NULL;
	}
}

enum db_rc
bundle_def_load(struct dossier_ctx *x, int64_t id, const char *code, struct bundle_def *b)
{
	struct db_res *res = NULL;
	enum db_rc rc;
	int k;

	memset(b, 0, sizeof(*b));
	if (id == 0) {
		if ((rc = db_exec(x->c, STMT_BUN_BY_CODE, (struct db_param[]){ DB_TEXT(code) }, 1,
		    &res)) != DB_OK)
			return rc;
	} else if ((rc = db_exec(x->c, STMT_BUN_LIST, NULL, 0, &res)) != DB_OK)
		return rc;
	while ((k = db_res_next(res)) == 1)
		if (b->id == 0 && (id == 0 || db_res_int(res, 0) == id)) {
			b->id = db_res_int(res, 0);
			b->code = dossier_strdup(x, db_res_text(res, 1));
			b->name = dossier_strdup(x, db_res_text(res, 2));
			b->limit = db_res_int(res, 5);
			b->unit = dossier_strdup(x, db_res_text(res, 6));
		}
	rc = k < 0 ? db_res_rc(res) : b->id ? DB_OK : DB_NOTFOUND;
	db_res_free(res);
	res = NULL;
	if (rc != DB_OK)
		return rc;
	b->g.total = b->limit;
	if ((rc = db_exec(x->c, STMT_BUN_COMPS, (struct db_param[]){ DB_INT(b->id) }, 1, &res)) !=
	    DB_OK)
		return rc;
	while ((k = db_res_next(res)) == 1 && b->n < BUNDLE_COMPONENTS_MAX) {
		struct bundle_comp *c = &b->c[b->n];

		c->seq = db_res_int(res, 0);
		c->key = dossier_strdup(x, db_res_text(res, 1));
		c->name = dossier_strdup(x, db_res_text(res, 2)[0] ? db_res_text(res, 2) :
		    db_res_text(res, 10));
		c->procedure = dossier_strdup(x, db_res_text(res, 3));
		c->agency = dossier_strdup(x, db_res_text(res, 4));
		c->share = db_res_int(res, 5);
		c->release = (int)db_res_int(res, 6);
		c->external = dossier_strdup(x, db_res_text(res, 7));
		c->provides = json_loads(db_res_text(res, 8), 0, NULL);
		c->requires = json_loads(db_res_text(res, 9), 0, NULL);
		snprintf(b->g.node[b->n].key, sizeof(b->g.node[b->n].key), "%s", c->key);
		b->g.node[b->n].share = c->share;
		b->n++;
	}
	while (k == 1)
		k = db_res_next(res);
	rc = k < 0 ? db_res_rc(res) : DB_OK;
	db_res_free(res);
	res = NULL;
	b->g.n = b->n;
	if (rc != DB_OK || (rc = db_exec(x->c, STMT_BUN_EDGES, (struct db_param[]){ DB_INT(b->id) },
	    1, &res)) != DB_OK)
		return rc;
	while ((k = db_res_next(res)) == 1) {
		int64_t s = db_res_int(res, 0), a = db_res_int(res, 1);

		if (s >= 1 && s <= b->n && a >= 1 && a <= b->n) {
			struct bundle_node *v = &b->g.node[s - 1];

			v->after[v->nafter++] = (int)a - 1;
		}
	}
	rc = k < 0 ? db_res_rc(res) : DB_OK;
	db_res_free(res);
	return rc;
}

int
bundle_is_code(struct db_conn *c, const char *code)
{
	struct db_res *res = NULL;
	int k;

	if (code == NULL || db_exec(c, STMT_BUN_BY_CODE, (struct db_param[]){ DB_TEXT(code) }, 1,
	    &res) != DB_OK)
		return -1;
	k = db_res_next(res);
	db_res_free(res);
	return k < 0 ? -1 : k;
}

/* ---- what a dossier is to the bundle ----------------------------------------- */

enum bundle_kind { BK_SINGLE, BK_BUNDLE, BK_COMPONENT };

struct role {
	enum bundle_kind kind;
	int64_t parent_id, bundle_id, seq, started_at;
	const char *parent_code;
};

static enum db_rc
role_of(struct dossier_ctx *x, int64_t id, struct role *r)
{
	struct db_res *res = NULL;
	enum db_rc rc;
	int k;

	memset(r, 0, sizeof(*r));
	r->parent_code = "";
	if ((rc = db_exec(x->c, STMT_BUN_ROLE, (struct db_param[]){ DB_INT(id) }, 1, &res)) !=
	    DB_OK)
		return rc;
	if ((k = db_res_next(res)) == 1) {
		const char *kind = db_res_text(res, 0);

		r->kind = strcmp(kind, "bundle") == 0 ? BK_BUNDLE : strcmp(kind, "component") == 0 ?
		    BK_COMPONENT : BK_SINGLE;
		r->parent_id = db_res_int(res, 1);
		r->parent_code = dossier_strdup(x, db_res_text(res, 2));
		r->bundle_id = db_res_int(res, 3);
		r->seq = db_res_int(res, 4);
		r->started_at = db_res_int(res, 5);
	}
	rc = k < 0 ? db_res_rc(res) : DB_OK;
	db_res_free(res);
	return rc;
}

/* A component dossier as the parent sees it. */
struct member {
	int64_t id, seq, started_at, received_at, legal_due_at, due_at, finished_at, version;
	int64_t step, agency_id, returned_at, apologized_at;
	const char *code, *result_class, *agency_code, *agency_name, *proc_code, *proc_name;
	const char *step_name, *step_unit, *reason;
	enum dossier_status status;
};

struct members {
	int n;
	struct member m[BUNDLE_COMPONENTS_MAX];
};

static enum db_rc
members_load(struct dossier_ctx *x, int64_t parent_id, struct members *ms)
{
	struct db_res *res = NULL;
	enum db_rc rc;
	int k;

	memset(ms, 0, sizeof(*ms));
	if ((rc = db_exec(x->c, STMT_BUN_MEMBERS, (struct db_param[]){ DB_INT(parent_id) }, 1,
	    &res)) != DB_OK)
		return rc;
	while ((k = db_res_next(res)) == 1) {
		struct member *m;
		int64_t seq = db_res_int(res, 1);

		if (seq < 1 || seq > BUNDLE_COMPONENTS_MAX)
			continue;
		m = &ms->m[seq - 1];
		m->id = db_res_int(res, 0);
		m->seq = seq;
		m->started_at = db_res_int(res, 2);
		m->code = dossier_strdup(x, db_res_text(res, 3));
		m->status = dossier_status_from(db_res_text(res, 4));
		m->received_at = db_res_int(res, 5);
		m->legal_due_at = db_res_int(res, 6);
		m->due_at = db_res_int(res, 7);
		m->finished_at = db_res_int(res, 8);
		m->result_class = dossier_strdup(x, db_res_text(res, 9));
		m->agency_code = dossier_strdup(x, db_res_text(res, 10));
		m->agency_name = dossier_strdup(x, db_res_text(res, 11));
		m->proc_code = dossier_strdup(x, db_res_text(res, 12));
		m->proc_name = dossier_strdup(x, db_res_text(res, 13));
		m->step = db_res_int(res, 14);
		m->step_name = dossier_strdup(x, db_res_text(res, 15));
		m->step_unit = dossier_strdup(x, db_res_text(res, 16));
		m->version = db_res_int(res, 17);
		m->agency_id = db_res_int(res, 18);
		m->reason = dossier_strdup(x, db_res_text(res, 19));
		m->returned_at = db_res_int(res, 20);
		m->apologized_at = db_res_int(res, 21);
		if (seq > ms->n)
			ms->n = (int)seq;
	}
	rc = k < 0 ? db_res_rc(res) : DB_OK;
	db_res_free(res);
	return rc;
}

static int
ready(enum dossier_status s)
{
	return s == DS_RESULT_READY || s == DS_RETURNED;
}

/* The system's view of every dossier (the caller stays the actor). */
static struct dossier_ctx
sys_ctx(const struct dossier_ctx *x)
{
	struct dossier_ctx s = *x;

	s.scope.all = 1;
	s.scope.root = 0;
	return s;
}

static enum db_rc
claim(struct dossier_ctx *x, struct dossier *d)
{
	enum db_rc rc = db_exec(x->c, STMT_DOS_CLAIM, (struct db_param[]){ DB_INT(d->id),
	    DB_INT(d->version) }, 2, NULL);

	if (rc != DB_OK)
		return rc;
	if (db_changes(x->c) != 1)
		return DB_CONFLICT;
	d->version++;
	return DB_OK;
}

/* ---- values (outputs handed from one component to the next) ------------------- */

static enum db_rc
values_json(struct dossier_ctx *x, int64_t parent_id, json_t **out)
{
	struct db_res *res = NULL;
	enum db_rc rc;
	int k;

	*out = json_object();
	if ((rc = db_exec(x->c, STMT_BUN_VALUES, (struct db_param[]){ DB_INT(parent_id) }, 1,
	    &res)) != DB_OK)
		return rc;
	while ((k = db_res_next(res)) == 1)
		json_object_set_new(*out, db_res_text(res, 0), json_string(db_res_text(res, 1)));
	rc = k < 0 ? db_res_rc(res) : DB_OK;
	db_res_free(res);
	return rc;
}

/* ---- starting a component ------------------------------------------------------ */

static enum db_rc
start_component(struct dossier_ctx *x, const struct dossier *pd, const struct bundle_def *b,
    const struct member *m)
{
	const struct bundle_comp *c = &b->c[m->seq - 1];
	struct dossier d;
	struct dossier_err err;
	const struct dossier_step *s1;
	enum db_rc rc;

	memset(&err, 0, sizeof(err));
	if ((rc = dossier_load(x, m->code, &d)) != DB_OK)
		return rc;
	if (d.status != DS_SUBMITTED)
		return DB_OK;
	if ((rc = claim(x, &d)) != DB_OK)
		return rc;
	d.hand.from_step = 0;
	d.hand.from_unit = pd->agency_name;
	d.hand.to_user_name = "";
	d.status = DS_RECEIVED;
	if (dossier_clock_start(x, &d, x->now, &err) == -1)
		return DB_ERROR;
	if ((rc = dossier_step_start(x, &d, 1, x->now, 0)) != DB_OK)
		return rc;
	s1 = dossier_step_at(&d, 1);
	d.hand.to_step = 1;
	d.hand.to_unit = s1 != NULL && s1->unit[0] ? s1->unit : d.agency_name;
	d.hand.detail = json_pack("{s:s, s:s, s:o}", "bundle", pd->code, "component", c->key,
	    "external", c->external[0] ? json_string(c->external) : json_null());
	d.updated_at = x->now;
	d.queue_key = dossier_queue_key(&d);
	if ((rc = dossier_save(x, &d)) != DB_OK ||
	    (rc = db_exec(x->c, STMT_BUN_MEMBER_STARTED, (struct db_param[]){ DB_INT(d.id),
	    DB_INT(x->now) }, 2, NULL)) != DB_OK ||
	    (rc = dossier_record(x, &d, "receive", DS_SUBMITTED, "Bắt đầu giải quyết theo quy "
	    "trình liên thông")) != DB_OK)
		return rc;
	if (c->external[0] != '\0') {
		json_t *inputs = NULL, *need = json_object();
		size_t i;
		json_t *v;

		if ((rc = values_json(x, pd->id, &inputs)) != DB_OK) {
			json_decref(inputs);
			json_decref(need);
			return rc;
		}
		json_array_foreach(c->requires, i, v)
			if (json_object_get(inputs, json_string_value(v)) != NULL)
				json_object_set(need, json_string_value(v),
				    json_object_get(inputs, json_string_value(v)));
		json_decref(inputs);
		rc = dossier_outbox(x, &d, "bundle.handoff", json_pack("{s:s, s:I, s:s, s:s, s:s, "
		    "s:{s:s, s:s}, s:{s:s, s:s}, s:o, s:s, s:o}", "bundle", pd->code, "component_id",
		    (json_int_t)d.id, "component", c->key, "component_code", d.code, "external",
		    c->external, "procedure", "code", d.procedure_code, "name", d.procedure_name,
		    "agency", "code", d.agency_code, "name", d.agency_name, "inputs", need,
		    "outcome_url", arena_printf(x->arena, "/api/v1/bundles/%s/components/%lld/outcome",
		    pd->code, (long long)d.id), "provides", json_copy(c->provides)));
	}
	return rc;
}

/* Close an open component when the bundle ends without it: `stop` (to
 * DS_STOPPED) when another component ended it or the desk refused the
 * application, `withdraw` (to DS_WITHDRAWN) when the applicant withdrew
 * the whole application.  A started external one gets `bundle.cancel`. */
static enum db_rc
close_component(struct dossier_ctx *x, const struct bundle_def *b, const struct member *m,
    const char *reason, enum dossier_status to, const char *action)
{
	struct dossier d;
	enum dossier_status from;
	enum db_rc rc;

	if ((rc = dossier_load(x, m->code, &d)) != DB_OK)
		return rc;
	if (dossier_status_terminal(d.status) || d.status == DS_RESULT_READY)
		return DB_OK;
	from = d.status;
	if ((rc = claim(x, &d)) != DB_OK)
		return rc;
	d.hand.from_step = d.step;
	d.hand.from_unit = d.agency_name;
	d.hand.to_step = d.step;
	d.hand.to_unit = "";
	d.hand.to_user_name = "";
	if (d.step >= 1 && (rc = dossier_step_finish(x, &d, x->now)) != DB_OK)
		return rc;
	d.status = to;
	d.closed_at = x->now;
	d.assignee_id = 0;
	d.reason = reason;
	d.hand.reason = reason;
	d.updated_at = x->now;
	d.queue_key = dossier_queue_key(&d);
	if ((rc = dossier_save(x, &d)) != DB_OK ||
	    (rc = dossier_record(x, &d, action, from, "")) != DB_OK)
		return rc;
	if (b->c[m->seq - 1].external[0] != '\0' && m->started_at != 0)
		rc = dossier_outbox(x, &d, "bundle.cancel", json_pack("{s:I, s:s, s:s}",
		    "component_id", (json_int_t)d.id, "external", b->c[m->seq - 1].external,
		    "reason", reason));
	return rc;
}

static enum db_rc
stop_component(struct dossier_ctx *x, const struct bundle_def *b, const struct member *m,
    const char *reason)
{
	return close_component(x, b, m, reason, DS_STOPPED, "stop");
}

/* The definition a bundle dossier was received with: through its
 * components, or (a parent refused at reception has none) by the group's
 * code it carries as its procedure code — definitions are written once, so
 * the code names the same process for ever. */
static enum db_rc
parent_def_load(struct dossier_ctx *x, const struct dossier *pd, struct bundle_def *b)
{
	int64_t bid = 0;
	enum db_rc rc;

	memset(b, 0, sizeof(*b));
	if ((rc = db_scalar_int(x->c, STMT_BUN_PARENT_BUNDLE, (struct db_param[]){
	    DB_INT(pd->id) }, 1, &bid)) != DB_OK && rc != DB_NOTFOUND)
		return rc;
	return bundle_def_load(x, bid, bid ? NULL : pd->procedure_code, b);
}

/* ---- the parent ------------------------------------------------------------------ */

static enum calendar_unit
unit_of(const char *u)
{
	return strcmp(u, "hour") == 0 ? CALENDAR_HOURS : CALENDAR_DAYS;
}

/* The projected end of every component along the graph and the latest of
 * them: finished ones end when they finished, running ones at their legal
 * due time, one waiting for a supplement a full share after now, the
 * others a share after their last predecessor's end. */
static int64_t
projection(struct dossier_ctx *x, const struct dossier *pd, const struct bundle_def *b,
    const struct members *ms)
{
	int order[BUNDLE_COMPONENTS_MAX], cyc;
	int64_t end[BUNDLE_COMPONENTS_MAX] = { 0 }, plan[BUNDLE_COMPONENTS_MAX] = { 0 }, last = 0;
	int64_t path[BUNDLE_COMPONENTS_MAX] = { 0 };

	if (bundle_graph_order(&b->g, order, &cyc) == -1)
		return 0;
	/* The plan: each component's end by the shares from the reception. */
	for (int i = 0; i < b->n; i++) {
		int k = order[i];
		const struct bundle_node *v = &b->g.node[k];

		for (int a = 0; a < v->nafter; a++)
			if (path[v->after[a]] > path[k])
				path[k] = path[v->after[a]];
		path[k] += v->share;
		if (calendar_due(x->cal, pd->received_at, unit_of(b->unit), (int)path[k],
		    (int)pd->cutoff_minute, &plan[k]) == -1)
			plan[k] = 0;
	}
	for (int i = 0; i < b->n; i++) {
		int k = order[i];
		const struct member *m = &ms->m[k];
		const struct bundle_node *v = &b->g.node[k];
		int64_t start = pd->received_at, due = 0;
		int on_plan = 1;

		if (m->finished_at != 0)
			end[k] = m->finished_at;
		else if (m->status == DS_AWAITING_SUPPLEMENT || (m->started_at != 0 &&
		    m->legal_due_at == 0)) {
			if (calendar_due(x->cal, x->now, unit_of(b->unit), (int)v->share, 1440, &due) == 0)
				end[k] = due;
		} else if (m->started_at != 0)
			/* Its agency's own apology (Mẫu 04 of the component) moves it. */
			end[k] = m->due_at > m->legal_due_at ? m->due_at : m->legal_due_at;
		else {
			for (int a = 0; a < v->nafter; a++) {
				if (end[v->after[a]] > start)
					start = end[v->after[a]];
				on_plan &= end[v->after[a]] <= plan[v->after[a]];
			}
			if (start < x->now)
				start = x->now;
			/* Predecessors on time: the plan holds; late ones push it. */
			if (on_plan && plan[k] != 0 && x->now <= plan[k])
				end[k] = plan[k];
			else if (calendar_due(x->cal, start, unit_of(b->unit), (int)v->share, 1440,
			    &due) == 0)
				end[k] = due;
		}
		if (end[k] > last)
			last = end[k];
	}
	return last;
}

/* The group's due time by its total limit from the parent's reception. */
static int64_t
total_due(struct dossier_ctx *x, const struct dossier *pd, const struct bundle_def *b)
{
	int64_t due = 0;

	if (pd->received_at == 0 || calendar_due(x->cal, pd->received_at, unit_of(b->unit),
	    (int)b->limit, (int)pd->cutoff_minute, &due) == -1)
		return 0;
	return due;
}

/* Settle the parent after a change of its components: status, reasons,
 * due time.  In the caller's transaction. */
static enum db_rc
settle(struct dossier_ctx *x, int64_t parent_id, const char *parent_code)
{
	struct dossier pd;
	struct bundle_def b;
	struct members ms;
	int64_t due, tdue, due_at;
	int all_ready = 1, rejected = -1, stopped = -1;
	enum dossier_status from;
	enum db_rc rc;
	int changed = 0;

	memset(&b, 0, sizeof(b));
	if ((rc = dossier_load(x, parent_code, &pd)) != DB_OK)
		return rc;
	/* Only a parent the desk has received runs its components: an online
	 * submission, or one awaiting the applicant's supplement at reception,
	 * waits for the desk's receive / supplement (docs/BUNDLE.md §3). */
	if (pd.status != DS_RECEIVED || pd.received_at == 0)
		return DB_OK;
	if ((rc = parent_def_load(x, &pd, &b)) != DB_OK)
		return rc;
	if ((rc = members_load(x, parent_id, &ms)) != DB_OK)
		goto out;
	/* Start every waiting component whose predecessors all have results. */
	for (int i = 0; i < b.n && i < ms.n; i++) {
		const struct bundle_node *v = &b.g.node[i];
		int go = ms.m[i].started_at == 0 && ms.m[i].status == DS_SUBMITTED;

		for (int a = 0; go && a < v->nafter; a++)
			go = ready(ms.m[v->after[a]].status);
		if (go && (rc = start_component(x, &pd, &b, &ms.m[i])) != DB_OK)
			goto out;
	}
	if ((rc = members_load(x, parent_id, &ms)) != DB_OK)
		goto out;
	for (int i = 0; i < ms.n; i++) {
		all_ready &= ready(ms.m[i].status);
		if (ms.m[i].status == DS_REJECTED && rejected < 0)
			rejected = i;
		if ((ms.m[i].status == DS_STOPPED || ms.m[i].status == DS_WITHDRAWN) && stopped < 0)
			stopped = i;
	}
	from = pd.status;
	if (dossier_status_terminal(pd.status) || pd.status == DS_RESULT_READY)
		goto out;
	pd.hand.from_step = pd.step;
	pd.hand.from_unit = pd.agency_name;
	pd.hand.to_step = pd.step;
	pd.hand.to_unit = "";
	pd.hand.to_user_name = "";
	if (rejected >= 0 || stopped >= 0) {
		char *why = arena_printf(x->arena, "%s", "");

		for (int i = 0; i < ms.n; i++)
			if (ms.m[i].status == DS_REJECTED || (rejected < 0 &&
			    (ms.m[i].status == DS_STOPPED || ms.m[i].status == DS_WITHDRAWN)))
				why = arena_printf(x->arena, "%s%s%s (%s): %s", why, why[0] ? "; " : "",
				    b.c[i].name, ms.m[i].agency_name, ms.m[i].reason);
		if (why == NULL) {
			rc = DB_ERROR;
			goto out;
		}
		if ((rc = claim(x, &pd)) != DB_OK || (rc = dossier_step_finish(x, &pd, x->now)) !=
		    DB_OK)
			goto out;
		pd.status = rejected >= 0 ? DS_REJECTED : DS_STOPPED;
		if (rejected >= 0)
			dossier_clock_finish(&pd, x->now);
		pd.closed_at = x->now;
		pd.assignee_id = 0;
		pd.reason = why;
		pd.hand.reason = why;
		pd.hand.to_unit = "Người nộp hồ sơ (qua Bộ phận Một cửa)";
		pd.updated_at = x->now;
		pd.queue_key = dossier_queue_key(&pd);
		if ((rc = dossier_save(x, &pd)) != DB_OK ||
		    (rc = dossier_record(x, &pd, rejected >= 0 ? "reject" : "stop", from, "")) != DB_OK)
			goto out;
		for (int i = 0; i < ms.n; i++)
			if ((rc = stop_component(x, &b, &ms.m[i], arena_printf(x->arena, "Hồ sơ liên "
			    "thông %s kết thúc: %s", pd.code, why))) != DB_OK)
				goto out;
		goto out;
	}
	if (all_ready && ms.n > 0) {
		if ((rc = claim(x, &pd)) != DB_OK || (rc = dossier_step_finish(x, &pd, x->now)) !=
		    DB_OK || (pd.step < pd.nsteps && (rc = dossier_step_start(x, &pd, pd.nsteps,
		    x->now, 0)) != DB_OK))
			goto out;
		pd.status = DS_RESULT_READY;
		dossier_clock_finish(&pd, x->now);
		pd.assignee_id = 0;
		pd.hand.to_step = pd.step;
		pd.hand.to_unit = pd.agency_name;
		pd.hand.detail = json_pack("{s:s}", "result_class", pd.result_class);
		pd.updated_at = x->now;
		pd.queue_key = dossier_queue_key(&pd);
		if ((rc = dossier_save(x, &pd)) != DB_OK ||
		    (rc = dossier_record(x, &pd, "result_ready", from, "")) != DB_OK)
			goto out;
		goto out;
	}
	/* Still open: the due time the applicant is shown. */
	tdue = total_due(x, &pd, &b);
	due = projection(x, &pd, &b, &ms);
	if (tdue > due)
		due = tdue;
	/* After the parent's apology (Mẫu 04) the applicant holds its new
	 * date: the due time shown moves only when the projection passes it. */
	due_at = pd.apologized_at != 0 && pd.due_at > due ? pd.due_at : due;
	if (due != 0 && (due != pd.legal_due_at || due_at != pd.due_at)) {
		if ((rc = claim(x, &pd)) != DB_OK)
			goto out;
		pd.legal_due_at = due;
		pd.due_at = due_at;
		pd.due_soon_at = 0;
		pd.overdue_at = 0;
		pd.updated_at = x->now;
		pd.queue_key = dossier_queue_key(&pd);
		changed = 1;
		if ((rc = dossier_save(x, &pd)) != DB_OK)
			goto out;
	}
	if (changed)
		rc = dossier_outbox(x, &pd, "bundle.due_changed", NULL);
out:
	json_decref(pd.hand.detail);
	pd.hand.detail = NULL;
	bundle_def_free(&b);
	return rc;
}

/* The parent's result was handed over: its components' results with it. */
static enum db_rc
return_members(struct dossier_ctx *x, const struct dossier *pd)
{
	struct members ms;
	enum db_rc rc;

	if ((rc = members_load(x, pd->id, &ms)) != DB_OK)
		return rc;
	for (int i = 0; i < ms.n; i++) {
		struct dossier d;

		if (ms.m[i].status != DS_RESULT_READY)
			continue;
		if ((rc = dossier_load(x, ms.m[i].code, &d)) != DB_OK || (rc = claim(x, &d)) != DB_OK)
			return rc;
		d.hand.from_step = d.step;
		d.hand.from_unit = d.agency_name;
		d.hand.to_step = d.step;
		d.hand.to_unit = "Người nộp hồ sơ";
		d.hand.to_user_name = "";
		if ((rc = dossier_step_finish(x, &d, x->now)) != DB_OK)
			return rc;
		d.status = DS_RETURNED;
		d.returned_at = x->now;
		d.closed_at = x->now;
		d.assignee_id = 0;
		d.updated_at = x->now;
		d.queue_key = dossier_queue_key(&d);
		if ((rc = dossier_save(x, &d)) != DB_OK ||
		    (rc = dossier_record(x, &d, "return_result", DS_RESULT_READY, "Trả cùng hồ sơ "
		    "liên thông")) != DB_OK)
			return rc;
	}
	return DB_OK;
}

/* The parent ended as a whole — withdrawn at the applicant's request
 * (Decree 61 Art. 19: every agency's part goes with it) or refused at
 * reception — so every open component ends with it, in the same
 * transaction: withdrawn, or stopped when the desk refused. */
static enum db_rc
close_members(struct dossier_ctx *x, const struct dossier *pd)
{
	struct bundle_def b;
	struct members ms;
	enum db_rc rc;
	int withdraw = pd->status == DS_WITHDRAWN;
	const char *why;

	if ((rc = parent_def_load(x, pd, &b)) != DB_OK)
		return rc;
	if ((rc = members_load(x, pd->id, &ms)) != DB_OK)
		goto out;
	why = arena_printf(x->arena, withdraw ? "Người nộp rút hồ sơ liên thông %s: %s" :
	    "Hồ sơ liên thông %s bị từ chối tiếp nhận: %s", pd->code, pd->reason ? pd->reason : "");
	if (why == NULL) {
		rc = DB_ERROR;
		goto out;
	}
	for (int i = 0; i < ms.n && i < b.n; i++)
		if (ms.m[i].id != 0 && (rc = close_component(x, &b, &ms.m[i], why,
		    withdraw ? DS_WITHDRAWN : DS_STOPPED, withdraw ? "withdraw" : "stop")) != DB_OK)
			goto out;
out:
	bundle_def_free(&b);
	return rc;
}

enum db_rc
bundle_after_action(struct dossier_ctx *x, struct dossier *d)
{
	struct dossier_ctx s = sys_ctx(x);
	struct role r;
	enum db_rc rc;

	if ((rc = role_of(&s, d->id, &r)) != DB_OK || r.kind == BK_SINGLE)
		return rc;
	if (r.kind == BK_BUNDLE)
		switch (d->status) {
		case DS_RETURNED:
			return return_members(&s, d);
		case DS_RECEIVED:
			/* The desk received it (online, or complete after a Mẫu 02),
			 * or apologised: start what may start, recompute the due time. */
			return settle(&s, d->id, d->code);
		case DS_WITHDRAWN:
		case DS_REFUSED:
			return close_members(&s, d);
		default:
			return DB_OK;
		}
	return settle(&s, r.parent_id, r.parent_code);
}

/* ---- the guard ------------------------------------------------------------------- */

int
bundle_check_action(struct dossier_ctx *x, const struct dossier *d, int action,
    struct dossier_err *err)
{
	struct dossier_ctx s = sys_ctx(x);
	struct bundle_def b;
	struct role r;
	const struct bundle_comp *c;
	int ret = 0;

	if (role_of(&s, d->id, &r) != DB_OK) {
		dossier_err_set(err, PROB_UNAVAILABLE, "Không đọc được hồ sơ liên thông.",
		    "Could not read the interlinked dossier.");
		return -1;
	}
	if (r.kind == BK_SINGLE)
		return 0;
	if (r.kind == BK_BUNDLE) {
		/* The desk's part of the application as a whole: its reception
		 * (receive, Mẫu 02, Mẫu 03, the supplement), the applicant's
		 * withdrawal, the one apology (Mẫu 04) and the hand-over; the
		 * transition table says from which status. */
		switch (action) {
		case DA_RETURN_RESULT:
		case DA_RECEIVE:
		case DA_REQUEST_SUPPLEMENT:
		case DA_REFUSE:
		case DA_SUPPLEMENT:
		case DA_WITHDRAW:
		case DA_APOLOGIZE:
			return 0;
		default:
			break;
		}
		dossier_err_set(err, PROB_UNPROCESSABLE, "Hồ sơ liên thông được giải quyết qua từng "
		    "hồ sơ thành phần của các cơ quan; tại hồ sơ này Bộ phận Một cửa chỉ tiếp nhận, "
		    "yêu cầu bổ sung, từ chối tiếp nhận, rút hồ sơ theo đề nghị của người nộp, xin lỗi "
		    "hẹn lại và trả kết quả.", "An interlinked dossier is handled through its "
		    "component dossiers; here the desk only receives, requests a supplement, refuses, "
		    "withdraws at the applicant's request, apologises and hands the result over.");
		return -1;
	}
	if (r.started_at == 0) {
		dossier_err_set(err, PROB_UNPROCESSABLE, "Thủ tục thành phần này chưa bắt đầu: chờ các "
		    "cơ quan giải quyết trước hoàn thành.", "This component has not started: it waits "
		    "for the agencies before it.");
		return -1;
	}
	if (bundle_def_load(&s, r.bundle_id, NULL, &b) != DB_OK || r.seq < 1 || r.seq > b.n) {
		bundle_def_free(&b);
		dossier_err_set(err, PROB_UNAVAILABLE, "Không đọc được quy trình liên thông.",
		    "Could not read the interlinked process.");
		return -1;
	}
	c = &b.c[r.seq - 1];
	if (c->external[0] != '\0') {
		dossier_err_set(err, PROB_UNPROCESSABLE, "Thủ tục thành phần này do hệ thống %s giải "
		    "quyết; kết quả được gửi về qua API.", "This component is handled in the %s "
		    "system; its outcome comes back through the API.", c->external, c->external);
		ret = -1;
	} else if (action == DA_RETURN_RESULT && !c->release) {
		dossier_err_set(err, PROB_UNPROCESSABLE, "Kết quả của thủ tục thành phần này được trả "
		    "cùng hồ sơ liên thông %s.", "The result of this component is handed over with "
		    "the interlinked dossier %s.", r.parent_code, r.parent_code);
		ret = -1;
	} else if (action == DA_RESULT_READY && json_array_size(c->provides) > 0) {
		json_t *vals = NULL, *p;
		size_t i;

		if (values_json(&s, r.parent_id, &vals) != DB_OK)
			ret = -1;
		json_array_foreach(c->provides, i, p) {
			const char *n = json_string_value(json_object_get(p, "name"));

			if (ret == 0 && n != NULL && json_object_get(vals, n) == NULL) {
				dossier_err_set(err, PROB_UNPROCESSABLE, "Cần ghi \"%s\" (%s) cho các cơ "
				    "quan giải quyết tiếp trước khi có kết quả.", "Record \"%s\" (%s) for "
				    "the agencies that follow before the result is ready.", n,
				    json_string_value(json_object_get(p, "label")), n,
				    json_string_value(json_object_get(p, "label")));
				ret = -1;
			}
		}
		json_decref(vals);
	}
	bundle_def_free(&b);
	return ret;
}

/* ---- views ---------------------------------------------------------------------- */

static json_t *
time_or_null(int64_t t)
{
	return dossier_time_json(t);
}

/* The parent's Mẫu 04: the late components' agencies named when it was
 * given (the history row of `apologize`), and the due time the applicant
 * held before it (the parent's legal due time follows the projection, so
 * the apology's own record of it is the one to print). */
static void
apology_extend(struct dossier_ctx *x, json_t *o)
{
	json_t *ap = json_object_get(o, "apology"), *h, *det = NULL, *prev;
	size_t i;
	int64_t t = 0;

	if (!json_is_object(ap))
		return;
	json_array_foreach(json_object_get(o, "history"), i, h)
		if (json_is_string(json_object_get(h, "action")) &&
		    strcmp(json_string_value(json_object_get(h, "action")), "apologize") == 0)
			det = json_object_get(h, "detail");
	if (det == NULL)
		return;
	json_object_set(ap, "late", json_is_array(json_object_get(det, "late")) ?
	    json_object_get(det, "late") : json_array());
	prev = json_object_get(det, "previous_due_at");
	if (json_is_string(prev) && time_parse_iso(json_string_value(prev), &t) == 0) {
		json_object_set(ap, "original_due_at", prev);
		json_object_set_new(ap, "original_due_at_text",
		    json_string(dossier_time_text(x->arena, t)));
	}
}

enum db_rc
bundle_json_extend(struct dossier_ctx *x, const struct dossier *d, void *op, int public)
{
	struct dossier_ctx s = sys_ctx(x);
	json_t *o = op, *comps;
	struct bundle_def b;
	struct members ms;
	struct role r;
	enum db_rc rc;

	if ((rc = role_of(&s, d->id, &r)) != DB_OK)
		return rc;
	json_object_set_new(o, "kind", json_string(r.kind == BK_BUNDLE ? "bundle" :
	    r.kind == BK_COMPONENT ? "component" : "single"));
	if (r.kind == BK_SINGLE)
		return DB_OK;
	if (r.kind == BK_COMPONENT) {
		if ((rc = bundle_def_load(&s, r.bundle_id, NULL, &b)) != DB_OK)
			return rc;
		if (r.seq >= 1 && r.seq <= b.n)
			json_object_set_new(o, "bundle", json_pack("{s:s, s:s, s:s, s:s, s:o, s:b, s:b}",
			    "code", r.parent_code, "bundle_code", b.code, "name", b.name, "component",
			    b.c[r.seq - 1].key, "external", b.c[r.seq - 1].external[0] ?
			    json_string(b.c[r.seq - 1].external) : json_null(), "release",
			    b.c[r.seq - 1].release, "started", r.started_at != 0));
		bundle_def_free(&b);
		return DB_OK;
	}
	if ((rc = parent_def_load(&s, d, &b)) != DB_OK)
		return rc;
	if ((rc = members_load(&s, d->id, &ms)) != DB_OK)
		goto out;
	comps = json_array();
	for (int i = 0; i < ms.n && i < b.n; i++) {
		const struct member *m = &ms.m[i];
		const struct bundle_node *v = &b.g.node[i];
		int waiting = m->started_at == 0 && m->status == DS_SUBMITTED;
		int runs = dossier_status_clock_runs(m->status);
		json_t *c, *wait = json_array();

		for (int a = 0; waiting && a < v->nafter; a++)
			if (!ready(ms.m[v->after[a]].status))
				json_array_append_new(wait, json_string(b.c[v->after[a]].key));
		c = json_pack("{s:I, s:s, s:s, s:{s:s, s:s}, s:{s:s, s:s}, s:s, s:s, s:I, s:s}",
		    "seq", (json_int_t)m->seq, "key", b.c[i].key, "name", b.c[i].name, "procedure",
		    "code", m->proc_code, "name", m->proc_name, "agency", "code", m->agency_code,
		    "name", m->agency_name, "status", waiting ? "waiting" :
		    dossier_status_name(m->status), "status_label", waiting ? (x->en ? "Waiting for "
		    "the agencies before it" : "Chờ cơ quan trước hoàn thành") :
		    dossier_status_label(m->status, x->en), "share", (json_int_t)b.c[i].share, "unit",
		    b.unit);
		json_object_update_new(c, json_pack("{s:o, s:o, s:o, s:o, s:s, s:b, s:b, s:b, s:o, "
		    "s:o}", "started_at", time_or_null(m->started_at), "due_at",
		    time_or_null(m->started_at ? m->legal_due_at : 0), "finished_at",
		    time_or_null(m->finished_at), "result", m->result_class[0] ?
		    json_string(m->result_class) : json_null(), "result_label", m->result_class[0] ?
		    (strcmp(m->result_class, "early") == 0 ? (x->en ? "early" : "Trước hạn") :
		    strcmp(m->result_class, "on_time") == 0 ? (x->en ? "on time" : "Đúng hạn") :
		    (x->en ? "late" : "Quá hạn")) : "", "result_ready", ready(m->status), "release",
		    b.c[i].release, "overdue", runs && m->legal_due_at != 0 && x->now > m->legal_due_at,
		    "external", b.c[i].external[0] ? json_string(b.c[i].external) : json_null(),
		    "waiting_for", wait));
		if (!public)
			json_object_update_new(c, json_pack("{s:I, s:s, s:o, s:s}", "id",
			    (json_int_t)m->id, "code", m->code, "current_step", m->step >= 1 &&
			    !dossier_status_terminal(m->status) ? json_pack("{s:I, s:s, s:s}", "seq",
			    (json_int_t)m->step, "name", m->step_name, "unit", m->step_unit) : json_null(),
			    "reason", m->reason));
		else if (m->status == DS_REJECTED)
			json_object_set_new(c, "reason", json_string(m->reason));
		json_array_append_new(comps, c);
	}
	json_object_set_new(o, "components", comps);
	json_object_set_new(o, "bundle", json_pack("{s:s, s:s, s:{s:I, s:s}, s:o}", "code", b.code,
	    "name", b.name, "time_limit", "value", (json_int_t)b.limit, "unit", b.unit,
	    "limit_due_at", time_or_null(total_due(&s, d, &b))));
	if (!public) {
		json_t *vals = NULL;

		if ((rc = values_json(&s, d->id, &vals)) == DB_OK)
			json_object_set_new(o, "outputs", vals);
		else
			json_decref(vals);
		apology_extend(x, o);
	}
out:
	bundle_def_free(&b);
	return rc;
}

/* ---- reception -------------------------------------------------------------------- */

static const char *
bstr(json_t *o, const char *key, const char *dflt)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : dflt;
}

/* The agency a component's spec names, seen from the receiving desk. */
static enum db_rc
agency_resolve(struct dossier_ctx *x, const char *spec, int64_t desk, int64_t *id)
{
	enum db_rc rc;

	*id = 0;
	if (strcmp(spec, "desk") == 0) {
		*id = desk;
		return DB_OK;
	}
	if (strcmp(spec, "desk-parent") == 0) {
		rc = db_scalar_int(x->c, STMT_BUN_AGENCY_PARENT, (struct db_param[]){ DB_INT(desk) }, 1,
		    id);
		return rc == DB_OK && *id == 0 ? DB_NOTFOUND : rc;
	}
	if (strncmp(spec, "served:", 7) == 0) {
		int64_t under = 0;

		if ((rc = db_scalar_int(x->c, STMT_BUN_AGENCY_ID, (struct db_param[]){
		    DB_TEXT(spec + 7) }, 1, &under)) != DB_OK)
			return rc;
		return db_scalar_int(x->c, STMT_BUN_SERVED_UNDER, (struct db_param[]){ DB_INT(desk),
		    DB_INT(under) }, 2, id);
	}
	return db_scalar_int(x->c, STMT_BUN_AGENCY_ID, (struct db_param[]){ DB_TEXT(spec) }, 1, id);
}

/* What reception resolved for one component. */
struct plan {
	int64_t proc_id, version_id, version, limit_proc, cutoff;
	int ch_counter, ch_post, ch_online;
	const char *proc_code, *proc_name;
	struct agency_row ag;
	struct dossier_step *steps;
	int64_t nsteps;
};

/* A component the desk handles itself ('desk') must be one it may decide:
 * a version naming lead agencies names the desk or one it is the desk of;
 * one naming none is done at the levels it lists (the desk's tier). */
static enum db_rc
desk_competent(struct dossier_ctx *x, int64_t version_id, int64_t desk, const char *tier,
    const int levels[3], int *ok)
{
	struct db_res *res = NULL;
	int64_t leads[32];
	size_t n = 0;
	enum db_rc rc;
	int k;

	*ok = 0;
	if ((rc = db_exec(x->c, STMT_DOS_PROC_LEADS, (struct db_param[]){ DB_INT(version_id) }, 1,
	    &res)) != DB_OK)
		return rc;
	while ((k = db_res_next(res)) == 1)
		if (n < CORE_NELEM(leads))
			leads[n++] = db_res_int(res, 0);
	rc = k < 0 ? db_res_rc(res) : DB_OK;
	db_res_free(res);
	if (rc != DB_OK)
		return rc;
	if (n == 0) {
		*ok = (strcmp(tier, "province") == 0 || tier[0] == '\0') ? levels[0] :
		    strcmp(tier, "district") == 0 ? levels[1] : strcmp(tier, "commune") == 0 ?
		    levels[2] : 0;
		return DB_OK;
	}
	for (size_t i = 0; i < n && !*ok; i++) {
		int64_t cnt = 0;

		if (leads[i] == desk)
			*ok = 1;
		else if ((rc = db_scalar_int(x->c, STMT_DOS_DESK_FOR, (struct db_param[]){
		    DB_INT(desk), DB_INT(leads[i]) }, 2, &cnt)) != DB_OK)
			return rc;
		else
			*ok = cnt > 0;
	}
	return DB_OK;
}

/* Resolve component i for reception at desk: the version in force, the
 * desk's competence, the agency, the steps.  lite = the version alone (a
 * refusal at reception needs no competence: Mẫu 03 is its answer). */
static enum db_rc
plan_component(struct dossier_ctx *x, const struct bundle_def *b, int i, int64_t desk,
    const char *desk_tier, const char *date, int lite, struct plan *p,
    struct dossier_err *err)
{
	const struct bundle_comp *c = &b->c[i];
	struct db_res *res = NULL;
	int levels[3] = { 0, 0, 0 }, ok = 0;
	enum db_rc rc;
	int k;

	memset(p, 0, sizeof(*p));
	if ((rc = db_exec(x->c, STMT_DOS_PROC_IN_FORCE, (struct db_param[]){ DB_TEXT(c->procedure),
	    DB_TEXT(date) }, 2, &res)) != DB_OK)
		return rc;
	if ((k = db_res_next(res)) == 1) {
		p->proc_id = db_res_int(res, 0);
		p->version_id = db_res_int(res, 1);
		p->version = db_res_int(res, 2);
		p->proc_code = dossier_strdup(x, db_res_text(res, 3));
		p->proc_name = dossier_strdup(x, db_res_text(res, 4));
		p->cutoff = db_res_int(res, 7);
		p->ch_counter = (int)db_res_int(res, 8);
		p->ch_post = (int)db_res_int(res, 9);
		p->ch_online = (int)db_res_int(res, 10);
		levels[0] = (int)db_res_int(res, 11);
		levels[1] = (int)db_res_int(res, 12);
		levels[2] = (int)db_res_int(res, 13);
	}
	while (k == 1)
		k = db_res_next(res);
	db_res_free(res);
	if (k < 0)
		return DB_ERROR;
	if (p->proc_id == 0) {
		dossier_err_set(err, PROB_UNPROCESSABLE, "Thủ tục thành phần %s (%s) không có phiên "
		    "bản đang có hiệu lực ngày %s.", "Component procedure %s (%s) has no version in "
		    "force on %s.", c->procedure, c->key, date, c->procedure, c->key, date);
		return DB_CONSTRAINT;
	}
	if (lite)
		return DB_OK;
	if (strcmp(c->agency, "desk") == 0) {
		if ((rc = desk_competent(x, p->version_id, desk, desk_tier, levels, &ok)) != DB_OK)
			return rc;
		if (!ok) {
			dossier_err_set(err, PROB_UNPROCESSABLE, "Nơi tiếp nhận này không giải quyết thủ "
			    "tục thành phần %s (%s) của nhóm liên thông; hãy hướng dẫn người nộp đến đúng "
			    "nơi tiếp nhận.", "This desk does not decide component %s (%s) of the "
			    "interlinked group; direct the applicant to the right desk.", c->name,
			    c->procedure, c->name, c->procedure);
			dossier_err_param(err, "procedure_code", "Nhóm liên thông không thuộc thẩm quyền "
			    "tiếp nhận của cơ quan.", "Not a group this agency receives.");
			return DB_CONSTRAINT;
		}
	}
	rc = agency_resolve(x, c->agency, desk, &p->ag.id);
	if (rc == DB_OK && p->ag.id != 0)
		rc = dossier_agency_get(x, p->ag.id, &p->ag);
	if (rc == DB_NOTFOUND || (rc == DB_OK && !catalog_agency_code_valid(p->ag.code))) {
		dossier_err_set(err, PROB_UNPROCESSABLE, "Không xác định được cơ quan giải quyết thủ "
		    "tục thành phần %s (%s) từ nơi tiếp nhận này.", "The agency of component %s (%s) "
		    "cannot be determined from this desk.", c->name, c->agency, c->name, c->agency);
		return DB_CONSTRAINT;
	}
	if (rc != DB_OK)
		return rc;
	if ((p->steps = arena_alloc(x->arena, DOS_STEPS_MAX * sizeof(*p->steps))) == NULL)
		return DB_ERROR;
	memset(p->steps, 0, DOS_STEPS_MAX * sizeof(*p->steps));
	if ((rc = db_exec(x->c, STMT_DOS_PROC_STEPS, (struct db_param[]){ DB_INT(p->version_id) },
	    1, &res)) != DB_OK)
		return rc;
	while ((k = db_res_next(res)) == 1)
		if (p->nsteps < DOS_STEPS_MAX) {
			struct dossier_step *t = &p->steps[p->nsteps++];

			t->seq = p->nsteps;
			t->name = dossier_strdup(x, db_res_text(res, 1));
			t->unit = dossier_strdup(x, db_res_text(res, 2));
			t->role = dossier_strdup(x, db_res_text(res, 3));
			t->hours = db_res_int(res, 4);
			t->result_class = "";
		}
	rc = k < 0 ? db_res_rc(res) : DB_OK;
	db_res_free(res);
	if (rc == DB_OK && p->nsteps == 0) {
		p->steps[0] = (struct dossier_step){ .seq = 1, .name = "Giải quyết hồ sơ",
			.unit = p->ag.name, .role = "specialist", .hours = catalog_budget_hours(
			    strcmp(b->unit, "hour") == 0 ? CATALOG_HOURS : CATALOG_DAYS, c->share,
			    catalog_hours_per_day()), .result_class = "" };
		p->nsteps = 1;
	}
	return rc;
}

/* A new code from the agency's daily sequence. */
static enum db_rc
code_new(struct dossier_ctx *x, const struct agency_row *ag, char code[DOSSIER_CODE_LEN + 1],
    char key[DOSSIER_KEY_LEN + 1])
{
	char day[8], period[16];
	int64_t seq = 0;
	enum db_rc rc;

	dossier_code_day(x->now, day);
	snprintf(period, sizeof(period), "d:%s", day);
	if ((rc = dossier_counter_next(x->c, ag->id, period, &seq)) != DB_OK)
		return rc;
	if (seq > DOSSIER_SEQ_MAX || dossier_code_format(ag->code, x->now, seq, code,
	    DOSSIER_CODE_LEN + 1) == -1 || dossier_lookup_key_new(key, DOSSIER_KEY_LEN + 1) == -1)
		return DB_ERROR;
	return DB_OK;
}

/* Insert d (filled by the caller) with the applicant of body and its steps. */
static enum db_rc
insert_row(struct dossier_ctx *x, struct dossier *d, json_t *body)
{
	json_t *ap = json_object_get(body, "applicant");
	enum db_rc rc;

	d->queue_key = dossier_queue_key(d);
	rc = db_scalar_int(x->c, STMT_DOS_INSERT, (struct db_param[]){ DB_TEXT(d->code),
	    DB_TEXT(d->lookup_key), DB_TEXT(dossier_status_name(d->status)), DB_TEXT(d->channel),
	    DB_INT(d->agency_id), DB_INT(d->lead_agency_id), DB_INT(d->procedure_id),
	    DB_INT(d->procedure_version_id), DB_TEXT(d->procedure_code), DB_TEXT(d->procedure_name),
	    DB_INT(d->procedure_version), DB_INT(d->time_limit), DB_TEXT(d->time_unit),
	    DB_INT(d->cutoff_minute), DB_TEXT(bstr(ap, "name", "")),
	    DB_TEXT(bstr(ap, "id_number", "")), DB_TEXT(bstr(ap, "phone", "")),
	    DB_TEXT(bstr(ap, "email", "")), DB_TEXT(bstr(ap, "address", "")),
	    DB_TEXT(d->return_method), DB_INT(d->sets), DB_TEXT(d->note), DB_INT(x->now),
	    DB_INT(d->nsteps), d->receiver_id ? DB_INT(d->receiver_id) : DB_NULL,
	    DB_INT(d->queue_key) }, 26, &d->id);
	for (int64_t i = 0; rc == DB_OK && i < d->nsteps; i++)
		rc = db_exec(x->c, STMT_DOS_STEP_INSERT, (struct db_param[]){ DB_INT(d->id),
		    DB_INT(d->steps[i].seq), DB_TEXT(d->steps[i].name), DB_TEXT(d->steps[i].unit),
		    DB_TEXT(d->steps[i].role), DB_INT(d->steps[i].hours) }, 6, NULL);
	return rc;
}

/* Begin the transaction and claim the Idempotency-Key for (route, caller)
 * when given (src/idem): 1 = go on (in a transaction; ik->key[0] != '\0'
 * when a key was claimed), 0 = answered from the stored answer (ans
 * filled, no transaction), -1 = err filled. */
static int
idem_begin(struct dossier_ctx *x, const char *route, const char *idem_key,
    const char *body_text, struct idem *ik, struct dossier_answer *ans, struct dossier_err *err)
{
	const char *caller;
	enum idem_state st;
	json_t *answer;

	memset(ik, 0, sizeof(*ik));
	if (db_begin(x->c) != DB_OK) {
		dossier_err_set(err, PROB_UNAVAILABLE, "Hệ thống đang bận. Hãy thử lại.",
		    "The system is busy. Try again.");
		return -1;
	}
	if (idem_key == NULL)
		return 1;
	caller = arena_printf(x->arena, "%s:%lld", x->who != NULL &&
	    x->who->kind == PRINCIPAL_TOKEN ? "t" : "u", (long long)(x->who ? x->who->id : 0));
	if (caller == NULL)
		goto fail;
	st = idem_claim(x->c, route, caller, idem_key, body_text,
	    body_text ? strlen(body_text) : 0, x->now, ik);
	if (st == IDEM_NEW)
		return 1;
	if (st == IDEM_ERROR)
		goto fail;
	db_rollback(x->c);
	if (st == IDEM_MISMATCH) {
		dossier_err_set(err, PROB_UNPROCESSABLE, "Idempotency-Key này đã được dùng cho một yêu "
		    "cầu có nội dung khác.", "This Idempotency-Key was used for a request with "
		    "another body.");
		idem_free(ik);
		ik->key[0] = '\0';
		return -1;
	}
	if (st != IDEM_REPLAY || (answer = json_loads(ik->body, 0, NULL)) == NULL) {
		dossier_err_set(err, PROB_CONFLICT, "Yêu cầu với Idempotency-Key này đang được xử lý.",
		    "A request with this Idempotency-Key is in progress.");
		idem_free(ik);
		ik->key[0] = '\0';
		return -1;
	}
	ans->status = ik->status;
	ans->replayed = 1;
	ans->json = answer;
	idem_free(ik);
	ik->key[0] = '\0';
	return 0;
fail:
	db_rollback(x->c);
	idem_free(ik);
	ik->key[0] = '\0';
	dossier_err_set(err, PROB_UNAVAILABLE, "Không ghi được vào cơ sở dữ liệu. Hãy thử lại.",
	    "Could not write to the database. Try again.");
	return -1;
}

/* Attribute each Mẫu 02 item ({name, reason[, component]}, normalised by
 * dossier_missing_parse) of a bundle to its component: the one it names
 * (which must be a key of b), or else the first component whose procedure
 * (the version in force today) lists a document of that name.  The item
 * then carries `component` and `component_name`, so the slip says whose
 * documents are missing; an item matching none concerns the whole
 * application.  0, or -1 with the bad items named in err. */
static int
missing_attribute(struct dossier_ctx *x, const struct bundle_def *b, json_t *items,
    struct dossier_err *err)
{
	json_t *docs[BUNDLE_COMPONENTS_MAX] = { NULL }, *it;
	char date[16];
	size_t i, before = err->n;
	int ret = 0;

	time_format_date(x->now, date);
	json_array_foreach(items, i, it) {
		const char *ck = json_string_value(json_object_get(it, "component"));
		const char *name = json_string_value(json_object_get(it, "name"));
		int k = -1;

		for (int j = 0; ck != NULL && j < b->n && k < 0; j++)
			if (strcmp(b->c[j].key, ck) == 0)
				k = j;
		if (ck != NULL && k < 0) {
			dossier_err_param(err, arena_printf(x->arena, "missing[%zu].component", i),
			    "Nhóm liên thông %s không có thủ tục thành phần \"%s\".", "Interlinked "
			    "group %s has no component \"%s\".", b->code, ck, b->code, ck);
			continue;
		}
		for (int j = 0; ck == NULL && name != NULL && j < b->n && k < 0; j++) {
			json_t *d;
			size_t n;

			if (docs[j] == NULL) {
				struct db_res *res = NULL;
				int r;

				docs[j] = json_array();
				if (db_exec(x->c, STMT_BUN_PROC_DOCS, (struct db_param[]){
				    DB_TEXT(b->c[j].procedure), DB_TEXT(date) }, 2, &res) != DB_OK) {
					ret = -1;
					goto out;
				}
				while ((r = db_res_next(res)) == 1)
					json_array_append_new(docs[j], json_string(db_res_text(res, 0)));
				db_res_free(res);
				if (r < 0) {
					ret = -1;
					goto out;
				}
			}
			json_array_foreach(docs[j], n, d)
				if (strcmp(json_string_value(d), name) == 0) {
					k = j;
					break;
				}
		}
		if (k >= 0) {
			json_object_set_new(it, "component", json_string(b->c[k].key));
			json_object_set_new(it, "component_name", json_string(b->c[k].name));
		}
	}
out:
	for (int j = 0; j < b->n; j++)
		json_decref(docs[j]);
	if (ret == -1)
		dossier_err_set(err, PROB_UNAVAILABLE, "Không đọc được thành phần hồ sơ của các thủ tục.",
		    "Could not read the components' documents.");
	return ret == -1 || err->n > before ? -1 : 0;
}

int
bundle_missing_check(struct dossier_ctx *x, const struct dossier *d, void *itemsp,
    struct dossier_err *err)
{
	json_t *items = itemsp, *it;
	struct dossier_ctx s = sys_ctx(x);
	struct bundle_def b;
	struct role r;
	size_t i, before = err->n;
	int ret;

	memset(&r, 0, sizeof(r));
	if (d != NULL && role_of(&s, d->id, &r) != DB_OK) {
		dossier_err_set(err, PROB_UNAVAILABLE, "Không đọc được hồ sơ liên thông.",
		    "Could not read the interlinked dossier.");
		return -1;
	}
	if (r.kind != BK_BUNDLE) {
		json_array_foreach(items, i, it)
			if (json_object_get(it, "component") != NULL)
				dossier_err_param(err, arena_printf(x->arena, "missing[%zu].component", i),
				    "Chỉ dùng cho hồ sơ liên thông (nhóm thủ tục).", "Only for an "
				    "interlinked dossier (a group of procedures).");
		return err->n > before ? -1 : 0;
	}
	if (parent_def_load(&s, d, &b) != DB_OK) {
		bundle_def_free(&b);
		dossier_err_set(err, PROB_UNAVAILABLE, "Không đọc được quy trình liên thông.",
		    "Could not read the interlinked process.");
		return -1;
	}
	ret = missing_attribute(&s, &b, items, err);
	bundle_def_free(&b);
	return ret;
}

/* The components late by the clock when the parent apologises (Decree 61
 * Art. 19.9: the agency at fault is named): finished late, still running
 * past their own due time, or having apologised for their share. */
int
bundle_apology_late(struct dossier_ctx *x, const struct dossier *d, void *detailp,
    struct dossier_err *err)
{
	struct dossier_ctx s = sys_ctx(x);
	struct bundle_def b;
	struct members ms;
	struct role r;
	json_t *late;
	int ret = -1;

	if (role_of(&s, d->id, &r) != DB_OK) {
		dossier_err_set(err, PROB_UNAVAILABLE, "Không đọc được hồ sơ liên thông.",
		    "Could not read the interlinked dossier.");
		return -1;
	}
	if (r.kind != BK_BUNDLE)
		return 0;
	if (parent_def_load(&s, d, &b) != DB_OK || members_load(&s, d->id, &ms) != DB_OK) {
		bundle_def_free(&b);
		dossier_err_set(err, PROB_UNAVAILABLE, "Không đọc được hồ sơ liên thông.",
		    "Could not read the interlinked dossier.");
		return -1;
	}
	late = json_array();
	for (int i = 0; i < ms.n && i < b.n; i++) {
		const struct member *m = &ms.m[i];
		const char *why = strcmp(m->result_class, "late") == 0 ? "finished_late" :
		    dossier_status_clock_runs(m->status) && m->legal_due_at != 0 &&
		    x->now > m->legal_due_at ? "overdue" : m->apologized_at != 0 ? "apologized" : NULL;

		if (why != NULL)
			json_array_append_new(late, json_pack("{s:s, s:s, s:s, s:{s:s, s:s}}",
			    "component", b.c[i].key, "name", b.c[i].name, "why", why, "agency", "code",
			    m->agency_code, "name", m->agency_name));
	}
	if (json_array_size(late) == 0) {
		dossier_err_set(err, PROB_UNPROCESSABLE, "Chưa có cơ quan nào giải quyết quá hạn phần "
		    "việc của mình: Phiếu xin lỗi (Mẫu 04) của hồ sơ liên thông nêu cơ quan làm chậm. "
		    "Cơ quan thấy sẽ không kịp hạn thì xin lỗi, hẹn lại trên hồ sơ thành phần của mình "
		    "trước.", "No agency is late with its part: the interlinked dossier's apology "
		    "(Form 04) names the agency at fault. An agency that will miss its share "
		    "apologises on its own component dossier first.");
		json_decref(late);
		goto out;
	}
	json_object_set_new(detailp, "late", late);
	ret = 0;
out:
	bundle_def_free(&b);
	return ret;
}

int
bundle_receive(struct dossier_ctx *x, void *bodyp, const char *idem_key, const char *body_text,
    struct dossier_answer *ans, struct dossier_err *err)
{
	static const char *const onames[DO__MAX] = { "received", "incomplete", "refused",
		"submitted" };
	static const char *const oaction[DO__MAX] = { "receive", "request_supplement", "refuse",
		"submit" };
	json_t *body = bodyp, *answer = NULL, *receipt = NULL, *missing = NULL;
	struct bundle_def b;
	struct plan plans[BUNDLE_COMPONENTS_MAX];
	struct agency_row desk;
	struct dossier pd;
	struct dossier_ctx s = sys_ctx(x);
	char date[16], code[DOSSIER_CODE_LEN + 1], key[DOSSIER_KEY_LEN + 1];
	struct idem ik = { 0 };
	const char *channel = bstr(body, "channel", ""), *outcome;
	enum dossier_outcome o;
	int order[BUNDLE_COMPONENTS_MAX], cyc, began = 0, ret = -1, k, online;
	enum db_rc rc = DB_OK;
	char *text = NULL;

	memset(ans, 0, sizeof(*ans));
	memset(&pd, 0, sizeof(pd));
	memset(&desk, 0, sizeof(desk));
	memset(plans, 0, sizeof(plans));
	/* The body was validated by the dossier slice (intake_parse): an online
	 * submission has no outcome, the others received / incomplete (with
	 * `missing`) / refused (with `reason`). */
	online = strcmp(channel, "online") == 0;
	outcome = bstr(body, "outcome", online ? "submitted" : "received");
	o = strcmp(outcome, "incomplete") == 0 ? DO_INCOMPLETE : strcmp(outcome, "refused") == 0 ?
	    DO_REFUSED : strcmp(outcome, "submitted") == 0 ? DO_SUBMITTED : DO_RECEIVED;
	if ((rc = bundle_def_load(x, 0, bstr(body, "procedure_code", ""), &b)) != DB_OK)
		goto db_fail;
	if (b.n == 0) {
		dossier_err_param(err, "procedure_code", "Nhóm liên thông %s chưa có quy trình (các thủ "
		    "tục thành phần); chưa tiếp nhận được.", "Interlinked group %s has no process "
		    "(component procedures) yet; it cannot be received.", b.code, b.code);
		goto out;
	}
	if (x->cal == NULL) {
		dossier_err_set(err, PROB_UNAVAILABLE, "Lịch làm việc chưa sẵn sàng.",
		    "The working-day calendar is not loaded.");
		goto out;
	}
	time_format_date(x->now, date);
	/* The receiving desk is the caller's agency: the official's, or the
	 * portal token's for an online submission, exactly as for a single
	 * dossier (docs/BUNDLE.md §3). */
	if ((rc = dossier_agency_get(x, x->who->agency_id, &desk)) != DB_OK)
		goto db_fail;
	if (!catalog_agency_code_valid(desk.code)) {
		dossier_err_set(err, PROB_UNPROCESSABLE, "Mã định danh của cơ quan tiếp nhận (%s) "
		    "không theo QCVN 102, không cấp được mã hồ sơ.", "The receiving agency's "
		    "identifier (%s) is not a QCVN 102 code; no dossier code can be issued.",
		    desk.code, desk.code);
		goto out;
	}
	if (bundle_graph_order(&b.g, order, &cyc) == -1) {
		rc = DB_ERROR;
		goto db_fail;
	}
	/* A refusal needs the lead version alone; every other outcome creates
	 * the components, so every one must resolve from this desk. */
	for (int i = 0; i < b.n; i++) {
		if (o == DO_REFUSED && i != order[0])
			continue;
		if ((rc = plan_component(x, &b, i, desk.id, desk.tier, date, o == DO_REFUSED,
		    &plans[i], err)) == DB_CONSTRAINT)
			goto out;
		else if (rc != DB_OK)
			goto db_fail;
	}
	if (online)
		for (int i = 0; i < b.n; i++)
			if (!plans[i].ch_online) {
				dossier_err_param(err, "channel", "Thủ tục thành phần %s (%s) không nhận hồ sơ "
				    "trực tuyến; nhóm liên thông này chỉ nộp tại Bộ phận Một cửa hoặc qua "
				    "bưu chính.", "Component %s (%s) takes no online applications; this group "
				    "is submitted at the desk or by post.", b.c[i].name, b.c[i].procedure,
				    b.c[i].name, b.c[i].procedure);
				goto out;
			}
	if (o == DO_INCOMPLETE && (dossier_missing_parse(json_object_get(body, "missing"),
	    "missing", &missing, err) == -1 || missing_attribute(x, &b, missing, err) == -1))
		goto out;

	k = idem_begin(x, "dossier.create", idem_key, body_text, &ik, ans, err);
	if (k <= 0) {
		ret = k == 0 ? 0 : -1;
		goto out;
	}
	began = 1;

	/* The parent: the desk's code and lookup key; for a complete one the
	 * receipt and the register number. */
	if ((rc = code_new(x, &desk, code, key)) != DB_OK)
		goto db_fail;
	pd.code = dossier_strdup(x, code);
	pd.lookup_key = dossier_strdup(x, key);
	pd.version = 1;
	pd.status = dossier_outcome_status(o);
	pd.channel = channel;
	pd.agency_id = desk.id;
	pd.agency_code = desk.code;
	pd.agency_name = desk.name;
	pd.lead_agency_id = desk.id;
	pd.procedure_id = plans[order[0]].proc_id;
	pd.procedure_version_id = plans[order[0]].version_id;
	pd.procedure_code = b.code;
	pd.procedure_name = b.name;
	pd.procedure_version = 1;
	pd.time_limit = b.limit;
	pd.time_unit = b.unit;
	pd.cutoff_minute = -1;
	pd.return_method = bstr(body, "return_method", "counter");
	pd.sets = json_is_integer(json_object_get(body, "sets")) ?
	    json_integer_value(json_object_get(body, "sets")) : 1;
	pd.note = bstr(body, "note", "");
	pd.receiver_id = dossier_actor_id(x);
	pd.created_at = pd.updated_at = x->now;
	pd.reason = pd.apology_reason = pd.result_class = "";
	pd.nsteps = 2;
	if ((pd.steps = arena_alloc(x->arena, 2 * sizeof(*pd.steps))) == NULL) {
		rc = DB_ERROR;
		goto db_fail;
	}
	pd.steps[0] = (struct dossier_step){ .seq = 1, .name = "Giải quyết liên thông giữa các cơ "
		"quan", .unit = desk.name, .role = "receiver", .hours = catalog_budget_hours(
		    strcmp(b.unit, "hour") == 0 ? CATALOG_HOURS : CATALOG_DAYS, b.limit,
		    catalog_hours_per_day()), .result_class = "" };
	pd.steps[1] = (struct dossier_step){ .seq = 2, .name = "Trả kết quả", .unit = "Bộ phận Một "
		"cửa", .role = "receiver", .hours = 4, .result_class = "" };
	if ((rc = insert_row(x, &pd, body)) != DB_OK ||
	    (rc = db_exec(x->c, STMT_BUN_SET_KIND, (struct db_param[]){ DB_INT(pd.id),
	    DB_TEXT("bundle"), DB_NULL }, 3, NULL)) != DB_OK ||
	    (rc = dossier_documents_write(x, pd.id, json_object_get(body, "documents"), x->now)) !=
	    DB_OK)
		goto db_fail;
	pd.hand.to_unit = desk.name;
	switch (o) {
	case DO_RECEIVED:
		if (dossier_clock_start(x, &pd, x->now, err) == -1)
			goto out;
		if ((rc = dossier_register_assign(x, &pd)) != DB_OK ||
		    (rc = dossier_step_start(x, &pd, 1, x->now, pd.receiver_id)) != DB_OK)
			goto db_fail;
		pd.assignee_id = pd.receiver_id;
		pd.hand.to_step = 1;
		pd.hand.detail = json_pack("{s:s, s:i}", "bundle", b.code, "components", b.n);
		break;
	case DO_INCOMPLETE:
		/* Mẫu 02 for the whole application: one list, once, each item
		 * attributed to its component.  The parent waits; so do the
		 * components, until the desk takes the complete application
		 * (`supplement` on the parent). */
		if ((text = json_dumps(missing, JSON_COMPACT)) == NULL) {
			rc = DB_ERROR;
			goto db_fail;
		}
		if ((rc = db_exec(x->c, STMT_DOS_SUPP_INSERT, (struct db_param[]){ DB_INT(pd.id),
		    DB_TEXT("reception"), DB_INT(x->now), pd.receiver_id ? DB_INT(pd.receiver_id) :
		    DB_NULL, DB_TEXT(dossier_actor_name(x)), DB_TEXT(text), DB_TEXT(pd.note) }, 7,
		    NULL)) != DB_OK)
			goto db_fail;
		free(text);
		text = NULL;
		pd.supplement_requests = 1;
		pd.hand.to_unit = "Người nộp hồ sơ";
		pd.hand.detail = json_pack("{s:O, s:s, s:s}", "missing", missing, "phase",
		    "reception", "bundle", b.code);
		break;
	case DO_REFUSED:
		/* Mẫu 03 for the group: no component is created. */
		pd.reason = bstr(body, "reason", "");
		pd.hand.reason = pd.reason;
		pd.closed_at = x->now;
		pd.hand.to_unit = "Người nộp hồ sơ";
		pd.hand.detail = json_pack("{s:s}", "bundle", b.code);
		break;
	default:
		/* Online: awaiting the desk's receive / request_supplement /
		 * refuse on the parent. */
		pd.hand.detail = json_pack("{s:s, s:i}", "bundle", b.code, "components", b.n);
		break;
	}
	pd.queue_key = dossier_queue_key(&pd);
	if ((rc = dossier_save(x, &pd)) != DB_OK ||
	    (rc = dossier_record(x, &pd, oaction[o], DS__MAX, pd.note)) != DB_OK)
		goto db_fail;

	/* One component dossier per procedure, each waiting for its start. */
	for (int i = 0; i < b.n && o != DO_REFUSED; i++) {
		struct plan *p = &plans[i];
		struct dossier cd;

		memset(&cd, 0, sizeof(cd));
		if ((rc = code_new(x, &p->ag, code, key)) != DB_OK)
			goto db_fail;
		cd.code = dossier_strdup(x, code);
		cd.lookup_key = dossier_strdup(x, key);
		cd.version = 1;
		cd.status = DS_SUBMITTED;
		cd.channel = channel;
		cd.agency_id = cd.lead_agency_id = p->ag.id;
		cd.agency_code = p->ag.code;
		cd.agency_name = p->ag.name;
		cd.procedure_id = p->proc_id;
		cd.procedure_version_id = p->version_id;
		cd.procedure_code = p->proc_code;
		cd.procedure_name = p->proc_name;
		cd.procedure_version = p->version;
		cd.time_limit = b.c[i].share; /* the agency's share is its limit */
		cd.time_unit = b.unit;
		/* A hand-over between agencies has no cut-off: the share runs from
		 * the start, so the shares add up to the group's limit.  The first
		 * components start with the reception and keep its cut-off. */
		cd.cutoff_minute = b.g.node[i].nafter > 0 ? 1440 : p->cutoff;
		cd.return_method = pd.return_method;
		cd.sets = pd.sets;
		cd.note = "";
		cd.receiver_id = pd.receiver_id;
		cd.created_at = cd.updated_at = x->now;
		cd.reason = cd.apology_reason = cd.result_class = "";
		cd.steps = p->steps;
		cd.nsteps = p->nsteps;
		cd.hand.to_unit = p->ag.name;
		cd.hand.detail = json_pack("{s:s, s:s}", "bundle", pd.code, "component", b.c[i].key);
		if ((rc = insert_row(x, &cd, body)) != DB_OK ||
		    (rc = db_exec(x->c, STMT_BUN_SET_KIND, (struct db_param[]){ DB_INT(cd.id),
		    DB_TEXT("component"), DB_INT(pd.id) }, 3, NULL)) != DB_OK ||
		    (rc = db_exec(x->c, STMT_BUN_MEMBER_INSERT, (struct db_param[]){ DB_INT(cd.id),
		    DB_INT(pd.id), DB_INT(b.id), DB_INT(b.c[i].seq) }, 4, NULL)) != DB_OK ||
		    (rc = dossier_record(x, &cd, "submit", DS__MAX, "")) != DB_OK) {
			json_decref(cd.hand.detail);
			goto db_fail;
		}
	}
	/* Received: the first components start now; the due time follows the
	 * graph.  (settle leaves a parent not received alone.) */
	if ((rc = settle(&s, pd.id, pd.code)) != DB_OK)
		goto db_fail;

	if ((rc = dossier_load(x, pd.code, &pd)) != DB_OK ||
	    (rc = dossier_receipt_json(x, &pd, &receipt)) != DB_OK)
		goto db_fail;
	answer = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, "
	    "s:o}", "code", pd.code, "lookup_key", pd.lookup_key, "kind", "bundle", "status",
	    dossier_status_name(pd.status), "status_label", dossier_status_label(pd.status, x->en),
	    "outcome", onames[o], "version", (json_int_t)pd.version, "received_at",
	    dossier_time_json(pd.received_at), "due_at", dossier_time_json(pd.due_at),
	    "legal_due_at", dossier_time_json(pd.legal_due_at), "register_no",
	    pd.register_seq ? json_string(arena_printf(x->arena, "%lld/%s",
	    (long long)pd.register_seq, pd.register_book)) : json_null(), "register",
	    pd.register_seq ? json_pack("{s:s, s:I}", "book", pd.register_book, "number",
	    (json_int_t)pd.register_seq) : json_null(), "procedure", json_pack("{s:s, s:s, s:I}",
	    "code", pd.procedure_code, "name", pd.procedure_name, "version", (json_int_t)1),
	    "agency", json_pack("{s:s, s:s}", "code", pd.agency_code, "name", pd.agency_name),
	    "receipt", receipt);
	receipt = NULL;
	if (answer == NULL || (rc = bundle_json_extend(x, &pd, answer, 0)) != DB_OK) {
		rc = DB_ERROR;
		goto db_fail;
	}
	if ((rc = idem_store_json(x->c, &ik, 201, answer)) != DB_OK)
		goto db_fail;
	if ((rc = db_commit(x->c)) != DB_OK)
		goto db_fail;
	began = 0;
	log_msg(LOG_INFO, x->request_id, "bundle", "action=%s components=%d", oaction[o], b.n);
	ans->status = 201;
	ans->json = answer;
	answer = NULL;
	ret = 0;
	goto out;
db_fail:
	if (rc == DB_BUSY || rc == DB_CONFLICT)
		dossier_err_set(err, PROB_UNAVAILABLE, "Hệ thống đang bận, hồ sơ chưa được ghi. Hãy "
		    "thử lại.", "The system is busy; the dossier was not recorded. Try again.");
	else
		dossier_err_set(err, PROB_UNAVAILABLE, "Không ghi được hồ sơ liên thông vào cơ sở dữ "
		    "liệu; hồ sơ chưa được tiếp nhận. Hãy thử lại.", "The interlinked dossier could "
		    "not be written; it was not received. Try again.");
out:
	if (began)
		db_rollback(x->c);
	json_decref(pd.hand.detail);
	json_decref(answer);
	json_decref(receipt);
	json_decref(missing);
	bundle_def_free(&b);
	free(text);
	return ret;
}

/* ---- outputs and external outcomes ------------------------------------------------ */

/* Load component id of bundle dossier code through the system scope:
 * 0, or -1 with a 404 in err. */
static int
component_of(struct dossier_ctx *s, const char *code, int64_t id, struct dossier *d,
    struct role *r, struct bundle_def *b, struct dossier_err *err)
{
	struct db_res *res = NULL;
	const char *ccode = NULL;
	int k;

	memset(b, 0, sizeof(*b));
	if (db_exec(s->c, STMT_BUN_CODE_OF, (struct db_param[]){ DB_INT(id) }, 1, &res) == DB_OK) {
		if ((k = db_res_next(res)) == 1)
			ccode = dossier_strdup(s, db_res_text(res, 0));
		db_res_free(res);
	}
	if (ccode == NULL || role_of(s, id, r) != DB_OK || r->kind != BK_COMPONENT ||
	    strcmp(r->parent_code, code) != 0 || dossier_load(s, ccode, d) != DB_OK ||
	    bundle_def_load(s, r->bundle_id, NULL, b) != DB_OK || r->seq < 1 || r->seq > b->n) {
		dossier_err_set(err, PROB_NOT_FOUND, "Không có thủ tục thành phần %lld của hồ sơ liên "
		    "thông %s.", "No component %lld in interlinked dossier %s.", (long long)id, code,
		    (long long)id, code);
		return -1;
	}
	return 0;
}

/* Store outputs {name: value} the component provides; every member must
 * be one of its outputs.  all = every output required. */
static int
outputs_store(struct dossier_ctx *x, const struct role *r, const struct bundle_comp *c,
    int64_t comp_id, json_t *outs, int all, struct dossier_err *err)
{
	const char *name;
	json_t *v, *p;
	size_t i;

	if (outs != NULL && !json_is_object(outs)) {
		dossier_err_param(err, "outputs", "Cần đối tượng {tên: giá trị}.",
		    "Must be an object {name: value}.");
		return -1;
	}
	json_object_foreach(outs, name, v) {
		int known = 0;

		json_array_foreach(c->provides, i, p)
			known |= strcmp(json_string_value(json_object_get(p, "name")), name) == 0;
		if (!known || !json_is_string(v) || !dossier_text_ok(json_string_value(v), 1, 200, 0))
			dossier_err_param(err, arena_printf(x->arena, "outputs.%.40s", name),
			    known ? "Cần giá trị 1–200 ký tự." : "Thủ tục thành phần này không cung cấp "
			    "kết quả này.", known ? "A value of 1–200 characters is required." :
			    "This component provides no such output.");
	}
	json_array_foreach(c->provides, i, p) {
		const char *n = json_string_value(json_object_get(p, "name"));

		if (all && json_object_get(outs, n) == NULL)
			dossier_err_param(err, arena_printf(x->arena, "outputs.%s", n), "Cần ghi kết quả "
			    "này cho cơ quan giải quyết tiếp.", "This output is required by the agencies "
			    "that follow.");
	}
	if (err->n > 0)
		return -1;
	json_object_foreach(outs, name, v)
		if (db_exec(x->c, STMT_BUN_VALUE_SET, (struct db_param[]){ DB_INT(r->parent_id),
		    DB_TEXT(name), DB_TEXT(json_string_value(v)), DB_INT(comp_id), DB_INT(x->now) }, 5,
		    NULL) != DB_OK) {
			dossier_err_set(err, PROB_UNAVAILABLE, "Không ghi được kết quả.",
			    "Could not write the outputs.");
			return -1;
		}
	return 0;
}

int
bundle_outputs(struct dossier_ctx *x, const char *code, int64_t id, json_t *body, json_t **out,
    struct dossier_err *err)
{
	struct dossier_ctx s = sys_ctx(x);
	struct dossier d, pd;
	struct role r;
	struct bundle_def b;
	int ret = -1, in;
	json_t *vals = NULL;

	*out = NULL;
	memset(&b, 0, sizeof(b));
	if (!json_is_object(body) || json_object_size(body) != 1 ||
	    !json_is_object(json_object_get(body, "outputs"))) {
		dossier_err_param(err, "outputs", "Cần {\"outputs\": {tên: giá trị}}.",
		    "Must be {\"outputs\": {name: value}}.");
		return -1;
	}
	if (db_begin(x->c) != DB_OK) {
		dossier_err_set(err, PROB_UNAVAILABLE, "Hệ thống đang bận.", "The system is busy.");
		return -1;
	}
	if (component_of(&s, code, id, &d, &r, &b, err) == -1)
		goto out;
	/* Staff of the component's agency only (the same 404 otherwise). */
	if ((in = auth_scope_contains(x->c, &x->scope, d.agency_id)) != 1) {
		dossier_err_set(err, in == 0 ? PROB_NOT_FOUND : PROB_UNAVAILABLE, "Không có thủ tục "
		    "thành phần %lld của hồ sơ liên thông %s.", "No component %lld in interlinked "
		    "dossier %s.", (long long)id, code, (long long)id, code);
		goto out;
	}
	if (r.started_at == 0 || (d.status != DS_RECEIVED && d.status != DS_PROCESSING)) {
		dossier_err_set(err, PROB_UNPROCESSABLE, "Chỉ ghi kết quả khi thủ tục thành phần đang "
		    "được giải quyết.", "Outputs are recorded while the component is being handled.");
		goto out;
	}
	if (outputs_store(x, &r, &b.c[r.seq - 1], d.id, json_object_get(body, "outputs"), 0, err)
	    == -1)
		goto out;
	memset(&pd, 0, sizeof(pd));
	if (dossier_audit(x, &d, "bundle.outputs", json_pack("{s:s, s:O}", "bundle", code,
	    "outputs", json_object_get(body, "outputs"))) != DB_OK ||
	    values_json(x, r.parent_id, &vals) != DB_OK || db_commit(x->c) != DB_OK) {
		dossier_err_set(err, PROB_UNAVAILABLE, "Không ghi được kết quả.",
		    "Could not write the outputs.");
		goto out;
	}
	*out = json_pack("{s:s, s:I, s:O}", "bundle", code, "component_id", (json_int_t)id,
	    "outputs", vals);
	ret = 0;
out:
	if (ret != 0)
		db_rollback(x->c);
	json_decref(vals);
	bundle_def_free(&b);
	return ret;
}

int
bundle_outcome(struct dossier_ctx *x, const char *code, int64_t id, json_t *body,
    const char *idem_key, const char *body_text, struct dossier_answer *ans,
    struct dossier_err *err)
{
	static const char *const keys[] = { "outcome", "reason", "outputs", "reference", "note",
		NULL };
	struct dossier_ctx s = sys_ctx(x);
	struct dossier d;
	struct role r;
	struct bundle_def b;
	struct scope mine;
	const char *outcome, *reason, *key, *ref;
	json_t *v, *answer = NULL, *pstate = NULL;
	enum dossier_status from;
	struct idem ik = { 0 };
	int began = 0, ret = -1, k;
	enum db_rc rc = DB_OK;

	memset(ans, 0, sizeof(*ans));
	memset(&b, 0, sizeof(b));
	memset(&d, 0, sizeof(d));
	if (!json_is_object(body)) {
		dossier_err_set(err, PROB_INVALID_JSON, "Nội dung yêu cầu phải là một đối tượng JSON.",
		    "The body must be a JSON object.");
		return -1;
	}
	json_object_foreach(body, key, v) {
		int ok = 0;

		for (size_t i = 0; keys[i] != NULL && !ok; i++)
			ok = strcmp(keys[i], key) == 0;
		if (!ok)
			dossier_err_param(err, arena_printf(x->arena, "%.60s", key), "Trường không được "
			    "hỗ trợ.", "Unknown member.");
	}
	outcome = bstr(body, "outcome", "");
	if (strcmp(outcome, "result_ready") != 0 && strcmp(outcome, "rejected") != 0)
		dossier_err_param(err, "outcome", "Cần result_ready (đã có kết quả) hoặc rejected "
		    "(không đủ điều kiện, nêu lý do).", "Must be result_ready or rejected (with the "
		    "reason).");
	reason = bstr(body, "reason", NULL);
	if (strcmp(outcome, "rejected") == 0 && (reason == NULL || !dossier_text_ok(reason, 1,
	    DOS_TEXT_MAX, 1)))
		dossier_err_param(err, "reason", "Cần nêu lý do từ chối (1–%d ký tự).",
		    "The reason is required (1–%d characters).", DOS_TEXT_MAX, DOS_TEXT_MAX);
	ref = bstr(body, "reference", "");
	if (!dossier_text_ok(ref, 0, 100, 0))
		dossier_err_param(err, "reference", "Số tham chiếu tối đa 100 ký tự.",
		    "A reference of at most 100 characters.");
	if (json_object_get(body, "note") != NULL && (!json_is_string(json_object_get(body,
	    "note")) || !dossier_text_ok(bstr(body, "note", ""), 0, DOS_TEXT_MAX, 1)))
		dossier_err_param(err, "note", "Ghi chú tối đa %d ký tự.", "A note of at most %d "
		    "characters.", DOS_TEXT_MAX, DOS_TEXT_MAX);
	if (err->n > 0)
		return -1;
	if (x->who == NULL || x->who->kind != PRINCIPAL_TOKEN || x->who->agency_id == 0) {
		dossier_err_set(err, PROB_FORBIDDEN, "Kết quả thủ tục thành phần do hệ thống của cơ "
		    "quan gửi về bằng mã truy cập API của cơ quan đó.", "A component's outcome comes "
		    "from the agency's system with that agency's API token.");
		return -1;
	}
	if (x->cal == NULL) {
		dossier_err_set(err, PROB_UNAVAILABLE, "Lịch làm việc chưa sẵn sàng.",
		    "The working-day calendar is not loaded.");
		return -1;
	}
	k = idem_begin(x, "bundle.outcome", idem_key, body_text, &ik, ans, err);
	if (k <= 0)
		return k == 0 ? 0 : -1;
	began = 1;
	if (component_of(&s, code, id, &d, &r, &b, err) == -1)
		goto out;
	mine.all = 0;
	mine.root = x->who->agency_id;
	if ((k = auth_scope_contains(x->c, &mine, d.agency_id)) != 1) {
		if (k == -1) {
			rc = DB_ERROR;
			goto db_fail;
		}
		dossier_err_set(err, PROB_FORBIDDEN, "Mã truy cập này không thuộc cơ quan giải quyết "
		    "thủ tục thành phần (%s).", "This token does not belong to the component's agency "
		    "(%s).", d.agency_name, d.agency_name);
		goto out;
	}
	if (b.c[r.seq - 1].external[0] == '\0') {
		dossier_err_set(err, PROB_UNPROCESSABLE, "Thủ tục thành phần này được giải quyết trong "
		    "motcua, không nhận kết quả từ hệ thống ngoài.", "This component is handled in "
		    "motcua; it takes no outcome from another system.");
		goto out;
	}
	if (r.started_at == 0 || (d.status != DS_RECEIVED && d.status != DS_PROCESSING)) {
		dossier_err_set(err, PROB_CONFLICT, "Thủ tục thành phần đang ở trạng thái \"%s\": không "
		    "nhận kết quả (chưa bắt đầu, hoặc đã có kết quả).", "The component is \"%s\": no "
		    "outcome is taken (not started, or it has one already).",
		    r.started_at == 0 ? "chờ" : dossier_status_label(d.status, 0),
		    r.started_at == 0 ? "waiting" : dossier_status_name(d.status));
		goto out;
	}
	if (outputs_store(x, &r, &b.c[r.seq - 1], d.id, json_object_get(body, "outputs"),
	    strcmp(outcome, "result_ready") == 0, err) == -1)
		goto out;
	if ((rc = claim(x, &d)) != DB_OK)
		goto db_fail;
	from = d.status;
	d.hand.from_step = d.step;
	d.hand.from_unit = d.agency_name;
	d.hand.to_step = d.step;
	d.hand.to_unit = d.agency_name;
	d.hand.to_user_name = "";
	if ((rc = dossier_step_finish(x, &d, x->now)) != DB_OK)
		goto db_fail;
	dossier_clock_finish(&d, x->now);
	d.assignee_id = 0;
	if (strcmp(outcome, "rejected") == 0) {
		d.status = DS_REJECTED;
		d.closed_at = x->now;
		d.reason = reason;
		d.hand.reason = reason;
		d.hand.to_unit = "Người nộp hồ sơ (qua Bộ phận Một cửa)";
	} else
		d.status = DS_RESULT_READY;
	d.hand.detail = json_pack("{s:s, s:s, s:s, s:s}", "external", b.c[r.seq - 1].external,
	    "reference", ref, "result_class", d.result_class, "bundle", code);
	d.updated_at = x->now;
	d.queue_key = dossier_queue_key(&d);
	if ((rc = dossier_save(x, &d)) != DB_OK ||
	    (rc = dossier_record(x, &d, strcmp(outcome, "rejected") == 0 ? "reject" :
	    "result_ready", from, bstr(body, "note", ""))) != DB_OK ||
	    (rc = settle(&s, r.parent_id, r.parent_code)) != DB_OK)
		goto db_fail;
	{
		struct dossier pd;

		if ((rc = dossier_load(&s, r.parent_code, &pd)) != DB_OK)
			goto db_fail;
		pstate = json_pack("{s:s, s:s, s:o}", "code", pd.code, "status",
		    dossier_status_name(pd.status), "due_at", dossier_time_json(pd.due_at));
	}
	answer = json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:o}", "bundle", code, "component_id",
	    (json_int_t)d.id, "component", b.c[r.seq - 1].key, "status",
	    dossier_status_name(d.status), "result", d.result_class, "agency", d.agency_code,
	    "bundle_state", pstate);
	pstate = NULL;
	if (answer == NULL) {
		rc = DB_ERROR;
		goto db_fail;
	}
	if ((rc = idem_store_json(x->c, &ik, 200, answer)) != DB_OK)
		goto db_fail;
	if ((rc = db_commit(x->c)) != DB_OK)
		goto db_fail;
	began = 0;
	log_msg(LOG_INFO, x->request_id, "bundle", "action=outcome outcome=%s", outcome);
	ans->status = 200;
	ans->json = answer;
	answer = NULL;
	ret = 0;
	goto out;
db_fail:
	dossier_err_set(err, rc == DB_CONFLICT ? PROB_CONFLICT : PROB_UNAVAILABLE, "Không ghi được "
	    "kết quả. Hãy thử lại.", "The outcome could not be written. Try again.");
out:
	if (began)
		db_rollback(x->c);
	json_decref(d.hand.detail);
	json_decref(answer);
	json_decref(pstate);
	bundle_def_free(&b);
	return ret;
}

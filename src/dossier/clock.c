/*
 * The legal clock (DOMAIN §3): the due time from the calendar and the
 * procedure's limit and cut-off at reception, the restart after a complete
 * supplement, per-step due times from the steps' budgets in working hours,
 * and early / on time / late classification (Circular 01/2018 Art. 13).
 * The arithmetic itself is src/calendar's; this file applies it.
 */
#include <string.h>

#include "dossier_int.h"

int64_t
dossier_workday_seconds(struct calendar *cal)
{
	struct calendar_hours h;
	int64_t s = 0;

	if (cal == NULL)
		return 8 * 3600;
	calendar_get_hours(cal, &h);
	for (int i = 0; i < h.nperiods; i++)
		s += (int64_t)(h.period[i].end - h.period[i].start) * 60;
	return s > 0 ? s : 8 * 3600;
}

int
dossier_within_workdays(struct calendar *cal, int64_t from, int64_t at, int days)
{
	int64_t limit;

	if (cal == NULL || from == 0 ||
	    calendar_due(cal, from, CALENDAR_DAYS, days, -1, &limit) == -1)
		return 0;
	return at <= limit;
}

int
dossier_clock_start(struct dossier_ctx *x, struct dossier *d, int64_t at, struct dossier_err *err)
{
	enum calendar_unit unit = strcmp(d->time_unit, "hour") == 0 ? CALENDAR_HOURS : CALENDAR_DAYS;
	int64_t due;

	if (x->cal == NULL || d->time_limit < 0 || d->time_limit > CALENDAR_LIMIT_MAX ||
	    calendar_due(x->cal, at, unit, (int)d->time_limit, (int)d->cutoff_minute, &due) == -1) {
		dossier_err_set(err, PROB_UNAVAILABLE,
		    "Không tính được thời hạn giải quyết theo lịch làm việc.",
		    "The due time could not be computed from the working-day calendar.");
		return -1;
	}
	d->received_at = at;
	d->legal_due_at = due;
	d->due_at = due;
	d->due_soon_at = 0;
	d->overdue_at = 0;
	return 0;
}

int
dossier_step_due(struct dossier_ctx *x, const struct dossier_step *s, int64_t at, int64_t *due)
{
	*due = at;
	/* Inside the agency there is no cut-off: the budget runs from the
	 * hand-over through office hours. */
	if (s->hours > 0 && (x->cal == NULL || s->hours > CALENDAR_LIMIT_MAX ||
	    calendar_due(x->cal, at, CALENDAR_HOURS, (int)s->hours, 1440, due) == -1))
		return -1;
	return 0;
}

enum db_rc
dossier_step_start(struct dossier_ctx *x, struct dossier *d, int64_t seq, int64_t at,
    int64_t handler_id)
{
	struct dossier_step *s = dossier_step_at(d, seq);
	int64_t due = at;
	enum db_rc rc;

	if (s == NULL || dossier_step_due(x, s, at, &due) == -1)
		return DB_ERROR;
	rc = db_exec(x->c, STMT_DOS_STEP_START, (struct db_param[]){ DB_INT(d->id), DB_INT(seq),
	    DB_INT(at), DB_INT(due), handler_id ? DB_INT(handler_id) : DB_NULL }, 5, NULL);
	if (rc != DB_OK)
		return rc;
	s->started_at = at;
	s->due_at = due;
	s->finished_at = 0;
	s->result_class = "";
	s->handler_id = handler_id;
	d->step = seq;
	return DB_OK;
}

enum db_rc
dossier_step_finish(struct dossier_ctx *x, struct dossier *d, int64_t at)
{
	struct dossier_step *s = dossier_step_at(d, d->step);
	const char *cls;
	enum db_rc rc;

	if (s == NULL || s->started_at == 0 || s->finished_at != 0)
		return DB_OK;
	cls = calendar_class_name(calendar_classify(at, s->due_at));
	rc = db_exec(x->c, STMT_DOS_STEP_FINISH, (struct db_param[]){ DB_INT(d->id),
	    DB_INT(s->seq), DB_INT(at), DB_TEXT(cls) }, 4, NULL);
	if (rc != DB_OK)
		return rc;
	s->finished_at = at;
	s->result_class = cls;
	d->hand.step_due_at = s->due_at;
	d->hand.result_class = cls;
	return DB_OK;
}

void
dossier_clock_finish(struct dossier *d, int64_t at)
{
	d->finished_at = at;
	/* Against the legal due time: an apology's new date does not make a
	 * late dossier on time (DOMAIN §3). */
	d->result_class = d->legal_due_at != 0 ?
	    calendar_class_name(calendar_classify(at, d->legal_due_at)) : "";
}

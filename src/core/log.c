/* key=value log lines on stderr.  One write(2) per line so lines from
 * several threads never interleave. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"

static enum log_level log_min = LOG_INFO;
static const char *const log_names[LOG__MAX] = { "debug", "info", "warn", "error" };

void
log_set_level(enum log_level lvl)
{
	if (lvl < LOG__MAX)
		log_min = lvl;
}

void
log_msg(enum log_level lvl, const char *rid, const char *event, const char *fmt, ...)
{
	char line[2048], ts[32];
	va_list ap;
	size_t n;
	int k;

	if (lvl < log_min || lvl >= LOG__MAX)
		return;
	time_format_iso(clock_now(), ts);
	k = snprintf(line, sizeof(line), "ts=%s level=%s event=%s%s%s", ts,
	    log_names[lvl], event, rid ? " rid=" : "", rid ? rid : "");
	n = k < 0 ? 0 : (size_t)k;
	if (fmt != NULL && *fmt != '\0' && n < sizeof(line) - 2) {
		line[n++] = ' ';
		va_start(ap, fmt);
		k = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
		va_end(ap);
		if (k > 0)
			n += (size_t)k;
	}
	if (n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	/* A value must never forge a second line. */
	for (size_t i = 0; i < n; i++)
		if (line[i] == '\n' || line[i] == '\r')
			line[i] = ' ';
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, n) < 0)
		return;
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	fputs("motcua: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

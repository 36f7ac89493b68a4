/*
 * core: the small things every module uses — arena, capped buffer, clock,
 * logging, randomness, UTF-8 and string helpers.  Knows nothing of HTTP,
 * storage or dossiers.
 */
#ifndef MOTCUA_CORE_H
#define MOTCUA_CORE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define CORE_NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- arena: per-request bump allocator, freed in one go ---------------- */

struct arena;

/* New arena whose total size may not exceed cap bytes; NULL on ENOMEM.
 * The caller owns it and frees it with arena_free(). */
struct arena *arena_new(size_t cap);
/* NULL-safe. */
void arena_free(struct arena *a);
/* 16-byte-aligned zeroed memory owned by the arena; NULL past the cap. */
void *arena_alloc(struct arena *a, size_t n);
/* Copy of s[0..n) with a NUL; owned by the arena. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
/* printf into the arena; NULL on cap or format error. */
char *arena_printf(struct arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Bytes handed out so far (for metrics and tests). */
size_t arena_used(const struct arena *a);

/* ---- buf: growable byte buffer with a hard cap ------------------------- */

struct buf {
	char *data; /* owned; always NUL-terminated when non-NULL */
	size_t len;
	size_t cap; /* allocated */
	size_t max; /* hard cap on len; appends beyond it fail */
	int overflow; /* set once an append failed; later appends are no-ops */
};

void buf_init(struct buf *b, size_t max);
/* 0 or -1 (cap reached or ENOMEM; b->overflow is set). */
int buf_append(struct buf *b, const void *p, size_t n);
/* Room for n more bytes at the end, to be written in place and counted
 * with buf_advance(b, k), k <= n; NULL when it would pass the cap (not an
 * overflow: the caller may fall back to appending what it really needs)
 * or on ENOMEM (overflow set). */
char *buf_space(struct buf *b, size_t n);
void buf_advance(struct buf *b, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* JSON string literal of s (with quotes), escaping as RFC 8259 requires. */
int buf_put_json_str(struct buf *b, const char *s);
void buf_reset(struct buf *b);
/* NULL-safe; wipes nothing (use buf_wipe for secrets). */
void buf_free(struct buf *b);
void buf_wipe(struct buf *b);

/* ---- jsonw: streaming JSON writer into a buf (jsonw.c) ----------------- */

/* Writes the bytes jansson's json_dumps(JSON_COMPACT) would for the same
 * values, straight into b, for fixed-shape hot answers; jansson stays the
 * tool everywhere else.  Errors are sticky: a string that is not valid
 * UTF-8 or is NULL, a key outside an object, a value without its key, an
 * unbalanced end, nesting past JSONW_MAX_DEPTH or a full buf.  The writer
 * borrows b; the caller owns both. */
#define JSONW_MAX_DEPTH 16
#define JSONW_OBJECT 1u /* state bits of one nesting level */
#define JSONW_KEYED 2u /* object: a key was written, its value is next */
#define JSONW_MORE 4u /* a member or element was written: a comma first */

struct jsonw {
	struct buf *b;
	int depth;
	int done; /* the top-level value is complete */
	int err;
	unsigned char state[JSONW_MAX_DEPTH];
};

void jsonw_init(struct jsonw *w, struct buf *b);
void jsonw_object_begin(struct jsonw *w);
void jsonw_object_end(struct jsonw *w);
void jsonw_array_begin(struct jsonw *w);
void jsonw_array_end(struct jsonw *w);
/* The name of the next member of the open object. */
void jsonw_key(struct jsonw *w, const char *key);
void jsonw_str(struct jsonw *w, const char *s);
void jsonw_int(struct jsonw *w, int64_t v);
void jsonw_bool(struct jsonw *w, int v);
void jsonw_null(struct jsonw *w);
/* 0 when exactly one complete value was written without error, else -1
 * (what is in b is then to be discarded). */
int jsonw_finish(struct jsonw *w);

/* ---- clock: the only way code reads "now" ------------------------------ */

/* Unix seconds, UTC.  In test builds (MOTCUA_TEST_CLOCK) the environment
 * variable MOTCUA_NOW, an ISO 8601 instant with offset, fixes it. */
int64_t clock_now(void);
/* Monotonic nanoseconds, for durations only. */
uint64_t clock_mono_ns(void);

/* Vietnam time is UTC+7 all year (no summer time since 1975). */
#define TIME_VN_OFFSET (7 * 3600)

struct civil {
	int year, month, day, hour, min, sec;
};

/* Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's method). */
int64_t time_days_from_civil(int y, int m, int d);
void time_civil_from_days(int64_t days, int *y, int *m, int *d);
/* 0 = Monday .. 6 = Sunday */
int time_weekday(int64_t days);
int time_days_in_month(int y, int m);
/* Split a UTC instant into Vietnam civil time, and back. */
void time_to_vn(int64_t t, struct civil *out);
int64_t time_from_vn(const struct civil *c);
/* "2026-11-30T10:15:00+07:00" into out (>= 26 bytes). */
void time_format_iso(int64_t t, char out[32]);
/* "2026-11-30" (Vietnam date of t) into out (>= 11 bytes). */
void time_format_date(int64_t t, char out[16]);
/* Parse ISO 8601 "YYYY-MM-DDTHH:MM[:SS][.fff](Z|+HH:MM|-HH:MM)"; a missing
 * offset means Vietnam time.  0 or -1. */
int time_parse_iso(const char *s, int64_t *out);
/* Parse "YYYY-MM-DD" strictly (real day of month); 0 or -1. */
int time_parse_date(const char *s, int *y, int *m, int *d);

/* ---- log: key=value lines on stderr, never personal data --------------- */

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR, LOG__MAX };

void log_set_level(enum log_level lvl);
/* fmt is the rest of the line in key=value form, e.g. "route=%s status=%d".
 * rid may be NULL. */
void log_msg(enum log_level lvl, const char *rid, const char *event,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Print to stderr and exit(1); only during start-up. */
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* ---- rand: OS CSPRNG --------------------------------------------------- */

/* 0 or -1. */
int rand_bytes(void *p, size_t n);
/* Lower-case hex of n random bytes into out (2n+1 bytes); 0 or -1.  For
 * secrets (tokens, keys). */
int rand_hex(char *out, size_t n);
/* The same from a cheaper per-thread getrandom() pool, for identifiers
 * that must be unique but need not be secret (request ids). */
int rand_id_hex(char *out, size_t n);

/* ---- str --------------------------------------------------------------- */

/* 1 if s[0..n) is well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF). */
int str_utf8_valid(const char *s, size_t n);
/* Number of code points of valid UTF-8 s. */
size_t str_utf8_len(const char *s);
/* Parse a decimal int64 strictly (whole string, no spaces, range checked). */
int str_to_i64(const char *s, int64_t min, int64_t max, int64_t *out);
/* Constant-time comparison of n bytes; 1 if equal. */
int str_ct_equal(const void *a, const void *b, size_t n);
/* Bounded copy that always terminates; returns strlen(src) like strlcpy. */
size_t str_lcpy(char *dst, const char *src, size_t size);
void str_wipe(void *p, size_t n);

#endif

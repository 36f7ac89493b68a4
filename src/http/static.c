/*
 * Static files from the web root.  The path is checked segment by segment
 * (no "..", no hidden files, no NUL) before any open, and the open itself
 * (openat2 with RESOLVE_BENEATH) cannot leave the root through a symlink.
 * An ETag from size and mtime gives cheap 304s.
 *
 * Small files (static_cache_max_file, up to static_cache_bytes in all) are
 * kept in memory with their headers formatted once, and answered from
 * there: no open, fstat or close per request, and the server writes headers
 * and body in one send instead of a send and a sendfile (bench/RESULTS.md
 * measured the difference).  An entry is revalidated at most once a second
 * per file, by the same confined open and an fstat: a deploy that changes
 * web/ shows within a second, and nothing the open would refuse (a symlink
 * out, a path that appeared under a hidden name) is ever served from the
 * cache.  Bytes of a replaced version may still be in flight in some
 * response, so they are never freed; they keep counting against
 * static_cache_bytes, and once that is full further files go by descriptor
 * (sendfile), as every larger file does.  The root directory is opened once
 * and reopened at most once a second (a deploy may swap the directory
 * itself).
 *
 * HTML pages are read whole and their includes expanded (include.c) from
 * shared/partials/ under the same root, by the same confined open.  The
 * cache entry remembers each partial it used and revalidates them with the
 * page, so an edit of a partial shows on every page within a second.  Such
 * a page's ETag is a hash of what it sends, not of one file's size and
 * mtime, and its Last-Modified the newest of its files.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../core/config.h"
#include "http.h"

struct mime {
	const char *ext;
	const char *type;
};

static const struct mime mimes[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".mjs", "text/javascript; charset=utf-8" },
	{ ".json", "application/json" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".jpg", "image/jpeg" },
	{ ".jpeg", "image/jpeg" },
	{ ".ico", "image/vnd.microsoft.icon" },
	{ ".woff2", "font/woff2" },
	{ ".woff", "font/woff" },
	{ ".txt", "text/plain; charset=utf-8" },
	{ ".csv", "text/csv; charset=utf-8" },
	{ ".pdf", "application/pdf" },
	{ ".webmanifest", "application/manifest+json" },
	{ ".yaml", "application/yaml" },
};

const char *
http_mime_type(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (dot != NULL && strchr(dot, '/') == NULL)
		for (size_t i = 0; i < CORE_NELEM(mimes); i++)
			if (strcasecmp(dot, mimes[i].ext) == 0)
				return mimes[i].type;
	return "application/octet-stream";
}

/* ---- the web root, opened once ------------------------------------------ */

#define STATIC_RECHECK_NS 1000000000ull /* revalidate at most once a second */

static struct {
	pthread_rwlock_t lock; /* readers use fd; the reopen swaps it */
	char path[1024];
	int fd;
	uint64_t opened_ns;
} static_root = { PTHREAD_RWLOCK_INITIALIZER, "", -1, 0 };

/* Open rel (no leading '/') strictly beneath the directory dfd; -1 with errno. */
static int
static_openat_beneath(int dfd, const char *rel)
{
	struct open_how how = { .flags = O_RDONLY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS };

	return (int)syscall(SYS_openat2, dfd, *rel ? rel : ".", &how, sizeof(how));
}

/* Open rel beneath root.  The root of the server (the first root seen) is
 * kept open and reopened at most once a second; another root (tests) is
 * opened per call. */
static int
static_open_beneath(const char *root, const char *rel)
{
	uint64_t now = clock_mono_ns();
	int dfd, fd, e;

	pthread_rwlock_rdlock(&static_root.lock);
	if (static_root.fd != -1 && strcmp(static_root.path, root) == 0 &&
	    now - static_root.opened_ns < STATIC_RECHECK_NS) {
		fd = static_openat_beneath(static_root.fd, rel);
		e = errno;
		pthread_rwlock_unlock(&static_root.lock);
		errno = e;
		return fd;
	}
	pthread_rwlock_unlock(&static_root.lock);
	if ((dfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	fd = static_openat_beneath(dfd, rel);
	e = errno;
	pthread_rwlock_wrlock(&static_root.lock);
	if (static_root.fd == -1 || strcmp(static_root.path, root) == 0) {
		if (strlen(root) < sizeof(static_root.path)) {
			if (static_root.fd != -1)
				close(static_root.fd);
			str_lcpy(static_root.path, root, sizeof(static_root.path));
			static_root.fd = dfd;
			static_root.opened_ns = now;
			dfd = -1;
		}
	}
	pthread_rwlock_unlock(&static_root.lock);
	if (dfd != -1)
		close(dfd);
	errno = e;
	return fd;
}

/* ---- the cache of small files -------------------------------------------- */

#define STATIC_SLOTS 1024 /* open addressing; at most half used */
#define STATIC_KEY_MAX 256 /* longer paths are not cached */

#define STATIC_PAGE_MAX (1024 * 1024) /* HTML pages read whole to expand */
#define STATIC_PARTIAL_MAX (64 * 1024)
#define STATIC_PARTIAL_DIR "shared/partials/"

/* What tells that a file changed. */
struct static_stamp {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
};

/* A partial a page was made with. */
struct static_dep {
	char rel[sizeof(STATIC_PARTIAL_DIR) + HTTP_INCLUDE_NAME_MAX + 8];
	struct static_stamp stamp;
};

/* A page read whole with its includes expanded; data is malloc'ed and
 * part is the loader's buffer for the partial it read last. */
struct static_page {
	const char *root;
	char *data;
	size_t len;
	struct static_dep deps[HTTP_INCLUDE_MAX];
	size_t ndeps;
	char *part;
	time_t newest; /* the newest mtime of the page and its partials */
};

struct static_ent {
	char key[STATIC_KEY_MAX]; /* the request path */
	char rel[STATIC_KEY_MAX + 16]; /* the file it resolved to, under the root */
	const char *mime, *cache_control;
	char etag[48], last_modified[32];
	const char *data; /* never freed: a response may still be sending it */
	size_t len;
	struct static_stamp stamp;
	uint64_t checked_ns; /* last revalidation (atomic) */
	int dead; /* the file went away or changed; look again (atomic) */
	struct static_dep deps[HTTP_INCLUDE_MAX]; /* partials the page included */
	size_t ndeps;
	/* The version this one replaced, kept for a reader that may still
	 * hold it (bounded by static_cache_bytes); linked, not dropped, so it
	 * stays reachable. */
	struct static_ent *older;
};

static struct {
	pthread_mutex_t mu; /* writers only; readers load slots atomically */
	const char *root; /* the root the cache belongs to */
	struct static_ent *slot[STATIC_SLOTS];
	size_t nused;
	size_t bytes; /* data of every version ever cached */
} static_cache = { PTHREAD_MUTEX_INITIALIZER, NULL, { NULL }, 0, 0 };

/* FNV-1a: cheap, and good enough for slots and content ETags. */
static uint64_t
static_fnv(const char *p, size_t n)
{
	uint64_t h = 14695981039346656037ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
	return h;
}

static size_t
static_hash(const char *s)
{
	return (size_t)static_fnv(s, strlen(s));
}

/* The slot of key, or of the empty place it would go; NULL when full. */
static struct static_ent *
static_find(const char *key, size_t *where)
{
	size_t h = static_hash(key);

	for (size_t i = 0; i < STATIC_SLOTS; i++) {
		size_t k = (h + i) % STATIC_SLOTS;
		struct static_ent *e = __atomic_load_n(&static_cache.slot[k], __ATOMIC_ACQUIRE);

		if (e == NULL || strcmp(e->key, key) == 0) {
			if (where != NULL)
				*where = k;
			return e;
		}
	}
	if (where != NULL)
		*where = STATIC_SLOTS;
	return NULL;
}

/* HTTP-date (RFC 9110 IMF-fixdate) without the locale. */
static void
static_http_date(time_t t, char out[32])
{
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const mo[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
		"Sep", "Oct", "Nov", "Dec" };
	char tmp[96]; /* what the compiler can prove about %d; 29 bytes in fact */
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	snprintf(tmp, sizeof(tmp), "%s, %02d %s %04d %02d:%02d:%02d GMT", wd[tm.tm_wday % 7],
	    tm.tm_mday, mo[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	str_lcpy(out, tmp, 32);
}

static void
static_stamp_set(struct static_stamp *t, const struct stat *st)
{
	t->dev = st->st_dev;
	t->ino = st->st_ino;
	t->size = st->st_size;
	t->mtime = st->st_mtim;
}

static int
static_stamp_same(const struct static_stamp *t, const struct stat *st)
{
	return t->dev == st->st_dev && t->ino == st->st_ino && t->size == st->st_size &&
	    t->mtime.tv_sec == st->st_mtim.tv_sec && t->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

/* 1 if rel beneath root is still the regular file stamped t. */
static int
static_still_same(const char *root, const char *rel, const struct static_stamp *t)
{
	struct stat st;
	int fd, same;

	fd = static_open_beneath(root, rel);
	same = fd != -1 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && static_stamp_same(t, &st);
	if (fd != -1)
		close(fd);
	return same;
}

/* Keep a copy of the open file fd (already fstat'ed as st) for key, or the
 * expanded page pg (its data is taken when kept), if it is small and the
 * cache has room.  Called on the slow path.  The entry kept, or NULL. */
static const struct static_ent *
static_cache_put(const char *root, const char *key, const char *rel, int fd,
    const struct stat *st, struct static_page *pg, const char *mime, const char *cache_control,
    const char *etag, const char *lastmod)
{
	int64_t max_file = config_int(CFG_STATIC_CACHE_MAX_FILE);
	int64_t max_bytes = config_int(CFG_STATIC_CACHE_BYTES);
	struct static_ent *e = NULL, *old, *kept = NULL;
	char *data = NULL;
	size_t where, len = pg != NULL ? pg->len : (size_t)st->st_size;

	if (max_bytes <= 0 || (int64_t)len > max_file || strlen(key) >= STATIC_KEY_MAX ||
	    strlen(rel) >= sizeof(e->rel))
		return NULL;
	pthread_mutex_lock(&static_cache.mu);
	if (static_cache.root == NULL)
		__atomic_store_n(&static_cache.root, root, __ATOMIC_RELEASE);
	if (static_cache.root != root || static_cache.bytes + len > (size_t)max_bytes)
		goto out;
	old = static_find(key, &where);
	if (where == STATIC_SLOTS || (old == NULL && static_cache.nused >= STATIC_SLOTS / 2))
		goto out;
	if (old != NULL && !__atomic_load_n(&old->dead, __ATOMIC_ACQUIRE) &&
	    static_stamp_same(&old->stamp, st))
		goto out; /* another thread was first */
	if ((e = calloc(1, sizeof(*e))) == NULL)
		goto out;
	if (pg != NULL) {
		data = pg->data;
		pg->data = NULL;
		memcpy(e->deps, pg->deps, sizeof(e->deps));
		e->ndeps = pg->ndeps;
	} else if ((data = malloc(len ? len : 1)) == NULL || pread(fd, data, len, 0) != (ssize_t)len) {
		goto out;
	}
	str_lcpy(e->key, key, sizeof(e->key));
	str_lcpy(e->rel, rel, sizeof(e->rel));
	e->mime = mime;
	e->cache_control = cache_control;
	str_lcpy(e->etag, etag, sizeof(e->etag));
	str_lcpy(e->last_modified, lastmod, sizeof(e->last_modified));
	e->data = data;
	e->len = len;
	static_stamp_set(&e->stamp, st);
	e->checked_ns = clock_mono_ns();
	static_cache.bytes += len;
	if (old == NULL)
		static_cache.nused++;
	/* The old entry stays allocated: a reader may hold it right now. */
	e->older = old;
	__atomic_store_n(&static_cache.slot[where], e, __ATOMIC_RELEASE);
	kept = e;
	e = NULL;
	data = NULL;
out:
	pthread_mutex_unlock(&static_cache.mu);
	free(data);
	free(e);
	return kept;
}

/* A still-valid cached entry for key, or NULL (go the slow way).  At most
 * once a second per entry one request re-opens the file the confined way
 * and compares it. */
static const struct static_ent *
static_cache_get(const char *root, const char *key)
{
	struct static_ent *e;
	uint64_t now, seen;
	int same;

	if (__atomic_load_n(&static_cache.root, __ATOMIC_ACQUIRE) != root ||
	    (e = static_find(key, NULL)) == NULL || __atomic_load_n(&e->dead, __ATOMIC_ACQUIRE))
		return NULL;
	now = clock_mono_ns();
	seen = __atomic_load_n(&e->checked_ns, __ATOMIC_RELAXED);
	if (now - seen < STATIC_RECHECK_NS ||
	    !__atomic_compare_exchange_n(&e->checked_ns, &seen, now, 0, __ATOMIC_RELAXED,
	    __ATOMIC_RELAXED))
		return e; /* fresh, or another request is checking it right now */
	same = static_still_same(root, e->rel, &e->stamp);
	for (size_t i = 0; same && i < e->ndeps; i++)
		same = static_still_same(root, e->deps[i].rel, &e->deps[i].stamp);
	if (same)
		return e;
	__atomic_store_n(&e->dead, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* The include loader (http_include_fn): shared/partials/NAME.html under
 * the page's root, opened the confined way and stamped for revalidation. */
static int
static_page_load(void *ctx, const char *name, const char **data, size_t *len)
{
	struct static_page *pg = ctx;
	struct static_dep *d;
	struct stat st;
	int fd = -1, rc = -1;

	if (pg->ndeps >= HTTP_INCLUDE_MAX)
		goto out;
	d = &pg->deps[pg->ndeps];
	snprintf(d->rel, sizeof(d->rel), "%s%s.html", STATIC_PARTIAL_DIR, name);
	free(pg->part);
	pg->part = NULL;
	if ((fd = static_open_beneath(pg->root, d->rel)) == -1 || fstat(fd, &st) == -1 ||
	    !S_ISREG(st.st_mode) || st.st_size > STATIC_PARTIAL_MAX)
		goto out;
	if ((pg->part = malloc(st.st_size ? (size_t)st.st_size : 1)) == NULL ||
	    pread(fd, pg->part, (size_t)st.st_size, 0) != st.st_size)
		goto out;
	static_stamp_set(&d->stamp, &st);
	pg->ndeps++;
	if (st.st_mtime > pg->newest)
		pg->newest = st.st_mtime;
	*data = pg->part;
	*len = (size_t)st.st_size;
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	return rc;
}

/* Read the page fd (fstat'ed as st) whole into pg with its includes
 * expanded.  0, or -1 with the reason in *why. */
static int
static_page_read(const char *root, int fd, const struct stat *st, struct static_page *pg,
    const char **why)
{
	size_t size = (size_t)st->st_size;
	char *src = NULL;
	struct buf b;
	int rc = -1;

	buf_init(&b, 2 * STATIC_PAGE_MAX);
	pg->root = root;
	pg->newest = st->st_mtime;
	*why = "the page cannot be read";
	if ((src = malloc(size ? size : 1)) == NULL || pread(fd, src, size, 0) != st->st_size)
		goto out;
	if (http_include_expand(src, size, static_page_load, pg, &b, why) == -1)
		goto out;
	pg->len = b.len;
	pg->data = b.data != NULL ? b.data : malloc(1); /* an empty page is owned memory too */
	b.data = NULL;
	rc = pg->data != NULL ? 0 : -1;
out:
	free(src);
	free(pg->part);
	pg->part = NULL;
	buf_free(&b);
	return rc;
}

/* 1 if every segment of path is a plain name. */
static int
static_path_ok(const char *path)
{
	const char *p = path;

	if (*p != '/')
		return 0;
	while (*p == '/') {
		p++;
		if (*p == '.' || *p == '/')
			return 0; /* "..", ".hidden", "//" */
		while (*p != '\0' && *p != '/') {
			if (*p == '\\' || (unsigned char)*p < 0x20)
				return 0;
			p++;
		}
	}
	return *p == '\0';
}

/* The answer from a cached entry (or a 304). */
static void
static_answer(struct req *r, struct resp *w, const char *mime, const char *cache_control,
    const char *etag, const char *lastmod)
{
	const char *inm = req_header(r, "If-None-Match"), *ims;

	w->content_type = mime;
	resp_header(w, "ETag", etag);
	resp_header(w, "Last-Modified", lastmod);
	resp_header(w, "Cache-Control", cache_control);
	/* If-None-Match wins; If-Modified-Since only without it (RFC 9110 13.2.2). */
	if ((inm != NULL && strcmp(inm, etag) == 0) || (inm == NULL &&
	    (ims = req_header(r, "If-Modified-Since")) != NULL && strcmp(ims, lastmod) == 0)) {
		w->status = 304;
		w->kind = RESP_BODY_BUF;
		w->content_type = NULL;
		return;
	}
	w->status = 200;
}

int
http_static_serve(const char *root, struct req *r, struct resp *w)
{
	char full[HTTP_MAX_PATH + 512], etag[48], lastmod[32];
	const char *path = r->path, *mime, *cc;
	struct static_page pg;
	const struct static_ent *e;
	const char *why;
	struct stat st;
	size_t plen;
	int fd = -1, n, rc = -1, html;

	memset(&pg, 0, sizeof(pg));
	if (path == NULL || !static_path_ok(path))
		return -1;
	if (w != NULL && (e = static_cache_get(root, path)) != NULL) {
		static_answer(r, w, e->mime, e->cache_control, e->etag, e->last_modified);
		if (w->status == 200) {
			w->kind = RESP_BODY_STATIC;
			w->static_data = e->data;
			w->static_len = e->len;
		}
		return 0;
	}
	plen = strlen(path);
	n = snprintf(full, sizeof(full), "%s%s", path + 1,
	    path[plen - 1] == '/' ? "index.html" : "");
	if (n < 0 || (size_t)n >= sizeof(full))
		return -1;
	if ((fd = static_open_beneath(root, full)) == -1)
		return -1;
	if (fstat(fd, &st) == -1)
		goto out;
	if (S_ISDIR(st.st_mode)) {
		/* "/portal" → "/portal/index.html" served directly. */
		close(fd);
		n = snprintf(full, sizeof(full), "%s/index.html", path + 1);
		if (n < 0 || (size_t)n >= sizeof(full) ||
		    (fd = static_open_beneath(root, full)) == -1 || fstat(fd, &st) == -1)
			goto out;
	}
	if (!S_ISREG(st.st_mode))
		goto out;
	rc = 0;
	if (w == NULL)
		goto out;
	mime = http_mime_type(full);
	html = strncmp(mime, "text/html", 9) == 0 && st.st_size <= STATIC_PAGE_MAX;
	if (html && static_page_read(root, fd, &st, &pg, &why) == -1) {
		/* Our own deploy is broken: say so in the log, not in the page. */
		log_msg(LOG_ERROR, r->request_id, "static.page", "path=%s reason=\"%s\"", full, why);
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		goto out;
	}
	if (html) {
		snprintf(etag, sizeof(etag), "\"p%016llx\"",
		    (unsigned long long)static_fnv(pg.data, pg.len));
		static_http_date(pg.newest, lastmod);
	} else {
		snprintf(etag, sizeof(etag), "\"%llx-%llx\"", (unsigned long long)st.st_size,
		    (unsigned long long)st.st_mtime);
		static_http_date(st.st_mtime, lastmod);
	}
	/* Pages revalidate every time so a deploy shows at once; assets may be
	 * kept briefly (no fingerprinted names yet). */
	cc = strncmp(mime, "text/html", 9) == 0 ? "no-cache" : "public, max-age=300";
	e = static_cache_put(root, path, full, fd, &st, html ? &pg : NULL, mime, cc, etag, lastmod);
	static_answer(r, w, mime, cc, arena_strdup(r->arena, etag), arena_strdup(r->arena, lastmod));
	if (w->status == 304)
		goto out;
	if (html && e != NULL) {
		/* The cache took the page: answer from there. */
		w->kind = RESP_BODY_STATIC;
		w->static_data = e->data;
		w->static_len = e->len;
	} else if (html) {
		if (buf_append(&w->body, pg.data, pg.len) == -1)
			resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
	} else {
		w->kind = RESP_BODY_FD;
		w->fd = fd;
		w->fd_size = (uint64_t)st.st_size;
		fd = -1;
	}
out:
	if (fd != -1)
		close(fd);
	free(pg.data);
	return rc;
}

/*
 * Static files from the web root.  The path is checked segment by segment
 * (no "..", no hidden files, no NUL) before any open, and the open itself
 * (openat2 with RESOLVE_BENEATH) cannot leave the root through a symlink.  Files go out by descriptor so the server can
 * use sendfile; an ETag from size and mtime gives cheap 304s.
 */
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* Open rel (no leading '/') strictly beneath root; -1 with errno. */
static int
static_open_beneath(const char *root, const char *rel)
{
	struct open_how how = { .flags = O_RDONLY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS };
	int dfd, fd;

	if ((dfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	fd = (int)syscall(SYS_openat2, dfd, *rel ? rel : ".", &how, sizeof(how));
	close(dfd);
	return fd;
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

int
http_static_serve(const char *root, struct req *r, struct resp *w)
{
	char full[HTTP_MAX_PATH + 512], etag[64];
	const char *path = r->path, *inm;
	struct stat st;
	size_t plen;
	int fd = -1, n;

	if (path == NULL || !static_path_ok(path))
		return -1;
	plen = strlen(path);
	n = snprintf(full, sizeof(full), "%s%s", path + 1,
	    path[plen - 1] == '/' ? "index.html" : "");
	if (n < 0 || (size_t)n >= sizeof(full))
		return -1;
	if ((fd = static_open_beneath(root, full)) == -1)
		return -1;
	if (fstat(fd, &st) == -1)
		goto fail;
	if (S_ISDIR(st.st_mode)) {
		/* "/portal" → "/portal/index.html" served directly. */
		close(fd);
		n = snprintf(full, sizeof(full), "%s/index.html", path + 1);
		if (n < 0 || (size_t)n >= sizeof(full) ||
		    (fd = static_open_beneath(root, full)) == -1 || fstat(fd, &st) == -1)
			goto fail;
	}
	if (!S_ISREG(st.st_mode))
		goto fail;
	if (w == NULL) {
		close(fd);
		return 0;
	}
	snprintf(etag, sizeof(etag), "\"%llx-%llx\"", (unsigned long long)st.st_size,
	    (unsigned long long)st.st_mtime);
	w->content_type = http_mime_type(full);
	resp_header(w, "ETag", arena_strdup(r->arena, etag));
	/* Pages revalidate every time so a deploy shows at once; assets may be
	 * kept briefly (no fingerprinted names yet). */
	resp_header(w, "Cache-Control", strncmp(w->content_type, "text/html", 9) == 0
	    ? "no-cache" : "public, max-age=300");
	inm = req_header(r, "If-None-Match");
	if (inm != NULL && strcmp(inm, etag) == 0) {
		close(fd);
		w->status = 304;
		w->kind = RESP_BODY_BUF;
		w->content_type = NULL;
		return 0;
	}
	w->status = 200;
	w->kind = RESP_BODY_FD;
	w->fd = fd;
	w->fd_size = (uint64_t)st.st_size;
	return 0;
fail:
	if (fd != -1)
		close(fd);
	return -1;
}

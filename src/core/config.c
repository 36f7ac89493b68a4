/* Settings from one table; see config.h. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "core.h"

enum cfg_type { CFG_T_INT, CFG_T_STR };

struct cfg_def {
	const char *name;
	enum cfg_type type;
	int64_t def, min, max;
	const char *sdef;
	const char *doc;
};

static const struct cfg_def cfg_defs[CFG__MAX] = {
#define CFG_INT(id, name, def, min, max, doc) [id] = { name, CFG_T_INT, def, min, max, NULL, doc },
#define CFG_STR(id, name, def, doc) [id] = { name, CFG_T_STR, 0, 0, 0, def, doc },
#include "config.def"
#undef CFG_INT
#undef CFG_STR
};

#define CFG_STR_MAX 1024

static int64_t cfg_ints[CFG__MAX];
static char cfg_strs[CFG__MAX][CFG_STR_MAX];

void
config_defaults(void)
{
	for (int k = 0; k < CFG__MAX; k++) {
		cfg_ints[k] = cfg_defs[k].def;
		cfg_strs[k][0] = '\0';
		if (cfg_defs[k].sdef != NULL)
			str_lcpy(cfg_strs[k], cfg_defs[k].sdef, CFG_STR_MAX);
	}
}

int
config_set(const char *name, const char *value, char *err, size_t errsz)
{
	int64_t v;

	for (int k = 0; k < CFG__MAX; k++) {
		const struct cfg_def *d = &cfg_defs[k];

		if (strcmp(d->name, name) != 0)
			continue;
		if (d->type == CFG_T_STR) {
			if (strlen(value) >= CFG_STR_MAX) {
				snprintf(err, errsz, "%s: giá trị quá dài", name);
				return -1;
			}
			str_lcpy(cfg_strs[k], value, CFG_STR_MAX);
			return 0;
		}
		if (str_to_i64(value, d->min, d->max, &v) == -1) {
			snprintf(err, errsz, "%s: cần một số nguyên từ %lld đến %lld",
			    name, (long long)d->min, (long long)d->max);
			return -1;
		}
		cfg_ints[k] = v;
		return 0;
	}
	snprintf(err, errsz, "%s: không có thiết lập này", name);
	return -1;
}

static char *
config_trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int
config_load_file(const char *path, char *err, size_t errsz)
{
	char line[CFG_STR_MAX + 128], sub[256];
	FILE *f;
	int lineno = 0, rc = -1;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errsz, "%s: không mở được tệp cấu hình", path);
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *k, *v, *eq;

		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			snprintf(err, errsz, "%s:%d: dòng quá dài", path, lineno);
			goto out;
		}
		k = config_trim(line);
		if (*k == '\0' || *k == '#')
			continue;
		if ((eq = strchr(k, '=')) == NULL) {
			snprintf(err, errsz, "%s:%d: cần dạng khóa = giá trị", path, lineno);
			goto out;
		}
		*eq = '\0';
		k = config_trim(k);
		v = config_trim(eq + 1);
		if (config_set(k, v, sub, sizeof(sub)) == -1) {
			snprintf(err, errsz, "%s:%d: %s", path, lineno, sub);
			goto out;
		}
	}
	rc = 0;
out:
	fclose(f);
	return rc;
}

int64_t
config_int(enum config_key k)
{
	return k < CFG__MAX ? cfg_ints[k] : 0;
}

const char *
config_str(enum config_key k)
{
	return k < CFG__MAX ? cfg_strs[k] : "";
}

const char *
config_name(enum config_key k)
{
	return k < CFG__MAX ? cfg_defs[k].name : "";
}

void
config_describe(void (*fn)(const char *, const char *, const char *, void *), void *ctx)
{
	char def[32];

	for (int k = 0; k < CFG__MAX; k++) {
		const struct cfg_def *d = &cfg_defs[k];

		if (d->type == CFG_T_INT) {
			snprintf(def, sizeof(def), "%lld", (long long)d->def);
			fn(d->name, def, d->doc, ctx);
		} else
			fn(d->name, d->sdef, d->doc, ctx);
	}
}

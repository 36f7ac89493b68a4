/*
 * config: every setting is one row of one table (config.def), with its
 * type, default and bounds.  Values come from the defaults, then a config
 * file of "key = value" lines, then command-line flags.  Read-only once the
 * server starts, so readers need no lock.
 */
#ifndef MOTCUA_CONFIG_H
#define MOTCUA_CONFIG_H

#include <stddef.h>
#include <stdint.h>

enum config_key {
#define CFG_INT(id, name, def, min, max, doc) id,
#define CFG_STR(id, name, def, doc) id,
#include "config.def"
#undef CFG_INT
#undef CFG_STR
	CFG__MAX
};

/* Reset every key to its default. */
void config_defaults(void);
/* Load a config file; -1 with a message naming the line in err. */
int config_load_file(const char *path, char *err, size_t errsz);
/* Set one key from text (file or flag); -1 with a message in err. */
int config_set(const char *name, const char *value, char *err, size_t errsz);
int64_t config_int(enum config_key k);
/* Owned by the config module; valid until the next config_set. */
const char *config_str(enum config_key k);
const char *config_name(enum config_key k);
/* Document every key (for `motcua config` and docs/OPERATIONS.md). */
void config_describe(void (*fn)(const char *name, const char *def,
    const char *doc, void *ctx), void *ctx);

#endif

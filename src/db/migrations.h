/* The migrations compiled into the binary (generated sql_embed.c). */
#ifndef MOTCUA_MIGRATIONS_H
#define MOTCUA_MIGRATIONS_H

struct migration {
	const char *name; /* "0001_platform.sql"; the version is its number */
	const char *sql;
};

/* Terminated by {NULL, NULL}; sorted by name. */
extern const struct migration migrations_sqlite[];
extern const struct migration migrations_pg[];

#endif

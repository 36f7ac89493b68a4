/*
 * Prints the SQL of one statement of src/stmts.def, for the query-plan
 * checks of bench/run.sh (EXPLAIN on a generated database):
 *
 *   stmt_sql STMT_RPT_CELLS [sqlite|pg]
 *
 * The statements are compiled in from the same table the server uses
 * (cc -I src), so the plan checked is the plan of the code being measured.
 * With "sqlite", the $N placeholders stay as they are: SQLite reads "$1"
 * as a named parameter, which the sqlite3 shell's .parameter command sets.
 * Exit status 1 when the id is unknown.
 */
#include <stdio.h>
#include <string.h>

int
main(int argc, char **argv)
{
	const char *want = argc > 1 ? argv[1] : "";

#define STMT(id, sql)                          \
	if (strcmp(#id, want) == 0) {          \
		fputs(sql, stdout);            \
		fputc('\n', stdout);           \
		return 0;                      \
	}
#include "stmts.def"
#undef STMT
	fprintf(stderr, "stmt_sql: no statement %s\n", want);
	return 1;
}

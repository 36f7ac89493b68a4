/* Deliberate violations: scripts/checksrc.sh must reject this tree. */
#include <microhttpd.h>
#include <sqlite3.h>
static void f(char *d, const char *s) { sprintf(d, "%s", s); strcpy(d, s); sqlite3_open(s, 0); }

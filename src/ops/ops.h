/* ops: health, metrics and service metadata routes. */
#ifndef MOTCUA_OPS_H
#define MOTCUA_OPS_H

#include <stddef.h>

#include "../http/http.h"

extern const struct route ops_routes[];
extern const size_t ops_nroutes;

#endif

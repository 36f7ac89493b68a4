/*
 * report: the official statistics of Decree 61/2018 Art. 30 (DOMAIN §6).
 *
 *  - period.c    reporting periods (month, quarter, six months, year, week,
 *                any range) as Vietnam dates and UTC instants
 *  - compute.c   the resolution report: fine-grained cells per (agency,
 *                field, procedure) from indexed ranges, roll-up by
 *                group_by, the JSON rows, the drill-down
 *  - publish.c   frozen periods: snapshots with the definitions version,
 *                differences between the snapshot and the live figures
 *  - export.c    CSV (UTF-8 with BOM) and XLSX (libxlsxwriter) in the
 *                layout of the paper form with Vietnamese headings
 *  - figures.c   other figures: summary against the plan's targets,
 *                monthly trend, workload per official, processing times,
 *                supplement and rejection reasons
 *  - public.c    public disclosure: weekly and monthly figures per agency,
 *                open data in JSON and CSV, no personal data, rate-limited
 *  - http.c      the routes
 *
 * docs/REPORTS.md is the reference (definitions, legal sources, choices,
 * query plans).  Every staff statement is scoped (auth_scoped): staff see
 * their agency's subtree, province-wide roles everything.
 */
#ifndef MOTCUA_REPORT_H
#define MOTCUA_REPORT_H

#include <stddef.h>

#include "../http/http.h"

/* The version of the definitions stored with every publication; bump it
 * when a definition in docs/REPORTS.md changes. */
#define REPORT_DEFINITIONS "motcua-report/2"

/* GET /api/v1/reports/..., POST /api/v1/reports/publications and the
 * public statistics routes. */
extern const struct route report_routes[];
extern const size_t report_nroutes;

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kubectl-style output: the table printer of `kubectl get` (cli-runtime's tabwriter: minimum
 * cell width 6, padding 3, left-aligned, the last column unpadded, headers upper-cased),
 * AGE as kubectl prints it (apimachinery's duration.HumanDuration) and RFC 3339 times as the
 * API writes them ("2024-05-01T10:00:00Z"). Pure: time is passed in.
 */
#pragma once

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "macro.h"
#include "timestamp.h"

#define TABLE_MAX_COLUMNS 32
#define TABLE_MAX_ROWS 100000
#define TABLE_MAX_CELL 4096

typedef struct Table Table;

/* headers: NULL-terminated; printed upper-cased. */
int table_new(const char *const *headers, Table **ret);
Table *table_free(Table *t);
DEFINE_TRIVIAL_CLEANUP_FUNC(Table *, table_free)

/* A row of exactly as many cells as headers (NULL cells print as ""). -E2BIG past the bounds. */
int table_add_row(Table *t, const char *const *cells);
/* Build a row cell by cell; a row is complete when it has a cell per column. */
int table_add_cell(Table *t, const char *text);
int table_add_cellf(Table *t, const char *fmt, ...) _printf_(2, 3);
size_t table_rows(const Table *t);

/* The table as text (malloc'd), one "\n"-terminated line per row, the header first. */
int table_format(const Table *t, char **ret);
int table_print(const Table *t, FILE *f);

/*
 * kubectl's AGE: duration.HumanDuration of a duration in microseconds ("5s", "2m10s", "15m",
 * "3h5m", "20h", "3d4h", "45d", "2y10d", "9y"); "<invalid>" below -1s.
 */
char *human_duration(int64_t usec, char *buf, size_t size);
/* Age of a timestamp at now (both µs since the epoch); "<unknown>" when ts is 0. */
char *human_age(uint64_t ts_usec, uint64_t now_usec, char *buf, size_t size);
/* RESTARTS as kubectl >= 1.22: "0", or "3 (2m10s ago)" when the last restart is known. */
char *human_restarts(unsigned restarts, uint64_t last_usec, uint64_t now_usec, char *buf,
                     size_t size);

#define HUMAN_DURATION_MAX 32

/* SPDX-License-Identifier: Apache-2.0 */
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>

#include "table.h"

/* cli-runtime's printers: tabwriter.NewWriter(out, 6, 4, 3, ' ', ...). */
#define TAB_MIN_WIDTH 6
#define TAB_PADDING 3

#define USEC_PER_SEC INT64_C(1000000)

struct Table {
	size_t n_columns;
	char **cells; /* row-major; the header is row 0 */
	size_t n_cells;
	size_t cap;
};

Table *table_free(Table *t) {
	if (!t)
		return NULL;
	for (size_t i = 0; i < t->n_cells; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
	return NULL;
}

/* A cell on one line: tabs and newlines would break the columns. */
static char *cell_dup(const char *text) {
	size_t n = strnlen(strempty(text), TABLE_MAX_CELL);
	char *c = strndup(strempty(text), n);
	if (!c)
		return NULL;
	for (char *p = c; *p; p++)
		if (*p == '\t' || *p == '\n' || *p == '\r')
			*p = ' ';
	return c;
}

int table_add_cell(Table *t, const char *text) {
	if (!t)
		return -EINVAL;
	if (t->n_cells / t->n_columns > TABLE_MAX_ROWS)
		return -E2BIG;
	if (t->n_cells == t->cap) {
		size_t cap = MAX(t->cap * 2, t->n_columns * 8);
		char **n = reallocarray(t->cells, cap, sizeof(char *));
		if (!n)
			return -ENOMEM;
		t->cells = n;
		t->cap = cap;
	}
	char *c = cell_dup(text);
	if (!c)
		return -ENOMEM;
	t->cells[t->n_cells++] = c;
	return 0;
}

int table_add_cellf(Table *t, const char *fmt, ...) {
	_cleanup_free_ char *text = NULL;
	va_list ap;

	va_start(ap, fmt);
	int n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	return table_add_cell(t, text);
}

int table_add_row(Table *t, const char *const *cells) {
	if (!t || !cells || t->n_cells % t->n_columns != 0)
		return -EINVAL;
	for (size_t i = 0; i < t->n_columns; i++) {
		int r = table_add_cell(t, cells[i]);
		if (r < 0) {
			/* Leave no half row behind. */
			while (t->n_cells % t->n_columns != 0)
				free(t->cells[--t->n_cells]);
			return r;
		}
	}
	return 0;
}

int table_new(const char *const *headers, Table **ret) {
	size_t n = 0;

	while (headers && headers[n])
		n++;
	if (n == 0 || n > TABLE_MAX_COLUMNS || !ret)
		return -EINVAL;
	_cleanup_(table_freep) Table *t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->n_columns = n;
	for (size_t i = 0; i < n; i++) {
		int r = table_add_cell(t, headers[i]);
		if (r < 0)
			return r;
		for (char *p = t->cells[i]; *p; p++)
			*p = (char)toupper((unsigned char)*p);
	}
	*ret = TAKE_PTR(t);
	return 0;
}

size_t table_rows(const Table *t) {
	return t ? t->n_cells / t->n_columns - 1 : 0;
}

/* Width as tabwriter counts it: runes, not bytes. */
static size_t text_width(const char *s) {
	size_t w = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			w++;
	return w;
}

int table_format(const Table *t, char **ret) {
	size_t width[TABLE_MAX_COLUMNS] = {};
	char *buf = NULL;
	size_t size = 0;

	if (!t || !ret)
		return -EINVAL;
	size_t n_rows = t->n_cells / t->n_columns; /* a partial last row is not printed */
	for (size_t i = 0; i < n_rows * t->n_columns; i++) {
		size_t c = i % t->n_columns;
		width[c] = MAX(width[c], text_width(t->cells[i]) + TAB_PADDING);
	}
	FILE *f = open_memstream(&buf, &size);
	if (!f)
		return -ENOMEM;
	for (size_t row = 0; row < n_rows; row++)
		for (size_t c = 0; c < t->n_columns; c++) {
			const char *cell = t->cells[row * t->n_columns + c];
			if (c + 1 == t->n_columns) {
				/* tabwriter leaves the text after the last tab alone */
				fprintf(f, "%s\n", cell);
				continue;
			}
			size_t w = MAX(width[c], (size_t)TAB_MIN_WIDTH);
			fprintf(f, "%s%*s", cell, (int)(w - text_width(cell)), "");
		}
	bool failed = ferror(f);
	if (fclose(f) != 0 || failed) {
		free(buf);
		return -ENOMEM;
	}
	*ret = buf;
	return 0;
}

int table_print(const Table *t, FILE *f) {
	_cleanup_free_ char *text = NULL;

	int r = table_format(t, &text);
	if (r < 0)
		return r;
	if (fputs(text, f) < 0 || fflush(f) != 0)
		return -EIO;
	return 0;
}

/* --- durations and times */

char *human_duration(int64_t usec, char *buf, size_t size) {
	/* k8s.io/apimachinery/pkg/util/duration.HumanDuration, threshold for threshold. */
	int64_t seconds = usec / USEC_PER_SEC;
	if (seconds < -1)
		snprintf(buf, size, "<invalid>");
	else if (seconds < 0)
		snprintf(buf, size, "0s");
	else if (seconds < 60 * 2)
		snprintf(buf, size, "%" PRId64 "s", seconds);
	else if (seconds / 60 < 10) {
		int64_t m = seconds / 60, s = seconds % 60;
		if (s == 0)
			snprintf(buf, size, "%" PRId64 "m", m);
		else
			snprintf(buf, size, "%" PRId64 "m%" PRId64 "s", m, s);
	} else if (seconds / 60 < 60 * 3)
		snprintf(buf, size, "%" PRId64 "m", seconds / 60);
	else {
		int64_t hours = seconds / 3600;
		if (hours < 8) {
			int64_t m = (seconds / 60) % 60;
			if (m == 0)
				snprintf(buf, size, "%" PRId64 "h", hours);
			else
				snprintf(buf, size, "%" PRId64 "h%" PRId64 "m", hours, m);
		} else if (hours < 48)
			snprintf(buf, size, "%" PRId64 "h", hours);
		else if (hours < 24 * 8) {
			if (hours % 24 == 0)
				snprintf(buf, size, "%" PRId64 "d", hours / 24);
			else
				snprintf(buf, size, "%" PRId64 "d%" PRId64 "h", hours / 24,
				         hours % 24);
		} else if (hours < 24 * 365 * 2)
			snprintf(buf, size, "%" PRId64 "d", hours / 24);
		else if (hours < 24 * 365 * 8) {
			int64_t dy = (hours / 24) % 365;
			if (dy == 0)
				snprintf(buf, size, "%" PRId64 "y", hours / 24 / 365);
			else
				snprintf(buf, size, "%" PRId64 "y%" PRId64 "d", hours / 24 / 365,
				         dy);
		} else
			snprintf(buf, size, "%" PRId64 "y", hours / 24 / 365);
	}
	return buf;
}

char *human_age(uint64_t ts_usec, uint64_t now_usec, char *buf, size_t size) {
	if (ts_usec == 0) {
		snprintf(buf, size, "<unknown>");
		return buf;
	}
	return human_duration((int64_t)now_usec - (int64_t)ts_usec, buf, size);
}

char *human_restarts(unsigned restarts, uint64_t last_usec, uint64_t now_usec, char *buf,
                     size_t size) {
	char age[HUMAN_DURATION_MAX];

	if (restarts == 0 || last_usec == 0)
		snprintf(buf, size, "%u", restarts);
	else
		snprintf(buf, size, "%u (%s ago)", restarts,
		         human_age(last_usec, now_usec, age, sizeof(age)));
	return buf;
}

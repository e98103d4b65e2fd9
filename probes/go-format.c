/* SPDX-License-Identifier: Apache-2.0 */
#include <arpa/inet.h>
#include <ctype.h>
#include <inttypes.h>
#include <string.h>
#include <sys/socket.h>

#include "go-format.h"

/* Length of a valid UTF-8 sequence at s (at most n bytes), 0 if not valid. */
static size_t utf8_len(const unsigned char *s, size_t n) {
	size_t k;
	uint32_t c;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		k = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		k = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		k = 4, c = s[0] & 0x07;
	else
		return 0;
	if (k > n)
		return 0;
	for (size_t i = 1; i < k; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	/* overlong, surrogates, beyond U+10FFFF */
	if ((k == 3 && c < 0x800) || (k == 4 && c < 0x10000) || c > 0x10ffff ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return k;
}

void probe_go_quote(ProbeBuf *b, const char *s, size_t n) {
	const unsigned char *p = (const unsigned char *)s;

	probe_buf_puts(b, "\"");
	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		const char *esc = NULL;
		switch (c) {
		case '\a':
			esc = "\\a";
			break;
		case '\b':
			esc = "\\b";
			break;
		case '\f':
			esc = "\\f";
			break;
		case '\n':
			esc = "\\n";
			break;
		case '\r':
			esc = "\\r";
			break;
		case '\t':
			esc = "\\t";
			break;
		case '\v':
			esc = "\\v";
			break;
		case '\\':
			esc = "\\\\";
			break;
		case '"':
			esc = "\\\"";
			break;
		}
		if (esc) {
			probe_buf_puts(b, esc);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			probe_buf_printf(b, "\\x%02x", c);
			i++;
		} else {
			size_t k = utf8_len(p + i, n - i);
			if (k == 0) {
				probe_buf_printf(b, "\\x%02x", c);
				i++;
			} else {
				probe_buf_append(b, p + i, k);
				i += k;
			}
		}
	}
	probe_buf_puts(b, "\"");
}

void probe_go_duration(ProbeBuf *b, uint64_t usec) {
	if (usec == 0) {
		probe_buf_puts(b, "0s");
		return;
	}
	if (usec < 1000) {
		probe_buf_printf(b, "%" PRIu64 "\xc2\xb5s", usec);
		return;
	}
	if (usec < 1000000) {
		/* "1.5ms": milliseconds with the fraction trimmed */
		char frac[8];
		snprintf(frac, sizeof(frac), "%03u", (unsigned)(usec % 1000));
		for (int i = 2; i >= 0 && frac[i] == '0'; i--)
			frac[i] = 0;
		probe_buf_printf(b, "%" PRIu64 "%s%sms", usec / 1000, frac[0] ? "." : "", frac);
		return;
	}
	uint64_t secs = usec / 1000000, us = usec % 1000000;
	uint64_t h = secs / 3600, m = (secs / 60) % 60, s = secs % 60;
	if (h > 0)
		probe_buf_printf(b, "%" PRIu64 "h", h);
	if (h > 0 || m > 0)
		probe_buf_printf(b, "%" PRIu64 "m", m);
	probe_buf_printf(b, "%" PRIu64, s);
	if (us > 0) {
		char frac[8];
		snprintf(frac, sizeof(frac), "%06u", (unsigned)us);
		for (int i = 5; i >= 0 && frac[i] == '0'; i--)
			frac[i] = 0;
		probe_buf_printf(b, ".%s", frac);
	}
	probe_buf_puts(b, "s");
}

void probe_go_errno(ProbeBuf *b, int err) {
	char buf[128];
	const char *s;

	if (err < 0)
		err = -err;
	s = strerror_r(err, buf, sizeof(buf));
	/* Go's table is the libc text in lower case ("connection refused"). */
	for (; s && *s; s++) {
		char c = (char)tolower((unsigned char)*s);
		probe_buf_append(b, &c, 1);
	}
}

int probe_ip_literal_family(const char *s) {
	unsigned char buf[sizeof(struct in6_addr)];

	if (!s)
		return 0;
	if (inet_pton(AF_INET, s, buf) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, s, buf) == 1)
		return AF_INET6;
	return 0;
}

void probe_go_join_host_port(ProbeBuf *b, const char *host, unsigned port) {
	if (host && strchr(host, ':'))
		probe_buf_printf(b, "[%s]:%u", host, port);
	else
		probe_buf_printf(b, "%s:%u", strempty(host), port);
}

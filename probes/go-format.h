/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The kubelet is written in Go, and users grep its messages: these helpers print the way Go's
 * fmt and net packages do, so skiff's probe messages read the same
 * (`Get "http://10.0.0.2:8080/healthz": dial tcp 10.0.0.2:8080: connect: connection refused`).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

/* strconv.Quote / %q: "..." with Go escapes; invalid UTF-8 bytes as \xNN. */
void go_quote(Strbuf *b, const char *s, size_t n);
static inline void go_quote_str(Strbuf *b, const char *s) {
	go_quote(b, s, s ? strlen(s) : 0);
}
/* time.Duration.String: "1s", "1m30s", "1h0m0s", "500ms", "1.5s". */
void go_duration(Strbuf *b, uint64_t usec);
/* syscall.Errno.Error: "connection refused" (the libc text, lower case). */
void go_errno(Strbuf *b, int err);
/* net.JoinHostPort: "h:p", "[v6]:p". */
void go_join_host_port(Strbuf *b, const char *host, unsigned port);
/* Whether s is an IP literal (v4 or v6), and of which family (AF_INET/AF_INET6, or 0). */
int ip_literal_family(const char *s);

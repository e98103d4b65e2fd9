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
void probe_go_quote(ProbeBuf *b, const char *s, size_t n);
static inline void probe_go_quote_str(ProbeBuf *b, const char *s) {
	probe_go_quote(b, s, s ? strlen(s) : 0);
}
/* time.Duration.String: "1s", "1m30s", "1h0m0s", "500ms", "1.5s". */
void probe_go_duration(ProbeBuf *b, uint64_t usec);
/* syscall.Errno.Error: "connection refused" (the libc text, lower case). */
void probe_go_errno(ProbeBuf *b, int err);
/* net.JoinHostPort: "h:p", "[v6]:p". */
void probe_go_join_host_port(ProbeBuf *b, const char *host, unsigned port);
/* Whether s is an IP literal (v4 or v6), and of which family (AF_INET/AF_INET6, or 0). */
int probe_ip_literal_family(const char *s);

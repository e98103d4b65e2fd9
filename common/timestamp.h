/* SPDX-License-Identifier: Apache-2.0 */
/* RFC 3339 times as the Kubernetes API writes them (metav1.Time: UTC, whole seconds). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define RFC3339_MAX 40

/* "2024-05-01T10:00:00Z" (UTC, whole seconds, as metav1.Time marshals). Returns buf. */
char *rfc3339_format(uint64_t usec, char *buf, size_t size);
/* "2024-05-01T10:00:00Z", "...:00.123456Z", "...:00+02:00" -> µs since the epoch. */
int rfc3339_parse(const char *s, uint64_t *ret_usec);
/* The same to the nanosecond (RFC3339Nano, as CRI log lines and container records carry). */
int rfc3339_parse_nsec(const char *s, uint64_t *ret_nsec);

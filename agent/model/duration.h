/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Go durations (time.ParseDuration, time.Duration.String): the text form of every
 * metav1.Duration in the kubelet configuration and of scenario timings: "10s", "1m30s",
 * "100ms", "1.5h", "-2m", "300us" / "300µs", "0". Stored as int64 nanoseconds, like Go.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define DURATION_NANOSECOND INT64_C(1)
#define DURATION_MICROSECOND INT64_C(1000)
#define DURATION_MILLISECOND INT64_C(1000000)
#define DURATION_SECOND INT64_C(1000000000)
#define DURATION_MINUTE (60 * DURATION_SECOND)
#define DURATION_HOUR (60 * DURATION_MINUTE)

/* Room for any text duration_to_string() writes, NUL included ("-2562047h47m16.854775808s"). */
#define DURATION_STRING_MAX 32

/*
 * time.ParseDuration. Returns 0; -EINVAL for malformed text; -ERANGE when the value does not
 * fit an int64 of nanoseconds; -ENOMEM. On -EINVAL/-ERANGE *ret_error (if ret_error is not
 * NULL) receives Go's message, which the caller frees: `time: invalid duration "x"`,
 * `time: missing unit in duration "10"`, `time: unknown unit "d" in duration "1d"`.
 * duration_parse_len() takes a length, for text that may contain NUL bytes.
 */
int duration_parse(const char *s, int64_t *ret_ns, char **ret_error);
int duration_parse_len(const char *s, size_t len, int64_t *ret_ns, char **ret_error);

/* time.Duration.String(): "1m30s", "5m0s", "100ms", "1h0m0s", "0s", "1.5s". Returns buf. */
const char *duration_to_string(int64_t ns, char buf[static DURATION_STRING_MAX]);

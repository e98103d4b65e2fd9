/* SPDX-License-Identifier: Apache-2.0 */
/* Go-shaped text (strconv.Quote, time.Duration, net.JoinHostPort) and the bounded builder. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "go-format.h"

static void check_quote(const char *in, size_t n, const char *want) {
	ProbeBuf b;
	probe_buf_init(&b, 1000);
	probe_go_quote(&b, in, n);
	assert_string_equal(probe_buf_str(&b), want);
	probe_buf_done(&b);
}

static void test_quote(void **state) {
	(void)state;
	check_quote("sleep 5", 7, "\"sleep 5\"");
	check_quote("a\"b\\c", 5, "\"a\\\"b\\\\c\"");
	check_quote("\n\t\r\a\b\f\v", 7, "\"\\n\\t\\r\\a\\b\\f\\v\"");
	check_quote("\x01\x7f", 2, "\"\\x01\\x7f\"");
	check_quote("caf\xc3\xa9", 5, "\"caf\xc3\xa9\"");      /* valid UTF-8 kept */
	check_quote("\xff\xc3", 2, "\"\\xff\\xc3\"");          /* invalid bytes escaped */
	check_quote("\xe0\x80\x80", 3, "\"\\xe0\\x80\\x80\""); /* overlong */
	check_quote("\xed\xa0\x80", 3, "\"\\xed\\xa0\\x80\""); /* surrogate */
	check_quote("", 0, "\"\"");
}

static void check_duration(uint64_t usec, const char *want) {
	ProbeBuf b;
	probe_buf_init(&b, 100);
	probe_go_duration(&b, usec);
	assert_string_equal(probe_buf_str(&b), want);
	probe_buf_done(&b);
}

static void test_duration(void **state) {
	(void)state;
	check_duration(0, "0s");
	check_duration(1000000, "1s");
	check_duration(10000000, "10s");
	check_duration(60000000, "1m0s");
	check_duration(90000000, "1m30s");
	check_duration(3600000000ULL, "1h0m0s");
	check_duration(3723000000ULL, "1h2m3s");
	check_duration(1500000, "1.5s");
	check_duration(500000, "500ms");
	check_duration(1500, "1.5ms");
	check_duration(7, "7\xc2\xb5s");
}

static void test_net(void **state) {
	ProbeBuf b;
	(void)state;
	probe_buf_init(&b, 100);
	probe_go_join_host_port(&b, "127.0.0.1", 81);
	probe_buf_puts(&b, " ");
	probe_go_join_host_port(&b, "::1", 81);
	probe_buf_puts(&b, " ");
	probe_go_errno(&b, ECONNREFUSED);
	probe_buf_puts(&b, " ");
	probe_go_errno(&b, -ENETUNREACH);
	assert_string_equal(probe_buf_str(&b),
	                    "127.0.0.1:81 [::1]:81 connection refused network is unreachable");
	probe_buf_done(&b);
	assert_int_equal(probe_ip_literal_family("10.1.2.3"), AF_INET);
	assert_int_equal(probe_ip_literal_family("fd00::1"), AF_INET6);
	assert_int_equal(probe_ip_literal_family("localhost"), 0);
	assert_int_equal(probe_ip_literal_family("10.1.2"), 0);
	assert_int_equal(probe_ip_literal_family(NULL), 0);
}

static void test_strbuf(void **state) {
	ProbeBuf b;
	(void)state;
	probe_buf_init(&b, 8);
	assert_string_equal(probe_buf_str(&b), "");
	probe_buf_puts(&b, "12345");
	probe_buf_printf(&b, "%d", 6789);
	assert_string_equal(probe_buf_str(&b), "12345678");
	assert_true(b.truncated);
	probe_buf_reset(&b);
	assert_string_equal(probe_buf_str(&b), "");
	assert_false(b.truncated);
	char big[600];
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	probe_buf_done(&b);
	probe_buf_init(&b, 1000);
	probe_buf_printf(&b, "<%s>", big);
	assert_int_equal(b.len, 601);
	char *s = probe_buf_steal(&b);
	assert_int_equal(strlen(s), 601);
	free(s);
	assert_null(b.s);
	s = probe_buf_steal(&b);
	assert_string_equal(s, "");
	free(s);
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quote),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_net),
		cmocka_unit_test(test_strbuf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Container restart back-off: client-go flowcontrol semantics as the kubelet uses them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "backoff.h"

#define S(x) ((uint64_t)(x)*1000000ULL)

static void test_first_failure_restarts_at_once(void **state) {
	Backoff b = {};
	/* no entry: not in back-off; the first restart is immediate and arms 10 s */
	assert_false(backoff_in_backoff_since(&b, S(100), S(100)));
	backoff_next(&b, S(100), S(100));
	assert_int_equal(b.delay, S(10));
}

static void test_doubles_to_cap(void **state) {
	Backoff b = {};
	uint64_t t = S(1000);
	uint64_t want[] = { 10, 20, 40, 80, 160, 300, 300 };
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		backoff_next(&b, t, t);
		assert_int_equal(b.delay, S(want[i]));
		/* the container crashes 1 s after it started: must wait the delay */
		t += S(1);
		assert_true(backoff_in_backoff_since(&b, t, t));
		assert_true(backoff_in_backoff_since(&b, t, t + b.delay - 1));
		assert_false(backoff_in_backoff_since(&b, t, t + b.delay));
		assert_int_equal(backoff_until(&b, t), t + b.delay);
		t += b.delay;
	}
}

static void test_resets_after_ten_minutes_of_running(void **state) {
	Backoff b = {};
	backoff_next(&b, S(0), S(0));
	backoff_next(&b, S(5), S(20)); /* 20 s */
	assert_int_equal(b.delay, S(20));
	/* ran 10 min + 1 s since the last restart: the entry expired */
	uint64_t finished = S(20) + S(601);
	assert_false(backoff_in_backoff_since(&b, finished, finished));
	backoff_next(&b, finished, finished);
	assert_int_equal(b.delay, S(10));
}

static void test_exactly_ten_minutes_does_not_reset(void **state) {
	Backoff b = {};
	backoff_next(&b, S(0), S(0));
	uint64_t finished = S(600); /* eventTime - lastUpdate == 2*max: not expired (strictly >) */
	assert_true(backoff_in_backoff_since(&b, finished, finished));
	backoff_next(&b, finished, finished + S(10));
	assert_int_equal(b.delay, S(20));
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_failure_restarts_at_once),
		cmocka_unit_test(test_doubles_to_cap),
		cmocka_unit_test(test_resets_after_ten_minutes_of_running),
		cmocka_unit_test(test_exactly_ten_minutes_does_not_reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

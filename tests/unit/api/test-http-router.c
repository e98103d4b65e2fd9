/* SPDX-License-Identifier: Apache-2.0 */
/* Routing of the local API: exact paths, parameters, "*" rests, 404 vs 405, HEAD. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http-router.h"

static int tag_pods = 1, tag_pod = 2, tag_log = 3, tag_exec = 4, tag_health = 5, tag_debug = 6,
           tag_delete = 7, tag_root = 8;

static HttpRouter *router_fixture(void) {
	HttpRouter *r = NULL;
	assert_int_equal(http_router_new(&r), 0);
	assert_int_equal(http_router_add(r, "GET", "/pods", &tag_pods), 0);
	assert_int_equal(http_router_add(r, "GET", "/pods/{namespace}/{name}", &tag_pod), 0);
	assert_int_equal(http_router_add(r, "GET", "/pods/{namespace}/{name}/log", &tag_log), 0);
	assert_int_equal(http_router_add(r, "POST", "/pods/{namespace}/{name}/exec", &tag_exec), 0);
	assert_int_equal(http_router_add(r, "DELETE", "/pods/{namespace}/{name}", &tag_delete), 0);
	assert_int_equal(http_router_add(r, "GET", "/healthz", &tag_health), 0);
	assert_int_equal(http_router_add(r, "*", "/debug/*", &tag_debug), 0);
	assert_int_equal(http_router_add(r, "GET", "/", &tag_root), 0);
	return r;
}

static void test_exact_and_params(void **state) {
	_cleanup_(http_router_freep) HttpRouter *r = router_fixture();
	HttpRouteMatch m;

	assert_int_equal(http_router_match(r, "GET", "/pods", &m), 0);
	assert_ptr_equal(m.data, &tag_pods);
	assert_int_equal(m.n_params, 0);
	assert_null(m.rest);
	http_route_match_done(&m);

	assert_int_equal(http_router_match(r, "GET", "/pods/default/web-0/log", &m), 0);
	assert_ptr_equal(m.data, &tag_log);
	assert_string_equal(m.pattern, "/pods/{namespace}/{name}/log");
	assert_int_equal(m.n_params, 2);
	assert_string_equal(http_route_match_param(&m, "namespace"), "default");
	assert_string_equal(http_route_match_param(&m, "name"), "web-0");
	assert_null(http_route_match_param(&m, "container"));
	http_route_match_done(&m);

	assert_int_equal(http_router_match(r, "GET", "/pods/kube-system/dns", &m), 0);
	assert_ptr_equal(m.data, &tag_pod);
	http_route_match_done(&m);

	assert_int_equal(http_router_match(r, "GET", "/", &m), 0);
	assert_ptr_equal(m.data, &tag_root);
	http_route_match_done(&m);
}

static void test_methods(void **state) {
	_cleanup_(http_router_freep) HttpRouter *r = router_fixture();
	HttpRouteMatch m;
	char allow[64];

	assert_int_equal(http_router_match(r, "DELETE", "/pods/a/b", &m), 0);
	assert_ptr_equal(m.data, &tag_delete);
	http_route_match_done(&m);

	/* HEAD is served by GET routes */
	assert_int_equal(http_router_match(r, "HEAD", "/healthz", &m), 0);
	assert_ptr_equal(m.data, &tag_health);
	http_route_match_done(&m);

	assert_int_equal(http_router_match(r, "POST", "/healthz", &m), -EOPNOTSUPP);
	assert_int_equal(http_router_match(r, "PUT", "/pods/a/b", &m), -EOPNOTSUPP);
	assert_int_equal(http_router_allow(r, "/pods/a/b", allow, sizeof(allow)), 11);
	assert_string_equal(allow, "GET, DELETE");
	assert_int_equal(http_router_match(r, "GET", "/pods/a/b/exec", &m), -EOPNOTSUPP);
	assert_int_equal(http_router_allow(r, "/pods/a/b/exec", allow, sizeof(allow)), 4);
	assert_string_equal(allow, "POST");
	assert_int_equal(http_router_allow(r, "/pods/a/b/exec", allow, 3), -ENOBUFS);
}

static void test_not_found(void **state) {
	_cleanup_(http_router_freep) HttpRouter *r = router_fixture();
	HttpRouteMatch m;

	assert_int_equal(http_router_match(r, "GET", "/nope", &m), -ENOENT);
	assert_int_equal(http_router_match(r, "GET", "/pods/", &m), -ENOENT);
	assert_int_equal(http_router_match(r, "GET", "/pods/default", &m), -ENOENT);
	assert_int_equal(http_router_match(r, "GET", "/pods//x", &m), -ENOENT); /* empty param */
	assert_int_equal(http_router_match(r, "GET", "/pods/a/b/log/more", &m), -ENOENT);
	assert_int_equal(http_router_match(r, "GET", "/healthz/", &m), -ENOENT);
	assert_int_equal(http_router_match(r, "GET", "relative", &m), -ENOENT);
	assert_int_equal(http_router_match(r, "GET", "/debug", &m), -ENOENT);
	/* more segments than any route can have */
	char deep[200] = "";
	for (int i = 0; i < 40; i++)
		strcat(deep, "/a");
	assert_int_equal(http_router_match(r, "GET", deep, &m), -ENOENT);
}

static void test_rest(void **state) {
	_cleanup_(http_router_freep) HttpRouter *r = router_fixture();
	HttpRouteMatch m;

	assert_int_equal(http_router_match(r, "PATCH", "/debug/pprof/heap", &m), 0);
	assert_ptr_equal(m.data, &tag_debug);
	assert_string_equal(m.rest, "pprof/heap");
	http_route_match_done(&m);
	assert_int_equal(http_router_match(r, "GET", "/debug/", &m), 0);
	assert_string_equal(m.rest, "");
	http_route_match_done(&m);
}

static void test_bad_patterns(void **state) {
	_cleanup_(http_router_freep) HttpRouter *r = NULL;

	assert_int_equal(http_router_new(&r), 0);
	assert_int_equal(http_router_add(r, "GET", "pods", NULL), -EINVAL);
	assert_int_equal(http_router_add(r, "GET", "/pods/{}", NULL), -EINVAL);
	assert_int_equal(http_router_add(r, "GET", "/pods/{a-b}", NULL), -EINVAL);
	assert_int_equal(http_router_add(r, "GET", "/a/{x}/{x}", NULL), -EINVAL);
	assert_int_equal(http_router_add(r, "GET", "/a/*/b", NULL), -EINVAL);
	assert_int_equal(http_router_add(r, "GET", "/a//b", NULL), -EINVAL);
	assert_int_equal(http_router_add(r, "GET", "/a?x", NULL), -EINVAL);
	assert_int_equal(http_router_add(r, "get", "/a", NULL), -EINVAL);
	assert_int_equal(http_router_add(r, "", "/a", NULL), -EINVAL);
	assert_int_equal(http_router_add(r, "GET", "/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}", NULL),
	                 -EINVAL);
	assert_int_equal(http_router_add(r, "GET", "/a", NULL), 0);
	assert_int_equal(http_router_add(r, "GET", "/a", NULL), -EEXIST);
	assert_int_equal(http_router_add(r, "POST", "/a", NULL), 0);
}

static void test_bound(void **state) {
	_cleanup_(http_router_freep) HttpRouter *r = NULL;
	char p[32];

	assert_int_equal(http_router_new(&r), 0);
	for (int i = 0; i < HTTP_ROUTER_MAX_ROUTES; i++) {
		snprintf(p, sizeof(p), "/r%d", i);
		assert_int_equal(http_router_add(r, "GET", p, NULL), 0);
	}
	assert_int_equal(http_router_add(r, "GET", "/one-more", NULL), -E2BIG);
}

static void test_first_wins(void **state) {
	_cleanup_(http_router_freep) HttpRouter *r = NULL;
	HttpRouteMatch m;
	int a, b;

	assert_int_equal(http_router_new(&r), 0);
	assert_int_equal(http_router_add(r, "GET", "/pods/_all", &a), 0);
	assert_int_equal(http_router_add(r, "GET", "/pods/{namespace}", &b), 0);
	assert_int_equal(http_router_match(r, "GET", "/pods/_all", &m), 0);
	assert_ptr_equal(m.data, &a);
	http_route_match_done(&m);
	assert_int_equal(http_router_match(r, "GET", "/pods/default", &m), 0);
	assert_ptr_equal(m.data, &b);
	http_route_match_done(&m);
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_and_params), cmocka_unit_test(test_methods),
		cmocka_unit_test(test_not_found),        cmocka_unit_test(test_rest),
		cmocka_unit_test(test_bad_patterns),     cmocka_unit_test(test_bound),
		cmocka_unit_test(test_first_wins),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

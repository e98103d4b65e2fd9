/* SPDX-License-Identifier: Apache-2.0 */
/* Decoding a v1 Pod: every modelled field, type errors, unknown fields, bounds, rejections. */
#include "pod-test-data.h"
#include "pod-test-util.h"

static void test_full_pod(void **state) {
	Pod *pod = load_ok(full_pod);
	const PodSpec *s = &pod->spec;
	const Container *c = &s->containers[0];
	char buf[QUANTITY_STRING_MAX];

	assert_string_equal(pod->metadata.name, "web");
	assert_string_equal(pod->metadata.namespace, "prod");
	assert_string_equal(pod->metadata.uid, "1234");
	assert_int_equal(pod->metadata.labels.n, 2);
	assert_string_equal(pod->metadata.labels.keys[1], "tier");
	assert_string_equal(strmap_get(&pod->metadata.annotations, "note"), "hi");
	assert_int_equal(s->restart_policy, RESTART_POLICY_ON_FAILURE);
	assert_true(s->termination_grace_period_seconds.set);
	assert_int_equal(s->termination_grace_period_seconds.value, 5);
	assert_int_equal(s->active_deadline_seconds.value, 600);
	assert_true(s->host_pid && s->host_ipc && !s->host_network);
	assert_string_equal(s->hostname, "h1");
	assert_int_equal(s->priority.value, 10);
	assert_string_equal(s->node_name, "node-1");
	assert_int_equal(s->dns_policy, DNS_POLICY_DEFAULT);
	assert_int_equal(s->security_context->n_supplemental_groups, 2);
	assert_int_equal(s->security_context->supplemental_groups[1], 3001);
	assert_int_equal(s->security_context->fs_group.value, 4000);
	assert_int_equal(s->security_context->seccomp_profile->type,
	                 SECCOMP_PROFILE_RUNTIME_DEFAULT);

	assert_int_equal(s->n_volumes, 2);
	assert_int_equal(s->volumes[0].type, VOLUME_EMPTY_DIR);
	assert_int_equal(s->volumes[0].empty_dir.medium, STORAGE_MEDIUM_MEMORY);
	assert_string_equal(quantity_to_string(&s->volumes[0].empty_dir.size_limit.value, buf),
	                    "64Mi");
	assert_int_equal(s->volumes[1].type, VOLUME_HOST_PATH);
	assert_string_equal(s->volumes[1].host_path.path, "/srv");
	assert_int_equal(s->volumes[1].host_path.type, HOST_PATH_DIRECTORY);

	assert_int_equal(s->n_init_containers, 2);
	assert_int_equal(s->init_containers[0].kind, CONTAINER_INIT);
	assert_false(container_is_sidecar(&s->init_containers[0]));
	assert_true(container_is_sidecar(&s->init_containers[1]));
	assert_string_equal(s->init_containers[0].command[2], "true");
	assert_null(s->init_containers[0].command[3]);

	assert_string_equal(c->image, "busybox");
	assert_int_equal(c->image_pull_policy, PULL_POLICY_NEVER);
	assert_int_equal(c->n_args, 3);
	assert_string_equal(c->args[2], "8080");
	assert_string_equal(c->working_dir, "/www");
	assert_int_equal(c->n_env, 3);
	assert_int_equal(c->env[0].source, ENV_SOURCE_VALUE);
	assert_int_equal(c->env[1].source, ENV_SOURCE_FIELD_REF);
	assert_string_equal(c->env[1].field_ref.field_path, "metadata.name");
	assert_int_equal(c->env[2].source, ENV_SOURCE_RESOURCE_FIELD);
	assert_string_equal(quantity_to_string(&c->env[2].resource_field_ref.divisor.value, buf),
	                    "1Mi");
	assert_int_equal(c->ports[0].container_port, 8080);
	assert_int_equal(c->ports[0].host_port, 18080);
	assert_string_equal(c->ports[0].host_ip, "127.0.0.1");
	assert_int_equal(c->ports[0].protocol, PROTOCOL_UDP);
	assert_string_equal(quantity_to_string(&c->resources.limits.cpu.value, buf), "500m");
	assert_string_equal(quantity_to_string(&c->resources.limits.ephemeral_storage.value, buf),
	                    "1Gi");
	assert_string_equal(quantity_to_string(&c->resources.requests.cpu.value, buf), "250m");
	assert_string_equal(quantity_to_string(&c->resources.requests.memory.value, buf),
	                    "67108864");
	assert_true(c->volume_mounts[0].read_only);
	assert_string_equal(c->volume_mounts[0].sub_path, "x");

	assert_int_equal(c->liveness_probe->handler.type, HANDLER_HTTP_GET);
	assert_true(c->liveness_probe->handler.http_get.port.is_name);
	assert_string_equal(c->liveness_probe->handler.http_get.port.name, "http");
	assert_int_equal(c->liveness_probe->handler.http_get.scheme, URI_SCHEME_HTTPS);
	assert_string_equal(c->liveness_probe->handler.http_get.headers[0].name, "X-A");
	assert_int_equal(c->liveness_probe->failure_threshold, 4);
	assert_int_equal(c->liveness_probe->termination_grace_period_seconds.value, 7);
	assert_int_equal(c->readiness_probe->handler.type, HANDLER_TCP_SOCKET);
	assert_int_equal(c->readiness_probe->handler.tcp_socket.port.number, 8080);
	assert_int_equal(c->startup_probe->handler.type, HANDLER_GRPC);
	assert_string_equal(c->startup_probe->handler.grpc.service, "svc");
	assert_int_equal(c->lifecycle->post_start->type, HANDLER_EXEC);
	assert_int_equal(c->lifecycle->pre_stop->type, HANDLER_SLEEP);
	assert_int_equal(c->lifecycle->pre_stop->sleep.seconds, 2);

	assert_int_equal(c->security_context->run_as_user.value, 1);
	assert_true(c->security_context->read_only_root_filesystem.value);
	assert_true(c->security_context->allow_privilege_escalation.set);
	assert_false(c->security_context->allow_privilege_escalation.value);
	assert_string_equal(c->security_context->capabilities->drop[0], "ALL");
	assert_string_equal(c->security_context->seccomp_profile->localhost_profile, "my.json");
	assert_int_equal(c->security_context->proc_mount, PROC_MOUNT_DEFAULT);
	assert_string_equal(c->termination_message_path, "/tmp/msg");
	assert_int_equal(c->termination_message_policy,
	                 TERMINATION_MESSAGE_FALLBACK_TO_LOGS_ON_ERROR);
	assert_ptr_equal(pod_find_container(pod, "side"), &s->init_containers[1]);
	assert_null(pod_find_container(pod, "nope"));
	assert_ptr_equal(pod_find_volume(pod, "host"), &s->volumes[1]);
	assert_null(pod_find_volume(pod, "nope"));
	assert_int_equal(container_resolve_port(c, &c->liveness_probe->handler.http_get.port),
	                 8080);
	assert_int_equal(container_resolve_port(c, &c->readiness_probe->handler.tcp_socket.port),
	                 8080);
	assert_int_equal(container_resolve_port(c, &(PortRef){ .is_name = true, .name = "9000" }),
	                 9000);
	assert_int_equal(container_resolve_port(c, &(PortRef){ .is_name = true, .name = "nope" }),
	                 -ENOENT);
	pod_free(pod);
}

static void test_type_errors(void **state) {
	Diag d = {};

	load_err(POD_JSON(ONE_CONTAINER(",'ports':[{'containerPort':'80'}]")), &d);
	assert_error(&d, "spec.containers[0].ports[0].containerPort: expected integer, got string");
	/* The field that failed to decode is not also "Required". */
	assert_n_errors(&d, 1);
	diag_clear(&d);

	load_err("{'apiVersion':'v1','kind':'Pod','metadata':{'name':5},"
	         "'spec':{" ONE_CONTAINER(",'tty':'yes'") ",'hostNetwork':1}}",
	         &d);
	assert_error(&d, "metadata.name: expected string, got integer");
	assert_error(&d, "spec.containers[0].tty: expected boolean, got string");
	assert_error(&d, "spec.hostNetwork: expected boolean, got integer");
	assert_n_errors(&d, 3);
	diag_clear(&d);

	load_err(POD_JSON("'containers':{'name':'x'}"), &d);
	assert_error(&d, "spec.containers: expected array, got object");
	assert_n_errors(&d, 1);
	diag_clear(&d);

	load_err(POD_JSON(ONE_CONTAINER(",'ports':[{'containerPort':4294967296}]")), &d);
	assert_error(&d, "spec.containers[0].ports[0].containerPort: Invalid value: 4294967296: "
	                 "must fit in a 32-bit integer");
	diag_clear(&d);

	load_err(POD_JSON(ONE_CONTAINER(",'livenessProbe':{'httpGet':{'port':true}}")), &d);
	assert_error(&d, "spec.containers[0].livenessProbe.httpGet.port: expected integer or "
	                 "string, got boolean");
	diag_clear(&d);

	load_err(POD_JSON(ONE_CONTAINER(",'resources':{'limits':{'cpu':true}}")), &d);
	assert_error(&d, "spec.containers[0].resources.limits.cpu: expected quantity (string or "
	                 "number), got boolean");
	diag_clear(&d);
}

static void test_nul_in_string(void **state) {
	Diag d = {};

	load_err(POD_JSON(ONE_CONTAINER(",'workingDir':'/a\\u0000b'")), &d);
	assert_error(&d, "spec.containers[0].workingDir: Invalid value: must not contain a NUL "
	                 "character");
	diag_clear(&d);
}

static void test_unknown_fields(void **state) {
	Diag d = {};
	Pod *pod = load_warn(
	        POD_JSON(ONE_CONTAINER(",'bogus':1") ",'foo':{},"
	                                             "'nodeSelector':{'a':'b'},'tolerations':[],"
	                                             "'serviceAccountName':'default'"),
	        &d);

	assert_warning(&d, "unknown field \"spec.foo\"");
	assert_warning(&d, "unknown field \"spec.containers[0].bogus\"");
	/* Known fields skiff does not act on are accepted silently. */
	assert_int_equal(d.n_warnings, 2);
	assert_int_equal(d.n_errors, 0);
	pod_free(pod);
	diag_clear(&d);
}

static void test_quantities(void **state) {
	Diag d = {};
	char buf[QUANTITY_STRING_MAX];

	load_err(
	        POD_JSON(
	                "'containers':[{'name':'a','image':'busybox'},"
	                "{'name':'b','image':'busybox','resources':{'limits':{'memory':'12XB'}}}]"),
	        &d);
	assert_error(&d, "spec.containers[1].resources.limits.memory: invalid quantity \"12XB\"");
	assert_n_errors(&d, 1);
	diag_clear(&d);

	Pod *pod =
	        load_ok(POD_JSON(ONE_CONTAINER(",'resources':{'limits':{'cpu':1,'memory':1e3}}")));
	assert_string_equal(
	        quantity_to_string(&pod->spec.containers[0].resources.limits.cpu.value, buf), "1");
	assert_string_equal(
	        quantity_to_string(&pod->spec.containers[0].resources.limits.memory.value, buf),
	        "1e3");
	pod_free(pod);
}

static void test_unsupported(void **state) {
	Diag d = {};

	load_err(POD_JSON(ONE_CONTAINER(",'resources':{'limits':{'hugepages-2Mi':'4Mi',"
	                                "'nvidia.com/gpu':1,'gpu':1}}")),
	         &d);
	assert_error(&d, "spec.containers[0].resources.limits.hugepages-2Mi: Forbidden: hugepages "
	                 "are not supported by skiff");
	assert_error(&d, "spec.containers[0].resources.limits.nvidia.com/gpu: Forbidden: extended "
	                 "resources are not supported by skiff");
	assert_error(&d, "spec.containers[0].resources.limits.gpu: Invalid value: \"gpu\": must be "
	                 "a standard resource for containers");
	diag_clear(&d);

	load_err(POD_JSON(ONE_CONTAINER(
	                 ",'tty':true,'stdin':true,'stdinOnce':false,"
	                 "'envFrom':[{'configMapRef':{'name':'x'}}],"
	                 "'env':[{'name':'S','valueFrom':{'secretKeyRef':"
	                 "{'name':'s','key':'k'}}}]") ",'volumes':[{'name':'c','configMap':{'name':"
	                                              "'x'}}],"
	                                              "'securityContext':{'sysctls':[{'name':'net."
	                                              "core.somaxconn','value':'1'}]}"),
	         &d);
	assert_error(&d, "spec.containers[0].tty: Forbidden: not supported by skiff (no attach)");
	assert_error(&d, "spec.containers[0].stdin: Forbidden: not supported by skiff (no attach)");
	assert_error(&d, "spec.containers[0].envFrom: Forbidden: not supported by skiff");
	assert_error(&d, "spec.containers[0].env[0].valueFrom.secretKeyRef: Forbidden: not "
	                 "supported by skiff (no API server to read it from)");
	assert_error(&d, "spec.volumes[0].configMap: Forbidden: volume type not supported by skiff "
	                 "(supported: emptyDir, hostPath)");
	assert_error(&d, "spec.securityContext.sysctls: Forbidden: sysctls are not supported by "
	                 "skiff");
	/* The unsupported volume is not also "must specify a volume type". */
	assert_n_errors(&d, 6);
	diag_clear(&d);

	load_err(POD_JSON(ONE_CONTAINER("") ",'volumes':[{'name':'v','emptyDir':{},"
	                                    "'hostPath':{'path':'/x'}}],'hostUsers':false"),
	         &d);
	assert_error(&d, "spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume "
	                 "type");
	assert_error(&d, "spec.hostUsers: Forbidden: user namespaces are not supported by skiff");
	diag_clear(&d);

	load_err(POD_JSON(ONE_CONTAINER(
	                 ",'volumeMounts':[{'name':'v','mountPath':'/v',"
	                 "'subPathExpr':'$(X)','mountPropagation':'Bidirectional'}]") ",'volumes':["
	                                                                              "{'name':'v',"
	                                                                              "'emptyDir':{"
	                                                                              "'medium':'"
	                                                                              "HugePages'}}"
	                                                                              "]"),
	         &d);
	assert_error(&d, "spec.containers[0].volumeMounts[0].subPathExpr: Forbidden: not "
	                 "supported by skiff");
	assert_error(&d, "spec.containers[0].volumeMounts[0].mountPropagation: Forbidden: mount "
	                 "propagation is not supported by skiff");
	assert_error(&d, "spec.volumes[0].emptyDir.medium: Forbidden: hugepages are not supported "
	                 "by skiff");
	diag_clear(&d);
}

static char *xmalloc(size_t size) __attribute__((returns_nonnull));
static char *xmalloc(size_t size) {
	char *p = malloc(size);
	if (!p)
		abort();
	return p;
}

static void test_bounds(void **state) {
	Diag d = {};
	char *text, *p;
	size_t size = 200 * 65 + 200;

	/* 65 containers */
	text = xmalloc(size);
	p = text + sprintf(text, "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'x'},"
	                         "'spec':{'containers':[");
	for (int i = 0; i < 65; i++)
		p += sprintf(p, "%s{'name':'c%d','image':'busybox'}", i ? "," : "", i);
	strcpy(p, "]}}");
	load_err(text, &d);
	assert_error(&d, "spec.containers: Too many: 65: must have at most 64 items");
	assert_n_errors(&d, 1);
	diag_clear(&d);
	free(text);

	/* 1025 args */
	size = 10 * 1025 + 300;
	text = xmalloc(size);
	p = text + sprintf(text, "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'x'},"
	                         "'spec':{'containers':[{'name':'a','image':'b','args':[");
	for (int i = 0; i < 1025; i++)
		p += sprintf(p, "%s'a'", i ? "," : "");
	strcpy(p, "]}]}}");
	load_err(text, &d);
	assert_error(&d, "spec.containers[0].args: Too many: 1025: must have at most 1024 items");
	diag_clear(&d);
	free(text);

	/* env bytes: 3 x 100 KiB values */
	size = 3 * 102400 + 1000;
	text = xmalloc(size);
	p = text + sprintf(text, "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'x'},"
	                         "'spec':{'containers':[{'name':'a','image':'b','env':[");
	for (int i = 0; i < 3; i++) {
		p += sprintf(p, "%s{'name':'V%d','value':'", i ? "," : "", i);
		memset(p, 'x', 102400);
		p += 102400;
		p += sprintf(p, "'}");
	}
	strcpy(p, "]}]}}");
	load_err(text, &d);
	assert_error(&d, "spec.containers[0].env: Too long: must have at most 262144 bytes");
	diag_clear(&d);
	free(text);
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_pod),      cmocka_unit_test(test_type_errors),
		cmocka_unit_test(test_nul_in_string), cmocka_unit_test(test_unknown_fields),
		cmocka_unit_test(test_quantities),    cmocka_unit_test(test_unsupported),
		cmocka_unit_test(test_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

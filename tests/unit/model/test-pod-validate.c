/* SPDX-License-Identifier: Apache-2.0 */
/* Validation: the API server's rules and exact messages, every error reported. */
#include "pod-test-util.h"

#define LABEL_MSG                                                                                  \
	"a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "   \
	"and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', "   \
	"regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
#define SUBDOMAIN_MSG                                                                              \
	"a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' "  \
	"or '.', and must start and end with an alphanumeric character (e.g. 'example.com', "      \
	"regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*"       \
	"[a-z0-9])?)*')"

static void check_one(const char *json, const char *error) {
	Diag d = {};

	load_err(json, &d);
	assert_error(&d, error);
	assert_n_errors(&d, 1);
	diag_clear(&d);
}

static void test_metadata(void **state) {
	Diag d = {};

	load_err("{'apiVersion':'v1','kind':'Pod','metadata':{'labels':{'a b':'c','ok':'-x'}},"
	         "'spec':{" ONE_CONTAINER("") "}}",
	         &d);
	assert_error(&d, "metadata.name: Required value: name or generateName is required");
	assert_error(&d,
	             "metadata.labels: Invalid value: \"a b\": name part must consist of "
	             "alphanumeric characters, '-', '_' or '.', and must start and end with an "
	             "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex "
	             "used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
	assert_error(&d, "metadata.labels: Invalid value: \"-x\": a valid label must be an empty "
	                 "string or consist of alphanumeric characters, '-', '_' or '.', and must "
	                 "start and end with an alphanumeric character (e.g. 'MyValue',  or "
	                 "'my_value',  or '12345', regex used for validation is "
	                 "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
	assert_n_errors(&d, 3);
	diag_clear(&d);

	check_one(
	        "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'Web'},'spec':{" ONE_CONTAINER(
	                "") "}}",
	        "metadata.name: Invalid value: \"Web\": " SUBDOMAIN_MSG);
	check_one("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'w','namespace':'a.b'},"
	          "'spec':{" ONE_CONTAINER("") "}}",
	          "metadata.namespace: Invalid value: \"a.b\": must not contain dots");
}

static void test_annotations_size(void **state) {
	size_t big = 262144;
	char *text = malloc(big + 400), *p;
	Diag d = {};

	assert_non_null(text);
	p = text + sprintf(text, "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'w',"
	                         "'annotations':{'Example.COM/Key':'");
	memset(p, 'x', big);
	p += big;
	strcpy(p, "'}},'spec':{" ONE_CONTAINER("") "}}");
	load_err(text, &d);
	assert_error(&d, "metadata.annotations: Too long: must have at most 262144 bytes");
	assert_n_errors(&d, 1);
	diag_clear(&d);
	free(text);
}

static void test_containers(void **state) {
	Diag d = {};

	check_one(POD_JSON("'containers':[]"), "spec.containers: Required value");
	check_one(POD_JSON("'containers':[{'name':'Web','image':'busybox'}]"),
	          "spec.containers[0].name: Invalid value: \"Web\": " LABEL_MSG);
	check_one(POD_JSON("'containers':[{'name':'web'}]"), "spec.containers[0].image: Required "
	                                                     "value");
	check_one(POD_JSON("'containers':[{'name':'web','image':' busybox'}]"),
	          "spec.containers[0].image: Invalid value: \" busybox\": must not have leading or "
	          "trailing whitespace");
	check_one(POD_JSON("'containers':[{'name':'web','image':'a'},{'name':'web','image':'b'}]"),
	          "spec.containers[1].name: Duplicate value: \"web\"");
	check_one(POD_JSON("'initContainers':[{'name':'web','image':'a'}],"
	                   "'containers':[{'name':'web','image':'b'}]"),
	          "spec.initContainers[0].name: Duplicate value: \"web\"");
	check_one(POD_JSON("'containers':[{'name':'web','image':'b','restartPolicy':'Always'}]"),
	          "spec.containers[0].restartPolicy: Forbidden: may not be set for non-init "
	          "containers");
	check_one(POD_JSON("'initContainers':[{'name':'i','image':'a','restartPolicy':'Never'}]"
	                   "," ONE_CONTAINER("")),
	          "spec.initContainers[0].restartPolicy: Unsupported value: \"Never\": supported "
	          "values: \"Always\"");
	check_one(POD_JSON("'initContainers':[{'name':'i','image':'a','readinessProbe':"
	                   "{'exec':{'command':['true']}}}]," ONE_CONTAINER("")),
	          "spec.initContainers[0].readinessProbe: Forbidden: may not be set for init "
	          "containers without restartPolicy=Always");
	check_one(
	        POD_JSON(ONE_CONTAINER(",'workingDir':'www'")),
	        "spec.containers[0].workingDir: Invalid value: \"www\": must be an absolute path");

	/* A sidecar may have probes and hooks; they are validated. */
	load_err(POD_JSON("'initContainers':[{'name':'s','image':'a','restartPolicy':'Always',"
	                  "'livenessProbe':{'exec':{'command':['true']},'successThreshold':3}}]"
	                  "," ONE_CONTAINER("")),
	         &d);
	assert_error(&d, "spec.initContainers[0].livenessProbe.successThreshold: Invalid value: 3: "
	                 "must be 1");
	diag_clear(&d);
}

static void test_spec_fields(void **state) {
	check_one(POD_JSON(ONE_CONTAINER("") ",'restartPolicy':'Sometimes'"),
	          "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: "
	          "\"Always\", \"OnFailure\", \"Never\"");
	check_one(POD_JSON(ONE_CONTAINER("") ",'activeDeadlineSeconds':0"),
	          "spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, "
	          "inclusive");
	check_one(POD_JSON(ONE_CONTAINER("") ",'terminationGracePeriodSeconds':-1"),
	          "spec.terminationGracePeriodSeconds: Invalid value: -1: must be greater than or "
	          "equal to 0");
	check_one(POD_JSON(ONE_CONTAINER("") ",'hostname':'a_b'"),
	          "spec.hostname: Invalid value: \"a_b\": " LABEL_MSG);
	check_one(POD_JSON(ONE_CONTAINER("") ",'dnsPolicy':'None'"),
	          "spec.dnsPolicy: Forbidden: dnsPolicy None is not supported by skiff");
	check_one(POD_JSON(ONE_CONTAINER("") ",'shareProcessNamespace':true,'hostPID':true"),
	          "spec.shareProcessNamespace: Invalid value: true: ShareProcessNamespace and "
	          "HostPID cannot both be enabled");
	check_one(POD_JSON(ONE_CONTAINER(
	                  ",'ports':[{'containerPort':80,'hostPort':81}]") ",'hostNetwork':true"),
	          "spec.containers[0].ports[0].hostPort: Invalid value: 81: must match "
	          "`containerPort` when `hostNetwork` is true");
	check_one(
	        POD_JSON(ONE_CONTAINER("") ",'securityContext':{'supplementalGroups':[-1]}"),
	        "spec.securityContext.supplementalGroups[0]: Invalid value: -1: must be between 0 "
	        "and 4294967295, inclusive");
}

static void test_volumes(void **state) {
	Diag d = {};

	check_one(POD_JSON(ONE_CONTAINER(",'volumeMounts':[{'name':'data','mountPath':'/d'}]")),
	          "spec.containers[0].volumeMounts[0].name: Not found: \"data\"");
	check_one(POD_JSON(ONE_CONTAINER(
	                  ",'volumeMounts':[{'name':'v','mountPath':'d'}]") ",'volumes':[{'name':'"
	                                                                    "v','emptyDir':{}}]"),
	          "spec.containers[0].volumeMounts[0].mountPath: Invalid value: \"d\": must be an "
	          "absolute path");
	check_one(POD_JSON(ONE_CONTAINER(
	                  ",'volumeMounts':[{'name':'v','mountPath':'/d'},"
	                  "{'name':'v','mountPath':'/d'}]") ",'volumes':[{'name':'v'}]"),
	          "spec.containers[0].volumeMounts[1].mountPath: Invalid value: \"/d\": must be "
	          "unique");
	load_err(POD_JSON(ONE_CONTAINER(
	                 ",'volumeMounts':[{'name':'v','mountPath':'/d',"
	                 "'subPath':'/a/../b'}]") ",'volumes':[{'name':'v','emptyDir':{}}]"),
	         &d);
	assert_error(&d, "spec.containers[0].volumeMounts[0].subPath: Invalid value: \"/a/../b\": "
	                 "must be a relative path");
	assert_error(&d, "spec.containers[0].volumeMounts[0].subPath: Invalid value: \"/a/../b\": "
	                 "must not contain '..'");
	assert_n_errors(&d, 2);
	diag_clear(&d);

	/* A duplicated or invalid volume cannot be mounted. */
	load_err(
	        POD_JSON(ONE_CONTAINER(
	                ",'volumeMounts':[{'name':'V','mountPath':'/d'}]") ",'volumes':[{'name':'v'"
	                                                                   ",'emptyDir':{}},{'name'"
	                                                                   ":'v','emptyDir':{}},"
	                                                                   "{'name':'V','hostPath':"
	                                                                   "{'path':'rel/../"
	                                                                   "x','type':'Dir'}},"
	                                                                   "{'name':'s','emptyDir':"
	                                                                   "{'sizeLimit':'-1'}}]"),
	        &d);
	assert_error(&d, "spec.volumes[1].name: Duplicate value: \"v\"");
	assert_error(&d, "spec.volumes[2].hostPath.type: Unsupported value: \"Dir\": supported "
	                 "values: \"\", \"BlockDevice\", \"CharDevice\", \"Directory\", "
	                 "\"DirectoryOrCreate\", \"File\", \"FileOrCreate\", \"Socket\"");
	assert_error(&d, "spec.volumes[2].hostPath.path: Invalid value: \"rel/../x\": must not "
	                 "contain '..'");
	assert_error(&d, "spec.volumes[2].hostPath.path: Invalid value: \"rel/../x\": must be an "
	                 "absolute path");
	assert_error(&d, "spec.volumes[2].name: Invalid value: \"V\": " LABEL_MSG);
	assert_error(&d, "spec.volumes[3].emptyDir.sizeLimit: Forbidden: SizeLimit field must be a "
	                 "valid resource quantity");
	assert_error(&d, "spec.containers[0].volumeMounts[0].name: Not found: \"V\"");
	assert_n_errors(&d, 7);
	diag_clear(&d);
}

static void test_ports(void **state) {
	Diag d = {};

	check_one(
	        POD_JSON(ONE_CONTAINER(",'ports':[{'containerPort':70000}]")),
	        "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between "
	        "1 and 65535, inclusive");
	check_one(POD_JSON(ONE_CONTAINER(",'ports':[{'name':'http'}]")),
	          "spec.containers[0].ports[0].containerPort: Required value");
	check_one(POD_JSON(ONE_CONTAINER(",'ports':[{'containerPort':80,'protocol':'ICMP'}]")),
	          "spec.containers[0].ports[0].protocol: Unsupported value: \"ICMP\": supported "
	          "values: \"SCTP\", \"TCP\", \"UDP\"");
	load_err(POD_JSON(ONE_CONTAINER(",'ports':[{'name':'web-http-server-1','containerPort':80},"
	                                "{'name':'a','containerPort':81},"
	                                "{'name':'a','containerPort':82}]")),
	         &d);
	assert_error(&d, "spec.containers[0].ports[0].name: Invalid value: \"web-http-server-1\": "
	                 "must be no more than 15 characters");
	assert_error(&d, "spec.containers[0].ports[2].name: Duplicate value: \"a\"");
	assert_n_errors(&d, 2);
	diag_clear(&d);

	check_one(
	        POD_JSON("'containers':[{'name':'a','image':'b','ports':[{'containerPort':80,"
	                 "'hostPort':8080}]},{'name':'c','image':'b','ports':[{'containerPort':81,"
	                 "'hostPort':8080}]}]"),
	        "spec.containers[1].ports[0].hostPort: Duplicate value: \"TCP//8080\"");

	/* The same container port twice is legal, with the API's warning. */
	Pod *pod = load_warn(POD_JSON("'containers':[{'name':'a','image':'b','ports':"
	                              "[{'containerPort':80}]},{'name':'c','image':'b','ports':"
	                              "[{'containerPort':80}]}]"),
	                     &d);
	assert_warning(&d, "spec.containers[1].ports[0]: duplicate port definition with "
	                   "spec.containers[0].ports[0]");
	pod_free(pod);
	diag_clear(&d);
}

static void test_env(void **state) {
	Diag d = {};

	check_one(POD_JSON(ONE_CONTAINER(",'env':[{'name':'A=B'}]")),
	          "spec.containers[0].env[0].name: Invalid value: \"A=B\": a valid environment "
	          "variable name must consist only of printable ASCII characters other than '='");
	check_one(POD_JSON(ONE_CONTAINER(",'env':[{'value':'x'}]")),
	          "spec.containers[0].env[0].name: Required value");
	check_one(POD_JSON(ONE_CONTAINER(",'env':[{'name':'A','valueFrom':{}}]")),
	          "spec.containers[0].env[0].valueFrom: Invalid value: \"\": must specify one of: "
	          "`fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`");
	check_one(POD_JSON(ONE_CONTAINER(",'env':[{'name':'A','value':'x','valueFrom':{'fieldRef':"
	                                 "{'fieldPath':'metadata.name'}}}]")),
	          "spec.containers[0].env[0].valueFrom: Invalid value: \"\": may not be specified "
	          "when `value` is not empty");
	check_one(POD_JSON(ONE_CONTAINER(",'env':[{'name':'A','valueFrom':{'fieldRef':"
	                                 "{'fieldPath':'status.hostIP'}}}]")),
	          "spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Unsupported value: "
	          "\"status.hostIP\": supported values: \"metadata.name\", \"metadata.namespace\", "
	          "\"metadata.uid\", \"spec.nodeName\", \"status.podIP\"");
	check_one(POD_JSON(ONE_CONTAINER(",'env':[{'name':'A','valueFrom':{'fieldRef':"
	                                 "{'apiVersion':'v2','fieldPath':'metadata.name'}}}]")),
	          "spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Invalid value: "
	          "\"metadata.name\": error converting fieldPath: unsupported pod version: v2");
	check_one(POD_JSON(ONE_CONTAINER(",'env':[{'name':'A','valueFrom':{'resourceFieldRef':"
	                                 "{'resource':'limits.cpu','divisor':'2'}}}]")),
	          "spec.containers[0].env[0].valueFrom.resourceFieldRef.divisor: Invalid value: "
	          "\"limits.cpu\": only divisor's values 1m and 1 are supported with the cpu "
	          "resource");
	check_one(POD_JSON(ONE_CONTAINER(",'env':[{'name':'A','valueFrom':{'resourceFieldRef':"
	                                 "{'resource':'limits.gpu'}}}]")),
	          "spec.containers[0].env[0].valueFrom.resourceFieldRef.resource: Unsupported "
	          "value: \"limits.gpu\": supported values: \"limits.cpu\", "
	          "\"limits.ephemeral-storage\", \"limits.memory\", \"requests.cpu\", "
	          "\"requests.ephemeral-storage\", \"requests.memory\"");
	check_one(POD_JSON(ONE_CONTAINER(",'env':[{'name':'A','valueFrom':{'resourceFieldRef':"
	                                 "{'containerName':'db','resource':'limits.cpu'}}}]")),
	          "spec.containers[0].env[0].valueFrom.resourceFieldRef.containerName: Not found: "
	          "\"db\"");

	Pod *pod = load_warn(POD_JSON(ONE_CONTAINER(",'env':[{'name':'A','value':'1'},"
	                                            "{'name':'A','value':'2'},"
	                                            "{'name':'A','value':'$(A)3'}]")),
	                     &d);
	assert_warning(&d, "spec.containers[0].env[1]: hides previous definition of \"A\", which "
	                   "may be dropped when using apply");
	assert_int_equal(d.n_warnings, 1);
	pod_free(pod);
	diag_clear(&d);
}

static void test_resources(void **state) {
	Diag d = {};

	check_one(POD_JSON(ONE_CONTAINER(",'resources':{'limits':{'cpu':'1'},"
	                                 "'requests':{'cpu':'2'}}")),
	          "spec.containers[0].resources.requests: Invalid value: \"2\": must be less than "
	          "or equal to cpu limit of 1");
	load_err(POD_JSON(ONE_CONTAINER(",'resources':{'limits':{'memory':'64Mi'},"
	                                "'requests':{'memory':'128Mi','cpu':'-1'}}")),
	         &d);
	assert_error(&d, "spec.containers[0].resources.requests: Invalid value: \"128Mi\": must be "
	                 "less than or equal to memory limit of 64Mi");
	assert_error(&d,
	             "spec.containers[0].resources.requests.cpu: Invalid value: \"-1\": must be "
	             "greater than or equal to 0");
	assert_n_errors(&d, 2);
	diag_clear(&d);
}

static void test_probes(void **state) {
	Diag d = {};

	check_one(POD_JSON(ONE_CONTAINER(",'livenessProbe':{'exec':{'command':['true']},"
	                                 "'successThreshold':2}")),
	          "spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1");
	check_one(POD_JSON(ONE_CONTAINER(",'startupProbe':{'exec':{'command':['true']},"
	                                 "'successThreshold':2}")),
	          "spec.containers[0].startupProbe.successThreshold: Invalid value: 2: must be 1");
	check_one(POD_JSON(ONE_CONTAINER(",'readinessProbe':{'exec':{'command':['true']},"
	                                 "'terminationGracePeriodSeconds':5}")),
	          "spec.containers[0].readinessProbe.terminationGracePeriodSeconds: Invalid value: "
	          "5: must not be set for readinessProbes");
	check_one(POD_JSON(ONE_CONTAINER(",'livenessProbe':{'periodSeconds':10}")),
	          "spec.containers[0].livenessProbe: Required value: must specify a handler type");
	check_one(POD_JSON(ONE_CONTAINER(",'livenessProbe':{'exec':{'command':['true']},"
	                                 "'tcpSocket':{'port':80}}")),
	          "spec.containers[0].livenessProbe.tcpSocket: Forbidden: may not specify more "
	          "than 1 handler type");
	check_one(POD_JSON(ONE_CONTAINER(",'livenessProbe':{'exec':{}}")),
	          "spec.containers[0].livenessProbe.exec.command: Required value");

	load_err(POD_JSON(ONE_CONTAINER(",'livenessProbe':{'httpGet':{'port':0,"
	                                "'httpHeaders':[{'name':'X Y','value':'1'}]},"
	                                "'periodSeconds':-5,'terminationGracePeriodSeconds':0},"
	                                "'readinessProbe':{'tcpSocket':{'port':'8080'}},"
	                                "'startupProbe':{'grpc':{'port':70000}}")),
	         &d);
	assert_error(&d, "spec.containers[0].livenessProbe.httpGet.port: Invalid value: 0: must be "
	                 "between 1 and 65535, inclusive");
	assert_error(&d,
	             "spec.containers[0].livenessProbe.httpGet.httpHeaders: Invalid value: "
	             "\"X Y\": a valid HTTP header must consist of alphanumeric characters or "
	             "'-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')");
	assert_error(&d, "spec.containers[0].livenessProbe.periodSeconds: Invalid value: -5: must "
	                 "be greater than or equal to 0");
	assert_error(&d, "spec.containers[0].livenessProbe.terminationGracePeriodSeconds: Invalid "
	                 "value: 0: must be greater than 0");
	assert_error(&d, "spec.containers[0].readinessProbe.tcpSocket.port: Invalid value: "
	                 "\"8080\": must contain at least one letter (a-z)");
	assert_error(&d, "spec.containers[0].startupProbe.grpc.port: Invalid value: 70000: must be "
	                 "between 1 and 65535, inclusive");
	assert_n_errors(&d, 6);
	diag_clear(&d);

	check_one(POD_JSON(ONE_CONTAINER(",'lifecycle':{'preStop':{'sleep':{'seconds':40}}}")),
	          "spec.containers[0].lifecycle.preStop.sleep: Invalid value: 40: must be "
	          "non-negative and less than terminationGracePeriodSeconds (30)");
	Pod *pod = load_warn(POD_JSON(ONE_CONTAINER(",'lifecycle':{'preStop':{'tcpSocket':"
	                                            "{'port':80}}}")),
	                     &d);
	assert_warning(&d, "spec.containers[0].lifecycle.preStop.tcpSocket: a tcpSocket hook is "
	                   "not run: the hook fails");
	pod_free(pod);
	diag_clear(&d);

	check_one(POD_JSON(ONE_CONTAINER(",'lifecycle':{'postStart':{}}")),
	          "spec.containers[0].lifecycle.postStart: Required value: must specify a handler "
	          "type");
}

static void test_security_context(void **state) {
	Diag d = {};

	load_err(POD_JSON(ONE_CONTAINER(",'securityContext':{'runAsUser':-1,'privileged':true,"
	                                "'allowPrivilegeEscalation':false,'procMount':'Unmasked',"
	                                "'capabilities':{'add':['CAP_SYS_ADMIN','NET_FOO']},"
	                                "'seccompProfile':{'type':'Localhost'}}")),
	         &d);
	assert_error(&d, "spec.containers[0].securityContext.runAsUser: Invalid value: -1: must be "
	                 "between 0 and 4294967295, inclusive");
	assert_error(&d, "spec.containers[0].securityContext.procMount: Invalid value: "
	                 "\"Unmasked\": `hostUsers` must be false to use `Unmasked`");
	assert_error(&d, "spec.containers[0].securityContext.seccompProfile.localhostProfile: "
	                 "Required value: must be set when seccomp type is Localhost");
	assert_error(&d, "spec.containers[0].securityContext: Invalid value: cannot set "
	                 "`allowPrivilegeEscalation` to false and `privileged` to true");
	assert_error(&d,
	             "spec.containers[0].securityContext: Invalid value: cannot set "
	             "`allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN");
	assert_error(&d, "spec.containers[0].securityContext.capabilities.add[1]: Invalid value: "
	                 "\"NET_FOO\": not a Linux capability");
	assert_n_errors(&d, 6);
	diag_clear(&d);

	check_one(POD_JSON(ONE_CONTAINER(",'securityContext':{'seccompProfile':{}}")),
	          "spec.containers[0].securityContext.seccompProfile.type: Required value: type is "
	          "required when seccompProfile is set");
	check_one(POD_JSON(ONE_CONTAINER(",'securityContext':{'seccompProfile':{'type':'Localhost',"
	                                 "'localhostProfile':'../x.json'}}")),
	          "spec.containers[0].securityContext.seccompProfile.localhostProfile: Invalid "
	          "value: \"../x.json\": must not contain '..'");
	check_one(POD_JSON(ONE_CONTAINER(",'securityContext':{'procMount':'Masked'}")),
	          "spec.containers[0].securityContext.procMount: Unsupported value: \"Masked\": "
	          "supported values: \"Default\", \"Unmasked\"");
}

static void test_all_errors_reported(void **state) {
	Diag d = {};

	load_err("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'Bad_Name'},'spec':{"
	         "'restartPolicy':'Sometimes','containers':[{'name':'a','image':'b',"
	         "'ports':[{'containerPort':0}]},{'name':'a'}]}}",
	         &d);
	assert_error(&d, "metadata.name: Invalid value: \"Bad_Name\": " SUBDOMAIN_MSG);
	assert_error(&d, "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: "
	                 "\"Always\", \"OnFailure\", \"Never\"");
	assert_error(&d, "spec.containers[0].ports[0].containerPort: Required value");
	assert_error(&d, "spec.containers[1].image: Required value");
	assert_error(&d, "spec.containers[1].name: Duplicate value: \"a\"");
	assert_n_errors(&d, 5);
	diag_clear(&d);
}

static void test_path_prefix(void **state) {
	json_object *o = J(POD_JSON("'containers':[]"));
	Diag d = {};
	Pod *pod = NULL;

	assert_int_equal(pod_from_json(o, "items[2]", &pod, &d), -EINVAL);
	assert_error(&d, "items[2].spec.containers: Required value");
	diag_clear(&d);
	json_object_put(o);
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_metadata),
		cmocka_unit_test(test_annotations_size),
		cmocka_unit_test(test_containers),
		cmocka_unit_test(test_spec_fields),
		cmocka_unit_test(test_volumes),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_env),
		cmocka_unit_test(test_resources),
		cmocka_unit_test(test_probes),
		cmocka_unit_test(test_security_context),
		cmocka_unit_test(test_all_errors_reported),
		cmocka_unit_test(test_path_prefix),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The API server's defaults for a v1 Pod: pkg/apis/core/v1/defaults.go (SetDefaults_Pod,
 * _PodSpec, _Container, _Probe, _HTTPGetAction, _ObjectFieldSelector, _Volume, _ResourceList)
 * and the declarative ones of k8s.io/api (port protocol TCP). A manifest read by skiff becomes
 * the object `kubectl get pod -o yaml` would show.
 */
#include "pod-internal.h"

static void set_string(char **s, const char *value) {
	if (*s)
		return;
	*s = strdup(value);
}

/*
 * parsers.ParseImageName: "latest" when the reference has neither a tag nor a digest.
 * SetDefaults_Container: Always for "latest", IfNotPresent otherwise (digests included).
 */
static PullPolicy default_pull_policy(const char *image) {
	const char *name, *colon;

	if (isempty(image) || strchr(image, '@'))
		return PULL_POLICY_IF_NOT_PRESENT;
	/* A ':' before the last '/' belongs to a registry host:port, not to a tag. */
	name = strrchr(image, '/');
	colon = strrchr(name ? name : image, ':');
	if (!colon || streq(colon + 1, "latest"))
		return PULL_POLICY_ALWAYS;
	return PULL_POLICY_IF_NOT_PRESENT;
}

/* SetDefaults_ResourceList: values finer than a milli-unit are rounded up to one. */
static void round_up_milli(OptQuantity *q) {
	int64_t milli;
	Quantity rounded;

	if (!q->set || quantity_milli_value(&q->value, &milli) < 0)
		return;
	rounded = quantity_from_milli(milli, q->value.format);
	if (quantity_cmp(&rounded, &q->value) != 0)
		q->value = rounded;
}

static void default_resource_list(ResourceList *l) {
	round_up_milli(&l->cpu);
	round_up_milli(&l->memory);
	round_up_milli(&l->ephemeral_storage);
}

static void default_request(OptQuantity *request, const OptQuantity *limit) {
	if (!request->set && limit->set)
		*request = *limit;
}

static void default_resources(ResourceRequirements *r) {
	default_resource_list(&r->limits);
	default_resource_list(&r->requests);
	/* SetDefaults_Pod: requests not given default to the limits, per resource. */
	if (!r->has_limits)
		return;
	default_request(&r->requests.cpu, &r->limits.cpu);
	default_request(&r->requests.memory, &r->limits.memory);
	default_request(&r->requests.ephemeral_storage, &r->limits.ephemeral_storage);
}

static void default_handler(Handler *h) {
	if (!h || !h->http_get.set)
		return;
	set_string(&h->http_get.path, "/");
	if (h->http_get.scheme == URI_SCHEME_UNSET)
		h->http_get.scheme = URI_SCHEME_HTTP;
}

static void default_probe(Probe *p) {
	if (!p)
		return;
	default_handler(&p->handler);
	/* SetDefaults_Probe: 0 (unset in Go) takes the default. */
	if (p->timeout_seconds == 0)
		p->timeout_seconds = 1;
	if (p->period_seconds == 0)
		p->period_seconds = 10;
	if (p->success_threshold == 0)
		p->success_threshold = 1;
	if (p->failure_threshold == 0)
		p->failure_threshold = 3;
}

static void default_container(Container *c, bool host_network) {
	if (c->image_pull_policy == PULL_POLICY_UNSET)
		c->image_pull_policy = default_pull_policy(c->image);
	set_string(&c->termination_message_path, "/dev/termination-log");
	if (c->termination_message_policy == TERMINATION_MESSAGE_UNSET)
		c->termination_message_policy = TERMINATION_MESSAGE_FILE;
	for (size_t i = 0; i < c->n_ports; i++) {
		if (c->ports[i].protocol == PROTOCOL_UNSET)
			c->ports[i].protocol = PROTOCOL_TCP;
		/* defaultHostNetworkPorts: with the host's network a port is a host port. */
		if (host_network && c->ports[i].host_port == 0)
			c->ports[i].host_port = c->ports[i].container_port;
	}
	for (size_t i = 0; i < c->n_env; i++)
		if (c->env[i].source == ENV_SOURCE_FIELD_REF)
			set_string(&c->env[i].field_ref.api_version, "v1");
	default_resources(&c->resources);
	default_probe(c->liveness_probe);
	default_probe(c->readiness_probe);
	default_probe(c->startup_probe);
	if (c->lifecycle) {
		default_handler(c->lifecycle->post_start);
		default_handler(c->lifecycle->pre_stop);
	}
}

void pod_apply_defaults(Pod *pod) {
	PodSpec *s = &pod->spec;

	if (isempty(pod->metadata.namespace)) {
		free(pod->metadata.namespace);
		pod->metadata.namespace = strdup("default");
	}
	if (s->restart_policy == RESTART_POLICY_UNSET)
		s->restart_policy = RESTART_POLICY_ALWAYS;
	if (s->dns_policy == DNS_POLICY_UNSET)
		s->dns_policy = DNS_POLICY_CLUSTER_FIRST;
	if (!s->termination_grace_period_seconds.set)
		s->termination_grace_period_seconds = (OptInt64){ .set = true, .value = 30 };
	for (size_t i = 0; i < s->n_containers; i++)
		default_container(&s->containers[i], s->host_network);
	for (size_t i = 0; i < s->n_init_containers; i++)
		default_container(&s->init_containers[i], s->host_network);
	/* SetDefaults_Volume: a volume without a source is an emptyDir. */
	for (size_t i = 0; i < s->n_volumes; i++)
		if (s->volumes[i].type == VOLUME_NONE && s->volumes[i].n_sources == 0)
			s->volumes[i].type = VOLUME_EMPTY_DIR;
}

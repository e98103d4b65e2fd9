/* SPDX-License-Identifier: Apache-2.0 */
#include "qos.h"

typedef struct QOSSums {
	OptQuantity requests[2]; /* cpu, memory */
	OptQuantity limits[2];
	bool guaranteed;
} QOSSums;

/* Add a positive quantity to a sum; zero and negative ones do not count (GetPodQOS). */
static bool add_positive(OptQuantity *sum, const OptQuantity *q) {
	if (!q->set || quantity_sign(&q->value) <= 0)
		return false;
	if (!sum->set)
		*sum = *q;
	else if (quantity_add(&sum->value, &q->value) < 0 &&
	         quantity_cmp(&q->value, &sum->value) > 0)
		/* Beyond skiff's quantity bound: keep the larger term, never wrap. */
		sum->value = q->value;
	return true;
}

static void add_container(QOSSums *s, const Container *c) {
	const ResourceList *req = &c->resources.requests, *lim = &c->resources.limits;
	bool cpu_limit, memory_limit;

	add_positive(&s->requests[0], &req->cpu);
	add_positive(&s->requests[1], &req->memory);
	cpu_limit = add_positive(&s->limits[0], &lim->cpu);
	memory_limit = add_positive(&s->limits[1], &lim->memory);
	if (!cpu_limit || !memory_limit)
		s->guaranteed = false;
}

PodQOSClass pod_qos_class(const Pod *pod) {
	QOSSums s = { .guaranteed = true };
	size_t n_requests = 0, n_limits = 0;

	for (size_t i = 0; i < pod->spec.n_containers; i++)
		add_container(&s, &pod->spec.containers[i]);
	for (size_t i = 0; i < pod->spec.n_init_containers; i++)
		add_container(&s, &pod->spec.init_containers[i]);
	for (size_t i = 0; i < 2; i++) {
		n_requests += s.requests[i].set;
		n_limits += s.limits[i].set;
	}
	if (n_requests == 0 && n_limits == 0)
		return POD_QOS_BEST_EFFORT;
	for (size_t i = 0; i < 2 && s.guaranteed; i++)
		if (s.requests[i].set &&
		    (!s.limits[i].set ||
		     quantity_cmp(&s.limits[i].value, &s.requests[i].value) != 0))
			s.guaranteed = false;
	if (s.guaranteed && n_requests == n_limits)
		return POD_QOS_GUARANTEED;
	return POD_QOS_BURSTABLE;
}

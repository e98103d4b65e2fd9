/* SPDX-License-Identifier: Apache-2.0 */
#include "log.h"
#include "pod-manager.h"
#include "pod-worker.h"

static bool in_set(Pod **pods, size_t n, const char *uid) {
	for (size_t i = 0; i < n; i++)
		if (pods[i] && streq_ptr(pods[i]->metadata.uid, uid))
			return true;
	return false;
}

void kubelet_apply_source(Kubelet *k, const char *source, Pod **pods, char **paths, size_t n) {
	/* removals first: a pod dropped or replaced by the source */
	for (size_t i = 0; i < k->n_workers; i++) {
		PodWorker *w = k->workers[i];
		if (!streq(w->source, source) || w->remove_when_terminated)
			continue;
		if (in_set(pods, n, w->uid))
			continue;
		log_pod(LOG_INFO, w->key, "removed by its source (%s), stopping",
		        w->source_path ? w->source_path : source);
		pod_worker_terminate(w, 0, true, NULL, NULL);
	}
	for (size_t i = 0; i < n; i++) {
		Pod *pod = pods[i];
		if (!pod)
			continue;
		if (kubelet_find_uid(k, pod->metadata.uid)) {
			pod_free(pod); /* known: nothing changed */
			continue;
		}
		if (k->shutting_down) {
			pod_free(pod);
			continue;
		}
		int r = pod_worker_new(k, pod, source, paths ? paths[i] : NULL, NULL);
		if (r < 0)
			log_error_errno(r, "could not start a worker for a pod: %m");
	}
	for (size_t i = 0; paths && i < n; i++)
		free(paths[i]);
	free(paths);
	free(pods);
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The kubelet's words for a missing image (pkg/kubelet/images/image_manager.go): with
 * imagePullPolicy Never the container waits with ErrImageNeverPull; otherwise the kubelet pulls,
 * and skiff, which has no registry client, fails that pull at once with ErrImagePull (the agent
 * then backs off as ImagePullBackOff). With Always and the image present, the local store is
 * authoritative: there is no registry to ask for a newer digest.
 */
#include "image.h"

int image_pull_policy_from_string(const char *s, ImagePullPolicy *ret) {
	if (streq_ptr(s, "Always"))
		*ret = IMAGE_PULL_ALWAYS;
	else if (streq_ptr(s, "IfNotPresent"))
		*ret = IMAGE_PULL_IF_NOT_PRESENT;
	else if (streq_ptr(s, "Never"))
		*ret = IMAGE_PULL_NEVER;
	else
		return -EINVAL;
	return 0;
}

const char *image_pull_policy_to_string(ImagePullPolicy p) {
	switch (p) {
	case IMAGE_PULL_ALWAYS:
		return "Always";
	case IMAGE_PULL_IF_NOT_PRESENT:
		return "IfNotPresent";
	case IMAGE_PULL_NEVER:
		return "Never";
	}
	return NULL;
}

/* SetDefaults_Container: Always when ParseImageName's tag is "latest" (a missing tag without a
 * digest defaults to "latest"), else IfNotPresent. */
ImagePullPolicy image_pull_policy_default(const char *image) {
	ImageRef r = {};
	Diag d = {};
	ImagePullPolicy p = IMAGE_PULL_IF_NOT_PRESENT;

	if (image_ref_parse(image, &r, &d) >= 0 && streq_ptr(r.tag, "latest"))
		p = IMAGE_PULL_ALWAYS;
	image_ref_done(&r);
	diag_clear(&d);
	return p;
}

void image_missing_done(ImageMissing *m) {
	if (!m)
		return;
	free(m->message);
	free(m->event_message);
	*m = (ImageMissing){};
}

int image_missing(const char *image, ImagePullPolicy policy, ImageMissing *ret) {
	ImageMissing m = {};

	if (policy == IMAGE_PULL_NEVER) {
		m.reason = m.event_reason = "ErrImageNeverPull";
		if (asprintf(&m.message,
		             "Container image \"%s\" is not present with pull policy of Never",
		             image) < 0)
			return -ENOMEM;
		m.event_message = strdup(m.message);
	} else {
		m.reason = "ErrImagePull";
		m.event_reason = "Failed";
		if (asprintf(&m.message,
		             "image \"%s\" is not in the node's image store and registry pulls are "
		             "not "
		             "configured (import it with \"skiff image import\")",
		             image) < 0)
			return -ENOMEM;
		if (asprintf(&m.event_message, "Failed to pull image \"%s\": %s", image,
		             m.message) < 0)
			m.event_message = NULL;
	}
	if (!m.event_message) {
		image_missing_done(&m);
		return -ENOMEM;
	}
	*ret = m;
	return 0;
}

char *image_present_message(const char *image) {
	char *s = NULL;
	if (asprintf(&s, "Container image \"%s\" already present on machine", image) < 0)
		return NULL;
	return s;
}

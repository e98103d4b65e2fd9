/* SPDX-License-Identifier: Apache-2.0 */
#include "fileio.h"
#include "manifest.h"
#include "pod-internal.h"
#include "tree.h"

void pod_set_done(PodSet *s) {
	for (size_t i = 0; i < s->n_pods; i++)
		pod_free(s->pods[i]);
	free(s->pods);
	*s = (PodSet){};
}

static int pod_set_add(PodSet *s, Pod *pod) {
	Pod **l = realloc(s->pods, (s->n_pods + 1) * sizeof(Pod *));

	if (!l)
		return -ENOMEM;
	s->pods = l;
	s->pods[s->n_pods++] = pod;
	return 0;
}

static const char *const top_kinds[] = { "Pod", "PodList", "List" };
static const char *const item_kinds[] = { "Pod" };

static bool in_list(const char *s, const char *const *l, size_t n) {
	for (size_t i = 0; i < n; i++)
		if (streq(s, l[i]))
			return true;
	return false;
}

/*
 * apiVersion and kind of a document or list item: required at the top and in a List's items,
 * optional in a PodList's items (their type is given by the list).
 */
static int check_type_meta(json_object *o, const char *path, bool required,
                           const char *const *kinds, size_t n_kinds, const char **kind,
                           Diag *diag) {
	static const char *const versions[] = { "v1" };
	json_object *av = tree_get(o, "apiVersion"), *k = tree_get(o, "kind");
	_cleanup_free_ char *avp = pathf(path, "apiVersion"), *kp = pathf(path, "kind");
	int r = 0;

	if (!av && required) {
		field_required(diag, avp, NULL);
		r = -EINVAL;
	} else if (av && (!json_object_is_type(av, json_type_string) ||
	                  !streq(json_object_get_string(av), "v1"))) {
		field_not_supported(diag, avp, json_object_get_string(av), versions, 1);
		r = -EINVAL;
	}
	*kind = k && json_object_is_type(k, json_type_string) ? json_object_get_string(k) : NULL;
	if (!k && required) {
		field_required(diag, kp, NULL);
		r = -EINVAL;
	} else if (k && (!*kind || !in_list(*kind, kinds, n_kinds))) {
		field_not_supported(diag, kp, json_object_get_string(k), kinds, n_kinds);
		r = -EINVAL;
	}
	if (!*kind)
		*kind = "Pod";
	return r;
}

/* Two pods of one manifest may not share a namespace and name. */
static bool pod_set_has(const PodSet *s, const Pod *pod) {
	for (size_t i = 0; i < s->n_pods; i++)
		if (streq_ptr(s->pods[i]->metadata.name, pod->metadata.name) &&
		    streq_ptr(s->pods[i]->metadata.namespace, pod->metadata.namespace))
			return true;
	return false;
}

static int add_pod(json_object *o, const char *path, PodSet *ret, Diag *diag) {
	_cleanup_pod_free_ Pod *pod = NULL;
	int r;

	if (ret->n_pods >= MANIFEST_MAX_PODS) {
		diag_error(diag, path, "Too many: a manifest may hold at most %d pods",
		           MANIFEST_MAX_PODS);
		return -E2BIG;
	}
	r = pod_from_json(o, path, &pod, diag);
	if (r < 0)
		return r;
	if (pod_set_has(ret, pod)) {
		_cleanup_free_ char *p = pathf(path, "metadata.name");
		field_duplicate(diag, p, pod->metadata.name);
		return -EINVAL;
	}
	r = pod_set_add(ret, pod);
	if (r >= 0)
		TAKE_PTR(pod);
	return r;
}

static int decode_list(json_object *o, const char *path, bool pod_list, PodSet *ret, Diag *diag) {
	_cleanup_free_ char *ip = pathf(path, "items");
	json_object *items = tree_get(o, "items");
	int r = 0;

	json_object_object_foreach (o, key, val) {
		(void)val;
		if (!streq(key, "apiVersion") && !streq(key, "kind") && !streq(key, "metadata") &&
		    !streq(key, "items")) {
			_cleanup_free_ char *p = pathf(path, "%s", key);
			diag_warning(diag, NULL, "unknown field \"%s\"", strempty(p));
		}
	}
	if (!items)
		return 0; /* an empty list */
	if (!json_object_is_type(items, json_type_array)) {
		diag_error(diag, ip, "expected array, got %s", tree_type_name(items));
		return -EINVAL;
	}
	for (size_t i = 0; i < json_object_array_length(items); i++) {
		json_object *item = json_object_array_get_idx(items, i);
		_cleanup_free_ char *p = pathf(ip, "[%zu]", i);
		const char *kind = NULL;
		int k;

		if (!json_object_is_type(item, json_type_object)) {
			diag_error(diag, p, "expected object, got %s", tree_type_name(item));
			r = -EINVAL;
			continue;
		}
		/* A PodList's items are Pods by type; a List's items must say what they are. */
		k = check_type_meta(item, p, !pod_list, item_kinds, ELEMENTSOF(item_kinds), &kind,
		                    diag);
		if (k == 0)
			k = add_pod(item, p, ret, diag);
		if (k == -E2BIG || k == -ENOMEM)
			return k;
		if (k < 0)
			r = k;
	}
	return r;
}

static int decode_document(json_object *o, const char *path, PodSet *ret, Diag *diag) {
	const char *kind = NULL;
	int r;

	if (!json_object_is_type(o, json_type_object)) {
		diag_error(diag, path, "expected object, got %s", tree_type_name(o));
		return -EINVAL;
	}
	r = check_type_meta(o, path, true, top_kinds, ELEMENTSOF(top_kinds), &kind, diag);
	if (r < 0)
		return r;
	if (streq(kind, "Pod"))
		return add_pod(o, path, ret, diag);
	return decode_list(o, path, streq(kind, "PodList"), ret, diag);
}

int manifest_parse(const char *data, size_t len, PodSet *ret, Diag *diag) {
	TreeLimits limits = TREE_LIMITS_DEFAULT;
	TreeDocs docs = {};
	PodSet set = {};
	int r = 0;

	if (len > MANIFEST_MAX_BYTES) {
		diag_error(diag, NULL, "file too large: a manifest may have at most %d bytes",
		           MANIFEST_MAX_BYTES);
		return -E2BIG;
	}
	limits.max_depth = MANIFEST_MAX_DEPTH;
	limits.max_documents = MANIFEST_MAX_PODS;
	r = tree_parse(data, len, &limits, &docs, diag);
	if (r < 0)
		return r;
	if (docs.n_docs == 0) {
		diag_error(diag, NULL, "no Pod found: the manifest is empty");
		r = -EINVAL;
	}
	for (size_t i = 0; i < docs.n_docs; i++) {
		_cleanup_free_ char *p = docs.n_docs > 1 ? pathf(NULL, "documents[%zu]", i) : NULL;
		int k = decode_document(docs.docs[i], p, &set, diag);
		if (k < 0)
			r = k;
		if (k == -E2BIG || k == -ENOMEM)
			break;
	}
	tree_docs_free(&docs);
	if (r < 0) {
		pod_set_done(&set);
		return r;
	}
	*ret = set;
	return 0;
}

/* A read's outcome as the manifest's messages word it. */
static int loaded(int r, const char *data, size_t size, PodSet *ret, Diag *diag) {
	if (r == -EFBIG) {
		diag_error(diag, NULL, "file too large: a manifest may have at most %d bytes",
		           MANIFEST_MAX_BYTES);
		return -E2BIG;
	}
	if (r < 0) {
		diag_error(diag, NULL, "cannot read the file: %s", strerror(-r));
		return r;
	}
	return manifest_parse(data, size, ret, diag);
}

int manifest_load_file(const char *path, PodSet *ret, Diag *diag) {
	_cleanup_free_ char *data = NULL;
	size_t size = 0;
	int r = read_full_file(path, MANIFEST_MAX_BYTES, &data, &size);
	return loaded(r, data, size, ret, diag);
}

int manifest_load_fd(int fd, PodSet *ret, Diag *diag) {
	_cleanup_free_ char *data = NULL;
	size_t size = 0;
	int r = read_full_fd(fd, MANIFEST_MAX_BYTES, &data, &size);
	return loaded(r, data, size, ret, diag);
}

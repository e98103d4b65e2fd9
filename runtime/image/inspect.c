/* SPDX-License-Identifier: Apache-2.0 */
/* `skiff image ls` and `skiff image inspect`: read-only views of the index. */
#include <sys/file.h>
#include <time.h>

#include "image-internal.h"
#include "image-util.h"

void image_entries_free(ImageEntry *e, size_t n) {
	for (size_t i = 0; e && i < n; i++) {
		free(e[i].ref);
		free(e[i].repository);
		free(e[i].tag);
		free(e[i].id);
		free(e[i].manifest_digest);
	}
	free(e);
}

static int fill_entry(const IndexImage *img, ImageEntry *e) {
	ImageRef r = {};
	Diag d = {};

	e->ref = strdup(img->ref);
	e->id = strdup(img->id);
	e->manifest_digest = strdup(img->manifest);
	e->size = img->size;
	e->imported = img->imported;
	if (image_ref_parse(img->ref, &r, &d) >= 0) {
		e->repository = image_ref_repository(&r);
		e->tag = strdup(r.tag ?: "<none>");
	} else {
		e->repository = strdup(img->ref);
		e->tag = strdup("<none>");
	}
	image_ref_done(&r);
	diag_clear(&d);
	return e->ref && e->id && e->manifest_digest && e->repository && e->tag ? 0 : -ENOMEM;
}

int image_list(ImageStore *s, ImageEntry **ret, size_t *ret_n, Diag *diag) {
	_cleanup_close_ int lock = store_lock(s, LOCK_SH, diag);
	StoreIndex idx = {};
	ImageEntry *l = NULL;
	int r;

	if (lock < 0)
		return lock;
	r = store_index_load(s, &idx, diag);
	if (r >= 0 && idx.n > 0 && !(l = calloc(idx.n, sizeof(ImageEntry))))
		r = -ENOMEM;
	for (size_t i = 0; r >= 0 && i < idx.n; i++)
		r = fill_entry(&idx.images[i], &l[i]);
	if (r < 0) {
		image_entries_free(l, idx.n);
		store_index_done(&idx);
		return r;
	}
	*ret = l;
	*ret_n = idx.n;
	store_index_done(&idx);
	return 0;
}

/* repoTags and repoDigests of every reference to the image, as crictl shows them. */
static int add_names(const StoreIndex *idx, const char *id, json_object *o) {
	json_object *tags = json_object_new_array(), *digests = json_object_new_array();
	json_object_object_add(o, "repoTags", tags);
	json_object_object_add(o, "repoDigests", digests);
	if (!tags || !digests)
		return -ENOMEM;
	for (size_t i = 0; i < idx->n; i++) {
		const IndexImage *img = &idx->images[i];
		ImageRef r = {};
		Diag d = {};
		if (!streq(img->id, id))
			continue;
		json_object_array_add(tags, json_object_new_string(img->ref));
		if (image_ref_parse(img->ref, &r, &d) >= 0) {
			_cleanup_free_ char *repo = image_ref_repository(&r), *rd = NULL;
			if (repo && asprintf(&rd, "%s@%s", repo, img->manifest) >= 0) {
				bool dup = false;
				for (size_t k = 0; k < json_object_array_length(digests); k++)
					dup = dup ||
					      streq(json_object_get_string(
					                    json_object_array_get_idx(digests, k)),
					            rd);
				if (!dup)
					json_object_array_add(digests, json_object_new_string(rd));
			}
		}
		image_ref_done(&r);
		diag_clear(&d);
	}
	return 0;
}

static int add_config(ImageStore *s, const IndexImage *img, json_object *o, Diag *diag) {
	_cleanup_free_ char *data = NULL;
	_cleanup_json_ json_object *cfg = NULL;
	json_object *v;
	size_t size;
	int r = store_read_blob(s, img->id, IMAGE_LIMITS_DEFAULT.max_json_bytes, &data, &size,
	                        diag);

	if (r >= 0)
		r = json_parse_bounded(data, size, IMAGE_LIMITS_DEFAULT.max_json_bytes, "config",
		                       &cfg, diag);
	if (r < 0)
		return r == -ENOENT ? -EUCLEAN : r;
	static const char *const keys[] = { "os", "architecture", "config", "history" };
	for (size_t i = 0; i < ELEMENTSOF(keys); i++)
		if (json_object_object_get_ex(cfg, keys[i], &v) && v)
			json_object_object_add(o, keys[i], json_object_get(v));
	return 0;
}

static json_object *layers_json(ImageStore *s, char *const *layers) {
	json_object *a = json_object_new_array();
	for (size_t i = 0; a && layers && layers[i]; i++) {
		json_object *l = json_object_new_object();
		char *path = store_layer_path(s, layers[i]);
		json_object_object_add(l, "diffID", json_object_new_string(layers[i]));
		json_object_object_add(l, "path", path ? json_object_new_string(path) : NULL);
		json_object_array_add(a, l);
		free(path);
	}
	return a;
}

static json_object *inspect_json(ImageStore *s, const StoreIndex *idx, const IndexImage *img,
                                 Diag *diag) {
	json_object *o = json_object_new_object();
	char when[64] = "";
	struct tm tm;
	time_t t = (time_t)img->imported;

	if (!o)
		return NULL;
	if (gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_object_object_add(o, "id", json_object_new_string(img->id));
	json_object_object_add(o, "manifestDigest", json_object_new_string(img->manifest));
	json_object_object_add(o, "size", json_object_new_int64((int64_t)img->size));
	json_object_object_add(o, "imported", json_object_new_string(when));
	if (add_names(idx, img->id, o) < 0 || add_config(s, img, o, diag) < 0) {
		json_object_put(o);
		return NULL;
	}
	json_object_object_add(o, "layers", layers_json(s, img->layers));
	return o;
}

int image_inspect(ImageStore *s, const char *ref_or_id, json_object **ret, Diag *diag) {
	_cleanup_close_ int lock = store_lock(s, LOCK_SH, diag);
	StoreIndex idx = {};
	size_t i;
	int r;

	if (lock < 0)
		return lock;
	r = store_index_load(s, &idx, diag);
	if (r >= 0)
		r = store_index_lookup(&idx, ref_or_id, &i, 1, NULL, diag);
	if (r == 0) {
		diag_error(diag, NULL, "no image \"%s\" in the store %s", ref_or_id, s->dir);
		r = -ENOENT;
	}
	if (r >= 0 && !(*ret = inspect_json(s, &idx, &idx.images[i], diag)))
		r = diag_failed(diag) ? -EUCLEAN : -ENOMEM;
	store_index_done(&idx);
	return r < 0 ? r : 0;
}

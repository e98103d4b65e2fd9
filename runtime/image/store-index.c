/* SPDX-License-Identifier: Apache-2.0 */
/*
 * index.json: the references. Written whole to a temporary file and renamed (under the store's
 * LOCK_EX), so a reader sees the old or the new index, never half of one.
 *   {"schemaVersion":1,"images":[{"ref":"docker.io/library/busybox:latest",
 *     "manifest":"sha256:..","id":"sha256:..","layers":["sha256:.."],"size":N,"imported":T}]}
 */
#include <fcntl.h>

#include "fileio.h"
#include "image-internal.h"
#include "image-util.h"

#define INDEX_MAX_BYTES (64u << 20)
#define ID_PREFIX_MIN 12

void index_image_done(IndexImage *i) {
	if (!i)
		return;
	free(i->ref);
	free(i->manifest);
	free(i->id);
	strv_free(i->blobs);
	strv_free(i->layers);
	*i = (IndexImage){};
}

void store_index_done(StoreIndex *idx) {
	for (size_t i = 0; idx && i < idx->n; i++)
		index_image_done(&idx->images[i]);
	if (idx) {
		free(idx->images);
		*idx = (StoreIndex){};
	}
}

static int parse_entry(json_object *o, IndexImage *ret, Diag *diag) {
	IndexImage img = {};
	const char *ref, *manifest, *id;
	int64_t size, imported;
	int r = 0;

	if (!json_object_is_type(o, json_type_object))
		return -EUCLEAN;
	if (img_json_string(o, "ref", "index.json", &ref, diag) < 0 ||
	    img_json_string(o, "manifest", "index.json", &manifest, diag) < 0 ||
	    img_json_string(o, "id", "index.json", &id, diag) < 0 ||
	    img_json_strv(o, "layers", "index.json", 4096, &img.layers, diag) < 0 ||
	    img_json_strv(o, "blobs", "index.json", 16, &img.blobs, diag) < 0 ||
	    img_json_int64(o, "size", "index.json", &size, NULL, diag) < 0 ||
	    img_json_int64(o, "imported", "index.json", &imported, NULL, diag) < 0)
		r = -EUCLEAN;
	if (r >= 0 && (isempty(ref) || !image_digest_valid(manifest) || !image_digest_valid(id) ||
	               !img.layers || size < 0))
		r = -EUCLEAN;
	for (size_t i = 0; r >= 0 && img.layers[i]; i++)
		if (!image_digest_valid(img.layers[i]))
			r = -EUCLEAN;
	for (size_t i = 0; r >= 0 && img.blobs && img.blobs[i]; i++)
		if (!image_digest_valid(img.blobs[i]))
			r = -EUCLEAN;
	if (r >= 0 && !img.blobs) {
		size_t n = 0;
		r = strv_extend_n(&img.blobs, &n, manifest);
	}
	if (r >= 0) {
		img.ref = strdup(ref);
		img.manifest = strdup(manifest);
		img.id = strdup(id);
		img.size = (uint64_t)size;
		img.imported = imported;
		if (!img.ref || !img.manifest || !img.id)
			r = -ENOMEM;
	}
	if (r < 0) {
		index_image_done(&img);
		return r;
	}
	*ret = img;
	return 0;
}

int store_index_load(ImageStore *s, StoreIndex *ret, Diag *diag) {
	_cleanup_free_ char *data = NULL;
	_cleanup_json_ json_object *o = NULL;
	json_object *images = NULL;
	StoreIndex idx = {};
	size_t size;
	int r;

	_cleanup_close_ int fd = openat(s->dfd, "index.json", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT) {
			*ret = idx;
			return 0;
		}
		return negative_errno();
	}
	r = read_full_fd(fd, INDEX_MAX_BYTES, &data, &size);
	if (r >= 0)
		r = json_parse_bounded(data, size, INDEX_MAX_BYTES, "index.json", &o, diag);
	if (r >= 0 && (!json_object_object_get_ex(o, "images", &images) ||
	               !json_object_is_type(images, json_type_array)))
		r = -EUCLEAN;
	size_t n = r >= 0 ? json_object_array_length(images) : 0;
	if (r >= 0 && n > 0 && !(idx.images = calloc(n, sizeof(IndexImage))))
		r = -ENOMEM;
	for (size_t i = 0; r >= 0 && i < n; i++) {
		r = parse_entry(json_object_array_get_idx(images, i), &idx.images[i], diag);
		if (r >= 0)
			idx.n++;
	}
	if (r < 0) {
		diag_error(diag, NULL, "%s/index.json is damaged: %s", s->dir, strerror(-r));
		store_index_done(&idx);
		return r == -ENOMEM ? r : -EUCLEAN;
	}
	*ret = idx;
	return 0;
}

static json_object *entry_to_json(const IndexImage *img) {
	json_object *o = json_object_new_object();
	if (!o)
		return NULL;
	json_object_object_add(o, "ref", json_object_new_string(img->ref));
	json_object_object_add(o, "manifest", json_object_new_string(img->manifest));
	json_object_object_add(o, "id", json_object_new_string(img->id));
	json_object_object_add(o, "blobs", json_new_strv(img->blobs));
	json_object_object_add(o, "layers", json_new_strv(img->layers));
	json_object_object_add(o, "size", json_object_new_int64((int64_t)img->size));
	json_object_object_add(o, "imported", json_object_new_int64(img->imported));
	return o;
}

int store_index_save(ImageStore *s, const StoreIndex *idx, Diag *diag) {
	_cleanup_json_ json_object *o = json_object_new_object();
	_cleanup_free_ char *path = store_path(s, "index.json");
	json_object *images = json_object_new_array();
	int r;

	if (!o || !images || !path) {
		json_object_put(images);
		return -ENOMEM;
	}
	json_object_object_add(o, "schemaVersion", json_object_new_int(1));
	json_object_object_add(o, "images", images);
	for (size_t i = 0; i < idx->n; i++)
		if (json_object_array_add(images, entry_to_json(&idx->images[i])) < 0)
			return -ENOMEM;
	const char *text = json_object_to_json_string_ext(
	        o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!text)
		return -ENOMEM;
	r = write_file_atomic(path, text, strlen(text), 0644);
	if (r < 0)
		diag_error(diag, NULL, "cannot write %s: %s", path, strerror(-r));
	return r;
}

int store_index_put(StoreIndex *idx, IndexImage *img, char **ret_old_id) {
	size_t i = 0;

	*ret_old_id = NULL;
	while (i < idx->n && strcmp(idx->images[i].ref, img->ref) < 0)
		i++;
	if (i < idx->n && streq(idx->images[i].ref, img->ref)) {
		if (!streq(idx->images[i].id, img->id))
			*ret_old_id = TAKE_PTR(idx->images[i].id);
		index_image_done(&idx->images[i]);
		idx->images[i] = *img;
		*img = (IndexImage){};
		return 0;
	}
	IndexImage *l = realloc(idx->images, (idx->n + 1) * sizeof(IndexImage));
	if (!l)
		return -ENOMEM;
	memmove(l + i + 1, l + i, (idx->n - i) * sizeof(IndexImage));
	l[i] = *img;
	*img = (IndexImage){};
	idx->images = l;
	idx->n++;
	return 0;
}

void store_index_drop(StoreIndex *idx, size_t i) {
	index_image_done(&idx->images[i]);
	memmove(idx->images + i, idx->images + i + 1, (idx->n - i - 1) * sizeof(IndexImage));
	idx->n--;
}

bool store_index_uses_layer(const StoreIndex *idx, const char *diff_id) {
	for (size_t i = 0; i < idx->n; i++)
		if (strv_contains(idx->images[i].layers, diff_id))
			return true;
	return false;
}

static bool same_repository(const char *ref, const char *repo) {
	ImageRef r = {};
	Diag d = {};
	bool same = false;
	if (image_ref_parse(ref, &r, &d) >= 0) {
		_cleanup_free_ char *rr = image_ref_repository(&r);
		same = streq_ptr(rr, repo);
	}
	image_ref_done(&r);
	diag_clear(&d);
	return same;
}

static int lookup_ref(const StoreIndex *idx, const ImageRef *r, size_t *ret, size_t max) {
	_cleanup_free_ char *repo = image_ref_repository(r), *full = image_ref_string(r);
	size_t n = 0;

	if (!repo || !full)
		return -ENOMEM;
	for (size_t i = 0; i < idx->n && n < max; i++)
		if (r->digest ? streq(idx->images[i].manifest, r->digest) &&
		                        same_repository(idx->images[i].ref, repo)
		              : streq(idx->images[i].ref, full))
			ret[n++] = i;
	return (int)n;
}

static bool is_hex(const char *s) {
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

/* An image ID, whole or a prefix of its hex as `ls` shows it. */
static int lookup_id(const StoreIndex *idx, const char *s, size_t *ret, size_t max, Diag *diag) {
	const char *hex = startswith(s, "sha256:") ?: s;
	const char *first = NULL;
	size_t n = 0, l = strlen(hex);

	if (l < ID_PREFIX_MIN || l > 64 || !is_hex(hex))
		return 0;
	for (size_t i = 0; i < idx->n && n < max; i++)
		if (strneq(idx->images[i].id + 7, hex, l)) {
			if (first && !streq(first, idx->images[i].id)) {
				diag_error(diag, NULL, "image ID prefix \"%s\" is ambiguous", s);
				return -ENOTUNIQ;
			}
			first = idx->images[i].id;
			ret[n++] = i;
		}
	return (int)n;
}

int store_index_lookup(const StoreIndex *idx, const char *ref_or_id, size_t *ret, size_t max,
                       char **ret_ref, Diag *diag) {
	ImageRef r = {};
	Diag quiet = {};
	int n = 0;

	if (ret_ref)
		*ret_ref = NULL;
	if (image_ref_parse(ref_or_id, &r, &quiet) >= 0) {
		n = lookup_ref(idx, &r, ret, max);
		if (n >= 0 && ret_ref && !(*ret_ref = image_ref_string(&r)))
			n = -ENOMEM;
	}
	if (n == 0)
		n = lookup_id(idx, ref_or_id, ret, max, diag);
	/* neither a reference nor an ID: say why it is not a reference */
	if (n == 0 && diag_failed(&quiet))
		diag_merge(diag, &quiet, NULL);
	image_ref_done(&r);
	diag_clear(&quiet);
	return n;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* OCI image-spec documents from untrusted bytes (see oci.h). */
#include "image-ref.h"
#include "image-util.h"
#include "oci.h"

#define LIST_MAX 65536 /* Env, Cmd, Entrypoint, ExposedPorts items */

OciMediaKind oci_media_kind(const char *mt) {
	static const char *const layers[] = {
		"application/vnd.oci.image.layer.v1.tar",
		"application/vnd.oci.image.layer.v1.tar+gzip",
		"application/vnd.oci.image.layer.v1.tar+zstd",
		"application/vnd.oci.image.layer.nondistributable.v1.tar",
		"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
		"application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
		"application/vnd.docker.image.rootfs.diff.tar.gzip",
		"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
	};
	if (!mt)
		return OCI_KIND_UNKNOWN;
	if (streq(mt, OCI_MEDIA_INDEX) || streq(mt, DOCKER_MEDIA_LIST))
		return OCI_KIND_INDEX;
	if (streq(mt, OCI_MEDIA_MANIFEST) || streq(mt, DOCKER_MEDIA_MANIFEST))
		return OCI_KIND_MANIFEST;
	if (streq(mt, OCI_MEDIA_CONFIG) || streq(mt, DOCKER_MEDIA_CONFIG))
		return OCI_KIND_CONFIG;
	for (size_t i = 0; i < ELEMENTSOF(layers); i++)
		if (streq(mt, layers[i]))
			return OCI_KIND_LAYER;
	return OCI_KIND_UNKNOWN;
}

void oci_descriptor_done(OciDescriptor *d) {
	if (!d)
		return;
	free(d->media_type);
	free(d->digest);
	free(d->ref_name);
	free(d->os);
	free(d->architecture);
	free(d->variant);
	*d = (OciDescriptor){};
}

static void descriptors_free(OciDescriptor *d, size_t n) {
	for (size_t i = 0; d && i < n; i++)
		oci_descriptor_done(&d[i]);
	free(d);
}

void oci_index_done(OciIndex *i) {
	if (!i)
		return;
	descriptors_free(i->manifests, i->n_manifests);
	*i = (OciIndex){};
}

void oci_manifest_done(OciManifest *m) {
	if (!m)
		return;
	oci_descriptor_done(&m->config);
	descriptors_free(m->layers, m->n_layers);
	*m = (OciManifest){};
}

void oci_image_config_done(OciImageConfig *c) {
	if (!c)
		return;
	free(c->os);
	free(c->architecture);
	free(c->variant);
	image_config_done(&c->config);
	strv_free(c->diff_ids);
	*c = (OciImageConfig){};
}

static int dup_member(json_object *o, const char *key, const char *what, char **ret, Diag *diag) {
	const char *s;
	int r = img_json_string(o, key, what, &s, diag);
	if (r < 0)
		return r;
	*ret = NULL;
	if (s && !(*ret = strdup(s)))
		return -ENOMEM;
	return 0;
}

static int parse_object(const char *data, size_t len, const char *what, json_object **ret,
                        Diag *diag) {
	json_object *o = NULL;
	int r = json_parse_bounded(data, len, SIZE_MAX /* read bounded */, what, &o, diag);
	if (r < 0)
		return r;
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		diag_error(diag, what, "must be a JSON object");
		return -EINVAL;
	}
	*ret = o;
	return 0;
}

static int check_schema_version(json_object *o, const char *what, Diag *diag) {
	int64_t v;
	bool present;
	int r = img_json_int64(o, "schemaVersion", what, &v, &present, diag);
	if (r < 0)
		return r;
	if (!present || v != 2) {
		diag_error(diag, what, "schemaVersion: must be 2");
		return -EINVAL;
	}
	return 0;
}

static int parse_platform(json_object *o, const char *what, OciDescriptor *d, Diag *diag) {
	json_object *p = NULL;
	int r;

	if (!json_object_object_get_ex(o, "platform", &p) || !p)
		return 0;
	if (!json_object_is_type(p, json_type_object)) {
		diag_error(diag, what, "platform: must be an object");
		return -EINVAL;
	}
	r = dup_member(p, "os", what, &d->os, diag);
	if (r >= 0)
		r = dup_member(p, "architecture", what, &d->architecture, diag);
	if (r >= 0)
		r = dup_member(p, "variant", what, &d->variant, diag);
	return r;
}

static int parse_descriptor(json_object *o, const char *what, OciDescriptor *ret, Diag *diag) {
	OciDescriptor d = {};
	json_object *ann = NULL;
	bool has_size;
	int r;

	if (!json_object_is_type(o, json_type_object)) {
		diag_error(diag, what, "must be an object");
		return -EINVAL;
	}
	r = dup_member(o, "mediaType", what, &d.media_type, diag);
	if (r >= 0)
		r = dup_member(o, "digest", what, &d.digest, diag);
	if (r >= 0)
		r = img_json_int64(o, "size", what, &d.size, &has_size, diag);
	if (r >= 0 && (!d.media_type || !d.digest || !has_size || d.size < 0)) {
		diag_error(diag, what, "a descriptor needs mediaType, digest and a size >= 0");
		r = -EINVAL;
	}
	if (r >= 0 && !image_digest_valid(d.digest)) {
		diag_error(diag, what,
		           "digest \"%.80s\": only sha256:<64 lowercase hex> is supported",
		           d.digest);
		r = -EINVAL;
	}
	if (r >= 0 && json_object_object_get_ex(o, "annotations", &ann) && ann) {
		if (!json_object_is_type(ann, json_type_object)) {
			diag_error(diag, what, "annotations: must be an object");
			r = -EINVAL;
		} else
			r = dup_member(ann, OCI_REF_NAME_ANNOTATION, what, &d.ref_name, diag);
	}
	if (r >= 0)
		r = parse_platform(o, what, &d, diag);
	if (r < 0) {
		oci_descriptor_done(&d);
		return r;
	}
	*ret = d;
	return 0;
}

static int parse_descriptor_list(json_object *o, const char *key, const char *what, size_t max,
                                 OciDescriptor **ret, size_t *ret_n, Diag *diag) {
	json_object *a = NULL;
	OciDescriptor *l = NULL;
	size_t n;
	int r = 0;

	if (!json_object_object_get_ex(o, key, &a) || !json_object_is_type(a, json_type_array)) {
		diag_error(diag, what, "%s: must be an array", key);
		return -EINVAL;
	}
	n = json_object_array_length(a);
	if (n > max) {
		diag_error(diag, what, "%s: more than %zu entries", key, max);
		return -E2BIG;
	}
	if (n > 0 && !(l = calloc(n, sizeof(OciDescriptor))))
		return -ENOMEM;
	for (size_t i = 0; i < n && r >= 0; i++) {
		_cleanup_free_ char *w = NULL;
		if (asprintf(&w, "%s: %s[%zu]", what, key, i) < 0)
			r = -ENOMEM;
		else
			r = parse_descriptor(json_object_array_get_idx(a, i), w, &l[i], diag);
	}
	if (r < 0) {
		descriptors_free(l, n);
		return r;
	}
	*ret = l;
	*ret_n = n;
	return 0;
}

int oci_parse_layout(const char *data, size_t len, Diag *diag) {
	_cleanup_json_ json_object *o = NULL;
	const char *v;
	int r = parse_object(data, len, "oci-layout", &o, diag);
	if (r < 0)
		return r;
	r = img_json_string(o, "imageLayoutVersion", "oci-layout", &v, diag);
	if (r < 0)
		return r;
	if (!v || !startswith(v, "1.")) {
		diag_error(diag, "oci-layout", "imageLayoutVersion: \"%.40s\" is not 1.x",
		           strempty(v));
		return -EPROTONOSUPPORT;
	}
	return 0;
}

int oci_parse_index(const char *data, size_t len, size_t max_manifests, OciIndex *ret, Diag *diag) {
	_cleanup_json_ json_object *o = NULL;
	OciIndex idx = {};
	int r = parse_object(data, len, "index", &o, diag);
	if (r >= 0)
		r = check_schema_version(o, "index", diag);
	if (r >= 0)
		r = parse_descriptor_list(o, "manifests", "index", max_manifests, &idx.manifests,
		                          &idx.n_manifests, diag);
	if (r < 0)
		return r;
	*ret = idx;
	return 0;
}

int oci_parse_manifest(const char *data, size_t len, size_t max_layers, OciManifest *ret,
                       Diag *diag) {
	_cleanup_json_ json_object *o = NULL;
	OciManifest m = {};
	json_object *c = NULL;
	const char *mt;
	int r = parse_object(data, len, "manifest", &o, diag);

	if (r >= 0)
		r = check_schema_version(o, "manifest", diag);
	if (r >= 0)
		r = img_json_string(o, "mediaType", "manifest", &mt, diag);
	if (r >= 0 && mt && oci_media_kind(mt) != OCI_KIND_MANIFEST) {
		diag_error(diag, "manifest", "mediaType \"%.100s\" is not an image manifest", mt);
		r = -EMEDIUMTYPE;
	}
	if (r >= 0 && !json_object_object_get_ex(o, "config", &c)) {
		diag_error(diag, "manifest", "config: required");
		r = -EINVAL;
	}
	if (r >= 0)
		r = parse_descriptor(c, "manifest: config", &m.config, diag);
	if (r >= 0)
		r = parse_descriptor_list(o, "layers", "manifest", max_layers, &m.layers,
		                          &m.n_layers, diag);
	if (r < 0) {
		oci_manifest_done(&m);
		return r;
	}
	*ret = m;
	return 0;
}

/* ExposedPorts is a map {"80/tcp": {}}: keep the keys. */
static int parse_ports(json_object *cfg, char ***ret, Diag *diag) {
	json_object *p = NULL;
	char **l = NULL;
	size_t n = 0;
	int r = 0;

	*ret = NULL;
	if (!json_object_object_get_ex(cfg, "ExposedPorts", &p) || !p)
		return 0;
	if (!json_object_is_type(p, json_type_object) || json_object_object_length(p) > LIST_MAX) {
		diag_error(diag, "config", "ExposedPorts: must be an object of at most %d ports",
		           LIST_MAX);
		return -EINVAL;
	}
	json_object_object_foreach (p, key, val) {
		(void)val;
		if (r >= 0)
			r = strv_extend_n(&l, &n, key);
	}
	if (r < 0) {
		strv_free(l);
		return r;
	}
	*ret = l;
	return 0;
}

static int parse_run_config(json_object *o, ImageConfig *ret, Diag *diag) {
	json_object *cfg = NULL;
	ImageConfig c = {};
	int r = 0;

	if (!json_object_object_get_ex(o, "config", &cfg) || !cfg)
		return 0;
	if (!json_object_is_type(cfg, json_type_object)) {
		diag_error(diag, "config", "config: must be an object");
		return -EINVAL;
	}
	r = img_json_strv(cfg, "Entrypoint", "config", LIST_MAX, &c.entrypoint, diag);
	if (r >= 0)
		r = img_json_strv(cfg, "Cmd", "config", LIST_MAX, &c.cmd, diag);
	if (r >= 0)
		r = img_json_strv(cfg, "Env", "config", LIST_MAX, &c.env, diag);
	if (r >= 0)
		r = dup_member(cfg, "WorkingDir", "config", &c.working_dir, diag);
	if (r >= 0)
		r = dup_member(cfg, "User", "config", &c.user, diag);
	if (r >= 0)
		r = dup_member(cfg, "StopSignal", "config", &c.stop_signal, diag);
	if (r >= 0)
		r = parse_ports(cfg, &c.exposed_ports, diag);
	if (r < 0) {
		image_config_done(&c);
		return r;
	}
	*ret = c;
	return 0;
}

static int parse_rootfs(json_object *o, size_t max_layers, OciImageConfig *c, Diag *diag) {
	json_object *rootfs = NULL;
	const char *type;
	int r;

	if (!json_object_object_get_ex(o, "rootfs", &rootfs) ||
	    !json_object_is_type(rootfs, json_type_object)) {
		diag_error(diag, "config", "rootfs: required object");
		return -EINVAL;
	}
	r = img_json_string(rootfs, "type", "config", &type, diag);
	if (r < 0)
		return r;
	if (!streq_ptr(type, "layers")) {
		diag_error(diag, "config", "rootfs.type: must be \"layers\"");
		return -EINVAL;
	}
	r = img_json_strv(rootfs, "diff_ids", "config: rootfs", max_layers, &c->diff_ids, diag);
	if (r < 0)
		return r;
	if (!c->diff_ids) {
		diag_error(diag, "config", "rootfs.diff_ids: required");
		return -EINVAL;
	}
	c->n_diff_ids = strv_length(c->diff_ids);
	for (size_t i = 0; i < c->n_diff_ids; i++)
		if (!image_digest_valid(c->diff_ids[i])) {
			diag_error(diag, "config", "rootfs.diff_ids[%zu]: not a sha256 digest", i);
			return -EINVAL;
		}
	return 0;
}

int oci_parse_config(const char *data, size_t len, size_t max_layers, OciImageConfig *ret,
                     Diag *diag) {
	_cleanup_json_ json_object *o = NULL;
	OciImageConfig c = {};
	int r = parse_object(data, len, "config", &o, diag);

	if (r >= 0)
		r = dup_member(o, "os", "config", &c.os, diag);
	if (r >= 0)
		r = dup_member(o, "architecture", "config", &c.architecture, diag);
	if (r >= 0)
		r = dup_member(o, "variant", "config", &c.variant, diag);
	if (r >= 0)
		r = parse_run_config(o, &c.config, diag);
	if (r >= 0)
		r = parse_rootfs(o, max_layers, &c, diag);
	if (r < 0) {
		oci_image_config_done(&c);
		return r;
	}
	*ret = c;
	return 0;
}

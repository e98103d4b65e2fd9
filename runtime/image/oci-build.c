/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The image config and manifest of an image skiff makes from a rootfs. No "created" time: the
 * same rootfs and settings give the same image ID. The manifest describes the layer as the
 * uncompressed tar (digest = diff_id) whatever compression the input had, so a rootfs imported
 * as .tar or .tar.zst is the same image.
 */
#include "image-internal.h"
#include "image-util.h"

const char *img_host_arch(void) {
	/* GOARCH names, as image configs and platforms use them */
#if defined(__x86_64__)
	return "amd64";
#elif defined(__aarch64__)
	return "arm64";
#elif defined(__i386__)
	return "386";
#elif defined(__arm__)
	return "arm";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return "ppc64le";
#elif defined(__s390x__)
	return "s390x";
#elif defined(__riscv) && __riscv_xlen == 64
	return "riscv64";
#else
	return "unknown";
#endif
}

/* Empty members are left out, as Go's omitempty does in image configs. */
static int add_strv(json_object *o, const char *key, char *const *l) {
	return l && l[0] ? json_add_strv(o, key, l) : 0;
}

static int add_string(json_object *o, const char *key, const char *s) {
	return isempty(s) ? 0 : json_add_string(o, key, s);
}

int oci_build_config(const ImageConfig *cfg, char *const *diff_ids, char **ret) {
	_cleanup_json_ json_object *o = json_object_new_object();
	json_object *c = json_object_new_object(), *rootfs = json_object_new_object();
	json_object *ports = NULL;

	if (!o || !c || !rootfs) {
		json_object_put(c);
		json_object_put(rootfs);
		return -ENOMEM;
	}
	json_object_object_add(o, "architecture", json_object_new_string(img_host_arch()));
	json_object_object_add(o, "os", json_object_new_string("linux"));
	json_object_object_add(o, "config", c);
	if (add_strv(c, "Env", cfg->env) < 0 || add_strv(c, "Entrypoint", cfg->entrypoint) < 0 ||
	    add_strv(c, "Cmd", cfg->cmd) < 0 || add_string(c, "WorkingDir", cfg->working_dir) < 0 ||
	    add_string(c, "User", cfg->user) < 0 ||
	    add_string(c, "StopSignal", cfg->stop_signal) < 0)
		return -ENOMEM;
	if (cfg->exposed_ports && cfg->exposed_ports[0]) {
		if (!(ports = json_object_new_object()))
			return -ENOMEM;
		json_object_object_add(c, "ExposedPorts", ports);
		for (size_t i = 0; cfg->exposed_ports[i]; i++)
			json_object_object_add(ports, cfg->exposed_ports[i],
			                       json_object_new_object());
	}
	json_object_object_add(o, "rootfs", rootfs);
	json_object_object_add(rootfs, "type", json_object_new_string("layers"));
	json_object_object_add(rootfs, "diff_ids", json_new_strv(diff_ids));
	return json_to_string_dup(o, ret);
}

static json_object *descriptor(const char *media_type, const char *digest, uint64_t size) {
	json_object *d = json_object_new_object();
	if (!d)
		return NULL;
	json_object_object_add(d, "mediaType", json_object_new_string(media_type));
	json_object_object_add(d, "digest", json_object_new_string(digest));
	json_object_object_add(d, "size", json_object_new_int64((int64_t)size));
	return d;
}

int oci_build_manifest(const char *config_digest, size_t config_size, char *const *diff_ids,
                       const uint64_t *diff_sizes, char **ret) {
	_cleanup_json_ json_object *o = json_object_new_object();
	json_object *layers = json_object_new_array();

	if (!o || !layers) {
		json_object_put(layers);
		return -ENOMEM;
	}
	json_object_object_add(o, "schemaVersion", json_object_new_int(2));
	json_object_object_add(o, "mediaType", json_object_new_string(OCI_MEDIA_MANIFEST));
	json_object_object_add(o, "config",
	                       descriptor(OCI_MEDIA_CONFIG, config_digest, config_size));
	json_object_object_add(o, "layers", layers);
	for (size_t i = 0; diff_ids && diff_ids[i]; i++)
		if (json_object_array_add(
		            layers, descriptor(OCI_MEDIA_LAYER, diff_ids[i], diff_sizes[i])) < 0)
			return -ENOMEM;
	return json_to_string_dup(o, ret);
}

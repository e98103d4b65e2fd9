/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the pod model's files only: enum tables, the decoder's helpers, free helpers. */
#pragma once

#include <stddef.h>

#include "field-errors.h"
#include "pod.h"

/* names[i] is the API string of enum value i; names[0] is "" (unset). */
typedef struct EnumTable {
	const char *const *names;
	size_t n;
	bool empty_ok;          /* "" decodes as unset (defaulted, or checked by validation) */
	size_t first_supported; /* first index listed in "supported values" (0 lists "") */
} EnumTable;

extern const EnumTable restart_policy_table;
extern const EnumTable pull_policy_table;
extern const EnumTable protocol_table;
extern const EnumTable termination_message_policy_table;
extern const EnumTable dns_policy_table;
extern const EnumTable uri_scheme_table;
extern const EnumTable seccomp_profile_type_table;
extern const EnumTable proc_mount_type_table;
extern const EnumTable host_path_type_table;
extern const EnumTable container_restart_policy_table;

int enum_from_string(const EnumTable *t, const char *s);
const char *enum_to_string(const EnumTable *t, int value);
void enum_not_supported(Diag *d, const char *path, const EnumTable *t, const char *value);

/* Decoding: errors are recorded with their path, so validation can stay silent below them. */
typedef struct Decoder {
	Diag *diag;
	char **failed; /* field paths that failed to decode */
	size_t n_failed;
} Decoder;

typedef void (*DecodeFn)(Decoder *d, json_object *v, const char *path, void *field);

typedef struct FieldSpec {
	const char *name;
	DecodeFn fn; /* NULL: a known field skiff accepts and ignores */
	size_t offset;
} FieldSpec;

#define FIELD(json, fn, type, member)                                                              \
	{ json, fn, offsetof(type, member) }
#define IGNORED(json)                                                                              \
	{ json, NULL, 0 }
#define FIELDS_END                                                                                 \
	{ NULL, NULL, 0 }

void dec_error(Decoder *d, const char *path, const char *fmt, ...) _printf_(3, 4);
void dec_failed(Decoder *d, const char *path);
void decoder_done(Decoder *d);
bool dec_expect(Decoder *d, json_object *v, json_type type, const char *path);
/* Decode the members of an object through a field table; unknown members are warnings. */
void dec_fields(Decoder *d, json_object *obj, const char *path, const FieldSpec *fields,
                void *target);
/* Check an array of at most max items and allocate that many zeroed items (NULL if empty). */
void *dec_array_alloc(Decoder *d, json_object *v, const char *path, size_t max, size_t item_size,
                      size_t *ret_n);
bool dec_get_string(Decoder *d, json_object *v, const char *path, size_t max, char **ret);
bool dec_get_int64(Decoder *d, json_object *v, const char *path, int64_t *ret);
bool dec_get_int32(Decoder *d, json_object *v, const char *path, int32_t *ret);
bool dec_get_enum(Decoder *d, json_object *v, const char *path, const EnumTable *t, int *ret);
bool dec_get_quantity(Decoder *d, json_object *v, const char *path, Quantity *ret);
/* An array of strings, NULL-terminated; total bytes (with NULs) added to *bytes if given. */
bool dec_get_strv(Decoder *d, json_object *v, const char *path, size_t max_items,
                  size_t max_bytes_each, char ***ret, size_t *ret_n, size_t *bytes);

/* DecodeFn for the simple field types. */
void dec_string(Decoder *d, json_object *v, const char *path, void *field);
void dec_int32(Decoder *d, json_object *v, const char *path, void *field);
void dec_opt_int64(Decoder *d, json_object *v, const char *path, void *field);
void dec_bool(Decoder *d, json_object *v, const char *path, void *field);
void dec_opt_bool(Decoder *d, json_object *v, const char *path, void *field);
void dec_opt_quantity(Decoder *d, json_object *v, const char *path, void *field);
void dec_strmap(Decoder *d, json_object *v, const char *path, void *field);
/* A field of the API that would change what the container gets, and that skiff cannot honour. */
void dec_not_supported(Decoder *d, json_object *v, const char *path, void *field);
/* A field skiff accepts and ignores, with a warning (seLinuxOptions, appArmorProfile). */
void dec_warn_ignored(Decoder *d, json_object *v, const char *path, void *field);
/* An optional object: field points to a T * that is allocated (size bytes, zeroed) on first
 * sight, then its members are decoded through fields. Returns the T, NULL if out of memory. */
void *dec_optional_object(Decoder *d, json_object *v, const char *path, const FieldSpec *fields,
                          void *field, size_t size);

#define DEFINE_ENUM_DECODER(fn, table, type)                                                       \
	static void fn(Decoder *d, json_object *v, const char *path, void *field) {                \
		int x;                                                                             \
		if (dec_get_enum(d, v, path, &(table), &x))                                        \
			*(type *)field = (type)x;                                                  \
	}

void dec_container(Decoder *d, json_object *v, const char *path, Container *c);
void dec_probe(Decoder *d, json_object *v, const char *path, void *field);
void dec_lifecycle(Decoder *d, json_object *v, const char *path, void *field);
void dec_seccomp_profile(Decoder *d, json_object *v, const char *path, void *field);
void dec_security_context(Decoder *d, json_object *v, const char *path, void *field);

/* Freeing the parts of a pod. */
void container_done(Container *c);
void handler_free(Handler *h);

/* Validation, split by concern over pod-validate*.c. */
typedef struct Validator {
	Diag *diag;
	const Pod *pod;
	const char *spec_path; /* "spec", or "items[2].spec" */
	bool *volume_ok;       /* per spec.volumes[i]: valid, so a mount may name it */
} Validator;

typedef enum ProbeKind {
	PROBE_LIVENESS,
	PROBE_READINESS,
	PROBE_STARTUP,
} ProbeKind;

void validate_containers(Validator *v);
void validate_init_containers(Validator *v);
void validate_port_warnings(Validator *v);
void validate_probe(Validator *v, const Probe *p, const char *path, ProbeKind kind);
void validate_lifecycle(Validator *v, const Lifecycle *l, const char *path);
void validate_seccomp_profile(Diag *d, const SeccompProfile *s, const char *path);
void validate_security_context(Validator *v, const SecurityContext *sc, const char *path);
/* validateLocalDescendingPath: relative, without ".." elements. */
void validate_local_descending_path(Diag *d, const char *value, const char *path);
/* validatePathNoBacksteps. */
void validate_no_backsteps(Diag *d, const char *value, const char *path);
/* IsValidUserID / IsValidGroupID: 0 to 2^32-1. */
void validate_id(Diag *d, int64_t id, const char *path);
/* Report every message of a name checker as "Invalid value: \"x\": <msg>". */
void report_name(Diag *d, const char *path, const char *value,
                 size_t (*check)(const char *, const char **));

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The name formats of the Kubernetes API (apimachinery util/validation, api/validate/content):
 * each checker returns how many problems it found and points msgs[] at the API's own wording
 * (static strings), for the caller to report as "Invalid value: \"x\": <msg>".
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define DNS1123_LABEL_MAX 63
#define DNS1123_SUBDOMAIN_MAX 253
#define LABEL_VALUE_MAX 63
#define PORT_NAME_MAX 15

/* Room for every message any checker below can return. */
#define NAME_MSGS_MAX 5

size_t is_dns1123_label(const char *v, const char *msgs[NAME_MSGS_MAX]);
size_t is_dns1123_subdomain(const char *v, const char *msgs[NAME_MSGS_MAX]);
/* A label key, annotation key (after lower-casing) or resource name: [prefix/]name. */
size_t is_qualified_name(const char *v, const char *msgs[NAME_MSGS_MAX]);
size_t is_label_value(const char *v, const char *msgs[NAME_MSGS_MAX]);
/* IANA_SVC_NAME: port names. */
size_t is_port_name(const char *v, const char *msgs[NAME_MSGS_MAX]);
/* RelaxedEnvironmentVariableValidation (GA in 1.34): printable ASCII other than '='. */
size_t is_env_var_name(const char *v, const char *msgs[NAME_MSGS_MAX]);
size_t is_http_header_name(const char *v, const char *msgs[NAME_MSGS_MAX]);
size_t is_c_identifier(const char *v, const char *msgs[NAME_MSGS_MAX]);

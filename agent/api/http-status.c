/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "http-status.h"
#include "json-util.h"
#include "macro.h"

typedef struct StatusName {
	unsigned code;
	const char *reason; /* metav1.StatusReason, as the API server sets it for this code */
	const char *phrase; /* RFC 9110 reason phrase */
} StatusName;

static const StatusName status_names[] = {
	{ 200, "", "OK" },
	{ 201, "", "Created" },
	{ 202, "", "Accepted" },
	{ 204, "", "No Content" },
	{ 400, "BadRequest", "Bad Request" },
	{ 401, "Unauthorized", "Unauthorized" },
	{ 403, "Forbidden", "Forbidden" },
	{ 404, "NotFound", "Not Found" },
	{ 405, "MethodNotAllowed", "Method Not Allowed" },
	{ 406, "NotAcceptable", "Not Acceptable" },
	{ 409, "Conflict", "Conflict" },
	{ 410, "Gone", "Gone" },
	{ 411, "", "Length Required" },
	{ 413, "RequestEntityTooLarge", "Payload Too Large" },
	{ 414, "", "URI Too Long" },
	{ 415, "UnsupportedMediaType", "Unsupported Media Type" },
	{ 422, "Invalid", "Unprocessable Entity" },
	{ 429, "TooManyRequests", "Too Many Requests" },
	{ 431, "", "Request Header Fields Too Large" },
	{ 500, "InternalError", "Internal Server Error" },
	{ 501, "", "Not Implemented" },
	{ 503, "ServiceUnavailable", "Service Unavailable" },
	{ 504, "Timeout", "Gateway Timeout" },
};

static const StatusName *status_find(unsigned code) {
	for (size_t i = 0; i < ELEMENTSOF(status_names); i++)
		if (status_names[i].code == code)
			return &status_names[i];
	return NULL;
}

const char *http_status_reason(unsigned code) {
	const StatusName *n = status_find(code);
	return n ? n->reason : "";
}

const char *http_status_phrase(unsigned code) {
	const StatusName *n = status_find(code);
	return n ? n->phrase : "Unknown";
}

static json_object *details_new(const char *kind, const char *name) {
	_cleanup_json_ json_object *d = json_object_new_object();
	if (!d)
		return NULL;
	if (json_add_string(d, "name", name) < 0 || json_add_string(d, "kind", kind) < 0)
		return NULL;
	return TAKE_PTR(d);
}

json_object *http_status_new(unsigned code, const char *reason, const char *message,
                             const char *kind, const char *name) {
	_cleanup_json_ json_object *o = json_object_new_object();
	if (!o)
		return NULL;
	if (!reason)
		reason = http_status_reason(code);
	/* Key order as the API server writes them, so the output reads the same. */
	if (json_add_string(o, "kind", "Status") < 0 ||
	    json_add_string(o, "apiVersion", "v1") < 0 ||
	    json_add(o, "metadata", json_object_new_object()) < 0 ||
	    json_add_string(o, "status", code < 400 ? "Success" : "Failure") < 0 ||
	    json_add_string(o, "message", strempty(message)) < 0 ||
	    json_add_string(o, "reason", reason) < 0)
		return NULL;
	if ((kind || name) && json_add(o, "details", details_new(kind, name)) < 0)
		return NULL;
	if (json_add(o, "code", json_object_new_int((int)code)) < 0)
		return NULL;
	return TAKE_PTR(o);
}

char *http_status_json(unsigned code, const char *reason, const char *message, const char *kind,
                       const char *name) {
	_cleanup_json_ json_object *o = http_status_new(code, reason, message, kind, name);
	char *json = NULL;
	if (!o || json_to_string_dup(o, &json) < 0)
		return NULL;
	return json;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The CLI's side of the local API: HTTP over the agent's Unix socket with libcurl (blocking;
 * the CLI is a short-lived process with nothing else to do meanwhile). Responses are bounded;
 * JSON is parsed with json-c. Failures come back as -errno plus a ClientError whose message is
 * what kubectl would print:
 *   The connection to the skiff agent at unix:///run/skiff/skiff.sock was refused - is the
 *   agent running?
 *   Error from server (NotFound): pods "x" not found
 * Library code: prints nothing; the CLI prints err->message.
 */
#pragma once

#include <json-c/json.h>
#include <stddef.h>

#include "macro.h"

#define CLIENT_DEFAULT_SOCKET "/run/skiff/skiff.sock"
#define CLIENT_MAX_RESPONSE (16u * 1024u * 1024u)
#define CLIENT_MAX_LINE (1024u * 1024u)
#define CLIENT_CONNECT_TIMEOUT_MS 5000
#define CLIENT_DEFAULT_TIMEOUT_SEC 60

typedef struct SkiffClient SkiffClient;

typedef struct ClientError {
	long http_code;     /* 0 when no HTTP response came back */
	char reason[64];    /* the Status reason ("NotFound"), "" when none */
	char message[1024]; /* one line for the user, kubectl-style */
} ClientError;

/*
 * address: NULL for CLIENT_DEFAULT_SOCKET, an absolute path for a Unix socket, or
 * "http://host:port" (the TCP listener; only /healthz and /metrics are served there).
 */
int client_new(const char *address, SkiffClient **ret);
SkiffClient *client_free(SkiffClient *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(SkiffClient *, client_free)
/* Bound on a whole non-streaming request (0: none). Streams have no total bound. */
void client_set_timeout(SkiffClient *c, unsigned sec);
/* "unix:///run/skiff/skiff.sock" or the base URL, as the messages name it. */
const char *client_address(const SkiffClient *c);

/*
 * method + path (with its query string, already escaped) and an optional JSON body;
 * *ret (may be NULL) gets the parsed JSON reply, NULL for an empty one.
 */
int client_request_json(SkiffClient *c, const char *method, const char *path, json_object *body,
                        json_object **ret, ClientError *err);
int client_get_json(SkiffClient *c, const char *path, json_object **ret, ClientError *err);
int client_post_json(SkiffClient *c, const char *path, json_object *body, json_object **ret,
                     ClientError *err);
/* A text reply (e.g. /metrics, logs without -f), NUL-terminated. */
int client_get_text(SkiffClient *c, const char *path, char **ret, size_t *ret_size,
                    ClientError *err);

/*
 * Streaming: callbacks get data as it arrives; returning < 0 stops the request, which then
 * returns that value (the connection is closed, so the agent sees the client go).
 */
typedef int (*ClientLineCallback)(const char *line, size_t len, void *userdata);
typedef int (*ClientDataCallback)(const void *data, size_t size, void *userdata);

/* Each line without its "\n" (a line longer than CLIENT_MAX_LINE comes in pieces). */
int client_get_lines(SkiffClient *c, const char *path, ClientLineCallback cb, void *userdata,
                     ClientError *err);
/* POST body, then the reply's bytes as they come (e.g. an exec's output). */
int client_post_stream(SkiffClient *c, const char *path, const char *content_type, const void *body,
                       size_t size, ClientDataCallback cb, void *userdata, ClientError *err);

/* Percent-encode a query or path value (malloc'd). */
char *client_escape(const char *s);

/*
 * An HTTP error reply -> -errno (404 -> -ENOENT, 409 -> -EEXIST, 413 -> -EFBIG, ...) and the
 * kubectl-style message; a Status object gives reason and message. Pure, for tests.
 */
int client_error_from_reply(long code, const char *body, size_t size, ClientError *err);

/* SPDX-License-Identifier: Apache-2.0 */
#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>

#include "client.h"
#include "curl-dl.h"
#include "json-util.h"

#define ERROR_BODY_MAX (64u * 1024u)

struct SkiffClient {
	CURL *curl;
	char *socket_path; /* NULL for TCP */
	char *base_url;    /* "http://localhost" for the socket */
	char *address;     /* for messages */
	unsigned timeout_sec;
};

typedef struct Transfer {
	long code;
	bool stream;
	/* collected body: the whole reply, or an error reply of a stream */
	char *buf;
	size_t len;
	size_t max;
	bool too_large;
	/* streaming */
	ClientLineCallback line_cb;
	ClientDataCallback data_cb;
	void *userdata;
	char *line;
	size_t line_len;
	int cb_error;
} Transfer;

static void error_set(ClientError *err, long code, const char *reason, const char *fmt, ...)
        _printf_(4, 5);
static void error_set(ClientError *err, long code, const char *reason, const char *fmt, ...) {
	va_list ap;

	if (!err)
		return;
	err->http_code = code;
	snprintf(err->reason, sizeof(err->reason), "%s", strempty(reason));
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
}

SkiffClient *client_free(SkiffClient *c) {
	if (!c)
		return NULL;
	if (c->curl) {
		sym_curl_easy_cleanup(c->curl);
		sym_curl_global_cleanup();
	}
	free(c->socket_path);
	free(c->base_url);
	free(c->address);
	free(c);
	return NULL;
}

int client_new(const char *address, SkiffClient **ret) {
	if (!ret)
		return -EINVAL;
	if (!address)
		address = CLIENT_DEFAULT_SOCKET;
	_cleanup_(client_freep) SkiffClient *c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->timeout_sec = CLIENT_DEFAULT_TIMEOUT_SEC;
	if (address[0] == '/') {
		c->socket_path = strdup(address);
		c->base_url = strdup("http://localhost");
		if (asprintf(&c->address, "unix://%s", address) < 0)
			c->address = NULL;
	} else if (startswith(address, "http://")) {
		c->base_url = strdup(address);
		c->address = strdup(address);
		/* "http://host:port/" would give "//path" */
		size_t l = c->base_url ? strlen(c->base_url) : 0;
		if (l > strlen("http://") && c->base_url[l - 1] == '/')
			c->base_url[l - 1] = '\0';
	} else
		return -EINVAL;
	if (!c->base_url || !c->address || (address[0] == '/' && !c->socket_path))
		return -ENOMEM;
	*ret = TAKE_PTR(c);
	return 0;
}

void client_set_timeout(SkiffClient *c, unsigned sec) {
	if (c)
		c->timeout_sec = sec;
}

const char *client_address(const SkiffClient *c) {
	return c ? c->address : NULL;
}

char *client_escape(const char *s) {
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(strempty(s));
	char *r = malloc(n * 3 + 1), *p = r;

	if (!r)
		return NULL;
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (isalnum(ch) || strchr("-._~", ch))
			*p++ = (char)ch;
		else {
			*p++ = '%';
			*p++ = hex[ch >> 4];
			*p++ = hex[ch & 15];
		}
	}
	*p = '\0';
	return r;
}

/* --- error replies */

static int errno_for_code(long code) {
	switch (code) {
	case 400:
	case 422:
		return -EINVAL;
	case 401:
	case 403:
		return -EACCES;
	case 404:
		return -ENOENT;
	case 405:
		return -EOPNOTSUPP;
	case 409:
		return -EEXIST;
	case 413:
		return -EFBIG;
	case 429:
		return -EBUSY;
	case 503:
		return -EAGAIN;
	case 504:
		return -ETIMEDOUT;
	default:
		return code >= 500 ? -EIO : -EPROTO;
	}
}

static const char *reason_for_code(long code) {
	static const struct {
		long code;
		const char *reason;
	} table[] = {
		{ 400, "BadRequest" },
		{ 401, "Unauthorized" },
		{ 403, "Forbidden" },
		{ 404, "NotFound" },
		{ 405, "MethodNotAllowed" },
		{ 409, "Conflict" },
		{ 413, "RequestEntityTooLarge" },
		{ 422, "Invalid" },
		{ 429, "TooManyRequests" },
		{ 500, "InternalError" },
		{ 503, "ServiceUnavailable" },
		{ 504, "Timeout" },
	};
	for (size_t i = 0; i < ELEMENTSOF(table); i++)
		if (table[i].code == code)
			return table[i].reason;
	return "";
}

/* A Status object's reason and message, if body is one. */
static bool parse_status(const char *body, size_t size, const char **reason, const char **message,
                         json_object **holder) {
	json_object *o = NULL, *kind, *r, *m;
	if (size == 0 || json_parse_bounded(body, size, ERROR_BODY_MAX, NULL, &o, NULL) < 0 ||
	    !json_object_object_get_ex(o, "kind", &kind) ||
	    !streq(strempty(json_object_get_string(kind)), "Status")) {
		json_object_put(o);
		return false;
	}
	*reason = json_object_object_get_ex(o, "reason", &r) ? json_object_get_string(r) : "";
	*message = json_object_object_get_ex(o, "message", &m) ? json_object_get_string(m) : "";
	*holder = o;
	return true;
}

/* A short plain-text body as the message, else a generic one. */
static void text_message(long code, const char *body, size_t size, char *buf, size_t bufsize) {
	size_t n = 0;
	bool printable = size > 0 && size < 512;

	for (size_t i = 0; printable && i < size; i++)
		if (body[i] == '<' || (iscntrl((unsigned char)body[i]) && body[i] != '\n'))
			printable = false; /* HTML or binary: not worth showing */
	if (printable) {
		while (n < size && body[n] != '\n')
			n++;
		snprintf(buf, bufsize, "%.*s", (int)n, body);
	} else
		snprintf(buf, bufsize, "the server responded with the status code %ld", code);
}

int client_error_from_reply(long code, const char *body, size_t size, ClientError *err) {
	const char *reason = NULL, *message = NULL;
	json_object *holder = NULL;
	char text[512];

	if (parse_status(strempty(body), body ? size : 0, &reason, &message, &holder)) {
		if (isempty(reason))
			error_set(err, code, "", "Error from server: %s", strempty(message));
		else
			error_set(err, code, reason, "Error from server (%s): %s", reason,
			          strempty(message));
		json_object_put(holder);
	} else {
		text_message(code, strempty(body), body ? size : 0, text, sizeof(text));
		reason = reason_for_code(code);
		if (isempty(reason))
			error_set(err, code, "", "Error from server: %s", text);
		else
			error_set(err, code, reason, "Error from server (%s): %s", reason, text);
	}
	return errno_for_code(code);
}

/* --- transfers */

static int deliver_line(Transfer *t, const char *line, size_t len) {
	int r = t->line_cb(line, len, t->userdata);
	if (r < 0)
		t->cb_error = r;
	return r;
}

/* Split data into lines; a partial line waits in t->line (bounded) for the rest. */
static int stream_lines(Transfer *t, const char *data, size_t size) {
	while (size > 0) {
		const char *nl = memchr(data, '\n', size);
		size_t n = nl ? (size_t)(nl - data) : size;

		if (t->line_len == 0 && nl && n <= CLIENT_MAX_LINE) {
			/* a whole line in this chunk: no copy */
			if (deliver_line(t, data, n) < 0)
				return -1;
			data += n + 1;
			size -= n + 1;
			continue;
		}
		if (!t->line && !(t->line = malloc(CLIENT_MAX_LINE)))
			return -1;
		size_t take = MIN(n, CLIENT_MAX_LINE - t->line_len);
		memcpy(t->line + t->line_len, data, take);
		t->line_len += take;
		data += take;
		size -= take;
		bool complete = nl && take == n;
		if (complete || t->line_len == CLIENT_MAX_LINE) {
			size_t len = t->line_len;
			t->line_len = 0;
			if (deliver_line(t, t->line, len) < 0)
				return -1;
		}
		if (complete) {
			data++; /* the newline */
			size--;
		}
	}
	return 0;
}

static int collect(Transfer *t, const char *data, size_t size) {
	if (size > t->max - t->len) {
		t->too_large = true;
		return -1;
	}
	char *n = realloc(t->buf, t->len + size + 1);
	if (!n)
		return -1;
	memcpy(n + t->len, data, size);
	t->buf = n;
	t->len += size;
	t->buf[t->len] = '\0';
	return 0;
}

static size_t on_write(char *ptr, size_t size, size_t nmemb, void *userdata) {
	Transfer *t = userdata;
	size_t n = size * nmemb;
	int r;

	if (t->stream && t->code < 400) {
		if (t->data_cb) {
			r = t->data_cb(ptr, n, t->userdata);
			if (r < 0)
				t->cb_error = r;
		} else
			r = stream_lines(t, ptr, n);
	} else
		r = collect(t, ptr, n);
	return r < 0 ? 0 : n; /* 0 makes curl abort with CURLE_WRITE_ERROR */
}

/* The status is known before the first body byte: learn it from the headers. */
static size_t on_header(char *ptr, size_t size, size_t nmemb, void *userdata) {
	Transfer *t = userdata;
	size_t n = size * nmemb;
	int code;

	if (n > 9 && strneq(ptr, "HTTP/", 5) && sscanf(ptr, "HTTP/%*s %d", &code) == 1)
		t->code = code;
	if (t->stream && t->code >= 400)
		t->max = ERROR_BODY_MAX;
	return n;
}

static int curl_failure(const SkiffClient *c, CURLcode cc, const Transfer *t, ClientError *err) {
	long os_errno = 0;

	switch (cc) {
	case CURLE_COULDNT_CONNECT:
		(void)sym_curl_easy_getinfo(c->curl, CURLINFO_OS_ERRNO, &os_errno);
		if (os_errno == EACCES || os_errno == EPERM) {
			error_set(err, 0, "",
			          "Permission denied talking to the skiff agent at %s - are you "
			          "root?",
			          c->address);
			return -EACCES;
		}
		error_set(err, 0, "",
		          "The connection to the skiff agent at %s was refused - is the agent "
		          "running?",
		          c->address);
		return -ECONNREFUSED;
	case CURLE_OPERATION_TIMEDOUT:
		error_set(err, 0, "", "The skiff agent at %s did not answer in time", c->address);
		return -ETIMEDOUT;
	case CURLE_WRITE_ERROR:
		if (t->too_large) {
			error_set(err, t->code, "",
			          "The reply of the skiff agent at %s is too large", c->address);
			return -EFBIG;
		}
		error_set(err, t->code, "", "Out of memory reading the reply of the skiff agent");
		return -ENOMEM;
	case CURLE_GOT_NOTHING:
	case CURLE_RECV_ERROR:
	case CURLE_PARTIAL_FILE:
		error_set(err, t->code, "", "The skiff agent at %s closed the connection: %s",
		          c->address, sym_curl_easy_strerror(cc));
		return -ECONNRESET;
	default:
		error_set(err, t->code, "", "Talking to the skiff agent at %s failed: %s",
		          c->address, sym_curl_easy_strerror(cc));
		return -EIO;
	}
}

/* libcurl is loaded by the first request (curl-dl.h), so a missing libcurl4 is reported to the
 * user like any other failure to reach the agent. */
static int client_curl(SkiffClient *c, ClientError *err) {
	_cleanup_free_ char *error = NULL;
	int r;

	if (c->curl)
		return 0;
	r = curl_dl_open(&error);
	if (r < 0) {
		error_set(err, 0, "", "Talking to the skiff agent needs libcurl (libcurl4): %s",
		          strempty(error));
		return r;
	}
	if (sym_curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		error_set(err, 0, "", "libcurl could not be initialised");
		return -EIO;
	}
	c->curl = sym_curl_easy_init();
	if (!c->curl) {
		sym_curl_global_cleanup();
		error_set(err, 0, "", "Out of memory");
		return -ENOMEM;
	}
	return 0;
}

static int transfer_setup(SkiffClient *c, Transfer *t, const char *method, const char *path,
                          const void *body, size_t size, struct curl_slist *headers) {
	_cleanup_free_ char *url = NULL;
	CURL *h = c->curl;

	if (!path || path[0] != '/')
		return -EINVAL;
	if (asprintf(&url, "%s%s", c->base_url, path) < 0)
		return -ENOMEM;
	sym_curl_easy_reset(h);
	if (sym_curl_easy_setopt(h, CURLOPT_URL, url) != CURLE_OK ||
	    (c->socket_path &&
	     sym_curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, c->socket_path) != CURLE_OK))
		return -EINVAL;
	/* No signals (no alarm()-based timeouts), HTTP only, never follow a redirect. */
	sym_curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	sym_curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http");
	sym_curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	sym_curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)CLIENT_CONNECT_TIMEOUT_MS);
	if (!t->stream && c->timeout_sec > 0)
		sym_curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)c->timeout_sec);
	sym_curl_easy_setopt(h, CURLOPT_USERAGENT, "skiff-cli");
	sym_curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_write);
	sym_curl_easy_setopt(h, CURLOPT_WRITEDATA, t);
	sym_curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	sym_curl_easy_setopt(h, CURLOPT_HEADERDATA, t);
	sym_curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	if (body) {
		sym_curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)size);
		sym_curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	}
	if (!streq(method, body ? "POST" : "GET"))
		sym_curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	return 0;
}

static void transfer_done(Transfer *t) {
	free(t->buf);
	free(t->line);
}

/* Run one request; t->buf holds the reply (or the error reply of a stream). */
static int transfer_run(SkiffClient *c, Transfer *t, const char *method, const char *path,
                        const char *content_type, const void *body, size_t size, ClientError *err) {
	struct curl_slist *headers = NULL, *h;
	_cleanup_free_ char *ct = NULL;

	if (err)
		*err = (ClientError){};
	if (!c || !method)
		return -EINVAL;
	int r = client_curl(c, err);
	if (r < 0)
		return r;
	if (content_type && asprintf(&ct, "Content-Type: %s", content_type) < 0)
		return -ENOMEM;
	headers = sym_curl_slist_append(NULL, "Accept: application/json, */*");
	if (!headers)
		return -ENOMEM;
	if (ct) {
		h = sym_curl_slist_append(headers, ct);
		if (!h) {
			sym_curl_slist_free_all(headers);
			return -ENOMEM;
		}
		headers = h;
	}
	r = transfer_setup(c, t, method, path, body, size, headers);
	CURLcode cc = r < 0 ? CURLE_OK : sym_curl_easy_perform(c->curl);
	sym_curl_slist_free_all(headers);
	if (r < 0)
		return r;
	if (t->cb_error < 0)
		return t->cb_error; /* the caller stopped: its own reason */
	if (cc == CURLE_OK && t->stream && t->line_len > 0 && t->code < 400 &&
	    deliver_line(t, t->line, t->line_len) < 0)
		return t->cb_error;
	if (cc != CURLE_OK)
		return curl_failure(c, cc, t, err);
	(void)sym_curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &t->code);
	if (t->code >= 400 || t->code < 200)
		return client_error_from_reply(t->code, t->buf, t->len, err);
	return 0;
}

static int parse_json(const char *s, size_t len, json_object **ret) {
	if (len == 0) {
		*ret = NULL;
		return 0;
	}
	int r = json_parse_bounded(s, len, SIZE_MAX, NULL, ret, NULL);
	return r == -EINVAL ? -EBADMSG : r == -E2BIG ? -EFBIG : r;
}

int client_request_json(SkiffClient *c, const char *method, const char *path, json_object *body,
                        json_object **ret, ClientError *err) {
	Transfer t = { .max = CLIENT_MAX_RESPONSE };
	const char *b = NULL;
	size_t blen = 0;

	if (body && !(b = json_object_to_json_string_length(body, JSON_C_TO_STRING_PLAIN, &blen)))
		return -ENOMEM;
	int r = transfer_run(c, &t, method, path, body ? "application/json" : NULL, b, blen, err);
	if (r >= 0 && ret) {
		r = parse_json(t.buf, t.len, ret);
		if (r < 0)
			error_set(err, t.code, "",
			          "The skiff agent at %s sent a reply that is not JSON",
			          c->address);
	}
	transfer_done(&t);
	return r;
}

int client_get_json(SkiffClient *c, const char *path, json_object **ret, ClientError *err) {
	return client_request_json(c, "GET", path, NULL, ret, err);
}

int client_post_json(SkiffClient *c, const char *path, json_object *body, json_object **ret,
                     ClientError *err) {
	return client_request_json(c, "POST", path, body, ret, err);
}

int client_get_text(SkiffClient *c, const char *path, char **ret, size_t *ret_size,
                    ClientError *err) {
	Transfer t = { .max = CLIENT_MAX_RESPONSE };

	int r = transfer_run(c, &t, "GET", path, NULL, NULL, 0, err);
	if (r >= 0 && !t.buf && !(t.buf = strdup("")))
		r = -ENOMEM;
	if (r >= 0) {
		*ret = TAKE_PTR(t.buf);
		if (ret_size)
			*ret_size = t.len;
	}
	transfer_done(&t);
	return r;
}

int client_get_lines(SkiffClient *c, const char *path, ClientLineCallback cb, void *userdata,
                     ClientError *err) {
	Transfer t = { .max = ERROR_BODY_MAX, .stream = true, .line_cb = cb, .userdata = userdata };

	if (!cb)
		return -EINVAL;
	int r = transfer_run(c, &t, "GET", path, NULL, NULL, 0, err);
	transfer_done(&t);
	return r;
}

int client_post_stream(SkiffClient *c, const char *path, const char *content_type, const void *body,
                       size_t size, ClientDataCallback cb, void *userdata, ClientError *err) {
	Transfer t = { .max = ERROR_BODY_MAX, .stream = true, .data_cb = cb, .userdata = userdata };

	if (!cb)
		return -EINVAL;
	int r = transfer_run(c, &t, "POST", path, content_type, body ?: "", body ? size : 0, err);
	transfer_done(&t);
	return r;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Streaming replies without a busy loop. MHD pulls the body through a content reader; when the
 * buffer is empty the reader parks the connection (MHD_suspend_connection(), then returns 0,
 * which MHD allows from the reader in external-polling mode) and a write resumes it. While
 * parked MHD does not look at the socket, so we watch it ourselves for the client hanging up
 * (EPOLLRDHUP/EPOLLHUP) and end the stream then, instead of on the next write, which for an
 * idle `logs -f` could be never. The watch is dropped before every resume: MHD may close the
 * fd once it runs the connection again.
 */
#include <stdio.h>
#include <sys/epoll.h>

#include "http-internal.h"

#define STREAM_BLOCK_SIZE (16u * 1024u)

const char *http_stream_end_to_string(HttpStreamEnd e) {
	switch (e) {
	case HTTP_STREAM_DONE:
		return "done";
	case HTTP_STREAM_CLIENT_GONE:
		return "client-gone";
	case HTTP_STREAM_ABORTED:
		return "aborted";
	case HTTP_STREAM_SHUTDOWN:
		return "shutdown";
	}
	return "unknown";
}

static void stream_set_end(HttpStream *s, HttpStreamEnd end) {
	if (s->end_set)
		return;
	s->end = end;
	s->end_set = true;
}

static void stream_resume(HttpStream *s) {
	if (!s->suspended)
		return;
	s->hangup = sd_event_source_disable_unref(s->hangup);
	s->suspended = false;
	if (s->connection) {
		MHD_resume_connection(s->connection);
		http_listener_kick(s->listener);
	}
}

static int on_hangup(sd_event_source *src, int fd, uint32_t revents, void *userdata) {
	HttpStream *s = userdata;

	s->gone = true;
	stream_set_end(s, HTTP_STREAM_CLIENT_GONE);
	/* Let MHD see it: the reader then fails the reply and MHD closes the connection. */
	stream_resume(s);
	return 0;
}

static void stream_suspend(HttpStream *s) {
	const union MHD_ConnectionInfo *ci =
	        MHD_get_connection_info(s->connection, MHD_CONNECTION_INFO_CONNECTION_FD);

	MHD_suspend_connection(s->connection);
	s->suspended = true;
	if (!ci || sd_event_add_io(s->listener->server->event, &s->hangup, ci->connect_fd,
	                           EPOLLRDHUP, on_hangup, s) < 0) {
		/* Without the watch a hang-up is only noticed on the next write: still correct. */
		s->hangup = NULL;
		return;
	}
	(void)sd_event_source_set_description(s->hangup, "http-stream-hangup");
}

static void stream_consume(HttpStream *s, size_t n) {
	s->start += n;
	s->len -= n;
	if (s->len == 0)
		s->start = 0;
}

static ssize_t stream_reader(void *cls, uint64_t pos, char *buf, size_t max) {
	HttpStream *s = cls;

	if (s->aborted || s->gone || s->listener->shutting_down)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	if (s->len > 0) {
		size_t n = MIN(max, s->len);
		memcpy(buf, s->buf + s->start, n);
		stream_consume(s, n);
		if (s->want_drain && s->len <= s->max / 2) {
			s->want_drain = false;
			if (s->callbacks.drained)
				s->callbacks.drained(s, s->userdata);
		}
		return (ssize_t)n;
	}
	if (s->closed) {
		stream_set_end(s, HTTP_STREAM_DONE);
		return MHD_CONTENT_READER_END_OF_STREAM;
	}
	/* Nothing to send yet: park until a write, never return 0 unparked (that spins). */
	stream_suspend(s);
	return 0;
}

static void stream_unlink(HttpStream *s) {
	if (s->prev)
		s->prev->next = s->next;
	else if (s->listener->streams == s)
		s->listener->streams = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->prev = s->next = NULL;
}

/* MHD is done with the reply: tell the writer, then free. */
static void stream_response_free(void *cls) {
	HttpStream *s = cls;

	if (s->request)
		s->request->stream = NULL;
	s->hangup = sd_event_source_disable_unref(s->hangup);
	stream_unlink(s);
	if (s->aborted)
		stream_set_end(s, HTTP_STREAM_ABORTED);
	stream_set_end(s,
	               s->listener->shutting_down ? HTTP_STREAM_SHUTDOWN : HTTP_STREAM_CLIENT_GONE);
	s->over = true;
	if (!s->silent && s->callbacks.closed)
		s->callbacks.closed(s, s->end, s->userdata);
	free(s->buf);
	free(s);
}

void http_stream_detach(HttpStream *s, enum MHD_RequestTerminationCode toe) {
	switch (toe) {
	case MHD_REQUEST_TERMINATED_COMPLETED_OK:
		stream_set_end(s, HTTP_STREAM_DONE);
		break;
	case MHD_REQUEST_TERMINATED_DAEMON_SHUTDOWN:
		stream_set_end(s, HTTP_STREAM_SHUTDOWN);
		break;
	default:
		stream_set_end(s, s->aborted ? HTTP_STREAM_ABORTED : HTTP_STREAM_CLIENT_GONE);
		break;
	}
	s->hangup = sd_event_source_disable_unref(s->hangup);
	s->suspended = false;
	s->request = NULL;
	s->connection = NULL;
}

void http_listener_end_streams(HttpListener *l) {
	for (HttpStream *s = l->streams; s; s = s->next) {
		stream_set_end(s, HTTP_STREAM_SHUTDOWN);
		stream_resume(s);
	}
}

int http_reply_stream(HttpRequest *req, unsigned status, const char *content_type,
                      const HttpStreamCallbacks *callbacks, void *userdata, HttpStream **ret) {
	if (!req || !ret)
		return -EINVAL;
	if (req->replied)
		return -EALREADY;
	HttpStream *s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	*s = (HttpStream){
		.listener = req->listener,
		.request = req,
		.connection = req->connection,
		.userdata = userdata,
		.max = req->listener->server->config.max_stream_buffer,
		.silent = true, /* until the reply is queued */
	};
	if (callbacks)
		s->callbacks = *callbacks;
	struct MHD_Response *resp = MHD_create_response_from_callback(
	        MHD_SIZE_UNKNOWN, STREAM_BLOCK_SIZE, stream_reader, s, stream_response_free);
	if (!resp) {
		free(s);
		return -ENOMEM;
	}
	/* On failure this destroys resp, which frees s without a closed() call. */
	int r = http_request_queue(req, status, content_type, resp);
	if (r < 0)
		return r;
	s->silent = false;
	req->stream = s;
	s->next = req->listener->streams;
	if (s->next)
		s->next->prev = s;
	req->listener->streams = s;
	*ret = s;
	return 0;
}

static int stream_reserve(HttpStream *s, size_t size) {
	if (s->start > 0 && s->start + s->len + size > s->cap) {
		memmove(s->buf, s->buf + s->start, s->len);
		s->start = 0;
	}
	if (s->len + size <= s->cap)
		return 0;
	size_t cap = MAX(s->cap * 2, (size_t)4096);
	while (cap < s->len + size)
		cap *= 2;
	cap = MIN(cap, s->max);
	char *n = realloc(s->buf, cap);
	if (!n)
		return -ENOMEM;
	s->buf = n;
	s->cap = cap;
	return 0;
}

int http_stream_write(HttpStream *s, const void *data, size_t size) {
	if (!s || (size > 0 && !data))
		return -EINVAL;
	if (s->over || s->closed || s->aborted || s->gone || !s->connection)
		return -EPIPE;
	if (size == 0)
		return 0;
	if (size > s->max - s->len) {
		s->want_drain = true;
		return -ENOBUFS;
	}
	int r = stream_reserve(s, size);
	if (r < 0)
		return r;
	memcpy(s->buf + s->start + s->len, data, size);
	s->len += size;
	stream_resume(s);
	return 0;
}

int http_stream_printf(HttpStream *s, const char *fmt, ...) {
	_cleanup_free_ char *text = NULL;
	va_list ap;

	va_start(ap, fmt);
	int n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	return http_stream_write(s, text, (size_t)n);
}

int http_stream_close(HttpStream *s) {
	if (!s)
		return -EINVAL;
	if (s->over || s->aborted || s->gone)
		return -EPIPE;
	s->closed = true;
	stream_resume(s);
	return 0;
}

void http_stream_abort(HttpStream *s) {
	if (!s || s->over)
		return;
	s->aborted = true;
	stream_set_end(s, HTTP_STREAM_ABORTED);
	s->len = s->start = 0;
	stream_resume(s);
}

size_t http_stream_buffered(const HttpStream *s) {
	return s ? s->len : 0;
}

size_t http_stream_space(const HttpStream *s) {
	if (!s || s->over || s->closed || s->aborted || s->gone)
		return 0;
	return s->max - s->len;
}

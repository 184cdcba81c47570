/*-------------------------------------------------------------------------
 *
 * call.c
 *	  Owns each Call from arrival to its single answer: headers, the
 *	  delayed send, wire-level faults (truncated body, wrong content type,
 *	  TCP reset, hang) and the hand-off to the log and counters.
 *
 *-------------------------------------------------------------------------
 */
#include "call.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>

#include "admin.h"
#include "util.h"

struct event_base *mock_base;

static double hang_limit = 600.0;

static const char *const route_names[NUM_ROUTES] = {
	"whisper", "whisper-status", "whisper-retrieve", "whisper-detail",
	"get-usage-info", "highlights", "whisper-manage-callback",
	"chat/completions", "azure/chat/completions", "messages", "admin", "not_found"
};

const char *
route_name(Route r)
{
	return route_names[r];
}

Api
route_api(Route r)
{
	if (r <= R_CALLBACK)
		return API_WHISPER;
	if (r == R_CHAT || r == R_AZURE_CHAT || r == R_MESSAGES)
		return API_CHAT;
	return API_OTHER;
}

static const Endpoint route_endpoints[NUM_ROUTES] = {
	EP_SUBMIT, EP_STATUS, EP_RETRIEVE, EP_DETAIL, EP_USAGE, EP_HIGHLIGHTS,
	EP_CALLBACK, EP_CHAT, EP_CHAT, EP_MESSAGES, EP_CHAT, EP_CHAT
};

/* start handling a request */
Call *
call_begin(struct evhttp_request *req, Route route)
{
	Call	   *call = xcalloc(1, sizeof(Call));

	call->req = req;
	call->route = route;
	call->api = route_api(route);
	call->ep = route_endpoints[route];
	call->start = now_mono();
	call->status = 500;
	call->body = evbuffer_new();
	call->query.tqh_first = NULL;
	call->query.tqh_last = &call->query.tqh_first;
	stats_request_begin(call);
	return call;
}

/* a decoded query parameter, or NULL */
const char *
call_param(Call *call, const char *name)
{
	if (!call->query_parsed)
	{
		const char *q = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(call->req));

		call->query_parsed = true;
		if (q != NULL && evhttp_parse_query_str(q, &call->query) != 0)
			evhttp_clear_headers(&call->query);
	}
	return evhttp_find_header(&call->query, name);
}

/* a request header, or NULL */
const char *
call_header(Call *call, const char *name)
{
	return evhttp_find_header(evhttp_request_get_input_headers(call->req), name);
}

/* prefix followed by every request header, "Name: value; ..." (cut to len) */
void
call_echo_headers(Call *call, const char *prefix, char *buf, size_t len)
{
	struct evkeyvalq *h = evhttp_request_get_input_headers(call->req);
	struct evkeyval *kv;
	size_t		n = snprintf(buf, len, "%s", prefix);

	for (kv = h->tqh_first; kv != NULL; kv = kv->next.tqe_next)
	{
		if (n >= len)
			break;
		n += snprintf(buf + n, len - n, "%s: %s; ", kv->key, kv->value);
	}
}

void
call_add_header(Call *call, const char *name, const char *value)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(call->req);

	evhttp_remove_header(h, name);
	evhttp_add_header(h, name, value);
}

/*
 * Retry-After headers for a wait of seconds (real time): retry-after in
 * whole seconds (rounded; read by axios-retry and the OpenAI SDK) and
 * retry-after-ms (read first by the OpenAI SDK; at least 1 so the SDK
 * honours it).
 */
void
call_retry_after(Call *call, double seconds)
{
	char		buf[32];
	double		ms = seconds * 1000.0;

	snprintf(buf, sizeof(buf), "%ld", lrint(seconds > 0 ? seconds : 0));
	call_add_header(call, "retry-after", buf);
	snprintf(buf, sizeof(buf), "%ld", lrint(ms >= 1 ? ms : 1));
	call_add_header(call, "retry-after-ms", buf);
}

/* set the answer to obj (which is released) */
void
call_set_json(Call *call, int status, json_object *obj)
{
	size_t		len;
	const char *s = json_object_to_json_string_length(obj,
													  JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);

	call_set_body(call, status, s, len, NULL);
	json_object_put(obj);
}

void
call_set_body(Call *call, int status, const char *data, size_t len,
			  const char *ctype)
{
	call->status = status;
	call->ctype = ctype;
	evbuffer_drain(call->body, evbuffer_get_length(call->body));
	evbuffer_add(call->body, data, len);
}

static void
call_free(Call *call)
{
	if (call->timer)
		event_free(call->timer);
	if (call->watch)
		event_free(call->watch);
	evbuffer_free(call->body);
	evhttp_clear_headers(&call->query);
	free(call);
}

/* keep only the first half of the body */
static void
truncate_body(Call *call)
{
	struct evbuffer *half = evbuffer_new();

	evbuffer_remove_buffer(call->body, half, evbuffer_get_length(call->body) / 2);
	evbuffer_free(call->body);
	call->body = half;
}

/* reason phrases evhttp does not know */
static const char *
status_reason(int status)
{
	switch (status)
	{
		case 402:
			return "Payment Required";
		case 408:
			return "Request Timeout";
		case 409:
			return "Conflict";
		case 422:
			return "Unprocessable Entity";
		case 429:
			return "Too Many Requests";
		default:
			return NULL;
	}
}

/* send the answer now, then log, count and free */
static void
call_send_now(Call *call)
{
	const char *ctype = call->ctype ? call->ctype : "application/json";

	if (call->fault == F_RESET)
	{
		call_reset(call);
		return;
	}
	if (call->fault == F_TRUNCATE)
		truncate_body(call);
	if (call->fault == F_WRONG_CTYPE)
		ctype = "text/html; charset=utf-8";
	call_add_header(call, "Content-Type", ctype);
	if (call->no_retry && call->status >= 400)
		call_add_header(call, "x-should-retry", "false");
	stats_request_end(call);
	evhttp_send_reply(call->req, call->status, status_reason(call->status), call->body);
	call_free(call);
}

static void
timer_cb(evutil_socket_t fd, short what, void *arg)
{
	Call	   *call = arg;
	CallFn		fn = call->on_timer;

	(void) fd;
	(void) what;

	call->on_timer = NULL;
	if (fn)
		fn(call);
	else
		call_send_now(call);
}

/* run fn(call) after delay seconds (0 = on the next loop iteration) */
void
call_after(Call *call, double delay, CallFn fn)
{
	struct timeval tv = seconds_to_tv(delay);

	if (call->timer == NULL)
		call->timer = evtimer_new(mock_base, timer_cb, call);
	call->on_timer = fn;
	evtimer_add(call->timer, &tv);
}

/* send the answer after delay seconds */
void
call_send(Call *call, double delay)
{
	if (delay <= 0 && call->fault != F_RESET)
		call_send_now(call);
	else
		call_after(call, delay, NULL);
}

/* close the connection with a TCP RST instead of answering */
void
call_reset(Call *call)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(call->req);

	call->status = 0;
	stats_request_end(call);
	if (call->watch)
	{
		event_free(call->watch);	/* before the socket is closed */
		call->watch = NULL;
	}
	if (evcon != NULL)
	{
		struct bufferevent *bev = evhttp_connection_get_bufferevent(evcon);
		evutil_socket_t fd = bufferevent_getfd(bev);
		struct linger lg = {1, 0};

		if (fd >= 0)
			setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		evhttp_connection_set_closecb(evcon, NULL, NULL);
		evhttp_connection_free(evcon);	/* frees the request too */
	}
	else
		evhttp_send_reply(call->req, 500, NULL, NULL);	/* frees it */
	call_free(call);
}

/* the peer of a hung call sent something or went away */
static void
hang_watch_cb(evutil_socket_t fd, short what, void *arg)
{
	Call	   *call = arg;
	char		c;
	ssize_t		n = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);

	(void) what;

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
	{
		call_reset(call);		/* the client gave up */
		return;
	}
	event_del(call->watch);		/* pipelined data: stop watching */
}

static void
hang_closed_cb(struct evhttp_connection *evcon, void *arg)
{
	Call	   *call = arg;

	(void) evcon;

	/* evhttp saw the close first; the request is now ours to free */
	if (call->watch)
		event_del(call->watch);
	call_after(call, 0, call_reset);
}

static void
hang_expired(Call *call)
{
	call_reset(call);
}

/*
 * Never answer: hold the request until the client closes the connection
 * (or the hang limit passes), then drop it.
 */
void
call_hang(Call *call)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(call->req);

	if (evcon != NULL)
	{
		evutil_socket_t fd = bufferevent_getfd(evhttp_connection_get_bufferevent(evcon));

		evhttp_connection_set_closecb(evcon, hang_closed_cb, call);
		call->watch = event_new(mock_base, fd, EV_READ | EV_PERSIST,
								hang_watch_cb, call);
		event_add(call->watch, NULL);
	}
	call_after(call, hang_limit, hang_expired);
}

void
call_set_hang_limit(double seconds)
{
	hang_limit = seconds;
}

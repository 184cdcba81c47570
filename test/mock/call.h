/*-------------------------------------------------------------------------
 *
 * call.h
 *	  One HTTP request while the mock handles it: its route, API key and
 *	  injected fault, its pending answer, and the timer that delays it.
 *
 * Handlers never block or sleep: they set the answer and call
 * call_send(call, delay), which arms a timer.  The answer is sent, logged
 * and counted exactly once, then the Call is freed.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MOCK_CALL_H
#define MOCK_CALL_H

#include <stdbool.h>

#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <json-c/json.h>

#include "faults.h"

typedef enum Api
{
	API_WHISPER,
	API_CHAT,
	API_OTHER,
	NUM_APIS
} Api;

typedef enum Route
{
	R_SUBMIT,
	R_STATUS,
	R_RETRIEVE,
	R_DETAIL,
	R_USAGE,
	R_HIGHLIGHTS,
	R_CALLBACK,
	R_CHAT,
	R_AZURE_CHAT,
	R_MESSAGES,
	R_ADMIN,
	R_NOT_FOUND,
	NUM_ROUTES
} Route;

typedef struct Call Call;
typedef void (*CallFn) (Call *call);

struct Call
{
	struct evhttp_request *req;
	Route		route;
	Api			api;
	Endpoint	ep;
	char		key[128];		/* API key as sent */
	char		id[96];			/* whisper_hash or x-request-id */
	double		start;			/* monotonic arrival time */
	Fault		fault;			/* injected fault, F_NONE if none */
	bool		no_retry;		/* add x-should-retry: false to errors */
	int			status;			/* answer to send */
	struct evbuffer *body;
	const char *ctype;			/* NULL = application/json */
	struct event *timer;
	struct event *watch;		/* hang: watches the socket for the peer */
	CallFn		on_timer;		/* call_after() continuation */
	void	   *arg;			/* owned by the route's module */
	Call	   *next;			/* queue link (capacity queues) */
	struct evkeyvalq query;		/* decoded query string */
	bool		query_parsed;
};

extern struct event_base *mock_base;

extern Call *call_begin(struct evhttp_request *req, Route route);
extern const char *call_param(Call *call, const char *name);
extern const char *call_header(Call *call, const char *name);
extern void call_add_header(Call *call, const char *name, const char *value);
extern void call_echo_headers(Call *call, const char *prefix, char *buf, size_t len);
extern void call_set_json(Call *call, int status, json_object *obj);
extern void call_set_body(Call *call, int status, const char *data,
						  size_t len, const char *ctype);
extern void call_send(Call *call, double delay);
extern void call_after(Call *call, double delay, CallFn fn);
extern void call_retry_after(Call *call, double seconds);
extern void call_reset(Call *call);
extern void call_hang(Call *call);
extern void call_set_hang_limit(double seconds);

extern const char *route_name(Route r);
extern Api	route_api(Route r);

#endif							/* MOCK_CALL_H */

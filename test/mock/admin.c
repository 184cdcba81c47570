/*-------------------------------------------------------------------------
 *
 * admin.c
 *	  Owns the counters, the tracked levels (in flight, processing, queued)
 *	  with their peaks and busy-time integrals, the request log ring, and
 *	  the /__admin routes that show, configure and reset the mock.
 *
 *-------------------------------------------------------------------------
 */
#include "admin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "knobs.h"
#include "limits.h"
#include "rng.h"
#include "util.h"
#include "whisper.h"

#define MAX_STATUS 600

typedef struct LevelState
{
	int			cur;
	int			peak;
	double		integral;		/* sum of level x time (busy seconds) */
	double		active;			/* time with level > 0 */
	double		last;			/* time of the last change */
} LevelState;

typedef struct LogEntry
{
	long		seq;
	double		time;			/* wall clock at arrival */
	float		duration_ms;
	short		status;			/* 0 = connection reset, no answer */
	unsigned char route;
	unsigned char method;
	unsigned char fault;
	char		key[47];
	char		id[72];
} LogEntry;

static long route_requests[NUM_ROUTES];
static long route_status[NUM_ROUTES][MAX_STATUS];
static long counters[NUM_COUNTERS];
static LevelState levels[NUM_LEVELS];
static double start_time;
static double reset_time;

static LogEntry *log_ring;
static int	log_size;
static long log_seq;			/* entries ever written since reset */

static const Level inflight_level[NUM_APIS] = {
	L_WHISPER_INFLIGHT, L_CHAT_INFLIGHT, NUM_LEVELS
};

void
admin_init(int size)
{
	log_size = size > 0 ? size : 1;
	log_ring = xcalloc(log_size, sizeof(LogEntry));
	start_time = now_mono();
	stats_reset();
}

/* advance a level's integrals to now */
static void
level_advance(LevelState *l, double now)
{
	double		dt = now - l->last;

	l->integral += l->cur * dt;
	if (l->cur > 0)
		l->active += dt;
	l->last = now;
}

void
stats_level(Level l, int delta)
{
	LevelState *s = &levels[l];

	level_advance(s, now_mono());
	s->cur += delta;
	if (s->cur > s->peak)
		s->peak = s->cur;
}

int
stats_level_now(Level l)
{
	return levels[l].cur;
}

void
stats_count(Counter c, long n)
{
	counters[c] += n;
}

void
stats_request_begin(Call *call)
{
	if (inflight_level[call->api] != NUM_LEVELS)
		stats_level(inflight_level[call->api], 1);
}

static int
method_code(struct evhttp_request *req)
{
	switch (evhttp_request_get_command(req))
	{
		case EVHTTP_REQ_GET:
			return 1;
		case EVHTTP_REQ_POST:
			return 2;
		case EVHTTP_REQ_PUT:
			return 3;
		case EVHTTP_REQ_DELETE:
			return 4;
		default:
			return 0;
	}
}

static void
log_add(Call *call, double now)
{
	LogEntry   *e = &log_ring[log_seq % log_size];

	e->seq = ++log_seq;
	e->time = now_wall() - (now - call->start);
	e->duration_ms = (float) ((now - call->start) * 1000.0);
	e->status = (short) call->status;
	e->route = (unsigned char) call->route;
	e->method = (unsigned char) method_code(call->req);
	e->fault = (unsigned char) call->fault;
	strlcopy(e->key, call->key, sizeof(e->key));
	strlcopy(e->id, call->id, sizeof(e->id));
}

/* the answer (or reset) is going out: count and log it */
void
stats_request_end(Call *call)
{
	double		now = now_mono();
	int			status = call->status;

	if (inflight_level[call->api] != NUM_LEVELS)
		stats_level(inflight_level[call->api], -1);
	if (call->route == R_ADMIN)
		return;
	route_requests[call->route]++;
	if (status >= 0 && status < MAX_STATUS)
		route_status[call->route][status]++;
	if (status == 429)
		stats_count(call->api == API_CHAT ? C_CHAT_429 : C_WHISPER_429, 1);
	log_add(call, now);
}

void
stats_reset(void)
{
	double		now = now_mono();

	memset(route_requests, 0, sizeof(route_requests));
	memset(route_status, 0, sizeof(route_status));
	memset(counters, 0, sizeof(counters));
	for (int i = 0; i < NUM_LEVELS; i++)
	{
		levels[i].peak = levels[i].cur;
		levels[i].integral = levels[i].active = 0;
		levels[i].last = now;
	}
	log_seq = 0;
	reset_time = now;
}

static void
add_int(json_object *o, const char *name, long v)
{
	json_object_object_add(o, name, json_object_new_int64(v));
}

static void
add_num(json_object *o, const char *name, double v)
{
	char		buf[32];

	snprintf(buf, sizeof(buf), "%.6f", v);
	json_object_object_add(o, name, json_object_new_double_s(v, buf));
}

/* status code -> count, for codes seen */
static json_object *
status_json(const long *counts)
{
	json_object *o = json_object_new_object();

	for (int s = 0; s < MAX_STATUS; s++)
		if (counts[s] > 0)
		{
			char		name[8];

			snprintf(name, sizeof(name), "%d", s);
			add_int(o, name, counts[s]);
		}
	return o;
}

static json_object *
routes_json(json_object **all_status)
{
	json_object *routes = json_object_new_object();
	long		total[MAX_STATUS] = {0};

	for (int r = 0; r < NUM_ROUTES; r++)
	{
		json_object *o;

		for (int s = 0; s < MAX_STATUS; s++)
			total[s] += route_status[r][s];
		if (route_requests[r] == 0)
			continue;
		o = json_object_new_object();
		add_int(o, "requests", route_requests[r]);
		json_object_object_add(o, "status", status_json(route_status[r]));
		json_object_object_add(routes, route_name(r), o);
	}
	*all_status = status_json(total);
	return routes;
}

/* in-flight, processing and queued levels of one API */
static void
levels_json(json_object *o, Level inflight, Level processing, Level queued,
			int capacity, double elapsed)
{
	LevelState *p = &levels[processing];
	double		util;

	add_int(o, "inflight", levels[inflight].cur);
	add_int(o, "peak_inflight", levels[inflight].peak);
	add_int(o, "processing", p->cur);
	add_int(o, "peak_processing", p->peak);
	add_int(o, "queued", levels[queued].cur);
	add_int(o, "peak_queued", levels[queued].peak);
	add_num(o, "busy_seconds", p->integral);
	add_num(o, "active_seconds", p->active);
	if (elapsed <= 0)
		util = 0;
	else if (capacity > 0)
		util = p->integral / (elapsed * capacity);
	else
		util = p->active / elapsed;
	add_num(o, "utilisation", util);
}

static long
route_sum(Route a, Route b)
{
	long		n = 0;

	for (int r = a; r <= (int) b; r++)
		n += route_requests[r];
	return n;
}

static json_object *
whisper_json(double elapsed)
{
	json_object *o = json_object_new_object();

	add_int(o, "requests", route_sum(R_SUBMIT, R_CALLBACK));
	levels_json(o, L_WHISPER_INFLIGHT, L_WHISPER_PROCESSING, L_WHISPER_QUEUED,
				knobs.whisper_capacity, elapsed);
	add_int(o, "http_429", counters[C_WHISPER_429]);
	add_int(o, "capacity_429", counters[C_WHISPER_CAPACITY_429]);
	add_int(o, "quota_rejections", counters[C_WHISPER_QUOTA]);
	add_int(o, "submits", counters[C_WHISPER_SUBMITS]);
	add_int(o, "pages_processed", counters[C_WHISPER_PAGES]);
	add_int(o, "jobs_done", counters[C_WHISPER_JOBS_DONE]);
	add_int(o, "jobs_failed", counters[C_WHISPER_JOBS_FAILED]);
	add_int(o, "extract_runs", counters[C_EXTRACT_RUNS]);
	add_int(o, "extract_cache_hits", counters[C_EXTRACT_CACHE_HITS]);
	return o;
}

static json_object *
chat_json(double elapsed)
{
	json_object *o = json_object_new_object();

	add_int(o, "requests", route_sum(R_CHAT, R_AZURE_CHAT));
	levels_json(o, L_CHAT_INFLIGHT, L_CHAT_PROCESSING, L_CHAT_QUEUED,
				knobs.chat_capacity, elapsed);
	add_int(o, "http_429", counters[C_CHAT_429]);
	add_int(o, "capacity_429", counters[C_CHAT_CAPACITY_429]);
	add_int(o, "rate_limit_429", counters[C_CHAT_RATE_429]);
	add_int(o, "quota_429", counters[C_CHAT_QUOTA_429]);
	add_int(o, "schema_400", counters[C_CHAT_SCHEMA_400]);
	add_int(o, "prompt_tokens", counters[C_CHAT_PROMPT_TOKENS]);
	add_int(o, "completion_tokens", counters[C_CHAT_COMPLETION_TOKENS]);
	add_int(o, "parser_runs", counters[C_CHAT_PARSER_RUNS]);
	return o;
}

static json_object *
faults_count_json(void)
{
	json_object *o = json_object_new_object();

	for (int f = 1; f < NUM_FAULTS; f++)
		if (faults_injected(f) > 0)
			add_int(o, fault_name(f), faults_injected(f));
	return o;
}

/* GET /__admin/stats */
static json_object *
stats_json(void)
{
	double		now = now_mono();
	json_object *o = json_object_new_object();
	json_object *all_status;
	json_object *routes;

	for (int i = 0; i < NUM_LEVELS; i++)
		level_advance(&levels[i], now);
	routes = routes_json(&all_status);
	add_num(o, "uptime_seconds", now - start_time);
	add_num(o, "since_reset_seconds", now - reset_time);
	add_int(o, "requests", route_sum(0, NUM_ROUTES - 1));
	json_object_object_add(o, "routes", routes);
	json_object_object_add(o, "status", all_status);
	json_object_object_add(o, "whisper", whisper_json(now - reset_time));
	json_object_object_add(o, "chat", chat_json(now - reset_time));
	json_object_object_add(o, "faults", faults_count_json());
	json_object_object_add(o, "keys", limits_to_json());
	return o;
}

static const char *const method_names[] = {"OTHER", "GET", "POST", "PUT", "DELETE"};

/* one log entry as a JSON line */
static void
log_entry_line(struct evbuffer *out, const LogEntry *e)
{
	json_object *o = json_object_new_object();

	add_int(o, "seq", e->seq);
	add_num(o, "time", e->time);
	json_object_object_add(o, "method", json_object_new_string(method_names[e->method]));
	json_object_object_add(o, "route", json_object_new_string(route_name(e->route)));
	json_object_object_add(o, "key", json_object_new_string(e->key));
	add_int(o, "status", e->status);
	add_num(o, "duration_ms", e->duration_ms);
	json_object_object_add(o, "id", json_object_new_string(e->id));
	if (e->fault != F_NONE)
		json_object_object_add(o, "fault", json_object_new_string(fault_name(e->fault)));
	evbuffer_add_printf(out, "%s\n",
						json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

/* GET /__admin/log?since=SEQ&limit=N */
static void
log_handle(Call *call)
{
	const char *since_s = call_param(call, "since");
	const char *limit_s = call_param(call, "limit");
	long		since = since_s ? atol(since_s) : 0;
	long		limit = limit_s ? atol(limit_s) : log_size;
	long		first = log_seq - log_size + 1;

	if (first < since + 1)
		first = since + 1;
	if (first < 1)
		first = 1;
	evbuffer_drain(call->body, evbuffer_get_length(call->body));
	for (long s = first; s <= log_seq && limit > 0; s++, limit--)
		log_entry_line(call->body, &log_ring[(s - 1) % log_size]);
	call->status = 200;
	call->ctype = "application/x-ndjson";
	call_send(call, 0);
}

static void
admin_error(Call *call, int status, const char *msg)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "error", json_object_new_string(msg));
	call_set_json(call, status, o);
	call_send(call, 0);
}

/* POST /__admin/config */
static void
config_handle(Call *call)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(call->req);
	size_t		len = evbuffer_get_length(in);
	char	   *text = xstrndup((char *) evbuffer_pullup(in, len), len);
	json_object *obj = json_tokener_parse(text);
	char		err[256];

	free(text);
	if (obj == NULL)
		admin_error(call, 400, "config body is not valid JSON");
	else if (!knobs_apply_json(obj, err, sizeof(err)))
		admin_error(call, 400, err);
	else
	{
		call_set_json(call, 200, knobs_to_json());
		call_send(call, 0);
	}
	if (obj)
		json_object_put(obj);
}

/* POST /__admin/reset[?config=1] */
static void
reset_handle(Call *call)
{
	const char *cfg = call_param(call, "config");
	bool		restore = false;

	if (cfg && parse_bool(cfg, &restore) && restore)
	{
		knobs_restore();
		faults_restore();
	}
	whisper_reset();
	limits_reset();
	faults_reset_counters();
	stats_reset();
	rng_seed(rng_seed_value());
	call_set_json(call, 200, json_object_new_object());
	call_send(call, 0);
}

/* dispatch /__admin/... */
void
admin_handle(Call *call)
{
	const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(call->req));
	enum evhttp_cmd_type m = evhttp_request_get_command(call->req);
	const char *what = path + strlen("/__admin/");

	if (!strcmp(what, "stats") && m == EVHTTP_REQ_GET)
	{
		call_set_json(call, 200, stats_json());
		call_send(call, 0);
	}
	else if (!strcmp(what, "log") && m == EVHTTP_REQ_GET)
		log_handle(call);
	else if (!strcmp(what, "config") && m == EVHTTP_REQ_GET)
	{
		call_set_json(call, 200, knobs_to_json());
		call_send(call, 0);
	}
	else if (!strcmp(what, "config") && m == EVHTTP_REQ_POST)
		config_handle(call);
	else if (!strcmp(what, "reset") && m == EVHTTP_REQ_POST)
		reset_handle(call);
	else if (!strcmp(what, "health"))
	{
		call_set_body(call, 200, "{\"ok\":true}", 11, NULL);
		call_send(call, 0);
	}
	else
		admin_error(call, 404, "unknown admin route");
}

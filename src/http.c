/*-------------------------------------------------------------------------
 *
 * http.c
 *	  libcurl multi on the worker's loop: sockets and the timer of one
 *	  CURLM registered with loop.c (curl's hiperfifo pattern).
 *
 * This file owns the CURLM and every easy handle.  libcurl runs inside a
 * backend, so: CURLOPT_NOSIGNAL on every handle (PostgreSQL owns SIGALRM),
 * an asynchronous resolver (checked at init), curl_global_init in the
 * worker (not in _PG_init).  Connect and total timeouts are always set, TLS
 * verification is never turned off, redirects are not followed and only
 * http and https are allowed.  Completed transfers are collected after
 * curl_multi_socket_action returns, and their done callbacks run from there.
 *
 * The rule for every callback libcurl runs (socket_cb, timer_cb, write_cb,
 * header_cb): it runs inside libcurl, where a longjmp would leave libcurl's
 * state half-changed, so it may only
 *	- read and write the request it is given and this file's static state,
 *	- call malloc/realloc/free and libc or libcurl functions that cannot
 *	  longjmp (strtod, strlcpy, curl_getdate, ...),
 *	- and report failure through its return value (write_cb returns 0 past
 *	  the body's cap; socket_cb returns -1);
 * it must never palloc, ereport/elog (any level: a WARNING can fail too),
 * CHECK_FOR_INTERRUPTS, run SQL, or call a loop.c function that changes the
 * loop (fx_loop_watch, fx_loop_unwatch, fx_loop_timer,
 * fx_loop_cancel_timer: they repalloc and ereport).  socket_cb and timer_cb
 * run between fx_loop_forbid(true) and fx_loop_forbid(false), so a loop
 * function called there is counted by fx_loop_violations() (and fails an
 * assertion in assert-enabled builds); finx_http_bench reports the count and
 * the tests require it to be 0.
 *
 * So the socket and timer callbacks only record what libcurl asked for,
 * and the change is applied to the loop by apply_pending() once the
 * libcurl call that ran them has returned.  Every libcurl call that can run
 * them (curl_multi_socket_action, curl_multi_add_handle,
 * curl_multi_remove_handle; curl_multi_cleanup at exit, whose requests are
 * dropped) is followed by apply_pending().  The record is a table of one
 * byte per possible descriptor (allocated at init and sized by
 * RLIMIT_NOFILE, so any socket libcurl can open has a slot) holding the
 * events wanted, "changed" and "removed" bits, plus a fixed list of the
 * changed descriptors (when it overflows, apply_pending scans the table
 * instead).  "Removed" survives a re-use of the descriptor number within
 * one libcurl call, so the old watch is dropped before the new socket's is
 * added.  The timer is one pending value (the last one libcurl gave wins,
 * as it would have replaced the earlier timer).  Nothing in the callbacks
 * can fail except a descriptor beyond the table, which cannot happen while
 * the limit stays as it was at init; the callback then returns -1 and the
 * transfers fail (a warning is logged afterwards).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <curl/curl.h>
#include <arpa/inet.h>
#include <sys/resource.h>

#include "miscadmin.h"
#include "utils/memutils.h"

#include "http.h"

static FxLoop *http_loop = NULL;
static CURLM *multi = NULL;
static FxTimerId curl_timer = 0;
static int	inflight = 0;

/* a descriptor's pending state: the FX_IO_* events wanted plus these bits */
#define SOCK_WANT_MASK	(FX_IO_READ | FX_IO_WRITE)
#define SOCK_CHANGED	0x10
#define SOCK_REMOVED	0x20
#define MAX_SOCK_SLOTS	(1 << 20)
#define DIRTY_LIST_SIZE 256

/* what the callbacks recorded (preallocated: see the header) */
static uint8 *sock_state = NULL;	/* indexed by descriptor */
static int	nsock_slots = 0;
static int	dirty[DIRTY_LIST_SIZE]; /* changed descriptors, in order */
static int	ndirty = 0;
static bool dirty_overflow = false; /* more changed than dirty[] holds */
static bool timer_changed = false;
static long timer_wanted_ms = -1;
static bool callback_refused = false;

static void apply_pending(void);

static void check_done(void);
static int	socket_cb(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp);
static int	timer_cb(CURLM *m, long timeout_ms, void *userp);

/* Size the per-descriptor table: any descriptor is below RLIMIT_NOFILE. */
static void
allocate_sock_state(void)
{
	struct rlimit rl;
	rlim_t		n = MAX_SOCK_SLOTS;

	if (sock_state != NULL)
		return;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		n = Min(rl.rlim_cur, (rlim_t) MAX_SOCK_SLOTS);
	sock_state = MemoryContextAllocZero(TopMemoryContext, (Size) n);
	nsock_slots = (int) n;
}

/* Start libcurl for this process; warn when DNS would block the loop. */
void
fx_http_init(FxLoop *loop)
{
	curl_version_info_data *v;

	http_loop = loop;
	if (multi)
		return;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not initialize libcurl")));
	v = curl_version_info(CURLVERSION_NOW);
	if (!(v->features & CURL_VERSION_ASYNCHDNS))
		ereport(WARNING,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("libcurl %s resolves names synchronously", v->version),
				 errhint("Install a libcurl built with an asynchronous resolver (c-ares or threaded).")));
	allocate_sock_state();
	multi = curl_multi_init();
	if (multi == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("could not create a libcurl multi handle")));
	curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
	curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, timer_cb);
}

int
fx_http_inflight(void)
{
	return inflight;
}

/* Drive libcurl for one socket event (or a timeout when fd is CURL_SOCKET_TIMEOUT). */
static void
drive(curl_socket_t fd, int ev)
{
	int			running;

	(void) curl_multi_socket_action(multi, fd, ev, &running);
	apply_pending();
	check_done();
}

/* The loop saw activity on a curl socket. */
static void
on_socket(int fd, int events, void *arg)
{
	int			ev = 0;

	if (events & FX_IO_READ)
		ev |= CURL_CSELECT_IN;
	if (events & FX_IO_WRITE)
		ev |= CURL_CSELECT_OUT;
	if (events & FX_IO_ERROR)
		ev |= CURL_CSELECT_ERR;
	drive(fd, ev);
}

/* curl's timer expired. */
static void
on_timer(void *arg)
{
	curl_timer = 0;
	drive(CURL_SOCKET_TIMEOUT, 0);
}

/*
 * CURLMOPT_SOCKETFUNCTION: record that a socket is to be watched for other
 * events, or forgotten.  Runs inside libcurl: no allocation, no error.
 */
static int
socket_cb(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
	uint8		s;

	fx_loop_forbid(true);
	if (fd < 0 || fd >= nsock_slots)
	{
		callback_refused = true;
		fx_loop_forbid(false);
		return -1;
	}
	s = sock_state[fd] & ~SOCK_WANT_MASK;
	if (what == CURL_POLL_REMOVE)
		s |= SOCK_REMOVED;
	else
		s |= ((what & CURL_POLL_IN) ? FX_IO_READ : 0) |
			((what & CURL_POLL_OUT) ? FX_IO_WRITE : 0);
	if (!(s & SOCK_CHANGED))
	{
		s |= SOCK_CHANGED;
		if (ndirty < DIRTY_LIST_SIZE)
			dirty[ndirty++] = fd;
		else
			dirty_overflow = true;
	}
	sock_state[fd] = s;
	fx_loop_forbid(false);
	return 0;
}

/*
 * CURLMOPT_TIMERFUNCTION: record when the one curl timer is to fire (-1:
 * never).  Runs inside libcurl: no allocation, no error.
 */
static int
timer_cb(CURLM *m, long timeout_ms, void *userp)
{
	fx_loop_forbid(true);
	timer_wanted_ms = timeout_ms;
	timer_changed = true;
	fx_loop_forbid(false);
	return 0;
}

/* Apply one descriptor's recorded change to the loop. */
static void
apply_socket(int fd)
{
	uint8		s = sock_state[fd];

	if (!(s & SOCK_CHANGED))
		return;
	sock_state[fd] = 0;
	if (s & SOCK_REMOVED)
		fx_loop_unwatch(http_loop, fd);
	if (s & SOCK_WANT_MASK)
		fx_loop_watch(http_loop, fd, s & SOCK_WANT_MASK, on_socket, NULL);
	else if (!(s & SOCK_REMOVED))
		fx_loop_watch(http_loop, fd, 0, on_socket, NULL);
}

/*
 * Apply what the callbacks recorded during the libcurl call that just
 * returned: watches first (in the order libcurl changed them), then the
 * timer.  Outside libcurl, so the loop may allocate and raise here.
 */
static void
apply_pending(void)
{
	for (int i = 0; i < ndirty; i++)
		apply_socket(dirty[i]);
	ndirty = 0;
	if (dirty_overflow)
	{
		for (int fd = 0; fd < nsock_slots; fd++)
			apply_socket(fd);
		dirty_overflow = false;
	}
	if (timer_changed)
	{
		timer_changed = false;
		if (curl_timer)
			fx_loop_cancel_timer(http_loop, curl_timer);
		curl_timer = 0;
		if (timer_wanted_ms >= 0)
			curl_timer = fx_loop_timer(http_loop, timer_wanted_ms, on_timer, NULL);
	}
	if (callback_refused)
	{
		callback_refused = false;
		ereport(WARNING,
				(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
				 errmsg("libcurl opened a descriptor beyond the open files limit seen at start"),
				 errhint("Restart the finextract worker after raising the limit.")));
	}
}

/* CURLOPT_WRITEFUNCTION: append to the body; abort past the cap. */
static size_t
write_cb(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	FxHttpRequest *req = userdata;
	size_t		n = size * nmemb;
	char	   *grown;

	if (req->resp_len + n > req->max_response)
	{
		req->truncated = true;
		return 0;				/* CURLE_WRITE_ERROR */
	}
	grown = realloc(req->resp, req->resp_len + n + 1);
	if (grown == NULL)
		return 0;
	req->resp = grown;
	memcpy(req->resp + req->resp_len, ptr, n);
	req->resp_len += n;
	req->resp[req->resp_len] = '\0';
	return n;
}

/* Copy a header value (trimmed) into dst. */
static void
header_value(const char *v, size_t n, char *dst, size_t dstlen)
{
	while (n > 0 && (*v == ' ' || *v == '\t'))
		v++, n--;
	while (n > 0 && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' '))
		n--;
	n = Min(n, dstlen - 1);
	memcpy(dst, v, n);
	dst[n] = '\0';
}

/* Seconds from a Retry-After value: delta-seconds or an HTTP date. */
static double
parse_retry_after(const char *v)
{
	char	   *end;
	double		s = strtod(v, &end);
	time_t		t;

	if (end != v && *end == '\0')
		return Max(s, 0.0);
	t = curl_getdate(v, NULL);
	if (t < 0)
		return -1;
	return Max((double) (t - time(NULL)), 0.0);
}

/*
 * Seconds from a duration as OpenAI writes them in x-ratelimit-reset-*:
 * "20ms", "1s", "6m0s", "1h2m3.5s" (a bare number is seconds); -1 when
 * unreadable.
 */
double
fx_parse_duration_s(const char *v)
{
	double		total = 0;
	bool		any = false;

	while (*v)
	{
		char	   *end;
		double		x = strtod(v, &end);

		if (end == v || x < 0)
			return -1;
		v = end;
		if (strncmp(v, "ms", 2) == 0)
			total += x / 1000.0, v += 2;
		else if (strncmp(v, "us", 2) == 0)
			total += x / 1e6, v += 2;
		else if (strncmp(v, "ns", 2) == 0)
			total += x / 1e9, v += 2;
		else if (*v == 'h')
			total += x * 3600.0, v++;
		else if (*v == 'm')
			total += x * 60.0, v++;
		else if (*v == 's' || *v == '\0')
			total += x, v += (*v == 's');
		else
			return -1;
		any = true;
	}
	return any ? total : -1;
}

/* Keep an x-ratelimit-* header (name without that prefix); false if not one. */
static bool
ratelimit_header(FxHttpRequest *req, const char *name, size_t n, const char *val)
{
	static const char *const kinds[] = {"limit-", "remaining-", "reset-"};
	static const char *const dims[FX_RL_DIMS] = {"requests", "tokens"};

	for (int k = 0; k < 3; k++)
	{
		size_t		kl = strlen(kinds[k]);

		if (n <= kl || pg_strncasecmp(name, kinds[k], kl) != 0)
			continue;
		for (int d = 0; d < FX_RL_DIMS; d++)
		{
			if (n - kl != strlen(dims[d]) || pg_strncasecmp(name + kl, dims[d], n - kl) != 0)
				continue;
			if (k == 0)
				req->rl_limit[d] = strtod(val, NULL);
			else if (k == 1)
				req->rl_remaining[d] = strtod(val, NULL);
			else
				req->rl_reset_s[d] = fx_parse_duration_s(val);
			return true;
		}
	}
	return false;
}

/* CURLOPT_HEADERFUNCTION: keep the headers the lanes and the trace use. */
static size_t
header_cb(char *buf, size_t size, size_t nitems, void *userdata)
{
	FxHttpRequest *req = userdata;
	size_t		n = size * nitems;
	char		val[128];
	const char *colon = memchr(buf, ':', n);
	size_t		klen;

	if (colon == NULL)
		return n;
	klen = colon - buf;
	header_value(colon + 1, n - klen - 1, val, sizeof(val));
	if (klen == 14 && pg_strncasecmp(buf, "retry-after-ms", 14) == 0)
		req->retry_after_s = Max(strtod(val, NULL) / 1000.0, 0.0);
	else if (klen == 11 && pg_strncasecmp(buf, "retry-after", 11) == 0 &&
			 req->retry_after_s < 0)
		req->retry_after_s = parse_retry_after(val);
	else if (klen == 12 && pg_strncasecmp(buf, "x-request-id", 12) == 0)
		strlcpy(req->request_id, val, sizeof(req->request_id));
	else if (klen == 12 && pg_strncasecmp(buf, "content-type", 12) == 0)
		strlcpy(req->content_type, val, sizeof(req->content_type));
	else if (klen > 12 && pg_strncasecmp(buf, "x-ratelimit-", 12) == 0)
		(void) ratelimit_header(req, buf + 12, klen - 12, val);
	if (req->on_header)
		req->on_header(req, buf, klen, val);
	return n;
}

/* Set up the easy handle of a request; false when libcurl refuses. */
static bool
setup_easy(FxHttpRequest *req)
{
	CURL	   *e = curl_easy_init();

	if (e == NULL)
		return false;
	req->easy = e;
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_URL, req->url);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, req->timeout_ms);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, req->connect_timeout_ms);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, req);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, req);
	curl_easy_setopt(e, CURLOPT_PRIVATE, req);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, req->error);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "finextract/0.2");
	for (int i = 0; req->headers && req->headers[i]; i++)
		req->slist = curl_slist_append(req->slist, req->headers[i]);
	/* no "Expect: 100-continue" round trip on uploads */
	req->slist = curl_slist_append(req->slist, "Expect:");
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, req->slist);
	if (strcmp(req->method, "POST") == 0)
	{
		curl_easy_setopt(e, CURLOPT_POST, 1L);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, req->body ? req->body : "");
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) req->body_len);
	}
	return true;
}

/* Clear the results and private state of a request (frees the body). */
void
fx_http_reset(FxHttpRequest *req)
{
	if (req->active)
		fx_http_cancel(req);
	free(req->resp);
	req->resp = NULL;
	req->resp_len = 0;
	req->truncated = false;
	req->status = 0;
	req->curl_code = CURLE_OK;
	req->error[0] = '\0';
	req->retry_after_s = -1;
	req->request_id[0] = '\0';
	req->content_type[0] = '\0';
	req->ttfb_s = 0;
	for (int d = 0; d < FX_RL_DIMS; d++)
		req->rl_limit[d] = req->rl_remaining[d] = req->rl_reset_s[d] = -1;
}

/* Release libcurl's handles of a finished or cancelled request. */
static void
release_easy(FxHttpRequest *req)
{
	if (req->easy)
	{
		curl_multi_remove_handle(multi, req->easy);
		curl_easy_cleanup(req->easy);
		apply_pending();
	}
	if (req->slist)
		curl_slist_free_all(req->slist);
	req->easy = NULL;
	req->slist = NULL;
	if (req->active)
		inflight--;
	req->active = false;
}

/* Start a request; its done callback runs later, from the loop. */
void
fx_http_start(FxHttpRequest *req)
{
	fx_http_reset(req);
	req->started_ms = fx_now_ms();
	req->finished_ms = 0;
	req->active = true;
	inflight++;
	if (!setup_easy(req) || curl_multi_add_handle(multi, req->easy) != CURLM_OK)
	{
		req->curl_code = CURLE_OUT_OF_MEMORY;
		strlcpy(req->error, "could not set up the transfer", sizeof(req->error));
		/* report from the loop, like any other completion */
		release_easy(req);
		req->finished_ms = fx_now_ms();
		fx_loop_timer(http_loop, 0, (FxTimerCallback) req->done, req);
	}
	else
		apply_pending();
}

/* Abandon a request: no done callback. */
void
fx_http_cancel(FxHttpRequest *req)
{
	release_easy(req);
}

/* Collect finished transfers and run their done callbacks. */
static void
check_done(void)
{
	CURLMsg    *msg;
	int			left;

	while ((msg = curl_multi_info_read(multi, &left)) != NULL)
	{
		FxHttpRequest *req;
		double		ttfb = 0;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **) &req);
		req->curl_code = msg->data.result;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &req->status);
		curl_easy_getinfo(msg->easy_handle, CURLINFO_STARTTRANSFER_TIME, &ttfb);
		req->ttfb_s = ttfb;
		if (req->curl_code != CURLE_OK && req->error[0] == '\0')
			strlcpy(req->error, curl_easy_strerror(req->curl_code), sizeof(req->error));
		if (req->truncated)
			strlcpy(req->error, "response larger than the cap", sizeof(req->error));
		release_easy(req);
		req->finished_ms = fx_now_ms();
		req->done(req);
	}
}

/* Worker exit: drop every transfer. */
void
fx_http_shutdown(void)
{
	if (multi == NULL)
		return;
	curl_multi_cleanup(multi);
	multi = NULL;
	/* what cleanup asked for concerns sockets that are gone */
	ndirty = 0;
	dirty_overflow = false;
	timer_changed = false;
	if (sock_state)
		memset(sock_state, 0, nsock_slots);
}

/* Is host a loopback name or address? */
static bool
is_loopback(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (pg_strcasecmp(host, "localhost") == 0)
		return true;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (host[0] == '[')
	{
		char		buf[64];
		size_t		n = strlen(host);

		if (n < 3 || n - 2 >= sizeof(buf))
			return false;
		memcpy(buf, host + 1, n - 2);
		buf[n - 2] = '\0';
		return inet_pton(AF_INET6, buf, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
	}
	return false;
}

/*
 * Check a provider URL: http or https only, and plain http only to loopback
 * unless allowed.  Returns NULL when fine, else why not (palloc'd).
 */
char *
fx_http_check_url(const char *url, bool allow_plain_http)
{
	CURLU	   *u = curl_url();
	char	   *scheme = NULL,
			   *host = NULL;
	char	   *why = NULL;

	if (u == NULL)
		return pstrdup("out of memory");
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
		curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
		curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
		why = psprintf("\"%s\" is not a valid URL", url);
	else if (strcmp(scheme, "https") != 0 && strcmp(scheme, "http") != 0)
		why = psprintf("URL scheme \"%s\" is not allowed; use https", scheme);
	else if (strcmp(scheme, "http") == 0 && !allow_plain_http && !is_loopback(host))
		why = psprintf("plain http to \"%s\" is not allowed; use https (or set finextract.allow_plain_http)", host);
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return why;
}

/* Does the URL name a loopback host? (false when it cannot be parsed) */
bool
fx_http_url_is_loopback(const char *url)
{
	CURLU	   *u = curl_url();
	char	   *host = NULL;
	bool		result = false;

	if (u == NULL)
		return false;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
		curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK)
		result = is_loopback(host);
	curl_free(host);
	curl_url_cleanup(u);
	return result;
}

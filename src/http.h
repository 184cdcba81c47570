/*-------------------------------------------------------------------------
 *
 * http.h
 *	  HTTP requests over libcurl's multi interface, driven by the worker's
 *	  event loop.
 *
 * A request is filled in by its owner, started with fx_http_start() and
 * finished by one call of its done callback, from the loop (never from
 * inside a libcurl callback).  The response body is malloc'd and capped;
 * the owner frees it with fx_http_reset().
 *
 *-------------------------------------------------------------------------
 */
#ifndef FX_HTTP_H
#define FX_HTTP_H

#include "postgres.h"

#include "loop.h"

/* the dimensions of a rate limit, as in the x-ratelimit-* headers */
#define FX_RL_REQUESTS	0
#define FX_RL_TOKENS	1
#define FX_RL_DIMS		2

typedef struct FxHttpRequest FxHttpRequest;
typedef void (*FxHttpDone) (FxHttpRequest *req);

struct FxHttpRequest
{
	/* set by the owner */
	const char *method;			/* "GET" or "POST" */
	char	   *url;
	char	  **headers;		/* NULL-terminated "Name: value" lines */
	const char *body;			/* POST body (not copied) */
	size_t		body_len;
	long		timeout_ms;
	long		connect_timeout_ms;
	size_t		max_response;
	FxHttpDone	done;
	void	   *arg;
	/* optional: sees every response header line (name, its length, the
	 * trimmed value), after the ones kept below; runs inside libcurl, so it
	 * must neither allocate nor raise (a provider's own rate-limit headers) */
	void		(*on_header) (FxHttpRequest *req, const char *name,
							  size_t name_len, const char *value);

	/* results */
	long		status;			/* HTTP status, 0 when none */
	int			curl_code;		/* CURLE_OK or the transfer's error */
	char		error[256];		/* curl's message when curl_code != 0 */
	char	   *resp;			/* body, NUL-terminated (malloc) */
	size_t		resp_len;
	bool		truncated;		/* body exceeded max_response */
	double		retry_after_s;	/* Retry-After / retry-after-ms, or -1 */
	char		request_id[64];
	char		content_type[64];
	/* x-ratelimit-{limit,remaining,reset}-{requests,tokens}; -1 when absent */
	double		rl_limit[FX_RL_DIMS];
	double		rl_remaining[FX_RL_DIMS];
	double		rl_reset_s[FX_RL_DIMS];
	int64		started_ms;
	int64		finished_ms;
	double		ttfb_s;			/* time to the first response byte */

	/* private */
	void	   *easy;
	struct curl_slist *slist;
	bool		active;
};

extern void fx_http_init(FxLoop *loop);
extern void fx_http_start(FxHttpRequest *req);
extern void fx_http_cancel(FxHttpRequest *req);
extern void fx_http_reset(FxHttpRequest *req);
extern int	fx_http_inflight(void);
extern void fx_http_shutdown(void);
extern char *fx_http_check_url(const char *url, bool allow_plain_http);
extern bool fx_http_url_is_loopback(const char *url);
extern double fx_parse_duration_s(const char *v);

#endif							/* FX_HTTP_H */

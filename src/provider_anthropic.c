/*-------------------------------------------------------------------------
 *
 * provider_anthropic.c
 *	  The Anthropic Messages API structurer: POST {base}/v1/messages with
 *	  x-api-key and anthropic-version, the statement schema as a forced
 *	  tool's input_schema.
 *
 * Settings: finextract.anthropic_api_key (superuser-only, redacted like the
 * other keys) and finextract.anthropic_base_url.  The model is
 * finextract.llm_model or the job's model option; finextract.llm_max_tokens
 * and the LLM rate-limit settings apply as to any provider.
 *
 * Failures: 429 (rate_limit_error) and 529 (overloaded_error) are
 * overloads, paused for retry-after; 5xx, 408 and 409 are transient; other
 * 4xx (401 authentication_error, 400 invalid_request_error, including an
 * exhausted credit balance) are terminal.  The anthropic-ratelimit-
 * {requests,tokens}-{limit,remaining,reset} headers (reset is an RFC 3339
 * time) feed the lane's buckets as OpenAI's x-ratelimit-* do, and its
 * request-id goes to the trace.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <time.h>

#include "utils/guc.h"

#include "provider.h"
#include "provider_anthropic.h"

#define ANTHROPIC_VERSION "2023-06-01"
#define RL_PREFIX "anthropic-ratelimit-"

static char *anthropic_key_setting = NULL;
static char *anthropic_base_url_setting = NULL;

static const char *
show_anthropic_key(void)
{
	return fx_provider_show_secret(anthropic_key_setting);
}

/* finextract.anthropic_api_key and finextract.anthropic_base_url */
static void
anthropic_define_settings(void)
{
	fx_provider_define_secret("finextract.anthropic_api_key", "Anthropic API key.",
							  &anthropic_key_setting, show_anthropic_key);
	DefineCustomStringVariable("finextract.anthropic_base_url",
							   "Anthropic API base URL (without /v1).", NULL,
							   &anthropic_base_url_setting, "https://api.anthropic.com",
							   PGC_SIGHUP, GUC_SUPERUSER_ONLY, NULL, NULL, NULL);
}

static const char *
anthropic_key(void)
{
	return anthropic_key_setting ? anthropic_key_setting : "";
}

static const char *
anthropic_base_url(void)
{
	return anthropic_base_url_setting ? anthropic_base_url_setting : "";
}

/* POST {base}/v1/messages with a forced tool call. */
static bool
anthropic_build(const FxStructIn *in, FxStructOut *out, char **err)
{
	char	   *jerr = NULL;

	out->body = fx_anthropic_request(in->model, in->system_prompt, in->user_prompt,
									 in->schema_json, in->max_tokens, &jerr);
	if (out->body == NULL)
	{
		*err = pstrdup(jerr ? jerr : "out of memory");
		free(jerr);
		return false;
	}
	out->url = psprintf("%s/v1/messages", anthropic_base_url());
	out->headers[0] = psprintf("x-api-key: %s", anthropic_key());
	out->headers[1] = "anthropic-version: " ANTHROPIC_VERSION;
	out->headers[2] = "content-type: application/json";
	out->headers[3] = NULL;
	return true;
}

/* {"type":"error","error":{"type","message"}}: 429 and 529 are overloads. */
static FxFailKind
anthropic_classify(const FxHttpRequest *req, char **message)
{
	char		type[64] = "";

	*message = req->resp ? fx_json_error_message(req->resp, req->resp_len, NULL, 0,
												 type, sizeof(type)) : NULL;
	if (req->status == 429 || req->status == 529 ||
		strcmp(type, "overloaded_error") == 0 || strcmp(type, "rate_limit_error") == 0)
		return FX_FAIL_OVERLOAD;
	return fx_fail_of_status(req->status);
}

/*
 * Seconds from now to an RFC 3339 time ("2026-12-05T18:30:00Z"), or -1.
 * Runs inside libcurl: no allocation.
 */
static double
seconds_until(const char *v)
{
	struct tm	tm;
	int			y, mo, d, h, mi;
	double		s;
	time_t		t;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(v, "%d-%d-%dT%d:%d:%lf", &y, &mo, &d, &h, &mi, &s) != 6)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = 0;
	t = timegm(&tm);
	if (t == (time_t) -1)
		return -1;
	return Max((double) t + s - (double) time(NULL), 0.0);
}

/* anthropic-ratelimit-* into the request's rate fields; request-id too. */
static void
anthropic_on_header(FxHttpRequest *req, const char *name, size_t n,
					const char *val)
{
	static const char *const dims[FX_RL_DIMS] = {"requests-", "tokens-"};
	size_t		pl = strlen(RL_PREFIX);

	if (fx_provider_header_is(name, n, "request-id"))
	{
		strlcpy(req->request_id, val, sizeof(req->request_id));
		return;
	}
	if (n <= pl || pg_strncasecmp(name, RL_PREFIX, pl) != 0)
		return;
	name += pl, n -= pl;
	for (int d = 0; d < FX_RL_DIMS; d++)
	{
		size_t		dl = strlen(dims[d]);

		if (n <= dl || pg_strncasecmp(name, dims[d], dl) != 0)
			continue;
		if (fx_provider_header_is(name + dl, n - dl, "limit"))
			req->rl_limit[d] = strtod(val, NULL);
		else if (fx_provider_header_is(name + dl, n - dl, "remaining"))
			req->rl_remaining[d] = strtod(val, NULL);
		else if (fx_provider_header_is(name + dl, n - dl, "reset"))
			req->rl_reset_s[d] = seconds_until(val);
	}
}

const FxStructurer fx_provider_anthropic = {
	.name = "anthropic",
	.lane_group = "anthropic",
	.key_setting = "finextract.anthropic_api_key",
	.url_setting = "finextract.anthropic_base_url",
	.define_settings = anthropic_define_settings,
	.load_keys = NULL,
	.key = anthropic_key,
	.base_url = anthropic_base_url,
	.build = anthropic_build,
	.parse = fx_anthropic_response,
	.classify = anthropic_classify,
	.on_header = anthropic_on_header,
};

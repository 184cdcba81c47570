/* finextract 0.2.0 -> 0.3.0
 *
 * 0.3.0 adds:
 *	- rate limits of the remote providers (requests and tokens per minute,
 *	  from settings and the servers' x-ratelimit-* headers) shown in
 *	  finx.provider_stats;
 *	- finx_http_bench(), which measures the worker's HTTP and lane layer
 *	  alone against a loopback endpoint.
 */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION finextract UPDATE TO '0.3.0'" to load this file. \quit

-- ---------------------------------------------------------------------------
-- Rate limits and the HTTP layer's benchmark (issue 4)
-- ---------------------------------------------------------------------------

-- The lanes' rate buckets, appended to the view's columns.
CREATE OR REPLACE VIEW finx.provider_stats AS
SELECT s.lane, s.provider, s."limit", s.inflight, s.queued, s.p50_ms, s.p95_ms,
	   s.ok, s.failed, s.http_429, s.retries, s.paused_ms,
	   s.requests_per_minute, s.requests_left, s.tokens_per_minute, s.tokens_left,
	   s.rate_wait_ms, s.rate_waits
  FROM jsonb_to_recordset(finx_provider_stats()) AS s(lane text, provider text, "limit" int,
		inflight int, queued int, p50_ms float8, p95_ms float8, ok bigint, failed bigint,
		http_429 bigint, retries bigint, paused_ms bigint,
		requests_per_minute float8, requests_left float8, tokens_per_minute float8,
		tokens_left float8, rate_wait_ms bigint, rate_waits bigint);
COMMENT ON COLUMN finx.provider_stats.requests_per_minute IS 'Request rate the lane keeps to: the lower of its setting and the rate the server''s x-ratelimit-* headers show; NULL = no limit known';
COMMENT ON COLUMN finx.provider_stats.requests_left IS 'Requests the lane may send at once now (the emptiest of its rate buckets); NULL = no limit known';
COMMENT ON COLUMN finx.provider_stats.tokens_per_minute IS 'LLM token rate the lane keeps to (setting or server headers); NULL = no limit known';
COMMENT ON COLUMN finx.provider_stats.tokens_left IS 'LLM tokens the lane may spend now; NULL = no limit known';
COMMENT ON COLUMN finx.provider_stats.rate_wait_ms IS 'Milliseconds until the rate buckets let the first queued call go (0 = not waiting for a rate limit)';
COMMENT ON COLUMN finx.provider_stats.rate_waits IS 'Calls that waited for a rate bucket since the worker started';

-- The HTTP and lane layer alone, for benchmarks against a loopback mock.
CREATE FUNCTION finx_http_bench(calls int, concurrency int DEFAULT 64)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'finx_http_bench'
LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION finx_http_bench(int, int) IS
'Send calls small chat requests to finextract.llm_url through one lane of the given in-flight limit, in this session and without jobs; returns the wall time, requests per second, CPU microseconds per call and outcomes (superusers only; meant for a loopback mock)';
REVOKE ALL ON FUNCTION finx_http_bench(int, int) FROM PUBLIC;

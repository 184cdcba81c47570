/*-------------------------------------------------------------------------
 *
 * bench.c
 *	  finx_http_bench(): the worker's HTTP and lane layer measured alone.
 *
 * The calling backend runs the same code the worker runs for remote calls
 * (loop.c, http.c, lane.c, rate.c) on a loop of its own, without jobs,
 * SQL or the pipeline: it sends calls small chat requests to
 * finextract.llm_url through one lane of fixed in-flight limit, gathers the
 * trace rows as the worker does (and drops them instead of storing them),
 * and reports the wall time, the process's CPU time and the outcomes.  It
 * is meant for a loopback mock (e.g. test/mock/finx-mock answering at once):
 * superusers only, the URL must pass the usual provider URL check, and its
 * host must be a loopback address (a real provider would bill the calls).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <sys/resource.h>

#include "fmgr.h"
#include "miscadmin.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"

#include "finextract.h"
#include "lane.h"

PG_FUNCTION_INFO_V1(finx_http_bench);

typedef struct BenchState
{
	int			done;
	int			ok;
	int			failed;
	char	   *first_error;
} BenchState;

static FxLoop *bench_loop = NULL;

/* One call ended. */
static void
bench_done(FxCall *call)
{
	BenchState *st = call->arg;

	st->done++;
	if (call->ok)
		st->ok++;
	else
	{
		st->failed++;
		if (st->first_error == NULL && call->error)
			st->first_error = pstrdup(call->error);
	}
	fx_lane_call_free(call);
}

/* The trace rows are built as in the worker, then dropped. */
static void
drop_trace(List *rows)
{
}

/* CPU seconds (user + system) of this process so far. */
static double
cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
		ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* Check the caller and the arguments; returns the chat URL. */
static char *
bench_check(int calls, int concurrency)
{
	char	   *bad;

	if (!superuser())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied for function finx_http_bench"),
				 errdetail("It sends requests to finextract.llm_url from the server."),
				 errhint("Run it as a superuser.")));
	if (calls < 1 || calls > 1000000 || concurrency < 1 || concurrency > 10000)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("calls must be between 1 and 1000000 and concurrency between 1 and 10000"),
				 errhint("Pass for example 20000 calls at a concurrency of 64.")));
	bad = fx_http_check_url(finx_llm_url, finx_allow_plain_http);
	if (bad)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("finextract.llm_url cannot be used: %s", bad),
				 errhint("Point finextract.llm_url at a loopback mock.")));
	if (!fx_http_url_is_loopback(finx_llm_url))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("finx_http_bench only sends to a loopback address"),
				 errdetail("finextract.llm_url is \"%s\"; a benchmark against a real provider would be billed.",
						   finx_llm_url),
				 errhint("Point finextract.llm_url at a loopback mock, such as test/mock/finx-mock.")));
	return psprintf("%s/chat/completions", finx_llm_url);
}

/* Fill in one call of the benchmark. */
static void
bench_call(FxCall *c, char *url, char **headers, const char *body, BenchState *st)
{
	memset(c, 0, sizeof(FxCall));
	c->req.method = "POST";
	c->req.url = url;
	c->req.headers = headers;
	c->req.body = body;
	c->req.body_len = strlen(body);
	c->req.timeout_ms = finx_request_timeout_ms;
	c->req.connect_timeout_ms = finx_connect_timeout_ms;
	c->req.max_response = 1024 * 1024;
	c->req.retry_after_s = -1;
	c->max_attempts = 1;
	c->units = 1;
	c->endpoint = "bench";
	c->done = bench_done;
	c->arg = st;
}

/* Run the loop until every call has ended. */
static void
bench_run(BenchState *st, int calls)
{
	int64		last_flush = fx_now_ms();

	while (st->done < calls)
	{
		CHECK_FOR_INTERRUPTS();
		(void) fx_loop_wait(bench_loop, 100);
		if (fx_now_ms() - last_flush >= 250)
		{
			fx_lane_flush_trace(drop_trace);
			last_flush = fx_now_ms();
		}
	}
	fx_lane_flush_trace(drop_trace);
}

/*
 * finx_http_bench(calls int, concurrency int) returns jsonb: calls,
 * concurrency, ok, failed, seconds, per_second, cpu_us_per_call,
 * callback_violations (loop changes made inside a libcurl callback in this
 * session so far: see http.c; always 0), first_error.
 */
Datum
finx_http_bench(PG_FUNCTION_ARGS)
{
	int			calls = PG_GETARG_INT32(0);
	int			concurrency = PG_GETARG_INT32(1);
	char	   *url = bench_check(calls, concurrency);
	char	   *headers[3];
	const char *body = "{\"model\":\"bench\",\"messages\":[{\"role\":\"user\",\"content\":\"ping\"}],\"max_completion_tokens\":16}";
	FxCall	   *cs = palloc(sizeof(FxCall) * calls);
	BenchState	st = {0};
	FxLane	   *lane;
	int64		t0;
	double		cpu0,
				secs,
				cpu;
	StringInfoData b;

	headers[0] = psprintf("Authorization: Bearer %s", finx_llm_key ? finx_llm_key : "");
	headers[1] = "Content-Type: application/json";
	headers[2] = NULL;
	if (bench_loop == NULL)
	{
		bench_loop = fx_loop_create();
		fx_http_init(bench_loop);
		fx_lanes_init(bench_loop);
	}
	lane = fx_lane_get("bench", "", NULL, concurrency, concurrency);
	t0 = fx_now_ms();
	cpu0 = cpu_seconds();
	for (int i = 0; i < calls; i++)
		bench_call(&cs[i], url, headers, body, &st);
	PG_TRY();
	{
		for (int i = 0; i < calls; i++)
			fx_lane_submit(lane, &cs[i]);
		bench_run(&st, calls);
	}
	PG_CATCH();
	{
		/* cancelled: no call may outlive its memory */
		for (int i = 0; i < calls; i++)
			fx_lane_cancel(&cs[i]);
		PG_RE_THROW();
	}
	PG_END_TRY();
	secs = Max(0.001, (fx_now_ms() - t0) / 1000.0);
	cpu = cpu_seconds() - cpu0;
	initStringInfo(&b);
	appendStringInfo(&b, "{\"calls\":%d,\"concurrency\":%d,\"ok\":%d,\"failed\":%d,"
					 "\"seconds\":%.3f,\"per_second\":%.0f,\"cpu_us_per_call\":%.1f,"
					 "\"callback_violations\":%llu,\"first_error\":",
					 calls, concurrency, st.ok, st.failed, secs, calls / secs,
					 cpu * 1e6 / calls,
					 (unsigned long long) fx_loop_violations());
	escape_json(&b, st.first_error ? st.first_error : "");
	appendStringInfoChar(&b, '}');
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(b.data)));
}

/*-------------------------------------------------------------------------
 *
 * lane_stats.c
 *	  What the lanes report: the request trace (one row of finx.requests
 *	  per attempt, stored by the owner through fx_lane_flush_trace) and
 *	  the statistics of each lane as JSON (finx.provider_stats).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "lib/stringinfo.h"
#include "utils/json.h"
#include "utils/memutils.h"

#include "lane_int.h"
#include "redact.h"

static List *trace = NIL;
static MemoryContext trace_cxt = NULL;

/* Create the trace's memory context (once). */
void
fx_lane_trace_init(void)
{
	if (trace_cxt == NULL)
		trace_cxt = AllocSetContextCreate(TopMemoryContext, "finextract trace",
										  ALLOCSET_DEFAULT_SIZES);
}

/* Append a row to the trace for one finished attempt. */
void
fx_lane_trace_attempt(FxCall *call)
{
	MemoryContext old = MemoryContextSwitchTo(trace_cxt);
	FxTraceRow *r = palloc0(sizeof(FxTraceRow));
	FxHttpRequest *q = &call->req;

	r->job_id = call->job_id;
	r->statement = call->statement;
	r->provider = pstrdup(call->lane->provider);
	r->endpoint = pstrdup(call->endpoint ? call->endpoint : "");
	r->attempt = call->attempt;
	r->queued_at = call->queued_at;
	r->started_at = TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
												-(q->finished_ms - q->started_ms));
	r->finished_at = GetCurrentTimestamp();
	r->status = (int) q->status;
	r->bytes_out = (int64) q->body_len;
	r->bytes_in = (int64) q->resp_len;
	r->error = call->error ? pstrdup(call->error) : NULL;
	r->request_id = q->request_id[0] ? fx_redact_pstrdup(q->request_id) : NULL;
	trace = lappend(trace, r);
	MemoryContextSwitchTo(old);
}

/* Hand the trace rows gathered so far to store, then free them. */
void
fx_lane_flush_trace(void (*store) (List *rows))
{
	List	   *t = trace;

	if (t == NIL)
		return;
	trace = NIL;
	store(t);
	MemoryContextReset(trace_cxt);
}

/* Compare doubles for qsort. */
static int
cmp_double(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return (x > y) - (x < y);
}

/* Append one lane's statistics as a JSON object (names through escape_json). */
static void
lane_stats_json(FxLane *l, StringInfo b)
{
	int			n = Min(l->nlat, LAT_SAMPLES);
	double		s[LAT_SAMPLES];

	memcpy(s, l->lat_ms, sizeof(double) * n);
	qsort(s, n, sizeof(double), cmp_double);
	appendStringInfoString(b, "{\"lane\":");
	escape_json(b, l->name);
	appendStringInfoString(b, ",\"provider\":");
	escape_json(b, l->provider);
	appendStringInfo(b, ",\"limit\":%d,"
					 "\"inflight\":%d,\"queued\":%d,\"p50_ms\":%.1f,\"p95_ms\":%.1f,"
					 "\"ok\":%lld,\"failed\":%lld,\"http_429\":%lld,\"retries\":%lld,"
					 "\"paused_ms\":%lld,\"rate_wait_ms\":%lld,\"rate_waits\":%lld",
					 fx_lane_limit(l), l->inflight, l->nqueued,
						 n ? s[n / 2] : 0.0, n ? s[Min(n - 1, (int) (n * 0.95))] : 0.0,
					 (long long) l->n_ok, (long long) l->n_failed,
					 (long long) l->n_429, (long long) l->n_retries,
					 (long long) Max(0, l->paused_until - fx_now_ms()),
					 (long long) (l->nqueued > 0 ? Max(0, l->rate_wait_until - fx_now_ms()) : 0),
					 (long long) l->n_rate_waits);
	fx_rate_stats_json(l->rate, b);
	appendStringInfoChar(b, '}');
}

/*
 * Lane statistics as a JSON array (for finx.provider_stats) of at most
 * max_len bytes: lanes that do not fit are left out, and a last element
 * {"lane": "(N more lanes not shown)", "omitted": N} says so.  Always valid
 * JSON.
 */
char *
fx_lanes_stats_json(size_t max_len)
{
	StringInfoData b;
	StringInfoData one;
	dlist_iter	it;
	int			omitted = 0;

	initStringInfo(&b);
	initStringInfo(&one);
	appendStringInfoChar(&b, '[');
	dlist_foreach(it, &fx_lane_list)
	{
		resetStringInfo(&one);
		lane_stats_json(dlist_container(FxLane, node, it.cur), &one);
		/* keep room for the comma, the "omitted" element and the bracket */
		if (omitted > 0 || (size_t) b.len + one.len + 80 > max_len)
		{
			omitted++;
			continue;
		}
		if (b.len > 1)
			appendStringInfoChar(&b, ',');
		appendBinaryStringInfo(&b, one.data, one.len);
	}
	if (omitted > 0)
		appendStringInfo(&b, "%s{\"lane\":\"(%d more lanes not shown)\",\"omitted\":%d}",
						 b.len > 1 ? "," : "", omitted, omitted);
	appendStringInfoChar(&b, ']');
	pfree(one.data);
	return b.data;
}


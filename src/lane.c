/*-------------------------------------------------------------------------
 *
 * lane.c
 *	  One lane per provider x key x model: how many calls may be in flight,
 *	  when to wait, and carrying out the failure policy's verdicts on
 *	  failed attempts.  What happened (the trace, the statistics) is told
 *	  by lane_stats.c; a lane's state is in lane_int.h.
 *
 * The in-flight limit adapts unless fixed by a setting.  It starts at 8
 * (each round trip below a server's capacity costs the slots it leaves
 * idle, and from 4 a 2 s call needed three round trips to reach 64; a
 * server that queues beyond 8 only delays the first answers, one that
 * rejects answers a few 429s once) and grows in slow start (+2 per
 * success while latency is at its floor: x3 per round trip) and then by
 * sqrt(limit) per round trip (Gradient2's headroom:
 * +1 per round trip would take minutes to climb from 10 to 64 after a noisy
 * start), but only while the limit is what holds calls back (never while
 * demand is below it).  Latency per unit of work (pages, tokens) against the
 * least seen, smoothed over a few answers (a single slow one may be the
 * worker's own CPU), drives a Vegas-style control: a ratio above 1.6 means
 * the server queues silently, and the limit comes down in proportion
 * (only on calls sent while the lane used more than half its limit: a slow
 * answer to a lane far below it is not queueing it caused);
 * between 1.25 and 1.6 it holds.  On a queueing server that settles the
 * limit near 1.25-1.6 x its capacity, which keeps every server slot busy.
 * A 429/503 is an explicit signal: the lane sends
 * nothing until Retry-After, the limit drops to the calls that were in
 * flight when the rejected one was sent (a capacity limit is exact; a
 * second signal within a few successes halves it: a rate limit), at most
 * once per window, and the limit then stays below that ceiling until 32
 * calls have succeeded, so a server that rejects over capacity sees one
 * probe in ~32 calls.  What kind of failure an answer is comes from the
 * call's classify callback (its provider reads the error body); what that
 * kind does (retry after which backoff, up to how many attempts, drawing
 * on the lane's retry budget or not, pause the lane or not) is the failure
 * policy's verdict (src/failure.c), which this file carries out.  After a
 * run of failures the circuit opens (a pause the policy computes) and a
 * single probe at a time closes it; the limit then grows back in slow
 * start to where it was.  All state is per lane: one lane's trouble never
 * touches another.
 *
 * When the worker stops gracefully the lanes drain: no attempt starts any
 * more, and the worker waits a bounded time for the paid calls in flight
 * (whisper submits and retrieves, whose lost answers would be paid again)
 * so that their owners can commit what they bought.
 *
 * Rate limits (src/rate.c) come on top: a call at the head of the queue
 * that its rate group's buckets cannot pay for yet waits there, and a timer
 * wakes the lane when they can (no polling).  A 429 whose x-ratelimit-*
 * headers show an empty bucket is a rate limit, not a lack of capacity: it
 * pauses the lane for Retry-After but leaves the in-flight limit alone.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "common/hashfn.h"
#include "common/pg_prng.h"
#include "utils/memutils.h"

#include "lane_int.h"
#include "redact.h"

#define INITIAL_LIMIT 8
#define VEGAS_GROW 1.25			/* latency ratio below which the limit grows */
#define VEGAS_SHRINK 1.6		/* ... and above which it comes down */
#define RATIO_WEIGHT 0.3		/* weight of a new sample in the smoothed ratio */
#define PROBE_SUCCESSES 32		/* successes before probing a known ceiling */
#define REPEAT_WINDOW 8			/* a 429 within this many successes halves */

static FxLoop *lane_loop = NULL;
static MemoryContext lane_cxt = NULL;
dlist_head	fx_lane_list = DLIST_STATIC_INIT(fx_lane_list);
static bool draining = false;	/* stopping: no attempt starts any more */
static int	paid_inflight = 0;	/* paid calls whose transfer runs */

static void pump(FxLane *lane);
static void on_http_done(FxHttpRequest *req);

/* Attach lanes to the loop. */
void
fx_lanes_init(FxLoop *loop)
{
	lane_loop = loop;
	if (lane_cxt == NULL)
		lane_cxt = AllocSetContextCreate(TopMemoryContext, "finextract lanes",
										 ALLOCSET_DEFAULT_SIZES);
	fx_lane_trace_init();
}

/* The loop the lanes run on. */
FxLoop *
fx_lane_loop(void)
{
	return lane_loop;
}

/* The lane of provider x key x model, created on first use. */
FxLane *
fx_lane_get(const char *provider, const char *key, const char *model,
			int fixed_limit, int max_limit)
{
	char		name[160];
	dlist_iter	it;
	FxLane	   *lane;

	snprintf(name, sizeof(name), "%s/%s/%08x", provider, model ? model : "",
			 hash_bytes((const unsigned char *) key, strlen(key)));
	dlist_foreach(it, &fx_lane_list)
	{
		lane = dlist_container(FxLane, node, it.cur);
		if (strcmp(lane->name, name) == 0)
		{
			lane->fixed_limit = fixed_limit;
			lane->max_limit = Max(max_limit, 1);
			return lane;
		}
	}
	lane = MemoryContextAllocZero(lane_cxt, sizeof(FxLane));
	strlcpy(lane->name, name, sizeof(lane->name));
	strlcpy(lane->provider, provider, sizeof(lane->provider));
	lane->fixed_limit = fixed_limit;
	lane->max_limit = Max(max_limit, 1);
	lane->limit = INITIAL_LIMIT;
	lane->ssthresh = lane->max_limit;
	lane->retry_tokens = FX_FAIL_RETRY_BUDGET;
	dlist_init(&lane->queue);
	dlist_push_tail(&fx_lane_list, &lane->node);
	return lane;
}

/* The lane's current limit on calls in flight. */
int
fx_lane_limit(FxLane *lane)
{
	if (lane->fixed_limit > 0)
		return lane->fixed_limit;
	return Max(1, Min((int) lane->limit, lane->max_limit));
}

/*
 * Put the lane under the rate limits of group x key x model (shared with
 * other lanes of the same group) and apply the settings; 0 = no limit.
 */
void
fx_lane_set_rate(FxLane *lane, const char *group, const char *key,
				 const char *model, int requests_per_minute,
				 int tokens_per_minute)
{
	char		name[160];

	snprintf(name, sizeof(name), "%s/%s/%08x", group, model ? model : "",
			 hash_bytes((const unsigned char *) key, strlen(key)));
	if (lane->rate == NULL)
		lane->rate = fx_rate_get(name);
	fx_rate_configure(lane->rate, requests_per_minute, tokens_per_minute);
}

/*
 * Replace a call's error (palloc'd in the lane's context, or NULL).  Every
 * error of a call (libcurl's message, the provider's, the owner's reason)
 * passes here and is redacted: it goes to the trace, the job and the log.
 */
static void
set_error(FxCall *call, char *error)
{
	if (call->error)
		pfree(call->error);
	call->error = NULL;
	if (error)
	{
		MemoryContext old = MemoryContextSwitchTo(lane_cxt);

		call->error = fx_redact_pstrdup(error);
		MemoryContextSwitchTo(old);
		pfree(error);
	}
}

/*
 * Free what a finished call still holds, its answer's buffer (malloc'd by
 * the HTTP layer) and its error, once its owner has read them.  A call
 * reused for another request must be freed first, or both leak.
 */
void
fx_lane_call_free(FxCall *call)
{
	fx_http_reset(&call->req);
	set_error(call, NULL);
}

/* Queue a call; it starts when the lane has room and is not paused. */
void
fx_lane_submit(FxLane *lane, FxCall *call)
{
	call->lane = lane;
	call->attempt = 0;
	call->ok = false;
	set_error(call, NULL);
	call->queued_at = GetCurrentTimestamp();
	call->queued = true;
	dlist_push_tail(&lane->queue, &call->node);
	lane->nqueued++;
	pump(lane);
}

/* Record a latency sample. */
static void
note_latency(FxLane *lane, double ms)
{
	lane->lat_ms[lane->nlat % LAT_SAMPLES] = ms;
	lane->nlat++;
}

/* Grow the limit by step, below a known ceiling until it is probed. */
static void
grow(FxLane *lane, double step)
{
	double		cap = (double) lane->max_limit;

	if (lane->ceiling > 0 && lane->ok_since_overload < PROBE_SUCCESSES)
		cap = Min(cap, Max(1.0, (double) lane->ceiling - 1.0));
	else if (lane->ceiling > 0 && lane->limit >= lane->ceiling)
		lane->ceiling = 0;		/* probed past it without a 429 */
	if (lane->limit < cap)
		lane->limit = Min(lane->limit + step, cap);
}

/* Success: grow the limit, or shrink it when latency per unit says queueing. */
static void
adapt_on_success(FxLane *lane, FxCall *call)
{
	double		ms = (double) (call->req.finished_ms - call->req.started_ms);
	double		per_unit = Max(ms, 1.0) / Max(call->units, 1.0);
	double		ratio;
	bool		circuit_was_open = lane->consecutive_failures >= FX_FAIL_CIRCUIT_FAILURES;

	note_latency(lane, ms);
	lane->n_ok++;
	lane->ok_since_overload++;
	lane->consecutive_failures = 0;
	lane->circuit_backoff_ms = 0;
	lane->retry_tokens = Min(lane->retry_tokens + FX_FAIL_RETRY_REFILL,
							 FX_FAIL_RETRY_BUDGET);
	if (lane->min_unit_ms <= 0 || per_unit < lane->min_unit_ms)
		lane->min_unit_ms = per_unit;
	else
		lane->min_unit_ms *= 1.001;	/* forget slowly: the best may pass */
	if (lane->fixed_limit > 0)
		return;
	if (circuit_was_open && lane->good_limit > lane->limit)
	{
		/* recovered: slow start back to where the lane was */
		lane->ssthresh = lane->good_limit;
		lane->good_limit = 0;
	}
	/*
	 * One slow answer proves nothing (the worker's own loop, a busy CPU):
	 * the control follows the smoothed ratio, which queueing at the server
	 * raises answer after answer.  Only a call sent while the lane used
	 * more than half its limit can show that the limit is too high: slow
	 * answers to a lane far below its limit come from elsewhere (a busy
	 * database server, a slow network), and lowering the limit would not
	 * make them faster, only make the lane sequential.
	 */
	ratio = per_unit / lane->min_unit_ms;
	lane->ratio_avg = lane->ratio_avg > 0 ?
		(1.0 - RATIO_WEIGHT) * lane->ratio_avg + RATIO_WEIGHT * ratio : ratio;
	ratio = lane->ratio_avg;
	if (ratio > VEGAS_SHRINK && call->sent_epoch == lane->epoch &&
		call->sent_inflight * 2 > (int) lane->limit)
	{
		/* queueing at the server: come down towards the uncongested limit */
		lane->limit = Max(1.0, Min(lane->limit - 1.0,
								   lane->limit * VEGAS_GROW / ratio));
		lane->ssthresh = lane->limit;
		lane->epoch++;
		lane->ratio_avg = VEGAS_GROW;	/* the next decrease needs new evidence */
		return;
	}
	if (ratio >= VEGAS_GROW)
	{
		/* some queueing: hold, and leave slow start */
		lane->ssthresh = Min(lane->ssthresh, lane->limit);
		return;
	}
	/* grow only while the limit is what holds calls back */
	if (lane->inflight + 1 < (int) lane->limit && lane->nqueued == 0)
		return;
	if (lane->limit < lane->ssthresh)
		grow(lane, 2.0);		/* slow start: x3 per round trip */
	else
		grow(lane, sqrt(lane->limit) / lane->limit);	/* +sqrt(limit) per
														 * round trip */
}

/* Overload (429/503): back off once per window, to the calls in flight. */
static void
adapt_on_overload(FxLane *lane, FxCall *call)
{
	lane->n_429++;
	if (lane->fixed_limit > 0)
		return;
	if (lane->consecutive_failures == 0 && lane->good_limit < lane->limit)
		lane->good_limit = lane->limit;
	if (call->sent_epoch != lane->epoch)
		return;					/* sent before the last decrease */
	if (lane->ok_since_overload < REPEAT_WINDOW && lane->ceiling > 0)
		lane->limit = Max(1.0, lane->limit / 2.0);	/* again: a rate limit */
	else
		lane->limit = Max(1.0, Min(lane->limit,
								   (double) call->sent_inflight - 1.0));
	/* alone in flight, a 429 says nothing of concurrency (a rate limit) */
	if (call->sent_inflight >= 2)
		lane->ceiling = call->sent_inflight;
	lane->ssthresh = lane->limit;
	lane->ok_since_overload = 0;
	lane->epoch++;
}

/* Resume a paused lane. */
static void
unpause(void *arg)
{
	FxLane	   *lane = arg;

	lane->pause_timer = 0;
	pump(lane);
}

/* Send nothing on the lane for ms milliseconds. */
static void
pause_lane(FxLane *lane, double ms)
{
	int64		until = fx_now_ms() + (int64) ms;

	if (until <= lane->paused_until)
		return;
	lane->paused_until = until;
	if (lane->pause_timer)
		fx_loop_cancel_timer(lane_loop, lane->pause_timer);
	lane->pause_timer = fx_loop_timer(lane_loop, (int64) ms, unpause, lane);
}

/* A paid call's transfer ended (answered, failed or dropped). */
static void
paid_answered(FxCall *call)
{
	if (!call->paid_inflight)
		return;
	call->paid_inflight = false;
	paid_inflight--;
}

/*
 * The worker is stopping: start no attempt any more (queued calls, retries
 * and polls stay where they are), let the transfers in flight end.
 */
void
fx_lanes_drain(void)
{
	draining = true;
}

/* Paid calls whose transfer runs: their answers are worth waiting for. */
int
fx_lanes_paid_inflight(void)
{
	return paid_inflight;
}

/* Start one attempt of a call. */
static void
start_attempt(FxLane *lane, FxCall *call)
{
	call->attempt++;
	call->running = true;
	call->req.done = on_http_done;
	call->req.arg = call;
	lane->inflight++;
	if (call->paid)
	{
		call->paid_inflight = true;
		paid_inflight++;
	}
	call->sent_inflight = lane->inflight;
	call->sent_epoch = lane->epoch;
	fx_http_start(&call->req);
}

/*
 * The queued call to start next, jobs in turn: the oldest call of the job
 * after the last one served (by job id, cycling), so that a job with many
 * calls queued never holds back a job submitted after it for more than
 * one call per job ahead of it.  Within a job, calls go in queue order.
 */
static FxCall *
next_call(FxLane *lane)
{
	dlist_iter	it;
	FxCall	   *after = NULL,
			   *first = NULL;

	dlist_foreach(it, &lane->queue)
	{
		FxCall	   *c = dlist_container(FxCall, node, it.cur);

		if (c->job_id > lane->last_job && (after == NULL || c->job_id < after->job_id))
			after = c;
		if (first == NULL || c->job_id < first->job_id)
			first = c;
	}
	return after ? after : first;
}

/* The rate buckets allow the queue's head now: try again. */
static void
rate_wakeup(void *arg)
{
	FxLane	   *lane = arg;

	lane->rate_timer = 0;
	pump(lane);
}

/*
 * May the call go as far as the rate limits are concerned?  If so it is
 * charged; if not, a timer wakes the lane when it may.
 */
static bool
rate_admits(FxLane *lane, FxCall *call)
{
	double		wait;

	if (lane->rate == NULL)
		return true;
	wait = fx_rate_wait_ms(lane->rate, call->tokens);
	if (wait <= 0)
	{
		fx_rate_take(lane->rate, call->tokens, call->sent_seq);
		lane->rate_wait_until = 0;
		return true;
	}
	if (!call->rate_waited)
		lane->n_rate_waits++;
	call->rate_waited = true;
	lane->rate_wait_until = fx_now_ms() + (int64) ceil(wait);
	if (lane->rate_timer)
		fx_loop_cancel_timer(lane_loop, lane->rate_timer);
	lane->rate_timer = fx_loop_timer(lane_loop, (int64) ceil(wait), rate_wakeup, lane);
	return false;
}

/* Start queued calls while the lane has room. */
static void
pump(FxLane *lane)
{
	if (draining || fx_now_ms() < lane->paused_until)
		return;
	while (lane->nqueued > 0 && lane->inflight < fx_lane_limit(lane))
	{
		FxCall	   *call;

		/* an open circuit lets one probe at a time through */
		if (lane->consecutive_failures >= FX_FAIL_CIRCUIT_FAILURES &&
			lane->inflight > lane->nholding)
			break;
		call = next_call(lane);
		if (!rate_admits(lane, call))
			break;
		dlist_delete(&call->node);
		lane->last_job = call->job_id;
		lane->nqueued--;
		call->queued = false;
		start_attempt(lane, call);
	}
}

/* Put a call back in the queue after its backoff. */
static void
requeue(void *arg)
{
	FxCall	   *call = arg;
	FxLane	   *lane = call->lane;

	call->retry_timer = 0;
	call->queued = true;
	call->queued_at = GetCurrentTimestamp();
	dlist_push_head(&lane->queue, &call->node);
	lane->nqueued++;
	pump(lane);
}

/* Finish a call, successfully or not. */
static void
finish(FxCall *call)
{
	call->running = false;
	call->done(call);
}

/*
 * Run the failure policy's verdict on a failed attempt of kind: send the
 * call again after its backoff, or end it failed.
 */
static void
retry_or_fail(FxCall *call, FxFailKind kind, const FxCallVerdict *v)
{
	FxLane	   *lane = call->lane;

	call->kind = kind;
	if (!v->retry)
	{
		lane->n_failed++;
		if (v->budget_exhausted)
			set_error(call, psprintf("%s (retry budget of the %s lane exhausted)",
									 call->error, lane->provider));
		finish(call);
		return;
	}
	if (v->spend_budget)
		lane->retry_tokens -= 1.0;
	lane->n_retries++;
	call->running = false;
	call->retry_timer = fx_loop_timer(lane_loop, (int64) v->wait_ms, requeue, call);
}

/* The failure policy's verdict on the call's last attempt. */
static FxCallVerdict
verdict(FxCall *call, FxFailKind kind, double retry_after_s)
{
	return fx_fail_call_verdict(kind, call->attempt, call->max_attempts,
								call->lane->retry_tokens, retry_after_s,
								pg_prng_double(&pg_global_prng_state));
}

/* Describe a failed attempt and say what kind of failure it is. */
static char *
describe_failure(FxCall *call, FxFailKind *kind)
{
	FxHttpRequest *q = &call->req;
	char	   *msg = NULL;
	char	   *s;
	const char *note;

	if (q->curl_code != 0)
	{
		*kind = FX_FAIL_TRANSIENT;
		return psprintf("%s: %s", q->url, q->error);
	}
	*kind = call->classify ? call->classify(q, &msg) : fx_fail_of_status(q->status);
	note = fx_fail_note(*kind);
	s = psprintf("HTTP %ld%s%s%s%s%s", q->status, msg ? ": " : "", msg ? msg : "",
				 note ? " (" : "", note ? note : "", note ? ")" : "");
	free(msg);
	return s;
}

/*
 * React to a failed attempt's headers: a 429 that the server's rate
 * buckets explain pauses the lane for Retry-After and is not held against
 * the lane's capacity or its circuit (returns true); another overload that
 * the verdict pauses the lane for lowers the in-flight limit.
 */
static bool
note_failure(FxLane *lane, FxCall *call, const FxCallVerdict *v)
{
	FxHttpRequest *req = &call->req;
	bool		short_of = lane->rate &&
		fx_rate_observe(lane->rate, req, call->sent_seq, call->tokens);

	if (!v->pause_lane)
		return false;
	if (short_of && req->status == 429)
	{
		lane->n_429++;
		pause_lane(lane, v->pause_ms);
		return true;
	}
	adapt_on_overload(lane, call);
	pause_lane(lane, v->pause_ms);
	return false;
}

/* A transfer of a call ended. */
static void
on_http_done(FxHttpRequest *req)
{
	FxCall	   *call = req->arg;
	FxLane	   *lane = call->lane;
	MemoryContext old = MemoryContextSwitchTo(lane_cxt);
	FxFailKind	kind;
	FxCallVerdict v;

	paid_answered(call);
	set_error(call, NULL);
	if (req->curl_code == 0 && req->status >= 200 && req->status < 300)
	{
		call->ok = true;
		if (lane->rate)
			(void) fx_rate_observe(lane->rate, req, call->sent_seq, call->tokens);
		if (call->hold_slot)
		{
			call->holding = true;
			lane->nholding++;
		}
		else
		{
			lane->inflight--;
			adapt_on_success(lane, call);
		}
		fx_lane_trace_attempt(call);
		MemoryContextSwitchTo(old);
		finish(call);
		pump(lane);
		return;
	}
	lane->inflight--;
	call->ok = false;
	set_error(call, describe_failure(call, &kind));
	v = verdict(call, kind, req->retry_after_s);
	fx_lane_trace_attempt(call);
	if (!note_failure(lane, call, &v) &&
		++lane->consecutive_failures >= FX_FAIL_CIRCUIT_FAILURES && v.may_open_circuit)
	{
		lane->circuit_backoff_ms = fx_fail_circuit_pause_ms(lane->circuit_backoff_ms);
		pause_lane(lane, lane->circuit_backoff_ms);
	}
	retry_or_fail(call, kind, &v);
	MemoryContextSwitchTo(old);
	pump(lane);
}

/* The owner found a 2xx answer unusable (e.g. truncated JSON): retry it. */
void
fx_lane_retry(FxCall *call, const char *why)
{
	MemoryContext old = MemoryContextSwitchTo(lane_cxt);
	FxCallVerdict v;

	call->ok = false;
	set_error(call, pstrdup(why));
	fx_lane_trace_attempt(call);
	if (call->holding)
	{
		/* the answer was unusable: nothing runs at the server */
		call->holding = false;
		call->lane->nholding--;
		call->lane->inflight--;
	}
	v = verdict(call, FX_FAIL_TRANSIENT, -1);
	retry_or_fail(call, FX_FAIL_TRANSIENT, &v);
	MemoryContextSwitchTo(old);
}

/*
 * A call's answer reported the tokens it really counts for: correct the
 * charge made when it was sent.
 */
void
fx_lane_correct_tokens(FxCall *call, double actual)
{
	if (call->lane == NULL || call->lane->rate == NULL || call->tokens <= 0)
		return;
	fx_rate_correct_tokens(call->lane->rate, actual - call->tokens);
	call->tokens = actual;
}

/* Forget a call: it is removed from the queue or its transfer dropped. */
void
fx_lane_cancel(FxCall *call)
{
	FxLane	   *lane = call->lane;

	if (lane == NULL)
		return;
	if (call->queued)
	{
		dlist_delete(&call->node);
		lane->nqueued--;
		call->queued = false;
	}
	if (call->retry_timer)
		fx_loop_cancel_timer(lane_loop, call->retry_timer);
	call->retry_timer = 0;
	paid_answered(call);
	if (call->running && call->req.active)
	{
		fx_http_cancel(&call->req);
		lane->inflight--;
	}
	if (call->holding)
	{
		call->holding = false;
		lane->nholding--;
		lane->inflight--;
	}
	call->running = false;
	fx_lane_call_free(call);
	pump(lane);
}

/*
 * The server finished the work of a held call (or it failed there): free
 * its slot; a success feeds the limit with the work's whole duration.
 */
void
fx_lane_release(FxCall *call, bool ok, double units, int64 elapsed_ms)
{
	FxLane	   *lane = call->lane;

	if (lane == NULL || !call->holding)
		return;
	call->holding = false;
	lane->nholding--;
	lane->inflight--;
	if (ok)
	{
		call->units = units;
		call->req.started_ms = call->req.finished_ms - elapsed_ms;
		adapt_on_success(lane, call);
	}
	else
		lane->n_failed++;
	pump(lane);
}

/* Number of lanes. */
int
fx_lanes_count(void)
{
	dlist_iter	it;
	int			n = 0;

	dlist_foreach(it, &fx_lane_list)
		n++;
	return n;
}

/* Does the lane of provider x key x model exist? */
bool
fx_lane_exists(const char *provider, const char *key, const char *model)
{
	char		name[160];
	dlist_iter	it;

	snprintf(name, sizeof(name), "%s/%s/%08x", provider, model ? model : "",
			 hash_bytes((const unsigned char *) key, strlen(key)));
	dlist_foreach(it, &fx_lane_list)
	{
		if (strcmp(dlist_container(FxLane, node, it.cur)->name, name) == 0)
			return true;
	}
	return false;
}

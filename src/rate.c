/*-------------------------------------------------------------------------
 *
 * rate.c
 *	  Token buckets for the rate limits of one provider x key (x model):
 *	  requests per minute and, for an LLM, tokens per minute.
 *
 * This file owns the rate groups (one per provider x key x model, shared by
 * the lanes that spend the same server budget, e.g. LLMWhisperer's submits
 * and polls) and two pairs of buckets in each:
 *
 *	- the settings' buckets (finextract.*_requests_per_minute and
 *	  llm_tokens_per_minute): they refill at the configured rate and hold one
 *	  second's worth, so calls are paced evenly and never burst past a server
 *	  whose bucket refills at the same rate.  A call dearer than the bucket
 *	  holds waits for a full bucket and leaves it in debt.
 *	- the view of the server's buckets from its x-ratelimit-{limit,remaining,
 *	  reset}-{requests,tokens} headers: the level is what the server said
 *	  remains, less what was sent after the call that carried the headers;
 *	  the refill rate is deduced from (limit - remaining) / reset, narrowed
 *	  over successive answers (reset is the time until the bucket is full
 *	  again, so this needs no assumption about the window's length).
 *
 * A call may go when every bucket that applies can pay for it; otherwise
 * fx_rate_wait_ms says for how long to wait (the lane sets a timer).  A
 * call's token cost is estimated before it is sent and corrected when its
 * answer reports the usage.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "lib/ilist.h"
#include "utils/memutils.h"

#include "loop.h"
#include "rate.h"

/* a token bucket: level refills at per_ms up to capacity */
typedef struct FxBucket
{
	double		per_ms;			/* 0 = no limit (or nothing known) */
	double		capacity;
	double		level;
	int64		stamp_ms;
} FxBucket;

struct FxRate
{
	dlist_node	node;
	char		name[160];
	FxBucket	set[FX_RL_DIMS];	/* from the settings */
	FxBucket	srv[FX_RL_DIMS];	/* the server's, from its headers */
	double		srv_lo[FX_RL_DIMS]; /* bounds of the server's refill per ms */
	double		srv_hi[FX_RL_DIMS];
	double		sent[FX_RL_DIMS];	/* requests and tokens charged so far */
};

static dlist_head rates = DLIST_STATIC_INIT(rates);

/* The rate group called name, created (unlimited) on first use. */
FxRate *
fx_rate_get(const char *name)
{
	dlist_iter	it;
	FxRate	   *r;

	dlist_foreach(it, &rates)
	{
		r = dlist_container(FxRate, node, it.cur);
		if (strcmp(r->name, name) == 0)
			return r;
	}
	r = MemoryContextAllocZero(TopMemoryContext, sizeof(FxRate));
	strlcpy(r->name, name, sizeof(r->name));
	dlist_push_tail(&rates, &r->node);
	return r;
}

/* Bring a bucket's level up to now. */
static void
bucket_refill(FxBucket *b, int64 now)
{
	if (b->per_ms > 0 && now > b->stamp_ms)
		b->level = Min(b->capacity, b->level + (double) (now - b->stamp_ms) * b->per_ms);
	b->stamp_ms = now;
}

/* Milliseconds until the bucket can pay cost (at most its capacity). */
static double
bucket_wait_ms(FxBucket *b, double cost, int64 now)
{
	double		need;

	if (b->per_ms <= 0 || cost <= 0)
		return 0;
	bucket_refill(b, now);
	need = Min(cost, b->capacity);
	if (b->level >= need)
		return 0;
	return (need - b->level) / b->per_ms;
}

/* Set a settings bucket to per_minute; it holds one second's worth. */
static void
bucket_configure(FxBucket *b, int per_minute, int64 now)
{
	double		per_ms = (double) per_minute / 60000.0;
	double		capacity = Max(1.0, (double) per_minute / 60.0);

	if (per_ms == b->per_ms)
		return;
	bucket_refill(b, now);
	if (b->per_ms <= 0)
		b->level = capacity;	/* newly limited: start full */
	b->per_ms = per_ms;
	b->capacity = capacity;
	b->level = Min(b->level, capacity);
}

/* Apply the settings (0 = no limit). */
void
fx_rate_configure(FxRate *r, int requests_per_minute, int tokens_per_minute)
{
	int64		now = fx_now_ms();

	bucket_configure(&r->set[FX_RL_REQUESTS], requests_per_minute, now);
	bucket_configure(&r->set[FX_RL_TOKENS], tokens_per_minute, now);
}

/* Milliseconds until a call of that many tokens may be sent; 0 = now. */
double
fx_rate_wait_ms(FxRate *r, double tokens)
{
	int64		now = fx_now_ms();
	double		wait = 0;

	for (int d = 0; d < FX_RL_DIMS; d++)
	{
		double		cost = d == FX_RL_REQUESTS ? 1.0 : tokens;

		wait = Max(wait, bucket_wait_ms(&r->set[d], cost, now));
		wait = Max(wait, bucket_wait_ms(&r->srv[d], cost, now));
	}
	return wait;
}

/* Charge a call that is being sent; seq receives the charges so far. */
void
fx_rate_take(FxRate *r, double tokens, double *seq)
{
	for (int d = 0; d < FX_RL_DIMS; d++)
	{
		double		cost = d == FX_RL_REQUESTS ? 1.0 : tokens;

		if (r->set[d].per_ms > 0)
			r->set[d].level -= cost;
		if (r->srv[d].per_ms > 0)
			r->srv[d].level -= cost;
		r->sent[d] += cost;
		seq[d] = r->sent[d];
	}
}

/*
 * Narrow the bounds of the server's refill rate with one answer: it needs
 * (limit - remaining) / reset per second to be full again; remaining is
 * rounded down, so the deficit lies in (limit - remaining - 1, limit -
 * remaining].  Bounds that contradict the last ones mean the limit changed.
 */
static void
learn_refill(FxRate *r, int d, double limit, double remaining, double reset_s)
{
	double		lo,
				hi;

	if (reset_s <= 0 || limit - remaining < 1)
		return;
	lo = Max(0.0, limit - remaining - 1) / (reset_s * 1000.0) * 0.98;
	hi = (limit - remaining) / (reset_s * 1000.0) * 1.02;
	if (r->srv_hi[d] <= 0 || lo > r->srv_hi[d] || hi < r->srv_lo[d])
	{
		r->srv_lo[d] = lo;
		r->srv_hi[d] = hi;
	}
	else
	{
		r->srv_lo[d] = Max(r->srv_lo[d], lo);
		r->srv_hi[d] = Min(r->srv_hi[d], hi);
	}
}

/*
 * Correct the view of the server's buckets from an answer's x-ratelimit-*
 * headers; seq are the charges up to the call that got it.  Returns true
 * when a server bucket cannot pay for a call like it now (the answer, if a
 * 429, was a rate limit rather than a lack of capacity).
 */
bool
fx_rate_observe(FxRate *r, const FxHttpRequest *req, const double *seq,
				double tokens)
{
	int64		now = fx_now_ms();
	bool		short_of = false;

	for (int d = 0; d < FX_RL_DIMS; d++)
	{
		FxBucket   *b = &r->srv[d];
		double		limit = req->rl_limit[d],
					remaining = req->rl_remaining[d];
		double		cost = d == FX_RL_REQUESTS ? 1.0 : tokens;

		if (limit <= 0 || remaining < 0)
			continue;
		if (b->capacity != limit)
			r->srv_lo[d] = r->srv_hi[d] = 0;
		learn_refill(r, d, limit, remaining, req->rl_reset_s[d]);
		b->capacity = limit;
		if (r->srv_hi[d] > 0)
			b->per_ms = (r->srv_lo[d] + r->srv_hi[d]) / 2.0;
		else
			b->per_ms = limit / 60000.0;	/* nothing learnt yet: a minute */
		/* what the server had left, less what was sent after this call */
		b->level = Min(limit, remaining - (r->sent[d] - seq[d]));
		b->stamp_ms = now;
		if (cost > 0 && b->level < Min(cost, limit))
			short_of = true;
	}
	return short_of;
}

/* A call's tokens turned out delta more (or less) than charged. */
void
fx_rate_correct_tokens(FxRate *r, double delta)
{
	if (r->set[FX_RL_TOKENS].per_ms > 0)
		r->set[FX_RL_TOKENS].level -= delta;
	if (r->srv[FX_RL_TOKENS].per_ms > 0)
		r->srv[FX_RL_TOKENS].level -= delta;
	r->sent[FX_RL_TOKENS] += delta;
}

/* The limit per minute that binds (settings or server), or 0 for none. */
static double
per_minute(FxRate *r, int d)
{
	double		a = r->set[d].per_ms,
				b = r->srv[d].per_ms;

	if (a > 0 && b > 0)
		return Min(a, b) * 60000.0;
	return Max(a, b) * 60000.0;
}

/* What may be spent now (the least of the buckets that apply). */
static double
available(FxRate *r, int d)
{
	int64		now = fx_now_ms();
	double		v = -1;

	for (int i = 0; i < 2; i++)
	{
		FxBucket   *b = i == 0 ? &r->set[d] : &r->srv[d];

		if (b->per_ms <= 0)
			continue;
		bucket_refill(b, now);
		v = v < 0 ? b->level : Min(v, b->level);
	}
	return v;
}

/* Append the buckets' state as JSON members (null when unlimited). */
void
fx_rate_stats_json(FxRate *r, StringInfo b)
{
	static const char *const names[FX_RL_DIMS] = {"requests", "tokens"};

	for (int d = 0; d < FX_RL_DIMS; d++)
	{
		double		pm = r ? per_minute(r, d) : 0;

		if (pm <= 0)
			appendStringInfo(b, ",\"%s_per_minute\":null,\"%s_left\":null",
							 names[d], names[d]);
		else
			appendStringInfo(b, ",\"%s_per_minute\":%.1f,\"%s_left\":%.1f",
							 names[d], pm, names[d], floor(available(r, d)));
	}
}

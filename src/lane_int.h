/*-------------------------------------------------------------------------
 *
 * lane_int.h
 *	  A lane's state, shared by lane.c (admission, adaptation, retries) and
 *	  lane_stats.c (the request trace and finx.provider_stats); nothing
 *	  else sees inside a lane.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FX_LANE_INT_H
#define FX_LANE_INT_H

#include "postgres.h"

#include "lib/ilist.h"

#include "lane.h"
#include "rate.h"

#define LAT_SAMPLES 256

struct FxLane
{
	dlist_node	node;
	char		name[160];		/* provider/model/key hash */
	char		provider[32];
	int			fixed_limit;	/* > 0: no adaptation */
	int			max_limit;
	double		limit;
	double		ssthresh;
	int			inflight;		/* running calls and held slots */
	int			nholding;		/* held slots (work running at the server) */
	dlist_head	queue;
	int			nqueued;
	int64		paused_until;	/* fx_now_ms() */
	FxTimerId	pause_timer;
	double		min_unit_ms;	/* least latency per unit seen */
	double		ratio_avg;		/* smoothed latency per unit / least */
	int			consecutive_failures;
	double		circuit_backoff_ms;
	double		retry_tokens;
	int64		epoch;			/* decreases so far (one per window) */
	int			ceiling;		/* in flight at the last 429/503, 0 = none */
	int64		ok_since_overload;
	double		good_limit;		/* limit before the circuit opened */
	FxRate	   *rate;			/* rate limits, NULL = none */
	FxTimerId	rate_timer;		/* wakes the lane when the buckets allow */
	int64		rate_wait_until;	/* fx_now_ms() the queue's head may go */
	/* statistics */
	int64		last_job;		/* job of the last call started (round robin) */
	int64		n_ok;
	int64		n_failed;
	int64		n_429;
	int64		n_retries;
	int64		n_rate_waits;	/* calls that waited for a rate bucket */
	double		lat_ms[LAT_SAMPLES];
	int			nlat;
};

extern dlist_head fx_lane_list;
extern int	fx_lane_limit(FxLane *lane);

/* lane_stats.c */
extern void fx_lane_trace_init(void);
extern void fx_lane_trace_attempt(FxCall *call);

#endif							/* FX_LANE_INT_H */

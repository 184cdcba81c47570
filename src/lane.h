/*-------------------------------------------------------------------------
 *
 * lane.h
 *	  Per-provider admission of remote calls: in-flight limit, rate limits
 *	  (through src/rate.c), pauses, retries and the circuit as the failure
 *	  policy (src/failure.c) decides them; statistics and the request trace
 *	  are in src/lane_stats.c.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FX_LANE_H
#define FX_LANE_H

#include "postgres.h"

#include "lib/ilist.h"
#include "nodes/pg_list.h"
#include "utils/timestamp.h"

#include "failure.h"
#include "http.h"

typedef struct FxLane FxLane;
typedef struct FxCall FxCall;
typedef void (*FxCallDone) (FxCall *call);

/*
 * Classify a failed answer (an HTTP status outside 2xx) of one provider;
 * *message gets a short text from its error body (malloc'd) or NULL.
 */
typedef FxFailKind (*FxClassify) (const FxHttpRequest *req, char **message);

struct FxCall
{
	/* set by the owner; req's method, url, headers, body and limits too */
	FxHttpRequest req;
	int			max_attempts;
	double		units;			/* work in this call (pages, 1k tokens) */
	double		tokens;			/* estimated tokens of one attempt, for the
								 * lane's token rate (0 = none) */
	int64		job_id;
	int			statement;		/* statement number, 0 = none */
	const char *endpoint;		/* for the trace: "whisper", "chat", ... */
	FxClassify	classify;		/* the provider's reading of a failure;
								 * NULL = by status alone */
	bool		hold_slot;		/* on success keep the lane slot until
								 * fx_lane_release (work still running at the
								 * server, e.g. a whisper being processed) */
	bool		paid;			/* losing its answer costs a paid request or
								 * the work (a whisper submit, a one-shot
								 * retrieve): a graceful stop waits for it */
	FxCallDone	done;
	void	   *arg;

	/* outcome, when done runs */
	bool		ok;				/* a 2xx answer is in req */
	FxFailKind	kind;			/* of the failure that ended it (failure.h
								 * says what it does to the job) */
	char	   *error;			/* why it failed (palloc'd in the lane's context) */
	int			attempt;

	/* private */
	dlist_node	node;
	FxLane	   *lane;
	FxTimerId	retry_timer;
	TimestampTz queued_at;
	int			sent_inflight;	/* calls in flight when sent, itself included */
	int64		sent_epoch;		/* lane's decrease count when sent */
	bool		queued;
	bool		running;
	bool		holding;		/* owns a slot after a held success */
	bool		paid_inflight;	/* counted in the paid requests in flight */
	bool		rate_waited;	/* waited for a rate bucket (counted once) */
	double		sent_seq[FX_RL_DIMS];	/* rate charges up to this call's */
};

extern void fx_lanes_init(FxLoop *loop);
extern void fx_lane_call_free(FxCall *call);
extern FxLane *fx_lane_get(const char *provider, const char *key, const char *model,
						   int fixed_limit, int max_limit);
extern void fx_lane_set_rate(FxLane *lane, const char *group, const char *key,
							 const char *model, int requests_per_minute,
							 int tokens_per_minute);
extern void fx_lane_submit(FxLane *lane, FxCall *call);
extern void fx_lane_correct_tokens(FxCall *call, double actual);
extern void fx_lane_retry(FxCall *call, const char *why);
extern void fx_lane_cancel(FxCall *call);
extern void fx_lane_release(FxCall *call, bool ok, double units, int64 elapsed_ms);
extern void fx_lane_flush_trace(void (*store) (List *rows));
extern FxLoop *fx_lane_loop(void);
extern char *fx_lanes_stats_json(size_t max_len);
extern int	fx_lanes_count(void);
extern void fx_lanes_drain(void);
extern int	fx_lanes_paid_inflight(void);
extern bool fx_lane_exists(const char *provider, const char *key, const char *model);

/* one row of the request trace */
typedef struct FxTraceRow
{
	int64		job_id;
	int			statement;
	char	   *provider;
	char	   *endpoint;
	int			attempt;
	TimestampTz queued_at;
	TimestampTz started_at;
	TimestampTz finished_at;
	int			status;
	int64		bytes_out;
	int64		bytes_in;
	char	   *error;
	char	   *request_id;
} FxTraceRow;

#endif							/* FX_LANE_H */

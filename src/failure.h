/*-------------------------------------------------------------------------
 *
 * failure.h
 *	  The one failure policy.  Every failure site (a remote call's answer,
 *	  a provider's error body, a pdftotext or OCR child, the steps of a job)
 *	  says only what KIND of failure it met; this module alone decides what
 *	  each kind does: whether the call is sent again and after which
 *	  backoff, whether the lane pauses, how many attempts a call gets, and
 *	  whether the job is queued again later (after which backoff) or fails.
 *
 * Plain C without server headers (like the parser), so that
 * test/unit/test_failure.c checks the whole policy without a server.  The
 * callers supply the random draws (pg_prng in the worker) and run what the
 * verdicts say: lane.c the call's retries and pauses, pipeline.c the job's.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FX_FAILURE_H
#define FX_FAILURE_H

#include <stdbool.h>

/*
 * What a failure is; the failure site decides this and nothing more.  Zero
 * (a zeroed struct) is terminal: nothing is retried unless a site says so.
 */
typedef enum FxFailKind
{
	FX_FAIL_TERMINAL = 0,		/* never passes (other 4xx, a damaged PDF,
								 * no statements): no retry */
	FX_FAIL_TRANSIENT,			/* may pass on a retry (5xx, 408, 409, a
								 * timeout, a crashed child, ...) */
	FX_FAIL_OVERLOAD,			/* the server says "slow down" (429, 503,
								 * 529): pause, lower the limit, retry */
	FX_FAIL_QUOTA				/* the account is out of quota: no retry */
} FxFailKind;

/* a lane's circuit opens after this many failures in a row */
#define FX_FAIL_CIRCUIT_FAILURES 5
/* a lane's retry budget (retries of non-overload failures): its size, and
 * what each success gives back */
#define FX_FAIL_RETRY_BUDGET 10.0
#define FX_FAIL_RETRY_REFILL 0.1

/* what the lane does with one failed attempt of a call */
typedef struct FxCallVerdict
{
	bool		retry;			/* send the call again after wait_ms */
	double		wait_ms;
	bool		spend_budget;	/* that retry costs one token of the budget */
	bool		pause_lane;		/* overload: pause the lane for pause_ms and
								 * lower its limit */
	double		pause_ms;
	bool		may_open_circuit;	/* a run of these pauses the lane */
	bool		budget_exhausted;	/* gave up for want of budget, not of
									 * attempts */
} FxCallVerdict;

/* what becomes of a job whose attempt failed */
typedef struct FxJobVerdict
{
	bool		retry;			/* queued again after backoff_s */
	double		backoff_s;
} FxJobVerdict;

/* finextract.request_attempts (defined with the other settings) */
extern int	finx_request_attempts;

extern const char *fx_fail_kind_name(FxFailKind kind);
extern FxFailKind fx_fail_of_status(long status);
extern FxFailKind fx_fail_of_child(bool spawn_failed, bool spawn_missing,
								   bool capped, bool timed_out, bool signaled);
extern FxFailKind fx_fail_merge(FxFailKind a, FxFailKind b);
extern bool fx_fail_retries_job(FxFailKind kind);
extern const char *fx_fail_note(FxFailKind kind);

extern int	fx_fail_call_attempts(bool one_shot);
extern double fx_fail_call_backoff_ms(int attempt, double rand01);
extern FxCallVerdict fx_fail_call_verdict(FxFailKind kind, int attempt,
										  int max_attempts, double retry_tokens,
										  double retry_after_s, double rand01);
extern double fx_fail_circuit_pause_ms(double previous_ms);

extern double fx_fail_job_backoff_s(int attempt, double rand01);
extern FxJobVerdict fx_fail_job_verdict(FxFailKind kind, int attempt,
										int max_attempts, double rand01);

#endif							/* FX_FAILURE_H */

/*-------------------------------------------------------------------------
 *
 * failure.c
 *	  The one failure policy: what each kind of failure does to a remote
 *	  call, its lane and its job, with every backoff and attempt limit.
 *
 * A failed attempt of a remote call:
 *   transient	sent again after a full-jitter exponential backoff
 *				(500 ms x 2^attempt, at most 30 s, and never before
 *				Retry-After) up to the call's attempts
 *				(finextract.request_attempts; 1 for a one-shot request),
 *				each retry spending one token of the lane's retry budget
 *				(10, refilled by 0.1 per success), so that an outage does
 *				not multiply the load; a run of them opens the lane's circuit
 *	overload	the lane pauses for Retry-After (1 s without one) and lowers
 *				its limit; the call is sent again like a transient one, but
 *				without spending budget (the pause already keeps it from
 *				adding load)
 *	terminal	never sent again
 *	quota		never sent again; the error says the quota is used up
 * A call that ends failed hands its kind to its job:
 *	transient, overload: the job is queued again after 2^attempt s (at most
 *				5 min, jittered by half) while its attempts
 *				(finx.jobs.max_attempts) last, else it fails
 *	terminal, quota: the job fails at once
 * A child process (pdftotext, OCR) failed: a time limit, a signal, or a
 * fork that failed for want of resources is transient; a missing or
 * forbidden program, an output past the cap, or an exit code (the PDF is
 * what it is) is terminal.
 *
 * The crash budget of a job that crashed the worker itself lives in
 * store.c's recovery (SQL): it is a count kept in the job's row.
 *
 *-------------------------------------------------------------------------
 */
#include <stddef.h>

#include "failure.h"

#define Min(a, b) ((a) < (b) ? (a) : (b))
#define Max(a, b) ((a) > (b) ? (a) : (b))

#define CALL_BACKOFF_BASE_MS 500.0
#define CALL_BACKOFF_CAP_MS 30000.0
#define OVERLOAD_PAUSE_MS 1000.0	/* without Retry-After */
#define CIRCUIT_MIN_MS 1000.0
#define CIRCUIT_MAX_MS 30000.0
#define JOB_BACKOFF_CAP_S 300.0

/* The kind's name, for messages and tests. */
const char *
fx_fail_kind_name(FxFailKind kind)
{
	switch (kind)
	{
		case FX_FAIL_TRANSIENT:
			return "transient";
		case FX_FAIL_OVERLOAD:
			return "overload";
		case FX_FAIL_TERMINAL:
			return "terminal";
		case FX_FAIL_QUOTA:
			return "quota";
	}
	return "unknown";
}

/* What an HTTP status alone says: the default of a call without classify. */
FxFailKind
fx_fail_of_status(long status)
{
	if (status == 429 || status == 503)
		return FX_FAIL_OVERLOAD;
	if (status == 408 || status == 409 || status >= 500)
		return FX_FAIL_TRANSIENT;
	return FX_FAIL_TERMINAL;
}

/* What a failed child process (pdftotext, OCR) says. */
FxFailKind
fx_fail_of_child(bool spawn_failed, bool spawn_missing, bool capped,
				 bool timed_out, bool signaled)
{
	if (spawn_failed)
		return spawn_missing ? FX_FAIL_TERMINAL : FX_FAIL_TRANSIENT;
	if (capped)
		return FX_FAIL_TERMINAL;	/* killed at the output cap: the same next
									 * time */
	if (timed_out || signaled)
		return FX_FAIL_TRANSIENT;
	return FX_FAIL_TERMINAL;	/* a bad PDF: the same next time */
}

/* Does a job that failed with kind get another attempt (attempts left)? */
bool
fx_fail_retries_job(FxFailKind kind)
{
	return kind == FX_FAIL_TRANSIENT || kind == FX_FAIL_OVERLOAD;
}

/*
 * Two failures of one step (OCR of several pages): the step is worth
 * another attempt if either is.
 */
FxFailKind
fx_fail_merge(FxFailKind a, FxFailKind b)
{
	if (fx_fail_retries_job(a))
		return a;
	if (fx_fail_retries_job(b))
		return b;
	return a == FX_FAIL_QUOTA ? a : b;
}

/* What a failure's message adds for its kind, or NULL. */
const char *
fx_fail_note(FxFailKind kind)
{
	if (kind == FX_FAIL_QUOTA)
		return "the account's quota is used up; not retried";
	return NULL;
}

/* Attempts of one remote request: finextract.request_attempts, or 1. */
int
fx_fail_call_attempts(bool one_shot)
{
	return one_shot ? 1 : finx_request_attempts;
}

/* Full-jitter exponential backoff before the next attempt of a call. */
double
fx_fail_call_backoff_ms(int attempt, double rand01)
{
	double		cap = Min(CALL_BACKOFF_CAP_MS,
						  CALL_BACKOFF_BASE_MS * (double) (1 << Min(Max(attempt, 0), 10)));

	return cap * rand01;
}

/*
 * What the lane does with a failed attempt (the attempt-th) of a call whose
 * lane holds retry_tokens of budget; retry_after_s < 0: the server gave no
 * Retry-After.
 */
FxCallVerdict
fx_fail_call_verdict(FxFailKind kind, int attempt, int max_attempts,
					 double retry_tokens, double retry_after_s, double rand01)
{
	FxCallVerdict v = {0};
	bool		overload = kind == FX_FAIL_OVERLOAD;
	double		after_ms = retry_after_s >= 0 ? retry_after_s * 1000.0 : -1.0;

	v.may_open_circuit = kind != FX_FAIL_TERMINAL && kind != FX_FAIL_QUOTA;
	v.pause_lane = overload;
	v.pause_ms = after_ms >= 0 ? after_ms : OVERLOAD_PAUSE_MS;
	if (!fx_fail_retries_job(kind))
		return v;				/* terminal, quota: never again */
	if (attempt >= max_attempts)
		return v;
	if (!overload && retry_tokens < 1.0)
	{
		v.budget_exhausted = true;
		return v;
	}
	v.retry = true;
	v.spend_budget = !overload;
	v.wait_ms = Max(Max(after_ms, 0.0), fx_fail_call_backoff_ms(attempt, rand01));
	return v;
}

/* The next pause of a lane whose circuit opens: doubling, 1 s to 30 s. */
double
fx_fail_circuit_pause_ms(double previous_ms)
{
	return Min(Max(previous_ms * 2, CIRCUIT_MIN_MS), CIRCUIT_MAX_MS);
}

/* Backoff before a job's next attempt: 2^attempt s (at most 5 min), jittered. */
double
fx_fail_job_backoff_s(int attempt, double rand01)
{
	double		base = Min(JOB_BACKOFF_CAP_S, (double) (1 << Min(Max(attempt, 0), 9)));

	return base * (0.5 + 0.5 * rand01);
}

/* What becomes of a job whose attempt-th attempt failed with kind. */
FxJobVerdict
fx_fail_job_verdict(FxFailKind kind, int attempt, int max_attempts, double rand01)
{
	FxJobVerdict v;

	v.retry = fx_fail_retries_job(kind) && attempt < max_attempts;
	v.backoff_s = fx_fail_job_backoff_s(attempt, rand01);
	return v;
}

/*
 * test_failure.c
 *	  Unit tests of src/failure.c, the one failure policy: each kind of
 *	  failure leads to its action (retry the call, pause the lane, retry the
 *	  job later, fail the job), transient failures are retried up to the
 *	  attempt limit and the retry budget, quota failures are terminal and
 *	  say so, and the backoffs stay within their bounds.
 */
#include <stdio.h>
#include <string.h>

#include "failure.h"

int			finx_request_attempts = 5;	/* the setting, as the server has it */

static int	failures = 0;
static int	checks = 0;

/* Count a check; print it when it fails. */
static void
ok(int cond, const char *what)
{
	checks++;
	if (!cond)
	{
		failures++;
		printf("FAIL: %s\n", what);
	}
}

/* Each HTTP status and child outcome is the kind it should be. */
static void
test_kinds(void)
{
	ok(fx_fail_of_status(429) == FX_FAIL_OVERLOAD, "429 is an overload");
	ok(fx_fail_of_status(503) == FX_FAIL_OVERLOAD, "503 is an overload");
	ok(fx_fail_of_status(500) == FX_FAIL_TRANSIENT, "500 is transient");
	ok(fx_fail_of_status(529) == FX_FAIL_TRANSIENT, "529 alone is transient (a provider says overload)");
	ok(fx_fail_of_status(408) == FX_FAIL_TRANSIENT, "408 is transient");
	ok(fx_fail_of_status(409) == FX_FAIL_TRANSIENT, "409 is transient");
	ok(fx_fail_of_status(400) == FX_FAIL_TERMINAL, "400 is terminal");
	ok(fx_fail_of_status(401) == FX_FAIL_TERMINAL, "401 is terminal");
	ok(fx_fail_of_status(404) == FX_FAIL_TERMINAL, "404 is terminal");

	/* spawn_failed, missing, capped, timed_out, signaled */
	ok(fx_fail_of_child(true, true, false, false, false) == FX_FAIL_TERMINAL,
	   "a missing program is terminal");
	ok(fx_fail_of_child(true, false, false, false, false) == FX_FAIL_TRANSIENT,
	   "a fork that failed for resources is transient");
	ok(fx_fail_of_child(false, false, true, false, true) == FX_FAIL_TERMINAL,
	   "output past the cap is terminal, though the child was killed");
	ok(fx_fail_of_child(false, false, false, true, true) == FX_FAIL_TRANSIENT,
	   "a time limit is transient");
	ok(fx_fail_of_child(false, false, false, false, true) == FX_FAIL_TRANSIENT,
	   "a crash (signal) is transient");
	ok(fx_fail_of_child(false, false, false, false, false) == FX_FAIL_TERMINAL,
	   "an exit code (a bad PDF) is terminal");

	ok(fx_fail_merge(FX_FAIL_TERMINAL, FX_FAIL_TRANSIENT) == FX_FAIL_TRANSIENT,
	   "a step with one transient failure may pass next time");
	ok(fx_fail_merge(FX_FAIL_TRANSIENT, FX_FAIL_TERMINAL) == FX_FAIL_TRANSIENT,
	   "... in either order");
	ok(fx_fail_merge(FX_FAIL_TERMINAL, FX_FAIL_TERMINAL) == FX_FAIL_TERMINAL,
	   "terminal and terminal stay terminal");
	ok(FX_FAIL_TERMINAL == 0, "a zeroed kind is terminal");
	ok(strcmp(fx_fail_kind_name(FX_FAIL_QUOTA), "quota") == 0, "kind names");
}

/* What the lane does with one failed attempt of each kind. */
static void
test_call_verdicts(void)
{
	FxCallVerdict v;

	v = fx_fail_call_verdict(FX_FAIL_TRANSIENT, 1, 5, 10.0, -1, 0.5);
	ok(v.retry && v.spend_budget && !v.pause_lane && v.may_open_circuit,
	   "transient: retried, spending budget, no pause");
	ok(v.wait_ms == 500.0, "transient: full-jitter backoff 1000 ms x 0.5 after attempt 1");

	v = fx_fail_call_verdict(FX_FAIL_OVERLOAD, 1, 5, 0.0, -1, 0.5);
	ok(v.retry && !v.spend_budget && v.pause_lane && v.pause_ms == 1000.0,
	   "overload: retried without budget, the lane pauses 1 s without Retry-After");
	v = fx_fail_call_verdict(FX_FAIL_OVERLOAD, 1, 5, 10.0, 7.0, 0.0);
	ok(v.pause_ms == 7000.0 && v.wait_ms == 7000.0,
	   "overload: pause and retry honour Retry-After");

	v = fx_fail_call_verdict(FX_FAIL_TERMINAL, 1, 5, 10.0, -1, 0.5);
	ok(!v.retry && !v.pause_lane && !v.may_open_circuit && !v.budget_exhausted,
	   "terminal: never retried");
	v = fx_fail_call_verdict(FX_FAIL_QUOTA, 1, 5, 10.0, 3.0, 0.5);
	ok(!v.retry && !v.pause_lane && !v.may_open_circuit, "quota: never retried");
	ok(fx_fail_note(FX_FAIL_QUOTA) != NULL && strstr(fx_fail_note(FX_FAIL_QUOTA), "quota"),
	   "quota: the message names the quota");
	ok(fx_fail_note(FX_FAIL_TRANSIENT) == NULL, "transient: no note");

	v = fx_fail_call_verdict(FX_FAIL_TRANSIENT, 2, 5, 0.5, -1, 0.5);
	ok(!v.retry && v.budget_exhausted, "transient: the retry budget stops retries");
}

/* A transient failure repeated: retried until the attempt limit. */
static void
test_attempt_limit(void)
{
	int			max = fx_fail_call_attempts(false);
	int			sent = 0;
	double		budget = FX_FAIL_RETRY_BUDGET;

	ok(max == finx_request_attempts, "a call has finextract.request_attempts attempts");
	ok(fx_fail_call_attempts(true) == 1, "a one-shot request has one");
	for (int attempt = 1;; attempt++)
	{
		FxCallVerdict v = fx_fail_call_verdict(FX_FAIL_TRANSIENT, attempt, max,
											   budget, -1, 0.3);

		sent++;
		if (!v.retry)
		{
			ok(!v.budget_exhausted, "the attempts ran out, not the budget");
			break;
		}
		if (v.spend_budget)
			budget -= 1.0;
	}
	ok(sent == 5, "a transient failure is sent request_attempts times in all");
	ok(budget == FX_FAIL_RETRY_BUDGET - 4, "each retry spent one token");
}

/* What a job whose attempt failed with each kind becomes. */
static void
test_job_verdicts(void)
{
	FxJobVerdict v;

	v = fx_fail_job_verdict(FX_FAIL_TRANSIENT, 1, 3, 0.0);
	ok(v.retry && v.backoff_s == 1.0, "transient: the job is retried after 2 s x [0.5, 1]");
	v = fx_fail_job_verdict(FX_FAIL_OVERLOAD, 2, 3, 1.0);
	ok(v.retry && v.backoff_s == 4.0, "overload: retried after 4 s at most");
	v = fx_fail_job_verdict(FX_FAIL_TRANSIENT, 3, 3, 0.5);
	ok(!v.retry, "transient on the last attempt: the job fails");
	v = fx_fail_job_verdict(FX_FAIL_TERMINAL, 1, 3, 0.5);
	ok(!v.retry, "terminal: the job fails at once");
	v = fx_fail_job_verdict(FX_FAIL_QUOTA, 1, 3, 0.5);
	ok(!v.retry, "quota: the job fails at once");
}

/* Backoffs grow, stay capped and never go negative. */
static void
test_backoffs(void)
{
	ok(fx_fail_call_backoff_ms(1, 1.0) == 1000.0, "call backoff after attempt 1: up to 1 s");
	ok(fx_fail_call_backoff_ms(30, 1.0) == 30000.0, "call backoff capped at 30 s");
	ok(fx_fail_call_backoff_ms(3, 0.0) == 0.0, "full jitter reaches 0");
	ok(fx_fail_job_backoff_s(9, 1.0) == 300.0 && fx_fail_job_backoff_s(20, 1.0) == 300.0,
	   "job backoff capped at 5 min");
	ok(fx_fail_job_backoff_s(0, 0.0) == 0.5, "job backoff before the first retry: 0.5-1 s");
	ok(fx_fail_circuit_pause_ms(0) == 1000.0, "an opening circuit pauses 1 s");
	ok(fx_fail_circuit_pause_ms(1000) == 2000.0, "then doubles");
	ok(fx_fail_circuit_pause_ms(20000) == 30000.0, "up to 30 s");
}

int
main(void)
{
	test_kinds();
	test_call_verdicts();
	test_attempt_limit();
	test_job_verdicts();
	test_backoffs();
	printf("test_failure: %d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}

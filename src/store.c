/*-------------------------------------------------------------------------
 *
 * store.c
 *	  The worker's job lifecycle in SQL: claiming (fair share across roles),
 *	  releasing, recovering, reusing an earlier result, completing and
 *	  failing jobs, cancellation checks, stages and the request trace.
 *
 * Each exported function runs in its own short transaction through
 * fx_spi_xact() (spi_exec.c), which turns an error into a message for the
 * caller instead of killing the worker.  No transaction is held across I/O:
 * the pipeline calls these between waits.  Completions are fenced on (id,
 * attempt, running) and write a job's statements, periods, line items
 * (store_result.c), text cache (store_text.c) and final state in one
 * transaction, so a crash never leaves half a document.  All SQL is
 * parameterised and runs through plans saved at first use.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "finextract.h"
#include "lane.h"
#include "notify.h"
#include "spi_exec.h"
#include "store.h"
#include "store_int.h"

/* lappend with the list allocated in cxt. */
static List *
list_append_in(MemoryContext cxt, List *l, void *p)
{
	MemoryContext old = MemoryContextSwitchTo(cxt);

	l = lappend(l, p);
	MemoryContextSwitchTo(old);
	return l;
}

/*
 * Send the finx_job notification for a job that reached a terminal state
 * (at COMMIT), and wake finx_wait callers then.
 */
static void
notify_job(int64 job_id, const char *state)
{
	fx_spi_wake_waiters_at_commit();
	fx_notify_job(job_id, state);
}

/* Is the extension installed in this database? (own transaction) */
bool
fx_store_extension_exists(void)
{
	bool		exists;

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	exists = OidIsValid(get_extension_oid("finextract", true));
	CommitTransactionCommand();
	return exists;
}

typedef struct RecoverArgs
{
	int64		crashed_job;
	int			requeued;
	int			failed;
} RecoverArgs;

/* Body of fx_store_recover. */
static void
recover_body(void *arg)
{
	RecoverArgs *a = arg;
	Oid			types[1] = {INT8OID};
	Datum		vals[1] = {Int64GetDatum(a->crashed_job)};
	uint64		n;

	/*
	 * The attempt is given back (the claim counted it) unless the job was
	 * being processed in the worker's own process: then it spends one of
	 * its crash budget (max_attempts crashes) and waits a little.
	 */
	n = fx_spi_exec("UPDATE finx.jobs SET "
					"crashes = crashes + (id = $1)::int, "
					"state = CASE WHEN id = $1 AND crashes + 1 >= max_attempts THEN 'failed' ELSE 'queued' END, "
					"attempt = CASE WHEN id = $1 AND crashes + 1 >= max_attempts THEN attempt ELSE attempt - 1 END, "
					"finished_at = CASE WHEN id = $1 AND crashes + 1 >= max_attempts THEN pg_catalog.now() END, "
					"run_after = pg_catalog.now() + CASE WHEN id = $1 THEN pg_catalog.make_interval(secs => 2 ^ crashes) "
					"ELSE interval '0' END, "
					"last_error = CASE WHEN id = $1 THEN pg_catalog.format('the worker stopped abnormally while it "
					"processed this job in its own process (%s of %s such stops allowed)', "
					"crashes + 1, max_attempts) ELSE last_error END "
					"WHERE state = 'running' RETURNING id, state, last_error",
					1, types, vals, NULL);
	for (uint64 r = 0; r < n; r++)
	{
		char	   *state = SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 2);

		if (strcmp(state, "failed") == 0)
		{
			a->failed++;
			notify_job(fx_spi_int64(r, 1, NULL), "failed");
		}
		else
			a->requeued++;
	}
}

/*
 * Jobs that were running when the worker stopped go back to the queue
 * without spending an attempt; crashed_job (0: none), whose content the
 * worker was processing in its own process, spends one of its crash budget
 * and fails when that is used up.
 */
bool
fx_store_recover(int64 crashed_job, int *requeued, int *failed, char **err)
{
	RecoverArgs a = {crashed_job, 0, 0};
	bool		ok = fx_spi_xact("recovering interrupted jobs", recover_body, &a, err);

	*requeued = a.requeued;
	*failed = a.failed;
	return ok;
}

typedef struct ReleaseArgs
{
	List	   *claims;
	int			released;
} ReleaseArgs;

/* Body of fx_store_release. */
static void
release_body(void *arg)
{
	ReleaseArgs *a = arg;
	int			n = list_length(a->claims);
	Datum	   *ids = palloc(sizeof(Datum) * Max(n, 1));
	Datum	   *attempts = palloc(sizeof(Datum) * Max(n, 1));
	Oid			types[2] = {INT8ARRAYOID, INT4ARRAYOID};
	Datum		vals[2];
	int			i = 0;
	ListCell   *lc;

	foreach(lc, a->claims)
	{
		const FxClaim *c = lfirst(lc);

		ids[i] = Int64GetDatum(c->id);
		attempts[i++] = Int32GetDatum(c->attempt);
	}
	vals[0] = PointerGetDatum(construct_array(ids, n, INT8OID, 8, FLOAT8PASSBYVAL,
											  TYPALIGN_DOUBLE));
	vals[1] = PointerGetDatum(construct_array(attempts, n, INT4OID, 4, true,
											  TYPALIGN_INT));
	/* fenced: only attempts this worker still holds */
	a->released = (int) fx_spi_exec("UPDATE finx.jobs j SET state = 'queued', attempt = j.attempt - 1, "
									"run_after = now() "
									"FROM unnest($1, $2) AS u(id, attempt) "
									"WHERE j.id = u.id AND j.attempt = u.attempt AND j.state = 'running'",
									2, types, vals, NULL);
}

/*
 * A graceful stop: put the running jobs (List of FxClaim) back in the
 * queue with their attempt given back.  Returns how many were released.
 */
int
fx_store_release(List *claims, char **err)
{
	ReleaseArgs a = {claims, 0};

	if (claims == NIL)
		return 0;
	if (!fx_spi_xact("releasing running jobs", release_body, &a, err))
		return 0;
	return a.released;
}

typedef struct ClaimArgs
{
	int			max_jobs;
	MemoryContext cxt;
	List	   *claims;
} ClaimArgs;

/* Body of fx_store_claim. */
static void
claim_body(void *arg)
{
	ClaimArgs  *a = arg;
	Oid			types[2] = {INT4OID, INT8OID};
	Datum		vals[2] = {Int32GetDatum(a->max_jobs),
	Int64GetDatum(Max(1, finx_max_running_jobs - 1))};
	uint64		n;

	/*
	 * Fair share: the roles with due jobs are found by a skip scan of
	 * jobs_queued_role_idx (one probe per role), each offers its first
	 * jobs, and the k-th job of a role that already runs r jobs has rank
	 * r + k: the role that runs fewest goes first, round-robin.  One role
	 * never holds every running slot (rank <= $2), so another role's job
	 * can always start at once.
	 */
	n = fx_spi_exec("WITH RECURSIVE roles(r) AS ("
					"(SELECT submitted_by FROM finx.jobs WHERE state = 'queued' ORDER BY submitted_by LIMIT 1) "
					"UNION ALL SELECT (SELECT q.submitted_by FROM finx.jobs q WHERE q.state = 'queued' "
					"AND q.submitted_by > roles.r ORDER BY q.submitted_by LIMIT 1) FROM roles WHERE roles.r IS NOT NULL), "
					"offers AS (SELECT o.id, o.run_after, "
					"(SELECT pg_catalog.count(*) FROM finx.jobs x WHERE x.state = 'running' AND x.submitted_by = roles.r) "
					"+ pg_catalog.row_number() OVER (PARTITION BY roles.r ORDER BY o.run_after, o.id) AS rank "
					"FROM roles, LATERAL (SELECT j.id, j.run_after FROM finx.jobs j WHERE j.state = 'queued' "
					"AND j.submitted_by = roles.r AND j.run_after <= pg_catalog.now() "
					"ORDER BY j.run_after, j.id LIMIT $1 FOR UPDATE SKIP LOCKED) o "
					"WHERE roles.r IS NOT NULL), "
					"c AS (SELECT id FROM offers WHERE rank <= $2 ORDER BY rank, run_after, id LIMIT $1) "
					"UPDATE finx.jobs j SET state = 'running', attempt = j.attempt + 1, "
					"started_at = pg_catalog.now(), finished_at = NULL, stage = 'text' "
					"FROM c WHERE j.id = c.id "
					"RETURNING j.id, j.attempt, j.max_attempts, j.document_id, j.file_name, j.options::text, "
					"j.submitted_by::pg_catalog.int8",
					2, types, vals, NULL);
	for (uint64 r = 0; r < n; r++)
	{
		FxClaim    *c = MemoryContextAllocZero(a->cxt, sizeof(FxClaim));

		c->id = fx_spi_int64(r, 1, NULL);
		c->attempt = fx_spi_int32(r, 2);
		c->max_attempts = fx_spi_int32(r, 3);
		c->document_id = fx_spi_int64(r, 4, NULL);
		c->file_name = fx_spi_text(r, 5, a->cxt);
		c->options = fx_spi_text(r, 6, a->cxt);
		c->role = (Oid) fx_spi_int64(r, 7, NULL);
		a->claims = list_append_in(a->cxt, a->claims, c);
	}
}

/* Sort claims by id (oldest first). */
static int
claim_cmp(const ListCell *a, const ListCell *b)
{
	const FxClaim *x = lfirst(a);
	const FxClaim *y = lfirst(b);

	return (x->id > y->id) - (x->id < y->id);
}

/* Claim up to max_jobs queued jobs that are due; returns a List of FxClaim. */
List *
fx_store_claim(int max_jobs, char **err)
{
	ClaimArgs	a;

	a.max_jobs = max_jobs;
	a.cxt = CurrentMemoryContext;
	a.claims = NIL;
	if (!fx_spi_xact("claiming jobs", claim_body, &a, err))
		return NIL;
	if (a.claims)
		list_sort(a.claims, claim_cmp);
	return a.claims;
}

typedef struct TwinArgs
{
	const FxClaim *claim;
	int64		twin;
} TwinArgs;

/* Body of fx_store_find_twin. */
static void
twin_body(void *arg)
{
	TwinArgs   *a = arg;
	Oid			types[3] = {INT8OID, TEXTOID, INT8OID};
	Datum		vals[3];

	vals[0] = Int64GetDatum(a->claim->document_id);
	vals[1] = CStringGetTextDatum(a->claim->options);
	vals[2] = Int64GetDatum(a->claim->id);
	if (fx_spi_exec("SELECT id FROM finx.jobs WHERE document_id = $1 AND state = 'succeeded' "
					"AND reused_from IS NULL AND id <> $3 "
					"AND finx.same_result_options(options, $2::jsonb) "
					"ORDER BY id DESC LIMIT 1",
					3, types, vals, NULL) > 0)
		a->twin = fx_spi_int64(0, 1, NULL);
}

/*
 * An earlier job that succeeded on the same document with the same
 * result-affecting options, or 0.
 */
int64
fx_store_find_twin(const FxClaim *c, char **err)
{
	TwinArgs	a = {c, 0};

	if (!fx_spi_xact("looking for an earlier result", twin_body, &a, err))
		return 0;
	return a.twin;
}

typedef struct ReusedArgs
{
	const FxClaim *claim;
	int64		twin;
	bool		done;
} ReusedArgs;

/* Body of fx_store_complete_reused. */
static void
reused_body(void *arg)
{
	ReusedArgs *a = arg;
	Oid			types[3] = {INT8OID, INT4OID, INT8OID};
	Datum		vals[3];

	vals[0] = Int64GetDatum(a->claim->id);
	vals[1] = Int32GetDatum(a->claim->attempt);
	vals[2] = Int64GetDatum(a->twin);
	/* reused_from only names a job of the same role (owner isolation) */
	a->done = fx_spi_exec("UPDATE finx.jobs j SET state = 'succeeded', stage = 'done', "
						  "finished_at = pg_catalog.now(), last_error = NULL, "
						  "reused_from = CASE WHEN t.submitted_by = j.submitted_by THEN t.id END "
						  "FROM finx.jobs t "
						  "WHERE j.id = $1 AND j.attempt = $2 AND j.state = 'running' AND t.id = $3",
						  3, types, vals, NULL) > 0;
	/* another role's result: the job gets a copy of its own */
	if (a->done)
		fx_spi_exec("SELECT finx.copy_job_results(j.id, $3) FROM finx.jobs j "
					"WHERE j.id = $1 AND j.attempt = $2 AND j.reused_from IS NULL",
					3, types, vals, NULL);
	if (a->done)
		notify_job(a->claim->id, "succeeded");
}

/* Complete a job with the results of its twin (fenced). */
bool
fx_store_complete_reused(const FxClaim *c, int64 twin, char **err)
{
	ReusedArgs	a = {c, twin, false};

	if (!fx_spi_xact("reusing an earlier result", reused_body, &a, err))
		return false;
	return a.done;
}


typedef struct CompleteArgs
{
	const FxOutcome *o;
	bool		done;
} CompleteArgs;

/* Body of fx_store_complete. */
static void
complete_body(void *arg)
{
	CompleteArgs *a = arg;
	const FxOutcome *o = a->o;
	Oid			types[3] = {INT8OID, INT4OID, TEXTARRAYOID};
	Datum		vals[3];

	vals[0] = Int64GetDatum(o->claim->id);
	vals[1] = Int32GetDatum(o->claim->attempt);
	vals[2] = fx_spi_text_array_list(o->warnings);
	/* the fence: only the holder of this attempt may finish the job */
	a->done = fx_spi_exec("UPDATE finx.jobs SET state = 'succeeded', stage = 'done', "
						  "finished_at = pg_catalog.now(), last_error = NULL, warnings = $3 "
						  "WHERE id = $1 AND attempt = $2 AND state = 'running'",
						  3, types, vals, NULL) > 0;
	if (!a->done)
		return;
	fx_store_pages(o->claim->document_id, &o->texts);
	fx_store_result_rows(o->claim->id, o->claim->document_id, o->res, o->ocr);
	notify_job(o->claim->id, "succeeded");
}

/*
 * Store a successful attempt: results, text cache and final state in one
 * transaction.  Returns false (and no error) if the job was no longer ours.
 */
bool
fx_store_complete(const FxOutcome *o, char **err)
{
	CompleteArgs a = {o, false};

	if (!fx_spi_xact("storing statements", complete_body, &a, err))
		return false;
	return a.done;
}

typedef struct FailArgs
{
	const FxClaim *claim;
	const char *error;
	bool		retryable;
	double		backoff_s;
	const FxTexts *texts;
	bool		done;
} FailArgs;

/* Body of fx_store_fail. */
static void
fail_body(void *arg)
{
	FailArgs   *a = arg;
	Oid			types[5] = {INT8OID, INT4OID, BOOLOID, FLOAT8OID, TEXTOID};
	Datum		vals[5];
	uint64		n;
	bool		failed;

	vals[0] = Int64GetDatum(a->claim->id);
	vals[1] = Int32GetDatum(a->claim->attempt);
	vals[2] = BoolGetDatum(a->retryable);
	vals[3] = Float8GetDatum(a->backoff_s);
	vals[4] = CStringGetTextDatum(a->error);
	n = fx_spi_exec("UPDATE finx.jobs SET "
					"state = CASE WHEN $3 AND attempt < max_attempts THEN 'queued' ELSE 'failed' END, "
					"finished_at = CASE WHEN $3 AND attempt < max_attempts THEN NULL ELSE pg_catalog.now() END, "
					"run_after = pg_catalog.now() + pg_catalog.make_interval(secs => $4), last_error = $5 "
					"WHERE id = $1 AND attempt = $2 AND state = 'running' RETURNING state",
					5, types, vals, NULL);
	a->done = n > 0;
	if (!a->done)
		return;
	failed = strcmp(SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1), "failed") == 0;
	fx_store_pages(a->claim->document_id, a->texts);
	if (failed)
		notify_job(a->claim->id, "failed");
}

/*
 * Record a failed attempt: the job goes back to the queue after backoff_s
 * when retryable and attempts remain, else it fails.  Fenced like success.
 */
bool
fx_store_fail(const FxClaim *c, const char *error, bool retryable,
			  double backoff_s, const FxTexts *texts, char **err)
{
	FailArgs	a = {c, error, retryable, backoff_s, texts, false};

	if (!fx_spi_xact("recording a failed attempt", fail_body, &a, err))
		return false;
	return a.done;
}

typedef struct NotRunningArgs
{
	List	   *ids;
	MemoryContext cxt;
	List	   *gone;
} NotRunningArgs;

/* Body of fx_store_not_running. */
static void
not_running_body(void *arg)
{
	NotRunningArgs *a = arg;
	int			n = list_length(a->ids);
	Datum	   *d = palloc(sizeof(Datum) * Max(n, 1));
	Oid			types[1] = {INT8ARRAYOID};
	Datum		vals[1];
	int			i = 0;
	ListCell   *lc;
	uint64		rows;

	foreach(lc, a->ids)
		d[i++] = Int64GetDatum(*(int64 *) lfirst(lc));
	vals[0] = PointerGetDatum(construct_array(d, n, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	rows = fx_spi_exec("SELECT id FROM finx.jobs WHERE id = ANY($1) AND state <> 'running'",
					   1, types, vals, NULL);
	for (uint64 r = 0; r < rows; r++)
	{
		int64	   *id = MemoryContextAlloc(a->cxt, sizeof(int64));

		*id = fx_spi_int64(r, 1, NULL);
		a->gone = list_append_in(a->cxt, a->gone, id);
	}
}

/* Which of these running jobs were cancelled (or otherwise taken away)? */
List *
fx_store_not_running(List *job_ids, char **err)
{
	NotRunningArgs a = {job_ids, CurrentMemoryContext, NIL};

	if (job_ids == NIL)
		return NIL;
	if (!fx_spi_xact("checking for cancelled jobs", not_running_body, &a, err))
		return NIL;
	return a.gone;
}

typedef struct StageArgs
{
	const FxClaim *claim;
	const char *stage;
} StageArgs;

/* Body of fx_store_set_stage. */
static void
stage_body(void *arg)
{
	StageArgs  *a = arg;
	Oid			types[3] = {INT8OID, INT4OID, TEXTOID};
	Datum		vals[3];

	vals[0] = Int64GetDatum(a->claim->id);
	vals[1] = Int32GetDatum(a->claim->attempt);
	vals[2] = CStringGetTextDatum(a->stage);
	fx_spi_exec("UPDATE finx.jobs SET stage = $3 WHERE id = $1 AND attempt = $2 "
				"AND state = 'running' AND stage IS DISTINCT FROM $3",
				3, types, vals, NULL);
}

/* Show where a running job is (finx.jobs.stage); failures only logged. */
void
fx_store_set_stage(const FxClaim *c, const char *stage)
{
	StageArgs	a = {c, stage};
	char	   *err;

	(void) fx_spi_xact("updating a job's stage", stage_body, &a, &err);
}


/* Body of fx_store_trace. */
static void
trace_body(void *arg)
{
	List	   *rows = arg;
	StringInfoData b;
	ListCell   *lc;
	Oid			types[1] = {TEXTOID};
	Datum		vals[1];
	bool		first = true;

	initStringInfo(&b);
	appendStringInfoChar(&b, '[');
	foreach(lc, rows)
	{
		FxTraceRow *r = lfirst(lc);

		/* timestamptz_to_str returns a static buffer: copy each in turn */
		char	   *ts_queued = pstrdup(timestamptz_to_str(r->queued_at));
		char	   *ts_started = pstrdup(timestamptz_to_str(r->started_at));
		char	   *ts_finished = pstrdup(timestamptz_to_str(r->finished_at));

		appendStringInfo(&b, "%s{\"job_id\":%lld,\"statement\":%d,\"provider\":",
						 first ? "" : ",", (long long) r->job_id, r->statement);
		fx_store_json_str(&b, r->provider);
		appendStringInfoString(&b, ",\"endpoint\":");
		fx_store_json_str(&b, r->endpoint);
		appendStringInfo(&b, ",\"attempt\":%d,\"queued_at\":\"%s\",\"started_at\":\"%s\","
						 "\"finished_at\":\"%s\",\"http_status\":%d,\"bytes_out\":%lld,"
						 "\"bytes_in\":%lld,\"error\":",
						 r->attempt, ts_queued, ts_started, ts_finished,
						 r->status, (long long) r->bytes_out, (long long) r->bytes_in);
		fx_store_json_str(&b, r->error);
		appendStringInfoString(&b, ",\"request_id\":");
		fx_store_json_str(&b, r->request_id);
		appendStringInfoChar(&b, '}');
		first = false;
	}
	appendStringInfoChar(&b, ']');
	vals[0] = CStringGetTextDatum(b.data);
	fx_spi_exec("INSERT INTO finx.requests (job_id, statement, provider, endpoint, attempt, queued_at, "
				"started_at, finished_at, http_status, bytes_out, bytes_in, error, request_id) "
				"SELECT r.job_id, nullif(r.statement, 0), r.provider, r.endpoint, r.attempt, r.queued_at, "
				"r.started_at, r.finished_at, nullif(r.http_status, 0), r.bytes_out, r.bytes_in, r.error, "
				"r.request_id FROM pg_catalog.jsonb_to_recordset($1::jsonb) AS r(job_id bigint, statement int, "
				"provider text, endpoint text, attempt int, queued_at timestamptz, started_at timestamptz, "
				"finished_at timestamptz, http_status int, bytes_out bigint, bytes_in bigint, error text, "
				"request_id text) WHERE EXISTS (SELECT 1 FROM finx.jobs j WHERE j.id = r.job_id)",
				1, types, vals, NULL);
}

/* Store trace rows of finished remote requests (one short transaction). */
void
fx_store_trace(List *rows)
{
	char	   *err;

	if (rows != NIL)
		(void) fx_spi_xact("storing the request trace", trace_body, rows, &err);
}

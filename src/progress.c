/*-------------------------------------------------------------------------
 *
 * progress.c
 *	  Live progress of running jobs: the worker publishes each job's
 *	  counters (statements located and done, remote requests under way,
 *	  pages read) to shared memory, and finx_job_live() lets finx.progress
 *	  show them while the job runs, long before anything is committed.
 *
 * The worker publishes from its main loop every few hundred milliseconds;
 * readers take the lock in shared mode and copy.  At most FX_LIVE_MAX jobs
 * are shown; others read as unknown (NULL in finx.progress).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/lwlock.h"
#include "utils/tuplestore.h"

#include "finextract.h"
#include "pipeline.h"
#include "progress.h"
#include "visibility.h"

PG_FUNCTION_INFO_V1(finx_job_live);

/* Publish the counters of the running jobs (worker only). */
void
fx_progress_publish(void)
{
	FxJobLive  *buf;
	int			n;

	if (finx_shared == NULL)
		return;
	buf = palloc(sizeof(FxJobLive) * FX_LIVE_MAX);
	n = fx_pipeline_live(buf, FX_LIVE_MAX);
	LWLockAcquire(finx_shared->stats_lock, LW_EXCLUSIVE);
	memcpy(finx_shared->live, buf, sizeof(FxJobLive) * n);
	finx_shared->nlive = n;
	LWLockRelease(finx_shared->stats_lock);
	pfree(buf);
}

/* Forget every job (worker exit): nothing runs any more. */
void
fx_progress_clear(void)
{
	if (finx_shared == NULL)
		return;
	LWLockAcquire(finx_shared->stats_lock, LW_EXCLUSIVE);
	finx_shared->nlive = 0;
	LWLockRelease(finx_shared->stats_lock);
}

/*
 * finx_job_live() returns one row per running job the caller may see in
 * finx.jobs (owner isolation), as last published: (job_id, attempt,
 * statements_found, statements_done, requests_in_flight, pages_read).
 * Without shared_preload_libraries it returns nothing.
 */
Datum
finx_job_live(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	FxJobLive  *copy = NULL;
	int64	   *ids;
	bool	   *visible;
	int			n = 0;

	InitMaterializedSRF(fcinfo, 0);
	if (finx_shared != NULL)
	{
		copy = palloc(sizeof(FxJobLive) * FX_LIVE_MAX);
		LWLockAcquire(finx_shared->stats_lock, LW_SHARED);
		n = finx_shared->nlive;
		memcpy(copy, finx_shared->live, sizeof(FxJobLive) * n);
		LWLockRelease(finx_shared->stats_lock);
	}
	ids = palloc(sizeof(int64) * Max(n, 1));
	visible = palloc(sizeof(bool) * Max(n, 1));
	for (int i = 0; i < n; i++)
		ids[i] = copy[i].job_id;
	fx_jobs_visible(GetUserId(), ids, n, visible);
	for (int i = 0; i < n; i++)
	{
		Datum		values[6];
		bool		nulls[6] = {false};

		if (!visible[i])
			continue;

		values[0] = Int64GetDatum(copy[i].job_id);
		values[1] = Int32GetDatum(copy[i].attempt);
		values[2] = Int32GetDatum(copy[i].statements_found);
		values[3] = Int32GetDatum(copy[i].statements_done);
		values[4] = Int32GetDatum(copy[i].requests_in_flight);
		values[5] = Int32GetDatum(copy[i].pages_read);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	PG_RETURN_VOID();
}

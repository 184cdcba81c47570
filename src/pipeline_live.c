/*-------------------------------------------------------------------------
 *
 * pipeline_live.c
 *	  The live counters of the worker's running jobs, read from the jobs'
 *	  own state: statements located and done, remote requests under way,
 *	  pages read.  progress.c publishes them; it knows nothing of a job's
 *	  internals.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "finextract.h"
#include "pipeline.h"
#include "pipeline_int.h"

/* Remote operations (whispers, chats) of a job that have not ended. */
static int
job_requests(const FxJob *job)
{
	int			n = 0;

	for (int g = 0; g < job->nwhisper; g++)
		if (job->wgroups[g].w != NULL && !job->wgroups[g].done)
			n++;
	for (int s = 0; s < job->nstmts; s++)
		if (job->stmts[s].started && !job->stmts[s].done)
			n++;
	return n;
}

/* Pages whose final text the job holds. */
static int
job_pages_read(const FxJob *job)
{
	int			n = 0;

	if (job->pages == NULL)
		return 0;
	for (int i = 0; i < job->npages; i++)
	{
		if (job->page_ready != NULL && !job->page_ready[i])
			continue;
		if (job->ocr_wait != NULL && job->ocr != NULL && job->ocr_wait[i])
			continue;
		n++;
	}
	return n;
}

/* The counters of one job. */
static void
job_live(const FxJob *job, FxJobLive *out)
{
	out->job_id = job->claim.id;
	out->attempt = job->claim.attempt;
	out->statements_found = job->located ? job->nstmts : 0;
	out->statements_done = 0;
	for (int s = 0; s < job->nstmts; s++)
		if (job->stmts[s].done)
			out->statements_done++;
	out->requests_in_flight = job_requests(job);
	out->pages_read = job_pages_read(job);
}

/* Fill out[] with the counters of up to max running jobs; returns how many. */
int
fx_pipeline_live(FxJobLive *out, int max)
{
	int			n = 0;
	dlist_iter	iter;

	dlist_foreach(iter, fx_pipeline_jobs())
	{
		if (n >= max)
			break;
		job_live(dlist_container(FxJob, node, iter.cur), &out[n++]);
	}
	return n;
}

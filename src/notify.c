/*-------------------------------------------------------------------------
 *
 * notify.c
 *	  The finx_job notification: sent when a job reaches a terminal state.
 *
 * Any role may LISTEN on any channel, so the payload carries nothing that
 * the rows of finx.jobs protect: only {"job_id": N, "state": "..."}.  A
 * listener reads the rest (file name, error, statements) from finx.jobs
 * under its own rights.  The notification is queued in the current
 * transaction and delivered at COMMIT (never when it rolls back), exactly
 * like pg_notify(), which it calls the C entry point of; no SQL is run.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "commands/async.h"
#include "lib/stringinfo.h"
#include "utils/json.h"

#include "notify.h"

/* Queue the finx_job notification of a job that ended in state. */
void
fx_notify_job(int64 job_id, const char *state)
{
	StringInfoData b;

	initStringInfo(&b);
	appendStringInfo(&b, "{\"job_id\": " INT64_FORMAT ", \"state\": ", job_id);
	escape_json(&b, state);
	appendStringInfoChar(&b, '}');
	Async_Notify(FX_NOTIFY_CHANNEL, b.data);
	pfree(b.data);
}

/*-------------------------------------------------------------------------
 *
 * spi_exec.c
 *	  The one SPI layer: the worker's transaction wrapper, the saved-plan
 *	  cache keyed by statement, execution with arguments, result columns
 *	  and the error context of a failed statement.
 *
 * The worker runs each unit of work through fx_spi_xact(), its own short
 * transaction that turns an error into a message for the caller instead of
 * killing the worker (no transaction is ever held across I/O).  The SQL
 * functions (api.c, submit_dir.c) run inside the caller's transaction and
 * run their statements with fx_spi_exec inside their own SPI_connect and
 * SPI_finish; visibility.c's query, run as the reading role, is read-only
 * (fx_spi_read).  Plans are parsed and planned once per process; the plan
 * cache replans them when the tables change.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "pgstat.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

#include "finextract.h"
#include "spi_exec.h"

#define MAX_SAVED_PLANS 128

/* set when the current transaction ends a job: waiters are woken at commit */
static bool wake_waiters = false;

/* Run body in its own transaction; on error, roll back and report. */
bool
fx_spi_xact(const char *activity, FxXactBody body, void *arg, char **err)
{
	MemoryContext caller = CurrentMemoryContext;
	volatile bool ok = true;

	if (err)
		*err = NULL;
	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	PG_TRY();
	{
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		PushActiveSnapshot(GetTransactionSnapshot());
		pgstat_report_activity(STATE_RUNNING, activity);
		wake_waiters = false;
		body(arg);
		SPI_finish();
		PopActiveSnapshot();
		CommitTransactionCommand();
		if (wake_waiters && finx_shared)
			ConditionVariableBroadcast(&finx_shared->jobs_cv);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(caller);
		edata = CopyErrorData();
		FlushErrorState();
		AbortCurrentTransaction();
		ok = false;
		ereport(LOG,
				(errmsg("finextract worker: %s failed: %s", activity, edata->message)));
		if (err)
			*err = edata->message;
	}
	PG_END_TRY();
	pgstat_report_activity(STATE_IDLE, NULL);
	MemoryContextSwitchTo(caller);
	return ok;
}

/* Wake finx_wait callers when the current fx_spi_xact transaction commits. */
void
fx_spi_wake_waiters_at_commit(void)
{
	wake_waiters = true;
}

/*
 * The saved plan of a statement (a string constant, so the pointer
 * identifies it): parsed and planned once per process instead of at every
 * call.
 */
SPIPlanPtr
fx_spi_plan(const char *sql, int nargs, Oid *types)
{
	static struct
	{
		const char *sql;
		SPIPlanPtr	plan;
	}			plans[MAX_SAVED_PLANS];
	static int	nplans = 0;
	SPIPlanPtr	plan;

	for (int i = 0; i < nplans; i++)
		if (plans[i].sql == sql)
			return plans[i].plan;
	plan = SPI_prepare(sql, nargs, types);
	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed (%s) for: %s",
			 SPI_result_code_string(SPI_result), sql);
	if (nplans == MAX_SAVED_PLANS || SPI_keepplan(plan) != 0)
		return plan;			/* used once, freed with the SPI call */
	plans[nplans].sql = sql;
	plans[nplans].plan = plan;
	nplans++;
	return plan;
}

/* Execute sql through its saved plan; raise on failure. */
static uint64
execute_plan(const char *sql, int nargs, Oid *types, Datum *vals,
			 const char *nulls, bool read_only, long count)
{
	int			ret = SPI_execute_plan(fx_spi_plan(sql, nargs, types), vals, nulls,
									   read_only, count);

	if (ret < 0)
		elog(ERROR, "SPI_execute_plan failed (%s) for: %s",
			 SPI_result_code_string(ret), sql);
	return SPI_processed;
}

/*
 * Execute parameterised SQL through its saved plan, retrieving at most
 * count rows (0: all); raise on failure.  Returns SPI_processed.
 */
uint64
fx_spi_exec_count(const char *sql, int nargs, Oid *types, Datum *vals,
				  const char *nulls, long count)
{
	return execute_plan(sql, nargs, types, vals, nulls, false, count);
}

/* Execute parameterised SQL through its saved plan; raise on failure. */
uint64
fx_spi_exec(const char *sql, int nargs, Oid *types, Datum *vals,
			const char *nulls)
{
	return fx_spi_exec_count(sql, nargs, types, vals, nulls, 0);
}

/*
 * Execute a read-only query through its saved plan, in the caller's
 * snapshot (as a STABLE function's queries run); raise on failure.
 * Returns SPI_processed.  The plan is replanned when the current role or
 * row_security differs from the one it was made for and row-level
 * security applies.
 */
uint64
fx_spi_read(const char *sql, int nargs, Oid *types, Datum *vals,
			const char *nulls)
{
	return execute_plan(sql, nargs, types, vals, nulls, true, 0);
}

/* Column i (1-based) of row r of the last result, as int64 (NULL: 0). */
int64
fx_spi_int64(uint64 r, int i, bool *isnull)
{
	bool		null;
	Datum		d = SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, i, &null);

	if (isnull)
		*isnull = null;
	return null ? 0 : DatumGetInt64(d);
}

/* Column i of row r as int32 (NULL: 0). */
int32
fx_spi_int32(uint64 r, int i)
{
	bool		isnull;
	Datum		d = SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, i, &isnull);

	return isnull ? 0 : DatumGetInt32(d);
}

/* Column i of row r as a string copied into cxt (NULL stays NULL). */
char *
fx_spi_text(uint64 r, int i, MemoryContext cxt)
{
	char	   *s = SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, i);

	return s ? MemoryContextStrdup(cxt, s) : NULL;
}

/* A text[] Datum from C strings; NULL entries become SQL NULLs. */
Datum
fx_spi_text_array(char **strs, int n)
{
	Datum	   *d = palloc(sizeof(Datum) * Max(n, 1));
	bool	   *nulls = palloc(sizeof(bool) * Max(n, 1));
	int			dims[1] = {n};
	int			lbs[1] = {1};

	for (int i = 0; i < n; i++)
	{
		nulls[i] = strs[i] == NULL;
		d[i] = strs[i] ? CStringGetTextDatum(strs[i]) : (Datum) 0;
	}
	if (n == 0)
		return PointerGetDatum(construct_empty_array(TEXTOID));
	return PointerGetDatum(construct_md_array(d, nulls, 1, dims, lbs, TEXTOID,
											  -1, false, TYPALIGN_INT));
}

/* A text[] Datum from a List of C strings. */
Datum
fx_spi_text_array_list(List *l)
{
	char	  **strs = palloc(sizeof(char *) * Max(list_length(l), 1));
	int			n = 0;
	ListCell   *lc;

	foreach(lc, l)
		strs[n++] = lfirst(lc);
	return fx_spi_text_array(strs, n);
}

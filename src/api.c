/*-------------------------------------------------------------------------
 *
 * api.c
 *	  SQL-callable functions: finx_submit, finx_submit_bytes, finx_wait,
 *	  finx_cancel and finx_retry.
 *
 * Submitting is one short transaction of the caller's: the document (once
 * per content hash) and a queued job are inserted, and a transaction
 * callback sets the worker's latch at COMMIT, so the worker starts at once
 * and a rolled-back submit never runs.  Input is checked before anything is
 * written.  The functions are SECURITY DEFINER (the tables are not writable
 * by their callers), so privilege checks use the caller's role,
 * GetOuterUserId(), and their SQL runs with search_path = pg_catalog,
 * pg_temp (search_path.c): nothing resolves through the caller's path.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "access/xact.h"
#include "catalog/pg_authid.h"
#include "common/cryptohash.h"
#include "common/hashfn.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "storage/condition_variable.h"
#include "storage/fd.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"

#include "api.h"
#include "finextract.h"
#include "notify.h"
#include "options.h"
#include "pdfcheck.h"
#include "search_path.h"
#include "spi_exec.h"
#include "visibility.h"

PG_FUNCTION_INFO_V1(finx_submit_path);
PG_FUNCTION_INFO_V1(finx_submit_bytes);
PG_FUNCTION_INFO_V1(finx_wait);
PG_FUNCTION_INFO_V1(finx_cancel);
PG_FUNCTION_INFO_V1(finx_retry);
PG_FUNCTION_INFO_V1(finx_provider_stats);

static bool wake_at_commit = false;
static bool xact_callback_registered = false;

/* At COMMIT, wake the worker (new or cancelled jobs) and any waiters. */
static void
finx_xact_callback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_PARALLEL_COMMIT:
			if (wake_at_commit)
			{
				finx_wake_worker();
				if (finx_shared)
					ConditionVariableBroadcast(&finx_shared->jobs_cv);
			}
			wake_at_commit = false;
			break;
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_ABORT:
			wake_at_commit = false;
			break;
		default:
			break;
	}
}

/* Arrange for the worker to be woken when this transaction commits. */
static void
wake_worker_at_commit(void)
{
	if (!xact_callback_registered)
	{
		RegisterXactCallback(finx_xact_callback, NULL);
		xact_callback_registered = true;
	}
	wake_at_commit = true;
}

/* Warn once per call when no worker can run the job. */
static void
warn_if_no_worker(void)
{
	if (finx_shared == NULL)
		ereport(WARNING,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("finextract is not loaded through shared_preload_libraries"),
				 errdetail("The job was queued, but no worker will run it."),
				 errhint("Add finextract to shared_preload_libraries and restart the server.")));
}

/* Lowercase hex SHA-256 of data (hex has room for 65 bytes). */
void
fx_sha256_hex(const char *data, size_t len, char *hex)
{
	pg_cryptohash_ctx *ctx = pg_cryptohash_create(PG_SHA256);
	uint8		digest[32];

	if (ctx == NULL || pg_cryptohash_init(ctx) < 0 ||
		pg_cryptohash_update(ctx, (const uint8 *) data, len) < 0 ||
		pg_cryptohash_final(ctx, digest, sizeof(digest)) < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not compute SHA-256: %s", pg_cryptohash_error(ctx))));
	pg_cryptohash_free(ctx);
	hex_encode((const char *) digest, sizeof(digest), hex);
	hex[64] = '\0';
}

/* The submit path's statements (saved plans of spi_exec.c). */
static const char *const find_document_sql =
"SELECT id FROM finx.documents WHERE sha256 = $1";
static const char *const insert_document_sql =
"WITH d AS (INSERT INTO finx.documents (file_name, sha256, bytes) "
"VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING RETURNING id), "
"c AS (INSERT INTO finx.document_content (document_id, content) "
"SELECT id, $4 FROM d) SELECT id FROM d";
static const char *const insert_job_sql =
"INSERT INTO finx.jobs (document_id, file_name, options, max_attempts, submitted_by) "
"VALUES ($1, $2, $3, $4, $5) RETURNING id";

/* Run a statement that returns at most one bigint. */
static int64
plan_bigint(const char *sql, int nargs, Oid *types, Datum *values, bool *isnull)
{
	*isnull = true;
	if (fx_spi_exec_count(sql, nargs, types, values, NULL, 1) == 0)
		return 0;
	return fx_spi_int64(0, 1, isnull);
}

/* Find or insert the document row (and its content); returns its id. */
static int64
upsert_document(const char *file_name, const char *sha, bytea *content)
{
	Oid			find_types[1] = {TEXTOID};
	Oid			doc_types[4] = {TEXTOID, TEXTOID, INT8OID, BYTEAOID};
	Datum		vals[4];
	bool		isnull;
	int64		id;

	vals[0] = CStringGetTextDatum(file_name);
	vals[1] = CStringGetTextDatum(sha);
	vals[2] = Int64GetDatum((int64) VARSIZE_ANY_EXHDR(content));
	vals[3] = PointerGetDatum(content);
	id = plan_bigint(find_document_sql, 1, find_types, vals + 1, &isnull);
	if (!isnull)
		return id;
	id = plan_bigint(insert_document_sql, 4, doc_types, vals, &isnull);
	if (!isnull)
		return id;
	/* inserted meanwhile by a transaction that has now committed */
	id = plan_bigint(find_document_sql, 1, find_types, vals + 1, &isnull);
	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
				 errmsg("could not find or insert document %s", sha),
				 errhint("Retry the transaction.")));
	return id;
}

/* Insert the queued job; returns its id. */
static int64
insert_job(int64 document_id, const char *file_name, Jsonb *options,
		   int max_attempts)
{
	Oid			types[5] = {INT8OID, TEXTOID, JSONBOID, INT4OID, OIDOID};
	Datum		vals[5];
	bool		isnull;

	vals[0] = Int64GetDatum(document_id);
	vals[1] = CStringGetTextDatum(file_name);
	vals[2] = JsonbPGetDatum(options);
	vals[3] = Int32GetDatum(max_attempts);
	vals[4] = ObjectIdGetDatum(GetOuterUserId());
	return plan_bigint(insert_job_sql, 5, types, vals, &isnull);
}

/*
 * Check the content and queue it: the part shared by every submit function.
 * Raises an error (nothing written) for bad content or options.
 */
int64
fx_submit_content(const char *file_name, bytea *content, Jsonb *options)
{
	FxJobOptions opts;
	char		sha[65];
	int64		doc_id,
				job_id;
	int			nestlevel;
	int			attempts;

	fx_options_parse(options, &opts);
	attempts = fx_options_max_attempts(&opts);
	fx_pdf_check(VARDATA_ANY(content), VARSIZE_ANY_EXHDR(content),
				 (int64) finx_max_file_size_kb * 1024, file_name);
	fx_sha256_hex(VARDATA_ANY(content), VARSIZE_ANY_EXHDR(content), sha);

	nestlevel = fx_search_path_push();
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	doc_id = upsert_document(file_name, sha, content);
	job_id = insert_job(doc_id, file_name, options, attempts);
	SPI_finish();
	fx_search_path_pop(nestlevel);

	wake_worker_at_commit();
	warn_if_no_worker();
	return job_id;
}

/* May the calling role read server files (COPY FROM's rule)? */
void
fx_check_read_server_files(void)
{
	Oid			caller = GetOuterUserId();

	if (!superuser_arg(caller) &&
		!has_privs_of_role(caller, ROLE_PG_READ_SERVER_FILES))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to submit a file from the server's file system"),
				 errdetail("Only superusers and members of pg_read_server_files may read server files."),
				 errhint("Use finx_submit_bytes() to send the document's content instead.")));
}

/* finx_submit(path text, options jsonb) returns bigint */
Datum
finx_submit_path(PG_FUNCTION_ARGS)
{
	char	   *path = text_to_cstring(PG_GETARG_TEXT_PP(0));
	Jsonb	   *options = PG_GETARG_JSONB_P(1);
	char	   *file_name;
	bytea	   *content;

	fx_check_read_server_files();
	content = fx_read_pdf_file(path, (int64) finx_max_file_size_kb * 1024,
							   finx_input_dirs, &file_name);
	PG_RETURN_INT64(fx_submit_content(file_name, content, options));
}

/* finx_submit_bytes(data bytea, file_name text, options jsonb) returns bigint */
Datum
finx_submit_bytes(PG_FUNCTION_ARGS)
{
	bytea	   *content = PG_GETARG_BYTEA_PP(0);
	char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(1));
	Jsonb	   *options = PG_GETARG_JSONB_P(2);

	PG_RETURN_INT64(fx_submit_content(fx_check_file_name(name), content, options));
}

/*
 * The error for a job that does not exist, and for one the caller may not
 * see: the two must not be told apart.
 */
static void job_missing(int64 job_id) pg_attribute_noreturn();

static void
job_missing(int64 job_id)
{
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_OBJECT),
			 errmsg("job %lld does not exist", (long long) job_id)));
}

/* Fetch a job's state and owner; raises if it does not exist. */
static char *
job_state(int64 job_id, Oid *owner, bool *mine_uncommitted)
{
	Oid			types[1] = {INT8OID};
	Datum		vals[1] = {Int64GetDatum(job_id)};
	bool		isnull;
	char	   *state;
	TransactionId xmin;

	if (fx_spi_exec_count("SELECT state, submitted_by, xmin::text FROM finx.jobs WHERE id = $1",
						  1, types, vals, NULL, 1) == 0)
		job_missing(job_id);
	state = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	*owner = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[0],
											SPI_tuptable->tupdesc, 2, &isnull));
	xmin = (TransactionId) strtoul(SPI_getvalue(SPI_tuptable->vals[0],
												SPI_tuptable->tupdesc, 3), NULL, 10);
	*mine_uncommitted = TransactionIdIsCurrentTransactionId(xmin);
	SPI_freetuptable(SPI_tuptable);	/* finx_wait calls this once a second */
	return state;
}

/*
 * May the caller act on a job owned by owner?  A job the caller may not see
 * (owner isolation) does not exist for it; one it sees but does not own
 * (isolation turned off) is refused.
 */
static void
check_job_owner(int64 job_id, Oid owner)
{
	Oid			caller = GetOuterUserId();

	if (superuser_arg(caller) || has_privs_of_role(caller, owner))
		return;
	if (!fx_job_visible(caller, job_id))
		job_missing(job_id);
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("permission denied for job %lld", (long long) job_id),
			 errdetail("Only the role that submitted a job, its members and superusers may act on it.")));
}

/* Is state one a job ends in? */
static bool
state_is_terminal(const char *state)
{
	return strcmp(state, "succeeded") == 0 || strcmp(state, "failed") == 0 ||
		strcmp(state, "cancelled") == 0;
}

/* Interval to milliseconds, clamped to [0, one day]. */
static long
interval_ms(Interval *iv)
{
	double		ms = (double) iv->time / 1000.0 +
		((double) iv->day + (double) iv->month * DAYS_PER_MONTH) * 86400000.0;

	return (long) Max(0.0, Min(ms, 86400000.0));
}

/* finx_wait(job_id bigint, timeout interval) returns text */
Datum
finx_wait(PG_FUNCTION_ARGS)
{
	int64		job_id = PG_GETARG_INT64(0);
	long		timeout_ms = interval_ms(PG_GETARG_INTERVAL_P(1));
	TimestampTz deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), timeout_ms);
	char	   *state;
	Oid			owner;
	bool		uncommitted;
	text	   *result;
	int			nestlevel = fx_search_path_push();

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	state = job_state(job_id, &owner, &uncommitted);
	check_job_owner(job_id, owner);
	if (!state_is_terminal(state) && uncommitted)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("job %lld was submitted in this transaction", (long long) job_id),
				 errdetail("The worker cannot see the job until the transaction commits."),
				 errhint("Commit the transaction that submitted the job, then call finx_wait.")));
	if (!state_is_terminal(state) && IsolationUsesXactSnapshot())
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("finx_wait cannot wait inside a REPEATABLE READ or SERIALIZABLE transaction"),
				 errhint("Call finx_wait in a READ COMMITTED transaction.")));

	if (finx_shared)
		ConditionVariablePrepareToSleep(&finx_shared->jobs_cv);
	while (!state_is_terminal(state))
	{
		long		left = TimestampDifferenceMilliseconds(GetCurrentTimestamp(), deadline);

		if (left <= 0)
			break;
		if (finx_shared)
			(void) ConditionVariableTimedSleep(&finx_shared->jobs_cv, Min(left, 1000),
											   PG_WAIT_EXTENSION);
		else
			(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
							 Min(left, 1000), PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
		state = job_state(job_id, &owner, &uncommitted);
	}
	if (finx_shared)
		ConditionVariableCancelSleep();
	/* the caller's context: SPI_finish frees everything SPI allocated */
	result = (text *) SPI_palloc(VARHDRSZ + strlen(state));
	SET_VARSIZE(result, VARHDRSZ + strlen(state));
	memcpy(VARDATA(result), state, strlen(state));
	SPI_finish();
	fx_search_path_pop(nestlevel);
	PG_RETURN_TEXT_P(result);
}

/*
 * Run an UPDATE on one job that returns a row when it changed something;
 * when it did and notify_state is set, the job ended in that state.
 */
static bool
update_job(int64 job_id, const char *sql, const char *notify_state)
{
	Oid			types[1] = {INT8OID};
	Datum		vals[1] = {Int64GetDatum(job_id)};
	Oid			owner;
	bool		uncommitted;
	bool		changed;
	int			nestlevel = fx_search_path_push();

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	(void) job_state(job_id, &owner, &uncommitted);
	check_job_owner(job_id, owner);
	changed = fx_spi_exec(sql, 1, types, vals, NULL) > 0;
	SPI_finish();
	fx_search_path_pop(nestlevel);
	if (changed && notify_state)
		fx_notify_job(job_id, notify_state);
	if (changed)
		wake_worker_at_commit();
	return changed;
}

/* finx_cancel(job_id bigint) returns boolean */
Datum
finx_cancel(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(update_job(PG_GETARG_INT64(0),
							  "UPDATE finx.jobs SET state = 'cancelled', finished_at = pg_catalog.now(), "
							  "last_error = coalesce(last_error, 'cancelled by user') "
							  "WHERE id = $1 AND state IN ('queued', 'running') RETURNING id",
							  "cancelled"));
}

/* finx_retry(job_id bigint) returns boolean */
Datum
finx_retry(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(update_job(PG_GETARG_INT64(0),
							  "UPDATE finx.jobs SET state = 'queued', attempt = 0, crashes = 0, run_after = pg_catalog.now(), "
							  "started_at = NULL, finished_at = NULL, stage = NULL "
							  "WHERE id = $1 AND state IN ('failed', 'cancelled') RETURNING id",
							  NULL));
}

/* finx_provider_stats() returns jsonb: the worker's lanes, as last published */
Datum
finx_provider_stats(PG_FUNCTION_ARGS)
{
	char	   *json;

	if (finx_shared == NULL)
		PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum("[]")));
	LWLockAcquire(finx_shared->stats_lock, LW_SHARED);
	json = pstrdup(finx_shared->provider_stats);
	LWLockRelease(finx_shared->stats_lock);
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(json)));
}

/*-------------------------------------------------------------------------
 *
 * store.c
 *	  The worker's SQL: claiming (fair share across roles), releasing,
 *	  recovering, completing and failing jobs, the text cache and document
 *	  content.
 *
 * Each exported function runs in its own short transaction through
 * in_xact(), which turns an error into a message for the caller instead of
 * killing the worker.  No transaction is held across I/O: the pipeline calls
 * these between waits.  Completions are fenced on (id, attempt, running) and
 * write a job's statements, periods, line items, text cache and final state
 * in one transaction, so a crash never leaves half a document.  All SQL is
 * parameterised and runs through plans saved at first use; results are
 * passed to SQL as JSON built here.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <fcntl.h>
#include <unistd.h>

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "pgstat.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

#include "finextract.h"
#include "lane.h"
#include "notify.h"
#include "store.h"

#define MAX_SAVED_PLANS 64

typedef void (*XactBody) (void *arg);

/* set when the current transaction ends a job: waiters are woken at commit */
static bool wake_waiters = false;

/* Run body in its own transaction; on error, roll back and report. */
static bool
in_xact(const char *activity, XactBody body, void *arg, char **err)
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

/*
 * The saved plan of one of this file's statements (string constants, so
 * the pointer identifies the statement): parsed and planned once per
 * process instead of at every call.  The plan cache replans them when the
 * tables change.
 */
static SPIPlanPtr
saved_plan(const char *sql, int nargs, Oid *types)
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
		elog(ERROR, "SPI_prepare failed (%d) for: %s", SPI_result, sql);
	if (nplans == MAX_SAVED_PLANS || SPI_keepplan(plan) != 0)
		return plan;			/* used once, freed with the SPI call */
	plans[nplans].sql = sql;
	plans[nplans].plan = plan;
	nplans++;
	return plan;
}

/* Execute parameterised SQL through its saved plan; raise on failure. */
static uint64
exec(const char *sql, int nargs, Oid *types, Datum *vals, const char *nulls)
{
	int			ret = SPI_execute_plan(saved_plan(sql, nargs, types), vals, nulls,
									   false, 0);

	if (ret < 0)
		elog(ERROR, "SPI_execute_plan failed (%d) for: %s", ret, sql);
	return SPI_processed;
}

/* Column i (1-based) of row r of the last result, as int64. */
static int64
col_int64(uint64 r, int i)
{
	bool		isnull;
	Datum		d = SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, i, &isnull);

	return isnull ? 0 : DatumGetInt64(d);
}

/* Column i of row r as int32. */
static int32
col_int32(uint64 r, int i)
{
	bool		isnull;
	Datum		d = SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, i, &isnull);

	return isnull ? 0 : DatumGetInt32(d);
}

/* Column i of row r as a string copied into cxt (NULL stays NULL). */
static char *
col_text(uint64 r, int i, MemoryContext cxt)
{
	char	   *s = SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, i);

	return s ? MemoryContextStrdup(cxt, s) : NULL;
}

/* A text[] Datum from C strings; NULL entries become SQL NULLs. */
static Datum
text_array(char **strs, int n)
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
static Datum
text_array_list(List *l)
{
	char	  **strs = palloc(sizeof(char *) * Max(list_length(l), 1));
	int			n = 0;
	ListCell   *lc;

	foreach(lc, l)
		strs[n++] = lfirst(lc);
	return text_array(strs, n);
}

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
	wake_waiters = true;
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
	n = exec("UPDATE finx.jobs SET "
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
			notify_job(col_int64(r, 1), "failed");
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
	bool		ok = in_xact("recovering interrupted jobs", recover_body, &a, err);

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
	a->released = (int) exec("UPDATE finx.jobs j SET state = 'queued', attempt = j.attempt - 1, "
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
	if (!in_xact("releasing running jobs", release_body, &a, err))
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
	n = exec("WITH RECURSIVE roles(r) AS ("
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

		c->id = col_int64(r, 1);
		c->attempt = col_int32(r, 2);
		c->max_attempts = col_int32(r, 3);
		c->document_id = col_int64(r, 4);
		c->file_name = col_text(r, 5, a->cxt);
		c->options = col_text(r, 6, a->cxt);
		c->role = (Oid) col_int64(r, 7);
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
	if (!in_xact("claiming jobs", claim_body, &a, err))
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
	if (exec("SELECT id FROM finx.jobs WHERE document_id = $1 AND state = 'succeeded' "
			 "AND reused_from IS NULL AND id <> $3 "
			 "AND (options - 'max_attempts') = ($2::jsonb - 'max_attempts') "
			 "ORDER BY id DESC LIMIT 1",
			 3, types, vals, NULL) > 0)
		a->twin = col_int64(0, 1);
}

/*
 * An earlier job that succeeded on the same document with the same
 * result-affecting options, or 0.
 */
int64
fx_store_find_twin(const FxClaim *c, char **err)
{
	TwinArgs	a = {c, 0};

	if (!in_xact("looking for an earlier result", twin_body, &a, err))
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
	a->done = exec("UPDATE finx.jobs j SET state = 'succeeded', stage = 'done', "
				   "finished_at = pg_catalog.now(), last_error = NULL, "
				   "reused_from = CASE WHEN t.submitted_by = j.submitted_by THEN t.id END "
				   "FROM finx.jobs t "
				   "WHERE j.id = $1 AND j.attempt = $2 AND j.state = 'running' AND t.id = $3",
				   3, types, vals, NULL) > 0;
	/* another role's result: the job gets a copy of its own */
	if (a->done)
		exec("SELECT finx.copy_job_results(j.id, $3) FROM finx.jobs j "
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

	if (!in_xact("reusing an earlier result", reused_body, &a, err))
		return false;
	return a.done;
}

typedef struct PagesArgs
{
	int64		document_id;
	const char *engine;
	bool		partial;
	MemoryContext cxt;
	char	  **pages;
	int			npages;
} PagesArgs;

/* Body of fx_store_load_pages. */
static void
pages_body(void *arg)
{
	PagesArgs  *a = arg;
	Oid			types[2] = {INT8OID, TEXTOID};
	Datum		vals[2];
	uint64		n;
	int			total;

	vals[0] = Int64GetDatum(a->document_id);
	vals[1] = CStringGetTextDatum(a->engine);
	n = exec("SELECT t.page, t.text, coalesce(d.pages, pg_catalog.max(t.page) OVER ()) FROM finx.page_texts t "
			 "JOIN finx.documents d ON d.id = t.document_id "
			 "WHERE t.document_id = $1 AND t.engine = $2 ORDER BY t.page",
			 2, types, vals, NULL);
	if (n == 0)
		return;
	total = col_int32(0, 3);
	if (total <= 0 || (!a->partial && (int64) n != total))
		return;					/* not cached, or not every page */
	a->pages = MemoryContextAllocZero(a->cxt, sizeof(char *) * total);
	for (uint64 r = 0; r < n; r++)
	{
		int			page = col_int32(r, 1);

		if (page >= 1 && page <= total)
			a->pages[page - 1] = col_text(r, 2, a->cxt);
	}
	a->npages = total;
}

/*
 * The cached text of every page of a document, or NULL when not cached.
 * With partial, pages not cached are NULL entries (NULL if none is).
 */
char **
fx_store_load_pages(int64 document_id, const char *engine, bool partial,
					int *npages, char **err)
{
	PagesArgs	a = {document_id, engine, partial, CurrentMemoryContext, NULL, 0};

	if (!in_xact("reading cached text", pages_body, &a, err) || a.npages == 0)
		return NULL;
	*npages = a.npages;
	return a.pages;
}

typedef struct ConfArgs
{
	int64		document_id;
	const char *engine;
	int			npages;
	MemoryContext cxt;
	FxOcrConf **conf;
} ConfArgs;

/* The confidences of one cached page, from row r on (rows of its words). */
static FxOcrConf *
conf_of_rows(MemoryContext cxt, uint64 r, uint64 n, int page)
{
	FxOcrConf  *c = MemoryContextAllocZero(cxt, sizeof(FxOcrConf));
	bool		isnull;
	Datum		d = SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 2, &isnull);
	uint64		k;

	c->mean = isnull ? -1 : DatumGetFloat4(d);
	for (k = r; k < n && col_int32(k, 1) == page; k++)
		;
	c->words = MemoryContextAllocZero(cxt, sizeof(FxOcrWord) * Max(k - r, 1));
	for (; r < k; r++)
	{
		char	   *word = col_text(r, 5, cxt);

		if (word == NULL)
			continue;			/* a page without words */
		c->words[c->nwords].line = col_int32(r, 3);
		c->words[c->nwords].conf = col_int32(r, 4);
		c->words[c->nwords++].word = word;
	}
	return c;
}

/* Body of fx_store_load_ocr_conf. */
static void
conf_body(void *arg)
{
	ConfArgs   *a = arg;
	Oid			types[2] = {INT8OID, TEXTOID};
	Datum		vals[2];
	uint64		n;

	vals[0] = Int64GetDatum(a->document_id);
	vals[1] = CStringGetTextDatum(a->engine);
	n = exec("SELECT t.page, t.ocr_confidence, w.line, w.conf, w.word FROM finx.page_texts t "
			 "LEFT JOIN LATERAL pg_catalog.jsonb_to_recordset(t.ocr_words) AS w(line int, conf int, word text) "
			 "ON true WHERE t.document_id = $1 AND t.engine = $2 AND t.ocr_words IS NOT NULL "
			 "ORDER BY t.page",
			 2, types, vals, NULL);
	a->conf = MemoryContextAllocZero(a->cxt, sizeof(FxOcrConf *) * Max(a->npages, 1));
	for (uint64 r = 0; r < n;)
	{
		int			page = col_int32(r, 1);
		uint64		k = r;

		while (k < n && col_int32(k, 1) == page)
			k++;
		if (page >= 1 && page <= a->npages)
			a->conf[page - 1] = conf_of_rows(a->cxt, r, k, page);
		r = k;
	}
}

/*
 * The word confidences cached with a document's OCR text: [page - 1], NULL
 * entries where none are known (or NULL when they could not be read).
 */
FxOcrConf **
fx_store_load_ocr_conf(int64 document_id, const char *engine, int npages, char **err)
{
	ConfArgs	a = {document_id, engine, npages, CurrentMemoryContext, NULL};

	if (!in_xact("reading cached OCR confidences", conf_body, &a, err))
		return NULL;
	return a.conf;
}

typedef struct ContentArgs
{
	int64		document_id;
	const char *path;
} ContentArgs;

/* Body of fx_store_write_content. */
static void
content_body(void *arg)
{
	ContentArgs *a = arg;
	Oid			types[1] = {INT8OID};
	Datum		vals[1] = {Int64GetDatum(a->document_id)};
	bool		isnull;
	bytea	   *content;
	int			fd;
	size_t		len,
				done = 0;

	if (exec("SELECT content FROM finx.document_content WHERE document_id = $1",
			 1, types, vals, NULL) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("the content of document %lld is missing", (long long) a->document_id)));
	content = DatumGetByteaPP(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	len = VARSIZE_ANY_EXHDR(content);
	fd = open(a->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		ereport(ERROR, (errcode_for_file_access(),
						errmsg("could not create \"%s\": %m", a->path)));
	while (done < len)
	{
		ssize_t		w = write(fd, VARDATA_ANY(content) + done, len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
		{
			close(fd);
			ereport(ERROR, (errcode_for_file_access(),
							errmsg("could not write \"%s\": %m", a->path)));
		}
		done += w;
	}
	close(fd);
}

/* Write a document's PDF bytes to a file for the child processes. */
bool
fx_store_write_content(int64 document_id, const char *path, char **err)
{
	ContentArgs a = {document_id, path};

	return in_xact("writing document content", content_body, &a, err);
}

/* Is s a plain decimal such as "-3068" or "1234.5"? */
static bool
valid_decimal(const char *s)
{
	int			digits = 0;

	if (s == NULL)
		return false;
	if (*s == '-')
		s++;
	while (*s >= '0' && *s <= '9')
		s++, digits++;
	if (*s == '.')
	{
		s++;
		if (!(*s >= '0' && *s <= '9'))
			return false;
		while (*s >= '0' && *s <= '9')
			s++, digits++;
	}
	return *s == '\0' && digits > 0 && digits < 60;
}

/* Is y-m-d a real calendar date? */
static bool
valid_date(int y, int m, int d)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	if (m == 2 && d == 29)
		return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return true;
}

/* Append a JSON string, or null. */
static void
json_str(StringInfo b, const char *s)
{
	if (s == NULL)
		appendStringInfoString(b, "null");
	else
		escape_json(b, s);
}

/*
 * Append a statement's checks as a JSON array; counts passed and failed.
 * notes (or NULL) say which failed checks of a statement read by OCR
 * involve a value read with low confidence.
 */
static void
checks_json(StringInfo b, const fx_statement *st, char **notes, int *passed,
			int *failed)
{
	appendStringInfoChar(b, '[');
	for (int k = 0; k < st->nchecks; k++)
	{
		const fx_check *c = &st->checks[k];

		appendStringInfo(b, "%s{\"name\":", k ? "," : "");
		json_str(b, c->name);
		appendStringInfoString(b, ",\"target\":");
		json_str(b, c->target);
		appendStringInfo(b, ",\"col\":%d,\"expected\":", c->period + 1);
		json_str(b, c->expected);
		appendStringInfoString(b, ",\"computed\":");
		json_str(b, c->computed);
		appendStringInfo(b, ",\"passed\":%s", c->passed ? "true" : "false");
		if (notes && !c->passed)
		{
			appendStringInfo(b, ",\"ocr_suspect\":%s,\"ocr_note\":",
							 notes[k] ? "true" : "false");
			json_str(b, notes[k]);
		}
		appendStringInfoChar(b, '}');
		if (c->passed)
			(*passed)++;
		else
			(*failed)++;
	}
	appendStringInfoChar(b, ']');
}

/* Append one statement's row object. */
static void
statement_json(StringInfo b, const fx_statement *st, int seq, char **notes)
{
	int			passed = 0,
				failed = 0;

	appendStringInfo(b, "{\"seq\":%d,\"statement_type\":\"%s\",\"title\":",
					 seq, fx_stmt_type_name(st->type));
	json_str(b, st->title);
	appendStringInfo(b, ",\"first_page\":%d,\"last_page\":%d,\"unit_scale\":",
					 st->first_page, st->last_page);
	json_str(b, valid_decimal(st->unit_scale) ? st->unit_scale : NULL);
	appendStringInfoString(b, ",\"currency\":");
	json_str(b, st->currency[0] ? st->currency : NULL);
	appendStringInfoString(b, ",\"checks\":");
	checks_json(b, st, notes, &passed, &failed);
	appendStringInfo(b, ",\"checks_passed\":%d,\"checks_failed\":%d}", passed, failed);
}

/* Append one period's row object. */
static void
period_json(StringInfo b, const fx_period *p, int seq, int col)
{
	appendStringInfo(b, "{\"seq\":%d,\"col\":%d,\"label\":", seq, col);
	json_str(b, p->label ? p->label : "");
	if (valid_date(p->end_year, p->end_month, p->end_day))
		appendStringInfo(b, ",\"period_end\":\"%04d-%02d-%02d\"",
						 p->end_year, p->end_month, p->end_day);
	else
		appendStringInfoString(b, ",\"period_end\":null");
	if (p->months > 0)
		appendStringInfo(b, ",\"period_months\":%d}", p->months);
	else
		appendStringInfoString(b, ",\"period_months\":null}");
}

/* Append one line item's row object; conf: its values' OCR confidences. */
static void
item_json(StringInfo b, const fx_item *it, int nperiods, int seq, int row,
		  const int *conf)
{
	appendStringInfo(b, "{\"seq\":%d,\"row_no\":%d,\"page\":%d,\"line_no\":%d,\"label\":",
					 seq, row, it->page, it->line_no);
	json_str(b, it->label ? it->label : "");
	appendStringInfo(b, ",\"indent\":%d,\"is_total\":%s,\"generated_label\":%s,\"values\":[",
					 it->indent, it->is_total ? "true" : "false",
					 it->generated_label ? "true" : "false");
	for (int k = 0; k < nperiods; k++)
	{
		const char *v = it->values ? it->values[k] : NULL;

		if (k)
			appendStringInfoChar(b, ',');
		json_str(b, valid_decimal(v) ? v : NULL);
	}
	appendStringInfoString(b, "],\"concept\":");
	json_str(b, it->concept);
	appendStringInfoString(b, ",\"ocr_confidence\":");
	if (conf == NULL || nperiods == 0)
	{
		appendStringInfoString(b, "null}");
		return;
	}
	for (int k = 0; k < nperiods; k++)
	{
		appendStringInfoChar(b, k ? ',' : '[');
		if (conf[k] >= 0 && it->values && valid_decimal(it->values[k]))
			appendStringInfo(b, "%d", conf[k]);
		else
			appendStringInfoString(b, "null");
	}
	appendStringInfoString(b, "]}");
}

/* The three JSON arrays that carry a parse result (and ocr) into SQL. */
static void
result_json(const fx_result *res, const FxOcrNotes *ocr, StringInfo sts,
			StringInfo pers, StringInfo items)
{
	bool		first_p = true,
				first_i = true;

	appendStringInfoChar(sts, '[');
	appendStringInfoChar(pers, '[');
	appendStringInfoChar(items, '[');
	for (int s = 0; s < res->nstatements; s++)
	{
		const fx_statement *st = &res->statements[s];
		bool		by_ocr = ocr && s < ocr->nstatements && ocr->ocr[s];

		if (s)
			appendStringInfoChar(sts, ',');
		statement_json(sts, st, s + 1, by_ocr ? ocr->notes[s] : NULL);
		for (int p = 0; p < st->nperiods; p++, first_p = false)
		{
			if (!first_p)
				appendStringInfoChar(pers, ',');
			period_json(pers, &st->periods[p], s + 1, p + 1);
		}
		for (int i = 0; i < st->nitems; i++, first_i = false)
		{
			if (!first_i)
				appendStringInfoChar(items, ',');
			item_json(items, &st->items[i], st->nperiods, s + 1, i + 1,
					  by_ocr ? ocr->conf[s] + i * st->nperiods : NULL);
		}
	}
	appendStringInfoChar(sts, ']');
	appendStringInfoChar(pers, ']');
	appendStringInfoChar(items, ']');
}

/* Cache one engine's page texts (NULL entries are skipped). */
static void
cache_texts(int64 document_id, const char *engine, int npages, char **pages)
{
	Oid			types[3] = {INT8OID, TEXTOID, TEXTARRAYOID};
	Datum		vals[3];

	vals[0] = Int64GetDatum(document_id);
	vals[1] = CStringGetTextDatum(engine);
	vals[2] = text_array(pages, npages);
	exec("INSERT INTO finx.page_texts (document_id, engine, page, text) "
		 "SELECT $1, $2, u.ord, u.t FROM pg_catalog.unnest($3) WITH ORDINALITY AS u(t, ord) "
		 "WHERE u.t IS NOT NULL ON CONFLICT DO NOTHING",
		 3, types, vals, NULL);
}

/*
 * Cache OCR page texts with their word confidences (conf may be NULL, and
 * so may its entries: confidence unknown).
 */
static void
cache_ocr_texts(int64 document_id, const char *engine, int npages, char **pages,
				FxOcrConf **conf)
{
	Oid			types[5] = {INT8OID, TEXTOID, TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID};
	Datum		vals[5];
	char	  **means = palloc0(sizeof(char *) * Max(npages, 1));
	char	  **words = palloc0(sizeof(char *) * Max(npages, 1));

	for (int i = 0; conf && i < npages; i++)
	{
		if (conf[i] == NULL)
			continue;
		if (conf[i]->mean >= 0)
			means[i] = psprintf("%.1f", conf[i]->mean);
		words[i] = fx_ocr_conf_words_json(conf[i]);
	}
	vals[0] = Int64GetDatum(document_id);
	vals[1] = CStringGetTextDatum(engine);
	vals[2] = text_array(pages, npages);
	vals[3] = text_array(means, npages);
	vals[4] = text_array(words, npages);
	exec("INSERT INTO finx.page_texts (document_id, engine, page, text, ocr_confidence, ocr_words) "
		 "SELECT $1, $2, u.ord, u.t, u.m::real, u.w::jsonb "
		 "FROM ROWS FROM (pg_catalog.unnest($3), pg_catalog.unnest($4), pg_catalog.unnest($5)) "
		 "WITH ORDINALITY AS u(t, m, w, ord) "
		 "WHERE u.t IS NOT NULL ON CONFLICT DO NOTHING",
		 5, types, vals, NULL);
}

/* Record the page count and cache the texts of an attempt. */
static void
store_pages(int64 document_id, const FxTexts *t)
{
	Oid			types[2] = {INT8OID, INT4OID};
	Datum		vals[2];

	if (t == NULL || t->npages <= 0)
		return;
	vals[0] = Int64GetDatum(document_id);
	vals[1] = Int32GetDatum(t->npages);
	exec("UPDATE finx.documents SET pages = $2 WHERE id = $1 AND pages IS DISTINCT FROM $2",
		 2, types, vals, NULL);
	if (t->pages)
		cache_texts(document_id, t->engine, t->npages, t->pages);
	if (t->ocr_pages)
		cache_ocr_texts(document_id, t->ocr_engine, t->npages, t->ocr_pages,
						t->ocr_conf);
}

/* Insert statements, periods and items of a result for a job. */
static void
store_result(int64 job_id, int64 document_id, const fx_result *res,
			 const FxOcrNotes *ocr)
{
	StringInfoData sts,
				pers,
				items;
	Oid			types[3] = {INT8OID, INT8OID, TEXTOID};
	Datum		vals[3];

	initStringInfo(&sts);
	initStringInfo(&pers);
	initStringInfo(&items);
	result_json(res, ocr, &sts, &pers, &items);
	vals[0] = Int64GetDatum(job_id);
	vals[1] = Int64GetDatum(document_id);
	vals[2] = CStringGetTextDatum(sts.data);
	exec("INSERT INTO finx.statements (job_id, document_id, seq, statement_type, title, "
		 "first_page, last_page, unit_scale, currency, checks, checks_passed, checks_failed) "
		 "SELECT $1, $2, x.seq, x.statement_type, x.title, x.first_page, x.last_page, "
		 "x.unit_scale, x.currency, x.checks, x.checks_passed, x.checks_failed "
		 "FROM pg_catalog.jsonb_to_recordset($3::jsonb) AS x(seq int, statement_type text, title text, "
		 "first_page int, last_page int, unit_scale numeric, currency text, checks jsonb, "
		 "checks_passed int, checks_failed int)",
		 3, types, vals, NULL);
	vals[2] = CStringGetTextDatum(pers.data);
	exec("INSERT INTO finx.statement_periods (statement_id, col, label, period_end, period_months) "
		 "SELECT s.id, p.col, p.label, p.period_end, p.period_months "
		 "FROM pg_catalog.jsonb_to_recordset($3::jsonb) AS p(seq int, col int, label text, "
		 "period_end date, period_months int) "
		 "JOIN finx.statements s ON s.job_id = $1 AND s.seq = p.seq WHERE $2 IS NOT NULL",
		 3, types, vals, NULL);
	vals[2] = CStringGetTextDatum(items.data);
	/* an LLM's concept, if finx.concepts still has it */
	exec("INSERT INTO finx.line_items (statement_id, row_no, page, line_no, label, indent, "
		 "is_total, generated_label, \"values\", ocr_confidence, concept, concept_source) "
		 "SELECT s.id, i.row_no, i.page, i.line_no, i.label, i.indent, i.is_total, "
		 "i.generated_label, i.\"values\", i.ocr_confidence, k.concept, "
		 "CASE WHEN k.concept IS NOT NULL THEN 'llm' END "
		 "FROM pg_catalog.jsonb_to_recordset($3::jsonb) AS i(seq int, row_no int, page int, line_no int, "
		 "label text, indent int, is_total bool, generated_label bool, \"values\" numeric[], "
		 "ocr_confidence smallint[], concept text) "
		 "LEFT JOIN finx.concepts k ON k.concept = i.concept "
		 "JOIN finx.statements s ON s.job_id = $1 AND s.seq = i.seq WHERE $2 IS NOT NULL",
		 3, types, vals, NULL);
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
	vals[2] = text_array_list(o->warnings);
	/* the fence: only the holder of this attempt may finish the job */
	a->done = exec("UPDATE finx.jobs SET state = 'succeeded', stage = 'done', "
				   "finished_at = pg_catalog.now(), last_error = NULL, warnings = $3 "
				   "WHERE id = $1 AND attempt = $2 AND state = 'running'",
				   3, types, vals, NULL) > 0;
	if (!a->done)
		return;
	store_pages(o->claim->document_id, &o->texts);
	store_result(o->claim->id, o->claim->document_id, o->res, o->ocr);
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

	if (!in_xact("storing statements", complete_body, &a, err))
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
	n = exec("UPDATE finx.jobs SET "
			 "state = CASE WHEN $3 AND attempt < max_attempts THEN 'queued' ELSE 'failed' END, "
			 "finished_at = CASE WHEN $3 AND attempt < max_attempts THEN NULL ELSE pg_catalog.now() END, "
			 "run_after = pg_catalog.now() + pg_catalog.make_interval(secs => $4), last_error = $5 "
			 "WHERE id = $1 AND attempt = $2 AND state = 'running' RETURNING state",
			 5, types, vals, NULL);
	a->done = n > 0;
	if (!a->done)
		return;
	failed = strcmp(SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1), "failed") == 0;
	store_pages(a->claim->document_id, a->texts);
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

	if (!in_xact("recording a failed attempt", fail_body, &a, err))
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
	rows = exec("SELECT id FROM finx.jobs WHERE id = ANY($1) AND state <> 'running'",
				1, types, vals, NULL);
	for (uint64 r = 0; r < rows; r++)
	{
		int64	   *id = MemoryContextAlloc(a->cxt, sizeof(int64));

		*id = col_int64(r, 1);
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
	if (!in_xact("checking for cancelled jobs", not_running_body, &a, err))
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
	exec("UPDATE finx.jobs SET stage = $3 WHERE id = $1 AND attempt = $2 "
		 "AND state = 'running' AND stage IS DISTINCT FROM $3",
		 3, types, vals, NULL);
}

/* Show where a running job is (finx.jobs.stage); failures only logged. */
void
fx_store_set_stage(const FxClaim *c, const char *stage)
{
	StageArgs	a = {c, stage};
	char	   *err;

	(void) in_xact("updating a job's stage", stage_body, &a, &err);
}

typedef struct WhisperArgs
{
	int64		document_id;
	const char *pages_key;
	const char *mode;
	const char *hash;			/* in: to save; out: found */
	int			n;
	const int  *pages;
	char	  **texts;
	const char *engine;
	MemoryContext cxt;
	int			op;
} WhisperArgs;

enum
{
	WH_GET, WH_SAVE, WH_FORGET, WH_RETRIEVED
};

/* Body of the fx_store_whisper_* functions. */
static void
whisper_body(void *arg)
{
	WhisperArgs *a = arg;
	Oid			types[4] = {INT8OID, TEXTOID, TEXTOID, TEXTOID};
	Datum		vals[4];

	vals[0] = Int64GetDatum(a->document_id);
	vals[1] = CStringGetTextDatum(a->pages_key);
	vals[2] = CStringGetTextDatum(a->mode);
	vals[3] = CStringGetTextDatum(a->hash ? a->hash : "");
	if (a->op == WH_GET)
	{
		if (exec("SELECT whisper_hash FROM finx.whisper_extractions WHERE document_id = $1 "
				 "AND pages = $2 AND mode = $3 AND state = 'submitted'", 3, types, vals, NULL) > 0)
			a->hash = col_text(0, 1, a->cxt);
	}
	else if (a->op == WH_SAVE)
		exec("INSERT INTO finx.whisper_extractions (document_id, pages, mode, whisper_hash, state, submitted_at) "
			 "VALUES ($1, $2, $3, $4, 'submitted', pg_catalog.now()) ON CONFLICT (document_id, pages, mode) "
			 "DO UPDATE SET whisper_hash = $4, state = 'submitted', submitted_at = pg_catalog.now(), retrieved_at = NULL",
			 4, types, vals, NULL);
	else if (a->op == WH_FORGET)
		exec("DELETE FROM finx.whisper_extractions WHERE document_id = $1 AND pages = $2 AND mode = $3",
			 3, types, vals, NULL);
	else
	{
		char	  **all = palloc0(sizeof(char *) * (a->pages[a->n - 1]));

		for (int i = 0; i < a->n; i++)
			all[a->pages[i] - 1] = a->texts[i];
		cache_texts(a->document_id, a->engine, a->pages[a->n - 1], all);
		exec("UPDATE finx.whisper_extractions SET state = 'retrieved', retrieved_at = pg_catalog.now() "
			 "WHERE document_id = $1 AND pages = $2 AND mode = $3", 3, types, vals, NULL);
	}
}

/* The hash of a submitted, not yet retrieved extraction, or NULL. */
char *
fx_store_whisper_get(int64 document_id, const char *pages_key, const char *mode)
{
	WhisperArgs a = {document_id, pages_key, mode, NULL, 0, NULL, NULL, NULL,
	CurrentMemoryContext, WH_GET};
	char	   *err;

	(void) in_xact("reading a whisper extraction", whisper_body, &a, &err);
	return (char *) a.hash;
}

/* Commit a whisper hash right after the submit was accepted. */
bool
fx_store_whisper_save(int64 document_id, const char *pages_key, const char *mode,
					  const char *hash, char **err)
{
	WhisperArgs a = {document_id, pages_key, mode, hash, 0, NULL, NULL, NULL,
	CurrentMemoryContext, WH_SAVE};

	return in_xact("saving a whisper hash", whisper_body, &a, err);
}

/* Forget an extraction whose hash the server no longer knows. */
void
fx_store_whisper_forget(int64 document_id, const char *pages_key, const char *mode)
{
	WhisperArgs a = {document_id, pages_key, mode, NULL, 0, NULL, NULL, NULL,
	CurrentMemoryContext, WH_FORGET};
	char	   *err;

	(void) in_xact("forgetting a whisper extraction", whisper_body, &a, &err);
}

/* Commit retrieved text (pages ascending) before anything uses it. */
bool
fx_store_whisper_retrieved(int64 document_id, const char *pages_key, const char *mode,
						   const char *engine, const int *pages, char **texts, int n,
						   char **err)
{
	WhisperArgs a = {document_id, pages_key, mode, NULL, n, pages, texts, engine,
	CurrentMemoryContext, WH_RETRIEVED};

	return in_xact("storing retrieved text", whisper_body, &a, err);
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
		json_str(&b, r->provider);
		appendStringInfoString(&b, ",\"endpoint\":");
		json_str(&b, r->endpoint);
		appendStringInfo(&b, ",\"attempt\":%d,\"queued_at\":\"%s\",\"started_at\":\"%s\","
						 "\"finished_at\":\"%s\",\"http_status\":%d,\"bytes_out\":%lld,"
						 "\"bytes_in\":%lld,\"error\":",
						 r->attempt, ts_queued, ts_started, ts_finished,
						 r->status, (long long) r->bytes_out, (long long) r->bytes_in);
		json_str(&b, r->error);
		appendStringInfoString(&b, ",\"request_id\":");
		json_str(&b, r->request_id);
		appendStringInfoChar(&b, '}');
		first = false;
	}
	appendStringInfoChar(&b, ']');
	vals[0] = CStringGetTextDatum(b.data);
	exec("INSERT INTO finx.requests (job_id, statement, provider, endpoint, attempt, queued_at, "
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
		(void) in_xact("storing the request trace", trace_body, rows, &err);
}

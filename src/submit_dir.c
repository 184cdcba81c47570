/*-------------------------------------------------------------------------
 *
 * submit_dir.c
 *	  finx_submit_dir: queue the new PDFs of a server directory (an inbox
 *	  that pg_cron polls).
 *
 * This file owns finx.inbox_files, the stat cache that makes a call every
 * minute cheap: one row per (directory, file name, options, calling role) with the size
 * and modification time last seen, the content hash, the job it led to, or
 * the error that made the file unusable.  A file whose size and mtime are
 * unchanged is not opened again; a changed one is read and hashed, and it
 * is queued only if no job of the calling role already has that content
 * with the same options (the rule the worker uses to reuse results, so
 * max_attempts does not count).  Each file is handled in a subtransaction:
 * a bad file is skipped with a WARNING carrying its own SQLSTATE, and is
 * remembered by size and mtime so that it is not read again every minute.
 * Only the directory itself is listed (no recursion); dot files are never
 * matched, whatever the pattern (even ".*"), so "copy to .name, then
 * rename" gives atomic delivery.  Calls on the same directory are serialised
 * with a transaction-level advisory lock.  All SQL is parameterised and runs
 * with search_path = pg_catalog, pg_temp.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "common/cryptohash.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "storage/fd.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
#include "utils/timestamp.h"

#include "api.h"
#include "finextract.h"
#include "options.h"
#include "pdfcheck.h"
#include "search_path.h"
#include "spi_exec.h"

PG_FUNCTION_INFO_V1(finx_submit_dir);

/* first key of the advisory lock that serialises calls on one directory */
#define INBOX_LOCK_KEY 0x66696e78	/* "finx" */

/* A file of the directory listing. */
typedef struct InboxFile
{
	char	   *name;
	int64		size;
	TimestampTz mtime;
} InboxFile;

/* What handling one changed file came to. */
typedef struct FileOutcome
{
	char		sha[65];		/* "" when the file could not be read */
	int64		job_id;			/* new or earlier job, 0 if none */
	bool		queued;			/* a new job was queued */
	char	   *error;			/* why the file was skipped, or NULL */
	char	   *sqlstate;
} FileOutcome;


/* The pattern must name files of this one directory. */
static void
check_pattern(const char *pattern)
{
	if (pattern[0] == '\0' || strchr(pattern, '/') != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid file name pattern \"%s\"", pattern),
				 errdetail("A pattern matches file names in the directory itself and may not contain a slash."),
				 errhint("Use a shell pattern such as \"*.pdf\".")));
}

/* Resolve the directory and check it under the rules of finx_submit(path). */
static char *
resolve_dir(const char *dir)
{
	char		resolved[PATH_MAX];
	struct stat st;

	if (!is_absolute_path(dir))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("relative path \"%s\" is not allowed", dir),
				 errhint("Give the absolute path of the directory on the database server.")));
	if (realpath(dir, resolved) == NULL || stat(resolved, &st) < 0)
	{
		if (errno == ENOENT || errno == ENOTDIR)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_FILE),
					 errmsg("directory \"%s\" does not exist", dir),
					 errhint("Check the path; it is read on the database server, not the client.")));
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not access directory \"%s\": %m", dir),
				 errhint("The directory must be readable by the operating system user that runs the database server.")));
	}
	if (!S_ISDIR(st.st_mode))
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not a directory", dir),
				 errhint("Give the path of a directory; use finx_submit() for a single file.")));
	/* the files directly in the directory are what must be allowed */
	if (!fx_path_allowed(psprintf("%s/", strcmp(resolved, "/") == 0 ? "" : resolved),
						 finx_input_dirs))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("directory \"%s\" is outside the directories finextract may read", dir),
				 errdetail("Its resolved path is \"%s\".", resolved),
				 errhint("Use a directory inside one of the directories of finextract.input_dirs.")));
	return pstrdup(resolved);
}

/* A stat() modification time as a timestamptz (microseconds). */
static TimestampTz
mtime_of(const struct stat *st)
{
	return time_t_to_timestamptz(st->st_mtim.tv_sec) + st->st_mtim.tv_nsec / 1000;
}

/* Order listing entries by name, bytewise (as COLLATE "C"). */
static int
file_cmp(const void *a, const void *b)
{
	return strcmp(((const InboxFile *) a)->name, ((const InboxFile *) b)->name);
}

/* Does a file name match the pattern?  A dot file never does. */
static bool
name_matches(const char *pattern, const char *name)
{
	return name[0] != '.' && fnmatch(pattern, name, FNM_PERIOD) == 0;
}

/* The regular files of dir whose names match pattern, sorted by name. */
static InboxFile *
list_dir(const char *dir, const char *pattern, int *nfiles)
{
	DIR		   *d = AllocateDir(dir);
	struct dirent *de;
	int			cap = 64,
				n = 0;
	InboxFile  *files = palloc(sizeof(InboxFile) * cap);

	while ((de = ReadDir(d, dir)) != NULL)
	{
		struct stat st;
		char	   *path;

		CHECK_FOR_INTERRUPTS();
		if (!name_matches(pattern, de->d_name))
			continue;
		if (!pg_verifymbstr(de->d_name, strlen(de->d_name), true))
		{
			ereport(WARNING,
					(errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE),
					 errmsg("skipping a file in \"%s\" whose name is not valid in the database encoding", dir),
					 errhint("Rename the file using only characters of the database encoding.")));
			continue;
		}
		path = psprintf("%s/%s", dir, de->d_name);
		/* follows symbolic links; vanished files and subdirectories are skipped */
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (n == cap)
			files = repalloc(files, sizeof(InboxFile) * (cap *= 2));
		files[n].name = pstrdup(de->d_name);
		files[n].size = (int64) st.st_size;
		files[n].mtime = mtime_of(&st);
		n++;
	}
	FreeDir(d);
	if (n > 1)
		qsort(files, n, sizeof(InboxFile), file_cmp);
	*nfiles = n;
	return files;
}

/* Serialise calls on the same directory until the transaction ends. */
static void
lock_dir(const char *dir)
{
	Oid			types[2] = {INT4OID, TEXTOID};
	Datum		vals[2];

	vals[0] = Int32GetDatum(INBOX_LOCK_KEY);
	vals[1] = CStringGetTextDatum(dir);
	(void) fx_spi_exec_count("SELECT pg_catalog.pg_advisory_xact_lock($1, pg_catalog.hashtext($2))",
							 2, types, vals, NULL, 1);
}

/* The cache rows of dir and options, sorted by name like the listing. */
static InboxFile *
load_known(const char *dir, Jsonb *options, int *nknown)
{
	Oid			types[3] = {TEXTOID, JSONBOID, OIDOID};
	Datum		vals[3];
	InboxFile  *known;
	uint64		n;

	vals[0] = CStringGetTextDatum(dir);
	vals[1] = JsonbPGetDatum(options);
	vals[2] = ObjectIdGetDatum(GetOuterUserId());
	n = fx_spi_exec("SELECT name, size, mtime FROM finx.inbox_files "
					"WHERE dir = $1 AND options = $2 AND submitted_by = $3 "
					"ORDER BY name COLLATE pg_catalog.\"C\"",
					3, types, vals, NULL);
	known = palloc(sizeof(InboxFile) * Max(n, 1));
	for (uint64 r = 0; r < n; r++)
	{
		HeapTuple	tup = SPI_tuptable->vals[r];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;

		known[r].name = SPI_getvalue(tup, desc, 1);
		known[r].size = DatumGetInt64(SPI_getbinval(tup, desc, 2, &isnull));
		known[r].mtime = DatumGetTimestampTz(SPI_getbinval(tup, desc, 3, &isnull));
	}
	*nknown = (int) n;
	return known;
}

/* An earlier job of the caller on this content with the same options, or 0. */
static int64
earlier_job(const char *sha, Jsonb *options)
{
	Oid			types[3] = {TEXTOID, JSONBOID, OIDOID};
	Datum		vals[3];

	vals[0] = CStringGetTextDatum(sha);
	vals[1] = JsonbPGetDatum(options);
	vals[2] = ObjectIdGetDatum(GetOuterUserId());
	if (fx_spi_exec_count("SELECT j.id FROM finx.jobs j "
						  "JOIN finx.documents d ON d.id = j.document_id "
						  "WHERE d.sha256 = $1 AND j.submitted_by = $3 "
						  "AND finx.same_result_options(j.options, $2) "
						  "ORDER BY j.id DESC LIMIT 1",
						  3, types, vals, NULL, 1) == 0)
		return 0;
	return fx_spi_int64(0, 1, NULL);
}

/* Read, hash and queue one file unless its content was queued before. */
static void
submit_file(const char *path, Jsonb *options, FileOutcome *out)
{
	char	   *file_name;
	bytea	   *content;

	content = fx_read_pdf_file(path, (int64) finx_max_file_size_kb * 1024,
							   finx_input_dirs, &file_name);
	fx_sha256_hex(VARDATA_ANY(content), VARSIZE_ANY_EXHDR(content), out->sha);
	out->job_id = earlier_job(out->sha, options);
	if (out->job_id != 0)
		return;
	out->job_id = fx_submit_content(file_name, content, options);
	out->queued = true;
}

/* Should an error about one file abort the whole call? */
static bool
error_aborts_call(int sqlerrcode)
{
	int			category = ERRCODE_TO_CATEGORY(sqlerrcode);

	return category == ERRCODE_TRANSACTION_ROLLBACK ||
		category == ERRCODE_INSUFFICIENT_RESOURCES ||
		category == ERRCODE_OPERATOR_INTERVENTION ||
		sqlerrcode == ERRCODE_INTERNAL_ERROR;
}

/*
 * Handle one new or changed file in a subtransaction.  An error that is
 * about the file becomes a WARNING and out->error; any other is re-thrown.
 */
static void
handle_file(const char *path, Jsonb *options, FileOutcome *out)
{
	MemoryContext cxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;

	memset(out, 0, sizeof(FileOutcome));
	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(cxt);
	PG_TRY();
	{
		submit_file(path, options, out);
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(cxt);
		CurrentResourceOwner = owner;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(cxt);
		CurrentResourceOwner = owner;
		if (error_aborts_call(edata->sqlerrcode))
			ReThrowError(edata);
		out->queued = false;
		out->job_id = 0;
		out->error = edata->message;
		out->sqlstate = pstrdup(unpack_sql_state(edata->sqlerrcode));
		ereport(WARNING,
				(errcode(edata->sqlerrcode),
				 errmsg("skipping file \"%s\": %s", path, edata->message),
				 edata->detail ? errdetail_internal("%s", edata->detail) : 0,
				 errhint("The file is not read again until its size or modification time changes.")));
	}
	PG_END_TRY();
}

/* Remember what a file came to, under its current size and mtime. */
static void
record_file(const char *dir, const InboxFile *f, Jsonb *options,
			const FileOutcome *out)
{
	Oid			types[10] = {TEXTOID, TEXTOID, JSONBOID, INT8OID, TIMESTAMPTZOID,
	TEXTOID, INT8OID, TEXTOID, TEXTOID, OIDOID};
	Datum		vals[10];
	char		nulls[10] = {' ', ' ', ' ', ' ', ' ', out->sha[0] ? ' ' : 'n',
	out->job_id ? ' ' : 'n', out->error ? ' ' : 'n', out->sqlstate ? ' ' : 'n', ' '};

	vals[0] = CStringGetTextDatum(dir);
	vals[1] = CStringGetTextDatum(f->name);
	vals[2] = JsonbPGetDatum(options);
	vals[3] = Int64GetDatum(f->size);
	vals[4] = TimestampTzGetDatum(f->mtime);
	vals[5] = out->sha[0] ? CStringGetTextDatum(out->sha) : (Datum) 0;
	vals[6] = Int64GetDatum(out->job_id);
	vals[7] = out->error ? CStringGetTextDatum(out->error) : (Datum) 0;
	vals[8] = out->sqlstate ? CStringGetTextDatum(out->sqlstate) : (Datum) 0;
	vals[9] = ObjectIdGetDatum(GetOuterUserId());
	(void) fx_spi_exec("INSERT INTO finx.inbox_files AS f (dir, name, options, size, mtime, "
					   "sha256, job_id, error, sqlstate, submitted_by) "
					   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
					   "ON CONFLICT (dir, name, options, submitted_by) DO UPDATE SET "
					   "size = excluded.size, mtime = excluded.mtime, sha256 = excluded.sha256, "
					   "job_id = excluded.job_id, error = excluded.error, "
					   "sqlstate = excluded.sqlstate, checked_at = pg_catalog.now()",
					   10, types, vals, nulls);
}

/* Forget cache rows of files that matched the pattern and are gone. */
static void
forget_files(const char *dir, Jsonb *options, List *names)
{
	Oid			types[4] = {TEXTOID, JSONBOID, TEXTARRAYOID, OIDOID};
	Datum		vals[4];
	Datum	   *d;
	int			n = 0;
	ListCell   *lc;

	if (names == NIL)
		return;
	d = palloc(sizeof(Datum) * list_length(names));
	foreach(lc, names)
		d[n++] = CStringGetTextDatum((char *) lfirst(lc));
	vals[0] = CStringGetTextDatum(dir);
	vals[1] = JsonbPGetDatum(options);
	vals[2] = PointerGetDatum(construct_array(d, n, TEXTOID, -1, false, TYPALIGN_INT));
	vals[3] = ObjectIdGetDatum(GetOuterUserId());
	(void) fx_spi_exec("DELETE FROM finx.inbox_files WHERE dir = $1 AND options = $2 "
					   "AND name = ANY ($3) AND submitted_by = $4",
					   4, types, vals, NULL);
}

/* Handle a listed file that is new or changed; returns 1 if it was queued. */
static int
new_or_changed(const char *dir, const InboxFile *f, Jsonb *options,
			   MemoryContext file_cxt)
{
	MemoryContext old = MemoryContextSwitchTo(file_cxt);
	FileOutcome out;
	int			queued;

	handle_file(psprintf("%s/%s", dir, f->name), options, &out);
	record_file(dir, f, options, &out);
	queued = out.queued ? 1 : 0;
	MemoryContextSwitchTo(old);
	MemoryContextReset(file_cxt);
	return queued;
}

/*
 * Walk the sorted listing and the sorted cache rows together: unchanged
 * files are skipped, new or changed ones handled, vanished ones forgotten.
 * Returns the number of jobs queued.
 */
static int
merge_listing(const char *dir, const char *pattern, Jsonb *options,
			  InboxFile *files, int nfiles, InboxFile *known, int nknown)
{
	MemoryContext file_cxt = AllocSetContextCreate(CurrentMemoryContext,
												   "finx_submit_dir file",
												   ALLOCSET_DEFAULT_SIZES);
	List	   *gone = NIL;
	int			queued = 0;
	int			i = 0,
				k = 0;

	while (i < nfiles || k < nknown)
	{
		int			c = i >= nfiles ? 1 : k >= nknown ? -1 :
			strcmp(files[i].name, known[k].name);

		CHECK_FOR_INTERRUPTS();
		if (c > 0)
		{
			if (name_matches(pattern, known[k].name))
				gone = lappend(gone, known[k].name);
			k++;
			continue;
		}
		if (c < 0 || files[i].size != known[k].size || files[i].mtime != known[k].mtime)
			queued += new_or_changed(dir, &files[i], options, file_cxt);
		if (c == 0)
			k++;
		i++;
	}
	forget_files(dir, options, gone);
	MemoryContextDelete(file_cxt);
	return queued;
}

/* finx_submit_dir(dir text, pattern text, options jsonb) returns integer */
Datum
finx_submit_dir(PG_FUNCTION_ARGS)
{
	char	   *dir = text_to_cstring(PG_GETARG_TEXT_PP(0));
	char	   *pattern = text_to_cstring(PG_GETARG_TEXT_PP(1));
	Jsonb	   *options = PG_GETARG_JSONB_P(2);
	FxJobOptions opts;
	char	   *resolved;
	InboxFile  *files,
			   *known;
	int			nfiles,
				nknown,
				queued,
				nestlevel;

	fx_check_read_server_files();
	fx_options_parse(options, &opts);
	check_pattern(pattern);
	resolved = resolve_dir(dir);

	nestlevel = fx_search_path_push();
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	lock_dir(resolved);
	/* list after taking the lock, so a waiting call sees what the first did */
	files = list_dir(resolved, pattern, &nfiles);
	known = load_known(resolved, options, &nknown);
	queued = merge_listing(resolved, pattern, options, files, nfiles, known, nknown);
	SPI_finish();
	fx_search_path_pop(nestlevel);
	PG_RETURN_INT32(queued);
}

/*-------------------------------------------------------------------------
 *
 * pipeline.c
 *	  What the worker does with each claimed job, step by step, without
 *	  ever blocking the loop.
 *
 * A job moves through: reuse (an earlier job on the same document and
 * options succeeded: done), text (the text cache, or pdftotext children:
 * pipeline_text.c), OCR of the pages without a text layer, structure and
 * check (the C parser, on text, never on the PDF itself; or the remote
 * steps of pipeline_remote.c), store (one fenced transaction).  Every
 * job has its own memory context, freed when it ends.  Each failure is
 * given its kind (a time limit or a crash is transient; a corrupt PDF or no
 * statements found is terminal) and src/failure.c decides whether the job
 * is queued again; store.c records it.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <unistd.h>

#include "common/pg_prng.h"
#include "lib/ilist.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "utils/memutils.h"

#include "finextract.h"
#include "inprocess.h"
#include "pipeline.h"
#include "pipeline_int.h"
#include "redact.h"
#include "sandbox.h"

static FxLoop *pipe_loop = NULL;
static char *pipe_tmpdir = NULL;
static dlist_head jobs = DLIST_STATIC_INIT(jobs);
static int	njobs = 0;
static int	nfinished = 0;

/* Remember the loop and the directory for temporary PDF copies. */
void
fx_pipeline_init(FxLoop *loop, const char *tmpdir)
{
	pipe_loop = loop;
	pipe_tmpdir = MemoryContextStrdup(TopMemoryContext, tmpdir);
	fx_sandbox_init(tmpdir);
}

int
fx_pipeline_active(void)
{
	return njobs;
}

/* The running jobs (for progress.c). */
dlist_head *
fx_pipeline_jobs(void)
{
	return &jobs;
}

/* Jobs ended since the worker started (tells the worker to claim more). */
int
fx_pipeline_finished(void)
{
	return nfinished;
}

/* Forget a job: stop its child, remove its file, free its memory. */
void
fx_job_end(FxJob *job)
{
	for (int i = 0; i < job->nchunks; i++)
		if (job->chunks[i]->child)
			fx_child_cancel(job->chunks[i]->child);
	if (job->ocr)
		fx_ocr_cancel(job->ocr);
	fx_remote_cancel(job);
	if (job->pdf_path)
		(void) unlink(job->pdf_path);
	dlist_delete(&job->node);
	njobs--;
	nfinished++;
	/* callers may be running in the job's context; step out before freeing */
	if (CurrentMemoryContext == job->cxt)
		MemoryContextSwitchTo(TopMemoryContext);
	MemoryContextDelete(job->cxt);
}

/*
 * Tell the server log of a failed attempt: the job's row keeps only the
 * last reason, and a later success clears it.
 */
static void
log_failed_attempt(const FxJob *job, const char *error, const FxJobVerdict *v)
{
	ereport(LOG,
			(errmsg("finextract job %lld failed at attempt %d of %d: %s",
					(long long) job->claim.id, job->claim.attempt,
					job->claim.max_attempts, error),
			 v->retry ? errdetail("The job is queued again in %.0f s.", v->backoff_s) :
			 errdetail("The job will not be tried again.")));
}

/*
 * Record a failed attempt (caching any text it extracted) and end the job;
 * the failure policy says whether it is queued again, and when.
 */
void
fx_job_fail(FxJob *job, const char *error, FxFailKind kind)
{
	char	   *err;
	FxJobVerdict v = fx_fail_job_verdict(kind, job->claim.attempt,
										 job->claim.max_attempts,
										 pg_prng_double(&pg_global_prng_state));

	fx_remote_flush_trace();	/* the trace is complete when the job ends */
	/* the reason may quote a provider: it is stored and broadcast */
	error = fx_redact_pstrdup(error);
	if (fx_store_fail(&job->claim, error, v.retry, v.backoff_s, &job->texts, &err))
		log_failed_attempt(job, error, &v);
	fx_job_end(job);
}

/* Replace NUL bytes and invalid UTF-8 so the text can be stored and parsed. */
void
fx_sanitize_utf8(char *s, size_t len)
{
	size_t		i = 0;

	while (i < len)
	{
		unsigned char c = (unsigned char) s[i];
		int			l;

		if (c == 0)
		{
			s[i++] = ' ';
			continue;
		}
		if (c < 0x80)
		{
			i++;
			continue;
		}
		l = pg_utf_mblen((const unsigned char *) s + i);
		if (i + l > len || !pg_utf8_islegal((const unsigned char *) s + i, l))
		{
			s[i++] = '?';
			continue;
		}
		i += l;
	}
}

/* "3, 4, 9" from the pages without text that lie in the job's range. */
static char *
no_text_list(const fx_result *res, const FxJobOptions *opts, int *count)
{
	StringInfoData buf;

	initStringInfo(&buf);
	*count = 0;
	for (int i = 0; i < res->n_no_text; i++)
	{
		if (!fx_page_in_ranges(&opts->pages, res->no_text_pages[i]))
			continue;
		appendStringInfo(&buf, "%s%d", *count ? ", " : "", res->no_text_pages[i]);
		(*count)++;
	}
	return buf.data;
}

/*
 * For tests only: abort the worker (a crash of its own process) on a text
 * containing finextract.debug_crash_on_text, a superuser-only setting.
 */
static void
debug_crash(const char **texts, int npages)
{
	if (finx_debug_crash_text == NULL || finx_debug_crash_text[0] == '\0')
		return;
	for (int i = 0; i < npages; i++)
		if (strstr(texts[i], finx_debug_crash_text) != NULL)
			abort();
}

/* Run the parser over the job's pages (outside its range: blank). */
fx_result *
fx_job_parse(FxJob *job)
{
	char	  **pages = job->pages;
	int			npages = job->npages;
	const char **texts = palloc(sizeof(char *) * npages);
	size_t	   *lens = palloc(sizeof(size_t) * npages);
	fx_parse_opts popts;
	fx_result  *res;

	memset(&popts, 0, sizeof(popts));
	popts.ocr = job->used_ocr;
	/* only the pages OCR read are read as OCR, not the text layer's */
	if (job->used_ocr)
		popts.ocr_pages = job->ocr_read;
	for (int i = 0; i < npages; i++)
	{
		bool		in = fx_page_in_ranges(&job->opts.pages, i + 1);

		texts[i] = in ? pages[i] : "";
		lens[i] = in ? strlen(pages[i]) : 0;
	}
	fx_inprocess_enter(job->claim.id);	/* the document's text, in our process */
	debug_crash(texts, npages);
	res = fx_parse_document(texts, lens, npages, &popts);
	fx_inprocess_leave();
	return res;
}

/* Warnings of a successful parse, after those already gathered. */
static List *
result_warnings(const fx_result *res, const FxJobOptions *opts, List *w)
{
	int			nno;
	char	   *no_text = no_text_list(res, opts, &nno);
	int			failed = 0;

	if (nno > 0)
		w = lappend(w, psprintf("%d page(s) have no readable text layer and were not read; they need OCR: %s",
								nno, no_text));
	for (int s = 0; s < res->nstatements; s++)
		for (int c = 0; c < res->statements[s].nchecks; c++)
			failed += res->statements[s].checks[c].passed ? 0 : 1;
	if (failed > 0)
		w = lappend(w, psprintf("%d arithmetic check(s) failed; see finx.statements.checks", failed));
	/* the parser's own, such as a column whose period is not proven */
	for (int i = 0; i < res->nwarnings; i++)
		w = lappend(w, pstrdup(res->warnings[i]));
	return w;
}

/* Why the settings ran no OCR, as a suffix of a reason, or "". */
static const char *
no_ocr_reason(void)
{
	if (finx_ocr == FX_OCR_OFF)
		return "; finextract.ocr is off";
	if (finx_ocr == FX_OCR_LLMWHISPERER && !fx_whisper_configured())
		return "; finextract.ocr is llmwhisperer but finextract.llmwhisperer_api_key is not set";
	return "";
}

/* Why no statement was found, in words. */
static char *
no_statements_reason(FxJob *job, const fx_result *res)
{
	int			nno;
	char	   *no_text = no_text_list(res, &job->opts, &nno);

	if (nno > 0)
		return psprintf("no financial statements found; %d of %d page(s) have no readable text layer "
						"and need OCR (pages %s)%s", nno, job->npages, no_text,
						no_ocr_reason());
	return psprintf("no financial statements found in %d page(s)%s%s", job->npages,
					res->error ? ": " : "", res->error ? res->error : "");
}

/* Structure, check and store a job whose page texts are known. */
void
fx_job_finish_local(FxJob *job)
{
	fx_result  *res;

	fx_store_set_stage(&job->claim, "structure");
	res = fx_job_parse(job);
	if (res == NULL)
	{
		fx_job_fail(job, "out of memory while parsing the document", FX_FAIL_TRANSIENT);
		return;
	}
	if (job->ocr_conf)
		job->ocr_notes = fx_ocr_annotate(res, job->ocr_conf, job->npages,
										 finx_ocr_min_confidence);
	if (res->nstatements == 0)
	{
		char	   *why = no_statements_reason(job, res);
		ListCell   *lc;

		/* every warning (e.g. each page OCR failed on) belongs to the reason */
		foreach(lc, job->warnings)
			why = psprintf("%s; %s", why, (char *) lfirst(lc));
		fx_result_free(res);
		fx_job_fail(job, why, job->ocr_failure);
		return;
	}
	fx_job_complete(job, res);
}

/* The redacted form of a list of strings (a new list). */
static List *
redact_list(List *strings)
{
	List	   *out = NIL;
	ListCell   *lc;

	foreach(lc, strings)
		out = lappend(out, fx_redact_pstrdup(lfirst(lc)));
	return out;
}

/* Store a successful result (and the texts extracted), end the job. */
void
fx_job_complete(FxJob *job, fx_result *res)
{
	FxOutcome	o;
	char	   *err;

	fx_remote_flush_trace();	/* the trace is complete when the job ends */
	/* building the outcome from the document's result: in our process */
	fx_inprocess_enter(job->claim.id);
	memset(&o, 0, sizeof(o));
	o.claim = &job->claim;
	o.res = res;
	o.texts = job->texts;
	o.ocr = job->ocr_notes;
	o.warnings = result_warnings(res, &job->opts, job->warnings);
	if (job->ocr_conf)
		o.warnings = fx_ocr_warnings(job->ocr_conf, job->npages, job->ocr_notes,
									 finx_ocr_min_confidence, o.warnings);
	o.warnings = redact_list(o.warnings);
	fx_inprocess_leave();

	/*
	 * Storing is PostgreSQL's work on checked data (and the commit's wait
	 * for the disk): a stop there implicates no document.
	 */
	(void) fx_store_complete(&o, &err);
	fx_result_free(res);
	fx_job_end(job);
}

/* Does a page have (practically) no text layer? */
static bool
page_is_blank(const char *text)
{
	int			alnum = 0;

	for (const char *p = text; *p && alnum < 16; p++)
		alnum += (*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') ||
			(*p >= 'a' && *p <= 'z');
	return alnum < 16;
}

/* Write the document to a temporary file, once; false (job failed) on error. */
bool
fx_job_pdf_file(FxJob *job)
{
	char	   *err;

	if (job->pdf_path)
		return true;
	job->pdf_path = psprintf("%s/job-%lld-%d.pdf", pipe_tmpdir,
							 (long long) job->claim.id, job->claim.attempt);
	if (fx_store_write_content(job->claim.document_id, job->pdf_path, &err))
		return true;
	fx_job_fail(job, psprintf("could not prepare the document: %s", err), FX_FAIL_TRANSIENT);
	return false;
}

/* OCR of the blank pages ended: merge the texts and go on. */
static void
ocr_done(void *arg, char **texts, char **summaries, char **errors, FxFailKind kind)
{
	FxJob	   *job = arg;
	MemoryContext old = MemoryContextSwitchTo(job->cxt);
	int			k = 0;

	job->ocr = NULL;
	job->ocr_failure = kind;
	for (int i = 0; i < job->npages; i++)
	{
		if (!job->ocr_wait[i])
			continue;			/* not OCR'd in this batch */
		if (texts[k])
		{
			fx_sanitize_utf8(texts[k], strlen(texts[k]));
			if (summaries[k])
				fx_sanitize_utf8(summaries[k], strlen(summaries[k]));
			job->pages[i] = job->texts.ocr_pages[i] = texts[k];
			job->ocr_conf[i] = fx_ocr_conf_parse(summaries[k], texts[k]);
			job->used_ocr = job->ocr_read[i] = true;
		}
		else
			job->warnings = lappend(job->warnings,
									psprintf("page %d: %s", i + 1, errors[k]));
		k++;
	}
	fx_job_finish_local(job);
	MemoryContextSwitchTo(old);
}

/* OCR the pages without a text layer (from the cache where possible). */
static void
start_ocr(FxJob *job, int *todo, int ntodo)
{
	char	   *engine = fx_ocr_engine_key();
	char	  **cached;
	FxOcrConf **cached_conf = NULL;
	int			ncached = 0,
				n = 0;
	char	   *err;

	cached = fx_store_load_pages(job->claim.document_id, engine, true, &ncached, &err);
	if (cached && ncached == job->npages)
		cached_conf = fx_store_load_ocr_conf(job->claim.document_id, engine,
											 job->npages, &err);
	job->texts.ocr_engine = engine;
	job->texts.ocr_pages = palloc0(sizeof(char *) * job->npages);
	job->ocr_conf = job->texts.ocr_conf = palloc0(sizeof(FxOcrConf *) * job->npages);
	job->ocr_wait = palloc0(sizeof(bool) * job->npages);
	job->ocr_read = palloc0(sizeof(bool) * job->npages);
	for (int k = 0; k < ntodo; k++)
	{
		int			i = todo[k] - 1;

		if (cached && ncached == job->npages && cached[i])
		{
			job->pages[i] = cached[i];
			job->ocr_conf[i] = cached_conf ? cached_conf[i] : NULL;
			job->used_ocr = job->ocr_read[i] = true;
			continue;
		}
		job->ocr_wait[i] = true;
		todo[n++] = todo[k];
	}
	if (n == 0)
	{
		fx_job_finish_local(job);
		return;
	}
	if (!fx_job_pdf_file(job))
		return;
	fx_store_set_stage(&job->claim, "ocr");
	job->ocr = fx_ocr_start(job->claim.id, job->claim.role, job->pdf_path, todo, n, ocr_done, job);
}

/* The job's page ranges as the user wrote them (normalised): "2-3,9-". */
static char *
ranges_text(const fx_page_ranges *r)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int i = 0; i < r->n; i++)
	{
		appendStringInfo(&buf, "%s%d", i ? "," : "", r->lo[i]);
		if (r->hi[i] == FX_PAGE_OPEN_END)
			appendStringInfoChar(&buf, '-');
		else if (r->hi[i] != r->lo[i])
			appendStringInfo(&buf, "-%d", r->hi[i]);
	}
	return buf.data;
}

/* Does the "pages" option name at least one page of the document? */
static bool
range_meets_document(const FxJob *job)
{
	for (int i = 0; i < job->npages; i++)
		if (fx_page_in_ranges(&job->opts.pages, i + 1))
			return true;
	return false;
}

/* The text layer is known: OCR what has none (or an unreadable one), then structure. */
void
fx_job_have_text(FxJob *job)
{
	int		   *todo;
	int			ntodo = 0;

	if (job->npages == 0)
	{
		fx_job_fail(job, "the document has no pages", FX_FAIL_TERMINAL);
		return;
	}
	if (job->npages > finx_max_pages)
	{
		fx_job_fail(job, psprintf("the document has %d pages; finextract.max_pages allows %d",
								  job->npages, finx_max_pages), FX_FAIL_TERMINAL);
		return;
	}
	if (!range_meets_document(job))
	{
		fx_job_fail(job, psprintf("page range \"%s\" is outside the document (%d page%s)",
								  ranges_text(&job->opts.pages), job->npages,
								  job->npages == 1 ? "" : "s"), FX_FAIL_TERMINAL);
		return;
	}
	job->texts.npages = job->npages;
	todo = palloc(sizeof(int) * job->npages);
	for (int i = 0; i < job->npages; i++)
		if (fx_page_in_ranges(&job->opts.pages, i + 1) &&
			(page_is_blank(job->pages[i]) ||
			 fx_text_unreadable(job->pages[i], strlen(job->pages[i]))))
			todo[ntodo++] = i + 1;
	if (fx_remote_take(job, todo, ntodo))
		return;
	if (ntodo > 0 && fx_ocr_local_enabled())
		start_ocr(job, todo, ntodo);
	else
		fx_job_finish_local(job);
}

/* Parse the stored options; false (job failed) if they are unusable. */
static bool
load_options(FxJob *job)
{
	MemoryContext cxt = CurrentMemoryContext;
	volatile bool ok = true;

	PG_TRY();
	{
		fx_options_parse_text(job->claim.options, &job->opts);
	}
	PG_CATCH();
	{
		ErrorData  *e;

		MemoryContextSwitchTo(cxt);
		e = CopyErrorData();
		FlushErrorState();
		fx_job_fail(job, psprintf("invalid options: %s", e->message), FX_FAIL_TERMINAL);
		ok = false;
	}
	PG_END_TRY();
	return ok;
}

/* Take a claimed job through the pipeline. */
void
fx_pipeline_start(const FxClaim *claim)
{
	MemoryContext cxt = AllocSetContextCreate(TopMemoryContext, "finextract job",
											  ALLOCSET_DEFAULT_SIZES);
	MemoryContext old = MemoryContextSwitchTo(cxt);
	FxJob	   *job = palloc0(sizeof(FxJob));
	char	   *err;
	char	   *why = NULL;
	int64		twin;
	char	  **pages;
	int			npages = 0;

	job->cxt = cxt;
	job->claim = *claim;
	job->claim.file_name = pstrdup(claim->file_name);
	job->claim.options = pstrdup(claim->options);
	dlist_push_tail(&jobs, &job->node);
	njobs++;

	if (!load_options(job))
		;						/* failed and ended */
	else if ((why = fx_job_resolve_providers(job)) != NULL)
		fx_job_fail(job, why, FX_FAIL_TERMINAL);
	else
	{
		twin = fx_store_find_twin(&job->claim, &err);
		if (twin > 0)
		{
			(void) fx_store_complete_reused(&job->claim, twin, &err);
			fx_job_end(job);
		}
		else if ((pages = fx_store_load_pages(job->claim.document_id, fx_text_layer_engine(),
											  false, &npages, &err)) != NULL)
		{
			job->pages = pages;
			job->npages = npages;
			fx_job_have_text(job);
		}
		else
			fx_job_start_text(job);
	}
	MemoryContextSwitchTo(old);
}

/* Drop jobs that were cancelled (or taken away) while running. */
void
fx_pipeline_check_cancelled(void)
{
	List	   *ids = NIL;
	List	   *gone;
	dlist_iter	iter;
	dlist_mutable_iter it;
	char	   *err;

	dlist_foreach(iter, &jobs)
		ids = lappend(ids, &dlist_container(FxJob, node, iter.cur)->claim.id);
	gone = fx_store_not_running(ids, &err);
	dlist_foreach_modify(it, &jobs)
	{
		FxJob	   *job = dlist_container(FxJob, node, it.cur);
		ListCell   *lc;

		foreach(lc, gone)
		{
			if (*(int64 *) lfirst(lc) == job->claim.id)
			{
				fx_job_end(job);
				break;
			}
		}
	}
	list_free(ids);
	list_free_deep(gone);
}

/* The claims of the running jobs (a graceful stop gives them back). */
List *
fx_pipeline_claims(void)
{
	List	   *claims = NIL;
	dlist_iter	iter;

	dlist_foreach(iter, &jobs)
		claims = lappend(claims, &dlist_container(FxJob, node, iter.cur)->claim);
	return claims;
}

/* Worker exit: kill children and remove temporary files. */
void
fx_pipeline_shutdown(void)
{
	dlist_mutable_iter it;

	fx_child_kill_all();
	dlist_foreach_modify(it, &jobs)
	{
		FxJob	   *job = dlist_container(FxJob, node, it.cur);

		if (job->pdf_path)
			(void) unlink(job->pdf_path);
	}
}

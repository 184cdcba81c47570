/*-------------------------------------------------------------------------
 *
 * pipeline.c
 *	  What the worker does with each claimed job, step by step, without
 *	  ever blocking the loop.
 *
 * A job moves through: reuse (an earlier job on the same document and
 * options succeeded: done), text (the text cache, or pdftotext children on
 * a temporary copy of the PDF, one per chunk of finextract.text_chunk_pages
 * pages, so that a long document shares the child slots fairly with the
 * jobs behind it), structure and check (the C parser, on text, never on
 * the PDF itself), store (one fenced transaction).  Every
 * job has its own memory context, freed when it ends.  Each failure is
 * given its kind (a time limit or a crash is transient; a corrupt PDF or no
 * statements found is terminal) and src/failure.c decides whether the job
 * is queued again; store.c records it.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <sys/wait.h>
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

/*
 * The text layer is pdftotext -layout's text, or with finextract.text_words
 * word boxes (pdftotext -tsv) laid out by parse_words.c; the cache keeps
 * each under its own key.
 */
#define TEXT_ENGINE (finx_text_words ? "pdftotext-tsv" : "pdftotext")
#define TSV_HEAD "level\tpage_num\t"

/* Is this pdftotext -tsv output (rather than -layout text)? */
static bool
is_tsv(const char *out, size_t len)
{
	return len >= strlen(TSV_HEAD) && memcmp(out, TSV_HEAD, strlen(TSV_HEAD)) == 0;
}



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
	(void) fx_store_fail(&job->claim, error, v.retry, v.backoff_s, &job->texts, &err);
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

/* Split pdftotext output at form feeds into NUL-terminated page texts. */
static char **
split_pages(char *out, size_t len, int *npages)
{
	int			n = 0,
				k = 0;
	char	  **pages;
	char	   *p = out;

	for (size_t i = 0; i < len; i++)
		if (out[i] == '\f')
			n++;
	if (len > 0 && out[len - 1] != '\f')
		n++;
	pages = palloc0(sizeof(char *) * Max(n, 1));
	for (size_t i = 0; i < len && k < n; i++)
	{
		if (out[i] == '\f')
		{
			out[i] = '\0';
			pages[k++] = p;
			p = out + i + 1;
		}
	}
	if (k < n)
		pages[k++] = p;
	*npages = n;
	return pages;
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
		w = lappend(w, psprintf("%d page(s) have no text layer and were not read; they need OCR: %s",
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
		return psprintf("no financial statements found; %d of %d page(s) have no text layer "
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

/* The text layer is known: OCR what has none, then structure. */
static void
have_text(FxJob *job)
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
		if (fx_page_in_ranges(&job->opts.pages, i + 1) && page_is_blank(job->pages[i]))
			todo[ntodo++] = i + 1;
	if (fx_remote_take(job, todo, ntodo))
		return;
	if (ntodo > 0 && fx_ocr_local_enabled())
		start_ocr(job, todo, ntodo);
	else
		fx_job_finish_local(job);
}

/*
 * A failed pdftotext run: fail the job with the reason.  Returns false when
 * the run succeeded.
 */
static bool
text_failed(FxJob *job, FxChildResult *r)
{
	char	   *why = fx_child_describe_failure(r, "pdftotext");

	if (why == NULL)
		return false;
	if (strstr(r->err, "Invalid page count 0") != NULL)
		fx_job_fail(job, "the document has no pages", FX_FAIL_TERMINAL);
	else if (strstr(r->err, "Incorrect password") != NULL)
		fx_job_fail(job, "the PDF is protected by a password; submit a decrypted copy "
					"(for example one made with qpdf --decrypt)", FX_FAIL_TERMINAL);
	else
	{
		if (WIFEXITED(r->wait_status) && WEXITSTATUS(r->wait_status) == 1 && !r->spawn_failed)
			why = psprintf("the PDF is damaged or not readable: %s", why);
		fx_job_fail(job, why, fx_child_failure_kind(r));
	}
	return true;
}

/* pdftotext's answer to a first page after the last: the chunks are all read. */
static bool
past_last_page(const FxChildResult *r)
{
	return !r->spawn_failed && WIFEXITED(r->wait_status) &&
		WEXITSTATUS(r->wait_status) == 99 &&
		strstr(r->err, "can not be after the last page") != NULL;
}

/*
 * Number of pages in pdftotext output: -layout ends each with a form feed,
 * -tsv opens each with a level-1 row.
 */
static int
count_pages(const char *out, size_t len)
{
	int			n = 0;
	bool		tsv = is_tsv(out, len);

	for (size_t i = 0; i < len; i++)
		n += tsv ? ((i == 0 || out[i - 1] == '\n') && out[i] == '1' &&
					i + 1 < len && out[i + 1] == '\t') : out[i] == '\f';
	return n;
}

/* Lay out pdftotext -tsv output into page texts (in the job's context). */
static char **
layout_pages(FxJob *job, const char *out, size_t len, int *npages)
{
	char	  **raw;
	size_t	   *lens;
	int			n = fx_words_layout_stream(out, len, &raw, &lens);
	char	  **pages;

	if (n < 0)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory laying out the text layer")));
	pages = palloc0(sizeof(char *) * Max(n, 1));
	for (int i = 0; i < n; i++)
		pages[i] = pnstrdup(raw[i], lens[i]);
	fx_words_free_pages(raw, lens, n);
	*npages = n;
	return pages;
}

/*
 * Every page's text layer has been read: join the chunks, split the text
 * into pages and go on.
 */
static void
text_complete(FxJob *job)
{
	size_t		len = 0;
	char	   *out;

	for (int i = 0; i < job->end_chunk; i++)
		len += job->chunks[i]->len;
	if (len > (size_t) finx_text_cap_kb * 1024)
	{
		fx_job_fail(job, "pdftotext produced more output than finextract.text_cap allows",
					FX_FAIL_TERMINAL);
		return;
	}
	out = MemoryContextAllocHuge(job->cxt, len + 1);
	len = 0;
	for (int i = 0; i < job->end_chunk; i++)
	{
		memcpy(out + len, job->chunks[i]->out, job->chunks[i]->len);
		len += job->chunks[i]->len;
		pfree(job->chunks[i]->out);
		job->chunks[i]->out = NULL;
	}
	out[len] = '\0';
	fx_sanitize_utf8(out, len);
	if (is_tsv(out, len))
	{
		job->pages = layout_pages(job, out, len, &job->npages);
		pfree(out);
		job->texts.engine = "pdftotext-tsv";
	}
	else
	{
		job->pages = split_pages(out, len, &job->npages);
		job->texts.engine = "pdftotext";
	}
	/* OCR replaces entries of pages[]; the cache keeps the text layer */
	job->texts.pages = palloc(sizeof(char *) * Max(job->npages, 1));
	memcpy(job->texts.pages, job->pages, sizeof(char *) * job->npages);
	have_text(job);
}

static void start_chunk(FxJob *job);

/* Are all chunks up to the last page read?  Cancels probes past it. */
static bool
chunks_complete(FxJob *job)
{
	if (job->end_chunk == INT_MAX)
		return false;
	for (int i = 0; i < job->end_chunk; i++)
		if (!job->chunks[i]->done)
			return false;
	for (int i = job->end_chunk; i < job->nchunks; i++)
		if (job->chunks[i]->child)
		{
			fx_child_cancel(job->chunks[i]->child);
			job->chunks[i]->child = NULL;
			job->chunks_running--;
		}
	return true;
}

/*
 * Read ahead: a job keeps up to finextract.max_local_procs chunks running
 * or queued once its first chunk proved the document longer than a chunk.
 * child.c starts a queued child of the job with the fewest running ones,
 * so this never delays another job's child.
 */
static void
start_more_chunks(FxJob *job)
{
	while (job->nchunks < job->end_chunk &&
		   job->chunks_running < Max(1, finx_max_local_procs))
		start_chunk(job);
}

/* A pdftotext child (one chunk of pages, or the whole document) ended. */
static void
text_done(FxChildResult *r, void *arg)
{
	FxTextChunk *ch = arg;
	FxJob	   *job = ch->job;
	MemoryContext old = MemoryContextSwitchTo(job->cxt);

	ch->child = NULL;
	job->chunks_running--;
	if (ch->index > 0 && past_last_page(r))
	{
		ch->done = true;		/* a probe past the end: its index is the end */
		job->end_chunk = Min(job->end_chunk, ch->index);
	}
	else if (text_failed(job, r))
	{
		MemoryContextSwitchTo(old);
		return;					/* the job has ended */
	}
	else
	{
		ch->out = r->out;
		ch->len = r->out_len;
		r->out = NULL;
		ch->done = true;
		if (job->chunk_pages <= 0 || count_pages(ch->out, ch->len) < job->chunk_pages)
			job->end_chunk = Min(job->end_chunk, ch->index + 1);
	}
	if (chunks_complete(job))
		text_complete(job);
	else
		start_more_chunks(job);
	MemoryContextSwitchTo(old);
}

/*
 * Start pdftotext on a temporary copy of the document, for its next chunk
 * of finextract.text_chunk_pages pages.  Each chunk is a child of its own,
 * admitted by child.c per job in turn, so a long document never holds all
 * the slots and a short one submitted after it waits for one chunk at most.
 * A document no longer than a chunk is read by one child.
 */
static void
start_chunk(FxJob *job)
{
	char	   *argv[11];
	int			n = 0;
	FxTextChunk *ch = palloc0(sizeof(FxTextChunk));
	int			k = job->chunk_pages;

	if (job->nchunks == job->maxchunks)
	{
		job->maxchunks = Max(8, job->maxchunks * 2);
		job->chunks = job->chunks ?
			repalloc(job->chunks, sizeof(FxTextChunk *) * job->maxchunks) :
			palloc(sizeof(FxTextChunk *) * job->maxchunks);
	}
	ch->job = job;
	ch->index = job->nchunks;
	job->chunks[job->nchunks++] = ch;
	argv[n++] = finx_pdftotext_path;
	argv[n++] = finx_text_words ? "-tsv" : "-layout";
	argv[n++] = "-enc";
	argv[n++] = "UTF-8";
	argv[n++] = job->pdf_path;
	argv[n++] = "-";
	/* the range last (poppler reads options anywhere): the file stays $4 */
	if (k > 0)
	{
		argv[n++] = "-f";
		argv[n++] = psprintf("%d", ch->index * k + 1);
		argv[n++] = "-l";
		argv[n++] = psprintf("%d", (ch->index + 1) * k);
	}
	argv[n] = NULL;
	job->chunks_running++;
	ch->child = fx_child_run_for(job->claim.id, job->claim.role, 0, argv, finx_local_timeout_ms,
								 (size_t) finx_text_cap_kb * 1024, text_done, ch);
}

/* Read the text layer: the first chunk alone (a short document needs no more). */
static void
start_text(FxJob *job)
{
	if (!fx_job_pdf_file(job))
		return;
	job->end_chunk = INT_MAX;
	job->chunk_pages = finx_text_chunk_pages;	/* fixed for the job: a reload
												 * cannot shift the ranges */
	start_chunk(job);
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
		else if ((pages = fx_store_load_pages(job->claim.document_id, TEXT_ENGINE,
											  false, &npages, &err)) != NULL)
		{
			job->pages = pages;
			job->npages = npages;
			have_text(job);
		}
		else
			start_text(job);
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

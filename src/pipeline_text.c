/*-------------------------------------------------------------------------
 *
 * pipeline_text.c
 *	  A job's text layer: pdftotext children on a temporary copy of the
 *	  PDF, one per chunk of finextract.text_chunk_pages pages, joined and
 *	  split into page texts; what a failed run means for the job.
 *
 * Each chunk is a child of its own, admitted by child.c per job in turn,
 * so a long document shares the child slots fairly with the jobs behind
 * it.  The first chunk runs alone (a short document needs no more); once
 * it proves the document longer, the job reads ahead up to
 * finextract.max_local_procs chunks, and a chunk that starts past the last
 * page ends the reading.  A failed run fails the job with its kind
 * (failure.h): a password or no pages is terminal, a child's failure is
 * whatever child.c says it is.  With the text known, pipeline.c goes on
 * (fx_job_have_text).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <sys/wait.h>

#include "utils/memutils.h"

#include "finextract.h"
#include "pipeline_int.h"

/*
 * The text layer is pdftotext -layout's text, or with finextract.text_words
 * word boxes (pdftotext -tsv) laid out by parse_words.c; the cache keeps
 * each under its own key.
 */
#define TEXT_ENGINE (finx_text_words ? "pdftotext-tsv" : "pdftotext")
#define TSV_HEAD "level\tpage_num\t"

/* The cache key of the text layer the settings ask for. */
const char *
fx_text_layer_engine(void)
{
	return TEXT_ENGINE;
}

/* Is this pdftotext -tsv output (rather than -layout text)? */
static bool
is_tsv(const char *out, size_t len)
{
	return len >= strlen(TSV_HEAD) && memcmp(out, TSV_HEAD, strlen(TSV_HEAD)) == 0;
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
	fx_job_have_text(job);
}

/*
 * Pages of chunk i: finextract.text_chunk_pages for the first, twice that
 * for the second, four times for the others.  Each child opens the whole
 * PDF again (its cross-reference table, fonts, page tree: about 30 ms for a
 * 10-K here), so fixed chunks cost a long document a tenth of its reading;
 * growing ones keep a short document's wait behind a long one bounded (four
 * first chunks) with a third of the children.
 */
static int
chunk_size(const FxJob *job, int i)
{
	return job->chunk_pages * (i == 0 ? 1 : i == 1 ? 2 : 4);
}

/* First page of chunk i (1-based): past the chunks before it. */
static int
chunk_first(const FxJob *job, int i)
{
	int			first = 1;

	for (int j = 0; j < i; j++)
		first += chunk_size(job, j);
	return first;
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
		if (job->chunk_pages <= 0 ||
			count_pages(ch->out, ch->len) < chunk_size(job, ch->index))
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
 * of pages (chunk_size).  Each chunk is a child of its own, admitted by
 * child.c per job in turn, so a long document never holds all the slots and
 * a short one submitted after it waits for one chunk at most.  A document
 * no longer than the first chunk is read by one child.
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
		argv[n++] = psprintf("%d", chunk_first(job, ch->index));
		argv[n++] = "-l";
		argv[n++] = psprintf("%d", chunk_first(job, ch->index) +
							 chunk_size(job, ch->index) - 1);
	}
	argv[n] = NULL;
	job->chunks_running++;
	ch->child = fx_child_run_for(job->claim.id, job->claim.role, 0, argv, finx_local_timeout_ms,
								 (size_t) finx_text_cap_kb * 1024, text_done, ch);
}

/* Read the text layer: the first chunk alone (a short document needs no more). */
void
fx_job_start_text(FxJob *job)
{
	if (!fx_job_pdf_file(job))
		return;
	job->end_chunk = INT_MAX;
	job->chunk_pages = finx_text_chunk_pages;	/* fixed for the job: a reload
												 * cannot shift the ranges */
	start_chunk(job);
}

/*-------------------------------------------------------------------------
 *
 * pipeline_remote.c
 *	  The remote steps of a job: text from LLMWhisperer, statements from an
 *	  LLM, pipelined on the worker's loop.
 *
 * Locate first: the statements' pages are found on the local text layer,
 * so only those pages are sent (both APIs bill per page or token).  Each
 * located statement's pages that are neither cached nor already requested
 * by an earlier statement form one extraction, so a page shared by two
 * statements is extracted once, and a statement's LLM call starts as soon
 * as all of its pages have text, while other extractions are still running.
 * Pages without a text layer are first extracted in LLMWhisperer's low_cost
 * mode (LOCATE_MODE); the statements are located on that text, and only
 * their pages are extracted again in the job's mode (unless that is
 * low_cost too: then the first pass is final).  Both passes go through the
 * whisper text cache, so neither is ever paid for twice.
 * Results of the LLM are checked like the local parser's, and stored in the
 * same single transaction.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/memutils.h"

#include "finextract.h"
#include "inprocess.h"
#include "parse.h"
#include "pipeline_int.h"

#define LOCATE_MODE "low_cost"	/* mode of the pass that locates on scans */

static void start_ready_statements(FxJob *job);
static void maybe_finish(FxJob *job);

/* The setting, unless the job's option overrides it (0 is "auto"). */
static int
choose(int option, int setting)
{
	return option != 0 ? option : setting;
}

/*
 * Decide which providers the job uses.  Returns why the job cannot run as
 * asked (a provider requested but not configured), or NULL.
 */
char *
fx_job_resolve_providers(FxJob *job)
{
	int			ex = choose(job->opts.text_extractor, finx_text_extractor);
	int			st = choose(job->opts.structurer, finx_structurer);

	job->mode = pstrdup(job->opts.mode[0] ? job->opts.mode : finx_whisper_mode);
	job->model = pstrdup(job->opts.model[0] ? job->opts.model : finx_llm_model);
	job->use_whisper_all = ex == FX_EXTRACTOR_LLMWHISPERER;
	job->use_whisper_ocr = ex == FX_EXTRACTOR_AUTO && fx_whisper_configured() &&
		(finx_ocr == FX_OCR_LLMWHISPERER || finx_ocr == FX_OCR_AUTO);
	job->use_llm = st == FX_STRUCTURER_LLM ||
		(st == FX_STRUCTURER_AUTO && fx_llm_configured());
	if (job->use_whisper_all && !fx_whisper_configured())
		return pstrdup("text_extractor 'llmwhisperer' needs finextract.llmwhisperer_api_key");
	if (job->use_llm && !fx_llm_configured())
		return psprintf("structurer 'llm' needs %s", fx_llm_key_setting());
	return NULL;
}

/* Number of pages of a statement task that have no final text yet. */
static bool
task_ready(FxJob *job, FxStmtTask *t)
{
	for (int p = t->first_page; p <= t->last_page; p++)
		if (!job->page_ready[p - 1])
			return false;
	return true;
}

/* Make the statement tasks from a located result. */
static void
make_tasks(FxJob *job, const fx_result *res)
{
	job->nstmts = res->nstatements;
	job->stmts = palloc0(sizeof(FxStmtTask) * Max(job->nstmts, 1));
	for (int i = 0; i < res->nstatements; i++)
	{
		job->stmts[i].job = job;
		job->stmts[i].seq = i + 1;
		job->stmts[i].type = res->statements[i].type;
		job->stmts[i].first_page = res->statements[i].first_page;
		job->stmts[i].last_page = res->statements[i].last_page;
	}
	job->located = true;
}

static void whisper_done(void *arg, char **texts, const char *error, FxFailKind kind);

/* Start one extraction of pages (ascending) in a mode. */
static void
start_group(FxJob *job, int *pages, int n, const char *mode)
{
	FxWhisperGroup *g = &job->wgroups[job->nwhisper++];

	g->job = job;
	g->pages = pages;
	g->npages = n;
	job->pending_whisper++;
	g->w = fx_whisper_start(job->claim.id, job->claim.document_id, job->pdf_path,
							job->claim.file_name, pages, n, mode,
							whisper_done, g);
}

/* Take cached LLMWhisperer text of a mode for the pages that have it. */
static void
use_cached_whisper(FxJob *job, const char *mode)
{
	char	   *err;
	int			n = 0;
	char	  **cached = fx_store_load_pages(job->claim.document_id,
											 fx_whisper_engine(mode), true, &n, &err);

	if (cached == NULL)
		return;
	for (int i = 0; i < Min(n, job->npages); i++)
		if (cached[i])
		{
			job->pages[i] = cached[i];
			job->page_ready[i] = true;
		}
}

/*
 * Group the statements' missing pages into extractions (each page once).
 * Runs when no extraction is pending: earlier groups have all ended.
 */
static void
plan_statement_groups(FxJob *job)
{
	bool	   *asked = palloc0(sizeof(bool) * job->npages);

	Assert(job->pending_whisper == 0);
	job->wgroups = palloc0(sizeof(FxWhisperGroup) * Max(job->nstmts, 1));
	job->nwhisper = 0;
	for (int s = 0; s < job->nstmts; s++)
	{
		FxStmtTask *t = &job->stmts[s];
		int		   *pages = palloc(sizeof(int) * (t->last_page - t->first_page + 1));
		int			n = 0;

		for (int p = t->first_page; p <= t->last_page; p++)
			if (!job->page_ready[p - 1] && !asked[p - 1])
			{
				asked[p - 1] = true;
				pages[n++] = p;
			}
		if (n > 0)
			start_group(job, pages, n, job->mode);
	}
}

/* One LLM call ended. */
static void
chat_done(void *arg, fx_result *res, const char *error, FxFailKind kind)
{
	FxStmtTask *t = arg;
	FxJob	   *job = t->job;
	MemoryContext old = MemoryContextSwitchTo(job->cxt);

	t->chat = NULL;
	t->done = true;
	job->pending_llm--;
	if (res == NULL)
		fx_job_fail(job, psprintf("statement %d (pages %d-%d): %s", t->seq,
								  t->first_page, t->last_page, error), kind);
	else
	{
		/* fields that broke a constraint were dropped: say which */
		for (int i = 0; i < res->nwarnings; i++)
			job->warnings = lappend(job->warnings,
									psprintf("statement %d (pages %d-%d): %s", t->seq,
											 t->first_page, t->last_page, res->warnings[i]));
		t->res = res;
		maybe_finish(job);
	}
	MemoryContextSwitchTo(old);
}

/* Start the LLM calls of statements whose pages all have text. */
static void
start_ready_statements(FxJob *job)
{
	for (int s = 0; s < job->nstmts; s++)
	{
		FxStmtTask *t = &job->stmts[s];
		int			n = t->last_page - t->first_page + 1;
		const char **texts;
		int		   *pages;

		if (t->started || !task_ready(job, t))
			continue;
		texts = palloc(sizeof(char *) * n);
		pages = palloc(sizeof(int) * n);
		for (int k = 0; k < n; k++)
		{
			pages[k] = t->first_page + k;
			texts[k] = job->pages[pages[k] - 1];
		}
		t->started = true;
		job->pending_llm++;
		t->chat = fx_chat_start(job->claim.id, t->seq, job->model, texts, pages, n,
								t->type, chat_done, t);
	}
}

/* All LLM answers are in: one result, checked, stored. */
static void
complete_from_llm(FxJob *job)
{
	fx_result  *res = calloc(1, sizeof(fx_result));
	int			total = 0,
				k = 0;

	for (int s = 0; s < job->nstmts; s++)
		total += job->stmts[s].res->nstatements;
	if (res)
		res->statements = calloc(Max(total, 1), sizeof(fx_statement));
	if (res == NULL || res->statements == NULL)
	{
		free(res);
		fx_job_fail(job, "out of memory", FX_FAIL_TRANSIENT);
		return;
	}
	res->npages = job->npages;
	for (int s = 0; s < job->nstmts; s++)
	{
		fx_result  *r = job->stmts[s].res;
		int			keep = 0;

		/*
		 * A call sees whole pages, so it may also return a neighbour that
		 * shares a page: keep the statements of the located type (all of
		 * the answer when none has it).
		 */
		for (int i = 0; i < r->nstatements; i++)
			keep += (int) r->statements[i].type == job->stmts[s].type;
		for (int i = 0; i < r->nstatements; i++)
		{
			if (keep > 0 && (int) r->statements[i].type != job->stmts[s].type)
			{
				fx_statement *one = &r->statements[i];
				fx_result  *tmp = calloc(1, sizeof(fx_result));

				/* free the dropped statement through the parser's own free */
				if (tmp && (tmp->statements = malloc(sizeof(fx_statement))) != NULL)
				{
					tmp->statements[0] = *one;
					tmp->nstatements = 1;
				}
				fx_result_free(tmp);
				continue;
			}
			res->statements[k] = r->statements[i];
			fx_check_statement(&res->statements[k]);
			k++;
		}
		r->nstatements = 0;		/* now owned by res, or freed */
		fx_result_free(r);
		job->stmts[s].res = NULL;
	}
	res->nstatements = k;
	if (k == 0)
	{
		fx_result_free(res);
		fx_job_fail(job, "the LLM found no statement on the located pages",
					FX_FAIL_TERMINAL);
		return;
	}
	fx_job_complete(job, res);
}

/*
 * The low-cost pass over the pages without a text layer has ended: locate
 * the statements on its text and extract their pages (only those) again in
 * the job's mode.  Returns false while that extraction runs.  When nothing
 * is found, the caller's usual verdict stands.
 */
static bool
relocate_after_low_cost(FxJob *job)
{
	fx_result  *loc = fx_job_parse(job);

	job->locating = false;
	if (loc == NULL || loc->nstatements == 0)
	{
		fx_result_free(loc);
		return true;
	}
	make_tasks(job, loc);
	fx_result_free(loc);
	/* the low-cost text of the statements' pages is provisional */
	for (int k = 0; k < job->nlocate; k++)
		for (int s = 0; s < job->nstmts; s++)
			if (job->locate_pages[k] >= job->stmts[s].first_page &&
				job->locate_pages[k] <= job->stmts[s].last_page)
				job->page_ready[job->locate_pages[k] - 1] = false;
	use_cached_whisper(job, job->mode);
	plan_statement_groups(job);
	if (job->use_llm)
		start_ready_statements(job);
	return job->pending_whisper == 0;
}

/* Go on when nothing is pending any more. */
static void
maybe_finish(FxJob *job)
{
	if (job->pending_whisper > 0 || job->pending_llm > 0)
		return;
	if (job->locating && !relocate_after_low_cost(job))
		return;
	if (!job->use_llm)
		fx_job_finish_local(job);
	else if (!job->located)
	{
		/* a scan extracted whole: locate on its text, then structure */
		fx_result  *loc = fx_job_parse(job);

		if (loc == NULL || loc->nstatements == 0)
		{
			fx_result_free(loc);
			fx_job_fail(job, "no financial statements found in the extracted text",
						FX_FAIL_TERMINAL);
			return;
		}
		make_tasks(job, loc);
		fx_result_free(loc);
		start_ready_statements(job);
	}
	else
	{
		for (int s = 0; s < job->nstmts; s++)
			if (!job->stmts[s].done)
			{
				start_ready_statements(job);
				return;
			}
		/* checking the answers and building the result: in our process */
		fx_inprocess_enter(job->claim.id);
		complete_from_llm(job);
		fx_inprocess_leave();
	}
}

/* One extraction ended: its pages get their text, waiting statements go. */
static void
whisper_done(void *arg, char **texts, const char *error, FxFailKind kind)
{
	FxWhisperGroup *g = arg;
	FxJob	   *job = g->job;
	MemoryContext old = MemoryContextSwitchTo(job->cxt);

	g->w = NULL;
	g->done = true;
	job->pending_whisper--;
	if (texts == NULL)
	{
		fx_job_fail(job, error, kind);
		MemoryContextSwitchTo(old);
		return;
	}
	for (int i = 0; i < g->npages; i++)
	{
		fx_sanitize_utf8(texts[i], strlen(texts[i]));
		job->pages[g->pages[i] - 1] = texts[i];
		job->page_ready[g->pages[i] - 1] = true;
	}
	if (job->use_llm && job->located)
		start_ready_statements(job);
	maybe_finish(job);
	MemoryContextSwitchTo(old);
}

/*
 * Extract the blank pages (those not cached), in extractions of at most
 * finextract.text_chunk_pages pages: in low_cost mode to locate the
 * statements first, unless the job's mode is low_cost.
 */
static void
plan_blank_group(FxJob *job, const int *blank, int nblank)
{
	int		   *pages = palloc(sizeof(int) * Max(nblank, 1));
	int			n = 0,
				chunk;
	const char *mode = job->mode;

	if (strcmp(job->mode, LOCATE_MODE) != 0)
	{
		mode = LOCATE_MODE;
		job->locating = true;
		job->locate_pages = palloc(sizeof(int) * Max(nblank, 1));
		memcpy(job->locate_pages, blank, sizeof(int) * nblank);
		job->nlocate = nblank;
	}
	for (int i = 0; i < job->npages; i++)
		job->page_ready[i] = true;
	for (int k = 0; k < nblank; k++)
		job->page_ready[blank[k] - 1] = false;
	use_cached_whisper(job, mode);
	for (int k = 0; k < nblank; k++)
		if (!job->page_ready[blank[k] - 1])
			pages[n++] = blank[k];
	/* in pieces of text_chunk_pages: other jobs' calls take turns with them */
	chunk = finx_text_chunk_pages > 0 ? finx_text_chunk_pages : Max(n, 1);
	job->wgroups = palloc0(sizeof(FxWhisperGroup) * Max((n + chunk - 1) / chunk, 1));
	for (int k = 0; k < n; k += chunk)
		start_group(job, pages + k, Min(chunk, n - k), mode);
}

/* Locate on the local text when the statement pages come from LLMWhisperer. */
static bool
plan_whisper_all(FxJob *job, int nblank)
{
	fx_result  *loc = fx_job_parse(job);

	if (loc && loc->nstatements > 0)
	{
		make_tasks(job, loc);
		fx_result_free(loc);
		use_cached_whisper(job, job->mode);
		return true;
	}
	fx_result_free(loc);
	if (nblank == 0)
		return false;			/* text but no statements: the local verdict stands */
	return true;				/* a scan: extract it whole (below) */
}

/*
 * Take over a job whose local text is known, when it uses a remote
 * provider.  Returns false when the local pipeline should go on.
 */
bool
fx_remote_take(FxJob *job, const int *blank, int nblank)
{
	bool		whisper_blank;

	if (!job->use_whisper_all && !job->use_llm && !(job->use_whisper_ocr && nblank > 0))
		return false;
	job->page_ready = palloc(sizeof(bool) * job->npages);
	for (int i = 0; i < job->npages; i++)
		job->page_ready[i] = !job->use_whisper_all;
	if (job->use_whisper_all && !plan_whisper_all(job, nblank))
		return false;
	whisper_blank = (job->use_whisper_all && !job->located) ||
		(job->use_whisper_ocr && nblank > 0 && !job->use_whisper_all);
	if ((job->use_whisper_all || whisper_blank) && !fx_job_pdf_file(job))
		return true;			/* failed and ended */
	if (job->use_whisper_all && job->located)
		plan_statement_groups(job);
	if (whisper_blank)
		plan_blank_group(job, blank, nblank);
	if (job->use_llm && !job->located && job->pending_whisper == 0)
	{
		fx_result  *loc = fx_job_parse(job);

		if (loc == NULL || loc->nstatements == 0)
		{
			fx_result_free(loc);
			return false;		/* the local verdict (no statements) stands */
		}
		make_tasks(job, loc);
		fx_result_free(loc);
	}
	fx_store_set_stage(&job->claim, job->pending_whisper > 0 ? "text" : "structure");
	if (job->use_llm && job->located)
		start_ready_statements(job);
	maybe_finish(job);
	return true;
}

/* Stop every remote call of a job (it ends or was cancelled). */
void
fx_remote_cancel(FxJob *job)
{
	for (int i = 0; i < job->nwhisper; i++)
		if (job->wgroups[i].w && !job->wgroups[i].done)
			fx_whisper_cancel(job->wgroups[i].w);
	for (int i = 0; i < job->nstmts; i++)
		if (job->stmts[i].chat && !job->stmts[i].done)
			fx_chat_cancel(job->stmts[i].chat);
	for (int i = 0; i < job->nstmts; i++)
		if (job->stmts[i].res)
			fx_result_free(job->stmts[i].res);
	job->nwhisper = 0;
	job->nstmts = 0;
}

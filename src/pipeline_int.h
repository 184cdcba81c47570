/*-------------------------------------------------------------------------
 *
 * pipeline_int.h
 *	  A job inside the worker, shared by pipeline.c (local steps),
 *	  pipeline_text.c (the text layer) and pipeline_remote.c (LLMWhisperer
 *	  and LLM steps).
 *
 *-------------------------------------------------------------------------
 */
#ifndef FX_PIPELINE_INT_H
#define FX_PIPELINE_INT_H

#include "postgres.h"

#include "lib/ilist.h"

#include "child.h"
#include "failure.h"
#include "ocr.h"
#include "ocr_conf.h"
#include "options.h"
#include "parse.h"
#include "remote.h"
#include "store.h"

typedef struct FxWhisperGroup
{
	struct FxJob *job;
	FxWhisper  *w;
	int		   *pages;			/* ascending */
	int			npages;
	bool		done;
} FxWhisperGroup;

/* one pdftotext child: pages [index * chunk + 1, (index + 1) * chunk] */
typedef struct FxTextChunk
{
	struct FxJob *job;
	int			index;
	FxChild    *child;			/* while it runs */
	char	   *out;			/* its output, once done */
	size_t		len;
	bool		done;
} FxTextChunk;

typedef struct FxStmtTask
{
	struct FxJob *job;
	int			seq;			/* 1-based */
	int			type;			/* fx_stmt_type of the located statement */
	int			first_page;
	int			last_page;
	FxChat	   *chat;
	fx_result  *res;
	bool		started;
	bool		done;
} FxStmtTask;

typedef struct FxJob
{
	dlist_node	node;
	MemoryContext cxt;
	FxClaim		claim;
	FxJobOptions opts;
	char	   *pdf_path;		/* temporary copy for child processes */
	struct FxTextChunk **chunks;	/* pdftotext children, in page order */
	int			nchunks;		/* started */
	int			maxchunks;		/* allocated */
	int			chunks_running;
	int			end_chunk;		/* first chunk past the last page */
	int			chunk_pages;	/* pages per chunk (0: the whole document) */
	FxOcrBatch *ocr;			/* OCR children, while they run */
	char	  **pages;			/* page texts the parser reads */
	int			npages;
	bool		used_ocr;		/* some of them came from OCR */
	bool	   *ocr_read;		/* [page - 1]: that page came from OCR */
	FxFailKind	ocr_failure;	/* what the OCR failures were (failure.h) */
	bool	   *ocr_wait;		/* pages in the running OCR batch */
	FxOcrConf **ocr_conf;		/* [page - 1]: word confidences of OCR'd
								 * pages (NULL: none known) */
	FxOcrNotes *ocr_notes;		/* what they say about the result */
	FxTexts		texts;			/* what this attempt extracted (to cache) */
	List	   *warnings;		/* of char * */

	/* remote steps (pipeline_remote.c) */
	bool		use_whisper_all;	/* statement pages from LLMWhisperer */
	bool		use_whisper_ocr;	/* blank pages from LLMWhisperer */
	bool		use_llm;		/* statements from the LLM */
	char	   *mode;
	char	   *model;
	bool	   *page_ready;		/* the page's final text is in pages[] */
	int			nwhisper;
	FxWhisperGroup *wgroups;
	int			pending_whisper;
	int			nstmts;
	FxStmtTask *stmts;
	int			pending_llm;
	bool		located;		/* stmts are known */
	bool		locating;		/* a low_cost pass runs to locate them */
	int		   *locate_pages;	/* the pages of that pass */
	int			nlocate;
} FxJob;

extern void fx_job_fail(FxJob *job, const char *error, FxFailKind kind);
extern void fx_job_end(FxJob *job);
extern bool fx_job_pdf_file(FxJob *job);
extern fx_result *fx_job_parse(FxJob *job);
extern void fx_job_finish_local(FxJob *job);
extern void fx_job_complete(FxJob *job, fx_result *res);
extern void fx_sanitize_utf8(char *s, size_t len);
extern void fx_job_have_text(FxJob *job);

/* pipeline_text.c */
extern const char *fx_text_layer_engine(void);
extern void fx_job_start_text(FxJob *job);

/* pipeline_remote.c */
extern char *fx_job_resolve_providers(FxJob *job);
extern bool fx_remote_take(FxJob *job, const int *blank, int nblank);
extern void fx_remote_cancel(FxJob *job);

#endif							/* FX_PIPELINE_INT_H */

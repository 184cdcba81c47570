/*-------------------------------------------------------------------------
 *
 * store.h
 *	  Every SQL statement the worker runs, each in its own short
 *	  transaction (spi_exec.c): the job lifecycle in store.c, page texts
 *	  and content in store_text.c, result rows in store_result.c.
 *
 * Functions return false (or NULL) and set *err to a message when their
 * transaction failed; the transaction has then been rolled back and the
 * worker goes on.  No transaction is ever open when they return.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FX_STORE_H
#define FX_STORE_H

#include "postgres.h"

#include "nodes/pg_list.h"

#include "ocr_conf.h"
#include "parse.h"

/* a job the worker has claimed */
typedef struct FxClaim
{
	int64		id;
	int32		attempt;
	int32		max_attempts;
	int64		document_id;
	char	   *file_name;
	char	   *options;		/* JSON text */
	Oid			role;			/* the submitting role (fair share) */
} FxClaim;

/* page texts an attempt extracted, to be cached with its outcome */
typedef struct FxTexts
{
	int			npages;			/* pages of the document (0 = unknown) */
	char	  **pages;			/* text-layer page texts to cache, or NULL */
	const char *engine;			/* their engine */
	char	  **ocr_pages;		/* OCR texts (NULL entries: none), or NULL */
	FxOcrConf **ocr_conf;		/* their word confidences (NULL entries:
								 * unknown), or NULL */
	const char *ocr_engine;		/* their engine */
} FxTexts;

/* what a successful attempt produced */
typedef struct FxOutcome
{
	const FxClaim *claim;
	const fx_result *res;
	FxTexts		texts;
	const FxOcrNotes *ocr;		/* OCR confidences of the result, or NULL */
	List	   *warnings;		/* of char * */
} FxOutcome;

extern bool fx_store_extension_exists(void);
extern bool fx_store_recover(int64 crashed_job, int *requeued, int *failed,
							 char **err);
extern int	fx_store_release(List *claims, char **err);
extern List *fx_store_claim(int max_jobs, char **err);
extern int64 fx_store_find_twin(const FxClaim *c, char **err);
extern bool fx_store_complete_reused(const FxClaim *c, int64 twin, char **err);
extern char **fx_store_load_pages(int64 document_id, const char *engine,
								  bool partial, int *npages, char **err);
extern FxOcrConf **fx_store_load_ocr_conf(int64 document_id,
										  const char *engine, int npages,
										  char **err);
extern void fx_store_set_stage(const FxClaim *c, const char *stage);
extern bool fx_store_write_content(int64 document_id, const char *path,
								   char **err);
extern bool fx_store_complete(const FxOutcome *o, char **err);
extern bool fx_store_fail(const FxClaim *c, const char *error, bool retryable,
						  double backoff_s, const FxTexts *texts, char **err);
extern List *fx_store_not_running(List *job_ids, char **err);
extern char *fx_store_whisper_get(int64 document_id, const char *pages_key,
								  const char *mode);
extern bool fx_store_whisper_save(int64 document_id, const char *pages_key,
								  const char *mode, const char *hash, char **err);
extern void fx_store_whisper_forget(int64 document_id, const char *pages_key,
									const char *mode);
extern bool fx_store_whisper_retrieved(int64 document_id, const char *pages_key,
									   const char *mode, const char *engine,
									   const int *pages, char **texts, int n,
									   char **err);
extern void fx_store_trace(List *rows);

#endif							/* FX_STORE_H */

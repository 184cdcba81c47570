/*-------------------------------------------------------------------------
 *
 * ocr.h
 *	  Local OCR of PDF pages: pdftoppm renders, tesseract reads, both as
 *	  child processes on the worker's loop.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FX_OCR_H
#define FX_OCR_H

#include "postgres.h"

#include "failure.h"

typedef struct FxOcrBatch FxOcrBatch;

/*
 * Called once when every page of a batch is done: texts[i] is the text of
 * pages[i] (NULL when OCR failed; errors[i] says why) and summaries[i] the
 * summary of its word confidences (NULL when tesseract gave none; see
 * fx_ocr_conf_parse).  kind is the failures' kind (failure.h): transient
 * when some failure may pass on another attempt (time limit, crash);
 * terminal when none failed or none may.
 */
typedef void (*FxOcrDone) (void *arg, char **texts, char **summaries,
						   char **errors, FxFailKind kind);

extern bool fx_ocr_local_enabled(void);
extern char *fx_ocr_engine_key(void);
extern FxOcrBatch *fx_ocr_start(int64 owner, Oid role, const char *pdf_path,
								const int *pages, int npages,
								FxOcrDone done, void *arg);
extern void fx_ocr_cancel(FxOcrBatch *batch);

#endif							/* FX_OCR_H */

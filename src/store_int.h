/*-------------------------------------------------------------------------
 *
 * store_int.h
 *	  What the store files share among themselves: writing a parse result
 *	  (store_result.c), caching page texts (store_text.c) and a JSON
 *	  string helper.  Not for use outside src/store*.c.
 *
 * All of these run inside a transaction of fx_spi_xact() (spi_exec.h) and
 * raise on error.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FX_STORE_INT_H
#define FX_STORE_INT_H

#include "postgres.h"

#include "lib/stringinfo.h"

#include "store.h"

extern void fx_store_json_str(StringInfo b, const char *s);
extern void fx_store_result_rows(int64 job_id, int64 document_id,
								 const fx_result *res, const FxOcrNotes *ocr);
extern void fx_store_cache_texts(int64 document_id, const char *engine,
								 int npages, char **pages);
extern void fx_store_pages(int64 document_id, const FxTexts *t);

#endif							/* FX_STORE_INT_H */

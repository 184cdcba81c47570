/*-------------------------------------------------------------------------
 *
 * ocr_conf.h
 *	  tesseract's word confidences: per page, per value of a statement, and
 *	  what they say about arithmetic checks that failed.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FX_OCR_CONF_H
#define FX_OCR_CONF_H

#include "postgres.h"

#include "nodes/pg_list.h"

#include "parse.h"

/* one word holding a digit, as tesseract read it */
typedef struct FxOcrWord
{
	int			line;			/* 1-based line of the page's text */
	int			conf;			/* tesseract's confidence, 0-100 */
	char	   *word;
} FxOcrWord;

/* the confidences of one OCR'd page */
typedef struct FxOcrConf
{
	double		mean;			/* mean word confidence; < 0 = unknown */
	int			nwords;
	FxOcrWord  *words;
} FxOcrConf;

/* what the confidences say about a parse result */
typedef struct FxOcrNotes
{
	int			nstatements;
	bool	   *ocr;			/* [s]: some item of statement s was OCR'd */
	int		  **conf;			/* [s][item * nperiods + col]: the value's
								 * confidence, -1 = unknown or not OCR */
	char	 ***notes;			/* [s][check]: why a failed check may be an
								 * OCR misread, or NULL */
	int			nlow;			/* values below the threshold */
	int			nsuspect;		/* failed checks with such a value */
} FxOcrNotes;

extern FxOcrConf *fx_ocr_conf_parse(const char *summary, const char *text);
extern char *fx_ocr_conf_words_json(const FxOcrConf *c);
extern FxOcrNotes *fx_ocr_annotate(const fx_result *res, FxOcrConf **pages,
								   int npages, int min_conf);
extern List *fx_ocr_warnings(FxOcrConf **pages, int npages,
							 const FxOcrNotes *notes, int min_conf, List *w);

#endif							/* FX_OCR_CONF_H */

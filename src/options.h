/*-------------------------------------------------------------------------
 *
 * options.h
 *	  Per-job options (the jsonb argument of finx_submit): validation and
 *	  parsed form.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FX_OPTIONS_H
#define FX_OPTIONS_H

#include "postgres.h"

#include "utils/jsonb.h"

#include "pagerange.h"

#define FX_MODEL_MAX 128		/* bytes of the "model" option */

typedef struct FxJobOptions
{
	fx_page_ranges pages;		/* n = 0: every page */
	int			max_attempts;	/* 0: finextract.max_attempts */
	char		text_extractor[16];	/* local | llmwhisperer | auto */
	char		structurer[16]; /* local | llm | auto */
	char		mode[32];		/* LLMWhisperer mode, "" = setting */
	char		model[FX_MODEL_MAX + 1];	/* LLM model, "" = setting */
} FxJobOptions;

extern void fx_options_parse(Jsonb *opts, FxJobOptions *out);
extern void fx_options_parse_text(const char *json, FxJobOptions *out);
extern int	fx_options_max_attempts(const FxJobOptions *opts);

#endif							/* FX_OPTIONS_H */

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

#include "utils/guc.h"
#include "utils/jsonb.h"

#include "pagerange.h"

#define FX_MODEL_MAX 128		/* bytes of the "model" option */

/*
 * The provider choices, shared by the settings (finextract.text_extractor,
 * finextract.structurer, finextract.ocr: enum settings) and the job options
 * of the same names, so both accept the same words.
 */
typedef enum FxExtractorKind
{
	FX_EXTRACTOR_AUTO,
	FX_EXTRACTOR_LOCAL,
	FX_EXTRACTOR_LLMWHISPERER
} FxExtractorKind;

typedef enum FxStructurerKind
{
	FX_STRUCTURER_AUTO,
	FX_STRUCTURER_LOCAL,
	FX_STRUCTURER_LLM
} FxStructurerKind;

typedef enum FxOcrKind
{
	FX_OCR_AUTO,
	FX_OCR_TESSERACT,
	FX_OCR_LLMWHISPERER,
	FX_OCR_OFF
} FxOcrKind;

extern const struct config_enum_entry fx_extractor_choices[];
extern const struct config_enum_entry fx_structurer_choices[];
extern const struct config_enum_entry fx_ocr_choices[];

typedef struct FxJobOptions
{
	fx_page_ranges pages;		/* n = 0: every page */
	int			max_attempts;	/* 0: finextract.max_attempts */
	FxExtractorKind text_extractor; /* AUTO: the setting decides */
	FxStructurerKind structurer;	/* AUTO: the setting decides */
	char		mode[32];		/* LLMWhisperer mode, "" = setting */
	char		model[FX_MODEL_MAX + 1];	/* LLM model, "" = setting */
} FxJobOptions;

extern void fx_options_parse(Jsonb *opts, FxJobOptions *out);
extern void fx_options_parse_text(const char *json, FxJobOptions *out);
extern int	fx_options_max_attempts(const FxJobOptions *opts);

#endif							/* FX_OPTIONS_H */

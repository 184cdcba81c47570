/*-------------------------------------------------------------------------
 *
 * options.c
 *	  Validate and parse per-job options.
 *
 * finx_submit calls fx_options_parse() on the caller's jsonb so that a bad
 * option is an error at submit time, with nothing written; the worker parses
 * the stored (already valid) options with fx_options_parse_text().
 *
 * Known keys: pages (text, "1-5,7,21-"), max_attempts (integer 1..100),
 * text_extractor ("local" | "llmwhisperer" | "auto"), structurer ("local" |
 * "llm" | "auto"), mode (LLMWhisperer mode: native_text | low_cost |
 * high_quality | form | table), model (LLM model name: printable UTF-8, at
 * most FX_MODEL_MAX bytes, one of finextract.llm_models when that is set).
 * The model names a provider lane and is shown in finx.provider_stats, so
 * nothing unprintable gets that far.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

#include "finextract.h"
#include "options.h"

#define KNOWN_KEYS "pages, max_attempts, text_extractor, structurer, mode, model"

/* The words of the provider choices (settings and options alike). */
const struct config_enum_entry fx_extractor_choices[] = {
	{"auto", FX_EXTRACTOR_AUTO, false},
	{"local", FX_EXTRACTOR_LOCAL, false},
	{"llmwhisperer", FX_EXTRACTOR_LLMWHISPERER, false},
	{NULL, 0, false}
};

const struct config_enum_entry fx_structurer_choices[] = {
	{"auto", FX_STRUCTURER_AUTO, false},
	{"local", FX_STRUCTURER_LOCAL, false},
	{"llm", FX_STRUCTURER_LLM, false},
	{NULL, 0, false}
};

const struct config_enum_entry fx_ocr_choices[] = {
	{"auto", FX_OCR_AUTO, false},
	{"tesseract", FX_OCR_TESSERACT, false},
	{"llmwhisperer", FX_OCR_LLMWHISPERER, false},
	{"off", FX_OCR_OFF, false},
	{NULL, 0, false}
};

/* Raise the error for an option of the wrong type. */
static void
wrong_type(const char *key, const char *want)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("option \"%s\" must be %s", key, want),
			 errhint("See the options of finx_submit in the finextract README.")));
}

/* "a, b, c" from a NULL-terminated list. */
static char *
join_words(const char *const *words)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int i = 0; words[i]; i++)
		appendStringInfo(&buf, "%s%s", i ? ", " : "", words[i]);
	return buf.data;
}

/* Copy a string option, checking its type, length and allowed values. */
static void
take_string(const char *key, JsonbValue *v, char *dst, size_t dstlen,
			const char *const *allowed)
{
	if (v->type != jbvString)
		wrong_type(key, "a string");
	if (v->val.string.len >= (int) dstlen)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"%s\" is too long", key),
				 errdetail("It may have at most %d bytes.", (int) dstlen - 1),
				 errhint("Give a shorter value.")));
	memcpy(dst, v->val.string.val, v->val.string.len);
	dst[v->val.string.len] = '\0';
	if (allowed == NULL)
		return;
	for (int i = 0; allowed[i]; i++)
		if (strcmp(dst, allowed[i]) == 0)
			return;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid value \"%s\" for option \"%s\"", dst, key),
			 errhint("Allowed values are: %s.", join_words(allowed))));
}

/* An option naming one of choices: its value. */
static int
take_choice(const char *key, JsonbValue *v, const struct config_enum_entry *choices)
{
	StringInfoData names;

	if (v->type != jbvString)
		wrong_type(key, "a string");
	initStringInfo(&names);
	for (int i = 0; choices[i].name; i++)
	{
		if ((int) strlen(choices[i].name) == v->val.string.len &&
			memcmp(choices[i].name, v->val.string.val, v->val.string.len) == 0)
			return choices[i].val;
		appendStringInfo(&names, "%s%s", i ? ", " : "", choices[i].name);
	}
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid value \"%s\" for option \"%s\"",
					pnstrdup(v->val.string.val, v->val.string.len), key),
			 errhint("Allowed values are: %s.", names.data)));
	return 0;					/* not reached */
}

/* Is s (len bytes) valid UTF-8 without control characters (C0, DEL, C1)? */
static bool
printable_utf8(const char *s, int len)
{
	const unsigned char *p = (const unsigned char *) s;

	if (!pg_verify_mbstr(PG_UTF8, s, len, true))
		return false;
	for (int i = 0; i < len; i++)
	{
		if (p[i] < 0x20 || p[i] == 0x7f)
			return false;
		if (p[i] == 0xc2 && i + 1 < len && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f)
			return false;
	}
	return true;
}

/* Is model one of the comma-separated names in list? */
static bool
model_listed(const char *model, const char *list)
{
	const char *p = list;
	size_t		mlen = strlen(model);

	while (*p)
	{
		const char *end = strchr(p, ',');
		const char *e = end ? end : p + strlen(p);

		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if ((size_t) (e - p) == mlen && strncmp(p, model, mlen) == 0)
			return true;
		if (end == NULL)
			break;
		p = end + 1;
	}
	return false;
}

/* Parse the "model" option: printable, bounded, and allowed. */
static void
take_model(JsonbValue *v, FxJobOptions *out)
{
	take_string("model", v, out->model, sizeof(out->model), NULL);
	if (!printable_utf8(v->val.string.val, v->val.string.len))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"model\" must be printable text"),
				 errdetail("It contains a control character or invalid UTF-8."),
				 errhint("Give the model's name as the provider spells it.")));
	if (out->model[0] && finx_llm_models && finx_llm_models[0] &&
		!model_listed(out->model, finx_llm_models))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("model \"%s\" is not allowed", out->model),
				 errdetail("finextract.llm_models allows: %s.", finx_llm_models),
				 errhint("Use one of those models, or ask a superuser to add it to finextract.llm_models.")));
}

/* Parse the "pages" option. */
static void
take_pages(JsonbValue *v, FxJobOptions *out)
{
	char		err[128];

	if (v->type != jbvString)
		wrong_type("pages", "a string such as \"1-5,7,21-\"");
	if (!fx_parse_page_ranges(v->val.string.val, v->val.string.len,
							  &out->pages, err, sizeof(err)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid option \"pages\": %s", err),
				 errhint("Give pages as a comma-separated list of numbers and ranges, such as \"1-5,7,21-\".")));
}

/* Parse the "max_attempts" option. */
static void
take_max_attempts(JsonbValue *v, FxJobOptions *out)
{
	Datum		d;
	int32		n;

	if (v->type != jbvNumeric)
		wrong_type("max_attempts", "an integer between 1 and 100");
	d = NumericGetDatum(v->val.numeric);
	if (!DatumGetBool(DirectFunctionCall2(numeric_eq, d,
										  DirectFunctionCall1(numeric_floor, d))))
		wrong_type("max_attempts", "an integer between 1 and 100");
	if (DatumGetBool(DirectFunctionCall2(numeric_lt, d, DirectFunctionCall1(int4_numeric, Int32GetDatum(1)))) ||
		DatumGetBool(DirectFunctionCall2(numeric_gt, d, DirectFunctionCall1(int4_numeric, Int32GetDatum(100)))))
		wrong_type("max_attempts", "an integer between 1 and 100");
	n = DatumGetInt32(DirectFunctionCall1(numeric_int4, d));
	out->max_attempts = n;
}

/* Handle one key of the options object. */
static void
take_option(const char *key, JsonbValue *v, FxJobOptions *out)
{
	static const char *const modes[] = {"native_text", "low_cost", "high_quality",
	"form", "table", NULL};

	if (strcmp(key, "pages") == 0)
		take_pages(v, out);
	else if (strcmp(key, "max_attempts") == 0)
		take_max_attempts(v, out);
	else if (strcmp(key, "text_extractor") == 0)
		out->text_extractor = take_choice(key, v, fx_extractor_choices);
	else if (strcmp(key, "structurer") == 0)
		out->structurer = take_choice(key, v, fx_structurer_choices);
	else if (strcmp(key, "mode") == 0)
		take_string(key, v, out->mode, sizeof(out->mode), modes);
	else if (strcmp(key, "model") == 0)
		take_model(v, out);
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown option \"%s\"", key),
				 errhint("Known options are: %s.", KNOWN_KEYS)));
}

/* Validate opts and fill out; raises an error for anything wrong. */
void
fx_options_parse(Jsonb *opts, FxJobOptions *out)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;

	memset(out, 0, sizeof(*out));
	out->text_extractor = FX_EXTRACTOR_AUTO;
	out->structurer = FX_STRUCTURER_AUTO;
	if (!JB_ROOT_IS_OBJECT(opts))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("options must be a JSON object"),
				 errhint("Pass options such as '{\"pages\": \"1-10\"}'::jsonb, or '{}'.")));
	it = JsonbIteratorInit(&opts->root);
	tok = JsonbIteratorNext(&it, &v, true);
	Assert(tok == WJB_BEGIN_OBJECT);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		char	   *key;

		if (tok != WJB_KEY)
			continue;
		key = pnstrdup(v.val.string.val, v.val.string.len);
		tok = JsonbIteratorNext(&it, &v, true);
		take_option(key, &v, out);
		pfree(key);
	}
}

/*
 * The job's max_attempts: the option, else finextract.max_attempts, lowered
 * (with a NOTICE) to finextract.max_attempts_limit, so that no role can
 * make a document that always fails hold the worker for long.
 */
int
fx_options_max_attempts(const FxJobOptions *opts)
{
	int			n = opts->max_attempts ? opts->max_attempts : finx_max_attempts;

	if (n > finx_max_attempts_limit)
	{
		ereport(NOTICE,
				(errcode(ERRCODE_WARNING),
				 errmsg("max_attempts %d lowered to %d", n, finx_max_attempts_limit),
				 errdetail("finextract.max_attempts_limit is %d.", finx_max_attempts_limit),
				 errhint("A superuser can raise finextract.max_attempts_limit.")));
		n = finx_max_attempts_limit;
	}
	return n;
}

/* Parse options stored as JSON text. */
void
fx_options_parse_text(const char *json, FxJobOptions *out)
{
	Datum		d = DirectFunctionCall1(jsonb_in, CStringGetDatum(json));

	fx_options_parse(DatumGetJsonbP(d), out);
}

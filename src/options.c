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
 * "llm" | "auto"), mode (LLMWhisperer mode), model (LLM model name).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

#include "options.h"

#define KNOWN_KEYS "pages, max_attempts, text_extractor, structurer, mode, model"

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
	static const char *const extractors[] = {"local", "llmwhisperer", "auto", NULL};
	static const char *const structurers[] = {"local", "llm", "auto", NULL};

	if (strcmp(key, "pages") == 0)
		take_pages(v, out);
	else if (strcmp(key, "max_attempts") == 0)
		take_max_attempts(v, out);
	else if (strcmp(key, "text_extractor") == 0)
		take_string(key, v, out->text_extractor, sizeof(out->text_extractor), extractors);
	else if (strcmp(key, "structurer") == 0)
		take_string(key, v, out->structurer, sizeof(out->structurer), structurers);
	else if (strcmp(key, "mode") == 0)
		take_string(key, v, out->mode, sizeof(out->mode), NULL);
	else if (strcmp(key, "model") == 0)
		take_string(key, v, out->model, sizeof(out->model), NULL);
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
	strcpy(out->text_extractor, "auto");
	strcpy(out->structurer, "auto");
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

/* Parse options stored as JSON text. */
void
fx_options_parse_text(const char *json, FxJobOptions *out)
{
	Datum		d = DirectFunctionCall1(jsonb_in, CStringGetDatum(json));

	fx_options_parse(DatumGetJsonbP(d), out);
}

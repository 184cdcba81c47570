/*-------------------------------------------------------------------------
 *
 * label_match.c
 *	  finx.label_match(subject, pattern): the case-insensitive regular
 *	  expression match of the concept rules (the same as subject ~* pattern),
 *	  with the compiled patterns kept for the life of the backend.
 *
 * Mapping a statement matches every rule of its statement type against
 * every row.  There are more rules per type (about fifty) than the 32
 * compiled patterns the backend's own regular expression cache keeps, so
 * with ~* each statement compiled every pattern again, and compiling was
 * the larger part of mapping.  This file owns a larger cache: up to
 * LABEL_MATCH_CACHE patterns, the most recently used first, compiled in
 * their own memory context and freed with pg_regfree when they fall out.
 * The backend's regular expression library does the compiling and
 * matching; only the caching is here.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "regex/regex.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#define LABEL_MATCH_CACHE 512	/* compiled patterns kept */

typedef struct CachedPattern
{
	char	   *pattern;		/* the pattern's bytes, in cache_cxt */
	int			len;
	Oid			collation;
	regex_t		re;
} CachedPattern;

static CachedPattern cache[LABEL_MATCH_CACHE];
static int	ncached = 0;
static MemoryContext cache_cxt = NULL;

PG_FUNCTION_INFO_V1(finx_label_match);

/* Raise the regular expression library's error code as an ERROR. */
static void
report_regex_error(int code, regex_t *re, const char *pat, int len)
{
	char		msg[100];

	if (code == REG_CANCEL)
		CHECK_FOR_INTERRUPTS();
	pg_regerror(code, re, msg, sizeof(msg));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_REGULAR_EXPRESSION),
			 errmsg("invalid regular expression in a concept rule: %s", msg),
			 errdetail("The pattern is \"%.*s\".", len, pat),
			 errhint("Correct the rule's label_pattern or context_pattern in finx.concept_rules.")));
}

/* Compile a pattern into a new entry at the front of the cache. */
static CachedPattern *
compile_pattern(const char *pat, int len, Oid collation)
{
	MemoryContext old;
	pg_wchar   *wide;
	int			wlen;
	int			code;
	regex_t		re;
	CachedPattern entry;

	if (cache_cxt == NULL)
		cache_cxt = AllocSetContextCreate(TopMemoryContext, "finextract label patterns",
										  ALLOCSET_SMALL_SIZES);
	/* everything that can fail before the compiled pattern exists */
	entry.pattern = MemoryContextAlloc(cache_cxt, len + 1);
	memcpy(entry.pattern, pat, len);
	entry.pattern[len] = '\0';
	wide = palloc((len + 1) * sizeof(pg_wchar));
	wlen = pg_mb2wchar_with_len(pat, wide, len);
	old = MemoryContextSwitchTo(cache_cxt);
	code = pg_regcomp(&re, wide, wlen, REG_ADVANCED | REG_ICASE, collation);
	MemoryContextSwitchTo(old);
	pfree(wide);
	if (code != REG_OKAY)
	{
		pfree(entry.pattern);
		report_regex_error(code, &re, pat, len);
	}

	entry.len = len;
	entry.collation = collation;
	entry.re = re;

	if (ncached == LABEL_MATCH_CACHE)
	{
		pg_regfree(&cache[ncached - 1].re);
		pfree(cache[ncached - 1].pattern);
		ncached--;
	}
	memmove(&cache[1], &cache[0], ncached * sizeof(CachedPattern));
	cache[0] = entry;
	ncached++;
	return &cache[0];
}

/* The compiled pattern, moved to the front of the cache, or compiled now. */
static CachedPattern *
lookup_pattern(const char *pat, int len, Oid collation)
{
	for (int i = 0; i < ncached; i++)
	{
		if (cache[i].len != len || cache[i].collation != collation ||
			memcmp(cache[i].pattern, pat, len) != 0)
			continue;
		if (i > 0)
		{
			CachedPattern hit = cache[i];

			memmove(&cache[1], &cache[0], i * sizeof(CachedPattern));
			cache[0] = hit;
		}
		return &cache[0];
	}
	return compile_pattern(pat, len, collation);
}

/* finx.label_match(subject text, pattern text) returns boolean */
Datum
finx_label_match(PG_FUNCTION_ARGS)
{
	text	   *subject = PG_GETARG_TEXT_PP(0);
	text	   *pattern = PG_GETARG_TEXT_PP(1);
	CachedPattern *cp;
	pg_wchar   *wide;
	int			wlen;
	int			code;

	cp = lookup_pattern(VARDATA_ANY(pattern), VARSIZE_ANY_EXHDR(pattern),
						PG_GET_COLLATION());
	wide = palloc((VARSIZE_ANY_EXHDR(subject) + 1) * sizeof(pg_wchar));
	wlen = pg_mb2wchar_with_len(VARDATA_ANY(subject), wide, VARSIZE_ANY_EXHDR(subject));
	code = pg_regexec(&cp->re, wide, wlen, 0, NULL, 0, NULL, 0);
	pfree(wide);
	if (code != REG_OKAY && code != REG_NOMATCH)
		report_regex_error(code, &cp->re, cp->pattern, cp->len);
	PG_RETURN_BOOL(code == REG_OKAY);
}

/*-------------------------------------------------------------------------
 *
 * pagerange.c
 *	  Parse and test page-range lists ("1-5,7,21-"), as LLMWhisperer's
 *	  pages_to_extract and finextract's "pages" option spell them.
 *
 * Plain C with no backend headers so that it can be fuzzed on its own.
 * Pages are 1-based; an empty list means every page.
 *
 *-------------------------------------------------------------------------
 */
#include "pagerange.h"

#include <ctype.h>
#include <stdio.h>

#define MAX_PAGE 1000000

/* Read a page number at s[*i]; false if there is none or it is out of range. */
static bool
read_page(const char *s, size_t len, size_t *i, int *page)
{
	long		v = 0;
	size_t		start = *i;

	while (*i < len && isdigit((unsigned char) s[*i]))
	{
		v = v * 10 + (s[*i] - '0');
		if (v > MAX_PAGE)
			return false;
		(*i)++;
	}
	if (*i == start || v < 1)
		return false;
	*page = (int) v;
	return true;
}

/* Skip blanks. */
static void
skip_blanks(const char *s, size_t len, size_t *i)
{
	while (*i < len && (s[*i] == ' ' || s[*i] == '\t'))
		(*i)++;
}

/* Parse one item "N", "N-M" or "N-" at s[*i]. */
static bool
parse_item(const char *s, size_t len, size_t *i, int *lo, int *hi)
{
	skip_blanks(s, len, i);
	if (!read_page(s, len, i, lo))
		return false;
	skip_blanks(s, len, i);
	*hi = *lo;
	if (*i < len && s[*i] == '-')
	{
		(*i)++;
		skip_blanks(s, len, i);
		if (*i < len && isdigit((unsigned char) s[*i]))
		{
			if (!read_page(s, len, i, hi) || *hi < *lo)
				return false;
		}
		else
			*hi = FX_PAGE_OPEN_END;
	}
	skip_blanks(s, len, i);
	return true;
}

/*
 * Parse a list into out.  Returns false and a message in err on a syntax
 * error, a page below 1, a reversed range or too many items.
 */
bool
fx_parse_page_ranges(const char *s, size_t len, fx_page_ranges *out,
					 char *err, size_t errlen)
{
	size_t		i = 0;

	out->n = 0;
	skip_blanks(s, len, &i);
	if (i == len)
		return true;
	for (;;)
	{
		int			lo,
					hi;
		size_t		at = i;

		if (out->n == FX_MAX_PAGE_RANGES)
		{
			snprintf(err, errlen, "more than %d page ranges", FX_MAX_PAGE_RANGES);
			return false;
		}
		if (!parse_item(s, len, &i, &lo, &hi))
		{
			snprintf(err, errlen, "invalid page range at position %zu", at + 1);
			return false;
		}
		out->lo[out->n] = lo;
		out->hi[out->n] = hi;
		out->n++;
		if (i == len)
			return true;
		if (s[i] != ',')
		{
			snprintf(err, errlen, "invalid page range at position %zu", i + 1);
			return false;
		}
		i++;
	}
}

/* Is page inside the ranges?  An empty list holds every page. */
bool
fx_page_in_ranges(const fx_page_ranges *r, int page)
{
	if (r->n == 0)
		return true;
	for (int k = 0; k < r->n; k++)
		if (page >= r->lo[k] && page <= r->hi[k])
			return true;
	return false;
}

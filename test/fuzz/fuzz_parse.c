/*-------------------------------------------------------------------------
 *
 * fuzz_parse.c
 *	  libFuzzer harness of the statement parser: the input is a document's
 *	  text with pages split at form feeds, parsed once as layout text and
 *	  once as OCR text (opts.ocr), the second time limited to a page range
 *	  taken from the first byte.
 *
 *-------------------------------------------------------------------------
 */
#include "parse.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* split data at form feeds into at most max pages; returns their number */
static int
split_pages(const char *data, size_t size, const char **pages, size_t *lens,
			int max)
{
	int			n = 0;
	size_t		b = 0;

	for (size_t i = 0; i <= size && n < max; i++)
	{
		if (i == size || data[i] == '\f')
		{
			pages[n] = data + b;
			lens[n] = i - b;
			n++;
			b = i + 1;
		}
	}
	return n;
}

/* touch every string of a result, so that ASan sees any bad one */
static size_t
walk_result(const fx_result *r)
{
	size_t		n = 0;

	if (r == NULL)
		return 0;
	for (int s = 0; s < r->nstatements; s++)
	{
		const fx_statement *st = &r->statements[s];

		n += strlen(st->title) + (st->unit_scale ? strlen(st->unit_scale) : 0);
		for (int j = 0; j < st->nperiods; j++)
			n += st->periods[j].label ? strlen(st->periods[j].label) : 0;
		for (int i = 0; i < st->nitems; i++)
		{
			n += st->items[i].label ? strlen(st->items[i].label) : 0;
			for (int j = 0; j < st->nperiods; j++)
				n += st->items[i].values[j] ? strlen(st->items[i].values[j]) : 0;
		}
		for (int c = 0; c < st->nchecks; c++)
			n += strlen(st->checks[c].expected) + strlen(st->checks[c].computed);
	}
	return n;
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* one fuzz input */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *pages[64];
	size_t		lens[64];
	char	   *copy = malloc(size + 1);
	int			n;
	fx_parse_opts opts;
	fx_result  *r;

	if (copy == NULL)
		return 0;
	/* an exact-size copy: reads past the end are caught */
	memcpy(copy, data, size);
	n = split_pages(copy, size, pages, lens, 64);
	memset(&opts, 0, sizeof(opts));
	r = fx_parse_document(pages, lens, n, &opts);
	walk_result(r);
	fx_result_free(r);
	opts.ocr = true;
	if (size > 0)
	{
		opts.first_page = data[0] & 3;
		opts.last_page = (data[0] >> 2) & 7;
	}
	r = fx_parse_document(pages, lens, n, &opts);
	walk_result(r);
	fx_result_free(r);
	free(copy);
	return 0;
}

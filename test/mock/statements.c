/*-------------------------------------------------------------------------
 *
 * statements.c
 *	  Owns the split of a user message into pages and the conversion of
 *	  the parser's fx_result into {"statements": [...]}.
 *
 *-------------------------------------------------------------------------
 */
#include "statements.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "util.h"

#define MAX_PAGES 4096

/* length of a "<<<PAGE n>>>" line at p (through its newline), or 0 */
static size_t
marker_len(const char *p, const char *end)
{
	const char *q = p + 8;

	if (end - p < 12 || memcmp(p, "<<<PAGE ", 8) != 0)
		return 0;
	if (q >= end || !isdigit((unsigned char) *q))
		return 0;
	while (q < end && isdigit((unsigned char) *q))
		q++;
	if (end - q < 3 || memcmp(q, ">>>", 3) != 0)
		return 0;
	q += 3;
	while (q < end && (*q == ' ' || *q == '\r'))
		q++;
	if (q < end && *q != '\n')
		return 0;
	return (q < end ? q + 1 : q) - p;
}

/* split at marker lines; returns the number of pages */
static int
split_pages(const char *text, size_t len, const char **pages, size_t *lens)
{
	const char *end = text + len;
	int			n = 0;
	bool		marked = false;

	for (const char *p = text; p < end;)
	{
		const char *nl = memchr(p, '\n', end - p);
		const char *next = nl ? nl + 1 : end;
		size_t		m = marker_len(p, end);

		if (m > 0 && n < MAX_PAGES)
		{
			if (n > 0 && lens[n - 1] > 0 && pages[n - 1][lens[n - 1] - 1] == '\n')
				lens[n - 1]--;	/* the newline before the marker */
			marked = true;
			pages[n] = p + m;
			lens[n++] = 0;
			next = p + m;
		}
		else if (marked)
			lens[n - 1] = next - pages[n - 1];
		p = next;
	}
	if (!marked)
	{
		pages[0] = text;
		lens[0] = len;
		n = 1;
	}
	return n;
}

/* a parser decimal string as a JSON number that prints exactly so */
static json_object *
decimal_json(const char *s)
{
	const char *p = s;
	char	   *end;
	double		d = strtod(s, &end);

	if (*p == '-')
		p++;
	if (!isdigit((unsigned char) *p) || (p[0] == '0' && isdigit((unsigned char) p[1])))
		return json_object_new_double(d);
	while (isdigit((unsigned char) *p))
		p++;
	if (*p == '.')
	{
		p++;
		if (!isdigit((unsigned char) *p))
			return json_object_new_double(d);
		while (isdigit((unsigned char) *p))
			p++;
	}
	if (*p != '\0')
		return json_object_new_double(d);
	return json_object_new_double_s(d, s);
}

static json_object *
period_json(const fx_period *p)
{
	json_object *o = json_object_new_object();
	char		date[16];

	json_object_object_add(o, "label", json_object_new_string(p->label ? p->label : ""));
	if (p->end_year > 0 && p->end_month > 0 && p->end_day > 0)
	{
		snprintf(date, sizeof(date), "%04d-%02d-%02d",
				 p->end_year % 10000, p->end_month % 100, p->end_day % 100);
		json_object_object_add(o, "end_date", json_object_new_string(date));
	}
	else
		json_object_object_add(o, "end_date", NULL);
	json_object_object_add(o, "months", p->months > 0 ? json_object_new_int(p->months) : NULL);
	return o;
}

static json_object *
item_json(const fx_item *it, int nperiods)
{
	json_object *o = json_object_new_object();
	json_object *vals = json_object_new_array();

	json_object_object_add(o, "label", json_object_new_string(it->label ? it->label : ""));
	json_object_object_add(o, "indent", json_object_new_int(it->indent));
	json_object_object_add(o, "is_total", json_object_new_boolean(it->is_total));
	for (int i = 0; i < nperiods; i++)
		json_object_array_add(vals, it->values && it->values[i] ?
							  decimal_json(it->values[i]) : NULL);
	json_object_object_add(o, "values", vals);
	return o;
}

static json_object *
statement_json(const fx_statement *st)
{
	json_object *o = json_object_new_object();
	json_object *periods = json_object_new_array();
	json_object *items = json_object_new_array();

	json_object_object_add(o, "statement_type",
						   json_object_new_string(fx_stmt_type_name(st->type)));
	json_object_object_add(o, "title", json_object_new_string(st->title ? st->title : ""));
	json_object_object_add(o, "unit_scale", st->unit_scale ? decimal_json(st->unit_scale) : NULL);
	json_object_object_add(o, "currency", st->currency[0] ?
						   json_object_new_string(st->currency) : NULL);
	for (int i = 0; i < st->nperiods; i++)
		json_object_array_add(periods, period_json(&st->periods[i]));
	for (int i = 0; i < st->nitems; i++)
		json_object_array_add(items, item_json(&st->items[i], st->nperiods));
	json_object_object_add(o, "periods", periods);
	json_object_object_add(o, "items", items);
	return o;
}

/* parse the message's pages; {"statements": []} when nothing is found */
json_object *
statements_from_text(const char *text, size_t len)
{
	const char **pages = xmalloc(MAX_PAGES * sizeof(char *));
	size_t	   *lens = xmalloc(MAX_PAGES * sizeof(size_t));
	int			npages = split_pages(text, len, pages, lens);
	fx_parse_opts opts;
	fx_result  *res;
	json_object *arr = json_object_new_array();
	json_object *obj = json_object_new_object();

	memset(&opts, 0, sizeof(opts));
	res = fx_parse_document(pages, lens, npages, &opts);
	for (int i = 0; res && i < res->nstatements; i++)
		json_object_array_add(arr, statement_json(&res->statements[i]));
	if (res)
		fx_result_free(res);
	free(pages);
	free(lens);
	json_object_object_add(obj, "statements", arr);
	return obj;
}

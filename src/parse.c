/*-------------------------------------------------------------------------
 *
 * parse.c
 *	  Entry point of the statement parser: builds the document's lines,
 *	  lists pages without text, locates the statements, structures and
 *	  checks each one, and frees results.
 *
 * See parse.h for the interface and parse_int.h for the files behind it.
 *
 *-------------------------------------------------------------------------
 */
#include "parse_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* fewer non-blank characters than this: the page has no text layer */
#define MIN_PAGE_CHARS	20

/* release what one statement owns */
static void
free_statement(fx_statement *st)
{
	free(st->title);
	free(st->unit_scale);
	for (int j = 0; j < st->nperiods; j++)
		free(st->periods[j].label);
	free(st->periods);
	for (int i = 0; i < st->nitems; i++)
	{
		for (int j = 0; j < st->nperiods; j++)
			free(st->items[i].values[j]);
		free(st->items[i].values);
		free(st->items[i].label);
		free(st->items[i].row_period.label);
	}
	free(st->items);
	for (int i = 0; i < st->nchecks; i++)
	{
		free(st->checks[i].name);
		free(st->checks[i].target);
		free(st->checks[i].expected);
		free(st->checks[i].computed);
	}
	free(st->checks);
}

/* release a result and everything it owns */
void
fx_result_free(fx_result *res)
{
	if (res == NULL)
		return;
	for (int i = 0; i < res->nstatements; i++)
		free_statement(&res->statements[i]);
	free(res->statements);
	free(res->no_text_pages);
	free(res->error);
	for (int i = 0; i < res->nwarnings; i++)
		free(res->warnings[i]);
	free(res->warnings);
	free(res);
}

/*
 * List the pages whose text layer is empty or nearly so, or unreadable:
 * they need OCR.
 */
static bool
find_no_text(const fx_doc *doc, const char *const *pages, const size_t *lens,
			 fx_result *res)
{
	res->no_text_pages = malloc(sizeof(int) * (size_t) (doc->npages + 1));
	if (res->no_text_pages == NULL)
		return false;
	for (int i = 0; i < doc->npages; i++)
		if (doc->page_chars[i] < MIN_PAGE_CHARS ||
			fx_text_unreadable(pages[i], lens[i]))
			res->no_text_pages[res->n_no_text++] = i + 1;
	return true;
}

/* the currency most statements name, for those that name none */
static void
fill_currency(fx_result *res)
{
	int			best = -1,
				bestn = 0;

	for (int i = 0; i < res->nstatements; i++)
	{
		int			n = 0;

		if (res->statements[i].currency[0] == '\0')
			continue;
		for (int k = 0; k < res->nstatements; k++)
			if (strcmp(res->statements[i].currency,
					   res->statements[k].currency) == 0)
				n++;
		if (n > bestn)
			bestn = n, best = i;
	}
	if (best < 0)
		return;
	for (int i = 0; i < res->nstatements; i++)
		if (res->statements[i].currency[0] == '\0')
			memcpy(res->statements[i].currency,
				   res->statements[best].currency, 4);
}

/* does the label open or close a balance ("Balance at December 31, 2015")? */
static bool
is_balance_label(const char *l)
{
	int			n = (int) strlen(l);

	return fx_has_word(l, n, "balance") || fx_has_word(l, n, "balances");
}

/*
 * Equity statements whose columns are components: give each row its own
 * period.  A balance row carries its date; the rows between two balances
 * belong to the period that ends at the second one.
 */
static bool
row_periods(fx_statement *st)
{
	fx_period	next = {0};
	fx_period	prev_bal = {0};

	for (int i = st->nitems - 1; i >= 0; i--)
	{
		fx_item    *x = &st->items[i];
		fx_period	p = {0};

		if (x->label && is_balance_label(x->label) &&
			fx_period_parse(x->label, (int) strlen(x->label), &p) &&
			p.end_month > 0)
		{
			p.months = 0;
			x->row_period = p;
			next = p;
			continue;
		}
		x->row_period = next;
	}
	/* movement rows: the period from one balance to the next */
	for (int i = 0; i < st->nitems; i++)
	{
		fx_item    *x = &st->items[i];

		if (x->label && is_balance_label(x->label) &&
			x->row_period.end_year > 0 && x->row_period.months == 0 &&
			x->row_period.end_month > 0)
		{
			prev_bal = x->row_period;
			continue;
		}
		if (x->row_period.end_year > 0 && prev_bal.end_year > 0)
			x->row_period.months =
				(x->row_period.end_year - prev_bal.end_year) * 12 +
				x->row_period.end_month - prev_bal.end_month;
		if (x->row_period.months < 0 || x->row_period.months > 24)
			x->row_period.months = 0;
	}
	for (int i = 0; i < st->nitems; i++)
	{
		fx_item    *x = &st->items[i];
		char		buf[64];

		if (x->row_period.end_year == 0)
			continue;
		if (x->row_period.end_month > 0 && x->row_period.end_day > 0)
			snprintf(buf, sizeof(buf), "%04d-%02d-%02d",
					 x->row_period.end_year, x->row_period.end_month,
					 x->row_period.end_day);
		else
			snprintf(buf, sizeof(buf), "%04d", x->row_period.end_year);
		x->row_period.label = fx_strndup(buf, strlen(buf));
		if (x->row_period.label == NULL)
			return false;
	}
	return true;
}

/* structure and check every located statement */
static bool
build_statements(const fx_doc *doc, const fx_span *spans, int n,
				 fx_result *res)
{
	fx_fye		fye;

	fx_find_fiscal_year_end(doc, &fye);
	res->statements = calloc((size_t) (n > 0 ? n : 1), sizeof(fx_statement));
	if (res->statements == NULL)
		return false;
	for (int k = 0; k < n; k++)
	{
		fx_statement *st = &res->statements[res->nstatements];
		bool		ok = fx_structure(doc, &spans[k], st);

		res->nstatements++;
		if (!ok || (st->component_columns && !row_periods(st)))
			return false;
		if (st->nitems == 0)
		{
			free_statement(st);
			memset(st, 0, sizeof(*st));
			res->nstatements--;
		}
	}
	/* every statement's full headings first: they complete each other's */
	for (int k = 0; k < res->nstatements; k++)
		fx_note_known_periods(&res->statements[k], &fye);
	fx_fye_from_balance_sheets(res, &fye);
	for (int k = 0; k < res->nstatements; k++)
	{
		fx_prove_periods(&res->statements[k], &fye, res);
		fx_check_statement(&res->statements[k]);
	}
	fill_currency(res);
	return true;
}

/* set res->error to a copy of msg */
static void
set_error(fx_result *res, const char *msg)
{
	free(res->error);
	res->error = fx_strndup(msg, strlen(msg));
}

/* OCR'd pages laid out in columns */
typedef struct ocr_pages
{
	int			n;
	char	  **text;
	size_t	   *lens;
} ocr_pages;

/* release laid-out OCR pages */
static void
ocr_pages_free(ocr_pages *op)
{
	for (int i = 0; i < op->n; i++)
		free(op->text[i]);
	free(op->text);
	free(op->lens);
	memset(op, 0, sizeof(*op));
}

/*
 * Lay out one page: word TSV (pdftotext -tsv, tesseract) by its boxes, OCR
 * text by parse_ocr.c; OCR TSV by its boxes, then its words repaired in
 * place (parse_ocr.c).  NULL when out of memory.
 */
static char *
layout_page(const char *page, size_t len, bool ocr, double scale,
			size_t *outlen)
{
	char	   *t,
			   *o;
	size_t		tlen;

	if (!fx_is_word_tsv(page, len))
		return fx_ocr_layout_page(page, len, outlen);
	t = fx_words_layout_page(page, len, scale, &tlen);
	if (t == NULL || !ocr)
	{
		*outlen = tlen;
		return t;
	}
	o = fx_ocr_repair_page(t, tlen, outlen);
	free(t);
	return o;
}

/* did page i (0-based) come from OCR? */
static bool
page_is_ocr(const fx_parse_opts *opts, int i)
{
	if (opts == NULL)
		return false;
	return opts->ocr_pages ? opts->ocr_pages[i] : opts->ocr;
}

/* does any page need laying out (OCR text, or word TSV)? */
static bool
pages_need_layout(const char *const *pages, const size_t *lens, int npages,
				  const fx_parse_opts *opts)
{
	for (int i = 0; i < npages; i++)
		if (page_is_ocr(opts, i) ||
			(pages[i] && fx_is_word_tsv(pages[i], lens[i])))
			return true;
	return false;
}

/* lay out every page that needs it; false when out of memory */
static bool
ocr_pages_build(ocr_pages *op, const char *const *pages, const size_t *lens,
				int npages, const fx_parse_opts *opts)
{
	double		scale = fx_words_scale(pages, lens, npages);

	memset(op, 0, sizeof(*op));
	op->text = calloc((size_t) (npages > 0 ? npages : 1), sizeof(char *));
	op->lens = calloc((size_t) (npages > 0 ? npages : 1), sizeof(size_t));
	if (op->text == NULL || op->lens == NULL)
	{
		ocr_pages_free(op);
		return false;
	}
	op->n = npages;
	for (int i = 0; i < npages; i++)
	{
		const char *p = pages[i] ? pages[i] : "";
		size_t		n = pages[i] ? lens[i] : 0;
		bool		ocr = page_is_ocr(opts, i);

		if (ocr || fx_is_word_tsv(p, n))
			op->text[i] = layout_page(p, n, ocr, scale, &op->lens[i]);
		else
			op->text[i] = fx_strndup(p, op->lens[i] = n);
		if (op->text[i] == NULL)
		{
			ocr_pages_free(op);
			return false;
		}
	}
	return true;
}

/*
 * Parse a document given as the text of each page.  Returns NULL only when
 * out of memory.
 */
fx_result *
fx_parse_document(const char *const *pages, const size_t *lens, int npages,
				  const fx_parse_opts *opts)
{
	fx_result  *res = calloc(1, sizeof(fx_result));
	fx_doc		doc;
	fx_span    *spans = NULL;
	ocr_pages	op = {0, NULL, NULL};
	int			n;

	if (res == NULL)
		return NULL;
	res->npages = npages > 0 ? npages : 0;
	if (pages_need_layout(pages, lens, res->npages, opts))
	{
		if (!ocr_pages_build(&op, pages, lens, res->npages, opts))
		{
			fx_result_free(res);
			return NULL;
		}
		pages = (const char *const *) op.text;
		lens = op.lens;
	}
	if (!fx_doc_build(&doc, pages, lens, res->npages))
	{
		ocr_pages_free(&op);
		fx_result_free(res);
		return NULL;
	}
	if (!find_no_text(&doc, pages, lens, res))
		goto oom;
	n = fx_locate(&doc, opts, &spans);
	if (n < 0)
		goto oom;
	if (!build_statements(&doc, spans, n, res))
		goto oom;
	if (res->nstatements == 0)
		set_error(res, res->n_no_text == res->npages && res->npages > 0 ?
				  "no page has a readable text layer" : "no financial statement found");
	free(spans);
	fx_doc_free(&doc);
	ocr_pages_free(&op);
	return res;

oom:
	free(spans);
	fx_doc_free(&doc);
	ocr_pages_free(&op);
	fx_result_free(res);
	return NULL;
}

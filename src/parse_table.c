/*-------------------------------------------------------------------------
 *
 * parse_table.c
 *	  The table of one located statement: its blocks, number format, unit
 *	  scale and currency, and the assembly of its periods and items.
 *
 * A statement is read one page at a time (a "block").  Here a block is
 * laid out: its rows start at the first data row below the title and
 * header lines, and stop at an end marker, a new title, a footnote the
 * rows refer to or the header of a new table.  Then, in a block:
 *	  - each line splits into a label and the values at its right end
 *		(parse_row.c);
 *	  - the value columns are the clusters of overlapping value spans over
 *		the block's rows, and the period line gives each column its period
 *		(parse_columns.c: percent values are left out, so a "% of sales"
 *		column is never a period; a column whose heading is not a period,
 *		such as "Notes", gets no period and its values are dropped);
 *	  - the column headings are the text cells above the columns
 *		(parse_heading.c), the lowest line with dates or years giving the
 *		periods;
 *	  - rows become items (parse_items.c): wrapped labels are joined, a row
 *		of values with no label gets a generated "Total ..." label.
 * The number format (1,234.5 or 1.234,5) is voted once per statement by
 * the amounts at the rows' right ends; the unit scale and currency come
 * from the title and header lines, else from currency signs among the
 * values.
 *
 *-------------------------------------------------------------------------
 */
#include "parse_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* does a line open a new table (two text headings over the columns)? */
static bool
is_new_table_header(const fx_doc *doc, const fx_line *ln, int left)
{
	fx_cell		cells[FX_MAX_CELLS];
	int			n = fx_line_cells(doc, ln, cells, FX_MAX_CELLS);
	int			over = 0;

	for (int i = 0; i < n; i++)
		if (cells[i].start >= left)
			over++;
	return over >= 2;
}

/* number of cells of a line */
static int
count_cells(const fx_doc *doc, const fx_line *ln)
{
	fx_cell		cells[FX_MAX_CELLS];

	return fx_line_cells(doc, ln, cells, FX_MAX_CELLS);
}

/* is the line an "Exhibit 5" / "Appendix" caption opening a new part? */
static bool
is_exhibit_line(const fx_line *ln)
{
	return ln->nwords <= 3 && (fx_has_word(ln->s, ln->len, "exhibit") ||
							   fx_has_word(ln->s, ln->len, "appendix") ||
							   fx_has_word(ln->s, ln->len, "annex"));
}

/*
 * The first data row's label is a bare year ("2021   $ 1,000 ...") and the
 * line above, a label alone, ends in a comma ("Balance at December 31,"):
 * that line is the start of the row's label, not a heading.
 */
static int
wrapped_year_start(const fx_doc *doc, int from, int i, const fx_row *row)
{
	const fx_line *ln = &doc->lines[i];
	const fx_line *up;
	const fx_word *w = fx_line_words(doc, ln);
	fx_row		prev;

	if (i <= from || row->label_words != 1 ||
		!fx_is_year_word(ln->s + w[0].off, w[0].len))
		return i;
	up = &doc->lines[i - 1];
	if (up->nwords == 0 || up->s[up->len - 1] != ',')
		return i;
	fx_analyze_row(doc, up, false, &prev);
	if (prev.nvals > 0 || prev.label_start > row->label_start + 2)
		return i;
	return i - 1;
}

/* find the first data row of [from, to), skipping title lines */
static int
first_data_row(const fx_doc *doc, const fx_block *bl, int from, int to,
			   bool euro)
{
	for (int i = from; i < to; i++)
	{
		fx_row		row;

		fx_analyze_row(doc, &doc->lines[i], euro, &row);
		fx_row_year_label(&row, bl->label_left);
		if (row.label_words > 0 && fx_row_is_data(&row))
			return wrapped_year_start(doc, from, i, &row);
	}
	return to;
}

/*
 * The footnote mark a line starts with ("(1)", "(a)", "*"), copied to
 * mark, when the line is a footnote's text: the mark and three or more
 * words; false otherwise.
 */
static bool
footnote_mark(const fx_doc *doc, const fx_line *ln, char *mark)
{
	const fx_word *w = fx_line_words(doc, ln);
	const char *t;
	int			n;

	if (ln->nwords < 4)
		return false;
	t = ln->s + w[0].off;
	n = w[0].len;
	if (!fx_is_mark_word(t, n))
		return false;
	memcpy(mark, t, (size_t) n);
	mark[n] = '\0';
	return true;
}

/* does a line of [from, to) end a word of its label with mark? */
static bool
mark_used(const fx_doc *doc, int from, int to, const char *mark)
{
	int			ml = (int) strlen(mark);

	for (int i = from; i < to; i++)
	{
		const fx_line *ln = &doc->lines[i];
		const fx_word *w = fx_line_words(doc, ln);

		for (int k = 1; k < ln->nwords; k++)
			if (w[k].len >= ml &&
				memcmp(ln->s + w[k].off + w[k].len - ml, mark, ml) == 0 &&
				(w[k].len > ml || mark[0] == '('))
				return true;
	}
	return false;
}

/* where the rows of a block stop: end marker, new title, new table */
static int
block_end(const fx_doc *doc, int body, int to, bool euro)
{
	int			left = -1,
				rows = 0;
	char		mark[8];

	for (int i = body; i < to; i++)
	{
		const fx_line *ln = &doc->lines[i];
		fx_row		row;
		bool		cont;

		if (ln->nwords == 0)
			continue;
		if (fx_is_end_marker(ln->s, ln->len))
			return i;
		if (rows > 0 && fx_title_type(doc, ln, &cont) >= 0 && !cont)
			return i;
		fx_analyze_row(doc, ln, euro, &row);
		if (rows > 0 && row.all_years && row.nvals >= 2)
			return i;
		if (fx_row_is_data(&row))
		{
			rows++;
			for (int v = 0; v < row.nvals; v++)
				if (row.vals[v].strong && (left < 0 || row.vals[v].start < left))
					left = row.vals[v].start;
		}
		else if (rows > 2 && row.nvals == 0 && footnote_mark(doc, ln, mark) &&
				 mark_used(doc, body, i, mark))
			return i;			/* a footnote the rows refer to */
		else if (rows > 2 && row.nvals == 0 &&
				 ((left > 0 && is_new_table_header(doc, ln, left - 2)) ||
				  count_cells(doc, ln) >= 3 || is_exhibit_line(ln)))
			return i;
	}
	return to;
}

/* the leftmost start of the labels of the block's data rows */
static int
label_margin(const fx_doc *doc, int from, int to, bool euro)
{
	int			left = 1 << 30;

	for (int i = from; i < to; i++)
	{
		fx_row		row;

		fx_analyze_row(doc, &doc->lines[i], euro, &row);
		if (row.label_words > 0 && row.nvals > 0 && row.label_start < left)
			left = row.label_start;
	}
	return left;
}

/* one comma in [comma, end), three digits after it (then perhaps ")")? */
static bool
is_comma3(const char *comma, const char *end)
{
	int			n = 0;
	const char *p = comma + 1;

	if (memchr(p, ',', (size_t) (end - p)) != NULL)
		return false;
	while (p < end && *p >= '0' && *p <= '9')
		p++, n++;
	return n == 3 && (p == end || (*p == ')' && p + 1 == end));
}

/*
 * Does the statement use European number format (1.234,5)?  Only the
 * amounts at the right end of rows vote: a "2,5%" rate or "0,5" inside a
 * label or caption must never turn every "89,063" into 89.063.  When no
 * amount settles it, a German title does: German prints 1.234,5.
 */
static bool
vote_euro(const fx_doc *doc, int from, int to, bool german)
{
	int			vote = 0,
				dot3 = 0,
				comma3 = 0,
				other = 0;

	for (int i = from; i < to; i++)
	{
		const fx_line *ln = &doc->lines[i];
		const fx_word *w = fx_line_words(doc, ln);
		fx_row		row;

		fx_analyze_row(doc, ln, false, &row);
		if (row.nvals == 0)
			continue;
		for (int k = row.label_words; k < ln->nwords; k++)
		{
			const char *s = ln->s + w[k].off;
			const char *dot = memchr(s, '.', (size_t) w[k].len);
			const char *comma = memchr(s, ',', (size_t) w[k].len);
			int			after = dot ? (int) (s + w[k].len - dot - 1) : 0;

			vote += fx_euro_vote(s, w[k].len);
			/* "12.345": a dot and three digits (then perhaps a ")") */
			if (dot && !comma && memchr(dot + 1, '.', (size_t) after) == NULL &&
				(after == 3 || (after == 4 && dot[4] == ')')))
				dot3++;
			else if (comma && !dot && is_comma3(comma, s + w[k].len))
				comma3++;
			else if (dot || comma)
				other++;
		}
	}
	/*
	 * No word settles it, but every dotted amount has three digits after
	 * its dot, and there are several: dots group digits (12.345).
	 */
	if (vote == 0 && ((dot3 >= 3 && other == 0) || german))
		return true;

	/*
	 * Many amounts grouped "38,738" and one or two words for the decimal
	 * comma: those are misprints or misreadings (OCR's "77,0384" for
	 * "77,038 $"), not the statement's format; a European statement rarely
	 * prints three decimals.
	 */
	if (vote > 0 && comma3 >= 5 && vote * 5 <= comma3)
		return false;
	return vote > 0;
}

/* the text of lines [from, to) joined, for captions */
static char *
lines_text(const fx_doc *doc, int from, int to)
{
	fx_buf		b;

	fx_buf_init(&b);
	for (int i = from; i < to && b.len < 4000; i++)
	{
		fx_buf_add(&b, doc->lines[i].s, (size_t) doc->lines[i].len);
		fx_buf_add(&b, "\n", 1);
	}
	return fx_buf_take(&b);
}

/* unit scale and currency from the title and header lines */
static void
find_unit_currency(const fx_doc *doc, int from, int to, fx_statement *st)
{
	char	   *t = lines_text(doc, from, to);
	const char *u;

	if (t == NULL)
		return;
	u = fx_find_unit_scale(t, (int) strlen(t));
	st->unit_scale = fx_strndup(u ? u : "1", strlen(u ? u : "1"));
	if (!fx_find_currency(t, (int) strlen(t), st->currency))
		st->currency[0] = '\0';
	free(t);
}

/*
 * Convenience translations.  A report in one currency may add columns in
 * another under a caption of their own ("Millions of yen" over 2023 and
 * 2022, "Thousands of U.S. dollars (Note 1)" over a second 2023): the same
 * periods again, translated at one rate, in another unit.  The captions
 * over the value columns are found with their extents; when they name two
 * currencies, the statement takes the unit and currency of the caption
 * over its first column, and the columns under a caption in another
 * currency, right of those, are no facts of the report and are dropped.
 */
#define MAX_CAPTIONS 8

typedef struct unit_caption
{
	int			start;
	int			end;
	const char *scale;			/* NULL: none named */
	char		currency[4];	/* "": none named */
} unit_caption;

/* add a header cell naming a unit or a currency to the captions */
static int
add_caption(unit_caption *caps, int n, const fx_cell *c, const char *scale,
			const char *cur)
{
	int			k;

	/* a caption over two lines ("Thousands of" / "U.S. dollars") */
	for (k = 0; k < n; k++)
		if (c->start < caps[k].end && caps[k].start < c->end)
			break;
	if (k == n)
	{
		if (n == MAX_CAPTIONS)
			return n;
		memset(&caps[k], 0, sizeof(caps[k]));
		caps[k].start = c->start;
		caps[k].end = c->end;
		n++;
	}
	if (c->start < caps[k].start)
		caps[k].start = c->start;
	if (c->end > caps[k].end)
		caps[k].end = c->end;
	if (caps[k].scale == NULL)
		caps[k].scale = scale;
	if (caps[k].currency[0] == '\0')
		memcpy(caps[k].currency, cur, 4);
	return n;
}

/* the captions naming a unit or a currency over the value area */
static int
unit_captions(const fx_doc *doc, int from, int to, int left,
			  unit_caption *caps)
{
	int			n = 0;

	for (int i = from; i < to; i++)
	{
		const fx_line *ln = &doc->lines[i];
		fx_cell		cells[FX_MAX_CELLS];
		int			nc = fx_line_cells(doc, ln, cells, FX_MAX_CELLS);

		for (int c = 0; c < nc; c++)
		{
			char	   *t;
			const char *scale;
			char		cur[4];

			if (cells[c].start < left - 2)
				continue;
			t = fx_cell_text(doc, ln, &cells[c]);
			if (t == NULL)
				continue;
			scale = fx_find_unit_scale(t, (int) strlen(t));
			if (!fx_find_currency(t, (int) strlen(t), cur))
				cur[0] = '\0';
			free(t);
			if (scale != NULL || cur[0] != '\0')
				n = add_caption(caps, n, &cells[c], scale, cur);
		}
	}
	return n;
}

/* the caption over period j's column, or -1 */
static int
caption_of(const fx_block *bl, int j, const unit_caption *caps, int n)
{
	int			best = -1,
				bestd = 1 << 30;

	for (int a = 0; a < bl->nanch; a++)
	{
		int			mid;

		if (bl->anch[a].period != j)
			continue;
		mid = (bl->anch[a].start + bl->anch[a].end) / 2;
		for (int k = 0; k < n; k++)
		{
			int			d = mid < caps[k].start ? caps[k].start - mid :
				mid > caps[k].end ? mid - caps[k].end : 0;

			if (d < bestd)
				bestd = d, best = k;
		}
	}
	return best;
}

/* drop period j of a statement and its values */
static void
drop_period(fx_statement *st, fx_items *it, int j)
{
	free(st->periods[j].label);
	memmove(&st->periods[j], &st->periods[j + 1],
			sizeof(fx_period) * (size_t) (st->nperiods - j - 1));
	for (int i = 0; i < it->n; i++)
	{
		free(it->items[i].values[j]);
		memmove(&it->items[i].values[j], &it->items[i].values[j + 1],
				sizeof(char *) * (size_t) (st->nperiods - j - 1));
	}
	st->nperiods--;
}

/* does period j repeat the period of a column that is kept? */
static bool
repeats_period(const fx_statement *st, const bool *drop, int j)
{
	const fx_period *p = &st->periods[j];

	for (int i = 0; i < st->nperiods; i++)
	{
		const fx_period *q = &st->periods[i];

		if (!drop[i] && q->end_year == p->end_year && p->end_year > 0 &&
			(q->end_month == p->end_month || q->end_month == 0 ||
			 p->end_month == 0))
			return true;
	}
	return false;
}

/*
 * Drop the columns of a convenience translation (see above): columns under
 * a caption in another currency that repeat the periods of the columns
 * kept (a "$ Change" caption over a column of other years is none); the
 * unit and currency become those of the first column's caption.
 */
static void
drop_translations(const fx_doc *doc, const fx_block *bl, int from,
				  fx_statement *st, fx_items *it)
{
	unit_caption caps[MAX_CAPTIONS];
	int			n = unit_captions(doc, from, bl->body, fx_value_left(bl), caps);
	int			home,
				kept = 0;
	bool		drop[FX_MAX_COLS];

	if (n < 2 || st->nperiods < 2 || st->nperiods > FX_MAX_COLS ||
		(home = caption_of(bl, 0, caps, n)) < 0 ||
		caps[home].currency[0] == '\0')
		return;
	for (int j = 0; j < st->nperiods; j++)
	{
		int			k = caption_of(bl, j, caps, n);

		drop[j] = k >= 0 && caps[k].currency[0] != '\0' &&
			strcmp(caps[k].currency, caps[home].currency) != 0;
		if (!drop[j] && kept < j)
			return;				/* a home column right of a translation */
		kept += !drop[j];
	}
	if (kept == st->nperiods)
		return;
	for (int j = 0; j < st->nperiods; j++)
		if (drop[j] && !repeats_period(st, drop, j))
			return;				/* "$ Change" over a column of its own */
	for (int j = st->nperiods - 1; j >= 0; j--)
		if (drop[j])
			drop_period(st, it, j);
	if (caps[home].scale != NULL)
	{
		free(st->unit_scale);
		st->unit_scale = fx_strndup(caps[home].scale, strlen(caps[home].scale));
	}
	memcpy(st->currency, caps[home].currency, 4);
}

/* currency from the signs among the values of [from, to) */
static void
currency_from_values(const fx_doc *doc, int from, int to, fx_statement *st)
{
	for (int i = from; i < to && st->currency[0] == '\0'; i++)
	{
		const fx_line *ln = &doc->lines[i];
		const fx_word *w = fx_line_words(doc, ln);

		for (int k = 0; k < ln->nwords; k++)
		{
			char		out[FX_NUM_LEN];
			bool		strong;
			fx_tok		t = fx_classify_word(ln->s + w[k].off, w[k].len,
											 false, out, sizeof(out), &strong);

			if ((t == FX_TOK_SYMBOL || t == FX_TOK_AMOUNT) &&
				fx_find_currency(ln->s + w[k].off, w[k].len, st->currency))
				break;
			st->currency[0] = '\0';
		}
	}
}

/* lay out block bl starting at line from */
static void
setup_block(const fx_doc *doc, fx_block *bl, int from, int to, bool euro,
			bool equity)
{
	bl->from = from;
	bl->in_order = false;
	bl->to = to;
	bl->label_left = label_margin(doc, from, to, euro);
	bl->body = first_data_row(doc, bl, from, to, euro);
	bl->to = block_end(doc, bl->body, to, euro);
	fx_find_columns(doc, bl, euro);
	bl->period_line = fx_find_period_line(doc, bl, euro, equity);
	/* an equity statement's component headings stand under its periods */
	if (bl->period_line >= 0)
		bl->body = equity ? bl->period_line + 1 :
			fx_qualifiers_below(doc, bl, euro) + 1;
	else
	{
		/* rows start after the last header line over the columns */
		int			left = fx_value_left(bl);

		for (int i = bl->body - 1; i >= from; i--)
		{
			bool		cont;

			if (fx_title_type(doc, &doc->lines[i], &cont) >= 0)
				break;
			if (is_new_table_header(doc, &doc->lines[i], left) ||
				(doc->lines[i].nwords > 0 &&
				 fx_line_indent(doc, &doc->lines[i]) >= left))
			{
				bl->body = i + 1;
				break;
			}
		}
	}
}

/* indentation columns to levels: 0 for the leftmost, 1 for the next ... */
static void
indent_levels(fx_statement *st)
{
	int			cols[64];
	int			nc = 0;

	for (int i = 0; i < st->nitems; i++)
	{
		int			c = st->items[i].indent;
		bool		seen = false;

		for (int k = 0; k < nc; k++)
			if (abs(cols[k] - c) <= 1)
				seen = true;
		if (!seen && nc < 64)
			cols[nc++] = c;
	}
	for (int i = 0; i < st->nitems; i++)
	{
		int			lvl = 0,
					c = st->items[i].indent;

		for (int k = 0; k < nc; k++)
			if (cols[k] < c - 1)
				lvl++;
		st->items[i].indent = lvl;
	}
}

/*
 * Does the page starting at line pg_start hold the second half of a
 * balance sheet (parse_locate.c)?  Its first page may close with a
 * footnote ("See accompanying notes"), which ends the rows of a page.
 */
static bool
second_half_on(const fx_doc *doc, const fx_span *span, int pg_start)
{
	return span->second_half >= pg_start &&
		doc->lines[span->second_half].page == doc->lines[pg_start].page;
}

/*
 * Structure one located statement: title, periods, unit scale, currency,
 * items.  False only when out of memory.
 */
bool
fx_structure(const fx_doc *doc, const fx_span *span, fx_statement *st)
{
	const fx_line *tl = &doc->lines[span->title_line];
	bool		euro = vote_euro(doc, span->title_line, span->end_line,
								 fx_title_is_german(doc, tl));
	fx_items	it = {NULL, 0, 0, false};
	fx_block	first,
				bl;
	fx_period	hint;
	int			pg_end = doc->page_start[tl->page];
	int			from = span->title_line + 1;
	bool		ended;

	memset(st, 0, sizeof(*st));
	st->type = span->type;
	st->first_page = st->last_page = tl->page;
	st->title = fx_words_text(doc, tl, 0, tl->nwords);
	if (st->title == NULL)
		return false;
	setup_block(doc, &first, from, pg_end < span->end_line ? pg_end :
				span->end_line, euro, st->type == FX_EQUITY);
	if (pg_end < span->end_line &&
		first_data_row(doc, &first, first.body, first.to, euro) >= first.to)
	{
		/* the title ends its page: headings and rows start on the next */
		from = pg_end;
		pg_end = doc->page_start[doc->lines[pg_end].page];
		st->last_page = doc->lines[from].page;
		setup_block(doc, &first, from, pg_end < span->end_line ? pg_end :
					span->end_line, euro, st->type == FX_EQUITY);
	}
	fx_caption_hint(doc, span->title_line + 1, first.body,
					fx_value_left(&first), &hint);
	/* "(In millions)" may sit under the period line, above the first row */
	find_unit_currency(doc, span->title_line,
					   first_data_row(doc, &first, first.body, first.to, euro),
					   st);
	if (st->unit_scale == NULL)
		return false;
	if (st->currency[0] == '\0')
		currency_from_values(doc, first.body, first.to, st);
	if (!fx_make_periods(doc, &first, st, &hint))
		return false;
	fx_read_rows(doc, &first, &it, st->nperiods, euro);
	/* continuation pages */
	ended = first.to < (pg_end < span->end_line ? pg_end : span->end_line);
	while (pg_end < span->end_line && !it.failed &&
		   (!ended || second_half_on(doc, span, pg_end)))
	{
		int			pg = doc->lines[pg_end].page;
		int			to = doc->page_start[pg] < span->end_line ?
			doc->page_start[pg] : span->end_line;

		setup_block(doc, &bl, pg_end, to, euro, st->type == FX_EQUITY);
		ended = bl.to < to;
		fx_map_block(doc, &bl, &first, st);
		fx_read_rows(doc, &bl, &it, st->nperiods, euro);
		st->last_page = pg;
		pg_end = to;
	}
	if (!it.failed)
		drop_translations(doc, &first, span->title_line + 1, st, &it);
	st->items = it.items;
	st->nitems = it.n;
	if (it.failed)
		return false;
	indent_levels(st);
	return true;
}

/*-------------------------------------------------------------------------
 *
 * parse_columns.c
 *	  The value columns of a block (one page of a statement) and the
 *	  period each column holds.
 *
 * The value columns are the clusters of overlapping value spans over the
 * block's rows (percent values are left out, so a "% of sales" column is
 * never a period).  The period line is the lowest header line with dates
 * or years over the columns; its cells, or else the clusters, become the
 * anchors a value is matched to by position.  A "Notes" heading is an
 * anchor without a period, so its values are dropped.  The first block
 * sets the statement's periods (their labels from parse_heading.c); a
 * continuation page maps its columns onto them, in order when its columns
 * moved.
 *
 *-------------------------------------------------------------------------
 */
#include "parse_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* compare column spans by start (qsort) */
static int
cmp_span(const void *a, const void *b)
{
	const fx_colspan *x = a,
			   *y = b;

	return (x->start > y->start) - (x->start < y->start);
}

/* cluster the value spans of the block's rows into columns */
void
fx_find_columns(const fx_doc *doc, fx_block *bl, bool euro)
{
	fx_colspan *sp = NULL;
	int			n = 0,
				cap = 0,
				nrows = 0,
				ncl = 0;

	bl->ncols = 0;
	for (int i = bl->body; i < bl->to; i++)
	{
		fx_row		row;

		fx_analyze_row(doc, &doc->lines[i], euro, &row);
		fx_row_year_label(&row, bl->label_left);
		if (!fx_row_is_data(&row))
			continue;
		nrows++;
		for (int v = 0; v < row.nvals; v++)
		{
			if (n == cap)
			{
				fx_colspan *ns;

				cap = cap ? cap * 2 : 64;
				ns = realloc(sp, sizeof(fx_colspan) * (size_t) cap);
				if (ns == NULL)
				{
					free(sp);
					return;
				}
				sp = ns;
			}
			sp[n].start = row.vals[v].start;
			sp[n].end = row.vals[v].end;
			sp[n].count = 1;
			sp[n].period = -1;
			n++;
		}
	}
	if (n == 0)
	{
		free(sp);
		return;
	}
	qsort(sp, (size_t) n, sizeof(fx_colspan), cmp_span);
	/* merge overlapping spans */
	for (int i = 0; i < n; i++)
	{
		if (ncl > 0 && sp[i].start < sp[ncl - 1].end)
		{
			if (sp[i].end > sp[ncl - 1].end)
				sp[ncl - 1].end = sp[i].end;
			sp[ncl - 1].count++;
		}
		else
			sp[ncl++] = sp[i];
	}
	/* keep the columns that enough rows use */
	for (int i = 0; i < ncl; i++)
	{
		if (sp[i].count * 10 < nrows && sp[i].count < 3)
			continue;
		if (sp[i].count == 1 && nrows >= 4)
			continue;
		if (bl->ncols < FX_MAX_COLS)
			bl->cols[bl->ncols++] = sp[i];
		else
		{
			/* too many: replace the least used */
			int			least = 0;

			for (int k = 1; k < FX_MAX_COLS; k++)
				if (bl->cols[k].count < bl->cols[least].count)
					least = k;
			if (sp[i].count > bl->cols[least].count)
			{
				memmove(&bl->cols[least], &bl->cols[least + 1],
						sizeof(fx_colspan) * (size_t) (FX_MAX_COLS - least - 1));
				bl->cols[FX_MAX_COLS - 1] = sp[i];
			}
		}
	}
	free(sp);
}

/* centre of a column */
static int
col_center(const fx_colspan *c)
{
	return (c->start + c->end) / 2;
}

/* the left edge of the value area */
int
fx_value_left(const fx_block *bl)
{
	return bl->ncols > 0 ? bl->cols[0].start - 2 : 1 << 30;
}

/* the least distance between the centres of two neighbouring value columns */
static int
cluster_spacing(const fx_block *bl)
{
	int			sp = 1 << 30;

	for (int i = 1; i < bl->ncols; i++)
		if (col_center(&bl->cols[i]) - col_center(&bl->cols[i - 1]) < sp)
			sp = col_center(&bl->cols[i]) - col_center(&bl->cols[i - 1]);
	return bl->ncols > 1 ? sp : 24;
}

/* the left edge of the headings: they may sit left of their values */
static int
header_left(const fx_block *bl)
{
	int			sp = cluster_spacing(bl);

	if (bl->ncols == 0)
		return 1 << 30;
	return fx_value_left(bl) - (sp < 24 ? sp : 24) / 2;
}

/* does the line hold a period heading over the columns? */
static bool
is_period_line(const fx_doc *doc, const fx_line *ln, int left, bool euro)
{
	fx_cell		cells[FX_MAX_CELLS];
	int			n = fx_line_cells(doc, ln, cells, FX_MAX_CELLS);
	fx_row		row;

	fx_analyze_row(doc, ln, euro, &row);
	if (row.all_years)
		return true;
	if (row.nvals > 0)
		return false;
	for (int i = 0; i < n; i++)
	{
		const fx_word *w = fx_line_words(doc, ln);
		const char *s = ln->s + w[cells[i].w0].off;
		int			len = w[cells[i].w1 - 1].off + w[cells[i].w1 - 1].len -
			w[cells[i].w0].off;

		if (cells[i].end > left && fx_text_has_date(s, len))
			return true;
	}
	return false;
}

/* the period cells of the period line: cells over the value area */
static int
period_cells(const fx_doc *doc, const fx_line *ln, int left, fx_cell *out,
			 int max)
{
	fx_cell		cells[FX_MAX_CELLS];
	const fx_word *w = fx_line_words(doc, ln);
	int			n = fx_line_cells(doc, ln, cells, FX_MAX_CELLS),
				m = 0;

	n = fx_split_heading_years(doc, ln, cells, n, FX_MAX_CELLS, left);
	for (int i = 0; i < n && m < max; i++)
	{
		bool		years = true;

		for (int k = cells[i].w0; k < cells[i].w1; k++)
			years = years && fx_is_year_word(ln->s + w[k].off, w[k].len);
		/*
		 * left of the values: a caption ("(In millions)", "Notes"), unless
		 * it is a year: pdftotext may set a heading line's words well left
		 * of the amounts under them
		 */
		if (cells[i].end <= left && !(years && i + 1 < n))
			continue;
		{
			const char *cs = ln->s + w[cells[i].w0].off;
			int			cl = w[cells[i].w1 - 1].off + w[cells[i].w1 - 1].len -
				w[cells[i].w0].off;

			if (!fx_text_has_date(cs, cl))
				continue;		/* "Note", "% of net sales" */
		}
		if (!years && m < max)
		{
			/* "September 30, 2022 December 31, 2021": one cell per period */
			char	   *t = fx_cell_text(doc, ln, &cells[i]);
			fx_pitem	it[FX_MAX_COLS];
			int			ni = t ? fx_period_items(t, (int) strlen(t), it,
												 FX_MAX_COLS) : 0;

			if (ni >= 2 && ni <= FX_MAX_COLS && it[0].has_month)
			{
				int			pos = 0,
							k = cells[i].w0;

				for (int q = 0; q < ni && m < max; q++)
				{
					int			from = q == 0 ? 0 : it[q].off;
					int			to = q + 1 < ni ? it[q + 1].off : 1 << 30;

					out[m].w0 = -1;
					for (; k < cells[i].w1 && pos < to; k++)
					{
						if (pos >= from && out[m].w0 < 0)
							out[m].w0 = k, out[m].start = w[k].start;
						out[m].w1 = k + 1;
						out[m].end = w[k].end;
						pos += w[k].len + 1;
					}
					if (out[m].w0 >= 0)
						m++;
				}
				free(t);
				continue;
			}
			free(t);
		}
		if (years && cells[i].w1 - cells[i].w0 > 1)
		{
			/* "2023 2022" with single blanks: one cell per year */
			for (int k = cells[i].w0; k < cells[i].w1 && m < max; k++)
			{
				out[m].w0 = k;
				out[m].w1 = k + 1;
				out[m].start = w[k].start;
				out[m].end = w[k].end;
				m++;
			}
		}
		else
			out[m++] = cells[i];
	}
	return m;
}

/* do [s1, e1) and [s2, e2) share a position? */
static bool
overlaps(int s1, int e1, int s2, int e2)
{
	return s1 < e2 && s2 < e1;
}

/* the number of cells of a line over the value area that name a date */
static int
dated_cells(const fx_doc *doc, const fx_line *ln, int left)
{
	fx_cell		cells[FX_MAX_CELLS];
	const fx_word *w = fx_line_words(doc, ln);
	int			n = fx_line_cells(doc, ln, cells, FX_MAX_CELLS),
				m = 0;

	for (int i = 0; i < n; i++)
		if (cells[i].end > left &&
			fx_text_has_date(ln->s + w[cells[i].w0].off,
							 w[cells[i].w1 - 1].off + w[cells[i].w1 - 1].len -
							 w[cells[i].w0].off))
			m++;
	return m;
}

/* the span of spans[0..n) whose centre is nearest [start, end), or -1 */
static int
nearest_span(const fx_colspan *spans, int n, int start, int end)
{
	int			best = -1,
				bestd = 1 << 30;

	for (int i = 0; i < n; i++)
	{
		int			d = abs(col_center(&spans[i]) - (start + end) / 2);

		if (d < bestd)
			bestd = d, best = i;
	}
	return best;
}

/*
 * Add the dated heading cells of the lines above the period line that
 * stand nearest a value column no period cell is nearest.  Headings are set
 * bottom- or top-aligned as they come: "September 30, 2018" over
 * "(unaudited)" beside a one-line "December 31, 2017" puts the two dates
 * on two lines.  Returns the new count; pc[] stays in left-to-right order.
 */
static int
period_cells_above(const fx_doc *doc, const fx_block *bl, int left,
				   fx_cell *pc, int npc, int max)
{
	for (int i = bl->period_line - 1; i >= bl->from && npc < bl->ncols &&
		 npc < max; i--)
	{
		fx_cell		up[FX_MAX_COLS];
		bool		cont;
		int			nup;

		if (fx_title_type(doc, &doc->lines[i], &cont) >= 0)
			break;
		nup = period_cells(doc, &doc->lines[i], left, up, FX_MAX_COLS);
		if (nup > dated_cells(doc, &doc->lines[i], left))
			continue;			/* a caption listing periods: "As of ... 2021 & 2020" */
		for (int k = 0; k < nup && npc < max; k++)
		{
			bool		free_slot = true;
			int			at = npc,
						c = nearest_span(bl->cols, bl->ncols, up[k].start, up[k].end);

			for (int j = 0; j < npc; j++)
				free_slot = free_slot && !overlaps(up[k].start, up[k].end,
												   pc[j].start, pc[j].end) &&
					nearest_span(bl->cols, bl->ncols, pc[j].start, pc[j].end) != c;
			/*
			 * over its column: a centred heading lies within half a column
			 * of its right-aligned amounts, however narrow they are
			 */
			if (!free_slot || c < 0 ||
				2 * abs((up[k].start + up[k].end) / 2 -
						col_center(&bl->cols[c])) > cluster_spacing(bl))
				continue;
			while (at > 0 && pc[at - 1].start > up[k].start)
			{
				pc[at] = pc[at - 1];
				at--;
			}
			pc[at] = up[k];
			npc++;
		}
	}
	return npc;
}

/* anchors from the period cells: the j-th cell holds period j */
static void
anchors_from_cells(fx_block *bl, const fx_cell *pc, int npc, int nperiods)
{
	bl->nanch = 0;
	for (int j = 0; j < npc && bl->nanch < FX_MAX_COLS; j++)
	{
		fx_colspan *a = &bl->anch[bl->nanch++];

		a->start = pc[j].start;
		a->end = pc[j].end;
		a->count = 0;
		a->period = j < nperiods ? j : -1;
	}
}

/* anchors from the value clusters: the i-th cluster holds period i */
static void
anchors_from_clusters(fx_block *bl)
{
	bl->nanch = bl->ncols;
	for (int i = 0; i < bl->ncols; i++)
	{
		bl->anch[i] = bl->cols[i];
		bl->anch[i].period = i;
	}
}

/* is the word "No." or "Nos." (of a "Note No." heading)? */
static bool
is_number_abbrev(const char *t, int len)
{
	return (len == 3 && strncasecmp(t, "no.", 3) == 0) ||
		(len == 2 && strncasecmp(t, "no", 2) == 0) ||
		(len == 4 && strncasecmp(t, "nos.", 4) == 0);
}

/* add "Note(s)" and "Note No." headings as anchors that hold no period */
static void
note_anchors(const fx_doc *doc, fx_block *bl, int from, int to)
{
	for (int i = from; i <= to && i < doc->nlines; i++)
	{
		const fx_line *ln = &doc->lines[i];
		const fx_word *w = fx_line_words(doc, ln);

		for (int k = 0; k < ln->nwords && bl->nanch < FX_MAX_COLS; k++)
		{
			const char *t = ln->s + w[k].off;
			int			last = k;

			if ((w[k].len == 4 && strncmp(t, "Note", 4) == 0) ||
				(w[k].len == 5 && strncmp(t, "Notes", 5) == 0) ||
				(w[k].len == 4 && strncmp(t, "NOTE", 4) == 0) ||
				(w[k].len == 5 && strncmp(t, "NOTES", 5) == 0))
			{
				if (k + 1 < ln->nwords && w[k + 1].start - w[k].end < 2 &&
					is_number_abbrev(ln->s + w[k + 1].off, w[k + 1].len))
					last = k + 1;	/* "Note No." */
				if (last + 1 < ln->nwords && w[last + 1].start - w[last].end < 2)
					continue;	/* "Note 12" in a label */
				if (k > 0 && w[k].start - w[k - 1].end < 2)
					continue;
				bl->anch[bl->nanch].start = w[k].start;
				bl->anch[bl->nanch].end = w[last].end;
				bl->anch[bl->nanch].count = 0;
				bl->anch[bl->nanch].period = -1;
				bl->nanch++;
			}
		}
	}
}

/*
 * The last line of the headings below the period line: a "Notes" heading
 * may stand on a line of its own between the years and the first row of
 * amounts (under "ASSETS"), or beside the units ("Notes  CHF '000  CHF
 * '000"); the headings end at the first line with a value.
 */
static int
headings_below(const fx_doc *doc, const fx_block *bl, bool euro)
{
	int			last = bl->period_line;

	for (int i = bl->period_line + 1; i < bl->to && i < doc->nlines &&
		 i <= bl->period_line + 6; i++)
	{
		fx_row		row;

		fx_analyze_row(doc, &doc->lines[i], euro, &row);
		if (row.nvals > 0)
			return last;
		last = i;
	}
	return last;
}

/*
 * Is the cell left of the columns a caption that may stand beside their
 * qualifiers: one in parentheses ("(In millions)") or a unit caption of at
 * most four words ("$000", "In thousands", "EUR m")?
 */
static bool
is_side_caption(const fx_doc *doc, const fx_line *ln, const fx_cell *c)
{
	const fx_word *w = fx_line_words(doc, ln);
	const char *t = ln->s + w[c->w0].off;
	int			len = w[c->w1 - 1].off + w[c->w1 - 1].len - w[c->w0].off;

	return t[0] == '(' ||
		(c->w1 - c->w0 <= 4 && fx_find_unit_scale(t, len) != NULL);
}

/*
 * Is every cell of the line over the columns a short qualifier of one
 * column: at most three words, no wider than the columns are apart (not
 * "(In millions, except per share" set over two columns)?  Left of the
 * columns only a caption may stand (is_side_caption).
 */
static bool
short_cells(const fx_doc *doc, const fx_line *ln, const fx_block *bl,
			int left)
{
	fx_cell		cells[FX_MAX_CELLS];
	int			n = fx_line_cells(doc, ln, cells, FX_MAX_CELLS),
				sp = bl->ncols > 1 ? cluster_spacing(bl) : 1 << 20,
				over = 0;

	for (int k = 0; k < n; k++)
	{
		/* left of the columns, only a caption */
		if (cells[k].end <= left)
		{
			if (!is_side_caption(doc, ln, &cells[k]))
				return false;
			continue;
		}
		if (cells[k].start < left || cells[k].w1 - cells[k].w0 > 3 ||
			cells[k].end - cells[k].start > sp)
			return false;
		over++;
	}
	return over > 0;
}

/*
 * The last line of the qualifiers set under the period line's columns with
 * no label beside them ("2017" over "(53 weeks)", "(unaudited)", "As
 * adjusted"): headings, not a row.  At most two lines of short cells,
 * ending at a blank line, a title, a value or a label.  One blank line
 * right under the period line may come first (OCR text, or a heading set
 * with space between its lines).
 */
int
fx_qualifiers_below(const fx_doc *doc, const fx_block *bl, bool euro)
{
	int			last = bl->period_line,
				stop = bl->period_line + 2,
				left = header_left(bl);

	for (int i = last + 1; i < bl->to && i < doc->nlines && i <= stop; i++)
	{
		const fx_line *ln = &doc->lines[i];
		fx_row		row;
		bool		cont;

		if (ln->nwords == 0 && i == bl->period_line + 1)
		{
			stop++;
			continue;
		}
		if (ln->nwords == 0 || fx_title_type(doc, ln, &cont) >= 0)
			break;
		fx_analyze_row(doc, ln, euro, &row);
		if (row.nvals > 0 || row.npercent > 0 ||
			!short_cells(doc, ln, bl, left))
			break;
		last = i;
	}
	return last;
}

/* typical distance between neighbouring anchors */
static int
column_spacing(const fx_block *bl)
{
	int			sp = 1 << 30;

	for (int i = 0; i < bl->nanch; i++)
		for (int k = 0; k < bl->nanch; k++)
		{
			int			d = abs(col_center(&bl->anch[i]) -
								col_center(&bl->anch[k]));

			if (k != i && d < sp)
				sp = d;
		}
	return bl->nanch > 1 ? sp : 24;
}

/*
 * The anchor of the value column (cluster) holding [start, end), or -1.
 * A column of right-aligned amounts is wider than its heading: a short
 * amount at its right edge ("10" under a wide "2016") may lie nearer to
 * the next column's heading than to its own, but the column as a whole
 * lies nearest to its own.  Used only when the column holds one anchor's
 * centre at most and no other column takes the same anchor.
 */
static int
cluster_anchor(const fx_block *bl, int start, int end)
{
	int			c = -1,
				a;

	for (int i = 0; i < bl->ncols && c < 0; i++)
		if (start < bl->cols[i].end && bl->cols[i].start < end)
			c = i;
	if (c < 0)
		return -1;
	a = nearest_span(bl->anch, bl->nanch, bl->cols[c].start, bl->cols[c].end);
	if (a < 0)
		return -1;
	for (int i = 0; i < bl->nanch; i++)
	{
		int			ac = col_center(&bl->anch[i]);

		if (i != a && ac >= bl->cols[c].start && ac < bl->cols[c].end)
			return -1;
	}
	for (int i = 0; i < bl->ncols; i++)
		if (i != c && nearest_span(bl->anch, bl->nanch, bl->cols[i].start,
									 bl->cols[i].end) == a)
			return -1;
	return a;
}

/* the period a value at [start, end) belongs to, or -1 */
int
fx_period_of(const fx_block *bl, int start, int end)
{
	int			best = cluster_anchor(bl, start, end),
				tol;

	if (best >= 0)
		return bl->anch[best].period;
	best = nearest_span(bl->anch, bl->nanch, start, end);
	if (best < 0)
		return -1;
	/* the gap between the value and its anchor must be small */
	tol = column_spacing(bl) * 6 / 10;
	if (tol < 6)
		tol = 6;
	{
		const fx_colspan *a = &bl->anch[best];
		int			gap = start >= a->end ? start - a->end :
			a->start >= end ? a->start - end : 0;

		if (gap > tol)
			return -1;
	}
	return bl->anch[best].period;
}

/* the heading text cell of column x on the period line (split years) */
static char *
period_cell_label(const fx_doc *doc, const fx_line *ln, const fx_cell *c)
{
	return fx_cell_text(doc, ln, c);
}

/* cells of a line that reach over the value area, into out[] */
static int
cells_over(const fx_doc *doc, const fx_line *ln, int left, fx_cell *out)
{
	fx_cell		cells[FX_MAX_CELLS];
	int			n = fx_line_cells(doc, ln, cells, FX_MAX_CELLS),
				m = 0;

	for (int i = 0; i < n; i++)
		if (cells[i].end > left)
			out[m++] = cells[i];
	return m;
}

/*
 * Is line i a caption of a roll-forward rather than its column headings?
 * One cell listing several periods ("For the Years Ended May 31, 2016,
 * 2015 and 2014") above a line of two or more headings without dates
 * ("Number of Shares  Amount  Retained Earnings ..."): the columns are the
 * equity components, and the years are those of the rows' balances.
 */
static bool
is_rollforward_caption(const fx_doc *doc, const fx_block *bl, int i,
					   int left)
{
	fx_cell		c[FX_MAX_CELLS];
	char	   *t;
	fx_pitem	it[FX_MAX_COLS];
	int			ni;

	if (cells_over(doc, &doc->lines[i], left, c) != 1)
		return false;
	t = fx_cell_text(doc, &doc->lines[i], &c[0]);
	ni = t ? fx_period_items(t, (int) strlen(t), it, FX_MAX_COLS) : 0;
	free(t);
	if (ni < 2)
		return false;
	for (int k = i + 1; k < bl->body; k++)
	{
		int			n = cells_over(doc, &doc->lines[k], left, c),
					dated = 0;

		for (int j = 0; j < n; j++)
		{
			char	   *ct = fx_cell_text(doc, &doc->lines[k], &c[j]);

			if (ct == NULL || fx_text_has_date(ct, (int) strlen(ct)))
				dated++;
			free(ct);
		}
		if (n >= 2 && dated == 0)
			return true;
	}
	return false;
}

/* find the period line of a block's header zone; -1 when none */
int
fx_find_period_line(const fx_doc *doc, const fx_block *bl, bool euro,
					bool equity)
{
	int			left = header_left(bl);

	for (int i = bl->body - 1; i >= bl->from; i--)
	{
		bool		cont;

		if (doc->lines[i].nwords == 0)
			continue;
		if (fx_title_type(doc, &doc->lines[i], &cont) >= 0)
			break;
		if (is_period_line(doc, &doc->lines[i], left, euro))
			return equity && is_rollforward_caption(doc, bl, i, left) ?
				-1 : i;
	}
	return -1;
}

/*
 * The slash dates of one statement follow one convention: when one of them
 * can only be day first ("30/06/2013"), so are those that could be either
 * ("01/07/2012" is 1 July, not January 7).
 */
static void
slash_dates_day_first(fx_statement *st)
{
	bool		day_first = false,
				month_first = false;
	int			a,
				b;

	for (int j = 0; j < st->nperiods; j++)
		if (st->periods[j].label &&
			fx_slash_date(st->periods[j].label, (int) strlen(st->periods[j].label),
						  &a, &b))
		{
			day_first = day_first || (a > 12 && b <= 12);
			month_first = month_first || (b > 12 && a <= 12);
		}
	if (!day_first || month_first)
		return;
	for (int j = 0; j < st->nperiods; j++)
	{
		fx_period  *p = &st->periods[j];

		if (p->label && fx_slash_date(p->label, (int) strlen(p->label), &a, &b) &&
			a <= 12 && b <= 12 &&
			p->end_month == a && p->end_day == b)
		{
			p->end_month = b;
			p->end_day = a;
		}
	}
}

/* set up a statement's periods from the first block */
bool
fx_make_periods(const fx_doc *doc, fx_block *bl, fx_statement *st,
				const fx_period *hint)
{
	int			left = header_left(bl);
	fx_cell		pc[FX_MAX_COLS];
	int			npc = 0;
	int			hfrom = bl->from;
	int			spacing;

	if (bl->period_line >= 0)
	{
		npc = period_cells(doc, &doc->lines[bl->period_line],
						   header_left(bl), pc, FX_MAX_COLS);
		npc = period_cells_above(doc, bl, left, pc, npc, FX_MAX_COLS);
		if (npc == bl->ncols)
		{
			anchors_from_clusters(bl);
			note_anchors(doc, bl, hfrom, bl->period_line);
		}
		else
		{
			anchors_from_cells(bl, pc, npc, npc);
			note_anchors(doc, bl, hfrom, headings_below(doc, bl, false));
		}
	}
	else
	{
		anchors_from_clusters(bl);
		npc = bl->ncols;
	}
	spacing = column_spacing(bl);
	st->periods = calloc((size_t) (npc > 0 ? npc : 1), sizeof(fx_period));
	if (st->periods == NULL || npc > FX_MAX_COLS * 2)
		return false;
	st->nperiods = npc;
	{
		int			xs[FX_MAX_COLS * 2];
		char	   *labels[FX_MAX_COLS * 2];
		int			hleft = left;

		/* to the rows: the period line and qualifiers under it */
		int			hto = bl->body - 1 > bl->period_line ? bl->body - 1 :
			bl->period_line;

		/* the period line's own cells sit where the headings above do */
		for (int j = 0; j < npc; j++)
			xs[j] = bl->period_line >= 0 ? (pc[j].start + pc[j].end) / 2 :
				col_center(&bl->anch[j]);
		/* a first year set left of the amounts: its headings are too */
		if (bl->period_line >= 0 && npc > 0 && pc[0].start < hleft)
			hleft = pc[0].start - spacing / 2;
		if (!fx_column_headings(doc, hfrom, hto, xs, npc, hleft,
								spacing, labels))
		{
			for (int j = 0; j < npc; j++)
				st->periods[j].label = labels[j];
			return false;
		}
		for (int j = 0; j < npc; j++)
			st->periods[j].label = labels[j];
	}
	for (int j = 0; j < npc; j++)
	{
		fx_period  *p = &st->periods[j];

		if (bl->period_line >= 0 && p->label[0] == '\0')
		{
			free(p->label);
			p->label = period_cell_label(doc, &doc->lines[bl->period_line],
										 &pc[j]);
		}
		if (p->label == NULL)
			return false;
		fx_period_parse(p->label, (int) strlen(p->label), p);
		fx_period_apply_hint(p, hint, st->type == FX_BALANCE_SHEET, npc);
		if (p->end_year > 0 && p->end_month == 0 && p->months == 0 &&
			st->type != FX_BALANCE_SHEET)
			p->months = 12;		/* a fiscal year printed as "2018" */
	}
	slash_dates_day_first(st);
	st->component_columns = bl->period_line < 0 && st->type == FX_EQUITY &&
		npc > 1;
	return true;
}

/*
 * Does every value cluster of a block without headings fall on its own
 * period anchor (of the first block)?  When not, the columns of the
 * continuation page sit elsewhere than those of the first page.
 */
static bool
clusters_fit_anchors(const fx_block *bl, int nperiods)
{
	bool		used[FX_MAX_COLS * 2] = {false};

	for (int i = 0; i < bl->ncols; i++)
	{
		int			p = fx_period_of(bl, bl->cols[i].start, bl->cols[i].end);

		if (p < 0 || p >= nperiods || p >= FX_MAX_COLS * 2 || used[p])
			return false;
		used[p] = true;
	}
	return true;
}

/* does the block have a "Notes" column (an anchor without a period)? */
bool
fx_has_note_anchor(const fx_block *bl)
{
	for (int i = 0; i < bl->nanch; i++)
		if (bl->anch[i].period < 0)
			return true;
	return false;
}

/* map the columns of a continuation block onto the statement's periods */
void
fx_map_block(const fx_doc *doc, fx_block *bl, const fx_block *first,
			 const fx_statement *st)
{
	if (bl->period_line >= 0)
	{
		fx_cell		pc[FX_MAX_COLS];
		int			npc = period_cells(doc, &doc->lines[bl->period_line],
									   header_left(bl), pc, FX_MAX_COLS);

		npc = period_cells_above(doc, bl, header_left(bl), pc, npc,
								 FX_MAX_COLS);

		if (npc == bl->ncols && npc == st->nperiods)
		{
			anchors_from_clusters(bl);
			note_anchors(doc, bl, bl->from, bl->period_line);
		}
		else
		{
			anchors_from_cells(bl, pc, npc, st->nperiods);
			note_anchors(doc, bl, bl->from, bl->period_line);
		}
		return;
	}
	bl->nanch = first->nanch;
	memcpy(bl->anch, first->anch, sizeof(bl->anch));
	bl->in_order = false;
	if (!clusters_fit_anchors(bl, st->nperiods) && !fx_has_note_anchor(first))
	{
		/* the page's columns moved */
		if (bl->ncols == st->nperiods)
			anchors_from_clusters(bl);
		bl->in_order = true;
	}
}

/*-------------------------------------------------------------------------
 *
 * parse_heading.c
 *	  The text above a statement's value columns: each column's heading,
 *	  and the caption left of the columns that hints at every period.
 *
 * The column headings are the text cells above the columns, from the title
 * down to the period line: each line's cells go to the columns they sit
 * over (a span heading such as "Years Ended December 31," heads every
 * column it covers; a cell listing one period per column is split among
 * them).  Captions that are never part of a period ("(Unaudited)",
 * "Notes", "% of sales", "(In millions)") are left out.  Which columns
 * exist and which line holds the periods is parse_columns.c's business.
 *
 *-------------------------------------------------------------------------
 */
#include "parse_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* the text of a cell as a new string */
char *
fx_cell_text(const fx_doc *doc, const fx_line *ln, const fx_cell *c)
{
	return fx_words_text(doc, ln, c->w0, c->w1);
}

/* split cells[k] of the nc cells before its word i: cell k + 1 starts there */
static void
split_cell(fx_cell *cells, int nc, int k, const fx_word *w, int i)
{
	memmove(&cells[k + 2], &cells[k + 1], sizeof(fx_cell) * (size_t) (nc - k - 1));
	cells[k + 1].w0 = i;
	cells[k + 1].w1 = cells[k].w1;
	cells[k + 1].start = w[i].start;
	cells[k + 1].end = cells[k].end;
	cells[k].w1 = i;
	cells[k].end = w[i - 1].end;
}

/*
 * Does the cell name a month ("July 31, 2023", "Jan-Jun 2023") or a
 * period's length ("1st quarter 2013", "Six months")?
 */
static bool
cell_names_period(const fx_doc *doc, const fx_line *ln, const fx_cell *c)
{
	char	   *t = fx_cell_text(doc, ln, c);
	fx_pitem	it[FX_MAX_COLS];
	int			n;
	bool		named = t == NULL;

	if (t != NULL)
	{
		n = fx_period_items(t, (int) strlen(t), it, FX_MAX_COLS);
		for (int i = 0; i < n; i++)
			named = named || it[i].has_month;
		named = named || fx_period_months_hint(t, (int) strlen(t)) > 0;
	}
	free(t);
	return named;
}

/*
 * Split off the years that end a cell reaching from the labels into the
 * value area ("(In thousands, except per share amounts) 2016" set one
 * blank apart): words at or right of left that are years head the first
 * column, not the caption.  A cell that says a period's length ("1st
 * quarter 2013" set a little left of its amounts) is a heading whole.
 * Returns the new number of cells.
 */
int
fx_split_heading_years(const fx_doc *doc, const fx_line *ln, fx_cell *cells,
					   int nc, int max, int left)
{
	const fx_word *w = fx_line_words(doc, ln);

	for (int k = 0; k < nc && nc < max; k++)
	{
		int			i = cells[k].w1;

		if (cells[k].start >= left || cells[k].end <= left)
			continue;
		while (i > cells[k].w0 + 1 && w[i - 1].start >= left &&
			   fx_is_year_word(ln->s + w[i - 1].off, w[i - 1].len))
			i--;
		if (i == cells[k].w1 || w[i].start < left ||
			cell_names_period(doc, ln, &cells[k]))
			continue;			/* "July 31, 2023" wider than its column */
		split_cell(cells, nc++, k++, w, i);
	}
	return nc;
}

/* is the cell text a caption that is never part of a period heading? */
static bool
is_noise_heading(const char *t)
{
	int			n = (int) strlen(t);

	/* "2021 restated", "2023 (unaudited)": the year heads its column */
	if ((fx_has_word(t, n, "unaudited") || fx_has_word(t, n, "audited") ||
		 fx_has_word(t, n, "restated")) && !fx_text_has_date(t, n))
		return true;
	if (fx_has_word(t, n, "note") || fx_has_word(t, n, "notes") ||
		strchr(t, '%') != NULL || fx_find_unit_scale(t, n) != NULL)
		return true;
	/*
	 * "(Amounts in Philippine Peso)", "(Figures in US Dollars)", "(in EUR)":
	 * a currency caption, not a period
	 */
	if ((fx_has_word(t, n, "amounts") || fx_has_word(t, n, "expressed") ||
		 fx_has_word(t, n, "figures") || fx_has_word(t, n, "in") ||
		 (n > 1 && t[0] == '(' && t[n - 1] == ')')) &&
		!fx_text_has_date(t, n))
	{
		char		cur[4];

		return fx_find_currency(t, n, cur);
	}
	return false;
}

/* append text to a column's heading */
static void
heading_add(fx_buf *b, const char *t, size_t n)
{
	while (n > 0 && t[n - 1] == ' ')
		n--;
	while (n > 0 && (*t == ' ' || *t == ','))
		t++, n--;
	if (n == 0)
		return;
	if (b->len > 0)
		fx_buf_add(b, " ", 1);
	fx_buf_add(b, t, n);
}

/*
 * Split a heading that lists one period per column ("December 31, 2022,
 * December 25, 2021 and December 26, 2020", "May 31, 2019, 2018 and 2017",
 * "2023 2022") over columns cols[0..k): the text before the first period
 * heads each; a bare year takes the month and day of the first date.
 */
static void
heading_split(const char *t, const fx_pitem *items, int k, const int *cols,
			  fx_buf *bufs)
{
	for (int i = 0; i < k; i++)
	{
		fx_buf	   *b = &bufs[cols[i]];

		heading_add(b, t, (size_t) items[0].off);
		if (!items[i].has_month && items[0].has_month &&
			items[0].year_off > items[0].off)
			heading_add(b, t + items[0].off,
						(size_t) (items[0].year_off - items[0].off));
		heading_add(b, t + items[i].off, (size_t) (items[i].end - items[i].off));
	}
}

/*
 * A span heading with one full date over several columns ("Nine Months
 * Ended September 30, 2022" above "2022  2021"): its year can belong to one
 * column only, so each column takes the words and the month and day, and
 * its year must come from its own cells; a column without one stays
 * without a year (and so without a period end).
 */
static void
heading_span_date(const char *t, const fx_pitem *item, int k, const int *cols,
				  fx_buf *bufs)
{
	for (int i = 0; i < k; i++)
	{
		fx_buf	   *b = &bufs[cols[i]];

		heading_add(b, t, (size_t) item->off);
		heading_add(b, t + item->off, (size_t) (item->year_off - item->off));
	}
}

/* the group of m columns whose centre is nearest to display column c */
static int
nearest_group(int c, const int *xs, int ngroups, int m)
{
	int			best = 0,
				bestd = 1 << 30;

	for (int g = 0; g < ngroups; g++)
	{
		int			d = abs(xs[g * m] + xs[g * m + m - 1] - 2 * c);

		if (d < bestd)
			bestd = d, best = g;
	}
	return best;
}

/*
 * Span headings over equal groups of columns ("Three Months Ended" and
 * "Nine Months Ended" over four): when each of the nv cells has its centre
 * over its own group of n / nv columns and covers no column of another
 * group, cell k heads group k, however it leans.  Cells set one blank
 * apart ("Three Months Ended September 30, Nine Months Ended September
 * 30,") are wider than their groups and may reach over a column of the
 * next: then each centre must be nearest its own group's.  Fills owner[]
 * and returns true, or returns false when the line is not such a line.
 */
static bool
span_groups(const fx_cell *over, int nv, const int *xs, int n, int tol,
			int *owner)
{
	int			m;
	bool		tight = true;

	if (nv < 2 || nv >= n || n % nv != 0)
		return false;
	m = n / nv;
	for (int k = 0; k + 1 < nv; k++)
		tight = tight && over[k + 1].start - over[k].end <= 2;
	for (int k = 0; k < nv; k++)
	{
		int			c = (over[k].start + over[k].end) / 2;

		if (c < xs[k * m] - tol || c > xs[k * m + m - 1] + tol)
			return false;
		if (tight)
		{
			if (nearest_group(c, xs, nv, m) != k)
				return false;
			continue;
		}
		for (int j = 0; j < n; j++)
			if (j / m != k && xs[j] >= over[k].start && xs[j] < over[k].end)
				return false;
	}
	for (int j = 0; j < n; j++)
		owner[j] = j / m;
	return true;
}

/* does a length phrase ("Three Months", "13 Weeks") start at word i? */
static bool
length_starts(const fx_line *ln, const fx_word *w, int i, int n)
{
	static const char *const counts[] = {"three", "six", "nine", "twelve",
		"thirteen", "twenty-six", "thirty-nine", "fifty-two", "fifty-three",
	"3", "6", "9", "12", "13", "26", "39", "52", "53", NULL};

	if (i + 1 >= n)
		return false;
	for (int k = 0; counts[k]; k++)
		if (w[i].len == (int) strlen(counts[k]) &&
			strncasecmp(ln->s + w[i].off, counts[k], (size_t) w[i].len) == 0)
			return (w[i + 1].len >= 5 &&
					(strncasecmp(ln->s + w[i + 1].off, "month", 5) == 0 ||
					 strncasecmp(ln->s + w[i + 1].off, "weeks", 5) == 0));
	return false;
}

/*
 * Split cells that hold two span headings set one blank apart ("Three
 * Months Ended Six Months Ended"): each length phrase after the first
 * starts a cell of its own.  Returns the new number of cells.
 */
static int
split_length_cells(const fx_doc *doc, const fx_line *ln, fx_cell *cells,
				   int nc, int max)
{
	const fx_word *w = fx_line_words(doc, ln);

	for (int k = 0; k < nc; k++)
		for (int i = cells[k].w0 + 1; i < cells[k].w1 && nc < max; i++)
		{
			if (!length_starts(ln, w, i, cells[k].w1) ||
				!length_starts(ln, w, cells[k].w0, cells[k].w1))
				continue;
			split_cell(cells, nc++, k, w, i);
			break;
		}
	return nc;
}

/*
 * The column a cell heads alone, or -1: a full date ("September 30, 2018")
 * or a year alone ("2011" over "(as adjusted)" beside a one-line "2012")
 * centred over one column names that column's period, even when the line
 * has fewer cells than columns.  A span ("Nine Months Ended September 30,
 * 2022" over "2022  2021") is centred between its columns; word boxes may
 * set it over the first alone, so a date with a length, alone on its line,
 * is a span wherever it stands (heading_line).
 */
static int
date_column(const char *t, const fx_cell *c, const int *xs, int n, int tol)
{
	fx_pitem	it[2];
	int			centre = (c->start + c->end) / 2,
				best = -1;

	if (fx_period_items(t, (int) strlen(t), it, 2) != 1 ||
		!((it[0].has_month && it[0].year_off > it[0].off) ||
		  fx_is_year_word(t, (int) strlen(t))))
		return -1;
	for (int j = 0; j < n; j++)
		if (best < 0 || abs(xs[j] - centre) < abs(xs[best] - centre))
			best = j;
	if (best < 0 || 2 * abs(xs[best] - centre) > tol)
		return -1;
	for (int j = 0; j < n; j++)
		if (j != best && xs[j] >= c->start && xs[j] < c->end)
			return -1;
	return best;
}

/*
 * Assign the heading cells of one line to the columns at centres xs[0..n):
 * as many cells as columns go in order; otherwise each column takes the
 * nearest cell (farther when the line has fewer cells than columns: a span
 * heading such as "Years Ended December 31," heads each column it covers).
 * A cell that lists one period per column it heads is split among them; a
 * cell that lists periods otherwise is not used, so that no column takes a
 * date of another.
 */
static void
heading_line(const fx_doc *doc, const fx_line *ln, const int *xs, int n,
			 int left, int tol, fx_buf *bufs)
{
	fx_cell		cells[FX_MAX_CELLS],
				over[FX_MAX_CELLS];
	char	   *txt[FX_MAX_CELLS];
	int			nc = fx_line_cells(doc, ln, cells, FX_MAX_CELLS),
				nv = 0,
				owner[FX_MAX_COLS * 2],
				alone[FX_MAX_CELLS];

	nc = split_length_cells(doc, ln, cells, nc, FX_MAX_CELLS);
	nc = fx_split_heading_years(doc, ln, cells, nc, FX_MAX_CELLS, left);

	for (int k = 0; k < nc; k++)
	{
		char	   *t;

		if (cells[k].end <= left)
			continue;
		t = fx_cell_text(doc, ln, &cells[k]);
		if (t == NULL || t[0] == '\0' || is_noise_heading(t))
		{
			free(t);
			continue;
		}
		over[nv] = cells[k];
		txt[nv++] = t;
	}
	for (int k = 0; k < nv; k++)
		alone[k] = nv == 1 && fx_period_months_hint(txt[k], (int) strlen(txt[k])) > 0 ?
			-1 : date_column(txt[k], &over[k], xs, n, tol);
	if (!span_groups(over, nv, xs, n, tol, owner))
		for (int j = 0; j < n; j++)
		{
			int			bestd;

			owner[j] = -1;
			if (nv == n)
			{
				owner[j] = j;
				continue;
			}
			for (int k = 0; k < nv; k++)
			{
				int			d = xs[j] < over[k].start ? over[k].start - xs[j] :
					xs[j] >= over[k].end ? xs[j] - over[k].end + 1 : 0;

				if (nv < n && alone[k] >= 0 && alone[k] != j)
					continue;
				/* a span heading owns the columns up to halfway to the next */
				if (nv < n && ((k > 0 && 2 * xs[j] < over[k - 1].end + over[k].start) ||
							   (k + 1 < nv && 2 * xs[j] >= over[k].end + over[k + 1].start)))
					continue;
				/* beside other cells, one narrower than a column heads one */
				bestd = nv < n && (nv == 1 ||
								   (over[k].end - over[k].start) * 6 >= tol * 10) ?
					3 * tol + 1 : tol + 1;
				if (owner[j] >= 0)
				{
					int			o = owner[j],
								od = xs[j] < over[o].start ? over[o].start - xs[j] :
						xs[j] >= over[o].end ? xs[j] - over[o].end + 1 : 0;

					if (od <= d)
						continue;
				}
				if (d < bestd)
					owner[j] = k;
			}
		}
	for (int k = 0; k < nv; k++)
	{
		fx_pitem	items[FX_MAX_COLS * 2];
		int			cols[FX_MAX_COLS * 2],
					ncols = 0,
					ni = fx_period_items(txt[k], (int) strlen(txt[k]), items,
										 FX_MAX_COLS * 2);

		/* one cell alone on its line listing every column's period */
		if (nv == 1 && ni == n && n > 1)
			for (int j = 0; j < n; j++)
				owner[j] = k;
		for (int j = 0; j < n; j++)
			if (owner[j] == k)
				cols[ncols++] = j;
		if (ncols == 0)
			;
		else if (ni <= 1 && !(ni == 1 && ncols > 1))
			for (int i = 0; i < ncols; i++)
				heading_add(&bufs[cols[i]], txt[k], strlen(txt[k]));
		else if (ni == ncols)
			heading_split(txt[k], items, ncols, cols, bufs);
		else if (ni == 1 && items[0].has_month &&
				 items[0].year_off > items[0].off)
			heading_span_date(txt[k], &items[0], ncols, cols, bufs);
		free(txt[k]);
	}
}

/* build every column's heading from the header lines [from, to] */
bool
fx_column_headings(const fx_doc *doc, int from, int to, const int *xs,
				   int n, int left, int spacing, char **labels)
{
	fx_buf		bufs[FX_MAX_COLS * 2];
	int			tol = spacing * 6 / 10;
	bool		ok = true;

	if (tol < 6)
		tol = 6;
	for (int j = 0; j < n; j++)
		fx_buf_init(&bufs[j]);
	for (int i = from; i <= to; i++)
	{
		bool		cont;

		if (fx_title_type(doc, &doc->lines[i], &cont) >= 0)
			continue;
		heading_line(doc, &doc->lines[i], xs, n, left, tol, bufs);
	}
	for (int j = 0; j < n; j++)
	{
		if (bufs[j].len == 0)
			fx_buf_add(&bufs[j], "", 0);
		labels[j] = fx_buf_take(&bufs[j]);
		if (labels[j] == NULL)
		{
			labels[j] = fx_strndup("", 0);
			ok = ok && labels[j] != NULL;
		}
	}
	return ok;
}

/* the caption lines left of the columns ("Years ended December 31") */
void
fx_caption_hint(const fx_doc *doc, int from, int to, int left,
				fx_period *hint)
{
	fx_buf		b;

	fx_buf_init(&b);
	for (int i = from; i < to; i++)
	{
		const fx_line *ln = &doc->lines[i];
		fx_cell		cells[FX_MAX_CELLS];
		int			n = fx_line_cells(doc, ln, cells, FX_MAX_CELLS);

		for (int k = 0; k < n; k++)
		{
			if (cells[k].end > left && i != from - 1)
				continue;
			{
				char	   *t = fx_cell_text(doc, ln, &cells[k]);

				if (t)
				{
					fx_buf_adds(&b, t);
					fx_buf_add(&b, " ", 1);
				}
				free(t);
			}
		}
	}
	memset(hint, 0, sizeof(*hint));
	if (b.data)
	{
		fx_period_parse(b.data, (int) b.len, hint);
		if (hint->end_day == 0)
			hint->end_month = 0;
	}
	free(b.data);
}

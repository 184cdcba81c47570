/*-------------------------------------------------------------------------
 *
 * parse_words.c
 *	  Word boxes: one page representation for text layers and OCR.
 *
 * Both `pdftotext -tsv` (poppler) and tesseract's TSV give one row per word
 * with its box (left, top, width, height) in the same twelve columns;
 * poppler swaps par_num and block_num, which are not used here.  A page of
 * either becomes the same array of word boxes, and from the boxes a page of
 * text laid out the way the rest of the parser reads it:
 *	  - rows are words whose boxes overlap vertically, over the whole width
 *		of the page, whatever block or line the producer put them in; a
 *		word joins the row whose nearest word to its left sits at the same
 *		height, so a slightly skewed scan still gives straight rows;
 *	  - display columns come from x with one scale for the whole document,
 *		the median width of a character on the page in the smallest type
 *		(one per page would set a statement continued on the next page in
 *		other columns, a coarser one would push small type's columns into
 *		each other); a word that ends in a digit or ')' is placed
 *		by its right edge (amounts are right-aligned), others by their left;
 *	  - words whose x gap is no wider than a space are set one blank apart,
 *		and so are words of one producer's line up to two and a half
 *		characters apart (justified or spaced-out headings); words further
 *		apart at least two blanks apart (a column gap); a lone '%' close
 *		after a number is set against it; a dot of a leader (a run of words
 *		that are only dots) is left out where it would push the words after
 *		it to the right;
 *	  - a vertical gap of about two lines or more between rows is a blank
 *		line.
 *
 *-------------------------------------------------------------------------
 */
#include "parse_int.h"

#include <stdlib.h>
#include <string.h>

#define WB_MAX_COLS		1000		/* widest line laid out, in columns */

/* is this the header row of a word TSV (tesseract's or poppler's)? */
bool
fx_is_word_tsv(const char *s, size_t len)
{
	static const char head[] = "level\tpage_num\t";

	return len >= sizeof(head) - 1 && memcmp(s, head, sizeof(head) - 1) == 0;
}

/* split one TSV row into at most max fields; returns the count */
static int
tsv_fields(const char *s, const char *e, const char **f, int *flen, int max)
{
	int			n = 0;

	while (n < max)
	{
		const char *t = memchr(s, '\t', (size_t) (e - s));

		if (t == NULL || n == max - 1)
			t = e;
		f[n] = s;
		flen[n] = (int) (t - s);
		n++;
		if (t >= e)
			break;
		s = t + 1;
	}
	return n;
}

/*
 * A number of a TSV field: digits with an optional sign and decimal part,
 * as both producers print them (read by hand: strtod was a fifth of the
 * time of parsing a document); anything else goes to strtod.
 */
static double
field_num(const char *s, int len)
{
	char		buf[32];
	const char *e = s + len;
	const char *p = s;
	double		v = 0,
				div = 1;
	bool		neg = false;

	if (len <= 0 || len >= (int) sizeof(buf))
		return 0;
	if (*p == '-')
	{
		neg = true;
		p++;
	}
	/* mantissa and power of ten both exact: one division rounds as strtod */
	while (p < e && *p >= '0' && *p <= '9')
		v = v * 10 + (*p++ - '0');
	if (p < e && *p == '.')
		for (p++; p < e && *p >= '0' && *p <= '9'; p++)
		{
			v = v * 10 + (*p - '0');
			div *= 10;
		}
	if (p == e && len <= 16)
		return (neg ? -v : v) / div;
	memcpy(buf, s, (size_t) len);
	buf[len] = '\0';
	return strtod(buf, NULL);
}

/* the words of one page's TSV; returns the count or -1 when out of memory */
static int
read_boxes(const char *s, size_t len, fx_wbox **out)
{
	const char *p = s,
			   *e = s + len;
	int			n = 0,
				cap = 256;
	fx_wbox    *w = malloc(sizeof(fx_wbox) * (size_t) cap);
	long long	prev_key = -1;
	int			line = -1;

	if (w == NULL)
		return -1;
	while (p < e)
	{
		const char *nl = memchr(p, '\n', (size_t) (e - p));
		const char *le = nl ? nl : e;
		const char *f[12];
		int			fl[12];

		if (le > p && le[-1] == '\r')
			le--;
		if (tsv_fields(p, le, f, fl, 12) == 12 && fl[0] == 1 && f[0][0] == '5'
			&& fl[11] > 0 && !(fl[11] == 1 && f[11][0] == ' '))
		{
			if (n == cap)
			{
				fx_wbox    *nw = realloc(w, sizeof(fx_wbox) * (size_t) cap * 2);

				if (nw == NULL)
				{
					free(w);
					return -1;
				}
				w = nw;
				cap *= 2;
			}
			w[n].text = f[11];
			w[n].len = fl[11];
			w[n].x0 = field_num(f[6], fl[6]);
			w[n].y0 = field_num(f[7], fl[7]);
			w[n].x1 = w[n].x0 + field_num(f[8], fl[8]);
			w[n].y1 = w[n].y0 + field_num(f[9], fl[9]);
			w[n].row = -1;
			{
				/* page, block, paragraph, line (in either order) */
				long long	key = 0;

				for (int k = 1; k <= 4; k++)
					key = key * 100000 + (long long) field_num(f[k], fl[k]);
				if (key != prev_key)
					line++;
				prev_key = key;
			}
			w[n].line = line;
			n++;
		}
		p = nl ? nl + 1 : e;
	}
	*out = w;
	return n;
}

/* order words by left edge */
static int
cmp_x0(const void *a, const void *b)
{
	const fx_wbox *x = a,
			   *y = b;

	return (x->x0 > y->x0) - (x->x0 < y->x0);
}

/* order doubles */
static int
cmp_double(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return (x > y) - (x < y);
}

/* median of n doubles (sorts them); 0 when n is 0 */
static double
median(double *v, int n)
{
	if (n == 0)
		return 0;
	qsort(v, (size_t) n, sizeof(double), cmp_double);
	return v[n / 2];
}

/* one row of a page being laid out */
typedef struct wb_row
{
	double		y0;				/* extent of all its words */
	double		y1;
	double		last_cy;		/* centre of its rightmost word so far */
	double		last_h;
	double		last_x1;
	double		cy_sum;			/* for its mean centre */
	int			n;
} wb_row;

/*
 * Group words (sorted by x) into rows: a word joins the row whose last word
 * is at its height (centres closer than half the larger height, so that
 * a dash or a dot set low or high still joins its row) and ends
 * left of it; the closest such row wins.  Returns the row count, -1 = OOM.
 */
static int
group_rows(fx_wbox *w, int n, wb_row **rows_out)
{
	wb_row	   *rows = malloc(sizeof(wb_row) * (size_t) (n > 0 ? n : 1));
	int			nrows = 0;

	if (rows == NULL)
		return -1;
	for (int i = 0; i < n; i++)
	{
		double		cy = (w[i].y0 + w[i].y1) / 2,
					h = w[i].y1 - w[i].y0;
		int			best = -1;
		double		bestd = 0;

		for (int r = nrows - 1; r >= 0; r--)
		{
			double		d = cy > rows[r].last_cy ? cy - rows[r].last_cy :
				rows[r].last_cy - cy;
			double		tol = (h > rows[r].last_h ? h : rows[r].last_h) / 2;

			if (d < tol && rows[r].last_x1 <= w[i].x0 + h / 2 &&
				(best < 0 || d < bestd))
			{
				best = r;
				bestd = d;
			}
		}
		if (best < 0)
		{
			best = nrows++;
			memset(&rows[best], 0, sizeof(wb_row));
			rows[best].y0 = w[i].y0;
			rows[best].y1 = w[i].y1;
		}
		if (w[i].y0 < rows[best].y0)
			rows[best].y0 = w[i].y0;
		if (w[i].y1 > rows[best].y1)
			rows[best].y1 = w[i].y1;
		rows[best].last_cy = cy;
		rows[best].last_h = h;
		rows[best].last_x1 = w[i].x1;
		rows[best].cy_sum += cy;
		rows[best].n++;
		w[i].row = best;
	}
	*rows_out = rows;
	return nrows;
}

/* does the word end like an amount (a digit, or ')' / '%' after one)? */
static bool
ends_like_amount(const fx_wbox *w)
{
	unsigned char c = (unsigned char) w->text[w->len - 1];

	if (c == ')' || c == '%')
		return w->len >= 2 && w->text[w->len - 2] >= '0' &&
			w->text[w->len - 2] <= '9';
	return c >= '0' && c <= '9';
}

/* the median width of one character over the page's words */
static double
char_width(const fx_wbox *w, int n)
{
	double	   *v = malloc(sizeof(double) * (size_t) (n > 0 ? n : 1));
	int			k = 0;
	double		m;

	if (v == NULL)
		return 0;
	for (int i = 0; i < n; i++)
	{
		int			chars = fx_utf8_len((const unsigned char *) w[i].text,
										w[i].len);

		if (chars >= 2 && w[i].x1 > w[i].x0)
			v[k++] = (w[i].x1 - w[i].x0) / chars;
	}
	m = median(v, k);
	free(v);
	return m;
}

/* the median height of the page's words */
static double
word_height(const fx_wbox *w, int n)
{
	double	   *v = malloc(sizeof(double) * (size_t) (n > 0 ? n : 1));
	int			k = 0;
	double		m;

	if (v == NULL)
		return 0;
	for (int i = 0; i < n; i++)
		if (w[i].y1 > w[i].y0)
			v[k++] = w[i].y1 - w[i].y0;
	m = median(v, k);
	free(v);
	return m;
}

/* append n blanks */
static void
add_blanks(fx_buf *b, int n)
{
	static const char sp[] = "                                ";

	while (n > 0)
	{
		int			k = n < (int) sizeof(sp) - 1 ? n : (int) sizeof(sp) - 1;

		fx_buf_add(b, sp, (size_t) k);
		n -= k;
	}
}

/* is the word only dots (a piece of a dot leader)? */
static bool
only_dots(const fx_wbox *w)
{
	for (int i = 0; i < w->len; i++)
		if (w->text[i] != '.')
			return false;
	return true;
}

/* lay out the words of one row (sorted by x) as one line */
static void
layout_row(fx_buf *b, const fx_wbox *w, int n, double cw)
{
	int			col = 0;
	int			prev = -1;		/* the last word set */

	for (int i = 0; i < n; i++)
	{
		int			chars = fx_utf8_len((const unsigned char *) w[i].text,
										w[i].len);
		int			want;

		bool		leader = only_dots(&w[i]) &&
			((i > 0 && only_dots(&w[i - 1])) ||
			 (i + 1 < n && only_dots(&w[i + 1])));

		if (ends_like_amount(&w[i]))
			want = (int) (w[i].x1 / cw + 0.5) - chars;
		else
			want = (int) (w[i].x0 / cw + 0.5);
		/* a dot of a leader is dropped where it would push the rest right */
		if (leader && prev >= 0 && want <= col)
			continue;
		if (prev >= 0)
		{
			double		gap = w[i].x0 - w[prev].x1;

			if (w[i].len == 1 && w[i].text[0] == '%' && gap <= cw * 2.5)
				want = col;		/* a percent sign ends its number */
			else if (prev == i - 1 && (gap <= cw * 1.2 ||
									   (gap <= cw * 2.5 &&
										w[i].line == w[prev].line)))
				want = col + 1;		/* a space between words */
			else if (want < col + 2)
				want = col + 2;		/* a column gap stays one */
		}
		if (want < col)
			want = col;
		if (want > WB_MAX_COLS)
			want = col + (prev >= 0 ? 2 : 0);
		add_blanks(b, want - col);
		fx_buf_add(b, w[i].text, (size_t) w[i].len);
		col = want + chars;
		prev = i;
	}
	fx_buf_add(b, "\n", 1);
}

/*
 * Drop boxes far wider than their characters could be (a rule or a smudge
 * read as a word spanning the page); returns the count kept.
 */
static int
drop_noise(fx_wbox *w, int n, double cw)
{
	int			k = 0;

	for (int i = 0; i < n; i++)
	{
		int			chars = fx_utf8_len((const unsigned char *) w[i].text,
										w[i].len);

		if (w[i].x1 - w[i].x0 > cw * 4 * (chars + 1))
			continue;
		w[k++] = w[i];
	}
	return k;
}

/*
 * Rows from the producer's lines: a line (its words' median top and bottom,
 * so that a dash or a stray mark does not stretch it) joins the row of
 * lines at its height, across the whole page.  Sets each word's row;
 * returns the row count, -1 when out of memory.
 */
static int
group_lines(fx_wbox *w, int n, wb_row **rows_out)
{
	int			nl = n > 0 ? w[n - 1].line + 1 : 0;
	fx_wbox    *lines = malloc(sizeof(fx_wbox) * (size_t) (nl + 1));
	double	   *v = malloc(sizeof(double) * (size_t) (n + 1));
	int			nrows = 0;

	if (lines == NULL || v == NULL)
		goto oom;
	for (int i = 0, l = 0; i < n; l++)
	{
		int			i0 = i,
					k;

		while (i < n && w[i].line == w[i0].line)
			i++;
		lines[l].text = NULL;
		lines[l].len = 0;
		lines[l].line = l;
		lines[l].x0 = w[i0].x0;
		lines[l].x1 = w[i0].x1;
		for (k = i0; k < i; k++)
		{
			if (w[k].x0 < lines[l].x0)
				lines[l].x0 = w[k].x0;
			if (w[k].x1 > lines[l].x1)
				lines[l].x1 = w[k].x1;
			v[k - i0] = w[k].y0;
		}
		lines[l].y0 = median(v, i - i0);
		for (k = i0; k < i; k++)
			v[k - i0] = w[k].y1;
		lines[l].y1 = median(v, i - i0);
		for (k = i0; k < i; k++)
			w[k].line = l;
		nl = l + 1;
	}
	qsort(lines, (size_t) nl, sizeof(fx_wbox), cmp_x0);
	nrows = group_rows(lines, nl, rows_out);
	if (nrows >= 0)
	{
		int		   *row_of = (int *) v;	/* n + 1 >= nl slots */

		for (int l = 0; l < nl; l++)
			row_of[lines[l].line] = lines[l].row;
		for (int i = 0; i < n; i++)
			w[i].row = row_of[w[i].line];
	}
	free(lines);
	free(v);
	return nrows;

oom:
	free(lines);
	free(v);
	return -1;
}

/* order words by row rank, then by left edge */
static int
cmp_rank_x0(const void *a, const void *b)
{
	const fx_wbox *x = a,
			   *y = b;

	if (x->row != y->row)
		return x->row - y->row;
	return (x->x0 > y->x0) - (x->x0 < y->x0);
}

/*
 * Renumber rows top to bottom (by their mean centre) and sort the words by
 * row, then x.  False when out of memory.
 */
static bool
order_rows(fx_wbox *w, int n, wb_row *rows, int nrows)
{
	double	   *key = malloc(sizeof(double) * 2 * (size_t) (nrows + 1));
	int		   *rank = malloc(sizeof(int) * (size_t) (nrows + 1));
	wb_row	   *copy = malloc(sizeof(wb_row) * (size_t) (nrows + 1));

	if (key == NULL || rank == NULL || copy == NULL)
	{
		free(key);
		free(rank);
		free(copy);
		return false;
	}
	/* pairs (centre, row) sorted by centre, ties by row */
	for (int r = 0; r < nrows; r++)
	{
		key[2 * r] = rows[r].cy_sum / rows[r].n;
		key[2 * r + 1] = r;
	}
	qsort(key, (size_t) nrows, sizeof(double) * 2, cmp_double);
	for (int k = 0; k < nrows; k++)
		rank[(int) key[2 * k + 1]] = k;
	memcpy(copy, rows, sizeof(wb_row) * (size_t) nrows);
	for (int r = 0; r < nrows; r++)
		rows[rank[r]] = copy[r];
	for (int i = 0; i < n; i++)
		w[i].row = rank[w[i].row];
	qsort(w, (size_t) n, sizeof(fx_wbox), cmp_rank_x0);
	free(key);
	free(rank);
	free(copy);
	return true;
}

/*
 * The scale of a document's word TSV pages: the least over its pages (of
 * 20 words or more) of their median character width, so that the page set
 * in the smallest type still has a column per character; 0 when none is.
 */
double
fx_words_scale(const char *const *pages, const size_t *lens, int npages)
{
	double	   *v = malloc(sizeof(double) * (size_t) (npages + 1));
	int			k = 0;
	double		m;

	if (v == NULL)
		return 0;
	for (int i = 0; i < npages; i++)
	{
		fx_wbox    *w;
		int			n;

		if (pages[i] == NULL || !fx_is_word_tsv(pages[i], lens[i]))
			continue;
		n = read_boxes(pages[i], lens[i], &w);
		if (n >= 20)
			v[k++] = char_width(w, n);
		if (n >= 0)
			free(w);
	}
	m = 0;
	for (int i = 0; i < k; i++)
		if (m == 0 || v[i] < m)
			m = v[i];
	free(v);
	return m;
}

/*
 * Lay out one page's n word boxes w (freed here) with scale as
 * fx_words_layout_page does.
 */
static char *
layout_boxes(fx_wbox *w, int n, double scale, size_t *outlen)
{
	wb_row	   *rows = NULL;
	int			nrows;
	double		cw,
				lh,
				prev_y1 = -1;
	fx_buf		b;

	*outlen = 0;
	fx_buf_init(&b);
	cw = scale > 0 ? scale : char_width(w, n);
	lh = word_height(w, n);
	if (cw <= 0)
		cw = 1;
	n = drop_noise(w, n, cw);
	nrows = group_lines(w, n, &rows);
	if (nrows < 0 || !order_rows(w, n, rows, nrows))
		goto oom;
	for (int i = 0, r = 0; r < nrows; r++)
	{
		int			i0 = i;

		while (i < n && w[i].row == r)
			i++;
		if (prev_y1 >= 0 && lh > 0 && rows[r].y0 - prev_y1 > lh * 1.6)
			fx_buf_add(&b, "\n", 1);
		layout_row(&b, w + i0, i - i0, cw);
		prev_y1 = rows[r].y1;
	}
	free(rows);
	free(w);
	if (b.failed)
	{
		free(b.data);
		return NULL;
	}
	*outlen = b.len;
	return fx_buf_take(&b);

oom:
	free(rows);
	free(w);
	free(b.data);
	return NULL;
}

/*
 * Lay out one page given as word TSV into text with words at display
 * columns, scale being the width of a column (from fx_words_scale; 0 = the
 * page's own).  Returns malloc'd text (its length in *outlen), NULL when
 * out of memory.
 */
char *
fx_words_layout_page(const char *tsv, size_t len, double scale,
					 size_t *outlen)
{
	fx_wbox    *w = NULL;
	int			n = read_boxes(tsv, len, &w);

	*outlen = 0;
	if (n < 0)
		return NULL;
	return layout_boxes(w, n, scale, outlen);
}

/* read_boxes' page TSV without a header: rows [s, e) of one page */
static int
page_boxes(const char *s, const char *e, fx_wbox **out)
{
	return read_boxes(s, (size_t) (e - s), out);
}

/* release pages from fx_words_layout_stream */
void
fx_words_free_pages(char **pages, size_t *lens, int npages)
{
	for (int i = 0; i < npages; i++)
		free(pages[i]);
	free(pages);
	free(lens);
}

/*
 * Lay out a whole pdftotext -tsv stream (one or more runs of it, each with
 * its header; a level-1 row opens each page) into the text of each page,
 * with one scale for all.  Returns the page count (*pages and *lens
 * malloc'd; free with fx_words_free_pages), -1 when out of memory.
 */
int
fx_words_layout_stream(const char *tsv, size_t len, char ***pages_out,
					   size_t **lens_out)
{
	const char *e = tsv + len;
	int			n = 0,
				k = 0;
	const char **start;
	fx_wbox   **boxes;
	int		   *nbox;
	char	  **pages;
	size_t	   *lens;
	double		scale = 0;

	*pages_out = NULL;
	*lens_out = NULL;
	for (const char *p = tsv; p < e; p++)
		if ((p == tsv || p[-1] == '\n') && p + 1 < e && p[0] == '1' &&
			p[1] == '\t')
			n++;
	start = malloc(sizeof(char *) * (size_t) (n + 1));
	boxes = calloc((size_t) (n + 1), sizeof(fx_wbox *));
	nbox = calloc((size_t) (n + 1), sizeof(int));
	pages = calloc((size_t) (n + 1), sizeof(char *));
	lens = calloc((size_t) (n + 1), sizeof(size_t));
	if (start == NULL || boxes == NULL || nbox == NULL || pages == NULL ||
		lens == NULL)
		goto oom;
	for (const char *p = tsv; p < e; p++)
		if ((p == tsv || p[-1] == '\n') && p + 1 < e && p[0] == '1' &&
			p[1] == '\t')
			start[k++] = p;
	/* each page's boxes, read once; the least median character width */
	for (int i = 0; i < n; i++)
	{
		nbox[i] = page_boxes(start[i], i + 1 < n ? start[i + 1] : e,
							 &boxes[i]);
		if (nbox[i] < 0)
			goto oom;
		if (nbox[i] >= 20)
		{
			double		cw = char_width(boxes[i], nbox[i]);

			if (cw > 0 && (scale == 0 || cw < scale))
				scale = cw;
		}
	}
	for (int i = 0; i < n; i++)
	{
		pages[i] = layout_boxes(boxes[i], nbox[i], scale, &lens[i]);
		boxes[i] = NULL;		/* freed by layout_boxes */
		if (pages[i] == NULL)
			goto oom;
	}
	free(start);
	free(boxes);
	free(nbox);
	*pages_out = pages;
	*lens_out = lens;
	return n;

oom:
	for (int i = 0; boxes && i < n; i++)
		free(boxes[i]);
	free(start);
	free(boxes);
	free(nbox);
	if (pages)
		fx_words_free_pages(pages, lens, n);
	else
		free(lens);
	return -1;
}

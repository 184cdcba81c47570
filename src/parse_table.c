/*-------------------------------------------------------------------------
 *
 * parse_table.c
 *	  The table of one located statement: value columns, column headings,
 *	  and rows.
 *
 * A statement is read one page at a time (a "block").  In a block:
 *	  - each line splits into a label and the values at its right end
 *		(parse_row.c);
 *	  - the value columns are the clusters of overlapping value spans over
 *		the block's rows (parse_columns.c: percent values are left out, so
 *		a "% of sales" column is never a period; a column whose heading is
 *		not a period, such as "Notes", gets no period and its values are
 *		dropped);
 *	  - the column headings are the text cells above the columns
 *		(parse_heading.c), the lowest line with dates or years giving the
 *		periods;
 *	  - rows become items: wrapped labels are joined, a row of values with
 *		no label gets a generated "Total ..." label.
 *
 *-------------------------------------------------------------------------
 */
#include "parse_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* growing list of items */
typedef struct fx_items
{
	fx_item    *items;
	int			n;
	int			cap;
	bool		failed;
} fx_items;

/* is the text only "(Unaudited)" captions, one per column? */
static bool
is_audit_caption(const char *t)
{
	int			n = (int) strlen(t),
				words = 1;

	for (int i = 0; i < n; i++)
		words += t[i] == ' ';
	return words <= 4 && (fx_has_word(t, n, "unaudited") ||
						  fx_has_word(t, n, "audited"));
}

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
	if (n >= 3 && n <= 4 && t[0] == '(' && t[n - 1] == ')' &&
		isalnum((unsigned char) t[1]) &&
		(n == 3 || isalnum((unsigned char) t[2])))
		;
	else if (n >= 1 && n <= 3 && strspn(t, "*") == (size_t) n)
		;
	else
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

/* append an item; takes ownership of label and values */
static fx_item *
push_item(fx_items *it, int nperiods)
{
	fx_item    *x;

	if (it->failed)
		return NULL;
	if (it->n == it->cap)
	{
		int			ncap = it->cap ? it->cap * 2 : 32;
		fx_item    *ni = realloc(it->items, sizeof(fx_item) * (size_t) ncap);

		if (ni == NULL)
		{
			it->failed = true;
			return NULL;
		}
		it->items = ni;
		it->cap = ncap;
	}
	x = &it->items[it->n];
	memset(x, 0, sizeof(*x));
	x->values = calloc((size_t) (nperiods > 0 ? nperiods : 1), sizeof(char *));
	if (x->values == NULL)
	{
		it->failed = true;
		return NULL;
	}
	it->n++;
	return x;
}

/* has the text letters, none of them lowercase? */
static bool
all_caps(const char *t)
{
	bool		upper = false;

	for (; *t; t++)
	{
		if (*t >= 'a' && *t <= 'z')
			return false;
		upper = upper || (*t >= 'A' && *t <= 'Z');
	}
	return upper;
}

/* does the label text read as the start of a label wrapped over lines? */
static bool
label_wraps(const char *prev, const char *next)
{
	static const char *const tails[] = {
		"and", "of", "to", "for", "in", "the", "on", "from", "by", "with",
		"or", "net", "at", "a", "an", NULL
	};
	size_t		n = strlen(prev);
	const char *lw;

	if (n == 0 || prev[n - 1] == ':')
		return false;
	if ((next[0] >= 'a' && next[0] <= 'z') || next[0] == '(')
		return true;
	if (prev[n - 1] == ',' || prev[n - 1] == '-' || prev[n - 1] == '&' ||
		prev[n - 1] == '/')
		return true;
	lw = strrchr(prev, ' ');
	lw = lw ? lw + 1 : prev;
	for (int i = 0; tails[i]; i++)
		if (strcmp(lw, tails[i]) == 0)
			return true;
	/*
	 * A long all-caps line and a few all-caps words after it: one label
	 * wrapped ("NET INCOME ATTRIBUTABLE TO SHAREOWNERS OF THE COCA-COLA" /
	 * "COMPANY"); a heading in capitals is short.
	 */
	if (n >= 40 && all_caps(prev) && all_caps(next))
	{
		int			words = 1;

		for (const char *p = next; *p; p++)
			words += *p == ' ';
		return words <= 3;
	}
	return false;
}

/* is the label a sentence (a footnote or prose), not a row? */
static bool
is_prose(const char *t)
{
	int			words = 1;
	size_t		n = strlen(t);

	for (size_t i = 0; i < n; i++)
		if (t[i] == ' ')
			words++;
	if (n > 0 && (t[0] == '*' || (unsigned char) t[0] == 0xE2) && words > 4)
		return true;
	return words >= 12 && n > 0 && t[n - 1] == '.';
}

/*
 * Is the label a page marker printed below a table: "109", "F-3", "S - 12",
 * "Page 7", "- 7 -"?  Letters need a dash (or "Page") before the digits, so
 * a heading such as "Q4" or "Level 3" is never taken for one.
 */
static bool
is_page_marker(const char *t)
{
	const char *p = t;
	int			letters = 0,
				digits = 0;
	bool		dash = false;

	if (strncasecmp(p, "page ", 5) == 0)
	{
		p += 5;
		dash = true;
	}
	for (; isalpha((unsigned char) *p) && letters < 4; p++)
		letters++;
	for (; *p == ' ' || *p == '-'; p++)
		dash = dash || *p == '-';
	for (; isdigit((unsigned char) *p); p++)
		digits++;
	while (*p == ' ' || *p == '-')
		p++;
	return *p == '\0' && digits > 0 && digits <= 4 && (letters == 0 || dash);
}

/* does the label name a total? */
static bool
label_is_total(const char *t)
{
	static const char *const heads[] = {
		"total",
		NULL
	};

	for (int i = 0; heads[i]; i++)
	{
		size_t		n = strlen(heads[i]);
		size_t		k;

		for (k = 0; k < n && t[k]; k++)
		{
			char		c = t[k];

			if (c >= 'A' && c <= 'Z')
				c = (char) (c - 'A' + 'a');
			if (c != heads[i][k])
				break;
		}
		if (k == n)
			return true;
	}
	return false;
}

/* the label of the last heading item (no values), for generated labels */
static const char *
last_heading(const fx_items *it, int nperiods)
{
	for (int i = it->n - 1; i >= 0; i--)
	{
		bool		any = false;

		for (int j = 0; j < nperiods; j++)
			any = any || it->items[i].values[j] != NULL;
		if (!any && !it->items[i].generated_label)
			return it->items[i].label;
	}
	return NULL;
}

/* make a "Total <heading>" label */
static char *
generated_label(const fx_items *it, int nperiods)
{
	const char *h = last_heading(it, nperiods);
	fx_buf		b;

	fx_buf_init(&b);
	fx_buf_adds(&b, "Total");
	if (h && h[0])
	{
		size_t		n = strlen(h);

		if (h[n - 1] == ':')
			n--;
		fx_buf_add(&b, " ", 1);
		fx_buf_add(&b, h, n);
	}
	return fx_buf_take(&b);
}

/* a label-only line waiting to see whether the next line continues it */
typedef struct fx_pending
{
	char	   *text;
	int			line;			/* index of its first line */
	int			indent;
} fx_pending;

/* turn a pending label-only line into a heading item */
static void
flush_pending(fx_pending *pd, fx_items *it, int nperiods,
			  const fx_doc *doc)
{
	fx_item    *x;

	if (pd->text == NULL)
		return;
	x = push_item(it, nperiods);
	if (x != NULL)
	{
		x->label = fx_clean_label(pd->text);
		x->page = doc->lines[pd->line].page;
		x->line_no = doc->lines[pd->line].line_no;
		x->indent = pd->indent;
		x->is_total = x->label ? label_is_total(x->label) : false;
		if (x->label == NULL)
			it->failed = true;
	}
	free(pd->text);
	pd->text = NULL;
}

/* append text to a pending label */
static void
pending_append(fx_pending *pd, char *t)
{
	fx_buf		b;

	fx_buf_init(&b);
	fx_buf_adds(&b, pd->text);
	fx_buf_add(&b, " ", 1);
	fx_buf_adds(&b, t);
	free(pd->text);
	free(t);
	pd->text = fx_buf_take(&b);
}

/* do two of a row's values fall on the same period? */
static bool
periods_collide(const int *col, int n)
{
	for (int a = 0; a < n; a++)
		for (int b = a + 1; b < n; b++)
			if (col[a] >= 0 && col[a] == col[b])
				return true;
	return false;
}

/* read the rows of one block into items */
static void
read_rows(const fx_doc *doc, const fx_block *bl, fx_items *it,
		  int nperiods, bool euro)
{
	fx_pending	pd = {NULL, 0, 0};

	for (int i = bl->body; i < bl->to && !it->failed; i++)
	{
		const fx_line *ln = &doc->lines[i];
		fx_row		row;
		int			col[FX_MAX_VALS];
		int			nassigned = 0;
		bool		cont;
		char	   *label = NULL;
		fx_item    *x;

		if (ln->nwords == 0)
		{
			flush_pending(&pd, it, nperiods, doc);
			continue;
		}
		if (fx_title_type(doc, ln, &cont) >= 0)
			continue;
		fx_analyze_row(doc, ln, euro, &row);
		fx_row_year_label(&row, bl->label_left);
		for (int v = 0; v < row.nvals; v++)
		{
			if (bl->in_order && row.nvals == nperiods)
			{
				col[v] = v;
				nassigned++;
				continue;
			}
			col[v] = fx_period_of(bl, row.vals[v].start, row.vals[v].end);
			if (col[v] >= nperiods)
				col[v] = -1;
			if (col[v] >= 0)
				nassigned++;
		}
		if (row.nvals == nperiods && !fx_has_note_anchor(bl) &&
			periods_collide(col, row.nvals))
		{
			/* one value per period, two on one heading: they are in order */
			nassigned = row.nvals;
			for (int v = 0; v < row.nvals; v++)
				col[v] = v;
		}
		if (row.label_words == 0 && nassigned == 1)
		{
			/* a lone small number without label: a page number */
			for (int v = 0; v < row.nvals; v++)
				if (col[v] >= 0 && !row.vals[v].strong)
					nassigned = 0;
		}
		if (nassigned == 0)
		{
			/* a label-only line: heading, or the first part of a label */
			if (row.nvals == 0 && row.label_words == 0)
				continue;
			label = fx_words_text(doc, ln, 0, ln->nwords);
			if (label == NULL)
			{
				it->failed = true;
				break;
			}
			if (is_prose(label) || fx_is_end_marker(ln->s, ln->len) ||
				is_audit_caption(label) || is_page_marker(label) ||
				(row.label_start > fx_value_left(bl) && row.label_words > 0 &&
				 bl->ncols > 0 && row.label_start >= bl->cols[0].start))
			{
				free(label);
				flush_pending(&pd, it, nperiods, doc);
				continue;
			}
			if (pd.text && label_wraps(pd.text, label))
				pending_append(&pd, label);
			else
			{
				flush_pending(&pd, it, nperiods, doc);
				pd.text = label;
				pd.line = i;
				pd.indent = row.label_start;
			}
			continue;
		}
		if (row.label_words > 0)
		{
			label = fx_words_text(doc, ln, 0, row.label_words);
			if (label == NULL)
			{
				it->failed = true;
				break;
			}
		}
		if (pd.text && label && label_wraps(pd.text, label))
		{
			pending_append(&pd, label);
			label = pd.text;
			pd.text = NULL;
		}
		else
		{
			flush_pending(&pd, it, nperiods, doc);
			pd.line = i;
			pd.indent = row.label_start;
		}
		x = push_item(it, nperiods);
		if (x == NULL)
		{
			free(label);
			break;
		}
		x->page = doc->lines[pd.line].page;
		x->line_no = doc->lines[pd.line].line_no;
		x->indent = pd.indent >= 0 ? pd.indent : (bl->ncols ? bl->cols[0].start : 0);
		if (label != NULL)
		{
			x->label = fx_clean_label(label);
			free(label);
			if (x->label && x->label[0] == '\0')
			{
				free(x->label);
				x->label = NULL;
			}
		}
		if (x->label == NULL)
		{
			it->n--;
			x->label = generated_label(it, nperiods);
			it->n++;
			x->generated_label = true;
			x->is_total = true;
		}
		else
			x->is_total = label_is_total(x->label);
		if (x->label == NULL)
			it->failed = true;
		for (int v = 0; v < row.nvals; v++)
			if (col[v] >= 0 && x->values[col[v]] == NULL)
			{
				x->values[col[v]] = fx_strndup(row.vals[v].text,
											   strlen(row.vals[v].text));
				if (x->values[col[v]] == NULL)
					it->failed = true;
			}
	}
	flush_pending(&pd, it, nperiods, doc);
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
	if (bl->period_line >= 0)
		bl->body = bl->period_line + 1;
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
	read_rows(doc, &first, &it, st->nperiods, euro);
	/* continuation pages */
	ended = first.to < (pg_end < span->end_line ? pg_end : span->end_line);
	while (pg_end < span->end_line && !it.failed && !ended)
	{
		int			pg = doc->lines[pg_end].page;
		int			to = doc->page_start[pg] < span->end_line ?
			doc->page_start[pg] : span->end_line;

		setup_block(doc, &bl, pg_end, to, euro, st->type == FX_EQUITY);
		ended = bl.to < to;
		fx_map_block(doc, &bl, &first, st);
		read_rows(doc, &bl, &it, st->nperiods, euro);
		st->last_page = pg;
		pg_end = to;
	}
	st->items = it.items;
	st->nitems = it.n;
	if (it.failed)
		return false;
	indent_levels(st);
	return true;
}

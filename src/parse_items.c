/*-------------------------------------------------------------------------
 *
 * parse_items.c
 *	  The rows of a block read into a statement's items.
 *
 * Each line of a block's body is split into its label and values
 * (parse_row.c) and each value goes to the period its column holds
 * (parse_columns.c).  A label-only line is a heading, or the start of a
 * label wrapped over lines when the next line reads as its continuation;
 * wrapped labels are joined.  A row of values without a label gets a
 * generated "Total <heading>" label.  Prose, footnotes, "(Unaudited)"
 * captions and page markers ("F-3", "Page 7") are not rows.
 *
 *-------------------------------------------------------------------------
 */
#include "parse_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/* does the text open a parenthesis it does not close? */
static bool
open_paren(const char *t)
{
	int			depth = 0;

	for (; *t; t++)
		depth += (*t == '(') - (*t == ')');
	return depth > 0;
}

/* the words of a label but its dot leaders ("Expenses . . . .": one) */
static int
text_words(const char *t)
{
	int			n = 0;

	while (*t)
	{
		size_t		len;

		while (*t == ' ')
			t++;
		len = strcspn(t, " ");
		n += len > 0 && !fx_is_leader_word(t, len);
		t += len;
	}
	return n;
}

/* does the next line continue a label-only line? */
typedef enum wrap
{
	WRAP_NO = 0,
	WRAP_YES,
	WRAP_UNLESS_ROOM			/* only if its first word did not fit */
} wrap;

/*
 * Does the label text read as the start of a label wrapped over lines?
 * Two all-caps lines are one label only where the next line's first word
 * would not have fitted on the first (see room_after): a typesetter wraps
 * only what does not fit.
 */
static wrap
label_wraps(const char *prev, const char *next)
{
	static const char *const tails[] = {
		"and", "of", "to", "for", "in", "the", "on", "from", "by", "with",
		"or", "at", "net", "a", "an", NULL
	};
	/* words that open no label, and words that end none */
	static const char *const never_first[] = {
		"activities", "equivalents", NULL
	};
	static const char *const never_last[] = {
		"operating", "investing", "financing", NULL
	};
	size_t		n = strlen(prev),
				fw = strcspn(next, " ");
	const char *lw;

	if (n == 0 || prev[n - 1] == ':')
		return WRAP_NO;
	if ((next[0] >= 'a' && next[0] <= 'z') || next[0] == '(')
		return WRAP_YES;
	if (prev[n - 1] == ',' || prev[n - 1] == '-' || prev[n - 1] == '&' ||
		prev[n - 1] == '/' || open_paren(prev))
		return WRAP_YES;		/* "PROCEEDS FROM (REPAYMENTS" / "OF) ..." */
	lw = strrchr(prev, ' ');
	lw = lw ? lw + 1 : prev;
	/* "NET CASH USED IN INVESTING" / "ACTIVITIES", "CASH AND CASH" / ... */
	for (int i = 0; never_first[i]; i++)
		if (fw == strlen(never_first[i]) &&
			strncasecmp(next, never_first[i], fw) == 0)
			return WRAP_YES;
	/* "CHANGES IN OPERATING" / "ASSETS AND LIABILITIES" */
	for (int i = 0; lw != prev && never_last[i]; i++)
		if (strcasecmp(lw, never_last[i]) == 0 &&
			strncasecmp(next, "total", 5) != 0)
			return WRAP_YES;
	/* "PURCHASES OF PROPERTY AND" / "EQUIPMENT", in capitals too */
	for (int i = 0; tails[i]; i++)
	{
		size_t		tl = strlen(tails[i]);

		if (strcasecmp(lw, tails[i]) == 0 ||
			(strlen(lw) == tl + 1 && lw[tl] == ')' &&
			 strncasecmp(lw, tails[i], tl) == 0))
			return WRAP_YES;	/* "... (Repayments of)" / "Borrowings" */
	}
	/* "CHANGES IN OPERATING ASSETS" / "AND LIABILITIES", not "NET ..." */
	for (int i = 0; tails[i] && i < 12; i++)
		if (fw == strlen(tails[i]) && all_caps(prev) &&
			strncasecmp(next, tails[i], fw) == 0 && fw < strlen(next))
			return WRAP_YES;
	/*
	 * A long all-caps line and a few all-caps words after it: one label
	 * wrapped ("NET INCOME ATTRIBUTABLE TO SHAREOWNERS OF THE COCA-COLA" /
	 * "COMPANY"); a heading in capitals is short, and so is one that left
	 * room for the next line's first word ("LIABILITIES AND COMMON
	 * STOCKHOLDERS' INVESTMENT" / "CURRENT LIABILITIES": two headings).
	 */
	if (n >= 40 && all_caps(prev) && all_caps(next))
	{
		return text_words(next) <= 3 ? WRAP_UNLESS_ROOM : WRAP_NO;
	}
	return WRAP_NO;
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
	int			end;			/* display column after its last line's text */
} fx_pending;

/* display column after the last word of line ln */
static int
line_end(const fx_doc *doc, const fx_line *ln)
{
	return ln->nwords > 0 ? fx_line_words(doc, ln)[ln->nwords - 1].end : 0;
}

/*
 * Display column after the last of the first n words that is not a dot
 * leader ("Revenue . . . . ."): leaders run past the labels' column to the
 * values, so they do not say where labels wrap.
 */
static int
text_end(const fx_line *ln, const fx_word *w, int n)
{
	for (int k = n - 1; k >= 0; k--)
		if (!fx_is_leader_word(ln->s + w[k].off, (size_t) w[k].len))
			return w[k].end;
	return 0;
}

/*
 * The widest label of the block's rows: where labels wrap (the display
 * column after the longest label's text).  Only labels that start near the
 * rows' left margin count: a centred line (the next page's company name and
 * title, within the block) is no row.
 */
#define LABEL_INDENT_MAX 12

static int
label_width(const fx_doc *doc, const fx_block *bl, bool euro)
{
	int			nl = bl->to - bl->body;
	int		   *starts = malloc(sizeof(int) * 2 * (size_t) (nl > 0 ? nl : 1));
	int		   *ends = starts + (nl > 0 ? nl : 1);
	int			w = 0,
				margin = -1;

	if (starts == NULL)
		return 1 << 30;			/* out of memory: no label wraps for want of room */
	for (int i = 0; i < nl; i++)
	{
		const fx_line *ln = &doc->lines[bl->body + i];
		fx_row		row;

		starts[i] = -1;
		if (ln->nwords == 0)
			continue;
		fx_analyze_row(doc, ln, euro, &row);
		if (row.label_words == 0)
			continue;
		starts[i] = row.label_start;
		ends[i] = text_end(ln, fx_line_words(doc, ln), row.label_words);
		if (row.nvals > 0 && (margin < 0 || row.label_start < margin))
			margin = row.label_start;
	}
	for (int i = 0; i < nl; i++)
		if (starts[i] >= 0 && ends[i] > w &&
			(margin < 0 || starts[i] <= margin + LABEL_INDENT_MAX))
			w = ends[i];
	free(starts);
	return w;
}

/* display width of the first word of t */
static int
first_word_width(const char *t)
{
	int			n = 0;

	while (t[n] && t[n] != ' ')
		n++;
	return fx_utf8_len((const unsigned char *) t, n);
}

/*
 * Text measured in characters is only near the width a proportional font
 * gives it: "Income Before Income Taxes*" (27 characters) did not fit where
 * "  Administrative Expenses" (28) did.  A first word that comes within
 * this many characters of the widest label did not fit.
 */
#define WIDTH_SLACK 2

/*
 * A short line of values under a label-only line, indented deeper (a
 * hanging indent), whose first word would not have fitted on the pending
 * line within the block's widest label: the label column was full, so the
 * pending line wrapped ("Net Cash Used in Investing" / "  Activities").
 * A heading leaves room for its first item's first word ("Current assets"
 * / "  Cash") or has a sibling of that item below it; a "Total" row never
 * continues a label.
 */
static bool
hanging_wrap(const fx_pending *pd, const char *next, int next_indent,
			 int width, const fx_doc *doc, const fx_block *bl, int i)
{
	if (pd->indent < 0 || next_indent <= pd->indent ||
		strncasecmp(next, "total", 5) == 0)
		return false;			/* no label: a footnote mark "(1)" above */
	/* a sibling at its indent below: next is a heading's first item */
	for (int k = i + 1; k < bl->to; k++)
		if (doc->lines[k].nwords > 0)
		{
			if (fx_line_indent(doc, &doc->lines[k]) >= next_indent)
				return false;
			break;
		}
	if (text_words(next) > 4 || pd->text[strlen(pd->text) - 1] == ':')
		return false;
	return pd->end + 1 + first_word_width(next) > width - WIDTH_SLACK;
}

/* are the letters [a, b) of t a roman numeral in one case ("iv", "XII")? */
static bool
is_roman(const char *t, int a, int b)
{
	bool		lower = t[a] >= 'a';

	if (b - a < 1 || b - a > 4)
		return false;
	for (int k = a; k < b; k++)
		if (!strchr(lower ? "ivx" : "IVX", t[k]))
			return false;
	return true;
}

/*
 * Does the label open with an outline marker: "(a)", "(iv)", "(1)", "a)",
 * "2)", "II.", "B."?  Such a line starts an item of its own, as the
 * schedules of Indian and many IFRS statements number them; it never
 * continues the line above.
 */
static bool
opens_with_marker(const char *t)
{
	int			a = t[0] == '(' ? 1 : 0,
				b = a;

	while (t[b] && b - a < 4 && isalnum((unsigned char) t[b]))
		b++;
	if (b == a || t[b + 1] != ' ' ||
		!(t[b] == ')' || (t[b] == '.' && a == 0)))
		return false;
	if (t[b] == '.' && !(t[a] >= 'A' && t[a] <= 'Z') &&
		!(t[a] >= '0' && t[a] <= '9'))
		return false;			/* "i." or "no.": not a marker */
	for (int k = a; k < b; k++)
		if (!isdigit((unsigned char) t[k]))
			return b - a == 1 || is_roman(t, a, b);
	return b - a <= 2;
}

/*
 * Is the label only a footnote mark, perhaps with its dot leader ("(a)",
 * "(1) . . . .", "*")?  Such a line carries the end of the label above.
 */
static bool
is_lone_mark(const char *t)
{
	int			n = 0;
	const char *e;

	while (t[n] && t[n] != ' ')
		n++;
	for (e = t + n; *e == ' ' || *e == '.'; e++)
		;
	return *e == '\0' && fx_is_mark_word(t, n);
}

/*
 * Does next continue the pending label (label_wraps, hanging_wrap)?
 * *width is the block's widest label, measured the first time it is
 * needed (-1 before).
 * next_values: the next line, line i, carries values, at next_indent.
 */
static bool
continues(const fx_pending *pd, const char *next, int next_indent,
		  bool next_values, const fx_doc *doc, const fx_block *bl, int i,
		  bool euro, int *width)
{
	wrap		w = label_wraps(pd->text, next);

	if (next_values && is_lone_mark(next))
		return true;
	if (opens_with_marker(next))
		return false;
	if (w == WRAP_YES)
		return true;
	if (w == WRAP_UNLESS_ROOM)
	{
		if (*width < 0)
			*width = label_width(doc, bl, euro);
		/* no room for its first word after the pending text: wrapped */
		return pd->end + 1 + first_word_width(next) > *width;
	}
	if (!next_values)
		return false;
	/* "Total Liabilities and Shareholders'" / "  Equity  171,817" */
	if (strncasecmp(pd->text, "total ", 6) == 0 &&
		strncasecmp(next, "total", 5) != 0 && next_indent >= pd->indent)
		return true;
	if (*width < 0)
		width[0] = label_width(doc, bl, euro);
	return hanging_wrap(pd, next, next_indent, width[0], doc, bl, i);
}

/*
 * Does next continue the pending label across one blank line (gap)?  OCR
 * sets a blank line between the lines of a wrapped label where the row's
 * values sit on its second line ("Selling, general and" / "" /
 * "administrative expenses  84,316"); only a label that plainly goes on
 * (label_wraps says yes: a lowercase start, a trailing "and", "of", comma)
 * bridges the gap.
 */
static bool
continues_after(bool gap, const fx_pending *pd, const char *next,
				int next_indent, bool next_values, const fx_doc *doc,
				const fx_block *bl, int i, bool euro, int *width)
{
	if (gap && label_wraps(pd->text, next) != WRAP_YES)
		return false;
	return continues(pd, next, next_indent, next_values, doc, bl, i, euro,
					 width);
}

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

/*
 * The footnote mark a line of values opens with, left of the columns
 * ("(1)    42    -    79" under "Other Income (Expense), Net"): the last
 * word of a wrapped label, read as an amount that no column takes.  A
 * copy of the mark, or NULL.
 */
static char *
wrapped_mark(const fx_doc *doc, const fx_line *ln, const fx_row *row,
			 const int *col)
{
	const fx_word *w = fx_line_words(doc, ln);

	if (row->label_words != 0 || row->nvals < 2 || col[0] >= 0 ||
		row->vals[0].start != w[0].start ||
		!fx_is_footnote_mark(ln->s + w[0].off, w[0].len))
		return NULL;
	return fx_strndup(ln->s + w[0].off, (size_t) w[0].len);
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

/*
 * Is the block set with a blank line after most of its lines (a scan
 * read double-spaced)?  Then a blank line ends no label.
 */
static bool
double_spaced(const fx_doc *doc, const fx_block *bl)
{
	int			text = 0,
				blank_after = 0;

	for (int i = bl->body; i + 1 < bl->to; i++)
		if (doc->lines[i].nwords > 0)
		{
			text++;
			blank_after += doc->lines[i + 1].nwords == 0;
		}
	return text >= 4 && blank_after * 10 >= text * 6;
}

/* read the rows of one block into items */
void
fx_read_rows(const fx_doc *doc, const fx_block *bl, fx_items *it,
			 int nperiods, bool euro)
{
	fx_pending	pd = {NULL, 0, 0, 0};
	int			width = -1;	/* the block's widest label, when needed */
	bool		spaced = double_spaced(doc, bl);
	bool		gap = false;	/* one blank line after the pending label */

	for (int i = bl->body; i < bl->to && !it->failed; i++)
	{
		const fx_line *ln = &doc->lines[i];
		fx_row		row;
		int			col[FX_MAX_VALS];
		int			nassigned = 0;
		bool		cont;
		bool		after_gap;
		char	   *label = NULL;
		fx_item    *x;

		if (ln->nwords == 0)
		{
			if (!spaced && pd.text && !gap)
				gap = true;
			else if (!spaced)
				flush_pending(&pd, it, nperiods, doc);
			continue;
		}
		after_gap = gap;
		gap = false;
		if (fx_title_type(doc, ln, &cont) >= 0)
		{
			if (after_gap)
				flush_pending(&pd, it, nperiods, doc);
			continue;
		}
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
			if (pd.text && continues_after(after_gap, &pd, label, row.label_start,
										   false, doc, bl, i, euro, &width))
				pending_append(&pd, label);
			else
			{
				flush_pending(&pd, it, nperiods, doc);
				pd.text = label;
				pd.line = i;
				pd.indent = row.label_start;
			}
			pd.end = line_end(doc, ln);
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
		else if (pd.text && !after_gap)
			label = wrapped_mark(doc, ln, &row, col);
		if (pd.text && label &&
			continues_after(after_gap, &pd, label, row.label_start, true, doc,
							bl, i, euro, &width))
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

/*-------------------------------------------------------------------------
 *
 * parse_row.c
 *	  Row classification: one line split into its label and the values at
 *	  its right end.
 *
 * Everything else of the parser sees a line through an fx_row: which words
 * are the label, where it starts and ends, and the amounts (normalised,
 * with their display columns, whether they are strong numbers or plain
 * years).  Percentages are counted, not kept, so that a "% of sales"
 * column is never a period.  A plain year alone at the labels' left
 * margin is the end of a wrapped label, not a value.
 *
 *-------------------------------------------------------------------------
 */
#include "parse_int.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/* add a value found at words [a, b) of a row */
static void
add_val(fx_row *row, const fx_word *w, int a, int b, const char *text,
		bool strong, bool year)
{
	fx_val	   *v;

	if (row->nvals >= FX_MAX_VALS)
		return;
	v = &row->vals[row->nvals++];
	v->start = w[a].start;
	v->end = w[b - 1].end;
	v->strong = strong;
	v->year = year;
	strncpy(v->text, text, FX_NUM_LEN - 1);
	v->text[FX_NUM_LEN - 1] = '\0';
}

/*
 * Is word i a change column's "not meaningful" or "not available" mark
 * ("n/m", "NM", "n.m.", "n/a") standing in a column after an amount?  It
 * is no value and no label: the row's values go on to its left.
 */
static bool
not_meaningful(const fx_line *ln, const fx_word *w, int i)
{
	static const char *const marks[] = {"n/m", "nm", "n.m.", "n.m", "nmf",
	"n/a", "n.a.", "na", NULL};
	char		out[FX_NUM_LEN];
	bool		strong;
	fx_tok		left;

	if (i < 1 || w[i].start - w[i - 1].end < 2)
		return false;
	for (int k = 0; marks[k]; k++)
		if (w[i].len == (int) strlen(marks[k]) &&
			strncasecmp(ln->s + w[i].off, marks[k], (size_t) w[i].len) == 0)
		{
			left = fx_classify_word(ln->s + w[i - 1].off, w[i - 1].len, false,
									out, sizeof(out), &strong);
			return left == FX_TOK_AMOUNT || left == FX_TOK_DASH ||
				left == FX_TOK_PERCENT;
		}
	return false;
}

/*
 * Is word i a footnote reference glued to the word of text before it
 * ("Restated (1)", "Revenue (2)")?  One digit in parentheses reads as a
 * negative amount, but one blank after a word it marks the word.
 */
static bool
footnote_ref(const fx_line *ln, const fx_word *w, int i)
{
	const char *s = ln->s + w[i].off;
	char		out[FX_NUM_LEN];
	bool		strong;

	return i > 0 && fx_is_footnote_mark(s, w[i].len) &&
		fx_classify_word(ln->s + w[i - 1].off, w[i - 1].len, false, out,
						 sizeof(out), &strong) == FX_TOK_TEXT;
}

/*
 * Is word k the year of a date the label ends with, set a few blanks after
 * its month and day ("Balance at December 31  2020", as OCR word boxes
 * place it once its comma is lost), with amounts after it?
 */
static bool
date_year_after(const fx_line *ln, const fx_word *w, int k, int nw)
{
	const char *d;
	int			dl;

	if (k < 2 || k + 1 >= nw || w[k].start - w[k - 1].end > 3 ||
		!fx_is_year_word(ln->s + w[k].off, w[k].len) ||
		!fx_is_month_word(ln->s + w[k - 2].off, w[k - 2].len))
		return false;
	d = ln->s + w[k - 1].off;
	dl = w[k - 1].len;
	if (dl > 0 && d[dl - 1] == ',')
		dl--;
	return (dl == 1 && isdigit((unsigned char) d[0])) ||
		(dl == 2 && isdigit((unsigned char) d[0]) &&
		 isdigit((unsigned char) d[1]));
}

/* does the word end a list item of prose ("$(7),", "dates;")? */
static bool
ends_list(const char *s, int len)
{
	return len >= 2 && (s[len - 1] == ',' || s[len - 1] == ';');
}

/* split a line into its label and the values at its right end */
void
fx_analyze_row(const fx_doc *doc, const fx_line *ln, bool euro, fx_row *row)
{
	const fx_word *w = fx_line_words(doc, ln);
	int			nw = ln->nwords;
	int			k = nw;
	char		out[FX_NUM_LEN];
	bool		strong;

	row->nvals = 0;
	row->npercent = 0;
	row->all_years = false;
	/* values are the words at the right end that are not text */
	while (k > 0 && nw - k < 3 * FX_MAX_VALS)
	{
		fx_tok		t = fx_classify_word(ln->s + w[k - 1].off, w[k - 1].len,
										 euro, out, sizeof(out), &strong);

		if (t == FX_TOK_TEXT && !not_meaningful(ln, w, k - 1))
			break;
		k--;
	}
	if (k > 0 && nw - k >= 3 * FX_MAX_VALS)
		k = nw;
	/* a weak number glued to the label belongs to it ("December 31, 2015") */
	while (k > 0 && k < nw && w[k].start - w[k - 1].end < 2)
	{
		fx_tok		t = fx_classify_word(ln->s + w[k].off, w[k].len,
										 euro, out, sizeof(out), &strong);

		if (t == FX_TOK_DASH || t == FX_TOK_PAREN)
			break;
		/* "... COMPANY $ 9,771": a lone currency sign opens the values */
		if (t == FX_TOK_SYMBOL && k + 1 < nw &&
			w[k + 1].start - w[k].end < 2 &&
			fx_classify_word(ln->s + w[k + 1].off, w[k + 1].len, euro, out,
							 sizeof(out), &strong) == FX_TOK_AMOUNT)
			break;
		/*
		 * a strong amount glued to the label is the label's ("and $103")
		 * only when the values proper start after a wide gap, or when it
		 * goes on a list in the label's prose ("net of tax of $(7),
		 * $(441)", "respective dates; 1,984,678,673")
		 */
		if (t == FX_TOK_AMOUNT && strong &&
			!(k + 1 < nw && w[k + 1].start - w[k].end >= 2) &&
			!ends_list(ln->s + w[k - 1].off, w[k - 1].len) &&
			!footnote_ref(ln, w, k))
			break;
		k++;
	}
	if (date_year_after(ln, w, k, nw))
		k++;
	row->label_words = k;
	row->label_start = k > 0 ? w[0].start : -1;
	row->label_end = k > 0 ? w[k - 1].end : -1;
	row->value_gap = k > 0 && k < nw ? w[k].start - w[k - 1].end : 1 << 20;
	for (int i = k; i < nw; i++)
	{
		fx_tok		t = fx_classify_word(ln->s + w[i].off, w[i].len, euro,
										 out, sizeof(out), &strong);

		if (t == FX_TOK_PERCENT)
			row->npercent++;
		else if (t == FX_TOK_AMOUNT || t == FX_TOK_DASH)
		{
			/* "( 1,234 )" written with blanks inside */
			if (i > k && i + 1 < nw && w[i - 1].len == 1 &&
				ln->s[w[i - 1].off] == '(' && w[i + 1].len == 1 &&
				ln->s[w[i + 1].off] == ')' && out[0] != '-' &&
				strcmp(out, "0") != 0)
			{
				char		neg[FX_NUM_LEN];

				neg[0] = '-';
				strncpy(neg + 1, out, FX_NUM_LEN - 2);
				neg[FX_NUM_LEN - 1] = '\0';
				add_val(row, w, i - 1, i + 2, neg, true, false);
				i++;
				continue;
			}
			add_val(row, w, i, i + 1, out, strong,
					t == FX_TOK_AMOUNT &&
					fx_is_year_word(ln->s + w[i].off, w[i].len));
		}
	}
	row->all_years = row->nvals > 0;
	for (int i = 0; i < row->nvals; i++)
		row->all_years = row->all_years && row->vals[i].year;
}

/* is the row a data row: a label and an amount that is not a year? */
bool
fx_row_is_data(const fx_row *row)
{
	if (row->all_years)
		return false;
	for (int i = 0; i < row->nvals; i++)
		if (row->vals[i].strong || !row->vals[i].year)
			return row->label_words > 0 || row->nvals > 0;
	return false;
}

/*
 * A plain year alone at the labels' left margin, before other values, is
 * the label's, not a value: the end of a wrapped date ("Balance at December
 * 31," / "2019    529,236,741    13,038 ...") or a row heading ("2024").
 */
void
fx_row_year_label(fx_row *row, int label_left)
{
	if (row->label_words != 0 || row->nvals < 2 || !row->vals[0].year ||
		row->vals[0].strong || row->vals[0].start > label_left + 2)
		return;
	row->label_words = 1;
	row->label_start = row->vals[0].start;
	row->label_end = row->vals[0].end;
	row->value_gap = row->vals[1].start - row->vals[0].end;
	memmove(&row->vals[0], &row->vals[1],
			sizeof(fx_val) * (size_t) (row->nvals - 1));
	row->nvals--;
	row->all_years = row->nvals > 0;
	for (int i = 0; i < row->nvals; i++)
		row->all_years = row->all_years && row->vals[i].year;
}

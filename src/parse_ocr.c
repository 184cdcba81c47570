/*-------------------------------------------------------------------------
 *
 * parse_ocr.c
 *	  Lay out OCR text (tesseract --psm 6, preserve_interword_spaces) the
 *	  way pdftotext -layout would, so that the rest of the parser can read
 *	  scanned statements.
 *
 * OCR text keeps the order of words but not their columns: a value column
 * drifts from line to line, and the page is strewn with stray marks.  Each
 * page is rewritten line by line (the line numbers stay the same):
 *	  - stray marks go: rules ('——==[=', '|'), symbols, long garbage words,
 *		short junk and currency marks ('P', '₱', 'Php') between a label and
 *		its amounts;
 *	  - letter-spaced headings are joined ('A S S E T S' -> 'ASSETS'),
 *		digits misread inside words are turned back into letters, a '\'
 *		opening a word is an 'A', and a word of a label or title that is a
 *		plausible misreading (a confusable letter, two letters swapped, a
 *		letter dropped or added inside a long word) of exactly one word of
 *		a small vocabulary of statement words is spelt as that word
 *		('PROFTI', 'earings', 'lransferred', 'Liabilitites');
 *	  - amounts are repaired: '{1,234}' is '(1,234)', letters read for
 *		digits inside a comma-grouped amount are digits ('1,2O0,000',
 *		'l,234', '(5O0,000)'), '1.769.455' and
 *		'3:975;785' are '1,769,455', a separator before 1-2 final digits is
 *		the decimal point ('1,234,567.89'), '1 234' split by one blank is one
 *		amount, a '|' or ']' after a short last group is a '1', a lone ':',
 *		'=', '+' or '.' where an amount belongs is a dash (zero);
 *	  - once a line of years ("2022    2021") or of dates ("December 31, 2023
 *		December 31, 2022", "31.12.2022  31.12.2021") has told how many value
 *		columns the page has, the amounts of every row are set right-aligned in
 *		fixed columns under the years; a row with fewer amounts than columns
 *		puts each where its neighbours' amounts of the same column sit.
 * A page laid out from tesseract's word boxes (parse_words.c) has its
 * columns right already: fx_ocr_repair_page repairs its words and leaves
 * each where it stood.
 * The repair of each word (marks, misread amounts and letters, spelling)
 * is parse_ocr_token.c's; this file splits the lines into words, joins
 * what OCR split, finds each line's label, amounts and years, and lays the
 * page out.
 *
 *-------------------------------------------------------------------------
 */
#include "parse_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define OCR_MAX_TOK		64		/* tokens kept per line */
#define OCR_MAX_LINES	2000	/* lines laid out per page; the rest is
								 * copied as it is */
#define OCR_COL_WIDTH	22		/* display columns per value column */
#define OCR_LINE_BYTES	(OCR_MAX_TOK * FX_OCR_TOK_LEN)	/* a line's tokens */

/* one OCR line split into tokens, with its reading */
typedef struct ocr_line
{
	int			ntok;
	fx_ocr_tok	tok[OCR_MAX_TOK];
	int			nlabel;			/* tokens [0, nlabel) are the label */
	int			nvals;			/* amounts after the label */
	int			nyears;			/* years ending a line of headings */
	bool		changes;		/* ... followed by change columns' headings */
	int			ndates;			/* dates making up a line of headings */
	int			dfirst[FX_MAX_COLS];	/* each date's first token */
	bool		dspan;			/* the dates are one heading over them all */
} ocr_line;

static int	date_groups(const ocr_line *l, int *first, int max, bool *span);
static bool is_note_ref(const fx_ocr_tok *t);
static bool tok_is_one_of(const fx_ocr_tok *t, const char *const *words, int n);
static bool leader_debris_before(const ocr_line *l, int j, int at);
static bool is_percent_heading_tok(const ocr_line *l, int i);
static bool zero_led(const fx_ocr_tok *t);
static void drop_leader_letters(ocr_line *l);
static bool is_day_tok(const fx_ocr_tok *t);

/* split one line into tokens with their display columns */
static int
tokenize_line(const char *s, int len, fx_ocr_tok *tok, int max)
{
	int			n = 0,
				col = 0,
				i = 0;

	while (i < len && n < max)
	{
		fx_ocr_tok *t;

		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\0' ||
			s[i] == '\f' || s[i] == '\v')
		{
			col++;
			i++;
			continue;
		}
		t = &tok[n++];
		t->len = 0;
		t->start = col;
		t->amount = t->year = false;
		t->head = 0;
		while (i < len && s[i] != ' ' && s[i] != '\t' && s[i] != '\r' &&
			   s[i] != '\0' && s[i] != '\f' && s[i] != '\v')
		{
			if (((unsigned char) s[i] & 0xC0) != 0x80)
				col++;
			if (t->len < FX_OCR_TOK_LEN - 1)
				t->s[t->len++] = s[i];
			i++;
		}
		t->s[t->len] = '\0';
		t->end = col;
	}
	return n;
}

/* delete token i of a line */
static void
line_del(ocr_line *l, int i)
{
	memmove(&l->tok[i], &l->tok[i + 1],
			sizeof(fx_ocr_tok) * (size_t) (l->ntok - i - 1));
	l->ntok--;
}

/* join runs of 3 or more single letters ("A S S E T S") into one word */
static void
join_spaced_letters(ocr_line *l)
{
	for (int i = 0; i < l->ntok; i++)
	{
		int			k = i;

		while (k < l->ntok && l->tok[k].len == 1 &&
			   ((l->tok[k].s[0] | 32) >= 'a' && (l->tok[k].s[0] | 32) <= 'z'))
			k++;
		if (k - i < 3)
			continue;
		for (int j = i + 1; j < k; j++)
		{
			fx_ocr_tok *t = &l->tok[i];

			if (t->len < FX_OCR_TOK_LEN - 1)
				t->s[t->len++] = l->tok[j].s[0];
			t->end = l->tok[j].end;
		}
		l->tok[i].s[l->tok[i].len] = '\0';
		for (int j = 0; j < l->tok[i].len; j++)
			if (l->tok[i].s[j] >= 'a' && l->tok[i].s[j] <= 'z')
				l->tok[i].s[j] = (char) (l->tok[i].s[j] - 'a' + 'A');
		for (int j = i + 1; j < k; j++)
			line_del(l, i + 1);
	}
}

/* put the currency sign s before the amount a ("$", "48,210": "$48,210") */
static void
glue_sign(const fx_ocr_tok *s, fx_ocr_tok *a)
{
	if (s->len + a->len >= FX_OCR_TOK_LEN)
		return;
	memmove(a->s + s->len, a->s, (size_t) a->len + 1);
	memcpy(a->s, s->s, (size_t) s->len);
	a->len += s->len;
	a->start = s->start;
}

/* is the token the decimals of an amount split off by a blank (",89")? */
static bool
is_decimal_tail(const fx_ocr_tok *t)
{
	return (t->len == 2 || t->len == 3) && (t->s[0] == ',' || t->s[0] == '.') &&
		fx_ocr_is_digit((unsigned char) t->s[1]) &&
		(t->len == 2 || fx_ocr_is_digit((unsigned char) t->s[2]));
}

/* is the token the rest of an amount split before a group comma (",225-")? */
static bool
is_group_tail(const fx_ocr_tok *t)
{
	return t->len >= 4 && t->s[0] == ',' &&
		fx_ocr_is_digit((unsigned char) t->s[1]) &&
		fx_ocr_is_digit((unsigned char) t->s[2]) &&
		fx_ocr_is_digit((unsigned char) t->s[3]) &&
		(t->len == 4 || strchr(",.-)", t->s[4]) != NULL);
}

/* append token i + 1 to token i (the caller checked that it fits) */
static void
glue_next(ocr_line *l, int i)
{
	fx_ocr_tok *a = &l->tok[i],
			   *b = &l->tok[i + 1];

	memcpy(a->s + a->len, b->s, (size_t) b->len + 1);
	a->len += b->len;
	a->end = b->end;
	a->head = 0;
	line_del(l, i + 1);
}

/*
 * Is a the head of an amount cut after a group comma ("31,", "€31,",
 * "(4,", "1,234,") and b its next group (three digits, perhaps closing a
 * parenthesis or going on to more groups)?
 */
static bool
comma_split(const fx_ocr_tok *a, const fx_ocr_tok *b)
{
	int			i = 0,
				g = 0,
				k = 0;

	if (a->len < 2 || a->s[a->len - 1] != ',')
		return false;
	if (a->s[i] == '(')
		i++;
	/* a currency mark glued before it: "$", "€", "P/", "CHF" */
	for (int m = 0; m < 4 && i < a->len &&
		 !fx_ocr_is_digit((unsigned char) a->s[i]); m++)
		i++;
	for (; i < a->len - 1; i++)
	{
		if (fx_ocr_is_digit((unsigned char) a->s[i]))
			g++;
		else if (a->s[i] == ',' && g >= 1 && g <= 3)
			g = 0;
		else
			return false;
	}
	if (g < 1 || g > 3)
		return false;
	while (k < b->len && fx_ocr_is_digit((unsigned char) b->s[k]))
		k++;
	return k == 3 && (k == b->len || b->s[k] == ')' || b->s[k] == ',' ||
					  b->s[k] == '.');
}

/*
 * Percent signs OCR misread: "&%" and "%&" are one "%", and on a line that
 * has a "%" of its own, a lone "&" after a number is one too ("2015  % of
 * sales  2014  &", "100.0 &%  ...  44.1 &", "42.5 &  96,552  52.1 %").
 * An "&" between two years ("2021 & 2020") stays.
 */
static void
fix_percent_marks(ocr_line *l)
{
	bool		pct = false;

	for (int i = 0; i < l->ntok; i++)
	{
		fx_ocr_tok *t = &l->tok[i];

		if (t->len == 2 && (strcmp(t->s, "&%") == 0 || strcmp(t->s, "%&") == 0))
		{
			strcpy(t->s, "%");
			t->len = 1;
		}
		pct = pct || strchr(t->s, '%') != NULL;
	}
	for (int i = 1; pct && i < l->ntok; i++)
	{
		fx_ocr_tok *t = &l->tok[i];
		int			n;

		if (t->len == 1 && t->s[0] == '&' &&
			fx_ocr_numeric_shape(l->tok[i - 1].s, l->tok[i - 1].len, &n) &&
			n > 0 && !(i + 1 < l->ntok && fx_ocr_tok_is_year(&l->tok[i - 1]) &&
					   fx_ocr_tok_is_year(&l->tok[i + 1])))
			t->s[0] = '%';
	}
}

/* join an amount split by one blank ("4 777,801", "1 234") */
static void
join_split_amounts(ocr_line *l)
{
	int			joined = -1;	/* the token made by the last join */

	for (int i = 0; i + 1 < l->ntok; i++)
	{
		fx_ocr_tok *a = &l->tok[i],
				   *b = &l->tok[i + 1];
		int			na,
					nb,
					as,
					k = 0;

		if (b->start - a->end <= 1 && is_decimal_tail(b) &&
			fx_ocr_numeric_shape(a->s, a->len, &na) && na > 0 &&
			a->len + b->len < FX_OCR_TOK_LEN)
		{
			glue_next(l, i--);	/* "1.234.567 ,89": decimals split off */
			continue;
		}
		if (b->start - a->end == 1 && is_group_tail(b) &&
			fx_ocr_numeric_shape(a->s, a->len, &na) && na > 0 &&
			fx_ocr_is_digit((unsigned char) a->s[a->len - 1]) &&
			!strchr(a->s, '.') && a->len + b->len < FX_OCR_TOK_LEN)
		{
			glue_next(l, i--);	/* "27 ,225-": a blank before a group comma */
			continue;
		}
		if (b->start - a->end == 1 && b->len == 1 && b->s[0] == '-' &&
			fx_ocr_numeric_shape(a->s, a->len, &na) && a->s[0] != '-' &&
			a->s[0] != '(' && a->len + 1 < FX_OCR_TOK_LEN)
		{
			glue_next(l, i);	/* "383,451 -": a trailing minus one blank apart */
			continue;
		}
		if (b->start - a->end <= 2 && b->len == 1 && b->s[0] == '%' &&
			(fx_ocr_numeric_shape(a->s, a->len, &na) ||
			 (a->len > 2 && a->s[0] == '(' && a->s[a->len - 1] == ')' &&
			  fx_ocr_numeric_shape(a->s + 1, a->len - 2, &na))) &&
			na > 0 && a->len + 1 < FX_OCR_TOK_LEN)
		{
			glue_next(l, i);	/* "6.7 %": a change column's percent */
			continue;
		}
		if (b->start - a->end == 1 && comma_split(a, b) &&
			a->len + b->len < FX_OCR_TOK_LEN)
		{
			glue_next(l, i--);	/* "31, 888", "€31, 888": a blank after a comma */
			continue;
		}
		as = fx_ocr_lead_sign_len(a->s, a->len);	/* "€31 888" */
		if (b->start - a->end != 1 ||
			!fx_ocr_numeric_shape(a->s + as, a->len - as, &na) ||
			!fx_ocr_numeric_shape(b->s, b->len, &nb) ||
			(i != joined && (na > 3 || a->len - as > 4 || strchr(a->s, ','))) ||
			strchr(a->s, '.') || strchr(a->s, ')'))
			continue;
		while (k < b->len && fx_ocr_is_digit((unsigned char) b->s[k]))
			k++;
		if (k != 3 || (k < b->len && b->s[k] != ',' && b->s[k] != '.' &&
					   b->s[k] != ')' && !(b->s[k] == '-' && k + 1 == b->len)))
			continue;			/* "106 606-": a trailing minus ends it */
		if (a->len + 1 + b->len >= FX_OCR_TOK_LEN)
			continue;
		/*
		 * "8 216,357": one or two digits before an amount grouped by commas
		 * of its own are a lost comma or, in a notes column, a note
		 * reference; layout_section decides when it knows the columns
		 */
		a->head = i != joined && as == 0 && a->len <= 2 && strchr(b->s, ',') ?
			a->len : 0;
		/* "2 492 336": each further group joins the amount made so far */
		a->s[a->len++] = ',';
		memcpy(a->s + a->len, b->s, (size_t) b->len + 1);
		a->len += b->len;
		a->end = b->end;
		line_del(l, i + 1);
		joined = i;
		i--;
	}
}

/*
 * An amount opening a parenthesis at the end of a row of amounts ("(3,480)
 * (3,336"): OCR lost the closing one at the page's edge.
 */
static void
close_last_paren(ocr_line *l)
{
	fx_ocr_tok *t = l->ntok >= 2 ? &l->tok[l->ntok - 1] : NULL;
	int			nd;

	if (t == NULL || t->len < 2 || t->s[0] != '(' ||
		t->len + 1 >= FX_OCR_TOK_LEN || memchr(t->s, ')', (size_t) t->len) ||
		!fx_ocr_numeric_shape(t->s + 1, t->len - 1, &nd) || nd == 0 ||
		!fx_ocr_tok_is_amount(&l->tok[l->ntok - 2]))
		return;
	t->s[t->len++] = ')';
	t->s[t->len] = '\0';
}

/*
 * Is the token digits grouped by commas, every group after the first of
 * three ("1,234", "(12,345)", "383,451-", "8,656.7"); *bad set when only
 * its last group is longer, as OCR reads "77,038 $" ("77,0384")?
 */
static bool
comma_grouped(const fx_ocr_tok *t, bool *bad)
{
	int			b = t->s[0] == '(' || t->s[0] == '-' ? 1 : 0,
				e = t->len,
				g = 0,
				groups = 0;

	*bad = false;
	if (e > b && (t->s[e - 1] == ')' || t->s[e - 1] == '-'))
		e--;
	for (int i = b; i < e; i++)
	{
		if (fx_ocr_is_digit((unsigned char) t->s[i]))
			g++;
		else if (t->s[i] == ',' && g >= 1 && (groups == 0 ? g <= 3 : g == 3))
			groups++, g = 0;
		else if (t->s[i] == '.' && groups > 0 && g == 3 && e - i - 1 >= 1 &&
				 e - i - 1 <= 2 && fx_ocr_is_digit((unsigned char) t->s[e - 1]) &&
				 fx_ocr_is_digit((unsigned char) t->s[i + 1]))
			return true;		/* "8,656.7": decimals after the groups */
		else
			return false;
	}
	if (groups == 0)
		return false;
	*bad = g > 3;
	return g >= 3;
}

/*
 * Drop an amount whose last comma group has four digits or more from a row
 * whose other amounts are grouped by commas: no such number is printed, and
 * read as a decimal comma it would be a wrong value.  The row keeps its
 * other amounts in their columns; that column stays empty.
 */
static void
drop_malformed_amounts(ocr_line *l)
{
	bool		good = false,
				bad;

	for (int i = 0; i < l->ntok && !good; i++)
		good = comma_grouped(&l->tok[i], &bad) && !bad;
	for (int i = 1; good && i < l->ntok; i++)
		if (comma_grouped(&l->tok[i], &bad) && bad)
			line_del(l, i--);
}

/* is the token a percentage ("100.0%", "62.4%")? */
static bool
is_percent_tok(const fx_ocr_tok *t)
{
	int			nd;

	return t->len >= 2 && t->s[t->len - 1] == '%' &&
		fx_ocr_numeric_shape(t->s, t->len - 1, &nd) && nd > 0;
}

/* is the token a word of letters (a heading word, "net", "sales", "%")? */
static bool
is_word_tok(const fx_ocr_tok *t)
{
	for (int i = 0; i < t->len; i++)
		if (fx_ocr_is_digit((unsigned char) t->s[i]))
			return false;
	return t->len > 0;
}

/*
 * A line of years with words between them ("2023  net sales  2022  net
 * sales": the headings of percent-of-sales columns beside each year's
 * column) is a line of years: the words are dropped, the percentages under
 * them are left out with them (percents_aside).  Only a line that starts
 * with a year and holds nothing but years and words, two years or more,
 * and words between two years: words after the last year alone head
 * change columns ("2023  2022  $ Change  % Change", drop_change_headings).
 */
static void
drop_words_between_years(ocr_line *l)
{
	int			years = 0,
				last_year = 0;
	bool		between = false;

	if (l->ntok < 3 || !fx_ocr_tok_is_year(&l->tok[0]))
		return;
	for (int i = 0; i < l->ntok; i++)
	{
		if (fx_ocr_tok_is_year(&l->tok[i]))
		{
			between = between || i > last_year + 1;
			last_year = i;
			years++;
		}
		else if (!is_word_tok(&l->tok[i]))
			return;
	}
	if (years < 2 || years == l->ntok || !between)
		return;
	for (int i = l->ntok - 1; i > 0; i--)
		if (!fx_ocr_tok_is_year(&l->tok[i]))
			line_del(l, i);
}

/* do tokens i and i + 1 make a month and its day ("January 28,")? */
static bool
is_month_day_at(const ocr_line *l, int i)
{
	return i + 1 < l->ntok && fx_is_month_word(l->tok[i].s, l->tok[i].len) &&
		is_day_tok(&l->tok[i + 1]);
}

/*
 * The same for a line of months and days ("January 28,  % of  January 29,
 * % of"): the words between the month-and-day pairs are dropped, so that
 * the pairs can be set over the year columns below (heading_groups).
 */
static void
drop_words_between_days(ocr_line *l)
{
	int			pairs = 0,
				words = 0;

	if (l->ntok < 5 || !fx_is_month_word(l->tok[0].s, l->tok[0].len))
		return;
	for (int i = 0; i < l->ntok; i++)
	{
		if (is_month_day_at(l, i))
		{
			pairs++;
			i++;
		}
		else if (is_word_tok(&l->tok[i]))
			words++;
		else
			return;
	}
	if (pairs < 2 || words == 0)
		return;
	for (int i = l->ntok - 1; i > 0; i--)
		if (!is_day_tok(&l->tok[i]) && !is_month_day_at(l, i))
			line_del(l, i);
}

/* are tokens [from, ntok) all years? */
static bool
only_years(const ocr_line *l, int from)
{
	for (int i = from; i < l->ntok; i++)
		if (!l->tok[i].year)
			return false;
	return from < l->ntok;
}

/*
 * A label that ends in a date ("Balance at December 31, 2020  1,000",
 * "Balance at 31 December 2020  1,000"): the day and the year are the
 * label's, not amounts.
 */
static void
label_date(ocr_line *l)
{
	int			k = l->nlabel;

	if (k < 1 || l->nvals < 2)
		return;
	if (fx_is_month_word(l->tok[k - 1].s, l->tok[k - 1].len) &&
		is_day_tok(&l->tok[k]) && only_years(l, k + 1) && l->nvals >= 3)
		k += 1;					/* "December 31,  2022  2021": over the years */
	else if (fx_is_month_word(l->tok[k - 1].s, l->tok[k - 1].len) &&
			 is_day_tok(&l->tok[k]) && l->tok[k + 1].year && l->nvals >= 3)
		k += 2;
	else if (fx_is_month_word(l->tok[k - 1].s, l->tok[k - 1].len) &&
			 l->tok[k].year)
		k += 1;
	else
		return;
	l->nvals -= k - l->nlabel;
	l->nlabel = k;
}

/*
 * A footnote mark after the label ("TOTAL CURRENT ASSETS (1)  151,914
 * 115,934"): one digit in parentheses one blank after the label's last
 * word, read as an amount, before the amounts proper, is the label's.
 */
static void
label_footnote(ocr_line *l)
{
	const fx_ocr_tok *t,
			   *p;

	if (l->nlabel < 1 || l->nvals < 2)
		return;
	t = &l->tok[l->nlabel];
	p = &l->tok[l->nlabel - 1];
	/* one blank after the label's last word, as printed */
	if (fx_is_footnote_mark(t->s, t->len) && t->start - p->end <= 1)
	{
		l->nlabel++;
		l->nvals--;
	}
}

/* is the token a run of dots ("........", "…")? */
static bool
is_dot_run(const fx_ocr_tok *t)
{
	if (strcmp(t->s, "\xe2\x80\xa6") == 0)
		return true;
	for (int i = 0; i < t->len; i++)
		if (t->s[i] != '.')
			return false;
	return t->len >= 3;
}

/*
 * Where the dot leaders of a row start (their display column), or -1: a run
 * of dots after the first word, or three lone dots in a row.  OCR reads the
 * rest of a leader as marks, letters and digits ("........ . 2. 2. 2 ee ee
 * eee"), which must not stay in the label nor pass for amounts.
 */
static int
leaders_at(const ocr_line *l)
{
	for (int i = 0; i < l->ntok; i++)
	{
		const fx_ocr_tok *t = &l->tok[i];
		int			dots = 0;

		if (i > 0 && (is_dot_run(t) ||
					  (i + 2 < l->ntok && strcmp(t->s, ".") == 0 &&
					   strcmp(l->tok[i + 1].s, ".") == 0 &&
					   strcmp(l->tok[i + 2].s, ".") == 0)))
			return t->start;
		/*
		 * leaders glued to the label's last word ("Net...............",
		 * "revenue................-."), or a run of dots with debris
		 * ("............-")
		 */
		{
			const char *run = strstr(t->s, "...");

			dots = run ? (int) (run - t->s) : -1;
		}
		if (dots >= 0 && i + 1 < l->ntok && (dots > 0 || i > 0))
		{
			/* a word keeps its letters; "2..." is debris of the leader */
			if (dots > 0 && isalpha((unsigned char) t->s[dots - 1]))
				return t->start + fx_utf8_len((const unsigned char *) t->s,
											  dots);
			if (i > 0)
				return t->start;
		}
	}
	return -1;
}

/*
 * Is everything between a row's dot leaders (from display column at) and
 * token j what OCR made of the leaders: no strong amount ("1,234",
 * "(5)")?  Then token j, junk read off the leaders ("eee"), ends the
 * amounts: "0.00.0... eee ee 59 756 17" has three, not four or five.
 */
static bool
leader_debris_before(const ocr_line *l, int j, int at)
{
	if (at < 0)
		return false;
	for (int i = j - 1; i >= 0 && l->tok[i].start >= at; i--)
	{
		char		out[FX_NUM_LEN];
		bool		strong = false;

		if (fx_classify_word(l->tok[i].s, l->tok[i].len, false, out,
							 sizeof(out), &strong) == FX_TOK_AMOUNT &&
			strong && !is_note_ref(&l->tok[i]) && !zero_led(&l->tok[i]))
			return false;
	}
	return true;
}

/*
 * Does the number start with a zero that no printed amount has ("00",
 * "02", "0.000.000")?  A decimal "0.25" or "0,5" is an amount.
 */
static bool
zero_led(const fx_ocr_tok *t)
{
	int			seps = 0;

	if (t->len < 2 || t->s[0] != '0')
		return false;
	for (int i = 1; i < t->len; i++)
		seps += t->s[i] == '.' || t->s[i] == ',';
	return fx_ocr_is_digit((unsigned char) t->s[1]) || seps >= 2;
}

/*
 * Is the token what OCR reads off dot leaders: letters ("eee", "ee",
 * "nent", "we") or dots with a digit or two ("0.", ".", "2...")?
 */
static bool
is_leader_letters(const fx_ocr_tok *t)
{
	bool		dot = false;
	int			digits = 0;

	if (t->len > 5)
		return false;
	for (int i = 0; i < t->len; i++)
		if (strchr("aecnrstw", t->s[i]) == NULL)
		{
			dot = true;
			break;
		}
	if (!dot)
		return true;
	dot = false;
	for (int i = 0; i < t->len; i++)
	{
		if (t->s[i] == '.')
			dot = true;
		else if (fx_ocr_is_digit((unsigned char) t->s[i]))
			digits++;
		else
			return false;
	}
	return (dot && digits <= 2) || (t->len == 1 && digits == 1);
}

/*
 * Leaders OCR read as letters end a row's label: "Revenue nent eee eee e
 * eae  899,372".  Two such words or more, one of them with "ee" (which no
 * label word of this shape has), go.
 */
static void
drop_leader_letters(ocr_line *l)
{
	int			k = l->nlabel;
	bool		ee = false;

	if (l->nvals == 0)
		return;
	while (k > 1 && is_leader_letters(&l->tok[k - 1]))
	{
		ee = ee || strstr(l->tok[k - 1].s, "ee") != NULL;
		k--;
	}
	if (l->nlabel - k < 2 || !ee)
		return;
	while (l->nlabel > k)
	{
		line_del(l, l->nlabel - 1);
		l->nlabel--;
	}
}

/*
 * Is the token a digit or two that OCR read off dot leaders, with their
 * dots ("2.", "2...", "4.."), before they are cleaned: no printed amount
 * ends in a dot or holds two in a row.
 */
static bool
is_leader_digits(const fx_ocr_tok *t)
{
	int			digits = 0;

	if (t->len < 2 || t->len > 5 || t->s[0] == '.')
		return false;
	for (int i = 0; i < t->len; i++)
	{
		if (fx_ocr_is_digit((unsigned char) t->s[i]))
			digits++;
		else if (t->s[i] != '.')
			return false;
	}
	return digits <= 2 && (t->s[t->len - 1] == '.' || strstr(t->s, "..") != NULL);
}

/* drop what stands in a row's label from its dot leaders on */
static void
drop_leaders(ocr_line *l, int at)
{
	if (at < 0 || l->nvals == 0)
		return;
	for (int i = l->nlabel - 1; i > 0 && l->tok[i].start >= at; i--)
	{
		line_del(l, i);
		l->nlabel--;
	}
}

/* does a token hold a digit? */
static bool
has_digit(const fx_ocr_tok *t)
{
	for (int i = 0; i < t->len; i++)
		if (fx_ocr_is_digit((unsigned char) t->s[i]))
			return true;
	return false;
}

/*
 * Where the headings of change columns start at the end of a line: up to
 * five words without digits ("$ Change % Change", "Inc/ (Dec)"), 24 letters
 * at most, after a token with digits (a year, an amount, a date such as
 * "30.06.2011"); -1 when the line does not end so.  The callers check that
 * what comes before them are periods.
 */
static int
change_headings_at(const ocr_line *l)
{
	int			k = l->ntok,
				letters = 0;

	while (k > 0 && l->ntok - k < 5 && !l->tok[k - 1].amount &&
		   !has_digit(&l->tok[k - 1]))
	{
		const fx_ocr_tok *t = &l->tok[k - 1];

		for (int i = 0; i < t->len; i++)
			letters += ((unsigned char) t->s[i] | 32) >= 'a' &&
				((unsigned char) t->s[i] | 32) <= 'z';
		k--;
	}
	if (k == l->ntok || k == 0 || letters > 24)
		return -1;
	return k;
}

/*
 * The same after a line of dates ("September 30, 2016  September 30, 2015
 * Change  %"): the headings from token k on are dropped when the tokens
 * before them are two dates or more.
 */
static bool
drop_change_headings_after_dates(ocr_line *l, int k)
{
	int			ntok = l->ntok;
	int			first[FX_MAX_COLS];
	bool		span;

	l->ntok = k;
	if (date_groups(l, first, FX_MAX_COLS, &span) < 2)
	{
		l->ntok = ntok;
		return false;
	}
	l->nlabel = k;
	return true;
}

/*
 * A line of years followed by the headings of change columns ("2022  2021
 * Inc/ (Dec)", "2023  2022  % Change"): drop those headings, so that the
 * years head the page's columns, and say so (the rows' change amounts
 * after the years' are then left out).  Up to five words without digits
 * ("$ Change % Change") after two years or more.  Returns true when it
 * dropped them.
 */
static bool
drop_change_headings(ocr_line *l)
{
	int			k = change_headings_at(l),
				years = 0;

	if (k < 0)
		return false;
	for (int i = k - 1; i >= 0 && fx_ocr_tok_is_year(&l->tok[i]); i--)
		years++;
	if (years < 2)
		return drop_change_headings_after_dates(l, k);
	while (l->ntok > k)
		line_del(l, l->ntok - 1);
	for (int i = k - years; i < k; i++)
		l->tok[i].year = l->tok[i].amount = true;
	l->nvals = years;
	l->nlabel = k - years;
	return true;
}

/* may the token be part of a date's qualifier: a word or a mark "(1)"? */
static bool
is_qualifier_tok(const fx_ocr_tok *t)
{
	return fx_is_footnote_mark(t->s, t->len) || (!has_digit(t) && !t->amount);
}

/*
 * A line of two dates or more that a short qualifier of the last one
 * follows ("September 24, 2016  September 26, 2015  Restated (1)", "...
 * (as adjusted)"): up to three tokens of words or footnote marks (a mark
 * "(1)" reads as an amount, the line's only one).  The qualifier is
 * dropped, so that the dates head the columns; returns the number of
 * dates, or 0 (the line unchanged).
 */
static int
dates_before_qualifier(ocr_line *l)
{
	int			ntok = l->ntok,
				k = ntok,
				n;

	if (l->nvals > 1 || (l->nvals == 1 &&
						 !fx_is_footnote_mark(l->tok[ntok - 1].s,
											  l->tok[ntok - 1].len)))
		return 0;
	while (k > 0 && ntok - k < 3 && is_qualifier_tok(&l->tok[k - 1]))
		k--;
	if (k == ntok || k < 2)
		return 0;
	l->ntok = k;
	n = date_groups(l, l->dfirst, FX_MAX_COLS, &l->dspan);
	if (n < 2)
	{
		l->ntok = ntok;
		return 0;
	}
	if (l->nlabel > k)
		l->nlabel = k;
	l->nvals = 0;				/* a mark "(1)" read as an amount */
	return n;
}

/*
 * "lst quarter", "Ist half": OCR reads the digit 1 of an ordinal as the
 * letter l or I.  Before a period's word the ordinal is the first.
 */
static void
fix_first_ordinal(ocr_line *l)
{
	static const char *const misread[] = {"lst", "ist"};

	for (int i = 0; i + 1 < l->ntok; i++)
	{
		const fx_ocr_tok *n = &l->tok[i + 1];

		if (tok_is_one_of(&l->tok[i], misread, 2) &&
			((n->len >= 7 && strncasecmp(n->s, "quarter", 7) == 0) ||
			 (n->len >= 3 && strncasecmp(n->s, "qtr", 3) == 0) ||
			 (n->len >= 4 && strncasecmp(n->s, "half", 4) == 0)))
			l->tok[i].s[0] = '1';
	}
}

/* clean the tokens of a line and find its label, amounts and years */
static void
read_line(ocr_line *l)
{
	int			k;
	int			leaders = leaders_at(l);

	fix_percent_marks(l);
	for (int i = 0; i < l->ntok; i++)
	{
		fx_ocr_tok *t = &l->tok[i];

		/* a '|' after a short last group is the digit 1 ("790,96 |") */
		if (i > 0 && t->len == 1 && (t->s[0] == '|' || t->s[0] == ']') &&
			t->start - l->tok[i - 1].end <= 1 && l->tok[i - 1].len >= 4 &&
			l->tok[i - 1].len < FX_OCR_TOK_LEN - 1 &&
			(l->tok[i - 1].s[l->tok[i - 1].len - 3] == ',' ||
			 l->tok[i - 1].s[l->tok[i - 1].len - 3] == '.'))
		{
			fx_ocr_tok *p = &l->tok[i - 1];

			p->s[p->len++] = '1';
			p->s[p->len] = '\0';
			p->end = t->end;
			fx_ocr_fix_amount(p);
			line_del(l, i--);
			continue;
		}
		if (i > 0 && is_leader_digits(t))
			line_del(l, i--);	/* "2...", "2." off dot leaders */
		else if (!fx_ocr_clean_token(t))
			line_del(l, i--);
	}
	join_spaced_letters(l);
	fix_first_ordinal(l);
	join_split_amounts(l);
	close_last_paren(l);
	drop_malformed_amounts(l);
	drop_words_between_years(l);
	drop_words_between_days(l);
	/* lone marks where an amount belongs are dashes */
	for (int i = 1; i < l->ntok; i++)
	{
		fx_ocr_tok *t = &l->tok[i];

		if (fx_ocr_is_dash_mark(t) && t->start - l->tok[i - 1].end >= 2)
		{
			strcpy(t->s, "-");
			t->len = 1;
		}
		t->amount = fx_ocr_tok_is_amount(t);
		t->year = fx_ocr_tok_is_year(t);
	}
	if (l->ntok > 0)
	{
		l->tok[0].amount = fx_ocr_tok_is_amount(&l->tok[0]);
		l->tok[0].year = fx_ocr_tok_is_year(&l->tok[0]);
	}
	/* amounts at the right end, skipping junk between them */
	k = l->ntok;
	l->nvals = 0;
	while (k > 0)
	{
		fx_ocr_tok *t = &l->tok[k - 1];

		if (t->amount || is_percent_tok(t))
		{
			l->nvals++;
			k--;
		}
		else if (k > 1 && k < l->ntok && l->tok[k].amount && fx_ocr_is_currency_sign(t))
		{
			/* "CHF 4'134'018", "$ 48,210": the sign goes with the amount */
			glue_sign(t, &l->tok[k]);
			line_del(l, k - 1);
			k--;
		}
		else if (k > 1 && fx_ocr_is_short_junk(t) &&
				 (k < l->ntok || l->tok[k - 2].amount) &&
				 !leader_debris_before(l, k - 1, leaders))
		{
			line_del(l, k - 1);
			k--;
		}
		else
			break;
	}
	l->nlabel = k;
	l->changes = l->nvals == 0 && drop_change_headings(l);
	drop_leaders(l, leaders);
	drop_leader_letters(l);
	label_date(l);
	label_footnote(l);
	/* a line of headings ending in years */
	l->nyears = 0;
	for (int i = l->ntok - 1; i >= 0 && l->tok[i].year; i--)
		l->nyears++;
	if (l->nyears != l->nvals || (l->nyears < 2 && l->nlabel > 0))
		l->nyears = 0;
	l->ndates = l->nyears == 0 ?
		date_groups(l, l->dfirst, FX_MAX_COLS, &l->dspan) : 0;
	if (l->nyears == 0 && l->ndates == 0)
		l->ndates = dates_before_qualifier(l);
}

/* is an amount token weak enough to be a note reference ("3,6", "12")? */
static bool
is_note_ref(const fx_ocr_tok *t)
{
	int			d = 0;

	for (int i = 0; i < t->len; i++)
	{
		if (fx_ocr_is_digit((unsigned char) t->s[i]))
			d++;
		else if (t->s[i] != ',' && t->s[i] != '.')
			return false;
	}
	return d > 0 && d <= 3 && !(t->len >= 5 && t->s[t->len - 4] == ',');
}

/* the page's value columns: typical end column of each, from full rows */
static void
column_ends(const ocr_line *lines, int from, int to, int nper, int *ends)
{
	for (int k = 0; k < nper; k++)
	{
		long		sum = 0;
		int			n = 0;

		for (int i = from; i < to; i++)
		{
			const ocr_line *l = &lines[i];

			if (l->nvals < nper || l->nyears > 0 || l->ndates > 0)
				continue;
			sum += l->tok[l->ntok - nper + k].end;
			n++;
		}
		ends[k] = n > 0 ? (int) (sum / n) : -1;
	}
}

/* is the token one of the n words (any case)? */
static bool
tok_is_one_of(const fx_ocr_tok *t, const char *const *words, int n)
{
	for (int i = 0; i < n; i++)
		if (t->len == (int) strlen(words[i]) &&
			strncasecmp(t->s, words[i], (size_t) t->len) == 0)
			return true;
	return false;
}

/* is the token a notes column's heading ("Note", "Notes", "Ref.")? */
static bool
is_notes_word(const fx_ocr_tok *t)
{
	static const char *const words[] = {"note", "notes", "note(s)", "notes)",
	"ref", "ref.", "anhang", "anm.", "nr.", "annexe"};

	return tok_is_one_of(t, words, (int) (sizeof(words) / sizeof(words[0])));
}

/*
 * Does the section have a column of note references: a heading word that
 * says so on a line without amounts or on a line of periods, or a row with
 * one weak amount more than the value columns?  Without one, a row's weak
 * first amount is a value however far left OCR set it.
 */
static bool
has_notes_column(const ocr_line *lines, int from, int to, int nper)
{
	for (int i = from; i < to; i++)
	{
		const ocr_line *l = &lines[i];

		if (l->nvals > nper && is_note_ref(&l->tok[l->ntok - l->nvals]))
			return true;
		if (l->nvals > 0 && l->nyears == 0 && l->ndates == 0)
			continue;
		/* a heading, not prose ("See accompanying notes to ...") */
		if (l->ntok > 6 && l->nyears == 0 && l->ndates == 0)
			continue;
		for (int k = 0; k < l->ntok; k++)
			if (is_notes_word(&l->tok[k]) &&
				!(k + 1 < l->ntok && l->tok[k + 1].len == 2 &&
				  strncasecmp(l->tok[k + 1].s, "to", 2) == 0))
				return true;
	}
	return false;
}

/*
 * In a section with a notes column, a row whose first amount was joined
 * from one or two digits and an amount of its own ("8 216,357,523", see
 * join_split_amounts) and that then has one amount per column gets the
 * digits back as a note reference: "8" and "216,357,523", not 8,216,357,523.
 */
static void
split_note_head(ocr_line *l, int nper)
{
	fx_ocr_tok *t;
	fx_ocr_tok	note;
	int			h;

	if (l->nvals != nper || l->nvals == 0 || l->ntok >= OCR_MAX_TOK)
		return;
	t = &l->tok[l->ntok - l->nvals];
	h = t->head;
	if (h <= 0 || h + 1 >= t->len || t->s[h] != ',')
		return;
	for (int i = 0; i < h; i++)
		if (!fx_ocr_is_digit((unsigned char) t->s[i]))
			return;
	note = *t;
	note.s[h] = '\0';
	note.len = h;
	note.end = t->start + h;
	note.head = 0;
	memmove(t->s, t->s + h + 1, (size_t) (t->len - h));
	t->len -= h + 1;
	t->start += h + 1;
	t->head = 0;
	memmove(t + 1, t, sizeof(fx_ocr_tok) * (size_t) (l->tok + l->ntok - t));
	*t = note;
	l->ntok++;
	l->nvals++;
}

/* pick the value columns of a row's amounts: out[v] = column or -1 */
static void
assign_columns(const ocr_line *l, int nper, const int *ends, bool notes,
			   int *out)
{
	int			first = l->ntok - l->nvals;
	int			next = 0;
	int			navail;

	for (int v = 0; v < l->nvals; v++)
		out[v] = -1;
	if (l->nvals >= nper && !(notes && nper >= 2 && ends[0] >= 0 && ends[1] >= 0 &&
							  is_note_ref(&l->tok[l->ntok - nper]) &&
							  ends[0] - l->tok[l->ntok - nper].end >
							  (ends[1] - ends[0]) / 2))
	{
		for (int k = 0; k < nper; k++)
			out[l->nvals - nper + k] = k;
		return;
	}
	if (l->nvals >= nper)
	{
		/* the first is a note: the others go where they sit */
		ocr_line	rest = *l;

		rest.nvals = nper - 1;
		assign_columns(&rest, nper, ends, notes, out + (l->nvals - nper + 1));
		return;
	}
	/* fewer amounts than columns: each goes to the nearest column left */
	for (int v = 0; v < l->nvals; v++)
	{
		const fx_ocr_tok *t = &l->tok[first + v];
		int			best = -1,
					bestd = 1 << 30;

		navail = nper - (l->nvals - v - 1);
		for (int k = next; k < navail; k++)
		{
			int			d = ends[k] >= 0 ? abs(ends[k] - t->end) : 0;

			if (ends[k] < 0)
				d = k == navail - 1 ? 0 : 1000;
			if (d < bestd)
				bestd = d, best = k;
		}
		if (best < 0)
			continue;
		if (notes && is_note_ref(t) && v + 1 < l->nvals && best == next &&
			ends[best] >= 0 && bestd > OCR_COL_WIDTH / 2)
			continue;			/* a note column left of the values */
		out[v] = best;
		next = best + 1;
	}
}

/* append n blanks */
static void
add_blanks(fx_buf *b, int n)
{
	for (int i = 0; i < n; i++)
		fx_buf_add(b, " ", 1);
}

/* write a line's label tokens from its first column; returns the width */
static int
write_label(fx_buf *b, const ocr_line *l, int ntok)
{
	int			w = 0;

	if (ntok == 0)
		return 0;
	add_blanks(b, l->tok[0].start > 8 ? 8 : l->tok[0].start);
	w = l->tok[0].start > 8 ? 8 : l->tok[0].start;
	for (int i = 0; i < ntok; i++)
	{
		if (i > 0)
		{
			fx_buf_add(b, " ", 1);
			w++;
		}
		fx_buf_add(b, l->tok[i].s, (size_t) l->tok[i].len);
		w += fx_utf8_len((const unsigned char *) l->tok[i].s, l->tok[i].len);
	}
	return w;
}

/* write the amounts of a line right-aligned in the page's value columns */
static void
write_values(fx_buf *b, const ocr_line *l, int w, int base, const int *col)
{
	int			first = l->ntok - l->nvals;

	for (int v = 0; v < l->nvals; v++)
	{
		const fx_ocr_tok *t = &l->tok[first + v];
		int			tw = fx_utf8_len((const unsigned char *) t->s, t->len);
		int			end;

		if (col[v] < 0)
			continue;
		end = base + (col[v] + 1) * OCR_COL_WIDTH;
		if (end - tw < w + 2)
			end = w + 2 + tw;
		add_blanks(b, end - tw - w);
		fx_buf_add(b, t->s, (size_t) t->len);
		w = end;
	}
}

/*
 * Write a line that is not laid out in columns: its words single-spaced,
 * strong amounts ("1,234", "(5)") set apart as values.
 */
static void
write_plain(fx_buf *b, const ocr_line *l)
{
	int			w = write_label(b, l, l->nlabel);

	for (int i = l->nlabel; i < l->ntok; i++)
	{
		char		out[FX_NUM_LEN];
		bool		strong = false;

		fx_classify_word(l->tok[i].s, l->tok[i].len, false, out, sizeof(out),
						 &strong);
		if (w > 0 || i > 0)
			add_blanks(b, strong ? 3 : 1);
		fx_buf_add(b, l->tok[i].s, (size_t) l->tok[i].len);
		w += 3 + l->tok[i].len;
	}
}

/* is token t a day of a month ("1", "25,")? */
static bool
is_day_tok(const fx_ocr_tok *t)
{
	int			n = t->len;

	if (n > 0 && (t->s[n - 1] == ',' || t->s[n - 1] == '.'))
		n--;
	return n >= 1 && n <= 2 && fx_ocr_is_digit((unsigned char) t->s[0]) &&
		(n == 1 || fx_ocr_is_digit((unsigned char) t->s[1]));
}

/* is token t the word "ended" (any case, a comma after it)? */
static bool
is_ended_tok(const fx_ocr_tok *t)
{
	int			n = t->len;

	if (n > 0 && (t->s[n - 1] == ',' || t->s[n - 1] == ':'))
		n--;
	/* "Quarter Ended", and "Year to Date" / "Year-to-Date" */
	return (n == 5 && strncasecmp(t->s, "ended", 5) == 0) ||
		(n == 4 && strncasecmp(t->s, "date", 4) == 0) ||
		(n == 12 && strncasecmp(t->s, "year-to-date", 12) == 0);
}

/* are tokens i and i + 1 a year's weeks, "52 Weeks" or "(53 weeks)"? */
static bool
is_weeks_pair(const ocr_line *l, int i)
{
	const fx_ocr_tok *n,
			   *w;
	int			o;

	if (i + 1 >= l->ntok)
		return false;
	n = &l->tok[i];
	w = &l->tok[i + 1];
	o = n->len == 3 && n->s[0] == '(' ? 1 : 0;
	return n->len == 2 + o && n->s[o] == '5' &&
		(n->s[o + 1] == '2' || n->s[o + 1] == '3') && w->len >= 4 &&
		strncasecmp(w->s, "week", 4) == 0;
}

/*
 * A line of a year's weeks ("52 Weeks  53 Weeks  52 Weeks", "(53 weeks)
 * (52 weeks)"), each maybe followed by a percent column's heading ("(52
 * weeks)  %  (53 weeks)  % of sales"), after a caption without digits
 * ("(In millions, except per share data)") or nothing: the number of
 * weeks groups (first[] their first tokens), or 0.
 */
static int
weeks_groups(const ocr_line *l, int *first, int max)
{
	int			i = 0,
				k = 0;

	while (i < l->ntok && !is_weeks_pair(l, i))
	{
		if (has_digit(&l->tok[i]))
			return 0;
		i++;
	}
	while (i < l->ntok)
	{
		if (k >= max || !is_weeks_pair(l, i))
			return 0;
		first[k++] = i;
		i += 2;
		while (i < l->ntok && !is_weeks_pair(l, i) &&
			   is_percent_heading_tok(l, i))
			i++;
	}
	return k;
}

/*
 * Split a heading line over the value columns into its groups, each a
 * range of tokens: a year's weeks ("52 Weeks  53 Weeks"), month-and-day
 * groups ("July 1,  June 25,  July 1,") or
 * groups that each end with "Ended" ("Three Months Ended  Nine Months
 * Ended") or with a month and day ("Three Months Ended September 30, Nine
 * Months Ended September 30,", or one span "Years Ended December 31,").
 * OCR text keeps no columns, so such a line is set over the columns of the
 * years below it (layout_section).  Returns the number of
 * groups, 0 when the line is not such a heading.
 */
static int
heading_groups(const ocr_line *l, int *first, int max)
{
	int			k = 0;

	if (l->ntok < 2)
		return 0;
	if ((k = weeks_groups(l, first, max)) > 0)
		return k;
	if (fx_is_month_word(l->tok[0].s, l->tok[0].len))
	{
		for (int i = 0; i < l->ntok; i += 2)
		{
			if (i + 1 >= l->ntok || k >= max ||
				!fx_is_month_word(l->tok[i].s, l->tok[i].len) ||
				!is_day_tok(&l->tok[i + 1]))
				return 0;
			first[k++] = i;
		}
		return k;
	}
	if (is_day_tok(&l->tok[l->ntok - 1]) &&
		fx_is_month_word(l->tok[l->ntok - 2].s, l->tok[l->ntok - 2].len))
	{
		/* "Three Months Ended September 30, Nine Months Ended September 30," */
		first[k++] = 0;
		for (int i = 1; i + 1 < l->ntok; i++)
			if (is_day_tok(&l->tok[i]) &&
				fx_is_month_word(l->tok[i - 1].s, l->tok[i - 1].len))
			{
				if (k >= max)
					return 0;
				first[k++] = i + 1;
			}
		if (k == 1)
		{
			/* one span over all the columns: "Years Ended December 31," */
			for (int i = 0; i + 2 < l->ntok; i++)
				if (is_ended_tok(&l->tok[i]))
					return 1;
			return 0;
		}
		return k;
	}
	if (!is_ended_tok(&l->tok[l->ntok - 1]))
		return 0;
	first[k++] = 0;
	for (int i = 0; i + 1 < l->ntok; i++)
		if (is_ended_tok(&l->tok[i]))
		{
			if (k >= max)
				return 0;
			first[k++] = i + 1;
		}
	return k;
}

/* the line's tokens joined by blanks into buf; offs[i] where token i starts */
static int
line_text(const ocr_line *l, char *buf, int *offs)
{
	int			len = 0;

	for (int i = 0; i < l->ntok; i++)
	{
		if (i > 0)
			buf[len++] = ' ';
		offs[i] = len;
		memcpy(buf + len, l->tok[i].s, (size_t) l->tok[i].len);
		len += l->tok[i].len;
	}
	return len;
}

/* how many periods the line names ("For the years ended ... 2022 and 2021": 2) */
static int
line_periods(const ocr_line *l)
{
	char		buf[OCR_LINE_BYTES];
	int			offs[OCR_MAX_TOK];
	fx_pitem	items[FX_MAX_COLS + 1];

	return fx_period_items(buf, line_text(l, buf, offs), items, FX_MAX_COLS + 1);
}

/* does the token join two periods of a heading ("and", "&", ",")? */
static bool
is_joiner_tok(const fx_ocr_tok *t)
{
	static const char *const joiners[] = {"and", "&", ",", "-", "und", "et", "y"};

	return tok_is_one_of(t, joiners, (int) (sizeof(joiners) / sizeof(joiners[0])));
}

/* does the token name a fiscal year before its year ("FY", "Fiscal")? */
static bool
is_fiscal_tok(const fx_ocr_tok *t)
{
	static const char *const words[] = {"fy", "fiscal"};

	return tok_is_one_of(t, words, 2);
}

/*
 * Is token i a percent column's heading between two periods: "%", or the
 * words of "% of sales" / "% of revenue" / "% of total" after it?
 */
static bool
is_percent_heading_tok(const ocr_line *l, int i)
{
	static const char *const words[] = {"of", "sales", "revenue",
	"revenues", "total", "net"};

	for (int k = i; k >= 0 && k >= i - 3; k--)
	{
		const fx_ocr_tok *t = &l->tok[k];

		if (t->len >= 1 && t->s[0] == '%')
			return true;
		if (!tok_is_one_of(t, words, 6))
			return false;
	}
	return false;
}

/* does a caption before a heading's dates say they end periods or are dates? */
static bool
is_dates_caption(const ocr_line *l, int n)
{
	for (int i = 0; i < n; i++)
	{
		const fx_ocr_tok *t = &l->tok[i];

		if (!is_word_tok(t))
			return false;
		if ((t->len >= 5 && (strncasecmp(t->s, "ended", 5) == 0 ||
							 strncasecmp(t->s, "ending", 6) == 0)) ||
			(i + 1 < n && t->len == 2 && strncasecmp(t->s, "as", 2) == 0))
			return true;
	}
	return false;
}

/*
 * Does a heading item say more than its year: a quarter, a half or a
 * length beside it ("Q2 2023", "H1 2023", "2023 6M")?
 */
static bool
names_length(const fx_pitem *it)
{
	return it->year_off > it->off || (it->year_off >= 0 && it->end > it->year_off + 4);
}

/*
 * Split a line of column headings made of periods into them: dates in words
 * or figures ("December 31, 2023", "31 Dec 2022", "31.12.2022"), ranges
 * ("01.01.-31.12.2022"), quarters ("Q4 2022"), joined by nothing, "and" or
 * "&".  Returns their number (first[] their first tokens), 0 when the line
 * is not two or more of them.  A caption before them that says they end
 * periods ("Years ended Dec. 31, 2022, Dec. 31, 2021 and Dec. 31, 2020")
 * makes the line one heading over all its columns (*span).
 */
static int
date_groups(const ocr_line *l, int *first, int max, bool *span)
{
	char		buf[OCR_LINE_BYTES];
	int			offs[OCR_MAX_TOK];
	fx_pitem	items[FX_MAX_COLS + 1];
	int			len,
				ni,
				m = 0;

	*span = false;
	if (l->ntok < 2)
		return 0;
	len = line_text(l, buf, offs);
	ni = fx_period_items(buf, len, items, FX_MAX_COLS + 1);
	if (ni < 2 || ni > max)
		return 0;
	for (int k = 0; k < ni; k++)
		first[k] = -1;
	for (int i = 0; i < l->ntok; i++)
	{
		while (m < ni && offs[i] >= items[m].end)
			m++;
		if (m < ni && offs[i] == items[m].off)
		{
			if (first[m] < 0)
				first[m] = i;
		}
		else if (m < ni && offs[i] > items[m].off)
			continue;			/* inside the item */
		else if (m < ni && i + 1 < l->ntok && offs[i + 1] == items[m].off &&
				 is_fiscal_tok(&l->tok[i]))
			first[m] = i;		/* "FY 2024", "Fiscal 2023" */
		else if (m > 0 && !is_joiner_tok(&l->tok[i]) &&
				 !is_percent_heading_tok(l, i))
			return 0;
		else if (m < ni && offs[i] + l->tok[i].len > items[m].off)
			return 0;			/* an item starting inside a token */
	}
	for (int k = 0; k < ni; k++)
		if (first[k] < 0 || (offs[first[k]] != items[k].off &&
							 !is_fiscal_tok(&l->tok[first[k]])))
			return 0;
	/*
	 * Words before them: a caption that says they end periods heads all the
	 * columns; any other (a unit, "Note") stays at the left, and then each
	 * period must be a date.
	 */
	if (first[0] > 0 && is_dates_caption(l, first[0]))
		*span = true;
	/* a units caption before them: "$000  FY 2014  Fiscal 2013  FY2012" */
	if (first[0] > 0 && !*span &&
		fx_find_unit_scale(buf, offs[first[0]]) != NULL)
		return ni;
	for (int k = 0; first[0] > 0 && !*span && k < ni; k++)
		if (!items[k].has_month && !names_length(&items[k]))
			return 0;
	return ni;
}

/*
 * Do k heading groups fit nper columns: one each, or spans of equal width
 * (one over all of them: "Nine Months Ended" over 2023 and 2022)?
 */
static bool
groups_fit(int k, int nper)
{
	return k > 0 && nper > 0 && (k == nper || nper % k == 0);
}

/*
 * Write a heading line's k groups over the nper value columns: one group
 * per column ends where the column's amounts end; a group over several
 * columns is centred over them.
 */
static void
write_groups(fx_buf *b, const ocr_line *l, const int *first, int k, int nper,
			 int base)
{
	/* words before the first group: a caption at the left ("in EUR '000") */
	int			w = write_label(b, l, first[0]);

	for (int g = 0; g < k; g++)
	{
		int			to = g + 1 < k ? first[g + 1] : l->ntok;
		int			tw = 0,
					at;

		/* a percent column's heading after the period is none of it */
		while (to > first[g] + 1 && is_percent_heading_tok(l, to - 1))
			to--;
		for (int i = first[g]; i < to; i++)
			tw += (i > first[g]) +
				fx_utf8_len((const unsigned char *) l->tok[i].s, l->tok[i].len);
		if (k == nper)
			at = base + (g + 1) * OCR_COL_WIDTH - tw;
		else
		{
			int			span = nper / k,
						from = base + g * span * OCR_COL_WIDTH,
						width = span * OCR_COL_WIDTH;

			at = from + (width - tw) / 2 + 1;
		}
		if (at < w + 2)
			at = w + 2;
		add_blanks(b, at - w);
		for (int i = first[g]; i < to; i++)
		{
			if (i > first[g])
				fx_buf_add(b, " ", 1);
			fx_buf_add(b, l->tok[i].s, (size_t) l->tok[i].len);
		}
		w = at + tw;
	}
}

/*
 * A row with a percentage beside each amount ("3,226,773  100.0%
 * 2,729,388  100.0%", percent of sales) under fewer years than amounts:
 * the amounts go to the columns in order, the percentages are left out
 * (they are no period's value).  False when the row is not so.
 */
static bool
percents_aside(const ocr_line *l, int nper, int *col)
{
	int			first = l->ntok - l->nvals,
				pct = 0,
				c = 0;

	if (l->nvals <= nper)
		return false;
	for (int v = 0; v < l->nvals; v++)
	{
		const fx_ocr_tok *t = &l->tok[first + v];

		pct += is_percent_tok(t);
	}
	if (l->nvals - pct != nper)
		return false;
	for (int v = 0; v < l->nvals; v++)
	{
		const fx_ocr_tok *t = &l->tok[first + v];

		col[v] = is_percent_tok(t) ? -1 : c++;
	}
	return true;
}

/* the first full row (nper amounts) of lines [from, to), or -1 */
static int
first_full_row(const ocr_line *lines, int from, int to, int nper)
{
	for (int i = from; i < to; i++)
		if (lines[i].nvals == nper && lines[i].nlabel > 0)
			return i;
	return -1;
}

/*
 * Split a line of words into the groups that wider gaps part ("Common
 * Retained    Total" over an equity roll-forward's components: OCR text
 * starts each line at the left, so the gaps are all that is left of the
 * columns).  Returns the number of groups,
 * first[] their first tokens; 0 when the line is not words only.
 */
static int
word_groups(const ocr_line *l, int *first, int max)
{
	int			k = 0;

	for (int i = 0; i < l->ntok; i++)
	{
		if (!is_word_tok(&l->tok[i]))
			return 0;
		if (i == 0 || l->tok[i].start - l->tok[i - 1].end >= 3)
		{
			if (k >= max)
				return 0;
			first[k++] = i;
		}
	}
	return k;
}

/*
 * lay out the lines [from, to) of a page that has nper value columns;
 * implicit: no line of years or dates named them, the rows did
 */
static void
layout_section(fx_buf *b, ocr_line *lines, int from, int to, int nper,
			   int base, bool implicit, bool changes)
{
	int			ends[FX_MAX_COLS];
	int			col[OCR_MAX_TOK];
	int			first_row = implicit ? first_full_row(lines, from, to, nper) : -1;
	bool		notes;

	column_ends(lines, from, to, nper, ends);
	notes = has_notes_column(lines, from, to, nper);
	for (int i = from; i < to; i++)
	{
		ocr_line   *l = &lines[i];
		int			w;
		int			first[FX_MAX_COLS];
		int			k;

		if (i > 0)
			fx_buf_add(b, "\n", 1);
		if (implicit && i < first_row && i >= first_row - 4 &&
			(k = word_groups(l, first, FX_MAX_COLS)) == nper)
		{
			write_groups(b, l, first, k, nper, base);
			continue;
		}
		if (l->ndates > 0 && l->ndates == nper)
		{
			static const int whole[1] = {0};

			if (l->dspan)
				write_groups(b, l, whole, 1, nper, base);
			else
				write_groups(b, l, l->dfirst, l->ndates, nper, base);
			continue;
		}
		if (l->nyears == 0 &&
			groups_fit(k = heading_groups(l, first, FX_MAX_COLS), nper))
		{
			write_groups(b, l, first, k, nper, base);
			continue;
		}
		if (nper == 0 || l->nvals == 0)
		{
			write_plain(b, l);
			continue;
		}
		if (l->nyears > 0)
		{
			for (int v = 0; v < l->nvals; v++)
				col[v] = v < nper ? v : -1;
		}
		else if (changes && l->nvals > nper)
		{
			/* the periods' amounts come first, the changes after them */
			for (int v = 0; v < l->nvals; v++)
				col[v] = v < nper ? v : -1;
		}
		else
		{
			if (notes)
				split_note_head(l, nper);
			if (!percents_aside(l, nper, col))
				assign_columns(l, nper, ends, notes, col);
		}
		w = write_label(b, l, l->nlabel);
		write_values(b, l, w, base, col);
	}
}

/*
 * The number of value columns of a page that no line of years or dates
 * heads: the most amounts that two rows or more have (rows with fewer
 * leave a column empty, as an equity roll-forward's movements do), 0 when
 * no two rows have two amounts or more, or when a line above the rows
 * names two periods or more (a heading this file could not set over the
 * columns; the statement parser reads it as it is).
 */
static int
implicit_columns(const ocr_line *lines, int nlines)
{
	int			count[FX_MAX_COLS + 1] = {0};

	/* a heading that names periods is the columns' own, if unread */
	for (int i = 0; i < nlines && lines[i].nvals < 2; i++)
		if (lines[i].nvals == 0 && line_periods(&lines[i]) >= 2)
			return 0;

	for (int i = 0; i < nlines; i++)
	{
		const ocr_line *l = &lines[i];
		int			n = l->nvals;

		/* a note reference before the amounts is no column of them */
		if (n >= 3 && is_note_ref(&l->tok[l->ntok - n]))
			n--;
		if (l->nlabel > 0 && n >= 2 && n <= FX_MAX_COLS)
			count[n]++;
	}
	for (int k = FX_MAX_COLS; k >= 2; k--)
		if (count[k] >= 2)
			return k;
	return 0;
}

/* the widest label of the lines [from, to) */
static int
widest_label(const ocr_line *lines, int from, int to)
{
	int			w = 0;

	for (int i = from; i < to; i++)
	{
		int			lw = 8;

		for (int k = 0; k < lines[i].nlabel; k++)
			lw += 1 + fx_utf8_len((const unsigned char *) lines[i].tok[k].s,
								  lines[i].tok[k].len);
		if (lines[i].nvals > 0 && lines[i].ndates == 0 && lw > w)
			w = lw;
	}
	return w > 160 ? 160 : w;
}

/*
 * Write a line's tokens where they stood: words from their first column,
 * amounts ending where they ended (a repaired amount may be shorter or
 * longer), at least a blank apart, and a column gap before an amount.
 */
static void
write_in_place(fx_buf *b, const ocr_line *l)
{
	int			w = 0;

	for (int i = 0; i < l->ntok; i++)
	{
		const fx_ocr_tok *t = &l->tok[i];
		int			tw = fx_utf8_len((const unsigned char *) t->s, t->len);
		int			at = i >= l->nlabel ? t->end - tw : t->start;
		int			gap = i == 0 ? 0 : (i == l->nlabel ? 2 : 1);

		if (at < w + gap)
			at = w + gap;
		add_blanks(b, at - w);
		fx_buf_add(b, t->s, (size_t) t->len);
		w = at + tw;
	}
}

/*
 * Is the line part of a heading whose words must stay over their columns:
 * it names a year, a month or the notes column?
 */
static bool
is_column_heading(const ocr_line *l)
{
	for (int i = 0; i < l->ntok; i++)
	{
		const fx_ocr_tok *t = &l->tok[i];

		if (fx_ocr_tok_is_year(t) || fx_is_month_word(t->s, t->len) ||
			(t->len >= 4 && strncasecmp(t->s, "note", 4) == 0))
			return true;
	}
	return false;
}

/* is the line a row of a table: a label, then an amount of 3 digits or more? */
static bool
is_row(const ocr_line *l)
{
	if (l->nlabel == 0)
		return false;
	for (int i = l->nlabel; i < l->ntok; i++)
	{
		int			d = 0;

		for (int k = 0; k < l->tok[i].len; k++)
			d += fx_ocr_is_digit((unsigned char) l->tok[i].s[k]);
		if (d >= 3)
			return true;
	}
	return false;
}

/*
 * Is a line without amounts noise read off a photographed page's
 * background ("NN a aN Sr Hi radia ent tha sl ed")?  Most of its words
 * are one or two letters.
 */
static bool
is_noise(const ocr_line *l)
{
	int			shorts = 0;

	for (int i = 0; i < l->ntok; i++)
		shorts += l->tok[i].len <= 2;
	return l->ntok >= 4 && shorts * 2 >= l->ntok;
}

/*
 * Does the line hold a strong amount ("1,234", "(5)", "12.5")?  Only such
 * a line is a row to repair: a heading's day ("December 31,") or year
 * would read as an amount once cleaned, so other lines stay as printed.
 */
static bool
has_strong_amount(const ocr_line *l)
{
	for (int i = 0; i < l->ntok; i++)
	{
		char		out[FX_NUM_LEN];
		bool		strong = false;

		if (fx_classify_word(l->tok[i].s, l->tok[i].len, false, out,
							 sizeof(out), &strong) && strong &&
			!fx_ocr_tok_is_year(&l->tok[i]))
			return true;
	}
	return false;
}

/*
 * Does the line end in an amount that is no year ("50", "7")?  Under the
 * first row, such a line is a row of small amounts, and its words keep
 * their columns.
 */
static bool
ends_in_amount(const ocr_line *l)
{
	char		out[FX_NUM_LEN];
	bool		strong = false;
	const fx_ocr_tok *t = l->ntok > 0 ? &l->tok[l->ntok - 1] : NULL;

	return t != NULL &&
		fx_classify_word(t->s, t->len, false, out, sizeof(out), &strong) ==
		FX_TOK_AMOUNT && !fx_ocr_tok_is_year(t);
}

/*
 * Repair the words of an OCR page whose columns are already right (laid
 * out from tesseract's word boxes by parse_words.c): the same cleaning of
 * marks, amounts and spelling as fx_ocr_layout_page, but every word stays
 * where it stood, so that a heading stays over its column ("July 1," over
 * "2023").  Returns a malloc'd string (its length in *outlen), or NULL
 * when out of memory.
 */
char *
fx_ocr_repair_page(const char *page, size_t len, size_t *outlen)
{
	fx_buf		b;
	size_t		i = 0;
	ocr_line   *l = malloc(sizeof(ocr_line));
	bool		rows = false;	/* below the first row of amounts */

	if (l == NULL)
		return NULL;
	fx_buf_init(&b);
	while (i < len)
	{
		size_t		e = i;
		int			ntok;

		while (e < len && page[e] != '\n')
			e++;
		l->ntok = ntok = tokenize_line(page + i, (int) (e - i), l->tok,
									   OCR_MAX_TOK);
		read_line(l);
		if (has_strong_amount(l) ||
			(rows && ends_in_amount(l) && !is_column_heading(l)))
		{
			write_in_place(&b, l);
			rows = rows || is_row(l);
		}
		else if (!is_column_heading(l) &&
				 (rows || l->ntok < ntok || is_noise(l)))
			write_plain(&b, l); /* marks dropped, words single-spaced */
		else
			fx_buf_add(&b, page + i, e - i);	/* as printed */
		fx_buf_add(&b, "\n", 1);
		i = e + 1;
	}
	if (b.data == NULL)
		fx_buf_add(&b, "", 0);
	free(l);
	if (b.failed)
	{
		free(b.data);
		return NULL;
	}
	*outlen = b.len;
	return fx_buf_take(&b);
}

/*
 * The first token of the one full date of a line without amounts, and in
 * *end the token after it; -1 when none.
 */
static int
line_date(const ocr_line *l, int *end)
{
	char		buf[OCR_LINE_BYTES];
	int			offs[OCR_MAX_TOK];
	fx_pitem	it[2];
	int			len,
				b = -1;

	*end = l->ntok;
	if (l->ntok < 2 || l->ndates > 0)
		return -1;
	len = line_text(l, buf, offs);
	if (fx_period_items(buf, len, it, 2) != 1 || !it[0].has_month ||
		it[0].year_off <= it[0].off)
		return -1;
	for (int i = 0; i < l->ntok; i++)
	{
		if (offs[i] == it[0].off)
			b = i;
		if (b >= 0 && *end == l->ntok && offs[i] >= it[0].end)
			*end = i;
	}
	return b;
}

/*
 * The first token of the one full date ending a line without amounts
 * ("September 30, 2018", "(unaudited) December 31, 2017"), or -1.
 */
static int
single_date(const ocr_line *l)
{
	int			e,
				b = line_date(l, &e);

	return b >= 0 && e == l->ntok ? b : -1;
}

/*
 * The first token of the one full date of a line that a short qualifier
 * follows ("31 December 2015  Restated", "... (as adjusted)"), and in *end
 * the token after the date; -1 when none.
 */
static int
date_before_qualifier(const ocr_line *l, int *end)
{
	int			b = line_date(l, end);

	if (b < 0 || *end == l->ntok || l->ntok - *end > 3)
		return -1;
	for (int i = *end; i < l->ntok; i++)
		if (!is_qualifier_tok(&l->tok[i]))
			return -1;
	return b;
}

/*
 * A date alone above a line whose date a qualifier follows ("31 December
 * 2014" over "Notes  31 December 2015  Restated"): bottom-aligned, the
 * taller heading is the qualified column's, right of the lower date, so
 * the lower date goes first on the upper line.  A qualifier with a mark
 * ("Restated (1)") goes last on it, after the date it qualifies
 * (dates_before_qualifier then reads the line as dates): left on the lower
 * line, the mark would read as an amount and make a row of it.  Returns
 * true when done.
 */
static bool
stack_before_qualifier(ocr_line *up, ocr_line *lo)
{
	fx_ocr_tok	moved[OCR_MAX_TOK];
	int			e,
				b = date_before_qualifier(lo, &e),
				nd,
				nq;

	if (b < 0 || up->ntok + (lo->ntok - b) > OCR_MAX_TOK)
		return false;
	nd = e - b;
	nq = 0;
	for (int i = e; i < lo->ntok && nq == 0; i++)
		if (fx_is_footnote_mark(lo->tok[i].s, lo->tok[i].len))
			nq = lo->ntok - e;	/* the whole qualifier moves */
	memcpy(moved, &lo->tok[b], sizeof(fx_ocr_tok) * (size_t) nd);
	memmove(&up->tok[nd], &up->tok[0], sizeof(fx_ocr_tok) * (size_t) up->ntok);
	memcpy(&up->tok[0], moved, sizeof(fx_ocr_tok) * (size_t) nd);
	up->ntok += nd;
	memcpy(&up->tok[up->ntok], &lo->tok[e], sizeof(fx_ocr_tok) * (size_t) nq);
	up->ntok += nq;
	memmove(&lo->tok[b], &lo->tok[e + nq],
			sizeof(fx_ocr_tok) * (size_t) (lo->ntok - e - nq));
	lo->ntok -= nd + nq;
	read_line(up);
	read_line(lo);
	return true;
}

/*
 * Headings set bottom-aligned put two columns' dates on two lines: a date
 * alone ("September 30, 2018") above a line ending in the other column's
 * date ("(unaudited)  December 31, 2017").  OCR keeps no columns, so the
 * lower date joins the upper one, which then reads as a line of dates;
 * the rest of the lower line stays where it was.  When a qualifier
 * follows the lower date instead, the upper date is the next column's
 * (stack_before_qualifier).
 */
static void
stack_single_dates(ocr_line *lines, int nlines)
{
	for (int n = 0; n + 1 < nlines; n++)
	{
		int			m = n + 1;
		ocr_line   *up = &lines[n],
				   *lo;
		int			b;

		while (m + 1 < nlines && m < n + 3 && lines[m].ntok == 0)
			m++;				/* blank lines OCR read between them */
		lo = &lines[m];

		if (single_date(up) != 0)
			continue;
		if ((b = single_date(lo)) < 0)
		{
			stack_before_qualifier(up, lo);
			continue;
		}
		if (up->ntok + lo->ntok - b > OCR_MAX_TOK)
			continue;
		memcpy(&up->tok[up->ntok], &lo->tok[b],
			   sizeof(fx_ocr_tok) * (size_t) (lo->ntok - b));
		up->ntok += lo->ntok - b;
		lo->ntok = b;
		read_line(up);
		read_line(lo);
	}
}

/*
 * Rewrite one OCR page as layout text.  Returns a malloc'd string (its
 * length in *outlen), or NULL when out of memory.
 */
char *
fx_ocr_layout_page(const char *page, size_t len, size_t *outlen)
{
	int			nlines = 1;
	ocr_line   *lines;
	fx_buf		b;
	int			sec = 0,
				nper = 0;
	bool		changes = false;
	size_t		i = 0;

	for (size_t k = 0; k < len && nlines < OCR_MAX_LINES; k++)
		nlines += page[k] == '\n';
	lines = malloc(sizeof(ocr_line) * (size_t) nlines);
	if (lines == NULL)
		return NULL;
	for (int n = 0; n < nlines; n++)
	{
		size_t		e = i;

		while (e < len && page[e] != '\n')
			e++;
		lines[n].ntok = tokenize_line(page + i, (int) (e - i), lines[n].tok,
									  OCR_MAX_TOK);
		read_line(&lines[n]);
		i = e + 1;
	}
	stack_single_dates(lines, nlines);
	fx_buf_init(&b);
	/*
	 * A line of years opens a section with its number of columns; the
	 * heading lines just above it that fit its columns (month and day,
	 * "Three Months Ended") open it with them.
	 */
	for (int n = 0; n <= nlines; n++)
	{
		int			h = n;

		if (n < nlines && lines[n].ndates == 0 &&
			(lines[n].nyears == 0 || lines[n].nyears > FX_MAX_COLS))
			continue;
		for (int above = 0; n < nlines && h > sec && above < 2;)
		{
			int			first[FX_MAX_COLS];
			int			b = h;

			while (b > sec + 1 && lines[b - 1].ntok == 0)
				b--;			/* blank lines between heading lines */
			if (!groups_fit(heading_groups(&lines[b - 1], first, FX_MAX_COLS),
							lines[n].nyears))
				break;
			h = b - 1;
			above++;
		}
		if (n == nlines && sec == 0 && nper == 0 &&
			(nper = implicit_columns(lines, nlines)) > 0)
		{
			/* no line of years or dates on the page: the rows tell */
			layout_section(&b, lines, 0, nlines, nper,
						   widest_label(lines, 0, nlines), true, false);
			break;
		}
		layout_section(&b, lines, sec, h, nper,
					   widest_label(lines, sec, h < nlines ? h : nlines), false,
					   changes);
		sec = h;
		if (n < nlines)
		{
			nper = lines[n].ndates > 0 ? lines[n].ndates : lines[n].nyears;
			changes = lines[n].changes;
		}
	}
	if (i < len)
	{
		/* past the lines laid out: the text as it is */
		fx_buf_add(&b, "\n", 1);
		fx_buf_add(&b, page + i, len - i);
	}
	if (b.data == NULL)
		fx_buf_add(&b, "", 0);
	free(lines);
	*outlen = b.len;
	return fx_buf_take(&b);
}

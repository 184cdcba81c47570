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
 *	  - once a line of years ("2022    2021") has told how many value columns
 *		the page has, the amounts of every row are set right-aligned in
 *		fixed columns under the years; a row with fewer amounts than columns
 *		puts each where its neighbours' amounts of the same column sit.
 *
 *-------------------------------------------------------------------------
 */
#include "parse_int.h"

#include <stdlib.h>
#include <string.h>

#define OCR_MAX_TOK		64		/* tokens kept per line */
#define OCR_TOK_LEN		48		/* bytes kept per token */
#define OCR_MAX_LINES	2000	/* lines laid out per page; the rest is
								 * copied as it is */
#define OCR_COL_WIDTH	22		/* display columns per value column */

/* one word of an OCR line */
typedef struct ocr_tok
{
	char		s[OCR_TOK_LEN];
	int			len;
	int			start;			/* display column in the OCR text */
	int			end;
	bool		amount;			/* an amount or a dash */
	bool		year;
} ocr_tok;

/* one OCR line split into tokens, with its reading */
typedef struct ocr_line
{
	int			ntok;
	ocr_tok		tok[OCR_MAX_TOK];
	int			nlabel;			/* tokens [0, nlabel) are the label */
	int			nvals;			/* amounts after the label */
	int			nyears;			/* years ending a line of headings */
} ocr_line;

/*
 * Words of financial statements, lower case and sorted.  An OCR word that
 * is not one of them but one plausible misreading away from exactly one is
 * read as that one (see fix_word_spelling).
 */
static const char *const ocr_vocab[] = {
	"accounts", "accrued", "accumulated", "acquisition", "activities",
	"additional", "adjustment", "adjustments", "administrative", "advances",
	"advertising", "after", "allowance", "amortization", "amortisation",
	"amounts", "annual", "applied", "appropriated", "appropriation",
	"assets", "associates", "attributable", "available", "balance",
	"balances", "bank", "before", "beginning", "benefit", "benefits",
	"borrowings", "building", "buildings", "capital", "carried", "cash",
	"changes", "charges", "closing", "commission", "commissions", "common",
	"company", "comparative", "comprehensive", "consolidated", "contingent",
	"contract", "contracts", "contributed", "contribution", "corporation",
	"cost", "costs", "current", "customers", "decrease", "deferred",
	"deficit", "depreciation", "derivative", "discontinued", "distribution",
	"dividend", "dividends", "during", "earnings", "employee", "employees",
	"ending", "equipment", "equity", "equivalents", "exchange", "expansion",
	"expense", "expenses", "figures", "finance", "financial", "financing",
	"fixed", "flows", "foreign", "from", "general", "goodwill", "gross",
	"impairment", "income", "increase", "intangible", "interest",
	"interests", "inventories", "inventory", "investing", "investment",
	"investments", "issuance", "issued", "liabilities", "liability",
	"loans", "long", "marketable", "merchandise", "minority", "month",
	"months", "movement", "movements", "noncontrolling", "noncurrent",
	"notes", "operating", "operations", "ordinary", "other", "outstanding",
	"paid", "payable", "payables", "payment", "payments", "pension",
	"period", "philippine", "position", "premium", "prepaid", "prepayments",
	"previous", "principal", "prior", "proceeds", "profit", "property",
	"provided", "provision", "provisions", "purchase", "purchases",
	"receivable", "receivables", "reserve", "reserves", "retained",
	"revaluation", "revenue", "revenues", "salaries", "sales", "securities",
	"services", "share", "shareholders", "shares", "statement",
	"statements", "stock", "stockholders", "subsidiaries", "supplies",
	"taxes", "total", "trade", "transferred", "treasury", "unappropriated",
	"unearned", "unrealized", "unrealised", "wages", "year", "years", NULL
};

/* is c an ASCII letter or digit? */
static bool
is_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z');
}

/* is c an ASCII digit? */
static bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* remove byte i of a token */
static void
tok_del(ocr_tok *t, int i)
{
	memmove(t->s + i, t->s + i + 1, (size_t) (t->len - i));
	t->len--;
}

/* split one line into tokens with their display columns */
static int
tokenize_line(const char *s, int len, ocr_tok *tok, int max)
{
	int			n = 0,
				col = 0,
				i = 0;

	while (i < len && n < max)
	{
		ocr_tok    *t;

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
		while (i < len && s[i] != ' ' && s[i] != '\t' && s[i] != '\r' &&
			   s[i] != '\0' && s[i] != '\f' && s[i] != '\v')
		{
			if (((unsigned char) s[i] & 0xC0) != 0x80)
				col++;
			if (t->len < OCR_TOK_LEN - 1)
				t->s[t->len++] = s[i];
			i++;
		}
		t->s[t->len] = '\0';
		t->end = col;
	}
	return n;
}

/* is the token garbage: long, with many symbols, or only symbols? */
static bool
is_garbage(const ocr_tok *t)
{
	int			alnum = 0,
				other = 0;

	for (int i = 0; i < t->len; i++)
	{
		unsigned char c = (unsigned char) t->s[i];

		if (is_alnum(c))
			alnum++;
		else if ((c & 0xC0) != 0x80)
			other++;
	}
	if (t->len >= 16 && other * 4 >= alnum + other)
		return true;
	return t->len >= 40;
}

/* is the token a lone mark that stands for a dash where an amount is? */
static bool
is_dash_mark(const ocr_tok *t)
{
	static const char *const marks[] = {
		"-", "=", "_", "~", ".", ":", ",", "'", "+", "\xe2\x80\x98",
		"\xe2\x80\x99", "\xe2\x80\x94", "\xe2\x80\x93", "--", "==", NULL
	};

	for (int i = 0; marks[i]; i++)
		if (strcmp(t->s, marks[i]) == 0)
			return true;
	return false;
}

/* does the token hold no letter or digit? */
static bool
no_alnum(const ocr_tok *t)
{
	for (int i = 0; i < t->len; i++)
		if (is_alnum((unsigned char) t->s[i]))
			return false;
	return true;
}

/* turn braces into parentheses and strip stray bars at the ends */
static void
fix_marks(ocr_tok *t)
{
	for (int i = 0; i < t->len; i++)
	{
		if (t->s[i] == '{')
			t->s[i] = '(';
		else if (t->s[i] == '}')
			t->s[i] = ')';
	}
	/* a backslash opening a word is the left stroke of an 'A' ("\\ssets") */
	if (t->len > 1 && t->s[0] == '\\' && t->s[1] >= 'a' && t->s[1] <= 'z')
		t->s[0] = 'A';
	while (t->len > 0 && t->s[0] == '|')
		tok_del(t, 0);
	while (t->len > 0 && t->s[t->len - 1] == '|')
		t->s[--t->len] = '\0';
}

/* does the token look like an amount (digits, separators, sign, parens)? */
static bool
numeric_shape(const char *s, int len, int *ndig)
{
	int			d = 0;

	for (int i = 0; i < len; i++)
	{
		char		c = s[i];

		if (is_digit((unsigned char) c))
			d++;
		else if (!(c == ',' || c == '.' || c == ':' || c == ';' ||
				   c == '(' || c == ')' || c == '-'))
			return false;
	}
	*ndig = d;
	return d > 0;
}

/* the digit a letter stands for inside an amount, or 0 */
static char
letter_digit(char c)
{
	switch (c)
	{
		case 'O':
		case 'o':
			return '0';
		case 'l':
		case 'I':
			return '1';
		case 'S':
			return '5';
		case 'B':
			return '8';
		default:
			return 0;
	}
}

/*
 * Turn letters misread inside a grouped amount back into digits
 * ("1,2O0,000", "l,234", "(5O0,000)"): only when every group between the
 * separators is then three digits (the first one to three), so a word is
 * never made a number, and at least half the characters are real digits.
 * A leading 'S' is left alone: it is as often a '$'.
 */
static void
fix_amount_letters(ocr_tok *t)
{
	char		s[OCR_TOK_LEN];
	int			b = 0,
				e = t->len,
				digits = 0,
				letters = 0,
				group = 0,
				seps = 0;

	if (b < e && t->s[b] == '(')
		b++;
	if (e > b && t->s[e - 1] == ')')
		e--;
	if (e - b < 5 || t->s[b] == 'S')
		return;					/* "S1,234" is "$1,234" as often as "51,234" */
	memcpy(s, t->s, (size_t) t->len + 1);
	for (int i = b; i < e; i++)
	{
		char		d = letter_digit(s[i]);

		if (is_digit((unsigned char) s[i]))
			digits++, group++;
		else if (d)
			s[i] = d, letters++, group++;
		else if (s[i] == ',' && group >= 1 && (seps == 0 ? group <= 3 : group == 3))
			seps++, group = 0;
		else
			return;
	}
	if (letters == 0 || seps == 0 || group != 3 || digits < letters)
		return;
	memcpy(t->s, s, (size_t) t->len + 1);
}

/*
 * Repair an amount read by OCR: junk before it ('P', '__', '₱'), ':' and
 * ';' as separators, a separator before 3 digits as a thousands comma and
 * one before 1-2 final digits as the decimal point, a '1' read as ']' or
 * '|' after a short last group, a stray ')' without '('.
 */
static void
fix_amount(ocr_tok *t)
{
	int			ndig,
				last = -1,
				k = 0;
	bool		open = false;

	int			b = 0,
				e = t->len;

	/* only a token that is an amount once junk at its ends is gone */
	bool		rule = false;

	while (b < e - 1 && (t->s[b] == 'P' || t->s[b] == '_' || t->s[b] == '='))
	{
		if (t->s[b] != 'P')
			rule = true;
		b++;
	}
	if (rule && b < e - 1 && t->s[b] == '-')
		b++;					/* "__-3,062,500": the rule, not a sign */
	if (e - b > 3 && memcmp(t->s + b, "\xe2\x82\xb1", 3) == 0)
		b += 3;
	if (e - b > 1 && strchr("]|lI", t->s[e - 1]) != NULL)
		e--;
	if (!numeric_shape(t->s + b, e - b, &ndig))
		return;
	memmove(t->s, t->s + b, (size_t) (t->len - b + 1));
	t->len -= b;
	e -= b;
	if (e < t->len)
	{
		/* a '1' read as ']' or '|' after a short last group */
		if (e >= 3 && is_digit((unsigned char) t->s[e - 1]) &&
			is_digit((unsigned char) t->s[e - 2]) &&
			(t->s[e - 3] == ',' || t->s[e - 3] == '.'))
			t->s[e] = '1';
		else
			t->len = e;
		t->s[t->len] = '\0';
	}
	if (!numeric_shape(t->s, t->len, &ndig))
		return;
	/* drop unbalanced parentheses ("8)" of "(Note 8)" stays text) */
	open = memchr(t->s, '(', (size_t) t->len) != NULL;
	if (!open && ndig >= 4)
		while (t->len > 0 && t->s[t->len - 1] == ')')
			t->s[--t->len] = '\0';
	while (t->len > 0 && strchr(",.:;", t->s[t->len - 1]) != NULL)
		t->s[--t->len] = '\0';
	for (int i = 0; i < t->len; i++)
	{
		if (t->s[i] == ':' || t->s[i] == ';')
			t->s[i] = ',';
		if (t->s[i] == ',' || t->s[i] == '.')
			last = i;
	}
	for (int i = 0; i < t->len; i++)
	{
		if (t->s[i] != ',' && t->s[i] != '.')
			continue;
		k = 0;
		while (i + 1 + k < t->len && is_digit((unsigned char) t->s[i + 1 + k]))
			k++;
		if (k == 3)
			t->s[i] = ',';
		else if (i == last && (k == 1 || k == 2))
			t->s[i] = '.';
	}
	t->s[t->len] = '\0';
}

/* is the token a plain 4-digit year? */
static bool
tok_is_year(const ocr_tok *t)
{
	return fx_is_year_word(t->s, t->len);
}

/* classify the token as an amount or a dash */
static bool
tok_is_amount(const ocr_tok *t)
{
	char		out[FX_NUM_LEN];
	bool		strong;
	fx_tok		k = fx_classify_word(t->s, t->len, false, out, sizeof(out),
									 &strong);

	return k == FX_TOK_AMOUNT || k == FX_TOK_DASH;
}

/* delete token i of a line */
static void
line_del(ocr_line *l, int i)
{
	memmove(&l->tok[i], &l->tok[i + 1],
			sizeof(ocr_tok) * (size_t) (l->ntok - i - 1));
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
			ocr_tok    *t = &l->tok[i];

			if (t->len < OCR_TOK_LEN - 1)
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

/* turn digits misread inside a word back into letters ("T0TAL") */
static void
fix_word_digits(ocr_tok *t)
{
	int			letters = 0,
				digits = 0,
				upper = 0;

	for (int i = 0; i < t->len; i++)
	{
		unsigned char c = (unsigned char) t->s[i];

		if ((c | 32) >= 'a' && (c | 32) <= 'z')
			letters++, upper += c >= 'A' && c <= 'Z';
		else if (is_digit(c))
		{
			if (c != '0' && c != '1' && c != '5' && c != '8')
				return;
			digits++;
		}
	}
	if (digits == 0 || letters < 3)
		return;
	for (int i = 0; i < t->len; i++)
	{
		char		c = t->s[i];
		bool		up = upper * 2 >= letters;

		if (c == '0')
			t->s[i] = up ? 'O' : 'o';
		else if (c == '1')
			t->s[i] = up ? 'I' : 'l';
		else if (c == '5')
			t->s[i] = up ? 'S' : 's';
		else if (c == '8')
			t->s[i] = 'B';
	}
}

/* are two letters (lower case) ones OCR takes for each other? */
static bool
confusable(char a, char b)
{
	static const char *const pairs[] = {
		"rn", "rt", "lt", "li", "it", "il", "ft", "ec", "ao", "co", "hb",
		"un", "vy", NULL
	};

	for (int i = 0; pairs[i]; i++)
		if ((pairs[i][0] == a && pairs[i][1] == b) ||
			(pairs[i][0] == b && pairs[i][1] == a))
			return true;
	return false;
}

/*
 * Is w (lw letters) v with one letter dropped, not its last one?  A last
 * letter more or less is an inflection ("figure", "figures"), not a misread.
 */
static bool
one_dropped(const char *w, int lw, const char *v, int lv)
{
	int			i = 0;

	if (lv != lw + 1)
		return false;
	while (i < lw && w[i] == v[i])
		i++;
	return i < lw && memcmp(w + i, v + i + 1, (size_t) (lw - i)) == 0;
}

/*
 * Could OCR have read v as w: one confusable letter, two neighbours
 * swapped, or (in a long word) one letter dropped or added?
 */
static bool
plausible_misread(const char *w, int lw, const char *v, int lv)
{
	int			diff = 0,
				at = -1;

	if (lw == lv)
	{
		for (int i = 0; i < lw; i++)
			if (w[i] != v[i])
			{
				if (diff++ == 0)
					at = i;
			}
		if (diff == 1)
			return confusable(w[at], v[at]);
		return diff == 2 && at + 1 < lw && w[at] == v[at + 1] &&
			w[at + 1] == v[at] && memcmp(w + at + 2, v + at + 2,
										 (size_t) (lw - at - 2)) == 0;
	}
	if (lv < 7 && lw < 7)
		return false;
	return one_dropped(w, lw, v, lv) || one_dropped(v, lv, w, lw);
}

/* is the word (lower case) in the vocabulary, or a plural of a word in it? */
static bool
in_vocab(const char *w, int lw)
{
	for (int i = 0; ocr_vocab[i]; i++)
	{
		int			lv = (int) strlen(ocr_vocab[i]);

		if (strncmp(w, ocr_vocab[i], (size_t) lv) == 0 &&
			(lw == lv || (lw == lv + 1 && w[lv] == 's')))
			return true;
	}
	return false;
}

/*
 * Spell a misread word of a label or title right ("PROFTI", "earings",
 * "lransferred", "Liabilitites"): a word of 5 or more letters that is not
 * in the vocabulary but a plausible misreading of exactly one word in it
 * becomes that word, in the case it was printed in.  Words with digits or
 * inner marks are left alone, and so is every amount.
 */
static void
fix_word_spelling(ocr_tok *t)
{
	int			b = 0,
				e,
				lw,
				upper = 0,
				found = -1;
	char		low[OCR_TOK_LEN];
	const char *v;
	int			lv;

	if (b < t->len && t->s[b] == '(')
		b++;
	e = b;
	while (e < t->len && ((t->s[e] | 32) >= 'a' && (t->s[e] | 32) <= 'z'))
		e++;
	for (int i = e; i < t->len; i++)
		if (strchr(",:;).", t->s[i]) == NULL)
			return;
	lw = e - b;
	if (lw < 5)
		return;
	for (int i = 0; i < lw; i++)
	{
		char		c = t->s[b + i];

		upper += c >= 'A' && c <= 'Z';
		low[i] = (char) (c | 32);
	}
	low[lw] = '\0';
	if (in_vocab(low, lw))
		return;
	for (int i = 0; ocr_vocab[i]; i++)
		if (plausible_misread(low, lw, ocr_vocab[i], (int) strlen(ocr_vocab[i])))
		{
			if (found >= 0)
				return;			/* two words fit: leave it */
			found = i;
		}
	if (found < 0)
		return;
	v = ocr_vocab[found];
	lv = (int) strlen(v);
	if (t->len - lw + lv >= OCR_TOK_LEN)
		return;
	memmove(t->s + b + lv, t->s + e, (size_t) (t->len - e + 1));
	for (int i = 0; i < lv; i++)
		t->s[b + i] = (upper == lw || (upper > 0 && i == 0)) ?
			(char) (v[i] - 'a' + 'A') : v[i];
	t->len += lv - lw;
}

/* is the word one of the short words a label may end with? */
static bool
short_word(const char *s)
{
	static const char *const words[] = {
		"of", "in", "to", "at", "by", "on", "or", "as", "an", "a", "&",
		"and", "for", "the", "no", "net", NULL
	};
	char		low[8];
	int			n = 0;

	for (; *s && n < 7; s++)
		low[n++] = (char) ((*s >= 'A' && *s <= 'Z') ? *s - 'A' + 'a' : *s);
	low[n] = '\0';
	for (int i = 0; words[i]; i++)
		if (strcmp(low, words[i]) == 0)
			return true;
	return false;
}

/* is the token short junk that may sit between a label and its amounts? */
static bool
is_short_junk(const ocr_tok *t)
{
	int			letters = 0;

	if (strcmp(t->s, "Php") == 0 || strcmp(t->s, "PHP") == 0 ||
		strcmp(t->s, "\xe2\x82\xb1") == 0)
		return true;
	if (short_word(t->s))
		return false;
	for (int i = 0; i < t->len; i++)
	{
		unsigned char c = (unsigned char) t->s[i];

		if (is_digit(c))
			return false;
		letters += is_alnum(c) || c >= 0x80;
	}
	return letters <= 2;
}

/* join an amount split by one blank ("4 777,801", "1 234") */
static void
join_split_amounts(ocr_line *l)
{
	for (int i = 0; i + 1 < l->ntok; i++)
	{
		ocr_tok    *a = &l->tok[i],
				   *b = &l->tok[i + 1];
		int			na,
					nb,
					k = 0;

		if (b->start - a->end != 1 || !numeric_shape(a->s, a->len, &na) ||
			!numeric_shape(b->s, b->len, &nb) || na > 3 || a->len > 4 ||
			strchr(a->s, ',') || strchr(a->s, '.') || strchr(a->s, ')'))
			continue;
		while (k < b->len && is_digit((unsigned char) b->s[k]))
			k++;
		if (k != 3 || (k < b->len && b->s[k] != ',' && b->s[k] != '.' &&
					   b->s[k] != ')'))
			continue;
		if (a->len + 1 + b->len >= OCR_TOK_LEN)
			continue;
		a->s[a->len++] = ',';
		memcpy(a->s + a->len, b->s, (size_t) b->len + 1);
		a->len += b->len;
		a->end = b->end;
		line_del(l, i + 1);
		i--;
	}
}

/* is the token a currency sign alone ("$", "\u20b1")? */
static bool
is_symbol(const ocr_tok *t)
{
	bool		strong;

	return fx_classify_word(t->s, t->len, false, NULL, 0, &strong) ==
		FX_TOK_SYMBOL;
}

/* clean the tokens of a line and find its label, amounts and years */
static void
read_line(ocr_line *l)
{
	int			k;

	for (int i = 0; i < l->ntok; i++)
	{
		ocr_tok    *t = &l->tok[i];

		/* a '|' after a short last group is the digit 1 ("790,96 |") */
		if (i > 0 && t->len == 1 && (t->s[0] == '|' || t->s[0] == ']') &&
			t->start - l->tok[i - 1].end <= 1 && l->tok[i - 1].len >= 4 &&
			l->tok[i - 1].len < OCR_TOK_LEN - 1 &&
			(l->tok[i - 1].s[l->tok[i - 1].len - 3] == ',' ||
			 l->tok[i - 1].s[l->tok[i - 1].len - 3] == '.'))
		{
			ocr_tok    *p = &l->tok[i - 1];

			p->s[p->len++] = '1';
			p->s[p->len] = '\0';
			p->end = t->end;
			fix_amount(p);
			line_del(l, i--);
			continue;
		}
		fix_marks(t);
		if (t->len == 0 || is_garbage(t) ||
			(no_alnum(t) && !is_dash_mark(t) && strcmp(t->s, "&") != 0 &&
			 !(t->len == 1 && strchr("$%()", t->s[0])) &&
			 !is_symbol(t)))
		{
			line_del(l, i--);
			continue;
		}
		fix_amount_letters(t);
		fix_amount(t);
		if (t->len == 0)
		{
			line_del(l, i--);
			continue;
		}
		fix_word_digits(t);
		fix_word_spelling(t);
	}
	join_spaced_letters(l);
	join_split_amounts(l);
	/* lone marks where an amount belongs are dashes */
	for (int i = 1; i < l->ntok; i++)
	{
		ocr_tok    *t = &l->tok[i];

		if (is_dash_mark(t) && t->start - l->tok[i - 1].end >= 2)
		{
			strcpy(t->s, "-");
			t->len = 1;
		}
		t->amount = tok_is_amount(t);
		t->year = tok_is_year(t);
	}
	if (l->ntok > 0)
	{
		l->tok[0].amount = tok_is_amount(&l->tok[0]);
		l->tok[0].year = tok_is_year(&l->tok[0]);
	}
	/* amounts at the right end, skipping junk between them */
	k = l->ntok;
	l->nvals = 0;
	while (k > 0)
	{
		ocr_tok    *t = &l->tok[k - 1];

		if (t->amount)
		{
			l->nvals++;
			k--;
		}
		else if (k > 1 && is_short_junk(t) &&
				 (k < l->ntok || l->tok[k - 2].amount))
		{
			line_del(l, k - 1);
			k--;
		}
		else
			break;
	}
	l->nlabel = k;
	/* a line of headings ending in years */
	l->nyears = 0;
	for (int i = l->ntok - 1; i >= 0 && l->tok[i].year; i--)
		l->nyears++;
	if (l->nyears != l->nvals || (l->nyears < 2 && l->nlabel > 0))
		l->nyears = 0;
}

/* is an amount token weak enough to be a note reference ("3,6", "12")? */
static bool
is_note_ref(const ocr_tok *t)
{
	int			d = 0;

	for (int i = 0; i < t->len; i++)
	{
		if (is_digit((unsigned char) t->s[i]))
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

			if (l->nvals < nper || l->nyears > 0)
				continue;
			sum += l->tok[l->ntok - nper + k].end;
			n++;
		}
		ends[k] = n > 0 ? (int) (sum / n) : -1;
	}
}

/* pick the value columns of a row's amounts: out[v] = column or -1 */
static void
assign_columns(const ocr_line *l, int nper, const int *ends, int *out)
{
	int			first = l->ntok - l->nvals;
	int			next = 0;
	int			navail;

	for (int v = 0; v < l->nvals; v++)
		out[v] = -1;
	if (l->nvals >= nper && !(nper >= 2 && ends[0] >= 0 && ends[1] >= 0 &&
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
		assign_columns(&rest, nper, ends, out + (l->nvals - nper + 1));
		return;
	}
	/* fewer amounts than columns: each goes to the nearest column left */
	for (int v = 0; v < l->nvals; v++)
	{
		const ocr_tok *t = &l->tok[first + v];
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
		if (is_note_ref(t) && v + 1 < l->nvals && best == next &&
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
		const ocr_tok *t = &l->tok[first + v];
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

/* lay out the lines [from, to) of a page that has nper value columns */
static void
layout_section(fx_buf *b, ocr_line *lines, int from, int to, int nper,
			   int base)
{
	int			ends[FX_MAX_COLS];
	int			col[OCR_MAX_TOK];

	column_ends(lines, from, to, nper, ends);
	for (int i = from; i < to; i++)
	{
		ocr_line   *l = &lines[i];
		int			w;

		if (i > 0)
			fx_buf_add(b, "\n", 1);
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
		else
			assign_columns(l, nper, ends, col);
		w = write_label(b, l, l->nlabel);
		write_values(b, l, w, base, col);
	}
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
		if (lines[i].nvals > 0 && lw > w)
			w = lw;
	}
	return w > 160 ? 160 : w;
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
	fx_buf_init(&b);
	/* a line of years opens a section with its number of columns */
	for (int n = 0; n <= nlines; n++)
	{
		if (n < nlines && (lines[n].nyears == 0 || lines[n].nyears > FX_MAX_COLS))
			continue;
		layout_section(&b, lines, sec, n, nper,
					   widest_label(lines, sec, n < nlines ? n : nlines));
		sec = n;
		if (n < nlines)
			nper = lines[n].nyears;
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

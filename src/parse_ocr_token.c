/*-------------------------------------------------------------------------
 *
 * parse_ocr_token.c
 *	  The repair of one OCR word (token) of a line, before parse_ocr.c
 *	  lays the line out.
 *
 *	  - stray marks go: rules ('——==[=', '|'), symbols, long garbage words;
 *	  - digits misread inside words are turned back into letters, a '\'
 *		opening a word is an 'A', and a word of a label or title that is a
 *		plausible misreading (a confusable letter, two letters swapped, a
 *		letter dropped or added inside a long word) of exactly one word of
 *		a small vocabulary of statement words is spelt as that word
 *		('PROFTI', 'earings', 'lransferred', 'Liabilitites');
 *	  - amounts are repaired: '{1,234}' is '(1,234)', letters read for
 *		digits inside a comma-grouped amount are digits ('1,2O0,000',
 *		'l,234', '(5O0,000)'), '1.769.455' and '3:975;785' are '1,769,455',
 *		a separator before 1-2 final digits is the decimal point
 *		('1,234,567.89');
 *	  - a token is classified: an amount or a dash, a plain year, short
 *		junk that may sit between a label and its amounts.
 *
 *-------------------------------------------------------------------------
 */
#include "parse_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

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
	"receivable", "receivables", "repayment", "repayments", "reserve", "reserves", "retained",
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
bool
fx_ocr_is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* remove byte i of a token */
static void
tok_del(fx_ocr_tok *t, int i)
{
	memmove(t->s + i, t->s + i + 1, (size_t) (t->len - i));
	t->len--;
}

/* is the token garbage: long, with many symbols, or only symbols? */
static bool
is_garbage(const fx_ocr_tok *t)
{
	int			alnum = 0,
				other = 0,
				datemarks = 0;

	for (int i = 0; i < t->len; i++)
	{
		unsigned char c = (unsigned char) t->s[i];

		if (is_alnum(c))
			alnum++;
		else if ((c & 0xC0) != 0x80)
			other++;
		datemarks += c == '.' || c == '-' || c == '/';
	}
	/* a range of dates in figures ("01.01.-31.12.2022") is no garbage */
	if (t->len >= 16 && other * 4 >= alnum + other &&
		!(datemarks == other && fx_is_year_word(t->s + t->len - 4, 4)))
		return true;
	return t->len >= 40;
}

/* is the token a lone mark that stands for a dash where an amount is? */
bool
fx_ocr_is_dash_mark(const fx_ocr_tok *t)
{
	static const char *const marks[] = {
		"-", "=", "_", "~", ".", ":", ",", "'", "+", "\xe2\x80\x98",
		"\xe2\x80\x99", "\xe2\x80\x94", "\xe2\x80\x93", "--", "==", NULL
	};
	int			n = 0;

	for (int i = 0; marks[i]; i++)
		if (strcmp(t->s, marks[i]) == 0)
			return true;
	/* two or three rule marks read off one dash: "_—", "-—", "=_" */
	for (int i = 0; i < t->len; n++)
	{
		if (strchr("-_=~", t->s[i]) != NULL && t->s[i] != '\0')
			i++;
		else if (i + 3 <= t->len &&
				 (memcmp(t->s + i, "\xe2\x80\x94", 3) == 0 ||
				  memcmp(t->s + i, "\xe2\x80\x93", 3) == 0))
			i += 3;
		else
			return false;
	}
	return n >= 2 && n <= 3;
}

/* does the token hold no letter or digit? */
static bool
no_alnum(const fx_ocr_tok *t)
{
	for (int i = 0; i < t->len; i++)
		if (is_alnum((unsigned char) t->s[i]))
			return false;
	return true;
}

/*
 * A word's dot leaders glued to it go, with what OCR read after them:
 * "Net..............." and "revenue................-." are "Net" and
 * "revenue".
 */
static void
strip_leader_dots(fx_ocr_tok *t)
{
	const char *run = strstr(t->s, "..");
	int			e = run ? (int) (run - t->s) : 0;

	if (e == 0 || !isalpha((unsigned char) t->s[e - 1]) ||
		e + 2 == t->len)
		return;					/* no leader, or "etc.." */
	t->len = e;
	t->s[e] = '\0';
}

/* turn braces into parentheses and strip stray bars at the ends */
static void
fix_marks(fx_ocr_tok *t)
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
bool
fx_ocr_numeric_shape(const char *s, int len, int *ndig)
{
	int			d = 0;

	for (int i = 0; i < len; i++)
	{
		char		c = s[i];

		if (fx_ocr_is_digit((unsigned char) c))
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
fix_amount_letters(fx_ocr_tok *t)
{
	char		s[FX_OCR_TOK_LEN];
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

		if (fx_ocr_is_digit((unsigned char) s[i]))
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
 * Do the e characters end in digits that one more digit leaves a valid
 * amount: an ungrouped number of up to two digits ("4" of "4l"), or a last
 * group of fewer than three after a separator?
 */
static bool
short_tail(const char *s, int e)
{
	int			k = 0;

	while (k < e && fx_ocr_is_digit((unsigned char) s[e - 1 - k]))
		k++;
	if (k == 0)
		return false;
	if (k == e || (k == e - 1 && s[0] == '('))
		return k <= 2;
	return k < 3 && (s[e - 1 - k] == ',' || s[e - 1 - k] == '.');
}

/* is c an ASCII capital letter? */
static bool
is_capital(char c)
{
	return c >= 'A' && c <= 'Z';
}

/*
 * Length of a currency sign opening s ("$", "€", "£", "¥", "₱"), or of a
 * currency code glued to the digits after it ("CHF374", "US$2", "R$5"),
 * or 0.
 */
int
fx_ocr_lead_sign_len(const char *s, int len)
{
	if (len >= 1 && s[0] == '$')
		return 1;
	if (len >= 3 && (memcmp(s, "\xe2\x82\xac", 3) == 0 ||
					 memcmp(s, "\xe2\x82\xb1", 3) == 0))
		return 3;
	if (len >= 2 && (memcmp(s, "\xc2\xa3", 2) == 0 ||
					 memcmp(s, "\xc2\xa5", 2) == 0))
		return 2;
	/* "US$", "R$", "C$": one or two capitals and a dollar sign */
	for (int k = 1; k <= 2; k++)
		if (len > k + 1 && s[k] == '$' && is_capital(s[0]) &&
			(k == 1 || is_capital(s[1])) && fx_ocr_is_digit((unsigned char) s[k + 1]))
			return k + 1;
	/* "CHF", "EUR": three capitals right before a digit */
	if (len > 3 && is_capital(s[0]) && is_capital(s[1]) && is_capital(s[2]) &&
		fx_ocr_is_digit((unsigned char) s[3]))
		return 3;
	return 0;
}

static void fix_amount_body(fx_ocr_tok *t);

/*
 * Repair an amount read by OCR: junk before it ('P', '__', '₱'), ':' and
 * ';' as separators, a separator before 3 digits as a thousands comma and
 * one before 1-2 final digits as the decimal point, a '1' read as ']' or
 * '|' after a short last group, a stray ')' without '('.
 */
void
fx_ocr_fix_amount(fx_ocr_tok *t)
{
	int			sl = fx_ocr_lead_sign_len(t->s, t->len);

	if (sl > 0 && sl < t->len)
	{
		/* "€134.651": repair the amount after its glued sign */
		fx_ocr_tok	rest = *t;
		int			nd;

		memmove(rest.s, t->s + sl, (size_t) (t->len - sl + 1));
		rest.len = t->len - sl;
		fx_ocr_fix_amount(&rest);
		if (rest.len > 0 && rest.len + sl < FX_OCR_TOK_LEN &&
			fx_ocr_numeric_shape(rest.s, rest.len, &nd))
		{
			memcpy(t->s + sl, rest.s, (size_t) rest.len + 1);
			t->len = sl + rest.len;
		}
		return;
	}
	fix_amount_body(t);
}

/* the rest of fx_ocr_fix_amount, on a token without a leading sign */
static void
fix_amount_body(fx_ocr_tok *t)
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
	if (!fx_ocr_numeric_shape(t->s + b, e - b, &ndig))
		return;
	memmove(t->s, t->s + b, (size_t) (t->len - b + 1));
	t->len -= b;
	e -= b;
	if (e < t->len)
	{
		/* a '1' read as ']' or '|' after a short last group */
		if (e >= 3 && fx_ocr_is_digit((unsigned char) t->s[e - 1]) &&
			fx_ocr_is_digit((unsigned char) t->s[e - 2]) &&
			(t->s[e - 3] == ',' || t->s[e - 3] == '.'))
			t->s[e] = '1';
		else if ((t->s[e] == 'l' || t->s[e] == 'I') && short_tail(t->s, e))
			t->s[e] = '1';		/* "4l" is 41: a letter, not a rule */
		else
			t->len = e;
		t->s[t->len] = '\0';
	}
	if (!fx_ocr_numeric_shape(t->s, t->len, &ndig))
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
		while (i + 1 + k < t->len &&
			   fx_ocr_is_digit((unsigned char) t->s[i + 1 + k]))
			k++;
		if (k == 3)
			t->s[i] = ',';
		else if (i == last && (k == 1 || k == 2))
			t->s[i] = '.';
	}
	t->s[t->len] = '\0';
}

/* is the token a plain 4-digit year? */
bool
fx_ocr_tok_is_year(const fx_ocr_tok *t)
{
	return fx_is_year_word(t->s, t->len);
}

/* classify the token as an amount or a dash */
bool
fx_ocr_tok_is_amount(const fx_ocr_tok *t)
{
	char		out[FX_NUM_LEN];
	bool		strong;
	fx_tok		k = fx_classify_word(t->s, t->len, false, out, sizeof(out),
									 &strong);

	return k == FX_TOK_AMOUNT || k == FX_TOK_DASH;
}

/* is the token a currency's thousands ("CHF'000", "EUR000", "CHF’000")? */
static bool
is_currency_thousands(const fx_ocr_tok *t)
{
	char		out[FX_NUM_LEN];
	bool		strong;
	int			n = t->len - 3;

	if (n < 1 || strcmp(t->s + n, "000") != 0)
		return false;
	if (t->s[n - 1] == '\'')
		n--;
	else if (n >= 3 && memcmp(t->s + n - 3, "\xe2\x80\x99", 3) == 0)
		n -= 3;
	return n > 0 &&
		fx_classify_word(t->s, n, false, out, sizeof(out), &strong) == FX_TOK_SYMBOL;
}

/* turn digits misread inside a word back into letters ("T0TAL") */
static void
fix_word_digits(fx_ocr_tok *t)
{
	int			letters = 0,
				digits = 0,
				upper = 0;

	for (int i = 0; i < t->len; i++)
	{
		unsigned char c = (unsigned char) t->s[i];

		if ((c | 32) >= 'a' && (c | 32) <= 'z')
			letters++, upper += c >= 'A' && c <= 'Z';
		else if (fx_ocr_is_digit(c))
		{
			if (c != '0' && c != '1' && c != '5' && c != '8')
				return;
			digits++;
		}
	}
	if (digits == 0 || letters < 3 || is_currency_thousands(t))
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
 * Is w (lw letters) v with one letter dropped, neither its first nor its
 * last one?  A last letter more or less is an inflection ("figure",
 * "figures"), a first one often another word ("repayments",
 * "prepayments"), not a misread.
 */
static bool
one_dropped(const char *w, int lw, const char *v, int lv)
{
	int			i = 0;

	if (lv != lw + 1)
		return false;
	while (i < lw && w[i] == v[i])
		i++;
	return i > 0 && i < lw && memcmp(w + i, v + i + 1, (size_t) (lw - i)) == 0;
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
fix_word_spelling(fx_ocr_tok *t)
{
	int			b = 0,
				e,
				lw,
				upper = 0,
				found = -1;
	char		low[FX_OCR_TOK_LEN];
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
	if (t->len - lw + lv >= FX_OCR_TOK_LEN)
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
bool
fx_ocr_is_short_junk(const fx_ocr_tok *t)
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

		if (fx_ocr_is_digit(c))
			return false;
		letters += is_alnum(c) || c >= 0x80;
	}
	return letters <= 2;
}

/* is the token a currency sign or code alone ("$", "\u20b1", "CHF")? */
bool
fx_ocr_is_currency_sign(const fx_ocr_tok *t)
{
	bool		strong;

	return fx_classify_word(t->s, t->len, false, NULL, 0, &strong) ==
		FX_TOK_SYMBOL;
}

/*
 * Repair one token of a line in place: marks, misread amounts, digits
 * inside words, misspelt statement words.  False when the token is to be
 * dropped (garbage, a stray mark, nothing left).
 */
bool
fx_ocr_clean_token(fx_ocr_tok *t)
{
	fix_marks(t);
	strip_leader_dots(t);
	if (t->len == 0 || is_garbage(t) ||
		(no_alnum(t) && !fx_ocr_is_dash_mark(t) && strcmp(t->s, "&") != 0 &&
		 !(t->len == 1 && strchr("$%()", t->s[0])) &&
		 !fx_ocr_is_currency_sign(t)))
		return false;
	fix_amount_letters(t);
	fx_ocr_fix_amount(t);
	if (t->len == 0)
		return false;
	fix_word_digits(t);
	fix_word_spelling(t);
	return true;
}

/*-------------------------------------------------------------------------
 *
 * parse_number.c
 *	  Amounts, unit scale and currency.
 *
 * An amount is printed in many ways: "(3,068)", "-2,229", "\u22121,234",
 * "$32,765", "1.234,5", "\u2014" (zero), "12.3%".  fx_classify_word() tells
 * what a word is and writes the plain decimal ("-3068", "1234.5", "0").
 * Decimal arithmetic for the checks is done on scaled 64-bit integers.
 *
 *-------------------------------------------------------------------------
 */
#include "parse_int.h"

#include <string.h>

#define MAX_DIGITS	30

/* currency signs that may stick to an amount, with their ISO codes */
static const struct
{
	const char *sign;
	const char *iso;
}			signs[] = {
	{"US$", "USD"}, {"C$", "CAD"}, {"CA$", "CAD"}, {"A$", "AUD"},
	{"HK$", "HKD"}, {"S$", "SGD"}, {"NZ$", "NZD"}, {"R$", "BRL"},
	{"$", "USD"}, {"\xe2\x82\xac", "EUR"}, {"\xc2\xa3", "GBP"},
	{"\xe2\x82\xb1", "PHP"}, {"\xc2\xa5", "JPY"}, {"\xe2\x82\xb9", "INR"},
	{"P/", "PHP"}, {"Rs.", "INR"}, {"Rs", "INR"}, {"CHF", "CHF"},
	{"EUR", "EUR"}, {"USD", "USD"}, {"GBP", "GBP"}, {"JPY", "JPY"},
	{"INR", "INR"}, {"PHP", "PHP"}, {"Php", "PHP"},
	{NULL, NULL}
};

/* is c an ASCII letter? */
static bool
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
 * Length of the currency sign at s, or 0.  A sign made of letters ("CHF",
 * "Rs.") must not run on into a longer word ("CHFX", "Rsa").
 */
static int
sign_len(const char *s, int len)
{
	if (len <= 0)
		return 0;
	for (int i = 0; signs[i].sign; i++)
	{
		int			n;

		if (s[0] != signs[i].sign[0])
			continue;			/* most words: no sign starts with them */
		n = (int) strlen(signs[i].sign);
		if (n <= len && memcmp(s, signs[i].sign, (size_t) n) == 0)
		{
			if (is_alpha(s[0]) && n < len && is_alpha(s[n]))
				continue;
			return n;
		}
	}
	return 0;
}

/*
 * Length of a digit-group separator at s other than ',' and '.': a blank
 * (inside a word joined by fx_doc_build), an apostrophe, a right single
 * quote, a no-break, narrow no-break, thin or punctuation space; or 0.
 */
int
fx_group_sep_len(const char *s, int len)
{
	const unsigned char *u = (const unsigned char *) s;

	if (len >= 1 && (s[0] == ' ' || s[0] == '\''))
		return 1;
	if (len >= 2 && u[0] == 0xC2 && u[1] == 0xA0)
		return 2;
	if (len >= 3 && u[0] == 0xE2 && u[1] == 0x80 &&
		(u[2] == 0xAF || u[2] == 0x89 || u[2] == 0x88 || u[2] == 0x99))
		return 3;
	return 0;
}

/*
 * Length of a footnote mark ending at s + len, or 0: a superscript digit,
 * "*", or a letter or digit in parentheses glued to an amount of three
 * characters or more ("1,234(a)", "(567)(1)", "890(ab)"); "(1)" alone or
 * "4(a)" (a note reference) is no mark.
 */
static int
footnote_len(const char *s, int len)
{
	const unsigned char *u = (const unsigned char *) s;

	if (len >= 1 && s[len - 1] == '*')
		return 1;
	if (len >= 4 && s[len - 1] == ')')
	{
		int			k = len - 2,
					nl = 0;

		while (k >= 0 && nl < 2 && s[k] >= 'a' && s[k] <= 'z')
			k--, nl++;
		if (nl == 0 && k >= 0 && s[k] >= '0' && s[k] <= '9')
			k--, nl++;
		/* at least three characters before it: "4(a)" is a note */
		if (nl > 0 && k >= 3 && s[k] == '(' &&
			((s[k - 1] >= '0' && s[k - 1] <= '9') || s[k - 1] == ')'))
			return len - k;
	}
	if (len >= 2 && u[len - 2] == 0xC2 &&
		(u[len - 1] == 0xB9 || u[len - 1] == 0xB2 || u[len - 1] == 0xB3))
		return 2;
	if (len >= 3 && u[len - 3] == 0xE2 && u[len - 2] == 0x81 &&
		u[len - 1] >= 0xB0 && u[len - 1] <= 0xB9)
		return 3;
	return 0;
}

/* length of a minus-like character at s (-, U+2212, U+2013), or 0 */
static int
minus_len(const char *s, int len)
{
	const unsigned char *u = (const unsigned char *) s;

	if (len >= 1 && s[0] == '-')
		return 1;
	if (len >= 3 && u[0] == 0xE2 && u[1] == 0x88 && u[2] == 0x92)
		return 3;
	if (len >= 3 && u[0] == 0xE2 && u[1] == 0x80 && u[2] == 0x93)
		return 3;
	return 0;
}

/*
 * Length of a triangle that marks a negative amount in Japanese and Korean
 * reports ("\u25b3800,000", "\u25b2850,000"), or 0.
 */
static int
triangle_len(const char *s, int len)
{
	const unsigned char *u = (const unsigned char *) s;

	if (len >= 3 && u[0] == 0xE2 && u[1] == 0x96 &&
		(u[2] == 0xB2 || u[2] == 0xB3))
		return 3;
	return 0;
}

/* length of any dash character at s (also em dash, figure dash), or 0 */
static int
dash_len(const char *s, int len)
{
	const unsigned char *u = (const unsigned char *) s;
	int			n = minus_len(s, len);

	if (n)
		return n;
	if (len >= 3 && u[0] == 0xE2 && u[1] == 0x80 &&
		(u[2] == 0x94 || u[2] == 0x92 || u[2] == 0x95))
		return 3;
	return 0;
}

/* is the word only dashes, perhaps after a currency sign? */
static bool
is_dash_word(const char *s, int len)
{
	int			i = sign_len(s, len);
	int			n = 0;

	while (i < len)
	{
		int			d = dash_len(s + i, len - i);

		if (d == 0)
			return false;
		i += d;
		n++;
	}
	return n > 0 && n <= 3;
}

/* is the separator at position k of core a thousands separator? */
static char
decimal_sep(const char *core, int n, bool euro)
{
	int			ncomma = 0,
				ndot = 0,
				last = -1;

	for (int i = 0; i < n; i++)
	{
		if (core[i] == ',')
			ncomma++;
		else if (core[i] == '.')
			ndot++;
		if (core[i] == ',' || core[i] == '.')
			last = i;
	}
	if (last < 0)
		return 0;
	if (ncomma && ndot)
		return core[last];
	if (memchr(core, '\'', (size_t) n) != NULL)
	{
		/* 1'234.5, 1 234,567: after blank or apostrophe groups, a single
		 * comma or dot at the end is the decimal mark */
		const char *q = memchr(core, '\'', (size_t) n);

		return ncomma + ndot == 1 && q < core + last ? core[last] : 0;
	}
	if (ncomma >= 2 || ndot >= 2)
		return 0;
	if (n - last - 1 != 3)
		return core[last];		/* 1.5, 0,27: a decimal */
	if (euro)
		return core[last] == ',' ? ',' : 0;
	return core[last] == '.' ? '.' : 0;
}

/* check digit grouping and write the plain number; false if malformed */
static bool
normalise_core(const char *core, int n, bool euro, bool neg, char *out,
			   int outsz)
{
	char		dec = decimal_sep(core, n, euro);
	char		ip[MAX_DIGITS + 1],
				fp[MAX_DIGITS + 1];
	int			ni = 0,
				nf = 0,
				group = -1,
				ngroups = 0;
	bool		infrac = false;
	int			k = 0;

	if (n == 0 || core[0] < '0' || core[0] > '9' ||
		core[n - 1] < '0' || core[n - 1] > '9')
		return false;
	for (int i = 0; i < n; i++)
	{
		char		c = core[i];

		if (c >= '0' && c <= '9')
		{
			if (infrac)
			{
				if (nf >= MAX_DIGITS)
					return false;
				fp[nf++] = c;
			}
			else
			{
				if (ni >= MAX_DIGITS)
					return false;
				ip[ni++] = c;
				if (group >= 0)
					group++;
			}
		}
		else if (c == dec && !infrac)
		{
			if (group >= 0 && group != 3)
				return false;
			infrac = true;
		}
		else if ((c == ',' || c == '.' || c == '\'') && !infrac)
		{
			if (group >= 0 && group != 3 && group != 2)
				return false;
			if (group < 0 && ni > 3)
				return false;
			group = 0;
			ngroups++;
		}
		else
			return false;
	}
	if (group >= 0 && group != 3)
		return false;
	/* drop leading zeros of the integer part */
	while (k < ni - 1 && ip[k] == '0')
		k++;
	{
		bool		zero = true;
		int			o = 0;

		for (int i = k; i < ni; i++)
			zero = zero && ip[i] == '0';
		for (int i = 0; i < nf; i++)
			zero = zero && fp[i] == '0';
		if (outsz < ni - k + nf + 3)
			return false;
		if (neg && !zero)
			out[o++] = '-';
		for (int i = k; i < ni; i++)
			out[o++] = ip[i];
		if (nf > 0)
		{
			out[o++] = '.';
			for (int i = 0; i < nf; i++)
				out[o++] = fp[i];
		}
		out[o] = '\0';
	}
	(void) ngroups;
	return true;
}

/*
 * What is this word?  For amounts, dashes and percentages the plain decimal
 * goes to out; *strong tells whether the word could only be an amount
 * (separators, sign, parentheses, decimals or five digits and more).
 */
fx_tok
fx_classify_word(const char *s, int len, bool euro, char *out, int outsz,
				 bool *strong)
{
	int			i = 0,
				e = len,
				m;
	bool		neg = false,
				paren = false,
				pct = false,
				sym = false;

	*strong = false;
	if (outsz > 0)
		out[0] = '\0';
	if (len <= 0)
		return FX_TOK_TEXT;
	if (len == 1 && (s[0] == '(' || s[0] == ')'))
		return FX_TOK_PAREN;
	if (sign_len(s, len) == len || (len == 3 && memcmp(s, "($)", 3) == 0))
		return FX_TOK_SYMBOL;
	if (is_dash_word(s, len))
	{
		if (outsz >= 2)
			strcpy(out, "0");
		*strong = true;
		return FX_TOK_DASH;
	}
	/* leading: sign, parenthesis, currency sign, in any order */
	for (int guard = 0; guard < 4 && i < e; guard++)
	{
		if (s[i] == '(' && !paren)
			paren = true, i++;
		else if ((m = minus_len(s + i, e - i)) > 0 && !neg)
		{
			neg = true, i += m;
			if (i + 1 < e && s[i] == ' ' && s[i + 1] >= '0' && s[i + 1] <= '9')
				i++;			/* "- 834", joined from the layout */
		}
		else if ((m = triangle_len(s + i, e - i)) > 0 && !neg)
			neg = true, i += m;
		else if (s[i] == '+')
			i++;
		else if ((m = sign_len(s + i, e - i)) > 0 && !sym)
			sym = true, i += m;
		else
			break;
	}
	/*
	 * trailing: footnote mark, parenthesis, percent, currency sign, minus
	 * ("1 234-")
	 */
	for (int guard = 0; guard < 5 && e > i; guard++)
	{
		if (guard == 0 && e - i > 1 &&
			(m = footnote_len(s + i, e - i)) > 0)
			e -= m;
		else if (s[e - 1] == ')' && paren)
		{
			paren = false, neg = true, e--;
			while (e > i && s[e - 1] == ' ')
				e--;			/* "(2,167 )" */
		}
		else if (s[e - 1] == '%' && !pct)
		{
			pct = true, e--;
			if (e - i > 1 && s[e - 1] == ' ')
				e--;			/* "6.7 %", joined from the layout */
		}
		else if (e - i > 3 && sign_len(s + e - 3, 3) == 3)
			e -= 3;
		else if (e - i > 2 && sign_len(s + e - 2, 2) == 2)
			e -= 2;
		else if (!neg && !paren && e - i > 1 && s[e - 1] == '-')
			neg = true, e--;
		else if (!neg && !paren && e - i > 3 &&
				 minus_len(s + e - 3, 3) == 3 &&
				 (unsigned char) s[e - 1] == 0x92)
			neg = true, e -= 3;
		else
			break;
	}
	if (paren)
		return FX_TOK_TEXT;		/* unbalanced "(12" */
	if (e - i <= 0 || e - i > 3 * MAX_DIGITS)
		return FX_TOK_TEXT;
	/* blank, apostrophe and thin-space groups become one mark: ' */
	{
		char		core[3 * MAX_DIGITS + 1];
		int			n = 0;

		for (int k = i; k < e;)
		{
			int			g = fx_group_sep_len(s + k, e - k);

			if (g > 0)
			{
				core[n++] = '\'';
				k += g;
			}
			else
				core[n++] = s[k++];
		}
		/* "$000", "£'000", "000": a scale caption, never an amount */
		if (!neg && !pct && ((n == 3 && memcmp(core, "000", 3) == 0) ||
							 (n == 4 && memcmp(core, "'000", 4) == 0)))
			return FX_TOK_TEXT;
		if (!normalise_core(core, n, euro, neg, out, outsz))
		{
			if (outsz > 0)
				out[0] = '\0';
			return FX_TOK_TEXT;
		}
		*strong = neg || sym || strchr(out, '.') != NULL || n >= 5 ||
			memchr(core, ',', (size_t) n) != NULL ||
			memchr(core, '.', (size_t) n) != NULL ||
			memchr(core, '\'', (size_t) n) != NULL;
	}
	return pct ? FX_TOK_PERCENT : FX_TOK_AMOUNT;
}

/* is the word a plain year 1900..2100 (perhaps with a footnote mark)? */
bool
fx_is_year_word(const char *s, int len)
{
	int			y = 0;

	/* a heading's footnote mark: "2022(1)", "2021*", a superscript */
	if (len > 4)
		len -= footnote_len(s, len);
	if (len != 4)
		return false;
	for (int i = 0; i < 4; i++)
	{
		if (s[i] < '0' || s[i] > '9')
			return false;
		y = y * 10 + (s[i] - '0');
	}
	return y >= 1900 && y <= 2100;
}

/*
 * Are the digit groups of a number well formed: 1-3 digits first, then
 * groups of 3, up to the separator at dec (which may end a decimal part)?
 */
static bool
groups_ok(const char *s, int n, int dec)
{
	int			g = 0,
				ngroups = 0;

	for (int k = 0; k < n; k++)
	{
		if (s[k] >= '0' && s[k] <= '9')
		{
			g++;
			continue;
		}
		if (k == dec)
			return ngroups == 0 ? g >= 1 : g == 3;
		if ((ngroups == 0 && (g < 1 || g > 3)) || (ngroups > 0 && g != 3))
			return false;
		ngroups++;
		g = 0;
	}
	return ngroups == 0 || g == 3;
}

/*
 * Vote on the number format of a word: +1 for European (1.234,5 or 0,27),
 * -1 for US/UK (1,234.5 or 0.27), 0 when it tells nothing.
 */
int
fx_euro_vote(const char *s0, int len0)
{
	char		s[3 * MAX_DIGITS + 1];
	int			len = 0,
				i = 0,
				e,
				last = -1,
				ncomma = 0,
				ndot = 0,
				ndig = 0;

	/* blank and apostrophe groups tell nothing: drop them */
	for (int k = 0; k < len0 && len < 3 * MAX_DIGITS;)
	{
		int			g = fx_group_sep_len(s0 + k, len0 - k);

		if (g > 0)
			k += g;
		else
			s[len++] = s0[k++];
	}
	e = len;
	while (i < e && (s[i] == '(' || s[i] == '-' || s[i] == '$' ||
					 (unsigned char) s[i] >= 0x80))
		i++;
	while (e > i && (s[e - 1] == ')' || s[e - 1] == '%' ||
					 (unsigned char) s[e - 1] >= 0x80))
		e--;
	for (int k = i; k < e; k++)
	{
		if (s[k] == ',')
			ncomma++, last = k;
		else if (s[k] == '.')
			ndot++, last = k;
		else if (s[k] >= '0' && s[k] <= '9')
			ndig++;
		else
			return 0;
	}
	if (last < 0 || ndig == 0 || last == e - 1 || last == i)
		return 0;
	if (!groups_ok(s + i, e - i, last - i))
		return 0;				/* 31.12.2021 is a date, not a number */
	if (ncomma && ndot)
		return s[last] == ',' ? 1 : -1;
	if (ndot >= 2)
		return 1;
	if (ncomma >= 2)
		return -1;
	if (e - last - 1 == 3)
		return 0;				/* 1,234 or 1.234: either way */
	return s[last] == ',' ? 1 : -1;
}

/* case-insensitive match of a lowercase ASCII needle at s */
static bool
match_at(const char *s, int len, const char *needle)
{
	int			n = (int) strlen(needle);

	if (n > len)
		return false;
	for (int i = 0; i < n; i++)
	{
		char		c = s[i];

		if (c >= 'A' && c <= 'Z')
			c = (char) (c - 'A' + 'a');
		if (c != needle[i])
			return false;
	}
	return true;
}

/* is position i the start of a word (not preceded by a letter)? */
static bool
word_start(const char *s, int i)
{
	char		c;

	if (i == 0)
		return true;
	c = (char) (s[i - 1] | 32);
	return !(c >= 'a' && c <= 'z');
}

/* is position i the end of a word (not followed by a letter)? */
static bool
word_end(const char *s, int len, int i)
{
	char		c;

	if (i >= len)
		return true;
	c = (char) (s[i] | 32);
	return !(c >= 'a' && c <= 'z');
}

/*
 * Find the unit scale a caption declares ("In millions", "in '000 EUR",
 * "(millions of Canadian dollars)", "in EUR thousand", "R$ mil").  The
 * first one wins, so "(In millions, except ... in thousands)" gives
 * millions.
 * Returns a static decimal string or NULL.
 */
const char *
fx_find_unit_scale(const char *s, int len)
{
	static const struct
	{
		const char *w;
		const char *scale;
		bool		whole;
	}			units[] = {
		{"billion", "1000000000", false}, {"bn", "1000000000", true},
		{"million", "1000000", false}, {"mn", "1000000", true},
		{"mio", "1000000", true}, {"meur", "1000000", true},
		{"eurm", "1000000", true}, {"usdm", "1000000", true},
		{"thousand", "1000", false}, {"teur", "1000", true},
		/* French: "en milliers d'euros", "en millions", "en milliards" */
		{"milliers", "1000", false}, {"milliard", "1000000000", false},
		/* "EUR m", "USD m", "CHF k": a code, a blank, the scale letter */
		{"eur m", "1000000", true}, {"usd m", "1000000", true},
		{"chf m", "1000000", true}, {"gbp m", "1000000", true},
		{"eur k", "1000", true}, {"usd k", "1000", true},
		{"keur", "1000", true}, {"tsd", "1000", true},
		{"eurk", "1000", true}, {"'000", "1000", false},
		{"\xe2\x80\x98" "000", "1000", false},
		{"\xe2\x80\x99" "000", "1000", false},
		{"(000", "1000", false}, {"000s", "1000", false},
		{"000's", "1000", false}, {"$000", "1000", false},
		{"\xe2\x82\xac" "000", "1000", false},
		{"\xc2\xa3" "000", "1000", false},
		{"t\xe2\x82\xac", "1000", false}, {"k\xe2\x82\xac", "1000", false},
		{"tchf", "1000", true}, {"kchf", "1000", true},
		{"tusd", "1000", true}, {"kusd", "1000", true},
		{"mrd", "1000000000", true}, {"mill", "1000000", true},
		{"m\xe2\x82\xac", "1000000", false},
		{"\xe2\x82\xac" "m", "1000000", true},
		{"\xc2\xa3" "m", "1000000", true}, {"$m", "1000000", true},
		{"mchf", "1000000", true}, {"chfm", "1000000", true},
		{"crore", "10000000", false}, {"lakh", "100000", false},
		/* Portuguese and Spanish: "R$ mil", "em milhares de reais", "en miles de pesos" */
		{"mil", "1000", true}, {"milhares", "1000", false},
		{"miles de", "1000", false}, {"millones", "1000000", false},
		{"milh\xc3\xb5" "es", "1000000", false},
		{NULL, NULL, false}
	};

	for (int i = 0; i < len; i++)
	{
		if (!word_start(s, i) && s[i] != '\'' && s[i] != '(' &&
			s[i] != '$' && (unsigned char) s[i] < 0xC0)
			continue;
		for (int u = 0; units[u].w; u++)
		{
			int			n = (int) strlen(units[u].w);

			if (match_at(s + i, len - i, units[u].w) &&
				(!units[u].whole || word_end(s, len, i + n)))
				return units[u].scale;
		}
	}
	return NULL;
}

/* currency names and codes, in the order they are looked for */
static const struct
{
	const char *w;
	const char *iso;
	bool		exact;			/* case-sensitive whole word */
}			names[] = {
	{"canadian dollar", "CAD", false}, {"australian dollar", "AUD", false},
	{"hong kong dollar", "HKD", false}, {"singapore dollar", "SGD", false},
	{"new zealand dollar", "NZD", false},
	{"philippine peso", "PHP", false}, {"mexican peso", "MXN", false},
	{"pounds sterling", "GBP", false}, {"pound sterling", "GBP", false},
	{"swiss franc", "CHF", false}, {"japanese yen", "JPY", false},
	{"renminbi", "CNY", false}, {"indian rupee", "INR", false},
	{"euro", "EUR", false}, {"u.s. dollar", "USD", false},
	{"us dollar", "USD", false}, {"dollars", "USD", false},
	{"USD", "USD", true}, {"EUR", "EUR", true}, {"GBP", "GBP", true},
	{"CHF", "CHF", true}, {"JPY", "JPY", true}, {"CAD", "CAD", true},
	{"AUD", "AUD", true}, {"PHP", "PHP", true}, {"Php", "PHP", true},
	{"CNY", "CNY", true}, {"RMB", "CNY", true}, {"INR", "INR", true},
	{"HKD", "HKD", true}, {"SGD", "SGD", true}, {"SEK", "SEK", true},
	{"NOK", "NOK", true}, {"DKK", "DKK", true}, {"PLN", "PLN", true},
	{"CZK", "CZK", true}, {"HUF", "HUF", true}, {"RON", "RON", true},
	{"BRL", "BRL", true}, {"ZAR", "ZAR", true}, {"KRW", "KRW", true},
	{"TWD", "TWD", true}, {"MXN", "MXN", true}, {"NZD", "NZD", true},
	{"Rs", "INR", true}, {"rupees", "INR", false}, {"swiss francs", "CHF", false},
	{"yen", "JPY", false}, {"pesos", "PHP", false}, {"reais", "BRL", false},
	{"TEUR", "EUR", true}, {"kEUR", "EUR", true}, {"EURm", "EUR", true},
	{"TCHF", "CHF", true}, {"kCHF", "CHF", true}, {"MCHF", "CHF", true},
	{"TUSD", "USD", true}, {"kUSD", "USD", true},
	{"mEUR", "EUR", true}, {"EURk", "EUR", true}, {"USDm", "USD", true},
	{NULL, NULL, false}
};

/* find a currency name or code (not a sign) in text */
static const char *
find_currency_name(const char *s, int len)
{
	const char *best = NULL;
	int			bestpos = len;

	for (int u = 0; names[u].w; u++)
	{
		int			n = (int) strlen(names[u].w);

		for (int i = 0; i + n <= len && i < bestpos; i++)
		{
			if (!word_start(s, i))
				continue;
			/* whole word, or its plural ("Canadian dollars") */
			if (!word_end(s, len, i + n) &&
				!(!names[u].exact && s[i + n] == 's' &&
				  word_end(s, len, i + n + 1)))
				continue;
			if (names[u].exact ? memcmp(s + i, names[u].w, (size_t) n) == 0
				: match_at(s + i, len - i, names[u].w))
			{
				best = names[u].iso;
				bestpos = i;
				break;
			}
		}
	}
	return best;
}

/*
 * Find the currency a text speaks of: a name or code first ("Canadian
 * dollars", "EUR"), else a sign ("$" -> USD, "\u20ac" -> EUR).  Writes the
 * ISO code to cur and returns true when found.
 */
bool
fx_find_currency(const char *s, int len, char cur[4])
{
	const char *iso = find_currency_name(s, len);

	if (iso == NULL)
	{
		for (int i = 0; i < len && iso == NULL; i++)
		{
			for (int k = 0; signs[k].sign; k++)
			{
				int			n = (int) strlen(signs[k].sign);

				if (n <= len - i && memcmp(s + i, signs[k].sign, (size_t) n) == 0 &&
					(n > 1 || (unsigned char) s[i] >= 0x80 || word_start(s, i)) &&
					(!is_alpha(s[i]) || (word_start(s, i) &&
										 word_end(s, len, i + n))))
				{
					iso = signs[k].iso;
					break;
				}
			}
		}
	}
	if (iso == NULL)
		return false;
	memcpy(cur, iso, 4);
	return true;
}

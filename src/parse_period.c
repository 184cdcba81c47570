/*-------------------------------------------------------------------------
 *
 * parse_period.c
 *	  Period headings: from "Three Months Ended July 1, 2023",
 *	  "13 Weeks Ended January 28, 2023", "1.1.-30.06.2021", "31.12.2020" or
 *	  "2018" to an end date (as much of it as is printed) and a length in
 *	  months (weeks map 13 -> 3, 26 -> 6, 39 -> 9, 52/53 -> 12; a range
 *	  gives its own length).
 *
 * The text is cut into tokens (numbers, lowercase words, punctuation) and
 * matched against a few date shapes; the last date found is the end.
 *
 *-------------------------------------------------------------------------
 */
#include "parse_int.h"

#include <string.h>

#define MAX_TOKENS	64

typedef enum tok_kind
{
	T_NUM,
	T_WORD,
	T_PUNCT
} tok_kind;

typedef struct ptok
{
	tok_kind	kind;
	int			num;			/* T_NUM: value (capped) */
	int			ndig;			/* T_NUM: digits */
	char		word[16];		/* T_WORD: lowercase; T_PUNCT: the char */
	bool		space;			/* blank before it */
	int			off;			/* byte offset of its first char */
	int			endoff;			/* byte offset after its last char */
} ptok;

typedef struct pdate
{
	int			y;
	int			m;
	int			d;
	int			pos;			/* token index where it starts */
	int			endpos;			/* one past its last token */
} pdate;

/* month names (English, German, French) and their numbers */
static const struct
{
	const char *name;
	int			month;
}			months[] = {
	{"january", 1}, {"jan", 1}, {"januar", 1}, {"janvier", 1},
	{"february", 2}, {"feb", 2}, {"februar", 2},
	{"march", 3}, {"mar", 3}, {"m\xc3\xa4rz", 3}, {"mars", 3},
	{"april", 4}, {"apr", 4}, {"avril", 4},
	{"may", 5}, {"mai", 5},
	{"june", 6}, {"jun", 6}, {"juni", 6}, {"juin", 6},
	{"july", 7}, {"jul", 7}, {"juli", 7}, {"juillet", 7},
	{"august", 8}, {"aug", 8},
	{"september", 9}, {"sep", 9}, {"sept", 9},
	{"october", 10}, {"oct", 10}, {"oktober", 10}, {"octobre", 10},
	{"november", 11}, {"nov", 11},
	{"december", 12}, {"dec", 12}, {"dezember", 12}, {"decembre", 12},
	{NULL, 0}
};

/* month number of a lowercase word, or 0 */
static int
month_of(const char *w)
{
	for (int i = 0; months[i].name; i++)
		if (strcmp(w, months[i].name) == 0)
			return months[i].month;
	return 0;
}

/* is the word (any case, a '.' or ',' after it) a month's name? */
bool
fx_is_month_word(const char *s, int len)
{
	char		w[16];

	while (len > 0 && (s[len - 1] == '.' || s[len - 1] == ','))
		len--;
	if (len <= 0 || len >= (int) sizeof(w))
		return false;
	for (int i = 0; i < len; i++)
		w[i] = (char) (s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i]);
	w[len] = '\0';
	return month_of(w) > 0;
}

/* does an en or em dash (UTF-8) start at s[i]?  It joins "January–June". */
static bool
is_dash_at(const char *s, int len, int i)
{
	return i + 2 < len && (unsigned char) s[i] == 0xE2 &&
		(unsigned char) s[i + 1] == 0x80 &&
		((unsigned char) s[i + 2] == 0x93 || (unsigned char) s[i + 2] == 0x94);
}

/* cut text into tokens; returns their number */
static int
tokenize(const char *s, int len, ptok *t, int maxt)
{
	int			n = 0;
	bool		space = true;

	for (int i = 0; i < len && n < maxt;)
	{
		unsigned char c = (unsigned char) s[i];
		ptok	   *k = &t[n];

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
		{
			space = true;
			i++;
			continue;
		}
		memset(k, 0, sizeof(*k));
		k->space = space;
		k->off = i;
		space = false;
		if (c >= '0' && c <= '9')
		{
			k->kind = T_NUM;
			while (i < len && s[i] >= '0' && s[i] <= '9')
			{
				if (k->num < 100000)
					k->num = k->num * 10 + (s[i] - '0');
				k->ndig++;
				i++;
			}
		}
		else if ((c | 32) >= 'a' && (c | 32) <= 'z')
		{
			int			wl = 0;

			k->kind = T_WORD;
			while (i < len && ((((unsigned char) s[i] | 32) >= 'a' &&
								((unsigned char) s[i] | 32) <= 'z') ||
							   ((unsigned char) s[i] >= 0x80 &&
								!is_dash_at(s, len, i))))
			{
				if (wl < 15)
					k->word[wl++] = (char) (s[i] >= 'A' && s[i] <= 'Z' ?
											s[i] - 'A' + 'a' : s[i]);
				i++;
			}
		}
		else if (is_dash_at(s, len, i))
		{
			k->kind = T_PUNCT;
			k->word[0] = '-';
			i += 3;
		}
		else
		{
			k->kind = T_PUNCT;
			k->word[0] = (char) c;
			i++;
			while (i < len && ((unsigned char) s[i] & 0xC0) == 0x80)
				i++;
		}
		k->endoff = i;
		n++;
	}
	return n;
}

/* is t[i] a punctuation token with character c? */
static bool
is_p(const ptok *t, int n, int i, char c)
{
	return i < n && t[i].kind == T_PUNCT && t[i].word[0] == c;
}

/* is t[i] a number of 1..maxdig digits? */
static bool
is_n(const ptok *t, int n, int i, int maxdig)
{
	return i < n && t[i].kind == T_NUM && t[i].ndig <= maxdig;
}

/* a 4-digit (or 2-digit, taken as 20xx) year at t[i], or 0 */
static int
year_at(const ptok *t, int n, int i, bool allow2)
{
	if (i >= n || t[i].kind != T_NUM)
		return 0;
	if (t[i].ndig == 4 && t[i].num >= 1900 && t[i].num <= 2100)
		return t[i].num;
	if (allow2 && t[i].ndig == 2)
		return 2000 + t[i].num;
	return 0;
}

/* numeric date d.m.y, d.m. (no year), y-m-d or m/d/y at t[i] */
static bool
numeric_date(const ptok *t, int n, int i, pdate *d)
{
	memset(d, 0, sizeof(*d));
	d->pos = i;
	if (year_at(t, n, i, false) && is_p(t, n, i + 1, '-') &&
		is_n(t, n, i + 2, 2) && is_p(t, n, i + 3, '-') && is_n(t, n, i + 4, 2))
	{
		d->y = t[i].num, d->m = t[i + 2].num, d->d = t[i + 4].num;
		d->endpos = i + 5;
	}
	else if (is_n(t, n, i, 2) && is_p(t, n, i + 1, '.') &&
			 is_n(t, n, i + 2, 2) && is_p(t, n, i + 3, '.') &&
			 !t[i + 2].space)
	{
		d->d = t[i].num, d->m = t[i + 2].num;
		d->y = year_at(t, n, i + 4, true);
		d->endpos = d->y && !t[i + 4].space ? i + 5 : i + 4;
	}
	else if (is_n(t, n, i, 2) && is_p(t, n, i + 1, '/') &&
			 is_n(t, n, i + 2, 2) && is_p(t, n, i + 3, '/') &&
			 year_at(t, n, i + 4, true))
	{
		int			a = t[i].num,
					b = t[i + 2].num;

		d->y = year_at(t, n, i + 4, true);
		d->m = a <= 12 ? a : b;
		d->d = a <= 12 ? b : a;
		d->endpos = i + 5;
	}
	else
		return false;
	return d->m >= 1 && d->m <= 12 && d->d >= 1 && d->d <= 31;
}

/*
 * Past an ordinal's letters glued to the day at t[j - 1] ("31st", "2nd",
 * "23rd", "30th"), as Indian and some British reports print dates.
 */
static int
skip_ordinal(const ptok *t, int n, int j)
{
	if (j < n && t[j].kind == T_WORD && !t[j].space &&
		(strcmp(t[j].word, "st") == 0 || strcmp(t[j].word, "nd") == 0 ||
		 strcmp(t[j].word, "rd") == 0 || strcmp(t[j].word, "th") == 0))
		return j + 1;
	return j;
}

/*
 * Is the number at t[j] an ordinal that counts a length, not a day
 * ("September 3rd quarter 2023", "June 2nd half")?
 */
static bool
ordinal_of_length(const ptok *t, int n, int j)
{
	int			k = skip_ordinal(t, n, j + 1);

	return k > j + 1 && k < n && t[k].kind == T_WORD &&
		(strcmp(t[k].word, "quarter") == 0 || strcmp(t[k].word, "half") == 0 ||
		 strcmp(t[k].word, "qtr") == 0);
}

/*
 * "July 1, 2023", "Jan. 28 2023", "December 2020", "31 December 2020",
 * "31st March, 2023"
 */
static bool
word_date(const ptok *t, int n, int i, pdate *d)
{
	int			m,
				j;

	memset(d, 0, sizeof(*d));
	d->pos = i;
	if (i < n && t[i].kind == T_WORD && (m = month_of(t[i].word)) > 0)
	{
		j = i + 1;
		if (is_p(t, n, j, '.'))
			j++;
		d->m = m;
		if (is_n(t, n, j, 2) && t[j].num >= 1 && t[j].num <= 31 &&
			!ordinal_of_length(t, n, j))
		{
			d->d = t[j].num;
			j = skip_ordinal(t, n, j + 1);
			if (is_p(t, n, j, ','))
				j++;
		}
		d->y = year_at(t, n, j, false);
		d->endpos = d->y ? j + 1 : j;
		return d->d > 0 || d->y > 0;
	}
	if (is_n(t, n, i, 2) && t[i].num >= 1 && t[i].num <= 31)
	{
		bool		dashed = is_p(t, n, i + 1, '-') && !t[i + 1].space;

		j = skip_ordinal(t, n, i + 1);
		if (is_p(t, n, j, '.') || dashed)
			j++;
		if (j < n && t[j].kind == T_WORD && (m = month_of(t[j].word)) > 0)
		{
			d->d = t[i].num;
			d->m = m;
			j++;
			if (is_p(t, n, j, ','))
				j++;
			/* "31-Dec-22": a two-digit year only in the dashed form */
			if (dashed && is_p(t, n, j, '-') && j + 1 < n &&
				!t[j + 1].space)
				j++;
			d->y = year_at(t, n, j, dashed);
			d->endpos = d->y ? j + 1 : j;
			return true;
		}
	}
	return false;
}

/*
 * The unit word after a count at t[i]: the next token, or the one after a
 * hyphen that joins them ("six-month", "13-week"); n when none.
 */
static int
unit_after(const ptok *t, int n, int i)
{
	if (i + 2 < n && is_p(t, n, i + 1, '-') && !t[i + 1].space &&
		!t[i + 2].space && t[i + 2].kind == T_WORD)
		return i + 2;
	return i + 1;
}

/*
 * The count a number word at t[i] names ("thirteen", "twenty-six",
 * "fifty two"), 0 when none; *last is its last token.
 */
static int
count_word_at(const ptok *t, int n, int i, int *last)
{
	static const char *const ones[] = {
		"one", "two", "three", "four", "five", "six", "seven", "eight",
		"nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen",
		"sixteen", "seventeen", "eighteen", "nineteen", NULL
	};
	static const char *const tens[] = {"twenty", "thirty", "forty", "fifty",
	NULL};

	*last = i;
	if (t[i].kind != T_WORD)
		return 0;
	for (int k = 0; ones[k]; k++)
		if (strcmp(t[i].word, ones[k]) == 0)
			return k + 1;
	for (int k = 0; tens[k]; k++)
	{
		size_t		tl = strlen(tens[k]);

		/* "thirty-nine" read as one word */
		if (strncmp(t[i].word, tens[k], tl) == 0 && t[i].word[tl] == '-')
			for (int u = 0; u < 9; u++)
				if (strcmp(t[i].word + tl + 1, ones[u]) == 0)
					return 20 + 10 * k + u + 1;
		if (strcmp(t[i].word, tens[k]) == 0)
		{
			int			j = i + 1;

			if (j + 1 < n && is_p(t, n, j, '-') && !t[j].space &&
				!t[j + 1].space)
				j++;			/* "twenty-six" */
			for (int u = 0; u < 9 && j < n && t[j].kind == T_WORD; u++)
				if (strcmp(t[j].word, ones[u]) == 0)
				{
					*last = j;
					return 20 + 10 * k + u + 1;
				}
			return 20 + 10 * k;
		}
	}
	return 0;
}

/*
 * Months of a length in weeks spelt out at t[i] ("Thirteen Weeks",
 * "Twenty-Six Weeks", "Fifty-Two Weeks"), 0 when none.
 */
static int
word_weeks_at(const ptok *t, int n, int i)
{
	int			last,
				q = count_word_at(t, n, i, &last),
				u = last + 1,
				prev;

	/* "nine" of "thirty-nine" is no count of its own */
	if (i > 0 && ((is_p(t, n, i - 1, '-') && !t[i].space) ||
				  (count_word_at(t, n, i - 1, &prev) >= 20 && prev == i)))
		return 0;
	if (i > 1 && is_p(t, n, i - 1, '-') &&
		count_word_at(t, n, i - 2, &prev) >= 20)
		return 0;
	if (q < 4 || u >= n || t[u].kind != T_WORD ||
		strncmp(t[u].word, "week", 4) != 0)
		return 0;
	return q >= 52 ? 12 : (q * 3 + 6) / 13;
}

/* months of a duration word group at t[i] ("three months", "13 weeks") */
static int
duration_at(const ptok *t, int n, int i)
{
	static const char *const nums[] = {
		"one", "two", "three", "four", "five", "six", "seven", "eight",
		"nine", "ten", "eleven", "twelve", NULL
	};
	int			q = 0,
				u = unit_after(t, n, i);

	if (u >= n || t[u].kind != T_WORD)
		return 0;
	if (t[i].kind == T_NUM && t[i].ndig <= 2)
		q = t[i].num;
	else if (t[i].kind == T_WORD)
		for (int k = 0; nums[k]; k++)
			if (strcmp(t[i].word, nums[k]) == 0)
				q = k + 1;
	if (q == 0)
		return 0;
	if (strncmp(t[u].word, "month", 5) == 0)
		return q <= 24 ? q : 0;
	if (strncmp(t[u].word, "week", 4) == 0)
		return q >= 50 ? 12 : (q + 2) / 4 - (q >= 39 ? 0 : 0);
	return 0;
}

/* weeks to months: 13 -> 3, 26 -> 6, 39 -> 9, 52/53 -> 12 */
static int
weeks_to_months(int w)
{
	if (w >= 52)
		return 12;
	return (w * 3 + 6) / 13;
}

/* do t[i] ("year") and the words after it read "year to date"? */
static bool
year_to_date_at(const ptok *t, int n, int i)
{
	int			j = i + 1;

	if (j < n && is_p(t, n, j, '-'))
		j++;
	if (j >= n || t[j].kind != T_WORD || strcmp(t[j].word, "to") != 0)
		return false;
	j++;
	if (j < n && is_p(t, n, j, '-'))
		j++;
	return j < n && t[j].kind == T_WORD && strcmp(t[j].word, "date") == 0;
}

/* the length in months that words such as "three months" or "year" give */
static int
months_from_tokens(const ptok *t, int n)
{
	int			yearish = 0;

	for (int i = 0; i < n; i++)
	{
		int			u = unit_after(t, n, i);

		if (t[i].kind == T_NUM && u < n && t[u].kind == T_WORD &&
			strncmp(t[u].word, "week", 4) == 0 && t[i].ndig <= 2)
			return weeks_to_months(t[i].num);
		if (word_weeks_at(t, n, i) > 0)
			return word_weeks_at(t, n, i);
		if (duration_at(t, n, i) > 0 &&
			strncmp(t[u].word, "month", 5) == 0)
			return duration_at(t, n, i);
		/*
		 * "6M 2023", "9M23", "2023 6M": a number glued to M beside a year
		 * ("3M Company" is a name, not a length)
		 */
		if (t[i].kind == T_NUM && t[i].ndig <= 2 && i + 1 < n &&
			t[i + 1].kind == T_WORD && !t[i + 1].space &&
			strcmp(t[i + 1].word, "m") == 0 && t[i].num >= 1 &&
			t[i].num <= 12 && t[i].num % 3 == 0 &&
			((i + 2 < n && t[i + 2].kind == T_NUM &&
			  (t[i + 2].ndig == 2 || year_at(t, n, i + 2, false))) ||
			 (i + 2 == n && i > 0 && year_at(t, n, i - 1, false))))
			return t[i].num;
		if (t[i].kind == T_WORD)
		{
			const char *w = t[i].word;

			if (strcmp(w, "quarter") == 0 || strcmp(w, "quarters") == 0 ||
				strcmp(w, "quarterly") == 0)
				return 3;
			if (strcmp(w, "half") == 0 || strcmp(w, "semester") == 0 ||
				strcmp(w, "h") == 0 || strcmp(w, "hy") == 0)
				return 6;
			/* "Year to Date", "Year-to-Date", "YTD": no length of its own */
			if (strcmp(w, "ytd") == 0 ||
				(strcmp(w, "year") == 0 && year_to_date_at(t, n, i)))
				return 0;
			if (strcmp(w, "year") == 0 || strcmp(w, "years") == 0 ||
				strcmp(w, "fiscal") == 0 || strcmp(w, "annual") == 0 ||
				strcmp(w, "fy") == 0 || strcmp(w, "jahr") == 0 ||
				strcmp(w, "exercice") == 0)
				yearish = 12;
		}
	}
	return yearish;
}

/* number of days in a month */
static int
month_days(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (m < 1 || m > 12)
		return 31;
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

/* length in months of the range from a to b, or 0 */
static int
range_months(const pdate *a, const pdate *b)
{
	int			ay = a->y ? a->y : b->y;
	int			n;

	if (a->m == 0 || b->m == 0 || b->y == 0)
		return 0;
	if (!a->y && a->m > b->m)
		ay--;
	n = (b->y * 12 + b->m) - (ay * 12 + a->m);
	if (a->d <= 1 && b->d >= month_days(b->y, b->m) - 1)
		n++;
	return n >= 1 && n <= 24 ? n : 0;
}

/* collect the dates of a token list; returns their number */
static int
find_dates(const ptok *t, int n, pdate *dates, int maxd)
{
	int			nd = 0;

	for (int i = 0; i < n && nd < maxd;)
	{
		pdate		d;

		if (numeric_date(t, n, i, &d) || word_date(t, n, i, &d))
		{
			dates[nd++] = d;
			i = d.endpos > i ? d.endpos : i + 1;
			continue;
		}
		i++;
	}
	return nd;
}

/* a stand-alone year (also FY2023, FY23), scanning from the end */
static int
last_year(const ptok *t, int n)
{
	for (int i = n - 1; i >= 0; i--)
	{
		int			y = year_at(t, n, i, false);

		if (y && !(i + 1 < n && !t[i + 1].space && t[i + 1].kind == T_NUM))
			return y;
		if (t[i].kind == T_WORD && strcmp(t[i].word, "fy") == 0 &&
			i + 1 < n && !t[i + 1].space && t[i + 1].kind == T_NUM &&
			t[i + 1].ndig == 2)
			return 2000 + t[i + 1].num;
	}
	return 0;
}

/*
 * A quarter in words at t[i], "3rd quarter" or "third quarter": 1..4, the
 * token after "quarter" (and an "of" or "fiscal" after it) in *next.
 */
static int
word_quarter(const ptok *t, int n, int i, int *next)
{
	static const char *const ordinals[] = {"first", "second", "third", "fourth"};
	int			q = 0,
				k = i + 1;

	if (is_n(t, n, i, 1) && t[i].num >= 1 && t[i].num <= 4 &&
		skip_ordinal(t, n, i + 1) == i + 2)
		q = t[i].num, k = i + 2;
	else if (i < n && t[i].kind == T_WORD)
		for (int o = 0; o < 4; o++)
			if (strcmp(t[i].word, ordinals[o]) == 0)
				q = o + 1;
	if (q == 0 || k >= n || t[k].kind != T_WORD ||
		strcmp(t[k].word, "quarter") != 0)
		return 0;
	k++;
	while (k < n && t[k].kind == T_WORD &&
		   (strcmp(t[k].word, "of") == 0 || strcmp(t[k].word, "fiscal") == 0))
		k++;
	*next = k;
	return q;
}

/*
 * A fiscal quarter "Q3 2023", "Q3 FY23", "3Q23", "3Q 2023", "3rd quarter
 * 2023", "third quarter of fiscal 2023" at t[i]: 1..4
 */
static int
quarter_at(const ptok *t, int n, int i, int *year, int *endpos)
{
	int			q = 0,
				j = 0;

	if (i >= n)
		return 0;
	if (t[i].kind == T_WORD && strcmp(t[i].word, "q") == 0 &&
		is_n(t, n, i + 1, 1) && !t[i + 1].space)
		q = t[i + 1].num, j = i + 2;
	else if (is_n(t, n, i, 1) && i + 1 < n && t[i + 1].kind == T_WORD &&
			 strcmp(t[i + 1].word, "q") == 0 && !t[i + 1].space)
		q = t[i].num, j = i + 2;
	else
		q = word_quarter(t, n, i, &j);
	if (q < 1 || q > 4)
		return 0;
	if (j < n && t[j].kind == T_WORD && strcmp(t[j].word, "fy") == 0)
		j++;
	if (year_at(t, n, j, false))
		*year = t[j].num;
	else if (is_n(t, n, j, 2) && t[j].ndig == 2)
		*year = 2000 + t[j].num;
	else
		return 0;
	*endpos = j + 1;
	return q;
}

/* is t[i] the word or dash that joins the two dates of a range? */
static bool
is_range_join(const ptok *t, int n, int i)
{
	if (is_p(t, n, i, '-'))
		return true;
	return i < n && t[i].kind == T_WORD &&
		(strcmp(t[i].word, "to") == 0 || strcmp(t[i].word, "bis") == 0 ||
		 strcmp(t[i].word, "through") == 0 || strcmp(t[i].word, "au") == 0);
}

/*
 * The first token of a half-year or length mark just before a year ("H1
 * 2023", "1H 2023", "6M 2023"), part of the period's heading; else dflt.
 */
static int
length_mark_before(const ptok *t, int i, int dflt)
{
	/* the mark's two parts are glued to each other, not to a word before */
	if (i < 2 || t[i - 1].space || (i > 2 && !t[i - 2].space))
		return dflt;
	if (t[i - 2].kind == T_WORD && strcmp(t[i - 2].word, "h") == 0 &&
		t[i - 1].kind == T_NUM && (t[i - 1].num == 1 || t[i - 1].num == 2) &&
		t[i - 1].ndig == 1)
		return i - 2;
	if (t[i - 2].kind == T_NUM && t[i - 2].ndig <= 2 &&
		t[i - 1].kind == T_WORD &&
		((strcmp(t[i - 1].word, "h") == 0 && (t[i - 2].num == 1 || t[i - 2].num == 2)) ||
		 (strcmp(t[i - 1].word, "m") == 0 && t[i - 2].num % 3 == 0 &&
		  t[i - 2].num >= 3 && t[i - 2].num <= 12)))
		return i - 2;
	return dflt;
}

/*
 * The month a range of whole months starts in, when the month word at
 * t[pos] ends one ("Jan-Jun", "Jan.-Sept.", "July to September"); 0 if not.
 */
static int
month_range_start(const ptok *t, int pos, int *first)
{
	int			j = pos - 1;
	int			n = pos;

	if (j < 1 || !is_range_join(t, n, j))
		return 0;
	j--;
	if (j >= 1 && is_p(t, n, j, '.'))
		j--;
	if (first)
		*first = j;
	return t[j].kind == T_WORD ? month_of(t[j].word) : 0;
}

/* a quarter without its year, "Q1" or "1Q" at t[i] (two tokens): 1..4 */
static int
bare_quarter(const ptok *t, int n, int i)
{
	if (i + 1 >= n || t[i + 1].space)
		return 0;
	if (t[i].kind == T_WORD && strcmp(t[i].word, "q") == 0 && is_n(t, n, i + 1, 1) &&
		t[i + 1].num >= 1 && t[i + 1].num <= 4)
		return t[i + 1].num;
	if (is_n(t, n, i, 1) && t[i].num >= 1 && t[i].num <= 4 &&
		t[i + 1].kind == T_WORD && strcmp(t[i + 1].word, "q") == 0)
		return t[i].num;
	return 0;
}

/*
 * The periods a heading lists, in order: dates (a range "1.1.-30.6.2021"
 * is one), quarters and bare years ("2023", "FY2023").  A date without a
 * year is not an item: "December 31," only qualifies the items.  Returns
 * their number (at most max are stored).
 */
int
fx_period_items(const char *s, int len, fx_pitem *items, int max)
{
	ptok		t[MAX_TOKENS];
	int			n = tokenize(s, len, t, MAX_TOKENS),
				ni = 0,
				after_last = 0; /* first token after the last item */

	for (int i = 0; i < n;)
	{
		pdate		d;
		int			y,
					e,
					first,
					start = i;
		fx_pitem	it;

		it.year_off = -1;
		it.has_month = false;
		if (numeric_date(t, n, i, &d) || word_date(t, n, i, &d))
		{
			pdate		d2;

			e = d.endpos > i ? d.endpos : i + 1;
			if (is_range_join(t, n, e) && e + 1 < n &&
				(numeric_date(t, n, e + 1, &d2) || word_date(t, n, e + 1, &d2)))
			{
				d = d2;
				e = d2.endpos > e + 1 ? d2.endpos : e + 2;
			}
			i = e;
			if (d.y == 0)
				continue;
			it.has_month = true;
			it.year_off = t[e - 1].off;
			/* "Jan-Jun 2023": the range starts at its first month */
			if (d.d == 0 && month_range_start(t, d.pos, &first) > 0 &&
				first >= after_last && first < start)
				start = first;
		}
		else if (quarter_at(t, n, i, &y, &e))
		{
			it.year_off = t[e - 1].off;
			i = e;
		}
		else if (bare_quarter(t, n, i) > 0 && is_range_join(t, n, i + 2) &&
				 quarter_at(t, n, i + 3, &y, &e))
		{
			/* "Q1-Q3 2023" */
			it.year_off = t[e - 1].off;
			i = e;
		}
		else if (year_at(t, n, i, false) &&
				 !(i + 1 < n && !t[i + 1].space && t[i + 1].kind == T_NUM) &&
				 !(i > 0 && !t[i].space && t[i - 1].kind == T_NUM))
		{
			it.year_off = t[i].off;
			/* a glued prefix: "FY2023" */
			if (i > 0 && !t[i].space && t[i - 1].kind == T_WORD)
				start = i - 1;
			else if (t[i].space)
				start = length_mark_before(t, i, i);
			i++;
		}
		else
		{
			i++;
			continue;
		}
		it.off = t[start].off;
		it.end = t[i - 1].endoff;
		after_last = i;
		if (ni < max)
			items[ni] = it;
		ni++;
	}
	return ni;
}

/*
 * Does the heading name two different end dates (two full dates, or two
 * bare years)?  The start of a range is not an end.  A bare year beside a
 * date is no conflict: "Fiscal 2023" ends on "February 3, 2024".
 */
bool
fx_period_conflict(const char *s, int len)
{
	ptok		t[MAX_TOKENS];
	int			n = tokenize(s, len, t, MAX_TOKENS),
				ey = 0,
				em = 0,
				ed = 0,
				by = 0;

	for (int i = 0; i < n;)
	{
		pdate		d;

		if (numeric_date(t, n, i, &d) || word_date(t, n, i, &d))
		{
			int			e = d.endpos > i ? d.endpos : i + 1;

			i = e;
			if (is_range_join(t, n, e) || d.y == 0)
				continue;
			if (ey && (ey != d.y || (em && d.m && em != d.m) ||
					   (ed && d.d && ed != d.d)))
				return true;
			ey = d.y, em = d.m, ed = d.d;
			continue;
		}
		if (year_at(t, n, i, false) &&
			!(i + 1 < n && !t[i + 1].space && t[i + 1].kind == T_NUM) &&
			!(i > 0 && !t[i].space && t[i - 1].kind == T_NUM))
		{
			if (by && by != t[i].num)
				return true;
			by = t[i].num;
		}
		i++;
	}
	return false;
}

/*
 * The length the tokens name, 0 when none or when they count two different
 * ones in weeks or months ("13 Weeks Ended  52 Weeks Ended" read as one
 * heading: the headings of two columns run together, neither length is the
 * column's).
 */
static int
lone_length(const ptok *t, int n)
{
	int			counted = 0;

	for (int i = 0; i < n; i++)
	{
		int			u = unit_after(t, n, i);
		int			m = word_weeks_at(t, n, i);

		if (m > 0 && counted > 0 && m != counted)
			return 0;
		if (m > 0)
			counted = m;
		if (u >= n || t[u].kind != T_WORD || m > 0)
			continue;
		if (t[i].kind == T_NUM && strncmp(t[u].word, "week", 4) == 0 &&
			t[i].ndig <= 2)
			m = weeks_to_months(t[i].num);
		else if (duration_at(t, n, i) > 0 && strncmp(t[u].word, "month", 5) == 0)
			m = duration_at(t, n, i);
		if (m > 0 && counted > 0 && m != counted)
			return 0;
		if (m > 0)
			counted = m;
	}
	return months_from_tokens(t, n);
}

/*
 * Does a range of whole months in the heading ("January-September") count
 * other than months?  Then the heading names two lengths, a quarter and
 * the months to date, and neither is surely the column's.
 */
static bool
months_range_other(const ptok *t, int n, int months)
{
	for (int j = 2; j < n; j++)
	{
		int			m1,
					m2;

		if (t[j].kind != T_WORD || (m2 = month_of(t[j].word)) == 0 ||
			(m1 = month_range_start(t, j, NULL)) == 0)
			continue;
		if ((m2 - m1 + 12) % 12 + 1 != months)
			return true;
	}
	return false;
}

/*
 * Parse a period heading.  Fills end_year/month/day and months of p (the
 * label is left alone).  Returns true when at least a year was found.
 */
bool
fx_period_parse(const char *s, int len, fx_period *p)
{
	ptok		t[MAX_TOKENS];
	pdate		dates[8];
	int			n = tokenize(s, len, t, MAX_TOKENS);
	int			nd = find_dates(t, n, dates, 8);
	int			m1,
				q1;

	p->end_year = p->end_month = p->end_day = p->months = 0;
	p->quarter = 0;
	if (nd > 0)
	{
		pdate	   *e = &dates[nd - 1];

		p->end_year = e->y ? e->y : last_year(t, n);
		p->end_month = e->m;
		p->end_day = e->d;
		if (nd >= 2 && dates[nd - 2].d <= 1 && dates[nd - 2].m > 0)
		{
			pdate		b = *e;

			b.y = p->end_year;
			p->months = range_months(&dates[nd - 2], &b);
		}
		else if (e->d == 0 && e->m > 0 && p->end_year > 0 &&
				 (m1 = month_range_start(t, e->pos, NULL)) > 0)
		{
			/* "Jan-Jun 2023", "January to June 2023": whole months */
			p->end_day = month_days(p->end_year, e->m);
			p->months = (e->m - m1 + 12) % 12 + 1;
		}
	}
	else
	{
		int			qy = 0,
					qe;

		p->end_year = last_year(t, n);
		for (int i = 0; i < n && p->quarter == 0; i++)
			if ((p->quarter = quarter_at(t, n, i, &qy, &qe)) > 0)
			{
				p->end_year = qy;
				p->months = 3;
			}
			else if ((q1 = bare_quarter(t, n, i)) > 0 &&
					 is_range_join(t, n, i + 2) &&
					 (p->quarter = quarter_at(t, n, i + 3, &qy, &qe)) > q1)
			{
				/* "Q1-Q3 2023": the quarters from the first to the last */
				p->end_year = qy;
				p->months = (p->quarter - q1 + 1) * 3;
			}
			else
				p->quarter = 0;
		if (p->quarter > 0 && months_range_other(t, n, p->months))
		{
			p->quarter = p->months = 0;
			return p->end_year > 0;
		}
	}
	if (p->months == 0)
		p->months = lone_length(t, n);
	if (p->end_day > month_days(p->end_year, p->end_month))
		p->end_day = 0;
	return p->end_year > 0;
}

/*
 * The first slash date of a heading ("01/07/2012"), its two leading
 * numbers in *a and *b as printed, read as numeric_date reads it.
 */
bool
fx_slash_date(const char *s, int len, int *a, int *b)
{
	ptok		t[MAX_TOKENS];
	int			n = tokenize(s, len, t, MAX_TOKENS);

	for (int i = 0; i + 4 < n; i++)
		if (is_n(t, n, i, 2) && is_p(t, n, i + 1, '/') &&
			is_n(t, n, i + 2, 2) && is_p(t, n, i + 3, '/') &&
			year_at(t, n, i + 4, true))
		{
			*a = t[i].num;
			*b = t[i + 2].num;
			return true;
		}
	return false;
}

/* the length in months a caption such as "Years ended December 31" gives */
int
fx_period_months_hint(const char *s, int len)
{
	ptok		t[MAX_TOKENS];
	int			n = tokenize(s, len, t, MAX_TOKENS);

	return months_from_tokens(t, n);
}

/* does the text hold a date or a year? */
bool
fx_text_has_date(const char *s, int len)
{
	ptok		t[MAX_TOKENS];
	pdate		dates[2];
	int			n = tokenize(s, len, t, MAX_TOKENS);

	return find_dates(t, n, dates, 2) > 0 || last_year(t, n) > 0;
}

/*
 * Complete a column's period with what the statement's caption says
 * ("Years ended December 31" gives month, day and 12 months to "2018").
 * An instant (balance sheet) never has a length.
 */
void
fx_period_apply_hint(fx_period *p, const fx_period *hint, bool instant,
					 int ncols)
{
	(void) ncols;
	if (hint != NULL)
	{
		if (p->end_month == 0 && hint->end_month > 0 && p->end_year > 0)
		{
			p->end_month = hint->end_month;
			p->end_day = hint->end_day;
		}
		if (p->months == 0 && !instant)
			p->months = hint->months;
	}
	if (instant)
		p->months = 0;
}

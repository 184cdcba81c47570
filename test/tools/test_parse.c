/*-------------------------------------------------------------------------
 *
 * test_parse.c
 *	  Unit tests of the statement parser: numbers, periods, unit scale,
 *	  currency, labels, locate, structure, checks, and robustness on
 *	  arbitrary bytes.  Prints one line per failure and a final line
 *	  "N passed, M failed"; exits non-zero when anything failed.
 *
 *-------------------------------------------------------------------------
 */
#include "parse_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int	npassed = 0;
static int	nfailed = 0;
static int	ntodo = 0;

/*
 * Known gaps: while set, a failure is printed as TODO and not counted (the
 * fixture documents a shape the parser does not read yet).
 */
static const char *todo_why = NULL;

/* record one result */
static void
ok(bool cond, const char *what, const char *detail)
{
	if (cond)
		npassed++;
	else if (todo_why)
	{
		ntodo++;
		printf("TODO %s (%s)%s%s\n", what, todo_why, detail ? ": " : "",
			   detail ? detail : "");
	}
	else
	{
		nfailed++;
		printf("FAIL %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
	}
}

/* compare two strings (NULL-safe) */
static void
ok_str(const char *got, const char *want, const char *what)
{
	char		d[512];

	snprintf(d, sizeof(d), "got \"%s\", want \"%s\"", got ? got : "(null)",
			 want ? want : "(null)");
	ok((got == NULL && want == NULL) ||
	   (got && want && strcmp(got, want) == 0), what, d);
}

/* classify a word and check kind and value */
static void
t_amount(const char *w, bool euro, fx_tok kind, const char *value)
{
	char		out[FX_NUM_LEN];
	bool		strong;
	fx_tok		t = fx_classify_word(w, (int) strlen(w), euro, out,
									 sizeof(out), &strong);
	char		what[128];

	snprintf(what, sizeof(what), "amount \"%s\"", w);
	ok(t == kind, what, "kind");
	if (value && t == kind)
		ok_str(out, value, what);
}

/* numbers */
static void
test_numbers(void)
{
	t_amount("(3,068)", false, FX_TOK_AMOUNT, "-3068");
	t_amount("3,068", false, FX_TOK_AMOUNT, "3068");
	t_amount("$32,765", false, FX_TOK_AMOUNT, "32765");
	t_amount("$(1,577)", false, FX_TOK_AMOUNT, "-1577");
	t_amount("1.234,5", true, FX_TOK_AMOUNT, "1234.5");
	t_amount("1.234.567", true, FX_TOK_AMOUNT, "1234567");
	t_amount("-2,229", false, FX_TOK_AMOUNT, "-2229");
	t_amount("\xe2\x88\x92" "1,234", false, FX_TOK_AMOUNT, "-1234");
	t_amount("\xe2\x80\x93" "5", false, FX_TOK_AMOUNT, "-5");
	t_amount("\xe2\x80\x94", false, FX_TOK_DASH, "0");
	t_amount("\xe2\x80\x93", false, FX_TOK_DASH, "0");
	t_amount("-", false, FX_TOK_DASH, "0");
	t_amount("$\xe2\x80\x94", false, FX_TOK_DASH, "0");
	t_amount("1.27", false, FX_TOK_AMOUNT, "1.27");
	t_amount("1.00", false, FX_TOK_AMOUNT, "1.00");
	t_amount("0.27", false, FX_TOK_AMOUNT, "0.27");
	t_amount("(0)", false, FX_TOK_AMOUNT, "0");
	t_amount("007", false, FX_TOK_AMOUNT, "7");
	t_amount("32.1%", false, FX_TOK_PERCENT, NULL);
	t_amount("(0.1%)", false, FX_TOK_PERCENT, NULL);
	t_amount("$", false, FX_TOK_SYMBOL, NULL);
	t_amount("\xe2\x82\xac", false, FX_TOK_SYMBOL, NULL);
	t_amount("(", false, FX_TOK_PAREN, NULL);
	t_amount("31,", false, FX_TOK_TEXT, NULL);
	t_amount("2018:", false, FX_TOK_TEXT, NULL);
	t_amount("(a)", false, FX_TOK_TEXT, NULL);
	t_amount("(12", false, FX_TOK_TEXT, NULL);
	t_amount("31.12.2021", false, FX_TOK_TEXT, NULL);
	t_amount("1.1.-31.03.2021", false, FX_TOK_TEXT, NULL);
	t_amount("1,23,4", false, FX_TOK_TEXT, NULL);
	t_amount("12345678901234567890123456789012345", false, FX_TOK_TEXT, NULL);
	/* grouping marks, signs and currency marks printed anywhere */
	t_amount("4'134'018", false, FX_TOK_AMOUNT, "4134018");
	t_amount("4\xe2\x80\x99" "134\xe2\x80\x99" "018", false, FX_TOK_AMOUNT,
			 "4134018");
	t_amount("2\xc2\xa0" "492\xc2\xa0" "336", false, FX_TOK_AMOUNT, "2492336");
	t_amount("2\xe2\x80\xaf" "492\xe2\x80\xaf" "336", false, FX_TOK_AMOUNT,
			 "2492336");
	t_amount("2\xe2\x80\x89" "492", false, FX_TOK_AMOUNT, "2492");
	t_amount("2 492 336", false, FX_TOK_AMOUNT, "2492336");
	t_amount("1 234,56", false, FX_TOK_AMOUNT, "1234.56");
	t_amount("1 234,567", false, FX_TOK_AMOUNT, "1234.567");
	t_amount("1'234.50", false, FX_TOK_AMOUNT, "1234.50");
	t_amount("(1 234)", false, FX_TOK_AMOUNT, "-1234");
	t_amount("-1 234", false, FX_TOK_AMOUNT, "-1234");
	t_amount("\xe2\x88\x92" "1 234", false, FX_TOK_AMOUNT, "-1234");
	t_amount("1 234-", false, FX_TOK_AMOUNT, "-1234");
	t_amount("1,234-", false, FX_TOK_AMOUNT, "-1234");
	t_amount("\xe2\x96\xb3" "800,000", false, FX_TOK_AMOUNT, "-800000");
	t_amount("\xe2\x96\xb2" "1,250", false, FX_TOK_AMOUNT, "-1250");
	t_amount("1234\xe2\x88\x92", false, FX_TOK_AMOUNT, "-1234");
	t_amount("1.234.567,89", false, FX_TOK_AMOUNT, "1234567.89");
	t_amount("1.234.567,89", true, FX_TOK_AMOUNT, "1234567.89");
	t_amount("1.234", true, FX_TOK_AMOUNT, "1234");
	t_amount("US$2 492 336", false, FX_TOK_AMOUNT, "2492336");
	t_amount("US$", false, FX_TOK_SYMBOL, NULL);
	t_amount("P/2,557,457", false, FX_TOK_AMOUNT, "2557457");
	t_amount("P/", false, FX_TOK_SYMBOL, NULL);
	t_amount("\xe2\x82\xb1" "2,557,457", false, FX_TOK_AMOUNT, "2557457");
	t_amount("Rs.12,34,567", false, FX_TOK_AMOUNT, "1234567");
	t_amount("Rs.", false, FX_TOK_SYMBOL, NULL);
	t_amount("R$1.234,56", true, FX_TOK_AMOUNT, "1234.56");
	t_amount("CHF", false, FX_TOK_SYMBOL, NULL);
	t_amount("CHF1'234", false, FX_TOK_AMOUNT, "1234");
	t_amount("EUR", false, FX_TOK_SYMBOL, NULL);
	t_amount("EUROPE", false, FX_TOK_TEXT, NULL);
	t_amount("1.234,5\xe2\x82\xac", true, FX_TOK_AMOUNT, "1234.5");
	t_amount("\xc2\xa5" "1,000", false, FX_TOK_AMOUNT, "1000");
	t_amount("\xc2\xa3" "(1,000)", false, FX_TOK_AMOUNT, "-1000");
	t_amount("1,234\xc2\xb9", false, FX_TOK_AMOUNT, "1234");
	t_amount("1,234*", false, FX_TOK_AMOUNT, "1234");
	t_amount("(1,234)\xc2\xb2", false, FX_TOK_AMOUNT, "-1234");
	t_amount("\xe2\x80\x92", false, FX_TOK_DASH, "0");
	t_amount("CHF'000", false, FX_TOK_TEXT, NULL);
	t_amount("1'23", false, FX_TOK_TEXT, NULL);
	t_amount("12 34", false, FX_TOK_TEXT, NULL);
	t_amount("(2,167 )", false, FX_TOK_AMOUNT, "-2167");
	t_amount("1,234(a)", false, FX_TOK_AMOUNT, "1234");
	t_amount("(1,234)(b)", false, FX_TOK_AMOUNT, "-1234");
	t_amount("834(1)", false, FX_TOK_AMOUNT, "834");
	t_amount("1.234-", true, FX_TOK_AMOUNT, "-1234");
	t_amount("- 834", false, FX_TOK_AMOUNT, "-834");
	t_amount("\xe2\x88\x92 1.234", true, FX_TOK_AMOUNT, "-1234");
	t_amount("- 2 492 336", false, FX_TOK_AMOUNT, "-2492336");
	t_amount("12,34,567", false, FX_TOK_AMOUNT, "1234567");
	t_amount("(1.234,56)", true, FX_TOK_AMOUNT, "-1234.56");
	t_amount("4(a)", false, FX_TOK_TEXT, NULL);
	t_amount("12(b)", false, FX_TOK_TEXT, NULL);
	/* a scale caption left of the years: "$000  2012  2011" */
	t_amount("$000", false, FX_TOK_TEXT, NULL);
	t_amount("\xc2\xa3'000", false, FX_TOK_TEXT, NULL);
	t_amount("000", false, FX_TOK_TEXT, NULL);
	t_amount("$0", false, FX_TOK_AMOUNT, "0");
	t_amount("1,000", false, FX_TOK_AMOUNT, "1000");
	ok(fx_euro_vote("1 234,56", 8) > 0, "euro vote 1 234,56", NULL);
	ok(fx_euro_vote("1'234.56", 8) < 0, "euro vote 1'234.56", NULL);
	ok(fx_is_year_word("2018(1)", 7) && fx_is_year_word("2018*", 5) &&
	   !fx_is_year_word("2018(a", 6), "year words with a footnote mark", NULL);
	ok(fx_is_year_word("2018", 4) && !fx_is_year_word("1850", 4) &&
	   !fx_is_year_word("20189", 5), "year words", NULL);
	ok(fx_euro_vote("1.234,5", 7) > 0, "euro vote 1.234,5", NULL);
	ok(fx_euro_vote("1,234.5", 7) < 0, "euro vote 1,234.5", NULL);
	ok(fx_euro_vote("31.12.2021", 10) == 0, "euro vote date", NULL);
	ok(fx_euro_vote("1,", 2) == 0, "euro vote 1,", NULL);
	ok(fx_euro_vote("1,234", 5) == 0, "euro vote 1,234", NULL);
}

/* parse a period heading and compare */
static void
t_period(const char *s, int y, int m, int d, int months)
{
	fx_period	p;
	char		what[160],
				det[160];

	memset(&p, 0, sizeof(p));
	fx_period_parse(s, (int) strlen(s), &p);
	snprintf(what, sizeof(what), "period \"%s\"", s);
	snprintf(det, sizeof(det), "got %d-%d-%d/%d, want %d-%d-%d/%d",
			 p.end_year, p.end_month, p.end_day, p.months, y, m, d, months);
	ok(p.end_year == y && p.end_month == m && p.end_day == d &&
	   p.months == months, what, det);
}

/* periods */
static void
test_periods(void)
{
	fx_period	p,
				hint;

	t_period("Three Months Ended July 1, 2023", 2023, 7, 1, 3);
	t_period("Nine Months Ended June 25, 2022", 2022, 6, 25, 9);
	t_period("13 Weeks Ended January 28, 2023", 2023, 1, 28, 3);
	t_period("26 Weeks Ended July 29, 2023", 2023, 7, 29, 6);
	/* "Year to Date" names no length (not a year): the fiscal year end does */
	t_period("Year to Date June 30, 2023", 2023, 6, 30, 0);
	t_period("Year-to-Date September 30, 2023", 2023, 9, 30, 0);
	t_period("YTD June 30, 2023", 2023, 6, 30, 0);
	t_period("Year Ended June 30, 2023", 2023, 6, 30, 12);
	/* lengths in weeks spelt out */
	t_period("Thirteen Weeks Ended June 29, 2024", 2024, 6, 29, 3);
	t_period("Twenty-Six Weeks Ended July 29, 2023", 2023, 7, 29, 6);
	t_period("Thirty-Nine Weeks Ended June 24, 2023", 2023, 6, 24, 9);
	t_period("Fifty-Two Weeks Ended January 28, 2023", 2023, 1, 28, 12);
	t_period("Fifty Three Weeks Ended February 3, 2024", 2024, 2, 3, 12);
	t_period("Twelve Weeks Ended March 23, 2024", 2024, 3, 23, 3);
	t_period("39 Weeks Ended October 28, 2023", 2023, 10, 28, 9);
	t_period("52 Weeks Ended January 28, 2023", 2023, 1, 28, 12);
	t_period("53 Weeks Ended February 3, 2024", 2024, 2, 3, 12);
	t_period("1.1.-30.06.2021", 2021, 6, 30, 6);
	t_period("1.1.-31.03.2021", 2021, 3, 31, 3);
	t_period("1.4.-30.06.2021", 2021, 6, 30, 3);
	t_period("31.12.2020", 2020, 12, 31, 0);
	t_period("2018", 2018, 0, 0, 0);
	t_period("December 31, 2018", 2018, 12, 31, 0);
	t_period("30 June 2021", 2021, 6, 30, 0);
	t_period("Year Ended December 31 2023", 2023, 12, 31, 12);
	t_period("Years Ended December 31 2023", 2023, 12, 31, 12);
	t_period("Six months ended 30 June 2021", 2021, 6, 30, 6);
	t_period("2021-06-30", 2021, 6, 30, 0);
	t_period("FY2022", 2022, 0, 0, 12);
	t_period("Notes", 0, 0, 0, 0);
	t_period("1.4.-30.6.2012", 2012, 6, 30, 3);
	t_period("01.01.\xe2\x80\x93" "31.12.2021", 2021, 12, 31, 12);
	t_period("Sept. 30, 2023", 2023, 9, 30, 0);
	t_period("Sep 30 2023", 2023, 9, 30, 0);
	t_period("31 December 2021", 2021, 12, 31, 0);
	t_period("Fiscal 2023", 2023, 0, 0, 12);
	t_period("Year ended 52 weeks January 28, 2023", 2023, 1, 28, 12);
	t_period("53 weeks ended February 3, 2024", 2024, 2, 3, 12);
	t_period("Q3 2023", 2023, 0, 0, 3);
	/* ranges of whole months and of quarters */
	t_period("Jan-Jun 2023", 2023, 6, 30, 6);
	t_period("Jan.-Sept. 2023", 2023, 9, 30, 9);
	t_period("July to September 2023", 2023, 9, 30, 3);
	t_period("January\xe2\x80\x93June 2023", 2023, 6, 30, 6);
	/* an ordinal before "quarter" counts quarters, it is no day */
	t_period("September 3rd quarter 2023", 2023, 0, 0, 3);
	t_period("2nd half 2023", 2023, 0, 0, 6);
	/* a quarter and a longer range of months: neither length is sure */
	t_period("January-September 3rd quarter 2023", 2023, 0, 0, 0);
	t_period("July-September 3rd quarter 2023", 2023, 0, 0, 3);
	t_period("Oct-Mar 2024", 2024, 3, 31, 6);
	t_period("June 2023", 2023, 6, 0, 0);
	t_period("Q1-Q3 2023", 2023, 0, 0, 9);
	t_period("Quarters Ended December 31, 2022", 2022, 12, 31, 3);
	t_period("Q1\xe2\x80\x93Q2 2023", 2023, 0, 0, 6);
	t_period("3Q23", 2023, 0, 0, 3);
	t_period("6M 2023", 2023, 0, 0, 6);
	t_period("9M 2023", 2023, 0, 0, 9);
	t_period("2023 6M", 2023, 0, 0, 6);
	t_period("3M Company Years ended December 31, 2018", 2018, 12, 31, 12);
	t_period("H1 2023", 2023, 0, 0, 6);
	t_period("1H 2023", 2023, 0, 0, 6);
	t_period("HY 2023", 2023, 0, 0, 6);
	t_period("Q2 2023", 2023, 0, 0, 3);
	t_period("30/06/2023", 2023, 6, 30, 0);
	t_period("06/30/2023", 2023, 6, 30, 0);
	t_period("Dec. 31, 2022", 2022, 12, 31, 0);
	t_period("As at 30 June 2023", 2023, 6, 30, 0);
	t_period("30. Juni 2023", 2023, 6, 30, 0);
	t_period("2022 restated", 2022, 0, 0, 0);
	t_period("2022 (restated)*", 2022, 0, 0, 0);
	t_period("31-Dec-22", 2022, 12, 31, 0);
	t_period("Twelve months ended 31 March 2023", 2023, 3, 31, 12);
	t_period("1 January to 30 June 2023", 2023, 6, 30, 6);
	t_period("52 weeks to 1 April 2023", 2023, 4, 1, 12);
	t_period("Year to 31 March 2023", 2023, 3, 31, 12);
	t_period("December 31,2021", 2021, 12, 31, 0);
	t_period("Quarter ended Sept. 30, 2023", 2023, 9, 30, 3);
	t_period("For the period 1.1.-31.3.2023", 2023, 3, 31, 3);
	t_period("01/01/2023 - 30/06/2023", 2023, 6, 30, 6);
	t_period("Jan. 1 - June 30, 2023", 2023, 6, 30, 6);
	t_period("Fiscal 2023 (April 1, 2022 - March 31, 2023)", 2023, 3, 31, 12);
	t_period("Period from July 1, 2021 through December 31, 2021", 2021, 12, 31, 6);
	t_period("1 July 2022 to 30 June 2023", 2023, 6, 30, 12);
	t_period("Half-year ended 30 June 2023", 2023, 6, 30, 6);
	/* two columns' headings run together: neither length is known */
	t_period("13 Weeks Ended 52 Weeks Ended 2023", 2023, 0, 0, 0);
	t_period("Three Months Ended Nine Months Ended June 30, 2023", 2023, 6, 30, 0);
	t_period("Year ended December 31, 2023 (52 weeks)", 2023, 12, 31, 12);
	t_period("Six-month period ended June 30, 2023", 2023, 6, 30, 6);
	t_period("Nine-Month Period Ended September 30, 2023", 2023, 9, 30, 9);
	t_period("Three-month period ended 31.3.2023", 2023, 3, 31, 3);
	t_period("13-week period ended April 1, 2023", 2023, 4, 1, 3);
	t_period("Fiscal year ended December 31 - 2023", 2023, 12, 31, 12);
	memset(&p, 0, sizeof(p));
	fx_period_parse("Q3 2023", 7, &p);
	ok(p.quarter == 3, "quarter of Q3 2023", NULL);
	{
		static const char *const words[] = {"3rd quarter 2023",
			"Third Quarter 2023", "third quarter of fiscal 2023", "3rd Quarter FY23"};

		for (int i = 0; i < 4; i++)
		{
			memset(&p, 0, sizeof(p));
			fx_period_parse(words[i], (int) strlen(words[i]), &p);
			ok(p.quarter == 3 && p.end_year == 2023 && p.months == 3,
			   "a quarter in words", words[i]);
		}
	}
	memset(&p, 0, sizeof(p));
	fx_period_parse("January-September 3rd quarter 2023", 34, &p);
	ok(p.quarter == 0, "no quarter beside a range of nine months", NULL);
	/* a caption completes a year heading */
	memset(&p, 0, sizeof(p));
	memset(&hint, 0, sizeof(hint));
	fx_period_parse("2018", 4, &p);
	fx_period_parse("Years ended December 31", 23, &hint);
	fx_period_apply_hint(&p, &hint, false, 3);
	ok(p.end_month == 12 && p.end_day == 31 && p.months == 12,
	   "hint Years ended December 31", NULL);
	fx_period_apply_hint(&p, &hint, true, 3);
	ok(p.months == 0, "instant has no length", NULL);
}

/* the periods a heading lists: count, and the text of the k-th */
static void
t_items(const char *s, int want, int k, const char *want_k)
{
	fx_pitem	it[8];
	int			n = fx_period_items(s, (int) strlen(s), it, 8);
	char		what[200],
				det[200];

	snprintf(what, sizeof(what), "items of \"%s\"", s);
	snprintf(det, sizeof(det), "got %d, want %d", n, want);
	ok(n == want, what, det);
	if (n == want && want_k && k < n)
		ok((int) strlen(want_k) == it[k].end - it[k].off &&
		   strncmp(s + it[k].off, want_k, strlen(want_k)) == 0, what,
		   "wrong item text");
}

/* heading lists and conflicts */
static void
test_period_items(void)
{
	t_items("December 31, 2022, December 25, 2021 and December 26, 2020",
			3, 1, "December 25, 2021");
	t_items("May 31, 2019, 2018 and 2017", 3, 2, "2017");
	t_items("2023 2022", 2, 0, "2023");
	t_items("FY2023 FY2022", 2, 1, "FY2022");
	t_items("1.1.-30.6.2012 1.4.-30.6.2012", 2, 1, "1.4.-30.6.2012");
	t_items("Years Ended December 31,", 0, 0, NULL);
	t_items("As of December 31, 2021 & 2020", 2, 1, "2020");
	t_items("Q3 2023 Q3 2022", 2, 1, "Q3 2022");
	t_items("H1 2023 H1 2022 6M 2023", 3, 1, "H1 2022");
	t_items("1H 2023 9M 2022", 2, 1, "9M 2022");
	t_items("PH1 2023", 1, 0, "2023");
	t_items("in EUR million Jan-Jun 2023 Jan-Jun 2022", 2, 1, "Jan-Jun 2022");
	t_items("Q1-Q3 2023 Q1-Q3 2022", 2, 0, "Q1-Q3 2023");
	ok(fx_period_conflict("For the Years Ended May 31, 2019 Year Ended May 31, 2018",
						  56), "two dates conflict", NULL);
	ok(!fx_period_conflict("1.1.-31.12.2021", 15), "a range is no conflict",
	   NULL);
	ok(!fx_period_conflict("Fiscal 2023 53 Weeks Ended February 3, 2024", 43),
	   "fiscal year beside its end date is no conflict", NULL);
	ok(fx_period_conflict("2023 2022", 9), "two years conflict", NULL);
}

/* unit scale of a caption */
static void
t_unit(const char *s, const char *want)
{
	char		what[160];

	snprintf(what, sizeof(what), "unit \"%s\"", s);
	ok_str(fx_find_unit_scale(s, (int) strlen(s)), want, what);
}

/* currency of a caption */
static void
t_cur(const char *s, const char *want)
{
	char		cur[4] = "";
	char		what[160];
	bool		found = fx_find_currency(s, (int) strlen(s), cur);

	snprintf(what, sizeof(what), "currency \"%s\"", s);
	ok_str(found ? cur : NULL, want, what);
}

/* unit scale and currency */
static void
test_units(void)
{
	t_unit("In millions", "1000000");
	t_unit("(In millions, except number of shares which are reflected in thousands)",
		   "1000000");
	t_unit("in '000 EUR", "1000");
	t_unit("in \xe2\x80\x98" "000 EUR", "1000");
	t_unit("(millions of Canadian dollars)", "1000000");
	t_unit("(In thousands, except per share data)", "1000");
	t_unit("in EUR thousand", "1000");
	t_unit("TEUR", "1000");
	t_unit("(Dollars in millions, except per share amount)", "1000000");
	t_unit("Consolidated Balance Sheet", NULL);
	t_unit("Summary of commissions", NULL);
	t_cur("(millions of Canadian dollars)", "CAD");
	t_cur("in '000 EUR", "EUR");
	t_cur("\xe2\x82\xac 1,234", "EUR");
	t_cur("$ 1,234", "USD");
	t_cur("In millions of U.S. dollars", "USD");
	t_cur("Philippine Peso", "PHP");
	t_cur("\xe2\x82\xb1 5,000", "PHP");
	t_cur("PHP", "PHP");
	t_cur("\xc2\xa3", "GBP");
	t_cur("European operations", NULL);
	t_cur("in EUR thousand", "EUR");
	/* scale and currency headers as printed in many countries */
	t_unit("$000", "1000");
	t_unit("($000)", "1000");
	t_unit("CHF'000", "1000");
	t_unit("in CHF\xe2\x80\x99" "000", "1000");
	t_unit("in EUR '000", "1000");
	t_unit("T\xe2\x82\xac", "1000");
	t_unit("\xc2\xa3" "000", "1000");
	t_unit("\xe2\x82\xac" "m", "1000000");
	t_unit("Mio. EUR", "1000000");
	t_unit("in Mrd. EUR", "1000000000");
	t_unit("TCHF", "1000");
	t_unit("in millions, except per share data", "1000000");
	t_unit("(Amounts in Philippine Peso)", NULL);
	t_unit("(Rs. in lakhs)", "100000");
	t_unit("(Rs. in crores)", "10000000");
	t_unit("millions of Swiss francs", "1000000");
	t_unit("Summary of millstones", NULL);
	t_unit("(R$ mil)", "1000");
	t_unit("Em milhares de reais", "1000");
	t_unit("En miles de pesos", "1000");
	t_unit("En millones de pesos", "1000000");
	t_unit("Em milh\xc3\xb5" "es de reais", "1000000");
	t_unit("Military equipment", NULL);
	t_cur("CHF'000", "CHF");
	t_cur("TCHF", "CHF");
	t_cur("T\xe2\x82\xac", "EUR");
	t_cur("(Amounts in Philippine Peso)", "PHP");
	t_cur("P/ 2,557,457", "PHP");
	t_cur("(Rs. in lakhs)", "INR");
	t_cur("R$ mil", "BRL");
	t_cur("US$2 492 336", "USD");
	t_cur("EUROPE", NULL);
	t_cur("P/E ratio", NULL);
	t_cur("millions of Swiss francs", "CHF");
	t_cur("in millions of yen", "JPY");
}

/* labels */
static void
test_labels(void)
{
	char	   *l;

	l = fx_clean_label("Revenue . . . . . . .");
	ok_str(l, "Revenue", "label dot leader words");
	free(l);
	l = fx_clean_label("Cash at bank........");
	ok_str(l, "Cash at bank", "label dot leader suffix");
	free(l);
	l = fx_clean_label("  Net   income   $ ");
	ok_str(l, "Net income", "label blanks and $");
	free(l);
	l = fx_clean_label("Current assets:");
	ok_str(l, "Current assets:", "label keeps colon");
	free(l);
	l = fx_clean_label("Common stock, $0.01 par value");
	ok_str(l, "Common stock, $0.01 par value", "label keeps $ inside");
	free(l);
}

/* parse pages given as NUL-terminated strings */
static fx_result *
parse_pages(const char *const *pages, int n)
{
	size_t		lens[32];

	for (int i = 0; i < n; i++)
		lens[i] = strlen(pages[i]);
	return fx_parse_document(pages, lens, n, NULL);
}

/* parse pages of OCR text given as NUL-terminated strings */
static fx_result *
parse_ocr_pages(const char *const *pages, int n)
{
	size_t		lens[32];
	fx_parse_opts opts;

	for (int i = 0; i < n; i++)
		lens[i] = strlen(pages[i]);
	memset(&opts, 0, sizeof(opts));
	opts.ocr = true;
	return fx_parse_document(pages, lens, n, &opts);
}

/* find an item by label in a statement */
static const fx_item *
find_item(const fx_statement *st, const char *label)
{
	for (int i = 0; i < st->nitems; i++)
		if (st->items[i].label && strcmp(st->items[i].label, label) == 0)
			return &st->items[i];
	return NULL;
}

/* value of an item in period j, or NULL */
static const char *
val(const fx_statement *st, const char *label, int j)
{
	const fx_item *it = find_item(st, label);

	if (it == NULL || j >= st->nperiods)
		return NULL;
	return it->values[j];
}

/* the first statement of a type, or NULL */
static const fx_statement *
stmt(const fx_result *r, fx_stmt_type t)
{
	for (int i = 0; r && i < r->nstatements; i++)
		if (r->statements[i].type == t)
			return &r->statements[i];
	return NULL;
}

/* did a named check on a target pass (1), fail (0), or not run (-1)? */
static int
check_result(const fx_statement *st, const char *name, const char *target,
			 int period)
{
	for (int i = 0; i < st->nchecks; i++)
		if (strcmp(st->checks[i].name, name) == 0 &&
			strcmp(st->checks[i].target, target) == 0 &&
			st->checks[i].period == period)
			return st->checks[i].passed ? 1 : 0;
	return -1;
}

/* the period_end of column j of a statement as "Y-M-D", or "" */
static const char *
end_of(const fx_statement *st, int j)
{
	static char buf[32];

	buf[0] = '\0';
	if (st && j < st->nperiods && st->periods[j].end_day > 0)
		snprintf(buf, sizeof(buf), "%04d-%02d-%02d", st->periods[j].end_year,
				 st->periods[j].end_month, st->periods[j].end_day);
	return buf;
}

/* column assignment of headings, and the proof of each period */
static void
test_column_periods(void)
{
	static const char *const stacked[] = {
		"ACME STORES, INC.\nAnnual report for the fiscal year ended February 2, 2019\n",
		"                 CONSOLIDATED STATEMENTS OF INCOME\n"
		"                                        Fiscal Years Ended\n"
		"                                  February 2,      February 3,\n"
		"                                     2019             2018\n"
		"Net sales                         $  6,000        $  5,000\n"
		"Cost of sales                        4,000           3,500\n"
		"Gross profit                         2,000           1,500\n"
	};
	static const char *const listed[] = {
		"WIDGET CORP\nFor the fiscal year ended December 31, 2022\n",
		"                 CONSOLIDATED STATEMENTS OF OPERATIONS\n"
		"          Fiscal years ended December 31, 2022, December 25, 2021 and December 26, 2020\n"
		"Revenue                                $  300          $  200          $  100\n"
		"Costs                                     100             100              50\n"
		"Operating profit                          200             100              50\n"
	};
	static const char *const wrongfy[] = {
		"WIDGET CORP\nFor the fiscal year ended June 30, 2022\n",
		"                 CONSOLIDATED STATEMENTS OF OPERATIONS\n"
		"                                         Years ended December 31,\n"
		"                                          2022            2021\n"
		"Revenue                                $  300          $  200\n"
		"Costs                                     100             100\n"
		"Operating profit                          200             100\n"
	};
	static const char *const dup[] = {
		"                 CONSOLIDATED BALANCE SHEETS\n"
		"                                  December 31,    December 31,\n"
		"                                     2022            2022\n"
		"Cash                              $    600       $    500\n"
		"Receivables                            400            500\n"
		"Total assets                         1,000          1,000\n"
	};
	static const char *const yearonly[] = {
		"WIDGET CORP\nFor the fiscal year ended December 31, 2022\n",
		"                 CONSOLIDATED STATEMENTS OF OPERATIONS\n"
		"                                          2022            2021\n"
		"Revenue                                $  300          $  200\n"
		"Costs                                     100             100\n"
		"Operating profit                          200             100\n"
	};
	static const char *const weeks[] = {
		"SHOP CORP\nFor the fiscal year ended January 28, 2023\n",
		"                 CONSOLIDATED STATEMENTS OF OPERATIONS\n"
		"                                      Fiscal 2022     Fiscal 2021\n"
		"Revenue                                $  300          $  200\n"
		"Costs                                     100             100\n"
		"Operating profit                          200             100\n"
	};
	static const char *const spandate[] = {
		"UTILITY CORP\nFor the quarterly period ended September 30, 2022\n",
		"                 CONDENSED STATEMENTS OF CASH FLOWS\n"
		"                                  Nine Months Ended September 30, 2022\n"
		"                                          2022            2021\n"
		"Net income                             $  300          $  200\n"
		"Depreciation                              100             100\n"
		"Net cash provided by operations           400             300\n"
	};
	static const char *const rollforward[] = {
		"UTILITY CORP\nFor the fiscal year ended December 31, 2022\n",
		"                 CONSOLIDATED STATEMENTS OF EQUITY\n"
		"(in millions)\n"
		"                          Common         Retained          Total\n"
		"                          Stock          Earnings         Equity\n"
		"Balance at December 31,\n"
		"2021                   $  1,000       $     500       $   1,500\n"
		"Net income                   -             300              300\n"
		"Dividends declared           -             (50)             (50)\n"
		"Stock issued                200              -               200\n"
		"Balance at December 31,\n"
		"2022                   $  1,200       $     750       $   1,950\n"
	};

	fx_result  *r;
	const fx_statement *st;

	r = parse_pages(rollforward, 2);
	st = stmt(r, FX_EQUITY);
	ok(st && st->component_columns, "roll-forward: columns are components",
	   NULL);
	{
		const fx_item *b0 = find_item(st, "Balance at December 31, 2021");
		const fx_item *ni = find_item(st, "Net income");

		ok(b0 != NULL, "roll-forward: a wrapped balance date joins its year",
		   NULL);
		ok(b0 && b0->row_period.end_year == 2021 &&
		   b0->row_period.end_month == 12, "roll-forward: the balance's date",
		   NULL);
		ok(b0 && b0->values[0] && strcmp(b0->values[0], "1000") == 0,
		   "roll-forward: the year is not a value", b0 ? b0->values[0] : NULL);
		ok(ni && ni->row_period.end_year == 2022 && ni->row_period.months == 12,
		   "roll-forward: a movement spans the year to the next balance", NULL);
	}
	fx_result_free(r);

	r = parse_pages(spandate, 2);
	st = stmt(r, FX_CASH_FLOW);
	ok_str(end_of(st, 0), "2022-09-30", "span date: month-day to column 1");
	ok_str(end_of(st, 1), "2021-09-30", "span date: column 2 keeps its own year");
	ok(st && st->periods[1].months == 9, "span date: the span gives the length",
	   NULL);
	fx_result_free(r);

	r = parse_pages(yearonly, 2);
	st = stmt(r, FX_INCOME_STATEMENT);
	ok_str(end_of(st, 0), "2022-12-31", "year only: the cover gives month-day");
	ok_str(end_of(st, 1), "2021-12-31", "year only: for every year");
	fx_result_free(r);

	r = parse_pages(weeks, 2);
	st = stmt(r, FX_INCOME_STATEMENT);
	ok_str(end_of(st, 1), "", "year only, 52/53-week year: no guessed day");
	ok(r && r->nwarnings >= 1, "year only, 52/53-week year: warned", NULL);
	fx_result_free(r);

	r = parse_pages(stacked, 2);
	st = stmt(r, FX_INCOME_STATEMENT);
	ok(st && st->nperiods == 2, "stacked: two columns", NULL);
	ok_str(end_of(st, 0), "2019-02-02", "stacked: first column's own date");
	ok_str(end_of(st, 1), "2018-02-03", "stacked: second column's own date");
	ok(st && st->periods[0].months == 12, "stacked: span gives the length",
	   NULL);
	ok(r && r->nwarnings == 0, "stacked: no warning", NULL);
	fx_result_free(r);

	r = parse_pages(listed, 2);
	st = stmt(r, FX_INCOME_STATEMENT);
	ok(st && st->nperiods == 3, "listed: three columns", NULL);
	ok_str(end_of(st, 0), "2022-12-31", "listed: date 1 to column 1");
	ok_str(end_of(st, 1), "2021-12-25", "listed: date 2 to column 2");
	ok_str(end_of(st, 2), "2020-12-26", "listed: date 3 to column 3");
	ok_str(val(st, "Operating profit", 0), "200", "listed: 2022 value");
	fx_result_free(r);

	r = parse_pages(wrongfy, 2);
	st = stmt(r, FX_INCOME_STATEMENT);
	ok_str(end_of(st, 0), "", "fiscal year end disagrees: no period_end");
	ok(r && r->nwarnings == 2 &&
	   strstr(r->warnings[0], "column 1 (\"Years ended December 31, 2022\")"),
	   "fiscal year end disagrees: a warning names the column",
	   r && r->nwarnings ? r->warnings[0] : "none");
	fx_result_free(r);

	r = parse_pages(dup, 1);
	st = stmt(r, FX_BALANCE_SHEET);
	ok_str(end_of(st, 0), "", "two columns, one period: first is empty");
	ok_str(end_of(st, 1), "", "two columns, one period: second is empty");
	ok(r && r->nwarnings == 2, "two columns, one period: two warnings", NULL);
	fx_result_free(r);
}

/*
 * Recasts that are not: column and row errors that make the same line of
 * the same period differ between two filings.
 */
static void
test_recast_errors(void)
{
	static const char *const moved[] = {
		"UTILITY CORP\nFor the fiscal year ended December 31, 2021\n",
		"                 CONSOLIDATED STATEMENTS OF CASH FLOWS\n"
		"(in millions)\n"
		"                                        Year ended December 31,\n"
		"                                  2021            2020            2019\n"
		"Net income                     $   138       $     411       $  (7,622)\n"
		"Depreciation                     3,403           3,469           3,233\n"
		"Net cash provided by operating\n"
		"  activities                     2,448         (19,047)          4,810\n"
		"Capital expenditures            (7,689)         (7,690)         (6,313)\n"
		"Net cash used in investing\n"
		"  activities                    (7,050)         (7,748)         (6,378)\n"
		"Borrowings                       9,730           8,554              -\n"
		"                                    111\n",
		"Short-term debt matured                               (1,450)        -          -\n"
		"Repayment of long-term debt                              (59)      (100)        -\n"
		"Other                                                     (1)       (42)       (8)\n"
		"Net cash provided by financing activities               4,379    26,070     1,395\n"
		"Net change in cash                                      (223)      (725)     (173)\n"
		"Cash at January 1                                         404     1,129     1,302\n"
		"Cash at December 31                              $        181 $     404 $   1,129\n"
	};
	static const char *const moved2[] = {
		"UTILITY CORP\nFor the fiscal year ended December 31, 2019\n",
		"CONSOLIDATED STATEMENTS OF CASH FLOWS\n"
		"(in millions)\n"
		"                                                                    Year ended December 31,\n"
		"                                                            2019          2018          2017\n"
		"Net income (loss)                                       $ (7,622)     $ (6,818)     $  1,691\n"
		"Depreciation                                               3,233         3,036         2,854\n"
		"Net cash provided by operating activities                  4,810         4,709         5,977\n"
		"Net cash used in investing activities                     (6,378)       (6,492)       (5,641)\n"
		"Net cash provided by financing activities                  1,395         2,708           110\n"
		"Cash and cash equivalents at December 31                $  1,122      $  1,295      $    447\n"
		"                                    126\n",
		"Supplemental disclosures of cash flow information\n"
		" Cash received (paid) for:\n"
		"    Interest, net of amounts capitalized                  $                 (7)   $   (773)   $   (781)\n"
		"    Income taxes, net                                                       -          (59)        162\n"
		" Capital expenditures financed through accounts payable   $             826       $   368     $   501\n"
		" Operating lease liabilities arising from ROU assets                  2,807            -           -\n"
	};
	static const char *const captioned[] = {
		"SOFT CORP\nFor the fiscal year ended May 31, 2016\n",
		"                       CONSOLIDATED STATEMENTS OF EQUITY\n"
		"                For the Years Ended May 31, 2016, 2015 and 2014\n"
		"\n"
		"                              Number of                 Retained         Total\n"
		"(in millions)                    Shares      Amount     Earnings        Equity\n"
		"Balances as of May 31, 2013       4,646    $ 18,893     $ 25,854      $ 44,747\n"
		"Repurchase of common stock         (280)     (1,160)      (8,638)       (9,798)\n"
		"Net income                            -           -       10,955        10,955\n"
		"Balances as of May 31, 2014       4,366      17,733       28,171        45,904\n"
		"Net income                            -           -        9,938         9,938\n"
		"Balances as of May 31, 2015       4,366      17,733       38,109        55,842\n"
	};
	static const char *const footnoted[] = {
		"SHOP INC\nFor the quarterly period ended June 30, 2023\n",
		"                     Condensed Consolidated Statement of Income\n"
		"                                              Three Months Ended\n"
		"                                                    June 30,\n"
		"                                               2023           2022\n"
		"                                (In millions, except per share amounts)\n"
		"Net revenues                               $  2,540       $  2,422\n"
		"Cost of net revenues (1)                        718            663\n"
		"     Gross profit                             1,822          1,759\n"
		"Sales and marketing (1)                         566            566\n"
		"Income from operations                        1,256          1,193\n"
		"Net income                                 $    171       $   (531)\n"
		"\n"
		"(1) Includes stock-based compensation as follows:\n"
		"    Cost of net revenues                   $     14       $     13\n"
		"    Sales and marketing                          25             20\n"
		"                                           $     39       $     33\n"
	};
	static const char *const schedule[] = {
		"UTILITY CORP\nFor the fiscal year ended December 31, 2021\n",
		"                 CONDENSED STATEMENTS OF CASH FLOWS\n"
		"(in millions)\n"
		"                                          2021            2020            2019\n"
		"Net income                             $   138       $     411       $  (7,622)\n"
		"Depreciation                             3,403           3,469           3,233\n"
		"Net cash provided by operations          3,541           3,880          (4,389)\n",
		"UTILITY CORP\n"
		"SCHEDULE II - CONSOLIDATED VALUATION AND QUALIFYING ACCOUNTS\n"
		"For the Years Ended December 31, 2021, 2020, and 2019\n"
		"(in millions)                           Beginning     Charged       Deductions        End\n"
		"  2021:\n"
		"    Allowance for uncollectible accounts (1)   $ 146     $ 136        $ 111        $ 171\n"
		"  2020:\n"
		"    Allowance for uncollectible accounts (1)   $  43     $ 138        $  35        $ 146\n"
	};
	static const char *const offset_heads[] = {
		"SHOP INC\nFor the fiscal year ended December 31, 2016\n",
		"                                           CONSOLIDATED STATEMENT OF STOCKHOLDERS' EQUITY\n"
		"                                                                                                                Year Ended December 31,\n"
		"                                                                                                2016                     2015                  2014\n"
		"                                                                                                                      (In millions)\n"
		"Common stock:\n"
		"   Balance, beginning of year                                                            $                 2      $                   2    $              2\n"
		"   Common stock issued                                                                                    -                           -                  -\n"
		"   Common stock repurchased/forfeited                                                                     -                           -                  -\n"
		"         Balance, end of year                                                                              2                          2                   2\n"
		"Additional paid-in-capital:\n"
		"   Balance, beginning of year                                                                      14,538                    13,887               13,031\n"
		"   Common stock and stock-based awards issued and assumed                                               102                      230                   298\n"
		"   Tax withholdings related to net share settlements of restricted stock awards and\n"
		"   units                                                                                                (121)                    (245)                 (252)\n"
		"   Stock-based compensation                                                                             416                      576                   693\n"
		"   Stock-based awards tax impact                                                                           5                          90               117\n"
		"   Other                                                                                                 (33)                         -                  -\n"
	};
	static const char *const index_page[] = {
		"Index to Consolidated Financial Statements                                         Page\n"
		"Consolidated Statements of Operations for the years ended September 28, 2019       29\n"
		"Consolidated Balance Sheets as of September 28, 2019 and September 29, 2018         31\n"
		"Consolidated Statements of Cash Flows for the years ended September 28, 2019       33\n"
		"Notes to Consolidated Financial Statements                                          34\n"
		"Selected Quarterly Financial Information (Unaudited)                                55\n"
		"Reports of Independent Registered Public Accounting Firm                            56\n"
	};
	fx_result  *r;
	const fx_statement *st;

	r = parse_pages(schedule, 3);
	st = stmt(r, FX_CASH_FLOW);
	ok(st && find_item(st, "Net cash provided by operations") != NULL,
	   "schedule after a statement: the statement is read", NULL);
	ok(st && find_item(st, "Allowance for uncollectible accounts (1)") == NULL,
	   "schedule after a statement: its rows are not the statement's", NULL);
	fx_result_free(r);

	r = parse_pages(offset_heads, 2);
	st = stmt(r, FX_EQUITY);
	ok_str(st ? val(st, "Stock-based awards tax impact", 1) : NULL, "90",
		   "headings left of the values: a row's 2015 value");
	ok_str(st ? val(st, "Stock-based awards tax impact", 2) : NULL, "117",
		   "headings left of the values: a row's 2014 value");
	ok_str(st ? val(st, "Stock-based compensation", 1) : NULL, "576",
		   "headings left of the values: a wide row is unchanged");
	fx_result_free(r);

	r = parse_pages(index_page, 1);
	ok(r && r->nstatements == 0, "an index page with page numbers is no statement",
	   NULL);
	fx_result_free(r);

	r = parse_pages(footnoted, 2);
	st = stmt(r, FX_INCOME_STATEMENT);
	ok(st && strcmp(st->unit_scale, "1000000") == 0,
	   "unit under the period line", st ? st->unit_scale : NULL);
	ok(st && find_item(st, "Cost of net revenues") == NULL,
	   "a footnote's table is not part of the statement", NULL);
	ok_str(st ? val(st, "Cost of net revenues (1)", 0) : NULL, "718",
		   "footnote: the statement's own row");
	ok_str(st ? val(st, "Net income", 1) : NULL, "-531",
		   "footnote: the rows above it are kept");
	fx_result_free(r);

	r = parse_pages(captioned, 2);
	st = stmt(r, FX_EQUITY);
	ok(st && st->component_columns,
	   "roll-forward caption: the columns are components", NULL);
	ok(st && st->nperiods == 4, "roll-forward caption: four columns", NULL);
	{
		const fx_item *b = st ? find_item(st, "Balances as of May 31, 2014") :
			NULL;

		ok(b && b->row_period.end_year == 2014 && b->row_period.end_month == 5,
		   "roll-forward caption: a balance keeps its own date", NULL);
		ok(b && st->nperiods == 4 && b->values[3] &&
		   strcmp(b->values[3], "45904") == 0,
		   "roll-forward caption: the total column", NULL);
	}
	ok(st && strcmp(st->unit_scale, "1000000") == 0,
	   "roll-forward caption: the unit under the caption", NULL);
	fx_result_free(r);

	r = parse_pages(moved2, 3);
	st = stmt(r, FX_CASH_FLOW);
	ok_str(st ? val(st, "Interest, net of amounts capitalized", 0) : NULL,
		   "-7", "moved, ragged columns: a full row's first value is 2019");
	ok_str(st ? val(st, "Interest, net of amounts capitalized", 1) : NULL,
		   "-773", "moved, ragged columns: second value is 2018");
	ok_str(st ? val(st, "Income taxes, net", 2) : NULL,
		   "162", "moved, ragged columns: third value is 2017");
	fx_result_free(r);

	r = parse_pages(moved, 3);
	st = stmt(r, FX_CASH_FLOW);
	ok(st && st->nperiods == 3, "moved columns: three periods", NULL);
	ok_str(st ? val(st, "Net cash provided by financing activities", 0) : NULL,
		   "4379", "moved columns: continuation's first column is 2021");
	ok_str(st ? val(st, "Net cash provided by financing activities", 1) : NULL,
		   "26070", "moved columns: second column is 2020");
	ok_str(st ? val(st, "Net cash provided by financing activities", 2) : NULL,
		   "1395", "moved columns: third column is 2019");
	fx_result_free(r);
}

static const char *const doc_pages[] = {
	/* 1: table of contents */
	"                         INDEX TO FINANCIAL STATEMENTS\n"
	"Consolidated Statements of Income                                   3\n"
	"Consolidated Balance Sheets                                         4\n"
	"Consolidated Statements of Cash Flows                               5\n",
	/* 2: narrative with a table that is not a statement */
	"Management's discussion. The consolidated balance sheet shows growth.\n"
	"Segment                        2023          2022\n"
	"Americas                      1,200         1,100\n"
	"Europe                          800           700\n"
	"Total                         2,000         1,800\n",
	/* 3: income statement */
	"                       ACME CORP\n"
	"              CONSOLIDATED STATEMENTS OF INCOME\n"
	"          (In thousands, except per share data)\n"
	"\n"
	"                                             13 Weeks Ended\n"
	"                                    Notes  January 28,   % of     January 29,   % of\n"
	"                                              2023      net sales    2022     net sales\n"
	"Net sales                             5  $  3,226,773   100.0% $  2,729,388  100.0%\n"
	"Cost of sales                            (2,014,270)   62.4%    (1,702,059)  62.4%\n"
	"                                         ----------            ----------\n"
	"                                          1,212,503             1,027,329\n"
	"Selling, general and administrative\n"
	"  expenses                                  762,706    23.6%       649,968  23.8%\n"
	"Pre-opening expenses                             \xe2\x80\x94              1,739\n"
	"Operating income                            449,797               375,622\n"
	"Basic earnings per share                       6.73                  5.44\n"
	"\n"
	"See accompanying notes to the consolidated financial statements.\n"
	"                                   3\n",
	/* 4: balance sheet, first part */
	"              CONSOLIDATED BALANCE SHEETS\n"
	"                   (In millions)\n"
	"                                       December 31,   December 31,\n"
	"                                           2023           2022\n"
	"Current assets:\n"
	"  Cash and cash equivalents               $  100         $   90\n"
	"  Receivables                                 50             40\n"
	"    Total current assets                     150            130\n"
	"Property, plant and equipment, net            250            270\n"
	"    Total assets                          $  400         $  400\n"
	"\n"
	"                          F-4\n",
	/* 5: balance sheet, continued */
	"        CONSOLIDATED BALANCE SHEETS (continued)\n"
	"                                       December 31,   December 31,\n"
	"                                           2023           2022\n"
	"Liabilities:\n"
	"  Payables                                   120            150\n"
	"  Debt                                        80            100\n"
	"    Total liabilities                        200            250\n"
	"Equity                                       200            150\n"
	"    Total liabilities and equity             400            410\n"
	"                        Page 5\n",
	/* 6: cash flows */
	"           CONSOLIDATED STATEMENTS OF CASH FLOWS\n"
	"               (in millions of euros)\n"
	"                                            2023          2022\n"
	"Net cash from operating activities          30            25\n"
	"Net cash used in investing activities      (20)          (15)\n"
	"Net increase in cash                        10            10\n"
	"Cash at beginning of year                   90            80\n"
	"Cash at end of year                        100            91\n",
	/* 7: no text layer */
	"   \n  \n",
};

/* locate and structure a small document */
static void
test_document(void)
{
	fx_result  *r = parse_pages(doc_pages, 7);
	const fx_statement *is,
			   *bs,
			   *cf;

	ok(r != NULL && r->error == NULL, "document parses", NULL);
	if (r == NULL)
		return;
	ok(r->nstatements == 3, "three statements (no TOC, no MD&A table)", NULL);
	ok(r->n_no_text == 1 && r->no_text_pages[0] == 7, "page 7 has no text",
	   NULL);
	is = stmt(r, FX_INCOME_STATEMENT);
	bs = stmt(r, FX_BALANCE_SHEET);
	cf = stmt(r, FX_CASH_FLOW);
	ok(is && is->first_page == 3, "income statement on page 3", NULL);
	ok(bs && bs->first_page == 4 && bs->last_page == 5,
	   "balance sheet on pages 4-5", NULL);
	ok(cf && cf->first_page == 6, "cash flow on page 6", NULL);
	if (is)
	{
		ok(is->nperiods == 2, "two periods, percent and note columns dropped",
		   NULL);
		ok_str(is->unit_scale, "1000", "income statement unit");
		ok_str(is->currency, "USD", "income statement currency");
		if (is->nperiods == 2)
		{
			ok_str(is->periods[0].label, "13 Weeks Ended January 28, 2023",
				   "period label with span");
			ok(is->periods[0].months == 3 && is->periods[0].end_day == 28,
			   "13 weeks -> 3 months", NULL);
		}
		ok_str(val(is, "Net sales", 0), "3226773", "net sales 2023");
		ok_str(val(is, "Cost of sales", 1), "-1702059", "cost of sales 2022");
		ok_str(val(is, "Selling, general and administrative expenses", 0),
			   "762706", "wrapped label joined");
		ok_str(val(is, "Pre-opening expenses", 0), "0", "dash is zero");
		ok_str(val(is, "Basic earnings per share", 0), "6.73", "EPS decimals");
		{
			const fx_item *g = find_item(is, "Total");

			ok(g && g->generated_label && g->is_total &&
			   g->values[0] && strcmp(g->values[0], "1212503") == 0,
			   "unlabeled subtotal kept with a generated label", NULL);
		}
		ok(find_item(is, "3") == NULL && find_item(is, "Total 3") == NULL,
		   "page number is not a row", NULL);
	}
	if (bs)
	{
		ok(bs->periods && bs->nperiods == 2 && bs->periods[0].months == 0 &&
		   bs->periods[0].end_year == 2023 && bs->periods[0].end_month == 12,
		   "balance sheet periods are instants", NULL);
		ok_str(val(bs, "Payables", 1), "150", "continued page values");
		ok_str(bs->unit_scale, "1000000", "balance sheet unit");
		ok(check_result(bs, "subtotal", "Total current assets", 0) == 1,
		   "subtotal passes", NULL);
		ok(check_result(bs, "balance", "Total liabilities and equity", 0) == 1,
		   "balance 2023 passes", NULL);
		ok(check_result(bs, "balance", "Total liabilities and equity", 1) == 0,
		   "balance 2022 fails", NULL);
		ok(find_item(bs, "Current assets:") != NULL &&
		   find_item(bs, "Current assets:")->values[0] == NULL,
		   "heading row kept without values", NULL);
		ok(find_item(bs, "F-4") == NULL && find_item(bs, "Page 5") == NULL &&
		   find_item(bs, "Liabilities:") != NULL,
		   "page markers below a table are not rows", NULL);
		ok(find_item(bs, "Total assets")->indent >
		   find_item(bs, "Receivables")->indent, "indent levels", NULL);
	}
	if (cf)
	{
		ok_str(cf->currency, "EUR", "cash flow currency from words");
		ok(check_result(cf, "cash_rollforward", "Cash at end of year", 0) == 1,
		   "cash roll-forward 2023 passes", NULL);
		ok(check_result(cf, "cash_rollforward", "Cash at end of year", 1) == 0,
		   "cash roll-forward 2022 fails", NULL);
		ok(cf->periods && cf->periods[0].months == 12,
		   "year column of a flow statement is 12 months", NULL);
	}
	fx_result_free(r);
}

/* a check of a statement by name, target and period, or NULL */
static const fx_check *
find_check(const fx_statement *st, const char *name, const char *target,
		   int period)
{
	for (int i = 0; i < st->nchecks; i++)
		if (strcmp(st->checks[i].name, name) == 0 &&
			strcmp(st->checks[i].target, target) == 0 &&
			st->checks[i].period == period)
			return &st->checks[i];
	return NULL;
}

/* is s a plain decimal: optional '-', digits, optional '.' and digits? */
static bool
plain_decimal(const char *s)
{
	int			nd = 0;

	if (s == NULL)
		return false;
	if (*s == '-')
		s++;
	for (; *s >= '0' && *s <= '9'; s++)
		nd++;
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++)
			nd++;
	return *s == '\0' && nd > 0;
}

/* a US balance sheet whose caption holds a European-looking "2,5%" */
static const char *const bs_us_page[] = {
	"                      CONSOLIDATED BALANCE SHEETS\n"
	"           (In millions, except par value; 2,5% notes see Note 9)\n"
	"                                             December 31,   December 31,\n"
	"                                                 2023           2022\n"
	"ASSETS\n"
	"Current assets:\n"
	"  Cash and cash equivalents                  $  22,063      $  17,920\n"
	"  Accounts receivable, net                      23,923         22,751\n"
	"    Total current assets                        45,986         40,671\n"
	"Property and equipment, net                     43,077         40,017\n"
	"    Total assets                             $  89,063      $  80,688\n"
	"LIABILITIES AND STOCKHOLDERS' EQUITY\n"
	"Current liabilities:\n"
	"  Accounts payable                               6,912          6,540\n"
	"  Accrued expenses                               5,403          6,616\n"
	"    Total current liabilities                   12,315         13,156\n"
	"Long-term debt                                  30,765         31,938\n"
	"    Total liabilities                           43,080         45,094\n"
	"Commitments and contingencies (Note 12)\n"
	"Stockholders' equity:\n"
	"  Common stock and additional paid-in capital   18,460         17,902\n"
	"  Retained earnings                             27,523         17,692\n"
	"    Total stockholders' equity                  45,983         35,594\n"
	"    Total liabilities and stockholders' equity $  89,063     $  80,688\n"
};

/*
 * A balance sheet over two pages, its title repeated without "continued"
 * and a footnote closing each page (FedEx's and PG&E's 10-Ks print theirs
 * so), is one statement whose sides balance, "stockholders' investment"
 * being its equity; two whole balance sheets on two pages (two entities of
 * one filing) stay two.  Its net property row, cost less depreciation,
 * counts once in total assets.
 */
static const char *const bs_halves[] = {
	"                           ACME CORPORATION\n"
	"                      CONSOLIDATED BALANCE SHEETS\n"
	"                             (IN MILLIONS)\n"
	"                                                      May 31,\n"
	"                                                 2023           2022\n"
	"ASSETS\n"
	"CURRENT ASSETS\n"
	"  Cash and cash equivalents                  $   6,856      $   6,897\n"
	"  Receivables, net                              10,188         11,863\n"
	"     Total current assets                       17,044         18,760\n"
	"PROPERTY AND EQUIPMENT\n"
	"  Aircraft                                      30,000         29,000\n"
	"  Vehicles                                      20,000         19,000\n"
	"  Total property and equipment, at cost         50,000         48,000\n"
	"  Less accumulated depreciation                  9,302          9,909\n"
	"     Net property and equipment                 40,698         38,091\n"
	"TOTAL ASSETS                                 $  57,742      $  56,851\n"
	"\n"
	"     The accompanying notes are an integral part of these consolidated financial statements.\n"
	"                                  - 76 -\n",
	"                           ACME CORPORATION\n"
	"                      CONSOLIDATED BALANCE SHEETS\n"
	"                  (IN MILLIONS, EXCEPT SHARE DATA)\n"
	"                                                      May 31,\n"
	"                                                 2023           2022\n"
	"LIABILITIES AND STOCKHOLDERS' INVESTMENT\n"
	"CURRENT LIABILITIES\n"
	"  Accounts payable                           $   3,848      $   4,030\n"
	"  Accrued expenses and other, including self-insurance  4,747   5,188\n"
	"     Total current liabilities                   8,595          9,218\n"
	"LONG-TERM DEBT                                  20,453         20,182\n"
	"COMMON STOCKHOLDERS' INVESTMENT\n"
	"  Retained earnings                             28,694         27,451\n"
	"     Total stockholders' investment             28,694         27,451\n"
	"TOTAL LIABILITIES AND STOCKHOLDERS' INVESTMENT $ 57,742      $  56,851\n"
	"\n"
	"     The accompanying notes are an integral part of these consolidated financial statements.\n"
	"                                  - 77 -\n",
};

static void
test_balance_halves(void)
{
	static const char *le = "TOTAL LIABILITIES AND STOCKHOLDERS' INVESTMENT";
	fx_result  *r = parse_pages(bs_halves, 2);
	const fx_statement *bs = r ? stmt(r, FX_BALANCE_SHEET) : NULL;
	int			nbs = 0;
	const char *whole[2];

	for (int i = 0; r && i < r->nstatements; i++)
		nbs += r->statements[i].type == FX_BALANCE_SHEET;
	ok(nbs == 1, "a balance sheet over two pages is one statement", NULL);
	ok(bs && bs->first_page == 1 && bs->last_page == 2,
	   "the balance sheet spans both pages", NULL);
	ok_str(bs ? val(bs, "Accounts payable", 0) : NULL, "3848",
		   "the second page's rows are the statement's");
	ok(bs && find_item(bs, "CURRENT LIABILITIES") != NULL,
	   "a short all-caps heading under a long one is a heading of its own",
	   NULL);
	ok(bs && check_result(bs, "balance", le, 0) == 1 &&
	   check_result(bs, "balance", le, 1) == 1,
	   "assets on one page equal liabilities and equity on the next", NULL);
	ok(bs && check_result(bs, "subtotal", "TOTAL ASSETS", 0) == 1 &&
	   check_result(bs, "subtotal", "TOTAL ASSETS", 1) == 1,
	   "a net row under a \"Less\" row stands for the cost and its total",
	   NULL);
	fx_result_free(r);

	/* two whole balance sheets: each page holds both sides */
	whole[0] = bs_us_page[0];
	whole[1] = bs_us_page[0];
	r = parse_pages(whole, 2);
	nbs = 0;
	for (int i = 0; r && i < r->nstatements; i++)
		nbs += r->statements[i].type == FX_BALANCE_SHEET;
	ok(nbs == 2, "two whole balance sheets on two pages stay two", NULL);
	fx_result_free(r);
}

/*
 * Balance checks: the liabilities-and-equity row is total liabilities +
 * total equity, never a subtotal of the rows above it, and every check
 * reports plain decimals in printed units.
 */
static void
test_balance_checks(void)
{
	static const char *le = "Total liabilities and stockholders' equity";
	fx_result  *r = parse_pages(bs_us_page, 1);
	const fx_statement *bs = r ? stmt(r, FX_BALANCE_SHEET) : NULL;
	const fx_check *c;
	bool		all_plain = true,
				all_passed = true;

	ok(bs != NULL, "balance sheet found", NULL);
	if (bs == NULL)
	{
		fx_result_free(r);
		return;
	}
	ok_str(val(bs, "Total assets", 0), "89063",
		   "a caption's 2,5% does not make 89,063 European");
	ok(check_result(bs, "subtotal", le, 0) == -1 &&
	   check_result(bs, "subtotal", le, 1) == -1,
	   "liabilities and equity is not a subtotal", NULL);
	c = find_check(bs, "balance", le, 0);
	ok(c != NULL && c->passed, "L+E = total liabilities + total equity", NULL);
	if (c)
	{
		ok_str(c->expected, "89063", "balance expected in printed units");
		ok_str(c->computed, "89063", "balance computed = 43080 + 45983");
	}
	c = find_check(bs, "balance", "Total assets", 1);
	ok(c != NULL && c->passed, "total assets = liabilities and equity", NULL);
	for (int i = 0; i < bs->nchecks; i++)
	{
		all_plain = all_plain && plain_decimal(bs->checks[i].expected) &&
			plain_decimal(bs->checks[i].computed);
		all_passed = all_passed && bs->checks[i].passed;
	}
	ok(all_plain, "checks report plain decimals", NULL);
	ok(all_passed && bs->nchecks >= 12, "every balance sheet check passes",
	   NULL);
	fx_result_free(r);
}

/* L+E with mezzanine equity between the two totals, and a misprint */
static void
test_balance_mezzanine(void)
{
	static const char *const pages[] = {
		"                 CONSOLIDATED BALANCE SHEETS\n"
		"                       (In thousands)\n"
		"                                          2023          2022\n"
		"Cash                                     1,000           900\n"
		"Other assets                               500           500\n"
		"    Total assets                         1,500         1,400\n"
		"Payables                                   300           250\n"
		"Debt                                       200           150\n"
		"    Total liabilities                      500           400\n"
		"Redeemable noncontrolling interest         100           100\n"
		"Equity:\n"
		"  Common stock                             600           600\n"
		"  Retained earnings                        300           200\n"
		"    Total equity                           900           800\n"
		"    Total liabilities, mezzanine and equity  1,500    1,400\n"
	};
	static const char *le = "Total liabilities, mezzanine and equity";
	fx_result  *r = parse_pages(pages, 1);
	const fx_statement *bs = r ? stmt(r, FX_BALANCE_SHEET) : NULL;
	const fx_check *c;

	ok(bs != NULL, "mezzanine balance sheet found", NULL);
	if (bs == NULL)
	{
		fx_result_free(r);
		return;
	}
	c = find_check(bs, "balance", le, 0);
	ok(c != NULL && c->passed, "mezzanine row counts in L+E", NULL);
	ok(check_result(bs, "subtotal", le, 0) == -1,
	   "'Total liabilities, ... and equity' is not a subtotal", NULL);
	c = find_check(bs, "balance", le, 1);
	ok(c != NULL && !c->passed,
	   "L+E that equals assets but not L + E fails", NULL);
	ok(check_result(bs, "balance", "Total assets", 1) == 1,
	   "assets = printed L+E passes", NULL);
	if (c)
	{
		ok_str(c->expected, "1400", "failed balance: printed");
		ok_str(c->computed, "1300", "failed balance: 400 + 100 + 800");
	}
	fx_result_free(r);
}

/* scaled decimals format without separators */
static void
test_dec_format(void)
{
	char		buf[48];
	long long	v = 0;

	fx_dec_format(890630000LL, buf, sizeof(buf));
	ok_str(buf, "89063", "format 89063");
	fx_dec_format(12700LL, buf, sizeof(buf));
	ok_str(buf, "1.27", "format 1.27");
	fx_dec_format(-5000LL, buf, sizeof(buf));
	ok_str(buf, "-0.5", "format -0.5");
	ok(fx_dec_parse("1234567.89", &v) && v == 12345678900LL,
	   "parse centavos", NULL);
	ok(!fx_dec_parse("89,063", &v), "parse refuses separators", NULL);
}

/* value of an item in the n-th statement of a type, or NULL */
static const char *
nth_val(const fx_result *r, fx_stmt_type t, int nth, const char *label, int j)
{
	for (int i = 0; r && i < r->nstatements; i++)
		if (r->statements[i].type == t && nth-- == 0)
			return val(&r->statements[i], label, j);
	return NULL;
}

/* OCR text: stray marks, drifting columns, repaired amounts, two years */
static void
test_ocr(void)
{
	static const char *const pages[] = {
		"| ACME TRADING CORPORATION                                  |\n"
		"STATEMENTS OF FINANCIAL POSITION\n"
		"(Amounts in Philippine Peso)\n"
		"As of December 31\n"
		"2022                  2021\n"
		"A   S   S   E   T   S\n"
		"Notes\n"
		"Cash                          3,6        P 1.769.455        P 4 777,801\n"
		"Receivables                    7              {12,500}             9,085,459\n"
		"Inventories                                  216,357,523.89         181,220,353\n"
		"T0TAL ASSETS                          P  219,113,478.89     P  195,083,613\n"
		"——==[=a““—_=[====[=[==_===[=[======[=[=[{_{={===—={=\"\"____—_——\n"
		"Trade Payables                      x F   100,000            90,000 |\n"
		"Other Liabilities                                  =                  790,96 |\n"
		"See Notes to Financial Statements\n",
		"ACME TRADING CORPORATION\n"
		"STATEMENTS OF FINANCIAL POSITION\n"
		"(Amounts in Php)\n"
		"Votes       2021                2020\n"
		"Cash                              P    4,777,801   P     1,000\n"
		"Receivables                          9,085,459         8,000\n"
		"TOTAL ASSETS                        13,863,260         9,000\n"
		"See Notes to Financial Statements\n",
	};
	size_t		lens[2] = {strlen(pages[0]), strlen(pages[1])};
	fx_parse_opts opts;
	fx_result  *r;
	const fx_statement *bs;

	memset(&opts, 0, sizeof(opts));
	opts.ocr = true;
	r = fx_parse_document(pages, lens, 2, &opts);
	bs = r ? stmt(r, FX_BALANCE_SHEET) : NULL;
	ok(r != NULL && r->nstatements == 2,
	   "ocr: two balance sheets of two years both kept", NULL);
	if (bs == NULL)
	{
		fx_result_free(r);
		return;
	}
	ok(bs->nperiods == 2 && bs->periods[0].end_year == 2022 &&
	   bs->periods[1].end_year == 2021 && bs->periods[0].end_month == 12,
	   "ocr: years line gives the periods", NULL);
	ok_str(bs->currency, "PHP", "ocr: Philippine peso");
	ok(find_item(bs, "ASSETS") != NULL, "ocr: letter-spaced heading joined",
	   NULL);
	ok_str(val(bs, "Cash", 0), "1769455", "ocr: dots as thousands, note dropped");
	ok_str(val(bs, "Cash", 1), "4777801", "ocr: amount split by a blank");
	ok_str(val(bs, "Receivables", 0), "-12500", "ocr: braces are parentheses");
	ok_str(val(bs, "Inventories", 0), "216357523.89", "ocr: centavos");
	ok_str(val(bs, "TOTAL ASSETS", 1), "195083613",
		   "ocr: digit misread in a label, P marks dropped");
	ok_str(val(bs, "Trade Payables", 0), "100000", "ocr: junk before amounts");
	ok_str(val(bs, "Trade Payables", 1), "90000", "ocr: trailing bar dropped");
	ok_str(val(bs, "Other Liabilities", 0), "0", "ocr: lone = is a dash");
	ok_str(val(bs, "Other Liabilities", 1), "790961", "ocr: | read for 1");
	ok_str(nth_val(r, FX_BALANCE_SHEET, 1, "Cash", 1), "1000",
		   "ocr: second year's statement");
	ok_str(r->statements[1].currency, "PHP", "ocr: Php");
	fx_result_free(r);
}

/*
 * OCR text of a 10-Q page (tesseract's text keeps no columns: every
 * heading starts at the left): the month-and-day line and the "Ended"
 * line are set over the columns of the years below them, so each column
 * gets its own date and length; a percentage beside each amount (percent
 * of sales) is no period's value.
 */
/*
 * OCR text whose column headings are full dates on one line ("December 31,
 * 2023    December 31, 2022", "31.12.2022  31.12.2021") and no line of years:
 * the dates open the section, so a row under a long label keeps both its
 * amounts in their columns (before, "Prepaid ... 1,622 1,480" became one
 * label and "Operating lease ... 3,210 3,005" stored 3,210 under 2022).
 */
static void
test_ocr_date_lines(void)
{
	static const char *const shapes[][2] = {
		{"December 31, 2023    December 31, 2022", "2023-12-31"},
		{"31.12.2023          31.12.2022", "2023-12-31"},
		{"31 Dec 2023          31 Dec 2022", "2023-12-31"},
		{"01.01.-31.12.2023    01.01.-31.12.2022", "2023-12-31"},
		{"As of Dec. 31, 2023 and Dec. 31, 2022", "2023-12-31"},
		{"in EUR '000       Note     31.12.2023       31.12.2022", "2023-12-31"},
	};

	for (int k = 0; k < (int) (sizeof(shapes) / sizeof(shapes[0])); k++)
	{
		char		page[2048];
		const char *pages[1] = {page};
		fx_result  *r;
		const fx_statement *bs;
		char		what[96];

		snprintf(page, sizeof(page),
				 "ACME INDUSTRIES, INC.\n"
				 "CONSOLIDATED BALANCE SHEETS\n"
				 "(In millions)\n"
				 "%s\n"
				 "ASSETS\n"
				 "Cash and cash equivalents                                      $           22,063   $           17,920\n"
				 "Inventories                                                                 4,311                4,804\n"
				 "Prepaid expenses and other current assets                                   1,622                1,480\n"
				 "Total current assets                                                     28,001               24,204\n"
				 "Operating lease right-of-use assets                                           3,210                3,005\n"
				 "Total assets                                                 $           31,211   $           27,209\n",
				 shapes[k][0]);
		r = parse_ocr_pages(pages, 1);
		bs = r ? stmt(r, FX_BALANCE_SHEET) : NULL;
		snprintf(what, sizeof(what), "ocr date line \"%s\": two dated columns", shapes[k][0]);
		ok(bs != NULL && bs->nperiods == 2 && bs->periods[0].end_year == 2023 &&
		   bs->periods[0].end_month == 12 && bs->periods[0].end_day == 31 &&
		   bs->periods[1].end_year == 2022, what, NULL);
		snprintf(what, sizeof(what), "ocr date line \"%s\": long labels keep both amounts", shapes[k][0]);
		ok(bs != NULL && bs->nperiods == 2 &&
		   val(bs, "Prepaid expenses and other current assets", 1) &&
		   strcmp(val(bs, "Prepaid expenses and other current assets", 1), "1480") == 0 &&
		   val(bs, "Operating lease right-of-use assets", 0) &&
		   strcmp(val(bs, "Operating lease right-of-use assets", 0), "3210") == 0 &&
		   val(bs, "Operating lease right-of-use assets", 1) &&
		   strcmp(val(bs, "Operating lease right-of-use assets", 1), "3005") == 0,
		   what, NULL);
		if (k == 0)
			ok(bs != NULL && strcmp(bs->currency, "USD") == 0,
			   "ocr: \"$\" beside the amounts gives the currency", NULL);
		fx_result_free(r);
	}
}

/*
 * OCR text of a statement with a percent-of-sales column beside each
 * amount: the years' line has the percent columns' heading words between the
 * years ("2023  net sales  2022  net sales"), the month-and-day line has
 * them between the dates ("January 28,  % of  January 29,  % of"), and a
 * blank line sits between the two.  Every column gets its own date and
 * length (before, no column had a date and all four were stored as three
 * months, the 52-week columns too).
 */
static void
test_ocr_percent_headings(void)
{
	static const char *const pages[] = {
		"BEAUTY CORNER STORES, INC.\n"
		"CONSOLIDATED STATEMENTS OF INCOME (Unaudited)\n"
		"(In thousands, except per share data)\n"
		"13 Weeks Ended                                       52 Weeks Ended\n"
		"January 28,      % of      January 29,     % of       January 28,      % of      January 29,     % of\n"
		"\n"
		"2023       net sales        2022      net sales       2023       net sales        2022      net sales\n"
		"Net sales                                    $ 2,931,450      100.0%   $ 2,704,812      100.0%   $ 10,108,225      100.0%   $ 8,630,889      100.0%\n"
		"Cost of sales                                   1,802,114       61.5%      1,650,973       61.0%      6,164,990       61.0%      5,262,180       61.0%\n"
		"Gross profit                                    1,129,336       38.5%      1,053,839       39.0%      3,943,235       39.0%      3,368,709       39.0%\n",
	};
	fx_result  *r;
	const fx_statement *is;
	static const int want[4][4] = {
		{2023, 1, 28, 3}, {2022, 1, 29, 3}, {2023, 1, 28, 12}, {2022, 1, 29, 12}
	};
	bool		good;

	r = parse_ocr_pages(pages, 1);
	is = r ? stmt(r, FX_INCOME_STATEMENT) : NULL;
	good = is != NULL && is->nperiods == 4;
	for (int k = 0; good && k < 4; k++)
		good = is->periods[k].end_year == want[k][0] &&
			is->periods[k].end_month == want[k][1] &&
			is->periods[k].end_day == want[k][2] &&
			is->periods[k].months == want[k][3];
	ok(good, "ocr percent headings: four columns, each with its date and length", NULL);
	ok(is != NULL && is->nperiods == 4 && val(is, "Net sales", 2) &&
	   strcmp(val(is, "Net sales", 2), "10108225") == 0,
	   "ocr percent headings: the 52 weeks' amount in its column", NULL);
	fx_result_free(r);
}

/*
 * OCR text of balance sheets in international number formats, as tesseract
 * reads them: a currency code before each amount ("CHF 4'134'018"), the
 * caption "in CHF'000" (its zeros are no misread letters), groups split by
 * blanks ("2 492 336", two blanks), and decimals split off by a blank
 * ("1.234.567 ,89").
 */
static void
test_ocr_intl_numbers(void)
{
	static const char *const pages[] = {
		"CONSOLIDATED BALANCE SHEET\n"
		"in CHF'000\n"
		"31.12.2022           31.12.2021\n"
		"Assets\n"
		"Cash and cash equivalents                        CHF 4'134'018      CHF 3'870'215\n"
		"Trade receivables                                      912'406            887'130\n"
		"Total assets                                     CHF 5'046'424      CHF 4'757'345\n",
		"STATEMENT OF FINANCIAL POSITION\n"
		"(in thousands of euros)\n"
		"31/12/2022                  31/12/2021\n"
		"Goodwill                                          2 492 336              2 401 118\n"
		"Intangible assets                                   734 210                698 004\n"
		"Total assets                                      3 226 546              3 099 122\n",
		"Balance sheet\n"
		"TEUR\n"
		"31.12.2022           31.12.2021\n"
		"Property, plant and equipment             1.234.567 ,89         1.198.044,10\n"
		"Cash                                              1.234,56               998,40\n"
		"Total assets                              1.235.802,45          1.199.042,50\n",
	};
	fx_result  *r;
	const fx_statement *chf = NULL,
			   *eur = NULL,
			   *teur = NULL;

	r = parse_ocr_pages(pages, 3);
	for (int i = 0; r && i < r->nstatements; i++)
	{
		const fx_statement *st = &r->statements[i];

		if (st->first_page == 1)
			chf = st;
		else if (st->first_page == 2)
			eur = st;
		else if (st->first_page == 3)
			teur = st;
	}
	ok(chf && chf->unit_scale && strcmp(chf->unit_scale, "1000") == 0 &&
	   strcmp(chf->currency, "CHF") == 0,
	   "ocr intl: in CHF'000 is CHF thousands", NULL);
	ok(chf && val(chf, "Cash and cash equivalents", 0) &&
	   strcmp(val(chf, "Cash and cash equivalents", 0), "4134018") == 0 &&
	   val(chf, "Total assets", 1) && strcmp(val(chf, "Total assets", 1), "4757345") == 0,
	   "ocr intl: a currency code before each amount", NULL);
	ok(eur && val(eur, "Goodwill", 0) && strcmp(val(eur, "Goodwill", 0), "2492336") == 0 &&
	   val(eur, "Goodwill", 1) && strcmp(val(eur, "Goodwill", 1), "2401118") == 0,
	   "ocr intl: groups split by blanks", NULL);
	ok(teur && val(teur, "Property, plant and equipment", 0) &&
	   strcmp(val(teur, "Property, plant and equipment", 0), "1234567.89") == 0,
	   "ocr intl: decimals split off by a blank", NULL);
	fx_result_free(r);
}

/*
 * The OCR spelling repair leaves a word that differs from one it knows only
 * by a first letter: "Repayments" is no misread "Prepayments".
 */
static void
test_ocr_spelling_prefix(void)
{
	static const char *const pages[] = {
		"CONSOLIDATED STATEMENTS OF CASH FLOWS\n"
		"(In millions)\n"
		"2023          2022\n"
		"Proceeds from issuance of long-term debt          5,000         3,000\n"
		"Repayments of debt                               (3,000)       (1,000)\n"
		"Net cash provided by financing activities         2,000         2,000\n",
	};
	fx_result  *r;
	const fx_statement *cf;

	r = parse_ocr_pages(pages, 1);
	cf = r ? stmt(r, FX_CASH_FLOW) : NULL;
	ok(cf && val(cf, "Repayments of debt", 0) &&
	   strcmp(val(cf, "Repayments of debt", 0), "-3000") == 0,
	   "ocr spelling: Repayments stays Repayments", NULL);
	fx_result_free(r);
}

/*
 * OCR text of an equity roll-forward whose columns are components: no line
 * of years or dates heads them, so the rows tell how many columns there
 * are, the heading words split by wide gaps go over them in order, a
 * movement with fewer amounts puts each where the balances' amounts of its
 * column end, and "December 31, 2020" ending a label is no amount.
 * Before, every movement's amounts went to the first columns.
 */
static void
test_ocr_equity_components(void)
{
	static const char *const pages[] = {
		"CONSOLIDATED STATEMENTS OF SHAREHOLDERS' EQUITY\n"
		"(In millions)\n"
		"\n"
		"Common        Retained        Total\n"
		"\n"
		"Stock         Earnings        Equity\n"
		"Balance at December 31, 2020                                  $      1,000   $        500   $      1,500\n"
		"Net income                                                                            300            300\n"
		"Dividends declared                                                                    (50)           (50)\n"
		"Stock issued                                                           200                           200\n"
		"Balance at December 31, 2021                                  $      1,200   $        750   $      1,950\n",
	};
	fx_result  *r;
	const fx_statement *eq;

	r = parse_ocr_pages(pages, 1);
	eq = r ? stmt(r, FX_EQUITY) : NULL;
	ok(eq && eq->nperiods == 3 && eq->periods[1].label &&
	   strcmp(eq->periods[1].label, "Retained Earnings") == 0,
	   "ocr equity: three component columns, headed by their words", NULL);
	ok(eq && eq->nperiods == 3 && val(eq, "Net income", 1) &&
	   strcmp(val(eq, "Net income", 1), "300") == 0 && val(eq, "Net income", 0) == NULL &&
	   val(eq, "Stock issued", 0) && strcmp(val(eq, "Stock issued", 0), "200") == 0 &&
	   val(eq, "Stock issued", 1) == NULL,
	   "ocr equity: a movement's amounts in their components' columns", NULL);
	fx_result_free(r);
}

/*
 * A wrapped label whose second line is a letter mark and its leader
 * ("Income before income taxes" / "(a) . . . .  414,116"): the mark ends
 * the label above; a line that goes on after its mark ("(a) Revenue")
 * stays an item of its own.
 */
static void
test_wrapped_letter_mark(void)
{
	static const char *const pages[] = {
		"                     Consolidated Statements of Income\n"
		"                     (In thousands)\n"
		"                                                   2015          2014\n"
		"Revenue . . . . . . . . . . . . . . . . .       844,609       925,109\n"
		"Income before income taxes\n"
		"   (a) . . . . . . . . . . . . . . . . . .       414,116       256,503\n"
		"Other items:\n"
		"(a) Interest income . . . . . . . . . . .           780           808\n",
	};
	fx_result  *r = parse_pages(pages, 1);
	const fx_statement *is = r ? stmt(r, FX_INCOME_STATEMENT) : NULL;

	ok_str(is ? val(is, "Income before income taxes (a)", 0) : NULL, "414116",
		   "wrapped letter mark: the mark ends the label above");
	ok_str(is ? val(is, "(a) Interest income", 1) : NULL, "808",
		   "wrapped letter mark: a marked item with words stays its own");
	fx_result_free(r);
}

/*
 * A dash OCR read off the dot leaders ends a label ("Total current assets
 * .. . . 2... ee  128'130"): it is no part of the label; a dash inside
 * one ("Revenue - net") stays.
 */
static void
test_ocr_label_trailing_dash(void)
{
	static const char *const pages[] = {
		"BALANCE SHEET\n"
		"(Amounts in Philippine Peso)\n"
		"\n"
		"                                     30.09.2014      31.03.2015\n"
		"Cash .......................            45'688          53'829\n"
		"Receivables - net ..........            76'442          72'169\n"
		"Total Current Assets .. . . 2... ee eee ee eee            128'130         126'514\n"
		"Total Assets ...............           228'130         226'514\n",
	};
	fx_result  *r = parse_ocr_pages(pages, 1);
	const fx_statement *bs = r ? stmt(r, FX_BALANCE_SHEET) : NULL;

	ok_str(bs ? val(bs, "Total Current Assets", 0) : NULL, "128130",
		   "ocr trailing dash: the leaders' dash is no part of the label");
	ok_str(bs ? val(bs, "Receivables - net", 1) : NULL, "72169",
		   "ocr trailing dash: a dash inside a label stays");
	fx_result_free(r);
}

/*
 * OCR glues a currency code to the first group of a space-grouped amount
 * ("CHF374 827", "US$2 492 336"): the groups still join into one amount,
 * and the next column keeps its own.
 */
static void
test_ocr_glued_currency_code(void)
{
	static const char *const pages[] = {
		"INCOME STATEMENT\n"
		"(CHF '000)\n"
		"\n"
		"                                      H1 2022         H1 2021\n"
		"Revenue .........................   CHF374 827      CHF354 796\n"
		"Cost of revenue .................     -157 731        -162 701\n"
		"Sales in dollars ................  US$2 492 336    US$2 400 100\n"
		"Net income ......................   CHF121 610      CHF104 724\n",
	};
	fx_result  *r = parse_ocr_pages(pages, 1);
	const fx_statement *is = r ? stmt(r, FX_INCOME_STATEMENT) : NULL;

	ok_str(is ? val(is, "Revenue", 0) : NULL, "374827",
		   "ocr glued code: CHF374 827 is one amount");
	ok_str(is ? val(is, "Revenue", 1) : NULL, "354796",
		   "ocr glued code: the next column keeps its own");
	ok_str(is ? val(is, "Sales in dollars", 0) : NULL, "2492336",
		   "ocr glued code: US$2 492 336 is one amount");
	fx_result_free(r);
}

/*
 * A page without a line of years whose rows start with a note reference:
 * the notes are no column of amounts (two columns, not three).
 */
static void
test_ocr_implicit_notes(void)
{
	static const char *const pages[] = {
		"STATEMENT OF FINANCIAL POSITION\n"
		"(Amounts in Philippine Peso)\n"
		"\n"
		"Current Assets                       4         4,563,148         4,777,801\n"
		"Non Current Assets                   5         1,000,000         2,000,000\n"
		"Total Assets                                   5,563,148         6,777,801\n",
	};
	fx_result  *r;
	const fx_statement *bs;

	r = parse_ocr_pages(pages, 1);
	bs = r ? stmt(r, FX_BALANCE_SHEET) : NULL;
	ok(bs && bs->nperiods == 2 && val(bs, "Current Assets", 0) &&
	   strcmp(val(bs, "Current Assets", 0), "4563148") == 0 &&
	   val(bs, "Total Assets", 1) && strcmp(val(bs, "Total Assets", 1), "6777801") == 0,
	   "ocr: without years, a note column is no column of amounts", NULL);
	fx_result_free(r);
}

/*
 * A row whose label names a statement is a row: a UK balance sheet's
 * reserve "Profit and loss account  57,333  45,997" had ended the balance
 * sheet as the title of a profit and loss account (and a note table's
 * "Total ... in the consolidated statement of income  2  0" had opened an
 * income statement).
 */
static void
test_row_names_statement(void)
{
	static const char *const pages[] = {
		"BALANCE SHEET\n"
		"                                              31 March 2023    31 March 2022\n"
		"                                                          \u00a3                \u00a3\n"
		"Cash at bank and in hand                             57,433           46,097\n"
		"Net assets                                           57,433           46,097\n"
		"Capital and reserves\n"
		"Called up share capital                                 100              100\n"
		"Profit and loss account                              57,333           45,997\n"
		"Shareholders' funds                                  57,433           46,097\n",
	};
	fx_result  *r = parse_pages(pages, 1);
	const fx_statement *bs = stmt(r, FX_BALANCE_SHEET);

	ok(bs && val(bs, "Profit and loss account", 0) &&
	   strcmp(val(bs, "Profit and loss account", 0), "57333") == 0 &&
	   val(bs, "Shareholders' funds", 1) &&
	   strcmp(val(bs, "Shareholders' funds", 1), "46097") == 0,
	   "a row naming a statement stays a row of the balance sheet", NULL);
	ok(stmt(r, FX_INCOME_STATEMENT) == NULL,
	   "... and opens no profit and loss account", NULL);
	fx_result_free(r);

	/* a note table's wrapped label ending in a statement's name */
	{
		static const char *const note[] = {
			"Note 7 - Derivative Instruments\n"
			"                                                  Year Ended December 31,\n"
			"                                                 2015       2014       2013\n"
			"Foreign exchange contracts designated as cash flow hedges recognized in\n"
			"net revenues                                 $     70   $     10   $      2\n"
			"   Total gain (loss) recognized in the consolidated\n"
			"   statement of income                       $     24   $     34   $     48\n"
			"Interest rate contracts recognized in the consolidated\n"
			"   statement of income                       $      \xe2\x80\x94   $      \xe2\x80\x94   $      \xe2\x80\x94\n"
			"Foreign exchange contracts                        12         14         16\n"
			"Interest rate contracts                           18         20         22\n"
			"Other contracts                                   30         34         38\n",
		};
		fx_result  *rn = parse_pages(note, 1);

		ok(rn && rn->nstatements == 0,
		   "\"statement of income  $ 24\" and \"$ \xe2\x80\x94\" end a row, open no statement",
		   NULL);
		fx_result_free(rn);
	}
}

static void
test_ocr_headings(void)
{
	static const char *const pages[] = {
		"Apple Inc.\n"
		"CONDENSED CONSOLIDATED STATEMENTS OF OPERATIONS (Unaudited)\n"
		"(In millions, except number of shares which are reflected in thousands and per share amounts)\n"
		"Three Months Ended                          Nine Months Ended\n"
		"July 1,                  June 25,                  July 1,                  June 25,\n"
		"2023                   2022                   2023                   2022\n"
		"Net sales:\n"
		"Products                                      $    60,584 $    63,355 $   230,901 $   245,241\n"
		"Services                                           21,213      19,604      62,886      58,941\n"
		"Total net sales                                    81,797      82,959     293,787     304,182\n"
		"Net income                                    $    19,881 $    19,442 $    74,039 $    79,082\n",
		"Ulta Beauty, Inc.\n"
		"Consolidated Statements of Income\n"
		"(In thousands, except per share data)\n"
		"13 Weeks Ended\n"
		"January 28,                         January 29,\n"
		"2023                                2022\n"
		"Net sales                                $ 3,226,773   100.0% $ 2,729,388   100.0%\n"
		"Cost of sales                              2,014,270    62.4%   1,702,059    62.4%\n"
		"Gross profit                               1,212,503    37.6%   1,027,329    37.6%\n",
	};
	size_t		lens[2] = {strlen(pages[0]), strlen(pages[1])};
	fx_parse_opts opts;
	fx_result  *r;
	const fx_statement *is;

	memset(&opts, 0, sizeof(opts));
	opts.ocr = true;
	r = fx_parse_document(pages, lens, 2, &opts);
	is = r ? stmt(r, FX_INCOME_STATEMENT) : NULL;
	ok(is != NULL && is->nperiods == 4, "ocr headings: four columns", NULL);
	if (is != NULL && is->nperiods == 4)
	{
		ok(is->periods[0].end_year == 2023 && is->periods[0].end_month == 7 &&
		   is->periods[0].end_day == 1 && is->periods[0].months == 3,
		   "ocr headings: first column three months to July 1, 2023", NULL);
		ok(is->periods[1].end_year == 2022 && is->periods[1].end_month == 6 &&
		   is->periods[1].end_day == 25 && is->periods[1].months == 3,
		   "ocr headings: second column three months to June 25, 2022", NULL);
		ok(is->periods[2].end_year == 2023 && is->periods[2].end_month == 7 &&
		   is->periods[2].months == 9,
		   "ocr headings: third column nine months to July 1, 2023", NULL);
		ok_str(val(is, "Total net sales", 2), "293787",
			   "ocr headings: the nine months' value in its column");
	}
	is = r && r->nstatements == 2 ? &r->statements[1] : NULL;
	ok(is != NULL && is->nperiods == 2 && is->periods[0].end_month == 1 &&
	   is->periods[0].end_day == 28 && is->periods[1].end_year == 2022,
	   "ocr headings: 13 weeks to January 28, 2023 and January 29, 2022",
	   NULL);
	ok_str(is ? val(is, "Net sales", 0) : NULL, "3226773",
		   "ocr percents: the amount, not its percent of sales");
	ok_str(is ? val(is, "Net sales", 1) : NULL, "2729388",
		   "ocr percents: last year's amount in last year's column");
	fx_result_free(r);
}

/*
 * A cash flow statement headed "Nine Months Ended" over "2023  2022" (its
 * dates lost, as OCR may lose a line) takes each column's end from the
 * income statement of the same document, which prints both nine-month
 * periods in full; a length no other statement prints stays unknown.
 */
static void
test_known_periods(void)
{
	static const char *const pages[] = {
		"               CONDENSED CONSOLIDATED STATEMENTS OF OPERATIONS\n"
		"                          (In millions)\n"
		"                                       Nine Months Ended\n"
		"                                 July 1,            June 25,\n"
		"                                   2023               2022\n"
		"Net sales                       $ 293,787          $ 304,182\n"
		"Cost of sales                     165,396            172,789\n"
		"Net income                      $  74,039          $  79,082\n",
		"               CONDENSED CONSOLIDATED STATEMENTS OF CASH FLOWS\n"
		"                          (In millions)\n"
		"                                       Nine Months Ended\n"
		"                                   2023               2022\n"
		"Net income                      $  74,039          $  79,082\n"
		"Depreciation and amortization       8,866              8,239\n"
		"Cash generated by operating activities  88,945      98,024\n",
		"               CONDENSED CONSOLIDATED STATEMENTS OF COMPREHENSIVE INCOME\n"
		"                          (In millions)\n"
		"                                       Six Months Ended\n"
		"                                   2023               2022\n"
		"Net income                      $  54,158          $  59,640\n"
		"Other comprehensive income         (1,234)              456\n"
		"Total comprehensive income         52,924             60,096\n",
	};
	fx_result  *r = parse_pages(pages, 3);
	const fx_statement *cf = r ? stmt(r, FX_CASH_FLOW) : NULL;
	const fx_statement *ci = r ? stmt(r, FX_COMPREHENSIVE_INCOME) : NULL;

	ok(cf && cf->nperiods == 2 && cf->periods[0].end_year == 2023 &&
	   cf->periods[0].end_month == 7 && cf->periods[0].end_day == 1 &&
	   cf->periods[1].end_year == 2022 && cf->periods[1].end_month == 6 &&
	   cf->periods[1].end_day == 25,
	   "known periods: the year-only nine-month columns end as the income "
	   "statement's", NULL);
	ok(ci && ci->nperiods == 2 && ci->periods[0].end_month == 0,
	   "known periods: a length no statement prints in full stays unknown",
	   NULL);
	fx_result_free(r);
}

/*
 * The balance sheets' dates as the second signal when the cover names no
 * fiscal year end: an interim balance sheet (30.06.2023 beside 31.12.2022)
 * proves a calendar fiscal year and a six-month year to date, which end
 * "Q2 2023" and "H1 2023"; a retailer's (July 29 beside January 28 and the
 * same date a year before) a year ending late January; an annual one
 * (31.12.2023 beside 31.12.2022) ends a profit and loss account's "2023"
 * and "2022".  Dates 15 months apart (a transition period) prove nothing,
 * and a year-only column is completed only when the newest year printed
 * is the fiscal year's (a year to January 2023 is "2022" in some reports).
 */
static const char *const bs_interim =
	"Consolidated statement of financial position\n"
	"in EUR million                          30.06.2023      31.12.2022\n"
	"Cash                                           412             388\n"
	"Receivables                                    530             497\n"
	"Total assets                                   942             885\n"
	"Liabilities                                    402             433\n"
	"Equity                                         540             452\n"
	"Total equity and liabilities                   942             885\n";
static const char *const is_halves =
	"Consolidated income statement\n"
	"in EUR million                 Q2 2023    Q2 2022    H1 2023    H1 2022\n"
	"Revenue                          1,048        977      2,061      1,904\n"
	"Cost of sales                     -702       -661     -1,389     -1,290\n"
	"Net profit                         346        316        672        614\n";

/* end of column j as y*10000+m*100+d, or 0 */
static int
ymd_of(const fx_statement *st, int j)
{
	if (st == NULL || j >= st->nperiods)
		return -1;
	return st->periods[j].end_year * 10000 + st->periods[j].end_month * 100 +
		st->periods[j].end_day;
}

static void
test_balance_sheet_year_end(void)
{
	const char *pages[2];
	fx_result  *r;
	const fx_statement *is;
	char		bs[1024];

	pages[0] = bs_interim;
	pages[1] = is_halves;
	r = parse_pages(pages, 2);
	is = r ? stmt(r, FX_INCOME_STATEMENT) : NULL;
	ok(is && ymd_of(is, 0) == 20230630 && is->periods[0].months == 3 &&
	   ymd_of(is, 1) == 20220630 && ymd_of(is, 2) == 20230630 &&
	   is->periods[2].months == 6 && ymd_of(is, 3) == 20220630,
	   "interim balance sheet: Q2 and H1 columns end June 30", NULL);
	fx_result_free(r);

	/* without the balance sheet nothing proves them */
	pages[0] = is_halves;
	r = parse_pages(pages, 1);
	is = r ? stmt(r, FX_INCOME_STATEMENT) : NULL;
	ok(is && is->nperiods == 4 && ymd_of(is, 0) == 0 && ymd_of(is, 2) == 0,
	   "no balance sheet: Q2 and H1 columns stay without an end", NULL);
	fx_result_free(r);

	/* a transition period: 15 months between the dates prove nothing */
	snprintf(bs, sizeof(bs), "%s", bs_interim);
	memcpy(strstr(bs, "31.12.2022"), "30.09.2022", 10);
	memcpy(strstr(bs, "30.06.2023"), "31.12.2023", 10);
	pages[0] = bs;
	pages[1] = is_halves;
	r = parse_pages(pages, 2);
	is = r ? stmt(r, FX_INCOME_STATEMENT) : NULL;
	ok(is && ymd_of(is, 0) == 0 && ymd_of(is, 2) == 0,
	   "transition period: no fiscal year end from the balance sheet", NULL);
	fx_result_free(r);

	/* a retailer's 26 weeks: year end late January, not a calendar quarter */
	pages[0] =
		"CONDENSED CONSOLIDATED BALANCE SHEETS\n"
		"(In millions)                July 29,    January 28,    July 30,\n"
		"                                2023           2023        2022\n"
		"Cash                           $ 412          $ 388       $ 301\n"
		"Receivables                      530            497         450\n"
		"Total assets                     942            885         751\n"
		"Liabilities                      402            433         351\n"
		"Equity                           540            452         400\n"
		"Total liabilities and equity     942            885         751\n";
	pages[1] = is_halves;
	r = parse_pages(pages, 2);
	is = r ? stmt(r, FX_INCOME_STATEMENT) : NULL;
	ok(is && ymd_of(is, 0) == 20230729 && ymd_of(is, 2) == 20230729 &&
	   ymd_of(is, 1) == 0 && ymd_of(is, 3) == 0,
	   "retail interim: the current Q2 and H1 end July 29, the prior "
	   "year's week-based day is not guessed", NULL);
	fx_result_free(r);

	/* an annual balance sheet ends the profit and loss's year-only columns */
	pages[0] =
		"Statement of financial position\n"
		"in EUR '000                               31.12.2023    31.12.2022\n"
		"Cash                                             412           388\n"
		"Total assets                                     412           388\n"
		"Equity                                           412           388\n"
		"Total equity and liabilities                     412           388\n";
	pages[1] =
		"Statement of profit or loss\n"
		"in EUR '000                                     2023          2022\n"
		"Revenue                                        1,048           977\n"
		"Cost of sales                                   -702          -661\n"
		"Gross profit                                     346           316\n"
		"Income taxes                                     -41           -36\n"
		"Net profit                                       305           280\n";
	r = parse_pages(pages, 2);
	is = r ? stmt(r, FX_INCOME_STATEMENT) : NULL;
	ok(is && is->nperiods == 2 && ymd_of(is, 0) == 20231231 &&
	   ymd_of(is, 1) == 20221231 && is->periods[0].months == 12,
	   "annual balance sheet: year-only columns end December 31", NULL);
	fx_result_free(r);

	/* a year end in January: "2022" may name the year to January 2023 */
	snprintf(bs, sizeof(bs), "%s", pages[0]);
	memcpy(strstr(bs, "31.12.2023"), "31.01.2023", 10);
	memcpy(strstr(bs, "31.12.2022"), "31.01.2022", 10);
	pages[0] = bs;
	pages[1] =
		"Statement of profit or loss\n"
		"in EUR '000                                     2022          2021\n"
		"Revenue                                        1,048           977\n"
		"Cost of sales                                   -702          -661\n"
		"Gross profit                                     346           316\n"
		"Income taxes                                     -41           -36\n"
		"Net profit                                       305           280\n";
	r = parse_pages(pages, 2);
	is = r ? stmt(r, FX_INCOME_STATEMENT) : NULL;
	ok(is && is->nperiods == 2 && ymd_of(is, 0) == 0 && ymd_of(is, 1) == 0,
	   "year end in January, newest column a year before it: no end guessed",
	   NULL);
	fx_result_free(r);
}

/*
 * An interim report read as a scan (tesseract's text of a rendered page:
 * spacing varies from line to line): the income statement's heading "Q2
 * 2023  Q2 2022  H1 2023  H1 2022" after a unit caption sets its four
 * columns, and a row's small first amount set far left of its column by
 * OCR is a value, not a note reference, on a page without a notes column.
 */
static const char *const ocr_interim_bs =
	"Consolidated statement of financial position\n"
	"in EUR million                                                                    30.06.2023       31.12.2022\n"
	"Cash and cash equivalents                                                                  412               388\n"
	"Trade receivables                                                                                530                497\n"
	"Inventories                                                                                                                                     611                       574\n"
	"Total current assets                                                                                             1,553                1,459\n"
	"Property, plant and equipment                                                             1,210             1,187\n"
	"Total assets                                                                                    2,763              2,646\n"
	"Trade payables                                                                                   402                433\n"
	"Financial liabilities                                                                                905                880\n"
	"Total liabilities                                                                                                         1,307                 1,313\n"
	"Equity                                                                                                                                  1,456                  1,333\n"
	"Total equity and liabilities                                                                             2,763               2,646\n";
static const char *const ocr_interim_is =
	"Kestrel Maschinenbau SE\n"
	"Consolidated income statement\n"
	"in EUR million                                      Q2 2023        Q2 2022        H1 2023        H1 2022\n"
	"Revenue                                                                          1,048                  977               2,061                1,904\n"
	"Cost of sales                                                              -702                -661              -1,389             -1,290\n"
	"Gross profit                                                    346              316              672              614\n"
	"Operating expenses                                         -211              -198             -420             -391\n"
	"Operating result (EBIT)                                   135             118             252             223\n"
	"Income taxes                                                               -41                  -36                 -80                 -71\n";

static void
test_ocr_interim(void)
{
	const char *pages[2] = {ocr_interim_bs, ocr_interim_is};
	fx_result  *r = parse_ocr_pages(pages, 2);
	const fx_statement *bs = r ? stmt(r, FX_BALANCE_SHEET) : NULL;
	const fx_statement *is = r ? stmt(r, FX_INCOME_STATEMENT) : NULL;

	ok(is && is->nperiods == 4, "OCR interim: four columns under Q2/H1", NULL);
	ok(is && ymd_of(is, 0) == 20230630 && is->periods[0].months == 3 &&
	   ymd_of(is, 3) == 20220630 && is->periods[3].months == 6,
	   "OCR interim: Q2 2023 and H1 2022 proven by the balance sheet", NULL);
	ok_str(is ? val(is, "Operating result (EBIT)", 0) : NULL, "135",
		   "OCR interim: EBIT Q2 2023 kept in its column");
	ok_str(is ? val(is, "Operating result (EBIT)", 3) : NULL, "223",
		   "OCR interim: EBIT H1 2022");
	ok_str(bs ? val(bs, "Cash and cash equivalents", 0) : NULL, "412",
		   "OCR interim: small first amount is a value, not a note");
	ok_str(bs ? val(bs, "Cash and cash equivalents", 1) : NULL, "388",
		   "OCR interim: second amount in the second column");
	fx_result_free(r);
}

/*
 * A list of contents whose last entry names a statement and is followed by
 * the notes' entries ("Note 1 - ...  10"): the page numbers are no
 * statement.  A statement of small amounts in one column whose title
 * prints no number is still one.
 */
static void
test_contents_entries(void)
{
	const char *pages[] = {
		"                              Index\n"
		"                                                                   Page\n"
		"Condensed Consolidated Balance Sheet as of June 30, 2023 and December 31, 2022      4\n"
		"Condensed Consolidated Statement of Income for the six months ended June 30, 2023   5\n"
		"Condensed Consolidated Statement of Cash Flows for the six months ended June 30, 2023   8\n"
		"Notes to Condensed Consolidated Financial Statements                               10\n"
		"   Note 1 - The Company and Summary of Significant Accounting Policies             10\n"
		"   Note 2 - Net Income Per Share                                                   13\n"
		"   Note 3 - Business Combinations                                                  14\n"
		"   Note 4 - Goodwill and Intangible Assets                                         15\n"
		"   Note 5 - Segments                                                               16\n"
		"   Note 6 - Investments                                                            17\n"
		"   Note 7 - Derivative Instruments                                                 22\n"
		"   Note 8 - Fair Value Measurement                                                 26\n"
		"   Note 9 - Debt                                                                   30\n"
		"   Note 10 - Commitments and Contingencies                                         35\n",
		"            CONDENSED CONSOLIDATED STATEMENT OF CASH FLOWS\n"
		"                        (In millions)\n"
		"                                                      Six Months Ended\n"
		"                                                          June 30,\n"
		"                                                      2023        2022\n"
		"Net income                                         $ 1,000     $   900\n"
		"Depreciation and amortization                          150         140\n"
		"Net cash provided by operating activities            1,150       1,040\n",
		"                    STATEMENT OF INCOME\n"
		"                       (In millions)\n"
		"                                              Year ended\n"
		"                                           June 30, 2023\n"
		"Revenue                                               5\n"
		"Costs                                                 7\n"
		"Other income                                          9\n"
		"Loss                                                 11\n",
	};
	fx_result  *r = parse_pages(pages, 3);
	const fx_statement *cf = r ? stmt(r, FX_CASH_FLOW) : NULL;
	const fx_statement *is = r ? stmt(r, FX_INCOME_STATEMENT) : NULL;
	bool		on_contents = false;

	for (int k = 0; r && k < r->nstatements; k++)
		if (r->statements[k].first_page == 1)
			on_contents = true;
	ok(r && !on_contents, "contents: no statement on the list of contents",
	   NULL);
	ok(cf && cf->first_page == 2, "contents: the cash flow statement is page 2's",
	   NULL);
	ok(is && is->first_page == 3,
	   "contents: small amounts under a title without a number are a statement",
	   NULL);
	fx_result_free(r);

	/* one title the list names, group headings, an ID, a footer */
	pages[0] =
		"Index to consolidated financial statements                    Page reference\n"
		"Consolidated statement of income for each of the three years in the period      36\n"
		"Consolidated balance sheet at December 31, 2022 and 2021                        38\n"
		"Consolidated statement of cash flows for each of the three years                39\n"
		"  Notes\n"
		"Notes to consolidated financial statements                                      41\n"
		"Management's assessment of internal control over financial reporting            58\n"
		"Report of independent registered public accounting firm-PCAOB ID:    42         59\n"
		"\n"
		"                                       Example Corporation 2022 Annual Report 35\n";
	r = parse_pages(pages, 3);
	on_contents = false;
	for (int k = 0; r && k < r->nstatements; k++)
		if (r->statements[k].first_page == 1)
			on_contents = true;
	ok(r && !on_contents,
	   "contents: a list with group headings, an ID and a footer is no statement",
	   NULL);
	fx_result_free(r);
}

/*
 * An earnings release's title "Consolidated Statements of Income and Other
 * Information" opens an income statement; a note's "Balance Sheet
 * Information" opens none.
 */
static void
test_title_other_information(void)
{
	static const char *const rows =
		"                                            Three Months Ended\n"
		"(In Millions; unaudited)                  Dec 31, 2022    Dec 25, 2021\n"
		"Net revenue                               $     14,042    $    20,528\n"
		"Cost of sales                                    8,542          9,519\n"
		"Gross margin                                     5,500         11,009\n"
		"Net income (loss)                                 (661)         4,623\n";
	char		page[1024];
	const char *pages[1] = {page};
	fx_result  *r;

	snprintf(page, sizeof(page), "%s%s",
			 "          Consolidated Statements of Income and Other Information\n\n",
			 rows);
	r = parse_pages(pages, 1);
	ok(r && stmt(r, FX_INCOME_STATEMENT) != NULL,
	   "\"Statements of Income and Other Information\" is a title", NULL);
	fx_result_free(r);
	snprintf(page, sizeof(page), "%s%s", "Balance Sheet Information\n\n", rows);
	r = parse_pages(pages, 1);
	ok(r && r->nstatements == 0, "\"Balance Sheet Information\" is no title",
	   NULL);
	fx_result_free(r);
}

/*
 * A text layer of control codes (a font without a Unicode map) is no text:
 * the page is listed as needing OCR, as an empty one is; a page with a few
 * stray control codes among its words is read.
 */
static void
test_unreadable_text(void)
{
	char		garbled[2048],
				stray[1024];
	const char *pages[2];
	fx_result  *r;
	int			n = 0;

	for (int line = 0; line < 20; line++)
	{
		for (int k = 0; k < 40; k++)
			garbled[n++] = (char) (k % 7 == 6 ? ' ' : 1 + (line * 40 + k) % 31);
		garbled[n++] = '\n';
	}
	garbled[n] = '\0';
	ok(fx_text_unreadable(garbled, strlen(garbled)),
	   "unreadable: control codes are no text", NULL);
	snprintf(stray, sizeof(stray), "%s",
			 "CONSOLIDATED BALANCE SHEETS\n"
			 "                                   December 31, 2023   December 31, 2022\n"
			 "Cash                                        100               90\x01\n"
			 "Receivables                                  50               40\n"
			 "Total assets                                150              130\n"
			 "Liabilities                                  70               60\n"
			 "Equity                                       80               70\n"
			 "Total liabilities and equity                150              130\n");
	ok(!fx_text_unreadable(stray, strlen(stray)),
	   "unreadable: one stray control code among words is text", NULL);
	pages[0] = garbled;
	pages[1] = stray;
	r = parse_pages(pages, 2);
	ok(r && r->n_no_text == 1 && r->no_text_pages[0] == 1,
	   "unreadable: the page of control codes needs OCR", NULL);
	ok(r && stmt(r, FX_BALANCE_SHEET) != NULL &&
	   stmt(r, FX_BALANCE_SHEET)->first_page == 2,
	   "unreadable: the readable page is parsed", NULL);
	fx_result_free(r);
}

/*
 * An earnings release read by OCR: the years are followed by the heading of
 * a change column ("2022  2021  Inc/ (Dec)") and each row by its change and
 * percentage; the years head the value columns and the changes are left
 * out.  A balance sheet's "In millions  December 31,  2022  2021" is a
 * caption and a month-day over two years, not a date ending a label.
 */
static void
test_ocr_change_columns(void)
{
	static const char *const pages[] = {
		"ACME CORPORATION\n"
		"CONDENSED CONSOLIDATED STATEMENT OF INCOME (UNAUDITED)\n"
		"\n"
		"Dollars in millions, except per share data\n"
		"Quarters Ended December 31,                                                                                     2022                     2021                       Inc/ (Dec)\n"
		"Revenues\n"
		"Sales by company-operated stores               $ 1,208.4 $ 1,538.8 $ (330.4)            (21)%\n"
		"Revenues from franchised stores                       645.0         591.6            53.4               9\n"
		"TOTAL REVENUES                                     1,853.4         2,130.4           (277.0)            (13)\n"
		"Total operating costs and expenses                     1,100.0       1,250.0         (150.0)             (12)\n"
		"OPERATING INCOME                                     753.4           880.4          (127.0)             (14)\n"
		"Nonoperating (income) expense, net                 (80.1)            (6.3)           (73.8)            n/m\n"
		"NET INCOME                                      $ 673.3 $ 874.1 $     (200.8)            (23)%\n",
		"ACME CORPORATION\n"
		"CONDENSED CONSOLIDATED BALANCE SHEET (UNAUDITED)\n"
		"\n"
		"In millions                                                      December 31,               2022                2021\n"
		"Cash and equivalents                                                          $ 1,583.8 $ 2,709.2\n"
		"Accounts receivable                                                         1,115.0         872.4\n"
		"TOTAL ASSETS                                                               $ 2,698.8 $ 3,581.6\n"
		"TOTAL LIABILITIES                                                         1,698.8         2,081.6\n"
		"TOTAL EQUITY                                                              1,000.0         1,500.0\n"
		"TOTAL LIABILITIES AND EQUITY                                         $ 2,698.8 $ 3,581.6\n",
	};
	fx_result  *r = parse_ocr_pages(pages, 2);
	const fx_statement *is = r ? stmt(r, FX_INCOME_STATEMENT) : NULL;
	const fx_statement *bs = r ? stmt(r, FX_BALANCE_SHEET) : NULL;

	ok(is && is->nperiods == 2, "OCR changes: two period columns", NULL);
	ok_str(is ? val(is, "Sales by company-operated stores", 0) : NULL, "1208.4",
		   "OCR changes: 2022 value in the 2022 column");
	ok_str(is ? val(is, "Revenues from franchised stores", 1) : NULL, "591.6",
		   "OCR changes: 2021 value, not the change");
	ok_str(is ? val(is, "Nonoperating (income) expense, net", 1) : NULL, "-6.3",
		   "OCR changes: a row with n/m");
	ok(bs && bs->nperiods == 2 && ymd_of(bs, 0) == 20221231 &&
	   ymd_of(bs, 1) == 20211231,
	   "OCR caption: December 31 over 2022 and 2021", NULL);
	ok_str(bs ? val(bs, "Accounts receivable", 1) : NULL, "872.4",
		   "OCR caption: 2021 value");
	fx_result_free(r);
}

/*
 * An earnings release's change columns print "n/m" (not meaningful) where
 * a percentage makes no sense: the row goes on, and so does the statement
 * (it ended there, losing the rows down to net income).
 */
static void
test_not_meaningful(void)
{
	static const char *const pages[] = {
		"           CONDENSED CONSOLIDATED STATEMENT OF INCOME (UNAUDITED)\n"
		"Dollars in millions\n"
		"                                                                            Inc/ (Dec)\n"
		"Quarters Ended December 31,                    2022          2021       $          %\n"
		"Revenues                                  $ 1,208.4     $ 1,538.8  $ (330.4)     (21)%\n"
		"Operating costs                               455.0         658.4     (203.4)      (31)\n"
		"OPERATING INCOME                              753.4         880.4     (127.0)      (14)\n"
		"Nonoperating (income) expense, net            (80.1)         (6.3)     (73.8)      n/m\n"
		"Other items, net                               12.0           0.0      12.0        NM\n"
		"NET INCOME                                  $ 821.5       $ 880.1   $  (58.6)       (7)%\n",
	};
	fx_result  *r = parse_pages(pages, 1);
	const fx_statement *is = r ? stmt(r, FX_INCOME_STATEMENT) : NULL;

	ok_str(is ? val(is, "Nonoperating (income) expense, net", 1) : NULL, "-6.3",
		   "n/m: the row keeps its values");
	ok_str(is ? val(is, "Other items, net", 0) : NULL, "12.0",
		   "NM: the row keeps its values");
	ok_str(is ? val(is, "NET INCOME", 0) : NULL, "821.5",
		   "n/m: the statement goes on to net income");
	fx_result_free(r);
}

/*
 * Checks that held on real statements but failed: a net row after an
 * "Accumulated depreciation" row printed negative (a utility's balance
 * sheet; its values doubled); a cash flow statement that reconciles its
 * ending cash further ("Less: cash of held for sale business", then the
 * balance sheet's figure).  And a label whose first line ends a list of
 * numbers in its prose ("...at respective dates; 1,984,678,673"): the
 * number is the label's, the values are on its second line.
 */
static const char *const check_bs_page =
	"EXAMPLE UTILITY CORPORATION\n"
	"CONSOLIDATED BALANCE SHEETS\n"
	"(in millions)\n"
	"                                                                                                                    Balance at December 62,\n"
	"                                                                                                                    40218              40216\n"
	"ASSETS\n"
	"Current Assets\n"
	" Cash and cash equivalents                                                                                      $       3,140    $        3,336\n"
	" Accounts receivable\n"
	"   Customers (net of allowance for doubtful accounts of $43 and $56 at respective dates)                                2,574             2,296\n"
	"   Accrued unbilled revenue                                                                                                1,938            2,000\n"
	"   Regulatory balancing accounts                                                                                        4,228             2,870\n"
	"   Other                                                                                                                5,234             5,372\n"
	" Regulatory assets                                                                                                         630                466\n"
	" Inventories\n"
	"   Gas stored underground and fuel oil                                                                                      194                222\n"
	"   Materials and supplies                                                                                                  1,100                886\n"
	" Income taxes receivable                                                                                                    —                  46\n"
	" Other                                                                                                                     1,292                896\n"
	"   Total current assets                                                                                               20,330              18,390\n"
	"Property, Plant, and Equipment\n"
	" Electric                                                                                                             125,414             118,300\n"
	" Gas                                                                                                                  45,376             43,112\n"
	" Construction work in progress                                                                                          5,350             5,128\n"
	" Other                                                                                                                      40                 4\n"
	"   Total property, plant, and equipment                                                                               176,180             166,544\n"
	" Accumulated depreciation                                                                                             (52,910)          (49,430)\n"
	"   Net property, plant, and equipment                                                                                 123,270             117,114\n"
	"Other Noncurrent Assets\n"
	" Regulatory assets                                                                                                      12,132             9,928\n"
	" Nuclear decommissioning trusts                                                                                         6,346             5,460\n"
	" Operating lease right of use asset                                                                                     4,572                  —\n"
	" Income taxes receivable                                                                                                    134                 138\n"
	" Other                                                                                                                  3,608             2,960\n"
	"   Total other noncurrent assets                                                                                      26,792              18,486\n"
	"TOTAL ASSETS                                                                                                    $     170,392     $       153,990\n";
static const char *const check_label_page =
	"                    CONSOLIDATED BALANCE SHEETS\n"
	"                           (in millions)\n"
	"                                                                                                                      December 31,\n"
	"                                                                                                                           2019               2018\n"
	"ASSETS\n"
	"Current Assets\n"
	"Cash                                                                                                                      1,570              1,668\n"
	"  Total current assets                                                                                                    1,570              1,668\n"
	"Property, Plant, and Equipment\n"
	"Electric                                                                                                                 62,707             59,150\n"
	"Gas                                                                                                                      22,688             21,556\n"
	"  Total property, plant, and equipment                                                                                   85,395             80,706\n"
	"Accumulated depreciation                                                                                               (26,455)           (24,715)\n"
	"  Net property, plant, and equipment                                                                                     58,940             55,991\n"
	"Other Noncurrent Assets\n"
	"Regulatory assets                                                                                                         6,066              4,964\n"
	"Other                                                                                                                     1,000              1,000\n"
	"  Total other noncurrent assets                                                                                           7,066              5,964\n"
	"  TOTAL ASSETS                                                                                                           67,576             63,623\n"
	"  Total liabilities                                                                                                      41,000             39,000\n"
	"    Common stock, no par value, authorized 3,600,000,000 and 800,000,000 shares at respective dates; 1,984,678,673\n"
	"    and 529,236,741 shares outstanding at respective dates                                                               20,000             19,000\n"
	"    Reinvested earnings                                                                                                   6,576              5,623\n"
	"  Total shareholders' equity                                                                                             26,576             24,623\n"
	"  TOTAL LIABILITIES AND EQUITY                                                                                           67,576             63,623\n";
static const char *const check_cf_page =
	"               CONSOLIDATED STATEMENTS OF CASH FLOWS\n"
	"                           (in millions)\n"
	"                                                    Year Ended December 31,\n"
	"                                                        2020       2019       2018\n"
	"Net cash provided by operating activities              2,000      1,900      1,800\n"
	"Net cash (used in) investing activities              (1,402)    (3,123)    (1,721)\n"
	"Net increase (decrease) in cash and restricted cash      598    (1,223)         79\n"
	"Cash and restricted cash at beginning of period          996      2,219      2,140\n"
	"Cash and restricted cash at end of period              1,594        996      2,219\n"
	"  Less: Cash of held for sale business                    23         22         48\n"
	"  Less: Cash of discontinued operations                    0         52         87\n"
	"Cash and restricted cash at end of period              1,571        922      2,084\n";

/* the number of failed checks of a statement, and of checks named name */
static int
failed_checks(const fx_statement *st, const char *name, int *count)
{
	int			failed = 0;

	*count = 0;
	for (int k = 0; st && k < st->nchecks; k++)
		if (name == NULL || strcmp(st->checks[k].name, name) == 0)
			(*count)++, failed += !st->checks[k].passed;
	return failed;
}

static void
test_check_shapes(void)
{
	const char *pages[1];
	fx_result  *r;
	const fx_statement *st;
	int			n;
	const char *common = "Common stock, no par value, authorized 3,600,000,000 "
		"and 800,000,000 shares at respective dates; 1,984,678,673 and "
		"529,236,741 shares outstanding at respective dates";

	pages[0] = check_bs_page;
	r = parse_pages(pages, 1);
	st = r ? stmt(r, FX_BALANCE_SHEET) : NULL;
	ok(st && failed_checks(st, NULL, &n) == 0 && n > 0,
	   "checks: net of accumulated depreciation stands for its two rows", NULL);
	fx_result_free(r);

	pages[0] = check_label_page;
	r = parse_pages(pages, 1);
	st = r ? stmt(r, FX_BALANCE_SHEET) : NULL;
	ok_str(st ? val(st, common, 0) : NULL, "20000",
		   "a number ending a list in a label's prose is the label's");
	fx_result_free(r);

	pages[0] = check_cf_page;
	r = parse_pages(pages, 1);
	st = r ? stmt(r, FX_CASH_FLOW) : NULL;
	ok(st && failed_checks(st, "cash_rollforward", &n) == 0 && n == 3,
	   "checks: the cash roll-forward ends at the first ending cash", NULL);
	fx_result_free(r);
}

/*
 * An earnings release prints a statement's title at the foot of a page and
 * its table on the next, whose heading sets two spans one blank apart
 * ("Three Months Ended Six Months Ended"): the statement is found, its
 * rows read on the next page, and each span heads its own two columns.
 */
static void
test_title_at_page_foot(void)
{
	static const char *const pages[] = {
		"                                    Example Inc.\n"
		"                 Unaudited Condensed Consolidated Statement of Income\n"
		"                                          Three Months Ended        Six Months Ended\n"
		"                                               June 30,                 June 30,\n"
		"                                           2023       2022         2023       2022\n"
		"Net revenues                            $ 2,540    $ 2,422      $ 5,050    $ 4,905\n"
		"Cost of net revenues                        718        663        1,418      1,352\n"
		"Gross profit                              1,822      1,759        3,632      3,553\n"
		"Net income                              $   171    $  (531)     $   738    $(1,872)\n"
		"\n"
		"                                    Example Inc.\n"
		"                 Unaudited Condensed Consolidated Statement of Cash Flows\n"
		"\n"
		"                                                                            8\n",
		"                                          Three Months Ended Six Months Ended\n"
		"                                               June 30,              June 30,\n"
		"                                           2023       2022         2023       2022\n"
		"                                                    (In millions)\n"
		"Cash flows from operating activities:\n"
		" Net income                             $   171    $  (531)     $   738    $(1,872)\n"
		" Depreciation and amortization              101        113          208        231\n"
		" Stock-based compensation                   154        137          282        248\n"
		"Net cash provided by operating activities   426       (281)       1,228     (1,393)\n",
	};
	fx_result  *r = parse_pages(pages, 2);
	const fx_statement *cf = r ? stmt(r, FX_CASH_FLOW) : NULL;

	ok(cf && cf->first_page == 1 && cf->last_page == 2 && cf->nperiods == 4,
	   "page foot: the title's statement is read from the next page", NULL);
	ok(cf && ymd_of(cf, 0) == 20230630 && cf->periods[0].months == 3 &&
	   ymd_of(cf, 3) == 20220630 && cf->periods[3].months == 6,
	   "page foot: spans one blank apart head their own columns", NULL);
	ok_str(cf ? val(cf, "Stock-based compensation", 2) : NULL, "282",
		   "page foot: a six months' value");
	fx_result_free(r);
}

/*
 * Headings set bottom-aligned: a 10-Q balance sheet stacks "September 30,
 * 2018" over "(unaudited)" while the other column's one-line date stands
 * beside "(unaudited)".  The two dates are on two lines, yet each heads its
 * own column: the upper one is no span over both.
 */
static void
test_headings_on_two_lines(void)
{
	static const char *const pages[] = {
		"                                Example Corp.\n"
		"                     Condensed Consolidated Balance Sheets\n"
		"                               (in thousands)\n"
		"\n"
		"                                                    September 30, 2018\n"
		"                                                        (unaudited)       December 31, 2017\n"
		"  Cash and cash equivalents                                 11,144               11,226\n"
		"  Accounts receivable, net                                   2,949                2,689\n"
		"  Total current assets                                      14,093               13,915\n"
		"Total assets                                                14,093               13,915\n"
		"  Accounts payable                                           4,090                3,908\n"
		"Total liabilities                                            4,090                3,908\n"
		"Total shareholders' equity                                  10,003               10,007\n"
		"Total liabilities and shareholders' equity                  14,093               13,915\n",
	};
	fx_result  *r = parse_pages(pages, 1);
	const fx_statement *bs = r ? stmt(r, FX_BALANCE_SHEET) : NULL;

	ok(bs && bs->nperiods == 2 && ymd_of(bs, 0) == 20180930 &&
	   ymd_of(bs, 1) == 20171231,
	   "two-line headings: each date heads its own column", NULL);
	ok_str(bs ? val(bs, "Accounts receivable, net", 1) : NULL, "2689",
		   "two-line headings: the second column's value");
	fx_result_free(r);
}

/*
 * A scale caption at the left of the years' line ("$000  2012  2011")
 * is no amount: the line stays the period line under "June 30," and each
 * column gets its year.
 */
static void
test_scale_caption_on_year_line(void)
{
	static const char *const pages[] = {
		"                         CONSOLIDATED BALANCE SHEETS\n"
		"\n"
		"                                                  June 30,         June 30,\n"
		"$000                                                2012             2011\n"
		"  Cash and cash equivalents                  $    30,686   $      31,399\n"
		"  Accounts receivable, net                        68,054          73,710\n"
		"Total assets                                 $    98,740   $     105,109\n"
		"Total liabilities                                 48,740          55,109\n"
		"Total equity                                      50,000          50,000\n"
		"Total liabilities and equity                 $    98,740   $     105,109\n",
	};
	fx_result  *r = parse_pages(pages, 1);
	const fx_statement *bs = r ? stmt(r, FX_BALANCE_SHEET) : NULL;

	ok(bs && bs->nperiods == 2 && ymd_of(bs, 0) == 20120630 &&
	   ymd_of(bs, 1) == 20110630,
	   "scale caption on the years' line: both columns dated", NULL);
	ok_str(bs ? bs->unit_scale : NULL, "1000",
		   "scale caption on the years' line: thousands");
	fx_result_free(r);
}

/*
 * Labels in capitals wrapped over two lines: the first line ends with a
 * connective ("... PROPERTY AND" / "EQUIPMENT") or the second starts with
 * one ("... OPERATING ASSETS" / "AND LIABILITIES").  Each is one row.
 */
static void
test_caps_wraps(void)
{
	static const char *const pages[] = {
		"                          STATEMENTS OF CASH FLOWS\n"
		"                                                          Years Ended June 30,\n"
		"                                                    2019              2018\n"
		"NET INCOME                                         $30,679          $39,331\n"
		"  CHANGES IN OPERATING ASSETS\n"
		"    AND LIABILITIES                                   3,037            1,598\n"
		"NET CASH PROVIDED BY\n"
		"  OPERATING ACTIVITIES                               33,716           40,929\n"
		"  PURCHASES OF PROPERTY AND\n"
		"    EQUIPMENT                                        (1,504)          (1,370)\n"
		"CASH AND CASH EQUIVALENTS\n"
		"  AT END OF YEAR                                 $  32,212      $    39,559\n",
	};
	fx_result  *r = parse_pages(pages, 1);
	const fx_statement *cf = r ? stmt(r, FX_CASH_FLOW) : NULL;

	ok_str(cf ? val(cf, "CHANGES IN OPERATING ASSETS AND LIABILITIES", 0) :
		   NULL, "3037", "caps wraps: a second line starting with AND");
	ok_str(cf ? val(cf, "NET CASH PROVIDED BY OPERATING ACTIVITIES", 1) :
		   NULL, "40929", "caps wraps: a first line ending with BY");
	ok_str(cf ? val(cf, "PURCHASES OF PROPERTY AND EQUIPMENT", 0) :
		   NULL, "-1504", "caps wraps: a first line ending with AND");
	ok_str(cf ? val(cf, "CASH AND CASH EQUIVALENTS AT END OF YEAR", 1) :
		   NULL, "39559", "caps wraps: a second line starting with AT");
	fx_result_free(r);
}

/*
 * A "Notes" heading on the units' line under the years ("Notes  CHF '000
 * CHF '000"): the note references are no period's values.
 */
static void
test_notes_beside_units(void)
{
	static const char *const pages[] = {
		"Consolidated Statements of Cash Flows\n"
		"\n"
		"                                                          2022          2021\n"
		"                                                 Notes   CHF '000      CHF '000\n"
		"Net income                                                80,094       154,693\n"
		"  Depreciation and amortization                    3       4,673         4,363\n"
		"  Changes in operating assets and liabilities      4       1,959         4,920\n"
		"Net cash provided by operating activities                 86,726       163,976\n",
	};
	fx_result  *r = parse_pages(pages, 1);
	const fx_statement *cf = r ? stmt(r, FX_CASH_FLOW) : NULL;

	ok(cf && cf->nperiods == 2, "notes beside units: two periods", NULL);
	ok_str(cf ? val(cf, "Depreciation and amortization", 0) : NULL, "4673",
		   "notes beside units: the note is no value");
	fx_result_free(r);
}

/*
 * Labels in title case wrapped in a narrow label column: a short line of
 * values indented under a label-only line whose text filled the column
 * ("Net Cash Used in Investing" / "  Activities") continues it.  A
 * heading followed by its items ("Liabilities and Equity" / "  Borrowings"
 * / "  Provisions") stays a heading.
 */
static void
test_hanging_wraps(void)
{
	static const char *const pages[] = {
		"                         Statement of Cash Flows\n"
		"                                                     2022          2021\n"
		"Net Income                                          80,094       154,693\n"
		"  Changes in Operating Capital                       4,673         4,363\n"
		"Net Cash Provided By Operating\n"
		"    Activities                                      84,767       159,056\n"
		"Net Cash Used in Investing\n"
		"    Activities                                      (1,504)       (1,370)\n"
		"Liabilities and Equity\n"
		"  Borrowings                                         1,017        (5,861)\n"
		"  Provisions                                          (468)          (487)\n"
		"Total Liabilities and Shareholders'\n"
		"    Equity                                              549         (6,348)\n"
		"Proceeds from (Repayments of)\n"
		"Borrowings, Net                                       1,017         (5,861)\n"
		"Total Cash and Cash\n"
		"Equivalents                                          2,017          1,861\n",
	};
	fx_result  *r = parse_pages(pages, 1);
	const fx_statement *cf = r ? stmt(r, FX_CASH_FLOW) : NULL;

	ok_str(cf ? val(cf, "Net Cash Used in Investing Activities", 0) : NULL,
		   "-1504", "hanging wraps: a title-case label wrapped");
	ok_str(cf ? val(cf, "Net Cash Provided By Operating Activities", 1) :
		   NULL, "159056", "hanging wraps: another");
	ok_str(cf ? val(cf, "Borrowings", 0) : NULL, "1017",
		   "hanging wraps: a heading's first item stays itself");
	ok_str(cf ? val(cf, "Total Liabilities and Shareholders' Equity", 1) :
		   NULL, "-6348", "hanging wraps: a Total label wrapped");
	ok_str(cf ? val(cf, "Proceeds from (Repayments of) Borrowings, Net", 0) :
		   NULL, "1017", "hanging wraps: a first line ending with \"of)\"");
	ok_str(cf ? val(cf, "Total Cash and Cash Equivalents", 0) : NULL, "2017",
		   "hanging wraps: a Total label wrapped without indent (OCR)");
	fx_result_free(r);
}

/*
 * A short amount at the right edge of a wide column ("15" under a wide
 * "2016" column, beside a notes column) lies nearer to the next column's
 * heading than to its own; the column it is aligned in decides.
 */
static void
test_small_value_in_wide_column(void)
{
	static const char *const pages[] = {
		"                              Statements of Financial Condition\n"
		"\n"
		"                                                                                2016         2015\n"
		"                                                                        Notes   PHP          PHP\n"
		"  CASH AND CASH EQUIVALENTS                                              3       P/79 319     P/70 883\n"
		"  ACCOUNTS RECEIVABLE, NET                                               4         27 902       24 917\n"
		"TOTAL ASSETS                                                                    P/107 221    P/95 800\n"
		"  ACCOUNTS PAYABLE                                                       7         47 259       51 870\n"
		"  COMMON STOCK                                                           10             15           10\n"
		"  RETAINED EARNINGS                                                      11        59 947       43 920\n"
		"  TOTAL SHAREHOLDERS' EQUITY                                                       59 962       43 930\n"
		"TOTAL LIABILITIES AND SHAREHOLDERS' EQUITY                                      P/107 221    P/95 800\n",
	};
	fx_result  *r = parse_pages(pages, 1);
	const fx_statement *bs = r ? stmt(r, FX_BALANCE_SHEET) : NULL;

	ok_str(bs ? val(bs, "COMMON STOCK", 0) : NULL, "15",
		   "wide column: a short amount stays in its column");
	ok_str(bs ? val(bs, "COMMON STOCK", 1) : NULL, "10",
		   "wide column: the next column's amount");
	fx_result_free(r);
}

/*
 * A units caption set one blank before the first year ("(In thousands,
 * except per share amounts) 2016") on the period line: the year heads the
 * first column, not the caption.  A date wider than its column ("July
 * 31, 2023") is never split.
 */
static void
test_caption_glued_to_year(void)
{
	static const char *const pages[] = {
		"                              CONSOLIDATED STATEMENTS OF OPERATIONS\n"
		"\n"
		"                                   Three Months Ended September 30, Nine Months Ended September 30,\n"
		"(In thousands, except per share amounts) 2016            2015            2016            2015\n"
		"REVENUE                                  667,335         600,161         606,265         543,334\n"
		"COST OF REVENUE                          331,005         270,250         280,159         366,912\n"
		"GROSS PROFIT                             336,330         329,911         326,106         176,422\n",
	};
	fx_result  *r = parse_pages(pages, 1);
	const fx_statement *is = r ? stmt(r, FX_INCOME_STATEMENT) : NULL;

	ok(is && is->nperiods == 4 && ymd_of(is, 0) == 20160930 &&
	   is->periods[0].months == 3 && ymd_of(is, 3) == 20150930 &&
	   is->periods[3].months == 9,
	   "caption glued to a year: every column dated", NULL);
	fx_result_free(r);
}

/*
 * OCR shapes: two columns' dates on two lines ("September 30, 2018" over
 * "(unaudited)  December 31, 2017"); dot leaders read as digits and junk
 * ("........ 0.00.0... eee ee  59  756  17"); "See accompanying notes"
 * under a statement without a notes column; a '1' read as 'l' ("4l");
 * a dash read as two marks ("_—").
 */
static void
test_ocr_random_shapes(void)
{
	static const char *const pages[] = {
		"Kestrel Group plc\n"
		"CONSOLIDATED BALANCE SHEETS\n"
		"(in thousands of U.S. dollars)\n"
		"September 30, 2018\n"
		"(unaudited)                 December 31, 2017\n"
		"CASH AND CASH EQUIVALENTS              $   27,024    $   28,538\n"
		"ACCOUNTS RECEIVABLE, NET                   72,374        80,018\n"
		"TOTAL ASSETS                           $   99,398    $  108,556\n"
		"COMMON STOCK                                   4l            41\n"
		"Accrued Liabilities .. 0.2.0.0... tte          22,381         24,809\n"
		"TOTAL LIABILITIES AND EQUITY          $   99,398    $  108,556\n",
		"Blue Mesa Energy Company\n"
		"CONSOLIDATED STATEMENTS OF INCOME\n"
		"(in thousands of U.S. dollars)\n"
		"Years Ended June 30,\n"
		"2019        2018        2017\n"
		"REVENUE... ee ee eee ene ee eee eee      $157,421     $153,400     $140,187\n"
		"Administrative Expenses .......... 0.000.000 00 c cee eee eee         17,286        15,688        18,133\n"
		"Research and Development............000 0c cece eee eee eee        4,470       10,057       5,623\n"
		"Total Operating Expenses .............0. 0.0.0.0. e eee eee eee       21,756       25,745       23,756\n"
		"Operating Income ....... 0.0.6.0: tees       39,056      50,542      41,681\n"
		"Interest Expense ........ 0.00.0... eee ee        59       756        17\n"
		"Other Income (Expense), Net............... 0.02.00 2 02 eee eee        (164)        _\xe2\x80\x94       (246)\n"
		"Net INCOME... ee eee ee eee eee      $30,679     $39,331     $32,721\n"
		"See accompanying notes to the consolidated financial statements.\n",
	};
	fx_result  *r = parse_ocr_pages(pages, 2);
	const fx_statement *bs = r ? stmt(r, FX_BALANCE_SHEET) : NULL;
	const fx_statement *is = r ? stmt(r, FX_INCOME_STATEMENT) : NULL;

	ok(bs && bs->nperiods == 2 && ymd_of(bs, 0) == 20180930 &&
	   ymd_of(bs, 1) == 20171231,
	   "OCR: dates on two heading lines head two columns", NULL);
	ok_str(bs ? val(bs, "COMMON STOCK", 0) : NULL, "41",
		   "OCR: a 1 read as l");
	ok_str(bs ? val(bs, "Accrued Liabilities", 1) : NULL, "24809",
		   "OCR: leader debris glued to dots leaves the label");
	ok_str(is ? val(is, "Interest Expense", 0) : NULL, "59",
		   "OCR: leader debris is no amount (first column)");
	ok_str(is ? val(is, "Interest Expense", 2) : NULL, "17",
		   "OCR: leader debris is no amount (last column)");
	ok_str(is ? val(is, "Other Income (Expense), Net", 1) : NULL, "0",
		   "OCR: a dash read as two marks");
	ok_str(is ? val(is, "Other Income (Expense), Net", 2) : NULL, "-246",
		   "OCR: the amount after the dash");
	fx_result_free(r);
}

/*
 * OCR: two spans that end with a month and day on one line ("Three Months
 * Ended September 30, Nine Months Ended September 30,") over four years:
 * each heads its own two columns.
 */
static void
test_ocr_span_dates(void)
{
	static const char *const pages[] = {
		"Kestrel Group plc\n"
		"CONSOLIDATED STATEMENTS OF INCOME\n"
		"(in thousands of U.S. dollars)\n"
		"Three Months Ended September 30, Nine Months Ended September 30,\n"
		"2018           2017           2018           2017\n"
		"Revenue                                                457,371         508,553         506,541         510,154\n"
		"Cost of Revenue                                        257,615         255,370         265,077         207,207\n"
		"Gross Profit                                           199,756         253,183         241,464         302,947\n",
	};
	fx_result  *r = parse_ocr_pages(pages, 1);
	const fx_statement *is = r ? stmt(r, FX_INCOME_STATEMENT) : NULL;

	ok(is && is->nperiods == 4 && ymd_of(is, 0) == 20180930 &&
	   is->periods[0].months == 3 && ymd_of(is, 3) == 20170930 &&
	   is->periods[3].months == 9,
	   "OCR: spans ending in a month and day head two columns each", NULL);
	fx_result_free(r);
}

/*
 * A table set (or read by OCR) with a blank line after most lines: a
 * blank line there ends no label, so "CHANGES IN OPERATING ASSETS AND" /
 * "" / "LIABILITIES" is one row.
 */
static void
test_double_spaced(void)
{
	static const char *const pages[] = {
		"                          STATEMENTS OF CASH FLOWS\n"
		"                                                    2019              2018\n"
		"\n"
		"NET INCOME                                         $30,679          $39,331\n"
		"\n"
		"DEPRECIATION AND AMORTIZATION                        1,262            1,206\n"
		"\n"
		"CHANGES IN OPERATING ASSETS AND\n"
		"\n"
		"LIABILITIES                                         (2,376)          (3,442)\n"
		"\n"
		"NET CASH PROVIDED BY OPERATING ACTIVITIES           29,565           37,095\n",
	};
	fx_result  *r = parse_pages(pages, 1);
	const fx_statement *cf = r ? stmt(r, FX_CASH_FLOW) : NULL;

	ok_str(cf ? val(cf, "CHANGES IN OPERATING ASSETS AND LIABILITIES", 0) :
		   NULL, "-2376", "double-spaced: a wrapped label across a blank line");
	fx_result_free(r);
}

/*
 * OCR read a blank after a group comma: "€31, 888" and "(4, 689)" are
 * one amount each.
 */
static void
test_ocr_comma_blank(void)
{
	static const char *const pages[] = {
		"Orchid Foods S.A.\n"
		"Statements of Earnings\n"
		"In millions of euros\n"
		"Notes    1.7.-30.06.2017     1.7.-30.06.2016\n"
		"Revenue                                                3               \xe2\x82\xac" "34,359             \xe2\x82\xac" "31, 888\n"
		"Cost of Revenue                                                        (20,512)            (17,965)\n"
		"Gross Profit                                                            13,847              13,923\n"
		"Selling, General and Administrative Expenses        4                (4, 689)             (3,562)\n"
		"Operating Income                                                        9,158              10,361\n",
	};
	fx_result  *r = parse_ocr_pages(pages, 1);
	const fx_statement *is = r ? stmt(r, FX_INCOME_STATEMENT) : NULL;

	ok_str(is ? val(is, "Revenue", 1) : NULL, "31888",
		   "OCR: a blank after a group comma, currency sign glued");
	ok_str(is ? val(is, "Selling, General and Administrative Expenses", 0) :
		   NULL, "-4689", "OCR: a blank after a group comma in parentheses");
	fx_result_free(r);
}

/*
 * OCR: dot-grouped amounts with a glued euro sign ("€134.651") are
 * repaired like the others ("5.283" is 5,283): not 134.651.
 */
static void
test_ocr_glued_sign_dot_groups(void)
{
	static const char *const pages[] = {
		"Harbor Instruments, Inc.\n"
		"CONSOLIDATED STATEMENTS OF CASH FLOWS\n"
		"In millions of euros\n"
		"Notes           1.4.-30.09.2016              1.4.-30.09.2015\n"
		"NET INCOME                                 3          \xe2\x82\xac" "134.651          \xe2\x82\xac" "110.370\n"
		"DEPRECIATION AND AMORTIZATION                            5.283              5.639\n"
		"CHANGES IN OPERATING ASSETS AND LIABILITIES    4        (3.527)             4.774\n"
		"NET CASH PROVIDED BY OPERATING ACTIVITIES              136.407            120.783\n",
	};
	fx_result  *r = parse_ocr_pages(pages, 1);
	const fx_statement *cf = r ? stmt(r, FX_CASH_FLOW) : NULL;

	ok_str(cf ? val(cf, "NET INCOME", 0) : NULL, "134651",
		   "OCR: a glued euro sign before dot groups");
	ok_str(cf ? val(cf, "DEPRECIATION AND AMORTIZATION", 1) : NULL, "5639",
		   "OCR: dot groups without a sign");
	fx_result_free(r);
}

/*
 * OCR: fiscal-year headings ("FY 2024", "Fiscal 2023") with percent
 * columns between them ("% of sales", "%"): two columns, each its year's,
 * proven by the cover's fiscal year end.
 */
static void
test_ocr_fiscal_headings(void)
{
	static const char *const pages[] = {
		"NORTHWIND HOLDINGS CORP.\n"
		"FORM 10-K\n"
		"For the fiscal year ended September 30, 2024\n",
		"NORTHWIND HOLDINGS CORP.\n"
		"Consolidated Income Statement\n"
		"(Dollars in millions, except per share amounts)\n"
		"FY 2024   % of sales    Fiscal 2023      %\n"
		"\n"
		"Revenue                                    43,334.9     100.0%        45,123.1     100.0%\n"
		"Cost of Revenue                            18,889.7      43.6%        20,717.3      45.9%\n"
		"Gross Profit                               24,445.2      56.4%        24,405.8      54.1%\n",
	};
	fx_result  *r = parse_ocr_pages(pages, 2);
	const fx_statement *is = r ? stmt(r, FX_INCOME_STATEMENT) : NULL;

	ok(is && is->nperiods == 2 && ymd_of(is, 0) == 20240930 &&
	   ymd_of(is, 1) == 20230930 && is->periods[1].months == 12,
	   "OCR: FY and Fiscal year headings beside percent columns", NULL);
	ok_str(is ? is->periods[0].label : NULL, "FY 2024",
		   "OCR: the percent heading is no part of the period's");
	ok_str(is ? val(is, "Cost of Revenue", 1) : NULL, "20717.3",
		   "OCR: the second year's amount, not a percentage");
	fx_result_free(r);
}

/*
 * OCR: a page whose balance sheet (two columns) is followed by a cash
 * flow statement under "Years Ended December 31," over three years: the
 * span line opens the new columns with the years, it is no row.
 */
static void
test_ocr_second_statement_span(void)
{
	static const char *const pages[] = {
		"Kestrel Group plc\n"
		"BALANCE SHEETS\n"
		"(In millions)\n"
		"2012        2011\n"
		"Cash                                   92,604         124,511\n"
		"Total assets                          147,138         141,267\n"
		"Total liabilities and equity          147,138         141,267\n"
		"See accompanying notes to the consolidated financial statements.\n"
		"Kestrel Group plc\n"
		"STATEMENT OF CASH FLOWS\n"
		"(In millions, except per share data)\n"
		"Years Ended December 31,\n"
		"2012                 2011                  2010\n"
		"Net income                    $  92,604 $  124,511 $  95,207\n"
		"Depreciation and amortization    10,639     11,287    10,961\n"
		"Net cash provided by operating activities  103,243  135,798  106,168\n",
	};
	fx_result  *r = parse_ocr_pages(pages, 1);
	const fx_statement *cf = r ? stmt(r, FX_CASH_FLOW) : NULL;

	ok(cf && cf->nperiods == 3 && ymd_of(cf, 0) == 20121231 &&
	   cf->periods[0].months == 12 && ymd_of(cf, 2) == 20101231,
	   "OCR: a span line below another statement opens its columns", NULL);
	ok_str(cf ? val(cf, "Net income", 2) : NULL, "95207",
		   "OCR: the second statement's last column");
	fx_result_free(r);
}

/*
 * OCR: a units caption before fiscal-year headings ("$000  FY 2014
 * Fiscal 2013  FY2012"): the line opens three columns, each its year.
 */
static void
test_ocr_unit_before_years(void)
{
	static const char *const pages[] = {
		"TAMARIND LOGISTICS LTD.\n"
		"FORM 10-K\n"
		"For the fiscal year ended September 30, 2014\n",
		"Tamarind Logistics Ltd.\n"
		"Consolidated Statements of Operations\n"
		"\n"
		"$000                                       FY 2014              Fiscal 2013              FY2012\n"
		"Revenue                                    773,856              707,021              784,489\n"
		"Cost of Revenue                            368,748              339,156              540,130\n"
		"Gross Profit                               405,108              367,865              244,359\n",
	};
	fx_result  *r = parse_ocr_pages(pages, 2);
	const fx_statement *is = r ? stmt(r, FX_INCOME_STATEMENT) : NULL;

	ok(is && is->nperiods == 3 && ymd_of(is, 0) == 20140930 &&
	   ymd_of(is, 2) == 20120930 && is->periods[2].months == 12,
	   "OCR: a units caption before fiscal-year headings", NULL);
	ok_str(is ? is->unit_scale : NULL, "1000", "OCR: $000 is thousands");
	fx_result_free(r);
}

/*
 * OCR: leaders read with debris glued to them ("............-",
 * "revenue................-.", "profit...............2.000."): the label
 * keeps its words only.
 */
static void
test_ocr_leader_debris_glued(void)
{
	static const char *const pages[] = {
		"Valmont Textiles AG\n"
		"CONSOLIDATED STATEMENT OF PROFIT OR LOSS\n"
		"$000\n"
		"2017          2016          2015\n"
		"Revenue ............- eee eee eee     $        510,173 $        503,594 $        525,172\n"
		"Cost of revenue................-.              298,380             319,958             305,783\n"
		"Gross profit...............2.000.              211,793             183,636             219,389\n",
	};
	fx_result  *r = parse_ocr_pages(pages, 1);
	const fx_statement *is = r ? stmt(r, FX_INCOME_STATEMENT) : NULL;

	ok_str(is ? val(is, "Revenue", 0) : NULL, "510173",
		   "OCR: a leader with a dash glued to it");
	ok_str(is ? val(is, "Cost of revenue", 1) : NULL, "319958",
		   "OCR: leaders glued to the label's word, debris after");
	ok_str(is ? val(is, "Gross profit", 2) : NULL, "219389",
		   "OCR: leaders glued, digits read off them");
	fx_result_free(r);
}

/*
 * OCR: a trailing minus read one blank after its amount ("383,451 -") is
 * its sign, not a zero of the next column; leaders read as letters
 * ("Revenue nent eee eee e eae") end the label.
 */
static void
test_ocr_trailing_minus_letters(void)
{
	static const char *const pages[] = {
		"Kestrel Group plc\n"
		"Consolidated income statement\n"
		"\xc2\xa3m\n"
		"2019        2018\n"
		"Revenue nent eee eee e eae                         604,513                   651,467\n"
		"Cost of Revenue                                 383,451 -              390,927-\n"
		"Gross profit                                      221,062                   260,540\n"
		"Other income . 0. ee ee ene een eee teens           1,297                     1,670\n",
	};
	fx_result  *r = parse_ocr_pages(pages, 1);
	const fx_statement *is = r ? stmt(r, FX_INCOME_STATEMENT) : NULL;

	ok_str(is ? val(is, "Other income", 1) : NULL, "1670",
		   "OCR: leaders read as dots, a digit and letters leave the label");
	ok_str(is ? val(is, "Cost of Revenue", 0) : NULL, "-383451",
		   "OCR: a trailing minus one blank apart");
	ok_str(is ? val(is, "Cost of Revenue", 1) : NULL, "-390927",
		   "OCR: a trailing minus glued");
	ok_str(is ? val(is, "Revenue", 0) : NULL, "604513",
		   "OCR: leaders read as letters leave the label");
	fx_result_free(r);
}

/*
 * pdftotext may set a heading's words well left of the amounts under
 * them (proportional fonts, glued currency signs): the first year stands
 * left of where the amounts start.  It is still the first column's, so
 * the amounts are not moved a column right of their years.
 */
static void
test_years_left_of_amounts(void)
{
	static const char *const pages[] = {
		"                                                     Blue Mesa Energy Company\n"
		"                                                 Consolidated Income Statement\n"
		"\n"
		"                                            13 Weeks Ended                                 26 Weeks Ended\n"
		"                                       July 28,        July 30,                       July 28,        July 30,\n"
		"(Dollars in millions, except per share amounts)\n"
		"                                         2012            2011                           2012            2011\n"
		"REVENUE                                                    $32,024.9    $33,953.4     $31,499.1       $31,833.8\n"
		"COST OF REVENUE                                             16,435.6     16,296.1      19,423.8        18,302.0\n"
		"GROSS PROFIT                                                15,589.3     17,657.3      12,075.3        13,531.8\n",
	};
	fx_result  *r = parse_pages(pages, 1);
	const fx_statement *is = r ? stmt(r, FX_INCOME_STATEMENT) : NULL;

	ok(is && is->nperiods == 4 && ymd_of(is, 0) == 20120728 &&
	   is->periods[0].months == 3 && ymd_of(is, 1) == 20110730,
	   "years left of the amounts: four columns, the first dated", NULL);
	ok_str(is ? val(is, "REVENUE", 0) : NULL, "32024.9",
		   "years left of the amounts: the first amount is the first year's");
	ok_str(is ? val(is, "REVENUE", 1) : NULL, "33953.4",
		   "years left of the amounts: the second amount is the second year's");
	fx_result_free(r);
}

/*
 * The two-line heading of a 10-Q balance sheet where the upper date ends
 * just where the right-aligned amounts under it start ("March 31, 2020"
 * over "$   27,982"): it is still that column's heading.
 */
static void
test_heading_beside_right_aligned(void)
{
	static const char *const pages[] = {
		"                                     Balance Sheet\n"
		"                          (In millions, except per share data)\n"
		"\n"
		"                                                                  March 31, 2020\n"
		"                                                                   (unaudited)                   December 31, 2019\n"
		"  Cash and cash equivalents                                  $                   27,982      $               29,533\n"
		"  Accounts receivable, net                                                       49,368                      51,906\n"
		"Total assets                                                 $                   77,350      $               81,439\n"
		"Total liabilities                                                                27,350                      31,439\n"
		"Total equity                                                                     50,000                      50,000\n"
		"Total liabilities and equity                                 $                   77,350      $               81,439\n",
	};
	fx_result  *r = parse_pages(pages, 1);
	const fx_statement *bs = r ? stmt(r, FX_BALANCE_SHEET) : NULL;

	ok(bs && bs->nperiods == 2 && ymd_of(bs, 0) == 20200331 &&
	   ymd_of(bs, 1) == 20191231,
	   "heading beside right-aligned amounts: both columns dated", NULL);
	ok_str(bs ? val(bs, "Accounts receivable, net", 1) : NULL, "51906",
		   "heading beside right-aligned amounts: the second column's value");
	fx_result_free(r);
}

/*
 * The same two-line heading with the upper date further left of the
 * amounts under it (a wide page): the column nearest it, within half a
 * column, is still its own.
 */
static void
test_heading_left_of_right_aligned(void)
{
	static const char *const pages[] = {
		"                                                                        Statements of Financial Condition\n"
		"                                                                                (in thousands of U.S. dollars)\n"
		"                                                                                                                                          March 30, 2024\n"
		"                                                                                                                                            (unaudited)                         September 30, 2023\n"
		"  Cash and Cash Equivalents                                                                                                                                   89,115                               99,368\n"
		"  Accounts Receivable, Net                                                                                                                                    54,483                               49,104\n"
		"  Inventories                                                                                                                                                 28,650                                    -\n"
		"  Total Current Assets                                                                                                                                       172,248                              148,472\n"
		"Property, Plant and Equipment, Net                                                                                                                           151,242                              163,868\n",
	};
	fx_result  *r = parse_pages(pages, 1);
	const fx_statement *bs = r ? stmt(r, FX_BALANCE_SHEET) : NULL;

	ok(bs && bs->nperiods == 2 && ymd_of(bs, 0) == 20240330 &&
	   ymd_of(bs, 1) == 20230930,
	   "heading left of right-aligned amounts: both columns dated", NULL);
	fx_result_free(r);
}

/*
 * "Quarter Ended" / "Year to Date" over a 10-Q's columns: the quarter is
 * three months; the year to date runs from the fiscal year's start, which
 * the balance sheet's dates prove (June 30 beside December 31): six
 * months, not twelve.
 */
static void
test_year_to_date_length(void)
{
	static const char *const pages[] = {
		"                         CONSOLIDATED BALANCE SHEETS\n"
		"                                              June 30,       December 31,\n"
		"                                                 2023               2022\n"
		"Cash                                            4,120              3,880\n"
		"Total assets                                    9,120              8,880\n"
		"Total liabilities and equity                    9,120              8,880\n"
		"\n"
		"                         CONSOLIDATED STATEMENTS OF INCOME\n"
		"                              Quarter Ended                Year to Date\n"
		"                          June 30,     June 30,       June 30,     June 30,\n"
		"                            2023         2022           2023         2022\n"
		"Revenue                    412,210      380,189        817,107      761,655\n"
		"Cost of revenue            212,210      180,189        417,107      361,655\n"
		"Gross profit               200,000      200,000        400,000      400,000\n",
	};
	fx_result  *r = parse_pages(pages, 1);
	const fx_statement *is = r ? stmt(r, FX_INCOME_STATEMENT) : NULL;

	ok(is && is->nperiods == 4 && is->periods[0].months == 3 &&
	   ymd_of(is, 2) == 20230630 && is->periods[2].months == 6 &&
	   is->periods[3].months == 6,
	   "year to date: six months from the fiscal year's start", NULL);
	fx_result_free(r);
}

/*
 * A change column whose percent sign stands one blank after its number
 * ("6.7 %", "(2) %"), as earnings releases print it: the sign is the
 * number's, so the row keeps its values and the change columns get none.
 */
static void
test_loose_percent(void)
{
	static const char *const pages[] = {
		"                          CONDENSED CONSOLIDATED STATEMENT OF INCOME\n"
		"                           (In millions, except per share data)\n"
		"Quarters Ended June 30,                       2023        2022        Inc/ (Dec)\n"
		"Revenues                                $  2,487.0  $  2,112.8  $    374.2     18 %\n"
		"Other revenues                                77.2        78.8        (1.6)    (2) %\n"
		"Operating income                           2,310.4     1,188.0      1,122.4   94.5 %\n"
		"NET INCOME                              $  1,802.3  $  1,104.4  $    697.9     63 %\n",
	};
	fx_result  *r = parse_pages(pages, 1);
	const fx_statement *is = r ? stmt(r, FX_INCOME_STATEMENT) : NULL;

	ok(is && is->nperiods == 2 && ymd_of(is, 0) == 20230630 &&
	   ymd_of(is, 1) == 20220630,
	   "loose percent: two dated columns, none for the changes", NULL);
	ok_str(is ? val(is, "Other revenues", 1) : NULL, "78.8",
		   "loose percent: a row with a negative change keeps its values");
	ok_str(is ? val(is, "NET INCOME", 0) : NULL, "1802.3",
		   "loose percent: the last row keeps its values");
	fx_result_free(r);
}

/*
 * A balance sheet as Indian companies print it (Schedule III): the title
 * names its date with an ordinal day ("31ST MARCH, 2023"), a "Note No."
 * column stands left of the amounts, and rows are numbered in an outline
 * ("I.", "(1)", "(a)", "(i)") whose headings are items of their own.
 */
static void
test_indian_schedule(void)
{
	static const char *const pages[] = {
		"                          BALANCE SHEET AS AT 31ST MARCH, 2023\n"
		"                                                                (Rs. in Crores)\n"
		"   Particulars                           Note No.   As at 31st March, 2023   As at 31st March, 2022\n"
		"  I. ASSETS\n"
		"  (1) Non-current assets\n"
		"      (a) Property, Plant and Equipment      3             1,245.30               1,198.75\n"
		"      (b) Financial Assets\n"
		"          (i) Investments                    4               210.00                 195.50\n"
		"          Total Assets                                     1,455.30               1,394.25\n"
		"  II. EQUITY AND LIABILITIES\n"
		"      (a) Equity Share capital               8               100.00                 100.00\n"
		"      (b) Other Equity                       9             1,355.30               1,294.25\n"
		"          Total Equity and Liabilities                     1,455.30               1,394.25\n",
	};
	fx_result  *r = parse_pages(pages, 1);
	const fx_statement *bs = r ? stmt(r, FX_BALANCE_SHEET) : NULL;

	ok(bs && bs->nperiods == 2 && ymd_of(bs, 0) == 20230331 &&
	   ymd_of(bs, 1) == 20220331,
	   "indian schedule: ordinal days date the columns", NULL);
	ok_str(bs ? val(bs, "(a) Property, Plant and Equipment", 0) : NULL,
		   "1245.30", "indian schedule: the note number is no value");
	ok_str(bs ? val(bs, "(i) Investments", 1) : NULL, "195.50",
		   "indian schedule: a numbered row under a numbered heading");
	ok(bs && find_item(bs, "(1) Non-current assets") &&
	   find_item(bs, "(b) Financial Assets"),
	   "indian schedule: numbered headings are items of their own", NULL);
	ok_str(bs ? bs->unit_scale : NULL, "10000000", "indian schedule: crores");
	fx_result_free(r);
}

/*
 * OCR of an income statement with change columns after its years ("2023
 * 2022 $ Change % Change") and percent signs one blank after their
 * numbers: the years head the first two amounts; the change amount and
 * the percentage are no period's.
 */
static void
test_ocr_change_and_percent(void)
{
	static const char *const pages[] = {
		"CONSOLIDATED STATEMENTS OF OPERATIONS\n"
		"(In thousands)\n"
		"Year Ended December 31,\n"
		"2023 2022 $ Change % Change\n"
		"Net sales $ 1,980,400 $ 1,850,200 $ 130,200 7.0 %\n"
		"Cost of sales 1,180,300 1,110,900 69,400 6.2 %\n"
		"Gross profit 800,100 739,300 60,800 8.2 %\n"
		"Net income $ 257,600 $ 224,100 $ 33,500 (14.9) %\n",
	};
	fx_result  *r = parse_ocr_pages(pages, 1);
	const fx_statement *is = r ? stmt(r, FX_INCOME_STATEMENT) : NULL;

	ok(is && is->nperiods == 2 && ymd_of(is, 0) == 20231231 &&
	   ymd_of(is, 1) == 20221231,
	   "ocr change columns: the two years head the columns", NULL);
	ok_str(is ? val(is, "Net sales", 0) : NULL, "1980400",
		   "ocr change columns: the first amount is the first year's");
	ok_str(is ? val(is, "Net income", 1) : NULL, "224100",
		   "ocr change columns: the second amount is the second year's");
	fx_result_free(r);
}

/*
 * A Japanese balance sheet with a convenience translation: "Millions of
 * yen" over 2023 and 2022, "Thousands of U.S. dollars" over a second 2023.
 * The translated column is dropped; the statement is in millions of yen,
 * and both of its years keep their dates.
 */
static void
test_convenience_translation(void)
{
	static const char *const pages[] = {
		"                         CONSOLIDATED BALANCE SHEETS\n"
		"                        As of March 31, 2023 and 2022\n"
		"\n"
		"                                                                               Thousands of\n"
		"                                                       Millions of yen      U.S. dollars (Note 1)\n"
		"                                                      2023         2022            2023\n"
		"  Cash and deposits                                ¥ 125,310    ¥ 118,220      $   938,440\n"
		"  Inventories                                         61,050       58,900          457,200\n"
		"    Total assets                                   ¥ 186,360    ¥ 177,120      $ 1,395,640\n"
		"  Short-term borrowings                               66,360       69,120          496,920\n"
		"  Total net assets                                   120,000      108,000          898,720\n"
		"    Total liabilities and net assets               ¥ 186,360    ¥ 177,120      $ 1,395,640\n",
	};
	fx_result  *r = parse_pages(pages, 1);
	const fx_statement *bs = r ? stmt(r, FX_BALANCE_SHEET) : NULL;

	ok(bs && bs->nperiods == 2 && ymd_of(bs, 0) == 20230331 &&
	   ymd_of(bs, 1) == 20220331,
	   "translation: the two yen columns keep their dates", NULL);
	ok_str(bs ? bs->unit_scale : NULL, "1000000",
		   "translation: the unit is the yen columns' millions");
	ok_str(bs ? bs->currency : NULL, "JPY", "translation: in yen");
	ok_str(bs ? val(bs, "Cash and deposits", 0) : NULL, "125310",
		   "translation: the first column is the yen of 2023");
	fx_result_free(r);
}

/*
 * OCR: a line of full dates followed by change columns' headings
 * ("September 30, 2016  September 30, 2015  Change  %"), set left of the
 * amounts.  The dates head the first two columns; the change amounts after
 * them are no period's.
 */
static void
test_ocr_dates_then_change(void)
{
	static const char *const pages[] = {
		"CONSOLIDATED STATEMENT OF PROFIT OR LOSS\n"
		"(In millions)\n"
		"September 30, 2016 September 30, 2015 Change %\n"
		"\n"
		"Revenue                  482,220       495,538     (13,318)     (2.7)%\n"
		"Cost of revenue          260,535       210,675      49,860      23.7%\n"
		"Gross profit             221,685       284,863     (63,178)    (22.2)%\n"
		"Net income                88,318       157,963     (69,645)    (44.1)%\n",
	};
	fx_result  *r = parse_ocr_pages(pages, 1);
	const fx_statement *is = r ? stmt(r, FX_INCOME_STATEMENT) : NULL;

	ok(is && is->nperiods == 2 && ymd_of(is, 0) == 20160930 &&
	   ymd_of(is, 1) == 20150930,
	   "ocr dates then change: the two dates head the columns", NULL);
	ok_str(is ? val(is, "Revenue", 0) : NULL, "482220",
		   "ocr dates then change: the first amount is the first date's");
	ok_str(is ? val(is, "Net income", 1) : NULL, "157963",
		   "ocr dates then change: the second amount is the second date's");
	fx_result_free(r);
}

/*
 * OCR: digits read off dot leaders with their dots ("Receivable ........ ..
 * 2... 2.", "Inventories . 2. w/w ee ee") are no amounts.  They made a
 * notes column of their own, and a weak first amount ("82") was then taken
 * for a note, its row's other amount moving a column left.
 */
static void
test_ocr_leader_digits(void)
{
	static const char *const pages[] = {
		"CONSOLIDATED BALANCE SHEETS\n"
		"(Amounts in Philippine Peso)\n"
		"30.09.2014      31.03.2015\n"
		"Cash and Cash Equivalents ...............          51'606          54'256\n"
		"Accounts Receivable, Net ........ .. 2... 2.      76'442          72'169\n"
		"Inventories . 2. w/w ee ee                82              89\n"
		"Total Current Assets .. . . 2... ee eee ee eee            128'130         126'514\n",
	};
	fx_result  *r = parse_ocr_pages(pages, 1);
	const fx_statement *bs = r ? stmt(r, FX_BALANCE_SHEET) : NULL;

	ok(bs && bs->nperiods == 2 && ymd_of(bs, 0) == 20140930,
	   "ocr leader digits: two dated columns", NULL);
	ok_str(bs ? val(bs, "Inventories", 0) : NULL, "82",
		   "ocr leader digits: a weak first amount is the first column's");
	ok_str(bs ? val(bs, "Inventories", 1) : NULL, "89",
		   "ocr leader digits: the second amount is the second column's");
	ok_str(bs ? val(bs, "Accounts Receivable, Net", 0) : NULL, "76442",
		   "ocr leader digits: the digits are not amounts");
	fx_result_free(r);
}

/*
 * OCR: percent signs read as "&%" or a lone "&" after a number, on a line
 * with percent-of-sales columns.  Each percentage stays beside its amount
 * and out of the periods; "2021 & 2020" keeps its joiner.
 */
static void
test_ocr_percent_marks(void)
{
	static const char *const pages[] = {
		"Consolidated Statement of Profit Or Loss\n"
		"Quarter Ended\n"
		"March 31,                 March 31,\n"
		"\n"
		"$000                                                        2015      % of sales      2014          &\n"
		"Revenue*                                               $     264,457   100.0 &%   $     284,205   100.0 %\n"
		"Cost of Revenue                                              153,327    58.0 %         158,913    55.9 %\n"
		"Gross Profit                                                 111,130    42.0 &%         125,292    44.1 &\n",
		"STATEMENT OF FINANCIAL POSITION\n"
		"As of December 31, 2021 & 2020\n"
		"                                   2021          2020\n"
		"Cash                             1,200         1,100\n"
		"Receivables                      2,200         1,900\n"
		"Inventories                      2,000         2,000\n"
		"Total assets                     5,400         5,000\n"
		"Total liabilities                3,000         2,900\n"
		"Total equity                     2,400         2,100\n",
	};
	fx_result  *r = parse_ocr_pages(pages, 2);
	const fx_statement *is = r ? stmt(r, FX_INCOME_STATEMENT) : NULL;
	const fx_statement *bs = r ? stmt(r, FX_BALANCE_SHEET) : NULL;

	ok(is && is->nperiods == 2 && ymd_of(is, 0) == 20150331 &&
	   ymd_of(is, 1) == 20140331,
	   "ocr percent marks: two quarters", NULL);
	ok_str(is ? val(is, "Revenue*", 0) : NULL, "264457",
		   "ocr percent marks: \"&%\" is a percent sign");
	ok_str(is ? val(is, "Revenue*", 1) : NULL, "284205",
		   "ocr percent marks: the second amount is the second period's");
	ok_str(is ? val(is, "Gross Profit", 1) : NULL, "125292",
		   "ocr percent marks: a lone \"&\" after a number is one too");
	ok(bs && bs->nperiods == 2 && ymd_of(bs, 1) == 20201231,
	   "ocr percent marks: \"2021 & 2020\" keeps its joiner", NULL);
	fx_result_free(r);
}

/*
 * Labels wrapped where no connective says so, at the same indent (as OCR
 * sets every line): an open parenthesis ("PROCEEDS FROM (REPAYMENTS" /
 * "OF) BORROWINGS, NET"), a word that ends no label ("CHANGES IN
 * OPERATING" / "ASSETS AND LIABILITIES"), a word that opens none ("NET
 * CASH USED IN INVESTING" / "ACTIVITIES").  A heading before a total stays
 * a heading.
 */
static void
test_wrapped_open_labels(void)
{
	static const char *const pages[] = {
		"CONSOLIDATED STATEMENTS OF CASH FLOWS\n"
		"(in thousands)\n"
		"                                                 2014         2013\n"
		"NET INCOME                                     82,533      129,527\n"
		"CHANGES IN OPERATING\n"
		"ASSETS AND LIABILITIES                         (4,298)       2,633\n"
		"NET CASH PROVIDED BY\n"
		"OPERATING ACTIVITIES                           78,235      132,160\n"
		"PURCHASES OF EQUIPMENT                        (11,390)     (12,231)\n"
		"NET CASH USED IN INVESTING\n"
		"ACTIVITIES                                    (11,390)     (12,231)\n"
		"FINANCING ACTIVITIES\n"
		"PROCEEDS FROM (REPAYMENTS\n"
		"OF) BORROWINGS, NET                               303        1,131\n"
		"Total financing                                   303        1,131\n",
	};
	fx_result  *r = parse_pages(pages, 1);
	const fx_statement *cf = r ? stmt(r, FX_CASH_FLOW) : NULL;

	ok_str(cf ? val(cf, "CHANGES IN OPERATING ASSETS AND LIABILITIES", 0) : NULL,
		   "-4298", "open labels: a word that ends no label");
	ok_str(cf ? val(cf, "NET CASH USED IN INVESTING ACTIVITIES", 1) : NULL,
		   "-12231", "open labels: a word that opens none");
	ok_str(cf ? val(cf, "PROCEEDS FROM (REPAYMENTS OF) BORROWINGS, NET", 0) : NULL,
		   "303", "open labels: an open parenthesis");
	ok(cf && find_item(cf, "FINANCING ACTIVITIES") != NULL,
	   "open labels: a heading stays a heading", NULL);
	fx_result_free(r);
}

/*
 * Where labels wrap: a hanging-indented second line ("Selling, General and
 * Administrative" / "  Expenses") continues its label when the first word
 * would not have fitted in the labels' column.  That column is the labels'
 * text: dot leaders run past it to the values, and a centred line (a page
 * head within the table's block) is no label.
 */
static void
test_wrap_width_leaders(void)
{
	static const char *const pages[] = {
		"                    CONSOLIDATED STATEMENTS OF OPERATIONS\n"
		"                        (In thousands)\n"
		"                                                            2015           2014\n"
		"Revenue . . . . . . . . . . . . . . . . . . . . . .      529,248        468,880\n"
		"Cost of Revenue . . . . . . . . . . . . . . . . . .      284,612        203,319\n"
		"Gross Profit . . . . . . . . . . . . . . . . . . . .     244,636        265,561\n"
		"   Selling, General and Administrative\n"
		"     Expenses . . . . . . . . . . . . . . . . . . .       56,501         64,460\n"
		"   Research and Development . . . . . . . . . . . .       25,158         17,917\n"
		"Net Income . . . . . . . . . . . . . . . . . . . . .     162,977        183,184\n",
		"                    CONSOLIDATED STATEMENTS OF OPERATIONS\n"
		"                        (In thousands)\n"
		"                                                            2015           2014\n"
		"REVENUE                                                 $488,581       $488,974\n"
		"GROSS PROFIT                                             155,469        275,404\n"
		"  SELLING, GENERAL AND ADMINISTRATIVE\n"
		"    EXPENSES                                              69,581         47,352\n"
		"  RESEARCH AND DEVELOPMENT                                20,718         25,434\n"
		"NET INCOME                                                65,170        202,618\n"
		"\n"
		"                                       Valmont Textiles Aktiengesellschaft AG\n"
		"                                                BALANCE SHEET\n",
	};
	fx_result  *r = parse_pages(pages, 2);
	const fx_statement *a = NULL,
			   *b = NULL;

	for (int k = 0; r && k < r->nstatements; k++)
		if (r->statements[k].type == FX_INCOME_STATEMENT)
		{
			if (a == NULL)
				a = &r->statements[k];
			else if (b == NULL)
				b = &r->statements[k];
		}
	ok_str(a ? val(a, "Selling, General and Administrative Expenses", 0) : NULL,
		   "56501", "wrap width: dot leaders are not the labels' column");
	ok_str(b ? val(b, "SELLING, GENERAL AND ADMINISTRATIVE EXPENSES", 1) : NULL,
		   "47352", "wrap width: a centred line is no label");
	fx_result_free(r);
}

/*
 * Two span headings one blank apart, wider than their groups of columns:
 * "Nine Months Ended September 30," starts over the first group's last
 * column.  Each span heads the group its centre is nearest to.
 */
static void
test_tight_spans_lean(void)
{
	static const char *const pages[] = {
		"                                   Consolidated Income Statement\n"
		"                              (In thousands, except per share amounts)\n"
		"\n"
		"                                                             Three Months Ended September 30, Nine Months Ended September 30,\n"
		"                                                                      2024                  2023                 2024                 2023\n"
		"              Revenue                                                $ 530,394            $ 518,453             $ 553,287            $ 608,977\n"
		"              Cost of Revenue                                            244,211              347,328              342,425              278,795\n"
		"              Gross Profit                                               286,183              171,125              210,862              330,182\n"
		"              Net Income                                                 186,183               71,125              110,862              230,182\n",
	};
	fx_result  *r = parse_pages(pages, 1);
	const fx_statement *is = r ? stmt(r, FX_INCOME_STATEMENT) : NULL;

	ok(is && is->nperiods == 4 && ymd_of(is, 1) == 20230930 &&
	   is->periods[1].months == 3 && is->periods[2].months == 9,
	   "tight spans: the second column is the first span's", NULL);
	ok_str(is ? val(is, "Revenue", 1) : NULL, "518453",
		   "tight spans: three months of the prior year");
	fx_result_free(r);
}

/*
 * A span with a length and a date ("Nine Months Ended September 30,
 * 2022"), alone on its line, that word boxes set over the first of its two
 * columns: it heads both, each with its own year, not the first alone.
 */
static void
test_length_span_over_first(void)
{
	static const char *const pages[] = {
		"       CONDENSED CONSOLIDATED STATEMENTS OF CASH FLOWS\n"
		"       (in millions)\n"
		"                                                       Nine Months Ended September 30, 2022\n"
		"                                                                2022                              2021\n"
		"       Cash Flows from Operating Activities\n"
		"         Net income (loss)                                 $   1,297   $                          (564)\n"
		"         Depreciation                                          2,915                             2,540\n"
		"       Net cash provided by operating activities               2,712                             2,053\n",
	};
	fx_result  *r = parse_pages(pages, 1);
	const fx_statement *cf = r ? stmt(r, FX_CASH_FLOW) : NULL;

	ok(cf && cf->nperiods == 2 && ymd_of(cf, 1) == 20210930 &&
	   cf->periods[1].months == 9,
	   "length span over first: the second column is nine months too", NULL);
	ok_str(cf ? val(cf, "Net income (loss)", 1) : NULL, "-564",
		   "length span over first: the prior year's value");
	fx_result_free(r);
}

/*
 * A restated prior year, its heading one line taller than the current
 * year's and set bottom-aligned as EDGAR tables are: the year alone on
 * its line heads the column under it (it is no span over both), and a
 * footnote mark one blank after "Restated" is the word's, not an amount
 * that would make the heading line a row.
 */
static void
test_restated_heading(void)
{
	static const char *const adjusted[] = {
		"Consolidated Statement of Financial Position\n"
		"\n"
		"                                                                        June 30,\n"
		"                                                                                      2011\n"
		"$000                                                                2012     (as adjusted)\n"
		"  Cash and cash equivalents                                       46,002            50,813\n"
		"  Accounts receivable, net                                        17,696            19,796\n"
		"Total assets                                                      63,698            70,609\n"
		"  Accounts payable                                                33,895            33,729\n"
		"Total liabilities and equity                                      63,698            70,609\n",
	};
	static const char *const restated[] = {
		"Consolidated Statement of Financial Position\n"
		"\n"
		"                                                                             September 30,\n"
		"                                                           September 30,              2012\n"
		"(In thousands)                                                      2013      Restated (1)\n"
		"  Cash and cash equivalents                                       46,002            50,813\n"
		"  Accounts receivable, net                                        17,696            19,796\n"
		"Total assets                                                      63,698            70,609\n"
		"  Accounts payable                                                33,895            33,729\n"
		"Total liabilities and equity                                      63,698            70,609\n",
	};
	fx_result  *r = parse_pages(adjusted, 1);
	const fx_statement *bs = r ? stmt(r, FX_BALANCE_SHEET) : NULL;

	ok(bs && bs->nperiods == 2 && ymd_of(bs, 0) == 20120630 &&
	   ymd_of(bs, 1) == 20110630,
	   "restated heading: a year alone over its column", NULL);
	fx_result_free(r);
	r = parse_pages(restated, 1);
	bs = r ? stmt(r, FX_BALANCE_SHEET) : NULL;
	ok(bs && bs->nperiods == 2 && ymd_of(bs, 0) == 20130930 &&
	   ymd_of(bs, 1) == 20120930 && bs->nitems > 0 &&
	   strcmp(bs->items[0].label, "Cash and cash equivalents") == 0,
	   "restated heading: \"Restated (1)\" is no row", NULL);
	fx_result_free(r);
}

/*
 * Qualifiers set under the years ("(53 weeks)") are headings, not a row;
 * a 52/53-week year printed with its year alone ends where the next one
 * began: that year's end less its weeks.  Slash dates of one statement
 * follow one convention: beside "30/06/2013", "01/07/2012" is 1 July.
 */
static void
test_weeks_under_years(void)
{
	static const char *const weeks[] = {
		"FORM 10-K\n"
		"For the fiscal year ended September 30, 2017\n"
		"\n"
		"CONSOLIDATED STATEMENTS OF INCOME\n"
		"\n"
		"                                                  2017          2016          2015\n"
		"(In thousands)                                  (53 weeks)    (52 weeks)    (52 weeks)\n"
		"Revenue                                            712,988       755,115       674,002\n"
		"Cost of revenue                                  (402,100)     (433,200)     (380,900)\n"
		"Net income                                         310,888       321,915       293,102\n",
	};
	static const char *const slashes[] = {
		"Statement of Financial Position\n"
		"(Amounts in Philippine Peso)\n"
		"\n"
		"                                                30/06/2014      30/06/2013      01/07/2012\n"
		"Cash                                                46,002          50,813          48,100\n"
		"Total assets                                        63,698          70,609          66,000\n"
		"Total liabilities and equity                        63,698          70,609          66,000\n",
	};
	fx_result  *r = parse_pages(weeks, 1);
	const fx_statement *is = r ? stmt(r, FX_INCOME_STATEMENT) : NULL;

	ok(is && is->nperiods == 3 && ymd_of(is, 0) == 20170930 &&
	   ymd_of(is, 1) == 20160924 && ymd_of(is, 2) == 20150926 &&
	   find_item(is, "(53 weeks) (52 weeks) (52 weeks)") == NULL,
	   "weeks under years: each year's end from the next one's", NULL);
	fx_result_free(r);
	r = parse_pages(slashes, 1);
	is = r ? stmt(r, FX_BALANCE_SHEET) : NULL;
	ok(is && is->nperiods == 3 && ymd_of(is, 0) == 20140630 &&
	   ymd_of(is, 2) == 20120701,
	   "slash dates: day first when one of them can only be", NULL);
	fx_result_free(r);
}

/*
 * A "$ Change" heading over a change column of a statement in pounds is
 * no convenience translation: only columns that repeat the periods of the
 * others are dropped as one, so the prior year stays.
 */
static void
test_dollar_change_heading(void)
{
	static const char *const pages[] = {
		"                                        Statements of Earnings\n"
		"                                                  £m\n"
		"\n"
		"                                                  Year ended 31 December\n"
		"                                                   2019            2018       $ Change      %\n"
		"Revenue                                                624.232     622.832        1.400     0,2%\n"
		"Cost of Revenue                                       (295.525)   (301.416)       5.891   (2,0)%\n"
		"Gross Profit                                           328.707     321.416        7.291     2,3%\n"
		"  Selling, General and Administrative\n",
	};
	fx_result  *r = parse_pages(pages, 1);
	const fx_statement *is = r ? stmt(r, FX_INCOME_STATEMENT) : NULL;

	ok(is && is->nperiods == 2 && ymd_of(is, 0) == 20191231 &&
	   ymd_of(is, 1) == 20181231,
	   "dollar change heading: both years kept", NULL);
	ok_str(is ? val(is, "Revenue", 1) : NULL, "622832",
		   "dollar change heading: the prior year's revenue");
	fx_result_free(r);
}

/*
 * Label widths counted in characters are only near those of a
 * proportional font: "Income Before Income" / "Taxes*" wrapped although
 * its 27 characters are fewer than the 28 of "  Administrative Expenses".
 */
static void
test_wrap_near_width(void)
{
	static const char *const pages[] = {
		"                                                           Statements of Earnings\n"
		"                                                           (in thousands of U.S. dollars)\n"
		"\n"
		"                                                           FY2017             %             Fiscal 2016     % of sales   Fiscal 2015        %\n"
		"Revenue                                                        64,665        100.0%               60,580     100.0%            53,359     100.0%\n"
		"Cost of Revenue                                                35,407         54.8%               37,273      61.5%            36,033      67.5%\n"
		"Gross Profit                                                   29,258         45.2%               23,307      38.5%            17,326      32.5%\n"
		"   Selling, General and\n"
		"     Administrative Expenses                                    7,005        10.8%                 8,039       13.3%            6,908      12.9%\n"
		"   Research and Development                                     1,964         3.0%                 2,464        4.1%            3,602       6.8%\n"
		"   Total Operating Expenses                                     8,969        13.9%                10,503       17.3%           10,510      19.7%\n"
		"Operating Income                                               20,289        31.4%                12,804       21.1%            6,816      12.8%\n"
		"Interest Expense                                                  470         0.7%                   265        0.4%              880       1.6%\n"
		"Other Income (Expense),\n"
		"   Net                                                             126        0.2%                  (132)     (0.2)%               —        0.0%\n"
		"Income Before Income\n"
		"   Taxes*                                                      19,945        30.8%                12,407       20.5%            5,936      11.1%\n"
		"Provision for Income Taxes                                      4,188         6.5%                 2,605        4.3%            1,246       2.3%\n"
		"Net Income                                                     15,757        24.4%                 9,802       16.2%            4,690       8.8%\n"
		"\n",
	};
	fx_result  *r = parse_pages(pages, 1);
	const fx_statement *is = r ? stmt(r, FX_INCOME_STATEMENT) : NULL;

	ok_str(is ? val(is, "Income Before Income Taxes*", 0) : NULL, "19945",
		   "wrap near the width: the label joined");
	fx_result_free(r);
}

/*
 * Under the first row of a page laid out from word boxes, a row of small
 * amounts ("50  40  30") keeps its columns as the rows of larger ones do
 * (it was written single-spaced, and its amounts ran into the label); a
 * line of dates there stays as printed.  A year set a few blanks after
 * the month and day a label ends with ("Balance at December 31  2020", its
 * comma lost) is the label's date, not an amount.
 */
static void
test_ocr_repair_small_amounts(void)
{
	static const char page[] =
		"                                        2022            2021\n"
		"Revenue from products                   $500            $400\n"
		"Revenue from services                     50              40\n"
		"                                 January 28,     January 29,\n";
	static const char *const equity[] = {
		"CONSOLIDATED STATEMENTS OF SHAREHOLDERS' EQUITY\n"
		"(In millions)\n"
		"                                             Common     Retained      Total\n"
		"                                              Stock     Earnings     Equity\n"
		"Balance at December 31  2020                $1,000         $500     $1,500\n"
		"Net income                                                  300        300\n"
		"Balance at December 31  2021                $1,000         $800     $1,800\n",
	};
	size_t		n;
	char	   *t = fx_ocr_repair_page(page, sizeof(page) - 1, &n);
	const char *l = t ? strstr(t, "Revenue from services") : NULL;
	fx_result  *r;
	const fx_statement *eq;

	ok(l != NULL && strncmp(l, "Revenue from services                     50", 43) == 0,
	   "ocr repair: small amounts keep their columns", l);
	ok(t != NULL && strstr(t, "January 28,     January 29,") != NULL,
	   "ocr repair: a line of dates under the rows stays as printed", t);
	free(t);
	r = parse_pages(equity, 1);
	eq = r ? stmt(r, FX_EQUITY) : NULL;
	ok(eq && eq->nperiods == 3, "date year after a label: no column of years", NULL);
	ok_str(eq ? val(eq, "Balance at December 31 2020", 0) : NULL, "1000",
		   "date year after a label: the first amount is the first column's");
	fx_result_free(r);
}

/*
 * By OCR, a date alone above a line whose date a qualifier follows ("31
 * December 2014" over "Notes  31 December 2015  Restated"): the taller,
 * bottom-aligned heading is the restated column's, so the lower date is
 * the first column's (the two were stored the other way round).
 */
static void
test_ocr_date_over_qualifier(void)
{
	static const char *const pages[] = {
		"BALANCE SHEET\n"
		"£m\n"
		"31 December 2014\n"
		"Notes     31 December 2015         Restated\n"
		"\n"
		"Cash and Cash Equivalents                     £5 563,6             £5 699,7\n"
		"Accounts Receivable, Net           3           5 634,7              5 637,9\n"
		"Total Assets                                  11 198,3             11 337,6\n"
		"Total Liabilities and Equity                  11 198,3             11 337,6\n",
	};
	fx_result  *r = parse_ocr_pages(pages, 1);
	const fx_statement *bs = r ? stmt(r, FX_BALANCE_SHEET) : NULL;

	ok(bs && bs->nperiods == 2 && ymd_of(bs, 0) == 20151231 &&
	   ymd_of(bs, 1) == 20141231,
	   "ocr date over a qualifier: the lower date is the first column's", NULL);
	fx_result_free(r);
}

/*
 * By OCR, a line of weeks under the years ("52 Weeks  53 Weeks  52
 * Weeks") is set over their columns like a line of months and days, so a
 * 52/53-week year printed with its year alone gets its end from the next
 * year's (it was written as a label line, and the years had none).
 */
static void
test_ocr_weeks_line(void)
{
	static const char *const pages[] = {
		"FORM 10-K\n"
		"For the fiscal year ended February 1, 2014\n",
		"CONSOLIDATED STATEMENTS OF OPERATIONS\n"
		"(in thousands of U.S. dollars)\n"
		"2014                 2013                 2012\n"
		"52 Weeks             53 Weeks             52 Weeks\n"
		"Revenue                            $172,142     186,452     $204,664\n"
		"Cost of Revenue                      69,452      81,337      122,021\n"
		"Net Income                         $102,690     105,115      $82,643\n",
	};
	fx_result  *r = parse_ocr_pages(pages, 2);
	const fx_statement *is = r ? stmt(r, FX_INCOME_STATEMENT) : NULL;

	ok(is && is->nperiods == 3 && ymd_of(is, 0) == 20140201 &&
	   ymd_of(is, 1) == 20130202 && ymd_of(is, 2) == 20120128,
	   "ocr weeks line: every year's end", NULL);
	fx_result_free(r);
}

/*
 * By OCR, a footnote mark one blank after a row's label ("TOTAL CURRENT
 * ASSETS (1)  151,914  115,934") is the label's: read as an amount, it
 * had moved the row's amounts a column right.
 */
static void
test_ocr_label_footnote(void)
{
	static const char *const pages[] = {
		"BALANCE SHEETS\n"
		"(in thousands of U.S. dollars)\n"
		"September 30, 2015        September 30, 2014\n"
		"CASH AND CASH EQUIVALENTS                 $62,788             $60,449\n"
		"INVENTORIES                                28,294              55,485\n"
		"TOTAL CURRENT ASSETS (1)                   91,082             115,934\n"
		"TOTAL ASSETS                             $314,053            $277,773\n",
	};
	fx_result  *r = parse_ocr_pages(pages, 1);
	const fx_statement *bs = r ? stmt(r, FX_BALANCE_SHEET) : NULL;

	ok_str(bs ? val(bs, "TOTAL CURRENT ASSETS (1)", 0) : NULL, "91082",
		   "ocr label footnote: the first amount is the first column's");
	fx_result_free(r);
}


/*
 * OCR of a statement headed by numeric dates or ranges followed by change
 * columns ("1.7.-30.06.2012  1.7.-30.06.2011  Variance  Change %"): the
 * dates head the first two amounts of each row, as years or dates in words
 * do; the variance and the percentage are no period's.  The change
 * headings used to be looked for only after years, so the line opened no
 * columns and a row's variance landed under the second period.
 */
static void
test_ocr_change_after_numeric_dates(void)
{
	static const char *const pages[] = {
		"STATEMENTS OF EARNINGS\n"
		"TEUR\n"
		"1.7.-30.06.2012             1.7.-30.06.2011             Variance          Change %\n"
		"Revenue                                 166'512          151'006          15'506          10.3%\n"
		"Cost of revenue                         -90'219          -60'789         -29'430          48.4%\n"
		"Selling, general and administrative expenses  -19'476   -22'494    3'018        (13.4) %\n"
		"Total operating expenses                -27'433          -31'011          3'578         (11.5) %\n"
		"Net income                                    38'232           46'093          -7'861          (17.1) %\n",
	};
	fx_result  *r = parse_ocr_pages(pages, 1);
	const fx_statement *is = r ? stmt(r, FX_INCOME_STATEMENT) : NULL;

	ok(is && is->nperiods == 2 && ymd_of(is, 0) == 20120630 &&
	   ymd_of(is, 1) == 20110630,
	   "ocr numeric dates and change columns: two periods", NULL);
	ok_str(is ? val(is, "Selling, general and administrative expenses", 0) : NULL,
		   "-19476", "ocr numeric dates and change columns: first amount, first period");
	ok_str(is ? val(is, "Total operating expenses", 1) : NULL, "-31011",
		   "ocr numeric dates and change columns: the variance is no period's");
	fx_result_free(r);
}


/*
 * OCR of a balance sheet whose one heading line holds the unit caption,
 * two dates and a qualifier of the second ("September 26, 2015  Restated
 * (1)"): the qualifier and its mark (read as an amount, -1) are no column;
 * the two dates head the two columns.
 */
static void
test_ocr_dates_before_qualifier(void)
{
	static const char *const pages[] = {
		"CONSOLIDATED BALANCE SHEETS\n"
		"(in thousands of U.S. dollars)                     September 24, 2016     September 26, 2015 Restated (1)\n"
		"CASH AND CASH EQUIVALENTS                     $             80, 883   $                          74,082\n"
		"INVENTORIES                                                 40,045                              36,287\n"
		"TOTAL ASSETS                                      $             341,122    $                           353,810\n"
		"TOTAL LIABILITIES                                             53,618                              52,339\n"
		"TOTAL SHAREHOLDERS' EQUITY                                 287,504                             301,471\n"
		"TOTAL LIABILITIES AND SHAREHOLDERS' EQUITY      $            341,122   $                         353,810\n",
	};
	fx_result  *r = parse_ocr_pages(pages, 1);
	const fx_statement *bs = r ? stmt(r, FX_BALANCE_SHEET) : NULL;

	ok(bs && bs->nperiods == 2 && ymd_of(bs, 0) == 20160924 &&
	   ymd_of(bs, 1) == 20150926,
	   "ocr dates before a qualifier: two dated columns", NULL);
	ok_str(bs ? val(bs, "INVENTORIES", 1) : NULL, "36287",
		   "ocr dates before a qualifier: the restated column's value");
	ok_str(bs ? bs->unit_scale : NULL, "1000",
		   "ocr dates before a qualifier: the unit caption on the heading line");
	fx_result_free(r);
}


/*
 * A 52/53-week year whose weeks line comes after a blank line under the
 * years, a caption at its left and percent columns' headings between
 * ("(52 weeks)  %  (53 weeks)  % of sales"), as OCR reads such headings:
 * the weeks still say each year's length, so the years before the cover's
 * year end are counted back from it.  Read from layout text and from OCR
 * text.
 */
static void
test_weeks_line_apart(void)
{
	static const char *const text[] = {
		"ORCHID FOODS\nFor the fiscal year ended February 1, 2014\n",
		"Consolidated Cash Flow Statement\n"
		"                                                        2014                  2013                  2012\n"
		"\n"
		"(In millions, except per share data)              (52 weeks)            (53 weeks)            (52 weeks)\n"
		"Net income                                           $91,479               $71,873               $83,283\n"
		"Depreciation and amortization                          1,235                 1,106                 1,201\n"
		"Net cash provided by operating activities             92,714                72,979                84,484\n",
	};
	static const char *const ocr[] = {
		"ORCHID FOODS\nFor the fiscal year ended February 1, 2014\n",
		"Consolidated Income Statement\n"
		"(In millions, except per share data)\n"
		"2014                                2013                                2012\n"
		"(52 weeks)            %             (53 weeks)       % of sales        (52 weeks)            %\n"
		"Revenue                  291,033        100.0%                  284,128        100.0%                  314,509        100.0%\n"
		"Cost of Revenue       134,425        46.2%               142,731        50.2%               149,618        47.6%\n"
		"Gross Profit        156,608       53.8%             141,397       49.8%             164,891       52.4%\n",
	};
	fx_result  *r = parse_pages(text, 2);
	const fx_statement *cf = r ? stmt(r, FX_CASH_FLOW) : NULL;

	ok(cf && cf->nperiods == 3 && ymd_of(cf, 0) == 20140201 &&
	   ymd_of(cf, 1) == 20130202 && ymd_of(cf, 2) == 20120128,
	   "weeks line after a blank line: each year's end", NULL);
	fx_result_free(r);
	r = parse_ocr_pages(ocr, 2);
	cf = r ? stmt(r, FX_INCOME_STATEMENT) : NULL;
	ok(cf && cf->nperiods == 3 && ymd_of(cf, 0) == 20140201 &&
	   ymd_of(cf, 1) == 20130202 && ymd_of(cf, 2) == 20120128,
	   "ocr weeks line with percent headings: each year's end", NULL);
	ok_str(cf ? val(cf, "Cost of Revenue", 1) : NULL, "142731",
		   "ocr weeks line with percent headings: the second year's amount");
	fx_result_free(r);
}


/*
 * OCR of a balance sheet whose restated column's heading is taller ("As
 * of" / "June 30, 2018" / "Restated (1)", bottom-aligned): OCR reads
 * "June 30, 2018" alone, then "(in thousands of U.S. dollars)  June 30,
 * 2019  Restated (1)".  The lower date goes first, the qualifier with its
 * mark goes with the upper date, and the unit caption stays a caption (the
 * mark left beside it made a row of it, and the statement lost its
 * scale).
 */
static void
test_ocr_qualifier_with_mark_stacked(void)
{
	static const char *const pages[] = {
		"STATEMENTS OF FINANCIAL CONDITION\n"
		"As of\n"
		"June 30, 2018\n"
		"\n"
		"(in thousands of U.S. dollars)                                  June 30, 2019            Restated (1)\n"
		"\n"
		"CASH AND CASH EQUIVALENTS                           $            10,429 $            11,508\n"
		"INVENTORIES                                                     21,864                20,733\n"
		"TOTAL ASSETS                                                   195,310               190,112\n"
		"TOTAL LIABILITIES                                               80,310                79,112\n"
		"TOTAL SHAREHOLDERS' EQUITY                                    115,000               111,000\n"
		"TOTAL LIABILITIES AND SHAREHOLDERS' EQUITY                   195,310               190,112\n",
	};
	fx_result  *r = parse_ocr_pages(pages, 1);
	const fx_statement *bs = r ? stmt(r, FX_BALANCE_SHEET) : NULL;

	ok(bs && bs->nperiods == 2 && ymd_of(bs, 0) == 20190630 &&
	   ymd_of(bs, 1) == 20180630,
	   "ocr stacked qualifier with a mark: two dated columns", NULL);
	ok_str(bs ? bs->unit_scale : NULL, "1000",
		   "ocr stacked qualifier with a mark: the unit caption holds");
	ok_str(bs ? val(bs, "INVENTORIES", 1) : NULL, "20733",
		   "ocr stacked qualifier with a mark: the restated column's value");
	fx_result_free(r);
}


/*
 * OCR reads the digit 1 of "1st quarter 2024" as the letter l ("lst
 * quarter 2024"): before a period's word, "lst" and "Ist" are the first,
 * so each column is a quarter of its own.
 */
static void
test_ocr_first_ordinal_misread(void)
{
	static const char *const pages[] = {
		"KESTREL GROUP PLC\nQuarterly report; the fiscal year ended December 31, 2023\n",
		"CONSOLIDATED STATEMENT OF PROFIT OR LOSS\n"
		"$000                                                                     lst quarter 2024    lst quarter 2023\n"
		"Revenue                                                                          419,697              451,325\n"
		"Cost of Revenue                                                                   251,932              194,308\n"
		"Gross Profit                                                                      167,765              257,017\n"
		"Operating Income                                                                  110,537              166,454\n",
	};
	fx_result  *r = parse_ocr_pages(pages, 2);
	const fx_statement *is = r ? stmt(r, FX_INCOME_STATEMENT) : NULL;

	ok(is && is->nperiods == 2 && ymd_of(is, 0) == 20240331 &&
	   ymd_of(is, 1) == 20230331,
	   "ocr lst quarter: two first quarters", NULL);
	ok_str(is ? val(is, "Gross Profit", 1) : NULL, "257017",
		   "ocr lst quarter: the second quarter's amount");
	fx_result_free(r);
}


/*
 * A US statement with one misread amount ("77,0384" for "77,038 $", as
 * OCR reads it): one word for the decimal comma against many amounts
 * grouped "38,738" is a misreading, not the statement's format; the amounts
 * stay in thousands.
 */
static void
test_one_misread_amount_no_decimal_comma(void)
{
	static const char *const pages[] = {
		"Consolidated Cash Flow Statement\n"
		"$000\n"
		"                                                    Three Months Ended\n"
		"                                                    March 31, 2022    March 31, 2021\n"
		"Net income                                                 $38,738           66,475\n"
		"Depreciation and amortization                               10,316           10,375\n"
		"Changes in operating assets and liabilities                  4,479            2,967\n"
		"Net cash provided by operating activities                   53,533           79,817\n"
		"Purchases of property and equipment                        -16,634          -16,558\n"
		"Net cash used in investing activities                      -16,634          -16,558\n"
		"Cash and cash equivalents at end of year                   $77,0384         110,695\n",
	};
	fx_result  *r = parse_pages(pages, 1);
	const fx_statement *cf = r ? stmt(r, FX_CASH_FLOW) : NULL;

	ok_str(cf ? val(cf, "Net income", 0) : NULL, "38738",
		   "one misread amount: the others keep their grouping");
	ok_str(cf ? val(cf, "Purchases of property and equipment", 1) : NULL,
		   "-16558", "one misread amount: the second column too");
	fx_result_free(r);
}

/*
 * A currency caption set over the value columns ("(Figures in US
 * Dollars)", "(in EUR)") is no part of the periods' headings under it.
 */
static void
test_currency_caption_over_columns(void)
{
	static const char *const pages[] = {
		"                 CONSOLIDATED BALANCE SHEETS\n"
		"                                          (Figures in US Dollars)\n"
		"\n"
		"                                                  December 31,\n"
		"                                            2022              2021\n"
		"ASSETS\n"
		"Cash and cash equivalents                 10,041            11,237\n"
		"Receivables                                6,965             9,085\n"
		"Total current assets                      17,006            20,322\n",
		"                 CONSOLIDATED BALANCE SHEETS\n"
		"                                             (in EUR)\n"
		"                                            2022              2021\n"
		"ASSETS\n"
		"Cash and cash equivalents                 10,041            11,237\n"
		"Receivables                                6,965             9,085\n"
		"Total current assets                      17,006            20,322\n",
	};

	for (int p = 0; p < 2; p++)
	{
		fx_result  *r = parse_pages(pages + p, 1);
		const fx_statement *bs = r ? stmt(r, FX_BALANCE_SHEET) : NULL;

		ok_str(bs && bs->nperiods == 2 ? bs->periods[0].label : NULL,
			   p == 0 ? "December 31, 2022" : "2022",
			   "currency caption over the columns: not in the first period's heading");
		ok_str(bs && bs->nperiods == 2 ? bs->periods[1].label : NULL,
			   p == 0 ? "December 31, 2021" : "2021",
			   "currency caption over the columns: not in the second period's heading");
		fx_result_free(r);
	}
}

/*
 * OCR text of a statement with a notes column: a note reference one blank
 * before an amount grouped by commas of its own ("8 216,357,523") is the
 * note and the amount, not one amount 8,216,357,523; without a notes
 * column the two stay one amount that lost a comma ("4 777,801").
 */
static void
test_ocr_note_head(void)
{
	static const char *const notes[] = {
		"STATEMENTS OF FINANCIAL POSITION\n"
		"(Figures in Philippine Peso)\n"
		"\n"
		"                                  As of December 31\n"
		"                               2022              2021\n"
		"               Notes\n"
		"ASSETS\n"
		"Cash            3.6         10,041,673        11,237,376\n"
		"Receivables     7          6,965,863         9,085,459\n"
		"Inventories              8 216,357,523       181,220,353\n"
		"Total Current Assets       233,365,059       201,543,188\n",
	};
	static const char *const plain[] = {
		"STATEMENTS OF FINANCIAL POSITION\n"
		"(Figures in Philippine Peso)\n"
		"\n"
		"                                  As of December 31\n"
		"                               2022              2021\n"
		"ASSETS\n"
		"Cash                        10,041,673        11,237,376\n"
		"Receivables                  6,965,863         9,085,459\n"
		"Inventories                4 777,801         3,555,123\n"
		"Total Current Assets        21,785,337        23,877,958\n",
	};
	fx_result  *r = parse_ocr_pages(notes, 1);
	const fx_statement *bs = r ? stmt(r, FX_BALANCE_SHEET) : NULL;

	ok_str(bs ? val(bs, "Inventories", 0) : NULL, "216357523",
		   "ocr note head: the note is no part of the amount");
	ok_str(bs ? val(bs, "Inventories", 1) : NULL, "181220353",
		   "ocr note head: the second column's amount");
	ok_str(bs ? val(bs, "Cash", 0) : NULL, "10041673",
		   "ocr note head: a row with its note apart is unchanged");
	fx_result_free(r);
	r = parse_ocr_pages(plain, 1);
	bs = r ? stmt(r, FX_BALANCE_SHEET) : NULL;
	ok_str(bs ? val(bs, "Inventories", 0) : NULL, "4777801",
		   "ocr note head: no notes column, one amount that lost a comma");
	fx_result_free(r);
}

/*
 * OCR sets a blank line between the lines of a wrapped label whose values
 * sit on its second line: a label that plainly goes on ("Selling, general
 * and" / "administrative expenses") bridges one blank line; a heading
 * ("Operating expenses") does not take the next row's label.
 */
static void
test_wrap_across_blank(void)
{
	static const char *const pages[] = {
		"                    STATEMENTS OF OPERATIONS\n"
		"                                        2022          2021\n"
		"Revenue                               320,384       299,727\n"
		"Operating expenses\n"
		"\n"
		"Research and development               23,795        22,246\n"
		"Selling, general and\n"
		"\n"
		"administrative expenses                34,908        44,606\n"
		"Net cash used in investing\n"
		"\n"
		"activities                              3,480         3,336\n"
		"Operating income                      262,000       233,000\n",
	};
	fx_result  *r = parse_pages(pages, 1);
	const fx_statement *is = r ? stmt(r, FX_INCOME_STATEMENT) : NULL;

	ok_str(is ? val(is, "Selling, general and administrative expenses", 0) : NULL,
		   "34908", "wrap across a blank line: the label is joined");
	ok_str(is ? val(is, "Net cash used in investing activities", 1) : NULL,
		   "3336", "wrap across a blank line: a lowercase start goes on");
	ok_str(is ? val(is, "Research and development", 0) : NULL, "23795",
		   "wrap across a blank line: a heading keeps its own line");
	fx_result_free(r);
}

/*
 * OCR text: an amount that opens a parenthesis at the end of a row of
 * amounts lost its closing one at the page's edge ("(3,480)  (3,336").
 */
static void
test_ocr_lost_paren(void)
{
	static const char *const pages[] = {
		"STATEMENTS OF CASH FLOWS\n"
		"(in thousands of U.S. dollars)\n"
		"                                              2019             2018\n"
		"Net income                                  62,584           71,021\n"
		"Purchases of property and equipment        (3,480)          (3,336\n"
		"Dividends paid                             (1,173)          (1,279\n"
		"Net cash used in financing activities       4,686           (8,874)\n",
	};
	fx_result  *r = parse_ocr_pages(pages, 1);
	const fx_statement *cf = r ? stmt(r, FX_CASH_FLOW) : NULL;

	ok_str(cf ? val(cf, "Purchases of property and equipment", 1) : NULL,
		   "-3336", "ocr lost paren: the amount is negative");
	ok_str(cf ? val(cf, "Dividends paid", 0) : NULL, "-1173",
		   "ocr lost paren: the row is a row, not a label");
	fx_result_free(r);
}

/*
 * OCR text: amounts split by a blank before a trailing minus group
 * ("106 606-") or before a group comma ("27 ,225-") are one amount; an
 * amount whose last comma group has four digits ("77,0384", OCR's reading
 * of "77,038 $") in a row of comma-grouped amounts is no value, not
 * 77.0384, and the row keeps its label and its other amount.
 */
static void
test_ocr_split_groups(void)
{
	static const char *const pages[] = {
		"INCOME STATEMENT\n"
		"(in thousands of euros)\n"
		"                                        2013            2012\n"
		"Revenue                              512,333-        498,100-\n"
		"Selling expenses                     106 606-        113 068-\n"
		"Provision for income taxes            27 ,225-        49 ,984-\n"
		"Net income                          $ 77,0384         110,695\n",
	};
	fx_result  *r = parse_ocr_pages(pages, 1);
	const fx_statement *is = r ? stmt(r, FX_INCOME_STATEMENT) : NULL;

	ok_str(is ? val(is, "Selling expenses", 0) : NULL, "-106606",
		   "ocr split groups: a blank before a trailing-minus group");
	ok_str(is ? val(is, "Provision for income taxes", 1) : NULL, "-49984",
		   "ocr split groups: a blank before a group comma");
	ok_str(is ? val(is, "Net income", 0) : NULL, NULL,
		   "ocr split groups: a four-digit last group is no value");
	ok_str(is ? val(is, "Net income", 1) : NULL, "110695",
		   "ocr split groups: the row keeps its label and other amount");
	fx_result_free(r);
}

/*
 * OCR text: an "&" after a percentage on a line with percent columns is a
 * misread "%", also when an amount follows it ("42.5 &  96,552  52.1 %");
 * only an "&" between two years ("2015 & 2014") stays.
 */
static void
test_ocr_ampersand_percent(void)
{
	static const char *const pages[] = {
		"STATEMENTS OF OPERATIONS\n"
		"(in thousands of U.S. dollars)\n"
		"                          2015        %          2014        %\n"
		"Revenue                203,100    100.0 %     185,400   100.0 %\n"
		"Gross Profit            86,314     42.5 &      96,552    52.1 %\n"
		"Net income              20,100      9.9 %      18,200     9.8 %\n",
	};
	fx_result  *r = parse_ocr_pages(pages, 1);
	const fx_statement *is = r ? stmt(r, FX_INCOME_STATEMENT) : NULL;

	ok_str(is ? val(is, "Gross Profit", 1) : NULL, "96552",
		   "ocr ampersand: the second year's amount under its label");
	ok_str(is ? val(is, "Gross Profit", 0) : NULL, "86314",
		   "ocr ampersand: the first year's amount");
	fx_result_free(r);
}

/*
 * OCR text: dot leaders read as ". 2. 2 we ee eee" end a row's label
 * ("Cash and Cash Equivalents at End of Year . 2. 2 we ee eee  160,234").
 */
static void
test_ocr_leader_we(void)
{
	static const char *const pages[] = {
		"STATEMENTS OF CASH FLOWS\n"
		"(in thousands of U.S. dollars)\n"
		"                                              2016             2015\n"
		"Net income . . . . . . . . . . . .         62,584           71,021\n"
		"Depreciation and amortization               2,523            2,698\n"
		"Net cash provided by operating activities  81,847          102,310\n"
		"Purchases of property and equipment        (3,480)          (3,336)\n"
		"Net cash used in investing activities      (3,480)          (3,336)\n"
		"Dividends paid                             (1,173)          (1,279)\n"
		"Cash and Cash Equivalents at End\n"
		"of Year . 2. 2 we ee eee ee eee   $      160,234   $       98,338\n",
	};
	fx_result  *r = parse_ocr_pages(pages, 1);
	const fx_statement *cf = r ? stmt(r, FX_CASH_FLOW) : NULL;

	ok_str(cf ? val(cf, "Cash and Cash Equivalents at End of Year", 0) : NULL,
		   "160234", "ocr leaders read as \"we ee\": not in the label");
	fx_result_free(r);
}

/*
 * A unit caption left of the columns beside their qualifiers ("$000" on
 * the line of "52 Weeks  52 Weeks"): the line is part of the headings,
 * not a row, so each column counts its weeks and the years before the
 * cover's are dated by them; and the wrapped label under it is whole.
 */
static void
test_unit_beside_qualifiers(void)
{
	static const char *const pages[] = {
		"Example Stores Inc.\n"
		"FORM 10-K\n"
		"For the fiscal year ended January 28, 2017\n",
		"                     Consolidated Statements of Income\n"
		"\n"
		"                                      Fiscal 2017   Fiscal 2016   Fiscal 2015\n"
		"$000                                    52 Weeks      52 Weeks      52 Weeks\n"
		"Revenue . . . . . . . . . . . . .      $506,906      $501,000      $517,310\n"
		"Cost of revenue . . . . . . . . .       340,905       300,649       333,460\n"
		"  Selling, general and\n"
		"    administrative expenses . . .        71,900        46,801        47,840\n"
		"Net income . . . . . . . . . . .       $65,957      $106,079       $91,486\n",
	};
	fx_result  *r = parse_pages(pages, 2);
	const fx_statement *is = r ? stmt(r, FX_INCOME_STATEMENT) : NULL;

	ok(is && is->nperiods == 3 && ymd_of(is, 0) == 20170128 &&
	   ymd_of(is, 1) == 20160130 && ymd_of(is, 2) == 20150131,
	   "unit beside qualifiers: each year dated by its weeks", NULL);
	ok(is && is->unit_scale && strcmp(is->unit_scale, "1000") == 0,
	   "unit beside qualifiers: the caption still gives the scale", NULL);
	ok_str(is ? val(is, "Selling, general and administrative expenses", 1) : NULL,
		   "46801", "unit beside qualifiers: the wrapped label is whole");
	fx_result_free(r);
}

/*
 * A wrapped label whose second line is only its footnote mark, beside the
 * row's amounts ("Other income (expense), net" / "(1)   42   -   79"): the
 * mark ends the label above; the row is no generated total.
 */
static void
test_wrapped_footnote_mark(void)
{
	static const char *const pages[] = {
		"                     Consolidated Statements of Income\n"
		"                     (In thousands)\n"
		"                                          2016          2015          2014\n"
		"Revenue                               $844,609      $925,109      $939,833\n"
		"Interest expense                           780           808           134\n"
		"Other income (expense), net\n"
		"  (1)                                       42             -            79\n"
		"Income before income taxes             174,111       277,497       304,834\n",
	};
	fx_result  *r = parse_pages(pages, 1);
	const fx_statement *is = r ? stmt(r, FX_INCOME_STATEMENT) : NULL;
	const fx_item *x = NULL;

	for (int i = 0; is && i < is->nitems; i++)
		if (is->items[i].values[0] && strcmp(is->items[i].values[0], "42") == 0)
			x = &is->items[i];
	ok_str(x ? x->label : NULL, "Other income (expense), net (1)",
		   "wrapped mark: the mark ends the label above");
	ok(x && !x->is_total && x->values[2] && strcmp(x->values[2], "79") == 0,
	   "wrapped mark: a row of its own, not a total", NULL);
	fx_result_free(r);
}

/*
 * A heading that says its length ("1st quarter 2013") set a little left
 * of its amounts, where the labels end: a heading whole, not a caption
 * with the column's year after it.
 */
static void
test_length_heading_left_of_values(void)
{
	static const char *const pages[] = {
		"                             Statement of Cash Flows\n"
		"                      (In millions, except per share data)\n"
		"\n"
		"                                   1st quarter 2013         1st quarter 2012\n"
		"Net income                              $           6,636    $          7,825\n"
		"  Depreciation and amortization                    16,334              15,183\n"
		"Net cash provided by operating activities          19,620              25,556\n",
	};
	fx_result  *r = parse_pages(pages, 1);
	const fx_statement *cf = r ? stmt(r, FX_CASH_FLOW) : NULL;

	ok_str(cf && cf->nperiods == 2 ? cf->periods[0].label : NULL,
		   "1st quarter 2013", "length heading left of values: the heading is whole");
	ok(cf && cf->nperiods == 2 && cf->periods[0].months == 3,
	   "length heading left of values: a quarter, not a year", NULL);
	fx_result_free(r);
}

/*
 * A "Notes" heading on a line of its own under the years (below "ASSETS"):
 * the note references under it are no period's values.
 */
static void
test_notes_below(void)
{
	static const char *const pages[] = {
		"                         STATEMENTS OF FINANCIAL POSITION\n"
		"                         (Figures in Philippine Peso)\n"
		"\n"
		"                                                                                             As of December 31\n"
		"                                                                                          2022                  2021\n"
		"\n"
		"        ASSETS\n"
		"                                                                          Notes\n"
		"                         Current Assets\n"
		"                           Cash                                             3.6           10,041,673            11,237,376\n"
		"                            Receivables                                     3.7            6,965,863            9,085,459\n"
		"                            Inventories                                      8           216,357,523          181,220,353\n"
		"                              Total Current Assets                                       233,365,059          201,543,188\n",
	};
	fx_result  *r = parse_pages(pages, 1);
	const fx_statement *bs = r ? stmt(r, FX_BALANCE_SHEET) : NULL;

	ok_str(bs ? val(bs, "Cash", 0) : NULL, "10041673",
		   "notes below the years: 2022's value, not the note");
	ok_str(bs ? val(bs, "Cash", 1) : NULL, "11237376",
		   "notes below the years: 2021's value");
	fx_result_free(r);
}

/*
 * A page laid out from tesseract's word boxes keeps its columns, so its
 * words are repaired where they stand: a heading's "July 1," keeps its
 * comma and its place over "2023", junk before amounts goes, a repaired
 * amount ends where it ended.
 */
static void
test_ocr_repair(void)
{
	static const char page[] =
		"                                    July 1,        September 24,\n"
		"                                     2023                2022\n"
		"Cash and cash equivalents     $   28,4O8   $        23,646\n"
		"Receivables                       {1,234}            9,085 |\n";
	size_t		n;
	char	   *t = fx_ocr_repair_page(page, sizeof(page) - 1, &n);
	const char *l2,
			   *l3;

	ok(t != NULL && strncmp(t, "                                    July 1,        September 24,\n", 65) == 0,
	   "ocr repair: a heading line stays as printed", t);
	l2 = t ? strstr(t, "Cash and cash equivalents") : NULL;
	ok(l2 != NULL && strstr(l2, "28,408") != NULL,
	   "ocr repair: O read for 0 in an amount", l2);
	ok(l2 != NULL && strstr(l2, "28,408") != NULL &&
	   strstr(l2, "28,408") - l2 == 34,
	   "ocr repair: the amount ends where it ended", l2);
	l3 = t ? strstr(t, "Receivables") : NULL;
	ok(l3 != NULL && strstr(l3, "(1,234)") != NULL,
	   "ocr repair: braces are parentheses", l3);
	free(t);
}

/* OCR misreadings of letters in labels and titles, and marks for dashes */
static void
test_ocr_words(void)
{
	static const char *const pages[] = {
		"ACME TRADING CORPORATION\n"
		"Statements of Changes in Equity\n"
		"For the year ended December 31, 2021\n"
		"(Amounis in Philippine Peso)\n"
		"2021               2020\n"
		"CAPITAL STOCK (Note 8)                         P   3,062,500 P     312,500\n"
		"\\ppropniated (Note 8)                                  :                 :\n"
		"lransferred to appropriated\n"
		"retained earings during the year                        -                 +\n"
		"Loyalty programme reserve                           10,000            20,000\n"
		"Reserve for figure                                   5,000             6,000\n"
		"GROSS PROFTI                                     1,716,347           790,990\n"
		"Other reserves                                   1,2O0,000           l,234\n"
		"Dividends                                        (5O0,000)               -\n"
		"Share premium                                       12,345           S1,234\n"
		"TOTAL EQUITY                                     4,793,847         1,129,490\n",
	};
	size_t		lens[1] = {strlen(pages[0])};
	fx_parse_opts opts;
	fx_result  *r;
	const fx_statement *st;

	memset(&opts, 0, sizeof(opts));
	opts.ocr = true;
	r = fx_parse_document(pages, lens, 1, &opts);
	st = r ? stmt(r, FX_EQUITY) : NULL;
	ok(st != NULL, "ocr words: equity statement found", NULL);
	if (st == NULL)
	{
		fx_result_free(r);
		return;
	}
	ok_str(val(st, "Appropriated (Note 8)", 1), "0",
		   "ocr words: backslash for A, n for r; ':' is a dash");
	ok_str(val(st, "transferred to appropriated retained earnings during the year", 0),
		   "0", "ocr words: l for T, a dropped letter");
	ok_str(val(st, "transferred to appropriated retained earnings during the year", 1),
		   "0", "ocr words: a lone '+' is a dash");
	ok_str(val(st, "GROSS PROFIT", 0), "1716347", "ocr words: swapped letters");
	ok_str(val(st, "Other reserves", 0), "1200000", "ocr words: O for 0 in an amount");
	ok_str(val(st, "Other reserves", 1), "1234", "ocr words: l for 1 in an amount");
	ok_str(val(st, "Dividends", 0), "-500000", "ocr words: O in a negative amount");
	ok(val(st, "Share premium", 1) == NULL ||
	   strcmp(val(st, "Share premium", 1), "51234") != 0,
	   "ocr words: a leading S is not read as 5", NULL);
	ok_str(val(st, "Loyalty programme reserve", 0), "10000",
		   "ocr words: an unknown word is not made a known one");
	ok_str(val(st, "Reserve for figure", 1), "6000",
		   "ocr words: a singular is not made a plural");
	fx_result_free(r);
}

/* European format, range periods, Note column at the left of values */
static void
test_european(void)
{
	static const char *const pages[] = {
		"Konzern-Gewinn- und Verlustrechnung\n"
		"Consolidated statement of profit or loss\n"
		"in EUR thousand                   Note    1.1.-30.06.2021   1.1.-30.06.2020\n"
		"Revenue                             4          1.234,5          1.100,0\n"
		"Cost of sales                       5           -834,5          -800,0\n"
		"Gross profit                                     400,0            300,0\n"
		"Other income                                   1.000.000            2,5\n"
	};
	fx_result  *r = parse_pages(pages, 1);
	const fx_statement *st = r ? stmt(r, FX_INCOME_STATEMENT) : NULL;

	ok(st != NULL, "european statement found", NULL);
	if (st == NULL)
	{
		fx_result_free(r);
		return;
	}
	ok(st->nperiods == 2, "european: two periods", NULL);
	ok_str(st->currency, "EUR", "european currency");
	ok_str(st->unit_scale, "1000", "european unit");
	ok_str(val(st, "Revenue", 0), "1234.5", "european 1.234,5");
	ok_str(val(st, "Cost of sales", 1), "-800.0", "european negative");
	ok_str(val(st, "Other income", 0), "1000000", "european 1.000.000");
	if (st->nperiods == 2)
		ok(st->periods[0].months == 6 && st->periods[0].end_month == 6,
		   "range gives 6 months", NULL);
	fx_result_free(r);
}

/* numbers grouped by plain blanks, decided for the whole page */
static void
test_blank_groups(void)
{
	static const char *const pages[] = {
		"                    CONSOLIDATED STATEMENT OF FINANCIAL POSITION\n"
		"                         (in thousands of euros)\n"
		"                                        Notes     31.12.2021     31.12.2020\n"
		"Cash and cash equivalents                 5        2 492 336      1 234 567\n"
		"Trade receivables                         6          412 005        398 100\n"
		"Inventories                               7           (1 234)        -5 678\n"
		"Other assets                                           1 234-        12 345,50\n"
		"Total assets                                       2 903 107      1 638 334\n",
		/* mark-grouped numbers and tight columns: blanks do not group */
		"                    CONSOLIDATED BALANCE SHEETS\n"
		"                                                 2021       2020\n"
		"Cash                                          1,234,567  1,100,000\n"
		"Receivables                                     412,005    398,100\n"
		"Other                                             12 345    100 200\n"
		"Total assets                                  1,646,572  1,498,100\n"
	};
	fx_result  *r = parse_pages(pages, 2);
	const fx_statement *st = r && r->nstatements == 2 ? &r->statements[0] :
		NULL;

	ok(st != NULL, "blank groups: two statements", NULL);
	if (st == NULL)
	{
		fx_result_free(r);
		return;
	}
	ok(st->nperiods == 2, "blank groups: notes column has no period", NULL);
	ok_str(val(st, "Cash and cash equivalents", 0), "2492336", "2 492 336");
	ok_str(val(st, "Cash and cash equivalents", 1), "1234567", "1 234 567");
	ok_str(val(st, "Inventories", 0), "-1234", "(1 234)");
	ok_str(val(st, "Inventories", 1), "-5678", "-5 678");
	ok_str(val(st, "Other assets", 0), "-1234", "1 234-");
	ok_str(val(st, "Other assets", 1), "12345.50", "12 345,50");
	st = &r->statements[1];
	ok_str(val(st, "Cash", 0), "1234567", "comma groups beside");
	ok_str(val(st, "Receivables", 0), "412005", "comma group 412,005");
	ok(val(st, "Other", 0) == NULL || strcmp(val(st, "Other", 0), "12345") != 0,
	   "tight columns on a comma-grouped page are not joined", NULL);
	fx_result_free(r);
}

/* a table whose dotted amounts all have three digits: dots group */
static void
test_dot_groups(void)
{
	static const char *const pages[] = {
		"                          Balance sheet\n"
		"                                in TEUR\n"
		"                                              31.12.2021     31.12.2020\n"
		"Sachanlagen                                       12.345         11.200\n"
		"Vorraete                                           1.234          1.100\n"
		"Forderungen                                          345            300\n"
		"Summe Aktiva                                      13.924         12.600\n"
	};
	fx_result  *r = parse_pages(pages, 1);
	const fx_statement *st = r ? stmt(r, FX_BALANCE_SHEET) : NULL;

	ok(st != NULL, "dot groups: statement found", NULL);
	if (st)
	{
		ok_str(val(st, "Sachanlagen", 0), "12345", "12.345 groups");
		ok_str(val(st, "Summe Aktiva", 1), "12600", "12.600 groups");
	}
	fx_result_free(r);
}

/* long all-caps labels: wrapped lines joined, a glued "$" opens values */
static void
test_caps_labels(void)
{
	static const char *const pages[] = {
		"                          CONSOLIDATED STATEMENTS OF INCOME\n"
		"                      (In millions except per share data)\n"
		"Year Ended December 31,                                        2021          2020\n"
		"NET OPERATING REVENUES                                     $ 38,655      $ 33,014\n"
		"Cost of goods sold                                            15,357        13,433\n"
		"GROSS PROFIT                                                  23,298        19,581\n"
		"CONSOLIDATED NET INCOME                                        9,804         7,768\n"
		"Less: Net income attributable to noncontrolling interests         33            21\n"
		"NET INCOME ATTRIBUTABLE TO SHAREOWNERS OF THE COCA-COLA\n"
		"   COMPANY                                                 $   9,771     $   7,747\n"
		"NET INCOME ATTRIBUTABLE TO SHAREOWNERS OF THE PARENT COMPANY $ 9,771   $ 7,747\n"
	};
	fx_result  *r = parse_pages(pages, 1);
	const fx_statement *st = r ? stmt(r, FX_INCOME_STATEMENT) : NULL;

	ok(st != NULL, "caps labels: statement found", NULL);
	if (st)
	{
		ok_str(val(st, "NET INCOME ATTRIBUTABLE TO SHAREOWNERS OF THE COCA-COLA COMPANY", 0),
			   "9771", "wrapped all-caps label joined");
		ok_str(val(st, "NET INCOME ATTRIBUTABLE TO SHAREOWNERS OF THE PARENT COMPANY", 1),
			   "7747", "glued $ opens the values");
		ok_str(val(st, "GROSS PROFIT", 0), "23298", "short all-caps row");
	}
	fx_result_free(r);
}

/* one whole-table fixture: a statement as printed, and what must be read */
typedef struct tbl_case
{
	const char *name;
	const char *cover;			/* first page, or NULL */
	const char *title;
	const char *caption;		/* scale or currency line, or NULL */
	const char *pre;			/* a heading line above the columns, or NULL */
	const char *h0,
			   *h1;				/* column headings, or NULL */
	fx_stmt_type type;
	const char *lab[3];
	const char *v[3][2];		/* cells as printed */
	const char *want[3][2];		/* values read; NULL = not checked */
	const char *scale;			/* NULL = not checked; "" = unknown */
	const char *cur;			/* NULL = not checked */
	const char *end[2];			/* "Y-M-D"; "" = no period end; NULL = not
								 * checked */
	int			months0;		/* length of column 0; -1 = not checked */
} tbl_case;

/* append s right-aligned in w display columns */
static void
pad_right(char *out, size_t cap, const char *s, int w)
{
	int			dw = fx_utf8_len((const unsigned char *) s, (int) strlen(s));
	size_t		n = strlen(out);

	for (int i = dw; i < w && n + 1 < cap; i++)
		out[n++] = ' ';
	out[n] = '\0';
	strncat(out, s, cap - strlen(out) - 1);
}

/* lay out a fixture as page text */
static void
tbl_page(const tbl_case *c, char *out, size_t cap)
{
	char		line[512];

	snprintf(out, cap, "                    %s\n", c->title);
	if (c->caption)
	{
		snprintf(line, sizeof(line), "                    %s\n", c->caption);
		strncat(out, line, cap - strlen(out) - 1);
	}
	if (c->pre)
	{
		snprintf(line, sizeof(line), "                                          %s\n",
				 c->pre);
		strncat(out, line, cap - strlen(out) - 1);
	}
	if (c->h0)
	{
		snprintf(line, sizeof(line), "%-40s", "");
		pad_right(line, sizeof(line), c->h0, 20);
		pad_right(line, sizeof(line), c->h1 ? c->h1 : "", 20);
		strncat(line, "\n", sizeof(line) - strlen(line) - 1);
		strncat(out, line, cap - strlen(out) - 1);
	}
	for (int r = 0; r < 3; r++)
	{
		snprintf(line, sizeof(line), "%-40s", c->lab[r]);
		pad_right(line, sizeof(line), c->v[r][0], 20);
		pad_right(line, sizeof(line), c->v[r][1], 20);
		strncat(line, "\n", sizeof(line) - strlen(line) - 1);
		strncat(out, line, cap - strlen(out) - 1);
	}
}

/* parse one fixture and check what it asks */
static void
t_table(const tbl_case *c)
{
	char		page[4096];
	const char *pages[2];
	int			np = 0;
	fx_result  *r;
	const fx_statement *st;
	char		what[200];

	tbl_page(c, page, sizeof(page));
	if (c->cover)
		pages[np++] = c->cover;
	pages[np++] = page;
	r = parse_pages(pages, np);
	st = r ? stmt(r, c->type) : NULL;
	snprintf(what, sizeof(what), "table %s: statement found", c->name);
	ok(st != NULL && st->nperiods == 2, what, page);
	if (st == NULL || st->nperiods != 2)
	{
		fx_result_free(r);
		return;
	}
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 2; j++)
			if (c->want[i][j])
			{
				snprintf(what, sizeof(what), "table %s: %s [%d] \"%s\"",
						 c->name, c->lab[i], j, c->v[i][j]);
				ok_str(val(st, c->lab[i], j), c->want[i][j], what);
			}
	if (c->scale)
	{
		snprintf(what, sizeof(what), "table %s: scale", c->name);
		ok_str(st->unit_scale, c->scale[0] ? c->scale : NULL, what);
	}
	if (c->cur)
	{
		snprintf(what, sizeof(what), "table %s: currency", c->name);
		ok_str(st->currency, c->cur, what);
	}
	for (int j = 0; j < 2; j++)
		if (c->end[j])
		{
			snprintf(what, sizeof(what), "table %s: period_end of column %d",
					 c->name, j);
			ok_str(end_of(st, j), c->end[j], what);
		}
	if (c->months0 >= 0)
	{
		snprintf(what, sizeof(what), "table %s: months of column 0", c->name);
		ok(st->periods[0].months == c->months0, what, NULL);
	}
	fx_result_free(r);
}

#define COVER_DEC21 "ACME GROUP\nAnnual report for the year ended 31 December 2021\n"

/*
 * Whole-table fixtures: every number format, scale header and period
 * heading of issue 13 through the parser, in a small statement each.
 */
static void
test_tables(void)
{
	static const tbl_case cases[] = {
		/* number formats */
		{"nbsp groups", COVER_DEC21, "BALANCE SHEET", "(in thousands of euros)", NULL,
			"31.12.2021", "31.12.2020", FX_BALANCE_SHEET,
			{"Cash", "Receivables", "Total assets"},
			{{"2\xc2\xa0" "492\xc2\xa0" "336", "1\xc2\xa0" "234\xc2\xa0" "567"},
			 {"412\xc2\xa0" "005", "398\xc2\xa0" "100"},
			 {"2\xc2\xa0" "904\xc2\xa0" "341", "1\xc2\xa0" "632\xc2\xa0" "667"}},
			{{"2492336", "1234567"}, {"412005", "398100"}, {"2904341", "1632667"}},
			"1000", "EUR", {"2021-12-31", "2020-12-31"}, 0},
		{"thin-space groups", COVER_DEC21, "BALANCE SHEET", "(in thousands of euros)", NULL,
			"31.12.2021", "31.12.2020", FX_BALANCE_SHEET,
			{"Cash", "Receivables", "Total assets"},
			{{"2\xe2\x80\x89" "492\xe2\x80\x89" "336", "1\xe2\x80\xaf" "234\xe2\x80\xaf" "567"},
			 {"412\xe2\x80\x89" "005", "398\xe2\x80\xaf" "100"},
			 {"2\xe2\x80\x89" "904\xe2\x80\x89" "341", "1\xe2\x80\xaf" "632\xe2\x80\xaf" "667"}},
			{{"2492336", "1234567"}, {"412005", "398100"}, {"2904341", "1632667"}},
			"1000", NULL, {"2021-12-31", "2020-12-31"}, -1},
		{"apostrophe groups, CHF'000", COVER_DEC21, "BALANCE SHEET", "CHF'000", NULL,
			"31.12.2021", "31.12.2020", FX_BALANCE_SHEET,
			{"Cash", "Receivables", "Total assets"},
			{{"4'134'018", "3'900'000"}, {"12'500", "(1'234)"}, {"4'146'518", "3'898'766"}},
			{{"4134018", "3900000"}, {"12500", "-1234"}, {"4146518", "3898766"}},
			"1000", "CHF", {"2021-12-31", "2020-12-31"}, -1},
		{"right quote groups", COVER_DEC21, "BALANCE SHEET", "in CHF\xe2\x80\x99" "000", NULL,
			"31.12.2021", "31.12.2020", FX_BALANCE_SHEET,
			{"Cash", "Receivables", "Total assets"},
			{{"4\xe2\x80\x99" "134\xe2\x80\x99" "018", "3\xe2\x80\x99" "900\xe2\x80\x99" "000"},
			 {"12\xe2\x80\x99" "500", "1\xe2\x80\x99" "000"},
			 {"4\xe2\x80\x99" "146\xe2\x80\x99" "518", "3\xe2\x80\x99" "901\xe2\x80\x99" "000"}},
			{{"4134018", "3900000"}, {"12500", "1000"}, {"4146518", "3901000"}},
			"1000", "CHF", {NULL, NULL}, -1},
		{"dot groups, decimal comma", COVER_DEC21, "Konzernbilanz zum 31. Dezember 2021", "in EUR", NULL,
			"31.12.2021", "31.12.2020", FX_BALANCE_SHEET,
			{"Cash", "Receivables", "Total assets"},
			{{"1.234.567,89", "1.100.000,00"}, {"-5.000,10", "\xe2\x88\x92" "2.500,00"},
			 {"1.229.567,79", "1.097.500,00"}},
			{{"1234567.89", "1100000.00"}, {"-5000.10", "-2500.00"}, {"1229567.79", "1097500.00"}},
			"1", "EUR", {"2021-12-31", "2020-12-31"}, -1},
		{"currency marks glued and apart", COVER_DEC21, "CONSOLIDATED BALANCE SHEET", "(in thousands)", NULL,
			"2021", "2020", FX_BALANCE_SHEET,
			{"Cash", "Receivables", "Total assets"},
			{{"US$2,492,336", "US$ 1,234,567"}, {"412,005", "398,100"},
			 {"US$2,904,341", "US$ 1,632,667"}},
			{{"2492336", "1234567"}, {"412005", "398100"}, {"2904341", "1632667"}},
			"1000", "USD", {"2021-12-31", "2020-12-31"}, -1},
		{"euro after", COVER_DEC21, "Balance sheet", NULL, NULL,
			"31.12.2021", "31.12.2020", FX_BALANCE_SHEET,
			{"Cash", "Receivables", "Total assets"},
			{{"1.234,50 \xe2\x82\xac", "1.000,00 \xe2\x82\xac"}, {"100,00 \xe2\x82\xac", "\xe2\x80\x94"},
			 {"1.334,50 \xe2\x82\xac", "1.000,00 \xe2\x82\xac"}},
			{{"1234.50", "1000.00"}, {"100.00", "0"}, {"1334.50", "1000.00"}},
			NULL, "EUR", {"2021-12-31", "2020-12-31"}, -1},
		{"EUR after", COVER_DEC21, "Balance sheet", NULL, NULL,
			"31.12.2021", "31.12.2020", FX_BALANCE_SHEET,
			{"Cash", "Receivables", "Total assets"},
			{{"1.234 EUR", "1.000 EUR"}, {"100 EUR", "-"}, {"1.334 EUR", "1.000 EUR"}},
			{{"1234", "1000"}, {"100", "0"}, {"1334", "1000"}},
			NULL, "EUR", {NULL, NULL}, -1},
		{"pound and yen", COVER_DEC21, "BALANCE SHEET", "\xc2\xa3" "000", NULL,
			"2021", "2020", FX_BALANCE_SHEET,
			{"Cash", "Receivables", "Total assets"},
			{{"\xc2\xa3" "1,000", "\xc2\xa3" "(500)"}, {"200", "700"}, {"\xc2\xa3" "1,200", "\xc2\xa3" "200"}},
			{{"1000", "-500"}, {"200", "700"}, {"1200", "200"}},
			"1000", "GBP", {NULL, NULL}, -1},
		{"CHF before", COVER_DEC21, "BALANCE SHEET", NULL, NULL,
			"31.12.2021", "31.12.2020", FX_BALANCE_SHEET,
			{"Cash", "Receivables", "Total assets"},
			{{"CHF 1'234", "CHF 1'000"}, {"100", "200"}, {"CHF 1'334", "CHF 1'200"}},
			{{"1234", "1000"}, {"100", "200"}, {"1334", "1200"}},
			NULL, "CHF", {NULL, NULL}, -1},
		{"P/ and peso sign", "ACME TRADING CORPORATION\nFor the year ended December 31, 2021\n",
			"STATEMENT OF FINANCIAL POSITION", "(Amounts in Philippine Peso)",
			"As of December 31, 2021 & 2020", NULL, NULL, FX_BALANCE_SHEET,
			{"Cash", "Receivables", "Total assets"},
			{{"P/ 2,557,457", "P/ 1,000,000"}, {"\xe2\x82\xb1" "100,000", "-"},
			 {"P/ 2,657,457", "P/ 1,000,000"}},
			{{"2557457", "1000000"}, {"100000", "0"}, {"2657457", "1000000"}},
			"1", "PHP", {"2021-12-31", "2020-12-31"}, -1},
		{"Rs. and R$", COVER_DEC21, "BALANCE SHEET", NULL, NULL,
			"31.12.2021", "31.12.2020", FX_BALANCE_SHEET,
			{"Cash", "Receivables", "Total assets"},
			{{"Rs. 1,234,567", "Rs. 1,000,000"}, {"Rs.100", "Rs.200"}, {"Rs. 1,234,667", "Rs. 1,000,200"}},
			{{"1234567", "1000000"}, {"100", "200"}, {"1234667", "1000200"}},
			NULL, "INR", {NULL, NULL}, -1},
		{"yen", "ACME KK\nAnnual report for the fiscal year ended March 31, 2022\n",
			"CONSOLIDATED BALANCE SHEET", "(Millions of yen)", NULL,
			"March 31, 2022", "March 31, 2021", FX_BALANCE_SHEET,
			{"Cash", "Receivables", "Total assets"},
			{{"\xc2\xa5" "12,345", "\xc2\xa5" "11,000"}, {"1,000", "(200)"},
			 {"\xc2\xa5" "13,345", "\xc2\xa5" "10,800"}},
			{{"12345", "11000"}, {"1000", "-200"}, {"13345", "10800"}},
			"1000000", "JPY", {"2022-03-31", "2021-03-31"}, 0},
		{"R$ with decimal comma", COVER_DEC21, "BALANCE SHEET",
			"(R$ mil)", NULL, "31.12.2021", "31.12.2020", FX_BALANCE_SHEET,
			{"Caixa", "Clientes", "Total do ativo"},
			{{"R$ 1.234,56", "R$ 1.000,00"}, {"R$ 100,00", "R$ 50,50"},
			 {"R$ 1.334,56", "R$ 1.050,50"}},
			{{"1234.56", "1000.00"}, {"100.00", "50.50"}, {"1334.56", "1050.50"}},
			"1000", "BRL", {"2021-12-31", "2020-12-31"}, 0},
		{"trailing minus, unicode minus, footnote marks", COVER_DEC21,
			"INCOME STATEMENT", "in EUR thousand", NULL,
			"2021", "2020", FX_INCOME_STATEMENT,
			{"Revenue", "Cost of sales", "Gross profit"},
			{{"1 234\xc2\xb9", "1 000*"}, {"834-", "\xe2\x88\x92" "800"}, {"400", "200"}},
			{{"1234", "1000"}, {"-834", "-800"}, {"400", "200"}},
			"1000", "EUR", {"2021-12-31", "2020-12-31"}, 12},
		/* scale headers */
		{"$000", COVER_DEC21, "CONSOLIDATED BALANCE SHEET", "$000", NULL,
			"2021", "2020", FX_BALANCE_SHEET,
			{"Cash", "Receivables", "Total assets"},
			{{"1,000", "900"}, {"100", "100"}, {"1,100", "1,000"}},
			{{"1000", "900"}, {NULL, NULL}, {"1100", "1000"}},
			"1000", "USD", {NULL, NULL}, -1},
		{"TEUR, title in two languages", COVER_DEC21,
			"Konzernbilanz / Consolidated balance sheet", "TEUR", NULL,
			"31.12.2021", "31.12.2020", FX_BALANCE_SHEET,
			{"Cash", "Receivables", "Total assets"},
			{{"1.000", "900"}, {"100", "100"}, {"1.100", "1.000"}},
			{{"1000", "900"}, {NULL, NULL}, {"1100", "1000"}},
			"1000", "EUR", {NULL, NULL}, -1},
		{"Mio. EUR", COVER_DEC21, "Bilanz", "Mio. EUR", NULL,
			"31.12.2021", "31.12.2020", FX_BALANCE_SHEET,
			{"Cash", "Receivables", "Total assets"},
			{{"1.000,5", "900,0"}, {"100,0", "100,0"}, {"1.100,5", "1.000,0"}},
			{{"1000.5", "900.0"}, {NULL, NULL}, {"1100.5", "1000.0"}},
			"1000000", "EUR", {NULL, NULL}, -1},
		{"in millions except per share data", COVER_DEC21, "CONSOLIDATED STATEMENTS OF OPERATIONS",
			"(In millions, except per share data)", "Year Ended December 31,",
			"2021", "2020", FX_INCOME_STATEMENT,
			{"Revenue", "Costs", "Net income"},
			{{"$ 1,000", "$ 900"}, {"(600)", "(500)"}, {"$ 400", "$ 400"}},
			{{"1000", "900"}, {"-600", "-500"}, {"400", "400"}},
			"1000000", "USD", {"2021-12-31", "2020-12-31"}, 12},
		/* period headings */
		{"German quarter ranges", "ACME AG\nHalbjahresbericht zum 30. Juni 2012\n",
			"Konzern-Gewinn- und Verlustrechnung / Consolidated income statement",
			"in TEUR", NULL,
			"1.4.-30.6.2012", "1.4.-30.6.2011", FX_INCOME_STATEMENT,
			{"Umsatzerloese", "Materialaufwand", "Rohertrag"},
			{{"1.000", "900"}, {"-600", "-500"}, {"400", "400"}},
			{{"1000", "900"}, {"-600", "-500"}, {"400", "400"}},
			"1000", "EUR", {"2012-06-30", "2011-06-30"}, 3},
		{"year ranges with en dash", COVER_DEC21, "Konzern-Gewinn- und Verlustrechnung", "in TEUR", NULL,
			"01.01.\xe2\x80\x93" "31.12.2021", "01.01.\xe2\x80\x93" "31.12.2020", FX_INCOME_STATEMENT,
			{"Umsatzerloese", "Materialaufwand", "Rohertrag"},
			{{"1.000", "900"}, {"-600", "-500"}, {"400", "400"}},
			{{"1000", "900"}, {NULL, NULL}, {NULL, NULL}},
			"1000", NULL, {"2021-12-31", "2020-12-31"}, 12},
		{"Sept. 30", "ACME INC\nAnnual report for the fiscal year ended September 30, 2023\n",
			"CONSOLIDATED BALANCE SHEETS", "(in thousands)", NULL,
			"Sept. 30, 2023", "Sept. 30, 2022", FX_BALANCE_SHEET,
			{"Cash", "Receivables", "Total assets"},
			{{"1,000", "900"}, {"100", "100"}, {"1,100", "1,000"}},
			{{"1000", "900"}, {NULL, NULL}, {NULL, NULL}},
			"1000", NULL, {"2023-09-30", "2022-09-30"}, 0},
		{"As of December 31, 2021 & 2020", "ACME TRADING CORPORATION\n",
			"COMPARATIVE STATEMENT OF FINANCIAL POSITION", "(Amounts in Philippine Peso)",
			"As of December 31, 2021 & 2020", "2021", "2020", FX_BALANCE_SHEET,
			{"Cash", "Receivables", "Total assets"},
			{{"1,000", "900"}, {"100", "100"}, {"1,100", "1,000"}},
			{{"1000", "900"}, {NULL, NULL}, {"1100", "1000"}},
			"1", "PHP", {"2021-12-31", "2020-12-31"}, 0},
		{"FY2023", "ACME INC\nAnnual report for the fiscal year ended June 30, 2023\n",
			"CONSOLIDATED STATEMENTS OF INCOME", "(in thousands)", NULL,
			"FY2023", "FY2022", FX_INCOME_STATEMENT,
			{"Revenue", "Costs", "Net income"},
			{{"1,000", "900"}, {"(600)", "(500)"}, {"400", "400"}},
			{{"1000", "900"}, {"-600", "-500"}, {NULL, NULL}},
			"1000", NULL, {"2023-06-30", "2022-06-30"}, 12},
		{"52 weeks ended", "ACME STORES\nAnnual report for the fiscal year ended January 28, 2023\n",
			"CONSOLIDATED STATEMENTS OF INCOME", "(in thousands)", "52 Weeks Ended",
			"January 28, 2023", "January 29, 2022", FX_INCOME_STATEMENT,
			{"Net sales", "Cost of sales", "Gross profit"},
			{{"1,000", "900"}, {"(600)", "(500)"}, {"400", "400"}},
			{{"1000", "900"}, {NULL, NULL}, {NULL, NULL}},
			"1000", NULL, {"2023-01-28", "2022-01-29"}, 12},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		t_table(&cases[i]);
}

/*
 * A statement page written as rows: "label|cell|cell|..." puts the label at
 * the margin and right-aligns each cell at the column ends {50, 64, 78, 92}
 * (or the case's own); a line starting with '=' is copied as it is (a
 * heading centred over a group of columns, a title).
 */
typedef struct pg_case
{
	const char *name;
	const char *cover;			/* first page, or NULL */
	const char *rows[16];		/* NULL ends */
	fx_stmt_type type;
	int			ncols;			/* value columns the statement must have */
	const char *lab[3];			/* rows checked */
	const char *want[3][4];		/* values read; NULL = not checked */
	const char *end[4];			/* "Y-M-D"; "" = none; NULL = not checked */
	const char *months;			/* "3 3 9 9"; NULL = not checked */
	const char *scale;			/* NULL = not checked; "" = unknown */
	const char *cur;			/* NULL = not checked */
	int			ends[4];		/* column ends; 0 = the default */
} pg_case;

/* lay out one pg_case row */
static void
pg_row(const pg_case *c, const char *row, char *out, size_t cap)
{
	static const int defends[4] = {50, 64, 78, 92};
	const int  *ends = c->ends[0] ? c->ends : defends;
	const char *p = row;
	int			field = 0;

	if (row[0] == '=')
	{
		strncat(out, row + 1, cap - strlen(out) - 1);
		strncat(out, "\n", cap - strlen(out) - 1);
		return;
	}
	while (p)
	{
		const char *bar = strchr(p, '|');
		size_t		n = bar ? (size_t) (bar - p) : strlen(p);
		char		cell[128];

		snprintf(cell, sizeof(cell), "%.*s", (int) n, p);
		if (field == 0)
			strncat(out, cell, cap - strlen(out) - 1);
		else if (field <= 4)
		{
			/* pad from the line's current width to the cell's end */
			const char *ls = strrchr(out, '\n');
			int			cur;
			int			w = fx_utf8_len((const unsigned char *) cell,
										(int) strlen(cell));
			size_t		len;

			ls = ls ? ls + 1 : out;
			cur = fx_utf8_len((const unsigned char *) ls, (int) strlen(ls));
			len = strlen(out);
			for (int i = cur; i < ends[field - 1] - w && len + 1 < cap; i++)
				out[len++] = ' ';
			out[len] = '\0';
			if (cur >= ends[field - 1] - w && len + 1 < cap)
			{
				out[len++] = ' ';
				out[len] = '\0';
			}
			strncat(out, cell, cap - strlen(out) - 1);
		}
		field++;
		p = bar ? bar + 1 : NULL;
	}
	strncat(out, "\n", cap - strlen(out) - 1);
}

/* parse one pg_case and check what it asks */
static void
t_page(const pg_case *c)
{
	char		page[8192] = "";
	const char *pages[2];
	int			np = 0;
	fx_result  *r;
	const fx_statement *st;
	char		what[240];

	for (int i = 0; i < 16 && c->rows[i]; i++)
		pg_row(c, c->rows[i], page, sizeof(page));
	if (c->cover)
		pages[np++] = c->cover;
	pages[np++] = page;
	r = parse_pages(pages, np);
	st = r ? stmt(r, c->type) : NULL;
	snprintf(what, sizeof(what), "page %s: statement with %d columns",
			 c->name, c->ncols);
	ok(st != NULL && st->nperiods == c->ncols, what, page);
	if (st == NULL || st->nperiods != c->ncols)
	{
		if (getenv("FX_TEST_VERBOSE") && st)
			printf("  (%d columns)\n", st->nperiods);
		fx_result_free(r);
		return;
	}
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < c->ncols && j < 4; j++)
			if (c->lab[i] && c->want[i][j])
			{
				snprintf(what, sizeof(what), "page %s: %s [%d]", c->name,
						 c->lab[i], j);
				ok_str(val(st, c->lab[i], j), c->want[i][j], what);
			}
	for (int j = 0; j < c->ncols && j < 4; j++)
		if (c->end[j])
		{
			snprintf(what, sizeof(what), "page %s: period_end of column %d",
					 c->name, j);
			ok_str(end_of(st, j), c->end[j], what);
		}
	if (c->months)
	{
		char		got[64] = "";

		for (int j = 0; j < st->nperiods; j++)
			snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%d",
					 j ? " " : "", st->periods[j].months);
		snprintf(what, sizeof(what), "page %s: period_months", c->name);
		ok_str(got, c->months, what);
	}
	if (c->scale)
	{
		snprintf(what, sizeof(what), "page %s: scale", c->name);
		ok_str(st->unit_scale, c->scale[0] ? c->scale : NULL, what);
	}
	if (c->cur)
	{
		snprintf(what, sizeof(what), "page %s: currency", c->name);
		ok_str(st->currency, c->cur, what);
	}
	if (getenv("FX_TEST_VERBOSE"))
	{
		printf("---- %s\n%s", c->name, page);
		for (int j = 0; j < st->nperiods; j++)
			printf("  period %d \"%s\" %d-%d-%d/%d\n", j,
				   st->periods[j].label ? st->periods[j].label : "",
				   st->periods[j].end_year, st->periods[j].end_month,
				   st->periods[j].end_day, st->periods[j].months);
		for (int w = 0; w < r->nwarnings; w++)
			printf("  warning: %s\n", r->warnings[w]);
	}
	fx_result_free(r);
}

#define COVER_10Q_SEP23 "ACME INC\nQuarterly report for the quarterly period ended September 30, 2023\n"
#define COVER_10K_DEC22 "ACME INC\nAnnual report for the fiscal year ended December 31, 2022\n"
#define COVER_H1_23 "ACME SE\nHalf-year report for the six months ended 30 June 2023\n"

/*
 * Heading shapes of real filings: stacked lines, spans over column groups,
 * weeks, day-first dates, ranges, notes and change columns, columns in
 * either order, half-year and quarter labels, each with the values, the
 * period end and the length every column must get.
 */
static void
test_heading_shapes(void)
{
	static const pg_case cases[] = {
		{"spans over column groups", COVER_10Q_SEP23,
			{"=          CONDENSED CONSOLIDATED STATEMENTS OF OPERATIONS",
				"=          (In thousands, except per share data)",
				"=                                            Three Months Ended    Nine Months Ended",
				"=                                               September 30,        September 30,",
				"|2023|2022|2023|2022",
				"Revenue|$ 1,000|$   900|$ 3,000|$ 2,700",
				"Cost of revenue|600|500|1,800|1,500",
				"Gross profit|400|400|1,200|1,200", NULL},
			FX_INCOME_STATEMENT, 4, {"Revenue", "Gross profit", NULL},
			{{"1000", "900", "3000", "2700"}, {"400", "400", "1200", "1200"}},
			{"2023-09-30", "2022-09-30", "2023-09-30", "2022-09-30"}, "3 3 9 9",
			"1000", "USD", {0}},
		{"13 and 39 weeks, years on the date lines", "ACME STORES\nQuarterly report for the quarterly period ended October 28, 2023\n",
			{"=          CONDENSED CONSOLIDATED STATEMENTS OF INCOME",
				"=                                            13 Weeks Ended                    39 Weeks Ended",
				"|October 28, 2023|October 29, 2022|October 28, 2023|October 29, 2022",
				"Net sales|$ 1,000|$   900|$ 3,000|$ 2,700",
				"Cost of sales|600|500|1,800|1,500",
				"Gross profit|400|400|1,200|1,200", NULL},
			FX_INCOME_STATEMENT, 4, {"Net sales", "Gross profit", NULL},
			{{"1000", "900", "3000", "2700"}, {"400", "400", "1200", "1200"}},
			{"2023-10-28", "2022-10-29", "2023-10-28", "2022-10-29"}, "3 3 9 9",
			NULL, NULL, {50, 68, 86, 104}},
		{"26 weeks, dates on one line", "ACME STORES\nQuarterly report for the quarterly period ended July 29, 2023\n",
			{"=          CONDENSED CONSOLIDATED STATEMENTS OF INCOME",
				"=                                                26 Weeks Ended",
				"=                                        July 29, 2023   July 30, 2022",
				"Net sales|$ 1,000|$   900",
				"Cost of sales|600|500",
				"Gross profit|400|400", NULL},
			FX_INCOME_STATEMENT, 2, {"Net sales", "Gross profit", NULL},
			{{"1000", "900"}, {"400", "400"}},
			{"2023-07-29", "2022-07-30"}, "6 6", NULL, NULL, {0}},
		{"53 and 52 weeks, three years", "ACME STORES\nAnnual report for the fiscal year ended February 3, 2024\n",
			{"=          CONSOLIDATED STATEMENTS OF INCOME",
				"|53 Weeks Ended|52 Weeks Ended|52 Weeks Ended",
				"|February 3, 2024|January 28, 2023|January 29, 2022",
				"Net sales|$ 1,000|$   900|$   800",
				"Cost of sales|600|500|400",
				"Gross profit|400|400|400", NULL},
			FX_INCOME_STATEMENT, 3, {"Net sales", "Gross profit", NULL},
			{{"1000", "900", "800"}, {"400", "400", "400"}},
			{"2024-02-03", "2023-01-28", "2022-01-29"}, "12 12 12", NULL, NULL,
			{50, 68, 86, 0}},
		{"stacked, two dates on the second line", "ACME STORES\nAnnual report for the fiscal year ended February 2, 2019\n",
			{"=          CONSOLIDATED STATEMENTS OF INCOME",
				"=                                              Fiscal Years Ended",
				"|February 2, 2019|February 3, 2018",
				"Net sales|$ 6,000|$ 5,000",
				"Cost of sales|4,000|3,500",
				"Gross profit|2,000|1,500", NULL},
			FX_INCOME_STATEMENT, 2, {"Net sales", "Gross profit", NULL},
			{{"6000", "5000"}, {"2000", "1500"}},
			{"2019-02-02", "2018-02-03"}, "12 12", NULL, NULL, {50, 68, 0, 0}},
		{"stacked balance sheet dates", "ACME STORES\nAnnual report for the fiscal year ended February 2, 2019\n",
			{"=          CONSOLIDATED BALANCE SHEETS",
				"=          (in thousands)",
				"|February 2,|February 3,",
				"|2019|2018",
				"Merchandise inventories|$ 1,200|$ 1,100",
				"Cash|300|250",
				"Total assets|1,500|1,350", NULL},
			FX_BALANCE_SHEET, 2, {"Merchandise inventories", "Total assets", NULL},
			{{"1200", "1100"}, {"1500", "1350"}},
			{"2019-02-02", "2018-02-03"}, "0 0", "1000", NULL, {0}},
		{"year ended, (52 weeks) below the date", "ACME STORES\nAnnual report for the fiscal year ended January 28, 2023\n",
			{"=          CONSOLIDATED STATEMENTS OF OPERATIONS",
				"|Year ended|Year ended",
				"|January 28, 2023|January 29, 2022",
				"|(52 weeks)|(52 weeks)",
				"Net sales|$ 1,000|$   900",
				"Cost of sales|600|500",
				"Gross profit|400|400", NULL},
			FX_INCOME_STATEMENT, 2, {"Net sales", "Gross profit", NULL},
			{{"1000", "900"}, {"400", "400"}},
			{"2023-01-28", "2022-01-29"}, "12 12", NULL, NULL, {50, 68, 0, 0}},
		{"Sept. 30 stacked", "ACME INC\nAnnual report for the fiscal year ended September 30, 2023\n",
			{"=          CONSOLIDATED BALANCE SHEETS",
				"|Sept. 30,|Sept. 30,",
				"|2023|2022",
				"Cash|$ 1,000|$   900",
				"Receivables|100|100",
				"Total assets|1,100|1,000", NULL},
			FX_BALANCE_SHEET, 2, {"Cash", "Total assets", NULL},
			{{"1000", "900"}, {"1100", "1000"}},
			{"2023-09-30", "2022-09-30"}, "0 0", NULL, NULL, {0}},
		{"day-first English, notes column, € thousand", COVER_H1_23,
			{"=          CONDENSED CONSOLIDATED STATEMENT OF FINANCIAL POSITION",
				"=          (in \xe2\x82\xac thousand)",
				"|Notes|30 June 2023|31 December 2022",
				"Property, plant and equipment|8|1,000|900",
				"Inventories|9|500|400",
				"Total assets||1,500|1,300", NULL},
			FX_BALANCE_SHEET, 2, {"Property, plant and equipment", "Total assets", "Inventories"},
			{{"1000", "900"}, {"1500", "1300"}, {"500", "400"}},
			{"2023-06-30", "2022-12-31"}, "0 0", "1000", "EUR", {40, 58, 78, 0}},
		{"10-Q balance sheet: quarter date and year-end date", COVER_10Q_SEP23,
			{"=          CONDENSED CONSOLIDATED BALANCE SHEETS",
				"=          (in thousands)",
				"|September 30,|December 31,",
				"|2023|2022",
				"|(Unaudited)|",
				"Cash|$ 1,000|$   900",
				"Receivables|100|100",
				"Total assets|1,100|1,000", NULL},
			FX_BALANCE_SHEET, 2, {"Cash", "Total assets", NULL},
			{{"1000", "900"}, {"1100", "1000"}},
			{"2023-09-30", "2022-12-31"}, "0 0", "1000", "USD", {0}},
		{"10-Q balance sheet, dates on one line", COVER_10Q_SEP23,
			{"=          CONDENSED CONSOLIDATED BALANCE SHEETS",
				"|September 30, 2023|December 31, 2022",
				"Cash|$ 1,000|$   900",
				"Receivables|100|100",
				"Total assets|1,100|1,000", NULL},
			FX_BALANCE_SHEET, 2, {"Cash", "Total assets", NULL},
			{{"1000", "900"}, {"1100", "1000"}},
			{"2023-09-30", "2022-12-31"}, "0 0", NULL, NULL, {50, 70, 0, 0}},
		{"older year on the left", COVER_10K_DEC22,
			{"=          CONSOLIDATED STATEMENTS OF OPERATIONS",
				"=                                         Years Ended December 31,",
				"|2021|2022",
				"Revenue|$   900|$ 1,000",
				"Costs|500|600",
				"Operating profit|400|400", NULL},
			FX_INCOME_STATEMENT, 2, {"Revenue", "Costs", NULL},
			{{"900", "1000"}, {"500", "600"}},
			{"2021-12-31", "2022-12-31"}, "12 12", NULL, NULL, {0}},
		{"older balance date on the left", COVER_10K_DEC22,
			{"=          CONSOLIDATED BALANCE SHEETS",
				"|December 31, 2021|December 31, 2022",
				"Cash|$   900|$ 1,000",
				"Receivables|100|100",
				"Total assets|1,000|1,100", NULL},
			FX_BALANCE_SHEET, 2, {"Cash", "Total assets", NULL},
			{{"900", "1000"}, {"1000", "1100"}},
			{"2021-12-31", "2022-12-31"}, "0 0", NULL, NULL, {50, 70, 0, 0}},
		{"% change column is no period", COVER_10K_DEC22,
			{"=          CONSOLIDATED STATEMENTS OF OPERATIONS",
				"=          (in millions)",
				"|2022|2021|% change",
				"Revenue|$ 1,000|$   900|11.1",
				"Costs|600|500|20.0",
				"Operating profit|400|400|-",
				NULL},
			FX_INCOME_STATEMENT, 2, {"Revenue", "Costs", NULL},
			{{"1000", "900"}, {"600", "500"}},
			{"2022-12-31", "2021-12-31"}, "12 12", "1000000", NULL, {0}},
		{"Change % column with signs", COVER_10K_DEC22,
			{"=          CONSOLIDATED STATEMENTS OF OPERATIONS",
				"|2022|2021|Change|%",
				"Revenue|1,000|900|100|11%",
				"Costs|(600)|(500)|(100)|20%",
				"Operating profit|400|400|-|0%",
				NULL},
			FX_INCOME_STATEMENT, 2, {"Revenue", "Costs", NULL},
			{{"1000", "900"}, {"-600", "-500"}},
			{"2022-12-31", "2021-12-31"}, NULL, NULL, NULL, {0}},
		{"absolute change column is no period", COVER_10K_DEC22,
			{"=          CONSOLIDATED STATEMENTS OF OPERATIONS",
				"|2022|2021|Change",
				"Revenue|1,000|900|100",
				"Costs|(600)|(500)|(100)",
				"Operating profit|400|400|-",
				NULL},
			FX_INCOME_STATEMENT, 2, {"Revenue", "Costs", NULL},
			{{"1000", "900"}, {"-600", "-500"}},
			{"2022-12-31", "2021-12-31"}, NULL, NULL, NULL, {0}},
		{"increase (decrease) column is no period", COVER_10K_DEC22,
			{"=          CONSOLIDATED STATEMENTS OF OPERATIONS",
				"|2022|2021|Increase/(Decrease)",
				"Revenue|1,000|900|100",
				"Costs|(600)|(500)|(100)",
				"Operating profit|400|400|-",
				NULL},
			FX_INCOME_STATEMENT, 2, {"Revenue", "Costs", NULL},
			{{"1000", "900"}, {"-600", "-500"}},
			{"2022-12-31", "2021-12-31"}, NULL, NULL, NULL, {50, 64, 86, 0}},
		{"note column with note numbers, years", COVER_10K_DEC22,
			{"=          CONSOLIDATED BALANCE SHEET",
				"|Note|2022|2021",
				"Cash and cash equivalents|12|1,000|900",
				"Receivables|13|100|100",
				"Total assets||1,100|1,000", NULL},
			FX_BALANCE_SHEET, 2, {"Cash and cash equivalents", "Receivables", "Total assets"},
			{{"1000", "900"}, {"100", "100"}, {"1100", "1000"}},
			{"2022-12-31", "2021-12-31"}, "0 0", NULL, NULL, {36, 50, 64, 0}},
		{"German quarter and half-year ranges", "ACME AG\nHalbjahresbericht zum 30. Juni 2012\n",
			{"=          Konzern-Gewinn- und Verlustrechnung",
				"=          in TEUR",
				"|1.4.-30.6.2012|1.4.-30.6.2011|1.1.-30.6.2012|1.1.-30.6.2011",
				"Umsatzerloese|1.000|900|2.000|1.800",
				"Materialaufwand|-600|-500|-1.200|-1.000",
				"Rohertrag|400|400|800|800", NULL},
			FX_INCOME_STATEMENT, 4, {"Umsatzerloese", "Materialaufwand", NULL},
			{{"1000", "900", "2000", "1800"}, {"-600", "-500", "-1200", "-1000"}},
			{"2012-06-30", "2011-06-30", "2012-06-30", "2011-06-30"}, "3 3 6 6",
			"1000", "EUR", {50, 66, 82, 98}},
		{"years listed on one line", COVER_10K_DEC22,
			{"=          CONSOLIDATED STATEMENTS OF CASH FLOWS",
				"=                                     Years Ended December 31, 2022, 2021 and 2020",
				"Net income|$ 300|$ 200|$ 100",
				"Depreciation|100|100|50",
				"Net cash provided by operating activities|400|300|150", NULL},
			FX_CASH_FLOW, 3, {"Net income", "Depreciation", NULL},
			{{"300", "200", "100"}, {"100", "100", "50"}},
			{"2022-12-31", "2021-12-31", "2020-12-31"}, "12 12 12", NULL, NULL, {0}},
		{"two dates and one caption, balance sheet", COVER_10K_DEC22,
			{"=          CONSOLIDATED BALANCE SHEETS",
				"=                                            December 31, 2022 and 2021",
				"Cash|$ 1,000|$   900",
				"Receivables|100|100",
				"Total assets|1,100|1,000", NULL},
			FX_BALANCE_SHEET, 2, {"Cash", "Total assets", NULL},
			{{"1000", "900"}, {"1100", "1000"}},
			{"2022-12-31", "2021-12-31"}, "0 0", NULL, NULL, {0}},
		{"interim balance sheet, three dates", COVER_H1_23,
			{"=          CONDENSED CONSOLIDATED STATEMENT OF FINANCIAL POSITION",
				"|30 June 2023|31 December 2022|30 June 2022",
				"Cash|1,000|900|800",
				"Receivables|100|100|100",
				"Total assets|1,100|1,000|900", NULL},
			FX_BALANCE_SHEET, 3, {"Cash", "Total assets", NULL},
			{{"1000", "900", "800"}, {"1100", "1000", "900"}},
			{"2023-06-30", "2022-12-31", "2022-06-30"}, "0 0 0", NULL, NULL,
			{50, 68, 86, 0}},
		{"As at over each column, slashed dates", COVER_H1_23,
			{"=          CONDENSED STATEMENT OF FINANCIAL POSITION",
				"|As at|As at",
				"|30/06/2023|31/12/2022",
				"Cash|1,000|900",
				"Receivables|100|100",
				"Total assets|1,100|1,000", NULL},
			FX_BALANCE_SHEET, 2, {"Cash", "Total assets", NULL},
			{{"1000", "900"}, {"1100", "1000"}},
			{"2023-06-30", "2022-12-31"}, "0 0", NULL, NULL, {0}},
		{"March fiscal year, years under an As at caption", "ACME LTD\nAnnual report for the year ended 31 March 2023\n",
			{"=          CONSOLIDATED BALANCE SHEET",
				"=                                          As at 31 March",
				"|2023|2022",
				"Cash|1,000|900",
				"Receivables|100|100",
				"Total assets|1,100|1,000", NULL},
			FX_BALANCE_SHEET, 2, {"Cash", "Total assets", NULL},
			{{"1000", "900"}, {"1100", "1000"}},
			{"2023-03-31", "2022-03-31"}, "0 0", NULL, NULL, {0}},
		{"French income statement", "ACME SA\nRapport annuel\nFor the year ended 31 December 2021\n",
			{"=          COMPTE DE R\xc3\x89SULTAT CONSOLID\xc3\x89",
				"=          (en milliers d'euros)",
				"|Notes|31/12/2021|31/12/2020",
				"Chiffre d'affaires|4|12 345,6|11 000,0",
				"Achats consomm\xc3\xa9s|5|(6 000,0)|(5 500,0)",
				"R\xc3\xa9sultat net||1 234,5|1 100,0", NULL},
			FX_INCOME_STATEMENT, 2, {"Chiffre d'affaires", "Achats consomm\xc3\xa9s", NULL},
			{{"12345.6", "11000.0"}, {"-6000.0", "-5500.0"}},
			{"2021-12-31", "2020-12-31"}, NULL, "1000", "EUR", {36, 54, 72, 0}},
		{"footnote marks on year headings", COVER_10K_DEC22,
			{"=          CONSOLIDATED STATEMENTS OF OPERATIONS",
				"=                                         Years Ended December 31,",
				"|2022(1)|2021(1)",
				"Revenue|$ 1,000|$   900",
				"Costs|600|500",
				"Operating profit|400|400", NULL},
			FX_INCOME_STATEMENT, 2, {"Revenue", "Costs", NULL},
			{{"1000", "900"}, {"600", "500"}},
			{"2022-12-31", "2021-12-31"}, "12 12", NULL, NULL, {0}},
		{"superscript and star on year headings", COVER_10K_DEC22,
			{"=          CONSOLIDATED BALANCE SHEETS",
				"=                                              December 31,",
				"|2022\xc2\xb9|2021*",
				"Cash|$ 1,000|$   900",
				"Receivables|100|100",
				"Total assets|1,100|1,000", NULL},
			FX_BALANCE_SHEET, 2, {"Cash", "Total assets", NULL},
			{{"1000", "900"}, {"1100", "1000"}},
			{"2022-12-31", "2021-12-31"}, "0 0", NULL, NULL, {0}},
		{"unit line under each year", COVER_DEC21,
			{"=          CONSOLIDATED STATEMENT OF FINANCIAL POSITION",
				"|Note|2021|2020",
				"||\xc2\xa3" "000|\xc2\xa3" "000",
				"Property, plant and equipment|10|1,000|900",
				"Inventories|11|500|400",
				"Total assets||1,500|1,300", NULL},
			FX_BALANCE_SHEET, 2, {"Property, plant and equipment", "Inventories", "Total assets"},
			{{"1000", "900"}, {"500", "400"}, {"1500", "1300"}},
			{"2021-12-31", "2020-12-31"}, "0 0", "1000", "GBP", {36, 54, 72, 0}},
		{"$000 under each year", COVER_10K_DEC22,
			{"=          CONSOLIDATED INCOME STATEMENT",
				"=                                          Year ended 31 December",
				"|2022|2021",
				"|$000|$000",
				"Revenue|1,000|900",
				"Cost of sales|(600)|(500)",
				"Gross profit|400|400", NULL},
			FX_INCOME_STATEMENT, 2, {"Revenue", "Cost of sales", "Gross profit"},
			{{"1000", "900"}, {"-600", "-500"}, {"400", "400"}},
			{"2022-12-31", "2021-12-31"}, "12 12", "1000", "USD", {0}},
		{"day-first caption over years", "ACME PLC\nAnnual report for the year ended 31 March 2023\n",
			{"=          CONSOLIDATED INCOME STATEMENT",
				"=                                       For the year ended 31 March",
				"|2023|2022",
				"Revenue|1,000|900",
				"Cost of sales|(600)|(500)",
				"Gross profit|400|400", NULL},
			FX_INCOME_STATEMENT, 2, {"Revenue", NULL, NULL},
			{{"1000", "900"}},
			{"2023-03-31", "2022-03-31"}, "12 12", NULL, NULL, {0}},
		{"52 weeks to, UK retailer", "ACME STORES PLC\nAnnual report for the 52 weeks ended 1 April 2023\n",
			{"=          CONSOLIDATED INCOME STATEMENT",
				"|52 weeks to|52 weeks to",
				"|1 April 2023|2 April 2022",
				"Revenue|1,000|900",
				"Cost of sales|(600)|(500)",
				"Gross profit|400|400", NULL},
			FX_INCOME_STATEMENT, 2, {"Revenue", NULL, NULL},
			{{"1000", "900"}},
			{"2023-04-01", "2022-04-02"}, "12 12", NULL, NULL, {0}},
		{"quarter ended, abbreviated months", COVER_10Q_SEP23,
			{"=          CONDENSED CONSOLIDATED STATEMENTS OF OPERATIONS",
				"|Quarter Ended|Quarter Ended",
				"|Sept. 30, 2023|Sept. 30, 2022",
				"Revenue|1,000|900",
				"Costs|600|500",
				"Operating profit|400|400", NULL},
			FX_INCOME_STATEMENT, 2, {"Revenue", NULL, NULL},
			{{"1000", "900"}},
			{"2023-09-30", "2022-09-30"}, "3 3", NULL, NULL, {0}},
		{"no date anywhere: no period end", NULL,
			{"=          CONSOLIDATED STATEMENTS OF OPERATIONS",
				"|Current year|Prior year",
				"Revenue|1,000|900",
				"Costs|600|500",
				"Operating profit|400|400", NULL},
			FX_INCOME_STATEMENT, 2, {"Revenue", NULL, NULL},
			{{"1000", "900"}},
			{"", ""}, NULL, NULL, NULL, {0}},
	};

	/* a fiscal year named by its end: the cover's year is no heading's */
	static const pg_case fy_named[] = {
		{"H1 FY2024 ending in September 2023", "ACME KK\nHalf-year report for the six months ended September 30, 2023\n",
			{"=          CONDENSED CONSOLIDATED STATEMENT OF INCOME",
				"|H1 FY2024|H1 FY2023",
				"Revenue|1,000|900",
				"Cost of sales|(600)|(500)",
				"Gross profit|400|400", NULL},
			FX_INCOME_STATEMENT, 2, {"Revenue", NULL, NULL},
			{{"1000", "900"}},
			{"", ""}, "6 6", NULL, NULL, {0}},
	};
	/* shapes the heading assignment (parse_table.c) does not read yet */
	static const pg_case table_gaps[] = {
		{"spans leaning left of their groups", COVER_10Q_SEP23,
			{"=          CONDENSED CONSOLIDATED STATEMENTS OF OPERATIONS",
				"=          (In thousands, except per share data)",
				"=                                   Three Months Ended            Nine Months Ended",
				"=                                      September 30,                September 30,",
				"|2023|2022|2023|2022",
				"Revenue|$ 1,000|$   900|$ 3,000|$ 2,700",
				"Cost of revenue|600|500|1,800|1,500",
				"Gross profit|400|400|1,200|1,200", NULL},
			FX_INCOME_STATEMENT, 4, {"Revenue", "Gross profit", NULL},
			{{"1000", "900", "3000", "2700"}, {"400", "400", "1200", "1200"}},
			{"2023-09-30", "2022-09-30", "2023-09-30", "2022-09-30"}, "3 3 9 9",
			"1000", "USD", {0}},
		{"13 and 39 weeks over full dates", "ACME STORES\nQuarterly report for the quarterly period ended October 28, 2023\n",
			{"=          CONDENSED CONSOLIDATED STATEMENTS OF INCOME",
				"=          (in millions)",
				"=                                   13 Weeks Ended                39 Weeks Ended",
				"|October 28,|October 29,|October 28,|October 29,",
				"|2023|2022|2023|2022",
				"Net sales|$ 1,000|$   900|$ 3,000|$ 2,700",
				"Cost of sales|600|500|1,800|1,500",
				"Gross profit|400|400|1,200|1,200", NULL},
			FX_INCOME_STATEMENT, 4, {"Net sales", "Gross profit", NULL},
			{{"1000", "900", "3000", "2700"}, {"400", "400", "1200", "1200"}},
			{"2023-10-28", "2022-10-29", "2023-10-28", "2022-10-29"}, "3 3 9 9",
			"1000000", NULL, {0}},
		{"restated marks on year headings", COVER_10K_DEC22,
			{"=          CONSOLIDATED INCOME STATEMENT",
				"=          (in thousands)",
				"=                                        Year ended 31 December",
				"|2022|2021 restated*",
				"Revenue|1,000|900",
				"Cost of sales|(600)|(500)",
				"Gross profit|400|400", NULL},
			FX_INCOME_STATEMENT, 2, {"Revenue", "Cost of sales", NULL},
			{{"1000", "900"}, {"-600", "-500"}},
			{"2022-12-31", "2021-12-31"}, "12 12", "1000", NULL, {50, 68, 0, 0}},
	};
	/* half-year and quarter labels: proven only by the cover's interim period */
	static const pg_case interim_gaps[] = {
		{"H1 2023", COVER_H1_23,
			{"=          CONDENSED CONSOLIDATED INCOME STATEMENT",
				"=          in EUR million",
				"|H1 2023|H1 2022",
				"Revenue|1,000|900",
				"Cost of sales|(600)|(500)",
				"Gross profit|400|400", NULL},
			FX_INCOME_STATEMENT, 2, {"Revenue", "Cost of sales", NULL},
			{{"1000", "900"}, {"-600", "-500"}},
			{"2023-06-30", "2022-06-30"}, "6 6", "1000000", "EUR", {0}},
		{"6M 2023", COVER_H1_23,
			{"=          CONDENSED CONSOLIDATED INCOME STATEMENT",
				"|6M 2023|6M 2022",
				"Revenue|1,000|900",
				"Cost of sales|(600)|(500)",
				"Gross profit|400|400", NULL},
			FX_INCOME_STATEMENT, 2, {"Revenue", NULL, NULL},
			{{"1000", "900"}},
			{"2023-06-30", "2022-06-30"}, "6 6", NULL, NULL, {0}},
		{"Q2 and H1 side by side", COVER_H1_23,
			{"=          CONDENSED CONSOLIDATED INCOME STATEMENT",
				"|Q2 2023|Q2 2022|H1 2023|H1 2022",
				"Revenue|1,000|900|2,000|1,800",
				"Cost of sales|(600)|(500)|(1,200)|(1,000)",
				"Gross profit|400|400|800|800", NULL},
			FX_INCOME_STATEMENT, 4, {"Revenue", "Cost of sales", NULL},
			{{"1000", "900", "2000", "1800"}, {"-600", "-500", "-1200", "-1000"}},
			{"2023-06-30", "2022-06-30", "2023-06-30", "2022-06-30"}, "3 3 6 6",
			NULL, NULL, {0}},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		t_page(&cases[i]);
	t_page(&fy_named[0]);
	for (size_t i = 0; i < sizeof(table_gaps) / sizeof(table_gaps[0]); i++)
		t_page(&table_gaps[i]);
	for (size_t i = 0; i < sizeof(interim_gaps) / sizeof(interim_gaps[0]); i++)
		t_page(&interim_gaps[i]);
	todo_why = NULL;
}


/* the scanned comparative statement of issue 13, as tesseract prints it */
static void
test_ocr_comparative(void)
{
	static const char *const pages[] = {
		"ACME TRADING CORPORATION\n"
		"COMPARATIVE STATEMENT OF FINANCIAL POSITION\n"
		"As of December 31, 2021 & 2020\n"
		"(Amounts in Philippine Peso)\n"
		"Notes            2021              2020\n"
		"Cash and cash equivalents        4     P/ 2,557,457     P/ 1,000,000\n"
		"Trade receivables                5        1,234,567          900,000\n"
		"Inventories                               -                 50,000\n"
		"TOTAL ASSETS                           P/ 3,792,024     P/ 1,950,000\n"
		"See Notes to Financial Statements\n",
	};
	size_t		lens[1] = {strlen(pages[0])};
	fx_parse_opts opts;
	fx_result  *r;
	const fx_statement *bs;

	memset(&opts, 0, sizeof(opts));
	opts.ocr = true;
	r = fx_parse_document(pages, lens, 1, &opts);
	bs = r ? stmt(r, FX_BALANCE_SHEET) : NULL;
	ok(bs != NULL && bs->nperiods == 2, "ocr comparative: two columns", NULL);
	if (bs == NULL || bs->nperiods != 2)
	{
		fx_result_free(r);
		return;
	}
	ok_str(end_of(bs, 0), "2021-12-31", "ocr comparative: 2021 column");
	ok_str(end_of(bs, 1), "2020-12-31", "ocr comparative: 2020 column");
	ok_str(val(bs, "Cash and cash equivalents", 0), "2557457",
		   "ocr comparative: P/ dropped, note not a value");
	ok_str(val(bs, "Trade receivables", 1), "900000",
		   "ocr comparative: second column");
	ok_str(val(bs, "Inventories", 0), "0", "ocr comparative: dash is zero");
	ok_str(val(bs, "TOTAL ASSETS", 1), "1950000", "ocr comparative: total");
	ok_str(bs->currency, "PHP", "ocr comparative: currency");
	fx_result_free(r);
}

/*
 * Number formats and scale headers inside whole tables, laid out as
 * pdftotext -layout prints them (blank-grouped amounts beside blank-
 * separated columns, footnote marks, dashes).
 */
static void
test_number_shapes(void)
{
	static const pg_case cases[] = {
		{"plain blank groups, US$ glued", COVER_DEC21,
			{"=          CONSOLIDATED BALANCE SHEET",
				"=          (in US$)",
				"|31.12.2021|31.12.2020",
				"Cash|US$2 492 336|US$1 234 567",
				"Receivables|412 005|398 100",
				"Total assets|US$2 904 341|US$1 632 667", NULL},
			FX_BALANCE_SHEET, 2, {"Cash", "Receivables", "Total assets"},
			{{"2492336", "1234567"}, {"412005", "398100"}, {"2904341", "1632667"}},
			{"2021-12-31", "2020-12-31"}, "0 0", NULL, "USD", {0}},
		{"blank groups, all negatives", COVER_DEC21,
			{"=          INCOME STATEMENT",
				"=          in \xe2\x82\xac thousand",
				"|2021|2020",
				"Revenue|12 345 678|11 000 000",
				"Cost of sales|(1 234)|-1 234",
				"Other expenses|\xe2\x88\x92" "2 345|2 345-", NULL},
			FX_INCOME_STATEMENT, 2, {"Revenue", "Cost of sales", "Other expenses"},
			{{"12345678", "11000000"}, {"-1234", "-1234"}, {"-2345", "-2345"}},
			{"2021-12-31", "2020-12-31"}, "12 12", "1000", "EUR", {0}},
		{"dashes for zero", COVER_DEC21,
			{"=          CONSOLIDATED BALANCE SHEET",
				"=          (in thousands)",
				"|2021|2020",
				"Cash|1,000|\xe2\x80\x94",
				"Receivables|\xe2\x80\x93|-",
				"Total assets|$ 1,000|$ \xe2\x80\x94", NULL},
			FX_BALANCE_SHEET, 2, {"Cash", "Receivables", "Total assets"},
			{{"1000", "0"}, {"0", "0"}, {"1000", "0"}},
			{"2021-12-31", "2020-12-31"}, NULL, "1000", NULL, {0}},
		{"footnote marks glued and apart", COVER_DEC21,
			{"=          CONSOLIDATED STATEMENT OF INCOME",
				"=          (in millions)",
				"|2021|2020",
				"Revenue|1,234(a)|1,000(b)",
				"Costs|834 (1)|800 (2)",
				"Net income|400\xc2\xb9|(200)\xc2\xb2", NULL},
			FX_INCOME_STATEMENT, 2, {"Revenue", "Costs", "Net income"},
			{{"1234", "1000"}, {"834", "800"}, {"400", "-200"}},
			{"2021-12-31", "2020-12-31"}, NULL, "1000000", NULL, {0}},
		{"apostrophes, CHF before, CHF'000", COVER_DEC21,
			{"=          CONSOLIDATED BALANCE SHEET",
				"=          CHF'000",
				"|31.12.2021|31.12.2020",
				"Cash|CHF 4'134'018|CHF 3'900'000",
				"Receivables|4\xe2\x80\x99" "134|(1\xe2\x80\x99" "234)",
				"Total assets|4'138'152|3'898'766", NULL},
			FX_BALANCE_SHEET, 2, {"Cash", "Receivables", "Total assets"},
			{{"4134018", "3900000"}, {"4134", "-1234"}, {"4138152", "3898766"}},
			{"2021-12-31", "2020-12-31"}, NULL, "1000", "CHF", {0}},
		{"Philippine pesos, P/ apart, notes column", "ACME TRADING CORPORATION\n",
			{"=          COMPARATIVE STATEMENT OF FINANCIAL POSITION",
				"=          As of December 31, 2021 & 2020",
				"=          (Amounts in Philippine Peso)",
				"|Notes|2021|2020",
				"Cash|4|P/ 2,557,457|P/ 1,000,000",
				"Receivables|5|\xe2\x82\xb1" "100,000|-",
				"Total assets||P/ 2,657,457|P/ 1,000,000", NULL},
			FX_BALANCE_SHEET, 2, {"Cash", "Receivables", "Total assets"},
			{{"2557457", "1000000"}, {"100000", "0"}, {"2657457", "1000000"}},
			{"2021-12-31", "2020-12-31"}, NULL, "1", "PHP", {36, 54, 72, 0}},
		{"euro sign apart before", COVER_DEC21,
			{"=          CONSOLIDATED BALANCE SHEET",
				"=          in thousands of \xe2\x82\xac",
				"|31.12.2021|31.12.2020",
				"Cash|\xe2\x82\xac 1.234|\xe2\x82\xac 1.000",
				"Receivables|100|200",
				"Total assets|\xe2\x82\xac 1.334|\xe2\x82\xac 1.200", NULL},
			FX_BALANCE_SHEET, 2, {"Cash", "Receivables", "Total assets"},
			{{"1234", "1000"}, {"100", "200"}, {"1334", "1200"}},
			{"2021-12-31", "2020-12-31"}, NULL, "1000", "EUR", {0}},
		{"decimal comma with blank groups", COVER_DEC21,
			{"=          BILAN CONSOLIDE / CONSOLIDATED BALANCE SHEET",
				"=          (en milliers d'euros)",
				"|31.12.2021|31.12.2020",
				"Cash|1 234 567,89|1 100 000,00",
				"Receivables|(5 000,10)|2 500,00",
				"Total assets|1 229 567,79|1 102 500,00", NULL},
			FX_BALANCE_SHEET, 2, {"Cash", "Receivables", "Total assets"},
			{{"1234567.89", "1100000.00"}, {"-5000.10", "2500.00"}, {"1229567.79", "1102500.00"}},
			{"2021-12-31", "2020-12-31"}, NULL, "1000", "EUR", {0}},
		{"minus apart from its amount", COVER_DEC21,
			{"=          CONSOLIDATED INCOME STATEMENT",
				"=          (in thousands)",
				"|2021|2020",
				"Revenue|1,234|1,000",
				"Cost of sales|- 834|- 800",
				"Gross profit|400|200", NULL},
			FX_INCOME_STATEMENT, 2, {"Revenue", "Cost of sales", "Gross profit"},
			{{"1234", "1000"}, {"-834", "-800"}, {"400", "200"}},
			{"2021-12-31", "2020-12-31"}, NULL, "1000", NULL, {0}},
		{"German trailing minus, HGB", COVER_DEC21,
			{"=          Konzern-Gewinn- und Verlustrechnung",
				"=          in EUR",
				"|2021|2020",
				"Umsatzerloese|1.234.567,89|1.000.000,00",
				"Materialaufwand|834.000,00-|800.000,00-",
				"Rohertrag|400.567,89|200.000,00", NULL},
			FX_INCOME_STATEMENT, 2, {"Umsatzerloese", "Materialaufwand", "Rohertrag"},
			{{"1234567.89", "1000000.00"}, {"-834000.00", "-800000.00"}, {"400567.89", "200000.00"}},
			{"2021-12-31", "2020-12-31"}, NULL, "1", "EUR", {0}},
		{"Indian lakh grouping", "ACME LIMITED\nAnnual report for the year ended 31 March 2023\n",
			{"=          BALANCE SHEET",
				"=          (Rs. in lakhs)",
				"|As at 31.03.2023|As at 31.03.2022",
				"Cash|12,34,567|11,00,000",
				"Receivables|1,00,000|90,000",
				"Total assets|13,34,567|11,90,000", NULL},
			FX_BALANCE_SHEET, 2, {"Cash", "Receivables", "Total assets"},
			{{"1234567", "1100000"}, {"100000", "90000"}, {"1334567", "1190000"}},
			{"2023-03-31", "2022-03-31"}, NULL, "100000", "INR", {50, 68, 0, 0}},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		t_page(&cases[i]);
	t_unit("in \xe2\x82\xac thousand", "1000");
	t_unit("in thousands of \xe2\x82\xac", "1000");
	t_unit("(en milliers d'euros)", "1000");
	t_unit("\xe2\x82\xac'000", "1000");
	t_unit("(Amounts in thousands of U.S. dollars)", "1000");
	t_unit("in USD m", "1000000");
	t_unit("(in thousands)", "1000");
	t_cur("in \xe2\x82\xac thousand", "EUR");
	t_cur("(in US$)", "USD");
	t_cur("(en milliers d'euros)", "EUR");
}

/* tiny deterministic random generator */
static unsigned int
rnd(unsigned int *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 16) & 0x7fff;
}

/* arbitrary bytes, huge lines, pieces of statements: never crash */
static void
test_robustness(void)
{
	unsigned int seed = 42;
	static char buf[70000];
	static const char *const pieces[] = {
		"Balance Sheet", "Statement of Cash Flows", "  ", "\n", "(1,234)",
		"2023", "December 31,", "Total", "$", "\xe2\x80\x94", "\xff\xfe",
		"1.1.-30.06.2021", "Notes", "%", "Three Months Ended", "\xe2\x88\x92",
		"....", "Net income", "         ", "(In millions)", "\f", "\0"
	};
	int			runs = 0;

	for (int iter = 0; iter < 400; iter++)
	{
		size_t		n = 0,
					want = (size_t) (rnd(&seed) % 4000) + 1;
		const char *pages[3];
		size_t		lens[3];
		fx_result  *r;

		while (n < want)
		{
			if (iter % 2)
				buf[n++] = (char) rnd(&seed);
			else
			{
				const char *p = pieces[rnd(&seed) % (sizeof(pieces) / sizeof(pieces[0]))];
				size_t		l = strlen(p);

				if (n + l >= sizeof(buf))
					break;
				memcpy(buf + n, p, l);
				n += l;
			}
		}
		pages[0] = buf;
		lens[0] = n / 2;
		pages[1] = buf + n / 2;
		lens[1] = n - n / 2;
		pages[2] = NULL;
		lens[2] = 0;
		r = fx_parse_document(pages, lens, 3, NULL);
		if (r)
			runs++;
		fx_result_free(r);
	}
	ok(runs == 400, "random inputs parse without crashing", NULL);
	/* one huge line, no newline */
	memset(buf, '9', sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i += 7)
		buf[i] = ' ';
	{
		const char *pages[1] = {buf};
		size_t		lens[1] = {sizeof(buf)};
		fx_result  *r = fx_parse_document(pages, lens, 1, NULL);

		ok(r != NULL && r->nstatements == 0, "huge line", NULL);
		fx_result_free(r);
	}
	{
		fx_result  *r = fx_parse_document(NULL, NULL, 0, NULL);

		ok(r != NULL && r->nstatements == 0 && r->error != NULL,
		   "zero pages", NULL);
		fx_result_free(r);
	}
}

/* word boxes (TSV) laid out in rows and columns */
static void
test_word_boxes(void)
{
	/*
	 * poppler's header (par_num and block_num swapped); the label and its
	 * amounts come in different blocks, one amount set 3 units lower, a dash
	 * set at mid-height, and a rule read as a word spanning the page
	 */
	static const char tsv[] =
		"level\tpage_num\tpar_num\tblock_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
		"1\t1\t0\t0\t0\t0\t0\t0\t600\t800\t-1\t###PAGE###\n"
		"5\t1\t0\t0\t0\t0\t50\t100\t25\t10\t100\tTotal\n"
		"5\t1\t0\t0\t0\t1\t80\t100\t30\t10\t100\tassets\n"
		"5\t1\t0\t0\t1\t0\t50\t115\t25\t10\t100\tOther\n"
		"5\t1\t0\t0\t1\t1\t2\t113\t590\t12\t30\tan\n"
		"5\t1\t0\t1\t0\t0\t300\t103\t30\t10\t100\t12,345\n"
		"5\t1\t0\t1\t0\t1\t400\t100\t25\t10\t100\t(678)\n"
		"5\t1\t0\t1\t1\t0\t320\t119\t5\t2\t100\t-\n";
	size_t		n;
	char	   *t;

	ok(fx_is_word_tsv(tsv, sizeof(tsv) - 1), "word tsv: header seen", NULL);
	ok(!fx_is_word_tsv("Total assets   1,234\n", 21), "word tsv: text is not", NULL);
	t = fx_words_layout_page(tsv, sizeof(tsv) - 1, 0, &n);
	ok(t != NULL, "word tsv: laid out", NULL);
	if (t == NULL)
		return;
	{
		const char *l2 = strchr(t, '\n');
		const char *a = strstr(t, "12,345"),
				   *b = strstr(t, "(678)"),
				   *d = l2 ? strchr(l2, '-') : NULL;

		ok(a != NULL && b != NULL && l2 != NULL && a < l2 && b < l2,
		   "word tsv: amounts of other blocks on the label's row", t);
		ok(strncmp(t + strspn(t, " "), "Total assets ", 13) == 0,
		   "word tsv: words of a label one blank apart", t);
		ok(a != NULL && b != NULL && b - (a + 6) >= 2,
		   "word tsv: a column gap stays two blanks or more", t);
		ok(d != NULL && strstr(t, "Other") < d && strchr(d, '\n') == d + 1,
		   "word tsv: a dash at mid-height joins its row", t);
		ok(strstr(t, "an") == NULL, "word tsv: a page-wide smudge dropped", t);
		ok(a != NULL && d != NULL && (d - l2 - 1) > (a - t) &&
		   (d - l2 - 1) <= (a - t) + 6,
		   "word tsv: dash right-aligned under the amount's column", t);
	}
	free(t);
}

int
main(void)
{
	test_numbers();
	test_periods();
	test_period_items();
	test_column_periods();
	test_recast_errors();
	test_units();
	test_labels();
	test_document();
	test_balance_checks();
	test_balance_halves();
	test_balance_mezzanine();
	test_dec_format();
	test_ocr();
	test_ocr_headings();
	test_ocr_date_lines();
	test_ocr_percent_headings();
	test_ocr_intl_numbers();
	test_ocr_spelling_prefix();
	test_ocr_equity_components();
	test_ocr_implicit_notes();
	test_row_names_statement();
	test_ocr_repair();
	test_notes_below();
	test_known_periods();
	test_balance_sheet_year_end();
	test_ocr_interim();
	test_contents_entries();
	test_title_other_information();
	test_unreadable_text();
	test_ocr_change_columns();
	test_not_meaningful();
	test_check_shapes();
	test_title_at_page_foot();
	test_unit_beside_qualifiers();
	test_wrapped_footnote_mark();
	test_wrapped_letter_mark();
	test_ocr_glued_currency_code();
	test_ocr_label_trailing_dash();
	test_length_heading_left_of_values();
	test_ocr_leader_we();
	test_ocr_ampersand_percent();
	test_ocr_split_groups();
	test_ocr_lost_paren();
	test_wrap_across_blank();
	test_ocr_note_head();
	test_currency_caption_over_columns();
	test_one_misread_amount_no_decimal_comma();
	test_ocr_first_ordinal_misread();
	test_ocr_qualifier_with_mark_stacked();
	test_weeks_line_apart();
	test_ocr_dates_before_qualifier();
	test_ocr_change_after_numeric_dates();
	test_ocr_label_footnote();
	test_ocr_weeks_line();
	test_ocr_date_over_qualifier();
	test_ocr_repair_small_amounts();
	test_wrap_near_width();
	test_dollar_change_heading();
	test_weeks_under_years();
	test_restated_heading();
	test_length_span_over_first();
	test_tight_spans_lean();
	test_wrap_width_leaders();
	test_wrapped_open_labels();
	test_ocr_percent_marks();
	test_ocr_leader_digits();
	test_ocr_dates_then_change();
	test_convenience_translation();
	test_ocr_change_and_percent();
	test_indian_schedule();
	test_loose_percent();
	test_year_to_date_length();
	test_heading_left_of_right_aligned();
	test_heading_beside_right_aligned();
	test_years_left_of_amounts();
	test_ocr_trailing_minus_letters();
	test_ocr_leader_debris_glued();
	test_ocr_unit_before_years();
	test_ocr_second_statement_span();
	test_ocr_fiscal_headings();
	test_ocr_glued_sign_dot_groups();
	test_ocr_comma_blank();
	test_double_spaced();
	test_ocr_span_dates();
	test_ocr_random_shapes();
	test_caption_glued_to_year();
	test_small_value_in_wide_column();
	test_hanging_wraps();
	test_notes_beside_units();
	test_caps_wraps();
	test_scale_caption_on_year_line();
	test_headings_on_two_lines();
	test_ocr_words();
	test_tables();
	test_heading_shapes();
	test_number_shapes();
	test_ocr_comparative();
	test_european();
	test_blank_groups();
	test_dot_groups();
	test_caps_labels();
	test_robustness();
	test_word_boxes();
	if (ntodo > 0)
		printf("%d known gaps (TODO)\n", ntodo);
	printf("%d passed, %d failed\n", npassed, nfailed);
	return nfailed > 0 ? 1 : 0;
}

/*-------------------------------------------------------------------------
 *
 * parse_proof.c
 *	  Every period proven by two signals: a column's end date comes from its
 *	  own heading cells and must agree with what the document and the
 *	  statement say, or it is dropped (NULL) with a warning naming the
 *	  column.  Also owns the parser's warnings list.
 *
 * Signals:
 *	  - the document's fiscal year end, from its cover ("For the fiscal year
 *		ended May 31, 2019", "for the year ended 31 December 2021");
 *	  - the statement kind: a balance sheet holds instants, the others
 *		durations of 3, 6, 9 or 12 months;
 *	  - the columns of one statement: one column per period, and the
 *		columns of one length ordered one way (newest first or last).
 * A 12-month column must end within a week of the fiscal year end's
 * month and day (52/53-week years end on varying days near it); a quarter
 * or an instant within ten days of a quarter end of that fiscal year.  A
 * column that prints only its year ("2021") takes its month and day from
 * a sibling column or the fiscal year end when those agree.
 *
 *-------------------------------------------------------------------------
 */
#include "parse_int.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* pages of the document searched for its cover */
#define COVER_PAGES		4
/* a 12-month column ends within this many days of the fiscal year end */
#define YEAR_END_SLACK	7
/* a quarter or an instant within this many days of a quarter end */
#define QUARTER_SLACK	10

/* append a formatted warning to the result; silently lost when no memory */
void
fx_warn(fx_result *res, const char *fmt,...)
{
	char		buf[512];
	va_list		ap;
	char	  **nw;
	char	   *w;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	w = fx_strndup(buf, strlen(buf));
	nw = realloc(res->warnings, sizeof(char *) * (size_t) (res->nwarnings + 1));
	if (w == NULL || nw == NULL)
	{
		free(w);
		if (nw)
			res->warnings = nw;
		return;
	}
	res->warnings = nw;
	res->warnings[res->nwarnings++] = w;
}

/* number of days in a month */
static int
days_in(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return m >= 1 && m <= 12 ? d[m - 1] : 31;
}

/* day of the year of a month and day (non-leap reckoning), 0..364 */
static int
day_of_year(int m, int d)
{
	int			n = 0;

	for (int k = 1; k < m; k++)
		n += days_in(2001, k);
	if (d > days_in(2001, m))
		d = days_in(2001, m);
	return n + d - 1;
}

/* distance in days between two month-days, around the year */
static int
md_distance(int m1, int d1, int m2, int d2)
{
	int			a = abs(day_of_year(m1, d1) - day_of_year(m2, d2));

	return a < 365 - a ? a : 365 - a;
}

/* does the lowercase letter run contain a cover phrase? */
static bool
is_cover_phrase(const char *letters)
{
	return strstr(letters, "fiscalyearended") != NULL ||
		strstr(letters, "fortheyearended") != NULL ||
		strstr(letters, "financialyearended") != NULL;
}

/* the text after "ended" (any case), or NULL */
static const char *
after_ended(const char *s, int len, int *rest)
{
	for (int i = 0; i + 5 <= len; i++)
		if (strncasecmp(s + i, "ended", 5) == 0)
		{
			*rest = len - i - 5;
			return s + i + 5;
		}
	return NULL;
}

/* the weeks of a 52- or 53-week year the text speaks of, or 0 */
static int
weeks_said(const char *s, int len)
{
	for (int i = 0; i + 7 <= len; i++)
		if (s[i] == '5' && (s[i + 1] == '2' || s[i + 1] == '3') &&
			(s[i + 2] == '-' || s[i + 2] == ' ') &&
			strncasecmp(s + i + 3, "week", 4) == 0 &&
			(i == 0 || !isdigit((unsigned char) s[i - 1])))
			return s[i + 1] == '2' ? 52 : 53;
	return 0;
}

/* does the text speak of a 52- or 53-week year? */
static bool
says_weeks(const char *s, int len)
{
	return weeks_said(s, len) > 0;
}

/*
 * The cover's year-to-date period, "for the six months ended 30 June 2023"
 * or "nine months ended September 30, 2023", into fye (the first one).  A
 * half-year or nine-month period always runs from the fiscal year's start,
 * which proves the end of a column headed "H1 2023", "6M 2023" or "Q2 2023".
 */
static void
find_ytd(const fx_line *ln, fx_fye *fye)
{
	const char *r;
	int			rest,
				months;
	fx_period	p;

	if (fye->ytd_year || (r = after_ended(ln->s, ln->len, &rest)) == NULL)
		return;
	months = fx_period_months_hint(ln->s, (int) (r - ln->s));
	if (months != 6 && months != 9)
		return;
	memset(&p, 0, sizeof(p));
	if (!fx_period_parse(r, rest, &p) || p.end_month == 0 || p.end_day == 0)
		return;
	fye->ytd_year = p.end_year;
	fye->ytd_month = p.end_month;
	fye->ytd_day = p.end_day;
	fye->ytd_months = months;
}

/*
 * The fiscal year end the cover names: "fiscal year ended <date>" or "for
 * the year ended <date>" with a full date on the same line, on the first
 * pages.  Letters are compared without blanks ("Fis cal Year Ended").  Two
 * such phrases naming different month-days (a compilation of several
 * companies) leave it unknown.
 */
void
fx_find_fiscal_year_end(const fx_doc *doc, fx_fye *fye)
{
	int			last = doc->npages < COVER_PAGES ? doc->npages : COVER_PAGES;
	bool		weeks = false;

	memset(fye, 0, sizeof(*fye));
	for (int i = 0; i < doc->page_start[last] && i < doc->nlines; i++)
	{
		const fx_line *ln = &doc->lines[i];
		char		letters[256];
		const char *r;
		int			rest;
		fx_period	p;

		if (ln->len < 16)
			continue;
		if (says_weeks(ln->s, ln->len))
			weeks = true;
		find_ytd(ln, fye);
		fx_letters_lower(ln->s, ln->len, letters, sizeof(letters));
		if (!is_cover_phrase(letters) ||
			(r = after_ended(ln->s, ln->len, &rest)) == NULL)
			continue;
		memset(&p, 0, sizeof(p));
		if (!fx_period_parse(r, rest, &p) || p.end_month == 0 ||
			p.end_day == 0)
			continue;
		if (fye->year && (fye->month != p.end_month || fye->day != p.end_day))
		{
			fye->year = fye->month = fye->day = 0;
			fye->weeks = false;
			return;
		}
		if (fye->year)
			continue;
		fye->year = p.end_year;
		fye->month = p.end_month;
		fye->day = p.end_day;
		fye->weeks = p.end_day < days_in(p.end_year, p.end_month) &&
			!(p.end_month == 2 && p.end_day >= 28);
	}
	if (weeks)
		fye->weeks = true;
}

/* the statement's name, page and a column's heading, for warnings */
static void
warn_column(fx_result *res, const fx_statement *st, int j, const char *why)
{
	const fx_period *p = &st->periods[j];

	fx_warn(res, "%s on page %d, column %d (\"%.80s\"): %s; period_end left empty",
			fx_stmt_type_name(st->type), st->first_page, j + 1,
			p->label ? p->label : "", why);
}

/* forget a column's end date */
static void
drop_end(fx_period *p)
{
	p->end_year = p->end_month = p->end_day = 0;
}

/* is the column's end date complete? */
static bool
has_end(const fx_period *p)
{
	return p->end_year > 0 && p->end_month > 0 && p->end_day > 0;
}

/* length a column is taken to have: instants and unknown lengths are 0 */
static int
length_of(const fx_statement *st, const fx_period *p)
{
	return st->type == FX_BALANCE_SHEET ? 0 : p->months;
}

/* does a heading of the statement count weeks? */
static bool
statement_weeks(const fx_statement *st)
{
	for (int k = 0; k < st->nperiods; k++)
		if (st->periods[k].label &&
			says_weeks(st->periods[k].label, (int) strlen(st->periods[k].label)))
			return true;
	return false;
}

/* the length a year-only column runs to: its quarter's end or its months */
static int
ytd_length(const fx_period *p)
{
	return p->quarter > 0 ? p->quarter * 3 : p->months;
}

/*
 * The newest year the statement's columns print without a month and day,
 * read from their headings (a column proven or dropped before keeps its
 * heading): with length > 0 only columns that run that long ("H1 2023",
 * "Q2 2023" as the end of a half year), with length 0 those that print no
 * quarter ("2023", "Fiscal 2023"); 0 when none does.
 */
static int
newest_year(const fx_statement *st, int length)
{
	int			newest = 0;

	for (int k = 0; k < st->nperiods; k++)
	{
		const fx_period *q = &st->periods[k];
		fx_period	h;

		memset(&h, 0, sizeof(h));
		if (q->label == NULL ||
			!fx_period_parse(q->label, (int) strlen(q->label), &h) ||
			h.end_month != 0 ||
			(length > 0 ? ytd_length(&h) != length : h.quarter != 0))
			continue;
		if (h.end_year > newest)
			newest = h.end_year;
	}
	return newest;
}

/*
 * Complete a half-year, nine-month or quarter column printed with its year
 * only ("H1 2023", "9M 2022", "Q2 2023") from the cover's year-to-date
 * period: a column as long as that period (a quarter when it is the last
 * quarter of it) ends on its month and day.  The heading's year must name
 * the year the period ends in, which the statement proves when its newest
 * such column prints the cover's year; otherwise ("H1 FY2024" for a half
 * year ending in September 2023) nothing is completed.  Returns true when the column was completed.
 */
static bool
complete_from_ytd(fx_statement *st, int j, const fx_fye *fye)
{
	fx_period  *p = &st->periods[j];

	if (fye->ytd_year == 0 || st->type == FX_BALANCE_SHEET)
		return false;
	if (ytd_length(p) != fye->ytd_months ||
		newest_year(st, fye->ytd_months) != fye->ytd_year)
		return false;
	p->end_month = fye->ytd_month;
	p->end_day = fye->ytd_day >= days_in(fye->ytd_year, fye->ytd_month) ?
		days_in(p->end_year, fye->ytd_month) : fye->ytd_day;
	if (p->end_year != fye->ytd_year &&
		fye->ytd_day < days_in(fye->ytd_year, fye->ytd_month) &&
		!(fye->ytd_month == 2 && fye->ytd_day == 28))
		p->end_month = p->end_day = 0;	/* a week-based day varies */
	return p->end_month > 0;
}

/* does the heading say "year to date" ("Year-to-Date", "YTD")? */
static bool
says_ytd(const char *s)
{
	char		letters[64];
	int			n = 0;

	for (; *s && n < 63; s++)
		if (isalpha((unsigned char) *s))
			letters[n++] = (char) tolower((unsigned char) *s);
	letters[n] = '\0';
	return strstr(letters, "yeartodate") != NULL ||
		strstr(letters, "ytd") != NULL;
}

/*
 * A year-to-date column ("Year to Date June 30, 2023") runs from the start
 * of the fiscal year to its end date: the fiscal year end proves its
 * length when that end is a quarter's end of the fiscal year (3, 6 or 9
 * months after it, within a week for a 52/53-week year).
 */
static void
complete_ytd_length(const fx_statement *st, fx_period *p, const fx_fye *fye)
{
	int			days,
				m;

	if (st->type == FX_BALANCE_SHEET || p->months != 0 ||
		p->end_month == 0 || p->end_day == 0 || fye->month == 0 ||
		p->label == NULL || !says_ytd(p->label))
		return;
	days = day_of_year(p->end_month, p->end_day) -
		day_of_year(fye->month, fye->day);
	if (days <= 0)
		days += 365;
	m = (days * 12 + 182) / 365;
	if ((m == 3 || m == 6 || m == 9) &&
		abs(days - m * 365 / 12) <= (fye->weeks ? 7 : 3))
		p->months = m;
}

/* days from the epoch of a date, for ordering and distances (proleptic) */
static long
day_number(int y, int m, int d)
{
	long		n = (long) y * 365 + y / 4 - y / 100 + y / 400;

	for (int k = 1; k < m; k++)
		n += days_in(y, k);
	return n + d;
}

/* the date days after y-m-d (days may be negative) */
static void
add_days(int *y, int *m, int *d, int days)
{
	*d += days;
	while (*d < 1)
	{
		if (--*m < 1)
			*m = 12, --*y;
		*d += days_in(*y, *m);
	}
	while (*d > days_in(*y, *m))
	{
		*d -= days_in(*y, *m);
		if (++*m > 12)
			*m = 1, ++*y;
	}
}

/*
 * A 52/53-week year printed with its year and length alone ("2022 (52
 * weeks)") ends where the next year, whose end is known and whose own
 * heading counts its weeks ("2023 (53 weeks)"), began: its end less that
 * many weeks.  The date must still fall near the fiscal year end.
 */
static bool
complete_from_next_year(fx_statement *st, fx_period *p, const fx_fye *fye)
{
	for (int k = 0; k < st->nperiods; k++)
	{
		const fx_period *q = &st->periods[k];
		int			w = q->label ? weeks_said(q->label, (int) strlen(q->label)) : 0;
		int			y,
					m,
					d;

		if (q == p || !has_end(q) || q->months != 12 || w == 0 ||
			q->end_year != p->end_year + 1)
			continue;
		y = q->end_year, m = q->end_month, d = q->end_day;
		add_days(&y, &m, &d, -7 * w);
		if (y != p->end_year ||
			md_distance(m, d, fye->month, fye->day) > YEAR_END_SLACK)
			return false;
		p->end_month = m;
		p->end_day = d;
		return true;
	}
	return false;
}

/* one balance-sheet column date, for fx_fye_from_balance_sheets */
typedef struct bs_date
{
	int			y,
				m,
				d;
} bs_date;

/* the balance sheets' column dates with a complete end, at most max */
static int
balance_dates(const fx_result *res, bs_date *out, int max)
{
	int			n = 0;

	for (int k = 0; k < res->nstatements; k++)
	{
		const fx_statement *st = &res->statements[k];

		if (st->type != FX_BALANCE_SHEET || st->component_columns)
			continue;
		for (int j = 0; j < st->nperiods && n < max; j++)
		{
			const fx_period *p = &st->periods[j];

			if (!has_end(p) ||
				(p->label && fx_period_conflict(p->label, (int) strlen(p->label))))
				continue;
			out[n].y = p->end_year;
			out[n].m = p->end_month;
			out[n].d = p->end_day;
			n++;
		}
	}
	return n;
}

/*
 * The balance sheets' dates as a signal of the fiscal year end, when the
 * cover names none.  A balance sheet compares its own date with the end of
 * the preceding fiscal year (an annual report: one year before; an interim
 * report: IAS 34.20(a) and Regulation S-X 10-01 ask for the last year end,
 * sometimes beside the same date a year before).  So the newest date is the
 * current period's end, and a date more than a week of the year away from
 * it is the last fiscal year end when it lies 3, 6 or 9 months before (an
 * interim report; anything else, such as a transition period, proves
 * nothing); when there is no such date, every date is a year end (an annual
 * report).  Dates naming two different year ends prove nothing.  In an
 * interim report the current date also gives the year-to-date period,
 * which completes "H1 2023", "Q2 2023" or "9M 2023" as the cover's "six
 * months ended ..." does.  A year end found here only completes columns
 * (fx_fye.from_balance); it never drops a column that prints its own date.
 */
void
fx_fye_from_balance_sheets(const fx_result *res, fx_fye *fye)
{
	bs_date		dt[FX_MAX_COLS * 4];
	int			n = balance_dates(res, dt, (int) (sizeof(dt) / sizeof(dt[0])));
	int			newest = 0,
				end = -1,
				months = 0;

	if (fye->year || n < 2)
		return;
	for (int i = 1; i < n; i++)
		if (day_number(dt[i].y, dt[i].m, dt[i].d) >
			day_number(dt[newest].y, dt[newest].m, dt[newest].d))
			newest = i;
	for (int i = 0; i < n; i++)
	{
		if (md_distance(dt[i].m, dt[i].d, dt[newest].m, dt[newest].d) <=
			YEAR_END_SLACK)
			continue;
		if (end >= 0 &&
			md_distance(dt[i].m, dt[i].d, dt[end].m, dt[end].d) > YEAR_END_SLACK)
			return;				/* two different year ends */
		if (end < 0 || day_number(dt[i].y, dt[i].m, dt[i].d) >
			day_number(dt[end].y, dt[end].m, dt[end].d))
			end = i;
	}
	if (end >= 0)
	{
		/* months from the last year end to the current date, to the nearest */
		long		days = day_number(dt[newest].y, dt[newest].m, dt[newest].d) -
			day_number(dt[end].y, dt[end].m, dt[end].d);

		months = (int) ((days * 12 + 182) / 365);
		if (months != 3 && months != 6 && months != 9)
			return;
	}
	else
		end = newest;
	fye->year = dt[end].y;
	fye->month = dt[end].m;
	fye->day = dt[end].d;
	fye->weeks = fye->day < days_in(fye->year, fye->month) &&
		!(fye->month == 2 && fye->day >= 28);
	fye->from_balance = true;
	fye->interim = months > 0;
	if (months == 0 || fye->ytd_year)
		return;
	fye->ytd_year = dt[newest].y;
	fye->ytd_month = dt[newest].m;
	fye->ytd_day = dt[newest].d;
	fye->ytd_months = months;
}

/*
 * Note the duration columns of a statement whose headings print their full
 * end date ("Nine Months Ended July 1, 2023"), by length and year, for
 * fx_prove_periods to complete another statement's column printed with its
 * year alone ("Nine Months Ended" / "2023").  Two headings of one length
 * and year with different ends (a compilation of companies) leave it
 * unknown.
 */
void
fx_note_known_periods(const fx_statement *st, fx_fye *fye)
{
	if (st->component_columns || st->type == FX_BALANCE_SHEET)
		return;
	for (int j = 0; j < st->nperiods; j++)
	{
		const fx_period *p = &st->periods[j];
		int			k;

		if (!has_end(p) || (p->months != 3 && p->months != 6 &&
							p->months != 9 && p->months != 12))
			continue;
		for (k = 0; k < fye->nknown; k++)
			if (fye->known[k].year == p->end_year &&
				fye->known[k].months == p->months)
				break;
		if (k < fye->nknown)
		{
			if (fye->known[k].month != p->end_month ||
				fye->known[k].day != p->end_day)
				fye->known[k].day = 0;
			continue;
		}
		if (fye->nknown == (int) (sizeof(fye->known) / sizeof(fye->known[0])))
			continue;
		fye->known[k].year = p->end_year;
		fye->known[k].months = p->months;
		fye->known[k].month = p->end_month;
		fye->known[k].day = p->end_day;
		fye->nknown++;
	}
}

/*
 * Complete a column printed with its year alone from another statement of
 * the document that prints the same length ending in the same year in
 * full: one document reports one period of each length per year.
 */
static bool
complete_from_known(fx_period *p, const fx_fye *fye)
{
	for (int k = 0; k < fye->nknown; k++)
		if (fye->known[k].year == p->end_year &&
			fye->known[k].months == p->months && fye->known[k].day > 0)
		{
			p->end_month = fye->known[k].month;
			p->end_day = fye->known[k].day;
			return true;
		}
	return false;
}


/* complete a column that prints only its year (or quarter); NULL or why not */
static const char *
complete_year_only(fx_statement *st, int j, const fx_fye *fye)
{
	fx_period  *p = &st->periods[j];
	bool		instant = st->type == FX_BALANCE_SHEET;

	if (p->end_year == 0 || p->end_month > 0)
		return NULL;
	if ((p->quarter > 0 || p->months == 6 || p->months == 9) &&
		complete_from_ytd(st, j, fye))
		return NULL;
	if (!instant && p->quarter == 0 &&
		(p->months != 12 || fye->year == 0 || fye->from_balance) &&
		complete_from_known(p, fye))
		return NULL;
	if (p->quarter > 0)
	{
		/* "Q3 2023" is a calendar quarter only in a calendar fiscal year */
		if (fye->month == 12 && fye->day == 31 && !fye->weeks)
		{
			p->end_month = p->quarter * 3;
			p->end_day = days_in(p->end_year, p->end_month);
		}
		else
			return fye->year ? "a quarter of a fiscal year that is not the "
				"calendar year" : "a quarter, but no fiscal year end is known";
		return NULL;
	}
	/*
	 * a sibling of the same length that ends at a month end; not in a
	 * 52/53-week year, which ends on a varying day
	 */
	for (int k = 0; k < st->nperiods; k++)
	{
		const fx_period *q = &st->periods[k];

		if (k == j || !has_end(q) ||
			(!instant && length_of(st, p) == 12 &&
			 (fye->weeks || statement_weeks(st))) ||
			length_of(st, q) != length_of(st, p) ||
			q->end_day != days_in(q->end_year, q->end_month))
			continue;
		if (fye->year && (fye->month != q->end_month || fye->day != q->end_day) &&
			!instant && length_of(st, p) == 12)
			continue;
		p->end_month = q->end_month;
		p->end_day = days_in(p->end_year, q->end_month);
		return NULL;
	}
	/*
	 * The fiscal year end: its day holds for every year unless 52/53 weeks.
	 * The statement's newest year must be the fiscal year's: a year end in
	 * January names its year by where it starts in some reports ("2022"
	 * for the year to January 28, 2023) and by where it ends in others.
	 */
	if (fye->year && newest_year(st, 0) != fye->year)
		return "only a year is printed and the newest one is not the fiscal "
			"year's";
	if (fye->year && (instant || p->months == 12 ||
					  (p->months == 0 && !fye->from_balance)) &&
		!fye->interim &&
		((!fye->weeks && !statement_weeks(st)) || p->end_year == fye->year))
	{
		p->end_month = fye->month;
		p->end_day = fye->weeks ? fye->day : days_in(p->end_year, fye->month);
		if (!instant)
			p->months = 12;
		return NULL;
	}
	if (fye->year && !instant && p->months == 12 && !fye->interim &&
		p->label && weeks_said(p->label, (int) strlen(p->label)) > 0 &&
		complete_from_next_year(st, p, fye))
		return NULL;
	return fye->year ? "only a year is printed and the fiscal year ends on "
		"a varying day" : "only a year is printed and no fiscal year end is "
		"known";
}

/* does the end date agree with the fiscal year end and the length? */
static const char *
fye_disagrees(const fx_statement *st, const fx_period *p, const fx_fye *fye)
{
	int			len = length_of(st, p);

	if (fye->year == 0 || fye->from_balance || !has_end(p))
		return NULL;
	if (len == 12)
		return md_distance(p->end_month, p->end_day, fye->month, fye->day) >
			YEAR_END_SLACK ? "a 12-month column that does not end at the "
			"fiscal year end" : NULL;
	for (int k = 0; k < 4; k++)
	{
		int			m = (fye->month + 3 * k - 1) % 12 + 1;
		int			d = fye->day >= days_in(2001, fye->month) ?
			days_in(2001, m) : fye->day;

		if (md_distance(p->end_month, p->end_day, m, d) <= QUARTER_SLACK)
			return NULL;
	}
	return "a date that is no quarter end of the fiscal year";
}

/* is the length one a statement of this kind can have? */
static bool
length_fits(const fx_statement *st, const fx_period *p)
{
	if (st->type == FX_BALANCE_SHEET)
		return true;
	return p->months == 0 || p->months == 3 || p->months == 6 ||
		p->months == 9 || p->months == 12;
}

/* compare two end dates */
static int
cmp_end(const fx_period *a, const fx_period *b)
{
	int			x = a->end_year * 400 + a->end_month * 32 + a->end_day,
				y = b->end_year * 400 + b->end_month * 32 + b->end_day;

	return (x > y) - (x < y);
}

/* one column per distinct period: drop both of a pair */
static void
prove_distinct(fx_statement *st, fx_result *res, bool *bad)
{
	for (int j = 0; j < st->nperiods; j++)
		for (int k = j + 1; k < st->nperiods; k++)
		{
			const fx_period *a = &st->periods[j],
					   *b = &st->periods[k];

			if (has_end(a) && has_end(b) && cmp_end(a, b) == 0 &&
				length_of(st, a) == length_of(st, b))
				bad[j] = bad[k] = true;
		}
	for (int j = 0; j < st->nperiods; j++)
		if (bad[j])
			warn_column(res, st, j, "another column has the same period");
}

/* the columns of one length run one way: newest first or newest last */
static void
prove_order(fx_statement *st, fx_result *res, bool *bad)
{
	for (int j = 0; j < st->nperiods; j++)
	{
		int			len = length_of(st, &st->periods[j]),
					dir = 0,
					prev = -1;
		bool		mixed = false;

		if (!has_end(&st->periods[j]) || bad[j])
			continue;
		/* the first column of each length checks its group */
		for (int k = 0; k < j; k++)
			if (has_end(&st->periods[k]) && !bad[k] &&
				length_of(st, &st->periods[k]) == len)
				prev = -2;
		if (prev == -2)
			continue;
		for (int k = j; k < st->nperiods; k++)
		{
			int			c;

			if (!has_end(&st->periods[k]) || bad[k] ||
				length_of(st, &st->periods[k]) != len)
				continue;
			if (prev >= 0)
			{
				c = cmp_end(&st->periods[prev], &st->periods[k]);
				if (dir == 0)
					dir = c;
				else if (c != dir)
					mixed = true;
			}
			prev = k;
		}
		if (!mixed)
			continue;
		for (int k = j; k < st->nperiods; k++)
			if (has_end(&st->periods[k]) && !bad[k] &&
				length_of(st, &st->periods[k]) == len)
			{
				bad[k] = true;
				warn_column(res, st, k, "the columns of this length are not "
							"in date order");
			}
	}
}

/*
 * Prove every column's period of a statement; drop (with a warning) what
 * the signals do not agree on.
 */
void
fx_prove_periods(fx_statement *st, const fx_fye *fye, fx_result *res)
{
	bool		bad[FX_MAX_COLS * 2];

	if (st->component_columns || st->nperiods > FX_MAX_COLS * 2)
		return;
	memset(bad, 0, sizeof(bad));
	for (int j = 0; j < st->nperiods; j++)
	{
		fx_period  *p = &st->periods[j];
		const char *why = NULL;

		complete_ytd_length(st, p, fye);
		if (p->label && fx_period_conflict(p->label, (int) strlen(p->label)))
			why = "its heading names more than one period";
		else if ((why = complete_year_only(st, j, fye)) == NULL)
		{
			if (!length_fits(st, p))
				why = "a length no statement of this kind has";
			else if (!has_end(p))
				why = "its heading gives no end date";
			else
				why = fye_disagrees(st, p, fye);
		}
		if (why)
		{
			warn_column(res, st, j, why);
			drop_end(p);
		}
	}
	prove_distinct(st, res, bad);
	prove_order(st, res, bad);
	for (int j = 0; j < st->nperiods; j++)
		if (bad[j])
			drop_end(&st->periods[j]);
}

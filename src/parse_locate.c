/*-------------------------------------------------------------------------
 *
 * parse_locate.c
 *	  Which pages hold which statements.
 *
 * A statement opens with a title line ("Consolidated Balance Sheets",
 * "Statement of Profit or Loss", "CONDENSED CONSOLIDATED STATEMENTS OF
 * OPERATIONS (Unaudited)").  A title is recognised on the line's letters
 * alone, so that "Incom e" or "Shee t" (split words in a PDF's text layer)
 * still match, and only when the words around it are the usual qualifiers
 * (consolidated, condensed, for the years ended ..., continued), also for
 * the German titles (Bilanz, Gewinn- und Verlustrechnung, ...), the French
 * ones (Bilan, Compte de résultat, ...) and a title
 * given in two languages ("Konzernbilanz / Balance sheet"): a sentence
 * that mentions "the consolidated balance sheet" is not a title.  A title
 * must be followed by rows of amounts; a page with titles of three
 * statements or more is a table of contents.  A statement runs until the
 * next title, and on to the next page when that page starts with rows of
 * amounts and no title (a continued statement).  A balance sheet printed
 * over two pages with its title on both, assets on the first and
 * liabilities on the second, is one statement too.  The names the statement
 * types are stored under are here too (fx_stmt_type_name).
 *
 *-------------------------------------------------------------------------
 */
#include "parse_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define COMPACT_MAX 512

/* words that may come before a statement's name on its title line */
static const char *const prefix_words[] = {
	"consolidated", "condensed", "interim", "combined", "group", "separate",
	"company", "unaudited", "audited", "parent", "the", "abridged",
	"summary", "summarised", "summarized", "standalone",
	"individual", "and", "subsidiaries", "of", "comparative", "statutory",
	"parentcompany", "parentonly", "companyonly", "quarterly", "annual",
	"half", "year", "halfyear", "halfyearly",
	/* German: "Konzern-", "Verkürzte" (umlauts drop out of the letters) */
	"konzern", "verkuerzte", "verkrzte",
	/* French: "État de la situation financière", "Bilan consolidé" */
	"etat", "tat", "de", "la", "consolide", "consolid", NULL
};

/* words that may come after a statement's name on its title line */
static const char *const suffix_words[] = {
	"s", "unaudited", "audited", "continued", "cont", "contd", "d", "for",
	"the", "year", "years", "period", "periods", "month", "months", "quarter",
	"quarters", "ended", "ending", "end", "as", "at", "of", "on", "and",
	"in", "to", "from", "three", "six", "nine", "twelve", "weeks", "week",
	"thousands", "thousand", "millions", "million", "euro", "euros", "eur",
	"usd", "dollars", "restated", "consolidated", "condensed", "interim",
	"first", "second", "third", "fourth", "half", "fiscal", "all",
	"amounts", "expressed", "except", "per", "share", "data", "loss",
	"losses", "income", "comprehensive", "other", "profit", "or",
	"retained", "earnings", "equity", "shareholders", "stockholders",
	"changes", "deficit", "accumulated", "partners", "capital", "members",
	"owners", "net", "assets", "liabilities", "position", "financial",
	"operations", "statement", "statements", "total", "inc", "ltd", "plc",
	"ag", "sa", "nv", "se", "corporation", "corp", "company", "group",
	"january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december", "jan", "feb",
	"mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
	"a", "an", "ending", "parent", "separate", "with", "by",
	/* an ordinal's letters after its day ("31st March, 2023") */
	"st", "nd", "rd", "th",
	/* an earnings release's "... Income and Other Information" (not
	 * "information" alone: "Balance Sheet Information" heads a note) */
	"otherinformation",
	/* German: "zum 31. Dezember", "für das Geschäftsjahr", "vom ... bis" */
	"zum", "fuer", "fr", "das", "die", "geschaeftsjahr", "geschftsjahr",
	"vom", "bis", "dezember", "juni", "maerz", "mrz", "teur", "tsd", "mio",
	/* French: "consolidé(s) au 31 décembre", "de l'exercice clos le" */
	"consolide", "consolid", "e", "au", "clos", "le", "l", "exercice",
	"du", "en", "milliers", "d", "euros", "semestriel", "dcembre",
	"decembre", "juin", "intermediaire", "intermdiaire", "resume", "rsum",
	NULL
};

/* can s[0..n) be cut into words of the list?  (dynamic programming) */
static bool
segments_into(const char *s, int n, const char *const *dict)
{
	bool		ok[COMPACT_MAX + 1];

	if (n > COMPACT_MAX)
		return false;
	memset(ok, 0, sizeof(ok));
	ok[0] = true;
	for (int i = 0; i < n; i++)
	{
		if (!ok[i])
			continue;
		for (int k = 0; dict[k]; k++)
		{
			int			l = (int) strlen(dict[k]);

			if (i + l <= n && memcmp(s + i, dict[k], (size_t) l) == 0)
				ok[i + l] = true;
		}
	}
	return ok[n];
}

/* statement names after "statement(s) of", with their types */
static const struct
{
	const char *name;
	fx_stmt_type type;
}			of_names[] = {
	{"changesin", FX_EQUITY},
	{"shareholdersequity", FX_EQUITY}, {"stockholdersequity", FX_EQUITY},
	{"shareholdersdeficit", FX_EQUITY}, {"stockholdersdeficit", FX_EQUITY},
	{"equity", FX_EQUITY}, {"ownersequity", FX_EQUITY},
	{"partnerscapital", FX_EQUITY}, {"retainedearnings", FX_EQUITY},
	{"cashflow", FX_CASH_FLOW},
	{"financialposition", FX_BALANCE_SHEET},
	{"financialcondition", FX_BALANCE_SHEET},
	{"condition", FX_BALANCE_SHEET},
	{"assetsandliabilities", FX_BALANCE_SHEET},
	{"profitorlossandothercomprehensive", FX_INCOME_STATEMENT},
	{"profitorlossandcomprehensive", FX_INCOME_STATEMENT},
	{"othercomprehensiveincome", FX_COMPREHENSIVE_INCOME},
	{"comprehensiveincome", FX_COMPREHENSIVE_INCOME},
	{"comprehensiveloss", FX_COMPREHENSIVE_INCOME},
	{"profitorloss", FX_INCOME_STATEMENT},
	{"profitandloss", FX_INCOME_STATEMENT},
	{"income", FX_INCOME_STATEMENT}, {"operations", FX_INCOME_STATEMENT},
	{"earnings", FX_INCOME_STATEMENT}, {"loss", FX_INCOME_STATEMENT},
	{NULL, 0}
};

/* names that are titles without "statement of" */
static const struct
{
	const char *name;
	fx_stmt_type type;
}			bare_names[] = {
	{"balancesheet", FX_BALANCE_SHEET},
	{"incomestatement", FX_INCOME_STATEMENT},
	{"cashflowstatement", FX_CASH_FLOW},
	{"profitandlossaccount", FX_INCOME_STATEMENT},
	{"profitandlossstatement", FX_INCOME_STATEMENT},
	/* German titles (HGB and IFRS reports); umlauts drop out */
	{"bilanz", FX_BALANCE_SHEET},
	{"gewinnundverlustrechnung", FX_INCOME_STATEMENT},
	{"gesamtergebnisrechnung", FX_COMPREHENSIVE_INCOME},
	{"kapitalflussrechnung", FX_CASH_FLOW},
	{"eigenkapitalveraenderungsrechnung", FX_EQUITY},
	{"eigenkapitalvernderungsrechnung", FX_EQUITY},
	{"eigenkapitalspiegel", FX_EQUITY},
	/* French titles; accented letters drop out ("résultat" -> "rsultat") */
	{"bilan", FX_BALANCE_SHEET},
	{"situationfinanciere", FX_BALANCE_SHEET},
	{"situationfinancire", FX_BALANCE_SHEET},
	{"comptederesultat", FX_INCOME_STATEMENT},
	{"comptedersultat", FX_INCOME_STATEMENT},
	{"tableaudesfluxdetresorerie", FX_CASH_FLOW},
	{"tableaudesfluxdetrsorerie", FX_CASH_FLOW},
	{NULL, 0}
};

/* find the statement name in the compact letters; sets where it spans */
static int
match_name(const char *c, int n, int *b, int *e)
{
	for (int i = 0; i < n; i++)
	{
		int			k = 0;

		/* first letters compared inline: this runs for every line */
		if (c[i] == 's' && strncmp(c + i, "statementsof", 12) == 0)
			k = 12;
		else if (c[i] == 's' && strncmp(c + i, "statementof", 11) == 0)
			k = 11;
		if (k)
		{
			for (int j = 0; of_names[j].name; j++)
			{
				int			l = (int) strlen(of_names[j].name);

				if (i + k + l <= n &&
					strncmp(c + i + k, of_names[j].name, (size_t) l) == 0)
				{
					*b = i;
					*e = i + k + l;
					return (int) of_names[j].type;
				}
			}
			return -1;
		}
		for (int j = 0; bare_names[j].name; j++)
		{
			int			l;

			if (c[i] != bare_names[j].name[0])
				continue;
			l = (int) strlen(bare_names[j].name);
			if (i + l <= n && strncmp(c + i, bare_names[j].name, (size_t) l) == 0)
			{
				*b = i;
				*e = i + l;
				return (int) bare_names[j].type;
			}
		}
	}
	return -1;
}

/* does the line end a sentence or open a list (not a title)? */
static bool
ends_like_prose(const fx_doc *doc, const fx_line *ln)
{
	const fx_word *w = fx_line_words(doc, ln);
	const fx_word *last = &w[ln->nwords - 1];
	char		c = ln->s[last->off + last->len - 1];

	return c == ':' || c == '.' || c == ';' || c == ',';
}

/*
 * Does the line print an amount ("57,333", "(1,250)", "$ 24", "$ —")?  Then it is a row,
 * not a title, though its label may name a statement: a UK balance sheet's
 * "Profit and loss account  57,333  45,997" is a reserve.
 */
static bool
has_amount(const fx_doc *doc, const fx_line *ln)
{
	const fx_word *w = fx_line_words(doc, ln);

	for (int k = 0; k < ln->nwords; k++)
	{
		char		out[FX_NUM_LEN];
		bool		strong = false;

		fx_tok		kind = fx_classify_word(ln->s + w[k].off, w[k].len, false,
											out, sizeof(out), &strong);

		if (kind == FX_TOK_AMOUNT && strong)
			return true;
		/* "$ 24", "$ —": an amount or a zero after a currency sign */
		if (kind == FX_TOK_SYMBOL && k + 1 < ln->nwords &&
			(kind = fx_classify_word(ln->s + w[k + 1].off, w[k + 1].len, false,
									 out, sizeof(out), &strong)) != FX_TOK_TEXT &&
			(kind == FX_TOK_AMOUNT || kind == FX_TOK_DASH))
			return true;
	}
	return false;
}

/* name of a statement type as stored */
const char *
fx_stmt_type_name(fx_stmt_type t)
{
	switch (t)
	{
		case FX_BALANCE_SHEET:
			return "balance_sheet";
		case FX_INCOME_STATEMENT:
			return "income_statement";
		case FX_COMPREHENSIVE_INCOME:
			return "comprehensive_income";
		case FX_CASH_FLOW:
			return "cash_flow";
		case FX_EQUITY:
			return "equity";
		default:
			return "unknown";
	}
}

/*
 * The statement type whose title this line is, or -1.  *continued is set
 * when the title says "(continued)".
 */
int
fx_title_type(const fx_doc *doc, const fx_line *ln, bool *continued)
{
	char		c[COMPACT_MAX];
	int			n,
				b = 0,
				e = 0,
				t;

	*continued = false;
	if (ln->nwords == 0 || ln->nwords > 24 || ln->len > 400)
		return -1;
	if (ends_like_prose(doc, ln) || has_amount(doc, ln))
		return -1;
	n = fx_letters_lower(ln->s, ln->len, c, COMPACT_MAX);
	t = match_name(c, n, &b, &e);
	if (t < 0)
		return -1;
	/* "Statements of Operations Data": a table of selected data */
	if (strncmp(c + e, "data", 4) == 0 || strncmp(c + e, "sdata", 5) == 0)
		return -1;
	if (!segments_into(c, b, prefix_words))
		return -1;
	if (!segments_into(c + e, n - e, suffix_words))
	{
		/* a title in two languages: "Konzernbilanz / Balance sheet" */
		int			b2 = 0,
					e2 = 0;

		if (match_name(c + e, n - e, &b2, &e2) != t ||
			!segments_into(c + e, b2, prefix_words) ||
			!segments_into(c + e + e2, n - e - e2, suffix_words))
			return -1;
	}
	*continued = strstr(c + e, "cont") != NULL;
	return t;
}

/* is the title line German ("Konzernbilanz", "Gewinn- und Verlustrechnung")? */
bool
fx_title_is_german(const fx_doc *doc, const fx_line *ln)
{
	static const char *const names[] = {
		"bilanz", "verlustrechnung", "kapitalflussrechnung",
		"eigenkapitalver", "eigenkapitalspiegel", "gesamtergebnisrechnung",
		NULL
	};
	char		c[COMPACT_MAX];

	(void) doc;
	fx_letters_lower(ln->s, ln->len > 400 ? 400 : ln->len, c, COMPACT_MAX);
	for (int i = 0; names[i]; i++)
		if (strstr(c, names[i]) != NULL)
			return true;
	return false;
}

/* is this line a "see accompanying notes" closing line? */
bool
fx_is_end_marker(const char *s, int len)
{
	char		c[COMPACT_MAX];
	int			n = fx_letters_lower(s, len > 400 ? 400 : len, c, COMPACT_MAX);

	(void) n;
	return strstr(c, "accompanyingnotes") != NULL ||
		strstr(c, "integralpart") != NULL ||
		strstr(c, "seenotesto") != NULL ||
		strstr(c, "notesformpart") != NULL ||
		strstr(c, "accompanyingnotesare") != NULL;
}

/* is the line a row with a label and an amount that is not a year (*row)? */
static bool
data_row(const fx_doc *doc, const fx_line *ln, fx_row *row)
{
	if (ln->nwords < 2)
		return false;
	fx_analyze_row(doc, ln, false, row);
	if (row->label_words == 0 || row->all_years || row->value_gap < 2)
		return false;				/* "... were $737.9" is prose */
	for (int i = 0; i < row->nvals; i++)
		if (row->vals[i].strong || !row->vals[i].year)
			return true;
	return false;
}

/* is the line a row with a label and an amount that is not a year? */
static bool
is_data_line(const fx_doc *doc, const fx_line *ln)
{
	fx_row		row;

	return data_row(doc, ln, &row);
}

/* count data rows in [from, to), stopping at the first title */
static int
count_data(const fx_doc *doc, int from, int to, int *first)
{
	int			n = 0;

	*first = -1;
	for (int i = from; i < to; i++)
	{
		bool		cont;

		if (i > from && fx_title_type(doc, &doc->lines[i], &cont) >= 0)
			break;
		if (is_data_line(doc, &doc->lines[i]))
		{
			if (*first < 0)
				*first = i;
			n++;
		}
	}
	return n;
}

/* the page number a contents row ends in ("...  38"), or -1 */
static long
page_number(const fx_row *row)
{
	char	   *end;
	long		v;

	for (int k = 0; k < row->nvals; k++)
		if (row->vals[k].strong)
			return -1;
	if (row->nvals == 0 || row->vals[row->nvals - 1].year)
		return -1;
	v = strtol(row->vals[row->nvals - 1].text, &end, 10);
	return *end == '\0' && v >= 1 && v <= 999 ? v : -1;
}

/*
 * Is the title at line i an entry of a list of contents: the title line
 * itself and the rows after it up to the next title end in a small plain
 * integer (a page number), not decreasing, four lines or more in a row?
 * ("Condensed Consolidated Statement of Cash Flows ...  8" followed by
 * "Note 1 - ...  10", "Note 2 - ...  13".)  A statement's title prints no
 * number, and its amounts are neither all that small nor in row order.
 * Lines without a number (group headings) are passed over; the run ends
 * at the first other row (a page footer "Annual Report 35").
 */
static bool
is_contents_entry(const fx_doc *doc, int i, int to)
{
	int			rows = 0;
	long		last;
	fx_row		row;

	if (!data_row(doc, &doc->lines[i], &row) || (last = page_number(&row)) < 0)
		return false;
	for (int k = i; k < to; k++)
	{
		const fx_line *ln = &doc->lines[k];
		bool		cont;
		long		v;

		if (k > i && fx_title_type(doc, ln, &cont) >= 0)
			break;
		if (!data_row(doc, ln, &row))
			continue;			/* a group heading, "Basis" */
		if ((v = page_number(&row)) < last)
			break;
		last = v;
		rows++;
	}
	return rows >= 4;
}

/* does [from, to) hold a closing "accompanying notes" line? */
static bool
has_end_marker(const fx_doc *doc, int from, int to)
{
	for (int i = from; i < to; i++)
		if (fx_is_end_marker(doc->lines[i].s, doc->lines[i].len))
			return true;
	return false;
}

/*
 * Is the line a schedule's heading ("SCHEDULE II - VALUATION AND
 * QUALIFYING ACCOUNTS", "Schedule I")?  A schedule is a table of its own,
 * never the rest of the statement before it.
 */
static bool
is_schedule_heading(const fx_doc *doc, const fx_line *ln)
{
	const fx_word *w = fx_line_words(doc, ln);
	const char *t;
	int			n;

	if (ln->nwords < 2 || w[0].len != 8 ||
		strncasecmp(ln->s + w[0].off, "schedule", 8) != 0)
		return false;
	t = ln->s + w[1].off;
	n = w[1].len;
	if (n > 0 && (t[n - 1] == '.' || t[n - 1] == ':'))
		n--;
	if (n < 1 || n > 5)
		return false;
	for (int i = 0; i < n; i++)
		if (strchr("IVXivx0123456789ABCDEFGH", t[i]) == NULL)
			return false;
	return true;
}

/* does page pg (0-based) go on with rows of the statement before it? */
static bool
page_continues(const fx_doc *doc, int pg, int *title_cont)
{
	int			from = doc->page_start[pg],
				to = doc->page_start[pg + 1],
				seen = 0;

	*title_cont = -1;
	for (int i = from; i < to && seen < 15; i++)
	{
		bool		cont;
		int			t;

		if (doc->lines[i].nwords == 0)
			continue;
		seen++;
		if (is_schedule_heading(doc, &doc->lines[i]))
			return false;
		t = fx_title_type(doc, &doc->lines[i], &cont);
		if (t >= 0)
		{
			if (cont)
				*title_cont = i;
			return cont;
		}
		if (is_data_line(doc, &doc->lines[i]))
			return true;
	}
	return false;
}

/*
 * Is the title at line i the last thing on its page but a page number or a
 * running footer: at most three short lines after it, none a row?
 */
static bool
title_ends_page(const fx_doc *doc, int i, int to)
{
	int			lines = 0;

	for (int k = i + 1; k < to; k++)
	{
		const fx_line *ln = &doc->lines[k];

		if (ln->nwords == 0)
			continue;
		if (++lines > 3 || ln->nwords > 6 || is_data_line(doc, ln))
			return false;
	}
	return true;
}

/* find the title lines of a document: returns their number */
static int
find_titles(const fx_doc *doc, const fx_parse_opts *opts, int *lines,
			int *types, int max)
{
	int			n = 0;

	for (int pg = 0; pg < doc->npages && n < max; pg++)
	{
		int			from = doc->page_start[pg],
					to = doc->page_start[pg + 1],
					first = n,
					seen = 0,	/* title lines on the page, kept or not */
					seen_rows = 0;

		if (opts && opts->first_page > 0 && pg + 1 < opts->first_page)
			continue;
		if (opts && opts->last_page > 0 && pg + 1 > opts->last_page)
			break;
		for (int i = from; i < to && n < max; i++)
		{
			bool		cont;
			int			t = fx_title_type(doc, &doc->lines[i], &cont);
			int			fd,
						nd;

			if (t < 0 || cont)
				continue;
			nd = count_data(doc, i, to, &fd);
			if (nd < 3 && title_ends_page(doc, i, to) &&
				pg + 1 < doc->npages)
			{
				/* a title at the foot of a page, its table on the next */
				int			tc;

				if (page_continues(doc, pg + 1, &tc) && tc < 0 &&
					(nd = count_data(doc, to, doc->page_start[pg + 2], &fd)) >= 3)
					fd = i + (fd - to);
			}
			seen++;
			seen_rows += nd;
			if (nd < 3 || fd - i > 40 || is_contents_entry(doc, i, to))
				continue;
			lines[n] = i;
			types[n] = t;
			n++;
		}
		if (n > first && seen >= 3 && seen_rows < 4 * seen)
			n = first;			/* an index: titles with page numbers */
		else if (n - first >= 3)
		{
			/* many titles with few rows each: a table of contents */
			int			rows = 0,
						fd;

			for (int k = first; k < n; k++)
				rows += count_data(doc, lines[k], to, &fd);
			if (rows < 4 * (n - first))
				n = first;
		}
	}
	return n;
}

/* does one of lines [from, to) hold the word (lower case), in any case? */
static bool
lines_mention(const fx_doc *doc, int from, int to, const char *word)
{
	size_t		n = strlen(word);

	for (int i = from; i < to; i++)
	{
		const fx_line *ln = &doc->lines[i];

		for (int k = 0; k + (int) n <= ln->len; k++)
			if (strncasecmp(ln->s + k, word, n) == 0)
				return true;
	}
	return false;
}

/*
 * Are spans a and b (b the next) the two halves of one balance sheet
 * printed over two pages, its title repeated without "continued": a runs
 * to the end of its page, b's title opens the next page, a holds assets
 * and no liabilities, b liabilities and no total or current assets?  Two
 * whole balance sheets (of two entities, or two dates) each hold both
 * sides, so they are never joined.
 */
static bool
balance_sheet_halves(const fx_doc *doc, const fx_span *a, const fx_span *b)
{
	int			pg;

	if (a->type != FX_BALANCE_SHEET || b->type != FX_BALANCE_SHEET)
		return false;
	pg = doc->lines[b->title_line].page - 1;
	if (pg < 1 || a->end_line != doc->page_start[pg] ||
		doc->lines[a->end_line - 1].page != pg)
		return false;
	for (int i = doc->page_start[pg]; i < b->title_line; i++)
		if (is_data_line(doc, &doc->lines[i]))
			return false;
	return lines_mention(doc, a->title_line, a->end_line, "assets") &&
		!lines_mention(doc, a->title_line, a->end_line, "liabilit") &&
		lines_mention(doc, b->title_line, b->end_line, "liabilit") &&
		!lines_mention(doc, b->title_line, b->end_line, "total assets") &&
		!lines_mention(doc, b->title_line, b->end_line, "current assets");
}

/* join each balance sheet's two halves (see balance_sheet_halves) */
static int
join_halves(const fx_doc *doc, fx_span *spans, int n)
{
	int			k = 0;

	for (int i = 0; i < n; i++)
	{
		if (k > 0 && balance_sheet_halves(doc, &spans[k - 1], &spans[i]))
		{
			spans[k - 1].end_line = spans[i].end_line;
			spans[k - 1].continued = true;
			spans[k - 1].second_half = spans[i].title_line;
			continue;
		}
		spans[k++] = spans[i];
	}
	return k;
}

/*
 * Locate the statements of a document.  Returns their number and an array
 * (malloc'd) of spans in *spans_out; -1 when out of memory.
 */
int
fx_locate(const fx_doc *doc, const fx_parse_opts *opts, fx_span **spans_out)
{
	int			max = 256;
	int		   *lines = malloc(sizeof(int) * (size_t) max);
	int		   *types = malloc(sizeof(int) * (size_t) max);
	fx_span    *spans = malloc(sizeof(fx_span) * (size_t) max);
	int			n;

	*spans_out = NULL;
	if (!lines || !types || !spans)
	{
		free(lines);
		free(types);
		free(spans);
		return -1;
	}
	n = find_titles(doc, opts, lines, types, max);
	for (int k = 0; k < n; k++)
	{
		fx_span    *sp = &spans[k];
		int			pg = doc->lines[lines[k]].page - 1;
		int			end = doc->page_start[pg + 1];

		sp->type = (fx_stmt_type) types[k];
		sp->title_line = lines[k];
		sp->continued = false;
		sp->second_half = -1;
		if (k + 1 < n && lines[k + 1] < end)
			end = lines[k + 1];
		/* run on over pages that continue the statement */
		while (end == doc->page_start[pg + 1] && pg + 1 < doc->npages &&
			   !has_end_marker(doc, doc->page_start[pg], end) &&
			   (k + 1 >= n || doc->lines[lines[k + 1]].page > pg + 1 ||
				lines[k + 1] > doc->page_start[pg + 1]) &&
			   doc->page_chars[pg + 1] > 0)
		{
			int			tc;

			if (!page_continues(doc, pg + 1, &tc))
				break;
			pg++;
			end = doc->page_start[pg + 1];
			if (k + 1 < n && lines[k + 1] < end)
				end = lines[k + 1];
			sp->continued = true;
			if (doc->lines[sp->title_line].page + 8 < pg)
				break;
		}
		sp->end_line = end;
	}
	n = join_halves(doc, spans, n);
	free(lines);
	free(types);
	*spans_out = spans;
	return n;
}

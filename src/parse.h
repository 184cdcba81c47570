/*-------------------------------------------------------------------------
 *
 * parse.h
 *	  The statement parser: layout text of a document's pages in, financial
 *	  statements out.
 *
 * This module is plain C99 with no PostgreSQL headers, so that it can be
 * unit-tested and fuzzed outside the server (test/tools/fxparse).  Every
 * result it returns is allocated with malloc and released with
 * fx_result_free(); it never aborts the process on bad input.
 *
 * Pipeline inside the module:
 *	  locate (parse_locate.c)  which pages hold which statements
 *	  structure (parse.c, ...) title, periods, unit scale, currency, items
 *	  check (check.c)          subtotals, A = L + E, cash roll-forward
 *
 *-------------------------------------------------------------------------
 */
#ifndef FX_PARSE_H
#define FX_PARSE_H

#include <stdbool.h>
#include <stddef.h>

typedef enum fx_stmt_type
{
	FX_BALANCE_SHEET = 0,
	FX_INCOME_STATEMENT,
	FX_COMPREHENSIVE_INCOME,
	FX_CASH_FLOW,
	FX_EQUITY,
	FX_NUM_STMT_TYPES
} fx_stmt_type;

/* one column heading of a statement */
typedef struct fx_period
{
	char	   *label;			/* heading as printed, joined over lines */
	int			end_year;		/* 0 = unknown */
	int			end_month;		/* 1..12, 0 = unknown */
	int			end_day;		/* 1..31, 0 = unknown */
	int			months;			/* length; 0 = instant or unknown */
	int			quarter;		/* "Q3 2023", "3Q23": 1..4; 0 = none */
} fx_period;

/* one row of a statement */
typedef struct fx_item
{
	int			page;			/* 1-based page number */
	int			line_no;		/* 1-based line number on that page */
	char	   *label;			/* as printed, wrapped lines joined */
	int			indent;			/* indentation level, 0 = flush left */
	bool		is_total;
	bool		generated_label;	/* unlabeled subtotal: label made up */
	char	  **values;			/* nperiods entries; NULL = no value; else a
								 * plain decimal string such as "-3068" or
								 * "1234.5" (sign applied, dashes = "0") */
	fx_period	row_period;		/* only when the statement's columns are
								 * components (equity): the row's own period
								 * or balance date; label NULL otherwise */
	const char *concept;		/* a finx.concepts identifier an LLM gave the
								 * row (static storage, never freed), or NULL;
								 * the local parser leaves it NULL */
} fx_item;

/* one arithmetic check of a statement */
typedef struct fx_check
{
	char	   *name;			/* e.g. "subtotal", "balance", "cash_rollforward" */
	char	   *target;			/* label of the checked row */
	int			period;			/* column index */
	char	   *expected;		/* decimal string: value printed */
	char	   *computed;		/* decimal string: value computed */
	bool		passed;
	int			row;			/* index of the checked item */
	int			first_row;		/* items [first_row, last_row] went into */
	int			last_row;		/* the computed value (roughly; may be -1) */
} fx_check;

typedef struct fx_statement
{
	fx_stmt_type type;
	char	   *title;			/* heading as printed */
	int			first_page;		/* 1-based */
	int			last_page;
	char	   *unit_scale;		/* decimal string: "1", "1000", "1000000",
								 * "0.01"; NULL = unknown */
	char		currency[4];	/* ISO 4217 or "" */
	int			nperiods;
	fx_period  *periods;
	int			nitems;
	fx_item    *items;
	int			nchecks;
	fx_check   *checks;
	bool		component_columns;	/* columns are equity components, not
									 * periods: see fx_item.row_period */
} fx_statement;

typedef struct fx_result
{
	int			npages;
	int			nstatements;
	fx_statement *statements;
	int			n_no_text;		/* pages without a usable text layer */
	int		   *no_text_pages;	/* their 1-based numbers */
	char	   *error;			/* NULL, or why nothing could be parsed */
	int			nwarnings;		/* what was read but not trusted: a column
								 * whose period is not proven, a field dropped
								 * from an LLM's answer */
	char	  **warnings;
} fx_result;

typedef struct fx_parse_opts
{
	int			first_page;		/* limit to a page range; 0 = no limit */
	int			last_page;
	bool		ocr;			/* text came from OCR: be lenient */
	const bool *ocr_pages;		/* when set, [page - 1] says which pages came
								 * from OCR (the others are a text layer and
								 * are read as such); ocr is then ignored */
} fx_parse_opts;

/*
 * Parse a document given as the text of each page (pdftotext -layout output
 * split at form feeds).  pages[i] need not be NUL-terminated; lens[i] gives
 * its length.  Returns NULL only when out of memory.
 */
extern fx_result *fx_parse_document(const char *const *pages,
									const size_t *lens, int npages,
									const fx_parse_opts *opts);
extern void fx_result_free(fx_result *res);

/*
 * pdftotext -tsv output (word boxes) laid out as the text of each page, the
 * way the parser reads it (parse_words.c).  Returns the page count, -1 when
 * out of memory; free the pages with fx_words_free_pages.
 */
extern int	fx_words_layout_stream(const char *tsv, size_t len,
								   char ***pages, size_t **lens);
extern void fx_words_free_pages(char **pages, size_t *lens, int npages);

/*
 * Is a page's text layer unreadable (control codes from a font without a
 * Unicode map)?  Such a page needs OCR as a page without text does.
 */
extern bool fx_text_unreadable(const char *text, size_t len);

extern const char *fx_stmt_type_name(fx_stmt_type t);

/*
 * Check a structured statement (check.c): subtotals, totals, balance;
 * findings go to its warnings.  Used for the local parser's statements and
 * for those the LLM gives alike.
 */
extern void fx_check_statement(fx_statement *st);

#endif							/* FX_PARSE_H */

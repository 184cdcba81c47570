/*-------------------------------------------------------------------------
 *
 * parse_int.h
 *	  Private declarations shared by the statement parser's files.
 *
 * The parser sees a document as one array of lines (all pages) and one
 * array of words; a word is a run of non-blank characters with its display
 * columns, so that columns can be lined up the way pdftotext -layout drew
 * them.  Nothing here is visible outside parse*.c and check.c.
 *
 *	  parse_text.c    lines, words, cells, UTF-8 columns, string buffers
 *	  parse_number.c  amounts, unit scale, currency
 *	  parse_period.c  period headings: end date and length
 *	  parse_row.c     one line split into its label and its values
 *	  parse_locate.c  which lines open which statements
 *	  parse_heading.c the text over the value columns: their headings
 *	  parse_columns.c value columns of a block and their periods
 *	  parse_items.c   rows of a block read into items
 *	  parse_table.c   blocks of one statement and its assembly
 *	  parse_ocr_token.c one OCR word repaired: marks, amounts, spelling
 *	  parse_ocr.c     OCR text laid out in columns like pdftotext -layout
 *	  parse_words.c   word boxes (pdftotext -tsv, tesseract TSV) laid out
 *	  parse_proof.c   the fiscal year end and the proofs of each period
 *	  parse.c         entry point, statement assembly, freeing
 *	  check.c         arithmetic checks
 *
 *-------------------------------------------------------------------------
 */
#ifndef FX_PARSE_INT_H
#define FX_PARSE_INT_H

#include "parse.h"

#define FX_MAX_VALS		24		/* values kept per row */
#define FX_MAX_COLS		16		/* value columns per statement */
#define FX_NUM_LEN		40		/* longest normalised amount + NUL */
#define FX_MAX_LABEL	600		/* bytes kept of a label */
#define FX_MAX_CELLS	32		/* cells read of a line */

/* a run of non-blank characters on a line */
typedef struct fx_word
{
	int			off;			/* byte offset in the line */
	int			len;			/* bytes */
	int			start;			/* first display column */
	int			end;			/* display column after the last char */
} fx_word;

/* one line of one page */
typedef struct fx_line
{
	const char *s;				/* text, not NUL-terminated */
	int			len;
	int			page;			/* 1-based */
	int			line_no;		/* 1-based within the page */
	int			first_word;		/* index into fx_doc.words */
	int			nwords;
} fx_line;

/* all lines and words of a document */
typedef struct fx_doc
{
	int			npages;
	int			nlines;
	fx_line    *lines;
	int			nwords;
	fx_word    *words;
	int		   *page_start;		/* npages + 1 line indexes */
	int		   *page_chars;		/* non-blank characters per page */
} fx_doc;

/* a group of words separated from its neighbours by two or more blanks */
typedef struct fx_cell
{
	int			w0;				/* first word (index within the line) */
	int			w1;				/* one past the last word */
	int			start;
	int			end;
} fx_cell;

/* what a word is, as far as amounts go */
typedef enum fx_tok
{
	FX_TOK_TEXT = 0,
	FX_TOK_AMOUNT,				/* a number */
	FX_TOK_DASH,				/* a dash standing for zero */
	FX_TOK_PERCENT,				/* 12.3% */
	FX_TOK_SYMBOL,				/* $, EUR sign, ... alone */
	FX_TOK_PAREN				/* a lone ( or ) */
} fx_tok;

/* one value found on a row */
typedef struct fx_val
{
	int			start;
	int			end;
	bool		strong;			/* separators, sign, parens, decimals */
	bool		year;			/* a plain 4-digit year 1900..2100 */
	char		text[FX_NUM_LEN];	/* normalised decimal */
} fx_val;

/* a line split into label and values */
typedef struct fx_row
{
	int			label_words;	/* words [0, label_words) are the label */
	int			label_start;	/* display column of the label, -1 = none */
	int			label_end;
	int			value_gap;		/* blanks between label and first value */
	int			nvals;
	fx_val		vals[FX_MAX_VALS];
	int			npercent;		/* percent values dropped */
	bool		all_years;		/* every value is a plain year */
} fx_row;

/* a growable string */
typedef struct fx_buf
{
	char	   *data;
	size_t		len;
	size_t		cap;
	bool		failed;			/* out of memory seen */
} fx_buf;

/* a located statement before structuring: a range of lines */
typedef struct fx_span
{
	fx_stmt_type type;
	int			title_line;		/* index into fx_doc.lines */
	int			end_line;		/* one past the last line it may use */
	bool		continued;		/* runs on to following pages */
	int			second_half;	/* title line of a balance sheet's second
								 * page (its title repeated), or -1 */
} fx_span;

/* parse_text.c */
extern bool fx_doc_build(fx_doc *doc, const char *const *pages,
						 const size_t *lens, int npages);
extern void fx_doc_free(fx_doc *doc);
extern const fx_word *fx_line_words(const fx_doc *doc, const fx_line *ln);
extern int	fx_line_cells(const fx_doc *doc, const fx_line *ln,
						  fx_cell *cells, int maxcells);
extern int	fx_line_indent(const fx_doc *doc, const fx_line *ln);
extern void fx_buf_init(fx_buf *b);
extern void fx_buf_add(fx_buf *b, const char *s, size_t n);
extern void fx_buf_adds(fx_buf *b, const char *s);
extern char *fx_buf_take(fx_buf *b);
extern char *fx_strndup(const char *s, size_t n);
extern int	fx_utf8_len(const unsigned char *s, int len);
extern char *fx_words_text(const fx_doc *doc, const fx_line *ln,
						   int w0, int w1);
extern char *fx_clean_label(const char *s);
extern bool fx_is_leader_word(const char *s, size_t n);
extern bool fx_is_footnote_mark(const char *s, int len);
extern bool fx_is_mark_word(const char *t, int n);
extern int	fx_letters_lower(const char *s, int len, char *out, int outsz);
extern bool fx_has_word(const char *text, int len, const char *word);
extern bool fx_is_blank_line(const fx_line *ln);

/* parse_number.c */
extern fx_tok fx_classify_word(const char *s, int len, bool euro,
							   char *out, int outsz, bool *strong);
extern bool fx_is_year_word(const char *s, int len);
extern int	fx_group_sep_len(const char *s, int len);
extern int	fx_euro_vote(const char *s, int len);
extern const char *fx_find_unit_scale(const char *s, int len);
extern bool fx_find_currency(const char *s, int len, char cur[4]);

/* parse_period.c */
extern bool fx_period_parse(const char *s, int len, fx_period *p);
extern int	fx_period_months_hint(const char *s, int len);
extern bool fx_slash_date(const char *s, int len, int *a, int *b);
extern bool fx_text_has_date(const char *s, int len);
extern bool fx_is_month_word(const char *s, int len);
extern void fx_period_apply_hint(fx_period *p, const fx_period *hint,
								 bool instant, int ncols);

/* one period a heading lists: a date, a range or a bare year */
typedef struct fx_pitem
{
	int			off;			/* byte extent in the heading */
	int			end;
	int			year_off;		/* where its year starts; -1 = none */
	bool		has_month;		/* names a month (a date, not a year) */
} fx_pitem;

extern int	fx_period_items(const char *s, int len, fx_pitem *items, int max);
extern bool fx_period_conflict(const char *s, int len);

/* parse_proof.c: the document's fiscal year end and period proofs */
typedef struct fx_fye
{
	int			year;			/* 0 = not found */
	int			month;
	int			day;
	bool		weeks;			/* a 52/53-week year: the day varies */
	bool		from_balance;	/* found from the balance sheets' dates */
	bool		interim;		/* ... of an interim report */
	/* the cover's year-to-date period: "six months ended 30 June 2023" */
	int			ytd_year;		/* 0 = none */
	int			ytd_month;
	int			ytd_day;
	int			ytd_months;		/* 3, 6 or 9 */
	/* periods the document's headings print in full: length, year -> end */
	int			nknown;
	struct
	{
		int			year;
		int			months;		/* 3, 6, 9 or 12 */
		int			month;
		int			day;		/* 0 when headings disagree */
	}			known[16];
} fx_fye;

extern void fx_warn(fx_result *res, const char *fmt,...)
			__attribute__((format(printf, 2, 3)));
extern void fx_find_fiscal_year_end(const fx_doc *doc, fx_fye *fye);
extern void fx_note_known_periods(const fx_statement *st, fx_fye *fye);
extern void fx_fye_from_balance_sheets(const fx_result *res, fx_fye *fye);
extern void fx_prove_periods(fx_statement *st, const fx_fye *fye,
							 fx_result *res);

/* parse_locate.c */
extern int	fx_title_type(const fx_doc *doc, const fx_line *ln,
						  bool *continued);
extern bool fx_title_is_german(const fx_doc *doc, const fx_line *ln);
extern bool fx_is_end_marker(const char *s, int len);
extern int	fx_locate(const fx_doc *doc, const fx_parse_opts *opts,
					  fx_span **spans_out);

/* parse_row.c */
extern void fx_analyze_row(const fx_doc *doc, const fx_line *ln, bool euro,
						   fx_row *row);
extern bool fx_row_is_data(const fx_row *row);
extern void fx_row_year_label(fx_row *row, int label_left);

/* parse_heading.c */
extern int	fx_split_heading_years(const fx_doc *doc, const fx_line *ln,
								   fx_cell *cells, int nc, int max, int left);
extern char *fx_cell_text(const fx_doc *doc, const fx_line *ln,
						  const fx_cell *c);
extern bool fx_column_headings(const fx_doc *doc, int from, int to,
							   const int *xs, int n, int left, int spacing,
							   char **labels);
extern void fx_caption_hint(const fx_doc *doc, int from, int to, int left,
							fx_period *hint);

/* parse_columns.c: a value column of a block (one page of a statement) */
typedef struct fx_colspan
{
	int			start;
	int			end;
	int			count;			/* values seen in it */
	int			period;			/* statement period, -1 = none */
} fx_colspan;

/* state of one block while it is read */
typedef struct fx_block
{
	int			from;			/* first line after the title */
	int			to;				/* one past the last line */
	int			body;			/* first line of rows */
	int			period_line;	/* -1 = none */
	int			ncols;
	fx_colspan	cols[FX_MAX_COLS];	/* clusters of values */
	int			nanch;
	fx_colspan	anch[FX_MAX_COLS];	/* where each period's values sit */
	int			label_left;		/* leftmost start of the rows' labels */
	bool		in_order;		/* a row with a value per period holds them
								 * in order (columns moved on the page) */
} fx_block;

extern void fx_find_columns(const fx_doc *doc, fx_block *bl, bool euro);
extern int	fx_value_left(const fx_block *bl);
extern int	fx_qualifiers_below(const fx_doc *doc, const fx_block *bl,
								bool euro);
extern int	fx_find_period_line(const fx_doc *doc, const fx_block *bl,
								bool euro, bool equity);
extern bool fx_make_periods(const fx_doc *doc, fx_block *bl,
							fx_statement *st, const fx_period *hint);
extern void fx_map_block(const fx_doc *doc, fx_block *bl,
						 const fx_block *first, const fx_statement *st);
extern int	fx_period_of(const fx_block *bl, int start, int end);
extern bool fx_has_note_anchor(const fx_block *bl);

/* parse_items.c: the growing list of items of a statement */
typedef struct fx_items
{
	fx_item    *items;
	int			n;
	int			cap;
	bool		failed;
} fx_items;

extern void fx_read_rows(const fx_doc *doc, const fx_block *bl, fx_items *it,
						 int nperiods, bool euro);

/* parse_table.c */
extern bool fx_structure(const fx_doc *doc, const fx_span *span,
						 fx_statement *st);

/* parse_ocr_token.c: one word (token) of an OCR line */
#define FX_OCR_TOK_LEN	48		/* bytes kept per token */

typedef struct fx_ocr_tok
{
	char		s[FX_OCR_TOK_LEN];
	int			len;
	int			start;			/* display column in the OCR text */
	int			end;
	bool		amount;			/* an amount or a dash */
	bool		year;
	int			head;			/* "8 216,357" joined: the length of the one
								 * or two digits before the comma put
								 * between (a note reference or a lost
								 * comma); 0 = none */
} fx_ocr_tok;

extern bool fx_ocr_clean_token(fx_ocr_tok *t);
extern void fx_ocr_fix_amount(fx_ocr_tok *t);
extern bool fx_ocr_is_dash_mark(const fx_ocr_tok *t);
extern bool fx_ocr_tok_is_amount(const fx_ocr_tok *t);
extern bool fx_ocr_tok_is_year(const fx_ocr_tok *t);
extern bool fx_ocr_is_short_junk(const fx_ocr_tok *t);
extern bool fx_ocr_is_currency_sign(const fx_ocr_tok *t);
extern int	fx_ocr_lead_sign_len(const char *s, int len);
extern bool fx_ocr_numeric_shape(const char *s, int len, int *ndig);
extern bool fx_ocr_is_digit(unsigned char c);

/* parse_ocr.c */
extern char *fx_ocr_layout_page(const char *page, size_t len,
								size_t *outlen);
extern char *fx_ocr_repair_page(const char *page, size_t len,
								size_t *outlen);

/* parse_words.c: one word box of a page, in the producer's units */
typedef struct fx_wbox
{
	const char *text;			/* not NUL-terminated */
	int			len;
	double		x0;				/* left, top, right, bottom */
	double		y0;
	double		x1;
	double		y1;
	int			line;			/* the producer's line (0, 1, ...) */
	int			row;			/* row of the page, -1 = none yet */
} fx_wbox;

extern bool fx_is_word_tsv(const char *s, size_t len);
extern double fx_words_scale(const char *const *pages, const size_t *lens,
							 int npages);
extern char *fx_words_layout_page(const char *tsv, size_t len, double scale,
								  size_t *outlen);

/* check.c */
extern bool fx_dec_parse(const char *s, long long *v);
extern void fx_dec_format(long long v, char *out, int outsz);

#endif							/* FX_PARSE_INT_H */

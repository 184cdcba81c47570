/*-------------------------------------------------------------------------
 *
 * parse_text.c
 *	  Text plumbing of the statement parser: splitting pages into lines and
 *	  words with their display columns, grouping words into cells, cleaning
 *	  labels, and a small growable string buffer.
 *
 * Input may be any bytes.  Display columns count UTF-8 lead bytes (every
 * byte that is not a continuation byte), which matches how pdftotext
 * -layout pads its lines; invalid UTF-8 only shifts columns, it never
 * makes us read out of bounds.
 *
 *-------------------------------------------------------------------------
 */
#include "parse_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* is this byte a blank separating words? */
static bool
is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v';
}

/* initialise an empty buffer */
void
fx_buf_init(fx_buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->failed = false;
}

/* append n bytes */
void
fx_buf_add(fx_buf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap)
	{
		size_t		ncap = b->cap ? b->cap * 2 : 64;
		char	   *nd;

		while (ncap < b->len + n + 1)
			ncap *= 2;
		nd = realloc(b->data, ncap);
		if (nd == NULL)
		{
			b->failed = true;
			return;
		}
		b->data = nd;
		b->cap = ncap;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

/* append a NUL-terminated string */
void
fx_buf_adds(fx_buf *b, const char *s)
{
	fx_buf_add(b, s, strlen(s));
}

/* hand over the buffer's string (never NULL unless out of memory) */
char *
fx_buf_take(fx_buf *b)
{
	char	   *r;

	if (b->failed)
	{
		free(b->data);
		fx_buf_init(b);
		return NULL;
	}
	if (b->data == NULL)
		fx_buf_add(b, "", 0);
	r = b->data;
	fx_buf_init(b);
	return r;
}

/* copy n bytes into a new NUL-terminated string */
char *
fx_strndup(const char *s, size_t n)
{
	char	   *r = malloc(n + 1);

	if (r == NULL)
		return NULL;
	memcpy(r, s, n);
	r[n] = '\0';
	return r;
}

/* display width of len bytes: count the non-continuation bytes */
int
fx_utf8_len(const unsigned char *s, int len)
{
	int			n = 0;

	for (int i = 0; i < len; i++)
		if ((s[i] & 0xC0) != 0x80)
			n++;
	return n;
}

/*
 * Is a page's text layer unreadable: control characters make up 2 % of its
 * non-blank characters or more (20 at least)?  A font without a Unicode
 * map (Type 3 fonts with their own encoding) comes out of pdftotext as
 * control codes and stray symbols.  Such a page needs OCR as a page
 * without text does.  Measured on the 54 unlabeled filings: readable pages
 * have at most 0.3 %, unreadable ones 5 % to 100 %.
 */
bool
fx_text_unreadable(const char *p, size_t len)
{
	int			chars = 0,
				ctl = 0;

	for (size_t i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) p[i];

		if (c > 0x20)
			chars++;
		else if (c != '\t' && c != '\n' && c != '\r' && c != '\f' &&
				 c != ' ')
		{
			ctl++;
			chars++;
		}
	}
	return ctl >= 20 && ctl * 50 >= chars;
}

/* count lines and words of one page, to size the arrays */
static void
count_page(const char *p, size_t len, int *nlines, int *nwords)
{
	bool		inword = false;

	(*nlines)++;
	for (size_t i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) p[i];

		if (c == '\n')
		{
			(*nlines)++;
			inword = false;
		}
		else if (is_blank(c) || c == '\0' || c == '\f')
			inword = false;
		else if (!inword)
		{
			(*nwords)++;
			inword = true;
		}
	}
}

/* split one page into lines and words, appending to the document */
static void
split_page(fx_doc *doc, const char *p, size_t len, int page)
{
	size_t		i = 0;
	int			line_no = 0;

	doc->page_chars[page - 1] = 0;
	for (;;)
	{
		fx_line    *ln = &doc->lines[doc->nlines++];
		size_t		b = i;
		int			col = 0;

		while (i < len && p[i] != '\n')
			i++;
		ln->s = p + b;
		ln->len = (int) (i - b);
		ln->page = page;
		ln->line_no = ++line_no;
		ln->first_word = doc->nwords;
		ln->nwords = 0;
		for (size_t j = b; j < i;)
		{
			unsigned char c = (unsigned char) p[j];

			if (is_blank(c) || c == '\0' || c == '\f')
			{
				col++;
				j++;
				continue;
			}
			{
				fx_word    *w = &doc->words[doc->nwords++];

				w->off = (int) (j - b);
				w->start = col;
				while (j < i && !is_blank((unsigned char) p[j]) &&
					   p[j] != '\0' && p[j] != '\f')
				{
					if (((unsigned char) p[j] & 0xC0) != 0x80)
						col++;
					j++;
				}
				w->len = (int) (j - b) - w->off;
				w->end = col;
				doc->page_chars[page - 1] += w->len;
				ln->nwords++;
			}
		}
		if (i >= len)
			break;
		i++;					/* skip the newline */
	}
}

/* kinds of words in a run of blank-grouped digits ("2 492 336") */
#define GRP_NONE	0
#define GRP_FIRST	1			/* [sign] 1-3 digits: "2", "(12", "US$2" */
#define GRP_MID		2			/* exactly 3 digits */
#define GRP_LAST	4			/* 3 digits and an end: "336)", "336,50" */

/* what part of a blank-grouped number could this word be (bit set)? */
static int
group_kind(const char *s, int len)
{
	int			i = 0,
				d = 0,
				k = 0;

	/* a short prefix: sign, parenthesis, currency sign or code */
	while (i < len && i < 6 && !(s[i] >= '0' && s[i] <= '9') &&
		   (s[i] == '(' || s[i] == '-' || s[i] == '+' || s[i] == '$' ||
			s[i] == '/' || s[i] == '.' || (s[i] >= 'A' && s[i] <= 'Z') ||
			(unsigned char) s[i] >= 0x80))
		i++;
	while (i + d < len && s[i + d] >= '0' && s[i + d] <= '9')
		d++;
	if (d == 0)
		return GRP_NONE;
	if (i + d == len && d <= 3)
		k |= GRP_FIRST;
	if (i > 0 || d != 3)
		return k;
	if (len == 3)
		return k | GRP_MID | GRP_LAST;
	/* an end after the last group: ",50", then ")", "-", "%", a mark */
	{
		int			j = 3;

		if (j + 1 < len && (s[j] == ',' || s[j] == '.') &&
			s[j + 1] >= '0' && s[j + 1] <= '9')
		{
			j++;
			while (j < len && s[j] >= '0' && s[j] <= '9')
				j++;
		}
		for (; j < len; j++)
			if (!(s[j] == ')' || s[j] == '-' || s[j] == '%' || s[j] == '*' ||
				  (unsigned char) s[j] >= 0x80))
				return k;
	}
	return k | GRP_LAST;
}

/* is the word a conventionally grouped number ("1,234", "12.345")? */
static bool
is_mark_grouped(const char *s, int len)
{
	for (int j = 1; j + 3 < len; j++)
	{
		if ((s[j] == ',' || s[j] == '.' || s[j] == '\'') &&
			s[j - 1] >= '0' && s[j - 1] <= '9' &&
			s[j + 1] >= '0' && s[j + 1] <= '9' &&
			s[j + 2] >= '0' && s[j + 2] <= '9' &&
			s[j + 3] >= '0' && s[j + 3] <= '9' &&
			(j + 4 == len || s[j + 4] < '0' || s[j + 4] > '9'))
			return true;
	}
	return false;
}

/* is the word a short symbol that may touch a number ("$", "CHF", "€")? */
static bool
is_symbol_word(const char *s, int len)
{
	if (len > 4)
		return false;
	for (int i = 0; i < len; i++)
		if ((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'z'))
			return false;
	return true;
}

/*
 * Find the runs of words that a line's blanks split out of one number
 * ("2 492 336"): words [a, b) joined by single blanks, each a possible digit
 * group.  *valid tells whether the run reads as one well-formed number set
 * apart from its neighbours (wide gaps or a currency sign); *strong whether
 * it could hardly be anything else (three groups or more, or decimals).
 * Returns b, the word after the run.
 */
static int
group_run(const char *ls, const fx_word *w, int nw, int a, bool *valid,
		  bool *strong)
{
	int			b = a + 1;
	int			kl;

	*valid = *strong = false;
	while (b < nw && w[b].start - w[b - 1].end == 1 &&
		   group_kind(ls + w[b].off, w[b].len) != GRP_NONE)
		b++;
	if (b - a < 2)
		return b;
	*valid = (group_kind(ls + w[a].off, w[a].len) & GRP_FIRST) != 0;
	for (int k = a + 1; k < b - 1; k++)
		*valid = *valid && (group_kind(ls + w[k].off, w[k].len) & GRP_MID);
	kl = group_kind(ls + w[b - 1].off, w[b - 1].len);
	*valid = *valid && (kl & GRP_LAST);
	/* set apart on the left and on the right */
	if (a > 0 && w[a].start - w[a - 1].end < 2 &&
		!is_symbol_word(ls + w[a - 1].off, w[a - 1].len))
		*valid = false;
	if (b < nw && w[b].start - w[b - 1].end < 2 &&
		!is_symbol_word(ls + w[b].off, w[b].len))
		*valid = false;
	*strong = *valid && (b - a >= 3 || !(kl & GRP_MID));
	return b;
}

/* join words [a, b) of a line into one word */
static void
join_words(fx_doc *doc, fx_line *ln, int a, int b)
{
	fx_word    *w = doc->words + ln->first_word;

	w[a].len = w[b - 1].off + w[b - 1].len - w[a].off;
	w[a].end = w[b - 1].end;
	memmove(&w[a + 1], &w[b], sizeof(fx_word) * (size_t) (ln->nwords - b));
	ln->nwords -= b - a - 1;
}

/*
 * Join a closing parenthesis set off by one blank to its amount ("(2,167 )"),
 * which some PDFs print so that the digits line up.
 */
static void
join_loose_parens(fx_doc *doc, int from, int to)
{
	for (int i = from; i < to; i++)
	{
		fx_line    *ln = &doc->lines[i];

		for (int a = 0; a + 1 < ln->nwords; a++)
		{
			const fx_word *w = doc->words + ln->first_word;
			const char *s = ln->s + w[a].off;
			int			n = w[a].len;

			if (n >= 2 && s[0] == '(' && s[n - 1] >= '0' && s[n - 1] <= '9' &&
				w[a + 1].len == 1 && ln->s[w[a + 1].off] == ')' &&
				w[a + 1].start - w[a].end == 1)
				join_words(doc, ln, a, a + 2);
		}
	}
}

/*
 * Join a percent sign set off by one blank to the number before it ("6.7 %",
 * "(3.1) %"), as change and margin columns of many reports print it; alone,
 * the sign reads as text and ends the row's values at its right.
 */
static void
join_loose_percent(fx_doc *doc, int from, int to)
{
	for (int i = from; i < to; i++)
	{
		fx_line    *ln = &doc->lines[i];

		for (int a = 0; a + 1 < ln->nwords; a++)
		{
			const fx_word *w = doc->words + ln->first_word;
			const char *s = ln->s + w[a].off;
			char		last = s[w[a].len - 1];

			if (w[a + 1].len == 1 && ln->s[w[a + 1].off] == '%' &&
				w[a + 1].start - w[a].end == 1 &&
				((last >= '0' && last <= '9') || last == ')') &&
				strchr("0123456789(-+.", s[0]) != NULL)
				join_words(doc, ln, a, a + 2);
		}
	}
}

/* is the word only a minus sign ("-", U+2212 minus)? */
static bool
is_lone_minus(const char *s, int len)
{
	return (len == 1 && s[0] == '-') ||
		(len == 3 && memcmp(s, "\xe2\x88\x92", 3) == 0);
}

/*
 * Join a minus sign set off by one blank to the amount after it ("- 834",
 * "\xe2\x88\x92 1.234"), which would otherwise read as a dash for zero and
 * a positive amount.  The sign must open its cell (two blanks or more
 * before it, or the line's start) and the amount must carry no sign of its
 * own; a dash standing for zero is followed by a wider gap.
 */
static void
join_loose_minus(fx_doc *doc, int from, int to)
{
	for (int i = from; i < to; i++)
	{
		fx_line    *ln = &doc->lines[i];

		for (int a = 0; a + 1 < ln->nwords; a++)
		{
			const fx_word *w = doc->words + ln->first_word;
			const char *n = ln->s + w[a + 1].off;

			if (is_lone_minus(ln->s + w[a].off, w[a].len) &&
				w[a + 1].start - w[a].end == 1 &&
				(a == 0 || w[a].start - w[a - 1].end >= 2) &&
				n[0] >= '0' && n[0] <= '9')
				join_words(doc, ln, a, a + 2);
		}
	}
}

/*
 * Numbers grouped by plain blanks ("2 492 336") come out of the layout as
 * several words.  Whether a page groups digits this way is decided on the
 * whole page: several runs of single-blank groups of exactly three digits,
 * set apart from their neighbours by wider gaps (at least one with three
 * groups or decimals), and more of them than numbers grouped by marks
 * ("1,234").  On such a page every run is joined into one word; a run that
 * is not a well-formed number stays joined too, so that it reads as text
 * and gives no value rather than several wrong ones.
 */
static void
join_blank_groups(fx_doc *doc, int from, int to)
{
	int			nruns = 0,
				nstrong = 0,
				nmarks = 0;

	for (int i = from; i < to; i++)
	{
		fx_line    *ln = &doc->lines[i];
		const fx_word *w = doc->words + ln->first_word;

		for (int a = 0; a < ln->nwords;)
		{
			bool		valid,
						strong;
			int			b;

			if (is_mark_grouped(ln->s + w[a].off, w[a].len))
				nmarks++;
			if (group_kind(ln->s + w[a].off, w[a].len) == GRP_NONE)
			{
				a++;
				continue;
			}
			b = group_run(ln->s, w, ln->nwords, a, &valid, &strong);
			nruns += valid;
			nstrong += strong;
			a = b;
		}
	}
	if (!((nstrong >= 1 && nruns >= 2) || nruns >= 4) || nruns <= nmarks)
		return;
	for (int i = from; i < to; i++)
	{
		fx_line    *ln = &doc->lines[i];

		for (int a = 0; a < ln->nwords; a++)
		{
			const fx_word *w = doc->words + ln->first_word;
			bool		valid,
						strong;
			int			b;

			if (group_kind(ln->s + w[a].off, w[a].len) == GRP_NONE)
				continue;
			b = group_run(ln->s, w, ln->nwords, a, &valid, &strong);
			if (b - a >= 2)
				join_words(doc, ln, a, b);
		}
	}
}

/* build the line and word arrays of a document; false when out of memory */
bool
fx_doc_build(fx_doc *doc, const char *const *pages, const size_t *lens,
			 int npages)
{
	int			nlines = 0;
	int			nwords = 0;

	memset(doc, 0, sizeof(*doc));
	if (npages < 0)
		npages = 0;
	for (int i = 0; i < npages; i++)
		if (pages[i] != NULL)
			count_page(pages[i], lens[i], &nlines, &nwords);
		else
			nlines++;
	doc->npages = npages;
	doc->lines = malloc(sizeof(fx_line) * (size_t) (nlines + 1));
	doc->words = malloc(sizeof(fx_word) * (size_t) (nwords + 1));
	doc->page_start = malloc(sizeof(int) * (size_t) (npages + 1));
	doc->page_chars = malloc(sizeof(int) * (size_t) (npages + 1));
	if (!doc->lines || !doc->words || !doc->page_start || !doc->page_chars)
	{
		fx_doc_free(doc);
		return false;
	}
	for (int i = 0; i < npages; i++)
	{
		doc->page_start[i] = doc->nlines;
		split_page(doc, pages[i] ? pages[i] : "", pages[i] ? lens[i] : 0,
				   i + 1);
		join_loose_parens(doc, doc->page_start[i], doc->nlines);
		join_loose_percent(doc, doc->page_start[i], doc->nlines);
		join_blank_groups(doc, doc->page_start[i], doc->nlines);
		join_loose_minus(doc, doc->page_start[i], doc->nlines);
	}
	doc->page_start[npages] = doc->nlines;
	return true;
}

/* release the arrays of a document */
void
fx_doc_free(fx_doc *doc)
{
	free(doc->lines);
	free(doc->words);
	free(doc->page_start);
	free(doc->page_chars);
	memset(doc, 0, sizeof(*doc));
}

/* the words of a line */
const fx_word *
fx_line_words(const fx_doc *doc, const fx_line *ln)
{
	return doc->words + ln->first_word;
}

/* is the line empty or blank? */
bool
fx_is_blank_line(const fx_line *ln)
{
	return ln->nwords == 0;
}

/* display column of the first word, or -1 */
int
fx_line_indent(const fx_doc *doc, const fx_line *ln)
{
	if (ln->nwords == 0)
		return -1;
	return fx_line_words(doc, ln)[0].start;
}

/* group a line's words into cells split at gaps of two or more columns */
int
fx_line_cells(const fx_doc *doc, const fx_line *ln, fx_cell *cells,
			  int maxcells)
{
	const fx_word *w = fx_line_words(doc, ln);
	int			n = 0;

	for (int i = 0; i < ln->nwords; i++)
	{
		if (n > 0 && w[i].start - w[i - 1].end < 2)
		{
			cells[n - 1].w1 = i + 1;
			cells[n - 1].end = w[i].end;
			continue;
		}
		if (n == maxcells)
			break;
		cells[n].w0 = i;
		cells[n].w1 = i + 1;
		cells[n].start = w[i].start;
		cells[n].end = w[i].end;
		n++;
	}
	return n;
}

/* the words [w0, w1) of a line joined by single spaces */
char *
fx_words_text(const fx_doc *doc, const fx_line *ln, int w0, int w1)
{
	const fx_word *w = fx_line_words(doc, ln);
	fx_buf		b;

	fx_buf_init(&b);
	for (int i = w0; i < w1 && i < ln->nwords; i++)
	{
		if (i > w0)
			fx_buf_add(&b, " ", 1);
		fx_buf_add(&b, ln->s + w[i].off, (size_t) w[i].len);
		if (b.len > FX_MAX_LABEL)
			break;
	}
	return fx_buf_take(&b);
}

/* is this word a currency sign standing alone? */
static bool
is_currency_word(const char *s, size_t n)
{
	static const char *const signs[] = {
		"$", "US$", "C$", "A$", "\xe2\x82\xac", "\xc2\xa3", "\xe2\x82\xb1",
		"\xc2\xa5", "\xe2\x82\xb9", "(\xe2\x82\xac)", "($)", NULL
	};

	for (int i = 0; signs[i]; i++)
		if (strlen(signs[i]) == n && memcmp(signs[i], s, n) == 0)
			return true;
	return false;
}

/* is this word a bullet or a stray glyph with no meaning in a label? */
static bool
is_glyph_word(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *) s;

	if (n == 3 && u[0] == 0xEF && u[1] >= 0x80 && u[1] <= 0xA3)
		return true;			/* private use area U+F000.. */
	if (n == 3 && u[0] == 0xE2 && u[1] == 0x80 && u[2] == 0xA2)
		return true;			/* bullet */
	if (n == 3 && u[0] == 0xE2 && u[1] == 0x96)
		return true;			/* block elements, squares */
	if (n == 3 && u[0] == 0xE2 && u[1] == 0x97)
		return true;			/* geometric shapes */
	return false;
}

/* is the word a footnote mark of one digit in parentheses ("(1)")? */
bool
fx_is_footnote_mark(const char *s, int len)
{
	return len == 3 && s[0] == '(' && s[1] >= '1' && s[1] <= '9' && s[2] == ')';
}

/*
 * Is the word a note mark: one or two letters or digits in parentheses
 * ("(1)", "(a)", "(12)") or one to three asterisks?
 */
bool
fx_is_mark_word(const char *t, int n)
{
	if (n >= 3 && n <= 4 && t[0] == '(' && t[n - 1] == ')')
		return isalnum((unsigned char) t[1]) &&
			(n == 3 || isalnum((unsigned char) t[2]));
	return n >= 1 && n <= 3 && strspn(t, "*") == (size_t) n;
}

/* is the word only dots (a dot leader: '.', '_', '…')? */
bool
fx_is_leader_word(const char *s, size_t n)
{
	size_t		dots = 0;

	for (size_t i = 0; i < n; i++)
	{
		if (s[i] == '.' || s[i] == '_')
			dots++;
		else if (i + 2 < n + 0 && (unsigned char) s[i] == 0xE2 &&
				 (unsigned char) s[i + 1] == 0x80 &&
				 (unsigned char) s[i + 2] == 0xA6)
		{
			dots += 3;
			i += 2;
		}
		else
			return false;
	}
	return dots >= 1;
}

/* length of a word without a trailing dot leader ("Revenue.......") */
static size_t
strip_trailing_leader(const char *s, size_t n)
{
	size_t		k = n;

	while (k > 0 && s[k - 1] == '.')
		k--;
	if (n - k >= 3)
		return k;
	return n;
}

/*
 * Drop a dash standing alone at the end of a label of other words
 * ("Total current assets -"): what OCR read off the dot leaders, never
 * part of a printed label.
 */
static void
trim_trailing_dash(fx_buf *b)
{
	static const char *const dashes[] = {" -", " \xe2\x80\x93", " \xe2\x80\x94", NULL};

	if (b->failed || b->data == NULL)
		return;
	for (int k = 0; dashes[k]; k++)
	{
		size_t		n = strlen(dashes[k]);

		if (b->len > n && memcmp(b->data + b->len - n, dashes[k], n) == 0)
		{
			b->len -= n;
			b->data[b->len] = '\0';
			return;
		}
	}
}

/*
 * Clean a raw label: collapse blanks, drop currency signs standing alone,
 * dot leaders and stray glyphs, trim.  Returns a new string.
 */
char *
fx_clean_label(const char *s)
{
	fx_buf		b;
	size_t		i = 0;
	size_t		n = strlen(s);

	fx_buf_init(&b);
	while (i < n)
	{
		size_t		j;
		size_t		wl;

		while (i < n && is_blank((unsigned char) s[i]))
			i++;
		j = i;
		while (j < n && !is_blank((unsigned char) s[j]))
			j++;
		if (j == i)
			break;
		wl = strip_trailing_leader(s + i, j - i);
		if (!is_currency_word(s + i, wl) && !fx_is_leader_word(s + i, wl) &&
			!is_glyph_word(s + i, wl) && wl > 0)
		{
			if (b.len > 0)
				fx_buf_add(&b, " ", 1);
			fx_buf_add(&b, s + i, wl);
		}
		i = j;
	}
	trim_trailing_dash(&b);
	return fx_buf_take(&b);
}

/*
 * Copy the ASCII letters of s, lowercased, dropping everything else (so
 * that "Incom e" and "Shee t" still read as words).  Returns the length.
 */
int
fx_letters_lower(const char *s, int len, char *out, int outsz)
{
	int			n = 0;

	for (int i = 0; i < len && n < outsz - 1; i++)
	{
		char		c = s[i];

		if (c >= 'A' && c <= 'Z')
			out[n++] = (char) (c - 'A' + 'a');
		else if (c >= 'a' && c <= 'z')
			out[n++] = c;
	}
	out[n] = '\0';
	return n;
}

/* does text contain word (ASCII, case-insensitive) standing alone? */
bool
fx_has_word(const char *text, int len, const char *word)
{
	int			wl = (int) strlen(word);

	for (int i = 0; i + wl <= len; i++)
	{
		int			k;

		if (i > 0 && ((text[i - 1] | 32) >= 'a' && (text[i - 1] | 32) <= 'z'))
			continue;
		for (k = 0; k < wl; k++)
		{
			char		a = text[i + k];

			if (a >= 'A' && a <= 'Z')
				a = (char) (a - 'A' + 'a');
			if (a != word[k])
				break;
		}
		if (k < wl)
			continue;
		if (i + wl < len && ((text[i + wl] | 32) >= 'a' &&
							 (text[i + wl] | 32) <= 'z'))
			continue;
		return true;
	}
	return false;
}

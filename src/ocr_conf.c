/*-------------------------------------------------------------------------
 *
 * ocr_conf.c
 *	  What tesseract's word confidences say about a job's results.
 *
 * Each OCR'd page comes with a summary of its TSV (ocr.c): the mean word
 * confidence and every word holding a digit with its confidence and its
 * line among tesseract's lines.  This file owns:
 *	  - reading that summary and placing each word on a line of the page's
 *		text (the line numbers the parser gives its items);
 *	  - the words as JSON for the text cache (finx.page_texts.ocr_words);
 *	  - the confidence of every value of a parsed statement, found by
 *		matching the value's digits to the words on the item's lines;
 *	  - a note on each failed arithmetic check that involves a value read
 *		with low confidence, and the job's warnings about such pages and
 *		values.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "lib/stringinfo.h"
#include "utils/json.h"

#include "ocr_conf.h"

#define ITEM_SPAN		4		/* lines of one item: a label wraps */
#define MAX_LISTED		5		/* words named per page in a warning */
#define DIGITS_LEN		64

/* the lines of a page's text */
typedef struct TextLines
{
	int			n;
	const char **s;
	int		   *len;
} TextLines;

/* Split text at newlines (without copying). */
static TextLines
split_lines(const char *text)
{
	TextLines	t;
	int			cap = 1;

	for (const char *p = text; *p; p++)
		cap += *p == '\n';
	t.s = palloc(sizeof(char *) * cap);
	t.len = palloc(sizeof(int) * cap);
	t.n = 0;
	for (const char *p = text;;)
	{
		const char *e = strchr(p, '\n');

		t.s[t.n] = p;
		t.len[t.n++] = e ? (int) (e - p) : (int) strlen(p);
		if (e == NULL)
			break;
		p = e + 1;
	}
	return t;
}

/* Does the line hold something other than blanks? */
static bool
line_has_text(const char *s, int len)
{
	for (int i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\f' && s[i] != '\r')
			return true;
	return false;
}

/* Is word a blank-separated token of the line? */
static bool
line_has_word(const char *s, int len, const char *word)
{
	int			wl = strlen(word);

	for (int i = 0; i + wl <= len; i++)
		if ((i == 0 || s[i - 1] == ' ') && memcmp(s + i, word, wl) == 0 &&
			(i + wl == len || s[i + wl] == ' '))
			return true;
	return false;
}

/*
 * The text line (1-based) of a word on tesseract's line ord: the ord-th line
 * with text, or a line near it that holds the word.
 */
static int
place_word(const TextLines *t, const int *ord_line, int nord, int ord,
		   const char *word)
{
	int			guess = ord_line[Max(1, Min(ord, nord)) - 1];

	for (int d = 0; d <= 3; d++)
		for (int sgn = -1; sgn <= 1; sgn += 2)
		{
			int			l = guess + sgn * d;

			if (l >= 1 && l <= t->n && line_has_word(t->s[l - 1], t->len[l - 1], word))
				return l;
		}
	return guess;
}

/* Read one "w LINE CONF WORD" line of a summary into *w. */
static bool
read_word(const char *line, int len, const TextLines *t, const int *ord_line,
		  int nord, FxOcrWord *w)
{
	int			ord,
				conf,
				off = 0;

	if (sscanf(line, "w %d %d %n", &ord, &conf, &off) < 2 || off <= 0 || off >= len)
		return false;
	w->word = pnstrdup(line + off, len - off);
	w->conf = Max(0, Min(100, conf));
	w->line = nord > 0 ? place_word(t, ord_line, nord, ord, w->word) : 1;
	return true;
}

/*
 * The confidences of one page from the summary its OCR child printed and
 * its text; NULL without a summary.
 */
FxOcrConf *
fx_ocr_conf_parse(const char *summary, const char *text)
{
	FxOcrConf  *c;
	TextLines	t = split_lines(text);
	TextLines	sl;
	int		   *ord_line = palloc(sizeof(int) * t.n);
	int			nord = 0;

	if (summary == NULL)
		return NULL;
	for (int i = 0; i < t.n; i++)
		if (line_has_text(t.s[i], t.len[i]))
			ord_line[nord++] = i + 1;
	sl = split_lines(summary);
	c = palloc0(sizeof(FxOcrConf));
	c->mean = -1;
	c->words = palloc(sizeof(FxOcrWord) * sl.n);
	for (int i = 0; i < sl.n; i++)
	{
		int			m10,
					n;

		if (sl.s[i][0] == 'w')
			c->nwords += read_word(sl.s[i], sl.len[i], &t, ord_line, nord,
								   &c->words[c->nwords]) ? 1 : 0;
		else if (sscanf(sl.s[i], "m %d %d", &m10, &n) == 2 && n > 0)
			c->mean = m10 / 10.0;
	}
	return c;
}

/* The words of a page as a JSON array of {line, conf, word}. */
char *
fx_ocr_conf_words_json(const FxOcrConf *c)
{
	StringInfoData b;

	initStringInfo(&b);
	appendStringInfoChar(&b, '[');
	for (int i = 0; i < c->nwords; i++)
	{
		appendStringInfo(&b, "%s{\"line\":%d,\"conf\":%d,\"word\":",
						 i ? "," : "", c->words[i].line, c->words[i].conf);
		escape_json(&b, c->words[i].word);
		appendStringInfoChar(&b, '}');
	}
	appendStringInfoChar(&b, ']');
	return b.data;
}

/*
 * The digits of a value or word into out; with nozeros, trailing zeros are
 * dropped too (a value "1234.5" printed "1,234.50").
 */
static void
digits_of(const char *s, char *out, bool nozeros)
{
	int			n = 0;

	for (; *s && n < DIGITS_LEN - 1; s++)
		if (*s >= '0' && *s <= '9')
			out[n++] = *s;
	while (nozeros && n > 1 && out[n - 1] == '0')
		n--;
	out[n] = '\0';
}

/* Was the value printed as these words' digits? */
static bool
same_number(const char *value, const char *w1, const char *w2)
{
	char		v[DIGITS_LEN],
				w[DIGITS_LEN * 2];
	bool		dec = strchr(value, '.') || strchr(w1, '.') || (w2 && strchr(w2, '.'));

	digits_of(value, v, dec);
	digits_of(w1, w, false);
	if (w2)
		digits_of(w2, w + strlen(w), false);
	if (dec)
		digits_of(pstrdup(w), w, true);
	return v[0] != '\0' && strcmp(v, w) == 0;
}

/* The line just past item i's lines: the next item's line, at most a few. */
static int
item_end_line(const fx_statement *st, int i)
{
	const fx_item *it = &st->items[i];

	for (int k = i + 1; k < st->nitems; k++)
		if (st->items[k].page == it->page && st->items[k].line_no > it->line_no)
			return Min(st->items[k].line_no, it->line_no + ITEM_SPAN);
	return it->line_no + ITEM_SPAN;
}

/*
 * Confidence of each value of item i into conf[nperiods] (-1 unknown):
 * the word printing the value's digits on the item's lines, else two
 * adjacent words ("1 234"), else the least confident digit word left on
 * those lines.  False when the item's page was not OCR'd.
 */
static bool
item_conf(const fx_statement *st, int i, FxOcrConf **pages, int npages, int *conf)
{
	const fx_item *it = &st->items[i];
	FxOcrConf  *pc = it->page >= 1 && it->page <= npages ? pages[it->page - 1] : NULL;
	int			end = item_end_line(st, i);
	bool	   *used;

	if (pc == NULL)
		return false;
	used = palloc0(sizeof(bool) * Max(pc->nwords, 1));
	for (int pass = 0; pass < 3; pass++)
		for (int j = 0; j < st->nperiods; j++)
		{
			const char *v = it->values ? it->values[j] : NULL;

			if (v == NULL || conf[j] >= 0 || (pass == 2 && strcmp(v, "0") == 0))
				continue;
			for (int k = 0; k < pc->nwords && conf[j] < 0; k++)
			{
				FxOcrWord  *w = &pc->words[k];
				FxOcrWord  *w2 = k + 1 < pc->nwords ? &pc->words[k + 1] : NULL;

				if (used[k] || w->line < it->line_no || w->line >= end)
					continue;
				if (pass == 0 && same_number(v, w->word, NULL))
					conf[j] = w->conf, used[k] = true;
				else if (pass == 1 && w2 && !used[k + 1] && w2->line == w->line &&
						 same_number(v, w->word, w2->word))
					conf[j] = Min(w->conf, w2->conf), used[k] = used[k + 1] = true;
			}
			for (int k = 0; pass == 2 && k < pc->nwords; k++)
				if (!used[k] && pc->words[k].line >= it->line_no && pc->words[k].line < end)
					conf[j] = conf[j] < 0 ? pc->words[k].conf : Min(conf[j], pc->words[k].conf);
		}
	return true;
}

/*
 * "Accounts payable = 17825 (confidence 48 %)" for each value of the rows a
 * failed check involves that OCR read with low confidence; NULL if none.
 */
static char *
check_note(const fx_statement *st, const fx_check *c, const int *conf, int min_conf)
{
	StringInfoData b;
	int			first = Max(0, c->first_row);
	int			last = Min(st->nitems - 1, c->last_row);

	initStringInfo(&b);
	for (int r = -1; r <= last; r++)
	{
		int			row = r < 0 ? c->row : r;
		int			k;

		if (r >= 0 && (r < first || r == c->row))
			continue;
		if (row < 0 || row >= st->nitems || c->period >= st->nperiods)
			continue;
		k = conf[row * st->nperiods + c->period];
		if (k < 0 || k >= min_conf)
			continue;
		appendStringInfo(&b, "%s%s = %s (confidence %d %%)", b.len ? "; " : "",
						 st->items[row].label ? st->items[row].label : "(no label)",
						 st->items[row].values[c->period], k);
	}
	if (b.len == 0)
		return NULL;
	return psprintf("OCR read %s", b.data);
}

/*
 * The confidence of every value of a result read (partly) by OCR, and a
 * note on each failed check that involves a low-confidence value.
 * pages[p] holds the confidences of page p + 1 (NULL: not OCR'd).
 */
FxOcrNotes *
fx_ocr_annotate(const fx_result *res, FxOcrConf **pages, int npages, int min_conf)
{
	FxOcrNotes *n = palloc0(sizeof(FxOcrNotes));

	n->nstatements = res->nstatements;
	n->ocr = palloc0(sizeof(bool) * Max(res->nstatements, 1));
	n->conf = palloc0(sizeof(int *) * Max(res->nstatements, 1));
	n->notes = palloc0(sizeof(char **) * Max(res->nstatements, 1));
	for (int s = 0; s < res->nstatements; s++)
	{
		const fx_statement *st = &res->statements[s];
		int			nv = st->nitems * st->nperiods;

		n->conf[s] = palloc(sizeof(int) * Max(nv, 1));
		for (int k = 0; k < nv; k++)
			n->conf[s][k] = -1;
		for (int i = 0; i < st->nitems; i++)
			n->ocr[s] |= item_conf(st, i, pages, npages, n->conf[s] + i * st->nperiods);
		for (int k = 0; k < nv; k++)
			n->nlow += n->conf[s][k] >= 0 && n->conf[s][k] < min_conf;
		n->notes[s] = palloc0(sizeof(char *) * Max(st->nchecks, 1));
		for (int c = 0; n->ocr[s] && c < st->nchecks; c++)
		{
			if (st->checks[c].passed)
				continue;
			n->notes[s][c] = check_note(st, &st->checks[c], n->conf[s], min_conf);
			n->nsuspect += n->notes[s][c] != NULL;
		}
	}
	return n;
}

/* "page 1: 1 amount(s) ..." naming the page's low-confidence digit words. */
static char *
low_words_warning(const FxOcrConf *c, int page, int min_conf)
{
	StringInfoData b;
	int			nlow = 0;

	initStringInfo(&b);
	for (int i = 0; i < c->nwords; i++)
	{
		if (c->words[i].conf >= min_conf)
			continue;
		if (nlow++ < MAX_LISTED)
			appendStringInfo(&b, "%s\"%s\" on line %d (%d %%)", nlow > 1 ? ", " : "",
							 c->words[i].word, c->words[i].line, c->words[i].conf);
	}
	if (nlow == 0)
		return NULL;
	return psprintf("page %d: OCR read %d number(s) with confidence below %d %%: %s%s",
					page, nlow, min_conf, b.data, nlow > MAX_LISTED ? ", ..." : "");
}

/* Append the warnings about OCR confidence to w. */
List *
fx_ocr_warnings(FxOcrConf **pages, int npages, const FxOcrNotes *notes,
				int min_conf, List *w)
{
	for (int p = 0; p < npages; p++)
	{
		char	   *low;

		if (pages[p] == NULL)
			continue;
		if (pages[p]->mean >= 0 && pages[p]->mean < min_conf)
			w = lappend(w, psprintf("page %d: OCR mean confidence %.0f %% (below finextract.ocr_min_confidence, %d %%)",
									p + 1, pages[p]->mean, min_conf));
		if ((low = low_words_warning(pages[p], p + 1, min_conf)) != NULL)
			w = lappend(w, low);
	}
	if (notes && notes->nsuspect > 0)
		w = lappend(w, psprintf("%d failed arithmetic check(s) involve numbers OCR read with low confidence; see ocr_note in finx.statements.checks",
								notes->nsuspect));
	return w;
}

/*-------------------------------------------------------------------------
 *
 * fxparse.c
 *	  Command-line front end of the statement parser, for tests and
 *	  measurement outside the server.
 *
 *	  fxparse [--doc NAME] [--dump] [--ocr] [--tsv] [--layout] [--warnings]
 *			  [--time N] FILE.pdf|FILE.txt
 *
 * A .pdf is turned into layout text with pdftotext (a child process is fine
 * in a test tool); any other file is read as layout text with pages split
 * at form feeds.  Prints the facts CSV that shared/tools/score.py reads, or
 * with --dump a readable view of statements, periods, items and checks.
 * --time N parses N times and reports the mean time on stderr.  --ocr
 * reads FILE.txt as OCR text (test/ocr/ocr_pages.sh output: tesseract's
 * text of each page, joined by form feeds) and sets opts.ocr; the facts
 * then name FILE.pdf unless --doc says otherwise.  --warnings prints the
 * parser's warnings (such as a column whose period is not proven) on
 * stderr, one a line; --dump always lists them.  --tsv reads a PDF with
 * pdftotext -tsv (word boxes) instead of -layout; a text file whose pages
 * are word TSV (tesseract's, form feeds between pages) is read as such
 * whatever the option.  --layout prints the pages as laid out from their
 * word boxes and stops.
 *
 *-------------------------------------------------------------------------
 */
#include "parse_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* read a whole stream into memory */
static char *
read_all(FILE *f, size_t *len)
{
	size_t		cap = 1 << 16,
				n = 0;
	char	   *buf = malloc(cap);

	if (buf == NULL)
		return NULL;
	for (;;)
	{
		size_t		r;

		if (n == cap)
		{
			char	   *nb = realloc(buf, cap * 2);

			if (nb == NULL)
			{
				free(buf);
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
		r = fread(buf + n, 1, cap - n, f);
		if (r == 0)
			break;
		n += r;
	}
	*len = n;
	return buf;
}

/* does the name end with suffix (case-insensitive ASCII)? */
static int
ends_with(const char *s, const char *suffix)
{
	size_t		a = strlen(s),
				b = strlen(suffix);

	if (a < b)
		return 0;
	for (size_t i = 0; i < b; i++)
	{
		char		c = s[a - b + i];

		if (c >= 'A' && c <= 'Z')
			c = (char) (c - 'A' + 'a');
		if (c != suffix[i])
			return 0;
	}
	return 1;
}

/*
 * Split pdftotext -tsv output into pages, each a TSV of its own (the header
 * row, then the page's rows), joined by form feeds like -layout's pages.
 */
static char *
tsv_to_pages(char *tsv, size_t *len)
{
	char	   *nl = memchr(tsv, '\n', *len);
	size_t		hlen,
				cap,
				n = 0;
	char	   *out;
	int			page = -1;

	if (nl == NULL)
		return tsv;
	hlen = (size_t) (nl - tsv) + 1;
	cap = *len * 2 + 64;
	out = malloc(cap);
	if (out == NULL)
		return NULL;
	for (char *p = tsv + hlen; p < tsv + *len;)
	{
		char	   *e = memchr(p, '\n', (size_t) (tsv + *len - p));
		size_t		l = e ? (size_t) (e - p) + 1 : (size_t) (tsv + *len - p);

		if (l > 2 && p[0] == '1' && p[1] == '\t')
		{
			if (page >= 0)
				out[n++] = '\f';
			page++;
			if (n + hlen + 2 > cap)
				break;
			memcpy(out + n, tsv, hlen);
			n += hlen;
		}
		if (n + l + 2 > cap)
			break;
		memcpy(out + n, p, l);
		n += l;
		p += l;
	}
	free(tsv);
	*len = n;
	return out;
}

/*
 * Lay out pdftotext -tsv output as the extension does (fx_words_layout_stream)
 * into layout text, pages joined by form feeds.
 */
static char *
tsv_layout(char *tsv, size_t *len)
{
	char	  **pages;
	size_t	   *lens;
	int			n = fx_words_layout_stream(tsv, *len, &pages, &lens);
	size_t		total = 0;
	char	   *out;

	free(tsv);
	if (n < 0)
		return NULL;
	for (int i = 0; i < n; i++)
		total += lens[i] + 1;
	out = malloc(total + 1);
	if (out != NULL)
	{
		*len = 0;
		for (int i = 0; i < n; i++)
		{
			memcpy(out + *len, pages[i], lens[i]);
			*len += lens[i];
			out[(*len)++] = '\f';
		}
	}
	fx_words_free_pages(pages, lens, n);
	return out;
}

/* load the layout text of a file: pdftotext for a PDF, else the file */
static char *
load_text(const char *path, size_t *len, int tsv)
{
	FILE	   *f;
	char	   *buf;

	if (ends_with(path, ".pdf"))
	{
		char	   *cmd;
		size_t		n = strlen(path) * 4 + 64;

		cmd = malloc(n);
		if (cmd == NULL)
			return NULL;
		/* quote the path for the shell */
		strcpy(cmd, tsv ? "pdftotext -tsv -enc UTF-8 '" :
			   "pdftotext -layout -enc UTF-8 '");
		for (const char *p = path; *p; p++)
		{
			if (*p == '\'')
				strcat(cmd, "'\\''");
			else
				strncat(cmd, p, 1);
		}
		strcat(cmd, "' -");
		f = popen(cmd, "r");
		free(cmd);
		if (f == NULL)
			return NULL;
		buf = read_all(f, len);
		if (pclose(f) != 0)
		{
			free(buf);
			return NULL;
		}
		return tsv && buf ? tsv_layout(buf, len) : buf;
	}
	f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	buf = read_all(f, len);
	fclose(f);
	/* pdftotext -tsv output saved as it is: one TSV for all pages */
	if (buf && fx_is_word_tsv(buf, *len) && memchr(buf, '\f', *len) == NULL)
		return tsv_to_pages(buf, len);
	return buf;
}

/* split text at form feeds; a trailing empty page is dropped */
static int
split_pages(const char *text, size_t len, const char ***pages, size_t **lens)
{
	int			n = 1,
				k = 0;
	size_t		b = 0;

	for (size_t i = 0; i < len; i++)
		if (text[i] == '\f')
			n++;
	*pages = malloc(sizeof(char *) * (size_t) n);
	*lens = malloc(sizeof(size_t) * (size_t) n);
	if (*pages == NULL || *lens == NULL)
		return -1;
	for (size_t i = 0; i <= len; i++)
	{
		if (i == len || text[i] == '\f')
		{
			(*pages)[k] = text + b;
			(*lens)[k] = i - b;
			k++;
			b = i + 1;
		}
	}
	if (k > 1 && (*lens)[k - 1] == 0)
		k--;
	return k;
}

/* print a CSV field, quoted when needed */
static void
csv_field(const char *s, int last)
{
	if (s == NULL)
		s = "";
	if (strpbrk(s, ",\"\n\r") != NULL)
	{
		putchar('"');
		for (; *s; s++)
		{
			if (*s == '"')
				putchar('"');
			putchar(*s);
		}
		putchar('"');
	}
	else
		fputs(s, stdout);
	putchar(last ? '\n' : ',');
}

/* ISO end date of a period, or "" when day or month is unknown */
static void
iso_date(const fx_period *p, char *buf, size_t n)
{
	buf[0] = '\0';
	if (p->end_year > 0 && p->end_month > 0 && p->end_day > 0)
		snprintf(buf, n, "%04d-%02d-%02d", p->end_year % 10000,
				 p->end_month % 100, p->end_day % 100);
}

/* base name of a path */
static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* print one fact row */
static void
print_fact(const char *doc, const fx_statement *st, const fx_item *it,
		   const fx_period *p, const char *value)
{
	char		buf[64];

	csv_field(doc, 0);
	csv_field(fx_stmt_type_name(st->type), 0);
	snprintf(buf, sizeof(buf), "%d", it->page);
	csv_field(buf, 0);
	snprintf(buf, sizeof(buf), "%d", it->line_no);
	csv_field(buf, 0);
	csv_field(it->label, 0);
	csv_field(it->is_total ? "true" : "false", 0);
	csv_field(p->label, 0);
	iso_date(p, buf, sizeof(buf));
	csv_field(buf, 0);
	if (p->months > 0)
		snprintf(buf, sizeof(buf), "%d", p->months);
	else
		buf[0] = '\0';
	csv_field(buf, 0);
	csv_field(value, 0);
	csv_field(st->unit_scale, 0);
	csv_field(st->currency, 1);
}

/* print the facts CSV of a result */
static void
print_csv(const char *doc, const fx_result *res, int header)
{
	if (header)
		printf("doc,statement_type,page,line_no,label,is_total,period_label,"
			   "period_end,period_months,value,unit_scale,currency\n");
	for (int s = 0; s < res->nstatements; s++)
	{
		const fx_statement *st = &res->statements[s];

		for (int i = 0; i < st->nitems; i++)
			for (int j = 0; j < st->nperiods; j++)
			{
				const fx_item *it = &st->items[i];

				if (it->values[j] == NULL)
					continue;
				print_fact(doc, st, it,
						   st->component_columns ? &it->row_period :
						   &st->periods[j], it->values[j]);
			}
	}
}

/* print a readable view of a result */
static void
print_dump(const char *doc, const fx_result *res)
{
	printf("document %s: %d pages, %d statements\n", doc, res->npages,
		   res->nstatements);
	if (res->n_no_text > 0)
	{
		printf("pages without text:");
		for (int i = 0; i < res->n_no_text; i++)
			printf(" %d", res->no_text_pages[i]);
		printf("\n");
	}
	if (res->error)
		printf("error: %s\n", res->error);
	for (int w = 0; w < res->nwarnings; w++)
		printf("warning: %s\n", res->warnings[w]);
	for (int s = 0; s < res->nstatements; s++)
	{
		const fx_statement *st = &res->statements[s];
		int			passed = 0;

		printf("\n== %s \"%s\" pages %d-%d unit %s currency %s%s\n",
			   fx_stmt_type_name(st->type), st->title, st->first_page,
			   st->last_page, st->unit_scale ? st->unit_scale : "?",
			   st->currency[0] ? st->currency : "?",
			   st->component_columns ? " (component columns)" : "");
		for (int j = 0; j < st->nperiods; j++)
		{
			char		d[32];

			iso_date(&st->periods[j], d, sizeof(d));
			printf("  period %d: \"%s\" end %s year %d months %d\n", j,
				   st->periods[j].label, d[0] ? d : "-",
				   st->periods[j].end_year, st->periods[j].months);
		}
		for (int i = 0; i < st->nitems; i++)
		{
			const fx_item *it = &st->items[i];

			printf("  %3d:%-3d %*s%s%s%s", it->page, it->line_no,
				   it->indent * 2, "", it->label,
				   it->is_total ? " [total]" : "",
				   it->generated_label ? " [generated]" : "");
			if (st->component_columns && it->row_period.label)
				printf(" {%s %dM}", it->row_period.label, it->row_period.months);
			for (int j = 0; j < st->nperiods; j++)
				printf(" | %s", it->values[j] ? it->values[j] : ".");
			printf("\n");
		}
		for (int c = 0; c < st->nchecks; c++)
		{
			const fx_check *ck = &st->checks[c];

			passed += ck->passed;
			if (!ck->passed)
				printf("  CHECK FAILED %s \"%s\" period %d: printed %s, "
					   "computed %s\n", ck->name, ck->target, ck->period,
					   ck->expected, ck->computed);
		}
		printf("  checks: %d of %d passed\n", passed, st->nchecks);
	}
}

/* monotonic time in seconds */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* print usage and exit */
static void
usage(void)
{
	fprintf(stderr, "usage: fxparse [--doc NAME] [--dump] [--no-header] "
			"[--ocr] [--tsv] [--layout] [--warnings] [--time N] "
			"FILE.pdf|FILE.txt\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	const char *doc = NULL,
			   *path = NULL;
	int			dump = 0,
				header = 1,
				times = 0,
				warnings = 0,
				tsv = 0,
				layout = 0;
	char	   *text;
	size_t		len;
	const char **pages;
	size_t	   *lens;
	int			npages;
	fx_result  *res;
	fx_parse_opts opts;

	memset(&opts, 0, sizeof(opts));
	for (int i = 1; i < argc; i++)
	{
		if (strcmp(argv[i], "--doc") == 0 && i + 1 < argc)
			doc = argv[++i];
		else if (strcmp(argv[i], "--dump") == 0)
			dump = 1;
		else if (strcmp(argv[i], "--no-header") == 0)
			header = 0;
		else if (strcmp(argv[i], "--ocr") == 0)
			opts.ocr = true;
		else if (strcmp(argv[i], "--tsv") == 0)
			tsv = 1;
		else if (strcmp(argv[i], "--layout") == 0)
			layout = 1;
		else if (strcmp(argv[i], "--warnings") == 0)
			warnings = 1;
		else if (strcmp(argv[i], "--time") == 0 && i + 1 < argc)
			times = atoi(argv[++i]);
		else if (argv[i][0] == '-' || path != NULL)
			usage();
		else
			path = argv[i];
	}
	if (path == NULL || (opts.ocr && ends_with(path, ".pdf")))
		usage();
	if (doc == NULL)
	{
		static char name[4096];

		snprintf(name, sizeof(name), "%s", base_name(path));
		if (ends_with(name, ".txt"))
			strcpy(name + strlen(name) - 4, ".pdf");
		doc = name;
	}
	text = load_text(path, &len, tsv);
	if (text == NULL)
	{
		fprintf(stderr, "fxparse: cannot read %s\n", path);
		return 1;
	}
	npages = split_pages(text, len, &pages, &lens);
	if (npages < 0)
		return 1;
	if (layout)
	{
		/* print the pages as the parser lays them out, and stop */
		double		scale = fx_words_scale(pages, lens, npages);

		for (int i = 0; i < npages; i++)
		{
			size_t		n = lens[i];
			char	   *t = fx_is_word_tsv(pages[i], lens[i]) ?
				fx_words_layout_page(pages[i], lens[i], scale, &n) :
				fx_strndup(pages[i], lens[i]);

			if (t != NULL && opts.ocr)
			{
				/* and as the OCR pass rewrites them (parse.c) */
				size_t		m;
				char	   *o = fx_is_word_tsv(pages[i], lens[i]) ?
					fx_ocr_repair_page(t, n, &m) :
					fx_ocr_layout_page(t, n, &m);

				free(t);
				t = o;
				n = m;
			}
			if (t == NULL)
				return 1;
			if (i > 0)
				putchar('\f');
			fwrite(t, 1, n, stdout);
			free(t);
		}
		return 0;
	}
	if (times > 0)
	{
		double		t0 = now();

		for (int i = 0; i < times; i++)
			fx_result_free(fx_parse_document(pages, lens, npages, &opts));
		fprintf(stderr, "fxparse: %s: %d pages, %.2f ms per parse\n", doc,
				npages, (now() - t0) * 1000.0 / times);
	}
	res = fx_parse_document(pages, lens, npages, &opts);
	if (res == NULL)
	{
		fprintf(stderr, "fxparse: out of memory\n");
		return 1;
	}
	if (warnings)
		for (int w = 0; w < res->nwarnings; w++)
			fprintf(stderr, "%s: warning: %s\n", doc, res->warnings[w]);
	if (dump)
		print_dump(doc, res);
	else
		print_csv(doc, res, header);
	fx_result_free(res);
	free(pages);
	free(lens);
	free(text);
	return 0;
}

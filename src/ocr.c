/*-------------------------------------------------------------------------
 *
 * ocr.c
 *	  OCR of scanned pages with poppler's pdftoppm and tesseract.
 *
 * Each page is one child: a /bin/sh pipeline "pdftoppm | tesseract" whose
 * programs, resolution and languages come from settings and are passed as
 * positional parameters (never spliced into the script).  tesseract runs
 * single-threaded (OMP_THREAD_LIMIT=1) so that finextract.max_local_procs
 * alone governs how many CPUs OCR takes, and children are admitted fairly
 * per job (child.c), so one big scan never starves another job.  The text
 * is layout-preserving (--psm 6, preserve_interword_spaces=1), which is what
 * the statement parser reads; before tesseract reads a page, its ruled lines
 * are removed (finextract-derule, src/bin/derule.c): a rule touching a line
 * of text makes tesseract misread the whole line.  With each page's text comes a summary of
 * tesseract's word confidences, read by ocr_conf.c.  The image and
 * tesseract's files go to the child's private directory (its cwd, see
 * sandbox.c); the shell must run several programs, so the child may exec.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/memutils.h"

#include "child.h"
#include "finextract.h"
#include "options.h"
#include "ocr.h"

#define OCR_SEP '\036'			/* never in OCR text: ends the text */

/*
 * $1 pdftoppm, $2 dpi, $3 page, $4 PDF, $5 tesseract, $6 languages, $7 image
 * and output path prefix, $8 the program that removes the page's ruled
 * lines before tesseract reads it (finextract-derule; empty: none).  A page that comes back (nearly) empty, as
 * photographed pages on a grey background do with tesseract's default Otsu
 * binarisation, is read again with local (Sauvola) thresholds.  One
 * tesseract run writes the text and the TSV of word confidences; the script
 * prints the text, the separator OCR_SEP and a summary of the TSV: "m MEAN10
 * WORDS" (the mean word confidence times ten, over WORDS words) and one
 * "w LINE CONF WORD" per number: a word of at most 32 bytes, a third of
 * them digits or more (not a rule misread as a long run of marks), LINE
 * counting tesseract's text lines from 1 (ocr_conf.c maps them to lines of
 * the text).
 */
#define OCR_SCRIPT \
	"tess=$5; lang=$6; img=$7.png; out=$7\n" \
	"\"$1\" -r \"$2\" -f \"$3\" -l \"$3\" -png -singlefile \"$4\" \"$7\" || exit 1\n" \
	"if [ -n \"$8\" ]; then \"$8\" \"$2\" \"$img\" \"$img\" || { rm -f \"$img\"; exit 1; }; fi\n" \
	"ocr() { OMP_THREAD_LIMIT=1 \"$tess\" \"$img\" \"$out\" -l \"$lang\" --psm 6 " \
	"-c preserve_interword_spaces=1 \"$@\" txt tsv; }\n" \
	"clean() { rm -f \"$img\" \"$out.txt\" \"$out.tsv\"; }\n" \
	"ocr && t=$(cat \"$out.txt\") || { clean; exit 1; }\n" \
	"if [ \"$(printf %s \"$t\" | tr -d ' \\n\\f' | wc -c)\" -lt 100 ]; then\n" \
	"  ocr -c thresholding_method=2 && t=$(cat \"$out.txt\")\n" \
	"fi\n" \
	"printf '%s\\n\\036' \"$t\"\n" \
	"awk -F '\\t' 'NR > 1 && $1 == 4 { line++ } " \
	"NR > 1 && $1 == 5 && $11 >= 0 && $12 != \"\" { n++; sum += $11; " \
	"if (length($12) <= 32 && gsub(/[0-9]/, \"&\", $12) * 3 >= length($12)) " \
	"printf \"w %d %d %s\\n\", line, $11 + 0.5, $12 } " \
	"END { if (n) printf \"m %d %d\\n\", sum * 10 / n + 0.5, n }' \"$out.tsv\"\n" \
	"clean\n"

typedef struct FxOcrPage
{
	FxOcrBatch *batch;
	int			index;
	FxChild    *child;
} FxOcrPage;

struct FxOcrBatch
{
	MemoryContext cxt;			/* the caller's; results live there */
	int			n;
	int			pending;
	FxFailKind	kind;			/* of the failures so far */
	FxOcrPage  *pages;
	char	  **texts;
	char	  **summaries;
	char	  **errors;
	FxOcrDone	done;
	void	   *arg;
};

/* Do the settings allow local OCR (tesseract)? */
bool
fx_ocr_local_enabled(void)
{
	return finx_ocr == FX_OCR_TESSERACT || finx_ocr == FX_OCR_AUTO;
}

/*
 * The ruled-line step's part of the cache key; its number goes up whenever
 * src/bin/derule.c changes what it removes, so that pages read after an
 * older step are read again rather than served from the cache.
 */
#define DERULE_KEY "/derule1"

/* Cache key of OCR text: engine and the settings that change its output. */
char *
fx_ocr_engine_key(void)
{
	return psprintf("tesseract/%s/%d/psm6%s", finx_ocr_languages, finx_ocr_dpi,
					finx_derule_path[0] ? DERULE_KEY : "");
}

/* One page's child ended. */
static void
page_done(FxChildResult *r, void *arg)
{
	FxOcrPage  *p = arg;
	FxOcrBatch *b = p->batch;
	MemoryContext old = MemoryContextSwitchTo(b->cxt);
	char	   *why = fx_child_describe_failure(r, "OCR (pdftoppm | finextract-derule | tesseract)");

	p->child = NULL;
	if (why == NULL && r->out_len > 0)
	{
		char	   *sep = memrchr(r->out, OCR_SEP, r->out_len);

		b->texts[p->index] = r->out;
		if (sep)
		{
			*sep = '\0';
			b->summaries[p->index] = sep + 1;
		}
	}
	else
	{
		b->errors[p->index] = why ? why : pstrdup("OCR produced no text");
		b->kind = fx_fail_merge(b->kind, fx_child_failure_kind(r));
	}
	MemoryContextSwitchTo(old);
	if (--b->pending == 0)
		b->done(b->arg, b->texts, b->summaries, b->errors, b->kind);
}

/* Start OCR of one page. */
static void
start_page(FxOcrBatch *b, int64 owner, Oid role, const char *pdf_path, int i, int page)
{
	char	   *argv[13];

	argv[0] = "/bin/sh";
	argv[1] = "-c";
	argv[2] = OCR_SCRIPT;
	argv[3] = "finextract-ocr";
	argv[4] = finx_pdftoppm_path;
	argv[5] = psprintf("%d", finx_ocr_dpi);
	argv[6] = psprintf("%d", page);
	argv[7] = (char *) pdf_path;
	argv[8] = finx_tesseract_path;
	argv[9] = finx_ocr_languages;
	argv[10] = psprintf("p%d", page);	/* in the child's private cwd */
	argv[11] = finx_derule_path;
	argv[12] = NULL;
	b->pages[i].batch = b;
	b->pages[i].index = i;
	b->pages[i].child = fx_child_run_for(owner, role, FX_CHILD_MAY_EXEC, argv,
										 finx_local_timeout_ms,
										 (size_t) finx_text_cap_kb * 1024,
										 page_done, &b->pages[i]);
}

/*
 * OCR the given 1-based pages of a PDF; done runs once all have ended.
 * Results are allocated in the current memory context.
 */
FxOcrBatch *
fx_ocr_start(int64 owner, Oid role, const char *pdf_path, const int *pages, int npages,
			 FxOcrDone done, void *arg)
{
	FxOcrBatch *b = palloc0(sizeof(FxOcrBatch));

	Assert(npages > 0);
	b->kind = FX_FAIL_TERMINAL;	/* until a page fails otherwise */
	b->cxt = CurrentMemoryContext;
	b->n = npages;
	b->pending = npages;
	b->pages = palloc0(sizeof(FxOcrPage) * npages);
	b->texts = palloc0(sizeof(char *) * npages);
	b->summaries = palloc0(sizeof(char *) * npages);
	b->errors = palloc0(sizeof(char *) * npages);
	b->done = done;
	b->arg = arg;
	for (int i = 0; i < npages; i++)
		start_page(b, owner, role, pdf_path, i, pages[i]);
	return b;
}

/* Stop a batch: its children are killed and done never runs. */
void
fx_ocr_cancel(FxOcrBatch *b)
{
	for (int i = 0; i < b->n; i++)
	{
		if (b->pages[i].child)
			fx_child_cancel(b->pages[i].child);
		b->pages[i].child = NULL;
	}
	b->pending = -1;
}

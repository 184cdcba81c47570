/*-------------------------------------------------------------------------
 *
 * prompt.h
 *	  The instructions and the page text sent to the chat model.
 *
 * Plain C with no PostgreSQL and no json-c headers; results are malloc'd
 * strings the caller frees, NULL when out of memory.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FX_PROMPT_H
#define FX_PROMPT_H

/* marker line that opens each page in the user message: "<<<PAGE n>>>" */
#define FX_PAGE_MARKER_OPEN		"<<<PAGE "
#define FX_PAGE_MARKER_CLOSE	">>>"

/* the system message: how to extract, and that the document is data */
extern char *fx_llm_system_prompt(void);

/*
 * The user message: a short request, then each page's text verbatim after
 * a "<<<PAGE n>>>" line (n = page_numbers[i], or i + 1 when page_numbers
 * is NULL).  hint is an fx_stmt_type to ask for that statement only, or -1
 * for every statement on the pages.  In the page text, a run of '<' that
 * leads to "page" (any case, blanks between) becomes '[' characters, so a
 * document cannot forge a page marker, and bytes that are not UTF-8
 * become '?' so the request stays valid JSON.
 */
extern char *fx_llm_user_prompt(int hint, const char *const *pages,
								const int *page_numbers, int n);

#endif							/* FX_PROMPT_H */

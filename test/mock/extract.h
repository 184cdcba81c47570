/*-------------------------------------------------------------------------
 *
 * extract.h
 *	  Text of an uploaded document: `pdftotext -layout -enc UTF-8` run as a
 *	  child process on the event loop, cached by the sha256 of the bytes.
 *	  A document that is not a PDF but holds no NUL byte is taken as plain
 *	  text (pages split at form feeds).
 *
 *-------------------------------------------------------------------------
 */
#ifndef MOCK_EXTRACT_H
#define MOCK_EXTRACT_H

#include <stddef.h>

typedef struct Doc
{
	char		sha[65];
	int			npages;
	char	   *text;			/* all pages */
	size_t	   *off;			/* page i is text[off[i] .. off[i]+len[i]) */
	size_t	   *len;
	char	   *error;			/* NULL, or why there is no text */
	size_t		bytes;			/* size of the document */
} Doc;

/* called once with the document (or its error); arg is the caller's */
typedef void (*ExtractCb) (const Doc *doc, void *arg);

extern void extract_init(int max_children, size_t cache_bytes,
						 double timeout);
extern void extract_submit(const void *data, size_t len, const char *sha,
						   ExtractCb cb, void *arg);

#endif							/* MOCK_EXTRACT_H */

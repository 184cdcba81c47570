/*-------------------------------------------------------------------------
 *
 * redact.h
 *	  Remove secrets from text that came from a provider or from libcurl
 *	  before it is stored, logged or sent.
 *
 * Every error message, warning or trace field whose text a remote server
 * (or libcurl, which may quote a URL) wrote passes fx_redact_into() or
 * fx_redact_pstrdup() first.  These replace with "[redacted]":
 *	- each configured API key, whole, and any run of 8 or more consecutive
 *	  characters of one (a key shorter than 8 characters only whole);
 *	- the token after "Bearer" (case-insensitive);
 *	- the value after the header names api-key, x-api-key, unstract-key
 *	  and authorization (case-insensitive, ':' or '=' and optional quotes
 *	  between, as in a header line, a query string or an echoed JSON).
 * The name before a value is kept ("unstract-key: [redacted]").
 *
 * redact.c is plain C with no PostgreSQL header (it is unit-tested on its
 * own) and never fails: fx_redact_into() writes into the caller's buffer
 * and allocates nothing; fx_redact_set_keys() keeps malloc'd copies and
 * leaves the previous keys in place when out of memory.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FX_REDACT_H
#define FX_REDACT_H

#include <stddef.h>

#define FX_REDACT_MAX_KEYS	8
#define FX_REDACTED			"[redacted]"

/* Remember the keys to redact (NULL or "" entries are skipped); 0 or -1 (OOM). */
extern int	fx_redact_set_keys(const char *const *keys, int nkeys);

/* Bytes (without the NUL) of the redacted form of src. */
extern size_t fx_redact_len(const char *src);

/*
 * Write the redacted form of src into dst (at most dstlen bytes with the
 * NUL; cut short when it does not fit).  Returns fx_redact_len(src).
 */
extern size_t fx_redact_into(const char *src, char *dst, size_t dstlen);

#ifdef PG_VERSION_NUM
/* The redacted form of s, palloc'd (NULL for NULL). */
static inline char *
fx_redact_pstrdup(const char *s)
{
	size_t		n;
	char	   *d;

	if (s == NULL)
		return NULL;
	n = fx_redact_len(s);
	d = palloc(n + 1);
	(void) fx_redact_into(s, d, n + 1);
	return d;
}
#endif

#endif							/* FX_REDACT_H */

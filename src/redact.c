/*-------------------------------------------------------------------------
 *
 * redact.c
 *	  The one redaction function for provider and libcurl text: API keys
 *	  (whole or any 8-character run of one), bearer tokens and the values
 *	  of key headers become "[redacted]".  See redact.h for the rules.
 *
 * This file owns the list of keys to redact (malloc'd copies).  It
 * includes no PostgreSQL header and allocates nothing while redacting, so
 * it can run anywhere, including where an error must not be raised.
 *
 *-------------------------------------------------------------------------
 */
#include <stdlib.h>
#include <string.h>

#include "redact.h"

#define MIN_RUN 8				/* shortest run of a key that is redacted */

static char *keys[FX_REDACT_MAX_KEYS];
static int	nkeys = 0;

/* names whose value is a secret, lowercase; the value follows ':' or '=' */
static const char *const secret_names[] = {
	"api-key", "unstract-key", "authorization", NULL
};

/* Forget the keys and remember copies of the new ones; -1 when out of memory. */
int
fx_redact_set_keys(const char *const *newkeys, int n)
{
	char	   *copy[FX_REDACT_MAX_KEYS];
	int			ncopy = 0;

	for (int i = 0; i < n && ncopy < FX_REDACT_MAX_KEYS; i++)
	{
		if (newkeys[i] == NULL || newkeys[i][0] == '\0')
			continue;
		copy[ncopy] = strdup(newkeys[i]);
		if (copy[ncopy] == NULL)
		{
			while (ncopy > 0)
				free(copy[--ncopy]);
			return -1;
		}
		ncopy++;
	}
	for (int i = 0; i < nkeys; i++)
		free(keys[i]);
	memcpy(keys, copy, sizeof(char *) * ncopy);
	nkeys = ncopy;
	return 0;
}

/* ASCII lowercase. */
static inline char
lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

/* Does s start with the lowercase word w, ignoring case?  Returns its length or 0. */
static size_t
starts_with_ci(const char *s, const char *w)
{
	size_t		n = 0;

	while (w[n])
	{
		if (lower(s[n]) != w[n])
			return 0;
		n++;
	}
	return n;
}

/* May c be part of a token (a key, a bearer token)? */
static inline int
token_char(char c)
{
	return c != '\0' && c != ' ' && c != '\t' && c != '\r' && c != '\n' &&
		strchr("\"'\\,;&<>()[]{}", c) == NULL;
}

/* May c be part of a header value that runs to the end of its line? */
static inline int
value_char(char c)
{
	return c != '\0' && c != '\r' && c != '\n' && strchr("\"'\\,;<>{}", c) == NULL;
}

/* Length of a quote at s, escaped or not (", ', \", \'), 0 when none. */
static size_t
quote(const char *s)
{
	if (s[0] == '"' || s[0] == '\'')
		return 1;
	if (s[0] == '\\' && (s[1] == '"' || s[1] == '\''))
		return 2;
	return 0;
}

/* Length of the blanks at s. */
static size_t
blanks(const char *s)
{
	size_t		n = 0;

	while (s[n] == ' ' || s[n] == '\t')
		n++;
	return n;
}

/*
 * "Bearer <token>" at s: sets *keep to the bytes kept ("Bearer ") and
 * returns the bytes of the token, 0 when none.
 */
static size_t
match_bearer(const char *s, size_t *keep)
{
	size_t		n = starts_with_ci(s, "bearer");
	size_t		b,
				t = 0;

	if (n == 0)
		return 0;
	b = blanks(s + n);
	if (b == 0)
		return 0;
	while (token_char(s[n + b + t]))
		t++;
	*keep = n + b;
	return t;
}

/*
 * "<secret name> : <value>" at s (optional quotes around the name and the
 * value, ':' or '='): sets *keep to the bytes kept and returns the bytes
 * of the value, 0 when none.
 */
static size_t
match_header(const char *s, size_t *keep)
{
	for (int i = 0; secret_names[i]; i++)
	{
		size_t		n = starts_with_ci(s, secret_names[i]);
		size_t		v = 0;
		int			whole_line = (strcmp(secret_names[i], "authorization") == 0);

		if (n == 0)
			continue;
		n += quote(s + n);
		n += blanks(s + n);
		if (s[n] != ':' && s[n] != '=')
			continue;
		n++;
		n += blanks(s + n);
		n += quote(s + n);
		while (whole_line ? value_char(s[n + v]) : token_char(s[n + v]))
			v++;
		if (v == 0)
			continue;
		*keep = n;
		return v;
	}
	return 0;
}

/* Longest run at s that is part of a configured key and long enough; 0 when none. */
static size_t
match_key(const char *s)
{
	size_t		best = 0;

	for (int k = 0; k < nkeys; k++)
	{
		size_t		m = strlen(keys[k]);
		size_t		need = m < MIN_RUN ? m : MIN_RUN;

		for (size_t j = 0; j < m; j++)
		{
			size_t		l = 0;

			while (j + l < m && s[l] == keys[k][j + l])
				l++;
			if (l >= need && l > best)
				best = l;
		}
	}
	return best;
}

/* Append n bytes to dst (bounded by dstlen, NUL kept); counts them in *len. */
static void
emit(char *dst, size_t dstlen, size_t *len, const char *s, size_t n)
{
	if (dst != NULL && *len + 1 < dstlen)
	{
		size_t		room = dstlen - 1 - *len;

		memcpy(dst + *len, s, n < room ? n : room);
	}
	*len += n;
}

/* The redaction proper: writes into dst when not NULL; returns the full length. */
static size_t
redact(const char *src, char *dst, size_t dstlen)
{
	size_t		len = 0;
	size_t		i = 0;

	while (src[i])
	{
		size_t		keep = 0,
					n;

		if ((n = match_bearer(src + i, &keep)) > 0 ||
			(n = match_header(src + i, &keep)) > 0)
		{
			emit(dst, dstlen, &len, src + i, keep);
			emit(dst, dstlen, &len, FX_REDACTED, strlen(FX_REDACTED));
			i += keep + n;
		}
		else if ((n = match_key(src + i)) > 0)
		{
			emit(dst, dstlen, &len, FX_REDACTED, strlen(FX_REDACTED));
			i += n;
		}
		else
		{
			emit(dst, dstlen, &len, src + i, 1);
			i++;
		}
	}
	if (dst != NULL && dstlen > 0)
		dst[len < dstlen ? len : dstlen - 1] = '\0';
	return len;
}

/* Bytes of the redacted form of src. */
size_t
fx_redact_len(const char *src)
{
	return src ? redact(src, NULL, 0) : 0;
}

/* Redact src into dst (cut short to dstlen); returns the full length. */
size_t
fx_redact_into(const char *src, char *dst, size_t dstlen)
{
	if (src == NULL)
	{
		if (dst != NULL && dstlen > 0)
			dst[0] = '\0';
		return 0;
	}
	return redact(src, dst, dstlen);
}

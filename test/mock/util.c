/*-------------------------------------------------------------------------
 *
 * util.c
 *	  Clocks, allocation and string helpers used by every module.
 *
 * Allocation failure is fatal: the mock is a test tool and has no sensible
 * way to go on without memory.
 *
 *-------------------------------------------------------------------------
 */
#include "util.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* seconds on the monotonic clock */
double
now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* seconds since the epoch */
double
now_wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* a non-negative duration as a timeval for libevent */
struct timeval
seconds_to_tv(double s)
{
	struct timeval tv;

	if (!(s > 0))
		s = 0;
	if (s > 1e7)
		s = 1e7;
	tv.tv_sec = (time_t) s;
	tv.tv_usec = (suseconds_t) ((s - (double) tv.tv_sec) * 1e6);
	return tv;
}

static void
out_of_memory(void)
{
	fprintf(stderr, "finx-mock: out of memory\n");
	abort();
}

void *
xmalloc(size_t n)
{
	void	   *p = malloc(n ? n : 1);

	if (p == NULL)
		out_of_memory();
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void	   *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		out_of_memory();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		out_of_memory();
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char	   *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* copy with truncation; dst is always terminated */
void
strlcopy(char *dst, const char *src, size_t size)
{
	size_t		n = strlen(src);

	if (size == 0)
		return;
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* parse a finite number; false on junk */
bool
parse_double(const char *s, double *out)
{
	char	   *end;
	double		v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0 || !isfinite(v))
		return false;
	*out = v;
	return true;
}

/* parse an int; false on junk */
bool
parse_int(const char *s, int *out)
{
	char	   *end;
	long		v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || v < -2147483647L || v > 2147483647L)
		return false;
	*out = (int) v;
	return true;
}

/* parse true/false/1/0/on/off/yes/no */
bool
parse_bool(const char *s, bool *out)
{
	if (!strcasecmp(s, "true") || !strcmp(s, "1") ||
		!strcasecmp(s, "on") || !strcasecmp(s, "yes"))
		*out = true;
	else if (!strcasecmp(s, "false") || !strcmp(s, "0") ||
			 !strcasecmp(s, "off") || !strcasecmp(s, "no"))
		*out = false;
	else
		return false;
	return true;
}

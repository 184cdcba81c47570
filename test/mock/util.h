/*-------------------------------------------------------------------------
 *
 * util.h
 *	  Small helpers shared by every part of the mock: clocks, allocation
 *	  that never returns NULL, and bounded string copies.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MOCK_UTIL_H
#define MOCK_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/time.h>

#define lengthof(a) (sizeof(a) / sizeof((a)[0]))

extern double now_mono(void);
extern double now_wall(void);
extern struct timeval seconds_to_tv(double s);

extern void *xmalloc(size_t n);
extern void *xcalloc(size_t n, size_t size);
extern void *xrealloc(void *p, size_t n);
extern char *xstrdup(const char *s);
extern char *xstrndup(const char *s, size_t n);

extern void strlcopy(char *dst, const char *src, size_t size);
extern bool parse_double(const char *s, double *out);
extern bool parse_int(const char *s, int *out);
extern bool parse_bool(const char *s, bool *out);

#endif							/* MOCK_UTIL_H */

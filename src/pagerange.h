/*-------------------------------------------------------------------------
 *
 * pagerange.h
 *	  Page-range lists such as "1-5,7,21-" (plain C, no backend headers).
 *
 *-------------------------------------------------------------------------
 */
#ifndef FX_PAGERANGE_H
#define FX_PAGERANGE_H

#include <stdbool.h>
#include <stddef.h>

#define FX_MAX_PAGE_RANGES 64
#define FX_PAGE_OPEN_END 0x7fffffff

typedef struct fx_page_ranges
{
	int			n;
	int			lo[FX_MAX_PAGE_RANGES];
	int			hi[FX_MAX_PAGE_RANGES];	/* FX_PAGE_OPEN_END = to the end */
} fx_page_ranges;

extern bool fx_parse_page_ranges(const char *s, size_t len,
								 fx_page_ranges *out,
								 char *err, size_t errlen);
extern bool fx_page_in_ranges(const fx_page_ranges *r, int page);

#endif							/* FX_PAGERANGE_H */

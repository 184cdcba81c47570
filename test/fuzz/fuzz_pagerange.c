/*-------------------------------------------------------------------------
 *
 * fuzz_pagerange.c
 *	  libFuzzer harness of the page-range parser (src/pagerange.c): parse
 *	  the input as a list such as "1-5,7,21-" and ask about some pages.
 *
 *-------------------------------------------------------------------------
 */
#include "pagerange.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* one fuzz input */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *copy = malloc(size + 1);
	fx_page_ranges r;
	char		err[128];
	static const int probe[] = {-1, 0, 1, 2, 7, 100, 0x7ffffffe, 0x7fffffff};

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	memset(&r, 0, sizeof(r));
	if (fx_parse_page_ranges(copy, size, &r, err, sizeof(err)))
	{
		for (size_t i = 0; i < sizeof(probe) / sizeof(probe[0]); i++)
			(void) fx_page_in_ranges(&r, probe[i]);
	}
	else
		err[sizeof(err) - 1] = '\0';
	/* a short error buffer must be respected too */
	(void) fx_parse_page_ranges(copy, size, &r, err, 1);
	free(copy);
	return 0;
}

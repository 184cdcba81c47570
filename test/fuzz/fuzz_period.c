/*-------------------------------------------------------------------------
 *
 * fuzz_period.c
 *	  libFuzzer harness of the period-heading parser (src/parse_period.c)
 *	  and of the word-level readers beside it: amounts, unit scale and
 *	  currency (src/parse_number.c).
 *
 *-------------------------------------------------------------------------
 */
#include "parse_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* one fuzz input */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *copy = malloc(size > 0 ? size : 1);
	fx_period	p,
				hint;
	char		out[FX_NUM_LEN];
	char		cur[4];
	bool		strong;
	int			len = size > 4096 ? 4096 : (int) size;

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	memset(&p, 0, sizeof(p));
	if (fx_period_parse(copy, len, &p))
	{
		if (p.end_month < 0 || p.end_month > 12 || p.end_day < 0 ||
			p.end_day > 31 || p.months < 0)
			abort();			/* a parsed period is always in range */
	}
	memset(&hint, 0, sizeof(hint));
	hint.end_month = 12;
	hint.end_day = 31;
	hint.months = fx_period_months_hint(copy, len);
	fx_period_apply_hint(&p, &hint, (len & 1) != 0, 2);
	(void) fx_text_has_date(copy, len);
	(void) fx_classify_word(copy, len, (len & 2) != 0, out, sizeof(out),
							&strong);
	(void) fx_euro_vote(copy, len);
	(void) fx_find_unit_scale(copy, len);
	(void) fx_find_currency(copy, len, cur);
	free(copy);
	return 0;
}

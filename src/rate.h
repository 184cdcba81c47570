/*-------------------------------------------------------------------------
 *
 * rate.h
 *	  Rate limits of a provider x key (x model): requests and tokens per
 *	  minute, from the settings and from the server's x-ratelimit-* headers.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FX_RATE_H
#define FX_RATE_H

#include "postgres.h"

#include "lib/stringinfo.h"

#include "http.h"

typedef struct FxRate FxRate;

extern FxRate *fx_rate_get(const char *name);
extern void fx_rate_configure(FxRate *r, int requests_per_minute,
							  int tokens_per_minute);
extern double fx_rate_wait_ms(FxRate *r, double tokens);
extern void fx_rate_take(FxRate *r, double tokens, double *seq);
extern bool fx_rate_observe(FxRate *r, const FxHttpRequest *req,
							const double *seq, double tokens);
extern void fx_rate_correct_tokens(FxRate *r, double delta);
extern void fx_rate_stats_json(FxRate *r, StringInfo b);

#endif							/* FX_RATE_H */

/*-------------------------------------------------------------------------
 *
 * remote_int.h
 *	  What remote.c (LLMWhisperer) and remote_chat.c (the LLM call) share:
 *	  the common set-up of a lane call.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FX_REMOTE_INT_H
#define FX_REMOTE_INT_H

#include "postgres.h"

#include "lane.h"

extern void fx_remote_init_call(FxCall *c, int64 job_id, int statement,
								const char *endpoint, const char *method,
								char *url, char **headers, size_t max_response);

#endif							/* FX_REMOTE_INT_H */

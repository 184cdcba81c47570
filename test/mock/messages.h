/*-------------------------------------------------------------------------
 *
 * messages.h
 *	  The Anthropic Messages API route (POST /v1/messages): x-api-key and
 *	  anthropic-version, request checks, tool use with a forced tool whose
 *	  input_schema shapes the answer, faults (429 rate_limit_error, 529
 *	  overloaded_error, 5xx, refusal, max_tokens), the per-key RPM/TPM
 *	  buckets with anthropic-ratelimit-* headers, and the answer.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MOCK_MESSAGES_H
#define MOCK_MESSAGES_H

#include "call.h"

extern void messages_handle(Call *call);

#endif							/* MOCK_MESSAGES_H */

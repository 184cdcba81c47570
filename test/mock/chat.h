/*-------------------------------------------------------------------------
 *
 * chat.h
 *	  The OpenAI-compatible chat completions route (POST {prefix}/chat/
 *	  completions, and Azure's /openai/deployments/{d}/chat/completions
 *	  ?api-version=): auth, request validation including the strict
 *	  json_schema rules, quota, RPM/TPM limits, per-key capacity, latency,
 *	  content faults, and the answer.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MOCK_CHAT_H
#define MOCK_CHAT_H

#include "call.h"

extern void chat_handle(Call *call);

#endif							/* MOCK_CHAT_H */

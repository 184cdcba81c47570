/*-------------------------------------------------------------------------
 *
 * provider_anthropic.h
 *	  The JSON of the Anthropic Messages API (provider_anthropic_json.c,
 *	  plain C with json-c, no PostgreSQL header; see json.h for the rules).
 *
 *-------------------------------------------------------------------------
 */
#ifndef FX_PROVIDER_ANTHROPIC_H
#define FX_PROVIDER_ANTHROPIC_H

#include <stddef.h>

#include "json.h"

/* the tool whose input is the statement JSON */
#define FX_ANTHROPIC_TOOL "financial_statements"

/*
 * The body of POST /v1/messages: system prompt, one user message, the tool
 * FX_ANTHROPIC_TOOL with schema_json as its input_schema, tool_choice
 * forcing it, temperature 0 and max_tokens.  malloc'd; NULL with *err.
 */
extern char *fx_anthropic_request(const char *model, const char *system_prompt,
								  const char *user_prompt,
								  const char *schema_json, int max_tokens,
								  char **err);

/*
 * A 200 Messages body into statements: the input of its tool_use block.
 * NULL with *err when cut off (stop_reason max_tokens), refused, without
 * the tool call or not the statement JSON; info is filled in either case.
 */
extern fx_result *fx_anthropic_response(const char *body, size_t len,
										int first_page, int last_page,
										fx_chat_info *info, char **err);

#endif							/* FX_PROVIDER_ANTHROPIC_H */

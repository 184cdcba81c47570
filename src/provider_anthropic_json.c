/*-------------------------------------------------------------------------
 *
 * provider_anthropic_json.c
 *	  Request body and answer of the Anthropic Messages API with forced
 *	  tool use: the statement schema is the tool's input_schema, and the
 *	  tool_use block's input is the statement JSON.
 *
 * Like json.c this file includes json-c and no PostgreSQL header; results
 * are malloc'd.  The statement JSON itself is converted by json.c.
 *
 *-------------------------------------------------------------------------
 */
#include <limits.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "provider_anthropic.h"

#if defined(__GNUC__) || defined(__clang__)
static void set_err(char **err, const char *fmt,...)
			__attribute__((format(printf, 2, 3)));
#endif

/* *err = a malloc'd message (left NULL when out of memory) */
static void
set_err(char **err, const char *fmt,...)
{
	va_list		ap;
	char		buf[512];

	if (err == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	free(*err);
	*err = strdup(buf);
}

/* text[0..len) as a JSON object, or NULL */
static json_object *
parse_object(const char *text, size_t len)
{
	json_tokener *tok;
	json_object *o;

	if (text == NULL || len == 0 || len >= INT_MAX)
		return NULL;
	if ((tok = json_tokener_new()) == NULL)
		return NULL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, text, (int) len);
	if (json_tokener_get_error(tok) != json_tokener_success ||
		!json_object_is_type(o, json_type_object))
	{
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

/* a string member, or NULL */
static const char *
string_member(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* copy a string member into out[0..n) */
static void
copy_member(json_object *o, const char *key, char *out, size_t n)
{
	const char *s = string_member(o, key);

	if (s)
		snprintf(out, n, "%s", s);
}

/* the body of POST /v1/messages; see provider_anthropic.h */
char *
fx_anthropic_request(const char *model, const char *system_prompt,
					 const char *user_prompt, const char *schema_json,
					 int max_tokens, char **err)
{
	json_object *schema = parse_object(schema_json, schema_json ? strlen(schema_json) : 0);
	json_object *root, *msgs, *msg, *tools, *tool, *choice;
	const char *s;
	char	   *r;

	if (schema == NULL)
		return set_err(err, "the response schema is not a JSON object"), NULL;
	root = json_object_new_object();
	msgs = json_object_new_array();
	msg = json_object_new_object();
	tools = json_object_new_array();
	tool = json_object_new_object();
	choice = json_object_new_object();
	json_object_object_add(root, "model", json_object_new_string(model ? model : ""));
	json_object_object_add(root, "max_tokens", json_object_new_int(max_tokens > 0 ? max_tokens : 4096));
	json_object_object_add(root, "system", json_object_new_string(system_prompt ? system_prompt : ""));
	json_object_object_add(msg, "role", json_object_new_string("user"));
	json_object_object_add(msg, "content", json_object_new_string(user_prompt ? user_prompt : ""));
	json_object_array_add(msgs, msg);
	json_object_object_add(root, "messages", msgs);
	json_object_object_add(tool, "name", json_object_new_string(FX_ANTHROPIC_TOOL));
	json_object_object_add(tool, "description",
						   json_object_new_string("Record the financial statements found on the pages."));
	json_object_object_add(tool, "input_schema", schema);
	json_object_array_add(tools, tool);
	json_object_object_add(root, "tools", tools);
	json_object_object_add(choice, "type", json_object_new_string("tool"));
	json_object_object_add(choice, "name", json_object_new_string(FX_ANTHROPIC_TOOL));
	json_object_object_add(root, "tool_choice", choice);
	json_object_object_add(root, "temperature", json_object_new_int(0));
	s = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN |
									   JSON_C_TO_STRING_NOSLASHESCAPE);
	r = s ? strdup(s) : NULL;
	json_object_put(root);
	return r;
}

/* a token count: non-negative and never overflowing */
static int
token_count(json_object *v)
{
	int64_t		n = json_object_get_int64(v);

	return (int) (n < 0 ? 0 : (n > INT_MAX ? INT_MAX : n));
}

/* usage, model and stop_reason of the answer into info */
static void
read_info(json_object *root, fx_chat_info *info)
{
	json_object *u,
			   *v;

	copy_member(root, "model", info->model, sizeof(info->model));
	copy_member(root, "stop_reason", info->finish_reason, sizeof(info->finish_reason));
	if (!json_object_object_get_ex(root, "usage", &u) ||
		!json_object_is_type(u, json_type_object))
		return;
	if (json_object_object_get_ex(u, "input_tokens", &v))
		info->prompt_tokens = token_count(v);
	if (json_object_object_get_ex(u, "output_tokens", &v))
		info->completion_tokens = token_count(v);
	{
		long long	sum = (long long) info->prompt_tokens + info->completion_tokens;

		info->total_tokens = (int) (sum > INT_MAX ? INT_MAX : sum);
	}
}

/* the input of the content's tool_use block for our tool, or NULL */
static json_object *
tool_input(json_object *root)
{
	json_object *content,
			   *input;

	if (!json_object_object_get_ex(root, "content", &content) ||
		!json_object_is_type(content, json_type_array))
		return NULL;
	for (size_t i = 0; i < json_object_array_length(content); i++)
	{
		json_object *b = json_object_array_get_idx(content, i);
		const char *type = string_member(b, "type");
		const char *name = string_member(b, "name");

		if (type && strcmp(type, "tool_use") == 0 && name &&
			strcmp(name, FX_ANTHROPIC_TOOL) == 0 &&
			json_object_object_get_ex(b, "input", &input) &&
			json_object_is_type(input, json_type_object))
			return input;
	}
	return NULL;
}

/* a 200 Messages body into statements; see provider_anthropic.h */
fx_result *
fx_anthropic_response(const char *body, size_t len, int first_page,
					  int last_page, fx_chat_info *info, char **err)
{
	fx_chat_info dummy;
	json_object *root;
	json_object *input;
	fx_result  *res = NULL;
	const char *stop;

	if (info == NULL)
		info = &dummy;
	memset(info, 0, sizeof(*info));
	if ((root = parse_object(body, len)) == NULL)
	{
		info->unreadable = 1;
		return set_err(err, "the answer is not a JSON object"), NULL;
	}
	read_info(root, info);
	stop = info->finish_reason;
	if (strcmp(stop, "max_tokens") == 0)
		set_err(err, "the answer was cut off at the token limit (stop_reason \"max_tokens\"), so its JSON is incomplete");
	else if (strcmp(stop, "refusal") == 0)
		set_err(err, "the model refused (stop_reason \"refusal\")");
	else if ((input = tool_input(root)) == NULL)
		set_err(err, "the answer has no %s tool call (stop_reason \"%s\")", FX_ANTHROPIC_TOOL, stop);
	else
	{
		const char *s = json_object_to_json_string_ext(input, JSON_C_TO_STRING_PLAIN |
													   JSON_C_TO_STRING_NOSLASHESCAPE);

		res = s ? fx_json_statements(s, strlen(s), first_page, last_page, err) : NULL;
	}
	json_object_put(root);
	return res;
}

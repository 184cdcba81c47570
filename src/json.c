/*-------------------------------------------------------------------------
 *
 * json.c
 *	  The JSON bodies of the chat completions API: the request, the chat
 *	  answer (its envelope: usage, finish_reason, refusal, content) and API
 *	  error bodies; and the helpers every JSON file shares (json_int.h):
 *	  strict parsing, error messages, bounded single-line copies.
 *
 * The json*.c files (and provider_anthropic_json.c) are the only ones that
 * include json-c, and they must never include a PostgreSQL header
 * (utils/builtins.h declares a function json_object).  Every json-c tree
 * made here is owned by the function that made it and released with
 * json_object_put() on every path; strings taken from a tree are copied
 * before the tree goes.  The statement JSON inside an answer is validated
 * and converted by json_statement.c; LLMWhisperer's answers are read in
 * json_whisper.c.
 *
 *-------------------------------------------------------------------------
 */
#include "json_int.h"

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCHEMA_NAME		"financial_statements"

/* ---------- small helpers ---------- */

/* a malloc'd copy of s[0..n) with a terminating NUL */
char *
fx_json_dup(const char *s, size_t n)
{
	char	   *r = malloc(n + 1);

	if (r == NULL)
		return NULL;
	memcpy(r, s, n);
	r[n] = '\0';
	return r;
}

/* replace control characters by spaces, in place */
void
fx_json_blank_controls(char *s)
{
	for (; *s; s++)
		if ((unsigned char) *s < 0x20 || *s == 0x7f)
			*s = ' ';
}

/* set *err to a malloc'd, single-line, printf-formatted message */
void
fx_json_set_err(char **err, const char *fmt,...)
{
	va_list		ap;
	char		buf[1024];

	if (err == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fx_json_blank_controls(buf);
	free(*err);
	*err = strdup(buf);
}

/* length of s cut to at most max bytes, not inside a UTF-8 sequence */
size_t
fx_json_utf8_cut(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	while (max > 0 && ((unsigned char) s[max] & 0xC0) == 0x80)
		max--;
	return max;
}

/*
 * A malloc'd single-line copy of s[0..n): controls (NUL included) become
 * spaces, blanks at both ends go, and at most max bytes are kept.
 */
char *
fx_json_clean_text(const char *s, size_t n, size_t max)
{
	char	   *r;
	size_t		a = 0,
				b;

	n = fx_json_utf8_cut(s, n, max);
	r = fx_json_dup(s, n);
	if (r == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char) r[i] < 0x20 || r[i] == 0x7f)
			r[i] = ' ';
	while (r[a] == ' ')
		a++;
	b = strlen(r + a);
	while (b > 0 && r[a + b - 1] == ' ')
		b--;
	memmove(r, r + a, b);
	r[b] = '\0';
	return r;
}

/* a json-c string's bytes and length (json-c strings may hold NULs) */
const char *
fx_json_str_of(json_object *o, size_t *n)
{
	*n = (size_t) json_object_get_string_len(o);
	return json_object_get_string(o);
}

/* the member key of o if it is a string, else NULL */
json_object *
fx_json_string_member(json_object *o, const char *key)
{
	json_object *v;

	if (o == NULL || !json_object_is_type(o, json_type_object) ||
		!json_object_object_get_ex(o, key, &v) ||
		!json_object_is_type(v, json_type_string))
		return NULL;
	return v;
}

/*
 * Parse text[0..len) as one JSON object, strictly (valid UTF-8, nothing
 * after it but blanks).  Returns NULL with *err naming what was parsed.
 */
json_object *
fx_json_parse_object(const char *text, size_t len, const char *what,
					 char **err)
{
	json_tokener *tok;
	json_object *o;
	enum json_tokener_error e;
	size_t		end;

	if (text == NULL || len == 0)
		return fx_json_set_err(err, "%s is empty", what), NULL;
	if (len >= INT_MAX)
		return fx_json_set_err(err, "%s is too large", what), NULL;
	tok = json_tokener_new();
	if (tok == NULL)
		return NULL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, text, (int) len);
	e = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	while (o != NULL && end < len && isspace((unsigned char) text[end]))
		end++;
	if (o == NULL || e != json_tokener_success || end != len)
	{
		fx_json_set_err(err, "%s is not valid JSON: %s at offset %zu", what,
						o != NULL ? "text after the value" :
						e == json_tokener_continue ? "it ends too early" :
						json_tokener_error_desc(e), end);
		json_object_put(o);
		return NULL;
	}
	if (!json_object_is_type(o, json_type_object))
	{
		fx_json_set_err(err, "%s is not a JSON object", what);
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* ---------- the chat request ---------- */

/* {"role": role, "content": content} */
static json_object *
message_json(const char *role, const char *content)
{
	json_object *m = json_object_new_object();

	json_object_object_add(m, "role", json_object_new_string(role));
	json_object_object_add(m, "content", json_object_new_string(content ? content : ""));
	return m;
}

/* response_format: strict json_schema around the caller's schema */
static json_object *
response_format_json(json_object *schema)
{
	json_object *rf = json_object_new_object();
	json_object *js = json_object_new_object();

	json_object_object_add(js, "name", json_object_new_string(SCHEMA_NAME));
	json_object_object_add(js, "strict", json_object_new_boolean(1));
	json_object_object_add(js, "schema", schema);
	json_object_object_add(rf, "type", json_object_new_string("json_schema"));
	json_object_object_add(rf, "json_schema", js);
	return rf;
}

/* the body of POST /chat/completions; see json.h */
char *
fx_json_chat_request(const char *model, const char *system_prompt,
					 const char *user_prompt, const char *schema_json,
					 int max_tokens, char **err)
{
	json_object *schema;
	json_object *root;
	json_object *msgs;
	const char *s;
	char	   *r;

	schema = fx_json_parse_object(schema_json,
								  schema_json ? strlen(schema_json) : 0,
								  "the response schema", err);
	if (schema == NULL)
		return NULL;
	root = json_object_new_object();
	msgs = json_object_new_array();
	if (model != NULL)
		json_object_object_add(root, "model", json_object_new_string(model));
	json_object_array_add(msgs, message_json("system", system_prompt));
	json_object_array_add(msgs, message_json("user", user_prompt));
	json_object_object_add(root, "messages", msgs);
	json_object_object_add(root, "response_format", response_format_json(schema));
	json_object_object_add(root, "temperature", json_object_new_int(0));
	if (max_tokens > 0)
		json_object_object_add(root, "max_completion_tokens",
							   json_object_new_int(max_tokens));
	s = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN |
									   JSON_C_TO_STRING_NOSLASHESCAPE);
	r = s ? strdup(s) : NULL;
	json_object_put(root);
	return r;
}

/* ---------- API errors ---------- */

/* copy a string or number member into out[0..outlen) */
static void
copy_code(json_object *v, char *out, size_t outlen)
{
	size_t		n;
	const char *s;

	if (out == NULL || outlen == 0 || v == NULL)
		return;
	if (!json_object_is_type(v, json_type_string) &&
		!json_object_is_type(v, json_type_int))
		return;
	s = json_object_get_string(v);
	n = fx_json_utf8_cut(s, strlen(s), outlen - 1);
	memcpy(out, s, n);
	out[n] = '\0';
	fx_json_blank_controls(out);
}

/* the message, type and code holder of an error body, or NULL */
static json_object *
error_holder(json_object *root, json_object **msg)
{
	json_object *e = NULL;

	if (json_object_object_get_ex(root, "error", &e))
	{
		if (json_object_is_type(e, json_type_string))
			return *msg = e, root;	/* Ollama: {"error": "..."} */
		if ((*msg = fx_json_string_member(e, "message")) != NULL)
			return e;
	}
	if ((*msg = fx_json_string_member(root, "message")) != NULL)
		return root;			/* old vLLM, LLMWhisperer */
	if ((*msg = fx_json_string_member(root, "detail")) != NULL)
		return root;			/* FastAPI servers */
	return json_object_is_type(e, json_type_object) ? e : NULL;
}

/* the message of a parsed error body, with its code and type */
static char *
error_text(json_object *root, char *code_out, size_t code_len,
		   char *type_out, size_t type_len)
{
	json_object *msg = NULL;
	json_object *holder = error_holder(root, &msg);
	json_object *v;
	size_t		n;
	const char *s;

	if (holder != NULL && json_object_object_get_ex(holder, "code", &v))
		copy_code(v, code_out, code_len);
	if (holder != NULL && json_object_object_get_ex(holder, "type", &v))
		copy_code(v, type_out, type_len);
	if (msg == NULL)
		return NULL;
	s = fx_json_str_of(msg, &n);
	return fx_json_clean_text(s, n, FX_JSON_MAX_MESSAGE);
}

/* a short message from an API error body; see json.h */
char *
fx_json_error_message(const char *body, size_t len, char *code_out,
					  size_t code_len, char *type_out, size_t type_len)
{
	json_object *root;
	char	   *r;

	if (code_out && code_len > 0)
		code_out[0] = '\0';
	if (type_out && type_len > 0)
		type_out[0] = '\0';
	root = fx_json_parse_object(body, len, "error body", NULL);
	if (root == NULL)
		return NULL;
	r = error_text(root, code_out, code_len, type_out, type_len);
	json_object_put(root);
	return r;
}

/* ---------- the chat answer ---------- */

/* A token count from the answer: non-negative and never overflowing. */
static int
token_count(json_object *v)
{
	int64_t		n = json_object_get_int64(v);

	return (int) (n < 0 ? 0 : (n > INT_MAX ? INT_MAX : n));
}

/* usage and model of the answer into info */
static void
read_info(json_object *root, fx_chat_info *info)
{
	json_object *u;
	json_object *v;

	if ((v = fx_json_string_member(root, "model")) != NULL)
		copy_code(v, info->model, sizeof(info->model));
	if (!json_object_object_get_ex(root, "usage", &u) ||
		!json_object_is_type(u, json_type_object))
		return;
	if (json_object_object_get_ex(u, "prompt_tokens", &v))
		info->prompt_tokens = token_count(v);
	if (json_object_object_get_ex(u, "completion_tokens", &v))
		info->completion_tokens = token_count(v);
	if (json_object_object_get_ex(u, "total_tokens", &v))
		info->total_tokens = token_count(v);
	else
	{
		long long	sum = (long long) info->prompt_tokens + info->completion_tokens;

		info->total_tokens = (int) (sum > INT_MAX ? INT_MAX : sum);
	}
}

/* choices[0].message of the answer, or NULL with *err */
static json_object *
first_message(json_object *root, json_object **choice, char **err)
{
	json_object *choices;
	json_object *m;
	char	   *emsg;

	if (!json_object_object_get_ex(root, "choices", &choices))
	{
		emsg = error_text(root, NULL, 0, NULL, 0);
		fx_json_set_err(err, emsg ? "the answer is an error: %s" : "the answer has no choices%s",
						emsg ? emsg : "");
		free(emsg);
		return NULL;
	}
	if (!json_object_is_type(choices, json_type_array) ||
		json_object_array_length(choices) == 0)
		return fx_json_set_err(err, "the answer has no choices"), NULL;
	*choice = json_object_array_get_idx(choices, 0);
	if (!json_object_is_type(*choice, json_type_object) ||
		!json_object_object_get_ex(*choice, "message", &m) ||
		!json_object_is_type(m, json_type_object))
		return fx_json_set_err(err,
							   "the answer's first choice has no message"),
			NULL;
	return m;
}

/*
 * The answer's content (a JSON text inside a string), or NULL with *err
 * when the answer was cut off, filtered or refused.
 */
static const char *
answer_content(json_object *root, fx_chat_info *info, size_t *len, char **err)
{
	json_object *choice = NULL;
	json_object *m = first_message(root, &choice, err);
	json_object *v;
	const char *fr;

	if (m == NULL)
		return NULL;
	if ((v = fx_json_string_member(choice, "finish_reason")) != NULL)
		copy_code(v, info->finish_reason, sizeof(info->finish_reason));
	fr = info->finish_reason;
	if (strcmp(fr, "length") == 0)
		return fx_json_set_err(err, "the answer was cut off at the token limit (finish_reason \"length\"), so its JSON is incomplete"), NULL;
	if (strcmp(fr, "content_filter") == 0)
		return fx_json_set_err(err, "the answer was withheld by the provider's content filter (finish_reason \"content_filter\")"), NULL;
	if (strcmp(fr, "tool_calls") == 0 || strcmp(fr, "function_call") == 0)
		return fx_json_set_err(err, "the model called a tool instead of answering (finish_reason \"%s\")", fr), NULL;
	if ((v = fx_json_string_member(m, "refusal")) != NULL &&
		json_object_get_string_len(v) > 0)
	{
		char	   *r = fx_json_clean_text(json_object_get_string(v),
										   (size_t) json_object_get_string_len(v), FX_JSON_MAX_MESSAGE);

		fx_json_set_err(err, "the model refused: %s", r ? r : "");
		free(r);
		return NULL;
	}
	if ((v = fx_json_string_member(m, "content")) == NULL)
		return fx_json_set_err(err, "the answer has no content"), NULL;
	return fx_json_str_of(v, len);
}

/* drop blanks and a ```json ... ``` fence around s[0..*len) */
static const char *
strip_fence(const char *s, size_t *len)
{
	size_t		n = *len;
	const char *nl;

	while (n > 0 && isspace((unsigned char) *s))
		s++, n--;
	while (n > 0 && isspace((unsigned char) s[n - 1]))
		n--;
	if (n >= 6 && memcmp(s, "```", 3) == 0 && memcmp(s + n - 3, "```", 3) == 0 &&
		(nl = memchr(s, '\n', n - 3)) != NULL)
	{
		n -= (size_t) (nl + 1 - s) + 3;
		s = nl + 1;
	}
	*len = n;
	return s;
}

/* parse a 200 chat completions body into statements; see json.h */
fx_result *
fx_json_chat_response(const char *body, size_t len, int first_page,
					  int last_page, fx_chat_info *info, char **err)
{
	fx_chat_info dummy;
	json_object *root;
	json_object *doc;
	const char *content;
	size_t		clen = 0;
	fx_result  *res = NULL;

	if (info == NULL)
		info = &dummy;
	memset(info, 0, sizeof(*info));
	root = fx_json_parse_object(body, len, "the answer", err);
	if (root == NULL)
	{
		info->unreadable = 1;
		return NULL;
	}
	read_info(root, info);
	content = answer_content(root, info, &clen, err);
	if (content != NULL)
	{
		content = strip_fence(content, &clen);
		doc = fx_json_parse_object(content, clen, "the answer's content", err);
		if (doc != NULL)
			res = fx_json_convert_content(doc, first_page, last_page, err);
		json_object_put(doc);
	}
	json_object_put(root);
	return res;
}

/* statement JSON from any provider as a result; see json.h */
fx_result *
fx_json_statements(const char *text, size_t len, int first_page,
				   int last_page, char **err)
{
	json_object *doc;
	fx_result  *res = NULL;

	text = strip_fence(text, &len);
	doc = fx_json_parse_object(text, len, "the answer's content", err);
	if (doc != NULL)
		res = fx_json_convert_content(doc, first_page, last_page, err);
	json_object_put(doc);
	return res;
}

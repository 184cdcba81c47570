/*-------------------------------------------------------------------------
 *
 * messages.c
 *	  Owns Anthropic Messages requests from arrival to answer.
 *
 * Order of checks: auth (401 authentication_error), anthropic-version and
 * the request shape (400 invalid_request_error), injected faults, the
 * key's RPM/TPM buckets (429 rate_limit_error).  Errors have Anthropic's
 * shape {"type":"error","error":{"type","message"}} and a request-id
 * header; 429 and 529 carry retry-after.  A request whose tool_choice
 * forces a tool is answered with one tool_use block whose input is built
 * for that tool's input_schema (for "financial_statements", from the
 * project's parser run on the user text), checked against the schema.
 * Capacity queueing is the chat route's; here a call only takes its
 * processing time (chat_seconds, scaled).
 *
 *-------------------------------------------------------------------------
 */
#include "messages.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/buffer.h>

#include "admin.h"
#include "concepts.h"
#include "gen.h"
#include "knobs.h"
#include "limits.h"
#include "rng.h"
#include "schema.h"
#include "statements.h"
#include "util.h"

#define MAX_JSON_DEPTH 512

/* the parts of the request the answer needs */
typedef struct MsgRequest
{
	json_object *body;
	const char *model;
	json_object *messages;
	json_object *tool_schema;	/* input_schema of the forced tool */
	const char *tool_name;
	long		max_tokens;
	int			input_tokens;
} MsgRequest;

/* an error in Anthropic's shape */
static void
msg_error(Call *call, int status, const char *type, const char *message)
{
	json_object *o = json_object_new_object();
	json_object *e = json_object_new_object();

	json_object_object_add(o, "type", json_object_new_string("error"));
	json_object_object_add(e, "type", json_object_new_string(type));
	json_object_object_add(e, "message", json_object_new_string(message));
	json_object_object_add(o, "error", e);
	call_set_json(call, status, o);
	call_send(call, 0);
}

static bool
invalid(Call *call, const char *message)
{
	msg_error(call, 400, "invalid_request_error", message);
	return false;
}

/* an RFC 3339 time s seconds from now */
static void
rfc3339_in(double s, char *buf, size_t len)
{
	time_t		t = (time_t) ceil(now_wall() + (s > 0 ? s : 0));
	struct tm	tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* anthropic-ratelimit-{requests,tokens}-{limit,remaining,reset} */
static void
ratelimit_headers(Call *call, const Knobs *k, const RateInfo *ri)
{
	char		buf[40];

	if (!k->chat_ratelimit_headers)
		return;
	if (k->chat_rpm > 0)
	{
		snprintf(buf, sizeof(buf), "%d", ri->limit_requests);
		call_add_header(call, "anthropic-ratelimit-requests-limit", buf);
		snprintf(buf, sizeof(buf), "%d", ri->remaining_requests);
		call_add_header(call, "anthropic-ratelimit-requests-remaining", buf);
		rfc3339_in(ri->reset_requests, buf, sizeof(buf));
		call_add_header(call, "anthropic-ratelimit-requests-reset", buf);
	}
	if (k->chat_tpm > 0)
	{
		snprintf(buf, sizeof(buf), "%d", ri->limit_tokens);
		call_add_header(call, "anthropic-ratelimit-tokens-limit", buf);
		snprintf(buf, sizeof(buf), "%d", ri->remaining_tokens);
		call_add_header(call, "anthropic-ratelimit-tokens-remaining", buf);
		rfc3339_in(ri->reset_tokens, buf, sizeof(buf));
		call_add_header(call, "anthropic-ratelimit-tokens-reset", buf);
	}
}

/* a 429 rate_limit_error with the buckets' headers and retry-after */
static void
rate_error(Call *call, const Knobs *k, KeyState *ks, const char *message,
		   double retry_after)
{
	RateInfo	ri;

	ratelimit_peek(ks, k, &ri);
	ratelimit_headers(call, k, &ri);
	call_retry_after(call, retry_after);
	ks->chat_429++;
	msg_error(call, 429, "rate_limit_error", message);
}

/*
 * The key from x-api-key, or from "Authorization: Bearer" (what
 * @anthropic-ai/sdk 1.x sends for an apiKey); NULL after answering 401.
 */
static const char *
msg_auth(Call *call)
{
	const char *key = call_header(call, "x-api-key");
	const char *auth = call_header(call, "authorization");

	if ((key == NULL || key[0] == '\0') && auth && strncasecmp(auth, "Bearer ", 7) == 0)
		key = auth + 7;

	strlcopy(call->key, key ? key : "", sizeof(call->key));
	if (key && key[0] && keys_allowed(KEYS_LLM, key))
		return call->key;
	msg_error(call, 401, "authentication_error",
			  key && key[0] ? "invalid x-api-key" : "x-api-key header is required");
	return NULL;
}

/* the text of a message's content: a string or text blocks */
static void
content_text(json_object *m, struct evbuffer *out)
{
	json_object *c = NULL;

	json_object_object_get_ex(m, "content", &c);
	if (json_object_is_type(c, json_type_string))
		evbuffer_add(out, json_object_get_string(c), json_object_get_string_len(c));
	else if (json_object_is_type(c, json_type_array))
		for (size_t i = 0; i < json_object_array_length(c); i++)
		{
			json_object *t;

			if (json_object_object_get_ex(json_object_array_get_idx(c, i), "text", &t) &&
				json_object_is_type(t, json_type_string))
				evbuffer_add(out, json_object_get_string(t), json_object_get_string_len(t));
		}
}

/* messages: non-empty, user/assistant roles, starting with user */
static bool
check_messages(Call *call, MsgRequest *r)
{
	size_t		n,
				chars = 0;
	json_object *sys;

	if (!json_object_object_get_ex(r->body, "messages", &r->messages) ||
		!json_object_is_type(r->messages, json_type_array) ||
		(n = json_object_array_length(r->messages)) == 0)
		return invalid(call, "messages: field required");
	for (size_t i = 0; i < n; i++)
	{
		json_object *m = json_object_array_get_idx(r->messages, i);
		json_object *role;
		const char *rs;
		struct evbuffer *t;

		if (!json_object_object_get_ex(m, "role", &role) ||
			(rs = json_object_get_string(role)) == NULL ||
			(strcmp(rs, "user") != 0 && strcmp(rs, "assistant") != 0))
			return invalid(call, "messages: roles must be \"user\" or \"assistant\"");
		t = evbuffer_new();
		content_text(m, t);
		chars += evbuffer_get_length(t);
		evbuffer_free(t);
	}
	if (json_object_object_get_ex(r->body, "system", &sys) &&
		json_object_is_type(sys, json_type_string))
		chars += json_object_get_string_len(sys);
	r->input_tokens = (int) ((chars + 3) / 4 + 3 * n + 3);
	return true;
}

/* tools and tool_choice: a forced tool must be one of the tools */
static bool
check_tools(Call *call, MsgRequest *r)
{
	json_object *tools = NULL,
			   *choice = NULL,
			   *v;
	const char *type;

	if (!json_object_object_get_ex(r->body, "tool_choice", &choice) || choice == NULL)
		return true;
	if (!json_object_object_get_ex(choice, "type", &v) ||
		(type = json_object_get_string(v)) == NULL)
		return invalid(call, "tool_choice.type: field required");
	if (strcmp(type, "tool") != 0)
		return true;
	if (!json_object_object_get_ex(choice, "name", &v))
		return invalid(call, "tool_choice.name: field required");
	r->tool_name = json_object_get_string(v);
	json_object_object_get_ex(r->body, "tools", &tools);
	for (size_t i = 0; tools && i < json_object_array_length(tools); i++)
	{
		json_object *t = json_object_array_get_idx(tools, i);

		if (json_object_object_get_ex(t, "name", &v) &&
			strcmp(json_object_get_string(v), r->tool_name) == 0)
		{
			if (!json_object_object_get_ex(t, "input_schema", &r->tool_schema) ||
				!json_object_is_type(r->tool_schema, json_type_object))
				return invalid(call, "tools.0.custom.input_schema: Field required");
			return true;
		}
	}
	return invalid(call, "tool_choice: tool not found in tools");
}

/* parse and check the body; false after answering 400 */
static bool
parse_request(Call *call, MsgRequest *r)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(call->req);
	size_t		len = evbuffer_get_length(in);
	json_tokener *tok = json_tokener_new_ex(MAX_JSON_DEPTH);
	json_object *v;

	memset(r, 0, sizeof(*r));
	r->body = json_tokener_parse_ex(tok, (char *) evbuffer_pullup(in, len), (int) len);
	if (json_tokener_get_error(tok) != json_tokener_success)
	{
		json_object_put(r->body);
		r->body = NULL;
	}
	json_tokener_free(tok);
	if (r->body == NULL || !json_object_is_type(r->body, json_type_object))
		return invalid(call, "There was an issue with your request body: it is not valid JSON.");
	if (!json_object_object_get_ex(r->body, "model", &v) ||
		!json_object_is_type(v, json_type_string) || json_object_get_string_len(v) == 0)
		return invalid(call, "model: Field required");
	r->model = json_object_get_string(v);
	if (!json_object_object_get_ex(r->body, "max_tokens", &v) ||
		!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 1)
		return invalid(call, "max_tokens: Field required");
	r->max_tokens = (long) json_object_get_int64(v);
	if (json_object_object_get_ex(r->body, "stream", &v) && json_object_get_boolean(v))
		return invalid(call, "Streaming is not supported by the mock.");
	return check_messages(call, r) && check_tools(call, r);
}

/* the last user message's text (malloc'd) */
static char *
user_text(MsgRequest *r, size_t *len)
{
	struct evbuffer *t = evbuffer_new();
	char	   *s;

	for (size_t i = json_object_array_length(r->messages); i-- > 0;)
	{
		json_object *m = json_object_array_get_idx(r->messages, i);
		json_object *role;

		if (json_object_object_get_ex(m, "role", &role) &&
			strcmp(json_object_get_string(role), "user") == 0)
		{
			content_text(m, t);
			break;
		}
	}
	*len = evbuffer_get_length(t);
	s = xstrndup((char *) evbuffer_pullup(t, *len), *len);
	evbuffer_free(t);
	return s;
}

/* the forced tool's input, checked against its schema; NULL after 500 */
static json_object *
tool_input(Call *call, MsgRequest *r, const Knobs *k)
{
	json_object *input;
	char		err[600],
				msg[700];

	if (strcmp(r->tool_name, "financial_statements") == 0)
	{
		size_t		len;
		char	   *text = user_text(r, &len);

		input = statements_from_text(text, len);
		concepts_add(input, r->tool_schema);
		stats_count(C_CHAT_PARSER_RUNS, 1);
		free(text);
	}
	else
		input = gen_minimal(r->tool_schema);
	if (!schema_validate(r->tool_schema, input, err, sizeof(err)))
	{
		json_object_put(input);
		input = gen_minimal(r->tool_schema);
	}
	if (!schema_validate(r->tool_schema, input, err, sizeof(err)))
	{
		json_object_put(input);
		snprintf(msg, sizeof(msg), "The mock could not generate input for tool '%s': %s",
				 r->tool_name, err);
		msg_error(call, 500, "api_error", msg);
		return NULL;
	}
	if (call->fault == F_BAD_CONTENT)
		gen_violate(input);
	if (k->chat_odd_concepts)
		concepts_make_odd(input);
	return input;
}

/* the message object; false after answering 500 */
static bool
answer(Call *call, MsgRequest *r, const Knobs *k, int *output_tokens)
{
	json_object *o = json_object_new_object();
	json_object *content = json_object_new_array();
	json_object *block = json_object_new_object();
	json_object *usage = json_object_new_object();
	const char *stop = "end_turn";
	char		id[40];
	size_t		len;

	if (call->fault == F_REFUSAL)
	{
		stop = "refusal";
		json_object_object_add(block, "type", json_object_new_string("text"));
		json_object_object_add(block, "text", json_object_new_string("I can't help with that."));
		len = 24;
	}
	else if (r->tool_name)
	{
		json_object *input = tool_input(call, r, k);

		if (input == NULL)
			return json_object_put(o), json_object_put(content), json_object_put(block),
				json_object_put(usage), false;
		len = strlen(json_object_to_json_string(input));
		stop = "tool_use";
		strcpy(id, "toolu_");
		rng_hex(id + 6, 24);
		json_object_object_add(block, "type", json_object_new_string("tool_use"));
		json_object_object_add(block, "id", json_object_new_string(id));
		json_object_object_add(block, "name", json_object_new_string(r->tool_name));
		json_object_object_add(block, "input", input);
		if (call->fault == F_LENGTH || (long) (len + 3) / 4 > r->max_tokens)
		{
			/* cut off: the partial tool call is dropped, as the API does */
			stop = "max_tokens";
			json_object_object_add(block, "input", json_object_new_object());
		}
	}
	else
	{
		json_object_object_add(block, "type", json_object_new_string("text"));
		json_object_object_add(block, "text", json_object_new_string("This is a response from the finextract mock server."));
		len = 52;
	}
	json_object_array_add(content, block);
	*output_tokens = (int) ((len + 3) / 4);
	strcpy(id, "msg_");
	rng_hex(id + 4, 24);
	json_object_object_add(o, "id", json_object_new_string(id));
	json_object_object_add(o, "type", json_object_new_string("message"));
	json_object_object_add(o, "role", json_object_new_string("assistant"));
	json_object_object_add(o, "model", json_object_new_string(r->model));
	json_object_object_add(o, "content", content);
	json_object_object_add(o, "stop_reason", json_object_new_string(stop));
	json_object_object_add(o, "stop_sequence", NULL);
	json_object_object_add(usage, "input_tokens", json_object_new_int(r->input_tokens));
	json_object_object_add(usage, "output_tokens", json_object_new_int(*output_tokens));
	json_object_object_add(usage, "cache_creation_input_tokens", json_object_new_int(0));
	json_object_object_add(usage, "cache_read_input_tokens", json_object_new_int(0));
	json_object_object_add(o, "usage", usage);
	call_set_json(call, 200, o);
	return true;
}

/* an injected fault; false when there is none */
static bool
inject_fault(Call *call, const Knobs *k, KeyState *ks)
{
	switch (call->fault)
	{
		case F_429:
			rate_error(call, k, ks, "Number of requests has exceeded your rate limit (simulated).",
					   knobs_scaled(k, k->chat_retry_after));
			return true;
		case F_529:
			call_retry_after(call, knobs_scaled(k, k->chat_retry_after));
			msg_error(call, 529, "overloaded_error", "Overloaded");
			return true;
		case F_500:
		case F_503:
		case F_408:
		case F_409:
			msg_error(call, fault_status(call->fault),
					  call->fault == F_408 ? "timeout_error" : "api_error",
					  "Internal server error");
			return true;
		case F_ECHO_HEADERS:
			{
				char		msg[2048];

				call_echo_headers(call, "invalid x-api-key: ", msg, sizeof(msg));
				msg_error(call, 401, "authentication_error", msg);
				return true;
			}
		case F_HANG:
			call_hang(call);
			return true;
		case F_RESET:
			call_send(call, 0);
			return true;
		default:
			return false;
	}
}

/* the key's RPM/TPM buckets; false after answering 429 */
static bool
check_limits(Call *call, MsgRequest *r, const Knobs *k, KeyState *ks,
			 RateInfo *ri)
{
	int			tokens = r->input_tokens + (int) r->max_tokens;

	if (ratelimit_take(ks, k, tokens, ri))
		return true;
	stats_count(C_CHAT_RATE_429, 1);
	rate_error(call, k, ks, ri->by_tokens ?
			   "This request would exceed the rate limit for your organization of tokens per minute." :
			   "This request would exceed the rate limit for your organization of requests per minute.",
			   ri->retry_after);
	return false;
}

void
messages_handle(Call *call)
{
	char		reqid[40];
	const char *key;
	MsgRequest	r;
	RateInfo	ri;
	KeyState   *ks;
	Knobs		k;
	int			output_tokens = 0;

	strcpy(reqid, "req_");
	rng_hex(reqid + 4, 24);
	strlcopy(call->id, reqid, sizeof(call->id));
	call_add_header(call, "request-id", reqid);
	if ((key = msg_auth(call)) == NULL)
		return;
	ks = keystate_get(key);
	ks->chat_requests++;
	knobs_for_key(key, &k);
	if (call_header(call, "anthropic-version") == NULL)
	{
		invalid(call, "anthropic-version: header is required");
		return;
	}
	if (!parse_request(call, &r))
	{
		json_object_put(r.body);
		return;
	}
	call->fault = faults_pick(EP_MESSAGES);
	call->no_retry = faults_no_retry(EP_MESSAGES);
	if (!inject_fault(call, &k, ks) && check_limits(call, &r, &k, ks, &ri))
	{
		ratelimit_headers(call, &k, &ri);
		if (answer(call, &r, &k, &output_tokens))
		{
			stats_count(C_CHAT_PROMPT_TOKENS, r.input_tokens);
			stats_count(C_CHAT_COMPLETION_TOKENS, output_tokens);
			call_send(call, knobs_scaled(&k, k.chat_seconds));
		}
	}
	json_object_put(r.body);
}

/*-------------------------------------------------------------------------
 *
 * chat.c
 *	  Owns chat completion requests from arrival to answer, and the
 *	  per-key FIFO of calls waiting for a capacity slot.
 *
 * Order of checks: auth (401), request shape and response_format schema
 * (400), injected HTTP faults, insufficient_quota (429), RPM/TPM buckets
 * (429), capacity (queue, or 429).  The content is built when the call is
 * accepted, checked against the request's schema, and sent when the call's
 * processing time (chat_seconds + per-1k-token time + jitter + tail,
 * scaled) has passed.
 *
 *-------------------------------------------------------------------------
 */
#include "chat.h"

#include <ctype.h>
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

/* what one accepted call carries until it is answered */
typedef struct ChatWork
{
	Knobs		k;
	KeyState   *ks;
	double		latency;		/* real seconds of processing */
} ChatWork;

/* the parts of the request the answer needs */
typedef struct ChatRequest
{
	json_object *body;
	const char *model;
	json_object *messages;
	json_object *schema;		/* response_format.json_schema.schema */
	const char *schema_name;
	const char *format_type;	/* text | json_object | json_schema */
	long		max_tokens;		/* 0 = not given */
	int			prompt_tokens;
} ChatRequest;

static void admit(KeyState *ks, const Knobs *k);

/* ---------- errors ---------- */

/*
 * An error in OpenAI's shape, or in old vLLM's (compat_vllm_errors) or
 * llama-server's (compat_llamacpp_errors).
 */
static void
chat_error(Call *call, int status, const char *message, const char *type,
		   const char *param, const char *code)
{
	json_object *o = json_object_new_object();
	json_object *e = o;

	if (knobs.compat_llamacpp_errors)
	{
		e = json_object_new_object();
		json_object_object_add(e, "code", json_object_new_int(status));
		json_object_object_add(e, "message", json_object_new_string(message));
		json_object_object_add(e, "type", json_object_new_string(type));
		json_object_object_add(o, "error", e);
	}
	else if (knobs.compat_vllm_errors)
	{
		json_object_object_add(o, "object", json_object_new_string("error"));
		json_object_object_add(o, "message", json_object_new_string(message));
		json_object_object_add(o, "type", json_object_new_string(type));
		json_object_object_add(o, "param", param ? json_object_new_string(param) : NULL);
		json_object_object_add(o, "code", json_object_new_int(status));
	}
	else
	{
		e = json_object_new_object();
		json_object_object_add(e, "message", json_object_new_string(message));
		json_object_object_add(e, "type", json_object_new_string(type));
		json_object_object_add(e, "param", param ? json_object_new_string(param) : NULL);
		json_object_object_add(e, "code", code ? json_object_new_string(code) : NULL);
		json_object_object_add(o, "error", e);
	}
	call_set_json(call, status, o);
	call_send(call, 0);
}

static void
invalid_request(Call *call, const char *message, const char *param,
				const char *code)
{
	chat_error(call, 400, message, "invalid_request_error", param, code);
}

/* "1s", "6m0s", "20ms" as OpenAI writes durations */
static void
format_duration(double s, char *buf, size_t len)
{
	if (s < 1.0)
		snprintf(buf, len, "%ldms", lrint(s * 1000.0));
	else if (s < 60.0)
		snprintf(buf, len, "%gs", round(s * 1000.0) / 1000.0);
	else
		snprintf(buf, len, "%ldm%lds", (long) s / 60, (long) s % 60);
}

/* x-ratelimit-* from the key's buckets */
static void
ratelimit_headers(Call *call, const Knobs *k, const RateInfo *ri)
{
	char		buf[32];

	if (!k->chat_ratelimit_headers)
		return;
	snprintf(buf, sizeof(buf), "%d", ri->limit_requests);
	call_add_header(call, "x-ratelimit-limit-requests", buf);
	snprintf(buf, sizeof(buf), "%d", ri->limit_tokens);
	call_add_header(call, "x-ratelimit-limit-tokens", buf);
	snprintf(buf, sizeof(buf), "%d", ri->remaining_requests);
	call_add_header(call, "x-ratelimit-remaining-requests", buf);
	snprintf(buf, sizeof(buf), "%d", ri->remaining_tokens);
	call_add_header(call, "x-ratelimit-remaining-tokens", buf);
	format_duration(ri->reset_requests, buf, sizeof(buf));
	call_add_header(call, "x-ratelimit-reset-requests", buf);
	format_duration(ri->reset_tokens, buf, sizeof(buf));
	call_add_header(call, "x-ratelimit-reset-tokens", buf);
}

/* a 429 of type requests/tokens with retry-after */
static void
rate_error(Call *call, const Knobs *k, KeyState *ks, const char *message,
		   const char *type, double retry_after)
{
	RateInfo	ri;

	ratelimit_peek(ks, k, &ri);
	ratelimit_headers(call, k, &ri);
	call_retry_after(call, retry_after);
	ks->chat_429++;
	chat_error(call, 429, message, type, NULL, "rate_limit_exceeded");
}

/* ---------- auth and request checks ---------- */

/* the API key, or NULL after answering 401 */
static const char *
chat_auth(Call *call)
{
	const char *auth = call_header(call, "authorization");
	const char *key = NULL;
	char		msg[256];

	if (auth && strncasecmp(auth, "Bearer ", 7) == 0)
		key = auth + 7;
	if (call->route == R_AZURE_CHAT && call_header(call, "api-key"))
		key = call_header(call, "api-key");
	strlcopy(call->key, key ? key : "", sizeof(call->key));
	if (keys_allowed(KEYS_LLM, key))
		return call->key;
	if (call->route == R_AZURE_CHAT)
	{
		json_object *o = json_object_new_object();
		json_object *e = json_object_new_object();

		json_object_object_add(e, "code", json_object_new_string("401"));
		json_object_object_add(e, "message", json_object_new_string("Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource."));
		json_object_object_add(o, "error", e);
		call_set_json(call, 401, o);
		call_send(call, 0);
		return NULL;
	}
	if (key == NULL || key[0] == '\0')
		chat_error(call, 401, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
				   "invalid_request_error", NULL, NULL);
	else
	{
		size_t		n = strlen(key);

		snprintf(msg, sizeof(msg),
				 "Incorrect API key provided: %.3s%s%s. You can find your API key at https://platform.openai.com/account/api-keys.",
				 key, n > 7 ? "****" : "", n > 7 ? key + n - 4 : "");
		chat_error(call, 401, msg, "invalid_request_error", NULL, "invalid_api_key");
	}
	return NULL;
}

/* a message's text: a string, or the text parts of an array */
static void
message_text(json_object *msg, struct evbuffer *out)
{
	json_object *c = NULL;

	json_object_object_get_ex(msg, "content", &c);
	if (json_object_is_type(c, json_type_string))
		evbuffer_add(out, json_object_get_string(c), json_object_get_string_len(c));
	else if (json_object_is_type(c, json_type_array))
		for (size_t i = 0; i < json_object_array_length(c); i++)
		{
			json_object *part = json_object_array_get_idx(c, i);
			json_object *t;

			if (json_object_object_get_ex(part, "text", &t) &&
				json_object_is_type(t, json_type_string))
				evbuffer_add(out, json_object_get_string(t), json_object_get_string_len(t));
		}
}

/* messages: a non-empty array of objects with a known role */
static bool
check_messages(Call *call, ChatRequest *r)
{
	static const char *const roles[] = {"system", "user", "assistant", "tool",
	"function", "developer"};
	size_t		n, chars = 0;
	char		msg[256], param[64];

	if (!json_object_object_get_ex(r->body, "messages", &r->messages))
		return invalid_request(call, "Missing required parameter: 'messages'.", "messages", "missing_required_parameter"), false;
	if (!json_object_is_type(r->messages, json_type_array))
		return invalid_request(call, "Invalid type for 'messages': expected an array of objects.", "messages", "invalid_type"), false;
	if ((n = json_object_array_length(r->messages)) == 0)
		return invalid_request(call, "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", "messages", "empty_array"), false;
	for (size_t i = 0; i < n; i++)
	{
		json_object *m = json_object_array_get_idx(r->messages, i);
		json_object *role = NULL;
		bool		known = false;
		struct evbuffer *t = evbuffer_new();

		snprintf(param, sizeof(param), "messages[%zu].role", i);
		if (!json_object_is_type(m, json_type_object) ||
			!json_object_object_get_ex(m, "role", &role))
		{
			evbuffer_free(t);
			snprintf(msg, sizeof(msg), "Missing required parameter: '%s'.", param);
			return invalid_request(call, msg, param, "missing_required_parameter"), false;
		}
		for (int j = 0; j < (int) lengthof(roles); j++)
			known |= strcmp(json_object_get_string(role), roles[j]) == 0;
		if (!known)
		{
			evbuffer_free(t);
			snprintf(msg, sizeof(msg), "Invalid value: '%.64s'. Supported values are: 'system', 'assistant', 'user', 'tool', 'function', and 'developer'.",
					 json_object_get_string(role));
			return invalid_request(call, msg, param, "invalid_value"), false;
		}
		message_text(m, t);
		chars += evbuffer_get_length(t);
		evbuffer_free(t);
	}
	r->prompt_tokens = (int) ((chars + 3) / 4 + 3 * n + 3);
	return true;
}

/* json_schema.name: [a-zA-Z0-9_-]{1,64} */
static bool
check_schema_name(Call *call, const char *name)
{
	const char *param = "response_format.json_schema.name";
	char		msg[256];
	size_t		n = strlen(name);

	if (n > 64)
	{
		snprintf(msg, sizeof(msg), "Invalid '%s': string too long. Expected a string with maximum length 64, but got a string with length %zu instead.", param, n);
		return invalid_request(call, msg, param, "string_above_max_length"), false;
	}
	for (size_t i = 0; i < n; i++)
		if (!(isalnum((unsigned char) name[i]) || name[i] == '_' || name[i] == '-'))
			n = 0;
	if (n == 0)
	{
		snprintf(msg, sizeof(msg), "Invalid '%s': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.", param);
		return invalid_request(call, msg, param, "invalid_value"), false;
	}
	return true;
}

/* the json_schema member of response_format, strict rules included */
static bool
check_json_schema(Call *call, ChatRequest *r, json_object *js)
{
	json_object *name = NULL, *strict = NULL;
	char		msg[1400], rule[1200];

	if (js == NULL || !json_object_is_type(js, json_type_object))
		return invalid_request(call, "Missing required parameter: 'response_format.json_schema'.", "response_format.json_schema", "missing_required_parameter"), false;
	if (!json_object_object_get_ex(js, "name", &name) ||
		!json_object_is_type(name, json_type_string))
		return invalid_request(call, "Missing required parameter: 'response_format.json_schema.name'.", "response_format.json_schema.name", "missing_required_parameter"), false;
	r->schema_name = json_object_get_string(name);
	if (!check_schema_name(call, r->schema_name))
		return false;
	json_object_object_get_ex(js, "schema", &r->schema);
	json_object_object_get_ex(js, "strict", &strict);
	if (!strict || !json_object_get_boolean(strict))
		return true;			/* not strict: any schema goes */
	if (r->schema == NULL)
		r->schema = NULL;
	if (!schema_check_strict(r->schema, rule, sizeof(rule)))
	{
		stats_count(C_CHAT_SCHEMA_400, 1);
		snprintf(msg, sizeof(msg), "Invalid schema for response_format '%s': %s",
				 r->schema_name, rule);
		return invalid_request(call, msg, "response_format", NULL), false;
	}
	return true;
}

static bool
check_response_format(Call *call, ChatRequest *r)
{
	json_object *rf = NULL, *type = NULL, *js = NULL;
	char		msg[256];

	r->format_type = "text";
	if (!json_object_object_get_ex(r->body, "response_format", &rf) || rf == NULL)
		return true;
	if (!json_object_object_get_ex(rf, "type", &type) ||
		!json_object_is_type(type, json_type_string))
		return invalid_request(call, "Missing required parameter: 'response_format.type'.", "response_format.type", "missing_required_parameter"), false;
	r->format_type = json_object_get_string(type);
	if (strcmp(r->format_type, "json_schema") == 0)
	{
		json_object_object_get_ex(rf, "json_schema", &js);
		return check_json_schema(call, r, js);
	}
	if (strcmp(r->format_type, "text") && strcmp(r->format_type, "json_object"))
	{
		snprintf(msg, sizeof(msg), "Invalid value: '%.64s'. Supported values are: 'json_object', 'json_schema', and 'text'.", r->format_type);
		return invalid_request(call, msg, "response_format.type", "invalid_value"), false;
	}
	return true;
}

/* the deployment name of an Azure path */
static void
azure_deployment(Call *call, char *buf, size_t len)
{
	const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(call->req));
	const char *d = strstr(path, "/deployments/");
	const char *end;

	buf[0] = '\0';
	if (d == NULL)
		return;
	d += strlen("/deployments/");
	end = strchr(d, '/');
	if (end && (size_t) (end - d) < len)
	{
		memcpy(buf, d, end - d);
		buf[end - d] = '\0';
	}
}

/* parse and check the body; false after answering 400 */
static bool
parse_request(Call *call, ChatRequest *r, const char *deployment)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(call->req);
	size_t		len = evbuffer_get_length(in);
	json_tokener *tok = json_tokener_new_ex(MAX_JSON_DEPTH);
	json_object *v = NULL;

	memset(r, 0, sizeof(*r));
	r->body = json_tokener_parse_ex(tok, (char *) evbuffer_pullup(in, len), (int) len);
	if (json_tokener_get_error(tok) != json_tokener_success)
	{
		if (r->body)
			json_object_put(r->body);
		r->body = NULL;
	}
	json_tokener_free(tok);
	if (r->body == NULL || !json_object_is_type(r->body, json_type_object))
		return invalid_request(call, "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)", NULL, NULL), false;
	if (json_object_object_get_ex(r->body, "model", &v) &&
		json_object_is_type(v, json_type_string) && json_object_get_string_len(v) > 0)
		r->model = json_object_get_string(v);
	else if (deployment && deployment[0])
		r->model = deployment;
	else
		return invalid_request(call, "you must provide a model parameter", NULL, NULL), false;
	if (!check_messages(call, r))
		return false;
	if (json_object_object_get_ex(r->body, "stream", &v) && json_object_get_boolean(v))
		return invalid_request(call, "Streaming (stream: true) is not supported by the mock.", "stream", "unsupported_value"), false;
	if ((json_object_object_get_ex(r->body, "max_completion_tokens", &v) ||
		 json_object_object_get_ex(r->body, "max_tokens", &v)) && v)
		r->max_tokens = (long) json_object_get_int64(v);
	return check_response_format(call, r);
}

/* ---------- the answer ---------- */

/* the text of the last user message */
static char *
user_text(ChatRequest *r, size_t *len)
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
			message_text(m, t);
			break;
		}
	}
	*len = evbuffer_get_length(t);
	s = xstrndup((char *) evbuffer_pullup(t, *len), *len);
	evbuffer_free(t);
	return s;
}

/* the content object for a json_schema or json_object request */
static json_object *
structured_content(ChatRequest *r, char *err, size_t errlen)
{
	json_object *content = NULL;
	size_t		len;
	char	   *text;

	if (r->schema_name && strcmp(r->schema_name, "financial_statements") != 0 && r->schema)
		content = gen_minimal(r->schema);
	else
	{
		text = user_text(r, &len);
		content = statements_from_text(text, len);
		concepts_add(content, r->schema);
		stats_count(C_CHAT_PARSER_RUNS, 1);
		free(text);
		if (r->schema && !schema_validate(r->schema, content, err, errlen))
		{
			fprintf(stderr, "finx-mock: parser output does not fit schema '%s' (%s); sending a minimal instance\n",
					r->schema_name, err);
			json_object_put(content);
			content = gen_minimal(r->schema);
		}
	}
	if (r->schema && !schema_validate(r->schema, content, err, errlen))
	{
		json_object_put(content);
		return NULL;
	}
	return content;
}

/*
 * Knob chat_odd_fields: every statement's currency becomes "dollars" and
 * its first period's end_date "31/12/2023" (schema-valid types, broken
 * patterns: an answer a lenient server would pass on).
 */
static void
make_fields_odd(json_object *content)
{
	json_object *arr;

	if (!json_object_object_get_ex(content, "statements", &arr) ||
		!json_object_is_type(arr, json_type_array))
		return;
	for (size_t i = 0; i < json_object_array_length(arr); i++)
	{
		json_object *st = json_object_array_get_idx(arr, i);
		json_object *periods;

		json_object_object_add(st, "currency", json_object_new_string("dollars"));
		if (json_object_object_get_ex(st, "periods", &periods) &&
			json_object_array_length(periods) > 0)
			json_object_object_add(json_object_array_get_idx(periods, 0), "end_date",
								   json_object_new_string("31/12/2023"));
	}
}

/* the assistant's content string (malloc'd), or NULL after answering 500 */
static char *
build_content(Call *call, ChatRequest *r, const Knobs *k)
{
	json_object *obj;
	char		err[600], msg[700];
	char	   *s;

	if (strcmp(r->format_type, "text") == 0)
		return xstrdup("This is a response from the finextract mock server.");
	if ((obj = structured_content(r, err, sizeof(err))) == NULL)
	{
		snprintf(msg, sizeof(msg), "The mock could not generate content for schema '%s': %s",
				 r->schema_name ? r->schema_name : "", err);
		chat_error(call, 500, msg, "server_error", NULL, NULL);
		return NULL;
	}
	if (call->fault == F_BAD_CONTENT)
		gen_violate(obj);
	if (k->chat_odd_fields)
		make_fields_odd(obj);
	if (k->chat_odd_concepts)
		concepts_make_odd(obj);
	s = xstrdup(json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(obj);
	return s;
}

static json_object *
usage_json(int prompt, int completion)
{
	json_object *u = json_object_new_object();
	json_object *pd = json_object_new_object();
	json_object *cd = json_object_new_object();

	json_object_object_add(u, "prompt_tokens", json_object_new_int(prompt));
	json_object_object_add(u, "completion_tokens", json_object_new_int(completion));
	json_object_object_add(u, "total_tokens", json_object_new_int(prompt + completion));
	json_object_object_add(pd, "cached_tokens", json_object_new_int(0));
	json_object_object_add(pd, "audio_tokens", json_object_new_int(0));
	json_object_object_add(u, "prompt_tokens_details", pd);
	json_object_object_add(cd, "reasoning_tokens", json_object_new_int(0));
	json_object_object_add(cd, "audio_tokens", json_object_new_int(0));
	json_object_object_add(cd, "accepted_prediction_tokens", json_object_new_int(0));
	json_object_object_add(cd, "rejected_prediction_tokens", json_object_new_int(0));
	json_object_object_add(u, "completion_tokens_details", cd);
	return u;
}

/* the chat.completion object; returns the completion tokens */
static int
completion_json(Call *call, ChatRequest *r, char *content)
{
	json_object *o = json_object_new_object();
	json_object *choice = json_object_new_object();
	json_object *msg = json_object_new_object();
	json_object *choices = json_object_new_array();
	const char *finish = "stop";
	const char *refusal = NULL;
	char		id[40];
	size_t		len = strlen(content);
	int			completion;

	if (call->fault == F_LENGTH || call->fault == F_CONTENT_FILTER)
	{
		content[len / 2] = '\0';
		finish = call->fault == F_LENGTH ? "length" : "content_filter";
	}
	else if (r->max_tokens > 0 && (long) (len + 3) / 4 > r->max_tokens)
	{
		content[r->max_tokens * 4] = '\0';
		finish = "length";
	}
	if (call->fault == F_REFUSAL)
		refusal = "I'm sorry, but I can't assist with that request.";
	completion = (int) ((strlen(refusal ? refusal : content) + 3) / 4);
	strcpy(id, "chatcmpl-");
	rng_hex(id + 9, 29);
	json_object_object_add(o, "id", json_object_new_string(id));
	json_object_object_add(o, "object", json_object_new_string("chat.completion"));
	json_object_object_add(o, "created", json_object_new_int64((int64_t) time(NULL)));
	json_object_object_add(o, "model", json_object_new_string(r->model));
	json_object_object_add(msg, "role", json_object_new_string("assistant"));
	json_object_object_add(msg, "content", refusal ? NULL : json_object_new_string(content));
	json_object_object_add(msg, "refusal", refusal ? json_object_new_string(refusal) : NULL);
	json_object_object_add(msg, "annotations", json_object_new_array());
	json_object_object_add(choice, "index", json_object_new_int(0));
	json_object_object_add(choice, "message", msg);
	json_object_object_add(choice, "logprobs", NULL);
	json_object_object_add(choice, "finish_reason", json_object_new_string(finish));
	json_object_array_add(choices, choice);
	json_object_object_add(o, "choices", choices);
	json_object_object_add(o, "usage", usage_json(r->prompt_tokens, completion));
	json_object_object_add(o, "service_tier", json_object_new_string("default"));
	json_object_object_add(o, "system_fingerprint", json_object_new_string("fp_finxmock"));
	call_set_json(call, 200, o);
	return completion;
}

/* ---------- capacity and timing ---------- */

/* processing time has passed: answer, free the slot, admit the next */
static void
chat_done(Call *call)
{
	ChatWork   *w = call->arg;
	KeyState   *ks = w->ks;
	Knobs		k = w->k;

	call->arg = NULL;
	free(w);
	ks->chat_processing--;
	stats_level(L_CHAT_PROCESSING, -1);
	call_send(call, 0);
	admit(ks, &k);
}

/* take a slot and start the processing timer */
static void
start_processing(Call *call)
{
	ChatWork   *w = call->arg;
	KeyState   *ks = w->ks;

	ks->chat_processing++;
	if (ks->chat_processing > ks->chat_peak_processing)
		ks->chat_peak_processing = ks->chat_processing;
	stats_level(L_CHAT_PROCESSING, 1);
	call_after(call, w->latency, chat_done);
}

static void
admit(KeyState *ks, const Knobs *k)
{
	while (ks->chat_head &&
		   (k->chat_capacity == 0 || ks->chat_processing < k->chat_capacity))
	{
		Call	   *call = ks->chat_head;

		ks->chat_head = call->next;
		if (ks->chat_head == NULL)
			ks->chat_tail = NULL;
		call->next = NULL;
		ks->chat_queued--;
		stats_level(L_CHAT_QUEUED, -1);
		start_processing(call);
	}
}

static void
enqueue(KeyState *ks, Call *call)
{
	if (ks->chat_tail)
		ks->chat_tail->next = call;
	else
		ks->chat_head = call;
	ks->chat_tail = call;
	ks->chat_queued++;
	if (ks->chat_queued > ks->chat_peak_queued)
		ks->chat_peak_queued = ks->chat_queued;
	stats_level(L_CHAT_QUEUED, 1);
}

/* processing seconds of one call, scaled */
static double
call_latency(const Knobs *k, int tokens)
{
	double		s = k->chat_seconds + k->chat_seconds_per_1k_tokens * tokens / 1000.0;

	if (k->chat_jitter > 0)
		s += rng_uniform() * k->chat_jitter;
	if (k->chat_tail_p > 0 && rng_uniform() < k->chat_tail_p)
		s += k->chat_tail_seconds;
	return knobs_scaled(k, s);
}

/* ---------- dispatch ---------- */

/* an injected HTTP-level fault; false when there is none */
static bool
inject_fault(Call *call, const Knobs *k, KeyState *ks)
{
	static const char *const messages[] = {
		[F_500] = "The server had an error while processing your request. Sorry about that!",
		[F_503] = "The engine is currently overloaded, please try again later.",
		[F_408] = "Request timed out.",
		[F_409] = "The request conflicted with another request. Please retry.",
	};

	if (call->fault == F_429)
		rate_error(call, k, ks, "Rate limit reached (simulated). Please try again later.",
				   "requests", knobs_scaled(k, k->chat_retry_after));
	else if (fault_is_status(call->fault))
		chat_error(call, fault_status(call->fault), messages[call->fault],
				   call->fault == F_408 ? "timeout" : "server_error", NULL, NULL);
	else if (call->fault == F_ECHO_HEADERS)
	{
		char		msg[2048];

		call_echo_headers(call, "Incorrect API key provided: ", msg, sizeof(msg));
		chat_error(call, 401, msg, "invalid_request_error", NULL, "invalid_api_key");
	}
	else if (call->fault == F_HANG)
		call_hang(call);
	else if (call->fault == F_RESET)
		call_send(call, 0);
	else
		return false;
	return true;
}

/* quota and rate limits; false after answering 429 */
static bool
check_limits(Call *call, ChatRequest *r, const Knobs *k, KeyState *ks,
			 RateInfo *ri)
{
	int			tokens = r->prompt_tokens + (int) (r->max_tokens > 0 ? r->max_tokens : 0);
	char		msg[400], wait[32];

	if (k->chat_insufficient_quota)
	{
		stats_count(C_CHAT_QUOTA_429, 1);
		ks->chat_429++;
		chat_error(call, 429, "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",
				   "insufficient_quota", NULL, "insufficient_quota");
		return false;
	}
	if (ratelimit_take(ks, k, tokens, ri))
		return true;
	stats_count(C_CHAT_RATE_429, 1);
	format_duration(ri->retry_after, wait, sizeof(wait));
	if (ri->by_tokens)
		snprintf(msg, sizeof(msg), "Rate limit reached for %.64s in organization org-finxmock on tokens per min (TPM): Limit %d, Used %d, Requested %d. Please try again in %s. Visit https://platform.openai.com/account/rate-limits to learn more.",
				 r->model, k->chat_tpm, k->chat_tpm - ri->remaining_tokens, tokens, wait);
	else
		snprintf(msg, sizeof(msg), "Rate limit reached for %.64s in organization org-finxmock on requests per min (RPM): Limit %d, Used %d, Requested 1. Please try again in %s. Visit https://platform.openai.com/account/rate-limits to learn more.",
				 r->model, k->chat_rpm, k->chat_rpm - ri->remaining_requests, wait);
	rate_error(call, k, ks, msg, ri->by_tokens ? "tokens" : "requests", ri->retry_after);
	return false;
}

/* capacity in reject mode; false after answering 429 */
static bool
check_capacity(Call *call, const Knobs *k, KeyState *ks)
{
	char		msg[256];

	if (k->chat_over_capacity != OVER_REJECT || k->chat_capacity == 0 ||
		ks->chat_processing + ks->chat_queued < k->chat_capacity)
		return true;
	stats_count(C_CHAT_CAPACITY_429, 1);
	snprintf(msg, sizeof(msg), "Too many concurrent requests for this key (limit %d). Please try again in %gs.",
			 k->chat_capacity, knobs_scaled(k, k->chat_retry_after));
	rate_error(call, k, ks, msg, "requests", knobs_scaled(k, k->chat_retry_after));
	return false;
}

/* build the answer and queue or start the call */
static void
accept_call(Call *call, ChatRequest *r, const Knobs *k, KeyState *ks)
{
	ChatWork   *w;
	char	   *content = build_content(call, r, k);
	int			completion;

	if (content == NULL)
		return;
	completion = completion_json(call, r, content);
	free(content);
	stats_count(C_CHAT_PROMPT_TOKENS, r->prompt_tokens);
	stats_count(C_CHAT_COMPLETION_TOKENS, completion);
	w = xcalloc(1, sizeof(ChatWork));
	w->k = *k;
	w->ks = ks;
	w->latency = call_latency(k, r->prompt_tokens + completion);
	call->arg = w;
	if (ks->chat_head == NULL &&
		(k->chat_capacity == 0 || ks->chat_processing < k->chat_capacity))
		start_processing(call);
	else
		enqueue(ks, call);
}

void
chat_handle(Call *call)
{
	char		reqid[40], deployment[128] = "";
	const char *key;
	ChatRequest r;
	RateInfo	ri;
	KeyState   *ks;
	Knobs		k;

	strcpy(reqid, "req_");
	rng_hex(reqid + 4, 32);
	strlcopy(call->id, reqid, sizeof(call->id));
	call_add_header(call, "x-request-id", reqid);
	if (call->route == R_AZURE_CHAT)
	{
		azure_deployment(call, deployment, sizeof(deployment));
		if (call_param(call, "api-version") == NULL)
		{
			call_set_body(call, 404, "{\"error\":{\"code\":\"404\",\"message\":\"Resource not found\"}}", 55, NULL);
			call_send(call, 0);
			return;
		}
	}
	if ((key = chat_auth(call)) == NULL)
		return;
	ks = keystate_get(key);
	ks->chat_requests++;
	knobs_for_key(key, &k);
	if (!parse_request(call, &r, deployment))
	{
		if (r.body)
			json_object_put(r.body);
		return;
	}
	call->fault = faults_pick(EP_CHAT);
	call->no_retry = faults_no_retry(EP_CHAT);
	if (!inject_fault(call, &k, ks) && check_limits(call, &r, &k, ks, &ri) &&
		check_capacity(call, &k, ks))
	{
		ratelimit_headers(call, &k, &ri);
		accept_call(call, &r, &k, ks);
	}
	json_object_put(r.body);
}

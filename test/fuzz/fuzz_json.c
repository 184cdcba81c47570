/*-------------------------------------------------------------------------
 *
 * fuzz_json.c
 *	  libFuzzer harness over every parser of src/json*.c (chat answer, API
 *	  error body, LLMWhisperer submit/status/retrieve, page split) and the
 *	  user prompt of src/prompt.c.
 *
 * The first input byte picks the target (mod 8); the rest is its input:
 *	  0 chat answer body           4 retrieve body, then its page split
 *	  1 API error body             5 page split (byte 1 = separator length)
 *	  2 whisper submit body        6 user prompt + chat request from it
 *	  3 whisper status body        7 chat answer whose content is the input
 * Besides memory errors, it aborts when a result breaks what json.h
 * promises: values plain decimals, one per period, bounded counts,
 * single-line labels, currency "" or three capitals, an error message on
 * every failure, exactly one marker line per page in a prompt.
 *
 * Build (Debian clang-14 + libclang-rt-14-dev), from the repository root:
 *	  clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc \
 *		test/fuzz/fuzz_json.c src/json*.c src/prompt.c src/parse*.c src/check.c \
 *		$(pkg-config --cflags --libs json-c) -lm -o fuzz_json
 *	  ./fuzz_json -max_total_time=60 test/fuzz/corpus/json
 *
 *-------------------------------------------------------------------------
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "json.h"
#include "prompt.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* abort with a note when a promise of json.h is broken */
static void
require(bool ok, const char *what)
{
	if (!ok)
	{
		fprintf(stderr, "broken promise: %s\n", what);
		abort();
	}
}

/* a plain decimal: -?digits(.digits)?, no "-0", no leading zeros */
static bool
plain_decimal(const char *s)
{
	const char *p = s + (*s == '-');

	if (*p == '0' && p[1] != '\0' && p[1] != '.')
		return false;
	if (!(*p >= '0' && *p <= '9'))
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p == '.')
	{
		if (!(p[1] >= '0' && p[1] <= '9') || s[strlen(s) - 1] == '0')
			return false;
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	}
	return *p == '\0' && strcmp(s, "-0") != 0;
}

/* no control characters */
static bool
single_line(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char) *s < 0x20 || *s == 0x7f)
			return false;
	return s != NULL;
}

/* check a statement against json.h's promises */
static void
check_statement(const fx_statement *st)
{
	require(st->nperiods >= 1 && st->nperiods <= FX_JSON_MAX_PERIODS, "period count");
	require(st->nitems >= 0 && st->nitems <= FX_JSON_MAX_ITEMS, "item count");
	require(single_line(st->title), "title");
	require(st->unit_scale == NULL || (plain_decimal(st->unit_scale) && st->unit_scale[0] != '-'),
			"unit_scale");
	require(st->currency[0] == '\0' ||
			(strlen(st->currency) == 3 && st->currency[0] >= 'A' && st->currency[0] <= 'Z'),
			"currency");
	for (int p = 0; p < st->nperiods; p++)
		require(single_line(st->periods[p].label) && st->periods[p].months >= 0 &&
				st->periods[p].months <= 12, "period");
	for (int i = 0; i < st->nitems; i++)
	{
		require(single_line(st->items[i].label), "item label");
		for (int p = 0; p < st->nperiods; p++)
			require(st->items[i].values[p] == NULL || plain_decimal(st->items[i].values[p]),
					"value");
	}
}

/* target 0 and 7: a chat answer body */
static void
fuzz_chat(const char *body, size_t len)
{
	char	   *err = NULL;
	fx_chat_info info;
	fx_result  *res = fx_json_chat_response(body, len, 2, 3, &info, &err);

	require((res == NULL) == (err != NULL), "error iff no result");
	require(memchr(info.model, '\0', sizeof(info.model)) != NULL, "model terminated");
	if (res)
	{
		require(res->nstatements <= FX_JSON_MAX_STATEMENTS, "statement count");
		for (int s = 0; s < res->nstatements; s++)
			check_statement(&res->statements[s]);
	}
	require(err == NULL || single_line(err), "error message");
	fx_result_free(res);
	free(err);
}

/* target 7: the input as the content of a well-formed answer */
static void
fuzz_content(const char *data, size_t len)
{
	json_object *root = json_object_new_object();
	json_object *choices = json_object_new_array();
	json_object *choice = json_object_new_object();
	json_object *msg = json_object_new_object();
	const char *body;

	json_object_object_add(msg, "content", json_object_new_string_len(data, (int) len));
	json_object_object_add(choice, "message", msg);
	json_object_object_add(choice, "finish_reason", json_object_new_string("stop"));
	json_object_array_add(choices, choice);
	json_object_object_add(root, "choices", choices);
	body = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN);
	fuzz_chat(body, strlen(body));
	json_object_put(root);
}

/* target 1: an API error body */
static void
fuzz_error(const char *body, size_t len)
{
	char		code[8],
				type[16];
	char	   *m = fx_json_error_message(body, len, code, sizeof(code), type, sizeof(type));

	require(m == NULL || (single_line(m) && strlen(m) <= 300), "error message");
	require(strlen(code) < sizeof(code) && strlen(type) < sizeof(type), "code and type");
	free(m);
}

/* target 5 and 4: split text and check the pages */
static void
fuzz_split(const char *text, const char *sep)
{
	char	  **pages;
	int			n = fx_split_whisper_pages(text, sep, &pages);
	size_t		total = 0;

	require(n >= 0, "split out of memory");
	for (int i = 0; i < n; i++)
		total += strlen(pages[i]);
	require(total <= strlen(text), "pages longer than the text");
	fx_free_pages(pages, n);
}

/* targets 2, 3, 4: the LLMWhisperer bodies */
static void
fuzz_whisper(int target, const char *body, size_t len)
{
	char	   *a = NULL,
			   *b = NULL,
			   *err = NULL;
	int			rc;

	if (target == 2)
		rc = fx_json_whisper_submit(body, len, &a, &err);
	else if (target == 3)
	{
		rc = fx_json_whisper_status(body, len, &a, &b, &err);
		(void) fx_whisper_state_of(a);
	}
	else
	{
		rc = fx_json_whisper_retrieve(body, len, &a, &err);
		if (rc == 0)
			fuzz_split(a, NULL);
	}
	require((rc == 0) == (a != NULL) && (rc == 0) == (err == NULL), "whisper result");
	free(a);
	free(b);
	free(err);
}

/* number of lines of s that are page markers as the mock reads them */
static int
marker_lines(const char *s)
{
	int			n = 0;

	for (const char *p = s; *p;)
	{
		const char *nl = strchr(p, '\n');

		if (strncmp(p, "<<<PAGE ", 8) == 0)
			n++;
		p = nl ? nl + 1 : p + strlen(p);
	}
	return n;
}

/* target 6: the input as two pages of a prompt, then a request body */
static void
fuzz_prompt(const char *text)
{
	static const char schema[] = "{\"type\":\"object\"}";
	const char *pages[2] = {text, text + strlen(text) / 2};
	const int	nums[2] = {1, 2};
	char	   *u = fx_llm_user_prompt(-1, pages, nums, 2);
	char	   *err = NULL;
	char	   *body;
	json_object *o;

	require(u != NULL && marker_lines(u) == 2, "two marker lines");
	body = fx_json_chat_request("m", "s", u, schema, 10, &err);
	require(body != NULL, "request built");
	o = json_tokener_parse(body);
	require(o != NULL, "request is JSON");
	json_object_put(o);
	free(body);
	free(u);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int			target;
	char	   *text;
	const char *rest;
	size_t		len;

	if (size < 1)
		return 0;
	target = data[0] % 8;
	rest = (const char *) data + 1;
	len = size - 1;
	text = malloc(len + 1);
	memcpy(text, rest, len);
	text[len] = '\0';
	if (target == 0)
		fuzz_chat(rest, len);
	else if (target == 1)
		fuzz_error(rest, len);
	else if (target <= 4)
		fuzz_whisper(target, rest, len);
	else if (target == 5)
	{
		size_t		sl = len > 0 ? (unsigned char) text[0] % 8 : 0;

		if (sl + 1 <= len)
		{
			char		sep[9];

			memcpy(sep, text + 1, sl);
			sep[sl] = '\0';
			fuzz_split(text + 1 + sl, strlen(sep) == sl ? sep : NULL);
		}
	}
	else if (target == 6)
		fuzz_prompt(text);
	else
		fuzz_content(rest, len);
	free(text);
	return 0;
}

/*-------------------------------------------------------------------------
 *
 * json_whisper.c
 *	  LLMWhisperer's answers: the whisper_hash of a submit, the status of a
 *	  poll, the text of a retrieve, and the split of that text into pages.
 *
 * Like json.c, this file includes json-c and no PostgreSQL header; its
 * results are malloc'd and its errors come back in *err (see json.h).
 * The answers are parsed strictly by json.c's fx_json_parse_object.
 *
 *-------------------------------------------------------------------------
 */
#include "json_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define MAX_HASH		256		/* bytes of a whisper_hash */
#define MAX_STATUS		64		/* bytes of a whisper status */
#define DEFAULT_SEP		"<<<"

/* a non-empty, bounded string member as a malloc'd copy; NULL with *err */
static char *
required_string(json_object *root, const char *key, size_t max,
				const char *what, char **err)
{
	json_object *v = fx_json_string_member(root, key);
	char	   *msg;

	if (v != NULL && json_object_get_string_len(v) > 0 &&
		(size_t) json_object_get_string_len(v) <= max)
		return fx_json_dup(json_object_get_string(v), (size_t) json_object_get_string_len(v));
	v = fx_json_string_member(root, "message");
	msg = v ? fx_json_clean_text(json_object_get_string(v),
								 (size_t) json_object_get_string_len(v), FX_JSON_MAX_MESSAGE) : NULL;
	fx_json_set_err(err, "%s has no usable \"%s\"%s%s", what, key,
					msg ? ": " : "", msg ? msg : "");
	free(msg);
	return NULL;
}

/* the whisper_hash of a 202 submit answer; see json.h */
int
fx_json_whisper_submit(const char *body, size_t len, char **hash, char **err)
{
	json_object *root = fx_json_parse_object(body, len,
											 "the submit answer", err);

	*hash = NULL;
	if (root == NULL)
		return -1;
	*hash = required_string(root, "whisper_hash", MAX_HASH, "the submit answer", err);
	json_object_put(root);
	for (char *p = *hash; p && *p; p++)
		if (*p <= ' ' || *p == 0x7f)
		{
			fx_json_set_err(err, "the submit answer's whisper_hash holds blanks or controls");
			free(*hash);
			*hash = NULL;
			break;
		}
	return *hash ? 0 : -1;
}

/* status and message of a status answer; see json.h */
int
fx_json_whisper_status(const char *body, size_t len, char **status,
					   char **message, char **err)
{
	json_object *root = fx_json_parse_object(body, len,
											 "the status answer", err);
	json_object *v;

	*status = NULL;
	*message = NULL;
	if (root == NULL)
		return -1;
	*status = required_string(root, "status", MAX_STATUS, "the status answer", err);
	if (*status != NULL)
		fx_json_blank_controls(*status);
	if (*status != NULL &&
		(v = fx_json_string_member(root, "message")) != NULL)
		*message = fx_json_clean_text(json_object_get_string(v),
									  (size_t) json_object_get_string_len(v), FX_JSON_MAX_MESSAGE);
	json_object_put(root);
	return *status ? 0 : -1;
}

/* what a poller does with a status string; see json.h */
fx_whisper_state
fx_whisper_state_of(const char *status)
{
	if (status == NULL)
		return FX_WHISPER_OTHER;
	if (strcmp(status, "accepted") == 0 || strcmp(status, "processing") == 0 ||
		strncmp(status, "stage_", 6) == 0)
		return FX_WHISPER_PENDING;
	if (strcmp(status, "processed") == 0 || strcmp(status, "delivered") == 0)
		return FX_WHISPER_READY;
	if (strcmp(status, "retrieved") == 0)
		return FX_WHISPER_RETRIEVED;
	if (strncmp(status, "error", 5) == 0 || strcmp(status, "failed") == 0)
		return FX_WHISPER_FAILED;
	return FX_WHISPER_OTHER;
}

/* result_text of a retrieve answer; see json.h */
int
fx_json_whisper_retrieve(const char *body, size_t len, char **text,
						 char **err)
{
	json_object *root = fx_json_parse_object(body, len,
											 "the retrieve answer", err);
	json_object *v;
	size_t		n;

	*text = NULL;
	if (root == NULL)
		return -1;
	v = fx_json_string_member(root, "result_text");
	if (v == NULL)
		fx_json_set_err(err,
						"the retrieve answer has no string \"result_text\"");
	else if ((*text = fx_json_dup(json_object_get_string(v),
								  n = (size_t) json_object_get_string_len(v))) != NULL)
	{
		for (size_t i = 0; i < n; i++)
			if ((*text)[i] == '\0')
				(*text)[i] = ' ';
	}
	json_object_put(root);
	return *text ? 0 : -1;
}

/* is line[0..n) the separator, followed only by blanks and CR? */
static bool
is_separator_line(const char *line, size_t n, const char *sep, size_t seplen)
{
	if (n < seplen || memcmp(line, sep, seplen) != 0)
		return false;
	for (size_t i = seplen; i < n; i++)
		if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
			return false;
	return true;
}

/* does s[0..n) hold anything but white space? */
static bool
has_text(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isspace((unsigned char) s[i]))
			return true;
	return false;
}

/*
 * Walk text's separator lines; with out == NULL only count the pages.
 * Returns the page count, or -1 when out of memory.
 */
static int
walk_pages(const char *text, const char *sep, char **out)
{
	size_t		seplen = strlen(sep);
	const char *end = text + strlen(text);
	const char *start = text;
	int			n = 0;

	for (const char *p = text; seplen > 0 && p < end;)
	{
		const char *nl = memchr(p, '\n', (size_t) (end - p));
		const char *next = nl ? nl + 1 : end;

		if (is_separator_line(p, (size_t) ((nl ? nl : end) - p), sep, seplen))
		{
			const char *stop = (p > start && p[-1] == '\n') ? p - 1 : p;

			if (stop > start && stop < p && stop[-1] == '\r')
				stop--;			/* the CR of a CRLF before the separator */

			if (out && (out[n] = fx_json_dup(start, (size_t) (stop - start))) == NULL)
				return -1;
			n++;
			start = next;
		}
		p = next;
	}
	if (has_text(start, (size_t) (end - start)))
	{
		if (out &&
			(out[n] = fx_json_dup(start, (size_t) (end - start))) == NULL)
			return -1;
		n++;
	}
	return n;
}

/* split result_text into pages; see json.h */
int
fx_split_whisper_pages(const char *text, const char *separator, char ***pages)
{
	int			n;

	*pages = NULL;
	if (text == NULL || text[0] == '\0')
		return 0;
	if (separator == NULL)
		separator = DEFAULT_SEP;
	n = walk_pages(text, separator, NULL);
	*pages = calloc(n > 0 ? n : 1, sizeof(char *));
	if (*pages == NULL)
		return -1;
	if (walk_pages(text, separator, *pages) < 0)
	{
		fx_free_pages(*pages, n);
		*pages = NULL;
		return -1;
	}
	return n;
}

/* free what fx_split_whisper_pages returned */
void
fx_free_pages(char **pages, int n)
{
	if (pages == NULL)
		return;
	for (int i = 0; i < n; i++)
		free(pages[i]);
	free(pages);
}

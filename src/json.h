/*-------------------------------------------------------------------------
 *
 * json.h
 *	  Request bodies and response parsers for the two remote APIs: the
 *	  OpenAI-compatible chat completions API (strict json_schema output)
 *	  and LLMWhisperer v2.
 *
 * Defined in json.c (the chat API), json_statement.c (the statement JSON
 * of an answer) and json_whisper.c (LLMWhisperer).  These files include
 * json-c and no PostgreSQL header (they clash: fmgrprotos.h declares a
 * function named json_object).  Everything here takes and returns plain C
 * types.  Results are allocated with malloc; the caller frees them with
 * free(), fx_result_free() or fx_free_pages().  Nothing here aborts or
 * exits: errors come back as a malloc'd message in *err.  A function that
 * fails with *err == NULL ran out of memory.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FX_JSON_H
#define FX_JSON_H

#include <stddef.h>

#include "parse.h"

/* sanity bounds on a chat answer; anything beyond is an error, not data */
#define FX_JSON_MAX_STATEMENTS	50
#define FX_JSON_MAX_PERIODS		24
#define FX_JSON_MAX_ITEMS		2000	/* per statement */
#define FX_JSON_MAX_LABEL		1000	/* bytes of a title or label */
#define FX_JSON_MAX_INDENT		20
#define FX_JSON_MAX_INT_DIGITS	18	/* |value| < 10^18 */
#define FX_JSON_MAX_FRAC_DIGITS 20

/* what a chat answer says about itself, filled even when it is an error */
typedef struct fx_chat_info
{
	int			prompt_tokens;	/* usage; 0 when not reported */
	int			completion_tokens;
	int			total_tokens;
	char		model[128];		/* "" when not reported */
	char		finish_reason[32];	/* "" when not reported */
	int			unreadable;		/* the body itself was empty or not a JSON
								 * object (a transport problem: retry) */
} fx_chat_info;

/* what a /whisper-status status string means for a poller */
typedef enum fx_whisper_state
{
	FX_WHISPER_PENDING,			/* accepted, processing, stage_*: poll again */
	FX_WHISPER_READY,			/* processed, delivered: retrieve now */
	FX_WHISPER_RETRIEVED,		/* retrieved: the text is gone (one-shot) */
	FX_WHISPER_FAILED,			/* error, error_*, failed, ...: give up */
	FX_WHISPER_OTHER			/* unknown or new: poll until the deadline */
} fx_whisper_state;

/*
 * The body of POST /chat/completions: system + user messages, the strict
 * json_schema response_format named "financial_statements" around
 * schema_json (the text of src/statement_schema.json), temperature 0 and
 * max_completion_tokens (omitted when max_tokens <= 0).  model == NULL
 * leaves "model" out, for Azure deployment URLs.  Returns NULL and sets
 * *err when schema_json is not a JSON object.
 */
extern char *fx_json_chat_request(const char *model, const char *system_prompt,
								  const char *user_prompt,
								  const char *schema_json, int max_tokens,
								  char **err);

/*
 * Parse a 200 chat completions body into statements.  Every statement
 * covers pages first_page..last_page (each item gets page = first_page and
 * line_no = its row number, as the model reports no positions).  Returns
 * NULL and sets *err on a truncated (finish_reason length) or filtered
 * answer, a refusal, content that is not JSON, breaks the schema or the
 * sanity bounds above.  info (may be NULL) is filled in either case.
 */
extern fx_result *fx_json_chat_response(const char *body, size_t len,
										int first_page, int last_page,
										fx_chat_info *info, char **err);

/*
 * The statement JSON {"statements": [...]} (src/statement_schema.json) as
 * any provider's answer carries it, text[0..len), optionally inside a
 * ```json fence: converted as fx_json_chat_response converts an OpenAI
 * answer's content.  Returns NULL with *err when it is not that JSON.
 */
extern fx_result *fx_json_statements(const char *text, size_t len,
									 int first_page, int last_page,
									 char **err);

/*
 * A short, single-line message from an API error body: OpenAI's
 * {"error":{"message","type","param","code"}}, old vLLM's top-level
 * {"object":"error","message","type","code"}, llama-server's
 * {"error":{"code":500,"message","type"}}, Ollama's {"error":"..."} and
 * LLMWhisperer's {"message":...}.  code_out / type_out (may be NULL) get
 * the code (a number is printed, e.g. "500") and type, or "".  Returns
 * NULL when the body is not JSON or holds no message.
 */
extern char *fx_json_error_message(const char *body, size_t len,
								   char *code_out, size_t code_len,
								   char *type_out, size_t type_len);

/* 202 body of POST /whisper -> *hash; returns 0, or -1 with *err */
extern int	fx_json_whisper_submit(const char *body, size_t len,
								   char **hash, char **err);

/*
 * 200 body of GET /whisper-status -> *status (always set on success) and
 * *message (NULL when absent); returns 0, or -1 with *err.
 */
extern int	fx_json_whisper_status(const char *body, size_t len,
								   char **status, char **message,
								   char **err);

/* what a poller does with a status string */
extern fx_whisper_state fx_whisper_state_of(const char *status);

/*
 * 200 body of GET /whisper-retrieve -> *text (result_text; NUL characters
 * become spaces so that it fits a text column); returns 0, or -1 with *err.
 */
extern int	fx_json_whisper_retrieve(const char *body, size_t len,
									 char **text, char **err);

/*
 * Split result_text into pages.  The service follows each page's text with
 * "\n" separator "\n", so a page ends at a line that is exactly the
 * separator (trailing blanks and CR allowed); the separator inside a line
 * is text.  Text after the last separator line is one more page.  NULL
 * separator means "<<<"; "" means no split.  Returns the page count (0 for
 * empty text) with *pages a malloc'd array of malloc'd strings, or -1
 * when out of memory.
 */
extern int	fx_split_whisper_pages(const char *text, const char *separator,
								   char ***pages);
extern void fx_free_pages(char **pages, int n);

#endif							/* FX_JSON_H */

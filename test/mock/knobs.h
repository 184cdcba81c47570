/*-------------------------------------------------------------------------
 *
 * knobs.h
 *	  The mock's tunable behaviour: time scale, capacity, latency, rate
 *	  limits and compatibility switches, plus the accepted API keys.
 *
 * Every knob can be set on the command line (--whisper-capacity 2 or
 * --whisper-capacity=2) and at run time through POST /__admin/config with
 * the same name in snake_case ({"whisper_capacity": 2}).  A config body
 * with "key": "K" sets the knobs for API key K only (an override on top of
 * the global values).
 *
 *-------------------------------------------------------------------------
 */
#ifndef MOCK_KNOBS_H
#define MOCK_KNOBS_H

#include <stdbool.h>
#include <stdio.h>

#include <json-c/json.h>

typedef enum OverCapacity
{
	OVER_QUEUE = 0,				/* wait silently in FIFO order */
	OVER_REJECT = 1				/* answer 429 with retry-after */
} OverCapacity;

typedef struct Knobs
{
	double		time_scale;		/* multiplies every latency and Retry-After */

	/* LLMWhisperer */
	int			whisper_capacity;	/* jobs processing at once per key; 0 = no
									 * limit */
	int			whisper_over_capacity;	/* OverCapacity */
	double		whisper_retry_after;	/* seconds, on capacity 429s */
	double		whisper_page_seconds;	/* processing time per page */
	double		whisper_page_jitter;	/* + U(0, jitter) per page */
	double		whisper_submit_seconds; /* latency of POST /whisper */
	double		whisper_status_seconds; /* latency of whisper-status */
	double		whisper_retrieve_seconds;	/* latency of whisper-retrieve */
	double		whisper_latency_jitter; /* + U(0, jitter) on those three */
	int			whisper_daily_quota;	/* pages per (scaled) day; 0 = none */
	int			whisper_quota_status;	/* status code when it is used up */
	bool		whisper_url_input;	/* accept url/url_in_post (text = the URL) */

	/* chat completions */
	int			chat_capacity;	/* requests processing at once per key */
	int			chat_over_capacity; /* OverCapacity */
	double		chat_retry_after;	/* seconds, on capacity 429s */
	double		chat_seconds;	/* processing time per call */
	double		chat_seconds_per_1k_tokens; /* + per 1,000 tokens (in + out) */
	double		chat_jitter;	/* + U(0, jitter) */
	double		chat_tail_p;	/* probability of a slow call */
	double		chat_tail_seconds;	/* + this much for a slow call */
	int			chat_rpm;		/* requests per minute per key; 0 = none */
	int			chat_tpm;		/* tokens per minute per key; 0 = none */
	bool		chat_ratelimit_headers; /* send x-ratelimit-* */
	bool		chat_insufficient_quota;	/* every call: 429 insufficient_quota */
	bool		chat_odd_fields;	/* bad end_date and currency in answers */
	bool		chat_odd_concepts;	/* a duplicate and an unknown concept */

	/* compatibility */
	bool		compat_vllm_errors; /* chat errors in old vLLM's top-level shape */
	bool		compat_llamacpp_errors; /* chat errors in llama-server's shape */
} Knobs;

typedef enum KeyApi
{
	KEYS_WHISPER,
	KEYS_LLM
} KeyApi;

extern Knobs knobs;				/* global values */

extern void knobs_init(void);
extern void knobs_snapshot(void);
extern void knobs_restore(void);
extern void knobs_for_key(const char *key, Knobs *out);
extern double knobs_scaled(const Knobs *k, double seconds);

extern int	knobs_find(const char *name);
extern bool knobs_set(const char *name, const char *value,
					  char *err, size_t errlen);
extern bool knobs_apply_json(json_object *obj, char *err, size_t errlen);
extern json_object *knobs_to_json(void);
extern void knobs_print_help(FILE *out);

extern void keys_add(KeyApi api, const char *key);
extern bool keys_allowed(KeyApi api, const char *key);

#endif							/* MOCK_KNOBS_H */

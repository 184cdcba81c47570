/*-------------------------------------------------------------------------
 *
 * limits.h
 *	  Per-API-key server state: capacity slots and FIFO queues for both
 *	  APIs, the RPM/TPM token buckets for chat, and the daily page count
 *	  for whisper.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MOCK_LIMITS_H
#define MOCK_LIMITS_H

#include <stdbool.h>

#include <json-c/json.h>

#include "call.h"
#include "knobs.h"

struct Job;

typedef struct KeyState
{
	char	   *key;
	/* chat */
	int			chat_processing;
	int			chat_peak_processing;
	int			chat_queued;
	int			chat_peak_queued;
	Call	   *chat_head;		/* FIFO of calls waiting for a slot */
	Call	   *chat_tail;
	double		rpm_level;		/* token buckets: tokens left */
	double		tpm_level;
	double		bucket_time;	/* when they were last refilled */
	bool		bucket_init;
	int			bucket_rpm;		/* limits the buckets were filled for */
	int			bucket_tpm;
	long		chat_requests;
	long		chat_429;
	/* whisper */
	int			whisper_processing;
	int			whisper_peak_processing;
	int			whisper_queued;
	int			whisper_peak_queued;
	struct Job *job_head;		/* FIFO of jobs waiting for a slot */
	struct Job *job_tail;
	long		whisper_requests;
	long		whisper_429;
	long		pages_total;
	long		pages_by_mode[8];
	long		pages_today;
	double		day_start;
} KeyState;

/* what a rate-limit check found, for the x-ratelimit-* headers */
typedef struct RateInfo
{
	bool		limited;
	bool		by_tokens;		/* which bucket said no */
	int			limit_requests;
	int			remaining_requests;
	double		reset_requests; /* real seconds until full */
	int			limit_tokens;
	int			remaining_tokens;
	double		reset_tokens;
	double		retry_after;	/* real seconds until the request fits */
} RateInfo;

extern KeyState *keystate_get(const char *key);
extern bool ratelimit_take(KeyState *ks, const Knobs *k, int tokens,
						   RateInfo *info);
extern void ratelimit_peek(KeyState *ks, const Knobs *k, RateInfo *info);
extern void limits_reset(void);
extern json_object *limits_to_json(void);

#endif							/* MOCK_LIMITS_H */

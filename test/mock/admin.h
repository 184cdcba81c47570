/*-------------------------------------------------------------------------
 *
 * admin.h
 *	  The /__admin API and what it reports: request counters per route and
 *	  status, in-flight and processing levels with their peaks, busy time
 *	  per API, and the request log (a bounded ring).
 *
 *	  GET  /__admin/stats          counters as JSON
 *	  GET  /__admin/log            the request log as JSON lines
 *	                               (?since=SEQ&limit=N)
 *	  GET  /__admin/config         knobs, keys and faults in force
 *	  POST /__admin/config         change them (JSON body, see knobs.h)
 *	  POST /__admin/reset          clear counters, log, jobs and limiter
 *	                               state (?config=1 also restores the
 *	                               command-line knobs and faults)
 *	  GET  /__admin/health         {"ok":true}
 *
 *-------------------------------------------------------------------------
 */
#ifndef MOCK_ADMIN_H
#define MOCK_ADMIN_H

#include "call.h"

typedef enum Counter
{
	C_WHISPER_SUBMITS,
	C_WHISPER_PAGES,
	C_WHISPER_JOBS_DONE,
	C_WHISPER_JOBS_FAILED,
	C_WHISPER_429,
	C_WHISPER_CAPACITY_429,
	C_WHISPER_QUOTA,
	C_EXTRACT_RUNS,
	C_EXTRACT_CACHE_HITS,
	C_CHAT_429,
	C_CHAT_CAPACITY_429,
	C_CHAT_RATE_429,
	C_CHAT_QUOTA_429,
	C_CHAT_PROMPT_TOKENS,
	C_CHAT_COMPLETION_TOKENS,
	C_CHAT_PARSER_RUNS,
	C_CHAT_SCHEMA_400,
	NUM_COUNTERS
} Counter;

/* a level whose current value, peak and time integral are tracked */
typedef enum Level
{
	L_WHISPER_INFLIGHT,			/* HTTP requests being answered */
	L_CHAT_INFLIGHT,
	L_WHISPER_PROCESSING,		/* jobs holding a capacity slot */
	L_WHISPER_QUEUED,			/* jobs waiting for a slot */
	L_CHAT_PROCESSING,			/* calls holding a capacity slot */
	L_CHAT_QUEUED,				/* calls waiting for a slot */
	NUM_LEVELS
} Level;

extern void admin_init(int log_size);
extern void admin_handle(Call *call);
extern void stats_request_begin(Call *call);
extern void stats_request_end(Call *call);
extern void stats_count(Counter c, long n);
extern void stats_level(Level l, int delta);
extern int	stats_level_now(Level l);
extern void stats_reset(void);

#endif							/* MOCK_ADMIN_H */

/*-------------------------------------------------------------------------
 *
 * faults.h
 *	  Fault injection: which fault, if any, one request to one endpoint
 *	  suffers.
 *
 * A fault fires with a probability (drawn from the seeded RNG) or on given
 * calls: {"nth": N, "count": C} fires on the Nth..(N+C-1)th call to that
 * endpoint counted from when the fault was configured.  At most one fault
 * fires per request; kinds are tried in the order of the Fault enum.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MOCK_FAULTS_H
#define MOCK_FAULTS_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

typedef enum Endpoint
{
	EP_SUBMIT,					/* POST /whisper */
	EP_STATUS,					/* /whisper-status */
	EP_RETRIEVE,				/* /whisper-retrieve */
	EP_DETAIL,					/* /whisper-detail */
	EP_USAGE,					/* /get-usage-info */
	EP_HIGHLIGHTS,				/* /highlights */
	EP_CALLBACK,				/* /whisper-manage-callback */
	EP_CHAT,					/* chat completions (OpenAI and Azure) */
	EP_MESSAGES,				/* Anthropic /v1/messages */
	NUM_ENDPOINTS
} Endpoint;

typedef enum Fault
{
	F_NONE = 0,
	F_500,
	F_503,
	F_408,
	F_409,
	F_429,
	F_529,						/* Anthropic's overloaded_error */
	F_RESET,					/* close the connection with a TCP RST */
	F_HANG,						/* never answer */
	F_TRUNCATE,					/* cut the JSON body in half */
	F_WRONG_CTYPE,				/* content-type: text/html */
	F_JOB_ERROR,				/* whisper job ends in status "error" */
	F_JOB_FAILED,				/* ... in status "failed" */
	F_JOB_UNKNOWN,				/* ... in status "unknown" */
	F_LENGTH,					/* finish_reason "length", truncated content */
	F_CONTENT_FILTER,			/* finish_reason "content_filter" */
	F_REFUSAL,					/* content null, refusal text */
	F_BAD_CONTENT,				/* content that violates the schema */
	F_ECHO_HEADERS,				/* 401 whose message quotes the request's
								 * headers (a careless proxy) */
	NUM_FAULTS
} Fault;

extern const char *endpoint_name(Endpoint ep);
extern const char *fault_name(Fault f);
extern bool fault_is_status(Fault f);
extern int	fault_status(Fault f);

extern Fault faults_pick(Endpoint ep);
extern bool faults_no_retry(Endpoint ep);
extern void faults_reset_counters(void);
extern void faults_clear(void);
extern void faults_snapshot(void);
extern void faults_restore(void);
extern long faults_injected(Fault f);

extern bool faults_set_cli(const char *spec, char *err, size_t errlen);
extern bool faults_apply_json(json_object *obj, bool dry_run,
							  char *err, size_t errlen);
extern json_object *faults_to_json(void);

#endif							/* MOCK_FAULTS_H */

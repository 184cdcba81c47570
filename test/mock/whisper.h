/*-------------------------------------------------------------------------
 *
 * whisper.h
 *	  The LLMWhisperer v2 routes (whisper, whisper-status, whisper-retrieve,
 *	  whisper-detail, get-usage-info, highlights, whisper-manage-callback)
 *	  and the job state machine behind them:
 *
 *	    accepted (waiting for a capacity slot)
 *	      -> processing (pages x whisper_page_seconds, scaled)
 *	      -> processed | error | failed | unknown
 *	      -> retrieved (after the one and only retrieve)
 *
 *-------------------------------------------------------------------------
 */
#ifndef MOCK_WHISPER_H
#define MOCK_WHISPER_H

#include "call.h"

extern void whisper_handle(Call *call);
extern void whisper_reset(void);

#endif							/* MOCK_WHISPER_H */

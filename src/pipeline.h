/*-------------------------------------------------------------------------
 *
 * pipeline.h
 *	  Per-job state machine of the worker: reuse, text, structure, check,
 *	  store.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FX_PIPELINE_H
#define FX_PIPELINE_H

#include "lib/ilist.h"
#include "nodes/pg_list.h"

#include "finextract.h"
#include "loop.h"
#include "store.h"

extern void fx_pipeline_init(FxLoop *loop, const char *tmpdir);
extern void fx_pipeline_start(const FxClaim *claim);
extern int	fx_pipeline_active(void);
extern int	fx_pipeline_finished(void);
extern dlist_head *fx_pipeline_jobs(void);
extern int	fx_pipeline_live(FxJobLive *out, int max);
extern void fx_pipeline_check_cancelled(void);
extern List *fx_pipeline_claims(void);
extern void fx_pipeline_shutdown(void);

#endif							/* FX_PIPELINE_H */

/*-------------------------------------------------------------------------
 *
 * inprocess.h
 *	  A note on disk of the job whose content the worker is processing in
 *	  its own process, so that a crash is charged to that job alone.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FX_INPROCESS_H
#define FX_INPROCESS_H

#include "postgres.h"

extern int64 fx_inprocess_open(const char *dir);
extern void fx_inprocess_clear(void);
extern void fx_inprocess_enter(int64 job_id);
extern void fx_inprocess_leave(void);

#endif							/* FX_INPROCESS_H */

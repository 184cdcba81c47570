/*-------------------------------------------------------------------------
 *
 * progress.h
 *	  Live progress of running jobs in shared memory (finx.progress).
 *
 *-------------------------------------------------------------------------
 */
#ifndef FX_PROGRESS_H
#define FX_PROGRESS_H

extern void fx_progress_publish(void);
extern void fx_progress_clear(void);

#endif							/* FX_PROGRESS_H */

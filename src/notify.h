/*-------------------------------------------------------------------------
 *
 * notify.h
 *	  The finx_job notification.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FX_NOTIFY_H
#define FX_NOTIFY_H

#define FX_NOTIFY_CHANNEL "finx_job"

extern void fx_notify_job(int64 job_id, const char *state);

#endif							/* FX_NOTIFY_H */

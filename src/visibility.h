/*-------------------------------------------------------------------------
 *
 * visibility.h
 *	  Which jobs a role may see (its privileges and row-level security).
 *
 *-------------------------------------------------------------------------
 */
#ifndef FX_VISIBILITY_H
#define FX_VISIBILITY_H

extern void fx_jobs_visible(Oid role, const int64 *ids, int n, bool *visible);
extern bool fx_job_visible(Oid role, int64 job_id);

#endif							/* FX_VISIBILITY_H */

/*-------------------------------------------------------------------------
 *
 * search_path.h
 *	  The search_path finextract's own SQL runs under.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FX_SEARCH_PATH_H
#define FX_SEARCH_PATH_H

/* the only schemas names resolve in: builtins, then this session's temp */
#define FX_SAFE_SEARCH_PATH "pg_catalog, pg_temp"

extern void fx_search_path_fix_session(void);
extern int	fx_search_path_push(void);
extern void fx_search_path_pop(int nestlevel);

#endif							/* FX_SEARCH_PATH_H */

/*-------------------------------------------------------------------------
 *
 * search_path.c
 *	  Make finextract's own SQL resolve names only in pg_catalog.
 *
 * The worker runs as the bootstrap superuser and the SQL API's functions
 * are SECURITY DEFINER: a function or operator that an ordinary role put
 * into a schema on the search_path (public, say, with an exact-typed
 * signature that beats pg_catalog's polymorphic or VARIADIC "any" one)
 * would run with those rights.  So the worker fixes search_path to
 * pg_catalog, pg_temp for its whole connection, and every SQL-callable
 * function that runs SPI sets it for the duration of the call, the way
 * PostgreSQL's own security-restricted operations do (the SET clause of
 * the functions' definitions says the same; this does not depend on it).
 * Objects of the extension are named with their schema (finx.jobs).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/guc.h"

#include "search_path.h"

/*
 * Fix search_path for the rest of this connection (the worker): an
 * override no reload, ALTER ROLE or ALTER DATABASE setting can change.
 */
void
fx_search_path_fix_session(void)
{
	SetConfigOption("search_path", FX_SAFE_SEARCH_PATH, PGC_SUSET, PGC_S_OVERRIDE);
}

/*
 * Set search_path until fx_search_path_pop (or the end of the transaction
 * on error); returns the GUC nest level to pass to it.
 */
int
fx_search_path_push(void)
{
	int			nestlevel = NewGUCNestLevel();

	(void) set_config_option("search_path", FX_SAFE_SEARCH_PATH,
							 PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE,
							 true, 0, false);
	return nestlevel;
}

/* Restore the caller's search_path. */
void
fx_search_path_pop(int nestlevel)
{
	AtEOXact_GUC(true, nestlevel);
}

/*-------------------------------------------------------------------------
 *
 * visibility.c
 *	  Which jobs a role may see: the rows of finx.jobs that the role's own
 *	  SELECT returns, under its privileges and the row-level security
 *	  policies (owner isolation, on by default).
 *
 * The SQL API runs SECURITY DEFINER and the live counters come from shared
 * memory, so neither sees the policies by itself.  Rather than repeat the
 * policy's rule in C, the question is put to the table: the ids are looked
 * up as the role, with row_security on, so whatever the policies say (or
 * finx_enable_rls(false), which lets every reader see every job) is what
 * callers of these functions get.  The query runs through the one SPI
 * layer (spi_exec.c), read-only, in the caller's snapshot; its saved plan
 * is replanned whenever another role runs it, as row-level security
 * depends on the role.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/rls.h"

#include "spi_exec.h"
#include "visibility.h"

/* OID of finx.jobs, or InvalidOid when the extension is not installed. */
static Oid
jobs_relid(void)
{
	Oid			nsp = get_namespace_oid("finx", true);

	return OidIsValid(nsp) ? get_relname_relid("jobs", nsp) : InvalidOid;
}

/* Mark in visible[] the ids that role's own SELECT on finx.jobs returns. */
static void
select_as_role(Oid role, const int64 *ids, int n, bool *visible)
{
	Datum	   *elems = palloc(sizeof(Datum) * n);
	Oid			types[1] = {INT8ARRAYOID};
	Datum		vals[1];
	Oid			save_userid;
	int			save_sec_context;
	int			save_nestlevel;
	uint64		nrows;

	for (int i = 0; i < n; i++)
		elems[i] = Int64GetDatum(ids[i]);
	vals[0] = PointerGetDatum(construct_array(elems, n, INT8OID, sizeof(int64),
											  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	/* as a SET clause of a function does; an error restores both at abort */
	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	save_nestlevel = NewGUCNestLevel();
	SetUserIdAndSecContext(role, save_sec_context | SECURITY_LOCAL_USERID_CHANGE);
	(void) set_config_option("row_security", "on", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	nrows = fx_spi_read("SELECT j.id FROM finx.jobs j "
						"WHERE j.id OPERATOR(pg_catalog.=) ANY ($1)",
						1, types, vals, NULL);
	AtEOXact_GUC(true, save_nestlevel);
	SetUserIdAndSecContext(save_userid, save_sec_context);
	for (uint64 r = 0; r < nrows; r++)
	{
		int64		id = fx_spi_int64(r, 1, NULL);

		for (int i = 0; i < n; i++)
			if (ids[i] == id)
				visible[i] = true;
	}
	SPI_finish();
	pfree(elems);
}

/*
 * Set visible[i] when role may see job ids[i] in finx.jobs.  A role without
 * SELECT on finx.jobs sees none; superusers and, while row-level security is
 * off, every reader see all.
 */
void
fx_jobs_visible(Oid role, const int64 *ids, int n, bool *visible)
{
	Oid			relid = jobs_relid();

	for (int i = 0; i < n; i++)
		visible[i] = false;
	if (n == 0 || !OidIsValid(relid))
		return;
	if (pg_class_aclcheck(relid, role, ACL_SELECT) != ACLCHECK_OK)
		return;
	if (check_enable_rls(relid, role, true) != RLS_ENABLED)
	{
		for (int i = 0; i < n; i++)
			visible[i] = true;
		return;
	}
	select_as_role(role, ids, n, visible);
}

/* May role see the job? */
bool
fx_job_visible(Oid role, int64 job_id)
{
	bool		visible;

	fx_jobs_visible(role, &job_id, 1, &visible);
	return visible;
}

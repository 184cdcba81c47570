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

-- Section: notification payload ---------------------------------------------

-- Section: owner isolation by default ---------------------------------------

-- Section: sequences in pg_dump ---------------------------------------------

-- pg_dump dumps the tables' rows (pg_extension_config_dump since 0.2.0) but
-- not the values of their identity sequences unless these are marked too: a
-- restored database would hand out ids that are already taken.
SELECT pg_catalog.pg_extension_config_dump('finx.documents_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('finx.jobs_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('finx.statements_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('finx.requests_id_seq', '');

-- Section: settings exposed to SQL (models, lanes) --------------------------

-- Section: scheduling and attempts ------------------------------------------

-- Section: other ------------------------------------------------------------

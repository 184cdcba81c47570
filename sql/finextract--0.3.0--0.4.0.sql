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

-- A job that reuses the results of another role's job gets its own copy of
-- them: its statements, periods and line items then name only the new job,
-- and reused_from is set only when both jobs were submitted by the same role
-- (it would name another role's job otherwise).  The worker calls this when
-- it reuses a result across roles.
CREATE FUNCTION finx.copy_job_results(job bigint, source bigint)
RETURNS bigint
LANGUAGE sql VOLATILE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
	WITH src AS (
		SELECT s.id, s.document_id, s.seq, s.statement_type, s.title, s.first_page,
			   s.last_page, s.unit_scale, s.currency, s.checks, s.checks_passed,
			   s.checks_failed
		  FROM finx.statements s
		 WHERE s.job_id OPERATOR(pg_catalog.=) source
	), ins AS (
		INSERT INTO finx.statements (job_id, document_id, seq, statement_type, title,
									 first_page, last_page, unit_scale, currency, checks,
									 checks_passed, checks_failed)
		SELECT job, src.document_id, src.seq, src.statement_type, src.title, src.first_page,
			   src.last_page, src.unit_scale, src.currency, src.checks, src.checks_passed,
			   src.checks_failed
		  FROM src
		RETURNING id, seq
	), map AS (
		SELECT src.id AS old_id, ins.id AS new_id
		  FROM src JOIN ins ON ins.seq OPERATOR(pg_catalog.=) src.seq
	), periods AS (
		INSERT INTO finx.statement_periods (statement_id, col, label, period_end, period_months)
		SELECT map.new_id, p.col, p.label, p.period_end, p.period_months
		  FROM finx.statement_periods p
		  JOIN map ON map.old_id OPERATOR(pg_catalog.=) p.statement_id
	), items AS (
		INSERT INTO finx.line_items (statement_id, row_no, page, line_no, label, indent,
									 is_total, generated_label, "values", ocr_confidence)
		SELECT map.new_id, li.row_no, li.page, li.line_no, li.label, li.indent,
			   li.is_total, li.generated_label, li."values", li.ocr_confidence
		  FROM finx.line_items li
		  JOIN map ON map.old_id OPERATOR(pg_catalog.=) li.statement_id
	)
	SELECT pg_catalog.count(*) FROM ins;
$$;
COMMENT ON FUNCTION finx.copy_job_results(bigint, bigint) IS
'Copy the statements, periods and line items of job source to job (a result reused across roles); returns the statements copied (used by the worker)';
REVOKE ALL ON FUNCTION finx.copy_job_results(bigint, bigint) FROM PUBLIC;

-- Jobs of earlier versions that reuse another role's results get their copy.
SELECT finx.copy_job_results(j.id, t.id)
  FROM finx.jobs j
  JOIN finx.jobs t ON t.id OPERATOR(pg_catalog.=) j.reused_from
 WHERE t.submitted_by OPERATOR(pg_catalog.<>) j.submitted_by;
UPDATE finx.jobs j SET reused_from = NULL
  FROM finx.jobs t
 WHERE t.id OPERATOR(pg_catalog.=) j.reused_from
   AND t.submitted_by OPERATOR(pg_catalog.<>) j.submitted_by;
COMMENT ON COLUMN finx.jobs.reused_from IS
'The earlier job of the same role whose results this job shows (same document and options); NULL when the job extracted them itself or copied them from another role''s job';

-- Owner isolation is on after install and after every update to 0.4.0:
-- a finx_user member sees only the jobs of roles it is a member of and the
-- documents, statements, periods, line items and requests of those jobs;
-- superusers see everything.  finx_enable_rls(false) turns it off for a
-- single-tenant database.
SELECT @extschema@.finx_enable_rls(true);
COMMENT ON FUNCTION @extschema@.finx_enable_rls(boolean) IS
'Owner isolation (row-level security), on by default: with false, every finx_user member sees every job, document and result (single-tenant databases); with true, only those of the roles it is a member of (superusers only)';

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

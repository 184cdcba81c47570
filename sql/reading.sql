-- Reading results: finx_statement, finx_document_json and finx.progress, on
-- rows written here (the worker never touches succeeded jobs, nor queued
-- ones that are not due).
\set VERBOSITY default
SET client_min_messages = warning;

-- a document with two jobs: an older one, and a newer one that found two
-- balance sheets (two years printed apart) and an income statement
INSERT INTO finx.documents (file_name, sha256, pages, bytes)
VALUES ('reading.pdf', repeat('ab', 32), 9, 1000) RETURNING id AS doc \gset
INSERT INTO finx.jobs (document_id, file_name, state, stage, started_at, finished_at, submitted_by)
VALUES (:doc, 'reading.pdf', 'succeeded', 'done', now() - interval '2 days', now() - interval '2 days', 10)
RETURNING id AS old_job \gset
INSERT INTO finx.jobs (document_id, file_name, state, stage, started_at, finished_at, submitted_by)
VALUES (:doc, 'reading.pdf', 'succeeded', 'done', now() - interval '1 day', now() - interval '1 day', 10)
RETURNING id AS new_job \gset
-- a later job that reuses the newer one's results
INSERT INTO finx.jobs (document_id, file_name, state, stage, started_at, finished_at, reused_from, submitted_by)
VALUES (:doc, 'reading-again.pdf', 'succeeded', 'done', now(), now(), :new_job, 10)
RETURNING id AS reuse_job \gset
INSERT INTO finx.statements (job_id, document_id, seq, statement_type, title, first_page, last_page, unit_scale, currency)
VALUES (:old_job, :doc, 1, 'balance_sheet', 'OLD BALANCE SHEET', 1, 1, 1, 'USD'),
	   (:new_job, :doc, 1, 'balance_sheet', 'BALANCE SHEET 2022', 3, 3, 1000, 'USD'),
	   (:new_job, :doc, 2, 'balance_sheet', 'BALANCE SHEET 2023', 4, 5, 1000, 'USD'),
	   (:new_job, :doc, 3, 'income_statement', 'INCOME STATEMENT', 6, 6, 1000, 'USD');
SELECT id AS bs_old FROM finx.statements WHERE job_id = :old_job \gset
SELECT id AS bs22 FROM finx.statements WHERE job_id = :new_job AND seq = 1 \gset
SELECT id AS bs23 FROM finx.statements WHERE job_id = :new_job AND seq = 2 \gset
SELECT id AS inc FROM finx.statements WHERE job_id = :new_job AND seq = 3 \gset
INSERT INTO finx.statement_periods (statement_id, col, label, period_end, period_months)
VALUES (:bs_old, 1, 'Old', '2020-12-31', NULL),
	   (:bs22, 1, 'December 31, 2022', '2022-12-31', NULL),
	   (:bs23, 1, 'December 31, 2023', '2023-12-31', NULL),
	   (:bs23, 2, 'Restated 2022', NULL, NULL),
	   (:inc, 1, '2023', '2023-12-31', 12), (:inc, 2, '2022', '2022-12-31', 12);
INSERT INTO finx.line_items (statement_id, row_no, page, line_no, label, indent, is_total, "values")
VALUES (:bs_old, 1, 1, 5, 'Cash', 0, false, '{1}'),
	   (:bs22, 1, 3, 5, 'Cash', 1, false, '{10}'),
	   (:bs22, 2, 3, 6, 'Total assets', 0, true, '{10}'),
	   (:bs23, 1, 4, 7, 'ASSETS', 0, false, '{NULL,NULL}'),
	   (:bs23, 2, 4, 8, 'Cash', 1, false, '{20,10}'),
	   (:bs23, 3, 4, 9, 'Receivables', 1, false, '{5,-3}'),
	   (:bs23, 4, 5, 2, 'Total assets', 2, true, '{25,7}'),
	   (:inc, 1, 6, 4, 'Revenue', 0, false, '{100,90}');

-- the statement with the latest period end of the latest succeeded job
SELECT * FROM finx_statement(:doc, 'balance_sheet');
-- or the one with a column ending on a given date
SELECT * FROM finx_statement(:doc, 'balance_sheet', '2022-12-31');
SELECT label, "values"[1] AS fy2023, "values"[2] AS fy2022
  FROM finx_statement(:doc, 'income_statement');
-- none of that type, or of that date: no rows
SELECT count(*) FROM finx_statement(:doc, 'cash_flow');
SELECT count(*) FROM finx_statement(:doc, 'balance_sheet', '1999-12-31');
-- errors
SELECT * FROM finx_statement(:doc, 'balance sheet');
SELECT * FROM finx_statement(-1, 'balance_sheet');
-- COPY-friendly
COPY (SELECT label, "values" FROM finx_statement(:doc, 'balance_sheet')) TO STDOUT WITH (FORMAT csv, HEADER);

-- the whole document as jsonb: the latest succeeded job is the one that
-- reuses the newer job's results
SELECT finx_document_json(:doc) AS j \gset
SELECT (:'j'::jsonb -> 'document') - '{id,created_at}'::text[] AS document;
SELECT (:'j'::jsonb #>> '{job,id}')::bigint = :reuse_job AS latest_job,
	   (:'j'::jsonb #>> '{job,reused_from}')::bigint = :new_job AS reused,
	   (:'j'::jsonb #>> '{provenance,job_id}')::bigint = :new_job AS results_of;
SELECT :'j'::jsonb #> '{provenance,pages}' AS pages;
SELECT s ->> 'seq' AS seq, s ->> 'statement_type' AS type, s ->> 'title' AS title,
	   s -> 'periods' AS periods, jsonb_array_length(s -> 'line_items') AS rows
  FROM jsonb_array_elements(:'j'::jsonb -> 'statements') AS s;
SELECT jsonb_pretty(:'j'::jsonb #> '{statements,1,line_items,2}') AS receivables;
SELECT finx_document_json(-1);
-- a document without a succeeded job
INSERT INTO finx.documents (file_name, sha256, bytes)
VALUES ('nothing.pdf', repeat('cd', 32), 10) RETURNING id AS doc2 \gset
SELECT finx_document_json(:doc2) - 'document' AS nothing;

-- progress: one row per unfinished job (this queued one is not due)
INSERT INTO finx.jobs (document_id, file_name, run_after, submitted_by)
VALUES (:doc2, 'waiting.pdf', 'infinity', 10) RETURNING id AS waiting \gset
INSERT INTO finx.jobs (document_id, file_name, state, stage, attempt, started_at, submitted_by)
VALUES (:doc, 'running.pdf', 'running', 'structure', 1, now() - interval '1 min', 10)
RETURNING id AS running \gset
SELECT file_name, state, stage, attempt, pages, statements_found, statements_done,
	   requests_in_flight, elapsed >= '0' AS elapsed, running_for >= '1 min' AS running_for,
	   estimated_left >= '0' AS has_estimate
  FROM finx.progress WHERE job_id IN (:waiting, :running) ORDER BY job_id;
SELECT count(*) AS finished_jobs_in_progress FROM finx.progress WHERE job_id IN (:old_job, :new_job);
SELECT column_name, data_type FROM information_schema.columns
 WHERE table_schema = 'finx' AND table_name = 'progress' ORDER BY ordinal_position;

-- finx_user may read, under owner isolation (the default) only the jobs of
-- its own roles (these are the bootstrap superuser's); others may not read
CREATE ROLE finx_regress_reader IN ROLE finx_user;
CREATE ROLE finx_regress_stranger;
SET ROLE finx_regress_reader;
SELECT count(*) AS documents_seen FROM finx.documents WHERE id = :doc;
SELECT count(*) AS jobs_seen FROM finx.jobs WHERE document_id = :doc;
SELECT count(*) AS facts_seen FROM finx.facts WHERE document_id = :doc;
SELECT count(*) AS progress_visible FROM finx.progress;
RESET ROLE;
SELECT finx_enable_rls(false);
SET ROLE finx_regress_reader;
SELECT count(*) FROM finx_statement(:doc, 'balance_sheet');
SELECT finx_document_json(:doc) IS NOT NULL AS readable;
SELECT count(*) >= 2 AS progress_visible FROM finx.progress;
RESET ROLE;
SELECT finx_enable_rls(true);
SET ROLE finx_regress_stranger;
SELECT count(*) FROM finx_statement(:doc, 'balance_sheet');
SELECT finx_document_json(:doc);
SELECT count(*) FROM finx.progress;
RESET ROLE;
DROP ROLE finx_regress_reader, finx_regress_stranger;

-- clean up
DELETE FROM finx.jobs WHERE id IN (:reuse_job, :waiting, :running);
DELETE FROM finx.jobs WHERE id IN (:old_job, :new_job);
DELETE FROM finx.documents WHERE id IN (:doc, :doc2);

-- Retention: finx_prune_batch and the finx_prune procedure, on rows dated
-- 2000 written here (rows of other tests are younger than the cutoff).
\set VERBOSITY default
SET client_min_messages = warning;

-- documents A..E; jobs with their states, ages and reuse
INSERT INTO finx.documents (file_name, sha256, bytes, created_at)
SELECT n || '.pdf', repeat(n, 64), 100, CASE WHEN n = 'e' THEN now() ELSE '2000-01-01' END
  FROM unnest('{a,b,c,d,e}'::text[]) AS n;
CREATE TEMP TABLE d AS SELECT id, left(file_name, 1) AS n FROM finx.documents
 WHERE sha256 IN (repeat('a', 64), repeat('b', 64), repeat('c', 64), repeat('d', 64), repeat('e', 64));
INSERT INTO finx.document_content SELECT id, '\x25504446' FROM d;
INSERT INTO finx.page_texts (document_id, engine, page, text, created_at)
SELECT d.id, 'pdftotext', p, 'text', '2000-01-01' FROM d, generate_series(1, 2) AS p;
CREATE TEMP TABLE j (name text, id bigint);
WITH ins AS (
	INSERT INTO finx.jobs (document_id, file_name, state, finished_at, run_after, submitted_by)
	SELECT d.id, v.name, v.state, v.finished::timestamptz, 'infinity', 10
	  FROM (VALUES ('a1', 'succeeded', '2000-01-02'), ('b1', 'failed', '2000-01-03'),
				   ('b2', 'cancelled', '2000-01-04'), ('c1', 'queued', NULL),
				   ('d1', 'succeeded', '2000-01-05'), ('e1', 'succeeded', NULL)) AS v(name, state, finished)
	  JOIN d ON d.n = left(v.name, 1)
	RETURNING id, file_name)
INSERT INTO j SELECT file_name, id FROM ins;
UPDATE finx.jobs SET finished_at = now() WHERE id = (SELECT id FROM j WHERE name = 'e1');
-- a2 (old) and a3 (recent) reuse a1; d2 (old) reuses d1
WITH ins AS (
	INSERT INTO finx.jobs (document_id, file_name, state, finished_at, reused_from, submitted_by)
	SELECT (SELECT id FROM d WHERE n = left(v.name, 1)), v.name, 'succeeded', v.finished::timestamptz,
		   (SELECT id FROM j WHERE j.name = v.reuses), 10
	  FROM (VALUES ('a2', '2000-01-06', 'a1'), ('a3', now()::text, 'a1'),
				   ('d2', '2000-01-01', 'd1')) AS v(name, finished, reuses)
	RETURNING id, file_name)
INSERT INTO j SELECT file_name, id FROM ins;
INSERT INTO finx.statements (job_id, document_id, seq, statement_type, first_page, last_page)
SELECT j.id, d.id, 1, 'balance_sheet', 1, 1 FROM j JOIN d ON d.n = left(j.name, 1)
 WHERE j.name IN ('a1', 'd1');
INSERT INTO finx.statement_periods (statement_id, col, label)
SELECT s.id, 1, 'FY' FROM finx.statements s JOIN j ON j.id = s.job_id;
INSERT INTO finx.line_items (statement_id, row_no, page, line_no, label, "values")
SELECT s.id, 1, 1, 1, 'Cash', '{1}' FROM finx.statements s JOIN j ON j.id = s.job_id;

-- errors
SELECT finx_prune_batch('-1 day');
SELECT finx_prune_batch('1 day', 0);
BEGIN;
CALL finx_prune('1 day');
ROLLBACK;

-- nothing is as old as 30 years
CALL finx_prune('30 years');

-- one small batch: at most one job, one document and one page text
SELECT finx_prune_batch(now() - '2001-01-01'::timestamptz, 1) AS deleted;
SELECT string_agg(name, ' ' ORDER BY name) AS jobs_left FROM j WHERE id IN (SELECT id FROM finx.jobs);

-- the rest, in batches of two, committed one by one
CALL finx_prune(now() - '2001-01-01'::timestamptz, 2);
SELECT string_agg(name, ' ' ORDER BY name) AS jobs_left FROM j WHERE id IN (SELECT id FROM finx.jobs);
SELECT string_agg(n, ' ' ORDER BY n) AS documents_left FROM d WHERE id IN (SELECT id FROM finx.documents);
SELECT string_agg(n, ' ' ORDER BY n) AS content_left FROM d
 WHERE id IN (SELECT document_id FROM finx.document_content);
SELECT d.n, count(*) AS page_texts_left FROM finx.page_texts t JOIN d ON d.id = t.document_id
 GROUP BY d.n ORDER BY d.n;
-- a1's statement stays for a3, which reuses it; d1's went with it
SELECT count(*) AS facts_of_a3 FROM finx.facts WHERE job_id = (SELECT id FROM j WHERE name = 'a3');
SELECT count(*) AS statements_left FROM finx.statements WHERE job_id IN (SELECT id FROM j);
SELECT count(*) AS orphan_items FROM finx.line_items li
 WHERE NOT EXISTS (SELECT FROM finx.statements s WHERE s.id = li.statement_id);

-- a second run finds nothing
CALL finx_prune(now() - '2001-01-01'::timestamptz);

-- only superusers (and roles granted EXECUTE) may prune
CREATE ROLE finx_regress_pruner IN ROLE finx_user;
SET ROLE finx_regress_pruner;
SELECT finx_prune_batch('1 day');
CALL finx_prune('1 day');
RESET ROLE;
DROP ROLE finx_regress_pruner;

-- clean up
DELETE FROM finx.jobs WHERE id IN (SELECT id FROM j WHERE name = 'a3');
DELETE FROM finx.jobs WHERE id IN (SELECT id FROM j);
DELETE FROM finx.documents WHERE id IN (SELECT id FROM d);

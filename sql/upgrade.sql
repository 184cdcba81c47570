-- Upgrades: 0.1.0 (the released install script) and the updates to 0.2.0
-- and 0.3.0, which are also what a fresh CREATE EXTENSION runs; every object
-- commented; an update to 0.3.0 keeps row-level security as finx_enable_rls()
-- left it, the update to 0.4.0 turns owner isolation on.
\set VERBOSITY default
SET client_min_messages = warning;

-- pg_regress created the extension at the default version; start over
DROP EXTENSION finextract;
CREATE EXTENSION finextract VERSION '0.1.0';
SELECT extversion FROM pg_extension WHERE extname = 'finextract';
-- data written under 0.1.0 survives the update
INSERT INTO finx.documents (file_name, sha256, bytes) VALUES ('old.pdf', repeat('0', 64), 1);
INSERT INTO finx.jobs (document_id, file_name, run_after, submitted_by)
SELECT id, 'old.pdf', 'infinity', 10 FROM finx.documents;
ALTER EXTENSION finextract UPDATE;
SELECT extversion FROM pg_extension WHERE extname = 'finextract';
SELECT file_name, state, statements_found, requests_in_flight, pages_read FROM finx.progress;

-- the update path, and what the extension holds now
SELECT source, target, path FROM pg_extension_update_paths('finextract') WHERE path IS NOT NULL ORDER BY 1, 2;
SELECT pg_describe_object(classid, objid, 0) AS object
  FROM pg_depend
 WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e'
   AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'finextract')
 ORDER BY pg_describe_object(classid, objid, 0) COLLATE "C";

-- every table, view, column and function has a comment
SELECT c.oid::regclass AS relation_without_comment
  FROM pg_class c
 WHERE c.relnamespace = 'finx'::regnamespace AND c.relkind IN ('r', 'v', 'm')
   AND obj_description(c.oid, 'pg_class') IS NULL;
SELECT c.oid::regclass AS relation, a.attname AS column_without_comment
  FROM pg_class c
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
 WHERE c.relnamespace = 'finx'::regnamespace AND c.relkind IN ('r', 'v', 'm')
   AND col_description(c.oid, a.attnum) IS NULL
 ORDER BY 1, 2;
SELECT d.objid::regprocedure AS function_without_comment
  FROM pg_depend d
 WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
   AND d.classid = 'pg_proc'::regclass
   AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'finextract')
   AND obj_description(d.objid, 'pg_proc') IS NULL;

-- 0.3.0: the lanes' rate buckets in finx.provider_stats
SELECT requests_per_minute, requests_left, tokens_per_minute, tokens_left, rate_wait_ms, rate_waits
  FROM finx.provider_stats LIMIT 0;

-- privileges after the update
SELECT p.oid::regprocedure::text AS routine,
	   has_function_privilege('finx_user', p.oid, 'EXECUTE') AS finx_user,
	   has_function_privilege('public', p.oid, 'EXECUTE') AS public
  FROM pg_proc p WHERE p.proname LIKE 'finx\_%' ORDER BY p.oid::regprocedure::text COLLATE "C";
SELECT c.oid::regclass::text AS relation, has_any_column_privilege('finx_user', c.oid, 'SELECT') AS finx_user_reads
  FROM pg_class c
 WHERE c.relnamespace = 'finx'::regnamespace AND c.relkind IN ('r', 'v')
 ORDER BY c.oid::regclass::text COLLATE "C";

-- 0.4.0: owner isolation is on after the update (finx_enable_rls() was never
-- called here), and every sequence of the extension is dumped with its table
SELECT c.relname, c.relrowsecurity FROM pg_class c
 WHERE c.relnamespace = 'finx'::regnamespace AND c.relkind = 'r'
 ORDER BY c.relname COLLATE "C";
SELECT c.relname, c.reloptions FROM pg_class c
 WHERE c.relnamespace = 'finx'::regnamespace AND c.relkind = 'v'
 ORDER BY c.relname COLLATE "C";
SELECT c.oid::regclass AS sequence_not_dumped
  FROM pg_class c
 WHERE c.relnamespace = 'finx'::regnamespace AND c.relkind = 'S'
   AND c.oid <> ALL ((SELECT extconfig FROM pg_extension WHERE extname = 'finextract')::oid[]);
SELECT count(*) AS dumped_sequences
  FROM pg_class c
 WHERE c.relnamespace = 'finx'::regnamespace AND c.relkind = 'S'
   AND c.oid = ANY ((SELECT extconfig FROM pg_extension WHERE extname = 'finextract')::oid[]);

DELETE FROM finx.jobs;
DELETE FROM finx.documents;

-- an update keeps security_invoker on the views it replaces
DROP EXTENSION finextract;
CREATE EXTENSION finextract VERSION '0.2.0';
SELECT finx_enable_rls();
ALTER EXTENSION finextract UPDATE TO '0.3.0';
SELECT c.relname, c.reloptions FROM pg_class c
 WHERE c.relnamespace = 'finx'::regnamespace AND c.relkind = 'v'
 ORDER BY c.relname COLLATE "C";
-- 0.3.0's new view columns come last
SELECT attname FROM pg_attribute WHERE attrelid = 'finx.facts'::regclass AND attnum > 12 ORDER BY attnum;
SELECT attname FROM pg_attribute WHERE attrelid = 'finx.progress'::regclass AND attnum > 14 ORDER BY attnum;
SELECT attname FROM pg_attribute WHERE attrelid = 'finx.provider_stats'::regclass AND attnum > 12 ORDER BY attnum;
SELECT finx_enable_rls(false);
SELECT c.relname, c.reloptions FROM pg_class c
 WHERE c.relnamespace = 'finx'::regnamespace AND c.relkind = 'v'
 ORDER BY c.relname COLLATE "C";

-- 0.4.0: an update turns owner isolation on even where it was off, and
-- gives a job that reused another role's result a copy of its own
DROP EXTENSION finextract;
CREATE EXTENSION finextract VERSION '0.3.0';
INSERT INTO finx.documents (file_name, sha256, bytes) VALUES ('shared.pdf', repeat('1', 64), 1);
INSERT INTO finx.jobs (document_id, file_name, state, finished_at, submitted_by)
SELECT id, 'first.pdf', 'succeeded', now(), 10 FROM finx.documents;
INSERT INTO finx.statements (job_id, document_id, seq, statement_type, first_page, last_page)
SELECT j.id, j.document_id, 1, 'balance_sheet', 1, 1 FROM finx.jobs j;
INSERT INTO finx.statement_periods (statement_id, col, label) SELECT id, 1, 'FY' FROM finx.statements;
INSERT INTO finx.line_items (statement_id, row_no, page, line_no, label, "values")
SELECT id, 1, 1, 1, 'Cash', '{5}' FROM finx.statements;
-- the same role again, and another role (the bootstrap superuser's oid is 10)
INSERT INTO finx.jobs (document_id, file_name, state, finished_at, reused_from, submitted_by)
SELECT document_id, v.name, 'succeeded', now(), id, v.role
  FROM finx.jobs, (VALUES ('same.pdf', 10), ('other.pdf', 1)) AS v(name, role);
ALTER EXTENSION finextract UPDATE TO '0.4.0';
SELECT count(*) FILTER (WHERE relrowsecurity) AS isolated, count(*) AS tables
  FROM pg_class WHERE relnamespace = 'finx'::regnamespace AND relname IN
	   ('jobs', 'documents', 'statements', 'statement_periods', 'line_items', 'requests');
SELECT j.file_name, (SELECT t.file_name FROM finx.jobs t WHERE t.id = j.reused_from) AS reused_from,
	   (SELECT count(*) FROM finx.statements s WHERE s.job_id = j.id) AS own_statements
  FROM finx.jobs j ORDER BY j.id;
SELECT file_name, label, period_label, value FROM finx.facts f JOIN finx.jobs j ON j.id = f.job_id
 ORDER BY j.id;
SELECT finx_enable_rls(false);
-- (concept_rules, concepts, corrections and company_overrides keep their own policies)
SELECT count(*) FILTER (WHERE relrowsecurity) AS isolated
  FROM pg_class WHERE relnamespace = 'finx'::regnamespace
   AND relname NOT IN ('concept_rules', 'concepts', 'corrections', 'company_overrides');

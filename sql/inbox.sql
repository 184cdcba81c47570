-- finx_submit_dir: errors, skipped files, the stat cache, permissions.
\set VERBOSITY default
SET client_min_messages = warning;
\! rm -rf /tmp/finx_regress_inbox && mkdir -p /tmp/finx_regress_inbox/sub
\! printf '%%PDF-1.4 inbox a %%%%EOF\n' > /tmp/finx_regress_inbox/a.pdf
\! printf '%%PDF-1.4 inbox b %%%%EOF\n' > /tmp/finx_regress_inbox/b.pdf
\! printf 'not a pdf\n' > /tmp/finx_regress_inbox/c.pdf
\! printf '' > /tmp/finx_regress_inbox/d.pdf
\! printf '%%PDF-1.4 inbox e %%%%EOF\n' > /tmp/finx_regress_inbox/e.txt
\! printf '%%PDF-1.4 inbox hidden %%%%EOF\n' > /tmp/finx_regress_inbox/.hidden.pdf
\! printf '%%PDF-1.4 inbox sub %%%%EOF\n' > /tmp/finx_regress_inbox/sub/s.pdf

-- bad arguments: the whole call fails, nothing is written
SELECT finx_submit_dir('inbox');
SELECT finx_submit_dir('/nonexistent/inbox');
SELECT finx_submit_dir('/tmp/finx_regress_inbox/a.pdf');
SELECT finx_submit_dir('/tmp/finx_regress_inbox', '');
SELECT finx_submit_dir('/tmp/finx_regress_inbox', 'sub/*.pdf');
SELECT finx_submit_dir('/tmp/finx_regress_inbox', '*.pdf', '{"color": "red"}');
SET finextract.input_dirs = '/nonexistent';
SELECT finx_submit_dir('/tmp/finx_regress_inbox');
RESET finextract.input_dirs;
SELECT count(*) AS cached FROM finx.inbox_files WHERE dir = '/tmp/finx_regress_inbox';

-- first call: two PDFs queued, two bad files skipped with a warning each;
-- no dot files, no other names, no subdirectories
SELECT coalesce(max(id), 0) AS last_job FROM finx.jobs \gset
SELECT finx_submit_dir('/tmp/finx_regress_inbox') AS new_jobs;
SELECT file_name, options FROM finx.jobs WHERE id > :last_job ORDER BY id;
SELECT name, size, sha256 IS NOT NULL AS hashed, job_id IS NOT NULL AS has_job, error, sqlstate
  FROM finx.inbox_files WHERE dir = '/tmp/finx_regress_inbox' ORDER BY name;

-- second call: nothing new, and bad files are not read (nor warned about) again
SELECT finx_submit_dir('/tmp/finx_regress_inbox') AS new_jobs;
-- the same directory spelled differently is the same inbox
SELECT finx_submit_dir('/tmp/finx_regress_inbox/sub/..//') AS new_jobs;
-- a dot file never matches, not even a pattern that names it
SELECT finx_submit_dir('/tmp/finx_regress_inbox', '.*') AS new_jobs;
SELECT finx_submit_dir('/tmp/finx_regress_inbox', '.hidden.pdf') AS new_jobs;

-- a changed bad file is read again; a touched file is hashed again but its
-- content was queued already; a removed file is forgotten
\! printf '%%PDF-1.4 inbox c, fixed %%%%EOF\n' > /tmp/finx_regress_inbox/c.pdf
\! touch -d @981173106 /tmp/finx_regress_inbox/a.pdf
\! rm /tmp/finx_regress_inbox/b.pdf
SELECT finx_submit_dir('/tmp/finx_regress_inbox') AS new_jobs;
SELECT name, mtime = to_timestamp(981173106) AS touched,
       job_id IS NOT NULL AS has_job, error
  FROM finx.inbox_files WHERE dir = '/tmp/finx_regress_inbox' ORDER BY name;
SELECT count(*) AS jobs_from_inbox FROM finx.jobs
 WHERE id > :last_job;

-- other options are another inbox; max_attempts alone does not count
SELECT finx_submit_dir('/tmp/finx_regress_inbox', '*.pdf', '{"max_attempts": 1}') AS new_jobs;
SELECT finx_submit_dir('/tmp/finx_regress_inbox', '*.pdf', '{"pages": "1"}') AS new_jobs;
-- another pattern
SELECT finx_submit_dir('/tmp/finx_regress_inbox', '*.txt') AS new_jobs;

-- a call in a transaction that rolls back leaves no job and no cache row
\! printf '%%PDF-1.4 inbox f %%%%EOF\n' > /tmp/finx_regress_inbox/f.pdf
BEGIN;
SELECT finx_submit_dir('/tmp/finx_regress_inbox') AS new_jobs;
ROLLBACK;
SELECT count(*) AS f_cached FROM finx.inbox_files WHERE name = 'f.pdf';
SELECT finx_submit_dir('/tmp/finx_regress_inbox') AS new_jobs;

-- permissions: like finx_submit(path), and only for finx_user members
CREATE ROLE finx_regress_inbox_nobody;
CREATE ROLE finx_regress_inbox_user IN ROLE finx_user;
CREATE ROLE finx_regress_inbox_reader IN ROLE pg_read_server_files;
CREATE ROLE finx_regress_inbox_both IN ROLE finx_user, pg_read_server_files;
SET ROLE finx_regress_inbox_nobody;
SELECT finx_submit_dir('/tmp/finx_regress_inbox');
SELECT count(*) FROM finx.inbox_files;
SET ROLE finx_regress_inbox_user;
SELECT finx_submit_dir('/tmp/finx_regress_inbox');
SET ROLE finx_regress_inbox_reader;
SELECT finx_submit_dir('/tmp/finx_regress_inbox');
SET ROLE finx_regress_inbox_both;
-- content the superuser queued is queued again for this role, under its name
SELECT finx_submit_dir('/tmp/finx_regress_inbox') AS new_jobs;
SELECT count(*) AS own_jobs FROM finx.jobs WHERE submitted_by = 'finx_regress_inbox_both'::regrole;
RESET ROLE;
SET finextract.input_dirs = '/tmp';
SET ROLE finx_regress_inbox_both;
SELECT finx_submit_dir('/tmp/finx_regress_inbox') AS new_jobs;
RESET ROLE;
RESET finextract.input_dirs;

-- clean up (the jobs fail on their own: the files hold no statements)
DELETE FROM finx.inbox_files WHERE dir = '/tmp/finx_regress_inbox';
DROP OWNED BY finx_regress_inbox_both;
DROP ROLE finx_regress_inbox_nobody, finx_regress_inbox_user, finx_regress_inbox_reader,
	finx_regress_inbox_both;
\! rm -rf /tmp/finx_regress_inbox
-- the one rule behind "same options" here and in the worker's reuse:
-- options equal but for max_attempts
SELECT finx.same_result_options('{"max_attempts": 1, "ocr": "auto"}', '{"ocr": "auto"}') AS same,
	   finx.same_result_options('{"ocr": "auto"}', '{"ocr": "never"}') AS other;

-- The SQL API: objects, errors for bad input, permissions.
\set VERBOSITY default
SET client_min_messages = warning;

-- the objects exist
SELECT proname FROM pg_proc WHERE proname IN ('finx_submit', 'finx_submit_bytes', 'finx_wait', 'finx_cancel', 'finx_retry') ORDER BY 1;
SELECT column_name, data_type FROM information_schema.columns
 WHERE table_schema = 'finx' AND table_name = 'facts' ORDER BY ordinal_position;

-- bad paths
SELECT finx_submit('relative/report.pdf');
SELECT finx_submit('/nonexistent/report.pdf');
SELECT finx_submit('/');
\! mkdir -p /tmp/finx_regress && printf '' > /tmp/finx_regress/empty.pdf
SELECT finx_submit('/tmp/finx_regress/empty.pdf');
\! printf 'hello, not a pdf\n' > /tmp/finx_regress/text.pdf
SELECT finx_submit('/tmp/finx_regress/text.pdf');
\! printf '%%PDF-1.4\n1 0 obj\n<< /Type /Catalog' > /tmp/finx_regress/truncated.pdf
SELECT finx_submit('/tmp/finx_regress/truncated.pdf');
\! printf '%%PDF-1.4\ntrailer\n<< /Root 1 0 R >>\n%%%%EOF\n' > /tmp/finx_regress/tiny.pdf
\! ln -sf /tmp/finx_regress/tiny.pdf /tmp/finx_regress/link.pdf
SET finextract.input_dirs = '/nonexistent';
SELECT finx_submit('/tmp/finx_regress/link.pdf');
RESET finextract.input_dirs;
SET finextract.max_file_size = '1kB';
SELECT finx_submit_bytes(convert_to('%PDF-1.4' || repeat(' ', 2000) || '%%EOF', 'UTF8'), 'big.pdf');
RESET finextract.max_file_size;

-- bad bytes and names
SELECT finx_submit_bytes('', 'empty.pdf');
SELECT finx_submit_bytes('\x00ff00', 'nul.pdf');
SELECT finx_submit_bytes(convert_to('%PDF-1.4 %%EOF', 'UTF8'), '');
SELECT finx_submit_bytes(convert_to('%PDF-1.4 %%EOF', 'UTF8'), '..');

-- bad options
SELECT finx_submit_bytes(convert_to('%PDF-1.4 %%EOF', 'UTF8'), 'a.pdf', '[1]');
SELECT finx_submit_bytes(convert_to('%PDF-1.4 %%EOF', 'UTF8'), 'a.pdf', '{"color": "red"}');
SELECT finx_submit_bytes(convert_to('%PDF-1.4 %%EOF', 'UTF8'), 'a.pdf', '{"pages": 5}');
SELECT finx_submit_bytes(convert_to('%PDF-1.4 %%EOF', 'UTF8'), 'a.pdf', '{"pages": "3-1"}');
SELECT finx_submit_bytes(convert_to('%PDF-1.4 %%EOF', 'UTF8'), 'a.pdf', '{"pages": "0"}');
SELECT finx_submit_bytes(convert_to('%PDF-1.4 %%EOF', 'UTF8'), 'a.pdf', '{"max_attempts": 0}');
SELECT finx_submit_bytes(convert_to('%PDF-1.4 %%EOF', 'UTF8'), 'a.pdf', '{"max_attempts": 2.5}');
SELECT finx_submit_bytes(convert_to('%PDF-1.4 %%EOF', 'UTF8'), 'a.pdf', '{"structurer": "magic"}');

-- nothing was written by any of the above
SELECT (SELECT count(*) FROM finx.documents) AS documents, (SELECT count(*) FROM finx.jobs) AS jobs;

-- unknown jobs
SELECT finx_wait(-1);
SELECT finx_cancel(-1);
SELECT finx_retry(-1);

-- a valid submit inside a rolled-back transaction leaves nothing
BEGIN;
SELECT finx_submit_bytes(convert_to('%PDF-1.4 %%EOF', 'UTF8'), 'rolled-back.pdf') > 0 AS queued;
ROLLBACK;
SELECT count(*) AS jobs_after_rollback FROM finx.jobs;

-- waiting on a job of one's own uncommitted transaction is an error, not a hang
BEGIN;
SELECT finx_wait(finx_submit_bytes(convert_to('%PDF-1.4 %%EOF', 'UTF8'), 'uncommitted.pdf'), '1 s');
ROLLBACK;

-- a committed submit runs; a document without statements fails with the reason
SELECT finx_submit_bytes(convert_to('%PDF-1.4 %%EOF', 'UTF8'), 'garbage.pdf', '{"max_attempts": 1}') AS garbage_job \gset
SELECT finx_wait(:garbage_job, '2 min');
SELECT state, attempt, max_attempts, last_error IS NOT NULL AS has_error, finished_at IS NOT NULL AS finished
  FROM finx.jobs WHERE id = :garbage_job;
SELECT file_name, sha256 = encode(sha256(convert_to('%PDF-1.4 %%EOF', 'UTF8')), 'hex') AS sha_ok, bytes
  FROM finx.documents;
-- retry queues it again with a fresh budget; cancel stops it
BEGIN;
SELECT finx_retry(:garbage_job);
SELECT state, attempt FROM finx.jobs WHERE id = :garbage_job;
SELECT finx_cancel(:garbage_job);
COMMIT;
SELECT finx_wait(:garbage_job, '2 min');
SELECT finx_cancel(:garbage_job) AS cancel_again;

-- permissions
CREATE ROLE finx_regress_nobody;
CREATE ROLE finx_regress_user IN ROLE finx_user;
SET ROLE finx_regress_nobody;
SELECT finx_submit_bytes(convert_to('%PDF-1.4 %%EOF', 'UTF8'), 'x.pdf');
SELECT count(*) FROM finx.jobs;
RESET ROLE;
SET ROLE finx_regress_user;
SELECT finx_submit('/tmp/finx_regress/text.pdf');
SELECT finx_submit_bytes(convert_to('%PDF-1.4 % other %%EOF', 'UTF8'), 'mine.pdf', '{"max_attempts": 1}') AS user_job \gset
-- another role's job does not exist for it (owner isolation), as a missing one
SELECT finx_wait(:garbage_job, '1 s');
SELECT finx_cancel(:garbage_job);
SELECT finx_retry(:garbage_job);
SELECT finx_wait(-1, '1 s');
SELECT count(*) AS jobs_seen FROM finx.jobs;
SELECT finx_cancel(:user_job) IS NOT NULL AS can_cancel_own;
SELECT submitted_by = 'finx_regress_user'::regrole AS owned FROM finx.jobs WHERE id = :user_job;
INSERT INTO finx.jobs (document_id, file_name, submitted_by) VALUES (1, 'forged', 0);
RESET ROLE;
DROP ROLE finx_regress_nobody;
DROP OWNED BY finx_regress_user;
DROP ROLE finx_regress_user;

-- finx_http_bench: superusers only, bounded arguments, loopback only (the
-- default finextract.llm_url is OpenAI's)
SELECT finx_http_bench(0, 1);
SELECT finx_http_bench(10, 0);
SELECT finx_http_bench(10, 1);
CREATE ROLE finx_regress_bench;
GRANT EXECUTE ON FUNCTION finx_http_bench(int, int) TO finx_regress_bench;
SET ROLE finx_regress_bench;
SELECT finx_http_bench(10, 1);
RESET ROLE;
DROP OWNED BY finx_regress_bench;
DROP ROLE finx_regress_bench;

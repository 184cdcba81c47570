-- Validation of the "mode" and "model" options at submit, and the
-- finextract.llm_models allow-list.
\set VERBOSITY default
SET client_min_messages = warning;
SELECT count(*) AS jobs_before FROM finx.jobs \gset

-- mode: one of LLMWhisperer's modes
SELECT finx_submit_bytes(convert_to('%PDF-1.4 %%EOF', 'UTF8'), 'a.pdf', '{"mode": "fast"}');
SELECT finx_submit_bytes(convert_to('%PDF-1.4 %%EOF', 'UTF8'), 'a.pdf', '{"mode": "form\"}"}');
SELECT finx_submit_bytes(convert_to('%PDF-1.4 %%EOF', 'UTF8'), 'a.pdf', '{"mode": 3}');

-- model: printable, at most 128 bytes
SELECT finx_submit_bytes(convert_to('%PDF-1.4 %%EOF', 'UTF8'), 'a.pdf', '{"model": "gpt\nx"}');
SELECT finx_submit_bytes(convert_to('%PDF-1.4 %%EOF', 'UTF8'), 'a.pdf', '{"model": "gpt\u0007"}');
SELECT finx_submit_bytes(convert_to('%PDF-1.4 %%EOF', 'UTF8'), 'a.pdf', '{"model": "gpt\u007f"}');
SELECT finx_submit_bytes(convert_to('%PDF-1.4 %%EOF', 'UTF8'), 'a.pdf',
	jsonb_build_object('model', repeat('m', 129)));
SELECT finx_submit_bytes(convert_to('%PDF-1.4 %%EOF', 'UTF8'), 'a.pdf', '{"model": ["gpt"]}');

-- nothing was written by any of the above
SELECT count(*) - :jobs_before AS new_jobs FROM finx.jobs;

-- valid values are accepted (rolled back: nothing stays)
BEGIN;
SELECT finx_submit_bytes(convert_to('%PDF-1.4 %%EOF', 'UTF8'), 'm1.pdf', '{"mode": "native_text"}') > 0 AS queued;
SELECT finx_submit_bytes(convert_to('%PDF-1.4 %%EOF', 'UTF8'), 'm2.pdf', '{"mode": "table"}') > 0 AS queued;
SELECT finx_submit_bytes(convert_to('%PDF-1.4 %%EOF', 'UTF8'), 'm3.pdf',
	jsonb_build_object('model', repeat('m', 128))) > 0 AS queued;
-- a quote is printable: it is data, never JSON syntax (see finx.provider_stats)
SELECT finx_submit_bytes(convert_to('%PDF-1.4 %%EOF', 'UTF8'), 'm4.pdf',
	'{"model": "evil\",\"provider\":\"spoofed"}') > 0 AS queued;
ROLLBACK;

-- finextract.llm_models: superuser only; when set, the model must be listed
CREATE ROLE finx_options_user IN ROLE finx_user;
SET ROLE finx_options_user;
SET finextract.llm_models = 'anything';
RESET ROLE;
SET finextract.llm_models = 'gpt-4o-2024-08-06, gpt-4o-mini';
SELECT finx_submit_bytes(convert_to('%PDF-1.4 %%EOF', 'UTF8'), 'a.pdf', '{"model": "gpt-5-pro"}');
SELECT finx_submit_bytes(convert_to('%PDF-1.4 %%EOF', 'UTF8'), 'a.pdf', '{"model": "gpt-4o"}');
BEGIN;
SELECT finx_submit_bytes(convert_to('%PDF-1.4 %%EOF', 'UTF8'), 'l1.pdf', '{"model": "gpt-4o-mini"}') > 0 AS queued;
SELECT finx_submit_bytes(convert_to('%PDF-1.4 %%EOF', 'UTF8'), 'l2.pdf', '{"model": "gpt-4o-2024-08-06"}') > 0 AS queued;
-- no model option: the setting finextract.llm_model, chosen by the administrator
SELECT finx_submit_bytes(convert_to('%PDF-1.4 %%EOF', 'UTF8'), 'l3.pdf', '{}') > 0 AS queued;
ROLLBACK;
RESET finextract.llm_models;
DROP ROLE finx_options_user;

-- finextract.max_lanes: set in the server's configuration only
SET finextract.max_lanes = 10;
SHOW finextract.max_lanes;

-- max_attempts is capped by finextract.max_attempts_limit (superuser only):
-- a larger request, from the option or from finextract.max_attempts, is
-- lowered to it with a NOTICE
SET client_min_messages = notice;
SHOW finextract.max_attempts_limit;
BEGIN;
SELECT finx_submit_bytes(convert_to('%PDF-1.4 %%EOF', 'UTF8'), 'ma1.pdf', '{"max_attempts": 100}') AS ma1 \gset
SELECT max_attempts FROM finx.jobs WHERE id = :ma1;
SET LOCAL finextract.max_attempts = 50;
SELECT finx_submit_bytes(convert_to('%PDF-1.4 %%EOF', 'UTF8'), 'ma2.pdf', '{}') AS ma2 \gset
SELECT max_attempts FROM finx.jobs WHERE id = :ma2;
SELECT finx_submit_bytes(convert_to('%PDF-1.4 %%EOF', 'UTF8'), 'ma3.pdf', '{"max_attempts": 10}') AS ma3 \gset
SELECT max_attempts FROM finx.jobs WHERE id = :ma3;
SET LOCAL finextract.max_attempts_limit = 20;
SELECT finx_submit_bytes(convert_to('%PDF-1.4 %%EOF', 'UTF8'), 'ma4.pdf', '{"max_attempts": 30}') AS ma4 \gset
SELECT max_attempts FROM finx.jobs WHERE id = :ma4;
ROLLBACK;
CREATE ROLE finx_limit_user IN ROLE finx_user;
SET ROLE finx_limit_user;
SET finextract.max_attempts_limit = 100;
RESET ROLE;
DROP ROLE finx_limit_user;
SET client_min_messages = warning;

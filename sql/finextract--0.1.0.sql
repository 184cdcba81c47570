/* finextract--0.1.0.sql: the schema finx, its tables and views, and the SQL API. */

\echo Use "CREATE EXTENSION finextract" to load this file. \quit

CREATE SCHEMA finx;
COMMENT ON SCHEMA finx IS 'finextract: documents, jobs, extracted statements and their facts';

-- The role that may submit documents as bytes, follow its jobs and read results.
DO $$
BEGIN
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'finx_user') THEN
		CREATE ROLE finx_user NOLOGIN;
	END IF;
END
$$;

CREATE TABLE finx.documents (
	id			bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	file_name	text NOT NULL,
	sha256		text NOT NULL UNIQUE CHECK (sha256 ~ '^[0-9a-f]{64}$'),
	pages		int CHECK (pages >= 0),
	bytes		bigint NOT NULL CHECK (bytes > 0),
	created_at	timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE finx.documents IS 'One row per distinct PDF (by content hash)';
COMMENT ON COLUMN finx.documents.file_name IS 'Base name of the file when it was first submitted';
COMMENT ON COLUMN finx.documents.sha256 IS 'SHA-256 of the file content, lowercase hex';
COMMENT ON COLUMN finx.documents.pages IS 'Page count, known once the worker has read the document';
COMMENT ON COLUMN finx.documents.bytes IS 'File size in bytes';

CREATE TABLE finx.document_content (
	document_id bigint PRIMARY KEY REFERENCES finx.documents (id) ON DELETE CASCADE,
	content		bytea NOT NULL
);
ALTER TABLE finx.document_content ALTER COLUMN content SET STORAGE EXTERNAL;
COMMENT ON TABLE finx.document_content IS 'The submitted PDF bytes, kept so a job never depends on the file staying in place';

CREATE TABLE finx.jobs (
	id			bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	document_id bigint NOT NULL REFERENCES finx.documents (id),
	file_name	text NOT NULL,
	state		text NOT NULL DEFAULT 'queued'
		CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
	stage		text,
	attempt		int NOT NULL DEFAULT 0 CHECK (attempt >= 0),
	max_attempts int NOT NULL DEFAULT 3 CHECK (max_attempts BETWEEN 1 AND 100),
	run_after	timestamptz NOT NULL DEFAULT now(),
	last_error	text,
	warnings	text[] NOT NULL DEFAULT '{}',
	created_at	timestamptz NOT NULL DEFAULT now(),
	started_at	timestamptz,
	finished_at timestamptz,
	options		jsonb NOT NULL DEFAULT '{}',
	reused_from bigint REFERENCES finx.jobs (id),
	submitted_by oid NOT NULL,
	CHECK (attempt <= max_attempts)
);
CREATE INDEX jobs_queued_idx ON finx.jobs (run_after, id) WHERE state = 'queued';
CREATE INDEX jobs_running_idx ON finx.jobs (id) WHERE state = 'running';
CREATE INDEX jobs_document_idx ON finx.jobs (document_id);
COMMENT ON TABLE finx.jobs IS 'One row per submission: the work queue and its history';
COMMENT ON COLUMN finx.jobs.state IS 'queued | running | succeeded | failed | cancelled';
COMMENT ON COLUMN finx.jobs.stage IS 'Where a running job is: text, structure, store; for a finished job, the last stage reached';
COMMENT ON COLUMN finx.jobs.attempt IS 'Attempts started so far; counts a worker restart during an attempt';
COMMENT ON COLUMN finx.jobs.run_after IS 'A queued job is not started before this time (retry backoff)';
COMMENT ON COLUMN finx.jobs.last_error IS 'Why the last attempt failed, in words';
COMMENT ON COLUMN finx.jobs.warnings IS 'Non-fatal findings, e.g. pages that need OCR';
COMMENT ON COLUMN finx.jobs.options IS 'Per-job options as given to finx_submit';
COMMENT ON COLUMN finx.jobs.reused_from IS 'Set when the job''s results are those of an earlier job on the same document and options';
COMMENT ON COLUMN finx.jobs.submitted_by IS 'OID of the role that submitted the job';

CREATE TABLE finx.statements (
	id			bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	job_id		bigint NOT NULL REFERENCES finx.jobs (id) ON DELETE CASCADE,
	document_id bigint NOT NULL REFERENCES finx.documents (id),
	seq			int NOT NULL,
	statement_type text NOT NULL
		CHECK (statement_type IN ('balance_sheet', 'income_statement', 'comprehensive_income', 'cash_flow', 'equity')),
	title		text,
	first_page	int NOT NULL,
	last_page	int NOT NULL,
	unit_scale	numeric,
	currency	text,
	checks		jsonb NOT NULL DEFAULT '[]',
	checks_passed int NOT NULL DEFAULT 0,
	checks_failed int NOT NULL DEFAULT 0,
	UNIQUE (job_id, seq)
);
CREATE INDEX statements_document_idx ON finx.statements (document_id);
COMMENT ON TABLE finx.statements IS 'One row per financial statement found in a document';
COMMENT ON COLUMN finx.statements.seq IS 'Order of the statement in the document';
COMMENT ON COLUMN finx.statements.statement_type IS 'balance_sheet | income_statement | comprehensive_income | cash_flow | equity';
COMMENT ON COLUMN finx.statements.first_page IS 'First page (1-based) the statement is printed on';
COMMENT ON COLUMN finx.statements.last_page IS 'Last page (1-based) the statement is printed on';
COMMENT ON COLUMN finx.statements.unit_scale IS 'Multiplier the statement declares (1, 1000, 1000000, ...); NULL if unknown';
COMMENT ON COLUMN finx.statements.currency IS 'ISO 4217 currency code, or NULL if unknown';
COMMENT ON COLUMN finx.statements.checks IS 'Arithmetic checks (subtotals, balance, cash roll-forward) and their results';

CREATE TABLE finx.statement_periods (
	statement_id bigint NOT NULL REFERENCES finx.statements (id) ON DELETE CASCADE,
	col			int NOT NULL,
	label		text NOT NULL,
	period_end	date,
	period_months int,
	PRIMARY KEY (statement_id, col)
);
COMMENT ON TABLE finx.statement_periods IS 'The value columns of a statement, left to right';
COMMENT ON COLUMN finx.statement_periods.col IS 'Column number, 1-based, matching the position in line_items.values';
COMMENT ON COLUMN finx.statement_periods.label IS 'Column heading as printed';
COMMENT ON COLUMN finx.statement_periods.period_end IS 'End date of the period, or the balance date; NULL if not printed in full';
COMMENT ON COLUMN finx.statement_periods.period_months IS 'Length of the period in months; NULL for an instant';

CREATE TABLE finx.line_items (
	statement_id bigint NOT NULL REFERENCES finx.statements (id) ON DELETE CASCADE,
	row_no		int NOT NULL,
	page		int NOT NULL,
	line_no		int NOT NULL,
	label		text NOT NULL,
	indent		int NOT NULL DEFAULT 0,
	is_total	boolean NOT NULL DEFAULT false,
	generated_label boolean NOT NULL DEFAULT false,
	"values"	numeric[] NOT NULL,
	PRIMARY KEY (statement_id, row_no)
);
COMMENT ON TABLE finx.line_items IS 'The rows of a statement in printed order';
COMMENT ON COLUMN finx.line_items.row_no IS 'Row number within the statement, 1-based';
COMMENT ON COLUMN finx.line_items.page IS 'Page (1-based) the row is printed on';
COMMENT ON COLUMN finx.line_items.line_no IS 'Line number on that page, 1-based';
COMMENT ON COLUMN finx.line_items.indent IS 'Indentation level, 0 = flush left';
COMMENT ON COLUMN finx.line_items.generated_label IS 'True when the printed row had no label (an unlabeled subtotal) and the label was made up';
COMMENT ON COLUMN finx.line_items."values" IS 'One value per period column, with the sign applied; NULL where the row has no value';

CREATE TABLE finx.page_texts (
	document_id bigint NOT NULL REFERENCES finx.documents (id) ON DELETE CASCADE,
	engine		text NOT NULL,
	page		int NOT NULL,
	text		text NOT NULL,
	created_at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (document_id, engine, page)
);
COMMENT ON TABLE finx.page_texts IS 'Cache of extracted page text, per document, engine and page';

CREATE VIEW finx.facts AS
SELECT j.id AS job_id,
	   s.document_id,
	   s.id AS statement_id,
	   s.statement_type,
	   li.page,
	   li.line_no,
	   li.label,
	   li.is_total,
	   p.label AS period_label,
	   p.period_end,
	   p.period_months,
	   v.value,
	   s.unit_scale,
	   s.currency
  FROM finx.jobs j
  JOIN finx.statements s ON s.job_id = coalesce(j.reused_from, j.id)
  JOIN finx.line_items li ON li.statement_id = s.id
 CROSS JOIN LATERAL unnest(li."values") WITH ORDINALITY AS v(value, col)
  JOIN finx.statement_periods p ON p.statement_id = s.id AND p.col = v.col
 WHERE j.state = 'succeeded'
   AND v.value IS NOT NULL;
COMMENT ON VIEW finx.facts IS 'One row per line item per period of every succeeded job';

-- SQL API (C functions; see src/api.c)

CREATE FUNCTION finx_submit(path text, options jsonb DEFAULT '{}')
RETURNS bigint
AS 'MODULE_PATHNAME', 'finx_submit_path'
LANGUAGE C VOLATILE STRICT SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION finx_submit(text, jsonb) IS
'Queue a PDF on the server''s file system for extraction; returns the job id';

CREATE FUNCTION finx_submit_bytes(data bytea, file_name text, options jsonb DEFAULT '{}')
RETURNS bigint
AS 'MODULE_PATHNAME', 'finx_submit_bytes'
LANGUAGE C VOLATILE STRICT SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION finx_submit_bytes(bytea, text, jsonb) IS
'Queue a PDF given as bytes for extraction; returns the job id';

CREATE FUNCTION finx_wait(job_id bigint, timeout interval DEFAULT '5 min')
RETURNS text
AS 'MODULE_PATHNAME', 'finx_wait'
LANGUAGE C VOLATILE STRICT SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION finx_wait(bigint, interval) IS
'Sleep until the job is terminal or the timeout passes; returns its state';

CREATE FUNCTION finx_cancel(job_id bigint)
RETURNS boolean
AS 'MODULE_PATHNAME', 'finx_cancel'
LANGUAGE C VOLATILE STRICT SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION finx_cancel(bigint) IS
'Cancel a queued or running job; returns false if it had already ended';

CREATE FUNCTION finx_retry(job_id bigint)
RETURNS boolean
AS 'MODULE_PATHNAME', 'finx_retry'
LANGUAGE C VOLATILE STRICT SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION finx_retry(bigint) IS
'Queue a failed or cancelled job again with a fresh attempt budget';

-- Privileges: nothing for PUBLIC; finx_user submits bytes, follows jobs and reads results.
REVOKE ALL ON ALL TABLES IN SCHEMA finx FROM PUBLIC;
REVOKE ALL ON FUNCTION finx_submit(text, jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION finx_submit_bytes(bytea, text, jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION finx_wait(bigint, interval) FROM PUBLIC;
REVOKE ALL ON FUNCTION finx_cancel(bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION finx_retry(bigint) FROM PUBLIC;
GRANT USAGE ON SCHEMA finx TO finx_user;
GRANT SELECT ON finx.documents, finx.jobs, finx.statements, finx.statement_periods,
	finx.line_items, finx.facts TO finx_user;
GRANT EXECUTE ON FUNCTION finx_submit(text, jsonb), finx_submit_bytes(bytea, text, jsonb),
	finx_wait(bigint, interval), finx_cancel(bigint), finx_retry(bigint) TO finx_user;

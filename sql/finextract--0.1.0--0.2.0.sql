/*
 * finextract--0.1.0--0.2.0.sql: living with finextract.
 *
 * finx_submit_dir and its stat cache finx.inbox_files (an inbox for
 * pg_cron), the finx.progress view, finx_statement and finx_document_json
 * for reading results, finx_prune_batch and the finx_prune procedure for
 * retention, and a comment on every object.
 */

\echo Use "ALTER EXTENSION finextract UPDATE TO '0.2.0'" to load this file. \quit

-- Comments the 0.1.0 objects lacked.
COMMENT ON COLUMN finx.documents.id IS 'Document id';
COMMENT ON COLUMN finx.documents.created_at IS 'When the document was first submitted';
COMMENT ON COLUMN finx.document_content.document_id IS 'The document these bytes belong to';
COMMENT ON COLUMN finx.document_content.content IS 'The PDF file, byte for byte';
COMMENT ON COLUMN finx.jobs.id IS 'Job id, as returned by the submit functions';
COMMENT ON COLUMN finx.jobs.document_id IS 'The document the job extracts';
COMMENT ON COLUMN finx.jobs.file_name IS 'Base name of the file as submitted with this job';
COMMENT ON COLUMN finx.jobs.stage IS 'Where a running job is: text, ocr, structure, store; done once it succeeded; for a failed job, the last stage reached';
COMMENT ON COLUMN finx.jobs.max_attempts IS 'Attempts allowed before the job fails';
COMMENT ON COLUMN finx.jobs.created_at IS 'When the job was submitted';
COMMENT ON COLUMN finx.jobs.started_at IS 'When the current or last attempt started';
COMMENT ON COLUMN finx.jobs.finished_at IS 'When the job reached a terminal state; NULL while queued or running';
COMMENT ON COLUMN finx.statements.id IS 'Statement id';
COMMENT ON COLUMN finx.statements.job_id IS 'The job that extracted the statement';
COMMENT ON COLUMN finx.statements.document_id IS 'The document the statement was found in';
COMMENT ON COLUMN finx.statements.title IS 'Heading of the statement as printed';
COMMENT ON COLUMN finx.statements.checks_passed IS 'Number of arithmetic checks that hold';
COMMENT ON COLUMN finx.statements.checks_failed IS 'Number of arithmetic checks that do not hold';
COMMENT ON COLUMN finx.statement_periods.statement_id IS 'The statement the column belongs to';
COMMENT ON COLUMN finx.line_items.statement_id IS 'The statement the row belongs to';
COMMENT ON COLUMN finx.line_items.label IS 'Row label as printed, without leaders and note references';
COMMENT ON COLUMN finx.line_items.is_total IS 'True for totals and subtotals';
COMMENT ON COLUMN finx.page_texts.document_id IS 'The document the page belongs to';
COMMENT ON COLUMN finx.page_texts.engine IS 'What extracted the text, e.g. pdftotext';
COMMENT ON COLUMN finx.page_texts.page IS 'Page number, 1-based';
COMMENT ON COLUMN finx.page_texts.text IS 'The page''s text, with its layout';
COMMENT ON COLUMN finx.page_texts.created_at IS 'When the text was extracted';
COMMENT ON COLUMN finx.facts.job_id IS 'The succeeded job (results reused from an earlier job show under the new id too)';
COMMENT ON COLUMN finx.facts.document_id IS 'The document';
COMMENT ON COLUMN finx.facts.statement_id IS 'The statement';
COMMENT ON COLUMN finx.facts.statement_type IS 'balance_sheet | income_statement | comprehensive_income | cash_flow | equity';
COMMENT ON COLUMN finx.facts.page IS 'Page (1-based) the row is printed on';
COMMENT ON COLUMN finx.facts.line_no IS 'Line number on that page, 1-based';
COMMENT ON COLUMN finx.facts.label IS 'Row label as printed';
COMMENT ON COLUMN finx.facts.is_total IS 'True for totals and subtotals';
COMMENT ON COLUMN finx.facts.period_label IS 'Column heading as printed';
COMMENT ON COLUMN finx.facts.period_end IS 'End date of the period, or the balance date';
COMMENT ON COLUMN finx.facts.period_months IS 'Length of the period in months; NULL for an instant';
COMMENT ON COLUMN finx.facts.value IS 'The value as printed, sign applied; multiply by unit_scale for units';
COMMENT ON COLUMN finx.facts.unit_scale IS 'Multiplier the statement declares (1, 1000, 1000000, ...)';
COMMENT ON COLUMN finx.facts.currency IS 'ISO 4217 currency code';

-- The inbox: finx_submit_dir's stat cache.
CREATE TABLE finx.inbox_files (
	dir			text NOT NULL,
	name		text NOT NULL,
	options		jsonb NOT NULL,
	submitted_by oid NOT NULL,
	size		bigint NOT NULL,
	mtime		timestamptz NOT NULL,
	sha256		text,
	job_id		bigint,
	error		text,
	sqlstate	text,
	checked_at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (dir, name, options, submitted_by)
);
COMMENT ON TABLE finx.inbox_files IS 'Files finx_submit_dir has seen: it reads a file again only when its size or modification time changes';
COMMENT ON COLUMN finx.inbox_files.dir IS 'The directory, with symbolic links resolved';
COMMENT ON COLUMN finx.inbox_files.name IS 'File name within the directory';
COMMENT ON COLUMN finx.inbox_files.options IS 'The options finx_submit_dir was called with';
COMMENT ON COLUMN finx.inbox_files.submitted_by IS 'OID of the role that called finx_submit_dir (each role has its own inbox)';
COMMENT ON COLUMN finx.inbox_files.size IS 'Size in bytes when the file was last read';
COMMENT ON COLUMN finx.inbox_files.mtime IS 'Modification time when the file was last read';
COMMENT ON COLUMN finx.inbox_files.sha256 IS 'SHA-256 of the content; NULL when the file could not be read';
COMMENT ON COLUMN finx.inbox_files.job_id IS 'The job queued for the content, or the earlier job that already had it; NULL when the file was skipped (no foreign key: jobs may be pruned)';
COMMENT ON COLUMN finx.inbox_files.error IS 'Why the file was skipped; it is not read again until it changes';
COMMENT ON COLUMN finx.inbox_files.sqlstate IS 'SQLSTATE of that error';
COMMENT ON COLUMN finx.inbox_files.checked_at IS 'When the file was last read';

CREATE FUNCTION finx_submit_dir(dir text, pattern text DEFAULT '*.pdf', options jsonb DEFAULT '{}')
RETURNS integer
AS 'MODULE_PATHNAME', 'finx_submit_dir'
LANGUAGE C VOLATILE STRICT SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION finx_submit_dir(text, text, jsonb) IS
'Queue the PDFs of a server directory that were not submitted before with these options; returns the number of new jobs';

-- Progress of unfinished jobs.
CREATE VIEW finx.progress AS
WITH recent AS (
	SELECT extract(epoch FROM j.finished_at - j.started_at) AS secs, d.pages, d.bytes
	  FROM finx.jobs j
	  JOIN finx.documents d ON d.id = j.document_id
	 WHERE j.state = 'succeeded' AND j.reused_from IS NULL
	   AND j.finished_at >= j.started_at AND d.pages > 0
	 ORDER BY j.finished_at DESC
	 LIMIT 50
), rate AS (
	SELECT sum(secs) / sum(pages) AS secs_per_page,
		   sum(secs) / sum(bytes) AS secs_per_byte
	  FROM recent
)
SELECT j.id AS job_id,
	   j.document_id,
	   j.file_name,
	   j.state,
	   j.stage,
	   j.attempt,
	   j.max_attempts,
	   d.pages,
	   s.found AS statements_found,
	   s.done AS statements_done,
	   0 AS requests_in_flight,
	   now() - j.created_at AS elapsed,
	   CASE WHEN j.state = 'running' THEN now() - j.started_at END AS running_for,
	   CASE WHEN e.total IS NULL THEN NULL
			WHEN j.state = 'running'
			THEN greatest(e.total - (now() - j.started_at), interval '0')
			ELSE e.total END AS estimated_left
  FROM finx.jobs j
  JOIN finx.documents d ON d.id = j.document_id
 CROSS JOIN rate r
 CROSS JOIN LATERAL (
	SELECT make_interval(secs => coalesce(d.pages * r.secs_per_page,
										  d.bytes * r.secs_per_byte)::double precision) AS total
 ) e
 CROSS JOIN LATERAL (
	SELECT count(*)::int AS found, count(*)::int AS done
	  FROM finx.statements st WHERE st.job_id = j.id
 ) s
 WHERE j.state IN ('queued', 'running');
COMMENT ON VIEW finx.progress IS 'One row per queued or running job: where it is and how long it may still take';
COMMENT ON COLUMN finx.progress.job_id IS 'The job';
COMMENT ON COLUMN finx.progress.document_id IS 'The document';
COMMENT ON COLUMN finx.progress.file_name IS 'Base name of the file as submitted';
COMMENT ON COLUMN finx.progress.state IS 'queued | running';
COMMENT ON COLUMN finx.progress.stage IS 'Where a running job is: text, ocr, structure, store (NULL while queued)';
COMMENT ON COLUMN finx.progress.attempt IS 'Attempts started so far';
COMMENT ON COLUMN finx.progress.max_attempts IS 'Attempts allowed';
COMMENT ON COLUMN finx.progress.pages IS 'Page count, once a job on the document has read it';
COMMENT ON COLUMN finx.progress.statements_found IS 'Statements located so far (the local pipeline stores them all when the job ends, so 0 until then)';
COMMENT ON COLUMN finx.progress.statements_done IS 'Statements structured and checked so far (0 until the job ends, as above)';
COMMENT ON COLUMN finx.progress.requests_in_flight IS 'Remote requests (LLMWhisperer, LLM) in flight; always 0 until the worker records its requests';
COMMENT ON COLUMN finx.progress.elapsed IS 'Time since the job was submitted';
COMMENT ON COLUMN finx.progress.running_for IS 'Time since the current attempt started; NULL while queued';
COMMENT ON COLUMN finx.progress.estimated_left IS 'Estimated time to finish, from the seconds per page (per byte while the page count is unknown) of the last 50 succeeded jobs; NULL without history';

-- A statement as printed.
CREATE FUNCTION finx_statement(document_id bigint, statement_type text, period_end date DEFAULT NULL)
RETURNS TABLE (row_no int, page int, line_no int, indent int, label text, is_total boolean,
			   "values" numeric[], periods text[])
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	stmt_id bigint;
BEGIN
	IF finx_statement.statement_type NOT IN ('balance_sheet', 'income_statement',
			'comprehensive_income', 'cash_flow', 'equity') THEN
		RAISE EXCEPTION 'invalid statement type "%"', finx_statement.statement_type
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Use balance_sheet, income_statement, comprehensive_income, cash_flow or equity.';
	END IF;
	IF NOT EXISTS (SELECT FROM finx.documents d WHERE d.id = finx_statement.document_id) THEN
		RAISE EXCEPTION 'document % does not exist', finx_statement.document_id
			USING ERRCODE = 'undefined_object';
	END IF;
	-- the latest succeeded job that has one; in it, the statement with the
	-- latest period end (or one with a column ending on period_end), first printed
	SELECT s.id INTO stmt_id
	  FROM finx.jobs j
	  JOIN finx.statements s ON s.job_id = coalesce(j.reused_from, j.id)
	 WHERE j.document_id = finx_statement.document_id AND j.state = 'succeeded'
	   AND s.statement_type = finx_statement.statement_type
	   AND (finx_statement.period_end IS NULL OR EXISTS (
			SELECT FROM finx.statement_periods p
			 WHERE p.statement_id = s.id AND p.period_end = finx_statement.period_end))
	 ORDER BY j.finished_at DESC NULLS LAST, j.id DESC,
			  (SELECT max(p.period_end) FROM finx.statement_periods p
				WHERE p.statement_id = s.id) DESC NULLS LAST,
			  s.seq
	 LIMIT 1;
	RETURN QUERY
		SELECT li.row_no, li.page, li.line_no, li.indent,
			   repeat('  ', li.indent) || li.label, li.is_total, li."values",
			   (SELECT array_agg(p.label ORDER BY p.col)
				  FROM finx.statement_periods p WHERE p.statement_id = stmt_id)
		  FROM finx.line_items li
		 WHERE li.statement_id = stmt_id
		 ORDER BY li.row_no;
END
$$;
COMMENT ON FUNCTION finx_statement(bigint, text, date) IS
'A statement of a document as printed: its rows in order, labels indented two spaces per level, one value per period column';

-- A document and everything extracted from it, as one jsonb value.
CREATE FUNCTION finx_document_json(document_id bigint)
RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	doc finx.documents;
	job finx.jobs;
	result_job bigint;
BEGIN
	SELECT * INTO doc FROM finx.documents d WHERE d.id = finx_document_json.document_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'document % does not exist', finx_document_json.document_id
			USING ERRCODE = 'undefined_object';
	END IF;
	SELECT * INTO job FROM finx.jobs j
	 WHERE j.document_id = doc.id AND j.state = 'succeeded'
	 ORDER BY j.finished_at DESC NULLS LAST, j.id DESC LIMIT 1;
	result_job := coalesce(job.reused_from, job.id);
	RETURN jsonb_build_object(
		'document', jsonb_build_object('id', doc.id, 'file_name', doc.file_name,
			'sha256', doc.sha256, 'pages', doc.pages, 'bytes', doc.bytes,
			'created_at', doc.created_at),
		'job', CASE WHEN job.id IS NOT NULL THEN jsonb_build_object('id', job.id,
			'state', job.state, 'reused_from', job.reused_from, 'options', job.options,
			'warnings', to_jsonb(job.warnings), 'finished_at', job.finished_at) END,
		'statements', coalesce((
			SELECT jsonb_agg(jsonb_build_object('id', s.id, 'seq', s.seq,
				'statement_type', s.statement_type, 'title', s.title,
				'first_page', s.first_page, 'last_page', s.last_page,
				'unit_scale', s.unit_scale, 'currency', s.currency,
				'periods', coalesce((
					SELECT jsonb_agg(jsonb_build_object('col', p.col, 'label', p.label,
						'period_end', p.period_end, 'period_months', p.period_months)
						ORDER BY p.col)
					  FROM finx.statement_periods p WHERE p.statement_id = s.id), '[]'),
				'line_items', coalesce((
					SELECT jsonb_agg(jsonb_build_object('row_no', li.row_no,
						'page', li.page, 'line_no', li.line_no, 'label', li.label,
						'indent', li.indent, 'is_total', li.is_total,
						'generated_label', li.generated_label, 'values', to_jsonb(li."values"))
						ORDER BY li.row_no)
					  FROM finx.line_items li WHERE li.statement_id = s.id), '[]'),
				'checks', s.checks, 'checks_passed', s.checks_passed,
				'checks_failed', s.checks_failed)
				ORDER BY s.seq)
			  FROM finx.statements s WHERE s.job_id = result_job), '[]'),
		'provenance', jsonb_build_object(
			'job_id', result_job,
			'pages', coalesce((
				SELECT jsonb_agg(DISTINCT pg.page ORDER BY pg.page)
				  FROM finx.statements s
				 CROSS JOIN LATERAL generate_series(s.first_page, s.last_page) AS pg(page)
				 WHERE s.job_id = result_job), '[]')));
END
$$;
COMMENT ON FUNCTION finx_document_json(bigint) IS
'A document with the statements, periods, line items and checks of its latest succeeded job, and the pages they came from, as jsonb';

-- Retention.
CREATE FUNCTION finx_prune_batch(older_than interval, batch_size integer DEFAULT 1000)
RETURNS bigint
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	cutoff timestamptz := now() - older_than;
	n bigint;
	total bigint := 0;
BEGIN
	IF older_than < interval '0' THEN
		RAISE EXCEPTION 'older_than must not be negative'
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Give the age of the finished jobs to delete, such as ''90 days''.';
	END IF;
	IF batch_size < 1 THEN
		RAISE EXCEPTION 'batch_size must be at least 1'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- finished jobs (statements, periods and line items go by cascade); a
	-- job whose results another job reuses waits until that job is gone
	WITH victims AS (
		SELECT j.id FROM finx.jobs j
		 WHERE j.state IN ('succeeded', 'failed', 'cancelled') AND j.finished_at < cutoff
		   AND NOT EXISTS (SELECT FROM finx.jobs r WHERE r.reused_from = j.id)
		 ORDER BY j.finished_at, j.id
		 LIMIT batch_size
		   FOR UPDATE SKIP LOCKED)
	DELETE FROM finx.jobs j USING victims v WHERE j.id = v.id;
	GET DIAGNOSTICS n = ROW_COUNT;
	total := total + n;
	-- documents no job refers to any more (their content and text go by cascade)
	WITH victims AS (
		SELECT d.id FROM finx.documents d
		 WHERE d.created_at < cutoff
		   AND NOT EXISTS (SELECT FROM finx.jobs j WHERE j.document_id = d.id)
		   AND NOT EXISTS (SELECT FROM finx.statements s WHERE s.document_id = d.id)
		 ORDER BY d.id
		 LIMIT batch_size
		   FOR UPDATE SKIP LOCKED)
	DELETE FROM finx.documents d USING victims v WHERE d.id = v.id;
	GET DIAGNOSTICS n = ROW_COUNT;
	total := total + n;
	-- cached page text of documents that are kept, unless a job may use it now
	WITH victims AS (
		SELECT t.document_id, t.engine, t.page FROM finx.page_texts t
		 WHERE t.created_at < cutoff
		   AND NOT EXISTS (SELECT FROM finx.jobs j WHERE j.document_id = t.document_id
							  AND j.state IN ('queued', 'running'))
		 ORDER BY t.document_id, t.engine, t.page
		 LIMIT batch_size
		   FOR UPDATE SKIP LOCKED)
	DELETE FROM finx.page_texts t USING victims v
	 WHERE (t.document_id, t.engine, t.page) = (v.document_id, v.engine, v.page);
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN total + n;
END
$$;
COMMENT ON FUNCTION finx_prune_batch(interval, integer) IS
'Delete at most batch_size finished jobs, unreferenced documents and cached page texts older than older_than; returns the rows deleted (0 when done)';

CREATE PROCEDURE finx_prune(older_than interval, batch_size integer DEFAULT 1000,
							INOUT pruned bigint DEFAULT NULL)
LANGUAGE plpgsql
AS $$
DECLARE
	n bigint;
BEGIN
	pruned := 0;
	LOOP
		n := @extschema@.finx_prune_batch(older_than, batch_size);
		pruned := pruned + n;
		COMMIT;
		EXIT WHEN n = 0;
	END LOOP;
END
$$;
COMMENT ON PROCEDURE finx_prune(interval, integer, bigint) IS
'Call finx_prune_batch until nothing is left to delete, committing after each batch; must be CALLed outside a transaction block';

-- Privileges.
REVOKE ALL ON finx.inbox_files FROM PUBLIC;
REVOKE ALL ON finx.progress FROM PUBLIC;
REVOKE ALL ON FUNCTION finx_submit_dir(text, text, jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION finx_statement(bigint, text, date) FROM PUBLIC;
REVOKE ALL ON FUNCTION finx_document_json(bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION finx_prune_batch(interval, integer) FROM PUBLIC;
REVOKE ALL ON PROCEDURE finx_prune(interval, integer, bigint) FROM PUBLIC;
GRANT SELECT ON finx.progress TO finx_user;
GRANT EXECUTE ON FUNCTION finx_submit_dir(text, text, jsonb), finx_statement(bigint, text, date),
	finx_document_json(bigint) TO finx_user;

-- Remote providers: LLMWhisperer extractions and the request trace.

CREATE TABLE finx.whisper_extractions (
	document_id bigint NOT NULL REFERENCES finx.documents (id) ON DELETE CASCADE,
	pages		text NOT NULL,
	mode		text NOT NULL,
	whisper_hash text NOT NULL,
	state		text NOT NULL CHECK (state IN ('submitted', 'retrieved')),
	submitted_at timestamptz NOT NULL DEFAULT now(),
	retrieved_at timestamptz,
	PRIMARY KEY (document_id, pages, mode)
);
COMMENT ON TABLE finx.whisper_extractions IS 'LLMWhisperer extractions by document, pages and mode: the hash is committed right after the submit, so a restarted worker polls instead of paying again';
COMMENT ON COLUMN finx.whisper_extractions.document_id IS 'The document extracted';
COMMENT ON COLUMN finx.whisper_extractions.pages IS 'pages_to_extract as sent, e.g. 3-5,7';
COMMENT ON COLUMN finx.whisper_extractions.mode IS 'LLMWhisperer mode (native_text, low_cost, high_quality, form, table)';
COMMENT ON COLUMN finx.whisper_extractions.whisper_hash IS 'The service''s job handle';
COMMENT ON COLUMN finx.whisper_extractions.state IS 'submitted (being processed) or retrieved (text is in finx.page_texts)';
COMMENT ON COLUMN finx.whisper_extractions.submitted_at IS 'When the submit was accepted';
COMMENT ON COLUMN finx.whisper_extractions.retrieved_at IS 'When the one-shot retrieve delivered the text';

CREATE TABLE finx.requests (
	id			bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	job_id		bigint NOT NULL REFERENCES finx.jobs (id) ON DELETE CASCADE,
	statement	int,
	provider	text NOT NULL,
	endpoint	text NOT NULL,
	attempt		int NOT NULL,
	queued_at	timestamptz NOT NULL,
	started_at	timestamptz NOT NULL,
	finished_at timestamptz NOT NULL,
	http_status int,
	bytes_out	bigint NOT NULL DEFAULT 0,
	bytes_in	bigint NOT NULL DEFAULT 0,
	error		text,
	request_id	text
);
CREATE INDEX requests_job_idx ON finx.requests (job_id);
COMMENT ON TABLE finx.requests IS 'The execution trace: every attempt of every external request';
COMMENT ON COLUMN finx.requests.id IS 'Row id';
COMMENT ON COLUMN finx.requests.job_id IS 'The job the request worked for';
COMMENT ON COLUMN finx.requests.statement IS 'The statement (seq) a chat call structured; NULL for text extraction';
COMMENT ON COLUMN finx.requests.provider IS 'llmwhisperer, llmwhisperer-poll or llm';
COMMENT ON COLUMN finx.requests.endpoint IS 'whisper, whisper-status, whisper-retrieve or chat';
COMMENT ON COLUMN finx.requests.attempt IS 'Attempt number of this request (1 = first)';
COMMENT ON COLUMN finx.requests.queued_at IS 'When the request was queued in finextract (lane admission)';
COMMENT ON COLUMN finx.requests.started_at IS 'When it went on the wire';
COMMENT ON COLUMN finx.requests.finished_at IS 'When the answer (or the error) arrived';
COMMENT ON COLUMN finx.requests.http_status IS 'HTTP status, NULL when no answer arrived';
COMMENT ON COLUMN finx.requests.bytes_out IS 'Request body size';
COMMENT ON COLUMN finx.requests.bytes_in IS 'Response body size';
COMMENT ON COLUMN finx.requests.error IS 'Why the attempt failed, in words (never contains API keys)';
COMMENT ON COLUMN finx.requests.request_id IS 'The provider''s x-request-id, when sent';

REVOKE ALL ON finx.whisper_extractions, finx.requests FROM PUBLIC;
GRANT SELECT ON finx.requests TO finx_user;

-- pg_dump keeps the extension's data.
SELECT pg_catalog.pg_extension_config_dump('finx.documents', '');
SELECT pg_catalog.pg_extension_config_dump('finx.document_content', '');
SELECT pg_catalog.pg_extension_config_dump('finx.jobs', '');
SELECT pg_catalog.pg_extension_config_dump('finx.statements', '');
SELECT pg_catalog.pg_extension_config_dump('finx.statement_periods', '');
SELECT pg_catalog.pg_extension_config_dump('finx.line_items', '');
SELECT pg_catalog.pg_extension_config_dump('finx.page_texts', '');
SELECT pg_catalog.pg_extension_config_dump('finx.whisper_extractions', '');
SELECT pg_catalog.pg_extension_config_dump('finx.requests', '');
SELECT pg_catalog.pg_extension_config_dump('finx.inbox_files', '');

-- Per-lane statistics of the remote providers, as the worker last published them.
CREATE FUNCTION finx_provider_stats()
RETURNS jsonb
AS 'MODULE_PATHNAME', 'finx_provider_stats'
LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION finx_provider_stats() IS
'The worker''s provider lanes as JSON (published every 250 ms)';

CREATE VIEW finx.provider_stats AS
SELECT s.lane, s.provider, s."limit", s.inflight, s.queued, s.p50_ms, s.p95_ms,
	   s.ok, s.failed, s.http_429, s.retries, s.paused_ms
  FROM jsonb_to_recordset(finx_provider_stats()) AS s(lane text, provider text, "limit" int,
		inflight int, queued int, p50_ms float8, p95_ms float8, ok bigint, failed bigint,
		http_429 bigint, retries bigint, paused_ms bigint);
COMMENT ON VIEW finx.provider_stats IS 'One row per provider lane (provider x key x model): current in-flight limit, in flight, queued, latency, outcomes, current pause';
COMMENT ON COLUMN finx.provider_stats.lane IS 'provider/model/hash of the key (never the key)';
COMMENT ON COLUMN finx.provider_stats.provider IS 'llmwhisperer, llmwhisperer-poll or llm';
COMMENT ON COLUMN finx.provider_stats."limit" IS 'Current in-flight limit (adaptive unless fixed by a setting)';
COMMENT ON COLUMN finx.provider_stats.inflight IS 'Calls in flight (for LLMWhisperer: extractions being processed)';
COMMENT ON COLUMN finx.provider_stats.queued IS 'Calls waiting in finextract for a slot';
COMMENT ON COLUMN finx.provider_stats.p50_ms IS 'Median latency of the last 256 successful calls';
COMMENT ON COLUMN finx.provider_stats.p95_ms IS '95th percentile latency of the last 256 successful calls';
COMMENT ON COLUMN finx.provider_stats.ok IS 'Successful calls since the worker started';
COMMENT ON COLUMN finx.provider_stats.failed IS 'Calls that failed for good since the worker started';
COMMENT ON COLUMN finx.provider_stats.http_429 IS '429 and 503 answers since the worker started';
COMMENT ON COLUMN finx.provider_stats.retries IS 'Retries since the worker started';
COMMENT ON COLUMN finx.provider_stats.paused_ms IS 'Milliseconds the lane will still send nothing (Retry-After or open circuit)';
REVOKE ALL ON FUNCTION finx_provider_stats() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION finx_provider_stats() TO finx_user;
GRANT SELECT ON finx.provider_stats TO finx_user;

-- Row-level security, off until finx_enable_rls(): members of finx_user then
-- see only the documents, jobs and results of jobs their roles submitted.

CREATE POLICY finx_own_jobs ON finx.jobs
	USING (EXISTS (SELECT 1 FROM pg_catalog.pg_roles r
				    WHERE r.oid = submitted_by AND pg_catalog.pg_has_role(r.oid, 'MEMBER')));
CREATE POLICY finx_own_documents ON finx.documents
	USING (EXISTS (SELECT 1 FROM finx.jobs j WHERE j.document_id = documents.id));
CREATE POLICY finx_own_statements ON finx.statements
	USING (EXISTS (SELECT 1 FROM finx.jobs j
				    WHERE coalesce(j.reused_from, j.id) = statements.job_id));
CREATE POLICY finx_own_periods ON finx.statement_periods
	USING (EXISTS (SELECT 1 FROM finx.statements s WHERE s.id = statement_periods.statement_id));
CREATE POLICY finx_own_line_items ON finx.line_items
	USING (EXISTS (SELECT 1 FROM finx.statements s WHERE s.id = line_items.statement_id));
CREATE POLICY finx_own_requests ON finx.requests
	USING (EXISTS (SELECT 1 FROM finx.jobs j WHERE j.id = requests.job_id));

CREATE FUNCTION finx_enable_rls(enable boolean DEFAULT true)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['jobs', 'documents', 'statements', 'statement_periods',
							 'line_items', 'requests']
	LOOP
		IF enable THEN
			EXECUTE format('ALTER TABLE finx.%I ENABLE ROW LEVEL SECURITY', t);
		ELSE
			EXECUTE format('ALTER TABLE finx.%I DISABLE ROW LEVEL SECURITY', t);
		END IF;
	END LOOP;
	-- views must check the policies as the querying role, not as their owner
	EXECUTE format('ALTER VIEW finx.facts SET (security_invoker = %s)', enable);
	EXECUTE format('ALTER VIEW finx.progress SET (security_invoker = %s)', enable);
END
$$;
COMMENT ON FUNCTION finx_enable_rls(boolean) IS
'Turn row-level security on (or off): members of finx_user then see only their own jobs, documents and results';
REVOKE ALL ON FUNCTION finx_enable_rls(boolean) FROM PUBLIC;

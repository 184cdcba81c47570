/* finextract 0.2.0 -> 0.3.0
 *
 * What 0.3.0 adds:
 * - live progress: finx_job_live() reads the counters the worker publishes
 *   in shared memory, so finx.progress shows statements found and done,
 *   remote requests under way and pages read while a job runs (they were
 *   0 until the job ended), plus a pages_read column.
 * - OCR confidence: the text cache keeps tesseract's mean word confidence
 *   of each OCR'd page and the confidence of every word holding a digit
 *   (finx.page_texts.ocr_confidence, ocr_words), so a job that takes its
 *   text from the cache still knows them; every value a statement took from
 *   OCR text carries its confidence (finx.line_items.ocr_confidence, and
 *   finx.facts.ocr_confidence).
 * - rate limits of the remote providers (requests and tokens per minute,
 *   from settings and the servers' x-ratelimit-* headers) shown in
 *   finx.provider_stats;
 * - finx_http_bench(), which measures the worker's HTTP and lane layer
 *   alone against a loopback endpoint.
 */
\echo Use "ALTER EXTENSION finextract UPDATE TO '0.3.0'" to load this file. \quit

-- Live progress -------------------------------------------------------------

CREATE FUNCTION finx_job_live(OUT job_id bigint, OUT attempt int,
							  OUT statements_found int, OUT statements_done int,
							  OUT requests_in_flight int, OUT pages_read int)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'finx_job_live'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION finx_job_live() IS
'Counters of the running jobs as the worker last published them (a few times a second); finx.progress shows them';
REVOKE ALL ON FUNCTION finx_job_live() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION finx_job_live() TO finx_user;

-- CREATE OR REPLACE VIEW resets the view's options: keep security_invoker
-- as finx_enable_rls() left it.
DO $$
DECLARE
	opts text[] := (SELECT reloptions FROM pg_catalog.pg_class
					 WHERE oid = 'finx.progress'::regclass);
BEGIN
	CREATE OR REPLACE VIEW finx.progress AS
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
	), live AS (
		SELECT * FROM finx_job_live()
	)
	SELECT j.id AS job_id,
		   j.document_id,
		   j.file_name,
		   j.state,
		   j.stage,
		   j.attempt,
		   j.max_attempts,
		   d.pages,
		   CASE WHEN j.state = 'queued' THEN 0 ELSE l.statements_found END AS statements_found,
		   CASE WHEN j.state = 'queued' THEN 0 ELSE l.statements_done END AS statements_done,
		   CASE WHEN j.state = 'queued' THEN 0 ELSE l.requests_in_flight END AS requests_in_flight,
		   now() - j.created_at AS elapsed,
		   CASE WHEN j.state = 'running' THEN now() - j.started_at END AS running_for,
		   CASE WHEN e.total IS NULL THEN NULL
				WHEN j.state = 'running'
				THEN greatest(e.total - (now() - j.started_at), interval '0')
				ELSE e.total END AS estimated_left,
		   CASE WHEN j.state = 'queued' THEN 0 ELSE l.pages_read END AS pages_read
	  FROM finx.jobs j
	  JOIN finx.documents d ON d.id = j.document_id
	 CROSS JOIN rate r
	 CROSS JOIN LATERAL (
		SELECT make_interval(secs => coalesce(d.pages * r.secs_per_page,
											  d.bytes * r.secs_per_byte)::double precision) AS total
	 ) e
	  LEFT JOIN live l ON l.job_id = j.id AND l.attempt = j.attempt
	 WHERE j.state IN ('queued', 'running');
	IF opts IS NOT NULL THEN
		EXECUTE format('ALTER VIEW finx.progress SET (%s)', array_to_string(opts, ', '));
	END IF;
END
$$;
COMMENT ON COLUMN finx.progress.statements_found IS 'Statements located so far in the running attempt (0 while queued; NULL when the worker has not published this job yet)';
COMMENT ON COLUMN finx.progress.statements_done IS 'Statements of the running attempt structured so far (the local parser structures all at once at the end)';
COMMENT ON COLUMN finx.progress.requests_in_flight IS 'Remote operations (LLMWhisperer extractions, LLM calls) of the job under way, including those waiting in finextract''s per-provider queue';
COMMENT ON COLUMN finx.progress.pages_read IS 'Pages whose final text (text layer, OCR or LLMWhisperer) the running attempt holds';

-- OCR confidence -------------------------------------------------------------

ALTER TABLE finx.page_texts
	ADD COLUMN ocr_confidence real CHECK (ocr_confidence BETWEEN 0 AND 100),
	ADD COLUMN ocr_words jsonb CHECK (jsonb_typeof(ocr_words) = 'array');
COMMENT ON COLUMN finx.page_texts.ocr_confidence IS
'OCR text: tesseract''s mean word confidence on the page, 0-100 (NULL for other engines and for pages cached before 0.3.0)';
COMMENT ON COLUMN finx.page_texts.ocr_words IS
'OCR text: every word holding a digit as [{"line": line of text, "conf": 0-100, "word": as read}] (NULL for other engines and for pages cached before 0.3.0)';

ALTER TABLE finx.line_items
	ADD COLUMN ocr_confidence smallint[];
COMMENT ON COLUMN finx.line_items.ocr_confidence IS
'For rows read from OCR text: tesseract''s confidence (0-100) of the word(s) that printed each value, one per period column like "values" (NULL where unknown); NULL for rows from a text layer';

-- CREATE OR REPLACE VIEW resets the view's options: keep security_invoker
-- as finx_enable_rls() left it.
DO $$
DECLARE
	opts text[] := (SELECT reloptions FROM pg_catalog.pg_class
					 WHERE oid = 'finx.facts'::regclass);
BEGIN
	CREATE OR REPLACE VIEW finx.facts AS
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
		   s.currency,
		   li.ocr_confidence[v.col] AS ocr_confidence
	  FROM finx.jobs j
	  JOIN finx.statements s ON s.job_id = coalesce(j.reused_from, j.id)
	  JOIN finx.line_items li ON li.statement_id = s.id
	 CROSS JOIN LATERAL unnest(li."values") WITH ORDINALITY AS v(value, col)
	  JOIN finx.statement_periods p ON p.statement_id = s.id AND p.col = v.col
	 WHERE j.state = 'succeeded'
	   AND v.value IS NOT NULL;
	IF opts IS NOT NULL THEN
		EXECUTE format('ALTER VIEW finx.facts SET (%s)', array_to_string(opts, ', '));
	END IF;
END
$$;
COMMENT ON COLUMN finx.facts.ocr_confidence IS
'tesseract''s confidence (0-100) in the value when it was read by OCR; NULL for a text layer or when unknown';

-- finx_document_json: line items read by OCR carry their confidences (the
-- key is left out for text-layer rows, so their output is unchanged).
CREATE OR REPLACE FUNCTION finx_document_json(document_id bigint)
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
						|| CASE WHEN li.ocr_confidence IS NOT NULL
								THEN jsonb_build_object('ocr_confidence', to_jsonb(li.ocr_confidence))
								ELSE '{}' END
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

-- ---------------------------------------------------------------------------
-- Rate limits and the HTTP layer's benchmark (issue 4)
-- ---------------------------------------------------------------------------

-- The lanes' rate buckets, appended to the view's columns.
CREATE OR REPLACE VIEW finx.provider_stats AS
SELECT s.lane, s.provider, s."limit", s.inflight, s.queued, s.p50_ms, s.p95_ms,
	   s.ok, s.failed, s.http_429, s.retries, s.paused_ms,
	   s.requests_per_minute, s.requests_left, s.tokens_per_minute, s.tokens_left,
	   s.rate_wait_ms, s.rate_waits
  FROM jsonb_to_recordset(finx_provider_stats()) AS s(lane text, provider text, "limit" int,
		inflight int, queued int, p50_ms float8, p95_ms float8, ok bigint, failed bigint,
		http_429 bigint, retries bigint, paused_ms bigint,
		requests_per_minute float8, requests_left float8, tokens_per_minute float8,
		tokens_left float8, rate_wait_ms bigint, rate_waits bigint);
COMMENT ON COLUMN finx.provider_stats.requests_per_minute IS 'Request rate the lane keeps to: the lower of its setting and the rate the server''s x-ratelimit-* headers show; NULL = no limit known';
COMMENT ON COLUMN finx.provider_stats.requests_left IS 'Requests the lane may send at once now (the emptiest of its rate buckets); NULL = no limit known';
COMMENT ON COLUMN finx.provider_stats.tokens_per_minute IS 'LLM token rate the lane keeps to (setting or server headers); NULL = no limit known';
COMMENT ON COLUMN finx.provider_stats.tokens_left IS 'LLM tokens the lane may spend now; NULL = no limit known';
COMMENT ON COLUMN finx.provider_stats.rate_wait_ms IS 'Milliseconds until the rate buckets let the first queued call go (0 = not waiting for a rate limit)';
COMMENT ON COLUMN finx.provider_stats.rate_waits IS 'Calls that waited for a rate bucket since the worker started';

-- The HTTP and lane layer alone, for benchmarks against a loopback mock.
CREATE FUNCTION finx_http_bench(calls int, concurrency int DEFAULT 64)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'finx_http_bench'
LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION finx_http_bench(int, int) IS
'Send calls small chat requests to finextract.llm_url through one lane of the given in-flight limit, in this session and without jobs; returns the wall time, requests per second, CPU microseconds per call and outcomes (superusers only; meant for a loopback mock)';
REVOKE ALL ON FUNCTION finx_http_bench(int, int) FROM PUBLIC;

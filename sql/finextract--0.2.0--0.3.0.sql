/* finextract 0.2.0 -> 0.3.0
 *
 * What 0.3.0 adds:
 * - OCR confidence: the text cache keeps tesseract's mean word confidence
 *   of each OCR'd page and the confidence of every word holding a digit
 *   (finx.page_texts.ocr_confidence, ocr_words), so a job that takes its
 *   text from the cache still knows them; every value a statement took from
 *   OCR text carries its confidence (finx.line_items.ocr_confidence, and
 *   finx.facts.ocr_confidence).
 */
\echo Use "ALTER EXTENSION finextract UPDATE TO '0.3.0'" to load this file. \quit

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

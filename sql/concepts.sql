-- Analyst-ready facts: concepts, unit kinds, companies, fiscal periods,
-- one current value per fact, conflicts, corrections.  Results are written
-- straight into the tables (as the worker would) inside transactions that
-- the worker cannot see before they commit as succeeded.
SET client_min_messages = warning;

-- two 10-Ks of one company: FY2023 (with a restated 2022 column) and FY2022
CREATE FUNCTION pg_temp.load_10k(fname text, sha text, cover text, y int, restated boolean)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	doc bigint; job bigint; st bigint;
BEGIN
	INSERT INTO finx.documents (file_name, sha256, pages, bytes)
	VALUES (fname, sha, 3, 1000) RETURNING id INTO doc;
	INSERT INTO finx.page_texts (document_id, engine, page, text) VALUES (doc, 'pdftotext', 1, cover);
	INSERT INTO finx.jobs (document_id, file_name, state, attempt, submitted_by)
	VALUES (doc, fname, 'running', 1, 'finx_user'::regrole) RETURNING id INTO job;
	-- income statement
	INSERT INTO finx.statements (job_id, document_id, seq, statement_type, title, first_page, last_page, unit_scale, currency)
	VALUES (job, doc, 1, 'income_statement', 'CONSOLIDATED STATEMENTS OF OPERATIONS', 2, 2, 1000000, 'USD') RETURNING id INTO st;
	INSERT INTO finx.statement_periods (statement_id, col, label, period_end, period_months) VALUES
		(st, 1, 'Year ended September ' || y, make_date(y, 9, 30), 12),
		(st, 2, CASE WHEN restated THEN 'Year ended September ' || y - 1 || ' (as restated)' ELSE 'Year ended September ' || y - 1 END,
		 make_date(y - 1, 9, 30), 12);
	INSERT INTO finx.line_items (statement_id, row_no, page, line_no, label, is_total, "values") VALUES
		(st, 1, 2, 5, 'Net sales:', false, '{NULL,NULL}'),
		(st, 2, 2, 6, 'Products', false, ARRAY[y * 10, (y - 1) * 10]::numeric[]),
		(st, 3, 2, 7, 'Services', false, ARRAY[y, y - 1]::numeric[]),
		(st, 4, 2, 8, 'Total net sales', true, ARRAY[y * 11, CASE WHEN restated THEN (y - 1) * 11 + 5 ELSE (y - 1) * 11 END]::numeric[]),
		(st, 5, 2, 9, 'Cost of sales', false, ARRAY[y * 6, (y - 1) * 6]::numeric[]),
		(st, 6, 2, 10, 'Gross margin', false, ARRAY[y * 5, (y - 1) * 5]::numeric[]),
		(st, 7, 2, 11, 'Operating income', false, ARRAY[y * 2, (y - 1) * 2]::numeric[]),
		(st, 8, 2, 12, 'Provision for income taxes', false, ARRAY[300, 200]::numeric[]),
		(st, 9, 2, 13, 'Net income', false, ARRAY[y, y - 1]::numeric[]),
		(st, 10, 2, 14, 'Earnings per share:', false, '{NULL,NULL}'),
		(st, 11, 2, 15, 'Basic', false, '{1.08,0.97}'),
		(st, 12, 2, 16, 'Diluted', false, '{1.07,0.96}'),
		(st, 13, 2, 17, 'Shares used in computing earnings per share:', false, '{NULL,NULL}'),
		(st, 14, 2, 18, 'Basic', false, '{1500,1600}'),
		(st, 15, 2, 19, 'Diluted', false, '{1510,1610}'),
		(st, 16, 2, 20, 'Gross margin percentage', false, '{45.5,44.1}');
	-- balance sheet
	INSERT INTO finx.statements (job_id, document_id, seq, statement_type, title, first_page, last_page, unit_scale, currency)
	VALUES (job, doc, 2, 'balance_sheet', 'CONSOLIDATED BALANCE SHEETS', 3, 3, 1000000, 'USD') RETURNING id INTO st;
	INSERT INTO finx.statement_periods (statement_id, col, label, period_end, period_months) VALUES
		(st, 1, 'September 30, ' || y, make_date(y, 9, 30), NULL),
		(st, 2, 'September 30, ' || y - 1, make_date(y - 1, 9, 30), NULL);
	INSERT INTO finx.line_items (statement_id, row_no, page, line_no, label, is_total, "values") VALUES
		(st, 1, 3, 5, 'Cash and cash equivalents', false, '{100,90}'),
		(st, 2, 3, 6, 'Total current assets', true, '{400,380}'),
		(st, 3, 3, 7, 'Total assets', true, '{1000,950}'),
		(st, 4, 3, 8, 'Total current liabilities', true, '{300,280}'),
		(st, 5, 3, 9, 'Total liabilities', true, '{600,570}'),
		(st, 6, 3, 10, 'Total Acme Corp. shareholders’ equity', true, '{350,330}'),
		(st, 7, 3, 11, 'Noncontrolling interests', false, '{50,50}'),
		(st, 8, 3, 12, 'Total equity', true, '{400,380}'),
		(st, 9, 3, 13, 'Total liabilities and equity', true, '{1000,950}');
	UPDATE finx.jobs SET state = 'succeeded', finished_at = now() WHERE id = job;
	RETURN job;
END $$;

SELECT pg_temp.load_10k('acme-2023.pdf', repeat('a', 64),
	E'UNITED STATES\nSECURITIES AND EXCHANGE COMMISSION\nFORM 10-K\n  For the fiscal year ended September 30, 2023\n\n   Acme Corp.         \n  (Exact name of Registrant as specified in its charter)\n',
	2023, true) AS job23 \gset
SELECT pg_temp.load_10k('acme-2022.pdf', repeat('b', 64),
	E'FORM 10-K\nFor the fiscal year ended September 30, 2022\nAcme Corp.\n(Exact name of registrant as specified in its charter)\n',
	2022, false) AS job22 \gset

-- the trigger mapped them when they succeeded
SELECT d.file_name, d.company, d.report_type, d.fiscal_year_end
  FROM finx.documents d WHERE d.file_name LIKE 'acme%' ORDER BY d.id;
SELECT li.label, li.concept, li.unit_kind
  FROM finx.line_items li JOIN finx.statements s ON s.id = li.statement_id
 WHERE s.job_id = :job23 ORDER BY s.seq, li.row_no;
SELECT p.label, p.period_end, p.fiscal_year, p.fiscal_period
  FROM finx.statement_periods p JOIN finx.statements s ON s.id = p.statement_id
 WHERE s.job_id = :job23 ORDER BY s.seq, p.col;

-- at most one line item per statement carries a concept
SELECT s.id, li.concept, count(*) FROM finx.line_items li JOIN finx.statements s ON s.id = li.statement_id
 WHERE li.concept IS NOT NULL GROUP BY 1, 2 HAVING count(*) > 1;

-- scaled values: money and shares times the scale, EPS and percents as printed
SELECT label, unit_kind, value, value_scaled FROM finx.facts
 WHERE job_id = :job23 AND period_end = '2023-09-30' AND statement_type = 'income_statement'
   AND unit_kind <> 'money' ORDER BY line_no;

-- one current value per fact: FY2022 revenue comes from the 2023 10-K's
-- restated column; FY2022 net income from the original 2022 filing
SELECT company, concept, fiscal_year, fiscal_period, period_end, value_scaled, document_id, restated
  FROM finx.company_facts WHERE concept IN ('revenue', 'net_income', 'total_assets', 'eps_diluted')
 ORDER BY concept, fiscal_year;
SELECT concept, fiscal_year, value_a, value_b FROM finx.fact_conflicts ORDER BY concept;

-- a reused job does not count twice
INSERT INTO finx.jobs (document_id, file_name, state, submitted_by, reused_from, finished_at)
SELECT document_id, file_name, 'succeeded', submitted_by, id, now() FROM finx.jobs WHERE id = :job22;
SELECT count(*) AS revenue_rows FROM finx.company_facts WHERE concept = 'revenue';
SELECT count(*) AS facts_rows_with_reuse FROM finx.facts WHERE concept = 'revenue';

-- a correction sticks and can be removed
SELECT finx_correct((SELECT document_id FROM finx.jobs WHERE id = :job23), 'balance_sheet',
					'total_assets', '2023-09-30', 1001, 'misread') AS corr \gset
SELECT value, value_scaled, corrected FROM finx.company_facts
 WHERE concept = 'total_assets' AND fiscal_year = 2023;
SELECT finx_correct(1, 'balance_sheet', 'total_assets', '2023-09-30', 1, '');
SELECT finx_uncorrect(:corr), finx_uncorrect(:corr);
SELECT value, corrected FROM finx.company_facts WHERE concept = 'total_assets' AND fiscal_year = 2023;

-- a user rule takes effect on remap, without re-extraction
INSERT INTO finx.concept_rules (concept, statement_type, label_pattern, priority)
VALUES ('selling_general_administrative', 'income_statement', '^services$', 200);
SELECT finx_remap(:job23) > 0 AS mapped;
SELECT label, concept FROM finx.facts WHERE job_id = :job23 AND label = 'Services' AND col = 1;
DELETE FROM finx.concept_rules WHERE NOT builtin;
SELECT finx_remap(:job23) > 0 AS mapped;
SELECT label, concept FROM finx.facts WHERE job_id = :job23 AND label = 'Services' AND col = 1;
SELECT finx_remap(999999);

-- company override survives a remap
SELECT finx_set_company((SELECT document_id FROM finx.jobs WHERE id = :job22), 'ACME Corporation');
SELECT finx_remap(:job22) IS NOT NULL;
SELECT DISTINCT company FROM finx.facts WHERE job_id = :job22;

-- fiscal periods: 52/53-week years, quarters, the first days of January
SELECT e, m, f.* FROM (VALUES
	('2023-01-28'::date, 12, '01-31'), ('2021-01-02', 12, '12-31'), ('2023-07-01', 3, '09-30'),
	('2023-07-01', 9, '09-30'), ('2022-08-31', 3, '05-31'), ('2023-03-31', NULL, '12-31'),
	('2023-06-30', 6, '12-31'), ('2023-12-31', 6, '12-31'), ('2023-12-31', 12, NULL),
	('2023-05-15', 3, '12-31')) v(e, m, fye),
	LATERAL finx.fiscal_period_of(e, m, fye) f;

-- labels as the rules see them
SELECT finx.norm_label(l) FROM (VALUES ('Total net sales (1)'), ('Net income. . . . . . $'),
	('Shareholders’ equity:'), ('  — Basic')) v(l);

-- the rules' match is ~*, with more compiled patterns kept than the
-- backend's 32: the same answers, also after 600 patterns went through it
SELECT s, p, finx.label_match(s, p) AS label_match, s ~* p AS "~*"
  FROM (VALUES ('total net sales', '^(total )?net sales$'), ('TOTAL NET SALES', '^total net'),
			   ('ÜBRIGE AKTIVA', '^übrige'), ('net income', '\mincome\M'),
			   ('net incomes', '\mincome\M'), ('', '^$')) v(s, p);
SELECT count(*) FILTER (WHERE finx.label_match('row ' || g, '^row ' || g || '$')) AS matched,
	   count(*) FILTER (WHERE finx.label_match('row ' || g, '^row ' || (g + 1) || '$')) AS wrongly
  FROM generate_series(1, 600) g;
SELECT count(*) FILTER (WHERE finx.label_match('row ' || g, '^row ' || g || '$')) AS matched_again
  FROM generate_series(1, 600) g;
-- a rule whose pattern does not compile is refused when it is written
INSERT INTO finx.concept_rules (concept, statement_type, label_pattern)
VALUES ('revenue', 'income_statement', '^(net sales');
INSERT INTO finx.concept_rules (concept, statement_type, label_pattern, context_pattern)
VALUES ('revenue', 'income_statement', '^net sales$', '[a-');
SELECT count(*) AS user_rules FROM finx.concept_rules WHERE NOT builtin;

SELECT count(*) >= 80 AS enough_concepts FROM finx.concepts;
SELECT concept FROM (VALUES ('revenue'), ('cost_of_revenue'), ('gross_profit'), ('operating_income'),
	('net_income'), ('net_income_attributable_to_parent'), ('eps_basic'), ('eps_diluted'),
	('shares_basic'), ('shares_diluted'), ('depreciation_amortization'), ('cash_and_equivalents'),
	('accounts_receivable'), ('inventories'), ('total_current_assets'), ('ppe_net'), ('total_assets'),
	('accounts_payable'), ('total_current_liabilities'), ('total_liabilities'), ('total_equity'),
	('cash_from_operations'), ('capital_expenditure'), ('dividends_paid')) v(concept)
EXCEPT SELECT concept FROM finx.concepts;

-- The LLM structurer's concepts (concept_source llm) come first: kept over
-- the rules, a concept given to two rows stays on the total, one on a row
-- without values or on another statement's concept is dropped, and the
-- rules fill only the other rows.
INSERT INTO finx.documents (file_name, sha256, pages, bytes)
VALUES ('llm.pdf', repeat('c', 64), 1, 100) RETURNING id AS llm_doc \gset
INSERT INTO finx.jobs (document_id, file_name, state, attempt, submitted_by)
VALUES (:llm_doc, 'llm.pdf', 'running', 1, 'finx_user'::regrole) RETURNING id AS llm_job \gset
INSERT INTO finx.statements (job_id, document_id, seq, statement_type, title, first_page, last_page, unit_scale, currency)
VALUES (:llm_job, :llm_doc, 1, 'income_statement', 'INCOME STATEMENT', 1, 1, 1000, 'EUR') RETURNING id AS llm_st \gset
INSERT INTO finx.statement_periods (statement_id, col, label, period_end, period_months)
VALUES (:llm_st, 1, '2023', '2023-12-31', 12);
INSERT INTO finx.line_items (statement_id, row_no, page, line_no, label, is_total, "values", concept, concept_source) VALUES
	(:llm_st, 1, 1, 1, 'Turnover', false, '{500}', 'revenue', 'llm'),
	(:llm_st, 2, 1, 2, 'Total income', true, '{520}', 'revenue', 'llm'),
	(:llm_st, 3, 1, 3, 'Cost of sales', false, '{-300}', NULL, NULL),
	(:llm_st, 4, 1, 4, 'Operating costs', false, '{-100}', 'operating_expenses', 'llm'),
	(:llm_st, 5, 1, 5, 'Net income', false, '{NULL}', 'net_income', 'llm'),
	(:llm_st, 6, 1, 6, 'Profit for the year', true, '{90}', NULL, NULL),
	(:llm_st, 7, 1, 7, 'Assets employed', true, '{2000}', 'total_assets', 'llm');
UPDATE finx.jobs SET state = 'succeeded', finished_at = now() WHERE id = :llm_job;
SELECT row_no, label, concept, concept_source FROM finx.line_items WHERE statement_id = :llm_st ORDER BY row_no;
-- a rule for a row the model named changes nothing on remap
INSERT INTO finx.concept_rules (concept, statement_type, label_pattern, priority)
VALUES ('costs_and_expenses', 'income_statement', '^operating costs$', 300);
SELECT finx_remap(:llm_job);
SELECT label, concept, concept_source FROM finx.facts WHERE job_id = :llm_job ORDER BY line_no;
DELETE FROM finx.concept_rules WHERE NOT builtin;

DELETE FROM finx.jobs;
DELETE FROM finx.documents;

-- The scale of share counts from a statement's unit heading.
SELECT h, finx.share_scale_of(h, 1000000) AS share_scale
  FROM (VALUES ('CONSOLIDATED STATEMENTS OF OPERATIONS
(In millions, except number of shares which are reflected in thousands and per share amounts)'),
			   ('(In millions, except per share amounts)'),
			   ('(in millions, except share and per share data)'),
			   ('(Millions, except per-share amounts)'),
			   ('no heading at all')) v(h);

-- Equity under other names is total equity: the rule of highest priority
-- that a balance-sheet label matches.
SELECT l AS label,
	   (SELECT cr.concept FROM finx.concept_rules cr
		 WHERE cr.statement_type = 'balance_sheet' AND finx.norm_label(l) ~* cr.label_pattern
		 ORDER BY cr.priority DESC, cr.id LIMIT 1) AS concept
  FROM unnest(ARRAY['Total common stockholders’ investment',
					'TOTAL LIABILITIES AND COMMON STOCKHOLDERS’ INVESTMENT',
					'Total owners'' equity', 'Total partners'' capital',
					'Total stockholders'' equity', 'Total equity']) l;

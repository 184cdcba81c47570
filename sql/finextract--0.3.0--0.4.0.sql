/* finextract 0.3.0 -> 0.4.0
 *
 * What 0.4.0 changes (security, issue "close the holes an attacker found"):
 * - every function of the extension runs with search_path = pg_catalog,
 *   pg_temp and names its own objects with their schema;
 * - the finx_job notification carries only the job id and its state;
 * - owner isolation (row-level security) is on by default;
 * - the identity sequences are dumped by pg_dump with the tables.
 */
\echo Use "ALTER EXTENSION finextract UPDATE TO '0.4.0'" to load this file. \quit

-- Tables and columns of the analyst-ready facts (first: the sections below
-- copy and read them) --------------------------------------------------------

CREATE TABLE finx.concepts (
	concept		text PRIMARY KEY CHECK (concept ~ '^[a-z][a-z0-9_]*$'),
	statement_type text NOT NULL
		CHECK (statement_type IN ('balance_sheet', 'income_statement', 'comprehensive_income', 'cash_flow', 'equity')),
	period_type text NOT NULL CHECK (period_type IN ('instant', 'duration')),
	unit_kind	text NOT NULL
		CHECK (unit_kind IN ('money', 'per_share', 'shares', 'percent', 'ratio', 'count')),
	balance		text CHECK (balance IN ('debit', 'credit')),
	label		text NOT NULL,
	us_gaap		text,
	ifrs		text
);
COMMENT ON TABLE finx.concepts IS 'Standard concepts that line items are mapped to (finx.line_items.concept)';
COMMENT ON COLUMN finx.concepts.concept IS 'Identifier (snake_case), e.g. revenue, net_income, total_assets';
COMMENT ON COLUMN finx.concepts.statement_type IS 'The statement the concept belongs to';
COMMENT ON COLUMN finx.concepts.period_type IS 'instant (a balance at a date) or duration (a flow over a period)';
COMMENT ON COLUMN finx.concepts.unit_kind IS 'money, per_share, shares, percent, ratio or count';
COMMENT ON COLUMN finx.concepts.balance IS 'XBRL balance type (debit or credit); values keep the sign printed in the statement, so an outflow printed in parentheses is negative whatever the balance type';
COMMENT ON COLUMN finx.concepts.us_gaap IS 'The US-GAAP taxonomy element it corresponds to';
COMMENT ON COLUMN finx.concepts.ifrs IS 'The IFRS taxonomy element it corresponds to';

CREATE TABLE finx.concept_rules (
	id			bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	concept		text NOT NULL REFERENCES finx.concepts (concept) ON DELETE CASCADE,
	statement_type text NOT NULL
		CHECK (statement_type IN ('balance_sheet', 'income_statement', 'comprehensive_income', 'cash_flow', 'equity')),
	label_pattern text NOT NULL,
	is_total	boolean,
	context_pattern text,
	priority	int NOT NULL DEFAULT 100,
	builtin		boolean NOT NULL DEFAULT false,
	created_by	oid NOT NULL DEFAULT pg_catalog.to_regrole(CURRENT_USER::text)::oid,
	created_at	timestamptz NOT NULL DEFAULT pg_catalog.now()
);
CREATE INDEX concept_rules_type_idx ON finx.concept_rules (statement_type, priority DESC);
COMMENT ON TABLE finx.concept_rules IS 'How the local structurer maps line labels to concepts; add rules with INSERT, then SELECT finx_remap(job_id)';
COMMENT ON COLUMN finx.concept_rules.label_pattern IS 'Case-insensitive POSIX regular expression matched against the normalised label (lower case, curly quotes straightened, footnote marks, trailing colons and dot leaders removed, spaces collapsed)';
COMMENT ON COLUMN finx.concept_rules.is_total IS 'Only total rows (true), only other rows (false), or any (NULL)';
COMMENT ON COLUMN finx.concept_rules.context_pattern IS 'When set, the nearest heading row above (a row without values, within five rows) must match it, e.g. ''per share'' for a row labelled just Basic';
COMMENT ON COLUMN finx.concept_rules.priority IS 'Higher wins; each concept goes to at most one row of a statement and each row gets at most one concept';
COMMENT ON COLUMN finx.concept_rules.builtin IS 'True for the rules finextract ships (replaced by updates); user rules are kept';

ALTER TABLE finx.line_items
	ADD COLUMN concept text REFERENCES finx.concepts (concept) ON DELETE SET NULL,
	ADD COLUMN unit_kind text NOT NULL DEFAULT 'money'
		CHECK (unit_kind IN ('money', 'per_share', 'shares', 'percent', 'ratio', 'count')),
	ADD COLUMN concept_source text CHECK (concept_source IN ('llm', 'rule'));
COMMENT ON COLUMN finx.line_items.concept IS 'The standard concept of this row (finx.concepts), NULL when it is none of them';
COMMENT ON COLUMN finx.line_items.concept_source IS 'Where concept came from: llm (the LLM structurer''s answer, kept by finx_remap) or rule (finx.concept_rules); NULL without a concept';
COMMENT ON COLUMN finx.line_items.unit_kind IS 'What the values count: money, per_share, shares, percent, ratio or count';

ALTER TABLE finx.documents
	ADD COLUMN company text,
	ADD COLUMN report_type text
		CHECK (report_type IN ('10-K', '10-Q', '20-F', '40-F', 'annual report', 'interim report', 'earnings release', 'other')),
	ADD COLUMN fiscal_year_end text CHECK (fiscal_year_end ~ '^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$'),
	ADD COLUMN company_override text;
COMMENT ON COLUMN finx.documents.company IS 'The reporting entity as read from the cover page or statement headings (company_override wins when set)';
COMMENT ON COLUMN finx.documents.report_type IS '10-K, 10-Q, 20-F, 40-F, annual report, interim report, earnings release or other';
COMMENT ON COLUMN finx.documents.fiscal_year_end IS 'Month and day (MM-DD) the fiscal year ends, from the cover page or the annual columns';
COMMENT ON COLUMN finx.documents.company_override IS 'A user''s correction of company (finx_set_company); kept across re-runs';

ALTER TABLE finx.statements ADD COLUMN share_scale numeric;
COMMENT ON COLUMN finx.statements.share_scale IS 'Multiplier of share counts: the money scale unless the heading excepts shares ("except share data": 1) or gives their own ("shares in thousands"); NULL if unknown';

ALTER TABLE finx.statement_periods
	ADD COLUMN fiscal_year int,
	ADD COLUMN fiscal_period text CHECK (fiscal_period IN ('FY', 'Q1', 'Q2', 'Q3', 'Q4', 'H1', 'H2', '9M'));
COMMENT ON COLUMN finx.statement_periods.fiscal_year IS 'Fiscal year the period belongs to, named for the calendar year in which that fiscal year ends (a year ending in the first seven days of January belongs to the year before)';
COMMENT ON COLUMN finx.statement_periods.fiscal_period IS 'FY, Q1..Q4, H1, H2 or 9M (an instant: FY at the fiscal year end, else the quarter it closes)';

-- A statement of changes in equity whose columns are its components
-- (share capital, retained earnings, ...) dates its rows instead: each
-- balance row by its own date, each movement by the period that ends at
-- the next balance.  finx.facts reads the period from the row there.
ALTER TABLE finx.statements
	ADD COLUMN component_columns boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN finx.statements.component_columns IS 'True when the columns are components of equity, not periods: each line item then carries its own period (finx.line_items.period_end)';
ALTER TABLE finx.line_items
	ADD COLUMN period_label text,
	ADD COLUMN period_end date,
	ADD COLUMN period_months int CHECK (period_months > 0),
	ADD COLUMN fiscal_year int,
	ADD COLUMN fiscal_period text CHECK (fiscal_period IN ('FY', 'Q1', 'Q2', 'Q3', 'Q4', 'H1', 'H2', '9M'));
COMMENT ON COLUMN finx.line_items.period_label IS 'Only where the statement''s columns are components (finx.statements.component_columns): the row''s own period or balance date as read, else NULL';
COMMENT ON COLUMN finx.line_items.period_end IS 'Only where the columns are components: the balance date of a balance row, the end of the period of a movement row; NULL otherwise or when not known';
COMMENT ON COLUMN finx.line_items.period_months IS 'Only where the columns are components: the length of a movement row''s period, NULL for a balance';
COMMENT ON COLUMN finx.line_items.fiscal_year IS 'Only where the columns are components: the fiscal year of the row''s period (see finx.statement_periods.fiscal_year)';
COMMENT ON COLUMN finx.line_items.fiscal_period IS 'Only where the columns are components: FY, Q1..Q4, H1, H2 or 9M of the row''s period';

-- Section: search_path and schema-qualified names ---------------------------

-- Every function of the extension that runs SQL already has
-- SET search_path = pg_catalog, pg_temp (the C functions also set it
-- themselves, and the worker's connection has it fixed).  A procedure that
-- commits cannot have a SET clause, so finx_prune names the operators it
-- uses with their schema: under the caller's search_path, an operator that
-- another role put into public with an exact-typed signature must not run.
CREATE OR REPLACE PROCEDURE finx_prune(older_than interval, batch_size integer DEFAULT 1000,
									   INOUT pruned bigint DEFAULT NULL)
LANGUAGE plpgsql
AS $$
DECLARE
	n bigint;
BEGIN
	pruned := 0;
	LOOP
		n := @extschema@.finx_prune_batch(older_than, batch_size);
		pruned := pruned OPERATOR(pg_catalog.+) n;
		COMMIT;
		EXIT WHEN n OPERATOR(pg_catalog.=) 0;
	END LOOP;
END
$$;

-- Section: notification payload ---------------------------------------------

-- Section: owner isolation by default ---------------------------------------

-- A job that reuses the results of another role's job gets its own copy of
-- them: its statements, periods and line items then name only the new job,
-- and reused_from is set only when both jobs were submitted by the same role
-- (it would name another role's job otherwise).  The worker calls this when
-- it reuses a result across roles.
CREATE FUNCTION finx.copy_job_results(job bigint, source bigint)
RETURNS bigint
LANGUAGE sql VOLATILE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
	WITH src AS (
		SELECT s.id, s.document_id, s.seq, s.statement_type, s.title, s.first_page,
			   s.last_page, s.unit_scale, s.currency, s.checks, s.checks_passed,
			   s.checks_failed, s.share_scale, s.component_columns
		  FROM finx.statements s
		 WHERE s.job_id OPERATOR(pg_catalog.=) source
	), ins AS (
		INSERT INTO finx.statements (job_id, document_id, seq, statement_type, title,
									 first_page, last_page, unit_scale, currency, checks,
									 checks_passed, checks_failed, share_scale, component_columns)
		SELECT job, src.document_id, src.seq, src.statement_type, src.title, src.first_page,
			   src.last_page, src.unit_scale, src.currency, src.checks, src.checks_passed,
			   src.checks_failed, src.share_scale, src.component_columns
		  FROM src
		RETURNING id, seq
	), map AS (
		SELECT src.id AS old_id, ins.id AS new_id
		  FROM src JOIN ins ON ins.seq OPERATOR(pg_catalog.=) src.seq
	), periods AS (
		INSERT INTO finx.statement_periods (statement_id, col, label, period_end, period_months,
										   fiscal_year, fiscal_period)
		SELECT map.new_id, p.col, p.label, p.period_end, p.period_months,
			   p.fiscal_year, p.fiscal_period
		  FROM finx.statement_periods p
		  JOIN map ON map.old_id OPERATOR(pg_catalog.=) p.statement_id
	), items AS (
		INSERT INTO finx.line_items (statement_id, row_no, page, line_no, label, indent,
									 is_total, generated_label, "values", ocr_confidence,
									 concept, unit_kind, concept_source, period_label, period_end,
									 period_months, fiscal_year, fiscal_period)
		SELECT map.new_id, li.row_no, li.page, li.line_no, li.label, li.indent,
			   li.is_total, li.generated_label, li."values", li.ocr_confidence,
			   li.concept, li.unit_kind, li.concept_source, li.period_label, li.period_end,
			   li.period_months, li.fiscal_year, li.fiscal_period
		  FROM finx.line_items li
		  JOIN map ON map.old_id OPERATOR(pg_catalog.=) li.statement_id
	)
	SELECT pg_catalog.count(*) FROM ins;
$$;
COMMENT ON FUNCTION finx.copy_job_results(bigint, bigint) IS
'Copy the statements, periods and line items of job source to job (a result reused across roles); returns the statements copied (used by the worker)';
REVOKE ALL ON FUNCTION finx.copy_job_results(bigint, bigint) FROM PUBLIC;

-- Jobs of earlier versions that reuse another role's results get their copy.
SELECT finx.copy_job_results(j.id, t.id)
  FROM finx.jobs j
  JOIN finx.jobs t ON t.id OPERATOR(pg_catalog.=) j.reused_from
 WHERE t.submitted_by OPERATOR(pg_catalog.<>) j.submitted_by;
UPDATE finx.jobs j SET reused_from = NULL
  FROM finx.jobs t
 WHERE t.id OPERATOR(pg_catalog.=) j.reused_from
   AND t.submitted_by OPERATOR(pg_catalog.<>) j.submitted_by;
COMMENT ON COLUMN finx.jobs.reused_from IS
'The earlier job of the same role whose results this job shows (same document and options); NULL when the job extracted them itself or copied them from another role''s job';

-- Owner isolation is on after install and after every update to 0.4.0:
-- a finx_user member sees only the jobs of roles it is a member of and the
-- documents, statements, periods, line items and requests of those jobs;
-- superusers see everything.  finx_enable_rls(false) turns it off for a
-- single-tenant database.
SELECT @extschema@.finx_enable_rls(true);
COMMENT ON FUNCTION @extschema@.finx_enable_rls(boolean) IS
'Owner isolation (row-level security), on by default: with false, every finx_user member sees every job, document and result (single-tenant databases); with true, only those of the roles it is a member of (superusers only)';

-- Section: sequences in pg_dump ---------------------------------------------

-- pg_dump dumps the tables' rows (pg_extension_config_dump since 0.2.0) but
-- not the values of their identity sequences unless these are marked too: a
-- restored database would hand out ids that are already taken.
SELECT pg_catalog.pg_extension_config_dump('finx.documents_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('finx.jobs_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('finx.statements_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('finx.requests_id_seq', '');

-- Section: settings exposed to SQL (models, lanes) --------------------------

-- Section: scheduling and attempts ------------------------------------------

-- A worker restart no longer spends an attempt: a graceful stop gives the
-- running jobs' attempts back, and after an abnormal stop only the job the
-- worker was processing in its own process is charged, in its own budget.
ALTER TABLE finx.jobs
	ADD COLUMN crashes int NOT NULL DEFAULT 0 CHECK (crashes >= 0);
COMMENT ON COLUMN finx.jobs.crashes IS
'Abnormal worker stops (crash, kill -9) while the worker processed this job in its own process (parsing text, building or storing statements); the job fails when they reach max_attempts';
COMMENT ON COLUMN finx.jobs.attempt IS
'Attempts started so far; an attempt interrupted by a worker restart is given back';

-- Fair share: the worker claims round-robin across submitting roles; these
-- let it find each role's due jobs and running count without a full scan.
CREATE INDEX jobs_queued_role_idx ON finx.jobs (submitted_by, run_after, id)
	WHERE state = 'queued';
CREATE INDEX jobs_running_role_idx ON finx.jobs (submitted_by) WHERE state = 'running';

-- Section: other ------------------------------------------------------------
-- Section: concepts, companies and fiscal periods ---------------------------
--
-- Analyst-ready facts: every line item may carry a standard concept (from
-- finx.concept_rules, which users extend with INSERTs and apply again with
-- finx_remap), a unit kind and a scaled value; every document a company,
-- report type and fiscal year end; every period column a fiscal year and
-- fiscal period.  finx.company_facts gives one current value per company,
-- concept and period; finx.fact_conflicts the disagreements between filings;
-- finx.corrections the users' fixes, which survive re-extraction.


-- The concepts analysts use (about 80).
INSERT INTO finx.concepts (concept, statement_type, period_type, unit_kind, balance, label, us_gaap, ifrs) VALUES
-- income statement
('revenue', 'income_statement', 'duration', 'money', 'credit', 'Revenue', 'Revenues', 'Revenue'),
('cost_of_revenue', 'income_statement', 'duration', 'money', 'debit', 'Cost of revenue', 'CostOfRevenue', 'CostOfSales'),
('gross_profit', 'income_statement', 'duration', 'money', 'credit', 'Gross profit', 'GrossProfit', 'GrossProfit'),
('research_development', 'income_statement', 'duration', 'money', 'debit', 'Research and development', 'ResearchAndDevelopmentExpense', 'ResearchAndDevelopmentExpense'),
('selling_general_administrative', 'income_statement', 'duration', 'money', 'debit', 'Selling, general and administrative', 'SellingGeneralAndAdministrativeExpense', 'SellingGeneralAndAdministrativeExpense'),
('selling_marketing', 'income_statement', 'duration', 'money', 'debit', 'Sales and marketing', 'SellingAndMarketingExpense', 'SellingExpense'),
('general_administrative', 'income_statement', 'duration', 'money', 'debit', 'General and administrative', 'GeneralAndAdministrativeExpense', 'AdministrativeExpense'),
('restructuring', 'income_statement', 'duration', 'money', 'debit', 'Restructuring charges', 'RestructuringCharges', NULL),
('impairment', 'income_statement', 'duration', 'money', 'debit', 'Impairment', 'AssetImpairmentCharges', 'ImpairmentLossRecognisedInProfitOrLoss'),
('operating_expenses', 'income_statement', 'duration', 'money', 'debit', 'Total operating expenses', 'OperatingExpenses', 'OperatingExpense'),
('costs_and_expenses', 'income_statement', 'duration', 'money', 'debit', 'Total costs and expenses', 'CostsAndExpenses', NULL),
('operating_income', 'income_statement', 'duration', 'money', 'credit', 'Operating income', 'OperatingIncomeLoss', 'ProfitLossFromOperatingActivities'),
('interest_expense', 'income_statement', 'duration', 'money', 'debit', 'Interest expense', 'InterestExpense', 'FinanceCosts'),
('interest_income', 'income_statement', 'duration', 'money', 'credit', 'Interest income', 'InvestmentIncomeInterest', 'FinanceIncome'),
('net_interest_income', 'income_statement', 'duration', 'money', 'credit', 'Net interest income', 'InterestIncomeExpenseNet', 'InterestIncomeExpense'),
('other_income', 'income_statement', 'duration', 'money', 'credit', 'Other income (expense), net', 'NonoperatingIncomeExpense', 'OtherIncome'),
('pretax_income', 'income_statement', 'duration', 'money', 'credit', 'Income before income taxes', 'IncomeLossFromContinuingOperationsBeforeIncomeTaxesExtraordinaryItemsNoncontrollingInterest', 'ProfitLossBeforeTax'),
('income_tax', 'income_statement', 'duration', 'money', 'debit', 'Income tax expense', 'IncomeTaxExpenseBenefit', 'IncomeTaxExpenseContinuingOperations'),
('income_continuing_operations', 'income_statement', 'duration', 'money', 'credit', 'Income from continuing operations', 'IncomeLossFromContinuingOperations', 'ProfitLossFromContinuingOperations'),
('income_discontinued_operations', 'income_statement', 'duration', 'money', 'credit', 'Income from discontinued operations', 'IncomeLossFromDiscontinuedOperationsNetOfTax', 'ProfitLossFromDiscontinuedOperations'),
('net_income', 'income_statement', 'duration', 'money', 'credit', 'Net income', 'ProfitLoss', 'ProfitLoss'),
('net_income_attributable_to_parent', 'income_statement', 'duration', 'money', 'credit', 'Net income attributable to the parent', 'NetIncomeLoss', 'ProfitLossAttributableToOwnersOfParent'),
('net_income_attributable_to_nci', 'income_statement', 'duration', 'money', 'credit', 'Net income attributable to non-controlling interests', 'NetIncomeLossAttributableToNoncontrollingInterest', 'ProfitLossAttributableToNoncontrollingInterests'),
('eps_basic', 'income_statement', 'duration', 'per_share', NULL, 'Earnings per share, basic', 'EarningsPerShareBasic', 'BasicEarningsLossPerShare'),
('eps_diluted', 'income_statement', 'duration', 'per_share', NULL, 'Earnings per share, diluted', 'EarningsPerShareDiluted', 'DilutedEarningsLossPerShare'),
('shares_basic', 'income_statement', 'duration', 'shares', NULL, 'Weighted average shares, basic', 'WeightedAverageNumberOfSharesOutstandingBasic', 'WeightedAverageShares'),
('shares_diluted', 'income_statement', 'duration', 'shares', NULL, 'Weighted average shares, diluted', 'WeightedAverageNumberOfDilutedSharesOutstanding', 'AdjustedWeightedAverageShares'),
('dividends_per_share', 'income_statement', 'duration', 'per_share', NULL, 'Dividends declared per share', 'CommonStockDividendsPerShareDeclared', 'DividendsRecognisedAsDistributionsToOwnersPerShare'),
-- comprehensive income
('other_comprehensive_income', 'comprehensive_income', 'duration', 'money', 'credit', 'Other comprehensive income, net of tax', 'OtherComprehensiveIncomeLossNetOfTax', 'OtherComprehensiveIncome'),
('comprehensive_income', 'comprehensive_income', 'duration', 'money', 'credit', 'Comprehensive income', 'ComprehensiveIncomeNetOfTaxIncludingPortionAttributableToNoncontrollingInterest', 'ComprehensiveIncome'),
('comprehensive_income_attributable_to_parent', 'comprehensive_income', 'duration', 'money', 'credit', 'Comprehensive income attributable to the parent', 'ComprehensiveIncomeNetOfTax', 'ComprehensiveIncomeAttributableToOwnersOfParent'),
-- balance sheet
('cash_and_equivalents', 'balance_sheet', 'instant', 'money', 'debit', 'Cash and cash equivalents', 'CashAndCashEquivalentsAtCarryingValue', 'CashAndCashEquivalents'),
('short_term_investments', 'balance_sheet', 'instant', 'money', 'debit', 'Short-term investments', 'ShortTermInvestments', 'CurrentInvestments'),
('accounts_receivable', 'balance_sheet', 'instant', 'money', 'debit', 'Accounts receivable', 'AccountsReceivableNetCurrent', 'TradeAndOtherCurrentReceivables'),
('inventories', 'balance_sheet', 'instant', 'money', 'debit', 'Inventories', 'InventoryNet', 'Inventories'),
('prepaid_and_other_current_assets', 'balance_sheet', 'instant', 'money', 'debit', 'Prepaid expenses and other current assets', 'PrepaidExpenseAndOtherAssetsCurrent', 'OtherCurrentAssets'),
('total_current_assets', 'balance_sheet', 'instant', 'money', 'debit', 'Total current assets', 'AssetsCurrent', 'CurrentAssets'),
('ppe_net', 'balance_sheet', 'instant', 'money', 'debit', 'Property, plant and equipment, net', 'PropertyPlantAndEquipmentNet', 'PropertyPlantAndEquipment'),
('operating_lease_assets', 'balance_sheet', 'instant', 'money', 'debit', 'Operating lease right-of-use assets', 'OperatingLeaseRightOfUseAsset', 'RightofuseAssets'),
('goodwill', 'balance_sheet', 'instant', 'money', 'debit', 'Goodwill', 'Goodwill', 'Goodwill'),
('intangible_assets', 'balance_sheet', 'instant', 'money', 'debit', 'Intangible assets', 'IntangibleAssetsNetExcludingGoodwill', 'IntangibleAssetsOtherThanGoodwill'),
('long_term_investments', 'balance_sheet', 'instant', 'money', 'debit', 'Long-term investments', 'LongTermInvestments', 'NoncurrentInvestments'),
('deferred_tax_assets', 'balance_sheet', 'instant', 'money', 'debit', 'Deferred tax assets', 'DeferredIncomeTaxAssetsNet', 'DeferredTaxAssets'),
('other_noncurrent_assets', 'balance_sheet', 'instant', 'money', 'debit', 'Other non-current assets', 'OtherAssetsNoncurrent', 'OtherNoncurrentAssets'),
('total_noncurrent_assets', 'balance_sheet', 'instant', 'money', 'debit', 'Total non-current assets', 'AssetsNoncurrent', 'NoncurrentAssets'),
('total_assets', 'balance_sheet', 'instant', 'money', 'debit', 'Total assets', 'Assets', 'Assets'),
('accounts_payable', 'balance_sheet', 'instant', 'money', 'credit', 'Accounts payable', 'AccountsPayableCurrent', 'TradeAndOtherCurrentPayables'),
('accrued_liabilities', 'balance_sheet', 'instant', 'money', 'credit', 'Accrued liabilities', 'AccruedLiabilitiesCurrent', 'CurrentAccruals'),
('short_term_debt', 'balance_sheet', 'instant', 'money', 'credit', 'Short-term debt and current portion of long-term debt', 'DebtCurrent', 'CurrentBorrowingsAndCurrentPortionOfNoncurrentBorrowings'),
('deferred_revenue', 'balance_sheet', 'instant', 'money', 'credit', 'Deferred revenue', 'ContractWithCustomerLiabilityCurrent', 'CurrentContractLiabilities'),
('income_taxes_payable', 'balance_sheet', 'instant', 'money', 'credit', 'Income taxes payable', 'AccruedIncomeTaxesCurrent', 'CurrentTaxLiabilities'),
('total_current_liabilities', 'balance_sheet', 'instant', 'money', 'credit', 'Total current liabilities', 'LiabilitiesCurrent', 'CurrentLiabilities'),
('long_term_debt', 'balance_sheet', 'instant', 'money', 'credit', 'Long-term debt', 'LongTermDebtNoncurrent', 'NoncurrentPortionOfNoncurrentBorrowings'),
('operating_lease_liabilities', 'balance_sheet', 'instant', 'money', 'credit', 'Operating lease liabilities, non-current', 'OperatingLeaseLiabilityNoncurrent', 'NoncurrentLeaseLiabilities'),
('deferred_tax_liabilities', 'balance_sheet', 'instant', 'money', 'credit', 'Deferred tax liabilities', 'DeferredIncomeTaxLiabilitiesNet', 'DeferredTaxLiabilities'),
('other_noncurrent_liabilities', 'balance_sheet', 'instant', 'money', 'credit', 'Other non-current liabilities', 'OtherLiabilitiesNoncurrent', 'OtherNoncurrentLiabilities'),
('total_noncurrent_liabilities', 'balance_sheet', 'instant', 'money', 'credit', 'Total non-current liabilities', 'LiabilitiesNoncurrent', 'NoncurrentLiabilities'),
('total_liabilities', 'balance_sheet', 'instant', 'money', 'credit', 'Total liabilities', 'Liabilities', 'Liabilities'),
('common_stock', 'balance_sheet', 'instant', 'money', 'credit', 'Common stock (and paid-in capital)', 'CommonStockValue', 'IssuedCapital'),
('additional_paid_in_capital', 'balance_sheet', 'instant', 'money', 'credit', 'Additional paid-in capital', 'AdditionalPaidInCapital', 'SharePremium'),
('retained_earnings', 'balance_sheet', 'instant', 'money', 'credit', 'Retained earnings (accumulated deficit)', 'RetainedEarningsAccumulatedDeficit', 'RetainedEarnings'),
('accumulated_oci', 'balance_sheet', 'instant', 'money', 'credit', 'Accumulated other comprehensive income (loss)', 'AccumulatedOtherComprehensiveIncomeLossNetOfTax', 'AccumulatedOtherComprehensiveIncome'),
('treasury_stock', 'balance_sheet', 'instant', 'money', 'debit', 'Treasury stock', 'TreasuryStockValue', 'TreasuryShares'),
('equity_attributable_to_parent', 'balance_sheet', 'instant', 'money', 'credit', 'Equity attributable to the parent', 'StockholdersEquity', 'EquityAttributableToOwnersOfParent'),
('noncontrolling_interest', 'balance_sheet', 'instant', 'money', 'credit', 'Non-controlling interests', 'MinorityInterest', 'NoncontrollingInterests'),
('total_equity', 'balance_sheet', 'instant', 'money', 'credit', 'Total equity', 'StockholdersEquityIncludingPortionAttributableToNoncontrollingInterest', 'Equity'),
('liabilities_and_equity', 'balance_sheet', 'instant', 'money', 'credit', 'Total liabilities and equity', 'LiabilitiesAndStockholdersEquity', 'EquityAndLiabilities'),
-- cash flow
('depreciation_amortization', 'cash_flow', 'duration', 'money', 'debit', 'Depreciation and amortization', 'DepreciationDepletionAndAmortization', 'AdjustmentsForDepreciationAndAmortisationExpense'),
('share_based_compensation', 'cash_flow', 'duration', 'money', 'debit', 'Share-based compensation', 'ShareBasedCompensation', 'AdjustmentsForSharebasedPayments'),
('deferred_income_taxes', 'cash_flow', 'duration', 'money', 'debit', 'Deferred income taxes', 'DeferredIncomeTaxExpenseBenefit', 'AdjustmentsForDeferredTaxExpense'),
('cash_from_operations', 'cash_flow', 'duration', 'money', 'debit', 'Net cash from operating activities', 'NetCashProvidedByUsedInOperatingActivities', 'CashFlowsFromUsedInOperatingActivities'),
('capital_expenditure', 'cash_flow', 'duration', 'money', 'credit', 'Capital expenditure (purchases of property, plant and equipment)', 'PaymentsToAcquirePropertyPlantAndEquipment', 'PurchaseOfPropertyPlantAndEquipmentClassifiedAsInvestingActivities'),
('acquisitions', 'cash_flow', 'duration', 'money', 'credit', 'Acquisitions, net of cash acquired', 'PaymentsToAcquireBusinessesNetOfCashAcquired', 'CashFlowsUsedInObtainingControlOfSubsidiariesOrOtherBusinessesClassifiedAsInvestingActivities'),
('cash_from_investing', 'cash_flow', 'duration', 'money', 'debit', 'Net cash from investing activities', 'NetCashProvidedByUsedInInvestingActivities', 'CashFlowsFromUsedInInvestingActivities'),
('debt_issued', 'cash_flow', 'duration', 'money', 'debit', 'Proceeds from issuance of debt', 'ProceedsFromIssuanceOfLongTermDebt', 'ProceedsFromBorrowingsClassifiedAsFinancingActivities'),
('debt_repaid', 'cash_flow', 'duration', 'money', 'credit', 'Repayments of debt', 'RepaymentsOfLongTermDebt', 'RepaymentsOfBorrowingsClassifiedAsFinancingActivities'),
('dividends_paid', 'cash_flow', 'duration', 'money', 'credit', 'Dividends paid', 'PaymentsOfDividends', 'DividendsPaidClassifiedAsFinancingActivities'),
('share_repurchases', 'cash_flow', 'duration', 'money', 'credit', 'Repurchases of common stock', 'PaymentsForRepurchaseOfCommonStock', 'PaymentsToAcquireOrRedeemEntitysShares'),
('cash_from_financing', 'cash_flow', 'duration', 'money', 'debit', 'Net cash from financing activities', 'NetCashProvidedByUsedInFinancingActivities', 'CashFlowsFromUsedInFinancingActivities'),
('fx_effect_on_cash', 'cash_flow', 'duration', 'money', 'debit', 'Effect of exchange rates on cash', 'EffectOfExchangeRateOnCashCashEquivalentsRestrictedCashAndRestrictedCashEquivalents', 'EffectOfExchangeRateChangesOnCashAndCashEquivalents'),
('net_change_in_cash', 'cash_flow', 'duration', 'money', 'debit', 'Net change in cash and cash equivalents', 'CashCashEquivalentsRestrictedCashAndRestrictedCashEquivalentsPeriodIncreaseDecreaseIncludingExchangeRateEffect', 'IncreaseDecreaseInCashAndCashEquivalents'),
('cash_beginning_of_period', 'cash_flow', 'instant', 'money', 'debit', 'Cash at the beginning of the period', 'CashCashEquivalentsRestrictedCashAndRestrictedCashEquivalents', 'CashAndCashEquivalents'),
('cash_end_of_period', 'cash_flow', 'instant', 'money', 'debit', 'Cash at the end of the period', 'CashCashEquivalentsRestrictedCashAndRestrictedCashEquivalents', 'CashAndCashEquivalents'),
('income_taxes_paid', 'cash_flow', 'duration', 'money', 'credit', 'Income taxes paid', 'IncomeTaxesPaidNet', 'IncomeTaxesPaidRefundClassifiedAsOperatingActivities'),
('interest_paid', 'cash_flow', 'duration', 'money', 'credit', 'Interest paid', 'InterestPaidNet', 'InterestPaidClassifiedAsOperatingActivities');

-- The rules finextract ships (builtin); users add their own.
INSERT INTO finx.concept_rules (concept, statement_type, label_pattern, is_total, context_pattern, priority, builtin) VALUES
-- income statement
('revenue', 'income_statement', '^total (net )?(operating )?(revenues?|sales|net sales|net revenues?)$', NULL, NULL, 120, true),
('revenue', 'income_statement', '^(net )?(operating )?(revenues?|sales|turnover)(, net)?$', NULL, NULL, 110, true),
('revenue', 'income_statement', '^(total )?revenues? (and other income|from contracts with customers)$', NULL, NULL, 100, true),
('cost_of_revenue', 'income_statement', '^total cost of (net )?(revenues?|sales|goods sold|products sold)$', NULL, NULL, 120, true),
('cost_of_revenue', 'income_statement', '^cost of (net )?(revenues?|sales|goods sold|products sold|merchandise sold)(, excluding.*)?$', NULL, NULL, 110, true),
('cost_of_revenue', 'income_statement', '^(direct costs|cost of services)$', NULL, NULL, 100, true),
('gross_profit', 'income_statement', '^(total )?gross (profit|margin)( \(loss\))?$', NULL, NULL, 110, true),
('research_development', 'income_statement', '^research(,)? (and|&) development( expenses?| costs)?$', NULL, NULL, 100, true),
('selling_general_administrative', 'income_statement', '^(selling|marketing|sales), general(,)? and administrative( expenses?)?$', NULL, NULL, 100, true),
('selling_marketing', 'income_statement', '^(sales|selling) and marketing( expenses?)?$', NULL, NULL, 100, true),
('general_administrative', 'income_statement', '^general and administrative( expenses?)?$', NULL, NULL, 100, true),
('restructuring', 'income_statement', '^restructuring( charges| costs| and other( charges)?)?(, net)?$', NULL, NULL, 100, true),
('operating_expenses', 'income_statement', '^total operating (expenses|costs)( and expenses)?$', NULL, NULL, 110, true),
('operating_expenses', 'income_statement', '^operating (expenses|costs)$', true, NULL, 100, true),
('costs_and_expenses', 'income_statement', '^total (costs and expenses|operating costs and expenses|expenses)$', NULL, NULL, 100, true),
('operating_income', 'income_statement', '^(total )?operating (income|profit|loss|income \(loss\)|\(loss\) income|profit \(loss\))$', NULL, NULL, 110, true),
('operating_income', 'income_statement', '^(income|profit|loss|income \(loss\)|\(loss\) income|earnings) from operations$', NULL, NULL, 110, true),
('operating_income', 'income_statement', '^(results|profit) from operating activities$', NULL, NULL, 100, true),
('interest_expense', 'income_statement', '^interest expenses?(, net)?$', NULL, NULL, 100, true),
('interest_income', 'income_statement', '^interest (and dividend )?income(, net)?$', NULL, NULL, 100, true),
('net_interest_income', 'income_statement', '^net interest income$', NULL, NULL, 100, true),
('other_income', 'income_statement', '^(total )?other (income|expense|income \(expense\)|\(income\) expense|expense \(income\)|income and expense|non-?operating income \(expense\))(, net)?$', NULL, NULL, 100, true),
('pretax_income', 'income_statement', '^(income|earnings|profit|loss|income \(loss\)|\(loss\) income|earnings \(loss\)|profit \(loss\)) (from continuing operations )?before (provision for |benefit from )?(income )?tax(es)?( expense)?$', NULL, NULL, 110, true),
('pretax_income', 'income_statement', 'before (provision for |benefit from )?(income )?tax', NULL, NULL, 90, true),
('income_tax', 'income_statement', '^(provision for|benefit from|\(provision for\)|provision \(benefit\) for|\(benefit\) provision for|provision for \(benefit from\)) income tax(es)?$', NULL, NULL, 110, true),
('income_tax', 'income_statement', '^(income )?tax(es)?( expenses?| provision| \(expense\) benefit| expense \(benefit\)| \(benefit\) expense| benefit \(expense\)| benefit)?$', NULL, NULL, 110, true),
('income_tax', 'income_statement', '^(taxes on income|income tax expense on continuing operations)$', NULL, NULL, 100, true),
('income_continuing_operations', 'income_statement', '^(net )?(income|earnings|profit|income \(loss\)|earnings \(loss\)) from continuing operations( net of (income )?tax(es)?)?$', NULL, NULL, 100, true),
('income_discontinued_operations', 'income_statement', '(income|earnings|profit|loss|\(loss\)).* from discontinued operations', NULL, NULL, 90, true),
('net_income', 'income_statement', '^(consolidated )?net (income|earnings|profit|loss|income \(loss\)|\(loss\) income|earnings \(loss\)|loss \(income\))$', NULL, NULL, 120, true),
('net_income', 'income_statement', '^net (income|profit|earnings) after (income )?tax(es)?$', NULL, NULL, 115, true),
('net_income', 'income_statement', '^(profit|loss|profit \(loss\)|net profit) (for|of) the (year|period|financial year)$', NULL, NULL, 120, true),
('net_income', 'income_statement', '^net (income|earnings|loss|income \(loss\)) including non-?controlling interests?$', NULL, NULL, 110, true),
('net_income_attributable_to_nci', 'income_statement', 'attributable to (the )?(non-?controlling|minority) interests?', NULL, NULL, 110, true),
('net_income_attributable_to_parent', 'income_statement', '^(net )?(income|earnings|profit|loss|income \(loss\)|profit \(loss\)).*attributable to (the )?(owners|equity holders|shareholders|stockholders|shareowners|common|parent|[a-z].*(inc|corp|corporation|company|plc|ag|se|n\.v|s\.a|ltd|limited))', NULL, NULL, 100, true),
('net_income_attributable_to_parent', 'income_statement', '^(owners|equity holders|shareholders) of the (parent|company)$', NULL, 'attributable to', 90, true),
('net_income_attributable_to_parent', 'income_statement', '^(?!.*\mper\M)(net )?(income|earnings|profit|profit \(loss\)|income \(loss\)) attributable to (?!(the )?(non-?controlling|minority))', NULL, NULL, 95, true),
('eps_basic', 'income_statement', '^(net )?(income|earnings|profit|loss|income \(loss\)|earnings \(loss\)).* per (common |ordinary )?share.*basic', NULL, NULL, 110, true),
('eps_basic', 'income_statement', '^basic (net )?(income |earnings |profit |loss )?(\(loss\) )?per (common |ordinary )?share', NULL, NULL, 110, true),
('eps_basic', 'income_statement', '^basic( net income| earnings)?$', NULL, 'per (common |ordinary )?share', 100, true),
('eps_diluted', 'income_statement', '^(net )?(income|earnings|profit|loss|income \(loss\)|earnings \(loss\)).* per (common |ordinary )?share.*diluted', NULL, NULL, 110, true),
('eps_diluted', 'income_statement', '^diluted (net )?(income |earnings |profit |loss )?(\(loss\) )?per (common |ordinary )?share', NULL, NULL, 110, true),
('eps_diluted', 'income_statement', '^diluted( net income| earnings)?$', NULL, 'per (common |ordinary )?share', 100, true),
('shares_basic', 'income_statement', '^(basic weighted[- ]average|weighted[- ]average.*basic|basic (shares|weighted))', NULL, NULL, 110, true),
('shares_basic', 'income_statement', '^basic$', NULL, '(shares|weighted)', 105, true),
('shares_diluted', 'income_statement', '^(diluted weighted[- ]average|weighted[- ]average.*diluted|diluted (shares|weighted))', NULL, NULL, 110, true),
('shares_diluted', 'income_statement', '^diluted$', NULL, '(shares|weighted)', 105, true),
('dividends_per_share', 'income_statement', '^(cash )?dividends? (declared |paid )?per (common )?share', NULL, NULL, 100, true),
-- comprehensive income
('other_comprehensive_income', 'comprehensive_income', '^(total )?other comprehensive (income|loss|income \(loss\)|\(loss\) income)(, net of (income )?tax(es)?)?$', NULL, NULL, 100, true),
('comprehensive_income', 'comprehensive_income', '^(total )?comprehensive (income|loss|income \(loss\)|\(loss\) income)( for the (year|period))?$', NULL, NULL, 110, true),
('comprehensive_income_attributable_to_parent', 'comprehensive_income', '^comprehensive (income|loss|income \(loss\)) attributable to (the )?(owners|shareholders|stockholders|shareowners|parent|[a-z].*(inc|corp|corporation|company))', NULL, NULL, 100, true),
('net_income', 'comprehensive_income', '^net (income|earnings|profit|loss|income \(loss\))$', NULL, NULL, 100, true),
-- balance sheet
('cash_and_equivalents', 'balance_sheet', '^cash and (cash )?equivalents$', NULL, NULL, 120, true),
('cash_and_equivalents', 'balance_sheet', '^(cash|cash and due from banks|cash and balances with central banks)$', NULL, NULL, 100, true),
('short_term_investments', 'balance_sheet', '^(short-term|current) (investments|marketable securities)$', NULL, NULL, 100, true),
('short_term_investments', 'balance_sheet', '^marketable securities$', NULL, NULL, 90, true),
('accounts_receivable', 'balance_sheet', '^(trade )?(accounts|notes|trade) receivables?(, net| net)?( of allowances?.*)?$', NULL, NULL, 110, true),
('accounts_receivable', 'balance_sheet', '^(accounts receivable|receivables|trade and other receivables)', NULL, NULL, 100, true),
('inventories', 'balance_sheet', '^(merchandise )?inventor(y|ies)(, net)?$', NULL, NULL, 110, true),
('prepaid_and_other_current_assets', 'balance_sheet', '^(prepaid expenses and other current assets|other current assets|prepaid expenses and other)$', NULL, NULL, 100, true),
('total_current_assets', 'balance_sheet', '^total current assets$', NULL, NULL, 120, true),
('total_current_assets', 'balance_sheet', '^current assets$', NULL, NULL, 80, true),
('ppe_net', 'balance_sheet', '^(total )?(net )?property(,)? (plant )?(and|&) equipment(, net| net|, at cost, net|, less accumulated depreciation)?$', NULL, NULL, 110, true),
('ppe_net', 'balance_sheet', '^(net )?property(,)? (plant )?(and|&) equipments?\M.*\mnet$', NULL, NULL, 115, true),
('ppe_net', 'balance_sheet', '^property(,)? (plant )?(and|&) equipments?$', NULL, NULL, 108, true),
('ppe_net', 'balance_sheet', '^property(,)? (plant )?(and|&) equipment.*net', NULL, NULL, 105, true),
('ppe_net', 'balance_sheet', '^net property(,)? (plant )?and equipment$', NULL, NULL, 110, true),
('operating_lease_assets', 'balance_sheet', '^operating lease (right-of-use )?assets$', NULL, NULL, 100, true),
('goodwill', 'balance_sheet', '^goodwill(, net)?$', NULL, NULL, 110, true),
('intangible_assets', 'balance_sheet', '^(other |acquired )?intangible assets(, net| net)?$', NULL, NULL, 100, true),
('long_term_investments', 'balance_sheet', '^(long-term|non-?current) (investments|marketable securities)$', NULL, NULL, 100, true),
('deferred_tax_assets', 'balance_sheet', '^deferred (income )?tax(es)? assets?$', NULL, NULL, 100, true),
('other_noncurrent_assets', 'balance_sheet', '^other (non-?current|long-term) assets$', NULL, NULL, 100, true),
('total_noncurrent_assets', 'balance_sheet', '^total (non-?current|long-term) assets$', NULL, NULL, 110, true),
('total_assets', 'balance_sheet', '^total assets$', NULL, NULL, 120, true),
('accounts_payable', 'balance_sheet', '^(trade )?accounts payable$', NULL, NULL, 110, true),
('accounts_payable', 'balance_sheet', '^(trade (and other )?payables|accounts payable and accrued)', NULL, NULL, 100, true),
('accrued_liabilities', 'balance_sheet', '^(other )?accrued (liabilities|expenses)( and other)?( current liabilities)?$', NULL, NULL, 100, true),
('short_term_debt', 'balance_sheet', '^(short-term (debt|borrowings)|current portion of long-term debt|current maturities of long-term debt|commercial paper|notes payable and short-term borrowings|short-term borrowings and current portion of long-term debt)$', NULL, NULL, 100, true),
('deferred_revenue', 'balance_sheet', '^(current )?(deferred revenues?|unearned revenues?|contract liabilities)$', NULL, NULL, 100, true),
('income_taxes_payable', 'balance_sheet', '^(accrued )?income taxes( payable)?$', NULL, NULL, 100, true),
('total_current_liabilities', 'balance_sheet', '^total current liabilities$', NULL, NULL, 120, true),
('total_current_liabilities', 'balance_sheet', '^current liabilities$', NULL, NULL, 80, true),
('long_term_debt', 'balance_sheet', '^(long-term (debt|borrowings)|notes payable and other (non-current )?borrowings,? non-?current)(, net| net)?(, (less|excluding|net of) current (portion|maturities))?$', NULL, NULL, 100, true),
('operating_lease_liabilities', 'balance_sheet', '^(long-term |non-?current )?operating lease liabilit(y|ies)(, non-?current)?$', NULL, NULL, 90, true),
('deferred_tax_liabilities', 'balance_sheet', '^deferred (income )?tax(es)?( liabilit(y|ies))?$', NULL, NULL, 90, true),
('other_noncurrent_liabilities', 'balance_sheet', '^other (non-?current|long-term) liabilities$', NULL, NULL, 100, true),
('total_noncurrent_liabilities', 'balance_sheet', '^total (non-?current|long-term) liabilities$', NULL, NULL, 110, true),
('total_liabilities', 'balance_sheet', '^total liabilities$', NULL, NULL, 120, true),
('retained_earnings', 'balance_sheet', '^(retained earnings|accumulated deficit|retained earnings \(accumulated deficit\)|accumulated deficit \(retained earnings\)|reinvested earnings)$', NULL, NULL, 100, true),
('accumulated_oci', 'balance_sheet', '^accumulated other comprehensive (income|loss|income \(loss\)|\(loss\) income)', NULL, NULL, 100, true),
('treasury_stock', 'balance_sheet', '^(common stock in treasury|treasury (stock|shares))', NULL, NULL, 90, true),
('additional_paid_in_capital', 'balance_sheet', '^additional paid-in capital$', NULL, NULL, 100, true),
('noncontrolling_interest', 'balance_sheet', '^(non-?controlling|minority) interests?( in subsidiaries)?$', NULL, NULL, 100, true),
('total_equity', 'balance_sheet', '^total (shareholders|stockholders|shareowners)?''? ?(equity|deficit|equity \(deficit\)|\(deficit\) equity)$', NULL, NULL, 120, true),
('total_equity', 'balance_sheet', '^total equity$', NULL, NULL, 125, true),
('total_equity', 'balance_sheet', '^equity$', NULL, NULL, 80, true),
('equity_attributable_to_parent', 'balance_sheet', '^(total )?(equity attributable to (the )?(owners|equity holders|shareholders) of the (parent|company)|.*(shareholders|stockholders|shareowners)''? equity attributable to)', NULL, NULL, 110, true),
('equity_attributable_to_parent', 'balance_sheet', '^total .+ (shareholders|stockholders|shareowners)''? (equity|deficit)$', NULL, NULL, 100, true),
('equity_attributable_to_parent', 'balance_sheet', '^total (shareholders|stockholders|shareowners)''? (equity|deficit)$', NULL, NULL, 90, true),
('liabilities_and_equity', 'balance_sheet', '^total liabilities(,)? (and|&) (shareholders|stockholders|shareowners)?''? ?(equity|deficit|equity \(deficit\))$', NULL, NULL, 120, true),
('liabilities_and_equity', 'balance_sheet', '^total liabilities(,)? .*(and|&) .*(equity|deficit)', NULL, NULL, 110, true),
('liabilities_and_equity', 'balance_sheet', '^total (equity|shareholders'' equity) and liabilities$', NULL, NULL, 120, true),
-- cash flow
('net_income', 'cash_flow', '^(consolidated )?net (income|earnings|profit|loss|income \(loss\)|\(loss\) income|earnings \(loss\))( including non-?controlling interests?)?$', NULL, NULL, 110, true),
('net_income', 'cash_flow', '^(profit|profit \(loss\)) for the (year|period)$', NULL, NULL, 110, true),
('depreciation_amortization', 'cash_flow', '^depreciation(,)? (depletion )?(and|&) amortization( expense)?$', NULL, NULL, 110, true),
('depreciation_amortization', 'cash_flow', '^depreciation(,)? amortization(,)? and', NULL, NULL, 100, true),
('depreciation_amortization', 'cash_flow', '^depreciation$', NULL, NULL, 90, true),
('share_based_compensation', 'cash_flow', '^(share|stock)[- ]based compensation( expense)?$', NULL, NULL, 100, true),
('deferred_income_taxes', 'cash_flow', '^deferred (income )?tax(es)?( expense| \(benefit\)| benefit| expense/\(benefit\)| expense \(benefit\))?$', NULL, NULL, 100, true),
('cash_from_operations', 'cash_flow', '^(net )?cash (flows? )?(provided by|from|generated by|generated from|used in|\(used in\) provided by|provided by \(used in\)|provided from|used for|from \(used in\)|\(used in\) from) operati(ng|ons)( activities)?$', NULL, NULL, 120, true),
('cash_from_operations', 'cash_flow', '^(cash generated by operating activities|net cash flows? from operating activities)$', NULL, NULL, 120, true),
('capital_expenditure', 'cash_flow', '^(payments? for (the )?(acquisition|purchase)s? of |payments? for |purchases? of |acquisitions? of |additions? to |expenditures? for |investments? in )(property|premises)(,)? (plant )?(and|&) equipment', NULL, NULL, 110, true),
('capital_expenditure', 'cash_flow', '^capital expenditures?( \(.*\))?$', NULL, NULL, 120, true),
('capital_expenditure', 'cash_flow', '^(purchases? of|payments? for|additions? to) (fixed|tangible) assets$', NULL, NULL, 100, true),
('acquisitions', 'cash_flow', '^(payments? for )?(business )?acquisitions?(,)? net of cash acquired', NULL, NULL, 100, true),
('cash_from_investing', 'cash_flow', '^(total |net )?cash (flows? )?(generated by|provided by|from)((/| )\(used in\))? investing activit(y|ies)$', NULL, NULL, 120, true),
('cash_from_investing', 'cash_flow', '^(net )?cash (flows? )?(provided by|from|generated by|used in|\(used in\) provided by|provided by \(used in\)|used for|from \(used in\)|\(used in\) from) investing( activities)?$', NULL, NULL, 120, true),
('debt_issued', 'cash_flow', '^proceeds from (the )?(issuance|issue) of (long-term )?(debt|notes|borrowings|term debt)', NULL, NULL, 100, true),
('debt_repaid', 'cash_flow', '^(repayments?|payments?) (of|on) (long-term )?(debt|notes|borrowings|term debt)', NULL, NULL, 100, true),
('dividends_paid', 'cash_flow', '^(cash )?dividends? paid( to (common )?(stockholders|shareholders))?$', NULL, NULL, 110, true),
('dividends_paid', 'cash_flow', '^payments? (for|of) dividends', NULL, NULL, 110, true),
('dividends_paid', 'cash_flow', '^(common stock )?dividends$', NULL, NULL, 100, true),
('share_repurchases', 'cash_flow', '^(payments? for )?(repurchases?|purchases?|buybacks?) of (common |treasury |ordinary |own )?(stock|shares)', NULL, NULL, 100, true),
('cash_from_financing', 'cash_flow', '^(total |net )?cash (flows? )?(generated by|provided by|from)((/| )\(used in\))? financing activit(y|ies)$', NULL, NULL, 120, true),
('cash_from_financing', 'cash_flow', '^(net )?cash (flows? )?(provided by|from|generated by|used in|\(used in\) provided by|provided by \(used in\)|used for|from \(used in\)|\(used in\) from) financing( activities)?$', NULL, NULL, 120, true),
('fx_effect_on_cash', 'cash_flow', '^effects? of (foreign )?exchange rate', NULL, NULL, 100, true),
('net_change_in_cash', 'cash_flow', '^(net )?(increase|decrease|change|\(decrease\) increase|increase \(decrease\)|decrease \(increase\))( \(decrease\))? in cash', NULL, NULL, 100, true),
('cash_beginning_of_period', 'cash_flow', '^cash.*(beginning|start) of (the )?(year|period)', NULL, NULL, 100, true),
('cash_end_of_period', 'cash_flow', '^cash.*end of (the )?(year|period)', NULL, NULL, 100, true),
('income_taxes_paid', 'cash_flow', '^(cash paid for )?income taxes( paid)?(, net)?( of refunds)?$', NULL, NULL, 90, true),
('interest_paid', 'cash_flow', '^(cash paid for )?interest( paid)?(, net)?( of amounts capitalized)?$', NULL, NULL, 90, true);

-- Equity under other names: "stockholders' investment" (FedEx and others),
-- "owners' equity", "members' capital", "partners' capital" are the total
-- equity of a balance sheet that prints no other equity total.
INSERT INTO finx.concept_rules (concept, statement_type, label_pattern, is_total, context_pattern, priority, builtin) VALUES
('total_equity', 'balance_sheet', '^total (common )?(shareholders|stockholders|shareowners|owners|members|partners)''? ?(investment|equity|capital)$', NULL, NULL, 115, true),
('liabilities_and_equity', 'balance_sheet', '^total liabilities(,)? .*(and|&) .*(investment|capital)$', NULL, NULL, 110, true);

-- The label as rules see it: lower case, straight quotes, no footnote marks,
-- dot leaders, currency marks or trailing colons, single spaces.
CREATE FUNCTION finx.norm_label(label text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
SELECT btrim(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
		 translate(lower(label), '’‘`´', ''''''''''),
		 '(\s*\.){2,}', ' ', 'g'),							-- dot leaders
		 '\s*(\(\d{1,2}\)|\([a-z]\)|\*+|[$€£¥])\s*$', '', 'g'),	-- trailing footnote or currency mark
		 '\s+', ' ', 'g'),
		 '[\s:,;$]+$', ''),
		 '^[\s\-–—•·]+', ''))
$$;
COMMENT ON FUNCTION finx.norm_label(text) IS 'A label normalised for finx.concept_rules.label_pattern';

-- What a row's values count, from its label and the heading above it.
CREATE FUNCTION finx.unit_kind_of(label text, context text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT CASE
	WHEN label ~ '\mper (common |ordinary |basic |diluted )?(share|ads|unit)\M' THEN 'per_share'
	WHEN label ~ '^(basic|diluted)\M' AND coalesce(context, '') ~ '\mper (common |ordinary )?share'
		 AND coalesce(context, '') !~ '(shares (used|outstanding)|weighted|number of|average shares)' THEN 'per_share'
	WHEN label ~ '\mshares\M' AND label ~ '(weighted|average|outstanding|number of|used in)' THEN 'shares'
	WHEN label ~ '^(basic|diluted)\M' AND coalesce(context, '') ~ '(shares|weighted)' THEN 'shares'
	WHEN label ~ '(%|\mpercent(age)?\M|\mmargin \(%\))' THEN 'percent'
	WHEN label ~ '\mratio\M' THEN 'ratio'
	WHEN label ~ '^number of (employees|stores|restaurants|locations|branches|customers)' THEN 'count'
	ELSE 'money' END
$$;
COMMENT ON FUNCTION finx.unit_kind_of(text, text) IS 'money, per_share, shares, percent, ratio or count, from a normalised label and its heading';

-- The concept rules' match: subject ~* pattern, with every compiled
-- pattern kept for the life of the session (the backend keeps only 32, and
-- a statement type has more rules than that).
CREATE FUNCTION finx.label_match(subject text, pattern text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'finx_label_match'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION finx.label_match(text, text) IS 'subject ~* pattern (case-insensitive POSIX regular expression), keeping up to 512 compiled patterns for the session; used by finx.map_statement';

-- A rule whose pattern does not compile is refused when it is written,
-- not when a job is mapped.
ALTER TABLE finx.concept_rules ADD CONSTRAINT concept_rules_patterns_compile
	CHECK (finx.label_match('', label_pattern) IS NOT NULL
		   AND finx.label_match('', coalesce(context_pattern, '')) IS NOT NULL);

-- A statement's rows as the concept rules see them.
CREATE FUNCTION finx.statement_rows(statement_id bigint,
									OUT row_no int, OUT norm text, OUT context text,
									OUT is_total boolean, OUT has_values boolean)
RETURNS SETOF record
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT li.row_no, finx.norm_label(li.label),
	   (SELECT finx.norm_label(h.label) FROM finx.line_items h
		 WHERE h.statement_id = li.statement_id AND h.row_no < li.row_no
		   AND h.row_no >= li.row_no - 5
		   AND NOT EXISTS (SELECT 1 FROM unnest(h."values") v WHERE v IS NOT NULL)
		 ORDER BY h.row_no DESC LIMIT 1),
	   li.is_total,
	   EXISTS (SELECT 1 FROM unnest(li."values") v WHERE v IS NOT NULL)
  FROM finx.line_items li WHERE li.statement_id = $1
$$;
COMMENT ON FUNCTION finx.statement_rows(bigint) IS 'A statement''s rows with normalised label and heading, for finx.map_statement';

-- Map one statement's rows to concepts and unit kinds.  The concepts the
-- LLM structurer gave (concept_source 'llm') come first and are kept: a
-- concept it gave to several rows stays on one (a total before other rows,
-- then the first row); one on a row without values, or on a statement where
-- it does not belong (neither its statement type nor that of a rule for
-- it, as net_income in a cash flow statement), is dropped.  Then
-- rule and row pairs are taken by rule priority (totals first, then the
-- first row); a pair is skipped when its concept or its row is already
-- taken, so each concept goes to at most one row and each row gets at most
-- one concept: the rules fill only what the model left NULL.
CREATE FUNCTION finx.map_statement(statement_id bigint)
RETURNS int
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	stype text;
	r record;
	taken text[] := '{}';
	rows_taken int[] := '{}';
	n_llm int;
	-- the statement's rows (finx.statement_rows), read once for both passes
	r_no int[];
	r_norm text[];
	r_context text[];
	r_total boolean[];
	r_values boolean[];
BEGIN
	SELECT s.statement_type INTO stype FROM finx.statements s WHERE s.id = map_statement.statement_id;
	SELECT array_agg(x.row_no), array_agg(x.norm), array_agg(x.context), array_agg(x.is_total),
		   array_agg(x.has_values)
	  INTO r_no, r_norm, r_context, r_total, r_values
	  FROM finx.statement_rows(map_statement.statement_id) x;
	FOR r IN
		SELECT li.concept, li.row_no
		  FROM finx.line_items li
		 WHERE li.statement_id = map_statement.statement_id
		   AND li.concept_source = 'llm' AND li.concept IS NOT NULL
		   AND EXISTS (SELECT 1 FROM unnest(li."values") v WHERE v IS NOT NULL)
		   AND (EXISTS (SELECT 1 FROM finx.concepts k WHERE k.concept = li.concept AND k.statement_type = stype)
				OR EXISTS (SELECT 1 FROM finx.concept_rules cr WHERE cr.concept = li.concept AND cr.statement_type = stype))
		 ORDER BY li.is_total DESC, li.row_no
	LOOP
		CONTINUE WHEN r.concept = ANY (taken);
		taken := taken || r.concept;
		rows_taken := rows_taken || r.row_no;
	END LOOP;
	n_llm := cardinality(taken);
	-- rules outer, rows inner: each rule's pattern is looked up once and
	-- matched against every row (finx.label_match finds it first in its
	-- cache of compiled patterns); OFFSET 0 keeps the planner from
	-- flattening the lateral subquery into a join that it may turn the
	-- other way round
	FOR r IN
		WITH m AS MATERIALIZED (
			SELECT x.* FROM unnest(r_no, r_norm, r_context, r_total, r_values)
							 AS x(row_no, norm, context, is_total, has_values)
			 WHERE x.has_values
		)
		SELECT cr.concept, mm.row_no
		  FROM finx.concept_rules cr
		 CROSS JOIN LATERAL (
			SELECT m.row_no, m.is_total FROM m
			 WHERE finx.label_match(m.norm, cr.label_pattern)
			   AND (cr.is_total IS NULL OR cr.is_total = m.is_total)
			   AND (cr.context_pattern IS NULL OR finx.label_match(coalesce(m.context, ''), cr.context_pattern))
			OFFSET 0
		 ) mm
		 WHERE cr.statement_type = stype
		 ORDER BY cr.priority DESC, cr.builtin, cr.id, mm.is_total DESC, mm.row_no
	LOOP
		CONTINUE WHEN r.concept = ANY (taken) OR r.row_no = ANY (rows_taken);
		taken := taken || r.concept;
		rows_taken := rows_taken || r.row_no;
	END LOOP;

	UPDATE finx.line_items li
	   SET concept = c.concept,
		   concept_source = CASE WHEN c.ord <= n_llm THEN 'llm' WHEN c.ord IS NOT NULL THEN 'rule' END,
		   unit_kind = coalesce(k.unit_kind, finx.unit_kind_of(m.norm, m.context))
	  FROM unnest(r_no, r_norm, r_context) AS m(row_no, norm, context)
	  LEFT JOIN unnest(rows_taken, taken) WITH ORDINALITY AS c(row_no, concept, ord) ON c.row_no = m.row_no
	  LEFT JOIN finx.concepts k ON k.concept = c.concept
	 WHERE li.statement_id = map_statement.statement_id AND li.row_no = m.row_no
	   AND (li.concept IS DISTINCT FROM c.concept
			OR li.concept_source IS DISTINCT FROM CASE WHEN c.ord <= n_llm THEN 'llm' WHEN c.ord IS NOT NULL THEN 'rule' END
			OR li.unit_kind IS DISTINCT FROM coalesce(k.unit_kind, finx.unit_kind_of(m.norm, m.context)));
	RETURN cardinality(taken);
END
$$;
COMMENT ON FUNCTION finx.map_statement(bigint) IS 'Sets concept, concept_source and unit_kind of one statement''s line items: the LLM structurer''s concepts are kept (each on one row), finx.concept_rules fill the other rows; returns the number of rows with a concept';

-- A month name or abbreviation as its number.
CREATE FUNCTION finx.month_number(name text)
RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
SELECT array_position(ARRAY['jan','feb','mar','apr','may','jun','jul','aug','sep','oct','nov','dec'],
					  left(lower(name), 3))
$$;

-- Who filed a document, what kind of report it is and when its fiscal year
-- ends, read from its first pages' text and its statements' periods.
CREATE FUNCTION finx.detect_document(document_id bigint)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	cover text;
	m text[];
	v_company text;
	v_rtype text;
	v_fye text;
	mon int;
BEGIN
	SELECT string_agg(t.text, E'\n' ORDER BY t.page) INTO cover
	  FROM (SELECT DISTINCT ON (pt.page) pt.page, pt.text FROM finx.page_texts pt
			 WHERE pt.document_id = detect_document.document_id AND pt.page <= 3
			 ORDER BY pt.page, pt.created_at) t;
	cover := coalesce(cover, '');

	-- the registrant's name is the last line printed above this caption
	m := regexp_match(cover, '([^\n]*[^\s\n][^\n]*)\n(\s*\n)*[^\n]*\(?exact name of (the )?registrant', 'i');
	IF m IS NOT NULL THEN
		v_company := (SELECT p FROM regexp_split_to_table(btrim(m[1]), '\s{2,}') p
					 WHERE p ~ '[A-Za-z]{2}' ORDER BY length(p) DESC LIMIT 1);
	END IF;
	IF v_company IS NULL
		OR v_company ~* '^(commission|file|number|delaware|california|for the|transition|\(|[0-9_])'
		OR v_company ~ '_{3}' THEN
		-- else the first name with a legal form: "eBay Inc.", "PG&E CORPORATION"
		m := regexp_match(cover, '(?:^|[\n ])((?:(?:[A-Z0-9]|[a-z][A-Z])[A-Za-z0-9&''’.-]*[ ,]+){1,5}?(?:Inc\.?|INC\.?|Incorporated|Corporation|CORPORATION|Corp\.|CORP\.|Company|COMPANY|plc|PLC|AG|SE|S\.A\.|N\.V\.|Ltd\.?|LTD\.?|Limited|LIMITED|LLC|Holdings|HOLDINGS|Group|GROUP|Bank|BANK))(?=[\s,.;)]|$)');
		v_company := m[1];
	END IF;
	v_company := nullif(btrim(regexp_replace(v_company, '\s+', ' ', 'g'), ' ,.'), '');
	IF v_company ~* '^(the|our|this|such|each|any) ' THEN
		v_company := NULL;
	END IF;
	IF v_company IS NOT NULL AND v_company !~ '\.$' AND v_company ~ '(Inc|Corp|Ltd|Co|S\.A|N\.V)$' THEN
		v_company := v_company || '.';
	END IF;

	v_rtype := CASE
		WHEN cover ~* 'form\s+10-?k' THEN '10-K'
		WHEN cover ~* 'form\s+10-?q' THEN '10-Q'
		WHEN cover ~* 'form\s+20-?f' THEN '20-F'
		WHEN cover ~* 'form\s+40-?f' THEN '40-F'
		WHEN cover ~* '(for immediate release|press release|(reports?|announces?)[^\n]{0,60}(results|earnings))' THEN 'earnings release'
		WHEN cover ~* '(interim|quarterly|half[- ]year(ly)?|six[- ]month|nine[- ]month|first[- ]quarter|second[- ]quarter|third[- ]quarter) (financial )?(report|statements|statement|results)' THEN 'interim report'
		WHEN cover ~* 'annual (financial )?(report|statements)' THEN 'annual report'
		ELSE 'other' END;

	-- the fiscal year end: the cover, else the annual columns, else (an
	-- interim report) the earlier balance-sheet date, the last year end
	m := regexp_match(cover, 'fiscal\s+year\s+ended:?\s+([A-Za-z]{3,9})\.?\s+(\d{1,2})', 'i');
	mon := finx.month_number(m[1]);
	IF mon IS NOT NULL AND m[2]::int BETWEEN 1 AND 31 THEN
		v_fye := lpad(mon::text, 2, '0') || '-' || lpad(m[2], 2, '0');
	END IF;
	IF v_fye IS NULL THEN
		SELECT to_char(p.period_end, 'MM-DD') INTO v_fye
		  FROM finx.statement_periods p JOIN finx.statements s ON s.id = p.statement_id
		 WHERE s.document_id = detect_document.document_id AND p.period_months = 12
		 ORDER BY p.period_end DESC LIMIT 1;
	END IF;
	IF v_fye IS NULL AND v_rtype IN ('10-Q', 'interim report', 'earnings release') THEN
		SELECT to_char(min(p.period_end), 'MM-DD') INTO v_fye
		  FROM finx.statement_periods p JOIN finx.statements s ON s.id = p.statement_id
		 WHERE s.document_id = detect_document.document_id AND s.statement_type = 'balance_sheet'
		   AND p.period_months IS NULL AND p.period_end IS NOT NULL
		 GROUP BY s.id HAVING count(DISTINCT p.period_end) >= 2
		 ORDER BY s.id LIMIT 1;
	END IF;

	UPDATE finx.documents d
	   SET company = v_company, report_type = v_rtype,
		   fiscal_year_end = coalesce(v_fye, d.fiscal_year_end)
	 WHERE d.id = detect_document.document_id;
END
$$;
COMMENT ON FUNCTION finx.detect_document(bigint) IS 'Sets company, report_type and fiscal_year_end of a document from its first pages and its periods';

-- The fiscal year and period of a column ending on period_end and lasting
-- months (NULL for an instant), for a fiscal year ending on fye (MM-DD).
CREATE FUNCTION finx.fiscal_period_of(period_end date, months int, fye text,
									  OUT fiscal_year int, OUT fiscal_period text)
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	fy_end date;
	y int;
	q int;
BEGIN
	IF period_end IS NULL THEN
		RETURN;
	END IF;
	IF fye IS NULL THEN
		-- without a known year end, only a whole year can be named
		IF months = 12 THEN
			fiscal_year := extract(year FROM period_end - 7)::int;
			fiscal_period := 'FY';
		END IF;
		RETURN;
	END IF;
	-- the nominal year end on or after period_end, allowing the week by
	-- which 52/53-week years move around it
	FOR y IN extract(year FROM period_end)::int - 1 .. extract(year FROM period_end)::int + 1 LOOP
		fy_end := make_date(y, split_part(fye, '-', 1)::int, 1)
			+ (least(split_part(fye, '-', 2)::int,
					 extract(day FROM (make_date(y, split_part(fye, '-', 1)::int, 1) + interval '1 month - 1 day'))::int) - 1);
		EXIT WHEN fy_end >= period_end - 7;
	END LOOP;
	fiscal_year := extract(year FROM fy_end - 7)::int;
	q := 4 - round((fy_end - period_end) / 91.31)::int;
	IF q NOT BETWEEN 1 AND 4 THEN
		fiscal_year := NULL;
		RETURN;
	END IF;
	fiscal_period := CASE
		WHEN months IS NULL THEN CASE WHEN q = 4 THEN 'FY' ELSE 'Q' || q END
		WHEN months = 3 THEN 'Q' || q
		WHEN months = 6 AND q = 2 THEN 'H1'
		WHEN months = 6 AND q = 4 THEN 'H2'
		WHEN months = 9 AND q = 3 THEN '9M'
		WHEN months = 12 AND q = 4 THEN 'FY' END;
	IF fiscal_period IS NULL THEN
		fiscal_year := NULL;
	END IF;
END
$$;
COMMENT ON FUNCTION finx.fiscal_period_of(date, int, text) IS 'Fiscal year (named for the calendar year in which it ends; a year ending in the first days of January belongs to the year before) and fiscal period (FY, Q1..Q4, H1, H2, 9M) of a column';

-- The scale of share counts from a statement page's unit heading, e.g.
-- "(In millions, except number of shares which are reflected in thousands
-- and per share amounts)" gives 1000; "(in thousands, except share and per
-- share data)" gives 1; "(in millions, except per share amounts)" the money
-- scale (share counts in millions too).
CREATE FUNCTION finx.share_scale_of(page_text text, unit_scale numeric)
RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT CASE
	WHEN h IS NULL OR h !~ 'except' THEN unit_scale
	WHEN h ~ 'shares?\M[^,;]*\min (thousands|millions|billions)\M' THEN
		CASE (regexp_match(h, 'shares?\M[^,;]*\min (thousands|millions|billions)\M'))[1]
			WHEN 'thousands' THEN 1000 WHEN 'millions' THEN 1000000 ELSE 1000000000 END
	WHEN substring(h FROM 'except.*$') ~ '(?<!per )(?<!per-)\mshares?\M' THEN 1
	ELSE unit_scale END
  FROM (SELECT lower((regexp_match(page_text,
			'\(([^()]*\m(thousands|millions|billions)\M[^()]*)\)', 'i'))[1]) AS h) x
$$;
COMMENT ON FUNCTION finx.share_scale_of(text, numeric) IS 'The multiplier of share counts from the unit heading on a statement''s page (see finx.statements.share_scale)';

-- Concepts, unit kinds, document facts and fiscal periods of one job's
-- results (the job that produced them).
CREATE FUNCTION finx.map_job(job_id bigint)
RETURNS int
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	doc bigint;
	fye text;
	n int := 0;
	sid bigint;
BEGIN
	SELECT j.document_id INTO doc FROM finx.jobs j WHERE j.id = map_job.job_id;
	FOR sid IN SELECT s.id FROM finx.statements s WHERE s.job_id = map_job.job_id ORDER BY s.seq LOOP
		n := n + finx.map_statement(sid);
	END LOOP;
	UPDATE finx.statements s
	   SET share_scale = finx.share_scale_of(
			   (SELECT t.text FROM finx.page_texts t
				 WHERE t.document_id = s.document_id AND t.page = s.first_page
				 ORDER BY t.created_at LIMIT 1), s.unit_scale)
	 WHERE s.job_id = map_job.job_id;
	PERFORM finx.detect_document(doc);
	SELECT d.fiscal_year_end INTO fye FROM finx.documents d WHERE d.id = doc;
	UPDATE finx.statement_periods p
	   SET (fiscal_year, fiscal_period) =
		   (SELECT f.fiscal_year, f.fiscal_period
			  FROM finx.fiscal_period_of(p.period_end, p.period_months, fye) f)
	  FROM finx.statements s
	 WHERE s.id = p.statement_id AND s.job_id = map_job.job_id;
	-- the rows of an equity statement whose columns are components
	UPDATE finx.line_items li
	   SET (fiscal_year, fiscal_period) =
		   (SELECT f.fiscal_year, f.fiscal_period
			  FROM finx.fiscal_period_of(li.period_end, li.period_months, fye) f)
	  FROM finx.statements s
	 WHERE s.id = li.statement_id AND s.job_id = map_job.job_id AND s.component_columns;
	RETURN n;
END
$$;
COMMENT ON FUNCTION finx.map_job(bigint) IS 'Maps the statements a job produced to concepts, and sets its document''s company, report type and fiscal year end and its periods'' fiscal years';

-- When a job succeeds with its own results, map them.  A failure here
-- never fails the job: it becomes a warning in the server log.
CREATE FUNCTION finx.job_succeeded()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	-- finx.map_concepts = off (postgresql.conf, ALTER DATABASE): map later,
	-- with finx_remap, outside the worker's completion transaction
	IF coalesce(current_setting('finx.map_concepts', true), '') IN ('off', 'false', '0') THEN
		RETURN NULL;
	END IF;
	BEGIN
		PERFORM finx.map_job(NEW.id);
	EXCEPTION WHEN OTHERS THEN
		RAISE WARNING 'finextract: could not map the results of job % to concepts: %', NEW.id, SQLERRM;
	END;
	RETURN NULL;
END
$$;
-- Deferred to the end of the transaction: the worker marks the job succeeded
-- first (its fence) and then stores the statements and the text cache.
CREATE CONSTRAINT TRIGGER jobs_map_concepts AFTER UPDATE OF state ON finx.jobs
	DEFERRABLE INITIALLY DEFERRED
	FOR EACH ROW WHEN (NEW.state = 'succeeded' AND OLD.state IS DISTINCT FROM 'succeeded'
					   AND NEW.reused_from IS NULL)
	EXECUTE FUNCTION finx.job_succeeded();

-- May the session's user change what finextract holds about a document?
-- Superusers and members of a role that submitted it.  (SECURITY DEFINER
-- functions see the definer as current_user, so this asks of session_user.)
CREATE FUNCTION finx.may_correct(document_id bigint)
RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT coalesce((SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = session_user), false)
	OR EXISTS (SELECT 1 FROM finx.jobs j
				WHERE j.document_id = $1
				  AND pg_catalog.pg_has_role(session_user, j.submitted_by, 'MEMBER'))
$$;
COMMENT ON FUNCTION finx.may_correct(bigint) IS 'True when the session''s user is a superuser or a member of a role that submitted the document';

-- finx_remap: apply the concept rules again, without re-extraction.
CREATE FUNCTION finx_remap(job_id bigint)
RETURNS int
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	j finx.jobs;
BEGIN
	SELECT * INTO j FROM finx.jobs WHERE id = finx_remap.job_id;
	IF NOT FOUND OR NOT finx.may_correct(j.document_id) THEN
		RAISE EXCEPTION 'job % does not exist', finx_remap.job_id
			USING ERRCODE = 'undefined_object',
				  HINT = 'List your jobs with SELECT id, file_name, state FROM finx.jobs.';
	END IF;
	IF j.state <> 'succeeded' THEN
		RAISE EXCEPTION 'job % has not succeeded', finx_remap.job_id
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  HINT = 'Only the results of a succeeded job can be mapped; wait for it with finx_wait().';
	END IF;
	RETURN finx.map_job(coalesce(j.reused_from, j.id));
END
$$;
COMMENT ON FUNCTION finx_remap(bigint) IS 'Maps a succeeded job''s line items to concepts again with the current finx.concept_rules (no re-extraction); returns the number of rows that got a concept';

-- Whose a correction is.  A document is one row per content, shared by
-- every role that submitted it, so a role's corrections (of a fact, of the
-- company) belong to that role and change only the facts of its own jobs;
-- a superuser's belong to no role and apply to every job of the document.
CREATE FUNCTION finx.correction_owner(document_id bigint)
RETURNS oid
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT CASE WHEN coalesce((SELECT r.rolsuper FROM pg_catalog.pg_roles r
							WHERE r.rolname = session_user), false) THEN NULL
			ELSE (SELECT j.submitted_by FROM finx.jobs j
				   WHERE j.document_id = $1
					 AND pg_catalog.pg_has_role(session_user, j.submitted_by, 'MEMBER')
				   ORDER BY j.id DESC LIMIT 1) END
$$;
COMMENT ON FUNCTION finx.correction_owner(bigint) IS 'The role a correction made now by the session''s user belongs to: NULL for a superuser (every job), else the submitting role of the user''s latest job of the document';

-- A role's correction of the company of a document.
CREATE TABLE finx.company_overrides (
	document_id bigint NOT NULL REFERENCES finx.documents (id) ON DELETE CASCADE,
	owner		oid NOT NULL,
	company		text NOT NULL,
	created_by	name NOT NULL DEFAULT session_user,
	created_at	timestamptz NOT NULL DEFAULT pg_catalog.now(),
	PRIMARY KEY (document_id, owner)
);
COMMENT ON TABLE finx.company_overrides IS 'A role''s correction of a document''s company (finx_set_company by a non-superuser); applies to the jobs that role submitted';
COMMENT ON COLUMN finx.company_overrides.owner IS 'The submitting role whose jobs see this company';
COMMENT ON COLUMN finx.company_overrides.created_by IS 'Who set it';
COMMENT ON COLUMN finx.company_overrides.document_id IS 'The document whose company is corrected';
COMMENT ON COLUMN finx.company_overrides.company IS 'The company, as the role wants it named';
COMMENT ON COLUMN finx.company_overrides.created_at IS 'When';

-- finx_set_company: a user's correction of the company of a document.
CREATE FUNCTION finx_set_company(document_id bigint, company text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	own oid;
	name text := nullif(btrim(finx_set_company.company), '');
BEGIN
	IF NOT finx.may_correct(finx_set_company.document_id) THEN
		RAISE EXCEPTION 'document % does not exist', finx_set_company.document_id
			USING ERRCODE = 'undefined_object',
				  HINT = 'Only a superuser or a role that submitted the document may correct it.';
	END IF;
	own := finx.correction_owner(finx_set_company.document_id);
	IF own IS NULL THEN
		UPDATE finx.documents d SET company_override = name
		 WHERE d.id = finx_set_company.document_id;
	ELSIF name IS NULL THEN
		DELETE FROM finx.company_overrides o
		 WHERE o.document_id = finx_set_company.document_id AND o.owner = own;
	ELSE
		INSERT INTO finx.company_overrides AS o (document_id, owner, company)
		VALUES (finx_set_company.document_id, own, name)
		ON CONFLICT ON CONSTRAINT company_overrides_pkey
		DO UPDATE SET company = excluded.company, created_by = session_user,
					  created_at = pg_catalog.now();
	END IF;
END
$$;
COMMENT ON FUNCTION finx_set_company(bigint, text) IS 'Sets (or with NULL removes) the company of a document, overriding the one read from it; kept across re-runs';


-- Corrections ---------------------------------------------------------------

CREATE TABLE finx.corrections (
	id			bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	document_id bigint NOT NULL REFERENCES finx.documents (id) ON DELETE CASCADE,
	statement_type text NOT NULL
		CHECK (statement_type IN ('balance_sheet', 'income_statement', 'comprehensive_income', 'cash_flow', 'equity')),
	concept		text REFERENCES finx.concepts (concept),
	label		text,
	period_end	date,
	value		numeric,
	new_period_end date,
	new_concept text REFERENCES finx.concepts (concept),
	reason		text NOT NULL,
	owner		oid,
	created_by	name NOT NULL DEFAULT session_user,
	created_at	timestamptz NOT NULL DEFAULT pg_catalog.now(),
	CHECK ((concept IS NULL) <> (label IS NULL)),
	CHECK (value IS NOT NULL OR new_period_end IS NOT NULL OR new_concept IS NOT NULL)
);
CREATE INDEX corrections_document_idx ON finx.corrections (document_id);
COMMENT ON TABLE finx.corrections IS 'Users'' corrections of facts, applied in finx.facts and finx.company_facts (corrected = true) and kept across re-extraction and reuse; add with finx_correct(), remove with finx_uncorrect()';
COMMENT ON COLUMN finx.corrections.concept IS 'The corrected fact: its concept (or label), in this document, statement type and period';
COMMENT ON COLUMN finx.corrections.label IS 'The corrected fact: its label as printed (or concept)';
COMMENT ON COLUMN finx.corrections.period_end IS 'The corrected fact''s period_end as extracted (NULL matches a NULL period_end)';
COMMENT ON COLUMN finx.corrections.value IS 'The right value, as printed (before unit_scale); NULL keeps the extracted one';
COMMENT ON COLUMN finx.corrections.new_period_end IS 'The right period end; NULL keeps the extracted one';
COMMENT ON COLUMN finx.corrections.new_concept IS 'The right concept; NULL keeps the mapped one';
COMMENT ON COLUMN finx.corrections.reason IS 'Why (free text)';

-- finx_correct: record a correction; returns its id.
CREATE FUNCTION finx_correct(document_id bigint, statement_type text, target text,
							 period_end date, value numeric DEFAULT NULL,
							 reason text DEFAULT NULL, new_period_end date DEFAULT NULL,
							 new_concept text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	is_concept boolean;
	id bigint;
BEGIN
	IF NOT finx.may_correct(finx_correct.document_id) THEN
		RAISE EXCEPTION 'document % does not exist', finx_correct.document_id
			USING ERRCODE = 'undefined_object',
				  HINT = 'Only a superuser or a role that submitted the document may correct it.';
	END IF;
	IF finx_correct.reason IS NULL OR btrim(finx_correct.reason) = '' THEN
		RAISE EXCEPTION 'a correction needs a reason'
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Say why in the reason argument, e.g. ''misread from the PDF, page 45''.';
	END IF;
	is_concept := EXISTS (SELECT 1 FROM finx.concepts c WHERE c.concept = finx_correct.target);
	INSERT INTO finx.corrections AS c (document_id, statement_type, concept, label, period_end,
									   value, new_period_end, new_concept, reason, owner)
	VALUES (finx_correct.document_id, finx_correct.statement_type,
			CASE WHEN is_concept THEN finx_correct.target END,
			CASE WHEN NOT is_concept THEN finx_correct.target END,
			finx_correct.period_end, finx_correct.value, finx_correct.new_period_end,
			finx_correct.new_concept, finx_correct.reason,
			finx.correction_owner(finx_correct.document_id))
	RETURNING c.id INTO id;
	RETURN id;
END
$$;
COMMENT ON FUNCTION finx_correct(bigint, text, text, date, numeric, text, date, text) IS 'Corrects a fact of a document (target: a concept or a label as printed; period_end as extracted) with a value, a period end or a concept; the document''s submitters and superusers only; returns the correction''s id';

CREATE FUNCTION finx_uncorrect(correction_id bigint)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	doc bigint;
	own oid;
BEGIN
	SELECT c.document_id, c.owner INTO doc, own
	  FROM finx.corrections c WHERE c.id = finx_uncorrect.correction_id;
	IF doc IS NULL OR NOT finx.may_correct(doc) THEN
		RETURN false;
	END IF;
	-- a role removes only its own corrections; a superuser any
	IF finx.correction_owner(doc) IS NOT NULL AND
	   (own IS NULL OR NOT pg_catalog.pg_has_role(session_user, own, 'MEMBER')) THEN
		RETURN false;
	END IF;
	DELETE FROM finx.corrections c WHERE c.id = finx_uncorrect.correction_id;
	RETURN true;
END
$$;
COMMENT ON FUNCTION finx_uncorrect(bigint) IS 'Removes a correction (its document''s submitters and superusers only); false when there was none to remove';

-- The correction that applies to one value, if any: the newest.
CREATE FUNCTION finx.correction_for(document_id bigint, statement_type text, concept text,
									label text, period_end date, submitted_by oid)
RETURNS finx.corrections
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT c.* FROM finx.corrections c
 WHERE c.document_id = $1 AND c.statement_type = $2
   AND (c.concept = $3 OR c.label = $4)
   AND c.period_end IS NOT DISTINCT FROM $5
   AND (c.owner IS NULL OR c.owner = $6)
 ORDER BY c.owner IS NULL, c.id DESC LIMIT 1
$$;

-- finx.facts gains the concept, unit kind, scaled value, fiscal period,
-- company and corrections (new columns come last).
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
		   pe.label AS period_label,
		   coalesce(c.new_period_end, pe.period_end) AS period_end,
		   pe.period_months,
		   coalesce(c.value, v.value) AS value,
		   s.unit_scale,
		   s.currency,
		   li.ocr_confidence[v.col] AS ocr_confidence,
		   coalesce(c.new_concept, li.concept) AS concept,
		   li.unit_kind,
		   coalesce(c.value, v.value) * CASE WHEN li.unit_kind = 'money' THEN coalesce(s.unit_scale, 1)
											 WHEN li.unit_kind = 'shares' THEN coalesce(s.share_scale, s.unit_scale, 1)
											 ELSE 1 END AS value_scaled,
		   CASE WHEN c.new_period_end IS NULL THEN pe.fiscal_year ELSE f.fiscal_year END AS fiscal_year,
		   CASE WHEN c.new_period_end IS NULL THEN pe.fiscal_period ELSE f.fiscal_period END AS fiscal_period,
		   coalesce(o.company, d.company_override, d.company) AS company,
		   c.id IS NOT NULL AS corrected,
		   p.col,
		   CASE WHEN c.new_concept IS NOT NULL THEN 'correction' ELSE li.concept_source END AS concept_source,
		   CASE WHEN s.component_columns THEN p.label END AS component
	  FROM finx.jobs j
	  JOIN finx.documents d ON d.id = j.document_id
	  LEFT JOIN finx.company_overrides o ON o.document_id = d.id AND o.owner = j.submitted_by
	  JOIN finx.statements s ON s.job_id = coalesce(j.reused_from, j.id)
	  JOIN finx.line_items li ON li.statement_id = s.id
	 CROSS JOIN LATERAL unnest(li."values") WITH ORDINALITY AS v(value, col)
	  JOIN finx.statement_periods p ON p.statement_id = s.id AND p.col = v.col
	 CROSS JOIN LATERAL (
		-- the column's period, or the row's where the columns are components
		SELECT CASE WHEN s.component_columns THEN li.period_label ELSE p.label END AS label,
			   CASE WHEN s.component_columns THEN li.period_end ELSE p.period_end END AS period_end,
			   CASE WHEN s.component_columns THEN li.period_months ELSE p.period_months END AS period_months,
			   CASE WHEN s.component_columns THEN li.fiscal_year ELSE p.fiscal_year END AS fiscal_year,
			   CASE WHEN s.component_columns THEN li.fiscal_period ELSE p.fiscal_period END AS fiscal_period) pe
	  LEFT JOIN LATERAL finx.correction_for(s.document_id, s.statement_type, li.concept,
											li.label, pe.period_end, j.submitted_by) c ON c.id IS NOT NULL
	  LEFT JOIN LATERAL finx.fiscal_period_of(c.new_period_end, pe.period_months,
											  d.fiscal_year_end) f ON true
	 WHERE j.state = 'succeeded'
	   AND v.value IS NOT NULL;
	IF opts IS NOT NULL THEN
		EXECUTE format('ALTER VIEW finx.facts SET (%s)', array_to_string(opts, ', '));
	END IF;
END
$$;
COMMENT ON COLUMN finx.facts.concept IS 'The standard concept of the line (finx.concepts), NULL when none';
COMMENT ON COLUMN finx.facts.unit_kind IS 'money, per_share, shares, percent, ratio or count';
COMMENT ON COLUMN finx.facts.value_scaled IS 'The value in units: money and share counts times unit_scale; per-share amounts, percents and ratios as printed';
COMMENT ON COLUMN finx.facts.fiscal_year IS 'Fiscal year of the period (see finx.statement_periods.fiscal_year)';
COMMENT ON COLUMN finx.facts.fiscal_period IS 'FY, Q1..Q4, H1, H2 or 9M';
COMMENT ON COLUMN finx.facts.company IS 'The document''s company (a correction by finx_set_company wins)';
COMMENT ON COLUMN finx.facts.corrected IS 'True when a row of finx.corrections changed this fact';
COMMENT ON COLUMN finx.facts.col IS 'The value''s column in the statement (1-based)';
COMMENT ON COLUMN finx.facts.concept_source IS 'Where concept came from: llm (the LLM structurer), rule (finx.concept_rules) or correction (finx.corrections.new_concept); NULL without a concept';
COMMENT ON COLUMN finx.facts.component IS 'In a statement of changes in equity whose columns are components: the column''s heading (e.g. Retained earnings); the period columns are then the row''s own period or balance date. NULL in other statements';

-- The company as one key across filings that print it differently
-- ("INTEL CORPORATION", "Intel Corporation", "McDonald’s Corporation").
CREATE FUNCTION finx.company_key(company text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
SELECT nullif(btrim(regexp_replace(regexp_replace(regexp_replace(
		 lower(company),
		 '[^a-z0-9& ]+', '', 'g'),
		 '( (inc|incorporated|corporation|corp|company|co|plc|ag|se|sa|nv|ltd|limited|llc))+$', ''),
		 '\s+', ' ', 'g')), '')
$$;
COMMENT ON FUNCTION finx.company_key(text) IS 'A company name reduced to a key that is equal across filings: lower case, no punctuation, no legal form';

-- One current value per company, concept and period.
CREATE VIEW finx.company_facts WITH (security_invoker = true) AS
WITH cur AS (
	-- each document's latest succeeded job, and the job whose results it shows
	SELECT DISTINCT ON (j.document_id) j.document_id, j.id AS job_id,
		   coalesce(j.reused_from, j.id) AS result_job, j.submitted_by
	  FROM finx.jobs j
	 WHERE j.state = 'succeeded'
	 ORDER BY j.document_id, j.finished_at DESC NULLS LAST, j.id DESC
), doc_end AS (
	-- the latest period a document reports: its own period
	SELECT cur.document_id, max(p.period_end) AS latest
	  FROM cur JOIN finx.statements s ON s.job_id = cur.result_job
	  JOIN finx.statement_periods p ON p.statement_id = s.id
	 GROUP BY cur.document_id
), f AS (
	SELECT finx.company_key(coalesce(o.company, d.company_override, d.company)) AS company_key,
		   coalesce(o.company, d.company_override, d.company) AS company,
		   coalesce(c.new_concept, li.concept) AS concept,
		   CASE WHEN c.new_period_end IS NULL THEN pe.fiscal_year ELSE fp.fiscal_year END AS fiscal_year,
		   CASE WHEN c.new_period_end IS NULL THEN pe.fiscal_period ELSE fp.fiscal_period END AS fiscal_period,
		   coalesce(c.new_period_end, pe.period_end) AS period_end,
		   pe.period_months,
		   coalesce(c.value, v.value) AS value,
		   coalesce(c.value, v.value) * CASE WHEN li.unit_kind = 'money' THEN coalesce(s.unit_scale, 1)
											 WHEN li.unit_kind = 'shares' THEN coalesce(s.share_scale, s.unit_scale, 1)
											 ELSE 1 END AS value_scaled,
		   li.unit_kind, s.currency, s.unit_scale,
		   cur.document_id, cur.job_id, s.id AS statement_id, s.statement_type,
		   li.page, li.line_no, li.label, pe.label AS period_label,
		   c.id IS NOT NULL AS corrected,
		   CASE WHEN c.new_concept IS NOT NULL THEN 'correction' ELSE li.concept_source END AS concept_source,
		   pe.label ~* '(restated|as adjusted|as revised|recast)' AS restated,
		   k.statement_type = s.statement_type AS home,
		   abs(de.latest - coalesce(c.new_period_end, pe.period_end)) AS distance
	  FROM cur
	  JOIN finx.documents d ON d.id = cur.document_id
	  LEFT JOIN finx.company_overrides o ON o.document_id = d.id AND o.owner = cur.submitted_by
	  JOIN doc_end de ON de.document_id = cur.document_id
	  JOIN finx.statements s ON s.job_id = cur.result_job
	  JOIN finx.line_items li ON li.statement_id = s.id
	 CROSS JOIN LATERAL unnest(li."values") WITH ORDINALITY AS v(value, col)
	  JOIN finx.statement_periods p ON p.statement_id = s.id AND p.col = v.col
	 CROSS JOIN LATERAL (
		-- the column's period, or the row's where the columns are components
		SELECT CASE WHEN s.component_columns THEN li.period_label ELSE p.label END AS label,
			   CASE WHEN s.component_columns THEN li.period_end ELSE p.period_end END AS period_end,
			   CASE WHEN s.component_columns THEN li.period_months ELSE p.period_months END AS period_months,
			   CASE WHEN s.component_columns THEN li.fiscal_year ELSE p.fiscal_year END AS fiscal_year,
			   CASE WHEN s.component_columns THEN li.fiscal_period ELSE p.fiscal_period END AS fiscal_period) pe
	  LEFT JOIN LATERAL finx.correction_for(s.document_id, s.statement_type, li.concept,
											li.label, pe.period_end, cur.submitted_by) c ON c.id IS NOT NULL
	  LEFT JOIN LATERAL finx.fiscal_period_of(c.new_period_end, pe.period_months,
											  d.fiscal_year_end) fp ON true
	  JOIN finx.concepts k ON k.concept = coalesce(c.new_concept, li.concept)
	 WHERE v.value IS NOT NULL
), names AS (
	-- the name shown for a company: as the newest filing prints it in
	-- mixed case, else in capitals
	SELECT DISTINCT ON (n.company_key) n.company_key, n.company
	  FROM (SELECT DISTINCT f.company_key, f.company, f.document_id FROM f) n
	 WHERE n.company IS NOT NULL
	 ORDER BY n.company_key, n.company = upper(n.company), n.document_id DESC
)
SELECT DISTINCT ON (f.company_key, concept, fiscal_year, fiscal_period, period_end)
	   names.company, concept, fiscal_year, fiscal_period, period_end, period_months,
	   value_scaled, currency, unit_kind, value, unit_scale,
	   document_id, job_id, statement_id, statement_type, page, line_no, label, period_label,
	   corrected, restated, concept_source
  FROM f JOIN names ON names.company_key = f.company_key
 WHERE fiscal_year IS NOT NULL AND period_end IS NOT NULL
 ORDER BY f.company_key, concept, fiscal_year, fiscal_period, period_end,
		  corrected DESC, restated DESC, distance, home DESC, document_id DESC, statement_id, line_no;
COMMENT ON VIEW finx.company_facts IS 'One current value per company, concept, fiscal year, fiscal period and period end: a correction, else a column marked restated or as adjusted, else the filing whose own period it is (the original), from the statement the concept belongs to; each document counts once whatever its jobs';
GRANT SELECT ON finx.company_facts TO finx_user;

-- The same company, concept and period with different values in two filings.
CREATE VIEW finx.fact_conflicts WITH (security_invoker = true) AS
WITH cur AS (
	SELECT DISTINCT ON (j.document_id) j.document_id, coalesce(j.reused_from, j.id) AS result_job
	  FROM finx.jobs j WHERE j.state = 'succeeded'
	 ORDER BY j.document_id, j.finished_at DESC NULLS LAST, j.id DESC
), f AS (
	SELECT DISTINCT ON (cur.document_id, fa.concept, fa.period_end, fa.period_months)
		   fa.company, fa.concept, fa.fiscal_year, fa.fiscal_period, fa.period_end, fa.period_months,
		   fa.value_scaled, fa.document_id, fa.page, fa.line_no, fa.label, fa.period_label
	  FROM cur JOIN finx.facts fa ON fa.job_id = cur.result_job
	  JOIN finx.concepts k ON k.concept = fa.concept
	 WHERE fa.company IS NOT NULL AND fa.period_end IS NOT NULL
	 ORDER BY cur.document_id, fa.concept, fa.period_end, fa.period_months,
			  (k.statement_type = fa.statement_type) DESC, fa.statement_id
)
SELECT a.company, a.concept, a.fiscal_year, a.fiscal_period, a.period_end, a.period_months,
	   a.value_scaled AS value_a, a.document_id AS document_a, a.page AS page_a,
	   a.line_no AS line_no_a, a.period_label AS period_label_a,
	   b.value_scaled AS value_b, b.document_id AS document_b, b.page AS page_b,
	   b.line_no AS line_no_b, b.period_label AS period_label_b
  FROM f a JOIN f b
	ON finx.company_key(a.company) = finx.company_key(b.company) AND a.concept = b.concept AND a.period_end = b.period_end
   AND a.period_months IS NOT DISTINCT FROM b.period_months
   AND a.document_id < b.document_id AND a.value_scaled <> b.value_scaled;
COMMENT ON VIEW finx.fact_conflicts IS 'Facts of one company, concept and period whose values differ between two filings (a restatement or an extraction error), with both sources';
GRANT SELECT ON finx.fact_conflicts TO finx_user;

-- finx_fact_source: where a value comes from, to check it against the PDF.
-- The text cache is not readable by finx_user, so this runs as the
-- extension's owner, for documents the caller submitted (or a superuser),
-- and names the document as the caller's first submission of it did.
CREATE FUNCTION finx_fact_source(document_id bigint, page int, line_no int,
								 OUT file_name text, OUT page_no int, OUT line int,
								 OUT printed text)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
SELECT (SELECT j.file_name FROM finx.jobs j
		 WHERE j.document_id = d.id
		   AND (coalesce((SELECT r.rolsuper FROM pg_catalog.pg_roles r
						   WHERE r.rolname = session_user), false)
				OR pg_catalog.pg_has_role(session_user, j.submitted_by, 'MEMBER'))
		 ORDER BY j.id LIMIT 1),
	   $2, $3,
	   (SELECT btrim((pg_catalog.regexp_split_to_array(t.text, E'\n'))[$3])
		  FROM finx.page_texts t WHERE t.document_id = d.id AND t.page = $2
		 ORDER BY t.created_at LIMIT 1)
  FROM finx.documents d WHERE d.id = $1 AND finx.may_correct($1)
$$;
COMMENT ON FUNCTION finx_fact_source(bigint, int, int) IS 'The document, page and line of a fact and the text printed on that line (from the text cache), to check a value against the PDF';

GRANT SELECT ON finx.concepts, finx.concept_rules, finx.corrections TO finx_user;
GRANT INSERT, UPDATE, DELETE ON finx.concept_rules TO finx_user;
-- Under owner isolation a role sees the corrections of the documents it
-- sees; the concepts are the same for everyone.
ALTER TABLE finx.concepts ENABLE ROW LEVEL SECURITY;
CREATE POLICY concepts_read ON finx.concepts FOR SELECT USING (true);
ALTER TABLE finx.corrections ENABLE ROW LEVEL SECURITY;
CREATE POLICY corrections_read ON finx.corrections FOR SELECT
	USING (CASE WHEN owner IS NULL
				THEN EXISTS (SELECT 1 FROM finx.jobs j
							  WHERE j.document_id OPERATOR(pg_catalog.=) corrections.document_id)
				ELSE pg_catalog.pg_has_role(owner, 'MEMBER') END);
ALTER TABLE finx.company_overrides ENABLE ROW LEVEL SECURITY;
CREATE POLICY company_overrides_read ON finx.company_overrides FOR SELECT
	USING (pg_catalog.pg_has_role(owner, 'MEMBER'));
GRANT SELECT ON finx.company_overrides TO finx_user;
SELECT pg_catalog.pg_extension_config_dump('finx.company_overrides', '');
ALTER TABLE finx.concept_rules ENABLE ROW LEVEL SECURITY;
CREATE POLICY concept_rules_read ON finx.concept_rules FOR SELECT USING (true);
CREATE POLICY concept_rules_own ON finx.concept_rules FOR ALL
	USING (NOT builtin AND pg_catalog.pg_has_role(created_by, 'MEMBER'))
	WITH CHECK (NOT builtin AND pg_catalog.pg_has_role(created_by, 'MEMBER'));
GRANT EXECUTE ON FUNCTION finx_remap(bigint), finx_set_company(bigint, text),
	finx_correct(bigint, text, text, date, numeric, text, date, text),
	finx_uncorrect(bigint), finx_fact_source(bigint, int, int) TO finx_user;
SELECT pg_catalog.pg_extension_config_dump('finx.concept_rules', 'WHERE NOT builtin');
SELECT pg_catalog.pg_extension_config_dump('finx.corrections', '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('finx.concept_rules', 'id'), '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('finx.corrections', 'id'), '');
REVOKE ALL ON FUNCTION finx_remap(bigint), finx_set_company(bigint, text),
	finx_correct(bigint, text, text, date, numeric, text, date, text),
	finx_uncorrect(bigint), finx_fact_source(bigint, int, int) FROM PUBLIC;
REVOKE ALL ON FUNCTION finx.map_job(bigint), finx.map_statement(bigint),
	finx.detect_document(bigint) FROM PUBLIC;

COMMENT ON COLUMN finx.concepts.label IS 'A name for people';
COMMENT ON COLUMN finx.concept_rules.id IS 'Rule number';
COMMENT ON COLUMN finx.concept_rules.concept IS 'The concept a matching row gets';
COMMENT ON COLUMN finx.concept_rules.statement_type IS 'The statement type the rule applies to';
COMMENT ON COLUMN finx.concept_rules.created_by IS 'The role that added the rule (it may change or delete it)';
COMMENT ON COLUMN finx.concept_rules.created_at IS 'When the rule was added';
COMMENT ON COLUMN finx.corrections.id IS 'Correction number (for finx_uncorrect)';
COMMENT ON COLUMN finx.corrections.document_id IS 'The document whose fact is corrected';
COMMENT ON COLUMN finx.corrections.statement_type IS 'The corrected fact''s statement type';
COMMENT ON COLUMN finx.corrections.created_by IS 'Who made the correction';
COMMENT ON COLUMN finx.corrections.owner IS 'The submitting role whose jobs the correction changes; NULL (a superuser''s) for every job of the document';
COMMENT ON COLUMN finx.corrections.created_at IS 'When';
COMMENT ON FUNCTION finx.month_number(text) IS 'A month name or abbreviation as its number (1-12), NULL when it is none';
COMMENT ON FUNCTION finx.job_succeeded() IS 'Trigger: maps a job''s own results to concepts when it succeeds (a failure is a warning, never a failed job)';
COMMENT ON FUNCTION finx.correction_for(bigint, text, text, text, date, oid) IS 'The correction of one fact (document, statement type, concept or label, period end) for a job of the given submitting role, if any: the role''s newest, else a superuser''s newest';
COMMENT ON COLUMN finx.company_facts.company IS 'The company (documents.company, or its correction)';
COMMENT ON COLUMN finx.company_facts.concept IS 'The standard concept (finx.concepts)';
COMMENT ON COLUMN finx.company_facts.fiscal_year IS 'Fiscal year, named for the calendar year in which it ends';
COMMENT ON COLUMN finx.company_facts.fiscal_period IS 'FY, Q1..Q4, H1, H2 or 9M';
COMMENT ON COLUMN finx.company_facts.period_end IS 'Last day of the period (the date of an instant)';
COMMENT ON COLUMN finx.company_facts.period_months IS 'Length in months, NULL for an instant';
COMMENT ON COLUMN finx.company_facts.value_scaled IS 'The value in units (money and shares times unit_scale; per-share amounts, percents, ratios as printed)';
COMMENT ON COLUMN finx.company_facts.currency IS 'ISO 4217 currency of money and per-share values';
COMMENT ON COLUMN finx.company_facts.unit_kind IS 'money, per_share, shares, percent, ratio or count';
COMMENT ON COLUMN finx.company_facts.value IS 'The value as printed (sign applied)';
COMMENT ON COLUMN finx.company_facts.unit_scale IS 'The statement''s scale (1, 1000, 1000000, ...)';
COMMENT ON COLUMN finx.company_facts.document_id IS 'The source document';
COMMENT ON COLUMN finx.company_facts.job_id IS 'The document''s latest succeeded job';
COMMENT ON COLUMN finx.company_facts.statement_id IS 'The source statement';
COMMENT ON COLUMN finx.company_facts.statement_type IS 'The source statement''s type';
COMMENT ON COLUMN finx.company_facts.page IS 'Page of the source line (1-based)';
COMMENT ON COLUMN finx.company_facts.line_no IS 'Line of the source row on that page (see finx_fact_source)';
COMMENT ON COLUMN finx.company_facts.label IS 'The source row''s label as printed';
COMMENT ON COLUMN finx.company_facts.period_label IS 'The source column''s heading as printed';
COMMENT ON COLUMN finx.company_facts.corrected IS 'True when a correction gave this value';
COMMENT ON COLUMN finx.company_facts.restated IS 'True when the source column says restated, as adjusted, as revised or recast';
COMMENT ON COLUMN finx.company_facts.concept_source IS 'Where concept came from: llm (the LLM structurer), rule (finx.concept_rules) or correction (finx.corrections.new_concept)';
COMMENT ON COLUMN finx.fact_conflicts.company IS 'The company';
COMMENT ON COLUMN finx.fact_conflicts.concept IS 'The concept';
COMMENT ON COLUMN finx.fact_conflicts.fiscal_year IS 'Fiscal year (as the first filing names it)';
COMMENT ON COLUMN finx.fact_conflicts.fiscal_period IS 'Fiscal period (as the first filing names it)';
COMMENT ON COLUMN finx.fact_conflicts.period_end IS 'Last day of the period';
COMMENT ON COLUMN finx.fact_conflicts.period_months IS 'Length in months, NULL for an instant';
COMMENT ON COLUMN finx.fact_conflicts.value_a IS 'Scaled value in the first (older) document';
COMMENT ON COLUMN finx.fact_conflicts.document_a IS 'The first document';
COMMENT ON COLUMN finx.fact_conflicts.page_a IS 'Its page';
COMMENT ON COLUMN finx.fact_conflicts.line_no_a IS 'Its line';
COMMENT ON COLUMN finx.fact_conflicts.period_label_a IS 'Its column heading';
COMMENT ON COLUMN finx.fact_conflicts.value_b IS 'Scaled value in the second (newer) document';
COMMENT ON COLUMN finx.fact_conflicts.document_b IS 'The second document';
COMMENT ON COLUMN finx.fact_conflicts.page_b IS 'Its page';
COMMENT ON COLUMN finx.fact_conflicts.line_no_b IS 'Its line';
COMMENT ON COLUMN finx.fact_conflicts.period_label_b IS 'Its column heading';

-- Section: a document's first submitter stays private -----------------------

-- A document is one row per content, shared by every role that submitted
-- the same file; its file_name and created_at are those of the first
-- submission, which may be another role's.  Under owner isolation finx_user
-- members read only the content's own columns of finx.documents; the file
-- name and time of their own submission are in finx.jobs.  Turning isolation
-- off (single-tenant databases) gives them every column again.
CREATE OR REPLACE FUNCTION @extschema@.finx_enable_rls(enable boolean DEFAULT true)
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
	REVOKE SELECT ON finx.documents FROM finx_user;
	IF enable THEN
		GRANT SELECT (id, sha256, pages, bytes, company, report_type, fiscal_year_end,
					  company_override) ON finx.documents TO finx_user;
	ELSE
		GRANT SELECT ON finx.documents TO finx_user;
	END IF;
END
$$;
REVOKE ALL ON FUNCTION @extschema@.finx_enable_rls(boolean) FROM PUBLIC;
SELECT @extschema@.finx_enable_rls(true);
COMMENT ON FUNCTION @extschema@.finx_enable_rls(boolean) IS
'Owner isolation (row-level security), on by default: with false, every finx_user member sees every job, document and result (single-tenant databases); with true, only those of the roles it is a member of, and of finx.documents only the content''s columns (superusers only)';

-- finx_document_json names the document as the caller's own submission did.
CREATE OR REPLACE FUNCTION @extschema@.finx_document_json(document_id bigint)
RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	doc record;
	job finx.jobs;
	first_job finx.jobs;
	result_job bigint;
BEGIN
	SELECT d.id, d.sha256, d.pages, d.bytes INTO doc
	  FROM finx.documents d WHERE d.id = finx_document_json.document_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'document % does not exist', finx_document_json.document_id
			USING ERRCODE = 'undefined_object';
	END IF;
	SELECT * INTO job FROM finx.jobs j
	 WHERE j.document_id = doc.id AND j.state = 'succeeded'
	 ORDER BY j.finished_at DESC NULLS LAST, j.id DESC LIMIT 1;
	-- the caller's first submission of the content names it
	SELECT * INTO first_job FROM finx.jobs j
	 WHERE j.document_id = doc.id ORDER BY j.id LIMIT 1;
	result_job := coalesce(job.reused_from, job.id);
	RETURN jsonb_build_object(
		'document', jsonb_build_object('id', doc.id, 'file_name', first_job.file_name,
			'sha256', doc.sha256, 'pages', doc.pages, 'bytes', doc.bytes,
			'created_at', first_job.created_at),
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
						-- columns that are components: the row's own period
						|| CASE WHEN s.component_columns
								THEN jsonb_build_object('period', jsonb_build_object('label', li.period_label,
										 'period_end', li.period_end, 'period_months', li.period_months))
								ELSE '{}' END
						ORDER BY li.row_no)
					  FROM finx.line_items li WHERE li.statement_id = s.id), '[]'),
				'checks', s.checks, 'checks_passed', s.checks_passed,
				'checks_failed', s.checks_failed)
				|| CASE WHEN s.component_columns THEN '{"component_columns": true}'::jsonb ELSE '{}' END
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

-- Section: one SPI layer ----------------------------------------------------

-- The one rule for "the same result": two jobs on the same document whose
-- options differ only in max_attempts give the same result.  The worker
-- uses it to reuse an earlier job's result and finx_submit_dir to skip a
-- file already queued with these options.
CREATE FUNCTION finx.same_result_options(a jsonb, b jsonb)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT (a OPERATOR(pg_catalog.-) 'max_attempts'::pg_catalog.text)
		   OPERATOR(pg_catalog.=) (b OPERATOR(pg_catalog.-) 'max_attempts'::pg_catalog.text);
$$;
COMMENT ON FUNCTION finx.same_result_options(jsonb, jsonb) IS
'Do job options a and b give the same result (equal but for max_attempts)? Used by the worker to reuse a result and by finx_submit_dir';

-- Section: the text cache compressed with lz4 --------------------------------

-- Every job stores its pages' text; pglz took a twentieth of the worker's
-- time on a 10-K, lz4 a few times less.  A server built without lz4 keeps
-- the default.
DO $$
BEGIN
	ALTER TABLE finx.page_texts ALTER COLUMN text SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
	RAISE NOTICE 'finextract: this server has no lz4; the text cache stays compressed with pglz';
END
$$;

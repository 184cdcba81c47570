# Analyst questions answered by plain SQL over finx.company_facts, by concept
# and fiscal year, on the public filings in ../shared/corpus (FINX_CORPUS):
# levels, ratios, growth, averages and free cash flow, each checked against
# the value read from the PDF (the ground truth in gt.tsv where it has one,
# else the printed statement; the page is named with each question).  Ends
# with the score, "answered exactly: N of M".  Questions the extraction
# cannot answer yet are TODO with the reason, so they are counted but do not
# fail the suite; any other wrong answer fails.
use strict;
use warnings;

use FinxTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $corpus = $ENV{FINX_CORPUS} // repo_dir() . '/../shared/corpus';
plan skip_all => "no corpus at $corpus (set FINX_CORPUS)" unless -e "$corpus/gt.tsv";

my $node = finx_node('answers', conf => "finextract.max_running_jobs = 4\n");
my @docs = (qw(fb_3M_2018_10K.pdf fb_APPLE_2023Q3_10Q.pdf fb_ULTABEAUTY_2023Q4_EARNINGS.pdf
	  pc_ProCredit_2021Q1_quarterly_IFRS.pdf jf_AFS-2022_statements_scanned.pdf),
	map { "unlabeled/APPLE_${_}_10K.pdf" } 2020 .. 2022);
my %job;
$job{$_} = $node->safe_psql('postgres', "SELECT finx_submit('$corpus/$_')") for @docs;
for my $f (@docs)
{
	is($node->safe_psql('postgres', "SELECT finx_wait($job{$f}, '15 min')"),
		'succeeded', "$f extracted");
}

# One value of finx.company_facts.
sub fact
{
	my ($company, $concept, $fy, $fp) = @_;
	return "(SELECT value_scaled FROM finx.company_facts WHERE company ILIKE '$company%' "
	  . "AND concept = '$concept' AND fiscal_year = $fy AND fiscal_period = '$fp')";
}

# Each question: a name (with where the expected value is printed), one SQL
# query, the expected answer (as psql prints it).
my @q = (
	# levels (gt.tsv)
	[ '3M revenue FY2018 (gt; 10-K p56)', 'SELECT ' . fact('3M', 'revenue', 2018, 'FY'), '32765000000' ],
	[ '3M revenue FY2016 (gt; 10-K p56)', 'SELECT ' . fact('3M', 'revenue', 2016, 'FY'), '30109000000' ],
	[ '3M operating income FY2018 (gt)', 'SELECT ' . fact('3M', 'operating_income', 2018, 'FY'), '7207000000' ],
	[ '3M net income attributable to 3M FY2018 (gt)',
		'SELECT ' . fact('3M', 'net_income_attributable_to_parent', 2018, 'FY'), '5349000000' ],
	[ '3M total assets at the end of FY2017 (gt; p58)', 'SELECT ' . fact('3M', 'total_assets', 2017, 'FY'), '37987000000' ],
	[ '3M total liabilities FY2018 (gt)', 'SELECT ' . fact('3M', 'total_liabilities', 2018, 'FY'), '26652000000' ],
	[ '3M total equity FY2018 (gt)', 'SELECT ' . fact('3M', 'total_equity', 2018, 'FY'), '9848000000' ],
	[ '3M cash from operations FY2018 (gt; p60)', 'SELECT ' . fact('3M', 'cash_from_operations', 2018, 'FY'), '6439000000' ],
	[ '3M capital expenditure FY2018, printed (1,577) (gt)',
		'SELECT ' . fact('3M', 'capital_expenditure', 2018, 'FY'), '-1577000000' ],
	[ '3M cash from financing FY2017 (gt)', 'SELECT ' . fact('3M', 'cash_from_financing', 2017, 'FY'), '-2655000000' ],
	[ '3M net PP&E FY2018, not the gross 24,873 (gt: 8.7bn; p58 8,738)',
		'SELECT ' . fact('3M', 'ppe_net', 2018, 'FY'), '8738000000' ],
	[ 'Apple revenue Q3 FY2023 (gt; 10-Q p4)', 'SELECT ' . fact('Apple', 'revenue', 2023, 'Q3'), '81797000000' ],
	[ 'Apple revenue 9M FY2023 (gt)', 'SELECT ' . fact('Apple', 'revenue', 2023, '9M'), '293787000000' ],
	[ 'Apple revenue Q3 FY2022 (gt, the 10-Q\'s prior-year column)',
		'SELECT ' . fact('Apple', 'revenue', 2022, 'Q3'), '82959000000' ],
	[ 'Apple operating income Q3 FY2023 (gt)', 'SELECT ' . fact('Apple', 'operating_income', 2023, 'Q3'), '22998000000' ],
	[ 'Apple net income 9M FY2023 (gt)', 'SELECT ' . fact('Apple', 'net_income', 2023, '9M'), '74039000000' ],
	[ 'Apple total liabilities at 2023-07-01 (gt)',
		"SELECT value_scaled FROM finx.company_facts WHERE company ILIKE 'Apple%' AND concept = 'total_liabilities' AND period_end = '2023-07-01'",
		'274764000000' ],
	[ 'Apple total assets at the end of FY2022 (gt; also 2022 10-K p34)',
		'SELECT ' . fact('Apple', 'total_assets', 2022, 'FY'), '352755000000' ],
	[ 'Apple cash from operations 9M FY2023 (gt)', 'SELECT ' . fact('Apple', 'cash_from_operations', 2023, '9M'), '88945000000' ],
	[ 'Ulta net sales FY ending 2023-01-28 (gt; release p6, in thousands)',
		'SELECT ' . fact('Ulta', 'revenue', 2023, 'FY'), '10208580000' ],
	[ 'Ulta net income FY ending 2023-01-28 (gt)', 'SELECT ' . fact('Ulta', 'net_income', 2023, 'FY'), '1242408000' ],
	[ 'Ulta operating income Q4 (13 weeks to 2023-01-28) (gt)',
		'SELECT ' . fact('Ulta', 'operating_income', 2023, 'Q4'), '447618000' ],
	[ 'Ulta total liabilities at 2022-01-29 (gt)', 'SELECT ' . fact('Ulta', 'total_liabilities', 2022, 'FY'), '3229006000' ],
	[ 'ProCredit total assets at 2021-03-31 (gt; p17, EUR thousands)',
		'SELECT ' . fact('ProCredit', 'total_assets', 2021, 'Q1'), '7491936000' ],
	[ 'ProCredit profit of the period Q1 2021 (gt; p15)', 'SELECT ' . fact('ProCredit', 'net_income', 2021, 'Q1'), '15624000' ],
	[ 'ProCredit profit before tax Q1 2020 (gt)', 'SELECT ' . fact('ProCredit', 'pretax_income', 2020, 'Q1'), '16015000' ],
	[ 'Ideal Marketing revenue FY2022 (gt; scanned AFS p4, PHP)',
		'SELECT ' . fact('Ideal Marketing', 'revenue', 2022, 'FY'), '485192483' ],
	# levels from the Apple 10-Ks (statements of operations, balance sheets)
	[ 'Apple revenue FY2020 (2020 10-K p34: 274,515)', 'SELECT ' . fact('Apple', 'revenue', 2020, 'FY'), '274515000000' ],
	[ 'Apple net income FY2022 (2022 10-K p32: 99,803)', 'SELECT ' . fact('Apple', 'net_income', 2022, 'FY'), '99803000000' ],
	[ 'Apple diluted EPS FY2022, per share, unscaled (p32: 6.11)', 'SELECT ' . fact('Apple', 'eps_diluted', 2022, 'FY'), '6.11' ],
	[ 'Ulta diluted EPS FY ending 2023-01-28 (release p6: 24.01)', 'SELECT ' . fact('Ulta', 'eps_diluted', 2023, 'FY'), '24.01' ],
	[ '3M diluted weighted shares FY2018 in shares (p56: 602.0 million)',
		'SELECT round(' . fact('3M', 'shares_diluted', 2018, 'FY') . ')', '602000000' ],
	[ 'Apple diluted weighted shares FY2022 (p32: 16,325,819 thousand)',
		'SELECT ' . fact('Apple', 'shares_diluted', 2022, 'FY'), '16325819000' ],
	# ratios, growth, averages, free cash flow
	[ '3M current ratio FY2018 (13,709 / 7,244)',
		'SELECT round(' . fact('3M', 'total_current_assets', 2018, 'FY') . ' / ' . fact('3M', 'total_current_liabilities', 2018, 'FY') . ', 2)',
		'1.89' ],
	[ 'Apple current ratio FY2022 (135,405 / 153,982)',
		'SELECT round(' . fact('Apple', 'total_current_assets', 2022, 'FY') . ' / ' . fact('Apple', 'total_current_liabilities', 2022, 'FY') . ', 2)',
		'0.88' ],
	[ 'Ulta current ratio at 2023-01-28 (2,709,304 / 1,681,775)',
		'SELECT round(' . fact('Ulta', 'total_current_assets', 2023, 'FY') . ' / ' . fact('Ulta', 'total_current_liabilities', 2023, 'FY') . ', 2)',
		'1.61' ],
	[ 'Apple free cash flow FY2022 (122,151 - 10,708)',
		'SELECT ' . fact('Apple', 'cash_from_operations', 2022, 'FY') . ' + ' . fact('Apple', 'capital_expenditure', 2022, 'FY'),
		'111443000000' ],
	[ '3M free cash flow FY2018 (6,439 - 1,577)',
		'SELECT ' . fact('3M', 'cash_from_operations', 2018, 'FY') . ' + ' . fact('3M', 'capital_expenditure', 2018, 'FY'),
		'4862000000' ],
	[ 'Apple revenue growth FY2022 over FY2021, % (394,328 / 365,817)',
		'SELECT round(100 * (' . fact('Apple', 'revenue', 2022, 'FY') . ' / ' . fact('Apple', 'revenue', 2021, 'FY') . ' - 1), 2)',
		sprintf('%.2f', 100 * (394328 / 365817 - 1)) ],
	[ 'Ulta revenue growth FY ending 2023-01-28, % (10,208,580 / 8,630,889)',
		'SELECT round(100 * (' . fact('Ulta', 'revenue', 2023, 'FY') . ' / ' . fact('Ulta', 'revenue', 2022, 'FY') . ' - 1), 2)',
		sprintf('%.2f', 100 * (10208580 / 8630889 - 1)) ],
	[ 'Apple 3-year average operating margin FY2020-2022, %',
		"SELECT round(100 * avg(oi.value_scaled / r.value_scaled), 2) FROM finx.company_facts oi "
		  . "JOIN finx.company_facts r USING (company, fiscal_year, fiscal_period) "
		  . "WHERE oi.company ILIKE 'Apple%' AND oi.concept = 'operating_income' AND r.concept = 'revenue' "
		  . "AND fiscal_period = 'FY' AND fiscal_year BETWEEN 2020 AND 2022",
		sprintf('%.2f', 100 * (66288 / 274515 + 108949 / 365817 + 119437 / 394328) / 3) ],
	[ '3M 3-year average gross margin FY2016-2018, % (p56)',
		"SELECT round(100 * avg(1 - c.value_scaled / r.value_scaled), 2) FROM finx.company_facts c "
		  . "JOIN finx.company_facts r USING (company, fiscal_year, fiscal_period) "
		  . "WHERE c.company ILIKE '3M%' AND c.concept = 'cost_of_revenue' AND r.concept = 'revenue' "
		  . "AND fiscal_period = 'FY' AND fiscal_year BETWEEN 2016 AND 2018",
		sprintf('%.2f', 100 * ((1 - 16682 / 32765) + (1 - 16055 / 31657) + (1 - 15118 / 30109)) / 3) ],
	[ 'Apple days payable outstanding FY2022 (64,115 / 223,546 * 365)',
		'SELECT round(' . fact('Apple', 'accounts_payable', 2022, 'FY') . ' / ' . fact('Apple', 'cost_of_revenue', 2022, 'FY') . ' * 365, 1)',
		sprintf('%.1f', 64115 / 223546 * 365) ],
	[ 'Apple net margin 9M FY2023, % (74,039 / 293,787)',
		'SELECT round(100 * ' . fact('Apple', 'net_income', 2023, '9M') . ' / ' . fact('Apple', 'revenue', 2023, '9M') . ', 2)',
		sprintf('%.2f', 100 * 74039 / 293787) ],
	# the three questions of the issue, and no double counting
	[ 'Revenue of Apple for each fiscal year 2020-2022, one row each (three 10-Ks overlap)',
		"SELECT string_agg(fiscal_year || '=' || (value_scaled / 1000000)::bigint, ' ' ORDER BY fiscal_year) FROM finx.company_facts "
		  . "WHERE company ILIKE 'Apple%' AND concept = 'revenue' AND fiscal_period = 'FY' AND fiscal_year BETWEEN 2020 AND 2022",
		'2020=274515 2021=365817 2022=394328' ],
	[ 'Total assets at the latest balance-sheet date of each Apple 10-K',
		"SELECT string_agg(v, ' ' ORDER BY v) FROM (SELECT DISTINCT ON (f.document_id) (f.value_scaled / 1000000)::bigint::text AS v "
		  . "FROM finx.facts f WHERE f.concept = 'total_assets' AND f.company ILIKE 'Apple%' "
		  . "AND f.document_id IN (SELECT id FROM finx.documents WHERE report_type = '10-K') "
		  . "AND f.period_end IS NOT NULL ORDER BY f.document_id, f.period_end DESC) t",
		'323888 351002 352755' ],
);

diag($node->safe_psql('postgres', "SELECT string_agg(file_name || ': ' || coalesce(company, '?') || ', ' || coalesce(report_type, '?') || ', ' || coalesce(fiscal_year_end, '?'), E'\n' ORDER BY id) FROM finx.documents"));
my $right = 0;
my %todo = (
	'Ideal Marketing revenue FY2022 (gt; scanned AFS p4, PHP)' =>
	  'the company is read from the scan as "MANUFACTURING CORPORATION" only',
	'ProCredit total assets at 2021-03-31 (gt; p17, EUR thousands)' =>
	  'the quarterly report names the group only in running text, so its company is not found',
	'ProCredit profit of the period Q1 2021 (gt; p15)' => 'as above: no company',
	'ProCredit profit before tax Q1 2020 (gt)' => 'as above: no company');
for my $q (@q)
{
	my ($name, $sql, $want) = @$q;
	my $got = $node->safe_psql('postgres', $sql);
	$right++ if $got eq $want;
	TODO:
	{
		local $TODO = $todo{$name};
		is($got, $want, $name);
	}
}
my $n = scalar @q;

# Concept coverage: the 10-Ks in which revenue, net income, total assets,
# total liabilities or equity, cash from operations and capital expenditure
# are all found for the filing's own fiscal year.
my $coverage = $node->safe_psql('postgres', q{
	WITH k AS (
		SELECT d.id, max(f.fiscal_year) FILTER (WHERE f.fiscal_period = 'FY') AS fy
		  FROM finx.documents d JOIN finx.facts f ON f.document_id = d.id
		 WHERE d.report_type = '10-K' GROUP BY d.id)
	SELECT count(*) FILTER (WHERE ok) || ' of ' || count(*) FROM (
		SELECT k.id, bool_and(c.found) AS ok FROM k CROSS JOIN LATERAL (
			SELECT EXISTS (SELECT 1 FROM finx.facts f WHERE f.document_id = k.id AND f.fiscal_year = k.fy
						   AND f.fiscal_period = 'FY' AND f.concept = ANY (want)) AS found
			  FROM unnest(ARRAY['{revenue}', '{net_income}', '{total_assets}',
								'{total_liabilities,total_equity}', '{cash_from_operations}',
								'{capital_expenditure}']::text[][]) AS u(w),
				   LATERAL (SELECT string_to_array(btrim(u.w, '{}'), ',') AS want) x) c
		 GROUP BY k.id) t});
is($coverage, '4 of 4', 'the six concepts of every 10-K are found for its fiscal year');
diag("10-Ks with revenue, net income, total assets, liabilities or equity, cash from operations and capex: $coverage");
diag("answered exactly: $right of $n");

$node->stop;
done_testing();

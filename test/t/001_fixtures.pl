# The local pipeline end to end: every synthetic fixture is submitted, and
# finx.facts must equal the fixture's expected values exactly; arithmetic
# checks flag the one deliberate error; bad files are refused or fail with
# their reason and leave nothing behind.
use strict;
use warnings;

use FinxTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = finx_node('fixtures');
my $dir = fixtures_dir();
my @good = qw(us_10k.pdf ifrs_eu.pdf quarterly.pdf scale_currency.pdf
  two_page.pdf distractors.pdf periods.pdf intl_numbers.pdf equity.pdf
  interim.pdf);

# Submit all at once (they run concurrently), then wait for each.
my %job;
$job{$_} = $node->safe_psql('postgres', "SELECT finx_submit('$dir/$_')") for @good;
for my $f (@good)
{
	my $state = $node->safe_psql('postgres', "SELECT finx_wait($job{$f}, '3 min')");
	my $err = $node->safe_psql('postgres', "SELECT last_error FROM finx.jobs WHERE id = $job{$f}");
	is($state, 'succeeded', "$f succeeded") or diag($err);
}

# finx.facts equals the expected values, document by document.
my $ids = join(',', values %job);
my $csv = export_facts($node, "f.job_id IN ($ids)", "$dir/facts.csv");
my ($stdout, $stderr);
my $ok = IPC::Run::run(
	[ 'python3', repo_dir() . '/test/fixtures/compare_facts.py', $csv, "$dir/expected.tsv" ],
	'>', \$stdout, '2>', \$stderr);
ok($ok, 'finx.facts equals the expected values of every fixture') or diag($stdout . $stderr);
like($stdout, qr/^10 passed, 0 failed$/m, 'all ten fixtures compared');

# Checks: the deliberate subtotal error is flagged; the rest hold.
is( $node->safe_psql('postgres',
		"SELECT count(*) FROM finx.statements s, jsonb_array_elements(s.checks) c "
		  . "WHERE s.job_id = $job{'distractors.pdf'} AND NOT (c->>'passed')::bool "
		  . "AND c->>'target' = 'Total operating expenses'"),
	'1', 'the misprinted subtotal fails its check');
is( $node->safe_psql('postgres',
		"SELECT count(*) FROM finx.statements WHERE job_id = $job{'us_10k.pdf'} AND checks_failed > 0"),
	'0', 'every check of the 10-K fixture passes');
ok( $node->safe_psql('postgres',
		"SELECT checks_passed > 0 FROM finx.statements WHERE job_id = $job{'us_10k.pdf'} "
		  . "AND statement_type = 'balance_sheet'") eq 't',
	'the balance sheet was checked');
is( $node->safe_psql('postgres',
		"SELECT array_length(warnings, 1) FROM finx.jobs WHERE id = $job{'distractors.pdf'}"),
	'1', 'the failed check is reported as a warning of the job');

# An ambiguous heading (two columns claiming one period) gives no period_end,
# and each such column is named in a warning of the job.
is( $node->safe_psql('postgres',
		"SELECT count(*) FROM finx.jobs j, unnest(j.warnings) w WHERE j.id = $job{'periods.pdf'} "
		  . "AND w LIKE 'income_statement on page 4, column _ (%same period%'"),
	'2', 'both columns of the ambiguous heading are named in warnings');
is( $node->safe_psql('postgres',
		"SELECT count(*) FROM finx.jobs j, unnest(j.warnings) w WHERE j.id = $job{'periods.pdf'}"),
	'2', 'the proven periods of the other headings raise no warning');

# An equity roll-forward whose columns are components: each fact has its
# row's period (above), its fiscal period, and names its component.
is( $node->safe_psql('postgres',
		"SELECT string_agg(DISTINCT component || ' ' || fiscal_year || ' ' || fiscal_period, '; ') "
		  . "FROM finx.facts WHERE job_id = $job{'equity.pdf'} AND label = 'Net income'"),
	'Retained Earnings 2021 FY; Retained Earnings 2022 FY; Total Equity 2021 FY; Total Equity 2022 FY',
	'equity roll-forward: movements in their fiscal years, by component');
is( $node->safe_psql('postgres',
		"SELECT string_agg(value::text, ' ' ORDER BY col) FROM finx.facts "
		  . "WHERE job_id = $job{'equity.pdf'} AND period_end = '2022-12-31' AND period_months IS NULL"),
	'1100 1040 2140', 'equity roll-forward: the closing balances at their date');
is( $node->safe_psql('postgres',
		"SELECT jsonb_path_query_first(finx_document_json(document_id), "
		  . "'\$.statements[*] ? (@.component_columns == true).line_items[0].period.period_end') "
		  . "FROM finx.jobs WHERE id = $job{'equity.pdf'}"),
	'"2020-12-31"', 'equity roll-forward: finx_document_json gives each row its period');

# Documents record name, hash, size and pages.
is( $node->safe_psql('postgres',
		"SELECT d.file_name || ' ' || d.pages FROM finx.documents d JOIN finx.jobs j ON j.document_id = d.id "
		  . "WHERE j.id = $job{'two_page.pdf'}"),
	'two_page.pdf 2', 'document row has base name and page count');

# Bad files: refused at submit with a clear error, nothing written.
my $before = $node->safe_psql('postgres', 'SELECT count(*) FROM finx.jobs');
my %refused = (
	'not_a_pdf.pdf' => qr/is not a PDF document/,
	'empty.pdf' => qr/is empty/,
	'truncated.pdf' => qr/is truncated/);
for my $f (sort keys %refused)
{
	my ($ret, $out, $err) = $node->psql('postgres', "SELECT finx_submit('$dir/bad/$f')");
	isnt($ret, 0, "$f refused");
	like($err, $refused{$f}, "$f: clear message");
	like($err, qr/HINT:/, "$f: with a hint");
}
is($node->safe_psql('postgres', 'SELECT count(*) FROM finx.jobs'), $before,
	'refused files wrote nothing');

# Bad files the worker finds out about: the job fails with the reason.
my %failing = (
	'corrupt.pdf' => qr/damaged|truncated|no financial statements/,
	'zero_pages.pdf' => qr/no pages|no financial statements/,
	'no_text.pdf' => qr/need OCR/);
$failing{'encrypted.pdf'} = qr/protected by a password/ if -e "$dir/bad/encrypted.pdf";
for my $f (sort keys %failing)
{
	my ($ret, $id, $err) = $node->psql('postgres',
		"SELECT finx_submit('$dir/bad/$f', '{\"max_attempts\": 1}')");
	if ($ret != 0)
	{
		like($err, $failing{$f}, "$f refused at submit with its reason");
		next;
	}
	is($node->safe_psql('postgres', "SELECT finx_wait($id, '3 min')"), 'failed', "$f: job failed");
	like($node->safe_psql('postgres',
			"SELECT last_error FROM finx.jobs ORDER BY id DESC LIMIT 1"),
		$failing{$f}, "$f: failure says why");
}
is( $node->safe_psql('postgres',
		"SELECT count(*) FROM finx.statements s JOIN finx.jobs j ON j.id = s.job_id WHERE j.state <> 'succeeded'"),
	'0', 'failed jobs stored no statements');

$node->stop;
done_testing();

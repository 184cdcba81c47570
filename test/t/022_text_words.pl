# The text layer read as word boxes (finextract.text_words = on: pdftotext
# -tsv laid out by parse_words.c): every synthetic fixture gives exactly its
# expected facts, and the text cache keeps the laid-out pages under their
# own engine, apart from -layout text.
use strict;
use warnings;

use FinxTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = finx_node('words', conf => "finextract.text_words = on\n");
my $dir = fixtures_dir();
my @good = qw(us_10k.pdf ifrs_eu.pdf quarterly.pdf scale_currency.pdf
  two_page.pdf distractors.pdf periods.pdf intl_numbers.pdf equity.pdf
  interim.pdf);

my %job;
$job{$_} = $node->safe_psql('postgres', "SELECT finx_submit('$dir/$_')") for @good;
for my $f (@good)
{
	my $state = $node->safe_psql('postgres', "SELECT finx_wait($job{$f}, '3 min')");
	my $err = $node->safe_psql('postgres', "SELECT last_error FROM finx.jobs WHERE id = $job{$f}");
	is($state, 'succeeded', "$f succeeded from word boxes") or diag($err);
}

my $ids = join(',', values %job);
my $csv = export_facts($node, "f.job_id IN ($ids)", "$dir/facts-words.csv");
my ($stdout, $stderr);
my $ok = IPC::Run::run(
	[ 'python3', repo_dir() . '/test/fixtures/compare_facts.py', $csv, "$dir/expected.tsv" ],
	'>', \$stdout, '2>', \$stderr);
ok($ok, 'facts from word boxes equal the expected values of every fixture')
  or diag($stdout . $stderr);
like($stdout, qr/^10 passed, 0 failed$/m, 'all ten fixtures compared');

# The cache holds the laid-out pages under 'pdftotext-tsv' only.
is( $node->safe_psql('postgres',
		"SELECT count(DISTINCT engine) || ' ' || min(engine) FROM finx.page_texts t "
		  . "JOIN finx.jobs j ON j.document_id = t.document_id WHERE j.id IN ($ids)"),
	'1 pdftotext-tsv', 'the text cache keeps word-box pages under their own engine');
is( $node->safe_psql('postgres',
		"SELECT count(*) FROM finx.page_texts t JOIN finx.jobs j ON j.document_id = t.document_id "
		  . "WHERE j.id = $job{'us_10k.pdf'} AND t.text LIKE 'level%page_num%'"),
	'0', 'the cached pages are laid-out text, not TSV');

done_testing();

# The text layer read as pdftotext -layout text (finextract.text_words =
# off; the default reads word boxes, pdftotext -tsv laid out by
# parse_words.c, as every other test does): every synthetic fixture gives
# exactly its expected facts from either text layer, and the text cache
# keeps the two apart under their own engines.
use strict;
use warnings;

use FinxTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = finx_node('words', conf => "finextract.text_words = off\n");
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
	is($state, 'succeeded', "$f succeeded from -layout text") or diag($err);
}

my $ids = join(',', values %job);
my $csv = export_facts($node, "f.job_id IN ($ids)", "$dir/facts-layout.csv");
my ($stdout, $stderr);
my $ok = IPC::Run::run(
	[ 'python3', repo_dir() . '/test/fixtures/compare_facts.py', $csv, "$dir/expected.tsv" ],
	'>', \$stdout, '2>', \$stderr);
ok($ok, 'facts from -layout text equal the expected values of every fixture')
  or diag($stdout . $stderr);
like($stdout, qr/^10 passed, 0 failed$/m, 'all ten fixtures compared');

# The cache holds -layout pages under 'pdftotext' only.
is( $node->safe_psql('postgres',
		"SELECT count(DISTINCT engine) || ' ' || min(engine) FROM finx.page_texts t "
		  . "JOIN finx.jobs j ON j.document_id = t.document_id WHERE j.id IN ($ids)"),
	'1 pdftotext', 'the text cache keeps -layout pages under their own engine');
is( $node->safe_psql('postgres',
		"SELECT count(*) FROM finx.page_texts t JOIN finx.jobs j ON j.document_id = t.document_id "
		  . "WHERE j.id = $job{'us_10k.pdf'} AND t.text LIKE 'level%page_num%'"),
	'0', 'the cached pages are laid-out text, not TSV');

# Back to the default, word boxes: the same document, with other options so
# that its result is not reused, is read again (a -layout page is no hit
# for word boxes), its facts are the same, and the cache then holds both
# layers, the word boxes laid out as text.
$node->safe_psql('postgres', "ALTER SYSTEM SET finextract.text_words = on; SELECT pg_reload_conf()");
$node->poll_query_until('postgres', "SELECT current_setting('finextract.text_words') = 'on'")
  or die 'text_words not set';
my $again = $node->safe_psql('postgres',
	"SELECT finx_submit('$dir/us_10k.pdf', '{\"structurer\": \"local\"}')");
is($node->safe_psql('postgres', "SELECT finx_wait($again, '3 min')"),
	'succeeded', 'us_10k.pdf succeeded again from word boxes');
is($node->safe_psql('postgres', "SELECT reused_from IS NULL FROM finx.jobs WHERE id = $again"),
	't', 'the second job was processed, not reused');
is( $node->safe_psql('postgres',
		"SELECT string_agg(DISTINCT t.engine, ' ' ORDER BY t.engine) FROM finx.page_texts t "
		  . "JOIN finx.jobs j ON j.document_id = t.document_id WHERE j.id = $again"),
	'pdftotext pdftotext-tsv', 'the cache keeps both text layers of the document apart');
is( $node->safe_psql('postgres',
		"SELECT count(*) FROM finx.page_texts t JOIN finx.jobs j ON j.document_id = t.document_id "
		  . "WHERE j.id = $again AND t.text LIKE 'level%page_num%'"),
	'0', 'word-box pages are cached laid out, not as TSV');
is( $node->safe_psql('postgres',
		"SELECT count(*) FROM (SELECT statement_type, label, period_end, value FROM finx.facts WHERE job_id = $again "
		  . "EXCEPT SELECT statement_type, label, period_end, value FROM finx.facts WHERE job_id = $job{'us_10k.pdf'}) x"),
	'0', 'word boxes and -layout text give the same facts');

done_testing();

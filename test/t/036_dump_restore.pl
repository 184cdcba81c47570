# pg_dump and restore: the extension's tables are dumped with their rows and
# their identity sequences with their values, so after a restore into a new
# database the facts are those of the original and the next submit gets a
# fresh id (before 0.4.0 the sequences started over: "duplicate key value
# violates unique constraint ...").  Owner isolation is on in the restored
# database as in the original.
use strict;
use warnings;

use FinxTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = finx_node('dump');
my $dir = fixtures_dir();

# Results to dump: two documents, a role's job, and a job that reuses one.
my @jobs;
for my $f (fixture_variant('two_page.pdf', 'dump'), fixture_variant('quarterly.pdf', 'dump'))
{
	my ($id, $state) = submit_wait($node, $f);
	is($state, 'succeeded', "job on $f succeeds");
	push @jobs, $id;
}
my ($again, $state) = submit_wait($node, fixture_variant('two_page.pdf', 'dump'));
is($state, 'succeeded', 'a job reusing a result succeeds');

# Every fact with its ids, in one string.
my $facts_sql = "SELECT string_agg(concat_ws('|', f.job_id, f.document_id, f.statement_id, "
  . "f.statement_type, f.page, f.line_no, f.label, f.is_total, f.period_label, f.period_end, "
  . "f.period_months, f.value, f.unit_scale, f.currency, f.ocr_confidence), E'\\n' "
  . "ORDER BY f.job_id, f.statement_id, f.page, f.line_no, f.period_label, f.value) FROM finx.facts f";
my $facts = $node->safe_psql('postgres', $facts_sql);
my $jobs_sql = 'SELECT string_agg(concat_ws(\'|\', id, document_id, file_name, state, reused_from, '
  . 'submitted_by, created_at, finished_at), E\'\n\' ORDER BY id) FROM finx.jobs';
my $jobs = $node->safe_psql('postgres', $jobs_sql);
ok($facts ne '', 'there are facts to dump');

# Dump, restore into a new database of the same cluster.
my $dump = $node->basedir . '/finx.dump';
$node->command_ok([ 'pg_dump', '-Fc', '-f', $dump, '-d', $node->connstr('postgres') ], 'pg_dump');
$node->safe_psql('postgres', 'CREATE DATABASE restored');
$node->command_ok([ 'pg_restore', '--exit-on-error', '-d', $node->connstr('restored'), $dump ], 'pg_restore');
is($node->safe_psql('restored', $facts_sql), $facts, 'the restored facts equal the original ones');
is($node->safe_psql('restored', $jobs_sql), $jobs, 'the restored jobs equal the original ones');
is($node->safe_psql('restored', q{SELECT count(*) FILTER (WHERE relrowsecurity) FROM pg_class
	WHERE relnamespace = 'finx'::regnamespace AND relname IN ('jobs', 'documents', 'statements')}),
	'3', 'owner isolation is on in the restored database');
for my $seq (qw(documents jobs statements requests))
{
	is( $node->safe_psql('restored', "SELECT last_value FROM finx.${seq}_id_seq"),
		$node->safe_psql('postgres', "SELECT last_value FROM finx.${seq}_id_seq"),
		"finx.${seq}_id_seq keeps its value");
}

# The worker serves the restored database: a new document there gets new
# ids and runs.
$node->safe_psql('postgres', "ALTER SYSTEM SET finextract.database = 'restored'");
$node->restart;
$node->poll_query_until('restored',
	"SELECT count(*) = 1 FROM pg_stat_activity WHERE backend_type = 'finextract worker' AND datname = 'restored'")
  or die 'no finextract worker on the restored database';
my $new = fixture_variant('two_page.pdf', 'after-restore');
my ($ret, $out, $err) = $node->psql('restored', "SELECT finx_submit('$new')");
is($ret, 0, 'a submit in the restored database succeeds') or diag($err);
unlike($err, qr/duplicate key/, '... with no duplicate key');
my $max = (sort { $a <=> $b } @jobs, $again)[-1];
cmp_ok($out || 0, '>', $max, '... and a job id after the restored ones');
is($node->safe_psql('restored', "SELECT finx_wait(" . ($out || 0) . ", '3 min')"), 'succeeded',
	'the new job runs and succeeds');
is($node->safe_psql('restored',
		"SELECT count(*) > 0 FROM finx.facts WHERE job_id = " . ($out || 0)), 't', 'and has facts');
is($node->safe_psql('restored', $facts_sql . ' WHERE f.job_id <= ' . $max), $facts,
	'the restored facts are unchanged');

$node->stop;
done_testing();

# The worker's life: waiting for the extension, wake at commit, the same
# document twice, cancel, SIGTERM and restart mid-work, poison documents
# (crash and hang) bounded by max_attempts, several jobs at once.
use strict;
use warnings;

use FinxTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

my $bin = repo_dir() . '/test/bin';
my $node = finx_node('worker', no_extension => 1,
	conf => "finextract.max_local_procs = 2\n");
my $dir = fixtures_dir();

# Without the extension the worker waits quietly: one line, no errors.
$node->wait_for_log(qr/waiting for CREATE EXTENSION finextract/);
$node->safe_psql('postgres', 'CREATE EXTENSION finextract');
my ($job1, $st1) = submit_wait($node, "$dir/us_10k.pdf");
is($st1, 'succeeded', 'first job succeeds once the extension exists');
my $log = slurp_file($node->logfile);
my @waits = ($log =~ /waiting for CREATE EXTENSION/g);
is(scalar @waits, 1, 'the wait for the extension is logged once');
unlike($log, qr/ERROR:.*finextract|finextract.*ERROR:/, 'no error loop in the log');

# The same document again is not reprocessed: it succeeds from what is stored.
my ($job2, $st2) = submit_wait($node, "$dir/us_10k.pdf");
is($st2, 'succeeded', 'second submission succeeds');
is($node->safe_psql('postgres', "SELECT reused_from FROM finx.jobs WHERE id = $job2"),
	$job1, 'second job reuses the first one\'s results');
is( $node->safe_psql('postgres',
		"SELECT (SELECT count(*) FROM finx.facts WHERE job_id = $job2) = "
		  . "(SELECT count(*) FROM finx.facts WHERE job_id = $job1)"),
	't', 'both jobs show the same facts');
is($node->safe_psql('postgres', 'SELECT count(*) FROM finx.statements'),
	$node->safe_psql('postgres', "SELECT count(*) FROM finx.statements WHERE job_id = $job1"),
	'no statements were stored twice');

# Other options on the same document: processed again, from the text cache.
my ($job3, $st3) = submit_wait($node, "$dir/us_10k.pdf", '{"pages": "2-3"}');
is($st3, 'succeeded', 'page-range job succeeds');
is( $node->safe_psql('postgres',
		"SELECT string_agg(DISTINCT statement_type, ',' ORDER BY statement_type) FROM finx.statements WHERE job_id = $job3"),
	'balance_sheet,income_statement', 'page range limits the statements found');

# A rolled-back submit leaves no job; a committed one runs once.
my $jobs_before = $node->safe_psql('postgres', 'SELECT count(*) FROM finx.jobs');
$node->safe_psql('postgres',
	"BEGIN; SELECT finx_submit('$dir/ifrs_eu.pdf'); ROLLBACK;");
is($node->safe_psql('postgres', 'SELECT count(*) FROM finx.jobs'), $jobs_before,
	'rolled-back submit left no job');

# Slow text extraction from here on, so jobs can be caught running.
$node->safe_psql('postgres',
	"ALTER SYSTEM SET finextract.pdftotext_path = '$bin/slow-pdftotext'; SELECT pg_reload_conf();");

# Cancel a running job: it ends cancelled, stores nothing, its child is gone.
my $job4 = $node->safe_psql('postgres', "SELECT finx_submit('$dir/quarterly.pdf')");
$node->poll_query_until('postgres', "SELECT state = 'running' FROM finx.jobs WHERE id = $job4")
  or die 'job never ran';
is($node->safe_psql('postgres', "SELECT finx_cancel($job4)"), 't', 'cancel returns true');
is($node->safe_psql('postgres', "SELECT finx_wait($job4, '1 min')"), 'cancelled', 'job is cancelled');
$node->poll_query_until('postgres',
	"SELECT count(*) = 0 FROM pg_ls_dir('finextract_tmp') AS f WHERE f LIKE 'job-$job4-%'")
  or die 'temporary file of the cancelled job remains';
pass('cancelled job\'s temporary copy removed');
is($node->safe_psql('postgres', "SELECT count(*) FROM finx.statements WHERE job_id = $job4"),
	'0', 'cancelled job stored nothing');

# SIGTERM mid-work: the worker exits promptly, restarts, and the job is run
# again without spending an attempt (a graceful stop gives it back).
my $job5 = $node->safe_psql('postgres', "SELECT finx_submit('$dir/two_page.pdf')");
$node->poll_query_until('postgres', "SELECT state = 'running' FROM finx.jobs WHERE id = $job5")
  or die 'job never ran';
my $pid = worker_pid($node);
my $t0 = time();
$node->safe_psql('postgres', "SELECT pg_terminate_backend($pid)");
$node->poll_query_until('postgres', "SELECT count(*) = 0 FROM pg_stat_activity WHERE pid = $pid")
  or die 'worker did not exit';
my $exit_s = time() - $t0;
diag(sprintf('worker exited %.3f s after SIGTERM', $exit_s));
cmp_ok($exit_s, '<', 5, 'worker exits promptly on SIGTERM while a child runs');
isnt(wait_for_worker($node), $pid, 'a new worker started');
is($node->safe_psql('postgres', "SELECT finx_wait($job5, '2 min')"), 'succeeded',
	'interrupted job succeeds after the restart');
is($node->safe_psql('postgres', "SELECT attempt || ' ' || crashes FROM finx.jobs WHERE id = $job5"),
	'1 0', 'the interrupted attempt was given back');
like(slurp_file($node->logfile), qr/finextract worker is stopping: 1 running job\(s\) queued again/,
	'the stopping worker released its job');

# A server restart mid-work: same story.
my $job6 = $node->safe_psql('postgres', "SELECT finx_submit('$dir/scale_currency.pdf')");
$node->poll_query_until('postgres', "SELECT state = 'running' FROM finx.jobs WHERE id = $job6")
  or die 'job never ran';
$node->restart;
is($node->safe_psql('postgres', "SELECT finx_wait($job6, '2 min')"), 'succeeded',
	'job interrupted by a restart succeeds');
is($node->safe_psql('postgres', "SELECT attempt FROM finx.jobs WHERE id = $job6"),
	'1', 'a server restart spends no attempt either');
is( $node->safe_psql('postgres',
		"SELECT count(*) FROM (SELECT job_id, seq FROM finx.statements GROUP BY 1, 2 HAVING count(*) > 1) d"),
	'0', 'no duplicated statements');

# Several jobs at once, at most max_local_procs children.
my @many = map { $node->safe_psql('postgres', "SELECT finx_submit('$dir/$_', '{\"pages\": \"1-9\"}')") }
  qw(ifrs_eu.pdf distractors.pdf quarterly.pdf);
$node->poll_query_until('postgres',
	"SELECT count(*) >= 2 FROM finx.jobs WHERE state = 'running'")
  or die 'jobs did not overlap';
pass('jobs run concurrently');
is($node->safe_psql('postgres', "SELECT finx_wait($_, '2 min')"), 'succeeded', "job $_ succeeded")
  for @many;

# Poison documents: a crashing and a hanging extractor end failed after max_attempts.
$node->safe_psql('postgres',
	"ALTER SYSTEM SET finextract.pdftotext_path = '$bin/crash-pdftotext'; SELECT pg_reload_conf();");
my $poison = fixture_variant('ifrs_eu.pdf', 'crash');
my $job7 = $node->safe_psql('postgres',
	"SELECT finx_submit('$poison', '{\"max_attempts\": 2}')");
is($node->safe_psql('postgres', "SELECT finx_wait($job7, '2 min')"), 'failed', 'crashing job fails');
like($node->safe_psql('postgres', "SELECT attempt || ' ' || last_error FROM finx.jobs WHERE id = $job7"),
	qr/^2 .*terminated by signal/, 'after max_attempts, with the reason');

$node->safe_psql('postgres',
	"ALTER SYSTEM SET finextract.pdftotext_path = '$bin/hang-pdftotext'; "
	  . "ALTER SYSTEM SET finextract.local_timeout = '300ms'; SELECT pg_reload_conf();");
my $hang = fixture_variant('ifrs_eu.pdf', 'hang');
my $job8 = $node->safe_psql('postgres',
	"SELECT finx_submit('$hang', '{\"max_attempts\": 1}')");
is($node->safe_psql('postgres', "SELECT finx_wait($job8, '2 min')"), 'failed', 'hanging job fails');
like($node->safe_psql('postgres', "SELECT last_error FROM finx.jobs WHERE id = $job8"),
	qr/time limit/, 'hanging job: reason is the time limit');

# finx_retry gives a failed job a fresh budget; with a working extractor it succeeds.
$node->safe_psql('postgres',
	"ALTER SYSTEM RESET finextract.pdftotext_path; ALTER SYSTEM RESET finextract.local_timeout; SELECT pg_reload_conf();");
$node->poll_query_until('postgres', "SELECT current_setting('finextract.pdftotext_path') = 'pdftotext'");
is($node->safe_psql('postgres', "SELECT finx_retry($job8)"), 't', 'retry accepted');
is($node->safe_psql('postgres', "SELECT finx_wait($job8, '2 min')"), 'succeeded', 'retried job succeeds');

$node->stop;
done_testing();

# Crash matrix: the worker is stopped while many jobs are in flight
# (remote extractions and LLM calls against the mock, local pdftotext
# children), by SIGTERM (pg_terminate_backend) 20 times during 200 jobs,
# by SIGKILL (a crash: the postmaster resets the cluster) 10 times during
# 100 jobs, and by `pg_ctl stop -m immediate` + start 5 times during 50 jobs.
# After each run: every job terminal and succeeded, no duplicated
# statements or line items, facts equal those of a reference job, duplicate
# whisper submissions bounded by the requests in flight at the kills,
# attempts never above max_attempts and none spent by the interruptions.
# Then poison documents (a child that crashes, one that hangs) fail after
# max_attempts with the reason while the other jobs finish, and a
# rolled-back submit never runs.
use strict;
use warnings;

use FinxMock;
use FinxTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

my $t_start = time();
my $mock = mock_start('--time-scale', '0.02');
# latencies (scaled by 0.02): submit 100 ms, 200 ms per page, chat 20-60 ms
mock_config($mock,
	{ whisper_submit_seconds => 5, whisper_page_seconds => 10,
	  whisper_retrieve_seconds => 2, chat_seconds => 1, chat_jitter => 2 });
my $node = finx_node('crash', conf => mock_conf_lines($mock)
	  . "restart_after_crash = on\n"
	  . "finextract.max_running_jobs = 16\n"
	  . "finextract.max_local_procs = 2\n"
	  . "finextract.llmwhisperer_poll_interval = '100ms'\n");
my $dir = fixtures_dir();

my %combo = (
	remote => '{"text_extractor": "llmwhisperer", "structurer": "llm", "max_attempts": 10}',
	local => '{"text_extractor": "local", "structurer": "local", "max_attempts": 10}');

# A digest of a job's facts (everything but ids and file names), in an order
# that is total: rows tied on a few columns may come in any physical order
# (after a crash reset the planner's statistics are gone and it can choose
# another join order), so sort by the whole row.
my $digest_sql =
  "SELECT md5(string_agg(r, E'\\n' ORDER BY r)) FROM (SELECT concat_ws('|', statement_type, page, "
  . "line_no, label, is_total, period_label, period_end, period_months, value, unit_scale, currency) AS r "
  . "FROM finx.facts WHERE job_id = ";

# Reference jobs, run without any interruption.
my %ref;
for my $c (sort keys %combo)
{
	my ($id, $state) = submit_wait($node, fixture_variant('two_page.pdf', "ref-$c"), $combo{$c});
	is($state, 'succeeded', "reference job ($c) succeeded")
	  or diag($node->safe_psql('postgres', "SELECT last_error FROM finx.jobs WHERE id = $id"));
	$ref{$c} = $node->safe_psql('postgres', $digest_sql . $id . ") s");
	cmp_ok($node->safe_psql('postgres', "SELECT count(*) FROM finx.facts WHERE job_id = $id"),
		'>', 10, "reference job ($c) has facts");
}
is( $node->safe_psql('postgres',
		"SELECT count(*) FROM pg_constraint WHERE conrelid = 'finx.statements'::regclass "
		  . "AND contype = 'u' AND pg_get_constraintdef(oid) = 'UNIQUE (job_id, seq)'"),
	'1', 'UNIQUE (job_id, seq) exists on finx.statements');

# Submit n jobs (every fourth local, the rest remote) in one transaction; returns [first, last].
sub submit_batch
{
	my ($tag, $n) = @_;
	my @rows;
	for my $i (1 .. $n)
	{
		my $c = $i % 4 == 0 ? 'local' : 'remote';
		my $f = fixture_variant('two_page.pdf', "$tag-$i");
		push @rows, "('$f', '$combo{$c}'::jsonb, $i)";
	}
	my $ids = $node->safe_psql('postgres',
		"SELECT min(id) || ' ' || max(id) FROM (SELECT finx_submit(p, o) AS id FROM (VALUES "
		  . join(',', @rows) . ") v(p, o, i) ORDER BY i) s");
	return [ split / /, $ids ];
}

# The mock's whisper requests (submit, retrieve) in flight around time t.
# An answer not yet committed by the worker counts as in flight for slack
# seconds: a terminated worker commits what it has read before it stops, a
# killed one loses what it read since its last commit (under load, up to a
# second).
sub whisper_inflight_at
{
	my ($log, $t, $slack) = @_;
	return scalar grep {
		($_->{route} eq 'whisper' || $_->{route} eq 'whisper-retrieve')
		  && $_->{time} <= $t + 0.05
		  && $_->{time} + $_->{duration_ms} / 1000.0 >= $t - $slack
	} @$log;
}

# Stop the worker one way; returns once a new worker runs.
sub interrupt
{
	my ($how) = @_;
	my $pid = wait_for_worker($node);
	if ($how eq 'term')
	{
		$node->safe_psql('postgres', "SELECT pg_terminate_backend($pid)");
	}
	elsif ($how eq 'kill')
	{
		kill 'KILL', $pid;
	}
	else
	{
		$node->stop('immediate');
		$node->start;
	}
	wait_new_worker($pid) or die "no new worker after $how";
}

# Wait until a worker other than $pid runs.  poll_query_until feeds psql
# through a pipe and dies of EPIPE when psql exits at once because the
# server is still in crash recovery; psql -c has no pipe to break.
sub wait_new_worker
{
	my ($pid) = @_;
	my $deadline = time() + $PostgreSQL::Test::Utils::timeout_default;
	while (time() < $deadline)
	{
		my ($out, $err) = ('', '');
		IPC::Run::run([ 'psql', '-XAtq', '-d', $node->connstr('postgres'), '-c',
				"SELECT count(*) = 1 FROM pg_stat_activity WHERE backend_type = 'finextract worker' AND pid <> $pid" ],
			'<', \undef, '>', \$out, '2>', \$err);
		return 1 if $out =~ /^t/;
		select(undef, undef, undef, 0.1);
	}
	return 0;
}

# Why jobs spent an attempt: their rows, and what the server log says of them
# (a later success clears last_error; failed attempts are logged).
sub spent_attempts_diag
{
	my ($in) = @_;
	my $ids = $node->safe_psql('postgres',
		"SELECT string_agg(id::text, '|') FROM finx.jobs WHERE $in AND attempt > 1");
	diag($node->safe_psql('postgres',
			"SELECT string_agg(id || ': attempt ' || attempt || ', crashes ' || crashes || ', ' "
			  . "|| coalesce(last_error, 'no error'), E'\\n') FROM finx.jobs WHERE $in AND attempt > 1"));
	return if $ids eq '';
	my @lines = grep { /finextract job ($ids) failed|recovered|stopped abnormally|FATAL|PANIC|ERROR/ }
	  split /\n/, slurp_file($node->logfile);
	diag(join("\n", @lines[ 0 .. ($#lines < 40 ? $#lines : 39) ]));
}

# One run of the matrix: n jobs, k interruptions spread over them.
sub crash_run
{
	my ($how, $n, $k) = @_;
	mock_reset($mock);
	my ($first, $last) = @{ submit_batch($how, $n) };
	my $in = "id BETWEEN $first AND $last";
	my (@kill_times, $running_at_kills);
	my $done = "state IN ('succeeded', 'failed', 'cancelled')";
	# Spread the interruptions over the first 80 % of the jobs: near the end
	# the last few jobs can all finish between two polls, and a wait for
	# "enough finished and one still running" would then never come true.
	# On a slow machine even that can happen: once every job has ended, the
	# remaining interruptions are skipped (and counted below).
	for my $i (1 .. $k)
	{
		my $target = int($i * 0.8 * $n / ($k + 1));
		$node->poll_query_until('postgres',
			"SELECT (count(*) FILTER (WHERE $done) >= $target "
			  . "AND count(*) FILTER (WHERE state = 'running') > 0) OR bool_and($done) "
			  . "FROM finx.jobs WHERE $in")
		  or die "jobs stalled before interruption $i ($how)";
		last if $node->safe_psql('postgres', "SELECT bool_and($done) FROM finx.jobs WHERE $in") eq 't';
		$running_at_kills += $node->safe_psql('postgres',
			"SELECT count(*) FROM finx.jobs WHERE $in AND state = 'running'");
		push @kill_times, time();
		interrupt($how);
	}
	$node->poll_query_until('postgres',
		"SELECT count(*) = 0 FROM finx.jobs WHERE $in AND state NOT IN ('succeeded', 'failed', 'cancelled')")
	  or die "jobs never ended after $how";

	is($node->safe_psql('postgres', "SELECT count(*) FROM finx.jobs WHERE $in"), $n,
		"$how: all $n jobs exist");
	is( $node->safe_psql('postgres',
			"SELECT string_agg(id || ' ' || state || ': ' || coalesce(last_error, ''), E'\\n') "
			  . "FROM finx.jobs WHERE $in AND state <> 'succeeded'"),
		'', "$how: every job succeeded ($k interruptions, $running_at_kills jobs running at them)");
	is($node->safe_psql('postgres', "SELECT count(*) FROM finx.jobs WHERE $in AND attempt > max_attempts"),
		'0', "$how: no job used more than max_attempts");
	cmp_ok(scalar @kill_times, '>=', 1, "$how: the worker was interrupted while jobs ran");
	cmp_ok($running_at_kills, '>=', scalar @kill_times, "$how: jobs were running at every interruption");
	is($node->safe_psql('postgres', "SELECT count(*) FROM finx.jobs WHERE $in AND attempt > 1"),
		'0', "$how: the interruptions spent no attempt")
	  or spent_attempts_diag($in);
	cmp_ok($node->safe_psql('postgres', "SELECT coalesce(max(crashes), 0) FROM finx.jobs WHERE $in"),
		'<', 10, "$how: no job used up its crash budget");
	is( $node->safe_psql('postgres',
			"SELECT count(*) FROM (SELECT job_id, seq FROM finx.statements WHERE job_id BETWEEN $first AND $last "
			  . "GROUP BY 1, 2 HAVING count(*) > 1) d"),
		'0', "$how: no duplicated statements");
	is( $node->safe_psql('postgres',
			"SELECT count(*) FROM (SELECT i.statement_id, i.row_no FROM finx.line_items i "
			  . "JOIN finx.statements s ON s.id = i.statement_id WHERE s.job_id BETWEEN $first AND $last "
			  . "GROUP BY 1, 2 HAVING count(*) > 1) d"),
		'0', "$how: no duplicated line items");
	my $bad = $node->safe_psql('postgres',
		"SELECT string_agg(j.id::text, ',') FROM finx.jobs j WHERE $in AND "
		  . "($digest_sql j.id) s) IS DISTINCT FROM CASE WHEN j.options->>'structurer' = 'llm' "
		  . "THEN '$ref{remote}' ELSE '$ref{local}' END");
	is($bad, '', "$how: every job's facts equal the reference job's");

	# whisper submits beyond one per extraction happen only around a kill
	my $log = mock_log($mock);
	my $submits = grep { $_->{route} eq 'whisper' && $_->{status} == 202 } @$log;
	my $extractions = $node->safe_psql('postgres',
		"SELECT count(*) FROM finx.whisper_extractions w WHERE w.document_id IN "
		  . "(SELECT document_id FROM finx.jobs WHERE $in)");
	my $bound = 0;
	$bound += whisper_inflight_at($log, $_, $how eq 'term' ? 0.3 : 1.0) for @kill_times;
	my $dups = $submits - $extractions;
	cmp_ok($dups, '<=', $bound,
		"$how: duplicate whisper submissions ($dups) <= whisper requests in flight at the kills ($bound)");
	cmp_ok($extractions, '>', 0, "$how: remote extractions were made");
	diag(sprintf('%s: %d jobs, %d interruptions of %d, %d running at them, %d whisper submits for %d extractions, '
		  . 'max attempt %s, %.0f s so far',
		$how, $n, scalar @kill_times, $k, $running_at_kills, $submits, $extractions,
		$node->safe_psql('postgres', "SELECT max(attempt) FROM finx.jobs WHERE $in"), time() - $t_start));
}

crash_run('term', 200, 20);
crash_run('kill', 100, 10);
crash_run('immediate', 50, 5);

$node->poll_query_until('postgres',
	"SELECT count(*) = 0 FROM pg_ls_dir('finextract_tmp') AS f WHERE f NOT LIKE '.%'")
  or diag('temporary files remain in finextract_tmp');
is($node->safe_psql('postgres', "SELECT count(*) FROM pg_ls_dir('finextract_tmp') AS f WHERE f NOT LIKE '.%'"),
	'0', 'no temporary PDF copies left behind');

# Poison documents: an extractor that crashes, or hangs, on them only.
my $poison_bin = PostgreSQL::Test::Utils::tempdir('bin') . '/poison-pdftotext';
open(my $fh, '>', $poison_bin) or die $!;
print $fh <<'EOS';
#!/bin/sh
# pdftotext stand-in: crashes or hangs on marked documents, else the real one.
if grep -q 'variant poison-crash' "$4"; then kill -SEGV $$; fi
if grep -q 'variant poison-hang' "$4"; then exec sleep 3600; fi
exec pdftotext "$@"
EOS
close($fh);
chmod 0755, $poison_bin;
$node->safe_psql('postgres',
	"ALTER SYSTEM SET finextract.pdftotext_path = '$poison_bin'; "
	  . "ALTER SYSTEM SET finextract.local_timeout = '1s'; SELECT pg_reload_conf();");
$node->poll_query_until('postgres',
	"SELECT current_setting('finextract.local_timeout') = '1s'") or die 'reload';
my $crash = $node->safe_psql('postgres',
	"SELECT finx_submit('" . fixture_variant('ifrs_eu.pdf', 'poison-crash') . "', '{\"max_attempts\": 2}')");
my $hang = $node->safe_psql('postgres',
	"SELECT finx_submit('" . fixture_variant('quarterly.pdf', 'poison-hang') . "', '{\"max_attempts\": 2}')");
my ($gfirst, $glast) = @{ submit_batch('poison-neighbours', 12) };
is($node->safe_psql('postgres', "SELECT finx_wait($crash, '2 min')"), 'failed', 'crashing poison document fails');
like($node->safe_psql('postgres', "SELECT attempt || '/' || max_attempts || ' ' || last_error FROM finx.jobs WHERE id = $crash"),
	qr{^2/2 .*signal}, 'after max_attempts, with the reason (signal)');
is($node->safe_psql('postgres', "SELECT finx_wait($hang, '2 min')"), 'failed', 'hanging poison document fails');
like($node->safe_psql('postgres', "SELECT attempt || '/' || max_attempts || ' ' || last_error FROM finx.jobs WHERE id = $hang"),
	qr{^2/2 .*time limit}, 'after max_attempts, with the reason (time limit)');
$node->poll_query_until('postgres',
	"SELECT count(*) = 0 FROM finx.jobs WHERE id BETWEEN $gfirst AND $glast AND state IN ('queued', 'running')")
  or die 'neighbours never ended';
is($node->safe_psql('postgres',
		"SELECT count(*) FROM finx.jobs WHERE id BETWEEN $gfirst AND $glast AND state = 'succeeded'"),
	'12', 'the other jobs all succeeded');
$node->safe_psql('postgres',
	"ALTER SYSTEM RESET finextract.pdftotext_path; ALTER SYSTEM RESET finextract.local_timeout; SELECT pg_reload_conf();");

# Transactions: a rolled-back submit never runs, a committed one runs once.
mock_reset($mock);
my $rb = fixture_variant('two_page.pdf', 'rolled-back');
my $jobs_before = $node->safe_psql('postgres', 'SELECT count(*) FROM finx.jobs');
my $docs_before = $node->safe_psql('postgres', 'SELECT count(*) FROM finx.documents');
$node->safe_psql('postgres',
	"BEGIN; SELECT finx_submit('$rb', '$combo{remote}'); SELECT pg_sleep(0.5); ROLLBACK;");
my $cm = fixture_variant('two_page.pdf', 'committed');
my ($cid, $cstate) = submit_wait($node, $cm, $combo{remote});
is($cstate, 'succeeded', 'committed submit ran');
is($node->safe_psql('postgres', "SELECT attempt FROM finx.jobs WHERE id = $cid"), '1', 'once');
is($node->safe_psql('postgres', 'SELECT count(*) FROM finx.jobs'), $jobs_before + 1,
	'the rolled-back submit left no job');
is($node->safe_psql('postgres', 'SELECT count(*) FROM finx.documents'), $docs_before + 1,
	'the rolled-back submit left no document');
is($node->safe_psql('postgres', "SELECT count(*) FROM finx.requests WHERE job_id > $cid"), '0',
	'nothing ran for the rolled-back submit');
is($node->safe_psql('postgres',
		"SELECT count(*) FROM finx.whisper_extractions w JOIN finx.jobs j USING (document_id) WHERE j.id = $cid"),
	scalar(grep { $_->{route} eq 'whisper' } @{ mock_log($mock) }),
	'the mock saw the committed job\'s extractions only');

diag(sprintf('030_crash took %.0f s', time() - $t_start));
$node->stop;
mock_stop($mock);
done_testing();

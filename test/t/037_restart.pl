# Restarts do not fail innocent jobs.
#
# 1. The kill schedule: 8 pg_terminate_backend and 3 kill -9 of the worker
#    during 40 remote jobs (default max_attempts, 3) against the mock.
#    Every job succeeds with attempt 1 (no attempt spent by a stop), its
#    facts equal those of a run without kills, and the duplicate paid
#    whisper submissions are bounded by the whisper requests in flight at
#    the kill -9s: a graceful stop waits for its paid requests in flight.
# 2. A graceful server restart (pg_ctl restart -m fast) during a batch costs
#    no attempt: the stopping worker releases its running jobs.
# 3. A poison document that crashes the worker's own process (the test-only
#    setting finextract.debug_crash_on_text aborts the worker while it
#    parses a text containing it) still ends: it fails once its crashes
#    reach max_attempts, and the jobs running beside it lose nothing.
use strict;
use warnings;

use FinxMock;
use FinxTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

my $mock = mock_start('--time-scale', '0.02');
# Pages take 2 s each (at the time scale): the 40 jobs' work must outlast
# the 11 stops (each about a second until the next worker runs), so that
# every stop finds jobs running, on a fast machine too.
mock_config($mock,
	{ whisper_submit_seconds => 5, whisper_page_seconds => 100,
	  whisper_retrieve_seconds => 2, chat_seconds => 1, chat_jitter => 2 });
my $node = finx_node('restart', conf => mock_conf_lines($mock)
	  . "restart_after_crash = on\n"
	  . "finextract.max_running_jobs = 16\n"
	  . "finextract.max_local_procs = 2\n"
	  . "finextract.llmwhisperer_poll_interval = '100ms'\n");

my $remote = '{"text_extractor": "llmwhisperer", "structurer": "llm"}';
my $local = '{"text_extractor": "local", "structurer": "local"}';

sub q1 { return $node->safe_psql('postgres', $_[0]); }

# A digest of a job's facts, in a total order.
my $digest_sql =
  "SELECT md5(string_agg(r, E'\\n' ORDER BY r)) FROM (SELECT concat_ws('|', statement_type, page, "
  . "line_no, label, is_total, period_label, period_end, period_months, value, unit_scale, currency) AS r "
  . "FROM finx.facts WHERE job_id = ";

my ($ref_id, $ref_state) = submit_wait($node, fixture_variant('two_page.pdf', 'restart-ref'), $remote);
is($ref_state, 'succeeded', 'reference job (no kills) succeeded');
my $ref = q1($digest_sql . $ref_id . ") s");
my ($lref_id) = submit_wait($node, fixture_variant('two_page.pdf', 'restart-lref'), $local);
my $lref = q1($digest_sql . $lref_id . ") s");

# Submit n jobs of two_page.pdf variants in one transaction; returns (first, last).
sub submit_batch
{
	my ($tag, $n, $opts) = @_;
	my @rows = map { "('" . fixture_variant('two_page.pdf', "$tag-$_") . "', $_)" } 1 .. $n;
	return split / /, q1("SELECT min(id) || ' ' || max(id) FROM (SELECT finx_submit(p, '$opts') AS id "
		  . "FROM (VALUES " . join(',', @rows) . ") v(p, i) ORDER BY i) s");
}

# Wait until a worker other than $pid runs (psql -c: no pipe to break while
# the server is in crash recovery).
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

# Poll a query until it returns t, through server resets (psql -c: no pipe
# to break while the server is in crash recovery).
sub poll_resetting
{
	my ($sql) = @_;
	my $deadline = time() + $PostgreSQL::Test::Utils::timeout_default;
	while (time() < $deadline)
	{
		my ($out, $err) = ('', '');
		IPC::Run::run([ 'psql', '-XAtq', '-d', $node->connstr('postgres'), '-c', $sql ],
			'<', \undef, '>', \$out, '2>', \$err);
		return 1 if $out =~ /^t/;
		select(undef, undef, undef, 0.1);
	}
	return 0;
}

# The mock's whisper requests (submit, retrieve) in flight around time t:
# an answer the worker has not committed yet counts as in flight, for
# slack seconds (a terminated worker commits what it has read before it
# stops; a killed one loses what it read since its last commit, which under
# load can be a second old).
sub whisper_inflight_at
{
	my ($log, $t, $slack) = @_;
	return scalar grep {
		($_->{route} eq 'whisper' || $_->{route} eq 'whisper-retrieve')
		  && $_->{time} <= $t + 0.05
		  && $_->{time} + $_->{duration_ms} / 1000.0 >= $t - $slack
	} @$log;
}

# Wait until some of the jobs in $in are done and some are running; false
# when every job ended first (the last ones can all end between two polls).
sub wait_progress
{
	my ($in, $target) = @_;
	my $open = "count(*) FILTER (WHERE state NOT IN ('succeeded', 'failed', 'cancelled'))";
	$node->poll_query_until('postgres',
		"SELECT (count(*) FILTER (WHERE state IN ('succeeded', 'failed', 'cancelled')) >= $target "
		  . "AND count(*) FILTER (WHERE state = 'running') > 0) OR $open = 0 FROM finx.jobs WHERE $in")
	  or die "jobs stalled before $target ended";
	return q1("SELECT $open > 0 FROM finx.jobs WHERE $in") eq 't';
}

# Wait until every job in $in is terminal.
sub wait_all
{
	my ($in, $what) = @_;
	$node->poll_query_until('postgres',
		"SELECT count(*) = 0 FROM finx.jobs WHERE $in AND state NOT IN ('succeeded', 'failed', 'cancelled')")
	  or die "jobs never ended ($what): "
	  . q1("SELECT string_agg(id || ' ' || state || ' ' || attempt || ' ' || crashes || ' ' || coalesce(stage, ''), '; ') "
		  . "FROM finx.jobs WHERE $in AND state NOT IN ('succeeded', 'failed', 'cancelled')");
}

# 1. The kill schedule.
mock_reset($mock);
my ($first, $last) = submit_batch('restart-kill', 40, $remote);
my $in = "id BETWEEN $first AND $last";
my @schedule = qw(term term kill term term kill term term kill term term);
my (@kill_times, $running_at_kills);
# The stops are spread over the first 24 jobs to end: with 16 jobs running
# at once, the last 16 run together and may all end within one poll, so a
# stop that waited for a later count could find nothing running.
my @left_at_stops;
for my $i (0 .. $#schedule)
{
	last unless wait_progress($in, int(($i + 1) * 24 / @schedule));
	push @left_at_stops, q1("SELECT count(*) FROM finx.jobs WHERE $in AND state NOT IN ('succeeded', 'failed', 'cancelled')");
	$running_at_kills += q1("SELECT count(*) FROM finx.jobs WHERE $in AND state = 'running'");
	my $pid = wait_for_worker($node);
	push @kill_times, time();
	if ($schedule[$i] eq 'term')
	{
		q1("SELECT pg_terminate_backend($pid)");
	}
	else
	{
		kill 'KILL', $pid;
	}
	wait_new_worker($pid) or die "no new worker after $schedule[$i]";
}
wait_all($in, 'kill schedule');
diag('jobs not yet ended at each stop: ' . join(', ', @left_at_stops));
# the stops made (all of them unless every job ended before the last ones)
cmp_ok(scalar @kill_times, '>=', 6, 'the worker was stopped at least 6 times while jobs ran');
my @made = @schedule[ 0 .. $#kill_times ];
my $terms = grep { $_ eq 'term' } @made;
my $kills = grep { $_ eq 'kill' } @made;
is(q1("SELECT string_agg(id || ' ' || state || ': ' || coalesce(last_error, ''), E'\\n') "
		  . "FROM finx.jobs WHERE $in AND state <> 'succeeded'"),
	'', "every job succeeded ($terms terminations, $kills kill -9, $running_at_kills running at them)");
cmp_ok($running_at_kills, '>=', scalar @made, 'jobs were running at every stop');
is(q1("SELECT count(*) FROM finx.jobs WHERE $in AND attempt <> 1"), '0', 'no stop spent an attempt');
is(q1("SELECT string_agg(j.id::text, ',') FROM finx.jobs j WHERE $in AND ($digest_sql j.id) s) "
		  . "IS DISTINCT FROM '$ref'"),
	'', "every job's facts equal those of the run without kills");
is(q1("SELECT count(*) FROM (SELECT job_id, seq FROM finx.statements WHERE job_id BETWEEN $first AND $last "
		  . "GROUP BY 1, 2 HAVING count(*) > 1) d"), '0', 'no duplicated statements');
my $log = mock_log($mock);
my $submits = grep { $_->{route} eq 'whisper' && $_->{status} == 202 } @$log;
my $extractions = q1("SELECT count(*) FROM finx.whisper_extractions WHERE document_id IN "
	  . "(SELECT document_id FROM finx.jobs WHERE $in)");
# A graceful stop waits for the paid whisper requests in flight (submits,
# one-shot retrieves) and commits their answers: it causes no duplicate.
# Only a kill -9 loses answers, at most those of the whisper requests in
# flight then (submits, and retrieves whose lost text is submitted again).
my $bound = 0;
my @per_stop;
for my $i (0 .. $#kill_times)
{
	my $n = whisper_inflight_at($log, $kill_times[$i], $schedule[$i] eq 'kill' ? 1.0 : 0.3);
	push @per_stop, "$schedule[$i] $n";
	$bound += $n if $schedule[$i] eq 'kill';
}
$bound += 2;	# answers lost at a kill -9 a little outside the window
diag('whisper requests in flight at each stop: ' . join(', ', @per_stop));
my $dups = $submits - $extractions;
cmp_ok($dups, '<=', $bound, "duplicate paid submits ($dups) <= whisper requests in flight at the kill -9s + 2 ($bound)");
# (whether a stop of the schedule found a paid request on the wire is luck;
# the stop after the schedule makes sure one does)
my @drains = slurp_file($node->logfile) =~ /finextract worker is stopping: (\d+) paid request\(s\) were in flight, (\d+) answered within \d+ ms/g;
my @unanswered = map { $drains[2 * $_] - $drains[2 * $_ + 1] } 0 .. $#drains / 2;
is(join(',', grep { $_ } @unanswered), '', 'every paid request in flight at a graceful stop was answered within the grace');
like(slurp_file($node->logfile), qr/finextract worker is stopping: \d+ running job\(s\) queued again without using an attempt/,
	'a terminated worker released its jobs');
diag(sprintf('kill schedule: 40 jobs, %d pg_terminate_backend + %d kill -9, %d running at them, '
	  . 'attempts %s, crashes %s, %d whisper submits for %d extractions (%d duplicates, bound %d)',
	$terms, $kills, $running_at_kills,
	q1("SELECT min(attempt) || '..' || max(attempt) FROM finx.jobs WHERE $in"),
	q1("SELECT coalesce(sum(crashes), 0) FROM finx.jobs WHERE $in"),
	$submits, $extractions, $dups, $bound));

# A stop while a paid request is surely on the wire: one job whose whisper
# submit takes a second at the mock, the worker terminated once the job
# has a request under way.  The worker waits for the answer and commits
# it: no second submit, no attempt spent.
mock_reset($mock);
mock_config($mock, { whisper_submit_seconds => 50 });
my $paid_pos = -s $node->logfile;
my $paid_job = q1("SELECT finx_submit('" . fixture_variant('two_page.pdf', 'restart-paid') . "', '$remote')");
$node->poll_query_until('postgres',
	"SELECT coalesce(requests_in_flight, 0) > 0 FROM finx.progress WHERE job_id = $paid_job")
  or die 'the paid submit never went out';
my $paid_pid = wait_for_worker($node);
q1("SELECT pg_terminate_backend($paid_pid)");
wait_new_worker($paid_pid) or die 'no new worker after the paid stop';
is(q1("SELECT finx_wait($paid_job, '2 min') || ' ' || attempt FROM finx.jobs WHERE id = $paid_job"),
	'succeeded 1', 'a job stopped during its paid submit succeeded without spending an attempt');
like(substr(slurp_file($node->logfile), $paid_pos),
	qr/finextract worker is stopping: 1 paid request\(s\) were in flight, 1 answered within \d+ ms/,
	'a terminated worker waited for its paid request in flight');
is(scalar(grep { $_->{route} eq 'whisper' && $_->{status} == 202 } @{ mock_log($mock) }), 1,
	'the answer waited for was committed: one submit');
mock_config($mock, { whisper_submit_seconds => 5 });

# 2. A graceful server restart during a batch.
($first, $last) = submit_batch('restart-fast', 16, $remote);
$in = "id BETWEEN $first AND $last";
wait_progress($in, 2);
my $running = q1("SELECT count(*) FROM finx.jobs WHERE $in AND state = 'running'");
my $log_pos = -s $node->logfile;
$node->restart;		# pg_ctl restart -m fast
wait_all($in, 'server restart');
is(q1("SELECT count(*) FROM finx.jobs WHERE $in AND state = 'succeeded'"), '16',
	"every job succeeded across the restart ($running running at it)");
is(q1("SELECT count(*) FROM finx.jobs WHERE $in AND attempt <> 1"), '0',
	'the server restart spent no attempt');
like(substr(slurp_file($node->logfile), $log_pos),
	qr/finextract worker is stopping: \d+ running job\(s\) queued again without using an attempt/,
	'the worker released its running jobs at the shutdown');

# 3. A document that crashes the worker itself ends on its crash budget.
q1("ALTER SYSTEM SET finextract.debug_crash_on_text = 'ORCHARD DEVICES'; SELECT pg_reload_conf()");
$node->poll_query_until('postgres', "SELECT current_setting('finextract.debug_crash_on_text') <> ''")
  or die 'reload';
# The poison document and its neighbours, in one transaction: the worker
# crashes (and the postmaster resets the cluster) as soon as it parses it.
my $neighbours = join(',', map { "finx_submit('" . fixture_variant('two_page.pdf', "restart-neighbour-$_") . "', '$local')" } 1 .. 8);
my ($poison, @nb) = split /\|/, q1("SELECT finx_submit('" . fixture_variant('quarterly.pdf', 'restart-poison')
	  . "', '{\"text_extractor\": \"local\", \"structurer\": \"local\", \"max_attempts\": 2}'), $neighbours");
$in = "id BETWEEN $nb[0] AND $nb[-1]";
poll_resetting("SELECT state IN ('succeeded', 'failed', 'cancelled') FROM finx.jobs WHERE id = $poison")
  or die 'the poison document never ended';
poll_resetting("SELECT count(*) = 0 FROM finx.jobs WHERE $in AND state NOT IN ('succeeded', 'failed', 'cancelled')")
  or die 'the neighbours never ended';
like(q1("SELECT state || ' ' || crashes || '/' || max_attempts || ' ' || last_error FROM finx.jobs WHERE id = $poison"),
	qr{^failed 2/2 the worker stopped abnormally while it processed this job}, 'the poison document failed on its crash budget');
is(q1("SELECT count(*) FROM finx.jobs WHERE $in AND state = 'succeeded' AND attempt = 1 AND crashes = 0"), '8',
	'the jobs beside it all succeeded, without spending an attempt');
is(q1("SELECT string_agg(j.id::text, ',') FROM finx.jobs j WHERE $in AND ($digest_sql j.id) s) "
		  . "IS DISTINCT FROM '$lref'"), '', 'with the right facts');
diag(sprintf('poison: %s', q1("SELECT 'attempt ' || attempt || ', crashes ' || crashes FROM finx.jobs WHERE id = $poison")));

# finx_retry gives the crash budget back.
q1("ALTER SYSTEM RESET finextract.debug_crash_on_text; SELECT pg_reload_conf()");
$node->poll_query_until('postgres', "SELECT current_setting('finextract.debug_crash_on_text') = ''")
  or die 'reload';
is(q1("SELECT finx_retry($poison)"), 't', 'the poison document can be retried');
is(q1("SELECT finx_wait($poison, '2 min') || ' ' || crashes FROM finx.jobs WHERE id = $poison"),
	'succeeded 0', 'and succeeds with a fresh crash budget once the cause is gone');

$node->stop;
mock_stop($mock);
done_testing();

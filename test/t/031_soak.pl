# Fault soak: 500 jobs (LLMWhisperer extraction + LLM structuring) against
# the mock while it injects about 20 % mixed faults on every endpoint (5xx,
# 429, resets, hangs past finextract.request_timeout, truncated bodies,
# whisper jobs ending in 'error').  Every job succeeds or fails with a clear
# reason; the worker never restarts (same pid, no crash in the log); its
# private memory (RssAnon) and open file descriptors stay flat after a
# 100-job warm-up (the last 400 jobs); it never holds a transaction or a snapshot for
# more than a few seconds (sampled from pg_stat_activity during the run).
use strict;
use warnings;

use FinxMock;
use FinxTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

my $t_start = time();
# 500 jobs: 100 to warm up, then two batches of 200 compared
my $batch = $ENV{FINX_SOAK_JOBS} ? int($ENV{FINX_SOAK_JOBS} / 5) : 100;
my $mock = mock_start('--time-scale', '0.02', '--hang-limit', '30');
mock_config($mock,
	{ whisper_submit_seconds => 1, whisper_page_seconds => 5, whisper_page_jitter => 5,
	  chat_seconds => 1, chat_jitter => 3, chat_retry_after => 1, whisper_retry_after => 1 });
my $node = finx_node('soak', conf => mock_conf_lines($mock)
	  . "finextract.request_timeout = '1s'\n"
	  . "finextract.connect_timeout = '1s'\n"
	  . "finextract.llmwhisperer_poll_interval = '100ms'\n"
	  . "finextract.max_running_jobs = 100\n"
	  # fixed limits: random faults must not make the adaptive limit crawl
	  . "finextract.llmwhisperer_max_concurrency = 32\n"
	  . "finextract.llm_max_concurrency = 32\n");
my $dir = fixtures_dir();

# ~20 % of the calls to each endpoint get a fault
my %faults = (
	submit => { 500 => 0.03, 503 => 0.02, 429 => 0.04, reset => 0.03, truncate => 0.02,
		hang => 0.02, job_error => 0.04 },
	status => { 500 => 0.05, 429 => 0.04, reset => 0.04, truncate => 0.04, hang => 0.03 },
	retrieve => { 503 => 0.06, reset => 0.05, truncate => 0.05, hang => 0.04 },
	chat => { 500 => 0.04, 503 => 0.03, 429 => 0.05, reset => 0.03, truncate => 0.03, hang => 0.02 });
mock_config($mock, { faults => \%faults });

my $pid = wait_for_worker($node);
my (@samples, %xmin_seen, %xact_seen);

# One sample of the worker: pid, RssAnon/VmRSS (kB), open fds, transaction age.
sub sample
{
	my $row = $node->safe_psql('postgres',
		"SELECT pid, coalesce(extract(epoch FROM now() - xact_start), 0), "
		  . "coalesce(backend_xmin::text, ''), coalesce(xact_start::text, '') "
		  . "FROM pg_stat_activity WHERE backend_type = 'finextract worker'");
	my ($p, $xage, $xmin, $xstart) = split /\|/, $row, -1;
	my %s = (t => time(), pid => $p // '', xact_age => $xage // 0);
	if (defined $p && $p ne '' && open(my $st, '<', "/proc/$p/status"))
	{
		while (<$st>)
		{
			$s{rss_anon} = $1 if /^RssAnon:\s+(\d+)/;
			$s{vm_rss} = $1 if /^VmRSS:\s+(\d+)/;
		}
		close($st);
		opendir(my $d, "/proc/$p/fd");
		$s{fds} = scalar(grep { !/^\./ } readdir($d)) if $d;
		closedir($d) if $d;
	}
	# how long each snapshot (xmin) and transaction was seen
	if ($xmin ne '')
	{
		$xmin_seen{$xmin}[0] //= $s{t};
		$xmin_seen{$xmin}[1] = $s{t};
	}
	if ($xstart ne '')
	{
		$xact_seen{$xstart}[0] //= $s{t};
		$xact_seen{$xstart}[1] = $s{t};
	}
	push @samples, \%s;
	return \%s;
}

# Submit n jobs (variants of three fixtures), sample until all have ended.
sub run_half
{
	my ($half, $n) = @_;
	my @fx = qw(two_page.pdf quarterly.pdf us_10k.pdf);
	my @rows;
	for my $i (1 .. $n)
	{
		my $f = fixture_variant($fx[ $i % 3 ], "soak$half-$i");
		push @rows, "('$f', $i)";
	}
	my ($first, $last) = split / /, $node->safe_psql('postgres',
		"SELECT min(id) || ' ' || max(id) FROM (SELECT finx_submit(p, "
		  . "'{\"text_extractor\": \"llmwhisperer\", \"structurer\": \"llm\"}') AS id "
		  . "FROM (VALUES " . join(',', @rows) . ") v(p, i) ORDER BY i) s");
	my $deadline = time() + 300;
	while (time() < $deadline)
	{
		sample();
		last if $node->safe_psql('postgres',
			"SELECT count(*) = 0 FROM finx.jobs WHERE id BETWEEN $first AND $last "
			  . "AND state IN ('queued', 'running')") eq 't';
		select(undef, undef, undef, 0.3);
	}
	return ($first, $last);
}

# The worker's memory and fds once idle (after its caches settled).
sub idle_sample
{
	$node->poll_query_until('postgres',
		"SELECT count(*) = 0 FROM finx.jobs WHERE state IN ('queued', 'running')")
	  or die 'jobs did not end';
	my @s = map { select(undef, undef, undef, 0.3); sample() } 1 .. 3;
	return $s[-1];
}

my ($f1, $l1) = run_half(1, $batch);
run_half(2, 2 * $batch);
my $idle1 = idle_sample();
my ($f2, $l2) = run_half(3, 2 * $batch);
my $idle2 = idle_sample();
my $all = "id BETWEEN $f1 AND $l2";

my $n = $node->safe_psql('postgres', "SELECT count(*) FROM finx.jobs WHERE $all");
is($n, 5 * $batch, 'all jobs exist');
is($node->safe_psql('postgres',
		"SELECT count(*) FROM finx.jobs WHERE $all AND state NOT IN ('succeeded', 'failed')"),
	'0', 'every job succeeded or failed');
my $reasons = $node->safe_psql('postgres',
	"SELECT string_agg(r || ' (' || n || ')', E'\\n' ORDER BY n DESC) FROM "
	  . "(SELECT regexp_replace(last_error, '[0-9]+', 'N', 'g') AS r, count(*) AS n "
	  . "FROM finx.jobs WHERE $all AND state = 'failed' GROUP BY 1) x");
diag("failure reasons:\n" . ($reasons || '(none)'));
is($node->safe_psql('postgres',
		"SELECT count(*) FROM finx.jobs WHERE $all AND state = 'failed' "
		  . "AND (last_error IS NULL OR length(last_error) < 15 "
		  . "OR last_error !~* '(LLMWhisperer|LLM|HTTP|timed out|timeout|connection|attempt|429|5[0-9][0-9])')"),
	'0', 'every failed job says why (a provider, a status or a timeout)');
# our request URLs are always well-formed: anything else is memory that
# was freed under a queued request (a reason with page text in it, or
# curl refusing the URL)
is($node->safe_psql('postgres',
		"SELECT count(*) FROM finx.jobs WHERE $all AND (last_error ~ E'[\\n\\r]' "
		  . "OR last_error LIKE '%bad/illegal format%' OR length(last_error) > 2000)"),
	'0', 'no reason is garbage (page text, a mangled URL)');
is($node->safe_psql('postgres',
		"SELECT count(*) FROM finx.requests WHERE error LIKE '%bad/illegal format%' OR error ~ E'\\n'"),
	'0', 'no request in the trace had a mangled URL');
cmp_ok($node->safe_psql('postgres',
		"SELECT count(*) FROM finx.requests WHERE finished_at > started_at AND started_at >= queued_at"),
	'>', 0, 'the trace records distinct queued, started and finished times');
my $succeeded = $node->safe_psql('postgres', "SELECT count(*) FROM finx.jobs WHERE $all AND state = 'succeeded'");
cmp_ok($succeeded, '>=', 0.8 * $n, "most jobs succeeded despite the faults ($succeeded of $n)");
is($node->safe_psql('postgres',
		"SELECT count(*) FROM finx.jobs j WHERE $all AND state = 'succeeded' "
		  . "AND NOT EXISTS (SELECT 1 FROM finx.statements s WHERE s.job_id = j.id)"),
	'0', 'no job succeeded without statements');
is($node->safe_psql('postgres', "SELECT count(*) FROM finx.jobs WHERE $all AND attempt > max_attempts"),
	'0', 'no job used more than max_attempts');

my $stats = mock_stats($mock);
my $injected = 0;
$injected += $_ for values %{ $stats->{faults} // {} };
diag(sprintf('%d requests, %d faults injected: %s', $stats->{requests}, $injected,
	join(', ', map { "$_=$stats->{faults}{$_}" } sort keys %{ $stats->{faults} })));
cmp_ok($injected, '>=', 0.1 * $stats->{requests}, 'faults were injected into at least 10 % of requests');
cmp_ok($injected, '>', 100, 'more than 100 faults injected');
for my $kind (qw(500 503 429 reset hang truncate job_error))
{
	cmp_ok($stats->{faults}{$kind} // 0, '>', 0, "fault $kind was injected");
}

# The worker never crashed or restarted.
my @pids = do { my %u; grep { !$u{$_}++ } map { $_->{pid} } @samples };
is_deeply(\@pids, [$pid], 'the worker kept its pid through the run (' . scalar(@samples) . ' samples)');
is(worker_pid($node), $pid, 'the same worker is still running');
my $log = slurp_file($node->logfile);
unlike($log, qr/terminated by signal|was terminated|exited with exit code/, 'no crash or exit in the server log');

# Memory and file descriptors: flat between the two halves.
my ($max_fds) = sort { $b <=> $a } map { $_->{fds} // 0 } @samples;
diag(sprintf('worker RssAnon %d kB -> %d kB, VmRSS %d kB -> %d kB, fds %d -> %d (max %d during the run)',
	$idle1->{rss_anon}, $idle2->{rss_anon}, $idle1->{vm_rss}, $idle2->{vm_rss},
	$idle1->{fds}, $idle2->{fds}, $max_fds));
# (measured on Debian 12: -1.2 to +1.9 MB over these 200 jobs on one
# machine, +9.3 and +10.4 MB on a faster one, where more of the faults'
# retries and timeouts overlap and the worker's caches settle higher, then
# stay flat without faults; a leak of a job's memory, 100 kB and more, adds
# 20 MB and fails this; the run without faults below bounds a leak to
# 15 kB a job)
# Under the sanitizers (test/asan.sh sets ASAN_OPTIONS) the runtime's own
# shadow and fake stacks grow the worker's memory with the work done, so
# the bounds on memory are the unsanitized run's (the main suite's); the
# figures are printed either way.
my $sanitized = defined $ENV{ASAN_OPTIONS};
SKIP:
{
	skip 'memory bounds under the sanitizers (checked by the unsanitized run)', 1
	  if $sanitized;
	cmp_ok($idle2->{rss_anon} - $idle1->{rss_anon}, '<', 16384,
		'private memory grew by less than 16 MB over the last ' . (2 * $batch) . ' jobs');
}
# idle keep-alive connections in libcurl's cache come and go: its size
# follows the transfers in flight (libcurl keeps up to 4 a transfer), so
# after the faults' bursts it settles anywhere from -6 to +17 (measured);
# a descriptor leaked per job or request would add 200 and more
cmp_ok($idle2->{fds} - $idle1->{fds}, '<', 64, 'open file descriptors did not grow (beyond cached connections)');
cmp_ok($max_fds, '<', 400, 'open file descriptors stayed bounded during the run');

# Without faults the worker's memory is flat from job to job.  Every
# request's answer (and a chat call's body) once stayed malloc'd after the
# call ended, about 47 kB a job: 4-5 MB per 100 jobs, which the bound above,
# with the faults' own noise, could not see.
my %nofaults = map { my $e = $_; ($e => { map { $_ => 0 } keys %{ $faults{$e} } }) } keys %faults;
mock_config($mock, { faults => \%nofaults });
run_half(4, $batch);
my $idle3 = idle_sample();
run_half(5, $batch);
my $idle4 = idle_sample();
diag(sprintf('without faults: worker RssAnon %d kB -> %d kB over %d jobs',
	$idle3->{rss_anon}, $idle4->{rss_anon}, $batch));
SKIP:
{
	skip 'memory bounds under the sanitizers (checked by the unsanitized run)', 1
	  if $sanitized;
	cmp_ok($idle4->{rss_anon} - $idle3->{rss_anon}, '<', 1536,
		"without faults, private memory grew by less than 1.5 MB over $batch jobs");
}

# Transactions and snapshots: short.
my ($max_xact) = sort { $b <=> $a } map { $_->{xact_age} } @samples;
my ($max_xmin_span) = sort { $b <=> $a } map { $_->[1] - $_->[0] } values %xmin_seen;
my ($max_xact_span) = sort { $b <=> $a } map { $_->[1] - $_->[0] } values %xact_seen;
$max_xmin_span //= 0;
$max_xact_span //= 0;
diag(sprintf('longest worker transaction seen: %.3f s; same xmin seen for %.3f s, same xact for %.3f s',
	$max_xact, $max_xmin_span, $max_xact_span));
cmp_ok($max_xact, '<', 3, 'no worker transaction older than 3 s in any sample');
cmp_ok($max_xmin_span, '<', 3, 'no snapshot (backend_xmin) held across samples for 3 s');
cmp_ok($max_xact_span, '<', 3, 'no transaction seen across samples for 3 s');

diag(sprintf('031_soak took %.0f s', time() - $t_start));
$node->stop;
mock_stop($mock);
done_testing();

# The one failure policy (src/failure.c) as a job sees it, against the
# mock: a transient failure (500) is sent finextract.request_attempts times,
# then the job is queued again until its max_attempts are spent; an
# overload (503) pauses the lane and is retried, and the job succeeds; a
# terminal answer (401) and a quota answer (429 insufficient_quota) are
# sent once and fail the job at its first attempt, whatever max_attempts
# allows, the quota one saying that the quota is used up.  Every failed
# attempt is told in the server log.
# test/unit/test_failure.c checks the same policy without a server.
use strict;
use warnings;

use FinxMock;
use FinxTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $mock = mock_start('--time-scale', '0.05');
my $node = finx_node('failure', conf => mock_conf_lines($mock)
	  . "finextract.structurer = 'local'\n"
	  . "finextract.request_attempts = 2\n");

# The chat requests of a job, "attempt:status" in the order sent.
sub chat_trace
{
	my ($job) = @_;
	return $node->safe_psql('postgres',
		"SELECT string_agg(attempt || ':' || coalesce(http_status::text, '-'), ' ' "
		  . "ORDER BY started_at, attempt) FROM finx.requests WHERE job_id = $job AND endpoint = 'chat'");
}

# "state attempt/max_attempts" of a job.
sub job_line
{
	my ($job) = @_;
	return $node->safe_psql('postgres',
		"SELECT state || ' ' || attempt || '/' || max_attempts FROM finx.jobs WHERE id = $job");
}

# A structurer call that always answers 500: each job attempt sends it
# request_attempts (2) times, and the job is tried max_attempts (2) times.
mock_config($mock, { faults => { chat => { 500 => 1.0 } } });
my ($t, $st) = submit_wait($node, fixture_variant('two_page.pdf', 'transient'),
	'{"structurer": "llm", "max_attempts": 2}');
is(job_line($t), 'failed 2/2', 'transient: the job was queued again, then failed on its last attempt');
is(chat_trace($t), '1:500 2:500 1:500 2:500',
	'transient: each job attempt sent the call request_attempts times');
like($node->safe_psql('postgres', "SELECT last_error FROM finx.jobs WHERE id = $t"),
	qr/LLM call failed: HTTP 500/, 'transient: the reason names the last failure');
# the row keeps only the last reason: each failed attempt is in the server log
my $log = slurp_file($node->logfile);
like($log, qr/LOG:  finextract job $t failed at attempt 1 of 2: [^\n]*HTTP 500[^\n]*\n[^\n]*DETAIL:  The job is queued again in \d+ s\./,
	'transient: the first failed attempt is logged, with the retry');
like($log, qr/LOG:  finextract job $t failed at attempt 2 of 2: [^\n]*\n[^\n]*DETAIL:  The job will not be tried again\./,
	'transient: the last failed attempt is logged as final');

# One 503: the lane pauses and the call is sent again.
mock_config($mock, { faults => { clear => JSON::PP::true, chat => { 503 => { nth => 1, count => 1 } } } });
my ($o, $so) = submit_wait($node, fixture_variant('two_page.pdf', 'overload'),
	'{"structurer": "llm", "max_attempts": 1}');
is($so, 'succeeded', 'overload: the call was retried and the job succeeded');
is(chat_trace($o), '1:503 2:200', 'overload: the trace shows the 503, then the retry');
ok($node->poll_query_until('postgres',
		"SELECT coalesce(sum(http_429), 0) >= 1 FROM finx.provider_stats WHERE provider = 'llm'"),
	'overload: the lane counted the overload signal');

# A key the API refuses (401): terminal, sent once, the job fails at once.
mock_config($mock, { faults => { clear => JSON::PP::true }, llm_keys => ['sk-other'] });
my ($k, $sk) = submit_wait($node, fixture_variant('two_page.pdf', 'terminal'),
	'{"structurer": "llm", "max_attempts": 3}');
is(job_line($k), 'failed 1/3', 'terminal: the job failed at its first attempt');
is(chat_trace($k), '1:401', 'terminal: the call was sent once');
mock_config($mock, { llm_keys => ['sk-test'] });

# insufficient_quota: terminal too, and the reason says the quota is used up.
mock_config($mock, { chat_insufficient_quota => JSON::PP::true });
my ($q, $sq) = submit_wait($node, fixture_variant('two_page.pdf', 'quota'),
	'{"structurer": "llm", "max_attempts": 3}');
is(job_line($q), 'failed 1/3', 'quota: the job failed at its first attempt');
is(chat_trace($q), '1:429', 'quota: the call was sent once');
like($node->safe_psql('postgres', "SELECT last_error FROM finx.jobs WHERE id = $q"),
	qr/HTTP 429: .*quota.*\(the account's quota is used up; not retried\)$/,
	'quota: the reason names the quota and says it is not retried');
mock_config($mock, { chat_insufficient_quota => JSON::PP::false });

# With the faults gone the same document succeeds (nothing stuck in the lane).
my ($r, $sr) = submit_wait($node, fixture_variant('two_page.pdf', 'after'),
	'{"structurer": "llm", "max_attempts": 1}');
is($sr, 'succeeded', 'after the faults a job succeeds');

$node->stop;
mock_stop($mock);
done_testing();

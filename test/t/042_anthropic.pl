# The Anthropic Messages structurer against the project's mock: the same
# facts as the OpenAI path for the same fixture, 429 and 529 retried after
# retry-after, a 401 terminal with the key redacted, and the
# anthropic-ratelimit-* headers feeding the lane's rate buckets.
use strict;
use warnings;

use FinxMock;
use FinxTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $mock = mock_start('--time-scale', '0.05');
my $key = 'sk-ant-api03-secretkeyfortests0123456789';
mock_config($mock, { llm_keys => [ 'sk-test', $key ] });

my $node = finx_node('anthropic', conf => mock_conf_lines($mock)
	  . "finextract.structurer = 'local'\n"
	  . "finextract.llm_provider = 'anthropic'\n"
	  . "finextract.anthropic_api_key = '$key'\n"
	  . "finextract.anthropic_base_url = '$mock->{base}'\n"
	  . "finextract.llm_model = 'claude-sonnet-4-5'\n");
my $dir = fixtures_dir();

# Facts of a job as CSV text, with the document's name made neutral.
sub facts_text
{
	my ($job, $tag) = @_;
	my $csv = export_facts($node, "f.job_id = $job", "$dir/facts-042-$job.csv");
	my $text = slurp_file($csv);
	$text =~ s/variant-[^,]*us_10k\.pdf/us_10k.pdf/g;
	return $text;
}

# Switch finextract.llm_provider and wait until the worker has it.
sub use_provider
{
	my ($p) = @_;
	$node->safe_psql('postgres', "ALTER SYSTEM SET finextract.llm_provider = '$p'");
	$node->reload;
}

# The mock's log entries for /v1/messages.
sub messages_log
{
	return [ grep { $_->{route} eq 'messages' } @{ mock_log($mock) } ];
}

# 1. Success: the facts equal the OpenAI path's for the same fixture.
my ($ida, $sta) = submit_wait($node, fixture_variant('us_10k.pdf', 'anthropic'),
	'{"structurer": "llm"}');
is($sta, 'succeeded', 'a job structured by the Anthropic provider succeeded')
  or diag($node->safe_psql('postgres', "SELECT last_error FROM finx.jobs WHERE id = $ida"));
my $nmsg = scalar @{ messages_log() };
cmp_ok($nmsg, '>', 0, 'the calls went to /v1/messages');
is($node->safe_psql('postgres',
		"SELECT string_agg(DISTINCT provider, ',') FROM finx.requests WHERE job_id = $ida"),
	'anthropic', 'the trace names the anthropic lane');
is($node->safe_psql('postgres',
		"SELECT count(*) FROM finx.requests WHERE job_id = $ida AND request_id LIKE 'req\\_%'"),
	$nmsg, "every call's request-id is in the trace");
{
	my $compare = repo_dir() . '/test/fixtures/compare_facts.py';
	my $csv = "$dir/facts-042-anthropic.csv";
	PostgreSQL::Test::Utils::append_to_file($csv, facts_text($ida));
	my ($out, $err);
	my $ok = IPC::Run::run([ 'python3', $compare, $csv, "$dir/expected.tsv", '--doc', 'us_10k.pdf' ],
		'>', \$out, '2>', \$err);
	ok($ok, 'Anthropic facts equal the expected values') or diag($out . $err);
}
use_provider('openai');
$node->poll_query_until('postgres', "SELECT current_setting('finextract.llm_provider') = 'openai'")
  or die 'reload not seen';
my ($ido, $sto) = submit_wait($node, fixture_variant('us_10k.pdf', 'openai'),
	'{"structurer": "llm"}');
is($sto, 'succeeded', 'the same fixture through the OpenAI provider succeeded');
is($node->safe_psql('postgres',
		"SELECT string_agg(DISTINCT provider, ',') FROM finx.requests WHERE job_id = $ido"),
	'llm', 'the OpenAI job used the llm lane');
is(facts_text($ida), facts_text($ido), 'Anthropic and OpenAI facts are identical');
use_provider('anthropic');
$node->poll_query_until('postgres', "SELECT current_setting('finextract.llm_provider') = 'anthropic'")
  or die 'reload not seen';

# 2. 529 overloaded_error and 429 rate_limit_error: retried after retry-after
#    (40 s scaled by 0.05 = 2 s, beyond the lane's first backoff of at
#    most 1 s, so a retry that ignored it would be seen).
mock_reset($mock);
mock_config($mock, { chat_retry_after => 40,
	faults => { messages => { 529 => { nth => 1, count => 1 }, 429 => { nth => 2, count => 1 } } } });
my ($idr, $str) = submit_wait($node, fixture_variant('us_10k.pdf', 'anthropic-retry'),
	'{"structurer": "llm"}');
is($str, 'succeeded', 'a job whose calls met 529 and 429 succeeded')
  or diag($node->safe_psql('postgres', "SELECT last_error FROM finx.jobs WHERE id = $idr"));
is($node->safe_psql('postgres',
		"SELECT string_agg(http_status::text, ',' ORDER BY http_status) FROM finx.requests "
		  . "WHERE job_id = $idr AND http_status <> 200"),
	'429,529', 'the trace shows the 429 and the 529');
like($node->safe_psql('postgres',
		"SELECT error FROM finx.requests WHERE job_id = $idr AND http_status = 529"),
	qr/HTTP 529: Overloaded/, "the 529's error reads Anthropic's error body");
# honoured: nothing was sent on the lane within retry-after of the 529
is($node->safe_psql('postgres',
		"SELECT count(*) FROM finx.requests r, finx.requests o "
		  . "WHERE r.job_id = $idr AND o.job_id = $idr AND o.http_status = 529 "
		  . "AND r.started_at > o.finished_at AND r.started_at < o.finished_at + interval '1900 ms'"),
	'0', 'no call started within the 529\'s retry-after');
is($node->safe_psql('postgres',
		"SELECT bool_and(r.started_at >= o.finished_at + interval '1900 ms') FROM finx.requests o "
		  . "JOIN finx.requests r USING (job_id, statement) "
		  . "WHERE o.job_id = $idr AND o.http_status IN (429, 529) AND r.attempt = o.attempt + 1"),
	't', 'each rejected call was retried only after its retry-after');
is($node->safe_psql('postgres',
		"SELECT bool_and(EXISTS (SELECT 1 FROM finx.requests r WHERE r.job_id = o.job_id "
		  . "AND r.statement = o.statement AND r.attempt > o.attempt AND r.http_status = 200)) "
		  . "FROM finx.requests o WHERE o.job_id = $idr AND o.http_status IN (429, 529)"),
	't', 'both rejected calls were retried and then answered');

# 3. A 401 is terminal, and the key it echoes is redacted.
mock_reset($mock);
mock_config($mock, { faults => { clear => JSON::PP::true, messages => { echo_headers => 1.0 } } });
my ($idu, $stu) = submit_wait($node, fixture_variant('us_10k.pdf', 'anthropic-401'),
	'{"structurer": "llm", "max_attempts": 1}');
is($stu, 'failed', 'a job whose calls get 401 fails');
my $err = $node->safe_psql('postgres', "SELECT last_error FROM finx.jobs WHERE id = $idu");
like($err, qr/HTTP 401/, 'the job says why: the 401');
like($err, qr/\[redacted\]/, 'the echoed key is redacted in the job error');
my $trace = $node->safe_psql('postgres',
	"SELECT string_agg(coalesce(error, ''), ' ') FROM finx.requests WHERE job_id = $idu");
unlike($err . $trace, qr/secretkeyfortests/, 'no part of the key in the job or the trace');
is($node->safe_psql('postgres', "SELECT max(attempt) FROM finx.requests WHERE job_id = $idu"),
	'1', 'a 401 is not retried');
is($node->safe_psql('postgres', 'SHOW finextract.anthropic_api_key'), $key,
	'a superuser sees the key');
$node->safe_psql('postgres', 'CREATE ROLE plain LOGIN');
my ($ret, $out, $serr) = $node->psql('postgres', 'SHOW finextract.anthropic_api_key',
	extra_params => [ '-U', 'plain' ]);
unlike($out . $serr, qr/secretkeyfortests/, 'another role never sees the key');

# 4. anthropic-ratelimit-* headers feed the lane's buckets (no rate setting).
mock_reset($mock);
mock_config($mock, { faults => { clear => JSON::PP::true }, chat_ratelimit_headers => JSON::PP::true,
	chat_rpm => 600, chat_tpm => 2000000 });
my ($idl, $stl) = submit_wait($node, fixture_variant('us_10k.pdf', 'anthropic-rl'),
	'{"structurer": "llm"}');
is($stl, 'succeeded', 'a job with rate-limit headers succeeded');
ok($node->poll_query_until('postgres',
		"SELECT requests_per_minute > 0 AND tokens_per_minute > 0 AND requests_left <= 600 "
		  . "FROM finx.provider_stats WHERE provider = 'anthropic'"),
	'the lane keeps to rates learnt from the anthropic-ratelimit-* headers');
is($node->safe_psql('postgres',
		"SELECT string_agg(split_part(lane, '/', 1) || '/' || split_part(lane, '/', 2), ',' ORDER BY lane) "
		  . "FROM finx.provider_stats"),
	'anthropic/claude-sonnet-4-5,llm/claude-sonnet-4-5', 'each provider has its own lane (and buckets)');

# 5. A provider that is not registered is refused.
my ($rc, $o2, $e2) = $node->psql('postgres', "ALTER SYSTEM SET finextract.llm_provider = 'nope'");
like($e2, qr/Valid values are openai, anthropic/, 'an unknown provider is refused, naming the valid ones');

done_testing();

# Per-provider lanes against the mock: the adaptive limit grows until a
# queueing server runs at its capacity, a 429 with Retry-After pauses its lane for
# that long without failing the job, an outage opens the circuit and a
# recovery closes it, one lane's 429s never delay the other lane, and the
# LLM's rate limits (requests and tokens per minute) hold, from the settings
# alone and from the server's x-ratelimit-* headers alone, and LLMWhisperer's
# requests per minute hold across submits, polls and retrieves.
use strict;
use warnings;

use FinxMock;
use FinxTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $scale = 0.1;
my $mock = mock_start('--time-scale', $scale);
my $node = finx_node('lanes', conf => mock_conf_lines($mock)
	  . "finextract.structurer = 'local'\n"
	  . "finextract.llmwhisperer_poll_interval = '20ms'\n"
	  . "finextract.request_attempts = 20\n"
	  . "finextract.max_running_jobs = 64\n"
	  # the lanes' timing, without mapping each job's results to concepts
	  . "finx.map_concepts = off\n");
my $whisper_only = '{"text_extractor": "llmwhisperer"}';
my $both = '{"text_extractor": "llmwhisperer", "structurer": "llm"}';

# One column of the lane of a provider in finx.provider_stats.
sub lane_stat
{
	my ($provider, $col) = @_;
	return $node->safe_psql('postgres',
		"SELECT \"$col\" FROM finx.provider_stats WHERE provider = '$provider'");
}

# Submit distinct copies of a fixture; returns the job ids.
sub submit_copies
{
	my ($name, $tag, $n, $opts) = @_;
	my @ids;
	for my $i (1 .. $n)
	{
		my $doc = fixture_variant($name, "$tag-$i");
		push @ids, $node->safe_psql('postgres', "SELECT finx_submit('$doc', '$opts')");
	}
	return @ids;
}

# Submit distinct copies of a fixture in one statement, so that their calls
# reach the lane together (a burst, not the pace of one client submitting
# one job after another); returns the job ids.
sub submit_together
{
	my ($name, $tag, $n, $opts) = @_;
	my $paths = join(',', map { "'" . fixture_variant($name, "$tag-$_") . "'" } 1 .. $n);
	return split(/\n/, $node->safe_psql('postgres',
		"SELECT finx_submit(p, '$opts') FROM unnest(ARRAY[$paths]) WITH ORDINALITY AS u(p, i) ORDER BY i"));
}

# Wait for jobs; true if all succeeded.
sub all_succeed
{
	my (@ids) = @_;
	my $list = join(',', @ids);
	$node->safe_psql('postgres',
		"SELECT count(finx_wait(id, '3 min')) FROM finx.jobs WHERE id IN ($list)");
	my $bad = $node->safe_psql('postgres',
		"SELECT string_agg(id || ': ' || state || ' ' || coalesce(last_error, ''), '; ') "
		  . "FROM finx.jobs WHERE id IN ($list) AND state <> 'succeeded'");
	diag($bad) if $bad ne '';
	return $bad eq '';
}

# Mock log entries of a route.
sub log_of
{
	my ($route) = @_;
	return [ grep { $_->{route} eq $route } @{ mock_log($mock) } ];
}

# 1. Convergence: capacity 12 (above the initial limit of 8, so reaching it
#    takes growth), queued silently over it.
my $cap = 12;
mock_config($mock, { whisper_capacity => $cap, whisper_over_capacity => 'queue',
	whisper_page_seconds => 3 });
my @ids = submit_copies('us_10k.pdf', 'conv', 60, $whisper_only);
ok(all_succeed(@ids), 'every job over a queueing server succeeded');
# The limit grew from 8 until the server ran at its capacity, and stayed
# bounded.  Where it sits after the run is not asserted: it moves with every
# answer, and on a busy machine the worker's own delays read as queueing and
# lower it (test/bench/remote_bench.sh measures throughput against the
# capacity instead).
my $limit = lane_stat('llmwhisperer', 'limit');
diag("whisper limit after the run: $limit (capacity $cap)");
is(mock_stats($mock)->{whisper}{peak_processing}, $cap,
	'the limit grew until the server ran at its capacity');
cmp_ok($limit, '<=', 2 * $cap, "the whisper limit ($limit) stays within twice the capacity");
# slow start may overshoot for a round trip before the latency shows the
# queue, so the bound allows that transient (180 extractions were sent)
cmp_ok(mock_stats($mock)->{whisper}{peak_queued}, '<=', 4 * $cap,
	'the server queue stayed short');

# 2. A 429 with Retry-After: 20 s (API time) = 2 s: nothing is sent on the
#    whisper lane meanwhile and the job succeeds.
mock_reset($mock);
mock_config($mock, { whisper_capacity => 0, whisper_page_seconds => 1,
	whisper_retry_after => 20, faults => { submit => { 429 => { nth => 1, count => 1 } } } });
my ($id2, $st2) = submit_wait($node, fixture_variant('two_page.pdf', 'ra'), $whisper_only);
is($st2, 'succeeded', 'a job meeting a 429 with Retry-After succeeds');
my $subs = log_of('whisper');
my ($rej) = grep { $_->{status} == 429 } @$subs;
ok($rej, 'the mock answered 429');
my $pause = 20 * $scale;
my @during = grep { $_->{time} > $rej->{time} + 0.05 && $_->{time} < $rej->{time} + $pause - 0.05 } @$subs;
is(scalar(@during), 0, "no whisper submit within the ${pause} s of Retry-After");
my ($next) = grep { $_->{time} > $rej->{time} + 0.05 } @$subs;
cmp_ok($next->{time} - $rej->{time}, '>=', $pause - 0.05, 'the next submit came after the pause');

# 3. Outage and recovery: 503 on every submit opens the circuit (the lane
#    pauses); once the faults are cleared the job succeeds and the pause ends.
mock_reset($mock);
mock_config($mock, { faults => { clear => JSON::PP::true, submit => { 503 => 1.0 } } });
my ($id3) = submit_copies('two_page.pdf', 'outage', 1, $whisper_only);
ok( $node->poll_query_until('postgres',
		"SELECT retries >= 5 AND paused_ms > 0 FROM finx.provider_stats WHERE provider = 'llmwhisperer'"),
	'the outage opened the circuit: the lane is paused after 5 failures');
my $during503 = mock_stats($mock)->{routes}{whisper}{requests};
mock_config($mock, { faults => { clear => JSON::PP::true } });
ok(all_succeed($id3), 'the job succeeds after the recovery');
ok( $node->poll_query_until('postgres',
		"SELECT paused_ms = 0 FROM finx.provider_stats WHERE provider = 'llmwhisperer'"),
	'the circuit closed: no pause');
cmp_ok($during503, '<=', 12, "the open circuit sent few probes ($during503 submits)");

# 4. The LLM's 429s (Retry-After 3 s) do not delay LLMWhisperer.
mock_reset($mock);
mock_config($mock, { chat_retry_after => 30, chat_seconds => 1,
	faults => { chat => { 429 => 1.0 } } });
my @ids4 = submit_together('us_10k.pdf', 'sep', 5, $both);
ok( $node->poll_query_until('postgres',
		"SELECT count(*) = 15 FROM finx.whisper_extractions w JOIN finx.jobs j ON j.document_id = w.document_id "
		  . "WHERE j.id IN (" . join(',', @ids4) . ") AND w.state = 'retrieved'"),
	'every extraction was retrieved while the LLM answered 429');
my $log = mock_log($mock);
my @w = grep { $_->{route} =~ /^whisper/ } @$log;
my @c = grep { $_->{route} eq 'chat/completions' } @$log;
my ($t0, $t1) = ($w[0]{time}, $w[-1]{time});
cmp_ok($t1 - $t0, '<', 3.0 * $scale * 10 / 2,
	sprintf('the extractions took %.2f s, less than half the LLM pause', $t1 - $t0));
ok((grep { $_->{status} == 429 } @c), 'the LLM answered 429 meanwhile');
is((scalar grep { $_->{status} == 200 } @c), 0, 'and no LLM call succeeded before');
mock_config($mock, { faults => { clear => JSON::PP::true } });
ok(all_succeed(@ids4), 'the jobs succeed once the LLM accepts calls');
cmp_ok(lane_stat('llm', 'http_429'), '>', 0, 'the llm lane counted its 429s');

# Rate limits.  The mock's minute lasts 60 x $scale s, so a limit of R per
# mock minute is R / $scale per real minute: the setting that matches it.
my $llm_only = '{"structurer": "llm"}';

# Run n jobs with LLM structuring; returns the mock's chat log entries.
sub llm_run
{
	my ($tag, $n) = @_;
	my @ids = submit_together('us_10k.pdf', $tag, $n, $llm_only);
	ok(all_succeed(@ids), "$tag: every job succeeded");
	return [ grep { $_->{route} eq 'chat/completions' } @{ mock_log($mock) } ];
}

# Calls per second from the first to the last call, not counting a burst.
sub rate_of
{
	my ($calls, $burst) = @_;
	my $span = $calls->[-1]{time} - $calls->[0]{time};
	return $span > 0 ? (scalar(@$calls) - $burst) / $span : 1e9;
}

# The rate past the server's burst, as the server's bucket sees it: the
# bucket is full (burst calls) at the first call and refills at the limit
# from then on, so after n calls past the burst, t seconds after the first
# call, the lane has kept to a rate of n / t; the highest such figure over
# the run (one call of slack).  When the first calls all come at once this
# is the rate of the calls after the burst; when they trickle in (jobs turn
# into calls only as fast as the worker extracts their text, so on a busy
# machine the first calls spread over seconds), the bucket refills meanwhile
# and the lane rightly keeps sending until it is spent: counting only from
# the burst's last call would then measure the demand, not the lane.
sub rate_past_burst
{
	my ($calls, $burst) = @_;
	my @ok = grep { $_->{status} == 200 } @$calls;
	my $max = 0;
	for my $k ($burst .. $#ok)
	{
		my $t = $ok[$k]{time} - $ok[0]{time};
		$max = ($k - $burst) / $t if $t > 0 && ($k - $burst) / $t > $max;
	}
	return $max;
}

# The times of calls, for a failure's diagnostics.
sub timeline
{
	my ($calls) = @_;
	return join(' ', map { sprintf('%.2f:%d', $_->{time} - $calls->[0]{time}, $_->{status}) } @$calls);
}

sub set_conf
{
	my (%kv) = @_;
	$node->safe_psql('postgres', "ALTER SYSTEM SET finextract.$_ = '$kv{$_}'") for keys %kv;
	$node->safe_psql('postgres', 'SELECT pg_reload_conf()');
}

sub reset_conf
{
	$node->safe_psql('postgres', "ALTER SYSTEM RESET finextract.$_") for @_;
	$node->safe_psql('postgres', 'SELECT pg_reload_conf()');
}

# 5. Requests per minute from the setting alone (no headers): no 429, and
#    the calls are paced at the rate after a one-second burst.
mock_reset($mock, 1);
my $rpm = 30;						# per mock minute: 5 calls/s
my $per_s = $rpm / (60 * $scale);
mock_config($mock, { chat_rpm => $rpm, chat_ratelimit_headers => JSON::PP::false,
	chat_seconds => 0.2 });
set_conf(llm_requests_per_minute => $per_s * 60);
ok( $node->poll_query_until('postgres',
		"SELECT current_setting('finextract.llm_requests_per_minute')::int = " . ($per_s * 60)),
	'the setting is loaded');
my $calls = llm_run('rpm-set', 10);
is(mock_stats($mock)->{chat}{http_429}, 0, 'rpm setting: the mock answered no 429');
cmp_ok(rate_of($calls, $per_s), '<=', $per_s * 1.15,
	sprintf('rpm setting: %d calls at %.2f/s after the burst (limit %.1f/s)',
		scalar(@$calls), rate_of($calls, $per_s), $per_s));
cmp_ok(rate_of($calls, 0), '>=', $per_s * 0.5, 'rpm setting: and not much slower');
is(lane_stat('llm', 'requests_per_minute'), $per_s * 60,
	'provider_stats shows the lane\'s request rate');
cmp_ok(lane_stat('llm', 'rate_waits'), '>', 0, 'provider_stats counted calls that waited');
my $prompt = mock_stats($mock)->{chat}{prompt_tokens} / scalar(@$calls);

# 6. Tokens per minute from the setting alone: each call costs its prompt
#    plus max_completion_tokens; no 429 and the token rate holds.
mock_reset($mock, 1);
my $max_tokens = 4096;
my $cost = int($prompt + $max_tokens);
my $tpm = 20 * $cost;					# per mock minute: 3.3 calls/s
my $calls_per_s = 20 / (60 * $scale);
mock_config($mock, { chat_tpm => $tpm, chat_ratelimit_headers => JSON::PP::false,
	chat_seconds => 0.2 });
reset_conf('llm_requests_per_minute');
set_conf(llm_tokens_per_minute => int($tpm / $scale), llm_max_tokens => $max_tokens);
ok( $node->poll_query_until('postgres',
		"SELECT current_setting('finextract.llm_max_tokens')::int = $max_tokens"),
	'the settings are loaded');
$calls = llm_run('tpm-set', 5);
is(mock_stats($mock)->{chat}{http_429}, 0, 'tpm setting: the mock answered no 429');
cmp_ok(rate_of($calls, $calls_per_s), '<=', $calls_per_s * 1.15,
	sprintf('tpm setting: %d calls of ~%d tokens at %.2f/s after the burst (limit %.2f/s)',
		scalar(@$calls), $cost, rate_of($calls, $calls_per_s), $calls_per_s));
cmp_ok(rate_of($calls, 0), '>=', $calls_per_s * 0.4, 'tpm setting: and not much slower');

# 7. Requests per minute from the headers alone: the first 30 calls spend the
#    server's burst, then the remaining/reset headers pace the lane; at most
#    a few 429s.
mock_reset($mock, 1);
mock_config($mock, { chat_rpm => $rpm, chat_seconds => 0.2 });
reset_conf('llm_tokens_per_minute', 'llm_max_tokens');
ok( $node->poll_query_until('postgres',
		"SELECT current_setting('finextract.llm_tokens_per_minute')::int = 0"),
	'the settings are reset');
$calls = llm_run('rpm-hdr', 20);
my $n429 = mock_stats($mock)->{chat}{http_429};
cmp_ok($n429, '<=', 3, "rpm headers: $n429 429s for " . scalar(@$calls) . ' calls');
cmp_ok(scalar(grep { $_->{status} == 200 } @$calls), '>=', $rpm + 10,
	'rpm headers: more calls than the server\'s burst');
my $past = rate_past_burst($calls, $rpm);
cmp_ok($past, '<=', $per_s * 1.2,
	sprintf('rpm headers: after the burst %.2f calls/s (limit %.1f/s)', $past, $per_s))
  or diag(timeline($calls));
my $learnt = lane_stat('llm', 'requests_per_minute');
cmp_ok(abs($learnt - $per_s * 60), '<=', $per_s * 60 * 0.3,
	"rpm headers: the lane learnt the rate from the headers ($learnt per minute)");

# 8. Tokens per minute from the headers alone.
mock_reset($mock, 1);
$cost = int($prompt + 16384);
$tpm = 20 * $cost;
mock_config($mock, { chat_tpm => $tpm, chat_seconds => 0.2 });
$calls = llm_run('tpm-hdr', 10);
$n429 = mock_stats($mock)->{chat}{http_429};
cmp_ok($n429, '<=', 3, "tpm headers: $n429 429s for " . scalar(@$calls) . ' calls');
cmp_ok(scalar(grep { $_->{status} == 200 } @$calls), '>=', 20 + 5,
	'tpm headers: more calls than the server\'s burst');
$past = rate_past_burst($calls, 20);
cmp_ok($past, '<=', $calls_per_s * 1.2,
	sprintf('tpm headers: after the burst %.2f calls/s (limit %.2f/s)', $past, $calls_per_s))
  or diag(timeline($calls));

# 9. LLMWhisperer's requests per minute (the service sends no rate headers):
#    submits, status polls and retrieves together keep to the setting.
mock_reset($mock, 1);
mock_config($mock, { whisper_page_seconds => 0.5 });
my $wrpm = 600;							# 10 requests/s
set_conf(llmwhisperer_requests_per_minute => $wrpm);
ok( $node->poll_query_until('postgres',
		"SELECT current_setting('finextract.llmwhisperer_requests_per_minute')::int = $wrpm"),
	'the whisper setting is loaded');
my @wids = submit_copies('us_10k.pdf', 'wrpm', 4, $whisper_only);
ok(all_succeed(@wids), 'whisper rpm: every job succeeded');
my $wcalls = [ grep { $_->{route} =~ /^whisper/ } @{ mock_log($mock) } ];
cmp_ok(rate_of($wcalls, $wrpm / 60), '<=', $wrpm / 60 * 1.15,
	sprintf('whisper rpm: %d requests at %.2f/s after the burst (limit %.1f/s)',
		scalar(@$wcalls), rate_of($wcalls, $wrpm / 60), $wrpm / 60));
cmp_ok(lane_stat('llmwhisperer-poll', 'requests_per_minute'), '==', $wrpm,
	'the poll lane shares the whisper rate limit');

# 10. finx_http_bench: the HTTP and lane layer alone, in a session, against
#     the mock answering at once; every call comes back and the figures add up.
mock_reset($mock, 1);
mock_config($mock, { chat_seconds => 0 });
my $bench = JSON::PP::decode_json($node->safe_psql('postgres', 'SELECT finx_http_bench(400, 16)'));
is("$bench->{ok}/$bench->{failed}", '400/0', 'http bench: 400 calls, all answered 200')
  or diag(explain($bench));
cmp_ok($bench->{per_second}, '>', 0, "http bench: $bench->{per_second} requests/s");
is(mock_stats($mock)->{requests}, 400, 'http bench: the mock saw exactly those calls');
is($bench->{callback_violations}, 0,
	'http bench: libcurl\'s socket and timer callbacks left the loop alone');

$node->stop;
mock_stop($mock);
done_testing();

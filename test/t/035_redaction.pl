# Redaction of provider text: a proxy that echoes the request's headers
# (Authorization, unstract-key) into its 401 error body must not put an
# API key (whole or any 8-character run of it) into finx.jobs.last_error,
# finx.jobs.warnings, finx.requests, the NOTIFY payload or the server log,
# for LLMWhisperer (key from a key file) and for the chat API (key from
# the setting).
use strict;
use warnings;

use FinxCron;
use FinxMock;
use FinxTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $wkey = 'wk-Redact0123456789abcdefXYZ';
my $lkey = 'sk-proj-Redact9876543210zyxwvuQ';
my $mock = mock_start('--time-scale', '0.05', '--whisper-key', $wkey, '--llm-key', $lkey);
my $keydir = PostgreSQL::Test::Utils::tempdir('keys');
PostgreSQL::Test::Utils::append_to_file("$keydir/whisper.key", "$wkey\n");
chmod 0600, "$keydir/whisper.key";

my $node = finx_node('redaction', conf =>
	  "finextract.llmwhisperer_url = '$mock->{base}/api/v2'\n"
	  . "finextract.llmwhisperer_api_key_file = '$keydir/whisper.key'\n"
	  . "finextract.llm_url = '$mock->{base}/v1'\n"
	  . "finextract.llm_api_key = '$lkey'\n"
	  . "finextract.structurer = 'local'\n");
my $dir = fixtures_dir();
my $listener = listen_jobs($node);

# Every 8-character run of a key that occurs in text (empty when none).
sub leaks
{
	my ($text, $key) = @_;
	my @found;
	for my $i (0 .. length($key) - 8)
	{
		my $run = substr($key, $i, 8);
		push @found, $run if index($text, $run) >= 0;
	}
	return join(', ', @found);
}

# Check one place for both keys.
sub no_key
{
	my ($text, $where) = @_;
	is(leaks($text, $wkey) . leaks($text, $lkey), '', "$where holds no key nor 8 characters of one");
}

my %jobs = (
	whisper => [ 'submit', '{"text_extractor": "llmwhisperer", "max_attempts": 1}' ],
	chat => [ 'chat', '{"text_extractor": "local", "structurer": "llm", "max_attempts": 1}' ]);
my $notices = '';
for my $provider (sort keys %jobs)
{
	my ($endpoint, $options) = @{ $jobs{$provider} };
	mock_config($mock, { faults => { clear => JSON::PP::true, $endpoint => { echo_headers => 1.0 } } });
	mock_reset($mock);
	my ($id, $state) = submit_wait($node, fixture_variant('two_page.pdf', "echo-$provider"), $options);
	is($state, 'failed', "$provider: the 401 fails the job");
	ok(mock_stats($mock)->{faults}{echo_headers} >= 1, "$provider: the mock echoed the headers");
	my $last_error = $node->safe_psql('postgres', "SELECT last_error FROM finx.jobs WHERE id = $id");
	like($last_error, qr/API key.*\[redacted\]/, "$provider: last_error keeps the message, redacted")
	  or diag($last_error);
	no_key($last_error, "$provider: finx.jobs.last_error");
	my $errors = $node->safe_psql('postgres',
		"SELECT string_agg(coalesce(error, '') || ' ' || coalesce(request_id, ''), ' | ') "
		  . "FROM finx.requests WHERE job_id = $id");
	like($errors, qr/HTTP 401.*\[redacted\]/, "$provider: the trace records the redacted error")
	  or diag($errors);
	no_key($errors, "$provider: finx.requests");
	no_key($node->safe_psql('postgres',
			"SELECT coalesce(array_to_string(warnings, ' '), '') FROM finx.jobs WHERE id = $id"),
		"$provider: finx.jobs.warnings");
	$notices .= $listener->query_safe('SELECT 1');
}
like($notices, qr/Asynchronous notification "finx_job"/, 'the failures were notified');
no_key($notices, 'the NOTIFY payloads');
no_key(slurp_file($node->logfile), 'the server log');

$listener->quit;
$node->stop;
mock_stop($mock);
done_testing();

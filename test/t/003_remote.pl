# Remote extraction against the project's mock API server: every
# combination of text extractor and structurer, the text cache, one submit
# per extraction across a restart, pipelining visible in the trace,
# retried and terminal faults, and API keys hidden from other roles.
use strict;
use warnings;

use FinxMock;
use FinxTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $mock = mock_start('--time-scale', '0.05');

# A pdftotext that finds no text layer (page breaks only) while
# $tools/no-text exists: the local view of a scan, while the mock's own
# pdftotext still reads the text.
my $tools = PostgreSQL::Test::Utils::tempdir('tools');
wrap_tool($tools, 'pdftotext', no_text_layer("$tools/no-text"));

my $node = finx_node('remote', conf => mock_conf_lines($mock)
	  . "finextract.structurer = 'local'\n"
	  . "finextract.pdftotext_path = '$tools/pdftotext'\n");
my $dir = fixtures_dir();
my $compare = repo_dir() . '/test/fixtures/compare_facts.py';

# Facts of one job compared with the fixture's expected values.
sub facts_match
{
	my ($job, $doc, $name) = @_;
	my $csv = export_facts($node, "f.job_id = $job", "$dir/facts-$job.csv");
	my ($out, $err);
	my $ok = IPC::Run::run([ 'python3', $compare, $csv, "$dir/expected.tsv", '--doc', $doc ],
		'>', \$out, '2>', \$err);
	ok($ok, $name) or diag($out . $err);
}

# Count mock requests on a route since the last reset.
sub route_count
{
	my ($route) = @_;
	my $r = mock_stats($mock)->{routes}{$route};
	return $r ? $r->{requests} : 0;
}

# 1. Each combination of (local | llmwhisperer) x (local | llm), exact values.
my %jobs;
for my $ex (qw(local llmwhisperer))
{
	for my $st (qw(local llm))
	{
		my $doc = fixture_variant('us_10k.pdf', "$ex-$st");
		(my $base = $doc) =~ s{.*/}{};
		my ($id, $state) = submit_wait($node, $doc,
			qq({"text_extractor": "$ex", "structurer": "$st"}));
		is($state, 'succeeded', "$ex x $st succeeded")
		  or diag($node->safe_psql('postgres', "SELECT last_error FROM finx.jobs WHERE id = $id"));
		$jobs{"$ex-$st"} = $id;
		# the variant's facts must equal us_10k's expected rows
		my $csv = export_facts($node, "f.job_id = $id", "$dir/facts-$id.csv");
		my $text = slurp_file($csv);
		$text =~ s/\Q$base\E/us_10k.pdf/g;
		PostgreSQL::Test::Utils::append_to_file("$dir/facts-$id-renamed.csv", $text);
		my ($out, $err);
		my $ok = IPC::Run::run([ 'python3', $compare, "$dir/facts-$id-renamed.csv",
				"$dir/expected.tsv", '--doc', 'us_10k.pdf' ], '>', \$out, '2>', \$err);
		ok($ok, "$ex x $st: facts equal the expected values") or diag($out . $err);
	}
}
my $trace = $node->safe_psql('postgres',
	"SELECT string_agg(DISTINCT endpoint, ',' ORDER BY endpoint) FROM finx.requests WHERE job_id = $jobs{'llmwhisperer-llm'}");
is($trace, 'chat,whisper,whisper-retrieve,whisper-status', 'the trace shows every endpoint');
is($node->safe_psql('postgres', "SELECT count(*) FROM finx.requests WHERE job_id = $jobs{'local-local'}"),
	'0', 'the local pipeline made no request');
is( $node->safe_psql('postgres',
		"SELECT count(*) FROM finx.requests WHERE job_id = $jobs{'llmwhisperer-local'} AND endpoint = 'whisper'"),
	'3', 'only the three statement pages were sent, one extraction each');

# 1b. Two statements on one page: the page is extracted once, each
#     statement structured by its own call.
system('python3', repo_dir() . '/test/fixtures/make_shared.py', "$dir/shared") == 0
  or die 'could not make the shared-page fixture';
mock_reset($mock);
my ($ids, $sts) = submit_wait($node, "$dir/shared/shared_page.pdf",
	'{"text_extractor": "llmwhisperer", "structurer": "llm"}');
is($sts, 'succeeded', 'shared-page document succeeded');
is(route_count('whisper'), 1, 'the shared page was extracted once');
is(mock_stats($mock)->{whisper}{pages_processed}, 1, 'one page processed at the service');
is($node->safe_psql('postgres', "SELECT count(*) FROM finx.requests WHERE job_id = $ids AND endpoint = 'chat'"),
	'2', 'one LLM call per statement');
{
	my $csv = export_facts($node, "f.job_id = $ids", "$dir/facts-shared.csv");
	my ($out, $err);
	my $ok = IPC::Run::run([ 'python3', $compare, $csv, "$dir/shared/expected_shared.tsv" ],
		'>', \$out, '2>', \$err);
	ok($ok, 'shared-page facts equal the expected values') or diag($out . $err);
}

# 1c. A scan: the whole document in low_cost mode to locate the
#     statements, then only their pages in the job's mode (form); again
#     with other options, nothing is extracted; a low_cost job makes one pass.
sub usage_by_mode
{
	my $r = HTTP::Tiny->new->get("$mock->{base}/api/v2/get-usage-info",
		{ headers => { 'unstract-key' => 'wk-test' } });
	die "usage failed: $r->{status}" unless $r->{success};
	my $u = JSON::PP::decode_json($r->{content});
	return join(' ', map { "$_=" . $u->{"current_page_count_$_"} } qw(low_cost form));
}
PostgreSQL::Test::Utils::append_to_file("$tools/no-text", '');
mock_reset($mock);
my $scan = fixture_variant('us_10k.pdf', 'scan');
my ($idsc, $stsc) = submit_wait($node, $scan,
	'{"text_extractor": "llmwhisperer", "structurer": "llm"}');
is($stsc, 'succeeded', 'a scan succeeds through LLMWhisperer')
  or diag($node->safe_psql('postgres', "SELECT last_error FROM finx.jobs WHERE id = $idsc"));
is(usage_by_mode(), 'low_cost=4 form=3',
	'scan: 4 pages in low_cost to locate, then the 3 statement pages in form');
is($node->safe_psql('postgres',
		"SELECT count(*) FROM finx.requests WHERE job_id = $idsc AND endpoint = 'whisper' AND http_status = 202"),
	'4', 'scan: both passes are in the trace (one low_cost, one per statement)');
{
	my $csv = export_facts($node, "f.job_id = $idsc", "$dir/facts-scan.csv");
	my $text = slurp_file($csv);
	$text =~ s/variant-scan-us_10k\.pdf/us_10k.pdf/g;
	PostgreSQL::Test::Utils::append_to_file("$dir/facts-scan-renamed.csv", $text);
	my ($out, $err);
	my $ok = IPC::Run::run([ 'python3', $compare, "$dir/facts-scan-renamed.csv",
			"$dir/expected.tsv", '--doc', 'us_10k.pdf' ], '>', \$out, '2>', \$err);
	ok($ok, 'scan: facts equal the expected values') or diag($out . $err);
}
my ($idsc2, $stsc2) = submit_wait($node, $scan, '{"text_extractor": "llmwhisperer"}');
is($stsc2, 'succeeded', 'scan resubmitted with other options succeeds');
is(usage_by_mode(), 'low_cost=4 form=3', 'scan resubmitted: nothing extracted again');
is($node->safe_psql('postgres', "SELECT count(*) FROM finx.requests WHERE job_id = $idsc2"),
	'0', 'scan resubmitted: no request at all');
my ($idsc3, $stsc3) = submit_wait($node, fixture_variant('us_10k.pdf', 'scan-lc'),
	'{"text_extractor": "llmwhisperer", "mode": "low_cost"}');
is($stsc3, 'succeeded', 'a scan in low_cost mode succeeds');
is(usage_by_mode(), 'low_cost=8 form=3', 'low_cost mode: one pass, its text reused');
my ($idsc4, $stsc4) = submit_wait($node, fixture_variant('us_10k.pdf', 'scan-auto'));
is($stsc4, 'succeeded', 'a scan with the default text_extractor (auto: OCR by LLMWhisperer) succeeds');
is(usage_by_mode(), 'low_cost=12 form=6', 'auto: located on low_cost too, statement pages in form');
unlink "$tools/no-text";

# 2. The text cache: other options on the same document send nothing.
mock_reset($mock);
my $again = fixture_variant('us_10k.pdf', 'llmwhisperer-local');
my ($id2, $st2) = submit_wait($node, $again, '{"text_extractor": "llmwhisperer", "pages": "1-4"}');
is($st2, 'succeeded', 'resubmission with other options succeeds');
is(route_count('whisper') + route_count('whisper-status') + route_count('whisper-retrieve'),
	0, 'cache hit: zero requests to LLMWhisperer');

# 3. Pipelining: with one extraction processed at a time, the first
#    statement's LLM call starts before the last extraction ends.
mock_config($mock, { whisper_capacity => 1, whisper_page_seconds => 4 });
my ($id3, $st3) = submit_wait($node, fixture_variant('us_10k.pdf', 'pipeline'),
	'{"text_extractor": "llmwhisperer", "structurer": "llm"}');
is($st3, 'succeeded', 'pipelined job succeeded');
is( $node->safe_psql('postgres',
		"SELECT (SELECT min(started_at) FROM finx.requests WHERE job_id = $id3 AND endpoint = 'chat') < "
		  . "(SELECT max(finished_at) FROM finx.requests WHERE job_id = $id3 AND endpoint = 'whisper-retrieve')"),
	't', 'an LLM call started before the last extraction ended');

# 4. A restart in the middle of a whisper: polled afterwards, never submitted twice.
mock_reset($mock);
mock_config($mock, { whisper_capacity => 0, whisper_page_seconds => 40 });
my $slow = fixture_variant('ifrs_eu.pdf', 'restart');
my $id4 = $node->safe_psql('postgres',
	"SELECT finx_submit('$slow', '{\"text_extractor\": \"llmwhisperer\"}')");
$node->poll_query_until('postgres',
	"SELECT count(*) > 0 FROM finx.whisper_extractions w JOIN finx.jobs j ON j.document_id = w.document_id "
	  . "WHERE j.id = $id4 AND w.state = 'submitted'")
  or die 'no whisper was submitted';
$node->restart;
mock_config($mock, { whisper_page_seconds => 0.2 });
is($node->safe_psql('postgres', "SELECT finx_wait($id4, '2 min')"), 'succeeded',
	'job interrupted during a whisper succeeds after the restart');
# each extraction of the document was submitted once, before or after the
# restart (how many were out when it came depends on timing)
is( route_count('whisper'),
	$node->safe_psql('postgres',
		"SELECT count(*) FROM finx.whisper_extractions w JOIN finx.jobs j ON j.document_id = w.document_id "
		  . "WHERE j.id = $id4"),
	'no second submit after the restart: one per extraction');
cmp_ok(route_count('whisper-status'), '>', 0, 'the restarted worker polled the old hash');

# 5. Faults: transient ones are retried, terminal ones fail with a clear reason.
mock_reset($mock);
mock_config($mock, { whisper_page_seconds => 0.2,
	faults => { submit => { 500 => { nth => 1, count => 1 } },
		status => { reset => { nth => 1, count => 1 } },
		chat => { 503 => { nth => 1, count => 1 }, truncate => { nth => 2, count => 1 } } } });
my ($id5, $st5) = submit_wait($node, fixture_variant('two_page.pdf', 'faults'),
	'{"text_extractor": "llmwhisperer", "structurer": "llm"}');
is($st5, 'succeeded', 'a job meeting 500, reset, 503 and a truncated body succeeds');
cmp_ok($node->safe_psql('postgres', "SELECT max(attempt) FROM finx.requests WHERE job_id = $id5"),
	'>=', 2, 'the trace records the retries');
mock_config($mock, { faults => { clear => JSON::PP::true, chat => { length => 1.0 } } });
my ($id6, $st6) = submit_wait($node, fixture_variant('two_page.pdf', 'length'),
	'{"structurer": "llm", "max_attempts": 1}');
is($st6, 'failed', 'an answer cut off at the token limit fails the job');
like($node->safe_psql('postgres', "SELECT last_error FROM finx.jobs WHERE id = $id6"),
	qr/token limit/, 'with a clear reason');
mock_config($mock, { faults => { clear => JSON::PP::true, chat => { refusal => 1.0 } } });
my ($id7, $st7) = submit_wait($node, fixture_variant('two_page.pdf', 'refusal'),
	'{"structurer": "llm", "max_attempts": 1}');
like($node->safe_psql('postgres', "SELECT state || ': ' || last_error FROM finx.jobs WHERE id = $id7"),
	qr/^failed: .*refused/, 'a refusal fails the job with the reason');
for my $kind (qw(content_filter bad_content))
{
	mock_config($mock, { faults => { clear => JSON::PP::true, chat => { $kind => 1.0 } } });
	my ($idk, $stk) = submit_wait($node, fixture_variant('two_page.pdf', $kind),
		'{"structurer": "llm", "max_attempts": 1}');
	like($node->safe_psql('postgres', "SELECT state || ': ' || last_error FROM finx.jobs WHERE id = $idk"),
		qr/^failed: .*(content filter|rejected)/, "$kind fails the job with the reason");
	is($node->safe_psql('postgres', "SELECT count(*) FROM finx.statements WHERE job_id = $idk"),
		'0', "$kind: nothing stored");
}
# a request that hangs past finextract.request_timeout is retried
$node->safe_psql('postgres',
	"ALTER SYSTEM SET finextract.request_timeout = '1s'; SELECT pg_reload_conf();");
$node->poll_query_until('postgres', "SELECT current_setting('finextract.request_timeout') = '1s'");
mock_config($mock, { faults => { clear => JSON::PP::true, chat => { hang => { nth => 1, count => 1 } } } });
mock_reset($mock);
my ($idh, $sth) = submit_wait($node, fixture_variant('two_page.pdf', 'hang'), '{"structurer": "llm"}');
is($sth, 'succeeded', 'a hung request is timed out and retried');
like($node->safe_psql('postgres',
		"SELECT string_agg(coalesce(error, 'ok'), ' | ' ORDER BY attempt) FROM finx.requests WHERE job_id = $idh AND endpoint = 'chat'"),
	qr/[Tt]ime.*\| ok$/, 'the trace shows the timeout, then the retry');
$node->safe_psql('postgres',
	"ALTER SYSTEM RESET finextract.request_timeout; SELECT pg_reload_conf();");
mock_config($mock, { faults => { clear => JSON::PP::true, submit => { job_error => 1.0 } } });
my ($id8, $st8) = submit_wait($node, fixture_variant('two_page.pdf', 'joberror'),
	'{"text_extractor": "llmwhisperer", "max_attempts": 1}');
like($node->safe_psql('postgres', "SELECT state || ': ' || last_error FROM finx.jobs WHERE id = $id8"),
	qr/^failed: LLMWhisperer could not extract/, 'a whisper ending in error fails with the reason');
mock_config($mock, { faults => { clear => JSON::PP::true }, chat_insufficient_quota => JSON::PP::true });
mock_reset($mock);
my ($id9, $st9) = submit_wait($node, fixture_variant('two_page.pdf', 'quota'),
	'{"structurer": "llm", "max_attempts": 1}');
like($node->safe_psql('postgres', "SELECT state || ': ' || last_error FROM finx.jobs WHERE id = $id9"),
	qr/^failed: .*insufficient_quota|^failed: .*quota/i, 'insufficient_quota fails');
is(route_count('chat/completions'), 1, 'insufficient_quota is never retried');
mock_config($mock, { chat_insufficient_quota => JSON::PP::false });

# An answer of the right types whose end_date is not a date and whose
# currency is not an ISO 4217 code keeps its statements: those fields are
# stored as unknown (NULL), and the job says so in its warnings.
mock_config($mock, { chat_odd_fields => JSON::PP::true });
my ($ido, $sto) = submit_wait($node, fixture_variant('two_page.pdf', 'oddfields'),
	'{"structurer": "llm", "max_attempts": 1}');
is($sto, 'succeeded', 'an answer with an odd end_date and currency still succeeds')
  or diag($node->safe_psql('postgres', "SELECT last_error FROM finx.jobs WHERE id = $ido"));
cmp_ok($node->safe_psql('postgres', "SELECT count(*) FROM finx.statements WHERE job_id = $ido"),
	'>', 0, 'odd fields: the statements are stored');
is($node->safe_psql('postgres',
		"SELECT count(*) FROM finx.statements WHERE job_id = $ido AND currency IS NOT NULL"),
	'0', 'odd fields: the currency is NULL');
is($node->safe_psql('postgres',
		"SELECT bool_and(p.period_end IS NULL) FROM finx.statements s JOIN finx.statement_periods p ON p.statement_id = s.id "
		  . "WHERE s.job_id = $ido AND p.col = 1"),
	't', 'odd fields: the first period\'s end is NULL');
my $ow = $node->safe_psql('postgres', "SELECT array_to_string(warnings, ' | ') FROM finx.jobs WHERE id = $ido");
like($ow, qr/end_date: "31\/12\/2023" is not a date YYYY-MM-DD; stored as unknown/, 'odd fields: a warning names the date');
like($ow, qr/currency: "dollars" is not an ISO 4217 currency code; stored as unknown/, 'odd fields: a warning names the currency');
mock_config($mock, { chat_odd_fields => JSON::PP::false });

# 6. API keys are invisible to other roles.
$node->safe_psql('postgres', 'CREATE ROLE spy LOGIN IN ROLE finx_user, pg_read_all_stats');
for my $key (qw(llm_api_key llmwhisperer_api_key))
{
	my ($ret, $out, $err) = $node->psql('postgres', "SHOW finextract.$key",
		extra_params => [ '-U', 'spy' ]);
	unlike($out . $err, qr/sk-test|wk-test/, "SHOW finextract.$key reveals nothing");
	($ret, $out, $err) = $node->psql('postgres',
		"SELECT string_agg(coalesce(setting, ''), ',') FROM pg_settings WHERE name LIKE 'finextract.%key'",
		extra_params => [ '-U', 'spy' ]);
	unlike($out . $err, qr/sk-test|wk-test/, "pg_settings hides finextract.$key");
}
my ($ret, $out, $err) = $node->psql('postgres',
	"SELECT string_agg(coalesce(error, '') || coalesce(request_id, ''), ' ') FROM finx.requests",
	extra_params => [ '-U', 'spy' ]);
unlike($out . $err, qr/sk-test|wk-test/, 'the trace holds no key');
unlike(slurp_file($node->logfile), qr/sk-test|wk-test/, 'the server log holds no key');
is($node->safe_psql('postgres', 'SHOW finextract.llm_api_key'), 'sk-test',
	'a superuser can read the key');

$node->stop;
mock_stop($mock);
done_testing();

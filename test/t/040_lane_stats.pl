# finx.provider_stats stays valid JSON whatever the models are called: a
# model with a quote, one that tries to inject keys, and 100 distinct long
# models (past the old 32 kB buffer) all show as lanes of their own; past
# finextract.max_lanes a new model fails its job with a reason naming the
# setting, and the view still works.
use strict;
use warnings;

use FinxMock;
use FinxTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $mock = mock_start('--time-scale', '0.01');
my $node = finx_node('lane_stats', conf => mock_conf_lines($mock)
	  . "finextract.structurer = 'llm'\n"
	  . "finextract.max_lanes = 200\n"
	  . "finextract.max_running_jobs = 64\n");
my $doc = fixture_variant('two_page.pdf', 'lanes');

# Submit one job per model (JSON-quoted with to_jsonb); returns the ids.
sub submit_models
{
	my (@models) = @_;
	my @ids;
	for my $m (@models)
	{
		(my $q = $m) =~ s/'/''/g;
		push @ids, $node->safe_psql('postgres',
			"SELECT finx_submit('$doc', jsonb_build_object('model', '$q'::text, 'max_attempts', 1))");
	}
	return @ids;
}

# Wait for the jobs to end; returns how many succeeded.
sub wait_jobs
{
	my (@ids) = @_;
	my $list = join(',', @ids);
	$node->poll_query_until('postgres',
		"SELECT count(*) = 0 FROM finx.jobs WHERE id IN ($list) AND state NOT IN ('succeeded', 'failed')")
	  or die 'jobs did not end';
	return $node->safe_psql('postgres',
		"SELECT count(*) FROM finx.jobs WHERE id IN ($list) AND state = 'succeeded'");
}

# Wait until the view shows a lane for model (the worker publishes after each job).
sub lane_of
{
	my ($model) = @_;
	(my $q = $model) =~ s/'/''/g;
	$node->poll_query_until('postgres',
		"SELECT count(*) = 1 FROM finx.provider_stats WHERE lane LIKE 'llm/' || '$q' || '/%'")
	  or return 0;
	return 1;
}

my $quote = 'gpt"quote';
my $inject = 'evil","provider":"spoofed';
my @ids = submit_models($quote, $inject);
is(wait_jobs(@ids), 2, 'jobs with a quote and an injection in the model succeed');
ok(lane_of($quote), 'a model with a quote shows as its own lane');
ok(lane_of($inject), 'the injection model shows as its own lane');
is($node->safe_psql('postgres', "SELECT count(*) FROM finx.provider_stats WHERE provider = 'spoofed'"),
	'0', 'no key was injected');
is($node->safe_psql('postgres',
		"SELECT count(*) FROM finx.provider_stats WHERE provider = 'llm' AND lane = 'llm/' || '$inject' || '/' || split_part(lane, '/', 3)"),
	'1', 'the lane name is the model, verbatim');

# 100 distinct models of 100 bytes: ~70 kB of statistics
my @many = map { sprintf('model-%03d-', $_) . ('x' x 90) } 1 .. 100;
@ids = submit_models(@many);
is(wait_jobs(@ids), 100, '100 jobs with distinct models succeed');
ok(lane_of($many[-1]), 'the last model shows');
is($node->safe_psql('postgres', "SELECT count(*) FROM finx.provider_stats WHERE lane LIKE 'llm/model-%'"),
	'100', 'the view shows all 100 lanes');
cmp_ok(length($node->safe_psql('postgres', 'SELECT finx_provider_stats()::text')), '>', 32768,
	'past the old 32 kB buffer');

# past finextract.max_lanes: a new model fails with a clear reason
my $lanes = $node->safe_psql('postgres', 'SELECT count(*) FROM finx.provider_stats');
$node->safe_psql('postgres', "ALTER SYSTEM SET finextract.max_lanes = $lanes; SELECT pg_reload_conf()");
$node->poll_query_until('postgres', "SELECT current_setting('finextract.max_lanes') = '$lanes'");
@ids = submit_models('one-model-too-many', $many[0]);
wait_jobs(@ids);
like($node->safe_psql('postgres', "SELECT state || ': ' || last_error FROM finx.jobs WHERE id = $ids[0]"),
	qr/^failed: .*finextract\.max_lanes/, 'a model past the lane cap fails, naming finextract.max_lanes');
is($node->safe_psql('postgres', "SELECT state FROM finx.jobs WHERE id = $ids[1]"),
	'succeeded', 'a model with a lane still runs');
is($node->safe_psql('postgres', 'SELECT count(*) FROM finx.provider_stats'), $lanes,
	'no lane was added, and the view still works');

$node->stop;
mock_stop($mock);
done_testing();

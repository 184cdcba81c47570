# Concepts from the LLM structurer (0.4.0): the statement schema's line item
# carries a concept enum (finx.concepts), and the model's answer fills
# finx.line_items.concept, for both providers (OpenAI chat completions and
# Anthropic tool use):
# - the model's concepts are kept (concept_source 'llm'); the rules fill
#   only the rows it left NULL (concept_source 'rule');
# - an unknown concept is stored as NULL with a job warning, never a failure;
# - a concept the model gave to two rows of a statement stays on one (a
#   total first, then the first row);
# - finx_remap keeps the model's concepts and applies the current rules to
#   the other rows; a correction's concept shows as 'correction';
# - finx.company_facts answers by concept for an LLM job.
# The mock's label table answers operating_expenses for "Total costs and
# expenses", where the builtin rules say costs_and_expenses: that row shows
# whose concept was stored.
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

my $node = finx_node('llm_concepts', conf => mock_conf_lines($mock)
	  . "finextract.structurer = 'local'\n"
	  . "finextract.llm_provider = 'openai'\n"
	  . "finextract.anthropic_api_key = '$key'\n"
	  . "finextract.anthropic_base_url = '$mock->{base}'\n"
	  . "finextract.llm_model = 'claude-sonnet-4-5'\n");

# Switch finextract.llm_provider and wait until the server has it.
sub use_provider
{
	my ($p) = @_;
	$node->safe_psql('postgres', "ALTER SYSTEM SET finextract.llm_provider = '$p'");
	$node->reload;
	$node->poll_query_until('postgres', "SELECT current_setting('finextract.llm_provider') = '$p'")
	  or die 'reload not seen';
}

# Submit the fixture through the LLM structurer; returns the job id.
sub llm_job
{
	my ($tag) = @_;
	my ($id, $st) = submit_wait($node, fixture_variant('us_10k.pdf', $tag), '{"structurer": "llm"}');
	is($st, 'succeeded', "job $tag succeeded")
	  or diag($node->safe_psql('postgres', "SELECT last_error FROM finx.jobs WHERE id = $id"));
	return $id;
}

# concept/source of a label's row in a job's income statement
sub concept_of
{
	my ($job, $label, $nth) = @_;
	$nth //= 1;
	return $node->safe_psql('postgres',
		"SELECT coalesce(li.concept, '-') || '/' || coalesce(li.concept_source, '-') "
		  . "FROM finx.line_items li JOIN finx.statements s ON s.id = li.statement_id "
		  . "WHERE s.job_id = $job AND s.statement_type = 'income_statement' AND li.label = '$label' "
		  . "ORDER BY li.row_no OFFSET " . ($nth - 1) . " LIMIT 1");
}

# Every row's concept and source, for comparing jobs.
sub concepts_text
{
	my ($job) = @_;
	return $node->safe_psql('postgres',
		"SELECT string_agg(s.statement_type || ':' || li.label || '=' || coalesce(li.concept, '-') "
		  . "|| '/' || coalesce(li.concept_source, '-'), E'\\n' ORDER BY s.seq, li.row_no) "
		  . "FROM finx.line_items li JOIN finx.statements s ON s.id = li.statement_id WHERE s.job_id = $job");
}

# Statement and concept pairs carried by more than one row of a job.
sub duplicates
{
	my ($job) = @_;
	return $node->safe_psql('postgres',
		"SELECT count(*) FROM (SELECT s.id, li.concept FROM finx.line_items li "
		  . "JOIN finx.statements s ON s.id = li.statement_id WHERE s.job_id = $job AND li.concept IS NOT NULL "
		  . "GROUP BY 1, 2 HAVING count(*) > 1) d");
}

# 1. OpenAI: the model's concepts are stored; the rules fill the rest.
my $jo = llm_job('concepts-openai');
is(concept_of($jo, 'Total costs and expenses'), 'operating_expenses/llm',
	'OpenAI: the model\'s concept is stored (not the rule\'s costs_and_expenses)');
is(concept_of($jo, 'Total revenues'), 'revenue/llm', 'OpenAI: revenue from the model');
is(concept_of($jo, 'Basic', 1), 'eps_basic/llm', 'OpenAI: Basic under "Earnings per share" is eps_basic');
is(concept_of($jo, 'Basic', 2), 'shares_basic/llm', 'OpenAI: Basic under the share counts is shares_basic');
is(concept_of($jo, 'Research and development'), 'research_development/rule',
	'a row the model left NULL gets the rule\'s concept');
is(concept_of($jo, 'Products'), '-/-', 'a component row keeps NULL');
is(concept_of($jo, 'Revenues:'), '-/-', 'a heading keeps NULL');
is(duplicates($jo), '0', 'no concept on two rows of a statement');
is($node->safe_psql('postgres',
		"SELECT count(*) FROM finx.jobs j, unnest(j.warnings) w WHERE j.id = $jo AND w LIKE '%concept%'"),
	'0', 'no concept warning for a clean answer');
is($node->safe_psql('postgres',
		"SELECT value_scaled || ' ' || concept_source || ' ' || (job_id = $jo) FROM finx.company_facts "
		  . "WHERE concept = 'operating_expenses' AND fiscal_year = 2023 AND fiscal_period = 'FY'"),
	'52482000000 llm true', 'company_facts answers by the model\'s concept');
is($node->safe_psql('postgres',
		"SELECT value_scaled FROM finx.company_facts "
		  . "WHERE concept = 'revenue' AND fiscal_year = 2023 AND fiscal_period = 'FY'"),
	'68774000000', 'company_facts: revenue FY2023 of the LLM job');
is($node->safe_psql('postgres',
		"SELECT string_agg(DISTINCT concept_source, ',') FROM finx.facts WHERE job_id = $jo"),
	'llm,rule', 'finx.facts says where each concept came from');

# 2. Anthropic: the same concepts from the tool's input.
use_provider('anthropic');
my $ja = llm_job('concepts-anthropic');
is($node->safe_psql('postgres',
		"SELECT string_agg(DISTINCT provider, ',') FROM finx.requests WHERE job_id = $ja"),
	'anthropic', 'the job went to the Anthropic provider');
is(concepts_text($ja), concepts_text($jo), 'Anthropic: the same concepts and sources as OpenAI');
is(concept_of($ja, 'Total costs and expenses'), 'operating_expenses/llm', 'Anthropic: the model\'s concept is stored');

# 3. An unknown concept and a duplicate, for both providers: the job
# succeeds, the unknown one is NULL with a warning (the rules may fill the
# row), the duplicate stays on the total.
mock_config($mock, { chat_odd_concepts => JSON::PP::true });
for my $p (qw(anthropic openai))
{
	use_provider($p);
	my $j = llm_job("concepts-odd-$p");
	like($node->safe_psql('postgres', "SELECT array_to_string(warnings, E'\\n') FROM finx.jobs WHERE id = $j"),
		qr/items\[\d+\]\.concept: "not_a_concept" is not a standard concept \(finx\.concepts\); stored as none/,
		"$p: an unknown concept is a job warning");
	cmp_ok($node->safe_psql('postgres',
			"SELECT count(*) FROM finx.jobs j, unnest(j.warnings) w WHERE j.id = $j AND w LIKE '%not_a_concept%'"),
		'>=', 3, "$p: one warning per statement (income, balance sheet, cash flow)");
	is(concept_of($j, 'Diluted', 2), 'shares_diluted/rule',
		"$p: the row whose concept was unknown gets the rule's concept");
	is(concept_of($j, 'Total revenues'), 'revenue/llm', "$p: a duplicated concept stays on the total");
	is(concept_of($j, 'Cost of revenues'), 'cost_of_revenue/rule',
		"$p: the other row loses it, and the rules fill it");
	is(duplicates($j), '0', "$p: no concept on two rows of a statement");
}
mock_config($mock, { chat_odd_concepts => JSON::PP::false });

# 4. finx_remap keeps the model's concepts and re-applies rules to the rest.
$node->safe_psql('postgres', q{
	INSERT INTO finx.concept_rules (concept, statement_type, label_pattern, priority) VALUES
		('costs_and_expenses', 'income_statement', '^total costs and expenses$', 300),
		('selling_marketing', 'income_statement', '^research and development$', 300),
		('revenue', 'income_statement', '^services$', 300)});
cmp_ok($node->safe_psql('postgres', "SELECT finx_remap($jo)"), '>', 0, 'finx_remap of the LLM job');
is(concept_of($jo, 'Total costs and expenses'), 'operating_expenses/llm',
	'remap keeps the model\'s concept over a higher-priority rule');
is(concept_of($jo, 'Research and development'), 'selling_marketing/rule',
	'remap applies the new rule to a row the model left NULL');
is(concept_of($jo, 'Services'), '-/-', 'a rule cannot give a concept the model already gave');
is(duplicates($jo), '0', 'still no concept on two rows of a statement');
$node->safe_psql('postgres', 'DELETE FROM finx.concept_rules WHERE NOT builtin');
$node->safe_psql('postgres', "SELECT finx_remap($jo)");
is(concepts_text($jo), concepts_text($ja), 'without the user rules, remap gives the first mapping back');

# 5. A correction's concept shows as such.
my $doc = $node->safe_psql('postgres', "SELECT document_id FROM finx.jobs WHERE id = $jo");
$node->safe_psql('postgres',
	"SELECT finx_correct($doc, 'income_statement', 'operating_expenses', '2023-12-31', NULL, "
	  . "'total includes cost of revenues', NULL, 'costs_and_expenses')");
is($node->safe_psql('postgres',
		"SELECT concept || ' ' || concept_source || ' ' || corrected FROM finx.facts "
		  . "WHERE job_id = $jo AND label = 'Total costs and expenses' AND period_end = '2023-12-31'"),
	'costs_and_expenses correction true', 'a corrected concept has concept_source correction');
is($node->safe_psql('postgres',
		"SELECT value_scaled || ' ' || concept_source FROM finx.company_facts "
		  . "WHERE concept = 'costs_and_expenses' AND fiscal_year = 2023 AND fiscal_period = 'FY'"),
	'52482000000 correction', 'and company_facts answers by the corrected concept');

done_testing();

# Concepts and corrections across re-runs, roles and reuse (0.4.0):
# - a rule a user adds changes finx.facts.concept only after finx_remap;
# - a correction (finx_correct) survives a re-extraction of the document and
#   finx_uncorrect removes it;
# - only the document's submitter (or a superuser) may correct or re-map:
#   another finx_user member gets the error of a document that does not exist;
# - a role's corrections (values, company) change only its own jobs' facts,
#   even when another role submitted the same file; a superuser's, all;
# - the same file submitted by two roles (the second gets a copy of the
#   results) and again by the first (a reuse) counts once in
#   finx.company_facts, and finx.fact_conflicts shows no conflict.
use strict;
use warnings;

use FinxTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = finx_node('concepts_rerun');
$node->safe_psql('postgres', q{
	CREATE ROLE alice LOGIN IN ROLE finx_user;
	CREATE ROLE bob LOGIN IN ROLE finx_user;
});
my $pdf = fixture_variant('us_10k.pdf', 'rerun');
my $bytes = "'\\x" . unpack('H*', slurp_file($pdf)) . "'::bytea";

# Run SQL as a role (its own session: session_user is that role).
sub as_role
{
	my ($role, $sql) = @_;
	my ($ret, $out, $err) = $node->psql('postgres', $sql, extra_params => [ '-U', $role ]);
	return ($ret, $out, $err);
}

# Submit the fixture's bytes as a role and wait; returns the job id.
sub submit_as
{
	my ($role, $opts) = @_;
	my ($ret, $id, $err) = as_role($role, "SELECT finx_submit_bytes($bytes, 'acme-10k.pdf', '$opts')");
	die "submit as $role: $err" if $ret;
	is($node->safe_psql('postgres', "SELECT finx_wait($id, '3 min')"), 'succeeded', "job $id of $role succeeded");
	return $id;
}

my $job1 = submit_as('alice', '{}');
my $doc = $node->safe_psql('postgres', "SELECT document_id FROM finx.jobs WHERE id = $job1");

# The fact the tests follow: revenue of fiscal 2023, printed 68,774 (in millions).
my $rev = "SELECT value_scaled || ' ' || corrected FROM finx.company_facts "
  . "WHERE company ILIKE 'ACME%' AND concept = 'revenue' AND fiscal_year = 2023 AND fiscal_period = 'FY'";
is($node->safe_psql('postgres', $rev), '68774000000 false', 'revenue FY2023 as printed, in units');

# 1. A user's rule takes effect on re-map, not before.
my $cc = "SELECT string_agg(DISTINCT coalesce(concept, '-'), ',') FROM finx.facts "
  . "WHERE job_id = $job1 AND label = 'Total costs and expenses'";
is($node->safe_psql('postgres', $cc), 'costs_and_expenses', 'builtin rule: costs_and_expenses');
my ($ret, $out, $err) = as_role('alice', q{
	INSERT INTO finx.concept_rules (concept, statement_type, label_pattern, priority)
	VALUES ('operating_expenses', 'income_statement', '^total costs and expenses$', 200)});
is($ret, 0, 'a finx_user member adds a rule') or diag($err);
is($node->safe_psql('postgres', $cc), 'costs_and_expenses', 'the rule does nothing before a re-map');
($ret, $out, $err) = as_role('bob', "SELECT finx_remap($job1)");
like($err, qr/job $job1 does not exist/, 'another member cannot re-map the job');
($ret, $out, $err) = as_role('alice', "SELECT finx_remap($job1) > 0");
is($out, 't', 'the owner re-maps') or diag($err);
is($node->safe_psql('postgres', $cc), 'operating_expenses', 'after finx_remap the facts carry the rule\'s concept');
is( $node->safe_psql('postgres',
		"SELECT value_scaled FROM finx.company_facts WHERE company ILIKE 'ACME%' "
		  . "AND concept = 'operating_expenses' AND fiscal_year = 2023 AND fiscal_period = 'FY'"),
	'52482000000', 'and company_facts answers by it');

# 2. Only the owner (or a superuser) corrects; another member gets the
# error of a missing document, word for word.
my $correct = "SELECT finx_correct(%s, 'income_statement', 'revenue', '2023-12-31', 68775, 'misread, page 2')";
my ($r1, $o1, $e1) = as_role('bob', sprintf($correct, $doc));
my ($r2, $o2, $e2) = as_role('bob', sprintf($correct, 999999));
isnt($r1, 0, 'another finx_user member cannot correct the document');
(my $e1n = $e1) =~ s/document $doc\b/document N/g;
(my $e2n = $e2) =~ s/document 999999\b/document N/g;
is($e1n, $e2n, 'same error as for a document that does not exist');
is($node->safe_psql('postgres', 'SELECT count(*) FROM finx.corrections'), '0', 'nothing recorded');
my ($rc, $cid, $ec) = as_role('alice', sprintf($correct, $doc));
is($rc, 0, 'the owner corrects') or diag($ec);
is($node->safe_psql('postgres', $rev), '68775000000 true', 'the correction shows in company_facts');
is( $node->safe_psql('postgres',
		"SELECT value || ' ' || corrected FROM finx.facts WHERE job_id = $job1 AND concept = 'revenue' AND period_end = '2023-12-31'"),
	'68775 true', 'and in finx.facts');
($ret, $out, $err) = as_role('bob', "SELECT count(*) FROM finx.corrections");
is($out, '0', 'another member does not see the correction');
($ret, $out, $err) = as_role('bob', "SELECT finx_uncorrect($cid)");
is($out, 'f', 'nor can remove it');

# 3. The correction survives a re-extraction (other options: a new job with
# its own results).
my $job2 = submit_as('alice', '{"pages": "1-99"}');
is( $node->safe_psql('postgres',
		"SELECT count(*) FROM finx.statements WHERE job_id = $job2"),
	$node->safe_psql('postgres', "SELECT count(*) FROM finx.statements WHERE job_id = $job1"),
	'the re-run extracted the statements again');
is($node->safe_psql('postgres', $rev), '68775000000 true', 'the correction survives the re-run');
is( $node->safe_psql('postgres',
		"SELECT job_id FROM finx.company_facts WHERE company ILIKE 'ACME%' "
		  . "AND concept = 'revenue' AND fiscal_year = 2023 AND fiscal_period = 'FY'"),
	$job2, 'company_facts shows the latest job');

# 4. Reuse: bob submits the same file (a copy of the results), alice again
# (a reuse): still one row per fact, no conflict.
my $job3 = submit_as('bob', '{}');
my $job4 = submit_as('alice', '{}');
is($node->safe_psql('postgres', "SELECT reused_from IS NULL FROM finx.jobs WHERE id = $job3"), 't',
	'the other role got a copy');
is( $node->safe_psql('postgres',
		"SELECT count(*) FROM finx.facts WHERE document_id = $doc AND concept = 'revenue' AND period_end = '2023-12-31'"),
	'4', 'finx.facts shows the fact once per job');
is( $node->safe_psql('postgres',
		"SELECT count(*) || ' ' || sum(value_scaled) FROM finx.company_facts "
		  . "WHERE company ILIKE 'ACME%' AND concept = 'revenue' AND fiscal_period = 'FY'"),
	'3 ' . (68775 + 63321 + 57349) * 1000000, 'company_facts counts each fiscal year once');
is( $node->safe_psql('postgres',
		"SELECT count(*) FROM (SELECT 1 FROM finx.company_facts GROUP BY company, concept, fiscal_year, fiscal_period, period_end HAVING count(*) > 1) d"),
	'0', 'no key repeats in company_facts');
is($node->safe_psql('postgres', 'SELECT count(*) FROM finx.fact_conflicts'), '0', 'no false conflict');
($ret, $out, $err) = as_role('bob', $rev);
is($out, '68774000000 false', 'alice\'s correction does not change bob\'s copy');

# 4b. A document is shared by content, not by tenant: what bob corrects on
# it (a value, the company) changes his facts only, and he cannot remove
# alice's correction; a superuser's correction applies to every job.
my $bob_rev = "SELECT value_scaled || ' ' || corrected FROM finx.facts WHERE job_id = $job3 "
  . "AND concept = 'revenue' AND period_end = '2023-12-31'";
my $alice_rev = "SELECT value_scaled || ' ' || corrected FROM finx.facts WHERE job_id = $job4 "
  . "AND concept = 'revenue' AND period_end = '2023-12-31'";
my ($rb, $bcid, $eb) = as_role('bob',
	"SELECT finx_correct($doc, 'income_statement', 'revenue', '2023-12-31', 1, 'bob''s own view')");
is($rb, 0, 'bob, who submitted the same file, corrects his facts') or diag($eb);
is($node->safe_psql('postgres', $bob_rev), '1000000 true', 'bob\'s correction changes his job\'s facts');
is($node->safe_psql('postgres', $alice_rev), '68775000000 true', 'alice\'s facts keep her correction');
($ret, $out, $err) = as_role('alice', 'SELECT count(*) FROM finx.corrections');
is($out, '1', 'alice does not see bob\'s correction');
($ret, $out, $err) = as_role('bob', "SELECT finx_uncorrect($cid)");
is($out, 'f', 'bob cannot remove alice\'s correction');
($ret, $out, $err) = as_role('bob', "SELECT finx_set_company($doc, 'Bob Renamed Inc.')");
is($ret, 0, 'bob sets the company for his jobs') or diag($err);
is($node->safe_psql('postgres', "SELECT DISTINCT company FROM finx.facts WHERE job_id = $job3"),
	'Bob Renamed Inc.', 'bob\'s facts carry his company');
isnt($node->safe_psql('postgres', "SELECT DISTINCT company FROM finx.facts WHERE job_id = $job4"),
	'Bob Renamed Inc.', 'alice\'s facts do not');
($ret, $out, $err) = as_role('alice', "SELECT count(*) FROM finx.company_overrides");
is($out, '0', 'alice does not see bob\'s company');
($ret, $out, $err) = as_role('bob', "SELECT finx_uncorrect($bcid)");
is($out, 't', 'bob removes his own correction');
($ret, $out, $err) = as_role('bob', "SELECT finx_set_company($doc, NULL)");
my $scid = $node->safe_psql('postgres',
	"SELECT finx_correct($doc, 'income_statement', 'revenue', '2023-12-31', 2, 'superuser fix')");
is($node->safe_psql('postgres', $bob_rev), '2000000 true', 'a superuser\'s correction applies to bob\'s job');
is($node->safe_psql('postgres', $alice_rev), '68775000000 true', 'alice\'s own correction still wins on hers');
is($node->safe_psql('postgres', "SELECT finx_uncorrect($scid)"), 't', 'the superuser removes it');

# 5. finx_uncorrect removes it, and the printed value is back.
($ret, $out, $err) = as_role('alice', "SELECT finx_uncorrect($cid)");
is($out, 't', 'the owner removes the correction');
is($node->safe_psql('postgres', $rev), '68774000000 false', 'the printed value is back');

$node->stop;
done_testing();

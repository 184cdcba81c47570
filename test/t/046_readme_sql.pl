# The SQL the documentation shows runs against the current SQL objects.
#
# Every ```sql block of README.md and docs/*.md is run, statement by
# statement, on a node with pg_cron and finextract and a few extracted
# documents (so the ids the examples name, up to 7, exist).  A statement may
# fail for a reason of data (a file the example names does not exist here,
# a fact it corrects is not in this document), but never because the SQL
# does not fit the objects: no syntax error, unknown column, function,
# table or type, wrong argument types (SQLSTATE class 42 other than 42501
# and a job or document that does not exist),
# and no internal error (class XX).  psql's \copy lines run with their file
# names moved into a temporary directory.
use strict;
use warnings;

use File::Basename qw(basename);
use FinxCron;
use FinxTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = cron_node('readme_sql');
my $tmp = PostgreSQL::Test::Utils::tempdir('readme_sql');

# Seven documents and jobs, so that job 7 and document 3 exist.
for my $i (1 .. 7)
{
	my $pdf = fixture_variant('us_10k.pdf', "readme$i");
	my $id = $node->safe_psql('postgres', "SELECT finx_submit('$pdf')");
	is($node->safe_psql('postgres', "SELECT finx_wait($id, '3 min')"), 'succeeded', "job $id succeeded");
}

# The ```sql blocks of a Markdown file: a list of [first line, text].
sub sql_blocks
{
	my ($file) = @_;
	my (@blocks, $cur, $start);
	my $n = 0;
	for my $line (split /\n/, slurp_file($file))
	{
		$n++;
		if (!defined $cur && $line =~ /^\s*```sql\s*$/)
		{
			$cur = '';
			$start = $n + 1;
		}
		elsif (defined $cur && $line =~ /^\s*```\s*$/)
		{
			push @blocks, [ $start, $cur ];
			undef $cur;
		}
		elsif (defined $cur)
		{
			$cur .= "$line\n";
		}
	}
	return @blocks;
}

# The statements of a block: split after each ';' that ends a line, outside
# dollar quotes; a \copy line is a statement of its own.
sub statements
{
	my ($text) = @_;
	my (@st, $cur);
	$cur = '';
	for my $line (split /\n/, $text)
	{
		if ($line =~ /^\s*\\copy/)
		{
			(my $c = $line) =~ s/TO '([^'\/]+)'/TO '$tmp\/$1'/;
			push @st, $c;
			next;
		}
		$cur .= "$line\n";
		my $dollars = () = $cur =~ /\$\$/g;
		if ($line =~ /;\s*(--.*)?$/ && $dollars % 2 == 0)
		{
			push @st, $cur;
			$cur = '';
		}
	}
	push @st, $cur if $cur =~ /\S/;
	return @st;
}

# Run one statement; returns the SQLSTATE of its error, or '' when it ran.
sub run_statement
{
	my ($sql) = @_;
	my ($ret, $out, $err) = $node->psql('postgres', $sql,
		extra_params => [ '-v', 'VERBOSITY=verbose' ]);
	return '' unless $err =~ /ERROR:\s+([0-9A-Z]{5}):\s*(.*)/;
	return "$1 $2";
}

# Whether an error means the SQL does not fit the objects.  42704 is also
# the error of a job or document that does not exist (a matter of data).
sub bad_fit
{
	my ($state) = @_;
	return 0 if $state =~ /^42704 (job|document) \d+ does not exist/;
	return $state =~ /^(42(?!501)\w{3}|XX\w{3}) /;
}

# The classifier catches what it must (so this test can fail).
ok(bad_fit(run_statement('SELECT no_such_column FROM finx.jobs')), 'an unknown column is caught');
ok(bad_fit(run_statement('SELECT finx_statement(1)')), 'a wrong signature is caught');
ok(bad_fit(run_statement("SELECT * FROM finx.facts WHERE concept = 'revenue' AND")), 'a syntax error is caught');
ok(!bad_fit(run_statement("SELECT finx_submit('/nonexistent/x.pdf')")), 'a missing file is a data error');
ok(!bad_fit(run_statement('SELECT finx_wait(999999)')), 'a missing job is a data error');
ok(bad_fit(run_statement('SELECT 1::no_such_type')), 'an unknown type is caught');

my $top = repo_dir();
my $count = 0;
for my $file ("$top/README.md", glob("$top/docs/*.md"))
{
	my $name = basename($file);
	for my $b (sql_blocks($file))
	{
		my ($line, $text) = @$b;
		for my $st (statements($text))
		{
			my $state = run_statement($st);
			$count++;
			ok(!bad_fit($state), "$name line $line: " . (split /\n/, $st)[0])
			  or diag("$state\n$st");
			note("$name line $line: $state") if $state ne '';
		}
	}
}
cmp_ok($count, '>=', 30, "ran the documentation's statements ($count)");

done_testing();

# FinxTest: shared helpers of finextract's TAP tests.
#
# Starts nodes with the extension preloaded and created, generates the
# synthetic fixture PDFs once per test script, submits files and exports
# finx.facts as the CSV that test/fixtures/compare_facts.py and
# ../shared/tools/score.py read.
package FinxTest;

use strict;
use warnings;

use Cwd qw(abs_path);
use Exporter 'import';
use File::Basename qw(dirname);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

our @EXPORT = qw(repo_dir finx_node fixtures_dir submit_wait export_facts
  worker_pid wait_for_worker fixture_variant wrap_tool no_text_layer line_count);

# The repository's top directory.
sub repo_dir
{
	return abs_path(dirname(__FILE__) . '/../..');
}

# A started node with finextract preloaded and created in "postgres".
sub finx_node
{
	my ($name, %opt) = @_;
	my $node = PostgreSQL::Test::Cluster->new($name);
	$node->init;
	$node->append_conf('postgresql.conf',
		"shared_preload_libraries = '"
		  . ($opt{preload} // 'finextract') . "'\n"
		  . "finextract.database = 'postgres'\n"
		  . "log_min_messages = log\n"
		  . ($opt{conf} // ''));
	$node->start;
	$node->safe_psql('postgres', 'CREATE EXTENSION finextract')
	  unless $opt{no_extension};
	return $node;
}

my $fixtures;

# Directory with the generated fixture PDFs (made once per script).
sub fixtures_dir
{
	return $fixtures if defined $fixtures;
	$fixtures = PostgreSQL::Test::Utils::tempdir('fixtures');
	system('python3', repo_dir() . '/test/fixtures/gen_fixtures.py', $fixtures) == 0
	  or BAIL_OUT('could not generate fixtures');
	return $fixtures;
}

# A copy of a fixture with other bytes (so another document by hash):
# a comment line is appended after the end-of-file marker.
sub fixture_variant
{
	my ($name, $tag) = @_;
	my $dir = fixtures_dir();
	my $out = "$dir/variant-$tag-$name";
	return $out if -e $out;
	open(my $fh, '>', $out) or die "could not write $out: $!";
	binmode $fh;
	print $fh slurp_file("$dir/$name") . "% variant $tag\n";
	close($fh);
	return $out;
}

# Submit a server file and wait for the job; returns (job id, state).
sub submit_wait
{
	my ($node, $path, $options) = @_;
	$options //= '{}';
	my $id = $node->safe_psql('postgres',
		"SELECT finx_submit('$path', '$options')");
	my $state = $node->safe_psql('postgres',
		"SELECT finx_wait($id, '3 min')");
	return ($id, $state);
}

# Write the facts of the jobs matching a WHERE clause (on finx.facts f) to a CSV file.
sub export_facts
{
	my ($node, $where, $file) = @_;
	$node->safe_psql('postgres',
		"COPY (SELECT d.file_name AS doc, f.statement_type, f.page, f.line_no, f.label, "
		  . "f.is_total, f.period_label, f.period_end, f.period_months, f.value, "
		  . "f.unit_scale, f.currency FROM finx.facts f "
		  . "JOIN finx.documents d ON d.id = f.document_id WHERE $where "
		  . "ORDER BY f.job_id, f.statement_id, f.line_no) "
		  . "TO '$file' WITH (FORMAT csv, HEADER)");
	return $file;
}

# The pid of the running worker, or '' if none.
sub worker_pid
{
	my ($node) = @_;
	return $node->safe_psql('postgres',
		"SELECT pid FROM pg_stat_activity WHERE backend_type = 'finextract worker'");
}

# Wait until a worker runs; returns its pid.
sub wait_for_worker
{
	my ($node) = @_;
	$node->poll_query_until('postgres',
		"SELECT count(*) = 1 FROM pg_stat_activity WHERE backend_type = 'finextract worker'")
	  or die 'no finextract worker';
	return worker_pid($node);
}

# Write an executable $dir/$name that runs the shell code $script and then
# the real program of that name with the same arguments; in $script, $real
# is the real program's path.  For tests that make a tool fail, log its
# calls or see no text layer.
sub wrap_tool
{
	my ($dir, $name, $script) = @_;
	my $real = `sh -c "command -v $name"`;
	chomp $real;
	die "$name is not installed" unless $real;
	PostgreSQL::Test::Utils::append_to_file("$dir/$name",
		"#!/bin/sh\nreal='$real'\n$script\nexec \"\$real\" \"\$@\"\n");
	chmod 0755, "$dir/$name";
	return "$dir/$name";
}

# Shell lines for wrap_tool('pdftotext', ...): while the file $flag exists,
# pdftotext finds no text layer, the local view of a scan.  It keeps the
# page breaks of -layout text, or the page, block and line rows of -tsv
# word boxes without their words.
sub no_text_layer
{
	my ($flag) = @_;
	return <<"EOF";
if [ -e '$flag' ]; then
	case " \$* " in
	*" -tsv "*) "\$real" "\$@" | awk -F '\\t' '\$1 != 5' ;;
	*) "\$real" "\$@" | tr -cd '\\f' ;;
	esac
	exit 0
fi
EOF
}

# Number of lines in a file (0 when it does not exist).
sub line_count
{
	my ($file) = @_;
	return 0 unless -e $file;
	my @lines = split /\n/, PostgreSQL::Test::Utils::slurp_file($file);
	return scalar @lines;
}

1;

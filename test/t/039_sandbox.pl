# The sandbox of the worker's children (src/sandbox.c), seen from inside a
# child: a probe program (test/bin/sandbox-probe.c, built here) stands in
# for pdftotext and reports its environment (no PG* variable, no secret of
# the server's environment), its cwd (a private empty directory, mode 0700,
# removed after the child), NoNewPrivs, the seccomp mode, whether it can
# open sockets (inet, inet6, unix, netlink, packet), read another process's
# memory, and exec /bin/true.  The same probe run from the OCR shell
# pipeline (which may exec) shows the other rules hold there too, and the
# OCR still reads the scan.  A script configured as pdftotext still works.
use strict;
use warnings;

use FinxTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $tools = PostgreSQL::Test::Utils::tempdir('sandbox');
my $probe = "$tools/probe";
system('cc', '-O', '-o', $probe, repo_dir() . '/test/bin/sandbox-probe.c') == 0
  or BAIL_OUT('could not build the sandbox probe');

# the server's environment holds a secret and the PG* variables of the test
$ENV{FINX_SANDBOX_SECRET} = 'sk-sandbox-secret-0123456789';
my $node = finx_node('sandbox',
	conf => "finextract.pdftotext_path = '$probe'\nfinextract.local_timeout = '60s'\n");
delete $ENV{FINX_SANDBOX_SECRET};
wait_for_worker($node);
my $dir = fixtures_dir();
my $tmp = $node->data_dir . '/finextract_tmp';
my $no_seccomp = slurp_file($node->logfile) =~ /seccomp is not available/;

sub q1 { return $node->safe_psql('postgres', $_[0]); }

# The report of a probe run: key => value (env lines as env => [...]).
sub read_report
{
	my ($file) = @_;
	my %r = (env => []);
	for my $line (split /\n/, slurp_file($file))
	{
		my ($k, $v) = split / /, $line, 2;
		if ($k eq 'env') { push @{ $r{env} }, $v; }
		else { $r{$k} = $v; }
	}
	return \%r;
}

# The checks every child passes; $what names the child.
sub check_common
{
	my ($r, $what) = @_;
	my @names = map { (split /=/, $_, 2)[0] } @{ $r->{env} };
	is_deeply([ grep { !/^(PATH|LANG|HOME|TMPDIR|TESSDATA_PREFIX|PWD)$/ } @names ], [],
		"$what: the environment holds only PATH, LANG, HOME, TMPDIR (and TESSDATA_PREFIX; PWD a shell sets)")
	  or diag(join(' ', @names));
	ok(!grep({ /^PG/ || /sk-sandbox-secret/ } @{ $r->{env} }),
		"$what: no PG* variable and no secret of the server's environment");
	like($r->{cwd}, qr{^\Q$tmp\E/child\.\w+$}, "$what: cwd is a private directory");
	ok(grep({ $_ eq "HOME=$r->{cwd}" } @{ $r->{env} })
		  && grep({ $_ eq "TMPDIR=$r->{cwd}" } @{ $r->{env} }),
		"$what: HOME and TMPDIR are that directory");
	is($r->{cwd_mode}, '700', "$what: the directory has mode 0700");
	is($r->{NoNewPrivs}, '1', "$what: no new privileges");
  SKIP:
	{
		skip 'seccomp is not available on this kernel', 3 if $no_seccomp;
		is($r->{Seccomp}, '2', "$what: a seccomp filter is installed");
		is( join(' ', map { $r->{"socket_$_"} } qw(inet inet6 unix netlink packet)),
			join(' ', ('errno=13') x 5), "$what: no socket of any family (EACCES)");
		is($r->{process_vm_readv}, 'errno=1', "$what: no process_vm_readv (EPERM)");
	}
	ok(exists $r->{end}, "$what: the report is complete");
}

# 1. pdftotext (a compiled program): all of the above, and no second exec.
my $job = q1("SELECT finx_submit('$dir/us_10k.pdf', '{\"max_attempts\": 1, \"text_extractor\": \"local\", \"structurer\": \"local\"}')");
is(q1("SELECT finx_wait($job, '2 min')"), 'failed', 'the probe fails its job');
like(q1("SELECT last_error FROM finx.jobs WHERE id = $job"), qr/exited with code 3: sandbox probe/,
	'the job failed with the probe\'s message');
my $r = read_report("$probe.report");
check_common($r, 'pdftotext');
is($r->{cwd_entries}, '0', 'pdftotext: the directory is empty');
SKIP:
{
	skip 'seccomp is not available on this kernel', 1 if $no_seccomp;
	is($r->{exec_true}, 'signal=31', 'pdftotext: exec of another program kills it (SIGSYS)');
}
ok(!-e $r->{cwd}, 'the private directory is removed after the child');

# 2. A script configured as pdftotext may run other programs and works.
my $wrapped = wrap_tool($tools, 'pdftotext', "echo called >> '$tools/script.log'");
q1("ALTER SYSTEM SET finextract.pdftotext_path = '$wrapped'; SELECT pg_reload_conf()");
$node->poll_query_until('postgres', "SELECT current_setting('finextract.pdftotext_path') = '$wrapped'");
my ($job2, $st2) = submit_wait($node, "$dir/us_10k.pdf", '{"text_extractor": "local", "structurer": "local"}');
is($st2, 'succeeded', 'a script as pdftotext still works') or diag(q1("SELECT last_error FROM finx.jobs WHERE id = $job2"));
ok(-s "$tools/script.log", 'the script ran');
q1("ALTER SYSTEM SET finextract.pdftotext_path = 'pdftotext'; SELECT pg_reload_conf()");
$node->poll_query_until('postgres', "SELECT current_setting('finextract.pdftotext_path') = 'pdftotext'");

# 3. The OCR pipeline: the shell and what it runs are confined too; exec
# stays allowed there (it runs pdftoppm, tesseract, awk...), OCR works.
SKIP:
{
	skip 'tesseract or pdftoppm is not installed', 13
	  if system('command -v tesseract >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1') != 0;
	my $scans = PostgreSQL::Test::Utils::tempdir('scans');
	system('python3', repo_dir() . '/test/fixtures/make_scanned.py', $scans) == 0
	  or BAIL_OUT('could not make the scanned fixtures');
	my $real = `sh -c 'command -v pdftoppm'`;
	chomp $real;
	PostgreSQL::Test::Utils::append_to_file("$tools/pdftoppm",
		"#!/bin/sh\nexec '$probe' --report '$tools/ocr.report' '$real' \"\$\@\"\n");
	chmod 0755, "$tools/pdftoppm";
	q1("ALTER SYSTEM SET finextract.pdftoppm_path = '$tools/pdftoppm'; SELECT pg_reload_conf()");
	$node->poll_query_until('postgres', "SELECT current_setting('finextract.pdftoppm_path') = '$tools/pdftoppm'");
	my ($job3, $st3) = submit_wait($node, "$scans/scan_simple.pdf");
	is($st3, 'succeeded', 'OCR works in the sandbox') or diag(q1("SELECT last_error FROM finx.jobs WHERE id = $job3"));
	my $o = read_report("$tools/ocr.report");
	check_common($o, 'OCR');
	is($o->{exec_true}, 'exit=0', 'OCR: the shell pipeline may exec');
	ok(!-e $o->{cwd}, 'OCR: the private directory is removed after the child');
}

# 4. A directory a killed worker left is removed at the next start.
mkdir "$tmp/child.stale" or die;
PostgreSQL::Test::Utils::append_to_file("$tmp/child.stale/page.png", 'x');
$node->restart;
wait_for_worker($node);
my $deadline = time() + $PostgreSQL::Test::Utils::timeout_default;
select(undef, undef, undef, 0.1) while -e "$tmp/child.stale" && time() < $deadline;
ok(!-e "$tmp/child.stale", 'a stale private directory is removed when the worker starts');

$node->stop;
done_testing();

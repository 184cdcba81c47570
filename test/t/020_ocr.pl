# Local OCR of scanned pages (pdftoppm | tesseract children of the worker):
# a scan extracted end to end with exact values, the OCR cache hit by a job
# with other options (no OCR child runs), a page whose OCR fails named in
# the job's warnings and last_error, SIGTERM while OCR children run (prompt
# exit, no child left, the job retried), and finextract.ocr = 'off'.
#
# pdftoppm is wrapped by a script (finextract.pdftoppm_path) that logs every
# call and fails the pages named by flag files, so OCR children can be
# counted and made to fail without a configuration reload.
use strict;
use warnings;

use FinxTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

for my $tool (qw(tesseract pdftoppm pdftotext))
{
	plan skip_all => "$tool is not installed (scripts/install-deps.sh installs it)"
	  if system("command -v $tool >/dev/null 2>&1") != 0;
}

# The scanned fixtures: scan_simple.pdf (2 pages, exact values in
# expected_scanned.tsv) and us_10k_scanned.pdf (4 pages).
my $scans = PostgreSQL::Test::Utils::tempdir('scans');
system('python3', repo_dir() . '/test/fixtures/make_scanned.py', $scans) == 0
  or BAIL_OUT('could not make the scanned fixtures');
my $simple = "$scans/scan_simple.pdf";
my $us10k = "$scans/us_10k_scanned.pdf";

# The pdftoppm wrapper: one log line per OCR child; exits 1 with a message
# for page N when $tools/fail-N exists, for every page when fail-all does.
my $tools = PostgreSQL::Test::Utils::tempdir('ocrtools');
wrap_tool($tools, 'pdftoppm', <<"EOF");
# called as: pdftoppm -r DPI -f PAGE -l PAGE -png -singlefile FILE.pdf
echo "page \$4 \$*" >> '$tools/calls.log'
if [ -e '$tools/fail-all' ] || [ -e '$tools/fail-'"\$4" ]; then
	echo "simulated scanner fault on page \$4" >&2
	exit 1
fi
EOF

sub ocr_calls { return line_count("$tools/calls.log"); }

sub flag
{
	my ($name, $on) = @_;
	if ($on) { PostgreSQL::Test::Utils::append_to_file("$tools/$name", ''); }
	else { unlink "$tools/$name"; }
}

my $node = finx_node('ocr',
	conf => "finextract.max_local_procs = 2\n"
	  . "finextract.pdftoppm_path = '$tools/pdftoppm'\n");
my $engine = 'tesseract/eng/300';    # the cache key starts so (languages, dpi)

sub q1 { return $node->safe_psql('postgres', $_[0]); }

sub compare
{
	my ($csv, $what) = @_;
	my ($stdout, $stderr);
	my $ok = IPC::Run::run(
		[ 'python3', repo_dir() . '/test/fixtures/compare_facts.py', $csv,
			"$scans/expected_scanned.tsv" ],
		'>', \$stdout, '2>', \$stderr);
	ok($ok && $stdout =~ /^1 passed, 0 failed$/m, $what) or diag($stdout . $stderr);
}

# 1. The scan end to end: pdftotext finds no text, OCR reads both pages,
# finx.facts equals the expected values exactly.
is(q1("SELECT current_setting('finextract.ocr')"), 'auto', 'finextract.ocr defaults to auto');
my $t0 = time();
my ($job1, $st1) = submit_wait($node, $simple);
my $ocr_s = time() - $t0;
is($st1, 'succeeded', 'scanned document succeeds with local OCR')
  or diag(q1("SELECT last_error FROM finx.jobs WHERE id = $job1"));
diag(sprintf('2 scanned pages extracted in %.1f s', $ocr_s));
compare(export_facts($node, "f.job_id = $job1", "$scans/facts1.csv"),
	'facts of the scan equal the expected values exactly');
is(ocr_calls(), 2, 'one OCR child per scanned page');
is(q1("SELECT count(*) FROM finx.page_texts t JOIN finx.jobs j ON j.document_id = t.document_id "
	  . "WHERE j.id = $job1 AND t.engine LIKE '$engine%'"),
	'2', "OCR text of both pages cached under engine $engine...");
is(q1("SELECT coalesce(array_to_string(warnings, '; '), '') FROM finx.jobs WHERE id = $job1"),
	'', 'no warning: every page was read');
is(q1("SELECT string_agg(statement_type || ':' || checks_failed, ',' ORDER BY seq) "
	  . "FROM finx.statements WHERE job_id = $job1"),
	'balance_sheet:0,income_statement:0', 'both statements found, every check holds');

# 2. The OCR cache: the same document with other options is processed again
# (no reuse) but OCR text comes from finx.page_texts.  Every OCR child would
# fail now, and none is started.
flag('fail-all', 1);
my ($job2, $st2) = submit_wait($node, $simple, '{"pages": "1-99"}');
is($st2, 'succeeded', 'resubmission with other options succeeds while OCR would fail');
is(q1("SELECT reused_from IS NULL FROM finx.jobs WHERE id = $job2"), 't',
	'the resubmission was processed, not reused');
is(ocr_calls(), 2, 'no OCR child ran for the resubmission');
compare(export_facts($node, "f.job_id = $job2", "$scans/facts2.csv"),
	'the resubmission has the same exact facts');
is(q1("SELECT count(*) FROM finx.page_texts WHERE engine LIKE '$engine%'"), '2',
	'no OCR text was added to the cache');
flag('fail-all', 0);

# 3. A page whose OCR fails: the job goes on with the other pages and names
# the failed page and the reason in its warnings ...
flag('fail-3', 1);
my ($job3, $st3) = submit_wait($node, $us10k, '{"pages": "2-3"}');
is($st3, 'succeeded', 'job with one failed OCR page succeeds on the others')
  or diag(q1("SELECT last_error FROM finx.jobs WHERE id = $job3"));
like(q1("SELECT array_to_string(warnings, ' | ') FROM finx.jobs WHERE id = $job3"),
	qr/page 3: OCR \(pdftoppm \| finextract-derule \| tesseract\) exited with code \d+: simulated scanner fault on page 3/,
	'warnings name the failed page and its reason');
is(q1("SELECT string_agg(statement_type, ',') FROM finx.statements WHERE job_id = $job3"),
	'income_statement', 'the statement of the page read by OCR is stored');

# ... and when nothing else is found, last_error says so.
my ($job4, $st4) = submit_wait($node, $us10k, '{"pages": "3", "max_attempts": 1}');
is($st4, 'failed', 'job whose only page fails OCR fails');
like(q1("SELECT last_error FROM finx.jobs WHERE id = $job4"),
	qr/need OCR \(pages 3\).*page 3: OCR \(pdftoppm \| finextract-derule \| tesseract\) exited with code \d+: simulated scanner fault on page 3/,
	'last_error names the page and why its OCR failed');
is(q1("SELECT count(*) FROM finx.page_texts t JOIN finx.jobs j ON j.document_id = t.document_id "
	  . "WHERE j.id = $job4 AND t.engine LIKE '$engine%' AND t.page = 3"),
	'0', 'nothing is cached for the failed page');
flag('fail-3', 0);

# 4. SIGTERM while OCR children run: the worker exits promptly, kills them,
# and the job succeeds after the restart without spending an attempt.
my $job5 = q1("SELECT finx_submit('$us10k')");
my $tmpfile = $node->data_dir . "/finextract_tmp/job-$job5-1.pdf";

sub children_of
{
	my ($file) = @_;
	my ($out, $err) = ('', '');
	(my $re = $file) =~ s/([.+*?()\[\]{}|^\$\\])/\\$1/g;
	IPC::Run::run([ 'pgrep', '-a', '-f', '--', $re ], '>', \$out, '2>', \$err);
	return grep { /\S/ } split /\n/, $out;
}
$node->poll_query_until('postgres',
	"SELECT stage = 'ocr' FROM finx.jobs WHERE id = $job5 AND state = 'running'")
  or die 'job never reached OCR';
my @running;
my $deadline = time() + 60;
while (!(@running = children_of($tmpfile)) && time() < $deadline)
{
	# wait for the children to show up, with the server's clock
	$node->poll_query_until('postgres', 'SELECT true');
}
ok(scalar @running, 'OCR children of the job are running')
  or diag(q1("SELECT state, stage, last_error FROM finx.jobs WHERE id = $job5"));
diag("running: $_") for @running;
# Their process groups (each OCR child is a group: sh, pdftoppm, tesseract).
my %groups;
for my $line (@running)
{
	my ($p) = $line =~ /^(\d+)/;
	my $stat = eval { slurp_file("/proc/$p/stat") } // '';
	$groups{$1} = 1 if $stat =~ /^\d+ \(.*\) \S+ \d+ (\d+)/;
}
ok(scalar keys %groups, 'their process groups are known');
my $pid = worker_pid($node);
$t0 = time();
q1("SELECT pg_terminate_backend($pid)");
$node->poll_query_until('postgres', "SELECT count(*) = 0 FROM pg_stat_activity WHERE pid = $pid")
  or die 'worker did not exit';
my $exit_s = time() - $t0;
diag(sprintf('worker exited %.3f s after SIGTERM with %d OCR process(es) running', $exit_s,
		scalar @running));
cmp_ok($exit_s, '<', 5, 'worker exits promptly on SIGTERM while OCR children run');
# SIGKILL is delivered at once, but a killed process may take a moment to
# go on a loaded machine: wait a little (a survivor stays).
my @left = children_of($tmpfile);
my $gone_by = time() + 10;
while (@left && time() < $gone_by)
{
	$node->poll_query_until('postgres', 'SELECT true');
	@left = children_of($tmpfile);
}
is(scalar @left, 0, 'no OCR child of the interrupted attempt survives the worker')
  or diag("left: @left");
my ($gout, $gerr) = ('', '');
IPC::Run::run([ 'pgrep', '-a', '-g', join(',', sort keys %groups) ], '>', \$gout, '2>', \$gerr);
# Killed children the dead worker could not reap are zombies until init
# reaps them: dead, so they do not count.
my @alive = grep { /\S/ && !/<defunct>/ } split /\n/, $gout;
is(scalar @alive, 0, 'no live process (tesseract included) is left in their process groups')
  or diag($gout);
isnt(wait_for_worker($node), $pid, 'a new worker started');
is(q1("SELECT finx_wait($job5, '3 min')"), 'succeeded', 'the interrupted OCR job succeeds after the restart')
  or diag(q1("SELECT last_error FROM finx.jobs WHERE id = $job5"));
is(q1("SELECT attempt FROM finx.jobs WHERE id = $job5"), '1', 'the interrupted attempt was given back');
is(q1("SELECT count(*) FROM finx.page_texts t JOIN finx.jobs j ON j.document_id = t.document_id "
	  . "WHERE j.id = $job5 AND t.engine LIKE '$engine%'"),
	'4', 'OCR text of all four pages cached');

# 4b. A digital document with scanned pages: OCR reads those pages only;
# the text layer's pages are read as text, giving exactly the facts the
# digital document gives alone (reading them as OCR output shifts columns).
# Once from OCR children, once from the OCR cache.
my $mixed = "$scans/us_10k_plus_scan.pdf";
system('pdfunite', fixtures_dir() . '/us_10k.pdf', "$scans/scan_simple.pdf", $mixed) == 0
  or die 'pdfunite failed';
my ($jobd, $std) = submit_wait($node, fixtures_dir() . '/us_10k.pdf');
is($std, 'succeeded', 'the digital document alone succeeds');
my $digital_facts = "SELECT statement_type, page, line_no, label, period_end, value "
  . "FROM finx.facts WHERE job_id = %d AND page <= 4";
for my $opts ('{}', '{"pages": "1-99"}')
{
	my ($jobm, $stm) = submit_wait($node, $mixed, $opts);
	is($stm, 'succeeded', "digital document with a scanned page succeeds ($opts)");
	is(q1("SELECT count(*) FROM finx.page_texts t JOIN finx.jobs j ON j.document_id = t.document_id "
		  . "WHERE j.id = $jobm AND t.engine LIKE '$engine%'"),
		'2', "... only its two scanned pages were OCR'd ($opts)");
	is(q1("SELECT count(*) FROM ((" . sprintf($digital_facts, $jobd) . " EXCEPT ALL "
		  . sprintf($digital_facts, $jobm) . ") UNION ALL (" . sprintf($digital_facts, $jobm)
		  . " EXCEPT ALL " . sprintf($digital_facts, $jobd) . ")) d"),
		'0', "... its text-layer pages give exactly the digital document's facts ($opts)");
	cmp_ok(q1("SELECT count(*) FROM finx.facts WHERE job_id = $jobm AND page > 4"), '>', 0,
		"... and the scanned pages' statements are read too ($opts)");
}

# 4c. Ruled headings: two_page_scanned.pdf's years are underlined by rules
# that touch them; tesseract reads such a line as marks ("—2023,~C~<...")
# unless the worker removed the rules first (finextract-derule), and then
# no column would have its period.
my ($jobr, $str) = submit_wait($node, "$scans/two_page_scanned.pdf");
is($str, 'succeeded', 'a scan with underlined column headings succeeds')
  or diag(q1("SELECT last_error FROM finx.jobs WHERE id = $jobr"));
is(q1("SELECT string_agg(period_end || '=' || value, ',' ORDER BY period_end) "
	  . "FROM finx.facts WHERE job_id = $jobr AND label = 'Total assets'"),
	'2022-12-31=328735,2023-12-31=344529',
	'... its underlined years give each column its period');
is(q1("SELECT count(*) FILTER (WHERE period_end IS NULL) || '/' || (count(*) > 40) "
	  . "FROM finx.facts WHERE job_id = $jobr"),
	'0/true', '... for every value of both pages');
is(q1("SELECT count(*) FROM finx.page_texts t JOIN finx.jobs j ON j.document_id = t.document_id "
	  . "WHERE j.id = $jobr AND t.engine LIKE '%/derule1'"),
	'2', '... read after their rules were removed (the cache key says so)');

# 4d. An unreadable text layer: two_page_garbled.pdf is the same scan under
# an invisible text layer of control codes (what pdftotext gives for a font
# without a Unicode map).  Its pages are OCR'd as pages without text are.
my ($jobg, $stg) = submit_wait($node, "$scans/two_page_garbled.pdf");
is($stg, 'succeeded', 'a scan under an unreadable text layer succeeds')
  or diag(q1("SELECT last_error FROM finx.jobs WHERE id = $jobg"));
is(q1("SELECT string_agg(period_end || '=' || value, ',' ORDER BY period_end) "
	  . "FROM finx.facts WHERE job_id = $jobg AND label = 'Total assets'"),
	'2022-12-31=328735,2023-12-31=344529',
	'... its values are read by OCR, not from the control codes');
is(q1("SELECT count(*) FROM finx.page_texts t JOIN finx.jobs j ON j.document_id = t.document_id "
	  . "WHERE j.id = $jobg AND t.engine LIKE 'tesseract/%'"),
	'2', '... both pages were OCR\'d');

# 5. finextract.ocr = 'off': a scan-only document fails, saying its pages
# need OCR (the cached OCR text is not used either).
q1("ALTER SYSTEM SET finextract.ocr = 'off'");
$node->restart;
my $calls = ocr_calls();
my ($job6, $st6) = submit_wait($node, $simple, '{"pages": "1-2", "max_attempts": 1}');
is($st6, 'failed', 'with finextract.ocr = off a scanned document fails');
like(q1("SELECT last_error FROM finx.jobs WHERE id = $job6"),
	qr/2 of 2 page\(s\) have no readable text layer and need OCR \(pages 1, 2\); finextract\.ocr is off/,
	'the reason says which pages need OCR and that OCR is off');
is(ocr_calls(), $calls, 'no OCR child ran');

# 6. finextract.ocr = 'llmwhisperer' without its key: no local OCR either,
# and the reason says what is missing.
q1("ALTER SYSTEM SET finextract.ocr = 'llmwhisperer'");
$node->reload;
$node->poll_query_until('postgres', "SELECT current_setting('finextract.ocr') = 'llmwhisperer'")
  or die 'the setting did not take effect';
my ($job7, $st7) = submit_wait($node, $simple, '{"pages": "1", "max_attempts": 1}');
is($st7, 'failed', 'with finextract.ocr = llmwhisperer and no key a scanned document fails');
like(q1("SELECT last_error FROM finx.jobs WHERE id = $job7"),
	qr/1 of 2 page\(s\) have no readable text layer and need OCR \(pages 1\); finextract\.ocr is llmwhisperer but finextract\.llmwhisperer_api_key is not set/,
	'the reason says the LLMWhisperer key is missing');
is(ocr_calls(), $calls, 'still no OCR child ran');

$node->stop;
done_testing();

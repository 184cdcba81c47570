# Bad input catalogue: odd file names (spaces, quotes, newlines, shell
# metacharacters, bytes that are not UTF-8), NUL bytes, special files, PDFs
# with 0 pages or more than finextract.max_pages, a page range past the end, a page-count bomb, a
# decompression bomb (the output cap finextract.text_cap holds), a memory
# bomb (child_memory_limit holds), a symlink out of finextract.input_dirs,
# options of the wrong type or unknown, absurd settings refused by the GUC
# bounds.  Each gets a clear error (SQLSTATE, message, hint where ours) that
# writes nothing, or a failed job with a clear reason and no results; the
# worker survives all of it.
use strict;
use warnings;

use POSIX ();

use FinxMock;
use FinxTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $mock = mock_start('--time-scale', '0.01');
# a UTF-8 database, as the README asks, whatever the environment's locale
my $node = PostgreSQL::Test::Cluster->new('badinput');
$node->init(extra => [ '--encoding=UTF8', '--no-locale' ]);
$node->append_conf('postgresql.conf',
	"shared_preload_libraries = 'finextract'\nfinextract.database = 'postgres'\n"
	  . "log_min_messages = log\n" . mock_conf_lines($mock));
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION finextract');
my $pid = wait_for_worker($node);
my $dir = fixtures_dir();
my $root = PostgreSQL::Test::Utils::tempdir('bad');
my $bomb = repo_dir() . '/test/fixtures/make_bomb.py';
my $pdf_bytes = slurp_file("$dir/two_page.pdf");
my $inputs = 0;

# Quote a string as an SQL literal.
sub lit
{
	my ($s) = @_;
	$s =~ s/'/''/g;
	return "'$s'";
}

# Rows in the tables a submit writes.
sub table_counts
{
	return $node->safe_psql('postgres',
		'SELECT (SELECT count(*) FROM finx.documents) || \'/\' || (SELECT count(*) FROM finx.jobs) '
		  . '|| \'/\' || (SELECT count(*) FROM finx.document_content) || \'/\' || (SELECT count(*) FROM finx.inbox_files)');
}

# SQL that must fail with a SQLSTATE and message (and hint), writing nothing.
sub refused
{
	my ($sql, $code, $msg, $name, $hint) = @_;
	$inputs++;
	my $before = table_counts();
	my ($ret, $out, $err) = $node->psql('postgres', "\\set VERBOSITY verbose\n$sql");
	like($err, qr/ERROR:  $code: .*$msg/, "$name: $code") or diag("stdout: $out");
	like($err, qr/HINT:  \S/, "$name: with a hint") if $hint;
	is(table_counts(), $before, "$name: nothing written");
}

# Submit a server file; returns the job id (dies on refusal).
sub submit
{
	my ($path, $opts) = @_;
	$inputs++;
	return $node->safe_psql('postgres', 'SELECT finx_submit(' . lit($path) . ", '" . ($opts // '{"text_extractor": "local", "structurer": "local"}') . "')");
}

# Wait for a job that must fail; check the reason and that it stored nothing.
sub fails_with
{
	my ($job, $re, $name) = @_;
	is($node->safe_psql('postgres', "SELECT finx_wait($job, '3 min')"), 'failed', "$name: the job fails");
	like($node->safe_psql('postgres', "SELECT last_error FROM finx.jobs WHERE id = $job"), $re,
		"$name: with a clear reason");
	is($node->safe_psql('postgres', "SELECT count(*) FROM finx.statements WHERE job_id = $job"), '0',
		"$name: no results stored");
}

sub write_file
{
	my ($path, $data) = @_;
	open(my $fh, '>:raw', $path) or die "could not write $path: $!";
	print $fh $data;
	close($fh);
}

# 1. Odd file names: the job runs, file_name is the base name as given.
my %names = (
	'with space.pdf' => 'space',
	"it's a \"quoted\" name.pdf" => 'quotes',
	"new\nline.pdf" => 'newline',
	"tab\tand\rcr.pdf" => 'tab and carriage return',
	'$(touch pwned) `id`; rm -rf x | y & z.pdf' => 'shell metacharacters',
	'a&b?c=d#e%20f+g.pdf' => 'URL metacharacters',
	"\x{e9}t\x{e9} \x{4e2d}\x{6587}.pdf" => 'UTF-8 (accents, CJK)',
	'-n.pdf' => 'a leading dash',
	('x' x 200) . '.pdf' => 'a 204-byte name');
my $i = 0;
for my $name (sort keys %names)
{
	my $bytes = $name;
	utf8::encode($bytes);
	my $path = "$root/" . $bytes;
	write_file($path, $pdf_bytes . "% odd name " . $i++ . "\n");
	# every other one through LLMWhisperer: the name travels in the URL
	my $opts = $i % 2 ? '{"text_extractor": "local", "structurer": "local"}' : '{"text_extractor": "llmwhisperer", "structurer": "llm"}';
	my $job = submit($path, $opts);
	is($node->safe_psql('postgres', "SELECT finx_wait($job, '2 min')"), 'succeeded',
		"file name with $names{$name}: the job succeeds ($opts)")
	  or diag($node->safe_psql('postgres', "SELECT last_error FROM finx.jobs WHERE id = $job"));
	is($node->safe_psql('postgres', "SELECT file_name = convert_from(decode('" . unpack('H*', $bytes)
			  . "', 'hex'), 'UTF8') FROM finx.jobs WHERE id = $job"),
		't', "file name with $names{$name}: stored exactly");
}
ok(!-e "$root/pwned" && !-e $node->data_dir . '/pwned', 'no shell ever ran a file name');

# Names that are not UTF-8: refused by the server at input ...
refused("SELECT finx_submit(convert_from('\\x2f746d702f6361666592e9'::bytea, 'UTF8'))",
	'22021', 'invalid byte sequence for encoding "UTF8"', 'a path that is not UTF-8');
# ... and a file so named in an inbox must not put invalid UTF-8 into the database.
my $latin = "$root/latin1";
mkdir $latin;
write_file("$latin/caf\xe9.pdf", $pdf_bytes . "% latin-1 name\n");
write_file("$latin/ok.pdf", $pdf_bytes . "% ok name\n");
$inputs++;
my ($ret, $out, $err) = $node->psql('postgres', "\\set VERBOSITY verbose\nSELECT finx_submit_dir(" . lit($latin) . ')');
diag("finx_submit_dir on a non-UTF-8 name: $out $err");
ok($ret == 0 || $err =~ /ERROR:  \w{5}: /, 'finx_submit_dir with a non-UTF-8 file name: a result or a clear error');
($ret, $out, $err) = $node->psql('postgres',
	"SELECT count(convert_from(textsend(file_name), 'UTF8')) FROM finx.jobs; "
	  . "SELECT count(convert_from(textsend(name), 'UTF8')) FROM finx.inbox_files; "
	  . "SELECT count(convert_from(textsend(file_name), 'UTF8')) FROM finx.documents;");
is($ret, 0, 'no invalid UTF-8 stored in finx.jobs, finx.inbox_files or finx.documents') or diag($err);

# 2. Names and bytes through finx_submit_bytes.
my $pdf_lit = "'\\x" . unpack('H*', $pdf_bytes . "% bytes\n") . "'::bytea";
refused("SELECT finx_submit_bytes($pdf_lit, " . lit('a/b/..') . ')', '22023', 'invalid file name', 'file name ..', 1);
refused("SELECT finx_submit_bytes($pdf_lit, " . lit('dir/') . ')', '22023', 'invalid file name', 'file name ending in /', 1);
refused("SELECT finx_submit_bytes($pdf_lit, " . lit('x' x 300) . ')', '42622', 'file name is too long', 'file name of 300 bytes');
refused("SELECT finx_submit_bytes($pdf_lit, convert_from('\\x61006200'::bytea, 'UTF8'))",
	'22021', 'invalid byte sequence', 'a NUL byte in a file name');
refused("SELECT finx_submit(" . lit("$root/with space.pdf") . " || chr(0))", '54000',
	'null character not permitted', 'a NUL byte in a path');
refused("SELECT finx_submit_bytes($pdf_lit, 'a.pdf', '{\"pages\": \"1\\u0000\"}')",
	'22P05', 'unsupported Unicode escape sequence', 'a NUL byte in options');
refused("SELECT finx_submit_bytes('\\x00000000'::bytea, 'nul.pdf')", '22P03', 'is not a PDF document',
	'only NUL bytes', 1);
refused("SELECT finx_submit_bytes('\\x255044462d'::bytea || decode(repeat('00', 5000), 'hex'), 'nul.pdf')",
	'22P03', 'is truncated', 'a header then NUL bytes', 1);

# 3. Special files and unreadable paths (superuser: only the file rules apply).
POSIX::mkfifo("$root/fifo.pdf", 0600) or die "mkfifo: $!";
refused('SELECT finx_submit(' . lit("$root/fifo.pdf") . ')', '42809', 'is not a regular file', 'a FIFO (never opened)', 1);
refused("SELECT finx_submit('/dev/zero')", '42809', 'is not a regular file', '/dev/zero', 1);
refused("SELECT finx_submit('/proc/self/status')", '22023', 'is empty', '/proc/self/status', 1);
refused('SELECT finx_submit(' . lit($root) . ')', '42809', 'is a directory', 'a directory', 1);
write_file("$root/secret.pdf", $pdf_bytes);
chmod 0000, "$root/secret.pdf";
refused('SELECT finx_submit(' . lit("$root/secret.pdf") . ')', '42501', 'could not open file', 'an unreadable file', 1);
refused('SELECT finx_submit(' . lit('/' . ('a' x 5000) . '.pdf') . ')', '\w{5}', '.*',
	'a path of 5000 bytes');
refused("SELECT finx_submit('/tmp/../../../../etc/nonexistent.pdf')", '58P01', 'does not exist',
	'a path with .. that does not exist', 1);
refused("SET finextract.max_file_size = '1kB'; SELECT finx_submit(" . lit("$root/with space.pdf") . ')',
	'54000', 'is too large', 'a file above max_file_size', 1);

# 4. A symlink out of finextract.input_dirs.
my ($in, $outside) = ("$root/in", "$root/outside");
mkdir $_ for $in, $outside;
write_file("$outside/o.pdf", $pdf_bytes . "% outside\n");
symlink("$outside/o.pdf", "$in/link.pdf") or die $!;
refused("SET finextract.input_dirs = " . lit($in) . "; SELECT finx_submit(" . lit("$in/link.pdf") . ')',
	'42501', 'is outside the directories finextract may read', 'a symlink out of input_dirs', 1);

# 5. Options of the wrong type or unknown.
for my $o (
	[ '{"color": "red"}', 'unknown option' ],
	[ '{"Pages": "1"}', 'unknown option' ],
	[ '{"options": {"pages": "1"}}', 'unknown option' ],
	[ '{"pages": 5}', 'option "pages" must be' ],
	[ '{"pages": null}', 'option "pages" must be' ],
	[ '{"pages": ["1"]}', 'option "pages" must be' ],
	[ '{"pages": "1-5,,7"}', 'invalid option "pages"' ],
	[ '{"pages": "-"}', 'invalid option "pages"' ],
	[ '{"pages": "99999999999999999999"}', 'invalid option "pages"' ],
	[ '{"pages": "1; DROP TABLE finx.jobs"}', 'invalid option "pages"' ],
	[ '{"pages": "' . ('1,' x 20000) . '1"}', 'invalid option "pages"' ],
	[ '{"max_attempts": "3"}', 'option "max_attempts" must be' ],
	[ '{"max_attempts": 0}', 'option "max_attempts" must be' ],
	[ '{"max_attempts": 101}', 'option "max_attempts" must be' ],
	[ '{"max_attempts": 1e10}', 'option "max_attempts" must be' ],
	[ '{"max_attempts": -1}', 'option "max_attempts" must be' ],
	[ '{"max_attempts": true}', 'option "max_attempts" must be' ],
	[ '{"text_extractor": 1}', 'option "text_extractor" must be' ],
	[ '{"text_extractor": "LOCAL"}', 'invalid value "LOCAL" for option "text_extractor"' ],
	[ '{"structurer": "magic"}', 'invalid value "magic" for option "structurer"' ],
	[ '{"model": 5}', 'option "model" must be' ],
	[ '{"mode": {}}', 'option "mode" must be' ],
	[ '{"model": "' . ('m' x 10000) . '"}', 'option "model" is too long' ],
	[ '[]', 'options must be a JSON object' ],
	[ '"pages"', 'options must be a JSON object' ],
	[ 'null', 'options must be a JSON object' ])
{
	my ($json, $msg) = @$o;
	(my $short = $json) =~ s/(.{40}).+/$1.../;
	refused("SELECT finx_submit_bytes($pdf_lit, 'o.pdf', " . lit($json) . ')', '22023', $msg,
		"options $short", 1);
}

# 6. Absurd settings: refused by the GUC bounds, postgresql.auto.conf untouched.
my $auto_before = slurp_file($node->data_dir . '/postgresql.auto.conf');
for my $s (
	[ 'finextract.request_timeout', "'0'" ],
	[ 'finextract.request_timeout', "'-1s'" ],
	[ 'finextract.request_timeout', "'100 days'" ],
	[ 'finextract.connect_timeout', "'1ms'" ],
	[ 'finextract.local_timeout', "'10ms'" ],
	[ 'finextract.local_timeout', "'1000 hours'" ],
	[ 'finextract.text_cap', "'0'" ],
	[ 'finextract.text_cap', "'100TB'" ],
	[ 'finextract.child_memory_limit', "'1kB'" ],
	[ 'finextract.child_memory_limit', "'1PB'" ],
	[ 'finextract.max_file_size', "'-1'" ],
	[ 'finextract.max_file_size', "'10TB'" ],
	[ 'finextract.max_pages', '0' ],
	[ 'finextract.max_pages', '1e9' ],
	[ 'finextract.max_running_jobs', '0' ],
	[ 'finextract.max_running_jobs', '99999999' ],
	[ 'finextract.max_local_procs', '0' ],
	[ 'finextract.max_attempts', '0' ],
	[ 'finextract.max_attempts', '1000' ],
	[ 'finextract.request_attempts', '0' ],
	[ 'finextract.llm_max_tokens', '1' ],
	[ 'finextract.ocr_dpi', '1' ],
	[ 'finextract.llmwhisperer_poll_interval', "'1ms'" ],
	[ 'finextract.max_concurrency_bound', '0' ],
	[ 'finextract.request_timeout', "'soon'" ],
	[ 'finextract.structurer', "'magic'" ],
	[ 'finextract.ocr', "'maybe'" ])
{
	my ($name, $v) = @$s;
	refused("ALTER SYSTEM SET $name = $v", '22023',
		"(-?\\d+ .*is outside the valid range for parameter \"$name\"|invalid value for parameter \"$name\")",
		"ALTER SYSTEM SET $name = $v");
}
refused("ALTER SYSTEM SET finextract.no_such_setting = 1", '42704',
	'(unrecognized|invalid) configuration parameter', 'an unknown finextract setting');
is(slurp_file($node->data_dir . '/postgresql.auto.conf'), $auto_before, 'postgresql.auto.conf unchanged');
refused("SET finextract.max_attempts = 0", '22023', '0 is outside the valid range', 'SET max_attempts = 0');

# 7. Bad PDFs the worker sees: each job fails with a clear reason.
my $zero = submit("$dir/bad/zero_pages.pdf");
fails_with($zero, qr/the document has no pages/, 'a PDF with 0 pages');
refused('SELECT finx_submit(' . lit("$dir/bad/corrupt.pdf") . ')', '22P03', 'is truncated',
	'a PDF of garbage', 1);

$node->safe_psql('postgres', "ALTER SYSTEM SET finextract.max_pages = 3; SELECT pg_reload_conf()");
$node->poll_query_until('postgres', "SELECT current_setting('finextract.max_pages') = '3'") or die;
my $big = submit(fixture_variant('us_10k.pdf', 'maxpages'));
fails_with($big, qr/the document has 4 pages; finextract.max_pages allows 3/, 'more pages than max_pages');
is($node->safe_psql('postgres', "SELECT attempt FROM finx.jobs WHERE id = $big"), '1', '... at the first attempt');
$node->safe_psql('postgres', "ALTER SYSTEM RESET finextract.max_pages; SELECT pg_reload_conf()");
$node->poll_query_until('postgres', "SELECT current_setting('finextract.max_pages') = '2000'") or die;

# A page range that names no page of the document says so.
my $far = submit(fixture_variant('us_10k.pdf', 'farpages'),
	'{"pages": "1000000", "text_extractor": "local", "structurer": "local"}');
fails_with($far, qr/^page range "1000000" is outside the document \(4 pages\)$/, 'a page range past the end');
my $far2 = submit(fixture_variant('us_10k.pdf', 'farpages'),
	'{"pages": "7-9,12-", "text_extractor": "local", "structurer": "local"}');
fails_with($far2, qr/^page range "7-9,12-" is outside the document \(4 pages\)$/, 'page ranges past the end');

system('python3', $bomb, 'pages', "$root/pagebomb.pdf", '2500') == 0 or die 'make_bomb pages';
my $pb = submit("$root/pagebomb.pdf");
fails_with($pb, qr/the document has 2500 pages; finextract.max_pages allows 2000/, 'a page-count bomb');

system('python3', $bomb, 'nul', "$root/nul.pdf") == 0 or die 'make_bomb nul';
my $nul = submit("$root/nul.pdf");
is($node->safe_psql('postgres', "SELECT finx_wait($nul, '2 min')"), 'failed', 'NUL bytes in the text: the job ends');
like($node->safe_psql('postgres', "SELECT last_error FROM finx.jobs WHERE id = $nul"), qr/statement/,
	'... failing because there is no statement, not on the bytes');
is($node->safe_psql('postgres',
		"SELECT count(*) FROM finx.page_texts t JOIN finx.jobs j USING (document_id) WHERE j.id = $nul AND t.text LIKE '%Revenue%1,234%'"),
	'1', 'the page text was kept without its NUL bytes');

# The decompression bomb: ~150 kB that pdftotext turns into 8.5 MB of text.
system('python3', $bomb, 'bomb', "$root/bomb.pdf", '1000') == 0 or die 'make_bomb bomb';
cmp_ok(-s "$root/bomb.pdf", '<', 400_000, 'the bomb is small on disk');
$node->safe_psql('postgres', "ALTER SYSTEM SET finextract.text_cap = '1MB'; SELECT pg_reload_conf()");
$node->poll_query_until('postgres', "SELECT current_setting('finextract.text_cap') = '1MB'") or die;
my $b = submit("$root/bomb.pdf");
fails_with($b, qr/pdftotext produced more output than finextract.text_cap allows/, 'a decompression bomb');
is($node->safe_psql('postgres', "SELECT attempt FROM finx.jobs WHERE id = $b"), '1', '... not retried');
is($node->safe_psql('postgres',
		"SELECT count(*) FROM finx.page_texts t JOIN finx.jobs j USING (document_id) WHERE j.id = $b"),
	'0', '... and none of its text kept');
$node->safe_psql('postgres', "ALTER SYSTEM RESET finextract.text_cap; SELECT pg_reload_conf()");

# The memory bomb: 35 kB that would make pdftotext use over a gigabyte.
system('python3', $bomb, 'heavy', "$root/heavy.pdf", '8') == 0 or die 'make_bomb heavy';
$node->safe_psql('postgres',
	"ALTER SYSTEM SET finextract.child_memory_limit = '256MB'; ALTER SYSTEM SET finextract.local_timeout = '30s'; SELECT pg_reload_conf()");
$node->poll_query_until('postgres', "SELECT current_setting('finextract.child_memory_limit') = '256MB'") or die;
my $h = submit("$root/heavy.pdf", '{"text_extractor": "local", "structurer": "local", "max_attempts": 1}');
fails_with($h, qr/pdftotext.*(signal|memory|exit|time limit)/i, 'a memory bomb');
$node->safe_psql('postgres',
	"ALTER SYSTEM RESET finextract.child_memory_limit; ALTER SYSTEM RESET finextract.local_timeout; SELECT pg_reload_conf()");

# The worker survived everything and still works.
is(worker_pid($node), $pid, 'the worker never restarted');
my $fine = submit(fixture_variant('two_page.pdf', 'after-bad-input'));
is($node->safe_psql('postgres', "SELECT finx_wait($fine, '2 min')"), 'succeeded', 'a good document still succeeds');
diag("$inputs bad inputs tried");

$node->stop;
mock_stop($mock);
done_testing();

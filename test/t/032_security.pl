# Security: who may read server files (superusers and pg_read_server_files,
# only under finextract.input_dirs, after resolving symlinks), API keys
# never visible to other roles (SHOW, current_setting, pg_settings,
# pg_stat_activity, the server log, error messages, finx.jobs, finx.requests),
# plain http only to loopback (a URL check refuses anything else before any
# connection: nothing is ever sent off loopback), provider URLs and keys
# settable by superusers only, finx_user members submit bytes, no SQL built
# from strings in the SQL-facing sources, and owner isolation (row-level
# security) on by default so that a finx_user member sees only its own jobs'
# rows, with no side channel (reused results, live counters, errors of
# finx_wait/finx_cancel/finx_retry), until finx_enable_rls(false) turns it
# off.
use strict;
use warnings;

use Digest::MD5 ();
use Digest::SHA ();

use FinxMock;
use FinxTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $mock = mock_start('--time-scale', '0.01');
my $node = finx_node('security', conf => mock_conf_lines($mock));
my $dir = fixtures_dir();
my $root = PostgreSQL::Test::Utils::tempdir('sec');
my ($inbox, $outside) = ("$root/inbox", "$root/outside");
mkdir $_ for $inbox, $outside;
chmod 0755, $root, $inbox, $outside;

$node->safe_psql('postgres', q{
	CREATE ROLE app LOGIN IN ROLE finx_user;
	CREATE ROLE reader LOGIN IN ROLE finx_user, pg_read_server_files;
	CREATE ROLE spy LOGIN IN ROLE finx_user, pg_read_all_stats, pg_read_all_settings;
	CREATE ROLE alice LOGIN IN ROLE finx_user;
	CREATE ROLE bob LOGIN IN ROLE finx_user;
	CREATE ROLE mallory LOGIN IN ROLE finx_user;
});

# Run SQL as a role; returns (exit code, stdout, stderr) with SQLSTATEs shown.
sub as_role
{
	my ($role, $sql) = @_;
	my ($ret, $out, $err) = $node->psql('postgres', "\\set VERBOSITY verbose\n$sql",
		extra_params => [ '-U', $role ]);
	return ($ret, $out, $err);
}

# The bytes of a file as a bytea literal.
sub bytea_lit
{
	my ($path) = @_;
	return "'\\x" . unpack('H*', slurp_file($path)) . "'::bytea";
}

sub copy_file
{
	my ($from, $to) = @_;
	PostgreSQL::Test::Utils::append_to_file($to, slurp_file($from));
}

# 1. finx_submit(path): superusers and pg_read_server_files members only.
my $pdf = fixture_variant('two_page.pdf', 'sec');
my ($ret, $out, $err) = as_role('app', "SELECT finx_submit('$pdf')");
like($err, qr/ERROR:  42501: permission denied to submit a file from the server's file system/,
	'a finx_user member without pg_read_server_files cannot submit a path (42501)');
like($err, qr/HINT:  Use finx_submit_bytes/, 'with a hint');
($ret, $out, $err) = as_role('app', "SELECT finx_submit_dir('$dir')");
like($err, qr/ERROR:  42501/, 'nor a directory');
($ret, $out, $err) = as_role('reader', "SELECT finx_submit('$pdf', '{\"text_extractor\": \"local\"}')");
like($out, qr/^\d+$/, 'a pg_read_server_files member can submit a path') or diag($err);

# 2. A finx_user member submits bytes and follows its job.
my $bytes_pdf = fixture_variant('two_page.pdf', 'bytes');
($ret, $out, $err) = as_role('app',
	"SELECT finx_submit_bytes(" . bytea_lit($bytes_pdf) . ", '../../etc/report.pdf', '{\"text_extractor\": \"local\"}')");
my $app_job = $out;
like($app_job, qr/^\d+$/, 'a finx_user member can submit bytes') or diag($err);
($ret, $out, $err) = as_role('app', "SELECT finx_wait($app_job, '2 min')");
is($out, 'succeeded', 'its job succeeds and it may wait for it');
is($node->safe_psql('postgres', "SELECT submitted_by::regrole || ' ' || file_name FROM finx.jobs WHERE id = $app_job"),
	'app report.pdf', 'the job belongs to the submitter; the name is reduced to its base name');
($ret, $out, $err) = as_role('bob', "SELECT finx_cancel($app_job)");
like($err, qr/42704: job $app_job does not exist/, 'another role may not act on the job: for it, the job does not exist');

# 3. finextract.input_dirs, checked after resolving symlinks.
copy_file($pdf, "$inbox/in.pdf");
copy_file(fixture_variant('quarterly.pdf', 'outside'), "$outside/out.pdf");
symlink("$outside/out.pdf", "$inbox/escape.pdf") or die $!;
symlink("$inbox/in.pdf", "$inbox/alias.pdf") or die $!;
symlink($outside, "$inbox/subdir") or die $!;
$node->safe_psql('postgres', "ALTER SYSTEM SET finextract.input_dirs = '$inbox'; SELECT pg_reload_conf()");
$node->poll_query_until('postgres', "SELECT current_setting('finextract.input_dirs') = '$inbox'")
  or die 'input_dirs not set';
my $jobs_before = $node->safe_psql('postgres', 'SELECT count(*) FROM finx.jobs');
for my $case (
	[ "$outside/out.pdf", 'a file outside' ],
	[ "$inbox/escape.pdf", 'a symlink in the directory that points outside' ],
	[ "$inbox/subdir/out.pdf", 'a path through a symlinked directory that leads outside' ],
	[ "$inbox/../outside/out.pdf", 'a path with .. that leads outside' ])
{
	my ($p, $what) = @$case;
	($ret, $out, $err) = as_role('reader', "SELECT finx_submit('$p')");
	like($err, qr/ERROR:  42501: file ".*" is outside the directories finextract may read/,
		"input_dirs refuses $what");
	like($err, qr/HINT:  Move the file into one of the directories of finextract.input_dirs/, '... with a hint');
}
($ret, $out, $err) = as_role('reader', "SELECT finx_submit_dir('$outside')");
like($err, qr/ERROR:  42501/, 'input_dirs refuses a directory outside for finx_submit_dir');
($ret, $out, $err) = as_role('reader', "SELECT finx_submit('$inbox/alias.pdf', '{\"pages\": \"1\"}')");
like($out, qr/^\d+$/, 'a symlink inside that points inside is accepted') or diag($err);
is($node->safe_psql('postgres', 'SELECT count(*) FROM finx.jobs'), $jobs_before + 1,
	'only the accepted submit wrote a job');
($ret, $out, $err) = as_role('reader', "SET finextract.input_dirs = ''");
like($err, qr/ERROR:  42501: permission denied to set parameter "finextract.input_dirs"/,
	'a non-superuser cannot widen input_dirs');
$node->safe_psql('postgres', 'ALTER SYSTEM RESET finextract.input_dirs; SELECT pg_reload_conf()');

# 4. Provider URLs, keys and allow_plain_http: superusers only.
for my $sql (
	"ALTER SYSTEM SET finextract.llm_url = 'http://127.0.0.1:9/v1'",
	"SET finextract.llm_url = 'http://127.0.0.1:9/v1'",
	"SELECT set_config('finextract.llm_url', 'http://127.0.0.1:9/v1', false)",
	"ALTER ROLE spy SET finextract.llm_url = 'http://127.0.0.1:9/v1'",
	"ALTER SYSTEM SET finextract.llmwhisperer_url = 'http://127.0.0.1:9/api/v2'",
	"ALTER SYSTEM SET finextract.llm_api_key = 'sk-mine'",
	"SET finextract.llm_api_key = 'sk-mine'",
	"ALTER SYSTEM SET finextract.allow_plain_http = on",
	"SET finextract.allow_plain_http = on")
{
	($ret, $out, $err) = as_role('spy', $sql);
	like($err, qr/ERROR:  (42501|55P02): (permission denied|parameter .* cannot be changed)/,
		"refused for a non-superuser: $sql");
}
unlike(slurp_file($node->data_dir . '/postgresql.auto.conf'), qr/127\.0\.0\.1:9|sk-mine/,
	'postgresql.auto.conf unchanged');

# 5. API keys are invisible to other roles.
my $secret = 'sk-live-SECRET-7f3a9c2e5b1d8f4a6c0e';
# A key in a setting: PostgreSQL itself logs 'parameter "..." changed to
# "<value>"' when a reload changes a setting, so keys are set at start (or
# through the key file settings, below), never changed by a reload.
$node->append_conf('postgresql.conf', "finextract.llm_api_key = '$secret'\n");
$node->restart;
# (compared by hash: log_statement = all must not log the key either)
my $secret_md5 = Digest::MD5::md5_hex($secret);
$node->poll_query_until('postgres', "SELECT md5(current_setting('finextract.llm_api_key')) = '$secret_md5'")
  or die 'key not loaded';
# a job that sends the (wrong) key: the mock refuses it with 401
my $kjob = $node->safe_psql('postgres',
	"SELECT finx_submit('" . fixture_variant('two_page.pdf', 'badkey')
	  . "', '{\"text_extractor\": \"llmwhisperer\", \"structurer\": \"llm\", \"max_attempts\": 1}')");
is($node->safe_psql('postgres', "SELECT finx_wait($kjob, '2 min')"), 'failed', 'a job with a refused key fails');
like($node->safe_psql('postgres', "SELECT last_error FROM finx.jobs WHERE id = $kjob"), qr/401|key/i,
	'its reason names the refusal');
(my $secret_part = $secret) =~ s/^sk-live-//;
my $leak = qr/\Q$secret\E|\Q$secret_part\E|SECRET-7f3a|wk-test/;
for my $q (
	[ 'SHOW finextract.llm_api_key', 'SHOW' ],
	[ 'SHOW finextract.llmwhisperer_api_key', 'SHOW (whisper key)' ],
	[ "SELECT current_setting('finextract.llm_api_key')", 'current_setting' ],
	[ 'SHOW ALL', 'SHOW ALL' ],
	[ "SELECT string_agg(concat_ws(',', name, setting, reset_val, boot_val), ';') FROM pg_settings", 'pg_settings (setting, reset_val, boot_val)' ],
	[ 'SELECT string_agg(row_to_json(s)::text, \';\') FROM pg_show_all_settings() s', 'pg_show_all_settings()' ],
	[ 'SELECT * FROM pg_file_settings', 'pg_file_settings' ],
	[ "SELECT string_agg(row_to_json(a)::text, ';') FROM pg_stat_activity a", 'pg_stat_activity' ],
	[ 'SELECT string_agg(row_to_json(j)::text, \';\') FROM finx.jobs j', 'finx.jobs' ],
	[ 'SELECT string_agg(row_to_json(r)::text, \';\') FROM finx.requests r', 'finx.requests' ],
	[ 'SELECT finx_provider_stats()::text', 'finx_provider_stats()' ],
	[ "SELECT pg_read_file('postgresql.conf')", 'pg_read_file' ])
{
	my ($sql, $what) = @$q;
	($ret, $out, $err) = as_role('spy', $sql);
	unlike($out . $err, $leak, "no key in $what (as a role with pg_read_all_settings and pg_read_all_stats)");
}
($ret, $out, $err) = as_role('spy', 'SHOW finextract.llm_api_key');
is($out, '********', 'SHOW gives a mask to a non-superuser');
is($node->safe_psql('postgres', 'SHOW finextract.llm_api_key'), $secret, 'a superuser sees the key');
unlike($node->safe_psql('postgres', "SELECT string_agg(row_to_json(r)::text, ';') FROM finx.requests r"),
	$leak, 'no key anywhere in the trace');
# The key file: the worker reads the key itself, so a reload that changes
# it logs only the file's path.
my $secret2 = 'sk-live-FILEKEY-0b1c2d3e4f5a6b7c';
my $keyfile = $node->basedir . '/llm.key';
PostgreSQL::Test::Utils::append_to_file($keyfile, "$secret2\n");
chmod 0600, $keyfile;
$node->safe_psql('postgres',
	"ALTER SYSTEM SET finextract.llm_api_key_file = '$keyfile'; SELECT pg_reload_conf()");
$node->restart;
$node->safe_psql('postgres', "ALTER SYSTEM SET finextract.llm_api_key = ''");
$node->restart;
my $fjob = $node->safe_psql('postgres',
	"SELECT finx_submit('" . fixture_variant('two_page.pdf', 'filekey')
	  . "', '{\"structurer\": \"llm\", \"max_attempts\": 1}')");
is($node->safe_psql('postgres', "SELECT finx_wait($fjob, '2 min')"), 'failed', 'a job with the file\'s (refused) key fails');
like($node->safe_psql('postgres', "SELECT last_error FROM finx.jobs WHERE id = $fjob"), qr/401/,
	'the key from the file was sent (the mock refused it with 401)');
$leak = qr/\Q$secret\E|\Q$secret_part\E|SECRET-7f3a|wk-test|FILEKEY-0b1c/;
unlike(slurp_file($node->logfile), $leak, 'no key in the server log');

# 6. Plain http only to loopback: refused before any connection.
# 10.255.255.1 is never contacted: the URL check fails first.
mock_reset($mock);
$node->safe_psql('postgres',
	"ALTER SYSTEM SET finextract.llm_url = 'http://10.255.255.1/v1'; "
	  . "ALTER SYSTEM SET finextract.llmwhisperer_url = 'http://10.255.255.1/api/v2'; SELECT pg_reload_conf()");
$node->poll_query_until('postgres', "SELECT current_setting('finextract.llm_url') = 'http://10.255.255.1/v1'")
  or die 'llm_url not set';
my $h1 = $node->safe_psql('postgres',
	"SELECT finx_submit('" . fixture_variant('two_page.pdf', 'plain-llm')
	  . "', '{\"text_extractor\": \"local\", \"structurer\": \"llm\", \"max_attempts\": 1}')");
my $h2 = $node->safe_psql('postgres',
	"SELECT finx_submit('" . fixture_variant('two_page.pdf', 'plain-whisper')
	  . "', '{\"text_extractor\": \"llmwhisperer\", \"structurer\": \"local\", \"max_attempts\": 1}')");
for my $h ($h1, $h2)
{
	is($node->safe_psql('postgres', "SELECT finx_wait($h, '1 min')"), 'failed', "plain http job $h fails");
	like($node->safe_psql('postgres', "SELECT last_error FROM finx.jobs WHERE id = $h"),
		qr/plain http to "10\.255\.255\.1" is not allowed/, '... with the plain http message');
}
is($node->safe_psql('postgres', "SELECT count(*) FROM finx.requests WHERE job_id IN ($h1, $h2) AND started_at IS NOT NULL AND http_status IS NOT NULL"),
	'0', 'no request got an answer');
# other schemes are refused the same way
$node->safe_psql('postgres',
	"ALTER SYSTEM SET finextract.llm_url = 'file:///etc/passwd'; SELECT pg_reload_conf()");
$node->poll_query_until('postgres', "SELECT current_setting('finextract.llm_url') = 'file:///etc/passwd'")
  or die 'llm_url not set';
my $h3 = $node->safe_psql('postgres',
	"SELECT finx_submit('" . fixture_variant('two_page.pdf', 'file-scheme')
	  . "', '{\"text_extractor\": \"local\", \"structurer\": \"llm\", \"max_attempts\": 1}')");
is($node->safe_psql('postgres', "SELECT finx_wait($h3, '1 min')"), 'failed', 'a file: URL fails the job');
like($node->safe_psql('postgres', "SELECT last_error FROM finx.jobs WHERE id = $h3"),
	qr/finextract.llm_url: (URL scheme "file" is not allowed|"file:[^"]*" is not a valid URL)/,
	'... refused by the URL check');
$node->safe_psql('postgres',
	'ALTER SYSTEM RESET finextract.llm_url; ALTER SYSTEM RESET finextract.llmwhisperer_url; SELECT pg_reload_conf()');

# 7. No SQL text built from strings: every SPI call in the SQL-facing
#    sources takes a constant statement with parameters.
for my $file (qw(src/api.c src/store.c src/store_result.c src/store_text.c src/spi_exec.c
	src/submit_dir.c src/visibility.c))
{
	my $src = slurp_file(repo_dir() . "/$file");
	my @built = ($src =~ /((?:psprintf|appendStringInfo\w*)\s*\([^;]*?"\s*(?:SELECT|INSERT|UPDATE|DELETE|WITH|CALL)\b[^;]*;)/gi);
	is(scalar(@built), 0, "$file builds no SQL text with psprintf/appendStringInfo")
	  or diag(join("\n", @built));
	my @unparam = ($src =~ /\b(SPI_exec|SPI_execute|SPI_prepare|SPI_execute_with_args|SPI_cursor_open_with_args|fx_spi_exec|fx_spi_exec_count|fx_spi_read)\s*\(\s*([^",\s][^,]*),/g);
	my @nonconst;
	while (@unparam)
	{
		my ($fn, $arg) = splice(@unparam, 0, 2);
		# a variable is fine only when it holds one of the file's constant
		# statements (spi_exec.c's definitions take them as "const char *sql")
		push @nonconst, "$fn($arg"
		  unless $arg =~ /^(sql|sql\[which\]|item_insert_sql|const char \*sql)$/;
	}
	is(scalar(@nonconst), 0, "$file passes only constant statements to SPI") or diag(join("\n", @nonconst));
	unlike($src, qr/\bSPI_exec\s*\(|\bSPI_execute\s*\(/, "$file never calls SPI without parameters");
}
# ... and every statement of the C code runs through the one SPI layer
# (spi_exec.c: saved plans, one error path): no other file executes,
# prepares or opens a cursor with SPI itself.
my @direct;
for my $file (glob(repo_dir() . '/src/*.c'))
{
	next if $file =~ m{/spi_exec\.c$};
	my $src = slurp_file($file);
	push @direct, map { ($file =~ m{([^/]+)$})[0] . ": $_" }
	  ($src =~ /\b(SPI_exec\w*|SPI_prepare\w*|SPI_cursor_open\w*|SPI_keepplan|SPI_saveplan)\s*\(/g);
}
is(scalar(@direct), 0, 'only spi_exec.c executes or prepares SQL with SPI') or diag(join("\n", @direct));

# 8. Owner isolation, on by default (finx_enable_rls() is never called to
#    turn it on): a finx_user member sees only the rows of its own jobs
#    and of the results they reuse; superusers see everything.
is( $node->safe_psql('postgres', q{
	SELECT string_agg(c.relname || '=' || CASE c.relkind WHEN 'r' THEN c.relrowsecurity::text
			ELSE coalesce(array_to_string(c.reloptions, ','), '') END, ' ' ORDER BY c.relname)
	  FROM pg_class c
	 WHERE c.relnamespace = 'finx'::regnamespace AND c.relkind IN ('r', 'v')
	   AND has_any_column_privilege('finx_user', c.oid, 'SELECT')}),
	'company_facts=security_invoker=true company_overrides=true concept_rules=true concepts=true corrections=true '
	  . 'documents=true fact_conflicts=security_invoker=true '
	  . 'facts=security_invoker=t jobs=true line_items=true progress=security_invoker=t '
	  . 'provider_stats= requests=true statement_periods=true statements=true',
	'every table finx_user reads has row-level security on, every view but provider_stats (lanes, no jobs) checks it as the reader');
for my $t (qw(document_content page_texts inbox_files whisper_extractions))
{
	($ret, $out, $err) = as_role('mallory', "SELECT count(*) FROM finx.$t");
	like($err, qr/42501: permission denied for table $t/, "finx_user may not read finx.$t");
}

my $opts = '{"text_extractor": "local", "structurer": "local"}';
my $a_pdf = fixture_variant('two_page.pdf', 'alice');
my $b_pdf = fixture_variant('quarterly.pdf', 'bob');
my $s_pdf = fixture_variant('ifrs_eu.pdf', 'shared');
my %job;
# Run SQL as a role; returns its output.
sub out_as
{
	my (undef, $o, $e) = as_role(@_);
	return $o;
}
# Submit bytes as a role and wait; returns the job id.
sub submit_as
{
	my ($role, $file, $name) = @_;
	my ($r, $o, $e) = as_role($role, "SELECT finx_submit_bytes(" . bytea_lit($file) . ", '$name', '$opts')");
	like($o, qr/^\d+$/, "$role submits $name") or diag($e);
	($r, my $state, $e) = as_role($role, "SELECT finx_wait($o, '2 min')");
	is($state, 'succeeded', "$role\'s job on $name succeeds");
	return $o;
}
# Make the stored content of a document unusable and drop its text cache:
# a job on it can then only succeed by reusing an earlier result.
sub spoil_document
{
	my ($file) = @_;
	my $sha = Digest::SHA::sha256_hex(slurp_file($file));
	$node->safe_psql('postgres', qq{
		DELETE FROM finx.page_texts WHERE document_id = (SELECT id FROM finx.documents WHERE sha256 = '$sha');
		UPDATE finx.document_content SET content = '\\x00'
		 WHERE document_id = (SELECT id FROM finx.documents WHERE sha256 = '$sha')});
}
$job{a} = submit_as('alice', $a_pdf, 'alice-secret-a.pdf');
$job{b} = submit_as('bob', $b_pdf, 'b.pdf');
$job{as} = submit_as('alice', $s_pdf, 'alice-secret-s.pdf');
spoil_document($s_pdf);
$job{bs} = submit_as('bob', $s_pdf, 'bob-s.pdf');
my $fact_cols = "statement_type, label, period_label, period_end, value";
is($node->safe_psql('postgres', "SELECT reused_from IS NULL FROM finx.jobs WHERE id = $job{bs}"), 't',
	'bob\'s job on the shared document (reused: its content is unusable) does not name alice\'s job');
is( $node->safe_psql('postgres', "SELECT string_agg(concat_ws(' ', $fact_cols), ';' ORDER BY $fact_cols) FROM finx.facts WHERE job_id = $job{bs}"),
	$node->safe_psql('postgres', "SELECT string_agg(concat_ws(' ', $fact_cols), ';' ORDER BY $fact_cols) FROM finx.facts WHERE job_id = $job{as}"),
	'... and has facts equal to alice\'s');
is($node->safe_psql('postgres', "SELECT count(*) FROM finx.statements WHERE job_id = $job{bs}"),
	$node->safe_psql('postgres', "SELECT count(*) FROM finx.statements WHERE job_id = $job{as}"),
	'... in statements of its own');
# a reuse within one role still points at the earlier job
$job{aa} = submit_as('alice', $a_pdf, 'alice-again.pdf');
is($node->safe_psql('postgres', "SELECT reused_from FROM finx.jobs WHERE id = $job{aa}"), $job{a},
	'a job reusing the same role\'s result names it in reused_from');

my %own = (alice => [ @job{qw(a as aa)} ], bob => [ @job{qw(b bs)} ], mallory => []);
my %q = (
	'finx.jobs' => "SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '') FROM finx.jobs",
	'finx.documents' => "SELECT count(*) FROM finx.documents",
	'finx.statements' => "SELECT count(*) FROM finx.statements",
	'finx.line_items' => "SELECT count(*) FROM finx.line_items",
	'finx.statement_periods' => "SELECT count(*) FROM finx.statement_periods",
	'finx.facts' => "SELECT count(*) FROM finx.facts",
	'finx.facts jobs' => "SELECT coalesce(string_agg(DISTINCT job_id::text, ','), '') FROM finx.facts",
	'finx.progress' => "SELECT count(*) FROM finx.progress",
	'finx.requests' => "SELECT count(*) FROM finx.requests");
# What a role should see, computed as superuser.
sub wanted
{
	my ($role) = @_;
	my $mine = join(',', @{ $own{$role} }) || '0';
	my $stmts = "SELECT DISTINCT s.id FROM finx.statements s JOIN finx.jobs j ON s.job_id = coalesce(j.reused_from, j.id) WHERE j.id IN ($mine)";
	my %w = (
		'finx.jobs' => join(',', @{ $own{$role} }),
		'finx.documents' => "SELECT count(DISTINCT document_id) FROM finx.jobs WHERE id IN ($mine)",
		'finx.statements' => "SELECT count(*) FROM ($stmts) s",
		'finx.line_items' => "SELECT count(*) FROM finx.line_items WHERE statement_id IN ($stmts)",
		'finx.statement_periods' => "SELECT count(*) FROM finx.statement_periods WHERE statement_id IN ($stmts)",
		'finx.facts' => "SELECT count(*) FROM finx.facts WHERE job_id IN ($mine)",
		'finx.facts jobs' => "SELECT coalesce(string_agg(DISTINCT job_id::text, ','), '') FROM finx.facts WHERE job_id IN ($mine)",
		'finx.progress' => "SELECT count(*) FROM finx.progress WHERE job_id IN ($mine)",
		'finx.requests' => "SELECT count(*) FROM finx.requests WHERE job_id IN ($mine)");
	$w{$_} = $node->safe_psql('postgres', $w{$_}) for grep { $_ ne 'finx.jobs' } keys %w;
	return %w;
}
for my $role (qw(alice bob mallory))
{
	my %want = wanted($role);
	for my $t (sort keys %q)
	{
		($ret, $out, $err) = as_role($role, $q{$t});
		is($out, $want{$t}, "by default, $role sees only its own rows in $t");
	}
}

# Mallory submits alice's PDF: a reused result (the content is unusable,
# so nothing is extracted again) with her own facts and nothing of alice's.
spoil_document($a_pdf);
$job{m} = submit_as('mallory', $a_pdf, 'mallory.pdf');
is( out_as('mallory', "SELECT string_agg(concat_ws(' ', $fact_cols), ';' ORDER BY $fact_cols) FROM finx.facts WHERE job_id = $job{m}"),
	$node->safe_psql('postgres', "SELECT string_agg(concat_ws(' ', $fact_cols), ';' ORDER BY $fact_cols) FROM finx.facts WHERE job_id = $job{a}"),
	'mallory\'s reused job shows her the facts of alice\'s document');
($ret, $out, $err) = as_role('mallory', "SELECT finx_document_json((SELECT document_id FROM finx.jobs WHERE id = $job{m}))");
my $json = $out;
my $m = $job{m};
like($json, qr/"job": \{[^{}]*"id": $m[,}]/, 'finx_document_json shows her job');
like($json, qr/"provenance": \{[^{}]*"job_id": $m[,}]/, '... as the job the results are of');
like($json, qr/"reused_from": null/, '... reused from no job she cannot see');
my %alice = map { $_ => 1 } @job{qw(a as aa)};
my $ids = out_as('mallory', "SELECT string_agg(concat_ws(',', id, reused_from), ',') FROM finx.jobs")
  . ',' . out_as('mallory', "SELECT coalesce(string_agg(DISTINCT job_id::text, ','), '') FROM finx.statements")
  . ',' . out_as('mallory', "SELECT coalesce(string_agg(DISTINCT job_id::text, ','), '') FROM finx.facts");
is(join(',', grep { $alice{$_} } split /,/, $ids), '', 'no id of alice\'s jobs in her finx.jobs, finx.statements, finx.facts');
my $blob = out_as('mallory', q{SELECT concat_ws(E'\n',
	(SELECT string_agg(row_to_json(j)::text, E'\n') FROM finx.jobs j),
	(SELECT string_agg(row_to_json(s)::text, E'\n') FROM finx.statements s),
	(SELECT string_agg(row_to_json(p)::text, E'\n') FROM finx.statement_periods p),
	(SELECT string_agg(row_to_json(l)::text, E'\n') FROM finx.line_items l),
	(SELECT string_agg(row_to_json(f)::text, E'\n') FROM finx.facts f),
	(SELECT string_agg(row_to_json(r)::text, E'\n') FROM finx.requests r),
	(SELECT string_agg(row_to_json(p)::text, E'\n') FROM finx.progress p))})
  . "\n" . $json;
unlike($blob, qr/alice-secret|alice-again/, 'no file name of alice\'s in anything mallory reads');
my @times = split /\n/, $node->safe_psql('postgres',
	"SELECT to_char(t, 'SS.US') FROM finx.jobs, LATERAL (VALUES (created_at), (started_at), (finished_at)) v(t) "
	  . "WHERE id IN ($job{a}, $job{as}, $job{aa}) AND t IS NOT NULL");
my @seen = grep { index($blob, $_) >= 0 } @times;
is("@seen", '', 'no timestamp of alice\'s jobs in anything mallory reads');
like($json, qr/"file_name": "mallory\.pdf"/, 'finx_document_json names the document as she submitted it');
# A document is one row per content: its file_name and created_at are its
# first submitter's, so members read only the content's columns.
($ret, $out, $err) = as_role('mallory', "SELECT file_name FROM finx.documents");
like($err, qr/permission denied/, 'finx.documents.file_name is not readable by a member');
($ret, $out, $err) = as_role('mallory', "SELECT created_at FROM finx.documents");
like($err, qr/permission denied/, 'nor its created_at');
($ret, $out, $err) = as_role('mallory', "SELECT count(*) FROM finx.documents WHERE sha256 IS NOT NULL AND pages > 0");
is($ret, 0, 'the content\'s columns are') or diag($err);
($ret, $out, $err) = as_role('mallory',
	"SELECT file_name FROM finx_fact_source((SELECT document_id FROM finx.jobs WHERE id = $job{m}), 1, 1)");
is($out, 'mallory.pdf', 'finx_fact_source names it as she submitted it') or diag($err);

# A job of alice's that runs (held at pdftotext by a gate file): its live
# counters and progress are hers; to mallory, it does not exist.
my $gate = "$root/gate";
my $gated = "$root/gated-pdftotext";
PostgreSQL::Test::Utils::append_to_file($gated,
	"#!/bin/sh\nwhile [ ! -e '$gate' ]; do sleep 0.1; done\nexec pdftotext \"\$@\"\n");
chmod 0755, $gated;
$node->safe_psql('postgres', "ALTER SYSTEM SET finextract.pdftotext_path = '$gated'; SELECT pg_reload_conf()");
$node->poll_query_until('postgres', "SELECT current_setting('finextract.pdftotext_path') = '$gated'")
  or die 'pdftotext_path not set';
($ret, $out, $err) = as_role('alice',
	"SELECT finx_submit_bytes(" . bytea_lit(fixture_variant('two_page.pdf', 'alice-live')) . ", 'alice-live.pdf', '$opts')");
$job{live} = $out;
$node->poll_query_until('postgres', "SELECT count(*) = 1 FROM finx_job_live() WHERE job_id = $job{live}")
  or die 'the job was not seen running';
is(out_as('alice', "SELECT count(*) FROM finx_job_live() WHERE job_id = $job{live}"), '1',
	'alice sees her running job in finx_job_live()');
is(out_as('alice', "SELECT count(*) FROM finx.progress WHERE job_id = $job{live} AND state = 'running'"), '1',
	'... and in finx.progress');
is(out_as('mallory', "SELECT count(*) FROM finx_job_live()"), '0', 'mallory sees no live counters of alice\'s');
is(out_as('mallory', "SELECT count(*) FROM finx.progress"), '0', '... nor her progress');
is(out_as('bob', "SELECT count(*) FROM finx_job_live()"), '0', '... nor does bob');
# One backend, one saved plan of the visibility query, two roles in turn:
# each sees what its own SELECT returns (the plan is made again per role).
is($node->safe_psql('postgres', qq{
	SET ROLE alice; SELECT count(*) FROM finx_job_live() WHERE job_id = $job{live};
	SET ROLE mallory; SELECT count(*) FROM finx_job_live() WHERE job_id = $job{live};
	RESET ROLE; SET ROLE alice; SELECT count(*) FROM finx_job_live() WHERE job_id = $job{live}}),
	"1\n0\n1", 'in one session, alice, then mallory, then alice again see the running job as their own SELECT does');

# finx_wait, finx_cancel and finx_retry on alice's jobs answer mallory as
# for a job that does not exist (the id aside, the very same error).
my $missing = 999999;
for my $call ([ 'finx_wait', "'1 s'" ], [ 'finx_cancel', undef ], [ 'finx_retry', undef ])
{
	my ($fn, $arg) = @$call;
	my $args = sub { join(', ', $_[0], defined $arg ? $arg : ()) };
	my (undef, undef, $want) = as_role('mallory', "SELECT $fn(" . $args->($missing) . ")");
	$want =~ s/\b$missing\b/N/g;
	like($want, qr/ERROR:  42704: job N does not exist/, "$fn on a missing job: 42704");
	for my $k (qw(live a))
	{
		my (undef, undef, $got) = as_role('mallory', "SELECT $fn(" . $args->($job{$k}) . ")");
		$got =~ s/\b$job{$k}\b/N/g;
		is($got, $want, "$fn on alice's " . ($k eq 'live' ? 'running' : 'finished') . " job: the same error as on a missing one");
	}
}
is($node->safe_psql('postgres', "SELECT state FROM finx.jobs WHERE id = $job{live}"), 'running',
	'alice\'s running job was not cancelled');

# Single-tenant: finx_enable_rls(false) lets every finx_user member see
# every job again (acting on another role's job stays refused).
($ret, $out, $err) = as_role('alice', 'SELECT finx_enable_rls(false)');
like($err, qr/42501|permission denied/, 'a non-superuser may not turn isolation off');
$node->safe_psql('postgres', 'SELECT finx_enable_rls(false)');
is(out_as('mallory', "SELECT count(*) FROM finx.jobs"), $node->safe_psql('postgres', 'SELECT count(*) FROM finx.jobs'),
	'with isolation off, mallory sees every job');
is(out_as('mallory', "SELECT count(*) FROM finx.facts"), $node->safe_psql('postgres', 'SELECT count(*) FROM finx.facts'),
	'... every fact');
is(out_as('mallory', "SELECT count(*) FROM finx.documents"), $node->safe_psql('postgres', 'SELECT count(*) FROM finx.documents'),
	'... every document');
is(out_as('mallory', "SELECT count(*) FROM finx.documents WHERE file_name IS NOT NULL"),
	$node->safe_psql('postgres', 'SELECT count(*) FROM finx.documents'), '... with its file name');
is(out_as('mallory', "SELECT count(*) FROM finx_job_live() WHERE job_id = $job{live}"), '1',
	'... alice\'s live counters');
is(out_as('mallory', "SELECT count(*) FROM finx.progress WHERE job_id = $job{live}"), '1',
	'... and her progress');
($ret, $out, $err) = as_role('mallory', "SELECT finx_cancel($job{live})");
like($err, qr/42501: permission denied for job $job{live}/, '... but may not cancel her job');
$node->safe_psql('postgres', 'SELECT finx_enable_rls(true)');
is(out_as('mallory', "SELECT count(*) FROM finx_job_live()"), '0', 'with isolation on again, mallory sees no live counters');
PostgreSQL::Test::Utils::append_to_file($gate, '');
is(out_as('alice', "SELECT finx_wait($job{live}, '2 min')"), 'succeeded', 'alice\'s held job finishes');
$node->safe_psql('postgres', 'ALTER SYSTEM RESET finextract.pdftotext_path; SELECT pg_reload_conf()');
is($node->safe_psql('postgres', 'SELECT count(*) FROM finx.jobs') > 4 ? 'all' : 'few', 'all',
	'a superuser still sees every job');

$node->stop;
mock_stop($mock);
done_testing();

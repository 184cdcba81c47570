# finx.progress: the estimate of time left from recent jobs' seconds per
# page (or per byte), a live job seen queued/running and gone when done,
# and the live counters (statements found and done, requests in flight,
# pages read) of a job structured by the LLM while it runs.
use strict;
use warnings;

use FinxMock;
use FinxTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $bin = repo_dir() . '/test/bin';
my $mock = mock_start('--time-scale', '1', '--chat-seconds', '1', '--chat-capacity', '1');
my $node = finx_node('progress', conf => mock_conf_lines($mock)
	  . "finextract.structurer = 'local'\n");
my $dir = fixtures_dir();

# History: one finished job on 10 pages (1000 bytes) that took 20 s, i.e.
# 2 s per page and 0.02 s per byte.  Queued jobs that are not due: one on a
# 5-page document, one on a document whose page count is not known yet.
$node->safe_psql('postgres', q{
	INSERT INTO finx.documents (file_name, sha256, pages, bytes) VALUES
		('done.pdf', repeat('a', 64), 10, 1000),
		('five.pdf', repeat('b', 64), 5, 50),
		('new.pdf', repeat('c', 64), NULL, 300);
	INSERT INTO finx.jobs (document_id, file_name, state, stage, started_at, finished_at, submitted_by)
	SELECT id, file_name, 'succeeded', 'done', now() - interval '20 s', now(), 10
	  FROM finx.documents WHERE file_name = 'done.pdf';
	INSERT INTO finx.jobs (document_id, file_name, run_after, submitted_by)
	SELECT id, file_name, 'infinity', 10 FROM finx.documents WHERE file_name <> 'done.pdf';
});
is( $node->safe_psql('postgres',
		"SELECT string_agg(file_name || ' ' || estimated_left, ', ' ORDER BY file_name) FROM finx.progress"),
	'five.pdf 00:00:10, new.pdf 00:00:06',
	'estimate: pages times seconds per page, else bytes times seconds per byte');
is($node->safe_psql('postgres', "SELECT count(*) FROM finx.progress WHERE file_name = 'done.pdf'"),
	'0', 'finished jobs are not in progress');

# A running job: it may not be below zero, whatever it has run for.
$node->safe_psql('postgres', q{
	UPDATE finx.jobs SET state = 'running', stage = 'structure', attempt = 1,
		   started_at = now() - interval '1 min', run_after = now()
	 WHERE file_name = 'five.pdf'});
is( $node->safe_psql('postgres',
		"SELECT stage || ' ' || estimated_left || ' ' || (running_for >= '1 min') FROM finx.progress WHERE file_name = 'five.pdf'"),
	'structure 00:00:00 true', 'a running job past its estimate has 0 left');
$node->safe_psql('postgres', 'DELETE FROM finx.jobs; DELETE FROM finx.documents;');

# A live job, slowed down: seen running in stage text, gone when done.
$node->safe_psql('postgres',
	"ALTER SYSTEM SET finextract.pdftotext_path = '$bin/slow-pdftotext'; SELECT pg_reload_conf();");
my $job = $node->safe_psql('postgres', "SELECT finx_submit('$dir/us_10k.pdf')");
$node->poll_query_until('postgres',
	"SELECT state = 'running' AND stage = 'text' AND pages_read IS NOT NULL FROM finx.progress WHERE job_id = $job")
  or die 'job not seen running';
pass('a running job shows its stage');
is( $node->safe_psql('postgres',
		"SELECT statements_found || ' ' || requests_in_flight || ' ' || (running_for >= '0') "
		  . "|| ' ' || (estimated_left IS NULL) FROM finx.progress WHERE job_id = $job"),
	'0 0 true true', 'nothing found yet, no requests, no estimate without history');
is($node->safe_psql('postgres', "SELECT pages_read FROM finx.progress WHERE job_id = $job"),
	'0', 'no page read while pdftotext runs');
is($node->safe_psql('postgres', "SELECT finx_wait($job, '3 min')"), 'succeeded', 'job succeeded');
is($node->safe_psql('postgres', "SELECT count(*) FROM finx.progress"), '0', 'and left the view');

# Live counters: three statements structured one after the other by a
# mock LLM that takes one call at a time, 1 s each.
$node->safe_psql('postgres',
	"ALTER SYSTEM RESET finextract.pdftotext_path; SELECT pg_reload_conf();");
$job = $node->safe_psql('postgres',
	"SELECT finx_submit('$dir/us_10k.pdf', '{\"structurer\": \"llm\"}')");
$node->poll_query_until('postgres',
	"SELECT statements_found = 3 AND statements_done < 3 AND requests_in_flight > 0 "
	  . "AND pages_read = pages AND stage = 'structure' FROM finx.progress WHERE job_id = $job")
  or die 'live counters not seen: '
  . $node->safe_psql('postgres', "SELECT * FROM finx.progress");
pass('while the LLM structures: 3 statements found, requests in flight, every page read');
$node->poll_query_until('postgres',
	"SELECT statements_done BETWEEN 1 AND 2 AND requests_in_flight = 3 - statements_done "
	  . "FROM finx.progress WHERE job_id = $job")
  or die 'statements_done not seen rising';
pass('statements done rise while the job runs; requests in flight fall with them');
is($node->safe_psql('postgres', "SELECT finx_wait($job, '1 min')"), 'succeeded', 'LLM job succeeded');
is($node->safe_psql('postgres', "SELECT count(*) FROM finx.statements WHERE job_id = $job"),
	'3', 'and stored the three statements it showed');
ok( $node->poll_query_until('postgres',
		"SELECT count(*) = 0 FROM finx_job_live() WHERE job_id = $job"),
	'the worker stops publishing a finished job');

# COPY-friendly.
my $csv = $node->safe_psql('postgres', 'COPY (SELECT * FROM finx.progress) TO STDOUT WITH (FORMAT csv, HEADER)');
like($csv, qr/^job_id,document_id,file_name,state,stage/, 'COPY of the view has a header');

$node->stop;
mock_stop($mock);
done_testing();

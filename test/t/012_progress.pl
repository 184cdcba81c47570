# finx.progress: the estimate of time left from recent jobs' seconds per
# page (or per byte), and a live job seen queued/running and gone when done.
use strict;
use warnings;

use FinxTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $bin = repo_dir() . '/test/bin';
my $node = finx_node('progress');
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
	"SELECT state = 'running' AND stage = 'text' FROM finx.progress WHERE job_id = $job")
  or die 'job not seen running';
pass('a running job shows its stage');
is( $node->safe_psql('postgres',
		"SELECT statements_found || ' ' || requests_in_flight || ' ' || (running_for >= '0') "
		  . "|| ' ' || (estimated_left IS NULL) FROM finx.progress WHERE job_id = $job"),
	'0 0 true true', 'nothing found yet, no requests, no estimate without history');
is($node->safe_psql('postgres', "SELECT finx_wait($job, '3 min')"), 'succeeded', 'job succeeded');
is($node->safe_psql('postgres', "SELECT count(*) FROM finx.progress"), '0', 'and left the view');

# COPY-friendly.
my $csv = $node->safe_psql('postgres', 'COPY (SELECT * FROM finx.progress) TO STDOUT WITH (FORMAT csv, HEADER)');
like($csv, qr/^job_id,document_id,file_name,state,stage/, 'COPY of the view has a header');

$node->stop;
done_testing();

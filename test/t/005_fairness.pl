# Fairness: a 200-page document does not starve a 3-page one submitted
# after it, neither for the local child slots (pdftotext reads long
# documents in chunks, admitted per job in turn) nor in the remote lanes
# (queued calls are started jobs in turn), nor when both are scans whose
# low_cost locating pass goes to LLMWhisperer in chunks.  Completion order
# and times come from finx.jobs.
use strict;
use warnings;

use FinxMock;
use FinxTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $mock = mock_start('--time-scale', '0.05');

# A pdftotext that finds no text layer while $tools/no-text exists (scans).
my $tools = PostgreSQL::Test::Utils::tempdir('tools');
wrap_tool($tools, 'pdftotext', no_text_layer("$tools/no-text"));

my $node = finx_node('fairness', conf => mock_conf_lines($mock)
	  . "finextract.structurer = 'local'\n"
	  . "finextract.max_local_procs = 1\n"
	  . "finextract.llmwhisperer_poll_interval = '200ms'\n"
	  . "finextract.pdftotext_path = '$tools/pdftotext'\n");
my $dir = PostgreSQL::Test::Utils::tempdir('long');
system('python3', repo_dir() . '/test/fixtures/make_long.py', $dir, '200') == 0
  or BAIL_OUT('could not make the long fixtures');

sub q1 { return $node->safe_psql('postgres', $_[0]); }

# A copy of a fixture with other bytes (another document: nothing cached).
sub copy_of
{
	my ($name, $tag) = @_;
	my $out = "$dir/$tag-$name";
	PostgreSQL::Test::Utils::append_to_file($out,
		slurp_file("$dir/$name") . "% $tag\n");
	return $out;
}

# Seconds from submit to finish of a job.
sub latency
{
	my ($id) = @_;
	return q1("SELECT extract(epoch FROM finished_at - created_at) FROM finx.jobs WHERE id = $id");
}

# Check that the short job finished first, in less than a fraction of the
# long one's time.
sub short_first
{
	my ($what, $long, $short, $fraction) = @_;
	is(q1("SELECT string_agg(state, ',' ORDER BY id) FROM finx.jobs WHERE id IN ($long, $short)"),
		'succeeded,succeeded', "$what: both jobs succeeded")
	  or diag(q1("SELECT string_agg(id || ': ' || coalesce(last_error, ''), '; ') FROM finx.jobs"));
	is(q1("SELECT (SELECT finished_at FROM finx.jobs WHERE id = $short) < "
			  . "(SELECT finished_at FROM finx.jobs WHERE id = $long)"),
		't', "$what: the 3-page job submitted second finished first");
	my ($ll, $ls) = (latency($long), latency($short));
	diag(sprintf('%s: 200 pages %.3f s, 3 pages %.3f s (submit to finish)', $what, $ll, $ls));
	cmp_ok($ls, '<', $fraction * $ll,
		"$what: the 3-page job took less than $fraction x the 200-page job's time");
}

# 1. Local, one child slot: the long document is read in chunks, and the
#    short one's child runs between two of them.
my $long1 = q1("SELECT finx_submit('" . copy_of('long_report.pdf', 'local') . "')");
my $short1 = q1("SELECT finx_submit('" . copy_of('short_report.pdf', 'local') . "')");
q1("SELECT finx_wait($_, '2 min')") for ($long1, $short1);
short_first('local', $long1, $short1, 0.5);
is(q1("SELECT pages FROM finx.documents d JOIN finx.jobs j ON j.document_id = d.id WHERE j.id = $long1"),
	'200', 'local: every chunk of the long document was read');
is(q1("SELECT count(*) FROM finx.page_texts t JOIN finx.jobs j ON j.document_id = t.document_id "
		  . "WHERE j.id = $long1 AND t.engine = 'pdftotext-tsv'"),
	'200', 'local: the text of all 200 pages is cached');

# 2. Remote, one extraction and one LLM call at a time: the long job's
#    statement pages are already queued at LLMWhisperer when the short job
#    arrives; its calls take turns with the long job's instead of waiting
#    for all of them.
q1("ALTER SYSTEM SET finextract.max_local_procs = 2");
q1("ALTER SYSTEM SET finextract.llmwhisperer_max_concurrency = 1");
q1("ALTER SYSTEM SET finextract.llm_max_concurrency = 1");
q1("SELECT pg_reload_conf()");
$node->poll_query_until('postgres', "SELECT current_setting('finextract.llm_max_concurrency') = '1'");
# an extraction of 1 s: long enough that the short job, submitted once the
# long job's first extraction is out, reaches the lane while it runs
mock_config($mock, { whisper_page_seconds => 20, chat_seconds => 0.2 });
my $opts = '{"text_extractor": "llmwhisperer", "structurer": "llm"}';
my $long2 = q1("SELECT finx_submit('" . copy_of('long_report.pdf', 'remote') . "', '$opts')");
$node->poll_query_until('postgres',
	"SELECT count(*) > 0 FROM finx.whisper_extractions w JOIN finx.jobs j ON j.document_id = w.document_id "
	  . "WHERE j.id = $long2")
  or die 'the long job submitted no extraction';
my $short2 = q1("SELECT finx_submit('" . copy_of('short_report.pdf', 'remote') . "', '$opts')");
q1("SELECT finx_wait($_, '2 min')") for ($long2, $short2);
# (it waits for one extraction of the long job, then needs its own: about
# 2 of the long job's 4 extraction times (3 + the short one's) plus the long
# one's local reading; first in, first out it needs all 4)
short_first('remote', $long2, $short2, 0.85);
is(q1("SELECT count(*) FROM finx.requests WHERE job_id = $long2 AND endpoint = 'whisper'"),
	'3', 'remote: the long job sent its three statement pages only');
my $order = q1("SELECT string_agg(CASE job_id WHEN $long2 THEN 'L' ELSE 'S' END, '' ORDER BY started_at) "
	  . "FROM finx.requests WHERE job_id IN ($long2, $short2) AND endpoint = 'whisper'");
diag("remote: whisper submits in order $order");
like($order, qr/^LS/, 'remote: the short job\'s first extraction went right after the long job\'s first');

# 3. Scans, through LLMWhisperer one extraction at a time: the long scan's
#    low_cost pass goes out in extractions of text_chunk_pages (32) pages,
#    and the short scan's extractions take turns with them.
PostgreSQL::Test::Utils::append_to_file("$tools/no-text", '');
mock_reset($mock);
mock_config($mock, { whisper_page_seconds => 0.4, chat_seconds => 0.2 });
my $long3 = q1("SELECT finx_submit('" . copy_of('long_report.pdf', 'scan') . "', '$opts')");
$node->poll_query_until('postgres',
	"SELECT count(*) > 0 FROM finx.whisper_extractions w JOIN finx.jobs j ON j.document_id = w.document_id "
	  . "WHERE j.id = $long3")
  or die 'the long scan submitted no extraction';
my $short3 = q1("SELECT finx_submit('" . copy_of('short_report.pdf', 'scan') . "', '$opts')");
q1("SELECT finx_wait($_, '2 min')") for ($long3, $short3);
short_first('scan', $long3, $short3, 0.6);
is(q1("SELECT count(*) FROM finx.requests WHERE job_id = $long3 AND endpoint = 'whisper'"),
	'10', 'scan: 7 low_cost extractions of at most 32 pages, then the 3 statement pages');
$order = q1("SELECT string_agg(CASE job_id WHEN $long3 THEN 'L' ELSE 'S' END, '' ORDER BY started_at) "
	  . "FROM finx.requests WHERE job_id IN ($long3, $short3) AND endpoint = 'whisper'");
diag("scan: whisper submits in order $order");
like($order, qr/^LS/, 'scan: the short scan\'s first extraction went right after the long scan\'s first');
unlink "$tools/no-text";

$node->stop;
mock_stop($mock);
done_testing();

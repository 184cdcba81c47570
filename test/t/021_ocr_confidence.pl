# tesseract's word confidences: a scan with one deliberately speckled amount
# (make_scanned.py's scan_lowconf.pdf) has that amount flagged in the cache
# (finx.page_texts), its line item and finx.facts, named in the job's
# warnings, and the subtotal it breaks is attributed to OCR while a subtotal
# broken by a clean misprint is not.  A job that takes the text from the
# cache (no OCR child) still knows all of it, and a stricter
# finextract.ocr_min_confidence applies to cached pages without OCR.  Rows
# from a text layer carry no confidence.
use strict;
use warnings;

use FinxTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

for my $tool (qw(tesseract pdftoppm pdftotext))
{
	plan skip_all => "$tool is not installed (scripts/install-deps.sh installs it)"
	  if system("command -v $tool >/dev/null 2>&1") != 0;
}

my $scans = PostgreSQL::Test::Utils::tempdir('scans');
system('python3', repo_dir() . '/test/fixtures/make_scanned.py', $scans) == 0
  or BAIL_OUT('could not make the scanned fixtures');
my $lowconf = "$scans/scan_lowconf.pdf";

# pdftoppm wrapped to count OCR children (one call per page).
my $tools = PostgreSQL::Test::Utils::tempdir('ocrtools');
wrap_tool($tools, 'pdftoppm', <<"EOF");
echo "page \$4" >> '$tools/calls.log'
EOF

sub ocr_calls { return line_count("$tools/calls.log"); }

my $node = finx_node('ocrconf',
	conf => "finextract.pdftoppm_path = '$tools/pdftoppm'\n");

sub q1 { return $node->safe_psql('postgres', $_[0]); }

is(q1("SHOW finextract.ocr_min_confidence"), '60', 'finextract.ocr_min_confidence defaults to 60');

# What one job found: the line items' confidences, its warnings and the
# OCR verdicts of its failed checks.
sub item_conf
{
	my ($job, $label) = @_;
	return q1("SELECT li.ocr_confidence FROM finx.line_items li "
		  . "JOIN finx.statements s ON s.id = li.statement_id "
		  . "WHERE s.job_id = $job AND li.label = '$label'");
}

sub warnings_of
{
	my ($job) = @_;
	return q1("SELECT array_to_string(warnings, ' | ') FROM finx.jobs WHERE id = $job");
}

sub failed_checks
{
	my ($job) = @_;
	return q1("SELECT string_agg(format('%s/%s/%s', c->>'target', c->>'col', "
		  . "coalesce(c->>'ocr_suspect', 'absent')), ', ' ORDER BY c->>'target', c->>'col') "
		  . "FROM finx.statements s, jsonb_array_elements(s.checks) c "
		  . "WHERE s.job_id = $job AND NOT (c->>'passed')::boolean");
}

sub note_of
{
	my ($job, $target) = @_;
	return q1("SELECT c->>'ocr_note' FROM finx.statements s, jsonb_array_elements(s.checks) c "
		  . "WHERE s.job_id = $job AND c->>'target' = '$target' AND NOT (c->>'passed')::boolean");
}

# The verdicts every job on scan_lowconf.pdf must give at the default
# threshold, whether its text came from OCR or from the cache.
sub check_lowconf_job
{
	my ($job, $how) = @_;

	like(item_conf($job, 'Accounts payable'), qr/^\{([0-9]|[1-5][0-9]),(6[0-9]|[7-9][0-9]|100)\}$/,
		"$how: Accounts payable 2023 has a confidence below 60, 2022 above");
	is(q1("SELECT count(*) FROM finx.line_items li JOIN finx.statements s ON s.id = li.statement_id "
		  . "WHERE s.job_id = $job AND li.label <> 'Accounts payable' AND array_length(li.\"values\", 1) > 0 "
		  . "AND EXISTS (SELECT 1 FROM unnest(li.\"values\") WITH ORDINALITY v(x, k) "
		  . "WHERE x IS NOT NULL AND (li.ocr_confidence[k] IS NULL OR li.ocr_confidence[k] < 60))"),
		'0', "$how: every other value has a confidence of 60 or more");
	like(q1("SELECT ocr_confidence FROM finx.facts WHERE job_id = $job "
		  . "AND label = 'Accounts payable' AND period_end = '2023-12-31'"),
		qr/^[1-5]?[0-9]$/, "$how: finx.facts carries the low confidence of that value");
	like(q1("SELECT jsonb_path_query_first(finx_document_json(document_id), "
		  . q{'$.statements[*].line_items[*] ? (@.label == "Accounts payable").ocr_confidence'} . ") "
		  . "FROM finx.jobs WHERE id = $job"),
		qr/^\[([0-9]|[1-5][0-9]), (6[0-9]|[7-9][0-9]|100)\]$/,
		"$how: finx_document_json carries the confidences of that line item");
	my $w = warnings_of($job);
	like($w, qr/page 1: OCR read 1 number\(s\) with confidence below 60 %: "[^"]*" on line 17 \(\d+ %\)/,
		"$how: a warning names the page, the number as read and its line");
	like($w, qr/1 failed arithmetic check\(s\) involve numbers OCR read with low confidence/,
		"$how: a warning counts the checks OCR may have broken");
	unlike($w, qr/mean confidence/, "$how: the page's mean confidence is not low");
	is(failed_checks($job),
		'Total current assets/2/false, Total current liabilities/1/true',
		"$how: the broken subtotal of the speckled amount is attributed to OCR, the clean misprint is not");
	like(note_of($job, 'Total current liabilities'),
		qr/^OCR read Accounts payable = \d+ \(confidence ([0-9]|[1-5][0-9]) %\)$/,
		"$how: the check's note names the value and its confidence");
	is(note_of($job, 'Total current assets'), '', "$how: no note on the clean misprint");
}

# 1. OCR: the words' confidences are cached with the text.
my ($job1, $st1) = submit_wait($node, $lowconf);
is($st1, 'succeeded', 'the speckled scan succeeds')
  or diag(q1("SELECT last_error FROM finx.jobs WHERE id = $job1"));
is(ocr_calls(), 1, 'its page was OCRed');
my $line = q1("SELECT li.line_no FROM finx.line_items li JOIN finx.statements s ON s.id = li.statement_id "
	  . "WHERE s.job_id = $job1 AND li.label = 'Accounts payable'");
is($line, '17', 'Accounts payable is line 17 of the OCR text');
like(q1("SELECT ocr_confidence FROM finx.page_texts WHERE engine LIKE 'tesseract/%' AND page = 1"),
	qr/^(8[0-9]|9[0-9])(\.\d)?$/, 'the page\'s mean word confidence is cached (80-99)');
is(q1("SELECT count(*) FROM finx.page_texts t, jsonb_array_elements(t.ocr_words) w "
	  . "WHERE t.engine LIKE 'tesseract/%' AND (w->>'conf')::int < 60"),
	'1', 'one cached word holding a digit has a confidence below 60');
is(q1("SELECT w->>'line' FROM finx.page_texts t, jsonb_array_elements(t.ocr_words) w "
	  . "WHERE t.engine LIKE 'tesseract/%' AND (w->>'conf')::int < 60"),
	$line, 'it is placed on the line of Accounts payable');
like(q1("SELECT w->>'word' FROM finx.page_texts t, jsonb_array_elements(t.ocr_words) w "
	  . "WHERE t.engine LIKE 'tesseract/%' AND (w->>'conf')::int < 60"),
	qr/^17,8/, 'the word is the speckled amount as tesseract read it');
check_lowconf_job($job1, 'OCR');

# 2. The cache: other options, no OCR child, the same verdicts.
my ($job2, $st2) = submit_wait($node, $lowconf, '{"pages": "1-9"}');
is($st2, 'succeeded', 'the resubmission succeeds');
is(q1("SELECT reused_from IS NULL FROM finx.jobs WHERE id = $job2"), 't', 'it was processed, not reused');
is(ocr_calls(), 1, 'no OCR child ran for it');
check_lowconf_job($job2, 'cache');

# 3. A stricter threshold applies to the cached confidences: the page's
# mean now counts as low, and more values are flagged.
q1("ALTER SYSTEM SET finextract.ocr_min_confidence = 99");
$node->restart;
my ($job3, $st3) = submit_wait($node, $lowconf, '{"pages": "1"}');
is($st3, 'succeeded', 'a job with finextract.ocr_min_confidence = 99 succeeds');
is(ocr_calls(), 1, 'still no OCR child');
like(warnings_of($job3),
	qr/page 1: OCR mean confidence \d+ % \(below finextract\.ocr_min_confidence, 99 %\)/,
	'the page is named for its mean confidence');
like(warnings_of($job3), qr/page 1: OCR read \d+ number\(s\) with confidence below 99 %: .*, \.\.\./,
	'many numbers are named (the list is cut short)');
like(note_of($job3, 'Total current assets'), qr/^OCR read /,
	'the clean misprint\'s check is now suspect too');
q1("ALTER SYSTEM RESET finextract.ocr_min_confidence");
$node->restart;

# 4. A text layer: no confidences, no OCR verdicts.
my ($job4, $st4) = submit_wait($node, "$scans/fixtures/us_10k.pdf");
is($st4, 'succeeded', 'a digital document succeeds');
is(q1("SELECT count(*) FROM finx.line_items li JOIN finx.statements s ON s.id = li.statement_id "
	  . "WHERE s.job_id = $job4 AND li.ocr_confidence IS NOT NULL"),
	'0', 'its line items carry no OCR confidence');
is(q1("SELECT count(*) FROM finx.statements s, jsonb_array_elements(s.checks) c "
	  . "WHERE s.job_id = $job4 AND c ? 'ocr_suspect'"),
	'0', 'its checks carry no OCR verdict');

$node->stop;
done_testing();

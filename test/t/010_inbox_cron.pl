# An inbox polled by pg_cron: finx_submit_dir runs every minute from the real
# pg_cron, its jobs complete, unchanged files are not read again, a bad file
# is warned about once, a new file is picked up, and finx_prune scheduled
# from pg_cron empties the tables without making the inbox submit again.
use strict;
use warnings;

use File::Copy qw(copy);
use FinxCron;
use FinxTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = cron_node('inbox_cron');
my $dir = fixtures_dir();
my $inbox = PostgreSQL::Test::Utils::tempdir('inbox');
mkdir "$inbox/sub" or die;
copy("$dir/$_", "$inbox/$_") or die for qw(us_10k.pdf ifrs_eu.pdf);
copy("$dir/bad/not_a_pdf.pdf", "$inbox/not_a_pdf.pdf") or die;
copy("$dir/two_page.pdf", "$inbox/sub/two_page.pdf") or die;

# pg_cron 1.4 has no seconds schedules: every minute is its finest.
$node->safe_psql('postgres',
	"SELECT cron.schedule('inbox', '* * * * *', \$\$SELECT finx_submit_dir('$inbox')\$\$)");
wait_cron_runs($node, 'inbox', 1);
is( $node->safe_psql('postgres',
		"SELECT string_agg(file_name, ',' ORDER BY file_name) FROM finx.jobs"),
	'ifrs_eu.pdf,us_10k.pdf', 'the first run queued the two PDFs, not the subdirectory');
$node->poll_query_until('postgres',
	"SELECT count(*) = 2 FROM finx.jobs WHERE state = 'succeeded'")
  or die 'inbox jobs did not succeed';
pass('the inbox jobs succeeded');
is( $node->safe_psql('postgres',
		"SELECT sqlstate FROM finx.inbox_files WHERE name = 'not_a_pdf.pdf'"),
	'22P03', 'the bad file is remembered with its SQLSTATE');

# Next run: an unchanged file is not opened (it is unreadable now), the bad
# file is not warned about again, and a new file is queued.
chmod 0000, "$inbox/us_10k.pdf";
copy(fixture_variant('quarterly.pdf', 'inbox'), "$inbox/quarterly.pdf") or die;
my $runs = cron_runs($node, 'inbox');
wait_cron_runs($node, 'inbox', $runs + 1);
is( $node->safe_psql('postgres',
		"SELECT string_agg(file_name, ',' ORDER BY id) FROM finx.jobs"),
	'ifrs_eu.pdf,us_10k.pdf,quarterly.pdf', 'only the new file was queued')
  or diag($node->safe_psql('postgres', 'SELECT * FROM finx.inbox_files'));
is( $node->safe_psql('postgres',
		"SELECT coalesce(error, 'none') FROM finx.inbox_files WHERE name = 'us_10k.pdf'"),
	'none', 'the unchanged file was not read again');
my @warned = (slurp_file($node->logfile) =~ /WARNING:  skipping file "[^"]*not_a_pdf\.pdf"/g);
is(scalar @warned, 1, 'the bad file was warned about once');
$node->poll_query_until('postgres',
	"SELECT count(*) = 3 FROM finx.jobs WHERE state = 'succeeded'")
  or die 'the new job did not succeed';
pass('the new file\'s job succeeded');
chmod 0644, "$inbox/us_10k.pdf";

# Pruning from pg_cron: CALL with its COMMITs is the command's only statement.
$node->safe_psql('postgres',
	"SELECT cron.schedule('prune', '* * * * *', \$\$CALL finx_prune('0 seconds', 2)\$\$)");
wait_cron_runs($node, 'prune', 1);
is( $node->safe_psql('postgres',
		"SELECT (SELECT count(*) FROM finx.jobs) + (SELECT count(*) FROM finx.documents) "
		  . "+ (SELECT count(*) FROM finx.page_texts) + (SELECT count(*) FROM finx.statements)"),
	'0', 'pg_cron pruned every finished job, document and page text');
$runs = cron_runs($node, 'inbox');
wait_cron_runs($node, 'inbox', $runs + 1);
is($node->safe_psql('postgres', 'SELECT count(*) FROM finx.jobs'),
	'0', 'pruned files are not submitted again while they are unchanged');
is( $node->safe_psql('postgres',
		"SELECT count(*) FROM cron.job_run_details WHERE status <> 'succeeded'"),
	'0', 'every cron run succeeded');

$node->stop;
done_testing();

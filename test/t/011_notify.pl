# Completion events: one NOTIFY finx_job per job that reaches a terminal
# state, after commit, carrying only the job id and its state (any role may
# LISTEN, so nothing private: no file name, document, error or count);
# none for attempts that will be retried, none for a cancel that rolls
# back, and a new one each time a retried job ends again.
use strict;
use warnings;

use JSON::PP;

use FinxCron;
use FinxTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $bin = repo_dir() . '/test/bin';
my $node = finx_node('notify', conf => "finextract.max_local_procs = 2\n");
my $dir = fixtures_dir();
my $listener = listen_jobs($node);
my %seen;    # job id => list of payloads

# Collect what arrived; returns the payloads of this drain.
sub drain
{
	my @got = drain_notifications($listener);
	push @{ $seen{ $_->{job_id} } }, $_ for @got;
	return @got;
}

# Exactly one payload for a job, so far.
sub one_for
{
	my ($job, $what) = @_;
	my $n = scalar @{ $seen{$job} // [] };
	is($n, 1, "$what: one notification") or diag(explain($seen{$job}));
	return $seen{$job}[0] // {};
}

# The payload holds exactly job_id and state, and none of the job's
# private columns (file name, document, error) appears in its text.
sub only_id_and_state
{
	my ($p, $what) = @_;
	is(join(',', sort keys %$p), 'job_id,state', "$what: payload has only job_id and state");
	my ($file, $doc, $err) = split /\|/,
	  $node->safe_psql('postgres',
		"SELECT file_name, document_id, coalesce(last_error, '') FROM finx.jobs WHERE id = $p->{job_id}");
	my $raw = JSON::PP->new->canonical->encode($p);
	unlike($raw, qr/\Q$file\E/, "$what: no file name");
	unlike($raw, qr/document/, "$what: no document id");
	unlike($raw, qr/\Q$err\E/, "$what: no error text") if $err ne '';
	return;
}

# Success: the job and its state.
my ($ok, $st) = submit_wait($node, "$dir/us_10k.pdf");
is($st, 'succeeded', 'job succeeded');
drain();
my $p = one_for($ok, 'succeeded job');
is($p->{state}, 'succeeded', 'payload state');
is($p->{job_id}, $ok, 'payload job id');
only_id_and_state($p, 'succeeded job');

# The same document again: reused results, notified once too.
my ($again) = submit_wait($node, "$dir/us_10k.pdf");
drain();
$p = one_for($again, 'reused job');
is($p->{state}, 'succeeded', 'reused job: payload state');
only_id_and_state($p, 'reused job');
is($node->safe_psql('postgres', "SELECT reused_from FROM finx.jobs WHERE id = $again"),
	$ok, 'the listener finds the reused job in finx.jobs');

# Failure without retry: the error stays in finx.jobs.
my ($bad, $bad_state) =
  submit_wait($node, "$dir/bad/no_text.pdf", '{"max_attempts": 1}');
is($bad_state, 'failed', 'job without text fails');
drain();
$p = one_for($bad, 'failed job');
is($p->{state}, 'failed', 'payload state failed');
only_id_and_state($p, 'failed job');

# A retryable failure is notified once, when the last attempt fails.
$node->safe_psql('postgres',
	"ALTER SYSTEM SET finextract.pdftotext_path = '$bin/crash-pdftotext'; SELECT pg_reload_conf();");
my $crash = fixture_variant('ifrs_eu.pdf', 'notify-crash');
my ($twice, $twice_state) = submit_wait($node, $crash, '{"max_attempts": 2}');
is($twice_state, 'failed', 'crashing job fails');
is($node->safe_psql('postgres', "SELECT attempt FROM finx.jobs WHERE id = $twice"),
	'2', 'after two attempts');
drain();
$p = one_for($twice, 'job that failed twice');
is($p->{state}, 'failed', 'job that failed twice: payload state failed');

# Cancel: a rolled-back cancel sends nothing, a committed one sends one.
$node->safe_psql('postgres',
	"ALTER SYSTEM SET finextract.pdftotext_path = '$bin/slow-pdftotext'; SELECT pg_reload_conf();");
my $slow = $node->safe_psql('postgres', "SELECT finx_submit('$dir/quarterly.pdf')");
$node->poll_query_until('postgres', "SELECT state = 'running' FROM finx.jobs WHERE id = $slow")
  or die 'job never ran';
$node->safe_psql('postgres', "BEGIN; SELECT finx_cancel($slow); ROLLBACK;");
drain();
ok(!exists $seen{$slow}, 'a rolled-back cancel sends no notification');
is($node->safe_psql('postgres', "SELECT finx_cancel($slow)"), 't', 'cancel committed');
drain();
$p = one_for($slow, 'cancelled job');
is($p->{state}, 'cancelled', 'payload state cancelled');
only_id_and_state($p, 'cancelled job');

# finx_retry makes a job end again: one more notification.
$node->safe_psql('postgres',
	"ALTER SYSTEM RESET finextract.pdftotext_path; SELECT pg_reload_conf();");
$node->poll_query_until('postgres', "SELECT current_setting('finextract.pdftotext_path') = 'pdftotext'");
$node->safe_psql('postgres', "SELECT finx_retry($bad)");
is($node->safe_psql('postgres', "SELECT finx_wait($bad, '3 min')"), 'failed', 'retried job fails again');

# A last job, so that anything the worker might still send about the
# cancelled job has been sent before we count.
my ($last, $last_state) = submit_wait($node, "$dir/two_page.pdf");
is($last_state, 'succeeded', 'last job succeeded');
drain();
one_for($last, 'last job');
is(scalar @{ $seen{$bad} }, 2, 'the retried job was notified once per end');
is(scalar @{ $seen{$slow} }, 1, 'the worker sent nothing more for the cancelled job');
my $jobs = $node->safe_psql('postgres',
	"SELECT count(*) FROM finx.jobs WHERE state IN ('succeeded', 'failed', 'cancelled')");
is(scalar(keys %seen), $jobs, 'every terminal job was notified, and nothing else');

$listener->quit;
$node->stop;
done_testing();

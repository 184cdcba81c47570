# Fair share: one role's retried poison documents do not starve another
# role's jobs.  mallory submits 6 timeout bombs (a local extractor that
# hangs on them until finextract.local_timeout) asking for max_attempts 100,
# which finextract.max_attempts_limit lowers with a NOTICE; alice's
# document, submitted while they run and retry, still finishes within twice
# its idle time, measured first in the same test.  The worker claims
# round-robin across roles (the role running fewest goes first) and never
# gives one role every running slot.  Local child slots are shared the same
# way: with finextract.max_local_procs = 2, mallory's hanging pdftotext
# children take both slots, and alice's child still starts at once (the
# spare slot of a role that has none running) instead of waiting for a
# bomb's time limit.
use strict;
use warnings;

use FinxTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

# A pdftotext that hangs on the bombs (marked by their variant comment).
my $tools = PostgreSQL::Test::Utils::tempdir('tools');
my $bomb_bin = "$tools/bomb-pdftotext";
open(my $fh, '>', $bomb_bin) or die $!;
print $fh <<'EOS';
#!/bin/sh
# pdftotext stand-in: hangs on marked documents, else the real one.
for a in "$@"; do
	case "$a" in *.pdf) if grep -q 'variant bomb' "$a"; then exec sleep 3600; fi ;; esac
done
exec pdftotext "$@"
EOS
close($fh);
chmod 0755, $bomb_bin;

my $node = finx_node('fair_share', conf => "finextract.text_extractor = 'local'\n"
	  . "finextract.structurer = 'local'\n"
	  . "finextract.max_running_jobs = 4\n"
	  . "finextract.max_local_procs = 2\n"
	  . "finextract.local_timeout = '3s'\n"
	  . "finextract.pdftotext_path = '$bomb_bin'\n");
$node->safe_psql('postgres', q{
	CREATE ROLE alice LOGIN IN ROLE finx_user, pg_read_server_files;
	CREATE ROLE mallory LOGIN IN ROLE finx_user, pg_read_server_files;
});

sub q1 { return $node->safe_psql('postgres', $_[0]); }

# alice submits a fresh copy of a fixture and waits; returns (job, seconds
# from submit to end).
sub alice_job
{
	my ($tag) = @_;
	my $f = fixture_variant('two_page.pdf', "alice-$tag");
	my $id = $node->safe_psql('postgres', "SELECT finx_submit('$f')", extra_params => [ '-U', 'alice' ]);
	is($node->safe_psql('postgres', "SELECT finx_wait($id, '3 min')", extra_params => [ '-U', 'alice' ]),
		'succeeded', "alice's job ($tag) succeeded");
	return ($id, q1("SELECT extract(epoch FROM finished_at - created_at) FROM finx.jobs WHERE id = $id"));
}

# alice's idle time: the slowest of three runs on an idle worker.
my $idle = 0;
for my $i (1 .. 3)
{
	my (undef, $s) = alice_job("idle-$i");
	$idle = $s if $s > $idle;
}

# mallory's bombs, asking for 100 attempts each.
my ($out, $err) = ('', '');
$node->psql('postgres',
	join('', map { "SELECT finx_submit('" . fixture_variant('two_page.pdf', "bomb-$_") . "', '{\"max_attempts\": 100}');\n" } 1 .. 6),
	stdout => \$out, stderr => \$err, extra_params => [ '-U', 'mallory' ]);
my @bombs = split /\n/, $out;
is(scalar @bombs, 6, 'mallory submitted 6 bombs');
like($err, qr/NOTICE:  max_attempts 100 lowered to 10/, 'max_attempts above the limit is lowered, with a NOTICE');
my $bombs = join(',', @bombs);
is(q1("SELECT string_agg(DISTINCT max_attempts::text, ',') FROM finx.jobs WHERE id IN ($bombs)"), '10',
	'the bombs may run 10 attempts (finextract.max_attempts_limit)');

# Wait until the bombs hold what they may: all running slots but one.
$node->poll_query_until('postgres',
	"SELECT count(*) FILTER (WHERE state = 'running') >= 3 AND count(*) FILTER (WHERE state = 'queued') >= 2 "
	  . "FROM finx.jobs WHERE id IN ($bombs)")
  or die 'the bombs never ran';
is(q1("SELECT count(*) FROM finx.jobs WHERE id IN ($bombs) AND state = 'running'"), '3',
	'the bombs hold every running slot but one');

# alice's document, submitted while the bombs hang and retry.
my ($busy_id, $busy) = alice_job('busy');
cmp_ok($busy, '<=', 2 * $idle, sprintf("alice's document finished in %.2f s beside the bombs, idle %.2f s", $busy, $idle));
cmp_ok(q1("SELECT max(attempt) FROM finx.jobs WHERE id IN ($bombs)"), '>=', 1, 'the bombs were running');

# Several of alice's jobs while the bombs keep retrying: each is claimed at
# once (the bombs never hold the last slot).
my $batch = join(',', map { "finx_submit('" . fixture_variant('two_page.pdf', "alice-batch-$_") . "')" } 1 .. 3);
my $ids = $node->safe_psql('postgres', "SELECT $batch", extra_params => [ '-U', 'alice' ]);
my @ids = split /\|/, $ids;
$node->poll_query_until('postgres',
	"SELECT count(*) = 3 FROM finx.jobs WHERE id IN (" . join(',', @ids) . ") AND state = 'succeeded'")
  or die "alice's batch never finished";
cmp_ok(q1("SELECT max(extract(epoch FROM started_at - created_at)) FROM finx.jobs WHERE id IN (" . join(',', @ids) . ")"),
	'<', 2.5, "alice's batch was never left waiting for a bomb's time limit");
is(q1("SELECT count(*) FROM finx.jobs WHERE id IN ($bombs) AND state IN ('succeeded', 'failed')"), '0',
	'the bombs were still retrying meanwhile');
diag(sprintf('fair share: idle %.2f s, beside 6 bombs %.2f s, bomb attempts so far %s',
	$idle, $busy, q1("SELECT sum(attempt) FROM finx.jobs WHERE id IN ($bombs)")));

q1("SELECT finx_cancel(id) FROM finx.jobs WHERE id IN ($bombs)");
$node->stop;
done_testing();

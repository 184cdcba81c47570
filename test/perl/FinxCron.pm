# FinxCron: helpers of the TAP tests that run finextract beside pg_cron and
# listen to its finx_job notifications.
#
# cron_node starts a node with pg_cron and finextract preloaded (pg_cron in
# its default mode: it connects through libpq, here to the node's socket
# directory); cron_runs and wait_cron_runs follow cron.job_run_details;
# listen_jobs and drain_notifications keep a psql session that LISTENs on
# finx_job and collect the decoded JSON payloads it received.
package FinxCron;

use strict;
use warnings;

use Exporter 'import';
use JSON::PP;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;

our @EXPORT = qw(cron_node cron_runs wait_cron_runs listen_jobs drain_notifications);

# A started node with pg_cron and finextract preloaded and both created in "postgres".
sub cron_node
{
	my ($name, %opt) = @_;
	my $node = PostgreSQL::Test::Cluster->new($name);
	$node->init;
	$node->append_conf('postgresql.conf',
		"shared_preload_libraries = 'pg_cron,finextract'\n"
		  . "finextract.database = 'postgres'\n"
		  . "cron.database_name = 'postgres'\n"
		  . "cron.host = '" . $node->host . "'\n"
		  . "log_min_messages = log\n"
		  . ($opt{conf} // ''));
	$node->start;
	$node->safe_psql('postgres', 'CREATE EXTENSION finextract; CREATE EXTENSION pg_cron;');
	return $node;
}

# How many runs of the named cron job have ended with success.
sub cron_runs
{
	my ($node, $jobname) = @_;
	return $node->safe_psql('postgres',
		"SELECT count(*) FROM cron.job_run_details d JOIN cron.job j USING (jobid) "
		  . "WHERE j.jobname = '$jobname' AND d.status = 'succeeded'");
}

# Wait until the named cron job has succeeded at least $n times (pg_cron 1.4
# schedules by the minute, so one run may take up to a minute to come).
sub wait_cron_runs
{
	my ($node, $jobname, $n) = @_;
	$node->poll_query_until('postgres',
		"SELECT count(*) >= $n FROM cron.job_run_details d JOIN cron.job j USING (jobid) "
		  . "WHERE j.jobname = '$jobname' AND d.status = 'succeeded'")
	  or die "cron job $jobname did not succeed $n times: "
	  . $node->safe_psql('postgres',
		"SELECT string_agg(status || ' ' || coalesce(return_message, ''), '; ') FROM cron.job_run_details");
	return;
}

# A psql session listening on finx_job.
sub listen_jobs
{
	my ($node) = @_;
	my $listener = $node->background_psql('postgres');
	$listener->query_safe('LISTEN finx_job');
	return $listener;
}

# The payloads (hash references) of the finx_job notifications the session
# has received.  A query makes the server deliver every notification of
# transactions committed before it, and psql prints them after its result.
sub drain_notifications
{
	my ($listener) = @_;
	my $out = $listener->query_safe('SELECT 1');
	my @got;
	while ($out =~
		/Asynchronous notification "finx_job" with payload "(.*)" received from server process with PID \d+\./g)
	{
		push @got, decode_json($1);
	}
	return @got;
}

1;

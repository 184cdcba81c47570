# FinxMock: run test/mock/finx-mock for a TAP test and talk to its admin API.
#
# The mock listens on 127.0.0.1 on a free port; knobs and faults change at
# run time through POST /__admin/config, counters come from /__admin/stats.
package FinxMock;

use strict;
use warnings;

use Exporter 'import';
use HTTP::Tiny;
use IPC::Run;
use JSON::PP;
use Test::More;

use FinxTest qw(repo_dir);

our @EXPORT = qw(mock_start mock_stop mock_config mock_stats mock_reset mock_log
  mock_conf_lines);

my $http = HTTP::Tiny->new(timeout => 30);
my @running;					# mocks to stop when the test ends, however it ends

# Start the mock with extra flags; returns a handle {port, run, base}.
sub mock_start
{
	my (@flags) = @_;
	my $bin = repo_dir() . '/test/mock/finx-mock';
	die "build the mock first: make -C test/mock" unless -x $bin;
	my ($in, $out, $err) = ('', '', '');
	my $run = IPC::Run::start([ $bin, '--port', '0', '--whisper-key', 'wk-test',
			'--llm-key', 'sk-test', '--quiet', @flags ],
		\$in, \$out, \$err);
	my $deadline = time() + 30;
	while ($out !~ /PORT=(\d+)/ && time() < $deadline)
	{
		$run->pump_nb;
		select(undef, undef, undef, 0.02);
	}
	push @running, $run;
	die "mock did not start: $err" unless $out =~ /PORT=(\d+)/;
	return { port => $1, run => $run, base => "http://127.0.0.1:$1" };
}

# Stop the mock.
sub mock_stop
{
	my ($m) = @_;
	$m->{run}->signal('TERM');
	$m->{run}->finish;
	@running = grep { $_ != $m->{run} } @running;
}

# A test that dies (or forgets mock_stop) must not leave its mock running.
END
{
	local $?;
	$_->kill_kill(grace => 2) for grep { $_->pumpable } @running;
}

# postgresql.conf lines that point finextract at the mock.
sub mock_conf_lines
{
	my ($m) = @_;
	return "finextract.llmwhisperer_url = '$m->{base}/api/v2'\n"
	  . "finextract.llmwhisperer_api_key = 'wk-test'\n"
	  . "finextract.llm_url = '$m->{base}/v1'\n"
	  . "finextract.llm_api_key = 'sk-test'\n";
}

# Change knobs or faults: mock_config($m, {whisper_capacity => 1, ...}).
sub mock_config
{
	my ($m, $cfg) = @_;
	my $r = $http->post("$m->{base}/__admin/config",
		{ content => encode_json($cfg), headers => { 'Content-Type' => 'application/json' } });
	die "mock config failed: $r->{status} $r->{content}" unless $r->{success};
	return decode_json($r->{content});
}

# Counters (decoded JSON).
sub mock_stats
{
	my ($m) = @_;
	my $r = $http->get("$m->{base}/__admin/stats");
	die "mock stats failed: $r->{status}" unless $r->{success};
	return decode_json($r->{content});
}

# Clear counters, log and jobs (config=1 also restores the start flags).
sub mock_reset
{
	my ($m, $config) = @_;
	my $r = $http->post("$m->{base}/__admin/reset" . ($config ? '?config=1' : ''));
	die "mock reset failed: $r->{status}" unless $r->{success};
}

# The request log as a list of hashes.
sub mock_log
{
	my ($m) = @_;
	my $r = $http->get("$m->{base}/__admin/log?limit=100000");
	die "mock log failed: $r->{status}" unless $r->{success};
	return [ map { decode_json($_) } grep { /\S/ } split /\n/, $r->{content} ];
}

1;

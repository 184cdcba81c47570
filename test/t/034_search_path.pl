# search_path: no SQL that finextract runs with elevated rights resolves a
# name through a schema an ordinary role can write.
#
# A role with CREATE on public (eve; the default in databases that came
# from PostgreSQL 14 and older) plants, for every built-in function the
# extension's SQL names (found by a loop over the SQL string literals of
# the C sources and the bodies and definitions of the installed
# extension's functions and views) and for the common operators on the
# common types, an object in public with an exact-typed signature: the
# same signature as pg_catalog's (which wins when public comes first in
# the path) and, for polymorphic and VARIADIC ones, concrete signatures
# (which win over pg_catalog's wherever public is in the path at all).
# Each one logs a WARNING, records its call and tries ALTER ROLE eve
# SUPERUSER, then does what the built-in does.  Jobs then run through
# every path (submit, submit_bytes, finx_wait, finx_cancel, finx_retry,
# finx_submit_dir, reuse, failures with and without retry, a worker
# restart, remote extraction and structuring, finx_prune, the reading
# functions and the views), called by a superuser and by a finx_user
# member whose search_path puts public first; none of the planted
# objects may run, and eve must not become superuser.
use strict;
use warnings;

use FinxMock;
use FinxTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $bin = repo_dir() . '/test/bin';
my $mock = mock_start('--time-scale', '0.01');
my $node = finx_node('search_path', conf => mock_conf_lines($mock)
	  . "finextract.text_extractor = 'local'\n"
	  . "finextract.structurer = 'local'\n"
	  . "finextract.max_local_procs = 2\n"
	  . "log_min_messages = warning\n");	# the planted objects' WARNINGs
my $dir = fixtures_dir();
my $inbox = PostgreSQL::Test::Utils::tempdir('inbox');
chmod 0755, $inbox;

# The test's own queries never resolve through public: every session it
# opens starts with search_path = pg_catalog, pg_temp (the worker is not a
# client and does not see this).
$ENV{PGOPTIONS} = '-c search_path=pg_catalog,pg_temp';

# Bookkeeping, as the superuser.
sub bk
{
	my ($sql) = @_;
	return $node->safe_psql('postgres', $sql);
}

# Run SQL as a role (undef: the superuser) whose search_path puts public
# first; dies on error.
sub as_role
{
	my ($role, $sql) = @_;
	return $node->safe_psql('postgres', "SET search_path = public, pg_catalog;\n$sql",
		extra_params => [ defined $role ? ('-U', $role) : () ]);
}

# Run SQL as eve under the safe path (for the planting itself).
sub as_eve
{
	my ($sql) = @_;
	return $node->safe_psql('postgres', $sql, extra_params => [ '-U', 'eve' ]);
}

# Wait (as the superuser, with public first) until a job is terminal.
sub wait_job
{
	my ($id) = @_;
	return as_role(undef, "SELECT finx_wait($id, '3 min')");
}

# Wait until a condition (bookkeeping) holds.
sub wait_until
{
	my ($cond, $what) = @_;
	$node->poll_query_until('postgres', "SELECT $cond")
	  or die "timed out waiting for $what";
	return;
}

bk(q{
	CREATE ROLE eve LOGIN;
	CREATE ROLE alice LOGIN IN ROLE finx_user;
	GRANT CREATE ON SCHEMA public TO eve;
});

# --- 1. The names the extension's SQL uses --------------------------------

# Identifiers followed by "(" in the SQL string literals of the C sources.
my %names;
for my $f (qw(store.c store_result.c store_text.c spi_exec.c api.c submit_dir.c progress.c))
{
	my $src = slurp_file(repo_dir() . "/src/$f");
	while ($src =~ /"((?:[^"\\\n]|\\.)*)"/g)
	{
		my $lit = $1;
		$names{ lc $1 } = 1 while $lit =~ /([A-Za-z_][A-Za-z0-9_]*)\s*\(/g;
	}
}
# ... and in the installed extension's SQL and PL/pgSQL functions and views.
my $ext_sql = bk(q{
	SELECT string_agg(src, E'\n') FROM (
		SELECT p.prosrc AS src FROM pg_proc p
		  JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
		  JOIN pg_language l ON l.oid = p.prolang
		 WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
		   AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'finextract')
		   AND l.lanname IN ('sql', 'plpgsql')
		UNION ALL
		SELECT pg_get_viewdef(c.oid) FROM pg_class c
		 WHERE c.relnamespace = 'finx'::regnamespace AND c.relkind = 'v') s
});
$names{ lc $1 } = 1 while $ext_sql =~ /([A-Za-z_][A-Za-z0-9_]*)\s*\(/g;
# ... and the built-ins 0.3.0's worker called for its notification (the
# attack that was reported): planted whether or not the SQL still names them.
$names{$_} = 1 for qw(json_build_object pg_notify);
my $name_list = join(',', map { "'$_'" } sort keys %names);
my $builtins = bk(qq{
	SELECT string_agg(DISTINCT proname, ' ' ORDER BY proname) FROM pg_proc
	 WHERE pronamespace = 'pg_catalog'::regnamespace AND proname IN ($name_list)
});
note("built-in functions named by the extension's SQL: $builtins");
for my $must (qw(now max sum unnest jsonb_to_recordset jsonb_build_object make_interval format))
{
	like(" $builtins ", qr/ $must /, "the loop finds $must");
}

# --- 2. eve plants her objects --------------------------------------------

as_eve(q{
CREATE TABLE public.planted_calls (what text, by_role text, at timestamptz DEFAULT pg_catalog.clock_timestamp());
GRANT INSERT, SELECT ON public.planted_calls TO PUBLIC;

CREATE FUNCTION public.finx_planted(what text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	RAISE WARNING 'finx-planted % ran as %', what, current_user;
	INSERT INTO public.planted_calls (what, by_role) VALUES (what, current_user);
	BEGIN
		EXECUTE 'ALTER ROLE eve SUPERUSER';
	EXCEPTION WHEN OTHERS THEN NULL;
	END;
END
$$;
});

# The planting itself, in PL/pgSQL: one function (or aggregate) per
# signature, one operator per operator name and pair of types.
my $planted = as_eve(qq{
SET client_min_messages = error;
CREATE TEMP TABLE plant_log (kind text, sig text);
DO \$plant\$
DECLARE
	names text[] := ARRAY[$name_list]::text[];
	types text[] := ARRAY['text', 'bigint', 'integer', 'smallint', 'numeric', 'jsonb',
						  'timestamp with time zone', 'interval', 'boolean', 'double precision',
						  'real', 'oid', 'date', 'text[]', 'bigint[]', 'integer[]', 'numeric[]',
						  'smallint[]'];
	base text[] := ARRAY['text', 'bigint', 'integer', 'smallint', 'numeric', 'jsonb',
						 'timestamp with time zone', 'boolean', 'double precision', 'real', 'date'];
	-- VARIADIC "any" calls: generic families and the argument lists of
	-- finextract's own calls (json_build_object of the notification, format)
	any_lists text[] := ARRAY[
		'text,bigint,text,bigint,text,text,text,text,text,integer,text,text',
		'text,bigint,text,bigint,text,text,text,text,text,bigint,text,text,text,bigint',
		'text,bigint,text,text',
		'text,integer,integer', 'text,integer', 'text,bigint', 'text,bigint,bigint'];
	p record;
	o record;
	n int := 0;
	sig text;
	k int;
	argl text[];
	t text;
	ret text;
	lst text;
	opname text;
	lt text;
	rt text;
BEGIN
	-- "any" families: all text, text/bigint and text/integer alternating
	FOR k IN 1..14 LOOP
		any_lists := any_lists || array_to_string(array_fill('text'::text, ARRAY[k]), ',');
		any_lists := any_lists || (SELECT string_agg(CASE WHEN i % 2 = 1 THEN 'text' ELSE 'bigint' END, ',' ORDER BY i)
									 FROM generate_series(1, k) i);
		any_lists := any_lists || (SELECT string_agg(CASE WHEN i % 2 = 1 THEN 'text' ELSE 'integer' END, ',' ORDER BY i)
									 FROM generate_series(1, k) i);
	END LOOP;

	FOR p IN
		SELECT f.oid, f.proname, f.prokind, f.proretset, f.prorettype::regtype::text AS rettype,
			   ARRAY(SELECT pg_catalog.unnest(f.proargtypes::regtype[]::text[])) AS args, f.provariadic::regtype::text AS variadic,
			   f.pronargdefaults, f.proargnames,
			   pg_get_function_identity_arguments(f.oid) AS ident,
			   pg_get_function_arguments(f.oid) AS full_args
		  FROM pg_proc f
		 WHERE f.pronamespace = 'pg_catalog'::regnamespace AND f.proname = ANY (names)
		   AND f.prokind IN ('f', 'a')
		   AND NOT EXISTS (SELECT FROM pg_aggregate a WHERE a.aggfnoid = f.oid AND a.aggkind <> 'n')
	LOOP
		IF p.rettype IN ('internal', 'trigger', 'event_trigger', 'cstring', 'language_handler',
						 'table_am_handler', 'index_am_handler', 'fdw_handler', 'tsm_handler')
		   OR EXISTS (SELECT FROM unnest(p.args) a
					   WHERE a IN ('internal', 'cstring', 'anyrange', 'anymultirange', 'anyenum',
								   'anycompatiblerange', 'anycompatiblemultirange', 'record')) THEN
			CONTINUE;
		END IF;
		-- the argument lists to plant for this built-in
		argl := ARRAY[]::text[];
		IF p.variadic = '"any"' THEN
			FOREACH lst IN ARRAY any_lists LOOP
				IF cardinality(p.args) - 1 = 0 OR lst LIKE array_to_string(p.args[1:cardinality(p.args) - 1], ',') || ',%' THEN
					argl := argl || lst;
				END IF;
			END LOOP;
		ELSIF EXISTS (SELECT FROM unnest(p.args) a WHERE a LIKE 'any%' OR a = '"any"') THEN
			FOREACH t IN ARRAY base LOOP
				argl := argl || array_to_string(ARRAY(
					SELECT CASE WHEN a IN ('anyelement', 'anynonarray', 'anycompatible', 'anycompatiblenonarray', '"any"') THEN t
								WHEN a IN ('anyarray', 'anycompatiblearray') THEN t || '[]'
								ELSE a END
					  FROM unnest(p.args) WITH ORDINALITY AS u(a, i) ORDER BY i), ',');
			END LOOP;
		ELSE
			argl := ARRAY[p.ident];
			IF p.variadic <> '-' THEN
				-- VARIADIC t[]: also the expanded lists
				FOR k IN 1..3 LOOP
					argl := argl || (array_to_string(p.args[1:cardinality(p.args) - 1], ',')
									 || CASE WHEN cardinality(p.args) > 1 THEN ',' ELSE '' END
									 || array_to_string(array_fill(p.variadic, ARRAY[k]), ','));
				END LOOP;
			END IF;
		END IF;
		FOREACH lst IN ARRAY argl LOOP
			-- the concrete return type
			ret := p.rettype;
			IF ret LIKE 'any%' THEN
				t := coalesce((SELECT CASE WHEN a LIKE '%[]' THEN left(a, -2) ELSE a END
								 FROM unnest(string_to_array(lst, ',')) WITH ORDINALITY AS u(a, i)
								 JOIN unnest(p.args) WITH ORDINALITY AS v(b, j) ON j = i
								WHERE b LIKE 'any%' OR b = '"any"' LIMIT 1), 'text');
				ret := CASE WHEN ret LIKE '%array' THEN t || '[]' ELSE t END;
			END IF;
			sig := format('public.%I(%s)', p.proname, lst);
			BEGIN
				IF p.prokind = 'a' THEN
					n := n + 1;
					EXECUTE format('CREATE FUNCTION public.finx_planted_sf%s(%s%s) RETURNS %s '
								   'LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS '
								   '\$f\$ BEGIN PERFORM public.finx_planted(%L); RETURN \$1; END \$f\$',
								   n, ret, CASE WHEN lst = '' THEN '' ELSE ', ' || lst END, ret, sig);
					EXECUTE format('CREATE AGGREGATE public.%I(%s) (SFUNC = public.finx_planted_sf%s, STYPE = %s)',
								   p.proname, CASE WHEN lst = '' THEN '*' ELSE lst END, n, ret);
				ELSIF p.proretset AND ret = 'record' THEN
					EXECUTE format('CREATE FUNCTION %s RETURNS SETOF record LANGUAGE plpgsql '
								   'SET search_path = pg_catalog, pg_temp AS '
								   '\$f\$ BEGIN PERFORM public.finx_planted(%L); RETURN; END \$f\$',
								   sig, sig);
				ELSIF p.proretset THEN
					EXECUTE format('CREATE FUNCTION %s RETURNS SETOF %s LANGUAGE plpgsql '
								   'SET search_path = pg_catalog, pg_temp AS '
								   '\$f\$ BEGIN PERFORM public.finx_planted(%L); '
								   'RETURN QUERY SELECT * FROM pg_catalog.%I(%s); END \$f\$',
								   sig, ret, sig, p.proname,
								   (SELECT string_agg('\$' || i, ',') FROM generate_series(1, cardinality(string_to_array(lst, ','))) i));
				ELSE
					EXECUTE format('CREATE FUNCTION %s RETURNS %s LANGUAGE plpgsql '
								   'SET search_path = pg_catalog, pg_temp AS '
								   '\$f\$ BEGIN PERFORM public.finx_planted(%L); %s; END \$f\$',
								   CASE WHEN lst = p.ident THEN format('public.%I(%s)', p.proname, p.full_args) ELSE sig END,
								   ret, sig,
								   CASE WHEN ret = 'record' THEN 'RETURN NULL'
										ELSE format('%s pg_catalog.%I(%s)',
													CASE WHEN ret = 'void' THEN 'PERFORM' ELSE 'RETURN' END,
													p.proname,
													coalesce((SELECT string_agg('\$' || i, ',')
																FROM generate_series(1, cardinality(string_to_array(nullif(lst, ''), ','))) i), ''))
								   END);
				END IF;
				INSERT INTO plant_log VALUES ('function', sig);
			EXCEPTION WHEN OTHERS THEN
				NULL;			-- e.g. a signature eve cannot shadow (same as another plant)
			END;
		END LOOP;
		-- each defaulted parameter alone, by name (make_interval(secs => ...))
		IF p.pronargdefaults > 0 AND p.proargnames IS NOT NULL AND p.prokind = 'f' AND NOT p.proretset THEN
			FOR k IN cardinality(p.args) - p.pronargdefaults + 1 .. cardinality(p.args) LOOP
				sig := format('public.%I(%I %s)', p.proname, p.proargnames[k], p.args[k]);
				BEGIN
					EXECUTE format('CREATE FUNCTION %s RETURNS %s LANGUAGE plpgsql '
								   'SET search_path = pg_catalog, pg_temp AS '
								   '\$f\$ BEGIN PERFORM public.finx_planted(%L); '
								   'RETURN pg_catalog.%I(%I => \$1); END \$f\$',
								   sig, p.rettype, sig, p.proname, p.proargnames[k]);
					INSERT INTO plant_log VALUES ('function', sig);
				EXCEPTION WHEN OTHERS THEN
					NULL;
				END;
			END LOOP;
		END IF;
	END LOOP;

	-- operators on the common types (where pg_catalog resolves the pair,
	-- exactly or through casts)
	FOREACH opname IN ARRAY ARRAY['=', '<>', '<', '>', '<=', '>=', '+', '-', '*', '/', '||',
								  '->', '->>', '@>', '~'] LOOP
		FOREACH lt IN ARRAY types LOOP
			FOREACH rt IN ARRAY types LOOP
				BEGIN
					EXECUTE format('SELECT pg_catalog.pg_typeof(NULL::%s OPERATOR(pg_catalog.%s) NULL::%s)::text',
								   lt, opname, rt) INTO ret;
				EXCEPTION WHEN OTHERS THEN
					CONTINUE;
				END;
				n := n + 1;
				sig := format('%s %s %s', lt, opname, rt);
				BEGIN
					EXECUTE format('CREATE FUNCTION public.finx_planted_op%s(%s, %s) RETURNS %s '
								   'LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS '
								   '\$f\$ BEGIN PERFORM public.finx_planted(%L); '
								   'RETURN \$1 OPERATOR(pg_catalog.%s) \$2; END \$f\$',
								   n, lt, rt, ret, 'operator ' || sig, opname);
					EXECUTE format('CREATE OPERATOR public.%s (LEFTARG = %s, RIGHTARG = %s, '
								   'FUNCTION = public.finx_planted_op%s)', opname, lt, rt, n);
					INSERT INTO plant_log VALUES ('operator', sig);
				EXCEPTION WHEN OTHERS THEN
					NULL;
				END;
			END LOOP;
		END LOOP;
	END LOOP;
END
\$plant\$;
SELECT kind || ' ' || count(*) FROM plant_log GROUP BY kind ORDER BY kind;
SELECT 'has ' || sig FROM plant_log
 WHERE sig IN ('public.json_build_object(text,bigint,text,bigint,text,text,text,text,text,integer,text,text)',
			   'public.format(text,integer,integer)', 'public.pg_notify(channel text, payload text)',
			   'public.pg_notify(text, text)', 'public.now()', 'public.count()',
			   'public.unnest(numeric[])', 'public.jsonb_to_recordset(jsonb)',
			   'public.make_interval(secs double precision)', 'bigint = bigint',
			   'integer + integer', 'timestamp with time zone + interval', 'jsonb - text',
			   'text = text', 'oid = oid')
 ORDER BY sig;
});
note($planted);
my ($nfun) = $planted =~ /function (\d+)/;
my ($nop) = $planted =~ /operator (\d+)/;
cmp_ok($nfun // 0, '>=', 100, 'eve planted shadowing functions for the built-ins the SQL names');
cmp_ok($nop // 0, '>=', 300, 'and shadowing operators on the common types');
for my $sig ('public.json_build_object(text,bigint,text,bigint,text,text,text,text,text,integer,text,text)',
	'public.format(text,integer,integer)', 'public.now()', 'public.unnest(numeric[])',
	'public.make_interval(secs double precision)', 'bigint = bigint', 'text = text',
	'timestamp with time zone + interval', 'jsonb - text')
{
	like($planted, qr/^has \Q$sig\E$/m, "planted: $sig");
}
my $log_start = -s $node->logfile;

# The planted objects work: a call that resolves to one is recorded (and
# then the record is cleared).
as_role('eve', q{
	SELECT json_build_object('job_id', 1::bigint, 'document_id', 2::bigint, 'file_name', 'x',
		'state', 'y', 'statements', 3, 'error', 'z');
});
is(bk(q{SELECT count(*) FROM public.planted_calls}), '1', 'a planted function records its call');
bk(q{DELETE FROM public.planted_calls});
is(bk(q{SELECT rolsuper FROM pg_roles WHERE rolname = 'eve'}), 'f', 'eve is not superuser');
$log_start = -s $node->logfile;

# --- 3. Every path -----------------------------------------------------------

# submit (path) by the superuser, with public first; wait
my $us = fixture_variant('us_10k.pdf', 'sp');
my $job1 = as_role(undef, "SELECT finx_submit('$us')");
is(wait_job($job1), 'succeeded', 'submit by path succeeds');

# submit_bytes and finx_wait by a finx_user member
my $hex = unpack('H*', slurp_file(fixture_variant('two_page.pdf', 'sp')));
my $job2 = as_role('alice', "SELECT finx_submit_bytes('\\x$hex'::bytea, 'two.pdf')");
is(as_role('alice', "SELECT finx_wait($job2, '3 min')"), 'succeeded', 'submit_bytes succeeds');

# reuse of a document
my $job3 = as_role(undef, "SELECT finx_submit('$us')");
is(wait_job($job3), 'succeeded', 'the same document again succeeds');
is(bk("SELECT reused_from FROM finx.jobs WHERE id = $job3"), $job1, 'by reusing the first result');

# a job that fails for good, and one that is retried after a failure
my $bad = as_role(undef, "SELECT finx_submit('$dir/bad/no_text.pdf', '{\"max_attempts\": 1}')");
is(wait_job($bad), 'failed', 'a job without text fails');
bk("ALTER SYSTEM SET finextract.pdftotext_path = '$bin/crash-pdftotext'; SELECT pg_reload_conf();");
wait_until("current_setting('finextract.pdftotext_path') LIKE '%crash-pdftotext'", 'reload');
my $crash = as_role(undef,
	"SELECT finx_submit('" . fixture_variant('ifrs_eu.pdf', 'sp-crash') . "', '{\"max_attempts\": 2}')");
is(wait_job($crash), 'failed', 'a crashing job fails after its retry');
is(bk("SELECT attempt FROM finx.jobs WHERE id = $crash"), '2', 'after two attempts');

# cancel a running job, then retry it; a worker restart in between
bk("ALTER SYSTEM SET finextract.pdftotext_path = '$bin/slow-pdftotext'; SELECT pg_reload_conf();");
wait_until("current_setting('finextract.pdftotext_path') LIKE '%slow-pdftotext'", 'reload');
my $slow = as_role('alice', "SELECT finx_submit_bytes('\\x"
	  . unpack('H*', slurp_file(fixture_variant('quarterly.pdf', 'sp-slow'))) . "'::bytea, 'q.pdf')");
wait_until("state = 'running' FROM finx.jobs WHERE id = $slow", 'the slow job to run');
is(as_role('alice', "SELECT finx_cancel($slow)"), 't', 'finx_cancel cancels a running job');
is(as_role('alice', "SELECT finx_retry($slow)"), 't', 'finx_retry queues it again');
wait_until("state = 'running' FROM finx.jobs WHERE id = $slow", 'the retried job to run');
my $old_pid = worker_pid($node);
bk("SELECT pg_terminate_backend($old_pid)");
wait_until("count(*) = 1 FROM pg_stat_activity WHERE backend_type = 'finextract worker' AND pid <> $old_pid",
	'a new worker');
bk("ALTER SYSTEM RESET finextract.pdftotext_path; SELECT pg_reload_conf();");
is(as_role('alice', "SELECT finx_wait($slow, '3 min')"), 'succeeded',
	'the retried job succeeds after a worker restart');
is(as_role(undef, "SELECT finx_retry($bad)"), 't', 'finx_retry of a failed job');
is(wait_job($bad), 'failed', 'which fails again');

# finx_submit_dir
PostgreSQL::Test::Utils::append_to_file("$inbox/a.pdf", slurp_file(fixture_variant('ifrs_eu.pdf', 'sp-inbox')));
is(as_role(undef, "SELECT finx_submit_dir('$inbox')"), '1', 'finx_submit_dir queues the new file');
is(as_role(undef, "SELECT finx_submit_dir('$inbox')"), '0', 'and not twice');
my $job4 = bk("SELECT max(id) FROM finx.jobs");
is(wait_job($job4), 'succeeded', 'the inbox job succeeds');

# remote extraction and structuring (whisper hashes, text, trace)
my $job5 = as_role(undef, "SELECT finx_submit('" . fixture_variant('us_10k.pdf', 'sp-remote')
	  . "', '{\"text_extractor\": \"llmwhisperer\", \"structurer\": \"llm\"}')");
is(wait_job($job5), 'succeeded', 'a remote job succeeds');
wait_until("count(*) > 0 FROM finx.requests WHERE job_id = $job5", 'the request trace');

# the reading functions and the views, as both roles (the callers' own
# statements use no operator, so whatever runs is the extension's)
my $doc2 = bk("SELECT document_id FROM finx.jobs WHERE id = $job2");
for my $role (undef, 'alice')
{
	as_role($role, "SELECT * FROM finx.facts");
	as_role($role, "SELECT * FROM finx.progress");
	as_role($role, "SELECT * FROM finx.provider_stats");
	as_role($role, "SELECT * FROM finx.jobs");
	as_role($role, "SELECT * FROM finx_statement($doc2, 'balance_sheet')");
	as_role($role, "SELECT finx_document_json($doc2)");
}
ok(1, 'the views and reading functions ran');

# finx_prune and finx_prune_batch (nothing is old enough: the statements run, delete nothing)
my $njobs = bk("SELECT count(*) FROM finx.jobs");
is(as_role(undef, "SELECT finx_prune_batch('100 years')"), '0', 'finx_prune_batch runs');
as_role(undef, "CALL finx_prune('100 years')");
is(bk("SELECT count(*) FROM finx.jobs"), $njobs, 'finx_prune runs and keeps the recent jobs');

# --- 4. Nothing planted ran ----------------------------------------------------

is(bk(q{SELECT count(*) FROM public.planted_calls}), '0', 'no planted object was called')
  or diag(bk(q{SELECT string_agg(DISTINCT what || ' by ' || by_role, E'\n') FROM public.planted_calls}));
my $log = substr(slurp_file($node->logfile), $log_start);
my @ran = $log =~ /(finx-planted .*)/g;
is(scalar(@ran), 0, 'and none logged a call, even in a transaction that rolled back')
  or diag(join("\n", (sort keys %{ { map { $_ => 1 } @ran } })[0 .. 19]));
is(bk(q{SELECT rolsuper FROM pg_roles WHERE rolname = 'eve'}), 'f', 'eve did not become superuser');

$node->stop;
done_testing();

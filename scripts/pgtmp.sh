# pgtmp.sh: start and stop a throwaway PostgreSQL with finextract preloaded.
# Sourced by scripts/demo.sh and test/bench/*.sh.  As root, the server runs
# as $FINX_USER (default postgres), since initdb refuses root.
#   pgtmp_start [extra postgresql.conf lines...]   sets $PGTMP_DIR, $PGTMP_PORT
#   pgtmp_psql ARGS...                             psql against it
#   pgtmp_stop                                     stop it and remove the directory

PGTMP_BIN=$(pg_config --bindir)
PGTMP_USER=${FINX_USER:-postgres}
[ "$(id -u)" -eq 0 ] || PGTMP_USER=$(id -un)

pgtmp_as() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u "$PGTMP_USER" -- "$@"; else "$@"; fi
}

pgtmp_start() {
	PGTMP_DIR=$(mktemp -d /tmp/finx-pg.XXXXXX)
	chmod 755 "$PGTMP_DIR"
	[ "$(id -u)" -eq 0 ] && chown "$PGTMP_USER" "$PGTMP_DIR"
	PGTMP_PORT=$((20000 + RANDOM % 20000))
	pgtmp_as "$PGTMP_BIN/initdb" -D "$PGTMP_DIR/data" -A trust >/dev/null
	{
		echo "port = $PGTMP_PORT"
		echo "listen_addresses = ''"
		echo "unix_socket_directories = '$PGTMP_DIR'"
		echo "shared_preload_libraries = 'finextract'"
		echo "finextract.database = 'postgres'"
		for line in "$@"; do echo "$line"; done
	} >>"$PGTMP_DIR/data/postgresql.conf"
	pgtmp_as "$PGTMP_BIN/pg_ctl" -D "$PGTMP_DIR/data" -l "$PGTMP_DIR/server.log" -w start >/dev/null
	pgtmp_psql -c "CREATE EXTENSION finextract"
}

pgtmp_psql() {
	pgtmp_as "$PGTMP_BIN/psql" -X -q -h "$PGTMP_DIR" -p "$PGTMP_PORT" -d postgres -v ON_ERROR_STOP=1 "$@"
}

pgtmp_stop() {
	[ -n "${PGTMP_DIR:-}" ] || return 0
	pgtmp_as "$PGTMP_BIN/pg_ctl" -D "$PGTMP_DIR/data" -m fast stop >/dev/null 2>&1 || true
	if [ -n "${FINX_KEEP:-}" ]; then echo "kept $PGTMP_DIR"; else rm -rf "$PGTMP_DIR"; fi
	PGTMP_DIR=
}

#!/bin/sh
#
# fidelity.sh -- run the official JS clients (npm llmwhisperer-client with
# dotenv beside it, openai and @anthropic-ai/sdk) unchanged against finx-mock.
#
# Installs the packages into a temporary directory (or into
# $FINX_FIDELITY_DIR, kept between runs), starts the mock on a free port,
# runs fidelity.mjs and prints its TAP-ish lines ending in
# "N passed, M failed".  Exits non-zero on any failure.

set -eu

here=$(cd "$(dirname "$0")" && pwd)
schema="$here/../../src/statement_schema.json"

make -s -C "$here" finx-mock

if [ -n "${FINX_FIDELITY_DIR:-}" ]; then
	work=$FINX_FIDELITY_DIR
	mkdir -p "$work"
	keep=1
fi
mock_dir=$here
. "$here/tap.sh"

if [ ! -d "$work/node_modules/openai" ] || [ ! -d "$work/node_modules/llmwhisperer-client" ] ||
	[ ! -d "$work/node_modules/dotenv" ] || [ ! -d "$work/node_modules/@anthropic-ai/sdk" ]; then
	(cd "$work" && [ -f package.json ] || npm init -y >/dev/null 2>&1)
	if ! (cd "$work" && npm install --no-audit --no-fund llmwhisperer-client dotenv openai @anthropic-ai/sdk >npm.log 2>&1); then
		echo "not ok 1 - npm install llmwhisperer-client dotenv openai @anthropic-ai/sdk"
		cat "$work/npm.log"
		echo "0 passed, 1 failed"
		exit 1
	fi
fi
echo "# llmwhisperer-client $(node -p "require('$work/node_modules/llmwhisperer-client/package.json').version"), openai $(node -p "require('$work/node_modules/openai/package.json').version"), @anthropic-ai/sdk $(node -p "require('$work/node_modules/@anthropic-ai/sdk/package.json').version")"

mock_start

cp "$here/fidelity.mjs" "$work/fidelity.mjs"
cd "$work"
DOTENV_CONFIG_QUIET=true node fidelity.mjs "http://127.0.0.1:$port" "$schema"

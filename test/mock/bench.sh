#!/bin/sh
#
# bench.sh -- measure finx-mock with finx-load on this machine (loopback
# only, bounded runs).  Prints the numbers README.md quotes.
#
#   bench.sh [SECONDS]   (default 5 s per run)

set -eu

here=$(cd "$(dirname "$0")" && pwd)
secs=${1:-5}
make -s -C "$here" all
work=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

"$here/finx-mock" --port 0 --quiet --chat-seconds 0 >"$work/port" &
pid=$!
while ! grep -q PORT= "$work/port"; do sleep 0.05; done
port=$(sed -n 's/^PORT=//p' "$work/port")
B="http://127.0.0.1:$port"
load() {
	"$here/finx-load" -p "$port" -H 'Authorization: Bearer bench' \
		-H 'Content-Type: application/json' "$@"
}
peak() {
	curl -s "$B/__admin/stats" | sed -n 's/.*"chat":{[^}]*"peak_inflight":\([0-9]*\).*/peak chat in flight (mock): \1/p'
	echo
}

cat >"$work/small.json" <<'JSON'
{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema","json_schema":{"name":"t","strict":true,"schema":{"type":"object","properties":{"a":{"type":"string"}},"required":["a"],"additionalProperties":false}}}}
JSON
{
	printf '{"model":"gpt-4o","messages":[{"role":"user","content":"<<<PAGE 3>>>\\n'
	printf '                 CONSOLIDATED BALANCE SHEETS\\n                 (In thousands of U.S. dollars)\\n'
	printf '                                         December 31,   December 31,\\n'
	printf '                                             2024           2023\\n'
	printf ' Cash and cash equivalents              $   1,200      $   1,000\\n'
	printf ' Accounts receivable                          800            700\\n'
	printf '   Total current assets                     2,000          1,700\\n'
	printf ' Property and equipment, net                3,000          2,800\\n'
	printf ' Total assets                          $    5,000     $    4,500\\n'
	printf ' Accounts payable                           1,000            900\\n'
	printf '   Total liabilities                        1,000            900\\n'
	printf ' Common stock                               4,000          3,600\\n'
	printf "   Total stockholders' equity               4,000          3,600\\\\n\"}],"
	printf '"response_format":{"type":"json_schema","json_schema":{"name":"financial_statements","strict":true,"schema":'
	cat "$here/../../src/statement_schema.json"
	printf '}}}\n'
} >"$work/fs.json"

echo "== zero-latency chat, small strict schema, 50 connections"
load -c 50 -d "$secs" -b "$work/small.json"
echo "== zero-latency chat, small strict schema, 2000 connections"
curl -s -X POST "$B/__admin/reset" >/dev/null
load -c 2000 -d "$secs" -b "$work/small.json"
peak
echo "== zero-latency chat, financial_statements (parser per call), 50 connections"
load -c 50 -d "$secs" -b "$work/fs.json"
echo "== chat_seconds=1: 2000 requests held in flight at once"
curl -s -X POST "$B/__admin/reset" >/dev/null
curl -s -X POST "$B/__admin/config" -d '{"chat_seconds":1}' >/dev/null
load -c 2000 -d "$secs" -b "$work/small.json"
peak
echo "== 2000 idle keep-alive connections held open"
load -c 2000 -d "$secs" -i
echo "mock RSS: $(ps -o rss= -p "$pid") kB"

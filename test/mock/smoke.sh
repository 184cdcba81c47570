#!/bin/sh
#
# smoke.sh -- quick checks of finx-mock with curl(1) only: one-shot
# retrieve, 401s, the strict-schema 400, 429s when capacity is exceeded,
# and the admin endpoints.  Prints TAP-ish lines and "N passed, M failed";
# exits non-zero on any failure.

set -u

here=$(cd "$(dirname "$0")" && pwd)
make -s -C "$here" finx-mock || exit 1
mock_dir=$here
. "$here/tap.sh"

# a two-page PDF with correct xref offsets
make_pdf() {
	f=$1
	: >"$f"
	printf '%%PDF-1.4\n' >>"$f"
	obj() {
		eval "off$1=$(wc -c <"$f")"
		printf '%s 0 obj\n%s\nendobj\n' "$1" "$2" >>"$f"
	}
	s1='BT /F1 12 Tf 72 720 Td (Hello from page one) Tj ET'
	s2='BT /F1 12 Tf 72 720 Td (And page two) Tj ET'
	obj 1 '<< /Type /Catalog /Pages 2 0 R >>'
	obj 2 '<< /Type /Pages /Kids [3 0 R 5 0 R] /Count 2 >>'
	obj 3 '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 7 0 R >> >> >>'
	obj 4 "<< /Length ${#s1} >>
stream
$s1
endstream"
	obj 5 '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 6 0 R /Resources << /Font << /F1 7 0 R >> >> >>'
	obj 6 "<< /Length ${#s2} >>
stream
$s2
endstream"
	obj 7 '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'
	xref=$(wc -c <"$f")
	printf 'xref\n0 8\n0000000000 65535 f \n' >>"$f"
	for i in 1 2 3 4 5 6 7; do
		eval "printf '%010d 00000 n \n' \$off$i" >>"$f"
	done
	printf 'trailer\n<< /Size 8 /Root 1 0 R >>\nstartxref\n%s\n%%%%EOF\n' "$xref" >>"$f"
}

mock_start --whisper-key wk --llm-key sk-smoke --time-scale 0.02
ok 0 "mock starts and prints PORT="
B="http://127.0.0.1:$port"
W="$B/api/v2"
make_pdf "$work/doc.pdf"

# http STATUS-FILE CURL-ARGS...: body on stdout, status in the file
http() {
	out=$1
	shift
	curl -s -o "$work/body" -D "$work/headers" -w '%{http_code}' "$@" >"$out"
	cat "$work/body"
}

body=$(http "$work/st" -X POST -H 'unstract-key: wk' -H 'Content-Type: application/octet-stream' \
	--data-binary @"$work/doc.pdf" "$W/whisper?mode=form&output_mode=layout_preserving")
expect "whisper submit answers 202" 202 "$(cat "$work/st")"
expect "... with Whisper Job Accepted" '"message":"Whisper Job Accepted"' "$body"
hash=$(printf '%s' "$body" | sed -n 's/.*"whisper_hash":"\([^"]*\)".*/\1/p')
[ -n "$hash" ]
ok $? "... and a whisper_hash"

status=
for _ in $(seq 200); do
	status=$(curl -s -G -H 'unstract-key: wk' --data-urlencode "whisper_hash=$hash" "$W/whisper-status")
	case "$status" in *'"processed"'*) break ;; esac
	sleep 0.02
done
expect "status reaches processed" '"status":"processed"' "$status"

body=$(http "$work/st" -G -H 'unstract-key: wk' --data-urlencode "whisper_hash=$hash" "$W/whisper-retrieve")
expect "retrieve answers 200" 200 "$(cat "$work/st")"
expect "... with the PDF text and separators" 'Hello from page one\n\n<<<\nAnd page two\n\n<<<\n' "$body"
expect "... and content-type application/json" 'application/json' "$(cat "$work/headers")"
body=$(http "$work/st" -G -H 'unstract-key: wk' --data-urlencode "whisper_hash=$hash" "$W/whisper-retrieve")
expect "second retrieve answers 400" 400 "$(cat "$work/st")"
expect "... Whisper already delivered" '{"message":"Whisper already delivered"}' "$body"
body=$(curl -s -G -H 'unstract-key: wk' --data-urlencode "whisper_hash=$hash" "$W/whisper-status")
expect "status is then retrieved" '"status":"retrieved"' "$body"
http "$work/st" -G -H 'unstract-key: wk' --data-urlencode "whisper_hash=nope" "$W/whisper-retrieve" >/dev/null
expect "retrieve of an unknown hash answers 404" 404 "$(cat "$work/st")"
body=$(http "$work/st" -G -H 'unstract-key: wk' --data-urlencode "whisper_hash=nope" "$W/whisper-status")
expect "status of an unknown hash answers 400" 'Whisper job not found' "$(cat "$work/st") $body"

body=$(http "$work/st" -X POST -H 'unstract-key: wk' --data-binary @"$work/doc.pdf" \
	"$W/whisper?pages_to_extract=2-&page_separator=%23%23%23")
hash=$(printf '%s' "$body" | sed -n 's/.*"whisper_hash":"\([^"]*\)".*/\1/p')
for _ in $(seq 200); do
	body=$(curl -s -G -H 'unstract-key: wk' --data-urlencode "whisper_hash=$hash" "$W/whisper-retrieve")
	case "$body" in *result_text*) break ;; esac
	sleep 0.02
done
expect "pages_to_extract and page_separator apply" '"result_text":"And page two\n\n###\n"' "$body"

body=$(http "$work/st" -X POST -H 'unstract-key: wk' --data-binary @"$work/doc.pdf" "$W/whisper?mode=fancy")
expect "a bad mode answers 400" '400 {"message":"Invalid mode: fancy"}' "$(cat "$work/st") $body"
body=$(http "$work/st" -X POST -H 'unstract-key: wrong' --data-binary @"$work/doc.pdf" "$W/whisper")
expect "whisper with an unknown key answers 401 {message}" '401 {"message":' "$(cat "$work/st") $body"
http "$work/st" "$W/get-usage-info" >/dev/null
expect "whisper without a key answers 401" 401 "$(cat "$work/st")"

chat() {
	http "$work/st" -H "Authorization: Bearer $1" -H 'Content-Type: application/json' \
		--data-binary "$2" "$B/v1/chat/completions"
}
good='{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema","json_schema":{"name":"t","strict":true,"schema":{"type":"object","properties":{"a":{"type":"string"}},"required":["a"],"additionalProperties":false}}}}'
bad='{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema","json_schema":{"name":"t","strict":true,"schema":{"type":"object","properties":{"a":{"type":"object","properties":{"b":{"type":"string"}},"required":["b"]}},"required":["a"],"additionalProperties":false}}}}'

body=$(chat sk-smoke "$good")
expect "chat answers 200" 200 "$(cat "$work/st")"
expect "... with schema-valid content" '"content":"{\"a\":\"\"}"' "$body"
expect "... and an x-request-id" 'x-request-id: req_' "$(cat "$work/headers")"
body=$(chat sk-wrong-key "$good")
expect "chat with a wrong key answers 401 invalid_api_key" '401 {"error":{"message":"Incorrect API key provided' "$(cat "$work/st") $body"
expect "... code invalid_api_key" '"code":"invalid_api_key"' "$body"
body=$(chat sk-smoke "$bad")
expect "strict-schema violation answers 400" 400 "$(cat "$work/st")"
expect "... with OpenAI's message and shape" \
	"{\"error\":{\"message\":\"Invalid schema for response_format 't': In context=('properties', 'a'), 'additionalProperties' is required to be supplied and to be false.\",\"type\":\"invalid_request_error\",\"param\":\"response_format\",\"code\":null}}" "$body"
body=$(chat sk-smoke '{"messages":[{"role":"user","content":"hi"}]}')
expect "missing model answers 400" '400 {"error":{"message":"you must provide a model parameter"' "$(cat "$work/st") $body"
body=$(chat sk-smoke '{"model":"m","messages":[{"role":"user","content":"hi"}],"stream":true}')
expect "stream:true answers 400" 400 "$(cat "$work/st")"

# capacity: one slot per key, reject mode, 0.5 s calls
curl -s -X POST "$B/__admin/reset" >/dev/null
curl -s -X POST "$B/__admin/config" \
	-d '{"time_scale":1,"chat_seconds":0.5,"chat_capacity":1,"chat_over_capacity":"reject","chat_retry_after":2}' >/dev/null
curl -s -o /dev/null -H 'Authorization: Bearer sk-smoke' --data-binary "$good" "$B/v1/chat/completions" &
slow=$!
sleep 0.2
body=$(chat sk-smoke "$good")
wait $slow
expect "chat over capacity answers 429" 429 "$(cat "$work/st")"
expect "... with retry-after" 'retry-after: 2' "$(cat "$work/headers")"
expect "... and retry-after-ms" 'retry-after-ms: 2000' "$(cat "$work/headers")"
expect "... and x-ratelimit-*" 'x-ratelimit-remaining-requests' "$(cat "$work/headers")"
expect "... code rate_limit_exceeded" '"code":"rate_limit_exceeded"' "$body"

curl -s -X POST "$B/__admin/config" \
	-d '{"whisper_page_seconds":0.5,"whisper_capacity":1,"whisper_over_capacity":"reject","whisper_retry_after":3}' >/dev/null
http "$work/st" -X POST -H 'unstract-key: wk' --data-binary @"$work/doc.pdf" "$W/whisper" >/dev/null
body=$(http "$work/st" -X POST -H 'unstract-key: wk' --data-binary @"$work/doc.pdf" "$W/whisper")
expect "whisper over capacity answers 429" 429 "$(cat "$work/st")"
expect "... with retry-after" 'retry-after: 3' "$(cat "$work/headers")"

stats=$(curl -s "$B/__admin/stats")
expect "stats: chat capacity 429 counted" '"capacity_429":1,' "$stats"
expect "stats: chat peak in flight" '"peak_inflight":2' "$stats"
expect "stats: per-route status counts" '"chat/completions":{"requests":2,"status":{"200":1,"429":1}}' "$stats"
expect "stats: whisper submits" '"submits":1' "$stats"
log=$(curl -s "$B/__admin/log")
expect "log: JSON lines with route, key, status" '"route":"whisper","key":"wk","status":429' "$log"
curl -s -X POST "$B/__admin/reset?config=1" >/dev/null
stats=$(curl -s "$B/__admin/stats")
expect "reset clears the counters" '"requests":0,' "$stats"
config=$(curl -s "$B/__admin/config")
expect "reset?config=1 restores the command-line knobs" '"time_scale":0.02' "$config"
body=$(curl -s -X POST "$B/__admin/config" -d '{"no_such_knob":1}')
expect "config rejects unknown knobs" 'unknown knob' "$body"

curl -s -X POST "$B/__admin/config" -d '{"faults":{"chat":{"echo_headers":{"nth":1}},"submit":{"echo_headers":{"nth":1}}}}' >/dev/null
body=$(http "$work/st" -X POST -H 'Authorization: Bearer sk-smoke' -H 'Content-Type: application/json' \
	-d '{"model":"m","messages":[{"role":"user","content":"hi"}]}' "$B/v1/chat/completions")
expect "echo_headers fault: chat answers 401" 401 "$(cat "$work/st")"
expect "... quoting the Authorization header" 'Authorization: Bearer sk-smoke' "$body"
body=$(http "$work/st" -X POST -H 'unstract-key: wk' --data-binary @"$work/doc.pdf" "$W/whisper")
expect "echo_headers fault: submit answers 401 quoting unstract-key" 'unstract-key: wk' "$(cat "$work/st") $body"
curl -s -X POST "$B/__admin/config" -d '{"faults":{"clear":true}}' >/dev/null

tap_done

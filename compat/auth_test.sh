#!/usr/bin/env bash
# Epoxy with --auth sigv4 through the JS SDK v3 (compat/js/auth_test.mjs):
# starts a second `epoxy serve` (the binary compat/run.sh built, on PATH)
# with a credentials file on a free port and its own data directory, runs
# the check, stops the server. Prints the check's lines and, last,
# "auth: N passed, M failed".
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir=$(mktemp -d "${TMPDIR:-/tmp}/epoxy-auth.XXXXXX")
pid=""
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$dir"
}
trap cleanup EXIT
printf '[js]\naws_access_key_id = AKIDJS\naws_secret_access_key = js-secret\n' >"$dir/credentials"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
epoxy serve --addr "127.0.0.1:$port" --data "$dir/data" --auth sigv4 --credentials "$dir/credentials" >"$dir/server.log" 2>&1 &
pid=$!
for _ in $(seq 100); do
    python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)' "http://127.0.0.1:$port/healthz" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || { sed 's/^/# server: /' "$dir/server.log"; echo "auth: 0 passed, 1 failed"; exit 1; }
    sleep 0.1
done
out=$(EPOXY_AUTH_ENDPOINT="http://127.0.0.1:$port" NODE_NO_WARNINGS=1 node "$here/js/auth_test.mjs" 2>&1)
rc=$?
echo "$out" | grep -v '^auth-js:'
line=$(echo "$out" | grep -E '^auth-js: [0-9]+ passed, [0-9]+ failed$' | tail -n 1)
if [ -z "$line" ]; then
    echo "auth: 0 passed, 1 failed"
    exit 1
fi
echo "auth: ${line#auth-js: }"
exit "$rc"

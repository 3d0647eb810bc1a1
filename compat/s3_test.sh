#!/usr/bin/env bash
# The built-in S3 through the AWS CLI: `aws s3 mb`, `cp` (up and down, a
# 20 MiB file that the CLI uploads in parts), `sync` (only changed files
# the second time), `ls` (buckets, folders, recursive), `rm` (one object,
# --recursive) and `rb`, all against Epoxy's own address.
#
# Last line: "s3: N passed, M failed". Needs EPOXY_ENDPOINT (run.sh).

set -uo pipefail

: "${EPOXY_ENDPOINT:?EPOXY_ENDPOINT must be set (see compat/run.sh)}"
# shellcheck source=compat/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

passed=0
failed=0
B="s3cli-$$-${RANDOM}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

s3() { aws --endpoint-url "$EPOXY_ENDPOINT" --region us-east-1 s3 "$@"; }

mkdir -p "$tmp/up/sub" "$tmp/down"
printf 'id,v\n1,a\n' >"$tmp/up/a.csv"
printf 'b\n' >"$tmp/up/sub/b.txt"
head -c $((20 << 20)) /dev/urandom >"$tmp/big.bin"

check_ok "mb creates a bucket" s3 mb "s3://$B"
check_py "ls lists the bucket" "'$B' in d" bash -c "aws --endpoint-url '$EPOXY_ENDPOINT' --region us-east-1 s3 ls | awk '{print \$3}' | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read().split()))'"
check_ok "cp uploads a 20 MiB file (multipart)" s3 cp "$tmp/big.bin" "s3://$B/big/big.bin"
check_ok "cp downloads it" s3 cp "s3://$B/big/big.bin" "$tmp/down/big.bin"
check_ok "the download is byte for byte the upload" cmp "$tmp/big.bin" "$tmp/down/big.bin"
check_eq "sync uploads a tree" "2" bash -c "aws --endpoint-url '$EPOXY_ENDPOINT' --region us-east-1 s3 sync --no-progress '$tmp/up' 's3://$B/tree' | grep -c '^upload:' || true"
check_eq "a second sync uploads nothing" "0" bash -c "aws --endpoint-url '$EPOXY_ENDPOINT' --region us-east-1 s3 sync --no-progress '$tmp/up' 's3://$B/tree' | grep -c '^upload:' || true"
check_eq "ls shows folders and files" "PRE sub/ a.csv" bash -c "aws --endpoint-url '$EPOXY_ENDPOINT' --region us-east-1 s3 ls 's3://$B/tree/' | awk '{print (\$1 == \"PRE\") ? \"PRE \" \$2 : \$4}' | sort | paste -sd' '"
check_eq "ls --recursive lists every key" "big/big.bin tree/a.csv tree/sub/b.txt" bash -c "aws --endpoint-url '$EPOXY_ENDPOINT' --region us-east-1 s3 ls --recursive 's3://$B/' | awk '{print \$4}' | paste -sd' '"
check_ok "sync downloads a tree" s3 sync "s3://$B/tree" "$tmp/down/tree"
check_ok "the downloaded tree equals the uploaded one" diff -r "$tmp/up" "$tmp/down/tree"
check_ok "rm deletes one object" s3 rm "s3://$B/tree/a.csv"
check_eq "the object is gone" "tree/sub/b.txt" bash -c "aws --endpoint-url '$EPOXY_ENDPOINT' --region us-east-1 s3 ls --recursive 's3://$B/tree/' | awk '{print \$4}'"
check_ok "rm --recursive empties the bucket" s3 rm --recursive "s3://$B/"
check_ok "rb removes the empty bucket" s3 rb "s3://$B"

echo "s3: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

# Shared helpers of the AWS CLI suites: counters and checks that print
# "ok - ..." / "not ok - ..." lines. Source it after setting passed=0 failed=0.

ok() {
    passed=$((passed + 1))
    echo "ok - $1"
}

not_ok() {
    failed=$((failed + 1))
    echo "not ok - $1"
    if [ -n "${2:-}" ]; then
        printf '%s\n' "$2" | sed 's/^/#   /'
    fi
}

# check_ok DESC CMD...: CMD must exit 0.
check_ok() {
    local desc=$1 out
    shift
    if out=$("$@" 2>&1); then
        ok "$desc"
    else
        not_ok "$desc" "command failed (exit $?): $out"
    fi
}

# check_eq DESC WANT CMD...: CMD must exit 0 and print exactly WANT.
check_eq() {
    local desc=$1 want=$2 out rc
    shift 2
    out=$("$@" 2>&1)
    rc=$?
    if [ $rc -ne 0 ]; then
        not_ok "$desc" "command failed (exit $rc): $out"
    elif [ "$out" != "$want" ]; then
        not_ok "$desc" "expected: $want"$'\n'"got:      $out"
    else
        ok "$desc"
    fi
}

# check_py DESC PYEXPR CMD...: CMD must exit 0 and print JSON; PYEXPR, a
# Python expression over the parsed output `d`, must be true.
check_py() {
    local desc=$1 expr=$2 out rc
    shift 2
    out=$("$@" 2>&1)
    rc=$?
    if [ $rc -ne 0 ]; then
        not_ok "$desc" "command failed (exit $rc): $out"
        return
    fi
    if printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
sys.exit(0 if eval(sys.argv[1]) else 1)
' "$expr" 2>/dev/null; then
        ok "$desc"
    else
        not_ok "$desc" "condition false: $expr"$'\n'"output: $out"
    fi
}

# check_err DESC CODE CMD...: CMD must fail with exit status 254 or 255 and
# mention CODE in its error text.
check_err() {
    local desc=$1 code=$2 out rc
    shift 2
    out=$("$@" 2>&1)
    rc=$?
    if [ $rc -ne 254 ] && [ $rc -ne 255 ]; then
        not_ok "$desc" "expected exit 254/255, got $rc: $out"
    elif [[ "$out" != *"$code"* ]]; then
        not_ok "$desc" "error text lacks $code: $out"
    else
        ok "$desc"
    fi
}

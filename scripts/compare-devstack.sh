#!/bin/bash
#
# compare-devstack.sh DEVSTACK_DIR [DEVSTACK_BINARY]
#
# Runs DevStack's own unit tests and testdata/source-devstack.sh under bash
# and under `devstack sh`, from the DevStack root, and compares the PASS,
# ERROR and FAILED lines (temporary paths and timestamps aside) and the
# exit statuses. Prints SAME or DIFF for each; exits non-zero on any DIFF.

set -u
DEVSTACK_DIR=$(cd "$1" && pwd)
HERE=$(cd "$(dirname "$0")/.." && pwd)
DEVSTACK_BIN=${2:-$HERE/bin/devstack}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

TESTS="test_functions test_ini_config test_ip test_libs_from_pypi test_localconf
test_meta_config test_refs test_truefalse test_vercmp test_worlddump"

function results {
    grep -E "^(PASS|ERROR|FAILED|FAIL)" "$1" |
        sed -E 's#/tmp/tmp\.[A-Za-z0-9]+#TMP#g; s#worlddump-[0-9-]+#worlddump-TIME#g'
}

function compare {
    local name=$1 script=$2 filter=$3
    local bash_status ours_status
    (cd "$DEVSTACK_DIR" && DEVSTACK_DIR=$DEVSTACK_DIR timeout 300 bash "$script") > "$WORK/$name.bash" 2>&1
    bash_status=$?
    (cd "$DEVSTACK_DIR" && DEVSTACK_DIR=$DEVSTACK_DIR timeout 300 "$DEVSTACK_BIN" sh "$script") > "$WORK/$name.ours" 2>&1
    ours_status=$?
    if diff <($filter "$WORK/$name.bash") <($filter "$WORK/$name.ours") > "$WORK/$name.diff" &&
        [[ $bash_status == "$ours_status" ]]; then
        echo "SAME $name (status $bash_status, $($filter "$WORK/$name.bash" | wc -l) lines)"
        return 0
    fi
    echo "DIFF $name (bash status $bash_status, devstack status $ours_status)"
    head -20 "$WORK/$name.diff"
    return 1
}

failed=0
for t in $TESTS; do
    compare "$t" "tests/$t.sh" results || failed=1
done
compare source-devstack "$HERE/testdata/source-devstack.sh" cat || failed=1
exit $failed

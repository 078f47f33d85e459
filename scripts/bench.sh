#!/bin/bash
#
# bench.sh [BENCH OPTIONS]
#
# Times devstack against bash on the same work in alternating pairs, one
# run, and prints the median of the per-pair ratios for each case, with
# each side's median time and memory and the load average before and
# after (scripts/bench/main.go says what each case is):
#
#   dispatch N   `devstack stack` on a generated tree of N extras.d
#                scripts, against testdata/driver.sh in bash
#   sourcing     testdata/source-devstack.sh, DevStack's libraries sourced
#                as stack.sh does, under `devstack sh` and bash
#   start-up     `devstack version` against `bash -c :`
#
# Options go to the measuring program: -pairs N (default 7), -sizes
# 10,100,1000,3000, -only NAME. The sourcing case runs when DEVSTACK_DIR
# names a DevStack checkout, or /tmp/ds-master exists. The binary is
# bin/devstack, built first.
#
# The machine's other work moves the times; the ratios of pairs hold up
# better, and the load average says how busy it was.

set -o errexit -o nounset -o pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$HERE"
make --no-print-directory build > /dev/null
DS=${DEVSTACK_DIR:-}
if [[ -z $DS && -f /tmp/ds-master/stackrc ]]; then
    DS=/tmp/ds-master
fi
go build -o bin/bench ./scripts/bench
exec bin/bench -repo "$HERE" -bin "$HERE/bin/devstack" -devstack-dir "$DS" "$@"

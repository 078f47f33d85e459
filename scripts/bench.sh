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
#   stack.sh     with STACK_PAIRS=N (root only; minutes per pair): a
#                DevStack checkout's stubbed stack.sh, `bash ./stack.sh`
#                against `devstack sh ./stack.sh`, each pair one run of
#                scripts/compare-stack.sh (RUNNER=sh) with CONFIG
#                (STACK_CONFIG, default master-keymysql.conf), which also
#                checks that both did the same
#
# Options go to the measuring program: -pairs N (default 7), -sizes
# 10,100,1000,3000, -only NAME. The sourcing and stack.sh cases run when
# DEVSTACK_DIR names a DevStack checkout, or /tmp/ds-master exists. The
# binary is bin/devstack, built first.
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
bin/bench -repo "$HERE" -bin "$HERE/bin/devstack" -devstack-dir "$DS" "$@"

# stack_ratios N: for each of N runs of compare-stack.sh, the stack row's
# time ratio and the floor: the time devstack waited for programs, over
# bash's time (DEVSTACK_PROGRAMTIMES). A run that found the two sides
# differ says so on standard error.
function stack_ratios {
    local i out times ratio
    for ((i = 0; i < $1; i++)); do
        times=$(mktemp /dev/shm/bench-programs.XXXXXX)
        if ! out=$(DEVSTACK_PROGRAMTIMES=$times RUNNER=sh bash scripts/compare-stack.sh "$DS" "$STACK_CONFIG" 2>&1); then
            echo "pair $((i + 1)): compare-stack.sh found differences:" >&2
            grep -E '^(command|stack|unstack|clean) |^== |^[<>] ' <<< "$out" | head -12 >&2
        fi
        ratio=$(awk -F'|' '$1 ~ /^stack / { gsub(/[ x]/, "", $6); print $6 }' <<< "$out")
        # The first block is stack.sh's: its run and in-programs seconds.
        awk -v ratio="$ratio" '
            /^# / { block++ }
            block == 1 && $1 == "run" { run = $2 }
            block == 1 && $1 == "in" { busy = $3 }
            END { printf "%s %.2f\n", ratio, (run > 0) ? ratio * busy / run : 0 }' "$times"
        rm -f "$times"
    done
}

# median: the median of the numbers on standard input, one per line.
function median {
    sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

if [[ -n ${STACK_PAIRS:-} && -n $DS ]]; then
    STACK_CONFIG=${STACK_CONFIG:-scripts/compare-configs/master-keymysql.conf}
    echo
    echo "stubbed stack.sh ($DS, ${STACK_CONFIG##*/}), $STACK_PAIRS pairs, load average $(cat /proc/loadavg)"
    pairs=$(stack_ratios "$STACK_PAIRS")
    echo "per-pair ratios (devstack sh / bash): $(cut -d' ' -f1 <<< "$pairs" | sort -n | tr '\n' ' ')"
    echo "median: $(cut -d' ' -f1 <<< "$pairs" | median)"
    echo "in programs (the time devstack sh waited for the programs stack.sh runs, over bash's time): $(cut -d' ' -f2 <<< "$pairs" | sort -n | tr '\n' ' ')"
    echo "median: $(cut -d' ' -f2 <<< "$pairs" | median)"
    echo "load average after: $(cat /proc/loadavg)"
fi

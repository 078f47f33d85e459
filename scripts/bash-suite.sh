#!/bin/bash
#
# bash-suite.sh: run bash's own test suite under bash and under
# `devstack sh`, and compare them.
#
# Usage: scripts/bash-suite.sh BASH_TESTS_DIR [TEST...]
#
# BASH_TESTS_DIR is the tests/ directory of a bash source tree, for
# instance:
#     git -C BASH_GIT_MIRROR archive bash-5.2 tests | tar -x -C /tmp/bashsrc
#     scripts/bash-suite.sh /tmp/bashsrc/tests
# TEST names one test (alias, or alias.tests); all of them by default.
#
# Each tests/NAME.tests runs twice, once under bash (the reference: what
# bash prints, not the .right files) and once under `devstack sh`. Each run
# gets a fresh copy of the tests directory and a private /tmp (a mount
# namespace), the same environment, standard input from /dev/null, and
# THIS_SH, which the tests run again as `${THIS_SH} ./x.sub` and
# `${THIS_SH} -c ...`, at the same path for both shells. The output
# (standard output and error together) and the exit status of the devstack
# run give one of:
#     identical  the same output and status as bash
#     different  another output or status
#     crashed    a Go panic in the output (or the message of one the
#                session caught), or killed by a signal
#     hung       still running TIMEOUT seconds after bash's run took
#                as long (some tests sleep for a minute)
#
# Settings, from the environment:
#     DEVSTACK   the binary to test (default: bin/devstack of this checkout)
#     BASH       the reference bash (default: /bin/bash)
#     TIMEOUT    seconds a devstack run may take beyond bash's time before
#                it counts as hung (default: 20)
#     BASH_TIMEOUT  seconds bash's own run may take (default: 180)
#     JOBS       tests run at once (default: 1; timing-sensitive tests may
#                differ under load)
#     KEEP       a directory to keep each test's outputs in, as
#                NAME.bash, NAME.devstack and NAME.diff

set -o nounset -o pipefail

function usage {
    sed -n '3,12p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

function die {
    echo "bash-suite.sh: $*" >&2
    exit 2
}

[[ $# -ge 1 && $1 != -* ]] || usage
TESTS_DIR=$(cd "$1" 2>/dev/null && pwd) || die "$1: no such directory"
shift
compgen -G "$TESTS_DIR/*.tests" >/dev/null || die "$TESTS_DIR has no *.tests files"

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEVSTACK=${DEVSTACK:-$TOP/bin/devstack}
[[ -x $DEVSTACK ]] || die "$DEVSTACK: no such binary (run make build, or set DEVSTACK)"
DEVSTACK=$(cd "$(dirname "$DEVSTACK")" && pwd)/$(basename "$DEVSTACK")
BASH_REF=${BASH:-/bin/bash}
[[ -x $BASH_REF ]] || die "$BASH_REF: no such bash"
TIMEOUT=${TIMEOUT:-20}
BASH_TIMEOUT=${BASH_TIMEOUT:-180}
JOBS=${JOBS:-1}
KEEP=${KEEP:-}

# A private /tmp needs a mount namespace: root gets one as it is, anyone
# else as root of a user namespace of their own.
if unshare -m true 2>/dev/null; then
    UNSHARE=(unshare -m)
elif unshare -Urm true 2>/dev/null; then
    UNSHARE=(unshare -Urm)
else
    die "unshare cannot make a mount namespace here"
fi

if [[ $# -gt 0 ]]; then
    TESTS=()
    for t in "$@"; do
        t=${t%.tests}
        [[ -f $TESTS_DIR/$t.tests ]] || die "$TESTS_DIR/$t.tests: no such test"
        TESTS+=("$t")
    done
else
    TESTS=()
    for f in "$TESTS_DIR"/*.tests; do
        t=${f##*/}
        TESTS+=("${t%.tests}")
    done
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/bash-suite.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM
if [[ -n $KEEP ]]; then
    mkdir -p "$KEEP" || die "$KEEP: cannot create"
    KEEP=$(cd "$KEEP" && pwd)
fi

# The binary is copied next to the runs, so that the private /tmp does not
# hide it when it lives under /tmp; each run hard-links it.
cp "$DEVSTACK" "$WORK/devstack"

# Inside a run, /tmp is the run's own directory: SUITE is where the shell,
# the helpers and the tests are, the same path for both shells, so that
# what the tests print about them is the same.
SUITE=/tmp/.suite

# The helper programs bash's test suite builds from its support/ directory
# (recho prints each argument as argv[N] = <ARG>, with control characters
# as ^X; zecho echoes its arguments without reading options), written as
# scripts of the reference bash so that both shells run the same ones.
function write_helpers {
    local bin=$1
    {
        echo "#!$BASH_REF"
        cat <<'EOF'
LC_ALL=C
i=0
for arg; do
    i=$((i + 1))
    out=
    while [[ -n $arg ]]; do
        c=${arg:0:1}
        arg=${arg:1}
        printf -v n '%d' "'$c"
        if (( n >= 0 && n < 32 )); then
            printf -v c "^\\$(printf '%03o' $((n + 64)))"
        elif (( n == 127 )); then
            c='^?'
        fi
        out+=$c
    done
    printf 'argv[%d] = <%s>\n' "$i" "$out"
done
EOF
    } > "$bin/recho"
    {
        echo "#!$BASH_REF"
        cat <<'EOF'
IFS=' '
printf '%s\n' "$*"
EOF
    } > "$bin/zecho"
    chmod +x "$bin/recho" "$bin/zecho"
}

# run_shell KIND TEST LIMIT: runs TEST.tests under bash or devstack for at
# most LIMIT seconds, and leaves its output, status and time in
# $WORK/TEST.KIND.{out,status,secs}.
function run_shell {
    local kind=$1 name=$2 limit=$3
    local root=$WORK/$name.$kind
    mkdir -p "$root/.suite/bin" "$root/.suite/home"
    cp -R "$TESTS_DIR" "$root/.suite/tests"
    write_helpers "$root/.suite/bin"
    if [[ $kind == bash ]]; then
        ln -s "$BASH_REF" "$root/.suite/bin/bash"
    else
        ln "$WORK/devstack" "$root/.suite/bin/devstack" 2>/dev/null ||
            cp "$WORK/devstack" "$root/.suite/bin/devstack"
        # bash's $0 under -c is the name it was started as: the wrapper
        # passes its own on.
        cat > "$root/.suite/bin/bash" <<EOF
#!$BASH_REF
exec -a "\$0" $SUITE/bin/devstack sh "\$@"
EOF
        chmod +x "$root/.suite/bin/bash"
    fi
    local start=$EPOCHREALTIME status
    # The output file is opened before /tmp is replaced. (Standard error
    # of the group takes this shell's report of a run killed by a signal.)
    { "${UNSHARE[@]}" "$BASH_REF" -c '
        mount --bind "$1" /tmp || exit 125
        cd /tmp/.suite/tests || exit 125
        exec setsid -w timeout -k 5 "$2" env -i \
            PATH=.:/tmp/.suite/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
            HOME=/tmp/.suite/home TMPDIR=/tmp LC_ALL=C LANG=C TZ=UTC USER=root LOGNAME=root \
            TERM=dumb THIS_SH=/tmp/.suite/bin/bash \
            /tmp/.suite/bin/bash "./$3.tests"
    ' run "$root" "$limit" "$name" </dev/null >"$WORK/$name.$kind.out" 2>&1; } 2>/dev/null
    status=$?
    echo "$status" > "$WORK/$name.$kind.status"
    echo "$(( (${EPOCHREALTIME/./} - ${start/./}) / 1000000 ))" > "$WORK/$name.$kind.secs"
    rm -rf "$root"
}

# What a crash leaves in the output: a Go panic or fatal error, or the
# message of a panic the session caught.
CRASH='panic: |^goroutine [0-9]+ \[|^fatal error: |internal error of the bash interpreter'

# classify TEST: prints TEST's result and one line about it.
function classify {
    local name=$1
    local bout=$WORK/$name.bash.out dout=$WORK/$name.devstack.out
    local bst dst bsecs dsecs limit result
    bst=$(<"$WORK/$name.bash.status")
    dst=$(<"$WORK/$name.devstack.status")
    bsecs=$(<"$WORK/$name.bash.secs")
    dsecs=$(<"$WORK/$name.devstack.secs")
    limit=$(<"$WORK/$name.devstack.limit")
    if grep -Eq "$CRASH" "$dout" && ! grep -Eq "$CRASH" "$bout"; then
        result=crashed
    elif [[ $dst == 124 || ( $dst == 137 && $dsecs -ge $limit ) ]]; then
        result=hung
    elif [[ $dst != "$bst" && $dst =~ ^(132|133|134|135|136|137|139|159)$ ]]; then
        # SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGKILL, SIGSEGV, SIGSYS
        result=crashed
    elif [[ $dst == "$bst" ]] && cmp -s "$bout" "$dout"; then
        result=identical
    else
        result=different
    fi
    local detail="status bash $bst, devstack $dst; ${bsecs}s, ${dsecs}s"
    case $result in
    crashed)
        detail+=": $(grep -Eom1 "($CRASH).*" "$dout" || echo "killed by signal $((dst - 128))")"
        ;;
    hung)
        detail+=": no end after ${limit}s"
        ;;
    different)
        detail+=", $(diff -a "$bout" "$dout" | grep -c '^[<>]') lines differ"
        ;;
    esac
    echo "$result" > "$WORK/$name.result"
    printf '%-14s %-10s %s\n' "$name" "$result" "$detail"
    if [[ -n $KEEP ]]; then
        cp "$bout" "$KEEP/$name.bash"
        cp "$dout" "$KEEP/$name.devstack"
        diff -au --label "bash (status $bst)" --label "devstack (status $dst)" \
            "$bout" "$dout" > "$KEEP/$name.diff"
    fi
}

function run_test {
    local limit
    run_shell bash "$1" "$BASH_TIMEOUT"
    limit=$(( $(<"$WORK/$1.bash.secs") + TIMEOUT ))
    echo "$limit" > "$WORK/$1.devstack.limit"
    run_shell devstack "$1" "$limit"
    classify "$1"
}

echo "bash: $("$BASH_REF" -c 'echo $BASH_VERSION'), devstack: $DEVSTACK, ${#TESTS[@]} tests, timeout bash's time + ${TIMEOUT}s"
running=0
for t in "${TESTS[@]}"; do
    if (( running >= JOBS )); then
        wait -n
        running=$((running - 1))
    fi
    run_test "$t" &
    running=$((running + 1))
done
wait

declare -A count=([identical]=0 [different]=0 [crashed]=0 [hung]=0)
for t in "${TESTS[@]}"; do
    r=$(<"$WORK/$t.result")
    count[$r]=$((count[$r] + 1))
done
echo
printf '%-10s %5s\n' result tests
for r in identical different crashed hung; do
    printf '%-10s %5d\n' "$r" "${count[$r]}"
done
printf '%-10s %5d\n' total "${#TESTS[@]}"

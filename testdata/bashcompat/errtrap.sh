# ERR trap, errexit and exit when a failure happens inside sourced files
# and functions. Each case ends its shell, so each runs as a script of its
# own under the shell running this one.
self=$(readlink /proc/$$/exe)
case $self in
    *bash) shell=("$self") ;;
    *) shell=("$self" sh) ;;
esac
export CASES=$(mktemp -d)

function run_case {
    local name=$1
    cat > "$CASES/$name.sh"
    "${shell[@]}" "$CASES/$name.sh" 2>&1
    echo "$name: status $?"
}

cat > "$CASES/lib.sh" <<'EOF'
function lib_call {
    inner_step "$@"
}
EOF

# stack.sh's shape: err_trap and exit_trap, errexit, no errtrace.
run_case stack <<'EOF'
function err_trap {
    local r=$?
    echo "${0##*/} failed $r"
    exit $r
}
function exit_trap {
    local r=$?
    echo "exit_trap $r"
    exit $r
}
trap exit_trap EXIT
trap err_trap ERR
set -o errexit
function inner_step {
    echo "inner step"
    ls /nonexistent-errtrap-dir >/dev/null 2>&1
    echo "not reached"
}
source "$CASES/lib.sh"
lib_call
EOF

run_case top_level <<'EOF'
function err_trap {
    local r=$?
    echo "${0##*/} failed $r at $LINENO ${BASH_LINENO[0]}"
    exit $r
}
trap err_trap ERR
trap 'echo "exit trap $?"' EXIT
set -o errexit
echo "cp /nonexistent-errtrap-file /tmp/" > "$CASES/step.sh"
source "$CASES/step.sh"
echo "not reached"
EOF

run_case substitution <<'EOF'
trap 'echo "err_trap $?"; exit 3' ERR
set -o errexit
function f {
    local x
    x=$(false)
    echo "after in f"
}
echo 'f; echo "after f in inner"' > "$CASES/inner.sh"
source "$CASES/inner.sh"
echo "after source"
EOF

run_case exit_in_trap <<'EOF'
trap 'echo "ERR $? line $LINENO"; exit 7' ERR
trap 'echo "EXIT $?"' EXIT
printf 'echo in step\nfalse\necho "not reached in step"\n' > "$CASES/step.sh"
source "$CASES/step.sh"
echo "not reached"
EOF

run_case once_per_failure <<'EOF'
trap 'echo "ERR $? line $LINENO"' ERR
echo false > "$CASES/step.sh"
source "$CASES/step.sh"
f() { false; }
g() { f; }
g
if true; then false; fi
k() { return 4; }
k
false || true
if g; then :; fi
set -o errtrace
g
echo done
EOF

run_case nested_exit <<'EOF'
trap 'echo "ERR $?"' ERR
trap 'echo "EXIT $?"' EXIT
f() { exit 9; }
g() { f; echo "not reached in g"; }
y=$(g)
echo "substitution $?"
( g )
echo "subshell $?"
echo g > "$CASES/step.sh"
source "$CASES/step.sh"
echo "not reached"
EOF

run_case errexit_guards <<'EOF'
trap 'echo "ERR $? line $LINENO"' ERR
trap 'echo "EXIT $?"' EXIT
set -e
k() { return 3; }
f() {
    false || true
    if false; then :; fi
    k || echo "k failed $?"
    return 0
}
f
printf 'set +e\nfalse\necho "after false with +e"\nset -e\n' > "$CASES/step.sh"
source "$CASES/step.sh"
set -o pipefail
h() { false | true; }
h
echo "not reached"
EOF

run_case return_under_errexit <<'EOF'
trap 'echo "EXIT $?"' EXIT
set -e
k() { return 2; }
m() { k; echo "not reached"; }
m
EOF
rm -rf "$CASES"

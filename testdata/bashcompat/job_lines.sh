# A job's functions keep their lines: LINENO, caller, BASH_LINENO and the
# traces of set -x in a job are bash's.
exec 2>&1
cd "$TMPDIR"
cat > lib.sh <<'EOF'
# a library

helper() {
    echo "helper at $LINENO, called from line ${BASH_LINENO[0]} of ${BASH_SOURCE[1]##*/}"
    inner "$@"
}

inner() {
    local where file
    where=$(caller 0)
    file=${where##* }
    echo "${where% *} ${file##*/}"
    echo "inner at $LINENO: $*"
}
EOF
source ./lib.sh
outer() {
    helper one
}
outer &
wait
PS4='+ ${BASH_SOURCE[0]##*/}:${LINENO}: '
{ set -x; helper two; set +x; } &
wait
pipeline() { echo piped | while read -r word; do inner "$word"; done; }
pipeline &
wait

# trap ERR with the failing line, errtrace, and EXIT.
trap 'echo "ERR at line $LINENO status $?"' ERR
false
echo "after false"
set -o errtrace
f() {
    false
    echo "in f after false"
}
f
trap - ERR
trap 'echo "EXIT trap ran"' EXIT
trap 'echo "TERM caught"' TERM
kill -TERM $$
echo "after TERM"
trap -p EXIT | sed 's/^/listed: /'

# Under errexit, the discarded command exits the shell with status 1.
trap 'echo "EXIT trap, status $?"' EXIT
set -e
readonly R=1
f() { R=2; }
f || echo "not reached"; echo "not reached"
echo "not reached"

# The ERR trap runs once per failure: in functions, subshells and command
# substitutions only with errtrace, and never for a failure whose status
# is tested.
trap 'echo "ERR line $LINENO status $? in ${FUNCNAME[0]:-the shell} level $BASH_SUBSHELL"' ERR
f() { false; echo "f goes on"; return 2; }
g() { f; echo "g goes on"; }
g
f
( false )
x=$(false)
k() { false || true; ! true; if false; then :; fi; return 0; }
k
echo "--- errtrace"
set -E
g
( false )
( f )
x=$(false)
echo "captured [$x]"
h() { local v; v=$(false); echo "h sees $?"; }
h
k
echo a | { false; echo "pipeline goes on"; }
m() { ( false ); }
m
echo "--- errexit"
set -e
n() { echo n; false; echo "not reached"; }
n

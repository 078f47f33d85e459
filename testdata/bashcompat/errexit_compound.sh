# errexit is ignored in all that runs where a status is tested: the left
# of && and ||, conditions, after !, and in the subshells and functions
# started there; elsewhere it ends the subshell, and the shell.
set -e
( false; echo "inner runs" ) || echo "not reached"
f() { false; echo "f goes on"; }
if f; then echo "if f"; fi
f || true
! f
f && echo "f &&"
while f; do break; done
until ! f; do break; done
x=$(f); echo "captured [$x]"
g() { ( false; echo "subshell of a tested function" ); echo "g goes on"; }
g || echo "not reached"
h() { echo a | { false; echo "pipeline of a tested function"; }; }
if h; then echo "h succeeded"; fi
if ! echo a | { false; echo "negated pipeline"; }; then :; fi
k() { ( set -e; false; echo "set -e is ignored too" ); echo "k goes on"; }
k || true
( trap 'echo "EXIT of a tested ( ): $?"' EXIT; false; echo "tested ( ) goes on" ) || echo "not reached"
echo a | { false; echo "tested pipeline goes on"; } || echo "not reached"
! true | false
echo "after ! PIPELINE"
set +e
( set -e; trap 'echo "EXIT of ( ) ended by errexit: $?"' EXIT; false; echo "not reached" )
echo "errexit set in ( ) ends it only: $?"
set -e
echo x | { false; echo "not reached"; }
echo "not reached either"

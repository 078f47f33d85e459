# A declaration, (( )), a for loop or a command's prefix assignment that
# assigns to a readonly variable fails with bash's message (the builtin's
# name for declare, typeset and local); the script goes on with the next
# command, and a for loop's body does not run. A command with a prefix
# assignment still runs, its status the command's.
trap 'echo "ERR trap at $LINENO"' ERR
readonly R=1
declare R=3; echo "declare: $?"
typeset R=8; echo "typeset: $?"
f() { local R=4; echo "local: $?"; }; f; echo "after f: $?"
g() { local R; echo "bare local: $? R=$R"; }; g
export R=6; echo "export: $?"
readonly R=7; echo "readonly: $?"
declare -i R=2; echo "declare -i: $?"
declare R; export R; readonly R; echo "no value: $?"
false
declare x=$?; echo "status kept: x=$x"
(( R=3 )); echo "arithmetic: $?"
(( y=2, R+=1 )) || echo "arithmetic failed"
for R in 1 2; do echo "not reached"; done; echo "for: $?"
R=5 echo "prefix runs"; echo "prefix: $?"
false; R=5 echo "prefix sees $?"
echo "R=$R"
trap - ERR
set -x
typeset T=1
R=2 true
(( R++ ))
declare R=3
set +x
# Under nounset, the names checked need not be set.
set -u
declare fresh=1; (( next = fresh + 1 )); for k in a; do echo "nounset: $fresh $next $k"; done
NEWVAR=1 true; echo "nounset prefix: $?"
set +u
set -e
local_fail() { local R=4; echo "not reached"; }
local_fail
echo "not reached"

# Assigning to a readonly variable is an error in bash's words, with the
# file and line, and discards the rest of the command line it is on (a
# function's error, the whole line that called the function); the script
# goes on with the next line, with $? at 1.
trap 'echo "ERR trap at $LINENO"' ERR
trap 'echo "EXIT trap, status $?"' EXIT
readonly R=1
R=2; echo "not reached"
echo "next line: $?"
R=3
echo "own line: $?"
R+=4; echo "not reached"
set_r() { R=5; echo "not reached"; }
outer() { set_r; echo "not reached"; }
outer; echo "not reached"
echo "after a function: $? R=$R"
if true; then
    R=6
    echo "not reached"
fi; echo "not reached"
echo "after if: $?"
for i in 1 2; do R=$i; echo "not reached"; done
echo "after for: $?"
R=7 || echo "not reached"; echo "not reached"
echo "after ||: $?"
readonly -a A=(1 2)
A[0]=5; echo "not reached"
A+=(3); echo "not reached"
A=(); echo "not reached"
echo "array: ${A[*]}"
declare -rA M=([k]=v)
M[k]=w; echo "not reached"
echo "map: ${M[k]}"
( R=8; echo "not reached" ); echo "subshell: $?"
x=$(R=9; echo "not reached"); echo "substitution: $? [$x]"
{ R=10; echo "not reached"; } 2>/dev/null & wait $!; echo "background job: $?"
false; y=$?; echo "status kept: $y"
R=11; echo "not reached"

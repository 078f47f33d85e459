# In eval, an assignment to a readonly variable (on its own, as a prefix,
# in a declaration, or in a function the text calls) has bash's message,
# at the line of the eval plus the line in its text; it discards the rest
# of that line of the text, and eval goes on with the next, failing with
# status 1 when the line discarded was its last. In a subshell the
# subshell exits; under errexit the shell does. xtrace shows the text's
# commands one level deeper; declare -f prints a function it defines as
# written.
trap 'echo "EXIT trap, status $?"' EXIT
readonly R=1
eval $'echo a\nR=2\necho "next line of the text"'; echo "multi-line: $?"
eval $'echo b\n\necho "LINENO $LINENO"; R=2'; echo "last line: $?"
eval 'R=2 true; echo "prefix ran"'; echo "prefix: $?"
eval 'declare R=2; echo "declare ran"'; echo "declare: $?"
eval 'R[0]=1; echo "not reached"'; echo "element: $?"
eval 'eval "R=3; echo not reached"; echo "inner: $?"'; echo "nested: $?"
x=$(eval 'R=4; echo "not reached"'; echo "not reached"); echo "substitution: [$x]"
( eval 'R=4; echo "not reached"'; echo "not reached" ); echo "subshell: $?"
f() { eval 'R=5; echo "not reached"'; echo "in f: $?"; }; f; echo "f: $?"
set_r() { R=9; echo "not reached"; }
eval set_r; echo "function: $?"
eval 'set_r; echo "not reached"'; echo "function, rest of the line: $?"
eval $'set_r\necho "next line after a function"'; echo "function, next line: $?"
v=R
eval "$v=6"; echo "name from a variable: $?"
eval "g() { local a=\$1; echo \"\$a\" | cat; }"
declare -f g; g "function defined by eval"
set -x
eval "x=1; echo \$x"
v=$(eval "echo substitution")
eval "R=3"
set +x
trap 'echo "ERR trap at $LINENO"' ERR
eval 'R=6'; echo "with an ERR trap: $?"
trap - ERR
set -e
eval 'R=7'; echo "not reached"

# Under set -u, expanding an unset variable is an error in bash's words,
# "FILE: line N: NAME: unbound variable" ($1 for a positional parameter,
# arr[1] for an element), and the shell exits with status 1: in a command's
# words, an assignment, a declaration, a function (the line of the use),
# $( ), [[ ]], (( )), $(( )), for, case, && and || lists and pipelines.
# Operators that allow an unset variable, and ${arr[@]}, do not fail.
trap 'echo "EXIT trap, status $?"' EXIT
set -u
arr=(1)
( echo $X; echo "not reached" ); echo "word: $?"
( echo "a ${X} b"; echo "not reached" ); echo "quoted: $?"
( y=$X; echo "not reached" ); echo "assignment: $?"
( y=1 z=$y; echo "assigned in order: $z"; w=$NOPE; echo "not reached" ); echo "later assignment: $?"
( f() { echo "in f"
    echo $Z; echo "not reached"; }
  f; echo "not reached" ); echo "function: $?"
v=$(echo $Q; echo "not reached"); echo "substitution: $? [$v]"
( echo "${arr[@]}" "${arr[0]}"; echo "${arr[1]}"; echo "not reached" ); echo "element: $?"
( i=2; echo "${arr[$i]}"; echo "not reached" ); echo "element by variable: $?"
( declare -A m=([a]=1); echo "${m[k]}"; echo "not reached" ); echo "key: $?"
( echo $(( U + 1 )); echo "not reached" ); echo "arithmetic: $?"
( (( n = UNDEF + 1 )); echo "not reached" ); echo "arithmetic command: $?"
( (( fresh = 2 )); echo "assigned $fresh" ); echo "arithmetic assignment: $?"
( (( cnt++ )); echo "not reached" ); echo "increment: $?"
( echo ${#U}; echo "not reached" ); echo "length: $?"
( echo "${U//a/b}"; echo "not reached" ); echo "replacement: $?"
( echo ${U:-default} ${U-} ${U:+alt} "${U+x}"; echo "operators pass" ); echo "operators: $?"
( echo "array: $arr"; B=(); echo $B; echo "not reached" ); echo "empty array: $?"
( declare -A M=([0]=z); echo "map: $M"; declare -A N=([k]=v); echo $N; echo "not reached" ); echo "map: $?"
( declare -n ref=T; echo $ref; echo "not reached" ); echo "reference: $?"
g() { echo "args: $#"; echo "$1"; echo "not reached"; }
( g ); echo "positional: $?"
( g a ); echo "positional set: $?"
( [[ -n ${S-} && $T == x ]]; echo "short circuit"; [[ $T == x ]]; echo "not reached" ); echo "test: $?"
( [[ -n ${S-} || $T == x ]]; echo "not reached" ); echo "test, second part: $?"
( false; echo "status $? kept"; echo "$? $NOPE"; echo "not reached" ); echo "with \$?: $?"
( local_fn() { local a=$NOPE; echo "not reached"; }; local_fn ); echo "local: $?"
( true && echo $A1; echo "not reached" ); echo "and: $?"
( false || echo $A2; echo "not reached" ); echo "or: $?"
( echo $A3 && echo "not reached"; echo "not reached" ); echo "first of and: $?"
( true && [[ $A4 == x ]]; echo "not reached" ); echo "test in and: $?"
( true && local_x=$A5; echo "not reached" ); echo "assignment in and: $?"
( false; true && echo "status $? $A6"; echo "not reached" ); echo "status in and: $?"
# A command of a pipeline is a subshell of its own: the pipeline goes on.
( trap - EXIT; echo $P1 | cat; echo "pipeline, first: $?" )
( trap - EXIT; echo x | grep -c $P2; echo "pipeline, last: $?" )
( for x in a $L; do :; done; echo "not reached" ); echo "for: $?"
( case $C in *) ;; esac; echo "not reached" ); echo "case: $?"
( echo a \
    $MULTI; echo "not reached" ); echo "over two lines: $?"
( echo "$X" 2>/dev/null; echo "not reached" ); echo "stderr redirected: $?"
( eval 'echo $EV'; echo "not reached" ); echo "eval: $?"
set +u
echo "off: [$OFF]"
set -o nounset
echo $END
echo "not reached"

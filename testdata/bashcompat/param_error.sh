# ${NAME:?WORD} and ${NAME?WORD} where NAME is not set: bash's message,
# with the file and line, and the shell exits with status 1 (its EXIT
# trap sees 1; the ERR trap does not run). In a subshell or a command
# substitution, only that shell exits.
trap 'echo "ERR trap"' ERR
trap 'echo "EXIT trap, status $?"' EXIT
x=1 empty=
echo "set: ${x:?} ${x?} [${empty?}]"
( echo "${unset:?}"; echo "not reached" ); echo "subshell: $?"
( : ${empty:?"is  empty: $x"}; echo "not reached" ); echo "message: $?"
( : ${unset?}; echo "not reached" ); echo "no colon: $?"
v=$(echo "${unset?custom words}"; echo "not reached"); echo "substitution: $? [$v]"
usage() { echo "${1:?usage: usage NAME}"; }
usage a
( usage; echo "not reached" ); echo "function: $?"
dir=$(mktemp -d)
printf 'echo "${unset:?in a sourced file}"\n' > "$dir/sourced.sh"
( . "$dir/sourced.sh"; echo "not reached" ) 2>&1 | sed "s|$dir/||"
rm -r "$dir"
y=${unset:?}; echo "not reached"
echo "not reached"

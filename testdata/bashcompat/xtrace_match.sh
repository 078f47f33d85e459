# [[ X == "Y" ]] with a quoted right side matches it as it is, and set -x
# traces each character of it escaped; an unset word under nounset, a
# failure under errexit and the ERR trap behave as bash has them.
check() {
    if [[ "$1" == "source" ]]; then
        echo "source $*"
    elif [[ "$1" == "stack" && "$2" == "install" ]]; then
        echo "install $*"
    elif [[ $1 != 'un*stack' && "$1" = "a \"b\" \$c" ]]; then
        echo "quoted $*"
    elif [[ x$1 == x"" || ${1:-none} == "none" ]]; then
        echo "empty $*"
    fi
}
check source
check stack install
check stack post-config
check 'a "b" $c'
check ''
check 'un*stack'
x='a b'; y=*
[[ $x == "a b" ]] && echo spaces
[[ $y == "*" ]] && echo star
[[ $x == "*" ]] || echo "no star"
[[ ~ == "~" ]] || echo "tilde expanded"
[[ ${x/ /-} == "a-b" && ${x:2} == "b" && ${#x} == "3" ]] && echo operators
[[ a\ b == "$x" && "$x" == "a"' '"b" ]] && echo "escaped and mixed"
set -x
check stack install
check 'a "b" $c'
[[ $x != "a b" ]] || echo "!= fails"
[[ a\ b == "$x" && "$x" == "a"' '"b" ]]
empty=
[[ $empty == "" && "$empty" = '' && a != "$empty" ]]
PS4='+ [$LINENO] '
[[ "$x" = 'a b' ]]
echo "status $?"
set +x
trap 'echo "ERR: $?"' ERR
[[ "$x" == "c" ]]
echo "after ERR $?"
trap - ERR
(set -u; [[ "$x" == "c" && "$unset_var" == "d" ]]; echo "short-circuit $?")
(set -u; [[ "$unset_var" == "d" ]]; echo notreached) 2>&1 | sed 's/^.*line [0-9]*: //'
set -e
[[ "$x" == "a b" ]]
echo "still here"
[[ "$x" == "c" ]]
echo notreached

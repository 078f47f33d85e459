# No variable has the empty name: unset, test -v and [[ -v ]] say so, as
# a function checking a name it was given finds.
function isset {
    [[ -v "$1" ]]
}
isset ""; echo "isset '': $?"
isset HOME; echo "isset HOME: $?"
name=
[[ -v $name ]]; echo "[[ -v \$name ]]: $?"
[[ -v "" ]]; echo "[[ -v '' ]]: $?"
test -v ""; echo "test -v '': $?"
[ -v "" ]; echo "[ -v '' ]: $?"
gone=1
unset "" gone; echo "unset '' gone: $? ${gone-unset}"
unset -v ""; echo "unset -v '': $?"

# A negative count is refused.
set -- a b c
shift -1; echo "shift -1: $? $#"

# declare and friends.
f() {
    declare -g GLOBAL_FROM_F=set
    local -i n=2+3
    local naked
    echo "n=$n naked=[$naked]"
    typeset -xr READONLY_EXPORTED=yes
    echo "inside: $READONLY_EXPORTED"
}
naked=outer
f
echo "GLOBAL_FROM_F=$GLOBAL_FROM_F READONLY_EXPORTED=${READONLY_EXPORTED:-unset}"
declare -A map=([one]=1 [two]=2)
echo "map: ${map[one]} ${map[two]} $(printf '%s\n' "${!map[@]}" | sort | tr '\n' ' ')"
target=value
declare -n ref=target
echo "nameref: $ref"
ref=changed
echo "target now: $target"
g() { :; }
declare -F g nope; echo "declare -F status $?"
declare -f g >/dev/null && echo "declare -f g ok"
export -f g; echo "export -f status $?"
printf -v formatted '%05d' 42
echo "printf -v: $formatted"
name=target
echo "indirect: ${!name}"

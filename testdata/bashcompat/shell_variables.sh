# Variables bash sets itself: HOSTNAME (DevStack names etcd's member after
# it), and arrays assigned through a nameref, as lib/tempest fills its
# image list.
[[ $HOSTNAME == "$(hostname)" ]] && echo "HOSTNAME is the host's name"
unset HOSTNAME
echo "unset: [${HOSTNAME-}]"
fill() {
    declare -n list=$1
    declare -n last=$2
    list=()
    local word
    for word in "a b" c; do
        last=$word
        list+=($word)
    done
    list+=("d e")
}
show() {
    declare -a items=(old)
    fill items final
    echo "${#items[@]}: ${items[*]} (last: $final)"
}
show

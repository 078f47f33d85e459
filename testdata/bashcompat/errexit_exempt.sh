# Under errexit, a failure bash exempts (a condition, the left of && or
# ||) leaves a non-zero $? that the next command must see, and that must
# not stop the shell, whatever construct comes next; with xtrace off and
# on.
set -o errexit
constructs() {
    if [[ a == b ]]; then
        :
    else
        for i in 1; do
            local conf
            conf=x
            echo "for $i $conf"
        done
    fi
    [[ -r /nonexistent ]] && echo "not reached"
    case $? in
        1) echo "case sees 1" ;;
    esac
    false || false || [[ -n "" ]] && echo "not reached"
    (( $? == 1 )) && echo "arithmetic sees 1"
    ! true
    let "n = 1 + 1"
    echo "let n=$n"
    [[ -d /nonexistent ]] && echo "not reached"
    declare -a arr=(1 2)
    echo "arr ${arr[*]}"
    [[ -d /nonexistent ]] && echo "not reached"
    ls /nonexistent 2> /dev/null && echo "not reached"
    echo "after a redirected failure: $?"
    sh -c 'exit 3' &> /dev/null || status=$?
    if [[ $status > 0 ]]; then
        echo "status $status"
    fi
}
constructs
set -o xtrace
constructs 2>/dev/null
set +o xtrace
echo done

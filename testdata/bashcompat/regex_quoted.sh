# The quoted parts of the right side of =~ match themselves; the unquoted
# parts are the regular expression. DevStack writes [[ $DISTRO =~ "rhel" ]].
x=.v
re='^a.v$'
check() {
    if [[ $1 =~ $2 ]]; then echo "match $1 ${BASH_REMATCH[0]}"; else echo "no $1"; fi
}
[[ fooXvmdk =~ '.vmdk' ]] && echo t1 || echo f1
[[ foo.vmdk =~ '.vmdk' ]] && echo t2 || echo f2
[[ fooXvmdk =~ ".vmdk" ]] && echo t3 || echo f3
[[ aXv =~ "$x" ]] && echo t4 || echo f4
[[ a.v =~ ^a"$x"$ ]] && echo t5 || echo f5
[[ aXv =~ $re ]] && echo t6 || echo f6
[[ aXv =~ "$re" ]] && echo t7 || echo f7
[[ 'a(b)' =~ "(b)" ]] && echo "t8 ${BASH_REMATCH[0]}" || echo f8
[[ abc =~ a(b)(c) ]] && echo "t9 ${BASH_REMATCH[1]}${BASH_REMATCH[2]}"
[[ 'x$y' =~ "\$y" ]] && echo t10 || echo f10
check a.v "$re"
check 12 '^[0-9]+$'
set -x
[[ aXv =~ '.v' ]]
[[ aXv =~ "$x" ]]
[[ a.v =~ ^a"$x"$ ]]
[[ aXv =~ \.v ]]
[[ aXv =~ $re ]]
set +x

# Indirection: ${!name} with an operator, through an array's element, and
# through positional parameters, as inc/python's pip_install, stack.sh's
# password prompts and functions-common's trueorfalse use it.

x=y; y=val
echo ${!x:+alt} ${!x:-d} "${!x#v}" "${!x/a/A}" "${#x}"
unset y; echo "[${!x:-d}] [${!x-unset}] [${!x:+alt}]"
y=; echo "[${!x-unset}] [${!x:-empty}] [${!x+set}] [${!x:+alt}]"
echo "[${!x:=assigned}] y=$y"

a=(p q r); n='a[2]'; echo ${!n}
n='a[1+1]'; echo "${!n}"
n='a[5]'; echo "[${!n:-none}]"
declare -A m=([k]=v [a-b]=w); n='m[k]'; echo "${!n} ${!n/v/V}"
n='m[a-b]'; echo "${!n}"

# trueorfalse as functions-common defines it.
function trueorfalse {
    local xtrace
    xtrace=$(set +o | grep xtrace)
    set +o xtrace
    local default=$1
    if [ -z $2 ]; then
        echo $default
        return
    fi
    local testval=${!2:-}
    case "$testval" in
        "1" | [yY]es | "YES" | [tT]rue | "TRUE" ) echo "True" ;;
        "0" | [nN]o | "NO" | [fF]alse | "FALSE" ) echo "False" ;;
        * )                                   echo "$default" ;;
    esac
    $xtrace
}
ENABLE_THING=yes; DISABLE_THING=0
echo "$(trueorfalse False ENABLE_THING) $(trueorfalse True DISABLE_THING) $(trueorfalse True UNSET_THING)"

# pip_install's last argument, its [extras] cut off.
function package_dir {
    local package_dir=${!#%\[*\]}
    echo "$# args, dir $package_dir, last ${!#}"
}
package_dir -U -e /opt/stack/nova[test,doc]
set -- one two three
i=2; echo "${!i} ${!#}"

# A password read by name, as stack.sh's read_password does.
var=SERVICE_PASSWORD; SERVICE_PASSWORD=secret
pw=${!var}
echo "$var=$pw"
for v in SERVICE_PASSWORD NOT_SET; do
    if [ ${!v} ]; then echo "export $v=${!v}"; else echo "$v empty"; fi
done

# A nameref's ${!ref} is the name it refers to.
target=t; declare -n ref=target; echo "${!ref} $ref"
f() { local -n inner=$1; echo "${!inner}:${inner}"; }
f target

set -x
x=y; y=traced
echo ${!x} ${!x:+alt}
set +x

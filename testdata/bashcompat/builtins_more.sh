# let, command -v/-V, type, shopt, umask -S and how set -x shows them.
let "x = 1 + 2"
echo "let with spaces: $x"
let "y = x * 2" "z = y - 6" || echo "let's last value is 0: status $?"
greet() {
    local who=${1:-world}
    if [[ -n $who ]]; then
        echo "hello $who"
    fi
}
command -V echo
command -V cd
command -V greet
command -V if
command -V ls | sed 's#is .*/ls$#is a file#'
command -v echo
command -v greet
command -v if
command -v ls | sed 's#.*/ls$#a path#'
command -v no_such_cmd || echo "command -v not found: $?"
command -V no_such_cmd
echo "command -V not found: $?"
command -v echo no_such_cmd greet
echo "command -v with one found: $?"
command -p echo "command -p runs"
command -- echo "command -- runs"
command -x ls
echo "command -x: $?"
type greet
type -t echo greet if ls
type -p echo
echo "type -p of a builtin: $?"
type no_such_cmd
echo "type not found: $?"
type -t no_such_cmd
echo "type -t not found: $?"
type -f greet
echo "type -f skips functions: $?"
shopt -q extglob
echo "extglob unset: $?"
shopt -s extglob
shopt -q extglob
echo "extglob set: $?"
shopt -p extglob nullglob
shopt extglob nullglob
echo "listing with one off: $?"
shopt -u extglob
shopt -q extglob nullglob
echo "both unset: $?"
shopt -s no_such_option
echo "unknown option: $?"
shopt -s -u extglob
echo "set and unset: $?"
shopt -ps
shopt -po errexit
shopt -o nounset
umask 022
umask -S
umask 077
umask -S
umask
exec 2>&1
TIMEFORMAT='t=%0R'
set -x
let "x = 2 + 3"
printf '%q\n' "a b"
printf -v v '%s' traced
command -V echo
type -t echo
shopt -q extglob
read -d , r <<< "p,q"
exec 3>&1
echo fd >&3
exec 3>&-
time true
set +x

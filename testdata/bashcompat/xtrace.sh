# xtrace honours PS4, including a PS4 that calls a function.
exec 2>&1
function where {
    echo -n "${BASH_SOURCE[1]##*/}:${FUNCNAME[1]:-main}"
}
PS4='+ $(where): '
x=1
set -o xtrace
echo "x is $x"
f() { echo "in f"; }
f
set +o xtrace
echo done

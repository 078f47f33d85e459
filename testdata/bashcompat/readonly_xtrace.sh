# xtrace shows an assignment to a readonly variable before its error.
readonly -a A=(1)
readonly R=1
v=x
set -x
A[0]=5
A=(3 $v)
R=$v
R+=y
R="a b"
set +x
echo "status $?"

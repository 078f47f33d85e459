# unset refuses a readonly variable, in bash's words, and goes on with
# the other names.
readonly R=1
x=1
unset x R y
echo "status $? x=${x-unset} R=$R"
unset R
echo "status $?"
f() { :; }
unset -f f
echo "function unset: $?"

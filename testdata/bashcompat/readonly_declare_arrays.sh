# A declaration that assigns a list to a readonly variable: outside a
# function, and always for export and readonly, the message has no
# builtin's name and the line is discarded, as for an assignment; in a
# function, declare, local and typeset write the function's name, then
# their own, and fail with status 1, the others assigned. An element
# (R[0]=1) fails with the builtin's message.
readonly R=1
declare -a R=(1); echo "not reached $?"
declare R=(1) X=2; echo "not reached $?"
echo "X=${X-unset}"
readonly R=(1); echo "not reached"
export R=(1); echo "not reached"
typeset -a R=(1); echo "not reached"
declare R[0]=1; echo "element: $?"
f() { declare -a R=(1); echo "declare in f: $?"; }; f; echo "after f: $?"
f2() { local R=(1) X=2; echo "local in f2: $? X=$X"; }; f2
f3() { local R[0]=1 Y=3; echo "element in f3: $? Y=$Y"; }; f3
f4() { typeset -a R=(1); echo "typeset in f4: $?"; }; f4
f5() { export R=(1); echo "not reached"; }; f5; echo "not reached"
echo "after f5: $?"
f6() { readonly R=(1); echo "not reached"; }; f6; echo "not reached"
g() { f7; }; f7() { local -a R=(1); echo "nested: $?"; }; g
declare -a A=(1); readonly A; declare -a A=(2); echo "not reached"
echo "end"

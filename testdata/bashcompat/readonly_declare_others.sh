# A declaration that names a readonly variable among others assigns the
# others (their $( ) runs), says which is readonly, and fails with status
# 1; under xtrace it is traced with its values, and export and readonly
# trace each assignment again.
readonly R=1
X=old
declare D1=1 R=3 D2=$(echo "substitution ran" >&2; echo 2); echo "declare: $? D1=$D1 D2=$D2"
f() { local X=in R=2 Z="a b"; echo "local: $? X=$X Z=$Z"; }; f; echo "after f: X=$X Z=${Z-unset}"
export E1=1 R=3 E2=2; echo "export: $? $(env | grep -c '^E[12]=')"
typeset T1=1 R=3 T2=2; echo "typeset: $? $T1 $T2"
readonly O1=1 R=3 O2=2; echo "readonly: $? $O1 $O2"
O1=5; echo "still readonly: $?"
A=a; declare A+=b R+=c; echo "append: $A"
declare -i N=1+2 R=3; echo "integer: N=$N"
false; declare K=$? R=1; echo "status kept: K=$K"
g() { local -r L=1 R=2; L=3; echo "not reached"; }; g; echo "local -r: $?"
set -x
declare P=1 R=$(echo 7) Q='x y'
export E3=1 R=3 E4="a b"
readonly O3=1 R=3
set +x

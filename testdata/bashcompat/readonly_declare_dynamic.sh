# A declaration whose names are known only as it runs ("$v"=1,
# "$name=$value") refuses a readonly one in bash's words, with the file
# and line, assigns the others, and fails with status 1; one that names a
# readonly variable without a value is no error.
readonly R=1
v=R w=W
declare "$v"=1; echo "declare: $?"
declare "$w"=1 X=2 "$v"=3; echo "mixed: $? W=$W X=$X"
g() { local "$v=2"; echo "local: $?"; local "$w=a b"; echo "local W=$W"; }; g
export "$v"; echo "export, no value: $?"
export "$v"=5; echo "export: $?"
readonly "$v"; echo "readonly, no value: $?"
n="S=x y"; declare "$n"; echo "S=$S"
declare -x "$v"=1 Y=2; echo "with an option: $? Y=$Y"
set -x
declare "$w"=4 "$v"=1
set +x

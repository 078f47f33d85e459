# set -x traces assignments, declarations, [[ ]], (( )), let, for and case
# as bash does, quoted as bash quotes them, with one more PS4 character per
# level of command substitution.
exec 2>&1
set -x
x=1
y="a b"
q="it's"
w=$'a\nb'
arr=(a "b c")
x+=2
arr[1]=zz
f() { local v=$1; local u; local -a ar=(1 2); export E=1; declare -r R="r r"; readonly RO=1; echo "$v"; }
f "p q"
[[ -n $x && $x == 12 ]]
[[ $y == a* ]]
[[ $y == "a*" ]]
[[ ! -f /nonexistent ]]
[[ -z $y || $y != b ]]
[[ $y ]]
(( x > 1 ))
((x++))
let y=3 z=x+1
for i in a "b c"; do :; done
g() { for j; do :; done; }
g 1
case $x in 13) echo t;; esac
echo $(echo nested $(echo deep))
echo '' "" a\*b '$x' "a'b" '#a' a#b '{' '!' a=b x~
r=$(false)
echo "status $?"
PS4='+ line $LINENO: '
v=$(echo in)
set +x
echo done

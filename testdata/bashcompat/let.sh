# let: arguments are words, each evaluated as an expression; the status is
# 1 when the last one is 0, which errexit sees.
args=(a b c)
let last="${#args[*]} - 1"
echo "last=$last status $?"
let x="3 - 1"
echo "x=$x status $?"
node_number=1
let "node_number=node_number+1"
echo "node_number=$node_number"
let "a = node_number + 1"
echo "a=$a"
i=0
let i++ && echo "not reached" || echo "i++ from 0 status $?"
let i++ && echo "i=$i status 0"
let "z = 5 - 5" || echo "zero status $?"
let 1 0 || echo "last zero status $?"
let 0 1 && echo "last non-zero status $?"
let y=4 w=y*2
echo "y=$y w=$w"
f() { local n=1; let n+=2; echo "local n=$n"; }
f
echo "global n=${n:-unset}"
builtin let "q = 7 - 2" && echo "builtin let q=$q"
eval 'let "e = 2 - 1"' && echo "eval let e=$e"
set -e
let k="2 - 1"
echo "k=$k survives errexit"

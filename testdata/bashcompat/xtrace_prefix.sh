# xtrace of a command with prefix assignments: each assignment on a line
# of its own, with its value, before the command; where stderr is
# redirected, the trace goes where it went before, words in $( ) too.
set -x
f() { echo "f X=$X Y=$Y"; }
X='a b' Y=2 f
X=$(echo q r) f 2>/dev/null
g() { LC_ALL=C X=in f; }
g
readonly R=1
R=2 f
true || X=3 f && echo ok
X=6 command true
y=$(X=7 f 2>&1)
set +x
echo done

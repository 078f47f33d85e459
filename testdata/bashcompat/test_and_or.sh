# In [[ ]], && binds tighter than ||, and ! takes the primary after it;
# parentheses group; set -x traces each primary evaluated, those inside
# parentheses too.
for a in 0 1; do for b in 0 1; do for c in 0 1; do
  A=$a B=$b C=$c
  [[ $A == 1 && $B == 1 || $C == 1 ]] && r1=y || r1=n
  [[ $A == 1 || $B == 1 && $C == 1 ]] && r2=y || r2=n
  [[ ! $A == 1 && $B == 1 ]] && r3=y || r3=n
  [[ $A == 1 && ! $B == 1 || $C == 1 ]] && r4=y || r4=n
  [[ ( $A == 1 || $B == 1 ) && $C == 1 ]] && r5=y || r5=n
  [[ ( $A == 1 && $B == 1 || $C == 1 ) ]] && r6=y || r6=n
  [[ ! ( $A == 1 && $B == 1 ) || $C == 1 ]] && r7=y || r7=n
  echo "$a$b$c $r1$r2$r3$r4$r5$r6$r7"
done; done; done
set -x
A=0 B=1 C=1
[[ $A == 1 && $B == 1 || $C == 1 ]]
[[ ! $A == 1 && $B == 1 ]]
[[ ( $A == 1 && $B == 1 || $C == 1 ) ]]
[[ ! ( $A == 1 && $B == 1 ) || $C == 1 ]]
[[ ( $A == 1 ) ]]
[[ -n $A && ( -z $B || $C == 1 ) ]]
set +x; set -e; A=1; [[ ! ( $A == 1 ) ]]; echo notreached

# SECONDS: whole seconds since the shell started; an assignment sets the
# count from which it goes on.
[[ $SECONDS =~ ^[0-9]+$ ]] && echo "SECONDS is a number"
(( SECONDS < 5 )) && echo "SECONDS small at start"
SECONDS=100
(( SECONDS >= 100 && SECONDS < 105 )) && echo "SECONDS counts on from 100"
SECONDS=0
(( SECONDS < 5 )) && echo "SECONDS reset to 0"
sub=$(echo "$SECONDS")
(( sub < 5 )) && echo "SECONDS in a substitution"
reset() { SECONDS=50; }
reset
(( SECONDS >= 50 )) && echo "SECONDS assigned in a function"
echo "stack.sh completed in $(( SECONDS - SECONDS )) seconds."

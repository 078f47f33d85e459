# What a subshell changes ends with it: the last command of a pipeline, ( ),
# $( ) and background statements each run in one, with their own
# variables, directory, umask, traps and BASHPID; a subshell's EXIT trap
# runs when it ends, and inside $( ) its output is captured.
cd "$TMPDIR"
umask 022
x=0
echo 1 | while read -r line; do x=$line; done
echo "x after a pipeline: $x"
echo 1 | { read -r y; echo "y in the pipeline: $y"; }
echo "y after it: ${y-unset}"
( umask 077; cd /; trap 'echo "subshell EXIT, status $?"' EXIT; echo "in ( ): $(umask) $PWD" )
echo "after ( ): $(umask) ${PWD#"$TMPDIR"}."
( umask 077; : > private; mkdir privdir )
ls -ld private privdir | cut -c1-10
v=$(trap 'echo "substitution EXIT"' EXIT; echo value)
echo "captured: [$v]"
( trap 'echo "EXIT after exit, status $?"' EXIT; exit 3; echo "not reached" )
echo "status of ( exit 3 ): $?"
echo 5 | exit 5
echo "status of a pipeline's exit: $?"
trap 'echo "main EXIT"' EXIT
trap 'echo int' INT
( trap )
( trap - INT; trap )
echo "listing in \$( ): $(trap -p EXIT)"
[ "$BASHPID" = "$$" ] && echo "BASHPID is \$\$ in the shell"
( [ "$BASHPID" != "$$" ] && echo "BASHPID differs in ( )" )
z=$([ "$BASHPID" != "$$" ] && echo "BASHPID differs in \$( )")
echo "$z"
echo | { [ "$BASHPID" != "$$" ] && echo "BASHPID differs in a pipeline"; }
{ [ "$BASHPID" != "$$" ] && echo "BASHPID differs in a job"; } &
wait
( inner=$BASHPID; ( [ "$BASHPID" != "$inner" ] && echo "nested subshells differ" ) )
echo "levels: $BASH_SUBSHELL $(echo $BASH_SUBSHELL) $( (echo $BASH_SUBSHELL) )"
( umask 027 & wait ); umask
f() {
    echo a | while read -r l; do return 4; done
    echo "return in a pipeline's loop: $?"
    ( return 6 )
    echo "return in ( ): $?"
}
f
false
( echo "\$? at the start of ( ): $?" )
false
w=$(echo "\$? at the start of \$( ): $?")
echo "$w"

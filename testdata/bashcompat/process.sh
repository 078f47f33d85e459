# Processes and limits: $BASHPID, umask, ulimit, kill, wait, time.
[[ $BASHPID == $$ ]] && echo "BASHPID is the shell's pid at top level"
sub=$(echo $BASHPID)
[[ -n $sub ]] && echo "BASHPID set in a substitution"
old=$(umask)
umask 027
echo "umask now $(umask)"
umask "$old"
ulimit -n >/dev/null && echo "ulimit -n answers"
sh -c 'echo $$ > "$TMPDIR/sleep.pid"; exec sleep 30' &
job=$!
while [[ ! -s $TMPDIR/sleep.pid ]]; do sleep 0.05; done
kill "$(cat "$TMPDIR/sleep.pid")"
wait "$job"
echo "killed sleep status $?"
( exit 3 ) &
wait $!
echo "wait status $?"
{ time true; } 2>/dev/null && echo "time ran"

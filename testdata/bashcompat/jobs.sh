# Background jobs: jobs -p lists them as $! names them, even from a
# command substitution; kill stops them; wait collects their status.
( exit 3 ) &
wait $!
echo "wait status $?"
( exit 4 ) &
p=$!
while kill -0 $p 2>/dev/null; do sleep 0.05; done
[[ $(jobs -p) == "$p" ]] && echo "an ended job is listed until waited for"
kill $p 2>/dev/null || echo "kill of an ended job fails"
wait $p
echo "wait status $?"
[[ -z $(jobs -p) ]] && echo "no jobs left"
failing() { echo "in failing $1"; exit 5; }
failing x &
wait $!
echo "function job status $?"
sleep 10 &
s=$!
[[ $(jobs -p) == "$s" ]] && echo "jobs -p names \$!"
kill -0 $s && echo "kill -0 sees the job"
kill $s
wait $s
echo "killed job status $?"
sleep 10 &
sleep 10 &
jobs
[[ $(jobs -p | wc -l) -eq 2 ]] && echo "two jobs"
kill $(jobs -p)
wait
echo "all waited, [$(jobs -p)]"
spinner() { while true; do sleep 0.1; done; }
spinner &
LAST_SPINNER_PID=$!
sleep 0.3
kill >/dev/null 2>&1 $LAST_SPINNER_PID && echo "spinner killed"
wait $LAST_SPINNER_PID
echo "spinner status $?"
x=1; { x=2; } &
wait $!; echo "x=$x in the parent"
{ sleep 0.05; echo "line $LINENO"; } &
wait $!
exit_trap() {
    local r=$?
    jobs=$(jobs -p)
    if [[ -n $jobs ]]; then
        echo "exit_trap: cleaning up child processes"
        kill 2>&1 $jobs
    fi
    exit $r
}
trap exit_trap EXIT
sleep 10 &
echo "exiting with a job running"

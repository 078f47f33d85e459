# set -x is per shell: a background job (DevStack's async_inner) or a
# subshell that turns it on or off leaves its parent's as it was.
job() { set -o xtrace; sleep 0.3; echo "in job"; true inside the job; set +o xtrace; }
job > "$TMPDIR/job.log" 2>&1 &
p=$!
sleep 0.1
x=$(set +o | grep xtrace)
echo "parent: $x"
wait $p
cat "$TMPDIR/job.log"
( set -x; true in a subshell ) 2>&1
true not traced
set +o | grep xtrace

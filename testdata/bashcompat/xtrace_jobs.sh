# A background job keeps the shell options it started with.
exec 2>&1
cd "$TMPDIR"
f() { echo job; }
set +o xtrace
f > out 2>&1 &
set -o xtrace
wait
cat out
g() { echo traced job; }
# Traced inside the group, after its redirection: the job's trace lines
# do not race the shell's.
{ g; } > out2 2>&1 &
set +o xtrace
wait
cat out2

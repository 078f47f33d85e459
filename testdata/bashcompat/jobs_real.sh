# Background jobs are processes of their own: $! is a process id that
# kill, wait, ps and jobs know, and the job starts with a copy of the
# shell: variables, arrays, functions, directory, umask, options.
exec 2>&1
cd "$TMPDIR"
pidless() { sed -E "s/ +[0-9]+ / PID /"; }

sleep 5 &
p=$!
[[ $p =~ ^[0-9]+$ ]] && echo "\$! is a number"
ps -p $p -o comm= | grep -q . && echo "ps knows \$!"
kill -0 $p && echo "kill -0 sees it"
jobs -l | pidless
[[ $(jobs -p) == "$p" ]] && echo "jobs -p gives \$!"
kill $p
wait $p
echo "killed: $?"
wait $p
echo "waited again: $?"
kill -0 $p 2>/dev/null || echo "kill -0 no longer sees it"
wait 1
echo "not a child: $?"

sleep 5 &
p=$!
/bin/kill -TERM $p
wait $p
echo "/bin/kill: $?"
sleep 0.1 &
wait %1
echo "wait %1: $?"

(exit 3) &
first=$!
(while kill -0 $first 2>/dev/null; do sleep 0.01; done; exit 4) &
wait -n
echo "wait -n: $?"
wait -n -p which
echo "wait -n -p: $? $([[ $which =~ ^[0-9]+$ ]] && echo number)"
wait -n
echo "nothing left: $?"

exec 3>&2 2>killed
sleep 5 &
kill -9 %1
sleep 0.1
exec 2>&3 3>&-
echo "a KILL is reported where the shell next waits:"
pidless < killed
jobs

true &
p=$!
while kill -0 $p 2>/dev/null; do sleep 0.01; done
jobs

sleep 0.3 &
disown
jobs
echo "disowned: [$(jobs -p)]"
disown
echo "disown without a job: $?"
sleep 5 &
disown -h %1
jobs
kill %1
wait
echo "waited for the job disown -h kept"

echo "$BASHPID $$ $PPID" > pids
{
    read -r shell_bashpid shell_pid shell_ppid < pids
    [[ $BASHPID != "$shell_bashpid" ]] && echo "BASHPID is the job's"
    [[ $$ == "$shell_pid" && $PPID == "$shell_ppid" ]] && echo "\$\$ and \$PPID are the shell's"
} &
wait

plain=value
export exported=yes
declare -a list=(one "two words" three)
declare -A map=([k]=v [x]="y z")
number=6
readonly fixed=1
greet() { echo "hello from ${FUNCNAME[0]} in a job, ${1:-}"; }
mkdir -p sub
cd sub
umask 027
{
    echo "plain=$plain exported=$exported"
    sh -c 'echo "the environment: exported=${exported:-} plain=${plain:-}"'
    echo "list: ${#list[@]} [${list[1]}]"
    echo "map: ${map[k]} [${map[x]}]"
    echo "number: $((number * 7))"
    declare -p fixed
    greet there
    echo "in ${PWD##*/}, umask $(umask)"
} &
wait
cd ..
umask 022

x=1
{ x=2; echo "x=$x in the job"; } &
wait
echo "x=$x in the shell"

{ echo a & wait; } | cat
echo b | { cat & wait; }
cat < /dev/stdin &
wait
echo "a job reads /dev/null unless told"

f() { local v=inner; { echo "local v=$v in ${FUNCNAME[*]}"; return 7; } & wait $!; echo "returned $?"; }
f

false
{ echo "\$? at the start: $?"; } &
wait

trap 'echo "ERR trap at line $LINENO"' ERR
{ false; echo "a job runs no ERR trap without errtrace"; } &
wait
set -E
{ false; echo "with errtrace it does"; } &
wait
set +E
trap - ERR

set -e
{ false; echo "not reached"; } &
wait $! || echo "errexit ended the job: $?"
set +e

trap 'echo "TERM trapped"' TERM
sleep 5 &
# Late enough for the shell to be in wait, on a busy machine too.
(sleep 0.5; kill -TERM $$) &
wait %1
echo "a trapped signal ends wait: $?"
kill %1
wait
trap - TERM

trap 'echo "the shell exits"' EXIT
trap '' USR1
trap 'echo caught' TERM
{ trap -p; trap - USR1; echo ---; trap -p; } &
wait
{ kill -USR1 $BASHPID; echo "USR1 ignored"; } &
wait

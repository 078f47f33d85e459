# Under set -x with a PS4 that runs commands, as DevStack's does, a traced
# function call still sees the caller's $? (exit_trap's `local r=$?`).
where() { echo "${BASH_SOURCE[1]##*/}:$1"; }
PS4='+ $(where $LINENO) '
set -x
report() { echo "report sees status $?"; }
false || report
sh -c 'exit 5' || report
set -e
( exit 6 ) || report
set +x

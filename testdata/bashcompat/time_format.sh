# time reports on standard error in TIMEFORMAT; the figures vary, so all
# but whole seconds of short commands are masked.
exec 2>&1
TIMEFORMAT='t=%0R'
time sleep 0
time { true; }
time true | cat
time (exit 3)
echo "status of a timed subshell: $?"
f() { return 4; }
time f
echo "status of a timed function: $?"
time
TIMEFORMAT='[%3R] [%2lR] [%U] [%1S] [%P] [%%] x%'
{ time true; } 2>&1 | sed "s/[0-9][0-9]*/N/g"
TIMEFORMAT='[%6R] [%lU]'
{ time sleep 0; } 2>&1 | sed "s/[0-9][0-9]*/N/g"
TIMEFORMAT=''
time true
echo "empty TIMEFORMAT prints nothing"
TIMEFORMAT='%X'
time true
TIMEFORMAT='%3P'
time true
unset TIMEFORMAT
{ time sleep 0; } 2>&1 | sed "s/[0-9][0-9]*/N/g"
{ time -p sleep 0; } 2>&1 | sed "s/[0-9][0-9]*/N/g"
TIMEFORMAT='in a group %0R'
{ time sleep 0; } 2>/dev/null
echo "the group's redirection took the report"
set -e
TIMEFORMAT='never %0R'
time false || echo "a failure in a condition is reported"

# A command with prefix assignments, or a for loop, inside an && / ||
# list: the list's logic holds (DevStack: `real_install_package $@ ||
# RETRY_UPDATE=True update_package_repo && real_install_package $@`).
f() { echo "f $* X=$X"; return 0; }
g() { echo "g X=$X" >&2; }
f 1 || X=1 g && f 2
false || X=1 g && f 3
X=2 g 2>/dev/null
true && X=3 g 2>&1 | cat
true || for X in a b; do echo "loop $X"; done && echo after-loop
false || for X in a b; do echo "loop $X"; done && echo after-loop2
! X=4 f 6 || echo "negated"
X=5 f 7 & wait
readonly R=1
R=2 f 4 || echo "status $?"
true || R=2 f 5 && echo "after 5"
false || R=2 f 8 && echo "after 8"
echo end

# Behaviours of bash the interpreter gets wrong on its own.
f() { false; return; }
f; echo "bare return: $?"
echo -ne "no newline, \x41 escape" ; echo
echo -en "both orders\n"
echo -nE 'raw \x41' ; echo
echo -n -e "separate\tflags" ; echo
inner() { local values; echo "bare local: [$values]"; }
outer() { local values=outer; inner; }
outer
printf 'echo in sourced\nreturn 0\necho never\n' > "$TMPDIR/ret.sh"
source "$TMPDIR/ret.sh"
echo "back after return in sourced file"
nosuchcommand_xyz 2>&1 | sed 's#^.*/##'
nosuchcommand_xyz 2>/dev/null
echo "status $?"
printf 'set -o xtrace\nset +o errexit\nno newline at end' | grep xtrace
printf 'a\nb\n' | grep -q b && echo "grep -q found"
printf 'a\nb\n' | grep c; echo "grep none: $?"
printf 'one\nno-newline' | grep newline

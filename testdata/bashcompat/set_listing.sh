# set alone lists the variables in a form that reads back, then the
# functions; set -o posix (which plugins turn on around a listing) is
# accepted, and drops the functions from the listing.
a=; b='x y'; c=$'t\tn'; d="it's"; e='$HOME'; f=plain; g='a"b'; h=(1 "2 3"); i=5; k='*'; l='~x'; o='a=b'
set | grep -E '^[a-o]='
for v in a,b a:b -x "a#b" "#a" "a~b" "a{b" "a!b" "a^b" "a%b" "a]b" "=a" "a;b" "a|b"; do x=$v; set | grep "^x="; done
f1() { echo hi; }
set | grep -A3 '^f1'
set -o posix; echo "posix $?"; set | grep -c '^f1'; set +o posix
set -o | grep -E '^(posix|vi|noclobber|braceexpand|hashall|errexit)'
set +o | grep -E ' (posix|vi|noclobber|errtrace)$'
set -o vi -o posix; set -o | grep -E '^(posix|vi) '

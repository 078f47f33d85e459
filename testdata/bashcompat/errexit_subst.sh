# Out of POSIX mode, bash runs a command substitution with errexit off:
# DevStack's get_random_port and many helpers rely on it.
set -o errexit
f() {
    false
    echo "f goes on"
}
x=$(f)
echo "[$x]"
y=`false; echo "backquotes go on"`
echo "[$y]"
file=$(mktemp)
printf 'from a file\n' > "$file"
z=$(< "$file")
echo "[$z]"
rm -f "$file"
w=$(false)
echo "not reached: the assignment fails with the substitution's status"
